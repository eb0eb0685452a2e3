//! Behaviour of the screens, driven through iced's simulator.

mod support;

use iced::widget::Id;
use iced_test::{Error, Simulator};
use sparks::screen::home::{self, Nav};
use sparks::screen::{chat, login, room};
use sparks::{Message, Screen, Sparks};
use sparks_config::Settings;
use sparks_domain::{Connection, Language, ListDiff, ThemeChoice};
use sparks_i18n::I18n;
use sparks_matrix::RoomListUpdate;

fn simulate(app: &Sparks) -> Simulator<'_, Message> {
    Simulator::with_settings(sparks::settings(), app.view())
}

/// Runs the messages a simulator produced through the app, as the runtime would.
fn feed(app: &mut Sparks, messages: Vec<Message>) {
    for message in messages {
        let _ = app.update(message);
    }
}

#[test]
fn empty_login_form_explains_what_is_missing() -> Result<(), Error> {
    let home = tempfile::tempdir().expect("tempdir");
    let mut app = support::login_app(home.path(), Settings::default());
    let mut ui = simulate(&app);
    ui.click("Sign in")?;
    let messages: Vec<_> = ui.into_messages().collect();
    assert!(!messages.is_empty(), "clicking Sign in sends a message");
    feed(&mut app, messages);
    let mut ui = simulate(&app);
    ui.find("Enter your username.")?;
    Ok(())
}

#[test]
fn bad_user_id_and_bad_url_are_named() -> Result<(), Error> {
    let home = tempfile::tempdir().expect("tempdir");
    let mut app = support::login_app(home.path(), Settings::default());

    let mut ui = simulate(&app);
    ui.click(Id::new(login::USERNAME))?;
    ui.typewrite("@alice");
    ui.click(Id::new(login::PASSWORD))?;
    ui.typewrite("secret");
    ui.click("Sign in")?;
    let messages: Vec<_> = ui.into_messages().collect();
    feed(&mut app, messages);
    simulate(&app)
        .find("“@alice” is not a valid Matrix user ID. It looks like @name:example.org.")?;

    let mut app = support::login_app(
        home.path(),
        Settings {
            last_username: Some("alice".into()),
            ..Settings::default()
        },
    );
    let mut ui = simulate(&app);
    ui.click(Id::new(login::HOMESERVER))?;
    ui.typewrite("ftp://example.org");
    ui.click(Id::new(login::PASSWORD))?;
    ui.typewrite("secret");
    ui.click("Sign in")?;
    let messages: Vec<_> = ui.into_messages().collect();
    feed(&mut app, messages);
    simulate(&app).find("“ftp://example.org” is not a valid server address. Try matrix.example.org or https://matrix.example.org.")?;
    Ok(())
}

#[test]
fn a_valid_form_starts_signing_in_and_server_errors_are_shown() -> Result<(), Error> {
    let home = tempfile::tempdir().expect("tempdir");
    let settings = Settings {
        last_homeserver: Some("matrix.example.org".into()),
        last_username: Some("alice".into()),
        ..Settings::default()
    };
    let mut app = support::login_app(home.path(), settings);

    let mut ui = simulate(&app);
    ui.click(Id::new(login::PASSWORD))?;
    ui.typewrite("hunter2");
    ui.click("Sign in")?;
    let messages: Vec<_> = ui.into_messages().collect();
    feed(&mut app, messages);
    let mut ui = simulate(&app);
    ui.find("Signing in…")?;
    assert!(
        ui.click("Signing in…").is_ok() && ui.into_messages().next().is_none(),
        "the button is disabled while signing in"
    );

    let _ = app.update(Message::LoggedIn(Err(
        sparks_matrix::LoginError::WrongPassword,
    )));
    let mut ui = simulate(&app);
    ui.find("Wrong username or password.")?;
    ui.find("Sign in")?;
    Ok(())
}

