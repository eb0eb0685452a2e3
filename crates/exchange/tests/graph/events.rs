//! Microsoft Graph's documented event examples (fixtures/, see fixtures/SOURCES.md) read,
//! and the bodies Sparks builds compared with the documented requests.

use crate::common::*;
use serde_json::json;
use sparks_api::pim::{EventDetails, Participation};
use sparks_exchange::graph::{EventType, EventWrite, GraphError, GraphEvent, Page};

#[test]
fn calendar_views_as_documented_are_read_but_lack_what_an_event_needs() {
    let page: Page<GraphEvent> =
        serde_json::from_str(&fixture("calendarview.response.json")).expect("as expected");
    let only = &page.value[0];
    assert_eq!(
        only.ical_uid.as_deref(),
        Some(
            "040000008200E00074C5B7101A82E00800000000D3D70B8A6A17D70100000000000000001000000074665914A06C3F49BB4B7D7EEE4304DA"
        )
    );
    assert_eq!(
        only.original_start_time_zone.as_deref(),
        Some("Pacific Standard Time")
    );
    assert_eq!(
        (only.reminder_minutes_before_start, only.is_reminder_on),
        (Some(15), Some(true))
    );
    assert!(matches!(
        only.clone().into_event(SOURCE, "c"),
        Err(GraphError::Incomplete("id"))
    ));

    // The calendar's calendarView page: placeholders ("response-value") are read, not refused.
    let page: Page<GraphEvent> =
        serde_json::from_str(&fixture("calendar-calendarview.response.json")).expect("as expected");
    assert_eq!(page.value[0].ical_uid.as_deref(), Some("iCalUId-value"));
    assert_eq!(page.value[0].reminder_minutes_before_start, Some(99));
}

#[test]
fn a_weekly_series_is_written_in_its_own_zone_like_the_documented_one() {
    use sparks_api::pim::{Frequency, Repeat};
    // Monday 4 September 2017, 12:00 to 14:00 in Los Angeles, every week.
    let mut weekly = lunch_like();
    weekly.repeat = Some(Repeat {
        every: Frequency::Weekly,
        interval: 1,
    });
    let body = serde_json::to_value(EventWrite::from_details(&weekly)).expect("json");
    let documented = json("user-post-events-recurring.response.json");
    assert_eq!(
        body["start"],
        json!({"dateTime": "2017-09-04T12:00:00", "timeZone": "Pacific Standard Time"})
    );
    for field in ["type", "interval", "daysOfWeek"] {
        assert_eq!(
            body["recurrence"]["pattern"][field], documented["recurrence"]["pattern"][field],
            "{field}"
        );
    }
    for field in ["startDate", "recurrenceTimeZone"] {
        assert_eq!(
            body["recurrence"]["range"][field], documented["recurrence"]["range"][field],
            "{field}"
        );
    }
    assert_eq!(body["recurrence"]["range"]["type"], "noEnd");
    // The documented series ends on a date: too rich to show, so no repeat is read…
    let master = event("user-post-events-recurring.response.json")
        .into_event(SOURCE, "cal")
        .expect("as expected");
    assert_eq!(master.details.repeat, None);
    // …while one without end reads as weekly.
    let mut endless = event("user-post-events-recurring.response.json");
    if let Some(r) = endless.recurrence.as_mut() {
        r.range.kind = "noEnd".into();
    }
    let endless = endless.into_event(SOURCE, "cal").expect("as expected");
    assert_eq!(endless.details.repeat, weekly.repeat);
    // Single events are sent without a rule.
    let single = serde_json::to_value(EventWrite::from_details(&lunch_like())).expect("json");
    assert!(single.get("recurrence").is_none());
}

fn lunch_like() -> EventDetails {
    EventDetails {
        title: "Let's go for lunch".into(),
        start: utc("2017-09-04T19:00:00Z"),
        end: utc("2017-09-04T21:00:00Z"),
        all_day: false,
        time_zone: Some("America/Los_Angeles".into()),
        location: String::new(),
        description: String::new(),
        organizer: None,
        attendees: Vec::new(),
        meeting: None,
        reminders: Vec::new(),
        repeat: None,
    }
}

