//! The app's subscriptions: each backend stream, keyed by what it belongs to so iced keeps it
//! running exactly while that thing is on screen.

use std::hash::{Hash, Hasher};
use std::path::PathBuf;

use std::time::Duration;

use futures_util::{Stream, StreamExt};
use iced::{Subscription, keyboard};
use sparks_matrix::{OpenRoom, Session, Transfer, Verification};

use super::{Message, Screen, meeting};
use crate::screen::home;

/// A session as a subscription identity: the same account and device keep the same streams.
#[derive(Clone)]
pub(super) struct SessionKey(pub(super) Session);

impl Hash for SessionKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.user_id().hash(state);
        self.0.device_id().hash(state);
    }
}

pub(super) fn rooms(key: &SessionKey) -> impl Stream<Item = Message> + use<> {
    key.0
        .rooms()
        .map(|update| Message::Home(home::Message::Rooms(update)))
}

pub(super) fn spaces(key: &SessionKey) -> impl Stream<Item = Message> + use<> {
    key.0
        .spaces()
        .map(|spaces| Message::Home(home::Message::Spaces(spaces)))
}

pub(super) fn connection(key: &SessionKey) -> impl Stream<Item = Message> + use<> {
    key.0
        .connection()
        .map(|state| Message::Home(home::Message::Connection(state)))
}

/// A session as the identity of its encryption state and incoming verification requests.
#[derive(Clone)]
pub(super) struct SecurityKey(pub(super) Session);

impl Hash for SecurityKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        "security".hash(state);
        self.0.user_id().hash(state);
        self.0.device_id().hash(state);
    }
}

pub(super) fn security(key: &SecurityKey) -> impl Stream<Item = Message> + use<> {
    let states = key
        .0
        .security()
        .map(|state| Message::Home(home::Message::Security(state)));
    let asked = key
        .0
        .verification_requests()
        .map(Message::VerificationAsked);
    futures_util::stream::select(states, asked)
}

/// Which transfer: an upload by number, or saving the attachment of a message.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum JobId {
    Upload(u64),
    Save(String),
}

#[derive(Debug, Clone)]
pub(super) enum JobKind {
    Upload(PathBuf),
    /// Into this folder.
    Save(PathBuf),
}

/// A transfer under way, as a subscription identity: it runs while the app lists it, and
/// stopping to list it cancels it.
#[derive(Debug, Clone)]
pub struct Job {
    pub(super) id: JobId,
    pub(super) room: OpenRoom,
    pub(super) kind: JobKind,
}

impl Hash for Job {
    fn hash<H: Hasher>(&self, state: &mut H) {
        "transfer".hash(state);
        self.room.id().hash(state);
        self.id.hash(state);
    }
}

pub(super) fn transfer(job: &Job) -> impl Stream<Item = Message> + use<> {
    let room_id = job.room.id().to_owned();
    let id = job.id.clone();
    let steps: futures_util::stream::BoxStream<'static, Transfer> = match (&job.id, &job.kind) {
        (JobId::Save(event), JobKind::Save(folder)) => job
            .room
            .save_attachment(event.clone(), folder.clone())
            .boxed(),
        (_, JobKind::Upload(path)) => job.room.send_file(path.clone()).boxed(),
        (JobId::Upload(_), JobKind::Save(_)) => futures_util::stream::empty().boxed(),
    };
    steps.map(move |step| Message::Transfer(room_id.clone(), id.clone(), step))
}

/// A verification as the identity of its steps.
#[derive(Clone)]
pub(super) struct VerificationKey(pub(super) Verification);

impl Hash for VerificationKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        "verification".hash(state);
        self.0.id().hash(state);
    }
}

pub(super) fn verification_steps(key: &VerificationKey) -> impl Stream<Item = Message> + use<> {
    let id = key.0.id().to_owned();
    key.0
        .steps()
        .map(move |step| Message::Home(home::Message::VerificationStep(id.clone(), step)))
}

/// A session as the identity of its notifications.
#[derive(Clone)]
pub(super) struct NotificationsKey(pub(super) Session);

impl Hash for NotificationsKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        "notifications".hash(state);
        self.0.user_id().hash(state);
        self.0.device_id().hash(state);
    }
}

pub(super) fn notifications(key: &NotificationsKey) -> impl Stream<Item = Message> + use<> {
    key.0.notifications().map(Message::Notify)
}

/// An open room as a subscription identity.
#[derive(Clone)]
pub(super) struct RoomKey(pub(super) OpenRoom);

impl Hash for RoomKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.id().hash(state);
    }
}

pub(super) fn timeline(key: &RoomKey) -> impl Stream<Item = Message> + use<> {
    let id = key.0.id().to_owned();
    key.0
        .items()
        .map(move |diffs| Message::Home(home::Message::Timeline(id.clone(), diffs)))
}

/// An open thread (root, timeline) as a subscription identity.
#[derive(Clone)]
pub(super) struct ThreadKey(pub(super) String, pub(super) OpenRoom);