#[test]
fn the_login_form_speaks_german() -> Result<(), Error> {
    let home = tempfile::tempdir().expect("tempdir");
    let app = support::login_app(
        home.path(),
        Settings {
            language: Some(Language::German),
            ..Settings::default()
        },
    );
    let mut ui = simulate(&app);
    ui.find("Anmelden")?;
    ui.find("Passwort")?;
    assert!(matches!(app.screen(), Screen::Login(_)));
    Ok(())
}

fn home_view<'a>(home: &'a home::Home, i18n: &'a I18n) -> Simulator<'a, home::Message> {
    support::home_view(home, i18n, 768.0)
}

#[test]
fn room_list_shows_rooms_and_follows_live_diffs() -> Result<(), Error> {
    let en = I18n::new(Language::English);
    let mut home = support::home_with_rooms();
    {
        let mut ui = home_view(&home, &en);
        ui.find("Design team")?;
        ui.find("Carol: Review on Friday? @alice")?;
        ui.find("14 min")?;
        ui.find("You: Sounds good, see you Thursday!")?;
        ui.find("Invitation")?;
    }

    // A new message arrives in Engineering: the backend moves it to the top with a new preview.
    let mut engineering = support::sample_rooms()[3].clone();
    engineering
        .last_message
        .as_mut()
        .expect("has a message")
        .body = "Rollback done".into();
    engineering.unread = 1;
    home.update(home::Message::Rooms(RoomListUpdate::Diffs(vec![
        ListDiff::Remove { index: 3 },
        ListDiff::PushFront(engineering),
    ])));
    assert_eq!(home.chat().rooms()[0].name, "Engineering");
    let mut ui = home_view(&home, &en);
    ui.find("Carol: Rollback done")?;
    ui.click("Engineering")?;
    let selected: Vec<_> = ui.into_messages().collect();
    assert!(
        matches!(selected.as_slice(), [home::Message::Chat(chat::Message::Select(id))] if id == "!eng:example.org")
    );
    Ok(())
}

#[test]
fn empty_and_offline_room_lists_say_so() -> Result<(), Error> {
    let en = I18n::new(Language::English);
    let mut home = home::Home::new(support::identity(), sparks_config::Drafts::default());
    home_view(&home, &en).find("Loading your rooms…")?;
    home.update(home::Message::Connection(Connection::Offline));
    home_view(&home, &en).find("Offline. Showing your saved conversations; retrying.")?;
    home.update(home::Message::Rooms(RoomListUpdate::Loaded(true)));
    home.update(home::Message::Connection(Connection::Online));
    home_view(&home, &en).find("No conversations yet")?;
    Ok(())
}

#[test]
fn service_pages_say_what_the_organisation_has_set_up() -> Result<(), Error> {
    use sparks::screen::service::Offer;
    use sparks_middleware_client::Services;
    let en = I18n::new(Language::English);
    let mut home = support::home_with_rooms();
    home.update(home::Message::Nav(Nav::Meetings));

    home.set_offer(Offer::NoMiddleware);
    home_view(&home, &en).find("Meetings · Not connected yet")?;

    home.set_offer(Offer::Known(Services {
        meetings: true,
        ..Services::default()
    }));
    home_view(&home, &en).find(
        "Meetings are set up for your organisation. This version of Sparks cannot join them yet.",
    )?;
    home.update(home::Message::Nav(Nav::Calendar));
    home_view(&home, &en).find("Calendar · Not set up")?;

    let problem = "The Sparks server does not answer: connection refused";
    home.set_offer(Offer::Failed(problem.into()));
    let mut ui = home_view(&home, &en);
    ui.find(problem)?;
    ui.click("Try again")?;
    let actions = run!(home, ui);
    assert!(matches!(actions[..], [home::Action::ConnectServices]));
    assert_eq!(home.offer(), &Offer::Checking, "asking again");
    Ok(())
}