#[test]
fn an_invitation_carries_the_users_own_answer() {
    let invited = event("invited.derived.json")
        .into_event(SOURCE, "cal")
        .expect("as expected");
    assert_eq!(invited.invited, Some(Participation::Tentative));
    // Without `isOrganizer: false` (the organiser's copy, or not selected) it is no invitation.
    for name in [
        "event-get.response.json",
        "calendar-post-events.response.json",
    ] {
        let own = event(name).into_event(SOURCE, "cal").expect("as expected");
        assert_eq!(own.invited, None, "{name}");
    }
}

#[test]
fn event_get_in_utc() {
    let event = event("event-get.response.json")
        .into_event(SOURCE, "cal")
        .expect("as expected");
    let id = "AAMkAGVmMDEzMTM4LTZmYWUtNDdkNC1hMDZiLTU1OGY5OTZhYmY4OABGAAAAAAAiQ8W967B7TKBjgx9rVEURBwAiIsqMbYjsT5e-T7KzowPTAAAAAAENAAAiIsqMbYjsT5e-T7KzowPTAAAa_WKzAAA=";
    assert_eq!(event.at.id, id);
    assert_eq!(
        (event.at.source.as_str(), event.at.calendar.as_str()),
        (SOURCE, "cal")
    );
    assert_eq!(
        event.at.version.as_deref(),
        Some("IiLKjG2I7E+Xv0+ys6MD0wAEd5/kNQ=="),
        "from @odata.etag"
    );
    assert_eq!(event.at.instance, None);
    assert_eq!(event.uid, id, "no iCalUId selected: the id stands in");
    assert!(!event.recurring);
    let d = &event.details;
    assert_eq!(d.title, "New Product Regulations Touchpoint");
    assert_eq!(
        (d.start, d.end),
        (utc("2014-11-03T17:00:00Z"), utc("2014-11-03T17:30:00Z"))
    );
    assert!(!d.all_day);
    assert_eq!(d.time_zone, None);
    assert_eq!(d.location, "Conf Room Rainier");
    assert_eq!(
        d.description,
        "New Product Regulations Strategy Online Touchpoint Meeting\n\
         You're receiving this message because you're a member of the Engineering group. \
         If you don't want to receive any messages or events from this group,stop following it \
         in your inbox.\n\
         View group conversations | View group files"
    );
    assert_eq!(
        d.organizer,
        Some(person(
            "engineering@M365x214355.onmicrosoft.com",
            "Engineering",
            Participation::Accepted
        ))
    );
    assert_eq!(
        d.attendees,
        [
            person(
                "engineering@M365x214355.onmicrosoft.com",
                "Engineering",
                Participation::NeedsAction
            ),
            person(
                "IrvinS@M365x214355.onmicrosoft.com",
                "Irvin Sayers",
                Participation::NeedsAction
            ),
        ]
    );
    assert_eq!((d.meeting.clone(), d.reminders.clone()), (None, vec![]));
}

