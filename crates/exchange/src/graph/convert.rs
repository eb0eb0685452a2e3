//! From Graph's resources into Sparks' types, and from Sparks' event details into the body
//! Graph is sent.

use chrono::{DateTime, TimeDelta, Utc};
use sparks_api::pim::{
    Attendee, Busy, BusyKind, Calendar, Contact, Event, EventDetails, EventRef, Frequency,
    Participation, Repeat, Schedule,
};

use super::text::{self, html_to_text, matrix_id};
use super::types::*;
use super::{GraphError, midnight, parse_instant, time_zone};

impl GraphCalendar {
    pub fn into_calendar(self, source: &str) -> Calendar {
        let color = self.hex_color.filter(|hex| {
            hex.len() == 7
                && hex.starts_with('#')
                && hex[1..].chars().all(|c| c.is_ascii_hexdigit())
        });
        Calendar {
            source: source.to_owned(),
            id: self.id,
            name: self.name,
            color: color.map(|hex| hex.to_ascii_lowercase()),
            writable: self.can_edit.unwrap_or(false),
        }
    }
}

fn person(address: Option<EmailAddress>, status: Participation) -> Option<Attendee> {
    let address = address?;
    let email = address.address.filter(|a| !a.trim().is_empty())?;
    Some(Attendee {
        email,
        name: address.name.filter(|n| !n.is_empty()),
        status,
    })
}

fn participation(status: Option<&ResponseStatus>) -> Participation {
    match status.and_then(|s| s.response) {
        Some(ResponseType::Accepted | ResponseType::Organizer) => Participation::Accepted,
        Some(ResponseType::Declined) => Participation::Declined,
        Some(ResponseType::TentativelyAccepted) => Participation::Tentative,
        _ => Participation::NeedsAction,
    }
}

fn is_link(text: &str) -> bool {
    text.starts_with("https://") || text.starts_with("http://")
}

impl GraphEvent {
    /// The version a change must be made against: the change key (or the ETag's).
    pub fn version(&self) -> Option<String> {
        let from_etag = || {
            let etag = self.etag.as_deref()?;
            Some(
                etag.strip_prefix("W/")
                    .unwrap_or(etag)
                    .trim_matches('"')
                    .to_owned(),
            )
        };
        self.change_key
            .clone()
            .or_else(from_etag)
            .filter(|v| !v.is_empty())
    }

    /// As Sparks shows it. Needs `id`, `start` and `end`.
    pub fn into_event(self, source: &str, calendar: &str) -> Result<Event, GraphError> {
        let version = self.version();
        let id = self.id.ok_or(GraphError::Incomplete("id"))?;
        let start = self.start.ok_or(GraphError::Incomplete("start"))?;
        let end = self.end.ok_or(GraphError::Incomplete("end"))?;
        let all_day = self.is_all_day.unwrap_or(false);
        let (start_at, end_at) = if all_day {
            let first = start.naive()?.date();
            let after = end.naive()?.date().max(first + TimeDelta::days(1));
            (midnight(first), midnight(after))
        } else {
            (start.to_utc()?, end.to_utc()?)
        };
        let written_in = self.original_start_time_zone.or_else(|| {
            start
                .time_zone
                .clone()
                .filter(|z| time_zone(z) != Some(chrono_tz::UTC))
        });
        let recurring = match self.kind {
            Some(kind) => matches!(kind, EventType::Occurrence | EventType::Exception),
            None => self.series_master_id.is_some(),
        };
        // An occurrence not moved starts where it always did; a moved one must say where.
        let instance = match (&self.original_start, recurring, self.kind) {
            (Some(original), true, _) => Some(parse_instant(original)?),
            (None, true, Some(EventType::Occurrence)) if !all_day => Some(start.to_utc()?),
            (None, true, _) => return Err(GraphError::Incomplete("originalStart")),
            _ => None,
        };
        let mut description = match self.body {
            Some(ItemBody {
                content: Some(content),
                content_type,
            }) => match content_type {
                Some(kind) if kind.eq_ignore_ascii_case("html") => html_to_text(&content),
                _ => content.trim().to_owned(),
            },
            _ => self.body_preview.unwrap_or_default(),
        };
        let location = self
            .location
            .and_then(|l| l.display_name)
            .unwrap_or_default();
        let places: Vec<&str> = location
            .split(';')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        let meeting = (self.online_meeting.and_then(|m| m.join_url))
            .or(self.online_meeting_url)
            .filter(|link| !link.is_empty())
            .or_else(|| places.iter().find(|p| is_link(p)).map(|p| (*p).to_owned()));
        let location = match &meeting {
            Some(link) => places
                .iter()
                .filter(|p| *p != link)
                .copied()
                .collect::<Vec<_>>()
                .join("; "),
            None => location.trim().to_owned(),
        };
        if let Some(link) = &meeting
            && let Some(rest) = description.strip_suffix(link.as_str())
        {
            description = rest.trim_end().to_owned();
        }
        let reminders = match (self.is_reminder_on, self.reminder_minutes_before_start) {
            (Some(false), _) | (_, None) => Vec::new(),
            (_, Some(minutes)) => vec![minutes],
        };
        let organizer = self
            .organizer
            .and_then(|o| person(o.email_address, Participation::Accepted));
        let attendees: Vec<Attendee> = self
            .attendees
            .into_iter()
            .filter_map(|a| {
                let status = participation(a.status.as_ref());
                person(a.email_address, status)
            })
            .collect();
        // Invited: a meeting with others that someone else organises.
        let invited = (self.is_organizer == Some(false) && !attendees.is_empty())
            .then(|| participation(self.response_status.as_ref()));
        Ok(Event {
            at: EventRef {
                source: source.to_owned(),
                calendar: calendar.to_owned(),
                id: id.clone(),
                version,
                instance,
            },
            uid: self.ical_uid.filter(|u| !u.is_empty()).unwrap_or(id),
            recurring,
            invited,
            details: EventDetails {
                title: self.subject.unwrap_or_default(),
                start: start_at,
                end: end_at,
                all_day,
                time_zone: written_in
                    .as_deref()
                    .and_then(time_zone)
                    .map(|z| z.name().to_owned()),
                location,
                description,
                organizer,
                attendees,
                meeting,
                reminders,
                repeat: self
                    .recurrence
                    .as_ref()
                    .and_then(PatternedRecurrence::repeat),
            },
        })
    }
}

