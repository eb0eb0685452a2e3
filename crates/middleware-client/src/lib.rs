//! The app's client for the Sparks middleware.
//!
//! [`discover`] finds the middleware a homeserver announces (the `org.sparks.middleware` entry
//! of its `/.well-known/matrix/client`); [`Middleware::connect`] reads the middleware's own
//! discovery document; [`Middleware::sign_in`] exchanges a Matrix OpenID token for a session,
//! which the handle then renews by itself (its refresh token works once) while it is used.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use sparks_api::{
    Discovery, ErrorBody, RefreshRequest, Session, SessionRequest, WELL_KNOWN_KEY, WellKnownEntry,
};
pub use sparks_api::{OpenIdToken, RtcMember, Services, SfuToken, TokenRequest, pim};
use url::Url;

/// Every call gives up after this long.
const TIMEOUT: Duration = Duration::from_secs(15);
/// A session token this close to its end is renewed before it is used.
const RENEW_BEFORE: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    #[error("the Sparks server cannot be reached: {0}")]
    Unreachable(String),
    #[error("the Sparks server refused ({status} {errcode}): {error}")]
    Refused {
        status: u16,
        errcode: String,
        error: String,
    },
    #[error("the Sparks server's answer is not understood: {0}")]
    Protocol(String),
    #[error("the session with the Sparks server has ended")]
    SignedOut,
}

impl ClientError {
    /// The server does not accept who we say we are (as opposed to being down).
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            ClientError::Refused {
                status: 401 | 403,
                ..
            }
        )
    }
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(TIMEOUT)
        .build()
        .unwrap_or_default()
}

/// The middleware a homeserver announces in its `/.well-known/matrix/client`: asked at the
/// homeserver's own address first, then at `https://<server name>` where that differs.
/// `None` when neither names one.
pub async fn discover(homeserver: &Url, server_name: &str) -> Result<Option<Url>, ClientError> {
    let http = http();
    let mut places = vec![homeserver.clone()];
    if let Ok(named) = Url::parse(&format!("https://{server_name}/"))
        && named.origin() != homeserver.origin()
    {
        places.push(named);
    }
    let mut last_error = None;
    for place in places {
        let mut url = place;
        url.set_path("/.well-known/matrix/client");
        url.set_query(None);
        let response = match http.get(url).send().await {
            Ok(response) => response,
            Err(error) => {
                last_error = Some(ClientError::Unreachable(error.without_url().to_string()));
                continue;
            }
        };
        if !response.status().is_success() {
            continue;
        }
        let Ok(document) = response.json::<serde_json::Value>().await else {
            continue;
        };
        let Some(entry) = document.get(WELL_KNOWN_KEY) else {
            return Ok(None);
        };
        let entry: WellKnownEntry = serde_json::from_value(entry.clone())
            .map_err(|e| ClientError::Protocol(format!("{WELL_KNOWN_KEY}: {e}")))?;
        let base = Url::parse(&entry.base_url)
            .ok()
            .filter(|url| matches!(url.scheme(), "https" | "http") && url.host().is_some())
            .ok_or_else(|| {
                ClientError::Protocol(format!("{WELL_KNOWN_KEY}.base_url is not a web address"))
            })?;
        // The OpenID token goes there: never in the clear unless the homeserver itself is
        // plain HTTP on this machine (a local test or demo set-up).
        if base.scheme() == "http" && !(homeserver.scheme() == "http" && is_loopback(&base)) {
            return Err(ClientError::Protocol(format!(
                "{WELL_KNOWN_KEY}.base_url must be https://, not {base}"
            )));
        }
        return Ok(Some(base));
    }
    match last_error {
        // Nothing answered at all: say so rather than "not announced".
        Some(error) => Err(error),
        None => Ok(None),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name == "localhost",
        None => false,
    }
}

/// A connection to one middleware. Cheap to clone; clones share the session.
#[derive(Clone)]
pub struct Middleware {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base: Url,
    discovery: Discovery,
    session: tokio::sync::Mutex<Option<Current>>,
}

struct Current {
    access: String,
    refresh: String,
    renew_at: Instant,
    user_id: String,
}

impl std::fmt::Debug for Middleware {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Middleware")
            .field("base", &self.inner.base.as_str())
            .finish_non_exhaustive()
    }
}

/// What a failed answer says, as a [`ClientError`].
async fn refusal(response: reqwest::Response) -> ClientError {
    let status = response.status().as_u16();
    match response.json::<ErrorBody>().await {
        Ok(body) => ClientError::Refused {
            status,
            errcode: body.errcode,
            error: body.error,
        },
        Err(_) => ClientError::Refused {
            status,
            errcode: "M_UNKNOWN".into(),
            error: format!("HTTP {status}"),
        },
    }
}

