// matrix-sdk-ui's timeline futures nest deeply; proving them `Send` needs a deeper query limit.
#![recursion_limit = "256"]

//! Interop with an independent Matrix client: matrix-nio, whose encryption is libolm's, not
//! matrix-rust-sdk's. Both sides must read each other's encrypted messages.

use std::pin::pin;
use std::time::Duration;

use sparks_domain::{MessageBody, NewRoom, NewRoomKind, Outgoing, SendState, TimelineEntry};
use sparks_tests::{Error, Homeserver, NioPeer, apply_until, sign_in};

const WAIT: Duration = Duration::from_secs(90);

#[tokio::test(flavor = "multi_thread")]
async fn encrypted_messages_go_both_ways_with_matrix_nio() -> Result<(), Error> {
    let server = Homeserver::from_env();
    let (me, password) = server.new_user("sparks").await?;
    let (nio_user, nio_password) = server.new_user("nio").await?;
    let home = tempfile::tempdir()?;
    let session = sign_in(&server.login_request(&me, &password), home.path()).await?;
    session.start().await;

    // Sparks creates an encrypted room and invites the nio user.
    let room_id = session
        .create_room(&NewRoom {
            kind: NewRoomKind::Group,
            name: "Interop".into(),
            topic: String::new(),
            invite: vec![server.user_id(&nio_user)],
            encrypted: true,
        })
        .await?;
    let mut peer = NioPeer::start(
        &server,
        &nio_user,
        &nio_password,
        &room_id,
        "Hello from nio",
        "Hello from Sparks",
    )
    .await?;
    peer.next("READY", WAIT).await?;
    peer.next("SENT", WAIT).await?;

    let room = session.open_room(&room_id).await?;
    let mut updates = pin!(room.items());
    let mut items = Vec::new();
    let said = |items: &[sparks_domain::TimelineItem], text: &str, mine: bool| {
        items.iter().any(|item| match &item.entry {
            TimelineEntry::Message(m) => {
                m.from_me == mine
                    && m.state == SendState::Sent
                    && matches!(&m.body, MessageBody::Text(rich) if rich.to_plain() == text)
            }
            _ => false,
        })
    };
    apply_until(
        &mut updates,
        &mut items,
        WAIT,
        "nio's encrypted message, decrypted",
        |items| said(items, "Hello from nio", false),
    )
    .await?;

    room.send(&Outgoing {
        text: "Hello from Sparks".into(),
        ..Outgoing::default()
    })
    .await?;
    apply_until(
        &mut updates,
        &mut items,
        WAIT,
        "our message, sent",
        |items| said(items, "Hello from Sparks", true),
    )
    .await?;
    assert_eq!(peer.next("GOT", WAIT).await?, "Hello from Sparks");
    peer.finish(WAIT).await?;
    Ok(())
}
