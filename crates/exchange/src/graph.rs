//! Microsoft 365 through Microsoft Graph v1.0: the user's calendars, their events in a range,
//! creating, changing and deleting events, free/busy (`getSchedule`) and contacts.
//!
//! Graph writes times as `dateTimeTimeZone`: a local time and a zone name, Windows
//! ("Pacific Standard Time") or IANA. Every request asks for UTC (`Prefer: outlook.timezone`),
//! but answers are read whatever zone they carry. Changes carry the change key the client saw
//! (`If-Match`), so a stale edit is refused with [`GraphError::Conflict`].
//!
//! The access token goes only to the host of `base`: a `@odata.nextLink` elsewhere is refused.

mod convert;
mod text;
mod types;

use std::time::Duration;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeDelta, TimeZone, Utc};
use reqwest::header::{ACCEPT, IF_MATCH, RETRY_AFTER};
use serde::de::DeserializeOwned;
use sparks_api::pim::{Calendar, Contact, Event, EventDetails, EventRef, Participation, Schedule};
use url::Url;

pub use crate::zones::WINDOWS_ZONES;
pub use text::{html_to_text, matrix_id};
pub use types::*;

/// Microsoft Graph v1.0, worldwide.
pub const DEFAULT_BASE: &str = "https://graph.microsoft.com/v1.0";
/// The most of one answer that is read.
pub const MAX_ANSWER: usize = 4 * 1024 * 1024;
/// The most pages one listing follows.
const MAX_PAGES: usize = 100;
/// Slot length asked of `getSchedule`, in minutes (Graph: 5 to 1440).
const SCHEDULE_INTERVAL: i64 = 15;
/// Events asked for per calendarView page (Graph: at most 1000).
const PAGE_SIZE: u32 = 100;
const PREFER_UTC: &str = "outlook.timezone=\"UTC\"";
const CONTACT_FIELDS: &str = "id,displayName,emailAddresses,businessPhones,homePhones,\
                              mobilePhone,companyName,jobTitle,imAddresses";

