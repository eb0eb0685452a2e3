//! The meeting engine's benchmark, run by `cargo xtask bench call` (`cargo bench`'s optimised
//! build, inside a network namespace so LiveKit's libwebrtc finds a non-loopback address).
//!
//! Starts the testkit's LiveKit-protocol SFU and measures, each in a process of its own so its
//! CPU time is its alone:
//! - publishing: a participant sends a 1280×720 test pattern at 30 frames a second (three
//!   simulcast layers) and an Opus tone for `SECONDS`: CPU time per second;
//! - receiving: four participants of this process publish 640×360 and a tone; the measured one
//!   joins, decodes all of it (and mixes the audio): CPU time per second and the median
//!   glass-to-glass latency (the capture time drawn into the picture, read back after
//!   decoding), on a machine busy with four publishers;
//! - latency: one participant publishes 1280×720; the time from starting to join to the first
//!   decoded picture, and the glass-to-glass latency on a quieter machine.
//!
//! Then LiveKit's official Python SDK does the same (`tests/peers/livekit_bench.py`) as the
//! baseline, and both are printed with the ratio Sparks / Python.
//!
//! Without arguments it orchestrates (`SPARKS_TEST_MEDIA_IP`, `SPARKS_TEST_LIVEKIT_PYTHON`);
//! `publish URL TOKEN` and `receive URL TOKEN COUNT` are the measured children.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use sparks_call::{Call, CallEvent};
use sparks_media::{TestPattern, Tone};
use sparks_testkit::{Options, Sfu};

type Error = Box<dyn std::error::Error + Send + Sync>;

const SECONDS: u64 = 10;
const WARM_UP: Duration = Duration::from_secs(2);
const PUBLISHERS: usize = 4;

type Figures = BTreeMap<String, f64>;

#[tokio::main]
async fn main() -> Result<(), Error> {
    // `cargo bench` passes `--bench`; only the words are ours.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] => orchestrate().await,
        ["publish", url, token] => publish(url, token).await,
        ["receive", url, token, count] => receive(url, token, count.parse()?).await,
        _ => Err("usage: call [publish URL TOKEN | receive URL TOKEN COUNT]".into()),
    }
}

/// This process' CPU time (user and system, all threads) so far.
fn cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // After the command name in parentheses: state is field 3, utime 14, stime 15.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // Clock ticks are 1/100 s on Linux (sysconf(_SC_CLK_TCK)).
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

/// Reads events until the call ends, so the engine never waits on us.
fn drain(mut events: sparks_call::Events) {
    tokio::spawn(async move { while events.recv().await.is_some() {} });
}

/// Like [`drain`], and asks the SFU to send `call` no video: the publishers of the receive
/// figures must not spend the machine decoding each other.
fn drain_blind(call: Call, mut events: sparks_call::Events) {
    tokio::spawn(async move {
        while let Some(event) = events.recv().await {
            if let CallEvent::TrackSubscribed {
                track,
                kind: sparks_call::TrackKind::Video,
                ..
            } = event
            {
                let _ = call.set_view(&track, 0, 0);
            }
        }
    });
}

async fn publish(url: &str, token: &str) -> Result<(), Error> {
    let (call, events) = Call::join(url, token).await?;
    drain(events);
    call.publish_audio(Box::new(Tone::new(440.0, 0.4)))?;
    call.publish_video(Box::new(TestPattern::new(1280, 720)))?;
    tokio::time::sleep(WARM_UP).await;
    let before = cpu();
    tokio::time::sleep(Duration::from_secs(SECONDS)).await;
    let used = cpu() - before;
    println!("cpu_ms_per_s={}", used.as_millis() as u64 / SECONDS);
    call.leave().await;
    Ok(())
}

async fn receive(url: &str, token: &str, count: usize) -> Result<(), Error> {
    let started = Instant::now();
    let (call, mut events) = Call::join(url, token).await?;
    let mut first = None;
    let mut tracks = HashSet::new();
    let mut latencies = Vec::new();
    let mut window: Option<(Instant, Duration)> = None;
    let deadline = Instant::now() + Duration::from_secs(60);
    while let Some(event) = tokio::time::timeout(Duration::from_secs(20), events.recv()).await? {
        let CallEvent::Video { track, frame, .. } = event else {
            if let CallEvent::Disconnected(error) = event {
                return Err(error.into());
            }
            continue;
        };
        let now = Instant::now();
        first.get_or_insert(now - started);
        tracks.insert(track);
        match window {
            None if tracks.len() >= count && now - started > WARM_UP => {
                window = Some((now, cpu()));
            }
            Some((since, before)) if now - since >= Duration::from_secs(SECONDS) => {
                let used = cpu() - before;
                latencies.sort_unstable();
                let median = latencies.get(latencies.len() / 2).copied().unwrap_or(-1);
                println!(
                    "cpu_ms_per_s={} first_frame_ms={} glass_to_glass_ms={median} frames={}",
                    used.as_millis() as u64 / SECONDS,
                    first.unwrap_or_default().as_millis(),
                    latencies.len()
                );
                call.leave().await;
                return Ok(());
            }
            Some(_) => {
                if let Some((stamp, _)) = sparks_media::read_stamp(&frame) {
                    let wall = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)?
                        .as_millis() as i64
                        % (1 << 32);
                    latencies.push((wall - i64::from(stamp)).rem_euclid(1 << 32));
                }
            }
            None => {}
        }
        if Instant::now() > deadline {
            break;
        }
    }
    Err(format!("saw {} of {count} tracks in time", tracks.len()).into())
}

