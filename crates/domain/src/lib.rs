//! Plain data types that the Sparks backends produce and the app draws.
//!
//! Nothing here performs I/O or knows a protocol library: backend crates convert their
//! library types into these, so the GUI depends on a small, stable vocabulary.

mod connection;
mod list;
mod preferences;
mod rich;
mod room;
mod security;
mod timeline;

pub use connection::Connection;
pub use list::{ListDiff, OutOfBounds};
pub use preferences::{DeviceChoice, Devices, Language, ThemeChoice};
pub use rich::{Block, Link, RichText, Span, Style};
pub use room::{
    LastMessage, Member, NewRoom, NewRoomKind, Notification, RoomDetails, RoomKind, RoomSummary,
    SpaceGroup, initials,
};
pub use security::{Recovery, SasEmoji, Security, VerificationPeer, VerificationStep};
pub use timeline::{
    AttachmentKind, MembershipChange, Mention, Message, MessageBody, Outgoing, Quote, Reaction,
    SendState, ThreadRoot, ThreadSummary, TimelineEntry, TimelineItem,
};
