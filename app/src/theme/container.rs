//! Named container styles.

use iced::widget::container::Style;
use iced::{Background, Border, Color, Shadow, Theme, Vector};

use super::{colors, radius};

fn filled(background: Color, text: Option<Color>) -> Style {
    Style {
        background: Some(Background::Color(background)),
        text_color: text,
        ..Style::default()
    }
}

/// The window background.
pub fn background(theme: &Theme) -> Style {
    let c = colors(theme);
    filled(c.background, Some(c.text))
}

/// The navigation rail.
pub fn rail(theme: &Theme) -> Style {
    let c = colors(theme);
    Style {
        border: Border {
            color: c.border,
            width: 0.0,
            radius: 0.0.into(),
        },
        ..filled(c.sidebar, Some(c.text))
    }
}

/// A side list such as the rooms.
pub fn sidebar(theme: &Theme) -> Style {
    let c = colors(theme);
    Style {
        border: Border {
            color: c.border,
            width: 1.0,
            radius: 0.0.into(),
        },
        ..filled(c.surface, Some(c.text))
    }
}

/// A raised card (login form, settings sections).
pub fn card(theme: &Theme) -> Style {
    let c = colors(theme);
    Style {
        border: Border {
            color: c.border,
            width: 1.0,
            radius: radius::L.into(),
        },
        shadow: Shadow {
            color: Color::BLACK.scale_alpha(0.06),
            offset: Vector::new(0.0, 6.0),
            blur_radius: 24.0,
        },
        ..filled(c.surface, Some(c.text))
    }
}

/// An error message box.
pub fn error(theme: &Theme) -> Style {
    let c = colors(theme);
    Style {
        border: Border {
            color: c.danger.scale_alpha(0.35),
            width: 1.0,
            radius: radius::M.into(),
        },
        ..filled(c.danger_soft, Some(c.danger))
    }
}

/// A notice that is not an error (offline, connecting).
pub fn notice(theme: &Theme) -> Style {
    let c = colors(theme);
    Style {
        border: Border {
            radius: radius::M.into(),
            ..Border::default()
        },
        ..filled(c.warning_soft, Some(c.text))
    }
}

/// A round avatar placeholder in the given colour.
pub fn avatar(color: Color) -> impl Fn(&Theme) -> Style {
    move |_| Style {
        border: Border {
            radius: 999.0.into(),
            ..Border::default()
        },
        ..filled(color, Some(Color::WHITE))
    }
}

/// The pill that counts unread messages; `strong` for mentions.
pub fn badge(strong: bool) -> impl Fn(&Theme) -> Style {
    move |theme| {
        let c = colors(theme);
        let (background, text) = if strong {
            (c.primary, c.on_primary)
        } else {
            (c.hover, c.text)
        };
        Style {
            border: Border {
                radius: 999.0.into(),
                ..Border::default()
            },
            ..filled(background, Some(text))
        }
    }
}

/// The bar beside a quotation.
pub fn quote_bar(theme: &Theme) -> Style {
    let c = colors(theme);
    Style {
        border: Border {
            radius: 2.0.into(),
            ..Border::default()
        },
        ..filled(c.border, None)
    }
}

/// A block of code.
pub fn code(theme: &Theme) -> Style {
    let c = colors(theme);
    Style {
        border: Border {
            color: c.border,
            width: 1.0,
            radius: radius::S.into(),
        },
        ..filled(c.sidebar, Some(c.text))
    }
}

/// A horizontal rule.
pub fn rule(theme: &Theme) -> Style {
    filled(colors(theme).border, None)
}

/// The quoted message above a reply, and the "replying to" banner over the composer.
pub fn quote(theme: &Theme) -> Style {
    let c = colors(theme);
    Style {
        border: Border {
            color: c.border,
            width: 1.0,
            radius: radius::S.into(),
        },
        ..filled(c.background, Some(c.text))
    }
}

/// The floating actions of a message, and pop-ups such as suggestions and the switcher.
pub fn popup(theme: &Theme) -> Style {
    let c = colors(theme);
    Style {
        border: Border {
            color: c.border,
            width: 1.0,
            radius: radius::M.into(),
        },
        shadow: Shadow {
            color: Color::BLACK.scale_alpha(0.12),
            offset: Vector::new(0.0, 4.0),
            blur_radius: 16.0,
        },
        ..filled(c.surface, Some(c.text))
    }
}

/// A message picked for actions.
pub fn selected(theme: &Theme) -> Style {
    let c = colors(theme);
    Style {
        border: Border {
            radius: radius::M.into(),
            ..Border::default()
        },
        ..filled(c.hover, None)
    }
}

/// Dims what is behind a dialog.
pub fn scrim(_theme: &Theme) -> Style {
    filled(Color::BLACK.scale_alpha(0.35), None)
}

/// An event in a calendar view, tinted with its calendar's colour (the accent when it has none).
pub fn event(color: Option<Color>) -> impl Fn(&Theme) -> Style {
    move |theme| {
        let c = colors(theme);
        let accent = color.unwrap_or(c.primary);
        Style {
            border: Border {
                color: accent,
                width: 1.0,
                radius: radius::S.into(),
            },
            ..filled(accent.scale_alpha(0.16), Some(c.text))
        }
    }
}

/// A day of the month view or a column of the week view; today stands out.
pub fn day(today: bool) -> impl Fn(&Theme) -> Style {
    move |theme| {
        let c = colors(theme);
        Style {
            border: Border {
                color: if today { c.primary } else { c.border },
                width: 1.0,
                radius: radius::S.into(),
            },
            ..filled(c.surface, Some(c.text))
        }
    }
}

/// A calendar's colour dot in the toggles.
pub fn swatch(color: Option<Color>, on: bool) -> impl Fn(&Theme) -> Style {
    move |theme| {
        let c = colors(theme);
        let accent = color.unwrap_or(c.primary);
        Style {
            border: Border {
                color: accent,
                width: 2.0,
                radius: radius::S.into(),
            },
            ..filled(if on { accent } else { c.surface }, None)
        }
    }
}

/// A person's tile in a meeting: dark behind pictures; the accent around whoever speaks.
pub fn tile(speaking: bool) -> impl Fn(&Theme) -> Style {
    move |theme| {
        let c = colors(theme);
        Style {
            border: Border {
                color: if speaking { c.primary } else { c.border },
                width: if speaking { 3.0 } else { 1.0 },
                radius: radius::L.into(),
            },
            ..filled(c.sidebar, Some(c.text))
        }
    }
}
