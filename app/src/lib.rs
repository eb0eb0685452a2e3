//! Sparks, the desktop app: an iced GUI that draws state from the backend crates and sends
//! them intents. No protocol code lives here.

// The timeline stream's type nests matrix-sdk-ui's futures deeply.
#![recursion_limit = "256"]

mod app;
mod errors;
pub mod icon;
pub mod screen;
pub mod theme;
mod time;
pub mod widget;

pub use app::{Message, Screen, Sparks};

/// The application, built here so tests drive the same program as the binary.
pub fn application()
-> iced::Application<impl iced::Program<State = Sparks, Message = Message, Theme = iced::Theme>> {
    iced::application(Sparks::boot, Sparks::update, Sparks::view)
        .settings(settings())
        .title(Sparks::title)
        .theme(Sparks::theme)
        .subscription(Sparks::subscription)
        .window_size((1180.0, 760.0))
        .centered()
}

/// Fonts and text size, shared by the window and headless rendering (tests and screenshots).
pub fn settings() -> iced::Settings {
    iced::Settings {
        default_font: theme::REGULAR,
        default_text_size: theme::size::BODY.into(),
        fonts: theme::FONTS
            .iter()
            .map(|f| std::borrow::Cow::Borrowed(*f))
            .collect(),
        ..iced::Settings::default()
    }
}
