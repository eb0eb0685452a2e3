//! A LiveKit-protocol SFU fixture for tests (no LiveKit server can be installed here), on
//! 127.0.0.1 (or the address [`Options::ip`] names, inside a test's own network namespace).
//! LiveKit's official Python SDK joins it and exchanges data through it. It speaks LiveKit's signalling as `livekit-server` does, from the public protocol
//! definitions (`livekit-protocol`):
//!
//! - `/rtc/v1?join_request=…` (a base64url `WrappedJoinRequest`, gzip or not, whose bundled
//!   publisher offer is answered right after the join) and `/rtc?…`,
//!   with the access token as a bearer header or `access_token`, checked with the API secret
//!   (`roomJoin` and the room must be granted); a bad token is refused with 401 before the
//!   upgrade, like the real server. [`Options::v1`] off makes `/rtc/v1` answer 404, as servers
//!   before v1.9.10 do.
//! - A `JoinResponse` (room `RM_…`, participant `PA_…`, the others with their tracks, ping
//!   interval and timeout, `server_info.protocol = 16`), `ParticipantUpdate`s to everyone when
//!   someone joins or leaves, `pong_resp` to `ping_req`, `leave`.
//! - Resume: `reconnect=1&sid=…` (or `JoinRequest.reconnect`) for a participant whose
//!   connection dropped gets a `ReconnectResponse`; an unknown sid gets `leave` with
//!   `STATE_MISMATCH` and `RECONNECT`, as the real server answers.
//! - RoomService's `CreateRoom` (Twirp JSON, the token must grant `roomCreate`), recorded.
//!
//! Faults for tests: a server that never answers the join ([`Behaviour::Silent`]), one that
//! answers with bytes that are not protobuf ([`Behaviour::Garbage`]), dropping a
//! participant's connection without a goodbye ([`Sfu::drop_connection`]), and forgetting a
//! participant altogether, as a restarted server would ([`Sfu::forget`]).
//!
//! - The peer connection (`peer`, str0m, ICE-lite): offers are answered, and `DataPacket`s
//!   on `_reliable` and `_lossy` are relayed to the room's other participants (or to
//!   `destination_identities`), stamped with the sender's identity and sid. In `/rtc` mode the
//!   same happens on the publisher connection (`subscriber_primary` is false, which the
//!   protocol allows).
//! - Tracks: `add_track` gets `track_published` (a `TR_…` sid); when the media arrives (matched
//!   by the msid's cid, or the first pending track of its kind, as livekit-server does) the
//!   others get a `ParticipantUpdate` with it, the track on one of their receive-only m-lines
//!   (asked for with `media_sections_requirement`, answered with the msid
//!   `PA_publisher|TR_track` and `mid_to_track_id`), the frames forwarded as they come, and
//!   keyframes asked from the publisher when they start receiving or lose a picture.
//!
//! - Simulcast: of a track sent in layers (`q`, `h`, `f`), each subscriber gets `f` until its
//!   `update_track_settings` asks for the layer that fits its view (or a quality, or nothing);
//!   the switch happens at the next keyframe of the new layer, which is asked for at once.
//! - Dynacast: publishers hear in `subscribed_quality_update` which layers anybody watches
//!   (every quality up to the highest wanted, none when nobody watches);
//!   [`Sfu::layers_arriving`] says which layers they still send.
//! - `update_subscription` stops and restarts a track for the subscriber (at a keyframe);
//!   `mute` updates the track for everyone; the room hears `speakers_changed` when someone
//!   starts or stops speaking (by the RFC 6464 levels in the publishers' audio: louder than
//!   -50 dBov in the last 600 ms; checked every 300 ms) and `connection_quality` when it
//!   changes and every two seconds (poor while unmuted tracks send nothing for 2 s, else
//!   excellent). A `refresh_token` follows every join; tokens are
//!   refused the second they expire, as livekit-server does.
//!
//! - `/rtc` participants (two peer connections): what they publish arrives on the connection
//!   they offer; what they receive goes out on a subscriber connection the fixture offers
//!   (`subscriber`, ICE-lite, one send-only m-line per track with the msid
//!   `PA_publisher|TR_track`, a new offer per added track, answers and trickle with
//!   `target = SUBSCRIBER`).
//!
//! Limits: data packets only on the connection the client offers (`subscriber_primary` false),
//! m-lines are never removed or reused when tracks go away, connection quality from arrival alone (no loss, jitter or bandwidth
//! estimation), dynacast without livekit-server's delay before layers are paused.

