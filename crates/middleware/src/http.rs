//! The HTTP API: routes, the JSON error body every failure gets, and the limits around them.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use sha2::{Digest, Sha256};
use sparks_api::{
    Discovery, ErrorBody, LegacyTokenRequest, OidcSessionRequest, RefreshRequest, Services,
    Session, SessionRequest, SfuToken, TokenRequest,
};

use crate::config::{Config, Tenant};
use crate::identity::{AuthError, Identity, Verified};
use crate::livekit;
use crate::metrics::Metrics;
use crate::oidc::Providers;
use crate::store::{Store, StoreError, Who};

/// Requests larger than this are refused before they are read.
pub const BODY_LIMIT: usize = 16 * 1024;
/// An event's notes may be long (an agenda, minutes pasted in): events may be this large.
pub const EVENT_BODY_LIMIT: usize = 256 * 1024;
/// A request that takes longer than this is answered with 503.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// What every handler shares.
pub struct App {
    pub config: Config,
    pub store: Store,
    pub identity: Identity,
    pub providers: Providers,
    pub livekit: livekit::Rooms,
    pub limiter: crate::limit::Limiter,
    /// Counts requests made with a session token: ten times the allowance of `limiter`, which
    /// counts the requests that cost a call to another server (sign-in, meeting tokens).
    pub session_limiter: crate::limit::Limiter,
    pub metrics: Arc<Metrics>,
    pub pim: crate::pim::Pim,
    /// Seals users' backend credentials; `None` without a configured key.
    pub vault: Option<crate::vault::Vault>,
}

impl App {
    /// Everything the handlers need for `config`, with `store` opened already.
    pub fn new(config: Config, store: Store) -> App {
        let limiter =
            crate::limit::Limiter::new(config.requests_per_minute, Duration::from_secs(60));
        let session_limiter = crate::limit::Limiter::new(
            config.requests_per_minute.saturating_mul(10),
            Duration::from_secs(60),
        );
        let vault = config
            .credentials_key
            .as_ref()
            .map(crate::vault::Vault::new);
        App {
            config,
            store,
            identity: Identity::new(),
            providers: Providers::new(),
            livekit: livekit::Rooms::new(),
            limiter,
            session_limiter,
            metrics: Arc::new(Metrics::new()),
            pim: crate::pim::Pim::new(),
            vault,
        }
    }
}

impl App {
    /// Counts one request by `user`; too many in a minute get 429 with when to try again.
    pub(crate) fn limit(&self, user: &str) -> Result<(), Failure> {
        limited(&self.limiter, user)
    }
}

fn limited(limiter: &crate::limit::Limiter, user: &str) -> Result<(), Failure> {
    limiter
        .check(user, std::time::Instant::now())
        .map_err(|wait| Failure {
            status: StatusCode::TOO_MANY_REQUESTS,
            errcode: "M_LIMIT_EXCEEDED",
            error: format!("too many requests; try again in {} s", wait.as_secs() + 1),
        })
}

/// A failure as the client sees it: a status and a JSON body.
#[derive(Debug)]
pub struct Failure {
    status: StatusCode,
    errcode: &'static str,
    error: String,
}

impl Failure {
    pub(crate) fn new(
        status: StatusCode,
        errcode: &'static str,
        error: impl Into<String>,
    ) -> Failure {
        Failure {
            status,
            errcode,
            error: error.into(),
        }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            errcode: self.errcode.to_owned(),
            error: self.error,
        };
        (self.status, Json(body)).into_response()
    }
}

impl From<AuthError> for Failure {
    fn from(error: AuthError) -> Failure {
        match error {
            AuthError::Unreachable(_) => {
                tracing::warn!(%error, "OpenID check failed");
                Failure::new(StatusCode::BAD_GATEWAY, "M_UNKNOWN", error.to_string())
            }
            AuthError::ProviderUnreachable(_) => {
                tracing::warn!(%error, "identity provider check failed");
                Failure::new(StatusCode::BAD_GATEWAY, "M_UNKNOWN", error.to_string())
            }
            AuthError::UnknownServer(_) | AuthError::UnknownIssuer => {
                Failure::new(StatusCode::FORBIDDEN, "M_FORBIDDEN", error.to_string())
            }
            AuthError::Rejected | AuthError::WrongServer(_) | AuthError::InvalidToken(_) => {
                Failure::new(
                    StatusCode::UNAUTHORIZED,
                    "M_UNAUTHORIZED",
                    error.to_string(),
                )
            }
        }
    }
}

