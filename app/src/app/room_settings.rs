//! Changes to the open room's settings, and its picture.

use iced::Task;

use super::{Message, Screen, Sparks};
use crate::errors;
use crate::screen::room::{self, Change};

/// Room pictures are drawn at up to 64 logical pixels; this keeps them sharp at 2x.
const PICTURE_SIDE: u32 = 128;

impl Sparks {
    pub(super) fn update_room_settings(&mut self, message: Message) -> Task<Message> {
        let Screen::Home { home, room, .. } = &mut self.screen else {
            return Task::none();
        };
        match message {
            Message::RoomPictureChosen(room_id, Some(path)) => {
                if let Some(open) = room.clone().filter(|r| r.id() == room_id) {
                    return Task::perform(async move { open.set_avatar(path).await }, move |r| {
                        Message::RoomChanged(room_id.clone(), r)
                    });
                }
            }
            // The picker was closed without a choice.
            Message::RoomPictureChosen(room_id, None) => {
                if let Some(view) = home.room_mut(&room_id) {
                    view.settings_done(None);
                }
            }
            Message::RoomPicture(room_id, picture) => {
                if let Some(view) = home.room_mut(&room_id) {
                    view.set_picture(picture);
                }
            }
            Message::RoomChanged(room_id, result) => {
                if let Some(view) = home.room_mut(&room_id) {
                    view.settings_done(result.err().map(|e| errors::room_action(&self.i18n, &e)));
                }
            }
            _ => {}
        }
        Task::none()
    }

    pub(super) fn change_room_settings(&mut self, change: Change) -> Task<Message> {
        let Screen::Home {
            room: Some(open), ..
        } = &self.screen
        else {
            return Task::none();
        };
        let (open, room_id) = (open.clone(), open.id().to_owned());
        let done = move |result| Message::RoomChanged(room_id.clone(), result);
        match change {
            Change::Describe { name, topic } => Task::perform(
                async move {
                    if let Some(name) = name {
                        open.rename(&name).await?;
                    }
                    if let Some(topic) = topic {
                        open.set_topic(&topic).await?;
                    }
                    Ok(())
                },
                done,
            ),
            Change::PickPicture => {
                let title = self.i18n.tr("room-settings-picture");
                let room_id = open.id().to_owned();
                Task::perform(
                    async move {
                        rfd::AsyncFileDialog::new()
                            .set_title(title)
                            .add_filter("image", &["png", "jpg", "jpeg", "gif", "webp"])
                            .pick_file()
                            .await
                            .map(|file| file.path().to_path_buf())
                    },
                    move |path| Message::RoomPictureChosen(room_id.clone(), path),
                )
            }
            Change::RemovePicture => Task::perform(async move { open.remove_avatar().await }, done),
            Change::Encrypt => Task::perform(async move { open.enable_encryption().await }, done),
        }
    }

    /// Fetches the open room's picture, decoded off the UI thread.
    pub(super) fn fetch_room_picture(&self, room_id: String) -> Task<Message> {
        let Screen::Home {
            room: Some(open), ..
        } = &self.screen
        else {
            return Task::none();
        };
        if open.id() != room_id {
            return Task::none();
        }
        let open = open.clone();
        Task::future(async move {
            let picture = match open.avatar().await {
                Ok(Some(bytes)) => {
                    tokio::task::spawn_blocking(move || room::decode_round(&bytes, PICTURE_SIDE))
                        .await
                        .ok()
                        .flatten()
                }
                Ok(None) => None,
                Err(error) => {
                    tracing::debug!(%error, "no room picture");
                    None
                }
            };
            Message::RoomPicture(room_id, picture)
        })
    }
}
