//! Attachments: sending files with upload progress, thumbnails for inline images, and saving
//! files to disk with download progress. Encrypted rooms get encrypted attachments both ways.

use std::io::Read;
use std::path::{Path, PathBuf};

use futures_util::Stream;
use matrix_sdk::media::{MediaFormat, MediaRequestParameters, MediaThumbnailSettings};
use matrix_sdk::ruma::events::room::MediaSource;
use matrix_sdk::ruma::events::room::message::MessageType;
use matrix_sdk::ruma::{EventId, UInt};
use matrix_sdk_ui::timeline::{AttachmentConfig, AttachmentSource};

use crate::error::details;
use crate::{OpenRoom, RoomError};

/// Images larger than this are not fetched whole just to show them inline.
const MAX_INLINE_BYTES: u64 = 10 * 1024 * 1024;
/// The size Sparks asks the server to scale image thumbnails to.
const THUMBNAIL: (u32, u32) = (640, 480);

/// How a transfer is going.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transfer {
    /// Bytes done of the total (the total is 0 when nobody knows it).
    Progress { done: u64, total: u64 },
    /// Finished: for a download, the file it was saved to.
    Done(Result<Option<PathBuf>, RoomError>),
}

impl OpenRoom {
    /// Uploads the file at `path` and sends it (encrypted in encrypted rooms). Dropping the
    /// stream before it ends cancels the upload.
    pub fn send_file(&self, path: PathBuf) -> impl Stream<Item = Transfer> + Send + use<> {
        let timeline = self.timeline.clone();
        let room = timeline.room().clone();
        async_stream::stream! {
            let size = match tokio::fs::metadata(&path).await {
                Ok(meta) if meta.is_file() => meta.len(),
                Ok(_) => {
                    yield Transfer::Done(Err(RoomError::File(format!("{} is not a file", path.display()))));
                    return;
                }
                Err(error) => {
                    yield Transfer::Done(Err(RoomError::File(format!("{}: {error}", path.display()))));
                    return;
                }
            };
            if let Ok(limit) = room.client().load_or_fetch_max_upload_size().await {
                let limit = u64::from(limit);
                if size > limit {
                    yield Transfer::Done(Err(RoomError::TooLarge { size, limit }));
                    return;
                }
            }
            let mime = mime_guess::from_path(&path).first_or_octet_stream();
            let config = {
                let (path, mime) = (path.clone(), mime.clone());
                tokio::task::spawn_blocking(move || describe(&path, size, &mime))
                    .await
                    .unwrap_or_default()
            };
            let send = timeline.send_attachment(AttachmentSource::File(path.clone()), mime, config);
            let mut progress = send.subscribe_to_send_progress();
            let mut sending = std::pin::pin!(send.into_future());
            yield Transfer::Progress { done: 0, total: size };
            loop {
                tokio::select! {
                    result = &mut sending => {
                        yield Transfer::Done(
                            result.map(|()| None).map_err(|e| RoomError::Failed(details(&e))),
                        );
                        return;
                    }
                    Some(step) = progress.next() => {
                        yield Transfer::Progress {
                            done: step.current as u64,
                            total: step.total as u64,
                        };
                    }
                }
            }
        }
    }

    /// The bytes of a small picture for an image message: the sender's thumbnail, the server's
    /// scaled copy, or (encrypted images without a thumbnail) the image itself when not too big.
    pub async fn thumbnail(&self, event: &str) -> Result<Vec<u8>, RoomError> {
        let MessageType::Image(image) = self.message_type(event).await? else {
            return Err(RoomError::NoSuchMessage);
        };
        let info = image.info.as_deref();
        let request = match (info.and_then(|i| i.thumbnail_source.clone()), &image.source) {
            (Some(thumbnail), _) => MediaRequestParameters {
                source: thumbnail,
                format: MediaFormat::File,
            },
            (None, MediaSource::Plain(_)) => MediaRequestParameters {
                source: image.source.clone(),
                format: MediaFormat::Thumbnail(MediaThumbnailSettings::new(
                    UInt::from(THUMBNAIL.0),
                    UInt::from(THUMBNAIL.1),
                )),
            },
            (None, MediaSource::Encrypted(_)) => {
                // A sender that gives no size is bounded by the server's upload limit.
                let size = info.and_then(|i| i.size).map(u64::from).unwrap_or(0);
                if size > MAX_INLINE_BYTES {
                    return Err(RoomError::TooLarge {
                        size,
                        limit: MAX_INLINE_BYTES,
                    });
                }
                MediaRequestParameters {
                    source: image.source.clone(),
                    format: MediaFormat::File,
                }
            }
        };
        self.timeline
            .room()
            .client()
            .media()
            .get_media_content(&request, true)
            .await
            .map_err(|e| RoomError::Failed(details(&e)))
    }