impl Hash for ThreadKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        "thread".hash(state);
        self.1.id().hash(state);
        self.0.hash(state);
    }
}

pub(super) fn thread_timeline(key: &ThreadKey) -> impl Stream<Item = Message> + use<> {
    let (room_id, root) = (key.1.id().to_owned(), key.0.clone());
    key.1.items().map(move |diffs| {
        Message::Home(home::Message::ThreadTimeline(
            room_id.clone(),
            root.clone(),
            diffs,
        ))
    })
}

/// One stream of an open room (its typing notifications, its settings…) as a subscription
/// identity: the name tells the streams of one room apart.
#[derive(Clone)]
pub(super) struct RoomPart(pub(super) &'static str, pub(super) OpenRoom);

impl Hash for RoomPart {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash(state);
        self.1.id().hash(state);
    }
}

pub(super) fn typing(key: &RoomPart) -> impl Stream<Item = Message> + use<> {
    let id = key.1.id().to_owned();
    key.1
        .typing()
        .map(move |names| Message::Home(home::Message::Typing(id.clone(), names)))
}

pub(super) fn details(key: &RoomPart) -> impl Stream<Item = Message> + use<> {
    let id = key.1.id().to_owned();
    key.1
        .details()
        .map(move |details| Message::Home(home::Message::RoomDetails(id.clone(), details)))
}

pub(super) fn threads(key: &RoomPart) -> impl Stream<Item = Message> + use<> {
    let id = key.1.id().to_owned();
    key.1.threads().map(move |list| {
        Message::Home(home::Message::Threads(
            id.clone(),
            list.map_err(|error| error.to_string()),
        ))
    })
}

impl super::Sparks {
    /// Every stream the app listens to now: keys, the system theme, and the session's and
    /// open things' backend streams.
    pub fn subscription(&self) -> Subscription<Message> {
        let keys = keyboard::listen().filter_map(|event| {
            let keyboard::Event::KeyPressed { key, modifiers, .. } = event else {
                return None;
            };
            use keyboard::key::Named;
            match key.as_ref() {
                keyboard::Key::Named(Named::Tab) => Some(if modifiers.shift() {
                    Message::FocusPrevious
                } else {
                    Message::FocusNext
                }),
                keyboard::Key::Named(Named::Escape) => Some(Message::Escape),
                keyboard::Key::Named(Named::ArrowUp) => Some(Message::Arrow(-1)),
                keyboard::Key::Named(Named::ArrowDown) => Some(Message::Arrow(1)),
                keyboard::Key::Character("k") if modifiers.command() => Some(Message::QuickSwitch),
                _ => None,
            }
        });
        let mut subscriptions = vec![keys, iced::system::theme_changes().map(Message::SystemMode)];
        if let Screen::Home {
            session,
            home,
            room,
            verification,
            transfers,
            thread,
            meeting,
            ..
        } = &self.screen
        {
            if let Some((root, open)) = thread {
                subscriptions.push(Subscription::run_with(
                    ThreadKey(root.clone(), open.clone()),
                    thread_timeline,
                ));
            }
            for job in transfers {
                subscriptions.push(Subscription::run_with(job.clone(), transfer));
            }
            if let Some(live) = meeting {
                subscriptions.push(Subscription::run_with(
                    live.as_ref().clone(),
                    meeting::events,
                ));
            }
            if let Some(running) = verification {
                subscriptions.push(Subscription::run_with(
                    VerificationKey(running.clone()),
                    verification_steps,
                ));
            }
            subscriptions.push(Subscription::run_with(
                SecurityKey(session.clone()),
                security,
            ));
            if let Some(open) = room {
                subscriptions.push(Subscription::run_with(RoomKey(open.clone()), timeline));
                subscriptions.push(Subscription::run_with(
                    RoomPart("typing", open.clone()),
                    typing,
                ));
                subscriptions.push(Subscription::run_with(
                    RoomPart("details", open.clone()),
                    details,
                ));
                if home.chat().room().is_some_and(|r| r.shows_threads()) {
                    subscriptions.push(Subscription::run_with(
                        RoomPart("threads", open.clone()),
                        threads,
                    ));
                }
            }
            let key = SessionKey(session.clone());
            subscriptions.push(Subscription::run_with(key.clone(), rooms));
            subscriptions.push(Subscription::run_with(key.clone(), spaces));
            subscriptions.push(Subscription::run_with(
                NotificationsKey(session.clone()),
                notifications,
            ));
            subscriptions.push(iced::window::events().filter_map(|(_, event)| match event {
                iced::window::Event::Focused => Some(Message::WindowFocus(true)),
                iced::window::Event::Unfocused => Some(Message::WindowFocus(false)),
                iced::window::Event::FileDropped(path) => Some(Message::SendFiles(vec![path])),
                _ => None,
            }));
            subscriptions.push(Subscription::run_with(key, connection));
            subscriptions.push(iced::time::every(Duration::from_secs(30)).map(|_| Message::Tick));
        }
        Subscription::batch(subscriptions)
    }
}
