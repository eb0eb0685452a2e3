//! The message composer: the draft, the people it mentions, and whether it answers or replaces
//! a message.

use iced::widget::{Column, button, column, container, row, text, text_input};
use iced::{Alignment, Length};
use sparks_domain::{Member, Mention, Outgoing};
use sparks_i18n::I18n;

use super::{COMPOSER, Message};
use crate::theme::{self, size, space};
use crate::widget::{self, Element};

/// At most this many mention suggestions show.
const SUGGESTIONS: usize = 6;

#[derive(Debug, Default)]
pub struct Composer {
    text: String,
    mentions: Vec<Mention>,
    target: Target,
}

/// What sending does.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Target {
    #[default]
    New,
    /// Answer a message (by event id), quoting its sender and a preview.
    Reply {
        event: String,
        sender: String,
        preview: String,
    },
    /// Replace the text of one of our messages.
    Edit { event: String },
}

/// What the composer hands over on send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submit {
    Send(Outgoing),
    Edit { event: String, message: Outgoing },
}

impl Composer {
    pub fn with_text(text: String) -> Composer {
        Composer {
            text,
            ..Composer::default()
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn target(&self) -> &Target {
        &self.target
    }

    pub fn set_text(&mut self, text: String) {
        self.text = text;
        let text = &self.text;
        self.mentions
            .retain(|mention| text.contains(&format!("@{}", mention.label)));
    }

    pub fn reply(&mut self, event: String, sender: String, preview: String) {
        if matches!(self.target, Target::Edit { .. }) {
            self.text.clear();
        }
        self.target = Target::Reply {
            event,
            sender,
            preview,
        };
    }

    /// Starts editing: the draft becomes the message's current text.
    pub fn edit(&mut self, event: String, current: String) {
        self.target = Target::Edit { event };
        self.mentions.clear();
        self.text = current;
    }

    /// Drops the reply or edit; an edit's text goes with it.
    pub fn cancel(&mut self) {
        if matches!(self.target, Target::Edit { .. }) {
            self.text.clear();
            self.mentions.clear();
        }
        self.target = Target::New;
    }

    /// The `@name` being typed at the end of the draft, without the `@`.
    pub fn mention_query(&self) -> Option<&str> {
        let start = self.text.rfind('@')?;
        let query = &self.text[start + 1..];
        let at_word_start = self.text[..start]
            .chars()
            .next_back()
            .is_none_or(char::is_whitespace);
        (at_word_start && !query.contains(char::is_whitespace) && query.len() <= 64)
            .then_some(query)
    }

    /// Members who match what is being typed after `@`, best first.
    pub fn suggestions<'a>(&self, members: &'a [Member], own: &str) -> Vec<&'a Member> {
        let Some(query) = self.mention_query() else {
            return Vec::new();
        };
        let query = query.to_lowercase();
        let mut found: Vec<(&Member, bool)> = members
            .iter()
            .filter(|m| m.user_id != own)
            .filter_map(|m| {
                let name = m.name.to_lowercase();
                let id = m.user_id.to_lowercase();
                if name.starts_with(&query) || id[1..].starts_with(&query) {
                    Some((m, true))
                } else if name.contains(&query) || id.contains(&query) {
                    Some((m, false))
                } else {
                    None
                }
            })
            .collect();
        found.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.name.cmp(&b.0.name)));
        found
            .into_iter()
            .take(SUGGESTIONS)
            .map(|(m, _)| m)
            .collect()
    }

    /// Replaces the `@query` being typed with a mention of `member`.
    pub fn complete(&mut self, member: &Member) {
        let Some(start) = self.mention_query().map(|q| self.text.len() - q.len() - 1) else {
            return;
        };
        self.text.truncate(start);
        self.text.push('@');
        self.text.push_str(&member.name);
        self.text.push(' ');
        if !self.mentions.iter().any(|m| m.user_id == member.user_id) {
            self.mentions.push(Mention {
                label: member.name.clone(),
                user_id: member.user_id.clone(),
            });
        }
    }

    /// What to send, leaving the composer empty; `None` when there is nothing to send.
    pub fn submit(&mut self) -> Option<Submit> {
        let text = self.text.trim().to_owned();
        if text.is_empty() {
            return None;
        }
        let mentions = std::mem::take(&mut self.mentions);
        self.text.clear();
        let target = std::mem::take(&mut self.target);
        let message = |reply_to| Outgoing {
            text,
            mentions,
            reply_to,
        };
        Some(match target {
            Target::New => Submit::Send(message(None)),
            Target::Reply { event, .. } => Submit::Send(message(Some(event))),
            Target::Edit { event } => Submit::Edit {
                event,
                message: message(None),
            },
        })
    }

    pub fn view<'a>(
        &'a self,
        i18n: &I18n,
        members: &'a [Member],
        own: &str,
    ) -> Element<'a, Message> {
        let mut out = Column::new().spacing(space::S);
        let suggestions = self.suggestions(members, own);
        if !suggestions.is_empty() {
            let mut list = Column::new().spacing(2);
            for member in suggestions {
                list = list.push(
                    button(
                        row![
                            widget::avatar(
                                &member.user_id,
                                sparks_domain::initials(&member.name),
                                24.0
                            ),
                            text(member.name.as_str()).size(size::BODY),
                            text(member.user_id.as_str())
                                .size(size::SMALL)
                                .style(theme::text::muted),
                        ]
                        .spacing(space::S)
                        .align_y(Alignment::Center),
                    )
                    .padding([space::XS, space::S])
                    .width(Length::Fill)
                    .style(theme::button::quiet)
                    .on_press(Message::Mention(member.clone())),
                );
            }
            out = out.push(
                container(list)
                    .padding(space::XS)
                    .max_width(420)
                    .style(theme::container::popup),
            );
        }
        let banner = match &self.target {
            Target::New => None,
            Target::Reply {
                sender, preview, ..
            } => Some(column![
                text(i18n.tr_args("composer-replying", [("who", sender.as_str().into())]))
                    .size(size::SMALL)
                    .font(theme::SEMIBOLD),
                text(widget::ellipsize(preview, 120))
                    .size(size::SMALL)
                    .style(theme::text::muted),
            ]),
            Target::Edit { .. } => Some(column![
                text(i18n.tr("composer-editing"))
                    .size(size::SMALL)
                    .font(theme::SEMIBOLD)
            ]),
        };
        if let Some(banner) = banner {
            out = out.push(
                container(
                    row![
                        banner.spacing(2).width(Length::Fill),
                        button(text(i18n.tr("composer-cancel")).size(size::SMALL))
                            .padding([space::XS, space::S])
                            .style(theme::button::quiet)
                            .on_press(Message::CancelTarget),
                    ]
                    .align_y(Alignment::Center),
                )
                .padding([space::S, space::M])
                .style(theme::container::quote),
            );
        }
        let can_send = !self.text.trim().is_empty();
        let send_label = match self.target {
            Target::Edit { .. } => i18n.tr("composer-save"),
            _ => i18n.tr("room-send"),
        };
        out.push(
            row![
                button(text(i18n.tr("media-attach")).size(size::BODY))
                    .padding([space::S + 2.0, space::M])
                    .style(theme::button::secondary)
                    .on_press(Message::Attach),
                text_input(&i18n.tr("room-composer-placeholder"), &self.text)
                    .id(COMPOSER)
                    .on_input(Message::Draft)
                    .on_submit(Message::Send)
                    .padding([space::S + 2.0, space::M])
                    .style(theme::text_input::field),
                button(text(send_label).font(theme::SEMIBOLD))
                    .padding([space::S + 2.0, space::L])
                    .style(theme::button::primary)
                    .on_press_maybe(can_send.then_some(Message::Send)),
            ]
            .spacing(space::S)
            .align_y(Alignment::Center),
        )
        .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(id: &str, name: &str) -> Member {
        Member {
            user_id: id.into(),
            name: name.into(),
        }
    }

    #[test]
    fn typing_at_a_name_suggests_and_completes_a_mention() {
        let members = [
            member("@bob:s", "Bob Baker"),
            member("@rob:s", "Rob Bobson"),
            member("@me:s", "Me"),
        ];
        let mut composer = Composer::default();
        composer.set_text("hi @bo".into());
        let found: Vec<&str> = composer
            .suggestions(&members, "@me:s")
            .iter()
            .map(|m| m.name.as_str())
            .collect();
        // Prefix matches first, then matches inside the name or id.
        assert_eq!(found, ["Bob Baker", "Rob Bobson"]);
        composer.complete(&members[0]);
        assert_eq!(composer.text(), "hi @Bob Baker ");
        assert!(composer.suggestions(&members, "@me:s").is_empty());
        composer.set_text("hi @Bob Baker, lunch?".into());
        let Some(Submit::Send(sent)) = composer.submit() else {
            panic!("nothing sent")
        };
        assert_eq!(sent.mentions[0].user_id, "@bob:s");
        assert_eq!(composer.text(), "");
    }

    #[test]
    fn a_mention_deleted_from_the_text_is_not_sent() {
        let bob = member("@bob:s", "Bob");
        let mut composer = Composer::default();
        composer.set_text("@b".into());
        composer.complete(&bob);
        composer.set_text("never mind".into());
        let Some(Submit::Send(sent)) = composer.submit() else {
            panic!("nothing sent")
        };
        assert!(sent.mentions.is_empty());
    }

    #[test]
    fn an_email_address_is_not_a_mention() {
        let mut composer = Composer::default();
        composer.set_text("mail me at me@bo".into());
        assert_eq!(composer.mention_query(), None);
    }

    #[test]
    fn edits_and_replies_say_what_they_target() {
        let mut composer = Composer::default();
        composer.reply("$1".into(), "Bob".into(), "hello".into());
        composer.set_text("hi".into());
        assert_eq!(
            composer.submit().map(|s| match s {
                Submit::Send(o) => o.reply_to,
                Submit::Edit { .. } => None,
            }),
            Some(Some("$1".into()))
        );
        composer.edit("$2".into(), "old".into());
        assert_eq!(composer.text(), "old");
        composer.cancel();
        assert_eq!((composer.text(), composer.target()), ("", &Target::New));
        assert_eq!(composer.submit(), None);
    }
}
