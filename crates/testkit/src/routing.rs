//! What goes between the participants of a room: answers to their offers, their published
//! tracks and who receives them, their frames, keyframe requests and data packets.

use std::sync::Arc;

use livekit_protocol as proto;
use prost::Message as _;
use proto::signal_response;

use crate::{Participant, Shared, broadcast, peer, random_id, subscriber, update};

/// The answer to a participant's offer, from its peer connection.
pub(crate) async fn answer(
    shared: &Arc<Shared>,
    room: &str,
    sid: &str,
    offer: proto::SessionDescription,
) -> Option<signal_response::Message> {
    let peer = peer_of(shared, room, sid).await?;
    let (tx, rx) = tokio::sync::oneshot::channel();
    peer.command(peer::Command::Offer(offer.sdp, tx));
    match tokio::time::timeout(std::time::Duration::from_secs(5), rx).await {
        Ok(Ok(Ok((sdp, mid_to_track_id, (audios, videos))))) => {
            if audios + videos > 0 {
                ask_for_slots(shared, room, sid, audios, videos);
            }
            // The subscriber decodes nothing before a keyframe: ask the publishers for one
            // now that it receives, and once more when its connection has settled.
            let tracks: Vec<String> = mid_to_track_id.values().cloned().collect();
            for track in &tracks {
                keyframe(shared, room, track);
            }
            let (later, room) = (shared.clone(), room.to_owned());
            tokio::spawn(async move {
                tokio::time::sleep(std::time::Duration::from_millis(700)).await;
                for track in &tracks {
                    keyframe(&later, &room, track);
                }
            });
            Some(signal_response::Message::Answer(
                proto::SessionDescription {
                    r#type: "answer".into(),
                    sdp,
                    id: offer.id,
                    mid_to_track_id,
                },
            ))
        }
        Ok(Ok(Err(problem))) => {
            tracing::warn!(problem, "the fixture could not answer an offer");
            None
        }
        _ => None,
    }
}

/// Asks the participant for more receive-only m-lines (after the answer under way, which
/// goes out first: the outbox is read after it).
fn ask_for_slots(shared: &Shared, room: &str, sid: &str, audios: u32, videos: u32) {
    let outbox = shared.rooms.lock().ok().and_then(|rooms| {
        rooms
            .rooms
            .get(room)
            .and_then(|r| r.participants.get(sid))
            .and_then(|p| p.connection.as_ref().map(|(outbox, _)| outbox.clone()))
    });
    if let Some(outbox) = outbox {
        let _ = outbox.send(signal_response::Message::MediaSectionsRequirement(
            proto::MediaSectionsRequirement {
                num_audios: audios,
                num_videos: videos,
            },
        ));
    }
}

/// The participant's peer connection, started on its first offer.
pub(crate) async fn peer_of(
    shared: &Arc<Shared>,
    room: &str,
    sid: &str,
) -> Option<Arc<peer::Peer>> {
    if let Some(peer) = shared.rooms.lock().ok().and_then(|rooms| {
        rooms
            .rooms
            .get(room)
            .and_then(|r| r.participants.get(sid))
            .and_then(|p| p.peer.clone())
    }) {
        return Some(peer);
    }
    let (peer, mut received) = peer::Peer::start(shared.options.ip).await.ok()?;
    let peer = Arc::new(peer);
    let dual = {
        let mut rooms = shared.rooms.lock().ok()?;
        let participant = rooms.rooms.get_mut(room)?.participants.get_mut(sid)?;
        participant.peer = Some(peer.clone());
        participant.dual
    };
    if dual {
        start_subscriber(shared, room, sid);
    }
    subscribe_to_everyone(shared, room, sid);
    let (shared, room, sid) = (shared.clone(), room.to_owned(), sid.to_owned());
    tokio::spawn(async move {
        while let Some(event) = received.recv().await {
            match event {
                peer::Received::Data { reliable, bytes } => {
                    relay(&shared, &room, &sid, reliable, &bytes)
                }
                peer::Received::Track { mid, cid, kind } => {
                    track_arrived(&shared, &room, &sid, mid, &cid, kind)
                }
                peer::Received::Media { mid, frame } => forward(&shared, &room, &sid, mid, frame),
                peer::Received::KeyframeWanted { track } => keyframe(&shared, &room, &track),
            }
        }
    });
    Some(peer)
}

