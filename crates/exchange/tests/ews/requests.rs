//! Every request is well-formed XML with what the documented request of its operation has.

use crate::common::{
    all, details, doc, field_uris, instant, like_documented, one, operation, ours, person,
    same_attr, same_text, texts, time,
};
use chrono::TimeDelta;
use sparks_api::pim::{Attendee, EventDetails};
use sparks_exchange::ews::{
    Element, Fields, FolderId, ItemId, Shape, autodiscover_request, create_calendar_item,
    delete_item, find_calendar_folders, find_calendar_view, find_contacts, get_items,
    get_user_availability, parse, parse_time, resolve_names, respond_to_item, update_calendar_item,
};

#[test]
fn a_calendar_view_of_a_folder() {
    let folder = FolderId::Id(ItemId::new("AAMk", Some("AgAA".into())));
    let (start, end) = (time("2013-08-21T17:30:24Z"), time("2013-09-20T17:30:24Z"));
    let request = ours(&find_calendar_view(&folder, start, end, 5));
    let documented = doc("finditem-calendarview.request.xml");
    like_documented(&request, &documented, &[], &[]);
    same_attr(&request, &documented, ".", "Traversal");
    same_text(&request, &documented, "ItemShape/BaseShape");
    same_attr(&request, &documented, "CalendarView", "MaxEntriesReturned");
    same_attr(&request, &documented, "ParentFolderIds/FolderId", "Id");
    same_attr(
        &request,
        &documented,
        "ParentFolderIds/FolderId",
        "ChangeKey",
    );
    let view = |el: &Element, attr| {
        parse_time(
            one(operation(el), "CalendarView")
                .attr(attr)
                .expect("a date"),
        )
    };
    for attr in ["StartDate", "EndDate"] {
        let documented = view(&documented, attr).expect("a time");
        assert_eq!(
            view(&request, attr),
            Some(documented - TimeDelta::milliseconds(127))
        );
    }
    let wanted = field_uris(one(operation(&documented), "ItemShape"));
    let asked = field_uris(one(operation(&request), "ItemShape"));
    assert!(
        wanted.iter().all(|f| asked.contains(f)),
        "{wanted:?} in {asked:?}"
    );
}

#[test]
fn a_calendar_view_of_the_calendar_and_of_a_delegators() {
    let (start, end) = (time("2014-07-01T07:00:00Z"), time("2014-07-31T07:00:00Z"));
    let request = ours(&find_calendar_view(
        &FolderId::parse("calendar"),
        start,
        end,
        1000,
    ));
    let documented = doc("finditem-calendarview-recurring.request.xml");
    like_documented(&request, &documented, &[], &[]);
    same_attr(
        &request,
        &documented,
        "ParentFolderIds/DistinguishedFolderId",
        "Id",
    );
    let documented_start = one(operation(&documented), "CalendarView").attr("StartDate");
    assert_eq!(documented_start.and_then(parse_time), Some(start));
    let wanted = field_uris(one(operation(&documented), "ItemShape"));
    let asked = field_uris(one(operation(&request), "ItemShape"));
    assert!(
        wanted.iter().all(|f| asked.contains(f)),
        "{wanted:?} in {asked:?}"
    );
    // Another mailbox's calendar, as the delegate example names it.
    let delegate = FolderId::parse("calendar:primary@contoso.com");
    let request = ours(&find_calendar_view(&delegate, start, end, 1000));
    let documented = doc("finditem-restriction-delegate.request.xml");
    let parents = |el: &Element| crate::common::paths(one(operation(el), "ParentFolderIds"));
    assert_eq!(parents(&request), parents(&documented));
    same_text(
        &request,
        &documented,
        "ParentFolderIds/DistinguishedFolderId/Mailbox/EmailAddress",
    );
}

