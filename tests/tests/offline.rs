// matrix-sdk-ui's timeline futures nest deeply; proving them `Send` needs a deeper query limit.
#![recursion_limit = "256"]

//! Offline against Synapse: with the network cut, messages written in Sparks wait in the send
//! queue — across a restart of the app — and go out once the server is back, each exactly once
//! and in order.

use std::pin::pin;
use std::time::Duration;

use matrix_sdk::config::SyncSettings;
use matrix_sdk::ruma::api::client::room::create_room::v3::Request as CreateRoom;
use sparks_domain::{MessageBody, Outgoing, SendState, TimelineEntry, TimelineItem};
use sparks_tests::cable::Cable;
use sparks_tests::{Error, Homeserver, apply_until, eventually, restore, sign_in};

const WAIT: Duration = Duration::from_secs(60);

fn say(text: &str) -> Outgoing {
    Outgoing {
        text: text.into(),
        ..Outgoing::default()
    }
}

/// The send state of each of our messages whose text starts with `prefix`, in timeline order.
fn ours(items: &[TimelineItem], prefix: &str) -> Vec<(String, SendState)> {
    items
        .iter()
        .filter_map(|item| match &item.entry {
            TimelineEntry::Message(m) if m.from_me => match &m.body {
                MessageBody::Text(rich) if rich.to_plain().starts_with(prefix) => {
                    Some((rich.to_plain(), m.state))
                }
                _ => None,
            },
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn messages_written_offline_go_out_once_when_the_server_is_back() -> Result<(), Error> {
    let server = Homeserver::from_env();
    let (me, password) = server.new_user("offline").await?;
    let (friend, friend_password) = server.new_user("online").await?;
    let (home, friend_dir) = (tempfile::tempdir()?, tempfile::tempdir()?);
    let cable = Cable::to(&server.url).await?;
    let mut request = server.login_request(&me, &password);
    request.homeserver = cable.url();
    let session = sign_in(&request, home.path()).await?;
    session.start().await;
    let friend = server
        .client(&friend, &friend_password, friend_dir.path())
        .await?;
    let mut create = CreateRoom::new();
    create.invite = vec![server.user_id(&me).try_into()?];
    let friend_room = friend.create_room(create).await?;
    let room_id = friend_room.room_id().to_string();
    eventually(WAIT, "the invitation", || async {
        session.join(&room_id).await.is_ok()
    })
    .await?;
    let room = session.open_room(&room_id).await?;
    let mut updates = pin!(room.items());
    let mut items = Vec::new();
    room.send(&say("online 0")).await?;
    apply_until(&mut updates, &mut items, WAIT, "the online message", |i| {
        ours(i, "online") == [("online 0".to_owned(), SendState::Sent)]
    })
    .await?;

    // The network goes away. Messages written now wait: the first one tried and is marked as
    // waiting for the connection, the queue holds the rest back behind it.
    cable.unplug();
    for text in ["offline 1", "offline 2"] {
        room.send(&say(text)).await?;
    }
    apply_until(&mut updates, &mut items, WAIT, "waiting messages", |i| {
        let states = ours(i, "offline");
        states.len() == 2 && states[0].1 == SendState::Waiting && states[1].1 != SendState::Sent
    })
    .await?;

    // The app is closed and opened again, still offline: the queue survives on disk.
    drop(room);
    session.stop().await;
    drop(session);
    let session = restore(home.path()).await?.ok_or("no saved session")?;
    session.start().await;
    room_opens_offline(&session, &room_id).await?;
    let room = session.open_room(&room_id).await?;
    room.send(&say("offline 3")).await?;
    let mut updates = pin!(room.items());
    let mut items = Vec::new();
    apply_until(
        &mut updates,
        &mut items,
        WAIT,
        "the queue after a restart",
        |i| {
            let states = ours(i, "offline");
            states.len() == 3 && states.iter().all(|(_, s)| *s != SendState::Sent)
        },
    )
    .await?;

    // The server is back: everything goes out, in order, once.
    cable.plug();
    apply_until(&mut updates, &mut items, WAIT, "all sent", |i| {
        let states = ours(i, "offline");
        states.len() == 3 && states.iter().all(|(_, s)| *s == SendState::Sent)
    })
    .await?;
    let texts: Vec<String> = ours(&items, "offline")
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    assert_eq!(texts, ["offline 1", "offline 2", "offline 3"]);

    eventually(WAIT, "the friend receives all three", || async {
        let _ = friend
            .sync_once(SyncSettings::default().timeout(Duration::from_millis(300)))
            .await;
        received(&friend_room).await.len() >= 3
    })
    .await?;
    // Give a duplicate the time to arrive, then look again.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let seen = received(&friend_room).await;
    assert_eq!(
        seen,
        ["offline 1", "offline 2", "offline 3"],
        "each message arrives exactly once, in order"
    );
    assert!(
        cable.connections() > 1,
        "the session talked through the cable"
    );
    Ok(())
}

/// The room is there from the local store although the server cannot be reached.
async fn room_opens_offline(session: &sparks_tests::Session, room_id: &str) -> Result<(), Error> {
    session
        .open_room(room_id)
        .await
        .map(drop)
        .map_err(|e| format!("the room did not open offline: {e}").into())
}

/// The bodies of the `offline …` messages in the friend's view of the room, oldest first.
async fn received(room: &matrix_sdk::Room) -> Vec<String> {
    let mut options = matrix_sdk::room::MessagesOptions::backward();
    options.limit = 50u32.into();
    let Ok(messages) = room.messages(options).await else {
        return Vec::new();
    };
    let mut bodies: Vec<String> = messages
        .chunk
        .iter()
        .filter_map(|event| {
            let json: serde_json::Value = serde_json::from_str(event.raw().json().get()).ok()?;
            let body = json["content"]["body"].as_str()?;
            body.starts_with("offline").then(|| body.to_owned())
        })
        .collect();
    bodies.reverse();
    bodies
}
