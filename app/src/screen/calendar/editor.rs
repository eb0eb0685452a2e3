//! The event form: title, day and times (moving an event is changing them), the calendar,
//! place, notes, invitees suggested from the merged contacts, the Sparks meeting switch and a
//! reminder.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use iced::widget::{
    Space, button, checkbox, column, container, pick_list, row, scrollable, text, text_input,
};
use iced::{Alignment, Length};
use sparks_i18n::I18n;
use sparks_middleware_client::pim::{
    Attendee, Calendar as CalendarInfo, Contact, Event, EventChange, EventDetails, EventRef,
    EventReply, NewEvent, Participation, Repeat,
};

mod choices;

use crate::theme::{self, space};
use crate::widget::Element;
use choices::{REMINDERS, reminder};
pub use choices::{Reminder, RepeatChoice};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub calendar: CalendarInfo,
}

impl std::fmt::Display for Choice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.calendar.name)
    }
}

pub struct Editor {
    zone: chrono_tz::Tz,
    /// The event being changed; `None` for a new one.
    existing: Option<Event>,
    writable: bool,
    calendars: Vec<Choice>,
    calendar: Option<Choice>,
    pub title: String,
    pub date: String,
    /// The last day: the day the event ends on, or an all-day event's last whole day.
    pub end_date: String,
    /// How many days after the first the last one is: moving the first day keeps it.
    span_days: i64,
    pub start: String,
    pub end: String,
    pub all_day: bool,
    location: String,
    description: String,
    attendees: Vec<Attendee>,
    invite: String,
    suggestions: Vec<Contact>,
    pub sparks_meeting: bool,
    meeting: Option<String>,
    reminders: Vec<i64>,
    repeat: Option<Repeat>,
    /// Change the whole series of the occurrence being edited, not only it.
    whole_series: bool,
    busy: bool,
    problem: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Title(String),
    Date(String),
    EndDate(String),
    Start(String),
    End(String),
    AllDay(bool),
    Calendar(Choice),
    Location(String),
    Description(String),
    Invite(String),
    /// Add the typed address, or the suggestion at this index.
    AddInvitee(Option<usize>),
    RemoveInvitee(usize),
    SparksMeeting(bool),
    Reminder(Reminder),
    Repeat(RepeatChoice),
    /// Change the whole series (`true`) or only this occurrence.
    WholeSeries(bool),
    /// Answer the invitation.
    Answer(Participation),
    Save,
    Delete,
    Cancel,
}

pub enum Action {
    None,
    Close,
    Search(String),
    Create(NewEvent),
    Update(EventChange),
    Delete(EventRef),
    Reply(EventReply),
}

/// The last day of an event from `start` to `end`: an end at midnight (as all-day events end)
/// belongs to the day before.
fn last_day(start: chrono::NaiveDateTime, end: chrono::NaiveDateTime) -> NaiveDate {
    if end.time() == NaiveTime::MIN && end.date() > start.date() {
        end.date() - Duration::days(1)
    } else {
        end.date()
    }
}

/// A day as the form writes it.
fn day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

fn local(zone: chrono_tz::Tz, at: DateTime<Utc>) -> chrono::NaiveDateTime {
    at.with_timezone(&zone).naive_local()
}

impl Editor {
    /// A new event at `start`, in one of `calendars`.
    pub fn new(zone: chrono_tz::Tz, start: DateTime<Utc>, calendars: Vec<CalendarInfo>) -> Editor {
        let start_local = local(zone, start);
        let end_local = start_local + Duration::hours(1);
        let calendars: Vec<Choice> = calendars
            .into_iter()
            .map(|calendar| Choice { calendar })
            .collect();
        Editor {
            zone,
            existing: None,
            writable: !calendars.is_empty(),
            calendar: calendars.first().cloned(),
            calendars,
            title: String::new(),
            date: start_local.format("%Y-%m-%d").to_string(),
            end_date: end_local.format("%Y-%m-%d").to_string(),
            span_days: (end_local.date() - start_local.date()).num_days(),
            start: start_local.format("%H:%M").to_string(),
            end: end_local.format("%H:%M").to_string(),
            all_day: false,
            location: String::new(),
            description: String::new(),
            attendees: Vec::new(),
            invite: String::new(),
            suggestions: Vec::new(),
            sparks_meeting: false,
            meeting: None,
            reminders: vec![15],
            repeat: None,
            whole_series: false,
            busy: false,
            problem: None,
        }
    }

