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
use sparks_domain::{
    Link, ListDiff, Mention, Message, MessageBody, Outgoing, Reaction, SendState, TimelineEntry,
    TimelineItem,
};
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

/// A plain message as the composer would hand it over.
fn say(text: &str) -> Outgoing {
    Outgoing {
        text: text.into(),
        ..Outgoing::default()
    }
}

fn plain(message: &Message) -> String {
    match &message.body {
        MessageBody::Text(rich) | MessageBody::Notice(rich) | MessageBody::Emote(rich) => {
            rich.to_plain()
        }
        _ => String::new(),
    }
}

/// The message whose text is `text`.
fn find<'a>(items: &'a [TimelineItem], text: &str) -> Option<&'a Message> {
    messages(items).find(|m| plain(m) == text)
}

/// The events of the shared room as the friend's client has them (decrypted), newest first.
async fn friend_events(p: &Pair) -> Vec<serde_json::Value> {
    let _ = p
        .friend
        .sync_once(SyncSettings::default().timeout(Duration::from_millis(500)))
        .await;
    let Some(room) = p.friend.get_room(p.friend_room.room_id()) else {
        return Vec::new();
    };
    let mut options = matrix_sdk::room::MessagesOptions::backward();
    options.limit = 50u32.into();
    let Ok(messages) = room.messages(options).await else {
        return Vec::new();
    };
    messages
        .chunk
        .iter()
        .filter_map(|event| serde_json::from_str(event.raw().json().get()).ok())
        .collect()
}

