//! Start a conversation: a direct chat with someone, a new room, or joining one by its address.

use iced::widget::{Column, button, checkbox, column, container, row, text, text_input};
use iced::{Alignment, Length};
use sparks_domain::{NewRoom, NewRoomKind};
use sparks_i18n::I18n;

use crate::theme::{self, size, space};
use crate::widget::Element;

/// Widget ids, for focus and tests.
pub const FIRST_FIELD: &str = "new-room-first";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Direct,
    Room,
    Join,
}

#[derive(Debug, Default)]
pub struct NewRoomForm {
    tab: Tab,
    /// The other person (direct), the room's name (room), or the address (join).
    first: String,
    /// People to invite to a new room, separated by commas or spaces.
    invite: String,
    /// A new room is a public channel rather than a private group.
    public: bool,
    /// Encrypt a new private room (on by default).
    encrypted: bool,
    busy: bool,
    problem: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Tab(Tab),
    First(String),
    Invite(String),
    Public(bool),
    Encrypted(bool),
    Submit,
    Close,
}

pub enum Action {
    None,
    Create(NewRoom),
    Join(String),
    Close,
}

impl NewRoomForm {
    pub fn new() -> NewRoomForm {
        NewRoomForm {
            encrypted: true,
            ..NewRoomForm::default()
        }
    }

