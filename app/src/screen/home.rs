//! The signed-in window: the navigation rail and the area it selects.

use iced::widget::{Space, button, column, container, row, text};
use iced::{Alignment, Length};
use sparks_domain::{Connection, Language, ListDiff, ThemeChoice, TimelineItem};
use sparks_i18n::I18n;
use sparks_matrix::RoomListUpdate;
use sparks_secrets::Backend;

use super::service::{self, Offer, Service};
use super::{calendar, chat, meeting, room, security, settings, verification};
use crate::icon::Icon;
use crate::theme::{self, Colors, space, width};
use crate::widget::{self, Element};

/// The rail's destinations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Nav {
    #[default]
    Chat,
    Meetings,
    Calendar,
    Files,
    Assistant,
    Settings,
}

impl Nav {
    pub const ALL: [Nav; 6] = [
        Nav::Chat,
        Nav::Meetings,
        Nav::Calendar,
        Nav::Files,
        Nav::Assistant,
        Nav::Settings,
    ];

    fn icon(self) -> Icon {
        match self {
            Nav::Chat => Icon::Chat,
            Nav::Meetings => Icon::Meetings,
            Nav::Calendar => Icon::Calendar,
            Nav::Files => Icon::Files,
            Nav::Assistant => Icon::Assistant,
            Nav::Settings => Icon::Settings,
        }
    }

    /// The middleware service this entry shows, if it is one.
    fn service(self) -> Option<Service> {
        match self {
            Nav::Meetings => Some(Service::Meetings),
            Nav::Calendar => Some(Service::Calendar),
            Nav::Files => Some(Service::Files),
            Nav::Assistant => Some(Service::Assistant),
            Nav::Chat | Nav::Settings => None,
        }
    }

    fn label_key(self) -> &'static str {
        match self {
            Nav::Chat => "rail-chat",
            Nav::Meetings => "rail-meetings",
            Nav::Calendar => "rail-calendar",
            Nav::Files => "rail-files",
            Nav::Assistant => "rail-assistant",
            Nav::Settings => "rail-settings",
        }
    }
}

/// Who is signed in, as the settings page shows it.
#[derive(Debug, Clone)]
pub struct Identity {
    pub user_id: String,
    pub homeserver: String,
    pub device_id: String,
}

pub struct Home {
    identity: Identity,
    nav: Nav,
    chat: chat::Chat,
    security: security::Panel,
    devices: settings::devices::Panel,
    /// The verification under way, over whatever page shows.
    verification: Option<verification::Dialog>,
    logging_out: bool,
    /// What the organisation's Sparks middleware offers.
    offer: Offer,
    calendar: calendar::Calendar,
    /// The meeting joined (or being joined, or just ended), shown on the meetings page.
    meeting: Option<meeting::Meeting>,
    /// Rooms whose call started since the app last asked (for a notification).
    rings: Vec<sparks_domain::RoomSummary>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Nav(Nav),
    Meeting(meeting::Message),
    Calendar(calendar::Message),
    /// Ask the Sparks middleware again what the organisation has.
    RetryServices,
    Chat(chat::Message),
    Settings(settings::Message),
    Rooms(RoomListUpdate),
    Connection(Connection),
    Timeline(String, Vec<ListDiff<TimelineItem>>),
    /// Who else is typing in a room.
    Typing(String, Vec<String>),
    /// The open room's list of threads, or why the server could not list them.
    Threads(String, Result<Vec<sparks_domain::ThreadRoot>, String>),
    /// The spaces we are in changed.
    Spaces(Vec<sparks_domain::SpaceGroup>),
    /// A room's own settings changed.
    RoomDetails(String, sparks_domain::RoomDetails),
    /// The open thread (room, root) changed.
    ThreadTimeline(String, String, Vec<ListDiff<TimelineItem>>),
    /// This session's encryption changed.
    Security(sparks_domain::Security),
    Verification(verification::Message),
    /// The verification with this id moved on.
    VerificationStep(String, sparks_domain::VerificationStep),
}

