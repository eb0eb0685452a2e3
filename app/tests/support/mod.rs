//! Shared set-up for the app's UI tests and screenshots: an app on a throwaway portable home,
//! and sample conversations (the kind of list a real account shows).

#![allow(dead_code)]

use sparks::Screen;
use sparks::screen::home::{Home, Identity};
use sparks::screen::login::Login;
use sparks_config::{Paths, Settings};
use sparks_domain::{LastMessage, ListDiff, RoomKind, RoomSummary};
use sparks_matrix::RoomListUpdate;
use sparks_secrets::{FileLocation, SecretStore};

/// A fixed "now" so relative times are stable: 2026-11-22 10:00 UTC.
pub const NOW_MS: u64 = 1_795_341_600_000;
const MINUTE: u64 = 60_000;

pub fn secrets(paths: &Paths) -> SecretStore {
    SecretStore::encrypted_file(FileLocation {
        data_file: paths.secrets_file(),
        key_file: paths.secrets_key_file(),
    })
}

/// The app showing the login form, with its files in `home`.
pub fn login_app(home: &std::path::Path, settings: Settings) -> sparks::Sparks {
    let paths = Paths::portable(home);
    let secrets = secrets(&paths);
    let form = Login::new(
        settings.last_homeserver.clone(),
        settings.last_username.clone(),
    );
    sparks::Sparks::new(paths, secrets, settings, Screen::Login(form))
}

pub fn identity() -> Identity {
    Identity {
        user_id: "@alice:example.org".into(),
        homeserver: "https://matrix.example.org/".into(),
        device_id: "SPARKSDEV1".into(),
    }
}

fn room(
    id: &str,
    name: &str,
    kind: RoomKind,
    encrypted: bool,
    last: Option<(&str, bool, &str, u64)>,
    unread: u64,
    mentions: u64,
) -> RoomSummary {
    RoomSummary {
        id: id.into(),
        name: name.into(),
        kind,
        encrypted,
        last_message: last.map(|(sender, from_me, body, minutes_ago)| LastMessage {
            sender: sender.into(),
            from_me,
            body: body.into(),
            timestamp_ms: NOW_MS - minutes_ago * MINUTE,
        }),
        unread,
        mentions,
    }
}

pub fn sample_rooms() -> Vec<RoomSummary> {
    vec![
        room(
            "!bob:example.org",
            "Bob Smith",
            RoomKind::Direct,
            true,
            Some((
                "Bob Smith",
                false,
                "Also: the new meeting room screens arrive next week.",
                2,
            )),
            3,
            3,
        ),
        room(
            "!design:example.org",
            "Design team",
            RoomKind::Group,
            true,
            Some(("Carol", false, "Review on Friday? @alice", 14)),
            2,
            1,
        ),
        room(
            "!book:example.org",
            "Book club",
            RoomKind::Invite,
            false,
            None,
            0,
            0,
        ),
        room(
            "!eng:example.org",
            "Engineering",
            RoomKind::Group,
            false,
            Some(("Carol", false, "Middleware deploy is green.", 95)),
            0,
            0,
        ),
        room(
            "!ann:example.org",
            "Announcements",
            RoomKind::Group,
            false,
            Some((
                "Carol",
                false,
                "Welcome to the Sparks pilot! Questions go to #engineering.",
                60 * 26,
            )),
            0,
            0,
        ),
        room(
            "!space:example.org",
            "Sparks Project",
            RoomKind::Space,
            false,
            None,
            0,
            0,
        ),
        room(
            "!dana:example.org",
            "Dana Okafor",
            RoomKind::Direct,
            true,
            Some(("Alice", true, "Sounds good, see you Thursday!", 60 * 24 * 3)),
            0,
            0,
        ),
        room(
            "!ops:example.org",
            "Ops on call",
            RoomKind::Group,
            true,
            Some((
                "Erik",
                false,
                "Handing over the pager at 18:00",
                60 * 24 * 9,
            )),
            0,
            0,
        ),
    ]
}

/// The signed-in window with the sample rooms loaded.
pub fn home_with_rooms() -> Home {
    let mut home = Home::new(identity());
    home.update(sparks::screen::home::Message::Rooms(
        RoomListUpdate::Loaded(true),
    ));
    home.update(sparks::screen::home::Message::Rooms(RoomListUpdate::Diffs(
        vec![ListDiff::Reset(sample_rooms())],
    )));
    home.update(sparks::screen::home::Message::Connection(
        sparks_domain::Connection::Online,
    ));
    home
}
