//! One participant's signalling connection, from the upgrade to the end: the join (or the
//! resume), the requests it sends and the messages the room has for it, and what is left of it
//! when it goes.

use super::*;

/// One participant's connection, from the upgrade to the end.
pub(crate) async fn session(shared: Arc<Shared>, mut socket: WebSocket, join: Join) {
    match shared.options.behaviour {
        Behaviour::Silent => {
            // Keep the socket open and say nothing until the client gives up.
            while let Some(Ok(_)) = socket.recv().await {}
            return;
        }
        Behaviour::Garbage => {
            let _ = socket
                .send(Frame::Binary(vec![0xff, 0xff, 0xff, 0x0f, 0x42].into()))
                .await;
            while let Some(Ok(_)) = socket.recv().await {}
            return;
        }
        Behaviour::Normal | Behaviour::BadAnswer | Behaviour::Noisy | Behaviour::Deaf => {}
    }
    let (outbox, mut inbox) = mpsc::unbounded_channel();
    let mut wake = shared.wake.subscribe();
    let room_name = join.grant.room.clone();
    let Some((sid, connection, first)) = enter(&shared, &join, outbox) else {
        let leave = signal_response::Message::Leave(proto::LeaveRequest {
            reason: proto::DisconnectReason::StateMismatch as i32,
            action: proto::leave_request::Action::Reconnect as i32,
            ..Default::default()
        });
        let _ = socket.send(encode(leave)).await;
        let _ = socket.close().await;
        return;
    };
    if socket.send(encode(first)).await.is_err() {
        return;
    }
    // A fresh token straight away, as livekit-server sends one before the old one expires:
    // the client resumes with it.
    let refreshed = mint(&shared.options, &join.grant, TOKEN_LIFETIME);
    if socket
        .send(encode(signal_response::Message::RefreshToken(refreshed)))
        .await
        .is_err()
    {
        return;
    }
    if shared.options.behaviour == Behaviour::Noisy {
        let _ = socket
            .send(Frame::Binary(vec![0xff, 0xff, 0xff, 0x0f, 0x42].into()))
            .await;
        let _ = socket
            .send(Frame::Text("{\"not\": \"protobuf\"}".into()))
            .await;
    }
    if let Some(offer) = join.offer.clone()
        && let Some(answer) = answer(&shared, &room_name, &sid, offer).await
        && socket.send(encode(answer)).await.is_err()
    {
        return;
    }
    let goodbye = loop {
        tokio::select! {
            frame = socket.recv() => {
                let bytes = match frame {
                    Some(Ok(Frame::Binary(bytes))) => bytes,
                    Some(Ok(Frame::Close(_))) | None | Some(Err(_)) => break false,
                    Some(Ok(_)) => continue,
                };
                let Ok(request) = proto::SignalRequest::decode(bytes.as_ref()) else {
                    tracing::warn!("the fixture got a frame that is not a SignalRequest");
                    continue;
                };
                match request.message {
                    Some(signal_request::Message::PingReq(_) | signal_request::Message::Ping(_))
                        if shared.options.behaviour == Behaviour::Deaf => {}
                    Some(signal_request::Message::PingReq(ping)) => {
                        let pong = signal_response::Message::PongResp(proto::Pong {
                            last_ping_timestamp: ping.timestamp,
                            timestamp: now_ms(),
                        });
                        if socket.send(encode(pong)).await.is_err() {
                            break false;
                        }
                    }
                    Some(signal_request::Message::Ping(_)) => {
                        let _ = socket.send(encode(signal_response::Message::Pong(now_ms()))).await;
                    }
                    Some(signal_request::Message::Leave(_)) => break true,
                    Some(signal_request::Message::Answer(answer)) => {
                        routing::subscriber_answer(&shared, &room_name, &sid, answer.sdp);
                    }
                    Some(signal_request::Message::Mute(request)) => {
                        routing::mute(&shared, &room_name, &sid, &request);
                    }
                    Some(signal_request::Message::UpdateVideoTrack(request)) => {
                        routing::resize(&shared, &room_name, &sid, &request);
                    }
                    Some(signal_request::Message::Subscription(update)) => {
                        routing::subscription(&shared, &room_name, &sid, &update);
                    }
                    Some(signal_request::Message::TrackSetting(settings)) => {
                        routing::track_settings(&shared, &room_name, &sid, &settings);
                    }
                    Some(signal_request::Message::AddTrack(request)) => {
                        if let Some(published) = add_track(&shared, &room_name, &sid, request)
                            && socket.send(encode(published)).await.is_err()
                        {
                            break false;
                        }
                    }
                    Some(signal_request::Message::Offer(offer)) if shared.options.behaviour == Behaviour::BadAnswer => {
                        let broken = signal_response::Message::Answer(proto::SessionDescription {
                            r#type: "answer".into(),
                            sdp: "v=0\r\nthis is not a session description\r\n".into(),
                            id: offer.id,
                            ..Default::default()
                        });
                        if socket.send(encode(broken)).await.is_err() {
                            break false;
                        }
                    }
                    Some(signal_request::Message::Offer(offer)) => {
                        if let Some(answer) = answer(&shared, &room_name, &sid, offer).await
                            && socket.send(encode(answer)).await.is_err()
                        {
                            break false;
                        }
                    }
                    Some(signal_request::Message::Trickle(trickle)) => {
                        let candidate = serde_json::from_str::<serde_json::Value>(&trickle.candidate_init)
                            .ok()
                            .and_then(|init| init.get("candidate").and_then(|c| c.as_str()).map(str::to_owned));
                        if trickle.target == proto::SignalTarget::Subscriber as i32 {
                            if let Some(candidate) = candidate {
                                routing::subscriber_candidate(&shared, &room_name, &sid, candidate);
                            }
                        } else if let (Some(candidate), Some(peer)) = (candidate, peer_of(&shared, &room_name, &sid).await) {
                            peer.command(peer::Command::Candidate(candidate));
                        }
                    }
                    _ => {}
                }
            }
            message = inbox.recv() => {
                let Some(message) = message else { break false };
                if socket.send(encode(message)).await.is_err() {
                    break false;
                }
            }
            _ = wake.recv() => {
                let doomed = shared.rooms.lock().is_ok_and(|mut rooms| {
                    let found = rooms.doomed.contains(&connection);
                    rooms.doomed.retain(|id| *id != connection);
                    found
                });
                if doomed {
                    // Gone without a close frame: the TCP connection just ends.
                    drop(socket);
                    detach(&shared, &room_name, &sid, connection);
                    return;
                }
            }
        }
    };
    if goodbye {
        leave(&shared, &room_name, &sid);
        let _ = socket.close().await;
    } else {
        detach(&shared, &room_name, &sid, connection);
    }
}

