//! Settings: account, encryption, devices, language and theme.

pub mod devices;

use iced::widget::{Space, button, column, container, row, scrollable, text};
use iced::{Alignment, Length};
use sparks_devices::DeviceKind;
use sparks_domain::{DeviceChoice, Devices, Language, ThemeChoice};
use sparks_i18n::I18n;
use sparks_secrets::Backend;

use crate::theme::{self, size, space, width};
use crate::widget::{self, Element};

/// What the settings page shows; borrowed from the app's state for one frame.
pub struct Props<'a> {
    pub user_id: &'a str,
    pub homeserver: &'a str,
    pub device_id: &'a str,
    pub secrets: Backend,
    pub language: Option<Language>,
    pub theme: ThemeChoice,
    pub logging_out: bool,
    pub problem: Option<&'a str>,
    pub security: &'a super::security::Panel,
    pub devices: &'a devices::Panel,
    pub chosen: &'a Devices,
}

#[derive(Debug, Clone)]
pub enum Message {
    Language(Option<Language>),
    Theme(ThemeChoice),
    Logout,
    Security(super::security::Message),
    /// Meetings are to use this device (or the system's, or the synthetic source).
    Device(DeviceKind, DeviceChoice),
    /// Ask the machine again which devices it has.
    LookForDevices,
    /// What the machine has.
    Found(devices::Found),
}

pub fn view<'a>(props: Props<'a>, i18n: &I18n) -> Element<'a, Message> {
    let account = {
        let backend = match props.secrets {
            Backend::Keyring => "keyring",
            Backend::EncryptedFile => "file",
        };
        let logout_label = if props.logging_out {
            i18n.tr("settings-logging-out")
        } else {
            i18n.tr("settings-logout")
        };
        let identity = row![
            widget::avatar(
                props.user_id,
                sparks_domain::initials(localpart(props.user_id)),
                48.0
            ),
            column![
                text(i18n.tr_args("settings-signed-in-as", [("user", props.user_id.into())]))
                    .font(theme::SEMIBOLD),
                text(i18n.tr_args("settings-homeserver", [("server", props.homeserver.into())]))
                    .size(size::SMALL)
                    .style(theme::text::muted),
                text(i18n.tr_args("settings-device", [("device", props.device_id.into())]))
                    .size(size::SMALL)
                    .style(theme::text::muted),
            ]
            .spacing(2),
        ]
        .spacing(space::M)
        .align_y(Alignment::Center);
        section(
            i18n.tr("settings-account"),
            column![
                identity,
                text(i18n.tr_args("settings-secrets", [("backend", backend.into())]))
                    .size(size::SMALL)
                    .style(theme::text::muted),
                row![
                    text(i18n.tr("settings-logout-hint"))
                        .size(size::SMALL)
                        .style(theme::text::muted)
                        .width(Length::Fill),
                    button(text(logout_label).font(theme::SEMIBOLD))
                        .padding([space::S, space::L])
                        .style(theme::button::danger)
                        .on_press_maybe((!props.logging_out).then_some(Message::Logout)),
                ]
                .spacing(space::L)
                .align_y(Alignment::Center),
            ]
            .spacing(space::M),
        )
    };

    let languages = std::iter::once((None, i18n.tr("settings-language-system")))
        .chain(
            Language::ALL
                .into_iter()
                .map(|l| (Some(l), l.endonym().to_owned())),
        )
        .map(|(value, label)| segment(label, value == props.language, Message::Language(value)));
    let themes = ThemeChoice::ALL.into_iter().map(|choice| {
        let key = match choice {
            ThemeChoice::Light => "theme-light",
            ThemeChoice::Dark => "theme-dark",
            ThemeChoice::System => "theme-system",
        };
        segment(i18n.tr(key), choice == props.theme, Message::Theme(choice))
    });
    let appearance = section(
        i18n.tr("settings-appearance"),
        column![
            labelled(
                i18n.tr("settings-language"),
                row(languages).spacing(space::S).into()
            ),
            labelled(
                i18n.tr("settings-theme"),
                row(themes).spacing(space::S).into()
            ),
        ]
        .spacing(space::L),
    );

    let mut page = column![
        text(i18n.tr("settings-title"))
            .size(size::TITLE)
            .font(theme::BOLD)
    ]
    .spacing(space::XL);
    if let Some(problem) = props.problem {
        page = page.push(
            container(text(problem.to_owned()).size(size::BODY))
                .padding([space::S + 2.0, space::M])
                .width(Length::Fill)
                .style(theme::container::error),
        );
    }
    let security = section(
        i18n.tr("security-title"),
        props.security.view(i18n).map(Message::Security),
    );
    let devices = section(
        i18n.tr("settings-devices"),
        props.devices.view(props.chosen, i18n),
    );
    let page = page
        .push(account)
        .push(security)
        .push(devices)
        .push(appearance)
        .max_width(width::SETTINGS);
    scrollable(container(page).center_x(Length::Fill).padding(space::XL))
        .height(Length::Fill)
        .into()
}

fn section<'a>(title: String, body: impl Into<Element<'a, Message>>) -> Element<'a, Message> {
    column![
        text(title).size(size::HEADING).font(theme::SEMIBOLD),
        container(body)
            .padding(space::L + 4.0)
            .width(Length::Fill)
            .style(theme::container::card),
    ]
    .spacing(space::S + 2.0)
    .into()
}

fn labelled<'a>(label: String, control: Element<'a, Message>) -> Element<'a, Message> {
    row![
        text(label).width(Length::Fixed(140.0)),
        control,
        Space::new().width(Length::Fill)
    ]
    .align_y(Alignment::Center)
    .into()
}

fn segment<'a>(label: String, selected: bool, message: Message) -> Element<'a, Message> {
    button(text(label).size(size::BODY))
        .padding([space::S - 2.0, space::M])
        .style(theme::button::segment(selected))
        .on_press(message)
        .into()
}

/// `alice` of `@alice:example.org`.
fn localpart(user_id: &str) -> &str {
    user_id
        .trim_start_matches('@')
        .split(':')
        .next()
        .unwrap_or(user_id)
}