#[test]
fn rail_switches_areas_and_settings_report_intents() -> Result<(), Error> {
    let en = I18n::new(Language::English);
    let mut home = support::home_with_rooms();
    let mut ui = home_view(&home, &en);
    ui.click("Meetings")?;
    for message in ui.into_messages().collect::<Vec<_>>() {
        home.update(message);
    }
    assert_eq!(home.nav(), Nav::Meetings);
    home_view(&home, &en).find("Asking your organisation's Sparks server what is set up…")?;

    home.update(home::Message::Nav(Nav::Settings));
    let mut ui = home_view(&home, &en);
    ui.find("Signed in as @alice:example.org")?;
    ui.click("Deutsch")?;
    ui.click("Dark")?;
    ui.click("Sign out")?;
    let actions: Vec<_> = ui.into_messages().map(|m| home.update(m)).collect();
    assert!(matches!(
        actions[0],
        home::Action::Language(Some(Language::German))
    ));
    assert!(matches!(actions[1], home::Action::Theme(ThemeChoice::Dark)));
    assert!(matches!(actions[2], home::Action::Logout));
    let mut ui = home_view(&home, &en);
    ui.find("Signing out…")?;
    Ok(())
}

#[test]
fn settings_that_cannot_be_saved_say_so() -> Result<(), Error> {
    let en = I18n::new(Language::English);
    let mut home = support::home_with_rooms();
    home.update(home::Message::Nav(Nav::Settings));
    let problem = en.tr_args(
        "settings-save-error",
        [("details", "No space left on device".into())],
    );
    let cx = support::context(&en, None, Some(&problem));
    let mut ui = Simulator::with_settings(sparks::settings(), home.view(cx));
    ui.find("Your settings could not be saved: No space left on device")?;
    Ok(())
}

#[test]
fn selecting_a_room_opens_it_and_the_composer_sends() -> Result<(), Error> {
    let en = I18n::new(Language::English);
    let mut home = support::home_with_rooms();
    let action = home.update(home::Message::Chat(chat::Message::Select(
        "!design:example.org".into(),
    )));
    assert!(matches!(action, home::Action::OpenRoom(ref id) if id == "!design:example.org"));
    // Invitations and spaces have no timeline to open.
    let mut other = support::home_with_rooms();
    assert!(matches!(
        other.update(home::Message::Chat(chat::Message::Select(
            "!book:example.org".into()
        ))),
        home::Action::None
    ));

    home.update(home::Message::Timeline(
        "!design:example.org".into(),
        vec![ListDiff::Reset(support::sample_timeline())],
    ));
    {
        let mut ui = home_view(&home, &en);
        ui.find("I pushed the new dark palette to the shared folder.")?;
        ui.find("Bob Brandt joined")?;
        ui.find("New messages")?;
        ui.find("Sending…")?;
        ui.find("Waiting for the key to decrypt this message.")?;
    }
    // Updates for another room are ignored.
    home.update(home::Message::Timeline(
        "!eng:example.org".into(),
        vec![ListDiff::Clear],
    ));
    assert_eq!(
        home.chat().room().map(|r| r.items().len()),
        Some(support::sample_timeline().len())
    );

    let mut ui = home_view(&home, &en);
    ui.click(Id::new(sparks::screen::room::COMPOSER))?;
    ui.typewrite("See you Friday");
    ui.tap_key(iced::keyboard::key::Named::Enter);
    let actions: Vec<_> = ui.into_messages().map(|m| home.update(m)).collect();
    assert!(
        actions.iter().any(|a| matches!(
            a,
            home::Action::Room(room::Action::Do(room::Command::Send(out))) if out.text == "See you Friday"
        )),
        "typing and Enter send the draft"
    );
    // The draft is cleared; an empty composer sends nothing.
    let mut ui = home_view(&home, &en);
    ui.click(Id::new(sparks::screen::room::COMPOSER))?;
    ui.tap_key(iced::keyboard::key::Named::Enter);
    let actions: Vec<_> = ui.into_messages().map(|m| home.update(m)).collect();
    assert!(
        !actions
            .iter()
            .any(|a| matches!(a, home::Action::Room(room::Action::Do(_)))),
        "an empty composer sends nothing"
    );
    Ok(())
}

fn command(actions: &[home::Action]) -> Option<&room::Command> {
    actions.iter().find_map(|a| match a {
        home::Action::Room(room::Action::Do(command)) => Some(command),
        _ => None,
    })
}