pub enum Action {
    None,
    /// Find the Sparks middleware and ask what the organisation has.
    ConnectServices,
    Language(Option<Language>),
    Theme(ThemeChoice),
    /// Meetings are to use this device.
    Device(sparks_devices::DeviceKind, sparks_domain::DeviceChoice),
    /// Find out which devices the machine has.
    ListDevices,
    Logout,
    OpenRoom(String),
    Room(room::Action),
    SaveDrafts,
    CreateRoom(sparks_domain::NewRoom),
    JoinRoom(String),
    LeaveRoom(String),
    Recover(String),
    EnableRecovery,
    Copy(String),
    VerifyDevice,
    VerifyUser(String),
    Verification(verification::Action),
    /// Fetch these image messages' thumbnails in this room.
    Thumbnails(String, Vec<String>),
    /// Fetch this room's (new) picture.
    RoomPicture(String),
    Calendar(Box<calendar::Action>),
    Meeting(meeting::Action),
}

/// What the home screen needs from the app to draw itself.
pub struct Context<'a> {
    pub i18n: &'a I18n,
    pub now_ms: u64,
    pub colors: &'static Colors,
    pub secrets: Backend,
    pub language: Option<Language>,
    pub theme: ThemeChoice,
    /// A sentence about settings that could not be read or saved.
    pub problem: Option<&'a str>,
    /// The devices meetings use.
    pub devices: &'a sparks_domain::Devices,
}

impl Home {
    pub fn new(identity: Identity, drafts: sparks_config::Drafts) -> Home {
        let chat = chat::Chat::new(identity.user_id.clone(), drafts);
        Home {
            identity,
            nav: Nav::default(),
            chat,
            security: security::Panel::default(),
            devices: settings::devices::Panel::default(),
            verification: None,
            logging_out: false,
            offer: Offer::default(),
            calendar: calendar::Calendar::new(
                chrono::Local::now().date_naive(),
                calendar::Calendar::system_zone(),
            ),
            meeting: None,
            rings: Vec::new(),
        }
    }

    pub fn calendar(&self) -> &calendar::Calendar {
        &self.calendar
    }

    pub fn calendar_mut(&mut self) -> &mut calendar::Calendar {
        &mut self.calendar
    }

    /// A meeting in `room_id` is being joined: the meetings page shows it.
    pub fn start_meeting(&mut self, room_id: String, title: String) {
        self.meeting = Some(meeting::Meeting::new(room_id, title));
        self.nav = Nav::Meetings;
    }

    pub fn meeting(&self) -> Option<&meeting::Meeting> {
        self.meeting.as_ref()
    }

    pub fn meeting_mut(&mut self) -> Option<&mut meeting::Meeting> {
        self.meeting.as_mut()
    }

    /// The rooms whose call started since the last time this was asked.
    pub fn take_rings(&mut self) -> Vec<sparks_domain::RoomSummary> {
        std::mem::take(&mut self.rings)
    }

    /// The meeting page is done with: back to the chat.
    pub fn close_meeting(&mut self) {
        self.meeting = None;
        if self.nav == Nav::Meetings {
            self.nav = Nav::Chat;
        }
    }

    pub fn offer(&self) -> &Offer {
        &self.offer
    }

    /// What the organisation's middleware offers became known (or could not be asked).
    pub fn set_offer(&mut self, offer: Offer) {
        self.offer = offer;
        self.calendar
            .set_meetings(self.offer.has(Service::Meetings));
        self.chat.show_calls(self.offer.has(Service::Meetings));
    }

    pub fn nav(&self) -> Nav {
        self.nav
    }

    pub fn chat(&self) -> &chat::Chat {
        &self.chat
    }

    /// Ctrl+K: the chat page with its quick switcher.
    pub fn open_switcher(&mut self) {
        self.nav = Nav::Chat;
        self.chat.open_switcher();
    }

    pub fn switcher_open(&self) -> bool {
        self.nav == Nav::Chat && self.chat.switcher_open()
    }

