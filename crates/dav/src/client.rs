//! The CalDAV/CardDAV client: one user's account on one server.

use chrono::{DateTime, Utc};
use reqwest::{Method, StatusCode, header};
use sparks_api::pim::{Busy, Calendar, Contact};
use url::Url;

use crate::xml::{self, APPLE, CALDAV, CARDDAV, DAV, Multistatus};

/// The largest answer read from a server (a year of a busy shared calendar fits easily).
const MAX_ANSWER: usize = 32 * 1024 * 1024;

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum DavError {
    #[error("the server refused the user name or password")]
    Unauthorized,
    #[error("not allowed: {0}")]
    Forbidden(String),
    #[error("someone else changed it in the meantime")]
    Conflict,
    #[error("it is not there (any more)")]
    NotFound,
    #[error("the sync token is no longer valid")]
    StaleToken,
    #[error("the server does not do that: {0}")]
    Unsupported(String),
    #[error("the server cannot be reached: {0}")]
    Unreachable(String),
    #[error("the server answered something unexpected: {0}")]
    Protocol(String),
}

/// What a principal has: where its calendars and address books live, and how it schedules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Principal {
    pub url: Option<Url>,
    pub calendar_homes: Vec<Url>,
    pub addressbook_homes: Vec<Url>,
    /// The user's calendar addresses (`mailto:…`), for ORGANIZER.
    pub addresses: Vec<String>,
    /// The server delivers invitations itself when an event with attendees is saved (RFC 6638
    /// implicit scheduling).
    pub schedules: bool,
    /// Where scheduling messages (free/busy requests) are POSTed (RFC 6638 §2.1).
    pub outbox: Option<Url>,
}

/// A calendar object resource (an event) or a vCard, with its ETag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    pub href: Url,
    pub etag: Option<String>,
    pub data: String,
}

/// What a collection holds: events (CalDAV) or cards (CardDAV).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holds {
    Events,
    Cards,
}

/// What changed in a collection since a sync token.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    pub changed: Vec<Resource>,
    pub removed: Vec<Url>,
    pub token: Option<String>,
}

/// One account on a CalDAV/CardDAV server.
#[derive(Clone)]
pub struct Dav {
    http: reqwest::Client,
    base: Url,
    source: String,
    username: String,
    password: String,
}