/// Waits until the friend's client has an event for which `check` holds.
async fn friend_sees(
    p: &Pair,
    what: &str,
    check: impl Fn(&serde_json::Value) -> bool,
) -> Result<(), Error> {
    eventually(WAIT, what, || async {
        friend_events(p).await.iter().any(&check)
    })
    .await
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
            // With threads on, the room's own timeline is read with a "main" thread receipt.
            room.load_user_receipt(ReceiptType::Read, ReceiptThread::Main, &me)
                .await
                .is_ok_and(|r| r.is_some())
        }
    })
    .await?;

    p.room.send(&say("Hi back")).await?;
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

    // The friend reads it: the receipt shows on our message.
    let hi_back = find(&items, "Hi back").ok_or("sent")?.event.clone();
    p.friend_room
        .send_single_receipt(
            matrix_sdk::ruma::api::client::receipt::create_receipt::v3::ReceiptType::Read,
            ReceiptThread::Main,
            hi_back.as_str().try_into()?,
        )
        .await?;
    let friend_id = p.friend.user_id().ok_or("no user")?.to_string();
    until(
        &mut updates,
        &mut items,
        "the friend's read receipt",
        |items| find(items, "Hi back").is_some_and(|m| m.read_by == [friend_id.clone()]),
    )
    .await?;

    // Leaving the room moves the read marker to the end: what arrives later shows after the
    // "new messages" line when the room is opened again.
    p.room.mark_fully_read().await?;
    p.friend_room
        .send(RoomMessageEventContent::text_plain("While you were away"))
        .await?;
    let again = p
        .session
        .open_room(p.friend_room.room_id().as_str())
        .await?;
    let mut updates = pin!(again.items());
    let mut items = Vec::new();
    until(
        &mut updates,
        &mut items,
        "the marker before the new message",
        |items| {
            let marker = items
                .iter()
                .position(|i| i.entry == TimelineEntry::ReadMarker);
            let new = items.iter().position(|i| match &i.entry {
                TimelineEntry::Message(m) => plain(m) == "While you were away",
                _ => false,
            });
            let old = items.iter().position(|i| match &i.entry {
                TimelineEntry::Message(m) => plain(m) == "Hi back",
                _ => false,
            });
            matches!((old, marker, new), (Some(o), Some(m), Some(n)) if o < m && m < n)
        },
    )
    .await?;
    drop(p.session);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn encrypted_rooms_decrypt_both_ways() -> Result<(), Error> {
    let p = pair(true).await?;
    let mut updates = pin!(p.room.items());
    let mut items = Vec::new();
    p.room.send(&say("Secret from Sparks")).await?;
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
    let deep = "<b>".repeat(10_000) + "deep";
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
        (
            "m.room.message",
            serde_json::json!({
                "msgtype": "m.text",
                "body": "nested",
                "format": "org.matrix.custom.html",
                "formatted_body": deep,
            }),
        ),
        (
            "m.room.message",
            serde_json::json!({
                "msgtype": "m.text",
                "body": "pixel",
                "format": "org.matrix.custom.html",
                "formatted_body": "<img src=\"https://tracker.example/p.png\" alt=\"pixel\"><a href=\"javascript:x()\">go</a>",
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
    let texts: Vec<String> = messages(&items).map(plain).collect();
    assert!(
        texts
            .iter()
            .any(|t| t.len() > 10_000 && t.starts_with("AAAA") && t.ends_with('…')),
        "a huge body is shown, cut to a readable length"
    );
    // matrix-sdk-ui sanitizes before Sparks sees the HTML, keeping the text of tags it drops:
    // the script is shown as words, never run.
    let short: Vec<&str> = texts
        .iter()
        .filter(|t| t.len() < 200)
        .map(String::as_str)
        .collect();
    assert!(
        short
            .iter()
            .any(|t| t.ends_with("unclosed tags") && !t.contains('<')),
        "broken HTML still reads, with no markup left: {short:?}"
    );
    assert!(
        texts.contains(&"nested".to_owned()),
        "absurdly nested HTML falls back to the plain body"
    );
    assert!(
        texts.contains(&"[pixel]go".to_owned()),
        "remote images show their alt text only; a javascript: link is no link"
    );
    assert!(
        bodies
            .iter()
            .any(|b| matches!(b, MessageBody::Unsupported(kind) if kind == "m.room.message")),
        "an unparseable message shows as unsupported, not as nothing: {bodies:?}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn replies_mentions_edits_reactions_and_deletions_go_both_ways() -> Result<(), Error> {
    // Encrypted, so every one of these goes through E2EE too.
    let p = pair(true).await?;
    let mut updates = pin!(p.room.items());
    let mut items = Vec::new();
    friend_says(&p, &mut updates, &mut items, "Who has the slides?").await?;
    let question = find(&items, "Who has the slides?")
        .map(|m| m.event.clone())
        .ok_or("no question")?;
    let friend_id = p.friend.user_id().ok_or("friend has no id")?.to_string();

    // A Markdown reply that mentions the friend.
    p.room
        .send(&Outgoing {
            text: "**Me**, ask @Friendly Writer".into(),
            mentions: vec![Mention {
                label: "Friendly Writer".into(),
                user_id: friend_id.clone(),
            }],
            reply_to: Some(question.clone()),
        })
        .await?;
    until(&mut updates, &mut items, "our reply, sent", |items| {
        find(items, "Me, ask Friendly Writer").is_some_and(|m| {
            m.state == SendState::Sent
                && m.event.starts_with('$')
                && m.reply_to.as_ref().is_some_and(|q| {
                    q.event_id == question && q.text.as_deref() == Some("Who has the slides?")
                })
        })
    })
    .await?;
    let answer = find(&items, "Me, ask Friendly Writer").ok_or("no answer")?;
    let MessageBody::Text(rich) = &answer.body else {
        return Err(format!("not text: {:?}", answer.body).into());
    };
    let spans: Vec<_> = rich
        .blocks
        .iter()
        .flat_map(|block| match block {
            sparks_domain::Block::Paragraph(spans) => spans.clone(),
            _ => Vec::new(),
        })
        .collect();
    assert!(
        spans.iter().any(|s| s.text == "Me" && s.style.bold),
        "{spans:?}"
    );
    assert!(
        spans
            .iter()
            .any(|s| s.link == Some(Link::User(friend_id.clone()))),
        "the mention shows as a pill: {spans:?}"
    );
    let answer = answer.event.clone();
    friend_sees(&p, "the reply with its formatting and mention", |event| {
        let content = &event["content"];
        event["event_id"] == answer.as_str()
            && content["m.relates_to"]["m.in_reply_to"]["event_id"] == question.as_str()
            && content["formatted_body"].as_str().is_some_and(|html| {
                html.contains("<strong>Me</strong>")
                    && html.contains(&format!("https://matrix.to/#/{friend_id}"))
            })
            && content["m.mentions"]["user_ids"] == serde_json::json!([friend_id])
    })
    .await?;

    // An edit.
    p.room.edit(&answer, &say("Carol has them")).await?;
    until(&mut updates, &mut items, "our edit", |items| {
        messages(items).any(|m| m.event == answer && m.edited && plain(m) == "Carol has them")
    })
    .await?;
    friend_sees(&p, "the edit", |event| {
        let content = &event["content"];
        content["m.relates_to"]["rel_type"] == "m.replace"
            && content["m.relates_to"]["event_id"] == answer.as_str()
            && content["m.new_content"]["body"] == "Carol has them"
    })
    .await?;

    // Reactions: ours, then the friend's on the same key.
    p.room.toggle_reaction(&question, "👍").await?;
    until(&mut updates, &mut items, "our reaction", |items| {
        messages(items).any(|m| {
            m.event == question
                && m.reactions
                    == [Reaction {
                        key: "👍".into(),
                        count: 1,
                        mine: true,
                    }]
        })
    })
    .await?;
    let me = p.session.user_id();
    friend_sees(&p, "our reaction", |event| {
        event["type"] == "m.reaction"
            && event["sender"] == me.as_str()
            && event["content"]["m.relates_to"]["key"] == "👍"
    })
    .await?;
    {
        use matrix_sdk::ruma::events::reaction::ReactionEventContent;
        use matrix_sdk::ruma::events::relation::Annotation;
        let target = matrix_sdk::ruma::EventId::parse(&question)?;
        p.friend_room
            .send(ReactionEventContent::new(Annotation::new(
                target,
                "👍".into(),
            )))
            .await?;
    }
    until(&mut updates, &mut items, "both reactions", |items| {
        messages(items).any(|m| {
            m.event == question && m.reactions.first().is_some_and(|r| r.count == 2 && r.mine)
        })
    })
    .await?;
    // Clicking our reaction again takes it back.
    p.room.toggle_reaction(&question, "👍").await?;
    until(
        &mut updates,
        &mut items,
        "our reaction withdrawn",
        |items| {
            messages(items).any(|m| {
                m.event == question && m.reactions.first().is_some_and(|r| r.count == 1 && !r.mine)
            })
        },
    )
    .await?;

    // Deleting our message.
    p.room.redact(&answer).await?;
    until(&mut updates, &mut items, "our message deleted", |items| {
        messages(items).any(|m| m.event == answer && m.body == MessageBody::Redacted)
    })
    .await?;
    friend_sees(&p, "the deletion", |event| {
        event["type"] == "m.room.redaction"
            && (event["redacts"] == answer.as_str()
                || event["content"]["redacts"] == answer.as_str())
    })
    .await?;
    // The friend's messages are not ours to edit or delete.
    let theirs = find(&items, "Who has the slides?").ok_or("question gone")?;
    assert!(!theirs.editable && !theirs.redactable);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn typing_notifications_show_who_is_typing() -> Result<(), Error> {
    let p = pair(false).await?;
    let mut typing = pin!(p.room.typing());
    let deadline = tokio::time::Instant::now() + WAIT;
    let mut shows = async |wanted: &[&str], what: &str| -> Result<(), Error> {
        loop {
            let names = tokio::time::timeout_at(deadline, typing.next())
                .await
                .map_err(|_| format!("{what} never showed"))?
                .ok_or("typing stream ended")?;
            if names == wanted {
                return Ok(());
            }
        }
    };
    p.friend_room.typing_notice(true).await?;
    shows(&["Friendly Writer"], "the friend typing").await?;
    p.friend_room.typing_notice(false).await?;
    shows(&[], "the friend stopping").await?;
    // Ours go out without error (the server would refuse a room we are not in).
    p.room.set_typing(true).await?;
    p.room.set_typing(false).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn push_rules_decide_notifications() -> Result<(), Error> {
    let p = pair(false).await?;
    let mut notifications = pin!(p.session.notifications());
    // A two-person room: the default rules notify every message, with a sound.
    p.friend_room
        .send(RoomMessageEventContent::text_plain(
            "ping from the other side",
        ))
        .await?;
    let deadline = tokio::time::Instant::now() + WAIT;
    let notification = loop {
        let next = tokio::time::timeout_at(deadline, notifications.next())
            .await
            .map_err(|_| "no notification arrived")?
            .ok_or("notification stream ended")?;
        if next.body.as_deref() == Some("ping from the other side") {
            break next;
        }
    };
    assert_eq!(notification.room_id, p.friend_room.room_id().as_str());
    assert_eq!(notification.sender_name, "Friendly Writer");
    assert!(notification.sound, "one-to-one messages ring");
    Ok(())
}
