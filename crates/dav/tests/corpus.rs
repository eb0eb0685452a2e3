//! Every `.ics` file of two public test suites parses without a panic, and what is written
//! back reads as the same events:
//! - the 998 real-world calendars calcard ships in its crate (`resources/ical`, collected from
//!   Mozilla, Apple, Google, khal, citadel and tzurl; Apache-2.0 OR MIT), found in cargo's
//!   registry beside the calcard this workspace builds with;
//! - the 163 calendars of Python's `icalendar` test suite (BSD-2-Clause), from the package that
//!   `cargo xtask test` installs into its Python environment (`SPARKS_TEST_PYTHON`), when set.
//!
//! "The same events": every occurrence from 1990 to 2040, with all it says, is equal before
//! and after writing. Files that are not iCalendar at all (the suites keep broken ones on
//! purpose) must fail cleanly.

use std::path::{Path, PathBuf};

use chrono::{TimeZone, Utc};
use sparks_dav::ical;

/// calcard's `resources/ical`, from cargo's registry.
fn calcard_corpus() -> Option<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    let registry = home.join("registry/src");
    let mut found: Vec<PathBuf> = std::fs::read_dir(registry)
        .ok()?
        .flatten()
        .flat_map(|index| {
            std::fs::read_dir(index.path())
                .into_iter()
                .flatten()
                .flatten()
        })
        .map(|entry| entry.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("calcard-0.3."))
        })
        .map(|p| p.join("resources/ical"))
        .filter(|p| p.is_dir())
        .collect();
    found.sort();
    found.pop()
}

/// Python icalendar's test calendars, from the interpreter `cargo xtask test` names.
fn icalendar_corpus() -> Option<PathBuf> {
    let python = std::env::var_os("SPARKS_TEST_PYTHON")?;
    let out = std::process::Command::new(python)
        .args([
            "-c",
            "import icalendar, os; print(os.path.dirname(icalendar.__file__))",
        ])
        .output()
        .ok()?;
    let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()).join("tests");
    dir.is_dir().then_some(dir)
}

fn ics_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            ics_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "ics") {
            out.push(path);
        }
    }
}

/// UTF-8, or (as some of the files are) ISO-8859-1.
fn read(path: &Path) -> String {
    let bytes = std::fs::read(path).expect("readable");
    String::from_utf8(bytes.clone())
        .unwrap_or_else(|_| bytes.iter().map(|b| char::from(*b)).collect())
}

struct Outcome {
    files: usize,
    calendars: usize,
    unreadable: Vec<String>,
    occurrences: usize,
}

fn check(files: &[PathBuf]) -> Outcome {
    let from = Utc
        .with_ymd_and_hms(1990, 1, 1, 0, 0, 0)
        .single()
        .expect("time");
    let to = Utc
        .with_ymd_and_hms(2040, 1, 1, 0, 0, 0)
        .single()
        .expect("time");
    let zone = chrono_tz::Pacific::Auckland;
    let mut outcome = Outcome {
        files: files.len(),
        calendars: 0,
        unreadable: Vec::new(),
        occurrences: 0,
    };
    for path in files {
        let text = read(path);
        let name = path.display().to_string();
        let Ok(parsed) = ical::parse(&text) else {
            outcome.unreadable.push(name);
            continue;
        };
        outcome.calendars += 1;
        let before = ical::occurrences(&parsed, from, to, zone).occurrences;
        let written = parsed.to_string();
        let reread = ical::parse(&written).unwrap_or_else(|e| {
            panic!("{name}: what was written does not read back: {e}\n{written}")
        });
        let after = ical::occurrences(&reread, from, to, zone).occurrences;
        assert_eq!(before, after, "{name}: the events changed in a round trip");
        // A view may skip an object outside its span: none of its events may lie outside.
        let (first, last) = ical::span(&parsed);
        for occurrence in &before {
            assert!(
                occurrence.details.end >= first
                    && last.is_none_or(|l| occurrence.details.start <= l),
                "{name}: {occurrence:?} lies outside the span {first}..{last:?}"
            );
        }
        outcome.occurrences += before.len();
    }
    outcome
}

#[test]
fn calcards_real_world_calendars_round_trip() {
    let dir = calcard_corpus().expect("calcard's sources in cargo's registry (run `cargo fetch`)");
    let mut files = Vec::new();
    ics_files(&dir, &mut files);
    files.sort();
    assert!(
        files.len() >= 900,
        "{} files in {}",
        files.len(),
        dir.display()
    );
    let outcome = check(&files);
    println!(
        "calcard corpus: {} files, {} calendars, {} occurrences, unreadable: {:?}",
        outcome.files, outcome.calendars, outcome.occurrences, outcome.unreadable
    );
    // Only what is not an iCalendar object at all (fuzzing leftovers) may fail to read.
    for name in &outcome.unreadable {
        let text = read(Path::new(name)).to_ascii_uppercase();
        assert!(
            !text.contains("BEGIN:VCALENDAR"),
            "{name} is a calendar that does not read"
        );
    }
    assert!(outcome.occurrences > 10_000);
}

#[test]
fn python_icalendars_test_suite_round_trips() {
    let Some(dir) = icalendar_corpus() else {
        assert!(
            std::env::var_os("SPARKS_TEST_PYTHON").is_none(),
            "SPARKS_TEST_PYTHON is set but has no icalendar package"
        );
        eprintln!("SPARKS_TEST_PYTHON is not set: run `cargo xtask test` for this corpus");
        return;
    };
    let mut files = Vec::new();
    ics_files(&dir, &mut files);
    files.sort();
    assert!(
        files.len() >= 150,
        "{} files in {}",
        files.len(),
        dir.display()
    );
    let outcome = check(&files);
    println!(
        "icalendar corpus: {} files, {} calendars, {} occurrences, unreadable: {:?}",
        outcome.files, outcome.calendars, outcome.occurrences, outcome.unreadable
    );
    // Only the suite's deliberately broken files may fail, and they fail cleanly.
    for name in &outcome.unreadable {
        assert!(
            [
                "broken",
                "fuzz",
                "invalid",
                "parsing_error",
                "big_bad",
                "issue_",
                "bad"
            ]
            .iter()
            .any(|hint| name.contains(hint)),
            "{name} is a valid calendar that does not parse"
        );
    }
    assert!(
        outcome.calendars * 10 >= outcome.files * 9,
        "{} of {}",
        outcome.calendars,
        outcome.files
    );
}
