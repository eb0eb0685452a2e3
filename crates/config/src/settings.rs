//! The user's settings, kept in `settings.toml`.

use std::io::Write as _;
use std::path::Path;

use sparks_domain::{DeviceChoice, Devices, Language, ThemeChoice};
use toml_edit::{DocumentMut, Item, Table, TableLike, Value};

use crate::{ConfigError, Paths};

/// The settings file Sparks writes when none exists yet: every key, documented, in English.
pub const TEMPLATE: &str = include_str!("settings.template.toml");

/// The environment variables that name the locale, strongest first.
const LOCALE_VARS: [&str; 3] = ["LC_ALL", "LC_MESSAGES", "LANG"];

/// User settings (`settings.toml`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Settings {
    /// The language of the user interface; `None` follows the system locale.
    pub language: Option<Language>,
    /// The colour scheme.
    pub theme: ThemeChoice,
    /// The homeserver of the last login, to pre-fill the login form.
    pub last_homeserver: Option<String>,
    /// The user name of the last login, to pre-fill the login form. Never a password.
    pub last_username: Option<String>,
    /// The microphone, camera and speaker meetings use.
    pub devices: Devices,
}

impl Settings {
    /// Reads `settings.toml`.
    ///
    /// A missing file gives the defaults. Unknown keys are ignored with a warning in the
    /// log. A file that is not valid TOML, or a known key with a value Sparks does not
    /// understand, is an error naming the file, the line and the key.
    pub fn load(paths: &Paths) -> Result<Settings, ConfigError> {
        let path = paths.settings_file();
        match std::fs::read_to_string(&path) {
            Ok(text) => Settings::parse(&text, &path),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
            Err(source) => Err(ConfigError::Read { path, source }),
        }
    }

    /// Writes `settings.toml`, creating the configuration folder if needed.
    ///
    /// The existing file is updated in place, so the user's comments, the order of the
    /// keys and keys Sparks does not know survive; without a file, [`TEMPLATE`] is the
    /// starting point. The new content is written to a temporary file that then replaces
    /// the old one, so a crash never leaves a half-written file behind. A file that is not
    /// valid TOML is not overwritten: that is an error, as in [`Settings::load`].
    pub fn save(&self, paths: &Paths) -> Result<(), ConfigError> {
        let path = paths.settings_file();
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => TEMPLATE.to_owned(),
            Err(source) => return Err(ConfigError::Read { path, source }),
        };
        let mut doc: DocumentMut = text
            .parse()
            .map_err(|error| syntax_error(&path, &text, &error))?;
        self.apply(&mut doc);
        write_atomically(&path, doc.to_string().as_bytes())
    }

    /// The language to show: the chosen one, or the one of the system locale (`LC_ALL`,
    /// `LC_MESSAGES`, `LANG`, the first that is set), or English if Sparks is not
    /// translated into the locale's language.
    pub fn effective_language(&self) -> Language {
        self.language
            .unwrap_or_else(|| language_from_locale_vars(|name| std::env::var(name).ok()))
    }

    /// Parses the text of a settings file; `path` is only used in messages.
    fn parse(text: &str, path: &Path) -> Result<Settings, ConfigError> {
        let doc =
            toml_edit::Document::parse(text).map_err(|error| syntax_error(path, text, &error))?;
        let reader = Reader { path, text };
        let mut settings = Settings::default();
        for (key, item) in doc.as_table().iter() {
            match key {
                "language" => {
                    let value = reader.string(item, key, LANGUAGE_VALUES)?;
                    settings.language = match parse_language(value) {
                        Some(language) => language,
                        None => return Err(reader.invalid(item, key, LANGUAGE_VALUES)),
                    };
                }
                "theme" => {
                    let value = reader.string(item, key, THEME_VALUES)?;
                    settings.theme = ThemeChoice::ALL
                        .into_iter()
                        .find(|theme| theme_code(*theme) == value)
                        .ok_or_else(|| reader.invalid(item, key, THEME_VALUES))?;
                }
                "login" => {
                    let table = item
                        .as_table_like()
                        .ok_or_else(|| reader.invalid(item, key, LOGIN_VALUES))?;
                    reader.login(table, &mut settings)?;
                }
                "devices" => {
                    let table = item
                        .as_table_like()
                        .ok_or_else(|| reader.invalid(item, key, DEVICES_VALUES))?;
                    reader.devices(table, &mut settings.devices)?;
                }
                _ => reader.warn_unknown(item, key),
            }
        }
        Ok(settings)
    }

    /// Writes these settings into a parsed settings file.
    fn apply(&self, doc: &mut DocumentMut) {
        let root = doc.as_table_mut();
        set_string(
            root,
            "language",
            self.language.map_or("system", Language::code),
        );
        set_string(root, "theme", theme_code(self.theme));

        let remembered = self.last_homeserver.is_some() || self.last_username.is_some();
        if !root.get("login").is_some_and(Item::is_table_like) {
            if !remembered && !root.contains_key("login") {
                return;
            }
            root.insert("login", Item::Table(Table::new()));
        }
        if let Some(login) = root.get_mut("login").and_then(Item::as_table_like_mut) {
            set_optional(login, "homeserver", self.last_homeserver.as_deref());
            set_optional(login, "username", self.last_username.as_deref());
        }

        if !root.get("devices").is_some_and(Item::is_table_like) {
            if self.devices == Devices::default() && !root.contains_key("devices") {
                return;
            }
            root.insert("devices", Item::Table(Table::new()));
        }
        if let Some(table) = root.get_mut("devices").and_then(Item::as_table_like_mut) {
            let devices = &self.devices;
            for (key, choice) in [
                ("microphone", &devices.microphone),
                ("camera", &devices.camera),
                ("speaker", &devices.speaker),
            ] {
                set_string(table, key, device_code(choice));
            }
        }
    }
}

