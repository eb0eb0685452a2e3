use super::*;
use chrono::TimeZone;

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .expect("valid")
}

const BERLIN: chrono_tz::Tz = chrono_tz::Europe::Berlin;

/// A weekly stand-up in Berlin time with an exception, a moved instance whose SEQUENCE differs
/// from its series' (as Thunderbird and Google write them), and an all-day event.
const SERIES: &str = "BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Test//EN\r
BEGIN:VTIMEZONE\r
TZID:Europe/Berlin\r
BEGIN:STANDARD\r
DTSTART:19701025T030000\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r
END:STANDARD\r
BEGIN:DAYLIGHT\r
DTSTART:19700329T020000\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0200\r
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r
END:DAYLIGHT\r
END:VTIMEZONE\r
BEGIN:VEVENT\r
UID:standup@example.org\r
DTSTAMP:20260101T000000Z\r
SEQUENCE:2\r
DTSTART;TZID=Europe/Berlin:20261019T093000\r
DTEND;TZID=Europe/Berlin:20261019T094500\r
RRULE:FREQ=WEEKLY;BYDAY=MO\r
EXDATE;TZID=Europe/Berlin:20261102T093000\r
SUMMARY:Stand-up\\, daily\r
CATEGORIES:Work\r
ATTENDEE;CN=Bob;PARTSTAT=ACCEPTED:mailto:bob@example.org\r
ORGANIZER;CN=Alice:mailto:alice@example.org\r
BEGIN:VALARM\r
ACTION:DISPLAY\r
DESCRIPTION:Reminder\r
TRIGGER:-PT10M\r
END:VALARM\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:standup@example.org\r
DTSTAMP:20260101T000000Z\r
SEQUENCE:5\r
RECURRENCE-ID;TZID=Europe/Berlin:20261026T093000\r
DTSTART;TZID=Europe/Berlin:20261026T110000\r
DTEND;TZID=Europe/Berlin:20261026T111500\r
SUMMARY:Stand-up (moved)\r
END:VEVENT\r
END:VCALENDAR\r
";

#[test]
fn a_series_expands_with_its_exception_and_moved_instance() {
    let ical = parse(SERIES).expect("parses");
    let found = occurrences(
        &ical,
        utc(2026, 10, 19, 0, 0),
        utc(2026, 11, 10, 0, 0),
        BERLIN,
    );
    let starts: Vec<_> = found.occurrences.iter().map(|o| o.details.start).collect();
    // 19 Oct (CEST, +2), 26 Oct moved to 11:00 CET (+1), 2 Nov excluded, 9 Nov (CET).
    assert_eq!(
        starts,
        [
            utc(2026, 10, 19, 7, 30),
            utc(2026, 10, 26, 10, 0),
            utc(2026, 11, 9, 8, 30)
        ],
        "{:?}",
        found.problems
    );
    let moved = &found.occurrences[1];
    assert_eq!(moved.details.title, "Stand-up (moved)");
    assert_eq!(moved.instance, Some(utc(2026, 10, 26, 8, 30)));
    let first = &found.occurrences[0];
    assert!(first.recurring);
    assert_eq!(first.instance, Some(utc(2026, 10, 19, 7, 30)));
    assert_eq!(first.details.title, "Stand-up, daily");
    assert_eq!(first.details.time_zone.as_deref(), Some("Europe/Berlin"));
    assert_eq!(
        first.details.end - first.details.start,
        TimeDelta::minutes(15)
    );
    assert_eq!(first.details.reminders, [10]);
    assert_eq!(first.details.attendees[0].email, "bob@example.org");
    assert_eq!(first.details.attendees[0].status, Participation::Accepted);
    assert_eq!(
        first
            .details
            .organizer
            .as_ref()
            .and_then(|o| o.name.as_deref()),
        Some("Alice")
    );
}

#[test]
fn an_open_ended_rule_from_long_ago_still_reaches_the_range() {
    let text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:old\r\n\
                DTSTART:20000103T120000Z\r\nDURATION:PT1H\r\nRRULE:FREQ=DAILY\r\n\
                SUMMARY:Lunch\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let ical = parse(text).expect("parses");
    let found = occurrences(
        &ical,
        utc(2026, 12, 1, 0, 0),
        utc(2026, 12, 8, 0, 0),
        BERLIN,
    );
    assert_eq!(found.occurrences.len(), 7, "{:?}", found.problems);
    assert_eq!(found.occurrences[6].details.start, utc(2026, 12, 7, 12, 0));
}