impl EventWrite {
    /// Times in UTC (an all-day event as midnight of its dates); attendees as required; the
    /// meeting link at the end of the body and in the location.
    pub fn from_details(details: &EventDetails) -> Self {
        let (start, end) = if details.all_day {
            let first = details.start.date_naive();
            let after = details.end.date_naive().max(first + TimeDelta::days(1));
            (DateTimeTimeZone::date(first), DateTimeTimeZone::date(after))
        } else {
            (
                DateTimeTimeZone::utc(details.start),
                DateTimeTimeZone::utc(details.end),
            )
        };
        let mut html = text::escape_html(&details.description).replace('\n', "<br>");
        let mut places = vec![details.location.trim()];
        if let Some(link) = details
            .meeting
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            if !html.is_empty() {
                html.push_str("<br><br>");
            }
            let link_html = text::escape_html(link);
            html.push_str(&format!("<a href=\"{link_html}\">{link_html}</a>"));
            places.push(link);
        }
        let place = places
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("; ");
        let attendees = details
            .attendees
            .iter()
            .map(|a| GraphAttendee {
                email_address: Some(EmailAddress {
                    name: a.name.clone(),
                    address: Some(a.email.clone()),
                }),
                status: None,
                kind: Some("required".to_owned()),
            })
            .collect();
        Self {
            subject: details.title.clone(),
            body: ItemBody {
                content_type: Some("HTML".to_owned()),
                content: Some(html),
            },
            start,
            end,
            is_all_day: details.all_day,
            location: Location {
                display_name: Some(place),
            },
            attendees,
            is_reminder_on: !details.reminders.is_empty(),
            reminder_minutes_before_start: details.reminders.first().copied(),
            recurrence: None,
        }
        .repeating(details)
    }

    /// A repeating event's times and rule in its own zone (Windows name), so the series
    /// keeps its local time across daylight-saving changes; UTC when the zone has no Windows
    /// name Sparks knows.
    fn repeating(mut self, details: &EventDetails) -> Self {
        let Some(repeat) = details.repeat else {
            return self;
        };
        let iana = details.time_zone.as_deref().unwrap_or("UTC");
        let (zone, windows) = crate::zones::WINDOWS_ZONES
            .iter()
            .find(|(_, i)| *i == iana)
            .and_then(|(w, i)| Some((i.parse::<chrono_tz::Tz>().ok()?, *w)))
            .unwrap_or((chrono_tz::UTC, "UTC"));
        let local = details.start.with_timezone(&zone);
        if !details.all_day {
            let written = |at: DateTime<Utc>| DateTimeTimeZone {
                date_time: at
                    .with_timezone(&zone)
                    .naive_local()
                    .format("%Y-%m-%dT%H:%M:%S")
                    .to_string(),
                time_zone: Some(windows.to_owned()),
            };
            self.start = written(details.start);
            self.end = written(details.end);
        }
        let day = if details.all_day {
            details.start.date_naive()
        } else {
            local.date_naive()
        };
        use chrono::Datelike;
        let weekday = day.weekday().to_string().to_lowercase();
        let weekday = match weekday.as_str() {
            "mon" => "monday",
            "tue" => "tuesday",
            "wed" => "wednesday",
            "thu" => "thursday",
            "fri" => "friday",
            "sat" => "saturday",
            _ => "sunday",
        };
        let mut pattern = RecurrencePattern {
            interval: repeat.interval.max(1),
            ..RecurrencePattern::default()
        };
        match repeat.every {
            Frequency::Daily => pattern.kind = "daily".into(),
            Frequency::Weekly => {
                pattern.kind = "weekly".into();
                pattern.days_of_week = vec![weekday.to_owned()];
            }
            Frequency::Monthly => {
                pattern.kind = "absoluteMonthly".into();
                pattern.day_of_month = day.day();
            }
            Frequency::Yearly => {
                pattern.kind = "absoluteYearly".into();
                pattern.day_of_month = day.day();
                pattern.month = day.month();
            }
        }
        self.recurrence = Some(PatternedRecurrence {
            pattern,
            range: RecurrenceRange {
                kind: "noEnd".into(),
                start_date: day.format("%Y-%m-%d").to_string(),
                recurrence_time_zone: Some(windows.to_owned()),
            },
        });
        self
    }
}

