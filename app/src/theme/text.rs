//! Named text styles.

use iced::Theme;
use iced::widget::text::Style;

use super::colors;

/// Secondary text: hints, timestamps, previews.
pub fn muted(theme: &Theme) -> Style {
    Style {
        color: Some(colors(theme).muted),
    }
}

/// Accent text, such as the active rail label.
pub fn primary(theme: &Theme) -> Style {
    Style {
        color: Some(colors(theme).primary),
    }
}

/// Error text.
pub fn danger(theme: &Theme) -> Style {
    Style {
        color: Some(colors(theme).danger),
    }
}

/// Text of something that is not available, such as a service nobody has set up.
pub fn faint(theme: &Theme) -> Style {
    Style {
        color: Some(colors(theme).muted.scale_alpha(0.55)),
    }
}
