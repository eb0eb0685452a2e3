use serde::{Deserialize, Serialize};

/// A language Sparks is translated into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Language {
    #[default]
    #[serde(rename = "en")]
    English,
    #[serde(rename = "de")]
    German,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::English, Language::German];

    /// The BCP 47 tag of the language, also the folder name under `i18n/`.
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::German => "de",
        }
    }

    /// Picks the best match for a locale string such as `de_DE.UTF-8` or `en-GB`.
    pub fn from_locale(locale: &str) -> Option<Language> {
        let primary = locale
            .split(['_', '-', '.', '@'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        Language::ALL.into_iter().find(|l| l.code() == primary)
    }

    /// The language's name written in that language, as a language picker shows it.
    pub fn endonym(self) -> &'static str {
        match self {
            Language::English => "English",
            Language::German => "Deutsch",
        }
    }
}

/// Which colour scheme the user wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ThemeChoice {
    Light,
    Dark,
    /// Follow the desktop's light/dark preference.
    #[default]
    System,
}

impl ThemeChoice {
    pub const ALL: [ThemeChoice; 3] = [ThemeChoice::Light, ThemeChoice::Dark, ThemeChoice::System];
}

/// Which device a meeting uses for one purpose.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum DeviceChoice {
    /// The system's default device.
    #[default]
    System,
    /// The synthetic source (a tone, a test pattern), for machines without the device.
    Test,
    /// A device by the id the platform gives it.
    Named(String),
}

/// The devices meetings use.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Devices {
    pub microphone: DeviceChoice,
    pub camera: DeviceChoice,
    /// Never [`DeviceChoice::Test`]: there is no synthetic speaker.
    pub speaker: DeviceChoice,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_strings_map_to_languages() {
        assert_eq!(Language::from_locale("de_DE.UTF-8"), Some(Language::German));
        assert_eq!(Language::from_locale("en-GB"), Some(Language::English));
        assert_eq!(Language::from_locale("DE"), Some(Language::German));
        assert_eq!(Language::from_locale("fr_FR"), None);
        assert_eq!(Language::from_locale(""), None);
    }
}
