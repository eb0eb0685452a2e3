//! The chat area: the room list beside the conversation pane.

mod groups;

use iced::widget::{
    Column, Space, button, column, container, row, scrollable, stack, text, text_input,
};
use iced::{Alignment, Length};
use sparks_config::Drafts;
use sparks_domain::{Connection, RoomKind, RoomSummary, SpaceGroup};
use sparks_i18n::I18n;
use sparks_matrix::RoomListUpdate;

use super::new_room::{self, NewRoomForm};
use super::room;
use crate::icon::Icon;
use crate::theme::{self, Colors, size, space, width};
use crate::time;
use crate::widget::{self, Element};

/// Roughly what fits on one line of the room list; longer text is cut with an ellipsis (and
/// clipped, for wide glyphs).
const NAME_CHARS: usize = 26;
const PREVIEW_CHARS: usize = 40;
/// The same, beside an unread badge.
const PREVIEW_CHARS_WITH_BADGE: usize = 33;

/// Widget ids, for focus and tests.
pub const FILTER: &str = "room-filter";
pub const SWITCHER: &str = "quick-switcher";
/// How many rooms the quick switcher offers.
const SWITCHER_RESULTS: usize = 8;

#[derive(Debug, Default)]
pub struct Chat {
    /// Our own user id.
    own: String,
    drafts: Drafts,
    /// Narrows the room list to names containing it.
    filter: String,
    switcher: Option<Switcher>,
    new_room: Option<NewRoomForm>,
    /// A room just created or joined, opened as soon as the list has it.
    open_when_listed: Option<String>,
    rooms: Vec<RoomSummary>,
    /// The spaces we are in, as groups of rooms, and the ones folded away.
    spaces: Vec<SpaceGroup>,
    folded: std::collections::HashSet<String>,
    /// The first sync has delivered the list.
    loaded: bool,
    failure: Option<String>,
    connection: Connection,
    selected: Option<String>,
    room: Option<room::Room>,
}

/// The Ctrl+K room picker.
#[derive(Debug, Default)]
struct Switcher {
    query: String,
    /// Index into the current matches.
    highlighted: usize,
}

#[derive(Debug, Clone)]
pub enum Message {
    Select(String),
    Room(room::Message),
    Filter(String),
    SwitcherQuery(String),
    SwitcherPick,
    CloseSwitcher,
    OpenNewRoom,
    NewRoom(new_room::Message),
    AcceptInvite(String),
    DeclineInvite(String),
    /// Fold a space's group of rooms away, or unfold it.
    ToggleSpace(String),
}

pub enum Action {
    None,
    /// Open this room's timeline.
    Open(String),
    /// Something the open room asks for.
    Room(room::Action),
    /// Drafts changed: keep them.
    SaveDrafts,
    Create(sparks_domain::NewRoom),
    Join(String),
    /// Leave a room or decline an invitation.
    Leave(String),
}

impl Chat {
    pub fn new(own: String, drafts: Drafts) -> Chat {
        Chat {
            own,
            drafts,
            ..Chat::default()
        }
    }

