//! Helpers shared by the test files: the fixtures, times, and comparing JSON.
#![allow(dead_code)]

use chrono::{DateTime, Utc};
use serde_json::Value;
use sparks_api::pim::{Attendee, EventDetails, Participation};
use sparks_exchange::graph::{DateTimeTimeZone, GraphEvent};

pub const SOURCE: &str = "m365";

pub fn fixture(name: &str) -> String {
    let path = format!("{}/fixtures/graph/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub fn json(name: &str) -> Value {
    serde_json::from_str(&fixture(name)).expect("as expected")
}

pub fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("as expected")
        .with_timezone(&Utc)
}

pub fn event(name: &str) -> GraphEvent {
    serde_json::from_str(&fixture(name)).expect("as expected")
}

pub fn person(email: &str, name: &str, status: Participation) -> Attendee {
    Attendee {
        email: email.into(),
        name: Some(name.into()),
        status,
    }
}

/// Every key of `documented` is in `built` with the same value; a `dateTimeTimeZone` object
/// is compared as the instant it names (Graph's examples are in Pacific time, Sparks sends UTC).
pub fn assert_subset(documented: &Value, built: &Value, ignored: &[&str], at: &str) {
    match (documented, built) {
        (Value::Object(doc), Value::Object(ours)) if doc.contains_key("dateTime") => {
            let instant = |v: &Value| {
                serde_json::from_value::<DateTimeTimeZone>(v.clone())
                    .expect("as expected")
                    .to_utc()
                    .expect("as expected")
            };
            assert_eq!(instant(documented), instant(built), "{at}");
            assert!(ours.contains_key("timeZone"), "{at}");
        }
        (Value::Object(doc), Value::Object(ours)) => {
            for (key, value) in doc.iter().filter(|(k, _)| !ignored.contains(&k.as_str())) {
                let theirs = ours
                    .get(key)
                    .unwrap_or_else(|| panic!("{at}.{key} missing in {built}"));
                assert_subset(value, theirs, ignored, &format!("{at}.{key}"));
            }
        }
        (Value::Array(doc), Value::Array(ours)) => {
            assert_eq!(doc.len(), ours.len(), "{at}");
            for (i, (d, o)) in doc.iter().zip(ours).enumerate() {
                assert_subset(d, o, ignored, &format!("{at}[{i}]"));
            }
        }
        _ => assert_eq!(documented, built, "{at}"),
    }
}

pub fn details(title: &str, start: &str, end: &str, attendee: Attendee) -> EventDetails {
    EventDetails {
        title: title.into(),
        start: utc(start),
        end: utc(end),
        all_day: false,
        time_zone: Some("America/Los_Angeles".into()),
        location: "Harry's Bar".into(),
        description: String::new(),
        organizer: None,
        attendees: vec![Attendee {
            status: Participation::NeedsAction,
            ..attendee
        }],
        meeting: None,
        reminders: vec![],
        repeat: None,
    }
}
