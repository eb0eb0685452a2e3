//! Shared set-up for the app's UI tests and screenshots: an app on a throwaway portable home,
//! and sample conversations (the kind of list a real account shows).

#![allow(dead_code)]

mod calendar;
#[allow(unused_imports)]
pub use calendar::*;

use sparks::Screen;
use sparks::screen::home::{Home, Identity};
use sparks::screen::login::Login;
use sparks_config::{Paths, Settings};
use sparks_domain::{LastMessage, ListDiff, RoomKind, RoomSummary};
use sparks_matrix::RoomListUpdate;
use sparks_secrets::{FileLocation, SecretStore};

/// Runs what a simulator produced through `home` and returns the actions. (A macro: the
/// simulator borrows `home` until its messages are collected.)
#[macro_export]
macro_rules! run {
    ($home:ident, $ui:expr) => {{
        let messages: Vec<sparks::screen::home::Message> = $ui.into_messages().collect();
        messages
            .into_iter()
            .map(|m| $home.update(m))
            .collect::<Vec<sparks::screen::home::Action>>()
    }};
}

/// The home screen in the simulator, `height` pixels tall.
pub fn home_view<'a>(
    home: &'a Home,
    i18n: &'a sparks_i18n::I18n,
    height: f32,
) -> iced_test::Simulator<'a, sparks::screen::home::Message> {
    iced_test::Simulator::with_size(
        sparks::settings(),
        iced::Size::new(1180.0, height),
        home.view(context(i18n, None, None)),
    )
}

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
        call: false,
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
    let mut home = Home::new(identity(), sparks_config::Drafts::default());
    home.update(sparks::screen::home::Message::Rooms(
        RoomListUpdate::Loaded(true),
    ));
    home.update(sparks::screen::home::Message::Rooms(RoomListUpdate::Diffs(
        vec![ListDiff::Reset(sample_rooms())],
    )));
    home.update(sparks::screen::home::Message::Spaces(vec![
        sparks_domain::SpaceGroup {
            id: "!space:example.org".into(),
            name: "Sparks Project".into(),
            children: vec!["!eng:example.org".into(), "!ann:example.org".into()],
        },
    ]));
    home.update(sparks::screen::home::Message::Connection(
        sparks_domain::Connection::Online,
    ));
    home
}

fn message(
    id: &str,
    sender: &str,
    name: &str,
    from_me: bool,
    body: &str,
    minutes_ago: u64,
) -> sparks_domain::TimelineItem {
    sparks_domain::TimelineItem {
        id: id.into(),
        entry: sparks_domain::TimelineEntry::Message(sparks_domain::Message {
            event: format!("${id}"),
            sender_id: sender.into(),
            sender_name: name.into(),
            from_me,
            body: sparks_domain::MessageBody::Text(body.into()),
            timestamp_ms: NOW_MS - minutes_ago * MINUTE,
            edited: false,
            state: sparks_domain::SendState::Sent,
            reply_to: None,
            reactions: Vec::new(),
            thread: None,
            editable: from_me,
            redactable: from_me,
            read_by: Vec::new(),
        }),
    }
}

fn changed(id: &str, by: &str) -> sparks_domain::TimelineItem {
    sparks_domain::TimelineItem {
        id: id.into(),
        entry: sparks_domain::TimelineEntry::RoomChanged {
            by: by.into(),
            timestamp_ms: NOW_MS - 26 * 60 * MINUTE,
        },
    }
}