mod activity;
mod dynacast;
mod peer;
mod recorder;
mod routing;
mod session;
mod subscriber;

use session::{leave, session};

pub use recorder::Recorder;

use routing::{add_track, answer, peer_of};

use std::collections::HashMap;
use std::io::Read as _;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::ws::{Message as Frame, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use futures_util::SinkExt;
use livekit_api::access_token::TokenVerifier;
use livekit_protocol as proto;
use prost::Message as _;
use proto::{signal_request, signal_response};
use tokio::sync::mpsc;

/// How the fixture answers a join.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Behaviour {
    #[default]
    Normal,
    /// Accepts the WebSocket and never says anything.
    Silent,
    /// Answers the join with bytes that are not a `SignalResponse`.
    Garbage,
    /// Joins normally, then answers offers with SDP that cannot be read.
    BadAnswer,
    /// Joins normally, and sends a frame that is not protobuf and a text frame after the
    /// join: a client must shrug both off.
    Noisy,
    /// Joins normally, then never answers a ping.
    Deaf,
}

#[derive(Debug, Clone)]
pub struct Options {
    /// The address the fixture listens on (signalling and media). 127.0.0.1 unless a test
    /// runs in a network namespace of its own, for clients that skip loopback interfaces.
    pub ip: std::net::IpAddr,
    /// The signalling port (0: any free one).
    pub port: u16,
    pub api_key: String,
    pub api_secret: String,
    /// Whether `/rtc/v1` exists.
    pub v1: bool,
    pub ping_interval: i32,
    pub ping_timeout: i32,
    pub behaviour: Behaviour,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            ip: std::net::IpAddr::from([127, 0, 0, 1]),
            port: 0,
            api_key: "testkit".into(),
            api_secret: "testkit-secret-that-is-long-enough-for-hs256".into(),
            v1: true,
            ping_interval: 5,
            ping_timeout: 15,
            behaviour: Behaviour::Normal,
        }
    }
}

struct Participant {
    info: proto::ParticipantInfo,
    /// The participant's peer connection; it outlives dropped signalling connections.
    peer: Option<Arc<peer::Peer>>,
    /// Joined on `/rtc`: what it receives comes on a subscriber connection the fixture offers.
    dual: bool,
    subscriber: Option<Arc<subscriber::Subscriber>>,
    /// Tracks announced with `add_track` and not yet seen on the peer connection, by cid.
    pending: HashMap<String, proto::TrackInfo>,
    /// The tracks it sends, by the m-line they arrive on.
    sending: HashMap<str0m::media::Mid, String>,
    /// The simulcast layers it receives, by track sid.
    layers: HashMap<String, routing::Layer>,
    /// The highest quality of each of its video tracks anybody watches, as it was last told.
    dynacast: HashMap<String, Option<i32>>,
    /// When media of each layer (`""` without simulcast) of each track last arrived.
    arrived: HashMap<String, HashMap<String, std::time::Instant>>,
    /// Its last audio level (dBov) and when it came; when its media last arrived.
    level: Option<(i8, std::time::Instant)>,
    last_media: Option<std::time::Instant>,
    /// What the room was last told: speaking, and the connection quality.
    speaking: bool,
    quality: Option<proto::ConnectionQuality>,
    /// The live connection's outbox and its kill switch; `None` while it is away.
    connection: Option<(mpsc::UnboundedSender<signal_response::Message>, u64)>,
}

#[derive(Default)]
struct Room {
    sid: String,
    participants: HashMap<String, Participant>,
}

#[derive(Default)]
struct Rooms {
    rooms: HashMap<String, Room>,
    /// Names given to CreateRoom, in order.
    created: Vec<String>,
    /// The paths of WebSocket requests, in order (`/rtc/v1`, `/rtc`).
    paths: Vec<String>,
    /// Connections to close without a goodbye, by connection number.
    doomed: Vec<u64>,
    next_connection: u64,
}

struct Shared {
    options: Options,
    rooms: Mutex<Rooms>,
    /// Wakes every connection so it can look at `doomed`.
    wake: tokio::sync::broadcast::Sender<()>,
}

/// A running fixture. Dropping it stops it.
pub struct Sfu {
    url: String,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
    activity: tokio::task::JoinHandle<()>,
}

