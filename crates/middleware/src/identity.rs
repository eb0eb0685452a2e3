//! Who is asking: a Matrix OpenID token checked with the homeserver that issued it — only
//! homeservers the configuration names are ever asked — and room membership checked with the
//! homeserver's admin API where the operator gave the middleware an admin token.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use sparks_api::OpenIdToken;

use crate::config::{Config, Homeserver};

/// How long a checked OpenID token is believed without asking again (at most its own life).
const CACHE_FOR: Duration = Duration::from_secs(300);
/// How long a membership the homeserver confirmed is believed (someone who left gets no new
/// meeting token after this long; one who joins is asked about at once, as only "member" is
/// remembered).
const MEMBER_FOR: Duration = Duration::from_secs(30);
/// Remembered answers beyond this many are forgotten when they have run out.
const REMEMBER_AT_MOST: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("{0} is not a homeserver this middleware serves")]
    UnknownServer(String),
    #[error("the homeserver did not accept the OpenID token")]
    Rejected,
    #[error("the homeserver vouched for {0}, who is not on that server")]
    WrongServer(String),
    #[error("the homeserver cannot be reached: {0}")]
    Unreachable(String),
    #[error("the token's issuer is not an identity provider this middleware trusts")]
    UnknownIssuer,
    #[error("the access token is not accepted: {0}")]
    InvalidToken(String),
    #[error("the identity provider cannot be reached: {0}")]
    ProviderUnreachable(String),
}

/// A user the homeserver vouched for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub user_id: String,
    pub tenant: String,
    /// On one of the tenant's own homeservers (not a guest server).
    pub local: bool,
}

pub struct Identity {
    http: reqwest::Client,
    cache: Mutex<HashMap<[u8; 32], (Verified, Instant)>>,
    /// (tenant, room, user) the homeserver said is joined, and when.
    members: Mutex<HashMap<(String, String, String), Instant>>,
}

impl Default for Identity {
    fn default() -> Self {
        Identity::new()
    }
}

impl Identity {
    pub fn new() -> Identity {
        Identity {
            http: crate::outbound::client(),
            cache: Mutex::new(HashMap::new()),
            members: Mutex::new(HashMap::new()),
        }
    }

    /// Checks `token` with its homeserver (or the cache).
    pub async fn verify(
        &self,
        config: &Config,
        token: &OpenIdToken,
    ) -> Result<Verified, AuthError> {
        let server = token.matrix_server_name.as_str();
        let (tenant, homeserver) = config
            .homeserver(server)
            .ok_or_else(|| AuthError::UnknownServer(server.to_owned()))?;
        let key: [u8; 32] = Sha256::new()
            .chain_update(server.as_bytes())
            .chain_update([0])
            .chain_update(token.access_token.as_bytes())
            .finalize()
            .into();
        let now = Instant::now();
        if let Ok(cache) = self.cache.lock()
            && let Some((verified, until)) = cache.get(&key)
            && *until > now
        {
            return Ok(verified.clone());
        }
        let user_id = self.userinfo(homeserver, &token.access_token).await?;
        if user_server(&user_id) != Some(server) {
            return Err(AuthError::WrongServer(user_id));
        }
        let verified = Verified {
            user_id,
            tenant: tenant.id.clone(),
            local: homeserver.local,
        };
        let life = CACHE_FOR.min(Duration::from_secs(token.expires_in));
        if let Ok(mut cache) = self.cache.lock() {
            cache.retain(|_, (_, until)| *until > now);
            cache.insert(key, (verified.clone(), now + life));
        }
        Ok(verified)
    }

    async fn userinfo(&self, homeserver: &Homeserver, token: &str) -> Result<String, AuthError> {
        #[derive(serde::Deserialize)]
        struct UserInfo {
            sub: String,
        }
        let mut url = homeserver.url.clone();
        url.set_path("/_matrix/federation/v1/openid/userinfo");
        url.query_pairs_mut()
            .clear()
            .append_pair("access_token", token);
        let response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| AuthError::Unreachable(e.without_url().to_string()))?;
        match response.status().as_u16() {
            200 => crate::outbound::json::<UserInfo>(response)
                .await
                .map(|info| info.sub)
                .map_err(|_| AuthError::Rejected),
            401 | 403 | 404 => Err(AuthError::Rejected),
            status => Err(AuthError::Unreachable(format!("HTTP {status}"))),
        }
    }

    /// Whether `user_id` is joined to `room_id`, as the tenant's homeserver with an admin token
    /// says; `None` when no homeserver of the tenant can tell (no admin token configured).
    pub async fn is_member(
        &self,
        config: &Config,
        tenant: &str,
        room_id: &str,
        user_id: &str,
    ) -> Result<Option<bool>, AuthError> {
        #[derive(serde::Deserialize)]
        struct Members {
            members: Vec<String>,
        }
        let Some((homeserver, admin)) = config.tenant(tenant).and_then(|t| {
            t.homeservers
                .iter()
                .find_map(|hs| hs.admin_token.as_ref().map(|token| (hs, token)))
        }) else {
            return Ok(None);
        };
        let key = (tenant.to_owned(), room_id.to_owned(), user_id.to_owned());
        let now = Instant::now();
        if let Ok(members) = self.members.lock()
            && members.get(&key).is_some_and(|at| now - *at < MEMBER_FOR)
        {
            return Ok(Some(true));
        }
        let mut url = homeserver.url.clone();
        url.path_segments_mut()
            .map_err(|()| AuthError::Unreachable("the homeserver URL cannot have a path".into()))?
            .clear()
            .extend(["_synapse", "admin", "v1", "rooms", room_id, "members"]);
        let response = self
            .http
            .get(url)
            .bearer_auth(admin.expose())
            .send()
            .await
            .map_err(|e| AuthError::Unreachable(e.without_url().to_string()))?;
        match response.status().as_u16() {
            200 => {
                let members: Members = crate::outbound::json(response)
                    .await
                    .map_err(AuthError::Unreachable)?;
                let joined = members.members.iter().any(|m| m == user_id);
                if joined && let Ok(mut members) = self.members.lock() {
                    if members.len() >= REMEMBER_AT_MOST {
                        members.retain(|_, at| now - *at < MEMBER_FOR);
                    }
                    members.insert(key, now);
                }
                Ok(Some(joined))
            }
            // An unknown room has no members.
            400 | 404 => Ok(Some(false)),
            status => Err(AuthError::Unreachable(format!(
                "the membership check answered HTTP {status}"
            ))),
        }
    }
}

