//! Every documented answer reads as the values it holds; errors, faults and garbage are errors.

use crate::common::{doc, fixture, time};
use sparks_api::pim::{Attendee, BusyKind, Participation};
use sparks_exchange::ews::{
    Autodiscovered, EwsError, ItemId, check_response, parse, parse_autodiscover,
    parse_availability, parse_calendars, parse_contacts, parse_events, parse_item_ids,
};

fn ids(name: &str) -> Vec<(String, Option<String>)> {
    let ids = parse_item_ids(&doc(name)).expect("item ids");
    ids.into_iter()
        .map(|ItemId { id, change_key }| (id, change_key))
        .collect()
}

fn id(id: &str, key: &str) -> (String, Option<String>) {
    (id.to_string(), Some(key.to_string()))
}

#[test]
fn a_calendar_view_is_its_events() {
    let events = parse_events(
        &doc("finditem-calendarview.response.xml"),
        "ex",
        Some("AAMk"),
    );
    let events = events.expect("events");
    let seen: Vec<(&str, _, _)> = events
        .iter()
        .map(|e| (e.details.title.as_str(), e.details.start, e.details.end))
        .collect();
    assert_eq!(
        seen,
        [
            (
                "Contoso devs team meeting",
                time("2013-08-21T19:30:00Z"),
                time("2013-08-21T20:00:00Z")
            ),
            (
                "Daily status meeting",
                time("2013-08-21T20:00:00Z"),
                time("2013-08-21T21:00:00Z")
            ),
            (
                "Lunch with sales team",
                time("2013-08-21T21:30:00Z"),
                time("2013-08-21T22:30:00Z")
            ),
            (
                "Tennis at the club",
                time("2013-08-22T18:00:00Z"),
                time("2013-08-22T19:00:00Z")
            ),
            (
                "Online training webcast",
                time("2013-08-22T21:00:00Z"),
                time("2013-08-22T22:00:00Z")
            ),
        ]
    );
    let last = &events[4];
    assert_eq!(
        (last.at.id.as_str(), last.at.version.as_deref()),
        ("AAMkA", Some("DwAA"))
    );
    assert_eq!(
        (last.at.source.as_str(), last.at.calendar.as_str()),
        ("ex", "AAMk")
    );
    assert_eq!(last.uid, "AAMkA", "without a UID, the item id");
    assert!(!last.recurring && last.at.instance.is_none() && !last.details.all_day);
    assert!(last.details.attendees.is_empty() && last.details.reminders.is_empty());
}

#[test]
fn occurrences_are_recurring_instances() {
    let answer = doc("finditem-calendarview-recurring.response.xml");
    let events = parse_events(&answer, "ex", None).expect("events");
    assert_eq!(events.len(), 5);
    for (event, day) in events.iter().zip(["02", "09", "16", "23", "30"]) {
        assert_eq!(event.details.title, "Swim Team Practice");
        assert_eq!(event.details.location, "Neighborhood Swimming Pool");
        assert_eq!(
            event.details.start,
            time(&format!("2014-07-{day}T15:30:00Z"))
        );
        assert_eq!(event.details.end, time(&format!("2014-07-{day}T17:00:00Z")));
        assert!(event.recurring);
        assert_eq!(
            event.at.instance,
            Some(event.details.start),
            "an occurrence starts as planned"
        );
        assert_eq!(event.at.calendar, "calendar");
    }
    let found: Vec<&str> = events.iter().map(|e| e.at.id.as_str()).collect();
    assert_eq!(
        found,
        [
            "AAMkADA6...",
            "AAMkADA7...",
            "AAMkADA8...",
            "AAMkADA9...",
            "AAMkADAA..."
        ]
    );
}

#[test]
fn an_exception_keeps_its_original_start() {
    let events = parse_events(&doc("getitem-exception.derived.xml"), "ex", None).expect("events");
    let [event] = events.as_slice() else {
        panic!("one event: {events:?}")
    };
    assert!(event.recurring);
    assert_eq!(event.details.title, "Weekly Update Meeting");
    assert_eq!(event.details.start, time("2014-03-15T22:21:00Z"));
    assert_eq!(event.at.instance, Some(time("2014-03-15T21:21:00Z")));
    assert_eq!(
        (event.at.id.as_str(), event.at.version.as_deref()),
        ("AAMkAD", Some("DwAAAB"))
    );
}

