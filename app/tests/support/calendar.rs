//! The sample calendar: three sources' calendars around Sunday 22 November 2026 in Berlin, one
//! source signed out, one unavailable, and the people of the address books.

use super::NOW_MS;

/// Berlin, where the sample calendar's people live.
pub const ZONE: chrono_tz::Tz = chrono_tz::Europe::Berlin;

/// The day of [`NOW_MS`] in [`ZONE`] (Sunday 22 November 2026).
pub fn today() -> chrono::NaiveDate {
    chrono::DateTime::from_timestamp_millis(NOW_MS as i64)
        .expect("a time")
        .with_timezone(&ZONE)
        .date_naive()
}

fn at(day: chrono::NaiveDate, hour: u32, minute: u32) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    ZONE.from_local_datetime(&day.and_hms_opt(hour, minute, 0).expect("a time"))
        .single()
        .expect("one time")
        .with_timezone(&chrono::Utc)
}

/// Two sources' calendars, one source signed out, one unavailable, and a week of events.
pub fn calendar_snapshot() -> sparks::screen::calendar::Snapshot {
    use sparks_middleware_client::pim::*;
    let day = |n: i64| today() + chrono::Duration::days(n);
    let calendar = |source: &str, id: &str, name: &str, color: Option<&str>, writable| Calendar {
        source: source.into(),
        id: id.into(),
        name: name.into(),
        color: color.map(str::to_owned),
        writable,
    };
    let event = |n: usize, cal: &Calendar, title: &str, start, end, all_day: bool| Event {
        at: EventRef {
            source: cal.source.clone(),
            calendar: cal.id.clone(),
            id: format!("{}e{n}.ics", cal.id),
            version: Some(format!("\"v{n}\"")),
            instance: None,
        },
        uid: format!("e{n}"),
        recurring: false,
        invited: None,
        details: EventDetails {
            title: title.into(),
            start,
            end,
            all_day,
            time_zone: Some("Europe/Berlin".into()),
            location: String::new(),
            description: String::new(),
            organizer: None,
            attendees: vec![],
            meeting: None,
            reminders: vec![],
            repeat: None,
        },
    };
    let work = calendar(
        "cloud",
        "https://cloud/alice/work/",
        "Work",
        Some("#3b82f6"),
        true,
    );
    let team = calendar(
        "cloud",
        "https://cloud/alice/team/",
        "Team",
        Some("#10b981"),
        true,
    );
    let holidays = calendar(
        "cloud",
        "https://cloud/holidays/",
        "Holidays",
        Some("#f59e0b"),
        false,
    );
    let mut events = vec![
        event(
            1,
            &work,
            "Stand-up",
            at(today(), 11, 30),
            at(today(), 11, 45),
            false,
        ),
        event(
            2,
            &team,
            "Design review",
            at(today(), 14, 0),
            at(today(), 15, 0),
            false,
        ),
        event(
            3,
            &work,
            "Planning Q1",
            at(day(-5), 9, 0),
            at(day(-5), 10, 30),
            false,
        ),
        event(
            4,
            &team,
            "Team lunch",
            at(day(-4), 12, 0),
            at(day(-4), 13, 0),
            false,
        ),
        event(
            5,
            &work,
            "1:1 with Bob",
            at(day(-3), 16, 0),
            at(day(-3), 16, 30),
            false,
        ),
        event(
            6,
            &holidays,
            "Christmas market",
            day(-2).and_hms_opt(0, 0, 0).expect("t").and_utc(),
            day(-1).and_hms_opt(0, 0, 0).expect("t").and_utc(),
            true,
        ),
        event(
            7,
            &work,
            "Stand-up",
            at(day(-5), 11, 30),
            at(day(-5), 11, 45),
            false,
        ),
        event(
            8,
            &work,
            "Customer call",
            at(day(-6), 10, 0),
            at(day(-6), 11, 0),
            false,
        ),
    ];
    events[1].details.location = "Room Ada".into();
    events[1].details.meeting = Some("https://sparks.example.org/meet/Xy7".into());
    events[1].details.attendees = vec![Attendee {
        email: "bob@example.org".into(),
        name: Some("Bob Example".into()),
        status: Participation::Accepted,
    }];
    // Carol's team lunch, to which we are invited and have not answered yet.
    events[3].details.organizer = Some(Attendee {
        email: "carol@example.org".into(),
        name: Some("Carol Nguyen".into()),
        status: Participation::Accepted,
    });
    events[3].details.attendees = vec![Attendee {
        email: "alice@example.org".into(),
        name: Some("Alice Demo".into()),
        status: Participation::NeedsAction,
    }];
    events[3].invited = Some(Participation::NeedsAction);
    events.sort_by_key(|e| e.details.start);
    sparks::screen::calendar::Snapshot {
        sources: vec![
            Source {
                id: "cloud".into(),
                name: "Nextcloud".into(),
                kind: SourceKind::Dav,
                calendars: true,
                contacts: true,
                connected: true,
            },
            Source {
                id: "exchange".into(),
                name: "Exchange".into(),
                kind: SourceKind::Exchange,
                calendars: true,
                contacts: true,
                connected: true,
            },
            Source {
                id: "m365".into(),
                name: "Microsoft 365".into(),
                kind: SourceKind::Graph,
                calendars: true,
                contacts: true,
                connected: false,
            },
        ],
        calendars: vec![work, team, holidays],
        events,
        unavailable: vec![Unavailable {
            source: "exchange".into(),
            errcode: "M_UNAVAILABLE".into(),
            reason: "Exchange cannot be reached: connection refused".into(),
        }],
    }
}

/// The calendar on [`today`] in [`ZONE`] with [`calendar_snapshot`] loaded.
pub fn sample_calendar() -> sparks::screen::calendar::Calendar {
    use sparks::screen::calendar::{Calendar, Message};
    let mut calendar = Calendar::new(today(), ZONE);
    let _ = calendar.load();
    let _ = calendar.update(Message::Loaded(Ok(calendar_snapshot())));
    calendar
}

/// People as the contact search finds them.
pub fn sample_contacts() -> Vec<sparks_middleware_client::pim::Contact> {
    use sparks_middleware_client::pim::Contact;
    let contact = |id: &str, name: &str, email: &str, matrix: Option<&str>| Contact {
        source: "cloud".into(),
        id: id.into(),
        name: name.into(),
        emails: vec![email.into()],
        phones: vec!["+49 30 1234567".into()],
        organization: Some("Example GmbH".into()),
        title: Some("Engineer".into()),
        matrix: matrix.map(str::to_owned),
    };
    vec![
        contact(
            "b",
            "Bob Example",
            "bob@example.org",
            Some("@bob:example.org"),
        ),
        contact("c", "Carol Beispiel", "carol@example.de", None),
    ]
}
