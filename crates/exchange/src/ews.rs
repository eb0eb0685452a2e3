//! Exchange Web Services: a mailbox's calendars, events, free/busy and contacts. [`xml`] builds
//! requests and reads answers ([`parse`]); the `parse_*` functions make `sparks_api::pim` types
//! of them, checking every `ResponseCode`. [`Ews`] is the client, [`autodiscover`] its URL.

pub mod xml;

use chrono::{DateTime, NaiveDateTime, NaiveTime, TimeDelta, Utc};
use reqwest::header::CONTENT_TYPE;
use sparks_api::pim::{
    Attendee, Busy, BusyKind, Calendar, Contact, Credentials, Event, EventDetails, EventRef,
    Participation, Repeat, Schedule,
};

pub use xml::{
    Autodiscovered, Element, Shape, autodiscover_request, check_response, create_calendar_item,
    delete_item, find_calendar_folders, find_calendar_view, find_contacts, get_items,
    get_recurring_master, get_user_availability, parse, parse_autodiscover, parse_item_ids,
    resolve_names, respond_to_item, update_calendar_item,
};
use xml::{check, items, messages, soap_body};

/// The largest answer read from a server.
pub const MAX_ANSWER: usize = 4 * 1024 * 1024;
const TEXT_XML: &str = "text/xml; charset=utf-8";
/// The most occurrences one calendar view returns.
const MAX_VIEW: u32 = 1000;

pub type Result<T, E = EwsError> = std::result::Result<T, E>;
type Time = DateTime<Utc>;

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum EwsError {
    #[error("the server refused the user name or password")]
    Unauthorized,
    #[error("someone else changed it in the meantime ({code}: {message})")]
    Conflict { code: String, message: String },
    #[error("it is not there (any more)")]
    NotFound,
    #[error("Exchange answered {code}: {message}")]
    Server { code: String, message: String },
    #[error("SOAP fault {code}: {message}")]
    Fault { code: String, message: String },
    #[error("the server answered HTTP {0}")]
    Http(u16),
    #[error("the server cannot be reached: {0}")]
    Unreachable(String),
    #[error("the answer is larger than {MAX_ANSWER} bytes")]
    TooLarge,
    #[error("malformed XML: {0}")]
    Xml(String),
    #[error("the server answered something unexpected: {0}")]
    Protocol(String),
}

fn protocol(what: impl Into<String>) -> EwsError {
    EwsError::Protocol(what.into())
}

/// An item's id and the change key of the version it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemId {
    pub id: String,
    pub change_key: Option<String>,
}

impl ItemId {
    pub fn new(id: impl Into<String>, change_key: Option<String>) -> ItemId {
        ItemId {
            id: id.into(),
            change_key,
        }
    }
}

/// A well-known folder (`calendar`, `contacts`, `msgfolderroot`) of this or, by its address,
/// another mailbox; or a folder id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FolderId {
    Distinguished(String, Option<String>),
    Id(ItemId),
}

impl FolderId {
    /// A calendar id as Sparks passes it: `calendar` (the user's own), `calendar:<address>`
    /// (another mailbox's, as a delegate), or a folder id from [`Ews::calendars`].
    pub fn parse(id: &str) -> FolderId {
        let (name, mailbox) = id.split_once(':').map_or((id, None), |(n, m)| (n, Some(m)));
        let mailbox = mailbox.map(String::from);
        match ["calendar", "contacts", "msgfolderroot", "root"].contains(&name) {
            true => FolderId::Distinguished(name.to_string(), mailbox),
            false => FolderId::Id(ItemId::new(id, None)),
        }
    }
}

/// An event as EWS stores it, written and compared when updating. All-day times are dates as in
/// `EventDetails`; `zone` is a Windows time zone id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fields {
    pub subject: String,
    pub body: String,
    pub location: String,
    pub start: Time,
    pub end: Time,
    pub all_day: bool,
    pub zone: Option<String>,
    pub organizer: Option<Attendee>,
    pub required: Vec<Attendee>,
    pub optional: Vec<Attendee>,
    pub reminder: Option<i64>,
    /// The series' rule, when it is one Sparks shows; written for a series or a single event
    /// (which then becomes a series), never for an occurrence.
    pub repeat: Option<Repeat>,
}

