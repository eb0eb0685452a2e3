//! The peer connection to the SFU (str0m: ICE, DTLS, SCTP), owned by one task. The engine
//! talks to it with commands and hears from it through events; str0m itself never sees a
//! clock or a socket except through this loop.
//!
//! It offers LiveKit's two data channels, `_reliable` (ordered, retransmitted) and `_lossy`
//! (unordered, never retransmitted), and carries `DataPacket`s on them both ways.

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use str0m::change::{SdpAnswer, SdpOffer, SdpPendingOffer};
use str0m::channel::{ChannelConfig, ChannelId, Reliability};
use str0m::format::Codec;
use str0m::media::{
    Direction, KeyframeRequestKind, MediaKind, MediaTime, Mid, Rid, Simulcast, SimulcastLayer,
};
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event, IceConnectionState, Input, Output, Rtc};
use tokio::net::UdpSocket;
use tokio::sync::mpsc;

pub const RELIABLE: &str = "_reliable";
pub const LOSSY: &str = "_lossy";
/// Messages queued while the channels open; more than this and the oldest lossy ones go.
const QUEUE_LIMIT: usize = 1024;

/// Receive-only m-lines of each kind in the first offer, for the tracks the SFU forwards (as
/// LiveKit's own clients offer).
const RECEIVE_SLOTS: usize = 3;

pub enum Command {
    /// The SFU's answer to our offer.
    Answer(String),
    /// The SFU's offer (to a subscriber connection); the answer comes as an event.
    Offer(String),
    /// A candidate the SFU trickled (`candidate:…`).
    Candidate(String),
    Send {
        reliable: bool,
        bytes: Vec<u8>,
    },
    /// Start sending a track whose msid track id is `cid`, as the simulcast layers `rids`
    /// (none: one stream); its m-line comes back.
    Publish {
        kind: MediaKind,
        cid: String,
        rids: Vec<&'static str>,
        mid: tokio::sync::oneshot::Sender<Mid>,
    },
    /// Ask the SFU for a keyframe of what it sends on `mid` (our decoder has nothing to start
    /// from).
    RequestKeyframe(Mid),
    /// The SFU wants more receive-only m-lines (and a new offer).
    MoreSlots {
        audio: u32,
        video: u32,
    },
    /// One encoded frame (`codec`) for the track on `mid` (simulcast layer `rid`), at
    /// `time`; audio says how loud it is (dBov, 0 down to -127) for the SFU's speaker
    /// detection.
    Write {
        mid: Mid,
        rid: Option<&'static str>,
        codec: Codec,
        time: MediaTime,
        level: Option<i8>,
        data: Vec<u8>,
    },
}

#[derive(Debug)]
pub enum PeerEvent {
    /// An offer to send to the SFU.
    Offer(String),
    /// The answer to the SFU's offer.
    Answer(String),
    /// The SFU sends the track whose msid names `track` on `mid` (a subscriber connection).
    Track {
        mid: Mid,
        track: String,
    },
    /// ICE and DTLS are up, and both data channels are open.
    Connected,
    /// An encoded frame of a track the SFU forwards, on `mid`, with its RTP time in the
    /// codec's clock.
    Media {
        mid: Mid,
        time: u64,
        data: Arc<[u8]>,
    },
    /// The SFU wants a keyframe of our track `cid`.
    KeyframeWanted {
        cid: String,
    },
    Data {
        reliable: bool,
        bytes: Vec<u8>,
    },
    /// The connection cannot go on.
    Failed(String),
    /// ICE gave up on every path to the SFU.
    Disconnected,
}

