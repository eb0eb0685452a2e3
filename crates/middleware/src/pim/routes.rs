//! The calendar and contacts API: `/v1/sources`, `/v1/calendars`, `/v1/events`,
//! `/v1/freebusy` and `/v1/contacts`.

use std::sync::Arc;

use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, request::Parts};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use chrono::{DateTime, TimeDelta, Utc};
use sparks_api::ErrorBody;
use sparks_api::pim::{
    Busy, CalendarList, Contact, ContactList, Credentials, Event, EventChange, EventList, EventRef,
    EventReply, FreeBusy, FreeBusyRequest, NewEvent, Participation, Source as SourceInfo,
    SourceList,
};

use super::{Ask, Part, SourceError};
use crate::config::Source;
use crate::http::{App, Body, EVENT_BODY_LIMIT, Failure, bearer};
use crate::store::Who;
use crate::vault::Row;

/// The longest range one events or free/busy request may ask for.
const MAX_RANGE_DAYS: i64 = 400;

pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/v1/sources", get(sources))
        .route(
            "/v1/sources/{id}/credentials",
            put(connect).delete(disconnect),
        )
        .route("/v1/calendars", get(calendars))
        .route(
            "/v1/events",
            get(events)
                .post(create)
                .put(update)
                .delete(delete)
                .layer(axum::extract::DefaultBodyLimit::max(EVENT_BODY_LIMIT)),
        )
        .route("/v1/events/reply", post(reply))
        .route("/v1/freebusy", post(free_busy))
        .route("/v1/contacts", get(contacts))
}

impl From<SourceError> for Failure {
    fn from(error: SourceError) -> Failure {
        let status = match &error {
            SourceError::NotConnected(_)
            | SourceError::Unauthorized(_)
            | SourceError::ReadOnly
            | SourceError::NotInvited => StatusCode::FORBIDDEN,
            SourceError::Conflict => StatusCode::CONFLICT,
            SourceError::Unsupported(_) => StatusCode::BAD_REQUEST,
            SourceError::NotFound => StatusCode::NOT_FOUND,
            SourceError::Unreachable { .. } | SourceError::Protocol { .. } => {
                StatusCode::BAD_GATEWAY
            }
        };
        let code = error.errcode();
        Failure::new(status, code, error.to_string())
    }
}

/// `Query`, but a query string that does not fit gets our error body.
pub struct Params<T>(pub T);

impl<S, T> FromRequestParts<S> for Params<T>
where
    Query<T>: FromRequestParts<S>,
    S: Send + Sync,
{
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Failure> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(Params(value)),
            Err(_) => Err(Failure::new(
                StatusCode::BAD_REQUEST,
                "M_INVALID_PARAM",
                "the query parameters are missing or malformed",
            )),
        }
    }
}

/// The signed-in user and their tenant's sources.
async fn user(app: &App, headers: &HeaderMap) -> Result<(Who, Vec<Source>), Failure> {
    let who = bearer(app, headers).await?;
    let sources = app
        .config
        .tenant(&who.tenant)
        .map(|t| t.sources.clone())
        .unwrap_or_default();
    Ok((who, sources))
}

/// The user's credentials for `source`, unsealed.
async fn credentials(app: &App, who: &Who, source: &Source) -> Option<Credentials> {
    let vault = app.vault.as_ref()?;
    let sealed = match app.store.credentials(who, &source.id).await {
        Ok(sealed) => sealed?,
        Err(error) => {
            tracing::error!(%error, "store failed");
            return None;
        }
    };
    let row = Row {
        tenant: &who.tenant,
        user_id: &who.user_id,
        source: &source.id,
    };
    let opened = vault.open(&row, &sealed);
    if opened.is_none() {
        tracing::warn!(user = %who.user_id, source = %source.id, "stored credentials do not open (another key?)");
    }
    opened
}

fn find<'a>(sources: &'a [Source], id: &str) -> Result<&'a Source, Failure> {
    sources
        .iter()
        .find(|s| s.id == id)
        .ok_or_else(|| Failure::new(StatusCode::NOT_FOUND, "M_NOT_FOUND", "no such source"))
}

fn range(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<(), Failure> {
    if end <= start || end - start > TimeDelta::days(MAX_RANGE_DAYS) {
        return Err(Failure::new(
            StatusCode::BAD_REQUEST,
            "M_INVALID_PARAM",
            format!("the range must end after it starts and span at most {MAX_RANGE_DAYS} days"),
        ));
    }
    Ok(())
}

/// The tenant's calendar and contact backends, and whether the user is signed in to each.
#[utoipa::path(get, path = "/v1/sources", tag = "calendar",
    security(("bearer" = [])),
    responses((status = 200, body = SourceList, description = "done"),
        (status = 401, body = ErrorBody, description = "who you are was not proven")))]