#[test]
fn getting_calendar_items() {
    let id = ItemId::new("AsdD89=", Some("Jajs3==".into()));
    let request = ours(&get_items(&[id], Shape::Event));
    let documented = doc("getitem-calendaritem.request.xml");
    like_documented(&request, &documented, &[], &["ItemShape"]);
    same_text(&request, &documented, "ItemShape/BaseShape");
    same_attr(&request, &documented, "ItemIds/ItemId", "Id");
    same_attr(&request, &documented, "ItemIds/ItemId", "ChangeKey");
    assert_eq!(texts(&request, "ItemShape/BodyType"), ["Text"]);
    // Everything the batch example asks for, and what an event needs besides.
    let batch = doc("getitem-calendaritems-batch.request.xml");
    let ids = vec![ItemId::new("AAMkA", Some("DwAAA".into())); 3];
    let request = ours(&get_items(&ids, Shape::Event));
    like_documented(&request, &batch, &[], &["ItemShape"]);
    let asked = field_uris(one(operation(&request), "ItemShape"));
    let wanted = field_uris(one(operation(&batch), "ItemShape"));
    assert!(
        wanted.iter().all(|f| asked.contains(f)),
        "{wanted:?} in {asked:?}"
    );
    for more in [
        "calendar:UID",
        "calendar:OptionalAttendees",
        "calendar:Organizer",
        "calendar:IsAllDayEvent",
        "calendar:StartTimeZone",
        "item:ReminderIsSet",
        "calendar:OriginalStart",
    ] {
        assert!(asked.iter().any(|f| f == more), "{more} in {asked:?}");
    }
    assert_eq!(all(operation(&request), "ItemIds/ItemId").len(), 3);
    let every = ours(&get_items(
        &[ItemId::new("AAAtAE=", Some("EQAAABY".into()))],
        Shape::AllProperties,
    ));
    let documented = doc("getitem-contact.request.xml");
    like_documented(&every, &documented, &[], &[]);
    same_text(&every, &documented, "ItemShape/BaseShape");
    same_attr(&every, &documented, "ItemIds/ItemId", "ChangeKey");
}

fn planning_meeting() -> EventDetails {
    EventDetails {
        description: "Plan the agenda for next week's meeting.".into(),
        location: "Conference Room 721".into(),
        attendees: vec![person("User1@example.com"), person("User2@example.com")],
        reminders: vec![60],
        repeat: None,
        ..details(
            "Planning Meeting",
            "2006-11-02T14:00:00Z",
            "2006-11-02T15:00:00Z",
        )
    }
}

#[test]
fn creating_a_meeting() {
    let fields = Fields::from_details(&planning_meeting());
    let request = ours(&create_calendar_item(&FolderId::parse("calendar"), &fields));
    let documented = doc("createitem-calendaritem.request.xml");
    // The documented example sets the free/busy status; Exchange's default is the same.
    let except = ["Items/CalendarItem/LegacyFreeBusyStatus"];
    like_documented(&request, &documented, &except, &["Items/CalendarItem"]);
    same_attr(&request, &documented, ".", "SendMeetingInvitations");
    same_attr(
        &request,
        &documented,
        "SavedItemFolderId/DistinguishedFolderId",
        "Id",
    );
    for field in [
        "Subject",
        "Body",
        "ReminderIsSet",
        "ReminderMinutesBeforeStart",
        "IsAllDayEvent",
        "Location",
    ] {
        same_text(
            &request,
            &documented,
            &format!("Items/CalendarItem/{field}"),
        );
    }
    same_attr(&request, &documented, "Items/CalendarItem/Body", "BodyType");
    for field in ["Start", "End"] {
        // Documented without an offset (so in UTC, with no time zone context); ours in UTC.
        let path = format!("Items/CalendarItem/{field}");
        assert_eq!(instant(&request, &path), instant(&documented, &path));
    }
    let attendees = "Items/CalendarItem/RequiredAttendees/Attendee/Mailbox/EmailAddress";
    assert_eq!(texts(&request, attendees), texts(&documented, attendees));
}

