//! The merged answers over a Microsoft Graph source and an Exchange source (loopback servers
//! answering with the documented payloads in `crates/exchange/fixtures`), and a CalDAV source
//! that is down.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use sparks_api::pim::{
    Credentials, EventDetails, EventRef, Frequency, Participation, Repeat, SourceKind,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{Ask, Part, Pim, SourceError};
use crate::config::Source;
use crate::store::Who;

const TOKEN: &str = "graph-access-token";

fn fixture(name: &str) -> String {
    documented("graph", name)
}

fn documented(kind: &str, name: &str) -> String {
    let path = format!(
        "{}/../exchange/fixtures/{kind}/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// An Exchange server on loopback: each operation (by its SOAP action) answered with its
/// documented response; a request without the right Basic credentials gets 401. Returns the
/// EWS URL and the SOAP actions seen, each with its request.
async fn exchange() -> (String, Arc<std::sync::Mutex<Vec<(String, String)>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!(
        "http://{}/EWS/Exchange.asmx",
        listener.local_addr().expect("address")
    );
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    // "alice@contoso.com:ews-password" in base64.
    let basic = "basic ywxpy2vay29udg9zby5jb206zxdzlxbhc3n3b3jk";
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let log = log.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && head.len() < 16_384 {
                    if stream.read(&mut byte).await.unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head).to_lowercase();
                let length: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(0);
                let mut body = vec![0u8; length.min(1 << 20)];
                if stream.read_exact(&mut body).await.is_err() {
                    return;
                }
                let body = String::from_utf8_lossy(&body).into_owned();
                let action = head
                    .lines()
                    .find_map(|l| l.strip_prefix("soapaction:"))
                    .and_then(|v| v.trim().trim_matches('"').rsplit('/').next())
                    .unwrap_or_default()
                    .to_owned();
                let (status, answer) = if !head.contains(&format!("authorization: {basic}")) {
                    ("401 Unauthorized", String::new())
                } else {
                    log.lock()
                        .expect("log")
                        .push((action.clone(), body.clone()));
                    let name = match action.as_str() {
                        "findfolder" => "findfolder-msgfolderroot.response.xml",
                        "finditem" => "finditem-calendarview-recurring.response.xml",
                        // The documented series, asked for by an occurrence or by its id.
                        "getitem"
                            if body.contains("RecurringMasterItemId")
                                || body.contains("Id=\"AAMkAD\"") =>
                        {
                            "getitem-series.derived.xml"
                        }
                        "getitem" => "getitem-invited.derived.xml",
                        "updateitem" => "updateitem-meeting.response.xml",
                        "createitem" if body.contains("AcceptItem") => {
                            "createitem-acceptitem.response.xml"
                        }
                        "getuseravailability" => "getuseravailability.response.xml",
                        _ => "soap-fault-schema-validation.response.xml",
                    };
                    ("200 OK", documented("ews", name))
                };
                let reply = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                    answer.len()
                );
                let _ = stream.write_all(reply.as_bytes()).await;
            });
        }
    });
    (url, seen)
}

/// Answers Graph's calendars, calendarView and contacts with the documented payloads; a
/// request without the token gets Graph's documented error with 401.
async fn graph() -> (String, Arc<std::sync::atomic::AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}/v1.0/", listener.local_addr().expect("address"));
    let asked = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = asked.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && head.len() < 16_384 {
                    if stream.read(&mut byte).await.unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head).to_lowercase();
                let path = head
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or_default()
                    .to_owned();
                let authorised =
                    head.contains(&format!("authorization: bearer {}", TOKEN.to_lowercase()));
                let (status, body) = if !authorised {
                    ("401 Unauthorized", fixture("error.response.json"))
                } else if path.contains("/calendarview") {
                    ("200 OK", fixture("instances.response.json"))
                } else if path.ends_with("/me/calendars") {
                    ("200 OK", fixture("calendars.response.json"))
                } else if path.contains("/me/contacts") {
                    (
                        "200 OK",
                        format!("{{\"value\":[{}]}}", fixture("contact-matrix.derived.json")),
                    )
                } else {
                    ("404 Not Found", fixture("error.response.json"))
                };
                let answer = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
            });
        }
    });
    (base, asked)
}

fn source(id: &str, kind: SourceKind, url: &str) -> Source {
    Source {
        id: id.into(),
        name: id.to_uppercase(),
        kind,
        url: url::Url::parse(url).expect("a URL"),
        calendars: true,
        contacts: true,
        shared: Vec::new(),
        email: None,
    }
}