pub struct Peer {
    commands: mpsc::UnboundedSender<Command>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// STUN checks left unanswered this many times make ICE give up on a path: about 12 s, not
/// str0m's 21 s, so a dead media path is noticed (and the call joins afresh) sooner.
const STUN_RETRANSMITS: usize = 6;

/// A str0m instance as Sparks' connections use it.
fn rtc() -> Rtc {
    let mut config = Rtc::builder();
    config.set_max_stun_retransmits(STUN_RETRANSMITS);
    config.build(Instant::now())
}

impl Peer {
    /// A peer on a UDP socket of `ip`, and its offer. Its events come on the receiver. With
    /// `receives` it offers m-lines for what the SFU forwards (one connection for both
    /// directions, `/rtc/v1`); without, it only publishes (`/rtc`'s publisher connection).
    pub async fn start(
        ip: IpAddr,
        receives: bool,
    ) -> std::io::Result<(Peer, String, mpsc::UnboundedReceiver<PeerEvent>)> {
        let socket = UdpSocket::bind(SocketAddr::new(ip, 0)).await?;
        let local = socket.local_addr()?;
        let mut rtc = rtc();
        let candidate =
            Candidate::host(local, "udp").map_err(|e| std::io::Error::other(e.to_string()))?;
        rtc.add_local_candidate(candidate);
        let mut changes = rtc.sdp_api();
        changes.add_channel_with_config(ChannelConfig {
            label: RELIABLE.into(),
            ordered: true,
            reliability: Reliability::Reliable,
            negotiated: None,
            protocol: String::new(),
        });
        changes.add_channel_with_config(ChannelConfig {
            label: LOSSY.into(),
            ordered: false,
            reliability: Reliability::MaxRetransmits { retransmits: 0 },
            negotiated: None,
            protocol: String::new(),
        });
        for _ in 0..if receives { RECEIVE_SLOTS } else { 0 } {
            changes.add_media(MediaKind::Audio, Direction::RecvOnly, None, None, None);
            changes.add_media(MediaKind::Video, Direction::RecvOnly, None, None, None);
        }
        let (offer, pending) = changes
            .apply()
            .ok_or_else(|| std::io::Error::other("nothing to offer"))?;
        let (commands, inbox) = mpsc::unbounded_channel();
        let (events, outbox) = mpsc::unbounded_channel();
        let task = tokio::spawn(drive(rtc, socket, Some(pending), inbox, events));
        Ok((Peer { commands, task }, offer.to_sdp_string(), outbox))
    }

    /// A subscriber connection (`/rtc`): it answers the SFU's offers and only receives.
    pub fn answerer(ip: IpAddr) -> std::io::Result<(Peer, mpsc::UnboundedReceiver<PeerEvent>)> {
        let socket = std::net::UdpSocket::bind(SocketAddr::new(ip, 0))?;
        socket.set_nonblocking(true)?;
        let socket = UdpSocket::from_std(socket)?;
        let local = socket.local_addr()?;
        let mut rtc = rtc();
        let candidate =
            Candidate::host(local, "udp").map_err(|e| std::io::Error::other(e.to_string()))?;
        rtc.add_local_candidate(candidate);
        let (commands, inbox) = mpsc::unbounded_channel();
        let (events, outbox) = mpsc::unbounded_channel();
        let task = tokio::spawn(drive(rtc, socket, None, inbox, events));
        Ok((Peer { commands, task }, outbox))
    }

    pub fn command(&self, command: Command) {
        let _ = self.commands.send(command);
    }

    /// A sender for commands, for tasks that feed media.
    pub fn commander(&self) -> mpsc::UnboundedSender<Command> {
        self.commands.clone()
    }
}

/// A change to the session waiting for the offer under way to be answered.
enum Change {
    Send(
        MediaKind,
        String,
        Vec<&'static str>,
        tokio::sync::oneshot::Sender<Mid>,
    ),
    Receive(MediaKind),
}

struct State {
    rtc: Rtc,
    pending: Option<SdpPendingOffer>,
    /// Changes for the next offer.
    changes: Vec<Change>,
    /// Our tracks' cids, by the m-line they go out on.
    published: HashMap<Mid, String>,
    channels: HashMap<ChannelId, bool>,
    open: [Option<ChannelId>; 2],
    queued: VecDeque<(bool, Vec<u8>)>,
    announced: bool,
    connected: bool,
    /// Offers made, for the engine to send.
    outgoing: Vec<String>,
    /// Answers to the SFU's offers, for the engine to send.
    answers: Vec<String>,
}

impl State {
    fn channel(&self, reliable: bool) -> Option<ChannelId> {
        self.open[usize::from(reliable)]
    }

    fn ready(&self) -> bool {
        self.connected && self.open.iter().all(Option::is_some)
    }

    fn send(&mut self, reliable: bool, bytes: Vec<u8>) {
        let Some(id) = self.channel(reliable).filter(|_| self.connected) else {
            if self.queued.len() >= QUEUE_LIMIT
                && let Some(at) = self.queued.iter().position(|(r, _)| !r)
            {
                self.queued.remove(at);
            }
            self.queued.push_back((reliable, bytes));
            return;
        };
        if let Some(mut channel) = self.rtc.channel(id)
            && let Err(error) = channel.write(true, &bytes)
        {
            tracing::warn!(%error, "data not sent");
        }
    }

