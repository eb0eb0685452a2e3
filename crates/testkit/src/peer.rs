//! The fixture's side of a participant's peer connection: an ICE-lite str0m instance on
//! the fixture's address that answers the participant's offers and relays `DataPacket`s between the
//! participants of a room, on the channels the client opened (`_reliable`, `_lossy`), as
//! `livekit-server` does in single peer connection mode.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use str0m::change::SdpOffer;
use str0m::channel::ChannelId;
use str0m::format::PayloadParams;
use str0m::media::{Direction, KeyframeRequestKind, MediaKind, MediaTime, Mid, Rid, Rids};
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event, Input, Output, Rtc};
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot};

/// An answer and which of its m-lines carry which track (`mid_to_track_id`).
/// An answer, which of its m-lines carry which track (`mid_to_track_id`), and how many
/// audio and video tracks still wait for an m-line of the client's.
pub type Answer = (String, HashMap<String, String>, (u32, u32));

/// One encoded frame of a track, as it goes from the publisher to the subscribers.
#[derive(Clone)]
pub struct Frame {
    pub params: PayloadParams,
    pub time: MediaTime,
    pub network_time: Instant,
    /// The simulcast layer it belongs to (`q`, `h`, `f`), if the track has layers.
    pub rid: Option<Rid>,
    /// The sender's RFC 6464 audio level (dBov), if it sent one.
    pub audio_level: Option<i8>,
    pub data: Arc<[u8]>,
}

impl Frame {
    /// Whether a subscriber can start decoding here: a VP8 keyframe (the inverted key bit
    /// of the frame tag is 0), or any audio.
    pub fn starts_picture(&self) -> bool {
        self.params.spec().codec != str0m::format::Codec::Vp8
            || self.data.first().is_some_and(|tag| tag & 1 == 0)
    }
}

pub enum Command {
    /// The participant's offer; the answer comes back on the sender.
    Offer(String, oneshot::Sender<Result<Answer, String>>),
    Candidate(String),
    /// A packet for the participant, on the reliable or the lossy channel.
    Send {
        reliable: bool,
        bytes: Vec<u8>,
    },
    /// Send track `track` (msid stream `stream`) to the participant on a free m-line of
    /// `kind`; the next answer says so.
    Subscribe {
        track: String,
        stream: String,
        kind: MediaKind,
    },
    /// A frame of a track the participant is subscribed to.
    Media {
        track: String,
        frame: Frame,
    },
    /// Ask the participant for a keyframe of what it sends on `mid`.
    Keyframe(Mid),
    /// Stop answering: the media connection goes silent, as when a network path dies.
    Stop,
}

/// What the participant's connection brought.
pub enum Received {
    Data {
        reliable: bool,
        bytes: Vec<u8>,
    },
    /// The participant sends a track on `mid`, whose msid names `cid`.
    Track {
        mid: Mid,
        cid: String,
        kind: MediaKind,
    },
    Media {
        mid: Mid,
        frame: Frame,
    },
    /// A subscriber lost a picture of `track`.
    KeyframeWanted {
        track: String,
    },
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

impl Peer {
    pub async fn start(
        ip: std::net::IpAddr,
    ) -> std::io::Result<(Peer, mpsc::UnboundedReceiver<Received>)> {
        let socket = UdpSocket::bind((ip, 0)).await?;
        let local = socket.local_addr()?;
        let mut rtc = Rtc::builder().set_ice_lite(true).build(Instant::now());
        let candidate =
            Candidate::host(local, "udp").map_err(|e| std::io::Error::other(e.to_string()))?;
        rtc.add_local_candidate(candidate);
        let (commands, inbox) = mpsc::unbounded_channel();
        let (received, outbox) = mpsc::unbounded_channel();
        let task = tokio::spawn(drive(rtc, socket, local, inbox, received));
        Ok((Peer { commands, task }, outbox))
    }

