//! Graph v1.0's resources, as far as Sparks reads and writes them. Unknown properties are
//! ignored; every property a `$select` may leave out is optional.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};

/// Reads `null` as the type's default (Graph writes `null` for empty collections too).
fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de> + Default>(d: D) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// `{"error": {"code", "message"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct ErrorDetail {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub message: String,
}

/// One page of a collection.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(bound = "T: Deserialize<'de>")]
pub struct Page<T> {
    #[serde(default, deserialize_with = "nullable")]
    pub value: Vec<T>,
    #[serde(rename = "@odata.nextLink", default)]
    pub next_link: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GraphCalendar {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub color: Option<String>,
    #[serde(default)]
    pub hex_color: Option<String>,
    #[serde(default)]
    pub can_edit: Option<bool>,
}

/// A local date and time and the zone it is in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DateTimeTimeZone {
    pub date_time: String,
    #[serde(default)]
    pub time_zone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemBody {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EmailAddress {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

/// An organizer.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Recipient {
    #[serde(default)]
    pub email_address: Option<EmailAddress>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ResponseType {
    None,
    Organizer,
    TentativelyAccepted,
    Accepted,
    Declined,
    NotResponded,
    #[serde(other)]
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseStatus {
    #[serde(default)]
    pub response: Option<ResponseType>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GraphAttendee {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_address: Option<EmailAddress>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ResponseStatus>,
    /// `required`, `optional` or `resource`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum EventType {
    SingleInstance,
    Occurrence,
    Exception,
    SeriesMaster,
    #[serde(other)]
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OnlineMeetingInfo {
    #[serde(default)]
    pub join_url: Option<String>,
}

/// An event as Graph gives it; every property may be left out by `$select`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct GraphEvent {
    pub id: Option<String>,
    pub change_key: Option<String>,
    #[serde(rename = "@odata.etag")]
    pub etag: Option<String>,
    #[serde(rename = "iCalUId")]
    pub ical_uid: Option<String>,
    pub subject: Option<String>,
    pub body: Option<ItemBody>,
    pub body_preview: Option<String>,
    pub start: Option<DateTimeTimeZone>,
    pub end: Option<DateTimeTimeZone>,
    pub original_start_time_zone: Option<String>,
    pub is_all_day: Option<bool>,
    pub location: Option<Location>,
    pub organizer: Option<Recipient>,
    #[serde(deserialize_with = "nullable")]
    pub attendees: Vec<GraphAttendee>,
    #[serde(rename = "type")]
    pub kind: Option<EventType>,
    /// An occurrence's or exception's start in its series (a UTC timestamp).
    pub original_start: Option<String>,
    pub series_master_id: Option<String>,
    pub is_online_meeting: Option<bool>,
    pub online_meeting: Option<OnlineMeetingInfo>,
    pub online_meeting_url: Option<String>,
    pub reminder_minutes_before_start: Option<i64>,
    pub is_reminder_on: Option<bool>,
    /// The signed-in user's own answer.
    pub response_status: Option<ResponseStatus>,
    pub is_organizer: Option<bool>,
    /// A series master's rule.
    pub recurrence: Option<PatternedRecurrence>,
}

/// How a series repeats (`patternedRecurrence`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PatternedRecurrence {
    pub pattern: RecurrencePattern,
    pub range: RecurrenceRange,
}

/// `recurrencePattern`: `daily`, `weekly`, `absoluteMonthly`, `absoluteYearly` and the
/// relative kinds, every `interval`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RecurrencePattern {
    #[serde(rename = "type")]
    pub kind: String,
    pub interval: u32,
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "nullable")]
    pub days_of_week: Vec<String>,
    #[serde(skip_serializing_if = "is_zero")]
    pub day_of_month: u32,
    #[serde(skip_serializing_if = "is_zero")]
    pub month: u32,
}

/// `recurrenceRange`: `noEnd`, `endDate` or `numbered`, from `startDate`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RecurrenceRange {
    #[serde(rename = "type")]
    pub kind: String,
    pub start_date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurrence_time_zone: Option<String>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// The body of `POST …/events` and `PATCH /me/events/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventWrite {
    pub subject: String,
    pub body: ItemBody,
    pub start: DateTimeTimeZone,
    pub end: DateTimeTimeZone,
    pub is_all_day: bool,
    pub location: Location,
    pub attendees: Vec<GraphAttendee>,
    pub is_reminder_on: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reminder_minutes_before_start: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<PatternedRecurrence>,
}

/// The body of `POST /me/calendar/getSchedule`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleRequest {
    pub schedules: Vec<String>,
    pub start_time: DateTimeTimeZone,
    pub end_time: DateTimeTimeZone,
    pub availability_view_interval: i64,
}

impl ScheduleRequest {
    /// Times in UTC; `interval`: minutes per `availabilityView` slot.
    pub fn new(emails: &[String], start: DateTime<Utc>, end: DateTime<Utc>, interval: i64) -> Self {
        Self {
            schedules: emails.to_vec(),
            start_time: DateTimeTimeZone::utc(start),
            end_time: DateTimeTimeZone::utc(end),
            availability_view_interval: interval,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FreeBusyStatus {
    Free,
    Tentative,
    Busy,
    Oof,
    WorkingElsewhere,
    #[serde(other)]
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleItem {
    #[serde(default)]
    pub status: Option<FreeBusyStatus>,
    pub start: DateTimeTimeZone,
    pub end: DateTimeTimeZone,
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkingHours {
    #[serde(default, deserialize_with = "nullable")]
    pub days_of_week: Vec<String>,
    #[serde(default)]
    pub start_time: Option<String>,
    #[serde(default)]
    pub end_time: Option<String>,
    #[serde(default)]
    pub time_zone: Option<WorkingTimeZone>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct WorkingTimeZone {
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FreeBusyError {
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub response_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleInformation {
    pub schedule_id: String,
    #[serde(default)]
    pub availability_view: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub schedule_items: Vec<ScheduleItem>,
    #[serde(default)]
    pub working_hours: Option<WorkingHours>,
    #[serde(default)]
    pub error: Option<FreeBusyError>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct GraphContact {
    pub id: Option<String>,
    pub display_name: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub email_addresses: Vec<EmailAddress>,
    #[serde(deserialize_with = "nullable")]
    pub business_phones: Vec<String>,
    #[serde(deserialize_with = "nullable")]
    pub home_phones: Vec<String>,
    pub mobile_phone: Option<String>,
    pub company_name: Option<String>,
    pub job_title: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub im_addresses: Vec<String>,
}