#[test]
fn created_events_in_pacific_time_are_converted_to_utc() {
    let e = event("user-post-events.response.json")
        .into_event(SOURCE, "cal")
        .expect("as expected");
    assert_eq!(e.at.id, "AAMkAGI1AAAt9AHjAAA=");
    assert_eq!(
        e.at.version.as_deref(),
        Some("ZlnW4RIAV06KYYwlrfNZvQAALfZeRQ==")
    );
    assert_eq!(
        e.uid,
        "040000008200E00074C5B7101A82E00800000000DA2B357D94B5D201000000000000000010000000EC4597557F0CB34EA4CC2887EA7B17C3"
    );
    assert_eq!(e.details.title, "Let's go brunch");
    // 2017-04-15 is in daylight time: PDT is UTC-7.
    assert_eq!(e.details.start, utc("2017-04-15T18:00:00Z"));
    assert_eq!(e.details.end, utc("2017-04-15T19:00:00Z"));
    assert_eq!(e.details.time_zone.as_deref(), Some("America/Los_Angeles"));
    assert_eq!(e.details.description, "Does late morning work for you?");
    assert_eq!(e.details.location, "Harry's Bar");
    assert_eq!(e.details.reminders, [15]);
    assert_eq!(
        e.details.attendees,
        [person(
            "samanthab@contoso.onmicrosoft.com",
            "Samantha Booth",
            Participation::NeedsAction
        )]
    );
    assert_eq!(
        e.details.organizer.map(|o| o.email),
        Some("danas@contoso.onmicrosoft.com".into())
    );

    let e = event("calendar-post-events.response.json")
        .into_event(SOURCE, "AAMkAGViNDU7zAAAAAGtlAAA=")
        .expect("as expected");
    assert_eq!(e.at.id, "AAMkAGViNDU7zAAAAA7zAAAZb2ckAAA=");
    assert_eq!(e.at.calendar, "AAMkAGViNDU7zAAAAAGtlAAA=");
    assert_eq!(
        e.at.version.as_deref(),
        Some("/IUUrIl3PkG1JCSsPfU+8wAAGXjEpA==")
    );
    assert_eq!(e.uid, "040000008200E641B4C");
    assert_eq!(
        (e.details.start, e.details.end),
        (utc("2019-03-15T19:00:00Z"), utc("2019-03-15T21:00:00Z"))
    );
    assert_eq!(e.details.description, "Does mid month work for you?");
    assert_eq!(e.details.meeting, None, "onlineMeeting is null");
    assert_eq!(
        e.details.attendees,
        [person(
            "AdeleV@contoso.OnMicrosoft.com",
            "Adele Vance",
            Participation::NeedsAction
        )]
    );
    assert_eq!(
        e.details.organizer,
        Some(person(
            "MeganB@contoso.OnMicrosoft.com",
            "Megan Bowen",
            Participation::Accepted
        ))
    );
}

#[test]
fn online_meeting_link_and_a_dst_switch_day() {
    let e = event("calendar-post-events-online.response.json")
        .into_event(SOURCE, "cal")
        .expect("as expected");
    assert_eq!(e.at.id, "AAMkAGViNDU7zAAAAA7zAAAZe6CkAAA=");
    assert_eq!(
        e.at.version.as_deref(),
        Some("/IUUrIl3PkG1JCSsPfU+8wAAGXjGjw==")
    );
    assert_eq!(e.uid, "040000008200C780DAE");
    // 2019-03-10: daylight time began at 02:00 that morning, so noon is UTC-7.
    assert_eq!(
        (e.details.start, e.details.end),
        (utc("2019-03-10T19:00:00Z"), utc("2019-03-10T21:00:00Z"))
    );
    assert_eq!(
        e.details.meeting.as_deref(),
        Some(
            "https://teams.microsoft.com/l/meetup-join/19%3ameeting_NzIyNzhlMGEtM2YyZC00ZmY0LTlhNzUtZmZjNWFmZGNlNzE2%40thread.v2/0?context=%7b%22Tid%22%3a%2272f988bf-86f1-41af-91ab-2d7cd011db47%22%2c%22Oid%22%3a%22bc55b173-cff6-457d-b7a1-64bda7d7581a%22%7d"
        )
    );
    assert_eq!(e.details.location, "Harry's Bar");
    assert_eq!(e.details.description, "Does next month work for you?");
}

#[test]
fn series_master_is_not_an_instance() {
    let graph = event("user-post-events-recurring.response.json");
    assert_eq!(graph.kind, Some(EventType::SeriesMaster));
    let e = graph.into_event(SOURCE, "cal").expect("as expected");
    assert_eq!(e.at.id, "AAMkADQwMD");
    assert_eq!(
        e.at.version.as_deref(),
        Some("+T8RDneHMkKe2BGYEaQZ4wAA5a9Acw==")
    );
    assert!(!e.recurring);
    assert_eq!(e.at.instance, None);
    assert_eq!(e.details.title, "Let's go for lunch");
    assert_eq!(
        (e.details.start, e.details.end),
        (utc("2017-09-04T19:00:00Z"), utc("2017-09-04T21:00:00Z"))
    );
    assert_eq!(e.details.description, "Does late morning work for you?");
    assert_eq!(
        e.details.organizer.map(|o| o.email),
        Some("AlexW@contoso.onmicrosoft.com".into())
    );
}

