//! Meetings through the LiveKit-protocol fixture: two Sparks participants see each other,
//! connect their peer connections (ICE, DTLS, SCTP over str0m on both ends) and exchange
//! data both ways, on `/rtc/v1` and on `/rtc`; a participant whose signalling drops resumes
//! and keeps talking.

use std::time::Duration;

use sparks_call::{Call, CallError, CallEvent, Data, Quality, TrackKind};
use sparks_testkit::{Behaviour, Options, Recorder, Sfu};

type Error = Box<dyn std::error::Error + Send + Sync>;
type Events = sparks_call::Events;

const WAIT: Duration = Duration::from_secs(15);

/// Waits for the first event `pick` accepts; fails on a disconnect or after [`WAIT`] (however
/// many other events come meanwhile).
async fn until<T>(events: &mut Events, pick: impl Fn(&CallEvent) -> Option<T>) -> Result<T, Error> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let event = tokio::time::timeout_at(deadline, events.recv())
            .await
            .map_err(|_| "timed out waiting for an event")?
            .ok_or("the call ended")?;
        if let Some(found) = pick(&event) {
            return Ok(found);
        }
        if let CallEvent::Disconnected(error) = event {
            return Err(format!("disconnected: {error}").into());
        }
    }
}

/// Fails once `deadline` has passed: for loops over many events.
fn in_time(deadline: tokio::time::Instant, what: &str) -> Result<(), Error> {
    if tokio::time::Instant::now() > deadline {
        return Err(format!("timed out: {what}").into());
    }
    Ok(())
}

async fn connected(events: &mut Events) -> Result<(), Error> {
    until(events, |e| (*e == CallEvent::Connected).then_some(())).await
}

async fn data(events: &mut Events) -> Result<Data, Error> {
    until(events, |e| match e {
        CallEvent::Data(data) => Some(data.clone()),
        _ => None,
    })
    .await
}

/// `SPARKS_LOG=debug` shows the engine's and the fixture's logs.
fn logs() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("SPARKS_LOG"))
        .with_test_writer()
        .try_init();
}

/// Alice and Bob in one room, both connected.
async fn two(sfu: &Sfu) -> Result<((Call, Events), (Call, Events)), Error> {
    logs();
    let (alice, mut alice_events) = Call::join(sfu.url(), &sfu.token("alice", "standup")).await?;
    let (bob, mut bob_events) = Call::join(sfu.url(), &sfu.token("bob", "standup")).await?;
    // Alice hears of Bob before or after her own connection is up.
    let (mut up, mut bob_seen) = (false, false);
    let deadline = tokio::time::Instant::now() + WAIT;
    while !(up && bob_seen) {
        in_time(deadline, "Alice connected and saw Bob")?;
        match until(&mut alice_events, |e| Some(e.clone())).await? {
            CallEvent::Connected => up = true,
            CallEvent::ParticipantJoined { identity, .. } => bob_seen = identity == "bob",
            _ => {}
        }
    }
    connected(&mut bob_events).await?;
    Ok(((alice, alice_events), (bob, bob_events)))
}

