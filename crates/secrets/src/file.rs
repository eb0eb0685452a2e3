//! The encrypted secret file.
//!
//! The key file holds a random 256-bit key, base64-encoded on one line. The data file is
//! `MAGIC`, a version byte, a random 96-bit nonce and the ChaCha20-Poly1305 encryption of
//! a JSON object mapping keys to values. The magic and version are authenticated as
//! associated data, so any change to the file is detected.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;
use std::sync::{Mutex, PoisonError};

use base64::Engine as _;
use chacha20poly1305::aead::{AeadInPlace, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use rand::TryRngCore as _;
use secrecy::{ExposeSecret, SecretString};
use zeroize::{Zeroize, Zeroizing};

use crate::{FileLocation, SecretsError};

/// The first bytes of every data file.
const MAGIC: &[u8; 6] = b"SPKSEC";
/// The format version written after the magic.
const VERSION: u8 = 1;
const HEADER_LEN: usize = MAGIC.len() + 1;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
const KEY_LEN: usize = 32;

/// Serialises every read-modify-write of secret files in this process, so two stores on
/// the same file cannot lose each other's changes.
static FILE_LOCK: Mutex<()> = Mutex::new(());

/// Secrets in an encrypted file.
pub(crate) struct FileStore {
    location: FileLocation,
}

/// The decrypted contents of the data file; the values are wiped when it is dropped.
#[derive(Default)]
struct Plain(BTreeMap<String, String>);

impl Drop for Plain {
    fn drop(&mut self) {
        self.0.values_mut().for_each(Zeroize::zeroize);
    }
}

impl FileStore {
    /// A store in `location`; nothing is read or created until it is used.
    pub(crate) fn new(location: FileLocation) -> FileStore {
        FileStore { location }
    }

    /// Where the store keeps its files.
    pub(crate) fn location(&self) -> &FileLocation {
        &self.location
    }

    /// The secret stored under `key`, if any.
    pub(crate) fn get(&self, key: &str) -> Result<Option<SecretString>, SecretsError> {
        let _guard = FILE_LOCK.lock().unwrap_or_else(PoisonError::into_inner);
        let plain = self.load()?;
        Ok(plain
            .0
            .get(key)
            .map(|value| SecretString::from(value.as_str())))
    }

    /// Stores `value` under `key`, replacing an older value.
    pub(crate) fn set(&self, key: &str, value: &SecretString) -> Result<(), SecretsError> {
        let _guard = FILE_LOCK.lock().unwrap_or_else(PoisonError::into_inner);
        let mut plain = self.load()?;
        if let Some(mut old) = plain
            .0
            .insert(key.to_owned(), value.expose_secret().to_owned())
        {
            old.zeroize();
        }
        self.store(&plain)
    }

    /// Removes `key`; a key that is not there is no error.
    pub(crate) fn delete(&self, key: &str) -> Result<(), SecretsError> {
        let _guard = FILE_LOCK.lock().unwrap_or_else(PoisonError::into_inner);
        let mut plain = self.load()?;
        match plain.0.remove(key) {
            Some(mut old) => {
                old.zeroize();
                self.store(&plain)
            }
            None => Ok(()),
        }
    }

    /// Reads and decrypts the data file; a missing file is an empty store.
    fn load(&self) -> Result<Plain, SecretsError> {
        let path = &self.location.data_file;
        let data = match std::fs::read(path) {
            Ok(data) => data,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Plain::default());
            }
            Err(source) => {
                return Err(SecretsError::Read {
                    path: path.clone(),
                    source,
                });
            }
        };
        let key = self.read_key()?.ok_or_else(|| {
            self.corrupt(format!(
                "its key file {} is missing",
                self.location.key_file.display()
            ))
        })?;
        self.decrypt(&key, &data)
    }

    /// Encrypts and writes the data file, creating the key on first use.
    fn store(&self, plain: &Plain) -> Result<(), SecretsError> {
        let key = match self.read_key()? {
            Some(key) => key,
            None => self.create_key()?,
        };
        let estimate = plain
            .0
            .iter()
            .map(|(key, value)| 2 * (key.len() + value.len()) + 8)
            .sum::<usize>();
        // Room for the whole JSON and the tag, so the plaintext is never reallocated and
        // no copy of it is left behind in freed memory.
        let mut buffer = Zeroizing::new(Vec::with_capacity(estimate + TAG_LEN + 16));
        let encrypt_error = || SecretsError::Encrypt {
            path: self.location.data_file.clone(),
        };
        serde_json::to_writer(&mut *buffer, &plain.0).map_err(|_| encrypt_error())?;

        let mut nonce = [0; NONCE_LEN];
        random_bytes(&mut nonce)?;
        let header = header();
        cipher(&key)
            .map_err(|_| encrypt_error())?
            .encrypt_in_place(&Nonce::from(nonce), &header, &mut *buffer)
            .map_err(|_| encrypt_error())?;

        let mut file = Vec::with_capacity(HEADER_LEN + NONCE_LEN + buffer.len());
        file.extend_from_slice(&header);
        file.extend_from_slice(&nonce);
        file.extend_from_slice(&buffer);
        write_private_file(&self.location.data_file, &file)
    }

    /// Decrypts the contents of the data file.
    fn decrypt(&self, key: &[u8; KEY_LEN], data: &[u8]) -> Result<Plain, SecretsError> {
        let Some(body) = data.strip_prefix(MAGIC.as_slice()) else {
            return Err(self.corrupt("it is not a Sparks secret file".to_owned()));
        };
        let Some((&version, body)) = body.split_first() else {
            return Err(self.corrupt("it is cut short".to_owned()));
        };
        if version != VERSION {
            return Err(self.corrupt(format!(
                "it has format version {version}, which this version of Sparks does not know"
            )));
        }
        if body.len() < NONCE_LEN + TAG_LEN {
            return Err(self.corrupt("it is cut short".to_owned()));
        }
        let (nonce, ciphertext) = body.split_at(NONCE_LEN);
        let mut nonce_bytes = [0; NONCE_LEN];
        nonce_bytes.copy_from_slice(nonce);

        let mut buffer = Zeroizing::new(ciphertext.to_vec());
        cipher(key)
            .map_err(|_| self.corrupt("its key is unusable".to_owned()))?
            .decrypt_in_place(&Nonce::from(nonce_bytes), &header(), &mut *buffer)
            .map_err(|_| {
                self.corrupt(format!(
                    "it was modified or damaged, or the key file {} belongs to another \
                     secret file",
                    self.location.key_file.display()
                ))
            })?;
        serde_json::from_slice(&buffer)
            .map(Plain)
            .map_err(|_| self.corrupt("its decrypted content is not a list of secrets".to_owned()))
    }

    /// Reads the key file; `None` if it does not exist.
    fn read_key(&self) -> Result<Option<Zeroizing<[u8; KEY_LEN]>>, SecretsError> {
        let path = &self.location.key_file;
        let text = match std::fs::read_to_string(path) {
            Ok(text) => Zeroizing::new(text),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(SecretsError::Read {
                    path: path.clone(),
                    source,
                });
            }
        };
        let bad_key = || self.corrupt(format!("its key file {} is not valid", path.display()));
        let decoded = Zeroizing::new(
            base64::engine::general_purpose::STANDARD
                .decode(text.trim())
                .map_err(|_| bad_key())?,
        );
        let mut key = Zeroizing::new([0; KEY_LEN]);
        if decoded.len() != KEY_LEN {
            return Err(bad_key());
        }
        key.copy_from_slice(&decoded);
        Ok(Some(key))
    }

    /// Creates a new random key and writes the key file.
    fn create_key(&self) -> Result<Zeroizing<[u8; KEY_LEN]>, SecretsError> {
        let mut key = Zeroizing::new([0; KEY_LEN]);
        random_bytes(&mut *key)?;
        let mut text =
            Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(key.as_slice()));
        text.push('\n');
        write_private_file(&self.location.key_file, text.as_bytes())?;
        Ok(key)
    }

    /// A [`SecretsError::Corrupt`] about the data file.
    fn corrupt(&self, reason: String) -> SecretsError {
        SecretsError::Corrupt {
            path: self.location.data_file.clone(),
            reason,
        }
    }
}

