//! Writing events: new objects, edits made in place (so what Sparks does not show survives),
//! one instance moved (an override) or removed (EXDATE).

use calcard::common::timezone::Tz;
use calcard::icalendar::{
    ICalendar, ICalendarComponent, ICalendarComponentType, ICalendarParameter,
    ICalendarParameterName, ICalendarParameterValue, ICalendarParticipationStatus,
    ICalendarProperty, ICalendarValue,
};
use chrono::{DateTime, Utc};
use sparks_api::pim::{Attendee, EventDetails, Participation};

use super::{IcalError, MEETING, has_time, parse, partial, recurrence_id, repeat_of, rrule_line};

/// A new object holding one event.
pub fn create(uid: &str, details: &EventDetails, now: DateTime<Utc>) -> String {
    let mut ical = parse(&format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Sparks//Sparks//EN\r\nBEGIN:VEVENT\r\n\
         UID:{}\r\nDTSTAMP:{}\r\nSEQUENCE:0\r\n{}{}END:VEVENT\r\nEND:VCALENDAR\r\n",
        escape(uid),
        stamp(now),
        managed(details),
        details.repeat.as_ref().map(rrule_line).unwrap_or_default(),
    ))
    .unwrap_or_default();
    append_alarms(&mut ical, 1, &details.reminders);
    ical.add_missing_timezones();
    ical.to_string()
}

/// `text` with its event (or, with `instance`, that one instance of it) changed to `details`.
/// Everything else in the object is kept.
pub fn update(
    text: &str,
    instance: Option<DateTime<Utc>>,
    details: &EventDetails,
    now: DateTime<Utc>,
) -> Result<String, IcalError> {
    let mut ical = parse(text)?;
    let target = target(&mut ical, instance)?;
    let fresh = parse(&format!(
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n{}END:VEVENT\r\nEND:VCALENDAR\r\n",
        managed(details)
    ))?;
    let fresh_entries = fresh
        .components
        .get(1)
        .map(|c| c.entries.clone())
        .unwrap_or_default();
    // The series' rule changes only when a new one is given (a rich rule Sparks cannot show
    // stays as it is). A rule Sparks shows that the user set to "does not repeat" goes, with
    // its exceptions and overrides.
    let stops = instance.is_none()
        && details.repeat.is_none()
        && repeat_of(&ical.components[target]).is_some();
    let rule = details
        .repeat
        .filter(|r| instance.is_none() && repeat_of(&ical.components[target]) != Some(*r))
        .map(|repeat| {
            let line = rrule_line(&repeat);
            parse(&format!(
                "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n{line}END:VEVENT\r\nEND:VCALENDAR\r\n"
            ))
            .map(|p| {
                p.components
                    .get(1)
                    .map(|c| c.entries.clone())
                    .unwrap_or_default()
            })
        })
        .transpose()?;
    let component = &mut ical.components[target];
    if stops {
        component.entries.retain(|e| {
            !matches!(
                e.name,
                ICalendarProperty::Rrule | ICalendarProperty::Exdate | ICalendarProperty::Rdate
            )
        });
    }
    if let Some(entries) = rule {
        component
            .entries
            .retain(|e| e.name != ICalendarProperty::Rrule);
        component.entries.extend(entries);
    }
    let sequence = component
        .property(&ICalendarProperty::Sequence)
        .and_then(|e| e.values.first())
        .and_then(ICalendarValue::as_integer)
        .unwrap_or(0);
    component.entries.retain(|e| {
        !(is_managed(&e.name)
            || matches!(
                e.name,
                ICalendarProperty::Sequence | ICalendarProperty::Dtstamp
            ))
    });
    component.entries.extend(fresh_entries);
    component.add_sequence(sequence + 1);
    component.add_dtstamp(partial_utc(now));
    let old_alarms: Vec<u32> = ical.components[target]
        .component_ids
        .iter()
        .copied()
        .filter(|id| {
            ical.components
                .get(*id as usize)
                .is_some_and(|c| c.component_type == ICalendarComponentType::VAlarm)
        })
        .collect();
    let old_reminders: Vec<i64> = ical
        .alarms_for_id(target as u32)
        .filter_map(|a| a.property(&ICalendarProperty::Trigger))
        .filter_map(|t| match t.values.first() {
            Some(ICalendarValue::Duration(d)) => Some(-d.as_seconds() / 60),
            _ => None,
        })
        .collect();
    if old_reminders != details.reminders {
        ical.components[target]
            .component_ids
            .retain(|id| !old_alarms.contains(id));
        append_alarms(&mut ical, target, &details.reminders);
    }
    if stops {
        let overrides: Vec<u32> = (0..ical.components.len())
            .filter(|&i| {
                let c = &ical.components[i];
                c.component_type == ICalendarComponentType::VEvent && c.is_recurrence_override()
            })
            .map(|i| i as u32)
            .collect();
        ical.remove_component_ids(&overrides);
    }
    ical.add_missing_timezones();
    Ok(ical.to_string())
}

