use serde::{Deserialize, Serialize};

/// What kind of conversation a room is, as far as the room list cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RoomKind {
    /// A direct conversation with one or a few people.
    Direct,
    /// A group room or channel.
    Group,
    /// A space: a group of rooms.
    Space,
    /// An invitation not yet accepted.
    Invite,
}

/// A room's own settings as its settings panel shows them, with what we may change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomDetails {
    /// The name set for the room; empty when it has none (then one is made up from members).
    pub name: String,
    pub topic: String,
    /// Identifies the current picture (changes when it does); `None` without one.
    pub avatar: Option<String>,
    pub encrypted: bool,
    pub may_rename: bool,
    pub may_set_topic: bool,
    pub may_set_avatar: bool,
    /// Encryption can be turned on (never off again).
    pub may_encrypt: bool,
}

/// The newest message of a room, as the room list previews it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastMessage {
    /// Display name of the sender (or their user id if they have none).
    pub sender: String,
    /// The signed-in user sent it.
    pub from_me: bool,
    /// Plain-text preview of the message body.
    pub body: String,
    /// Milliseconds since the Unix epoch, as the origin server stamped it.
    pub timestamp_ms: u64,
}

/// One row of the room list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomSummary {
    /// The Matrix room id.
    pub id: String,
    /// The computed display name.
    pub name: String,
    pub kind: RoomKind,
    pub encrypted: bool,
    pub last_message: Option<LastMessage>,
    /// Messages the user has not read yet.
    pub unread: u64,
    /// Unread messages that mention the user (or any message in a DM).
    pub mentions: u64,
    /// Someone is in the room's call now.
    #[serde(default)]
    pub call: bool,
}

impl RoomSummary {
    /// The letters shown in place of an avatar.
    pub fn initials(&self) -> String {
        initials(&self.name)
    }
}

/// Up to two letters for an avatar placeholder: the first letter of the first two words, ignoring
/// Matrix sigils and punctuation. `"#design-team"` gives `"DT"`, `"alice"` gives `"A"`.
pub fn initials(name: &str) -> String {
    let mut letters = name
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_' || c == '.' || c == ':')
        .filter_map(|word| word.chars().find(|c| c.is_alphanumeric()))
        .flat_map(char::to_uppercase);
    let mut out = String::new();
    out.extend(letters.by_ref().take(2));
    if out.is_empty() { "?".to_owned() } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_skip_sigils_and_take_two_words() {
        assert_eq!(initials("#design-team"), "DT");
        assert_eq!(initials("alice"), "A");
        assert_eq!(initials("Bob Smith Jr"), "BS");
        assert_eq!(initials("@carol:localhost"), "CL");
        assert_eq!(initials("  "), "?");
        assert_eq!(initials("élan vital"), "ÉV");
        assert_eq!(initials("🎉 party"), "P");
    }
}

/// A space the user has joined, as a group of rooms in the sidebar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceGroup {
    /// The space's room id.
    pub id: String,
    pub name: String,
    /// The rooms and spaces it lists, in the space's order.
    pub children: Vec<String>,
}

/// Someone in a room.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub user_id: String,
    /// Their display name, or the local part of their id when they have none.
    pub name: String,
}

/// What kind of conversation to create.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NewRoomKind {
    /// A direct chat with one person; always encrypted.
    Direct,
    /// A private group, by invitation.
    Group,
    /// A public channel anyone on the server can find and join.
    Channel,
}

/// A conversation to create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewRoom {
    pub kind: NewRoomKind,
    pub name: String,
    pub topic: String,
    /// Matrix user ids to invite (the other person, for a direct chat).
    pub invite: Vec<String>,
    /// Ignored for direct chats, which are always encrypted.
    pub encrypted: bool,
}

/// Something the user's push rules say deserves a notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub room_id: String,
    pub room_name: String,
    pub sender_name: String,
    /// The message text; `None` when it could not be read here (still encrypted, not a
    /// message).
    pub body: Option<String>,
    /// The push rules ask for a sound (mentions, direct messages by default).
    pub sound: bool,
}
