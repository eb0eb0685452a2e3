use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use futures_util::{Stream, StreamExt};
use matrix_sdk::Client;
use matrix_sdk::authentication::matrix::MatrixSession;
use matrix_sdk::config::RequestConfig;
use matrix_sdk_ui::sync_service::{self, SyncService};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sparks_domain::{Connection, SpaceGroup};
use sparks_secrets::{ExposeSecret, SecretStore, SecretString};

use crate::error::{LoginError, RestoreError, details};
use crate::login::{self, LoginRequest};
use crate::room_list::{self, RoomListUpdate};

/// The secret-store entry that holds the signed-in session.
const SESSION_KEY: &str = "matrix-session";
/// How the device shows up in the user's session list.
const DEVICE_NAME: &str = "Sparks";
/// Longest wait for any single request before it counts as unreachable.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Longest wait to tell the server about a logout.
const LOGOUT_TIMEOUT: Duration = Duration::from_secs(10);

/// What the secret store keeps so the next start can skip the login form.
#[derive(Serialize, Deserialize)]
struct StoredSession {
    homeserver: String,
    /// Folder under the store root that holds this session's SQLite stores.
    store: String,
    /// The SQLite stores' key: 32 random bytes (base64), used as they are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    store_key: Option<String>,
    /// What sessions saved by earlier versions have instead of a key: a passphrase, which the
    /// stores stretch with 200,000 PBKDF2 rounds each on every start (a quarter of a second).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    passphrase: String,
    #[serde(flatten)]
    session: MatrixSession,
}

/// A signed-in account: a cheap, cloneable handle to the client and its sync.
#[derive(Clone)]
pub struct Session {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) client: Client,
    sync: SyncService,
    secrets: SecretStore,
    store_dir: PathBuf,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("user_id", &self.user_id())
            .field("store_dir", &self.inner.store_dir)
            .finish_non_exhaustive()
    }
}

/// The result of signing out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogoutOutcome {
    /// The server ended the session and local data is gone.
    Complete,
    /// Local data is gone but the server could not be told; the session may still be listed there.
    LocalOnly { details: String },
}

/// A Matrix OpenID token (`/openid/request_token`); `Debug` never shows the token.
#[derive(Clone, PartialEq, Eq)]
pub struct OpenIdToken {
    pub access_token: String,
    pub matrix_server_name: String,
    pub expires_in_secs: u64,
}

impl std::fmt::Debug for OpenIdToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenIdToken")
            .field("matrix_server_name", &self.matrix_server_name)
            .field("expires_in_secs", &self.expires_in_secs)
            .finish_non_exhaustive()
    }
}

/// The homeserver gave no OpenID token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the homeserver gave no OpenID token: {0}")]
pub struct OpenIdError(pub String);

impl Session {
    /// Signs in with a password and remembers the session in `secrets`.
    ///
    /// `store_root` is the folder under which each session gets its own encrypted SQLite store.
    pub async fn login(
        request: &LoginRequest,
        store_root: &Path,
        secrets: SecretStore,
    ) -> Result<Session, LoginError> {
        let target = request.target()?;
        let store = random_token(12);
        let store_key = random_token(32);
        let store_dir = store_root.join(&store);
        let store_config = store_config(&store_dir, Some(&store_key), "")
            .map_err(|e| LoginError::Store(e.to_string()))?;
        let client = Client::builder()
            .server_name_or_homeserver_url(&target.discovery_input)
            // Discovery has found and checked the server already; a hint in the login response
            // must not move the session to a server nobody checked.
            .respect_login_well_known(false)
            .sqlite_store_with_config_and_cache_path(store_config, None::<&Path>)
            .request_config(RequestConfig::new().timeout(REQUEST_TIMEOUT))
            .with_encryption_settings(crate::security::settings())
            // Threads as threads: replies counted on their root, not mixed into the room.
            .with_threading_support(matrix_sdk::ThreadingSupport::Enabled {
                with_subscriptions: false,
            })
            .build()
            .await
            .map_err(|e| login::build_error(&target, e));
        let client = match client {
            Ok(client) => client,
            Err(error) => {
                remove_store(&store_dir).await;
                return Err(error);
            }
        };
        let logged_in = client
            .matrix_auth()
            .login_username(&target.login_id, request.password.expose_secret())
            .initial_device_display_name(DEVICE_NAME)
            .send()
            .await;
        if let Err(error) = logged_in {
            drop(client);
            remove_store(&store_dir).await;
            return Err(login::login_error(&target, error));
        }
        let Some(session) = client.matrix_auth().session() else {
            remove_store(&store_dir).await;
            return Err(LoginError::Other(
                "the server accepted the login but returned no session".into(),
            ));
        };
        let stored = StoredSession {
            homeserver: client.homeserver().to_string(),
            store,
            store_key: Some(store_key),
            passphrase: String::new(),
            session,
        };
        let saved = save(&secrets, &stored).await;
        if let Err(error) = saved {
            let _ = client.matrix_auth().logout().await;
            drop(client);
            remove_store(&store_dir).await;
            return Err(LoginError::Secrets(error));
        }
        tracing::info!(user_id = %stored.session.meta.user_id, "signed in");
        Session::assemble(client, secrets, store_dir)
            .await
            .map_err(LoginError::Store)
    }

