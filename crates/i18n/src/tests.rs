use std::collections::BTreeSet;
use std::path::Path;

use super::*;

fn key_set(language: Language) -> BTreeSet<String> {
    let keys =
        keys(source(language)).unwrap_or_else(|e| panic!("{language:?} does not parse: {e}"));
    let set: BTreeSet<String> = keys.iter().cloned().collect();
    assert_eq!(set.len(), keys.len(), "{language:?} defines a key twice");
    set
}

#[test]
fn every_language_has_exactly_the_english_keys() {
    let english = key_set(Language::English);
    assert!(english.len() > 50, "the English file looks truncated");
    for language in Language::ALL {
        let other = key_set(language);
        let missing: Vec<_> = english.difference(&other).collect();
        let extra: Vec<_> = other.difference(&english).collect();
        assert!(missing.is_empty(), "{language:?} lacks {missing:?}");
        assert!(
            extra.is_empty(),
            "{language:?} has keys English lacks: {extra:?}"
        );
    }
}

#[test]
fn messages_format_with_arguments_and_plurals() {
    let de = I18n::new(Language::German);
    assert_eq!(de.tr("login-submit"), "Anmelden");
    assert_eq!(
        de.tr_args("chat-space-rooms", [("count", Arg::from(1i64))]),
        "1 Raum"
    );
    assert_eq!(
        de.tr_args("chat-space-rooms", [("count", Arg::from(3i64))]),
        "3 Räume"
    );
    let en = I18n::new(Language::English);
    assert_eq!(
        en.tr_args(
            "settings-signed-in-as",
            [("user", Arg::from("@alice:example.org"))]
        ),
        "Signed in as @alice:example.org"
    );
    assert_eq!(en.tr("no-such-key"), "no-such-key");
}

/// The app looks up verification emoji names by index (`sas-emoji-0` … `sas-emoji-63`).
#[test]
fn every_language_names_all_64_verification_emoji() {
    for language in Language::ALL {
        let keys = key_set(language);
        for index in 0..64 {
            assert!(
                keys.contains(&format!("sas-emoji-{index}")),
                "{language:?} lacks sas-emoji-{index}"
            );
        }
        assert!(!keys.contains("sas-emoji-64"));
    }
}

/// Every `tr("…")` / `tr_args("…"` in the app names a key that exists.
#[test]
fn every_key_the_app_uses_exists() {
    let english = key_set(Language::English);
    let app = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../app/src");
    let mut used = BTreeSet::new();
    visit(&app, &mut |text| {
        for marker in ["tr(\"", "tr_args(\""] {
            for (at, _) in text.match_indices(marker) {
                let rest = &text[at + marker.len()..];
                if let Some(end) = rest.find('"') {
                    used.insert(rest[..end].to_owned());
                }
            }
        }
    });
    assert!(
        !used.is_empty(),
        "no translated strings found under {}",
        app.display()
    );
    let missing: Vec<_> = used.difference(&english).collect();
    assert!(
        missing.is_empty(),
        "the app uses keys with no translation: {missing:?}"
    );
}

fn visit(dir: &Path, f: &mut dyn FnMut(&str)) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            visit(&path, f);
        } else if path.extension().is_some_and(|e| e == "rs") {
            f(&std::fs::read_to_string(&path).unwrap_or_default());
        }
    }
}
