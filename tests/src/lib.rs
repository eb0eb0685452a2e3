//! Support for Sparks' live tests and the demo seeder: the servers `cargo xtask test` started,
//! account registration through Synapse's shared-secret admin API, and plain matrix-sdk clients
//! that play the other people in a conversation.

use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use hmac::{Hmac, Mac};
use matrix_sdk::Client;
use matrix_sdk::config::SyncSettings;

pub use sparks_matrix::{LoginRequest, Session};
pub use sparks_secrets::{FileLocation, SecretStore, SecretString};

pub mod cable;

pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// The homeserver `cargo xtask test` (or the demo stack) runs.
#[derive(Debug, Clone)]
pub struct Homeserver {
    /// e.g. `http://127.0.0.1:41234`
    pub url: String,
    /// e.g. `localhost:41234`
    pub server_name: String,
    registration_secret: String,
}

impl Homeserver {
    pub fn new(
        url: impl Into<String>,
        server_name: impl Into<String>,
        registration_secret: impl Into<String>,
    ) -> Homeserver {
        Homeserver {
            url: url.into(),
            server_name: server_name.into(),
            registration_secret: registration_secret.into(),
        }
    }

    /// The server `cargo xtask test` started. Live tests cannot run without it.
    pub fn from_env() -> Homeserver {
        let var = |name: &str| {
            std::env::var(name).unwrap_or_else(|_| {
                panic!(
                    "{name} is not set: live tests need the servers that `cargo xtask test` starts"
                )
            })
        };
        Homeserver::new(
            var("SPARKS_TEST_HOMESERVER"),
            var("SPARKS_TEST_SERVER_NAME"),
            var("SPARKS_TEST_REGISTRATION_SECRET"),
        )
    }

    /// The full user id of `localpart` on this server.
    pub fn user_id(&self, localpart: &str) -> String {
        format!("@{localpart}:{}", self.server_name)
    }

    /// Registers an account with Synapse's shared-secret API. An existing account is fine.
    pub async fn register(&self, localpart: &str, password: &str) -> Result<String, Error> {
        self.register_as(localpart, password, false).await?;
        Ok(self.user_id(localpart))
    }

    /// A new server admin; returns its access token.
    pub async fn new_admin(&self) -> Result<String, Error> {
        let localpart = unique("admin");
        let answer = self.register_as(&localpart, "admin-password", true).await?;
        answer["access_token"]
            .as_str()
            .map(ToOwned::to_owned)
            .ok_or_else(|| "no access token for the admin".into())
    }

    /// Registers through the shared-secret API; returns Synapse's answer.
    async fn register_as(
        &self,
        localpart: &str,
        password: &str,
        admin: bool,
    ) -> Result<serde_json::Value, Error> {
        let http = matrix_sdk::reqwest::Client::new();
        let endpoint = format!(
            "{}/_synapse/admin/v1/register",
            self.url.trim_end_matches('/')
        );
        let nonce: serde_json::Value =
            serde_json::from_slice(&http.get(&endpoint).send().await?.bytes().await?)?;
        let nonce = nonce["nonce"]
            .as_str()
            .ok_or("no nonce in the registration answer")?
            .to_owned();
        let mut mac = Hmac::<sha1::Sha1>::new_from_slice(self.registration_secret.as_bytes())?;
        let role = if admin { "admin" } else { "notadmin" };
        for (i, part) in [nonce.as_str(), localpart, password, role]
            .iter()
            .enumerate()
        {
            if i > 0 {
                mac.update(b"\0");
            }
            mac.update(part.as_bytes());
        }
        let body = serde_json::json!({
            "nonce": nonce,
            "username": localpart,
            "password": password,
            "admin": admin,
            "mac": hex::encode(mac.finalize().into_bytes()),
        });
        let response = http
            .post(&endpoint)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await?;
        let status = response.status();
        let answer: serde_json::Value = serde_json::from_slice(&response.bytes().await?)?;
        if status.is_success() || answer["errcode"] == "M_USER_IN_USE" {
            Ok(answer)
        } else {
            Err(format!("registering {localpart} failed with {status}: {answer}").into())
        }
    }

    /// A fresh account with a unique name, for one test.
    pub async fn new_user(&self, prefix: &str) -> Result<(String, String), Error> {
        let localpart = unique(prefix);
        let password = format!("{localpart}-pass");
        self.register(&localpart, &password).await?;
        Ok((localpart, password))
    }

