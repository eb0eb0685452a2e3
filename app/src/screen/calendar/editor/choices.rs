//! The form's choices: how an event repeats (and whether a change is for one occurrence or the
//! whole series), when to remind, and the answer to an invitation.

use iced::Length;
use iced::widget::{button, column, container, pick_list, row, text};
use sparks_i18n::I18n;
use sparks_middleware_client::pim::{Frequency, Participation, Repeat};

use super::{Editor, Message};
use crate::theme::{self, space};
use crate::widget::Element;

/// A reminder as the picker offers it: minutes before the start, or none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    pub minutes: Option<i64>,
    pub label: String,
}

impl std::fmt::Display for Reminder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label)
    }
}

/// A repeat rule as the picker offers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepeatChoice {
    pub repeat: Option<Repeat>,
    pub label: String,
}

impl std::fmt::Display for RepeatChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label)
    }
}

fn repeat_choice(i18n: &I18n, repeat: Option<Repeat>) -> RepeatChoice {
    let label = match repeat {
        None => i18n.tr("event-repeat-none"),
        Some(Repeat { every, interval }) => {
            let key = match every {
                Frequency::Daily => "event-repeat-daily",
                Frequency::Weekly => "event-repeat-weekly",
                Frequency::Monthly => "event-repeat-monthly",
                Frequency::Yearly => "event-repeat-yearly",
            };
            i18n.tr_args(key, [("n", u64::from(interval).into())])
        }
    };
    RepeatChoice { repeat, label }
}

/// The reminders the picker offers, in minutes before the start.
pub(super) const REMINDERS: [i64; 6] = [0, 5, 15, 30, 60, 24 * 60];

pub(super) fn reminder(i18n: &I18n, minutes: Option<i64>) -> Reminder {
    let label = match minutes {
        None => i18n.tr("event-reminder-none"),
        Some(0) => i18n.tr("event-reminder-at-start"),
        Some(m) if m % (24 * 60) == 0 => {
            i18n.tr_args("event-reminder-days", [("n", (m / (24 * 60)).into())])
        }
        Some(m) if m % 60 == 0 => i18n.tr_args("event-reminder-hours", [("n", (m / 60).into())]),
        Some(m) => i18n.tr_args("event-reminder-minutes", [("n", m.into())]),
    };
    Reminder { minutes, label }
}

impl Editor {
    /// Whether there is an event (or a calendar for a new one) whose series could be written.
    fn can_repeat(&self) -> bool {
        self.existing.is_some() || self.calendar.is_some()
    }

    /// For an occurrence: whether a change is for it alone or the whole series; and how the
    /// event (or series) repeats.
    pub(super) fn series_view<'a>(
        &self,
        i18n: &I18n,
    ) -> (Option<Element<'a, Message>>, Option<Element<'a, Message>>) {
        if !self.can_repeat() {
            return (None, None);
        }
        let recurring = self.existing.as_ref().is_some_and(|e| e.recurring);
        let mut segment = None;
        if recurring {
            let choice = |whole: bool, key: &str| {
                button(text(i18n.tr(key)).size(theme::size::SMALL))
                    .padding([space::XS, space::M])
                    .style(theme::button::segment(self.whole_series == whole))
                    .on_press(Message::WholeSeries(whole))
            };
            segment = Some(
                row![
                    choice(false, "event-only-this"),
                    choice(true, "event-whole-series")
                ]
                .spacing(space::XS)
                .into(),
            );
        }
        if !recurring || self.whole_series {
            // A series can change its rule, not lose it (deleting it does that).
            let mut offered: Vec<RepeatChoice> = [
                None,
                Some(Frequency::Daily),
                Some(Frequency::Weekly),
                Some(Frequency::Monthly),
                Some(Frequency::Yearly),
            ]
            .into_iter()
            .filter(|every| every.is_some() || !recurring)
            .map(|every| repeat_choice(i18n, every.map(|every| Repeat { every, interval: 1 })))
            .collect();
            if let Some(current) = self.repeat.filter(|r| r.interval != 1) {
                offered.push(repeat_choice(i18n, Some(current)));
            }
            let picker = column![
                text(i18n.tr("event-repeat"))
                    .size(theme::size::SMALL)
                    .style(theme::text::muted),
                pick_list(
                    offered,
                    Some(repeat_choice(i18n, self.repeat)),
                    Message::Repeat
                )
                .padding(space::S)
                .style(theme::pick_list::field)
                .width(Length::Fill)
            ]
            .spacing(space::XS)
            .width(Length::FillPortion(1));
            return (segment, Some(picker.into()));
        }
        (segment, None)
    }

    /// For an event the user is invited to: their answer, and the buttons to give another.
    pub(super) fn invitation<'a>(&self, i18n: &I18n) -> Option<Element<'a, Message>> {
        let given = self.existing.as_ref()?.invited?;
        let choice = |status: Participation, key: &str| {
            button(text(i18n.tr(key)))
                .padding([space::S, space::M])
                .style(if status == given {
                    theme::button::primary
                } else {
                    theme::button::secondary
                })
                .on_press_maybe((!self.busy).then_some(Message::Answer(status)))
        };
        let asked = if given == Participation::NeedsAction {
            "event-invited"
        } else {
            "event-answered"
        };
        Some(
            container(
                column![
                    text(i18n.tr(asked)).font(theme::SEMIBOLD),
                    row![
                        choice(Participation::Accepted, "event-accept"),
                        choice(Participation::Tentative, "event-tentative"),
                        choice(Participation::Declined, "event-decline"),
                    ]
                    .spacing(space::S),
                ]
                .spacing(space::S),
            )
            .padding(space::M)
            .width(Length::Fill)
            .style(theme::container::notice)
            .into(),
        )
    }
}