/// The last line of a body with an online meeting: its link.
const JOIN: &str = "Join the meeting: ";

/// Windows zone ids, their IANA zones (CLDR, shared with Graph) and standard offsets in
/// minutes east of UTC (from the IANA rules).
fn zones() -> impl Iterator<Item = (&'static str, &'static str, i64)> {
    use chrono::TimeZone;
    use chrono_tz::OffsetComponents;
    crate::zones::WINDOWS_ZONES
        .iter()
        .filter_map(|(windows, iana)| {
            let zone: chrono_tz::Tz = iana.parse().ok()?;
            let offset = zone.offset_from_utc_datetime(&chrono::DateTime::UNIX_EPOCH.naive_utc());
            let standard = offset.base_utc_offset().num_minutes();
            Some((*windows, *iana, standard))
        })
}

/// The Windows id Exchange knows an IANA zone by.
pub fn windows_zone(iana: &str) -> Option<&'static str> {
    zones().find(|z| z.1 == iana).map(|z| z.0)
}

/// The IANA zone of a Windows zone id.
pub fn iana_zone(windows: &str) -> Option<&'static str> {
    zones().find(|z| z.0 == windows).map(|z| z.1)
}

fn midnight(t: Time) -> Time {
    t.date_naive().and_time(NaiveTime::MIN).and_utc()
}

/// An `xs:dateTime` with an offset, or without (UTC, the zone every request here reads in).
pub fn parse_time(text: &str) -> Option<Time> {
    let text = text.trim();
    let naive = || NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f");
    let zoned = DateTime::parse_from_rfc3339(text).map(|t| t.to_utc());
    zoned.or_else(|_| naive().map(|t| t.and_utc())).ok()
}

fn person(mailbox: &Element, status: Participation) -> Option<Attendee> {
    let email = mailbox.string("EmailAddress");
    let name = mailbox.text_of("Name");
    let name = name.filter(|n| !n.eq_ignore_ascii_case(&email));
    let name = name.map(String::from);
    (!email.is_empty()).then_some(Attendee {
        email,
        name,
        status,
    })
}

fn attendees(item: &Element, list: &str) -> Vec<Attendee> {
    let status = |a: &Element| match a.text_of("ResponseType") {
        Some("Accept" | "Organizer") => Participation::Accepted,
        Some("Decline") => Participation::Declined,
        Some("Tentative") => Participation::Tentative,
        _ => Participation::NeedsAction,
    };
    let list = item.list(list).iter();
    let people = list.filter_map(|a| person(a.child("Mailbox")?, status(a)));
    people.collect()
}

impl Fields {
    /// What `details` is written as: a meeting link ends the body (`Join the meeting: …`) and
    /// joins the location; all-day events are whole days; there is one reminder.
    pub fn from_details(details: &EventDetails) -> Fields {
        let (mut body, mut location) = (details.description.clone(), details.location.clone());
        if let Some(link) = details.meeting.as_deref().filter(|l| !l.is_empty()) {
            let gap = if body.is_empty() { "" } else { "\n\n" };
            body = format!("{body}{gap}{JOIN}{link}");
            location = match location {
                place if place.is_empty() => link.to_string(),
                place if place.contains(link) => place,
                place => format!("{place} ({link})"),
            };
        }
        let (mut start, mut end) = (details.start, details.end);
        if details.all_day {
            let day = TimeDelta::days(1);
            let last = midnight(end - TimeDelta::nanoseconds(1));
            (start, end) = (midnight(start), last + day);
            end = end.max(start + day);
        }
        let zone = details.time_zone.as_deref().and_then(windows_zone);
        Fields {
            subject: details.title.clone(),
            body,
            location,
            start,
            end,
            all_day: details.all_day,
            zone: zone.map(String::from),
            organizer: details.organizer.clone(),
            required: details.attendees.clone(),
            optional: Vec::new(),
            reminder: details.reminders.first().map(|m| (*m).max(0)),
            repeat: details.repeat,
        }
    }

