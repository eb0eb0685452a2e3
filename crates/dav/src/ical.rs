//! iCalendar objects as Sparks sees them: occurrences in a time range (recurrences expanded,
//! overridden instances in place of the ones they replace), and the objects written back when
//! someone creates, changes or deletes an event. Parsing, time zones and recurrence rules are
//! calcard's; this module decides what they mean for a calendar view.
//!
//! Changes are made to the parsed object, so properties Sparks does not show (categories,
//! attachments, vendor extensions) survive an edit.

use calcard::common::timezone::Tz;
use calcard::icalendar::{
    ICalendar, ICalendarComponent, ICalendarComponentType, ICalendarEntry, ICalendarFrequency,
    ICalendarParameter, ICalendarParameterName, ICalendarParameterValue,
    ICalendarParticipationStatus, ICalendarProperty, ICalendarValue,
};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use sparks_api::pim::{Attendee, EventDetails, Frequency, Participation, Repeat};

/// The most occurrences one object may expand to (a guard against rules like `FREQ=SECONDLY`).
const EXPANSION_LIMIT: usize = 20_000;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum IcalError {
    #[error("not an iCalendar object: {0}")]
    Unreadable(String),
    #[error("the object has no event")]
    NoEvent,
    #[error("the object has no instance at {0}")]
    NoInstance(DateTime<Utc>),
    #[error("none of the user's addresses is invited to the event")]
    NotInvited,
}

/// One occurrence of an event in a range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    pub uid: String,
    pub recurring: bool,
    /// The instance's original start (its RECURRENCE-ID) when `recurring`.
    pub instance: Option<DateTime<Utc>>,
    pub details: EventDetails,
}

/// Occurrences of an object's events, and why any of its parts could not be placed.
#[derive(Debug, Default)]
pub struct Expanded {
    pub occurrences: Vec<Occurrence>,
    pub problems: Vec<String>,
}

/// Reads one iCalendar object (one calendar resource of a CalDAV collection).
pub fn parse(text: &str) -> Result<ICalendar, IcalError> {
    // Old Mac and Lotus Notes files end lines with CR alone.
    let text = if text.contains('\r') && !text.contains('\n') {
        std::borrow::Cow::Owned(text.replace('\r', "\r\n"))
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    ICalendar::parse(text.as_ref()).map_err(|entry| IcalError::Unreadable(format!("{entry:?}")))
}

/// Where and when one occurrence is, without what it says: what a cache keeps per object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    comp_id: u32,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    all_day: bool,
    instance: Option<DateTime<Utc>>,
}

/// The occurrences of `ical`'s events that overlap `[from, to)`. Floating times and dates are
/// read in `zone`, the user's time zone.
pub fn occurrences(
    ical: &ICalendar,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    zone: chrono_tz::Tz,
) -> Expanded {
    let (slots, problems) = slots(ical, from, to, zone);
    let resolver = ical.build_tz_resolver().with_default(zone);
    Expanded {
        occurrences: slots
            .iter()
            .filter_map(|slot| occurrence(ical, slot, &resolver))
            .collect(),
        problems,
    }
}

/// The occurrences a slot list (from [`slots`]) names, as [`occurrences`] gives them.
pub fn occurrences_of(ical: &ICalendar, slots: &[Slot], zone: chrono_tz::Tz) -> Vec<Occurrence> {
    let resolver = ical.build_tz_resolver().with_default(zone);
    slots
        .iter()
        .filter_map(|slot| occurrence(ical, slot, &resolver))
        .collect()
}

fn occurrence(
    ical: &ICalendar,
    slot: &Slot,
    resolver: &calcard::icalendar::timezone::TzResolver<&str>,
) -> Option<Occurrence> {
    let component = ical.components.get(slot.comp_id as usize)?;
    Some(Occurrence {
        uid: component.uid().unwrap_or_default().to_owned(),
        recurring: slot.instance.is_some(),
        instance: slot.instance,
        details: details(
            ical,
            slot.comp_id,
            component,
            slot.start,
            slot.end,
            slot.all_day,
            resolver,
        ),
    })
}

