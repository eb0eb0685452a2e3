//! Messages people started writing and did not send, one per room, kept across restarts in
//! `<data>/drafts.toml`.

use std::collections::BTreeMap;

use toml_edit::{DocumentMut, value};

use crate::settings::{syntax_error, write_atomically};
use crate::{ConfigError, Paths};

/// Unsent text by room id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Drafts(BTreeMap<String, String>);

impl Drafts {
    /// Reads the drafts; no file means none. A damaged file is an error (the app then starts
    /// without drafts and says so, and does not overwrite the file until a draft changes).
    pub fn load(paths: &Paths) -> Result<Drafts, ConfigError> {
        let path = paths.drafts_file();
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Drafts::default());
            }
            Err(source) => return Err(ConfigError::Read { path, source }),
        };
        let doc: DocumentMut = text
            .parse()
            .map_err(|error| syntax_error(&path, &text, &error))?;
        let drafts = doc
            .iter()
            .filter_map(|(room, item)| Some((room.to_owned(), item.as_str()?.to_owned())))
            .filter(|(_, text)| !text.is_empty())
            .collect();
        Ok(Drafts(drafts))
    }

    /// Writes all drafts (atomically: a crash leaves the old file or the new one).
    pub fn save(&self, paths: &Paths) -> Result<(), ConfigError> {
        let path = paths.drafts_file();
        if self.0.is_empty() {
            return match std::fs::remove_file(&path) {
                Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                    Err(ConfigError::Write {
                        path,
                        source: error,
                    })
                }
                _ => Ok(()),
            };
        }
        let mut doc = DocumentMut::new();
        for (room, text) in &self.0 {
            doc.insert(room, value(text.as_str()));
        }
        let mut text = String::from("# Unsent messages by room, kept by Sparks.\n");
        text.push_str(&doc.to_string());
        write_atomically(&path, text.as_bytes())
    }

    pub fn get(&self, room: &str) -> &str {
        self.0.get(room).map(String::as_str).unwrap_or("")
    }

    /// Sets a room's draft (empty removes it); `true` if that changed anything.
    pub fn set(&mut self, room: &str, text: &str) -> bool {
        if text.trim().is_empty() {
            return self.0.remove(room).is_some();
        }
        if self.get(room) == text {
            return false;
        }
        self.0.insert(room.to_owned(), text.to_owned());
        true
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drafts_survive_a_restart_and_empty_ones_go() {
        let dir = tempfile::tempdir().expect("temp dir");
        let paths = Paths::portable(dir.path());
        let mut drafts = Drafts::default();
        assert!(drafts.set("!a:s", "half a \"thought\"\nsecond line"));
        assert!(drafts.set("!b:s", "other"));
        assert!(!drafts.set("!b:s", "other"));
        drafts.save(&paths).expect("saved");
        let mut loaded = Drafts::load(&paths).expect("loaded");
        assert_eq!(loaded, drafts);
        assert_eq!(loaded.get("!a:s"), "half a \"thought\"\nsecond line");
        assert!(loaded.set("!a:s", "  "));
        assert!(loaded.set("!b:s", ""));
        loaded.save(&paths).expect("saved");
        assert!(!paths.drafts_file().exists());
        assert!(Drafts::load(&paths).expect("loaded").is_empty());
    }

    #[test]
    fn a_damaged_file_is_an_error_not_a_loss() {
        let dir = tempfile::tempdir().expect("temp dir");
        let paths = Paths::portable(dir.path());
        std::fs::create_dir_all(&paths.data_dir).expect("dir");
        std::fs::write(paths.drafts_file(), "\"!a:s\" = \"unterminated").expect("write");
        let error = Drafts::load(&paths).expect_err("damaged");
        assert!(error.to_string().contains("drafts.toml"), "{error}");
    }
}
