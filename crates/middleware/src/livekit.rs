//! LiveKit: the room and identity names Element's lk-jwt-service derives (as its v0.5.0 release
//! does, so Element Call and Sparks land in the same LiveKit room), join tokens, and creating
//! rooms through LiveKit's RoomService API (empty rooms close after 5 minutes, 20 seconds after
//! the last person leaves, as lk-jwt-service sets them).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine;
use livekit_api::access_token::{AccessToken, VideoGrants};
use sha2::{Digest, Sha256};

use crate::config::LiveKit;

/// How long a join token is valid (as lk-jwt-service).
const TOKEN_TTL: Duration = Duration::from_secs(60 * 60);
/// A LiveKit room with nobody in it closes after this long…
const EMPTY_TIMEOUT_SECS: u32 = 5 * 60;
/// …and this long after the last person left.
const DEPARTURE_TIMEOUT_SECS: u32 = 20;
/// A room created this recently still exists: nobody can have left it for longer than the
/// departure timeout yet.
const KNOWN_FOR: Duration = Duration::from_secs(DEPARTURE_TIMEOUT_SECS as u64 / 2);
/// The MatrixRTC slot of a room's one call, which the legacy endpoint stands for.
const LEGACY_SLOT: &str = "m.call#ROOM";

#[derive(Debug, thiserror::Error)]
pub enum LiveKitError {
    #[error("the LiveKit token cannot be made: {0}")]
    Token(String),
    #[error("LiveKit did not create the room: {0}")]
    CreateRoom(String),
}

/// SHA-256 of a JSON array of strings, written as Go's `encoding/json` writes it (`<`, `>`,
/// `&`, U+2028 and U+2029 escaped), in unpadded standard base64: MSC4195's derivation, which
/// lk-jwt-service implements.
fn hashed_strings(parts: &[&str]) -> String {
    let json = serde_json::to_string(parts).unwrap_or_default();
    let mut go = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                go.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => go.push(c),
        }
    }
    base64::engine::general_purpose::STANDARD_NO_PAD.encode(Sha256::digest(go.as_bytes()))
}

/// The LiveKit room for a Matrix room's MatrixRTC slot.
pub fn room_alias(room_id: &str, slot_id: &str) -> String {
    hashed_strings(&[room_id, slot_id])
}

/// The LiveKit participant for one MatrixRTC membership.
pub fn identity(user_id: &str, device_id: &str, member_id: &str) -> String {
    hashed_strings(&[user_id, device_id, member_id])
}

/// The legacy endpoint's room: the room's one call.
pub fn legacy_room(room_id: &str) -> String {
    room_alias(room_id, LEGACY_SLOT)
}

/// The legacy endpoint's participant: `@user:server:DEVICE`.
pub fn legacy_identity(user_id: &str, device_id: &str) -> String {
    format!("{user_id}:{device_id}")
}

/// A token to join `room` as `identity` (named after the Matrix user), publishing and
/// subscribing.
pub fn join_token(
    livekit: &LiveKit,
    room: &str,
    identity: &str,
    user_id: &str,
) -> Result<String, LiveKitError> {
    AccessToken::with_api_key(&livekit.api_key, livekit.api_secret.expose())
        .with_identity(identity)
        .with_name(user_id)
        .with_ttl(TOKEN_TTL)
        .with_grants(VideoGrants {
            room_join: true,
            room: room.to_owned(),
            can_publish: Some(true),
            can_subscribe: Some(true),
            can_publish_data: Some(true),
            can_update_own_metadata: Some(true),
            ..VideoGrants::default()
        })
        .to_jwt()
        .map_err(|e| LiveKitError::Token(e.to_string()))
}

/// Creates LiveKit rooms through the RoomService API (Twirp over HTTP, JSON).
pub struct Rooms {
    http: reqwest::Client,
    /// Rooms created lately, by SFU and name, and when.
    created: Mutex<HashMap<(String, String), Instant>>,
}

impl Default for Rooms {
    fn default() -> Self {
        Rooms::new()
    }
}

impl Rooms {
    pub fn new() -> Rooms {
        Rooms {
            http: crate::outbound::client(),
            created: Mutex::new(HashMap::new()),
        }
    }

    /// Makes sure `room` exists (creating an existing room is harmless in LiveKit). A room
    /// created less than [`KNOWN_FOR`] ago is not created again: it cannot have closed yet.
    pub async fn ensure_room(&self, livekit: &LiveKit, room: &str) -> Result<(), LiveKitError> {
        let key = (livekit.url.to_string(), room.to_owned());
        let now = Instant::now();
        if let Ok(created) = self.created.lock()
            && created.get(&key).is_some_and(|at| now - *at < KNOWN_FOR)
        {
            return Ok(());
        }
        self.create(livekit, room).await?;
        if let Ok(mut created) = self.created.lock() {
            if created.len() > 10_000 {
                created.retain(|_, at| now - *at < KNOWN_FOR);
            }
            created.insert(key, now);
        }
        Ok(())
    }

    async fn create(&self, livekit: &LiveKit, room: &str) -> Result<(), LiveKitError> {
        let admin = AccessToken::with_api_key(&livekit.api_key, livekit.api_secret.expose())
            .with_ttl(Duration::from_secs(60))
            .with_grants(VideoGrants {
                room_create: true,
                ..VideoGrants::default()
            })
            .to_jwt()
            .map_err(|e| LiveKitError::Token(e.to_string()))?;
        let mut url = livekit.api_url();
        url.set_path("/twirp/livekit.RoomService/CreateRoom");
        let response = self
            .http
            .post(url)
            .bearer_auth(admin)
            .json(&serde_json::json!({
                "name": room,
                "empty_timeout": EMPTY_TIMEOUT_SECS,
                "departure_timeout": DEPARTURE_TIMEOUT_SECS,
            }))
            .send()
            .await
            .map_err(|e| LiveKitError::CreateRoom(e.without_url().to_string()))?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(LiveKitError::CreateRoom(format!(
                "HTTP {}",
                response.status()
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_msc4195s_test_vectors() {
        // The vectors of MSC4195's appendix, which lk-jwt-service's helper_test.go checks too.
        assert_eq!(
            room_alias("!roomid:example.com", "slot1234"),
            "O8437W3+jmzMVjoIP3tNwbm+XxHQk2iKpOA7aqw3qSc"
        );
        assert_eq!(
            identity("@alice:example.com", "DEVICE123", "memberABC"),
            "J+T45tGruxc+HrUOqJJlyQSV33m728Cme4+vt8/SWrU"
        );
        assert_eq!(
            legacy_room("!room:example.org"),
            room_alias("!room:example.org", "m.call#ROOM")
        );
        assert_eq!(
            legacy_identity("@a:example.org", "DEV"),
            "@a:example.org:DEV"
        );
    }

    #[test]
    fn strings_are_escaped_as_go_escapes_them() {
        // Go's json.Marshal([]string{"a<b>&c", "\u2028"}) is ["a\u003cb\u003e\u0026c","\u2028"].
        let go = r#"["a\u003cb\u003e\u0026c","\u2028"]"#;
        let expected =
            base64::engine::general_purpose::STANDARD_NO_PAD.encode(Sha256::digest(go.as_bytes()));
        assert_eq!(room_alias("a<b>&c", "\u{2028}"), expected);
        assert_ne!(room_alias("a|b", "c"), room_alias("a", "b|c"));
    }
}
