//! Room settings, driven through iced's simulator.

mod support;

use iced::widget::Id;
use sparks::screen::home;
use sparks::screen::room::{self, Change};
use sparks_domain::{Language, RoomDetails};
use sparks_i18n::I18n;

const ROOM: &str = "!design:example.org";

fn details(admin: bool, encrypted: bool) -> RoomDetails {
    RoomDetails {
        name: "Design team".into(),
        topic: "Posters and flyers".into(),
        avatar: None,
        encrypted,
        may_rename: admin,
        may_set_topic: admin,
        may_set_avatar: admin,
        may_encrypt: admin && !encrypted,
    }
}

fn open_settings(home: &mut home::Home, en: &I18n, details: RoomDetails) {
    home.update(home::Message::RoomDetails(ROOM.into(), details));
    let mut ui = support::home_view(home, en, 900.0);
    ui.click("Room settings").expect("a Room settings button");
    let _ = run!(home, ui);
}

#[test]
fn admins_rename_describe_and_encrypt_the_room() -> Result<(), iced_test::Error> {
    let en = I18n::new(Language::English);
    let mut home = support::home_with_open_room();
    open_settings(&mut home, &en, details(true, false));
    let mut ui = support::home_view(&home, &en, 900.0);
    ui.find("Posters and flyers")?;
    ui.find("Messages here are not encrypted.")?;
    ui.click(Id::new(room::SETTINGS_NAME))?;
    ui.tap_key(iced::keyboard::key::Named::End);
    ui.typewrite(" 2027");
    let _ = run!(home, ui);

    let mut ui = support::home_view(&home, &en, 900.0);
    ui.click("Save")?;
    let actions = run!(home, ui);
    assert!(
        actions.iter().any(|a| matches!(a,
            home::Action::Room(room::Action::Settings(Change::Describe { name: Some(n), topic: None }))
                if n == "Design team 2027")),
        "only the name changed"
    );
    support::home_view(&home, &en, 900.0).find("Saving…")?;
    home.room_mut(ROOM).expect("open").settings_done(None);
    let mut renamed = details(true, false);
    renamed.name = "Design team 2027".into();
    home.update(home::Message::RoomDetails(ROOM.into(), renamed));

    // Encryption asks first: it cannot be turned off again.
    let mut ui = support::home_view(&home, &en, 900.0);
    ui.click("Turn on encryption")?;
    let _ = run!(home, ui);
    let mut ui = support::home_view(&home, &en, 900.0);
    ui.find("Encryption cannot be turned off again. Bots and bridges without encryption support will no longer read new messages.")?;
    ui.click("Turn on encryption")?;
    let actions = run!(home, ui);
    assert!(actions.iter().any(|a| matches!(
        a,
        home::Action::Room(room::Action::Settings(Change::Encrypt))
    )));
    home.room_mut(ROOM).expect("open").settings_done(Some(
        "Only some members of this room may change that.".into(),
    ));
    home.update(home::Message::RoomDetails(ROOM.into(), details(true, true)));
    let mut ui = support::home_view(&home, &en, 900.0);
    ui.find("Messages here are end-to-end encrypted.")?;
    ui.find("Only some members of this room may change that.")?;
    assert!(ui.find("Turn on encryption").is_err(), "no second time");
    Ok(())
}

#[test]
fn members_without_power_see_settings_they_cannot_change() -> Result<(), iced_test::Error> {
    let en = I18n::new(Language::English);
    let mut home = support::home_with_open_room();
    open_settings(&mut home, &en, details(false, true));
    let mut ui = support::home_view(&home, &en, 900.0);
    ui.find("Only the room's admins and moderators can change these.")?;
    assert!(ui.find("Change picture").is_err());
    assert!(ui.find("Save").is_err());
    ui.click(Id::new(room::SETTINGS_NAME))?;
    ui.typewrite("Mine now");
    let actions = run!(home, ui);
    assert!(actions.is_empty() || actions.iter().all(|a| matches!(a, home::Action::None)));
    Ok(())
}

#[test]
fn a_new_picture_is_fetched_and_a_removed_one_dropped() {
    let mut home = support::home_with_open_room();
    let mut with_picture = details(true, false);
    with_picture.avatar = Some("mxc://example.org/abc".into());
    let action = home.update(home::Message::RoomDetails(
        ROOM.into(),
        with_picture.clone(),
    ));
    assert!(matches!(action, home::Action::RoomPicture(ref id) if id == ROOM));
    let again = home.update(home::Message::RoomDetails(ROOM.into(), with_picture));
    assert!(
        matches!(again, home::Action::None),
        "the same picture is not fetched twice"
    );
    let removed = home.update(home::Message::RoomDetails(
        ROOM.into(),
        details(true, false),
    ));
    assert!(matches!(removed, home::Action::None));
}

#[test]
fn spaces_group_their_rooms_and_fold_away() -> Result<(), iced_test::Error> {
    let en = I18n::new(Language::English);
    let mut home = support::home_with_rooms();
    let mut ui = support::home_view(&home, &en, 900.0);
    ui.find("Engineering")?;
    ui.click("Sparks Project")?;
    let _ = run!(home, ui);
    let mut ui = support::home_view(&home, &en, 900.0);
    assert!(ui.find("Engineering").is_err(), "folded away");
    assert!(ui.find("Announcements").is_err(), "folded away");
    ui.find("Book club")?;
    ui.click("Sparks Project")?;
    let _ = run!(home, ui);
    let mut ui = support::home_view(&home, &en, 900.0);
    ui.find("Announcements")?;
    // Filtering searches every room, grouped or not.
    ui.click(Id::new(sparks::screen::chat::FILTER))?;
    ui.typewrite("eng");
    let _ = run!(home, ui);
    support::home_view(&home, &en, 900.0).find("Engineering")?;
    Ok(())
}

