//! An open room: its matrix-sdk-ui timeline, streamed to the app as `ListDiff`s of plain
//! timeline items, and the actions that write to it.

mod twins;

use std::sync::Arc;

use futures_util::{Stream, StreamExt};
use matrix_sdk::RoomMemberships;
use matrix_sdk::room::edit::EditedContent;
use matrix_sdk::ruma::api::client::receipt::create_receipt::v3::ReceiptType;
use matrix_sdk::ruma::events::Mentions;
use matrix_sdk::ruma::events::room::message::{
    EmoteMessageEventContent, MessageType, Relation, RoomMessageEventContentWithoutRelation,
    TextMessageEventContent,
};
use matrix_sdk::ruma::events::{AnySyncMessageLikeEvent, AnySyncTimelineEvent};
use matrix_sdk::ruma::room_version_rules::RoomVersionRules;
use matrix_sdk::ruma::{
    EventId, MilliSecondsSinceUnixEpoch, OwnedTransactionId, OwnedUserId, RoomId, UserId,
};
use matrix_sdk_ui::eyeball_im::VectorDiff;
use matrix_sdk_ui::timeline::{
    self, EmbeddedEvent, EventSendState, EventTimelineItem,
    MembershipChange as SdkMembershipChange, MsgLikeContent, MsgLikeKind, Profile, RoomExt,
    Timeline, TimelineDetails, TimelineEventItemId, TimelineFocus, TimelineItemContent,
    TimelineItemKind, TimelineReadReceiptTracking, VirtualTimelineItem,
};
use sparks_domain::{
    AttachmentKind, ListDiff, Member, MembershipChange, Message, MessageBody, Outgoing, Quote,
    Reaction, SendState, ThreadSummary, TimelineEntry, TimelineItem,
};

use crate::error::details;
use crate::html::rich_text;

/// Longer quotes of replied-to messages are cut here.
const QUOTE_CHARS: usize = 200;

/// Why a room could not be opened or written to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoomError {
    #[error("`{0}` is not a room id")]
    InvalidId(String),
    #[error("this account is not in room {0}")]
    NotFound(String),
    #[error("this account has not joined room {0} (yet)")]
    NotJoined(String),
    #[error("`{0}` is not a room id, alias or link to a room")]
    InvalidTarget(String),
    #[error("`{0}` is not a Matrix user id such as @name:example.org")]
    InvalidUser(String),
    #[error("only some members of this room may change that")]
    NotAllowed,
    #[error("that message is not in this room's timeline (any more)")]
    NoSuchMessage,
    /// A file to send or a folder to save in cannot be used.
    #[error("{0}")]
    File(String),
    #[error("the file has {size} bytes; the limit is {limit}")]
    TooLarge { size: u64, limit: u64 },
    #[error("{0}")]
    Failed(String),
}

/// A room whose timeline is open. Cheap to clone; the timeline lives while any clone does.
#[derive(Clone)]
pub struct OpenRoom {
    id: String,
    pub(crate) own_user: OwnedUserId,
    pub(crate) timeline: Arc<Timeline>,
}

