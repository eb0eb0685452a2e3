//! Live tests of the Matrix backend against the Synapse that `cargo xtask test` runs.

use std::pin::pin;
use std::time::Duration;

use futures_util::StreamExt;
use matrix_sdk::config::SyncSettings;
use matrix_sdk::ruma::api::client::room::create_room::v3::Request as CreateRoom;
use matrix_sdk::ruma::events::room::message::RoomMessageEventContent;
use sparks_domain::{Connection, RoomKind, RoomSummary};
use sparks_matrix::{LoginError, LoginRequest, LogoutOutcome, RoomListUpdate};
use sparks_tests::{
    Error, Homeserver, SecretString, apply_until, eventually, restore, sign_in, store_root,
};

const WAIT: Duration = Duration::from_secs(60);

/// Applies room list updates until `done` holds for the list, or fails after `WAIT`.
async fn until_rooms(
    updates: &mut (impl futures_util::Stream<Item = RoomListUpdate> + Unpin),
    rooms: &mut Vec<RoomSummary>,
    what: &str,
    done: impl Fn(&[RoomSummary]) -> bool,
) -> Result<(), Error> {
    let diffs = updates.filter_map(|update| async move {
        match update {
            RoomListUpdate::Diffs(diffs) => Some(diffs),
            RoomListUpdate::Loaded(_) => None,
            RoomListUpdate::Failed(reason) => panic!("room list failed: {reason}"),
        }
    });
    apply_until(&mut pin!(diffs), rooms, WAIT, what, done).await
}