impl From<StoreError> for Failure {
    fn from(error: StoreError) -> Failure {
        tracing::error!(%error, "store failed");
        Failure::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "M_UNKNOWN",
            "the middleware's database is unavailable",
        )
    }
}

impl From<livekit::LiveKitError> for Failure {
    fn from(error: livekit::LiveKitError) -> Failure {
        tracing::error!(%error, "LiveKit failed");
        Failure::new(StatusCode::BAD_GATEWAY, "M_UNKNOWN", error.to_string())
    }
}

/// `Json`, but a body that is not JSON of the right shape gets our error body, not axum's text.
pub struct Body<T>(pub T);

impl<S, T> FromRequest<S> for Body<T>
where
    Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = Failure;

    async fn from_request(request: Request, state: &S) -> Result<Self, Failure> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(Body(value)),
            Err(rejection) => Err(match &rejection {
                JsonRejection::MissingJsonContentType(_) => Failure::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "M_NOT_JSON",
                    "the body must be JSON (Content-Type: application/json)",
                ),
                JsonRejection::BytesRejection(_) => Failure::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "M_TOO_LARGE",
                    "the body is larger than this endpoint takes".to_owned(),
                ),
                JsonRejection::JsonSyntaxError(_) => {
                    Failure::new(StatusCode::BAD_REQUEST, "M_NOT_JSON", rejection.body_text())
                }
                _ => Failure::new(StatusCode::BAD_REQUEST, "M_BAD_JSON", rejection.body_text()),
            }),
        }
    }
}

pub fn router(app: Arc<App>) -> Router {
    let metrics = app.metrics.clone();
    Router::new()
        .route("/.well-known/sparks/client", get(discovery))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_text))
        .route("/openapi.json", get(openapi))
        .route("/v1/session", post(sign_in))
        .route("/v1/session/oidc", post(oidc_sign_in))
        .route("/v1/session/refresh", post(refresh))
        .route("/v1/services", get(services_of))
        // Element Call asks from the browser: these two answer any origin, as lk-jwt-service.
        .route("/get_token", post(get_token).options(preflight))
        .route("/sfu/get", post(sfu_get).options(preflight))
        .merge(crate::pim::routes::router())
        .layer(axum::middleware::map_response(cors))
        .fallback(|| async {
            Failure::new(StatusCode::NOT_FOUND, "M_UNRECOGNIZED", "no such endpoint")
        })
        .method_not_allowed_fallback(|| async {
            Failure::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "M_UNRECOGNIZED",
                "this endpoint does not take that method",
            )
        })
        .layer(axum::middleware::from_fn_with_state(
            metrics,
            crate::metrics::track,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            REQUEST_TIMEOUT,
        ))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(app)
}

/// What this middleware speaks, where to sign in, and what a homeserver's tenant has.
#[utoipa::path(get, path = "/.well-known/sparks/client", tag = "discovery",
    params(("server_name" = Option<String>, Query, description = "a homeserver's server name, e.g. `example.org`")),
    responses((status = 200, body = Discovery, description = "done")))]
pub(crate) async fn discovery(
    State(app): State<Arc<App>>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Json<Discovery> {
    // Read leniently: a query that says nothing useful is a discovery without a tenant.
    let asked = query.and_then(|query| {
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(key, _)| key == "server_name")
            .map(|(_, name)| name.into_owned())
    });
    let at = |path: &str| {
        let mut url = app.config.public_url.clone();
        url.set_path(path);
        url.to_string()
    };
    Json(Discovery {
        api: "v1".into(),
        login: at("/v1/session"),
        oidc_login: at("/v1/session/oidc"),
        services: asked
            .and_then(|name| app.config.homeserver(&name).map(|(tenant, _)| tenant))
            .map(|tenant| services(Some(tenant))),
    })
}

/// The metrics in Prometheus' text format, for the operator's metrics token only.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Prometheus text format", content_type = "text/plain"),
        (status = 401, body = ErrorBody, description = "who you are was not proven"),
        (status = 404, body = ErrorBody, description = "no metrics token is configured"),
    ))]
