//! The client end to end against a loopback HTTP/1.1 server that answers with Microsoft's
//! documented examples (fixtures/) and checks what it is sent.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::{fixture, utc};
use serde_json::{Value, json};
use sparks_api::pim::{Attendee, BusyKind, EventDetails, EventRef, Participation};
use sparks_exchange::graph::{Graph, GraphError, MAX_ANSWER};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use url::Url;

const TOKEN: &str = "secret-token";
const CALENDAR: &str = "AAMkAGI2TGuLAAA=";

#[derive(Debug, Clone)]
struct Request {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    fn path(&self) -> &str {
        self.target.split('?').next().expect("as expected")
    }
    fn query(&self) -> &str {
        self.target.split_once('?').map_or("", |(_, q)| q)
    }
    /// A query parameter, percent-decoded.
    fn param(&self, name: &str) -> Option<String> {
        let raw = self
            .query()
            .split('&')
            .find_map(|p| p.strip_prefix(&format!("{name}=")))?;
        let bytes = raw.as_bytes();
        let (mut out, mut i) = (Vec::new(), 0);
        while i < bytes.len() {
            if bytes[i] == b'%' {
                out.push(u8::from_str_radix(&raw[i + 1..i + 3], 16).expect("as expected"));
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        Some(String::from_utf8(out).expect("as expected"))
    }
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("as expected")
    }
}

#[derive(Default)]
struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
    /// No Content-Length: the body ends with the connection.
    no_length: bool,
}

fn reply(status: u16, body: impl Into<Vec<u8>>) -> Reply {
    Reply {
        status,
        body: body.into(),
        ..Reply::default()
    }
}

type Handler = dyn Fn(&Request, &str) -> Reply + Send + Sync;

struct Server {
    origin: String,
    seen: Arc<Mutex<Vec<Request>>>,
}

impl Server {
    /// `handler` is given each request and the server's own origin. Requests without the
    /// bearer token are answered 401 by the server itself.
    async fn start(handler: impl Fn(&Request, &str) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("as expected");
        let origin = format!("http://{}", listener.local_addr().expect("as expected"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let (log, at) = (seen.clone(), origin.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(answer(stream, log.clone(), handler.clone(), at.clone()));
            }
        });
        Self { origin, seen }
    }

    fn graph(&self, prefix: &str) -> Graph {
        let base = Url::parse(&format!("{}{prefix}/v1.0", self.origin)).expect("as expected");
        Graph::new(reqwest::Client::new(), base, TOKEN, "m365")
    }

    fn seen(&self) -> Vec<Request> {
        self.seen.lock().expect("as expected").clone()
    }
}

async fn answer(
    mut stream: TcpStream,
    seen: Arc<Mutex<Vec<Request>>>,
    handler: Arc<Handler>,
    origin: String,
) {
    let (mut buf, mut chunk) = (Vec::new(), [0u8; 8192]);
    let head_end = loop {
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().expect("as expected").split(' ');
    let (method, target) = (
        first.next().expect("as expected").to_owned(),
        first.next().expect("as expected").to_owned(),
    );
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .map_or(0, |(_, v)| v.parse().expect("as expected"));
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.expect("as expected");
        body.extend_from_slice(&chunk[..n]);
    }
    let request = Request {
        method,
        target,
        headers,
        body,
    };
    let reply = if request.header("authorization") == Some(&format!("Bearer {TOKEN}")) {
        handler(&request, &origin)
    } else {
        reply(
            401,
            r#"{"error":{"code":"InvalidAuthenticationToken","message":"no token"}}"#,
        )
    };
    seen.lock().expect("as expected").push(request);
    let mut head = format!(
        "HTTP/1.1 {} Fixture\r\nConnection: close\r\nContent-Type: application/json\r\n",
        reply.status
    );
    if !reply.no_length {
        head.push_str(&format!("Content-Length: {}\r\n", reply.body.len()));
    }
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(&reply.body).await;
    let _ = stream.shutdown().await;
}

/// `fixture`'s JSON with `@odata.nextLink` set.
fn with_next(fixture_text: &str, next: &str) -> Vec<u8> {
    let mut page: Value = serde_json::from_str(fixture_text).expect("as expected");
    page["@odata.nextLink"] = Value::String(next.to_owned());
    page.to_string().into_bytes()
}

