use std::time::{Duration, Instant};

use super::*;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A file store in a fresh temporary folder, with data and key in separate folders.
fn temp_store() -> std::io::Result<(tempfile::TempDir, FileLocation, SecretStore)> {
    let root = tempfile::tempdir()?;
    let location = FileLocation {
        data_file: root.path().join("data/secrets.enc"),
        key_file: root.path().join("config/secrets.key"),
    };
    let store = SecretStore::encrypted_file(location.clone());
    Ok((root, location, store))
}

fn secret(value: &str) -> SecretString {
    SecretString::from(value)
}

fn exposed(value: Option<SecretString>) -> Option<String> {
    value.map(|value| value.expose_secret().to_owned())
}

#[test]
fn store_is_clone_send_and_sync() {
    fn check<T: Clone + Send + Sync + 'static>() {}
    check::<SecretStore>();
}

#[test]
fn set_get_delete_round_trip() -> TestResult {
    let (_root, location, store) = temp_store()?;
    assert_eq!(store.backend(), Backend::EncryptedFile);
    assert_eq!(exposed(store.get("token")?), None);
    assert!(!location.key_file.exists(), "reading must not create a key");

    store.set("token", &secret("s3cr3t"))?;
    store.set("passphrase", &secret("correct horse \"battery\" \u{1F511}"))?;
    assert_eq!(exposed(store.get("token")?).as_deref(), Some("s3cr3t"));
    store.set("token", &secret("rotated"))?;
    assert_eq!(exposed(store.get("token")?).as_deref(), Some("rotated"));

    store.delete("token")?;
    assert_eq!(exposed(store.get("token")?), None);
    store.delete("token")?;
    store.delete("never-set")?;
    assert_eq!(
        exposed(store.get("passphrase")?).as_deref(),
        Some("correct horse \"battery\" \u{1F511}")
    );
    Ok(())
}

#[test]
fn secrets_persist_across_instances() -> TestResult {
    let (_root, location, first) = temp_store()?;
    first.set("token", &secret("kept"))?;
    drop(first);
    let second = SecretStore::encrypted_file(location);
    assert_eq!(exposed(second.get("token")?).as_deref(), Some("kept"));
    Ok(())
}

#[test]
fn data_file_does_not_contain_the_plaintext() -> TestResult {
    let (_root, location, store) = temp_store()?;
    store.set("access-token", &secret("plain-text-marker"))?;
    let data = std::fs::read(&location.data_file)?;
    let needle = b"plain-text-marker";
    assert!(!data.windows(needle.len()).any(|window| window == needle));
    assert!(!data.windows(12).any(|window| window == b"access-token"));
    Ok(())
}

#[test]
fn tampered_file_is_corrupt_and_never_overwritten() -> TestResult {
    let (_root, location, store) = temp_store()?;
    store.set("token", &secret("original"))?;
    let mut data = std::fs::read(&location.data_file)?;
    let last = data.len() - 1;
    data[last] ^= 0x01;
    std::fs::write(&location.data_file, &data)?;

    let error = store.get("token").err().ok_or("read a tampered file")?;
    assert!(matches!(error, SecretsError::Corrupt { .. }), "{error:?}");
    assert!(error.to_string().contains("modified or damaged"), "{error}");

    let error = store
        .set("other", &secret("x"))
        .err()
        .ok_or("wrote over a tampered file")?;
    assert!(matches!(error, SecretsError::Corrupt { .. }), "{error:?}");
    let error = store
        .delete("token")
        .err()
        .ok_or("deleted from a tampered file")?;
    assert!(matches!(error, SecretsError::Corrupt { .. }), "{error:?}");
    assert_eq!(std::fs::read(&location.data_file)?, data);
    Ok(())
}

#[test]
fn garbage_and_unknown_versions_are_corrupt() -> TestResult {
    let (_root, location, store) = temp_store()?;
    store.set("token", &secret("original"))?;
    let valid = std::fs::read(&location.data_file)?;

    let mut newer = valid.clone();
    newer[6] = 99;
    let cases: [(&[u8], &str); 4] = [
        (b"not a secret file", "not a Sparks secret file"),
        (b"SPKSEC", "cut short"),
        (&valid[..20], "cut short"),
        (&newer, "format version 99"),
    ];
    for (contents, reason) in cases {
        std::fs::write(&location.data_file, contents)?;
        match store.get("token") {
            Err(error @ SecretsError::Corrupt { .. }) => {
                assert!(error.to_string().contains(reason), "{error}");
            }
            other => return Err(format!("expected Corrupt, got {other:?}").into()),
        }
    }
    Ok(())
}

#[test]
fn wrong_or_missing_key_is_corrupt() -> TestResult {
    let (root, location, store) = temp_store()?;
    store.set("token", &secret("original"))?;
    let data = std::fs::read(&location.data_file)?;

    // A valid key of another store.
    let other = FileLocation {
        data_file: root.path().join("other/secrets.enc"),
        key_file: root.path().join("other/secrets.key"),
    };
    SecretStore::encrypted_file(other.clone()).set("x", &secret("y"))?;
    std::fs::copy(&other.key_file, &location.key_file)?;
    let error = store
        .get("token")
        .err()
        .ok_or("decrypted with a wrong key")?;
    assert!(matches!(error, SecretsError::Corrupt { .. }), "{error:?}");

    std::fs::write(&location.key_file, "not base64 at all!\n")?;
    let error = store
        .get("token")
        .err()
        .ok_or("accepted a broken key file")?;
    assert!(error.to_string().contains("key file"), "{error}");

    std::fs::remove_file(&location.key_file)?;
    let error = store.get("token").err().ok_or("read without a key")?;
    assert!(error.to_string().contains("is missing"), "{error}");
    assert!(store.set("token", &secret("new")).is_err());
    assert!(
        !location.key_file.exists(),
        "a new key would orphan the old secrets"
    );
    assert_eq!(std::fs::read(&location.data_file)?, data);
    Ok(())
}