impl PatternedRecurrence {
    /// The rule as a [`Repeat`], when it is one Sparks shows: without end, on the start's day.
    pub fn repeat(&self) -> Option<Repeat> {
        let every = match self.pattern.kind.as_str() {
            "daily" => Frequency::Daily,
            "weekly" if self.pattern.days_of_week.len() <= 1 => Frequency::Weekly,
            "absoluteMonthly" => Frequency::Monthly,
            "absoluteYearly" => Frequency::Yearly,
            _ => return None,
        };
        (self.range.kind == "noEnd").then_some(Repeat {
            every,
            interval: self.pattern.interval.max(1),
        })
    }
}

impl ScheduleInformation {
    /// The busy times, from the items or (when there are none) from `availabilityView`,
    /// whose slots of `interval` minutes begin at `start`. `None` when Graph could not tell.
    pub fn into_schedule(
        self,
        start: DateTime<Utc>,
        interval: i64,
    ) -> Result<Option<Schedule>, GraphError> {
        if let Some(error) = self.error {
            tracing::debug!(schedule = %self.schedule_id, message = ?error.message, "no free/busy");
            return Ok(None);
        }
        let mut busy = Vec::new();
        for item in &self.schedule_items {
            if let Some(kind) = item.status.and_then(busy_kind) {
                busy.push(Busy {
                    start: item.start.to_utc()?,
                    end: item.end.to_utc()?,
                    kind,
                });
            }
        }
        if self.schedule_items.is_empty() {
            let view = self.availability_view.unwrap_or_default();
            for (slot, digit) in view.chars().enumerate() {
                let kind = match digit {
                    '1' => BusyKind::Tentative,
                    '2' => BusyKind::Busy,
                    '3' => BusyKind::OutOfOffice,
                    _ => continue,
                };
                let from = start + TimeDelta::minutes(interval * slot as i64);
                let to = from + TimeDelta::minutes(interval);
                match busy.last_mut() {
                    Some(last) if last.end == from && last.kind == kind => last.end = to,
                    _ => busy.push(Busy {
                        start: from,
                        end: to,
                        kind,
                    }),
                }
            }
        }
        busy.sort_by_key(|b| (b.start, b.end));
        Ok(Some(Schedule {
            email: self.schedule_id,
            busy,
        }))
    }
}

fn busy_kind(status: FreeBusyStatus) -> Option<BusyKind> {
    match status {
        FreeBusyStatus::Busy => Some(BusyKind::Busy),
        FreeBusyStatus::Tentative => Some(BusyKind::Tentative),
        FreeBusyStatus::Oof => Some(BusyKind::OutOfOffice),
        FreeBusyStatus::Free | FreeBusyStatus::WorkingElsewhere | FreeBusyStatus::Unknown => None,
    }
}

impl GraphContact {
    /// `None` for a contact without an id.
    pub fn into_contact(self, source: &str) -> Option<Contact> {
        let emails: Vec<String> = (self.email_addresses.into_iter())
            .filter_map(|e| {
                e.address
                    .map(|a| a.trim().to_owned())
                    .filter(|a| !a.is_empty())
            })
            .collect();
        let phones = (self
            .business_phones
            .into_iter()
            .chain(self.home_phones)
            .chain(self.mobile_phone))
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect();
        let name = self
            .display_name
            .filter(|n| !n.trim().is_empty())
            .or_else(|| emails.first().cloned());
        Some(Contact {
            source: source.to_owned(),
            id: self.id?,
            name: name.unwrap_or_default(),
            emails,
            phones,
            organization: self.company_name.filter(|c| !c.is_empty()),
            title: self.job_title.filter(|t| !t.is_empty()),
            matrix: self.im_addresses.iter().find_map(|im| matrix_id(im)),
        })
    }
}
