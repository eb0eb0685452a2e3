//! Sparks' icon set: small stroke icons drawn for Sparks, embedded at compile time.

use iced::widget::svg::{self, Handle, Svg};
use iced::{Color, Length, Theme};

/// A named icon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Icon {
    Chat,
    Meetings,
    Calendar,
    Files,
    Assistant,
    Settings,
    Lock,
    Offline,
    Space,
    ChevronDown,
    ChevronRight,
    Shield,
    ShieldCheck,
    ShieldAlert,
    Logo,
    Mic,
    MicOff,
    Camera,
    CameraOff,
    Phone,
}

impl Icon {
    fn bytes(self) -> &'static [u8] {
        match self {
            Icon::Chat => include_bytes!("../../assets/icons/chat.svg"),
            Icon::Meetings => include_bytes!("../../assets/icons/meetings.svg"),
            Icon::Calendar => include_bytes!("../../assets/icons/calendar.svg"),
            Icon::Files => include_bytes!("../../assets/icons/files.svg"),
            Icon::Assistant => include_bytes!("../../assets/icons/assistant.svg"),
            Icon::Settings => include_bytes!("../../assets/icons/settings.svg"),
            Icon::Lock => include_bytes!("../../assets/icons/lock.svg"),
            Icon::Offline => include_bytes!("../../assets/icons/offline.svg"),
            Icon::Space => include_bytes!("../../assets/icons/space.svg"),
            Icon::ChevronDown => include_bytes!("../../assets/icons/chevron-down.svg"),
            Icon::ChevronRight => include_bytes!("../../assets/icons/chevron-right.svg"),
            Icon::Shield => include_bytes!("../../assets/icons/shield.svg"),
            Icon::ShieldCheck => include_bytes!("../../assets/icons/shield-check.svg"),
            Icon::ShieldAlert => include_bytes!("../../assets/icons/shield-alert.svg"),
            Icon::Logo => include_bytes!("../../assets/icons/logo.svg"),
            Icon::Mic => include_bytes!("../../assets/icons/mic.svg"),
            Icon::MicOff => include_bytes!("../../assets/icons/mic-off.svg"),
            Icon::Camera => include_bytes!("../../assets/icons/camera.svg"),
            Icon::CameraOff => include_bytes!("../../assets/icons/camera-off.svg"),
            Icon::Phone => include_bytes!("../../assets/icons/phone.svg"),
        }
    }

    /// The icon at `size`, tinted by `color` (the logo keeps its own colours).
    pub fn view<'a>(self, size: f32, color: impl Fn(&Theme) -> Color + 'a) -> Svg<'a, Theme> {
        let tinted = self != Icon::Logo;
        Svg::new(Handle::from_memory(self.bytes()))
            .width(Length::Fixed(size))
            .height(Length::Fixed(size))
            .style(move |theme, _status| svg::Style {
                color: tinted.then(|| color(theme)),
            })
    }
}
