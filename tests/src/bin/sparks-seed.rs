//! Fills a homeserver with the demo account and its conversations, and signs the demo account
//! in to a portable Sparks home so the app opens straight into it.
//!
//! `sparks-seed --homeserver URL --registration-secret SECRET --sparks-home DIR`
//!
//! Running it again is safe: accounts are reused and rooms are only created once per Sparks home.

use std::path::{Path, PathBuf};
use std::time::Duration;

use matrix_sdk::Client;
use matrix_sdk::config::SyncSettings;
use matrix_sdk::ruma::api::client::keys::get_keys;
use matrix_sdk::ruma::api::client::room::create_room::v3::{
    CreationContent, Request as CreateRoom,
};
use matrix_sdk::ruma::events::InitialStateEvent;
use matrix_sdk::ruma::events::room::encryption::RoomEncryptionEventContent;
use matrix_sdk::ruma::events::room::message::RoomMessageEventContent;
use matrix_sdk::ruma::events::space::child::SpaceChildEventContent;
use matrix_sdk::ruma::events::space::parent::SpaceParentEventContent;
use matrix_sdk::ruma::room::RoomType;
use matrix_sdk::ruma::serde::Raw;
use matrix_sdk::ruma::{OwnedRoomId, OwnedServerName, UserId};
use sparks_tests::{Error, Homeserver, Session, eventually, portable_secrets, store_root};

const DEMO_USER: &str = "alice";
const DEMO_PASSWORD: &str = "sparks-demo";
const PEOPLE: [(&str, &str); 2] = [("bob", "sparks-demo-bob"), ("carol", "sparks-demo-carol")];

struct Args {
    homeserver: String,
    secret: String,
    home: PathBuf,
    /// A Radicale to fill with the demo account's calendars and contacts.
    radicale: Option<String>,
}

fn args() -> Result<Args, Error> {
    let mut homeserver = None;
    let mut secret = None;
    let mut home = None;
    let mut radicale = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--homeserver" => homeserver = Some(value),
            "--registration-secret" => secret = Some(value),
            "--sparks-home" => home = Some(PathBuf::from(value)),
            "--radicale" => radicale = Some(value),
            other => return Err(format!("unknown option {other}").into()),
        }
    }
    Ok(Args {
        homeserver: homeserver.ok_or("--homeserver is required")?,
        secret: secret.ok_or("--registration-secret is required")?,
        home: home.ok_or("--sparks-home is required")?,
        radicale,
    })
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter("error,matrix_sdk=off,matrix_sdk_crypto=off")
        .init();
    if let Err(error) = run().await {
        eprintln!("sparks-seed: {error}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), Error> {
    let args = args()?;
    let url = url::Url::parse(&args.homeserver)?;
    let server_name = match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!(
            "{}:{port}",
            if host == "127.0.0.1" {
                "localhost"
            } else {
                host
            }
        ),
        _ => return Err("the homeserver URL needs a host and port".into()),
    };
    let server = Homeserver::new(args.homeserver.clone(), server_name, args.secret);
    server.register(DEMO_USER, DEMO_PASSWORD).await?;
    for (name, password) in PEOPLE {
        server.register(name, password).await?;
    }

    // Sign the demo account in as the app will see it, and let it publish its device keys so
    // the encrypted messages below are encrypted for it too.
    let secrets = portable_secrets(&args.home);
    let signed_in = secrets.get("matrix-session").ok().flatten().is_some();
    let session = match Session::restore(&store_root(&args.home), secrets.clone()).await {
        Ok(Some(session)) if signed_in => session,
        _ => {
            Session::login(
                &server.login_request(DEMO_USER, DEMO_PASSWORD),
                &store_root(&args.home),
                secrets,
            )
            .await?
        }
    };
    session.start().await;

    if let Some(radicale) = &args.radicale {
        seed_calendar(radicale, &server).await?;
    }
    let marker = args.home.join("seeded");
    if marker.exists() {
        settle(&session).await;
        println!(
            "Demo data already present; signed in as {}",
            server.user_id(DEMO_USER)
        );
        return Ok(());
    }

    let work = tempdir(&args.home)?;
    let alice = server
        .client(DEMO_USER, DEMO_PASSWORD, &work.join("alice"))
        .await?;
    let bob = server
        .client(PEOPLE[0].0, PEOPLE[0].1, &work.join("bob"))
        .await?;
    let carol = server
        .client(PEOPLE[1].0, PEOPLE[1].1, &work.join("carol"))
        .await?;
    for (client, name) in [
        (&alice, "Alice Demo"),
        (&bob, "Bob Brandt"),
        (&carol, "Carol Nguyen"),
    ] {
        client.account().set_display_name(Some(name)).await?;
    }
    let alice_id = UserId::parse(server.user_id(DEMO_USER))?;
    let sparks_device = session.device_id();
    eventually(
        Duration::from_secs(30),
        "the demo device's keys",
        || async {
            let mut query = get_keys::v3::Request::new();
            query.device_keys.insert(alice_id.clone(), Vec::new());
            bob.send(query).await.is_ok_and(|answer| {
                answer
                    .device_keys
                    .get(&alice_id)
                    .is_some_and(|devices| devices.keys().any(|d| d.as_str() == sparks_device))
            })
        },
    )
    .await?;

    seed_rooms(&server, &alice, &bob, &carol).await?;
    settle(&session).await;
    std::fs::write(&marker, "demo data created\n")?;
    let _ = std::fs::remove_dir_all(&work);
    println!(
        "Demo ready: {} / {DEMO_PASSWORD} on {}",
        server.user_id(DEMO_USER),
        server.url
    );
    Ok(())
}

