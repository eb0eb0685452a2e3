//! Everyone's audio as one stream for the speaker: per track a jitter buffer that puts Opus
//! packets back in order, waits a short delay that follows how unevenly they arrive, conceals
//! the ones that never come, and drops what is too late; then a mix of all tracks every 10 ms.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::Instant;

use crate::audio::{AudioFrame, SAMPLE_RATE, SAMPLES_PER_FRAME};
use crate::opus::OpusDecoder;

const FRAME: u64 = SAMPLES_PER_FRAME as u64;
/// The shortest and longest delay a track's buffer keeps, in samples.
const MIN_DELAY: u64 = 2 * FRAME;
const MAX_DELAY: u64 = 20 * FRAME;
/// Lost audio concealed before a track counts as silent and buffers anew.
const CONCEAL_LIMIT: u32 = 5;
/// How far beyond its delay a buffer may run before it skips ahead.
const SLACK: u64 = 4 * FRAME;

/// Mixes the audio of several tracks, each arriving as Opus packets with RTP timestamps.
#[derive(Default)]
pub struct Mixer {
    tracks: HashMap<String, Playout>,
    frames: u64,
}

impl Mixer {
    pub fn new() -> Mixer {
        Mixer::default()
    }

    /// A packet of `track` with RTP timestamp `timestamp` (48 kHz), received at `arrival`.
    pub fn push(&mut self, track: &str, timestamp: u64, packet: Vec<u8>, arrival: Instant) {
        let playout = match self.tracks.get_mut(track) {
            Some(playout) => playout,
            None => match OpusDecoder::new() {
                Ok(decoder) => self
                    .tracks
                    .entry(track.to_owned())
                    .or_insert_with(|| Playout::new(decoder)),
                Err(error) => {
                    tracing::warn!(%error, "no Opus decoder for a track");
                    return;
                }
            },
        };
        playout.push(timestamp, packet, arrival);
    }

    /// Forgets `track` (unpublished, or its publisher left).
    pub fn remove(&mut self, track: &str) {
        self.tracks.remove(track);
    }

    /// The next 10 ms of everyone together.
    pub fn pull(&mut self) -> AudioFrame {
        let mut samples = vec![0f32; SAMPLES_PER_FRAME];
        for playout in self.tracks.values_mut() {
            playout.pull_into(&mut samples);
        }
        // Several loud voices at once must not wrap around: soft-limit above 0.9.
        for sample in &mut samples {
            if sample.abs() > 0.9 {
                *sample = sample.signum() * (0.9 + 0.1 * ((sample.abs() - 0.9) / 0.1).tanh());
            }
        }
        let timestamp = self.frames * FRAME;
        self.frames += 1;
        AudioFrame { samples, timestamp }
    }

    /// How loud each track was in the last 10 ms (RMS, 0.0..=1.0).
    pub fn levels(&self) -> impl Iterator<Item = (&str, f32)> {
        self.tracks.iter().map(|(t, p)| (t.as_str(), p.level))
    }

    /// The delay a track's buffer keeps now, in milliseconds (`None` for unknown tracks).
    pub fn delay_ms(&self, track: &str) -> Option<u64> {
        self.tracks
            .get(track)
            .map(|p| p.target() * 1000 / u64::from(SAMPLE_RATE))
    }
}

struct Playout {
    decoder: OpusDecoder,
    packets: BTreeMap<u64, Vec<u8>>,
    /// The timestamp of the next sample to play, once playing.
    next: Option<u64>,
    decoded: VecDeque<f32>,
    /// RFC 3550's interarrival jitter, in samples.
    jitter: f64,
    last: Option<(Instant, u64)>,
    concealed: u32,
    level: f32,
}

impl Playout {
    fn new(decoder: OpusDecoder) -> Playout {
        Playout {
            decoder,
            packets: BTreeMap::new(),
            next: None,
            decoded: VecDeque::new(),
            jitter: 0.0,
            last: None,
            concealed: 0,
            level: 0.0,
        }
    }

    /// The delay to keep: twice the jitter on top of the minimum.
    fn target(&self) -> u64 {
        (MIN_DELAY + (2.0 * self.jitter) as u64).min(MAX_DELAY)
    }

