//! The people of every address book: search, details, and a chat or a call with those who
//! have a Matrix address.

use iced::widget::{Space, button, column, container, row, scrollable, text, text_input};
use iced::{Alignment, Length};
use sparks_i18n::I18n;
use sparks_middleware_client::pim::Contact;

use crate::theme::{self, space};
use crate::widget::{self, Element};

#[derive(Debug, Default)]
pub struct People {
    query: String,
    found: Vec<Contact>,
    selected: Option<usize>,
    problem: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Query(String),
    Select(usize),
    Chat(String),
    /// Call this Matrix user: a meeting in our direct chat with them.
    Call(String, String),
}

pub enum Action {
    None,
    Search(String),
    Chat(String),
    Call(String, String),
}

impl People {
    pub fn query(&self) -> &str {
        &self.query
    }

    pub fn found(&mut self, query: &str, result: Result<Vec<Contact>, String>) {
        if query != self.query.trim() {
            return;
        }
        match result {
            Ok(found) => {
                self.found = found;
                self.problem = None;
                self.selected = self.selected.filter(|i| *i < self.found.len());
            }
            Err(problem) => self.problem = Some(problem),
        }
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Query(q) => {
                self.query = q;
                return Action::Search(self.query.trim().to_owned());
            }
            Message::Select(i) => self.selected = Some(i),
            Message::Chat(user) => return Action::Chat(user),
            Message::Call(user, name) => return Action::Call(user, name),
        }
        Action::None
    }

    /// The page; `meetings`: whether the organisation has meetings (people can be called).
    pub fn view<'a>(&'a self, i18n: &I18n, meetings: bool) -> Element<'a, Message> {
        let mut list = column![].spacing(space::XS);
        for (i, contact) in self.found.iter().enumerate() {
            let line = column![
                text(contact.name.clone()).font(theme::SEMIBOLD),
                text(contact.emails.first().cloned().unwrap_or_default())
                    .size(theme::size::SMALL)
                    .style(theme::text::muted),
            ];
            list = list.push(
                button(
                    row![
                        widget::avatar(&contact.id, initials(&contact.name), 32.0),
                        line
                    ]
                    .spacing(space::S)
                    .align_y(Alignment::Center),
                )
                .width(Length::Fill)
                .style(theme::button::row(self.selected == Some(i)))
                .on_press(Message::Select(i)),
            );
        }
        if self.found.is_empty() {
            list = list.push(text(i18n.tr("people-none")).style(theme::text::muted));
        }
        let search = text_input(&i18n.tr("people-search"), &self.query)
            .id("people-search")
            .on_input(Message::Query)
            .padding(space::S)
            .style(theme::text_input::field);
        let mut left = column![search].spacing(space::S);
        if let Some(problem) = &self.problem {
            left = left.push(
                container(text(problem.clone()))
                    .padding(space::S)
                    .style(theme::container::error),
            );
        }
        let left = left
            .push(scrollable(list).height(Length::Fill))
            .width(Length::Fixed(theme::width::ROOM_LIST));
        let details: Element<'a, Message> = match self.selected.and_then(|i| self.found.get(i)) {
            Some(contact) => self.details(contact, i18n, meetings),
            None => widget::empty_state(
                crate::icon::Icon::Calendar,
                i18n.tr("people-title"),
                i18n.tr("people-pick"),
            ),
        };
        row![
            left,
            container(details).width(Length::Fill).padding(space::L)
        ]
        .spacing(space::L)
        .height(Length::Fill)
        .into()
    }

    fn details<'a>(
        &'a self,
        contact: &'a Contact,
        i18n: &I18n,
        meetings: bool,
    ) -> Element<'a, Message> {
        let mut card = column![
            row![
                widget::avatar(&contact.id, initials(&contact.name), 56.0),
                column![
                    text(contact.name.clone())
                        .size(theme::size::TITLE)
                        .font(theme::SEMIBOLD),
                    text(
                        [contact.title.clone(), contact.organization.clone()]
                            .into_iter()
                            .flatten()
                            .collect::<Vec<_>>()
                            .join(" · ")
                    )
                    .style(theme::text::muted),
                ]
            ]
            .spacing(space::M)
            .align_y(Alignment::Center)
        ]
        .spacing(space::M);
        for email in &contact.emails {
            card = card.push(text(format!("{} {email}", i18n.tr("people-email"))));
        }
        for phone in &contact.phones {
            card = card.push(text(format!("{} {phone}", i18n.tr("people-phone"))));
        }
        match &contact.matrix {
            Some(user) => {
                card = card
                    .push(text(user.clone()).style(theme::text::muted))
                    .push(
                        row![
                            button(text(i18n.tr("people-chat")))
                                .padding([space::S, space::L])
                                .style(theme::button::primary)
                                .on_press(Message::Chat(user.clone())),
                            meetings.then(|| {
                                button(text(i18n.tr("people-call")))
                                    .padding([space::S, space::L])
                                    .style(theme::button::secondary)
                                    .on_press(Message::Call(user.clone(), contact.name.clone()))
                            }),
                            Space::new().width(Length::Fill),
                        ]
                        .spacing(space::S),
                    );
            }
            None => card = card.push(text(i18n.tr("people-no-matrix")).style(theme::text::muted)),
        }
        container(card)
            .padding(space::L)
            .width(Length::Fill)
            .style(theme::container::card)
            .into()
    }
}

pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}