#[test]
fn items_without_times_are_ids_only() {
    assert_eq!(
        ids("getitem-calendaritem-idonly.response.xml"),
        [id("ASUAd", "otlIqB==")]
    );
    let answer = doc("getitem-calendaritem-idonly.response.xml");
    assert!(
        parse_events(&answer, "ex", None)
            .expect("events")
            .is_empty()
    );
    assert_eq!(
        ids("finditem-restriction-delegate.response.xml"),
        [id("IJpUAAA=", "DwAAABYAAADOilbYa8KaT7ZgMoTz2P+hAAAAIKhS")]
    );
    assert_eq!(
        ids("finditem.response.xml"),
        [id("AS4AUn=", "fsVU4=="), id("AS4AUM=", "fsVUA==")]
    );
    let messages = parse_events(&doc("finditem.response.xml"), "ex", None).expect("no events");
    assert!(messages.is_empty(), "messages are not events");
    // A recurring master has its start and end only in its first and last occurrence.
    let master = parse_events(&doc("getitem-recurringmaster.response.xml"), "ex", None);
    assert!(master.expect("no events").is_empty());
    assert_eq!(
        ids("getitem-recurringmaster.response.xml"),
        [id("AAMkAD", "DwAAAB")]
    );
}

#[test]
fn a_calendar_item_in_the_default_shape() {
    let answer = doc("getitem-calendaritem-default.response.xml");
    let events = parse_events(&answer, "ex", None).expect("events");
    let [event] = events.as_slice() else {
        panic!("one event: {events:?}")
    };
    assert_eq!(
        (event.at.id.as_str(), event.at.version.as_deref()),
        ("ASUAdTB", Some("otlIqBwrt=="))
    );
    assert_eq!(
        event.at.calendar, "calendar",
        "no parent folder: the default calendar"
    );
    assert_eq!(event.details.title, "");
    assert_eq!(event.details.start, time("2006-06-16T00:30:00Z"));
    assert_eq!(event.details.end, time("2006-06-16T01:00:00Z"));
    let bob = Attendee {
        email: "someone@example.com".into(),
        name: Some("Bob".into()),
        status: Participation::Accepted,
    };
    assert_eq!(event.details.organizer, Some(bob));
    assert!(!event.recurring);
}

#[test]
fn a_calendar_item_with_all_properties() {
    let answer = doc("getitem-calendaritem-allproperties.response.xml");
    let events = parse_events(&answer, "ex", None).expect("events");
    // The conflicting meetings inside it are not events of their own.
    let [event] = events.as_slice() else {
        panic!("one event: {events:?}")
    };
    assert_eq!(
        (event.at.id.as_str(), event.at.version.as_deref()),
        ("ASUAdT", Some("otlIqB=="))
    );
    assert_eq!(event.at.calendar, "ASUAdT==", "the parent folder");
    assert_eq!(event.details.start, time("2006-06-16T00:30:00Z"));
    assert_eq!(event.details.end, time("2006-06-16T01:00:00Z"));
    assert_eq!(event.details.reminders, [15]);
    assert_eq!(
        event.details.time_zone.as_deref(),
        Some("America/Los_Angeles")
    );
    assert_eq!(
        event.details.organizer.as_ref().map(|o| o.email.as_str()),
        Some("someone@example.com")
    );
    assert_eq!(
        (
            event.details.description.as_str(),
            event.details.location.as_str()
        ),
        ("", "")
    );
    assert!(!event.details.all_day && event.details.meeting.is_none());
}

#[test]
fn all_day_events_are_dates() {
    let events = parse_events(&doc("getitem-allday.derived.xml"), "ex", None).expect("events");
    let [event] = events.as_slice() else {
        panic!("one event: {events:?}")
    };
    assert!(event.details.all_day);
    // Midnight Pacific daylight time is 07:00Z; the event is the date of 16 June.
    assert_eq!(event.details.start, time("2006-06-16T00:00:00Z"));
    assert_eq!(event.details.end, time("2006-06-17T00:00:00Z"));
}

