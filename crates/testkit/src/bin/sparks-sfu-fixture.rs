//! The LiveKit-protocol SFU fixture as a program, for `cargo xtask demo`: no LiveKit server can
//! run here, so the demo's meetings meet on this test fixture (its limits are the crate's).
//!
//! `sparks-sfu-fixture <port> <api key> <api secret>` listens on 127.0.0.1 until it is stopped.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [port, key, secret] = args.as_slice() else {
        eprintln!("usage: sparks-sfu-fixture <port> <api key> <api secret>");
        return ExitCode::from(2);
    };
    let Ok(port) = port.parse::<u16>() else {
        eprintln!("not a port: {port}");
        return ExitCode::from(2);
    };
    let options = sparks_testkit::Options {
        port,
        api_key: key.clone(),
        api_secret: secret.clone(),
        ..sparks_testkit::Options::default()
    };
    let sfu = match sparks_testkit::Sfu::start(options).await {
        Ok(sfu) => sfu,
        Err(error) => {
            eprintln!("cannot listen on 127.0.0.1:{port}: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("LiveKit-protocol SFU fixture at {}", sfu.url());
    // Until Ctrl+C or the demo stops it (SIGTERM ends the process as it is).
    let _ = tokio::signal::ctrl_c().await;
    ExitCode::SUCCESS
}