/// A `/rtc` participant's subscriber connection: its offers go out on the signalling
/// connection, its keyframe requests to the publishers.
fn start_subscriber(shared: &Arc<Shared>, room: &str, sid: &str) {
    let Ok((subscriber, mut received)) = subscriber::Subscriber::start(shared.options.ip) else {
        return;
    };
    if let Ok(mut rooms) = shared.rooms.lock()
        && let Some(participant) = rooms
            .rooms
            .get_mut(room)
            .and_then(|r| r.participants.get_mut(sid))
    {
        participant.subscriber = Some(Arc::new(subscriber));
    }
    let (shared, room, sid) = (shared.clone(), room.to_owned(), sid.to_owned());
    tokio::spawn(async move {
        while let Some(event) = received.recv().await {
            match event {
                subscriber::Received::Offer(sdp) => {
                    let offer = signal_response::Message::Offer(proto::SessionDescription {
                        r#type: "offer".into(),
                        sdp,
                        ..Default::default()
                    });
                    let outbox = shared.rooms.lock().ok().and_then(|rooms| {
                        rooms
                            .rooms
                            .get(&room)
                            .and_then(|r| r.participants.get(&sid))
                            .and_then(|p| p.connection.as_ref().map(|(outbox, _)| outbox.clone()))
                    });
                    if let Some(outbox) = outbox {
                        let _ = outbox.send(offer);
                    }
                }
                subscriber::Received::KeyframeWanted { track } => keyframe(&shared, &room, &track),
            }
        }
    });
}

/// A `/rtc` participant's answer to its subscriber connection's offer.
pub(crate) fn subscriber_answer(shared: &Shared, room: &str, sid: &str, sdp: String) {
    to_subscriber(shared, room, sid, subscriber::Command::Answer(sdp));
}

/// A candidate a `/rtc` participant trickled for its subscriber connection.
pub(crate) fn subscriber_candidate(shared: &Shared, room: &str, sid: &str, candidate: String) {
    to_subscriber(shared, room, sid, subscriber::Command::Candidate(candidate));
}

fn to_subscriber(shared: &Shared, room: &str, sid: &str, command: subscriber::Command) {
    let subscriber = shared.rooms.lock().ok().and_then(|rooms| {
        rooms
            .rooms
            .get(room)
            .and_then(|r| r.participants.get(sid))
            .and_then(|p| p.subscriber.clone())
    });
    if let Some(subscriber) = subscriber {
        subscriber.command(command);
    }
}

/// `add_track`: a pending track with a fresh sid, confirmed with `track_published`.
pub(crate) fn add_track(
    shared: &Shared,
    room: &str,
    sid: &str,
    request: proto::AddTrackRequest,
) -> Option<signal_response::Message> {
    let mut rooms = shared.rooms.lock().ok()?;
    let participant = rooms.rooms.get_mut(room)?.participants.get_mut(sid)?;
    let kind = if request.r#type == proto::TrackType::Video as i32 {
        "V"
    } else {
        "A"
    };
    let track = proto::TrackInfo {
        sid: random_id(&format!("TR_{kind}")),
        r#type: request.r#type,
        name: request.name.clone(),
        source: request.source,
        width: request.width,
        height: request.height,
        muted: request.muted,
        stream: if request.source == proto::TrackSource::ScreenShare as i32 {
            "screen"
        } else {
            "camera"
        }
        .into(),
        ..Default::default()
    };
    participant
        .pending
        .insert(request.cid.clone(), track.clone());
    Some(signal_response::Message::TrackPublished(
        proto::TrackPublishedResponse {
            cid: request.cid,
            track: Some(track),
        },
    ))
}

