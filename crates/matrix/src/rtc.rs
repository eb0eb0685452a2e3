//! MatrixRTC (MSC4143): our membership of a room's call, which tells Element Call and other
//! Sparks clients that we are in it and which LiveKit focus (a middleware's `/get_token`)
//! serves it, and the ring (MSC4075) that makes the others' devices ring.

use std::time::Duration;

use matrix_sdk::ruma::MilliSecondsSinceUnixEpoch;
use matrix_sdk::ruma::events::Mentions;
use matrix_sdk::ruma::events::call::member::{
    ActiveFocus, ActiveLivekitFocus, Application, CallApplicationContent, CallMemberEventContent,
    CallMemberStateKey, CallScope, Focus, LivekitFocus,
};
use matrix_sdk::ruma::events::relation::Reference;
use matrix_sdk::ruma::events::rtc::notification::{NotificationType, RtcNotificationEventContent};

use crate::room_settings::refused;
use crate::timeline::RoomError;

/// How long a membership is valid unless renewed (MatrixRTC's default).
const MEMBERSHIP_LIFETIME: Duration = Duration::from_secs(4 * 60 * 60);
/// How long the others' devices ring.
const RING_LIFETIME: Duration = Duration::from_secs(30);

/// Our membership of one room's call: what the SFU token is asked for with, and what leaving
/// takes back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallMembership {
    pub room_id: String,
    pub user_id: String,
    pub device_id: String,
    /// The membership's id within the room (the state key's part after the user).
    pub member_id: String,
}

impl CallMembership {
    /// MatrixRTC's "slot" of a room's one call, as `/get_token` wants it.
    pub const SLOT: &'static str = "m.call#ROOM";
}

impl crate::Session {
    /// Joins the call of `room_id`, served by the focus whose token service is at
    /// `service_url`. When nobody else is in the call yet, the others' devices ring (in a
    /// direct chat) or are notified (in a group).
    pub async fn join_call(
        &self,
        room_id: &str,
        service_url: &str,
    ) -> Result<CallMembership, RoomError> {
        let room = self.room(room_id)?;
        let client = &self.inner.client;
        let (Some(user_id), Some(device_id)) = (client.user_id(), client.device_id()) else {
            return Err(RoomError::Failed("not signed in".into()));
        };
        let alone = !room.has_active_room_call();
        let member_id = format!("{device_id}_m.call");
        let key = CallMemberStateKey::new(user_id.to_owned(), Some(member_id.clone()), true);
        let content = CallMemberEventContent::new(
            Application::Call(CallApplicationContent::new(String::new(), CallScope::Room)),
            device_id.to_owned(),
            ActiveFocus::Livekit(ActiveLivekitFocus::new()),
            vec![Focus::Livekit(LivekitFocus::new(
                room.room_id().to_string(),
                service_url.to_owned(),
            ))],
            None,
            Some(MEMBERSHIP_LIFETIME),
        );
        let sent = room
            .send_state_event_for_key(&key, content)
            .await
            .map_err(refused)?;
        if alone {
            let direct = room.is_direct().await.unwrap_or(false);
            let kind = if direct {
                NotificationType::Ring
            } else {
                NotificationType::Notification
            };
            let mut ring = RtcNotificationEventContent::new(
                MilliSecondsSinceUnixEpoch::now(),
                RING_LIFETIME,
                kind,
            );
            ring.mentions = Some(Mentions::with_room_mention());
            ring.relates_to = Some(Reference::new(sent.event_id));
            // The call is on either way; a ring that does not go out is worth a log line.
            if let Err(error) = room.send(ring).await {
                tracing::warn!(%error, "the ring was not sent");
            }
        }
        Ok(CallMembership {
            room_id: room.room_id().to_string(),
            user_id: user_id.to_string(),
            device_id: device_id.to_string(),
            member_id,
        })
    }

    /// Leaves the call `membership` is of: the membership state event is emptied.
    pub async fn leave_call(&self, membership: &CallMembership) -> Result<(), RoomError> {
        let room = self.room(&membership.room_id)?;
        let user_id = matrix_sdk::ruma::UserId::parse(membership.user_id.as_str())
            .map_err(|_| RoomError::InvalidUser(membership.user_id.clone()))?;
        let key = CallMemberStateKey::new(user_id, Some(membership.member_id.clone()), true);
        room.send_state_event_for_key(&key, CallMemberEventContent::new_empty(None))
            .await
            .map_err(refused)?;
        Ok(())
    }

    /// Who is in the call of `room_id` now (each user once, oldest membership first).
    pub fn call_participants(&self, room_id: &str) -> Result<Vec<String>, RoomError> {
        let room = self.room(room_id)?;
        let mut users: Vec<String> = Vec::new();
        for user in room.active_room_call_participants() {
            let user = user.to_string();
            if !users.contains(&user) {
                users.push(user);
            }
        }
        Ok(users)
    }
}
