use std::pin::pin;

use futures_util::{Stream, StreamExt};
use matrix_sdk::latest_events::LatestEventValue;
use matrix_sdk::ruma::events::room::message::MessageType;
use matrix_sdk::ruma::events::{
    AnyMessageLikeEventContent, AnySyncMessageLikeEvent, AnySyncTimelineEvent,
};
use matrix_sdk::ruma::{MilliSecondsSinceUnixEpoch, UserId};
use matrix_sdk::{BaseRoom, Client, Room, RoomState};
use matrix_sdk_ui::eyeball_im::VectorDiff;
use matrix_sdk_ui::room_list_service::{
    RoomListItem, RoomListLoadingState, RoomListService, filters,
};
use std::sync::Arc;

use sparks_domain::{LastMessage, ListDiff, RoomKind, RoomSummary};
use tokio::sync::mpsc;

/// The list grows by this many rooms whenever it is full, until every room is in it. Small,
/// so the first screen of rooms shows before the rest are read from the store.
const PAGE_SIZE: usize = 50;
/// Rooms read from the store at once while converting a page.
const CONCURRENT_READS: usize = 16;
/// The longest preview of a message kept for the room list.
const PREVIEW_CHARS: usize = 160;

/// A change to the room list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoomListUpdate {
    /// Whether the first sync has delivered the list (before that, only the local store spoke).
    Loaded(bool),
    /// Changes to apply, in order.
    Diffs(Vec<ListDiff<RoomSummary>>),
    /// The list cannot be loaded at all.
    Failed(String),
}

/// Runs the room list in its own task; the stream ends when the task does.
pub(crate) fn stream(
    client: Client,
    service: Arc<RoomListService>,
) -> impl Stream<Item = RoomListUpdate> + Send + 'static {
    let (sender, mut receiver) = mpsc::channel(16);
    tokio::spawn(async move {
        if let Err(error) = run(&client, &service, &sender).await {
            let _ = sender.send(RoomListUpdate::Failed(error)).await;
        }
    });
    futures_util::stream::poll_fn(move |cx| receiver.poll_recv(cx))
}

async fn run(
    client: &Client,
    service: &RoomListService,
    sender: &mpsc::Sender<RoomListUpdate>,
) -> Result<(), String> {
    let list = service.all_rooms().await.map_err(|e| e.to_string())?;
    let mut loading = list.loading_state();
    let (entries, controller) = list.entries_with_dynamic_adapters(PAGE_SIZE);
    controller.set_filter(Box::new(filters::new_filter_non_left()));
    let mut entries = pin!(entries);
    // The list shows at most `pages * PAGE_SIZE` rooms; a full list asks for another page.
    let (mut pages, mut len) = (1, 0usize);
    let own_user = client.user_id().map(ToOwned::to_owned);
    let latest_events = client.latest_events().await;

    let is_loaded =
        |state: &RoomListLoadingState| matches!(state, RoomListLoadingState::Loaded { .. });
    if sender
        .send(RoomListUpdate::Loaded(is_loaded(&loading.get())))
        .await
        .is_err()
    {
        return Ok(());
    }
    loop {
        let update = tokio::select! {
            Some(state) = loading.next() => RoomListUpdate::Loaded(is_loaded(&state)),
            diffs = entries.next() => {
                let Some(diffs) = diffs else { return Ok(()) };
                let mut out = Vec::with_capacity(diffs.len());
                for diff in &diffs {
                    len = length_after(diff, len);
                }
                if len >= pages * PAGE_SIZE {
                    pages += 1;
                    controller.add_one_page();
                }
                for diff in diffs {
                    let latest_events = &latest_events;
                    futures_util::stream::iter(inserted(&diff))
                        .for_each_concurrent(CONCURRENT_READS, |room| async move {
                            if let Err(error) = latest_events.listen_to_room(room.room_id()).await {
                                tracing::debug!(%error, room = %room.room_id(), "no latest event for room");
                            }
                        })
                        .await;
                    out.push(convert(diff, own_user.as_deref()).await);
                }
                RoomListUpdate::Diffs(out)
            }
        };
        if sender.send(update).await.is_err() {
            return Ok(());
        }
    }
}