    /// Downloads an attachment into `folder` (decrypting it in encrypted rooms) under its own
    /// name, made unique. Dropping the stream before it ends cancels the download and leaves
    /// nothing behind.
    pub fn save_attachment(
        &self,
        event: String,
        folder: PathBuf,
    ) -> impl Stream<Item = Transfer> + Send + use<> {
        let room = self.clone();
        async_stream::stream! {
            let message = match room.message_type(&event).await {
                Ok(message) => message,
                Err(error) => {
                    yield Transfer::Done(Err(error));
                    return;
                }
            };
            let Some((source, name, size)) = attachment_of(&message) else {
                yield Transfer::Done(Err(RoomError::NoSuchMessage));
                return;
            };
            let client = room.timeline.room().client();
            let (uri, encryption) = match source {
                MediaSource::Plain(uri) => (uri, None),
                MediaSource::Encrypted(file) => (file.url.clone(), Some(*file)),
            };
            let response = match download(&client, &uri).await {
                Ok(response) => response,
                Err(error) => {
                    yield Transfer::Done(Err(error));
                    return;
                }
            };
            let total = response.content_length().or(size).unwrap_or(0);
            let mut response = response;
            let mut data = Vec::with_capacity(usize::try_from(total.min(64 << 20)).unwrap_or(0));
            yield Transfer::Progress { done: 0, total };
            loop {
                match response.chunk().await {
                    Ok(Some(chunk)) => {
                        data.extend_from_slice(&chunk);
                        yield Transfer::Progress { done: data.len() as u64, total };
                    }
                    Ok(None) => break,
                    Err(error) => {
                        yield Transfer::Done(Err(RoomError::Failed(details(&error))));
                        return;
                    }
                }
            }
            let data = match encryption {
                None => data,
                Some(file) => match decrypt(data, file) {
                    Ok(plain) => plain,
                    Err(error) => {
                        yield Transfer::Done(Err(error));
                        return;
                    }
                },
            };
            let saved = write_unique(&folder, &name, data).await;
            yield Transfer::Done(saved.map(Some));
        }
    }

    async fn message_type(&self, event: &str) -> Result<MessageType, RoomError> {
        let id = EventId::parse(event).map_err(|_| RoomError::NoSuchMessage)?;
        let item = self
            .timeline
            .item_by_event_id(&id)
            .await
            .ok_or(RoomError::NoSuchMessage)?;
        let message = item
            .content()
            .as_message()
            .ok_or(RoomError::NoSuchMessage)?;
        Ok(message.msgtype().clone())
    }
}