fn who() -> Who {
    Who {
        user_id: "@alice:example.org".into(),
        tenant: "t".into(),
    }
}

fn token(password: &str) -> Credentials {
    Credentials {
        username: "alice@contoso.com".into(),
        password: password.into(),
    }
}

#[tokio::test]
async fn a_graph_source_signs_in_and_answers_with_its_source_named() {
    let (base, _) = graph().await;
    let m365 = source("m365", SourceKind::Graph, &base);
    let pim = Pim::new();
    let refused = pim.connect(&who(), &m365, &token("stolen")).await;
    assert_eq!(refused, Err(SourceError::Unauthorized("M365".into())));
    pim.connect(&who(), &m365, &token(TOKEN))
        .await
        .expect("signs in");
    let sources = [m365];
    let ask = |ask| {
        let pim = &pim;
        let sources = &sources;
        async move { pim.merged(&who(), sources, &ask, |_| async { None }).await }
    };
    let (parts, unavailable) = ask(Ask::Calendars).await;
    assert!(unavailable.is_empty(), "{unavailable:?}");
    let [Part::Calendars(calendars)] = &parts[..] else {
        panic!("one source's calendars");
    };
    assert_eq!(calendars.len(), 1);
    assert_eq!(calendars[0].source, "m365");

    let from = Utc
        .with_ymd_and_hms(2019, 4, 1, 0, 0, 0)
        .single()
        .expect("time");
    let to = Utc
        .with_ymd_and_hms(2019, 5, 1, 0, 0, 0)
        .single()
        .expect("time");
    let (parts, _) = ask(Ask::Events {
        from,
        to,
        zone: chrono_tz::UTC,
    })
    .await;
    let [Part::Events(events)] = &parts[..] else {
        panic!("one source's events");
    };
    let events = super::merge_events(vec![events.clone()], from, to);
    assert!(events.len() >= 3, "{events:?}");
    assert!(events.iter().all(|e| e.at.source == "m365" && e.recurring));
    assert!(
        events
            .windows(2)
            .all(|w| w[0].details.start <= w[1].details.start)
    );
    assert_eq!(events[0].details.title, "Review strategy for Q3");

    let (parts, _) = ask(Ask::Contacts("alex")).await;
    let [Part::Contacts(contacts)] = &parts[..] else {
        panic!("one source's contacts");
    };
    assert_eq!(contacts[0].name, "Alex Wilber");
}

#[tokio::test]
async fn an_exchange_source_shows_its_invitations_and_answers_them() {
    let (url, seen) = exchange().await;
    let ex = source("exchange", SourceKind::Exchange, &url);
    let pim = Pim::new();
    let sign_in = |password: &str| Credentials {
        username: "alice@contoso.com".into(),
        password: password.into(),
    };
    let refused = pim.connect(&who(), &ex, &sign_in("wrong")).await;
    assert_eq!(refused, Err(SourceError::Unauthorized("EXCHANGE".into())));
    pim.connect(&who(), &ex, &sign_in("ews-password"))
        .await
        .expect("signs in");
    let sources = [ex.clone()];
    let at = |y, m, d| {
        Utc.with_ymd_and_hms(y, m, d, 0, 0, 0)
            .single()
            .expect("time")
    };
    let (parts, unavailable) = pim
        .merged(
            &who(),
            &sources,
            &Ask::Events {
                from: at(2014, 1, 1),
                to: at(2014, 2, 1),
                zone: chrono_tz::UTC,
            },
            |_| async { None },
        )
        .await;
    assert!(unavailable.is_empty(), "{unavailable:?}");
    let [Part::Events(events)] = &parts[..] else {
        panic!("one source's events");
    };
    let blast = events
        .iter()
        .find(|e| e.details.title == "Code Blast")
        .expect("the invitation");
    assert_eq!(blast.at.source, "exchange");
    assert_eq!(blast.invited, Some(Participation::Tentative));

    // Accepting it sends the documented AcceptItem.
    let account = pim
        .account(&who(), &ex, async { None })
        .await
        .expect("the open account");
    account
        .lock()
        .await
        .reply(&blast.at, Participation::Accepted)
        .await
        .expect("answered");

    // Free/busy of others comes from GetUserAvailability.
    let (parts, unavailable) = pim
        .merged(
            &who(),
            &sources,
            &Ask::Busy {
                from: at(2006, 10, 16),
                to: at(2006, 10, 17),
                attendees: &[
                    "user1@example.com".to_owned(),
                    "user2@example.com".to_owned(),
                ],
            },
            |_| async { None },
        )
        .await;
    let [Part::Busy(_, others)] = &parts[..] else {
        panic!("one source's busy times: {unavailable:?}");
    };
    assert!(
        !others.is_empty() && others.iter().any(|s| !s.busy.is_empty()),
        "{others:?}"
    );
    let actions: Vec<String> = seen
        .lock()
        .expect("log")
        .iter()
        .map(|(a, _)| a.clone())
        .collect();
    assert!(actions.contains(&"createitem".to_owned()), "{actions:?}");
    assert!(
        actions.contains(&"getuseravailability".to_owned()),
        "{actions:?}"
    );
}