/// The magic and version, also the associated data of the encryption.
fn header() -> [u8; HEADER_LEN] {
    let mut header = [0; HEADER_LEN];
    header[..MAGIC.len()].copy_from_slice(MAGIC);
    header[MAGIC.len()] = VERSION;
    header
}

/// The cipher for `key`.
fn cipher(key: &[u8; KEY_LEN]) -> Result<ChaCha20Poly1305, chacha20poly1305::aead::Error> {
    ChaCha20Poly1305::new_from_slice(key).map_err(|_| chacha20poly1305::aead::Error)
}

/// Fills `bytes` from the operating system's random number generator.
fn random_bytes(bytes: &mut [u8]) -> Result<(), SecretsError> {
    rand::rngs::OsRng
        .try_fill_bytes(bytes)
        .map_err(|error| SecretsError::Random {
            message: error.to_string(),
        })
}

/// Replaces `path` with `contents`: a temporary file in the same folder (mode 0600 on
/// Unix) is written, flushed to disk and renamed over the old file. The folder is created
/// (mode 0700 on Unix) if needed.
fn write_private_file(path: &Path, contents: &[u8]) -> Result<(), SecretsError> {
    let error = |source| SecretsError::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = path
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(error)?;

    let name = path
        .file_name()
        .map_or_else(|| "secrets".into(), |name| name.to_string_lossy());
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = write_new_file(&temp, contents).and_then(|()| std::fs::rename(&temp, path));
    if let Err(source) = written {
        // The temporary file may not exist; then there is nothing to clean up.
        let _ = std::fs::remove_file(&temp);
        return Err(error(source));
    }
    #[cfg(unix)]
    if let Ok(dir) = std::fs::File::open(dir) {
        // Makes the rename durable; if this fails the file system syncs it later.
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Creates `path` (mode 0600 on Unix), writes `contents` and flushes them to disk.
fn write_new_file(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    #[cfg(unix)]
    {
        // A leftover temporary file keeps its old mode; make sure it is private.
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    file.write_all(contents)?;
    file.sync_all()
}