impl Drop for Sfu {
    fn drop(&mut self) {
        self.task.abort();
        self.activity.abort();
    }
}

fn random_id(prefix: &str) -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    let tail: String = (0..12)
        .map(|_| {
            char::from(
                b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
                    [rng.random_range(0..57)],
            )
        })
        .collect();
    format!("{prefix}{tail}")
}

impl Sfu {
    /// Starts the fixture on a free port of 127.0.0.1.
    pub async fn start(options: Options) -> std::io::Result<Sfu> {
        let listener = tokio::net::TcpListener::bind((options.ip, options.port)).await?;
        let url = format!("ws://{}", listener.local_addr()?);
        let (wake, _) = tokio::sync::broadcast::channel(16);
        let shared = Arc::new(Shared {
            options,
            rooms: Mutex::new(Rooms::default()),
            wake,
        });
        let mut router = axum::Router::new()
            // A LiveKit server answers its root with "OK": what health checks ask.
            .route("/", get(|| async { "OK" }))
            .route("/rtc", get(v0))
            .route("/rtc/validate", get(validate))
            .route("/twirp/livekit.RoomService/CreateRoom", post(create_room));
        if shared.options.v1 {
            router = router
                .route("/rtc/v1", get(v1))
                .route("/rtc/v1/validate", get(validate));
        }
        let app = router
            .fallback(|| async { (StatusCode::NOT_FOUND, "not found") })
            .with_state(shared.clone());
        let activity = tokio::spawn(activity::run(shared.clone()));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Sfu {
            url,
            shared,
            task,
            activity,
        })
    }

    /// `ws://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn api_key(&self) -> &str {
        &self.shared.options.api_key
    }

    pub fn api_secret(&self) -> &str {
        &self.shared.options.api_secret
    }

    /// A token for `identity` to join `room`, as the middleware would hand it out.
    pub fn token(&self, identity: &str, room: &str) -> String {
        self.token_for(identity, room, TOKEN_LIFETIME)
    }

    /// A token that expires after `lifetime`.
    pub fn token_for(&self, identity: &str, room: &str, lifetime: std::time::Duration) -> String {
        let grant = Grant {
            identity: identity.to_owned(),
            name: identity.to_owned(),
            room: room.to_owned(),
        };
        mint(&self.shared.options, &grant, lifetime)
    }

    /// Forgets `identity` as a restarted server would: its sessions are gone (the others see
    /// it leave) and its connections close, so a resume is refused and only a fresh join works.
    pub fn forget(&self, identity: &str) {
        let sessions: Vec<(String, String)> = self
            .shared
            .rooms
            .lock()
            .map(|rooms| {
                rooms
                    .rooms
                    .iter()
                    .flat_map(|(name, room)| {
                        room.participants
                            .iter()
                            .filter(|(_, p)| p.info.identity == identity)
                            .map(|(sid, _)| (name.clone(), sid.clone()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        self.drop_connection(identity);
        for (room, sid) in sessions {
            leave(&self.shared, &room, &sid);
        }
    }

    /// Closes `identity`'s connections in every room at once, without a goodbye (its session
    /// stays, so it can resume).
    pub fn drop_connection(&self, identity: &str) {
        if let Ok(mut rooms) = self.shared.rooms.lock() {
            let doomed: Vec<u64> = rooms
                .rooms
                .values()
                .flat_map(|room| room.participants.values())
                .filter(|p| p.info.identity == identity)
                .filter_map(|p| p.connection.as_ref().map(|(_, id)| *id))
                .collect();
            rooms.doomed.extend(doomed);
        }
        let _ = self.shared.wake.send(());
    }

    /// Silences `identity`'s media connection (its signalling stays up), as when the network
    /// path of the media dies: the client notices when ICE gives up.
    pub fn drop_media(&self, identity: &str) {
        let Ok(rooms) = self.shared.rooms.lock() else {
            return;
        };
        let peers = rooms
            .rooms
            .values()
            .flat_map(|room| room.participants.values())
            .filter(|p| p.info.identity == identity)
            .filter_map(|p| p.peer.clone());
        for peer in peers {
            peer.command(peer::Command::Stop);
        }
    }

    /// The identities in `room` now.
    pub fn participants(&self, room: &str) -> Vec<String> {
        let Ok(rooms) = self.shared.rooms.lock() else {
            return Vec::new();
        };
        let mut identities: Vec<String> = rooms
            .rooms
            .get(room)
            .map(|r| {
                r.participants
                    .values()
                    .map(|p| p.info.identity.clone())
                    .collect()
            })
            .unwrap_or_default();
        identities.sort();
        identities
    }

    /// The layers (`q`, `h`, `f`; `""` without simulcast) of `identity`'s video that arrived
    /// in the last half second, sorted.
    pub fn layers_arriving(&self, room: &str, identity: &str) -> Vec<String> {
        let Ok(rooms) = self.shared.rooms.lock() else {
            return Vec::new();
        };
        let Some(publisher) = rooms.rooms.get(room).and_then(|r| {
            r.participants
                .values()
                .find(|p| p.info.identity == identity)
        }) else {
            return Vec::new();
        };
        let video = |track: &str| {
            publisher
                .info
                .tracks
                .iter()
                .any(|t| t.sid == track && t.r#type == proto::TrackType::Video as i32)
        };
        let mut layers: Vec<String> = publisher
            .arrived
            .iter()
            .filter(|(track, _)| video(track))
            .flat_map(|(_, layers)| layers.iter())
            .filter(|(_, at)| at.elapsed() < std::time::Duration::from_millis(500))
            .map(|(rid, _)| rid.clone())
            .collect();
        layers.sort();
        layers.dedup();
        layers
    }

    /// The tracks `identity` publishes in `room`, as the fixture tells the others about them.
    pub fn tracks(&self, room: &str, identity: &str) -> Vec<proto::TrackInfo> {
        let Ok(rooms) = self.shared.rooms.lock() else {
            return Vec::new();
        };
        rooms
            .rooms
            .get(room)
            .and_then(|r| {
                r.participants
                    .values()
                    .find(|p| p.info.identity == identity)
            })
            .map(|p| p.info.tracks.clone())
            .unwrap_or_default()
    }

    /// The rooms RoomService was asked to create.
    pub fn created_rooms(&self) -> Vec<String> {
        self.shared
            .rooms
            .lock()
            .map(|rooms| rooms.created.clone())
            .unwrap_or_default()
    }

    /// The paths of the WebSocket requests so far.
    pub fn paths(&self) -> Vec<String> {
        self.shared
            .rooms
            .lock()
            .map(|rooms| rooms.paths.clone())
            .unwrap_or_default()
    }
}

/// How long the fixture's tokens last.
const TOKEN_LIFETIME: std::time::Duration = std::time::Duration::from_secs(600);

fn mint(options: &Options, grant: &Grant, lifetime: std::time::Duration) -> String {
    livekit_api::access_token::AccessToken::with_api_key(&options.api_key, &options.api_secret)
        .with_identity(&grant.identity)
        .with_name(&grant.name)
        .with_ttl(lifetime)
        .with_grants(livekit_api::access_token::VideoGrants {
            room_join: true,
            room: grant.room.clone(),
            can_publish: Some(true),
            can_subscribe: Some(true),
            can_publish_data: Some(true),
            ..Default::default()
        })
        .to_jwt()
        .unwrap_or_default()
}

/// Who a token lets in.
struct Grant {
    identity: String,
    name: String,
    room: String,
}

fn bearer<'a>(headers: &'a HeaderMap, query: &'a HashMap<String, String>) -> Option<&'a str> {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .or_else(|| query.get("access_token").map(String::as_str))
}

/// The grant of `token`, or the 401 that says why it lets nobody in.
fn check(shared: &Shared, token: Option<&str>) -> Result<Grant, (StatusCode, String)> {
    let refuse = |why: String| (StatusCode::UNAUTHORIZED, why);
    let token = token.ok_or_else(|| refuse("no access token".into()))?;
    let claims = TokenVerifier::with_api_key(&shared.options.api_key, &shared.options.api_secret)
        .verify(token)
        .map_err(|e| refuse(format!("invalid token: {e}")))?;
    // livekit-server allows no leeway on expiry (the JWT library's default is a minute).
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as usize);
    if claims.exp <= now {
        return Err(refuse("the token has expired".into()));
    }
    if !claims.video.room_join || claims.video.room.is_empty() || claims.sub.is_empty() {
        return Err(refuse("the token does not grant joining a room".into()));
    }
    Ok(Grant {
        identity: claims.sub,
        name: claims.name,
        room: claims.video.room,
    })
}

async fn validate(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    match check(&shared, bearer(&headers, &query)) {
        Ok(_) => "success".into_response(),
        Err(refusal) => refusal.into_response(),
    }
}

/// What a WebSocket request asks for once its query is read.
struct Join {
    grant: Grant,
    resume: Option<String>,
    /// The offer a `/rtc/v1` join may carry, answered right after the join.
    offer: Option<proto::SessionDescription>,
    /// `/rtc`: publisher and subscriber connections.
    dual: bool,
}

async fn v0(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
    upgrade: WebSocketUpgrade,
) -> Response {
    let grant = match check(&shared, bearer(&headers, &query)) {
        Ok(grant) => grant,
        Err(refusal) => return refusal.into_response(),
    };
    let resume = (query.get("reconnect").map(String::as_str) == Some("1"))
        .then(|| query.get("sid").cloned().unwrap_or_default());
    let join = Join {
        grant,
        resume,
        offer: None,
        dual: true,
    };
    accept(shared, "/rtc", join, upgrade)
}

async fn v1(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
    upgrade: WebSocketUpgrade,
) -> Response {
    let grant = match check(&shared, bearer(&headers, &query)) {
        Ok(grant) => grant,
        Err(refusal) => return refusal.into_response(),
    };
    let Some(request) = query.get("join_request").and_then(|b64| join_request(b64)) else {
        return (StatusCode::BAD_REQUEST, "join_request is required").into_response();
    };
    let resume = request.reconnect.then_some(request.participant_sid);
    let join = Join {
        grant,
        resume,
        offer: request.publisher_offer,
        dual: false,
    };
    accept(shared, "/rtc/v1", join, upgrade)
}

/// Decodes `join_request`: base64url (padded or not) of a `WrappedJoinRequest`.
fn join_request(encoded: &str) -> Option<proto::JoinRequest> {
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let bytes = engine.decode(encoded.trim_end_matches('=')).ok()?;
    let wrapped = proto::WrappedJoinRequest::decode(bytes.as_slice()).ok()?;
    let raw = if wrapped.compression == proto::wrapped_join_request::Compression::Gzip as i32 {
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(wrapped.join_request.as_slice())
            .take(1 << 20)
            .read_to_end(&mut raw)
            .ok()?;
        raw
    } else {
        wrapped.join_request
    };
    proto::JoinRequest::decode(raw.as_slice()).ok()
}

fn accept(shared: Arc<Shared>, path: &str, join: Join, upgrade: WebSocketUpgrade) -> Response {
    if let Ok(mut rooms) = shared.rooms.lock() {
        rooms.paths.push(path.to_owned());
    }
    upgrade.on_upgrade(move |socket| session(shared, socket, join))
}

fn encode(message: signal_response::Message) -> Frame {
    let response = proto::SignalResponse {
        message: Some(message),
    };
    Frame::Binary(response.encode_to_vec().into())
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Sends `message` to everyone in `room` but `except`.
fn broadcast(room: &Room, except: &str, message: &signal_response::Message) {
    for (sid, participant) in &room.participants {
        if sid != except
            && let Some((outbox, _)) = &participant.connection
        {
            let _ = outbox.send(message.clone());
        }
    }
}

fn update(info: proto::ParticipantInfo) -> signal_response::Message {
    signal_response::Message::Update(proto::ParticipantUpdate {
        participants: vec![info],
    })
}

#[derive(serde::Deserialize)]
struct CreateRoom {
    name: String,
}

/// RoomService's CreateRoom (Twirp, JSON): the token must grant `roomCreate`.
async fn create_room(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Json(request): Json<CreateRoom>,
) -> Response {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let verified = token.and_then(|token| {
        TokenVerifier::with_api_key(&shared.options.api_key, &shared.options.api_secret)
            .verify(token)
            .ok()
    });
    if !verified.is_some_and(|claims| claims.video.room_create) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(serde_json::json!({ "code": "unauthenticated", "msg": "permissions denied" })),
        )
            .into_response();
    }
    let Ok(mut rooms) = shared.rooms.lock() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    rooms.created.push(request.name.clone());
    let sid = rooms
        .rooms
        .entry(request.name.clone())
        .or_insert_with(|| Room {
            sid: random_id("RM_"),
            participants: HashMap::new(),
        })
        .sid
        .clone();
    Json(serde_json::json!({ "sid": sid, "name": request.name })).into_response()
}
