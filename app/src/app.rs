//! The top of the app: which screen shows, and the tasks and subscriptions that connect the
//! screens to the backends.

use std::path::PathBuf;

use iced::theme::Mode;
use iced::{Task, Theme};
use sparks_config::{Drafts, Paths, Settings};
use sparks_domain::{Member, Notification};
use sparks_i18n::I18n;
use sparks_matrix::{
    LoginError, LogoutOutcome, OpenRoom, RestoreError, RoomError, SecurityError, Session, Transfer,
    Verification,
};
use sparks_secrets::{FileLocation, SecretStore};

use crate::screen::home::{self, Home, Identity};
use crate::screen::login::{self, Login, Problem};
use crate::screen::room::{self, Command};
use crate::widget::Element;
use crate::{errors, theme, time};

mod calendar;
mod desktop;
mod media;
mod meeting;
mod room_settings;
mod security;
mod services;
mod streams;

use desktop::{alert, open_link, show_notification};
pub use services::ServicesError;
pub use streams::{Job, JobId};

/// The keyring service name Sparks files its secrets under.
const KEYRING_SERVICE: &str = "org.sparks.Sparks";

pub struct Sparks {
    paths: Paths,
    secrets: SecretStore,
    settings: Settings,
    i18n: I18n,
    system_mode: Mode,
    now_ms: u64,
    screen: Screen,
    /// The settings file could not be read or written; shown on the settings page.
    settings_problem: Option<String>,
    /// Whether the window has the keyboard: notifications for the open room are then skipped.
    focused: bool,
    /// Numbers uploads so each can be followed and cancelled.
    next_upload: u64,
}

pub enum Screen {
    /// Looking for a saved session.
    Restoring,
    Login(Login),
    Home {
        session: Session,
        home: Box<Home>,
        /// The room whose timeline is open.
        room: Option<OpenRoom>,
        /// The verification the dialog shows.
        verification: Option<Verification>,
        /// Uploads and downloads under way; each runs while it is listed here.
        transfers: Vec<Job>,
        /// The thread open beside the room, by its root.
        thread: Option<(String, OpenRoom)>,
        /// The organisation's Sparks middleware, once signed in to it.
        middleware: Option<sparks_middleware_client::Middleware>,
        /// The call joined; its events stream while it is here.
        meeting: Option<Box<meeting::Live>>,
    },
}

#[derive(Debug, Clone)]
pub enum Message {
    Restored(Result<Option<Session>, RestoreError>),
    Login(login::Message),
    LoggedIn(Result<Session, LoginError>),
    Home(home::Message),
    LoggedOut(LogoutOutcome),
    RoomOpened(String, Result<OpenRoom, RoomError>),
    OlderLoaded(String, Result<bool, RoomError>),
    Members(String, Result<Vec<Member>, RoomError>),
    /// A room was created or joined.
    RoomReady(Result<String, RoomError>),
    /// We left a room, or could not.
    Left(String, Result<(), RoomError>),
    /// The push rules want the user to know about this.
    Notify(Notification),
    WindowFocus(bool),
    /// A command on a room's timeline finished.
    Done(String, Result<(), RoomError>),
    /// Another device or person asks to verify.
    VerificationAsked(Verification),
    /// Our request to verify went out, or could not.
    VerificationRequested(Result<Verification, SecurityError>),
    /// An answer in a verification (accept, confirm…) failed.
    VerificationFailed(SecurityError),
    /// The recovery key was tried.
    Recovered(Result<(), SecurityError>),
    /// A new recovery key, to show once.
    RecoveryKey(Result<String, SecurityError>),
    /// Files to send to the open room (picked or dropped on the window).
    SendFiles(Vec<PathBuf>),
    /// A transfer in room `.0` moved on.
    Transfer(String, JobId, Transfer),
    /// A thread (room, root) opened, or could not.
    ThreadOpened(String, String, Result<OpenRoom, RoomError>),
    /// A picture was chosen (or not) for room `.0`.
    RoomPictureChosen(String, Option<PathBuf>),
    /// A meeting was joined (or could not be).
    MeetingJoined(Result<(meeting::Live, Vec<meeting::Notice>), meeting::JoinError>),
    /// A device chosen during a meeting is in use, or why it cannot be.
    DeviceSwitched(sparks_devices::DeviceKind, Option<String>),
    /// The direct chat to call someone in (`.1`: their name) is ready, or could not be made.
    CallRoomReady(Result<String, RoomError>, String),
    /// The Sparks middleware was found and signed in to (or not).
    Services(Result<services::Connected, services::ServicesError>),
    /// Room `.0`'s picture arrived (`None`: it has none, or it could not be shown).
    RoomPicture(String, Option<iced::widget::image::Handle>),
    /// A change to room `.0`'s settings was made, or refused.
    RoomChanged(String, Result<(), RoomError>),
    /// A thumbnail arrived (or will not) for a message in room `.0`.
    Thumbnail(String, String, crate::screen::room::Thumbnail),
    SystemMode(Mode),
    Tick,
    FocusNext,
    FocusPrevious,
    /// Ctrl+K.
    QuickSwitch,
    Escape,
    /// Up (-1) or Down (+1) while a list has the keyboard.
    Arrow(isize),
}

