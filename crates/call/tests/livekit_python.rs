//! Interop with LiveKit's official Python SDK (`livekit` from PyPI, which carries LiveKit's own
//! Rust engine and libwebrtc) through the testkit SFU: the official client joins the fixture,
//! connects its peer connection, and exchanges data with a Sparks participant both ways.
//!
//! libwebrtc skips loopback interfaces, so `cargo xtask test` runs this in a network namespace
//! of its own (a veth pair inside it, nothing outside) and says where with
//! `SPARKS_TEST_MEDIA_IP`; `SPARKS_TEST_LIVEKIT_PYTHON` is a Python with the SDK.

use std::process::Stdio;
use std::time::Duration;

use sparks_call::{Call, CallEvent};
use sparks_testkit::{Options, Recorder, Sfu};
use tokio::io::{AsyncBufReadExt, BufReader};

type Error = Box<dyn std::error::Error + Send + Sync>;

const WAIT: Duration = Duration::from_secs(30);
/// However events keep coming, a test gives up after this long.
const DEADLINE: Duration = Duration::from_secs(120);

/// The next event, within [`WAIT`] and before `deadline`.
async fn next(
    events: &mut sparks_call::Events,
    deadline: tokio::time::Instant,
    what: &str,
) -> Result<CallEvent, Error> {
    let until = deadline.min(tokio::time::Instant::now() + WAIT);
    tokio::time::timeout_at(until, events.recv())
        .await
        .map_err(|_| format!("timed out waiting for {what}"))?
        .ok_or_else(|| "the call ended".into())
}

/// The Python with LiveKit's SDK, and the SFU fixture on the namespace's address.
async fn fixture() -> Result<(String, Sfu), Error> {
    // `SPARKS_LOG=debug` shows the engine's and the fixture's logs.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("SPARKS_LOG"))
        .with_test_writer()
        .try_init();
    let python = std::env::var("SPARKS_TEST_LIVEKIT_PYTHON")
        .map_err(|_| "SPARKS_TEST_LIVEKIT_PYTHON is not set: run with `cargo xtask test`")?;
    let ip = std::env::var("SPARKS_TEST_MEDIA_IP")
        .map_err(|_| "SPARKS_TEST_MEDIA_IP is not set: run with `cargo xtask test`")?
        .parse()?;
    let sfu = Sfu::start(Options {
        ip,
        ..Options::default()
    })
    .await?;
    Ok((python, sfu))
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs LiveKit's Python SDK in a network namespace: `cargo xtask test` runs it"]
async fn the_official_python_client_and_sparks_exchange_data_across_a_resume() -> Result<(), Error>
{
    let (python, sfu) = fixture().await?;
    let (sparks, mut events) = Call::join(sfu.url(), &sfu.token("sparks", "interop")).await?;

    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/peers/livekit_peer.py"
    );
    let mut peer = tokio::process::Command::new(python)
        .arg(script)
        .args([
            "--url",
            sfu.url(),
            "--token",
            &sfu.token("python", "interop"),
        ])
        .args([
            "--send",
            "hello from python",
            "--expect",
            "1",
            "--timeout",
            "30",
        ])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let stdout = peer.stdout.take().ok_or("no stdout")?;
    let output = tokio::spawn(async move {
        let mut lines = BufReader::new(stdout).lines();
        let mut seen = Vec::new();
        while let Ok(Some(line)) = lines.next_line().await {
            seen.push(serde_json::from_str::<serde_json::Value>(&line).unwrap_or_default());
        }
        seen
    });

    // The official client's message arrives, stamped with its identity by the SFU.
    let deadline = tokio::time::Instant::now() + DEADLINE;
    let mut connected = false;
    let got = loop {
        match next(&mut events, deadline, "the Python client's message").await? {
            CallEvent::Connected => connected = true,
            CallEvent::Data(data) => break data,
            CallEvent::Disconnected(error) => return Err(error.into()),
            _ => {}
        }
    };
    assert!(connected);
    assert_eq!(got.from, "python");
    assert_eq!(got.topic.as_deref(), Some("chat"));
    assert_eq!(got.payload, b"hello from python");

    // Sparks' signalling drops; it resumes, and the official client still hears it.
    sfu.drop_connection("sparks");
    loop {
        match next(&mut events, deadline, "Sparks to resume").await? {
            CallEvent::Reconnected => break,
            CallEvent::Disconnected(error) => return Err(error.into()),
            _ => {}
        }
    }
    sparks.send_data(b"hello from sparks".to_vec(), Some("chat".into()), true)?;
    let status = tokio::time::timeout(WAIT, peer.wait()).await??;
    let seen = output.await?;
    let data: Vec<_> = seen.iter().filter(|e| e["event"] == "data").collect();
    assert!(seen.iter().any(|e| e["event"] == "connected"), "{seen:?}");
    assert_eq!(data.len(), 1, "{seen:?}");
    assert_eq!(data[0]["from"], "sparks");
    assert_eq!(data[0]["topic"], "chat");
    assert_eq!(data[0]["payload"], "hello from sparks");
    assert!(status.success(), "{seen:?}");
    sparks.leave().await;
    Ok(())
}