async fn exchange(sfu: &Sfu) -> Result<(), Error> {
    let ((alice, mut alice_events), (bob, mut bob_events)) = two(sfu).await?;
    alice.send_data(b"hello bob".to_vec(), Some("chat".into()), true)?;
    let got = data(&mut bob_events).await?;
    assert_eq!(
        got,
        Data {
            from: "alice".into(),
            topic: Some("chat".into()),
            payload: b"hello bob".to_vec(),
            reliable: true,
        }
    );
    // The lossy channel may drop a packet now and then; on loopback the first arrives.
    bob.send_data(vec![1, 2, 3], None, false)?;
    let got = data(&mut alice_events).await?;
    assert_eq!(
        (got.from.as_str(), got.payload, got.reliable),
        ("bob", vec![1, 2, 3], false)
    );

    bob.leave().await;
    let left = until(&mut alice_events, |e| match e {
        CallEvent::ParticipantLeft { identity, .. } => Some(identity.clone()),
        _ => None,
    })
    .await?;
    assert_eq!(left, "bob");
    alice.leave().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn two_participants_exchange_data_on_one_peer_connection() -> Result<(), Error> {
    let sfu = Sfu::start(Options::default()).await?;
    exchange(&sfu).await?;
    assert!(sfu.paths().iter().all(|p| p == "/rtc/v1"));
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn two_participants_exchange_data_through_an_older_server() -> Result<(), Error> {
    let sfu = Sfu::start(Options {
        v1: false,
        ..Options::default()
    })
    .await?;
    exchange(&sfu).await?;
    assert!(sfu.paths().iter().all(|p| p == "/rtc"));
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_participant_survives_a_dropped_signalling_connection() -> Result<(), Error> {
    let sfu = Sfu::start(Options::default()).await?;
    let ((alice, mut alice_events), (bob, mut bob_events)) = two(&sfu).await?;
    sfu.drop_connection("alice");
    until(&mut alice_events, |e| {
        (*e == CallEvent::Reconnecting).then_some(())
    })
    .await?;
    until(&mut alice_events, |e| {
        (*e == CallEvent::Reconnected).then_some(())
    })
    .await?;
    assert_eq!(sfu.participants("standup"), ["alice", "bob"]);
    assert_eq!(
        sfu.paths().iter().filter(|p| *p == "/rtc/v1").count(),
        3,
        "two joins and a resume"
    );

    alice.send_data(b"still here".to_vec(), None, true)?;
    assert_eq!(data(&mut bob_events).await?.payload, b"still here");
    bob.send_data(b"welcome back".to_vec(), None, true)?;
    assert_eq!(data(&mut alice_events).await?.payload, b"welcome back");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn sparks_participants_hear_and_see_each_other_through_the_sfu() -> Result<(), Error> {
    let sfu = Sfu::start(Options::default()).await?;
    hear_and_see(&sfu).await
}

#[tokio::test(flavor = "multi_thread")]
async fn sparks_participants_hear_and_see_each_other_through_an_older_server() -> Result<(), Error>
{
    // `/rtc`: what each receives comes on a subscriber connection the SFU offers.
    let sfu = Sfu::start(Options {
        v1: false,
        ..Options::default()
    })
    .await?;
    hear_and_see(&sfu).await?;
    assert!(sfu.paths().iter().all(|p| p == "/rtc"));
    Ok(())
}

async fn hear_and_see(sfu: &Sfu) -> Result<(), Error> {
    let ((alice, _alice_events), (bob, mut bob_events)) = two(sfu).await?;
    alice.publish_audio(Box::new(sparks_media::Tone::new(500.0, 0.4)))?;
    alice.publish_video(Box::new(sparks_media::TestPattern::new(320, 240)))?;
    let speaker = Recorder::new();
    bob.set_output(Box::new(speaker.clone()))?;
    let mut subscribed = Vec::new();
    let mut seen = None;
    let deadline = tokio::time::Instant::now() + WAIT;
    while speaker.heard().len() < sparks_media::SAMPLE_RATE as usize * 2 || seen.is_none() {
        in_time(deadline, "Bob hears and sees Alice")?;
        match until(&mut bob_events, |e| Some(e.clone())).await? {
            CallEvent::TrackSubscribed { from, kind, .. } => subscribed.push((from, kind)),
            CallEvent::Video { from, frame, .. } if from == "alice" => {
                // The picture carries its capture time; once it reads back, so do the bars.
                if let Some((stamp, _)) = sparks_media::read_stamp(&frame) {
                    let now = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)?
                        .as_millis() as u64
                        % (1 << 32);
                    seen = Some((frame, now.wrapping_sub(u64::from(stamp)) % (1 << 32)));
                }
            }
            _ => {}
        }
    }
    subscribed.sort_by_key(|(_, kind)| *kind == TrackKind::Video);
    assert_eq!(
        subscribed,
        [
            ("alice".into(), TrackKind::Audio),
            ("alice".into(), TrackKind::Video)
        ]
    );
    // Bob's speaker plays Alice's tone, through the jitter buffer and the mixer.
    let heard = speaker.heard();
    let pitch = sparks_media::frequency(&heard[24_000..], sparks_media::SAMPLE_RATE)
        .ok_or("no pitch in what Bob heard")?;
    assert!((pitch - 500.0).abs() < 10.0, "Bob heard {pitch} Hz");
    let (frame, latency_ms) = seen.ok_or("no picture")?;
    let bars = sparks_media::bar_colours(&frame).ok_or("no bars")?;
    for (got, wanted) in bars.iter().zip(sparks_media::BARS) {
        assert!(
            got.iter().zip(wanted).all(|(a, b)| a.abs_diff(b) < 40),
            "{bars:?}"
        );
    }
    // Glass to glass on loopback, for the record (not a timing assertion).
    println!("glass-to-glass: {latency_ms} ms");
    Ok(())
}

/// Waits until `speaker` has played `seconds` more of sound, then returns the pitch of the
/// last half of it.
async fn pitch_heard(speaker: &Recorder, seconds: f32) -> Result<f32, Error> {
    let start = speaker.samples().len();
    let wanted = (sparks_media::SAMPLE_RATE as f32 * seconds) as usize;
    let deadline = tokio::time::Instant::now() + WAIT;
    while speaker.samples().len() < start + wanted {
        if tokio::time::Instant::now() > deadline {
            return Err("the speaker stopped playing".into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let samples = speaker.samples();
    let tail = &samples[start + wanted / 2..];
    sparks_media::frequency(tail, sparks_media::SAMPLE_RATE).ok_or_else(|| "silence".into())
}

#[tokio::test(flavor = "multi_thread")]
async fn muting_switching_microphones_and_speaking_reach_the_others() -> Result<(), Error> {
    let sfu = Sfu::start(Options::default()).await?;
    let ((alice, mut alice_events), (bob, mut bob_events)) = two(&sfu).await?;
    let speaker = Recorder::new();
    bob.set_output(Box::new(speaker.clone()))?;
    alice.publish_audio(Box::new(sparks_media::Tone::new(500.0, 0.4)))?;
    let track = until(&mut bob_events, |e| match e {
        CallEvent::TrackSubscribed {
            from,
            track,
            kind: TrackKind::Audio,
        } if from == "alice" => Some(track.clone()),
        _ => None,
    })
    .await?;
    let pitch = pitch_heard(&speaker, 1.0).await?;
    assert!((pitch - 500.0).abs() < 10.0, "Bob heard {pitch} Hz");

    // The SFU hears Alice's level in her packets and tells everyone she speaks.
    let speakers = until(&mut bob_events, |e| match e {
        CallEvent::Speakers(speakers) if !speakers.is_empty() => Some(speakers.clone()),
        _ => None,
    })
    .await?;
    assert_eq!(speakers[0].identity, "alice");
    assert!(speakers[0].level > 0.05, "{speakers:?}");
    until(&mut alice_events, |e| match e {
        CallEvent::Quality(changes) => changes
            .iter()
            .any(|(who, q)| who == "alice" && *q == Quality::Excellent)
            .then_some(()),
        _ => None,
    })
    .await?;

    // Muted: Bob is told, hears nothing, and the SFU says Alice stopped speaking.
    alice.set_muted(TrackKind::Audio, true)?;
    let muted = until(&mut bob_events, |e| match e {
        CallEvent::TrackMuted { from, track, muted } if from == "alice" => {
            Some((track.clone(), *muted))
        }
        _ => None,
    })
    .await?;
    assert_eq!(muted, (track.clone(), true));
    until(&mut bob_events, |e| match e {
        CallEvent::Speakers(speakers) => speakers.is_empty().then_some(()),
        _ => None,
    })
    .await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = speaker.samples().len();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let quiet = speaker.samples()[before..].to_vec();
    assert!(quiet.iter().all(|s| *s == 0.0), "Bob still hears Alice");

    // Another microphone and unmuted: the same track, a new sound.
    alice.publish_audio(Box::new(sparks_media::Tone::new(800.0, 0.4)))?;
    alice.set_muted(TrackKind::Audio, false)?;
    let unmuted = until(&mut bob_events, |e| match e {
        CallEvent::TrackMuted { from, track, muted } if from == "alice" => {
            Some((track.clone(), *muted))
        }
        _ => None,
    })
    .await?;
    assert_eq!(unmuted, (track, false));
    let pitch = pitch_heard(&speaker, 1.0).await?;
    assert!(
        (pitch - 800.0).abs() < 10.0,
        "Bob heard {pitch} Hz after the switch"
    );
    Ok(())
}

/// The size of the next picture that reads back, and the picture.
async fn picture(events: &mut Events) -> Result<(u32, u32, sparks_media::VideoFrame), Error> {
    until(events, |e| match e {
        CallEvent::Video { frame, .. } if sparks_media::read_stamp(frame).is_some() => {
            Some((frame.width, frame.height, frame.clone()))
        }
        _ => None,
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn another_camera_of_another_size_is_switched_to_mid_call() -> Result<(), Error> {
    let sfu = Sfu::start(Options::default()).await?;
    let ((alice, mut alice_events), (_bob, mut bob_events)) = two(&sfu).await?;
    alice.publish_video(Box::new(sparks_media::TestPattern::new(320, 180)))?;
    until(&mut alice_events, |e| match e {
        CallEvent::Published {
            kind: TrackKind::Video,
            ..
        } => Some(()),
        _ => None,
    })
    .await?;
    let (width, height, _) = picture(&mut bob_events).await?;
    assert_eq!((width, height), (320, 180));
    // The second camera is larger: Bob's pictures follow, and the SFU knows the new size.
    alice.publish_video(Box::new(sparks_media::TestPattern::new(480, 270)))?;
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        in_time(deadline, "pictures of the second camera")?;
        if picture(&mut bob_events).await?.0 == 480 {
            break;
        }
    }
    let sizes: Vec<(u32, u32)> = sfu
        .tracks("standup", "alice")
        .iter()
        .filter(|t| t.r#type == livekit_protocol::TrackType::Video as i32)
        .map(|t| (t.width, t.height))
        .collect();
    assert_eq!(sizes, [(480, 270)]);
    Ok(())
}

/// Alice publishes 1280×720 in three layers; Bob, who receives it, with its track sid (and
/// Alice's call, to keep her in the room).
async fn watching_alice_at_720p(sfu: &Sfu) -> Result<(Call, Events, String, Call), Error> {
    let ((alice, _alice_events), (bob, mut bob_events)) = two(sfu).await?;
    alice.publish_video(Box::new(sparks_media::TestPattern::new(1280, 720)))?;
    let track = until(&mut bob_events, |e| match e {
        CallEvent::TrackSubscribed {
            track,
            kind: TrackKind::Video,
            ..
        } => Some(track.clone()),
        _ => None,
    })
    .await?;
    Ok((bob, bob_events, track, alice))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_subscriber_gets_the_simulcast_layer_that_fits_its_view() -> Result<(), Error> {
    let sfu = Sfu::start(Options::default()).await?;
    let (bob, mut bob_events, track, _alice) = watching_alice_at_720p(&sfu).await?;
    // By default the full picture.
    let (width, height, _) = picture(&mut bob_events).await?;
    assert_eq!((width, height), (1280, 720));
    // Shown small: the quarter layer, switched at its next keyframe.
    bob.set_view(&track, 320, 180)?;
    let mut smaller = None;
    let deadline = tokio::time::Instant::now() + WAIT;
    while tokio::time::Instant::now() < deadline {
        let (width, height, frame) = picture(&mut bob_events).await?;
        if (width, height) == (320, 180) {
            smaller = Some(frame);
            break;
        }
    }
    let frame = smaller.ok_or("still the large layer")?;
    let bars = sparks_media::bar_colours(&frame).ok_or("no bars in the small layer")?;
    for (got, wanted) in bars.iter().zip(sparks_media::BARS) {
        assert!(
            got.iter().zip(wanted).all(|(a, b)| a.abs_diff(b) < 48),
            "{bars:?}"
        );
    }
    // Half size.
    bob.set_view(&track, 640, 360)?;
    let deadline = tokio::time::Instant::now() + WAIT;
    while tokio::time::Instant::now() < deadline {
        if picture(&mut bob_events).await?.0 == 640 {
            return Ok(());
        }
    }
    Err("the half layer never came".into())
}

/// Waits until the fixture receives exactly `layers` of Alice's video.
async fn arriving(sfu: &Sfu, layers: &[&str]) -> Result<(), Error> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let now = sfu.layers_arriving("standup", "alice");
        if now == layers {
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            return Err(format!("Alice sends {now:?}, not {layers:?}").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn layers_nobody_watches_are_not_encoded() -> Result<(), Error> {
    let sfu = Sfu::start(Options::default()).await?;
    let (bob, mut bob_events, track, _alice) = watching_alice_at_720p(&sfu).await?;
    picture(&mut bob_events).await?;
    // Watched in full: all three layers, so the SFU can step down when it must.
    arriving(&sfu, &["f", "h", "q"]).await?;
    bob.set_view(&track, 320, 180)?;
    arriving(&sfu, &["q"]).await?;
    // Hidden: nothing at all.
    bob.set_view(&track, 0, 0)?;
    arriving(&sfu, &[]).await?;
    // Shown at half size: the two lower layers again, starting with a keyframe Bob decodes.
    bob.set_view(&track, 640, 360)?;
    arriving(&sfu, &["h", "q"]).await?;
    let deadline = tokio::time::Instant::now() + WAIT;
    while picture(&mut bob_events).await?.0 != 640 {
        in_time(deadline, "a picture of the half layer")?;
    }
    // Bob leaves: nobody watches.
    bob.leave().await;
    arriving(&sfu, &[]).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refreshed_token_lets_a_call_resume_after_the_first_expired() -> Result<(), Error> {
    logs();
    let sfu = Sfu::start(Options::default()).await?;
    let short = sfu.token_for("alice", "standup", Duration::from_secs(2));
    let (alice, mut alice_events) = Call::join(sfu.url(), &short).await?;
    connected(&mut alice_events).await?;
    tokio::time::sleep(Duration::from_secs(3)).await;
    sfu.drop_connection("alice");
    until(&mut alice_events, |e| {
        (*e == CallEvent::Reconnected).then_some(())
    })
    .await?;
    alice.leave().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_latecomer_receives_everyone_already_in_a_busy_room() -> Result<(), Error> {
    logs();
    let sfu = Sfu::start(Options::default()).await?;
    let mut publishers = Vec::new();
    for n in 0..4 {
        let (call, mut events) =
            Call::join(sfu.url(), &sfu.token(&format!("p{n}"), "busy")).await?;
        tokio::spawn(async move { while events.recv().await.is_some() {} });
        call.publish_audio(Box::new(sparks_media::Tone::new(
            300.0 + 100.0 * n as f32,
            0.3,
        )))?;
        call.publish_video(Box::new(sparks_media::TestPattern::new(320, 180)))?;
        publishers.push(call);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    // Eight tracks wait for the latecomer: more than the m-lines of its first offer, so it
    // offers again as the SFU asks, and every track is named in an answer.
    let (_late, mut events) = Call::join(sfu.url(), &sfu.token("late", "busy")).await?;
    let mut subscribed = std::collections::HashSet::new();
    let mut pictures = std::collections::HashSet::new();
    let deadline = tokio::time::Instant::now() + WAIT;
    while subscribed.len() < 8 || pictures.len() < 4 {
        in_time(deadline, "every track reaches the latecomer")?;
        match until(&mut events, |e| Some(e.clone())).await? {
            CallEvent::TrackSubscribed { track, .. } => {
                subscribed.insert(track);
            }
            CallEvent::Video { track, frame, .. } if sparks_media::read_stamp(&frame).is_some() => {
                pictures.insert(track);
            }
            _ => {}
        }
    }
    assert!(pictures.is_subset(&subscribed));
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_participant_the_server_forgot_joins_afresh_and_is_heard_again() -> Result<(), Error> {
    let sfu = Sfu::start(Options::default()).await?;
    let ((alice, mut alice_events), (bob, mut bob_events)) = two(&sfu).await?;
    let speaker = Recorder::new();
    bob.set_output(Box::new(speaker.clone()))?;
    alice.publish_audio(Box::new(sparks_media::Tone::new(500.0, 0.4)))?;
    let pitch = pitch_heard(&speaker, 1.0).await?;
    assert!((pitch - 500.0).abs() < 10.0, "Bob heard {pitch} Hz");

    // The server loses Alice's session: her resume is refused, so she joins again, with new
    // connections, and publishes her microphone again without being asked.
    sfu.forget("alice");
    until(&mut alice_events, |e| {
        (*e == CallEvent::Reconnected).then_some(())
    })
    .await?;
    until(&mut bob_events, |e| match e {
        CallEvent::ParticipantLeft { identity, .. } => (identity == "alice").then_some(()),
        _ => None,
    })
    .await?;
    until(&mut bob_events, |e| match e {
        CallEvent::ParticipantJoined { identity, .. } => (identity == "alice").then_some(()),
        _ => None,
    })
    .await?;
    until(&mut bob_events, |e| match e {
        CallEvent::TrackSubscribed {
            from,
            kind: TrackKind::Audio,
            ..
        } => (from == "alice").then_some(()),
        _ => None,
    })
    .await?;
    let pitch = pitch_heard(&speaker, 1.0).await?;
    assert!(
        (pitch - 500.0).abs() < 10.0,
        "Bob heard {pitch} Hz after the rejoin"
    );
    assert!(
        sfu.paths().iter().filter(|p| *p == "/rtc/v1").count() >= 4,
        "two joins, the refused resume and the new join: {:?}",
        sfu.paths()
    );
    alice.send_data(b"back again".to_vec(), None, true)?;
    assert_eq!(data(&mut bob_events).await?.payload, b"back again");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn an_answer_that_cannot_be_read_ends_the_call_with_a_media_error() -> Result<(), Error> {
    let sfu = Sfu::start(Options {
        behaviour: Behaviour::BadAnswer,
        ..Options::default()
    })
    .await?;
    let (_call, mut events) = Call::join(sfu.url(), &sfu.token("alice", "standup")).await?;
    let end = tokio::time::timeout(WAIT, async {
        loop {
            match events.recv().await {
                Some(CallEvent::Disconnected(error)) => return Some(error),
                Some(_) => {}
                None => return None,
            }
        }
    })
    .await?;
    assert!(
        matches!(&end, Some(CallError::Media(why)) if why.contains("answer")),
        "{end:?}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_media_connection_that_dies_is_replaced_by_a_fresh_join() -> Result<(), Error> {
    let sfu = Sfu::start(Options::default()).await?;
    let ((alice, mut alice_events), (_bob, mut bob_events)) = two(&sfu).await?;
    // Alice's media path dies while her signalling stays up: when ICE gives up, she joins
    // afresh (a new participant for the SFU) and data flows again.
    sfu.drop_media("alice");
    // ICE gives up after about 12 s of unanswered checks.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(40);
    loop {
        in_time(deadline, "Alice to notice her media connection died")?;
        if let Ok(Some(CallEvent::Reconnecting)) =
            tokio::time::timeout(Duration::from_secs(1), alice_events.recv()).await
        {
            break;
        }
    }
    until(&mut alice_events, |e| {
        matches!(e, CallEvent::Connected).then_some(())
    })
    .await?;
    alice.send_data(b"back again".to_vec(), Some("chat".into()), true)?;
    let got = data(&mut bob_events).await?;
    assert_eq!(
        (got.from.as_str(), got.payload.as_slice()),
        ("alice", &b"back again"[..])
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn noise_on_the_signalling_connection_is_shrugged_off() -> Result<(), Error> {
    let sfu = Sfu::start(Options {
        behaviour: Behaviour::Noisy,
        ..Options::default()
    })
    .await?;
    let (alice, mut events) = Call::join(sfu.url(), &sfu.token("alice", "room")).await?;
    // Both frames are reported, and the call goes on.
    for _ in 0..2 {
        let problem = until(&mut events, |e| match e {
            CallEvent::Ignored(problem) => Some(problem.to_string()),
            _ => None,
        })
        .await?;
        assert!(problem.contains("unexpected"), "{problem}");
    }
    alice.leave().await;
    exchange(&sfu).await
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unsubscribed_track_stops_coming_until_taken_back() -> Result<(), Error> {
    let sfu = Sfu::start(Options::default()).await?;
    let ((alice, _alice_events), (bob, mut bob_events)) = two(&sfu).await?;
    alice.publish_video(Box::new(sparks_media::TestPattern::new(320, 180)))?;
    let (track, first) = until(&mut bob_events, |e| match e {
        CallEvent::Video { track, frame, .. } if sparks_media::read_stamp(frame).is_some() => {
            Some((track.clone(), frame.clone()))
        }
        _ => None,
    })
    .await?;
    bob.set_subscribed(&track, false)?;
    // What was under way drains; then nothing comes for a second.
    tokio::time::sleep(Duration::from_millis(300)).await;
    while bob_events.try_recv().is_some() {}
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mut pictures = 0;
    while let Some(event) = bob_events.try_recv() {
        pictures += usize::from(matches!(event, CallEvent::Video { .. }));
    }
    assert_eq!(pictures, 0, "pictures kept coming while unsubscribed");
    bob.set_subscribed(&track, true)?;
    let (_, _, again) = picture(&mut bob_events).await?;
    let (before, after) = (
        sparks_media::read_stamp(&first).map(|s| s.0),
        sparks_media::read_stamp(&again).map(|s| s.0),
    );
    assert!(after > before, "{before:?} then {after:?}");
    assert!(
        again.timestamp_us > first.timestamp_us,
        "pictures carry their RTP time"
    );
    Ok(())
}