async fn answer<T: DeserializeOwned>(
    sent: Result<reqwest::Response, reqwest::Error>,
) -> Result<T, ClientError> {
    let response = sent.map_err(|e| ClientError::Unreachable(e.without_url().to_string()))?;
    if !response.status().is_success() {
        return Err(refusal(response).await);
    }
    response
        .json()
        .await
        .map_err(|e| ClientError::Protocol(e.without_url().to_string()))
}

impl Middleware {
    /// Reads the middleware's discovery document at `base`, as it is for the users of
    /// homeserver `server_name`.
    pub async fn connect(base: Url, server_name: &str) -> Result<Middleware, ClientError> {
        let http = http();
        let mut url = base.clone();
        url.set_path("/.well-known/sparks/client");
        url.query_pairs_mut()
            .clear()
            .append_pair("server_name", server_name);
        let discovery: Discovery = answer(http.get(url).send().await).await?;
        if discovery.api != "v1" {
            return Err(ClientError::Protocol(format!(
                "it speaks API {}, this Sparks speaks v1",
                discovery.api
            )));
        }
        Ok(Middleware {
            inner: Arc::new(Inner {
                http,
                base,
                discovery,
                session: tokio::sync::Mutex::new(None),
            }),
        })
    }

    /// What the organisation of the homeserver named at [`Middleware::connect`] has set up,
    /// as discovery says before anyone signs in; `None` when it does not serve that server.
    pub fn offered(&self) -> Option<Services> {
        self.inner.discovery.services
    }

    /// Where the middleware is.
    pub fn base_url(&self) -> &Url {
        &self.inner.base
    }

    /// Starts a session with a Matrix OpenID token; returns what the user's organisation has.
    pub async fn sign_in(&self, token: OpenIdToken) -> Result<Services, ClientError> {
        let request = SessionRequest {
            openid_token: token,
        };
        let sent = self
            .inner
            .http
            .post(&self.inner.discovery.login)
            .json(&request)
            .send()
            .await;
        let session: Session = answer(sent).await?;
        let services = session.services;
        *self.inner.session.lock().await = Some(fresh(session));
        Ok(services)
    }

    /// Where other MatrixRTC clients (Element Call) reach this middleware's token service: the
    /// `livekit_service_url` of a room call's focus.
    pub fn focus_url(&self) -> String {
        self.inner.base.as_str().trim_end_matches('/').to_owned()
    }

    /// A LiveKit token for one MatrixRTC membership of a room's call (lk-jwt-service's
    /// `/get_token`, proven with a fresh Matrix OpenID token rather than the session).
    pub async fn meeting_token(&self, request: &TokenRequest) -> Result<SfuToken, ClientError> {
        let mut url = self.inner.base.clone();
        url.set_path("/get_token");
        answer(self.inner.http.post(url).json(request).send().await).await
    }

    /// The Matrix user the session belongs to.
    pub async fn user_id(&self) -> Option<String> {
        self.inner
            .session
            .lock()
            .await
            .as_ref()
            .map(|c| c.user_id.clone())
    }

    /// What the user's organisation has set up, asked afresh.
    pub async fn services(&self) -> Result<Services, ClientError> {
        self.get("/v1/services").await
    }

