//! CalDAV and CardDAV against the real Radicale that `cargo xtask test` starts: two users, a
//! calendar Alice shares with Bob, concurrent edits, sync-token resume, free/busy, contacts.

use chrono::{DateTime, TimeZone, Utc};
use sparks_api::pim::{Attendee, EventDetails, Participation};
use sparks_dav::{AddressBook, CalendarCache, Dav, DavError, Holds, ical};
use sparks_tests::unique;
use url::Url;

const ZONE: chrono_tz::Tz = chrono_tz::Europe::Berlin;

fn server() -> Url {
    let url = std::env::var("SPARKS_TEST_RADICALE")
        .expect("SPARKS_TEST_RADICALE is not set: run the tests with `cargo xtask test`");
    Url::parse(&url).expect("a URL")
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .expect("a client")
}

fn account(user: &str, password: &str) -> Dav {
    Dav::new(http(), server(), "radicale", user, password)
}

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, day, hour, 0, 0)
        .single()
        .expect("a time")
}

fn meeting(title: &str, day: u32, hour: u32) -> EventDetails {
    EventDetails {
        title: title.into(),
        start: at(day, hour),
        end: at(day, hour + 1),
        all_day: false,
        time_zone: Some("Europe/Berlin".into()),
        location: String::new(),
        description: String::new(),
        organizer: None,
        attendees: vec![Attendee {
            email: "bob@example.org".into(),
            name: Some("Bob".into()),
            status: Participation::NeedsAction,
        }],
        meeting: None,
        reminders: vec![],
        repeat: None,
    }
}

/// Alice's new calendar `name` (created now), as Alice and Bob can address it.
async fn calendar(alice: &Dav, name: &str) -> Url {
    let url = server().join(&format!("alice/{name}/")).expect("a URL");
    alice.discover().await.expect("Alice's principal");
    alice
        .create_collection(&url, name, Some("#3366ffff"), false)
        .await
        .expect("MKCALENDAR");
    url
}

async fn create(dav: &Dav, calendar: &Url, details: &EventDetails) -> (Url, Option<String>) {
    let uid = unique("event");
    let href = calendar.join(&format!("{uid}.ics")).expect("a URL");
    let etag = dav
        .put(&href, ical::create(&uid, details, Utc::now()), None)
        .await
        .expect("PUT");
    (href, etag)
}

#[tokio::test]
async fn discovery_finds_homes_and_calendars_with_colours() {
    let alice = account("alice", "alicepass");
    let name = unique("work");
    let url = calendar(&alice, &name).await;
    let principal = alice.discover().await.expect("discovers");
    assert_eq!(
        principal.url.as_ref().map(Url::path),
        Some("/alice/"),
        "{principal:?}"
    );
    assert!(!principal.calendar_homes.is_empty(), "{principal:?}");
    assert!(
        !principal.schedules,
        "Radicale does not schedule (RFC 6638)"
    );
    let calendars = alice
        .calendars(&principal.calendar_homes, &[])
        .await
        .expect("lists");
    let work = calendars
        .iter()
        .find(|c| c.id == url.as_str())
        .expect("the new calendar");
    assert_eq!(work.name, name);
    assert_eq!(work.color.as_deref(), Some("#3366ff"));
    assert!(work.writable);
    assert_eq!(work.source, "radicale");
}

#[tokio::test]
async fn a_wrong_password_is_unauthorized() {
    let error = account("alice", "wrong")
        .discover()
        .await
        .expect_err("refused");
    assert_eq!(error, DavError::Unauthorized);
}