/// A busy conversation, as the design team room might look.
pub fn sample_timeline() -> Vec<sparks_domain::TimelineItem> {
    use sparks_domain::{MembershipChange, MessageBody, SendState, TimelineEntry, TimelineItem};
    let mut items = vec![
        TimelineItem {
            id: "start".into(),
            entry: TimelineEntry::Start,
        },
        TimelineItem {
            id: "day1".into(),
            entry: TimelineEntry::DayDivider {
                timestamp_ms: NOW_MS - 26 * 60 * MINUTE,
            },
        },
        TimelineItem {
            id: "join".into(),
            entry: TimelineEntry::Membership {
                who: "Bob Brandt".into(),
                change: MembershipChange::Joined,
                timestamp_ms: NOW_MS - 26 * 60 * MINUTE,
            },
        },
        changed("cfg1", "Carol Nguyen"),
        changed("cfg2", "Carol Nguyen"),
        changed("cfg3", "Carol Nguyen"),
        message(
            "m1",
            "@carol:example.org",
            "Carol Nguyen",
            false,
            "I pushed the new dark palette to the shared folder.",
            26 * 60,
        ),
        message(
            "m2",
            "@carol:example.org",
            "Carol Nguyen",
            false,
            "The avatars use the same eight colours in both themes now.",
            26 * 60 - 1,
        ),
        message(
            "m3",
            "@bob:example.org",
            "Bob Brandt",
            false,
            "Looks great. The contrast is much better.",
            25 * 60,
        ),
        TimelineItem {
            id: "day2".into(),
            entry: TimelineEntry::DayDivider {
                timestamp_ms: NOW_MS - 60 * MINUTE,
            },
        },
        message(
            "m4",
            "@alice:example.org",
            "Alice Demo",
            true,
            "Thanks both! Shall we review it on Friday?",
            60,
        ),
        TimelineItem {
            id: "marker".into(),
            entry: TimelineEntry::ReadMarker,
        },
        message(
            "m5",
            "@carol:example.org",
            "Carol Nguyen",
            false,
            "Friday works. I'll bring the print-outs.",
            14,
        ),
    ];
    let mut rich = message("m5b", "@bob:example.org", "Bob Brandt", false, "", 10);
    if let TimelineEntry::Message(m) = &mut rich.entry {
        m.body = MessageBody::Text(sample_rich_text());
        m.reply_to = Some(sparks_domain::Quote {
            event_id: "$m5".into(),
            sender_name: Some("Carol Nguyen".into()),
            text: Some("Friday works. I'll bring the print-outs.".into()),
        });
        m.reactions = vec![
            sparks_domain::Reaction {
                key: "👍".into(),
                count: 2,
                mine: true,
            },
            sparks_domain::Reaction {
                key: "🎉".into(),
                count: 1,
                mine: false,
            },
        ];
        m.read_by = vec!["@carol:example.org".into()];
        m.thread = Some(sparks_domain::ThreadSummary {
            replies: 3,
            latest: Some(("Carol Nguyen".into(), "Printed in colour this time".into())),
        });
    }
    items.push(rich);
    let mut failed = message(
        "m6",
        "@alice:example.org",
        "Alice Demo",
        true,
        "Great, see you then",
        1,
    );
    if let TimelineEntry::Message(m) = &mut failed.entry {
        m.state = SendState::Sending;
    }
    items.push(failed);
    let mut undecryptable = message("m7", "@bob:example.org", "Bob Brandt", false, "", 0);
    if let TimelineEntry::Message(m) = &mut undecryptable.entry {
        m.body = MessageBody::UnableToDecrypt;
    }
    items.push(undecryptable);
    items
}

/// The home screen with the design team room open and its timeline loaded.
pub fn home_with_open_room() -> Home {
    let mut home = home_with_rooms();
    home.update(sparks::screen::home::Message::Chat(
        sparks::screen::chat::Message::Select("!design:example.org".into()),
    ));
    home.update(sparks::screen::home::Message::Timeline(
        "!design:example.org".into(),
        vec![ListDiff::Reset(sample_timeline())],
    ));
    if let Some(room) = home.room_mut("!design:example.org") {
        room.older_loaded(None);
    }
    home
}

/// Carol and Bob as the open design room's members (for mentions and the members panel).
pub fn add_members(home: &mut Home) {
    if let Some(room) = home.room_mut("!design:example.org") {
        room.set_members(vec![
            sparks_domain::Member {
                user_id: "@carol:example.org".into(),
                name: "Carol Nguyen".into(),
            },
            sparks_domain::Member {
                user_id: "@bob:example.org".into(),
                name: "Bob Brandt".into(),
            },
        ]);
    }
}

