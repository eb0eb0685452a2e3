//! A series' rule as EWS writes it (`t:Recurrence`, MS-OXWSCDATA RecurrenceType): the simple
//! rules Sparks shows — every N days, weeks on the start's weekday, months on its day, or each
//! year on its date — without end.

use chrono::{Datelike, NaiveDate, Weekday};
use sparks_api::pim::{Frequency, Repeat};

use super::{Element, leaf, n};
use crate::ews::{Fields, iana_zone};

/// Whether EWS can write `repeat`: its yearly rules have no interval.
pub fn writable(repeat: &Repeat) -> bool {
    repeat.every != Frequency::Yearly || repeat.interval <= 1
}

/// The day the series starts on, in its own zone (all-day events: their date).
fn first_day(fields: &Fields) -> NaiveDate {
    if fields.all_day {
        return fields.start.date_naive();
    }
    let zone = fields.zone.as_deref().and_then(iana_zone);
    let zone = zone.and_then(|z| z.parse::<chrono_tz::Tz>().ok());
    let zone = zone.unwrap_or(chrono_tz::UTC);
    fields.start.with_timezone(&zone).date_naive()
}

fn month_name(month: u32) -> &'static str {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    MONTHS[(month as usize).saturating_sub(1).min(11)]
}

/// `t:Recurrence` for the fields' rule, starting on the day they start; `None` without one.
pub(super) fn element(fields: &Fields) -> Option<Element> {
    let repeat = fields.repeat?;
    let day = first_day(fields);
    let interval = leaf("t:Interval", repeat.interval.max(1).to_string());
    let pattern = match repeat.every {
        Frequency::Daily => n("t:DailyRecurrence").c([interval]),
        Frequency::Weekly => {
            let weekday = match day.weekday() {
                Weekday::Mon => "Monday",
                Weekday::Tue => "Tuesday",
                Weekday::Wed => "Wednesday",
                Weekday::Thu => "Thursday",
                Weekday::Fri => "Friday",
                Weekday::Sat => "Saturday",
                Weekday::Sun => "Sunday",
            };
            n("t:WeeklyRecurrence").c([interval, leaf("t:DaysOfWeek", weekday)])
        }
        Frequency::Monthly => {
            let day_of_month = leaf("t:DayOfMonth", day.day().to_string());
            n("t:AbsoluteMonthlyRecurrence").c([interval, day_of_month])
        }
        Frequency::Yearly => n("t:AbsoluteYearlyRecurrence").c([
            leaf("t:DayOfMonth", day.day().to_string()),
            leaf("t:Month", month_name(day.month())),
        ]),
    };
    let start = leaf("t:StartDate", day.format("%Y-%m-%d").to_string());
    let range = n("t:NoEndRecurrence").c([start]);
    Some(n("t:Recurrence").c([pattern, range]))
}

/// The rule of an item's `Recurrence`, when it is one Sparks shows: without end, on one
/// weekday (weekly), on a day of the month (monthly), on a date each year (yearly).
pub fn parse(item: &Element) -> Option<Repeat> {
    let recurrence = item.child("Recurrence")?;
    recurrence.child("NoEndRecurrence")?;
    let interval = |pattern: &Element| -> Option<u32> {
        let interval = pattern.text_of("Interval")?.trim().parse().ok()?;
        (interval >= 1).then_some(interval)
    };
    let (every, interval) = if let Some(daily) = recurrence.child("DailyRecurrence") {
        (Frequency::Daily, interval(daily)?)
    } else if let Some(weekly) = recurrence.child("WeeklyRecurrence") {
        let days = weekly.text_of("DaysOfWeek")?.split_whitespace().count();
        if days != 1 {
            return None;
        }
        (Frequency::Weekly, interval(weekly)?)
    } else if let Some(monthly) = recurrence.child("AbsoluteMonthlyRecurrence") {
        (Frequency::Monthly, interval(monthly)?)
    } else if recurrence.child("AbsoluteYearlyRecurrence").is_some() {
        (Frequency::Yearly, 1)
    } else {
        return None;
    };
    Some(Repeat { every, interval })
}
