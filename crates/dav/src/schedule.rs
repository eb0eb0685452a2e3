//! Scheduling through the user's Outbox (RFC 6638 §5): others' busy times, asked with a
//! VFREEBUSY REQUEST POSTed there. The server answers for each recipient it knows with a
//! `schedule-response`; the ones it cannot answer for are left out.

use chrono::{DateTime, Utc};
use quick_xml::events::Event as XmlEvent;
use quick_xml::reader::NsReader;
use reqwest::Method;
use sparks_api::pim::Schedule;
use url::Url;

use crate::client::{Dav, DavError};

/// What the server said for one recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The recipient's address, without `mailto:`.
    pub recipient: String,
    /// The iTIP request status, such as `2.0;Success`.
    pub status: String,
    pub calendar_data: Option<String>,
}

/// Reads a `schedule-response` (elements matched by local name, whatever the prefixes).
pub fn schedule_response(body: &str) -> Result<Vec<Answer>, String> {
    let mut reader = NsReader::from_str(body);
    let mut path: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut answers = Vec::new();
    let mut current: Option<Answer> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("malformed XML: {e}"))?;
        match event {
            XmlEvent::Start(start) => {
                let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                if name == "response" {
                    current = Some(Answer {
                        recipient: String::new(),
                        status: String::new(),
                        calendar_data: None,
                    });
                }
                path.push(name);
                text.clear();
            }
            XmlEvent::Text(t) => {
                text.push_str(&t.decode().map_err(|e| format!("malformed XML: {e}"))?);
            }
            XmlEvent::CData(t) => text.push_str(&String::from_utf8_lossy(&t)),
            XmlEvent::GeneralRef(r) => match r.as_ref() {
                b"lt" => text.push('<'),
                b"gt" => text.push('>'),
                b"amp" => text.push('&'),
                b"quot" => text.push('"'),
                b"apos" => text.push('\''),
                _ => {}
            },
            XmlEvent::End(_) => {
                let name = path.pop().unwrap_or_default();
                let inside_recipient = path.last().is_some_and(|p| p == "recipient");
                if let Some(answer) = &mut current {
                    let value = text.trim();
                    match name.as_str() {
                        // An `href` inside the recipient, or (older servers) its text itself.
                        "href" if inside_recipient => answer.recipient = address(value),
                        "recipient" if answer.recipient.is_empty() => {
                            answer.recipient = address(value);
                        }
                        "request-status" => answer.status = value.to_owned(),
                        "calendar-data" => answer.calendar_data = Some(text.clone()),
                        "response" => answers.extend(current.take()),
                        _ => {}
                    }
                }
                text.clear();
            }
            XmlEvent::Eof => break,
            _ => {}
        }
    }
    if !path.is_empty() {
        return Err("the XML ends too early".into());
    }
    Ok(answers)
}

fn address(value: &str) -> String {
    let value = value.trim();
    let bare = value
        .get(..7)
        .filter(|scheme| scheme.eq_ignore_ascii_case("mailto:"))
        .map_or(value, |_| &value[7..]);
    bare.to_owned()
}

/// RFC 5545 TEXT-safe: an address goes on a content line as it is, less what could end it.
fn clean(address: &str) -> String {
    address.replace(['\r', '\n', ',', ';', ':'], "")
}

/// The VFREEBUSY REQUEST `organizer` sends to ask about `attendees` in `[from, to)`.
pub fn free_busy_request(
    uid: &str,
    organizer: &str,
    attendees: &[String],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> String {
    let stamp = |t: DateTime<Utc>| t.format("%Y%m%dT%H%M%SZ").to_string();
    let mut text = format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Sparks//Sparks//EN\r\nMETHOD:REQUEST\r\n\
         BEGIN:VFREEBUSY\r\nUID:{}\r\nDTSTAMP:{}\r\nDTSTART:{}\r\nDTEND:{}\r\n\
         ORGANIZER:mailto:{}\r\n",
        clean(uid),
        stamp(now),
        stamp(from),
        stamp(to),
        clean(organizer)
    );
    for attendee in attendees {
        text.push_str(&format!("ATTENDEE:mailto:{}\r\n", clean(attendee)));
    }
    text.push_str("END:VFREEBUSY\r\nEND:VCALENDAR\r\n");
    text
}

impl Dav {
    /// The busy times of `attendees` in `[from, to)`, asked as `organizer` through `outbox`.
    /// Recipients the server does not know (or cannot answer for) are left out.
    pub async fn schedule_free_busy(
        &self,
        outbox: &Url,
        organizer: &str,
        attendees: &[String],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Schedule>, DavError> {
        if attendees.is_empty() {
            return Ok(Vec::new());
        }
        let uid = format!("{:016x}@sparks", rand::random::<u64>());
        let body = free_busy_request(&uid, organizer, attendees, from, to, Utc::now());
        let (_, _, text) = self.send(Method::POST, outbox, &[], Some(body)).await?;
        let answers = schedule_response(&text).map_err(DavError::Protocol)?;
        Ok(answers
            .into_iter()
            .filter(|a| a.status.starts_with("2."))
            .map(|a| Schedule {
                busy: a
                    .calendar_data
                    .as_deref()
                    .map(crate::freebusy::periods)
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|b| b.end > from && b.start < to)
                    .collect(),
                email: a.recipient,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_or_broken_answers_are_errors_or_nothing() {
        assert!(schedule_response("<a><b></a>").is_err());
        assert!(
            schedule_response("<C:schedule-response xmlns:C=\"urn:ietf:params:xml:ns:caldav\">")
                .is_err()
        );
        assert_eq!(schedule_response("<x/>"), Ok(Vec::new()));
        let injected = free_busy_request(
            "u",
            "me@example.org\r\nATTENDEE:mailto:spy@evil.test",
            &["a@example.org;x".into()],
            DateTime::UNIX_EPOCH,
            DateTime::UNIX_EPOCH,
            DateTime::UNIX_EPOCH,
        );
        let attendees = injected
            .lines()
            .filter(|l| l.starts_with("ATTENDEE"))
            .count();
        assert_eq!(attendees, 1, "{injected}");
        assert!(!injected.contains("\r\nATTENDEE:mailto:spy"));
    }
}
