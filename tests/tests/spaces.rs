//! Spaces against Synapse: a space someone else built, with its rooms, shows as a group whose
//! children follow the space's `m.space.child` events.

use std::pin::pin;
use std::time::Duration;

use futures_util::StreamExt;
use matrix_sdk::ruma::api::client::room::create_room::v3::{
    CreationContent, Request as CreateRoom,
};
use matrix_sdk::ruma::events::space::child::SpaceChildEventContent;
use matrix_sdk::ruma::room::RoomType;
use matrix_sdk::ruma::serde::Raw;
use matrix_sdk::ruma::{OwnedServerName, RoomId};
use sparks_domain::SpaceGroup;
use sparks_tests::{Error, Homeserver, eventually, sign_in};

const WAIT: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread")]
async fn joined_spaces_group_their_rooms() -> Result<(), Error> {
    let server = Homeserver::from_env();
    let (me, password) = server.new_user("spaces-me").await?;
    let (admin, admin_password) = server.new_user("spaces-admin").await?;
    let (home, admin_dir) = (tempfile::tempdir()?, tempfile::tempdir()?);
    let session = sign_in(&server.login_request(&me, &password), home.path()).await?;
    session.start().await;
    let admin = server
        .client(&admin, &admin_password, admin_dir.path())
        .await?;
    let invite = vec![server.user_id(&me).try_into()?];

    let mut request = CreateRoom::new();
    request.name = Some("Sparks Project".into());
    request.invite = invite.clone();
    let mut creation = CreationContent::new();
    creation.room_type = Some(RoomType::Space);
    request.creation_content = Some(Raw::new(&creation)?);
    let space = admin.create_room(request).await?;
    let mut children = Vec::new();
    for name in ["Design", "Engineering"] {
        let mut request = CreateRoom::new();
        request.name = Some(name.into());
        request.invite = invite.clone();
        let room = admin.create_room(request).await?;
        let via: OwnedServerName = server.server_name.as_str().try_into()?;
        space
            .send_state_event_for_key(room.room_id(), SpaceChildEventContent::new(vec![via]))
            .await?;
        children.push(room.room_id().to_owned());
    }
    for id in std::iter::once(space.room_id()).chain(children.iter().map(AsRef::as_ref)) {
        let id = id.to_string();
        eventually(WAIT, "joining", || async {
            session.join(&id).await.is_ok()
        })
        .await?;
    }

    let mut spaces = pin!(session.spaces());
    let expected = |groups: &[SpaceGroup], rooms: &[&RoomId]| {
        groups.iter().any(|group| {
            group.id == space.room_id().as_str()
                && group.name == "Sparks Project"
                && group.children.len() == rooms.len()
                && rooms
                    .iter()
                    .all(|room| group.children.iter().any(|c| c == room.as_str()))
        })
    };
    let wanted: Vec<&RoomId> = children.iter().map(AsRef::as_ref).collect();
    wait_for(&mut spaces, "the space with both rooms", |g| {
        expected(g, &wanted)
    })
    .await?;

    // The space stops listing a room (an empty child event, as Element sends): the group follows.
    space
        .send_state_event_raw("m.space.child", children[1].as_str(), serde_json::json!({}))
        .await?;
    let wanted = [children[0].as_ref()];
    wait_for(&mut spaces, "the space with one room", |g| {
        expected(g, &wanted)
    })
    .await?;
    Ok(())
}

async fn wait_for(
    spaces: &mut (impl futures_util::Stream<Item = Vec<SpaceGroup>> + Unpin),
    what: &str,
    done: impl Fn(&[SpaceGroup]) -> bool,
) -> Result<(), Error> {
    let mut last = Vec::new();
    let wait = async {
        while let Some(groups) = spaces.next().await {
            if done(&groups) {
                return true;
            }
            last = groups;
        }
        false
    };
    match tokio::time::timeout(WAIT, wait).await {
        Ok(true) => Ok(()),
        _ => Err(format!("timed out waiting for {what}; last: {last:?}").into()),
    }
}
