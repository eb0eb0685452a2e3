//! Microsoft Graph's documented calendar, free/busy, contact and error examples
//! (fixtures/, see fixtures/SOURCES.md), and the time zones, text and ids read from them.

use crate::common::*;
use chrono::{TimeZone, Utc};
use serde_json::Value;
use sparks_api::pim::BusyKind;
use sparks_exchange::graph::{
    DateTimeTimeZone, ErrorBody, FreeBusyStatus, GraphCalendar, GraphContact, GraphError,
    GraphEvent, Page, ScheduleInformation, ScheduleRequest, html_to_text, matrix_id, time_zone,
};

#[test]
fn calendars_list() {
    let page: Page<GraphCalendar> =
        serde_json::from_str(&fixture("calendars.response.json")).expect("as expected");
    assert_eq!(page.next_link, None);
    assert_eq!(page.value.len(), 1);
    assert_eq!(page.value[0].color.as_deref(), Some("auto"));
    assert_eq!(page.value[0].hex_color.as_deref(), Some(""));
    let calendar = page.value[0].clone().into_calendar(SOURCE);
    assert_eq!(calendar.source, SOURCE);
    assert_eq!(calendar.id, "AAMkAGI2TGuLAAA=");
    assert_eq!(calendar.name, "Calendar");
    assert_eq!(
        calendar.color, None,
        "hexColor is empty, \"auto\" is no colour"
    );
    assert!(calendar.writable);
    let coloured = GraphCalendar {
        hex_color: Some("#FF8C00".into()),
        ..page.value[0].clone()
    };
    assert_eq!(
        coloured.into_calendar(SOURCE).color.as_deref(),
        Some("#ff8c00")
    );
}

#[test]
fn get_schedule_request_and_response() {
    let start = utc("2019-03-15T16:00:00Z"); // 09:00 PDT
    let end = utc("2019-03-16T01:00:00Z"); // 18:00 PDT
    let emails = [
        "adelev@contoso.onmicrosoft.com".to_owned(),
        "meganb@contoso.onmicrosoft.com".to_owned(),
    ];
    let built =
        serde_json::to_value(ScheduleRequest::new(&emails, start, end, 60)).expect("as expected");
    assert_subset(
        &json("getschedule.request.json"),
        &built,
        &[],
        "getSchedule",
    );

    let page: Page<ScheduleInformation> =
        serde_json::from_str(&fixture("getschedule.response.json")).expect("as expected");
    assert_eq!(
        page.value[0].availability_view.as_deref(),
        Some("000220000")
    );
    assert_eq!(
        page.value[1].availability_view.as_deref(),
        Some("200220010")
    );
    assert_eq!(
        page.value[0].schedule_items[0].subject.as_deref(),
        Some("Let's go for lunch")
    );
    assert_eq!(
        page.value[1].schedule_items[2].status,
        Some(FreeBusyStatus::Tentative)
    );
    let hours = page.value[1].working_hours.clone().expect("as expected");
    assert_eq!(hours.days_of_week.len(), 5);
    assert_eq!(
        hours.time_zone.and_then(|z| z.name).as_deref(),
        Some("Customized Time Zone")
    );

    let spans = |info: ScheduleInformation| {
        let schedule = info
            .into_schedule(start, 60)
            .expect("as expected")
            .expect("as expected");
        let busy = schedule
            .busy
            .iter()
            .map(|b| (b.start, b.end, b.kind))
            .collect::<Vec<_>>();
        (schedule.email, busy)
    };
    let (email, adele) = spans(page.value[0].clone());
    assert_eq!(email, "adelev@contoso.onmicrosoft.com");
    assert_eq!(
        adele,
        [(
            utc("2019-03-15T19:00:00Z"),
            utc("2019-03-15T21:00:00Z"),
            BusyKind::Busy
        )]
    );
    let (email, megan) = spans(page.value[1].clone());
    assert_eq!(email, "meganb@contoso.onmicrosoft.com");
    let at = |h: u32, m: u32| {
        Utc.with_ymd_and_hms(2019, 3, 15, h, m, 0)
            .single()
            .expect("as expected")
    };
    let next_midnight = utc("2019-03-16T00:00:00Z");
    assert_eq!(
        megan,
        [
            (at(15, 30), at(16, 30), BusyKind::Busy),
            (at(19, 0), at(20, 0), BusyKind::Tentative),
            (at(19, 0), at(21, 0), BusyKind::Busy),
            (at(20, 0), at(21, 0), BusyKind::Busy),
            (at(23, 0), next_midnight, BusyKind::Tentative),
        ]
    );

    // Without items, availabilityView's slots (60 minutes from 09:00 PDT) say the same.
    let bare = |info: &ScheduleInformation| ScheduleInformation {
        schedule_items: vec![],
        ..info.clone()
    };
    assert_eq!(spans(bare(&page.value[0])).1, adele);
    assert_eq!(
        spans(bare(&page.value[1])).1,
        [
            (at(16, 0), at(17, 0), BusyKind::Busy),
            (at(19, 0), at(21, 0), BusyKind::Busy),
            (at(23, 0), next_midnight, BusyKind::Tentative),
        ]
    );

    let unknown: ScheduleInformation = serde_json::from_value(serde_json::json!({
        "scheduleId": "nobody@contoso.com",
        "error": {"message": "not found", "responseCode": "ErrorMailRecipientNotFound"}
    }))
    .expect("as expected");
    assert_eq!(unknown.into_schedule(start, 60).expect("as expected"), None);
}

