//! `bench chat`: Sparks' Matrix backend against matrix-nio on the same seeded account.
//! `bench middleware`: the middleware's meeting tokens against its own trivial endpoint.
//! `bench call`: the meeting engine against LiveKit's Python SDK through the SFU fixture.
//!
//! A Synapse in `.dev/bench` (kept between runs, so the 1,000 rooms and the room of 10,000
//! messages are seeded once) serves an account that `sparks-bench` signs in once and then
//! restores in fresh processes, measuring the time to the full room list, the time to the last
//! screen of the big room, and memory. matrix-nio does the same from a saved access token. The
//! medians of a few runs are printed side by side, with the ratio Sparks / nio.

use std::collections::BTreeMap;
use std::process::ExitCode;

use crate::Result;
use crate::apt;
use crate::process;
use crate::server::{self, Server};
use crate::synapse::{self, Layout};
use crate::venv;
use crate::workspace::Workspace;

/// The bench Synapse's port. The server name contains it, so it must not change between runs.
const PORT: u16 = 8018;
const RUNS: usize = 3;
const USER: &str = "bench";
const PASSWORD: &str = "sparks-bench";

/// One run's figures, by name (`room_list_ms`, `open_room_ms`, `rss_mb`, …).
type Figures = BTreeMap<String, u64>;

/// The bench Synapse in `.dev/bench`, started and answering.
struct BenchSynapse {
    layout: Layout,
    secrets: synapse::Secrets,
    server: Server,
}

impl BenchSynapse {
    fn start(ws: &Workspace, venv: &venv::Venv) -> Result<BenchSynapse> {
        let dir = ws.dev_dir().join("bench");
        let layout = Layout {
            data_dir: dir.join("data"),
            state_dir: dir,
            port: PORT,
            middleware_port: None,
        };
        if !server::port_is_free(PORT) {
            return Err(format!(
                "port {PORT} is taken; the bench Synapse needs it (its server name contains it)"
            ));
        }
        let secrets = synapse::prepare(&layout, venv)?;
        println!("Starting the bench Synapse at {}…", layout.base_url());
        let mut server = Server::start(&layout, venv)?;
        server.wait_healthy()?;
        Ok(BenchSynapse {
            layout,
            secrets,
            server,
        })
    }

    /// Points a test binary at this server, as the live tests are.
    fn env(&self, command: &mut std::process::Command) {
        command
            .env("SPARKS_TEST_HOMESERVER", self.layout.base_url())
            .env("SPARKS_TEST_SERVER_NAME", self.layout.server_name())
            .env(
                "SPARKS_TEST_REGISTRATION_SECRET",
                &self.secrets.registration,
            );
    }
}

/// `bench middleware`: `/get_token` against `/healthz` of the same release-built server.
pub fn middleware() -> Result<ExitCode> {
    let ws = Workspace::locate()?;
    apt::ensure(&[&apt::BUILD, &apt::PYTHON, &apt::BENCH])?;
    let venv = venv::ensure(&ws)?;
    ws.build_all()?;
    let binary = ws.release_binary("sparks-middleware", "sparks-middleware")?;
    let mut synapse = BenchSynapse::start(&ws, &venv)?;
    let mut command = ws.binary("sparks-bench-middleware");
    command
        .arg(&binary)
        .arg(ws.dev_dir().join("bench").join("middleware"));
    synapse.env(&mut command);
    let result = process::run(&mut command);
    synapse.server.stop();
    result.map(|()| ExitCode::SUCCESS)
}

/// `bench calendar`: `cargo bench`'s build of the calendar benchmark
/// (`crates/middleware/benches/calendar.rs`), with the venv's Python `icalendar` as the
/// parsing baseline.
pub fn calendar() -> Result<ExitCode> {
    let ws = Workspace::locate()?;
    apt::ensure(&[&apt::BUILD, &apt::PYTHON])?;
    let venv = venv::ensure(&ws)?;
    let mut bench = ws.cargo([
        "bench",
        "--quiet",
        "-p",
        "sparks-middleware",
        "--bench",
        "calendar",
    ]);
    bench.env("SPARKS_TEST_PYTHON", venv.python());
    process::run(&mut bench).map(|()| ExitCode::SUCCESS)
}

/// `bench call`: `cargo bench`'s build of the engine's benchmark (`crates/call/benches`),
/// in a network namespace of its own, with the venv's Python SDK as the baseline.
pub fn call() -> Result<ExitCode> {
    let ws = Workspace::locate()?;
    apt::ensure(&[&apt::BUILD, &apt::PYTHON, &apt::NETWORK])?;
    let venv = venv::ensure(&ws)?;
    println!("Building the meeting benchmark with optimisations…");
    process::run(&mut ws.cargo([
        "bench",
        "--no-run",
        "--quiet",
        "-p",
        "sparks-call",
        "--bench",
        "call",
    ]))?;
    let namespace = crate::netns::Namespace::create()?;
    let bench = ws.cargo(["bench", "--quiet", "-p", "sparks-call", "--bench", "call"]);
    let mut command = namespace.exec();
    command
        .arg(bench.get_program())
        .args(bench.get_args())
        .current_dir(ws.root())
        .env("SPARKS_TEST_MEDIA_IP", crate::netns::MEDIA_IP)
        .env("SPARKS_TEST_LIVEKIT_PYTHON", venv.python());
    for (key, value) in bench.get_envs() {
        if let Some(value) = value {
            command.env(key, value);
        }
    }
    process::run(&mut command).map(|()| ExitCode::SUCCESS)
}

