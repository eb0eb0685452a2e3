//! Sparks' Matrix backend: the only crate that touches matrix-sdk and matrix-sdk-ui.
//!
//! It signs people in (with `.well-known` discovery), keeps the session in the secret store with
//! the local SQLite store encrypted by a key that lives beside it in the secret store, runs
//! matrix-sdk-ui's [`SyncService`](matrix_sdk_ui::sync_service::SyncService), and streams the
//! room list to the app as [`sparks_domain::ListDiff`]s of [`sparks_domain::RoomSummary`].

// matrix-sdk-ui's timeline futures nest deeply; proving them `Send` needs a deeper query limit.
#![recursion_limit = "256"]

mod error;
mod html;
mod login;
mod media;
mod notifications;
mod room_list;
mod room_settings;
mod rooms;
mod rtc;
mod security;
mod session;
mod threads;
mod timeline;

pub use error::{LoginError, RestoreError};
pub use login::LoginRequest;
pub use media::Transfer;
pub use room_list::RoomListUpdate;
pub use rtc::CallMembership;
pub use security::{SecurityError, Verification};
pub use session::{LogoutOutcome, OpenIdError, OpenIdToken, Session};
pub use timeline::{OpenRoom, RoomError};
