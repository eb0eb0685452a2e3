//! Collections kept in memory with their sync token: a calendar view is computed from here,
//! and a refresh fetches only what changed since the last one.

use std::collections::HashMap;

use calcard::icalendar::ICalendar;
use chrono::{DateTime, Utc};
use sparks_api::pim::{Calendar, Contact, Event, EventRef};
use url::Url;

use crate::client::{Changes, Dav, DavError, Holds};
use crate::ical;

struct Object {
    etag: Option<String>,
    text: String,
    ical: ICalendar,
    /// When its events can happen ([`ical::span`]).
    span: (DateTime<Utc>, Option<DateTime<Utc>>),
    /// Its occurrences around the ranges asked for lately, so the next view over them
    /// expands nothing.
    index: std::sync::Mutex<Option<Index>>,
}

/// An object's occurrences in `[from, to)`, read in `zone`.
struct Index {
    zone: chrono_tz::Tz,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    slots: Vec<ical::Slot>,
}

/// How far around a range an object's index reaches: a year back, two ahead.
const BEFORE: chrono::TimeDelta = chrono::TimeDelta::days(366);
const AFTER: chrono::TimeDelta = chrono::TimeDelta::days(2 * 366);

impl Object {
    fn new(etag: Option<String>, text: String, ical: ICalendar) -> Object {
        let span = ical::span(&ical);
        Object {
            etag,
            text,
            ical,
            span,
            index: std::sync::Mutex::new(None),
        }
    }

