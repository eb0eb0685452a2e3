//! Files on their way: uploads, saving attachments, and thumbnails for pictures.

use iced::Task;
use sparks_matrix::Transfer;

use super::streams::{Job, JobId, JobKind};
use super::{Message, Screen, Sparks};
use crate::errors;
use crate::screen::room;

impl Sparks {
    pub(super) fn update_media(&mut self, message: Message) -> Task<Message> {
        match message {
            Message::SendFiles(paths) => {
                if let Screen::Home {
                    home,
                    room: Some(open),
                    transfers,
                    ..
                } = &mut self.screen
                    && let Some(view) = home.room_mut(open.id())
                {
                    for path in paths {
                        self.next_upload += 1;
                        let id = self.next_upload;
                        let name = path
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_else(|| path.display().to_string());
                        view.upload_started(id, name);
                        transfers.push(Job {
                            id: JobId::Upload(id),
                            room: open.clone(),
                            kind: JobKind::Upload(path),
                        });
                    }
                }
            }
            Message::Transfer(room_id, job, transfer) => {
                let Screen::Home {
                    home, transfers, ..
                } = &mut self.screen
                else {
                    return Task::none();
                };
                if let Transfer::Done(_) = &transfer {
                    transfers.retain(|j| !(j.id == job && j.room.id() == room_id));
                }
                let Some(view) = home.room_mut(&room_id) else {
                    return Task::none();
                };
                use room::Download;
                match (job, transfer) {
                    (JobId::Upload(id), Transfer::Progress { done, total }) => {
                        view.upload_progress(id, done, total);
                    }
                    (JobId::Upload(id), Transfer::Done(result)) => {
                        let problem = result.err().map(|e| errors::room_action(&self.i18n, &e));
                        view.upload_finished(id, problem);
                    }
                    (JobId::Save(event), Transfer::Progress { done, total }) => {
                        view.set_download(event, Some(Download::Running { done, total }));
                    }
                    (JobId::Save(event), Transfer::Done(result)) => {
                        let state = match result {
                            Ok(Some(path)) => Download::Saved(path),
                            Ok(None) => Download::Failed(String::new()),
                            Err(e) => Download::Failed(errors::room_action(&self.i18n, &e)),
                        };
                        view.set_download(event, Some(state));
                    }
                }
            }
            Message::Thumbnail(room_id, event, thumbnail) => {
                if let Screen::Home { home, .. } = &mut self.screen
                    && let Some(view) = home.room_mut(&room_id)
                {
                    view.set_thumbnail(event, thumbnail);
                }
            }
            _ => {}
        }
        Task::none()
    }

    pub(super) fn media_action(&mut self, action: room::Action) -> Task<Message> {
        let Screen::Home {
            room, transfers, ..
        } = &mut self.screen
        else {
            return Task::none();
        };
        match action {
            room::Action::PickFile => {
                let title = self.i18n.tr("media-pick-title");
                return Task::perform(
                    async move {
                        rfd::AsyncFileDialog::new()
                            .set_title(title)
                            .pick_files()
                            .await
                            .unwrap_or_default()
                            .into_iter()
                            .map(|file| file.path().to_path_buf())
                            .collect()
                    },
                    Message::SendFiles,
                );
            }
            room::Action::Save(event) => {
                if let Some(open) = room.clone() {
                    let id = JobId::Save(event);
                    if !transfers
                        .iter()
                        .any(|j| j.id == id && j.room.id() == open.id())
                    {
                        transfers.push(Job {
                            id,
                            room: open,
                            kind: JobKind::Save(self.paths.downloads_dir()),
                        });
                    }
                }
            }
            room::Action::CancelDownload(event) => {
                let id = JobId::Save(event);
                transfers.retain(|j| j.id != id);
            }
            room::Action::CancelUpload(upload) => {
                let id = JobId::Upload(upload);
                transfers.retain(|j| j.id != id);
            }
            room::Action::ShowFile(path) => {
                // The folder, not the file: opening a file someone sent could run it.
                if let Some(folder) = path.parent()
                    && let Err(error) = open::that_detached(folder)
                {
                    tracing::error!(%error, "could not show the folder");
                }
            }

            _ => {}
        }
        Task::none()
    }

    /// Fetches and decodes the thumbnails of these pictures in the open room.
    pub(super) fn thumbnails(&self, room_id: String, events: Vec<String>) -> Task<Message> {
        let Screen::Home { room, .. } = &self.screen else {
            return Task::none();
        };
        let Some(open) = room.clone().filter(|r| r.id() == room_id) else {
            return Task::none();
        };
        Task::batch(events.into_iter().map(|event| {
            let open = open.clone();
            let room_id = room_id.clone();
            Task::future(async move {
                let thumbnail = match open.thumbnail(&event).await {
                    Ok(bytes) => tokio::task::spawn_blocking(move || room::decode_picture(&bytes))
                        .await
                        .unwrap_or(room::Thumbnail::Unavailable),
                    Err(error) => {
                        tracing::debug!(%error, "no thumbnail");
                        room::Thumbnail::Unavailable
                    }
                };
                Message::Thumbnail(room_id, event, thumbnail)
            })
        }))
    }
}
