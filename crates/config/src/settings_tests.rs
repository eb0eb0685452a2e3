use super::*;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn temp_paths() -> std::io::Result<(tempfile::TempDir, Paths)> {
    let root = tempfile::tempdir()?;
    let paths = Paths::portable(root.path());
    Ok((root, paths))
}

fn sample() -> Settings {
    Settings {
        language: Some(Language::German),
        theme: ThemeChoice::Dark,
        last_homeserver: Some("https://matrix.example.org".to_owned()),
        last_username: Some("alice".to_owned()),
        devices: Devices {
            microphone: DeviceChoice::Test,
            camera: DeviceChoice::Named("/dev/video2".to_owned()),
            speaker: DeviceChoice::System,
        },
    }
}

#[test]
fn template_parses_to_the_defaults() -> TestResult {
    let settings = Settings::parse(TEMPLATE, Path::new("settings.toml"))?;
    assert_eq!(settings, Settings::default());
    Ok(())
}

#[test]
fn missing_file_gives_the_defaults() -> TestResult {
    let (_root, paths) = temp_paths()?;
    assert_eq!(Settings::load(&paths)?, Settings::default());
    Ok(())
}

#[test]
fn save_then_load_round_trips() -> TestResult {
    let (_root, paths) = temp_paths()?;
    let settings = sample();
    settings.save(&paths)?;
    assert_eq!(Settings::load(&paths)?, settings);

    // Forgetting the login and following the system again round-trips as well.
    let defaults = Settings::default();
    defaults.save(&paths)?;
    assert_eq!(Settings::load(&paths)?, defaults);
    Ok(())
}

#[test]
fn first_save_starts_from_the_template() -> TestResult {
    let (_root, paths) = temp_paths()?;
    sample().save(&paths)?;
    let text = std::fs::read_to_string(paths.settings_file())?;
    assert!(text.starts_with("# Sparks settings"), "{text}");
    assert!(text.contains("language = \"de\""), "{text}");
    assert!(text.contains("theme = \"dark\""), "{text}");
    assert!(text.contains("# The homeserver address"), "{text}");
    assert!(
        text.contains("homeserver = \"https://matrix.example.org\""),
        "{text}"
    );
    Ok(())
}

#[test]
fn save_keeps_comments_and_unknown_keys() -> TestResult {
    let (_root, paths) = temp_paths()?;
    std::fs::create_dir_all(&paths.config_dir)?;
    let original = "\
# my own notes
theme = \"light\" # I like it bright
future_option = 42

[login]
# where I chat
homeserver = \"https://old.example.org\"
nickname = \"kept\"

[plugins]
enabled = true
";
    std::fs::write(paths.settings_file(), original)?;
    sample().save(&paths)?;

    let text = std::fs::read_to_string(paths.settings_file())?;
    for kept in [
        "# my own notes",
        "# I like it bright",
        "future_option = 42",
        "# where I chat",
        "nickname = \"kept\"",
        "[plugins]",
        "enabled = true",
    ] {
        assert!(text.contains(kept), "lost {kept:?} in:\n{text}");
    }
    assert!(
        text.contains("theme = \"dark\" # I like it bright"),
        "{text}"
    );
    assert!(!text.contains("old.example.org"), "{text}");
    assert_eq!(Settings::load(&paths)?, sample());
    Ok(())
}

#[test]
fn inline_login_table_is_read_and_updated() -> TestResult {
    let (_root, paths) = temp_paths()?;
    std::fs::create_dir_all(&paths.config_dir)?;
    std::fs::write(
        paths.settings_file(),
        "login = { homeserver = \"https://a.example\", username = \"bob\" }\n",
    )?;
    let mut settings = Settings::load(&paths)?;
    assert_eq!(
        settings.last_homeserver.as_deref(),
        Some("https://a.example")
    );
    assert_eq!(settings.last_username.as_deref(), Some("bob"));

    settings.last_username = None;
    settings.save(&paths)?;
    assert_eq!(Settings::load(&paths)?, settings);
    Ok(())
}

#[test]
fn unknown_keys_are_ignored() -> TestResult {
    let text = "colour = \"red\"\n[login]\npassword = \"never read\"\nusername = \"carol\"\n";
    let settings = Settings::parse(text, Path::new("settings.toml"))?;
    assert_eq!(settings.last_username.as_deref(), Some("carol"));
    assert_eq!(settings.theme, ThemeChoice::System);
    Ok(())
}

