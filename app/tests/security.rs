//! The encryption settings and the verification dialog, driven through iced's simulator.

mod support;

use iced_test::{Error, Simulator};
use sparks::screen::home::{self, Action, Home, Nav};
use sparks::screen::{chat, room, security, verification};
use sparks_domain::{Language, Recovery, SasEmoji, Security, VerificationPeer, VerificationStep};
use sparks_i18n::I18n;

const KEY: &str = "EsTc LW2K PGiF wKEA 3As5 aX4g 9NCc WRrC 8mJE 4KGk mdFy iXYL";

fn simulate<'a>(home: &'a Home, i18n: &'a I18n) -> Simulator<'a, home::Message> {
    support::home_view(home, i18n, 1400.0)
}

fn settings(security: Security) -> Home {
    let mut home = support::home_with_rooms();
    home.update(home::Message::Nav(Nav::Settings));
    home.update(home::Message::Security(security));
    home
}

#[test]
fn recovery_is_set_up_and_its_key_shown_once() -> Result<(), Error> {
    let en = I18n::new(Language::English);
    let mut home = settings(Security {
        device_verified: Some(true),
        recovery: Recovery::Disabled,
    });
    let mut ui = simulate(&home, &en);
    ui.find("This session is verified")?;
    ui.find("Recovery is not set up")?;
    ui.click("Set up recovery")?;
    let actions = run!(home, ui);
    assert!(matches!(actions[..], [Action::EnableRecovery]));
    simulate(&home, &en).find("Working…")?;

    home.security_mut().key_created(Ok(KEY.into()));
    let mut ui = simulate(&home, &en);
    ui.find("Your recovery key")?;
    ui.find(KEY)?;
    ui.click("Copy")?;
    let actions = run!(home, ui);
    assert!(matches!(&actions[..], [Action::Copy(key)] if key == KEY));
    let mut ui = simulate(&home, &en);
    ui.find("Copied")?;
    ui.click("I have saved it")?;
    let _ = run!(home, ui);

    // Once saved, the key is gone from the screen.
    home.update(home::Message::Security(Security {
        device_verified: Some(true),
        recovery: Recovery::Enabled,
    }));
    let mut ui = simulate(&home, &en);
    ui.find("Recovery is set up")?;
    assert!(ui.find(KEY).is_err());
    ui.click("Change recovery key")?;
    let actions = run!(home, ui);
    assert!(matches!(actions[..], [Action::EnableRecovery]));
    home.security_mut()
        .key_created(Err("That did not work: server error".into()));
    simulate(&home, &en).find("That did not work: server error")?;
    Ok(())
}

#[test]
fn a_new_session_is_unlocked_with_the_key_or_verified() -> Result<(), Error> {
    let en = I18n::new(Language::English);
    let mut home = settings(Security {
        device_verified: Some(false),
        recovery: Recovery::Incomplete,
    });
    let mut ui = simulate(&home, &en);
    ui.find("This session is not verified yet")?;
    ui.find("Unlock this session with your recovery key")?;
    ui.click("Verify with another session")?;
    let actions = run!(home, ui);
    assert!(matches!(actions[..], [Action::VerifyDevice]));

    let mut ui = simulate(&home, &en);
    ui.click(iced::widget::Id::new(security::KEY_FIELD))?;
    ui.typewrite("wrong key");
    ui.tap_key(iced::keyboard::key::Named::Enter);
    let actions = run!(home, ui);
    assert!(matches!(&actions[..], [.., Action::Recover(key)] if key == "wrong key"));
    home.security_mut()
        .recovered(Err(en.tr("security-error-wrong-key")));
    simulate(&home, &en).find("That recovery key is not right. Check it and try again.")?;

    home.security_mut().recovered(Ok(()));
    home.update(home::Message::Security(Security {
        device_verified: Some(true),
        recovery: Recovery::Enabled,
    }));
    let mut ui = simulate(&home, &en);
    ui.find("This session is verified")?;
    assert!(ui.find("Verify with another session").is_err());
    Ok(())
}

fn emoji() -> Vec<SasEmoji> {
    [
        (0, "🐶", "Dog"),
        (12, "🐟", "Fish"),
        (29, "❤️", "Heart"),
        (36, "👍", "Thumbs Up"),
        (47, "🔑", "Key"),
        (54, "🚀", "Rocket"),
        (63, "📌", "Pin"),
    ]
    .into_iter()
    .map(|(index, symbol, description)| SasEmoji {
        index,
        symbol: symbol.into(),
        description: description.into(),
    })
    .collect()
}

fn asked_by_bob() -> VerificationPeer {
    VerificationPeer {
        user_id: "@bob:example.org".into(),
        own_device: false,
        incoming: true,
    }
}

