//! Named pick list styles.

use iced::widget::pick_list::{Status, Style};
use iced::{Background, Border, Theme};

use super::{colors, radius};

/// A choice in a form: drawn like the text fields beside it.
pub fn field(theme: &Theme, status: Status) -> Style {
    let c = colors(theme);
    let border = match status {
        Status::Opened { .. } => c.primary,
        Status::Hovered => c.muted.scale_alpha(0.6),
        Status::Active => c.border,
    };
    Style {
        text_color: c.text,
        placeholder_color: c.muted.scale_alpha(0.8),
        handle_color: c.muted,
        background: Background::Color(c.surface),
        border: Border {
            color: border,
            width: if matches!(status, Status::Opened { .. }) {
                2.0
            } else {
                1.0
            },
            radius: radius::M.into(),
        },
    }
}
