//! The middleware's calendar and contacts API against the real Radicale and Synapse that
//! `cargo xtask test` starts: users sign in to a source with their own credentials (kept
//! encrypted), see one merged calendar, create, move and delete events, see concurrent edits
//! refused, and still get answers when another source is down.

use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;
use sparks_api::pim::{
    CalendarList, ContactList, Event, EventList, EventRef, FreeBusy, Participation, SourceList,
};
use sparks_api::{ErrorBody, Session};
use sparks_middleware::config::Config;
use sparks_tests::{Error, Homeserver, openid, serve};

/// base64 of 32 bytes 0..31.
const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

fn radicale() -> String {
    std::env::var("SPARKS_TEST_RADICALE")
        .expect("SPARKS_TEST_RADICALE is not set: run the tests with `cargo xtask test`")
}

struct Api {
    http: reqwest::Client,
    url: String,
    token: String,
}

impl Api {
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Result<(u16, serde_json::Value), Error> {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.url))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        Ok((status, response.json().await.unwrap_or_default()))
    }

    async fn get<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T, Error> {
        let (status, body) = self.call(reqwest::Method::GET, path, None).await?;
        if status != 200 {
            return Err(format!("GET {path}: {status} {body}").into());
        }
        Ok(serde_json::from_value(body)?)
    }
}

fn errcode(body: &serde_json::Value) -> String {
    serde_json::from_value::<ErrorBody>(body.clone())
        .map(|e| e.errcode)
        .unwrap_or_else(|_| format!("not an error body: {body}"))
}

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 1, day, hour, 0, 0)
        .single()
        .expect("a time")
}

/// Forwards a loopback port to Radicale until dropped (connections under way included): a
/// second server that can be made to vanish.
struct Mirror {
    port: u16,
    tasks: std::sync::Arc<std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl Mirror {
    async fn start() -> Result<Mirror, Error> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let target = url::Url::parse(&radicale())?;
        let target = format!(
            "{}:{}",
            target.host_str().unwrap_or("127.0.0.1"),
            target.port().unwrap_or(80)
        );
        let tasks = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let list = tasks.clone();
        let accept = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let target = target.clone();
                let copy = tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                list.lock().expect("tasks").push(copy);
            }
        });
        tasks.lock().expect("tasks").push(accept);
        Ok(Mirror { port, tasks })
    }
}

impl Drop for Mirror {
    fn drop(&mut self) {
        for task in self.tasks.lock().expect("tasks").drain(..) {
            task.abort();
        }
    }
}

/// The middleware with two sources: Radicale, and `mirror` (Radicale again, through a port
/// that can vanish).
async fn middleware(server: &Homeserver, database: &str, mirror: u16) -> Result<String, Error> {
    let text = format!(
        r#"
[server]
listen = "127.0.0.1:0"
public_url = "https://sparks.test"
requests_per_minute = 100
[storage]
database = "{database}"
credentials_key = "{KEY}"
[[tenant]]
id = "test"
[[tenant.homeservers]]
server_name = "{name}"
url = "{url}"
[[tenant.sources]]
id = "radicale"
name = "Radicale"
kind = "dav"
url = "{radicale}"
shared = ["{radicale}alice/shared/"]
email = "{{username}}@example.org"
[[tenant.sources]]
id = "mirror"
name = "Mirror"
kind = "dav"
url = "http://127.0.0.1:{mirror}/"
calendars = true
contacts = false
"#,
        name = server.server_name,
        url = server.url,
        radicale = radicale(),
    );
    serve(Config::parse(&text)?).await
}

async fn signed_in(server: &Homeserver, mw: &str, who: &str) -> Result<Api, Error> {
    let (user, password) = server.new_user(who).await?;
    let dir = tempfile::tempdir()?;
    let client = server.client(&user, &password, dir.path()).await?;
    let http = reqwest::Client::new();
    let session: Session = http
        .post(format!("{mw}/v1/session"))
        .json(&json!({ "openid_token": openid(&client).await? }))
        .send()
        .await?
        .json()
        .await?;
    assert!(session.services.calendar && session.services.contacts);
    Ok(Api {
        http,
        url: mw.to_owned(),
        token: session.access_token,
    })
}

