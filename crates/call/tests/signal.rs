//! The signalling connection against the LiveKit-protocol fixture (`sparks-testkit`): joins on
//! `/rtc/v1` and on `/rtc` after a 404, participants hearing of each other, pings, resuming
//! after a dropped connection, and every way a join can fail, each as its own error.

use std::time::Duration;

use livekit_protocol as proto;
use proto::signal_response::Message as M;
use sparks_call::Signal;
use sparks_call::signal::{self, JoinOptions, Mode, SignalError, SignalEvent};
use sparks_testkit::{Behaviour, Options, Sfu};

type Error = Box<dyn std::error::Error + Send + Sync>;

const WAIT: Duration = Duration::from_secs(10);

/// The next participant update, skipping everything else.
async fn next_update(signal: &mut Signal) -> Result<proto::ParticipantInfo, Error> {
    loop {
        match tokio::time::timeout(WAIT, signal.next()).await? {
            Some(SignalEvent::Message(message)) => {
                if let M::Update(update) = *message {
                    return update
                        .participants
                        .into_iter()
                        .next()
                        .ok_or("an empty update".into());
                }
            }
            Some(SignalEvent::Closed(error)) => return Err(error.into()),
            Some(_) => {}
            None => return Err("the connection ended".into()),
        }
    }
}

#[tokio::test]
async fn participants_join_on_v1_and_hear_of_each_other() -> Result<(), Error> {
    let sfu = Sfu::start(Options::default()).await?;
    let options = JoinOptions::default();
    let (mut alice, joined) =
        signal::connect(sfu.url(), &sfu.token("alice", "standup"), &options).await?;
    assert_eq!(alice.mode(), Mode::Single);
    assert_eq!(
        joined.room.as_ref().map(|r| r.name.as_str()),
        Some("standup")
    );
    let alice_sid = joined.participant.map(|p| p.sid).unwrap_or_default();
    assert!(alice_sid.starts_with("PA_"));
    assert!(joined.other_participants.is_empty());

    let (bob, joined) = signal::connect(sfu.url(), &sfu.token("bob", "standup"), &options).await?;
    let others: Vec<_> = joined
        .other_participants
        .iter()
        .map(|p| p.identity.as_str())
        .collect();
    assert_eq!(others, ["alice"]);
    let heard = next_update(&mut alice).await?;
    assert_eq!(heard.identity, "bob");
    assert_eq!(sfu.paths(), ["/rtc/v1", "/rtc/v1"]);

    bob.leave().await;
    let gone = next_update(&mut alice).await?;
    assert_eq!(
        (gone.identity.as_str(), gone.state),
        ("bob", proto::participant_info::State::Disconnected as i32)
    );
    assert_eq!(sfu.participants("standup"), ["alice"]);
    Ok(())
}

#[tokio::test]
async fn an_older_server_without_v1_is_joined_on_rtc() -> Result<(), Error> {
    let sfu = Sfu::start(Options {
        v1: false,
        ..Options::default()
    })
    .await?;
    let (signal, _) =
        signal::connect(sfu.url(), &sfu.token("alice", "r"), &JoinOptions::default()).await?;
    assert_eq!(signal.mode(), Mode::Dual);
    assert_eq!(sfu.paths(), ["/rtc"]);
    Ok(())
}

#[tokio::test]
async fn pings_measure_the_round_trip_and_keep_the_connection() -> Result<(), Error> {
    let sfu = Sfu::start(Options {
        ping_interval: 1,
        ping_timeout: 2,
        ..Options::default()
    })
    .await?;
    let (mut signal, _) =
        signal::connect(sfu.url(), &sfu.token("alice", "r"), &JoinOptions::default()).await?;
    let mut rtts = 0;
    let until = tokio::time::Instant::now() + Duration::from_secs(4);
    while let Ok(event) = tokio::time::timeout_at(until, signal.next()).await {
        match event {
            Some(SignalEvent::Rtt(rtt)) => {
                assert!(rtt < Duration::from_secs(1));
                rtts += 1;
            }
            Some(SignalEvent::Closed(error)) => return Err(error.into()),
            _ => {}
        }
    }
    // Four seconds at one ping a second: the 2 s timeout never struck.
    assert!(rtts >= 3, "{rtts} pongs");
    Ok(())
}

#[tokio::test]
async fn a_server_that_stops_answering_pings_is_given_up_on_in_its_timeout() -> Result<(), Error> {
    let sfu = Sfu::start(Options {
        ping_interval: 1,
        ping_timeout: 2,
        behaviour: Behaviour::Deaf,
        ..Options::default()
    })
    .await?;
    let (mut signal, _) =
        signal::connect(sfu.url(), &sfu.token("alice", "r"), &JoinOptions::default()).await?;
    let started = tokio::time::Instant::now();
    let closed = loop {
        match tokio::time::timeout(Duration::from_secs(10), signal.next()).await? {
            Some(SignalEvent::Closed(error)) => break error,
            Some(_) => {}
            None => return Err("the signalling ended without saying why".into()),
        }
    };
    assert!(matches!(closed, SignalError::PingTimeout(2)), "{closed:?}");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "not before the pings went unanswered"
    );
    Ok(())
}

