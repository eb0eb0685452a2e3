//! The error type of this crate.

use std::path::PathBuf;

/// Everything that can go wrong while locating, reading or writing Sparks' settings.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Neither `SPARKS_HOME` nor a home directory is available.
    #[error(
        "could not find the home directory to keep Sparks' files in; \
         set SPARKS_HOME to the folder Sparks should use"
    )]
    NoHomeDirectory,

    /// A directory could not be created or its permissions could not be set.
    #[error("could not create the folder {}: {source}", path.display())]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },

    /// A file exists but could not be read.
    #[error("could not read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },

    /// A file could not be written.
    #[error("could not write {}: {source}", path.display())]
    Write {
        /// The file (the final name, not the temporary file written first).
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },

    /// The settings file is not valid TOML.
    #[error("{}, line {line}, column {column}: this is not valid TOML: {message}", path.display())]
    Syntax {
        /// The settings file.
        path: PathBuf,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What the TOML parser found wrong.
        message: String,
    },

    /// A setting has a value Sparks does not understand.
    #[error(
        "{}, line {line}: `{key}` cannot be {found}; allowed values are {allowed}",
        path.display()
    )]
    InvalidValue {
        /// The settings file.
        path: PathBuf,
        /// 1-based line of the offending value.
        line: usize,
        /// The full key, e.g. `theme` or `login.homeserver`.
        key: String,
        /// The value as written in the file.
        found: String,
        /// A human-readable list of what would be accepted.
        allowed: String,
    },
}