    /// What a `CalendarItem` holds; `None` without a start and an end. All-day times become the
    /// dates they are in the event's zone (its standard offset, then the nearest midnight).
    pub fn from_item(item: &Element) -> Option<Fields> {
        let start = parse_time(item.text_of("Start")?)?;
        let end = parse_time(item.text_of("End")?)?;
        let zone = item.child("StartTimeZone").and_then(|z| z.attr("Id"));
        let zone = zone.or(item.text_of("TimeZone")).map(String::from);
        let all_day = item.text_of("IsAllDayEvent") == Some("true");
        let offset = zones().find(|z| Some(z.0) == zone.as_deref());
        let offset = TimeDelta::minutes(offset.map_or(0, |z| z.2)) + TimeDelta::hours(12);
        let day = |t: Time| if all_day { midnight(t + offset) } else { t };
        let body = item.child("Body").map(|b| b.text.trim().to_string());
        let reminder = item.text_of("ReminderMinutesBeforeStart");
        let reminder = reminder.and_then(|m| m.parse().ok());
        let reminder = reminder.filter(|_| item.text_of("ReminderIsSet") != Some("false"));
        let organizer = item.path(&["Organizer", "Mailbox"]);
        Some(Fields {
            subject: item.string("Subject"),
            body: body.unwrap_or_default(),
            location: item.string("Location"),
            start: day(start),
            end: day(end),
            all_day,
            zone,
            organizer: organizer.and_then(|m| person(m, Participation::Accepted)),
            required: attendees(item, "RequiredAttendees"),
            optional: attendees(item, "OptionalAttendees"),
            reminder,
            repeat: xml::recurrence::parse(item),
        })
    }

    /// What a user sees: a `Join the meeting:` line (or a link as location) is the meeting.
    pub fn to_details(&self) -> EventDetails {
        let (mut description, mut location) = (self.body.clone(), self.location.clone());
        let marked = self.body.rsplit_once(JOIN);
        let marked = marked.filter(|(before, _)| before.is_empty() || before.ends_with('\n'));
        let marked = marked.filter(|(_, link)| !link.trim().contains(char::is_whitespace));
        let meeting = if let Some((before, link)) = marked {
            let link = link.trim().to_string();
            description = before.trim_end().to_string();
            let place = location.strip_suffix(&format!(" ({link})"));
            let place = place.map(String::from).unwrap_or(location);
            location = place.replace(&link, "").trim().to_string();
            Some(link)
        } else {
            let link = location.starts_with("https://") && !location.contains(' ');
            link.then(|| location.clone())
        };
        let zone = self.zone.as_deref().and_then(iana_zone);
        EventDetails {
            title: self.subject.clone(),
            start: self.start,
            end: self.end,
            all_day: self.all_day,
            time_zone: zone.map(String::from),
            location,
            description,
            organizer: self.organizer.clone(),
            attendees: [self.required.as_slice(), &self.optional].concat(),
            meeting,
            reminders: self.reminder.into_iter().collect(),
            repeat: self.repeat,
        }
    }
}

/// The calendar items of a FindItem or GetItem answer as events of `calendar` (else of their
/// folder). Left out, with the reason logged: items without id, start or end, items no longer
/// there (`ErrorItemNotFound`), and, reading a `calendar`'s items, each item Exchange could not
/// give (GetItem answers one message per item): one bad item never hides the calendar.
pub fn parse_events(doc: &Element, source: &str, calendar: Option<&str>) -> Result<Vec<Event>> {
    let mut events = Vec::new();
    let batch = calendar.is_some();
    for message in messages(doc)? {
        match check(message) {
            Ok(()) => {}
            Err(EwsError::NotFound) => continue,
            Err(error) if batch => {
                tracing::warn!(source, %error, "skipping an item Exchange could not give");
                continue;
            }
            Err(error) => return Err(error),
        }
        for item in items(message).iter().filter(|i| i.name == "CalendarItem") {
            match event(item, source, calendar) {
                Some(found) => events.push(found),
                None => tracing::warn!(
                    source,
                    item = item.child("ItemId").and_then(|i| i.attr("Id")),
                    "skipping a calendar item without id, start or end"
                ),
            }
        }
    }
    Ok(events)
}