    pub fn move_highlight(&mut self, delta: isize) {
        self.chat.move_highlight(delta);
    }

    pub fn escape(&mut self) -> Action {
        if self.nav != Nav::Chat {
            return Action::None;
        }
        let action = self.chat.escape();
        Self::chat_action(action)
    }

    fn chat_action(action: chat::Action) -> Action {
        match action {
            chat::Action::None => Action::None,
            chat::Action::Open(id) => Action::OpenRoom(id),
            chat::Action::Room(room::Action::Verify(user_id)) => Action::VerifyUser(user_id),
            chat::Action::Room(action) => Action::Room(action),
            chat::Action::SaveDrafts => Action::SaveDrafts,
            chat::Action::Create(room) => Action::CreateRoom(room),
            chat::Action::Join(target) => Action::JoinRoom(target),
            chat::Action::Leave(id) => Action::LeaveRoom(id),
        }
    }

    /// A room was created or joined (its id), or that failed (a sentence for the user).
    pub fn room_ready(&mut self, result: Result<String, String>) -> Action {
        self.nav = Nav::Chat;
        let action = self.chat.room_ready(result);
        Self::chat_action(action)
    }

    /// We left room `id` (or declined its invitation).
    pub fn left(&mut self, id: &str) {
        self.chat.left(id);
    }

    pub fn security(&self) -> &security::Panel {
        &self.security
    }

    pub fn security_mut(&mut self) -> &mut security::Panel {
        &mut self.security
    }

    /// An answer in the running verification failed: the dialog says so.
    pub fn verification_failed(&mut self, problem: String) {
        match &mut self.verification {
            Some(dialog) => dialog.failed(problem),
            None => self.security.show_problem(problem),
        }
    }

    pub fn verification(&self) -> Option<&verification::Dialog> {
        self.verification.as_ref()
    }

    /// A verification started (by us or the other side): the dialog shows it. One still running
    /// is not replaced; `false` tells the caller to decline the new one.
    pub fn verification_started(
        &mut self,
        id: String,
        peer: sparks_domain::VerificationPeer,
    ) -> bool {
        if self
            .verification
            .as_ref()
            .is_some_and(|dialog| !dialog.step().is_final())
        {
            return false;
        }
        self.verification = Some(verification::Dialog::new(id, peer));
        true
    }

    /// The open room, if it is `id`, for results of backend calls made for it.
    pub fn room_mut(&mut self, id: &str) -> Option<&mut super::room::Room> {
        self.chat.room_mut(id)
    }

    pub fn update(&mut self, message: Message) -> Action {
        let action = self.handle(message);
        self.chat.show_calls(self.offer.has(Service::Meetings));
        action
    }

