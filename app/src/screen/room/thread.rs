//! The open thread beside the conversation, and the list of threads.

use iced::widget::{button, column, container, row, scrollable, text};
use iced::{Alignment, Length};
use sparks_domain::{ThreadRoot, TimelineEntry};
use sparks_i18n::I18n;

use super::{Message, Room, THREAD_COMPOSER, Thread, message};
use crate::theme::{self, Colors, size, space};
use crate::widget::{self, Element};

impl Room {
    /// The open thread: its root, the replies, and a field to reply in the thread.
    pub(super) fn thread_panel<'a>(
        &'a self,
        thread: &'a Thread,
        i18n: &I18n,
        colors: &'static Colors,
    ) -> Element<'a, Message> {
        let header = row![
            text(i18n.tr("room-thread"))
                .size(size::BODY)
                .font(theme::SEMIBOLD)
                .width(Length::Fill),
            button(text(i18n.tr("verify-close")).size(size::SMALL))
                .padding([space::XS, space::S])
                .style(theme::button::quiet)
                .on_press(Message::CloseThread),
        ]
        .align_y(Alignment::Center);
        let mut lines = column![].spacing(space::XS);
        let mut any = false;
        for item in &thread.items {
            if let TimelineEntry::Message(message) = &item.entry {
                any = true;
                let look = message::Look {
                    grouped: false,
                    selected: false,
                    hovered: false,
                    confirm_delete: false,
                    thread_root_allowed: false,
                };
                lines = lines.push(message::view(message, look, &self.media, i18n, colors));
            }
        }
        if !any {
            lines = lines.push(
                text(i18n.tr("room-thread-loading"))
                    .size(size::SMALL)
                    .style(theme::text::muted),
            );
        }
        let can_send = !thread.draft.trim().is_empty();
        let field = row![
            iced::widget::text_input(&i18n.tr("room-thread-placeholder"), &thread.draft)
                .id(THREAD_COMPOSER)
                .on_input(Message::ThreadDraft)
                .on_submit(Message::ThreadSend)
                .padding([space::S, space::M])
                .style(theme::text_input::field),
            button(
                text(i18n.tr("room-send"))
                    .size(size::SMALL)
                    .font(theme::SEMIBOLD)
            )
            .padding([space::S, space::M])
            .style(theme::button::primary)
            .on_press_maybe(can_send.then_some(Message::ThreadSend)),
        ]
        .spacing(space::S)
        .align_y(Alignment::Center);
        container(
            column![
                header,
                scrollable(lines).anchor_bottom().height(Length::Fill),
                field
            ]
            .spacing(space::M)
            .padding(space::L),
        )
        .width(Length::Fixed(380.0))
        .height(Length::Fill)
        .style(theme::container::sidebar)
        .into()
    }

    /// The room's threads as the server lists them, newest activity first.
    pub(super) fn threads_panel<'a>(
        &'a self,
        threads: &'a Option<Result<Vec<ThreadRoot>, String>>,
        i18n: &I18n,
    ) -> Element<'a, Message> {
        let mut list = column![
            text(i18n.tr("room-threads"))
                .size(size::BODY)
                .font(theme::SEMIBOLD)
        ]
        .spacing(space::S)
        .padding(space::L);
        let note = |words: String| text(words).size(size::SMALL).style(theme::text::muted);
        match threads {
            None => list = list.push(note(i18n.tr("room-threads-loading"))),
            Some(Err(problem)) => {
                list = list.push(
                    text(i18n.tr_args(
                        "room-threads-failed",
                        [("details", problem.as_str().into())],
                    ))
                    .size(size::SMALL)
                    .style(theme::text::danger),
                );
            }
            Some(Ok(roots)) if roots.is_empty() => {
                list = list.push(note(i18n.tr("room-threads-none")));
            }
            Some(Ok(roots)) => {
                for root in roots {
                    list = list.push(thread_row(root, i18n));
                }
            }
        }
        container(scrollable(list).height(Length::Fill))
            .width(Length::Fixed(320.0))
            .height(Length::Fill)
            .style(theme::container::sidebar)
            .into()
    }
}

/// One thread in the list: who started it, its first words, and how far it has got.
fn thread_row<'a>(root: &'a ThreadRoot, i18n: &I18n) -> Element<'a, Message> {
    let mut summary = i18n.tr_args(
        "message-thread-replies",
        [("count", u64::from(root.replies).into())],
    );
    if let Some((who, _)) = &root.latest {
        summary = format!("{summary} · {who}");
    }
    button(
        column![
            text(root.sender_name.as_str())
                .size(size::SMALL)
                .font(theme::SEMIBOLD),
            text(widget::ellipsize(&root.text, 80)).size(size::BODY),
            text(summary).size(size::SMALL).style(theme::text::primary),
        ]
        .spacing(2),
    )
    .padding([space::S, space::S])
    .width(Length::Fill)
    .style(theme::button::quiet)
    .on_press(Message::OpenThread(root.event.clone()))
    .into()
}