fn event(item: &Element, source: &str, calendar: Option<&str>) -> Option<Event> {
    let id = item.child("ItemId")?;
    let details = Fields::from_item(item)?.to_details();
    let kind = item.text_of("CalendarItemType");
    let recurring = matches!(kind, Some("Occurrence" | "Exception"));
    let original = item.text_of("OriginalStart").and_then(parse_time);
    let folder = || item.child("ParentFolderId")?.attr("Id");
    let calendar = calendar.or_else(folder).unwrap_or("calendar");
    let uid = item.text_of("UID").or(id.attr("Id")).unwrap_or_default();
    // MyResponseType: the mailbox owner's own answer; `Organizer` and `Unknown` are not
    // invitations.
    let invited = match item.text_of("MyResponseType") {
        Some("Accept") => Some(Participation::Accepted),
        Some("Decline") => Some(Participation::Declined),
        Some("Tentative") => Some(Participation::Tentative),
        Some("NoResponseReceived") => Some(Participation::NeedsAction),
        _ => None,
    };
    Some(Event {
        at: EventRef {
            source: source.to_string(),
            calendar: calendar.to_string(),
            id: id.attr("Id")?.to_string(),
            version: id.attr("ChangeKey").map(String::from),
            instance: original.or(recurring.then_some(details.start)),
        },
        uid: uid.to_string(),
        recurring,
        invited,
        details,
    })
}

/// The calendars of a FindFolder answer: calendar folders (or `IPF.Appointment…`) not hidden.
pub fn parse_calendars(doc: &Element, source: &str) -> Result<Vec<Calendar>> {
    let mut calendars = Vec::new();
    for message in messages(doc)? {
        check(message)?;
        let folders = message.child("RootFolder");
        let folders = folders.map_or(&[][..], |r| r.list("Folders"));
        calendars.extend(folders.iter().filter_map(|folder| calendar(folder, source)));
    }
    Ok(calendars)
}

fn calendar(folder: &Element, source: &str) -> Option<Calendar> {
    let class = folder.string("FolderClass");
    let hidden = folder.children_named("ExtendedProperty").any(|p| {
        let tag = p
            .child("ExtendedFieldURI")
            .and_then(|u| u.attr("PropertyTag"));
        let hidden_tag = tag.is_some_and(|t| t.eq_ignore_ascii_case("0x10f4") || t == "4340");
        hidden_tag && p.text_of("Value") == Some("true")
    });
    let calendar = folder.name == "CalendarFolder" || class.starts_with("IPF.Appointment");
    let rights = folder.path(&["EffectiveRights", "CreateContents"]);
    let id = folder.child("FolderId")?.attr("Id")?.to_string();
    (calendar && !hidden).then(|| Calendar {
        source: source.to_string(),
        id,
        name: folder.string("DisplayName"),
        color: None,
        writable: rights.is_none_or(|c| c.text.trim() == "true"),
    })
}

fn busy(event: &Element) -> Option<Busy> {
    let kind = match event.text_of("BusyType")? {
        "Busy" => BusyKind::Busy,
        "Tentative" => BusyKind::Tentative,
        "OOF" => BusyKind::OutOfOffice,
        _ => return None,
    };
    let start = parse_time(event.text_of("StartTime")?)?;
    let end = parse_time(event.text_of("EndTime")?)?;
    Some(Busy { start, end, kind })
}

