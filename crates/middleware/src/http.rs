//! The HTTP API: routes, the JSON error body every failure gets, and the limits around them.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use sparks_api::{
    Discovery, ErrorBody, LegacyTokenRequest, RefreshRequest, Services, Session, SessionRequest,
    SfuToken, TokenRequest,
};

use crate::config::{Config, Tenant};
use crate::identity::{AuthError, Identity, Verified};
use crate::livekit;
use crate::store::{Store, StoreError, Who};

/// Requests larger than this are refused before they are read.
pub const BODY_LIMIT: usize = 16 * 1024;
/// Sign-ins and meeting tokens one user may ask for in a minute.
pub const REQUESTS_PER_MINUTE: usize = 30;
/// A request that takes longer than this is answered with 503.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// What every handler shares.
pub struct App {
    pub config: Config,
    pub store: Store,
    pub identity: Identity,
    pub livekit: livekit::Rooms,
    pub limiter: crate::limit::Limiter,
}

impl App {
    /// Counts one request by `user`; too many in a minute get 429 with when to try again.
    fn limit(&self, user: &str) -> Result<(), Failure> {
        self.limiter
            .check(user, std::time::Instant::now())
            .map_err(|wait| Failure {
                status: StatusCode::TOO_MANY_REQUESTS,
                errcode: "M_LIMIT_EXCEEDED",
                error: format!("too many requests; try again in {} s", wait.as_secs() + 1),
            })
    }
}

/// A failure as the client sees it: a status and a JSON body.
#[derive(Debug)]
pub struct Failure {
    status: StatusCode,
    errcode: &'static str,
    error: String,
}

impl Failure {
    fn new(status: StatusCode, errcode: &'static str, error: impl Into<String>) -> Failure {
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
            AuthError::UnknownServer(_) => {
                Failure::new(StatusCode::FORBIDDEN, "M_FORBIDDEN", error.to_string())
            }
            AuthError::Rejected | AuthError::WrongServer(_) => Failure::new(
                StatusCode::UNAUTHORIZED,
                "M_UNAUTHORIZED",
                error.to_string(),
            ),
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
                    format!("the body is larger than {BODY_LIMIT} bytes"),
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
    Router::new()
        .route("/.well-known/sparks/client", get(discovery))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/v1/session", post(sign_in))
        .route("/v1/session/refresh", post(refresh))
        .route("/v1/services", get(services_of))
        // Element Call asks from the browser: these two answer any origin, as lk-jwt-service.
        .route("/get_token", post(get_token).options(preflight))
        .route("/sfu/get", post(sfu_get).options(preflight))
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
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            REQUEST_TIMEOUT,
        ))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(app)
}

async fn discovery(State(app): State<Arc<App>>) -> Json<Discovery> {
    let mut login = app.config.public_url.clone();
    login.set_path("/v1/session");
    Json(Discovery {
        api: "v1".into(),
        login: login.to_string(),
    })
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

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(app): State<Arc<App>>) -> Result<&'static str, Failure> {
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
        calendar: t.calendar,
        contacts: t.contacts,
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

async fn sign_in(
    State(app): State<Arc<App>>,
    Body(request): Body<SessionRequest>,
) -> Result<Json<Session>, Failure> {
    let verified = app
        .identity
        .verify(&app.config, &request.openid_token)
        .await?;
    app.limit(&verified.user_id)?;
    let who = Who {
        user_id: verified.user_id,
        tenant: verified.tenant,
    };
    let (access, refresh) = lifetimes(&app.config);
    let tokens = app.store.create(&who, now(), access, refresh).await?;
    tracing::info!(user = %who.user_id, tenant = %who.tenant, "signed in");
    Ok(session(&app, &who, tokens))
}

async fn refresh(
    State(app): State<Arc<App>>,
    Body(request): Body<RefreshRequest>,
) -> Result<Json<Session>, Failure> {
    let (access, refresh) = lifetimes(&app.config);
    match app
        .store
        .refresh(&request.refresh_token, now(), access, refresh)
        .await?
    {
        Some((who, tokens)) => Ok(session(&app, &who, tokens)),
        None => Err(Failure::new(
            StatusCode::UNAUTHORIZED,
            "M_UNKNOWN_TOKEN",
            "the refresh token is unknown, used or expired: sign in again",
        )),
    }
}

/// The session a request's bearer token names.
async fn bearer(app: &App, headers: &HeaderMap) -> Result<Who, Failure> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| {
            Failure::new(
                StatusCode::UNAUTHORIZED,
                "M_MISSING_TOKEN",
                "no Authorization: Bearer token",
            )
        })?;
    app.store.who(token, now()).await?.ok_or_else(|| {
        Failure::new(
            StatusCode::UNAUTHORIZED,
            "M_UNKNOWN_TOKEN",
            "the session token is unknown or expired",
        )
    })
}

async fn services_of(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
) -> Result<Json<Services>, Failure> {
    let who = bearer(&app, &headers).await?;
    Ok(Json(services(app.config.tenant(&who.tenant))))
}

async fn get_token(
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

async fn sfu_get(
    State(app): State<Arc<App>>,
    Body(request): Body<LegacyTokenRequest>,
) -> Result<Json<SfuToken>, Failure> {
    if request.room.is_empty() {
        return Err(Failure::new(
            StatusCode::BAD_REQUEST,
            "M_BAD_JSON",
            "room must not be empty",
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
    Ok(Json(SfuToken {
        url: livekit.url.to_string(),
        jwt,
    }))
}
