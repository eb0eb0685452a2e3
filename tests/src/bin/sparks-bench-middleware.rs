//! The middleware benchmark, run by `cargo xtask bench middleware`:
//! `sparks-bench-middleware MIDDLEWARE_BINARY WORK_DIR`.
//!
//! Makes a user and a room on the bench Synapse, starts the given (release) middleware binary
//! beside the testkit's LiveKit-protocol SFU (for RoomService), and loads it with `wrk` at 64 connections: first `/healthz`
//! (the framework's ceiling: routing, limits, metrics, nothing else), then `/get_token` as
//! Element Call asks for it, with the room membership checked through Synapse's admin API as
//! production set-ups do (the OpenID check and the membership served from the middleware's
//! caches after the first request). Prints requests per second and p50/p99 latency of both and their ratio.
//!
//! The homeserver comes from `SPARKS_TEST_HOMESERVER`, `SPARKS_TEST_SERVER_NAME` and
//! `SPARKS_TEST_REGISTRATION_SECRET`, as for the live tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use matrix_sdk::ruma::api::client::account::request_openid_token::v3::Request as OpenIdRequest;
use matrix_sdk::ruma::api::client::room::create_room::v3::Request as CreateRoom;
use sparks_tests::{Error, Homeserver};

const CONNECTIONS: &str = "64";
const THREADS: &str = "2";
const WARM_UP: &str = "2s";
const DURATION: &str = "10s";

/// What wrk measured.
struct Load {
    requests_per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [binary, dir] = args.as_slice() else {
        return Err("usage: sparks-bench-middleware MIDDLEWARE_BINARY WORK_DIR".into());
    };
    let dir = PathBuf::from(dir);
    std::fs::create_dir_all(&dir)?;
    let server = Homeserver::from_env();
    let (user, password) = server.new_user("bench-mw").await?;
    let admin = server.new_admin().await?;
    let home = tempfile::tempdir()?;
    let client = server.client(&user, &password, home.path()).await?;
    let room = client.create_room(CreateRoom::new()).await?;
    let user_id = client.user_id().ok_or("not signed in")?.to_owned();
    let openid = client.send(OpenIdRequest::new(user_id.clone())).await?;
    let body = serde_json::json!({
        "room_id": room.room_id().to_string(),
        "slot_id": "m.call#ROOM",
        "openid_token": {
            "access_token": openid.access_token,
            "token_type": "Bearer",
            "matrix_server_name": openid.matrix_server_name.to_string(),
            "expires_in": openid.expires_in.as_secs(),
        },
        "member": {
            "id": "bench-member",
            "claimed_user_id": user_id.to_string(),
            "claimed_device_id": "BENCH",
        },
    });

    let sfu = sparks_testkit::Sfu::start(sparks_testkit::Options {
        api_key: "bench".into(),
        api_secret: "a-livekit-secret-long-enough-for-hs256".into(),
        ..sparks_testkit::Options::default()
    })
    .await?;
    let livekit = sfu.url();
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let config = dir.join("middleware.toml");
    std::fs::write(
        &config,
        format!(
            r#"[server]
listen = "127.0.0.1:{port}"
public_url = "{url}"
requests_per_minute = 100000000
[storage]
database = "sqlite://{db}?mode=rwc"
[[tenant]]
id = "bench"
[[tenant.homeservers]]
server_name = "{name}"
url = "{hs}"
admin_token = "{admin}"
[tenant.livekit]
url = "{livekit}"
api_key = "bench"
api_secret = "a-livekit-secret-long-enough-for-hs256"
"#,
            db = dir.join("middleware.db").display(),
            name = server.server_name,
            hs = server.url,
        ),
    )?;
    let log = std::fs::File::create(dir.join("middleware.log"))?;
    let mut middleware = Command::new(binary)
        .arg(&config)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()?;
    let result = measure(&url, &body, &dir).await;
    let _ = middleware.kill();
    let _ = middleware.wait();
    let (ceiling, tokens) = result?;
    report(&ceiling, &tokens);
    Ok(())
}

