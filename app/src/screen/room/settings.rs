//! The room's settings beside the conversation: picture, name, topic and encryption, editable
//! as far as the power levels allow.

use iced::widget::{button, column, container, image, row, scrollable, text, text_input};
use iced::{Alignment, Length};
use sparks_domain::RoomDetails;
use sparks_i18n::I18n;

use crate::icon::Icon;
use crate::theme::{self, size, space};
use crate::widget::{self, Element};

/// Widget ids, for focus and tests.
pub const NAME: &str = "room-settings-name";
pub const TOPIC: &str = "room-settings-topic";

/// The panel's own state: what is typed and what is under way.
#[derive(Debug, Default)]
pub struct Settings {
    name: String,
    topic: String,
    confirm_encrypt: bool,
    /// A change was sent and has not been answered yet.
    busy: bool,
    problem: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Name(String),
    Topic(String),
    Save,
    PickPicture,
    RemovePicture,
    /// Turn encryption on (asks first), confirm, or think again.
    Encrypt,
    ConfirmEncrypt,
    CancelEncrypt,
}

/// A change to send to the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A new name and/or topic; `None` leaves that one as it is.
    Describe {
        name: Option<String>,
        topic: Option<String>,
    },
    /// Ask the desktop for a picture, then use it.
    PickPicture,
    RemovePicture,
    Encrypt,
}

impl Settings {
    pub fn new(details: &RoomDetails) -> Settings {
        Settings {
            name: details.name.clone(),
            topic: details.topic.clone(),
            ..Settings::default()
        }
    }

    pub fn update(&mut self, message: Message, details: &RoomDetails) -> Option<Change> {
        match message {
            Message::Name(name) => self.name = name,
            Message::Topic(topic) => self.topic = topic,
            Message::Save => {
                let name = (details.may_rename && self.name.trim() != details.name)
                    .then(|| self.name.trim().to_owned());
                let topic = (details.may_set_topic && self.topic.trim() != details.topic)
                    .then(|| self.topic.trim().to_owned());
                if !self.busy && (name.is_some() || topic.is_some()) {
                    return self.send(Change::Describe { name, topic });
                }
            }
            Message::PickPicture if details.may_set_avatar && !self.busy => {
                return self.send(Change::PickPicture);
            }
            Message::RemovePicture if details.may_set_avatar && !self.busy => {
                return self.send(Change::RemovePicture);
            }
            Message::Encrypt => self.confirm_encrypt = true,
            Message::CancelEncrypt => self.confirm_encrypt = false,
            Message::ConfirmEncrypt if details.may_encrypt && !self.busy => {
                self.confirm_encrypt = false;
                return self.send(Change::Encrypt);
            }
            Message::PickPicture | Message::RemovePicture | Message::ConfirmEncrypt => {}
        }
        None
    }

    fn send(&mut self, change: Change) -> Option<Change> {
        self.busy = true;
        self.problem = None;
        Some(change)
    }

    /// The server answered the last change; `problem` says why it failed.
    pub fn done(&mut self, problem: Option<String>) {
        self.busy = false;
        self.problem = problem;
    }

    /// Escape: drops the open confirmation.
    pub fn escape(&mut self) -> bool {
        std::mem::take(&mut self.confirm_encrypt)
    }

    fn changed(&self, details: &RoomDetails) -> bool {
        (details.may_rename && self.name.trim() != details.name)
            || (details.may_set_topic && self.topic.trim() != details.topic)
    }