impl std::fmt::Debug for OpenRoom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenRoom")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl OpenRoom {
    /// The room's live timeline (`thread: None`; replies in threads stay in their threads), or
    /// one thread: its root and every reply, where sending replies in the thread.
    pub(crate) async fn open(
        client: &matrix_sdk::Client,
        room_id: &str,
        thread: Option<&str>,
    ) -> Result<OpenRoom, RoomError> {
        let parsed =
            RoomId::parse(room_id).map_err(|_| RoomError::InvalidId(room_id.to_owned()))?;
        let room = client
            .get_room(&parsed)
            .ok_or_else(|| RoomError::NotFound(room_id.to_owned()))?;
        if room.state() != matrix_sdk::RoomState::Joined {
            return Err(RoomError::NotJoined(room_id.to_owned()));
        }
        let focus = match thread {
            None => TimelineFocus::Live {
                hide_threaded_events: true,
            },
            Some(root) => TimelineFocus::Thread {
                root_event_id: EventId::parse(root).map_err(|_| RoomError::NoSuchMessage)?,
            },
        };
        let timeline = room
            .timeline_builder()
            .with_focus(focus)
            .event_filter(show_event)
            // Where others have read to, and where we stopped reading (the read marker).
            .track_read_marker_and_receipts(TimelineReadReceiptTracking::MessageLikeEvents)
            .build()
            .await
            .map_err(|e| RoomError::Failed(details(&e)))?;
        Ok(OpenRoom {
            id: room_id.to_owned(),
            own_user: room.own_user_id().to_owned(),
            timeline: Arc::new(timeline),
        })
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// The timeline: first everything known locally (as one reset), then every change.
    pub fn items(&self) -> impl Stream<Item = Vec<ListDiff<TimelineItem>>> + Send + use<> {
        let timeline = self.timeline.clone();
        let own = self.own_user.clone();
        futures_util::stream::once(async move {
            let (initial, updates) = timeline.subscribe().await;
            let first = vec![ListDiff::Reset(
                initial.iter().map(|item| convert(item, &own)).collect(),
            )];
            let mut twins = twins::Twins::default();
            futures_util::stream::once(std::future::ready(first))
                .chain(updates.map(move |diffs| {
                    diffs
                        .into_iter()
                        .map(|diff| convert_diff(diff, &own))
                        .collect()
                }))
                .map(move |diffs| twins.pass(diffs))
                // Keep the timeline alive as long as someone listens.
                .map(move |diffs| {
                    let _ = &timeline;
                    diffs
                })
        })
        .flatten()
    }

    /// Loads up to `events` older events. `Ok(true)` once the start of the room is reached.
    pub async fn load_older(&self, events: u16) -> Result<bool, RoomError> {
        self.timeline
            .paginate_backwards(events)
            .await
            .map_err(|e| RoomError::Failed(details(&e)))
    }

    /// Marks everything in the room as read (a public read receipt), clearing its unread count.
    pub async fn mark_read(&self) -> Result<(), RoomError> {
        self.timeline
            .mark_as_read(ReceiptType::Read)
            .await
            .map(|_| ())
            .map_err(|e| RoomError::Failed(details(&e)))
    }

    /// Moves the read marker ("new messages" line) to the newest message: the room was read.
    /// Sent when leaving a room, so the line shows where one stopped reading until then.
    pub async fn mark_fully_read(&self) -> Result<(), RoomError> {
        self.timeline
            .mark_as_read(ReceiptType::FullyRead)
            .await
            .map(|_| ())
            .map_err(|e| RoomError::Failed(details(&e)))
    }

    /// Queues a message (Markdown, with mentions, maybe a reply). It shows at once as a local
    /// echo and is sent (encrypted in encrypted rooms) as soon as the server can be reached; the
    /// send queue survives restarts.
    pub async fn send(&self, message: &Outgoing) -> Result<(), RoomError> {
        let content = content(message);
        let result = match &message.reply_to {
            Some(event) => {
                let event = EventId::parse(event).map_err(|_| RoomError::NoSuchMessage)?;
                self.timeline.send_reply(content, event).await
            }
            None => self
                .timeline
                .send(content.with_relation(None).into())
                .await
                .map(|_| ()),
        };
        result.map_err(|e| RoomError::Failed(details(&e)))
    }

    /// Replaces the text of one of our messages.
    pub async fn edit(&self, event: &str, message: &Outgoing) -> Result<(), RoomError> {
        self.timeline
            .edit(
                &item_id(event),
                EditedContent::RoomMessage(content(message)),
            )
            .await
            .map_err(|e| timeline_error(&e))
    }

    /// Deletes a message for everyone (a redaction); a message still on its way is cancelled.
    pub async fn redact(&self, event: &str) -> Result<(), RoomError> {
        self.timeline
            .redact(&item_id(event), None)
            .await
            .map_err(|e| timeline_error(&e))
    }

    /// Who else is typing here, by display name; a new list whenever it changes.
    pub fn typing(&self) -> impl Stream<Item = Vec<String>> + Send + use<> {
        let room = self.timeline.room().clone();
        let (guard, receiver) = room.subscribe_to_typing_notifications();
        tokio_stream_from(receiver).then(move |users| {
            let room = room.clone();
            // The handler lives as long as the stream.
            let _ = &guard;
            async move {
                let mut names = Vec::with_capacity(users.len());
                for user in users {
                    let name = match room.get_member_no_sync(&user).await {
                        Ok(Some(member)) => member
                            .display_name()
                            .filter(|n| !n.trim().is_empty())
                            .map(ToOwned::to_owned),
                        _ => None,
                    };
                    names.push(name.unwrap_or_else(|| user.localpart().to_owned()));
                }
                names
            }
        })
    }

    /// Tells the others whether we are typing (sent at most every few seconds).
    pub async fn set_typing(&self, typing: bool) -> Result<(), RoomError> {
        self.timeline
            .room()
            .typing_notice(typing)
            .await
            .map_err(|e| RoomError::Failed(details(&e)))
    }

    /// Everyone joined or invited, for mention suggestions.
    pub async fn members(&self) -> Result<Vec<Member>, RoomError> {
        let members = self
            .timeline
            .room()
            .members(RoomMemberships::JOIN | RoomMemberships::INVITE)
            .await
            .map_err(|e| RoomError::Failed(details(&e)))?;
        Ok(members
            .iter()
            .map(|member| Member {
                user_id: member.user_id().to_string(),
                name: member
                    .display_name()
                    .filter(|name| !name.trim().is_empty())
                    .unwrap_or_else(|| member.user_id().localpart())
                    .to_owned(),
            })
            .collect())
    }

    /// Adds our reaction `key` to a message, or takes it back if we had reacted so.
    pub async fn toggle_reaction(&self, event: &str, key: &str) -> Result<(), RoomError> {
        self.timeline
            .toggle_reaction(&item_id(event), key)
            .await
            .map(|_| ())
            .map_err(|e| timeline_error(&e))
    }
}

