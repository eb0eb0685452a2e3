use serde::{Deserialize, Serialize};

/// One row of a room's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineItem {
    /// Stable across updates of the same item (local echo → sent → edited).
    pub id: String,
    pub entry: TimelineEntry,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TimelineEntry {
    Message(Message),
    /// Someone joined, left, was invited, …
    Membership {
        who: String,
        change: MembershipChange,
        timestamp_ms: u64,
    },
    /// Any other state change: room name, topic, settings.
    RoomChanged {
        by: String,
        timestamp_ms: u64,
    },
    /// The first message of a new day follows (timestamp of that day).
    DayDivider {
        timestamp_ms: u64,
    },
    /// Everything above has been read.
    ReadMarker,
    /// The very beginning of the room.
    Start,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MembershipChange {
    Joined,
    Left,
    Invited,
    Removed,
    Other,
}

/// A message in a timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub sender_id: String,
    pub sender_name: String,
    pub from_me: bool,
    pub body: MessageBody,
    pub timestamp_ms: u64,
    pub edited: bool,
    pub state: SendState,
}

/// What a message says, reduced to what the app can show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum MessageBody {
    Text(String),
    Notice(String),
    Emote(String),
    /// An attachment, shown by its file name.
    Attachment {
        kind: AttachmentKind,
        name: String,
    },
    Redacted,
    /// An encrypted message this device has no key for (yet).
    UnableToDecrypt,
    /// A kind of event Sparks does not show yet, with its type.
    Unsupported(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AttachmentKind {
    Image,
    Video,
    Audio,
    File,
}

/// Where a message of ours is on its way to the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SendState {
    Sending,
    Failed,
    Sent,
}
