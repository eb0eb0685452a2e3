//! The signalling connection to a LiveKit server: a WebSocket carrying protobuf
//! `SignalRequest`s out and `SignalResponse`s in.
//!
//! [`connect`] joins with `/rtc/v1` and a `WrappedJoinRequest` (gzip) first; a server that does
//! not know that path answers 404, and the join is tried again on `/rtc` with the classic
//! query. The first message must be the `JoinResponse` (or, for [`resume`], the
//! `ReconnectResponse`). After that one task owns the socket: it sends what [`Signal::send`]
//! queues, pings at the server's interval, answers nothing itself, and ends the connection
//! when the server stays silent for longer than its ping timeout.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use futures_util::{SinkExt, StreamExt};
use livekit_protocol as proto;
use prost::Message as _;
use proto::{signal_request, signal_response};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{self, Message as Frame};
use url::Url;

/// How long opening the WebSocket may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the server may take to send its first message after the upgrade.
const FIRST_MESSAGE_TIMEOUT: Duration = Duration::from_secs(5);
/// The signalling protocol version Sparks speaks (no packet trailers; data channels announced
/// in-band).
pub const PROTOCOL: i32 = 16;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignalError {
    #[error("`{0}` is not the address of a meeting server")]
    BadUrl(String),
    #[error("the meeting server cannot be reached: {0}")]
    Unreachable(String),
    #[error("the meeting server does not accept this token ({status}): {message}")]
    Unauthorized { status: u16, message: String },
    #[error("the meeting server answered HTTP {status}: {message}")]
    Rejected { status: u16, message: String },
    #[error("the meeting server did not {0} in time")]
    Timeout(&'static str),
    #[error("the meeting server sent something unexpected: {0}")]
    Protocol(String),
    #[error("the meeting server ended the session ({0})")]
    Left(String),
    #[error("the connection to the meeting server dropped: {0}")]
    Lost(String),
    #[error("the meeting server has not answered for {0} s")]
    PingTimeout(u64),
}

/// Which of LiveKit's two signalling flavours the connection speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `/rtc/v1`: one peer connection; the client always offers.
    Single,
    /// `/rtc`: a publisher peer connection (the client offers) and a subscriber one (the
    /// server offers).
    Dual,
}

/// What a join asks for.
#[derive(Debug, Clone)]
pub struct JoinOptions {
    pub auto_subscribe: bool,
    /// Try `/rtc/v1` first (falling back to `/rtc` on 404); `false` goes to `/rtc` directly.
    pub single_peer_connection: bool,
}

impl Default for JoinOptions {
    fn default() -> Self {
        JoinOptions {
            auto_subscribe: true,
            single_peer_connection: true,
        }
    }
}

/// What the connection reports.
#[derive(Debug, Clone, PartialEq)]
pub enum SignalEvent {
    /// A message from the server (pongs are taken care of here).
    Message(Box<signal_response::Message>),
    /// The round trip of the last ping.
    Rtt(Duration),
    /// Something arrived that is not a signalling message; the connection goes on.
    Malformed(SignalError),
    /// The connection is over; nothing follows.
    Closed(SignalError),
}

