//! The client end to end, against a loopback server answering with the documented responses.

use crate::common::{PASSWORD, Received, Server, USER, fixture, time};
use sparks_api::pim::{BusyKind, Credentials, EventRef};
use sparks_exchange::ews::{Ews, EwsError, autodiscover, parse};

pub(crate) fn ews(server: &Server, password: &str) -> Ews {
    Ews::new(
        reqwest::Client::new(),
        format!("{}/EWS/Exchange.asmx", server.url),
        "exchange",
        USER,
        password,
    )
}

pub(crate) fn ok(name: &str) -> (u16, String) {
    (200, fixture(name))
}

/// Answers each operation (by SOAP action) with the documented response.
async fn exchange() -> Server {
    Server::start(Box::new(|request: &Received| {
        match request.action.as_deref() {
            Some("FindFolder") => ok("findfolder-msgfolderroot.response.xml"),
            Some("FindItem") if request.body.contains("CalendarView") => {
                ok("finditem-calendarview-recurring.response.xml")
            }
            Some("FindItem") => ok("finditem-contacts.derived.xml"),
            Some("GetItem") if request.body.contains("Id=\"ASUAdT\"") => {
                ok("getitem-calendaritem-allproperties.response.xml")
            }
            Some("GetItem") if request.body.contains("Id=\"AAMkA\"") => {
                ok("getitem-meeting.derived.xml")
            }
            Some("GetItem") => ok("getitem-calendaritems-batch.response.xml"),
            Some("CreateItem") => ok("createitem-calendaritem.response.xml"),
            Some("UpdateItem") => ok("updateitem-meeting.response.xml"),
            Some("DeleteItem") => ok("deleteitem-meeting.response.xml"),
            Some("GetUserAvailability") => ok("getuseravailability.response.xml"),
            Some("ResolveNames") => ok("resolvenames.response.xml"),
            _ => (500, fixture("soap-fault-schema-validation.response.xml")),
        }
    }))
    .await
}

#[tokio::test]
async fn calendars_and_events() {
    let server = exchange().await;
    let client = ews(&server, PASSWORD);
    let calendars = client.calendars().await.expect("calendars");
    let names: Vec<(&str, &str, &str)> = calendars
        .iter()
        .map(|c| (c.source.as_str(), c.id.as_str(), c.name.as_str()))
        .collect();
    assert_eq!(names, [("exchange", "AAAEOAAA=", "Calendar")]);
    let (start, end) = (time("2014-01-01T00:00:00Z"), time("2014-02-01T00:00:00Z"));
    let events = client.events("calendar", start, end).await.expect("events");
    let titles: Vec<&str> = events.iter().map(|e| e.details.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Food bank delivery",
            "Review current quarterly deliverables",
            "Code Blast"
        ],
        "by start"
    );
    assert!(
        events
            .iter()
            .all(|e| e.at.calendar == "calendar" && e.at.source == "exchange")
    );
    assert_eq!(server.actions(), ["FindFolder", "FindItem", "GetItem"]);
    // The view's five occurrences were asked for, without change keys.
    let get = parse(&server.bodies("GetItem")[0]).expect("XML");
    let ids = crate::common::all(crate::common::operation(&get), "ItemIds/ItemId");
    let ids: Vec<_> = ids
        .iter()
        .map(|i| (i.attr("Id"), i.attr("ChangeKey")))
        .collect();
    assert_eq!(ids.len(), 5);
    assert_eq!(ids[0], (Some("AAMkADA6..."), None));
    let find = parse(&server.bodies("FindItem")[0]).expect("XML");
    let view = crate::common::one(crate::common::operation(&find), "CalendarView");
    assert_eq!(view.attr("StartDate"), Some("2014-01-01T00:00:00Z"));
    let received = server.received.lock().expect("the log").clone();
    assert!(
        received
            .iter()
            .all(|r| r.content_type.as_deref() == Some("text/xml; charset=utf-8"))
    );
    assert!(received.iter().all(|r| r.path == "/EWS/Exchange.asmx"));
    let event = client.get("ASUAdT").await.expect("an event");
    assert_eq!(
        (event.at.calendar.as_str(), event.at.version.as_deref()),
        ("ASUAdT==", Some("otlIqB=="))
    );
    assert_eq!(event.details.reminders, [15]);
}

