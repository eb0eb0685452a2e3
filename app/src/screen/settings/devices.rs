//! Settings → Devices: the microphone, camera and speaker meetings use, picked from what the
//! machine has, with the test tone and test pattern for a machine without them.

use iced::widget::{button, column, row, text};
use iced::{Alignment, Length};
use sparks_devices::{DeviceInfo, DeviceKind};
use sparks_domain::{DeviceChoice, Devices};
use sparks_i18n::I18n;

use super::Message;
use crate::theme::{self, size, space};
use crate::widget::Element;

/// The devices the machine had when it was last asked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Found {
    pub devices: Vec<DeviceInfo>,
    /// Why some kind could not be listed (the sound system or the cameras did not answer).
    pub problems: Vec<String>,
}

/// What the section knows of the machine: nothing yet, or what was found.
#[derive(Debug, Default)]
pub struct Panel {
    found: Option<Found>,
}

/// One entry of a device list.
struct Offered {
    choice: DeviceChoice,
    label: String,
}

impl Panel {
    /// Whether the machine was asked already.
    pub fn asked(&self) -> bool {
        self.found.is_some()
    }

    pub fn found(&mut self, found: Found) {
        self.found = Some(found);
    }

    pub fn view<'a>(&'a self, chosen: &Devices, i18n: &I18n) -> Element<'a, Message> {
        let Some(found) = &self.found else {
            return text(i18n.tr("settings-devices-looking"))
                .style(theme::text::muted)
                .into();
        };
        let picker = |kind: DeviceKind, label: &str, chosen: &DeviceChoice| {
            let choices = offered(found, kind, chosen, i18n).into_iter().map(|o| {
                let selected = o.choice == *chosen;
                super::segment(o.label, selected, Message::Device(kind, o.choice))
            });
            row![
                text(i18n.tr(label)).width(Length::Fixed(140.0)),
                iced::widget::Row::with_children(choices)
                    .spacing(space::S)
                    .width(Length::Fill)
                    .wrap()
                    .vertical_spacing(space::S),
            ]
            .align_y(Alignment::Center)
        };
        let mut body = column![
            picker(
                DeviceKind::Microphone,
                "settings-microphone",
                &chosen.microphone
            ),
            picker(DeviceKind::Camera, "settings-camera", &chosen.camera),
            picker(DeviceKind::Speaker, "settings-speaker", &chosen.speaker),
        ]
        .spacing(space::M);
        for problem in &found.problems {
            body = body.push(
                text(i18n.tr_args(
                    "settings-devices-problem",
                    [("details", problem.clone().into())],
                ))
                .size(size::SMALL)
                .style(theme::text::muted),
            );
        }
        body.push(
            row![
                text(i18n.tr("settings-devices-hint"))
                    .size(size::SMALL)
                    .style(theme::text::muted)
                    .width(Length::Fill),
                button(text(i18n.tr("settings-devices-again")))
                    .padding([space::S, space::L])
                    .style(theme::button::secondary)
                    .on_press(Message::LookForDevices),
            ]
            .spacing(space::L)
            .align_y(Alignment::Center),
        )
        .into()
    }
}

/// What can be picked for `kind`: the system's default, the synthetic source (not for the
/// speaker), each device found, and the chosen one if it is not connected now.
fn offered(found: &Found, kind: DeviceKind, chosen: &DeviceChoice, i18n: &I18n) -> Vec<Offered> {
    let mut offered = vec![Offered {
        choice: DeviceChoice::System,
        label: i18n.tr("settings-device-system"),
    }];
    let test = match kind {
        DeviceKind::Microphone => Some("settings-device-tone"),
        DeviceKind::Camera => Some("settings-device-pattern"),
        DeviceKind::Speaker => None,
    };
    offered.extend(test.map(|key| Offered {
        choice: DeviceChoice::Test,
        label: i18n.tr(key),
    }));
    offered.extend(
        found
            .devices
            .iter()
            .filter(|d| d.kind == kind)
            .map(|d| Offered {
                choice: DeviceChoice::Named(d.id.clone()),
                label: d.name.clone(),
            }),
    );
    if let DeviceChoice::Named(id) = chosen
        && !offered.iter().any(|o| o.choice == *chosen)
    {
        offered.push(Offered {
            choice: chosen.clone(),
            label: i18n.tr_args("settings-device-missing", [("id", id.clone().into())]),
        });
    }
    offered
}

#[cfg(test)]
mod tests {
    use sparks_domain::Language;

    use super::*;

    #[test]
    fn a_speaker_has_no_test_source_and_a_missing_choice_stays_offered() {
        let i18n = I18n::new(Language::English);
        let found = Found {
            devices: vec![DeviceInfo {
                id: "hw:0,0".into(),
                name: "Built-in speakers".into(),
                kind: DeviceKind::Speaker,
            }],
            problems: Vec::new(),
        };
        let labels = |kind, chosen: &DeviceChoice| -> Vec<String> {
            offered(&found, kind, chosen, &i18n)
                .into_iter()
                .map(|o| o.label)
                .collect()
        };
        assert_eq!(
            labels(DeviceKind::Speaker, &DeviceChoice::System),
            ["System default", "Built-in speakers"]
        );
        assert_eq!(
            labels(
                DeviceKind::Microphone,
                &DeviceChoice::Named("hw:3,0".into())
            ),
            ["System default", "Test tone", "hw:3,0 (not connected)"]
        );
        assert_eq!(
            labels(DeviceKind::Camera, &DeviceChoice::Test),
            ["System default", "Test pattern"]
        );
    }
}
