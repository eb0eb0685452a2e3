//! Sign-in with the organisation's identity provider: a JWT access token, checked against the
//! provider's published keys (JWKS). The token's `iss` picks the tenant; its signature
//! algorithm must be on the tenant's allow-list (never `none`, never a shared secret), it must
//! be signed by one of the provider's keys, name the tenant's audience and not have expired.
//!
//! Keys are fetched only from the configured JWKS URL, or from the `jwks_uri` of the issuer's
//! discovery document when that is on the issuer's own host, and kept for ten minutes. A key
//! id the cache does not know makes it fetch again (providers rotate keys), at most once a
//! minute, so forged tokens cannot make the middleware hammer the provider.

use std::collections::HashMap;
use std::sync::{Arc, Once};
use std::time::{Duration, Instant};

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{DecodingKey, Validation};
use url::Url;

use crate::config::{Config, Oidc};
use crate::identity::{AuthError, Verified};

/// How long fetched keys are used.
const KEYS_FOR: Duration = Duration::from_secs(600);
/// An unknown key id fetches the keys again, but not more often than this.
const REFETCH_AFTER: Duration = Duration::from_secs(60);
/// Clocks differ a little: `exp` and `nbf` are given this much slack.
const LEEWAY_SECS: u64 = 30;

struct Keys {
    set: Arc<JwkSet>,
    fetched: Instant,
}

pub struct Providers {
    http: reqwest::Client,
    /// By issuer. Held while fetching, so concurrent sign-ins fetch once.
    /// Each issuer's keys behind a lock of their own: one fetch at a time per provider, and a
    /// slow provider does not hold up the others' sign-ins.
    keys: std::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<Option<Keys>>>>>,
}

impl Default for Providers {
    fn default() -> Self {
        Providers::new()
    }
}

/// jsonwebtoken picks its crypto through a process-wide provider; livekit-api installs an
/// HMAC-only one on first use, which cannot check RSA or EC signatures. Ours goes first.
pub fn install_crypto() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let _ = jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.install_default();
    });
}

fn invalid(reason: impl Into<String>) -> AuthError {
    AuthError::InvalidToken(reason.into())
}

impl Providers {
    pub fn new() -> Providers {
        install_crypto();
        Providers {
            http: crate::outbound::client(),
            keys: std::sync::Mutex::new(HashMap::new()),
        }
    }

