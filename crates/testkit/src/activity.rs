//! What the fixture tells a room about itself every few hundred milliseconds: who speaks
//! (from the audio levels publishers put in their RTP, RFC 6464), when that changes, and how
//! well everyone's media arrives, when that changes and every two seconds.

use std::time::{Duration, Instant};

use livekit_protocol as proto;
use proto::signal_response;

use crate::{Shared, broadcast};

const TICK: Duration = Duration::from_millis(300);
/// Louder than this (dBov) counts as speaking, as livekit-server's default threshold.
const SPEAKING: i8 = -50;
/// A level older than this no longer counts.
const FRESH: Duration = Duration::from_millis(600);
/// A publisher whose media stopped this long ago has a poor connection.
const STALE: Duration = Duration::from_secs(2);
/// Every this many ticks everyone's quality goes out, changed or not (as livekit-server
/// repeats it).
const QUALITY_EVERY: u32 = 7;

pub(crate) async fn run(shared: std::sync::Arc<Shared>) {
    let mut tick = tokio::time::interval(TICK);
    for round in 0u32.. {
        tick.tick().await;
        let everyone = round % QUALITY_EVERY == 0;
        let now = Instant::now();
        let Ok(mut rooms) = shared.rooms.lock() else {
            return;
        };
        for room in rooms.rooms.values_mut() {
            let mut speakers = Vec::new();
            let mut qualities = Vec::new();
            for participant in room.participants.values_mut() {
                let level = participant
                    .level
                    .filter(|(level, at)| *level > SPEAKING && now - *at < FRESH)
                    .map(|(level, _)| 10f32.powf(f32::from(level) / 20.0));
                if level.is_some() != participant.speaking {
                    participant.speaking = level.is_some();
                    speakers.push(proto::SpeakerInfo {
                        sid: participant.info.sid.clone(),
                        level: level.unwrap_or(0.0),
                        active: level.is_some(),
                    });
                }
                // Sending tracks that are not muted, and nothing arrived lately: poor.
                let sends = participant.info.tracks.iter().any(|t| !t.muted);
                let stale = participant.last_media.is_none_or(|at| now - at > STALE);
                let quality = if sends && stale {
                    proto::ConnectionQuality::Poor
                } else {
                    proto::ConnectionQuality::Excellent
                };
                if everyone || participant.quality != Some(quality) {
                    participant.quality = Some(quality);
                    qualities.push(proto::ConnectionQualityInfo {
                        participant_sid: participant.info.sid.clone(),
                        quality: quality as i32,
                        score: if quality == proto::ConnectionQuality::Excellent {
                            5.0
                        } else {
                            2.0
                        },
                    });
                }
            }
            if !speakers.is_empty() {
                speakers.sort_by(|a, b| b.level.total_cmp(&a.level));
                let message =
                    signal_response::Message::SpeakersChanged(proto::SpeakersChanged { speakers });
                broadcast(room, "", &message);
            }
            if !qualities.is_empty() {
                let message =
                    signal_response::Message::ConnectionQuality(proto::ConnectionQualityUpdate {
                        updates: qualities,
                    });
                broadcast(room, "", &message);
            }
        }
    }
}
