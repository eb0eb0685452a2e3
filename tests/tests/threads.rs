// matrix-sdk-ui's timeline futures nest deeply; proving them `Send` needs a deeper query limit.
#![recursion_limit = "256"]

//! Threads against Synapse: a reply sent in a thread stays out of the room's timeline, shows
//! as the root's summary there, and both sides see it in the thread.

use std::pin::pin;
use std::time::Duration;

use sparks_domain::{MessageBody, NewRoom, NewRoomKind, Outgoing, TimelineEntry, TimelineItem};
use sparks_tests::{Error, Homeserver, apply_until, two_people};

const WAIT: Duration = Duration::from_secs(60);

fn say(text: &str) -> Outgoing {
    Outgoing {
        text: text.into(),
        mentions: Vec::new(),
        reply_to: None,
    }
}

fn said<'a>(items: &'a [TimelineItem], text: &str) -> Option<&'a sparks_domain::Message> {
    items.iter().find_map(|item| match &item.entry {
        TimelineEntry::Message(m)
            if matches!(&m.body, MessageBody::Text(rich) if rich.to_plain() == text) =>
        {
            Some(m)
        }
        _ => None,
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn replies_in_a_thread_stay_in_the_thread() -> Result<(), Error> {
    let server = Homeserver::from_env();
    let (alice, bob, _homes) = two_people(&server, "thread").await?;
    let room_id = alice
        .create_room(&NewRoom {
            kind: NewRoomKind::Group,
            name: "Threads".into(),
            topic: String::new(),
            invite: vec![bob.user_id()],
            encrypted: true,
        })
        .await?;
    bob.join(&room_id).await?;

    let alice_room = alice.open_room(&room_id).await?;
    alice_room
        .send(&say("Which venue for the offsite?"))
        .await?;
    let mut alice_updates = pin!(alice_room.items());
    let mut alice_items = Vec::new();
    apply_until(
        &mut alice_updates,
        &mut alice_items,
        WAIT,
        "the root sent",
        |items| {
            said(items, "Which venue for the offsite?").is_some_and(|m| m.event.starts_with('$'))
        },
    )
    .await?;
    let root = said(&alice_items, "Which venue for the offsite?")
        .map(|m| m.event.clone())
        .ok_or("no root")?;

    // Bob answers in the thread.
    let bob_thread = bob.open_thread(&room_id, &root).await?;
    let mut bob_updates = pin!(bob_thread.items());
    bob_thread.load_older(30).await?;
    let mut bob_items = Vec::new();
    apply_until(
        &mut bob_updates,
        &mut bob_items,
        WAIT,
        "the root in Bob's thread",
        |items| said(items, "Which venue for the offsite?").is_some(),
    )
    .await?;
    bob_thread.send(&say("The boathouse")).await?;
    apply_until(
        &mut bob_updates,
        &mut bob_items,
        WAIT,
        "Bob's reply in the thread",
        |items| said(items, "The boathouse").is_some(),
    )
    .await?;

    // Alice's room shows a summary on the root, not the reply itself.
    apply_until(
        &mut alice_updates,
        &mut alice_items,
        WAIT,
        "the thread summary",
        |items| {
            said(items, "Which venue for the offsite?")
                .and_then(|m| m.thread.as_ref())
                .is_some_and(|t| t.replies == 1)
        },
    )
    .await?;
    let summary = said(&alice_items, "Which venue for the offsite?")
        .and_then(|m| m.thread.clone())
        .ok_or("no summary")?;
    assert_eq!(
        summary.latest.as_ref().map(|(_, text)| text.as_str()),
        Some("The boathouse")
    );
    assert!(
        said(&alice_items, "The boathouse").is_none(),
        "thread replies stay in the thread"
    );

    // Alice opens the thread, sees the reply, and answers there.
    let alice_thread = alice.open_thread(&room_id, &root).await?;
    let mut thread_updates = pin!(alice_thread.items());
    alice_thread.load_older(30).await?;
    let mut thread_items = Vec::new();
    apply_until(
        &mut thread_updates,
        &mut thread_items,
        WAIT,
        "Bob's reply for Alice",
        |items| said(items, "The boathouse").is_some(),
    )
    .await?;
    alice_thread.send(&say("Booked!")).await?;
    apply_until(
        &mut bob_updates,
        &mut bob_items,
        WAIT,
        "Alice's answer in Bob's thread",
        |items| said(items, "Booked!").is_some(),
    )
    .await?;
    apply_until(
        &mut alice_updates,
        &mut alice_items,
        WAIT,
        "two replies",
        |items| {
            said(items, "Which venue for the offsite?")
                .and_then(|m| m.thread.as_ref())
                .is_some_and(|t| t.replies == 2)
        },
    )
    .await?;
    // The room's list of threads, from the server: the root, decrypted, with both replies.
    let bob_room = bob.open_room(&room_id).await?;
    let mut threads = pin!(bob_room.threads());
    let listed = tokio::time::timeout(WAIT, async {
        while let Some(list) = futures_util::StreamExt::next(&mut threads).await {
            let list = list?;
            if let Some(found) = list.into_iter().find(|t| t.event == root && t.replies == 2) {
                return Ok::<_, Error>(found);
            }
        }
        Err("the thread list ended".into())
    })
    .await
    .map_err(|_| "the thread never showed in the list")??;
    assert_eq!(listed.text, "Which venue for the offsite?");
    assert_eq!(
        listed.latest.as_ref().map(|(_, text)| text.as_str()),
        Some("Booked!")
    );
    assert!(bob.open_thread(&room_id, "not an event id").await.is_err());
    alice.logout().await;
    bob.logout().await;
    Ok(())
}