#[tokio::test]
async fn bob_sees_and_edits_alices_shared_calendar_and_concurrent_edits_conflict() {
    let alice = account("alice", "alicepass");
    let bob = account("bob", "bobpass");
    // Radicale's rights give Bob `alice/shared`; it exists once per server.
    let shared = server().join("alice/shared/").expect("a URL");
    alice.discover().await.expect("Alice's home");
    match alice
        .create_collection(&shared, "Shared", None, false)
        .await
    {
        Ok(()) | Err(DavError::Forbidden(_)) | Err(DavError::Conflict) => {}
        Err(DavError::Protocol(p)) if p.contains("405") => {}
        Err(other) => panic!("MKCALENDAR: {other}"),
    }
    let title = unique("review");
    let (href, etag) = create(&alice, &shared, &meeting(&title, 14, 9)).await;

    // Bob's home does not list it (Radicale never does): it is added by URL.
    let principal = bob.discover().await.expect("Bob's principal");
    let calendars = bob
        .calendars(&principal.calendar_homes, std::slice::from_ref(&shared))
        .await
        .expect("lists");
    let listed = calendars
        .iter()
        .find(|c| c.id == shared.as_str())
        .expect("the shared calendar");
    assert!(listed.writable);
    let mut bobs = CalendarCache::new(listed.clone()).expect("a cache");
    bobs.refresh(&bob).await.expect("syncs");
    let seen = bobs.events(at(14, 0), at(15, 0), ZONE);
    let event = seen
        .iter()
        .find(|e| e.details.title == title)
        .expect("Alice's event");
    assert_eq!(event.details.start, at(14, 9));
    assert!(etag.is_some(), "Radicale answers a PUT with the new ETag");
    assert_eq!(
        event.at.version, etag,
        "the synced version is the one the PUT made"
    );
    let seen_etag = event.at.version.clone().expect("an ETag");

    // Both edit the version they saw: Alice first, so Bob's edit is refused.
    let (text, _) = bobs.object(&href).expect("the object");
    let mut alices = meeting(&format!("{title} (Alice)"), 14, 10);
    alices.attendees.clear();
    let alice_text = ical::update(text, None, &alices, Utc::now()).expect("edits");
    alice
        .put(&href, alice_text, Some(&seen_etag))
        .await
        .expect("Alice's edit");
    let bobs_text = ical::update(
        text,
        None,
        &meeting(&format!("{title} (Bob)"), 14, 11),
        Utc::now(),
    )
    .expect("edits");
    let refused = bob.put(&href, bobs_text, Some(&seen_etag)).await;
    assert_eq!(refused, Err(DavError::Conflict), "never overwritten");

    // Bob syncs from his token: one change, Alice's.
    let token = bobs.token().map(str::to_owned).expect("a sync token");
    let changed = bobs.refresh(&bob).await.expect("syncs again");
    assert_eq!(changed, 1);
    assert_ne!(bobs.token(), Some(token.as_str()));
    let seen = bobs.events(at(14, 0), at(15, 0), ZONE);
    let event = seen
        .iter()
        .find(|e| e.at.id == href.as_str())
        .expect("the event");
    assert_eq!(event.details.title, format!("{title} (Alice)"));
    assert_eq!(event.details.start, at(14, 10));

    // A delete with a stale ETag is refused too; with the current one it goes.
    assert_eq!(
        bob.delete(&href, Some(&seen_etag)).await,
        Err(DavError::Conflict)
    );
    bob.delete(&href, event.at.version.as_deref())
        .await
        .expect("deletes");
    bobs.refresh(&bob).await.expect("syncs");
    assert!(
        bobs.events(at(14, 0), at(15, 0), ZONE)
            .iter()
            .all(|e| e.at.id != href.as_str())
    );
}

