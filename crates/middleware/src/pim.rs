//! Calendars and contacts across a user's backends: one connection per (user, source), opened
//! with the user's sealed credentials, and the merged answers the API gives. A source that fails
//! is reported as unavailable; the others still answer.
//!
//! CalDAV collections are kept in memory with their sync tokens ([`sparks_dav::CalendarCache`]),
//! so a view is computed from memory and a refresh fetches only what changed.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use futures_util::future::join_all;
use sparks_api::pim::{
    Busy, Calendar, Contact, Credentials, Event, Schedule, SourceKind, Unavailable,
};
use sparks_dav::{AddressBook, CalendarCache, Dav, DavError, Principal};
use tokio::sync::Mutex;
use url::Url;

use crate::config::Source;
use crate::store::Who;

mod change;
pub mod routes;
#[cfg(test)]
mod tests;

/// How long a CalDAV cache is served before it is synced again (a burst of requests from one
/// client costs one sync). A change made through this middleware makes every user's copy of
/// that calendar stale at once.
const FRESH_FOR: Duration = Duration::from_secs(5);
/// How often a source's calendars and address books are listed again.
const LISTED_FOR: Duration = Duration::from_secs(60);
/// The most contacts a search answers with.
pub const MAX_CONTACTS: usize = 50;

/// Why a source could not do what was asked.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum SourceError {
    #[error("{0} is not signed in")]
    NotConnected(String),
    #[error("{0} does not accept the user name or password")]
    Unauthorized(String),
    #[error("someone else changed this event in the meantime")]
    Conflict,
    #[error("there is no such calendar or event")]
    NotFound,
    #[error("this calendar cannot be changed")]
    ReadOnly,
    #[error("you are not among this event's invitees")]
    NotInvited,
    #[error("this source does not support {0}")]
    Unsupported(&'static str),
    #[error("{source_name} cannot be reached: {reason}")]
    Unreachable { source_name: String, reason: String },
    #[error("{source_name} answered something unexpected: {reason}")]
    Protocol { source_name: String, reason: String },
}

impl SourceError {
    /// The code error answers carry for this.
    pub fn errcode(&self) -> &'static str {
        match self {
            SourceError::NotConnected(_) => "M_NOT_CONNECTED",
            SourceError::Unauthorized(_) => "M_BAD_CREDENTIALS",
            SourceError::Conflict => "M_CONFLICT",
            SourceError::NotFound => "M_NOT_FOUND",
            SourceError::ReadOnly => "M_FORBIDDEN",
            SourceError::NotInvited => "M_NOT_INVITED",
            SourceError::Unsupported(_) => "M_UNSUPPORTED",
            SourceError::Unreachable { .. } | SourceError::Protocol { .. } => "M_UNAVAILABLE",
        }
    }

    fn from_ews(source: &Source, error: sparks_exchange::ews::EwsError) -> SourceError {
        use sparks_exchange::ews::EwsError;
        match error {
            EwsError::Unauthorized => SourceError::Unauthorized(source.name.clone()),
            EwsError::Conflict { .. } => SourceError::Conflict,
            EwsError::NotFound => SourceError::NotFound,
            EwsError::Unreachable(reason) => SourceError::Unreachable {
                source_name: source.name.clone(),
                reason,
            },
            other => SourceError::Protocol {
                source_name: source.name.clone(),
                reason: other.to_string(),
            },
        }
    }

    fn from_graph(source: &Source, error: sparks_exchange::graph::GraphError) -> SourceError {
        use sparks_exchange::graph::GraphError;
        match error {
            GraphError::Unauthorized => SourceError::Unauthorized(source.name.clone()),
            GraphError::Conflict => SourceError::Conflict,
            GraphError::NotFound => SourceError::NotFound,
            GraphError::Http(e) => SourceError::Unreachable {
                source_name: source.name.clone(),
                reason: e.without_url().to_string(),
            },
            other => SourceError::Protocol {
                source_name: source.name.clone(),
                reason: other.to_string(),
            },
        }
    }

    fn from_dav(source: &Source, error: DavError) -> SourceError {
        match error {
            DavError::Unauthorized => SourceError::Unauthorized(source.name.clone()),
            DavError::Conflict => SourceError::Conflict,
            DavError::NotFound => SourceError::NotFound,
            DavError::Forbidden(_) => SourceError::ReadOnly,
            DavError::Unreachable(reason) => SourceError::Unreachable {
                source_name: source.name.clone(),
                reason,
            },
            DavError::StaleToken | DavError::Protocol(_) | DavError::Unsupported(_) => {
                SourceError::Protocol {
                    source_name: source.name.clone(),
                    reason: error.to_string(),
                }
            }
        }
    }
}