fn open_room_view(home: &mut home::Home) -> &mut room::Room {
    home.room_mut(ROOM).expect("the design room is open")
}

#[test]
fn jump_to_unread_shows_the_conversation_from_the_read_marker() -> Result<(), iced_test::Error> {
    let en = I18n::new(Language::English);
    let mut home = support::home_with_open_room();
    let mut ui = support::home_view(&home, &en, 900.0);
    ui.find("2 unread messages")?;
    ui.click("Jump to first unread")?;
    let actions = run!(home, ui);
    assert!(
        actions.iter().all(|a| matches!(a, home::Action::None)),
        "the marker is loaded: nothing to fetch"
    );
    let mut ui = support::home_view(&home, &en, 900.0);
    ui.find("Show earlier messages")?;
    ui.find("Friday works. I'll bring the print-outs.")?;
    assert!(
        ui.find("Thanks both! Shall we review it on Friday?")
            .is_err(),
        "what was read before stays above"
    );
    assert!(ui.find("2 unread messages").is_err(), "the offer is used");
    ui.click("Show earlier messages")?;
    let _ = run!(home, ui);
    support::home_view(&home, &en, 900.0).find("Thanks both! Shall we review it on Friday?")?;
    Ok(())
}

#[test]
fn jump_to_unread_loads_earlier_pages_until_the_marker_arrives() -> Result<(), iced_test::Error> {
    use sparks_domain::{ListDiff, TimelineEntry};
    let en = I18n::new(Language::English);
    let mut home = support::home_with_open_room();
    let all = support::sample_timeline();
    let marker = all
        .iter()
        .position(|i| i.entry == TimelineEntry::ReadMarker)
        .expect("a marker");
    // Only the newest messages are loaded: no marker, not the start.
    let newest: Vec<_> = all[marker + 1..].to_vec();
    home.update(home::Message::Timeline(
        ROOM.into(),
        vec![ListDiff::Reset(newest)],
    ));
    let mut ui = support::home_view(&home, &en, 900.0);
    ui.click("Jump to first unread")?;
    let actions = run!(home, ui);
    assert!(actions.iter().any(|a| matches!(
        a,
        home::Action::Room(room::Action::Do(room::Command::LoadOlder))
    )));
    support::home_view(&home, &en, 900.0).find("Looking for the first unread message…")?;
    // A page without the marker: the next one is asked for.
    assert!(matches!(
        open_room_view(&mut home).older_loaded(None),
        room::Action::Do(room::Command::LoadOlder)
    ));
    // The page with the marker arrives (before its answer does).
    let older: Vec<_> = all[..=marker].iter().rev().cloned().collect();
    let diffs = older.into_iter().map(ListDiff::PushFront).collect();
    home.update(home::Message::Timeline(ROOM.into(), diffs));
    assert!(matches!(
        open_room_view(&mut home).older_loaded(None),
        room::Action::None
    ));
    let mut ui = support::home_view(&home, &en, 900.0);
    ui.find("Show earlier messages")?;
    ui.find("Friday works. I'll bring the print-outs.")?;
    Ok(())
}

#[test]
fn read_receipts_show_under_the_last_message_read() -> Result<(), iced_test::Error> {
    use sparks_domain::{ListDiff, TimelineEntry};
    let en = I18n::new(Language::English);
    let mut home = support::home_with_open_room();
    let mut items = support::sample_timeline();
    for item in &mut items {
        if let TimelineEntry::Message(m) = &mut item.entry
            && m.event == "$m5b"
        {
            m.read_by = (1..=6).map(|i| format!("@reader{i}:example.org")).collect();
        }
    }
    home.update(home::Message::Timeline(
        ROOM.into(),
        vec![ListDiff::Reset(items)],
    ));
    let mut ui = support::home_view(&home, &en, 900.0);
    ui.find("+2")?;
    Ok(())
}

#[test]
fn scrolling_near_the_top_loads_earlier_messages_once() {
    use sparks_domain::{ListDiff, TimelineEntry};
    let mut home = support::home_with_open_room();
    // Not the whole history: no start of the room loaded.
    let items: Vec<_> = support::sample_timeline()
        .into_iter()
        .filter(|i| i.entry != TimelineEntry::Start)
        .collect();
    home.update(home::Message::Timeline(
        ROOM.into(),
        vec![ListDiff::Reset(items)],
    ));
    let scrolled = |home: &mut home::Home, from_top: f32| {
        home.update(home::Message::Chat(sparks::screen::chat::Message::Room(
            room::Message::Scrolled(from_top),
        )))
    };
    assert!(matches!(scrolled(&mut home, 900.0), home::Action::None));
    assert!(matches!(
        scrolled(&mut home, 120.0),
        home::Action::Room(room::Action::Do(room::Command::LoadOlder))
    ));
    assert!(
        matches!(scrolled(&mut home, 40.0), home::Action::None),
        "one page at a time"
    );
    let _ = open_room_view(&mut home).older_loaded(None);
    assert!(matches!(
        scrolled(&mut home, 10.0),
        home::Action::Room(room::Action::Do(room::Command::LoadOlder))
    ));
}