/// Busy times per mailbox (as asked: `emails`) of a GetUserAvailability answer, failed ones out.
pub fn parse_availability(doc: &Element, emails: &[String]) -> Result<Vec<Schedule>> {
    let array = soap_body(doc)?.find("FreeBusyResponseArray");
    let array = array.ok_or_else(|| protocol("no FreeBusyResponseArray"))?;
    let answers: Vec<&Element> = array.children_named("FreeBusyResponse").collect();
    if answers.len() != emails.len() {
        return Err(protocol("not one free/busy answer per mailbox"));
    }
    let mut schedules = Vec::new();
    for (answer, email) in answers.into_iter().zip(emails) {
        if let Err(error) = answer.child("ResponseMessage").map_or(Ok(()), check) {
            tracing::warn!(%email, %error, "no free/busy");
            continue;
        }
        let view = answer.child("FreeBusyView");
        let view = view.map_or(&[][..], |v| v.list("CalendarEventArray"));
        let busy = view.iter().filter_map(busy).collect();
        let email = email.clone();
        schedules.push(Schedule { email, busy });
    }
    Ok(schedules)
}

/// Contacts of a ResolveNames ("no results": none), FindItem or GetItem answer.
pub fn parse_contacts(doc: &Element, source: &str) -> Result<Vec<Contact>> {
    let mut found = Vec::new();
    for message in messages(doc)? {
        if message.text_of("ResponseCode") == Some("ErrorNameResolutionNoResults") {
            continue;
        }
        check(message)?;
        for resolution in message.list("ResolutionSet") {
            let mailbox = resolution.child("Mailbox");
            found.extend(contact(resolution.child("Contact"), mailbox, source));
        }
        let contacts = items(message).iter().filter(|i| i.name == "Contact");
        found.extend(contacts.filter_map(|item| contact(Some(item), None, source)));
    }
    Ok(found)
}

fn entries(contact: Option<&Element>, list: &str) -> Vec<String> {
    let entries = contact.map_or(&[][..], |c| c.list(list)).iter();
    let entries = entries.map(|e| e.text.trim().to_string());
    entries.filter(|e| !e.is_empty()).collect()
}

/// A Matrix user id in an IM address: `matrix:u/alice:example.org` or `@alice:example.org`.
fn matrix_id(address: &str) -> Option<String> {
    let address = address.split('?').next().unwrap_or(address);
    let user = address.strip_prefix("matrix:u/").map(|u| format!("@{u}"));
    let id = user.unwrap_or_else(|| address.trim_start_matches("matrix:").to_string());
    (id.starts_with('@') && id.contains(':')).then_some(id)
}

fn contact(contact: Option<&Element>, mailbox: Option<&Element>, source: &str) -> Option<Contact> {
    let smtp = |m: &&Element| m.text_of("RoutingType").is_none_or(|r| r == "SMTP");
    let first = mailbox.filter(smtp).and_then(|m| m.text_of("EmailAddress"));
    let mut emails: Vec<String> = Vec::new();
    let addresses = first.map(String::from).into_iter();
    for address in addresses.chain(entries(contact, "EmailAddresses")) {
        let bare = address.strip_prefix("SMTP:");
        let address = bare.or(address.strip_prefix("smtp:")).unwrap_or(&address);
        if address.contains('@') && !emails.iter().any(|e| e.eq_ignore_ascii_case(address)) {
            emails.push(address.to_string());
        }
    }
    let text = |name: &str| contact.and_then(|c| c.text_of(name)).map(String::from);
    let shown = || Some(mailbox?.text_of("Name")?.to_string());
    let name = text("DisplayName").or_else(shown);
    let name = name.or_else(|| text("FileAs"));
    let item = contact.and_then(|c| c.child("ItemId"));
    let item = item.or_else(|| mailbox?.child("ItemId"));
    let id = item.and_then(|i| i.attr("Id")).map(String::from);
    let matrix = entries(contact, "ImAddresses");
    let matrix = matrix.iter().find_map(|a| matrix_id(a));
    Some(Contact {
        source: source.to_string(),
        id: id.or_else(|| emails.first().cloned())?,
        name: name.or_else(|| emails.first().cloned())?,
        phones: entries(contact, "PhoneNumbers"),
        emails,
        organization: text("CompanyName"),
        title: text("JobTitle"),
        matrix,
    })
}