impl Sparks {
    /// Starts the app: reads settings, opens the secret store and looks for a saved session.
    pub fn boot() -> (Sparks, Task<Message>) {
        let paths = Paths::from_env().unwrap_or_else(|error| {
            let fallback = std::env::temp_dir().join("sparks");
            tracing::error!(%error, fallback = %fallback.display(), "no home folder; using a temporary one");
            Paths::portable(fallback)
        });
        if let Err(error) = paths.ensure() {
            tracing::error!(%error, "cannot create Sparks' folders");
        }
        let (settings, problem) = match Settings::load(&paths) {
            Ok(settings) => (settings, None),
            Err(error) => {
                tracing::error!(%error, "settings unreadable; using defaults");
                (Settings::default(), Some(error.to_string()))
            }
        };
        let secrets = open_secrets(&paths);
        let mut app = Sparks::new(paths, secrets, settings, Screen::Restoring);
        app.settings_problem = problem.map(|details| {
            app.i18n
                .tr_args("settings-load-error", [("details", details.into())])
        });
        app.now_ms = time::now_ms();
        let (root, secrets) = (app.paths.matrix_store_dir(), app.secrets.clone());
        let restore = Task::perform(
            async move { Session::restore(&root, secrets).await },
            Message::Restored,
        );
        (
            app,
            Task::batch([restore, iced::system::theme().map(Message::SystemMode)]),
        )
    }

    /// An app in a given state, without touching the network: for tests and screenshots.
    pub fn new(paths: Paths, secrets: SecretStore, settings: Settings, screen: Screen) -> Sparks {
        let i18n = I18n::new(settings.effective_language());
        Sparks {
            paths,
            secrets,
            settings,
            i18n,
            system_mode: Mode::Light,
            now_ms: 0,
            screen,
            settings_problem: None,
            focused: true,
            next_upload: 0,
        }
    }

    pub fn screen(&self) -> &Screen {
        &self.screen
    }

    pub fn i18n(&self) -> &I18n {
        &self.i18n
    }

    /// The clock the views use for relative times.
    pub fn set_now(&mut self, now_ms: u64) {
        self.now_ms = now_ms;
    }

    pub fn title(&self) -> String {
        self.i18n.tr("app-name")
    }

    pub fn theme(&self) -> Theme {
        theme::for_choice(self.settings.theme, self.system_mode)
    }