/// When `ical`'s events happen in `[from, to)`, by start, and why any part could not be placed.
pub fn slots(
    ical: &ICalendar,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    zone: chrono_tz::Tz,
) -> (Vec<Slot>, Vec<String>) {
    let prepared = prepared_for_expansion(ical, to);
    let expand = prepared.expand_dates(zone, EXPANSION_LIMIT);
    let resolver = ical.build_tz_resolver().with_default(zone);
    let mut problems: Vec<String> = expand
        .errors
        .iter()
        .map(|e| format!("component {}: {}", e.comp_id, e.error))
        .collect();
    let mut slots = Vec::new();
    for event in expand.events {
        let Some(component) = ical.components.get(event.comp_id as usize) else {
            continue;
        };
        if component.component_type != ICalendarComponentType::VEvent {
            continue;
        }
        let Some(end) = event.clone().try_into_date_time() else {
            problems.push(format!("component {}: no valid end", event.comp_id));
            continue;
        };
        let (start, end) = (end.start, end.end);
        if start.with_timezone(&Utc) >= to || end.with_timezone(&Utc) <= from {
            continue;
        }
        let all_day = !has_time(component, &ICalendarProperty::Dtstart);
        let (start, end) = if all_day {
            (midnight(start.naive_local().date()), {
                let end = end.naive_local().date();
                midnight(end.max(start.naive_local().date() + TimeDelta::days(1)))
            })
        } else {
            // An end before the start (it happens) is read as a moment.
            let start = start.with_timezone(&Utc);
            (start, end.with_timezone(&Utc).max(start))
        };
        let recurring = component.is_recurrent_or_override();
        let instance = recurring.then(|| {
            recurrence_id(component, &resolver).map_or(start, |rid| {
                if all_day {
                    midnight(rid.naive_local().date())
                } else {
                    rid.with_timezone(&Utc)
                }
            })
        });
        slots.push(Slot {
            comp_id: event.comp_id,
            start,
            end,
            all_day,
            instance,
        });
    }
    slots.sort_by_key(|s| s.start);
    (slots, problems)
}

/// When an object's events can happen at all: from a day before its earliest start to a day
/// after its latest end (`None`: no end, a rule without UNTIL). A view skips objects outside
/// its range without expanding them; the margins cover any time zone.
pub fn span(ical: &ICalendar) -> (DateTime<Utc>, Option<DateTime<Utc>>) {
    let unbounded = (DateTime::<Utc>::MIN_UTC, None);
    let time = |entry: &ICalendarEntry| {
        entry
            .values
            .iter()
            .filter_map(ICalendarValue::as_partial_date_time)
            .filter_map(|dt| dt.to_date_time_with_tz(Tz::UTC))
            .map(|dt| dt.with_timezone(&Utc))
            .collect::<Vec<_>>()
    };
    let mut first: Option<DateTime<Utc>> = None;
    let mut last: Option<DateTime<Utc>> = None;
    let mut longest = TimeDelta::days(1);
    let mut open = false;
    // Rules that end after a number of instances: their last one is found by expanding once.
    let mut counted = false;
    for component in ical
        .components
        .iter()
        .filter(|c| c.component_type.has_time_ranges())
    {
        let mut start = None;
        let mut end = None;
        for entry in &component.entries {
            match entry.name {
                ICalendarProperty::Dtstart => start = time(entry).first().copied(),
                ICalendarProperty::Dtend | ICalendarProperty::Due => {
                    end = time(entry).first().copied()
                }
                ICalendarProperty::Duration => {
                    if let Some(ICalendarValue::Duration(d)) = entry.values.first() {
                        longest = longest.max(d.to_time_delta().unwrap_or_default());
                    }
                }
                ICalendarProperty::Rrule => match entry.values.first() {
                    Some(ICalendarValue::RecurrenceRule(rule)) => match rule
                        .until
                        .as_ref()
                        .and_then(|u| u.to_date_time_with_tz(Tz::UTC))
                    {
                        Some(until) => last = last.max(Some(until.with_timezone(&Utc))),
                        None if rule
                            .count
                            .is_some_and(|c| (c as usize) < EXPANSION_LIMIT / 2) =>
                        {
                            counted = true;
                        }
                        None => open = true,
                    },
                    _ => return unbounded,
                },
                // Periods (and anything else unusual) keep the object in every view.
                ICalendarProperty::Rdate
                    if entry
                        .values
                        .iter()
                        .any(|v| v.as_partial_date_time().is_none()) =>
                {
                    return unbounded;
                }
                ICalendarProperty::Rdate | ICalendarProperty::RecurrenceId => {
                    for at in time(entry) {
                        last = last.max(Some(at));
                        first = Some(first.map_or(at, |f| f.min(at)));
                    }
                }
                _ => {}
            }
        }
        let Some(start) = start else {
            continue;
        };
        first = Some(first.map_or(start, |f| f.min(start)));
        if let Some(end) = end {
            longest = longest.max(end - start);
        }
        last = last.max(Some(end.unwrap_or(start).max(start)));
    }
    let first = first.map(|f| {
        f.checked_sub_signed(TimeDelta::days(1))
            .unwrap_or(DateTime::<Utc>::MIN_UTC)
    });
    if counted
        && !open
        && let Some(from) = first
    {
        let horizon = from
            .checked_add_signed(TimeDelta::days(365 * 500))
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        let expanded = occurrences(ical, from, horizon, chrono_tz::UTC);
        last = last.max(expanded.occurrences.iter().map(|o| o.details.end).max());
    }
    match (first, last) {
        (Some(first), _) if open => (first, None),
        (Some(first), Some(last)) => (first, last.checked_add_signed(longest + TimeDelta::days(1))),
        _ => unbounded,
    }
}

