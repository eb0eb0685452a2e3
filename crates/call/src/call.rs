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
use std::sync::atomic::Ordering;
use std::time::Instant;

use sparks_media::{AudioSink, AudioSource, Mixer, VideoFrame, VideoSource, Vp8Decoder};
use str0m::media::{MediaKind, Mid};

use crate::peer::{Command, Peer, PeerEvent};
use crate::publish::{self, Controls};

mod recover;
mod remote;
mod tracks;

use crate::signal::{self, JoinOptions, Mode, Signal, SignalError, SignalEvent};
use remote::{Remote, quality, remote};

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

/// Audio or video.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrackKind {
    Audio,
    Video,
}

/// How well someone's connection to the SFU carries their media, as the SFU judges it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quality {
    Excellent,
    Good,
    Poor,
    Lost,
}

/// Someone speaking now.
#[derive(Debug, Clone, PartialEq)]
pub struct Speaker {
    pub identity: String,
    /// 0.0 (quiet) to 1.0 (loudest).
    pub level: f32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CallEvent {
    /// The media connection is up: data (and later media) flows.
    Connected,
    ParticipantJoined {
        sid: String,
        identity: String,
        /// The name the token gives them (a middleware's tokens: their Matrix user id).
        name: String,
    },
    ParticipantLeft {
        sid: String,
        identity: String,
    },
    Data(Data),
    /// Our track is published under this sid.
    Published {
        sid: String,
        kind: TrackKind,
    },
    /// Someone's track reaches us now (audio goes to the output; video comes as
    /// [`CallEvent::Video`]).
    TrackSubscribed {
        from: String,
        track: String,
        kind: TrackKind,
    },
    /// The track was unpublished, or its publisher left.
    TrackUnsubscribed {
        from: String,
        track: String,
    },
    /// Someone muted or unmuted a track.
    TrackMuted {
        from: String,
        track: String,
        muted: bool,
    },
    /// A picture of someone's video, decoded.
    Video {
        from: String,
        track: String,
        frame: VideoFrame,
    },
    /// Who is speaking now, loudest first (empty: nobody). Includes us.
    Speakers(Vec<Speaker>),
    /// The connection quality of participants (and ours) that changed.
    Quality(Vec<(String, Quality)>),
    /// The signalling connection dropped; the session is being resumed.
    Reconnecting,
    Reconnected,
    /// Something the call survives went wrong, and was left aside: a malformed or unexpected
    /// message from the server.
    Ignored(CallError),
    /// The call is over.
    Disconnected(CallError),
}

/// A call's events, in order: [`Events::recv`] them one by one, or use them as a
/// [`futures_util::Stream`]. They end when the call does.
#[derive(Debug)]
pub struct Events(mpsc::UnboundedReceiver<CallEvent>);

impl Events {
    /// The next event; `None` once the call is over and every event was taken.
    pub async fn recv(&mut self) -> Option<CallEvent> {
        self.0.recv().await
    }

    /// The next event if one is waiting.
    pub fn try_recv(&mut self) -> Option<CallEvent> {
        self.0.try_recv().ok()
    }
}

impl futures_util::Stream for Events {
    type Item = CallEvent;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<CallEvent>> {
        self.0.poll_recv(cx)
    }
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

impl Source {
    fn kind(&self) -> TrackKind {
        match self {
            Source::Audio(_) => TrackKind::Audio,
            Source::Video(_) => TrackKind::Video,
        }
    }
}

enum Request {
    Publish(Source),
    Mute(TrackKind, bool),
    Output(Box<dyn AudioSink>),
    View {
        track: String,
        width: u32,
        height: u32,
    },
    Subscribe {
        track: String,
        subscribe: bool,
    },
    Send {
        reliable: bool,
        topic: Option<String>,
        payload: Vec<u8>,
    },
    Leave(tokio::sync::oneshot::Sender<()>),
}

/// Why the server sent us away, and what it wants us to do.
enum Left {
    Resume,
    Rejoin,
    Ended(CallError),
}

/// One of our tracks, while the server confirms it and after.
struct Local {
    kind: TrackKind,
    /// The picture's size when published (the width decides the simulcast layers).
    size: (u32, u32),
    /// The server's sid, once confirmed.
    sid: Option<String>,
    /// The source until the track is confirmed and its feeder starts.
    source: Option<Source>,
    audio: Arc<Controls<dyn AudioSource>>,
    video: Arc<Controls<dyn VideoSource>>,
}

impl Local {
    fn set_muted(&self, muted: bool) {
        self.audio.muted.store(muted, Ordering::Relaxed);
        self.video.muted.store(muted, Ordering::Relaxed);
        if !muted {
            self.video.keyframe.store(true, Ordering::Relaxed);
        }
    }
}

impl Drop for Local {
    fn drop(&mut self) {
        self.audio.stopped.store(true, Ordering::Relaxed);
        self.video.stopped.store(true, Ordering::Relaxed);
    }
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
    pub async fn join(url: &str, token: &str) -> Result<(Call, Events), CallError> {
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
        let (peer, offer, peer_events) = Peer::start(ip, signal.mode() == Mode::Single)
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
                name: other.name.clone(),
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
            local: HashMap::new(),
            muted: HashMap::new(),
            video_decoders: HashMap::new(),
            keyframes_asked: HashMap::new(),
            remote: join
                .other_participants
                .iter()
                .flat_map(|p| {
                    p.tracks
                        .iter()
                        .map(|t| (t.sid.clone(), remote(&p.identity, t)))
                })
                .collect(),
            mids: HashMap::new(),
            mixer: Mixer::new(),
            output: None,
            ip,
            subscriber: None,
            speaking: HashMap::new(),
        };
        tokio::spawn(engine.run(inbox, peer_events));
        Ok((Call { requests, me }, Events(receiver)))
    }

