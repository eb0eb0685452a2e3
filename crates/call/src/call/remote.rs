//! Everyone else in the meeting: their tracks as participant updates describe them, which of
//! them reach us (and on which m-line), who speaks, and their media: audio to the mixer,
//! pictures decoded.

use super::*;

/// Someone else's track.
pub(super) struct Remote {
    pub(super) from: String,
    pub(super) kind: TrackKind,
    pub(super) muted: bool,
    /// Announced with [`CallEvent::TrackSubscribed`].
    pub(super) subscribed: bool,
}

pub(super) fn remote(from: &str, track: &proto::TrackInfo) -> Remote {
    Remote {
        from: from.to_owned(),
        kind: if track.r#type == proto::TrackType::Video as i32 {
            TrackKind::Video
        } else {
            TrackKind::Audio
        },
        muted: track.muted,
        subscribed: false,
    }
}

pub(super) fn quality(value: i32) -> Quality {
    match proto::ConnectionQuality::try_from(value) {
        Ok(proto::ConnectionQuality::Excellent) => Quality::Excellent,
        Ok(proto::ConnectionQuality::Good) => Quality::Good,
        Ok(proto::ConnectionQuality::Lost) => Quality::Lost,
        _ => Quality::Poor,
    }
}

impl Engine {
    /// A track in a participant update: new, or muted or unmuted.
    pub(super) fn on_track(&mut self, from: &str, track: &proto::TrackInfo) {
        match self.remote.get_mut(&track.sid) {
            Some(known) => {
                if known.muted != track.muted {
                    known.muted = track.muted;
                    let _ = self.events.send(CallEvent::TrackMuted {
                        from: from.to_owned(),
                        track: track.sid.clone(),
                        muted: track.muted,
                    });
                }
            }
            None => {
                self.remote.insert(track.sid.clone(), remote(from, track));
            }
        }
    }

    /// Forgets `from`'s tracks that are not in `kept` (unpublished, or `from` left).
    pub(super) fn drop_tracks(&mut self, from: &str, kept: &[&str]) {
        let gone: Vec<String> = self
            .remote
            .iter()
            .filter(|(sid, r)| r.from == from && !kept.contains(&sid.as_str()))
            .map(|(sid, _)| sid.clone())
            .collect();
        for sid in gone {
            let Some(track) = self.remote.remove(&sid) else {
                continue;
            };
            self.mixer.remove(&sid);
            self.mids.retain(|_, t| *t != sid);
            if track.subscribed {
                let _ = self.events.send(CallEvent::TrackUnsubscribed {
                    from: track.from,
                    track: sid,
                });
            }
        }
    }

    /// Tracks that now have an m-line of ours and a known publisher are subscribed.
    pub(super) fn announce_subscriptions(&mut self) {
        for track in self.mids.values() {
            if let Some(remote) = self.remote.get_mut(track)
                && !remote.subscribed
            {
                remote.subscribed = true;
                let _ = self.events.send(CallEvent::TrackSubscribed {
                    from: remote.from.clone(),
                    track: track.clone(),
                    kind: remote.kind,
                });
            }
        }
    }

    pub(super) fn identity_of(&self, sid: &str) -> Option<String> {
        if sid == self.me.sid {
            return Some(self.me.identity.clone());
        }
        self.others.get(sid).cloned()
    }

    /// The SFU's speaker update: the levels of those who changed. Those it calls inactive
    /// stop speaking; the rest (and who spoke before and is not mentioned) speak on.
    pub(super) fn on_speakers(&mut self, changed: Vec<proto::SpeakerInfo>) {
        for info in changed {
            if info.active {
                self.speaking.insert(info.sid, info.level);
            } else {
                self.speaking.remove(&info.sid);
            }
        }
        // Loudest first; equally loud in a stable order.
        let mut speakers: Vec<(&String, f32)> = self
            .speaking
            .iter()
            .map(|(sid, level)| (sid, *level))
            .collect();
        speakers.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        let named = speakers
            .into_iter()
            .filter_map(|(sid, level)| {
                Some(Speaker {
                    identity: self.identity_of(sid)?,
                    level,
                })
            })
            .collect();
        let _ = self.events.send(CallEvent::Speakers(named));
    }

    /// A frame the SFU forwards: audio to the mixer, pictures decoded.
    pub(super) fn on_media(&mut self, mid: Mid, time: u64, data: &[u8]) {
        let Some(track) = self.mids.get(&mid.to_string()) else {
            return;
        };
        let Some(remote) = self.remote.get(track) else {
            return;
        };
        if remote.kind == TrackKind::Audio {
            self.mixer.push(track, time, data.to_vec(), Instant::now());
            return;
        }
        let decoder = match self.video_decoders.entry(mid) {
            std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
            std::collections::hash_map::Entry::Vacant(entry) => match Vp8Decoder::new() {
                Ok(decoder) => entry.insert(decoder),
                Err(_) => return,
            },
        };
        // The RTP clock of video is 90 kHz.
        let stuck = match decoder.decode(data, time * 100 / 9) {
            Ok(Some(frame)) => {
                let _ = self.events.send(CallEvent::Video {
                    from: remote.from.clone(),
                    track: track.clone(),
                    frame,
                });
                false
            }
            Ok(None) => false,
            Err(error) => {
                tracing::debug!(%error, "a picture that does not decode");
                true
            }
        };
        // Nothing to decode from (we came in after the keyframe, or lost it): ask for one, at
        // most twice a second.
        let now = Instant::now();
        if stuck
            && self
                .keyframes_asked
                .get(&mid)
                .is_none_or(|at| now - *at > Duration::from_millis(500))
        {
            self.keyframes_asked.insert(mid, now);
            self.peer.command(Command::RequestKeyframe(mid));
            if let Some((subscriber, _)) = &self.subscriber {
                subscriber.command(Command::RequestKeyframe(mid));
            }
        }
    }
}