#[test]
fn message_actions_reply_edit_react_and_delete() -> Result<(), Error> {
    let en = I18n::new(Language::English);
    let mut home = support::home_with_open_room();

    // Someone else's message: react and reply, but no edit or delete.
    let mut ui = home_view(&home, &en);
    ui.click("Friday works. I'll bring the print-outs.")?;
    let _ = run!(home, ui);
    let mut ui = home_view(&home, &en);
    ui.find("Reply")?;
    ui.click("👍")?;
    let actions = run!(home, ui);
    assert_eq!(
        command(&actions),
        Some(&room::Command::React {
            event: "$m5".into(),
            key: "👍".into()
        })
    );
    let mut ui = home_view(&home, &en);
    ui.click("Friday works. I'll bring the print-outs.")?;
    let _ = run!(home, ui);
    // Asking to edit it anyway (a stale click) does nothing.
    home.update(home::Message::Chat(chat::Message::Room(
        room::Message::Edit("$m5".into()),
    )));
    assert_eq!(
        home.chat().room().map(|r| r.composer().target()),
        Some(&room::Target::New)
    );
    let mut ui = home_view(&home, &en);
    ui.click("Reply")?;
    let _ = run!(home, ui);
    let mut ui = home_view(&home, &en);
    ui.find("Replying to Carol Nguyen")?;
    ui.click(Id::new(room::COMPOSER))?;
    ui.typewrite("Yes");
    ui.tap_key(iced::keyboard::key::Named::Enter);
    let actions = run!(home, ui);
    let Some(room::Command::Send(sent)) = command(&actions) else {
        panic!("nothing sent: {:?}", actions.len())
    };
    assert_eq!(
        (sent.text.as_str(), sent.reply_to.as_deref()),
        ("Yes", Some("$m5"))
    );

    // Our own message: edit it.
    let mine = "Thanks both! Shall we review it on Friday?";
    let mut ui = home_view(&home, &en);
    ui.click(mine)?;
    let _ = run!(home, ui);
    let mut ui = home_view(&home, &en);
    ui.click("Edit")?;
    let _ = run!(home, ui);
    let mut ui = home_view(&home, &en);
    ui.find("Editing your message")?;
    ui.click("Save")?;
    let actions = run!(home, ui);
    assert!(matches!(
        command(&actions),
        Some(room::Command::Edit { event, message }) if event == "$m4" && message.text == mine
    ));

    // …and delete it, after confirming.
    let mut ui = home_view(&home, &en);
    ui.click(mine)?;
    let _ = run!(home, ui);
    let mut ui = home_view(&home, &en);
    ui.click("Delete")?;
    assert!(command(&run!(home, ui)).is_none(), "asks first");
    let mut ui = home_view(&home, &en);
    ui.find("Delete for everyone?")?;
    ui.click("Delete")?;
    let actions = run!(home, ui);
    assert_eq!(
        command(&actions),
        Some(&room::Command::Redact("$m4".into()))
    );

    // A reaction under a message toggles ours.
    let mut ui = home_view(&home, &en);
    ui.click("👍 2")?;
    let actions = run!(home, ui);
    assert_eq!(
        command(&actions),
        Some(&room::Command::React {
            event: "$m5b".into(),
            key: "👍".into()
        })
    );
    Ok(())
}

#[test]
fn typing_at_suggests_members_and_sends_a_mention() -> Result<(), Error> {
    let en = I18n::new(Language::English);
    let mut home = support::home_with_open_room();
    support::add_members(&mut home);
    let mut ui = home_view(&home, &en);
    ui.click(Id::new(room::COMPOSER))?;
    ui.typewrite("Thanks @car");
    let _ = run!(home, ui);
    let mut ui = home_view(&home, &en);
    assert!(ui.find("@bob:example.org").is_err(), "only matching people");
    ui.click("@carol:example.org")?;
    let _ = run!(home, ui);
    assert_eq!(
        home.chat().room().map(|r| r.composer().text()),
        Some("Thanks @Carol Nguyen ")
    );
    let mut ui = home_view(&home, &en);
    ui.click("Send")?;
    let actions = run!(home, ui);
    let Some(room::Command::Send(sent)) = command(&actions) else {
        panic!("nothing sent")
    };
    assert_eq!(sent.mentions[0].user_id, "@carol:example.org");
    Ok(())
}