    pub fn me(&self) -> &Me {
        &self.me
    }

    /// Publishes the audio of `source` (Opus, 10 ms packets); [`CallEvent::Published`]
    /// follows. With audio published already, the track is fed from `source` from now on:
    /// switching microphones in the meeting, without anyone noticing more than the sound.
    pub fn publish_audio(&self, source: Box<dyn AudioSource>) -> Result<(), CallError> {
        self.request(Request::Publish(Source::Audio(source)))
    }

    /// Publishes the pictures of `source` (VP8, 30 a second, keyframes when the SFU asks;
    /// three simulcast layers from 640 pixels wide); [`CallEvent::Published`] follows. With
    /// video published already, it switches to `source` (another camera).
    pub fn publish_video(&self, source: Box<dyn VideoSource>) -> Result<(), CallError> {
        self.request(Request::Publish(Source::Video(source)))
    }

    /// Mutes or unmutes our audio or video: nothing is sent while muted, and everyone sees
    /// the track as muted. Muting before publishing publishes muted.
    pub fn set_muted(&self, kind: TrackKind, muted: bool) -> Result<(), CallError> {
        self.request(Request::Mute(kind, muted))
    }

    /// Where everyone's audio goes: mixed, every 10 ms. Without one it is played nowhere.
    pub fn set_output(&self, sink: Box<dyn AudioSink>) -> Result<(), CallError> {
        self.request(Request::Output(sink))
    }

    /// Tells the SFU how large someone's video `track` is shown, so it forwards the simulcast
    /// layer that fits (0 × 0: not shown, send nothing).
    pub fn set_view(&self, track: &str, width: u32, height: u32) -> Result<(), CallError> {
        self.request(Request::View {
            track: track.to_owned(),
            width,
            height,
        })
    }

    /// Stops (or starts again) receiving someone's `track`: the SFU sends nothing of it while
    /// unsubscribed, which saves the bandwidth and the decoding.
    pub fn set_subscribed(&self, track: &str, subscribe: bool) -> Result<(), CallError> {
        self.request(Request::Subscribe {
            track: track.to_owned(),
            subscribe,
        })
    }

    fn request(&self, request: Request) -> Result<(), CallError> {
        self.requests.send(request).map_err(|_| CallError::Ended)
    }

    /// Sends `payload` to everyone in the meeting: `reliable` on the ordered, retransmitted
    /// channel; otherwise on the lossy one (for what is stale a moment later).
    pub fn send_data(
        &self,
        payload: Vec<u8>,
        topic: Option<String>,
        reliable: bool,
    ) -> Result<(), CallError> {
        self.request(Request::Send {
            reliable,
            topic,
            payload,
        })
    }

