//! The operator's configuration: one TOML file with the server's own settings and its tenants.
//! Everything is checked at start; a mistake stops the server with a message naming the key.
//! Secrets may be written in place, or read from an environment variable or a file.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;

use serde::Deserialize;
use url::Url;

/// A commented example, also used by the tests.
pub const EXAMPLE: &str = include_str!("../middleware.example.toml");

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("cannot read {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("{0}")]
    Syntax(String),
    #[error("`{key}`: {reason}")]
    Invalid { key: String, reason: String },
}

fn invalid(key: impl Into<String>, reason: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        key: key.into(),
        reason: reason.into(),
    }
}

/// Where a TOML mistake is and what it is, without the text around it or any value quoted
/// (a secret written in place may stand right there).
fn syntax(text: &str, error: &toml::de::Error) -> ConfigError {
    let mut message = String::new();
    let (mut quoted, mut escaped) = (false, false);
    for c in error.message().trim().chars() {
        match (c, quoted) {
            // Inside a quoted value, `\"` is part of it.
            (_, true) if escaped => escaped = false,
            ('\\', true) => escaped = true,
            ('"', false) => {
                quoted = true;
                message.push_str("\"…");
            }
            ('"', true) => {
                quoted = false;
                message.push('"');
            }
            (c, false) => message.push(c),
            (_, true) => {}
        }
    }
    match error.span() {
        Some(span) => {
            let before = text.get(..span.start).unwrap_or(text);
            let line = before.matches('\n').count() + 1;
            let line_start = before.rfind('\n').map_or(0, |at| at + 1);
            let column = before[line_start..].chars().count() + 1;
            ConfigError::Syntax(format!("line {line}, column {column}: {message}"))
        }
        None => ConfigError::Syntax(message),
    }
}

/// A secret: written in place, or `{ env = "NAME" }`, or `{ file = "/path" }`.
#[derive(Deserialize)]
#[serde(untagged, deny_unknown_fields)]
enum SecretSource {
    Inline(String),
    Env { env: String },
    File { file: String },
}