#[test]
fn a_batch_of_calendar_items_with_bodies_and_attendees() {
    let answer = doc("getitem-calendaritems-batch.response.xml");
    let events = parse_events(&answer, "ex", Some("calendar")).expect("events");
    let titles: Vec<&str> = events.iter().map(|e| e.details.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Review current quarterly deliverables",
            "Food bank delivery",
            "Code Blast"
        ]
    );
    let reminders: Vec<&[i64]> = events
        .iter()
        .map(|e| e.details.reminders.as_slice())
        .collect();
    assert_eq!(reminders, [&[30][..], &[15], &[30]]);
    assert_eq!(events[0].details.start, time("2014-01-19T18:59:07Z"));
    assert_eq!(events[0].details.end, time("2014-01-19T21:59:07Z"));
    assert_eq!(events[0].details.location, "Local food bank");
    let body = &events[0].details.description;
    assert!(
        body.contains("Wrap up all outstanding deliverables for this quarter and prepare for Q2.")
    );
    assert!(
        !events[1].recurring,
        "a recurring master is the series, not an occurrence"
    );
    let code_blast = &events[2].details;
    assert_eq!(
        (code_blast.start, code_blast.end),
        (time("2014-01-20T18:59:08Z"), time("2014-01-21T00:59:08Z"))
    );
    let attendees: Vec<(&str, Option<&str>, Participation)> = code_blast
        .attendees
        .iter()
        .map(|a| (a.email.as_str(), a.name.as_deref(), a.status))
        .collect();
    assert_eq!(
        attendees,
        [
            ("Mack@contoso.com", None, Participation::NeedsAction),
            ("Sadie@contoso.com", None, Participation::NeedsAction),
            ("Magdalena@contoso.com", None, Participation::NeedsAction),
        ]
    );
}

#[test]
fn the_mailbox_owners_own_answer_marks_an_invitation() {
    let invited = parse_events(&doc("getitem-invited.derived.xml"), "ex", None).expect("events");
    assert_eq!(invited[0].invited, Some(Participation::Tentative));
    // The organiser's own copy, and an item without the property, are not invitations.
    let own = parse_events(
        &doc("getitem-calendaritem-allproperties.response.xml"),
        "ex",
        None,
    )
    .expect("events");
    assert_eq!(own[0].invited, None);
    let plain = parse_events(&doc("getitem-meeting.derived.xml"), "ex", None).expect("events");
    assert_eq!(plain[0].invited, None);
}

#[test]
fn answering_an_invitation_succeeds_or_finds_nothing() {
    check_response(&doc("createitem-acceptitem.response.xml")).expect("answered");
    assert_eq!(
        check_response(&doc("createitem-acceptitem-error.response.xml")),
        Err(EwsError::NotFound)
    );
}

#[test]
fn answered_invitations_are_participation() {
    let events = parse_events(&doc("getitem-meeting.derived.xml"), "ex", None).expect("events");
    let [event] = events.as_slice() else {
        panic!("one event: {events:?}")
    };
    assert_eq!(event.uid, "6CF2FA62");
    let organizer = event.details.organizer.as_ref().expect("an organizer");
    assert_eq!(
        (organizer.email.as_str(), organizer.name.as_deref()),
        ("Mack@contoso.com", Some("Mack Chaves"))
    );
    let attendees: Vec<(&str, Option<&str>, Participation)> = event
        .details
        .attendees
        .iter()
        .map(|a| (a.email.as_str(), a.name.as_deref(), a.status))
        .collect();
    assert_eq!(
        attendees,
        [
            ("Mack@contoso.com", None, Participation::Accepted),
            (
                "Sadie@contoso.com",
                Some("Sadie Daniels"),
                Participation::Accepted
            ),
            ("Magdalena@contoso.com", None, Participation::Declined),
            (
                "alfred@contoso.com",
                Some("Alfred Welker"),
                Participation::Tentative
            ),
        ]
    );
}

#[test]
fn created_and_updated_items_are_their_new_ids() {
    assert_eq!(
        ids("createitem-calendaritem.response.xml"),
        [id("AAAlAFV", "DwAAABYA")]
    );
    assert_eq!(
        ids("createitem-meeting.response.xml"),
        [id("AAMkA", "DwAAA")]
    );
    assert_eq!(
        ids("createitem-appointment.response.xml"),
        [id("AAMkA", "DwAAA")]
    );
    assert_eq!(
        ids("updateitem.response.xml"),
        [id("AAAtAEFkbW...", "CQAAABYAAA...")]
    );
    assert_eq!(
        ids("updateitem-meeting.response.xml"),
        [id("AAMkA", "DwAAA")]
    );
    // This one's `t:` prefix is bound to a namespace URI broken over two lines.
    let appointment = ids("updateitem-appointment.response.xml");
    assert_eq!(appointment, [id("AAMkA", "DwAAAB")]);
}

#[test]
fn deleting_succeeds_or_finds_nothing() {
    check_response(&doc("deleteitem.response.xml")).expect("deleted");
    check_response(&doc("deleteitem-meeting.response.xml")).expect("deleted");
    assert_eq!(
        check_response(&doc("deleteitem-error.response.xml")),
        Err(EwsError::NotFound)
    );
}