#[test]
fn all_day_events_are_dates() {
    let text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:h\r\n\
                DTSTART;VALUE=DATE:20261224\r\nDTEND;VALUE=DATE:20261227\r\n\
                SUMMARY:Holidays\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let ical = parse(text).expect("parses");
    let found = occurrences(&ical, utc(2026, 12, 1, 0, 0), utc(2027, 1, 1, 0, 0), BERLIN);
    let event = &found.occurrences[0].details;
    assert!(event.all_day);
    assert_eq!(
        (event.start, event.end),
        (utc(2026, 12, 24, 0, 0), utc(2026, 12, 27, 0, 0))
    );
    assert!(!found.occurrences[0].recurring);
}

fn details() -> EventDetails {
    EventDetails {
        title: "Planning; Q1, v2".into(),
        start: utc(2026, 12, 2, 9, 0),
        end: utc(2026, 12, 2, 10, 0),
        all_day: false,
        time_zone: Some("Europe/Berlin".into()),
        location: "Room 1".into(),
        description: "Line one\nline two".into(),
        organizer: Some(Attendee {
            email: "alice@example.org".into(),
            name: Some("Alice".into()),
            status: Participation::Accepted,
        }),
        attendees: vec![Attendee {
            email: "bob@example.org".into(),
            name: Some("Bob \"B\"".into()),
            status: Participation::NeedsAction,
        }],
        meeting: Some("https://sparks.example.org/meet/abc".into()),
        reminders: vec![15],
        repeat: None,
    }
}

#[test]
fn a_created_event_reads_back_the_same() {
    let text = create("new@sparks", &details(), utc(2026, 12, 1, 8, 0));
    assert!(text.contains("BEGIN:VTIMEZONE"), "{text}");
    let ical = parse(&text).expect("parses what it wrote");
    let found = occurrences(
        &ical,
        utc(2026, 12, 1, 0, 0),
        utc(2026, 12, 3, 0, 0),
        BERLIN,
    );
    let mut expected = details();
    expected.organizer = expected.organizer.map(|o| Attendee {
        status: Participation::NeedsAction,
        ..o
    });
    expected.attendees[0].name = Some("Bob B".into());
    assert_eq!(found.occurrences.len(), 1, "{text}");
    assert_eq!(found.occurrences[0].details, expected);
    assert_eq!(found.occurrences[0].uid, "new@sparks");
}

#[test]
fn an_edit_keeps_what_sparks_does_not_show() {
    let mut changed = details();
    changed.title = "Stand-up, renamed".into();
    changed.start = utc(2026, 10, 19, 8, 0);
    changed.end = utc(2026, 10, 19, 8, 30);
    changed.reminders = vec![10];
    // The rule as Sparks reads it: the series goes on as it was.
    changed.repeat = Some(sparks_api::pim::Repeat {
        every: sparks_api::pim::Frequency::Weekly,
        interval: 1,
    });
    let text = update(SERIES, None, &changed, utc(2026, 12, 1, 8, 0)).expect("updates");
    assert!(text.contains("CATEGORIES:Work"), "{text}");
    assert!(text.contains("RRULE:FREQ=WEEKLY;BYDAY=MO"), "{text}");
    assert!(text.contains("RRULE:FREQ=WEEKLY"), "{text}");
    assert!(text.contains("SEQUENCE:3"), "{text}");
    let ical = parse(&text).expect("parses");
    let found = occurrences(
        &ical,
        utc(2026, 10, 19, 0, 0),
        utc(2026, 10, 20, 0, 0),
        BERLIN,
    );
    assert_eq!(found.occurrences.len(), 1);
    assert_eq!(found.occurrences[0].details.title, "Stand-up, renamed");
    assert_eq!(found.occurrences[0].details.start, utc(2026, 10, 19, 8, 0));
    assert_eq!(found.occurrences[0].details.reminders, [10]);
}