#[tokio::test]
async fn a_source_that_is_down_is_named_and_the_other_still_answers() {
    let (base, _) = graph().await;
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("address");
    let sources = [
        source("m365", SourceKind::Graph, &base),
        source("nextcloud", SourceKind::Dav, &format!("http://{dead}/")),
    ];
    let pim = Pim::new();
    let (parts, unavailable) = pim
        .merged(&who(), &sources, &Ask::Calendars, |s| {
            let credentials = if s.id == "m365" {
                token(TOKEN)
            } else {
                token("pw")
            };
            async move { Some(credentials) }
        })
        .await;
    assert_eq!(parts.len(), 1, "the Graph source answers");
    assert_eq!(unavailable.len(), 1);
    assert_eq!(unavailable[0].source, "nextcloud");
    assert!(
        unavailable[0]
            .reason
            .contains("NEXTCLOUD cannot be reached"),
        "{unavailable:?}"
    );
    // Without credentials a source is simply not there: no error.
    let (parts, unavailable) = pim
        .merged(
            &Who {
                user_id: "@bob:example.org".into(),
                tenant: "t".into(),
            },
            &sources,
            &Ask::Calendars,
            |_| async { None },
        )
        .await;
    assert!(parts.is_empty() && unavailable.is_empty());
}

#[tokio::test]
async fn an_exchange_series_is_changed_whole_through_its_master() {
    let (url, seen) = exchange().await;
    let ex = source("exchange", SourceKind::Exchange, &url);
    let pim = Pim::new();
    let credentials = Credentials {
        username: "alice@contoso.com".into(),
        password: "ews-password".into(),
    };
    pim.connect(&who(), &ex, &credentials)
        .await
        .expect("signs in");
    let account = pim
        .account(&who(), &ex, async { None })
        .await
        .expect("the open account");
    let time = |text: &str| text.parse::<chrono::DateTime<Utc>>().expect("a time");
    // The documented weekly series' third occurrence, moved an hour later, for the series.
    let third = EventRef {
        source: "exchange".into(),
        calendar: "calendar".into(),
        id: "AAMkAD-third".into(),
        version: Some("DwAAABY".into()),
        instance: Some(time("2014-03-22T21:21:00Z")),
    };
    let details = EventDetails {
        repeat: Some(Repeat {
            every: Frequency::Weekly,
            interval: 1,
        }),
        ..super::change::tests::details(
            "Weekly Update Meeting",
            time("2014-03-22T22:21:00Z"),
            time("2014-03-22T23:21:00Z"),
        )
    };
    let changed = account
        .lock()
        .await
        .update(&third, details, true)
        .await
        .expect("the series changed");
    // The master moved as the occurrence was: its first occurrence an hour later.
    assert_eq!(changed.at.id, "AAMkA");
    assert_eq!(changed.details.start, time("2014-03-08T22:21:00Z"));
    let log = seen.lock().expect("log").clone();
    let update = log
        .iter()
        .find(|(action, _)| action == "updateitem")
        .map(|(_, body)| body.clone())
        .expect("an UpdateItem");
    assert!(
        update.contains("Id=\"AAMkAD\"") && update.contains("2014-03-08T22:21:00Z"),
        "{update}"
    );
    assert!(
        update.contains("<t:DaysOfWeek>Saturday</t:DaysOfWeek>"),
        "{update}"
    );
    // Every other year cannot be written on Exchange: said, not half done.
    let mut yearly = changed.details.clone();
    yearly.repeat = Some(Repeat {
        every: Frequency::Yearly,
        interval: 2,
    });
    let refused = account.lock().await.update(&third, yearly, true).await;
    assert!(
        matches!(refused, Err(SourceError::Unsupported(_))),
        "{refused:?}"
    );
}