    /// Its occurrences in `[from, to)`, from its index (built or widened when needed).
    fn slots(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        zone: chrono_tz::Tz,
    ) -> Vec<ical::Slot> {
        let mut index = self
            .index
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let covers = index
            .as_ref()
            .is_some_and(|i| i.zone == zone && i.from <= from && to <= i.to);
        if !covers {
            let (wide_from, wide_to) = (
                from.checked_sub_signed(BEFORE).unwrap_or(from),
                to.checked_add_signed(AFTER).unwrap_or(to),
            );
            let (slots, problems) = ical::slots(&self.ical, wide_from, wide_to, zone);
            for problem in &problems {
                tracing::debug!(problem, "part of an event skipped");
            }
            *index = Some(Index {
                zone,
                from: wide_from,
                to: wide_to,
                slots,
            });
        }
        index
            .as_ref()
            .map(|i| {
                i.slots
                    .iter()
                    .filter(|s| s.start < to && s.end > from)
                    .copied()
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// One calendar's objects, as of its sync token.
pub struct CalendarCache {
    pub calendar: Calendar,
    url: Url,
    token: Option<String>,
    /// The server has no `sync-collection`: changes are found by comparing ETags.
    compare: bool,
    objects: HashMap<Url, Object>,
    /// Objects that could not be read, and why (each is skipped, never the whole calendar).
    pub skipped: Vec<(Url, String)>,
}

impl CalendarCache {
    pub fn new(calendar: Calendar) -> Result<CalendarCache, DavError> {
        let url = Url::parse(&calendar.id)
            .map_err(|e| DavError::Protocol(format!("bad calendar id: {e}")))?;
        Ok(CalendarCache {
            calendar,
            url,
            token: None,
            compare: false,
            objects: HashMap::new(),
            skipped: Vec::new(),
        })
    }

    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// Brings the cache up to date; returns how many objects changed or went. A token the
    /// server no longer knows starts over with a full sync.
    pub async fn refresh(&mut self, dav: &Dav) -> Result<usize, DavError> {
        let known = || {
            let objects = self
                .objects
                .iter()
                .map(|(h, o)| (h.clone(), o.etag.clone()));
            // Unreadable ones are read again: they may have been mended.
            let skipped = self.skipped.iter().map(|(h, _)| (h.clone(), None));
            objects.chain(skipped).collect()
        };
        let (changes, afresh) = changes(
            dav,
            &self.url,
            Holds::Events,
            self.token.as_deref(),
            &mut self.compare,
            known,
        )
        .await?;
        if afresh {
            self.objects.clear();
            self.skipped.clear();
        }
        Ok(self.apply(changes))
    }

    fn apply(&mut self, changes: Changes) -> usize {
        let count = changes.changed.len() + changes.removed.len();
        for href in changes.removed {
            self.objects.remove(&href);
            self.skipped.retain(|(h, _)| *h != href);
        }
        for resource in changes.changed {
            self.skipped.retain(|(h, _)| *h != resource.href);
            match ical::parse(&resource.data) {
                Ok(parsed) => {
                    self.objects.insert(
                        resource.href,
                        Object::new(resource.etag, resource.data, parsed),
                    );
                }
                Err(error) => {
                    tracing::warn!(object = %resource.href, %error, "skipping an unreadable event");
                    self.objects.remove(&resource.href);
                    self.skipped.push((resource.href, error.to_string()));
                }
            }
        }
        if changes.token.is_some() {
            self.token = changes.token;
        }
        count
    }

    /// Keeps what the client just wrote, so the next view shows it before the next refresh.
    pub fn put(&mut self, href: Url, etag: Option<String>, text: String) {
        if let Ok(parsed) = ical::parse(&text) {
            self.objects.insert(href, Object::new(etag, text, parsed));
        }
    }

    pub fn forget(&mut self, href: &Url) {
        self.objects.remove(href);
    }

    /// An object's text and ETag.
    pub fn object(&self, href: &Url) -> Option<(&str, Option<&str>)> {
        self.objects
            .get(href)
            .map(|o| (o.text.as_str(), o.etag.as_deref()))
    }

    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// Every occurrence overlapping `[from, to)`, read in `zone` where times float.
    pub fn events(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        zone: chrono_tz::Tz,
    ) -> Vec<Event> {
        let mut events = Vec::new();
        for (href, object) in &self.objects {
            let (first, last) = object.span;
            if first >= to || last.is_some_and(|last| last <= from) {
                continue;
            }
            let slots = object.slots(from, to, zone);
            if slots.is_empty() {
                continue;
            }
            let found = ical::occurrences_of(&object.ical, &slots, zone);
            events.extend(found.into_iter().map(|o| Event {
                at: EventRef {
                    source: self.calendar.source.clone(),
                    calendar: self.calendar.id.clone(),
                    id: href.to_string(),
                    version: object.etag.clone(),
                    instance: o.instance,
                },
                uid: o.uid,
                recurring: o.recurring,
                invited: None,
                details: o.details,
            }));
        }
        events.sort_by_key(|e| e.details.start);
        events
    }
}

/// What changed since a collection's last refresh, and whether its cache must forget what it
/// has first (the sync token expired). Servers without `sync-collection` are asked for their
/// members' ETags instead, compared with those `known`.
async fn changes(
    dav: &Dav,
    url: &Url,
    holds: Holds,
    token: Option<&str>,
    compare: &mut bool,
    known: impl FnOnce() -> HashMap<Url, Option<String>>,
) -> Result<(Changes, bool), DavError> {
    if !*compare {
        match dav.sync(url, holds, token).await {
            Err(DavError::StaleToken) if token.is_some() => {
                tracing::info!(collection = %url, "sync token expired; syncing again");
                return Ok((dav.sync(url, holds, None).await?, true));
            }
            Err(DavError::Unsupported(why)) => {
                tracing::info!(collection = %url, %why, "no sync-collection; comparing ETags");
                *compare = true;
            }
            other => return Ok((other?, false)),
        }
    }
    Ok((dav.compare(url, holds, &known()).await?, false))
}

/// One address book's contacts, as of its sync token.
pub struct AddressBook {
    url: Url,
    source: String,
    token: Option<String>,
    compare: bool,
    /// Each card's ETag and what it says.
    contacts: HashMap<Url, (Option<String>, Contact)>,
}

impl AddressBook {
    pub fn new(source: &str, url: Url) -> AddressBook {
        AddressBook {
            url,
            source: source.to_owned(),
            token: None,
            compare: false,
            contacts: HashMap::new(),
        }
    }

    pub async fn refresh(&mut self, dav: &Dav) -> Result<usize, DavError> {
        let known = || {
            let cards = self.contacts.iter();
            cards
                .map(|(h, (etag, _))| (h.clone(), etag.clone()))
                .collect()
        };
        let (changes, afresh) = changes(
            dav,
            &self.url,
            Holds::Cards,
            self.token.as_deref(),
            &mut self.compare,
            known,
        )
        .await?;
        if afresh {
            self.contacts.clear();
        }
        let count = changes.changed.len() + changes.removed.len();
        for href in changes.removed {
            self.contacts.remove(&href);
        }
        for resource in changes.changed {
            match crate::vcard::contact(&self.source, resource.href.as_str(), &resource.data) {
                Some(contact) => {
                    self.contacts
                        .insert(resource.href, (resource.etag, contact));
                }
                None => {
                    tracing::warn!(card = %resource.href, "skipping an unreadable vCard");
                    self.contacts.remove(&resource.href);
                }
            }
        }
        if changes.token.is_some() {
            self.token = changes.token;
        }
        Ok(count)
    }

    /// Contacts whose name, address or organisation contains `query`, by name.
    pub fn search(&self, query: &str) -> Vec<Contact> {
        let mut found: Vec<Contact> = self
            .contacts
            .values()
            .map(|(_, c)| c)
            .filter(|c| crate::client::matches(c, query))
            .cloned()
            .collect();
        found.sort_by_key(|c| c.name.to_lowercase());
        found
    }
}
