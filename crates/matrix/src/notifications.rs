//! Notifications as the user's push rules decide them, evaluated by matrix-sdk on each sync.

use futures_util::Stream;
use matrix_sdk::deserialized_responses::RawAnySyncOrStrippedTimelineEvent;
use matrix_sdk::ruma::events::{AnySyncMessageLikeEvent, AnySyncTimelineEvent};
use matrix_sdk::ruma::push::{Action, Tweak};
use matrix_sdk::sync::Notification as SdkNotification;
use sparks_domain::Notification;
use tokio::sync::mpsc;

/// Longer message texts are cut here: a notification is a glimpse.
const BODY_CHARS: usize = 200;

impl crate::Session {
    /// Every event the push rules want to notify about, except our own.
    pub fn notifications(&self) -> impl Stream<Item = Notification> + Send + use<> {
        let (sender, mut receiver) = mpsc::channel(64);
        let client = self.inner.client.clone();
        tokio::spawn(async move {
            client
                .register_notification_handler(move |notification, room, _client| {
                    let sender = sender.clone();
                    async move {
                        if let Some(notification) = convert(&notification, &room).await {
                            // Nobody listening any more is fine.
                            let _ = sender.send(notification).await;
                        }
                    }
                })
                .await;
        });
        futures_util::stream::poll_fn(move |cx| receiver.poll_recv(cx))
    }
}

async fn convert(notification: &SdkNotification, room: &matrix_sdk::Room) -> Option<Notification> {
    if !notification.actions.iter().any(Action::should_notify) {
        return None;
    }
    let RawAnySyncOrStrippedTimelineEvent::Sync(raw) = &notification.event else {
        // An invitation: the room list shows it.
        return None;
    };
    let event = raw.deserialize().ok()?;
    if Some(event.sender()) == room.client().user_id() {
        return None;
    }
    let sender_name = match room.get_member_no_sync(event.sender()).await {
        Ok(Some(member)) => member.display_name().map(ToOwned::to_owned),
        _ => None,
    }
    .filter(|name| !name.trim().is_empty())
    .unwrap_or_else(|| event.sender().localpart().to_owned());
    let body = match &event {
        AnySyncTimelineEvent::MessageLike(AnySyncMessageLikeEvent::RoomMessage(message)) => {
            message.as_original().map(|m| {
                let body = m.content.body();
                match body.char_indices().nth(BODY_CHARS) {
                    Some((cut, _)) => format!("{}…", &body[..cut]),
                    None => body.to_owned(),
                }
            })
        }
        _ => None,
    };
    let room_name = crate::room_list::display_name(room);
    let sound = notification
        .actions
        .iter()
        .any(|action| matches!(action, Action::SetTweak(Tweak::Sound(_))));
    Some(Notification {
        room_id: room.room_id().to_string(),
        room_name,
        sender_name,
        body,
        sound,
    })
}
