use matrix_sdk::ruma::api::error::ErrorKind;
use matrix_sdk::ruma::{OwnedServerName, ServerName, UserId};
use matrix_sdk::{ClientBuildError, HttpError};
use sparks_secrets::{ExposeSecret, SecretString};
use url::Url;

use crate::error::{LoginError, details};

/// What a person typed into the login form.
#[derive(Debug, Clone)]
pub struct LoginRequest {
    /// A homeserver URL, a server name, or empty to discover it from a full user id.
    pub homeserver: String,
    /// A localpart (`alice`) or a full user id (`@alice:example.org`).
    pub username: String,
    pub password: SecretString,
}

/// Where the client should look for the homeserver, after checking the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    /// Passed to matrix-sdk's discovery: a server name or URL, with an `http://` prefix for
    /// loopback servers (which never have TLS).
    pub discovery_input: String,
    /// How error messages name the server.
    pub display: String,
    /// The homeserver was derived from the user id rather than typed in.
    pub from_user_id: bool,
    /// What to send as the login identifier.
    pub login_id: String,
}

impl LoginRequest {
    /// Checks the form without touching the network, so the app can point at a mistake at once.
    pub fn validate(&self) -> Result<(), LoginError> {
        self.target().map(|_| ())
    }

    /// Checks the form and works out where to look for the homeserver.
    pub(crate) fn target(&self) -> Result<Target, LoginError> {
        let username = self.username.trim();
        let homeserver = self.homeserver.trim();
        if username.is_empty() {
            return Err(LoginError::UsernameEmpty);
        }
        if self.password.expose_secret().is_empty() {
            return Err(LoginError::PasswordEmpty);
        }
        let user_id = if username.starts_with('@') {
            Some(
                UserId::parse(username)
                    .map_err(|_| LoginError::InvalidUserId(username.to_owned()))?,
            )
        } else {
            None
        };
        let login_id = username.to_owned();
        if !homeserver.is_empty() {
            let discovery_input = normalise_homeserver(homeserver)?;
            return Ok(Target {
                discovery_input,
                display: homeserver.to_owned(),
                from_user_id: false,
                login_id,
            });
        }
        let Some(user_id) = user_id else {
            return Err(LoginError::HomeserverMissing);
        };
        let server = user_id.server_name();
        Ok(Target {
            discovery_input: with_scheme_for(server),
            display: server.to_string(),
            from_user_id: true,
            login_id,
        })
    }
}

/// Accepts `https://host[:port][/path]`, `http://…`, or a bare server name.
fn normalise_homeserver(input: &str) -> Result<String, LoginError> {
    let invalid = || LoginError::InvalidUrl(input.to_owned());
    if input.contains("://") {
        let url = Url::parse(input).map_err(|_| invalid())?;
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
            return Err(invalid());
        }
        return Ok(url.as_str().trim_end_matches('/').to_owned());
    }
    let server: OwnedServerName =
        ServerName::parse(input.trim_end_matches('/')).map_err(|_| invalid())?;
    Ok(with_scheme_for(&server))
}

/// Loopback servers are reached over plain HTTP; everything else over HTTPS.
fn with_scheme_for(server: &ServerName) -> String {
    let host = server.host();
    let loopback = host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if loopback {
        format!("http://{server}")
    } else {
        server.to_string()
    }
}

/// Maps a failure to find or reach the homeserver.
pub(crate) fn build_error(target: &Target, error: ClientBuildError) -> LoginError {
    let server = target.display.clone();
    match error {
        ClientBuildError::AutoDiscovery(_) if target.from_user_id => {
            LoginError::Discovery { server }
        }
        ClientBuildError::AutoDiscovery(_) => LoginError::NotMatrix { server },
        ClientBuildError::InvalidServerName | ClientBuildError::Url(_) => {
            LoginError::InvalidUrl(server)
        }
        ClientBuildError::Http(HttpError::Reqwest(e)) => LoginError::Unreachable {
            server,
            details: details(&e),
        },
        ClientBuildError::Http(_) => LoginError::NotMatrix { server },
        ClientBuildError::SqliteStore(e) => LoginError::Store(details(&e)),
        other => LoginError::Other(details(&other)),
    }
}

/// Maps a failed `/login` call.
pub(crate) fn login_error(target: &Target, error: matrix_sdk::Error) -> LoginError {
    match error.client_api_error_kind() {
        Some(ErrorKind::Forbidden | ErrorKind::InvalidUsername | ErrorKind::InvalidParam) => {
            LoginError::WrongPassword
        }
        Some(ErrorKind::UserDeactivated) => LoginError::Deactivated,
        Some(ErrorKind::LimitExceeded(_)) => LoginError::RateLimited,
        _ => match &error {
            matrix_sdk::Error::Http(http) if matches!(**http, HttpError::Reqwest(_)) => {
                LoginError::Unreachable {
                    server: target.display.clone(),
                    details: details(&error),
                }
            }
            _ => LoginError::Other(details(&error)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(homeserver: &str, username: &str, password: &str) -> LoginRequest {
        LoginRequest {
            homeserver: homeserver.to_owned(),
            username: username.to_owned(),
            password: SecretString::from(password.to_owned()),
        }
    }

    #[test]
    fn form_checks_come_before_the_network() {
        assert_eq!(
            request("", "", "pw").target(),
            Err(LoginError::UsernameEmpty)
        );
        assert_eq!(
            request("example.org", "alice", "").target(),
            Err(LoginError::PasswordEmpty)
        );
        assert_eq!(
            request("", "alice", "pw").target(),
            Err(LoginError::HomeserverMissing)
        );
        assert_eq!(
            request("", "@alice", "pw").target(),
            Err(LoginError::InvalidUserId("@alice".into()))
        );
        assert_eq!(
            request("ftp://example.org", "alice", "pw").target(),
            Err(LoginError::InvalidUrl("ftp://example.org".into()))
        );
        assert_eq!(
            request("not a server", "alice", "pw").target(),
            Err(LoginError::InvalidUrl("not a server".into()))
        );
        assert_eq!(
            request("https://", "alice", "pw").target(),
            Err(LoginError::InvalidUrl("https://".into()))
        );
    }

    #[test]
    fn homeservers_are_discovered_from_user_ids() {
        let target = request("", "@alice:example.org", "pw")
            .target()
            .expect("valid");
        assert_eq!(target.discovery_input, "example.org");
        assert!(target.from_user_id);
        assert_eq!(target.login_id, "@alice:example.org");

        let local = request("", "@alice:localhost:8448", "pw")
            .target()
            .expect("valid");
        assert_eq!(local.discovery_input, "http://localhost:8448");
        let ip = request("127.0.0.1:8008", "alice", "pw")
            .target()
            .expect("valid");
        assert_eq!(ip.discovery_input, "http://127.0.0.1:8008");
        let v6 = request("[::1]:8008", "alice", "pw")
            .target()
            .expect("valid");
        assert_eq!(v6.discovery_input, "http://[::1]:8008");
    }

    #[test]
    fn typed_homeservers_win_over_user_ids() {
        let target = request(" https://matrix.example.org/ ", "@alice:example.org", "pw")
            .target()
            .expect("valid");
        assert_eq!(target.discovery_input, "https://matrix.example.org");
        assert!(!target.from_user_id);
        assert_eq!(target.display, "https://matrix.example.org/");
    }
}