#[tokio::test]
async fn calendars_follow_a_next_link_on_the_same_host() {
    let server = Server::start(|request, origin| match request.query() {
        "" => reply(
            200,
            with_next(
                &fixture("calendars.response.json"),
                &format!("{origin}/v1.0/me/calendars?$skiptoken=2"),
            ),
        ),
        "$skiptoken=2" => reply(
            200,
            fixture("calendars.response.json").replace("AAMkAGI2TGuLAAA=", "AAMkAGI2TGuLAAB="),
        ),
        _ => reply(400, ""),
    })
    .await;
    let calendars = server.graph("").calendars().await.expect("as expected");
    let ids: Vec<_> = calendars.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["AAMkAGI2TGuLAAA=", "AAMkAGI2TGuLAAB="]);
    assert!(
        calendars
            .iter()
            .all(|c| c.source == "m365" && c.name == "Calendar" && c.writable)
    );
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    for request in &seen {
        assert_eq!(
            (request.method.as_str(), request.path()),
            ("GET", "/v1.0/me/calendars")
        );
        assert_eq!(request.header("authorization"), Some("Bearer secret-token"));
        assert_eq!(request.header("accept"), Some("application/json"));
    }
}

#[tokio::test]
async fn events_ask_for_the_range_in_utc_and_page() {
    let server = Server::start(|request, origin| {
        let mut page: Value =
            serde_json::from_str(&fixture("occurrences.derived.json")).expect("as expected");
        let all = page["value"].as_array().expect("as expected").clone();
        if request.param("$skiptoken").is_some() {
            let mut rest = all[2..].to_vec();
            rest.push(json!({"subject": "no id, no times"}));
            page["value"] = Value::Array(rest);
            return reply(200, page.to_string());
        }
        page["value"] = Value::Array(all[..2].to_vec());
        let next = format!("{origin}{}?$skiptoken=abc", request.path());
        page["@odata.nextLink"] = Value::String(next);
        reply(200, page.to_string())
    })
    .await;
    let graph = server.graph("");
    let events = graph
        .events(
            CALENDAR,
            utc("2019-04-01T00:00:00Z"),
            utc("2019-05-01T00:00:00Z"),
        )
        .await
        .expect("as expected");
    let starts: Vec<_> = events.iter().map(|e| e.details.start).collect();
    assert_eq!(
        starts,
        [
            utc("2019-04-08T20:30:00Z"),
            utc("2019-04-16T20:30:00Z"),
            utc("2019-04-22T20:30:00Z"),
            utc("2019-04-29T20:30:00Z")
        ]
    );
    assert_eq!(events[1].at.instance, Some(utc("2019-04-15T20:30:00Z")));
    assert!(events.iter().all(|e| e.at.calendar == CALENDAR
        && e.recurring
        && e.details.title == "Review strategy for Q3"));
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(
        seen[0].path(),
        "/v1.0/me/calendars/AAMkAGI2TGuLAAA=/calendarView"
    );
    assert_eq!(
        seen[0].query(),
        "startDateTime=2019-04-01T00%3A00%3A00Z&endDateTime=2019-05-01T00%3A00%3A00Z&$top=100"
    );
    assert_eq!(
        seen[0].param("startDateTime").as_deref(),
        Some("2019-04-01T00:00:00Z")
    );
    assert_eq!(seen[1].query(), "$skiptoken=abc");
    for request in &seen {
        assert_eq!(request.header("prefer"), Some("outlook.timezone=\"UTC\""));
        assert_eq!(request.header("authorization"), Some("Bearer secret-token"));
    }
}