fn kind_of(track: &proto::TrackInfo) -> str0m::media::MediaKind {
    if track.r#type == proto::TrackType::Video as i32 {
        str0m::media::MediaKind::Video
    } else {
        str0m::media::MediaKind::Audio
    }
}

/// Puts `track` of `publisher` on `subscriber`'s connection and asks it to offer again.
fn subscribe(
    subscriber: &Participant,
    publisher: &proto::ParticipantInfo,
    track: &proto::TrackInfo,
) {
    if subscriber.dual {
        if let Some(connection) = &subscriber.subscriber {
            connection.command(subscriber::Command::Subscribe {
                track: track.sid.clone(),
                stream: format!("{}|{}", publisher.sid, track.sid),
                kind: kind_of(track),
            });
        }
        return;
    }
    let (Some(peer), Some((outbox, _))) = (&subscriber.peer, &subscriber.connection) else {
        return;
    };
    peer.command(peer::Command::Subscribe {
        track: track.sid.clone(),
        stream: format!("{}|{}", publisher.sid, track.sid),
        kind: kind_of(track),
    });
    // Single peer connection: the server cannot offer, so the client offers again, with one
    // more receive-only m-line of the kind for the track after this one.
    let video = kind_of(track) == str0m::media::MediaKind::Video;
    let _ = outbox.send(signal_response::Message::MediaSectionsRequirement(
        proto::MediaSectionsRequirement {
            num_audios: u32::from(!video),
            num_videos: u32::from(video),
        },
    ));
}

/// The media of a track the participant announced arrives on `mid`: everyone else hears of
/// the track and gets it.
fn track_arrived(
    shared: &Shared,
    room: &str,
    sid: &str,
    mid: str0m::media::Mid,
    cid: &str,
    kind: str0m::media::MediaKind,
) {
    let Ok(mut rooms) = shared.rooms.lock() else {
        return;
    };
    let Some(room) = rooms.rooms.get_mut(room) else {
        return;
    };
    let Some(publisher) = room.participants.get_mut(sid) else {
        return;
    };
    // By the cid in the msid, or the first pending track of the kind (as livekit-server).
    let key = if publisher.pending.contains_key(cid) {
        Some(cid.to_owned())
    } else {
        publisher
            .pending
            .iter()
            .find(|(_, t)| kind_of(t) == kind)
            .map(|(c, _)| c.clone())
    };
    let Some(mut track) = key.and_then(|key| publisher.pending.remove(&key)) else {
        tracing::warn!(cid, "media arrived for a track nobody announced");
        return;
    };
    tracing::info!(cid, track = %track.sid, %mid, "a track arrived");
    track.mid = mid.to_string();
    publisher.sending.insert(mid, track.sid.clone());
    publisher.info.tracks.push(track.clone());
    let info = publisher.info.clone();
    if let Some(peer) = &publisher.peer {
        peer.command(peer::Command::Keyframe(mid));
    }
    broadcast(room, sid, &update(info.clone()));
    for (other, participant) in &room.participants {
        if other != sid {
            subscribe(participant, &info, &track);
        }
    }
    crate::dynacast::tell(room);
}

/// A newcomer gets every track already sent in the room.
fn subscribe_to_everyone(shared: &Shared, room: &str, sid: &str) {
    let Ok(mut rooms) = shared.rooms.lock() else {
        return;
    };
    let Some(room) = rooms.rooms.get_mut(room) else {
        return;
    };
    let Some(newcomer) = room.participants.get(sid) else {
        return;
    };
    for (other, publisher) in &room.participants {
        if other == sid {
            continue;
        }
        for track in &publisher.info.tracks {
            subscribe(newcomer, &publisher.info, track);
            if let Some(peer) = &publisher.peer
                && let Some((mid, _)) = publisher.sending.iter().find(|(_, t)| **t == track.sid)
            {
                peer.command(peer::Command::Keyframe(*mid));
            }
        }
    }
    crate::dynacast::tell(room);
}

