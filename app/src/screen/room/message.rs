//! One message in the timeline: who and when, what it answers, its text, its reactions and
//! thread, and the actions on it.

use iced::widget::{Column, Row, Space, button, column, container, mouse_area, row, stack, text};
use iced::{Alignment, Length, Padding};
use sparks_domain::{Message as Msg, MessageBody, Quote, SendState};
use sparks_i18n::I18n;

use super::{Message, rich};
use crate::theme::{self, Colors, size, space};
use crate::time;
use crate::widget::{self, Element};

/// The reactions offered with one click.
pub const QUICK_REACTIONS: [&str; 4] = ["👍", "❤️", "😂", "🎉"];

/// How a message is drawn.
pub struct Look {
    /// Follows a message by the same sender: no avatar and name.
    pub grouped: bool,
    /// Picked for actions (by click or keyboard); its actions stay visible.
    pub selected: bool,
    /// Under the pointer: its actions show.
    pub hovered: bool,
    /// Waiting for "delete for everyone?" to be confirmed.
    pub confirm_delete: bool,
    /// A thread can start here (not inside a thread already).
    pub thread_root_allowed: bool,
}

pub fn view<'a>(
    message: &'a Msg,
    look: Look,
    media: &'a super::media::Media,
    i18n: &I18n,
    colors: &'static Colors,
) -> Element<'a, Message> {
    let mut content = Column::new().spacing(space::XS).width(Length::Fill);
    if let Some(quote) = &message.reply_to {
        content = content.push(quote_view(quote, i18n));
    }
    content = content.push(body(message, media, i18n, colors));
    if let Some(status) = status(message, i18n) {
        content = content.push(status);
    }
    if !message.reactions.is_empty() {
        let mut chips = Row::new().spacing(space::XS);
        for reaction in &message.reactions {
            chips = chips.push(
                button(text(format!("{} {}", reaction.key, reaction.count)).size(size::SMALL))
                    .padding([2.0, space::S])
                    .style(theme::button::chip(reaction.mine))
                    .on_press(Message::React {
                        event: message.event.clone(),
                        key: reaction.key.clone(),
                    }),
            );
        }
        content = content.push(chips.wrap());
    }
    if let Some(thread) = &message.thread {
        let mut label = i18n.tr_args(
            "message-thread-replies",
            [("count", u64::from(thread.replies).into())],
        );
        if let Some((who, latest)) = &thread.latest {
            label = format!("{label} · {who}: {}", widget::ellipsize(latest, 60));
        }
        content = content.push(
            button(text(label).size(size::SMALL).style(theme::text::primary))
                .padding(0)
                .style(theme::button::quiet)
                .on_press(Message::OpenThread(message.event.clone())),
        );
    }

    let line: Element<'a, Message> = if look.grouped {
        row![Space::new().width(Length::Fixed(36.0)), content]
            .spacing(space::M)
            .into()
    } else {
        let header = row![
            text(&message.sender_name)
                .size(size::BODY)
                .font(theme::SEMIBOLD),
            text(time::clock(message.timestamp_ms))
                .size(size::SMALL)
                .style(theme::text::muted),
        ]
        .spacing(space::S)
        .align_y(Alignment::Center);
        row![
            widget::avatar(
                &message.sender_id,
                sparks_domain::initials(&message.sender_name),
                36.0
            ),
            column![header, content].spacing(2).width(Length::Fill),
        ]
        .spacing(space::M)
        .padding(Padding {
            top: space::S,
            ..Padding::ZERO
        })
        .into()
    };
    let line = container(line)
        .padding([2.0, space::S])
        .width(Length::Fill)
        .style(if look.selected || look.hovered {
            theme::container::selected
        } else {
            |_: &iced::Theme| container::Style::default()
        });
    // Only the message under the pointer (or picked) carries its actions, floating over its
    // top right corner so nothing moves.
    let content: Element<'a, Message> = if look.selected || look.hovered || look.confirm_delete {
        let actions = container(actions(
            message,
            look.confirm_delete,
            look.thread_root_allowed,
            i18n,
        ))
        .align_right(Length::Fill)
        .padding(Padding {
            right: space::S,
            top: 2.0,
            ..Padding::ZERO
        });
        stack![line, actions].into()
    } else {
        line.into()
    };
    mouse_area(content)
        .on_press(Message::Select(message.event.clone()))
        .on_enter(Message::Hover(message.event.clone()))
        .on_exit(Message::Unhover(message.event.clone()))
        .into()
}