#[test]
fn contacts_as_documented() {
    let page: Page<GraphContact> =
        serde_json::from_str(&fixture("contacts.response.json")).expect("as expected");
    assert_eq!(
        page.value[0].display_name.as_deref(),
        Some("displayName-value")
    );
    assert_eq!(page.value[0].clone().into_contact(SOURCE), None, "no id");

    let alex: GraphContact =
        serde_json::from_str(&fixture("contact-get.response.json")).expect("as expected");
    let alex = alex.into_contact(SOURCE).expect("as expected");
    assert_eq!(
        alex.id,
        "AAMkAGVmMDEzMTM4LTZmYWUtNDdkNC1hMDZiLTU1OGY5OTZhYmY4OABGAAAAAAAiQ8W967B7TKBjgx9rVEURBwAiIsqMbYjsT5e-T7KzowPTAAAAAAEOAAAiIsqMbYjsT5e-T7KzowPTAAAYbuK-AAA="
    );
    assert_eq!(alex.source, SOURCE);
    assert_eq!(alex.name, "Alex Wilber");
    assert_eq!(alex.emails, ["Alex@FineArtSchool.net"]);
    assert!(alex.phones.is_empty());
    assert_eq!(
        (alex.organization, alex.title, alex.matrix),
        (None, None, None)
    );

    let pavel: GraphContact =
        serde_json::from_str(&fixture("contact-post.request.json")).expect("as expected");
    assert_eq!(
        pavel.email_addresses[0].address.as_deref(),
        Some("pavelb@contoso.com")
    );
    assert_eq!(pavel.business_phones, ["+1 732 555 0102"]);
    let created: GraphContact =
        serde_json::from_str(&fixture("contact-post.response.json")).expect("as expected");
    let created = created.into_contact(SOURCE).expect("as expected");
    assert_eq!(
        (created.id.as_str(), created.name.as_str()),
        ("id-value", "Pavel Bansky")
    );

    let derived: GraphContact =
        serde_json::from_str(&fixture("contact-matrix.derived.json")).expect("as expected");
    let derived = derived.into_contact(SOURCE).expect("as expected");
    assert_eq!(derived.matrix.as_deref(), Some("@alex:fineartschool.net"));
    assert_eq!(derived.phones, ["+1 732 555 0102", "+1 732 555 0103"]);
    assert_eq!(derived.organization.as_deref(), Some("Fine Art School"));
    assert_eq!(derived.title.as_deref(), Some("Art Teacher"));
}

