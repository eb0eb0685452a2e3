//! The chat benchmark's Rust side, run by `cargo xtask bench chat`:
//!
//! - `sparks-bench seed STATE_FILE`: an account with 1,000 rooms (one message each) and one
//!   room of 10,000 messages; writes what it made to STATE_FILE. Skipped if the file exists.
//! - `sparks-bench prime STATE_FILE HOME`: signs the account in to a portable Sparks home and
//!   syncs until every room is known, so `measure` starts from a cached session.
//! - `sparks-bench measure STATE_FILE HOME`: restores that session in this fresh process and
//!   prints `room_list_ms=… first_screen_ms=… open_room_ms=… rss_mb=…`.
//!
//! The homeserver comes from `SPARKS_TEST_HOMESERVER`, `SPARKS_TEST_SERVER_NAME` and
//! `SPARKS_TEST_REGISTRATION_SECRET`, as for the live tests.

// matrix-sdk-ui's timeline futures nest deeply; proving them `Send` needs a deeper query limit.
#![recursion_limit = "256"]

use std::path::Path;
use std::pin::pin;
use std::time::{Duration, Instant};

use futures_util::{StreamExt, stream};
use matrix_sdk::ruma::api::client::room::create_room::v3::Request as CreateRoom;
use matrix_sdk::ruma::events::room::message::RoomMessageEventContent;
use sparks_domain::{RoomSummary, TimelineEntry, TimelineItem};
use sparks_matrix::RoomListUpdate;
use sparks_tests::{Error, Homeserver, Session, sign_in};

const USER: &str = "bench";
const PASSWORD: &str = "sparks-bench";
const ROOMS: usize = 1_000;
const EVENTS: usize = 10_000;
/// Requests in flight while seeding; Synapse on SQLite serialises writes anyway.
const PARALLEL: usize = 8;
/// Rooms that fill the first screen of the room list, messages that fill the open room.
const SCREEN_ROOMS: usize = 15;
const SCREEN_MESSAGES: usize = 20;
const WAIT: Duration = Duration::from_secs(600);

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["seed", state] => seed(Path::new(state)).await,
        ["prime", state, home] => prime(Path::new(state), Path::new(home)).await,
        ["measure", state, home] => measure(Path::new(state), Path::new(home)).await,
        _ => Err("usage: sparks-bench seed STATE | prime STATE HOME | measure STATE HOME".into()),
    }
}

/// What `seed` made: the big room, and how many rooms there are in all.
fn read_state(state: &Path) -> Result<(String, usize), Error> {
    let text = std::fs::read_to_string(state)?;
    let value: serde_json::Value = serde_json::from_str(&text)?;
    let big = value["big_room"].as_str().ok_or("no big_room")?.to_owned();
    let rooms = value["rooms"].as_u64().ok_or("no rooms")? as usize;
    Ok((big, rooms))
}

async fn seed(state: &Path) -> Result<(), Error> {
    if state.exists() {
        println!("already seeded ({})", state.display());
        return Ok(());
    }
    let server = Homeserver::from_env();
    server.register(USER, PASSWORD).await?;
    let dir = tempfile::tempdir()?;
    let client = server.client(USER, PASSWORD, dir.path()).await?;
    let started = Instant::now();
    let created = stream::iter(0..ROOMS)
        .map(|i| {
            let client = client.clone();
            async move {
                let mut request = CreateRoom::new();
                request.name = Some(format!("Room {i:04}"));
                let room = client.create_room(request).await?;
                room.send(RoomMessageEventContent::text_plain(format!(
                    "Hello from room {i}"
                )))
                .await?;
                Ok::<_, Error>(())
            }
        })
        .buffer_unordered(PARALLEL)
        .collect::<Vec<_>>()
        .await;
    created.into_iter().collect::<Result<Vec<_>, _>>()?;
    println!("{ROOMS} rooms in {:?}", started.elapsed());
    let mut request = CreateRoom::new();
    request.name = Some("The big room".into());
    let big = client.create_room(request).await?;
    let started = Instant::now();
    // Sent in order, a few at a time: the room reads like a long conversation.
    for chunk in (0..EVENTS).collect::<Vec<_>>().chunks(PARALLEL) {
        let sends = chunk.iter().map(|i| {
            let big = big.clone();
            async move {
                big.send(RoomMessageEventContent::text_plain(format!(
                    "Message {i} of a long conversation, with a few words to make it realistic."
                )))
                .await
            }
        });
        for sent in futures_util::future::join_all(sends).await {
            sent?;
        }
    }
    println!("{EVENTS} messages in {:?}", started.elapsed());
    let json = serde_json::json!({ "big_room": big.room_id().to_string(), "rooms": ROOMS + 1 });
    std::fs::write(state, json.to_string())?;
    Ok(())
}

