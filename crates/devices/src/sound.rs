//! Microphones and speakers through cpal: whatever rate and channels the device has, turned
//! into (and from) the meeting's 48 kHz mono 10 ms frames.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{FromSample, SampleFormat, SizedSample, StreamConfig};
use sparks_media::{AudioFrame, AudioSink, AudioSource, SAMPLE_RATE, SAMPLES_PER_FRAME};

use crate::{DeviceError, DeviceInfo, DeviceKind};

/// How long opening a device may take before we give up on it.
const OPEN_TIMEOUT: Duration = Duration::from_secs(5);
/// The most captured audio kept when nobody reads it: older samples are dropped.
const MICROPHONE_BUFFER: usize = SAMPLE_RATE as usize / 2;
/// The most audio queued for a speaker; beyond it the oldest goes, so a device clock that runs
/// a little slow never builds up delay.
const SPEAKER_BUFFER: usize = SAMPLE_RATE as usize / 5;

pub(crate) fn list(kind: DeviceKind) -> Result<Vec<DeviceInfo>, DeviceError> {
    let host = cpal::default_host();
    let devices = match kind {
        DeviceKind::Microphone => host.input_devices(),
        _ => host.output_devices(),
    }
    .map_err(|e| DeviceError::Unusable(e.to_string()))?;
    Ok(devices
        .filter_map(|device| {
            let id = device.id().ok()?.to_string();
            let name = device
                .description()
                .map_or_else(|_| id.clone(), |d| d.to_string());
            Some(DeviceInfo { id, name, kind })
        })
        .collect())
}

fn find(kind: DeviceKind, id: Option<&str>) -> Result<cpal::Device, DeviceError> {
    let host = cpal::default_host();
    match id {
        Some(id) => {
            let parsed = id
                .parse()
                .map_err(|_| DeviceError::NotFound(id.to_owned()))?;
            host.device_by_id(&parsed)
                .ok_or_else(|| DeviceError::NotFound(id.to_owned()))
        }
        None => match kind {
            DeviceKind::Microphone => host.default_input_device(),
            _ => host.default_output_device(),
        }
        .ok_or(DeviceError::NoDevice(kind)),
    }
}

/// What a device thread and its handle share.
#[derive(Default)]
struct Shared {
    samples: Mutex<VecDeque<f32>>,
    problem: Mutex<Option<String>>,
    stop: AtomicBool,
    /// Samples the device took or gave, for "is it alive" checks.
    moved: AtomicU64,
}

impl Shared {
    fn problem(&self) -> Option<String> {
        self.problem
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn report(&self, problem: impl ToString) {
        let problem = problem.to_string();
        tracing::warn!(%problem, "audio device trouble");
        *self.problem.lock().unwrap_or_else(|e| e.into_inner()) = Some(problem);
    }
}

/// Starts the device's thread: `build` makes the stream there, which then runs until the
/// handle is dropped.
fn run_device<B>(name: &'static str, shared: Arc<Shared>, build: B) -> Result<(), DeviceError>
where
    B: FnOnce(Arc<Shared>) -> Result<cpal::Stream, DeviceError> + Send + 'static,
{
    let (opened, wait) = mpsc::channel();
    std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            let stream = build(shared.clone()).and_then(|stream| {
                stream
                    .play()
                    .map_err(|e| DeviceError::Unusable(e.to_string()))?;
                Ok(stream)
            });
            let stream = match stream {
                Ok(stream) => {
                    let _ = opened.send(Ok(()));
                    stream
                }
                Err(error) => {
                    let _ = opened.send(Err(error));
                    return;
                }
            };
            while !shared.stop.load(Ordering::Relaxed) {
                std::thread::park_timeout(Duration::from_millis(100));
            }
            drop(stream);
        })
        .map_err(|e| DeviceError::Unusable(e.to_string()))?;
    wait.recv_timeout(OPEN_TIMEOUT)
        .map_err(|_| DeviceError::Unusable("the device did not open in time".into()))?
}

/// A supported configuration of `device`, at 48 kHz when it can do that.
fn pick_config(
    configs: impl Iterator<Item = cpal::SupportedStreamConfigRange>,
    fallback: Result<cpal::SupportedStreamConfig, cpal::Error>,
) -> Result<cpal::SupportedStreamConfig, DeviceError> {
    let usable = |format: SampleFormat| {
        matches!(
            format,
            SampleFormat::F32 | SampleFormat::I16 | SampleFormat::I32 | SampleFormat::U16
        )
    };
    let mut ranges: Vec<_> = configs.filter(|c| usable(c.sample_format())).collect();
    // Fewest channels first, and float before integers.
    ranges.sort_by_key(|c| (c.channels(), c.sample_format() != SampleFormat::F32));
    if let Some(config) = ranges
        .iter()
        .find_map(|c| c.try_with_sample_rate(SAMPLE_RATE))
    {
        return Ok(config);
    }
    match fallback {
        Ok(config) if usable(config.sample_format()) => Ok(config),
        Ok(config) => Err(DeviceError::Unusable(format!(
            "samples as {} are not supported",
            config.sample_format()
        ))),
        Err(error) => Err(DeviceError::Unusable(error.to_string())),
    }
}