/// What receivers learn about a file before they download it: its size, and for pictures their
/// dimensions and a thumbnail (so encrypted rooms, where the server cannot scale, still show a
/// small picture without fetching a big one).
fn describe(path: &Path, size: u64, mime: &mime_guess::mime::Mime) -> AttachmentConfig {
    use matrix_sdk::attachment::{
        AttachmentInfo, BaseAudioInfo, BaseFileInfo, BaseImageInfo, BaseVideoInfo,
    };
    let size_uint = UInt::new(size);
    let info = match mime.type_() {
        mime_guess::mime::IMAGE => {
            let (width, height) = image::ImageReader::open(path)
                .and_then(|r| r.with_guessed_format())
                .ok()
                .and_then(|r| r.into_dimensions().ok())
                .map_or((None, None), |(w, h)| {
                    (Some(UInt::from(w)), Some(UInt::from(h)))
                });
            AttachmentInfo::Image(BaseImageInfo {
                width,
                height,
                size: size_uint,
                ..BaseImageInfo::default()
            })
        }
        mime_guess::mime::VIDEO => AttachmentInfo::Video(BaseVideoInfo {
            size: size_uint,
            ..BaseVideoInfo::default()
        }),
        mime_guess::mime::AUDIO => AttachmentInfo::Audio(BaseAudioInfo {
            size: size_uint,
            ..BaseAudioInfo::default()
        }),
        _ => AttachmentInfo::File(BaseFileInfo { size: size_uint }),
    };
    let thumbnail = (mime.type_() == mime_guess::mime::IMAGE)
        .then(|| make_thumbnail(path))
        .flatten();
    AttachmentConfig {
        info: Some(info),
        thumbnail,
        ..AttachmentConfig::default()
    }
}

/// A JPEG of at most 800×600 for a picture bigger than that; `None` for small or unreadable
/// pictures (receivers then show the picture itself).
fn make_thumbnail(path: &Path) -> Option<matrix_sdk::attachment::Thumbnail> {
    const MAX: (u32, u32) = (800, 600);
    let picture = open_picture(path).ok()?;
    if picture.width() <= MAX.0 && picture.height() <= MAX.1 {
        return None;
    }
    let small = picture.thumbnail(MAX.0, MAX.1).into_rgb8();
    let mut data = Vec::new();
    small
        .write_to(
            &mut std::io::Cursor::new(&mut data),
            image::ImageFormat::Jpeg,
        )
        .ok()?;
    Some(matrix_sdk::attachment::Thumbnail {
        size: UInt::new(data.len() as u64)?,
        width: UInt::from(small.width()),
        height: UInt::from(small.height()),
        content_type: mime_guess::mime::IMAGE_JPEG,
        data,
    })
}

/// Decodes the picture at `path`, refusing ones too large to hold in memory.
pub(crate) fn open_picture(path: &Path) -> Result<image::DynamicImage, RoomError> {
    let unreadable =
        |e: &dyn std::fmt::Display| RoomError::File(format!("{}: {e}", path.display()));
    let mut reader = image::ImageReader::open(path)
        .map_err(|e| unreadable(&e))?
        .with_guessed_format()
        .map_err(|e| unreadable(&e))?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(16_384);
    limits.max_image_height = Some(16_384);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    reader.decode().map_err(|e| unreadable(&e))
}

/// The media, file name and size of an attachment message.
fn attachment_of(message: &MessageType) -> Option<(MediaSource, String, Option<u64>)> {
    let size = |size: Option<UInt>| size.map(u64::from);
    Some(match message {
        MessageType::Image(c) => (
            c.source.clone(),
            c.filename().to_owned(),
            size(c.info.as_ref().and_then(|i| i.size)),
        ),
        MessageType::Video(c) => (
            c.source.clone(),
            c.filename().to_owned(),
            size(c.info.as_ref().and_then(|i| i.size)),
        ),
        MessageType::Audio(c) => (
            c.source.clone(),
            c.filename().to_owned(),
            size(c.info.as_ref().and_then(|i| i.size)),
        ),
        MessageType::File(c) => (
            c.source.clone(),
            c.filename().to_owned(),
            size(c.info.as_ref().and_then(|i| i.size)),
        ),
        _ => return None,
    })
}

