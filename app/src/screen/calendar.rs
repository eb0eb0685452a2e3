//! The calendar: every source's events in one agenda, day, week or month view, calendars
//! toggled by their colours, events created, edited, moved and deleted in a form with invitees
//! from the merged contacts and a "Sparks meeting" switch; and the people of every address
//! book, to write to.

pub mod editor;
pub mod people;
mod views;

use std::collections::HashSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use sparks_middleware_client::pim::{
    Calendar as CalendarInfo, Contact, Credentials, Event, EventChange, EventRef, EventReply,
    NewEvent, Source, Unavailable,
};

pub use editor::Editor;

/// How the calendar is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Week,
    Agenda,
    Day,
    Month,
    People,
}

impl Mode {
    pub const ALL: [Mode; 5] = [
        Mode::Agenda,
        Mode::Day,
        Mode::Week,
        Mode::Month,
        Mode::People,
    ];

    fn key(self) -> &'static str {
        match self {
            Mode::Agenda => "calendar-agenda",
            Mode::Day => "calendar-day",
            Mode::Week => "calendar-week",
            Mode::Month => "calendar-month",
            Mode::People => "calendar-people",
        }
    }
}

/// What the middleware answered for a range.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub sources: Vec<Source>,
    pub calendars: Vec<CalendarInfo>,
    pub events: Vec<Event>,
    pub unavailable: Vec<Unavailable>,
}

/// Signing in to one source.
#[derive(Debug, Clone, Default)]
struct Connect {
    source: String,
    username: String,
    password: String,
    busy: bool,
    problem: Option<String>,
}

pub struct Calendar {
    mode: Mode,
    /// The day the view is about.
    anchor: NaiveDate,
    today: NaiveDate,
    zone: chrono_tz::Tz,
    snapshot: Snapshot,
    hidden: HashSet<String>,
    loading: bool,
    problem: Option<String>,
    editor: Option<Editor>,
    connect: Option<Connect>,
    people: people::People,
    /// Whether the organisation has meetings (contacts can be called).
    meetings: bool,
    /// Today's and tomorrow's events, for the main screen's list and reminders, kept from the
    /// last load that covered them.
    soon: Vec<Event>,
    /// Reminders already given: (UID, start, minutes before).
    reminded: HashSet<(String, DateTime<Utc>, i64)>,
}

/// How late a reminder may still be given.
const REMINDER_GRACE: Duration = Duration::minutes(10);

#[derive(Debug, Clone)]
pub enum Message {
    Mode(Mode),
    Previous,
    Next,
    Today,
    Reload,
    Toggle(String),
    Loaded(Result<Snapshot, String>),
    New,
    /// Open the event at this index of the loaded events.
    Open(usize),
    /// Go to this event of today (from the main screen) and open it.
    Show(Box<Event>),
    Editor(editor::Message),
    /// The editor's change was saved, or why not.
    Saved(Result<(), String>),
    ConnectStart(String),
    ConnectUser(String),
    ConnectPassword(String),
    ConnectSubmit,
    ConnectCancel,
    Connected(Result<(), String>),
    People(people::Message),
    /// The contacts matching a search (for the people page or the editor's invitees).
    Found(String, Result<Vec<Contact>, String>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    None,
    /// Load sources, calendars and the events in `[start, end)`.
    Load {
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        zone: String,
    },
    Create(NewEvent),
    Update(EventChange),
    Delete(EventRef),
    /// Answer an invitation.
    Reply(EventReply),
    Connect(String, Credentials),
    Search(String),
    /// Write to this Matrix user (a direct chat).
    Chat(String),
    /// Call this Matrix user (by their name): a meeting in the direct chat with them.
    Call(String, String),
}

impl Calendar {
    pub fn new(today: NaiveDate, zone: chrono_tz::Tz) -> Calendar {
        Calendar {
            mode: Mode::default(),
            anchor: today,
            today,
            zone,
            snapshot: Snapshot::default(),
            hidden: HashSet::new(),
            loading: false,
            problem: None,
            editor: None,
            connect: None,
            people: people::People::default(),
            reminded: HashSet::new(),
            meetings: false,
            soon: Vec::new(),
        }
    }

    /// The user's time zone, as the system says (UTC when it cannot tell).
    pub fn system_zone() -> chrono_tz::Tz {
        iana_time_zone::get_timezone()
            .ok()
            .and_then(|name| name.parse().ok())
            .unwrap_or(chrono_tz::UTC)
    }

    /// The first and the day after the last day the current view shows.
    pub fn range(&self) -> (NaiveDate, NaiveDate) {
        let a = self.anchor;
        match self.mode {
            Mode::Day => (a, a + Duration::days(1)),
            Mode::Week => {
                let monday = a - Duration::days(i64::from(a.weekday().num_days_from_monday()));
                (monday, monday + Duration::days(7))
            }
            Mode::Month | Mode::People => {
                let first = a.with_day(1).unwrap_or(a);
                let start =
                    first - Duration::days(i64::from(first.weekday().num_days_from_monday()));
                (start, start + Duration::days(42))
            }
            Mode::Agenda => (a, a + Duration::days(14)),
        }
    }

