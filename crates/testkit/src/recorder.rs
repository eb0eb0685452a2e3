//! An audio output for tests: keeps what a meeting plays, for the test to listen to.

use std::sync::{Arc, Mutex};

use sparks_media::{AudioFrame, AudioSink};

/// An [`AudioSink`] that records; clones share the recording.
#[derive(Clone, Default)]
pub struct Recorder {
    samples: Arc<Mutex<Vec<f32>>>,
}

impl Recorder {
    pub fn new() -> Recorder {
        Recorder::default()
    }

    /// Everything played so far, silence included.
    pub fn samples(&self) -> Vec<f32> {
        self.samples.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// What was played after the first sound (the silence before someone spoke left out).
    pub fn heard(&self) -> Vec<f32> {
        let samples = self.samples();
        let start = samples
            .iter()
            .position(|s| s.abs() > 0.01)
            .unwrap_or(samples.len());
        samples[start..].to_vec()
    }
}

impl AudioSink for Recorder {
    fn play(&mut self, frame: &AudioFrame) {
        if let Ok(mut samples) = self.samples.lock() {
            samples.extend_from_slice(&frame.samples);
        }
    }
}