/// Starts downloading `uri` from the homeserver: the authenticated media API, or the older
/// public one on servers that do not have it yet.
async fn download(
    client: &matrix_sdk::Client,
    uri: &matrix_sdk::ruma::MxcUri,
) -> Result<reqwest::Response, RoomError> {
    let (server, media) = uri
        .parts()
        .map_err(|_| RoomError::Failed(format!("`{uri}` is not a media address")))?;
    let token = client.access_token().unwrap_or_default();
    let http = reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(30))
        .build()
        .map_err(|e| RoomError::Failed(details(&e)))?;
    let base = client.homeserver();
    let mut last = None;
    for path in [
        format!("_matrix/client/v1/media/download/{server}/{media}"),
        format!("_matrix/media/v3/download/{server}/{media}"),
    ] {
        let url = base
            .join(&path)
            .map_err(|e| RoomError::Failed(e.to_string()))?;
        let response = http
            .get(url)
            .bearer_auth(&token)
            .send()
            .await
            .map_err(|e| RoomError::Failed(details(&e)))?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        last = Some(status);
        if status != reqwest::StatusCode::NOT_FOUND {
            break;
        }
    }
    Err(RoomError::Failed(format!(
        "the server answered {}",
        last.map(|s| s.to_string()).unwrap_or_default()
    )))
}

fn decrypt(
    data: Vec<u8>,
    file: matrix_sdk::ruma::events::room::EncryptedFile,
) -> Result<Vec<u8>, RoomError> {
    let mut cursor = std::io::Cursor::new(data);
    let mut decryptor = matrix_sdk_crypto::AttachmentDecryptor::new(&mut cursor, file.into())
        .map_err(|e| RoomError::Failed(details(&e)))?;
    let mut plain = Vec::new();
    decryptor
        .read_to_end(&mut plain)
        .map_err(|e| RoomError::Failed(format!("the file does not decrypt: {e}")))?;
    Ok(plain)
}

/// Writes `data` into `folder` as `name` (only its last part, never hidden), or `name (2)` and
/// so on when taken. Written to a temporary name first, so a full disk leaves no half file.
async fn write_unique(folder: &Path, name: &str, data: Vec<u8>) -> Result<PathBuf, RoomError> {
    let file_error = |e: std::io::Error| RoomError::File(format!("{}: {e}", folder.display()));
    tokio::fs::create_dir_all(folder)
        .await
        .map_err(file_error)?;
    let name = safe_name(name);
    let (stem, extension) = match name.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() => (stem.to_owned(), format!(".{extension}")),
        _ => (name.clone(), String::new()),
    };
    let partial = folder.join(format!(".{name}.part"));
    if let Err(error) = tokio::fs::write(&partial, &data).await {
        let _ = tokio::fs::remove_file(&partial).await;
        return Err(file_error(error));
    }
    for n in 1..1000 {
        let candidate = if n == 1 {
            folder.join(&name)
        } else {
            folder.join(format!("{stem} ({n}){extension}"))
        };
        // Hard-linking fails when the name is taken, so two saves never overwrite each other.
        match tokio::fs::hard_link(&partial, &candidate).await {
            Ok(()) => {
                let _ = tokio::fs::remove_file(&partial).await;
                return Ok(candidate);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(_) => {
                // Some file systems have no hard links: fall back to a checked rename.
                if tokio::fs::try_exists(&candidate).await.unwrap_or(true) {
                    continue;
                }
                return match tokio::fs::rename(&partial, &candidate).await {
                    Ok(()) => Ok(candidate),
                    Err(error) => {
                        let _ = tokio::fs::remove_file(&partial).await;
                        Err(file_error(error))
                    }
                };
            }
        }
    }
    let _ = tokio::fs::remove_file(&partial).await;
    Err(RoomError::File(format!(
        "too many files called {name} in {}",
        folder.display()
    )))
}

/// A file name from someone else that is safe to create: no folders, not hidden, not empty.
fn safe_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && *c != ':')
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    if cleaned.is_empty() {
        "attachment".to_owned()
    } else {
        cleaned.chars().take(200).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::safe_name;

    #[test]
    fn names_from_others_cannot_escape_the_folder() {
        assert_eq!(safe_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_name("..\\..\\boot.ini"), "boot.ini");
        assert_eq!(safe_name(".bashrc"), "bashrc");
        assert_eq!(safe_name(""), "attachment");
        assert_eq!(safe_name("../"), "attachment");
        assert_eq!(safe_name("a\u{0}b\nc.txt"), "abc.txt");
        assert_eq!(safe_name("report.pdf"), "report.pdf");
        assert_eq!(safe_name(&"x".repeat(500)).len(), 200);
    }
}