#[tokio::test]
async fn creating_updating_and_deleting() {
    let server = exchange().await;
    let client = ews(&server, PASSWORD);
    let meeting = client.get("AAMkA").await.expect("the meeting");
    let created = client
        .create("calendar", &meeting.details)
        .await
        .expect("created");
    let expected = EventRef {
        source: "exchange".into(),
        calendar: "calendar".into(),
        id: "AAAlAFV".into(),
        version: Some("DwAAABYA".into()),
        instance: None,
    };
    assert_eq!(created, expected);
    let create = &server.bodies("CreateItem")[0];
    assert!(
        create.contains("SendMeetingInvitations=\"SendToAllAndSaveCopy\""),
        "{create}"
    );
    // An update sends what changed, with the version the client saw.
    let mut details = meeting.details.clone();
    details.title = "Code Blast, part two".into();
    let seen = EventRef {
        version: Some("DwAAA-seen".into()),
        ..meeting.at.clone()
    };
    let updated = client.update(&seen, &details).await.expect("updated");
    assert_eq!(
        (updated.id.as_str(), updated.version.as_deref()),
        ("AAMkA", Some("DwAAA"))
    );
    let update = parse(&server.bodies("UpdateItem")[0]).expect("XML");
    let op = crate::common::operation(&update);
    assert_eq!(op.attr("ConflictResolution"), Some("NeverOverwrite"));
    let id = crate::common::one(op, "ItemChanges/ItemChange/ItemId");
    assert_eq!(id.attr("ChangeKey"), Some("DwAAA-seen"));
    let fields = crate::common::all(op, "ItemChanges/ItemChange/Updates/SetItemField/FieldURI");
    let fields: Vec<_> = fields.iter().filter_map(|f| f.attr("FieldURI")).collect();
    assert_eq!(fields, ["item:Subject"]);
    // Nothing changed: nothing is sent, and the current version is returned.
    let unchanged = client
        .update(&seen, &meeting.details)
        .await
        .expect("unchanged");
    assert_eq!(unchanged.version.as_deref(), Some("DwAAA"));
    assert_eq!(server.bodies("UpdateItem").len(), 1);
    client.delete(&updated).await.expect("deleted");
    let delete = &server.bodies("DeleteItem")[0];
    assert!(
        delete.contains("ChangeKey=\"DwAAA\"") && delete.contains("SendToAllAndSaveCopy"),
        "{delete}"
    );
}

#[tokio::test]
async fn conflicts_and_missing_items() {
    let server = Server::start(Box::new(|request: &Received| {
        match request.action.as_deref() {
            Some("GetItem") => ok("getitem-meeting.derived.xml"),
            Some("UpdateItem") => ok("updateitem-conflict.derived.xml"),
            _ => ok("deleteitem-error.response.xml"),
        }
    }))
    .await;
    let client = ews(&server, PASSWORD);
    let meeting = client.get("AAMkA").await.expect("the meeting");
    let mut details = meeting.details.clone();
    details.location = "Somewhere else".into();
    let stale = EventRef {
        version: Some("old".into()),
        ..meeting.at.clone()
    };
    let conflict = client.update(&stale, &details).await;
    let Err(EwsError::Conflict { code, .. }) = conflict else {
        panic!("{conflict:?}")
    };
    assert_eq!(code, "ErrorIrresolvableConflict");
    assert_eq!(client.delete(&meeting.at).await, Err(EwsError::NotFound));
}

#[tokio::test]
async fn free_busy_and_contacts() {
    let server = exchange().await;
    let client = ews(&server, PASSWORD);
    let who = [
        "user1@example.com".to_string(),
        "user2@example.com".to_string(),
    ];
    let (start, end) = (time("2006-10-16T13:15:00Z"), time("2006-10-16T16:30:00Z"));
    let schedules = client
        .availability(&who, start, end)
        .await
        .expect("free/busy");
    let blocks: Vec<Vec<_>> = schedules
        .iter()
        .map(|s| s.busy.iter().map(|b| (b.start, b.kind)).collect())
        .collect();
    assert_eq!(
        blocks,
        [
            vec![
                (time("2006-10-16T13:00:00Z"), BusyKind::Busy),
                (time("2006-10-16T14:00:00Z"), BusyKind::Busy)
            ],
            vec![(time("2006-10-16T16:00:00Z"), BusyKind::Tentative)],
        ],
        "what overlaps the range"
    );
    let asked = parse(&server.bodies("GetUserAvailability")[0]).expect("XML");
    let window = crate::common::one(
        crate::common::operation(&asked),
        "FreeBusyViewOptions/TimeWindow",
    );
    let texts: Vec<&str> = window.children.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(
        texts,
        ["2006-10-16T00:00:00", "2006-10-17T00:00:00"],
        "whole days"
    );
    let found = client.contacts("sadie").await.expect("contacts");
    let names: Vec<&str> = found.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        ["Tanja Plate", "Sadie Daniels", "User2"],
        "the folder, then the directory"
    );
    assert!(server.bodies("FindItem")[0].contains("Value=\"sadie\""));
    assert_eq!(server.bodies("ResolveNames").len(), 1);
    let all = client.contacts("").await.expect("contacts");
    assert_eq!(all.len(), 2);
    assert_eq!(
        server.bodies("ResolveNames").len(),
        1,
        "listing asks no directory"
    );
    assert!(
        client
            .availability(&[], start, end)
            .await
            .expect("nobody")
            .is_empty()
    );
}

