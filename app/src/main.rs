use std::fs::File;
use std::sync::Mutex;

use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer, fmt};

/// What goes to the log file unless `SPARKS_LOG` says otherwise. matrix-sdk logs expected
/// 404s (absent account data) as errors, so its HTTP client stays quiet.
const FILE_LOG: &str = "info,matrix_sdk=warn,matrix_sdk_base=warn,matrix_sdk_crypto=warn,matrix_sdk::http_client=off,\
                        wgpu_core=warn,wgpu_hal=error,naga=warn,iced_wgpu=warn,cosmic_text=warn";
/// What the terminal shows.
const TERMINAL_LOG: &str =
    "warn,matrix_sdk=error,matrix_sdk_crypto=error,matrix_sdk::http_client=off,wgpu_hal=error";

fn main() -> iced::Result {
    let filter = |default: &str| {
        EnvFilter::try_from_env("SPARKS_LOG").unwrap_or_else(|_| EnvFilter::new(default))
    };
    let file = log_file().map(|file| {
        fmt::layer()
            .with_ansi(false)
            .with_writer(Mutex::new(file))
            .with_filter(filter(FILE_LOG))
    });
    tracing_subscriber::registry()
        .with(
            fmt::layer()
                .with_writer(std::io::stderr)
                .with_filter(filter(TERMINAL_LOG)),
        )
        .with(file)
        .init();
    sparks::application().run()
}

/// `sparks.log` in Sparks' log folder; the previous run's log is kept as `sparks.log.1`.
fn log_file() -> Option<File> {
    let dir = sparks_config::Paths::from_env().ok()?.log_dir();
    std::fs::create_dir_all(&dir).ok()?;
    let path = dir.join("sparks.log");
    let _ = std::fs::rename(&path, dir.join("sparks.log.1"));
    File::create(path).ok()
}