#[test]
fn response_codes_are_typed_errors() {
    let conflict = parse_item_ids(&doc("updateitem-conflict.derived.xml"));
    let Err(EwsError::Conflict { code, message }) = conflict else {
        panic!("{conflict:?}")
    };
    assert_eq!(code, "ErrorIrresolvableConflict");
    assert!(message.starts_with("This error indicates that conflict resolution was unable"));
    let malformed = EwsError::Server {
        code: "ErrorInvalidIdMalformed".into(),
        message: "Id is malformed.".into(),
    };
    let found = parse_events(&doc("finditem-error.response.xml"), "ex", None);
    assert_eq!(found, Err(malformed.clone()));
    assert_eq!(
        parse_calendars(&doc("findfolder-error.response.xml"), "ex"),
        Err(malformed)
    );
}

#[test]
fn stale_or_missing_change_keys_are_conflicts() {
    let conflict = fixture("updateitem-conflict.derived.xml");
    for code in [
        "ErrorChangeKeyRequiredForWriteOperations",
        "ErrorStaleObject",
    ] {
        let answer = parse(&conflict.replace("ErrorIrresolvableConflict", code)).expect("XML");
        let found = parse_item_ids(&answer);
        assert!(
            matches!(found, Err(EwsError::Conflict { code: ref c, .. }) if c == code),
            "{found:?}"
        );
    }
}

#[test]
fn soap_faults_are_faults() {
    let schema = parse_item_ids(&doc("soap-fault-schema-validation.response.xml"));
    let expected = EwsError::Fault {
        code: "ErrorSchemaValidation".into(),
        message: "The request failed schema validation.".into(),
    };
    assert_eq!(schema, Err(expected));
    let version = check_response(&doc("soap-fault-incorrect-schema-version.response.xml"));
    let Err(EwsError::Fault { code, message }) = version else {
        panic!("{version:?}")
    };
    assert_eq!(code, "ErrorIncorrectSchemaVersion");
    assert!(message.starts_with("The request is valid but does not specify the correct server"));
}

#[test]
fn free_busy_is_busy_blocks_per_mailbox() {
    let who = [
        "user1@example.com".to_string(),
        "user2@example.com".to_string(),
    ];
    let schedules = parse_availability(&doc("getuseravailability.response.xml"), &who);
    let schedules = schedules.expect("schedules");
    assert_eq!(schedules.len(), 2);
    assert_eq!(schedules[0].email, "user1@example.com");
    let blocks: Vec<_> = schedules[0]
        .busy
        .iter()
        .map(|b| (b.start, b.end, b.kind))
        .collect();
    assert_eq!(
        blocks,
        [
            (
                time("2006-10-16T13:00:00Z"),
                time("2006-10-16T13:30:00Z"),
                BusyKind::Busy
            ),
            (
                time("2006-10-16T14:00:00Z"),
                time("2006-10-16T15:00:00Z"),
                BusyKind::Busy
            ),
            (
                time("2006-10-16T16:40:00Z"),
                time("2006-10-16T17:10:00Z"),
                BusyKind::Busy
            ),
        ]
    );
    assert_eq!(schedules[1].email, "user2@example.com");
    let blocks: Vec<_> = schedules[1]
        .busy
        .iter()
        .map(|b| (b.start, b.end, b.kind))
        .collect();
    assert_eq!(
        blocks,
        [(
            time("2006-10-16T16:00:00Z"),
            time("2006-10-16T17:00:00Z"),
            BusyKind::Tentative
        )]
    );
    let oof = parse_availability(&doc("getuseravailability-oof.derived.xml"), &who).expect("oof");
    assert_eq!(oof[0].busy[2].kind, BusyKind::OutOfOffice);
    assert_eq!(
        parse_availability(&doc("getuseravailability.response.xml"), &who[..1]).ok(),
        None
    );
}

#[test]
fn free_time_and_suggestions_are_not_busy() {
    let who = [
        "mack@contoso.com".to_string(),
        "sadie@contoso.com".to_string(),
    ];
    let answer = doc("getuseravailability-suggestions.response.xml");
    let schedules = parse_availability(&answer, &who).expect("schedules");
    let blocks = |i: usize| {
        schedules[i]
            .busy
            .iter()
            .map(|b| (b.start, b.end, b.kind))
            .collect::<Vec<_>>()
    };
    // Without an offset, times are read as UTC: the time zone every request here asks for.
    assert_eq!(
        blocks(0),
        [(
            time("2014-02-13T11:00:00Z"),
            time("2014-02-13T12:00:00Z"),
            BusyKind::Busy
        )]
    );
    assert_eq!(
        blocks(1),
        [
            (
                time("2014-02-13T11:00:00Z"),
                time("2014-02-13T12:00:00Z"),
                BusyKind::Busy
            ),
            (
                time("2014-02-13T15:00:00Z"),
                time("2014-02-13T16:00:00Z"),
                BusyKind::Tentative
            ),
        ]
    );
}

