//! The calendar's requests, carried out with the middleware; answers go back to the calendar
//! screen as messages.

use iced::Task;
use sparks_middleware_client::{ClientError, Middleware};

use super::{Message, Screen, Sparks};
use crate::screen::calendar::{self, Snapshot};
use crate::screen::home;

fn back(message: calendar::Message) -> Message {
    Message::Home(home::Message::Calendar(message))
}

async fn snapshot(
    middleware: Middleware,
    start: chrono::DateTime<chrono::Utc>,
    end: chrono::DateTime<chrono::Utc>,
    zone: String,
) -> Result<Snapshot, ClientError> {
    let sources = middleware.sources().await?;
    let calendars = middleware.calendars().await?;
    let events = middleware.events(start, end, &zone).await?;
    let mut unavailable = calendars.unavailable;
    for gone in events.unavailable {
        if !unavailable.iter().any(|u| u.source == gone.source) {
            unavailable.push(gone);
        }
    }
    Ok(Snapshot {
        sources,
        calendars: calendars.calendars,
        events: events.events,
        unavailable,
    })
}

impl Sparks {
    pub(super) fn calendar_action(&mut self, action: calendar::Action) -> Task<Message> {
        let Screen::Home {
            middleware,
            session,
            home,
            ..
        } = &self.screen
        else {
            return Task::none();
        };
        let direct = |user: String| sparks_domain::NewRoom {
            kind: sparks_domain::NewRoomKind::Direct,
            name: String::new(),
            topic: String::new(),
            invite: vec![user],
            encrypted: true,
        };
        match action {
            calendar::Action::Chat(user) => {
                let (session, new) = (session.clone(), direct(user));
                return Task::perform(
                    async move { session.create_room(&new).await },
                    Message::RoomReady,
                );
            }
            calendar::Action::Call(user, name) => {
                let (session, new) = (session.clone(), direct(user));
                return Task::perform(
                    async move { session.create_room(&new).await },
                    move |result| Message::CallRoomReady(result, name.clone()),
                );
            }
            _ => {}
        }
        let Some(mw) = middleware.clone() else {
            return Task::none();
        };
        // The source the action is about, by name, for sentences about it.
        let calendar = home.calendar();
        let sources = |id: &str| calendar.source_name(id);
        let about = match &action {
            calendar::Action::Create(new) => sources(&new.source),
            calendar::Action::Update(change) => sources(&change.at.source),
            calendar::Action::Delete(at) => sources(&at.source),
            calendar::Action::Reply(reply) => sources(&reply.at.source),
            calendar::Action::Connect(source, _) => sources(source),
            _ => self.i18n.tr("calendar-title"),
        };
        let language = self.i18n.language();
        let said = move |error: ClientError| {
            crate::errors::calendar(&sparks_i18n::I18n::new(language), &error, &about)
        };
        match action {
            calendar::Action::None | calendar::Action::Chat(_) | calendar::Action::Call(..) => {
                Task::none()
            }
            calendar::Action::Load { start, end, zone } => Task::perform(
                async move { snapshot(mw, start, end, zone).await.map_err(said) },
                |result| back(calendar::Message::Loaded(result)),
            ),
            calendar::Action::Create(new) => Task::perform(
                async move { mw.create_event(&new).await.map(|_| ()).map_err(said) },
                |result| back(calendar::Message::Saved(result)),
            ),
            calendar::Action::Update(change) => Task::perform(
                async move { mw.update_event(&change).await.map(|_| ()).map_err(said) },
                |result| back(calendar::Message::Saved(result)),
            ),
            calendar::Action::Delete(at) => Task::perform(
                async move { mw.delete_event(&at).await.map_err(said) },
                |result| back(calendar::Message::Saved(result)),
            ),
            calendar::Action::Reply(reply) => Task::perform(
                async move { mw.reply_event(&reply).await.map_err(said) },
                |result| back(calendar::Message::Saved(result)),
            ),
            calendar::Action::Connect(source, credentials) => Task::perform(
                async move { mw.connect_source(&source, &credentials).await.map_err(said) },
                |result| back(calendar::Message::Connected(result)),
            ),
            calendar::Action::Search(query) => Task::perform(
                async move {
                    let result = mw.contacts(&query).await.map(|l| l.contacts).map_err(said);
                    (query, result)
                },
                |(query, result)| back(calendar::Message::Found(query, result)),
            ),
        }
    }
}