/// `text` with the user's answer to its invitation: the ATTENDEE whose address is one of
/// `addresses` (in the series, or with `instance` in that occurrence only) says `status`.
/// Nothing else changes: an attendee's answer leaves SEQUENCE to the organiser (RFC 5546
/// §2.1.4); a server that schedules sends the organiser the REPLY.
pub fn reply(
    text: &str,
    instance: Option<DateTime<Utc>>,
    addresses: &[String],
    status: Participation,
    now: DateTime<Utc>,
) -> Result<String, IcalError> {
    let mut ical = parse(text)?;
    let target = target(&mut ical, instance)?;
    let partstat = match status {
        Participation::NeedsAction => ICalendarParticipationStatus::NeedsAction,
        Participation::Accepted => ICalendarParticipationStatus::Accepted,
        Participation::Declined => ICalendarParticipationStatus::Declined,
        Participation::Tentative => ICalendarParticipationStatus::Tentative,
    };
    let component = &mut ical.components[target];
    let mut invited = false;
    for entry in component
        .entries
        .iter_mut()
        .filter(|e| e.name == ICalendarProperty::Attendee)
    {
        let ours = entry
            .calendar_address()
            .is_some_and(|a| addresses.iter().any(|m| m.eq_ignore_ascii_case(a)));
        if ours {
            invited = true;
            entry
                .params
                .retain(|p| p.name != ICalendarParameterName::Partstat);
            entry.params.push(ICalendarParameter {
                name: ICalendarParameterName::Partstat,
                value: ICalendarParameterValue::Partstat(partstat.clone()),
            });
        }
    }
    if !invited {
        return Err(IcalError::NotInvited);
    }
    component
        .entries
        .retain(|e| e.name != ICalendarProperty::Dtstamp);
    component.add_dtstamp(partial_utc(now));
    Ok(ical.to_string())
}

/// `text` without the instance of its series at `instance` (an EXDATE, and any override of it
/// removed).
pub fn remove_instance(text: &str, instance: DateTime<Utc>) -> Result<String, IcalError> {
    let mut ical = parse(text)?;
    let master = master(&ical).ok_or(IcalError::NoEvent)?;
    if !ical.components[master].is_recurrent() {
        return Err(IcalError::NoInstance(instance));
    }
    if let Some(id) = override_of(&ical, instance) {
        ical.remove_component_ids(&[id as u32]);
    }
    let all_day = !has_time(&ical.components[master], &ICalendarProperty::Dtstart);
    let line = if all_day {
        format!("EXDATE;VALUE=DATE:{}\r\n", instance.format("%Y%m%d"))
    } else {
        format!("EXDATE:{}\r\n", stamp(instance))
    };
    let exdate = parse(&format!(
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n{line}END:VEVENT\r\nEND:VCALENDAR\r\n"
    ))?;
    if let Some(entry) = exdate.components.get(1).and_then(|c| c.entries.first()) {
        let master = self::master(&ical).ok_or(IcalError::NoEvent)?;
        ical.components[master].entries.push(entry.clone());
    }
    Ok(ical.to_string())
}

/// The component a change is made in: the series (or single event), or with `instance` that
/// occurrence's override, made now if it has none yet.
fn target(ical: &mut ICalendar, instance: Option<DateTime<Utc>>) -> Result<usize, IcalError> {
    match instance {
        None => master(ical).ok_or(IcalError::NoEvent),
        Some(at) => match override_of(ical, at) {
            Some(id) => Ok(id),
            None => new_override(ical, at),
        },
    }
}

/// The index of the series (or single event): the first VEVENT without a RECURRENCE-ID.
fn master(ical: &ICalendar) -> Option<usize> {
    ical.components.iter().position(|c| {
        c.component_type == ICalendarComponentType::VEvent && !c.is_recurrence_override()
    })
}

fn override_of(ical: &ICalendar, at: DateTime<Utc>) -> Option<usize> {
    let resolver = ical.build_tz_resolver().with_default(Tz::UTC);
    ical.components.iter().position(|c| {
        c.component_type == ICalendarComponentType::VEvent
            && recurrence_id(c, &resolver).is_some_and(|rid| {
                rid.with_timezone(&Utc) == at
                    || (!has_time(c, &ICalendarProperty::RecurrenceId)
                        && rid.naive_local().date() == at.date_naive())
            })
    })
}

