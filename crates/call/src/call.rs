//! A meeting: the signalling connection and the peer connection together, behind a cloneable
//! [`Call`] handle and a stream of [`CallEvent`]s. One task owns both; when the signalling
//! connection drops it resumes the session (the peer connection stays up meanwhile), and only
//! when that fails does the call end.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Duration;

use livekit_protocol as proto;
use prost::Message as _;
use proto::{signal_request, signal_response};
use tokio::sync::mpsc;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use sparks_media::{
    AudioFrame, AudioSource, OpusDecoder, OpusEncoder, VideoFrame, VideoSource, Vp8Decoder,
    Vp8Encoder,
};
use str0m::format::Codec;
use str0m::media::{Frequency, MediaTime};
use str0m::media::{MediaKind, Mid};

use crate::peer::{Command, Peer, PeerEvent};
use crate::signal::{self, JoinOptions, Mode, Signal, SignalError, SignalEvent};

/// How long ICE, DTLS and the data channels may take after the join.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// Resume attempts after the signalling connection dropped, and the pause before each.
const RESUME_BACKOFF: [Duration; 3] = [
    Duration::from_millis(300),
    Duration::from_secs(1),
    Duration::from_secs(3),
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    #[error(transparent)]
    Signal(#[from] SignalError),
    #[error("the media connection failed: {0}")]
    Media(String),
    #[error("the call has ended")]
    Ended,
}

/// A data message from someone in the meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Data {
    /// The sender's identity.
    pub from: String,
    pub topic: Option<String>,
    pub payload: Vec<u8>,
    pub reliable: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CallEvent {
    /// The media connection is up: data (and later media) flows.
    Connected,
    ParticipantJoined {
        sid: String,
        identity: String,
    },
    ParticipantLeft {
        sid: String,
        identity: String,
    },
    Data(Data),
    /// Our track is published under this sid.
    Published {
        sid: String,
    },
    /// 10 ms of someone's audio, decoded.
    Audio {
        from: String,
        track: String,
        frame: AudioFrame,
    },
    /// A picture of someone's video, decoded.
    Video {
        from: String,
        track: String,
        frame: VideoFrame,
    },
    /// The signalling connection dropped; the session is being resumed.
    Reconnecting,
    Reconnected,
    /// The call is over.
    Disconnected(CallError),
}

/// Who we are in the meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Me {
    pub room: String,
    pub sid: String,
    pub identity: String,
}

/// What a published track is fed from.
enum Source {
    Audio(Box<dyn AudioSource>),
    Video(Box<dyn VideoSource>),
}

enum Request {
    Publish(Source),
    Send {
        reliable: bool,
        topic: Option<String>,
        payload: Vec<u8>,
    },
    Leave(tokio::sync::oneshot::Sender<()>),
}

/// The handle of a running call. Cheap to clone; the call ends when [`Call::leave`] is called
/// or the last handle and the event receiver are dropped.
#[derive(Clone)]
pub struct Call {
    requests: mpsc::UnboundedSender<Request>,
    me: Me,
}

