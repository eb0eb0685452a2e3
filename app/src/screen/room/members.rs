//! The members panel beside the conversation.

use iced::widget::{button, column, container, row, scrollable, text};
use iced::{Alignment, Length};
use sparks_i18n::I18n;

use super::{Message, Room};
use crate::theme::{self, size, space};
use crate::widget::{self, Element};

impl Room {
    /// "3 members", or just "Members" until the list has loaded.
    pub(super) fn members_label(&self, i18n: &I18n) -> String {
        if self.members.is_empty() {
            i18n.tr("room-members-unknown")
        } else {
            i18n.tr_args(
                "room-members",
                [("count", (self.members.len() as u64).into())],
            )
        }
    }

    /// Everyone in the room, by name, beside the conversation.
    pub(super) fn members_panel<'a>(&'a self, i18n: &I18n) -> Element<'a, Message> {
        let mut list = column![
            text(self.members_label(i18n))
                .size(size::BODY)
                .font(theme::SEMIBOLD)
        ]
        .spacing(space::S)
        .padding(space::L);
        for member in &self.members {
            let mut line = row![
                widget::avatar(&member.user_id, sparks_domain::initials(&member.name), 28.0),
                column![
                    text(widget::ellipsize(&member.name, 22)).size(size::BODY),
                    text(widget::ellipsize(&member.user_id, 26))
                        .size(size::SMALL)
                        .style(theme::text::muted),
                ]
                .width(Length::Fill),
            ]
            .spacing(space::S)
            .align_y(Alignment::Center);
            if member.user_id != self.own {
                line = line.push(
                    button(text(i18n.tr("members-verify")).size(size::SMALL))
                        .padding([2.0, space::S])
                        .style(theme::button::quiet)
                        .on_press(Message::Verify(member.user_id.clone())),
                );
            }
            list = list.push(line);
        }
        container(scrollable(list).height(Length::Fill))
            .width(Length::Fixed(260.0))
            .height(Length::Fill)
            .style(theme::container::sidebar)
            .into()
    }
}
