//! The error type of this crate.

use std::path::PathBuf;

/// Everything that can go wrong while reading or writing secrets.
///
/// No variant ever carries a secret value.
#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    /// A file of the encrypted store could not be read.
    #[error("could not read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },

    /// A file of the encrypted store could not be written.
    #[error("could not write {}: {source}", path.display())]
    Write {
        /// The file (the final name, not the temporary file written first).
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },

    /// The encrypted store cannot be decrypted: it was damaged or modified, or its key
    /// file is missing or belongs to another store. Sparks does not touch such a store.
    #[error(
        "the secret file {} cannot be used: {reason}. Sparks leaves it untouched; \
         restore it and its key file from a backup, or delete both to start over \
         (you will have to log in again)",
        path.display()
    )]
    Corrupt {
        /// The encrypted data file.
        path: PathBuf,
        /// What exactly is wrong.
        reason: String,
    },

    /// The system keyring reported an error.
    #[error("the system keyring failed: {message}")]
    Keyring {
        /// The keyring's description of the failure.
        message: String,
    },

    /// The system keyring did not answer in time.
    #[error("the system keyring did not answer within {seconds} seconds")]
    KeyringTimeout {
        /// How long Sparks waited.
        seconds: u64,
    },

    /// The thread talking to the system keyring could not be started or has stopped.
    #[error("the connection to the system keyring stopped working")]
    KeyringStopped,

    /// This build of Sparks has no keyring support for the platform.
    #[error("Sparks cannot use the system keyring on this platform")]
    KeyringUnsupported,

    /// The operating system could not provide random bytes for a key or nonce.
    #[error("the operating system could not provide random numbers: {message}")]
    Random {
        /// The operating system's error.
        message: String,
    },

    /// Encrypting the store failed.
    #[error("could not encrypt the secret file {}", path.display())]
    Encrypt {
        /// The encrypted data file.
        path: PathBuf,
    },
}

impl SecretsError {
    /// A [`SecretsError::Keyring`] from a keyring error, without any data it may hold.
    pub(crate) fn keyring(error: &keyring::Error) -> SecretsError {
        SecretsError::Keyring {
            message: error.to_string(),
        }
    }
}
