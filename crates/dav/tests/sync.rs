//! How the caches keep up with a collection when the server is not Radicale: a sync token the
//! server has forgotten (the cache starts over and keeps nothing stale), and a server without
//! RFC 6578 `sync-collection` (the cache compares ETags from a PROPFIND and fetches only what
//! changed). A loopback server plays the CalDAV/CardDAV server, answering as RFC 6578 §3.2 and
//! RFC 3253 §3.6 describe.

mod common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use sparks_api::pim::Calendar;
use sparks_dav::{AddressBook, CalendarCache, Dav};
use url::Url;

/// The collection as the server has it, and what the client asked.
#[derive(Default)]
struct Server {
    /// path → (ETag, data)
    members: BTreeMap<String, (String, String)>,
    /// The server has `sync-collection` and hands out this token; `None`: it has none.
    token: Option<u32>,
    /// Tokens before this one are forgotten.
    oldest_token: u32,
    /// The hrefs each multiget asked for.
    fetched: Vec<Vec<String>>,
    methods: Vec<String>,
}

impl Server {
    /// Puts (or replaces) the member at `path`.
    fn put(&mut self, path: &str, etag: &str, data: String) {
        self.members.insert(path.into(), (etag.into(), data));
    }
}

type Shared = Arc<Mutex<Server>>;

fn multistatus(responses: &str, token: Option<u32>) -> String {
    let token = token.map_or(String::new(), |t| {
        format!("<d:sync-token>t{t}</d:sync-token>")
    });
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<d:multistatus xmlns:d=\"DAV:\" \
         xmlns:c=\"urn:ietf:params:xml:ns:caldav\" xmlns:a=\"urn:ietf:params:xml:ns:carddav\">\
         {responses}{token}</d:multistatus>"
    )
}

fn member(path: &str, etag: &str, data: Option<(&str, &str)>) -> String {
    let data = data.map_or(String::new(), |(element, text)| {
        format!("<{element}>{text}</{element}>")
    });
    format!(
        "<d:response><d:href>{path}</d:href><d:propstat><d:prop><d:getetag>{etag}</d:getetag>\
         {data}</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>"
    )
}

fn answer(server: &Shared, method: &str, path: &str, body: &str) -> (u16, String) {
    let mut s = server.lock().expect("server state");
    s.methods.push(method.to_owned());
    let collection = path.trim_end_matches('/');
    let listing = |s: &Server| -> String {
        s.members
            .iter()
            .map(|(p, (etag, _))| member(p, etag, None))
            .collect()
    };
    if method == "REPORT" && body.contains("sync-collection") {
        let Some(current) = s.token else {
            return (
                403,
                "<d:error xmlns:d=\"DAV:\"><d:supported-report/></d:error>".into(),
            );
        };
        let asked = body
            .split("<d:sync-token>")
            .nth(1)
            .and_then(|rest| rest.split('<').next())
            .unwrap_or_default();
        let known = asked
            .strip_prefix('t')
            .and_then(|n| n.parse::<u32>().ok())
            .is_some_and(|n| n >= s.oldest_token);
        if !asked.is_empty() && !known {
            return (
                403,
                "<d:error xmlns:d=\"DAV:\"><d:valid-sync-token/></d:error>".into(),
            );
        }
        // A fresh sync lists everything; this server answers every resume in full too, which
        // RFC 6578 allows (the client must cope with members it has already).
        return (207, multistatus(&listing(&s), Some(current)));
    }
    if method == "PROPFIND" {
        let own = format!(
            "<d:response><d:href>{collection}/</d:href><d:propstat><d:prop><d:resourcetype>\
             <d:collection/></d:resourcetype></d:prop><d:status>HTTP/1.1 200 OK</d:status>\
             </d:propstat></d:response>"
        );
        return (207, multistatus(&(own + &listing(&s)), None));
    }
    if method == "REPORT" && body.contains("multiget") {
        let element = if body.contains("addressbook-multiget") {
            "a:address-data"
        } else {
            "c:calendar-data"
        };
        let hrefs: Vec<String> = body
            .split("<d:href>")
            .skip(1)
            .filter_map(|rest| rest.split("</d:href>").next())
            .map(|href| {
                Url::parse(href)
                    .map(|u| u.path().to_owned())
                    .unwrap_or_else(|_| href.to_owned())
            })
            .collect();
        let found: String = hrefs
            .iter()
            .filter_map(|h| {
                let (etag, data) = s.members.get(h)?;
                Some(member(h, etag, Some((element, data))))
            })
            .collect();
        s.fetched.push(hrefs);
        return (207, multistatus(&found, None));
    }
    (405, String::new())
}

/// Serves `server` on a loopback port; returns its base URL.
async fn serve(server: Shared) -> Url {
    common::serve(move |method, path, body| answer(&server, method, path, body)).await
}

fn event(uid: &str, title: &str, day: u32) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nBEGIN:VEVENT\r\nUID:{uid}\r\n\
         DTSTAMP:20261201T000000Z\r\nDTSTART:202612{day:02}T090000Z\r\n\
         DTEND:202612{day:02}T100000Z\r\nSUMMARY:{title}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
}

