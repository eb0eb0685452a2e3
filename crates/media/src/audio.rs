//! Audio: 10 ms frames of 48 kHz mono samples, a tone source, and a pitch estimate.

/// Meetings run at Opus' native rate.
pub const SAMPLE_RATE: u32 = 48_000;
/// One frame is 10 ms.
pub const SAMPLES_PER_FRAME: usize = (SAMPLE_RATE / 100) as usize;

/// 10 ms of mono audio, samples in -1.0..=1.0.
#[derive(Debug, Clone, PartialEq)]
pub struct AudioFrame {
    pub samples: Vec<f32>,
    /// Samples since the source started (the RTP clock, at 48 kHz).
    pub timestamp: u64,
}

/// Something that makes audio: a microphone, or a synthetic tone.
pub trait AudioSource: Send {
    /// The next 10 ms.
    fn next_frame(&mut self) -> AudioFrame;
}

/// Something that plays audio: a speaker, or a recorder in tests. Called every 10 ms with
/// the meeting's mix; it must not block.
pub trait AudioSink: Send {
    fn play(&mut self, frame: &AudioFrame);
}

/// A sine at `frequency` Hz.
#[derive(Debug, Clone)]
pub struct Tone {
    frequency: f32,
    amplitude: f32,
    position: u64,
}

impl Tone {
    pub fn new(frequency: f32, amplitude: f32) -> Tone {
        Tone {
            frequency,
            amplitude: amplitude.clamp(0.0, 1.0),
            position: 0,
        }
    }
}

impl AudioSource for Tone {
    fn next_frame(&mut self) -> AudioFrame {
        let timestamp = self.position;
        let step = std::f64::consts::TAU * f64::from(self.frequency) / f64::from(SAMPLE_RATE);
        let samples = (0..SAMPLES_PER_FRAME as u64)
            .map(|i| {
                // The phase from the absolute position: no drift however long it runs.
                let phase = step * (timestamp + i) as f64;
                self.amplitude * phase.sin() as f32
            })
            .collect();
        self.position += SAMPLES_PER_FRAME as u64;
        AudioFrame { samples, timestamp }
    }
}

/// The pitch of a (mostly) pure tone in `samples` at `rate`: rising zero crossings per second,
/// refined between samples. `None` for silence or too little signal.
pub fn frequency(samples: &[f32], rate: u32) -> Option<f32> {
    let loudest = samples.iter().fold(0f32, |m, s| m.max(s.abs()));
    if loudest < 1e-3 {
        return None;
    }
    // Ignore crossings in noise around zero: a small hysteresis.
    let threshold = loudest * 0.1;
    let mut crossings = Vec::new();
    let mut below = samples.first().is_some_and(|s| *s < -threshold);
    for (i, pair) in samples.windows(2).enumerate() {
        if pair[1] < -threshold {
            below = true;
        } else if below && pair[0] <= 0.0 && pair[1] > 0.0 {
            // Where between the two samples the signal crosses zero.
            let fraction = pair[0] / (pair[0] - pair[1]);
            crossings.push(i as f32 + fraction);
            below = false;
        }
    }
    let (first, last) = (crossings.first()?, crossings.last()?);
    let periods = crossings.len().checked_sub(1).filter(|n| *n > 0)?;
    Some(periods as f32 * rate as f32 / (last - first))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tone_is_heard_at_its_pitch_across_frames() {
        let mut tone = Tone::new(440.0, 0.5);
        let frames: Vec<AudioFrame> = (0..20).map(|_| tone.next_frame()).collect();
        assert_eq!(frames[1].timestamp, SAMPLES_PER_FRAME as u64);
        let samples: Vec<f32> = frames.iter().flat_map(|f| f.samples.clone()).collect();
        let heard = frequency(&samples, SAMPLE_RATE).expect("a pitch");
        assert!((heard - 440.0).abs() < 1.0, "{heard}");
        assert!(samples.iter().all(|s| s.abs() <= 0.5 + 1e-6));
    }

    #[test]
    fn noise_and_silence_do_not_fool_the_estimate() {
        let mut tone = Tone::new(1000.0, 0.3);
        let mut samples: Vec<f32> = (0..10).flat_map(|_| tone.next_frame().samples).collect();
        // A little deterministic noise, as a lossy codec leaves.
        let mut seed = 1u32;
        for s in &mut samples {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            *s += ((seed >> 16) as f32 / 65_536.0 - 0.5) * 0.02;
        }
        let heard = frequency(&samples, SAMPLE_RATE).expect("a pitch");
        assert!((heard - 1000.0).abs() < 5.0, "{heard}");
        assert_eq!(frequency(&vec![0.0; 4800], SAMPLE_RATE), None);
        assert_eq!(frequency(&[], SAMPLE_RATE), None);
    }
}