    /// Brings back the session saved by a previous [`Session::login`], without the network.
    ///
    /// `Ok(None)` means nobody is signed in.
    pub async fn restore(
        store_root: &Path,
        secrets: SecretStore,
    ) -> Result<Option<Session>, RestoreError> {
        let lookup = secrets.clone();
        let raw = tokio::task::spawn_blocking(move || lookup.get(SESSION_KEY))
            .await
            .map_err(|e| RestoreError::Secrets(e.to_string()))?
            .map_err(|e| RestoreError::Secrets(e.to_string()))?;
        let Some(raw) = raw else { return Ok(None) };
        let stored: StoredSession = serde_json::from_str(raw.expose_secret())
            .map_err(|e| RestoreError::Corrupt(e.to_string()))?;
        if stored.store.is_empty() || stored.store.contains(['/', '\\', '.']) {
            return Err(RestoreError::Corrupt("invalid store folder name".into()));
        }
        let store_dir = store_root.join(&stored.store);
        // A new store would hold new device keys for an old device id, which the server rejects:
        // without the old store the only way back is a fresh login.
        if !tokio::fs::try_exists(&store_dir).await.unwrap_or(false) {
            return Err(RestoreError::Store(format!(
                "{} is missing",
                store_dir.display()
            )));
        }
        let store_config =
            store_config(&store_dir, stored.store_key.as_deref(), &stored.passphrase)
                .map_err(RestoreError::Corrupt)?;
        let client = Client::builder()
            .homeserver_url(&stored.homeserver)
            .sqlite_store_with_config_and_cache_path(store_config, None::<&Path>)
            .request_config(RequestConfig::new().timeout(REQUEST_TIMEOUT))
            .with_encryption_settings(crate::security::settings())
            // Threads as threads: replies counted on their root, not mixed into the room.
            .with_threading_support(matrix_sdk::ThreadingSupport::Enabled {
                with_subscriptions: false,
            })
            .build()
            .await
            .map_err(|e| RestoreError::Store(details(&e)))?;
        client
            .restore_session(stored.session)
            .await
            .map_err(|e| RestoreError::Store(details(&e)))?;
        tracing::info!(user_id = ?client.user_id(), "session restored");
        Session::assemble(client, secrets, store_dir)
            .await
            .map(Some)
            .map_err(RestoreError::Store)
    }

    async fn assemble(
        client: Client,
        secrets: SecretStore,
        store_dir: PathBuf,
    ) -> Result<Session, String> {
        let sync = SyncService::builder(client.clone())
            .with_offline_mode()
            .build()
            .await
            .map_err(|e| details(&e))?;
        Ok(Session {
            inner: Arc::new(Inner {
                client,
                sync,
                secrets,
                store_dir,
            }),
        })
    }

    /// The full Matrix user id, e.g. `@alice:example.org`.
    pub fn user_id(&self) -> String {
        self.inner
            .client
            .user_id()
            .map(ToString::to_string)
            .unwrap_or_default()
    }

