//! Secret storage for Sparks: login tokens and store passphrases.
//!
//! A [`SecretStore`] keeps short secrets under string keys, either in the system keyring
//! ([`Backend::Keyring`], the freedesktop Secret Service) or, where no keyring service runs,
//! in an encrypted file ([`Backend::EncryptedFile`]). [`SecretStore::open`] checks once,
//! within a few seconds, whether the keyring answers and picks the backend.
//!
//! The API is blocking; async callers run it with `spawn_blocking`. It works from any
//! thread, with or without an async runtime.
//!
//! # Threat model
//!
//! The keyring is preferred: it is unlocked with the user's login and keeps secrets out
//! of Sparks' own folders.
//!
//! The encrypted file protects secrets against a leak of the data directory alone — a
//! backup, a synchronised or shared folder — because the key lives elsewhere, in the
//! configuration directory. It does not protect against anyone who can read the user's
//! configuration directory as well (the key is stored there unencrypted), nor against
//! malware running as the user. Both files are created readable by the user only.
//! Tampering is detected: a modified or damaged file, or a key that does not belong to
//! it, is reported as [`SecretsError::Corrupt`] and the file is never overwritten then.
//!
//! Decrypted data is wiped from memory after use where this crate controls the buffers;
//! secrets handed out as [`SecretString`] are wiped when dropped.

mod error;
mod file;
mod keyring_store;

use std::path::PathBuf;
use std::sync::Arc;

pub use error::SecretsError;
pub use secrecy::{ExposeSecret, SecretString};

use file::FileStore;
use keyring_store::KeyringStore;

/// Where a [`SecretStore`] keeps its secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The system keyring.
    Keyring,
    /// The encrypted file of [`FileLocation`].
    EncryptedFile,
}

/// The files of the encrypted secret store.
///
/// Keep them in different directories (Sparks uses its data and its configuration
/// directory), so that a copy of one directory alone reveals nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileLocation {
    /// The encrypted secrets.
    pub data_file: PathBuf,
    /// The key that encrypts them, created on first use.
    pub key_file: PathBuf,
}

/// Secret storage in the system keyring or in an encrypted file.
///
/// Cloning is cheap and clones share the backend. The store can be used from several
/// threads; its `Debug` output names the backend and files, never a secret.
#[derive(Clone)]
pub struct SecretStore {
    inner: Arc<Inner>,
}

/// The chosen backend.
enum Inner {
    Keyring(KeyringStore),
    File(FileStore),
}

impl SecretStore {
    /// The system keyring if one answers, otherwise the encrypted file in `file`.
    ///
    /// The keyring is asked once, for at most three seconds; if it is missing (no D-Bus
    /// session, no Secret Service), fails or does not answer in time, the encrypted file
    /// is used. `service` is the name secrets are filed under in the keyring, such as
    /// `org.sparks.Sparks`. The choice is logged.
    pub fn open(service: &str, file: FileLocation) -> SecretStore {
        match KeyringStore::probe(service) {
            Ok(store) => {
                tracing::info!(service, "storing secrets in the system keyring");
                SecretStore::new(Inner::Keyring(store))
            }
            Err(reason) => {
                tracing::info!(
                    %reason,
                    file = %file.data_file.display(),
                    "the system keyring is not available; storing secrets in an encrypted file"
                );
                SecretStore::new(Inner::File(FileStore::new(file)))
            }
        }
    }

    /// The encrypted file store only, without asking the keyring.
    ///
    /// For portable installations (`SPARKS_HOME`), whose secrets must travel with them,
    /// and for tests.
    pub fn encrypted_file(file: FileLocation) -> SecretStore {
        tracing::info!(
            file = %file.data_file.display(),
            "storing secrets in an encrypted file"
        );
        SecretStore::new(Inner::File(FileStore::new(file)))
    }

    fn new(inner: Inner) -> SecretStore {
        SecretStore {
            inner: Arc::new(inner),
        }
    }

    /// Where this store keeps its secrets.
    pub fn backend(&self) -> Backend {
        match *self.inner {
            Inner::Keyring(_) => Backend::Keyring,
            Inner::File(_) => Backend::EncryptedFile,
        }
    }

    /// The secret stored under `key`, or `None` if there is none.
    pub fn get(&self, key: &str) -> Result<Option<SecretString>, SecretsError> {
        match &*self.inner {
            Inner::Keyring(store) => store.get(key),
            Inner::File(store) => store.get(key),
        }
    }

    /// Stores `value` under `key`, replacing an older value.
    pub fn set(&self, key: &str, value: &SecretString) -> Result<(), SecretsError> {
        match &*self.inner {
            Inner::Keyring(store) => store.set(key, value),
            Inner::File(store) => store.set(key, value),
        }
    }

    /// Removes the secret stored under `key`. Removing a key that is not there is no error.
    pub fn delete(&self, key: &str) -> Result<(), SecretsError> {
        match &*self.inner {
            Inner::Keyring(store) => store.delete(key),
            Inner::File(store) => store.delete(key),
        }
    }
}

impl std::fmt::Debug for SecretStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut debug = f.debug_struct("SecretStore");
        debug.field("backend", &self.backend());
        match &*self.inner {
            Inner::Keyring(store) => debug.field("service", &store.service()),
            Inner::File(store) => debug.field("file", store.location()),
        };
        debug.finish()
    }
}

#[cfg(test)]
mod tests;
