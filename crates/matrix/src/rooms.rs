//! Creating, joining, leaving rooms and inviting people.

use matrix_sdk::ruma::api::client::room::Visibility;
use matrix_sdk::ruma::api::client::room::create_room::v3::{Request as CreateRoom, RoomPreset};
use matrix_sdk::ruma::events::InitialStateEvent;
use matrix_sdk::ruma::events::room::encryption::RoomEncryptionEventContent;
use matrix_sdk::ruma::matrix_uri::MatrixId;
use matrix_sdk::ruma::{
    MatrixToUri, MatrixUri, OwnedRoomOrAliasId, OwnedServerName, OwnedUserId, RoomId,
    RoomOrAliasId, UserId,
};
use sparks_domain::{NewRoom, NewRoomKind};

use crate::RoomError;
use crate::error::details;

impl crate::Session {
    /// Creates a room and returns its id (for a direct chat with someone we already have one
    /// with, that one's). Direct chats and encrypted groups are encrypted from their first
    /// event.
    pub async fn create_room(&self, new: &NewRoom) -> Result<String, RoomError> {
        let client = &self.inner.client;
        let invite: Vec<OwnedUserId> = new
            .invite
            .iter()
            .map(|user| {
                UserId::parse(user.trim()).map_err(|_| RoomError::InvalidUser(user.clone()))
            })
            .collect::<Result<_, _>>()?;
        if new.kind == NewRoomKind::Direct {
            let [other] = invite.as_slice() else {
                return Err(RoomError::InvalidUser(new.invite.join(", ")));
            };
            // Writing to someone we already have a direct chat with opens that one.
            if let Some(room) = client.get_dm_room(other) {
                return Ok(room.room_id().to_string());
            }
            let room = client
                .create_dm(other)
                .await
                .map_err(|e| RoomError::Failed(details(&e)))?;
            return Ok(room.room_id().to_string());
        }
        let mut request = CreateRoom::new();
        request.name = Some(new.name.trim().to_owned()).filter(|name| !name.is_empty());
        request.topic = Some(new.topic.trim().to_owned()).filter(|topic| !topic.is_empty());
        request.invite = invite;
        if new.kind == NewRoomKind::Channel {
            request.preset = Some(RoomPreset::PublicChat);
            request.visibility = Visibility::Public;
        } else {
            request.preset = Some(RoomPreset::PrivateChat);
        }
        request.power_level_content_override = Some(call_power_levels());
        if new.encrypted {
            request.initial_state = vec![
                InitialStateEvent::with_empty_state_key(
                    RoomEncryptionEventContent::with_recommended_defaults(),
                )
                .to_raw_any(),
            ];
        }
        let room = client
            .create_room(request)
            .await
            .map_err(|e| RoomError::Failed(details(&e)))?;
        Ok(room.room_id().to_string())
    }

    /// Joins a room (or accepts an invitation) given as a room id (`!…`), an alias (`#…`), a
    /// `https://matrix.to/#/…` link or a `matrix:` URI. Returns the room id.
    pub async fn join(&self, target: &str) -> Result<String, RoomError> {
        let (room, via) = parse_target(target)?;
        let joined = self
            .inner
            .client
            .join_room_by_id_or_alias(&room, &via)
            .await
            .map_err(|e| RoomError::Failed(details(&e)))?;
        Ok(joined.room_id().to_string())
    }

    /// Leaves a room, or declines an invitation.
    pub async fn leave(&self, room_id: &str) -> Result<(), RoomError> {
        self.room(room_id)?
            .leave()
            .await
            .map_err(|e| RoomError::Failed(details(&e)))
    }

    /// Invites someone to a room.
    pub async fn invite(&self, room_id: &str, user_id: &str) -> Result<(), RoomError> {
        let user =
            UserId::parse(user_id.trim()).map_err(|_| RoomError::InvalidUser(user_id.into()))?;
        self.room(room_id)?
            .invite_user_by_id(&user)
            .await
            .map_err(|e| RoomError::Failed(details(&e)))
    }

    pub(crate) fn room(&self, room_id: &str) -> Result<matrix_sdk::Room, RoomError> {
        let id = RoomId::parse(room_id).map_err(|_| RoomError::InvalidId(room_id.to_owned()))?;
        self.inner
            .client
            .get_room(&id)
            .ok_or_else(|| RoomError::NotFound(room_id.to_owned()))
    }
}

/// The preset's power levels for events, and every member may join the room's call (as
/// Element creates rooms). Synapse replaces `events` whole, so the preset's entries are repeated.
fn call_power_levels() -> matrix_sdk::ruma::serde::Raw<
    matrix_sdk::ruma::api::client::room::create_room::RoomPowerLevelsContentOverride,
> {
    matrix_sdk::ruma::serde::Raw::new(&serde_json::json!({
        "events": {
            "m.room.name": 50,
            "m.room.avatar": 50,
            "m.room.topic": 50,
            "m.room.canonical_alias": 50,
            "m.room.power_levels": 100,
            "m.room.history_visibility": 100,
            "m.room.encryption": 100,
            "m.room.tombstone": 100,
            "m.room.server_acl": 100,
            "org.matrix.msc3401.call.member": 0,
        }
    }))
    .expect("a JSON object")
    .cast_unchecked()
}

/// A room id or alias and the servers to join it through.
fn parse_target(target: &str) -> Result<(OwnedRoomOrAliasId, Vec<OwnedServerName>), RoomError> {
    let target = target.trim();
    let invalid = || RoomError::InvalidTarget(target.to_owned());
    let from_id = |id: &MatrixId, via: &[OwnedServerName]| match id {
        MatrixId::Room(room) => Ok((room.clone().into(), via.to_vec())),
        MatrixId::RoomAlias(alias) => Ok((alias.clone().into(), via.to_vec())),
        MatrixId::Event(room, _) => Ok((room.clone(), via.to_vec())),
        _ => Err(invalid()),
    };
    if let Ok(uri) = MatrixToUri::parse(target) {
        return from_id(uri.id(), uri.via());
    }
    if let Ok(uri) = MatrixUri::parse(target) {
        return from_id(uri.id(), uri.via());
    }
    let id = RoomOrAliasId::parse(target).map_err(|_| invalid())?;
    // A room id alone does not say where to join through; its server is the best guess.
    let via = id
        .server_name()
        .map(ToOwned::to_owned)
        .into_iter()
        .collect();
    Ok((id, via))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_targets_are_ids_aliases_and_links() {
        let (id, via) = parse_target(" #lobby:example.org ").expect("alias");
        assert_eq!(id.as_str(), "#lobby:example.org");
        assert!(via.is_empty() || via[0].as_str() == "example.org");
        let (id, via) =
            parse_target("https://matrix.to/#/!abc:example.org?via=other.org").expect("link");
        assert_eq!(
            (id.as_str(), via[0].as_str()),
            ("!abc:example.org", "other.org")
        );
        let (id, _) = parse_target("matrix:r/lobby:example.org").expect("uri");
        assert_eq!(id.as_str(), "#lobby:example.org");
        for bad in [
            "lobby",
            "https://example.org/#/!abc:x",
            "@bob:example.org",
            "",
        ] {
            assert!(
                matches!(parse_target(bad), Err(RoomError::InvalidTarget(_))),
                "{bad}"
            );
        }
    }
}
