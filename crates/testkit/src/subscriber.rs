//! The fixture's side of a `/rtc` participant's subscriber connection: an ICE-lite str0m
//! offerer that puts each track the participant receives on a send-only m-line of its own
//! (msid `PA_publisher|TR_track`, as livekit-server names them) and offers again whenever one
//! is added, one offer at a time.

use std::collections::HashMap;
use std::time::Instant;

use str0m::change::{SdpAnswer, SdpPendingOffer};
use str0m::media::{Direction, MediaKind, Mid};
use str0m::{Candidate, Event, Output, Rtc};
use tokio::net::UdpSocket;
use tokio::sync::mpsc;

use crate::peer::{Frame, Woke, track_on, wait};

pub enum Command {
    /// Send `track` (msid stream `stream`) to the participant.
    Subscribe {
        track: String,
        stream: String,
        kind: MediaKind,
    },
    /// The participant's answer to our last offer.
    Answer(String),
    Candidate(String),
    Media {
        track: String,
        frame: Frame,
    },
}

pub enum Received {
    /// An offer for the participant.
    Offer(String),
    /// The participant lost a picture of `track`.
    KeyframeWanted { track: String },
}

pub struct Subscriber {
    commands: mpsc::UnboundedSender<Command>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Subscriber {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Subscriber {
    pub fn start(
        ip: std::net::IpAddr,
    ) -> std::io::Result<(Subscriber, mpsc::UnboundedReceiver<Received>)> {
        let socket = std::net::UdpSocket::bind((ip, 0))?;
        socket.set_nonblocking(true)?;
        let socket = UdpSocket::from_std(socket)?;
        let local = socket.local_addr()?;
        let mut rtc = Rtc::builder().set_ice_lite(true).build(Instant::now());
        let candidate =
            Candidate::host(local, "udp").map_err(|e| std::io::Error::other(e.to_string()))?;
        rtc.add_local_candidate(candidate);
        let (commands, inbox) = mpsc::unbounded_channel();
        let (received, outbox) = mpsc::unbounded_channel();
        let task = tokio::spawn(drive(rtc, socket, inbox, received));
        Ok((Subscriber { commands, task }, outbox))
    }

    pub fn command(&self, command: Command) {
        let _ = self.commands.send(command);
    }
}

async fn drive(
    mut rtc: Rtc,
    socket: UdpSocket,
    mut inbox: mpsc::UnboundedReceiver<Command>,
    received: mpsc::UnboundedSender<Received>,
) {
    let Ok(local) = socket.local_addr() else {
        return;
    };
    let mut sending: HashMap<String, Mid> = HashMap::new();
    let mut waiting: Vec<(String, String, MediaKind)> = Vec::new();
    let mut pending: Option<SdpPendingOffer> = None;
    let mut buffer = vec![0u8; 2048];
    loop {
        // Tracks waiting for the offer under way go in the next one.
        if pending.is_none() && !waiting.is_empty() {
            let mut api = rtc.sdp_api();
            for (track, stream, kind) in waiting.drain(..) {
                let mid = api.add_media(
                    kind,
                    Direction::SendOnly,
                    Some(stream),
                    Some(track.clone()),
                    None,
                );
                sending.insert(track, mid);
            }
            if let Some((offer, next)) = api.apply() {
                pending = Some(next);
                let _ = received.send(Received::Offer(offer.to_sdp_string()));
            }
        }
        let deadline = loop {
            match rtc.poll_output() {
                Ok(Output::Timeout(at)) => break at,
                Ok(Output::Transmit(transmit)) => {
                    let _ = socket
                        .send_to(&transmit.contents, transmit.destination)
                        .await;
                }
                Ok(Output::Event(Event::KeyframeRequest(request))) => {
                    if let Some(track) = track_on(&sending, request.mid) {
                        let _ = received.send(Received::KeyframeWanted { track });
                    }
                }
                Ok(Output::Event(_)) => {}
                Err(error) => {
                    tracing::warn!(%error, "the fixture's subscriber connection failed");
                    return;
                }
            }
        };
        if !rtc.is_alive() {
            return;
        }
        let command = match wait(&mut rtc, &socket, local, &mut buffer, deadline, &mut inbox).await
        {
            Woke::Input => continue,
            Woke::Stop => return,
            Woke::Command(command) => command,
        };
        match command {
            Command::Subscribe {
                track,
                stream,
                kind,
            } => {
                if !sending.contains_key(&track) && !waiting.iter().any(|(t, _, _)| *t == track) {
                    waiting.push((track, stream, kind));
                }
            }
            Command::Answer(sdp) => {
                let accepted = SdpAnswer::from_sdp_string(&sdp)
                    .map_err(|e| e.to_string())
                    .and_then(|answer| match pending.take() {
                        Some(offer) => rtc
                            .sdp_api()
                            .accept_answer(offer, answer)
                            .map_err(|e| e.to_string()),
                        None => Err("an answer to no offer".into()),
                    });
                if let Err(problem) = accepted {
                    tracing::warn!(problem, "the fixture could not take a subscriber's answer");
                }
            }
            Command::Candidate(line) => {
                if let Ok(candidate) = Candidate::from_sdp_string(&line) {
                    rtc.add_remote_candidate(candidate);
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
        }
    }
}