#[tokio::test]
async fn a_dropped_connection_is_resumed_with_the_same_participant() -> Result<(), Error> {
    let sfu = Sfu::start(Options::default()).await?;
    let token = sfu.token("alice", "r");
    let (mut alice, joined) = signal::connect(sfu.url(), &token, &JoinOptions::default()).await?;
    let sid = joined.participant.map(|p| p.sid).unwrap_or_default();
    sfu.drop_connection("alice");
    let ended = loop {
        match tokio::time::timeout(WAIT, alice.next()).await? {
            Some(SignalEvent::Closed(error)) => break error,
            Some(_) => {}
            None => return Err("no Closed event".into()),
        }
    };
    assert!(matches!(ended, SignalError::Lost(_)), "{ended:?}");
    assert_eq!(
        sfu.participants("r"),
        ["alice"],
        "the session outlives the connection"
    );

    let (mut resumed, _) = signal::resume(sfu.url(), &token, Mode::Single, &sid, (5, 15)).await?;
    let (_bob, _) =
        signal::connect(sfu.url(), &sfu.token("bob", "r"), &JoinOptions::default()).await?;
    assert_eq!(next_update(&mut resumed).await?.identity, "bob");

    // A session the server does not know: join again.
    let gone = signal::resume(sfu.url(), &token, Mode::Dual, "PA_unknown", (5, 15)).await;
    assert!(
        matches!(&gone, Err(SignalError::Left(reason)) if reason == "STATE_MISMATCH"),
        "{:?}",
        gone.err()
    );
    Ok(())
}

#[tokio::test]
async fn failed_joins_say_why() -> Result<(), Error> {
    let sfu = Sfu::start(Options::default()).await?;
    let options = JoinOptions::default();
    let forged = livekit_api::access_token::AccessToken::with_api_key(
        sfu.api_key(),
        "another-secret-of-enough-length-000",
    )
    .with_identity("mallory")
    .with_grants(livekit_api::access_token::VideoGrants {
        room_join: true,
        room: "r".into(),
        ..Default::default()
    })
    .to_jwt()?;
    let refused = signal::connect(sfu.url(), &forged, &options).await.err();
    assert!(
        matches!(refused, Some(SignalError::Unauthorized { status: 401, .. })),
        "{refused:?}"
    );

    // A token that has just expired, as livekit-server refuses it.
    let expired = sfu.token_for("alice", "r", Duration::ZERO);
    let refused = signal::connect(sfu.url(), &expired, &options).await.err();
    assert!(
        matches!(&refused, Some(SignalError::Unauthorized { message, .. }) if message.contains("expired")),
        "{refused:?}"
    );

    let no_room =
        livekit_api::access_token::AccessToken::with_api_key(sfu.api_key(), sfu.api_secret())
            .with_identity("mallory")
            .with_grants(livekit_api::access_token::VideoGrants {
                room_create: true,
                ..Default::default()
            })
            .to_jwt()?;
    let refused = signal::connect(sfu.url(), &no_room, &options).await.err();
    assert!(
        matches!(refused, Some(SignalError::Unauthorized { .. })),
        "{refused:?}"
    );

    let dead = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        format!("ws://{}", listener.local_addr()?)
    };
    let unreachable = signal::connect(&dead, "t", &options).await.err();
    assert!(
        matches!(unreachable, Some(SignalError::Unreachable(_))),
        "{unreachable:?}"
    );
    assert!(matches!(
        signal::connect("ftp://sfu", "t", &options).await.err(),
        Some(SignalError::BadUrl(_))
    ));

    let garbage = Sfu::start(Options {
        behaviour: Behaviour::Garbage,
        ..Options::default()
    })
    .await?;
    let broken = signal::connect(garbage.url(), &garbage.token("a", "r"), &options)
        .await
        .err();
    assert!(
        matches!(broken, Some(SignalError::Protocol(_))),
        "{broken:?}"
    );
    Ok(())
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() -> Result<(), Error> {
    let silent = Sfu::start(Options {
        behaviour: Behaviour::Silent,
        ..Options::default()
    })
    .await?;
    let result = signal::connect(
        silent.url(),
        &silent.token("a", "r"),
        &JoinOptions::default(),
    )
    .await
    .err();
    assert!(
        matches!(result, Some(SignalError::Timeout(_))),
        "{result:?}"
    );
    Ok(())
}
