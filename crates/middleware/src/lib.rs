//! The Sparks middleware: the one server every Sparks client talks to besides its homeserver and
//! the SFU. It knows the tenants' backends, checks who a user is with their homeserver or their
//! organisation's identity provider, and hands out what the client needs — starting with
//! meeting tokens compatible with Element Call.

pub mod config;
pub mod http;
pub mod identity;
pub mod limit;
pub mod livekit;
pub mod metrics;
pub mod oidc;
pub mod openapi;
mod outbound;
pub mod pim;
pub mod store;
mod vault;

use std::sync::Arc;

/// Opens the store and serves the API on `listener` until `shutdown` resolves; requests under
/// way are finished first.
pub async fn serve(
    config: config::Config,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let store = store::Store::open(config.database.expose()).await?;
    let pruning = tokio::spawn(prune_hourly(store.clone()));
    let app = Arc::new(http::App::new(config, store));
    let served = axum::serve(listener, http::router(app))
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(ServeError::Io);
    pruning.abort();
    served
}

/// Forgets sessions past renewal once an hour, so the store does not grow with every sign-in.
async fn prune_hourly(store: store::Store) {
    let mut hourly = tokio::time::interval(std::time::Duration::from_secs(60 * 60));
    loop {
        hourly.tick().await;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        match store.prune(now).await {
            Ok(0) => {}
            Ok(gone) => tracing::info!(sessions = gone, "forgot sessions past renewal"),
            Err(error) => tracing::warn!(%error, "could not forget old sessions"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error("serving failed: {0}")]
    Io(std::io::Error),
}