#[test]
fn the_room_filter_and_quick_switcher_find_rooms() -> Result<(), Error> {
    let en = I18n::new(Language::English);
    let mut home = support::home_with_rooms();
    let mut ui = home_view(&home, &en);
    ui.click(Id::new(chat::FILTER))?;
    ui.typewrite("book");
    let _ = run!(home, ui);
    let mut ui = home_view(&home, &en);
    ui.find("Book club")?;
    assert!(ui.find("Design team").is_err(), "filtered out");
    drop(ui);

    home.open_switcher();
    assert!(home.switcher_open());
    let mut ui = home_view(&home, &en);
    ui.click(Id::new(chat::SWITCHER))?;
    ui.typewrite("eng");
    let _ = run!(home, ui);
    // Enter opens the best match.
    let mut ui = home_view(&home, &en);
    ui.click(Id::new(chat::SWITCHER))?;
    ui.tap_key(iced::keyboard::key::Named::Enter);
    let actions = run!(home, ui);
    assert!(
        actions
            .iter()
            .any(|a| matches!(a, home::Action::OpenRoom(id) if id == "!eng:example.org")),
        "Enter opens Engineering"
    );
    assert!(!home.switcher_open());
    // Escape closes it.
    home.open_switcher();
    home.escape();
    assert!(!home.switcher_open());
    Ok(())
}

#[test]
fn drafts_come_back_and_changes_are_saved() -> Result<(), Error> {
    let en = I18n::new(Language::English);
    let mut drafts = sparks_config::Drafts::default();
    drafts.set("!design:example.org", "half a thought");
    let mut home = home::Home::new(support::identity(), drafts);
    home.update(home::Message::Rooms(RoomListUpdate::Diffs(vec![
        ListDiff::Reset(support::sample_rooms()),
    ])));
    home.update(home::Message::Chat(chat::Message::Select(
        "!design:example.org".into(),
    )));
    assert_eq!(
        home.chat().room().map(|r| r.composer().text()),
        Some("half a thought")
    );
    let mut ui = home_view(&home, &en);
    ui.click(Id::new(room::COMPOSER))?;
    ui.typewrite("!");
    let actions = run!(home, ui);
    assert!(
        actions
            .iter()
            .any(|a| matches!(a, home::Action::SaveDrafts))
    );
    assert_eq!(
        home.chat().drafts().get("!design:example.org"),
        "half a thought!"
    );
    Ok(())
}

#[test]
fn new_conversations_start_from_the_room_list() -> Result<(), Error> {
    let en = I18n::new(Language::English);
    let mut home = support::home_with_rooms();
    let mut ui = home_view(&home, &en);
    ui.click("New")?;
    let _ = run!(home, ui);
    let mut ui = home_view(&home, &en);
    ui.find("Start a conversation")?;
    ui.click(Id::new(sparks::screen::new_room::FIRST_FIELD))?;
    ui.typewrite("@dana:example.org");
    ui.tap_key(iced::keyboard::key::Named::Enter);
    let actions = run!(home, ui);
    assert!(actions.iter().any(|a| matches!(
        a,
        home::Action::CreateRoom(new)
            if new.kind == sparks_domain::NewRoomKind::Direct && new.invite == ["@dana:example.org"]
    )));
    // A refusal shows in the form; success opens the room once the list has it.
    home.room_ready(Err("That user does not exist.".into()));
    home_view(&home, &en).find("That user does not exist.")?;
    assert!(matches!(
        home.room_ready(Ok("!new:example.org".into())),
        home::Action::None
    ));
    let mut fresh = support::sample_rooms()[0].clone();
    fresh.id = "!new:example.org".into();
    fresh.name = "Dana".into();
    let action = home.update(home::Message::Rooms(RoomListUpdate::Diffs(vec![
        ListDiff::PushFront(fresh),
    ])));
    assert!(matches!(action, home::Action::OpenRoom(id) if id == "!new:example.org"));
    Ok(())
}

