//! Coming back after the signalling connection dropped: a resume for the same participant,
//! or, when the server no longer has it, a fresh join with everything published again.

use super::*;

impl Engine {
    /// Brings the signalling connection back for the same participant; when the server no
    /// longer has it (or resuming keeps failing), joins afresh. A new media connection's events
    /// come back for the run loop.
    pub(super) async fn recover(
        &mut self,
        cause: SignalError,
    ) -> Result<Option<mpsc::UnboundedReceiver<PeerEvent>>, CallError> {
        if matches!(
            cause,
            SignalError::Left(_) | SignalError::Unauthorized { .. }
        ) {
            return Err(cause.into());
        }
        tracing::info!(%cause, "signalling dropped; resuming");
        let _ = self.events.send(CallEvent::Reconnecting);
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
                    return Ok(None);
                }
                // The server no longer has us: resuming cannot work.
                Err(SignalError::Left(_)) => break,
                Err(error @ SignalError::Unauthorized { .. }) => return Err(error.into()),
                Err(error) => tracing::info!(%error, "resume failed"),
            }
        }
        let events = self.rejoin().await?;
        let _ = self.events.send(CallEvent::Reconnected);
        Ok(Some(events))
    }

    /// The server asked for a full reconnect.
    pub(super) async fn rejoin_now(
        &mut self,
    ) -> Result<Option<mpsc::UnboundedReceiver<PeerEvent>>, CallError> {
        let _ = self.events.send(CallEvent::Reconnecting);
        let events = self.rejoin().await?;
        let _ = self.events.send(CallEvent::Reconnected);
        Ok(Some(events))
    }

    /// Joins the meeting again from scratch: a new participant sid, new peer connections,
    /// everyone else as the new join lists them, and our tracks published again from the
    /// sources they had (their feeders keep running and get the new m-lines).
    pub(super) async fn rejoin(&mut self) -> Result<mpsc::UnboundedReceiver<PeerEvent>, CallError> {
        tracing::info!("joining the meeting afresh");
        let (signal, join) =
            signal::connect(&self.url, &self.token, &JoinOptions::default()).await?;
        let (peer, offer, peer_events) = Peer::start(self.ip, signal.mode() == Mode::Single)
            .await
            .map_err(|e| CallError::Media(e.to_string()))?;
        signal.send(signal_request::Message::Offer(proto::SessionDescription {
            r#type: "offer".into(),
            sdp: offer,
            ..Default::default()
        }))?;
        let participant = join.participant.clone().unwrap_or_default();
        self.me.sid = participant.sid;
        self.ping = (join.ping_interval, join.ping_timeout);
        self.signal = signal;
        self.peer = peer;
        self.subscriber = None;
        self.connected = false;
        self.mids.clear();
        self.video_decoders.clear();
        self.mixer = Mixer::new();
        self.speaking.clear();
        for (sid, track) in self.remote.drain() {
            if track.subscribed {
                let _ = self.events.send(CallEvent::TrackUnsubscribed {
                    from: track.from,
                    track: sid,
                });
            }
        }
        for (sid, identity) in self.others.drain() {
            let _ = self
                .events
                .send(CallEvent::ParticipantLeft { sid, identity });
        }
        for other in &join.other_participants {
            self.others
                .insert(other.sid.clone(), other.identity.clone());
            let _ = self.events.send(CallEvent::ParticipantJoined {
                sid: other.sid.clone(),
                identity: other.identity.clone(),
                name: other.name.clone(),
            });
            for track in &other.tracks {
                self.remote
                    .insert(track.sid.clone(), remote(&other.identity, track));
            }
        }
        let locals: Vec<Local> = self.local.drain().map(|(_, local)| local).collect();
        for mut local in locals {
            local.sid = None;
            local.audio.set_route(None);
            local.video.set_route(None);
            self.announce(local);
        }
        Ok(peer_events)
    }
}