pub(crate) async fn sources(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
) -> Result<Json<SourceList>, Failure> {
    let (who, sources) = user(&app, &headers).await?;
    let connected = app.store.connected(&who).await?;
    Ok(Json(SourceList {
        sources: sources
            .iter()
            .map(|s| SourceInfo {
                id: s.id.clone(),
                name: s.name.clone(),
                kind: s.kind,
                calendars: s.calendars,
                contacts: s.contacts,
                connected: connected.contains(&s.id),
            })
            .collect(),
    }))
}

/// Signs in to a source. The backend checks the credentials first; only then are they kept,
/// encrypted.
#[utoipa::path(put, path = "/v1/sources/{id}/credentials", tag = "calendar",
    security(("bearer" = [])), request_body = Credentials,
    params(("id" = String, Path, description = "the source")),
    responses((status = 204, description = "signed in"),
        (status = 401, body = ErrorBody, description = "who you are was not proven"),
        (status = 403, body = ErrorBody, description = "the backend refused the credentials"),
        (status = 404, body = ErrorBody, description = "no such source"),
        (status = 429, body = ErrorBody, description = "too many attempts; try again later"),
        (status = 502, body = ErrorBody, description = "the backend cannot be reached")))]
pub(crate) async fn connect(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Body(given): Body<Credentials>,
) -> Result<StatusCode, Failure> {
    let (who, sources) = user(&app, &headers).await?;
    let source = find(&sources, &id)?;
    app.limit(&who.user_id)?;
    let vault = app.vault.as_ref().ok_or_else(|| {
        Failure::new(
            StatusCode::NOT_FOUND,
            "M_NOT_FOUND",
            "no credentials key is configured",
        )
    })?;
    app.pim.connect(&who, source, &given).await?;
    let row = Row {
        tenant: &who.tenant,
        user_id: &who.user_id,
        source: &source.id,
    };
    app.store
        .put_credentials(&who, &source.id, &vault.seal(&row, &given))
        .await?;
    tracing::info!(user = %who.user_id, source = %source.id, "signed in to a source");
    Ok(StatusCode::NO_CONTENT)
}

/// Signs out of a source: its credentials are deleted.
#[utoipa::path(delete, path = "/v1/sources/{id}/credentials", tag = "calendar",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "the source")),
    responses((status = 204, description = "signed out"),
        (status = 401, body = ErrorBody, description = "who you are was not proven"),
        (status = 404, body = ErrorBody, description = "no such source")))]
pub(crate) async fn disconnect(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<StatusCode, Failure> {
    let (who, sources) = user(&app, &headers).await?;
    let source = find(&sources, &id)?;
    app.pim.disconnect(&who, source);
    app.store.forget_credentials(&who, &source.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every calendar of every source the user is signed in to.
#[utoipa::path(get, path = "/v1/calendars", tag = "calendar",
    security(("bearer" = [])),
    responses((status = 200, body = CalendarList, description = "done"),
        (status = 401, body = ErrorBody, description = "who you are was not proven")))]
pub(crate) async fn calendars(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
) -> Result<Json<CalendarList>, Failure> {
    let (who, sources) = user(&app, &headers).await?;
    let (parts, unavailable) = app
        .pim
        .merged(&who, &sources, &Ask::Calendars, |s| {
            credentials(&app, &who, s)
        })
        .await;
    let calendars = parts
        .into_iter()
        .flat_map(|p| match p {
            Part::Calendars(c) => c,
            _ => Vec::new(),
        })
        .collect();
    Ok(Json(CalendarList {
        calendars,
        unavailable,
    }))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub(crate) struct RangeQuery {
    /// RFC 3339.
    start: DateTime<Utc>,
    /// RFC 3339, after `start`, at most 400 days later.
    end: DateTime<Utc>,
    /// The user's IANA time zone, for floating times and all-day events (UTC if left out).
    tz: Option<String>,
}

/// Every occurrence in a range from every calendar, recurrences expanded, by start.
#[utoipa::path(get, path = "/v1/events", tag = "calendar",
    security(("bearer" = [])), params(RangeQuery),
    responses((status = 200, body = EventList, description = "done"),
        (status = 400, body = ErrorBody, description = "a bad range or time zone"),
        (status = 401, body = ErrorBody, description = "who you are was not proven")))]
pub(crate) async fn events(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Params(query): Params<RangeQuery>,
) -> Result<Json<EventList>, Failure> {
    range(query.start, query.end)?;
    let zone = match query.tz.as_deref() {
        None => chrono_tz::UTC,
        Some(name) => name.parse().map_err(|_| {
            Failure::new(
                StatusCode::BAD_REQUEST,
                "M_INVALID_PARAM",
                "unknown time zone",
            )
        })?,
    };
    let (who, sources) = user(&app, &headers).await?;
    let ask = Ask::Events {
        from: query.start,
        to: query.end,
        zone,
    };
    let (parts, unavailable) = app
        .pim
        .merged(&who, &sources, &ask, |s| credentials(&app, &who, s))
        .await;
    let parts = parts
        .into_iter()
        .map(|p| match p {
            Part::Events(e) => e,
            _ => Vec::new(),
        })
        .collect();
    Ok(Json(EventList {
        events: super::merge_events(parts, query.start, query.end),
        unavailable,
    }))
}

