// matrix-sdk-ui's timeline futures nest deeply; proving them `Send` needs a deeper query limit.
#![recursion_limit = "256"]

//! Room settings against Synapse: the creator renames the room, gives it a topic and a picture
//! and turns encryption on; a member without the power to do so is refused, and sees it all.

use std::pin::pin;
use std::time::Duration;

use futures_util::{Stream, StreamExt};
use sparks_domain::{NewRoom, NewRoomKind, RoomDetails};
use sparks_matrix::RoomError;
use sparks_tests::{Error, Homeserver, eventually, two_people};

const WAIT: Duration = Duration::from_secs(60);

/// Reads settings until `done` holds for them.
async fn until(
    details: &mut (impl Stream<Item = RoomDetails> + Unpin),
    what: &str,
    done: impl Fn(&RoomDetails) -> bool,
) -> Result<RoomDetails, Error> {
    let wait = async {
        while let Some(now) = details.next().await {
            if done(&now) {
                return Ok(now);
            }
        }
        Err::<_, Error>(format!("the settings stream ended before {what}").into())
    };
    tokio::time::timeout(WAIT, wait)
        .await
        .map_err(|_| format!("timed out waiting for {what}"))?
}

#[tokio::test(flavor = "multi_thread")]
async fn name_topic_picture_and_encryption_can_be_changed_by_those_allowed() -> Result<(), Error> {
    let server = Homeserver::from_env();
    let (alice, bob, _homes) = two_people(&server, "settings").await?;
    let files = tempfile::tempdir()?;
    let room_id = alice
        .create_room(&NewRoom {
            kind: NewRoomKind::Group,
            name: "Before".into(),
            topic: String::new(),
            invite: vec![bob.user_id()],
            encrypted: false,
        })
        .await?;
    eventually(WAIT, "Bob joins", || async {
        bob.join(&room_id).await.is_ok()
    })
    .await?;
    let alice_room = alice.open_room(&room_id).await?;
    let bob_room = bob.open_room(&room_id).await?;
    let mut mine = pin!(alice_room.details());
    let mut theirs = pin!(bob_room.details());

    let start = until(&mut mine, "the creator's settings", |d| d.name == "Before").await?;
    assert!(start.may_rename && start.may_set_topic && start.may_set_avatar && start.may_encrypt);
    assert!(!start.encrypted && start.avatar.is_none());
    let bobs = until(&mut theirs, "the member's settings", |d| d.name == "Before").await?;
    assert!(
        !bobs.may_rename && !bobs.may_set_topic && !bobs.may_set_avatar && !bobs.may_encrypt,
        "a plain member may change nothing: {bobs:?}"
    );
    assert_eq!(
        bob_room.rename("Hijacked").await,
        Err(RoomError::NotAllowed)
    );

    alice_room.rename("  Launch plans ").await?;
    alice_room.set_topic("Everything about the launch").await?;
    let picture = files.path().join("team.png");
    image::RgbImage::from_pixel(1200, 800, image::Rgb([200, 40, 40])).save(&picture)?;
    alice_room.set_avatar(picture).await?;
    let changed = |d: &RoomDetails| {
        d.name == "Launch plans" && d.topic == "Everything about the launch" && d.avatar.is_some()
    };
    until(&mut mine, "the new settings", changed).await?;
    until(&mut theirs, "the new settings at Bob's", changed).await?;
    let small = bob_room.avatar().await?.ok_or("no picture")?;
    let shown = image::load_from_memory(&small)?;
    assert!(shown.width() <= 512 && shown.height() <= 512, "scaled down");
    let pixel = shown
        .to_rgb8()
        .get_pixel(shown.width() / 2, shown.height() / 2)
        .0;
    assert!(
        pixel[0] > 150 && pixel[1] < 100,
        "the picture's colour: {pixel:?}"
    );

    // Not a picture: a clear error, and nothing changes.
    let text = files.path().join("notes.png");
    std::fs::write(&text, "this is not a picture")?;
    assert!(matches!(
        alice_room.set_avatar(text).await,
        Err(RoomError::File(_))
    ));

    alice_room.enable_encryption().await?;
    let encrypted = until(&mut theirs, "encryption on", |d| d.encrypted).await?;
    assert!(!encrypted.may_encrypt);
    let mine_now = until(&mut mine, "encryption on", |d| d.encrypted).await?;
    assert!(
        !mine_now.may_encrypt,
        "encryption cannot be turned on twice"
    );

    alice_room.remove_avatar().await?;
    until(&mut theirs, "the picture removed", |d| d.avatar.is_none()).await?;
    assert_eq!(bob_room.avatar().await?, None);
    Ok(())
}