    pub fn command(&self, command: Command) {
        let _ = self.commands.send(command);
    }
}

/// The track sent on `mid`, of those `sending` (by track).
pub(crate) fn track_on(sending: &HashMap<String, Mid>, mid: Mid) -> Option<String> {
    sending
        .iter()
        .find(|(_, m)| **m == mid)
        .map(|(track, _)| track.clone())
}

/// What came first while a fixture connection waited.
pub(crate) enum Woke<C> {
    /// A datagram or the timeout, fed to the `Rtc`.
    Input,
    Command(C),
    /// The commands ended or the `Rtc` gave up.
    Stop,
}

/// Waits for a datagram (fed to `rtc`), the `Rtc`'s `deadline` (its timeout fed), or a
/// command, whichever comes first; the deadline is at most half a second away.
pub(crate) async fn wait<C>(
    rtc: &mut Rtc,
    socket: &UdpSocket,
    local: SocketAddr,
    buffer: &mut [u8],
    deadline: Instant,
    inbox: &mut mpsc::UnboundedReceiver<C>,
) -> Woke<C> {
    let deadline = deadline.min(Instant::now() + Duration::from_millis(500));
    tokio::select! {
        got = socket.recv_from(buffer) => {
            if let Ok((length, source)) = got
                && let Ok(receive) = Receive::new(Protocol::Udp, source, local, &buffer[..length])
            {
                let _ = rtc.handle_input(Input::Receive(Instant::now(), receive));
            }
            Woke::Input
        }
        _ = tokio::time::sleep_until(deadline.into()) => {
            if rtc.handle_input(Input::Timeout(Instant::now())).is_err() {
                Woke::Stop
            } else {
                Woke::Input
            }
        }
        command = inbox.recv() => command.map_or(Woke::Stop, Woke::Command),
    }
}

/// `answer` with the msid of every m-line that carries a track set to the track's (as
/// `livekit-server` names them: stream `PA_publisher|TR_track`, track `TR_track`).
fn retag(answer: &str, msids: &HashMap<Mid, (String, String)>) -> String {
    let lines: Vec<&str> = answer.split("\r\n").collect();
    // Each m-section's track, found by its a=mid wherever it stands in the section.
    let mut owner: Vec<Option<&(String, String)>> = vec![None; lines.len()];
    let mut start = 0;
    for end in (1..=lines.len()).filter(|&i| i == lines.len() || lines[i].starts_with("m=")) {
        let ids = lines[start..end]
            .iter()
            .find_map(|line| line.strip_prefix("a=mid:"))
            .and_then(|mid| msids.iter().find(|(m, _)| m.to_string() == mid))
            .map(|(_, ids)| ids);
        owner[start..end].fill(ids);
        start = end;
    }
    lines
        .iter()
        .zip(owner)
        .map(|(line, ids)| match ids {
            Some((stream, track)) if line.starts_with("a=msid:") => {
                format!("a=msid:{stream} {track}")
            }
            Some((stream, track)) if line.starts_with("a=ssrc:") && line.contains(" msid:") => {
                let ssrc = line.split(' ').next().unwrap_or(line);
                format!("{ssrc} msid:{stream} {track}")
            }
            _ => (*line).to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\r\n")
}

/// Puts wanted tracks on free m-lines of their kind.
/// The receive-only audio and video m-lines of `offer`: where the fixture may send.
fn receive_slots(offer: &str) -> Vec<(Mid, MediaKind)> {
    let mut slots = Vec::new();
    for section in offer.split("\r\nm=").skip(1) {
        let kind = if section.starts_with("audio") {
            MediaKind::Audio
        } else if section.starts_with("video") {
            MediaKind::Video
        } else {
            continue;
        };
        let mut lines = section.split("\r\n");
        let receives = lines.clone().any(|l| l == "a=recvonly");
        if let Some(mid) = lines.find_map(|l| l.strip_prefix("a=mid:"))
            && receives
        {
            slots.push((Mid::from(mid), kind));
        }
    }
    slots
}

fn assign(
    wanted: &mut Vec<(String, String, MediaKind)>,
    free: &mut Vec<(Mid, MediaKind)>,
    sending: &mut HashMap<String, Mid>,
    msids: &mut HashMap<Mid, (String, String)>,
) {
    wanted.retain(|(track, stream, kind)| {
        let Some(at) = free.iter().position(|(_, k)| k == kind) else {
            return true;
        };
        let (mid, _) = free.remove(at);
        sending.insert(track.clone(), mid);
        msids.insert(mid, (stream.clone(), track.clone()));
        false
    });
}

async fn drive(
    mut rtc: Rtc,
    socket: UdpSocket,
    local: SocketAddr,
    mut inbox: mpsc::UnboundedReceiver<Command>,
    received: mpsc::UnboundedSender<Received>,
) {
    let mut labels: HashMap<ChannelId, bool> = HashMap::new();
    // m-lines we may send on (the client's receive-only ones), and the tracks put on them.
    let mut free: Vec<(Mid, MediaKind)> = Vec::new();
    let mut sending: HashMap<String, Mid> = HashMap::new();
    let mut msids: HashMap<Mid, (String, String)> = HashMap::new();
    // Subscriptions waiting for a free m-line (the client's first offer may not be in yet).
    let mut wanted: Vec<(String, String, MediaKind)> = Vec::new();
    let mut channels: [Option<ChannelId>; 2] = [None, None];
    let mut waiting: Vec<(bool, Vec<u8>)> = Vec::new();
    let mut slots: std::collections::HashSet<Mid> = std::collections::HashSet::new();
    let mut buffer = vec![0u8; 2048];
    loop {
        let deadline = loop {
            match rtc.poll_output() {
                Ok(Output::Timeout(at)) => break at,
                Ok(Output::Transmit(transmit)) => {
                    let _ = socket
                        .send_to(&transmit.contents, transmit.destination)
                        .await;
                }
                Ok(Output::Event(Event::ChannelOpen(id, label))) => {
                    let reliable = match label.as_str() {
                        "_reliable" => true,
                        "_lossy" => false,
                        _ => continue,
                    };
                    labels.insert(id, reliable);
                    channels[usize::from(reliable)] = Some(id);
                }
                Ok(Output::Event(Event::ChannelData(data))) => {
                    // The channel decides what kind a packet is, not its (deprecated) kind field.
                    if let Some(reliable) = labels.get(&data.id).copied() {
                        let _ = received.send(Received::Data {
                            reliable,
                            bytes: data.data,
                        });
                    }
                }
                Ok(Output::Event(Event::MediaAdded(added))) => match added.direction {
                    // Taken from the offer already (`receive_slots`).
                    Direction::SendOnly => {}
                    Direction::RecvOnly | Direction::SendRecv => {
                        let cid = rtc
                            .media(added.mid)
                            .map(|m| m.track_id().to_owned())
                            .unwrap_or_default();
                        let _ = received.send(Received::Track {
                            mid: added.mid,
                            cid,
                            kind: added.kind,
                        });
                    }
                    Direction::Inactive => {}
                },
                Ok(Output::Event(Event::MediaData(data))) => {
                    let _ = received.send(Received::Media {
                        mid: data.mid,
                        frame: Frame {
                            params: data.params,
                            time: data.time,
                            network_time: data.network_time,
                            rid: data.rid,
                            audio_level: data.ext_vals.audio_level,
                            data: data.data,
                        },
                    });
                }
                Ok(Output::Event(Event::KeyframeRequest(request))) => {
                    if let Some(track) = track_on(&sending, request.mid) {
                        let _ = received.send(Received::KeyframeWanted { track });
                    }
                }
                Ok(Output::Event(_)) => {}
                Err(error) => {
                    tracing::warn!(%error, "the fixture's peer connection failed");
                    return;
                }
            }
        };
        if !rtc.is_alive() {
            return;
        }
        // What arrived for the participant before its channels opened goes out now.
        if !waiting.is_empty() && rtc.is_connected() {
            let ready: Vec<_> = waiting
                .extract_if(.., |(reliable, _)| {
                    channels[usize::from(*reliable)].is_some()
                })
                .collect();
            if !ready.is_empty() {
                for (reliable, bytes) in ready {
                    if let Some(mut channel) =
                        channels[usize::from(reliable)].and_then(|id| rtc.channel(id))
                    {
                        let _ = channel.write(true, &bytes);
                    }
                }
                continue;
            }
        }
        let command = match wait(&mut rtc, &socket, local, &mut buffer, deadline, &mut inbox).await
        {
            Woke::Input => continue,
            Woke::Stop => return,
            Woke::Command(command) => command,
        };
        match command {
            Command::Stop => return,
            Command::Offer(sdp, answer) => {
                // The client's new receive-only m-lines take waiting tracks now, so this
                // answer names them (str0m announces the m-lines only later).
                let mut added = false;
                for slot in receive_slots(&sdp) {
                    if slots.insert(slot.0) {
                        free.push(slot);
                        added = true;
                    }
                }
                assign(&mut wanted, &mut free, &mut sending, &mut msids);
                // A client that answered a requirement with fewer m-lines than asked (it
                // folds requirements that come quickly together) is asked again; one
                // that added none is not pestered.
                let waiting = if added {
                    let count = |kind| wanted.iter().filter(|(_, _, k)| *k == kind).count() as u32;
                    (count(MediaKind::Audio), count(MediaKind::Video))
                } else {
                    (0, 0)
                };
                let result = SdpOffer::from_sdp_string(&sdp)
                    .map_err(|e| format!("the offer cannot be read: {e}"))
                    .and_then(|offer| {
                        rtc.sdp_api()
                            .accept_offer(offer)
                            .map_err(|e| format!("the offer cannot be answered: {e}"))
                    })
                    .map(|answer| {
                        let tracks = msids
                            .iter()
                            .map(|(mid, (_, track))| (mid.to_string(), track.clone()))
                            .collect();
                        (retag(&answer.to_sdp_string(), &msids), tracks, waiting)
                    });
                let _ = answer.send(result);
            }
            Command::Subscribe {
                track,
                stream,
                kind,
            } => {
                if !sending.contains_key(&track) {
                    wanted.push((track, stream, kind));
                    assign(&mut wanted, &mut free, &mut sending, &mut msids);
                }
            }
            Command::Media { track, frame } => {
                if let Some(mid) = sending.get(&track)
                    && let Some(writer) = rtc.writer(*mid)
                    && let Some(pt) = writer.match_params(frame.params)
                {
                    let _ = writer.write(pt, frame.network_time, frame.time, frame.data);
                }
            }
            Command::Keyframe(mid) => {
                // From every simulcast layer the track has (or its one stream).
                let rids: Vec<Option<Rid>> = match rtc.media(mid).map(|m| m.rids_rx()) {
                    Some(Rids::Specific(rids)) => rids.iter().copied().map(Some).collect(),
                    _ => vec![None],
                };
                if let Some(mut writer) = rtc.writer(mid) {
                    for rid in rids {
                        let _ = writer.request_keyframe(rid, KeyframeRequestKind::Pli);
                    }
                }
            }
            Command::Candidate(line) => {
                if let Ok(candidate) = Candidate::from_sdp_string(&line) {
                    rtc.add_remote_candidate(candidate);
                }
            }
            Command::Send { reliable, bytes } => {
                match channels[usize::from(reliable)]
                    .filter(|_| rtc.is_connected())
                    .and_then(|id| rtc.channel(id))
                {
                    Some(mut channel) => {
                        let _ = channel.write(true, &bytes);
                    }
                    None => waiting.push((reliable, bytes)),
                }
            }
        }
    }
}