struct DavAccount {
    dav: Dav,
    principal: Principal,
    calendars: Vec<CalendarCache>,
    books: Vec<AddressBook>,
    synced: Option<Instant>,
    listed: Option<Instant>,
}

enum Connection {
    Dav(Box<DavAccount>),
    Exchange(sparks_exchange::ews::Ews),
    Graph(sparks_exchange::graph::Graph),
}

/// One user's connection to one source.
pub struct Account {
    source: Source,
    connection: Connection,
    /// The user's own email addresses at this source (lower case): how their invitations are
    /// recognised and what they organise as.
    addresses: Vec<String>,
}

type Key = (String, String, String);

/// Every open connection, by (tenant, user, source).
pub struct Pim {
    http: reqwest::Client,
    accounts: std::sync::Mutex<HashMap<Key, Arc<Mutex<Account>>>>,
    /// When each calendar was last changed through this middleware.
    writes: std::sync::Mutex<HashMap<String, Instant>>,
}

impl Default for Pim {
    fn default() -> Self {
        Pim::new()
    }
}

impl Pim {
    pub fn new() -> Pim {
        Pim {
            http: crate::outbound::client(),
            accounts: std::sync::Mutex::new(HashMap::new()),
            writes: std::sync::Mutex::new(HashMap::new()),
        }
    }

    fn key(who: &Who, source: &Source) -> Key {
        (who.tenant.clone(), who.user_id.clone(), source.id.clone())
    }

    /// Signs in to `source` with `credentials` and keeps the connection; the error says why
    /// the backend refused.
    pub async fn connect(
        &self,
        who: &Who,
        source: &Source,
        credentials: &Credentials,
    ) -> Result<(), SourceError> {
        let account = self.open(source, credentials).await?;
        self.lock_accounts()
            .insert(Self::key(who, source), Arc::new(Mutex::new(account)));
        Ok(())
    }

    /// Notes that `calendar` changed, so every copy of it is synced before it is shown again.
    pub fn wrote(&self, calendar: &str) {
        self.writes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(calendar.to_owned(), Instant::now());
    }

    /// Whether a calendar of `account` changed here after it was last synced.
    fn changed_since(&self, account: &DavAccount) -> bool {
        let Some(synced) = account.synced else {
            return true;
        };
        let writes = self
            .writes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        account
            .calendars
            .iter()
            .any(|c| writes.get(&c.calendar.id).is_some_and(|at| *at > synced))
    }

    /// Closes the user's connection to `source`.
    pub fn disconnect(&self, who: &Who, source: &Source) {
        self.lock_accounts().remove(&Self::key(who, source));
    }

