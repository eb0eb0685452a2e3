//! Garbage, truncated and unexpected answers are errors, never panics.

use crate::common::fixture;
use sparks_exchange::ews::{
    EwsError, check_response, parse, parse_autodiscover, parse_availability, parse_calendars,
    parse_contacts, parse_events, parse_item_ids,
};

#[test]
fn garbage_is_an_error() {
    for garbage in [
        "", "   ", "not XML", "<", "<a>", "<a></b>", "<a/><b/>", "<a/>text", "&amp;", "\u{0}",
    ] {
        assert!(parse(garbage).is_err(), "{garbage:?}");
    }
    assert!(matches!(parse("<a>&nope;</a>"), Err(EwsError::Xml(_))));
    assert!(matches!(
        parse("<!DOCTYPE a [<!ENTITY x 'y'>]><a>&x;</a>"),
        Err(EwsError::Xml(_))
    ));
    let deep = "<a>".repeat(10_000);
    assert!(matches!(parse(&deep), Err(EwsError::Xml(_))));
    // Well-formed, but not what was asked.
    let other = parse("<html><body>Service unavailable</body></html>").expect("XML");
    assert!(matches!(check_response(&other), Err(EwsError::Protocol(_))));
    assert!(matches!(
        parse_events(&other, "ex", None),
        Err(EwsError::Protocol(_))
    ));
    assert!(matches!(
        parse_availability(&other, &[]),
        Err(EwsError::Protocol(_))
    ));
    let empty =
        parse(&fixture("deleteitem.response.xml").replace("m:ResponseMessages", "m:Nothing"));
    assert!(matches!(
        check_response(&empty.expect("XML")),
        Err(EwsError::Protocol(_))
    ));
}

#[test]
fn truncated_answers_are_errors_never_panics() {
    let names =
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/ews")).expect("fixtures");
    let mut checked = 0;
    for entry in names {
        let name = entry
            .expect("an entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if !name.ends_with(".xml") {
            continue;
        }
        let text = fixture(&name);
        let end = text.trim_end().len();
        for cut in (1..end).step_by(7) {
            if !text.is_char_boundary(cut) {
                continue;
            }
            let Ok(doc) = parse(&text[..cut]) else {
                continue;
            };
            panic!("{name} cut at {cut} parsed: {doc:?}");
        }
        // Every reader copes with every answer (an error or not, but no panic).
        let doc = parse(&text).expect("a whole fixture parses");
        let _ = (
            parse_events(&doc, "ex", None),
            parse_contacts(&doc, "ex"),
            parse_calendars(&doc, "ex"),
        );
        let _ = (
            parse_item_ids(&doc),
            parse_autodiscover(&doc),
            parse_availability(&doc, &[]),
        );
        checked += 1;
    }
    assert!(checked >= 60, "{checked} fixtures");
}