/// A copy of `ical` that calcard's expansion reads the way a calendar view needs:
/// - every component of one UID gets that UID's own SEQUENCE, because calcard matches
///   overridden instances by (SEQUENCE, RECURRENCE-ID): an override whose SEQUENCE differs from
///   its series' (common after an instance is rescheduled) would otherwise be shown twice, and
///   two series in one object could take each other's overrides;
/// - UTC times (`…Z`) name their zone, because calcard places the instances of a rule whose
///   DTSTART is in UTC in `zone` instead;
/// - rules without an end stop a little after `to`, because calcard expands from the first
///   instance with one budget for the whole object.
///
/// Only what expansion reads is copied (times, rules, UID, and the time zones); the rest of
/// the object stays in the original, which the occurrences' details are read from.
fn prepared_for_expansion(ical: &ICalendar, to: DateTime<Utc>) -> ICalendar {
    let in_zone: Vec<bool> = zone_parts(ical);
    let mut copy = ICalendar {
        components: ical
            .components
            .iter()
            .zip(&in_zone)
            .map(|(component, zone)| ICalendarComponent {
                component_type: component.component_type.clone(),
                entries: if *zone {
                    component.entries.clone()
                } else if component.component_type.has_time_ranges() {
                    component
                        .entries
                        .iter()
                        .filter(|e| is_timing(&e.name))
                        .cloned()
                        .collect()
                } else {
                    Vec::new()
                },
                component_ids: if *zone {
                    component.component_ids.clone()
                } else {
                    Vec::new()
                },
            })
            .collect(),
    };
    let uids: Vec<String> = ical.uids().map(str::to_owned).collect();
    let until = (to + TimeDelta::days(2)).naive_utc();
    for component in &mut copy.components {
        if !component.component_type.has_time_ranges() {
            continue;
        }
        let sequence = component
            .uid()
            .and_then(|uid| uids.iter().position(|u| u == uid))
            .unwrap_or(uids.len()) as i64;
        component
            .entries
            .retain(|e| e.name != ICalendarProperty::Sequence);
        component.add_sequence(sequence);
        for entry in &mut component.entries {
            if is_utc_time(entry) {
                entry.add_param(ICalendarParameter::new(
                    ICalendarParameterName::Tzid,
                    "UTC".to_owned(),
                ));
            }
            if entry.name != ICalendarProperty::Rrule {
                continue;
            }
            if let Some(ICalendarValue::RecurrenceRule(rule)) = entry.values.first_mut()
                && rule.until.is_none()
                && rule.count.is_none()
            {
                rule.until = Some(partial(until));
            }
        }
    }
    copy
}

/// Which components are VTIMEZONEs or parts of one.
fn zone_parts(ical: &ICalendar) -> Vec<bool> {
    let mut zone = vec![false; ical.components.len()];
    for (i, component) in ical.components.iter().enumerate() {
        if component.component_type == ICalendarComponentType::VTimezone {
            zone[i] = true;
            for child in &component.component_ids {
                if let Some(part) = zone.get_mut(*child as usize) {
                    *part = true;
                }
            }
        }
    }
    zone
}

