//! A minimal HTTP/1.1 GET over a plain TCP connection, enough for health checks.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use crate::Result;

/// How long connecting, and each read or write, may take.
const TIMEOUT: Duration = Duration::from_secs(3);

/// The largest response read; health answers are tiny.
const MAX_RESPONSE: u64 = 64 * 1024;

/// A response: its status code and body.
pub struct Response {
    /// The HTTP status code, such as 200.
    pub status: u16,
    /// The body as text (lossily decoded).
    pub body: String,
}

/// Sends `GET path` to `127.0.0.1:port` and reads the whole response.
pub fn get(port: u16, path: &str) -> Result<Response> {
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream = TcpStream::connect_timeout(&address, TIMEOUT)
        .map_err(|error| format!("cannot connect to {address}: {error}"))?;
    let io_error = |error: std::io::Error| format!("HTTP request to {address} failed: {error}");
    stream.set_read_timeout(Some(TIMEOUT)).map_err(io_error)?;
    stream.set_write_timeout(Some(TIMEOUT)).map_err(io_error)?;
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nAccept: */*\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).map_err(io_error)?;
    let mut raw = Vec::new();
    stream
        .take(MAX_RESPONSE)
        .read_to_end(&mut raw)
        .map_err(io_error)?;
    parse(&raw).ok_or_else(|| format!("malformed HTTP response from {address}"))
}

/// Splits a raw response into status code and body. Chunked bodies are not decoded.
fn parse(raw: &[u8]) -> Option<Response> {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status_line = head.lines().next()?;
    let mut parts = status_line.split_whitespace();
    if !parts.next()?.starts_with("HTTP/") {
        return None;
    }
    let status = parts.next()?.parse().ok()?;
    Some(Response {
        status,
        body: body.to_string(),
    })
}

/// Whether the Synapse on `port` answers `/health` with 200 "OK".
pub fn healthy(port: u16) -> bool {
    get(port, "/health")
        .is_ok_and(|response| response.status == 200 && response.body.trim() == "OK")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_status_and_body() {
        let response = parse(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK");
        assert!(response.is_some_and(|r| r.status == 200 && r.body == "OK"));
    }

    #[test]
    fn rejects_garbage() {
        assert!(parse(b"hello").is_none());
        assert!(parse(b"SMTP 200\r\n\r\n").is_none());
    }
}