/// The length of a list of `len` items after `diff`.
fn length_after<T: Clone>(diff: &VectorDiff<T>, len: usize) -> usize {
    match diff {
        VectorDiff::Append { values } => len + values.len(),
        VectorDiff::PushFront { .. } | VectorDiff::PushBack { .. } | VectorDiff::Insert { .. } => {
            len + 1
        }
        VectorDiff::PopFront | VectorDiff::PopBack | VectorDiff::Remove { .. } => {
            len.saturating_sub(1)
        }
        VectorDiff::Clear => 0,
        VectorDiff::Truncate { length } => *length,
        VectorDiff::Reset { values } => values.len(),
        VectorDiff::Set { .. } => len,
    }
}

fn inserted(diff: &VectorDiff<RoomListItem>) -> Vec<&RoomListItem> {
    match diff {
        VectorDiff::Append { values } | VectorDiff::Reset { values } => values.iter().collect(),
        VectorDiff::PushFront { value }
        | VectorDiff::PushBack { value }
        | VectorDiff::Insert { value, .. } => vec![value],
        _ => vec![],
    }
}

async fn convert(
    diff: VectorDiff<RoomListItem>,
    own_user: Option<&UserId>,
) -> ListDiff<RoomSummary> {
    async fn all(
        values: impl IntoIterator<Item = RoomListItem>,
        own_user: Option<&UserId>,
    ) -> Vec<RoomSummary> {
        futures_util::stream::iter(values)
            .map(|value| async move { summarize(&value, own_user).await })
            .buffered(CONCURRENT_READS)
            .collect()
            .await
    }
    match diff {
        VectorDiff::Append { values } => ListDiff::Append(all(values, own_user).await),
        VectorDiff::Clear => ListDiff::Clear,
        VectorDiff::PushFront { value } => ListDiff::PushFront(summarize(&value, own_user).await),
        VectorDiff::PushBack { value } => ListDiff::PushBack(summarize(&value, own_user).await),
        VectorDiff::PopFront => ListDiff::PopFront,
        VectorDiff::PopBack => ListDiff::PopBack,
        VectorDiff::Insert { index, value } => ListDiff::Insert {
            index,
            value: summarize(&value, own_user).await,
        },
        VectorDiff::Set { index, value } => ListDiff::Set {
            index,
            value: summarize(&value, own_user).await,
        },
        VectorDiff::Remove { index } => ListDiff::Remove { index },
        VectorDiff::Truncate { length } => ListDiff::Truncate { length },
        VectorDiff::Reset { values } => ListDiff::Reset(all(values, own_user).await),
    }
}

/// One room as the room list shows it.
pub(crate) async fn summarize(room: &Room, own_user: Option<&UserId>) -> RoomSummary {
    let direct = room.is_direct().await.unwrap_or(false);
    let kind = if room.state() == RoomState::Invited {
        RoomKind::Invite
    } else if room.is_space() {
        RoomKind::Space
    } else if direct {
        RoomKind::Direct
    } else {
        RoomKind::Group
    };
    let name = display_name(room);
    let mentions = if direct {
        room.num_unread_notifications()
    } else {
        room.num_unread_mentions()
    };
    RoomSummary {
        id: room.room_id().to_string(),
        name,
        kind,
        encrypted: room.encryption_state().is_encrypted(),
        last_message: last_message(room, own_user).await,
        unread: room.num_unread_messages(),
        mentions,
        call: room.has_active_room_call(),
    }
}

/// The room's name as the list shows it, without working it out through the SDK.
///
/// The SDK caches the display name it works out after each sync. A room enters the list while
/// that sync is still being saved, so a name worked out through the SDK then, from half the
/// state, could land in its cache after the right one and stay there: this only reads.
pub(crate) fn display_name(room: &Room) -> String {
    if let Some(name) = room.name().filter(|name| !name.trim().is_empty()) {
        return name.trim().to_owned();
    }
    match room.cached_display_name() {
        Some(name) => name.to_string(),
        None => BaseRoom::compute_display_name_with_fields(
            None,
            room.canonical_alias().as_deref(),
            room.heroes(),
            room.joined_members_count(),
        )
        .to_string(),
    }
}