    pub fn update(&mut self, message: Message) -> Task<Message> {
        match message {
            Message::Restored(Ok(Some(session))) => return self.enter(session),
            Message::Restored(Ok(None)) => self.screen = Screen::Login(self.login_form()),
            Message::Restored(Err(error)) => {
                tracing::error!(%error, "saved session unusable");
                let problem = Problem::Text(errors::restore(&self.i18n, &error));
                self.screen = Screen::Login(self.login_form().with_problem(problem));
            }
            Message::Login(message) => {
                let Screen::Login(form) = &mut self.screen else {
                    return Task::none();
                };
                if let login::Action::Submit(request) = form.update(message) {
                    self.settings.last_homeserver =
                        Some(request.homeserver.trim().to_owned()).filter(|s| !s.is_empty());
                    self.settings.last_username = Some(request.username.trim().to_owned());
                    let root = self.paths.matrix_store_dir();
                    let secrets = self.secrets.clone();
                    return Task::perform(
                        async move { Session::login(&request, &root, secrets).await },
                        Message::LoggedIn,
                    );
                }
            }
            Message::LoggedIn(Ok(session)) => {
                self.save_settings();
                return self.enter(session);
            }
            Message::LoggedIn(Err(error)) => {
                tracing::warn!(%error, "sign-in failed");
                if let Screen::Login(form) = &mut self.screen {
                    form.failed(error);
                }
            }
            Message::Home(message) => return self.update_home(message),
            Message::Services(result) => return self.services_known(result),
            Message::MeetingJoined(result) => return self.meeting_joined(result),
            Message::DeviceSwitched(kind, problem) => self.device_switched(kind, problem),
            Message::CallRoomReady(result, name) => match result {
                Ok(room_id) => return self.start_meeting(room_id, name),
                Err(error) => {
                    let problem = errors::room_action(&self.i18n, &error);
                    if let Screen::Home { home, .. } = &mut self.screen {
                        home.room_ready(Err(problem));
                    }
                }
            },
            Message::RoomOpened(id, result) => return self.room_opened(id, result),
            Message::OlderLoaded(id, result) => {
                let problem = result.err().map(|e| {
                    self.i18n
                        .tr_args("room-open-error", [("details", e.to_string().into())])
                });
                if let Screen::Home { home, room, .. } = &mut self.screen
                    && let Some(view) = home.room_mut(&id)
                    && let room::Action::Do(command) = view.older_loaded(problem)
                    && let Some(open) = room.clone().filter(|r| r.id() == id)
                {
                    return run(open, command);
                }
            }
            Message::Members(id, Ok(members)) => {
                if let Screen::Home { home, .. } = &mut self.screen
                    && let Some(room) = home.room_mut(&id)
                {
                    room.set_members(members);
                }
            }
            Message::RoomReady(result) => {
                let result = result.map_err(|error| errors::room_action(&self.i18n, &error));
                if let Screen::Home { home, .. } = &mut self.screen {
                    let action = home.room_ready(result);
                    return self.home_action(action);
                }
            }
            Message::Left(id, result) => {
                if let Screen::Home { home, room, .. } = &mut self.screen {
                    match result {
                        Ok(()) => {
                            if room.as_ref().is_some_and(|open| open.id() == id) {
                                *room = None;
                            }
                            home.left(&id);
                        }
                        Err(error) => {
                            let problem = errors::room_action(&self.i18n, &error);
                            if let Some(view) = home.room_mut(&id) {
                                view.show_problem(problem);
                            } else {
                                tracing::warn!(%error, "could not leave or decline");
                            }
                        }
                    }
                }
            }
            Message::WindowFocus(focused) => self.focused = focused,
            Message::Notify(notification) => {
                let open = match &self.screen {
                    Screen::Home { room, .. } => room.as_ref().map(|r| r.id().to_owned()),
                    _ => None,
                };
                // Someone looking at the room already sees the message.
                if self.focused && open.as_deref() == Some(notification.room_id.as_str()) {
                    return Task::none();
                }
                let fallback = self.i18n.tr("notification-hidden");
                return Task::future(tokio::task::spawn_blocking(move || {
                    show_notification(&notification, &fallback)
                }))
                .discard();
            }
            Message::Members(_, Err(error)) => {
                tracing::warn!(%error, "room members unavailable; no mention suggestions");
            }
            Message::Done(id, Err(error)) => {
                let problem = errors::room_action(&self.i18n, &error);
                if let Screen::Home { home, .. } = &mut self.screen
                    && let Some(room) = home.room_mut(&id)
                {
                    room.show_problem(problem);
                }
            }
            Message::Done(_, Ok(())) => {}
            Message::VerificationAsked(_)
            | Message::VerificationRequested(_)
            | Message::VerificationFailed(_)
            | Message::Recovered(_)
            | Message::RecoveryKey(_) => return self.update_security(message),
            Message::RoomPictureChosen(..)
            | Message::RoomPicture(..)
            | Message::RoomChanged(..) => {
                return self.update_room_settings(message);
            }
            Message::SendFiles(_) | Message::Transfer(..) | Message::Thumbnail(..) => {
                return self.update_media(message);
            }
            Message::ThreadOpened(room_id, root, result) => {
                let Screen::Home { home, thread, .. } = &mut self.screen else {
                    return Task::none();
                };
                let Some(view) = home.room_mut(&room_id) else {
                    return Task::none();
                };
                match result {
                    Ok(open) if view.thread_root() == Some(root.as_str()) => {
                        *thread = Some((root, open.clone()));
                        // A thread's timeline starts empty: fetch its replies.
                        return Task::future(async move {
                            if let Err(error) = open.load_older(crate::screen::room::PAGE).await {
                                tracing::warn!(%error, "thread replies not loaded");
                            }
                        })
                        .discard();
                    }
                    Ok(_) => {}
                    Err(error) => view.show_problem(errors::room_action(&self.i18n, &error)),
                }
            }
            Message::QuickSwitch => {
                if let Screen::Home { home, .. } = &mut self.screen {
                    home.open_switcher();
                    return iced::widget::operation::focus(crate::screen::chat::SWITCHER);
                }
            }
            Message::Escape => {
                if let Screen::Home { home, .. } = &mut self.screen {
                    let action = home.escape();
                    return self.home_action(action);
                }
            }
            Message::Arrow(delta) => {
                if let Screen::Home { home, .. } = &mut self.screen {
                    home.move_highlight(delta);
                }
            }
            Message::LoggedOut(outcome) => {
                // Drafts belong to the account that signed out.
                if let Err(error) = Drafts::default().save(&self.paths) {
                    tracing::error!(%error, "drafts not removed");
                }
                let mut form = self.login_form();
                if let LogoutOutcome::LocalOnly { details } = outcome {
                    form = form.with_problem(Problem::Text(
                        self.i18n
                            .tr_args("logout-error", [("details", details.into())]),
                    ));
                }
                self.screen = Screen::Login(form);
            }
            Message::SystemMode(mode) => self.system_mode = mode,
            Message::Tick => {
                self.now_ms = time::now_ms();
                if let Screen::Home { home, .. } = &mut self.screen {
                    let calendar = home.calendar_mut();
                    for (title, minutes) in calendar.due_reminders(chrono::Utc::now()) {
                        let when = if minutes == 0 {
                            self.i18n.tr("event-reminder-now")
                        } else {
                            self.i18n
                                .tr_args("event-reminder-in", [("n", minutes.into())])
                        };
                        alert(&self.i18n.tr_args(
                            "event-reminder-due",
                            [("title", title.into()), ("when", when.into())],
                        ));
                    }
                    let action = calendar.set_today(chrono::Local::now().date_naive());
                    return self.calendar_action(action);
                }
            }
            Message::FocusNext => return iced::widget::operation::focus_next(),
            Message::FocusPrevious => return iced::widget::operation::focus_previous(),
        }
        Task::none()
    }

