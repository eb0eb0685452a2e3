// matrix-sdk-ui's timeline futures nest deeply; proving them `Send` needs a deeper query limit.
#![recursion_limit = "256"]

//! Live tests of open rooms: reading, sending and hostile events, against Synapse.

use std::pin::pin;
use std::time::Duration;

use futures_util::{Stream, StreamExt};
use matrix_sdk::config::SyncSettings;
use matrix_sdk::ruma::api::client::room::create_room::v3::Request as CreateRoom;
use matrix_sdk::ruma::events::receipt::{ReceiptThread, ReceiptType};
use matrix_sdk::ruma::events::room::message::RoomMessageEventContent;
use sparks_domain::{ListDiff, Message, MessageBody, SendState, TimelineEntry, TimelineItem};
use sparks_matrix::{OpenRoom, Session};
use sparks_tests::{Error, Homeserver, apply_until, eventually, sign_in};

const WAIT: Duration = Duration::from_secs(60);

fn messages(items: &[TimelineItem]) -> impl Iterator<Item = &Message> {
    items.iter().filter_map(|item| match &item.entry {
        TimelineEntry::Message(message) => Some(message),
        _ => None,
    })
}

async fn until(
    updates: &mut (impl Stream<Item = Vec<ListDiff<TimelineItem>>> + Unpin),
    items: &mut Vec<TimelineItem>,
    what: &str,
    done: impl Fn(&[TimelineItem]) -> bool,
) -> Result<(), Error> {
    apply_until(updates, items, WAIT, what, done).await
}

/// The friend writes `text`; waits until the Sparks timeline shows it.
async fn friend_says(
    p: &Pair,
    updates: &mut (impl Stream<Item = Vec<ListDiff<TimelineItem>>> + Unpin),
    items: &mut Vec<TimelineItem>,
    text: &str,
) -> Result<(), Error> {
    p.friend_room
        .send(RoomMessageEventContent::text_plain(text))
        .await?;
    until(updates, items, text, |items| {
        messages(items).any(|m| m.body == MessageBody::Text(text.into()))
    })
    .await
}

/// A Sparks session and a plain client of someone else, sharing a fresh room.
struct Pair {
    session: Session,
    friend: matrix_sdk::Client,
    room: OpenRoom,
    friend_room: matrix_sdk::Room,
    _dirs: Vec<tempfile::TempDir>,
}