/// A frame from a publisher goes to everyone else (those not subscribed drop it); of a
/// simulcast track, each subscriber gets the layer it asked for, switched at a keyframe.
fn forward(shared: &Shared, room: &str, sid: &str, mid: str0m::media::Mid, frame: peer::Frame) {
    let Ok(mut rooms) = shared.rooms.lock() else {
        return;
    };
    let Some(room) = rooms.rooms.get_mut(room) else {
        return;
    };
    let Some(publisher) = room.participants.get_mut(sid) else {
        return;
    };
    let now = std::time::Instant::now();
    publisher.last_media = Some(now);
    if let Some(level) = frame.audio_level {
        publisher.level = Some((level, now));
    }
    let Some(track) = publisher.sending.get(&mid).cloned() else {
        return;
    };
    let rid = frame.rid.map(|rid| rid.to_string()).unwrap_or_default();
    publisher
        .arrived
        .entry(track.clone())
        .or_default()
        .insert(rid, now);
    for (other, participant) in &mut room.participants {
        if other == sid {
            continue;
        }
        let layer = participant.layers.entry(track.clone()).or_default();
        if !layer.takes(&frame) {
            continue;
        }
        let (track, frame) = (track.clone(), frame.clone());
        match (&participant.subscriber, &participant.peer) {
            (Some(subscriber), _) => {
                subscriber.command(subscriber::Command::Media { track, frame });
            }
            (None, Some(peer)) => peer.command(peer::Command::Media { track, frame }),
            (None, None) => {}
        }
    }
}

/// Which simulcast layer of a track a subscriber gets.
#[derive(Default)]
pub(crate) struct Layer {
    /// The layer it asked for (`None`: the highest, `f`).
    pub wanted: Option<str0m::media::Rid>,
    /// The layer it gets now, until a keyframe of the wanted one arrives.
    current: Option<str0m::media::Rid>,
    /// It asked for nothing (a hidden video).
    pub off: bool,
    /// It unsubscribed from the track.
    pub unsubscribed: bool,
}

impl Layer {
    fn takes(&mut self, frame: &peer::Frame) -> bool {
        if self.off || self.unsubscribed {
            return false;
        }
        let Some(rid) = frame.rid else {
            return true;
        };
        let wanted = self.wanted.unwrap_or_else(|| "f".into());
        if self.current == Some(rid) && rid == wanted {
            return true;
        }
        if rid == wanted && frame.starts_picture() {
            self.current = Some(rid);
            return true;
        }
        self.current == Some(rid)
    }
}

/// `update_track_settings`: the layer that fits the size the subscriber shows the tracks at
/// (or the quality it names), or none for a disabled track.
pub(crate) fn track_settings(
    shared: &Shared,
    room: &str,
    sid: &str,
    settings: &proto::UpdateTrackSettings,
) {
    let rid = if settings.width > 0 || settings.height > 0 {
        match settings.height.max(settings.width * 9 / 16) {
            0..=180 => "q",
            181..=360 => "h",
            _ => "f",
        }
    } else {
        match proto::VideoQuality::try_from(settings.quality) {
            Ok(proto::VideoQuality::Low) => "q",
            Ok(proto::VideoQuality::Medium) => "h",
            _ => "f",
        }
    };
    change_layers(shared, room, sid, &settings.track_sids, |layer| {
        layer.off = settings.disabled;
        layer.wanted = Some(rid.into());
    });
    retell(shared, room);
    for track in &settings.track_sids {
        keyframe(shared, room, track);
    }
}

/// Dynacast for `room` after a subscriber changed what it takes.
fn retell(shared: &Shared, room: &str) {
    if let Ok(mut rooms) = shared.rooms.lock()
        && let Some(room) = rooms.rooms.get_mut(room)
    {
        crate::dynacast::tell(room);
    }
}

/// Changes what the subscriber `sid` receives of `tracks`.
fn change_layers(
    shared: &Shared,
    room: &str,
    sid: &str,
    tracks: &[String],
    change: impl Fn(&mut Layer),
) {
    let Ok(mut rooms) = shared.rooms.lock() else {
        return;
    };
    if let Some(subscriber) = rooms
        .rooms
        .get_mut(room)
        .and_then(|r| r.participants.get_mut(sid))
    {
        for track in tracks {
            change(subscriber.layers.entry(track.clone()).or_default());
        }
    }
}

