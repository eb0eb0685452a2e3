//! What the tests share: the documented fixtures, looking into element trees, and a loopback
//! HTTP server that answers like an Exchange server.

#![allow(dead_code)]

use std::path::Path;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use sparks_api::pim::{Attendee, EventDetails, Participation};
use sparks_exchange::ews::{Element, parse, parse_time};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub const TYPES: &str = "http://schemas.microsoft.com/exchange/services/2006/types";
pub const MESSAGES: &str = "http://schemas.microsoft.com/exchange/services/2006/messages";

pub fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/ews")
        .join(name);
    std::fs::read_to_string(&path).expect("a fixture")
}

/// A fixture, parsed.
pub fn doc(name: &str) -> Element {
    parse(&fixture(name)).expect("a well-formed fixture")
}

pub fn time(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("a time").to_utc()
}

/// Every element at the end of a path of local names, from `root` (whose own name is not part
/// of the path).
pub fn all<'a>(root: &'a Element, path: &str) -> Vec<&'a Element> {
    let mut found = vec![root];
    for name in path.split('/').filter(|n| *n != ".") {
        found = found
            .iter()
            .flat_map(|el| el.children.iter().filter(|c| c.name == name))
            .collect();
    }
    found
}

/// The one element at the end of a path.
pub fn one<'a>(root: &'a Element, path: &str) -> &'a Element {
    let found = all(root, path);
    assert_eq!(found.len(), 1, "one {path} in {root:#?}");
    found[0]
}

/// The operation element of a SOAP request (the first child of the body).
pub fn operation(envelope: &Element) -> &Element {
    let body = one(envelope, "Body");
    body.children.first().expect("an operation")
}

/// The paths (local names, from the operation down) of all elements.
pub fn paths(el: &Element) -> Vec<String> {
    fn walk(el: &Element, prefix: &str, out: &mut Vec<String>) {
        for child in &el.children {
            let path = format!("{prefix}{}", child.name);
            out.push(path.clone());
            walk(child, &format!("{path}/"), out);
        }
    }
    let mut out = Vec::new();
    walk(el, "", &mut out);
    out
}

/// The namespace of each element path (the first one of each path).
pub fn namespaces(el: &Element) -> Vec<(String, String)> {
    fn walk(el: &Element, prefix: &str, out: &mut Vec<(String, String)>) {
        for child in &el.children {
            let path = format!("{prefix}{}", child.name);
            if !out.iter().any(|(p, _)| *p == path) {
                out.push((path.clone(), child.ns.clone()));
            }
            walk(child, &format!("{path}/"), out);
        }
    }
    let mut out = Vec::new();
    walk(el, "", &mut out);
    out
}

/// Checks what matters of a request against the documented one: every element path of the
/// documented operation (but those in `except`) is in ours, in the same namespace, and the
/// children of `ordered` elements come in the documented order.
pub fn like_documented(ours: &Element, documented: &Element, except: &[&str], ordered: &[&str]) {
    let (ours, documented) = (operation(ours), operation(documented));
    assert_eq!(ours.name, documented.name);
    assert_eq!(
        ours.ns, MESSAGES,
        "the operation is in the messages namespace"
    );
    assert_eq!(documented.ns, MESSAGES);
    let our_namespaces = namespaces(ours);
    for (path, ns) in namespaces(documented) {
        if except
            .iter()
            .any(|e| path == *e || path.starts_with(&format!("{e}/")))
        {
            continue;
        }
        let found = our_namespaces.iter().find(|(p, _)| *p == path);
        let (_, our_ns) = found.unwrap_or_else(|| panic!("{path} is missing from {ours:#?}"));
        assert_eq!(*our_ns, ns, "the namespace of {path}");
    }
    for path in ordered {
        let names = |el: &Element| {
            el.children
                .iter()
                .map(|c| c.name.clone())
                .collect::<Vec<_>>()
        };
        let (ours, theirs) = (names(one(ours, path)), names(one(documented, path)));
        let common: Vec<&String> = theirs.iter().filter(|n| ours.contains(n)).collect();
        let ours: Vec<&String> = ours.iter().filter(|n| theirs.contains(n)).collect();
        assert_eq!(ours, common, "the order of the children of {path}");
    }
}

/// The same attribute at the same path in both.
pub fn same_attr(ours: &Element, documented: &Element, path: &str, attr: &str) {
    let value = |el: &Element| one(operation(el), path).attr(attr).map(String::from);
    let (ours, theirs) = (value(ours), value(documented));
    assert!(theirs.is_some(), "the documented {path} has {attr}");
    assert_eq!(ours, theirs, "{path}@{attr}");
}

/// The same trimmed text at the same path in both.
pub fn same_text(ours: &Element, documented: &Element, path: &str) {
    let text = |el: &Element| one(operation(el), path).text.trim().to_string();
    assert_eq!(text(ours), text(documented), "the text of {path}");
}

/// The `FieldURI`s a shape asks for.
pub fn field_uris(shape: &Element) -> Vec<String> {
    let fields = all(shape, "AdditionalProperties/FieldURI");
    fields
        .iter()
        .filter_map(|f| f.attr("FieldURI"))
        .map(String::from)
        .collect()
}

