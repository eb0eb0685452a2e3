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
use sparks_testkit::{Options, Sfu};
use tokio::io::{AsyncBufReadExt, BufReader};

type Error = Box<dyn std::error::Error + Send + Sync>;

const WAIT: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs LiveKit's Python SDK in a network namespace: `cargo xtask test` runs it"]
async fn the_official_python_client_and_sparks_exchange_data() -> Result<(), Error> {
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
    let mut connected = false;
    let got = loop {
        let event = tokio::time::timeout(WAIT, events.recv())
            .await
            .map_err(|_| "no message from the Python client")?
            .ok_or("the call ended")?;
        match event {
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
