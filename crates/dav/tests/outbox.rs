//! Others' busy times through the scheduling Outbox (RFC 6638), against a loopback server that
//! answers with the RFC's own example (fixtures/rfc6638, see its SOURCES.md): no server that
//! runs here has an Outbox.

mod common;

use chrono::{DateTime, Utc};
use sparks_dav::Dav;
use sparks_dav::schedule::{free_busy_request, schedule_response};
use tokio::io::AsyncWriteExt;

fn fixture(name: &str) -> String {
    let path = format!("{}/fixtures/rfc6638/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

type Period = (DateTime<Utc>, DateTime<Utc>);

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("a time")
        .with_timezone(&Utc)
}

/// The content lines of an iCalendar text that matter for a comparison (no stamps, no ids).
fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.starts_with("PRODID") && !l.starts_with("DTSTAMP") && !l.starts_with("UID"))
        .map(|l| match l.split_once(':') {
            // Names are not what the server needs; the properties and addresses are.
            Some((name, value)) => format!("{}:{value}", name.split(';').next().unwrap_or(name)),
            None => l.to_owned(),
        })
        .collect()
}

#[test]
fn the_request_is_the_documented_one() {
    let attendees = [
        "wilfredo@example.com".to_owned(),
        "bernard@example.net".to_owned(),
        "mike@example.org".to_owned(),
    ];
    let ours = free_busy_request(
        "4FD3AD926350",
        "cyrus@example.com",
        &attendees,
        utc("2009-06-02T00:00:00Z"),
        utc("2009-06-04T00:00:00Z"),
        utc("2009-06-02T19:04:20Z"),
    );
    assert_eq!(lines(&ours), lines(&fixture("freebusy.request.ics")));
    assert!(ours.contains("\r\n"), "content lines end in CRLF");
}

#[test]
fn the_documented_answer_reads_as_each_recipients_status() {
    let answers = schedule_response(&fixture("freebusy.response.xml")).expect("readable");
    let seen: Vec<(&str, &str, bool)> = answers
        .iter()
        .map(|a| {
            (
                a.recipient.as_str(),
                a.status.as_str(),
                a.calendar_data.is_some(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("wilfredo@example.com", "2.0;Success", true),
            ("bernard@example.net", "2.0;Success", true),
            ("mike@example.org", "3.7;Invalid calendar user", false),
        ]
    );
}

#[tokio::test]
async fn busy_times_of_those_the_server_knows() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let base = format!("http://{}/", listener.local_addr().expect("an address"));
    let answer = fixture("freebusy.response.xml");
    let server = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.expect("a request");
        let (head, body) = common::read_request(&mut stream).await.expect("a request");
        let reply = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/xml; charset=\"utf-8\"\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{answer}",
            answer.len()
        );
        stream.write_all(reply.as_bytes()).await.expect("write");
        format!("{head}\r\n\r\n{body}")
    });
    let dav = Dav::new(
        reqwest::Client::new(),
        url::Url::parse(&base).expect("a URL"),
        "test",
        "cyrus",
        "secret",
    );
    let outbox = url::Url::parse(&format!("{base}home/cyrus/calendars/outbox/")).expect("a URL");
    let attendees = [
        "wilfredo@example.com".to_owned(),
        "bernard@example.net".to_owned(),
        "mike@example.org".to_owned(),
    ];
    let schedules = dav
        .schedule_free_busy(
            &outbox,
            "cyrus@example.com",
            &attendees,
            utc("2009-06-02T00:00:00Z"),
            utc("2009-06-04T00:00:00Z"),
        )
        .await
        .expect("answered");
    let request = server.await.expect("served");
    assert!(
        request.starts_with("POST /home/cyrus/calendars/outbox/ HTTP/1.1"),
        "{request}"
    );
    assert!(
        request
            .to_ascii_lowercase()
            .contains("content-type: text/calendar")
    );
    assert!(request.contains("METHOD:REQUEST"));
    let busy: Vec<(&str, Vec<Period>)> = schedules
        .iter()
        .map(|s| {
            (
                s.email.as_str(),
                s.busy.iter().map(|b| (b.start, b.end)).collect(),
            )
        })
        .collect();
    assert_eq!(
        busy,
        [
            (
                "wilfredo@example.com",
                vec![
                    (utc("2009-06-02T11:00:00Z"), utc("2009-06-02T12:00:00Z")),
                    (utc("2009-06-03T17:00:00Z"), utc("2009-06-03T18:00:00Z")),
                ]
            ),
            (
                "bernard@example.net",
                vec![
                    (utc("2009-06-02T15:00:00Z"), utc("2009-06-02T16:00:00Z")),
                    (utc("2009-06-03T09:00:00Z"), utc("2009-06-03T10:00:00Z")),
                    (utc("2009-06-03T18:00:00Z"), utc("2009-06-03T19:00:00Z")),
                ]
            ),
        ],
        "Mike, whom the server does not know, is left out"
    );
}