/// A broadcast receiver as a stream; lagging behind only skips to the newest lists.
fn tokio_stream_from<T: Clone + Send + 'static>(
    receiver: tokio::sync::broadcast::Receiver<T>,
) -> impl Stream<Item = T> + Send {
    futures_util::stream::unfold(receiver, |mut receiver| async move {
        loop {
            match receiver.recv().await {
                Ok(value) => return Some((value, receiver)),
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
            }
        }
    })
}

/// The domain names a message by its event id (`$…`) or, before the server has it, by the
/// transaction id of its local echo.
fn item_id(event: &str) -> TimelineEventItemId {
    match EventId::parse(event) {
        Ok(id) => TimelineEventItemId::EventId(id),
        Err(_) => TimelineEventItemId::TransactionId(OwnedTransactionId::from(event)),
    }
}

fn timeline_error(error: &timeline::Error) -> RoomError {
    match error {
        timeline::Error::EventNotInTimeline(_) => RoomError::NoSuchMessage,
        other => RoomError::Failed(details(other)),
    }
}

/// The event content for a composed message: Markdown rendered to `formatted_body`, each picked
/// mention linked as a pill and listed in `m.mentions` (always present, so clients that follow
/// intentional mentions notify exactly these people).
fn content(message: &Outgoing) -> RoomMessageEventContentWithoutRelation {
    let (text, emote) = match message.text.strip_prefix("/me ") {
        Some(rest) => (rest, true),
        None => (message.text.as_str(), false),
    };
    let mut markdown = text.to_owned();
    let mut mentioned: Vec<OwnedUserId> = Vec::new();
    for mention in &message.mentions {
        let Ok(user) = UserId::parse(&mention.user_id) else {
            continue;
        };
        let needle = format!("@{}", mention.label);
        if !markdown.contains(&needle) {
            continue;
        }
        let label = mention.label.replace('[', "\\[").replace(']', "\\]");
        markdown = markdown.replace(&needle, &format!("[{label}](https://matrix.to/#/{user})"));
        if !mentioned.contains(&user) {
            mentioned.push(user);
        }
    }
    let formatted = matrix_sdk::ruma::events::room::message::FormattedBody::markdown(&markdown);
    let msgtype = match (emote, formatted) {
        (false, Some(html)) => MessageType::Text(TextMessageEventContent::html(text, html.body)),
        (false, None) => MessageType::Text(TextMessageEventContent::plain(text)),
        (true, Some(html)) => MessageType::Emote(EmoteMessageEventContent::html(text, html.body)),
        (true, None) => MessageType::Emote(EmoteMessageEventContent::plain(text)),
    };
    RoomMessageEventContentWithoutRelation::new(msgtype)
        .add_mentions(Mentions::with_user_ids(mentioned))
}