async fn last_message(room: &Room, own_user: Option<&UserId>) -> Option<LastMessage> {
    let (sender, body, timestamp) = match room.latest_event() {
        LatestEventValue::Remote(event) => {
            let event = event.raw().deserialize().ok()?;
            let AnySyncTimelineEvent::MessageLike(AnySyncMessageLikeEvent::RoomMessage(message)) =
                &event
            else {
                return None;
            };
            let message = message.as_original()?;
            (
                message.sender.clone(),
                preview(&message.content.msgtype),
                event.origin_server_ts(),
            )
        }
        LatestEventValue::LocalIsSending(local)
        | LatestEventValue::LocalCannotBeSent(local)
        | LatestEventValue::LocalHasBeenSent { value: local, .. } => {
            let AnyMessageLikeEventContent::RoomMessage(content) =
                local.content.deserialize().ok()?
            else {
                return None;
            };
            (
                own_user?.to_owned(),
                preview(&content.msgtype),
                local.timestamp,
            )
        }
        LatestEventValue::None | LatestEventValue::RemoteInvite { .. } => return None,
    };
    let from_me = own_user == Some(sender.as_ref());
    let sender_name = match room.get_member_no_sync(&sender).await {
        Ok(Some(member)) => member.name().to_owned(),
        _ => sender.localpart().to_owned(),
    };
    Some(LastMessage {
        sender: sender_name,
        from_me,
        body,
        timestamp_ms: millis(timestamp),
    })
}

/// A one-line plain-text preview of a message.
fn preview(message: &MessageType) -> String {
    let body = match message {
        MessageType::Emote(emote) => format!("* {}", emote.body),
        other => other.body().to_owned(),
    };
    let line = body
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .trim();
    let mut out: String = line.chars().take(PREVIEW_CHARS).collect();
    if line.chars().nth(PREVIEW_CHARS).is_some() {
        out.push('…');
    }
    out
}

fn millis(timestamp: MilliSecondsSinceUnixEpoch) -> u64 {
    timestamp.get().into()
}

#[cfg(test)]
mod tests {
    use matrix_sdk::ruma::events::room::message::{
        EmoteMessageEventContent, TextMessageEventContent,
    };

    use super::*;

    #[test]
    fn previews_are_one_trimmed_line() {
        let text = MessageType::Text(TextMessageEventContent::plain("\n\n  hello  \nsecond line"));
        assert_eq!(preview(&text), "hello");
        let emote = MessageType::Emote(EmoteMessageEventContent::plain("waves"));
        assert_eq!(preview(&emote), "* waves");
        let long = MessageType::Text(TextMessageEventContent::plain("x".repeat(10_000)));
        let shown = preview(&long);
        assert_eq!(shown.chars().count(), PREVIEW_CHARS + 1);
        assert!(shown.ends_with('…'));
    }

    #[test]
    fn list_length_follows_the_diffs() {
        use matrix_sdk_ui::eyeball_im::Vector;
        let values: Vector<u8> = (0..5).collect();
        let steps = [
            (
                VectorDiff::Reset {
                    values: values.clone(),
                },
                5,
            ),
            (VectorDiff::Append { values }, 10),
            (VectorDiff::Insert { index: 0, value: 1 }, 11),
            (VectorDiff::Remove { index: 0 }, 10),
            (VectorDiff::Set { index: 0, value: 2 }, 10),
            (VectorDiff::Truncate { length: 3 }, 3),
            (VectorDiff::PopBack, 2),
            (VectorDiff::Clear, 0),
            (VectorDiff::PopFront, 0),
        ];
        let mut len = 0;
        for (diff, expected) in steps {
            len = length_after(&diff, len);
            assert_eq!(len, expected, "{diff:?}");
        }
    }
}