    pub fn edit(
        zone: chrono_tz::Tz,
        event: &Event,
        writable: bool,
        calendars: Vec<CalendarInfo>,
    ) -> Editor {
        let mut editor = Editor::new(zone, event.details.start, calendars);
        let d = &event.details;
        let (start, end) = if d.all_day {
            (d.start.naive_utc(), d.end.naive_utc())
        } else {
            (local(zone, d.start), local(zone, d.end))
        };
        // An all-day event ends as the day after its last one begins.
        let last_day = if d.all_day {
            last_day(start, end)
        } else {
            end.date()
        };
        editor.date = start.format("%Y-%m-%d").to_string();
        editor.end_date = last_day.format("%Y-%m-%d").to_string();
        editor.span_days = (last_day - start.date()).num_days().max(0);
        editor.start = start.format("%H:%M").to_string();
        editor.end = end.format("%H:%M").to_string();
        editor.all_day = d.all_day;
        editor.title = d.title.clone();
        editor.location = d.location.clone();
        editor.description = d.description.clone();
        editor.attendees = d.attendees.clone();
        editor.meeting = d.meeting.clone();
        editor.sparks_meeting = d.meeting.is_some();
        editor.reminders = d.reminders.clone();
        editor.repeat = d.repeat;
        editor.writable = writable;
        editor.calendar = editor
            .calendars
            .iter()
            .find(|c| c.calendar.source == event.at.source && c.calendar.id == event.at.calendar)
            .cloned();
        editor.existing = Some(event.clone());
        editor
    }

    pub fn failed(&mut self, problem: String) {
        self.busy = false;
        self.problem = Some(problem);
    }

    /// Contacts matching what is typed in the invite field.
    pub fn found(&mut self, query: &str, result: &Result<Vec<Contact>, String>) {
        if query == self.invite.trim() {
            self.suggestions = result
                .as_ref()
                .map(|c| {
                    c.iter()
                        .filter(|c| !c.emails.is_empty())
                        .take(5)
                        .cloned()
                        .collect()
                })
                .unwrap_or_default();
        }
    }

