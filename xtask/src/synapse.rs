//! The configuration of a local Synapse: its folders, secrets, `homeserver.yaml`, log
//! configuration and signing key.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::Result;
use crate::process;
use crate::venv::Venv;
use crate::workspace;

/// Where one Synapse keeps its files and which port it listens on.
#[derive(Clone)]
pub struct Layout {
    /// Configuration, secrets, keys and logs.
    pub state_dir: PathBuf,
    /// The database and media store.
    pub data_dir: PathBuf,
    /// The HTTP port on 127.0.0.1.
    pub port: u16,
    /// The port of the Sparks middleware the server announces in its `.well-known`, if any.
    pub middleware_port: Option<u16>,
}

impl Layout {
    /// `homeserver.yaml`.
    pub fn config_path(&self) -> PathBuf {
        self.state_dir.join("homeserver.yaml")
    }

    /// The Python logging configuration.
    pub fn log_config_path(&self) -> PathBuf {
        self.state_dir.join("log.config")
    }

    /// Synapse's own log.
    pub fn log_path(&self) -> PathBuf {
        self.state_dir.join("homeserver.log")
    }

    /// What the Synapse process prints (start-up errors end up here).
    pub fn console_log_path(&self) -> PathBuf {
        self.state_dir.join("synapse-console.log")
    }

    /// The server's signing key.
    pub fn signing_key_path(&self) -> PathBuf {
        self.state_dir.join("signing.key")
    }

    /// The generated secrets, kept so they stay the same across runs.
    fn secrets_path(&self) -> PathBuf {
        self.state_dir.join("secrets")
    }

    /// The base URL clients use, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The Matrix server name; it includes the port so user IDs are reachable.
    pub fn server_name(&self) -> String {
        format!("localhost:{}", self.port)
    }
}

/// The secrets of one state folder.
pub struct Secrets {
    /// The shared secret for registering users through the admin API.
    pub registration: String,
    macaroon: String,
    form: String,
}

/// The secrets file's key for each secret.
const SECRET_NAMES: [&str; 3] = [
    "registration_shared_secret",
    "macaroon_secret_key",
    "form_secret",
];

/// Creates the folders, secrets, configuration and signing key of `layout`.
///
/// Secrets and the signing key are kept if they exist; the configuration is rewritten.
pub fn prepare(layout: &Layout, venv: &Venv) -> Result<Secrets> {
    workspace::create_dir(&layout.state_dir)?;
    workspace::create_dir(&layout.data_dir.join("media_store"))?;
    let secrets = load_or_create_secrets(&layout.secrets_path())?;
    write_file(&layout.config_path(), &homeserver_yaml(layout, &secrets))?;
    write_file(&layout.log_config_path(), &log_config(layout))?;
    if !layout.signing_key_path().exists() {
        generate_keys(layout, venv)?;
    }
    Ok(secrets)
}

/// Runs Synapse's `--generate-keys` to create the signing key.
fn generate_keys(layout: &Layout, venv: &Venv) -> Result<()> {
    let mut command = venv.python_command(["-m", "synapse.app.homeserver", "-c"]);
    command
        .arg(layout.config_path())
        .arg("--generate-keys")
        .current_dir(&layout.state_dir);
    process::output(&mut command)
        .map(|_| ())
        .map_err(|error| format!("cannot generate the Synapse signing key: {error}"))
}

/// Reads the secrets file, adding any missing secret, and writes it back if it changed.
fn load_or_create_secrets(path: &Path) -> Result<Secrets> {
    let mut values = match std::fs::read_to_string(path) {
        Ok(text) => parse_secrets(&text),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
        Err(error) => return Err(format!("cannot read {}: {error}", path.display())),
    };
    let mut changed = false;
    for name in SECRET_NAMES {
        if !values.contains_key(name) {
            values.insert(name.to_string(), random_hex(32)?);
            changed = true;
        }
    }
    if changed {
        let text: String = values
            .iter()
            .map(|(name, value)| format!("{name}={value}\n"))
            .collect();
        write_file(path, &text)?;
    }
    let take = |name: &str| values.get(name).cloned().unwrap_or_default();
    Ok(Secrets {
        registration: take(SECRET_NAMES[0]),
        macaroon: take(SECRET_NAMES[1]),
        form: take(SECRET_NAMES[2]),
    })
}