#[derive(Debug, thiserror::Error)]
pub enum GraphError {
    #[error("Microsoft 365 did not accept the sign-in")]
    Unauthorized,
    #[error("Microsoft 365 has no such item")]
    NotFound,
    #[error("the event was changed since it was read")]
    Conflict,
    #[error("Microsoft 365 asks to wait{}", retry_after.map(|d| format!(" {} s", d.as_secs())).unwrap_or_default())]
    Throttled { retry_after: Option<Duration> },
    #[error("Microsoft Graph answered {status}: {code}: {message}")]
    Api {
        status: u16,
        code: String,
        message: String,
    },
    #[error("Microsoft Graph's answer is unreadable: {0}")]
    Json(#[from] serde_json::Error),
    #[error("Microsoft Graph's answer is larger than 4 MiB")]
    TooLarge,
    #[error("Microsoft Graph gave more than {MAX_PAGES} pages")]
    TooManyPages,
    #[error("not following a link to another host: {0}")]
    ForeignLink(String),
    #[error("unreadable time {0:?}")]
    Time(String),
    #[error("unknown time zone {0:?}")]
    UnknownTimeZone(String),
    #[error("the event has no {0}")]
    Incomplete(&'static str),
    #[error("bad URL: {0}")]
    Url(#[from] url::ParseError),
    #[error("Microsoft 365 could not be reached: {0}")]
    Http(#[from] reqwest::Error),
}

impl GraphError {
    /// The error for a non-success answer: its status, `Retry-After` and body.
    pub fn from_response(status: u16, retry_after: Option<&str>, body: &[u8]) -> Self {
        let detail = serde_json::from_slice::<ErrorBody>(body)
            .map(|b| b.error)
            .unwrap_or_default();
        match status {
            401 => Self::Unauthorized,
            404 => Self::NotFound,
            412 => Self::Conflict,
            409 if detail
                .code
                .eq_ignore_ascii_case("ErrorIrresolvableConflict") =>
            {
                Self::Conflict
            }
            429 | 503 => Self::Throttled {
                retry_after: retry_after.and_then(parse_retry_after),
            },
            _ => Self::Api {
                status,
                code: detail.code,
                message: detail.message,
            },
        }
    }
}

/// `Retry-After`: seconds, or an HTTP date.
fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = DateTime::parse_from_rfc2822(value)
        .ok()?
        .with_timezone(&Utc);
    Some((at - Utc::now()).to_std().unwrap_or(Duration::ZERO))
}

// ---- Times -------------------------------------------------------------------------------

/// The zone for a Windows or IANA time-zone name (Windows names through CLDR's table).
pub fn time_zone(name: &str) -> Option<chrono_tz::Tz> {
    let name = name.trim();
    if ["", "UTC", "Etc/UTC", "Z", "tzone://Microsoft/Utc"]
        .iter()
        .any(|u| u.eq_ignore_ascii_case(name))
    {
        return Some(chrono_tz::UTC);
    }
    let windows = crate::zones::WINDOWS_ZONES
        .iter()
        .find(|(windows, _)| windows.eq_ignore_ascii_case(name));
    windows.map_or(name, |(_, iana)| iana).parse().ok()
}

impl DateTimeTimeZone {
    /// A UTC instant, as Graph is sent it.
    pub fn utc(at: DateTime<Utc>) -> Self {
        let date_time = at.naive_utc().format("%Y-%m-%dT%H:%M:%S%.f").to_string();
        Self {
            date_time,
            time_zone: Some("UTC".to_owned()),
        }
    }

    /// Midnight UTC of a day: an all-day event's start or end.
    pub fn date(day: NaiveDate) -> Self {
        Self {
            date_time: format!("{}T00:00:00", day.format("%Y-%m-%d")),
            time_zone: Some("UTC".to_owned()),
        }
    }

    /// The local time as written (`2017-04-15T12:00:00.0000000`), without its zone.
    pub fn naive(&self) -> Result<NaiveDateTime, GraphError> {
        let text = self.date_time.trim();
        ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"]
            .iter()
            .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
            .ok_or_else(|| GraphError::Time(self.date_time.clone()))
    }

    /// The instant: the local time in its zone (a time in a DST gap moves forward, an
    /// ambiguous one is the earlier).
    pub fn to_utc(&self) -> Result<DateTime<Utc>, GraphError> {
        if let Ok(at) = DateTime::parse_from_rfc3339(self.date_time.trim()) {
            return Ok(at.with_timezone(&Utc));
        }
        let local = self.naive()?;
        let name = self.time_zone.as_deref().unwrap_or("UTC");
        let zone = time_zone(name).ok_or_else(|| GraphError::UnknownTimeZone(name.to_owned()))?;
        zone.from_local_datetime(&local)
            .earliest()
            .or_else(|| {
                zone.from_local_datetime(&(local + TimeDelta::hours(1)))
                    .earliest()
            })
            .map(|at| at.with_timezone(&Utc))
            .ok_or_else(|| GraphError::Time(self.date_time.clone()))
    }
}

fn midnight(day: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_time(chrono::NaiveTime::MIN))
}

fn parse_instant(text: &str) -> Result<DateTime<Utc>, GraphError> {
    DateTimeTimeZone {
        date_time: text.to_owned(),
        time_zone: None,
    }
    .to_utc()
}

// ---- The client -----------------------------------------------------------------------

/// One user's Microsoft 365, through Graph, with their access token.
#[derive(Clone)]
pub struct Graph {
    http: reqwest::Client,
    base: Url,
    token: String,
    source: String,
}

impl std::fmt::Debug for Graph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (f.debug_struct("Graph").field("base", &self.base.as_str()))
            .field("token", &"[redacted]")
            .field("source", &self.source)
            .finish()
    }
}

impl Graph {
    /// `base` is Graph's root, such as [`DEFAULT_BASE`]; `source` the Sparks source id.
    pub fn new(
        http: reqwest::Client,
        base: Url,
        token: impl Into<String>,
        source: impl Into<String>,
    ) -> Self {
        Self {
            http,
            base,
            token: token.into(),
            source: source.into(),
        }
    }