const LANGUAGE_VALUES: &str = r#""en", "de" or "system""#;
const THEME_VALUES: &str = r#""light", "dark" or "system""#;
const LOGIN_VALUES: &str = "a table with `homeserver` and `username`";
const TEXT_VALUES: &str = "a text in quotes";
const DEVICES_VALUES: &str = "a table with `microphone`, `camera` and `speaker`";
const DEVICE_VALUES: &str = r#""system", "test" or a device's id, in quotes"#;

/// How a device choice is written: `system`, `test`, or the device's id.
fn device_code(choice: &DeviceChoice) -> &str {
    match choice {
        DeviceChoice::System => "system",
        DeviceChoice::Test => "test",
        DeviceChoice::Named(id) => id,
    }
}

/// A device choice as written; "test" for a speaker (there is no synthetic one) is `None`.
fn parse_device(value: &str, speaker: bool) -> Option<DeviceChoice> {
    match value.trim() {
        "" | "system" => Some(DeviceChoice::System),
        "test" if speaker => None,
        "test" => Some(DeviceChoice::Test),
        id => Some(DeviceChoice::Named(id.to_owned())),
    }
}

/// `Some(None)` for "system", `Some(Some(language))` for a language code.
fn parse_language(value: &str) -> Option<Option<Language>> {
    if value == "system" {
        return Some(None);
    }
    Language::ALL
        .into_iter()
        .find(|language| language.code() == value)
        .map(Some)
}

/// The value of a theme in the settings file.
fn theme_code(theme: ThemeChoice) -> &'static str {
    match theme {
        ThemeChoice::Light => "light",
        ThemeChoice::Dark => "dark",
        ThemeChoice::System => "system",
    }
}

/// The language of the first locale variable that is set, English if none maps to one.
fn language_from_locale_vars(var: impl Fn(&str) -> Option<String>) -> Language {
    LOCALE_VARS
        .into_iter()
        .filter_map(var)
        .find(|value| !value.is_empty())
        .and_then(|locale| Language::from_locale(&locale))
        .unwrap_or_default()
}