pub fn chat() -> Result<ExitCode> {
    let ws = Workspace::locate()?;
    apt::ensure(apt::ALL)?;
    let venv = venv::ensure(&ws)?;
    ws.build_all()?;
    let mut synapse = BenchSynapse::start(&ws, &venv)?;
    let dir = synapse.layout.state_dir.clone();
    let layout = synapse.layout.clone();
    let result = (|| {
        let env = |command: &mut std::process::Command| synapse.env(command);
        let state = dir.join("seed.json");
        let home = dir.join("sparks-home");
        let bench = |args: &[&std::ffi::OsStr]| {
            let mut command = ws.binary("sparks-bench");
            command.args(args);
            env(&mut command);
            command
        };
        println!("Seeding 1,000 rooms and a room of 10,000 messages (first run only)…");
        process::run(&mut bench(&["seed".as_ref(), state.as_os_str()]))?;
        process::run(&mut bench(&[
            "prime".as_ref(),
            state.as_os_str(),
            home.as_os_str(),
        ]))?;
        let big = big_room(&state)?;
        let mut sparks = Vec::new();
        let mut nio = Vec::new();
        for run in 1..=RUNS {
            println!("Run {run} of {RUNS}…");
            let out = process::output(&mut bench(&[
                "measure".as_ref(),
                state.as_os_str(),
                home.as_os_str(),
            ]))?;
            sparks.push(figures(&out)?);
            let script = ws.root().join("tests/peers/nio_bench.py");
            let mut command = venv.python_command([script.as_os_str()]);
            command
                .args(["--homeserver", &layout.base_url()])
                .args(["--user", &format!("@{USER}:{}", layout.server_name())])
                .args(["--password", PASSWORD])
                .args(["--big", &big])
                .args(["--rooms", "1001"]);
            nio.push(figures(&process::output(&mut command)?)?);
        }
        report(&sparks, &nio);
        Ok(ExitCode::SUCCESS)
    })();
    synapse.server.stop();
    result
}

fn big_room(state: &std::path::Path) -> Result<String> {
    let text = std::fs::read_to_string(state)
        .map_err(|error| format!("cannot read {}: {error}", state.display()))?;
    // `{"big_room":"!id:server","rooms":1001}`: the one string value.
    text.split('"')
        .find(|part| part.starts_with('!'))
        .map(ToOwned::to_owned)
        .ok_or_else(|| format!("no big room in {}", state.display()))
}

/// The `key=value` figures on the last line of a run's output.
fn figures(output: &str) -> Result<Figures> {
    let line = output
        .lines()
        .rev()
        .find(|line| line.contains("room_list_ms="))
        .ok_or_else(|| format!("no figures in:\n{output}"))?;
    line.split_whitespace()
        .map(|pair| {
            let (key, value) = pair
                .split_once('=')
                .ok_or_else(|| format!("not key=value: {pair}"))?;
            let value = value.parse().map_err(|_| format!("not a number: {pair}"))?;
            Ok((key.to_owned(), value))
        })
        .collect()
}

fn median(runs: &[Figures], key: &str) -> Option<u64> {
    let mut values: Vec<u64> = runs
        .iter()
        .filter_map(|run| run.get(key).copied())
        .collect();
    values.sort_unstable();
    values.get(values.len() / 2).copied()
}

fn report(sparks: &[Figures], nio: &[Figures]) {
    println!();
    println!("Chat benchmark: 1,001 rooms, a room of 10,000 messages; median of {RUNS} runs.");
    println!("Baseline: matrix-nio (Python, libolm), same account, same Synapse.");
    println!();
    println!(
        "{:<34} {:>10} {:>10} {:>8} {:>10}",
        "", "Sparks", "nio", "ratio", "target"
    );
    let rows = [
        // What someone sees: the window's first screen of rooms, from the process start.
        (
            "room list shown, 1st screen (ms)",
            "first_screen_ms",
            Some("< 500"),
        ),
        ("  of which: session restored", "restore_ms", None),
        ("room list complete (ms)", "room_list_ms", None),
        (
            "open big room, last screen (ms)",
            "open_room_ms",
            Some("< 100"),
        ),
        ("memory after both (RSS, MB)", "rss_mb", Some("< 200")),
    ];
    for (label, key, target) in rows {
        let ours = median(sparks, key);
        let theirs = median(nio, key);
        let show = |v: Option<u64>| v.map_or_else(|| "-".to_owned(), |v| v.to_string());
        let ratio = match (ours, theirs) {
            (Some(a), Some(b)) if b > 0 => format!("{:.2}", a as f64 / b as f64),
            _ => "-".to_owned(),
        };
        println!(
            "{label:<34} {:>10} {:>10} {ratio:>8} {:>10}",
            show(ours),
            show(theirs),
            target.unwrap_or("")
        );
    }
    println!();
    println!("ratio = Sparks / nio; below 1 means Sparks is faster or smaller.");
}

#[cfg(test)]
mod tests {
    #[test]
    fn figures_are_read_from_the_last_line() {
        let out = "primed\nroom_list_ms=120 open_room_ms=40 rss_mb=150\n";
        let figures = super::figures(out).expect("figures");
        assert_eq!(figures["room_list_ms"], 120);
        assert_eq!(figures["rss_mb"], 150);
        assert!(super::figures("nothing").is_err());
        let runs = [figures.clone(), figures.clone(), figures];
        assert_eq!(super::median(&runs, "open_room_ms"), Some(40));
    }
}