    /// Leaves the meeting, saying goodbye to the server.
    pub async fn leave(self) {
        let (done, wait) = tokio::sync::oneshot::channel();
        if self.requests.send(Request::Leave(done)).is_ok() {
            let _ = tokio::time::timeout(Duration::from_secs(3), wait).await;
        }
    }
}

/// The next event of the subscriber connection, if there is one (else never).
async fn subscribed(
    subscriber: &mut Option<(Peer, mpsc::UnboundedReceiver<PeerEvent>)>,
) -> Option<PeerEvent> {
    match subscriber {
        Some((_, events)) => events.recv().await,
        None => std::future::pending().await,
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
    /// Our tracks, by cid.
    local: HashMap<String, Local>,
    /// What the user muted, published or not yet.
    muted: HashMap<TrackKind, bool>,
    video_decoders: HashMap<Mid, Vp8Decoder>,
    /// When we last asked for a keyframe, by m-line.
    keyframes_asked: HashMap<Mid, Instant>,
    /// Everyone else's tracks, by sid.
    remote: HashMap<String, Remote>,
    /// Which track the SFU sends on which of our m-lines (the answers' `mid_to_track_id`).
    mids: HashMap<String, String>,
    mixer: Mixer,
    output: Option<Box<dyn AudioSink>>,
    /// Our address towards the SFU.
    ip: IpAddr,
    /// `/rtc`: the subscriber connection, which the SFU offers, and its events.
    subscriber: Option<(Peer, mpsc::UnboundedReceiver<PeerEvent>)>,
    /// Who spoke at the last speaker update, and how loud (by sid).
    speaking: HashMap<String, f32>,
}

impl Engine {
    async fn run(
        mut self,
        mut requests: mpsc::UnboundedReceiver<Request>,
        mut peer_events: mpsc::UnboundedReceiver<PeerEvent>,
    ) {
        let connect_deadline = tokio::time::sleep(CONNECT_TIMEOUT);
        tokio::pin!(connect_deadline);
        let mut playout = tokio::time::interval(Duration::from_millis(10));
        playout.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let end = loop {
            tokio::select! {
                event = self.signal.next() => match event {
                    Some(SignalEvent::Message(message)) => {
                        let recovery = match self.on_signal(*message) {
                            Ok(()) => None,
                            // The server asks us to come back: resume, or join afresh.
                            Err(Left::Resume) => Some(self.recover(SignalError::Lost("the server asked to resume".into())).await),
                            Err(Left::Rejoin) => Some(self.rejoin_now().await),
                            Err(Left::Ended(error)) => break error,
                        };
                        match recovery {
                            Some(Ok(Some(events))) => {
                                peer_events = events;
                                connect_deadline.as_mut().reset(tokio::time::Instant::now() + CONNECT_TIMEOUT);
                            }
                            Some(Err(error)) => break error,
                            _ => {}
                        }
                    }
                    Some(SignalEvent::Malformed(error)) => {
                        tracing::warn!(%error, "ignored a malformed signalling message");
                        let _ = self.events.send(CallEvent::Ignored(error.into()));
                    }
                    Some(SignalEvent::Rtt(_)) => {}
                    closed @ (Some(SignalEvent::Closed(_)) | None) => {
                        let cause = match closed {
                            Some(SignalEvent::Closed(cause)) => cause,
                            _ => SignalError::Lost("the signalling task stopped".into()),
                        };
                        match self.recover(cause).await {
                            Ok(Some(events)) => {
                                peer_events = events;
                                connect_deadline.as_mut().reset(tokio::time::Instant::now() + CONNECT_TIMEOUT);
                            }
                            Ok(None) => {}
                            Err(error) => break error,
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
                    Some(PeerEvent::Media { mid, time, data }) => self.on_media(mid, time, &data),
                    Some(PeerEvent::KeyframeWanted { cid }) => {
                        if let Some(local) = self.local.get(&cid) {
                            local.video.keyframe.store(true, Ordering::Relaxed);
                        }
                    }
                    // The publisher connection neither answers nor receives tracks.
                    Some(PeerEvent::Answer(_) | PeerEvent::Track { .. }) => {}
                    // A media connection that worked and then died (ICE gave up on every
                    // path, or it failed): join afresh, once per working connection (one that
                    // never came up ends the call).
                    Some(event @ (PeerEvent::Disconnected | PeerEvent::Failed(_))) if self.connected => {
                        tracing::warn!(?event, "the media connection died; joining afresh");
                        match self.rejoin_now().await {
                            Ok(Some(events)) => {
                                peer_events = events;
                                connect_deadline.as_mut().reset(tokio::time::Instant::now() + CONNECT_TIMEOUT);
                            }
                            Ok(None) => {}
                            Err(error) => break error,
                        }
                    }
                    Some(PeerEvent::Disconnected) => tracing::info!("the media path is interrupted"),
                    Some(PeerEvent::Failed(problem)) => break CallError::Media(problem),
                    None => break CallError::Media("the media connection stopped".into()),
                },
                event = subscribed(&mut self.subscriber) => match event {
                    Some(PeerEvent::Answer(sdp)) => {
                        let answer = proto::SessionDescription { r#type: "answer".into(), sdp, ..Default::default() };
                        if let Err(error) = self.signal.send(signal_request::Message::Answer(answer)) {
                            tracing::warn!(%error, "answer not sent");
                        }
                    }
                    Some(PeerEvent::Track { mid, track }) => {
                        self.mids.insert(mid.to_string(), track);
                        self.announce_subscriptions();
                    }
                    Some(PeerEvent::Media { mid, time, data }) => self.on_media(mid, time, &data),
                    // Servers that make the subscriber connection primary send data on it.
                    Some(PeerEvent::Data { reliable, bytes }) => self.on_data(reliable, &bytes),
                    Some(PeerEvent::Failed(problem)) => break CallError::Media(problem),
                    Some(_) => {}
                    None => self.subscriber = None,
                },
                request = requests.recv() => match request {
                    Some(Request::Publish(source)) => self.add_track(source),
                    Some(Request::Mute(kind, muted)) => self.mute(kind, muted),
                    Some(Request::Output(sink)) => self.output = Some(sink),
                    Some(Request::View { track, width, height }) => self.view(track, width, height),
                    Some(Request::Subscribe { track, subscribe }) => {
                        let update = proto::UpdateSubscription { track_sids: vec![track], subscribe, ..Default::default() };
                        if let Err(error) = self.signal.send(signal_request::Message::Subscription(update)) {
                            tracing::warn!(%error, "subscription not sent");
                        }
                    }
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
                _ = playout.tick() => {
                    let mix = self.mixer.pull();
                    if let Some(output) = &mut self.output {
                        output.play(&mix);
                    }
                }
                () = &mut connect_deadline, if !self.connected => {
                    break CallError::Media("the media connection did not come up in time".into());
                }
            }
        };
        let _ = self.events.send(CallEvent::Disconnected(end));
    }

    fn on_signal(&mut self, message: signal_response::Message) -> Result<(), Left> {
        use signal_response::Message as M;
        match message {
            M::Answer(answer) => {
                self.mids.extend(answer.mid_to_track_id);
                self.peer.command(Command::Answer(answer.sdp));
                self.announce_subscriptions();
            }
            M::MediaSectionsRequirement(wanted) => self.peer.command(Command::MoreSlots {
                audio: wanted.num_audios,
                video: wanted.num_videos,
            }),
            M::TrackPublished(published) => {
                if let Some(track) = published.track {
                    self.start(published.cid, track.sid);
                }
            }
            M::SubscribedQualityUpdate(update) => self.on_watched(&update),
            M::RefreshToken(token) => self.token = token,
            M::SpeakersChanged(changed) => self.on_speakers(changed.speakers),
            M::ConnectionQuality(update) => {
                let changes: Vec<(String, Quality)> = update
                    .updates
                    .iter()
                    .filter_map(|info| {
                        let identity = self.identity_of(&info.participant_sid)?;
                        Some((identity, quality(info.quality)))
                    })
                    .collect();
                if !changes.is_empty() {
                    let _ = self.events.send(CallEvent::Quality(changes));
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
                let to_subscriber = trickle.target == proto::SignalTarget::Subscriber as i32;
                match (candidate, &self.subscriber) {
                    (Some(candidate), Some((subscriber, _))) if to_subscriber => {
                        subscriber.command(Command::Candidate(candidate));
                    }
                    (Some(candidate), _) => self.peer.command(Command::Candidate(candidate)),
                    (None, _) => {}
                }
            }
            M::Update(update) => {
                for participant in update.participants {
                    if participant.sid == self.me.sid {
                        continue;
                    }
                    let gone =
                        participant.state == proto::participant_info::State::Disconnected as i32;
                    let kept: Vec<&str> = if gone {
                        Vec::new()
                    } else {
                        participant.tracks.iter().map(|t| t.sid.as_str()).collect()
                    };
                    self.drop_tracks(&participant.identity, &kept);
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
                        self.on_track(&participant.identity, track);
                    }
                    if !self.others.contains_key(&participant.sid) {
                        self.others
                            .insert(participant.sid.clone(), participant.identity.clone());
                        let _ = self.events.send(CallEvent::ParticipantJoined {
                            sid: participant.sid,
                            identity: participant.identity,
                            name: participant.name,
                        });
                    }
                }
                self.announce_subscriptions();
            }
            M::Leave(leave) => {
                use proto::leave_request::Action;
                let reason = proto::DisconnectReason::try_from(leave.reason)
                    .map_or_else(|_| leave.reason.to_string(), |r| r.as_str_name().to_owned());
                return Err(match Action::try_from(leave.action) {
                    Ok(Action::Resume) => Left::Resume,
                    Ok(Action::Reconnect) => Left::Rejoin,
                    _ => Left::Ended(CallError::Signal(SignalError::Left(reason))),
                });
            }
            M::Offer(_) if self.signal.mode() == Mode::Single => {
                tracing::warn!("an offer in single peer connection mode; ignored");
                let _ = self.events.send(CallEvent::Ignored(CallError::Signal(
                    SignalError::Protocol("an offer on a single peer connection".into()),
                )));
            }
            // `/rtc`: the SFU offers what we receive on a connection of its own.
            M::Offer(offer) => {
                if self.subscriber.is_none() {
                    let subscriber = Peer::answerer(self.ip)
                        .map_err(|e| Left::Ended(CallError::Media(e.to_string())))?;
                    self.subscriber = Some(subscriber);
                }
                if let Some((subscriber, _)) = &self.subscriber {
                    subscriber.command(Command::Offer(offer.sdp));
                }
            }
            _ => {}
        }
        Ok(())
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
}