    fn push(&mut self, timestamp: u64, packet: Vec<u8>, arrival: Instant) {
        if let Some((before, stamp)) = self.last {
            let elapsed = arrival.saturating_duration_since(before).as_secs_f64();
            let transit = elapsed * f64::from(SAMPLE_RATE) - (timestamp as f64 - stamp as f64);
            self.jitter += (transit.abs() - self.jitter) / 16.0;
        }
        if self.last.is_none_or(|(_, stamp)| timestamp > stamp) {
            self.last = Some((arrival, timestamp));
        }
        if self.next.is_some_and(|next| timestamp < next) {
            // Too late: its moment has been played (or concealed) already.
            return;
        }
        self.packets.insert(timestamp, packet);
    }

    /// Adds this track's next 10 ms to `mix`.
    fn pull_into(&mut self, mix: &mut [f32]) {
        self.level = 0.0;
        let Some(mut next) = self.next.or_else(|| self.ready()) else {
            return;
        };
        // Running too far behind what has arrived (a burst, a slow clock): skip ahead.
        if let Some((&newest, _)) = self.packets.last_key_value()
            && newest.saturating_sub(next) > self.target() + SLACK
        {
            let keep = newest - self.target();
            self.packets = self.packets.split_off(&keep);
            if let Some((&first, _)) = self.packets.first_key_value() {
                next = first;
                self.decoded.clear();
            }
        }
        while self.decoded.len() < SAMPLES_PER_FRAME {
            let frame = match self.packets.first_key_value() {
                Some((&stamp, _)) if stamp < next => {
                    self.packets.pop_first();
                    continue;
                }
                Some((&stamp, _)) if stamp == next => {
                    let Some((_, packet)) = self.packets.pop_first() else {
                        break;
                    };
                    self.concealed = 0;
                    self.decoder
                        .decode(&packet)
                        .or_else(|_| self.decoder.conceal())
                }
                // A gap (lost or still on its way) or nothing at all: conceal a while.
                found => {
                    self.concealed += 1;
                    if found.is_none() && self.concealed > CONCEAL_LIMIT {
                        // The track went quiet: buffer anew when it speaks again.
                        self.next = None;
                        self.decoded.clear();
                        self.concealed = 0;
                        return;
                    }
                    self.decoder.conceal()
                }
            };
            match frame {
                Ok(frame) if !frame.samples.is_empty() => {
                    next += frame.samples.len() as u64;
                    self.decoded.extend(frame.samples);
                }
                _ => {
                    next += FRAME;
                    self.decoded.extend([0.0; SAMPLES_PER_FRAME]);
                }
            }
        }
        self.next = Some(next);
        let mut energy = 0.0;
        for (out, sample) in mix.iter_mut().zip(self.decoded.drain(..SAMPLES_PER_FRAME)) {
            *out += sample;
            energy += sample * sample;
        }
        self.level = (energy / SAMPLES_PER_FRAME as f32).sqrt();
    }

