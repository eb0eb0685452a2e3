//! The calendar and people pages, driven through iced's simulator.

mod support;

use chrono::TimeZone;
use iced::widget::Id;
use iced_test::{Error, Simulator};
use sparks::screen::calendar::{Action, Calendar, Message, Mode, editor};
use sparks_domain::Language;
use sparks_i18n::I18n;
use sparks_middleware_client::pim::{Frequency, Participation, Repeat};

/// Clicks and types through the simulator, then runs the messages through `update`; returns
/// the actions they asked for.
fn drive(
    calendar: &mut Calendar,
    i18n: &I18n,
    steps: impl FnOnce(&mut Simulator<'_, Message>) -> Result<(), Error>,
) -> Result<Vec<Action>, Error> {
    let messages: Vec<Message> = {
        let mut ui = Simulator::with_settings(sparks::settings(), calendar.view(i18n));
        steps(&mut ui)?;
        ui.into_messages().collect()
    };
    Ok(messages
        .into_iter()
        .map(|m| calendar.update(m))
        .filter(|a| *a != Action::None)
        .collect())
}

fn find(calendar: &Calendar, i18n: &I18n, what: &str) -> Result<(), Error> {
    let mut ui = Simulator::with_settings(sparks::settings(), calendar.view(i18n));
    ui.find(what).map(|_| ())
}

fn berlin(day: chrono::NaiveDate, h: u32, m: u32) -> chrono::DateTime<chrono::Utc> {
    support::ZONE
        .from_local_datetime(&day.and_hms_opt(h, m, 0).expect("time"))
        .single()
        .expect("one")
        .with_timezone(&chrono::Utc)
}

#[test]
fn the_week_shows_every_source_and_calendars_toggle_by_colour() -> Result<(), Error> {
    let en = I18n::new(Language::English);
    let mut calendar = support::sample_calendar();
    find(&calendar, &en, "Design review")?;
    find(&calendar, &en, "Exchange is unavailable")?;
    find(&calendar, &en, "Microsoft 365")?;
    // Switching the Team calendar off hides its events; on again shows them.
    drive(&mut calendar, &en, |ui| ui.click("Team").map(|_| ()))?;
    assert!(find(&calendar, &en, "Design review").is_err());
    drive(&mut calendar, &en, |ui| ui.click("Team").map(|_| ()))?;
    find(&calendar, &en, "Design review")?;
    Ok(())
}

#[test]
fn views_ask_for_their_own_range() -> Result<(), Error> {
    let en = I18n::new(Language::English);
    let mut calendar = support::sample_calendar();
    let actions = drive(&mut calendar, &en, |ui| ui.click("Month").map(|_| ()))?;
    let Some(Action::Load { start, end, zone }) = actions.first() else {
        panic!("the month view loads: {actions:?}");
    };
    assert_eq!(zone, "Europe/Berlin");
    // November 2026 from Monday 26 October to 6 December, midnight in Berlin.
    let first = chrono::NaiveDate::from_ymd_opt(2026, 10, 26).expect("date");
    assert_eq!(*start, berlin(first, 0, 0));
    assert_eq!(*end - *start, chrono::Duration::days(42));
    let actions = drive(&mut calendar, &en, |ui| ui.click("›").map(|_| ()))?;
    assert!(matches!(actions.first(), Some(Action::Load { .. })));
    calendar.update(Message::Mode(Mode::Day));
    find(&calendar, &en, "Tue 1 December")?;
    calendar.update(Message::Today);
    find(&calendar, &en, "Sun 22 November")?;
    find(&calendar, &en, "Design review")?;
    Ok(())
}

#[test]
fn after_midnight_the_view_moves_on_to_the_new_day() -> Result<(), Error> {
    let en = I18n::new(Language::English);
    let mut calendar = support::sample_calendar();
    calendar.update(Message::Mode(Mode::Day));
    find(&calendar, &en, "Sun 22 November")?;
    assert_eq!(calendar.set_today(support::today()), Action::None);
    let tomorrow = support::today() + chrono::Duration::days(1);
    let Action::Load { start, end, .. } = calendar.set_today(tomorrow) else {
        panic!("a new day asks for its events");
    };
    assert_eq!(
        (start, end),
        (
            berlin(tomorrow, 0, 0),
            berlin(tomorrow + chrono::Duration::days(1), 0, 0)
        )
    );
    find(&calendar, &en, "Mon 23 November")?;
    // Looking at another day, the view stays there; \"Today\" is the new day.
    calendar.update(Message::Previous);
    calendar.update(Message::Previous);
    calendar.set_today(tomorrow + chrono::Duration::days(1));
    find(&calendar, &en, "Sat 21 November")?;
    calendar.update(Message::Today);
    find(&calendar, &en, "Tue 24 November")?;
    Ok(())
}

#[test]
fn reminders_are_given_once_when_due_and_not_hours_late() {
    let mut snapshot = support::calendar_snapshot();
    let review = snapshot
        .events
        .iter_mut()
        .find(|e| e.details.title == "Design review")
        .expect("the review");
    review.details.reminders = vec![15, 0];
    let start = review.details.start;
    let mut calendar = Calendar::new(support::today(), support::ZONE);
    calendar.update(Message::Loaded(Ok(snapshot)));
    let minutes = chrono::Duration::minutes;
    assert!(calendar.due_reminders(start - minutes(20)).is_empty());
    assert_eq!(
        calendar.due_reminders(start - minutes(14)),
        vec![("Design review".to_owned(), 14)]
    );
    assert!(
        calendar.due_reminders(start - minutes(13)).is_empty(),
        "given once"
    );
    assert_eq!(
        calendar.due_reminders(start),
        vec![("Design review".to_owned(), 0)]
    );
    // Asleep through another event's reminder: not given an hour late.
    let mut snapshot = support::calendar_snapshot();
    for event in &mut snapshot.events {
        event.details.reminders = vec![5];
    }
    let mut calendar = Calendar::new(support::today(), support::ZONE);
    calendar.update(Message::Loaded(Ok(snapshot)));
    assert!(calendar.due_reminders(start + minutes(55)).is_empty());
}

#[test]
fn a_new_event_with_an_invitee_and_a_sparks_meeting() -> Result<(), Error> {
    let en = I18n::new(Language::English);
    let mut calendar = support::sample_calendar();
    drive(&mut calendar, &en, |ui| ui.click("New event").map(|_| ()))?;
    let searches = drive(&mut calendar, &en, |ui| {
        ui.click(Id::new("event-title"))?;
        ui.typewrite("Retro");
        ui.click(Id::new("event-start"))?;
        // The field holds 09:00; replace it.
        for _ in 0..5 {
            ui.tap_key(iced::keyboard::key::Named::Backspace);
        }
        ui.typewrite("16:30");
        ui.click(Id::new("event-end"))?;
        ui.tap_key(iced::keyboard::key::Named::End);
        for _ in 0..5 {
            ui.tap_key(iced::keyboard::key::Named::Backspace);
        }
        ui.typewrite("17:15");
        ui.click(Id::new("event-invite"))?;
        ui.typewrite("bo");
        Ok(())
    })?;
    assert_eq!(searches.last(), Some(&Action::Search("bo".into())));
    calendar.update(Message::Found("bo".into(), Ok(support::sample_contacts())));
    drive(&mut calendar, &en, |ui| {
        ui.click("Bob Example · bob@example.org")?;
        ui.click("Sparks meeting (adds a link to join)")?;
        Ok(())
    })?;
    // Every week.
    calendar.update(Message::Editor(editor::Message::Repeat(
        editor::RepeatChoice {
            repeat: Some(Repeat {
                every: Frequency::Weekly,
                interval: 1,
            }),
            label: "Every week".into(),
        },
    )));
    // A new event reminds 15 minutes before; the picker makes it an hour.
    calendar.update(Message::Editor(editor::Message::Reminder(
        editor::Reminder {
            minutes: Some(60),
            label: "1 hour before".into(),
        },
    )));
    let actions = drive(&mut calendar, &en, |ui| ui.click("Save").map(|_| ()))?;
    let [Action::Create(new)] = &actions[..] else {
        panic!("saving creates: {actions:?}");
    };
    assert_eq!(new.source, "cloud");
    assert_eq!(new.calendar, "https://cloud/alice/work/");
    assert!(new.sparks_meeting);
    assert_eq!(new.details.title, "Retro");
    assert_eq!(new.details.start, berlin(support::today(), 16, 30));
    assert_eq!(new.details.end, berlin(support::today(), 17, 15));
    assert_eq!(new.details.time_zone.as_deref(), Some("Europe/Berlin"));
    assert_eq!(new.details.attendees.len(), 1);
    assert_eq!(new.details.attendees[0].email, "bob@example.org");
    assert_eq!(new.details.attendees[0].status, Participation::NeedsAction);
    assert_eq!(new.details.reminders, vec![60]);
    assert_eq!(
        new.details.repeat,
        Some(Repeat {
            every: Frequency::Weekly,
            interval: 1
        })
    );
    // Saved: the form closes and the view loads again.
    let next = calendar.update(Message::Saved(Ok(())));
    assert!(matches!(next, Action::Load { .. }));
    assert!(find(&calendar, &en, "Save").is_err());
    Ok(())
}

#[test]
fn moving_an_event_keeps_its_version_and_a_conflict_is_explained() -> Result<(), Error> {
    let en = I18n::new(Language::English);
    let mut calendar = support::sample_calendar();
    drive(&mut calendar, &en, |ui| ui.click("Planning Q1").map(|_| ()))?;
    find(&calendar, &en, "Edit event")?;
    let tomorrow = support::today() + chrono::Duration::days(2);
    let actions = drive(&mut calendar, &en, |ui| {
        ui.click(Id::new("event-date"))?;
        ui.tap_key(iced::keyboard::key::Named::End);
        for _ in 0..10 {
            ui.tap_key(iced::keyboard::key::Named::Backspace);
        }
        ui.typewrite(&tomorrow.format("%Y-%m-%d").to_string());
        ui.click("Save")?;
        Ok(())
    })?;
    let [Action::Update(change)] = &actions[..] else {
        panic!("saving updates: {actions:?}");
    };
    assert_eq!(change.at.version.as_deref(), Some("\"v3\""));
    assert_eq!(change.details.start, berlin(tomorrow, 9, 0));
    assert_eq!(change.details.end, berlin(tomorrow, 10, 30));
    calendar.update(Message::Saved(Err(en.tr("event-conflict"))));
    find(&calendar, &en, &en.tr("event-conflict"))?;
    Ok(())
}

#[test]
fn a_days_long_event_keeps_its_days_when_renamed_or_moved() -> Result<(), Error> {
    let en = I18n::new(Language::English);
    let mut snapshot = support::calendar_snapshot();
    let mut offsite = snapshot.events[0].clone();
    let first = support::today() - chrono::Duration::days(4);
    let midnight = |day: chrono::NaiveDate| day.and_time(chrono::NaiveTime::MIN).and_utc();
    offsite.details.title = "Offsite".into();
    offsite.details.all_day = true;
    offsite.details.time_zone = None;
    // Wednesday to Friday: it ends as Saturday begins.
    offsite.details.start = midnight(first);
    offsite.details.end = midnight(first + chrono::Duration::days(3));
    offsite.at.id = "offsite.ics".into();
    snapshot.events.push(offsite.clone());
    let mut calendar = Calendar::new(support::today(), support::ZONE);
    calendar.update(Message::Loaded(Ok(snapshot)));
    drive(&mut calendar, &en, |ui| ui.click("Offsite").map(|_| ()))?;
    let actions = drive(&mut calendar, &en, |ui| {
        ui.click(Id::new("event-title"))?;
        ui.typewrite(" 2027");
        ui.click("Save")?;
        Ok(())
    })?;
    let [Action::Update(change)] = &actions[..] else {
        panic!("saving updates: {actions:?}");
    };
    assert_eq!(change.details.title, "Offsite 2027");
    assert_eq!(
        (change.details.start, change.details.end),
        (offsite.details.start, offsite.details.end),
        "still three days"
    );

    // Moved a week on, typed a character at a time: it still lasts three days.
    calendar.update(Message::Saved(Ok(())));
    drive(&mut calendar, &en, |ui| ui.click("Offsite").map(|_| ()))?;
    let later = first + chrono::Duration::days(7);
    let actions = drive(&mut calendar, &en, |ui| {
        ui.click(Id::new("event-date"))?;
        ui.tap_key(iced::keyboard::key::Named::End);
        for _ in 0..10 {
            ui.tap_key(iced::keyboard::key::Named::Backspace);
        }
        ui.typewrite(&later.format("%Y-%m-%d").to_string());
        ui.click("Save")?;
        Ok(())
    })?;
    let [Action::Update(change)] = &actions[..] else {
        panic!("saving updates: {actions:?}");
    };
    assert_eq!(
        (change.details.start, change.details.end),
        (midnight(later), midnight(later + chrono::Duration::days(3)))
    );

    // A last day before the first is explained, not saved.
    calendar.update(Message::Saved(Ok(())));
    drive(&mut calendar, &en, |ui| ui.click("Offsite").map(|_| ()))?;
    let actions = drive(&mut calendar, &en, |ui| {
        ui.click(Id::new("event-end-date"))?;
        ui.tap_key(iced::keyboard::key::Named::End);
        for _ in 0..10 {
            ui.tap_key(iced::keyboard::key::Named::Backspace);
        }
        let before = first - chrono::Duration::days(1);
        ui.typewrite(&before.format("%Y-%m-%d").to_string());
        ui.click("Save")?;
        Ok(())
    })?;
    assert!(actions.is_empty(), "{actions:?}");
    find(&calendar, &en, &en.tr("event-error-end"))?;
    Ok(())
}

#[test]
fn an_event_ending_at_midnight_and_all_day_toggles_keep_its_days() {
    use editor::{Action as Form, Editor, Message as Field};
    let today = support::today();
    let calendars = support::calendar_snapshot().calendars;
    let create = |editor: &mut Editor| match editor.update(Field::Save) {
        Form::Create(new) => new.details,
        _ => panic!("the form did not save"),
    };
    // 23:00 to midnight: the next day's 00:00 ends it.
    let mut late = Editor::new(support::ZONE, berlin(today, 23, 0), calendars.clone());
    late.update(Field::Title("Late call".into()));
    let tomorrow = today + chrono::Duration::days(1);
    assert_eq!(late.end_date, tomorrow.format("%Y-%m-%d").to_string());
    let details = create(&mut late);
    assert_eq!(
        (details.start, details.end),
        (berlin(today, 23, 0), berlin(tomorrow, 0, 0))
    );
    // All day, it is that one day, not two.
    let mut whole = Editor::new(support::ZONE, berlin(today, 23, 0), calendars.clone());
    whole.update(Field::Title("Away".into()));
    whole.update(Field::AllDay(true));
    let details = create(&mut whole);
    let midnight = |day: chrono::NaiveDate| day.and_time(chrono::NaiveTime::MIN).and_utc();
    assert_eq!(
        (details.start, details.end),
        (midnight(today), midnight(tomorrow))
    );
    // And back: a timed event on that day, from nine.
    whole.update(Field::Start("00:00".into()));
    whole.update(Field::End("00:00".into()));
    whole.update(Field::AllDay(false));
    assert_eq!(
        (whole.start.as_str(), whole.end.as_str()),
        ("09:00", "10:00")
    );
}

#[test]
fn an_occurrence_is_changed_alone_or_with_its_whole_series() -> Result<(), Error> {
    let en = I18n::new(Language::English);
    let mut snapshot = support::calendar_snapshot();
    let standup = snapshot
        .events
        .iter_mut()
        .find(|e| e.details.title == "Stand-up")
        .expect("the stand-up");
    standup.recurring = true;
    standup.at.instance = Some(standup.details.start);
    standup.details.repeat = Some(Repeat {
        every: Frequency::Daily,
        interval: 1,
    });
    let mut calendar = Calendar::new(support::today(), support::ZONE);
    calendar.update(Message::Loaded(Ok(snapshot)));
    drive(&mut calendar, &en, |ui| ui.click("Stand-up").map(|_| ()))?;
    // Only this occurrence by default: no rule to pick.
    find(&calendar, &en, "Only this event")?;
    assert!(find(&calendar, &en, "Repeats").is_err());
    let actions = drive(&mut calendar, &en, |ui| ui.click("Save").map(|_| ()))?;
    let [Action::Update(change)] = &actions[..] else {
        panic!("saving updates: {actions:?}");
    };
    assert!(!change.whole_series);
    calendar.update(Message::Saved(Err("try again".into())));
    // The whole series: the rule shows, and the change says so.
    drive(&mut calendar, &en, |ui| {
        ui.click("All events of the series").map(|_| ())
    })?;
    find(&calendar, &en, "Repeats")?;
    let actions = drive(&mut calendar, &en, |ui| ui.click("Save").map(|_| ()))?;
    let [Action::Update(change)] = &actions[..] else {
        panic!("saving updates: {actions:?}");
    };
    assert!(change.whole_series);
    assert_eq!(change.at.instance, Some(change.details.start));
    // Deleting the whole series leaves the instance out.
    calendar.update(Message::Saved(Err("try again".into())));
    let actions = drive(&mut calendar, &en, |ui| ui.click("Delete").map(|_| ()))?;
    let [Action::Delete(at)] = &actions[..] else {
        panic!("deleting: {actions:?}");
    };
    assert_eq!(at.instance, None);
    Ok(())
}

#[test]
fn an_invitation_is_answered_from_its_form() -> Result<(), Error> {
    let de = I18n::new(Language::German);
    let mut calendar = support::sample_calendar();
    drive(&mut calendar, &de, |ui| ui.click("Team lunch").map(|_| ()))?;
    find(&calendar, &de, "Du bist eingeladen. Kommst du?")?;
    let actions = drive(&mut calendar, &de, |ui| ui.click("Vielleicht").map(|_| ()))?;
    let [Action::Reply(reply)] = &actions[..] else {
        panic!("answering replies: {actions:?}");
    };
    assert_eq!(reply.status, Participation::Tentative);
    assert_eq!(reply.at.source, "cloud");
    // While it is sent, the buttons wait; a refusal is said in the form.
    assert!(drive(&mut calendar, &de, |ui| ui.click("Zusagen").map(|_| ()))?.is_empty());
    calendar.update(Message::Saved(Err(sparks_i18n::I18n::new(
        Language::German,
    )
    .tr("source-error-not-invited"))));
    find(
        &calendar,
        &de,
        "Du gehörst nicht zu den Eingeladenen dieses Termins.",
    )?;
    // Events we organise have no answer to give.
    calendar.update(Message::Editor(editor::Message::Cancel));
    drive(&mut calendar, &de, |ui| {
        ui.click("1:1 with Bob").map(|_| ())
    })?;
    assert!(find(&calendar, &de, "Zusagen").is_err());
    Ok(())
}

#[test]
fn a_form_without_a_title_says_so_and_sends_nothing() -> Result<(), Error> {
    let en = I18n::new(Language::English);
    let mut calendar = support::sample_calendar();
    drive(&mut calendar, &en, |ui| ui.click("New event").map(|_| ()))?;
    let actions = drive(&mut calendar, &en, |ui| ui.click("Save").map(|_| ()))?;
    assert!(actions.is_empty(), "{actions:?}");
    find(&calendar, &en, "Give the event a title.")?;
    Ok(())
}

#[test]
fn signing_in_to_a_source_and_a_wrong_password() -> Result<(), Error> {
    let en = I18n::new(Language::English);
    let mut calendar = support::sample_calendar();
    let actions = drive(&mut calendar, &en, |ui| {
        ui.click("Sign in")?;
        Ok(())
    })?;
    assert!(actions.is_empty());
    let actions = drive(&mut calendar, &en, |ui| {
        ui.click(Id::new("source-user"))?;
        ui.typewrite("alice@example.org");
        ui.click(Id::new("source-password"))?;
        ui.typewrite("secret");
        ui.tap_key(iced::keyboard::key::Named::Enter);
        Ok(())
    })?;
    let [Action::Connect(source, credentials)] = &actions[..] else {
        panic!("submitting signs in: {actions:?}");
    };
    assert_eq!(source, "m365");
    assert_eq!(credentials.username, "alice@example.org");
    calendar.update(Message::Connected(Err(
        "Microsoft 365 does not accept the user name or password".into(),
    )));
    find(
        &calendar,
        &en,
        "Microsoft 365 does not accept the user name or password",
    )?;
    Ok(())
}

#[test]
fn people_are_searched_and_written_to() -> Result<(), Error> {
    let en = I18n::new(Language::English);
    let mut calendar = support::sample_calendar();
    let actions = drive(&mut calendar, &en, |ui| ui.click("People").map(|_| ()))?;
    assert_eq!(actions, [Action::Search(String::new())]);
    let actions = drive(&mut calendar, &en, |ui| {
        ui.click(Id::new("people-search"))?;
        ui.typewrite("b");
        Ok(())
    })?;
    assert_eq!(actions, [Action::Search("b".into())]);
    calendar.update(Message::Found("b".into(), Ok(support::sample_contacts())));
    drive(&mut calendar, &en, |ui| ui.click("Bob Example").map(|_| ()))?;
    let actions = drive(&mut calendar, &en, |ui| ui.click("Message").map(|_| ()))?;
    assert_eq!(actions, [Action::Chat("@bob:example.org".into())]);
    // Without meetings in the organisation, nobody is offered a call.
    assert!(find(&calendar, &en, "Call").is_err());
    calendar.set_meetings(true);
    let actions = drive(&mut calendar, &en, |ui| ui.click("Call").map(|_| ()))?;
    assert!(
        matches!(&actions[..], [Action::Call(user, name)] if user == "@bob:example.org" && name == "Bob Example"),
        "{actions:?}"
    );
    // Someone without a Matrix address can only be written to by email.
    drive(&mut calendar, &en, |ui| {
        ui.click("Carol Beispiel").map(|_| ())
    })?;
    find(&calendar, &en, "No Matrix address: write an email instead.")?;
    Ok(())
}

#[test]
fn todays_list_and_reminders_stay_while_the_views_look_elsewhere() -> Result<(), Error> {
    let en = I18n::new(Language::English);
    let mut snapshot = support::calendar_snapshot();
    for event in &mut snapshot.events {
        event.details.reminders = vec![10];
    }
    let mut calendar = Calendar::new(support::today(), support::ZONE);
    calendar.update(Message::Loaded(Ok(snapshot)));
    let morning = berlin(support::today(), 8, 0);
    let titles = |calendar: &Calendar| -> Vec<String> {
        calendar
            .upcoming_today(morning)
            .iter()
            .map(|e| e.details.title.clone())
            .collect()
    };
    assert_eq!(titles(&calendar), ["Stand-up", "Design review"]);
    // Next month is shown (without today's events): today's list and reminders remain.
    calendar.update(Message::Mode(Mode::Month));
    calendar.update(Message::Next);
    let mut later = support::calendar_snapshot();
    later.events.clear();
    calendar.update(Message::Loaded(Ok(later)));
    assert_eq!(titles(&calendar), ["Stand-up", "Design review"]);
    let review = berlin(support::today(), 14, 0) - chrono::Duration::minutes(10);
    assert_eq!(
        calendar.due_reminders(review),
        vec![("Design review".to_owned(), 10)]
    );
    // Opening one from the list goes to today and opens it.
    let event = calendar.upcoming_today(morning)[1].clone();
    let action = calendar.update(Message::Show(Box::new(event)));
    assert!(matches!(action, Action::Load { .. }));
    find(&calendar, &en, "Edit event")?;
    find(&calendar, &en, "Sun 22 November")?;
    Ok(())
}

#[test]
fn an_event_of_todays_list_opens_on_the_calendar_page() -> Result<(), Error> {
    use sparks::screen::home::{self, Nav};
    let en = I18n::new(Language::English);
    let mut home = support::home_with_rooms();
    home.set_offer(sparks::screen::service::Offer::Known(
        sparks_middleware_client::Services {
            calendar: true,
            ..Default::default()
        },
    ));
    *home.calendar_mut() = support::sample_calendar();
    let messages: Vec<home::Message> = {
        let mut ui = Simulator::with_settings(
            sparks::settings(),
            home.view(support::context(&en, None, None)),
        );
        ui.click("14:00 Design review")?;
        ui.into_messages().collect()
    };
    let actions: Vec<home::Action> = messages.into_iter().map(|m| home.update(m)).collect();
    assert!(matches!(actions[..], [home::Action::Calendar(_)]));
    assert_eq!(home.nav(), Nav::Calendar);
    let mut ui = Simulator::with_settings(
        sparks::settings(),
        home.view(support::context(&en, None, None)),
    );
    ui.find("Edit event")?;
    Ok(())
}