#[test]
fn one_instance_can_move_and_another_go() {
    let instance = utc(2026, 11, 9, 8, 30);
    let mut moved = details();
    moved.title = "Stand-up on Tuesday".into();
    moved.start = utc(2026, 11, 10, 8, 30);
    moved.end = utc(2026, 11, 10, 8, 45);
    let text = update(SERIES, Some(instance), &moved, utc(2026, 12, 1, 8, 0)).expect("moves");
    let text = remove_instance(&text, utc(2026, 10, 19, 7, 30)).expect("removes");
    let ical = parse(&text).expect("parses");
    let found = occurrences(
        &ical,
        utc(2026, 10, 19, 0, 0),
        utc(2026, 11, 17, 0, 0),
        BERLIN,
    );
    let seen: Vec<_> = found
        .occurrences
        .iter()
        .map(|o| (o.details.title.as_str(), o.details.start, o.instance))
        .collect();
    assert_eq!(
        seen,
        [
            (
                "Stand-up (moved)",
                utc(2026, 10, 26, 10, 0),
                Some(utc(2026, 10, 26, 8, 30))
            ),
            (
                "Stand-up on Tuesday",
                utc(2026, 11, 10, 8, 30),
                Some(instance)
            ),
            (
                "Stand-up, daily",
                utc(2026, 11, 16, 8, 30),
                Some(utc(2026, 11, 16, 8, 30))
            ),
        ]
    );
    // Removing the moved instance takes its override away too.
    let text = remove_instance(&text, instance).expect("removes");
    let ical = parse(&text).expect("parses");
    let found = occurrences(
        &ical,
        utc(2026, 11, 9, 0, 0),
        utc(2026, 11, 12, 0, 0),
        BERLIN,
    );
    assert!(found.occurrences.is_empty(), "{:?}", found.occurrences);
}

#[test]
fn an_attendee_answers_the_series_or_one_occurrence_and_nothing_else_changes() {
    let bob = ["BOB@example.org".to_owned()];
    let now = utc(2026, 12, 1, 8, 0);
    let first = utc(2026, 10, 19, 7, 30);
    let text = reply(SERIES, None, &bob, Participation::Tentative, now).expect("answers");
    let range = (utc(2026, 10, 19, 0, 0), utc(2026, 11, 17, 0, 0));
    let statuses = |text: &str| {
        let ical = parse(text).expect("parses");
        occurrences(&ical, range.0, range.1, BERLIN)
            .occurrences
            .iter()
            .map(|o| (o.instance, o.details.attendees.first().map(|a| a.status)))
            .collect::<Vec<_>>()
    };
    let seen = statuses(&text);
    assert_eq!(seen[0], (Some(first), Some(Participation::Tentative)));
    // The series' sequence, summary and alarm are as they were.
    assert!(text.contains("SEQUENCE:2\r\n"), "{text}");
    assert!(text.contains("TRIGGER:-PT10M"));
    assert!(text.contains("SUMMARY:Stand-up\\, daily"));
    // Declining one occurrence leaves the others tentative.
    let monday = utc(2026, 11, 9, 8, 30);
    let text = reply(&text, Some(monday), &bob, Participation::Declined, now).expect("answers");
    for (instance, status) in statuses(&text) {
        let want = if instance == Some(monday) {
            Participation::Declined
        } else if instance == Some(utc(2026, 10, 26, 8, 30)) {
            // The moved occurrence lists no attendees of its own.
            continue;
        } else {
            Participation::Tentative
        };
        assert_eq!(status, Some(want), "{instance:?}");
    }
    // Someone not invited cannot answer.
    let carol = ["carol@example.org".to_owned()];
    assert_eq!(
        reply(SERIES, None, &carol, Participation::Accepted, now),
        Err(IcalError::NotInvited)
    );
}

