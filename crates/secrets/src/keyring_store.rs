//! The system keyring (the freedesktop Secret Service on Linux and the BSDs).
//!
//! All keyring calls run on one dedicated thread. The keyring library drives its D-Bus
//! connection with a private async runtime it blocks on; doing that on the caller's thread
//! would fail or deadlock when the caller is itself inside an async runtime. On its own
//! thread it works the same from a plain thread, from `spawn_blocking` or from anywhere
//! else, and every call can be given up after a timeout if the keyring hangs.

use std::sync::mpsc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use crate::SecretsError;

/// How long [`KeyringStore::probe`] waits for the keyring before giving up on it.
pub(crate) const PROBE_TIMEOUT: Duration = Duration::from_secs(3);

/// How long a read, write or delete may take. Generous: the keyring may ask the user to
/// unlock it first.
const CALL_TIMEOUT: Duration = Duration::from_secs(120);

/// The account name looked up when probing; it is never written.
const PROBE_ACCOUNT: &str = "sparks-keyring-probe";

/// Work for the keyring thread.
type Job = Box<dyn FnOnce() + Send>;

/// Secrets kept in the system keyring, under one service name.
pub(crate) struct KeyringStore {
    service: String,
    jobs: mpsc::Sender<Job>,
}

impl KeyringStore {
    /// Starts the keyring thread and checks, within [`PROBE_TIMEOUT`], that a keyring
    /// answers. The error says why the keyring cannot be used.
    pub(crate) fn probe(service: &str) -> Result<KeyringStore, SecretsError> {
        if !cfg!(any(
            target_os = "linux",
            target_os = "freebsd",
            target_os = "openbsd"
        )) {
            // Other platforms would get the keyring library's in-memory mock store.
            return Err(SecretsError::KeyringUnsupported);
        }
        let store = KeyringStore {
            service: service.to_owned(),
            jobs: start_thread()?,
        };
        let result = store.call(PROBE_TIMEOUT, |service| {
            keyring::Entry::new(service, PROBE_ACCOUNT).and_then(|entry| entry.get_password())
        })?;
        match result {
            Ok(_) | Err(keyring::Error::NoEntry) | Err(keyring::Error::Ambiguous(_)) => Ok(store),
            Err(error) => Err(SecretsError::keyring(&error)),
        }
    }

    /// The secret stored under `key`, if any.
    pub(crate) fn get(&self, key: &str) -> Result<Option<SecretString>, SecretsError> {
        let key = key.to_owned();
        let result = self.call(CALL_TIMEOUT, move |service| {
            keyring::Entry::new(service, &key).and_then(|entry| entry.get_password())
        })?;
        match result {
            Ok(value) => Ok(Some(SecretString::from(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(SecretsError::keyring(&error)),
        }
    }

    /// Stores `value` under `key`, replacing an older value.
    pub(crate) fn set(&self, key: &str, value: &SecretString) -> Result<(), SecretsError> {
        let key = key.to_owned();
        let value = Zeroizing::new(value.expose_secret().to_owned());
        self.call(CALL_TIMEOUT, move |service| {
            keyring::Entry::new(service, &key).and_then(|entry| entry.set_password(&value))
        })?
        .map_err(|error| SecretsError::keyring(&error))
    }

    /// Removes `key`; a key that is not there is no error.
    pub(crate) fn delete(&self, key: &str) -> Result<(), SecretsError> {
        let key = key.to_owned();
        let result = self.call(CALL_TIMEOUT, move |service| {
            keyring::Entry::new(service, &key).and_then(|entry| entry.delete_credential())
        })?;
        match result {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(SecretsError::keyring(&error)),
        }
    }

    /// The service name the secrets are filed under.
    pub(crate) fn service(&self) -> &str {
        &self.service
    }

    /// Runs `work` on the keyring thread and waits at most `timeout` for its result.
    fn call<T, F>(&self, timeout: Duration, work: F) -> Result<T, SecretsError>
    where
        T: Send + 'static,
        F: FnOnce(&str) -> T + Send + 'static,
    {
        let (reply, result) = mpsc::sync_channel(1);
        let service = self.service.clone();
        let job: Job = Box::new(move || {
            // The caller may have given up waiting; then nobody needs the result.
            let _ = reply.send(work(&service));
        });
        self.jobs
            .send(job)
            .map_err(|_| SecretsError::KeyringStopped)?;
        result.recv_timeout(timeout).map_err(|error| match error {
            mpsc::RecvTimeoutError::Timeout => SecretsError::KeyringTimeout {
                seconds: timeout.as_secs(),
            },
            mpsc::RecvTimeoutError::Disconnected => SecretsError::KeyringStopped,
        })
    }
}

/// Starts the keyring thread. It ends when the last [`KeyringStore`] is dropped (or, if a
/// call hangs, when that call returns).
fn start_thread() -> Result<mpsc::Sender<Job>, SecretsError> {
    let (jobs, queue) = mpsc::channel::<Job>();
    std::thread::Builder::new()
        .name("sparks-keyring".to_owned())
        .spawn(move || {
            for job in queue {
                // A panic in the keyring library fails that call only (its reply channel
                // is dropped), not the thread.
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
            }
        })
        .map_err(|_| SecretsError::KeyringStopped)?;
    Ok(jobs)
}