    fn utc(&self, day: NaiveDate) -> DateTime<Utc> {
        let local = day.and_time(chrono::NaiveTime::MIN);
        self.zone
            .from_local_datetime(&local)
            .earliest()
            .map_or_else(|| local.and_utc(), |t| t.with_timezone(&Utc))
    }

    /// Asks for the current view's events.
    pub fn load(&mut self) -> Action {
        let (start, end) = self.range();
        self.loading = true;
        Action::Load {
            start: self.utc(start),
            end: self.utc(end),
            zone: self.zone.name().to_owned(),
        }
    }

    /// The organisation has meetings (or not): contacts offer a call.
    pub fn set_meetings(&mut self, meetings: bool) {
        self.meetings = meetings;
    }

    pub fn zone(&self) -> chrono_tz::Tz {
        self.zone
    }

    /// The clock says it is `today`: after midnight the views move on with it (when they were
    /// showing the day that just ended) and today's list is asked for again.
    pub fn set_today(&mut self, today: NaiveDate) -> Action {
        if today == self.today {
            return Action::None;
        }
        if self.anchor == self.today {
            self.anchor = today;
        }
        self.today = today;
        if self.snapshot.sources.is_empty() {
            // Never loaded: the organisation has no calendars, or they are not asked for yet.
            return Action::None;
        }
        self.load()
    }

    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    /// Events still to come today (for the main screen), in time order.
    pub fn upcoming_today(&self, now: DateTime<Utc>) -> Vec<&Event> {
        let end = self.utc(self.today + Duration::days(1));
        self.soon()
            .filter(|e| e.details.end > now && e.details.start < end && !e.details.all_day)
            .collect()
    }

    /// Today's and tomorrow's events of calendars that are switched on, whatever the views
    /// show now.
    fn soon(&self) -> impl Iterator<Item = &Event> {
        self.soon.iter().filter(|e| {
            !self
                .hidden
                .contains(&calendar_key(&e.at.source, &e.at.calendar))
        })
    }

    /// Keeps today's and tomorrow's events from what a load of the current range brought.
    fn keep_soon(&mut self, events: &[Event]) {
        let (start, end) = self.range();
        let from = self.utc(start).max(self.utc(self.today));
        let to = self.utc(end).min(self.utc(self.today + Duration::days(2)));
        if from >= to {
            return;
        }
        let within = |e: &Event| e.details.start < to && e.details.end > from;
        self.soon.retain(|e| !within(e));
        self.soon
            .extend(events.iter().filter(|e| within(e)).cloned());
        self.soon.sort_by_key(|e| e.details.start);
    }

    /// Reminders that are due at `now` and not given yet: each event's title and the minutes
    /// until it starts. A reminder missed by more than [`REMINDER_GRACE`] (the computer was
    /// asleep) is not given late.
    pub fn due_reminders(&mut self, now: DateTime<Utc>) -> Vec<(String, i64)> {
        let mut due = Vec::new();
        for event in self.soon() {
            let d = &event.details;
            for minutes in &d.reminders {
                let at = d.start - Duration::minutes(*minutes);
                if at <= now && now - at < REMINDER_GRACE && now < d.end {
                    let key = (event.uid.clone(), d.start, *minutes);
                    if !self.reminded.contains(&key) {
                        due.push((key, d.title.clone(), (d.start - now).num_minutes().max(0)));
                    }
                }
            }
        }
        due.into_iter()
            .map(|(key, title, minutes)| {
                self.reminded.insert(key);
                (title, minutes)
            })
            .collect()
    }

    /// The loaded events of calendars that are switched on, with their indices.
    fn visible(&self) -> impl Iterator<Item = (usize, &Event)> {
        self.snapshot.events.iter().enumerate().filter(|(_, e)| {
            !self
                .hidden
                .contains(&calendar_key(&e.at.source, &e.at.calendar))
        })
    }

    fn calendar_of(&self, event: &Event) -> Option<&CalendarInfo> {
        self.snapshot
            .calendars
            .iter()
            .find(|c| c.source == event.at.source && c.id == event.at.calendar)
    }

