//! Attachments in a room: inline thumbnails, saving to disk, and uploads on their way, each
//! with progress and a way to cancel.

use std::collections::HashMap;
use std::path::PathBuf;

use iced::widget::{Column, button, column, container, image, progress_bar, row, text};
use iced::{Alignment, Length};
use sparks_domain::AttachmentKind;
use sparks_i18n::I18n;

use super::Message;
use crate::theme::{self, size, space};
use crate::widget::Element;

/// Inline images are drawn at most this wide and high.
const MAX_INLINE: (f32, f32) = (360.0, 270.0);
/// Pictures are scaled down to this before they are kept, whatever the server sent.
const DECODED_MAX: u32 = 720;

#[derive(Debug, Clone)]
pub enum Thumbnail {
    Loading,
    Ready(image::Handle, (u32, u32)),
    /// Not shown inline (too big, broken, or not an image after all); the file card stays.
    Unavailable,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Download {
    Running { done: u64, total: u64 },
    Saved(PathBuf),
    Failed(String),
}

#[derive(Debug, Clone)]
pub struct Upload {
    pub id: u64,
    pub name: String,
    pub done: u64,
    pub total: u64,
    pub problem: Option<String>,
}

/// What the room knows about its attachments beyond the timeline.
#[derive(Debug, Default)]
pub struct Media {
    thumbnails: HashMap<String, Thumbnail>,
    downloads: HashMap<String, Download>,
    uploads: Vec<Upload>,
}

impl Media {
    /// Marks `event`'s thumbnail as wanted; `true` the first time, when it should be fetched.
    pub fn want_thumbnail(&mut self, event: &str) -> bool {
        if self.thumbnails.contains_key(event) || !event.starts_with('$') {
            return false;
        }
        self.thumbnails.insert(event.to_owned(), Thumbnail::Loading);
        true
    }

    pub fn set_thumbnail(&mut self, event: String, thumbnail: Thumbnail) {
        self.thumbnails.insert(event, thumbnail);
    }

    pub fn download(&self, event: &str) -> Option<&Download> {
        self.downloads.get(event)
    }

    pub fn set_download(&mut self, event: String, download: Option<Download>) {
        match download {
            Some(download) => self.downloads.insert(event, download),
            None => self.downloads.remove(&event),
        };
    }

    pub fn upload_started(&mut self, id: u64, name: String) {
        self.uploads.push(Upload {
            id,
            name,
            done: 0,
            total: 0,
            problem: None,
        });
    }

    pub fn upload_progress(&mut self, id: u64, done: u64, total: u64) {
        if let Some(upload) = self.uploads.iter_mut().find(|u| u.id == id) {
            upload.done = done;
            upload.total = total;
        }
    }

    /// The upload ended: gone when sent or cancelled, kept with its problem when it failed.
    pub fn upload_finished(&mut self, id: u64, problem: Option<String>) {
        match problem {
            Some(problem) => {
                if let Some(upload) = self.uploads.iter_mut().find(|u| u.id == id) {
                    upload.problem = Some(problem);
                }
            }
            None => self.uploads.retain(|u| u.id != id),
        }
    }