pub(crate) async fn metrics_text(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let Some(wanted) = &app.config.metrics_token else {
        return Err(Failure::new(
            StatusCode::NOT_FOUND,
            "M_UNRECOGNIZED",
            "no such endpoint",
        ));
    };
    let given = bearer_token(&headers)?;
    // Compared as hashes: how long the comparison takes tells nothing about the token.
    if Sha256::digest(given.as_bytes()) != Sha256::digest(wanted.expose().as_bytes()) {
        return Err(Failure::new(
            StatusCode::UNAUTHORIZED,
            "M_UNKNOWN_TOKEN",
            "that is not the metrics token",
        ));
    }
    Ok((
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        app.metrics.render(),
    )
        .into_response())
}

/// This API as an OpenAPI 3.1 document.
pub(crate) async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(crate::openapi::document())
}

async fn preflight() -> StatusCode {
    StatusCode::OK
}

/// CORS headers on the meeting-token endpoints' answers (and their preflights).
async fn cors(uri: axum::http::Uri, mut response: Response) -> Response {
    if matches!(uri.path(), "/get_token" | "/sfu/get") {
        let headers = response.headers_mut();
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            header::HeaderValue::from_static("*"),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            header::HeaderValue::from_static("POST"),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            header::HeaderValue::from_static(
                "Accept, Content-Type, Content-Length, Accept-Encoding, X-CSRF-Token",
            ),
        );
    }
    response
}

/// Whether the process answers.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "ok", content_type = "text/plain")))]
pub(crate) async fn healthz() -> &'static str {
    "ok"
}

/// Whether the middleware can serve: its database answers.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "ready", content_type = "text/plain"),
        (status = 503, body = ErrorBody, description = "the middleware cannot serve now"),
    ))]
pub(crate) async fn readyz(State(app): State<Arc<App>>) -> Result<&'static str, Failure> {
    if app.store.ready().await {
        Ok("ready")
    } else {
        Err(Failure::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "M_UNKNOWN",
            "the database does not answer",
        ))
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn services(tenant: Option<&Tenant>) -> Services {
    tenant.map_or_else(Services::default, |t| Services {
        meetings: t.livekit.is_some(),
        calendar: t.calendar(),
        contacts: t.contacts(),
        files: t.files,
        assistant: t.assistant,
    })
}

fn session(app: &App, who: &Who, tokens: crate::store::Tokens) -> Json<Session> {
    Json(Session {
        access_token: tokens.access,
        expires_in: app.config.session_minutes * 60,
        refresh_token: tokens.refresh,
        user_id: who.user_id.clone(),
        services: services(app.config.tenant(&who.tenant)),
    })
}

fn lifetimes(config: &Config) -> (i64, i64) {
    (
        (config.session_minutes * 60) as i64,
        (config.refresh_days * 86_400) as i64,
    )
}

/// Starts a session with a Matrix OpenID token, checked with the user's homeserver.
#[utoipa::path(post, path = "/v1/session", tag = "sessions",
    request_body = SessionRequest,
    responses(
        (status = 200, body = Session, description = "done"),
        (status = 400, body = ErrorBody, description = "the body is not what this endpoint takes"), (status = 401, body = ErrorBody, description = "who you are was not proven"),
        (status = 403, body = ErrorBody, description = "not a homeserver of any tenant"),
        (status = 413, body = ErrorBody, description = "the body is too large"), (status = 415, body = ErrorBody, description = "the body is not JSON"),
        (status = 429, body = ErrorBody, description = "too many requests; try again later"), (status = 502, body = ErrorBody, description = "a server the middleware asks did not answer"),
    ))]
pub(crate) async fn sign_in(
    State(app): State<Arc<App>>,
    Body(request): Body<SessionRequest>,
) -> Result<Json<Session>, Failure> {
    let verified = app
        .identity
        .verify(&app.config, &request.openid_token)
        .await?;
    start_session(&app, verified, "openid").await
}

/// Starts a session with a JWT access token from the tenant's identity provider.
#[utoipa::path(post, path = "/v1/session/oidc", tag = "sessions",
    request_body = OidcSessionRequest,
    responses(
        (status = 200, body = Session, description = "done"),
        (status = 400, body = ErrorBody, description = "the body is not what this endpoint takes"),
        (status = 401, body = ErrorBody, description = "malformed, expired, wrongly signed or for another audience"),
        (status = 403, body = ErrorBody, description = "an issuer no tenant trusts"),
        (status = 413, body = ErrorBody, description = "the body is too large"), (status = 415, body = ErrorBody, description = "the body is not JSON"),
        (status = 429, body = ErrorBody, description = "too many requests; try again later"), (status = 502, body = ErrorBody, description = "a server the middleware asks did not answer"),
    ))]