#[test]
fn invitations_are_joined_or_declined_and_rooms_left() -> Result<(), Error> {
    let en = I18n::new(Language::English);
    let mut home = support::home_with_rooms();
    let book = "!book:example.org";
    home.update(home::Message::Chat(chat::Message::Select(book.into())));
    let mut ui = home_view(&home, &en);
    ui.find("You are invited to this conversation.")?;
    ui.click("Decline")?;
    let actions = run!(home, ui);
    assert!(
        actions
            .iter()
            .any(|a| matches!(a, home::Action::LeaveRoom(id) if id == book))
    );
    let mut ui = home_view(&home, &en);
    ui.click("Join")?;
    let actions = run!(home, ui);
    assert!(
        actions
            .iter()
            .any(|a| matches!(a, home::Action::JoinRoom(id) if id == book))
    );
    // Joined: once the list says it is a room, it opens.
    assert!(matches!(
        home.room_ready(Ok(book.into())),
        home::Action::None
    ));
    let index = home
        .chat()
        .rooms()
        .iter()
        .position(|r| r.id == book)
        .expect("listed");
    let mut joined = home.chat().rooms()[index].clone();
    joined.kind = sparks_domain::RoomKind::Group;
    let action = home.update(home::Message::Rooms(RoomListUpdate::Diffs(vec![
        ListDiff::Set {
            index,
            value: joined,
        },
    ])));
    assert!(matches!(action, home::Action::OpenRoom(id) if id == book));

    // Leaving asks first.
    let mut ui = home_view(&home, &en);
    ui.click("Leave")?;
    let actions = run!(home, ui);
    assert!(
        !actions
            .iter()
            .any(|a| matches!(a, home::Action::LeaveRoom(_)))
    );
    let mut ui = home_view(&home, &en);
    ui.find("Leave this room?")?;
    ui.click("Leave")?;
    let actions = run!(home, ui);
    assert!(
        actions
            .iter()
            .any(|a| matches!(a, home::Action::LeaveRoom(id) if id == book))
    );
    home.left(book);
    assert!(home.chat().room().is_none());
    Ok(())
}

#[test]
fn the_members_panel_lists_everyone() -> Result<(), Error> {
    let en = I18n::new(Language::English);
    let mut home = support::home_with_open_room();
    support::add_members(&mut home);
    let mut ui = home_view(&home, &en);
    ui.click("2 members")?;
    let _ = run!(home, ui);
    let mut ui = home_view(&home, &en);
    ui.find("@carol:example.org")?;
    ui.find("@bob:example.org")?;
    Ok(())
}