#[cfg(unix)]
#[test]
fn files_are_private() -> TestResult {
    use std::os::unix::fs::PermissionsExt;

    let (_root, location, store) = temp_store()?;
    store.set("token", &secret("private"))?;
    let mode = |path: &std::path::Path| -> std::io::Result<u32> {
        Ok(std::fs::metadata(path)?.permissions().mode() & 0o777)
    };
    assert_eq!(mode(&location.data_file)?, 0o600);
    assert_eq!(mode(&location.key_file)?, 0o600);
    for file in [&location.data_file, &location.key_file] {
        let dir = file.parent().ok_or("no parent")?;
        assert_eq!(mode(dir)?, 0o700, "{}", dir.display());
    }
    store.set("token", &secret("rewritten"))?;
    assert_eq!(mode(&location.data_file)?, 0o600);
    Ok(())
}

#[test]
fn debug_output_hides_secrets() -> TestResult {
    let (_root, _location, store) = temp_store()?;
    let value = secret("hunter2-do-not-print");
    store.set("token", &value)?;
    let fetched = store.get("token")?.ok_or("secret lost")?;
    for text in [
        format!("{store:?}"),
        format!("{fetched:?}"),
        format!("{value:?}"),
    ] {
        assert!(!text.contains("hunter2"), "{text}");
    }
    assert!(format!("{store:?}").contains("EncryptedFile"));
    Ok(())
}

#[test]
fn works_from_a_thread_without_a_runtime() -> TestResult {
    let (_root, _location, store) = temp_store()?;
    let worker = store.clone();
    let result = std::thread::spawn(move || -> Result<Option<String>, SecretsError> {
        assert!(tokio::runtime::Handle::try_current().is_err());
        worker.set("token", &secret("from a thread"))?;
        let value = exposed(worker.get("token")?);
        worker.delete("other")?;
        Ok(value)
    })
    .join()
    .map_err(|_| "thread panicked")??;
    assert_eq!(result.as_deref(), Some("from a thread"));
    Ok(())
}

#[test]
fn works_from_spawn_blocking() -> TestResult {
    let (_root, location, store) = temp_store()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let value = runtime.block_on(async move {
        tokio::task::spawn_blocking(move || -> Result<Option<String>, SecretsError> {
            store.set("token", &secret("from spawn_blocking"))?;
            let opened = SecretStore::open("org.sparks.Sparks.test", location);
            // Whatever the backend, it must answer from inside the runtime.
            opened.delete("sparks-test-missing-key")?;
            Ok(exposed(store.get("token")?))
        })
        .await
    })??;
    assert_eq!(value.as_deref(), Some("from spawn_blocking"));
    Ok(())
}

#[test]
fn open_falls_back_to_the_file_in_time_without_a_keyring() -> TestResult {
    let (_root, location, _) = temp_store()?;
    let started = Instant::now();
    let store = SecretStore::open("org.sparks.Sparks.test", location);
    let elapsed = started.elapsed();
    assert!(
        elapsed < keyring_store::PROBE_TIMEOUT + Duration::from_secs(2),
        "probing took {elapsed:?}"
    );
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        assert_eq!(store.backend(), Backend::EncryptedFile);
        store.set("token", &secret("fallback"))?;
        assert_eq!(exposed(store.get("token")?).as_deref(), Some("fallback"));
    }
    Ok(())
}

/// Needs an unlocked Secret Service: `cargo xtask test` runs it in a private D-Bus session with
/// gnome-keyring. By hand: `--run-ignored only` inside
/// `dbus-run-session` after `echo -n any-password | gnome-keyring-daemon --unlock`.
#[test]
#[ignore = "needs a running, unlocked Secret Service"]
fn keyring_round_trip_from_a_thread_and_from_spawn_blocking() -> TestResult {
    let (_root, location, _) = temp_store()?;
    let store = SecretStore::open("org.sparks.Sparks.test", location);
    assert_eq!(store.backend(), Backend::Keyring);
    assert!(format!("{store:?}").contains("org.sparks.Sparks.test"));

    let worker = store.clone();
    std::thread::spawn(move || -> Result<(), SecretsError> {
        worker.set("token", &secret("in the keyring"))?;
        assert_eq!(
            exposed(worker.get("token")?).as_deref(),
            Some("in the keyring")
        );
        Ok(())
    })
    .join()
    .map_err(|_| "thread panicked")??;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let worker = store.clone();
    let value = runtime.block_on(async move {
        tokio::task::spawn_blocking(move || -> Result<Option<String>, SecretsError> {
            let value = exposed(worker.get("token")?);
            worker.delete("token")?;
            worker.delete("token")?;
            Ok(value)
        })
        .await
    })??;
    assert_eq!(value.as_deref(), Some("in the keyring"));
    assert_eq!(exposed(store.get("token")?), None);
    Ok(())
}