async fn seed_rooms(
    server: &Homeserver,
    alice: &Client,
    bob: &Client,
    carol: &Client,
) -> Result<(), Error> {
    let alice_id = UserId::parse(server.user_id(DEMO_USER))?;
    let via: OwnedServerName = server.server_name.as_str().try_into()?;

    // An encrypted direct conversation with Bob.
    let dm = bob.create_dm(&alice_id).await?;
    join_all(alice).await?;
    for line in [
        "Hi Alice! Did you get a chance to look at the onboarding slides?",
        "No rush, but the townhall is on Thursday 🙂",
        "Also: the new meeting room screens arrive next week.",
    ] {
        dm.send(RoomMessageEventContent::text_plain(line)).await?;
    }

    // A group room.
    let design = create(
        carol,
        "Design team",
        "Colours, type and the calm interface",
        &[&alice_id, bob.user_id().ok_or("bob")?],
        true,
        None,
    )
    .await?;
    join_all(alice).await?;
    join_all(bob).await?;
    let design_carol = carol.get_room(&design).ok_or("design room missing")?;
    design_carol
        .send(RoomMessageEventContent::text_plain(
            "I pushed the new dark palette to the shared folder.",
        ))
        .await?;
    bob.get_room(&design)
        .ok_or("design room missing")?
        .send(RoomMessageEventContent::text_plain(
            "Looks great. The avatars finally have contrast.",
        ))
        .await?;
    design_carol
        .send(RoomMessageEventContent::text_plain(
            "Review on Friday? @alice",
        ))
        .await?;

    // A space with two rooms.
    let space = create(
        carol,
        "Sparks Project",
        "Everything about the Sparks rollout",
        &[&alice_id],
        false,
        Some(RoomType::Space),
    )
    .await?;
    let space_room = carol.get_room(&space).ok_or("space missing")?;
    let mut children = Vec::new();
    for (name, topic) in [
        ("Announcements", "News for everyone"),
        ("Engineering", "Builds, servers and bugs"),
    ] {
        let id = create(carol, name, topic, &[&alice_id], false, None).await?;
        let room = carol.get_room(&id).ok_or("space child missing")?;
        room.send_state_event_for_key(&space, SpaceParentEventContent::new(vec![via.clone()]))
            .await?;
        space_room
            .send_state_event_for_key(&id, SpaceChildEventContent::new(vec![via.clone()]))
            .await?;
        children.push(room);
    }
    join_all(alice).await?;
    for (room, lines) in children.iter().zip([
        vec!["Welcome to the Sparks pilot! Questions go to Engineering."],
        vec![
            "The staging homeserver was upgraded this morning.",
            "Middleware deploy is green.",
        ],
    ]) {
        for line in lines {
            room.send(RoomMessageEventContent::text_plain(line)).await?;
        }
    }

    // One invitation left open, so the list shows how invites look.
    create(
        carol,
        "Book club",
        "This month: The Left Hand of Darkness",
        &[&alice_id],
        false,
        None,
    )
    .await?;
    Ok(())
}

async fn create(
    client: &Client,
    name: &str,
    topic: &str,
    invite: &[&UserId],
    encrypted: bool,
    kind: Option<RoomType>,
) -> Result<OwnedRoomId, Error> {
    let mut request = CreateRoom::new();
    request.name = Some(name.to_owned());
    request.topic = Some(topic.to_owned());
    request.invite = invite.iter().map(|u| (*u).to_owned()).collect();
    if encrypted {
        request.initial_state = vec![
            InitialStateEvent::with_empty_state_key(
                RoomEncryptionEventContent::with_recommended_defaults(),
            )
            .to_raw_any(),
        ];
    }
    if let Some(kind) = kind {
        let mut content = CreationContent::new();
        content.room_type = Some(kind);
        request.creation_content = Some(Raw::new(&content)?);
    }
    Ok(client.create_room(request).await?.room_id().to_owned())
}

/// Syncs and accepts every pending invitation.
async fn join_all(client: &Client) -> Result<(), Error> {
    client
        .sync_once(SyncSettings::default().timeout(Duration::from_secs(1)))
        .await?;
    for room in client.invited_rooms() {
        room.join().await?;
    }
    Ok(())
}

/// Lets the demo session sync what exists so the app starts with a warm store, then stops it.
async fn settle(session: &Session) {
    tokio::time::sleep(Duration::from_secs(3)).await;
    session.stop().await;
}

