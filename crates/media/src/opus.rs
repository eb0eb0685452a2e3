//! Opus at 48 kHz mono, 10 ms per packet, as LiveKit's clients send it.

use crate::audio::{AudioFrame, SAMPLE_RATE, SAMPLES_PER_FRAME};

/// The largest Opus packet a 10 ms frame can need.
const MAX_PACKET: usize = 1500;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the Opus codec failed: {0}")]
pub struct CodecError(String);

impl From<::opus::Error> for CodecError {
    fn from(error: ::opus::Error) -> Self {
        CodecError(error.to_string())
    }
}

pub struct OpusEncoder {
    inner: ::opus::Encoder,
}

impl OpusEncoder {
    /// A speech encoder at `bitrate` bits per second, with in-band error correction on.
    pub fn new(bitrate: i32) -> Result<OpusEncoder, CodecError> {
        let mut inner = ::opus::Encoder::new(
            SAMPLE_RATE,
            ::opus::Channels::Mono,
            ::opus::Application::Voip,
        )?;
        inner.set_bitrate(::opus::Bitrate::Bits(bitrate))?;
        inner.set_inband_fec(true)?;
        Ok(OpusEncoder { inner })
    }

    /// One frame (10 ms) as one Opus packet.
    pub fn encode(&mut self, frame: &AudioFrame) -> Result<Vec<u8>, CodecError> {
        if frame.samples.len() != SAMPLES_PER_FRAME {
            return Err(CodecError(format!(
                "a frame has {} samples, not {SAMPLES_PER_FRAME}",
                frame.samples.len()
            )));
        }
        let mut packet = vec![0u8; MAX_PACKET];
        let length = self.inner.encode_float(&frame.samples, &mut packet)?;
        packet.truncate(length);
        Ok(packet)
    }
}

pub struct OpusDecoder {
    inner: ::opus::Decoder,
    /// The timestamp of the next frame.
    position: u64,
}

impl OpusDecoder {
    pub fn new() -> Result<OpusDecoder, CodecError> {
        Ok(OpusDecoder {
            inner: ::opus::Decoder::new(SAMPLE_RATE, ::opus::Channels::Mono)?,
            position: 0,
        })
    }

    /// The frame in `packet`. A packet that is not Opus is an error, not a crash.
    pub fn decode(&mut self, packet: &[u8]) -> Result<AudioFrame, CodecError> {
        // Room for the longest packet Opus allows (120 ms).
        self.run(packet, SAMPLES_PER_FRAME * 12)
    }

    /// A stand-in for one lost 10 ms packet (Opus' concealment).
    pub fn conceal(&mut self) -> Result<AudioFrame, CodecError> {
        self.run(&[], SAMPLES_PER_FRAME)
    }

    fn run(&mut self, packet: &[u8], room: usize) -> Result<AudioFrame, CodecError> {
        let mut samples = vec![0f32; room];
        let length = self.inner.decode_float(packet, &mut samples, false)?;
        samples.truncate(length);
        let timestamp = self.position;
        self.position += length as u64;
        Ok(AudioFrame { samples, timestamp })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::{AudioSource, Tone, frequency};

    #[test]
    fn a_tone_keeps_its_pitch_through_opus() -> Result<(), CodecError> {
        let mut tone = Tone::new(440.0, 0.5);
        let mut encoder = OpusEncoder::new(32_000)?;
        let mut decoder = OpusDecoder::new()?;
        let mut heard = Vec::new();
        for n in 0..100 {
            let packet = encoder.encode(&tone.next_frame())?;
            assert!(
                !packet.is_empty() && packet.len() < 200,
                "{} bytes",
                packet.len()
            );
            // One packet in ten lost: concealed, not silent.
            let frame = if n % 10 == 5 {
                decoder.conceal()?
            } else {
                decoder.decode(&packet)?
            };
            assert_eq!(frame.samples.len(), SAMPLES_PER_FRAME);
            heard.extend(frame.samples);
        }
        // The first frames are the codec's warm-up.
        let pitch = frequency(&heard[4_800..], SAMPLE_RATE).expect("a pitch");
        assert!((pitch - 440.0).abs() < 3.0, "{pitch}");
        Ok(())
    }

    #[test]
    fn garbage_is_an_error() -> Result<(), CodecError> {
        let mut decoder = OpusDecoder::new()?;
        // 0xff as a table of contents promises more frames than three bytes can hold.
        assert!(decoder.decode(&[0xff; 3]).is_err());
        let mut encoder = OpusEncoder::new(32_000)?;
        let short = AudioFrame {
            samples: vec![0.0; 10],
            timestamp: 0,
        };
        assert!(encoder.encode(&short).is_err());
        Ok(())
    }
}
