//! Settings → Devices, driven through iced's simulator: the machine is asked once, its devices
//! are offered beside the system's and the test sources, and a choice is an intent.

#[macro_use]
mod support;

use iced_test::{Error, Simulator};
use sparks::screen::home::{self, Action, Home, Nav};
use sparks::screen::settings::{self, devices::Found};
use sparks_devices::DeviceKind;
use sparks_domain::{DeviceChoice, Devices, Language};
use sparks_i18n::I18n;

fn view<'a>(home: &'a Home, i18n: &'a I18n, devices: &'a Devices) -> Simulator<'a, home::Message> {
    let cx = home::Context {
        devices,
        ..support::context(i18n, None, None)
    };
    Simulator::with_size(
        sparks::settings(),
        iced::Size::new(1180.0, 1600.0),
        home.view(cx),
    )
}

#[test]
fn the_machine_is_asked_once_and_its_devices_are_offered() -> Result<(), Error> {
    let en = I18n::new(Language::English);
    let mut home = support::home_with_rooms();
    let first = home.update(home::Message::Nav(Nav::Settings));
    assert!(matches!(first, Action::ListDevices), "the first visit asks");
    view(&home, &en, &support::SYSTEM_DEVICES).find("Looking for devices…")?;

    home.update(home::Message::Settings(settings::Message::Found(
        support::sample_devices(),
    )));
    home.update(home::Message::Nav(Nav::Chat));
    let again = home.update(home::Message::Nav(Nav::Settings));
    assert!(matches!(again, Action::None), "asked once");

    // Chosen: the test tone, and a camera that is not connected now.
    let chosen = Devices {
        microphone: DeviceChoice::Test,
        camera: DeviceChoice::Named("/dev/video9".into()),
        speaker: DeviceChoice::Named("hw:0,0".into()),
    };
    let mut ui = view(&home, &en, &chosen);
    ui.find("Devices")?;
    ui.find("Test tone")?;
    ui.find("/dev/video9 (not connected)")?;
    ui.find("Built-in speakers")?;
    ui.find("Some devices could not be listed: the sound system did not answer")?;
    ui.click("Look again")?;
    let actions = run!(home, ui);
    assert!(matches!(actions[..], [Action::ListDevices]), "looks again");

    // The camera found is offered beside the system's and the test pattern.
    let mut ui = view(&home, &en, &chosen);
    ui.find("Test pattern")?;
    ui.click("Integrated camera")?;
    let actions = run!(home, ui);
    assert!(
        matches!(
            &actions[..],
            [Action::Device(DeviceKind::Camera, DeviceChoice::Named(id))] if id == "/dev/video0"
        ),
        "the choice is an intent"
    );
    Ok(())
}

#[test]
fn the_test_sources_are_offered_in_german() -> Result<(), Error> {
    let de = I18n::new(Language::German);
    let mut home = support::home_with_rooms();
    home.update(home::Message::Nav(Nav::Settings));
    home.update(home::Message::Settings(settings::Message::Found(Found {
        devices: Vec::new(),
        problems: Vec::new(),
    })));
    let chosen = Devices {
        speaker: DeviceChoice::Named("hw:2,0".into()),
        ..support::SYSTEM_DEVICES.clone()
    };
    let mut ui = view(&home, &de, &chosen);
    ui.find("Geräte")?;
    ui.find("Lautsprecher")?;
    ui.find("hw:2,0 (nicht angeschlossen)")?;
    ui.click("Testton")?;
    ui.click("Testbild")?;
    let actions = run!(home, ui);
    assert!(
        matches!(
            actions[..],
            [
                Action::Device(DeviceKind::Microphone, DeviceChoice::Test),
                Action::Device(DeviceKind::Camera, DeviceChoice::Test)
            ]
        ),
        "the choice is an intent"
    );
    Ok(())
}