#[test]
fn instances_occurrences_and_an_exception() {
    let page: Page<GraphEvent> =
        serde_json::from_str(&fixture("instances.response.json")).expect("as expected");
    let kinds: Vec<_> = page.value.iter().map(|e| e.kind).collect();
    use EventType::{Exception, Occurrence};
    assert_eq!(
        kinds,
        [
            Some(Exception),
            Some(Occurrence),
            Some(Occurrence),
            Some(Occurrence)
        ]
    );
    // Without originalStart (not $selected) a moved instance cannot be told apart.
    assert!(matches!(
        page.value[0].clone().into_event(SOURCE, "cal"),
        Err(GraphError::Incomplete("originalStart"))
    ));
    let e = page.value[1]
        .clone()
        .into_event(SOURCE, "cal")
        .expect("as expected");
    assert_eq!(e.at.id, "AAMkAGUzYAgI1ru1JMcAAEYAAAAAlNFb2CNPe0ucP9you");
    assert_eq!(
        e.at.version.as_deref(),
        Some("x3IAvB5fbUWf4XNcBFLNUwAAKuA3yQ==")
    );
    assert!(e.recurring);
    assert_eq!(
        e.at.instance,
        Some(utc("2019-04-08T20:30:00Z")),
        "an occurrence is where it was"
    );
    assert_eq!(e.details.title, "Review strategy for Q3");
    assert_eq!(e.details.description, "", "bodyPreview is empty");

    let page: Page<GraphEvent> =
        serde_json::from_str(&fixture("occurrences.derived.json")).expect("as expected");
    let events: Vec<_> = page
        .value
        .into_iter()
        .map(|e| e.into_event(SOURCE, "cal").expect("as expected"))
        .collect();
    assert_eq!(events[0].at.instance, Some(utc("2019-04-15T20:30:00Z")));
    assert_eq!(events[0].details.start, utc("2019-04-16T20:30:00Z"));
    assert_eq!(
        events[0].details.description,
        "Changing meeting from 4/15 to 4/16."
    );
    let instances: Vec<_> = events[1..].iter().map(|e| e.at.instance).collect();
    assert_eq!(
        instances,
        [
            Some(utc("2019-04-08T20:30:00Z")),
            Some(utc("2019-04-22T20:30:00Z")),
            Some(utc("2019-04-29T20:30:00Z"))
        ]
    );
    assert!(events.iter().all(|e| e.recurring));
}

#[test]
fn all_day_event_is_dates_whatever_the_zone() {
    let e = event("allday.derived.json")
        .into_event(SOURCE, "cal")
        .expect("as expected");
    assert!(e.details.all_day);
    assert_eq!(
        (e.details.start, e.details.end),
        (utc("2019-03-15T00:00:00Z"), utc("2019-03-16T00:00:00Z"))
    );
    let body = serde_json::to_value(EventWrite::from_details(&e.details)).expect("as expected");
    assert_eq!(body["isAllDay"], true);
    assert_eq!(
        body["start"],
        serde_json::json!({"dateTime": "2019-03-15T00:00:00", "timeZone": "UTC"})
    );
    assert_eq!(
        body["end"],
        serde_json::json!({"dateTime": "2019-03-16T00:00:00", "timeZone": "UTC"})
    );
}

