//! Named text input styles.

use iced::widget::text_input::{Status, Style};
use iced::{Background, Border, Theme};

use super::{colors, radius};

/// Form fields.
pub fn field(theme: &Theme, status: Status) -> Style {
    let c = colors(theme);
    let border = match status {
        Status::Focused { .. } => c.primary,
        Status::Hovered => c.muted.scale_alpha(0.6),
        Status::Active | Status::Disabled => c.border,
    };
    Style {
        background: Background::Color(if status == Status::Disabled {
            c.background
        } else {
            c.surface
        }),
        border: Border {
            color: border,
            width: if matches!(status, Status::Focused { .. }) {
                2.0
            } else {
                1.0
            },
            radius: radius::M.into(),
        },
        icon: c.muted,
        placeholder: c.muted.scale_alpha(0.8),
        value: c.text,
        selection: c.primary.scale_alpha(0.3),
    }
}