/// Runs the Python peer with `args` and collects the JSON lines it prints, up to its `done`.
///
/// Its results are printed before it leaves, so a peer slow to leave or to exit does not
/// lose them; one that never gets to `done` fails with what it said and its stderr.
async fn python_peer(
    python: impl AsRef<std::ffi::OsStr>,
    args: Vec<String>,
) -> Result<Vec<serde_json::Value>, Error> {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/peers/livekit_peer.py"
    );
    let mut child = tokio::process::Command::new(python.as_ref())
        .arg(script)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut stderr = child.stderr.take().ok_or("no stderr")?;
    let errors = tokio::spawn(async move {
        let mut text = String::new();
        let _ = tokio::io::AsyncReadExt::read_to_string(&mut stderr, &mut text).await;
        text
    });
    let mut lines = BufReader::new(stdout).lines();
    let mut seen = Vec::new();
    let finished = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await? {
            let event: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
            let done = event["event"] == "done";
            seen.push(event);
            if done {
                return Ok(true);
            }
        }
        Ok::<_, std::io::Error>(false)
    })
    .await;
    if !matches!(finished, Ok(Ok(true))) {
        let _ = child.kill().await;
        let errors = errors.await.unwrap_or_default();
        return Err(
            format!("the Python peer stopped early ({finished:?}): {seen:?}\n{errors}").into(),
        );
    }
    if tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .is_err()
    {
        let _ = child.kill().await;
    }
    Ok(seen)
}

