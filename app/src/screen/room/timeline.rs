//! The conversation's lines: sender grouping, day dividers, the read marker, loading earlier
//! messages, and jumping to the first unread message.

use iced::widget::{button, column, container, row, scrollable, text, tooltip};
use iced::{Alignment, Length};
use sparks_domain::{MembershipChange, Message as Msg, TimelineEntry, TimelineItem};
use sparks_i18n::I18n;

use super::{Action, Command, GROUP_GAP_MS, Message, Room, message};
use crate::theme::{self, Colors, size, space};
use crate::time;
use crate::widget::{self, Element};

/// Where "jump to the first unread message" stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum Jump {
    /// Nothing to offer: nothing was unread, or the offer was used or dismissed.
    #[default]
    None,
    /// This many messages were unread when the room opened.
    Offered(u64),
    /// Loading earlier messages until the read marker arrives.
    Seeking,
    /// Showing the conversation from the read marker on.
    FromMarker,
}

impl Room {
    pub(super) fn load_older(&mut self) -> Action {
        if self.loading_older || self.at_start() {
            return Action::None;
        }
        self.loading_older = true;
        Action::Do(Command::LoadOlder)
    }

    pub(super) fn jump_to_unread(&mut self) -> Action {
        self.jump = Jump::Seeking;
        self.seek()
    }

    /// While seeking: show from the marker once it is loaded (or the room's start is), else
    /// load another page.
    pub(super) fn seek(&mut self) -> Action {
        if self.jump != Jump::Seeking {
            return Action::None;
        }
        if self.marker_loaded() || self.at_start() {
            self.jump = Jump::FromMarker;
            return Action::None;
        }
        self.load_older()
    }

    pub(super) fn marker_arrived(&mut self) {
        if self.jump == Jump::Seeking && self.marker_loaded() {
            self.jump = Jump::FromMarker;
        }
    }

    fn marker_loaded(&self) -> bool {
        self.items
            .iter()
            .any(|item| item.entry == TimelineEntry::ReadMarker)
    }

    pub(super) fn at_start(&self) -> bool {
        self.items
            .iter()
            .any(|item| item.entry == TimelineEntry::Start)
    }

    /// Who has read up to this message: small avatars at its right edge, their names on hover.
    fn receipts<'a>(&self, message: &Msg, i18n: &I18n) -> Option<Element<'a, Message>> {
        const SHOWN: usize = 4;
        if message.read_by.is_empty() {
            return None;
        }
        let name = |user: &str| {
            self.members
                .iter()
                .find(|m| m.user_id == user)
                .map(|m| m.name.clone())
                .unwrap_or_else(|| {
                    user.trim_start_matches('@')
                        .split(':')
                        .next()
                        .unwrap_or(user)
                        .to_owned()
                })
        };
        let names: Vec<String> = message.read_by.iter().map(|u| name(u)).collect();
        let mut faces = row![].spacing(2).align_y(Alignment::Center);
        for (user, name) in message.read_by.iter().zip(&names).take(SHOWN) {
            faces = faces.push(widget::avatar(user, sparks_domain::initials(name), 16.0));
        }
        if names.len() > SHOWN {
            faces = faces.push(
                text(format!("+{}", names.len() - SHOWN))
                    .size(size::SMALL)
                    .style(theme::text::muted),
            );
        }
        let label = i18n.tr_args("room-read-by", [("names", names.join(", ").into())]);
        let hint = container(text(label).size(size::SMALL))
            .padding([space::XS, space::S])
            .style(theme::container::popup);
        Some(
            container(tooltip(faces, hint, tooltip::Position::Top))
                .align_right(Length::Fill)
                .into(),
        )
    }