    fn handle(&mut self, message: Message) -> Action {
        match message {
            Message::Meeting(message) => {
                if let Some(meeting) = &mut self.meeting {
                    return Action::Meeting(meeting.update(message));
                }
            }
            Message::Nav(nav) => {
                self.nav = nav;
                if nav == Nav::Calendar && self.offer.has(Service::Calendar) {
                    return Action::Calendar(Box::new(self.calendar.load()));
                }
                if nav == Nav::Settings && !self.devices.asked() {
                    return Action::ListDevices;
                }
            }
            Message::Calendar(message) => {
                if matches!(message, calendar::Message::Show(_)) {
                    // From the main screen's list: the calendar page shows it.
                    self.nav = Nav::Calendar;
                }
                return Action::Calendar(Box::new(self.calendar.update(message)));
            }
            Message::RetryServices => {
                self.offer = Offer::Checking;
                return Action::ConnectServices;
            }
            Message::Chat(message) => return Self::chat_action(self.chat.update(message)),
            Message::Timeline(id, diffs) => {
                if let Some(room) = self.chat.room_mut(&id) {
                    let wanted = room.apply(diffs);
                    if !wanted.is_empty() {
                        return Action::Thumbnails(id, wanted);
                    }
                }
            }
            Message::ThreadTimeline(id, root, diffs) => {
                if let Some(room) = self.chat.room_mut(&id) {
                    room.apply_thread(&root, diffs);
                }
            }
            Message::Spaces(spaces) => self.chat.set_spaces(spaces),
            Message::Threads(id, threads) => {
                if let Some(room) = self.chat.room_mut(&id) {
                    room.set_threads(threads);
                }
            }
            Message::RoomDetails(id, details) => {
                if let Some(room) = self.chat.room_mut(&id)
                    && room.set_details(details)
                {
                    return Action::RoomPicture(id);
                }
            }
            Message::Typing(id, names) => {
                if let Some(room) = self.chat.room_mut(&id) {
                    room.set_typing(names);
                }
            }
            Message::Rooms(update) => {
                let started = self.chat.apply(update);
                let ours = self
                    .meeting
                    .as_ref()
                    .filter(|m| m.is_on())
                    .map(|m| m.room_id());
                self.rings
                    .extend(started.into_iter().filter(|r| Some(r.id.as_str()) != ours));
                return Self::chat_action(self.chat.take_listed());
            }
            Message::Connection(connection) => self.chat.set_connection(connection),
            Message::Security(state) => self.security.set_state(state),
            Message::VerificationStep(id, step) => {
                if let Some(dialog) = self.verification.as_mut().filter(|d| d.id() == id) {
                    dialog.set_step(step);
                }
            }
            Message::Verification(message) => {
                let Some(dialog) = &mut self.verification else {
                    return Action::None;
                };
                let action = dialog.update(message);
                if action == verification::Action::Dismiss {
                    self.verification = None;
                }
                return Action::Verification(action);
            }
            Message::Settings(settings::Message::Security(message)) => {
                return match self.security.update(message) {
                    security::Action::None => Action::None,
                    security::Action::Recover(key) => Action::Recover(key),
                    security::Action::EnableRecovery => Action::EnableRecovery,
                    security::Action::Copy(key) => Action::Copy(key),
                    security::Action::VerifyDevice => Action::VerifyDevice,
                };
            }
            Message::Settings(settings::Message::Language(language)) => {
                return Action::Language(language);
            }
            Message::Settings(settings::Message::Theme(choice)) => return Action::Theme(choice),
            Message::Settings(settings::Message::Device(kind, choice)) => {
                return Action::Device(kind, choice);
            }
            Message::Settings(settings::Message::LookForDevices) => return Action::ListDevices,
            Message::Settings(settings::Message::Found(found)) => self.devices.found(found),
            Message::Settings(settings::Message::Logout) => {
                if !self.logging_out {
                    self.logging_out = true;
                    return Action::Logout;
                }
            }
        }
        Action::None
    }

