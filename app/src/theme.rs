//! The one place where Sparks' look is decided: colours, spacing, type and the named styles
//! that views apply. Views never pick a colour themselves.

pub mod button;
pub mod container;
pub mod pick_list;
pub mod text;
pub mod text_input;

use iced::font::{Family, Weight};
use iced::theme::{Mode, Palette};
use iced::{Color, Font, Theme, color};
use sparks_domain::ThemeChoice;

/// Spacing steps, in logical pixels.
pub mod space {
    pub const XS: f32 = 4.0;
    pub const S: f32 = 8.0;
    pub const M: f32 = 12.0;
    pub const L: f32 = 16.0;
    pub const XL: f32 = 24.0;
    pub const XXL: f32 = 40.0;
}

/// Corner radii.
pub mod radius {
    pub const S: f32 = 6.0;
    pub const M: f32 = 10.0;
    pub const L: f32 = 16.0;
}

/// Text sizes.
pub mod size {
    pub const SMALL: f32 = 12.0;
    pub const BODY: f32 = 14.0;
    pub const HEADING: f32 = 17.0;
    pub const TITLE: f32 = 22.0;
    pub const DISPLAY: f32 = 30.0;
}

/// Widths of fixed columns.
pub mod width {
    pub const RAIL: f32 = 76.0;
    pub const ROOM_LIST: f32 = 320.0;
    pub const FORM: f32 = 400.0;
    pub const SETTINGS: f32 = 560.0;
    pub const AVATAR: f32 = 40.0;
}

pub const FONT_FAMILY: &str = "Inter";
pub const REGULAR: Font = Font::with_name(FONT_FAMILY);
pub const SEMIBOLD: Font = Font {
    family: Family::Name(FONT_FAMILY),
    weight: Weight::Semibold,
    ..Font::DEFAULT
};
pub const BOLD: Font = Font {
    family: Family::Name(FONT_FAMILY),
    weight: Weight::Bold,
    ..Font::DEFAULT
};

/// The font files the app embeds.
pub const FONTS: [&[u8]; 3] = [
    include_bytes!("../../assets/fonts/Inter-Regular.otf"),
    include_bytes!("../../assets/fonts/Inter-SemiBold.otf"),
    include_bytes!("../../assets/fonts/Inter-Bold.otf"),
];

/// Colours beyond iced's palette that Sparks' styles use.
#[derive(Debug, Clone, Copy)]
pub struct Colors {
    /// The window behind everything.
    pub background: Color,
    /// Cards, lists and panes on top of the background.
    pub surface: Color,
    /// The navigation rail and side lists.
    pub sidebar: Color,
    /// A hovered row.
    pub hover: Color,
    /// A selected row.
    pub selected: Color,
    pub border: Color,
    pub text: Color,
    pub muted: Color,
    pub primary: Color,
    pub on_primary: Color,
    pub danger: Color,
    pub danger_soft: Color,
    pub warning_soft: Color,
    /// Something is safe or done: a verified session.
    pub success: Color,
    /// Something needs attention: an unverified session.
    pub warning: Color,
    /// Avatar backgrounds, picked by a stable hash of the room.
    pub avatars: [Color; 8],
}

pub const LIGHT: Colors = Colors {
    background: color!(0xf4f4f6),
    surface: color!(0xffffff),
    sidebar: color!(0xeceef2),
    hover: color!(0xe4e6ec),
    selected: color!(0xdcdcf7),
    border: color!(0xdfe1e6),
    text: color!(0x1b1d22),
    muted: color!(0x676c76),
    primary: color!(0x5b50d6),
    on_primary: color!(0xffffff),
    danger: color!(0xc0392b),
    danger_soft: color!(0xfbe9e7),
    warning_soft: color!(0xfff4dc),
    success: color!(0x2e8b57),
    warning: color!(0xb7791f),
    avatars: [
        color!(0x6d5bd0),
        color!(0x2f80a8),
        color!(0x2e8b6f),
        color!(0xc0642a),
        color!(0xb4477d),
        color!(0x50709a),
        color!(0x8a6d1f),
        color!(0x3f8f45),
    ],
};

pub const DARK: Colors = Colors {
    background: color!(0x131418),
    surface: color!(0x1b1c21),
    sidebar: color!(0x17181c),
    hover: color!(0x26282e),
    selected: color!(0x2e2c52),
    border: color!(0x2b2d34),
    text: color!(0xeceef2),
    muted: color!(0x9aa0aa),
    primary: color!(0x9189f5),
    on_primary: color!(0x14121f),
    danger: color!(0xf07167),
    danger_soft: color!(0x3a1f1f),
    warning_soft: color!(0x3a3120),
    success: color!(0x5cc08a),
    warning: color!(0xe0a84a),
    avatars: [
        color!(0x7c6ee6),
        color!(0x3b95c4),
        color!(0x35a283),
        color!(0xd57a3f),
        color!(0xc85a92),
        color!(0x6585b2),
        color!(0xa8872c),
        color!(0x4fa657),
    ],
};

/// Sparks' light or dark theme for the user's choice and the desktop's mode.
pub fn for_choice(choice: ThemeChoice, system: Mode) -> Theme {
    let dark = match choice {
        ThemeChoice::Light => false,
        ThemeChoice::Dark => true,
        ThemeChoice::System => system == Mode::Dark,
    };
    if dark { dark_theme() } else { light_theme() }
}

pub fn light_theme() -> Theme {
    Theme::custom("Sparks Light", palette(&LIGHT))
}

pub fn dark_theme() -> Theme {
    Theme::custom("Sparks Dark", palette(&DARK))
}

fn palette(c: &Colors) -> Palette {
    Palette {
        background: c.background,
        text: c.text,
        primary: c.primary,
        success: c.success,
        warning: c.warning,
        danger: c.danger,
    }
}

/// The colours of `theme`.
pub fn colors(theme: &Theme) -> &'static Colors {
    if theme.extended_palette().is_dark {
        &DARK
    } else {
        &LIGHT
    }
}

/// A stable avatar colour for an identifier.
pub fn avatar_color(theme: &Theme, id: &str) -> Color {
    // FNV-1a: stable across runs and platforms, unlike the std hasher.
    let hash = id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let palette = &colors(theme).avatars;
    palette[(hash % palette.len() as u64) as usize]
}

/// A calendar's `#rrggbb` colour.
pub fn hex(value: &str) -> Option<Color> {
    let hex = value.strip_prefix('#')?;
    if hex.len() != 6 {
        return None;
    }
    let n = u32::from_str_radix(hex, 16).ok()?;
    Some(Color::from_rgb8((n >> 16) as u8, (n >> 8) as u8, n as u8))
}
