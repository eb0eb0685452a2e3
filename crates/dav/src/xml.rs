//! WebDAV's XML: the request bodies Sparks sends and the `multistatus` answers it reads.
//! Elements are matched by namespace and local name, whatever prefixes the server uses.

use quick_xml::events::Event as XmlEvent;
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

pub const DAV: &str = "DAV:";
pub const CALDAV: &str = "urn:ietf:params:xml:ns:caldav";
pub const CARDDAV: &str = "urn:ietf:params:xml:ns:carddav";
pub const APPLE: &str = "http://apple.com/ns/ical/";

/// One property of a `propstat` that the server answered with 200.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Prop {
    pub namespace: String,
    pub name: String,
    /// Its text (for `displayname`, `getetag`, `calendar-data`, …).
    pub text: String,
    /// The elements inside it, at any depth (`resourcetype`'s `calendar`, privileges).
    pub children: Vec<(String, String)>,
    /// The `href`s inside it (`current-user-principal`, `calendar-home-set`).
    pub hrefs: Vec<String>,
}

/// One `response` of a `multistatus`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Response {
    pub href: String,
    /// The response's own status code (sync-collection reports removed members with 404).
    pub status: Option<u16>,
    pub props: Vec<Prop>,
}

impl Response {
    pub fn prop(&self, namespace: &str, name: &str) -> Option<&Prop> {
        self.props
            .iter()
            .find(|p| p.namespace == namespace && p.name == name)
    }

    pub fn text(&self, namespace: &str, name: &str) -> Option<&str> {
        self.prop(namespace, name)
            .map(|p| p.text.trim())
            .filter(|t| !t.is_empty())
    }

    /// Whether `prop` contains the element `namespace:name`.
    pub fn has(&self, prop: (&str, &str), child: (&str, &str)) -> bool {
        self.prop(prop.0, prop.1).is_some_and(|p| {
            p.children
                .iter()
                .any(|(ns, n)| ns == child.0 && n == child.1)
        })
    }
}

/// A parsed `multistatus`: its responses, and the collection's new `sync-token` (RFC 6578).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Multistatus {
    pub responses: Vec<Response>,
    pub sync_token: Option<String>,
}