async fn pair(encrypted: bool) -> Result<Pair, Error> {
    let server = Homeserver::from_env();
    let (me, password) = server.new_user("reader").await?;
    let (friend, friend_password) = server.new_user("writer").await?;
    let home = tempfile::tempdir()?;
    let friend_dir = tempfile::tempdir()?;
    let session = sign_in(&server.login_request(&me, &password), home.path()).await?;
    session.start().await;
    let friend_client = server
        .client(&friend, &friend_password, friend_dir.path())
        .await?;
    friend_client
        .account()
        .set_display_name(Some("Friendly Writer"))
        .await?;
    let mut request = CreateRoom::new();
    request.name = Some("Timeline test".into());
    request.invite = vec![server.user_id(&me).try_into()?];
    if encrypted {
        use matrix_sdk::ruma::events::InitialStateEvent;
        use matrix_sdk::ruma::events::room::encryption::RoomEncryptionEventContent;
        request.initial_state = vec![
            InitialStateEvent::with_empty_state_key(
                RoomEncryptionEventContent::with_recommended_defaults(),
            )
            .to_raw_any(),
        ];
    }
    let friend_room = friend_client.create_room(request).await?;
    // Accept the invitation from a second device of ours, then wait until Sparks sees the room.
    let other_dir = tempfile::tempdir()?;
    let me_elsewhere = server.client(&me, &password, other_dir.path()).await?;
    me_elsewhere.join_room_by_id(friend_room.room_id()).await?;
    let id = friend_room.room_id().to_string();
    let deadline = tokio::time::Instant::now() + WAIT;
    let room = loop {
        match session.open_room(&id).await {
            Ok(room) => break room,
            Err(_) if tokio::time::Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(200)).await
            }
            Err(error) => {
                return Err(format!("the room never reached the Sparks session: {error}").into());
            }
        }
    };
    Ok(Pair {
        session,
        friend: friend_client,
        room,
        friend_room,
        _dirs: vec![home, friend_dir, other_dir],
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn messages_arrive_and_ours_go_out_with_a_local_echo() -> Result<(), Error> {
    let p = pair(false).await?;
    let mut updates = pin!(p.room.items());
    let mut items = Vec::new();

    p.friend_room
        .send(RoomMessageEventContent::text_plain(
            "Hello from the other side",
        ))
        .await?;
    until(&mut updates, &mut items, "the friend's message", |items| {
        messages(items).any(|m| {
            m.body == MessageBody::Text("Hello from the other side".into())
                && m.sender_name == "Friendly Writer"
                && !m.from_me
        })
    })
    .await?;

    // Reading it sends a read receipt the other side sees.
    p.room.mark_read().await?;
    let me: matrix_sdk::ruma::OwnedUserId = p.session.user_id().try_into()?;
    let (friend, room_id) = (p.friend.clone(), p.friend_room.room_id().to_owned());
    eventually(WAIT, "our read receipt to reach the friend", || {
        let (friend, room_id, me) = (friend.clone(), room_id.clone(), me.clone());
        async move {
            let _ = friend
                .sync_once(SyncSettings::default().timeout(Duration::from_millis(500)))
                .await;
            let Some(room) = friend.get_room(&room_id) else {
                return false;
            };
            room.load_user_receipt(ReceiptType::Read, ReceiptThread::Unthreaded, &me)
                .await
                .is_ok_and(|r| r.is_some())
        }
    })
    .await?;

    p.room.send_text("Hi back").await?;
    until(&mut updates, &mut items, "our message, sent", |items| {
        messages(items).any(|m| {
            m.body == MessageBody::Text("Hi back".into()) && m.from_me && m.state == SendState::Sent
        })
    })
    .await?;

    // The other side really received it.
    let friend = p.friend.clone();
    let room_id = p.friend_room.room_id().to_owned();
    eventually(WAIT, "the friend to receive our message", || {
        let friend = friend.clone();
        let room_id = room_id.clone();
        async move {
            let _ = friend
                .sync_once(SyncSettings::default().timeout(Duration::from_millis(500)))
                .await;
            let Some(room) = friend.get_room(&room_id) else {
                return false;
            };
            let Ok(messages) = room
                .messages(matrix_sdk::room::MessagesOptions::backward())
                .await
            else {
                return false;
            };
            messages
                .chunk
                .iter()
                .any(|event| event.raw().json().get().contains("Hi back"))
        }
    })
    .await?;
    drop(p.session);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn encrypted_rooms_decrypt_both_ways() -> Result<(), Error> {
    let p = pair(true).await?;
    let mut updates = pin!(p.room.items());
    let mut items = Vec::new();
    p.room.send_text("Secret from Sparks").await?;
    until(
        &mut updates,
        &mut items,
        "our encrypted message, sent",
        |items| {
            messages(items).any(|m| {
                m.body == MessageBody::Text("Secret from Sparks".into())
                    && m.state == SendState::Sent
            })
        },
    )
    .await?;
    // The friend's encrypted message arrives decrypted.
    friend_says(&p, &mut updates, &mut items, "Secret back").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_and_unknown_events_are_shown_safely() -> Result<(), Error> {
    let p = pair(false).await?;
    let mut updates = pin!(p.room.items());
    let mut items = Vec::new();
    let huge = "A".repeat(60_000);
    let hostile = [
        (
            "m.room.message",
            serde_json::json!({ "msgtype": "org.example.weird", "body": "weird but readable" }),
        ),
        (
            "org.example.custom",
            serde_json::json!({ "anything": [1, 2, 3] }),
        ),
        (
            "m.room.message",
            serde_json::json!({ "msgtype": "m.image", "body": "broken.png", "url": 5 }),
        ),
        (
            "m.room.message",
            serde_json::json!({ "msgtype": "m.text", "body": huge.clone() }),
        ),
        (
            "m.room.message",
            serde_json::json!({ "msgtype": "m.image", "body": "cat.png", "url": "not an mxc uri" }),
        ),
        (
            "m.room.message",
            serde_json::json!({
                "msgtype": "m.text",
                "body": "tagged",
                "format": "org.matrix.custom.html",
                "formatted_body": "<script>alert(1)</script><b>unclosed <i>tags",
            }),
        ),
    ];
    for (event_type, content) in hostile {
        p.friend_room.send_raw(event_type, content).await?;
    }
    friend_says(&p, &mut updates, &mut items, "still alive").await?;
    // The first of them may be older than what the sync delivered: load the history.
    let mut reached_start = false;
    while !reached_start
        && !messages(&items).any(|m| m.body == MessageBody::Text("weird but readable".into()))
    {
        reached_start = p.room.load_older(50).await?;
        let _ = tokio::time::timeout(Duration::from_secs(2), async {
            while let Some(diffs) = updates.next().await {
                for diff in diffs {
                    let _ = diff.apply(&mut items);
                }
            }
        })
        .await;
    }
    let bodies: Vec<&MessageBody> = messages(&items).map(|m| &m.body).collect();
    assert!(
        bodies.contains(&&MessageBody::Text("weird but readable".into())),
        "unknown msgtypes show their body"
    );
    assert!(
        bodies.contains(&&MessageBody::Text(huge)),
        "a long body arrives whole"
    );
    assert!(
        bodies.contains(&&MessageBody::Text("tagged".into())),
        "broken HTML falls back to the plain body"
    );
    assert!(
        bodies
            .iter()
            .any(|b| matches!(b, MessageBody::Unsupported(kind) if kind == "m.room.message")),
        "an unparseable message shows as unsupported, not as nothing: {bodies:?}"
    );
    Ok(())
}