/// Reads values out of a parsed settings file and words errors about them.
struct Reader<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Reader<'_> {
    /// The `[login]` table.
    fn login(&self, table: &dyn TableLike, settings: &mut Settings) -> Result<(), ConfigError> {
        for (key, item) in table.iter() {
            let full_key = format!("login.{key}");
            let target = match key {
                "homeserver" => &mut settings.last_homeserver,
                "username" => &mut settings.last_username,
                _ => {
                    self.warn_unknown(item, &full_key);
                    continue;
                }
            };
            let value = self.string(item, &full_key, TEXT_VALUES)?;
            *target = Some(value.trim().to_owned()).filter(|value| !value.is_empty());
        }
        Ok(())
    }

    /// The `[devices]` table.
    fn devices(&self, table: &dyn TableLike, devices: &mut Devices) -> Result<(), ConfigError> {
        for (key, item) in table.iter() {
            let full_key = format!("devices.{key}");
            let (target, speaker) = match key {
                "microphone" => (&mut devices.microphone, false),
                "camera" => (&mut devices.camera, false),
                "speaker" => (&mut devices.speaker, true),
                _ => {
                    self.warn_unknown(item, &full_key);
                    continue;
                }
            };
            let value = self.string(item, &full_key, DEVICE_VALUES)?;
            *target = parse_device(value, speaker)
                .ok_or_else(|| self.invalid(item, &full_key, DEVICE_VALUES))?;
        }
        Ok(())
    }

    /// The item as a string, or an error explaining what `key` accepts.
    fn string<'i>(&self, item: &'i Item, key: &str, allowed: &str) -> Result<&'i str, ConfigError> {
        item.as_str()
            .ok_or_else(|| self.invalid(item, key, allowed))
    }

    /// An [`ConfigError::InvalidValue`] for `item`.
    fn invalid(&self, item: &Item, key: &str, allowed: &str) -> ConfigError {
        let found = item
            .span()
            .and_then(|span| self.text.get(span))
            .map(|raw| raw.trim().to_owned())
            .filter(|raw| !raw.is_empty())
            .unwrap_or_else(|| format!("a {}", item.type_name()));
        ConfigError::InvalidValue {
            path: self.path.to_path_buf(),
            line: self.line(item),
            key: key.to_owned(),
            found,
            allowed: allowed.to_owned(),
        }
    }

    /// Logs that `key` means nothing to Sparks.
    fn warn_unknown(&self, item: &Item, key: &str) {
        tracing::warn!(
            file = %self.path.display(),
            line = self.line(item),
            key,
            "ignoring an unknown setting"
        );
    }

    /// The 1-based line an item starts on (0 if unknown).
    fn line(&self, item: &Item) -> usize {
        item.span()
            .map_or(0, |span| line_and_column(self.text, span.start).0)
    }
}

/// 1-based line and column of a byte offset in `text`.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map_or(0, |line| line.chars().count())
        + 1;
    (line, column)
}

/// A [`ConfigError::Syntax`] for a TOML parse error.
pub(crate) fn syntax_error(path: &Path, text: &str, error: &toml_edit::TomlError) -> ConfigError {
    let (line, column) = error
        .span()
        .map_or((0, 0), |span| line_and_column(text, span.start));
    ConfigError::Syntax {
        path: path.to_path_buf(),
        line,
        column,
        message: error.message().trim().to_owned(),
    }
}

/// Sets `key` to a string, keeping the comments around the old value; an equal value is
/// left untouched so that its formatting survives.
fn set_string(table: &mut dyn TableLike, key: &str, new: &str) {
    match table.get_mut(key) {
        Some(Item::Value(value)) => {
            if value.as_str() == Some(new) {
                return;
            }
            let decor = value.decor().clone();
            *value = Value::from(new);
            *value.decor_mut() = decor;
        }
        _ => {
            table.insert(key, toml_edit::value(new));
        }
    }
}

/// Sets a remembered value; `None` empties a key that is there and adds none.
fn set_optional(table: &mut dyn TableLike, key: &str, new: Option<&str>) {
    match new {
        Some(new) => set_string(table, key, new),
        None if table.contains_key(key) => set_string(table, key, ""),
        None => {}
    }
}

/// Replaces `path` with `contents` through a temporary file in the same folder.
pub(crate) fn write_atomically(path: &Path, contents: &[u8]) -> Result<(), ConfigError> {
    let error = |source| ConfigError::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = path
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    crate::paths::create_private_dir(dir, false)?;

    let file_name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned());
    let temp = dir.join(format!(
        ".{}.{}.tmp",
        file_name.as_deref().unwrap_or("settings"),
        std::process::id()
    ));
    let permissions = std::fs::metadata(path).ok().map(|meta| meta.permissions());
    let written =
        write_file(&temp, contents, permissions).and_then(|()| std::fs::rename(&temp, path));
    if let Err(source) = written {
        // The temporary file may not exist; nothing more to do then.
        let _ = std::fs::remove_file(&temp);
        return Err(error(source));
    }
    sync_dir(dir);
    Ok(())
}

/// Writes and flushes a new file, giving it `permissions` if set.
fn write_file(
    path: &Path,
    contents: &[u8],
    permissions: Option<std::fs::Permissions>,
) -> std::io::Result<()> {
    let mut file = std::fs::File::create(path)?;
    if let Some(permissions) = permissions {
        file.set_permissions(permissions)?;
    }
    file.write_all(contents)?;
    file.sync_all()
}

/// Makes a rename durable. Failing is harmless: the file system then syncs later.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(dir) = std::fs::File::open(dir) {
        let _ = dir.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
#[path = "settings_tests.rs"]
mod tests;