    /// At [`DEFAULT_BASE`].
    pub fn microsoft(
        http: reqwest::Client,
        token: impl Into<String>,
        source: impl Into<String>,
    ) -> Result<Self, GraphError> {
        Ok(Self::new(http, Url::parse(DEFAULT_BASE)?, token, source))
    }

    /// `GET /me/calendars`.
    pub async fn calendars(&self) -> Result<Vec<Calendar>, GraphError> {
        let url = self.endpoint(&["me", "calendars"]);
        let calendars: Vec<GraphCalendar> = self.pages(url, MAX_PAGES).await?;
        Ok(calendars
            .into_iter()
            .map(|c| c.into_calendar(&self.source))
            .collect())
    }

    /// `GET /me/calendars/{id}/calendarView`: every instance overlapping the range, by start.
    /// An event Graph gives incompletely (no id or times, an unknown zone) is left out.
    pub async fn events(
        &self,
        calendar_id: &str,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<Vec<Event>, GraphError> {
        let mut url = self.endpoint(&["me", "calendars", calendar_id, "calendarView"]);
        url.set_query(Some(&format!(
            "startDateTime={}&endDateTime={}&$top={PAGE_SIZE}",
            text::encode(&start.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
            text::encode(&end.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
        )));
        let found: Vec<GraphEvent> = self.pages(url, MAX_PAGES).await?;
        let mut events: Vec<Event> = found
            .into_iter()
            .filter_map(|event| {
                let id = event.id.clone();
                event
                    .into_event(&self.source, calendar_id)
                    .inspect_err(|error| {
                        tracing::warn!(?id, %error, "left out an event from Microsoft 365");
                    })
                    .ok()
            })
            .collect();
        events.sort_by(|a, b| {
            (a.details.start, a.details.end).cmp(&(b.details.start, b.details.end))
        });
        Ok(events)
    }

    /// `POST /me/calendars/{id}/events`.
    pub async fn create(
        &self,
        calendar_id: &str,
        details: &EventDetails,
    ) -> Result<Event, GraphError> {
        let url = self.endpoint(&["me", "calendars", calendar_id, "events"]);
        let request = self.http.post(url).json(&EventWrite::from_details(details));
        let event: GraphEvent = parse(&self.send(request).await?)?;
        event.into_event(&self.source, calendar_id)
    }

    /// `PATCH /me/events/{id}`, if it is still at `at.version`.
    pub async fn update(&self, at: &EventRef, details: &EventDetails) -> Result<Event, GraphError> {
        let url = self.endpoint(&["me", "events", &at.id]);
        let request = if_match(self.http.patch(url), at).json(&EventWrite::from_details(details));
        let event: GraphEvent = parse(&self.send(request).await?)?;
        event.into_event(&self.source, &at.calendar)
    }

    /// The series the occurrence `at` belongs to (its master, and when the series starts), or
    /// `None` for a single event.
    pub async fn series(
        &self,
        at: &EventRef,
    ) -> Result<Option<(EventRef, DateTime<Utc>)>, GraphError> {
        let url = self.endpoint(&["me", "events", &at.id]);
        let occurrence: GraphEvent = parse(&self.send(self.http.get(url)).await?)?;
        let Some(master) = occurrence.series_master_id.filter(|m| !m.is_empty()) else {
            return Ok(None);
        };
        let url = self.endpoint(&["me", "events", &master]);
        let series: GraphEvent = parse(&self.send(self.http.get(url)).await?)?;
        let series = series.into_event(&self.source, &at.calendar)?;
        Ok(Some((series.at, series.details.start)))
    }

    /// `POST /me/events/{id}/accept` (or `tentativelyAccept`, `decline`): the user's answer,
    /// sent to the organiser. "Not answered yet" cannot be said again.
    pub async fn reply(&self, at: &EventRef, status: Participation) -> Result<(), GraphError> {
        let action = match status {
            Participation::Accepted => "accept",
            Participation::Tentative => "tentativelyAccept",
            Participation::Declined => "decline",
            Participation::NeedsAction => {
                return Err(GraphError::Api {
                    status: 400,
                    code: "ErrorInvalidRequest".into(),
                    message: "an invitation cannot be un-answered".into(),
                });
            }
        };
        let url = self.endpoint(&["me", "events", &at.id, action]);
        let body = serde_json::json!({ "sendResponse": true });
        self.send(self.http.post(url).json(&body)).await.map(drop)
    }

    /// `DELETE /me/events/{id}`, if it is still at `at.version`.
    pub async fn delete(&self, at: &EventRef) -> Result<(), GraphError> {
        let url = self.endpoint(&["me", "events", &at.id]);
        self.send(if_match(self.http.delete(url), at))
            .await
            .map(drop)
    }

    /// `POST /me/calendar/getSchedule`: the busy times of those Graph knows.
    pub async fn schedule(
        &self,
        emails: &[String],
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<Vec<Schedule>, GraphError> {
        let url = self.endpoint(&["me", "calendar", "getSchedule"]);
        let body = ScheduleRequest::new(emails, start, end, SCHEDULE_INTERVAL);
        let page: Page<ScheduleInformation> =
            parse(&self.send(self.http.post(url).json(&body)).await?)?;
        let mut schedules = Vec::new();
        for info in page.value {
            schedules.extend(info.into_schedule(start, SCHEDULE_INTERVAL)?);
        }
        Ok(schedules)
    }

    /// `GET /me/contacts`: with an address, those who have it; otherwise those whose name
    /// starts with `query` (Graph filters contacts in no other way).
    pub async fn contacts(&self, query: &str) -> Result<Vec<Contact>, GraphError> {
        let mut url = self.endpoint(&["me", "contacts"]);
        let mut params = format!("$select={CONTACT_FIELDS}&$top=50");
        let query = query.trim();
        if !query.is_empty() {
            let quoted = query.replace('\'', "''");
            let filter = if query.contains('@') {
                format!("emailAddresses/any(a:a/address eq '{quoted}')")
            } else {
                format!("startswith(displayName,'{quoted}')")
            };
            params.push_str(&format!("&$filter={}", text::encode(&filter)));
        }
        url.set_query(Some(&params));
        let found: Vec<GraphContact> = self.pages(url, 5).await?;
        Ok(found
            .into_iter()
            .filter_map(|c| c.into_contact(&self.source))
            .collect())
    }

    fn endpoint(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    /// Every page from `url` on, following `@odata.nextLink` on `base`'s origin only.
    async fn pages<T: DeserializeOwned>(
        &self,
        mut url: Url,
        most: usize,
    ) -> Result<Vec<T>, GraphError> {
        let mut all = Vec::new();
        for _ in 0..most {
            let page: Page<T> = parse(&self.send(self.http.get(url)).await?)?;
            all.extend(page.value);
            let Some(next) = page.next_link else {
                return Ok(all);
            };
            url = self.base.join(&next)?;
            if url.origin() != self.base.origin() {
                tracing::warn!(link = %next, "Microsoft Graph sent a next page on another host");
                return Err(GraphError::ForeignLink(
                    url.host_str().unwrap_or_default().to_owned(),
                ));
            }
        }
        Err(GraphError::TooManyPages)
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Result<Vec<u8>, GraphError> {
        let request = request
            .bearer_auth(&self.token)
            .header(ACCEPT, "application/json")
            .header("Prefer", PREFER_UTC);
        let mut response = request.send().await?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        if response
            .content_length()
            .is_some_and(|n| n > MAX_ANSWER as u64)
        {
            return Err(GraphError::TooLarge);
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await? {
            if body.len() + chunk.len() > MAX_ANSWER {
                return Err(GraphError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        if status.is_success() {
            Ok(body)
        } else {
            tracing::debug!(%status, "Microsoft Graph refused");
            Err(GraphError::from_response(
                status.as_u16(),
                retry_after.as_deref(),
                &body,
            ))
        }
    }
}

fn if_match(request: reqwest::RequestBuilder, at: &EventRef) -> reqwest::RequestBuilder {
    match at.version.as_deref().filter(|v| !v.is_empty()) {
        Some(v) if v.starts_with("W/") || v.starts_with('"') => request.header(IF_MATCH, v),
        Some(change_key) => request.header(IF_MATCH, format!("W/\"{change_key}\"")),
        None => request,
    }
}

fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, GraphError> {
    Ok(serde_json::from_slice(body)?)
}