    /// The offer to jump, above the conversation.
    fn jump_bar<'a>(&self, i18n: &I18n) -> Option<Element<'a, Message>> {
        let content: Element<'a, Message> = match self.jump {
            Jump::Offered(count) => row![
                text(i18n.tr_args("room-unread", [("count", count.into())]))
                    .size(size::SMALL)
                    .width(Length::Fill),
                button(text(i18n.tr("room-jump-unread")).size(size::SMALL))
                    .padding([space::XS, space::M])
                    .style(theme::button::secondary)
                    .on_press(Message::JumpToUnread),
                button(text(i18n.tr("room-jump-dismiss")).size(size::SMALL))
                    .padding([space::XS, space::M])
                    .style(theme::button::quiet)
                    .on_press(Message::DismissJump),
            ]
            .spacing(space::S)
            .align_y(Alignment::Center)
            .into(),
            Jump::Seeking => text(i18n.tr("room-jump-seeking"))
                .size(size::SMALL)
                .style(theme::text::muted)
                .into(),
            Jump::None | Jump::FromMarker => return None,
        };
        Some(
            container(content)
                .padding([space::XS, space::XL])
                .width(Length::Fill)
                .style(theme::container::notice)
                .into(),
        )
    }

    /// The scrolling list of lines, with the jump offer above it.
    pub(super) fn timeline_view<'a>(
        &'a self,
        i18n: &I18n,
        now_ms: u64,
        colors: &'static Colors,
    ) -> Element<'a, Message> {
        let from_marker = self.jump == Jump::FromMarker;
        let mut lines = column![].spacing(space::XS).padding([space::M, space::XL]);
        let earlier = if from_marker {
            Some((i18n.tr("room-show-earlier"), Some(Message::ShowEarlier)))
        } else if !self.at_start() {
            let label = if self.loading_older {
                i18n.tr("room-loading-older")
            } else {
                i18n.tr("room-load-older")
            };
            Some((label, (!self.loading_older).then_some(Message::LoadOlder)))
        } else {
            None
        };
        if let Some((label, on_press)) = earlier {
            lines = lines.push(
                container(
                    button(text(label).size(size::SMALL))
                        .padding([space::XS, space::M])
                        .style(theme::button::secondary)
                        .on_press_maybe(on_press),
                )
                .center_x(Length::Fill),
            );
        }
        let first = if from_marker {
            self.items
                .iter()
                .position(|item| item.entry == TimelineEntry::ReadMarker)
                .unwrap_or(0)
        } else {
            0
        };
        let mut previous: Option<&Msg> = None;
        for item in shown(&self.items[first..]) {
            let (line, message) = self.line(item, previous, i18n, now_ms, colors);
            lines = lines.push(line);
            previous = message;
        }
        // From the marker the list starts at the top; otherwise it sticks to the newest line.
        // (The extra container gives the list fresh scroll state when the mode changes.)
        let list: Element<'a, Message> = if from_marker {
            container(scrollable(lines).height(Length::Fill).width(Length::Fill)).into()
        } else {
            scrollable(lines)
                .anchor_bottom()
                // Anchored at the bottom, the offset counts from there; from the top it is the
                // reversed one.
                .on_scroll(|viewport| Message::Scrolled(viewport.absolute_offset_reversed().y))
                .height(Length::Fill)
                .width(Length::Fill)
                .into()
        };
        match self.jump_bar(i18n) {
            Some(bar) => column![bar, list].into(),
            None => list,
        }
    }

    /// One timeline item, and the message it is (for grouping the next one).
    fn line<'a>(
        &'a self,
        item: &'a TimelineItem,
        previous: Option<&Msg>,
        i18n: &I18n,
        now_ms: u64,
        colors: &'static Colors,
    ) -> (Element<'a, Message>, Option<&'a Msg>) {
        let centred = |label: String| -> Element<'a, Message> {
            container(text(label).size(size::SMALL).style(theme::text::muted))
                .center_x(Length::Fill)
                .padding([space::S, 0.0])
                .into()
        };
        match &item.entry {
            TimelineEntry::Message(message) => {
                let grouped = previous.is_some_and(|p| {
                    p.sender_id == message.sender_id
                        && message.timestamp_ms.saturating_sub(p.timestamp_ms) < GROUP_GAP_MS
                });
                let look = message::Look {
                    grouped: grouped && message.reply_to.is_none(),
                    selected: self.selected.as_deref() == Some(message.event.as_str()),
                    hovered: self.hovered.as_deref() == Some(message.event.as_str()),
                    confirm_delete: self.confirm_delete.as_deref() == Some(message.event.as_str()),
                    thread_root_allowed: true,
                };
                let view = message::view(message, look, &self.media, i18n, colors);
                let view = match self.receipts(message, i18n) {
                    Some(receipts) => column![view, receipts].into(),
                    None => view,
                };
                (view, Some(message))
            }
            TimelineEntry::DayDivider { timestamp_ms } => {
                (centred(time::day(i18n, *timestamp_ms, now_ms)), None)
            }
            TimelineEntry::ReadMarker => (centred(i18n.tr("room-new-messages")), None),
            TimelineEntry::Start => (centred(i18n.tr("room-start")), None),
            TimelineEntry::Membership { who, change, .. } => {
                let key = match change {
                    MembershipChange::Joined => "room-member-joined",
                    MembershipChange::Left => "room-member-left",
                    MembershipChange::Invited => "room-member-invited",
                    MembershipChange::Removed => "room-member-removed",
                    MembershipChange::Other => "room-member-other",
                };
                (
                    centred(i18n.tr_args(key, [("who", who.as_str().into())])),
                    None,
                )
            }
            TimelineEntry::RoomChanged { by, .. } => (
                centred(i18n.tr_args("room-changed", [("who", by.as_str().into())])),
                None,
            ),
        }
    }
}

/// The items worth a line: a run of settings changes by one person (a new room has a dozen)
/// reads as one.
fn shown(items: &[TimelineItem]) -> impl Iterator<Item = &TimelineItem> {
    let mut last_changer: Option<&str> = None;
    items.iter().filter(move |item| {
        if let TimelineEntry::RoomChanged { by, .. } = &item.entry {
            let repeat = last_changer == Some(by.as_str());
            last_changer = Some(by);
            !repeat
        } else {
            last_changer = None;
            true
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changed(id: &str, by: &str) -> TimelineItem {
        TimelineItem {
            id: id.into(),
            entry: TimelineEntry::RoomChanged {
                by: by.into(),
                timestamp_ms: 0,
            },
        }
    }

    #[test]
    fn runs_of_settings_changes_by_one_person_collapse() {
        let marker = TimelineItem {
            id: "m".into(),
            entry: TimelineEntry::ReadMarker,
        };
        let items = [
            changed("1", "carol"),
            changed("2", "carol"),
            changed("3", "bob"),
            marker,
            changed("4", "bob"),
        ];
        let ids: Vec<&str> = shown(&items).map(|item| item.id.as_str()).collect();
        assert_eq!(ids, ["1", "3", "m", "4"]);
    }
}