    /// A plain matrix-sdk client signed in as `localpart`, with its own store under `dir`, synced once.
    pub async fn client(
        &self,
        localpart: &str,
        password: &str,
        dir: &Path,
    ) -> Result<Client, Error> {
        let client = Client::builder()
            .homeserver_url(&self.url)
            .sqlite_store(dir, None)
            .build()
            .await?;
        client
            .matrix_auth()
            .login_username(localpart, password)
            .initial_device_display_name("sparks-tests")
            .send()
            .await?;
        client
            .sync_once(SyncSettings::default().timeout(Duration::from_secs(1)))
            .await?;
        Ok(client)
    }

    /// A Sparks login form filled in for `localpart`.
    pub fn login_request(&self, localpart: &str, password: &str) -> LoginRequest {
        LoginRequest {
            homeserver: self.url.clone(),
            username: localpart.to_owned(),
            password: SecretString::from(password.to_owned()),
        }
    }
}

/// A name no other test in this run uses.
pub fn unique(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}-{}-{nanos:x}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// The secret store a portable Sparks home uses (the same one the app picks with `SPARKS_HOME`).
pub fn portable_secrets(home: &Path) -> SecretStore {
    let paths = sparks_config::Paths::portable(home);
    SecretStore::encrypted_file(FileLocation {
        data_file: paths.secrets_file(),
        key_file: paths.secrets_key_file(),
    })
}

/// Where a portable Sparks home keeps its Matrix stores.
pub fn store_root(home: &Path) -> std::path::PathBuf {
    sparks_config::Paths::portable(home).matrix_store_dir()
}

/// Signs in with the Sparks backend, keeping everything in the portable home `home`.
pub async fn sign_in(
    request: &LoginRequest,
    home: &Path,
) -> Result<Session, sparks_matrix::LoginError> {
    Session::login(request, &store_root(home), portable_secrets(home)).await
}

/// Two new people, each signed in to Sparks in a portable home of their own and syncing.
/// Keep the homes alive as long as the sessions.
pub async fn two_people(
    server: &Homeserver,
    prefix: &str,
) -> Result<(Session, Session, [tempfile::TempDir; 2]), Error> {
    let homes = [tempfile::tempdir()?, tempfile::tempdir()?];
    let mut people = Vec::with_capacity(2);
    for (who, home) in ["a", "b"].into_iter().zip(&homes) {
        let (user, password) = server.new_user(&format!("{prefix}-{who}")).await?;
        let session = sign_in(&server.login_request(&user, &password), home.path()).await?;
        session.start().await;
        people.push(session);
    }
    let bob = people.pop().ok_or("two sessions")?;
    let alice = people.pop().ok_or("two sessions")?;
    Ok((alice, bob, homes))
}

/// Restores the session kept in the portable home `home`.
pub async fn restore(home: &Path) -> Result<Option<Session>, sparks_matrix::RestoreError> {
    Session::restore(&store_root(home), portable_secrets(home)).await
}

/// Applies batches of list diffs from `updates` to `list` until `done` holds, failing after
/// `limit`, when the stream ends, or when a diff does not fit the list.
pub async fn apply_until<T: std::fmt::Debug>(
    updates: &mut (impl futures_util::Stream<Item = Vec<sparks_domain::ListDiff<T>>> + Unpin),
    list: &mut Vec<T>,
    limit: Duration,
    what: &str,
    done: impl Fn(&[T]) -> bool,
) -> Result<(), Error> {
    use futures_util::StreamExt;
    let deadline = tokio::time::Instant::now() + limit;
    while !done(list) {
        match tokio::time::timeout_at(deadline, updates.next()).await {
            Err(_) => return Err(format!("timed out waiting for {what}; list: {list:#?}").into()),
            Ok(None) => return Err(format!("the stream ended while waiting for {what}").into()),
            Ok(Some(diffs)) => {
                for diff in diffs {
                    diff.apply(list)
                        .map_err(|e| format!("diff out of bounds: {e:?}"))?;
                }
            }
        }
    }
    Ok(())
}