#[tokio::test]
async fn a_next_link_to_another_host_is_not_followed() {
    let elsewhere = Server::start(|_, _| reply(200, r#"{"value": []}"#)).await;
    let other = elsewhere.origin.clone();
    let server = Server::start(move |request, _| {
        let next = match request.path() {
            "/port/v1.0/me/calendars" => format!("{other}/v1.0/me/calendars?$skiptoken=2"),
            _ => "https://graph.evil.example/v1.0/me/calendars?$skiptoken=2".to_owned(),
        };
        reply(200, with_next(&fixture("calendars.response.json"), &next))
    })
    .await;
    let port = server.graph("/port").calendars().await;
    assert!(
        matches!(port, Err(GraphError::ForeignLink(host)) if host == "127.0.0.1"),
        "another port is another origin"
    );
    let host = server.graph("/host").calendars().await;
    assert!(matches!(host, Err(GraphError::ForeignLink(host)) if host == "graph.evil.example"));
    assert_eq!(server.seen().len(), 2);
    assert!(elsewhere.seen().is_empty(), "the token went nowhere else");
}

fn lunch() -> EventDetails {
    EventDetails {
        title: "Let's go for lunch".into(),
        start: utc("2019-03-15T19:00:00Z"),
        end: utc("2019-03-15T21:00:00Z"),
        all_day: false,
        time_zone: None,
        location: "Harry's Bar".into(),
        description: "Does mid month work for you?".into(),
        organizer: None,
        attendees: vec![Attendee {
            email: "adelev@contoso.onmicrosoft.com".into(),
            name: Some("Adele Vance".into()),
            status: Participation::NeedsAction,
        }],
        meeting: None,
        reminders: vec![15],
        repeat: None,
    }
}

#[tokio::test]
async fn an_occurrences_series_is_its_master() {
    let server = Server::start(|request, _| match request.path() {
        "/v1.0/me/events/AAMkAGUzYAgI1sE1TatAAEYAAAAAlNFb2CNPe0ucP9you" => {
            let page: Value =
                serde_json::from_str(&fixture("instances.response.json")).expect("json");
            reply(200, page["value"][0].to_string())
        }
        "/v1.0/me/events/AAMkAGUzYRgWAAA=" | "/v1.0/me/events/AAMkADQwMD" => {
            reply(200, fixture("user-post-events-recurring.response.json"))
        }
        _ => reply(404, fixture("error.response.json")),
    })
    .await;
    let occurrence = EventRef {
        source: "m365".into(),
        calendar: CALENDAR.into(),
        id: "AAMkAGUzYAgI1sE1TatAAEYAAAAAlNFb2CNPe0ucP9you".into(),
        version: None,
        instance: Some(utc("2019-04-16T20:30:00Z")),
    };
    let (master, start) = server
        .graph("")
        .series(&occurrence)
        .await
        .expect("answered")
        .expect("a series");
    // The documented master (its own id in the example), starting 12:00 Pacific.
    assert_eq!(master.id, "AAMkADQwMD");
    assert_eq!(master.instance, None);
    assert_eq!(start, utc("2017-09-04T19:00:00Z"));
    // A single event has no series.
    let single = EventRef {
        id: "AAMkADQwMD".into(),
        ..occurrence
    };
    assert_eq!(
        server.graph("").series(&single).await.expect("answered"),
        None
    );
}

#[tokio::test]
async fn answers_post_the_documented_body_to_their_action() {
    let server = Server::start(|_, _| reply(202, Vec::new())).await;
    let graph = server.graph("");
    let at = EventRef {
        source: "m365".into(),
        calendar: CALENDAR.into(),
        id: "AAMkAGI1AAAoZDOFAAA=".into(),
        version: None,
        instance: None,
    };
    for status in [
        Participation::Accepted,
        Participation::Tentative,
        Participation::Declined,
    ] {
        graph.reply(&at, status).await.expect("answered");
    }
    // "Not answered" is not an answer Graph takes; nothing is sent for it.
    assert!(graph.reply(&at, Participation::NeedsAction).await.is_err());
    let seen = server.seen();
    let paths: Vec<&str> = seen.iter().map(|r| r.path()).collect();
    assert_eq!(
        paths,
        [
            "/v1.0/me/events/AAMkAGI1AAAoZDOFAAA=/accept",
            "/v1.0/me/events/AAMkAGI1AAAoZDOFAAA=/tentativelyAccept",
            "/v1.0/me/events/AAMkAGI1AAAoZDOFAAA=/decline",
        ]
    );
    let documented: Value =
        serde_json::from_str(&fixture("event-accept.request.json")).expect("json");
    for request in &seen {
        assert_eq!(request.method, "POST");
        assert_eq!(request.json()["sendResponse"], documented["sendResponse"]);
    }
}

#[tokio::test]
async fn create_posts_the_event_and_reads_the_answer() {
    let server =
        Server::start(|_, _| reply(201, fixture("calendar-post-events.response.json"))).await;
    let calendar = "AAMkAGViNDU7zAAAAAGtlAAA=";
    let event = server
        .graph("")
        .create(calendar, &lunch())
        .await
        .expect("as expected");
    assert_eq!(event.at.id, "AAMkAGViNDU7zAAAAA7zAAAZb2ckAAA=");
    assert_eq!(event.at.calendar, calendar);
    assert_eq!(
        event.at.version.as_deref(),
        Some("/IUUrIl3PkG1JCSsPfU+8wAAGXjEpA==")
    );
    assert_eq!(event.details.start, utc("2019-03-15T19:00:00Z"));
    let seen = server.seen();
    assert_eq!(
        (seen[0].method.as_str(), seen[0].path()),
        (
            "POST",
            "/v1.0/me/calendars/AAMkAGViNDU7zAAAAAGtlAAA=/events"
        )
    );
    assert_eq!(seen[0].header("content-type"), Some("application/json"));
    let body = seen[0].json();
    assert_eq!(body["subject"], "Let's go for lunch");
    assert_eq!(
        body["start"],
        json!({"dateTime": "2019-03-15T19:00:00", "timeZone": "UTC"})
    );
    assert_eq!(body["attendees"][0]["type"], "required");
    assert_eq!(body["reminderMinutesBeforeStart"], 15);
}

#[tokio::test]
async fn changes_carry_the_change_key_and_a_stale_one_is_a_conflict() {
    let current = "/IUUrIl3PkG1JCSsPfU+8wAAGXjEpA==";
    let server = Server::start(move |request, _| {
        let fresh = match request.header("if-match") {
            Some(tag) => tag == format!("W/\"{current}\""),
            None => true,
        };
        match (request.method.as_str(), fresh) {
            (_, false) => reply(412, fixture("error.response.json")),
            ("PATCH", true) => reply(200, fixture("calendar-post-events.response.json")),
            ("DELETE", true) => reply(204, ""),
            _ => reply(405, ""),
        }
    })
    .await;
    let graph = server.graph("");
    let at = |version: Option<&str>| EventRef {
        source: "m365".into(),
        calendar: "AAMkAGViNDU7zAAAAAGtlAAA=".into(),
        id: "AAMkAGViNDU7zAAAAA7zAAAZb2ckAAA=".into(),
        version: version.map(str::to_owned),
        instance: None,
    };
    let updated = graph
        .update(&at(Some(current)), &lunch())
        .await
        .expect("as expected");
    assert_eq!(updated.details.title, "Let's go for lunch");
    assert!(matches!(
        graph.update(&at(Some("old+key==")), &lunch()).await,
        Err(GraphError::Conflict)
    ));
    assert!(matches!(
        graph.delete(&at(Some("old+key=="))).await,
        Err(GraphError::Conflict)
    ));
    graph.delete(&at(Some(current))).await.expect("as expected");
    graph.delete(&at(None)).await.expect("as expected");
    let seen = server.seen();
    let sent: Vec<_> = seen
        .iter()
        .map(|r| (r.method.as_str(), r.path(), r.header("if-match")))
        .collect();
    let path = "/v1.0/me/events/AAMkAGViNDU7zAAAAA7zAAAZb2ckAAA=";
    let tag = format!("W/\"{current}\"");
    assert_eq!(
        sent,
        [
            ("PATCH", path, Some(tag.as_str())),
            ("PATCH", path, Some("W/\"old+key==\"")),
            ("DELETE", path, Some("W/\"old+key==\"")),
            ("DELETE", path, Some(tag.as_str())),
            ("DELETE", path, None),
        ]
    );
    assert_eq!(seen[0].json()["location"]["displayName"], "Harry's Bar");
}

#[tokio::test]
async fn schedule_posts_get_schedule() {
    let server = Server::start(|_, _| reply(200, fixture("getschedule.response.json"))).await;
    let emails = [
        "adelev@contoso.onmicrosoft.com".to_owned(),
        "meganb@contoso.onmicrosoft.com".to_owned(),
    ];
    let start = utc("2019-03-15T16:00:00Z");
    let schedules = server
        .graph("")
        .schedule(&emails, start, utc("2019-03-16T01:00:00Z"))
        .await
        .expect("as expected");
    assert_eq!(schedules.len(), 2);
    assert_eq!(schedules[0].email, "adelev@contoso.onmicrosoft.com");
    let adele: Vec<_> = schedules[0]
        .busy
        .iter()
        .map(|b| (b.start, b.end, b.kind))
        .collect();
    assert_eq!(
        adele,
        [(
            utc("2019-03-15T19:00:00Z"),
            utc("2019-03-15T21:00:00Z"),
            BusyKind::Busy
        )]
    );
    assert_eq!(schedules[1].busy.len(), 5);
    let seen = server.seen();
    assert_eq!(
        (seen[0].method.as_str(), seen[0].path()),
        ("POST", "/v1.0/me/calendar/getSchedule")
    );
    assert_eq!(
        seen[0].json(),
        json!({
            "schedules": emails,
            "startTime": {"dateTime": "2019-03-15T16:00:00", "timeZone": "UTC"},
            "endTime": {"dateTime": "2019-03-16T01:00:00", "timeZone": "UTC"},
            "availabilityViewInterval": 15
        })
    );
}

#[tokio::test]
async fn contacts_filter_safely() {
    let server = Server::start(|_, _| {
        let contact: Value =
            serde_json::from_str(&fixture("contact-matrix.derived.json")).expect("as expected");
        reply(200, json!({"value": [contact]}).to_string())
    })
    .await;
    let graph = server.graph("");
    let found = graph
        .contacts("Alex O'Neil & co=1")
        .await
        .expect("as expected");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].name, "Alex Wilber");
    assert_eq!(found[0].emails, ["Alex@FineArtSchool.net"]);
    assert_eq!(found[0].matrix.as_deref(), Some("@alex:fineartschool.net"));
    graph
        .contacts("Alex@FineArtSchool.net")
        .await
        .expect("as expected");
    graph.contacts("  ").await.expect("as expected");
    let seen = server.seen();
    assert!(seen.iter().all(|r| r.path() == "/v1.0/me/contacts"));
    assert_eq!(
        seen[0].query().split('&').count(),
        3,
        "the text stays inside $filter: {}",
        seen[0].query()
    );
    assert_eq!(
        seen[0].param("$filter").as_deref(),
        Some("startswith(displayName,'Alex O''Neil & co=1')")
    );
    assert_eq!(
        seen[1].param("$filter").as_deref(),
        Some("emailAddresses/any(a:a/address eq 'Alex@FineArtSchool.net')")
    );
    assert_eq!(seen[2].param("$filter"), None);
    assert!(
        seen[2]
            .param("$select")
            .expect("as expected")
            .contains("imAddresses")
    );
}

