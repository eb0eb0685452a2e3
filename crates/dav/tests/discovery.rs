//! Finding the user's principal on servers whose root says nothing (RFC 6764 §5): a
//! contacts-only server found through `/.well-known/carddav` (redirected to its DAV root), and
//! a wrong password said at once. A loopback server plays the server.

mod common;

use sparks_dav::{Dav, DavError};

fn multistatus(href: &str, props: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<d:multistatus xmlns:d=\"DAV:\" \
         xmlns:cr=\"urn:ietf:params:xml:ns:carddav\"><d:response><d:href>{href}</d:href>\
         <d:propstat><d:prop>{props}</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>\
         </d:response></d:multistatus>"
    )
}

/// A CardDAV server at /dav/ whose root is a plain collection, that has no CalDAV and does not
/// answer OPTIONS.
fn contacts_only(method: &str, path: &str, body: &str) -> (u16, String) {
    if method != "PROPFIND" {
        return (405, String::new());
    }
    match path {
        "/" => (
            207,
            multistatus("/", "<d:resourcetype><d:collection/></d:resourcetype>"),
        ),
        "/.well-known/caldav" => (404, String::new()),
        "/.well-known/carddav" => (301, "/dav/".into()),
        "/dav/" if body.contains("current-user-principal") => (
            207,
            multistatus(
                "/dav/",
                "<d:current-user-principal><d:href>/dav/principals/ann/</d:href>\
                 </d:current-user-principal>",
            ),
        ),
        "/dav/principals/ann/" => (
            207,
            multistatus(
                "/dav/principals/ann/",
                "<cr:addressbook-home-set><d:href>/dav/addressbooks/ann/</d:href>\
                 </cr:addressbook-home-set>",
            ),
        ),
        _ => (404, String::new()),
    }
}

#[tokio::test]
async fn a_contacts_only_server_is_found_through_its_well_known_address() {
    let base = common::serve(contacts_only).await;
    let dav = Dav::new(
        reqwest::Client::new(),
        base.clone(),
        "test",
        "ann",
        "secret",
    );
    let principal = dav.discover().await.expect("discovers");
    let at = |path: &str| base.join(path).expect("a URL");
    assert_eq!(principal.url, Some(at("/dav/principals/ann/")));
    assert_eq!(principal.addressbook_homes, [at("/dav/addressbooks/ann/")]);
    assert!(principal.calendar_homes.is_empty());
}

#[tokio::test]
async fn a_wrong_password_is_said_without_looking_elsewhere() {
    let base = common::serve(|_, _, _| (401, String::new())).await;
    let dav = Dav::new(reqwest::Client::new(), base, "test", "ann", "wrong");
    assert_eq!(dav.discover().await, Err(DavError::Unauthorized));
}