/// Waits for `check` to pass, polling; fails after `limit`.
pub async fn eventually<F, Fut>(limit: Duration, what: &str, mut check: F) -> Result<(), Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + limit;
    while tokio::time::Instant::now() < deadline {
        if check().await {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Err(format!("timed out after {limit:?} waiting for {what}").into())
}

/// A matrix-nio client (libolm encryption) run from `tests/peers/nio_peer.py`: the independent
/// implementation the E2EE interop tests talk to.
pub struct NioPeer {
    child: tokio::process::Child,
    lines: tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStdout>>,
    _store: tempfile::TempDir,
}

impl NioPeer {
    /// Starts the peer as `localpart`: it joins `room`, says `say`, and waits to read `expect`.
    pub async fn start(
        server: &Homeserver,
        localpart: &str,
        password: &str,
        room: &str,
        say: &str,
        expect: &str,
    ) -> Result<NioPeer, Error> {
        use tokio::io::AsyncBufReadExt;
        let python = std::env::var("SPARKS_TEST_PYTHON")
            .map_err(|_| "SPARKS_TEST_PYTHON is not set: run the tests with `cargo xtask test`")?;
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("peers/nio_peer.py");
        let store = tempfile::tempdir()?;
        let mut child = tokio::process::Command::new(python)
            .arg(script)
            .args(["--homeserver", &server.url])
            .args(["--user", &server.user_id(localpart)])
            .args(["--password", password])
            .args(["--room", room])
            .arg("--store")
            .arg(store.path())
            .args(["--say", say, "--expect", expect])
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        Ok(NioPeer {
            child,
            lines: tokio::io::BufReader::new(stdout).lines(),
            _store: store,
        })
    }

    /// Waits for the next line the peer prints that starts with `prefix`, and returns the rest.
    pub async fn next(&mut self, prefix: &str, limit: Duration) -> Result<String, Error> {
        let read = async {
            while let Some(line) = self.lines.next_line().await? {
                if let Some(rest) = line.strip_prefix(prefix) {
                    return Ok::<_, Error>(rest.trim().to_owned());
                }
            }
            Err(format!("the nio peer ended before printing {prefix}").into())
        };
        tokio::time::timeout(limit, read)
            .await
            .map_err(|_| format!("the nio peer did not print {prefix} in {limit:?}"))?
    }

    /// Waits for the peer to finish; an error unless it exits successfully.
    pub async fn finish(mut self, limit: Duration) -> Result<(), Error> {
        let status = tokio::time::timeout(limit, self.child.wait())
            .await
            .map_err(|_| "the nio peer did not finish")??;
        if status.success() {
            Ok(())
        } else {
            Err(format!("the nio peer failed: {status}").into())
        }
    }
}

/// A one-tenant middleware configuration: `server`'s users (checked with `admin` as the
/// homeserver's admin token), SQLite or PostgreSQL at `database`, and meetings on the SFU at
/// `livekit` (API key `sparks`, `secret`). `server_lines` go into `[server]`.
pub fn meeting_tenant(
    server: &Homeserver,
    database: &str,
    admin: &str,
    livekit: &str,
    secret: &str,
    server_lines: &str,
) -> String {
    format!(
        r#"
[server]
listen = "127.0.0.1:0"
public_url = "http://127.0.0.1:1"
{server_lines}
[storage]
database = "{database}"
[[tenant]]
id = "test"
[[tenant.homeservers]]
server_name = "{name}"
url = "{url}"
admin_token = "{admin}"
[tenant.livekit]
url = "{livekit}"
api_key = "sparks"
api_secret = "{secret}"
"#,
        name = server.server_name,
        url = server.url,
    )
}

/// Serves `config` in this process; returns its address once its store is ready.
pub async fn serve(config: sparks_middleware::config::Config) -> Result<String, Error> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        if let Err(error) = sparks_middleware::serve(config, listener, std::future::pending()).await
        {
            eprintln!("middleware stopped: {error}");
        }
    });
    let ready = format!("{url}/readyz");
    eventually(std::time::Duration::from_secs(20), "the middleware", || {
        let ready = ready.clone();
        async move {
            reqwest::get(ready)
                .await
                .is_ok_and(|r| r.status().is_success())
        }
    })
    .await?;
    Ok(url)
}

/// A Matrix OpenID token for `client`'s user, as the app gets one for the middleware.
pub async fn openid(client: &matrix_sdk::Client) -> Result<sparks_api::OpenIdToken, Error> {
    let user = client.user_id().ok_or("not signed in")?.to_owned();
    let answer = client
        .send(matrix_sdk::ruma::api::client::account::request_openid_token::v3::Request::new(user))
        .await?;
    Ok(sparks_api::OpenIdToken {
        access_token: answer.access_token,
        token_type: "Bearer".into(),
        matrix_server_name: answer.matrix_server_name.to_string(),
        expires_in: answer.expires_in.as_secs(),
    })
}