    fn apply(&mut self, command: Command) -> Result<(), String> {
        match command {
            Command::Answer(sdp) => {
                let answer = SdpAnswer::from_sdp_string(&sdp)
                    .map_err(|e| format!("a broken answer: {e}"))?;
                let pending = self.pending.take().ok_or("an answer nobody asked for")?;
                self.rtc
                    .sdp_api()
                    .accept_answer(pending, answer)
                    .map_err(|e| format!("an answer that does not fit the offer: {e}"))?;
                self.negotiate();
            }
            Command::Offer(sdp) => {
                let offer =
                    SdpOffer::from_sdp_string(&sdp).map_err(|e| format!("a broken offer: {e}"))?;
                let answer = self
                    .rtc
                    .sdp_api()
                    .accept_offer(offer)
                    .map_err(|e| format!("an offer that cannot be answered: {e}"))?;
                self.answers.push(answer.to_sdp_string());
            }
            Command::Publish {
                kind,
                cid,
                rids,
                mid,
            } => {
                self.changes.push(Change::Send(kind, cid, rids, mid));
                self.negotiate();
            }
            Command::MoreSlots { audio, video } => {
                let audio = (0..audio.max(u32::from(audio == 0 && video == 0)))
                    .map(|_| Change::Receive(MediaKind::Audio));
                let video = (0..video).map(|_| Change::Receive(MediaKind::Video));
                self.changes.extend(audio.chain(video));
                self.negotiate();
            }
            Command::Write {
                mid,
                rid,
                codec,
                time,
                level,
                data,
            } => {
                if let Some(mut writer) = self.rtc.writer(mid) {
                    let pt = writer
                        .payload_params()
                        .find(|p| p.spec().codec == codec)
                        .map(|p| p.pt());
                    if let Some(rid) = rid {
                        writer = writer.rid(Rid::from(rid));
                    }
                    if let Some(level) = level {
                        writer = writer.audio_level(level.min(0), level > -50);
                    }
                    if let Some(pt) = pt
                        && let Err(error) = writer.write(pt, Instant::now(), time, data)
                    {
                        tracing::debug!(%error, "media not sent");
                    }
                }
            }
            Command::RequestKeyframe(mid) => {
                if let Some(mut writer) = self.rtc.writer(mid) {
                    let _ = writer.request_keyframe(None, KeyframeRequestKind::Pli);
                }
            }
            Command::Candidate(line) => {
                if line.is_empty() {
                    return Ok(());
                }
                match Candidate::from_sdp_string(&line) {
                    Ok(candidate) => self.rtc.add_remote_candidate(candidate),
                    // mDNS names and the like cannot be used; others may do.
                    Err(error) => tracing::debug!(%error, line, "candidate skipped"),
                }
            }
            Command::Send { reliable, bytes } => self.send(reliable, bytes),
        }
        Ok(())
    }

    /// Makes an offer of the waiting changes, unless one is under way already.
    fn negotiate(&mut self) {
        if self.pending.is_some() || self.changes.is_empty() {
            return;
        }
        let mut api = self.rtc.sdp_api();
        let mut replies = Vec::new();
        for change in self.changes.drain(..) {
            match change {
                Change::Send(kind, cid, rids, reply) => {
                    let stream = Some(format!("sparks-{cid}"));
                    let simulcast = (!rids.is_empty()).then(|| Simulcast {
                        send: rids.iter().map(|rid| SimulcastLayer::new(rid)).collect(),
                        recv: Vec::new(),
                    });
                    let mid = api.add_media(
                        kind,
                        Direction::SendOnly,
                        stream,
                        Some(cid.clone()),
                        simulcast,
                    );
                    self.published.insert(mid, cid);
                    replies.push((reply, mid));
                }
                Change::Receive(kind) => {
                    api.add_media(kind, Direction::RecvOnly, None, None, None);
                }
            }
        }
        if let Some((offer, pending)) = api.apply() {
            self.pending = Some(pending);
            self.outgoing.push(offer.to_sdp_string());
        }
        for (reply, mid) in replies {
            let _ = reply.send(mid);
        }
    }