/// The figures on a child's last line.
fn figures(output: &str) -> Result<Figures, Error> {
    let line = output
        .lines()
        .rev()
        .find(|l| l.contains("cpu_ms_per_s="))
        .ok_or_else(|| format!("no figures in:\n{output}"))?;
    line.split_whitespace()
        .map(|pair| {
            let (key, value) = pair.split_once('=').ok_or("not key=value")?;
            Ok((key.to_owned(), value.parse()?))
        })
        .collect()
}

async fn run(mut command: tokio::process::Command) -> Result<Figures, Error> {
    let output = command.kill_on_drop(true).output().await?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "{command:?} failed: {}\n{text}",
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    figures(&text)
}

fn myself(args: &[&str]) -> Result<tokio::process::Command, Error> {
    let mut command = tokio::process::Command::new(std::env::current_exe()?);
    command.args(args);
    Ok(command)
}

/// The Python SDK's figures for `mode` (none without an interpreter).
async fn baseline(
    interpreter: &Option<String>,
    mode: &str,
    url: &str,
    token: &str,
    extra: &[&str],
) -> Result<Option<Figures>, Error> {
    let Some(interpreter) = interpreter else {
        return Ok(None);
    };
    let script =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/peers/livekit_bench.py");
    let seconds = SECONDS.to_string();
    let mut command = tokio::process::Command::new(interpreter);
    command
        .arg(script)
        .args([mode, "--url", url, "--token", token, "--seconds", &seconds])
        .args(extra);
    run(command).await.map(Some)
}

async fn orchestrate() -> Result<(), Error> {
    let ip = std::env::var("SPARKS_TEST_MEDIA_IP")
        .ok()
        .and_then(|ip| ip.parse().ok())
        .unwrap_or(std::net::IpAddr::from([127, 0, 0, 1]));
    let interpreter = std::env::var("SPARKS_TEST_LIVEKIT_PYTHON").ok();
    let sfu = Sfu::start(Options {
        ip,
        ..Options::default()
    })
    .await?;
    let url = sfu.url().to_owned();

    // Publishing 720p30 and Opus, watched in full by one subscriber: all three layers are
    // encoded (LiveKit keeps the lower ones for when the SFU must step down).
    println!("Publishing 1280x720 at 30 fps and Opus for {SECONDS} s…");
    let (_watcher, events) = Call::join(&url, &sfu.token("watcher", "publish")).await?;
    drain(events);
    let sparks_publish = run(myself(&["publish", &url, &sfu.token("sparks", "publish")])?).await?;
    let python_publish = baseline(
        &interpreter,
        "publish",
        &url,
        &sfu.token("python", "publish"),
        &[],
    )
    .await?;

    // Four 360p publishers; the measured participant receives them all.
    println!("Receiving four 640x360 participants for {SECONDS} s…");
    let mut publishers = Vec::new();
    for n in 0..PUBLISHERS {
        let (call, events) =
            Call::join(&url, &sfu.token(&format!("camera-{n}"), "receive")).await?;
        drain_blind(call.clone(), events);
        call.publish_audio(Box::new(Tone::new(300.0 + 100.0 * n as f32, 0.3)))?;
        call.publish_video(Box::new(TestPattern::new(640, 360)))?;
        publishers.push(call);
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let count = PUBLISHERS.to_string();
    let sparks_receive = run(myself(&[
        "receive",
        &url,
        &sfu.token("sparks", "receive"),
        &count,
    ])?)
    .await?;
    let python_receive = baseline(
        &interpreter,
        "receive",
        &url,
        &sfu.token("python", "receive"),
        &["--count", &count],
    )
    .await?;
    for call in publishers {
        call.leave().await;
    }

    // Latency on a quiet machine: one 720p publisher, one receiver.
    println!("Receiving one 1280x720 participant for {SECONDS} s…");
    let (camera, events) = Call::join(&url, &sfu.token("camera", "latency")).await?;
    drain_blind(camera.clone(), events);
    camera.publish_video(Box::new(TestPattern::new(1280, 720)))?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let sparks_latency = run(myself(&[
        "receive",
        &url,
        &sfu.token("sparks", "latency"),
        "1",
    ])?)
    .await?;
    let python_latency = baseline(
        &interpreter,
        "receive",
        &url,
        &sfu.token("python", "latency"),
        &["--count", "1"],
    )
    .await?;
    camera.leave().await;

    let rows = [
        (
            "publish 720p30 + Opus, CPU ms per s",
            &sparks_publish,
            &python_publish,
            "cpu_ms_per_s",
        ),
        (
            "receive 4 x 360p + Opus, CPU ms per s",
            &sparks_receive,
            &python_receive,
            "cpu_ms_per_s",
        ),
        (
            "join to first remote picture (720p), ms",
            &sparks_latency,
            &python_latency,
            "first_frame_ms",
        ),
        (
            "glass to glass, median (720p), ms",
            &sparks_latency,
            &python_latency,
            "glass_to_glass_ms",
        ),
        (
            "glass to glass, median (4 x 360p), ms",
            &sparks_receive,
            &python_receive,
            "glass_to_glass_ms",
        ),
    ];
    println!();
    println!(
        "{:<40} {:>10} {:>10} {:>8}",
        "", "Sparks", "Python", "ratio"
    );
    for (name, sparks, baseline, key) in rows {
        let ours = sparks.get(key).copied().unwrap_or(f64::NAN);
        let theirs = baseline.as_ref().and_then(|b| b.get(key).copied());
        match theirs {
            Some(theirs) => println!(
                "{name:<40} {ours:>10.0} {theirs:>10.0} {:>8.2}",
                ours / theirs
            ),
            None => println!("{name:<40} {ours:>10.0} {:>10} {:>8}", "-", "-"),
        }
    }
    println!(
        "(ratio: Sparks / LiveKit's Python SDK, lower is better; a core is 1000 ms per s; \
         targets: publish under 500, glass to glass under 100)"
    );
    Ok(())
}
