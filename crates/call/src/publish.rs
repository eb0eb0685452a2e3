//! Our own tracks: what feeds them, how they are encoded and the controls that change them
//! while they run (mute, a new device, a keyframe the SFU asked for).
//!
//! Audio is one Opus packet every 10 ms, with its level for the SFU's speaker detection.
//! Video is VP8, 30 pictures a second on a thread of its own; from 640 pixels wide it goes out
//! as LiveKit's three simulcast layers (`q` a quarter, `h` half, `f` full size), so the SFU can
//! forward each subscriber the one that fits. Layers nobody watches are not encoded (dynacast:
//! the SFU says which qualities its subscribers take).

use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use livekit_protocol as proto;
use sparks_media::{AudioSource, I420, OpusEncoder, SAMPLES_PER_FRAME, VideoSource, Vp8Encoder};
use str0m::format::Codec;
use str0m::media::{Frequency, MediaTime, Mid};
use tokio::sync::mpsc;

use crate::peer::Command;

/// A simulcast layer: its rid, how much smaller than the source, its bitrate.
struct Layer {
    rid: Option<&'static str>,
    factor: u32,
    kbps: u32,
    quality: proto::VideoQuality,
}

/// The layers for a source `width` wide: three from 640 pixels on, else one.
fn layers(width: u32) -> Vec<Layer> {
    if width < 640 {
        return vec![Layer {
            rid: None,
            factor: 1,
            kbps: 600,
            quality: proto::VideoQuality::High,
        }];
    }
    // LiveKit's defaults for 720p: 150 kbps, 450 kbps, 1.7 Mbps; scaled with the picture.
    let full = (width * 1_700 / 1_280).clamp(600, 4_000);
    vec![
        Layer {
            rid: Some("q"),
            factor: 4,
            kbps: full * 3 / 34,
            quality: proto::VideoQuality::Low,
        },
        Layer {
            rid: Some("h"),
            factor: 2,
            kbps: full * 9 / 34,
            quality: proto::VideoQuality::Medium,
        },
        Layer {
            rid: Some("f"),
            factor: 1,
            kbps: full,
            quality: proto::VideoQuality::High,
        },
    ]
}

/// Whether `layer`, one of `count`, is watched when the highest quality anybody takes is
/// `highest` (a `VideoQuality`, -1 for none): every layer up to it, as LiveKit pauses them.
fn watched(layer: &Layer, count: usize, highest: i32) -> bool {
    if count == 1 {
        highest >= 0
    } else {
        layer.quality as i32 <= highest
    }
}

/// The rids a video track of `width` goes out with (none: one plain stream).
pub fn rids(width: u32) -> Vec<&'static str> {
    layers(width).iter().filter_map(|l| l.rid).collect()
}

/// The layers as `add_track` announces them.
pub fn video_layers(width: u32, height: u32) -> Vec<proto::VideoLayer> {
    layers(width)
        .iter()
        .map(|layer| proto::VideoLayer {
            quality: layer.quality as i32,
            width: width / layer.factor,
            height: height / layer.factor,
            bitrate: layer.kbps * 1_000,
            ..Default::default()
        })
        .collect()
}

/// What the engine can change about a running track.
pub struct Controls<S: ?Sized> {
    pub muted: AtomicBool,
    /// The SFU (or an unmute) wants a keyframe.
    pub keyframe: AtomicBool,
    /// A source to switch to (another device), taken at the next frame.
    pub next: Mutex<Option<Box<S>>>,
    /// The engine has stopped the track.
    pub stopped: AtomicBool,
    /// The highest quality (`VideoQuality`) the SFU says anybody watches; -1 for none.
    pub watched: AtomicI32,
    /// Where the frames go: the m-line and its connection (none while it is negotiated, or
    /// after a rejoin until the track is published again).
    route: Mutex<Option<(Mid, mpsc::UnboundedSender<Command>)>>,
}