/// A secret value; `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl SecretSource {
    fn resolve(self, key: &str) -> Result<Secret, ConfigError> {
        let value = match self {
            SecretSource::Inline(value) => value,
            SecretSource::Env { env } => std::env::var(&env)
                .map_err(|_| invalid(key, format!("environment variable {env} is not set")))?,
            SecretSource::File { file } => std::fs::read_to_string(&file)
                .map_err(|e| invalid(key, format!("cannot read {file}: {e}")))?
                .trim_end_matches(['\n', '\r'])
                .to_owned(),
        };
        if value.is_empty() {
            return Err(invalid(key, "is empty"));
        }
        Ok(Secret(value))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    server: ServerFile,
    storage: StorageFile,
    #[serde(rename = "tenant")]
    tenants: Vec<TenantFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ServerFile {
    listen: String,
    public_url: String,
    #[serde(default = "default_session_minutes")]
    session_minutes: u64,
    #[serde(default = "default_refresh_days")]
    refresh_days: u64,
    #[serde(default = "default_requests_per_minute")]
    requests_per_minute: usize,
    metrics_token: Option<SecretSource>,
}

fn default_requests_per_minute() -> usize {
    30
}

fn default_session_minutes() -> u64 {
    15
}

fn default_refresh_days() -> u64 {
    30
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StorageFile {
    database: SecretSource,
    credentials_key: Option<SecretSource>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TenantFile {
    id: String,
    homeservers: Vec<HomeserverFile>,
    livekit: Option<LiveKitFile>,
    oidc: Option<OidcFile>,
    #[serde(default)]
    sources: Vec<SourceFile>,
    #[serde(default)]
    files: Option<toml::Value>,
    #[serde(default)]
    assistant: Option<toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceFile {
    id: String,
    name: String,
    kind: SourceKind,
    url: Option<String>,
    #[serde(default = "yes")]
    calendars: bool,
    #[serde(default = "yes")]
    contacts: bool,
    #[serde(default)]
    shared: Vec<String>,
    email: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HomeserverFile {
    server_name: String,
    url: String,
    /// The tenant's own server (its users may create meeting rooms), or a guest server whose
    /// users may only join them.
    #[serde(default = "yes")]
    local: bool,
    /// A Synapse admin's access token: lets the middleware check room membership.
    admin_token: Option<SecretSource>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LiveKitFile {
    url: String,
    api_key: String,
    api_secret: SecretSource,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OidcFile {
    issuer: String,
    audience: String,
    jwks_url: Option<String>,
    #[serde(default = "default_algorithms")]
    algorithms: Vec<String>,
    #[serde(default = "default_user_claim")]
    user_claim: String,
    server_name: Option<String>,
}

fn default_algorithms() -> Vec<String> {
    vec!["RS256".into(), "ES256".into()]
}

fn default_user_claim() -> String {
    "preferred_username".into()
}

/// The checked configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub public_url: Url,
    pub session_minutes: u64,
    pub refresh_days: u64,
    /// Sign-ins and meeting tokens one user may ask for in a minute.
    pub requests_per_minute: usize,
    /// The bearer token `/metrics` wants; without one `/metrics` is not served.
    pub metrics_token: Option<Secret>,
    pub database: Secret,
    /// The key users' backend credentials are encrypted with (32 bytes).
    pub credentials_key: Option<[u8; 32]>,
    pub tenants: Vec<Tenant>,
}

#[derive(Debug, Clone)]
pub struct Tenant {
    pub id: String,
    pub homeservers: Vec<Homeserver>,
    pub livekit: Option<LiveKit>,
    pub oidc: Option<Oidc>,
    /// Calendar and contact backends.
    pub sources: Vec<Source>,
    pub files: bool,
    pub assistant: bool,
}

pub use sparks_api::pim::SourceKind;

/// One calendar/contacts backend of a tenant. Users sign in to it themselves; the middleware
/// only ever calls `url`'s host for it.
#[derive(Debug, Clone)]
pub struct Source {
    pub id: String,
    pub name: String,
    pub kind: SourceKind,
    /// DAV: where discovery starts; Exchange: the EWS endpoint; Graph: the API root.
    pub url: Url,
    pub calendars: bool,
    pub contacts: bool,
    /// Collections outside users' homes that they may also see (shared calendars), on `url`'s
    /// host.
    pub shared: Vec<Url>,
    /// Users' email addresses from their sign-in name (`{username}@example.org`), for servers
    /// that do not tell.
    pub email: Option<String>,
}

impl Source {
    /// The email address `username` has by the operator's `email` pattern.
    pub fn email_of(&self, username: &str) -> Option<String> {
        self.email
            .as_ref()
            .map(|pattern| pattern.replace("{username}", username).to_lowercase())
    }
}

impl Tenant {
    pub fn calendar(&self) -> bool {
        self.sources.iter().any(|s| s.calendars)
    }

    pub fn contacts(&self) -> bool {
        self.sources.iter().any(|s| s.contacts)
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }
}

#[derive(Debug, Clone)]
pub struct Homeserver {
    pub server_name: String,
    /// Where its client-server and federation OpenID APIs answer.
    pub url: Url,
    pub local: bool,
    pub admin_token: Option<Secret>,
}

#[derive(Debug, Clone)]
pub struct LiveKit {
    /// What clients connect to (`wss://…`).
    pub url: Url,
    pub api_key: String,
    pub api_secret: Secret,
}

/// The tenant's identity provider, whose JWT access tokens are accepted for sign-in.
#[derive(Debug, Clone)]
pub struct Oidc {
    /// Exactly as the tokens' `iss` says it.
    pub issuer: String,
    /// What the tokens' `aud` must contain.
    pub audience: String,
    /// Where the signing keys are; `None`: as the issuer's discovery document says (on the
    /// issuer's own host).
    pub jwks_url: Option<Url>,
    /// The signature algorithms accepted (asymmetric only).
    pub algorithms: Vec<jsonwebtoken::Algorithm>,
    /// The claim holding the user's Matrix localpart.
    pub user_claim: String,
    /// The homeserver the users are on (one of the tenant's).
    pub server_name: String,
}

impl LiveKit {
    /// Where its server API (RoomService) answers: the same host over HTTP(S).
    pub fn api_url(&self) -> Url {
        let mut url = self.url.clone();
        let scheme = if url.scheme() == "wss" {
            "https"
        } else {
            "http"
        };
        // Both are special schemes, so switching between them cannot fail.
        let _ = url.set_scheme(scheme);
        url
    }
}

impl Config {
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        Config::parse(&text)
    }

    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let file: File = toml::from_str(text).map_err(|e| syntax(text, &e))?;
        let listen = file
            .server
            .listen
            .parse()
            .map_err(|e| invalid("server.listen", format!("not an address:port: {e}")))?;
        let public_url = http_url(
            "server.public_url",
            &file.server.public_url,
            &["http", "https"],
        )?;
        if file.server.session_minutes == 0 || file.server.session_minutes > 24 * 60 {
            return Err(invalid("server.session_minutes", "must be 1 to 1440"));
        }
        if file.server.refresh_days == 0 || file.server.refresh_days > 365 {
            return Err(invalid("server.refresh_days", "must be 1 to 365"));
        }
        if file.server.requests_per_minute == 0 {
            return Err(invalid("server.requests_per_minute", "must be at least 1"));
        }
        let metrics_token = file
            .server
            .metrics_token
            .map(|s| s.resolve("server.metrics_token"))
            .transpose()?;
        let database = file.storage.database.resolve("storage.database")?;
        if !(database.expose().starts_with("sqlite:") || database.expose().starts_with("postgres"))
        {
            return Err(invalid(
                "storage.database",
                "must start with sqlite: or postgres://",
            ));
        }
        if file.tenants.is_empty() {
            return Err(invalid("tenant", "at least one [[tenant]] is needed"));
        }
        let mut owners: HashMap<String, String> = HashMap::new();
        let mut tenants = Vec::with_capacity(file.tenants.len());
        for (i, tenant) in file.tenants.into_iter().enumerate() {
            let key = format!("tenant[{i}]");
            if tenant.id.trim().is_empty() || tenants.iter().any(|t: &Tenant| t.id == tenant.id) {
                return Err(invalid(format!("{key}.id"), "must be set and unique"));
            }
            if tenant.homeservers.is_empty() {
                return Err(invalid(format!("{key}.homeservers"), "needs at least one"));
            }
            let mut homeservers = Vec::new();
            for (j, hs) in tenant.homeservers.into_iter().enumerate() {
                let key = format!("{key}.homeservers[{j}]");
                if let Some(other) = owners.insert(hs.server_name.clone(), tenant.id.clone()) {
                    return Err(invalid(
                        format!("{key}.server_name"),
                        format!("{} belongs to tenant {other} already", hs.server_name),
                    ));
                }
                homeservers.push(Homeserver {
                    url: http_url(&format!("{key}.url"), &hs.url, &["http", "https"])?,
                    server_name: hs.server_name,
                    local: hs.local,
                    admin_token: hs
                        .admin_token
                        .map(|s| s.resolve(&format!("{key}.admin_token")))
                        .transpose()?,
                });
            }
            let livekit = tenant
                .livekit
                .map(|lk| {
                    Ok::<_, ConfigError>(LiveKit {
                        url: http_url(&format!("{key}.livekit.url"), &lk.url, &["ws", "wss"])?,
                        api_key: non_empty(&format!("{key}.livekit.api_key"), lk.api_key)?,
                        api_secret: lk
                            .api_secret
                            .resolve(&format!("{key}.livekit.api_secret"))?,
                    })
                })
                .transpose()?;
            let oidc = tenant
                .oidc
                .map(|oidc| checked_oidc(&key, oidc, &homeservers))
                .transpose()?;
            let sources = checked_sources(&key, tenant.sources)?;
            tenants.push(Tenant {
                id: tenant.id,
                homeservers,
                livekit,
                oidc,
                sources,
                files: tenant.files.is_some(),
                assistant: tenant.assistant.is_some(),
            });
        }
        let credentials_key = file
            .storage
            .credentials_key
            .map(|s| s.resolve("storage.credentials_key"))
            .transpose()?
            .map(|key| {
                use base64::Engine;
                base64::engine::general_purpose::STANDARD
                    .decode(key.expose().trim())
                    .ok()
                    .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
                    .ok_or_else(|| {
                        invalid(
                            "storage.credentials_key",
                            "must be 32 bytes in base64 (`openssl rand -base64 32`)",
                        )
                    })
            })
            .transpose()?;
        if credentials_key.is_none() && tenants.iter().any(|t| !t.sources.is_empty()) {
            return Err(invalid(
                "storage.credentials_key",
                "is needed to keep users' backend passwords encrypted once a tenant has sources",
            ));
        }
        let mut issuers = std::collections::HashSet::new();
        if let Some(tenant) = tenants.iter().find(|t| {
            t.oidc
                .as_ref()
                .is_some_and(|o| !issuers.insert(o.issuer.clone()))
        }) {
            return Err(invalid(
                format!("tenant {}: oidc.issuer", tenant.id),
                "another tenant has the same identity provider",
            ));
        }
        Ok(Config {
            listen,
            public_url,
            session_minutes: file.server.session_minutes,
            refresh_days: file.server.refresh_days,
            requests_per_minute: file.server.requests_per_minute,
            metrics_token,
            database,
            credentials_key,
            tenants,
        })
    }

    /// The tenant a Matrix server belongs to, and that server's entry.
    pub fn homeserver(&self, server_name: &str) -> Option<(&Tenant, &Homeserver)> {
        self.tenants.iter().find_map(|tenant| {
            tenant
                .homeservers
                .iter()
                .find(|hs| hs.server_name == server_name)
                .map(|hs| (tenant, hs))
        })
    }

    pub fn tenant(&self, id: &str) -> Option<&Tenant> {
        self.tenants.iter().find(|t| t.id == id)
    }

    /// The tenant whose identity provider is `issuer`.
    pub fn issuer(&self, issuer: &str) -> Option<(&Tenant, &Oidc)> {
        self.tenants.iter().find_map(|tenant| {
            tenant
                .oidc
                .as_ref()
                .filter(|oidc| oidc.issuer == issuer)
                .map(|oidc| (tenant, oidc))
        })
    }
}

fn checked_oidc(
    key: &str,
    oidc: OidcFile,
    homeservers: &[Homeserver],
) -> Result<Oidc, ConfigError> {
    use jsonwebtoken::Algorithm;
    http_url(
        &format!("{key}.oidc.issuer"),
        &oidc.issuer,
        &["http", "https"],
    )?;
    let jwks_url = oidc
        .jwks_url
        .map(|url| http_url(&format!("{key}.oidc.jwks_url"), &url, &["http", "https"]))
        .transpose()?;
    if oidc.algorithms.is_empty() {
        return Err(invalid(
            format!("{key}.oidc.algorithms"),
            "needs at least one",
        ));
    }
    let mut algorithms = Vec::new();
    for name in &oidc.algorithms {
        let algorithm: Algorithm = name.parse().map_err(|_| {
            invalid(
                format!("{key}.oidc.algorithms"),
                format!("{name} is not a JWS algorithm"),
            )
        })?;
        // A shared-secret algorithm would let anyone who knows a public key sign tokens.
        if matches!(
            algorithm,
            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512
        ) {
            return Err(invalid(
                format!("{key}.oidc.algorithms"),
                format!("{name} is symmetric; only public-key algorithms are accepted"),
            ));
        }
        algorithms.push(algorithm);
    }
    let server_name = match oidc.server_name {
        Some(name) if homeservers.iter().any(|hs| hs.server_name == name) => name,
        Some(name) => {
            return Err(invalid(
                format!("{key}.oidc.server_name"),
                format!("{name} is not one of this tenant's homeservers"),
            ));
        }
        None => homeservers
            .iter()
            .find(|hs| hs.local)
            .map(|hs| hs.server_name.clone())
            .ok_or_else(|| {
                invalid(
                    format!("{key}.oidc.server_name"),
                    "the tenant has no local homeserver",
                )
            })?,
    };
    Ok(Oidc {
        issuer: non_empty(&format!("{key}.oidc.issuer"), oidc.issuer)?,
        audience: non_empty(&format!("{key}.oidc.audience"), oidc.audience)?,
        jwks_url,
        algorithms,
        user_claim: non_empty(&format!("{key}.oidc.user_claim"), oidc.user_claim)?,
        server_name,
    })
}

fn checked_sources(key: &str, files: Vec<SourceFile>) -> Result<Vec<Source>, ConfigError> {
    let mut sources: Vec<Source> = Vec::new();
    for (i, file) in files.into_iter().enumerate() {
        let key = format!("{key}.sources[{i}]");
        let id_ok = !file.id.is_empty()
            && file
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !id_ok || sources.iter().any(|s| s.id == file.id) {
            return Err(invalid(
                format!("{key}.id"),
                "must be unique, of a-z, 0-9 and -",
            ));
        }
        let url = match (file.url, file.kind) {
            (Some(url), _) => http_url(&format!("{key}.url"), &url, &["http", "https"])?,
            (None, SourceKind::Graph) => http_url(
                &format!("{key}.url"),
                "https://graph.microsoft.com/v1.0/",
                &["https"],
            )?,
            (None, _) => return Err(invalid(format!("{key}.url"), "is needed for this kind")),
        };
        let mut shared = Vec::new();
        for (j, extra) in file.shared.iter().enumerate() {
            let extra = http_url(&format!("{key}.shared[{j}]"), extra, &["http", "https"])?;
            if extra.origin() != url.origin() {
                return Err(invalid(
                    format!("{key}.shared[{j}]"),
                    "must be on the same server as `url`",
                ));
            }
            shared.push(extra);
        }
        if !file.calendars && !file.contacts {
            return Err(invalid(key, "serves neither calendars nor contacts"));
        }
        if let Some(email) = &file.email {
            let formed = email.replace("{username}", "x");
            let ok = email.contains("{username}")
                && formed.split('@').count() == 2
                && !formed.starts_with('@')
                && !formed.ends_with('@')
                && !formed.contains(|c: char| c.is_whitespace() || "<>\",;:{}".contains(c));
            if !ok {
                return Err(invalid(
                    format!("{key}.email"),
                    "must be an address with {username} in it, such as \"{username}@example.org\"",
                ));
            }
        }
        sources.push(Source {
            id: file.id,
            name: non_empty(&format!("{key}.name"), file.name)?,
            kind: file.kind,
            url,
            calendars: file.calendars,
            contacts: file.contacts,
            shared,
            email: file.email,
        });
    }
    Ok(sources)
}

fn non_empty(key: &str, value: String) -> Result<String, ConfigError> {
    if value.trim().is_empty() {
        Err(invalid(key, "is empty"))
    } else {
        Ok(value)
    }
}

fn http_url(key: &str, value: &str, schemes: &[&str]) -> Result<Url, ConfigError> {
    let url = Url::parse(value).map_err(|e| invalid(key, format!("not a URL: {e}")))?;
    if !schemes.contains(&url.scheme()) || url.host().is_none() {
        return Err(invalid(
            key,
            format!("must be a {} URL with a host", schemes.join("/")),
        ));
    }
    Ok(url)
}

#[cfg(test)]
pub(crate) mod tests;
