use serde::{Deserialize, Serialize};

use crate::RichText;

/// One row of a room's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineItem {
    /// Stable across updates of the same item (local echo → sent → edited).
    pub id: String,
    pub entry: TimelineEntry,
}

// Nearly every entry is a message: boxing it would add an allocation per item for nothing.
#[allow(clippy::large_enum_variant)]
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
    /// Names the event for replies, edits, reactions and redactions: its event id (`$…`) once
    /// the server has it, the local transaction id before.
    pub event: String,
    pub sender_id: String,
    pub sender_name: String,
    pub from_me: bool,
    pub body: MessageBody,
    pub timestamp_ms: u64,
    pub edited: bool,
    pub state: SendState,
    /// The message this one answers.
    pub reply_to: Option<Quote>,
    pub reactions: Vec<Reaction>,
    /// Replies in the thread this message starts.
    pub thread: Option<ThreadSummary>,
    /// Whether we may change or delete it (our own messages).
    pub editable: bool,
    pub redactable: bool,
    /// Who else has read up to this message (and no further yet), by user id.
    #[serde(default)]
    pub read_by: Vec<String>,
}

/// A short view of the message a reply answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    pub event_id: String,
    /// `None` while the original is not loaded (or could not be).
    pub sender_name: Option<String>,
    pub text: Option<String>,
}

/// One reaction key under a message and who used it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reaction {
    pub key: String,
    pub count: usize,
    /// Whether one of them is ours (clicking again takes it back).
    pub mine: bool,
}

/// A thread in a room's list of threads: its first message and how far it has got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadRoot {
    /// The root message's event id (opens the thread).
    pub event: String,
    pub sender_name: String,
    /// The root's words on one line.
    pub text: String,
    pub timestamp_ms: u64,
    pub replies: u32,
    /// The newest reply: its sender's name and words.
    pub latest: Option<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadSummary {
    pub replies: u32,
    /// The newest reply: its sender's name and text, when known.
    pub latest: Option<(String, String)>,
}

/// What a message says, reduced to what the app can show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum MessageBody {
    Text(RichText),
    Notice(RichText),
    Emote(RichText),
    /// An attachment: a file name, and its size when the sender said.
    Attachment {
        kind: AttachmentKind,
        name: String,
        size: Option<u64>,
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
    /// Kept in the send queue until the server answers again (written offline).
    Waiting,
    Failed,
    Sent,
}

/// A message as the composer hands it over: Markdown, the people it mentions, what it answers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outgoing {
    /// Markdown. `/me ` at the start makes it an emote.
    pub text: String,
    /// People picked from the mention suggestions; `@label` in the text marks each.
    pub mentions: Vec<Mention>,
    /// The event id of the message this one answers.
    pub reply_to: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    pub label: String,
    pub user_id: String,
}
