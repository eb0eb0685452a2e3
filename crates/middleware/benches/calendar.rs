//! The calendar benchmark, run by `cargo xtask bench calendar` (`cargo bench`'s optimised
//! build):
//! - parse: one calendar of 10,000 events (a third of them weekly series, with exceptions,
//!   a VTIMEZONE, attendees and alarms), best of five; the same file parsed by Python's
//!   `icalendar` (`tests/peers/ical_bench.py`, with `SPARKS_TEST_PYTHON`) is the baseline;
//! - expand: every occurrence of all 10,000 events in one year, each event one object as a
//!   CalDAV collection holds them;
//! - week view: three sources' caches (3,334 objects each) answering one week, merged and
//!   sorted as the middleware answers `/v1/events`, median of 20 after a first view that
//!   builds the caches' occurrence indexes, against the 20 ms target and against expanding
//!   every object (what a cache without spans and indexes would do).

use std::time::{Duration, Instant};

use chrono::{TimeDelta, TimeZone, Utc};
use sparks_api::pim::Calendar;
use sparks_dav::{CalendarCache, ical};
use url::Url;

type Error = Box<dyn std::error::Error + Send + Sync>;

const EVENTS: usize = 10_000;
const ZONE: chrono_tz::Tz = chrono_tz::Europe::Berlin;

const VTIMEZONE: &str = "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\n\
TZOFFSETTO:+0200\r\nTZNAME:CEST\r\nDTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n\
END:DAYLIGHT\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\n\
DTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n";

/// Event `n`: its VEVENT lines (and, for some series, a moved instance).
fn event(n: usize) -> String {
    let day = 1 + (n * 7919) % 360;
    let date = Utc
        .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default()
        + TimeDelta::days(day as i64);
    let hour = 8 + n % 10;
    let start = format!("{}T{hour:02}{:02}00", date.format("%Y%m%d"), (n % 4) * 15);
    let end = format!(
        "{}T{:02}{:02}00",
        date.format("%Y%m%d"),
        hour + 1,
        (n % 4) * 15
    );
    let mut text = format!(
        "BEGIN:VEVENT\r\nUID:event-{n}@bench.sparks\r\nDTSTAMP:20260101T000000Z\r\nSEQUENCE:1\r\n\
         DTSTART;TZID=Europe/Berlin:{start}\r\nDTEND;TZID=Europe/Berlin:{end}\r\n\
         SUMMARY:Meeting number {n} about the quarterly plan\r\nLOCATION:Room {}\r\n\
         DESCRIPTION:Agenda: review\\, decide\\, follow up. Notes are in the wiki.\r\n\
         ORGANIZER;CN=Alice Example:mailto:alice@example.org\r\n\
         ATTENDEE;CN=Bob Example;PARTSTAT=ACCEPTED;ROLE=REQ-PARTICIPANT:mailto:bob@example.org\r\n\
         ATTENDEE;CN=Carol Example;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:carol@example.org\r\n",
        n % 40
    );
    if n.is_multiple_of(3) {
        text.push_str(if n.is_multiple_of(2) {
            "RRULE:FREQ=WEEKLY;COUNT=30\r\n"
        } else {
            "RRULE:FREQ=WEEKLY;BYDAY=MO,WE\r\n"
        });
        text.push_str(&format!("EXDATE;TZID=Europe/Berlin:{}\r\n", {
            let next = date + TimeDelta::days(14);
            format!("{}T{hour:02}{:02}00", next.format("%Y%m%d"), (n % 4) * 15)
        }));
    }
    text.push_str("BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Reminder\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\nEND:VEVENT\r\n");
    text
}

fn calendar(events: impl Iterator<Item = String>) -> String {
    let mut text =
        String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Sparks//bench//EN\r\n");
    text.push_str(VTIMEZONE);
    for e in events {
        text.push_str(&e);
    }
    text.push_str("END:VCALENDAR\r\n");
    text
}

fn best_of<T>(runs: usize, mut work: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..runs {
        let started = Instant::now();
        let out = work();
        best = best.min(started.elapsed());
        last = Some(out);
    }
    (best, last.expect("at least one run"))
}