async fn measure(url: &str, body: &serde_json::Value, dir: &Path) -> Result<(Load, Load), Error> {
    sparks_tests::eventually(Duration::from_secs(20), "the middleware", || async {
        reqwest::get(format!("{url}/readyz"))
            .await
            .is_ok_and(|r| r.status().is_success())
    })
    .await?;
    // One real request: the OpenID check with Synapse, then the cache.
    let first = reqwest::Client::new()
        .post(format!("{url}/get_token"))
        .json(body)
        .send()
        .await?;
    if !first.status().is_success() {
        return Err(format!(
            "/get_token answered {}: {}",
            first.status(),
            first.text().await?
        )
        .into());
    }
    let script = dir.join("get_token.lua");
    std::fs::write(
        &script,
        format!(
            "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.body = [==[{body}]==]\n"
        ),
    )?;
    let healthz = format!("{url}/healthz");
    let get_token = format!("{url}/get_token");
    wrk(&healthz, None, WARM_UP)?;
    let ceiling = wrk(&healthz, None, DURATION)?;
    wrk(&get_token, Some(&script), WARM_UP)?;
    let tokens = wrk(&get_token, Some(&script), DURATION)?;
    Ok((ceiling, tokens))
}

/// Runs wrk against `url` and reads its summary; any non-2xx answer fails the run.
fn wrk(url: &str, script: Option<&Path>, duration: &str) -> Result<Load, Error> {
    let mut command = Command::new("wrk");
    command.args([
        "-t",
        THREADS,
        "-c",
        CONNECTIONS,
        "-d",
        duration,
        "--latency",
    ]);
    if let Some(script) = script {
        command.arg("-s").arg(script);
    }
    let output = command.arg(url).output()?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        return Err(format!(
            "wrk failed: {text}{}",
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    parse(&text).ok_or_else(|| format!("cannot read wrk's summary:\n{text}").into())
}

/// Requests/sec and the 50 % and 99 % latencies of wrk's `--latency` summary; `None` when any
/// answer was not 2xx/3xx or a figure is missing.
fn parse(text: &str) -> Option<Load> {
    if text.contains("Non-2xx or 3xx responses") {
        return None;
    }
    let value = |prefix: &str| {
        text.lines()
            .map(str::trim)
            .find_map(|line| line.strip_prefix(prefix))
            .map(str::trim)
    };
    Some(Load {
        requests_per_second: value("Requests/sec:")?.parse().ok()?,
        p50_ms: millis(value("50%")?)?,
        p99_ms: millis(value("99%")?)?,
    })
}

/// `635.91us`, `1.42ms` or `2.01s` in milliseconds.
fn millis(figure: &str) -> Option<f64> {
    let split = figure.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = figure.split_at(split);
    let number: f64 = number.parse().ok()?;
    Some(match unit {
        "us" => number / 1000.0,
        "ms" => number,
        "s" => number * 1000.0,
        _ => return None,
    })
}

fn report(ceiling: &Load, tokens: &Load) {
    println!();
    println!(
        "Middleware benchmark: wrk, {CONNECTIONS} connections, {THREADS} threads, {DURATION}."
    );
    println!("Baseline: GET /healthz on the same server (the framework's ceiling).");
    println!();
    println!(
        "{:<28} {:>12} {:>10} {:>10}",
        "", "requests/s", "p50 (ms)", "p99 (ms)"
    );
    for (label, load) in [
        ("GET /healthz (ceiling)", ceiling),
        ("POST /get_token", tokens),
    ] {
        println!(
            "{label:<28} {:>12.0} {:>10.2} {:>10.2}",
            load.requests_per_second, load.p50_ms, load.p99_ms
        );
    }
    println!();
    println!(
        "ratio /get_token / ceiling: {:.2} (target at least 0.50)",
        tokens.requests_per_second / ceiling.requests_per_second
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_wrks_summary() {
        let text = "Running 10s test @ http://127.0.0.1:1/healthz\n  Latency Distribution\n     50%  635.91us\n     75%  712.00us\n     90%    1.01ms\n     99%    1.42ms\n  563383 requests in 10.00s, 70.39MB read\nRequests/sec:  56338.36\nTransfer/sec:      7.04MB\n";
        let load = super::parse(text).expect("parsed");
        assert!((load.requests_per_second - 56338.36).abs() < 0.01);
        assert!((load.p50_ms - 0.63591).abs() < 1e-9);
        assert!((load.p99_ms - 1.42).abs() < 1e-9);
        let failed = format!("{text}  Non-2xx or 3xx responses: 12\n");
        assert!(super::parse(&failed).is_none());
        assert_eq!(super::millis("2.5s"), Some(2500.0));
    }
}
