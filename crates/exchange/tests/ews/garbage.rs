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

#[test]
fn one_bad_item_of_a_batch_is_left_out_and_the_others_kept() {
    // The documented all-day item, beside an item Exchange cannot give and one without a start.
    let good = fixture("getitem-allday.derived.xml");
    let open = "<m:GetItemResponseMessage ResponseClass=\"Success\">";
    let corrupt = "<m:GetItemResponseMessage ResponseClass=\"Error\">\
        <m:MessageText>The item is corrupt.</m:MessageText>\
        <m:ResponseCode>ErrorCorruptData</m:ResponseCode><m:Items/></m:GetItemResponseMessage>";
    let startless = "<m:GetItemResponseMessage ResponseClass=\"Success\">\
        <m:ResponseCode>NoError</m:ResponseCode><m:Items><t:CalendarItem>\
        <t:ItemId Id=\"NOSTART\" ChangeKey=\"k\"/><t:Subject>No start</t:Subject>\
        </t:CalendarItem></m:Items></m:GetItemResponseMessage>";
    let batch = good.replacen(open, &format!("{corrupt}{startless}{open}"), 1);
    assert_ne!(batch, good, "the fixture has a GetItem message");
    let events = parse_events(&parse(&batch).expect("XML"), "ex", Some("cal")).expect("events");
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].at.id, "ASUAdT");
    // Asked for that one item itself, the error is the answer (nothing to show is not the
    // same as nothing there); in a calendar's batch that holds only it, it is left out.
    let alone = good.replacen(
        open,
        "<m:GetItemResponseMessage ResponseClass=\"Error\"><m:ResponseCode>ErrorCorruptData</m:ResponseCode>",
        1,
    );
    let alone = alone.replacen("<m:ResponseCode>NoError</m:ResponseCode>", "", 1);
    let alone = parse(&alone).expect("XML");
    assert!(parse_events(&alone, "ex", None).is_err());
    let left_out = parse_events(&alone, "ex", Some("cal")).expect("no error");
    assert!(left_out.is_empty(), "{left_out:?}");
}