#[test]
fn creating_a_meeting_with_optional_attendees() {
    let details = EventDetails {
        description: "Let's learn to really work as a team and then have lunch!".into(),
        location: "Conference Room 12".into(),
        reminders: vec![60],
        repeat: None,
        ..details(
            "Team building exercise",
            "2013-09-21T16:00:00Z",
            "2013-09-21T20:00:00Z",
        )
    };
    let mut fields = Fields::from_details(&details);
    fields.required = vec![
        person("Mack.Chaves@contoso.com"),
        person("Sadie.Daniels@contoso.com"),
    ];
    fields.optional = vec![person("Magdalena.Kemp@contoso.com")];
    let request = ours(&create_calendar_item(&FolderId::parse("calendar"), &fields));
    let documented = doc("createitem-meeting.request.xml");
    // The documented one sets the time zone Exchange 2007 way (ours: a TimeZoneContext).
    let except = ["Items/CalendarItem/MeetingTimeZone"];
    like_documented(&request, &documented, &except, &["Items/CalendarItem"]);
    same_attr(&request, &documented, ".", "SendMeetingInvitations");
    for field in [
        "Subject",
        "Body",
        "ReminderMinutesBeforeStart",
        "Start",
        "End",
        "Location",
    ] {
        let path = format!("Items/CalendarItem/{field}");
        if matches!(field, "Start" | "End") {
            assert_eq!(instant(&request, &path), instant(&documented, &path));
        } else {
            same_text(&request, &documented, &path);
        }
    }
    for list in ["RequiredAttendees", "OptionalAttendees"] {
        let path = format!("Items/CalendarItem/{list}/Attendee/Mailbox/EmailAddress");
        assert_eq!(texts(&request, &path), texts(&documented, &path));
    }
}

#[test]
fn creating_an_appointment_invites_nobody() {
    let details = EventDetails {
        description: "Focus on backhand this week.".into(),
        location: "Tennis club".into(),
        ..details(
            "Tennis lesson",
            "2013-09-21T19:00:00Z",
            "2013-09-21T20:00:00Z",
        )
    };
    let request = ours(&create_calendar_item(
        &FolderId::parse("calendar"),
        &Fields::from_details(&details),
    ));
    let documented = doc("createitem-appointment.request.xml");
    let except = [
        "Items/CalendarItem/ReminderDueBy",
        "Items/CalendarItem/MeetingTimeZone",
    ];
    like_documented(&request, &documented, &except, &["Items/CalendarItem"]);
    same_attr(&request, &documented, ".", "SendMeetingInvitations");
    for field in ["Start", "End"] {
        let path = format!("Items/CalendarItem/{field}");
        assert_eq!(instant(&request, &path), instant(&documented, &path));
    }
    assert_eq!(
        texts(&request, "Items/CalendarItem/ReminderIsSet"),
        ["false"]
    );
}

#[test]
fn creating_an_all_day_event_in_its_time_zone() {
    let details = EventDetails {
        all_day: true,
        time_zone: Some("America/New_York".into()),
        ..details("Vacation", "2014-06-09T00:00:00Z", "2014-06-10T00:00:00Z")
    };
    let xml = create_calendar_item(
        &FolderId::parse("calendar"),
        &Fields::from_details(&details),
    );
    let request = ours(&xml);
    let documented = doc("createitem-allday.request.xml");
    let except = ["Items/CalendarItem/LegacyFreeBusyStatus"];
    like_documented(&request, &documented, &except, &["Items/CalendarItem"]);
    let zone = |el: &Element| {
        one(el, "Header/TimeZoneContext/TimeZoneDefinition")
            .attr("Id")
            .map(String::from)
    };
    assert_eq!(zone(&request), zone(&documented));
    same_text(&request, &documented, "Items/CalendarItem/IsAllDayEvent");
    same_attr(
        &request,
        &documented,
        "SavedItemFolderId/DistinguishedFolderId",
        "Id",
    );
    // Midnight in the request's zone: the documented one as UTC in daylight time (04:00Z),
    // ours without an offset, so read in that zone.
    for field in ["Start", "End"] {
        let path = format!("Items/CalendarItem/{field}");
        let documented = instant(&documented, &path) - TimeDelta::hours(4);
        assert_eq!(
            texts(&request, &path),
            [documented.format("%Y-%m-%dT%H:%M:%S").to_string()]
        );
    }
}