async fn account_for(
    app: &App,
    who: &Who,
    sources: &[Source],
    id: &str,
) -> Result<Arc<tokio::sync::Mutex<super::Account>>, Failure> {
    let source = find(sources, id)?;
    Ok(app
        .pim
        .account(who, source, credentials(app, who, source))
        .await?)
}

fn meeting_link(app: &App) -> String {
    let mut url = app.config.public_url.clone();
    url.set_path(&format!("/meet/{}", super::random_id()));
    url.to_string()
}

/// Creates an event in one calendar (with a new Sparks meeting link if asked).
#[utoipa::path(post, path = "/v1/events", tag = "calendar",
    security(("bearer" = [])), request_body = NewEvent,
    responses((status = 201, body = Event, description = "created"),
        (status = 400, body = ErrorBody, description = "the body is not what this endpoint takes"),
        (status = 401, body = ErrorBody, description = "who you are was not proven"),
        (status = 403, body = ErrorBody, description = "not signed in to the source, or a read-only calendar"),
        (status = 404, body = ErrorBody, description = "no such calendar"),
        (status = 502, body = ErrorBody, description = "the backend cannot be reached")))]
pub(crate) async fn create(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Body(new): Body<NewEvent>,
) -> Result<(StatusCode, Json<Event>), Failure> {
    let mut details = new.details;
    checked(&details)?;
    if new.sparks_meeting {
        details.meeting = Some(meeting_link(&app));
    }
    let (who, sources) = user(&app, &headers).await?;
    let account = account_for(&app, &who, &sources, &new.source).await?;
    let event = account.lock().await.create(&new.calendar, details).await?;
    app.pim.wrote(&new.calendar);
    Ok((StatusCode::CREATED, Json(event)))
}

/// Changes an event or one instance of a series, if nobody else changed it since `version`.
#[utoipa::path(put, path = "/v1/events", tag = "calendar",
    security(("bearer" = [])), request_body = EventChange,
    responses((status = 200, body = Event, description = "changed"),
        (status = 400, body = ErrorBody, description = "the body is not what this endpoint takes"),
        (status = 401, body = ErrorBody, description = "who you are was not proven"),
        (status = 403, body = ErrorBody, description = "not signed in to the source, or a read-only calendar"),
        (status = 404, body = ErrorBody, description = "no such event"),
        (status = 409, body = ErrorBody, description = "someone else changed it in the meantime"),
        (status = 502, body = ErrorBody, description = "the backend cannot be reached")))]
pub(crate) async fn update(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Body(change): Body<EventChange>,
) -> Result<Json<Event>, Failure> {
    let mut details = change.details;
    checked(&details)?;
    if change.sparks_meeting && details.meeting.is_none() {
        details.meeting = Some(meeting_link(&app));
    }
    let (who, sources) = user(&app, &headers).await?;
    let account = account_for(&app, &who, &sources, &change.at.source).await?;
    let event = account
        .lock()
        .await
        .update(&change.at, details, change.whole_series)
        .await?;
    app.pim.wrote(&change.at.calendar);
    Ok(Json(event))
}

/// Answers an invitation (accept, tentative, decline) for one instance or the whole series;
/// the organiser is told where the backend schedules.
#[utoipa::path(post, path = "/v1/events/reply", tag = "calendar",
    security(("bearer" = [])), request_body = EventReply,
    responses((status = 204, description = "answered"),
        (status = 400, body = ErrorBody, description = "the body is not what this endpoint takes"),
        (status = 401, body = ErrorBody, description = "who you are was not proven"),
        (status = 403, body = ErrorBody, description = "not among the invitees, or not signed in to the source"),
        (status = 404, body = ErrorBody, description = "no such event"),
        (status = 409, body = ErrorBody, description = "the event changed in the meantime"),
        (status = 502, body = ErrorBody, description = "the backend cannot be reached")))]