#[test]
fn matrix_ids_in_im_addresses() {
    for im in [
        "matrix:u/alice:example.org",
        "MATRIX:u/alice:example.org?action=chat",
        "matrix:@alice:example.org",
        "@alice:example.org",
        " https://matrix.to/#/@alice:example.org ",
    ] {
        assert_eq!(matrix_id(im).as_deref(), Some("@alice:example.org"), "{im}");
    }
    for im in [
        "sip:alice@example.org",
        "alice@example.org",
        "matrix:r/room:example.org",
        "@alice",
        "@:x",
        "matrix:u/",
    ] {
        assert_eq!(matrix_id(im), None, "{im}");
    }
}

#[test]
fn documented_error_body_and_statuses() {
    let body = fixture("error.response.json");
    let parsed: ErrorBody = serde_json::from_str(&body).expect("as expected");
    assert_eq!(parsed.error.code, "invalidRange");
    let body = body.as_bytes();
    match GraphError::from_response(416, None, body) {
        GraphError::Api {
            status,
            code,
            message,
        } => {
            assert_eq!((status, code.as_str()), (416, "invalidRange"));
            assert_eq!(message, "Uploaded fragment overlaps with existing data.");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        GraphError::from_response(401, None, body),
        GraphError::Unauthorized
    ));
    assert!(matches!(
        GraphError::from_response(404, None, body),
        GraphError::NotFound
    ));
    assert!(matches!(
        GraphError::from_response(412, None, body),
        GraphError::Conflict
    ));
    let seven = Some(std::time::Duration::from_secs(7));
    assert!(
        matches!(GraphError::from_response(429, Some("7"), body), GraphError::Throttled { retry_after } if retry_after == seven)
    );
    assert!(matches!(
        GraphError::from_response(503, None, b""),
        GraphError::Throttled { retry_after: None }
    ));
    let past = "Wed, 21 Oct 2015 07:28:00 GMT";
    let zero = Some(std::time::Duration::ZERO);
    assert!(
        matches!(GraphError::from_response(429, Some(past), b""), GraphError::Throttled { retry_after } if retry_after == zero)
    );
    match GraphError::from_response(500, None, b"<html>oops</html>") {
        GraphError::Api {
            status: 500, code, ..
        } => assert_eq!(code, ""),
        other => panic!("{other:?}"),
    }
}