fn status_code(line: &str) -> Option<u16> {
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Where the reader is in a `multistatus`.
#[derive(Default)]
struct State {
    out: Multistatus,
    /// The elements from the root to here, as (namespace, local name).
    path: Vec<(String, String)>,
    response: Response,
    propstat: Vec<Prop>,
    propstat_ok: bool,
    prop: Option<Prop>,
    text: String,
}

impl State {
    fn open(&mut self, namespace: String, name: String) {
        let in_prop = self
            .path
            .last()
            .is_some_and(|(ns, n)| ns == DAV && n == "prop");
        if in_prop {
            self.prop = Some(Prop {
                namespace: namespace.clone(),
                name: name.clone(),
                ..Prop::default()
            });
        } else if let Some(prop) = self.prop.as_mut() {
            prop.children.push((namespace.clone(), name.clone()));
        }
        if namespace == DAV && name == "propstat" {
            self.propstat.clear();
            self.propstat_ok = true;
        }
        self.text.clear();
        self.path.push((namespace, name));
    }

    fn close(&mut self) {
        let Some((namespace, name)) = self.path.pop() else {
            return;
        };
        let text = std::mem::take(&mut self.text);
        let parent = self.path.last().map(|(ns, n)| (ns.as_str(), n.as_str()));
        let dav = namespace == DAV;
        match (dav, name.as_str(), parent) {
            (true, "href", Some((DAV, "response"))) => self.response.href = text.trim().into(),
            (true, "href", _) => {
                if let Some(prop) = self.prop.as_mut() {
                    prop.hrefs.push(text.trim().into());
                }
            }
            (true, "status", Some((DAV, "propstat"))) => {
                self.propstat_ok = status_code(&text).is_some_and(|c| (200..300).contains(&c));
            }
            (true, "status", Some((DAV, "response"))) => {
                self.response.status = status_code(&text);
            }
            (true, "propstat", _) => {
                if self.propstat_ok {
                    self.response.props.append(&mut self.propstat);
                }
                self.propstat.clear();
            }
            (true, "response", _) => {
                self.out.responses.push(std::mem::take(&mut self.response));
            }
            (true, "sync-token", Some((DAV, "multistatus"))) => {
                self.out.sync_token = Some(text.trim().into()).filter(|t: &String| !t.is_empty());
            }
            _ => {}
        }
        let closes_prop = parent.is_some_and(|(ns, n)| ns == DAV && n == "prop");
        if closes_prop {
            if let Some(mut prop) = self.prop.take() {
                if prop.text.is_empty() {
                    prop.text = text;
                }
                self.propstat.push(prop);
            }
        } else if let Some(prop) = self.prop.as_mut()
            && prop.children.is_empty()
        {
            prop.text.push_str(&text);
        }
    }
}

/// Reads a `multistatus`. Properties in a `propstat` whose status is not 2xx are left out.
pub fn multistatus(body: &str) -> Result<Multistatus, String> {
    let mut reader = NsReader::from_str(body);
    let mut state = State::default();
    let mut seen_root = false;
    loop {
        let (resolve, event) = reader
            .read_resolved_event()
            .map_err(|e| format!("malformed XML: {e}"))?;
        let namespace = match resolve {
            ResolveResult::Bound(ns) => String::from_utf8_lossy(ns.as_ref()).into_owned(),
            _ => String::new(),
        };
        match event {
            XmlEvent::Start(start) => {
                seen_root = true;
                let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                state.open(namespace, name);
            }
            XmlEvent::Empty(start) => {
                seen_root = true;
                let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                state.open(namespace, name);
                state.close();
            }
            XmlEvent::Text(t) => state
                .text
                .push_str(&t.decode().map_err(|e| format!("malformed XML: {e}"))?),
            XmlEvent::CData(t) => state.text.push_str(&String::from_utf8_lossy(&t)),
            XmlEvent::GeneralRef(r) => {
                let name = String::from_utf8_lossy(&r);
                match name.as_ref() {
                    "lt" => state.text.push('<'),
                    "gt" => state.text.push('>'),
                    "amp" => state.text.push('&'),
                    "quot" => state.text.push('"'),
                    "apos" => state.text.push('\''),
                    other => {
                        let code =
                            other
                                .strip_prefix('#')
                                .and_then(|n| match n.strip_prefix('x') {
                                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                                    None => n.parse().ok(),
                                });
                        if let Some(c) = code.and_then(char::from_u32) {
                            state.text.push(c);
                        }
                    }
                }
            }
            XmlEvent::End(_) => state.close(),
            XmlEvent::Eof => break,
            _ => {}
        }
    }
    if !seen_root || !state.path.is_empty() {
        return Err("the XML ends too early".into());
    }
    Ok(state.out)
}

/// Escapes text for an XML element or attribute.
pub fn escape(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}

/// A PROPFIND body asking for `props` (each `(prefix, name)` with prefixes d, c, cr, a).
pub fn propfind(props: &[(&str, &str)]) -> String {
    let mut body = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<d:propfind xmlns:d=\"DAV:\" \
         xmlns:c=\"urn:ietf:params:xml:ns:caldav\" xmlns:cr=\"urn:ietf:params:xml:ns:carddav\" \
         xmlns:a=\"http://apple.com/ns/ical/\" xmlns:cs=\"http://calendarserver.org/ns/\"><d:prop>",
    );
    for (prefix, name) in props {
        body.push_str(&format!("<{prefix}:{name}/>"));
    }
    body.push_str("</d:prop></d:propfind>");
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_multistatus_reads_whatever_the_prefixes() {
        // As Radicale and Nextcloud answer a calendar home's PROPFIND (prefixes differ).
        let body = r##"<?xml version="1.0"?>
<multistatus xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:ICAL="http://apple.com/ns/ical/">
  <response><href>/alice/work/</href>
    <propstat><prop>
      <resourcetype><collection/><C:calendar/></resourcetype>
      <displayname>Work &amp; more</displayname>
      <ICAL:calendar-color>#ff8800ff</ICAL:calendar-color>
      <current-user-privilege-set><privilege><write/></privilege><privilege><read/></privilege></current-user-privilege-set>
    </prop><status>HTTP/1.1 200 OK</status></propstat>
    <propstat><prop><C:calendar-description/></prop><status>HTTP/1.1 404 Not Found</status></propstat>
  </response>
  <response><href>/alice/gone.ics</href><status>HTTP/1.1 404 Not Found</status></response>
  <sync-token>http://radicale.org/ns/sync/abc</sync-token>
</multistatus>"##;
        let parsed = multistatus(body).expect("parses");
        assert_eq!(parsed.responses.len(), 2);
        let work = &parsed.responses[0];
        assert_eq!(work.href, "/alice/work/");
        assert!(work.has((DAV, "resourcetype"), (CALDAV, "calendar")));
        assert!(work.has((DAV, "current-user-privilege-set"), (DAV, "write")));
        assert_eq!(work.text(DAV, "displayname"), Some("Work & more"));
        assert_eq!(work.text(APPLE, "calendar-color"), Some("#ff8800ff"));
        assert!(
            work.prop(CALDAV, "calendar-description").is_none(),
            "404 props are left out"
        );
        assert_eq!(parsed.responses[1].status, Some(404));
        assert_eq!(
            parsed.sync_token.as_deref(),
            Some("http://radicale.org/ns/sync/abc")
        );
    }

    #[test]
    fn hrefs_inside_props_are_collected() {
        let body = r#"<d:multistatus xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:response>
<d:href>/</d:href><d:propstat><d:prop><d:current-user-principal><d:href>/alice/</d:href></d:current-user-principal>
<c:calendar-home-set><d:href>/alice/</d:href><d:href>/shared/</d:href></c:calendar-home-set></d:prop>
<d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>"#;
        let parsed = multistatus(body).expect("parses");
        let root = &parsed.responses[0];
        assert_eq!(
            root.prop(DAV, "current-user-principal")
                .map(|p| p.hrefs.clone()),
            Some(vec!["/alice/".into()])
        );
        assert_eq!(
            root.prop(CALDAV, "calendar-home-set")
                .map(|p| p.hrefs.len()),
            Some(2)
        );
    }

    #[test]
    fn broken_xml_is_an_error() {
        for body in [
            "",
            "<d:multistatus xmlns:d=\"DAV:\"><d:response>",
            "<a></b>",
            "not xml",
        ] {
            assert!(multistatus(body).is_err(), "{body}");
        }
    }
}
