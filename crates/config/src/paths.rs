//! Where Sparks keeps its files.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::ConfigError;

/// The environment variable that switches Sparks to a portable layout under one folder.
pub const HOME_ENV: &str = "SPARKS_HOME";

/// Where Sparks keeps its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// Settings and the key of the encrypted secret file.
    pub config_dir: PathBuf,
    /// The Matrix store and the encrypted secret file.
    pub data_dir: PathBuf,
    /// Files that can be recreated at any time, such as logs.
    pub cache_dir: PathBuf,
    portable: bool,
}

impl Paths {
    /// The directories for this process.
    ///
    /// If `SPARKS_HOME` is set and not empty, Sparks runs portably under that folder
    /// (`<home>/config`, `<home>/data`, `<home>/cache`; a relative path is taken from the
    /// current directory). Otherwise the platform's directories for the application are
    /// used (on Linux `~/.config/sparks`, `~/.local/share/sparks` and `~/.cache/sparks`,
    /// or wherever the `XDG_*_HOME` variables point).
    pub fn from_env() -> Result<Paths, ConfigError> {
        Self::from_home_var(std::env::var_os(HOME_ENV))
    }

    /// [`Paths::from_env`] with the value of `SPARKS_HOME` passed in.
    fn from_home_var(home: Option<OsString>) -> Result<Paths, ConfigError> {
        match home {
            Some(home) if !home.is_empty() => {
                let home = PathBuf::from(home);
                // Keep the relative path if the current directory is unknown: it still works.
                let home = std::path::absolute(&home).unwrap_or(home);
                Ok(Paths::portable(home))
            }
            _ => {
                let dirs = directories::ProjectDirs::from("org", "Sparks", "Sparks")
                    .ok_or(ConfigError::NoHomeDirectory)?;
                Ok(Paths {
                    config_dir: dirs.config_dir().to_path_buf(),
                    data_dir: dirs.data_dir().to_path_buf(),
                    cache_dir: dirs.cache_dir().to_path_buf(),
                    portable: false,
                })
            }
        }
    }

    /// The portable layout: everything under `root`, in `config`, `data` and `cache`.
    pub fn portable(root: impl Into<PathBuf>) -> Paths {
        let root = root.into();
        Paths {
            config_dir: root.join("config"),
            data_dir: root.join("data"),
            cache_dir: root.join("cache"),
            portable: true,
        }
    }

    /// Whether these are the portable directories of [`Paths::portable`] or `SPARKS_HOME`.
    pub fn is_portable(&self) -> bool {
        self.portable
    }

    /// The user's settings: `<config>/settings.toml`.
    pub fn settings_file(&self) -> PathBuf {
        self.config_dir.join("settings.toml")
    }

    /// The folder of the Matrix client's store: `<data>/matrix`.
    pub fn matrix_store_dir(&self) -> PathBuf {
        self.data_dir.join("matrix")
    }

    /// Unsent messages by room: `<data>/drafts.toml`.
    pub fn drafts_file(&self) -> PathBuf {
        self.data_dir.join("drafts.toml")
    }

    /// The encrypted secret file used where no keyring is available: `<data>/secrets.enc`.
    pub fn secrets_file(&self) -> PathBuf {
        self.data_dir.join("secrets.enc")
    }

    /// The key of the encrypted secret file: `<config>/secrets.key`.
    ///
    /// It lives in another directory than the secret file so that a copy of the data
    /// directory alone (a backup, a synchronised folder) does not reveal the secrets.
    pub fn secrets_key_file(&self) -> PathBuf {
        self.config_dir.join("secrets.key")
    }

    /// Where saved attachments go: the desktop's downloads folder (`XDG_DOWNLOAD_DIR`, usually
    /// `~/Downloads`), or `<home>/downloads` when portable.
    pub fn downloads_dir(&self) -> PathBuf {
        if self.portable
            && let Some(root) = self.data_dir.parent()
        {
            return root.join("downloads");
        }
        directories::UserDirs::new()
            .and_then(|dirs| dirs.download_dir().map(Path::to_path_buf))
            .or_else(|| directories::BaseDirs::new().map(|dirs| dirs.home_dir().join("Downloads")))
            .unwrap_or_else(|| self.data_dir.join("downloads"))
    }