    fn update_home(&mut self, message: home::Message) -> Task<Message> {
        let Screen::Home { home, .. } = &mut self.screen else {
            return Task::none();
        };
        let action = home.update(message);
        for room in home.take_rings() {
            let key = if room.kind == sparks_domain::RoomKind::Direct {
                "call-ringing"
            } else {
                "call-started"
            };
            alert(
                &self
                    .i18n
                    .tr_args(key, [("room", room.name.as_str().into())]),
            );
        }
        self.home_action(action)
    }

    fn home_action(&mut self, action: home::Action) -> Task<Message> {
        let Screen::Home {
            session,
            home,
            room,
            thread,
            ..
        } = &mut self.screen
        else {
            return Task::none();
        };
        match action {
            home::Action::None => {}
            home::Action::ConnectServices => return Self::connect_services(session),
            home::Action::Language(language) => {
                self.settings.language = language;
                self.i18n = I18n::new(self.settings.effective_language());
                self.save_settings();
            }
            home::Action::Theme(choice) => {
                self.settings.theme = choice;
                self.save_settings();
            }
            home::Action::Device(kind, choice) => {
                let devices = &mut self.settings.devices;
                *match kind {
                    sparks_devices::DeviceKind::Microphone => &mut devices.microphone,
                    sparks_devices::DeviceKind::Camera => &mut devices.camera,
                    sparks_devices::DeviceKind::Speaker => &mut devices.speaker,
                } = choice;
                self.save_settings();
                return self.switch_device(kind);
            }
            home::Action::ListDevices => return meeting::list_devices(),
            home::Action::Logout => {
                return Task::perform(session.clone().logout(), Message::LoggedOut);
            }
            home::Action::OpenRoom(id) => {
                *thread = None;
                // The room we leave was read: its "new messages" line moves to the end.
                let left = room.take().map(|old| {
                    Task::future(async move {
                        if let Err(error) = old.mark_fully_read().await {
                            tracing::debug!(%error, "read marker not moved");
                        }
                    })
                    .discard()
                });
                let session = session.clone();
                let open = Task::perform(
                    async move {
                        let result = session.open_room(&id).await;
                        Message::RoomOpened(id, result)
                    },
                    std::convert::identity,
                );
                return Task::batch(left.into_iter().chain([open]));
            }
            home::Action::SaveDrafts => {
                if let Err(error) = home.chat().drafts().save(&self.paths) {
                    tracing::error!(%error, "drafts not saved");
                }
                // The draft changed because someone typed: tell the room.
                let typing = home
                    .chat()
                    .room()
                    .is_some_and(|r| !r.composer().text().trim().is_empty());
                if let Some(open) = room.clone() {
                    return Task::future(async move {
                        if let Err(error) = open.set_typing(typing).await {
                            tracing::debug!(%error, "typing notice not sent");
                        }
                    })
                    .discard();
                }
            }
            home::Action::Room(crate::screen::room::Action::OpenLink(url)) => open_link(&url),
            home::Action::Room(crate::screen::room::Action::Do(command)) => {
                if let Some(open) = room.clone() {
                    return run(open, command);
                }
            }
            home::Action::Room(
                action @ (room::Action::PickFile
                | room::Action::Save(_)
                | room::Action::CancelDownload(_)
                | room::Action::CancelUpload(_)
                | room::Action::ShowFile(_)),
            ) => return self.media_action(action),
            home::Action::Thumbnails(room_id, events) => return self.thumbnails(room_id, events),
            home::Action::RoomPicture(room_id) => return self.fetch_room_picture(room_id),
            home::Action::Calendar(action) => return self.calendar_action(*action),
            home::Action::Meeting(action) => return self.meeting_action(action),
            home::Action::Room(room::Action::Call) => {
                if let Some(open) = home.chat().room() {
                    let (id, name) = (open.id().to_owned(), open.name().to_owned());
                    return self.start_meeting(id, name);
                }
            }
            home::Action::Room(room::Action::Settings(change)) => {
                return self.change_room_settings(change);
            }
            home::Action::Room(crate::screen::room::Action::OpenThread(root)) => {
                *thread = None;
                let Some(open) = room.clone() else {
                    return Task::none();
                };
                let session = session.clone();
                let room_id = open.id().to_owned();
                return Task::perform(
                    async move {
                        let result = session.open_thread(&room_id, &root).await;
                        Message::ThreadOpened(room_id, root, result)
                    },
                    std::convert::identity,
                );
            }
            home::Action::Room(crate::screen::room::Action::CloseThread) => *thread = None,
            home::Action::Room(crate::screen::room::Action::ThreadSend(message)) => {
                if let Some((_, open)) = thread.clone() {
                    return run(open, Command::Send(message));
                }
            }
            home::Action::Room(_) => {}
            home::Action::CreateRoom(new) => {
                let session = session.clone();
                return Task::perform(
                    async move { session.create_room(&new).await },
                    Message::RoomReady,
                );
            }
            home::Action::LeaveRoom(id) => {
                let session = session.clone();
                return Task::perform(
                    async move {
                        let result = session.leave(&id).await;
                        Message::Left(id, result)
                    },
                    std::convert::identity,
                );
            }
            action @ (home::Action::Recover(_)
            | home::Action::EnableRecovery
            | home::Action::Copy(_)
            | home::Action::VerifyDevice
            | home::Action::VerifyUser(_)
            | home::Action::Verification(_)) => return self.security_action(action),
            home::Action::JoinRoom(target) => {
                let session = session.clone();
                return Task::perform(
                    async move { session.join(&target).await },
                    Message::RoomReady,
                );
            }
        }
        Task::none()
    }

