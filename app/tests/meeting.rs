//! The meeting page and the ways into it, driven through iced's simulator.

mod support;

use iced_test::{Error, Simulator};
use sparks::screen::meeting::{Action, Meeting, Message, Phase};
use sparks_call::{CallError, CallEvent, TrackKind};
use sparks_devices::DeviceKind;
use sparks_domain::Language;
use sparks_i18n::I18n;

/// Clicks through the simulator, then runs the messages through `update`.
fn drive(
    meeting: &mut Meeting,
    i18n: &I18n,
    steps: impl FnOnce(&mut Simulator<'_, Message>) -> Result<(), Error>,
) -> Result<Vec<Action>, Error> {
    let messages: Vec<Message> = {
        let mut ui = Simulator::with_settings(sparks::settings(), meeting.view(i18n));
        steps(&mut ui)?;
        ui.into_messages().collect()
    };
    Ok(messages
        .into_iter()
        .map(|m| meeting.update(m))
        .filter(|a| *a != Action::None)
        .collect())
}

fn find(meeting: &Meeting, i18n: &I18n, what: &str) -> Result<(), Error> {
    let mut ui = Simulator::with_settings(sparks::settings(), meeting.view(i18n));
    ui.find(what).map(|_| ())
}

#[test]
fn everyone_shows_under_their_name_and_the_controls_mute_and_leave() -> Result<(), Error> {
    let en = I18n::new(Language::English);
    let mut meeting = support::sample_meeting();
    for name in [
        "@bob:example.org",
        "@carol:example.org",
        "@dana:example.org",
        "You",
    ] {
        find(&meeting, &en, name)?;
    }
    find(&meeting, &en, "4 people")?;
    find(
        &meeting,
        &en,
        "No microphone can be used, so the others cannot hear you: there is no Microphone on this machine",
    )?;
    assert_eq!(
        meeting.participants(),
        [
            "@bob:example.org",
            "@carol:example.org",
            "@dana:example.org"
        ]
    );
    // The test tone chosen in Settings instead: the microphone's notice goes; a camera that
    // cannot be opened says so, beside nothing else.
    let microphone = "No microphone can be used, so the others cannot hear you: there is no Microphone on this machine";
    meeting.update(Message::Switched(DeviceKind::Microphone, None));
    assert!(find(&meeting, &en, microphone).is_err());
    let camera = "No camera can be used, so the others see your initials: busy";
    meeting.update(Message::Switched(DeviceKind::Camera, Some(camera.into())));
    find(&meeting, &en, camera)?;
    meeting.update(Message::Switched(DeviceKind::Camera, Some("gone".into())));
    assert!(
        find(&meeting, &en, camera).is_err(),
        "one notice per device"
    );
    find(&meeting, &en, "gone")?;

    // Mute and unmute, camera off: each asks the call.
    let actions = drive(&mut meeting, &en, |ui| ui.click("Mute").map(|_| ()))?;
    assert_eq!(actions, [Action::Mute(TrackKind::Audio, true)]);
    let actions = drive(&mut meeting, &en, |ui| ui.click("Unmute").map(|_| ()))?;
    assert_eq!(actions, [Action::Mute(TrackKind::Audio, false)]);
    let actions = drive(&mut meeting, &en, |ui| ui.click("Stop camera").map(|_| ()))?;
    assert_eq!(actions, [Action::Mute(TrackKind::Video, true)]);
    find(&meeting, &en, "Start camera")?;

    // Someone leaves: their tile goes.
    meeting.update(Message::Call(CallEvent::ParticipantLeft {
        sid: "PA_1".into(),
        identity: "id-carol".into(),
    }));
    assert!(find(&meeting, &en, "@carol:example.org").is_err());
    find(&meeting, &en, "3 people")?;

    // Leaving ends it here at once; "Close" goes back.
    let actions = drive(&mut meeting, &en, |ui| ui.click("Leave").map(|_| ()))?;
    assert_eq!(actions, [Action::Leave]);
    assert_eq!(meeting.phase(), &Phase::Ended(None));
    find(&meeting, &en, "You left the meeting.")?;
    let actions = drive(&mut meeting, &en, |ui| ui.click("Close").map(|_| ()))?;
    assert_eq!(actions, [Action::Close]);
    Ok(())
}

#[test]
fn a_dropped_connection_reconnects_and_an_ended_call_says_why() -> Result<(), Error> {
    let de = I18n::new(Language::German);
    let mut meeting = Meeting::new("!r:example.org".into(), "Anna".into());
    find(&meeting, &de, "Beitreten…")?;
    meeting.update(Message::Call(CallEvent::Connected));
    find(&meeting, &de, "Warte, bis die anderen beitreten")?;
    meeting.update(Message::Call(CallEvent::Reconnecting));
    find(&meeting, &de, "Verbindung verloren, verbinde neu…")?;
    meeting.update(Message::Call(CallEvent::Reconnected));
    assert_eq!(meeting.phase(), &Phase::Live);
    meeting.update(Message::Call(CallEvent::Disconnected(CallError::Media(
        "ICE failed".into(),
    ))));
    assert!(!meeting.is_on());
    find(&meeting, &de, "Das Meeting ist beendet")?;
    find(&meeting, &de, "the media connection failed: ICE failed")?;
    // After the end, late events change nothing.
    meeting.update(Message::Call(CallEvent::Connected));
    assert!(!meeting.is_on());
    assert!(find(&meeting, &de, "Verlassen").is_err());
    Ok(())
}

#[test]
fn a_meeting_that_cannot_be_joined_says_why() -> Result<(), Error> {
    let en = I18n::new(Language::English);
    let mut meeting = Meeting::new("!r:example.org".into(), "Anna".into());
    meeting.update(Message::Failed(
        "The meeting service did not let you in: only members of the room may join its meeting"
            .into(),
    ));
    find(
        &meeting,
        &en,
        "The meeting service did not let you in: only members of the room may join its meeting",
    )?;
    assert!(!meeting.is_on());
    Ok(())
}

#[test]
fn a_contact_is_called_and_a_room_with_a_call_offers_to_join() -> Result<(), Error> {
    use sparks::screen::calendar::{Action as C, Message as M, Mode, people};
    let en = I18n::new(Language::English);
    let mut calendar = support::sample_calendar();
    calendar.set_meetings(true);
    calendar.update(M::Mode(Mode::People));
    calendar.update(M::Found(String::new(), Ok(support::sample_contacts())));
    calendar.update(M::People(people::Message::Select(0)));
    let messages: Vec<M> = {
        let mut ui = Simulator::with_settings(sparks::settings(), calendar.view(&en));
        ui.click("Call")?;
        ui.into_messages().collect()
    };
    let actions: Vec<C> = messages.into_iter().map(|m| calendar.update(m)).collect();
    assert!(
        matches!(&actions[..], [C::Call(user, name)] if user == "@bob:example.org" && name == "Bob Example"),
        "{actions:?}"
    );

    // A room shows "Call" when meetings are set up, and "Join call" while one is on.
    use sparks::screen::home;
    use sparks_domain::ListDiff;
    let mut home = support::home_with_open_room();
    let cx = || support::context(&en, None, None);
    let mut ui = Simulator::with_settings(sparks::settings(), home.view(cx()));
    assert!(
        ui.find("Call").is_err(),
        "no meetings set up, no call button"
    );
    drop(ui);
    home.set_offer(sparks::screen::service::Offer::Known(
        sparks_middleware_client::Services {
            meetings: true,
            ..Default::default()
        },
    ));
    let mut ui = Simulator::with_settings(sparks::settings(), home.view(cx()));
    ui.find("Call")?;
    drop(ui);
    let mut rooms = support::sample_rooms();
    rooms
        .iter_mut()
        .filter(|r| r.id == "!design:example.org")
        .for_each(|r| r.call = true);
    home.update(home::Message::Rooms(sparks_matrix::RoomListUpdate::Diffs(
        vec![ListDiff::Reset(rooms)],
    )));
    let messages: Vec<home::Message> = {
        let mut ui = Simulator::with_settings(sparks::settings(), home.view(cx()));
        ui.click("Join call")?;
        ui.into_messages().collect()
    };
    let actions: Vec<home::Action> = messages.into_iter().map(|m| home.update(m)).collect();
    assert!(
        matches!(
            actions[..],
            [home::Action::Room(sparks::screen::room::Action::Call)]
        ),
        "joining asks for the room's call"
    );
    Ok(())
}

#[test]
fn a_call_that_starts_is_announced_once_and_not_at_start_up() {
    use sparks::screen::home::Message as H;
    use sparks_domain::ListDiff;
    use sparks_matrix::RoomListUpdate;
    let mut rooms = support::sample_rooms();
    rooms[0].call = true;
    // The first list, with a call already on: nothing to announce.
    let mut home = sparks::screen::home::Home::new(support::identity(), Default::default());
    home.update(H::Rooms(RoomListUpdate::Diffs(vec![ListDiff::Reset(
        rooms.clone(),
    )])));
    home.update(H::Rooms(RoomListUpdate::Loaded(true)));
    assert!(home.take_rings().is_empty());
    // Then a call starts in another room: announced once.
    rooms[1].call = true;
    home.update(H::Rooms(RoomListUpdate::Diffs(vec![ListDiff::Reset(
        rooms.clone(),
    )])));
    let rings = home.take_rings();
    assert_eq!(rings.len(), 1);
    assert_eq!(rings[0].id, rooms[1].id);
    home.update(H::Rooms(RoomListUpdate::Diffs(vec![ListDiff::Reset(
        rooms.clone(),
    )])));
    assert!(home.take_rings().is_empty(), "still on: not again");
    // A call we start ourselves is not announced to us.
    home.start_meeting(rooms[2].id.clone(), rooms[2].name.clone());
    rooms[2].call = true;
    home.update(H::Rooms(RoomListUpdate::Diffs(vec![ListDiff::Reset(
        rooms,
    )])));
    assert!(home.take_rings().is_empty());
}