/// A joined signalling connection. Dropping it closes the socket.
pub struct Signal {
    requests: mpsc::UnboundedSender<signal_request::Message>,
    events: mpsc::UnboundedReceiver<SignalEvent>,
    mode: Mode,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Signal {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Signal {
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Queues `message` for the server; fails once the connection is over.
    pub fn send(&self, message: signal_request::Message) -> Result<(), SignalError> {
        self.requests
            .send(message)
            .map_err(|_| SignalError::Lost("the connection is closed".into()))
    }

    /// The next event; `None` after [`SignalEvent::Closed`].
    pub async fn next(&mut self) -> Option<SignalEvent> {
        self.events.recv().await
    }

    /// Says goodbye to the server and closes the connection.
    pub async fn leave(mut self) {
        let _ = self.send(signal_request::Message::Leave(proto::LeaveRequest {
            reason: proto::DisconnectReason::ClientInitiated as i32,
            ..Default::default()
        }));
        // The task sends what is queued before it notices the closed channel.
        let (requests, _) = mpsc::unbounded_channel();
        drop(std::mem::replace(&mut self.requests, requests));
        let _ = tokio::time::timeout(Duration::from_secs(2), &mut self.task).await;
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Joins the room `token` grants, at the LiveKit server `url` (`wss://…`, `https://…`).
pub async fn connect(
    url: &str,
    token: &str,
    options: &JoinOptions,
) -> Result<(Signal, proto::JoinResponse), SignalError> {
    let base = base_url(url)?;
    let mut mode = if options.single_peer_connection {
        Mode::Single
    } else {
        Mode::Dual
    };
    let socket = loop {
        let address = match mode {
            Mode::Single => v1_url(&base, &join_request(options, None))?,
            Mode::Dual => v0_url(&base, options.auto_subscribe, None)?,
        };
        match open(&address, token).await {
            Err(SignalError::Rejected { status: 404, .. }) if mode == Mode::Single => {
                tracing::info!("the meeting server has no /rtc/v1; joining on /rtc");
                mode = Mode::Dual;
            }
            other => break other?,
        }
    };
    let (socket, first) = first_message(socket).await?;
    let join = match first {
        signal_response::Message::Join(join) => join,
        signal_response::Message::Leave(leave) => return Err(left(&leave)),
        other => {
            return Err(SignalError::Protocol(format!(
                "expected the join response, got {}",
                name(&other)
            )));
        }
    };
    if join.participant.as_ref().is_none_or(|p| p.sid.is_empty()) {
        return Err(SignalError::Protocol(
            "the join response names no participant".into(),
        ));
    }
    let signal = run(socket, mode, join.ping_interval, join.ping_timeout);
    Ok((signal, join))
}

/// Resumes the session of participant `sid` after its connection dropped. The server answers
/// with a `ReconnectResponse`, or says the session is gone (a [`SignalError::Left`]: join again).
pub async fn resume(
    url: &str,
    token: &str,
    mode: Mode,
    sid: &str,
    ping: (i32, i32),
) -> Result<(Signal, proto::ReconnectResponse), SignalError> {
    let base = base_url(url)?;
    let options = JoinOptions {
        auto_subscribe: true,
        single_peer_connection: mode == Mode::Single,
    };
    let address = match mode {
        Mode::Single => v1_url(&base, &join_request(&options, Some(sid)))?,
        Mode::Dual => v0_url(&base, true, Some(sid))?,
    };
    let socket = open(&address, token).await?;
    let (socket, first) = first_message(socket).await?;
    match first {
        signal_response::Message::Reconnect(reconnect) => {
            Ok((run(socket, mode, ping.0, ping.1), reconnect))
        }
        signal_response::Message::Leave(leave) => Err(left(&leave)),
        other => Err(SignalError::Protocol(format!(
            "expected the reconnect response, got {}",
            name(&other)
        ))),
    }
}

/// `url` as a WebSocket base address ending in `/`.
fn base_url(url: &str) -> Result<Url, SignalError> {
    let bad = || SignalError::BadUrl(url.to_owned());
    let mut base = Url::parse(url).map_err(|_| bad())?;
    let scheme = match base.scheme() {
        "ws" | "http" => "ws",
        "wss" | "https" => "wss",
        _ => return Err(bad()),
    };
    base.set_scheme(scheme).map_err(|()| bad())?;
    if base.host().is_none() {
        return Err(bad());
    }
    if !base.path().ends_with('/') {
        let path = format!("{}/", base.path());
        base.set_path(&path);
    }
    base.set_query(None);
    Ok(base)
}

fn client_info() -> proto::ClientInfo {
    proto::ClientInfo {
        sdk: proto::client_info::Sdk::Rust as i32,
        version: env!("CARGO_PKG_VERSION").to_owned(),
        protocol: PROTOCOL,
        os: std::env::consts::OS.to_owned(),
        ..Default::default()
    }
}

fn join_request(options: &JoinOptions, resume_sid: Option<&str>) -> proto::JoinRequest {
    proto::JoinRequest {
        client_info: Some(client_info()),
        connection_settings: Some(proto::ConnectionSettings {
            auto_subscribe: options.auto_subscribe,
            ..Default::default()
        }),
        reconnect: resume_sid.is_some(),
        participant_sid: resume_sid.unwrap_or_default().to_owned(),
        ..Default::default()
    }
}

/// `/rtc/v1?join_request=…`: the request, gzipped, in a `WrappedJoinRequest`, base64url.
fn v1_url(base: &Url, request: &proto::JoinRequest) -> Result<Url, SignalError> {
    use std::io::Write as _;
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gzip.write_all(&request.encode_to_vec())
        .map_err(|e| SignalError::Protocol(e.to_string()))?;
    let compressed = gzip
        .finish()
        .map_err(|e| SignalError::Protocol(e.to_string()))?;
    let wrapped = proto::WrappedJoinRequest {
        compression: proto::wrapped_join_request::Compression::Gzip as i32,
        join_request: compressed,
    };
    let mut url = base
        .join("rtc/v1")
        .map_err(|_| SignalError::BadUrl(base.to_string()))?;
    let encoded = base64::engine::general_purpose::URL_SAFE.encode(wrapped.encode_to_vec());
    url.query_pairs_mut().append_pair("join_request", &encoded);
    Ok(url)
}

/// `/rtc?sdk=rust&protocol=…` (with `reconnect=1&sid=…` to resume).
fn v0_url(base: &Url, auto_subscribe: bool, resume_sid: Option<&str>) -> Result<Url, SignalError> {
    let mut url = base
        .join("rtc")
        .map_err(|_| SignalError::BadUrl(base.to_string()))?;
    {
        let mut query = url.query_pairs_mut();
        query
            .append_pair("sdk", "rust")
            .append_pair("version", env!("CARGO_PKG_VERSION"))
            .append_pair("protocol", &PROTOCOL.to_string())
            .append_pair("os", std::env::consts::OS)
            .append_pair("auto_subscribe", if auto_subscribe { "1" } else { "0" })
            .append_pair("adaptive_stream", "0");
        if let Some(sid) = resume_sid {
            query.append_pair("reconnect", "1").append_pair("sid", sid);
        }
    }
    Ok(url)
}

/// TLS with the system's trusted roots and the aws-lc-rs crypto the rest of Sparks uses.
fn tls() -> Result<tokio_tungstenite::Connector, SignalError> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(cert);
    }
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| SignalError::Unreachable(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(tokio_tungstenite::Connector::Rustls(Arc::new(config)))
}

/// Opens the WebSocket at `address` with the token as a bearer header.
async fn open(address: &Url, token: &str) -> Result<Socket, SignalError> {
    let mut request = address
        .as_str()
        .into_client_request()
        .map_err(|_| SignalError::BadUrl(address.to_string()))?;
    let bearer = format!("Bearer {token}")
        .parse()
        .map_err(|_| SignalError::Unauthorized {
            status: 0,
            message: "the token cannot be sent".into(),
        })?;
    request.headers_mut().insert("authorization", bearer);
    let connector = if address.scheme() == "wss" {
        Some(tls()?)
    } else {
        None
    };
    let opening = tokio_tungstenite::connect_async_tls_with_config(request, None, false, connector);
    match tokio::time::timeout(CONNECT_TIMEOUT, opening).await {
        Err(_) => Err(SignalError::Timeout("accept the connection")),
        Ok(Ok((socket, _))) => Ok(socket),
        Ok(Err(tungstenite::Error::Http(response))) => {
            let status = response.status().as_u16();
            let message = response
                .body()
                .as_deref()
                .map(|body| String::from_utf8_lossy(body).trim().to_owned())
                .filter(|text| !text.is_empty())
                .unwrap_or_else(|| response.status().to_string());
            Err(match status {
                401 | 403 => SignalError::Unauthorized { status, message },
                _ => SignalError::Rejected { status, message },
            })
        }
        Ok(Err(error)) => Err(SignalError::Unreachable(error.to_string())),
    }
}

/// The server's first message, within [`FIRST_MESSAGE_TIMEOUT`].
async fn first_message(
    mut socket: Socket,
) -> Result<(Socket, signal_response::Message), SignalError> {
    let deadline = tokio::time::Instant::now() + FIRST_MESSAGE_TIMEOUT;
    loop {
        let frame = tokio::time::timeout_at(deadline, socket.next())
            .await
            .map_err(|_| SignalError::Timeout("answer the join"))?;
        match frame {
            None => return Err(SignalError::Lost("closed before answering".into())),
            Some(Err(error)) => return Err(SignalError::Lost(error.to_string())),
            Some(Ok(Frame::Binary(bytes))) => {
                let message = decode(&bytes)?
                    .ok_or_else(|| SignalError::Protocol("an empty first message".into()))?;
                return Ok((socket, message));
            }
            Some(Ok(Frame::Close(_))) => {
                return Err(SignalError::Lost("closed before answering".into()));
            }
            Some(Ok(Frame::Text(_))) => {
                return Err(SignalError::Protocol(
                    "a text frame instead of protobuf".into(),
                ));
            }
            // Pings are answered by tungstenite itself.
            Some(Ok(_)) => {}
        }
    }
}

fn decode(bytes: &[u8]) -> Result<Option<signal_response::Message>, SignalError> {
    proto::SignalResponse::decode(bytes)
        .map(|response| response.message)
        .map_err(|e| SignalError::Protocol(format!("not a signal response: {e}")))
}

fn left(leave: &proto::LeaveRequest) -> SignalError {
    let reason = proto::DisconnectReason::try_from(leave.reason).map_or_else(
        |_| format!("reason {}", leave.reason),
        |r| r.as_str_name().to_owned(),
    );
    SignalError::Left(reason)
}

/// A short name of a message, for errors and logs.
fn name(message: &signal_response::Message) -> &'static str {
    use signal_response::Message as M;
    match message {
        M::Join(_) => "join",
        M::Reconnect(_) => "reconnect",
        M::Leave(_) => "leave",
        M::Offer(_) => "offer",
        M::Answer(_) => "answer",
        M::Trickle(_) => "trickle",
        M::Update(_) => "participant update",
        _ => "another message",
    }
}

fn unix_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Starts the task that owns the socket.
fn run(socket: Socket, mode: Mode, ping_interval: i32, ping_timeout: i32) -> Signal {
    let (requests, outgoing) = mpsc::unbounded_channel();
    let (events, incoming) = mpsc::unbounded_channel();
    // A server that says 0 gets the protocol's defaults rather than a busy loop.
    let interval = Duration::from_secs(
        u64::try_from(ping_interval)
            .ok()
            .filter(|s| *s > 0)
            .unwrap_or(5),
    );
    let timeout = Duration::from_secs(
        u64::try_from(ping_timeout)
            .ok()
            .filter(|s| *s > 0)
            .unwrap_or(15),
    );
    let task = tokio::spawn(drive(socket, outgoing, events, interval, timeout));
    Signal {
        requests,
        events: incoming,
        mode,
        task,
    }
}

async fn drive(
    mut socket: Socket,
    mut outgoing: mpsc::UnboundedReceiver<signal_request::Message>,
    events: mpsc::UnboundedSender<SignalEvent>,
    interval: Duration,
    timeout: Duration,
) {
    let mut ping = tokio::time::interval(interval);
    ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut deadline = tokio::time::Instant::now() + timeout;
    let mut rtt_ms = 0i64;
    let send = |message| {
        let request = proto::SignalRequest {
            message: Some(message),
        };
        Frame::Binary(request.encode_to_vec().into())
    };
    let end = loop {
        tokio::select! {
            frame = socket.next() => {
                let frame = match frame {
                    None => break SignalError::Lost("the server closed the connection".into()),
                    Some(Err(error)) => break SignalError::Lost(error.to_string()),
                    Some(Ok(frame)) => frame,
                };
                deadline = tokio::time::Instant::now() + timeout;
                match frame {
                    Frame::Binary(bytes) => match decode(&bytes) {
                        Ok(Some(signal_response::Message::PongResp(pong))) => {
                            rtt_ms = (unix_ms() - pong.last_ping_timestamp).max(0);
                            let _ = events.send(SignalEvent::Rtt(Duration::from_millis(rtt_ms as u64)));
                        }
                        Ok(Some(signal_response::Message::Pong(_))) | Ok(None) => {}
                        Ok(Some(message)) => {
                            let _ = events.send(SignalEvent::Message(Box::new(message)));
                        }
                        Err(error) => {
                            tracing::warn!(%error, "malformed signalling message");
                            let _ = events.send(SignalEvent::Malformed(error));
                        }
                    },
                    Frame::Text(_) => {
                        let _ = events.send(SignalEvent::Malformed(SignalError::Protocol(
                            "a text frame instead of protobuf".into(),
                        )));
                    }
                    Frame::Close(_) => break SignalError::Lost("the server closed the connection".into()),
                    _ => {}
                }
            }
            request = outgoing.recv() => {
                let Some(request) = request else {
                    let _ = socket.close(None).await;
                    return;
                };
                if let Err(error) = socket.send(send(request)).await {
                    break SignalError::Lost(error.to_string());
                }
            }
            _ = ping.tick() => {
                let request = signal_request::Message::PingReq(proto::Ping { timestamp: unix_ms(), rtt: rtt_ms });
                if let Err(error) = socket.send(send(request)).await {
                    break SignalError::Lost(error.to_string());
                }
            }
            _ = tokio::time::sleep_until(deadline) => {
                break SignalError::PingTimeout(timeout.as_secs());
            }
        }
    };
    tracing::info!(error = %end, "signalling connection ended");
    let _ = events.send(SignalEvent::Closed(end));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_become_websocket_bases() {
        assert_eq!(
            base_url("https://sfu.example.org").map(|u| u.to_string()),
            Ok("wss://sfu.example.org/".into())
        );
        assert_eq!(
            base_url("ws://127.0.0.1:7880/lk?x=1").map(|u| u.to_string()),
            Ok("ws://127.0.0.1:7880/lk/".into())
        );
        assert!(matches!(base_url("ftp://sfu"), Err(SignalError::BadUrl(_))));
        assert!(matches!(base_url("not a url"), Err(SignalError::BadUrl(_))));
    }

    #[test]
    fn the_v1_join_request_round_trips() {
        use std::io::Read as _;
        let base = base_url("wss://sfu.example.org").expect("base");
        let url = v1_url(&base, &join_request(&JoinOptions::default(), Some("PA_x"))).expect("url");
        assert_eq!(url.path(), "/rtc/v1");
        let (_, encoded) = url.query_pairs().next().expect("join_request");
        let bytes = base64::engine::general_purpose::URL_SAFE
            .decode(encoded.as_bytes())
            .expect("base64url");
        let wrapped = proto::WrappedJoinRequest::decode(bytes.as_slice()).expect("wrapped");
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(wrapped.join_request.as_slice())
            .read_to_end(&mut raw)
            .expect("gzip");
        let request = proto::JoinRequest::decode(raw.as_slice()).expect("join request");
        assert!(request.reconnect);
        assert_eq!(request.participant_sid, "PA_x");
        assert_eq!(request.client_info.map(|c| c.protocol), Some(PROTOCOL));
    }
}