    /// This session's device id.
    pub fn device_id(&self) -> String {
        self.inner
            .client
            .device_id()
            .map(ToString::to_string)
            .unwrap_or_default()
    }

    /// The homeserver URL in use.
    pub fn homeserver(&self) -> String {
        self.inner.client.homeserver().to_string()
    }

    /// The Matrix server name of our user id, e.g. `example.org`.
    pub fn server_name(&self) -> String {
        self.inner
            .client
            .user_id()
            .map(|id| id.server_name().to_string())
            .unwrap_or_default()
    }

    /// A fresh OpenID token: proves to another service (the Sparks middleware, a meeting token
    /// service) who we are without handing it our access token.
    pub async fn openid_token(&self) -> Result<OpenIdToken, OpenIdError> {
        use matrix_sdk::ruma::api::client::account::request_openid_token::v3::Request;
        let user = self
            .inner
            .client
            .user_id()
            .ok_or_else(|| OpenIdError("not signed in".into()))?
            .to_owned();
        let answer = self
            .inner
            .client
            .send(Request::new(user))
            .await
            .map_err(|e| OpenIdError(details(&e)))?;
        Ok(OpenIdToken {
            access_token: answer.access_token,
            matrix_server_name: answer.matrix_server_name.to_string(),
            expires_in_secs: answer.expires_in.as_secs(),
        })
    }

    /// Starts syncing in the background. Safe to call again after a stop.
    pub async fn start(&self) {
        self.inner.sync.start().await;
    }

    /// Stops syncing; local data stays.
    pub async fn stop(&self) {
        self.inner.sync.stop().await;
    }

    /// The connection state, starting with the current one.
    pub fn connection(&self) -> impl Stream<Item = Connection> + Send + use<> {
        self.inner.sync.state().map(|state| match state {
            sync_service::State::Idle => Connection::Connecting,
            sync_service::State::Running => Connection::Online,
            sync_service::State::Offline => Connection::Offline,
            sync_service::State::Terminated | sync_service::State::Error(_) => Connection::Failed,
        })
    }

    /// The room list: first the rooms the local store knows, then every change as it syncs.
    pub fn rooms(&self) -> impl Stream<Item = RoomListUpdate> + Send + use<> {
        room_list::stream(
            self.inner.client.clone(),
            self.inner.sync.room_list_service(),
        )
    }

    /// The spaces we are in at the top level, each with the rooms it lists: first what the
    /// local store knows, then the whole list again after every change.
    pub fn spaces(&self) -> impl Stream<Item = Vec<SpaceGroup>> + Send + use<> {
        let client = self.inner.client.clone();
        async_stream::stream! {
            let service = matrix_sdk_ui::spaces::SpaceService::new(client).await;
            let (initial, mut changes) = service.subscribe_to_space_filters().await;
            let mut filters = initial;
            yield groups(&filters);
            while let Some(diffs) = changes.next().await {
                for diff in diffs {
                    diff.apply(&mut filters);
                }
                yield groups(&filters);
            }
        }
    }

    /// Opens a room's timeline.
    pub async fn open_room(&self, room_id: &str) -> Result<crate::OpenRoom, crate::RoomError> {
        self.subscribe(room_id).await;
        crate::OpenRoom::open(&self.inner.client, room_id, None).await
    }

    /// Opens one thread of a room: the root message and its replies; what is sent there
    /// replies in the thread.
    pub async fn open_thread(
        &self,
        room_id: &str,
        root: &str,
    ) -> Result<crate::OpenRoom, crate::RoomError> {
        self.subscribe(room_id).await;
        crate::OpenRoom::open(&self.inner.client, room_id, Some(root)).await
    }

    /// Syncs a room fully: its whole state, every new event and ephemeral ones (typing,
    /// receipts), as an open room or an in-room verification needs. The room list alone syncs
    /// only what a list row shows.
    pub(crate) async fn subscribe(&self, room_id: &str) {
        if let Ok(id) = matrix_sdk::ruma::RoomId::parse(room_id) {
            self.inner
                .sync
                .room_list_service()
                .subscribe_to_rooms(&[&id])
                .await;
        }
    }

