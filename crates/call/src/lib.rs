//! Sparks meetings on a LiveKit SFU, without LiveKit's own client: the signalling protocol
//! (WebSocket and protobuf, from `livekit-protocol`) spoken by Sparks itself.
//!
//! [`signal::connect`] joins a room: `/rtc/v1` (one peer connection) first, `/rtc` (publisher
//! and subscriber peer connections) when the server is older and answers 404. The connection
//! keeps itself alive with the server's ping interval, notices a silent server after its ping
//! timeout, and can be resumed with the participant's sid after it dropped. Every wait has a
//! timeout; everything that goes wrong is a typed [`SignalError`].
//!
//! [`Call`] is the meeting itself: signalling plus the peer connection to the SFU (str0m:
//! ICE, DTLS, SCTP, SRTP; on `/rtc` a second one that the SFU offers for what we receive),
//! with LiveKit's `_reliable` and `_lossy` data channels carrying `DataPacket`s, our audio and
//! video (muted, switched to other devices, in simulcast layers), everyone else's decoded and
//! mixed, a stream of [`CallEvent`]s, and a resume when signalling drops.

mod call;
mod peer;
mod publish;
pub mod signal;

pub use call::{Call, CallError, CallEvent, Data, Events, Me, Quality, Speaker, TrackKind};

pub use signal::{JoinOptions, Mode, Signal, SignalError, SignalEvent};
