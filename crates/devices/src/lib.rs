//! The machine's meeting devices behind `sparks-media`'s traits: a [`Microphone`] is an
//! `AudioSource`, a [`Speaker`] an `AudioSink` (both through cpal), a [`Camera`] a
//! `VideoSource` (through nokhwa). A meeting does not care whether it runs on these or on the
//! synthetic sources, so a machine without devices (a kiosk, a test) still meets.
//!
//! Every device runs on a thread of its own that owns the platform's stream (cpal's and
//! nokhwa's handles may not move between threads); the handles here only share a bounded
//! buffer with it, so a device that stalls or vanishes never blocks a meeting: it goes quiet
//! (or keeps its last picture) and [`Microphone::problem`] and its siblings say why.

mod camera;
mod sound;

pub use camera::Camera;
pub use sound::{Microphone, Speaker};

/// What kind of device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeviceKind {
    Microphone,
    Speaker,
    Camera,
}

/// A device the user can pick.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceInfo {
    /// Stable across runs where the platform allows it; what settings remember.
    pub id: String,
    /// What to show.
    pub name: String,
    pub kind: DeviceKind,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeviceError {
    #[error("there is no {0:?} on this machine")]
    NoDevice(DeviceKind),
    #[error("the device {0:?} is not there (any more)")]
    NotFound(String),
    #[error("the device cannot be used: {0}")]
    Unusable(String),
}

/// The devices of `kind` this machine has now.
pub fn list(kind: DeviceKind) -> Result<Vec<DeviceInfo>, DeviceError> {
    match kind {
        DeviceKind::Microphone | DeviceKind::Speaker => sound::list(kind),
        DeviceKind::Camera => camera::list(),
    }
}