/// Parses `name=value` lines, ignoring blank lines, comments and empty values.
fn parse_secrets(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .filter_map(|line| line.split_once('='))
        .map(|(name, value)| (name.trim().to_string(), value.trim().to_string()))
        .filter(|(name, value)| !name.is_empty() && !value.is_empty())
        .collect()
}

/// `bytes` random bytes from `/dev/urandom`, as lowercase hex.
fn random_hex(bytes: usize) -> Result<String> {
    let mut buffer = vec![0u8; bytes];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut random| random.read_exact(&mut buffer))
        .map_err(|error| format!("cannot read random bytes from /dev/urandom: {error}"))?;
    Ok(buffer.iter().fold(String::new(), |mut hex, byte| {
        let _ = write!(hex, "{byte:02x}");
        hex
    }))
}

/// Writes `contents` to `path`, with the path in the error message.
fn write_file(path: &Path, contents: &str) -> Result<()> {
    std::fs::write(path, contents)
        .map_err(|error| format!("cannot write {}: {error}", path.display()))
}

/// A YAML double-quoted string holding `value` (JSON escaping is valid YAML).
fn quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A path as a quoted YAML string.
fn quoted_path(path: &Path) -> String {
    quoted(&path.to_string_lossy())
}

/// The `homeserver.yaml` template; `@NAME@` placeholders are filled in by [`homeserver_yaml`].
///
/// Rate limits are raised so tests and seeding are never throttled. Registration is closed;
/// users are created with the shared secret through the admin API.
const HOMESERVER_TEMPLATE: &str = r#"# Generated by `cargo xtask`; rewritten on every start. Edits are lost.
server_name: @SERVER_NAME@
public_baseurl: @PUBLIC_BASEURL@
serve_client_wellknown: true
pid_file: @PID_FILE@
listeners:
  - port: @PORT@
    bind_addresses: ['127.0.0.1']
    type: http
    tls: false
    x_forwarded: false
    resources:
      - names: [client, openid]
        compress: false
database:
  name: sqlite3
  args:
    database: @DATABASE@
log_config: @LOG_CONFIG@
media_store_path: @MEDIA_STORE@
signing_key_path: @SIGNING_KEY@
registration_shared_secret: @REGISTRATION_SECRET@
macaroon_secret_key: @MACAROON_SECRET@
form_secret: @FORM_SECRET@
report_stats: false
trusted_key_servers: []
suppress_key_server_warning: true
federation_domain_whitelist: []
enable_registration: false
presence:
  enabled: true
rc_message: {per_second: 10000, burst_count: 100000}
rc_registration: {per_second: 10000, burst_count: 100000}
rc_login:
  address: {per_second: 10000, burst_count: 100000}
  account: {per_second: 10000, burst_count: 100000}
  failed_attempts: {per_second: 10000, burst_count: 100000}
rc_joins:
  local: {per_second: 10000, burst_count: 100000}
  remote: {per_second: 10000, burst_count: 100000}
rc_joins_per_room: {per_second: 10000, burst_count: 100000}
rc_invites:
  per_room: {per_second: 10000, burst_count: 100000}
  per_user: {per_second: 10000, burst_count: 100000}
  per_issuer: {per_second: 10000, burst_count: 100000}
rc_room_creation: {per_second: 10000, burst_count: 100000}
rc_key_requests: {per_second: 10000, burst_count: 100000}
rc_3pid_validation: {per_second: 10000, burst_count: 100000}
rc_admin_redaction: {per_second: 10000, burst_count: 100000}
rc_delayed_event_mgmt: {per_second: 10000, burst_count: 100000}
rc_media_create: {per_second: 10000, burst_count: 100000}
rc_profile: {per_second: 10000, burst_count: 100000}
rc_user_directory: {per_second: 10000, burst_count: 100000}
max_event_delay_duration: 24h
@EXTRA_WELL_KNOWN@experimental_features:
  msc4143_enabled: true
  msc4222_enabled: true
  msc4140_max_delayed_events_per_user: 1000
  msc4354_enabled: true
"#;