    /// A GET with the session's token, renewing the session first when it is about to end
    /// (or when the server says it has).
    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        self.call(reqwest::Method::GET, path, &[], None::<&()>)
            .await
    }

    /// One authenticated request; a 401 renews the session once and tries again. An empty
    /// answer (204) reads as JSON `null`.
    async fn call<T: DeserializeOwned, B: serde::Serialize>(
        &self,
        method: reqwest::Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&B>,
    ) -> Result<T, ClientError> {
        let mut url = self.inner.base.clone();
        url.set_path(path);
        if !query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        let mut renewed = false;
        loop {
            let token = self.access_token(renewed).await?;
            let mut request = self
                .inner
                .http
                .request(method.clone(), url.clone())
                .bearer_auth(token);
            if let Some(body) = body {
                request = request.json(body);
            }
            let sent = request.send().await;
            let result = match sent {
                Ok(response) if response.status() == reqwest::StatusCode::NO_CONTENT => {
                    serde_json::from_value(serde_json::Value::Null)
                        .map_err(|e| ClientError::Protocol(e.to_string()))
                }
                other => answer(other).await,
            };
            match result {
                Err(ClientError::Refused { status: 401, .. }) if !renewed => renewed = true,
                other => return other,
            }
        }
    }

    /// The organisation's calendar and contact backends, and whether the user is signed in to
    /// each.
    pub async fn sources(&self) -> Result<Vec<pim::Source>, ClientError> {
        Ok(self.get::<pim::SourceList>("/v1/sources").await?.sources)
    }

    /// Signs in to one backend (the middleware checks the credentials with it first).
    pub async fn connect_source(
        &self,
        id: &str,
        credentials: &pim::Credentials,
    ) -> Result<(), ClientError> {
        let path = format!("/v1/sources/{}/credentials", url_segment(id));
        self.call(reqwest::Method::PUT, &path, &[], Some(credentials))
            .await
    }

    pub async fn calendars(&self) -> Result<pim::CalendarList, ClientError> {
        self.get("/v1/calendars").await
    }

    /// Every occurrence in `[start, end)`; floating times read in `zone` (IANA).
    pub async fn events(
        &self,
        start: chrono::DateTime<chrono::Utc>,
        end: chrono::DateTime<chrono::Utc>,
        zone: &str,
    ) -> Result<pim::EventList, ClientError> {
        let query = [
            (
                "start",
                start.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            ),
            (
                "end",
                end.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            ),
            ("tz", zone.to_owned()),
        ];
        self.call(reqwest::Method::GET, "/v1/events", &query, None::<&()>)
            .await
    }

    pub async fn create_event(&self, event: &pim::NewEvent) -> Result<pim::Event, ClientError> {
        self.call(reqwest::Method::POST, "/v1/events", &[], Some(event))
            .await
    }

    /// Fails with a 409 refusal when someone else changed the event since `change.at.version`.
    pub async fn update_event(&self, change: &pim::EventChange) -> Result<pim::Event, ClientError> {
        self.call(reqwest::Method::PUT, "/v1/events", &[], Some(change))
            .await
    }

    pub async fn delete_event(&self, at: &pim::EventRef) -> Result<(), ClientError> {
        self.call(reqwest::Method::DELETE, "/v1/events", &[], Some(at))
            .await
    }

    /// Answers an invitation (the organiser is told where the backend schedules).
    pub async fn reply_event(&self, reply: &pim::EventReply) -> Result<(), ClientError> {
        self.call(reqwest::Method::POST, "/v1/events/reply", &[], Some(reply))
            .await
    }

    pub async fn free_busy(
        &self,
        request: &pim::FreeBusyRequest,
    ) -> Result<pim::FreeBusy, ClientError> {
        self.call(reqwest::Method::POST, "/v1/freebusy", &[], Some(request))
            .await
    }

    /// Contacts from every address book whose name, address or organisation contains `query`.
    pub async fn contacts(&self, query: &str) -> Result<pim::ContactList, ClientError> {
        self.call(
            reqwest::Method::GET,
            "/v1/contacts",
            &[("q", query.to_owned())],
            None::<&()>,
        )
        .await
    }

    async fn access_token(&self, force_renew: bool) -> Result<String, ClientError> {
        let mut session = self.inner.session.lock().await;
        let current = session.as_ref().ok_or(ClientError::SignedOut)?;
        if !force_renew && Instant::now() < current.renew_at {
            return Ok(current.access.clone());
        }
        let mut url = self.inner.base.clone();
        url.set_path("/v1/session/refresh");
        let request = RefreshRequest {
            refresh_token: current.refresh.clone(),
        };
        let sent = self.inner.http.post(url).json(&request).send().await;
        match answer::<Session>(sent).await {
            Ok(renewed) => {
                let access = renewed.access_token.clone();
                *session = Some(fresh(renewed));
                Ok(access)
            }
            Err(error) if error.is_refusal() => {
                tracing::info!(%error, "the middleware session could not be renewed");
                *session = None;
                Err(ClientError::SignedOut)
            }
            Err(error) => Err(error),
        }
    }
}

