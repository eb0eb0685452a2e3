//! Changes to a user's events: created, changed or deleted in the source that holds them,
//! with the version the client saw, so a concurrent edit is refused rather than overwritten.

use std::time::Instant;

use chrono::{DateTime, Utc};
use sparks_api::pim::{Event, EventDetails, EventRef, Participation};
use sparks_dav::{CalendarCache, Dav, Principal, ical};
use sparks_exchange::ews::xml::recurrence::writable;
use url::Url;

use super::{Account, Connection, DavAccount, SourceError, list_collections, random_id};

/// What a change needs from the account.
impl Account {
    fn dav(&mut self) -> Result<&mut DavAccount, SourceError> {
        match &mut self.connection {
            Connection::Dav(dav) => Ok(dav),
            _ => Err(SourceError::NotFound),
        }
    }

    /// Creates an event in calendar `calendar`.
    pub async fn create(
        &mut self,
        calendar: &str,
        details: EventDetails,
    ) -> Result<Event, SourceError> {
        let source = self.source.clone();
        match &self.connection {
            Connection::Dav(_) => self.dav_create(calendar, details).await,
            Connection::Exchange(_) if details.repeat.is_some_and(|r| !writable(&r)) => Err(
                SourceError::Unsupported("repeating every few years on Exchange"),
            ),
            Connection::Exchange(ews) => {
                let at = ews
                    .create(calendar, &details)
                    .await
                    .map_err(|e| SourceError::from_ews(&source, e))?;
                Ok(Event {
                    uid: at.id.clone(),
                    at,
                    recurring: false,
                    invited: None,
                    details,
                })
            }
            Connection::Graph(graph) => graph
                .create(calendar, &details)
                .await
                .map_err(|e| SourceError::from_graph(&source, e)),
        }
    }

    /// Changes the event (or instance) `at` to `details`, if it is still at `at.version`; with
    /// `whole_series`, the series of the instance `at`, moved as the instance was.
    pub async fn update(
        &mut self,
        at: &EventRef,
        details: EventDetails,
        whole_series: bool,
    ) -> Result<Event, SourceError> {
        let source = self.source.clone();
        let whole_series = whole_series && at.instance.is_some();
        match &self.connection {
            Connection::Dav(_) => self.dav_update(at, details, whole_series).await,
            Connection::Graph(graph) if whole_series => {
                let error = |e| SourceError::from_graph(&source, e);
                let (master, start) = graph
                    .series(at)
                    .await
                    .map_err(error)?
                    .ok_or(SourceError::NotFound)?;
                let instance = at.instance.unwrap_or(start);
                let details = series_change(details, instance, start);
                graph.update(&master, &details).await.map_err(error)
            }
            Connection::Exchange(_) if details.repeat.is_some_and(|r| !writable(&r)) => Err(
                SourceError::Unsupported("repeating every few years on Exchange"),
            ),
            Connection::Exchange(ews) if whole_series => {
                let error = |e| SourceError::from_ews(&source, e);
                let (master, start) = ews.series(at).await.map_err(error)?;
                let instance = at.instance.unwrap_or(start);
                let details = series_change(details, instance, start);
                let at = ews.update(&master, &details).await.map_err(error)?;
                Ok(Event {
                    uid: at.id.clone(),
                    recurring: false,
                    invited: None,
                    at,
                    details,
                })
            }
            Connection::Exchange(ews) => {
                let at = ews
                    .update(at, &details)
                    .await
                    .map_err(|e| SourceError::from_ews(&source, e))?;
                Ok(Event {
                    uid: at.id.clone(),
                    recurring: at.instance.is_some(),
                    invited: None,
                    at,
                    details,
                })
            }
            Connection::Graph(graph) => graph
                .update(at, &details)
                .await
                .map_err(|e| SourceError::from_graph(&source, e)),
        }
    }

    /// The user's answer to the invitation `at` (one instance, or the whole series).
    pub async fn reply(&mut self, at: &EventRef, status: Participation) -> Result<(), SourceError> {
        let source = self.source.clone();
        match &self.connection {
            Connection::Dav(_) => self.dav_reply(at, status).await,
            Connection::Exchange(ews) => ews
                .reply(at, status)
                .await
                .map_err(|e| SourceError::from_ews(&source, e)),
            Connection::Graph(graph) => graph
                .reply(at, status)
                .await
                .map_err(|e| SourceError::from_graph(&source, e)),
        }
    }

