//! The fixture's side of a participant's peer connection: an ICE-lite str0m instance on
//! the fixture's address that answers the participant's offers and relays `DataPacket`s between the
//! participants of a room, on the channels the client opened (`_reliable`, `_lossy`), as
//! `livekit-server` does in single peer connection mode.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use str0m::change::SdpOffer;
use str0m::channel::ChannelId;
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event, Input, Output, Rtc};
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot};

pub enum Command {
    /// The participant's offer; the answer comes back on the sender.
    Offer(String, oneshot::Sender<Result<String, String>>),
    Candidate(String),
    /// A packet for the participant, on the reliable or the lossy channel.
    Send {
        reliable: bool,
        bytes: Vec<u8>,
    },
}

/// Data the participant sent.
pub struct Received {
    pub reliable: bool,
    pub bytes: Vec<u8>,
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

async fn drive(
    mut rtc: Rtc,
    socket: UdpSocket,
    local: SocketAddr,
    mut inbox: mpsc::UnboundedReceiver<Command>,
    received: mpsc::UnboundedSender<Received>,
) {
    let mut labels: HashMap<ChannelId, bool> = HashMap::new();
    let mut channels: [Option<ChannelId>; 2] = [None, None];
    let mut waiting: Vec<(bool, Vec<u8>)> = Vec::new();
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
                        let _ = received.send(Received {
                            reliable,
                            bytes: data.data,
                        });
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
        let deadline = deadline.min(Instant::now() + Duration::from_millis(500));
        tokio::select! {
            got = socket.recv_from(&mut buffer) => {
                let Ok((length, source)) = got else { continue };
                if let Ok(receive) = Receive::new(Protocol::Udp, source, local, &buffer[..length]) {
                    let _ = rtc.handle_input(Input::Receive(Instant::now(), receive));
                }
            }
            _ = tokio::time::sleep_until(deadline.into()) => {
                if rtc.handle_input(Input::Timeout(Instant::now())).is_err() {
                    return;
                }
            }
            command = inbox.recv() => match command {
                None => return,
                Some(Command::Offer(sdp, answer)) => {
                    let result = SdpOffer::from_sdp_string(&sdp)
                        .map_err(|e| format!("the offer cannot be read: {e}"))
                        .and_then(|offer| {
                            rtc.sdp_api()
                                .accept_offer(offer)
                                .map_err(|e| format!("the offer cannot be answered: {e}"))
                        })
                        .map(|answer| answer.to_sdp_string());
                    let _ = answer.send(result);
                }
                Some(Command::Candidate(line)) => {
                    if let Ok(candidate) = Candidate::from_sdp_string(&line) {
                        rtc.add_remote_candidate(candidate);
                    }
                }
                Some(Command::Send { reliable, bytes }) => {
                    match channels[usize::from(reliable)].filter(|_| rtc.is_connected()).and_then(|id| rtc.channel(id)) {
                        Some(mut channel) => {
                            let _ = channel.write(true, &bytes);
                        }
                        None => waiting.push((reliable, bytes)),
                    }
                }
            }
        }
    }
}