    fn step(&mut self, forward: bool) -> Action {
        let days = match self.mode {
            Mode::Day => 1,
            Mode::Week => 7,
            Mode::Agenda => 14,
            Mode::Month | Mode::People => {
                let (y, m) = (self.anchor.year(), self.anchor.month());
                let (y, m) = match (forward, m) {
                    (true, 12) => (y + 1, 1),
                    (true, m) => (y, m + 1),
                    (false, 1) => (y - 1, 12),
                    (false, m) => (y, m - 1),
                };
                self.anchor = NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(self.anchor);
                return self.load();
            }
        };
        self.anchor += Duration::days(if forward { days } else { -days });
        self.load()
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Mode(mode) => {
                self.mode = mode;
                if mode == Mode::People {
                    return Action::Search(self.people.query().to_owned());
                }
                return self.load();
            }
            Message::Previous => return self.step(false),
            Message::Next => return self.step(true),
            Message::Today => {
                self.anchor = self.today;
                return self.load();
            }
            Message::Reload => return self.load(),
            Message::Toggle(key) => {
                if !self.hidden.remove(&key) {
                    self.hidden.insert(key);
                }
            }
            Message::Loaded(result) => {
                self.loading = false;
                match result {
                    Ok(snapshot) => {
                        self.problem = None;
                        self.keep_soon(&snapshot.events);
                        self.snapshot = snapshot;
                    }
                    Err(problem) => self.problem = Some(problem),
                }
            }
            Message::New => {
                let start = self
                    .zone
                    .from_local_datetime(&self.anchor.and_hms_opt(9, 0, 0).unwrap_or_default());
                let start = start
                    .earliest()
                    .map_or(Utc::now(), |t| t.with_timezone(&Utc));
                self.editor = Some(Editor::new(self.zone, start, self.writable()));
            }
            Message::Show(event) => {
                self.mode = Mode::Day;
                self.anchor = self.today;
                let writable = self.calendar_of(&event).is_none_or(|c| c.writable);
                self.editor = Some(Editor::edit(self.zone, &event, writable, self.writable()));
                return self.load();
            }
            Message::Open(index) => {
                if let Some(event) = self.snapshot.events.get(index) {
                    let writable = self.calendar_of(event).is_none_or(|c| c.writable);
                    self.editor = Some(Editor::edit(self.zone, event, writable, self.writable()));
                }
            }
            Message::Editor(message) => {
                let Some(editor) = &mut self.editor else {
                    return Action::None;
                };
                return match editor.update(message) {
                    editor::Action::None => Action::None,
                    editor::Action::Close => {
                        self.editor = None;
                        Action::None
                    }
                    editor::Action::Search(q) => Action::Search(q),
                    editor::Action::Create(new) => Action::Create(new),
                    editor::Action::Update(change) => Action::Update(change),
                    editor::Action::Delete(at) => Action::Delete(at),
                    editor::Action::Reply(reply) => Action::Reply(reply),
                };
            }
            Message::Saved(result) => match result {
                Ok(()) => {
                    self.editor = None;
                    return self.load();
                }
                Err(problem) => {
                    if let Some(editor) = &mut self.editor {
                        editor.failed(problem);
                    }
                }
            },
            Message::ConnectStart(source) => {
                self.connect = Some(Connect {
                    source,
                    ..Connect::default()
                });
            }
            Message::ConnectUser(value) => {
                if let Some(c) = &mut self.connect {
                    c.username = value;
                }
            }
            Message::ConnectPassword(value) => {
                if let Some(c) = &mut self.connect {
                    c.password = value;
                }
            }
            Message::ConnectCancel => self.connect = None,
            Message::ConnectSubmit => {
                if let Some(c) = &mut self.connect
                    && !c.busy
                    && !c.username.trim().is_empty()
                    && !c.password.is_empty()
                {
                    c.busy = true;
                    c.problem = None;
                    return Action::Connect(
                        c.source.clone(),
                        Credentials {
                            username: c.username.trim().to_owned(),
                            password: c.password.clone(),
                        },
                    );
                }
            }
            Message::Connected(result) => match result {
                Ok(()) => {
                    self.connect = None;
                    return self.load();
                }
                Err(problem) => {
                    if let Some(c) = &mut self.connect {
                        c.busy = false;
                        c.problem = Some(problem);
                    }
                }
            },
            Message::People(message) => {
                return match self.people.update(message) {
                    people::Action::None => Action::None,
                    people::Action::Search(q) => Action::Search(q),
                    people::Action::Chat(user) => Action::Chat(user),
                    people::Action::Call(user, name) => Action::Call(user, name),
                };
            }
            Message::Found(query, result) => {
                if let Some(editor) = &mut self.editor {
                    editor.found(&query, &result);
                }
                self.people.found(&query, result);
            }
        }
        Action::None
    }

    /// The calendars new events may go to.
    fn writable(&self) -> Vec<CalendarInfo> {
        self.snapshot
            .calendars
            .iter()
            .filter(|c| c.writable)
            .cloned()
            .collect()
    }
}

/// How a calendar is named in the toggles: its source and id together.
pub fn calendar_key(source: &str, id: &str) -> String {
    format!("{source}\n{id}")
}