    /// Deletes the event `at` (or, with an instance, only that instance).
    pub async fn delete(&mut self, at: &EventRef) -> Result<(), SourceError> {
        let source = self.source.clone();
        match &self.connection {
            Connection::Dav(_) => self.dav_delete(at).await,
            Connection::Exchange(ews) => ews
                .delete(at)
                .await
                .map_err(|e| SourceError::from_ews(&source, e)),
            Connection::Graph(graph) => {
                let error = |e| SourceError::from_graph(&source, e);
                // The whole series of an occurrence goes with its master.
                let target = match at.instance {
                    Some(_) => at.clone(),
                    None => match graph.series(at).await.map_err(error)? {
                        Some((master, _)) => master,
                        None => at.clone(),
                    },
                };
                graph.delete(&target).await.map_err(error)
            }
        }
    }

    /// The writable calendar `id`, listing the collections again if it is new.
    async fn calendar_mut(
        &mut self,
        id: &str,
    ) -> Result<(&Dav, &mut CalendarCache, &Principal), SourceError> {
        let source = self.source.clone();
        let dav = self.dav()?;
        if !dav.calendars.iter().any(|c| c.calendar.id == id) {
            list_collections(&source, dav).await?;
            dav.listed = Some(Instant::now());
        }
        let cache = dav
            .calendars
            .iter_mut()
            .find(|c| c.calendar.id == id)
            .ok_or(SourceError::NotFound)?;
        if !cache.calendar.writable {
            return Err(SourceError::ReadOnly);
        }
        Ok((&dav.dav, cache, &dav.principal))
    }

    async fn dav_create(
        &mut self,
        calendar: &str,
        mut details: EventDetails,
    ) -> Result<Event, SourceError> {
        let source = self.source.clone();
        let me = self.addresses.first().cloned();
        let (dav, cache, _) = self.calendar_mut(calendar).await?;
        if details.organizer.is_none() && !details.attendees.is_empty() {
            // The server schedules (sends the invitations) for an organiser it knows.
            details.organizer = me.map(|email| sparks_api::pim::Attendee {
                email,
                name: None,
                status: sparks_api::pim::Participation::Accepted,
            });
        }
        let id = random_id();
        let uid = format!("{id}@sparks");
        let collection = Url::parse(&cache.calendar.id).map_err(|_| SourceError::NotFound)?;
        // The object's name has only characters no server escapes, so the href the server
        // lists is the one written (an `@` comes back as `%40` from some).
        let href = collection
            .join(&format!("{id}.ics"))
            .map_err(|_| SourceError::NotFound)?;
        let text = ical::create(&uid, &details, Utc::now());
        let etag = dav
            .put(&href, text.clone(), None)
            .await
            .map_err(|e| SourceError::from_dav(&source, e))?;
        cache.put(href.clone(), etag.clone(), text);
        Ok(Event {
            at: EventRef {
                source: source.id.clone(),
                calendar: calendar.to_owned(),
                id: href.to_string(),
                version: etag,
                instance: None,
            },
            uid,
            recurring: false,
            invited: None,
            details,
        })
    }

    /// The object `at` names, if it lies inside its calendar.
    fn object_url(cache: &CalendarCache, at: &EventRef) -> Result<Url, SourceError> {
        let href = Url::parse(&at.id).map_err(|_| SourceError::NotFound)?;
        let collection = Url::parse(&cache.calendar.id).map_err(|_| SourceError::NotFound)?;
        let inside = href.origin() == collection.origin()
            && href.path().starts_with(collection.path())
            && href.path().len() > collection.path().len()
            && !href.path().contains("/../");
        inside.then_some(href).ok_or(SourceError::NotFound)
    }

    async fn dav_update(
        &mut self,
        at: &EventRef,
        details: EventDetails,
        whole_series: bool,
    ) -> Result<Event, SourceError> {
        let source = self.source.clone();
        let (dav, cache, _) = self.calendar_mut(&at.calendar).await?;
        let href = Self::object_url(cache, at)?;
        let error = |e| SourceError::from_dav(&source, e);
        let (text, etag) = match cache.object(&href) {
            Some((text, etag)) if at.version.is_none() || etag == at.version.as_deref() => {
                (text.to_owned(), etag.map(str::to_owned))
            }
            _ => {
                let fresh = dav.get(&href).await.map_err(error)?;
                (fresh.data, fresh.etag)
            }
        };
        let expected = at.version.clone().or(etag);
        let (instance, details) = match at.instance {
            Some(instance) if whole_series => {
                let series = ical::series_start(&text).map_err(|_| SourceError::NotFound)?;
                (None, series_change(details, instance, series))
            }
            other => (other, details),
        };
        let changed = ical::update(&text, instance, &details, Utc::now())
            .map_err(|_| SourceError::NotFound)?;
        let new_etag = dav
            .put(&href, changed.clone(), expected.as_deref())
            .await
            .map_err(error)?;
        cache.put(href.clone(), new_etag.clone(), changed);
        let uid = ical::parse(&text)
            .ok()
            .and_then(|i| i.uids().next().map(str::to_owned))
            .unwrap_or_default();
        Ok(Event {
            at: EventRef {
                version: new_etag,
                instance,
                ..at.clone()
            },
            uid,
            recurring: at.instance.is_some(),
            invited: None,
            details,
        })
    }

