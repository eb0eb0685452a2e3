//! The verification dialog: answer a request, compare seven emoji, see the outcome.

use iced::widget::{Space, button, column, container, row, text};
use iced::{Alignment, Length};
use sparks_domain::{SasEmoji, VerificationPeer, VerificationStep};
use sparks_i18n::I18n;

use crate::icon::Icon;
use crate::theme::{self, size, space};
use crate::widget::Element;

/// The cancel code the other side (or we) send when the emoji differ.
const MISMATCH: &str = "The short auth string did not match";

#[derive(Debug, Clone)]
pub struct Dialog {
    id: String,
    peer: VerificationPeer,
    step: VerificationStep,
    /// An answer is on its way; buttons wait for the next step.
    busy: bool,
    /// The last answer could not be sent.
    problem: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Accept,
    Match,
    NoMatch,
    /// Decline, cancel, or close after the end.
    Close,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    None,
    Accept,
    Confirm,
    Mismatch,
    Cancel,
    /// The dialog is gone; nothing to tell the other side.
    Dismiss,
}

impl Dialog {
    pub fn new(id: String, peer: VerificationPeer) -> Dialog {
        let step = if peer.incoming {
            VerificationStep::Asked
        } else {
            VerificationStep::Waiting
        };
        Dialog {
            id,
            peer,
            step,
            busy: false,
            problem: None,
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn step(&self) -> &VerificationStep {
        &self.step
    }

    pub fn set_step(&mut self, step: VerificationStep) {
        if step != self.step {
            self.busy = false;
            self.problem = None;
        }
        self.step = step;
    }

    /// The last answer did not reach the other side; it can be given again.
    pub fn failed(&mut self, problem: String) {
        self.busy = false;
        self.problem = Some(problem);
    }

    pub fn update(&mut self, message: Message) -> Action {
        if self.busy && !matches!(message, Message::Close) {
            return Action::None;
        }
        match message {
            Message::Accept => {
                self.busy = true;
                Action::Accept
            }
            Message::Match => {
                self.busy = true;
                Action::Confirm
            }
            Message::NoMatch => {
                self.busy = true;
                Action::Mismatch
            }
            Message::Close if self.step.is_final() => Action::Dismiss,
            Message::Close => Action::Cancel,
        }
    }

    pub fn view<'a>(&'a self, i18n: &I18n) -> Element<'a, Message> {
        let name = self.peer.user_id.clone();
        let title = if self.peer.own_device {
            i18n.tr("verify-title-device")
        } else {
            i18n.tr_args("verify-title-user", [("name", name.clone().into())])
        };
        let sentence = |key: &str| -> Element<'a, Message> {
            text(i18n.tr_args(key, [("name", name.clone().into())]))
                .size(size::BODY)
                .into()
        };
        let close = |key: &str, style: fn(&iced::Theme, button::Status) -> button::Style| {
            button(text(i18n.tr(key)).size(size::BODY))
                .padding([space::S, space::M])
                .style(style)
                .on_press(Message::Close)
        };
        let primary = |key: &str, message: Message| {
            button(text(i18n.tr(key)).size(size::BODY).font(theme::SEMIBOLD))
                .padding([space::S, space::M])
                .style(theme::button::primary)
                .on_press_maybe((!self.busy).then_some(message))
        };
        let (body, buttons): (Element<'a, Message>, Element<'a, Message>) = match &self.step {
            VerificationStep::Asked => (
                sentence(if self.peer.own_device {
                    "verify-asked-device"
                } else {
                    "verify-asked-user"
                }),
                row![
                    close("verify-decline", theme::button::secondary),
                    primary("verify-accept", Message::Accept)
                ]
                .spacing(space::S)
                .into(),
            ),
            VerificationStep::Waiting => (
                sentence(match (self.peer.own_device, self.peer.incoming) {
                    (true, false) => "verify-waiting-device",
                    (false, false) => "verify-waiting-user",
                    _ => "verify-waiting",
                }),
                close("verify-cancel", theme::button::secondary).into(),
            ),
            VerificationStep::Compare(emoji) => (
                column![sentence("verify-compare"), emoji_row(emoji, i18n)]
                    .spacing(space::L)
                    .into(),
                row![
                    button(text(i18n.tr("verify-no-match")).size(size::BODY))
                        .padding([space::S, space::M])
                        .style(theme::button::danger)
                        .on_press_maybe((!self.busy).then_some(Message::NoMatch)),
                    primary("verify-match", Message::Match)
                ]
                .spacing(space::S)
                .into(),
            ),
            VerificationStep::Confirmed => (
                sentence("verify-confirmed"),
                close("verify-cancel", theme::button::secondary).into(),
            ),
            VerificationStep::Done => (
                row![
                    Icon::ShieldCheck.view(28.0, |t| theme::colors(t).success),
                    sentence(if self.peer.own_device {
                        "verify-done-device"
                    } else {
                        "verify-done-user"
                    })
                ]
                .spacing(space::M)
                .align_y(Alignment::Center)
                .into(),
                close("verify-close", theme::button::primary).into(),
            ),
            VerificationStep::Cancelled { reason, .. } => (
                row![
                    Icon::ShieldAlert.view(28.0, |t| theme::colors(t).warning),
                    text(if reason == MISMATCH {
                        i18n.tr("verify-cancelled-mismatch")
                    } else {
                        i18n.tr_args("verify-cancelled", [("reason", reason.clone().into())])
                    })
                    .size(size::BODY)
                ]
                .spacing(space::M)
                .align_y(Alignment::Center)
                .into(),
                close("verify-close", theme::button::primary).into(),
            ),
        };
        let mut content =
            column![text(title).size(size::HEADING).font(theme::SEMIBOLD), body].spacing(space::L);
        if let Some(problem) = &self.problem {
            content = content.push(
                container(text(problem.clone()).size(size::BODY))
                    .padding([space::S, space::M])
                    .width(Length::Fill)
                    .style(theme::container::error),
            );
        }
        container(content.push(row![Space::new().width(Length::Fill), buttons]))
            .padding(space::XL)
            .width(Length::Fixed(560.0))
            .style(theme::container::popup)
            .into()
    }
}

/// The seven emoji, each with its name in the person's language.
fn emoji_row<'a>(emoji: &[SasEmoji], i18n: &I18n) -> Element<'a, Message> {
    let cells = emoji.iter().map(|e| {
        let key = format!("sas-emoji-{}", e.index);
        let name = i18n.tr(&key);
        // A language without the table falls back to the specification's English name.
        let name = if name == key {
            e.description.clone()
        } else {
            name
        };
        column![
            text(e.symbol.clone()).size(40),
            text(name).size(size::SMALL).style(theme::text::muted),
        ]
        .align_x(Alignment::Center)
        .spacing(space::XS)
        .width(Length::Fixed(68.0))
        .into()
    });
    container(row(cells).spacing(space::XS))
        .center_x(Length::Fill)
        .into()
}