pub(crate) async fn oidc_sign_in(
    State(app): State<Arc<App>>,
    Body(request): Body<OidcSessionRequest>,
) -> Result<Json<Session>, Failure> {
    let verified = app
        .providers
        .verify(&app.config, &request.access_token)
        .await?;
    start_session(&app, verified, "oidc").await
}

async fn start_session(
    app: &App,
    verified: Verified,
    method: &'static str,
) -> Result<Json<Session>, Failure> {
    app.limit(&verified.user_id)?;
    let who = Who {
        user_id: verified.user_id,
        tenant: verified.tenant,
    };
    let (access, refresh) = lifetimes(&app.config);
    let tokens = app.store.create(&who, now(), access, refresh).await?;
    app.metrics.signed_in(method);
    tracing::info!(user = %who.user_id, tenant = %who.tenant, method, "signed in");
    Ok(session(app, &who, tokens))
}

/// Replaces a session's tokens; each refresh token works once.
#[utoipa::path(post, path = "/v1/session/refresh", tag = "sessions",
    request_body = RefreshRequest,
    responses(
        (status = 200, body = Session, description = "done"),
        (status = 400, body = ErrorBody, description = "the body is not what this endpoint takes"),
        (status = 401, body = ErrorBody, description = "unknown, used or expired"),
    ))]
pub(crate) async fn refresh(
    State(app): State<Arc<App>>,
    Body(request): Body<RefreshRequest>,
) -> Result<Json<Session>, Failure> {
    let (access, refresh) = lifetimes(&app.config);
    match app
        .store
        .refresh(&request.refresh_token, now(), access, refresh)
        .await?
    {
        // Not counted: the old tokens are gone by now, and a refusal would sign the user out.
        Some((who, tokens)) => Ok(session(&app, &who, tokens)),
        None => Err(Failure::new(
            StatusCode::UNAUTHORIZED,
            "M_UNKNOWN_TOKEN",
            "the refresh token is unknown, used or expired: sign in again",
        )),
    }
}

/// The token of an `Authorization: Bearer` header.
fn bearer_token(headers: &HeaderMap) -> Result<&str, Failure> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| {
            Failure::new(
                StatusCode::UNAUTHORIZED,
                "M_MISSING_TOKEN",
                "no Authorization: Bearer token",
            )
        })
}

/// The session a request's bearer token names.
pub(crate) async fn bearer(app: &App, headers: &HeaderMap) -> Result<Who, Failure> {
    let token = bearer_token(headers)?;
    let who = app.store.who(token, now()).await?.ok_or_else(|| {
        Failure::new(
            StatusCode::UNAUTHORIZED,
            "M_UNKNOWN_TOKEN",
            "the session token is unknown or expired",
        )
    })?;
    limited(&app.session_limiter, &who.user_id)?;
    Ok(who)
}

/// What the user's tenant has set up.
#[utoipa::path(get, path = "/v1/services", tag = "sessions",
    security(("bearer" = [])),
    responses((status = 200, body = Services, description = "done"), (status = 401, body = ErrorBody, description = "who you are was not proven")))]
pub(crate) async fn services_of(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
) -> Result<Json<Services>, Failure> {
    let who = bearer(&app, &headers).await?;
    Ok(Json(services(app.config.tenant(&who.tenant))))
}

/// A LiveKit token for one MatrixRTC slot of a room (lk-jwt-service's API, as Element Call
/// asks for it).
#[utoipa::path(post, path = "/get_token", tag = "meetings",
    request_body = TokenRequest,
    responses(
        (status = 200, body = SfuToken, description = "done"),
        (status = 400, body = ErrorBody, description = "the body is not what this endpoint takes"),
        (status = 401, body = ErrorBody, description = "the OpenID token is not accepted, or is someone else's"),
        (status = 403, body = ErrorBody, description = "not a member of the room, or not a tenant's user"),
        (status = 404, body = ErrorBody, description = "meetings are not set up for the tenant"),
        (status = 429, body = ErrorBody, description = "too many requests; try again later"), (status = 502, body = ErrorBody, description = "a server the middleware asks did not answer"),
    ))]