    /// The folder for log files: `<cache>/logs`.
    pub fn log_dir(&self) -> PathBuf {
        self.cache_dir.join("logs")
    }

    /// Creates the configuration, data, cache and log folders if they are missing.
    ///
    /// On Unix the folders are made private to the user (mode 0700), also when they
    /// already existed.
    pub fn ensure(&self) -> Result<(), ConfigError> {
        for dir in [
            &self.config_dir,
            &self.data_dir,
            &self.cache_dir,
            &self.log_dir(),
        ] {
            create_private_dir(dir, true)?;
        }
        Ok(())
    }
}

/// Creates `dir` and its parents, with mode 0700 on Unix. With `tighten`, an existing
/// `dir` that is open to others is made private too.
pub(crate) fn create_private_dir(dir: &Path, tighten: bool) -> Result<(), ConfigError> {
    let error = |source| ConfigError::CreateDir {
        path: dir.to_path_buf(),
        source,
    };
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        builder.mode(0o700);
        builder.create(dir).map_err(error)?;
        if !tighten {
            return Ok(());
        }
        let mode = std::fs::metadata(dir).map_err(error)?.permissions().mode();
        if mode & 0o777 != 0o700 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(error)?;
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tighten;
        builder.create(dir).map_err(error)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portable_layout_is_under_the_root() {
        let paths = Paths::portable("/media/stick/sparks");
        assert!(paths.is_portable());
        let root = Path::new("/media/stick/sparks");
        assert_eq!(paths.config_dir, root.join("config"));
        assert_eq!(paths.data_dir, root.join("data"));
        assert_eq!(paths.cache_dir, root.join("cache"));
        assert_eq!(paths.settings_file(), root.join("config/settings.toml"));
        assert_eq!(paths.matrix_store_dir(), root.join("data/matrix"));
        assert_eq!(paths.secrets_file(), root.join("data/secrets.enc"));
        assert_eq!(paths.secrets_key_file(), root.join("config/secrets.key"));
        assert_eq!(paths.log_dir(), root.join("cache/logs"));
    }

    #[test]
    fn sparks_home_selects_the_portable_layout() -> Result<(), ConfigError> {
        let paths = Paths::from_home_var(Some("/opt/sparks-home".into()))?;
        assert_eq!(paths, Paths::portable("/opt/sparks-home"));

        let relative = Paths::from_home_var(Some("portable".into()))?;
        assert!(relative.is_portable());
        assert!(relative.config_dir.is_absolute());
        assert!(relative.config_dir.ends_with("portable/config"));
        Ok(())
    }

    #[test]
    fn empty_or_unset_sparks_home_uses_the_platform_directories() {
        // Where no home directory can be found there is nothing to compare against.
        for home in [None, Some(OsString::new())] {
            if let Ok(paths) = Paths::from_home_var(home) {
                assert!(!paths.is_portable());
                assert_ne!(paths.config_dir, paths.data_dir);
            }
        }
    }

    #[cfg(unix)]
    #[test]
    fn ensure_creates_private_folders() -> Result<(), Box<dyn std::error::Error>> {
        use std::os::unix::fs::PermissionsExt;

        let root = tempfile::tempdir()?;
        let paths = Paths::portable(root.path().join("home"));
        std::fs::create_dir_all(&paths.data_dir)?;
        std::fs::set_permissions(&paths.data_dir, std::fs::Permissions::from_mode(0o755))?;
        paths.ensure()?;
        for dir in [
            &paths.config_dir,
            &paths.data_dir,
            &paths.cache_dir,
            &paths.log_dir(),
        ] {
            let mode = std::fs::metadata(dir)?.permissions().mode();
            assert_eq!(mode & 0o777, 0o700, "{}", dir.display());
        }
        Ok(())
    }

    #[test]
    fn ensure_reports_a_folder_that_cannot_be_created() -> Result<(), Box<dyn std::error::Error>> {
        let root = tempfile::tempdir()?;
        let blocker = root.path().join("file");
        std::fs::write(&blocker, "not a folder")?;
        let error = Paths::portable(&blocker)
            .ensure()
            .err()
            .ok_or("ensure succeeded below a file")?;
        assert!(matches!(error, ConfigError::CreateDir { .. }), "{error}");
        Ok(())
    }
}