    fn lock_accounts(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Arc<Mutex<Account>>>> {
        self.accounts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    async fn open(
        &self,
        source: &Source,
        credentials: &Credentials,
    ) -> Result<Account, SourceError> {
        match source.kind {
            SourceKind::Dav => {
                let dav = Dav::new(
                    self.http.clone(),
                    source.url.clone(),
                    source.id.clone(),
                    credentials.username.clone(),
                    credentials.password.clone(),
                );
                let principal = dav
                    .discover()
                    .await
                    .map_err(|e| SourceError::from_dav(source, e))?;
                let mut account = DavAccount {
                    dav,
                    principal,
                    calendars: Vec::new(),
                    books: Vec::new(),
                    synced: None,
                    listed: Some(Instant::now()),
                };
                list_collections(source, &mut account).await?;
                let mut addresses: Vec<String> = account
                    .principal
                    .addresses
                    .iter()
                    .map(|a| a.trim_start_matches("mailto:").to_lowercase())
                    .collect();
                addresses.extend(source.email_of(&credentials.username));
                Ok(Account {
                    source: source.clone(),
                    connection: Connection::Dav(Box::new(account)),
                    addresses,
                })
            }
            SourceKind::Exchange => {
                let ews = sparks_exchange::ews::Ews::new(
                    self.http.clone(),
                    source.url.to_string(),
                    source.id.clone(),
                    credentials.username.clone(),
                    credentials.password.clone(),
                );
                // Listing the calendars proves the sign-in.
                ews.calendars()
                    .await
                    .map_err(|e| SourceError::from_ews(source, e))?;
                Ok(Account {
                    source: source.clone(),
                    connection: Connection::Exchange(ews),
                    addresses: own_addresses(source, &credentials.username),
                })
            }
            SourceKind::Graph => {
                let graph = sparks_exchange::graph::Graph::new(
                    self.http.clone(),
                    source.url.clone(),
                    credentials.password.clone(),
                    source.id.clone(),
                );
                graph
                    .calendars()
                    .await
                    .map_err(|e| SourceError::from_graph(source, e))?;
                Ok(Account {
                    source: source.clone(),
                    connection: Connection::Graph(graph),
                    addresses: own_addresses(source, &credentials.username),
                })
            }
        }
    }

    /// The user's connection to `source`, opened with `credentials` if there is none yet.
    pub async fn account(
        &self,
        who: &Who,
        source: &Source,
        credentials: impl std::future::Future<Output = Option<Credentials>>,
    ) -> Result<Arc<Mutex<Account>>, SourceError> {
        if let Some(account) = self.lock_accounts().get(&Self::key(who, source)) {
            return Ok(account.clone());
        }
        let credentials = credentials
            .await
            .ok_or_else(|| SourceError::NotConnected(source.name.clone()))?;
        let account = Arc::new(Mutex::new(self.open(source, &credentials).await?));
        self.lock_accounts()
            .insert(Self::key(who, source), account.clone());
        Ok(account)
    }
}

/// A user's addresses at an Exchange or Microsoft 365 source: the sign-in name when it is an
/// address, and what the operator's pattern makes of it.
fn own_addresses(source: &Source, username: &str) -> Vec<String> {
    let mut addresses: Vec<String> = Some(username.to_lowercase())
        .filter(|u| u.contains('@'))
        .into_iter()
        .collect();
    addresses.extend(source.email_of(username));
    addresses
}

/// Marks the events `addresses` are invited to (as an attendee, not the organiser) with their
/// answer: what DAV servers do not say themselves.
fn mark_invited(events: &mut [Event], addresses: &[String]) {
    let ours = |email: &str| addresses.iter().any(|a| a.eq_ignore_ascii_case(email));
    for event in events.iter_mut().filter(|e| e.invited.is_none()) {
        let d = &event.details;
        if d.organizer.as_ref().is_some_and(|o| ours(&o.email)) {
            continue;
        }
        event.invited = d
            .attendees
            .iter()
            .find(|a| ours(&a.email))
            .map(|a| a.status);
    }
}

/// Lists a DAV account's calendars and address books (again), keeping caches of collections
/// that are still there.
async fn list_collections(source: &Source, account: &mut DavAccount) -> Result<(), SourceError> {
    let error = |e| SourceError::from_dav(source, e);
    if source.calendars {
        let found = account
            .dav
            .calendars(&account.principal.calendar_homes, &source.shared)
            .await
            .map_err(error)?;
        let mut old: Vec<CalendarCache> = std::mem::take(&mut account.calendars);
        for calendar in found {
            match old.iter().position(|c| c.calendar.id == calendar.id) {
                Some(i) => {
                    let mut cache = old.swap_remove(i);
                    cache.calendar = calendar;
                    account.calendars.push(cache);
                }
                None => {
                    if let Ok(cache) = CalendarCache::new(calendar) {
                        account.calendars.push(cache);
                    }
                }
            }
        }
    }
    if source.contacts {
        let books = account
            .dav
            .addressbooks(&account.principal.addressbook_homes)
            .await
            .map_err(error)?;
        account.books = books
            .into_iter()
            .map(|url| AddressBook::new(&source.id, url))
            .collect();
    }
    Ok(())
}

/// Syncs a DAV account's collections when they are older than [`FRESH_FOR`] (or `stale`).
async fn refresh(
    source: &Source,
    account: &mut DavAccount,
    stale: bool,
) -> Result<(), SourceError> {
    if !stale && account.synced.is_some_and(|at| at.elapsed() < FRESH_FOR) {
        return Ok(());
    }
    if account.listed.is_none_or(|at| at.elapsed() >= LISTED_FOR) {
        list_collections(source, account).await?;
        account.listed = Some(Instant::now());
    }
    for cache in &mut account.calendars {
        cache
            .refresh(&account.dav)
            .await
            .map_err(|e| SourceError::from_dav(source, e))?;
    }
    for book in &mut account.books {
        book.refresh(&account.dav)
            .await
            .map_err(|e| SourceError::from_dav(source, e))?;
    }
    account.synced = Some(Instant::now());
    Ok(())
}

/// What every source answered, and which could not.
pub struct Merged<T> {
    pub items: Vec<T>,
    pub unavailable: Vec<Unavailable>,
}

/// The work one source does for a merged answer.
pub enum Ask<'a> {
    Calendars,
    Events {
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        zone: chrono_tz::Tz,
    },
    Busy {
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        /// Others to ask about, where the backend can tell.
        attendees: &'a [String],
    },
    Contacts(&'a str),
}

/// One source's part of a merged answer.
pub enum Part {
    Calendars(Vec<Calendar>),
    Events(Vec<Event>),
    /// The user's own busy times, and others' schedules.
    Busy(Vec<Busy>, Vec<Schedule>),
    Contacts(Vec<Contact>),
}

impl Pim {
    /// Asks every source in `sources` (that serves what is asked) at once.
    pub async fn merged<'a, F, Fut>(
        &self,
        who: &Who,
        sources: &'a [Source],
        ask: &Ask<'_>,
        credentials: F,
    ) -> (Vec<Part>, Vec<Unavailable>)
    where
        F: Fn(&'a Source) -> Fut,
        Fut: std::future::Future<Output = Option<Credentials>>,
    {
        let wanted = sources.iter().filter(|s| match ask {
            Ask::Contacts(_) => s.contacts,
            _ => s.calendars,
        });
        let credentials = &credentials;
        let answers = join_all(wanted.map(|source| async move {
            let answer = async {
                let account = self.account(who, source, credentials(source)).await?;
                let mut account = account.lock().await;
                let mut part = self.ask_one(&mut account, ask).await?;
                if let Part::Events(events) = &mut part {
                    mark_invited(events, &account.addresses);
                }
                Ok(part)
            }
            .await;
            (source, answer)
        }))
        .await;
        let mut parts = Vec::new();
        let mut unavailable = Vec::new();
        for (source, answer) in answers {
            match answer {
                Ok(part) => parts.push(part),
                Err(SourceError::NotConnected(_)) => {}
                Err(error) => {
                    tracing::warn!(source = %source.id, %error, "source unavailable");
                    if matches!(error, SourceError::Unauthorized(_)) {
                        self.disconnect(who, source);
                    }
                    unavailable.push(Unavailable {
                        source: source.id.clone(),
                        errcode: error.errcode().to_owned(),
                        reason: error.to_string(),
                    });
                }
            }
        }
        (parts, unavailable)
    }
}

impl Pim {
    async fn ask_one(&self, account: &mut Account, ask: &Ask<'_>) -> Result<Part, SourceError> {
        let source = account.source.clone();
        let addresses = &account.addresses;
        match &mut account.connection {
            Connection::Dav(dav) => {
                let stale = self.changed_since(dav);
                if matches!(ask, Ask::Calendars) {
                    // Asked for the list itself: calendars made or shared since are listed too.
                    list_collections(&source, dav).await?;
                    dav.listed = Some(Instant::now());
                }
                refresh(&source, dav, stale).await?;
                Ok(match ask {
                    Ask::Calendars => {
                        Part::Calendars(dav.calendars.iter().map(|c| c.calendar.clone()).collect())
                    }
                    Ask::Events { from, to, zone } => Part::Events(
                        dav.calendars
                            .iter()
                            .flat_map(|c| c.events(*from, *to, *zone))
                            .collect(),
                    ),
                    Ask::Busy {
                        from,
                        to,
                        attendees,
                    } => {
                        let mut busy = Vec::new();
                        for cache in &dav.calendars {
                            let url = Url::parse(&cache.calendar.id)
                                .map_err(|_| SourceError::NotFound)?;
                            match dav.dav.free_busy(&url, *from, *to).await {
                                Ok(found) => busy.extend(found),
                                // Free/busy is optional for servers: the events say the same.
                                Err(_) => busy.extend(
                                    cache
                                        .events(*from, *to, chrono_tz::UTC)
                                        .into_iter()
                                        .map(|e| Busy {
                                            start: e.details.start,
                                            end: e.details.end,
                                            kind: sparks_api::pim::BusyKind::Busy,
                                        }),
                                ),
                            }
                        }
                        // Others' busy times where the server schedules (RFC 6638 Outbox), asked
                        // as the user's own address.
                        let others = match (&dav.principal.outbox, addresses.first()) {
                            (Some(outbox), Some(me)) if !attendees.is_empty() => dav
                                .dav
                                .schedule_free_busy(outbox, me, attendees, *from, *to)
                                .await
                                .unwrap_or_else(|error| {
                                    tracing::info!(%error, "the Outbox did not answer free/busy");
                                    Vec::new()
                                }),
                            _ => Vec::new(),
                        };
                        Part::Busy(busy, others)
                    }
                    Ask::Contacts(query) => {
                        Part::Contacts(dav.books.iter().flat_map(|b| b.search(query)).collect())
                    }
                })
            }
            Connection::Exchange(ews) => {
                let error = |e| SourceError::from_ews(&source, e);
                Ok(match ask {
                    Ask::Calendars => Part::Calendars(ews.calendars().await.map_err(error)?),
                    Ask::Events { from, to, .. } => {
                        let mut events = Vec::new();
                        for calendar in ews.calendars().await.map_err(error)? {
                            events
                                .extend(ews.events(&calendar.id, *from, *to).await.map_err(error)?);
                        }
                        Part::Events(events)
                    }
                    Ask::Busy {
                        from,
                        to,
                        attendees,
                    } => {
                        let mut own = Vec::new();
                        for calendar in ews.calendars().await.map_err(error)? {
                            own.extend(busy_of(
                                ews.events(&calendar.id, *from, *to).await.map_err(error)?,
                            ));
                        }
                        let others = if attendees.is_empty() {
                            Vec::new()
                        } else {
                            ews.availability(attendees, *from, *to)
                                .await
                                .map_err(error)?
                        };
                        Part::Busy(own, others)
                    }
                    Ask::Contacts(query) => {
                        Part::Contacts(ews.contacts(query).await.map_err(error)?)
                    }
                })
            }
            Connection::Graph(graph) => {
                let error = |e| SourceError::from_graph(&source, e);
                Ok(match ask {
                    Ask::Calendars => Part::Calendars(graph.calendars().await.map_err(error)?),
                    Ask::Events { from, to, .. } => {
                        let mut events = Vec::new();
                        for calendar in graph.calendars().await.map_err(error)? {
                            events.extend(
                                graph
                                    .events(&calendar.id, *from, *to)
                                    .await
                                    .map_err(error)?,
                            );
                        }
                        Part::Events(events)
                    }
                    Ask::Busy {
                        from,
                        to,
                        attendees,
                    } => {
                        let mut own = Vec::new();
                        for calendar in graph.calendars().await.map_err(error)? {
                            own.extend(busy_of(
                                graph
                                    .events(&calendar.id, *from, *to)
                                    .await
                                    .map_err(error)?,
                            ));
                        }
                        let others = if attendees.is_empty() {
                            Vec::new()
                        } else {
                            graph.schedule(attendees, *from, *to).await.map_err(error)?
                        };
                        Part::Busy(own, others)
                    }
                    Ask::Contacts(query) => {
                        Part::Contacts(graph.contacts(query).await.map_err(error)?)
                    }
                })
            }
        }
    }
}

/// Events as busy times (for backends asked for the user's own events).
fn busy_of(events: Vec<Event>) -> impl Iterator<Item = Busy> {
    events.into_iter().map(|e| Busy {
        start: e.details.start,
        end: e.details.end,
        kind: sparks_api::pim::BusyKind::Busy,
    })
}

/// Sorts and merges what the sources answered for a range: every occurrence overlapping it,
/// by start (then title, so equal starts keep one order).
pub fn merge_events(parts: Vec<Vec<Event>>, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Event> {
    let mut events: Vec<Event> = parts
        .into_iter()
        .flatten()
        .filter(|e| e.details.start < to && e.details.end > from)
        .collect();
    events.sort_by(|a, b| {
        (a.details.start, &a.details.title, &a.at.id).cmp(&(
            b.details.start,
            &b.details.title,
            &b.at.id,
        ))
    });
    events
}

/// The user's own schedule from every source's busy times.
pub fn own_schedule(busy: Vec<Busy>) -> Schedule {
    Schedule {
        email: String::new(),
        busy: sparks_dav::merge_busy(busy),
    }
}

/// 128 random bits, URL-safe.
pub fn random_id() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