/// What the home screen needs to draw, with the sample clock and file-backed secrets.
pub fn context<'a>(
    i18n: &'a sparks_i18n::I18n,
    language: Option<sparks_domain::Language>,
    problem: Option<&'a str>,
) -> sparks::screen::home::Context<'a> {
    sparks::screen::home::Context {
        i18n,
        now_ms: NOW_MS,
        colors: &sparks::theme::LIGHT,
        secrets: sparks_secrets::Backend::EncryptedFile,
        language,
        theme: sparks_domain::ThemeChoice::System,
        problem,
        devices: &SYSTEM_DEVICES,
    }
}

/// The system's default devices, for every purpose.
pub static SYSTEM_DEVICES: sparks_domain::Devices = sparks_domain::Devices {
    microphone: sparks_domain::DeviceChoice::System,
    camera: sparks_domain::DeviceChoice::System,
    speaker: sparks_domain::DeviceChoice::System,
};

/// Formatted text as a Markdown message arrives: bold, code, a mention, a link whose words
/// are not its target, and a list.
pub fn sample_rich_text() -> sparks_domain::RichText {
    use sparks_domain::{Block, Link, RichText, Span, Style};
    let plain = |t: &str| Span {
        text: t.into(),
        ..Span::default()
    };
    RichText {
        blocks: vec![
            Block::Paragraph(vec![
                plain("Agreed, "),
                Span {
                    text: "Alice Demo".into(),
                    link: Some(Link::User("@alice:example.org".into())),
                    ..Span::default()
                },
                plain(". I put the "),
                Span {
                    text: "final".into(),
                    style: Style {
                        bold: true,
                        ..Style::default()
                    },
                    link: None,
                },
                plain(" files under "),
                Span {
                    text: "design/v2".into(),
                    style: Style {
                        code: true,
                        ..Style::default()
                    },
                    link: None,
                },
                plain(", see "),
                Span {
                    text: "the board".into(),
                    link: Some(Link::Web("https://board.example.org/design".into())),
                    ..Span::default()
                },
                plain(":"),
            ]),
            Block::List {
                start: None,
                items: vec![
                    vec![Block::Paragraph(vec![plain("palette.svg")])],
                    vec![Block::Paragraph(vec![plain("avatars.pdf")])],
                ],
            },
        ],
    }
}

/// A picture and a file arrive in the open design room, the picture's thumbnail has loaded, and
/// one of our uploads is half way. Returns the home's action for the new timeline items.
pub fn add_attachments(home: &mut Home) -> sparks::screen::home::Action {
    let attachment = |id: &str, kind, name: &str, size| {
        let mut item = message(id, "@carol:example.org", "Carol Nguyen", false, "", 1);
        if let sparks_domain::TimelineEntry::Message(m) = &mut item.entry {
            m.body = sparks_domain::MessageBody::Attachment {
                kind,
                name: name.into(),
                size: Some(size),
            };
        }
        item
    };
    let action = home.update(sparks::screen::home::Message::Timeline(
        "!design:example.org".into(),
        vec![
            ListDiff::PushBack(attachment(
                "img1",
                sparks_domain::AttachmentKind::Image,
                "palette.png",
                184_000,
            )),
            ListDiff::PushBack(attachment(
                "file1",
                sparks_domain::AttachmentKind::File,
                "brief-v2.pdf",
                2_480_000,
            )),
        ],
    ));
    let mut picture = image::RgbaImage::new(480, 270);
    for (x, y, pixel) in picture.enumerate_pixels_mut() {
        let band = (x / 60) as u8;
        *pixel = image::Rgba([40 + band * 25, 80 + (y / 3) as u8, 200 - band * 20, 255]);
    }
    let mut png = Vec::new();
    picture
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("encode");
    if let Some(room) = home.room_mut("!design:example.org") {
        room.set_thumbnail("$img1".into(), sparks::screen::room::decode_picture(&png));
        room.upload_started(1, "minutes-2026-11-20.odt".into());
        room.upload_progress(1, 420_000, 1_000_000);
    }
    action
}