pub(crate) async fn reply(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Body(answer): Body<EventReply>,
) -> Result<StatusCode, Failure> {
    if answer.status == Participation::NeedsAction {
        return Err(Failure::new(
            StatusCode::BAD_REQUEST,
            "M_BAD_JSON",
            "an answer is accepted, tentative or declined",
        ));
    }
    let (who, sources) = user(&app, &headers).await?;
    let account = account_for(&app, &who, &sources, &answer.at.source).await?;
    account
        .lock()
        .await
        .reply(&answer.at, answer.status)
        .await?;
    app.pim.wrote(&answer.at.calendar);
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes an event, or one instance of a series.
#[utoipa::path(delete, path = "/v1/events", tag = "calendar",
    security(("bearer" = [])), request_body = EventRef,
    responses((status = 204, description = "deleted"),
        (status = 401, body = ErrorBody, description = "who you are was not proven"),
        (status = 404, body = ErrorBody, description = "no such event"),
        (status = 409, body = ErrorBody, description = "someone else changed it in the meantime")))]
pub(crate) async fn delete(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Body(at): Body<EventRef>,
) -> Result<StatusCode, Failure> {
    let (who, sources) = user(&app, &headers).await?;
    let account = account_for(&app, &who, &sources, &at.source).await?;
    account.lock().await.delete(&at).await?;
    app.pim.wrote(&at.calendar);
    Ok(StatusCode::NO_CONTENT)
}

/// What an event must be before it is written anywhere.
fn checked(details: &sparks_api::pim::EventDetails) -> Result<(), Failure> {
    let bad = |why: &str| Err(Failure::new(StatusCode::BAD_REQUEST, "M_BAD_JSON", why));
    if details.end < details.start {
        return bad("the event ends before it starts");
    }
    if details.title.len() > 1_000 || details.location.len() > 1_000 {
        return bad("the title or location is too long");
    }
    if details.attendees.len() > 500 || details.reminders.len() > 10 {
        return bad("too many attendees or reminders");
    }
    if details.attendees.iter().any(|a| !a.email.contains('@')) {
        return bad("an attendee's address is not an email address");
    }
    if details.reminders.iter().any(|m| !(0..=40_320).contains(m)) {
        return bad("reminders are 0 to 40,320 minutes before the start");
    }
    if let Some(zone) = &details.time_zone
        && zone.parse::<chrono_tz::Tz>().is_err()
    {
        return bad("unknown time zone");
    }
    Ok(())
}

/// When the user is busy across every source (and attendees, where a backend can tell).
#[utoipa::path(post, path = "/v1/freebusy", tag = "calendar",
    security(("bearer" = [])), request_body = FreeBusyRequest,
    responses((status = 200, body = FreeBusy, description = "done"),
        (status = 400, body = ErrorBody, description = "a bad range"),
        (status = 401, body = ErrorBody, description = "who you are was not proven")))]
pub(crate) async fn free_busy(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Body(request): Body<FreeBusyRequest>,
) -> Result<Json<FreeBusy>, Failure> {
    range(request.start, request.end)?;
    let (who, sources) = user(&app, &headers).await?;
    if request.attendees.len() > 100 {
        return Err(Failure::new(
            StatusCode::BAD_REQUEST,
            "M_BAD_JSON",
            "at most 100 attendees at once",
        ));
    }
    let ask = Ask::Busy {
        from: request.start,
        to: request.end,
        attendees: &request.attendees,
    };
    let (parts, unavailable) = app
        .pim
        .merged(&who, &sources, &ask, |s| credentials(&app, &who, s))
        .await;
    let mut busy: Vec<Busy> = Vec::new();
    let mut schedules = Vec::new();
    for part in parts {
        if let Part::Busy(own, others) = part {
            busy.extend(own);
            schedules.extend(others);
        }
    }
    schedules.insert(0, super::own_schedule(busy));
    Ok(Json(FreeBusy {
        schedules,
        unavailable,
    }))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub(crate) struct SearchQuery {
    /// Text in the name, an address or the organisation; empty lists everyone.
    #[serde(default)]
    q: String,
}

/// Contacts from every address book whose name, address or organisation contains `q`.
#[utoipa::path(get, path = "/v1/contacts", tag = "calendar",
    security(("bearer" = [])), params(SearchQuery),
    responses((status = 200, body = ContactList, description = "done"),
        (status = 401, body = ErrorBody, description = "who you are was not proven")))]
pub(crate) async fn contacts(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Params(query): Params<SearchQuery>,
) -> Result<Json<ContactList>, Failure> {
    let (who, sources) = user(&app, &headers).await?;
    let q: String = query.q.chars().take(200).collect();
    let (parts, unavailable) = app
        .pim
        .merged(&who, &sources, &Ask::Contacts(&q), |s| {
            credentials(&app, &who, s)
        })
        .await;
    let mut contacts: Vec<Contact> = parts
        .into_iter()
        .flat_map(|p| match p {
            Part::Contacts(c) => c,
            _ => Vec::new(),
        })
        .collect();
    contacts.sort_by_key(|c| c.name.to_lowercase());
    contacts.truncate(super::MAX_CONTACTS);
    Ok(Json(ContactList {
        contacts,
        unavailable,
    }))
}