#[tokio::test]
async fn sync_resumes_from_its_token_and_starts_over_from_a_stale_one() {
    let alice = account("alice", "alicepass");
    let url = calendar(&alice, &unique("sync")).await;
    let (first, _) = create(&alice, &url, &meeting("First", 2, 9)).await;
    let info = alice
        .calendars(&[], std::slice::from_ref(&url))
        .await
        .expect("lists")
        .pop()
        .expect("the calendar");
    let mut cache = CalendarCache::new(info.clone()).expect("a cache");
    assert_eq!(cache.refresh(&alice).await.expect("syncs"), 1);
    assert_eq!(
        cache.refresh(&alice).await.expect("syncs"),
        0,
        "nothing new"
    );

    create(&alice, &url, &meeting("Second", 3, 9)).await;
    create(&alice, &url, &meeting("Third", 4, 9)).await;
    alice.delete(&first, None).await.expect("deletes");
    assert_eq!(cache.refresh(&alice).await.expect("syncs"), 3);
    let titles: Vec<_> = cache
        .events(at(1, 0), at(31, 0), ZONE)
        .into_iter()
        .map(|e| e.details.title)
        .collect();
    assert_eq!(titles, ["Second", "Third"]);

    // The server refuses a token it never gave (what the cache does then is tested in the
    // DAV crate's sync tests).
    let stale = alice
        .sync(
            &url,
            Holds::Events,
            Some("http://radicale.org/ns/sync/not-a-token"),
        )
        .await;
    assert_eq!(stale, Err(DavError::StaleToken));

    // A time-range query asks the server itself.
    let found = alice
        .query(&url, at(3, 0), at(4, 0))
        .await
        .expect("queries");
    assert_eq!(found.len(), 1);
    assert!(found[0].data.contains("SUMMARY:Second"));

    // Free/busy from the server.
    let busy = alice
        .free_busy(&url, at(1, 0), at(31, 0))
        .await
        .expect("free/busy");
    assert_eq!(
        busy.iter().map(|b| (b.start, b.end)).collect::<Vec<_>>(),
        [(at(3, 9), at(3, 10)), (at(4, 9), at(4, 10))]
    );
}

#[tokio::test]
async fn a_weekly_series_expands_and_one_instance_moves() {
    let alice = account("alice", "alicepass");
    let url = calendar(&alice, &unique("series")).await;
    let uid = unique("weekly");
    let href = url.join(&format!("{uid}.ics")).expect("a URL");
    let mut text = ical::create(&uid, &meeting("Weekly", 7, 9), Utc::now());
    text = text.replace("DTSTART;", "RRULE:FREQ=WEEKLY;COUNT=4\r\nDTSTART;");
    let etag = alice.put(&href, text.clone(), None).await.expect("PUT");
    let moved = ical::update(
        &text,
        Some(at(14, 9)),
        &meeting("Weekly (moved)", 15, 12),
        Utc::now(),
    )
    .expect("moves one");
    let etag = alice
        .put(&href, moved, etag.as_deref())
        .await
        .expect("saves");
    assert!(etag.is_some());
    let info = alice
        .calendars(&[], std::slice::from_ref(&url))
        .await
        .expect("lists")
        .pop()
        .expect("the calendar");
    let mut cache = CalendarCache::new(info).expect("a cache");
    cache.refresh(&alice).await.expect("syncs");
    let seen: Vec<_> = cache
        .events(at(1, 0), at(31, 23), ZONE)
        .into_iter()
        .map(|e| (e.details.title, e.details.start))
        .collect();
    assert_eq!(
        seen,
        [
            ("Weekly".to_owned(), at(7, 9)),
            ("Weekly (moved)".to_owned(), at(15, 12)),
            ("Weekly".to_owned(), at(21, 9)),
            ("Weekly".to_owned(), at(28, 9)),
        ]
    );
}

#[tokio::test]
async fn contacts_are_found_by_name_address_and_organisation() {
    let alice = account("alice", "alicepass");
    alice.discover().await.expect("Alice's home");
    let book = server()
        .join(&format!("alice/{}/", unique("contacts")))
        .expect("a URL");
    alice
        .create_collection(&book, "Contacts", None, true)
        .await
        .expect("MKCOL");
    let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:carol\r\nFN:Carol Example\r\n\
                EMAIL:carol@example.org\r\nORG:Acme\r\nIMPP:matrix:u/carol:example.org\r\nEND:VCARD\r\n";
    alice
        .put(&book.join("carol.vcf").expect("a URL"), card.into(), None)
        .await
        .expect("PUT");
    let principal = alice.discover().await.expect("discovers");
    let books = alice
        .addressbooks(&principal.addressbook_homes)
        .await
        .expect("lists");
    assert!(books.contains(&book), "{books:?}");
    let mut contacts = AddressBook::new("radicale", book);
    assert_eq!(contacts.refresh(&alice).await.expect("syncs"), 1);
    for query in ["carol", "EXAMPLE.ORG", "acme"] {
        let found = contacts.search(query);
        assert_eq!(found.len(), 1, "{query}");
        assert_eq!(found[0].matrix.as_deref(), Some("@carol:example.org"));
    }
    assert!(contacts.search("nobody").is_empty());
}
