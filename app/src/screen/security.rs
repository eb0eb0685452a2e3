//! The encryption part of settings: is this session verified, and is recovery set up.

use iced::widget::{Space, button, column, container, row, text, text_input};
use iced::{Alignment, Length};
use sparks_domain::{Recovery, Security};
use sparks_i18n::I18n;

use crate::icon::Icon;
use crate::theme::{self, size, space};
use crate::widget::Element;

/// The recovery key field, for focusing it.
pub const KEY_FIELD: &str = "recovery-key";

#[derive(Debug, Default)]
pub struct Panel {
    state: Security,
    key: String,
    /// A recovery key just created: shown once, until the person says they saved it.
    new_key: Option<String>,
    copied: bool,
    busy: bool,
    problem: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Key(String),
    Unlock,
    SetUp,
    Copy,
    Saved,
    VerifyDevice,
}

pub enum Action {
    None,
    Recover(String),
    EnableRecovery,
    Copy(String),
    VerifyDevice,
}

impl Panel {
    pub fn state(&self) -> Security {
        self.state
    }

    pub fn set_state(&mut self, state: Security) {
        self.state = state;
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Key(key) => {
                self.key = key;
                self.problem = None;
            }
            Message::Unlock => {
                if !self.busy && !self.key.trim().is_empty() {
                    self.busy = true;
                    self.problem = None;
                    return Action::Recover(self.key.clone());
                }
            }
            Message::SetUp => {
                if !self.busy {
                    self.busy = true;
                    self.problem = None;
                    return Action::EnableRecovery;
                }
            }
            Message::Copy => {
                if let Some(key) = &self.new_key {
                    self.copied = true;
                    return Action::Copy(key.clone());
                }
            }
            Message::Saved => {
                self.new_key = None;
                self.copied = false;
            }
            Message::VerifyDevice => return Action::VerifyDevice,
        }
        Action::None
    }

    /// The recovery key was tried: `Err` holds a sentence for the person.
    pub fn recovered(&mut self, result: Result<(), String>) {
        self.busy = false;
        match result {
            Ok(()) => self.key.clear(),
            Err(problem) => self.problem = Some(problem),
        }
    }

    /// A new recovery key was made, or could not be.
    pub fn key_created(&mut self, result: Result<String, String>) {
        self.busy = false;
        match result {
            Ok(key) => {
                self.new_key = Some(key);
                self.copied = false;
            }
            Err(problem) => self.problem = Some(problem),
        }
    }

    /// Starting a verification failed.
    pub fn show_problem(&mut self, problem: String) {
        self.problem = Some(problem);
    }

    pub fn view<'a>(&'a self, i18n: &I18n) -> Element<'a, Message> {
        let mut body = column![self.device(i18n), rule(), self.recovery(i18n)].spacing(space::L);
        if let Some(problem) = &self.problem {
            body = body.push(
                container(text(problem.clone()).size(size::BODY))
                    .padding([space::S, space::M])
                    .width(Length::Fill)
                    .style(theme::container::error),
            );
        }
        body.into()
    }

    fn device<'a>(&'a self, i18n: &I18n) -> Element<'a, Message> {
        let (verified, title, hint) = match self.state.device_verified {
            None => (false, "security-device-checking", None),
            Some(true) => (
                true,
                "security-device-verified",
                Some("security-device-verified-hint"),
            ),
            Some(false) => (
                false,
                "security-device-unverified",
                Some("security-device-unverified-hint"),
            ),
        };
        let mut status = status(
            i18n.tr(title),
            hint.map(|key| i18n.tr(key)),
            if verified { Mark::Good } else { Mark::Warn },
        );
        if self.state.device_verified == Some(false) {
            status = status.push(
                button(text(i18n.tr("security-verify-device")).size(size::BODY))
                    .padding([space::S, space::M])
                    .style(theme::button::secondary)
                    .on_press(Message::VerifyDevice),
            );
        }
        status.into()
    }

    fn recovery<'a>(&'a self, i18n: &I18n) -> Element<'a, Message> {
        if let Some(key) = &self.new_key {
            return self.new_key_view(key, i18n);
        }
        let busy_label = i18n.tr("security-recovery-working");
        match self.state.recovery {
            Recovery::Unknown => {
                status(i18n.tr("security-device-checking"), None, Mark::Wait).into()
            }
            Recovery::Enabled => {
                let label = if self.busy {
                    busy_label
                } else {
                    i18n.tr("security-recovery-change")
                };
                status(
                    i18n.tr("security-recovery-on"),
                    Some(i18n.tr("security-recovery-on-hint")),
                    Mark::Good,
                )
                .push(
                    button(text(label).size(size::BODY))
                        .padding([space::S, space::M])
                        .style(theme::button::secondary)
                        .on_press_maybe((!self.busy).then_some(Message::SetUp)),
                )
                .into()
            }
            Recovery::Disabled => {
                let label = if self.busy {
                    busy_label
                } else {
                    i18n.tr("security-recovery-set-up")
                };
                status(
                    i18n.tr("security-recovery-off"),
                    Some(i18n.tr("security-recovery-off-hint")),
                    Mark::Warn,
                )
                .push(
                    button(text(label).size(size::BODY).font(theme::SEMIBOLD))
                        .padding([space::S, space::M])
                        .style(theme::button::primary)
                        .on_press_maybe((!self.busy).then_some(Message::SetUp)),
                )
                .into()
            }
            Recovery::Incomplete => {
                let label = if self.busy {
                    busy_label
                } else {
                    i18n.tr("security-recovery-unlock")
                };
                let ready = !self.busy && !self.key.trim().is_empty();
                let field = text_input(&i18n.tr("security-recovery-key-placeholder"), &self.key)
                    .id(KEY_FIELD)
                    .secure(true)
                    .on_input(Message::Key)
                    .on_submit(Message::Unlock)
                    .padding(space::S + 2.0)
                    .width(Length::Fill);
                status(i18n.tr("security-recovery-incomplete"), None, Mark::Warn)
                    .push(
                        row![
                            field,
                            button(text(label).size(size::BODY).font(theme::SEMIBOLD))
                                .padding([space::S + 2.0, space::M])
                                .style(theme::button::primary)
                                .on_press_maybe(ready.then_some(Message::Unlock)),
                        ]
                        .spacing(space::S)
                        .align_y(Alignment::Center),
                    )
                    .into()
            }
        }
    }

    fn new_key_view<'a>(&'a self, key: &'a str, i18n: &I18n) -> Element<'a, Message> {
        let copy = if self.copied {
            i18n.tr("security-recovery-copied")
        } else {
            i18n.tr("security-recovery-copy")
        };
        column![
            text(i18n.tr("security-recovery-new-key")).font(theme::SEMIBOLD),
            text(i18n.tr("security-recovery-new-key-hint"))
                .size(size::SMALL)
                .style(theme::text::muted),
            container(text(key).font(iced::Font::MONOSPACE).size(16))
                .padding(space::M)
                .width(Length::Fill)
                .style(theme::container::code),
            row![
                button(text(copy).size(size::BODY))
                    .padding([space::S, space::M])
                    .style(theme::button::secondary)
                    .on_press(Message::Copy),
                Space::new().width(Length::Fill),
                button(
                    text(i18n.tr("security-recovery-saved"))
                        .size(size::BODY)
                        .font(theme::SEMIBOLD)
                )
                .padding([space::S, space::M])
                .style(theme::button::primary)
                .on_press(Message::Saved),
            ]
            .align_y(Alignment::Center),
        ]
        .spacing(space::S)
        .into()
    }
}

#[derive(Clone, Copy)]
enum Mark {
    Good,
    Warn,
    Wait,
}

/// A status line with its mark, an optional explanation, and room for controls below.
fn status<'a>(
    title: String,
    hint: Option<String>,
    mark: Mark,
) -> iced::widget::Column<'a, Message, iced::Theme> {
    let icon = match mark {
        Mark::Good => Icon::ShieldCheck.view(20.0, |t| theme::colors(t).success),
        Mark::Warn => Icon::ShieldAlert.view(20.0, |t| theme::colors(t).warning),
        Mark::Wait => Icon::Shield.view(20.0, |t| theme::colors(t).muted),
    };
    let mut words = column![text(title).font(theme::SEMIBOLD)].spacing(2);
    if let Some(hint) = hint {
        words = words.push(text(hint).size(size::SMALL).style(theme::text::muted));
    }
    column![
        row![icon, words]
            .spacing(space::M)
            .align_y(Alignment::Start)
    ]
    .spacing(space::M)
}

fn rule<'a>() -> Element<'a, Message> {
    container(Space::new().height(1))
        .width(Length::Fill)
        .style(theme::container::rule)
        .into()
}