fn tempdir(home: &Path) -> Result<PathBuf, Error> {
    let dir = home.join("seed-clients");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// Alice's calendars on Radicale (a work calendar and the one Bob shares), a week of events
/// around today in Berlin time, and an address book with Bob and Carol. Runs on every start;
/// what is there already stays.
async fn seed_calendar(radicale: &str, server: &Homeserver) -> Result<(), Error> {
    use chrono::{Datelike, TimeZone};
    use sparks_api::pim::{Attendee, EventDetails, Participation};
    use sparks_dav::{Dav, DavError};
    let base = url::Url::parse(radicale)?;
    let alice = Dav::new(
        reqwest::Client::new(),
        base.clone(),
        "radicale",
        "alice",
        "alicepass",
    );
    alice.discover().await?;
    let zone = chrono_tz::Europe::Berlin;
    let today = chrono::Utc::now().with_timezone(&zone).date_naive();
    let monday = today - chrono::Duration::days(i64::from(today.weekday().num_days_from_monday()));
    for (path, name, colour, book) in [
        ("alice/work/", "Work", Some("#3b82f6"), false),
        ("alice/shared/", "Team", Some("#10b981"), false),
        ("alice/contacts/", "Contacts", None, true),
    ] {
        match alice
            .create_collection(&base.join(path)?, name, colour, book)
            .await
        {
            Ok(()) | Err(DavError::Conflict | DavError::Forbidden(_)) => {}
            Err(DavError::Protocol(p)) if p.contains("405") => {}
            Err(e) => return Err(e.into()),
        }
    }
    let at = |day: i64, h: u32, m: u32| {
        zone.from_local_datetime(
            &(monday + chrono::Duration::days(day))
                .and_hms_opt(h, m, 0)
                .unwrap_or_default(),
        )
        .earliest()
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_default()
    };
    let bob = Attendee {
        email: "bob@example.org".into(),
        name: Some("Bob Demo".into()),
        status: Participation::Accepted,
    };
    let events = [
        (
            "work",
            "standup-mon",
            "Stand-up",
            at(0, 9, 30),
            at(0, 9, 45),
            vec![],
        ),
        (
            "work",
            "planning",
            "Planning Q1",
            at(1, 10, 0),
            at(1, 11, 30),
            vec![bob.clone()],
        ),
        (
            "shared",
            "lunch",
            "Team lunch",
            at(2, 12, 0),
            at(2, 13, 0),
            vec![bob.clone()],
        ),
        (
            "work",
            "one-on-one",
            "1:1 with Carol",
            at(3, 15, 0),
            at(3, 15, 30),
            vec![],
        ),
        (
            "shared",
            "review",
            "Design review",
            at(4, 14, 0),
            at(4, 15, 0),
            vec![bob],
        ),
        (
            "work",
            "roadmap",
            "Roadmap with Carol",
            at(3, 11, 0),
            at(3, 12, 0),
            vec![Attendee {
                email: "alice@example.org".into(),
                name: Some("Alice Demo".into()),
                status: Participation::NeedsAction,
            }],
        ),
    ];
    for (calendar, uid, title, start, end, attendees) in events {
        let details = EventDetails {
            title: title.into(),
            start,
            end,
            all_day: false,
            time_zone: Some("Europe/Berlin".into()),
            location: String::new(),
            description: String::new(),
            // Carol invites Alice to the roadmap talk; Alice organises the rest.
            organizer: Some(Attendee {
                email: if uid == "roadmap" {
                    "carol@example.org"
                } else {
                    "alice@example.org"
                }
                .into(),
                name: None,
                status: Participation::Accepted,
            })
            .filter(|_| !attendees.is_empty()),
            attendees,
            meeting: None,
            reminders: vec![10],
            repeat: None,
        };
        let href = base.join(&format!("alice/{calendar}/{uid}.ics"))?;
        kept(
            alice
                .put(
                    &href,
                    sparks_dav::ical::create(uid, &details, chrono::Utc::now()),
                    None,
                )
                .await,
        )?;
    }
    for (id, name, email, user) in [
        ("bob", "Bob Demo", "bob@example.org", "bob"),
        ("carol", "Carol Demo", "carol@example.org", "carol"),
    ] {
        let card = format!(
            "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:{id}\r\nFN:{name}\r\nEMAIL:{email}\r\nORG:Sparks Demo\r\n\
             IMPP:matrix:u/{}\r\nEND:VCARD\r\n",
            server.user_id(user).trim_start_matches('@')
        );
        kept(
            alice
                .put(&base.join(&format!("alice/contacts/{id}.vcf"))?, card, None)
                .await,
        )?;
    }
    println!("Radicale: calendars and contacts for alice / alicepass");
    Ok(())
}

/// A PUT that found the object there already (an earlier seeding) is fine.
fn kept(result: Result<Option<String>, sparks_dav::DavError>) -> Result<(), Error> {
    match result {
        Ok(_) | Err(sparks_dav::DavError::Conflict) => Ok(()),
        Err(e) => Err(e.into()),
    }
}