fn median_of(runs: usize, mut work: impl FnMut() -> usize) -> (Duration, usize) {
    let mut times = Vec::new();
    let mut out = 0;
    for _ in 0..runs {
        let started = Instant::now();
        out = work();
        times.push(started.elapsed());
    }
    times.sort();
    (times[times.len() / 2], out)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() -> Result<(), Error> {
    let whole = calendar((0..EVENTS).map(event));
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("bench.ics");
    std::fs::write(&file, &whole)?;
    println!(
        "corpus: {EVENTS} events, {:.1} MB",
        whole.len() as f64 / 1e6
    );

    let (parse, parsed) = best_of(5, || ical::parse(&whole));
    let parsed = parsed?;
    let vevents = parsed
        .components
        .iter()
        .filter(|c| c.uid().is_some())
        .count();
    println!(
        "parse: {:.1} ms for {vevents} events (best of 5)",
        ms(parse)
    );

    let baseline = std::env::var_os("SPARKS_TEST_PYTHON").map(|python| {
        std::process::Command::new(python)
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../tests/peers/ical_bench.py"
            ))
            .arg(&file)
            .output()
    });
    match baseline {
        Some(Ok(out)) if out.status.success() => {
            let line = String::from_utf8_lossy(&out.stdout);
            let python: f64 = line
                .split_whitespace()
                .find_map(|w| w.strip_prefix("parse_ms="))
                .and_then(|v| v.parse().ok())
                .ok_or("the baseline printed no parse_ms")?;
            println!("parse, Python icalendar: {python:.1} ms ({})", line.trim());
            println!(
                "parse ratio Python icalendar / Sparks: {:.1}x (target: at least 10x)",
                python / ms(parse)
            );
        }
        Some(Ok(out)) => println!(
            "the Python baseline failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ),
        Some(Err(e)) => println!("the Python baseline did not start: {e}"),
        None => println!(
            "SPARKS_TEST_PYTHON is not set: no Python baseline (run `cargo xtask bench calendar`)"
        ),
    }

    // One object per event, as a CalDAV collection keeps them.
    let objects: Vec<String> = (0..EVENTS)
        .map(|n| calendar(std::iter::once(event(n))))
        .collect();
    let parsed: Vec<_> = objects
        .iter()
        .map(|o| ical::parse(o))
        .collect::<Result<_, _>>()?;
    let year = (
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
            .single()
            .ok_or("time")?,
        Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0)
            .single()
            .ok_or("time")?,
    );
    let (expand, count) = best_of(3, || {
        parsed
            .iter()
            .map(|p| ical::occurrences(p, year.0, year.1, ZONE).occurrences.len())
            .sum::<usize>()
    });
    println!(
        "expand one year: {:.1} ms for {count} occurrences (best of 3)",
        ms(expand)
    );

    // Three sources' caches.
    let mut caches = Vec::new();
    for source in 0..3 {
        let id = format!("https://dav{source}.example.org/cal/");
        let mut cache = CalendarCache::new(Calendar {
            source: format!("source-{source}"),
            id: id.clone(),
            name: "Bench".into(),
            color: None,
            writable: true,
        })?;
        for (n, object) in objects.iter().enumerate().filter(|(n, _)| n % 3 == source) {
            cache.put(
                Url::parse(&format!("{id}{n}.ics"))?,
                Some(format!("\"{n}\"")),
                object.clone(),
            );
        }
        caches.push(cache);
    }
    let week = (
        Utc.with_ymd_and_hms(2026, 6, 8, 0, 0, 0)
            .single()
            .ok_or("time")?,
        Utc.with_ymd_and_hms(2026, 6, 15, 0, 0, 0)
            .single()
            .ok_or("time")?,
    );
    let first = Instant::now();
    let parts = caches
        .iter()
        .map(|c| c.events(week.0, week.1, ZONE))
        .collect();
    let first_shown = sparks_middleware::pim::merge_events(parts, week.0, week.1).len();
    println!(
        "first week view (indexes each object's occurrences a year back and two ahead): {:.1} ms for {first_shown} events",
        ms(first.elapsed())
    );
    let (view, shown) = median_of(20, || {
        let parts = caches
            .iter()
            .map(|c| c.events(week.0, week.1, ZONE))
            .collect();
        sparks_middleware::pim::merge_events(parts, week.0, week.1).len()
    });
    let (everything, _) = median_of(5, || {
        parsed
            .iter()
            .map(|p| ical::occurrences(p, week.0, week.1, ZONE).occurrences.len())
            .sum::<usize>()
    });
    println!(
        "week view of 3 sources from cache: {:.2} ms for {shown} events (median of 20)",
        ms(view)
    );
    println!(
        "week view, expanding every object instead: {:.2} ms",
        ms(everything)
    );
    println!(
        "week view ratio: {:.2} of the 20 ms target; {:.1}x faster than expanding every object",
        ms(view) / 20.0,
        ms(everything) / ms(view)
    );
    Ok(())
}