    /// Uploads on their way, above the composer.
    pub fn uploads_view<'a>(&'a self, i18n: &I18n) -> Option<Element<'a, Message>> {
        if self.uploads.is_empty() {
            return None;
        }
        let mut list = Column::new().spacing(space::S);
        for upload in &self.uploads {
            let line: Element<'a, Message> = match &upload.problem {
                Some(problem) => row![
                    text(i18n.tr_args(
                        "media-upload-failed",
                        [
                            ("name", upload.name.as_str().into()),
                            ("details", problem.as_str().into())
                        ]
                    ))
                    .size(size::SMALL)
                    .style(theme::text::danger)
                    .width(Length::Fill),
                    small_button(i18n.tr("media-dismiss"), Message::CancelUpload(upload.id)),
                ]
                .spacing(space::S)
                .align_y(Alignment::Center)
                .into(),
                None => row![
                    column![
                        text(i18n.tr_args(
                            "media-uploading",
                            [
                                ("name", upload.name.as_str().into()),
                                ("percent", percent(upload.done, upload.total).into())
                            ]
                        ))
                        .size(size::SMALL),
                        bar(upload.done, upload.total),
                    ]
                    .spacing(space::XS)
                    .width(Length::Fill),
                    small_button(i18n.tr("media-cancel"), Message::CancelUpload(upload.id)),
                ]
                .spacing(space::M)
                .align_y(Alignment::Center)
                .into(),
            };
            list = list.push(line);
        }
        Some(list.into())
    }

    /// An attachment in the timeline: the picture when there is one, and the file card.
    pub fn attachment<'a>(
        &'a self,
        event: &'a str,
        kind: AttachmentKind,
        name: &'a str,
        file_size: Option<u64>,
        i18n: &I18n,
    ) -> Element<'a, Message> {
        let mut content = Column::new().spacing(space::XS);
        if let Some(Thumbnail::Ready(handle, (width, height))) = self.thumbnails.get(event) {
            let (w, h) = fit(*width as f32, *height as f32);
            content = content.push(
                button(image(handle.clone()).width(w).height(h))
                    .padding(0)
                    .style(theme::button::quiet)
                    .on_press(Message::Save(event.to_owned())),
            );
        }
        let kind_key = match kind {
            AttachmentKind::Image => "media-kind-image",
            AttachmentKind::Video => "media-kind-video",
            AttachmentKind::Audio => "media-kind-audio",
            AttachmentKind::File => "media-kind-file",
        };
        let mut facts = i18n.tr(kind_key);
        if let Some(bytes) = file_size {
            facts = format!("{facts} · {}", human_size(bytes));
        }
        let mut card = column![
            text(name).size(size::BODY).font(theme::SEMIBOLD),
            text(facts).size(size::SMALL).style(theme::text::muted),
        ]
        .spacing(2);
        let action: Element<'a, Message> = match self.downloads.get(event) {
            None => small_button(i18n.tr("media-save"), Message::Save(event.to_owned())),
            Some(Download::Running { done, total }) => row![
                column![
                    text(i18n.tr_args(
                        "media-downloading",
                        [("percent", percent(*done, *total).into())]
                    ))
                    .size(size::SMALL),
                    bar(*done, *total)
                ]
                .spacing(space::XS)
                .width(Length::Fixed(180.0)),
                small_button(
                    i18n.tr("media-cancel"),
                    Message::CancelDownload(event.to_owned())
                ),
            ]
            .spacing(space::S)
            .align_y(Alignment::Center)
            .into(),
            Some(Download::Saved(path)) => row![
                text(i18n.tr_args("media-saved", [("path", path.display().to_string().into())]))
                    .size(size::SMALL)
                    .style(theme::text::muted),
                small_button(i18n.tr("media-show"), Message::ShowFile(path.clone())),
            ]
            .spacing(space::S)
            .align_y(Alignment::Center)
            .into(),
            Some(Download::Failed(problem)) => row![
                text(i18n.tr_args("media-save-failed", [("details", problem.as_str().into())]))
                    .size(size::SMALL)
                    .style(theme::text::danger),
                small_button(i18n.tr("media-retry"), Message::Save(event.to_owned())),
            ]
            .spacing(space::S)
            .align_y(Alignment::Center)
            .into(),
        };
        card = card.push(action);
        content = content.push(
            container(card)
                .padding([space::S, space::M])
                .style(theme::container::card),
        );
        content.into()
    }
}

fn small_button<'a>(label: String, message: Message) -> Element<'a, Message> {
    button(text(label).size(size::SMALL))
        .padding([2.0, space::S])
        .style(theme::button::secondary)
        .on_press(message)
        .into()
}

fn bar<'a>(done: u64, total: u64) -> Element<'a, Message> {
    let value = if total == 0 {
        0.0
    } else {
        (done as f32 / total as f32).clamp(0.0, 1.0)
    };
    progress_bar(0.0..=1.0, value).girth(4.0).into()
}

fn percent(done: u64, total: u64) -> String {
    if total == 0 {
        return "…".into();
    }
    format!("{}", (done.min(total) * 100) / total)
}

/// The size an image of `width`×`height` is drawn at: shrunk to fit, never enlarged.
fn fit(width: f32, height: f32) -> (f32, f32) {
    if width <= 0.0 || height <= 0.0 {
        return MAX_INLINE;
    }
    let scale = (MAX_INLINE.0 / width).min(MAX_INLINE.1 / height).min(1.0);
    (width * scale, height * scale)
}

/// `1.5 MB`, `340 kB`, `12 bytes`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["kB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if value < 10.0 {
        format!("{value:.1} {}", UNITS[unit])
    } else {
        format!("{value:.0} {}", UNITS[unit])
    }
}