#[test]
fn updating_sets_only_what_changed() {
    let mut old = Fields::from_details(&EventDetails {
        location: "Conference Room 12".into(),
        attendees: vec![person("sadie@contoso.com")],
        ..details(
            "Team building exercise",
            "2014-03-09T23:26:33Z",
            "2014-03-10T03:26:33Z",
        )
    });
    let mut new = old.clone();
    new.subject = "Team building exercise has moved!".into();
    new.location = "4567 Contoso Way, Redmond, OH 33333, USA".into();
    let mack = Attendee {
        name: Some("Mack.Chaves@contoso.com".into()),
        ..person("Mack.Chaves@contoso.com")
    };
    let sadie = Attendee {
        name: Some("Sadie.Daniels@contoso.com".into()),
        ..person("Sadie.Daniels@contoso.com")
    };
    new.required = vec![mack, sadie, person("alisa@contoso.com")];
    let item = ItemId::new("AAMkA", Some("DwAAA".into()));
    let request = ours(&update_calendar_item(&item, Some(&old), &new).expect("changes"));
    let documented = doc("updateitem-meeting.request.xml");
    // The documented example also books a projector (a resource) and has no ReminderIsSet.
    let set = "ItemChanges/ItemChange/Updates/SetItemField/CalendarItem";
    let routing = format!("{set}/RequiredAttendees/Attendee/Mailbox/RoutingType");
    let except = [format!("{set}/Resources"), routing];
    let except: Vec<&str> = except.iter().map(String::as_str).collect();
    like_documented(&request, &documented, &except, &[]);
    same_attr(&request, &documented, ".", "MessageDisposition");
    same_attr(&request, &documented, "ItemChanges/ItemChange/ItemId", "Id");
    same_attr(
        &request,
        &documented,
        "ItemChanges/ItemChange/ItemId",
        "ChangeKey",
    );
    let op = operation(&request);
    assert_eq!(
        op.attr("ConflictResolution"),
        Some("NeverOverwrite"),
        "a stale change key fails"
    );
    assert_eq!(
        op.attr("SendMeetingInvitationsOrCancellations"),
        Some("SendToChangedAndSaveCopy")
    );
    let fields = |el: &Element| {
        let set = all(
            operation(el),
            "ItemChanges/ItemChange/Updates/SetItemField/FieldURI",
        );
        set.iter()
            .filter_map(|f| f.attr("FieldURI"))
            .map(String::from)
            .collect::<Vec<_>>()
    };
    let documented_fields: Vec<String> = fields(&documented)
        .into_iter()
        .filter(|f| f != "calendar:Resources")
        .collect();
    assert_eq!(fields(&request), documented_fields);
    for path in [
        "Subject",
        "Location",
        "RequiredAttendees/Attendee/Mailbox/EmailAddress",
        "RequiredAttendees/Attendee/Mailbox/Name",
    ] {
        let path = format!("{set}/{path}");
        assert_eq!(texts(&request, &path), texts(&documented, &path), "{path}");
    }
    // Nothing changed: no request.
    assert_eq!(update_calendar_item(&item, Some(&new), &new.clone()), None);
    // An emptied field is deleted, as the documented DeleteItemField example does.
    old.body = "Let's learn".into();
    let mut emptied = old.clone();
    emptied.body.clear();
    let request = ours(&update_calendar_item(&item, Some(&old), &emptied).expect("a change"));
    let documented = doc("updateitem-deleteitemfield.request.xml");
    like_documented(&request, &documented, &[], &[]);
    same_attr(
        &request,
        &documented,
        "ItemChanges/ItemChange/Updates/DeleteItemField/FieldURI",
        "FieldURI",
    );
    assert_eq!(
        operation(&request).attr("SendMeetingInvitationsOrCancellations"),
        Some("SendToChangedAndSaveCopy")
    );
    // The SetItemField example's shape, for a calendar item.
    let mut alone = old.clone();
    alone.required.clear();
    let mut renamed = alone.clone();
    renamed.subject = "Normal".into();
    let request = ours(&update_calendar_item(&item, Some(&alone), &renamed).expect("a change"));
    let documented = doc("updateitem-setitemfield.request.xml");
    like_documented(
        &request,
        &documented,
        &["ItemChanges/ItemChange/Updates/SetItemField/Message"],
        &[],
    );
    assert_eq!(
        operation(&request).attr("SendMeetingInvitationsOrCancellations"),
        Some("SendToNone")
    );
    // The documented appointment update: a new subject, no invitations.
    let documented = doc("updateitem-appointment.request.xml");
    like_documented(&request, &documented, &[], &[]);
    same_attr(&request, &documented, ".", "MessageDisposition");
    same_attr(
        &request,
        &documented,
        ".",
        "SendMeetingInvitationsOrCancellations",
    );
    let field = "ItemChanges/ItemChange/Updates/SetItemField/FieldURI";
    same_attr(&request, &documented, field, "FieldURI");
}