fn card(uid: &str, name: &str) -> String {
    format!(
        "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:{uid}\r\nFN:{name}\r\n\
         EMAIL:{uid}@example.org\r\nEND:VCARD\r\n"
    )
}

async fn calendar(server: &Shared) -> (Dav, CalendarCache) {
    let base = serve(server.clone()).await;
    let dav = Dav::new(reqwest::Client::new(), base.clone(), "test", "u", "p");
    let cache = CalendarCache::new(Calendar {
        source: "test".into(),
        id: base.join("cal/").expect("a URL").to_string(),
        name: "Test".into(),
        color: None,
        writable: true,
    })
    .expect("a cache");
    (dav, cache)
}

fn titles(cache: &CalendarCache) -> Vec<String> {
    let from = chrono::DateTime::parse_from_rfc3339("2026-12-01T00:00:00Z")
        .expect("a time")
        .to_utc();
    cache
        .events(from, from + chrono::Duration::days(31), chrono_tz::UTC)
        .into_iter()
        .map(|e| e.details.title)
        .collect()
}

#[tokio::test]
async fn a_forgotten_sync_token_starts_over_and_keeps_nothing_stale() {
    let server = Shared::default();
    {
        let mut s = server.lock().expect("state");
        s.token = Some(1);
        s.put("/cal/a.ics", "\"1\"", event("a", "First", 2));
        s.put("/cal/b.ics", "\"1\"", event("b", "Second", 3));
    }
    let (dav, mut cache) = calendar(&server).await;
    assert_eq!(cache.refresh(&dav).await.expect("syncs"), 2);
    assert_eq!(cache.token(), Some("t1"));
    {
        // The server forgets every token it gave, and "First" goes meanwhile.
        let mut s = server.lock().expect("state");
        s.members.remove("/cal/a.ics");
        s.token = Some(2);
        s.oldest_token = 2;
    }
    cache.refresh(&dav).await.expect("starts over");
    assert_eq!(
        titles(&cache),
        ["Second"],
        "nothing the server no longer has"
    );
    assert_eq!(cache.token(), Some("t2"));
}

#[tokio::test]
async fn without_sync_collection_etags_are_compared_and_only_changes_fetched() {
    let server = Shared::default();
    {
        let mut s = server.lock().expect("state");
        s.put("/cal/a.ics", "\"1\"", event("a", "First", 2));
        s.put("/cal/b.ics", "\"1\"", event("b", "Second", 3));
        s.put("/cal/c.ics", "\"1\"", event("c", "Third", 4));
    }
    let (dav, mut cache) = calendar(&server).await;
    assert_eq!(cache.refresh(&dav).await.expect("lists"), 3);
    assert_eq!(titles(&cache), ["First", "Second", "Third"]);
    {
        let mut s = server.lock().expect("state");
        s.members.remove("/cal/a.ics");
        s.put("/cal/b.ics", "\"2\"", event("b", "Second, moved", 5));
        s.put("/cal/d.ics", "\"1\"", event("d", "Fourth", 6));
        s.fetched.clear();
        s.methods.clear();
    }
    assert_eq!(cache.refresh(&dav).await.expect("compares"), 3);
    assert_eq!(titles(&cache), ["Third", "Second, moved", "Fourth"]);
    let s = server.lock().expect("state");
    assert_eq!(
        s.fetched,
        [vec!["/cal/b.ics".to_owned(), "/cal/d.ics".to_owned()]]
    );
    // Once known to be missing, sync-collection is not asked for again.
    assert_eq!(s.methods, ["PROPFIND", "REPORT"]);
}

#[tokio::test]
async fn address_books_are_read_as_cards_whatever_their_members_are_called() {
    let server = Shared::default();
    {
        let mut s = server.lock().expect("state");
        s.token = Some(1);
        // Neither name ends in .vcf (servers name cards as they like).
        s.put("/book/1", "\"1\"", card("ann", "Ann Example"));
        s.put("/book/card-2", "\"1\"", card("bo", "Bo Example"));
    }
    let base = serve(server.clone()).await;
    let dav = Dav::new(reqwest::Client::new(), base.clone(), "test", "u", "p");
    let mut book = AddressBook::new("test", base.join("book/").expect("a URL"));
    assert_eq!(book.refresh(&dav).await.expect("syncs"), 2);
    let names: Vec<String> = book.search("example").into_iter().map(|c| c.name).collect();
    assert_eq!(names, ["Ann Example", "Bo Example"]);
    // And by comparing ETags on a server without sync-collection.
    {
        let mut s = server.lock().expect("state");
        s.token = None;
        s.put("/book/1", "\"2\"", card("ann", "Ann Renamed"));
    }
    assert_eq!(book.refresh(&dav).await.expect("compares"), 1);
    let names: Vec<String> = book.search("ann").into_iter().map(|c| c.name).collect();
    assert_eq!(names, ["Ann Renamed"]);
}
