//! Calling someone, the way the app does it, against the real Synapse `cargo xtask test`
//! starts, a middleware, and the testkit's LiveKit-protocol SFU (a fixture: no LiveKit server
//! can run here): Alice joins the call of her direct chat with Bob (a MatrixRTC membership
//! naming the middleware as the focus), asks the middleware for a token the way Element Call
//! does, and joins the SFU; Bob's room list shows the call, he joins the same way, and each
//! sees and hears the other under their Matrix id. Leaving takes the membership back.

use std::time::Duration;

use futures_util::StreamExt;
use sparks_call::{Call, CallEvent, TrackKind};
use sparks_matrix::{CallMembership, RoomListUpdate, Session};
use sparks_middleware::config::Config;
use sparks_middleware_client::{Middleware, RtcMember, TokenRequest};
use sparks_tests::{Error, Homeserver, eventually, serve};

const SECRET: &str = "a-livekit-secret-long-enough-for-hs256";
const WAIT: Duration = Duration::from_secs(60);

async fn middleware(server: &Homeserver, livekit: &str, database: &str) -> Result<String, Error> {
    let admin = server.new_admin().await?;
    let text = sparks_tests::meeting_tenant(server, database, &admin, livekit, SECRET, "");
    serve(Config::parse(&text)?).await
}

/// What the app does to join a room's call: membership, token, SFU.
async fn join(
    session: &Session,
    middleware: &Middleware,
    room: &str,
) -> Result<(CallMembership, Call, sparks_call::Events), Error> {
    let membership = session.join_call(room, &middleware.focus_url()).await?;
    let token = session.openid_token().await?;
    let sfu = middleware
        .meeting_token(&TokenRequest {
            room_id: membership.room_id.clone(),
            slot_id: CallMembership::SLOT.into(),
            openid_token: sparks_middleware_client::OpenIdToken {
                access_token: token.access_token,
                token_type: "Bearer".into(),
                matrix_server_name: token.matrix_server_name,
                expires_in: token.expires_in_secs,
            },
            member: RtcMember {
                id: membership.member_id.clone(),
                claimed_user_id: membership.user_id.clone(),
                claimed_device_id: membership.device_id.clone(),
            },
        })
        .await?;
    let (call, events) = Call::join(&sfu.url, &sfu.jwt).await?;
    call.publish_audio(Box::new(sparks_media::Tone::new(500.0, 0.4)))?;
    call.publish_video(Box::new(sparks_media::TestPattern::new(320, 240)))?;
    Ok((membership, call, events))
}

/// Waits for the other's name and a decoded picture of theirs; returns the name.
async fn sees_the_other(events: &mut sparks_call::Events) -> Result<String, Error> {
    let mut name = None;
    let mut audio = false;
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let event = tokio::time::timeout_at(deadline, events.recv())
            .await
            .map_err(|_| format!("no picture in time (name {name:?}, audio {audio})"))?
            .ok_or("the call ended")?;
        match event {
            CallEvent::ParticipantJoined { name: joined, .. } => name = Some(joined),
            CallEvent::TrackSubscribed {
                kind: TrackKind::Audio,
                ..
            } => audio = true,
            CallEvent::Video { frame, .. } if audio && name.is_some() => {
                let colours = sparks_media::bar_colours(&frame).ok_or("not the test pattern")?;
                assert!(colours.len() >= 4, "{colours:?}");
                return name.ok_or_else(|| "no name".into());
            }
            CallEvent::Disconnected(error) => return Err(error.to_string().into()),
            _ => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn calling_someone_in_a_direct_chat() -> Result<(), Error> {
    let server = Homeserver::from_env();
    let lk = sparks_testkit::Sfu::start(sparks_testkit::Options {
        api_key: "sparks".into(),
        api_secret: SECRET.into(),
        ..sparks_testkit::Options::default()
    })
    .await?;
    let dir = tempfile::tempdir()?;
    let database = format!("sqlite://{}?mode=rwc", dir.path().join("mw.db").display());
    let url = middleware(&server, lk.url(), &database).await?;
    let mw = Middleware::connect(url::Url::parse(&url)?, &server.server_name).await?;
    let (alice, bob, _homes) = sparks_tests::two_people(&server, "call").await?;
    let bob_id = bob.user_id();
    let alice_id = alice.user_id();

    // Alice calls Bob: their direct chat (the same one when asked twice), then its call.
    let new = sparks_domain::NewRoom {
        kind: sparks_domain::NewRoomKind::Direct,
        name: String::new(),
        topic: String::new(),
        invite: vec![bob_id.clone()],
        encrypted: true,
    };
    let room = alice.create_room(&new).await?;
    eventually(WAIT, "Bob joining the direct chat", || async {
        bob.join(&room).await.is_ok()
    })
    .await?;
    let (mine, alice_call, mut alice_events) = join(&alice, &mw, &room).await?;
    assert_eq!(mine.member_id, format!("{}_m.call", mine.device_id));
    assert_eq!(
        alice.create_room(&new).await?,
        room,
        "one direct chat with Bob"
    );

    // Bob's room list shows the call; he joins the same way.
    let mut updates = std::pin::pin!(bob.rooms());
    let deadline = tokio::time::Instant::now() + WAIT;
    let mut rooms = Vec::new();
    while !rooms
        .iter()
        .any(|r: &sparks_domain::RoomSummary| r.id == room && r.call)
    {
        match tokio::time::timeout_at(deadline, updates.next()).await {
            Ok(Some(RoomListUpdate::Diffs(diffs))) => {
                for diff in diffs {
                    diff.apply(&mut rooms).map_err(|e| format!("{e:?}"))?;
                }
            }
            Ok(Some(RoomListUpdate::Loaded(_))) => {}
            Ok(Some(RoomListUpdate::Failed(reason))) => return Err(reason.into()),
            Ok(None) | Err(_) => return Err(format!("no call in Bob's list: {rooms:#?}").into()),
        }
    }
    assert_eq!(bob.call_participants(&room)?, vec![alice_id.clone()]);
    let (theirs, bob_call, mut bob_events) = join(&bob, &mw, &room).await?;

    // Both see and hear the other, named by their Matrix id.
    assert_eq!(sees_the_other(&mut alice_events).await?, bob_id);
    assert_eq!(sees_the_other(&mut bob_events).await?, alice_id);
    let alias = sparks_middleware::livekit::room_alias(&room, CallMembership::SLOT);
    assert_eq!(lk.participants(&alias).len(), 2);

    // Alice leaves: the SFU and Bob's room state both let her go.
    alice_call.leave().await;
    alice.leave_call(&mine).await?;
    eventually(WAIT, "Alice's membership gone for Bob", || async {
        bob.call_participants(&room)
            .is_ok_and(|people| people == vec![bob_id.clone()])
    })
    .await?;
    bob_call.leave().await;
    bob.leave_call(&theirs).await?;
    Ok(())
}