    async fn dav_reply(&mut self, at: &EventRef, status: Participation) -> Result<(), SourceError> {
        let source = self.source.clone();
        let addresses = self.addresses.clone();
        let (dav, cache, _) = self.calendar_mut(&at.calendar).await?;
        let href = Self::object_url(cache, at)?;
        let error = |e| SourceError::from_dav(&source, e);
        let current = dav.get(&href).await.map_err(error)?;
        if at.version.is_some() && current.etag != at.version {
            return Err(SourceError::Conflict);
        }
        let changed = ical::reply(&current.data, at.instance, &addresses, status, Utc::now())
            .map_err(|e| match e {
                ical::IcalError::NotInvited => SourceError::NotInvited,
                _ => SourceError::NotFound,
            })?;
        let etag = dav
            .put(&href, changed.clone(), current.etag.as_deref())
            .await
            .map_err(error)?;
        cache.put(href, etag, changed);
        Ok(())
    }

    async fn dav_delete(&mut self, at: &EventRef) -> Result<(), SourceError> {
        let source = self.source.clone();
        let (dav, cache, _) = self.calendar_mut(&at.calendar).await?;
        let href = Self::object_url(cache, at)?;
        let error = |e| SourceError::from_dav(&source, e);
        match at.instance {
            None => {
                dav.delete(&href, at.version.as_deref())
                    .await
                    .map_err(error)?;
                cache.forget(&href);
            }
            Some(instance) => {
                let current = dav.get(&href).await.map_err(error)?;
                if at.version.is_some() && current.etag != at.version {
                    return Err(SourceError::Conflict);
                }
                let changed = ical::remove_instance(&current.data, instance)
                    .map_err(|_| SourceError::NotFound)?;
                let etag = dav
                    .put(&href, changed.clone(), current.etag.as_deref())
                    .await
                    .map_err(error)?;
                cache.put(href, etag, changed);
            }
        }
        Ok(())
    }
}

/// `details`, made from one instance's change, as the change of its whole series (whose
/// start is `series`): the series moves by as much as the instance at `instance` moved, in
/// local time (a weekly 9:00 stays at 9:00 across daylight-saving changes).
fn series_change(
    mut details: EventDetails,
    instance: DateTime<Utc>,
    series: DateTime<Utc>,
) -> EventDetails {
    let zone = details
        .time_zone
        .as_deref()
        .and_then(|z| z.parse::<chrono_tz::Tz>().ok())
        .filter(|_| !details.all_day)
        .unwrap_or(chrono_tz::UTC);
    use chrono::TimeZone;
    let local = |t: DateTime<Utc>| t.with_timezone(&zone).naive_local();
    let moved = local(details.start) - local(instance);
    let length = details.end - details.start;
    let start = zone
        .from_local_datetime(&(local(series) + moved))
        .earliest()
        .map_or(series + moved, |t| t.with_timezone(&Utc));
    details.start = start;
    details.end = start + length;
    details
}

#[cfg(test)]
pub(crate) mod tests {
    use chrono::TimeZone;

    use super::*;

    fn berlin(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        chrono_tz::Europe::Berlin
            .with_ymd_and_hms(y, m, d, h, 0, 0)
            .single()
            .expect("a time")
            .with_timezone(&Utc)
    }

    /// A plain event: a title and its times, nothing else.
    pub(crate) fn details(title: &str, start: DateTime<Utc>, end: DateTime<Utc>) -> EventDetails {
        EventDetails {
            title: title.into(),
            start,
            end,
            all_day: false,
            time_zone: None,
            location: String::new(),
            description: String::new(),
            organizer: None,
            attendees: Vec::new(),
            meeting: None,
            reminders: Vec::new(),
            repeat: None,
        }
    }

    #[test]
    fn a_series_moves_as_its_occurrence_moved_in_local_time() {
        // A weekly 9:00 from October (summer time); its November (winter time) occurrence is
        // moved to 10:30 on the next day: the series starts 10:30 the day after, in October.
        let details = EventDetails {
            time_zone: Some("Europe/Berlin".into()),
            ..details(
                "Stand-up",
                berlin(2026, 11, 10, 10) + chrono::Duration::minutes(30),
                berlin(2026, 11, 10, 11),
            )
        };
        let moved = series_change(details, berlin(2026, 11, 9, 9), berlin(2026, 10, 19, 9));
        assert_eq!(
            moved.start,
            berlin(2026, 10, 20, 10) + chrono::Duration::minutes(30)
        );
        assert_eq!(moved.end, berlin(2026, 10, 20, 11));
    }
}