    pub fn drafts(&self) -> &Drafts {
        &self.drafts
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Select(id) => return self.select(id),
            Message::Room(message) => {
                let Some(action) = self.room.as_mut().map(|room| room.update(message)) else {
                    return Action::None;
                };
                return self.room_action(action);
            }
            Message::Filter(filter) => self.filter = filter,
            Message::SwitcherQuery(query) => {
                if let Some(switcher) = &mut self.switcher {
                    switcher.query = query;
                    switcher.highlighted = 0;
                }
            }
            Message::SwitcherPick => {
                let picked = self.switcher.as_ref().and_then(|switcher| {
                    let matches = ranked(&self.rooms, &switcher.query);
                    matches
                        .get(switcher.highlighted)
                        .or(matches.first())
                        .map(|room| room.id.clone())
                });
                if let Some(id) = picked {
                    self.switcher = None;
                    return self.select(id);
                }
            }
            Message::CloseSwitcher => self.switcher = None,
            Message::OpenNewRoom => self.new_room = Some(NewRoomForm::new()),
            Message::AcceptInvite(id) => return Action::Join(id),
            Message::DeclineInvite(id) => return Action::Leave(id),
            Message::ToggleSpace(id) => {
                if !self.folded.remove(&id) {
                    self.folded.insert(id);
                }
            }
            Message::NewRoom(message) => {
                let Some(form) = self.new_room.as_mut() else {
                    return Action::None;
                };
                match form.update(message) {
                    new_room::Action::None => {}
                    new_room::Action::Close => self.new_room = None,
                    new_room::Action::Create(room) => return Action::Create(room),
                    new_room::Action::Join(target) => return Action::Join(target),
                }
            }
        }
        Action::None
    }

    /// A room was created or joined: close the form and open the room once it is listed.
    pub fn room_ready(&mut self, result: Result<String, String>) -> Action {
        match result {
            Ok(id) => {
                self.new_room = None;
                if self.selected.as_deref() == Some(id.as_str()) {
                    // An accepted invitation: open it as a room once the list says it is one.
                    self.selected = None;
                }
                self.open_when_listed = Some(id);
                return self.take_listed();
            }
            Err(problem) => {
                if let Some(form) = self.new_room.as_mut() {
                    form.failed(problem);
                }
            }
        }
        Action::None
    }

    /// After a room list change: the room waiting to be opened, if it has arrived (as a room
    /// we are in, not as the invitation it was).
    pub fn take_listed(&mut self) -> Action {
        let listed = |id: &str| {
            self.rooms
                .iter()
                .any(|room| room.id == id && room.kind != RoomKind::Invite)
        };
        match self.open_when_listed.take() {
            Some(id) if listed(&id) => self.select(id),
            Some(id) => {
                self.open_when_listed = Some(id);
                Action::None
            }
            None => Action::None,
        }
    }

    fn select(&mut self, id: String) -> Action {
        if self.selected.as_deref() == Some(id.as_str()) {
            return Action::None;
        }
        let summary = self.rooms.iter().find(|r| r.id == id);
        self.room = summary
            .filter(|r| r.kind != RoomKind::Invite && r.kind != RoomKind::Space)
            .map(|r| {
                let draft = self.drafts.get(&id).to_owned();
                room::Room::new(
                    id.clone(),
                    r.name.clone(),
                    self.own.clone(),
                    draft,
                    r.unread,
                )
            });
        self.selected = Some(id.clone());
        if self.room.is_some() {
            Action::Open(id)
        } else {
            Action::None
        }
    }

    /// We left a room: close it.
    pub fn left(&mut self, id: &str) {
        if self.selected.as_deref() == Some(id) {
            self.selected = None;
            self.room = None;
        }
    }

    fn room_action(&mut self, action: room::Action) -> Action {
        match action {
            room::Action::None => Action::None,
            room::Action::Leave => match &self.room {
                Some(room) => Action::Leave(room.id().to_owned()),
                None => Action::None,
            },
            room::Action::Draft(text) => {
                let Some(room) = &self.room else {
                    return Action::None;
                };
                if self.drafts.set(room.id(), &text) {
                    Action::SaveDrafts
                } else {
                    Action::None
                }
            }
            other => Action::Room(other),
        }
    }

    /// Opens the quick switcher (Ctrl+K).
    pub fn open_switcher(&mut self) {
        self.switcher = Some(Switcher::default());
    }

    pub fn switcher_open(&self) -> bool {
        self.switcher.is_some()
    }

    /// Moves the switcher's highlight by `delta` (arrow keys), staying within the matches.
    pub fn move_highlight(&mut self, delta: isize) {
        if let Some(switcher) = &mut self.switcher {
            let count = ranked(&self.rooms, &switcher.query).len();
            if count > 0 {
                let next = switcher.highlighted as isize + delta;
                switcher.highlighted = next.clamp(0, count as isize - 1) as usize;
            }
        }
    }

    /// Escape: closes the switcher or the new-room form, else lets the open room drop what it
    /// has open.
    pub fn escape(&mut self) -> Action {
        if self.switcher.take().is_some() || self.new_room.take().is_some() {
            return Action::None;
        }
        match self.room.as_mut().map(room::Room::escape) {
            Some(action) => self.room_action(action),
            None => Action::None,
        }
    }

    /// The open room, if it is `id`.
    /// Shows on the open room whether it has a call now (only when `meetings` are set up).
    pub fn show_calls(&mut self, meetings: bool) {
        if let Some(room) = &mut self.room {
            let active = self.rooms.iter().any(|r| r.id == room.id() && r.call);
            room.set_call(meetings.then_some(active));
        }
    }

    pub fn room_mut(&mut self, id: &str) -> Option<&mut room::Room> {
        self.room.as_mut().filter(|room| room.id() == id)
    }

    pub fn room(&self) -> Option<&room::Room> {
        self.room.as_ref()
    }

    /// Applies a room list change from the backend, diff by diff. Returns the rooms whose
    /// call has just started (none while the first sync is still coming in).
    pub fn apply(&mut self, update: RoomListUpdate) -> Vec<RoomSummary> {
        let calls: std::collections::HashSet<String> = self
            .rooms
            .iter()
            .filter(|r| r.call)
            .map(|r| r.id.clone())
            .collect();
        let known: std::collections::HashSet<String> =
            self.rooms.iter().map(|r| r.id.clone()).collect();
        let watching = self.loaded;
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
        if !watching {
            return Vec::new();
        }
        self.rooms
            .iter()
            .filter(|r| r.call && !calls.contains(&r.id) && known.contains(&r.id))
            .cloned()
            .collect()
    }

    pub fn set_spaces(&mut self, spaces: Vec<SpaceGroup>) {
        self.spaces = spaces;
    }

    pub fn set_connection(&mut self, connection: Connection) {
        self.connection = connection;
    }

    pub fn rooms(&self) -> &[RoomSummary] {
        &self.rooms
    }

    pub fn view<'a>(
        &'a self,
        i18n: &I18n,
        now_ms: u64,
        colors: &'static Colors,
    ) -> Element<'a, Message> {
        let header = row![
            text(i18n.tr("chat-title"))
                .size(size::TITLE)
                .font(theme::BOLD),
            Space::new().width(Length::Fill),
            button(
                text(i18n.tr("chat-new"))
                    .size(size::SMALL)
                    .font(theme::SEMIBOLD)
            )
            .padding([space::XS, space::M])
            .style(theme::button::secondary)
            .on_press(Message::OpenNewRoom),
        ]
        .align_y(Alignment::Center)
        .padding([space::L, space::L]);
        let filter = container(
            text_input(&i18n.tr("chat-filter-placeholder"), &self.filter)
                .id(FILTER)
                .on_input(Message::Filter)
                .padding([space::S, space::M])
                .size(size::BODY)
                .style(theme::text_input::field),
        )
        .padding([0.0, space::M]);

        let mut list = column![header, filter].spacing(space::S);
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
            let query = self.filter.trim().to_lowercase();
            let rows: Vec<Element<'a, Message>> = if query.is_empty() {
                groups::rows(&self.rooms, &self.spaces, &self.folded)
                    .into_iter()
                    .map(|row| match row {
                        groups::Row::Room(room) => self.room_row(room, i18n, now_ms),
                        groups::Row::Space {
                            group,
                            folded,
                            unread,
                            mentions,
                        } => space_heading(group, folded, unread, mentions),
                    })
                    .collect()
            } else {
                self.rooms
                    .iter()
                    .filter(|room| room.name.to_lowercase().contains(&query))
                    .map(|room| self.room_row(room, i18n, now_ms))
                    .collect()
            };
            if rows.is_empty() {
                container(
                    text(i18n.tr("chat-filter-none"))
                        .size(size::BODY)
                        .style(theme::text::muted),
                )
                .center_x(Length::Fill)
                .padding(space::XL)
                .into()
            } else {
                scrollable(column(rows).spacing(2).padding([space::XS, space::S]))
                    .height(Length::Fill)
                    .into()
            }
        };
        let sidebar = container(list.push(body))
            .width(Length::Fixed(width::ROOM_LIST))
            .height(Length::Fill)
            .style(theme::container::sidebar);

        let invitation = self
            .selected
            .as_ref()
            .and_then(|id| self.rooms.iter().find(|r| &r.id == id))
            .filter(|r| r.kind == RoomKind::Invite);
        let pane = match (&self.room, invitation) {
            (Some(room), _) => room.view(i18n, now_ms, colors).map(Message::Room),
            (None, Some(invite)) => invitation_view(invite, i18n),
            (None, None) => widget::empty_state(
                Icon::Chat,
                i18n.tr("chat-select-room"),
                i18n.tr("chat-select-room-hint"),
            ),
        };
        let base = row![
            sidebar,
            container(pane)
                .width(Length::Fill)
                .height(Length::Fill)
                .style(theme::container::background)
        ];
        if let Some(switcher) = &self.switcher {
            return stack![base, self.switcher_view(switcher, i18n)].into();
        }
        if let Some(form) = &self.new_room {
            return stack![
                base,
                widget::dialog(
                    form.view(i18n).map(Message::NewRoom),
                    Some(Message::NewRoom(new_room::Message::Close)),
                )
            ]
            .into();
        }
        base.into()
    }

    fn switcher_view<'a>(&'a self, switcher: &'a Switcher, i18n: &I18n) -> Element<'a, Message> {
        let mut results = Column::new().spacing(2);
        let matches = ranked(&self.rooms, &switcher.query);
        for (i, room) in matches.iter().enumerate() {
            results = results.push(
                button(
                    row![
                        widget::avatar(&room.id, room.initials(), 28.0),
                        text(widget::ellipsize(&room.name, 48)).size(size::BODY),
                    ]
                    .spacing(space::M)
                    .align_y(Alignment::Center),
                )
                .padding([space::XS, space::S])
                .width(Length::Fill)
                .style(theme::button::row(i == switcher.highlighted))
                .on_press(Message::Select(room.id.clone())),
            );
        }
        if matches.is_empty() {
            results = results.push(
                text(i18n.tr("chat-filter-none"))
                    .size(size::BODY)
                    .style(theme::text::muted),
            );
        }
        let content = container(
            column![
                text_input(&i18n.tr("switcher-placeholder"), &switcher.query)
                    .id(SWITCHER)
                    .on_input(Message::SwitcherQuery)
                    .on_submit(Message::SwitcherPick)
                    .padding([space::S + 2.0, space::M])
                    .style(theme::text_input::field),
                results,
            ]
            .spacing(space::S),
        )
        .padding(space::M)
        .width(Length::Fixed(480.0))
        .style(theme::container::popup);
        widget::dialog(content.into(), Some(Message::CloseSwitcher))
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
        if room.call {
            title = title.push(Icon::Meetings.view(14.0, |t| theme::colors(t).primary));
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

/// A space's heading in the sidebar: fold or unfold its rooms; while folded, what is unread.
fn space_heading(
    group: &SpaceGroup,
    folded: bool,
    unread: u64,
    mentions: u64,
) -> Element<'_, Message> {
    let chevron = if folded {
        Icon::ChevronRight
    } else {
        Icon::ChevronDown
    };
    let mut heading = row![
        chevron.view(14.0, |t| theme::colors(t).muted),
        container(
            text(widget::ellipsize(&group.name, NAME_CHARS))
                .size(size::SMALL)
                .font(theme::SEMIBOLD)
                .style(theme::text::muted)
                .wrapping(text::Wrapping::None)
        )
        .width(Length::Fill)
        .clip(true),
    ]
    .spacing(space::XS)
    .align_y(Alignment::Center);
    if folded && unread > 0 {
        heading = heading.push(badge(unread, mentions > 0));
    }
    button(heading)
        .padding([space::S, space::S + 2.0])
        .width(Length::Fill)
        .style(theme::button::row(false))
        .on_press(Message::ToggleSpace(group.id.clone()))
        .into()
}

/// An invitation, opened: who invited us where, with join and decline.
fn invitation_view<'a>(invite: &'a RoomSummary, i18n: &I18n) -> Element<'a, Message> {
    let card = column![
        widget::avatar(&invite.id, invite.initials(), 56.0),
        text(&invite.name).size(size::TITLE).font(theme::SEMIBOLD),
        text(i18n.tr("invite-body"))
            .size(size::BODY)
            .style(theme::text::muted),
        row![
            button(text(i18n.tr("invite-decline")))
                .padding([space::S, space::L])
                .style(theme::button::secondary)
                .on_press(Message::DeclineInvite(invite.id.clone())),
            button(text(i18n.tr("invite-join")).font(theme::SEMIBOLD))
                .padding([space::S, space::L])
                .style(theme::button::primary)
                .on_press(Message::AcceptInvite(invite.id.clone())),
        ]
        .spacing(space::S),
    ]
    .spacing(space::M)
    .align_x(Alignment::Center);
    container(card).center(Length::Fill).into()
}

/// Rooms whose name matches `query` for the quick switcher: names starting with it first, then
/// names with a word starting with it, then names containing it; unread rooms first within each.
fn ranked<'a>(rooms: &'a [RoomSummary], query: &str) -> Vec<&'a RoomSummary> {
    let query = query.trim().to_lowercase();
    let mut found: Vec<(u8, &RoomSummary)> = rooms
        .iter()
        .filter(|room| room.kind != RoomKind::Invite)
        .filter_map(|room| {
            let name = room.name.to_lowercase();
            let rank = if query.is_empty() || name.starts_with(&query) {
                0
            } else if name.split_whitespace().any(|word| word.starts_with(&query)) {
                1
            } else if name.contains(&query) {
                2
            } else {
                return None;
            };
            Some((rank, room))
        })
        .collect();
    // Stable: the room list's own order (most recent first) breaks ties.
    found.sort_by_key(|(rank, room)| (*rank, room.unread == 0));
    found
        .into_iter()
        .take(SWITCHER_RESULTS)
        .map(|(_, room)| room)
        .collect()
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