    fn room_opened(&mut self, id: String, result: Result<OpenRoom, RoomError>) -> Task<Message> {
        let Screen::Home { home, room, .. } = &mut self.screen else {
            return Task::none();
        };
        let Some(view) = home.room_mut(&id) else {
            return Task::none();
        };
        match result {
            Ok(open) => {
                *room = Some(open.clone());
                let reader = open.clone();
                let mark_read = Task::future(async move {
                    if let Err(error) = reader.mark_read().await {
                        tracing::warn!(%error, "could not send the read receipt");
                    }
                });
                let members = open.clone();
                let members = Task::perform(async move { members.members().await }, move |m| {
                    Message::Members(id.clone(), m)
                });
                Task::batch([load_older(open), mark_read.discard(), members])
            }
            Err(error) => {
                let details = error.to_string();
                view.older_loaded(Some(
                    self.i18n
                        .tr_args("room-open-error", [("details", details.into())]),
                ));
                Task::none()
            }
        }
    }

    /// Shows the signed-in window and starts syncing.
    fn enter(&mut self, session: Session) -> Task<Message> {
        let identity = Identity {
            user_id: session.user_id(),
            homeserver: session.homeserver(),
            device_id: session.device_id(),
        };
        let start = session.clone();
        let drafts = Drafts::load(&self.paths).unwrap_or_else(|error| {
            tracing::error!(%error, "drafts unreadable; starting without them");
            Drafts::default()
        });
        self.screen = Screen::Home {
            session,
            home: Box::new(Home::new(identity, drafts)),
            room: None,
            verification: None,
            transfers: Vec::new(),
            thread: None,
            middleware: None,
            meeting: None,
        };
        let services = Self::connect_services(&start);
        Task::batch([
            Task::future(async move { start.start().await }).discard(),
            services,
        ])
    }

