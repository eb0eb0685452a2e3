//! `sparks-middleware [CONFIG]`: serves the Sparks middleware (default config
//! `/etc/sparks/middleware.toml`). Logs go to stderr; `RUST_LOG` picks what to show and
//! `SPARKS_LOG_FORMAT=json` writes one JSON object per line for log collectors.

use std::path::PathBuf;
use std::process::ExitCode;

use sparks_middleware::config::Config;

#[tokio::main]
async fn main() -> ExitCode {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,tower_http=info".into());
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if std::env::var("SPARKS_LOG_FORMAT").is_ok_and(|format| format == "json") {
        logs.json().init();
    } else {
        logs.init();
    }
    let path = std::env::args_os().nth(1).map_or_else(
        || PathBuf::from("/etc/sparks/middleware.toml"),
        PathBuf::from,
    );
    let config = match Config::load(&path) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("sparks-middleware: {}: {error}", path.display());
            return ExitCode::from(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind(config.listen).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!(
                "sparks-middleware: cannot listen on {}: {error}",
                config.listen
            );
            return ExitCode::from(2);
        }
    };
    tracing::info!(address = %config.listen, tenants = config.tenants.len(), "serving");
    let shutdown = async {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        {
            let mut term =
                match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                    Ok(term) => term,
                    Err(_) => {
                        let _ = ctrl_c.await;
                        return;
                    }
                };
            tokio::select! {
                _ = ctrl_c => {}
                _ = term.recv() => {}
            }
        }
        #[cfg(not(unix))]
        let _ = ctrl_c.await;
        tracing::info!("shutting down");
    };
    match sparks_middleware::serve(config, listener, shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("sparks-middleware: {error}");
            ExitCode::FAILURE
        }
    }
}