    /// Where to start playing, once the buffer holds the delay it should.
    fn ready(&self) -> Option<u64> {
        let (&first, _) = self.packets.first_key_value()?;
        let (&last, _) = self.packets.last_key_value()?;
        (last + FRAME - first >= self.target()).then_some(first)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::audio::{AudioSource, Tone, frequency};
    use crate::opus::OpusEncoder;

    /// `count` 10 ms packets of a tone, with their timestamps.
    fn packets(pitch: f32, count: usize) -> Vec<(u64, Vec<u8>)> {
        let mut tone = Tone::new(pitch, 0.4);
        let mut encoder = OpusEncoder::new(32_000).expect("an encoder");
        (0..count)
            .map(|_| {
                let frame = tone.next_frame();
                (frame.timestamp, encoder.encode(&frame).expect("encodes"))
            })
            .collect()
    }

    fn heard(mixer: &mut Mixer, frames: usize) -> Vec<f32> {
        (0..frames).flat_map(|_| mixer.pull().samples).collect()
    }

    #[test]
    fn packets_out_of_order_play_in_order() {
        let start = Instant::now();
        let mut mixer = Mixer::new();
        let mut stream = packets(440.0, 100);
        // Swap neighbours: every pair arrives the wrong way round.
        for pair in stream.chunks_mut(2) {
            pair.reverse();
        }
        let mut samples = Vec::new();
        for (n, (stamp, packet)) in stream.into_iter().enumerate() {
            mixer.push(
                "a",
                stamp,
                packet,
                start + Duration::from_millis(10 * n as u64),
            );
            samples.extend(mixer.pull().samples);
        }
        samples.extend(heard(&mut mixer, 5));
        let pitch = frequency(&samples[4_800..], SAMPLE_RATE).expect("a pitch");
        assert!((pitch - 440.0).abs() < 3.0, "{pitch}");
        // Nothing was concealed: silence would show as a quiet frame in the middle.
        let quiet = samples[4_800..9_600]
            .chunks(SAMPLES_PER_FRAME)
            .filter(|f| f.iter().all(|s| s.abs() < 0.01))
            .count();
        assert_eq!(quiet, 0);
    }

    #[test]
    fn lost_packets_are_concealed_and_late_ones_dropped() {
        let start = Instant::now();
        let mut mixer = Mixer::new();
        let stream = packets(300.0, 120);
        let mut late = Vec::new();
        let mut samples = Vec::new();
        for (n, (stamp, packet)) in stream.into_iter().enumerate() {
            let at = start + Duration::from_millis(10 * n as u64);
            match n % 15 {
                // Lost for good.
                7 => {}
                // Held back, to arrive long after its time.
                11 => late.push((stamp, packet)),
                _ => mixer.push("a", stamp, packet, at),
            }
            samples.extend(mixer.pull().samples);
        }
        for (stamp, packet) in late {
            mixer.push("a", stamp, packet, start + Duration::from_secs(2));
        }
        let buffered = mixer.tracks.get("a").map(|p| p.packets.len());
        assert!(buffered <= Some(3), "late packets kept: {buffered:?}");
        samples.extend(heard(&mut mixer, 3));
        assert!(samples.len() >= 120 * SAMPLES_PER_FRAME);
        let pitch = frequency(&samples[4_800..], SAMPLE_RATE).expect("a pitch");
        assert!((pitch - 300.0).abs() < 5.0, "{pitch}");
    }

    #[test]
    fn uneven_arrival_raises_the_delay() {
        let start = Instant::now();
        let mut steady = Mixer::new();
        let mut bursty = Mixer::new();
        for (n, (stamp, packet)) in packets(440.0, 200).into_iter().enumerate() {
            steady.push(
                "a",
                stamp,
                packet.clone(),
                start + Duration::from_millis(10 * n as u64),
            );
            // Four packets at once every 40 ms.
            let burst = start + Duration::from_millis(40 * (n as u64 / 4));
            bursty.push("a", stamp, packet, burst);
            steady.pull();
            bursty.pull();
        }
        let calm = steady.delay_ms("a").expect("a track");
        let wary = bursty.delay_ms("a").expect("a track");
        assert_eq!(calm, 20);
        assert!((40..=200).contains(&wary), "{wary} ms");
    }

    #[test]
    fn two_voices_mix_and_silence_ends_a_track() {
        let start = Instant::now();
        let mut mixer = Mixer::new();
        let low = packets(200.0, 60);
        let high = packets(1_000.0, 60);
        let mut samples = Vec::new();
        for (n, ((a, pa), (b, pb))) in low.into_iter().zip(high).enumerate() {
            let at = start + Duration::from_millis(10 * n as u64);
            mixer.push("low", a, pa, at);
            mixer.push("high", b, pb, at);
            samples.extend(mixer.pull().samples);
        }
        let levels: HashMap<&str, f32> = mixer.levels().collect();
        assert!(levels["low"] > 0.1 && levels["high"] > 0.1, "{levels:?}");
        // Both pitches are there: the mix correlates with each of them.
        let window = &samples[2_400..4_800];
        for pitch in [200.0f32, 1_000.0] {
            let step = std::f32::consts::TAU * pitch / SAMPLE_RATE as f32;
            let (re, im) = window
                .iter()
                .enumerate()
                .fold((0.0, 0.0), |(re, im), (i, s)| {
                    let phase = step * i as f32;
                    (re + s * phase.cos(), im + s * phase.sin())
                });
            let amplitude = 2.0 * (re * re + im * im).sqrt() / window.len() as f32;
            assert!(amplitude > 0.2, "{pitch} Hz at {amplitude}");
        }
        assert!(samples.iter().all(|s| s.abs() <= 1.0));
        // The senders stop: a few concealed frames, then silence.
        let after = heard(&mut mixer, 20);
        assert!(
            after[after.len() - SAMPLES_PER_FRAME..]
                .iter()
                .all(|s| *s == 0.0)
        );
        mixer.remove("low");
        assert_eq!(mixer.levels().count(), 1);
    }
}