impl Call {
    /// Joins the meeting `token` grants on the SFU at `url`. Returns once the server has
    /// accepted the join; [`CallEvent::Connected`] follows when the media path is up.
    pub async fn join(
        url: &str,
        token: &str,
    ) -> Result<(Call, mpsc::UnboundedReceiver<CallEvent>), CallError> {
        let (signal, join) = signal::connect(url, token, &JoinOptions::default()).await?;
        let participant = join.participant.clone().unwrap_or_default();
        let me = Me {
            room: join
                .room
                .as_ref()
                .map(|r| r.name.clone())
                .unwrap_or_default(),
            sid: participant.sid.clone(),
            identity: participant.identity.clone(),
        };
        let ip = local_ip(url).await;
        let (peer, offer, peer_events) = Peer::start(ip)
            .await
            .map_err(|e| CallError::Media(e.to_string()))?;
        signal.send(signal_request::Message::Offer(proto::SessionDescription {
            r#type: "offer".into(),
            sdp: offer,
            ..Default::default()
        }))?;
        let (events, receiver) = mpsc::unbounded_channel();
        for other in &join.other_participants {
            let _ = events.send(CallEvent::ParticipantJoined {
                sid: other.sid.clone(),
                identity: other.identity.clone(),
            });
        }
        let (requests, inbox) = mpsc::unbounded_channel();
        let engine = Engine {
            url: url.to_owned(),
            token: token.to_owned(),
            ping: (join.ping_interval, join.ping_timeout),
            me: me.clone(),
            signal,
            peer,
            events,
            others: join
                .other_participants
                .iter()
                .map(|p| (p.sid.clone(), p.identity.clone()))
                .collect(),
            sequence: 0,
            connected: false,
            publishing: HashMap::new(),
            keyframes: HashMap::new(),
            video_decoders: HashMap::new(),
            tracks: join
                .other_participants
                .iter()
                .flat_map(|p| {
                    p.tracks
                        .iter()
                        .map(|t| (t.sid.clone(), (p.identity.clone(), t.r#type)))
                })
                .collect(),
            mids: HashMap::new(),
            decoders: HashMap::new(),
        };
        tokio::spawn(engine.run(inbox, peer_events));
        Ok((Call { requests, me }, receiver))
    }

    pub fn me(&self) -> &Me {
        &self.me
    }

    /// Publishes the audio of `source` (Opus, 10 ms packets); [`CallEvent::Published`]
    /// follows.
    pub fn publish_audio(&self, source: Box<dyn AudioSource>) -> Result<(), CallError> {
        self.requests
            .send(Request::Publish(Source::Audio(source)))
            .map_err(|_| CallError::Ended)
    }

    /// Publishes the pictures of `source` (VP8, 30 a second, keyframes when the SFU asks);
    /// [`CallEvent::Published`] follows.
    pub fn publish_video(&self, source: Box<dyn VideoSource>) -> Result<(), CallError> {
        self.requests
            .send(Request::Publish(Source::Video(source)))
            .map_err(|_| CallError::Ended)
    }

    /// Sends `payload` to everyone in the meeting: `reliable` on the ordered, retransmitted
    /// channel; otherwise on the lossy one (for what is stale a moment later).
    pub fn send_data(
        &self,
        payload: Vec<u8>,
        topic: Option<String>,
        reliable: bool,
    ) -> Result<(), CallError> {
        self.requests
            .send(Request::Send {
                reliable,
                topic,
                payload,
            })
            .map_err(|_| CallError::Ended)
    }

    /// Leaves the meeting, saying goodbye to the server.
    pub async fn leave(self) {
        let (done, wait) = tokio::sync::oneshot::channel();
        if self.requests.send(Request::Leave(done)).is_ok() {
            let _ = tokio::time::timeout(Duration::from_secs(3), wait).await;
        }
    }
}

/// The address of this machine that reaches the SFU (the route the system would take).
async fn local_ip(url: &str) -> IpAddr {
    let fallback = IpAddr::from([127, 0, 0, 1]);
    let Some(host) = url::Url::parse(url).ok().and_then(|u| {
        let port = u.port_or_known_default()?;
        Some(format!("{}:{port}", u.host_str()?))
    }) else {
        return fallback;
    };
    let Ok(mut addresses) = tokio::net::lookup_host(host).await else {
        return fallback;
    };
    let Some(target) = addresses.next() else {
        return fallback;
    };
    let unspecified = if target.is_ipv4() {
        IpAddr::from([0, 0, 0, 0])
    } else {
        IpAddr::from([0u16; 8])
    };
    match std::net::UdpSocket::bind((unspecified, 0)).and_then(|s| {
        s.connect(target)?;
        s.local_addr()
    }) {
        Ok(local) => local.ip(),
        Err(_) => fallback,
    }
}

struct Engine {
    url: String,
    token: String,
    ping: (i32, i32),
    me: Me,
    signal: Signal,
    peer: Peer,
    events: mpsc::UnboundedSender<CallEvent>,
    /// Everyone else, by sid.
    others: HashMap<String, String>,
    sequence: u32,
    connected: bool,
    /// Tracks asked for with `add_track`, by cid, until the server confirms them.
    publishing: HashMap<String, Source>,
    /// Keyframe wishes of the SFU for our video tracks, by cid.
    keyframes: HashMap<String, Arc<AtomicBool>>,
    video_decoders: HashMap<Mid, Vp8Decoder>,
    /// Everyone else's tracks: publisher identity and track type, by sid.
    tracks: HashMap<String, (String, i32)>,
    /// Which track the SFU sends on which of our m-lines (the answers' `mid_to_track_id`).
    mids: HashMap<String, String>,
    decoders: HashMap<Mid, OpusDecoder>,
}

impl Engine {
    async fn run(
        mut self,
        mut requests: mpsc::UnboundedReceiver<Request>,
        mut peer_events: mpsc::UnboundedReceiver<PeerEvent>,
    ) {
        let connect_deadline = tokio::time::sleep(CONNECT_TIMEOUT);
        tokio::pin!(connect_deadline);
        let end = loop {
            tokio::select! {
                event = self.signal.next() => match event {
                    Some(SignalEvent::Message(message)) => {
                        if let Err(error) = self.on_signal(*message) {
                            break error;
                        }
                    }
                    Some(SignalEvent::Malformed(error)) => {
                        tracing::warn!(%error, "ignored a malformed signalling message");
                    }
                    Some(SignalEvent::Rtt(_)) => {}
                    Some(SignalEvent::Closed(cause)) => {
                        if let Err(error) = self.resume(cause).await {
                            break error;
                        }
                    }
                    None => {
                        let cause = SignalError::Lost("the signalling task stopped".into());
                        if let Err(error) = self.resume(cause).await {
                            break error;
                        }
                    }
                },
                event = peer_events.recv() => match event {
                    Some(PeerEvent::Connected) => {
                        self.connected = true;
                        let _ = self.events.send(CallEvent::Connected);
                    }
                    Some(PeerEvent::Data { reliable, bytes }) => self.on_data(reliable, &bytes),
                    Some(PeerEvent::Offer(sdp)) => {
                        let offer = proto::SessionDescription { r#type: "offer".into(), sdp, ..Default::default() };
                        if let Err(error) = self.signal.send(signal_request::Message::Offer(offer)) {
                            tracing::warn!(%error, "offer not sent");
                        }
                    }
                    Some(PeerEvent::Media { mid, data }) => self.on_media(mid, &data),
                    Some(PeerEvent::KeyframeWanted { cid }) => {
                        if let Some(flag) = self.keyframes.get(&cid) {
                            flag.store(true, Ordering::Relaxed);
                        }
                    }
                    Some(PeerEvent::Disconnected) => tracing::info!("the media path is interrupted"),
                    Some(PeerEvent::Failed(problem)) => break CallError::Media(problem),
                    None => break CallError::Media("the media connection stopped".into()),
                },
                request = requests.recv() => match request {
                    Some(Request::Publish(source)) => self.add_track(source),
                    Some(Request::Send { reliable, topic, payload }) => self.send(reliable, topic, payload),
                    Some(Request::Leave(done)) => {
                        self.signal.leave().await;
                        let _ = done.send(());
                        let _ = self.events.send(CallEvent::Disconnected(CallError::Ended));
                        return;
                    }
                    None => {
                        self.signal.leave().await;
                        return;
                    }
                },
                () = &mut connect_deadline, if !self.connected => {
                    break CallError::Media("the media connection did not come up in time".into());
                }
            }
        };
        let _ = self.events.send(CallEvent::Disconnected(end));
    }

    fn on_signal(&mut self, message: signal_response::Message) -> Result<(), CallError> {
        use signal_response::Message as M;
        match message {
            M::Answer(answer) => {
                self.mids.extend(answer.mid_to_track_id);
                self.peer.command(Command::Answer(answer.sdp));
            }
            M::MediaSectionsRequirement(wanted) => self.peer.command(Command::MoreSlots {
                audio: wanted.num_audios,
                video: wanted.num_videos,
            }),
            M::TrackPublished(published) => {
                if let (Some(source), Some(track)) =
                    (self.publishing.remove(&published.cid), published.track)
                {
                    self.start(published.cid, track.sid, source);
                }
            }
            M::Trickle(trickle) => {
                let candidate = serde_json::from_str::<serde_json::Value>(&trickle.candidate_init)
                    .ok()
                    .and_then(|init| {
                        init.get("candidate")
                            .and_then(|c| c.as_str())
                            .map(str::to_owned)
                    });
                if let Some(candidate) = candidate {
                    self.peer.command(Command::Candidate(candidate));
                }
            }
            M::Update(update) => {
                for participant in update.participants {
                    if participant.sid == self.me.sid {
                        continue;
                    }
                    let gone =
                        participant.state == proto::participant_info::State::Disconnected as i32;
                    if gone {
                        if self.others.remove(&participant.sid).is_some() {
                            let _ = self.events.send(CallEvent::ParticipantLeft {
                                sid: participant.sid,
                                identity: participant.identity,
                            });
                        }
                        continue;
                    }
                    for track in &participant.tracks {
                        let who = (participant.identity.clone(), track.r#type);
                        self.tracks.insert(track.sid.clone(), who);
                    }
                    if !self.others.contains_key(&participant.sid) {
                        self.others
                            .insert(participant.sid.clone(), participant.identity.clone());
                        let _ = self.events.send(CallEvent::ParticipantJoined {
                            sid: participant.sid,
                            identity: participant.identity,
                        });
                    }
                }
            }
            M::Leave(leave) => {
                let reason = proto::DisconnectReason::try_from(leave.reason)
                    .map_or_else(|_| leave.reason.to_string(), |r| r.as_str_name().to_owned());
                return Err(CallError::Signal(SignalError::Left(reason)));
            }
            M::Offer(_) if self.signal.mode() == Mode::Single => {
                tracing::warn!("an offer in single peer connection mode; ignored");
            }
            _ => {}
        }
        Ok(())
    }

    /// Asks the server for a track; the media starts once it is confirmed.
    fn add_track(&mut self, source: Source) {
        let cid = format!(
            "TRcid_{}_{}",
            self.me.sid,
            self.publishing.len() + self.keyframes.len() + self.sequence as usize + 1
        );
        let request = match &source {
            Source::Audio(_) => proto::AddTrackRequest {
                cid: cid.clone(),
                name: "microphone".into(),
                r#type: proto::TrackType::Audio as i32,
                source: proto::TrackSource::Microphone as i32,
                ..Default::default()
            },
            Source::Video(video) => {
                let (width, height) = video.size();
                proto::AddTrackRequest {
                    cid: cid.clone(),
                    name: "camera".into(),
                    r#type: proto::TrackType::Video as i32,
                    source: proto::TrackSource::Camera as i32,
                    width,
                    height,
                    ..Default::default()
                }
            }
        };
        if let Err(error) = self.signal.send(signal_request::Message::AddTrack(request)) {
            tracing::warn!(%error, "track not published");
            return;
        }
        self.publishing.insert(cid, source);
    }

    /// The server took the track: negotiate its m-line and feed it.
    fn start(&mut self, cid: String, sid: String, source: Source) {
        let (reply, mid) = tokio::sync::oneshot::channel();
        let kind = match source {
            Source::Audio(_) => MediaKind::Audio,
            Source::Video(_) => MediaKind::Video,
        };
        let keyframe = Arc::new(AtomicBool::new(true));
        self.keyframes.insert(cid.clone(), keyframe.clone());
        self.peer.command(Command::Publish {
            kind,
            cid,
            mid: reply,
        });
        let commands = self.peer.commander();
        let _ = self.events.send(CallEvent::Published { sid });
        tokio::spawn(async move {
            let Ok(mid) = mid.await else { return };
            match source {
                Source::Audio(source) => feed_audio(source, mid, commands).await,
                // Encoding pictures is heavy: on a thread of its own, not the runtime's.
                Source::Video(source) => {
                    let _ = tokio::task::spawn_blocking(move || {
                        feed_video(source, mid, &commands, &keyframe);
                    })
                    .await;
                }
            }
        });
    }

    /// A frame the SFU forwards: decoded when it is someone's audio.
    fn on_media(&mut self, mid: Mid, data: &[u8]) {
        let Some(track) = self.mids.get(&mid.to_string()) else {
            return;
        };
        let Some((from, kind)) = self.tracks.get(track) else {
            return;
        };
        if *kind == proto::TrackType::Video as i32 {
            let decoder = match self.video_decoders.entry(mid) {
                std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
                std::collections::hash_map::Entry::Vacant(entry) => match Vp8Decoder::new() {
                    Ok(decoder) => entry.insert(decoder),
                    Err(_) => return,
                },
            };
            match decoder.decode(data, 0) {
                Ok(Some(frame)) => {
                    let _ = self.events.send(CallEvent::Video {
                        from: from.clone(),
                        track: track.clone(),
                        frame,
                    });
                }
                Ok(None) => {}
                Err(error) => tracing::debug!(%error, "a picture that does not decode"),
            }
            return;
        }
        let decoder = match self.decoders.entry(mid) {
            std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
            std::collections::hash_map::Entry::Vacant(entry) => match OpusDecoder::new() {
                Ok(decoder) => entry.insert(decoder),
                Err(_) => return,
            },
        };
        match decoder.decode(data) {
            Ok(frame) => {
                let _ = self.events.send(CallEvent::Audio {
                    from: from.clone(),
                    track: track.clone(),
                    frame,
                });
            }
            Err(error) => tracing::debug!(%error, "an audio packet that does not decode"),
        }
    }

    fn send(&mut self, reliable: bool, topic: Option<String>, payload: Vec<u8>) {
        let sequence = if reliable {
            self.sequence += 1;
            self.sequence
        } else {
            0
        };
        // The channel says whether it is reliable; the deprecated `kind` is left alone.
        let packet = proto::DataPacket {
            participant_identity: self.me.identity.clone(),
            participant_sid: self.me.sid.clone(),
            sequence,
            value: Some(proto::data_packet::Value::User(proto::UserPacket {
                payload,
                topic,
                ..Default::default()
            })),
            ..Default::default()
        };
        self.peer.command(Command::Send {
            reliable,
            bytes: packet.encode_to_vec(),
        });
    }

    fn on_data(&mut self, reliable: bool, bytes: &[u8]) {
        let Ok(packet) = proto::DataPacket::decode(bytes) else {
            tracing::warn!("a data message that is not a DataPacket; ignored");
            return;
        };
        if let Some(proto::data_packet::Value::User(user)) = packet.value {
            let from = if packet.participant_identity.is_empty() {
                #[allow(deprecated)]
                user.participant_identity.clone()
            } else {
                packet.participant_identity
            };
            let _ = self.events.send(CallEvent::Data(Data {
                from,
                topic: user.topic,
                payload: user.payload,
                reliable,
            }));
        }
    }

    /// Brings the signalling connection back for the same participant.
    async fn resume(&mut self, cause: SignalError) -> Result<(), CallError> {
        if matches!(cause, SignalError::Left(_)) {
            return Err(cause.into());
        }
        tracing::info!(%cause, "signalling dropped; resuming");
        let _ = self.events.send(CallEvent::Reconnecting);
        let mut last = cause;
        for pause in RESUME_BACKOFF {
            tokio::time::sleep(pause).await;
            match signal::resume(
                &self.url,
                &self.token,
                self.signal.mode(),
                &self.me.sid,
                self.ping,
            )
            .await
            {
                Ok((signal, _)) => {
                    self.signal = signal;
                    let _ = self.events.send(CallEvent::Reconnected);
                    return Ok(());
                }
                // The server no longer has us: resuming cannot work.
                Err(error @ SignalError::Left(_)) => return Err(error.into()),
                Err(error) => last = error,
            }
        }
        Err(last.into())
    }
}

/// Sends `source`'s audio on `mid`: an Opus packet every 10 ms.
async fn feed_audio(
    mut source: Box<dyn AudioSource>,
    mid: Mid,
    commands: mpsc::UnboundedSender<Command>,
) {
    let mut encoder = match OpusEncoder::new(32_000) {
        Ok(encoder) => encoder,
        Err(error) => {
            tracing::error!(%error, "no Opus encoder");
            return;
        }
    };
    let mut tick = tokio::time::interval(Duration::from_millis(10));
    loop {
        tick.tick().await;
        let frame = source.next_frame();
        let Ok(data) = encoder.encode(&frame) else {
            continue;
        };
        let time = MediaTime::new(frame.timestamp, Frequency::FORTY_EIGHT_KHZ);
        if commands
            .send(Command::Write {
                mid,
                codec: Codec::Opus,
                time,
                data,
            })
            .is_err()
        {
            return;
        }
    }
}

/// Sends `source`'s pictures on `mid`: VP8, 30 a second, a keyframe whenever `keyframe` is set.
fn feed_video(
    mut source: Box<dyn VideoSource>,
    mid: Mid,
    commands: &mpsc::UnboundedSender<Command>,
    keyframe: &AtomicBool,
) {
    let (width, height) = source.size();
    let mut encoder = match Vp8Encoder::new(width, height, 600) {
        Ok(encoder) => encoder,
        Err(error) => {
            tracing::error!(%error, "no VP8 encoder");
            return;
        }
    };
    let started = std::time::Instant::now();
    let period = Duration::from_micros(33_333);
    for n in 0u32.. {
        // Paced by the clock, not by how long encoding took.
        let due = started + period * n;
        std::thread::sleep(due.saturating_duration_since(std::time::Instant::now()));
        let elapsed = started.elapsed();
        let wallclock = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        let frame = source.next_frame(elapsed.as_micros() as u64, wallclock);
        let timestamp = (elapsed.as_micros() * 9 / 100) as u32;
        let forced = keyframe.swap(false, Ordering::Relaxed);
        let Ok(encoded) = encoder.encode(&frame, timestamp, forced) else {
            continue;
        };
        for picture in encoded {
            let time = MediaTime::new(u64::from(timestamp), Frequency::NINETY_KHZ);
            if commands
                .send(Command::Write {
                    mid,
                    codec: Codec::Vp8,
                    time,
                    data: picture.data,
                })
                .is_err()
            {
                return;
            }
        }
    }
}
