// matrix-sdk-ui's timeline futures nest deeply; proving them `Send` needs a deeper query limit.
#![recursion_limit = "256"]

//! Attachments against Synapse: an image and a file sent into an encrypted room and a plain
//! one, shown as thumbnails and saved on the other side byte for byte; cancelled and broken
//! uploads.

use std::path::Path;
use std::pin::pin;
use std::time::Duration;

use futures_util::{Stream, StreamExt};
use sparks_domain::{
    AttachmentKind, MessageBody, NewRoom, NewRoomKind, TimelineEntry, TimelineItem,
};
use sparks_matrix::{OpenRoom, RoomError, Session, Transfer};
use sparks_tests::{Error, Homeserver, apply_until, two_people};

const WAIT: Duration = Duration::from_secs(60);

/// Runs a transfer to its end; returns the result and how many progress steps it reported.
async fn finish(
    transfer: impl Stream<Item = Transfer>,
) -> Result<
    (
        Result<Option<std::path::PathBuf>, RoomError>,
        Vec<(u64, u64)>,
    ),
    Error,
> {
    let mut transfer = pin!(transfer);
    let mut steps = Vec::new();
    loop {
        match tokio::time::timeout(WAIT, transfer.next()).await? {
            Some(Transfer::Progress { done, total }) => steps.push((done, total)),
            Some(Transfer::Done(result)) => return Ok((result, steps)),
            None => return Err("the transfer ended without a result".into()),
        }
    }
}

/// Waits until `room` shows an attachment called `name` and returns its event id.
async fn attachment_event(
    room: &OpenRoom,
    name: &str,
    kind: AttachmentKind,
) -> Result<String, Error> {
    let mut updates = pin!(room.items());
    let mut items: Vec<TimelineItem> = Vec::new();
    let find = |items: &[TimelineItem]| {
        items.iter().find_map(|item| match &item.entry {
            TimelineEntry::Message(m) => match &m.body {
                MessageBody::Attachment {
                    kind: k, name: n, ..
                } if *k == kind && n == name && m.event.starts_with('$') => Some(m.event.clone()),
                _ => None,
            },
            _ => None,
        })
    };
    apply_until(&mut updates, &mut items, WAIT, name, |items| {
        find(items).is_some()
    })
    .await?;
    find(&items).ok_or_else(|| "vanished".into())
}

fn picture(path: &Path, width: u32, height: u32) -> Result<Vec<u8>, Error> {
    let mut picture = image::RgbaImage::new(width, height);
    for (x, y, pixel) in picture.enumerate_pixels_mut() {
        *pixel = image::Rgba([(x % 256) as u8, (y % 256) as u8, 128, 255]);
    }
    picture.save(path)?;
    Ok(std::fs::read(path)?)
}

async fn pair(
    server: &Homeserver,
    encrypted: bool,
) -> Result<(Session, Session, String, [tempfile::TempDir; 2]), Error> {
    let (alice, bob, homes) = two_people(server, "media").await?;
    let room = alice
        .create_room(&NewRoom {
            kind: NewRoomKind::Group,
            name: "Files".into(),
            topic: String::new(),
            invite: vec![bob.user_id()],
            encrypted,
        })
        .await?;
    bob.join(&room).await?;
    Ok((alice, bob, room, homes))
}

