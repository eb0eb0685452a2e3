//! Free/busy answers (`VFREEBUSY` with `FREEBUSY` periods), read with calcard.

use calcard::icalendar::{
    ICalendar, ICalendarFreeBusyType, ICalendarParameterName, ICalendarParameterValue,
    ICalendarPeriod, ICalendarProperty, ICalendarValue,
};
use chrono::{DateTime, Utc};
use sparks_api::pim::{Busy, BusyKind};

/// The busy periods of every `VFREEBUSY` in `text`, sorted; unreadable periods are skipped.
pub fn periods(text: &str) -> Vec<Busy> {
    let Ok(ical) = ICalendar::parse(text) else {
        return Vec::new();
    };
    let mut busy = Vec::new();
    for component in ical
        .components
        .iter()
        .filter(|c| c.component_type.is_freebusy())
    {
        for entry in component.properties(&ICalendarProperty::Freebusy) {
            let kind = match entry.parameter(&ICalendarParameterName::Fbtype) {
                Some(ICalendarParameterValue::Fbtype(ICalendarFreeBusyType::Free)) => continue,
                Some(ICalendarParameterValue::Fbtype(ICalendarFreeBusyType::BusyTentative)) => {
                    BusyKind::Tentative
                }
                Some(ICalendarParameterValue::Fbtype(ICalendarFreeBusyType::BusyUnavailable)) => {
                    BusyKind::OutOfOffice
                }
                _ => BusyKind::Busy,
            };
            for value in &entry.values {
                let ICalendarValue::Period(period) = value else {
                    continue;
                };
                if let Some((start, end)) = period_times(period) {
                    busy.push(Busy { start, end, kind });
                }
            }
        }
    }
    busy.sort_by_key(|b| b.start);
    busy
}

fn period_times(period: &ICalendarPeriod) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let utc = |p: &calcard::common::PartialDateTime| {
        p.to_timestamp()
            .and_then(|t| DateTime::<Utc>::from_timestamp(t, 0))
    };
    match period {
        ICalendarPeriod::Range { start, end } => Some((utc(start)?, utc(end)?)),
        ICalendarPeriod::Duration { start, duration } => {
            let start = utc(start)?;
            Some((start, start + duration.to_time_delta()?))
        }
    }
}

/// Merges overlapping busy periods (of several calendars or backends) into one list.
pub fn merge(mut busy: Vec<Busy>) -> Vec<Busy> {
    busy.sort_by_key(|b| (b.start, b.end));
    let mut out: Vec<Busy> = Vec::with_capacity(busy.len());
    for period in busy {
        match out.last_mut() {
            Some(last) if period.start <= last.end && period.kind == last.kind => {
                last.end = last.end.max(period.end);
            }
            _ => out.push(period),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_read_with_their_kind() {
        // The answer of RFC 4791 section 7.10's example.
        let text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example Corp.//CalDAV Server//EN\r\n\
            BEGIN:VFREEBUSY\r\nDTSTAMP:20050125T090000Z\r\nDTSTART:20060104T140000Z\r\n\
            DTEND:20060105T220000Z\r\nFREEBUSY;FBTYPE=BUSY-TENTATIVE:20060104T150000Z/PT1H\r\n\
            FREEBUSY:20060104T190000Z/PT1H\r\nFREEBUSY:20060105T170000Z/20060105T180000Z\r\n\
            END:VFREEBUSY\r\nEND:VCALENDAR\r\n";
        let busy = periods(text);
        assert_eq!(busy.len(), 3);
        assert_eq!(busy[0].kind, BusyKind::Tentative);
        assert_eq!(busy[0].start.to_rfc3339(), "2006-01-04T15:00:00+00:00");
        assert_eq!(busy[0].end.to_rfc3339(), "2006-01-04T16:00:00+00:00");
        assert_eq!(busy[2].end.to_rfc3339(), "2006-01-05T18:00:00+00:00");
        assert!(periods("nonsense").is_empty());
    }
}