/// A microphone: 48 kHz mono, however the device records.
pub struct Microphone {
    shared: Arc<Shared>,
    position: u64,
}

impl Microphone {
    /// The microphone with `id` (from [`crate::list`]), or the system's default.
    pub fn open(id: Option<&str>) -> Result<Microphone, DeviceError> {
        let device = find(DeviceKind::Microphone, id)?;
        let supported = pick_config(
            device
                .supported_input_configs()
                .map_err(|e| DeviceError::Unusable(e.to_string()))?,
            device.default_input_config(),
        )?;
        let shared = Arc::new(Shared::default());
        run_device("microphone", shared.clone(), move |shared| {
            let format = supported.sample_format();
            let config = supported.config();
            match format {
                SampleFormat::F32 => capture::<f32>(&device, &config, shared),
                SampleFormat::I16 => capture::<i16>(&device, &config, shared),
                SampleFormat::I32 => capture::<i32>(&device, &config, shared),
                _ => capture::<u16>(&device, &config, shared),
            }
        })?;
        Ok(Microphone {
            shared,
            position: 0,
        })
    }

    /// Why the microphone went quiet, if it did.
    pub fn problem(&self) -> Option<String> {
        self.shared.problem()
    }

    /// Samples recorded since it opened.
    pub fn recorded(&self) -> u64 {
        self.shared.moved.load(Ordering::Relaxed)
    }
}

fn capture<T>(
    device: &cpal::Device,
    config: &StreamConfig,
    shared: Arc<Shared>,
) -> Result<cpal::Stream, DeviceError>
where
    T: SizedSample,
    f32: FromSample<T>,
{
    let channels = usize::from(config.channels.max(1));
    let mut resampler = Resampler::new(config.sample_rate, SAMPLE_RATE);
    let mut mono = Vec::new();
    let mut converted = Vec::new();
    let errors = shared.clone();
    device
        .build_input_stream::<T, _, _>(
            *config,
            move |data, _| {
                mono.clear();
                mono.extend(data.chunks(channels).map(|frame| {
                    frame.iter().map(|s| s.to_sample::<f32>()).sum::<f32>() / frame.len() as f32
                }));
                converted.clear();
                resampler.process(&mono, &mut converted);
                shared
                    .moved
                    .fetch_add(converted.len() as u64, Ordering::Relaxed);
                let mut samples = shared.samples.lock().unwrap_or_else(|e| e.into_inner());
                samples.extend(converted.iter().copied());
                let excess = samples.len().saturating_sub(MICROPHONE_BUFFER);
                samples.drain(..excess);
            },
            move |error| errors.report(error),
            Some(OPEN_TIMEOUT),
        )
        .map_err(|e| DeviceError::Unusable(e.to_string()))
}

impl AudioSource for Microphone {
    /// The oldest 10 ms recorded; silence where the device has not delivered (yet).
    fn next_frame(&mut self) -> AudioFrame {
        let mut samples = Vec::with_capacity(SAMPLES_PER_FRAME);
        {
            let mut recorded = self
                .shared
                .samples
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            let take = recorded.len().min(SAMPLES_PER_FRAME);
            samples.extend(recorded.drain(..take));
        }
        samples.resize(SAMPLES_PER_FRAME, 0.0);
        let timestamp = self.position;
        self.position += SAMPLES_PER_FRAME as u64;
        AudioFrame { samples, timestamp }
    }
}

impl Drop for Microphone {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Relaxed);
    }
}

/// A speaker (or headset): plays the meeting's mix on every channel it has.
pub struct Speaker {
    shared: Arc<Shared>,
    resampler: Resampler,
    converted: Vec<f32>,
}

impl Speaker {
    /// The output with `id` (from [`crate::list`]), or the system's default.
    pub fn open(id: Option<&str>) -> Result<Speaker, DeviceError> {
        let device = find(DeviceKind::Speaker, id)?;
        let supported = pick_config(
            device
                .supported_output_configs()
                .map_err(|e| DeviceError::Unusable(e.to_string()))?,
            device.default_output_config(),
        )?;
        let rate = supported.sample_rate();
        let shared = Arc::new(Shared::default());
        run_device("speaker", shared.clone(), move |shared| {
            let format = supported.sample_format();
            let config = supported.config();
            match format {
                SampleFormat::F32 => playback::<f32>(&device, &config, shared),
                SampleFormat::I16 => playback::<i16>(&device, &config, shared),
                SampleFormat::I32 => playback::<i32>(&device, &config, shared),
                _ => playback::<u16>(&device, &config, shared),
            }
        })?;
        Ok(Speaker {
            shared,
            resampler: Resampler::new(SAMPLE_RATE, rate),
            converted: Vec::new(),
        })
    }

