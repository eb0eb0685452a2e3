//! Dynacast, as livekit-server does it: the publisher of a video track hears which of its
//! layers anybody watches — every quality up to the highest one a subscriber wants, or none —
//! so it can stop encoding the rest. livekit-server waits before turning layers off
//! (`DynacastPauseDelay`, 5 s by default); the fixture tells at once.

use livekit_protocol as proto;
use proto::signal_response;

use crate::Room;

/// What the subscribers of `room` want of each video track, told to each publisher whose
/// answer changed since it was last told.
pub(crate) fn tell(room: &mut Room) {
    let mut changes = Vec::new();
    for (sid, publisher) in &room.participants {
        let video = publisher
            .info
            .tracks
            .iter()
            .filter(|t| t.r#type == proto::TrackType::Video as i32);
        for track in video {
            let simulcast = publisher
                .arrived
                .get(&track.sid)
                .is_some_and(|layers| layers.keys().any(|rid| !rid.is_empty()));
            let highest = room
                .participants
                .iter()
                .filter(|(other, _)| *other != sid)
                .filter_map(|(_, subscriber)| wanted(subscriber.layers.get(&track.sid), simulcast))
                .max();
            if publisher.dynacast.get(&track.sid) != Some(&highest) {
                changes.push((sid.clone(), track.sid.clone(), highest));
            }
        }
    }
    for (sid, track_sid, highest) in changes {
        let Some(publisher) = room.participants.get_mut(&sid) else {
            continue;
        };
        publisher.dynacast.insert(track_sid.clone(), highest);
        let qualities = [
            proto::VideoQuality::Low,
            proto::VideoQuality::Medium,
            proto::VideoQuality::High,
        ]
        .into_iter()
        .map(|quality| proto::SubscribedQuality {
            quality: quality as i32,
            enabled: highest.is_some_and(|h| quality as i32 <= h),
        })
        .collect();
        let update = proto::SubscribedQualityUpdate {
            track_sid,
            subscribed_codecs: vec![proto::SubscribedCodec {
                codec: "video/vp8".into(),
                qualities,
            }],
            ..Default::default()
        };
        if let Some((outbox, _)) = &publisher.connection {
            let _ = outbox.send(signal_response::Message::SubscribedQualityUpdate(update));
        }
    }
}

/// The quality a subscriber with `layer` takes of a track: `None` for a hidden or dropped
/// track, the one layer (high) of a track sent without simulcast.
fn wanted(layer: Option<&crate::routing::Layer>, simulcast: bool) -> Option<i32> {
    let Some(layer) = layer else {
        return Some(proto::VideoQuality::High as i32);
    };
    if layer.off || layer.unsubscribed {
        return None;
    }
    let quality = match layer.wanted.as_ref().map(|rid| rid.to_string()).as_deref() {
        Some("q") if simulcast => proto::VideoQuality::Low,
        Some("h") if simulcast => proto::VideoQuality::Medium,
        _ => proto::VideoQuality::High,
    };
    Some(quality as i32)
}