#[test]
fn resolved_names_are_contacts() {
    let contacts = parse_contacts(&doc("resolvenames.response.xml"), "ex").expect("contacts");
    let [user2] = contacts.as_slice() else {
        panic!("one contact: {contacts:?}")
    };
    assert_eq!(
        (user2.name.as_str(), user2.emails.as_slice()),
        ("User2", &["User2@example.com".to_string()][..])
    );
    assert_eq!(
        user2.id, "User2@example.com",
        "a directory entry has no item id"
    );
    assert_eq!(user2.source, "ex");
    let none = parse_contacts(&doc("resolvenames-error.response.xml"), "ex").expect("no results");
    assert!(none.is_empty());
    // Ambiguous (a warning) is two contacts; this answer starts with a space before `<?xml`.
    let answer = doc("resolvenames-delegate.response.xml");
    let found = parse_contacts(&answer, "ex").expect("contacts");
    let found: Vec<(&str, &str, &[String])> = found
        .iter()
        .map(|c| (c.id.as_str(), c.name.as_str(), c.emails.as_slice()))
        .collect();
    assert_eq!(
        found,
        [
            (
                "iMihAAA=",
                "brian_1@contoso.com",
                &["brian_1@contoso.com".to_string()][..]
            ),
            (
                "iMihAAA=",
                "brian_2@contoso.com",
                &["brian_2@contoso.com".to_string()][..]
            ),
        ]
    );
}

#[test]
fn contacts_of_the_contacts_folder() {
    let contacts = parse_contacts(&doc("getitem-contact.response.xml"), "ex").expect("contacts");
    let [tanja] = contacts.as_slice() else {
        panic!("one contact: {contacts:?}")
    };
    assert_eq!(
        (tanja.id.as_str(), tanja.name.as_str()),
        ("AAAtAEA=", "Tanja Plate")
    );
    assert_eq!(
        tanja.emails,
        ["tplate@example.com"],
        "the same address once"
    );
    assert_eq!(tanja.phones, ["5625550199"]);
    assert_eq!(tanja.organization.as_deref(), Some("Northwind Traders"));
    assert_eq!(tanja.title.as_deref(), Some("Project Manager"));
    assert_eq!(tanja.matrix, None);
    let found = parse_contacts(&doc("finditem-contacts.derived.xml"), "ex").expect("contacts");
    let names: Vec<&str> = found.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Tanja Plate", "Sadie Daniels"]);
    assert_eq!(found[1].id, "AS4AUM=");
    assert_eq!(found[1].emails, ["sadie@contoso.com"]);
    assert_eq!(found[1].matrix.as_deref(), Some("@sadie:contoso.com"));
}

#[test]
fn calendar_folders_are_calendars() {
    let calendars = parse_calendars(&doc("findfolder-msgfolderroot.response.xml"), "ex");
    let calendars = calendars.expect("calendars");
    let [calendar] = calendars.as_slice() else {
        panic!("one calendar: {calendars:?}")
    };
    assert_eq!(
        (calendar.id.as_str(), calendar.name.as_str()),
        ("AAAEOAAA=", "Calendar")
    );
    assert_eq!(calendar.source, "ex");
    assert!(calendar.writable && calendar.color.is_none());
    // A generic folder without a class is no calendar.
    let none = parse_calendars(&doc("findfolder.response.xml"), "ex").expect("no calendars");
    assert!(none.is_empty());
}

#[test]
fn autodiscover_answers_the_ews_url() {
    let answer = |name| parse_autodiscover(&doc(name));
    let settings = answer("autodiscover-settings.response.xml");
    assert_eq!(
        settings,
        Ok(Autodiscovered::EwsUrl(
            "https://mail.contoso.com/EWS/Exchange.asmx".into()
        ))
    );
    // Older servers only name the availability service's URL, the same endpoint.
    let older = answer("autodiscover-pox.response.xml");
    assert_eq!(
        older,
        Ok(Autodiscovered::EwsUrl(
            "https://mail.contoso.com/ews/exchange.asmx".into()
        ))
    );
    let redirect = answer("autodiscover-redirectaddr.response.xml");
    assert_eq!(
        redirect,
        Ok(Autodiscovered::RedirectAddr(
            "elvin@mail.contoso.com".into()
        ))
    );
    let error = EwsError::Server {
        code: "600".into(),
        message: "Invalid Request".into(),
    };
    assert_eq!(answer("autodiscover-pox-error.response.xml"), Err(error));
    assert!(matches!(
        answer("deleteitem.response.xml"),
        Err(EwsError::Protocol(_))
    ));
}