impl<S: ?Sized> Controls<S> {
    pub fn new(muted: bool) -> Arc<Controls<S>> {
        Arc::new(Controls {
            muted: AtomicBool::new(muted),
            keyframe: AtomicBool::new(true),
            next: Mutex::new(None),
            stopped: AtomicBool::new(false),
            watched: AtomicI32::new(proto::VideoQuality::High as i32),
            route: Mutex::new(None),
        })
    }

    pub fn set_route(&self, route: Option<(Mid, mpsc::UnboundedSender<Command>)>) {
        *self.route.lock().unwrap_or_else(|e| e.into_inner()) = route;
    }

    /// Sends `write` for the m-line, if the track has one; `false` once the track stopped.
    fn send(&self, write: impl FnOnce(Mid) -> Command) -> bool {
        if let Some((mid, commands)) = &*self.route.lock().unwrap_or_else(|e| e.into_inner()) {
            let _ = commands.send(write(*mid));
        }
        !self.stopped.load(Ordering::Relaxed)
    }

    pub fn switch(&self, source: Box<S>) {
        *self.next.lock().unwrap_or_else(|e| e.into_inner()) = Some(source);
    }

    fn take_next(&self) -> Option<Box<S>> {
        self.next.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

/// The level of `samples` in dBov (0 loudest, -127 silence), as RFC 6464 carries it.
fn level(samples: &[f32]) -> i8 {
    let energy = samples.iter().map(|s| s * s).sum::<f32>() / samples.len().max(1) as f32;
    if energy <= 0.0 {
        return -127;
    }
    (10.0 * energy.log10()).clamp(-127.0, 0.0) as i8
}

/// Sends `source`'s audio where `controls` route it: an Opus packet every 10 ms, nothing
/// while muted. The RTP clock is the track's, so a new device carries on where the old one
/// stopped.
pub async fn feed_audio(
    mut source: Box<dyn AudioSource>,
    controls: Arc<Controls<dyn AudioSource>>,
) {
    let mut encoder = match OpusEncoder::new(32_000) {
        Ok(encoder) => encoder,
        Err(error) => {
            tracing::error!(%error, "no Opus encoder");
            return;
        }
    };
    let mut tick = tokio::time::interval(Duration::from_millis(10));
    let mut clock: u64 = 0;
    while !controls.stopped.load(Ordering::Relaxed) {
        tick.tick().await;
        if let Some(next) = controls.take_next() {
            source = next;
        }
        let frame = source.next_frame();
        let time = MediaTime::new(clock, Frequency::FORTY_EIGHT_KHZ);
        clock += SAMPLES_PER_FRAME as u64;
        if controls.muted.load(Ordering::Relaxed) {
            continue;
        }
        let Ok(data) = encoder.encode(&frame) else {
            continue;
        };
        let level = Some(level(&frame.samples));
        let write = |mid| Command::Write {
            mid,
            rid: None,
            codec: Codec::Opus,
            time,
            level,
            data,
        };
        if !controls.send(write) {
            return;
        }
    }
}

/// Sends `source`'s pictures where `controls` route them, 30 a second, as the layers its
/// width calls for and somebody watches; a keyframe on every layer whenever one is wanted,
/// and on a layer that starts again. Blocks: run it on a thread of its own.
pub fn feed_video(mut source: Box<dyn VideoSource>, controls: &Controls<dyn VideoSource>) {
    let (width, height) = source.size();
    let plan = layers(width);
    let Some(mut encoders) = encoders_for(&plan, width, height) else {
        return;
    };
    let started = Instant::now();
    let period = Duration::from_micros(33_333);
    let mut sent = vec![false; plan.len()];
    for n in 0u32.. {
        if controls.stopped.load(Ordering::Relaxed) {
            return;
        }
        // Paced by the clock, not by how long encoding took.
        let due = started + period * n;
        std::thread::sleep(due.saturating_duration_since(Instant::now()));
        if let Some(next) = controls.take_next() {
            let size = next.size();
            source = next;
            if size != (width, height) {
                // Same layers (the SFU knows them), new sizes: the decoders follow keyframes.
                let Some(fresh) = encoders_for(&plan, size.0, size.1) else {
                    return;
                };
                encoders = fresh;
            }
            controls.keyframe.store(true, Ordering::Relaxed);
        }
        let highest = controls.watched.load(Ordering::Relaxed);
        let wanted: Vec<bool> = plan
            .iter()
            .map(|l| watched(l, plan.len(), highest))
            .collect();
        if controls.muted.load(Ordering::Relaxed) || !wanted.contains(&true) {
            sent.fill(false);
            continue;
        }
        let elapsed = started.elapsed();
        let wallclock = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        let frame = source.next_frame(elapsed.as_micros() as u64, wallclock);
        let timestamp = (elapsed.as_micros() * 9 / 100) as u32;
        let forced = controls.keyframe.swap(false, Ordering::Relaxed);
        // Converted once; the layers are scaled in I420, the quarter from the half.
        let full = I420::from_rgba(&frame);
        let scaled = |factor| {
            plan.iter()
                .zip(&wanted)
                .any(|(l, w)| *w && l.factor >= factor)
        };
        let half = scaled(2).then(|| full.halved());
        let quarter = half.as_ref().filter(|_| scaled(4)).map(I420::halved);
        for (i, (layer, encoder)) in plan.iter().zip(&mut encoders).enumerate() {
            let again = wanted[i] && !sent[i];
            sent[i] = wanted[i];
            if !wanted[i] {
                continue;
            }
            let picture = match layer.factor {
                2 => half.as_ref(),
                4 => quarter.as_ref(),
                _ => None,
            }
            .unwrap_or(&full);
            let Ok(encoded) = encoder.encode_i420(picture, timestamp, forced || again) else {
                continue;
            };
            for packet in encoded {
                let write = |mid| Command::Write {
                    mid,
                    rid: layer.rid,
                    codec: Codec::Vp8,
                    time: MediaTime::new(u64::from(timestamp), Frequency::NINETY_KHZ),
                    level: None,
                    data: packet.data,
                };
                if !controls.send(write) {
                    return;
                }
            }
        }
    }
}

fn encoders_for(plan: &[Layer], width: u32, height: u32) -> Option<Vec<Vp8Encoder>> {
    plan.iter()
        .map(|layer| {
            let (w, h) = (
                (width / layer.factor).max(2) & !1,
                (height / layer.factor).max(2) & !1,
            );
            Vp8Encoder::new(w, h, layer.kbps)
                .map_err(|error| tracing::error!(%error, "no VP8 encoder"))
                .ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_follow_the_width() {
        assert_eq!(rids(320), Vec::<&str>::new());
        assert_eq!(rids(1280), ["q", "h", "f"]);
        let announced = video_layers(1280, 720);
        let sizes: Vec<_> = announced.iter().map(|l| (l.width, l.height)).collect();
        assert_eq!(sizes, [(320, 180), (640, 360), (1280, 720)]);
        assert_eq!(announced[2].bitrate, 1_700_000);
        assert!(announced[0].bitrate < announced[1].bitrate);
    }

    #[test]
    fn layers_up_to_the_highest_watched_quality_are_sent() {
        let three = layers(1280);
        let sent =
            |highest| -> Vec<bool> { three.iter().map(|l| watched(l, 3, highest)).collect() };
        assert_eq!(sent(proto::VideoQuality::High as i32), [true, true, true]);
        assert_eq!(
            sent(proto::VideoQuality::Medium as i32),
            [true, true, false]
        );
        assert_eq!(sent(proto::VideoQuality::Low as i32), [true, false, false]);
        assert_eq!(sent(-1), [false, false, false]);
        // One plain stream goes out while anybody watches at all.
        let one = layers(320);
        assert!(watched(&one[0], 1, proto::VideoQuality::Low as i32));
        assert!(!watched(&one[0], 1, -1));
    }

    #[test]
    fn levels_are_dbov() {
        assert_eq!(level(&[0.0; 480]), -127);
        assert_eq!(level(&[1.0; 480]), 0);
        // A sine at half scale: RMS 0.354, -9 dBov.
        let sine: Vec<f32> = (0..480).map(|i| 0.5 * (i as f32 * 0.1).sin()).collect();
        assert!((-10..=-8).contains(&level(&sine)), "{}", level(&sine));
    }
}
