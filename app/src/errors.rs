//! Backend errors turned into sentences for people, in their language.

use sparks_i18n::I18n;
use sparks_matrix::{LoginError, RestoreError, RoomError, SecurityError};

pub fn login(i18n: &I18n, error: &LoginError) -> String {
    match error {
        LoginError::UsernameEmpty => i18n.tr("login-error-username-empty"),
        LoginError::PasswordEmpty => i18n.tr("login-error-password-empty"),
        LoginError::InvalidUserId(input) => i18n.tr_args(
            "login-error-invalid-user-id",
            [("input", input.as_str().into())],
        ),
        LoginError::InvalidUrl(input) => i18n.tr_args(
            "login-error-invalid-url",
            [("input", input.as_str().into())],
        ),
        LoginError::HomeserverMissing => i18n.tr("login-error-homeserver-missing"),
        LoginError::Unreachable { server, .. } => i18n.tr_args(
            "login-error-unreachable",
            [("server", server.as_str().into())],
        ),
        LoginError::Discovery { server } => i18n.tr_args(
            "login-error-discovery",
            [("server", server.as_str().into())],
        ),
        LoginError::NotMatrix { server } => i18n.tr_args(
            "login-error-not-matrix",
            [("server", server.as_str().into())],
        ),
        LoginError::WrongPassword => i18n.tr("login-error-wrong-password"),
        LoginError::Deactivated => i18n.tr("login-error-deactivated"),
        LoginError::RateLimited => i18n.tr("login-error-rate-limited"),
        LoginError::Store(details) => {
            i18n.tr_args("login-error-store", [("details", details.as_str().into())])
        }
        LoginError::Secrets(details) => i18n.tr_args(
            "login-error-secrets",
            [("details", details.as_str().into())],
        ),
        LoginError::Other(details) => {
            i18n.tr_args("login-error-other", [("details", details.as_str().into())])
        }
    }
}

pub fn restore(i18n: &I18n, error: &RestoreError) -> String {
    i18n.tr_args("restore-error", [("details", error.to_string().into())])
}

/// A room action (send, edit, react, delete) that failed.
pub fn room_action(i18n: &I18n, error: &RoomError) -> String {
    match error {
        RoomError::NoSuchMessage => i18n.tr("room-error-no-such-message"),
        RoomError::NotAllowed => i18n.tr("room-error-not-allowed"),
        RoomError::InvalidTarget(target) => i18n.tr_args(
            "room-error-invalid-target",
            [("target", target.as_str().into())],
        ),
        RoomError::InvalidUser(user) => {
            i18n.tr_args("room-error-invalid-user", [("user", user.as_str().into())])
        }
        RoomError::TooLarge { size, limit } => i18n.tr_args(
            "media-too-large",
            [
                ("size", crate::screen::room::human_size(*size).into()),
                ("limit", crate::screen::room::human_size(*limit).into()),
            ],
        ),
        RoomError::File(details) => details.clone(),
        other => i18n.tr_args("room-send-error", [("details", other.to_string().into())]),
    }
}

pub fn security(i18n: &I18n, error: &SecurityError) -> String {
    match error {
        SecurityError::WrongKey => i18n.tr("security-error-wrong-key"),
        SecurityError::NoIdentity(user) => i18n.tr_args(
            "security-error-no-identity",
            [("user", user.as_str().into())],
        ),
        SecurityError::Failed(details) => {
            i18n.tr_args("security-error", [("details", details.as_str().into())])
        }
    }
}

/// The Sparks middleware could not be asked what the organisation has.
pub fn services(i18n: &I18n, error: &crate::app::ServicesError) -> String {
    use crate::app::ServicesError;
    use sparks_middleware_client::ClientError;
    match error {
        ServicesError::OpenId(error) => i18n.tr_args(
            "services-error-openid",
            [("details", error.0.as_str().into())],
        ),
        ServicesError::Middleware(ClientError::Unreachable(details)) => i18n.tr_args(
            "services-error-unreachable",
            [("details", details.as_str().into())],
        ),
        ServicesError::Middleware(ClientError::Refused { error, .. }) => i18n.tr_args(
            "services-error-refused",
            [("details", error.as_str().into())],
        ),
        ServicesError::Middleware(ClientError::Protocol(details)) => i18n.tr_args(
            "services-error-protocol",
            [("details", details.as_str().into())],
        ),
        ServicesError::Middleware(ClientError::SignedOut) => i18n.tr("services-error-signed-out"),
    }
}

