//! Media for Sparks meetings, without any GUI: the frames the engine moves, the sources that
//! make them, and checks that read what a source drew back out of a decoded frame.
//!
//! Sources sit behind two traits, [`AudioSource`] and [`VideoSource`], so a meeting can run on
//! a machine without devices: [`Tone`] is a sine at a chosen frequency, [`TestPattern`] is
//! moving colour bars with the capture time written into the picture as a barcode. After a
//! trip through an encoder, the network and a decoder, [`frequency`] tells the tone's pitch
//! and [`read_stamp`] the capture time (glass-to-glass latency) and [`bar_colours`] the bars.
//!
//! [`OpusEncoder`] and [`OpusDecoder`] turn audio frames into the Opus packets LiveKit carries
//! and back (with loss concealment for packets that never came); [`Vp8Encoder`] and
//! [`Vp8Decoder`] do the same for pictures with libvpx. [`Mixer`] turns everyone's Opus
//! packets into one stream for an [`AudioSink`]: a jitter buffer per track, then the mix.

mod audio;
mod mixer;
mod opus;
mod video;
mod vp8;

pub use audio::{
    AudioFrame, AudioSink, AudioSource, SAMPLE_RATE, SAMPLES_PER_FRAME, Tone, frequency,
};
pub use mixer::Mixer;
pub use opus::{CodecError, OpusDecoder, OpusEncoder};
pub use video::{BARS, I420, TestPattern, VideoFrame, VideoSource, bar_colours, read_stamp};
pub use vp8::{Vp8Decoder, Vp8Encoder, Vp8Error, Vp8Frame};