#[test]
fn an_incoming_verification_compares_emoji_and_finishes() -> Result<(), Error> {
    let en = I18n::new(Language::English);
    let mut home = support::home_with_rooms();
    assert!(home.verification_started("flow-1".into(), asked_by_bob()));
    // A second request while one runs is turned away.
    assert!(!home.verification_started("flow-2".into(), asked_by_bob()));

    let mut ui = simulate(&home, &en);
    ui.find("Verify @bob:example.org")?;
    ui.find("@bob:example.org wants to verify you.")?;
    ui.click("Verify")?;
    let actions = run!(home, ui);
    assert!(matches!(
        actions[..],
        [Action::Verification(verification::Action::Accept)]
    ));

    // Steps of another verification are not this one's.
    home.update(home::Message::VerificationStep(
        "flow-2".into(),
        VerificationStep::Done,
    ));
    home.update(home::Message::VerificationStep(
        "flow-1".into(),
        VerificationStep::Compare(emoji()),
    ));
    let mut ui = simulate(&home, &en);
    ui.find("Check that the other screen shows the same emoji in the same order.")?;
    for name in ["Dog", "Fish", "Heart", "Thumbs Up", "Key", "Rocket", "Pin"] {
        ui.find(name)?;
    }
    ui.click("They match")?;
    let actions = run!(home, ui);
    assert!(matches!(
        actions[..],
        [Action::Verification(verification::Action::Confirm)]
    ));
    // Until the next step, the buttons wait.
    let mut ui = simulate(&home, &en);
    ui.click("They match")?;
    assert!(run!(home, ui).is_empty());

    home.update(home::Message::VerificationStep(
        "flow-1".into(),
        VerificationStep::Done,
    ));
    let mut ui = simulate(&home, &en);
    ui.find("@bob:example.org is verified.")?;
    ui.click("Close")?;
    let actions = run!(home, ui);
    assert!(matches!(
        actions[..],
        [Action::Verification(verification::Action::Dismiss)]
    ));
    assert!(home.verification().is_none());
    Ok(())
}

#[test]
fn emoji_names_follow_the_language_and_a_mismatch_warns() -> Result<(), Error> {
    let de = I18n::new(Language::German);
    let mut home = support::home_with_rooms();
    home.verification_started(
        "flow".into(),
        VerificationPeer {
            user_id: "@alice:example.org".into(),
            own_device: true,
            incoming: false,
        },
    );
    let mut ui = simulate(&home, &de);
    ui.find("Andere Sitzung verifizieren")?;
    ui.find("Nimm die Anfrage in deiner anderen Sitzung an.")?;
    drop(ui);
    home.update(home::Message::VerificationStep(
        "flow".into(),
        VerificationStep::Compare(emoji()),
    ));
    let mut ui = simulate(&home, &de);
    for name in [
        "Hund",
        "Fisch",
        "Herz",
        "Daumen hoch",
        "Schlüssel",
        "Rakete",
        "Stecknadel",
    ] {
        ui.find(name)?;
    }
    ui.click("Sie stimmen nicht überein")?;
    let actions = run!(home, ui);
    assert!(matches!(
        actions[..],
        [Action::Verification(verification::Action::Mismatch)]
    ));
    home.update(home::Message::VerificationStep(
        "flow".into(),
        VerificationStep::Cancelled {
            by_us: true,
            reason: "The short auth string did not match".into(),
        },
    ));
    let en = I18n::new(Language::English);
    let mut ui = simulate(&home, &en);
    ui.find("The emoji did not match, so the verification was stopped. Someone may be listening in; try again and tell the other person.")?;
    Ok(())
}

#[test]
fn a_waiting_verification_can_be_cancelled() -> Result<(), Error> {
    let en = I18n::new(Language::English);
    let mut home = support::home_with_rooms();
    home.verification_started(
        "flow".into(),
        VerificationPeer {
            user_id: "@bob:example.org".into(),
            own_device: false,
            incoming: false,
        },
    );
    let mut ui = simulate(&home, &en);
    ui.find("Waiting for @bob:example.org to accept…")?;
    ui.click("Cancel")?;
    let actions = run!(home, ui);
    assert!(matches!(
        actions[..],
        [Action::Verification(verification::Action::Cancel)]
    ));
    Ok(())
}

#[test]
fn members_can_be_verified_from_the_members_panel() -> Result<(), Error> {
    let en = I18n::new(Language::English);
    let mut home = support::home_with_open_room();
    support::add_members(&mut home);
    home.update(home::Message::Chat(chat::Message::Room(
        room::Message::ToggleMembers,
    )));
    let mut ui = simulate(&home, &en);
    ui.click("Verify")?;
    let actions = run!(home, ui);
    assert!(
        matches!(&actions[..], [Action::VerifyUser(user)] if user.starts_with('@') && user != "@alice:example.org"),
        "one Verify per other member"
    );
    Ok(())
}
