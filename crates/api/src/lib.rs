//! The Sparks middleware's HTTP API as plain types: what the server answers and what clients
//! send. Only serde (and chrono for times); the server and its clients share these and nothing
//! else.
//!
//! The meeting-token endpoints (`/get_token`, `/sfu/get`) follow Element's lk-jwt-service so
//! that Element Call and Sparks meet in the same LiveKit room.

use serde::{Deserialize, Serialize};

pub mod pim;

/// The key of the Sparks entry in a homeserver's `/.well-known/matrix/client`.
pub const WELL_KNOWN_KEY: &str = "org.sparks.middleware";

/// The Sparks entry in a homeserver's `/.well-known/matrix/client`: where its middleware is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WellKnownEntry {
    pub base_url: String,
}

/// `GET /.well-known/sparks/client[?server_name=…]`: which API the middleware speaks, where to
/// sign in, and — asked for a homeserver it serves — what that homeserver's tenant has set up
/// (the same as the session then says).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Discovery {
    /// The API version this server speaks, e.g. `"v1"`.
    pub api: String,
    /// Where to exchange a Matrix OpenID token for a session.
    pub login: String,
    /// Where to exchange an access token from the organisation's identity provider for a
    /// session.
    pub oidc_login: String,
    /// What the tenant of the `server_name` asked about has set up; absent without one, or
    /// for a server this middleware does not serve.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub services: Option<Services>,
}

/// The services a tenant has set up. A client greys out what is `false` and says the operator
/// has not set it up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Services {
    pub meetings: bool,
    pub calendar: bool,
    pub contacts: bool,
    pub files: bool,
    pub assistant: bool,
}

/// A Matrix OpenID token, as `/_matrix/client/v3/user/{userId}/openid/request_token` returns it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpenIdToken {
    pub access_token: String,
    pub token_type: String,
    pub matrix_server_name: String,
    pub expires_in: u64,
}

impl std::fmt::Debug for OpenIdToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenIdToken")
            .field("access_token", &"[redacted]")
            .field("matrix_server_name", &self.matrix_server_name)
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

/// `POST /v1/session`: prove who you are with a Matrix OpenID token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionRequest {
    pub openid_token: OpenIdToken,
}

/// `POST /v1/session/oidc`: prove who you are with an access token (a JWT) from the
/// organisation's identity provider.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OidcSessionRequest {
    pub access_token: String,
}

impl std::fmt::Debug for OidcSessionRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OidcSessionRequest([redacted])")
    }
}

/// `POST /v1/session/refresh`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefreshRequest {
    pub refresh_token: String,
}

impl std::fmt::Debug for RefreshRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RefreshRequest([redacted])")
    }
}

/// A middleware session: a short-lived bearer token, and a refresh token that replaces both.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Session {
    pub access_token: String,
    /// Seconds the access token stays valid.
    pub expires_in: u64,
    pub refresh_token: String,
    /// The Matrix user the session belongs to.
    pub user_id: String,
    pub services: Services,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("user_id", &self.user_id)
            .field("expires_in", &self.expires_in)
            .field("services", &self.services)
            .finish_non_exhaustive()
    }
}

/// `POST /get_token` (lk-jwt-service): a LiveKit token for one MatrixRTC slot of a room.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenRequest {
    pub room_id: String,
    pub slot_id: String,
    pub openid_token: OpenIdToken,
    pub member: RtcMember,
}

/// The MatrixRTC membership asking for the token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RtcMember {
    pub id: String,
    pub claimed_user_id: String,
    pub claimed_device_id: String,
}

/// `POST /sfu/get` (lk-jwt-service, legacy): a LiveKit token for a room's call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LegacyTokenRequest {
    pub room: String,
    pub openid_token: OpenIdToken,
    pub device_id: String,
}

/// Where the SFU is and the token to join it with.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SfuToken {
    pub url: String,
    pub jwt: String,
}

impl std::fmt::Debug for SfuToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SfuToken")
            .field("url", &self.url)
            .field("jwt", &"[redacted]")
            .finish()
    }
}

/// Every error answer: a Matrix-style code and a sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub errcode: String,
    pub error: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_never_show_in_debug_output() {
        let token = OpenIdToken {
            access_token: "s3cret".into(),
            token_type: "Bearer".into(),
            matrix_server_name: "example.org".into(),
            expires_in: 3600,
        };
        let session = Session {
            access_token: "s3cret".into(),
            expires_in: 300,
            refresh_token: "s3cret".into(),
            user_id: "@a:example.org".into(),
            services: Services::default(),
        };
        let sfu = SfuToken {
            url: "wss://sfu".into(),
            jwt: "s3cret".into(),
        };
        for shown in [
            format!("{token:?}"),
            format!("{session:?}"),
            format!("{sfu:?}"),
            format!(
                "{:?}",
                RefreshRequest {
                    refresh_token: "s3cret".into()
                }
            ),
            format!(
                "{:?}",
                OidcSessionRequest {
                    access_token: "s3cret".into()
                }
            ),
        ] {
            assert!(!shown.contains("s3cret"), "{shown}");
        }
    }

    #[test]
    fn element_call_requests_parse() {
        // As Element Call sends it to lk-jwt-service.
        let body = r#"{"room_id":"!r:example.org","slot_id":"m.call#ROOM",
            "openid_token":{"access_token":"t","token_type":"Bearer",
            "matrix_server_name":"example.org","expires_in":3600},
            "member":{"id":"m1","claimed_user_id":"@a:example.org","claimed_device_id":"DEV"}}"#;
        let request: TokenRequest = serde_json::from_str(body).expect("parses");
        assert_eq!(request.member.claimed_device_id, "DEV");
    }
}