/// Adds the participant (or takes back a resuming one); returns its sid, the connection
/// number and the first message to send. `None`: a resume of a session that does not exist.
fn enter(
    shared: &Shared,
    join: &Join,
    outbox: mpsc::UnboundedSender<signal_response::Message>,
) -> Option<(String, u64, signal_response::Message)> {
    let mut rooms = shared.rooms.lock().ok()?;
    rooms.next_connection += 1;
    let connection = rooms.next_connection;
    let room = rooms
        .rooms
        .entry(join.grant.room.clone())
        .or_insert_with(|| Room {
            sid: random_id("RM_"),
            participants: HashMap::new(),
        });
    if let Some(sid) = &join.resume {
        let participant = room
            .participants
            .get_mut(sid)
            .filter(|p| p.info.identity == join.grant.identity)?;
        participant.connection = Some((outbox, connection));
        let reconnect = signal_response::Message::Reconnect(proto::ReconnectResponse {
            server_info: Some(server_info()),
            ..Default::default()
        });
        return Some((sid.clone(), connection, reconnect));
    }
    let info = proto::ParticipantInfo {
        sid: random_id("PA_"),
        identity: join.grant.identity.clone(),
        name: join.grant.name.clone(),
        state: proto::participant_info::State::Active as i32,
        joined_at: now_ms() / 1000,
        joined_at_ms: now_ms(),
        ..Default::default()
    };
    let others: Vec<proto::ParticipantInfo> =
        room.participants.values().map(|p| p.info.clone()).collect();
    let response = proto::JoinResponse {
        room: Some(proto::Room {
            sid: room.sid.clone(),
            name: join.grant.room.clone(),
            num_participants: others.len() as u32 + 1,
            ..Default::default()
        }),
        participant: Some(info.clone()),
        other_participants: others,
        ping_interval: shared.options.ping_interval,
        ping_timeout: shared.options.ping_timeout,
        server_info: Some(server_info()),
        ..Default::default()
    };
    broadcast(room, &info.sid, &update(info.clone()));
    let sid = info.sid.clone();
    room.participants.insert(
        sid.clone(),
        Participant {
            info,
            peer: None,
            dual: join.dual,
            subscriber: None,
            pending: HashMap::new(),
            sending: HashMap::new(),
            layers: HashMap::new(),
            dynacast: HashMap::new(),
            arrived: HashMap::new(),
            level: None,
            last_media: None,
            speaking: false,
            quality: None,
            connection: Some((outbox, connection)),
        },
    );
    Some((sid, connection, signal_response::Message::Join(response)))
}

fn server_info() -> proto::ServerInfo {
    proto::ServerInfo {
        edition: proto::server_info::Edition::Standard as i32,
        version: "sparks-testkit".into(),
        protocol: 16,
        ..Default::default()
    }
}

/// The participant left for good: everyone else hears so.
pub(crate) fn leave(shared: &Shared, room: &str, sid: &str) {
    let Ok(mut rooms) = shared.rooms.lock() else {
        return;
    };
    let Some(room) = rooms.rooms.get_mut(room) else {
        return;
    };
    if let Some(mut gone) = room.participants.remove(sid) {
        gone.info.state = proto::participant_info::State::Disconnected as i32;
        broadcast(room, sid, &update(gone.info));
        crate::dynacast::tell(room);
    }
}

/// The connection ended without a goodbye; the session stays for a resume (unless a newer
/// connection has taken it over already).
fn detach(shared: &Shared, room: &str, sid: &str, connection: u64) {
    if let Ok(mut rooms) = shared.rooms.lock()
        && let Some(participant) = rooms
            .rooms
            .get_mut(room)
            .and_then(|room| room.participants.get_mut(sid))
        && participant
            .connection
            .as_ref()
            .is_some_and(|(_, id)| *id == connection)
    {
        participant.connection = None;
    }
}