/// POSTs `body` and reads the answer, at most [`MAX_ANSWER`]. 401 is `Unauthorized`.
async fn post(
    http: &reqwest::Client,
    url: &str,
    action: Option<&str>,
    body: String,
    credentials: Option<&Credentials>,
) -> Result<(u16, String)> {
    let mut request = http.post(url).header(CONTENT_TYPE, TEXT_XML).body(body);
    if let Some(action) = action {
        request = request.header("SOAPAction", format!("\"{}/{action}\"", xml::MESSAGES));
    }
    if let Some(c) = credentials {
        request = request.basic_auth(&c.username, Some(&c.password));
    }
    let unreachable = |e: reqwest::Error| EwsError::Unreachable(e.to_string());
    let mut response = request.send().await.map_err(unreachable)?;
    let status = response.status().as_u16();
    if status == 401 {
        return Err(EwsError::Unauthorized);
    }
    let mut answer = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(unreachable)? {
        if answer.len() + chunk.len() > MAX_ANSWER {
            return Err(EwsError::TooLarge);
        }
        answer.extend_from_slice(&chunk);
    }
    let answer = String::from_utf8(answer).map_err(|_| EwsError::Xml("not UTF-8".into()))?;
    Ok((status, answer))
}

/// One user's mailbox on an Exchange server (its `Debug` leaves the password out).
#[derive(Debug, Clone)]
pub struct Ews {
    http: reqwest::Client,
    url: String,
    source: String,
    credentials: Credentials,
}