/// What a calendar or contacts source's trouble code means, in the user's language; `source`
/// names the server. Codes this version does not know keep the middleware's own `fallback`.
pub fn source_problem(i18n: &I18n, errcode: &str, source: &str, fallback: &str) -> String {
    let named = |key| i18n.tr_args(key, [("source", source.into())]);
    match errcode {
        "M_NOT_CONNECTED" => named("source-error-not-connected"),
        "M_BAD_CREDENTIALS" => named("source-error-credentials"),
        "M_UNAVAILABLE" => named("source-error-unavailable"),
        "M_CONFLICT" => i18n.tr("event-conflict"),
        "M_NOT_FOUND" => i18n.tr("source-error-not-found"),
        "M_FORBIDDEN" => i18n.tr("event-read-only"),
        "M_TOO_LARGE" => i18n.tr("source-error-too-large"),
        "M_LIMIT_EXCEEDED" => i18n.tr("source-error-rate-limited"),
        "M_NOT_INVITED" => i18n.tr("source-error-not-invited"),
        "M_UNSUPPORTED" => i18n.tr("source-error-unsupported"),
        _ => fallback.to_owned(),
    }
}

/// A calendar or contacts request to the middleware that failed; `source` names the server
/// it was about.
pub fn calendar(
    i18n: &I18n,
    error: &sparks_middleware_client::ClientError,
    source: &str,
) -> String {
    use sparks_middleware_client::ClientError;
    match error {
        ClientError::Refused { errcode, error, .. } => source_problem(i18n, errcode, source, error),
        ClientError::Unreachable(details) => i18n.tr_args(
            "services-error-unreachable",
            [("details", details.as_str().into())],
        ),
        ClientError::Protocol(details) => i18n.tr_args(
            "services-error-protocol",
            [("details", details.as_str().into())],
        ),
        ClientError::SignedOut => i18n.tr("services-error-signed-out"),
    }
}

#[cfg(test)]
mod tests {
    use sparks_domain::Language;

    use super::*;

    #[test]
    fn every_login_error_has_its_own_sentence() {
        let en = I18n::new(Language::English);
        let errors = [
            LoginError::UsernameEmpty,
            LoginError::PasswordEmpty,
            LoginError::InvalidUserId("@x".into()),
            LoginError::InvalidUrl("x y".into()),
            LoginError::HomeserverMissing,
            LoginError::Unreachable {
                server: "a.example".into(),
                details: "refused".into(),
            },
            LoginError::Discovery {
                server: "a.example".into(),
            },
            LoginError::NotMatrix {
                server: "a.example".into(),
            },
            LoginError::WrongPassword,
            LoginError::Deactivated,
            LoginError::RateLimited,
            LoginError::Store("disk full".into()),
            LoginError::Secrets("locked".into()),
            LoginError::Other("teapot".into()),
        ];
        let sentences: std::collections::HashSet<String> =
            errors.iter().map(|e| login(&en, e)).collect();
        assert_eq!(sentences.len(), errors.len(), "two errors share a sentence");
        for sentence in &sentences {
            assert!(
                !sentence.starts_with("login-error"),
                "untranslated: {sentence}"
            );
        }
        assert!(
            login(
                &en,
                &LoginError::Unreachable {
                    server: "a.example".into(),
                    details: String::new()
                }
            )
            .contains("a.example")
        );
    }

    #[test]
    fn source_troubles_are_said_in_the_users_language() {
        let de = I18n::new(Language::German);
        let codes = [
            "M_NOT_CONNECTED",
            "M_BAD_CREDENTIALS",
            "M_UNAVAILABLE",
            "M_CONFLICT",
            "M_NOT_FOUND",
            "M_FORBIDDEN",
            "M_TOO_LARGE",
            "M_LIMIT_EXCEEDED",
            "M_NOT_INVITED",
            "M_UNSUPPORTED",
        ];
        let said: Vec<String> = codes
            .iter()
            .map(|code| source_problem(&de, code, "Nextcloud", "English words"))
            .collect();
        assert!(said.iter().all(|s| s != "English words"), "{said:?}");
        let unique: std::collections::HashSet<_> = said.iter().collect();
        assert_eq!(unique.len(), codes.len(), "{said:?}");
        assert!(said[2].contains("Nextcloud") && said[2].contains("nicht erreichbar"));
        // A code this version does not know keeps the middleware's sentence.
        assert_eq!(
            source_problem(&de, "M_NEW_THING", "Nextcloud", "English words"),
            "English words"
        );
    }
}