    fn login_form(&self) -> Login {
        Login::new(
            self.settings.last_homeserver.clone(),
            self.settings.last_username.clone(),
        )
    }

    fn save_settings(&mut self) {
        match self.settings.save(&self.paths) {
            Ok(()) => self.settings_problem = None,
            Err(error) => {
                tracing::error!(%error, "settings not saved");
                let details = error.to_string();
                self.settings_problem = Some(
                    self.i18n
                        .tr_args("settings-save-error", [("details", details.into())]),
                );
            }
        }
    }

    pub fn view(&self) -> Element<'_, Message> {
        match &self.screen {
            Screen::Restoring => crate::widget::empty_state(
                crate::icon::Icon::Logo,
                self.i18n.tr("app-name"),
                self.i18n.tr("login-restoring"),
            ),
            Screen::Login(form) => form.view(&self.i18n).map(Message::Login),
            Screen::Home { home, .. } => home
                .view(home::Context {
                    i18n: &self.i18n,
                    now_ms: self.now_ms,
                    colors: theme::colors(&self.theme()),
                    secrets: self.secrets.backend(),
                    language: self.settings.language,
                    theme: self.settings.theme,
                    problem: self.settings_problem.as_deref(),
                    devices: &self.settings.devices,
                })
                .map(Message::Home),
        }
    }
}

/// Runs a room command on the backend; a failure comes back as a sentence under the composer.
fn run(room: OpenRoom, command: Command) -> Task<Message> {
    if command == Command::LoadOlder {
        return load_older(room);
    }
    let id = room.id().to_owned();
    Task::perform(
        async move {
            match command {
                Command::Send(message) => room.send(&message).await,
                Command::Edit { event, message } => room.edit(&event, &message).await,
                Command::Redact(event) => room.redact(&event).await,
                Command::React { event, key } => room.toggle_reaction(&event, &key).await,
                Command::LoadOlder => Ok(()),
            }
        },
        move |result| Message::Done(id.clone(), result),
    )
}

fn load_older(room: OpenRoom) -> Task<Message> {
    let id = room.id().to_owned();
    Task::perform(
        async move { room.load_older(crate::screen::room::PAGE).await },
        move |result| Message::OlderLoaded(id.clone(), result),
    )
}

/// The keyring where one runs; an encrypted file when running from a portable folder.
fn open_secrets(paths: &Paths) -> SecretStore {
    let file = FileLocation {
        data_file: paths.secrets_file(),
        key_file: paths.secrets_key_file(),
    };
    if paths.is_portable() {
        SecretStore::encrypted_file(file)
    } else {
        SecretStore::open(KEYRING_SERVICE, file)
    }
}