impl Ews {
    /// `url`: the EWS endpoint (`…/EWS/Exchange.asmx`); `source`: put on everything returned.
    pub fn new(
        http: reqwest::Client,
        url: impl Into<String>,
        source: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Ews {
        let (username, password) = (username.into(), password.into());
        let credentials = Credentials { username, password };
        Ews {
            http,
            url: url.into(),
            source: source.into(),
            credentials,
        }
    }

    /// One operation's answer; a fault (whatever the HTTP status) or other failure is an error.
    async fn call(&self, action: &str, body: String) -> Result<Element> {
        let auth = Some(&self.credentials);
        let (status, answer) = post(&self.http, &self.url, Some(action), body, auth).await?;
        let success = (200..300).contains(&status);
        match parse(&answer) {
            Ok(doc) if doc.name == "Envelope" => {
                soap_body(&doc)?;
                success.then_some(doc).ok_or(EwsError::Http(status))
            }
            _ if !success => Err(EwsError::Http(status)),
            Ok(doc) => Err(protocol(format!("not a SOAP envelope but <{}>", doc.name))),
            Err(error) => Err(error),
        }
    }

    /// The mailbox's calendars, by folder id (the main calendar among them).
    pub async fn calendars(&self) -> Result<Vec<Calendar>> {
        let doc = self.call("FindFolder", find_calendar_folders()).await?;
        parse_calendars(&doc, &self.source)
    }

    /// Every occurrence in `[start, end)` of a calendar ([`FolderId::parse`]), sorted by start:
    /// a calendar view, then GetItem in batches for bodies and attendees.
    pub async fn events(&self, calendar_id: &str, start: Time, end: Time) -> Result<Vec<Event>> {
        let view = find_calendar_view(&FolderId::parse(calendar_id), start, end, MAX_VIEW);
        let doc = self.call("FindItem", view).await?;
        let root = doc.find("RootFolder");
        if root.and_then(|r| r.attr("IncludesLastItemInRange")) == Some("false") {
            tracing::warn!(calendar_id, "over {MAX_VIEW} occurrences; some missing");
        }
        let ids = parse_item_ids(&doc)?.into_iter();
        let ids: Vec<ItemId> = ids.map(|i| ItemId::new(i.id, None)).collect();
        let mut found = Vec::new();
        for batch in ids.chunks(50) {
            let doc = self.call("GetItem", get_items(batch, Shape::Event)).await?;
            found.extend(parse_events(&doc, &self.source, Some(calendar_id))?);
        }
        found.sort_by_key(|e| e.details.start);
        Ok(found)
    }

    /// One event (or occurrence) by item id; its calendar is its parent folder.
    pub async fn get(&self, id: &str) -> Result<Event> {
        let request = get_items(&[ItemId::new(id, None)], Shape::Event);
        let events = parse_events(&self.call("GetItem", request).await?, &self.source, None)?;
        events.into_iter().next().ok_or(EwsError::NotFound)
    }

    /// A new event; its attendees are invited.
    pub async fn create(&self, calendar_id: &str, details: &EventDetails) -> Result<EventRef> {
        let folder = FolderId::parse(calendar_id);
        let request = create_calendar_item(&folder, &Fields::from_details(details));
        let ids = parse_item_ids(&self.call("CreateItem", request).await?)?;
        let id = ids.into_iter().next().ok_or(protocol("no item created"))?;
        Ok(EventRef {
            source: self.source.clone(),
            calendar: calendar_id.to_string(),
            id: id.id,
            version: id.change_key,
            instance: None,
        })
    }

    /// New details for an event (or occurrence), setting what differs from the server's copy; a
    /// stale `at.version` (else the current change key) is `Conflict`.
    pub async fn update(&self, at: &EventRef, details: &EventDetails) -> Result<EventRef> {
        let request = get_items(&[ItemId::new(&at.id, None)], Shape::Event);
        let doc = self.call("GetItem", request).await?;
        let message = messages(&doc)?.first().ok_or(EwsError::NotFound)?;
        check(message)?;
        let item = items(message).first().ok_or(EwsError::NotFound)?;
        let current = item.child("ItemId").and_then(|i| i.attr("ChangeKey"));
        let version = at.version.clone().or(current.map(String::from));
        let (old, mut new) = (Fields::from_item(item), Fields::from_details(details));
        // An occurrence has no rule of its own: its series has.
        if matches!(
            item.text_of("CalendarItemType"),
            Some("Occurrence" | "Exception")
        ) {
            new.repeat = None;
        }
        let key = ItemId::new(&at.id, version.clone());
        let Some(request) = update_calendar_item(&key, old.as_ref(), &new) else {
            let mut unchanged = at.clone();
            unchanged.version = current.map(String::from).or(version);
            return Ok(unchanged);
        };
        let ids = parse_item_ids(&self.call("UpdateItem", request).await?)?;
        let id = ids.into_iter().next().ok_or(protocol("no item updated"))?;
        let mut updated = at.clone();
        (updated.id, updated.version) = (id.id, id.change_key);
        Ok(updated)
    }

    /// The recurring master of the occurrence `at` (its calendar's), and the series' start.
    pub async fn series(&self, at: &EventRef) -> Result<(EventRef, Time)> {
        let doc = self.call("GetItem", get_recurring_master(&at.id)).await?;
        let message = messages(&doc)?.first().ok_or(EwsError::NotFound)?;
        check(message)?;
        let item = items(message).first().ok_or(EwsError::NotFound)?;
        let id = item
            .child("ItemId")
            .ok_or(protocol("a series without id"))?;
        let fields = Fields::from_item(item).ok_or(protocol("a series without start"))?;
        let master = EventRef {
            source: self.source.clone(),
            calendar: at.calendar.clone(),
            id: id
                .attr("Id")
                .ok_or(protocol("a series without id"))?
                .to_string(),
            version: id.attr("ChangeKey").map(String::from),
            instance: None,
        };
        Ok((master, fields.start))
    }

    /// The user's answer to the meeting request `at` (AcceptItem, TentativelyAcceptItem or
    /// DeclineItem, sent to the organiser); returns the item's new change key.
    pub async fn reply(&self, at: &EventRef, status: Participation) -> Result<()> {
        let kind = match status {
            Participation::Accepted => "t:AcceptItem",
            Participation::Tentative => "t:TentativelyAcceptItem",
            Participation::Declined => "t:DeclineItem",
            Participation::NeedsAction => {
                return Err(protocol("an invitation cannot be un-answered"));
            }
        };
        let request = respond_to_item(kind, &ItemId::new(&at.id, at.version.clone()));
        check_response(&self.call("CreateItem", request).await?)
    }

    /// Moves an event to Deleted Items, cancelling it with its attendees.
    pub async fn delete(&self, at: &EventRef) -> Result<()> {
        let request = delete_item(&ItemId::new(&at.id, at.version.clone()), true);
        check_response(&self.call("DeleteItem", request).await?)
    }

    /// Busy times of `emails` in `[start, end)` (asked for whole UTC days, then cut).
    pub async fn availability(
        &self,
        emails: &[String],
        start: Time,
        end: Time,
    ) -> Result<Vec<Schedule>> {
        let to = midnight(end - TimeDelta::nanoseconds(1)) + TimeDelta::days(1);
        let from = midnight(start);
        let mut schedules = Vec::new();
        for batch in emails.chunks(100) {
            let request = get_user_availability(batch, from, to);
            let doc = self.call("GetUserAvailability", request).await?;
            schedules.extend(parse_availability(&doc, batch)?);
        }
        for schedule in &mut schedules {
            schedule.busy.retain(|b| b.end > start && b.start < end);
        }
        Ok(schedules)
    }

    /// Contacts matching `query`: the Contacts folder, then the directory, without doubles.
    pub async fn contacts(&self, query: &str) -> Result<Vec<Contact>> {
        let doc = self.call("FindItem", find_contacts(query, 100)).await?;
        let mut found = parse_contacts(&doc, &self.source)?;
        if query.trim().is_empty() {
            return Ok(found);
        }
        let request = resolve_names(query.trim());
        let doc = self.call("ResolveNames", request).await?;
        for contact in parse_contacts(&doc, &self.source)? {
            let same = |e: &String| contact.emails.iter().any(|o| o.eq_ignore_ascii_case(e));
            if !found.iter().any(|c| c.emails.iter().any(same)) {
                found.push(contact);
            }
        }
        Ok(found)
    }
}

/// The EWS URL of `email`'s mailbox by POX Autodiscover at each candidate in turn (typically
/// `https://<domain>/autodiscover/autodiscover.xml` and `https://autodiscover.<domain>/…`),
/// restarting for a `redirectAddr` (10 times at most). Failing, `Unauthorized` if any said so.
pub async fn autodiscover(
    http: &reqwest::Client,
    email: &str,
    credentials: Option<&Credentials>,
    candidates: &[String],
) -> Result<String> {
    let mut email = email.to_string();
    let mut failure = protocol("no Autodiscover URL to try");
    'redirect: for _ in 0..=10 {
        for url in candidates {
            let request = autodiscover_request(&email);
            let answer = post(http, url, None, request, credentials).await;
            let answer = answer.and_then(|(status, body)| {
                let answer = parse(&body).and_then(|doc| parse_autodiscover(&doc));
                let http = answer.is_err() && !(200..300).contains(&status);
                answer.map_err(|e| if http { EwsError::Http(status) } else { e })
            });
            match answer {
                Ok(Autodiscovered::EwsUrl(url)) => return Ok(url),
                Ok(Autodiscovered::RedirectAddr(address)) => {
                    email = address;
                    continue 'redirect;
                }
                Ok(Autodiscovered::RedirectUrl(to)) => {
                    failure = protocol(format!("redirected to {to}"))
                }
                Err(error) if failure != EwsError::Unauthorized => failure = error,
                Err(_) => {}
            }
        }
        return Err(failure);
    }
    Err(protocol("Autodiscover redirected too often"))
}