/// The server part of a user id: `example.org` of `@alice:example.org`.
pub fn user_server(user_id: &str) -> Option<&str> {
    let rest = user_id.strip_prefix('@')?;
    let (local, server) = rest.split_once(':')?;
    (!local.is_empty() && !server.is_empty()).then_some(server)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// A homeserver whose admin API says `!room:a.org` has only alice, counting the questions.
    async fn homeserver() -> (Config, Arc<AtomicUsize>) {
        let asked = Arc::new(AtomicUsize::new(0));
        let counter = asked.clone();
        let app = axum::Router::new().route(
            "/_synapse/admin/v1/rooms/{room}/members",
            axum::routing::get(
                move |axum::extract::Path(room): axum::extract::Path<String>| {
                    counter.fetch_add(1, Ordering::SeqCst);
                    async move {
                        if room == "!room:a.org" {
                            Ok(axum::Json(
                                serde_json::json!({"members": ["@alice:a.org"], "total": 1}),
                            ))
                        } else {
                            Err(axum::http::StatusCode::NOT_FOUND)
                        }
                    }
                },
            ),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        let config = Config::parse(&crate::config::tests::minimal(&format!(
            "[[tenant.homeservers]]\nserver_name = \"a.org\"\nurl = \"{url}\"\nadmin_token = \"an-admin-token\"\n"
        )))
        .expect("a valid configuration");
        (config, asked)
    }

    #[tokio::test]
    async fn members_are_remembered_for_a_while_and_others_asked_about_each_time() {
        let (config, asked) = homeserver().await;
        let identity = Identity::new();
        let member = |user: &'static str, room: &'static str| {
            let (identity, config) = (&identity, &config);
            async move { identity.is_member(config, "t", room, user).await }
        };
        assert_eq!(member("@alice:a.org", "!room:a.org").await, Ok(Some(true)));
        assert_eq!(member("@alice:a.org", "!room:a.org").await, Ok(Some(true)));
        assert_eq!(
            asked.load(Ordering::SeqCst),
            1,
            "a confirmed member is remembered"
        );
        // Someone who is not joined is asked about every time: joining counts at once.
        assert_eq!(member("@bob:a.org", "!room:a.org").await, Ok(Some(false)));
        assert_eq!(member("@bob:a.org", "!room:a.org").await, Ok(Some(false)));
        assert_eq!(asked.load(Ordering::SeqCst), 3);
        // An unknown room has no members; a tenant without an admin token cannot tell.
        assert_eq!(member("@alice:a.org", "!gone:a.org").await, Ok(Some(false)));
        assert_eq!(
            identity
                .is_member(&config, "other", "!room:a.org", "@alice:a.org")
                .await,
            Ok(None)
        );
        // Once the time is up, the homeserver is asked again (someone who left is refused).
        let key = (
            "t".to_owned(),
            "!room:a.org".to_owned(),
            "@alice:a.org".to_owned(),
        );
        let long_ago = Instant::now()
            .checked_sub(MEMBER_FOR + Duration::from_secs(1))
            .expect("the machine has been up for a while");
        identity
            .members
            .lock()
            .expect("not poisoned")
            .insert(key, long_ago);
        assert_eq!(member("@alice:a.org", "!room:a.org").await, Ok(Some(true)));
        assert_eq!(asked.load(Ordering::SeqCst), 5);
    }

    #[tokio::test]
    async fn the_memory_of_members_stays_bounded() {
        let (config, _) = homeserver().await;
        let identity = Identity::new();
        let long_ago = Instant::now()
            .checked_sub(MEMBER_FOR + Duration::from_secs(1))
            .expect("the machine has been up for a while");
        {
            let mut members = identity.members.lock().expect("not poisoned");
            for n in 0..REMEMBER_AT_MOST {
                members.insert(
                    ("t".into(), format!("!{n}:a.org"), "@alice:a.org".into()),
                    long_ago,
                );
            }
        }
        assert_eq!(
            identity
                .is_member(&config, "t", "!room:a.org", "@alice:a.org")
                .await,
            Ok(Some(true))
        );
        assert_eq!(
            identity.members.lock().expect("not poisoned").len(),
            1,
            "old answers forgotten"
        );
    }

    #[test]
    fn user_ids_name_their_server() {
        assert_eq!(user_server("@alice:example.org"), Some("example.org"));
        assert_eq!(user_server("@alice:localhost:8448"), Some("localhost:8448"));
        assert_eq!(user_server("alice:example.org"), None);
        assert_eq!(user_server("@:example.org"), None);
        assert_eq!(user_server("@alice"), None);
    }
}