#[tokio::test]
async fn a_wrong_password_is_unauthorized() {
    let server = exchange().await;
    let client = ews(&server, "wrong");
    assert_eq!(client.calendars().await, Err(EwsError::Unauthorized));
    assert_eq!(client.get("ASUAdT").await, Err(EwsError::Unauthorized));
    assert!(
        server.actions().is_empty(),
        "nothing got past the authentication"
    );
    assert!(
        !format!("{client:?}").contains("wrong"),
        "the password stays out of Debug"
    );
}

#[tokio::test]
async fn faults_http_errors_and_oversized_answers() {
    let server = Server::start(Box::new(|request: &Received| match request.path.as_str() {
        "/fault" => (500, fixture("soap-fault-schema-validation.response.xml")),
        "/html" => (503, "<html><body>Service Unavailable</body></html>".into()),
        "/garbage" => (200, "<soap:Envelope><soap:Body>".into()),
        "/other" => (200, "<a/>".into()),
        "/huge" => (200, format!("<a>{}</a>", "x".repeat(5 * 1024 * 1024))),
        _ => ok("findfolder-error.response.xml"),
    }))
    .await;
    let at = |path: &str| {
        Ews::new(
            reqwest::Client::new(),
            format!("{}{path}", server.url),
            "ex",
            USER,
            PASSWORD,
        )
    };
    let fault = at("/fault").calendars().await;
    let expected = EwsError::Fault {
        code: "ErrorSchemaValidation".into(),
        message: "The request failed schema validation.".into(),
    };
    assert_eq!(fault, Err(expected));
    assert_eq!(at("/html").calendars().await, Err(EwsError::Http(503)));
    assert!(matches!(
        at("/garbage").calendars().await,
        Err(EwsError::Xml(_))
    ));
    assert!(matches!(
        at("/other").calendars().await,
        Err(EwsError::Protocol(_))
    ));
    assert_eq!(at("/huge").calendars().await, Err(EwsError::TooLarge));
    let error = at("/error").calendars().await;
    assert!(
        matches!(error, Err(EwsError::Server { ref code, .. }) if code == "ErrorInvalidIdMalformed"),
        "{error:?}"
    );
    let nobody = Ews::new(
        reqwest::Client::new(),
        "http://127.0.0.1:9/EWS/Exchange.asmx",
        "ex",
        USER,
        PASSWORD,
    );
    assert!(matches!(
        nobody.calendars().await,
        Err(EwsError::Unreachable(_))
    ));
}

#[tokio::test]
async fn autodiscover_tries_candidates_and_follows_redirects() {
    let server = Server::start(Box::new(|request: &Received| {
        match (
            request.path.as_str(),
            request.body.contains("elvin@mail.contoso.com"),
        ) {
            ("/down/autodiscover/autodiscover.xml", _) => (500, "<html>down</html>".into()),
            ("/error/autodiscover/autodiscover.xml", _) => {
                ok("autodiscover-pox-error.response.xml")
            }
            (_, false) => ok("autodiscover-redirectaddr.response.xml"),
            (_, true) => ok("autodiscover-settings.response.xml"),
        }
    }))
    .await;
    let http = reqwest::Client::new();
    let url = |at: &str| format!("{}/{at}/autodiscover/autodiscover.xml", server.url);
    let candidates = [url("down"), url("up")];
    let credentials = Credentials {
        username: USER.into(),
        password: PASSWORD.into(),
    };
    let found = autodiscover(&http, "user@contoso.com", Some(&credentials), &candidates).await;
    assert_eq!(
        found.as_deref(),
        Ok("https://mail.contoso.com/EWS/Exchange.asmx")
    );
    let received = server.received.lock().expect("the log").clone();
    let asked: Vec<(&str, bool)> = received
        .iter()
        .map(|r| {
            (
                r.path.split('/').nth(1).unwrap_or(""),
                r.body.contains("elvin@"),
            )
        })
        .collect();
    assert_eq!(
        asked,
        [("down", false), ("up", false), ("down", true), ("up", true)],
        "again for the new address"
    );
    let request = parse(&received[1].body).expect("XML");
    assert_eq!(
        crate::common::one(&request, "Request/EMailAddress").text,
        "user@contoso.com"
    );
    assert!(received.iter().all(
        |r| r.action.is_none() && r.content_type.as_deref() == Some("text/xml; charset=utf-8")
    ));
    let wrong = Credentials {
        password: "wrong".into(),
        ..credentials.clone()
    };
    let refused = autodiscover(&http, "user@contoso.com", Some(&wrong), &candidates).await;
    assert_eq!(refused, Err(EwsError::Unauthorized));
    let error = autodiscover(
        &http,
        "user@contoso.com",
        Some(&credentials),
        &[url("error")],
    )
    .await;
    assert_eq!(
        error,
        Err(EwsError::Server {
            code: "600".into(),
            message: "Invalid Request".into()
        })
    );
    let down = autodiscover(
        &http,
        "user@contoso.com",
        Some(&credentials),
        &[url("down")],
    )
    .await;
    assert_eq!(down, Err(EwsError::Http(500)));
    assert!(matches!(
        autodiscover(&http, "user@contoso.com", None, &[]).await,
        Err(EwsError::Protocol(_))
    ));
}