/// `update_subscription`: the tracks stop (or start again) going to the subscriber; a track
/// it takes back starts at a keyframe.
pub(crate) fn subscription(
    shared: &Shared,
    room: &str,
    sid: &str,
    update: &proto::UpdateSubscription,
) {
    change_layers(shared, room, sid, &update.track_sids, |layer| {
        layer.unsubscribed = !update.subscribe;
    });
    retell(shared, room);
    if update.subscribe {
        for track in &update.track_sids {
            keyframe(shared, room, track);
        }
    }
}

/// `mute`: the track's new state goes to everyone.
pub(crate) fn mute(shared: &Shared, room: &str, sid: &str, request: &proto::MuteTrackRequest) {
    change_track(shared, room, sid, &request.sid, |track| {
        track.muted = request.muted;
    });
}

/// A publisher's camera changed size: its track says so to everyone.
pub(crate) fn resize(
    shared: &Shared,
    room: &str,
    sid: &str,
    request: &proto::UpdateLocalVideoTrack,
) {
    change_track(shared, room, sid, &request.track_sid, |track| {
        (track.width, track.height) = (request.width, request.height);
    });
}

/// Changes the track `track_sid` of the publisher `sid` and tells everyone.
fn change_track(
    shared: &Shared,
    room: &str,
    sid: &str,
    track_sid: &str,
    change: impl FnOnce(&mut proto::TrackInfo),
) {
    let Ok(mut rooms) = shared.rooms.lock() else {
        return;
    };
    let Some(room) = rooms.rooms.get_mut(room) else {
        return;
    };
    let Some(publisher) = room.participants.get_mut(sid) else {
        return;
    };
    let Some(track) = publisher
        .info
        .tracks
        .iter_mut()
        .find(|t| t.sid == track_sid)
    else {
        return;
    };
    change(track);
    publisher.info.version += 1;
    let info = publisher.info.clone();
    broadcast(room, "", &update(info));
}

/// A subscriber lost a picture: the publisher of `track` is asked for a keyframe.
fn keyframe(shared: &Shared, room: &str, track: &str) {
    let Ok(rooms) = shared.rooms.lock() else {
        return;
    };
    let Some(room) = rooms.rooms.get(room) else {
        return;
    };
    for participant in room.participants.values() {
        if let Some((mid, _)) = participant.sending.iter().find(|(_, t)| *t == track)
            && let Some(peer) = &participant.peer
        {
            peer.command(peer::Command::Keyframe(*mid));
        }
    }
}

/// Forwards a participant's data packet to the others in the room (or those it names).
fn relay(shared: &Shared, room: &str, sender: &str, reliable: bool, bytes: &[u8]) {
    let Ok(mut packet) = proto::DataPacket::decode(bytes) else {
        tracing::warn!("the fixture got data that is not a DataPacket");
        return;
    };
    let Ok(rooms) = shared.rooms.lock() else {
        return;
    };
    let Some(room) = rooms.rooms.get(room) else {
        return;
    };
    let Some(from) = room.participants.get(sender) else {
        return;
    };
    packet.participant_sid = from.info.sid.clone();
    packet.participant_identity = from.info.identity.clone();
    // Older clients still read the deprecated kind; the server sets it from the channel.
    #[allow(deprecated)]
    let kind = &mut packet.kind;
    *kind = if reliable {
        proto::data_packet::Kind::Reliable as i32
    } else {
        proto::data_packet::Kind::Lossy as i32
    };
    let destinations = packet.destination_identities.clone();
    let bytes = packet.encode_to_vec();
    for (sid, participant) in &room.participants {
        let wanted = destinations.is_empty() || destinations.contains(&participant.info.identity);
        if sid != sender
            && wanted
            && let Some(peer) = &participant.peer
        {
            peer.command(peer::Command::Send {
                reliable,
                bytes: bytes.clone(),
            });
        }
    }
}