pub(crate) async fn get_token(
    State(app): State<Arc<App>>,
    Body(request): Body<TokenRequest>,
) -> Result<Json<SfuToken>, Failure> {
    if request.room_id.is_empty() || request.slot_id.is_empty() {
        return Err(Failure::new(
            StatusCode::BAD_REQUEST,
            "M_BAD_JSON",
            "room_id and slot_id must not be empty",
        ));
    }
    let member = &request.member;
    if member.id.is_empty()
        || member.claimed_user_id.is_empty()
        || member.claimed_device_id.is_empty()
    {
        return Err(Failure::new(
            StatusCode::BAD_REQUEST,
            "M_BAD_JSON",
            "member.id, member.claimed_user_id and member.claimed_device_id must not be empty",
        ));
    }
    let verified = app
        .identity
        .verify(&app.config, &request.openid_token)
        .await?;
    if verified.user_id != request.member.claimed_user_id {
        return Err(Failure::new(
            StatusCode::UNAUTHORIZED,
            "M_UNAUTHORIZED",
            "the OpenID token belongs to someone else than the member",
        ));
    }
    let room = livekit::room_alias(&request.room_id, &request.slot_id);
    let identity = livekit::identity(
        &verified.user_id,
        &request.member.claimed_device_id,
        &request.member.id,
    );
    token(&app, &verified, &request.room_id, room, identity).await
}

/// A LiveKit token for a room's call (lk-jwt-service's legacy API).
#[utoipa::path(post, path = "/sfu/get", tag = "meetings",
    request_body = LegacyTokenRequest,
    responses(
        (status = 200, body = SfuToken, description = "done"),
        (status = 400, body = ErrorBody, description = "the body is not what this endpoint takes"), (status = 401, body = ErrorBody, description = "who you are was not proven"),
        (status = 403, body = ErrorBody, description = "not allowed"), (status = 404, body = ErrorBody, description = "not set up"),
        (status = 429, body = ErrorBody, description = "too many requests; try again later"), (status = 502, body = ErrorBody, description = "a server the middleware asks did not answer"),
    ))]
pub(crate) async fn sfu_get(
    State(app): State<Arc<App>>,
    Body(request): Body<LegacyTokenRequest>,
) -> Result<Json<SfuToken>, Failure> {
    if request.room.is_empty() || request.device_id.is_empty() {
        return Err(Failure::new(
            StatusCode::BAD_REQUEST,
            "M_BAD_JSON",
            "room and device_id must not be empty",
        ));
    }
    let verified = app
        .identity
        .verify(&app.config, &request.openid_token)
        .await?;
    let room = livekit::legacy_room(&request.room);
    let identity = livekit::legacy_identity(&verified.user_id, &request.device_id);
    token(&app, &verified, &request.room, room, identity).await
}

/// The LiveKit token for `verified` in the LiveKit room `room` (for Matrix room `matrix_room`).
async fn token(
    app: &App,
    verified: &Verified,
    matrix_room: &str,
    room: String,
    identity: String,
) -> Result<Json<SfuToken>, Failure> {
    app.limit(&verified.user_id)?;
    let Some(tenant) = app.config.tenant(&verified.tenant) else {
        return Err(Failure::new(
            StatusCode::FORBIDDEN,
            "M_FORBIDDEN",
            "no such tenant",
        ));
    };
    let Some(livekit) = &tenant.livekit else {
        return Err(Failure::new(
            StatusCode::NOT_FOUND,
            "M_NOT_FOUND",
            "meetings are not set up for this organisation",
        ));
    };
    let member = app
        .identity
        .is_member(&app.config, &tenant.id, matrix_room, &verified.user_id)
        .await?;
    if member == Some(false) {
        return Err(Failure::new(
            StatusCode::FORBIDDEN,
            "M_FORBIDDEN",
            "only members of the room may join its meeting",
        ));
    }
    if verified.local {
        app.livekit.ensure_room(livekit, &room).await?;
    }
    let jwt = livekit::join_token(livekit, &room, &identity, &verified.user_id)?;
    app.metrics.meeting_token();
    Ok(Json(SfuToken {
        url: livekit.url.to_string(),
        jwt,
    }))
}