/// Adds an override for the instance at `at` (a copy of the series without its rules) and
/// returns its index.
fn new_override(ical: &mut ICalendar, at: DateTime<Utc>) -> Result<usize, IcalError> {
    let master = master(ical).ok_or(IcalError::NoEvent)?;
    if !ical.components[master].is_recurrent() {
        return Err(IcalError::NoInstance(at));
    }
    let all_day = !has_time(&ical.components[master], &ICalendarProperty::Dtstart);
    let line = if all_day {
        format!("RECURRENCE-ID;VALUE=DATE:{}\r\n", at.format("%Y%m%d"))
    } else {
        format!("RECURRENCE-ID:{}\r\n", stamp(at))
    };
    let rid = parse(&format!(
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n{line}END:VEVENT\r\nEND:VCALENDAR\r\n"
    ))?;
    let mut copy = ical.components[master].clone();
    copy.component_ids.clear();
    copy.entries.retain(|e| {
        !matches!(
            e.name,
            ICalendarProperty::Rrule
                | ICalendarProperty::Rdate
                | ICalendarProperty::Exdate
                | ICalendarProperty::Exrule
        )
    });
    if let Some(entry) = rid.components.get(1).and_then(|c| c.entries.first()) {
        copy.entries.push(entry.clone());
    }
    let id = ical.components.len();
    ical.components.push(copy);
    if let Some(root) = ical.components.first_mut() {
        root.component_ids.push(id as u32);
    }
    Ok(id)
}

/// The properties an edit replaces.
fn is_managed(name: &ICalendarProperty) -> bool {
    matches!(
        name,
        ICalendarProperty::Dtstart
            | ICalendarProperty::Dtend
            | ICalendarProperty::Duration
            | ICalendarProperty::Summary
            | ICalendarProperty::Location
            | ICalendarProperty::Description
            | ICalendarProperty::Organizer
            | ICalendarProperty::Attendee
            | ICalendarProperty::Conference
    ) || matches!(name, ICalendarProperty::Other(other) if other.eq_ignore_ascii_case(MEETING))
}

/// The content lines of the properties an edit writes.
fn managed(details: &EventDetails) -> String {
    let mut lines = String::new();
    let zone = details
        .time_zone
        .as_deref()
        .and_then(|name| name.parse::<chrono_tz::Tz>().ok());
    for (name, at) in [("DTSTART", details.start), ("DTEND", details.end)] {
        let line = if details.all_day {
            format!("{name};VALUE=DATE:{}", at.format("%Y%m%d"))
        } else if let Some(zone) = zone {
            format!(
                "{name};TZID={}:{}",
                zone.name(),
                at.with_timezone(&zone).format("%Y%m%dT%H%M%S")
            )
        } else {
            format!("{name}:{}", stamp(at))
        };
        lines.push_str(&line);
        lines.push_str("\r\n");
    }
    for (name, value) in [
        ("SUMMARY", &details.title),
        ("LOCATION", &details.location),
        ("DESCRIPTION", &details.description),
    ] {
        if !value.is_empty() {
            lines.push_str(&format!("{name}:{}\r\n", escape(value)));
        }
    }
    if let Some(organizer) = &details.organizer {
        lines.push_str(&format!("ORGANIZER{}\r\n", address(organizer, None)));
    }
    for attendee in &details.attendees {
        lines.push_str(&format!(
            "ATTENDEE{}\r\n",
            address(attendee, Some(attendee.status))
        ));
    }
    if let Some(link) = &details.meeting {
        let link = link.replace(['\r', '\n'], "");
        lines.push_str(&format!(
            "CONFERENCE;VALUE=URI;FEATURE=VIDEO;LABEL=Sparks meeting:{link}\r\n{MEETING}:{link}\r\n"
        ));
    }
    lines
}

/// `;CN=…;PARTSTAT=…:mailto:…` for an organiser or attendee.
fn address(person: &Attendee, status: Option<Participation>) -> String {
    let mut out = String::new();
    if let Some(name) = &person.name {
        out.push_str(&format!(";CN=\"{}\"", name.replace(['"', '\r', '\n'], "")));
    }
    if let Some(status) = status {
        let status = match status {
            Participation::NeedsAction => "NEEDS-ACTION",
            Participation::Accepted => "ACCEPTED",
            Participation::Declined => "DECLINED",
            Participation::Tentative => "TENTATIVE",
        };
        out.push_str(&format!(
            ";ROLE=REQ-PARTICIPANT;PARTSTAT={status};RSVP=TRUE"
        ));
    }
    let email = person.email.replace(['\r', '\n', ',', ';', ':'], "");
    out.push_str(&format!(":mailto:{email}"));
    out
}

fn append_alarms(ical: &mut ICalendar, parent: usize, reminders: &[i64]) {
    for minutes in reminders {
        let mut alarm = ICalendarComponent::new(ICalendarComponentType::VAlarm);
        let Ok(alarm_text) = parse(&format!(
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nACTION:DISPLAY\r\nDESCRIPTION:Reminder\r\n\
             TRIGGER:-PT{}M\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            minutes.max(&0)
        )) else {
            continue;
        };
        if let Some(entries) = alarm_text.components.get(1).map(|c| c.entries.clone()) {
            alarm.entries = entries;
        }
        let id = ical.components.len() as u32;
        ical.components.push(alarm);
        if let Some(parent) = ical.components.get_mut(parent) {
            parent.component_ids.push(id);
        }
    }
}

fn partial_utc(at: DateTime<Utc>) -> calcard::common::PartialDateTime {
    let mut partial = partial(at.naive_utc());
    partial.tz_hour = Some(0);
    partial.tz_minute = Some(0);
    partial
}

fn stamp(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// RFC 5545 TEXT escaping.
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}
