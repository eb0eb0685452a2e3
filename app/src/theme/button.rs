//! Named button styles.

use iced::widget::button::{Status, Style};
use iced::{Background, Border, Color, Theme};

use super::{colors, radius};

fn base(background: Option<Color>, text: Color, radius: f32) -> Style {
    Style {
        background: background.map(Background::Color),
        text_color: text,
        border: Border {
            radius: radius.into(),
            ..Border::default()
        },
        ..Style::default()
    }
}

/// The one main action of a screen.
pub fn primary(theme: &Theme, status: Status) -> Style {
    let c = colors(theme);
    let background = match status {
        Status::Active => c.primary,
        Status::Hovered => c.primary.scale_alpha(0.9),
        Status::Pressed => c.primary.scale_alpha(0.8),
        Status::Disabled => c.primary.scale_alpha(0.45),
    };
    base(Some(background), c.on_primary, radius::M)
}

/// Secondary actions: outlined.
pub fn secondary(theme: &Theme, status: Status) -> Style {
    let c = colors(theme);
    outlined(c, status, c.text, c.hover, c.border)
}

/// Destructive actions such as signing out.
pub fn danger(theme: &Theme, status: Status) -> Style {
    let c = colors(theme);
    outlined(
        c,
        status,
        c.danger,
        c.danger_soft,
        c.danger.scale_alpha(0.5),
    )
}

/// A surface-coloured button with a border, tinted `hover` under the pointer.
fn outlined(c: &super::Colors, status: Status, text: Color, hover: Color, border: Color) -> Style {
    let background = match status {
        Status::Hovered | Status::Pressed => hover,
        Status::Active | Status::Disabled => c.surface,
    };
    let text = if status == Status::Disabled {
        c.muted
    } else {
        text
    };
    Style {
        border: Border {
            color: border,
            width: 1.0,
            radius: radius::M.into(),
        },
        ..base(Some(background), text, radius::M)
    }
}

/// An entry of the navigation rail.
pub fn rail(active: bool) -> impl Fn(&Theme, Status) -> Style {
    move |theme, status| {
        let c = colors(theme);
        let background = match (active, status) {
            (true, _) => Some(c.selected),
            (false, Status::Hovered | Status::Pressed) => Some(c.hover),
            (false, _) => None,
        };
        base(
            background,
            if active { c.primary } else { c.muted },
            radius::M,
        )
    }
}

/// A row of a list, such as a room.
pub fn row(selected: bool) -> impl Fn(&Theme, Status) -> Style {
    move |theme, status| {
        let c = colors(theme);
        let background = match (selected, status) {
            (true, _) => Some(c.selected),
            (false, Status::Hovered | Status::Pressed) => Some(c.hover),
            (false, _) => None,
        };
        base(background, c.text, radius::M)
    }
}

/// One option of a segmented choice (theme, language).
pub fn segment(selected: bool) -> impl Fn(&Theme, Status) -> Style {
    move |theme, status| {
        let c = colors(theme);
        let background = match (selected, status) {
            (true, _) => Some(c.primary),
            (false, Status::Hovered | Status::Pressed) => Some(c.hover),
            (false, _) => Some(c.surface),
        };
        let text = if selected { c.on_primary } else { c.text };
        Style {
            border: Border {
                color: if selected { c.primary } else { c.border },
                width: 1.0,
                radius: radius::S.into(),
            },
            ..base(background, text, radius::S)
        }
    }
}

/// A reaction under a message; `mine` when one of them is ours.
pub fn chip(mine: bool) -> impl Fn(&Theme, Status) -> Style {
    move |theme, status| {
        let c = colors(theme);
        let background = match (mine, status) {
            (true, _) => c.selected,
            (false, Status::Hovered | Status::Pressed) => c.hover,
            (false, _) => c.surface,
        };
        Style {
            border: Border {
                color: if mine { c.primary } else { c.border },
                width: 1.0,
                radius: 999.0.into(),
            },
            ..base(Some(background), c.text, 999.0)
        }
    }
}

/// A small borderless action, such as those on a message or in a banner.
pub fn quiet(theme: &Theme, status: Status) -> Style {
    let c = colors(theme);
    let background = match status {
        Status::Hovered | Status::Pressed => Some(c.hover),
        Status::Active | Status::Disabled => None,
    };
    let text = if status == Status::Disabled {
        c.muted
    } else {
        c.text
    };
    base(background, text, radius::S)
}