    /// Checks `token` and says whose it is.
    pub async fn verify(&self, config: &Config, token: &str) -> Result<Verified, AuthError> {
        #[derive(serde::Deserialize)]
        struct Issuer {
            iss: Option<String>,
        }
        let header = jsonwebtoken::decode_header(token)
            .map_err(|_| invalid("it is not a signed JWT with a known algorithm"))?;
        // The issuer only picks which keys to check the signature with; nothing else is
        // believed before that check.
        let issuer = jsonwebtoken::dangerous::insecure_decode::<Issuer>(token)
            .ok()
            .and_then(|data| data.claims.iss)
            .ok_or_else(|| invalid("it names no issuer"))?;
        let (tenant, oidc) = config.issuer(&issuer).ok_or(AuthError::UnknownIssuer)?;
        if !oidc.algorithms.contains(&header.alg) {
            return Err(invalid(format!(
                "{:?} signatures are not accepted",
                header.alg
            )));
        }
        let jwk = self.key(oidc, header.kid.as_deref()).await?;
        let key = DecodingKey::from_jwk(&jwk).map_err(|_| invalid("its key cannot be used"))?;
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[&oidc.issuer]);
        validation.set_audience(&[&oidc.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = LEEWAY_SECS;
        validation.validate_nbf = true;
        let claims = jsonwebtoken::decode::<serde_json::Map<String, serde_json::Value>>(
            token,
            &key,
            &validation,
        )
        .map_err(|error| {
            invalid(match error.kind() {
                ErrorKind::ExpiredSignature => "it has expired".to_owned(),
                ErrorKind::ImmatureSignature => "it is not valid yet".to_owned(),
                ErrorKind::InvalidAudience => "it is meant for another service".to_owned(),
                ErrorKind::InvalidSignature => "its signature does not verify".to_owned(),
                ErrorKind::MissingRequiredClaim(claim) => format!("it has no `{claim}`"),
                ErrorKind::InvalidAlgorithm => "its algorithm does not fit its key".to_owned(),
                _ => "it cannot be checked".to_owned(),
            })
        })?
        .claims;
        let localpart = claims
            .get(&oidc.user_claim)
            .and_then(|value| value.as_str())
            .ok_or_else(|| invalid(format!("it has no `{}`", oidc.user_claim)))?;
        if !valid_localpart(localpart) {
            return Err(invalid(format!(
                "`{}` is not a Matrix user name",
                oidc.user_claim
            )));
        }
        let local = tenant
            .homeservers
            .iter()
            .find(|hs| hs.server_name == oidc.server_name)
            .is_some_and(|hs| hs.local);
        Ok(Verified {
            user_id: format!("@{localpart}:{}", oidc.server_name),
            tenant: tenant.id.clone(),
            local,
        })
    }

    /// The provider's key `kid` (or its only signing key when the token names none).
    async fn key(&self, oidc: &Oidc, kid: Option<&str>) -> Result<Jwk, AuthError> {
        let issuer = self
            .keys
            .lock()
            .map_err(|_| invalid("it cannot be checked"))?
            .entry(oidc.issuer.clone())
            .or_default()
            .clone();
        let mut keys = issuer.lock().await;
        let now = Instant::now();
        let cached = keys.as_ref().filter(|keys| now - keys.fetched < KEYS_FOR);
        if let Some(found) = cached.and_then(|keys| pick(&keys.set, kid)) {
            return Ok(found);
        }
        let recent = cached.is_some_and(|keys| now - keys.fetched < REFETCH_AFTER);
        if recent {
            return Err(invalid(
                "it is signed by a key the provider does not publish",
            ));
        }
        let set = Arc::new(self.fetch(oidc).await?);
        *keys = Some(Keys {
            set: set.clone(),
            fetched: now,
        });
        pick(&set, kid)
            .ok_or_else(|| invalid("it is signed by a key the provider does not publish"))
    }

    async fn fetch(&self, oidc: &Oidc) -> Result<JwkSet, AuthError> {
        let url = match &oidc.jwks_url {
            Some(url) => url.clone(),
            None => self.discover(oidc).await?,
        };
        let response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| AuthError::ProviderUnreachable(e.without_url().to_string()))?;
        if !response.status().is_success() {
            return Err(AuthError::ProviderUnreachable(format!(
                "its keys answered HTTP {}",
                response.status()
            )));
        }
        crate::outbound::json(response)
            .await
            .map_err(AuthError::ProviderUnreachable)
    }

    /// The `jwks_uri` of the issuer's discovery document, if it is on the issuer's host.
    async fn discover(&self, oidc: &Oidc) -> Result<Url, AuthError> {
        #[derive(serde::Deserialize)]
        struct Discovery {
            jwks_uri: String,
        }
        let unreachable = AuthError::ProviderUnreachable;
        let issuer = Url::parse(&oidc.issuer).map_err(|e| unreachable(e.to_string()))?;
        let address = format!(
            "{}/.well-known/openid-configuration",
            oidc.issuer.trim_end_matches('/')
        );
        let response = self
            .http
            .get(address)
            .send()
            .await
            .map_err(|e| unreachable(e.without_url().to_string()))?;
        if !response.status().is_success() {
            return Err(unreachable(format!(
                "its discovery document answered HTTP {}",
                response.status()
            )));
        }
        let discovery: Discovery = crate::outbound::json(response).await.map_err(unreachable)?;
        let jwks = Url::parse(&discovery.jwks_uri).map_err(|e| unreachable(e.to_string()))?;
        if jwks.origin() != issuer.origin() {
            return Err(unreachable(
                "its keys are on another host than the issuer; set oidc.jwks_url to allow it"
                    .into(),
            ));
        }
        Ok(jwks)
    }
}

/// The signing key with id `kid`; without an id, the set's only signing key.
fn pick(set: &JwkSet, kid: Option<&str>) -> Option<Jwk> {
    let signing = |jwk: &&Jwk| {
        !matches!(
            jwk.common.public_key_use,
            Some(jsonwebtoken::jwk::PublicKeyUse::Encryption)
        )
    };
    match kid {
        Some(kid) => set.find(kid).filter(|jwk| signing(jwk)).cloned(),
        None => {
            let mut keys = set.keys.iter().filter(signing);
            match (keys.next(), keys.next()) {
                (Some(only), None) => Some(only.clone()),
                _ => None,
            }
        }
    }
}

/// A Matrix user id's localpart as the spec allows for new users.
fn valid_localpart(localpart: &str) -> bool {
    !localpart.is_empty()
        && localpart.len() <= 200
        && localpart.bytes().all(
            |b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'.' | b'_' | b'=' | b'-' | b'/' | b'+'),
        )
}
