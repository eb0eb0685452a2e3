//! Series: a rule written as the documented recurring CreateItem and UpdateItem write it, read
//! back from a recurring master, and a whole series changed through its master.

use crate::client::{ews, ok};
use crate::common::{
    PASSWORD, Received, Server, details, doc, like_documented, ours, person, same_text, texts, time,
};
use sparks_api::pim::{EventDetails, EventRef, Frequency, Repeat};
use sparks_exchange::ews::xml::recurrence;
use sparks_exchange::ews::{
    Fields, FolderId, ItemId, create_calendar_item, parse, parse_events, update_calendar_item,
};

const WEEKLY: Repeat = Repeat {
    every: Frequency::Weekly,
    interval: 1,
};

/// The documented series: Saturdays from 8 March 2014, 13:21 Pacific time, for an hour.
fn documented_series() -> EventDetails {
    EventDetails {
        time_zone: Some("America/Los_Angeles".into()),
        location: "Contoso Main Gallery".into(),
        reminders: vec![30],
        attendees: ["Mack", "Sadie", "Magdalena"]
            .map(|name| person(&format!("{name}@contoso.com")))
            .to_vec(),
        repeat: Some(WEEKLY),
        ..details(
            "Weekly Update Meeting",
            "2014-03-08T21:21:32Z",
            "2014-03-08T22:21:32Z",
        )
    }
}

#[test]
fn a_weekly_series_is_created_as_documented() {
    let fields = Fields::from_details(&documented_series());
    let request = ours(&create_calendar_item(&FolderId::parse("calendar"), &fields));
    let documented = doc("createitem-recurring.request.xml");
    // Documented: ten occurrences; ours go on without end.
    let numbered = "Items/CalendarItem/Recurrence/NumberedRecurrence";
    like_documented(
        &request,
        &documented,
        &[numbered],
        &["Items/CalendarItem", "Items/CalendarItem/Recurrence"],
    );
    let weekly = "Items/CalendarItem/Recurrence/WeeklyRecurrence";
    same_text(&request, &documented, &format!("{weekly}/Interval"));
    same_text(&request, &documented, &format!("{weekly}/DaysOfWeek"));
    // The same first day (the documented one adds Pacific time's offset to the date).
    let start = texts(
        &request,
        "Items/CalendarItem/Recurrence/NoEndRecurrence/StartDate",
    );
    assert_eq!(start, ["2014-03-08"]);
    let theirs = texts(&documented, &format!("{numbered}/StartDate"));
    assert!(theirs[0].starts_with(&start[0]), "{theirs:?}");
}

#[test]
fn each_simple_rule_is_written_on_the_first_days_date_in_its_zone() {
    // 23:30 UTC on Sunday 30 November 2025 is half past midnight on Monday in Berlin.
    let mut details = details("Late", "2025-11-30T23:30:00Z", "2025-12-01T00:00:00Z");
    details.time_zone = Some("Europe/Berlin".into());
    let rule = |every, interval| {
        let mut details = details.clone();
        details.repeat = Some(Repeat { every, interval });
        let request = ours(&create_calendar_item(
            &FolderId::parse("calendar"),
            &Fields::from_details(&details),
        ));
        let pattern =
            |path: &str| texts(&request, &format!("Items/CalendarItem/Recurrence/{path}"));
        [
            pattern("DailyRecurrence/Interval"),
            pattern("WeeklyRecurrence/DaysOfWeek"),
            pattern("AbsoluteMonthlyRecurrence/DayOfMonth"),
            pattern("AbsoluteYearlyRecurrence/Month"),
            pattern("NoEndRecurrence/StartDate"),
        ]
    };
    let [daily, ..] = rule(Frequency::Daily, 3);
    assert_eq!(daily, ["3"]);
    let [_, weekday, .., first] = rule(Frequency::Weekly, 1);
    assert_eq!(
        (weekday, first),
        (vec!["Monday".to_string()], vec!["2025-12-01".to_string()]),
        "Monday in Berlin, though still Sunday in UTC"
    );
    let [_, _, day, ..] = rule(Frequency::Monthly, 2);
    assert_eq!(day, ["1"]);
    let [.., month, _] = rule(Frequency::Yearly, 1);
    assert_eq!(month, ["December"]);
    // EWS's yearly rules have no interval: every other year cannot be written.
    assert!(recurrence::writable(&Repeat {
        every: Frequency::Yearly,
        interval: 1
    }));
    assert!(!recurrence::writable(&Repeat {
        every: Frequency::Yearly,
        interval: 2
    }));
    assert!(recurrence::writable(&Repeat {
        every: Frequency::Monthly,
        interval: 6
    }));
}