/// The Python logging configuration template: INFO and above to `homeserver.log`.
const LOG_CONFIG_TEMPLATE: &str = r#"# Generated by `cargo xtask`; rewritten on every start.
version: 1
formatters:
  precise:
    format: '%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(request)s - %(message)s'
handlers:
  file:
    class: logging.FileHandler
    formatter: precise
    filename: @LOG_FILE@
    encoding: utf8
loggers:
  synapse.storage.SQL:
    level: INFO
root:
  level: INFO
  handlers: [file]
disable_existing_loggers: false
"#;

/// Fills `@NAME@` placeholders of `template` from `values`.
fn fill(template: &str, values: &[(&str, String)]) -> String {
    values
        .iter()
        .fold(template.to_string(), |text, (name, value)| {
            text.replace(&format!("@{name}@"), value)
        })
}

/// The `homeserver.yaml` for `layout`.
fn homeserver_yaml(layout: &Layout, secrets: &Secrets) -> String {
    fill(
        HOMESERVER_TEMPLATE,
        &[
            ("SERVER_NAME", quoted(&layout.server_name())),
            ("PUBLIC_BASEURL", quoted(&format!("{}/", layout.base_url()))),
            (
                "PID_FILE",
                quoted_path(&layout.data_dir.join("homeserver.pid")),
            ),
            ("PORT", layout.port.to_string()),
            (
                "DATABASE",
                quoted_path(&layout.data_dir.join("homeserver.db")),
            ),
            ("LOG_CONFIG", quoted_path(&layout.log_config_path())),
            (
                "MEDIA_STORE",
                quoted_path(&layout.data_dir.join("media_store")),
            ),
            ("SIGNING_KEY", quoted_path(&layout.signing_key_path())),
            ("REGISTRATION_SECRET", quoted(&secrets.registration)),
            ("MACAROON_SECRET", quoted(&secrets.macaroon)),
            ("FORM_SECRET", quoted(&secrets.form)),
            ("EXTRA_WELL_KNOWN", extra_well_known(layout)),
        ],
    )
}

/// The `org.sparks.middleware` entry of `/.well-known/matrix/client`, when a middleware runs.
fn extra_well_known(layout: &Layout) -> String {
    match layout.middleware_port {
        Some(port) => format!(
            "extra_well_known_client_content:\n  org.sparks.middleware:\n    base_url: {}\n",
            quoted(&crate::middleware::url(port))
        ),
        None => String::new(),
    }
}

/// The logging configuration for `layout`.
fn log_config(layout: &Layout) -> String {
    fill(
        LOG_CONFIG_TEMPLATE,
        &[("LOG_FILE", quoted_path(&layout.log_path()))],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout() -> Layout {
        Layout {
            state_dir: PathBuf::from("/state dir"),
            data_dir: PathBuf::from("/state dir/data"),
            port: 8123,
            middleware_port: Some(8124),
        }
    }

    fn secrets() -> Secrets {
        Secrets {
            registration: "reg".into(),
            macaroon: "mac".into(),
            form: "form".into(),
        }
    }

    #[test]
    fn config_has_no_unfilled_placeholders() {
        let yaml = homeserver_yaml(&layout(), &secrets());
        assert!(!yaml.contains('@'), "{yaml}");
        assert!(yaml.contains("server_name: \"localhost:8123\""));
        assert!(yaml.contains("public_baseurl: \"http://127.0.0.1:8123/\""));
        assert!(yaml.contains("  - port: 8123\n"));
        assert!(yaml.contains("    base_url: \"http://127.0.0.1:8124\"\n"));
        assert!(yaml.contains("database: \"/state dir/data/homeserver.db\""));
        assert!(!log_config(&layout()).contains('@'));
    }

    #[test]
    fn quoting_escapes_yaml_specials() {
        assert_eq!(quoted(r#"a"b\c"#), r#""a\"b\\c""#);
    }

    #[test]
    fn secrets_file_parsing_skips_noise() {
        let parsed = parse_secrets("# note\n\nform_secret = abc\nbroken\nempty=\n");
        assert_eq!(parsed.len(), 1);
        assert_eq!(parsed.get("form_secret").map(String::as_str), Some("abc"));
    }
}