#[test]
fn answering_a_meeting_request() {
    let item = ItemId::new("AAAlAFVzZ", Some("CwAAABYAA".into()));
    let request = ours(&respond_to_item("t:AcceptItem", &item));
    let documented = doc("createitem-acceptitem.request.xml");
    like_documented(&request, &documented, &[], &[]);
    same_attr(&request, &documented, ".", "MessageDisposition");
    same_attr(
        &request,
        &documented,
        "Items/AcceptItem/ReferenceItemId",
        "Id",
    );
    same_attr(
        &request,
        &documented,
        "Items/AcceptItem/ReferenceItemId",
        "ChangeKey",
    );
    // The other answers are the same shape with their own element (as the page says).
    for kind in ["TentativelyAcceptItem", "DeclineItem"] {
        let request = ours(&respond_to_item(&format!("t:{kind}"), &item));
        let reference = one(
            operation(&request),
            &format!("Items/{kind}/ReferenceItemId"),
        );
        assert_eq!(reference.attr("Id"), Some("AAAlAFVzZ"));
    }
}

#[test]
fn deleting_cancels_meetings() {
    let request = ours(&delete_item(
        &ItemId::new("AAMkA", Some("DwAAA".into())),
        true,
    ));
    let documented = doc("deleteitem-meeting.request.xml");
    like_documented(&request, &documented, &[], &[]);
    for attr in ["DeleteType", "SendMeetingCancellations"] {
        same_attr(&request, &documented, ".", attr);
    }
    same_attr(&request, &documented, "ItemIds/ItemId", "Id");
    same_attr(&request, &documented, "ItemIds/ItemId", "ChangeKey");
    let request = ours(&delete_item(&ItemId::new("AS4AUn==", None), false));
    let documented = doc("deleteitem.request.xml");
    like_documented(&request, &documented, &[], &[]);
    same_attr(&request, &documented, "ItemIds/ItemId", "Id");
    assert_eq!(
        operation(&request).attr("SendMeetingCancellations"),
        Some("SendToNone")
    );
}

#[test]
fn asking_for_free_busy_in_utc() {
    let who = [
        "user1@example.com".to_string(),
        "user2@example.com".to_string(),
    ];
    let (start, end) = (time("2006-10-16T00:00:00Z"), time("2006-10-16T23:59:59Z"));
    let request = ours(&get_user_availability(&who, start, end));
    let documented = doc("getuseravailability.request.xml");
    like_documented(
        &request,
        &documented,
        &[],
        &["TimeZone", "TimeZone/StandardTime", "FreeBusyViewOptions"],
    );
    for path in [
        "FreeBusyViewOptions/TimeWindow/StartTime",
        "FreeBusyViewOptions/TimeWindow/EndTime",
    ] {
        same_text(&request, &documented, path);
    }
    // The documented zone is Pacific time; ours is UTC, without daylight saving time.
    for path in [
        "TimeZone/Bias",
        "TimeZone/StandardTime/Bias",
        "TimeZone/DaylightTime/Bias",
    ] {
        assert_eq!(texts(&request, path), ["0"], "{path}");
    }
    for path in ["Email/Address", "AttendeeType", "ExcludeConflicts"] {
        let path = format!("MailboxDataArray/MailboxData/{path}");
        assert_eq!(texts(&request, &path), texts(&documented, &path));
    }
    // The how-to's request, with `m:` where the reference has a default namespace.
    let documented = doc("getuseravailability-suggestions.request.xml");
    let except = ["SuggestionsViewOptions"];
    like_documented(&request, &documented, &except, &["FreeBusyViewOptions"]);
}

#[test]
fn resolving_names() {
    let request = ours(&resolve_names("User2"));
    let documented = doc("resolvenames.request.xml");
    like_documented(&request, &documented, &[], &[]);
    same_attr(&request, &documented, ".", "ReturnFullContactData");
    same_text(&request, &documented, "UnresolvedEntry");
    // The delegate example limits the search to another mailbox's Contacts folder.
    let delegate = doc("resolvenames-delegate.request.xml");
    let request = ours(&resolve_names("brian"));
    like_documented(&request, &delegate, &["ParentFolderIds"], &[]);
    same_attr(&request, &delegate, ".", "ReturnFullContactData");
}