#[test]
fn moving_a_series_writes_its_rule_for_the_new_day_as_documented() {
    // The documented change: the series in Eastern time, moved to Tuesdays from 6 May 2014, in
    // Conference Room 2, with Mack and Sadie.
    let old = EventDetails {
        time_zone: Some("America/New_York".into()),
        repeat: Some(WEEKLY),
        ..details(
            "Weekly Update Meeting",
            "2014-05-03T14:00:00Z",
            "2014-05-03T15:00:00Z",
        )
    };
    let new = EventDetails {
        start: time("2014-05-06T14:00:00Z"),
        end: time("2014-05-06T15:00:00Z"),
        location: "Conference Room 2".into(),
        attendees: vec![person("mack@contoso.com"), person("sadie@contoso.com")],
        ..old.clone()
    };
    let (old, new) = (Fields::from_details(&old), Fields::from_details(&new));
    let item = ItemId::new("AAMkADA5...", Some("DwAAABYA...".into()));
    let request = ours(&update_calendar_item(&item, Some(&old), &new).expect("changes"));
    let documented = doc("updateitem-recurring.request.xml");
    let set = "ItemChanges/ItemChange/Updates/SetItemField/CalendarItem";
    // Documented: an end date, and the Exchange 2007 MeetingTimeZone (ours: a TimeZoneContext).
    let except = [
        format!("{set}/Recurrence/EndDateRecurrence"),
        format!("{set}/MeetingTimeZone"),
        format!("{set}/RequiredAttendees/Attendee/Mailbox/Name"),
        format!("{set}/RequiredAttendees/Attendee/Mailbox/RoutingType"),
    ];
    let except: Vec<&str> = except.iter().map(String::as_str).collect();
    like_documented(&request, &documented, &except, &[]);
    let weekly = format!("{set}/Recurrence/WeeklyRecurrence");
    same_text(&request, &documented, &format!("{weekly}/Interval"));
    same_text(&request, &documented, &format!("{weekly}/DaysOfWeek"));
    assert_eq!(
        texts(
            &request,
            &format!("{set}/Recurrence/NoEndRecurrence/StartDate")
        ),
        texts(
            &documented,
            &format!("{set}/Recurrence/EndDateRecurrence/StartDate")
        )
    );
    let zone = crate::common::one(&request, "Header/TimeZoneContext/TimeZoneDefinition");
    assert_eq!(zone.attr("Id"), Some("Eastern Standard Time"));
    // The same series and rule with another title: the rule is not written again.
    let mut renamed = old.clone();
    renamed.subject = "Weekly update".into();
    let request = update_calendar_item(&item, Some(&old), &renamed).expect("changes");
    assert!(!request.contains("Recurrence"), "{request}");
}

#[test]
fn a_masters_rule_is_read_when_sparks_can_show_it() {
    // Ten occurrences: a rule richer than Sparks shows.
    let master = parse(&crate::common::fixture(
        "getitem-recurringmaster.response.xml",
    ));
    let master = master.expect("XML");
    let items = "Body/GetItemResponse/ResponseMessages/GetItemResponseMessage/Items";
    let item = crate::common::one(&master, &format!("{items}/CalendarItem"));
    assert_eq!(recurrence::parse(item), None);
    // Without end: weekly, every week.
    let events = parse_events(&doc("getitem-series.derived.xml"), "ex", None).expect("events");
    let [series] = events.as_slice() else {
        panic!("one series: {events:?}")
    };
    assert_eq!(series.details.repeat, Some(WEEKLY));
    assert_eq!(series.details.start, time("2014-03-08T21:21:00Z"));
    assert!(!series.recurring, "a master is no occurrence");
}