/// matrix-sdk-ui's default choice, plus messages of msgtypes Sparks does not know: the spec lets
/// clients show their `body`, which beats hiding what someone wrote.
fn show_event(event: &AnySyncTimelineEvent, rules: &RoomVersionRules) -> bool {
    if timeline::default_event_filter(event, rules) {
        return true;
    }
    let AnySyncTimelineEvent::MessageLike(AnySyncMessageLikeEvent::RoomMessage(message)) = event
    else {
        return false;
    };
    // The default filter turns down room messages only for edits and unknown msgtypes.
    message.as_original().is_some_and(|original| {
        !matches!(original.content.relates_to, Some(Relation::Replacement(_)))
    })
}

fn convert_diff(
    diff: VectorDiff<Arc<timeline::TimelineItem>>,
    own: &UserId,
) -> ListDiff<TimelineItem> {
    let convert = |item: &Arc<timeline::TimelineItem>| convert(item, own);
    let all = |values: matrix_sdk_ui::eyeball_im::Vector<Arc<timeline::TimelineItem>>| {
        values.iter().map(convert).collect()
    };
    match diff {
        VectorDiff::Append { values } => ListDiff::Append(all(values)),
        VectorDiff::Clear => ListDiff::Clear,
        VectorDiff::PushFront { value } => ListDiff::PushFront(convert(&value)),
        VectorDiff::PushBack { value } => ListDiff::PushBack(convert(&value)),
        VectorDiff::PopFront => ListDiff::PopFront,
        VectorDiff::PopBack => ListDiff::PopBack,
        VectorDiff::Insert { index, value } => ListDiff::Insert {
            index,
            value: convert(&value),
        },
        VectorDiff::Set { index, value } => ListDiff::Set {
            index,
            value: convert(&value),
        },
        VectorDiff::Remove { index } => ListDiff::Remove { index },
        VectorDiff::Truncate { length } => ListDiff::Truncate { length },
        VectorDiff::Reset { values } => ListDiff::Reset(all(values)),
    }
}

fn convert(item: &Arc<timeline::TimelineItem>, own: &UserId) -> TimelineItem {
    let entry = match item.kind() {
        TimelineItemKind::Virtual(VirtualTimelineItem::DateDivider(day)) => {
            TimelineEntry::DayDivider {
                timestamp_ms: millis(*day),
            }
        }
        TimelineItemKind::Virtual(VirtualTimelineItem::ReadMarker) => TimelineEntry::ReadMarker,
        TimelineItemKind::Virtual(VirtualTimelineItem::TimelineStart) => TimelineEntry::Start,
        TimelineItemKind::Event(event) => {
            let mut entry = event_entry(event, own);
            if let TimelineEntry::Message(message) = &mut entry {
                message.read_by.retain(|user| user != own.as_str());
            }
            entry
        }
    };
    TimelineItem {
        id: item.unique_id().0.clone(),
        entry,
    }
}

