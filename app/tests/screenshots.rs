//! Renders every screen, light and dark, to PNG with the headless tiny-skia renderer.
//!
//! `cargo xtask screenshots` runs this with `SPARKS_SCREENSHOTS_DIR` set to `target/screenshots`;
//! in the normal test run the images go to a temporary folder and are checked there.

mod support;

use std::path::{Path, PathBuf};

use iced::{Size, Theme};
use iced_test::Simulator;
use sparks::screen::home::{self, Nav};
use sparks::{Screen, theme};
use sparks_config::Settings;
use sparks_domain::Language;
use sparks_i18n::I18n;

const WINDOW: Size = Size::new(1180.0, 760.0);

fn output_dir() -> (PathBuf, Option<tempfile::TempDir>) {
    match std::env::var_os("SPARKS_SCREENSHOTS_DIR") {
        Some(dir) => (PathBuf::from(dir), None),
        None => {
            let temp = tempfile::tempdir().expect("tempdir");
            (temp.path().to_owned(), Some(temp))
        }
    }
}

/// Renders `element` and writes `<dir>/<name>.png`.
fn shoot<'a, M>(
    dir: &Path,
    name: &str,
    theme: &Theme,
    element: impl Into<sparks::widget::Element<'a, M>>,
) {
    let mut ui: Simulator<'a, M> = Simulator::with_size(sparks::settings(), WINDOW, element);
    let snapshot = ui.snapshot(theme).expect("render");
    // iced_test writes `<stem>-<renderer>.png` when no such file exists yet.
    let stem = dir.join(name);
    let written = dir.join(format!("{name}-tiny-skia.png"));
    let _ = std::fs::remove_file(&written);
    assert!(snapshot.matches_image(&stem).expect("write png"));
    let png = dir.join(format!("{name}.png"));
    std::fs::rename(&written, &png).expect("rename png");
    check_png(&png);
}

