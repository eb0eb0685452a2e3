//! What events are written as: meeting links, all-day dates, escaping, and updates that keep
//! attendees' roles.

use crate::common::{all, details, one, operation, ours, person, texts, time};
use sparks_api::pim::{Attendee, EventDetails};
use sparks_exchange::ews::{
    Fields, FolderId, ItemId, create_calendar_item, find_contacts, update_calendar_item,
};

#[test]
fn updating_keeps_optional_attendees_optional() {
    let mut old = Fields::from_details(&details(
        "Code Blast",
        "2014-01-20T18:59:08Z",
        "2014-01-21T00:59:08Z",
    ));
    old.required = vec![person("mack@contoso.com")];
    old.optional = vec![person("alfred@contoso.com")];
    // What a user sees and sends back: everyone in one list, plus a newcomer.
    let mut new = old.clone();
    new.required = vec![
        person("mack@contoso.com"),
        person("ALFRED@contoso.com"),
        person("sadie@contoso.com"),
    ];
    new.optional.clear();
    let item = ItemId::new("AAMkA", None);
    let request = ours(&update_calendar_item(&item, Some(&old), &new).expect("a change"));
    let set = "ItemChanges/ItemChange/Updates/SetItemField";
    let uris: Vec<_> = all(operation(&request), &format!("{set}/FieldURI"))
        .iter()
        .filter_map(|f| f.attr("FieldURI"))
        .collect();
    assert_eq!(
        uris,
        ["calendar:RequiredAttendees"],
        "the optional list is unchanged"
    );
    let emails = texts(
        &request,
        &format!("{set}/CalendarItem/RequiredAttendees/Attendee/Mailbox/EmailAddress"),
    );
    assert_eq!(emails, ["mack@contoso.com", "sadie@contoso.com"]);
    assert!(
        one(operation(&request), "ItemChanges/ItemChange/ItemId")
            .attr("ChangeKey")
            .is_none()
    );
    // Times are set together; an unknown old copy sets everything.
    let everything = ours(&update_calendar_item(&item, None, &new).expect("changes"));
    let uris: Vec<_> = all(operation(&everything), &format!("{set}/FieldURI"))
        .iter()
        .filter_map(|f| f.attr("FieldURI"))
        .collect();
    for uri in [
        "item:Subject",
        "item:ReminderIsSet",
        "calendar:Start",
        "calendar:End",
        "calendar:IsAllDayEvent",
        "calendar:RequiredAttendees",
    ] {
        assert!(uris.contains(&uri), "{uri} in {uris:?}");
    }
}

#[test]
fn text_is_escaped_and_cleaned() {
    let hostile = "Tom & Jerry <b>\"quoted\"</b> 'x' ]]> \u{1}\u{fffe}é😀";
    let details = EventDetails {
        description: hostile.into(),
        location: hostile.into(),
        attendees: vec![Attendee {
            name: Some(hostile.into()),
            ..person("a&b@example.com")
        }],
        ..details(hostile, "2024-05-01T10:00:00Z", "2024-05-01T11:00:00Z")
    };
    let xml = create_calendar_item(
        &FolderId::parse("calendar:x&y@example.com"),
        &Fields::from_details(&details),
    );
    let request = ours(&xml);
    let clean = "Tom & Jerry <b>\"quoted\"</b> 'x' ]]> é😀";
    for path in [
        "Subject",
        "Body",
        "Location",
        "RequiredAttendees/Attendee/Mailbox/Name",
    ] {
        assert_eq!(
            texts(&request, &format!("Items/CalendarItem/{path}")),
            [clean]
        );
    }
    let email = "Items/CalendarItem/RequiredAttendees/Attendee/Mailbox/EmailAddress";
    assert_eq!(texts(&request, email), ["a&b@example.com"]);
    assert_eq!(
        texts(
            &request,
            "SavedItemFolderId/DistinguishedFolderId/Mailbox/EmailAddress"
        ),
        ["x&y@example.com"]
    );
    let query = ours(&find_contacts("\"a\" & 'b' <c>", 10));
    for constant in all(operation(&query), "Restriction/Or/Contains/Constant") {
        assert_eq!(constant.attr("Value"), Some("\"a\" & 'b' <c>"));
    }
}

#[test]
fn meeting_links_go_into_the_body_and_the_location_and_come_back() {
    let link = "https://meet.example.org/r/abc";
    for (location, description) in [
        ("", ""),
        ("Room 1", "Agenda\n\n- one"),
        ("", "Bring snacks"),
    ] {
        let details = EventDetails {
            location: location.into(),
            description: description.into(),
            meeting: Some(link.into()),
            ..details("Standup", "2024-05-01T10:00:00Z", "2024-05-01T10:15:00Z")
        };
        let fields = Fields::from_details(&details);
        assert!(
            fields.body.ends_with(&format!("Join the meeting: {link}")),
            "{:?}",
            fields.body
        );
        assert!(fields.location.contains(link), "{:?}", fields.location);
        assert_eq!(fields.to_details(), details, "{location:?} {description:?}");
    }
    let mut plain = Fields::from_details(&details(
        "Call",
        "2024-05-01T10:00:00Z",
        "2024-05-01T10:15:00Z",
    ));
    plain.location = link.into();
    assert_eq!(
        plain.to_details().meeting.as_deref(),
        Some(link),
        "a link as the location"
    );
}

#[test]
fn all_day_events_are_written_as_whole_days() {
    let details = EventDetails {
        all_day: true,
        ..details("Holiday", "2024-05-01T00:00:00Z", "2024-05-02T00:00:00Z")
    };
    let fields = Fields::from_details(&details);
    assert_eq!((fields.start, fields.end), (details.start, details.end));
    assert_eq!(fields.zone, None);
    let request = ours(&create_calendar_item(&FolderId::parse("calendar"), &fields));
    assert_eq!(
        texts(&request, "Items/CalendarItem/Start"),
        ["2024-05-01T00:00:00"]
    );
    let zone = one(&request, "Header/TimeZoneContext/TimeZoneDefinition");
    assert_eq!(
        zone.attr("Id"),
        Some("UTC"),
        "dates without a zone are read in UTC"
    );
    // Times inside days are widened to the days; an empty range is one day.
    let odd = EventDetails {
        end: time("2024-05-01T00:00:00Z"),
        ..details.clone()
    };
    assert_eq!(Fields::from_details(&odd).end, time("2024-05-02T00:00:00Z"));
    let partial = EventDetails {
        start: time("2024-05-01T09:00:00Z"),
        end: time("2024-05-02T01:00:00Z"),
        ..details
    };
    let fields = Fields::from_details(&partial);
    assert_eq!(
        (fields.start, fields.end),
        (time("2024-05-01T00:00:00Z"), time("2024-05-03T00:00:00Z"))
    );
}