#[test]
fn attachments_show_thumbnails_save_with_progress_and_uploads_cancel() -> Result<(), Error> {
    use sparks::screen::room::Download;
    let en = I18n::new(Language::English);
    let mut home = support::home_with_open_room();
    let action = support::add_attachments(&mut home);
    assert!(
        matches!(&action, home::Action::Thumbnails(room, events)
            if room == "!design:example.org" && events.contains(&"$img1".to_string())
                && !events.contains(&"$file1".to_string())),
        "thumbnails are fetched for pictures only"
    );
    // Asked once: the next update does not ask again.
    let again = home.update(home::Message::Timeline(
        "!design:example.org".into(),
        Vec::new(),
    ));
    assert!(matches!(again, home::Action::None));

    let mut ui = home_view(&home, &en);
    ui.find("brief-v2.pdf")?;
    ui.find("File · 2.5 MB")?;
    ui.find("Sending minutes-2026-11-20.odt — 42%")?;
    ui.click("Cancel")?;
    let actions = run!(home, ui);
    assert!(matches!(
        actions[..],
        [home::Action::Room(room::Action::CancelUpload(1))]
    ));
    assert!(
        home_view(&home, &en)
            .find("Sending minutes-2026-11-20.odt — 42%")
            .is_err()
    );

    let mut ui = home_view(&home, &en);
    ui.click("Save")?;
    let actions = run!(home, ui);
    let saving = match &actions[..] {
        [home::Action::Room(room::Action::Save(event))] => event.clone(),
        other => panic!("expected a save, got {} actions", other.len()),
    };
    let view = home.room_mut("!design:example.org").expect("open");
    view.set_download(
        saving.clone(),
        Some(Download::Running {
            done: 250,
            total: 1000,
        }),
    );
    let mut ui = home_view(&home, &en);
    ui.find("Saving — 25%")?;
    ui.click("Cancel")?;
    let actions = run!(home, ui);
    assert!(
        matches!(&actions[..], [home::Action::Room(room::Action::CancelDownload(e))] if *e == saving)
    );
    let view = home.room_mut("!design:example.org").expect("open");
    view.set_download(
        saving.clone(),
        Some(Download::Saved("/home/alice/Downloads/palette.png".into())),
    );
    let mut ui = home_view(&home, &en);
    ui.find("Saved to /home/alice/Downloads/palette.png")?;
    ui.click("Show")?;
    let actions = run!(home, ui);
    assert!(matches!(
        &actions[..],
        [home::Action::Room(room::Action::ShowFile(_))]
    ));
    let view = home.room_mut("!design:example.org").expect("open");
    view.set_download(
        saving,
        Some(Download::Failed("No space left on device".into())),
    );
    home_view(&home, &en).find("Not saved: No space left on device")?;
    Ok(())
}

#[test]
fn threads_open_from_the_summary_and_the_list_and_replies_go_there() -> Result<(), Error> {
    let en = I18n::new(Language::English);
    let mut home = support::home_with_open_room();
    let mut ui = home_view(&home, &en);
    ui.click("Threads")?;
    let _ = run!(home, ui);
    home_view(&home, &en).find("Loading the threads…")?;
    home.update(home::Message::Threads(
        "!design:example.org".into(),
        Err("M_UNRECOGNIZED".into()),
    ));
    home_view(&home, &en).find("The threads could not be listed: M_UNRECOGNIZED")?;
    home.update(home::Message::Threads(
        "!design:example.org".into(),
        Ok(vec![sparks_domain::ThreadRoot {
            event: "$m5b".into(),
            sender_name: "Bob Brandt".into(),
            text: "Agreed, Alice Demo. I put the final files under design/v2".into(),
            timestamp_ms: support::NOW_MS - 10 * 60_000,
            replies: 3,
            latest: Some(("Carol Nguyen".into(), "Printed in colour this time".into())),
        }]),
    ));
    let mut ui = home_view(&home, &en);
    ui.click("3 replies in thread · Carol Nguyen")?;
    let actions = run!(home, ui);
    let root = match &actions[..] {
        [home::Action::Room(room::Action::OpenThread(root))] => root.clone(),
        _ => panic!("the list opens the thread"),
    };
    let view = home.room_mut("!design:example.org").expect("open");
    assert_eq!(view.thread_root(), Some(root.as_str()));
    home_view(&home, &en).find("Loading the thread…")?;
    let items: Vec<_> = support::sample_timeline()
        .into_iter()
        .filter(|item| matches!(&item.entry, sparks_domain::TimelineEntry::Message(m) if m.event == root))
        .collect();
    home.update(home::Message::ThreadTimeline(
        "!design:example.org".into(),
        root.clone(),
        vec![ListDiff::Reset(items)],
    ));
    let mut ui = home_view(&home, &en);
    ui.find("Thread")?;
    ui.click(Id::new(room::THREAD_COMPOSER))?;
    ui.typewrite("Printed in colour, yes");
    ui.tap_key(iced::keyboard::key::Named::Enter);
    let actions = run!(home, ui);
    assert!(actions.iter().any(|a| matches!(a,
        home::Action::Room(room::Action::ThreadSend(m)) if m.text == "Printed in colour, yes")));
    let mut ui = home_view(&home, &en);
    ui.click("Close")?;
    let actions = run!(home, ui);
    assert!(matches!(
        actions[..],
        [home::Action::Room(room::Action::CloseThread)]
    ));
    Ok(())
}