#[test]
fn listing_and_searching_contacts() {
    let request = ours(&find_contacts("", 3));
    let documented = doc("finditem-contactsview.request.xml");
    // The documented example pages by name (ContactsView); ours by index, to filter.
    like_documented(&request, &documented, &["ContactsView"], &[]);
    same_attr(&request, &documented, ".", "Traversal");
    same_attr(
        &request,
        &documented,
        "ParentFolderIds/DistinguishedFolderId",
        "Id",
    );
    same_attr(
        &request,
        &documented,
        "SortOrder/FieldOrder/FieldURI",
        "FieldURI",
    );
    let asked = field_uris(one(operation(&request), "ItemShape"));
    assert!(
        asked.iter().any(|f| f == "contacts:DisplayName"),
        "{asked:?}"
    );
    assert!(
        all(operation(&request), "Restriction").is_empty(),
        "all contacts"
    );
    let request = ours(&find_contacts(" kelly & <rollin> ", 3));
    let documented = doc("finditem-restriction-delegate.request.xml");
    // Ours matches any of four fields (`Or`); the documented one only the subject.
    let except = [
        "ParentFolderIds/DistinguishedFolderId/Mailbox",
        "Restriction/Contains",
    ];
    like_documented(&request, &documented, &except, &["."]);
    same_attr(&request, &documented, "IndexedPageItemView", "Offset");
    same_attr(&request, &documented, "IndexedPageItemView", "BasePoint");
    let contains = all(operation(&request), "Restriction/Or/Contains");
    assert_eq!(contains.len(), 4, "the name and three addresses");
    let documented = one(operation(&documented), "Restriction/Contains");
    for contains in contains {
        for attr in ["ContainmentMode", "ContainmentComparison"] {
            assert_eq!(contains.attr(attr), documented.attr(attr));
        }
        assert_eq!(
            one(contains, "Constant").attr("Value"),
            Some("kelly & <rollin>")
        );
    }
    let indexed = all(
        operation(&request),
        "Restriction/Or/Contains/IndexedFieldURI",
    );
    assert_eq!(indexed[0].attr("FieldIndex"), Some("EmailAddress1"));
}

#[test]
fn finding_calendar_folders() {
    let request = ours(&find_calendar_folders());
    let documented = doc("findfolder-msgfolderroot.request.xml");
    like_documented(&request, &documented, &[], &["."]);
    same_attr(&request, &documented, ".", "Traversal");
    same_text(&request, &documented, "FolderShape/BaseShape");
    same_attr(
        &request,
        &documented,
        "ParentFolderIds/DistinguishedFolderId",
        "Id",
    );
    same_attr(
        &request,
        &documented,
        "FolderShape/AdditionalProperties/ExtendedFieldURI",
        "PropertyTag",
    );
    same_attr(
        &request,
        &documented,
        "FolderShape/AdditionalProperties/ExtendedFieldURI",
        "PropertyType",
    );
    same_attr(&request, &documented, "IndexedPageFolderView", "BasePoint");
    let asked = field_uris(one(operation(&request), "FolderShape"));
    assert!(
        asked.iter().any(|f| f == "folder:DisplayName")
            && asked.iter().any(|f| f == "folder:FolderClass")
    );
    let class = one(operation(&request), "Restriction/Contains");
    assert_eq!(
        one(class, "Constant").attr("Value"),
        Some("IPF.Appointment")
    );
    like_documented(&request, &doc("findfolder.request.xml"), &[], &["."]);
}

#[test]
fn asking_autodiscover() {
    let xml = autodiscover_request("mara@contoso.com");
    let request = parse(&xml).expect("well-formed");
    let documented = doc("autodiscover-settings.request.xml");
    assert_eq!(request.name, "Autodiscover");
    // The documentation writes the schema URIs with https; they are http.
    let http = |s: &str| s.replace("https://", "http://");
    assert_eq!(request.ns, http(&documented.ns));
    assert_eq!(
        request.ns,
        "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"
    );
    assert_eq!(
        crate::common::paths(&request),
        crate::common::paths(&documented)
    );
    assert_eq!(
        one(&request, "Request/EMailAddress").text,
        one(&documented, "Request/EMailAddress").text
    );
    let schema = |el: &Element| one(el, "Request/AcceptableResponseSchema").text.clone();
    assert_eq!(schema(&request), http(&schema(&documented)));
    let reference = doc("autodiscover-pox.request.xml");
    assert_eq!(
        crate::common::paths(&request),
        crate::common::paths(&reference)
    );
}