async fn prime(state: &Path, home: &Path) -> Result<(), Error> {
    let (_, rooms) = read_state(state)?;
    let server = Homeserver::from_env();
    let session = match sparks_tests::restore(home).await? {
        Some(session) => session,
        None => sign_in(&server.login_request(USER, PASSWORD), home).await?,
    };
    session.start().await;
    let mut list = Vec::new();
    room_list(&session, &mut list, rooms).await?;
    // Let the store settle before the process ends.
    tokio::time::sleep(Duration::from_secs(2)).await;
    session.stop().await;
    println!("primed: {} rooms known", list.len());
    Ok(())
}

/// Follows the room list until it holds `until` rooms; returns when the first screen filled.
async fn room_list(
    session: &Session,
    list: &mut Vec<RoomSummary>,
    until: usize,
) -> Result<Duration, Error> {
    let started = Instant::now();
    let mut first_screen = None;
    let mut updates = pin!(session.rooms());
    let deadline = tokio::time::Instant::now() + WAIT;
    while list.len() < until {
        let update = tokio::time::timeout_at(deadline, updates.next())
            .await
            .map_err(|_| format!("only {} of {until} rooms arrived", list.len()))?
            .ok_or("the room list ended")?;
        if std::env::var_os("SPARKS_BENCH_TRACE").is_some() {
            let what = match &update {
                RoomListUpdate::Diffs(d) => format!("{} diffs", d.len()),
                other => format!("{other:?}"),
            };
            eprintln!(
                "{:>6} ms  {what}  (list {})",
                started.elapsed().as_millis(),
                list.len()
            );
        }
        match update {
            RoomListUpdate::Diffs(diffs) => {
                for diff in diffs {
                    diff.apply(list).map_err(|e| format!("{e:?}"))?;
                }
            }
            RoomListUpdate::Failed(reason) => return Err(reason.into()),
            RoomListUpdate::Loaded(_) => {}
        }
        if first_screen.is_none() && list.len() >= SCREEN_ROOMS {
            first_screen = Some(started.elapsed());
        }
    }
    Ok(first_screen.unwrap_or_else(|| started.elapsed()))
}

async fn measure(state: &Path, home: &Path) -> Result<(), Error> {
    let (big, rooms) = read_state(state)?;
    let started = Instant::now();
    let session = sparks_tests::restore(home)
        .await?
        .ok_or("no saved session: run prime first")?;
    let restored = started.elapsed();
    session.start().await;
    let sync_started = started.elapsed();
    let mut list = Vec::new();
    let listing = started.elapsed();
    let first_screen = listing + room_list(&session, &mut list, rooms).await?;
    let all_rooms = started.elapsed();

    let opening = Instant::now();
    let room = session.open_room(&big).await?;
    let mut items: Vec<TimelineItem> = Vec::new();
    let mut updates = pin!(room.items());
    let mut asked_for_more = false;
    let deadline = tokio::time::Instant::now() + WAIT;
    while messages(&items) < SCREEN_MESSAGES {
        let next = tokio::time::timeout_at(deadline, updates.next())
            .await
            .map_err(|_| "the big room never showed a screen of messages")?
            .ok_or("the timeline ended")?;
        for diff in next {
            diff.apply(&mut items).map_err(|e| format!("{e:?}"))?;
        }
        if messages(&items) < SCREEN_MESSAGES && !asked_for_more {
            asked_for_more = true;
            let room = room.clone();
            tokio::spawn(async move { room.load_older(SCREEN_MESSAGES as u16 * 2).await });
        }
    }
    let open_room = opening.elapsed();
    println!(
        "room_list_ms={} first_screen_ms={} restore_ms={} sync_start_ms={} open_room_ms={} rss_mb={}",
        all_rooms.as_millis(),
        first_screen.as_millis(),
        restored.as_millis(),
        sync_started.as_millis(),
        open_room.as_millis(),
        rss_mb().unwrap_or(0)
    );
    session.stop().await;
    Ok(())
}

fn messages(items: &[TimelineItem]) -> usize {
    items
        .iter()
        .filter(|item| matches!(item.entry, TimelineEntry::Message(_)))
        .count()
}

/// This process's resident memory, from `/proc/self/status`.
fn rss_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}