/// `text` as one URL path segment.
fn url_segment(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

fn fresh(session: Session) -> Current {
    let life = Duration::from_secs(session.expires_in);
    Current {
        renew_at: Instant::now() + life.saturating_sub(RENEW_BEFORE),
        access: session.access_token,
        refresh: session.refresh_token,
        user_id: session.user_id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Json;
    use axum::http::{HeaderMap, StatusCode};
    use axum::routing::{get, post};
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn session(access: &str, refresh: &str) -> Session {
        Session {
            access_token: access.into(),
            expires_in: 900,
            refresh_token: refresh.into(),
            user_id: "@alice:example.org".into(),
            services: Services {
                meetings: true,
                ..Services::default()
            },
        }
    }

    /// A middleware whose first session token the server has already forgotten, and whose
    /// refresh token works once.
    async fn forgetful() -> (Url, Arc<AtomicUsize>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base =
            Url::parse(&format!("http://{}", listener.local_addr().expect("addr"))).expect("url");
        let refreshes = Arc::new(AtomicUsize::new(0));
        let counted = refreshes.clone();
        let discovery = Discovery {
            api: "v1".into(),
            login: base.join("/v1/session").expect("url").to_string(),
            oidc_login: base.join("/v1/session/oidc").expect("url").to_string(),
            services: None,
        };
        let app = axum::Router::new()
            .route(
                "/.well-known/sparks/client",
                get(move || async move { Json(discovery) }),
            )
            .route(
                "/v1/session",
                post(|| async { Json(session("forgotten", "once")) }),
            )
            .route(
                "/v1/session/refresh",
                post(move |Json(request): Json<RefreshRequest>| async move {
                    counted.fetch_add(1, Ordering::SeqCst);
                    if request.refresh_token == "once" {
                        Ok(Json(session("fresh", "used")))
                    } else {
                        Err(StatusCode::UNAUTHORIZED)
                    }
                }),
            )
            .route(
                "/v1/services",
                get(|headers: HeaderMap| async move {
                    let bearer = headers
                        .get("authorization")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned();
                    if bearer == "Bearer fresh" {
                        Ok(Json(Services {
                            calendar: true,
                            ..Services::default()
                        }))
                    } else {
                        Err(StatusCode::UNAUTHORIZED)
                    }
                }),
            );
        tokio::spawn(async move { axum::serve(listener, app).await });
        (base, refreshes)
    }

    fn token() -> OpenIdToken {
        OpenIdToken {
            access_token: "t".into(),
            token_type: "Bearer".into(),
            matrix_server_name: "example.org".into(),
            expires_in: 3600,
        }
    }

    #[tokio::test]
    async fn a_forgotten_session_is_renewed_once_then_ends() {
        let (base, refreshes) = forgetful().await;
        let middleware = Middleware::connect(base, "example.org")
            .await
            .expect("connects");
        assert_eq!(middleware.services().await, Err(ClientError::SignedOut));
        let services = middleware.sign_in(token()).await.expect("signs in");
        assert!(services.meetings);
        assert_eq!(
            middleware.user_id().await.as_deref(),
            Some("@alice:example.org")
        );
        // The server forgot the first token: renewed with the refresh token, then answered.
        let services = middleware.services().await.expect("renewed");
        assert!(services.calendar);
        assert_eq!(refreshes.load(Ordering::SeqCst), 1);
        // The fresh token keeps working without renewing again.
        assert!(middleware.services().await.is_ok());
        assert_eq!(refreshes.load(Ordering::SeqCst), 1);
    }

    /// A homeserver whose `.well-known` announces `base_url`.
    async fn announcing(base_url: &str) -> Url {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let homeserver =
            Url::parse(&format!("http://{}", listener.local_addr().expect("addr"))).expect("url");
        let document = serde_json::json!({
            "m.homeserver": { "base_url": homeserver.as_str() },
            WELL_KNOWN_KEY: { "base_url": base_url },
        });
        let app = axum::Router::new().route(
            "/.well-known/matrix/client",
            get(move || async move { Json(document) }),
        );
        tokio::spawn(async move { axum::serve(listener, app).await });
        homeserver
    }

    #[tokio::test]
    async fn the_announced_middleware_is_found_and_tokens_never_go_out_in_the_clear() {
        let local = announcing("http://127.0.0.1:8090").await;
        let name = local.authority().to_owned();
        assert_eq!(
            discover(&local, &name).await,
            Ok(Some(Url::parse("http://127.0.0.1:8090").expect("url")))
        );
        let secure = announcing("https://sparks.example.org").await;
        assert_eq!(
            discover(&secure, secure.authority())
                .await
                .map(|u| u.map(|u| u.to_string())),
            Ok(Some("https://sparks.example.org/".into()))
        );
        // Plain HTTP to another machine would carry the OpenID token in the clear.
        let insecure = announcing("http://sparks.example.org").await;
        assert!(matches!(
            discover(&insecure, insecure.authority()).await,
            Err(ClientError::Protocol(_))
        ));
        let broken = announcing("not a url").await;
        assert!(matches!(
            discover(&broken, broken.authority()).await,
            Err(ClientError::Protocol(_))
        ));
    }

    #[tokio::test]
    async fn nothing_listening_is_unreachable_not_absent() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let dead =
            Url::parse(&format!("http://{}", listener.local_addr().expect("addr"))).expect("url");
        let server_name = format!("127.0.0.1:{}", dead.port().unwrap_or_default());
        drop(listener);
        let found = discover(&dead, &server_name).await;
        assert!(
            matches!(found, Err(ClientError::Unreachable(_))),
            "{found:?}"
        );
        let connected = Middleware::connect(dead, "example.org").await;
        assert!(matches!(connected, Err(ClientError::Unreachable(_))));
    }
}