/// What one peer says it got from `from`, of `kind`.
fn media<'a>(
    seen: &'a [serde_json::Value],
    from: &str,
    kind: &str,
) -> Option<&'a serde_json::Value> {
    seen.iter()
        .find(|e| e["event"] == "media" && e["from"] == from && e["kind"] == kind)
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs LiveKit's Python SDK in a network namespace: `cargo xtask test` runs it"]
async fn two_official_python_clients_hear_and_see_each_other() -> Result<(), Error> {
    let (python, sfu) = fixture().await?;
    let peer = |identity: &str, publish: &str| {
        vec![
            "--url".into(),
            sfu.url().to_owned(),
            "--token".into(),
            sfu.token(identity, "av"),
            "--publish".into(),
            publish.to_owned(),
            "--listen".into(),
            "8".into(),
        ]
    };
    let (alice, bob) = tokio::join!(
        python_peer(&python, peer("alice", "200,40,40:440")),
        python_peer(&python, peer("bob", "40,40,200:660")),
    );
    let (alice, bob) = (alice?, bob?);
    for (seen, other, hz, colour) in [
        (&alice, "bob", 660.0, [40, 40, 200]),
        (&bob, "alice", 440.0, [200, 40, 40]),
    ] {
        let audio = media(seen, other, "audio")
            .ok_or_else(|| format!("no audio from {other}: {seen:?}"))?;
        assert!(audio["frames"].as_u64().unwrap_or(0) > 100, "{audio}");
        let pitch = audio["pitch"]
            .as_f64()
            .ok_or_else(|| format!("no pitch: {audio}"))?;
        assert!(
            (pitch - hz).abs() < 10.0,
            "{other}'s tone heard at {pitch} Hz"
        );
        let video = media(seen, other, "video")
            .ok_or_else(|| format!("no video from {other}: {seen:?}"))?;
        assert!(video["frames"].as_u64().unwrap_or(0) > 30, "{video}");
        let seen_colour: Vec<i64> = video["colour"]
            .as_array()
            .map(|c| c.iter().filter_map(|v| v.as_i64()).collect())
            .unwrap_or_default();
        assert_eq!(seen_colour.len(), 3, "{video}");
        for (got, wanted) in seen_colour.iter().zip(colour) {
            assert!(
                (got - wanted).abs() < 40,
                "{other}'s picture is {seen_colour:?}, not {colour:?}: {video}"
            );
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs LiveKit's Python SDK in a network namespace: `cargo xtask test` runs it"]
async fn sparks_and_the_official_python_client_hear_and_see_each_other() -> Result<(), Error> {
    let (python, sfu) = fixture().await?;
    let (sparks, mut events) = Call::join(sfu.url(), &sfu.token("sparks", "talk")).await?;
    sparks.publish_audio(Box::new(sparks_media::Tone::new(660.0, 0.4)))?;
    // 640 × 360: three simulcast layers, as LiveKit's clients send them.
    sparks.publish_video(Box::new(sparks_media::TestPattern::new(640, 360)))?;
    let args = vec![
        "--url".into(),
        sfu.url().to_owned(),
        "--token".into(),
        sfu.token("python", "talk"),
        "--publish".into(),
        "200,40,40:440".into(),
        "--listen".into(),
        "8".into(),
    ];
    let peer = tokio::spawn(python_peer(python, args));

    // Sparks hears the official client's tone, decoded from its Opus packets and played
    // through the jitter buffer and the mixer, and sees its picture, decoded from VP8.
    let speaker = Recorder::new();
    sparks.set_output(Box::new(speaker.clone()))?;
    let mut picture = None;
    let deadline = tokio::time::Instant::now() + DEADLINE;
    while speaker.heard().len() < sparks_media::SAMPLE_RATE as usize * 2 || picture.is_none() {
        let what = format!(
            "more than {} samples and a picture from the Python client",
            speaker.heard().len()
        );
        match next(&mut events, deadline, &what).await? {
            CallEvent::Video { from, frame, .. } if from == "python" => {
                let at = ((frame.height / 2 * frame.width + frame.width / 2) * 4) as usize;
                let colour = frame.rgba.get(at..at + 3).map(<[u8]>::to_vec);
                // The decoder's first pictures may be black, before its keyframe.
                if colour.as_ref().is_some_and(|c| c.iter().any(|v| *v > 8)) {
                    picture = colour;
                }
            }
            CallEvent::Disconnected(error) => return Err(error.into()),
            _ => {}
        }
    }
    // The first half second settles (the jitter of joining, the decoder's start).
    let heard = speaker.heard();
    let pitch = sparks_media::frequency(&heard[24_000..], sparks_media::SAMPLE_RATE)
        .ok_or("no pitch in what Sparks heard")?;
    assert!((pitch - 440.0).abs() < 10.0, "Sparks heard {pitch} Hz");
    let picture = picture.unwrap_or_default();
    for (got, wanted) in picture.iter().zip([200u8, 40, 40]) {
        assert!(got.abs_diff(wanted) < 40, "Sparks saw {picture:?}");
    }

    // And the official client hears Sparks' tone.
    let seen = peer.await??;
    let audio =
        media(&seen, "sparks", "audio").ok_or_else(|| format!("no audio from Sparks: {seen:?}"))?;
    let pitch = audio["pitch"]
        .as_f64()
        .ok_or_else(|| format!("no pitch: {audio}"))?;
    assert!(
        (pitch - 660.0).abs() < 10.0,
        "the Python client heard Sparks at {pitch} Hz"
    );
    // And sees its test pattern: the colour bars, across the picture.
    let video =
        media(&seen, "sparks", "video").ok_or_else(|| format!("no video from Sparks: {seen:?}"))?;
    assert!(video["frames"].as_u64().unwrap_or(0) > 30, "{video}");
    // One of the three layers, whichever the SFU forwards.
    let size = (video["size"][0].as_u64(), video["size"][1].as_u64());
    assert!(
        [(160, 90), (320, 180), (640, 360)]
            .map(|(w, h)| (Some(w), Some(h)))
            .contains(&size),
        "{video}"
    );
    let row: Vec<[i64; 3]> = video["row"]
        .as_array()
        .map(|points| {
            points
                .iter()
                .filter_map(|p| {
                    let c: Vec<i64> = p.as_array()?.iter().filter_map(|v| v.as_i64()).collect();
                    <[i64; 3]>::try_from(c).ok()
                })
                .collect()
        })
        .unwrap_or_default();
    let bar = |c: &[i64; 3]| {
        sparks_media::BARS.iter().position(|b| {
            b.iter()
                .zip(c)
                .all(|(want, got)| (i64::from(*want) - got).abs() < 48)
        })
    };
    let bars: std::collections::BTreeSet<usize> = row.iter().filter_map(bar).collect();
    let matched = row.iter().filter(|c| bar(c).is_some()).count();
    assert!(
        row.len() == 16 && matched >= 12 && bars.len() >= 6,
        "the Python client saw {row:?}, not the colour bars: {video}"
    );
    sparks.leave().await;
    Ok(())
}
