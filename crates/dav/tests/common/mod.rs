//! A loopback HTTP server for the DAV tests: each request (method, path, body) is answered by
//! a function with a status and a body, or with 301 and the place to go (the body then).

#![allow(dead_code)]

use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use url::Url;

/// Serves `answer` on a loopback port; returns its base URL.
pub async fn serve(
    answer: impl Fn(&str, &str, &str) -> (u16, String) + Send + Sync + 'static,
) -> Url {
    let answer = Arc::new(answer);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let base = format!("http://{}/", listener.local_addr().expect("an address"));
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let answer = answer.clone();
            tokio::spawn(async move {
                let Some((head, body)) = read_request(&mut stream).await else {
                    return;
                };
                let mut words = head.split_whitespace();
                let (method, path) = (
                    words.next().unwrap_or_default(),
                    words.next().unwrap_or_default(),
                );
                let (status, text) = answer(method, path, &body);
                let reply = if status == 301 {
                    format!(
                        "HTTP/1.1 301 Moved\r\nLocation: {text}\r\nContent-Length: 0\r\n\
                         Connection: close\r\n\r\n"
                    )
                } else {
                    format!(
                        "HTTP/1.1 {status} X\r\nContent-Type: application/xml; charset=\"utf-8\"\r\n\
                         Content-Length: {}\r\nConnection: close\r\n\r\n{text}",
                        text.len()
                    )
                };
                let _ = stream.write_all(reply.as_bytes()).await;
            });
        }
    });
    Url::parse(&base).expect("a URL")
}

/// One request's head and body: the head, then as much body as Content-Length says.
pub async fn read_request(stream: &mut tokio::net::TcpStream) -> Option<(String, String)> {
    let mut seen = Vec::new();
    let mut buffer = [0u8; 8192];
    loop {
        let n = stream.read(&mut buffer).await.ok()?;
        seen.extend_from_slice(&buffer[..n]);
        let text = String::from_utf8_lossy(&seen).into_owned();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            if seen.len() >= end + 4 + length || n == 0 {
                return Some((text[..end].to_owned(), text[end + 4..].to_owned()));
            }
        }
        if n == 0 {
            return None;
        }
    }
}
