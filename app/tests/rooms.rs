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