    /// Why the speaker went quiet, if it did.
    pub fn problem(&self) -> Option<String> {
        self.shared.problem()
    }

    /// Samples (at the device's rate) the device has taken since it opened.
    pub fn played(&self) -> u64 {
        self.shared.moved.load(Ordering::Relaxed)
    }
}

fn playback<T>(
    device: &cpal::Device,
    config: &StreamConfig,
    shared: Arc<Shared>,
) -> Result<cpal::Stream, DeviceError>
where
    T: SizedSample + FromSample<f32>,
{
    let channels = usize::from(config.channels.max(1));
    let errors = shared.clone();
    device
        .build_output_stream::<T, _, _>(
            *config,
            move |data, _| {
                let mut queued = shared.samples.lock().unwrap_or_else(|e| e.into_inner());
                let frames = data.len() / channels;
                let take = queued.len().min(frames);
                for (frame, sample) in data.chunks_mut(channels).zip(queued.drain(..take)) {
                    frame.fill(T::from_sample(sample));
                }
                // What was not there stays the silence cpal filled in.
                shared.moved.fetch_add(frames as u64, Ordering::Relaxed);
            },
            move |error| errors.report(error),
            Some(OPEN_TIMEOUT),
        )
        .map_err(|e| DeviceError::Unusable(e.to_string()))
}

impl AudioSink for Speaker {
    fn play(&mut self, frame: &AudioFrame) {
        self.converted.clear();
        self.resampler.process(&frame.samples, &mut self.converted);
        let mut queued = self
            .shared
            .samples
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        queued.extend(self.converted.iter().map(|s| s.clamp(-1.0, 1.0)));
        let excess = queued.len().saturating_sub(SPEAKER_BUFFER);
        queued.drain(..excess);
    }
}

impl Drop for Speaker {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Relaxed);
    }
}

/// Changes a stream's sample rate by linear interpolation, carrying its position across
/// blocks so block sizes never show up as clicks. Good enough for speech between the common
/// device rates; it is a pass-through when the rates agree.
struct Resampler {
    /// Input samples per output sample.
    step: f64,
    /// Where the next output falls, counted from `previous` (0) through the block (1..=n).
    position: f64,
    previous: f32,
}

impl Resampler {
    fn new(from: u32, to: u32) -> Resampler {
        Resampler {
            step: f64::from(from.max(1)) / f64::from(to.max(1)),
            position: 1.0,
            previous: 0.0,
        }
    }

    fn process(&mut self, input: &[f32], output: &mut Vec<f32>) {
        if (self.step - 1.0).abs() < f64::EPSILON {
            output.extend_from_slice(input);
            return;
        }
        let Some(last) = input.last().copied() else {
            return;
        };
        let at = |i: usize| if i == 0 { self.previous } else { input[i - 1] };
        let end = input.len() as f64;
        while self.position <= end {
            let index = self.position.floor() as usize;
            let fraction = (self.position - index as f64) as f32;
            let next = if index < input.len() {
                at(index + 1)
            } else {
                at(index)
            };
            output.push(at(index) + (next - at(index)) * fraction);
            self.position += self.step;
        }
        self.position -= end;
        self.previous = last;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sparks_media::{Tone, frequency};

    fn resampled(from: u32, to: u32, block: usize) -> Vec<f32> {
        let mut tone = Tone::new(440.0, 0.5);
        let input: Vec<f32> = (0..50).flat_map(|_| tone.next_frame().samples).collect();
        let mut resampler = Resampler::new(from, to);
        let mut output = Vec::new();
        for chunk in input.chunks(block) {
            resampler.process(chunk, &mut output);
        }
        output
    }

    #[test]
    fn resampling_keeps_the_pitch_and_the_length() {
        for (from, to) in [(48_000, 44_100), (44_100, 48_000), (48_000, 16_000)] {
            for block in [7, 480, 1024] {
                let output = resampled(from, to, block);
                let expected = 24_000.0 * f64::from(to) / f64::from(from);
                assert!(
                    (output.len() as f64 - expected).abs() <= 2.0,
                    "{from}->{to} in blocks of {block}: {} samples",
                    output.len()
                );
                // A 440 Hz tone at 48 kHz, taken as recorded at `from`, has the pitch
                // 440·from/48000; resampling must keep it.
                let heard = frequency(&output, to).expect("a pitch");
                let pitch = 440.0 * from as f32 / 48_000.0;
                assert!((heard - pitch).abs() < 2.0, "{from}->{to}: {heard} Hz");
            }
        }
    }

    #[test]
    fn equal_rates_pass_through() {
        let input = [0.1, -0.2, 0.3];
        let mut output = Vec::new();
        Resampler::new(48_000, 48_000).process(&input, &mut output);
        assert_eq!(output, input);
    }
}
