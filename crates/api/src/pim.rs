//! Calendars and contacts: the merged view of every backend a tenant connects.
//!
//! Each backend is a *source* (a CalDAV/CardDAV server, an Exchange server, Microsoft 365).
//! Everything a source gives carries the source's id, so the client can colour it, toggle it
//! and send changes back to the right place. A source that fails is listed in `unavailable`;
//! the others are still answered.
//!
//! Times are UTC. An all-day event's `start` and `end` are dates, written as midnight UTC of
//! the first day and of the day after the last.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What kind of server a source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// CalDAV and CardDAV (Nextcloud, Open-Xchange, Radicale, …).
    Dav,
    /// Exchange Web Services.
    Exchange,
    /// Microsoft 365 through Microsoft Graph.
    Graph,
}

/// `GET /v1/sources`: one backend of the tenant, as it stands for this user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Source {
    pub id: String,
    /// As the operator named it ("Nextcloud", "Exchange").
    pub name: String,
    pub kind: SourceKind,
    pub calendars: bool,
    pub contacts: bool,
    /// Whether the middleware holds this user's credentials for it.
    pub connected: bool,
}

/// `GET /v1/sources`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SourceList {
    pub sources: Vec<Source>,
}

/// `PUT /v1/sources/{id}/credentials`: the user's sign-in at one backend. Checked with the
/// backend before it is kept (encrypted) by the middleware.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Credentials {
    pub username: String,
    /// A password, an app password or (for Microsoft 365) an access token.
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &"[redacted]")
            .finish()
    }
}

/// A source that could not answer, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Unavailable {
    pub source: String,
    /// What went wrong, as the same codes error answers carry (`M_BAD_CREDENTIALS`,
    /// `M_UNAVAILABLE`, …), for clients to say in their user's language.
    #[serde(default)]
    pub errcode: String,
    /// The same in English, with the backend's own words where it gave some.
    pub reason: String,
}

/// One calendar of one source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Calendar {
    pub source: String,
    /// The calendar's id within its source (a collection URL, a folder id).
    pub id: String,
    pub name: String,
    /// `#rrggbb`, when the backend has one.
    pub color: Option<String>,
    /// Whether the user may add and change events in it.
    pub writable: bool,
}

/// `GET /v1/calendars`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarList {
    pub calendars: Vec<Calendar>,
    pub unavailable: Vec<Unavailable>,
}

/// How an attendee answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Participation {
    #[default]
    NeedsAction,
    Accepted,
    Declined,
    Tentative,
}

/// Someone invited to an event (or its organiser).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attendee {
    pub email: String,
    pub name: Option<String>,
    #[serde(default)]
    pub status: Participation,
}

/// What an event says: everything a user can see and change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventDetails {
    pub title: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    #[serde(default)]
    pub all_day: bool,
    /// The IANA time zone the event was written in, when it has one.
    #[serde(default)]
    pub time_zone: Option<String>,
    #[serde(default)]
    pub location: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub organizer: Option<Attendee>,
    #[serde(default)]
    pub attendees: Vec<Attendee>,
    /// The link of the event's online meeting.
    #[serde(default)]
    pub meeting: Option<String>,
    /// Minutes before the start at which to remind.
    #[serde(default)]
    pub reminders: Vec<i64>,
    /// How the series repeats, when it follows a simple rule (every N days, weeks on the
    /// start's weekday, months on its day, or years); `None` for a single event or a rule too
    /// rich to show here. In a change of a series (or a single event), a rule replaces its
    /// rule; `None` ends a simple rule on CalDAV sources (one event remains) and otherwise
    /// leaves the rule as it is.
    #[serde(default)]
    pub repeat: Option<Repeat>,
}

/// How often a series comes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    Daily,
    Weekly,
    Monthly,
    Yearly,
}

/// Every `interval` days, weeks, months or years from the event's start, without end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Repeat {
    pub every: Frequency,
    #[serde(default = "one")]
    pub interval: u32,
}

fn one() -> u32 {
    1
}

/// Which event (or which instance of a recurring one) a change is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventRef {
    pub source: String,
    pub calendar: String,
    /// The event's id within its source (an object URL, an item id).
    pub id: String,
    /// The version this client saw (an ETag, a change key). A change to another version is
    /// refused with 409 instead of overwriting someone else's edit.
    pub version: Option<String>,
    /// For one instance of a recurring event: that instance's original start. `None`: the
    /// whole series.
    #[serde(default)]
    pub instance: Option<DateTime<Utc>>,
}

/// One event, or one occurrence of a recurring event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Event {
    #[serde(flatten)]
    pub at: EventRef,
    /// The iCalendar UID, the same in every backend that has a copy.
    pub uid: String,
    /// Whether this is one occurrence of a series.
    pub recurring: bool,
    /// The user's own answer when they are invited to it (an attendee, not the organiser).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invited: Option<Participation>,
    #[serde(flatten)]
    pub details: EventDetails,
}

/// `GET /v1/events?start=…&end=…`: every occurrence that overlaps the range, sorted by start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventList {
    pub events: Vec<Event>,
    pub unavailable: Vec<Unavailable>,
}

/// `POST /v1/events`: a new event in one calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewEvent {
    pub source: String,
    pub calendar: String,
    pub details: EventDetails,
    /// Attach a new Sparks meeting link (replacing `details.meeting`).
    #[serde(default)]
    pub sparks_meeting: bool,
}

/// `PUT /v1/events`: new details for an event (or one instance).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventChange {
    pub at: EventRef,
    pub details: EventDetails,
    #[serde(default)]
    pub sparks_meeting: bool,
    /// With `at.instance`: change the whole series the way this instance was changed (it
    /// moves by as much, in local time; title, people and the rest become these).
    #[serde(default)]
    pub whole_series: bool,
}

/// `POST /v1/events/reply`: the user's answer to an invitation (for one instance, or the whole
/// series). The organiser is told where the backend schedules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventReply {
    pub at: EventRef,
    pub status: Participation,
}

/// `POST /v1/freebusy`: when the user (and, where a backend can tell, others) are busy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FreeBusyRequest {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// Others' addresses to ask about.
    #[serde(default)]
    pub attendees: Vec<String>,
}

/// How busy a stretch of time is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BusyKind {
    Busy,
    Tentative,
    OutOfOffice,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Busy {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub kind: BusyKind,
}

/// One person's busy times. `email` is empty for the user themself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Schedule {
    pub email: String,
    pub busy: Vec<Busy>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FreeBusy {
    /// The user's own first, then each attendee some backend knows.
    pub schedules: Vec<Schedule>,
    pub unavailable: Vec<Unavailable>,
}

/// One contact of one address book.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contact {
    pub source: String,
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub emails: Vec<String>,
    #[serde(default)]
    pub phones: Vec<String>,
    #[serde(default)]
    pub organization: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    /// Their Matrix user id, when the card has one (`IMPP:matrix:u/…` or `xmpp`-style
    /// `matrix:`), so a chat or call can be started.
    #[serde(default)]
    pub matrix: Option<String>,
}

/// `GET /v1/contacts?q=…`: contacts whose name or address contains the text, from every
/// address book.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactList {
    pub contacts: Vec<Contact>,
    pub unavailable: Vec<Unavailable>,
}