#[test]
fn built_bodies_contain_the_documented_requests() {
    let mut lunch = details(
        "Let's go for lunch",
        "2017-04-15T19:00:00Z",
        "2017-04-15T21:00:00Z",
        person(
            "samanthab@contoso.onmicrosoft.com",
            "Samantha Booth",
            Participation::NeedsAction,
        ),
    );
    lunch.description = "Does late morning work for you?".into();
    let built = serde_json::to_value(EventWrite::from_details(&lunch)).expect("as expected");
    assert_subset(
        &json("user-post-events.request.json"),
        &built,
        &[],
        "user-post-events",
    );
    assert_eq!(built["start"]["timeZone"], "UTC");
    assert_eq!(built["start"]["dateTime"], "2017-04-15T19:00:00");

    let mut mid_month = details(
        "Let's go for lunch",
        "2019-03-15T19:00:00Z",
        "2019-03-15T21:00:00Z",
        person(
            "adelev@contoso.onmicrosoft.com",
            "Adele Vance",
            Participation::NeedsAction,
        ),
    );
    mid_month.description = "Does mid month work for you?".into();
    let built = serde_json::to_value(EventWrite::from_details(&mid_month)).expect("as expected");
    // Sparks sends no transactionId.
    assert_subset(
        &json("calendar-post-events.request.json"),
        &built,
        &["transactionId"],
        "calendar-post-events",
    );

    // Teams meetings are Graph's own; a Sparks link goes into the body and the location.
    let mut next_month = details(
        "Let's go for lunch",
        "2019-03-10T19:00:00Z",
        "2019-03-10T21:00:00Z",
        person(
            "adelev@contoso.onmicrosoft.com",
            "Adele Vance",
            Participation::NeedsAction,
        ),
    );
    next_month.description = "Does next month work for you?".into();
    next_month.meeting = Some("https://sparks.example/m/a&b".into());
    let built = serde_json::to_value(EventWrite::from_details(&next_month)).expect("as expected");
    let mut documented = json("calendar-post-events-online.request.json");
    documented["body"]["content"] = built["body"]["content"].clone();
    documented["location"]["displayName"] = built["location"]["displayName"].clone();
    let ignored = ["isOnlineMeeting", "onlineMeetingProvider"];
    assert_subset(&documented, &built, &ignored, "calendar-post-events-online");
    assert_eq!(
        built["body"]["content"],
        "Does next month work for you?<br><br>\
         <a href=\"https://sparks.example/m/a&amp;b\">https://sparks.example/m/a&amp;b</a>"
    );
    assert_eq!(
        built["location"]["displayName"],
        "Harry's Bar; https://sparks.example/m/a&b"
    );

    // event-update's documented body is placeholders; the reminder is what Sparks changes.
    let documented = json("event-update.request.json");
    let reminded = EventDetails {
        reminders: vec![99],
        repeat: None,
        ..lunch
    };
    let built = serde_json::to_value(EventWrite::from_details(&reminded)).expect("as expected");
    for key in ["reminderMinutesBeforeStart", "isReminderOn"] {
        assert_eq!(documented[key], built[key], "{key}");
    }
}

#[test]
fn a_written_event_reads_back_the_same() {
    let mut written = details(
        "Planning",
        "2019-03-10T19:00:00Z",
        "2019-03-10T21:00:00Z",
        person(
            "adelev@contoso.onmicrosoft.com",
            "Adele Vance",
            Participation::NeedsAction,
        ),
    );
    written.description = "Agenda:\n1. <budget> & \"plans\"\n\n2. dates".into();
    written.meeting = Some("https://sparks.example/m/xyz".into());
    written.reminders = vec![10];
    let body = serde_json::to_value(EventWrite::from_details(&written)).expect("as expected");
    let mut echoed: GraphEvent = serde_json::from_value(body).expect("as expected");
    echoed.id = Some("id".into());
    echoed.original_start_time_zone = Some("Pacific Standard Time".into());
    let read = echoed.into_event(SOURCE, "cal").expect("as expected");
    assert_eq!(read.details, written);
}

#[test]
fn update_response_as_documented() {
    let graph = event("event-update.response.json");
    assert_eq!(graph.reminder_minutes_before_start, Some(99));
    assert_eq!(
        (graph.is_reminder_on, graph.is_online_meeting),
        (Some(true), Some(true))
    );
    let join = graph
        .online_meeting
        .clone()
        .and_then(|m| m.join_url)
        .expect("as expected");
    assert!(join.starts_with("https://teams.microsoft.com/l/meetup-join/19%3ameeting_NzIy"));
    assert!(matches!(
        graph.into_event(SOURCE, "cal"),
        Err(GraphError::Incomplete("id"))
    ));
}