/// The buttons over a message: quick reactions, reply, edit, delete.
fn actions<'a>(
    message: &'a Msg,
    confirm_delete: bool,
    thread_root_allowed: bool,
    i18n: &I18n,
) -> Element<'a, Message> {
    let action = |label: String, on_press: Message| {
        button(text(label).size(size::SMALL))
            .padding([space::XS, space::S])
            .style(theme::button::quiet)
            .on_press(on_press)
    };
    let event = &message.event;
    let mut bar = Row::new().spacing(2).align_y(Alignment::Center);
    if confirm_delete {
        bar = bar
            .push(
                text(i18n.tr("message-delete-confirm"))
                    .size(size::SMALL)
                    .style(theme::text::danger),
            )
            .push(
                button(text(i18n.tr("message-delete")).size(size::SMALL))
                    .padding([space::XS, space::S])
                    .style(theme::button::danger)
                    .on_press(Message::ConfirmDelete(event.clone())),
            )
            .push(action(i18n.tr("composer-cancel"), Message::CancelDelete));
    } else {
        let sent = message.state == SendState::Sent;
        if sent && reactable(&message.body) {
            for key in QUICK_REACTIONS {
                bar = bar.push(action(
                    key.to_owned(),
                    Message::React {
                        event: event.clone(),
                        key: key.to_owned(),
                    },
                ));
            }
        }
        if sent && event.starts_with('$') && reactable(&message.body) {
            bar = bar.push(action(
                i18n.tr("message-reply"),
                Message::Reply(event.clone()),
            ));
            if thread_root_allowed {
                bar = bar.push(action(
                    i18n.tr("message-thread"),
                    Message::OpenThread(event.clone()),
                ));
            }
        }
        if message.editable {
            bar = bar.push(action(
                i18n.tr("message-edit"),
                Message::Edit(event.clone()),
            ));
        }
        if message.redactable {
            bar = bar.push(action(
                i18n.tr("message-delete"),
                Message::Delete(event.clone()),
            ));
        }
    }
    container(bar)
        .padding(2)
        .style(theme::container::popup)
        .into()
}

/// Deleted and undecryptable messages take no reactions or replies.
fn reactable(body: &MessageBody) -> bool {
    !matches!(
        body,
        MessageBody::Redacted | MessageBody::UnableToDecrypt | MessageBody::Unsupported(_)
    )
}

fn quote_view<'a>(quote: &'a Quote, i18n: &I18n) -> Element<'a, Message> {
    let (who, said) = match (&quote.sender_name, &quote.text) {
        (Some(who), Some(said)) => (who.clone(), said.clone()),
        _ => (i18n.tr("message-reply-unknown"), String::new()),
    };
    container(
        column![
            text(who).size(size::SMALL).font(theme::SEMIBOLD),
            text(widget::ellipsize(&said, 140))
                .size(size::SMALL)
                .style(theme::text::muted),
        ]
        .spacing(2),
    )
    .padding([space::XS, space::S])
    .style(theme::container::quote)
    .into()
}

fn body<'a>(
    message: &'a Msg,
    media: &'a super::media::Media,
    i18n: &I18n,
    colors: &'static Colors,
) -> Element<'a, Message> {
    let placeholder = |label: String| -> Element<'a, Message> {
        text(label)
            .size(size::BODY)
            .style(theme::text::muted)
            .into()
    };
    match &message.body {
        MessageBody::Text(rich) => rich::view(rich, colors, false, Message::Link),
        MessageBody::Notice(rich) => rich::view(rich, colors, true, Message::Link),
        MessageBody::Emote(rich) => row![
            text(format!("* {}", message.sender_name)).size(size::BODY),
            rich::view(rich, colors, false, Message::Link),
        ]
        .spacing(space::XS)
        .into(),
        MessageBody::Attachment { kind, name, size } => {
            media.attachment(&message.event, *kind, name, *size, i18n)
        }
        MessageBody::Redacted => placeholder(i18n.tr("room-redacted")),
        MessageBody::UnableToDecrypt => placeholder(i18n.tr("room-undecryptable")),
        MessageBody::Unsupported(kind) => {
            placeholder(i18n.tr_args("room-unsupported", [("kind", kind.as_str().into())]))
        }
    }
}

fn status<'a>(message: &Msg, i18n: &I18n) -> Option<Element<'a, Message>> {
    let mut status = Row::new().spacing(space::S);
    let mut any = false;
    if message.edited {
        any = true;
        status = status.push(
            text(i18n.tr("room-edited"))
                .size(size::SMALL)
                .style(theme::text::muted),
        );
    }
    match message.state {
        SendState::Sent => {}
        SendState::Sending | SendState::Waiting => {
            any = true;
            let key = if message.state == SendState::Waiting {
                "room-waiting"
            } else {
                "room-sending"
            };
            status = status.push(
                text(i18n.tr(key))
                    .size(size::SMALL)
                    .style(theme::text::muted),
            );
        }
        SendState::Failed => {
            any = true;
            status = status.push(
                text(i18n.tr("room-send-failed"))
                    .size(size::SMALL)
                    .style(theme::text::danger),
            );
        }
    }
    any.then(|| status.into())
}
