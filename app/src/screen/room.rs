//! One open conversation: its timeline and the composer.

use iced::widget::{Space, button, column, container, row, scrollable, text, text_input};
use iced::{Alignment, Length};
use sparks_domain::{
    AttachmentKind, ListDiff, MembershipChange, Message as Msg, MessageBody, SendState,
    TimelineEntry, TimelineItem,
};
use sparks_i18n::I18n;

use crate::theme::{self, size, space};
use crate::time;
use crate::widget::{self, Element};

/// Widget ids, for focus and tests.
pub const COMPOSER: &str = "room-composer";

/// Messages from one sender closer together than this share one header.
const GROUP_GAP_MS: u64 = 5 * 60_000;
/// How many events one "load earlier" asks for.
pub const PAGE: u16 = 30;

#[derive(Debug)]
pub struct Room {
    id: String,
    name: String,
    items: Vec<TimelineItem>,
    draft: String,
    loading_older: bool,
    problem: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Draft(String),
    Send,
    LoadOlder,
}

pub enum Action {
    None,
    Send(String),
    LoadOlder,
}

impl Room {
    pub fn new(id: String, name: String) -> Room {
        Room {
            id,
            name,
            items: Vec::new(),
            draft: String::new(),
            loading_older: true,
            problem: None,
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn items(&self) -> &[TimelineItem] {
        &self.items
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Draft(draft) => self.draft = draft,
            Message::Send => {
                let body = self.draft.trim().to_owned();
                if body.is_empty() {
                    return Action::None;
                }
                self.draft.clear();
                self.problem = None;
                return Action::Send(body);
            }
            Message::LoadOlder => {
                if !self.loading_older && !self.at_start() {
                    self.loading_older = true;
                    return Action::LoadOlder;
                }
            }
        }
        Action::None
    }

    /// Applies timeline changes from the backend.
    pub fn apply(&mut self, diffs: Vec<ListDiff<TimelineItem>>) {
        for diff in diffs {
            if let Err(error) = diff.apply(&mut self.items) {
                tracing::error!(?error, room = %self.id, "timeline update out of step");
            }
        }
    }

    /// Older history finished loading (or failed, with a sentence for the user).
    pub fn older_loaded(&mut self, problem: Option<String>) {
        self.loading_older = false;
        if problem.is_some() {
            self.problem = problem;
        }
    }

    pub fn show_problem(&mut self, problem: String) {
        self.problem = Some(problem);
    }

    fn at_start(&self) -> bool {
        self.items
            .iter()
            .any(|item| item.entry == TimelineEntry::Start)
    }

    pub fn view<'a>(&'a self, i18n: &I18n, now_ms: u64) -> Element<'a, Message> {
        let header = row![
            widget::avatar(&self.id, sparks_domain::initials(&self.name), 32.0),
            text(&self.name).size(size::HEADING).font(theme::SEMIBOLD),
        ]
        .spacing(space::M)
        .align_y(Alignment::Center)
        .padding([space::M, space::XL]);

        let mut lines = column![].spacing(space::XS).padding([space::M, space::XL]);
        if !self.at_start() {
            let label = if self.loading_older {
                i18n.tr("room-loading-older")
            } else {
                i18n.tr("room-load-older")
            };
            lines = lines.push(
                container(
                    button(text(label).size(size::SMALL))
                        .padding([space::XS, space::M])
                        .style(theme::button::secondary)
                        .on_press_maybe((!self.loading_older).then_some(Message::LoadOlder)),
                )
                .center_x(Length::Fill),
            );
        }
        let mut previous: Option<&Msg> = None;
        for item in shown(&self.items) {
            let (line, message) = self.line(item, previous, i18n, now_ms);
            lines = lines.push(line);
            previous = message;
        }
        let timeline = scrollable(lines)
            .anchor_bottom()
            .height(Length::Fill)
            .width(Length::Fill);

        let can_send = !self.draft.trim().is_empty();
        let composer = row![
            text_input(&i18n.tr("room-composer-placeholder"), &self.draft)
                .id(COMPOSER)
                .on_input(Message::Draft)
                .on_submit(Message::Send)
                .padding([space::S + 2.0, space::M])
                .style(theme::text_input::field),
            button(text(i18n.tr("room-send")).font(theme::SEMIBOLD))
                .padding([space::S + 2.0, space::L])
                .style(theme::button::primary)
                .on_press_maybe(can_send.then_some(Message::Send)),
        ]
        .spacing(space::S)
        .align_y(Alignment::Center);
        let mut bottom = column![].spacing(space::S);
        if let Some(problem) = &self.problem {
            bottom = bottom.push(
                container(text(problem.clone()).size(size::SMALL))
                    .padding([space::S, space::M])
                    .width(Length::Fill)
                    .style(theme::container::error),
            );
        }
        let bottom = container(bottom.push(composer)).padding([space::M, space::XL]);

        column![
            container(header)
                .width(Length::Fill)
                .style(theme::container::sidebar),
            timeline,
            container(bottom)
                .width(Length::Fill)
                .style(theme::container::sidebar),
        ]
        .into()
    }

    /// One timeline item, and the message it is (for grouping the next one).
    fn line<'a>(
        &self,
        item: &'a TimelineItem,
        previous: Option<&Msg>,
        i18n: &I18n,
        now_ms: u64,
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
                (message_view(message, grouped, i18n), Some(message))
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

fn message_view<'a>(message: &'a Msg, grouped: bool, i18n: &I18n) -> Element<'a, Message> {
    let (body, muted) = body_text(&message.body, i18n);
    let mut body = text(body).size(size::BODY);
    if muted {
        body = body.style(theme::text::muted);
    }
    let mut status = row![].spacing(space::S);
    if message.edited {
        status = status.push(
            text(i18n.tr("room-edited"))
                .size(size::SMALL)
                .style(theme::text::muted),
        );
    }
    match message.state {
        SendState::Sent => {}
        SendState::Sending => {
            status = status.push(
                text(i18n.tr("room-sending"))
                    .size(size::SMALL)
                    .style(theme::text::muted),
            )
        }
        SendState::Failed => {
            status = status.push(
                text(i18n.tr("room-send-failed"))
                    .size(size::SMALL)
                    .style(theme::text::danger),
            )
        }
    }
    let content = column![body, status].spacing(2).width(Length::Fill);
    if grouped {
        return row![Space::new().width(Length::Fixed(36.0)), content]
            .spacing(space::M)
            .into();
    }
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
    .padding(iced::Padding {
        top: space::S,
        ..iced::Padding::ZERO
    })
    .into()
}

/// The text a body shows, and whether it is a placeholder rather than what someone wrote.
fn body_text(body: &MessageBody, i18n: &I18n) -> (String, bool) {
    match body {
        MessageBody::Text(text) | MessageBody::Notice(text) => (text.clone(), false),
        MessageBody::Emote(text) => (format!("* {text}"), false),
        MessageBody::Attachment { kind, name } => {
            let key = match kind {
                AttachmentKind::Image => "room-attachment-image",
                AttachmentKind::Video => "room-attachment-video",
                AttachmentKind::Audio => "room-attachment-audio",
                AttachmentKind::File => "room-attachment-file",
            };
            (i18n.tr_args(key, [("name", name.as_str().into())]), false)
        }
        MessageBody::Redacted => (i18n.tr("room-redacted"), true),
        MessageBody::UnableToDecrypt => (i18n.tr("room-undecryptable"), true),
        MessageBody::Unsupported(kind) => (
            i18n.tr_args("room-unsupported", [("kind", kind.as_str().into())]),
            true,
        ),
    }
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
