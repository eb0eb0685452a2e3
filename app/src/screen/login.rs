//! The sign-in form.

use iced::widget::{button, column, container, row, text, text_input};
use iced::{Alignment, Length};
use sparks_i18n::I18n;
use sparks_matrix::{LoginError, LoginRequest};
use sparks_secrets::SecretString;

use crate::icon::Icon;
use crate::theme::{self, size, space, width};
use crate::widget::Element;

/// Widget ids, for focus and tests.
pub const HOMESERVER: &str = "login-homeserver";
pub const USERNAME: &str = "login-username";
pub const PASSWORD: &str = "login-password";

#[derive(Debug, Default)]
pub struct Login {
    homeserver: String,
    username: String,
    password: String,
    submitting: bool,
    error: Option<Problem>,
}

/// What went wrong last, kept untranslated so a language switch re-translates it.
#[derive(Debug, Clone)]
pub enum Problem {
    Login(LoginError),
    /// An already translated sentence (restore and logout problems).
    Text(String),
}

#[derive(Debug, Clone)]
pub enum Message {
    Homeserver(String),
    Username(String),
    Password(String),
    Submit,
}

pub enum Action {
    None,
    Submit(LoginRequest),
}

impl Login {
    /// A form pre-filled with what the user last signed in with.
    pub fn new(homeserver: Option<String>, username: Option<String>) -> Login {
        Login {
            homeserver: homeserver.unwrap_or_default(),
            username: username.unwrap_or_default(),
            ..Login::default()
        }
    }

    pub fn with_problem(mut self, problem: Problem) -> Login {
        self.error = Some(problem);
        self
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Homeserver(value) => self.homeserver = value,
            Message::Username(value) => self.username = value,
            Message::Password(value) => self.password = value,
            Message::Submit => {
                if self.submitting {
                    return Action::None;
                }
                let request = LoginRequest {
                    homeserver: self.homeserver.clone(),
                    username: self.username.clone(),
                    password: SecretString::from(self.password.clone()),
                };
                if let Err(error) = request.validate() {
                    self.error = Some(Problem::Login(error));
                    return Action::None;
                }
                self.error = None;
                self.submitting = true;
                return Action::Submit(request);
            }
        }
        Action::None
    }

    /// The server refused or could not be reached: show why and let the user try again.
    pub fn failed(&mut self, error: LoginError) {
        self.submitting = false;
        if error == LoginError::WrongPassword {
            self.password.clear();
        }
        self.error = Some(Problem::Login(error));
    }

    pub fn view<'a>(&'a self, i18n: &I18n) -> Element<'a, Message> {
        let field = |label: String, id: &'static str, placeholder: String, value: &'a str| {
            let input = text_input(&placeholder, value)
                .id(id)
                .padding([space::S + 2.0, space::M])
                .size(size::BODY)
                .style(theme::text_input::field);
            (label, input)
        };
        let enabled = !self.submitting;

        let (label, homeserver) = field(
            i18n.tr("login-homeserver"),
            HOMESERVER,
            i18n.tr("login-homeserver-placeholder"),
            &self.homeserver,
        );
        let homeserver = column![
            text(label).size(size::SMALL).font(theme::SEMIBOLD),
            homeserver
                .on_input_maybe(enabled.then_some(Message::Homeserver))
                .on_submit(Message::Submit),
            text(i18n.tr("login-homeserver-hint"))
                .size(size::SMALL)
                .style(theme::text::muted),
        ]
        .spacing(space::XS + 2.0);

        let (label, username) = field(
            i18n.tr("login-username"),
            USERNAME,
            i18n.tr("login-username-placeholder"),
            &self.username,
        );
        let username = column![
            text(label).size(size::SMALL).font(theme::SEMIBOLD),
            username
                .on_input_maybe(enabled.then_some(Message::Username))
                .on_submit(Message::Submit),
        ]
        .spacing(space::XS + 2.0);

        let (label, password) = field(
            i18n.tr("login-password"),
            PASSWORD,
            String::new(),
            &self.password,
        );
        let password = column![
            text(label).size(size::SMALL).font(theme::SEMIBOLD),
            password
                .secure(true)
                .on_input_maybe(enabled.then_some(Message::Password))
                .on_submit(Message::Submit),
        ]
        .spacing(space::XS + 2.0);

        let label = if self.submitting {
            i18n.tr("login-signing-in")
        } else {
            i18n.tr("login-submit")
        };
        let submit = button(
            text(label)
                .font(theme::SEMIBOLD)
                .width(Length::Fill)
                .align_x(Alignment::Center),
        )
        .padding([space::M, space::L])
        .width(Length::Fill)
        .style(theme::button::primary)
        .on_press_maybe(enabled.then_some(Message::Submit));

        let mut form = column![
            text(i18n.tr("login-title"))
                .size(size::TITLE)
                .font(theme::BOLD),
            text(i18n.tr("login-subtitle"))
                .size(size::BODY)
                .style(theme::text::muted),
        ]
        .spacing(space::S);
        if let Some(problem) = &self.error {
            let sentence = match problem {
                Problem::Login(error) => crate::errors::login(i18n, error),
                Problem::Text(sentence) => sentence.clone(),
            };
            form = form.push(
                container(text(sentence).size(size::BODY))
                    .padding([space::S + 2.0, space::M])
                    .width(Length::Fill)
                    .style(theme::container::error),
            );
        }
        let form = form
            .push(column![homeserver, username, password, submit].spacing(space::L))
            .spacing(space::L);

        let brand = row![
            Icon::Logo.view(44.0, |t| theme::colors(t).primary),
            column![
                text(i18n.tr("app-name"))
                    .size(size::DISPLAY)
                    .font(theme::BOLD),
                text(i18n.tr("app-tagline"))
                    .size(size::BODY)
                    .style(theme::text::muted),
            ]
            .spacing(2),
        ]
        .spacing(space::M)
        .align_y(Alignment::Center);

        let card = container(form)
            .padding(space::XL + 4.0)
            .width(Length::Fixed(width::FORM + 56.0))
            .style(theme::container::card);
        container(
            column![brand, card]
                .spacing(space::XL)
                .align_x(Alignment::Center),
        )
        .center(Length::Fill)
        .padding(space::XL)
        .style(theme::container::background)
        .into()
    }
}