/// Decodes a room's or person's picture into a round `side`-pixel avatar: the middle square,
/// scaled, with everything outside the circle transparent (so any renderer draws it round).
pub fn decode_round(bytes: &[u8], side: u32) -> Option<image::Handle> {
    let picture = open_limited(bytes)?;
    let edge = picture.width().min(picture.height());
    let square = picture.crop_imm(
        (picture.width() - edge) / 2,
        (picture.height() - edge) / 2,
        edge,
        edge,
    );
    let mut rgba = square
        .resize_exact(side, side, ::image::imageops::FilterType::Triangle)
        .into_rgba8();
    let centre = side as f32 / 2.0;
    for (x, y, pixel) in rgba.enumerate_pixels_mut() {
        let distance =
            ((x as f32 + 0.5 - centre).powi(2) + (y as f32 + 0.5 - centre).powi(2)).sqrt();
        // One pixel of soft edge against jaggies.
        let coverage = (centre - distance + 0.5).clamp(0.0, 1.0);
        pixel[3] = (f32::from(pixel[3]) * coverage) as u8;
    }
    Some(image::Handle::from_rgba(side, side, rgba.into_raw()))
}

/// Decodes picture bytes with limits: a small file can claim a canvas that exhausts memory.
fn open_limited(bytes: &[u8]) -> Option<::image::DynamicImage> {
    use ::image::{ImageReader, Limits};
    let mut reader = ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .ok()?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(8192);
    limits.max_image_height = Some(8192);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    reader.decode().ok()
}

/// Decodes picture bytes from the network into something to draw, refusing pictures whose
/// size would exhaust memory (a small file can claim a huge canvas) and scaling big ones down.
pub fn decode(bytes: &[u8]) -> Thumbnail {
    let Some(picture) = open_limited(bytes) else {
        return Thumbnail::Unavailable;
    };
    let picture = if picture.width() > DECODED_MAX || picture.height() > DECODED_MAX {
        picture.thumbnail(DECODED_MAX, DECODED_MAX)
    } else {
        picture
    };
    let rgba = picture.into_rgba8();
    let (width, height) = rgba.dimensions();
    Thumbnail::Ready(
        image::Handle::from_rgba(width, height, rgba.into_raw()),
        (width, height),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_a_file_manager() {
        assert_eq!(human_size(12), "12 bytes");
        assert_eq!(human_size(1_500), "1.5 kB");
        assert_eq!(human_size(340_000), "340 kB");
        assert_eq!(human_size(2_500_000), "2.5 MB");
    }

    #[test]
    fn broken_and_huge_pictures_are_not_drawn() {
        assert!(matches!(decode(b"not a picture"), Thumbnail::Unavailable));
        // A valid PNG header claiming 100,000 × 100,000 pixels.
        let mut bomb = Vec::new();
        {
            let mut encoder = png::Encoder::new(&mut bomb, 1, 1);
            encoder.set_color(png::ColorType::Rgba);
            let mut writer = encoder.write_header().expect("header");
            writer.write_image_data(&[0, 0, 0, 255]).expect("data");
        }
        // Patch width and height in the IHDR chunk (bytes 16..24) and leave the CRC wrong:
        // the decoder must refuse either way.
        bomb[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        assert!(matches!(decode(&bomb), Thumbnail::Unavailable));
    }

    #[test]
    fn avatars_are_cut_round_from_the_middle() {
        // Wide: a red middle square between blue sides that must be cut away.
        let picture = ::image::RgbaImage::from_fn(300, 100, |x, _| {
            if (100..200).contains(&x) {
                ::image::Rgba([255, 0, 0, 255])
            } else {
                ::image::Rgba([0, 0, 255, 255])
            }
        });
        let mut bytes = Vec::new();
        picture
            .write_to(
                &mut std::io::Cursor::new(&mut bytes),
                ::image::ImageFormat::Png,
            )
            .expect("encode");
        let Some(image::Handle::Rgba {
            width,
            height,
            pixels,
            ..
        }) = decode_round(&bytes, 64)
        else {
            panic!("an RGBA picture");
        };
        assert_eq!((width, height), (64, 64));
        let at = |x: usize, y: usize| &pixels[(y * 64 + x) * 4..(y * 64 + x) * 4 + 4];
        assert_eq!(at(0, 0)[3], 0, "corners are transparent");
        assert_eq!(
            at(32, 32),
            [255, 0, 0, 255],
            "the middle is the middle square"
        );
        assert_eq!(at(2, 32)[2], 0, "no blue from the sides");
        assert!(decode_round(b"not a picture", 64).is_none());
    }

    #[test]
    fn big_pictures_are_scaled_down() {
        let picture = ::image::RgbaImage::from_pixel(2000, 1000, ::image::Rgba([10, 20, 30, 255]));
        let mut bytes = Vec::new();
        picture
            .write_to(
                &mut std::io::Cursor::new(&mut bytes),
                ::image::ImageFormat::Png,
            )
            .expect("encode");
        let Thumbnail::Ready(_, (width, height)) = decode(&bytes) else {
            panic!("a valid picture decodes");
        };
        assert_eq!((width, height), (720, 360));
        assert_eq!(fit(width as f32, height as f32), (360.0, 180.0));
    }
}