    pub fn view<'a>(&'a self, cx: Context<'a>) -> Element<'a, Message> {
        let i18n = cx.i18n;
        let content: Element<'a, Message> = match self.nav {
            Nav::Chat => {
                let chat = self
                    .chat
                    .view(i18n, cx.now_ms, cx.colors)
                    .map(Message::Chat);
                match self.upcoming(i18n, cx.now_ms) {
                    Some(strip) => column![strip, chat].into(),
                    None => chat,
                }
            }
            Nav::Calendar if self.offer.has(Service::Calendar) => {
                self.calendar.view(i18n).map(Message::Calendar)
            }
            Nav::Meetings if self.meeting.is_some() => match &self.meeting {
                Some(meeting) => meeting.view(i18n).map(Message::Meeting),
                None => Space::new().into(),
            },
            Nav::Meetings | Nav::Calendar | Nav::Files | Nav::Assistant => {
                let service = self.nav.service().unwrap_or(Service::Meetings);
                service::view(service, &self.offer, i18n, Message::RetryServices)
            }
            Nav::Settings => {
                let props = settings::Props {
                    user_id: &self.identity.user_id,
                    homeserver: &self.identity.homeserver,
                    device_id: &self.identity.device_id,
                    secrets: cx.secrets,
                    language: cx.language,
                    theme: cx.theme,
                    logging_out: self.logging_out,
                    problem: cx.problem,
                    security: &self.security,
                    devices: &self.devices,
                    chosen: cx.devices,
                };
                settings::view(props, i18n).map(Message::Settings)
            }
        };
        let page = row![
            self.rail(i18n),
            container(content)
                .width(Length::Fill)
                .height(Length::Fill)
                .style(theme::container::background)
        ];
        match &self.verification {
            Some(dialog) => iced::widget::stack![
                page,
                widget::dialog(dialog.view(i18n).map(Message::Verification), None)
            ]
            .into(),
            None => page.into(),
        }
    }

    /// Today's events still to come, above the chat; clicking one opens it in the calendar.
    fn upcoming<'a>(&'a self, i18n: &I18n, now_ms: u64) -> Option<Element<'a, Message>> {
        let now = chrono::DateTime::from_timestamp_millis(now_ms as i64)?;
        let events = self.calendar.upcoming_today(now);
        if events.is_empty() {
            return None;
        }
        let zone = self.calendar.zone();
        let mut strip = row![text(i18n.tr("calendar-upcoming")).font(theme::SEMIBOLD)]
            .spacing(space::M)
            .align_y(Alignment::Center);
        for event in events.into_iter().take(4) {
            let label = format!(
                "{} {}",
                event.details.start.with_timezone(&zone).format("%H:%M"),
                widget::ellipsize(&event.details.title, 32)
            );
            strip = strip.push(
                button(text(label).size(theme::size::SMALL))
                    .style(theme::button::chip(false))
                    .on_press(Message::Calendar(calendar::Message::Show(Box::new(
                        event.clone(),
                    )))),
            );
        }
        Some(
            container(strip)
                .padding([space::S, space::L])
                .width(Length::Fill)
                .style(theme::container::notice)
                .into(),
        )
    }

    fn rail<'a>(&self, i18n: &I18n) -> Element<'a, Message> {
        let entry = |nav: Nav| {
            // A meeting under way keeps the meetings entry lit wherever the user is.
            let live = nav == Nav::Meetings && self.meeting.as_ref().is_some_and(|m| m.is_on());
            let active = self.nav == nav || live;
            // Services the organisation has not set up stay reachable (their page says why)
            // but look faint.
            let faint = nav.service().is_some_and(|s| !self.offer.has(s));
            let label = text(i18n.tr(nav.label_key())).size(11).font(if active {
                theme::SEMIBOLD
            } else {
                theme::REGULAR
            });
            let label = match (active, faint) {
                (true, _) => label.style(theme::text::primary),
                (false, true) => label.style(theme::text::faint),
                (false, false) => label.style(theme::text::muted),
            };
            let content = column![
                nav.icon().view(22.0, move |t| match (active, faint) {
                    (true, _) => theme::colors(t).primary,
                    (false, true) => theme::colors(t).muted.scale_alpha(0.55),
                    (false, false) => theme::colors(t).muted,
                }),
                label,
            ]
            .spacing(space::XS)
            .width(Length::Fill)
            .align_x(Alignment::Center);
            button(content)
                .padding([space::S, space::XS])
                .width(Length::Fixed(width::RAIL - 2.0 * space::S))
                .style(theme::button::rail(active))
                .on_press(Message::Nav(nav))
        };
        let mut top = column![
            container(Icon::Logo.view(32.0, |t| theme::colors(t).primary)).padding([space::M, 0.0])
        ]
        .spacing(space::XS)
        .align_x(Alignment::Center);
        for nav in &Nav::ALL[..5] {
            top = top.push(entry(*nav));
        }
        let rail = column![top, Space::new().height(Length::Fill), entry(Nav::Settings)]
            .align_x(Alignment::Center)
            .padding([space::S, space::S]);
        container(rail)
            .width(Length::Fixed(width::RAIL))
            .height(Length::Fill)
            .style(theme::container::rail)
            .into()
    }
}