#[test]
fn malformed_answers_are_errors() {
    let whole = fixture("event-get.response.json");
    assert!(serde_json::from_str::<GraphEvent>(&whole[..whole.len() / 2]).is_err());
    assert!(serde_json::from_str::<Page<GraphEvent>>(r#"{"value": 5}"#).is_err());
    assert!(
        serde_json::from_str::<Page<GraphCalendar>>(r#"{"value": [{"name": "no id"}]}"#).is_err()
    );
    let no_id = r#"{"value": [{"availabilityView": "0"}]}"#;
    assert!(serde_json::from_str::<Page<ScheduleInformation>>(no_id).is_err());
    assert!(serde_json::from_str::<Page<GraphContact>>("").is_err());
    let odd = |start: Value| {
        let event = serde_json::json!({"id": "x", "start": start, "end": {"dateTime": "2019-01-01T00:00:00", "timeZone": "UTC"}});
        serde_json::from_value::<GraphEvent>(event)
            .expect("as expected")
            .into_event(SOURCE, "cal")
    };
    let bad_time = odd(serde_json::json!({"dateTime": "yesterday", "timeZone": "UTC"}));
    assert!(matches!(bad_time, Err(GraphError::Time(t)) if t == "yesterday"));
    let bad_zone = odd(
        serde_json::json!({"dateTime": "2019-01-01T00:00:00", "timeZone": "Mars Standard Time"}),
    );
    assert!(matches!(bad_zone, Err(GraphError::UnknownTimeZone(z)) if z == "Mars Standard Time"));
}

#[test]
fn date_time_time_zone_reading() {
    let at = |date_time: &str, zone: &str| {
        DateTimeTimeZone {
            date_time: date_time.into(),
            time_zone: Some(zone.into()),
        }
        .to_utc()
        .expect("as expected")
    };
    assert_eq!(
        at("2017-04-15T12:00:00.0000000", "Pacific Standard Time"),
        utc("2017-04-15T19:00:00Z")
    );
    assert_eq!(
        at("2017-01-15T12:00:00", "Pacific Standard Time"),
        utc("2017-01-15T20:00:00Z")
    );
    assert_eq!(
        at("2019-07-01T12:00:00.0000000", "W. Europe Standard Time"),
        utc("2019-07-01T10:00:00Z")
    );
    assert_eq!(
        at("2019-07-01T12:00:00", "Europe/Berlin"),
        utc("2019-07-01T10:00:00Z")
    );
    assert_eq!(
        at("2019-07-01T12:00:00.1234567", "UTC"),
        utc("2019-07-01T12:00:00.1234567Z")
    );
    assert_eq!(
        at("2019-07-01T12:00:00", "tzone://Microsoft/Utc"),
        utc("2019-07-01T12:00:00Z")
    );
    assert_eq!(
        at("2019-07-01T12:00:00Z", "Pacific Standard Time"),
        utc("2019-07-01T12:00:00Z")
    );
    assert_eq!(
        at("2019-07-01T21:00:00", "Tokyo Standard Time"),
        utc("2019-07-01T12:00:00Z")
    );
    assert_eq!(
        at("2019-07-01T17:30:00", "India Standard Time"),
        utc("2019-07-01T12:00:00Z")
    );
    assert_eq!(
        at("2019-07-01T08:00:00", "Eastern Standard Time"),
        utc("2019-07-01T12:00:00Z")
    );
    // In the spring gap the time moves forward; in the autumn overlap it is the earlier.
    assert_eq!(
        at("2019-03-10T02:30:00", "Pacific Standard Time"),
        utc("2019-03-10T10:30:00Z")
    );
    assert_eq!(
        at("2019-11-03T01:30:00", "Pacific Standard Time"),
        utc("2019-11-03T08:30:00Z")
    );
    assert_eq!(
        time_zone("pacific standard time").map(|z| z.name()),
        Some("America/Los_Angeles")
    );
    assert_eq!(time_zone("Customized Time Zone"), None);
    assert_eq!(
        DateTimeTimeZone::utc(utc("2019-07-01T12:00:00.5Z")).date_time,
        "2019-07-01T12:00:00.500"
    );
}

#[test]
fn html_bodies_as_text() {
    assert_eq!(
        html_to_text("<html><head><title>t</title></head><body>a<br>b</body></html>"),
        "a\nb"
    );
    assert_eq!(
        html_to_text("<p>one &amp; two</p><p>&lt;three&gt; &#39;&#x41;&nbsp;</p>"),
        "one & two\n<three> 'A"
    );
    assert_eq!(
        html_to_text("<style>p{}</style>x\r\n  y &bogus; &"),
        "x y &bogus; &"
    );
    assert_eq!(html_to_text("a<br><br><br>b <unclosed"), "a\n\nb");
}

#[test]
fn every_windows_zone_in_the_table_is_known_to_chrono_tz() {
    assert!(sparks_exchange::graph::WINDOWS_ZONES.len() >= 80);
    for (windows, iana) in sparks_exchange::graph::WINDOWS_ZONES {
        let zone: chrono_tz::Tz = iana.parse().unwrap_or_else(|_| panic!("{iana}"));
        // "UTC" is read before the table, as chrono-tz's UTC (the same rules as Etc/UTC).
        let expected = if *windows == "UTC" {
            chrono_tz::UTC
        } else {
            zone
        };
        assert_eq!(time_zone(windows), Some(expected), "{windows}");
    }
}