#[test]
fn a_new_series_repeats_and_its_rule_changes_only_when_asked() {
    use sparks_api::pim::{Frequency, Repeat};
    let weekly = Repeat {
        every: Frequency::Weekly,
        interval: 1,
    };
    let mut series = details();
    series.repeat = Some(weekly);
    let text = create("weekly@sparks", &series, utc(2026, 12, 1, 8, 0));
    assert!(text.contains("RRULE:FREQ=WEEKLY\r\n"), "{text}");
    let starts = |text: &str| {
        let ical = parse(text).expect("parses");
        occurrences(&ical, utc(2026, 12, 1, 0, 0), utc(2027, 1, 1, 0, 0), BERLIN)
            .occurrences
            .iter()
            .map(|o| (o.details.start, o.details.repeat))
            .collect::<Vec<_>>()
    };
    let seen = starts(&text);
    assert_eq!(seen.len(), 5, "2, 9, 16, 23 and 30 December");
    assert!(seen.iter().all(|(_, r)| *r == Some(weekly)));
    // Every two weeks now: the rule is rewritten.
    series.repeat = Some(Repeat {
        every: Frequency::Weekly,
        interval: 2,
    });
    let text = update(&text, None, &series, utc(2026, 12, 1, 9, 0)).expect("changes");
    assert!(text.contains("RRULE:FREQ=WEEKLY;INTERVAL=2"), "{text}");
    assert_eq!(starts(&text).len(), 3);
    // The same rule again leaves it as it is.
    series.title = "Renamed".into();
    let same = update(&text, None, &series, utc(2026, 12, 1, 9, 0)).expect("changes");
    assert_eq!(starts(&same).len(), 3, "{same}");
    // "Does not repeat": one event, without the series' exception and moved instance.
    let mut single = details();
    single.title = "Stand-up, once".into();
    let once = update(SERIES, None, &single, utc(2026, 12, 1, 9, 0)).expect("changes");
    let event = &once[once.find("BEGIN:VEVENT").expect("an event")..];
    for gone in ["RRULE", "EXDATE", "RECURRENCE-ID", "Stand-up (moved)"] {
        assert!(!event.contains(gone), "{gone} is left in {once}");
    }
    let ical = parse(&once).expect("parses");
    let all = occurrences(&ical, utc(2026, 1, 1, 0, 0), utc(2028, 1, 1, 0, 0), BERLIN);
    assert_eq!(all.occurrences.len(), 1, "{once}");
    assert_eq!(all.occurrences[0].details.title, "Stand-up, once");
    // A rule too rich to show (a count) stays as it is when the rest changes.
    let counted = SERIES.replace("RRULE:FREQ=WEEKLY;BYDAY=MO", "RRULE:FREQ=WEEKLY;COUNT=3");
    let ical = parse(&counted).expect("parses");
    let master = ical
        .components
        .iter()
        .find(|c| c.component_type == ICalendarComponentType::VEvent && c.is_recurrent())
        .expect("series");
    assert_eq!(repeat_of(master), None);
    let mut renamed = details();
    renamed.title = "Renamed".into();
    let kept = update(&counted, None, &renamed, utc(2026, 12, 1, 9, 0)).expect("changes");
    assert!(kept.contains("RRULE:FREQ=WEEKLY;COUNT=3"), "{kept}");
    // The documented rule (weekly on the start's day) reads as weekly.
    let ical = parse(SERIES).expect("parses");
    let master = ical
        .components
        .iter()
        .find(|c| c.component_type == ICalendarComponentType::VEvent && c.is_recurrent())
        .expect("series");
    assert_eq!(repeat_of(master), Some(weekly));
    assert_eq!(
        series_start(SERIES).expect("a start"),
        utc(2026, 10, 19, 7, 30)
    );
}

#[test]
fn a_single_event_has_no_instances_to_change() {
    let text = create("single", &details(), utc(2026, 12, 1, 8, 0));
    let at = utc(2026, 12, 2, 9, 0);
    assert_eq!(remove_instance(&text, at), Err(IcalError::NoInstance(at)));
    assert_eq!(
        update(&text, Some(at), &details(), at).map(|_| ()),
        Err(IcalError::NoInstance(at))
    );
}

#[test]
fn hostile_input_is_an_error_or_a_problem_never_a_panic() {
    for text in [
        "",
        "garbage",
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n",
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:2026\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20261201T100000Z\r\nRRULE:FREQ=SECONDLY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20261201T100000Z\r\nDTEND:20261101T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    ] {
        if let Ok(ical) = parse(text) {
            let found = occurrences(
                &ical,
                utc(2026, 12, 1, 0, 0),
                utc(2026, 12, 2, 0, 0),
                BERLIN,
            );
            assert!(found.occurrences.len() <= EXPANSION_LIMIT);
        }
        let _ = update(text, None, &details(), utc(2026, 12, 1, 0, 0));
        let _ = remove_instance(text, utc(2026, 12, 1, 0, 0));
    }
}