/// Answers the master of any occurrence with the documented series, an item by its id with
/// `item`, and updates and creations as documented.
async fn exchange(item: &'static str) -> Server {
    Server::start(Box::new(move |request: &Received| {
        match request.action.as_deref() {
            Some("GetItem") if request.body.contains("RecurringMasterItemId") => {
                ok("getitem-series.derived.xml")
            }
            Some("GetItem") => ok(item),
            Some("UpdateItem") => ok("updateitem-meeting.response.xml"),
            Some("CreateItem") => ok("createitem-recurring.response.xml"),
            _ => (
                500,
                crate::common::fixture("soap-fault-schema-validation.response.xml"),
            ),
        }
    }))
    .await
}

#[tokio::test]
async fn a_whole_series_is_changed_through_its_master() {
    let server = exchange("getitem-series.derived.xml").await;
    let client = ews(&server, PASSWORD);
    let occurrence = EventRef {
        source: "exchange".into(),
        calendar: "calendar".into(),
        id: "AAMkAD-third".into(),
        version: Some("DwAAABY".into()),
        instance: Some(time("2014-03-22T21:21:00Z")),
    };
    let (master, start) = client.series(&occurrence).await.expect("the series");
    assert_eq!(
        (master.id.as_str(), master.version.as_deref(), start),
        ("AAMkAD", Some("DwAAAB"), time("2014-03-08T21:21:00Z"))
    );
    let get = parse(&server.bodies("GetItem")[0]).expect("XML");
    let asked = crate::common::one(
        crate::common::operation(&get),
        "ItemIds/RecurringMasterItemId",
    );
    assert_eq!(asked.attr("OccurrenceId"), Some("AAMkAD-third"));
    // Every week on Sundays from the day after: the master moves, and its rule with it.
    let mut details = documented_series();
    details.start = time("2014-03-09T21:21:00Z");
    details.end = time("2014-03-09T22:21:00Z");
    client.update(&master, &details).await.expect("updated");
    let update = parse(&server.bodies("UpdateItem")[0]).expect("XML");
    let set = "ItemChanges/ItemChange/Updates/SetItemField/CalendarItem";
    assert_eq!(
        texts(
            &update,
            &format!("{set}/Recurrence/WeeklyRecurrence/DaysOfWeek")
        ),
        ["Sunday"]
    );
    let id = crate::common::one(
        crate::common::operation(&update),
        "ItemChanges/ItemChange/ItemId",
    );
    assert_eq!(id.attr("Id"), Some("AAMkAD"));
}

#[tokio::test]
async fn one_occurrence_never_gets_a_rule_of_its_own() {
    let server = exchange("getitem-exception.derived.xml").await;
    let client = ews(&server, PASSWORD);
    let exception = client.get("AAMkA").await.expect("the exception");
    assert!(exception.recurring);
    let mut details = exception.details.clone();
    details.title = "Moved update".into();
    details.repeat = Some(WEEKLY);
    client
        .update(&exception.at, &details)
        .await
        .expect("updated");
    let update = &server.bodies("UpdateItem")[0];
    assert!(update.contains("item:Subject"), "{update}");
    assert!(!update.contains("Recurrence"), "{update}");
}

#[tokio::test]
async fn a_series_is_created_with_its_rule() {
    let server = exchange("getitem-series.derived.xml").await;
    let client = ews(&server, PASSWORD);
    let created = client
        .create("calendar", &documented_series())
        .await
        .expect("created");
    assert_eq!(
        (created.id.as_str(), created.version.as_deref()),
        ("AAMkAD", Some("DwAAAB"))
    );
    let create = parse(&server.bodies("CreateItem")[0]).expect("XML");
    assert_eq!(
        texts(
            &create,
            "Items/CalendarItem/Recurrence/WeeklyRecurrence/DaysOfWeek"
        ),
        ["Saturday"]
    );
}