pub(crate) fn display_name(profile: &TimelineDetails<Profile>, user: &UserId) -> String {
    match profile {
        TimelineDetails::Ready(profile) => profile.display_name.clone(),
        _ => None,
    }
    .filter(|name| !name.trim().is_empty())
    .unwrap_or_else(|| user.localpart().to_owned())
}

fn event_entry(event: &EventTimelineItem, own: &UserId) -> TimelineEntry {
    let sender_name = display_name(event.sender_profile(), event.sender());
    let timestamp_ms = millis(event.timestamp());
    let body = match event.content() {
        TimelineItemContent::MsgLike(content) => match &content.kind {
            MsgLikeKind::Message(message) => {
                let mut entry = message_entry(
                    event,
                    sender_name,
                    timestamp_ms,
                    body_of(message.msgtype()),
                    message.is_edited(),
                );
                relations(&mut entry, content, own);
                return entry;
            }
            MsgLikeKind::Sticker(sticker) => MessageBody::Attachment {
                kind: AttachmentKind::Image,
                name: sticker.content().body.clone(),
                size: None,
            },
            MsgLikeKind::Redacted => MessageBody::Redacted,
            MsgLikeKind::UnableToDecrypt(_) => MessageBody::UnableToDecrypt,
            MsgLikeKind::Poll(_) => MessageBody::Unsupported("m.poll.start".into()),
            MsgLikeKind::Other(other) => MessageBody::Unsupported(other.event_type().to_string()),
            MsgLikeKind::LiveLocation(_) => MessageBody::Unsupported("m.beacon_info".into()),
        },
        TimelineItemContent::MembershipChange(change) => {
            let who = change
                .display_name()
                .unwrap_or_else(|| change.user_id().localpart().to_owned());
            let change = match change.change() {
                Some(SdkMembershipChange::Joined | SdkMembershipChange::InvitationAccepted) => {
                    MembershipChange::Joined
                }
                Some(SdkMembershipChange::Left) => MembershipChange::Left,
                Some(SdkMembershipChange::Invited) => MembershipChange::Invited,
                Some(
                    SdkMembershipChange::Kicked
                    | SdkMembershipChange::Banned
                    | SdkMembershipChange::KickedAndBanned,
                ) => MembershipChange::Removed,
                _ => MembershipChange::Other,
            };
            return TimelineEntry::Membership {
                who,
                change,
                timestamp_ms,
            };
        }
        TimelineItemContent::ProfileChange(_)
        | TimelineItemContent::OtherState(_)
        | TimelineItemContent::FailedToParseState { .. } => {
            return TimelineEntry::RoomChanged {
                by: sender_name,
                timestamp_ms,
            };
        }
        TimelineItemContent::FailedToParseMessageLike { event_type, .. } => {
            MessageBody::Unsupported(event_type.to_string())
        }
        TimelineItemContent::CallInvite | TimelineItemContent::RtcNotification { .. } => {
            MessageBody::Unsupported("m.call".into())
        }
    };
    message_entry(event, sender_name, timestamp_ms, body, false)
}

fn message_entry(
    event: &EventTimelineItem,
    sender_name: String,
    timestamp_ms: u64,
    body: MessageBody,
    edited: bool,
) -> TimelineEntry {
    let state = match event.send_state() {
        None | Some(EventSendState::Sent { .. }) => SendState::Sent,
        Some(EventSendState::NotSentYet { .. }) => SendState::Sending,
        Some(EventSendState::SendingFailed {
            is_recoverable: true,
            ..
        }) => SendState::Waiting,
        Some(EventSendState::SendingFailed { .. }) => SendState::Failed,
    };
    TimelineEntry::Message(Message {
        event: match event.identifier() {
            TimelineEventItemId::EventId(id) => id.to_string(),
            TimelineEventItemId::TransactionId(id) => id.to_string(),
        },
        sender_id: event.sender().to_string(),
        sender_name,
        from_me: event.is_own(),
        body,
        timestamp_ms,
        edited,
        state,
        reply_to: None,
        reactions: Vec::new(),
        thread: None,
        editable: event.is_editable(),
        redactable: event.is_own() && !event.content().is_redacted(),
        read_by: event
            .read_receipts()
            .keys()
            .filter(|user| *user != event.sender())
            .map(ToString::to_string)
            .collect(),
    })
}