    /// Signs out: ends the session on the server (best effort) and removes everything this
    /// session stored on this computer.
    pub async fn logout(self) -> LogoutOutcome {
        self.inner.sync.stop().await;
        let server = tokio::time::timeout(LOGOUT_TIMEOUT, self.inner.client.logout()).await;
        let outcome = match server {
            Ok(Ok(())) => LogoutOutcome::Complete,
            Ok(Err(error)) => LogoutOutcome::LocalOnly {
                details: details(&error),
            },
            Err(_) => LogoutOutcome::LocalOnly {
                details: "the server did not answer in time".into(),
            },
        };
        let secrets = self.inner.secrets.clone();
        let forgotten = tokio::task::spawn_blocking(move || secrets.delete(SESSION_KEY)).await;
        if !matches!(forgotten, Ok(Ok(()))) {
            tracing::error!("could not remove the saved session from the secret store");
        }
        let store_dir = self.inner.store_dir.clone();
        drop(self);
        remove_store(&store_dir).await;
        tracing::info!(?outcome, "signed out");
        outcome
    }
}

async fn save(secrets: &SecretStore, stored: &StoredSession) -> Result<(), String> {
    let json = SecretString::from(serde_json::to_string(stored).map_err(|e| e.to_string())?);
    let secrets = secrets.clone();
    tokio::task::spawn_blocking(move || secrets.set(SESSION_KEY, &json))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())
}

async fn remove_store(dir: &Path) {
    match tokio::fs::remove_dir_all(dir).await {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            tracing::warn!(dir = %dir.display(), error = %e, "could not remove the local store")
        }
    }
}

/// How to open a session's SQLite stores: with its key, or an older session's passphrase.
fn store_config(
    dir: &Path,
    key: Option<&str>,
    passphrase: &str,
) -> Result<matrix_sdk::SqliteStoreConfig, String> {
    let config = matrix_sdk::SqliteStoreConfig::new(dir);
    match key {
        Some(key) => {
            let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(key)
                .map_err(|e| format!("store key: {e}"))?;
            let key: [u8; 32] = bytes
                .try_into()
                .map_err(|_| "store key: not 32 bytes".to_owned())?;
            Ok(config.key(Some(&key)))
        }
        None => Ok(config.passphrase(Some(passphrase))),
    }
}

fn random_token(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buffer);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buffer)
}

/// The top-level spaces among matrix-sdk-ui's space filters, as sidebar groups.
fn groups(
    filters: &matrix_sdk_ui::eyeball_im::Vector<matrix_sdk_ui::spaces::SpaceFilter>,
) -> Vec<SpaceGroup> {
    filters
        .iter()
        .filter(|filter| filter.level == 0)
        .map(|filter| SpaceGroup {
            id: filter.space_room.room_id.to_string(),
            name: filter.space_room.display_name.clone(),
            children: filter.descendants.iter().map(ToString::to_string).collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_saved_with_a_passphrase_still_open_and_new_ones_use_a_key() {
        let old = r#"{"homeserver":"http://127.0.0.1:8008","store":"abc","passphrase":"p4ss",
            "user_id":"@alice:localhost","device_id":"DEV","access_token":"t"}"#;
        let stored: StoredSession = serde_json::from_str(old).expect("an old session reads");
        assert_eq!(stored.store_key, None);
        assert_eq!(stored.passphrase, "p4ss");

        let key = random_token(32);
        assert!(store_config(Path::new("/tmp/s"), Some(&key), "").is_ok());
        assert!(
            store_config(Path::new("/tmp/s"), Some("c2hvcnQ"), "").is_err(),
            "5 bytes"
        );
        assert!(store_config(Path::new("/tmp/s"), Some("not base64!"), "").is_err());

        let new = StoredSession {
            store_key: Some(key.clone()),
            passphrase: String::new(),
            ..stored
        };
        let json = serde_json::to_string(&new).expect("serialise");
        assert!(json.contains(&key) && !json.contains("passphrase"));
    }
}