/// The properties expansion reads.
fn is_timing(name: &ICalendarProperty) -> bool {
    matches!(
        name,
        ICalendarProperty::Uid
            | ICalendarProperty::Dtstart
            | ICalendarProperty::Dtend
            | ICalendarProperty::Due
            | ICalendarProperty::Duration
            | ICalendarProperty::Rrule
            | ICalendarProperty::Rdate
            | ICalendarProperty::Exdate
            | ICalendarProperty::RecurrenceId
            | ICalendarProperty::Completed
            | ICalendarProperty::Created
    )
}

/// A DTSTART, DTEND, RECURRENCE-ID or EXDATE in UTC without a TZID.
fn is_utc_time(entry: &ICalendarEntry) -> bool {
    matches!(
        entry.name,
        ICalendarProperty::Dtstart
            | ICalendarProperty::Dtend
            | ICalendarProperty::RecurrenceId
            | ICalendarProperty::Exdate
    ) && entry.tz_id().is_none()
        && entry.values.iter().any(|v| {
            v.as_partial_date_time().is_some_and(|dt| {
                dt.has_time() && dt.tz_hour == Some(0) && dt.tz_minute.unwrap_or(0) == 0
            })
        })
}

fn partial(at: chrono::NaiveDateTime) -> calcard::common::PartialDateTime {
    use chrono::{Datelike, Timelike};
    calcard::common::PartialDateTime {
        year: Some(at.year().clamp(0, 9999) as u16),
        month: Some(at.month() as u8),
        day: Some(at.day() as u8),
        hour: Some(at.hour() as u8),
        minute: Some(at.minute() as u8),
        second: Some(at.second() as u8),
        tz_hour: None,
        tz_minute: None,
        tz_minus: false,
    }
}

fn midnight(date: NaiveDate) -> DateTime<Utc> {
    date.and_time(chrono::NaiveTime::MIN).and_utc()
}

fn has_time(component: &ICalendarComponent, property: &ICalendarProperty) -> bool {
    component
        .property(property)
        .and_then(|e| e.values.first())
        .and_then(ICalendarValue::as_partial_date_time)
        .is_some_and(|dt| dt.has_time())
}

/// When the series (or single event) in `text` starts, in UTC.
pub fn series_start(text: &str) -> Result<DateTime<Utc>, IcalError> {
    let ical = parse(text)?;
    let resolver = ical.build_tz_resolver().with_default(Tz::UTC);
    let master = ical
        .components
        .iter()
        .find(|c| c.component_type == ICalendarComponentType::VEvent && !c.is_recurrence_override())
        .ok_or(IcalError::NoEvent)?;
    let entry = master
        .property(&ICalendarProperty::Dtstart)
        .ok_or(IcalError::NoEvent)?;
    entry
        .values
        .first()
        .and_then(ICalendarValue::as_partial_date_time)
        .and_then(|v| v.to_date_time_with_tz(resolver.resolve_or_default(entry.tz_id())))
        .map(|t| t.with_timezone(&Utc))
        .ok_or(IcalError::NoEvent)
}

fn recurrence_id(
    component: &ICalendarComponent,
    resolver: &calcard::icalendar::timezone::TzResolver<&str>,
) -> Option<DateTime<Tz>> {
    let entry = component.property(&ICalendarProperty::RecurrenceId)?;
    let value = entry.values.first()?.as_partial_date_time()?;
    value.to_date_time_with_tz(resolver.resolve_or_default(entry.tz_id()))
}

fn text(component: &ICalendarComponent, property: &ICalendarProperty) -> String {
    component
        .property(property)
        .and_then(|e| e.values.first())
        .and_then(ICalendarValue::as_text)
        .unwrap_or_default()
        .to_owned()
}

fn person(entry: &ICalendarEntry) -> Option<Attendee> {
    let email = entry.calendar_address()?.to_owned();
    let name = entry
        .parameter(&ICalendarParameterName::Cn)
        .and_then(|v| v.as_text())
        .map(str::to_owned);
    let status = match entry.parameter(&ICalendarParameterName::Partstat) {
        Some(ICalendarParameterValue::Partstat(status)) => match status {
            ICalendarParticipationStatus::Accepted => Participation::Accepted,
            ICalendarParticipationStatus::Declined => Participation::Declined,
            ICalendarParticipationStatus::Tentative => Participation::Tentative,
            _ => Participation::NeedsAction,
        },
        _ => Participation::NeedsAction,
    };
    Some(Attendee {
        email,
        name,
        status,
    })
}