async fn image_goes_across(encrypted: bool) -> Result<(), Error> {
    let server = Homeserver::from_env();
    let (alice, bob, room_id, _homes) = pair(&server, encrypted).await?;
    let files = tempfile::tempdir()?;
    let path = files.path().join("sunset.png");
    let original = picture(&path, 1600, 900)?;

    let sending = alice.open_room(&room_id).await?;
    let (result, steps) = finish(sending.send_file(path.clone())).await?;
    result?;
    assert!(!steps.is_empty(), "upload progress was reported");
    assert!(
        steps.windows(2).all(|w| w[0].0 <= w[1].0),
        "progress only grows: {steps:?}"
    );

    let receiving = bob.open_room(&room_id).await?;
    let event = attachment_event(&receiving, "sunset.png", AttachmentKind::Image).await?;
    let thumbnail = receiving.thumbnail(&event).await?;
    let decoded = image::load_from_memory(&thumbnail)?;
    assert!(
        decoded.width() > 0 && decoded.width() <= 1600,
        "{}",
        decoded.width()
    );
    // Aspect ratio kept (servers scale down; encrypted rooms send the picture itself).
    let ratio = decoded.width() as f32 / decoded.height() as f32;
    assert!((ratio - 16.0 / 9.0).abs() < 0.05, "ratio {ratio}");

    let downloads = tempfile::tempdir()?;
    let (saved, steps) =
        finish(receiving.save_attachment(event.clone(), downloads.path().into())).await?;
    let saved = saved?.ok_or("no path")?;
    assert_eq!(saved, downloads.path().join("sunset.png"));
    assert_eq!(
        std::fs::read(&saved)?,
        original,
        "the saved file is the sent one"
    );
    assert!(
        steps.last().is_some_and(|(done, _)| *done > 0),
        "download progress: {steps:?}"
    );
    // Saving again never overwrites.
    let (again, _) = finish(receiving.save_attachment(event, downloads.path().into())).await?;
    assert_eq!(
        again?.ok_or("no path")?,
        downloads.path().join("sunset (2).png")
    );
    alice.logout().await;
    bob.logout().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn an_image_goes_across_an_encrypted_room() -> Result<(), Error> {
    image_goes_across(true).await
}

#[tokio::test(flavor = "multi_thread")]
async fn an_image_goes_across_a_plain_room_with_a_server_thumbnail() -> Result<(), Error> {
    image_goes_across(false).await
}

#[tokio::test(flavor = "multi_thread")]
async fn files_cancelled_and_missing_files() -> Result<(), Error> {
    let server = Homeserver::from_env();
    let (alice, bob, room_id, _homes) = pair(&server, true).await?;
    let files = tempfile::tempdir()?;
    let sending = alice.open_room(&room_id).await?;

    // A file that is not there, and a folder, are explained.
    let (missing, _) = finish(sending.send_file(files.path().join("nope.pdf"))).await?;
    assert!(matches!(missing, Err(RoomError::File(_))), "{missing:?}");
    let (folder, _) = finish(sending.send_file(files.path().to_path_buf())).await?;
    assert!(matches!(folder, Err(RoomError::File(_))), "{folder:?}");

    // An upload dropped after it started never arrives.
    let big = files.path().join("big.bin");
    std::fs::write(&big, vec![7u8; 8 * 1024 * 1024])?;
    {
        let mut upload = pin!(sending.send_file(big));
        let first = tokio::time::timeout(WAIT, upload.next()).await?;
        assert!(
            matches!(first, Some(Transfer::Progress { .. })),
            "{first:?}"
        );
    }

    // A plain file goes across and is saved intact.
    let report = files.path().join("report.pdf");
    let content = b"%PDF-1.4 not really a PDF, but bytes to compare".repeat(100);
    std::fs::write(&report, &content)?;
    finish(sending.send_file(report)).await?.0?;
    let receiving = bob.open_room(&room_id).await?;
    let event = attachment_event(&receiving, "report.pdf", AttachmentKind::File).await?;
    // The cancelled upload would have arrived first.
    let mut updates = pin!(receiving.items());
    let mut items: Vec<TimelineItem> = Vec::new();
    apply_until(&mut updates, &mut items, WAIT, "the timeline", |items| {
        !items.is_empty()
    })
    .await?;
    assert!(
        !items.iter().any(|item| matches!(&item.entry,
            TimelineEntry::Message(m) if matches!(&m.body, MessageBody::Attachment { name, .. } if name == "big.bin"))),
        "the cancelled upload was not sent"
    );
    // A file message has no thumbnail.
    assert!(receiving.thumbnail(&event).await.is_err());
    let downloads = tempfile::tempdir()?;
    let (saved, _) = finish(receiving.save_attachment(event, downloads.path().into())).await?;
    assert_eq!(std::fs::read(saved?.ok_or("no path")?)?, content);

    // Saving into a place that cannot be a folder fails clearly, leaving nothing behind.
    let blocked = downloads.path().join("blocked");
    std::fs::write(&blocked, b"a file, not a folder")?;
    let event = attachment_event(&receiving, "report.pdf", AttachmentKind::File).await?;
    let (failed, _) = finish(receiving.save_attachment(event, blocked.clone())).await?;
    assert!(matches!(failed, Err(RoomError::File(_))), "{failed:?}");
    alice.logout().await;
    bob.logout().await;
    Ok(())
}