    fn on_event(&mut self, event: Event, events: &mpsc::UnboundedSender<PeerEvent>) {
        match event {
            Event::KeyframeRequest(request) => {
                if let Some(cid) = self.published.get(&request.mid) {
                    let _ = events.send(PeerEvent::KeyframeWanted { cid: cid.clone() });
                }
            }
            Event::MediaData(data) => {
                let _ = events.send(PeerEvent::Media {
                    mid: data.mid,
                    time: data.time.numer(),
                    data: data.data,
                });
            }
            Event::MediaAdded(added) if added.direction == Direction::RecvOnly => {
                if let Some(media) = self.rtc.media(added.mid) {
                    let _ = events.send(PeerEvent::Track {
                        mid: added.mid,
                        track: media.track_id().to_owned(),
                    });
                }
            }
            Event::Connected => self.connected = true,
            Event::IceConnectionStateChange(IceConnectionState::Disconnected) => {
                let _ = events.send(PeerEvent::Disconnected);
            }
            Event::ChannelOpen(id, label) => {
                let reliable = match label.as_str() {
                    RELIABLE => true,
                    LOSSY => false,
                    _ => return,
                };
                self.channels.insert(id, reliable);
                self.open[usize::from(reliable)] = Some(id);
            }
            Event::ChannelData(data) => {
                if let Some(reliable) = self.channels.get(&data.id).copied() {
                    let _ = events.send(PeerEvent::Data {
                        reliable,
                        bytes: data.data,
                    });
                }
            }
            Event::ChannelClose(id) => {
                if let Some(reliable) = self.channels.remove(&id) {
                    self.open[usize::from(reliable)] = None;
                }
            }
            _ => {}
        }
    }
}

async fn drive(
    rtc: Rtc,
    socket: UdpSocket,
    pending: Option<SdpPendingOffer>,
    mut inbox: mpsc::UnboundedReceiver<Command>,
    events: mpsc::UnboundedSender<PeerEvent>,
) {
    let local = match socket.local_addr() {
        Ok(local) => local,
        Err(error) => {
            let _ = events.send(PeerEvent::Failed(error.to_string()));
            return;
        }
    };
    let mut state = State {
        rtc,
        pending,
        channels: HashMap::new(),
        open: [None, None],
        queued: VecDeque::new(),
        announced: false,
        connected: false,
        outgoing: Vec::new(),
        answers: Vec::new(),
        changes: Vec::new(),
        published: HashMap::new(),
    };
    let mut buffer = vec![0u8; 2048];
    loop {
        // Every change to the Rtc is followed by draining what it wants done.
        let deadline = loop {
            match state.rtc.poll_output() {
                Ok(Output::Timeout(at)) => break at,
                Ok(Output::Transmit(transmit)) => {
                    let _ = socket
                        .send_to(&transmit.contents, transmit.destination)
                        .await;
                }
                Ok(Output::Event(event)) => state.on_event(event, &events),
                Err(error) => {
                    let _ = events.send(PeerEvent::Failed(error.to_string()));
                    return;
                }
            }
        };
        if !state.rtc.is_alive() {
            let _ = events.send(PeerEvent::Failed("the connection closed".into()));
            return;
        }
        for offer in state.outgoing.drain(..) {
            let _ = events.send(PeerEvent::Offer(offer));
        }
        for answer in state.answers.drain(..) {
            let _ = events.send(PeerEvent::Answer(answer));
        }
        if state.ready() && !state.announced {
            state.announced = true;
            let _ = events.send(PeerEvent::Connected);
            while let Some((reliable, bytes)) = state.queued.pop_front() {
                state.send(reliable, bytes);
            }
            continue;
        }
        let now = Instant::now();
        let deadline = deadline.min(now + Duration::from_millis(500));
        tokio::select! {
            received = socket.recv_from(&mut buffer) => {
                let Ok((length, source)) = received else { continue };
                if let Ok(receive) = Receive::new(Protocol::Udp, source, local, &buffer[..length])
                    && let Err(error) = state.rtc.handle_input(Input::Receive(Instant::now(), receive))
                {
                    tracing::debug!(%error, "datagram not taken");
                }
            }
            _ = tokio::time::sleep_until(deadline.into()) => {
                if let Err(error) = state.rtc.handle_input(Input::Timeout(Instant::now())) {
                    let _ = events.send(PeerEvent::Failed(error.to_string()));
                    return;
                }
            }
            command = inbox.recv() => {
                let Some(command) = command else { return };
                if let Err(problem) = state.apply(command) {
                    let _ = events.send(PeerEvent::Failed(problem));
                    return;
                }
            }
        }
    }
}
