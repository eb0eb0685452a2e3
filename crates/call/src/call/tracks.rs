//! Our own tracks: announced with `add_track`, negotiated once the server confirms them,
//! muted, resized for the SFU's layer choice, and fed by `publish`.

use super::*;

impl Engine {
    /// Asks the server for a track; the media starts once it is confirmed. A second source
    /// of a kind already published replaces the first (a device switch).
    pub(super) fn add_track(&mut self, source: Source) {
        let kind = source.kind();
        if let Some(local) = self.local.values_mut().find(|l| l.kind == kind) {
            let mut resized = None;
            match (source, local.source.as_mut()) {
                // Not confirmed yet: the feeder will start on the new source.
                (source, Some(waiting)) => *waiting = source,
                (Source::Audio(source), None) => local.audio.switch(source),
                (Source::Video(source), None) => {
                    let size = source.size();
                    // The running track keeps its simulcast layers (its rids are negotiated);
                    // their sizes follow the new camera.
                    let same_layers =
                        crate::publish::rids(size.0) == crate::publish::rids(local.size.0);
                    if size != local.size && same_layers {
                        local.size = size;
                        resized = local.sid.clone().map(|sid| (sid, size));
                    }
                    local.video.switch(source);
                }
            }
            // Another camera of another size: the SFU picks layers for subscribers by it.
            if let Some((track_sid, (width, height))) = resized {
                let update = proto::UpdateLocalVideoTrack {
                    track_sid,
                    width,
                    height,
                };
                if let Err(error) = self
                    .signal
                    .send(signal_request::Message::UpdateVideoTrack(update))
                {
                    tracing::warn!(%error, "the new picture size was not sent");
                }
            }
            return;
        }
        let muted = self.muted.get(&kind).copied().unwrap_or(false);
        let size = match &source {
            Source::Video(video) => video.size(),
            Source::Audio(_) => (0, 0),
        };
        let local = Local {
            kind,
            size,
            sid: None,
            source: Some(source),
            audio: Controls::new(muted),
            video: Controls::new(muted),
        };
        self.announce(local);
    }

    /// `add_track` for `local` under a fresh cid (again, after a rejoin).
    pub(super) fn announce(&mut self, local: Local) {
        self.sequence += 1;
        let cid = format!("TRcid_{}_{}", self.me.sid, self.sequence);
        let muted = self.muted.get(&local.kind).copied().unwrap_or(false);
        let (width, height) = local.size;
        let request = match local.kind {
            TrackKind::Audio => proto::AddTrackRequest {
                cid: cid.clone(),
                name: "microphone".into(),
                r#type: proto::TrackType::Audio as i32,
                source: proto::TrackSource::Microphone as i32,
                muted,
                ..Default::default()
            },
            TrackKind::Video => proto::AddTrackRequest {
                cid: cid.clone(),
                name: "camera".into(),
                r#type: proto::TrackType::Video as i32,
                source: proto::TrackSource::Camera as i32,
                width,
                height,
                muted,
                layers: publish::video_layers(width, height),
                ..Default::default()
            },
        };
        if let Err(error) = self.signal.send(signal_request::Message::AddTrack(request)) {
            tracing::warn!(%error, "track not published");
            return;
        }
        self.local.insert(cid, local);
    }

    /// The server took the track: negotiate its m-line and feed it.
    pub(super) fn start(&mut self, cid: String, sid: String) {
        let Some(local) = self.local.get_mut(&cid) else {
            return;
        };
        local.sid = Some(sid.clone());
        // A new publication (after a rejoin too): sent in full until the SFU says otherwise.
        local
            .video
            .watched
            .store(proto::VideoQuality::High as i32, Ordering::Relaxed);
        let (reply, mid) = tokio::sync::oneshot::channel();
        let (kind, rids) = match local.kind {
            TrackKind::Audio => (MediaKind::Audio, Vec::new()),
            TrackKind::Video => (MediaKind::Video, publish::rids(local.size.0)),
        };
        self.peer.command(Command::Publish {
            kind,
            cid,
            rids,
            mid: reply,
        });
        let commands = self.peer.commander();
        let (audio, video) = (local.audio.clone(), local.video.clone());
        let _ = self.events.send(CallEvent::Published {
            sid,
            kind: local.kind,
        });
        // Frames go out once the m-line is negotiated.
        let (audio_route, video_route) = (audio.clone(), video.clone());
        tokio::spawn(async move {
            if let Ok(mid) = mid.await {
                audio_route.set_route(Some((mid, commands.clone())));
                video_route.set_route(Some((mid, commands)));
            }
        });
        // The feeder runs from the first publication for as long as the track does (a rejoin
        // only gives it a new route).
        match local.source.take() {
            Some(Source::Audio(source)) => {
                tokio::spawn(publish::feed_audio(source, audio));
            }
            // Encoding pictures is heavy: on a thread of its own, not the runtime's.
            Some(Source::Video(source)) => {
                tokio::task::spawn_blocking(move || publish::feed_video(source, &video));
            }
            None => {}
        }
    }

    pub(super) fn mute(&mut self, kind: TrackKind, muted: bool) {
        self.muted.insert(kind, muted);
        for local in self.local.values().filter(|l| l.kind == kind) {
            local.set_muted(muted);
            if let Some(sid) = &local.sid {
                let request = proto::MuteTrackRequest {
                    sid: sid.clone(),
                    muted,
                };
                if let Err(error) = self.signal.send(signal_request::Message::Mute(request)) {
                    tracing::warn!(%error, "mute not sent");
                }
            }
        }
    }

    pub(super) fn view(&mut self, track: String, width: u32, height: u32) {
        let settings = proto::UpdateTrackSettings {
            track_sids: vec![track],
            disabled: width == 0 || height == 0,
            width,
            height,
            ..Default::default()
        };
        if let Err(error) = self
            .signal
            .send(signal_request::Message::TrackSetting(settings))
        {
            tracing::warn!(%error, "track settings not sent");
        }
    }

    /// Dynacast: the SFU says which qualities of our video anybody watches; the feeder stops
    /// encoding the others (and starts them again with a keyframe).
    pub(super) fn on_watched(&mut self, update: &proto::SubscribedQualityUpdate) {
        let Some(local) = self
            .local
            .values()
            .find(|l| l.kind == TrackKind::Video && l.sid.as_deref() == Some(&update.track_sid))
        else {
            return;
        };
        // Servers before codec-aware dynacast list the qualities of the track's one codec.
        #[allow(deprecated)]
        let qualities = update
            .subscribed_codecs
            .iter()
            .find(|c| c.codec.to_ascii_lowercase().ends_with("vp8"))
            .map_or(&update.subscribed_qualities, |codec| &codec.qualities);
        let highest = qualities
            .iter()
            .filter(|q| q.enabled)
            .map(|q| q.quality)
            .max()
            .unwrap_or(-1);
        tracing::debug!(track = %update.track_sid, highest, "layers watched");
        local.video.watched.store(highest, Ordering::Relaxed);
    }
}