impl std::fmt::Debug for Dav {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dav")
            .field("base", &self.base.as_str())
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

impl Dav {
    /// `http` should not follow redirects: the client follows them itself, only on `base`'s
    /// host, so credentials never go anywhere else.
    pub fn new(
        http: reqwest::Client,
        base: Url,
        source: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Dav {
        Dav {
            http,
            base,
            source: source.into(),
            username: username.into(),
            password: password.into(),
        }
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    fn same_origin(&self, url: &Url) -> bool {
        url.scheme() == self.base.scheme()
            && url.host() == self.base.host()
            && url.port_or_known_default() == self.base.port_or_known_default()
    }

    /// `href` (absolute or relative) on this server; an href to another host is refused.
    pub fn resolve(&self, href: &str) -> Result<Url, DavError> {
        let url = self
            .base
            .join(href)
            .map_err(|e| DavError::Protocol(format!("bad href {href}: {e}")))?;
        if self.same_origin(&url) {
            Ok(url)
        } else {
            Err(DavError::Protocol(format!(
                "{href} points to another server"
            )))
        }
    }

    /// One request, following up to three redirects on the same server.
    pub(crate) async fn send(
        &self,
        method: Method,
        url: &Url,
        headers: &[(header::HeaderName, String)],
        body: Option<String>,
    ) -> Result<(StatusCode, header::HeaderMap, String), DavError> {
        let mut url = url.clone();
        for _ in 0..4 {
            let mut request = self
                .http
                .request(method.clone(), url.clone())
                .basic_auth(&self.username, Some(&self.password));
            for (name, value) in headers {
                request = request.header(name, value);
            }
            if let Some(body) = &body {
                request = request
                    .header(header::CONTENT_TYPE, content_type(body))
                    .body(body.clone());
            }
            let mut response = request
                .send()
                .await
                .map_err(|e| DavError::Unreachable(e.without_url().to_string()))?;
            let status = response.status();
            if status.is_redirection()
                && let Some(location) = response
                    .headers()
                    .get(header::LOCATION)
                    .and_then(|v| v.to_str().ok())
            {
                url = self.resolve(location)?;
                continue;
            }
            let headers = response.headers().clone();
            let mut answer = Vec::new();
            while let Some(chunk) = response
                .chunk()
                .await
                .map_err(|e| DavError::Unreachable(e.without_url().to_string()))?
            {
                if answer.len() + chunk.len() > MAX_ANSWER {
                    return Err(DavError::Protocol("the answer is too large".into()));
                }
                answer.extend_from_slice(&chunk);
            }
            let text = String::from_utf8_lossy(&answer).into_owned();
            return match status {
                StatusCode::UNAUTHORIZED => Err(DavError::Unauthorized),
                StatusCode::FORBIDDEN if text.contains("valid-sync-token") => {
                    Err(DavError::StaleToken)
                }
                // RFC 3253 §3.6: a REPORT the collection does not support.
                StatusCode::FORBIDDEN if text.contains("supported-report") => {
                    Err(DavError::Unsupported(short(&text)))
                }
                StatusCode::METHOD_NOT_ALLOWED | StatusCode::NOT_IMPLEMENTED => {
                    Err(DavError::Unsupported(format!("{status}")))
                }
                StatusCode::FORBIDDEN => Err(DavError::Forbidden(short(&text))),
                StatusCode::PRECONDITION_FAILED | StatusCode::CONFLICT => Err(DavError::Conflict),
                StatusCode::NOT_FOUND | StatusCode::GONE => Err(DavError::NotFound),
                s if s.is_success() => Ok((status, headers, text)),
                s => Err(DavError::Protocol(format!("{s}: {}", short(&text)))),
            };
        }
        Err(DavError::Protocol("too many redirects".into()))
    }

    async fn report(
        &self,
        method: &str,
        url: &Url,
        depth: &str,
        body: String,
    ) -> Result<Multistatus, DavError> {
        let method =
            Method::from_bytes(method.as_bytes()).map_err(|e| DavError::Protocol(e.to_string()))?;
        let (_, _, text) = self
            .send(
                method,
                url,
                &[(header::HeaderName::from_static("depth"), depth.into())],
                Some(body),
            )
            .await?;
        xml::multistatus(&text).map_err(DavError::Protocol)
    }

    /// The `current-user-principal` `url` names, if it names one.
    async fn principal_at(&self, url: &Url) -> Result<Option<Url>, DavError> {
        let ask = xml::propfind(&[("d", "current-user-principal")]);
        let found = self.report("PROPFIND", url, "0", ask).await?;
        found
            .responses
            .iter()
            .find_map(|r| r.prop(DAV, "current-user-principal"))
            .and_then(|p| p.hrefs.first())
            .map(|href| self.resolve(href))
            .transpose()
    }

    /// Finds the user's principal: RFC 6764 (`current-user-principal` on the URL the operator
    /// gave, then on `/.well-known/caldav` and `/.well-known/carddav`), then its homes and
    /// addresses.
    pub async fn discover(&self) -> Result<Principal, DavError> {
        // The URL the operator gave, then the well-known places (RFC 6764 §5), for servers
        // whose root says nothing: a calendar server's, then a contacts-only server's.
        let mut principal = match self.principal_at(&self.base).await {
            Ok(found) => found,
            Err(DavError::NotFound | DavError::Protocol(_) | DavError::Unsupported(_)) => None,
            Err(error) => return Err(error),
        };
        for well_known in ["/.well-known/caldav", "/.well-known/carddav"] {
            if principal.is_some() {
                break;
            }
            principal = match self.principal_at(&self.resolve(well_known)?).await {
                Ok(found) => found,
                Err(error @ (DavError::Unauthorized | DavError::Unreachable(_))) => {
                    return Err(error);
                }
                Err(_) => None,
            };
        }
        // Nowhere says: the URL itself is asked for the homes.
        let at = principal.clone().unwrap_or_else(|| self.base.clone());
        let found = self
            .report(
                "PROPFIND",
                &at,
                "0",
                xml::propfind(&[
                    ("c", "calendar-home-set"),
                    ("cr", "addressbook-home-set"),
                    ("c", "calendar-user-address-set"),
                    ("c", "schedule-outbox-URL"),
                ]),
            )
            .await?;
        let hrefs = |ns: &str, name: &str| -> Vec<String> {
            found
                .responses
                .iter()
                .filter_map(|r| r.prop(ns, name))
                .flat_map(|p| p.hrefs.clone())
                .collect()
        };
        let homes = |ns: &str, name: &str| -> Vec<Url> {
            hrefs(ns, name)
                .iter()
                .filter_map(|h| self.resolve(h).ok())
                .collect()
        };
        // What the server can do is in its DAV header; one that does not answer OPTIONS there
        // is taken not to schedule.
        let schedules = match self.send(Method::OPTIONS, &at, &[], None).await {
            Ok((_, headers, _)) => headers
                .get_all("dav")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .any(|v| v.contains("calendar-auto-schedule")),
            Err(error @ (DavError::Unauthorized | DavError::Unreachable(_))) => return Err(error),
            Err(_) => false,
        };
        Ok(Principal {
            calendar_homes: homes(CALDAV, "calendar-home-set"),
            addressbook_homes: homes(CARDDAV, "addressbook-home-set"),
            addresses: hrefs(CALDAV, "calendar-user-address-set")
                .into_iter()
                .filter(|a| a.to_ascii_lowercase().starts_with("mailto:"))
                .collect(),
            outbox: homes(CALDAV, "schedule-outbox-URL").into_iter().next(),
            url: principal,
            schedules,
        })
    }

    /// The calendars (of events) in `homes`, and the `extra` collections the operator shares
    /// outside the user's home (servers like Radicale do not list those).
    pub async fn calendars(&self, homes: &[Url], extra: &[Url]) -> Result<Vec<Calendar>, DavError> {
        let ask = xml::propfind(&[
            ("d", "resourcetype"),
            ("d", "displayname"),
            ("a", "calendar-color"),
            ("d", "current-user-privilege-set"),
            ("c", "supported-calendar-component-set"),
        ]);
        let mut calendars: Vec<Calendar> = Vec::new();
        let asks = homes
            .iter()
            .map(|h| (h, "1"))
            .chain(extra.iter().map(|e| (e, "0")));
        for (url, depth) in asks {
            let found = match self.report("PROPFIND", url, depth, ask.clone()).await {
                Ok(found) => found,
                // A shared calendar that is gone, or that this user may not see, is left out.
                Err(DavError::NotFound | DavError::Forbidden(_)) if depth == "0" => continue,
                Err(e) => return Err(e),
            };
            for response in found.responses {
                if !response.has((DAV, "resourcetype"), (CALDAV, "calendar")) {
                    continue;
                }
                let components = response.prop(CALDAV, "supported-calendar-component-set");
                let events = components.is_none_or(|p| p.children.is_empty())
                    || components.is_some_and(|p| p.text.contains("VEVENT"))
                    || found_vevent(&response);
                if !events {
                    continue;
                }
                let Ok(href) = self.resolve(&response.href) else {
                    continue;
                };
                if calendars.iter().any(|c| c.id == href.as_str()) {
                    continue;
                }
                let privileges = response.prop(DAV, "current-user-privilege-set");
                let writable = privileges.is_none_or(|p| {
                    p.children.iter().any(|(ns, n)| {
                        ns == DAV && matches!(n.as_str(), "write" | "write-content" | "all")
                    })
                });
                let name = response
                    .text(DAV, "displayname")
                    .map(str::to_owned)
                    .unwrap_or_else(|| last_segment(&href));
                calendars.push(Calendar {
                    source: self.source.clone(),
                    id: href.to_string(),
                    name,
                    color: response.text(APPLE, "calendar-color").and_then(colour),
                    writable,
                });
            }
        }
        Ok(calendars)
    }

    /// Creates a calendar (`MKCALENDAR`) or, with `addressbook`, an address book (extended
    /// `MKCOL`, RFC 5689) at `url`.
    pub async fn create_collection(
        &self,
        url: &Url,
        name: &str,
        colour: Option<&str>,
        addressbook: bool,
    ) -> Result<(), DavError> {
        let colour = colour
            .map(|c| format!("<a:calendar-color>{}</a:calendar-color>", xml::escape(c)))
            .unwrap_or_default();
        let (method, body) = if addressbook {
            (
                "MKCOL",
                format!(
                    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<d:mkcol xmlns:d=\"DAV:\" \
                     xmlns:cr=\"urn:ietf:params:xml:ns:carddav\"><d:set><d:prop><d:resourcetype>\
                     <d:collection/><cr:addressbook/></d:resourcetype><d:displayname>{}</d:displayname>\
                     </d:prop></d:set></d:mkcol>",
                    xml::escape(name)
                ),
            )
        } else {
            (
                "MKCALENDAR",
                format!(
                    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<c:mkcalendar xmlns:d=\"DAV:\" \
                     xmlns:c=\"urn:ietf:params:xml:ns:caldav\" xmlns:a=\"http://apple.com/ns/ical/\">\
                     <d:set><d:prop><d:displayname>{}</d:displayname>{colour}<c:supported-calendar-component-set>\
                     <c:comp name=\"VEVENT\"/></c:supported-calendar-component-set></d:prop></d:set></c:mkcalendar>",
                    xml::escape(name)
                ),
            )
        };
        let method =
            Method::from_bytes(method.as_bytes()).map_err(|e| DavError::Protocol(e.to_string()))?;
        self.send(method, url, &[], Some(body)).await?;
        Ok(())
    }

    /// The address books in `homes`.
    pub async fn addressbooks(&self, homes: &[Url]) -> Result<Vec<Url>, DavError> {
        let mut books = Vec::new();
        for home in homes {
            let found = self
                .report(
                    "PROPFIND",
                    home,
                    "1",
                    xml::propfind(&[("d", "resourcetype")]),
                )
                .await?;
            books.extend(
                found
                    .responses
                    .iter()
                    .filter(|r| r.has((DAV, "resourcetype"), (CARDDAV, "addressbook")))
                    .filter_map(|r| self.resolve(&r.href).ok()),
            );
        }
        Ok(books)
    }

    /// The events of `calendar` that overlap `[from, to)` (a `calendar-query` with a
    /// time-range; the server decides which objects match, recurrences included).
    pub async fn query(
        &self,
        calendar: &Url,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Resource>, DavError> {
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<c:calendar-query xmlns:d=\"DAV:\" \
             xmlns:c=\"urn:ietf:params:xml:ns:caldav\"><d:prop><d:getetag/><c:calendar-data/></d:prop>\
             <c:filter><c:comp-filter name=\"VCALENDAR\"><c:comp-filter name=\"VEVENT\">\
             <c:time-range start=\"{}\" end=\"{}\"/></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>",
            stamp(from),
            stamp(to)
        );
        let found = self.report("REPORT", calendar, "1", body).await?;
        Ok(self.resources(found, "calendar-data", CALDAV))
    }

    fn resources(&self, found: Multistatus, data: &str, namespace: &str) -> Vec<Resource> {
        found
            .responses
            .into_iter()
            .filter_map(|r| {
                let text = r.text(namespace, data)?.to_owned();
                Some(Resource {
                    href: self.resolve(&r.href).ok()?,
                    etag: r.text(DAV, "getetag").map(str::to_owned),
                    data: text,
                })
            })
            .collect()
    }

    /// What changed in `collection` since `token` (everything, without one): RFC 6578
    /// `sync-collection`, then the changed members' data in one `multiget`.
    /// [`DavError::StaleToken`] means: start again without a token;
    /// [`DavError::Unsupported`]: the server has no `sync-collection`, use [`Dav::compare`].
    pub async fn sync(
        &self,
        collection: &Url,
        holds: Holds,
        token: Option<&str>,
    ) -> Result<Changes, DavError> {
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<d:sync-collection xmlns:d=\"DAV:\">\
             <d:sync-token>{}</d:sync-token><d:sync-level>1</d:sync-level>\
             <d:prop><d:getetag/></d:prop></d:sync-collection>",
            xml::escape(token.unwrap_or_default())
        );
        let found = self.report("REPORT", collection, "0", body).await?;
        let mut changes = Changes {
            token: found.sync_token.clone(),
            ..Changes::default()
        };
        let mut hrefs = Vec::new();
        for response in &found.responses {
            let Ok(href) = self.resolve(&response.href) else {
                continue;
            };
            if href.path().trim_end_matches('/') == collection.path().trim_end_matches('/') {
                continue;
            }
            if response.status == Some(404) {
                changes.removed.push(href);
            } else {
                hrefs.push(href);
            }
        }
        if !hrefs.is_empty() {
            changes.changed = self.multiget(collection, &hrefs, holds).await?;
        }
        Ok(changes)
    }

    /// What changed in `collection` against the ETags already `known`, for servers without
    /// `sync-collection`: its members' ETags (PROPFIND, depth 1), then the data of those that
    /// are new or differ in one `multiget`. Members that are gone are `removed`.
    pub async fn compare(
        &self,
        collection: &Url,
        holds: Holds,
        known: &std::collections::HashMap<Url, Option<String>>,
    ) -> Result<Changes, DavError> {
        let listing = self
            .report(
                "PROPFIND",
                collection,
                "1",
                xml::propfind(&[("d", "getetag"), ("d", "resourcetype")]),
            )
            .await?;
        let mut listed = std::collections::HashSet::new();
        let mut hrefs = Vec::new();
        for response in &listing.responses {
            let Ok(href) = self.resolve(&response.href) else {
                continue;
            };
            if href.path().trim_end_matches('/') == collection.path().trim_end_matches('/')
                || href.path().ends_with('/')
            {
                continue;
            }
            let etag = response.text(DAV, "getetag").map(str::to_owned);
            if known.get(&href) != Some(&etag) || etag.is_none() {
                hrefs.push(href.clone());
            }
            listed.insert(href);
        }
        let mut changes = Changes {
            removed: known
                .keys()
                .filter(|href| !listed.contains(*href))
                .cloned()
                .collect(),
            ..Changes::default()
        };
        if !hrefs.is_empty() {
            changes.changed = self.multiget(collection, &hrefs, holds).await?;
        }
        Ok(changes)
    }

    /// The data of `hrefs` in `collection`, in batches of 100.
    pub async fn multiget(
        &self,
        collection: &Url,
        hrefs: &[Url],
        holds: Holds,
    ) -> Result<Vec<Resource>, DavError> {
        let (root, ns, data, namespace) = if holds == Holds::Cards {
            (
                "addressbook-multiget",
                "urn:ietf:params:xml:ns:carddav",
                "address-data",
                CARDDAV,
            )
        } else {
            (
                "calendar-multiget",
                "urn:ietf:params:xml:ns:caldav",
                "calendar-data",
                CALDAV,
            )
        };
        let mut out = Vec::new();
        for batch in hrefs.chunks(100) {
            let mut body = format!(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<x:{root} xmlns:d=\"DAV:\" xmlns:x=\"{ns}\">\
                 <d:prop><d:getetag/><x:{data}/></d:prop>"
            );
            for href in batch {
                body.push_str(&format!("<d:href>{}</d:href>", xml::escape(href.path())));
            }
            body.push_str(&format!("</x:{root}>"));
            let found = self.report("REPORT", collection, "1", body).await?;
            out.extend(self.resources(found, data, namespace));
        }
        Ok(out)
    }

    /// Saves `data` at `href`: only if it is still at `etag` (an edit), or only if nothing is
    /// there yet (`None`, a new object). Returns the new ETag when the server says it.
    pub async fn put(
        &self,
        href: &Url,
        data: String,
        etag: Option<&str>,
    ) -> Result<Option<String>, DavError> {
        let condition = match etag {
            Some(etag) => (header::IF_MATCH, etag.to_owned()),
            None => (header::IF_NONE_MATCH, "*".to_owned()),
        };
        let (_, headers, _) = self
            .send(Method::PUT, href, &[condition], Some(data))
            .await?;
        Ok(headers
            .get(header::ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned))
    }

    /// One object and its ETag.
    pub async fn get(&self, href: &Url) -> Result<Resource, DavError> {
        let (_, headers, data) = self.send(Method::GET, href, &[], None).await?;
        Ok(Resource {
            href: href.clone(),
            etag: headers
                .get(header::ETAG)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            data,
        })
    }

    /// Deletes `href` if it is still at `etag`.
    pub async fn delete(&self, href: &Url, etag: Option<&str>) -> Result<(), DavError> {
        let condition: Vec<_> = etag
            .map(|e| (header::IF_MATCH, e.to_owned()))
            .into_iter()
            .collect();
        self.send(Method::DELETE, href, &condition, None).await?;
        Ok(())
    }

    /// When the user is busy in `calendar` during `[from, to)` (RFC 4791 `free-busy-query`).
    pub async fn free_busy(
        &self,
        calendar: &Url,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Busy>, DavError> {
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<c:free-busy-query xmlns:c=\"urn:ietf:params:xml:ns:caldav\">\
             <c:time-range start=\"{}\" end=\"{}\"/></c:free-busy-query>",
            stamp(from),
            stamp(to)
        );
        let method =
            Method::from_bytes(b"REPORT").map_err(|e| DavError::Protocol(e.to_string()))?;
        let (_, _, text) = self
            .send(
                method,
                calendar,
                &[(header::HeaderName::from_static("depth"), "1".into())],
                Some(body),
            )
            .await?;
        Ok(crate::freebusy::periods(&text))
    }
}

fn found_vevent(response: &xml::Response) -> bool {
    response
        .prop(CALDAV, "supported-calendar-component-set")
        .is_some_and(|p| p.children.iter().any(|(_, n)| n == "comp"))
}

/// `#rrggbb` from a CalDAV colour (`#rrggbbaa` from Apple's property, or `#rgb`).
fn colour(value: &str) -> Option<String> {
    let hex = value.trim().strip_prefix('#')?;
    let hex = match hex.len() {
        3 => hex.chars().flat_map(|c| [c, c]).collect(),
        6 | 8 => hex[..6].to_owned(),
        _ => return None,
    };
    hex.chars()
        .all(|c| c.is_ascii_hexdigit())
        .then(|| format!("#{}", hex.to_ascii_lowercase()))
}

fn last_segment(url: &Url) -> String {
    url.path_segments()
        .and_then(|mut s| s.rfind(|s| !s.is_empty()))
        .unwrap_or_default()
        .to_owned()
}

fn stamp(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

fn content_type(body: &str) -> &'static str {
    if body.starts_with("BEGIN:VCALENDAR") {
        "text/calendar; charset=utf-8"
    } else if body.starts_with("BEGIN:VCARD") {
        "text/vcard; charset=utf-8"
    } else {
        "application/xml; charset=utf-8"
    }
}

fn short(text: &str) -> String {
    text.chars().take(200).collect()
}

/// Whether a vCard matches a search: its name, one of its addresses or its organisation
/// contains `query` (case-insensitively).
pub fn matches(contact: &Contact, query: &str) -> bool {
    let query = query.to_lowercase();
    query.is_empty()
        || contact.name.to_lowercase().contains(&query)
        || contact
            .emails
            .iter()
            .any(|e| e.to_lowercase().contains(&query))
        || contact
            .organization
            .as_ref()
            .is_some_and(|o| o.to_lowercase().contains(&query))
}