#[tokio::test(flavor = "multi_thread")]
async fn login_restore_and_a_live_room_list() -> Result<(), Error> {
    let server = Homeserver::from_env();
    let (me, password) = server.new_user("list").await?;
    let (friend, friend_password) = server.new_user("friend").await?;
    let home = tempfile::tempdir()?;

    let session = sign_in(&server.login_request(&me, &password), home.path()).await?;
    assert_eq!(session.user_id(), server.user_id(&me));
    let device = session.device_id();
    drop(session);

    // A second start finds the session without asking for the password.
    let restored = restore(home.path()).await?.ok_or("no saved session")?;
    assert_eq!(restored.user_id(), server.user_id(&me));
    assert_eq!(
        restored.device_id(),
        device,
        "restoring must reuse the device, not log in again"
    );
    restored.start().await;
    let mut updates = pin!(restored.rooms());
    let mut rooms = Vec::new();

    // Someone else creates a room and invites us: it appears, then updates when we're written to.
    let friend_dir = tempfile::tempdir()?;
    let friend_client = server
        .client(&friend, &friend_password, friend_dir.path())
        .await?;
    let mut request = CreateRoom::new();
    request.name = Some("Quarterly planning".into());
    request.invite = vec![server.user_id(&me).try_into()?];
    let room = friend_client.create_room(request).await?;
    until_rooms(&mut updates, &mut rooms, "the invitation", |rooms| {
        rooms
            .iter()
            .any(|r| r.name == "Quarterly planning" && r.kind == RoomKind::Invite)
    })
    .await?;

    // Accept with a plain client of ours, then the friend writes.
    let my_dir = tempfile::tempdir()?;
    let me_elsewhere = server.client(&me, &password, my_dir.path()).await?;
    me_elsewhere.join_room_by_id(room.room_id()).await?;
    room.send(RoomMessageEventContent::text_plain("Agenda draft is up"))
        .await?;
    until_rooms(&mut updates, &mut rooms, "the friend's message", |rooms| {
        rooms.iter().any(|r| {
            r.id == room.room_id().as_str()
                && r.kind == RoomKind::Group
                && r.last_message
                    .as_ref()
                    .is_some_and(|m| m.body == "Agenda draft is up" && !m.from_me)
                && r.unread >= 1
        })
    })
    .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn connection_goes_online() -> Result<(), Error> {
    let server = Homeserver::from_env();
    let (me, password) = server.new_user("online").await?;
    let home = tempfile::tempdir()?;
    let session = sign_in(&server.login_request(&me, &password), home.path()).await?;
    let mut states = pin!(session.connection());
    session.start().await;
    let online = tokio::time::timeout(WAIT, async {
        while let Some(state) = states.next().await {
            if state == Connection::Online {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(online, Ok(true));
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_password_is_reported_and_nothing_is_kept() -> Result<(), Error> {
    let server = Homeserver::from_env();
    let (me, _) = server.new_user("wrongpw").await?;
    let home = tempfile::tempdir()?;
    let error = sign_in(&server.login_request(&me, "not-the-password"), home.path())
        .await
        .expect_err("a wrong password must not sign in");
    assert_eq!(error, LoginError::WrongPassword);
    assert!(restore(home.path()).await?.is_none());
    let leftovers = std::fs::read_dir(store_root(home.path()))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(leftovers, 0, "a failed login leaves no store behind");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn unreachable_and_non_matrix_servers_are_told_apart() -> Result<(), Error> {
    let home = tempfile::tempdir()?;
    let login = |homeserver: &str| LoginRequest {
        homeserver: homeserver.to_owned(),
        username: "alice".into(),
        password: SecretString::from("pw".to_owned()),
    };
    // Nothing listens on a port we bound and released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let dead = sign_in(&login(&format!("http://127.0.0.1:{port}")), home.path())
        .await
        .expect_err("nobody listens there");
    assert!(matches!(dead, LoginError::Unreachable { .. }), "{dead:?}");

    // A web server that is not a homeserver: answers 404 to everything Matrix.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buffer = [0u8; 4096];
            let _ = socket.read(&mut buffer).await;
            let _ = socket.write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 9\r\nconnection: close\r\n\r\nnot found").await;
        }
    });
    let web = sign_in(&login(&format!("http://{address}")), home.path())
        .await
        .expect_err("not a homeserver");
    assert!(matches!(web, LoginError::NotMatrix { .. }), "{web:?}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn homeserver_is_discovered_from_the_user_id() -> Result<(), Error> {
    let server = Homeserver::from_env();
    let (me, password) = server.new_user("discover").await?;
    let home = tempfile::tempdir()?;
    let request = LoginRequest {
        homeserver: String::new(),
        username: server.user_id(&me),
        password: SecretString::from(password),
    };
    let session = sign_in(&request, home.path()).await?;
    assert_eq!(session.user_id(), server.user_id(&me));
    assert_eq!(
        session.homeserver().trim_end_matches('/'),
        server.url.trim_end_matches('/')
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn logout_forgets_the_session_and_its_store() -> Result<(), Error> {
    let server = Homeserver::from_env();
    let (me, password) = server.new_user("logout").await?;
    let home = tempfile::tempdir()?;
    let session = sign_in(&server.login_request(&me, &password), home.path()).await?;
    assert_eq!(std::fs::read_dir(store_root(home.path()))?.count(), 1);
    assert_eq!(session.logout().await, LogoutOutcome::Complete);
    assert!(restore(home.path()).await?.is_none());
    assert_eq!(
        std::fs::read_dir(store_root(home.path()))?.count(),
        0,
        "the local store is removed"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lost_local_store_asks_for_a_new_login() -> Result<(), Error> {
    let server = Homeserver::from_env();
    let (me, password) = server.new_user("lost").await?;
    let home = tempfile::tempdir()?;
    let session = sign_in(&server.login_request(&me, &password), home.path()).await?;
    drop(session);
    for entry in std::fs::read_dir(store_root(home.path()))? {
        std::fs::remove_dir_all(entry?.path())?;
    }
    let error = restore(home.path())
        .await
        .expect_err("a session without its store must not come back with new device keys");
    assert!(
        matches!(error, sparks_matrix::RestoreError::Store(_)),
        "{error:?}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn rooms_are_created_joined_by_link_left_and_invited_to() -> Result<(), Error> {
    use matrix_sdk::ruma::api::client::room::create_room::v3::RoomPreset;
    use sparks_domain::{NewRoom, NewRoomKind};

    let server = Homeserver::from_env();
    let (me, password) = server.new_user("maker").await?;
    let (friend, friend_password) = server.new_user("guest").await?;
    let home = tempfile::tempdir()?;
    let friend_dir = tempfile::tempdir()?;
    let session = sign_in(&server.login_request(&me, &password), home.path()).await?;
    session.start().await;
    let friend_client = server
        .client(&friend, &friend_password, friend_dir.path())
        .await?;

    // A direct chat is encrypted and invites the other person.
    let dm = session
        .create_room(&NewRoom {
            kind: NewRoomKind::Direct,
            name: String::new(),
            topic: String::new(),
            invite: vec![server.user_id(&friend)],
            encrypted: false,
        })
        .await?;
    invitation_arrives(&friend_client, &dm).await?;

    // A bad address or user id is a clear error, not a request.
    assert!(matches!(
        session.join("lobby").await,
        Err(sparks_matrix::RoomError::InvalidTarget(_))
    ));
    assert!(matches!(
        session
            .create_room(&NewRoom {
                kind: NewRoomKind::Group,
                name: "x".into(),
                topic: String::new(),
                invite: vec!["bob".into()],
                encrypted: true,
            })
            .await,
        Err(sparks_matrix::RoomError::InvalidUser(_))
    ));

    // Join a public room by its matrix.to link, then leave it.
    let alias = sparks_tests::unique("lobby");
    let mut request = CreateRoom::new();
    request.preset = Some(RoomPreset::PublicChat);
    request.room_alias_name = Some(alias.clone());
    let public = friend_client.create_room(request).await?;
    let link = format!("https://matrix.to/#/%23{alias}:{}", server.server_name);
    let joined = session.join(&link).await?;
    assert_eq!(joined, public.room_id().as_str());
    session.leave(&joined).await?;

    // Invite the friend into a new private group.
    let group = session
        .create_room(&NewRoom {
            kind: NewRoomKind::Group,
            name: "Planning".into(),
            topic: "Q3".into(),
            invite: Vec::new(),
            encrypted: true,
        })
        .await?;
    session.invite(&group, &server.user_id(&friend)).await?;
    invitation_arrives(&friend_client, &group).await?;
    Ok(())
}

/// Waits until `client` (a plain matrix-sdk client) is invited to `room`.
async fn invitation_arrives(client: &matrix_sdk::Client, room: &str) -> Result<(), Error> {
    eventually(Duration::from_secs(60), "the invitation", || async {
        let _ = client
            .sync_once(SyncSettings::default().timeout(Duration::from_millis(300)))
            .await;
        client
            .invited_rooms()
            .iter()
            .any(|invited| invited.room_id().as_str() == room)
    })
    .await
}