/// The design room's settings panel open: a topic, a picture (a warm gradient), and the
/// question before encryption is turned on.
pub fn add_room_settings(home: &mut Home) {
    use sparks::screen::room::Message as R;
    let room = |m| sparks::screen::home::Message::Chat(sparks::screen::chat::Message::Room(m));
    home.update(sparks::screen::home::Message::RoomDetails(
        "!design:example.org".into(),
        sparks_domain::RoomDetails {
            name: "Design team".into(),
            topic: "Posters, flyers and the spring campaign".into(),
            avatar: Some("mxc://example.org/poster".into()),
            encrypted: false,
            may_rename: true,
            may_set_topic: true,
            may_set_avatar: true,
            may_encrypt: true,
        },
    ));
    let gradient = image::RgbImage::from_fn(160, 120, |x, y| {
        image::Rgb([230, (110 + x / 2) as u8, (60 + y) as u8])
    });
    let mut png = Vec::new();
    gradient
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("encode");
    if let Some(view) = home.room_mut("!design:example.org") {
        view.set_picture(sparks::screen::room::decode_round(&png, 128));
    }
    home.update(room(R::ToggleSettings));
    home.update(room(R::Settings(
        sparks::screen::room::SettingsMessage::Encrypt,
    )));
}

/// A meeting in the design room: Bob on camera (the test pattern), Carol muted without a
/// picture, Dana speaking; our microphone could not be opened.
pub fn sample_meeting() -> sparks::screen::meeting::Meeting {
    use sparks::screen::meeting::{Meeting, Message};
    use sparks_call::{CallEvent, Speaker, TrackKind};
    use sparks_media::VideoSource;
    let mut meeting = Meeting::new("!design:example.org".into(), "Design".into());
    let mut call = |event| meeting.update(Message::Call(event));
    call(CallEvent::Connected);
    for (n, who) in ["bob", "carol", "dana"].into_iter().enumerate() {
        call(CallEvent::ParticipantJoined {
            sid: format!("PA_{n}"),
            identity: format!("id-{who}"),
            name: format!("@{who}:example.org"),
        });
    }
    call(CallEvent::TrackSubscribed {
        from: "id-bob".into(),
        track: "TR_bob_video".into(),
        kind: TrackKind::Video,
    });
    call(CallEvent::Video {
        from: "id-bob".into(),
        track: "TR_bob_video".into(),
        frame: sparks_media::TestPattern::new(640, 360).next_frame(0, 0),
    });
    call(CallEvent::TrackSubscribed {
        from: "id-carol".into(),
        track: "TR_carol_audio".into(),
        kind: TrackKind::Audio,
    });
    call(CallEvent::TrackMuted {
        from: "id-carol".into(),
        track: "TR_carol_audio".into(),
        muted: true,
    });
    call(CallEvent::Speakers(vec![Speaker {
        identity: "id-dana".into(),
        level: 0.8,
    }]));
    meeting.update(Message::Joined {
        identity: "id-me".into(),
        notices: vec![(
            sparks_devices::DeviceKind::Microphone,
            "No microphone can be used, so the others cannot hear you: there is no Microphone on this machine".into(),
        )],
    });
    meeting
}

/// What a machine with a headset, a built-in camera and speakers finds; its sound system
/// listed only some devices.
pub fn sample_devices() -> sparks::screen::settings::devices::Found {
    use sparks_devices::{DeviceInfo, DeviceKind};
    let device = |kind, id: &str, name: &str| DeviceInfo {
        id: id.into(),
        name: name.into(),
        kind,
    };
    sparks::screen::settings::devices::Found {
        devices: vec![
            device(DeviceKind::Microphone, "hw:1,0", "USB headset"),
            device(DeviceKind::Camera, "/dev/video0", "Integrated camera"),
            device(DeviceKind::Speaker, "hw:0,0", "Built-in speakers"),
        ],
        problems: vec!["the sound system did not answer".into()],
    }
}