#[tokio::test]
async fn statuses_become_errors() {
    let server = Server::start(|request, _| {
        let error = fixture("error.response.json");
        match request.path().split('/').nth(1).unwrap_or_default() {
            "401" => reply(401, error),
            "404" => reply(404, error),
            "429" => Reply {
                headers: vec![("Retry-After", "7".into())],
                ..reply(429, error)
            },
            "503" => reply(503, ""),
            "400" => reply(400, error),
            "big" => reply(200, vec![b' '; MAX_ANSWER + 1]),
            "endless" => Reply {
                no_length: true,
                ..reply(200, vec![b' '; MAX_ANSWER + 1])
            },
            "bad" => reply(200, r#"{"value": [{"id": "#),
            _ => reply(200, fixture("calendars.response.json")),
        }
    })
    .await;
    let calendars = |prefix: &'static str| {
        let graph = server.graph(prefix);
        async move { graph.calendars().await }
    };
    assert!(matches!(
        calendars("/401").await,
        Err(GraphError::Unauthorized)
    ));
    assert!(matches!(calendars("/404").await, Err(GraphError::NotFound)));
    let seven = Some(Duration::from_secs(7));
    assert!(
        matches!(calendars("/429").await, Err(GraphError::Throttled { retry_after }) if retry_after == seven)
    );
    assert!(matches!(
        calendars("/503").await,
        Err(GraphError::Throttled { retry_after: None })
    ));
    assert!(
        matches!(calendars("/400").await, Err(GraphError::Api { status: 400, code, .. }) if code == "invalidRange")
    );
    assert!(matches!(calendars("/big").await, Err(GraphError::TooLarge)));
    assert!(matches!(
        calendars("/endless").await,
        Err(GraphError::TooLarge)
    ));
    assert!(matches!(calendars("/bad").await, Err(GraphError::Json(_))));
    assert_eq!(calendars("/ok").await.expect("as expected").len(), 1);

    let wrong_token = Graph::new(
        reqwest::Client::new(),
        Url::parse(&format!("{}/v1.0", server.origin)).expect("as expected"),
        "other",
        "m365",
    );
    assert!(matches!(
        wrong_token.calendars().await,
        Err(GraphError::Unauthorized)
    ));
}