#[test]
fn invalid_value_names_file_line_key_and_allowed_values() -> TestResult {
    let (_root, paths) = temp_paths()?;
    std::fs::create_dir_all(&paths.config_dir)?;
    std::fs::write(
        paths.settings_file(),
        "language = \"en\"\n\ntheme = \"blue\"\n",
    )?;
    let error = Settings::load(&paths)
        .err()
        .ok_or("accepted theme = \"blue\"")?;
    match &error {
        ConfigError::InvalidValue {
            line, key, found, ..
        } => {
            assert_eq!(
                (*line, key.as_str(), found.as_str()),
                (3, "theme", "\"blue\"")
            );
        }
        other => return Err(format!("unexpected error: {other}").into()),
    }
    let message = error.to_string();
    assert!(message.contains("settings.toml, line 3"), "{message}");
    assert!(message.contains("`theme`"), "{message}");
    assert!(
        message.contains(r#""light", "dark" or "system""#),
        "{message}"
    );
    Ok(())
}

#[test]
fn values_of_the_wrong_type_are_errors() {
    let cases = [
        ("language = 3\n", "language", 1),
        ("language = \"fr\"\n", "language", 1),
        ("login = \"me\"\n", "login", 1),
        (
            "[login]\nusername = \"a\"\nhomeserver = 5\n",
            "login.homeserver",
            3,
        ),
    ];
    for (text, expected_key, expected_line) in cases {
        match Settings::parse(text, Path::new("settings.toml")) {
            Err(ConfigError::InvalidValue { key, line, .. }) => {
                assert_eq!(
                    (key.as_str(), line),
                    (expected_key, expected_line),
                    "{text}"
                );
            }
            other => panic!("{text}: expected an invalid value, got {other:?}"),
        }
    }
}

#[test]
fn syntax_error_names_file_and_line() -> TestResult {
    let (_root, paths) = temp_paths()?;
    std::fs::create_dir_all(&paths.config_dir)?;
    std::fs::write(paths.settings_file(), "theme = \"dark\"\nlanguage = \n")?;
    let error = Settings::load(&paths).err().ok_or("accepted broken TOML")?;
    assert!(
        matches!(error, ConfigError::Syntax { line: 2, .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains("settings.toml, line 2"), "{message}");
    Ok(())
}

#[test]
fn save_does_not_overwrite_a_broken_file() -> TestResult {
    let (_root, paths) = temp_paths()?;
    std::fs::create_dir_all(&paths.config_dir)?;
    let broken = "theme = [\n";
    std::fs::write(paths.settings_file(), broken)?;
    let error = sample()
        .save(&paths)
        .err()
        .ok_or("overwrote a broken file")?;
    assert!(matches!(error, ConfigError::Syntax { .. }), "{error:?}");
    assert_eq!(std::fs::read_to_string(paths.settings_file())?, broken);
    Ok(())
}

#[test]
fn save_below_a_file_is_an_error() -> TestResult {
    let root = tempfile::tempdir()?;
    let blocker = root.path().join("blocker");
    std::fs::write(&blocker, "")?;
    let error = sample()
        .save(&Paths::portable(&blocker))
        .err()
        .ok_or("saved below a file")?;
    assert!(
        matches!(
            error,
            ConfigError::Read { .. } | ConfigError::CreateDir { .. }
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("blocker"), "{error}");
    Ok(())
}

#[cfg(unix)]
#[test]
fn save_into_a_read_only_folder_is_an_error() -> TestResult {
    use std::os::unix::fs::PermissionsExt;

    let (_root, paths) = temp_paths()?;
    std::fs::create_dir_all(&paths.config_dir)?;
    std::fs::set_permissions(&paths.config_dir, std::fs::Permissions::from_mode(0o500))?;
    // Privileged users write anyway; the check only means something for everyone else.
    let writable = std::fs::File::create(paths.config_dir.join("probe")).is_ok();
    let result = sample().save(&paths);
    std::fs::set_permissions(&paths.config_dir, std::fs::Permissions::from_mode(0o700))?;
    if !writable {
        let error = result.err().ok_or("saved into a read-only folder")?;
        assert!(matches!(error, ConfigError::Write { .. }), "{error:?}");
        assert!(error.to_string().contains("settings.toml"), "{error}");
        assert!(!paths.settings_file().exists());
    }
    Ok(())
}

#[test]
fn effective_language_prefers_the_choice_then_the_locale() {
    let german = Settings {
        language: Some(Language::German),
        ..Settings::default()
    };
    assert_eq!(german.effective_language(), Language::German);

    let vars = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        }
    };
    assert_eq!(language_from_locale_vars(vars(&[])), Language::English);
    assert_eq!(
        language_from_locale_vars(vars(&[("LANG", "de_DE.UTF-8")])),
        Language::German
    );
    assert_eq!(
        language_from_locale_vars(vars(&[
            ("LC_ALL", ""),
            ("LC_MESSAGES", "de_AT"),
            ("LANG", "en_US")
        ])),
        Language::German
    );
    assert_eq!(
        language_from_locale_vars(vars(&[("LC_ALL", "C"), ("LANG", "de_DE")])),
        Language::English
    );
}

#[test]
fn device_choices_are_read_and_a_test_speaker_is_refused() -> TestResult {
    let text = "[devices]\nmicrophone = \"test\"\ncamera = \"USB camera\"\n";
    let settings = Settings::parse(text, Path::new("settings.toml"))?;
    assert_eq!(settings.devices.microphone, DeviceChoice::Test);
    assert_eq!(
        settings.devices.camera,
        DeviceChoice::Named("USB camera".to_owned())
    );
    assert_eq!(settings.devices.speaker, DeviceChoice::System);
    let error = Settings::parse(
        "[devices]\nspeaker = \"test\"\n",
        Path::new("settings.toml"),
    )
    .err()
    .ok_or("accepted a test speaker")?;
    let message = error.to_string();
    assert!(message.contains("`devices.speaker`"), "{message}");
    assert!(message.contains("line 2"), "{message}");
    let error = Settings::parse("devices = 3\n", Path::new("settings.toml"))
        .err()
        .ok_or("accepted devices = 3")?;
    assert!(error.to_string().contains("`devices`"), "{error}");
    Ok(())
}