    /// The server turned the request down.
    pub fn failed(&mut self, problem: String) {
        self.busy = false;
        self.problem = Some(problem);
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Tab(tab) => {
                self.tab = tab;
                self.first.clear();
                self.problem = None;
            }
            Message::First(value) => self.first = value,
            Message::Invite(value) => self.invite = value,
            Message::Public(public) => self.public = public,
            Message::Encrypted(encrypted) => self.encrypted = encrypted,
            Message::Close => return Action::Close,
            Message::Submit => {
                let first = self.first.trim().to_owned();
                if first.is_empty() || self.busy {
                    return Action::None;
                }
                self.busy = true;
                self.problem = None;
                return match self.tab {
                    Tab::Join => Action::Join(first),
                    Tab::Direct => Action::Create(NewRoom {
                        kind: NewRoomKind::Direct,
                        name: String::new(),
                        topic: String::new(),
                        invite: vec![first],
                        encrypted: true,
                    }),
                    Tab::Room => Action::Create(NewRoom {
                        kind: if self.public {
                            NewRoomKind::Channel
                        } else {
                            NewRoomKind::Group
                        },
                        name: first,
                        topic: String::new(),
                        invite: self
                            .invite
                            .split([',', ' ', '\n'])
                            .map(str::trim)
                            .filter(|s| !s.is_empty())
                            .map(ToOwned::to_owned)
                            .collect(),
                        // Public channels are for reading by anyone; private rooms are encrypted.
                        encrypted: self.encrypted && !self.public,
                    }),
                };
            }
        }
        Action::None
    }

    pub fn view<'a>(&'a self, i18n: &I18n) -> Element<'a, Message> {
        let tab = |tab: Tab, key: &str| {
            button(text(i18n.tr(key)).size(size::SMALL))
                .padding([space::XS, space::M])
                .style(theme::button::segment(self.tab == tab))
                .on_press(Message::Tab(tab))
        };
        let (label, placeholder, submit) = match self.tab {
            Tab::Direct => ("new-room-person", "new-room-person-hint", "new-room-start"),
            Tab::Room => ("new-room-name", "new-room-name-hint", "new-room-create"),
            Tab::Join => ("new-room-address", "new-room-address-hint", "new-room-join"),
        };
        let mut form = Column::new().spacing(space::S).push(
            row![
                tab(Tab::Direct, "new-room-tab-direct"),
                tab(Tab::Room, "new-room-tab-room"),
                tab(Tab::Join, "new-room-tab-join"),
            ]
            .spacing(space::XS),
        );
        form = form.push(text(i18n.tr(label)).size(size::SMALL).font(theme::SEMIBOLD));
        form = form.push(
            text_input(&i18n.tr(placeholder), &self.first)
                .id(FIRST_FIELD)
                .on_input(Message::First)
                .on_submit(Message::Submit)
                .padding([space::S, space::M])
                .style(theme::text_input::field),
        );
        if self.tab == Tab::Room {
            form = form
                .push(
                    text(i18n.tr("new-room-invite"))
                        .size(size::SMALL)
                        .font(theme::SEMIBOLD),
                )
                .push(
                    text_input(&i18n.tr("new-room-invite-hint"), &self.invite)
                        .on_input(Message::Invite)
                        .on_submit(Message::Submit)
                        .padding([space::S, space::M])
                        .style(theme::text_input::field),
                )
                .push(
                    checkbox(self.public)
                        .label(i18n.tr("new-room-public"))
                        .on_toggle(Message::Public)
                        .size(16)
                        .text_size(size::BODY),
                );
            if !self.public {
                form = form.push(
                    checkbox(self.encrypted)
                        .label(i18n.tr("new-room-encrypted"))
                        .on_toggle(Message::Encrypted)
                        .size(16)
                        .text_size(size::BODY),
                );
            }
        }
        if self.tab == Tab::Direct {
            form = form.push(
                text(i18n.tr("new-room-direct-encrypted"))
                    .size(size::SMALL)
                    .style(theme::text::muted),
            );
        }
        if let Some(problem) = &self.problem {
            form = form.push(
                container(text(problem.as_str()).size(size::SMALL))
                    .padding([space::S, space::M])
                    .width(Length::Fill)
                    .style(theme::container::error),
            );
        }
        let ready = !self.first.trim().is_empty() && !self.busy;
        form = form.push(
            row![
                iced::widget::Space::new().width(Length::Fill),
                button(text(i18n.tr("composer-cancel")))
                    .padding([space::S, space::L])
                    .style(theme::button::secondary)
                    .on_press(Message::Close),
                button(text(i18n.tr(submit)).font(theme::SEMIBOLD))
                    .padding([space::S, space::L])
                    .style(theme::button::primary)
                    .on_press_maybe(ready.then_some(Message::Submit)),
            ]
            .spacing(space::S)
            .align_y(Alignment::Center),
        );
        container(
            column![
                text(i18n.tr("new-room-title"))
                    .size(size::HEADING)
                    .font(theme::SEMIBOLD),
                form
            ]
            .spacing(space::M),
        )
        .padding(space::L)
        .width(Length::Fixed(460.0))
        .style(theme::container::popup)
        .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_builds_what_each_tab_asks_for() {
        let mut form = NewRoomForm::new();
        form.update(Message::First("@bob:example.org".into()));
        let Action::Create(dm) = form.update(Message::Submit) else {
            panic!("no direct chat")
        };
        assert_eq!(
            (dm.kind, dm.invite.as_slice(), dm.encrypted),
            (
                NewRoomKind::Direct,
                &["@bob:example.org".to_owned()][..],
                true
            )
        );
        // Busy until the answer comes: a second click does nothing.
        assert!(matches!(form.update(Message::Submit), Action::None));
        form.failed("no".into());

        form.update(Message::Tab(Tab::Room));
        form.update(Message::First("Launch".into()));
        form.update(Message::Invite("@a:x, @b:x  @c:x".into()));
        form.update(Message::Public(true));
        let Action::Create(room) = form.update(Message::Submit) else {
            panic!("no room")
        };
        assert_eq!(room.kind, NewRoomKind::Channel);
        assert_eq!(room.invite.len(), 3);
        assert!(!room.encrypted, "public channels are not encrypted");
        form.failed("no".into());

        form.update(Message::Tab(Tab::Join));
        form.update(Message::First(" #lobby:example.org ".into()));
        assert!(
            matches!(form.update(Message::Submit), Action::Join(a) if a == "#lobby:example.org")
        );
    }
}