    pub fn view<'a>(
        &'a self,
        room_id: &str,
        display_name: &str,
        details: &RoomDetails,
        picture: Option<&image::Handle>,
        i18n: &I18n,
    ) -> Element<'a, Message> {
        let mut photo = row![room_picture(room_id, display_name, picture, 64.0)]
            .spacing(space::M)
            .align_y(Alignment::Center);
        if details.may_set_avatar {
            let mut actions = column![
                button(text(i18n.tr("room-settings-picture")).size(size::SMALL))
                    .padding([space::XS, space::M])
                    .style(theme::button::secondary)
                    .on_press_maybe((!self.busy).then_some(Message::PickPicture))
            ]
            .spacing(space::XS);
            if details.avatar.is_some() {
                actions = actions.push(
                    button(text(i18n.tr("room-settings-picture-remove")).size(size::SMALL))
                        .padding([space::XS, space::M])
                        .style(theme::button::quiet)
                        .on_press_maybe((!self.busy).then_some(Message::RemovePicture)),
                );
            }
            photo = photo.push(actions);
        }

        let field = |value: &str, id: &'static str, allowed: bool, on: fn(String) -> Message| {
            text_input("", value)
                .id(id)
                .on_input_maybe(allowed.then_some(on))
                .on_submit(Message::Save)
                .padding([space::S, space::M])
                .style(theme::text_input::field)
        };
        let mut list = column![
            text(i18n.tr("room-settings"))
                .size(size::BODY)
                .font(theme::SEMIBOLD),
            photo,
            label(i18n.tr("room-settings-name")),
            field(&self.name, NAME, details.may_rename, Message::Name),
            label(i18n.tr("room-settings-topic")),
            field(&self.topic, TOPIC, details.may_set_topic, Message::Topic),
        ]
        .spacing(space::S)
        .padding(space::L);
        if details.may_rename || details.may_set_topic {
            let saving = self.busy.then(|| i18n.tr("room-settings-saving"));
            list = list.push(
                row![
                    button(text(i18n.tr("room-settings-save")).size(size::SMALL))
                        .padding([space::XS, space::M])
                        .style(theme::button::primary)
                        .on_press_maybe(
                            (self.changed(details) && !self.busy).then_some(Message::Save)
                        ),
                    text(saving.unwrap_or_default())
                        .size(size::SMALL)
                        .style(theme::text::muted),
                ]
                .spacing(space::S)
                .align_y(Alignment::Center),
            );
        }
        if !(details.may_rename || details.may_set_topic || details.may_set_avatar) {
            list = list.push(
                text(i18n.tr("room-settings-not-allowed"))
                    .size(size::SMALL)
                    .style(theme::text::muted),
            );
        }
        list = list.push(self.encryption(details, i18n));
        if let Some(problem) = &self.problem {
            list = list.push(
                container(text(problem.clone()).size(size::SMALL))
                    .padding([space::S, space::M])
                    .width(Length::Fill)
                    .style(theme::container::error),
            );
        }
        container(scrollable(list).height(Length::Fill))
            .width(Length::Fixed(300.0))
            .height(Length::Fill)
            .style(theme::container::sidebar)
            .into()
    }

    fn encryption<'a>(&'a self, details: &RoomDetails, i18n: &I18n) -> Element<'a, Message> {
        let (icon, state): (Element<'a, Message>, String) = if details.encrypted {
            (
                Icon::ShieldCheck
                    .view(18.0, |t| theme::colors(t).success)
                    .into(),
                i18n.tr("room-settings-encrypted"),
            )
        } else {
            (
                Icon::Shield.view(18.0, |t| theme::colors(t).muted).into(),
                i18n.tr("room-settings-not-encrypted"),
            )
        };
        let mut section = column![
            label(i18n.tr("room-settings-encryption")),
            row![icon, text(state).size(size::SMALL).width(Length::Fill)]
                .spacing(space::S)
                .align_y(Alignment::Center),
        ]
        .spacing(space::S)
        .padding([space::M, 0.0]);
        if details.may_encrypt && self.confirm_encrypt {
            section = section.push(
                column![
                    text(i18n.tr("room-settings-encrypt-confirm"))
                        .size(size::SMALL)
                        .style(theme::text::danger),
                    row![
                        button(text(i18n.tr("room-settings-encrypt")).size(size::SMALL))
                            .padding([space::XS, space::M])
                            .style(theme::button::danger)
                            .on_press_maybe((!self.busy).then_some(Message::ConfirmEncrypt)),
                        button(text(i18n.tr("composer-cancel")).size(size::SMALL))
                            .padding([space::XS, space::M])
                            .style(theme::button::quiet)
                            .on_press(Message::CancelEncrypt),
                    ]
                    .spacing(space::S),
                ]
                .spacing(space::S),
            );
        } else if details.may_encrypt {
            section = section.push(
                button(text(i18n.tr("room-settings-encrypt")).size(size::SMALL))
                    .padding([space::XS, space::M])
                    .style(theme::button::secondary)
                    .on_press(Message::Encrypt),
            );
        }
        section.into()
    }
}

fn label<'a>(caption: String) -> Element<'a, Message> {
    text(caption)
        .size(size::SMALL)
        .style(theme::text::muted)
        .into()
}

/// The room's picture when it has one, else its initials.
pub fn room_picture<'a, M: 'a>(
    room_id: &str,
    display_name: &str,
    picture: Option<&image::Handle>,
    diameter: f32,
) -> Element<'a, M> {
    match picture {
        Some(handle) => image(handle.clone())
            .width(Length::Fixed(diameter))
            .height(Length::Fixed(diameter))
            .content_fit(iced::ContentFit::Cover)
            .border_radius(diameter / 2.0)
            .into(),
        None => widget::avatar(room_id, sparks_domain::initials(display_name), diameter),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admin() -> RoomDetails {
        RoomDetails {
            name: "Launch".into(),
            topic: String::new(),
            avatar: None,
            encrypted: false,
            may_rename: true,
            may_set_topic: true,
            may_set_avatar: true,
            may_encrypt: true,
        }
    }

    #[test]
    fn save_sends_only_what_changed_and_waits_for_the_answer() {
        let details = admin();
        let mut form = Settings::new(&details);
        assert_eq!(
            form.update(Message::Save, &details),
            None,
            "nothing changed"
        );
        form.update(Message::Topic("  Plans ".into()), &details);
        assert_eq!(
            form.update(Message::Save, &details),
            Some(Change::Describe {
                name: None,
                topic: Some("Plans".into())
            })
        );
        assert_eq!(form.update(Message::Save, &details), None, "still busy");
        form.done(Some("refused".into()));
        assert_eq!(form.problem.as_deref(), Some("refused"));
        assert!(
            form.update(Message::Save, &details).is_some(),
            "may try again"
        );
    }

    #[test]
    fn nothing_is_sent_without_the_power_to_change_it() {
        let details = RoomDetails {
            may_rename: false,
            may_set_topic: false,
            may_set_avatar: false,
            may_encrypt: false,
            ..admin()
        };
        let mut form = Settings::new(&details);
        form.update(Message::Name("Mine now".into()), &details);
        assert_eq!(form.update(Message::Save, &details), None);
        assert_eq!(form.update(Message::PickPicture, &details), None);
        form.update(Message::Encrypt, &details);
        assert_eq!(form.update(Message::ConfirmEncrypt, &details), None);
    }

    #[test]
    fn encryption_is_only_turned_on_after_confirming() {
        let details = admin();
        let mut form = Settings::new(&details);
        assert_eq!(form.update(Message::Encrypt, &details), None);
        assert!(form.escape(), "escape drops the question");
        form.update(Message::Encrypt, &details);
        assert_eq!(
            form.update(Message::ConfirmEncrypt, &details),
            Some(Change::Encrypt)
        );
    }
}
