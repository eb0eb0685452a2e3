//! An open room: its matrix-sdk-ui timeline, streamed to the app as `ListDiff`s of plain
//! timeline items, and the actions that write to it.

use std::sync::Arc;

use futures_util::{Stream, StreamExt};
use matrix_sdk::ruma::api::client::receipt::create_receipt::v3::ReceiptType;
use matrix_sdk::ruma::events::room::message::{MessageType, Relation, RoomMessageEventContent};
use matrix_sdk::ruma::events::{AnySyncMessageLikeEvent, AnySyncTimelineEvent};
use matrix_sdk::ruma::room_version_rules::RoomVersionRules;
use matrix_sdk::ruma::{MilliSecondsSinceUnixEpoch, RoomId};
use matrix_sdk_ui::eyeball_im::VectorDiff;
use matrix_sdk_ui::timeline::{
    self, EventSendState, EventTimelineItem, MembershipChange as SdkMembershipChange, MsgLikeKind,
    RoomExt, Timeline, TimelineDetails, TimelineItemContent, TimelineItemKind, VirtualTimelineItem,
};
use sparks_domain::{
    AttachmentKind, ListDiff, MembershipChange, Message, MessageBody, SendState, TimelineEntry,
    TimelineItem,
};

use crate::error::details;

/// Why a room could not be opened or written to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoomError {
    #[error("`{0}` is not a room id")]
    InvalidId(String),
    #[error("this account is not in room {0}")]
    NotFound(String),
    #[error("this account has not joined room {0} (yet)")]
    NotJoined(String),
    #[error("{0}")]
    Timeline(String),
}

/// A room whose timeline is open. Cheap to clone; the timeline lives while any clone does.
#[derive(Clone)]
pub struct OpenRoom {
    id: String,
    timeline: Arc<Timeline>,
}

impl std::fmt::Debug for OpenRoom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenRoom")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl OpenRoom {
    pub(crate) async fn open(
        client: &matrix_sdk::Client,
        room_id: &str,
    ) -> Result<OpenRoom, RoomError> {
        let parsed =
            RoomId::parse(room_id).map_err(|_| RoomError::InvalidId(room_id.to_owned()))?;
        let room = client
            .get_room(&parsed)
            .ok_or_else(|| RoomError::NotFound(room_id.to_owned()))?;
        if room.state() != matrix_sdk::RoomState::Joined {
            return Err(RoomError::NotJoined(room_id.to_owned()));
        }
        let timeline = room
            .timeline_builder()
            .event_filter(show_event)
            .build()
            .await
            .map_err(|e| RoomError::Timeline(details(&e)))?;
        Ok(OpenRoom {
            id: room_id.to_owned(),
            timeline: Arc::new(timeline),
        })
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// The timeline: first everything known locally (as one reset), then every change.
    pub fn items(&self) -> impl Stream<Item = Vec<ListDiff<TimelineItem>>> + Send + use<> {
        let timeline = self.timeline.clone();
        futures_util::stream::once(async move {
            let (initial, updates) = timeline.subscribe().await;
            let first = vec![ListDiff::Reset(initial.iter().map(convert).collect())];
            futures_util::stream::once(std::future::ready(first))
                .chain(updates.map(|diffs| diffs.into_iter().map(convert_diff).collect()))
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
            .map_err(|e| RoomError::Timeline(details(&e)))
    }

    /// Marks everything in the room as read (a public read receipt), clearing its unread count.
    pub async fn mark_read(&self) -> Result<(), RoomError> {
        self.timeline
            .mark_as_read(ReceiptType::Read)
            .await
            .map(|_| ())
            .map_err(|e| RoomError::Timeline(details(&e)))
    }

    /// Queues a plain-text message. It shows at once as a local echo and is sent (encrypted in
    /// encrypted rooms) as soon as the server can be reached; the send queue survives restarts.
    pub async fn send_text(&self, body: &str) -> Result<(), RoomError> {
        self.timeline
            .send(RoomMessageEventContent::text_plain(body).into())
            .await
            .map(|_| ())
            .map_err(|e| RoomError::Timeline(details(&e)))
    }
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

fn convert_diff(diff: VectorDiff<Arc<timeline::TimelineItem>>) -> ListDiff<TimelineItem> {
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

fn convert(item: &Arc<timeline::TimelineItem>) -> TimelineItem {
    let entry = match item.kind() {
        TimelineItemKind::Virtual(VirtualTimelineItem::DateDivider(day)) => {
            TimelineEntry::DayDivider {
                timestamp_ms: millis(*day),
            }
        }
        TimelineItemKind::Virtual(VirtualTimelineItem::ReadMarker) => TimelineEntry::ReadMarker,
        TimelineItemKind::Virtual(VirtualTimelineItem::TimelineStart) => TimelineEntry::Start,
        TimelineItemKind::Event(event) => event_entry(event),
    };
    TimelineItem {
        id: item.unique_id().0.clone(),
        entry,
    }
}

fn event_entry(event: &EventTimelineItem) -> TimelineEntry {
    let sender_name = match event.sender_profile() {
        TimelineDetails::Ready(profile) => profile.display_name.clone(),
        _ => None,
    }
    .filter(|name| !name.trim().is_empty())
    .unwrap_or_else(|| event.sender().localpart().to_owned());
    let timestamp_ms = millis(event.timestamp());
    let body = match event.content() {
        TimelineItemContent::MsgLike(content) => match &content.kind {
            MsgLikeKind::Message(message) => {
                return message_entry(
                    event,
                    sender_name,
                    timestamp_ms,
                    body_of(message.msgtype()),
                    message.is_edited(),
                );
            }
            MsgLikeKind::Sticker(sticker) => MessageBody::Attachment {
                kind: AttachmentKind::Image,
                name: sticker.content().body.clone(),
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
        Some(EventSendState::SendingFailed { .. }) => SendState::Failed,
    };
    TimelineEntry::Message(Message {
        sender_id: event.sender().to_string(),
        sender_name,
        from_me: event.is_own(),
        body,
        timestamp_ms,
        edited,
        state,
    })
}

/// Bodies are plain text here; the HTML subset is rendered by a later stage.
fn body_of(message: &MessageType) -> MessageBody {
    let attachment = |kind, name: &str| MessageBody::Attachment {
        kind,
        name: name.to_owned(),
    };
    match message {
        MessageType::Text(text) => MessageBody::Text(text.body.clone()),
        MessageType::Notice(notice) => MessageBody::Notice(notice.body.clone()),
        MessageType::Emote(emote) => MessageBody::Emote(emote.body.clone()),
        MessageType::Image(image) => attachment(AttachmentKind::Image, image.filename()),
        MessageType::Video(video) => attachment(AttachmentKind::Video, video.filename()),
        MessageType::Audio(audio) => attachment(AttachmentKind::Audio, audio.filename()),
        MessageType::File(file) => attachment(AttachmentKind::File, file.filename()),
        other => MessageBody::Text(other.body().to_owned()),
    }
}

fn millis(timestamp: MilliSecondsSinceUnixEpoch) -> u64 {
    timestamp.get().into()
}