    /// The details the form describes, or what is wrong with them (a translation key).
    fn details(&self) -> Result<EventDetails, &'static str> {
        if self.title.trim().is_empty() {
            return Err("event-error-title");
        }
        let date = day(&self.date).ok_or("event-error-date")?;
        let last = day(&self.end_date).ok_or("event-error-date")?;
        if last < date {
            return Err("event-error-end");
        }
        let (start, end) = if self.all_day {
            let start = date.and_time(NaiveTime::MIN).and_utc();
            let end = last.and_time(NaiveTime::MIN).and_utc() + Duration::days(1);
            (start, end)
        } else {
            let time = |t: &str| {
                NaiveTime::parse_from_str(t.trim(), "%H:%M").map_err(|_| "event-error-time")
            };
            let at = |day: NaiveDate, t: NaiveTime| {
                self.zone
                    .from_local_datetime(&day.and_time(t))
                    .earliest()
                    .map(|t| t.with_timezone(&Utc))
                    .ok_or("event-error-time")
            };
            let start = at(date, time(&self.start)?)?;
            let mut end = at(last, time(&self.end)?)?;
            if end <= start {
                if last != date {
                    return Err("event-error-end");
                }
                // Ends after midnight.
                end += Duration::days(1);
            }
            (start, end)
        };
        let old = self.existing.as_ref().map(|e| &e.details);
        Ok(EventDetails {
            title: self.title.trim().to_owned(),
            start,
            end,
            all_day: self.all_day,
            time_zone: (!self.all_day).then(|| self.zone.name().to_owned()),
            location: self.location.trim().to_owned(),
            description: self.description.clone(),
            organizer: old.and_then(|d| d.organizer.clone()),
            attendees: self.attendees.clone(),
            meeting: if self.sparks_meeting {
                self.meeting.clone()
            } else {
                None
            },
            reminders: self.reminders.clone(),
            repeat: self.repeat,
        })
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Title(v) => self.title = v,
            Message::Date(v) => {
                // Moving the first day moves the last one with it: the event keeps its length.
                if let Some(first) = day(&v) {
                    let last = first + Duration::days(self.span_days);
                    self.end_date = last.format("%Y-%m-%d").to_string();
                }
                self.date = v;
            }
            Message::EndDate(v) => {
                if let (Some(first), Some(last)) = (day(&self.date), day(&v)) {
                    self.span_days = (last - first).num_days().max(0);
                }
                self.end_date = v;
            }
            Message::Start(v) => self.start = v,
            Message::End(v) => self.end = v,
            Message::AllDay(v) => {
                let (first, last) = (day(&self.date), day(&self.end_date));
                if v && self.end.trim() == "00:00"
                    && let (Some(first), Some(last)) = (first, last)
                    && last > first
                {
                    // Ending at midnight, it ends with the day before.
                    let last = last - Duration::days(1);
                    self.end_date = last.format("%Y-%m-%d").to_string();
                    self.span_days = (last - first).num_days();
                }
                // An all-day event's times were midnight: a timed one starts at nine.
                if !v && self.start.trim() == "00:00" && self.end.trim() == "00:00" {
                    (self.start, self.end) = ("09:00".into(), "10:00".into());
                }
                self.all_day = v;
            }
            Message::Calendar(c) => self.calendar = Some(c),
            Message::Location(v) => self.location = v,
            Message::Description(v) => self.description = v,
            Message::Invite(v) => {
                self.invite = v;
                let query = self.invite.trim().to_owned();
                if query.chars().count() >= 2 {
                    return Action::Search(query);
                }
                self.suggestions.clear();
            }
            Message::AddInvitee(index) => {
                let attendee = match index.and_then(|i| self.suggestions.get(i)) {
                    Some(contact) => Attendee {
                        email: contact.emails[0].clone(),
                        name: Some(contact.name.clone()),
                        status: Participation::NeedsAction,
                    },
                    None if self.invite.contains('@') => Attendee {
                        email: self.invite.trim().to_owned(),
                        name: None,
                        status: Participation::NeedsAction,
                    },
                    None => return Action::None,
                };
                if !self
                    .attendees
                    .iter()
                    .any(|a| a.email.eq_ignore_ascii_case(&attendee.email))
                {
                    self.attendees.push(attendee);
                }
                self.invite.clear();
                self.suggestions.clear();
            }
            Message::RemoveInvitee(i) => {
                if i < self.attendees.len() {
                    self.attendees.remove(i);
                }
            }
            Message::SparksMeeting(on) => self.sparks_meeting = on,
            Message::Reminder(choice) => {
                // The picker sets the first reminder; any others the event has are kept.
                match (choice.minutes, self.reminders.is_empty()) {
                    (Some(m), true) => self.reminders.push(m),
                    (Some(m), false) => self.reminders[0] = m,
                    (None, _) => self.reminders.clear(),
                }
            }
            Message::Repeat(choice) => self.repeat = choice.repeat,
            Message::WholeSeries(on) => self.whole_series = on,
            Message::Answer(status) => {
                if let Some(event) = &self.existing
                    && !self.busy
                {
                    self.busy = true;
                    self.problem = None;
                    return Action::Reply(EventReply {
                        at: event.at.clone(),
                        status,
                    });
                }
            }
            Message::Cancel => return Action::Close,
            Message::Delete => {
                if let Some(event) = &self.existing {
                    self.busy = true;
                    let mut at = event.at.clone();
                    if self.whole_series && event.recurring {
                        // The object, or the series master, goes with every occurrence.
                        at.instance = None;
                    }
                    return Action::Delete(at);
                }
            }
            Message::Save => {
                if self.busy {
                    return Action::None;
                }
                let details = match self.details() {
                    Ok(details) => details,
                    Err(key) => {
                        self.problem = Some(key.to_owned());
                        return Action::None;
                    }
                };
                let sparks_meeting = self.sparks_meeting && self.meeting.is_none();
                self.busy = true;
                self.problem = None;
                return match &self.existing {
                    Some(event) => Action::Update(EventChange {
                        at: event.at.clone(),
                        details,
                        sparks_meeting,
                        whole_series: self.whole_series && event.recurring,
                    }),
                    None => {
                        let Some(choice) = &self.calendar else {
                            self.busy = false;
                            self.problem = Some("event-error-calendar".into());
                            return Action::None;
                        };
                        Action::Create(NewEvent {
                            source: choice.calendar.source.clone(),
                            calendar: choice.calendar.id.clone(),
                            details,
                            sparks_meeting,
                        })
                    }
                };
            }
        }
        Action::None
    }

    pub fn view<'a>(&'a self, i18n: &I18n) -> Element<'a, Message> {
        let field = |id: &'static str, label: String, value: &'a str, on: fn(String) -> Message| {
            column![
                text(label)
                    .size(theme::size::SMALL)
                    .style(theme::text::muted),
                text_input("", value)
                    .id(id)
                    .on_input(on)
                    .padding(space::S)
                    .style(theme::text_input::field)
            ]
            .spacing(space::XS)
        };
        let heading = if self.existing.is_some() {
            "event-edit"
        } else {
            "event-new"
        };
        let mut form = column![
            text(i18n.tr(heading))
                .size(theme::size::HEADING)
                .font(theme::SEMIBOLD),
        ]
        .push(self.invitation(i18n))
        .push(column![field(
            "event-title",
            i18n.tr("event-title"),
            &self.title,
            Message::Title
        ),])
        .spacing(space::M);
        // The first day and the start time, then the last day and the end time, in one row;
        // days are wider than times.
        let part = |id: &'static str, value, on: fn(String) -> Message, portion| {
            field(id, i18n.tr(id), value, on).width(Length::FillPortion(portion))
        };
        let mut when = row![part("event-date", &self.date, Message::Date, 3)];
        if !self.all_day {
            when = when.push(part("event-start", &self.start, Message::Start, 2));
        }
        when = when.push(part("event-end-date", &self.end_date, Message::EndDate, 3));
        if !self.all_day {
            when = when.push(part("event-end", &self.end, Message::End, 2));
        }
        let when = when.spacing(space::S).align_y(Alignment::End);
        form = form.push(when).push(
            checkbox(self.all_day)
                .label(i18n.tr("event-all-day"))
                .on_toggle(Message::AllDay),
        );
        if self.existing.is_none() {
            form = form.push(
                column![
                    text(i18n.tr("event-calendar"))
                        .size(theme::size::SMALL)
                        .style(theme::text::muted),
                    pick_list(
                        self.calendars.clone(),
                        self.calendar.clone(),
                        Message::Calendar
                    )
                    .padding(space::S)
                    .style(theme::pick_list::field)
                    .width(Length::Fill)
                ]
                .spacing(space::XS),
            );
        }
        form = form
            .push(field(
                "event-location",
                i18n.tr("event-location"),
                &self.location,
                Message::Location,
            ))
            .push(field(
                "event-description",
                i18n.tr("event-description"),
                &self.description,
                Message::Description,
            ));
        let mut people = column![
            text(i18n.tr("event-invitees"))
                .size(theme::size::SMALL)
                .style(theme::text::muted)
        ]
        .spacing(space::XS);
        for (i, attendee) in self.attendees.iter().enumerate() {
            let name = attendee
                .name
                .clone()
                .unwrap_or_else(|| attendee.email.clone());
            people = people.push(
                row![
                    text(format!("{name} · {}", attendee.email)).width(Length::Fill),
                    button(text("×"))
                        .style(theme::button::quiet)
                        .on_press(Message::RemoveInvitee(i)),
                ]
                .align_y(Alignment::Center),
            );
        }
        people = people.push(
            text_input(&i18n.tr("event-invite-placeholder"), &self.invite)
                .id("event-invite")
                .on_input(Message::Invite)
                .on_submit(Message::AddInvitee(None))
                .padding(space::S)
                .style(theme::text_input::field),
        );
        for (i, contact) in self.suggestions.iter().enumerate() {
            people = people.push(
                button(text(format!("{} · {}", contact.name, contact.emails[0])))
                    .width(Length::Fill)
                    .style(theme::button::row(false))
                    .on_press(Message::AddInvitee(Some(i))),
            );
        }
        form = form.push(people).push(
            checkbox(self.sparks_meeting)
                .label(i18n.tr("event-sparks-meeting"))
                .on_toggle(Message::SparksMeeting),
        );
        if let Some(link) = self.meeting.as_ref().filter(|_| self.sparks_meeting) {
            form = form.push(
                text(link.clone())
                    .size(theme::size::SMALL)
                    .style(theme::text::muted),
            );
        }
        let (segment, repeat) = self.series_view(i18n);
        if let Some(segment) = segment {
            form = form.push(segment);
        }
        let current = self.reminders.first().copied();
        let mut offered: Vec<Reminder> = std::iter::once(None)
            .chain(REMINDERS.into_iter().map(Some))
            .map(|m| reminder(i18n, m))
            .collect();
        if current.is_some_and(|m| !REMINDERS.contains(&m)) {
            offered.push(reminder(i18n, current));
        }
        let reminder_picker = column![
            text(i18n.tr("event-reminder"))
                .size(theme::size::SMALL)
                .style(theme::text::muted),
            pick_list(offered, Some(reminder(i18n, current)), Message::Reminder)
                .padding(space::S)
                .style(theme::pick_list::field)
                .width(Length::Fill)
        ]
        .spacing(space::XS)
        .width(Length::FillPortion(1));
        // How often, and when to remind, side by side.
        form = form.push(row![].push(repeat).push(reminder_picker).spacing(space::S));
        if let Some(problem) = &self.problem {
            let sentence = if problem.starts_with("event-error-") {
                i18n.tr(problem)
            } else {
                problem.clone()
            };
            form = form.push(
                container(text(sentence))
                    .padding(space::S)
                    .width(Length::Fill)
                    .style(theme::container::error),
            );
        }
        if !self.writable {
            form = form.push(text(i18n.tr("event-read-only")).style(theme::text::muted));
        }
        let save = button(text(i18n.tr(if self.busy {
            "event-saving"
        } else {
            "event-save"
        })))
        .padding([space::S, space::L])
        .style(theme::button::primary)
        .on_press_maybe((self.writable && !self.busy).then_some(Message::Save));
        let mut buttons = row![].spacing(space::S);
        if self.existing.is_some() && self.writable {
            buttons = buttons.push(
                button(text(i18n.tr("event-delete")))
                    .padding([space::S, space::L])
                    .style(theme::button::danger)
                    .on_press_maybe((!self.busy).then_some(Message::Delete)),
            );
        }
        buttons = buttons.push(Space::new().width(Length::Fill)).push(
            button(text(i18n.tr("event-cancel")))
                .padding([space::S, space::L])
                .style(theme::button::secondary)
                .on_press(Message::Cancel),
        );
        // The fields scroll; Save and Cancel stay in sight below them.
        let fields = scrollable(form.padding(iced::Padding {
            right: space::L,
            ..iced::Padding::ZERO
        }))
        .height(Length::Fill);
        column![fields, buttons.push(save)]
            .spacing(space::L)
            .width(Length::Fixed(theme::width::FORM + 80.0))
            .into()
    }
}