fn themes() -> [(&'static str, Theme); 2] {
    [
        ("light", theme::light_theme()),
        ("dark", theme::dark_theme()),
    ]
}

#[test]
fn every_screen_renders_in_both_themes() {
    let (dir, _keep) = output_dir();
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    let home_dir = tempfile::tempdir().expect("tempdir");
    let en = I18n::new(Language::English);

    for (variant, theme) in themes() {
        let app = support::login_app(home_dir.path(), Settings::default());
        shoot(&dir, &format!("login-{variant}"), &theme, app.view());

        let settings = Settings {
            last_homeserver: Some("matrix.example.org".into()),
            last_username: Some("alice".into()),
            ..Settings::default()
        };
        let mut app = support::login_app(home_dir.path(), settings);
        let _ = app.update(sparks::Message::LoggedIn(Err(
            sparks_matrix::LoginError::Unreachable {
                server: "matrix.example.org".into(),
                details: "connection refused".into(),
            },
        )));
        if let Screen::Login(_) = app.screen() {
            shoot(&dir, &format!("login-error-{variant}"), &theme, app.view());
        }

        let mut home = support::home_with_rooms();
        home.update(home::Message::Chat(sparks::screen::chat::Message::Select(
            "!design:example.org".into(),
        )));
        use sparks::screen::service::Offer;
        use sparks_middleware_client::Services;
        let meetings_only = Offer::Known(Services {
            meetings: true,
            ..Services::default()
        });
        for (nav, name, offer) in [
            (Nav::Chat, "rooms", meetings_only.clone()),
            (Nav::Settings, "settings", meetings_only.clone()),
            (Nav::Meetings, "meetings", meetings_only.clone()),
            (Nav::Calendar, "calendar-not-set-up", meetings_only.clone()),
            (Nav::Files, "files-no-middleware", Offer::NoMiddleware),
            (
                Nav::Assistant,
                "assistant-unreachable",
                Offer::Failed("The Sparks server does not answer: connection refused".into()),
            ),
        ] {
            home.set_offer(offer);
            home.update(home::Message::Nav(nav));
            if nav == Nav::Settings {
                let found = support::sample_devices();
                home.update(home::Message::Settings(
                    sparks::screen::settings::Message::Found(found),
                ));
            }
            let mut cx = support::context(&en, None, None);
            cx.colors = theme::colors(&theme);
            shoot(&dir, &format!("{name}-{variant}"), &theme, home.view(cx));
        }
    }

    for (variant, theme) in themes() {
        let home = support::home_with_open_room();
        let mut cx = support::context(&en, None, None);
        cx.colors = theme::colors(&theme);
        shoot(&dir, &format!("room-{variant}"), &theme, home.view(cx));
    }

    // A busy moment: a message's actions open, a reply being written with a mention.
    for (variant, theme) in themes() {
        let mut home = support::home_with_open_room();
        let room = |m| home::Message::Chat(sparks::screen::chat::Message::Room(m));
        use sparks::screen::room::Message as R;
        support::add_members(&mut home);
        home.update(room(R::Reply("$m5".into())));
        home.update(room(R::Draft("Perfect, thanks @Ca".into())));
        home.update(room(R::Select("$m5b".into())));
        let mut cx = support::context(&en, None, None);
        cx.colors = theme::colors(&theme);
        shoot(&dir, &format!("room-busy-{variant}"), &theme, home.view(cx));
    }

    // Attachments: a picture with its thumbnail, a file card, an upload under way.
    for (variant, theme) in themes() {
        let mut home = support::home_with_open_room();
        let _ = support::add_attachments(&mut home);
        let mut cx = support::context(&en, None, None);
        cx.colors = theme::colors(&theme);
        shoot(
            &dir,
            &format!("attachments-{variant}"),
            &theme,
            home.view(cx),
        );
    }

    // A thread open beside the room.
    for (variant, theme) in themes() {
        let mut home = support::home_with_open_room();
        home.update(home::Message::Chat(sparks::screen::chat::Message::Room(
            sparks::screen::room::Message::OpenThread("$m5b".into()),
        )));
        let root: Vec<_> = support::sample_timeline()
            .into_iter()
            .filter(|item| matches!(&item.entry, sparks_domain::TimelineEntry::Message(m) if m.event == "$m5b"))
            .collect();
        home.update(home::Message::ThreadTimeline(
            "!design:example.org".into(),
            "$m5b".into(),
            vec![sparks_domain::ListDiff::Reset(root)],
        ));
        let mut cx = support::context(&en, None, None);
        cx.colors = theme::colors(&theme);
        shoot(&dir, &format!("thread-{variant}"), &theme, home.view(cx));
    }

    // The room's settings beside it, with a picture, encryption about to be turned on.
    for (variant, theme) in themes() {
        let mut home = support::home_with_open_room();
        support::add_room_settings(&mut home);
        let mut cx = support::context(&en, None, None);
        cx.colors = theme::colors(&theme);
        shoot(
            &dir,
            &format!("room-settings-{variant}"),
            &theme,
            home.view(cx),
        );
    }

    // The quick switcher over the chat page.
    for (variant, theme) in themes() {
        let mut home = support::home_with_open_room();
        home.open_switcher();
        home.update(home::Message::Chat(
            sparks::screen::chat::Message::SwitcherQuery("e".into()),
        ));
        let mut cx = support::context(&en, None, None);
        cx.colors = theme::colors(&theme);
        shoot(&dir, &format!("switcher-{variant}"), &theme, home.view(cx));
    }

    // Starting a conversation: the room tab of the form.
    {
        use sparks::screen::chat::Message as C;
        use sparks::screen::new_room::{Message as N, Tab};
        let mut home = support::home_with_rooms();
        for message in [
            C::OpenNewRoom,
            C::NewRoom(N::Tab(Tab::Room)),
            C::NewRoom(N::First("Project Apollo".into())),
            C::NewRoom(N::Invite("@bob:example.org, @carol:example.org".into())),
        ] {
            home.update(home::Message::Chat(message));
        }
        let cx = support::context(&en, None, None);
        shoot(&dir, "new-room-light", &theme::light_theme(), home.view(cx));
    }

    // Encryption settings on a new session, and the emoji comparison over the room.
    for (variant, theme) in themes() {
        use sparks_domain::{Recovery, SasEmoji, Security, VerificationPeer, VerificationStep};
        let mut home = support::home_with_rooms();
        home.update(home::Message::Nav(Nav::Settings));
        home.update(home::Message::Security(Security {
            device_verified: Some(false),
            recovery: Recovery::Incomplete,
        }));
        let mut cx = support::context(&en, None, None);
        cx.colors = theme::colors(&theme);
        shoot(&dir, &format!("security-{variant}"), &theme, home.view(cx));

        let mut home = support::home_with_open_room();
        home.verification_started(
            "flow".into(),
            VerificationPeer {
                user_id: "@bob:example.org".into(),
                own_device: false,
                incoming: true,
            },
        );
        let emoji = [
            (0, "🐶"),
            (12, "🐟"),
            (29, "❤️"),
            (36, "👍"),
            (47, "🔑"),
            (54, "🚀"),
            (63, "📌"),
        ];
        home.update(home::Message::VerificationStep(
            "flow".into(),
            VerificationStep::Compare(
                emoji
                    .into_iter()
                    .map(|(index, symbol)| SasEmoji {
                        index,
                        symbol: symbol.into(),
                        description: String::new(),
                    })
                    .collect(),
            ),
        ));
        let mut cx = support::context(&en, None, None);
        cx.colors = theme::colors(&theme);
        shoot(
            &dir,
            &format!("verification-{variant}"),
            &theme,
            home.view(cx),
        );
    }
    {
        let mut home = support::home_with_rooms();
        home.update(home::Message::Nav(Nav::Settings));
        home.update(home::Message::Security(sparks_domain::Security {
            device_verified: Some(true),
            recovery: sparks_domain::Recovery::Enabled,
        }));
        home.security_mut().key_created(Ok(
            "EsTc LW2K PGiF wKEA 3As5 aX4g 9NCc WRrC 8mJE 4KGk mdFy iXYL".into(),
        ));
        let cx = support::context(&en, None, None);
        shoot(
            &dir,
            "recovery-key-light",
            &theme::light_theme(),
            home.view(cx),
        );
    }

    // The calendar: every view, the event form with suggestions, signing in to a source, the
    // people page; and today's events above the chat.
    for (variant, theme) in themes() {
        use sparks::screen::calendar::{Message as C, Mode};
        use sparks::screen::service::Offer;
        use sparks_middleware_client::Services;
        let mut home = support::home_with_rooms();
        home.set_offer(Offer::Known(Services {
            calendar: true,
            contacts: true,
            ..Services::default()
        }));
        *home.calendar_mut() = support::sample_calendar();
        let mut cx = support::context(&en, None, None);
        cx.colors = theme::colors(&theme);
        shoot(&dir, &format!("upcoming-{variant}"), &theme, home.view(cx));
        home.update(home::Message::Nav(Nav::Calendar));
        let calendar = |home: &mut home::Home, m| home.update(home::Message::Calendar(m));
        for (mode, name) in [
            (Mode::Week, "calendar-week"),
            (Mode::Month, "calendar-month"),
            (Mode::Day, "calendar-day"),
            (Mode::Agenda, "calendar-agenda"),
        ] {
            calendar(&mut home, C::Mode(mode));
            calendar(&mut home, C::Today);
            calendar(&mut home, C::Loaded(Ok(support::calendar_snapshot())));
            let mut cx = support::context(&en, None, None);
            cx.colors = theme::colors(&theme);
            shoot(&dir, &format!("{name}-{variant}"), &theme, home.view(cx));
        }
        calendar(&mut home, C::Mode(Mode::Week));
        calendar(&mut home, C::Loaded(Ok(support::calendar_snapshot())));
        let review = home
            .calendar()
            .snapshot()
            .events
            .iter()
            .position(|e| e.details.title == "Design review")
            .expect("the review");
        calendar(&mut home, C::Open(review));
        let mut cx = support::context(&en, None, None);
        cx.colors = theme::colors(&theme);
        shoot(
            &dir,
            &format!("event-edit-{variant}"),
            &theme,
            home.view(cx),
        );
        calendar(
            &mut home,
            C::Editor(sparks::screen::calendar::editor::Message::Cancel),
        );
        calendar(&mut home, C::New);
        calendar(
            &mut home,
            C::Editor(sparks::screen::calendar::editor::Message::Title(
                "Retro".into(),
            )),
        );
        calendar(
            &mut home,
            C::Editor(sparks::screen::calendar::editor::Message::Invite(
                "bo".into(),
            )),
        );
        calendar(
            &mut home,
            C::Found("bo".into(), Ok(support::sample_contacts())),
        );
        let mut cx = support::context(&en, None, None);
        cx.colors = theme::colors(&theme);
        shoot(&dir, &format!("event-new-{variant}"), &theme, home.view(cx));
        calendar(
            &mut home,
            C::Editor(sparks::screen::calendar::editor::Message::Cancel),
        );
        calendar(&mut home, C::ConnectStart("m365".into()));
        let mut cx = support::context(&en, None, None);
        cx.colors = theme::colors(&theme);
        shoot(
            &dir,
            &format!("calendar-sign-in-{variant}"),
            &theme,
            home.view(cx),
        );
        calendar(&mut home, C::ConnectCancel);
        calendar(&mut home, C::Mode(Mode::People));
        calendar(
            &mut home,
            C::Found(String::new(), Ok(support::sample_contacts())),
        );
        calendar(
            &mut home,
            C::People(sparks::screen::calendar::people::Message::Select(0)),
        );
        let mut cx = support::context(&en, None, None);
        cx.colors = theme::colors(&theme);
        shoot(&dir, &format!("people-{variant}"), &theme, home.view(cx));
    }
    {
        let de = I18n::new(Language::German);
        use sparks::screen::service::Offer;
        use sparks_middleware_client::Services;
        let mut home = support::home_with_rooms();
        home.set_offer(Offer::Known(Services {
            calendar: true,
            ..Services::default()
        }));
        *home.calendar_mut() = support::sample_calendar();
        home.update(home::Message::Nav(Nav::Calendar));
        home.update(home::Message::Calendar(
            sparks::screen::calendar::Message::Loaded(Ok(support::calendar_snapshot())),
        ));
        let cx = support::context(&de, Some(Language::German), None);
        shoot(
            &dir,
            "calendar-week-de-light",
            &theme::light_theme(),
            home.view(cx),
        );
    }

    let de = I18n::new(Language::German);
    let home = support::home_with_rooms();
    let cx = support::context(&de, Some(Language::German), None);
    shoot(&dir, "rooms-de-light", &theme::light_theme(), home.view(cx));

    // A meeting under way, and a room with a call on.
    for (variant, theme) in themes() {
        let meeting = support::sample_meeting();
        shoot(
            &dir,
            &format!("meeting-{variant}"),
            &theme,
            meeting.view(&en),
        );
    }
    {
        use sparks::screen::service::Offer;
        use sparks_middleware_client::Services;
        let mut home = support::home_with_open_room();
        home.set_offer(Offer::Known(Services {
            meetings: true,
            ..Services::default()
        }));
        let mut rooms = support::sample_rooms();
        rooms
            .iter_mut()
            .filter(|r| r.id == "!design:example.org")
            .for_each(|r| r.call = true);
        home.update(home::Message::Rooms(sparks_matrix::RoomListUpdate::Diffs(
            vec![sparks_domain::ListDiff::Reset(rooms)],
        )));
        let cx = support::context(&en, None, None);
        shoot(
            &dir,
            "room-call-light",
            &theme::light_theme(),
            home.view(cx),
        );
    }

    let light = std::fs::read(dir.join("rooms-light.png")).expect("read");
    let dark = std::fs::read(dir.join("rooms-dark.png")).expect("read");
    assert_ne!(light, dark, "light and dark must differ");
}

/// The image has the window's size at 2x and is not a blank page.
fn check_png(path: &Path) {
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(path).expect("png exists"),
    ));
    let mut reader = decoder.read_info().expect("png header");
    let mut pixels = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut pixels).expect("png data");
    assert_eq!(
        (info.width, info.height),
        (2360, 1520),
        "{}",
        path.display()
    );
    let mut colours: Vec<&[u8]> = pixels[..info.buffer_size()].chunks(4).step_by(97).collect();
    colours.sort_unstable();
    colours.dedup();
    assert!(
        colours.len() > 30,
        "{} looks blank ({} colours)",
        path.display(),
        colours.len()
    );
}
