//! A room's own settings: name, topic, picture and encryption, and who may change them.

use std::path::PathBuf;

use futures_util::{Stream, StreamExt};
use matrix_sdk::media::{MediaFormat, MediaThumbnailSettings};
use matrix_sdk::ruma::UInt;
use matrix_sdk::ruma::api::error::ErrorKind;
use matrix_sdk::ruma::events::StateEventType;
use matrix_sdk::ruma::events::room::avatar::ImageInfo;
use sparks_domain::RoomDetails;

use crate::error::details;
use crate::{OpenRoom, RoomError};

/// Pictures are scaled down to fit this square before they are uploaded.
const AVATAR_SIDE: u32 = 512;
/// The size the app shows a room's picture at (twice that, for sharp edges on HiDPI screens).
const AVATAR_THUMBNAIL: u32 = 96;

impl OpenRoom {
    /// The room's settings now, then again whenever they change.
    pub fn details(&self) -> impl Stream<Item = RoomDetails> + Send + use<> {
        let room = self.timeline.room().clone();
        let own = self.own_user.clone();
        let changes = room.subscribe_info();
        futures_util::stream::once(async {})
            .chain(changes.map(|_| ()))
            .then(move |()| {
                let (room, own) = (room.clone(), own.clone());
                async move {
                    let levels = room.power_levels_or_default().await;
                    let may = |kind| levels.user_can_send_state(&own, kind);
                    let encrypted = room.encryption_state().is_encrypted();
                    RoomDetails {
                        name: room.name().unwrap_or_default(),
                        topic: room.topic().unwrap_or_default(),
                        avatar: room.avatar_url().map(|url| url.to_string()),
                        encrypted,
                        may_rename: may(StateEventType::RoomName),
                        may_set_topic: may(StateEventType::RoomTopic),
                        may_set_avatar: may(StateEventType::RoomAvatar),
                        may_encrypt: !encrypted && may(StateEventType::RoomEncryption),
                    }
                }
            })
    }

    /// The room's picture, small, as image file bytes; `None` when it has none.
    pub async fn avatar(&self) -> Result<Option<Vec<u8>>, RoomError> {
        let side = UInt::from(AVATAR_THUMBNAIL);
        self.timeline
            .room()
            .avatar(MediaFormat::Thumbnail(MediaThumbnailSettings::new(
                side, side,
            )))
            .await
            .map_err(|e| RoomError::Failed(details(&e)))
    }

    pub async fn rename(&self, name: &str) -> Result<(), RoomError> {
        let name = name.trim().to_owned();
        self.timeline
            .room()
            .set_name(name)
            .await
            .map(drop)
            .map_err(refused)
    }

    pub async fn set_topic(&self, topic: &str) -> Result<(), RoomError> {
        self.timeline
            .room()
            .set_room_topic(topic.trim())
            .await
            .map(drop)
            .map_err(refused)
    }

    /// Makes the picture at `path` the room's picture, scaled down to fit 512×512.
    pub async fn set_avatar(&self, path: PathBuf) -> Result<(), RoomError> {
        let (data, width, height) = tokio::task::spawn_blocking(move || avatar_from(&path))
            .await
            .map_err(|e| RoomError::Failed(e.to_string()))??;
        let mut info = ImageInfo::new();
        info.width = Some(UInt::from(width));
        info.height = Some(UInt::from(height));
        info.size = UInt::new(data.len() as u64);
        self.timeline
            .room()
            .upload_avatar(&mime_guess::mime::IMAGE_JPEG, data, Some(info))
            .await
            .map(drop)
            .map_err(refused)
    }

    pub async fn remove_avatar(&self) -> Result<(), RoomError> {
        self.timeline
            .room()
            .remove_avatar()
            .await
            .map(drop)
            .map_err(refused)
    }

    /// Turns on end-to-end encryption for everything sent from now on. It cannot be undone.
    pub async fn enable_encryption(&self) -> Result<(), RoomError> {
        self.timeline
            .room()
            .enable_encryption()
            .await
            .map_err(refused)
    }
}

/// A failed change: "not allowed" when the server says so.
pub(crate) fn refused(error: matrix_sdk::Error) -> RoomError {
    match error.client_api_error_kind() {
        Some(ErrorKind::Forbidden) => RoomError::NotAllowed,
        _ => RoomError::Failed(details(&error)),
    }
}

/// The picture at `path` as a JPEG that fits the avatar square, with its size.
fn avatar_from(path: &std::path::Path) -> Result<(Vec<u8>, u32, u32), RoomError> {
    let picture = crate::media::open_picture(path)?;
    let small = if picture.width() > AVATAR_SIDE || picture.height() > AVATAR_SIDE {
        picture.thumbnail(AVATAR_SIDE, AVATAR_SIDE)
    } else {
        picture
    }
    .into_rgb8();
    let mut data = Vec::new();
    small
        .write_to(
            &mut std::io::Cursor::new(&mut data),
            image::ImageFormat::Jpeg,
        )
        .map_err(|e| RoomError::File(e.to_string()))?;
    Ok((data, small.width(), small.height()))
}