fn details(
    ical: &ICalendar,
    comp_id: u32,
    component: &ICalendarComponent,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    all_day: bool,
    resolver: &calcard::icalendar::timezone::TzResolver<&str>,
) -> EventDetails {
    let time_zone = component
        .property(&ICalendarProperty::Dtstart)
        .and_then(|e| e.tz_id())
        .and_then(|name| resolver.resolve(name))
        .and_then(|tz| tz.name())
        .map(|name| name.into_owned());
    let meeting = component
        .properties(&ICalendarProperty::Conference)
        .chain(component.properties(&ICalendarProperty::Other(MEETING.into())))
        .filter_map(|e| e.values.first().and_then(ICalendarValue::as_text))
        .find(|uri| uri.starts_with("https://") || uri.starts_with("http://"))
        .map(str::to_owned);
    let reminders = ical
        .alarms_for_id(comp_id)
        .filter_map(|alarm| alarm.property(&ICalendarProperty::Trigger))
        .filter_map(|trigger| match trigger.values.first() {
            Some(ICalendarValue::Duration(d)) => Some(-d.as_seconds() / 60),
            _ => None,
        })
        .filter(|minutes| *minutes >= 0)
        .collect();
    EventDetails {
        title: text(component, &ICalendarProperty::Summary),
        start,
        end,
        all_day,
        time_zone,
        location: text(component, &ICalendarProperty::Location),
        description: text(component, &ICalendarProperty::Description),
        organizer: component
            .property(&ICalendarProperty::Organizer)
            .and_then(person),
        attendees: component
            .properties(&ICalendarProperty::Attendee)
            .filter_map(person)
            .collect(),
        meeting,
        reminders,
        repeat: repeat_of(component),
    }
}

/// The component's rule as a [`Repeat`], when it is one Sparks can show and write back: a
/// frequency and an interval, at most one weekday or day of the month, no end.
pub(crate) fn repeat_of(component: &ICalendarComponent) -> Option<Repeat> {
    let mut rules = component.properties(&ICalendarProperty::Rrule);
    let entry = rules.next()?;
    if rules.next().is_some() || component.property(&ICalendarProperty::Rdate).is_some() {
        return None;
    }
    let Some(ICalendarValue::RecurrenceRule(rule)) = entry.values.first() else {
        return None;
    };
    let simple = rule.until.is_none()
        && rule.count.is_none()
        && rule.byday.len() <= 1
        && rule.bymonthday.len() <= 1
        && rule.bysecond.is_empty()
        && rule.byminute.is_empty()
        && rule.byhour.is_empty()
        && rule.byyearday.is_empty()
        && rule.byweekno.is_empty()
        && rule.bymonth.len() <= 1
        && rule.bysetpos.is_empty()
        && rule.byday.iter().all(|d| d.ordwk.is_none());
    let every = match rule.freq {
        ICalendarFrequency::Daily => Frequency::Daily,
        ICalendarFrequency::Weekly => Frequency::Weekly,
        ICalendarFrequency::Monthly => Frequency::Monthly,
        ICalendarFrequency::Yearly => Frequency::Yearly,
        _ => return None,
    };
    simple.then(|| Repeat {
        every,
        interval: u32::from(rule.interval.unwrap_or(1).max(1)),
    })
}

/// The RRULE content line that writes `repeat`.
pub(crate) fn rrule_line(repeat: &Repeat) -> String {
    let freq = match repeat.every {
        Frequency::Daily => "DAILY",
        Frequency::Weekly => "WEEKLY",
        Frequency::Monthly => "MONTHLY",
        Frequency::Yearly => "YEARLY",
    };
    match repeat.interval.clamp(1, 999) {
        1 => format!("RRULE:FREQ={freq}\r\n"),
        n => format!("RRULE:FREQ={freq};INTERVAL={n}\r\n"),
    }
}

/// The property Sparks also writes its meeting link to, for clients that do not know RFC
/// 7986's CONFERENCE.
const MEETING: &str = "X-SPARKS-MEETING";

mod write;
pub use write::{create, remove_instance, reply, update};

#[cfg(test)]
mod tests;