pub fn base64(input: &[u8]) -> String {
    const TABLE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in input.chunks(3) {
        let bytes = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(bytes[0]) << 16 | u32::from(bytes[1]) << 8 | u32::from(bytes[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(TABLE[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// One request the server received.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub action: Option<String>,
    pub content_type: Option<String>,
    pub body: String,
}

/// What the server answers a request with: a status and a body.
pub type Answer = Box<dyn Fn(&Received) -> (u16, String) + Send + Sync>;

/// A loopback HTTP/1.1 server that checks Basic auth (`user`/`secret`: else 401), records each
/// request and answers it with `answer`.
pub struct Server {
    pub url: String,
    pub received: Arc<Mutex<Vec<Received>>>,
}

pub const USER: &str = "user@contoso.com";
pub const PASSWORD: &str = "secret";

impl Server {
    pub async fn start(answer: Answer) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        let received = Arc::new(Mutex::new(Vec::new()));
        let (log, answer) = (received.clone(), Arc::new(answer));
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (log, answer) = (log.clone(), answer.clone());
                tokio::spawn(async move { serve(stream, log, answer).await });
            }
        });
        Server { url, received }
    }

    pub fn actions(&self) -> Vec<String> {
        let received = self.received.lock().expect("the log");
        received
            .iter()
            .map(|r| r.action.clone().unwrap_or_default())
            .collect()
    }

    pub fn bodies(&self, action: &str) -> Vec<String> {
        let received = self.received.lock().expect("the log");
        let matching = received
            .iter()
            .filter(|r| r.action.as_deref() == Some(action));
        matching.map(|r| r.body.clone()).collect()
    }
}

async fn serve(mut stream: TcpStream, log: Arc<Mutex<Vec<Received>>>, answer: Arc<Answer>) {
    let mut data = Vec::new();
    let mut buffer = [0u8; 8192];
    let (head, body_start) = loop {
        let Ok(n) = stream.read(&mut buffer).await else {
            return;
        };
        if n == 0 {
            return;
        }
        data.extend_from_slice(&buffer[..n]);
        if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break (String::from_utf8_lossy(&data[..at]).into_owned(), at + 4);
        }
    };
    let header = |name: &str| {
        head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then(|| value.trim().to_string())
        })
    };
    let length: usize = header("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    while data.len() < body_start + length {
        let Ok(n) = stream.read(&mut buffer).await else {
            return;
        };
        if n == 0 {
            break;
        }
        data.extend_from_slice(&buffer[..n]);
    }
    let body = String::from_utf8_lossy(&data[body_start..]).into_owned();
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
    let expected = format!("Basic {}", base64(format!("{USER}:{PASSWORD}").as_bytes()));
    let (status, answer) = if header("authorization").as_deref() != Some(expected.as_str()) {
        (401, String::new())
    } else {
        let action = header("soapaction").map(|a| {
            a.trim_matches('"')
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_string()
        });
        let request = Received {
            path,
            action,
            content_type: header("content-type"),
            body,
        };
        log.lock().expect("the log").push(request.clone());
        answer(&request)
    };
    let reason = match status {
        200 => "OK",
        401 => "Unauthorized",
        _ => "Error",
    };
    let authenticate = if status == 401 {
        "WWW-Authenticate: Basic realm=\"ews\"\r\n"
    } else {
        ""
    };
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/xml; charset=utf-8\r\n{authenticate}Content-Length: {}\r\nConnection: close\r\n\r\n{answer}",
        answer.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// Parses one of our requests, checking its envelope and header.
pub fn ours(xml: &str) -> Element {
    assert!(
        xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"),
        "{xml}"
    );
    let envelope = parse(xml).expect("well-formed");
    assert_eq!(
        (envelope.name.as_str(), envelope.ns.as_str()),
        ("Envelope", "http://schemas.xmlsoap.org/soap/envelope/")
    );
    let version = one(&envelope, "Header/RequestServerVersion");
    assert_eq!(
        (version.ns.as_str(), version.attr("Version")),
        (TYPES, Some("Exchange2013_SP1"))
    );
    assert_eq!(operation(&envelope).ns, MESSAGES);
    envelope
}

pub fn person(email: &str) -> Attendee {
    Attendee {
        email: email.into(),
        name: None,
        status: Participation::NeedsAction,
    }
}

pub fn details(title: &str, start: &str, end: &str) -> EventDetails {
    EventDetails {
        title: title.into(),
        start: time(start),
        end: time(end),
        all_day: false,
        time_zone: None,
        location: String::new(),
        description: String::new(),
        organizer: None,
        attendees: Vec::new(),
        meeting: None,
        reminders: Vec::new(),
        repeat: None,
    }
}

pub fn texts(root: &Element, path: &str) -> Vec<String> {
    all(operation(root), path)
        .iter()
        .map(|e| e.text.trim().to_string())
        .collect()
}

pub fn instant(el: &Element, path: &str) -> chrono::DateTime<chrono::Utc> {
    parse_time(&one(operation(el), path).text).expect("a time")
}