/// Replies, reactions and thread summaries of a message.
fn relations(entry: &mut TimelineEntry, content: &MsgLikeContent, own: &UserId) {
    let TimelineEntry::Message(message) = entry else {
        return;
    };
    message.reply_to = content.in_reply_to.as_ref().map(|details| {
        let embedded = match &details.event {
            TimelineDetails::Ready(event) => Some(event),
            _ => None,
        };
        Quote {
            event_id: details.event_id.to_string(),
            sender_name: embedded.map(|event| display_name(&event.sender_profile, &event.sender)),
            text: embedded.map(|event| quote_text(event)),
        }
    });
    message.reactions = content
        .reactions
        .iter()
        .map(|(key, senders)| Reaction {
            key: key.clone(),
            count: senders.len(),
            mine: senders.contains_key(own),
        })
        .collect();
    message.thread = content
        .thread_summary
        .as_ref()
        .map(|summary| ThreadSummary {
            replies: summary.num_replies,
            latest: match &summary.latest_event {
                TimelineDetails::Ready(event) => Some((
                    display_name(&event.sender_profile, &event.sender),
                    quote_text(event),
                )),
                _ => None,
            },
        });
}

/// A one-line preview of an embedded (replied-to or latest-in-thread) event.
fn quote_text(event: &EmbeddedEvent) -> String {
    preview_of(&event.content)
}

/// A message's words on one line, cut short, for quotes and lists.
pub(crate) fn preview_of(content: &TimelineItemContent) -> String {
    let text = match content.as_message() {
        Some(message) => message.body().to_owned(),
        None if content.is_redacted() => String::new(),
        None => content.event_type_str().unwrap_or_default(),
    };
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(QUOTE_CHARS) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line,
    }
}

fn body_of(message: &MessageType) -> MessageBody {
    let attachment =
        |kind, name: &str, size: Option<matrix_sdk::ruma::UInt>| MessageBody::Attachment {
            kind,
            name: name.to_owned(),
            size: size.map(u64::from),
        };
    match message {
        MessageType::Text(text) => {
            MessageBody::Text(rich_text(&text.body, text.formatted.as_ref()))
        }
        MessageType::Notice(notice) => {
            MessageBody::Notice(rich_text(&notice.body, notice.formatted.as_ref()))
        }
        MessageType::Emote(emote) => {
            MessageBody::Emote(rich_text(&emote.body, emote.formatted.as_ref()))
        }
        MessageType::Image(c) => attachment(
            AttachmentKind::Image,
            c.filename(),
            c.info.as_ref().and_then(|i| i.size),
        ),
        MessageType::Video(c) => attachment(
            AttachmentKind::Video,
            c.filename(),
            c.info.as_ref().and_then(|i| i.size),
        ),
        MessageType::Audio(c) => attachment(
            AttachmentKind::Audio,
            c.filename(),
            c.info.as_ref().and_then(|i| i.size),
        ),
        MessageType::File(c) => attachment(
            AttachmentKind::File,
            c.filename(),
            c.info.as_ref().and_then(|i| i.size),
        ),
        other => MessageBody::Text(rich_text(other.body(), None)),
    }
}

pub(crate) fn millis(timestamp: MilliSecondsSinceUnixEpoch) -> u64 {
    timestamp.get().into()
}