async fn connect(api: &Api, source: &str, user: &str, password: &str) -> Result<u16, Error> {
    let (status, body) = api
        .call(
            reqwest::Method::PUT,
            &format!("/v1/sources/{source}/credentials"),
            Some(json!({ "username": user, "password": password })),
        )
        .await?;
    if status != 204 {
        eprintln!("{source} as {user}: {status} {body}");
        assert!(!errcode(&body).starts_with("not an error body"), "{body}");
    }
    Ok(status)
}

#[tokio::test(flavor = "multi_thread")]
async fn one_calendar_from_every_source_with_conflicts_refused() -> Result<(), Error> {
    let server = Homeserver::from_env();
    let dir = tempfile::tempdir()?;
    let database = format!("sqlite://{}?mode=rwc", dir.path().join("mw.db").display());
    let mirror = Mirror::start().await?;
    let mw = middleware(&server, &database, mirror.port).await?;
    let alice = signed_in(&server, &mw, "cal-alice").await?;
    let bob = signed_in(&server, &mw, "cal-bob").await?;

    // Nothing signed in yet: sources are listed, not connected; no calendars, no errors.
    let sources: SourceList = alice.get("/v1/sources").await?;
    assert_eq!(sources.sources.len(), 2);
    assert!(sources.sources.iter().all(|s| !s.connected));

    // A wrong password is refused by Radicale and nothing is kept.
    assert_eq!(connect(&alice, "radicale", "alice", "wrong").await?, 403);
    assert_eq!(connect(&alice, "nowhere", "alice", "alicepass").await?, 404);
    assert_eq!(
        connect(&alice, "radicale", "alice", "alicepass").await?,
        204
    );
    assert_eq!(connect(&bob, "radicale", "bob", "bobpass").await?, 204);
    let sources: SourceList = alice.get("/v1/sources").await?;
    assert!(
        sources
            .sources
            .iter()
            .any(|s| s.id == "radicale" && s.connected)
    );

    // The credentials are sealed at rest.
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&database).await?;
    let rows: Vec<(String,)> = sqlx::query_as("SELECT sealed FROM credentials")
        .fetch_all(&pool)
        .await?;
    assert_eq!(rows.len(), 2);
    drop(pool);
    assert!(
        rows.iter()
            .all(|(s,)| !s.contains("alicepass") && !s.contains("bobpass"))
    );

    // Alice's shared calendar, which Bob sees through the operator's `shared` entry.
    let shared = format!("{}alice/shared/", radicale());
    let dav = sparks_dav::Dav::new(
        reqwest::Client::new(),
        url::Url::parse(&radicale())?,
        "radicale",
        "alice",
        "alicepass",
    );
    let _ = dav
        .create_collection(&url::Url::parse(&shared)?, "Shared", None, false)
        .await;
    let calendars: CalendarList = bob.get("/v1/calendars").await?;
    assert!(
        calendars.calendars.iter().any(|c| c.id == shared),
        "{calendars:?}"
    );

    // Alice plans a meeting with a Sparks meeting link in the shared calendar.
    let title = sparks_tests::unique("planning");
    let (status, body) = alice
        .call(
            reqwest::Method::POST,
            "/v1/events",
            Some(json!({
                "source": "radicale",
                "calendar": shared,
                "sparks_meeting": true,
                "details": {
                    "title": title,
                    "start": at(11, 9),
                    "end": at(11, 10),
                    "time_zone": "Europe/Berlin",
                    "attendees": [{ "email": "bob@example.org", "name": "Bob" }],
                }
            })),
        )
        .await?;
    assert_eq!(status, 201, "{body}");
    let created: Event = serde_json::from_value(body)?;
    let link = created.details.meeting.clone().ok_or("a meeting link")?;
    assert!(link.starts_with("https://sparks.test/meet/"), "{link}");

    // Bob sees it, tagged with its source.
    let range = format!(
        "/v1/events?start={}&end={}&tz=Europe/Berlin",
        at(10, 0).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        at(17, 0).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    let week: EventList = bob.get(&range).await?;
    let seen = week
        .events
        .iter()
        .find(|e| e.details.title == title)
        .ok_or("Alice's event in Bob's week")?;
    assert_eq!(seen.at.source, "radicale");
    assert_eq!(seen.details.start, at(11, 9));
    assert_eq!(seen.details.meeting.as_deref(), Some(link.as_str()));
    assert_eq!(seen.details.attendees[0].email, "bob@example.org");
    // Alice organises it (her address from the operator's pattern); Bob is invited.
    assert_eq!(
        created.details.organizer.as_ref().map(|o| o.email.as_str()),
        Some("alice@example.org")
    );
    assert_eq!(seen.invited, Some(Participation::NeedsAction));

    // Both move it from the version they saw: the second edit is refused with 409.
    let change = |who: &str, hour: u32| {
        json!({
            "at": seen.at,
            "details": { "title": format!("{title} ({who})"), "start": at(11, hour), "end": at(11, hour + 1),
                "organizer": seen.details.organizer, "attendees": seen.details.attendees },
        })
    };
    let (status, body) = alice
        .call(
            reqwest::Method::PUT,
            "/v1/events",
            Some(change("Alice", 11)),
        )
        .await?;
    assert_eq!(status, 200, "{body}");
    let (status, body) = bob
        .call(reqwest::Method::PUT, "/v1/events", Some(change("Bob", 12)))
        .await?;
    assert_eq!((status, errcode(&body)), (409, "M_CONFLICT".into()));

    // Free/busy across the sources shows Alice's moved meeting.
    let (status, body) = alice
        .call(
            reqwest::Method::POST,
            "/v1/freebusy",
            Some(json!({ "start": at(11, 0), "end": at(12, 0) })),
        )
        .await?;
    assert_eq!(status, 200, "{body}");
    let busy: FreeBusy = serde_json::from_value(body)?;
    assert!(
        busy.schedules[0]
            .busy
            .iter()
            .any(|b| b.start == at(11, 11) && b.end == at(11, 12)),
        "{busy:?}"
    );

    // Bob accepts; Alice sees his answer. Alice, the organiser, cannot answer herself.
    let week: EventList = bob.get(&range).await?;
    let invitation = week
        .events
        .iter()
        .find(|e| e.details.title == format!("{title} (Alice)"))
        .ok_or("the invitation")?;
    let answer = |at: &EventRef, status: &str| json!({ "at": at, "status": status });
    let (status, body) = bob
        .call(
            reqwest::Method::POST,
            "/v1/events/reply",
            Some(answer(&invitation.at, "accepted")),
        )
        .await?;
    assert_eq!(status, 204, "{body}");
    let (status, body) = alice
        .call(
            reqwest::Method::POST,
            "/v1/events/reply",
            Some(answer(
                &EventRef {
                    version: None,
                    ..invitation.at.clone()
                },
                "declined",
            )),
        )
        .await?;
    assert_eq!((status, errcode(&body)), (403, "M_NOT_INVITED".into()));
    let (status, _) = bob
        .call(
            reqwest::Method::POST,
            "/v1/events/reply",
            Some(answer(&invitation.at, "needs_action")),
        )
        .await?;
    assert_eq!(status, 400);
    let theirs: EventList = alice.get(&range).await?;
    let answered = theirs
        .events
        .iter()
        .find(|e| e.at.id == invitation.at.id)
        .ok_or("the answered event")?;
    assert_eq!(
        answered.details.attendees[0].status,
        Participation::Accepted
    );
    assert_eq!(answered.invited, None);
    assert_eq!(answered.details.title, invitation.details.title);
    let mine: EventList = bob.get(&range).await?;
    assert!(
        mine.events
            .iter()
            .any(|e| e.at.id == invitation.at.id && e.invited == Some(Participation::Accepted))
    );

    // Deleting with the version Alice got back works.
    let moved: EventList = alice.get(&range).await?;
    let current = moved
        .events
        .iter()
        .find(|e| e.details.title == format!("{title} (Alice)"))
        .ok_or("the moved event")?;
    let (status, body) = alice
        .call(
            reqwest::Method::DELETE,
            "/v1/events",
            Some(serde_json::to_value(&current.at)?),
        )
        .await?;
    assert_eq!(status, 204, "{body}");
    let after: EventList = bob.get(&range).await?;
    assert!(after.events.iter().all(|e| e.at.id != current.at.id));

    // Contacts from Alice's address book.
    let book = url::Url::parse(&format!(
        "{}alice/{}/",
        radicale(),
        sparks_tests::unique("book")
    ))?;
    dav.create_collection(&book, "Contacts", None, true).await?;
    dav.put(
        &book.join("dora.vcf")?,
        "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:dora\r\nFN:Dora Example\r\nEMAIL:dora@example.org\r\nEND:VCARD\r\n".into(),
        None,
    )
    .await?;
    // The middleware lists collections at most every 15 s; sign in again to see the new book.
    assert_eq!(
        connect(&alice, "radicale", "alice", "alicepass").await?,
        204
    );
    let found: ContactList = alice.get("/v1/contacts?q=dora").await?;
    assert_eq!(found.contacts.len(), 1, "{found:?}");
    assert_eq!(found.contacts[0].emails, ["dora@example.org"]);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_source_that_is_down_is_reported_and_the_others_still_answer() -> Result<(), Error> {
    let server = Homeserver::from_env();
    let dir = tempfile::tempdir()?;
    let database = format!("sqlite://{}?mode=rwc", dir.path().join("mw.db").display());
    let mirror = Mirror::start().await?;
    let first = middleware(&server, &database, mirror.port).await?;
    let carol = signed_in(&server, &first, "cal-carol").await?;
    let dav = sparks_dav::Dav::new(
        reqwest::Client::new(),
        url::Url::parse(&radicale())?,
        "radicale",
        "alice",
        "alicepass",
    );
    dav.discover().await?;
    let own = url::Url::parse(&format!(
        "{}alice/{}/",
        radicale(),
        sparks_tests::unique("own")
    ))?;
    dav.create_collection(&own, "Own", None, false).await?;
    assert_eq!(
        connect(&carol, "radicale", "alice", "alicepass").await?,
        204
    );
    assert_eq!(connect(&carol, "mirror", "alice", "alicepass").await?, 204);
    let calendars: CalendarList = carol.get("/v1/calendars").await?;
    assert!(calendars.calendars.iter().any(|c| c.source == "mirror"));
    assert!(calendars.unavailable.is_empty(), "{calendars:?}");

    // Long notes (minutes pasted in) are kept whole; a body past the events limit is refused.
    let notes: String = (0..2000)
        .map(|i| format!("Item {i}: ünïcödé agenda line, decisions and owners.\n"))
        .collect();
    assert!(notes.len() > 100 * 1024);
    let long = |description: &str| {
        json!({ "source": "radicale", "calendar": own.as_str(), "details": {
            "title": "Minutes", "start": at(3, 9), "end": at(3, 10), "description": description } })
    };
    let (status, body) = carol
        .call(reqwest::Method::POST, "/v1/events", Some(long(&notes)))
        .await?;
    assert_eq!(status, 201, "{body}");
    let range = format!(
        "/v1/events?start={}&end={}",
        at(3, 0).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        at(4, 0).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    let day: EventList = carol.get(&range).await?;
    let minutes = day
        .events
        .iter()
        .find(|e| e.at.calendar == own.as_str() && e.details.title == "Minutes")
        .ok_or("the minutes")?;
    assert_eq!(minutes.details.description, notes);
    let (status, body) = carol
        .call(
            reqwest::Method::POST,
            "/v1/events",
            Some(long(&notes.repeat(3))),
        )
        .await?;
    assert_eq!((status, errcode(&body).as_str()), (413, "M_TOO_LARGE"));

    // The mirror goes away; a second middleware on the same database (as after a restart, or
    // behind a load balancer) opens both sources with the stored credentials.
    let port = mirror.port;
    drop(mirror);
    let second = middleware(&server, &database, port).await?;
    let carol = Api {
        url: second,
        ..carol
    };
    let calendars: CalendarList = carol.get("/v1/calendars").await?;
    assert!(calendars.calendars.iter().any(|c| c.source == "radicale"));
    assert!(calendars.calendars.iter().all(|c| c.source != "mirror"));
    assert_eq!(calendars.unavailable.len(), 1, "{calendars:?}");
    assert_eq!(calendars.unavailable[0].source, "mirror");
    assert_eq!(calendars.unavailable[0].errcode, "M_UNAVAILABLE");
    assert!(
        calendars.unavailable[0]
            .reason
            .contains("Mirror cannot be reached"),
        "{calendars:?}"
    );
    let range = format!(
        "/v1/events?start={}&end={}",
        at(1, 0).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        at(31, 0).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    let events: EventList = carol.get(&range).await?;
    assert_eq!(events.unavailable.len(), 1);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_requests_get_clear_errors() -> Result<(), Error> {
    let server = Homeserver::from_env();
    let dir = tempfile::tempdir()?;
    let database = format!("sqlite://{}?mode=rwc", dir.path().join("mw.db").display());
    let mirror = Mirror::start().await?;
    let mw = middleware(&server, &database, mirror.port).await?;
    let alice = signed_in(&server, &mw, "cal-bad").await?;
    let cases = [
        (
            reqwest::Method::GET,
            "/v1/events?start=yesterday&end=today",
            None,
            400,
        ),
        (
            reqwest::Method::GET,
            "/v1/events?start=2027-01-02T00:00:00Z&end=2027-01-01T00:00:00Z",
            None,
            400,
        ),
        (
            reqwest::Method::GET,
            "/v1/events?start=2027-01-01T00:00:00Z&end=2029-01-01T00:00:00Z",
            None,
            400,
        ),
        (
            reqwest::Method::GET,
            "/v1/events?start=2027-01-01T00:00:00Z&end=2027-01-02T00:00:00Z&tz=Mars/Olympus",
            None,
            400,
        ),
        (
            reqwest::Method::POST,
            "/v1/events",
            Some(json!({ "source": "radicale", "calendar": "x", "details": {
                "title": "t", "start": at(2, 10), "end": at(2, 9) } })),
            400,
        ),
        (
            reqwest::Method::POST,
            "/v1/events",
            Some(json!({ "source": "radicale", "calendar": "x", "details": {
                "title": "t", "start": at(2, 9), "end": at(2, 10) } })),
            403,
        ),
        (
            reqwest::Method::DELETE,
            "/v1/events",
            Some(json!({ "source": "nowhere", "calendar": "x", "id": "y", "version": null })),
            404,
        ),
    ];
    for (method, path, body, expected) in cases {
        let (status, answer) = alice.call(method.clone(), path, body).await?;
        assert_eq!(status, expected, "{method} {path}: {answer}");
        assert!(
            !errcode(&answer).starts_with("not an error body"),
            "{answer}"
        );
    }
    // Signed in, an event outside the user's calendars is not found, whatever its URL says.
    assert_eq!(
        connect(&alice, "radicale", "alice", "alicepass").await?,
        204
    );
    let (status, _) = alice
        .call(
            reqwest::Method::DELETE,
            "/v1/events",
            Some(
                json!({ "source": "radicale", "calendar": format!("{}bob/", radicale()),
                "id": format!("{}bob/x.ics", radicale()), "version": null }),
            ),
        )
        .await?;
    assert_eq!(status, 404);
    // Without a session nothing is answered.
    let anonymous = Api {
        token: "nope".into(),
        ..alice
    };
    let (status, _) = anonymous
        .call(reqwest::Method::GET, "/v1/calendars", None)
        .await?;
    assert_eq!(status, 401);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_weekly_series_is_made_moved_as_a_whole_and_deleted() -> Result<(), Error> {
    let server = Homeserver::from_env();
    let dir = tempfile::tempdir()?;
    let database = format!("sqlite://{}?mode=rwc", dir.path().join("mw.db").display());
    let mirror = Mirror::start().await?;
    let mw = middleware(&server, &database, mirror.port).await?;
    let dora = signed_in(&server, &mw, "cal-series").await?;
    assert_eq!(connect(&dora, "radicale", "alice", "alicepass").await?, 204);
    let dav = sparks_dav::Dav::new(
        reqwest::Client::new(),
        url::Url::parse(&radicale())?,
        "radicale",
        "alice",
        "alicepass",
    );
    let own = url::Url::parse(&format!(
        "{}alice/{}/",
        radicale(),
        sparks_tests::unique("series")
    ))?;
    dav.create_collection(&own, "Series", None, false).await?;
    assert_eq!(connect(&dora, "radicale", "alice", "alicepass").await?, 204);

    // Mondays 4, 11, 18 and 25 January 2027, 9:00 in Berlin (8:00 UTC).
    let (status, body) = dora
        .call(
            reqwest::Method::POST,
            "/v1/events",
            Some(
                json!({ "source": "radicale", "calendar": own.as_str(), "details": {
                "title": "Weekly", "start": at(4, 8), "end": at(4, 9),
                "time_zone": "Europe/Berlin", "repeat": { "every": "weekly" } } }),
            ),
        )
        .await?;
    assert_eq!(status, 201, "{body}");
    let range = format!(
        "/v1/events?start={}&end={}",
        at(1, 0).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        at(31, 0).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    let weekly = |list: &EventList| -> Vec<Event> {
        list.events
            .iter()
            .filter(|e| e.at.calendar == own.as_str())
            .cloned()
            .collect()
    };
    let month: EventList = dora.get(&range).await?;
    let series = weekly(&month);
    let starts: Vec<_> = series.iter().map(|e| e.details.start).collect();
    assert_eq!(starts, [at(4, 8), at(11, 8), at(18, 8), at(25, 8)]);
    assert!(series.iter().all(|e| e.recurring
        && e.details.repeat.map(|r| r.every) == Some(sparks_api::pim::Frequency::Weekly)));

    // The third occurrence moved an hour later, for the whole series: every Monday moves.
    let third = &series[2];
    let (status, body) = dora
        .call(
            reqwest::Method::PUT,
            "/v1/events",
            Some(json!({ "at": third.at, "whole_series": true, "details": {
                "title": "Weekly, later", "start": at(18, 9), "end": at(18, 10),
                "time_zone": "Europe/Berlin", "repeat": { "every": "weekly" } } })),
        )
        .await?;
    assert_eq!(status, 200, "{body}");
    let month: EventList = dora.get(&range).await?;
    let moved: Vec<_> = weekly(&month)
        .iter()
        .map(|e| (e.details.start, e.details.title.clone()))
        .collect();
    let later = |day| (at(day, 9), "Weekly, later".to_owned());
    assert_eq!(moved, [later(4), later(11), later(18), later(25)]);

    // Deleting the series from an occurrence (no instance) takes every occurrence.
    let any = weekly(&month).into_iter().nth(1).ok_or("an occurrence")?;
    let whole = EventRef {
        instance: None,
        ..any.at
    };
    let (status, body) = dora
        .call(
            reqwest::Method::DELETE,
            "/v1/events",
            Some(serde_json::to_value(&whole)?),
        )
        .await?;
    assert_eq!(status, 204, "{body}");
    let month: EventList = dora.get(&range).await?;
    assert!(weekly(&month).is_empty(), "{month:?}");
    Ok(())
}
