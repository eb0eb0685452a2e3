//! The chat area: the room list beside the conversation pane.

use iced::widget::{Space, button, column, container, row, scrollable, text};
use iced::{Alignment, Length};
use sparks_domain::{Connection, RoomKind, RoomSummary};
use sparks_i18n::I18n;
use sparks_matrix::RoomListUpdate;

use super::room;
use crate::icon::Icon;
use crate::theme::{self, size, space, width};
use crate::time;
use crate::widget::{self, Element};

/// Roughly what fits on one line of the room list; longer text is cut with an ellipsis (and
/// clipped, for wide glyphs).
const NAME_CHARS: usize = 26;
const PREVIEW_CHARS: usize = 40;
/// The same, beside an unread badge.
const PREVIEW_CHARS_WITH_BADGE: usize = 33;

#[derive(Debug, Default)]
pub struct Chat {
    rooms: Vec<RoomSummary>,
    /// The first sync has delivered the list.
    loaded: bool,
    failure: Option<String>,
    connection: Connection,
    selected: Option<String>,
    room: Option<room::Room>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Select(String),
    Room(room::Message),
}

pub enum Action {
    None,
    /// Open this room's timeline.
    Open(String),
    Send(String),
    LoadOlder,
}

impl Chat {
    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Select(id) => {
                if self.selected.as_deref() == Some(id.as_str()) {
                    return Action::None;
                }
                let summary = self.rooms.iter().find(|r| r.id == id);
                self.room = summary
                    .filter(|r| r.kind != RoomKind::Invite && r.kind != RoomKind::Space)
                    .map(|r| room::Room::new(id.clone(), r.name.clone()));
                self.selected = Some(id.clone());
                if self.room.is_some() {
                    Action::Open(id)
                } else {
                    Action::None
                }
            }
            Message::Room(message) => match self.room.as_mut().map(|room| room.update(message)) {
                Some(room::Action::Send(body)) => Action::Send(body),
                Some(room::Action::LoadOlder) => Action::LoadOlder,
                Some(room::Action::None) | None => Action::None,
            },
        }
    }

    /// The open room, if it is `id`.
    pub fn room_mut(&mut self, id: &str) -> Option<&mut room::Room> {
        self.room.as_mut().filter(|room| room.id() == id)
    }

    pub fn room(&self) -> Option<&room::Room> {
        self.room.as_ref()
    }

    /// Applies a room list change from the backend, diff by diff.
    pub fn apply(&mut self, update: RoomListUpdate) {
        match update {
            RoomListUpdate::Loaded(loaded) => self.loaded = loaded,
            RoomListUpdate::Failed(reason) => self.failure = Some(reason),
            RoomListUpdate::Diffs(diffs) => {
                for diff in diffs {
                    if let Err(error) = diff.apply(&mut self.rooms) {
                        tracing::error!(
                            ?error,
                            "room list update out of step; waiting for the next reset"
                        );
                    }
                }
            }
        }
    }

    pub fn set_connection(&mut self, connection: Connection) {
        self.connection = connection;
    }

    pub fn rooms(&self) -> &[RoomSummary] {
        &self.rooms
    }

    pub fn view<'a>(&'a self, i18n: &I18n, now_ms: u64) -> Element<'a, Message> {
        let header = row![
            text(i18n.tr("chat-title"))
                .size(size::TITLE)
                .font(theme::BOLD),
            Space::new().width(Length::Fill),
        ]
        .align_y(Alignment::Center)
        .padding([space::L, space::L]);

        let mut list = column![header];
        if let Some(notice) = self.connection_notice(i18n) {
            list = list.push(container(notice).padding([0.0, space::M]));
        }
        let body: Element<'a, Message> = if self.rooms.is_empty() {
            if let Some(reason) = &self.failure {
                widget::empty_state(Icon::Offline, i18n.tr("connection-failed"), reason.clone())
            } else if !self.loaded {
                container(text(i18n.tr("chat-loading")).style(theme::text::muted))
                    .center(Length::Fill)
                    .into()
            } else {
                widget::empty_state(
                    Icon::Chat,
                    i18n.tr("chat-empty"),
                    i18n.tr("chat-empty-hint"),
                )
            }
        } else {
            let rows = self
                .rooms
                .iter()
                .map(|room| self.room_row(room, i18n, now_ms));
            scrollable(column(rows).spacing(2).padding([space::XS, space::S]))
                .height(Length::Fill)
                .into()
        };
        let sidebar = container(list.push(body))
            .width(Length::Fixed(width::ROOM_LIST))
            .height(Length::Fill)
            .style(theme::container::sidebar);

        let pane = match &self.room {
            Some(room) => room.view(i18n, now_ms).map(Message::Room),
            None => widget::empty_state(
                Icon::Chat,
                i18n.tr("chat-select-room"),
                i18n.tr("chat-select-room-hint"),
            ),
        };
        row![
            sidebar,
            container(pane)
                .width(Length::Fill)
                .height(Length::Fill)
                .style(theme::container::background)
        ]
        .into()
    }

    fn connection_notice<'a>(&self, i18n: &I18n) -> Option<Element<'a, Message>> {
        let key = match self.connection {
            Connection::Online => return None,
            Connection::Connecting if self.loaded => return None,
            Connection::Connecting => "connection-connecting",
            Connection::Offline => "connection-offline",
            Connection::Failed => "connection-failed",
        };
        let notice = row![
            Icon::Offline.view(16.0, |t| theme::colors(t).muted),
            text(i18n.tr(key)).size(size::SMALL),
        ]
        .spacing(space::S)
        .align_y(Alignment::Center);
        Some(
            container(notice)
                .padding([space::S, space::M])
                .width(Length::Fill)
                .style(theme::container::notice)
                .into(),
        )
    }

    fn room_row<'a>(
        &self,
        room: &'a RoomSummary,
        i18n: &I18n,
        now_ms: u64,
    ) -> Element<'a, Message> {
        let selected = self.selected.as_deref() == Some(room.id.as_str());
        let bold_name = room.unread > 0 || room.kind == RoomKind::Invite;
        let name = text(widget::ellipsize(&room.name, NAME_CHARS))
            .size(size::BODY)
            .font(if bold_name {
                theme::BOLD
            } else {
                theme::SEMIBOLD
            })
            .wrapping(text::Wrapping::None);
        let mut title = row![container(name).clip(true)]
            .spacing(space::XS + 2.0)
            .align_y(Alignment::Center);
        if room.encrypted {
            title = title.push(Icon::Lock.view(12.0, |t| theme::colors(t).muted));
        }
        title = title.push(Space::new().width(Length::Fill));
        if let Some(message) = &room.last_message {
            title = title.push(
                text(time::relative(i18n, message.timestamp_ms, now_ms))
                    .size(size::SMALL)
                    .style(theme::text::muted),
            );
        }

        let preview = match (&room.kind, &room.last_message) {
            (RoomKind::Invite, _) => i18n.tr("chat-invited"),
            (_, Some(message)) if message.from_me => {
                format!("{}: {}", i18n.tr("chat-you"), message.body)
            }
            (RoomKind::Direct, Some(message)) => message.body.clone(),
            (_, Some(message)) => format!("{}: {}", message.sender, message.body),
            // Without a message to show (only joins so far, or history not synced yet) say nothing
            // rather than claim the room is empty.
            (_, None) => String::new(),
        };
        let budget = if room.unread > 0 {
            PREVIEW_CHARS_WITH_BADGE
        } else {
            PREVIEW_CHARS
        };
        let preview = text(widget::ellipsize(&preview, budget))
            .size(size::SMALL)
            .style(theme::text::muted)
            .wrapping(text::Wrapping::None);
        let mut subtitle = row![container(preview).width(Length::Fill).clip(true)]
            .spacing(space::S)
            .align_y(Alignment::Center);
        if room.unread > 0 {
            subtitle = subtitle.push(badge(room.unread, room.mentions > 0));
        }

        let picture = if room.kind == RoomKind::Space {
            container(Icon::Space.view(22.0, |t| theme::colors(t).muted))
                .center_x(Length::Fixed(width::AVATAR))
                .center_y(Length::Fixed(width::AVATAR))
                .into()
        } else {
            widget::avatar(&room.id, room.initials(), width::AVATAR)
        };
        let content = row![
            picture,
            column![title, subtitle].spacing(3).width(Length::Fill)
        ]
        .spacing(space::M)
        .align_y(Alignment::Center);
        button(content)
            .padding([space::S, space::S + 2.0])
            .width(Length::Fill)
            .style(theme::button::row(selected))
            .on_press(Message::Select(room.id.clone()))
            .into()
    }
}

fn badge<'a, Message: 'a>(count: u64, strong: bool) -> Element<'a, Message> {
    let label = if count > 99 {
        "99+".to_owned()
    } else {
        count.to_string()
    };
    container(text(label).size(11).font(theme::SEMIBOLD))
        .padding([1.0, 7.0])
        .style(theme::container::badge(strong))
        .into()
}
