//! EWS's XML: answers read with quick-xml into element trees (names are local, as servers use
//! `t:`, `m:`, `s:` or no prefixes), and SOAP 1.1 requests, written with quick-xml's `Writer`.

use chrono::{DateTime, Utc};
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::name::ResolveResult;
use quick_xml::{NsReader, Writer, XmlVersion};
use sparks_api::pim::Attendee;

use super::{EwsError, Fields, FolderId, ItemId, Result, protocol};

pub mod recurrence;

pub const SOAP: &str = "http://schemas.xmlsoap.org/soap/envelope/";
pub const TYPES: &str = "http://schemas.microsoft.com/exchange/services/2006/types";
pub const MESSAGES: &str = "http://schemas.microsoft.com/exchange/services/2006/messages";
pub const AUTODISCOVER_REQUEST: &str =
    "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006";
pub const AUTODISCOVER_RESPONSE: &str =
    "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";
/// The schema version every request asks for.
pub const SERVER_VERSION: &str = "Exchange2013_SP1";

/// Deeper documents are refused (EWS answers are a dozen levels deep).
const MAX_DEPTH: usize = 128;

/// An element. Read, names are local, `xmlns` attributes left out, entities resolved; built
/// for a request, names are qualified (`t:ItemId`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    pub ns: String,
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Element>,
    pub text: String,
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&str> {
        let found = self.attrs.iter().find(|(k, _)| k == name);
        found.map(|(_, v)| v.as_str())
    }

    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The child's trimmed text, when it has some.
    pub fn text_of(&self, name: &str) -> Option<&str> {
        let text = self.child(name).map(|c| c.text.trim());
        text.filter(|t| !t.is_empty())
    }

    /// The child's trimmed text, or an empty string.
    pub fn string(&self, name: &str) -> String {
        self.text_of(name).unwrap_or_default().to_string()
    }

    /// The children of the child of that name (none if it is missing).
    pub fn list(&self, name: &str) -> &[Element] {
        self.child(name).map_or(&[], |c| &c.children)
    }

    /// The element at the end of a path of child names.
    pub fn path(&self, names: &[&str]) -> Option<&Element> {
        names.iter().try_fold(self, |el, name| el.child(name))
    }

    /// The first element of that name at any depth (this one included).
    pub fn find(&self, name: &str) -> Option<&Element> {
        let below = || self.children.iter().find_map(|c| c.find(name));
        (self.name == name).then_some(self).or_else(below)
    }

    fn a(mut self, key: &str, value: impl Into<String>) -> Element {
        self.attrs.push((key.to_string(), value.into()));
        self
    }

    fn t(mut self, text: impl Into<String>) -> Element {
        self.text = text.into();
        self
    }

    fn c(mut self, children: impl IntoIterator<Item = Element>) -> Element {
        self.children.extend(children);
        self
    }

    /// Writes the element; writing into a `Vec` cannot fail, so `io::Result`s are dropped.
    /// Attribute values and text are escaped, and what XML 1.0 cannot carry is left out.
    fn write(&self, w: &mut Writer<Vec<u8>>) {
        let mut start = BytesStart::new(self.name.as_str());
        for (key, value) in &self.attrs {
            start.push_attribute((key.as_str(), clean(value).as_str()));
        }
        if self.text.is_empty() && self.children.is_empty() {
            let _ = w.write_event(Event::Empty(start));
            return;
        }
        let _ = w.write_event(Event::Start(start));
        let _ = w.write_event(Event::Text(BytesText::new(&clean(&self.text))));
        self.children.iter().for_each(|child| child.write(w));
        let _ = w.write_event(Event::End(BytesEnd::new(self.name.as_str())));
    }

    fn document(&self) -> String {
        let mut w = Writer::new(Vec::new());
        let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)));
        self.write(&mut w);
        String::from_utf8_lossy(&w.into_inner()).into_owned()
    }
}

fn clean(text: &str) -> String {
    let allowed = |c: &char| {
        matches!(c, '\t' | '\n' | '\r' | ' '..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
            || *c >= '\u{10000}'
    };
    text.chars().filter(allowed).collect()
}

fn bad(what: impl std::fmt::Display) -> EwsError {
    EwsError::Xml(what.to_string())
}

/// Reads a whole document. Malformed, truncated or doubly-rooted XML, DTDs and unknown entities
/// are errors; a byte-order mark and whitespace before the declaration are tolerated.
pub fn parse(xml: &str) -> Result<Element> {
    let xml = xml.trim_start_matches('\u{feff}').trim_start();
    let mut reader = NsReader::from_str(xml);
    let (mut stack, mut root) = (Vec::new(), None);
    loop {
        let (ns, event) = match reader.read_resolved_event() {
            Ok((ns, event)) => (namespace(ns), event),
            Err(e) => return Err(bad(format!("{e} (at {})", reader.error_position()))),
        };
        match event {
            Event::Start(_) if stack.len() >= MAX_DEPTH => return Err(bad("nested too deeply")),
            Event::Start(_) if root.is_some() => return Err(bad("a second root element")),
            Event::Start(start) => stack.push(element(ns, &start)?),
            Event::Empty(start) => attach(&mut stack, &mut root, element(ns, &start)?)?,
            Event::End(_) => {
                let done = stack.pop().ok_or_else(|| bad("an end tag without start"))?;
                attach(&mut stack, &mut root, done)?;
            }
            Event::Text(text) => push(&mut stack, &text.xml10_content().map_err(bad)?)?,
            Event::CData(data) => push(&mut stack, &data.xml10_content().map_err(bad)?)?,
            Event::GeneralRef(reference) => {
                let name = reference.decode().map_err(bad)?;
                let text = match reference.resolve_char_ref().map_err(bad)? {
                    Some(c) => c.to_string(),
                    None => quick_xml::escape::resolve_predefined_entity(&name)
                        .ok_or_else(|| bad(format!("unknown entity &{name};")))?
                        .to_string(),
                };
                push(&mut stack, &text)?;
            }
            Event::DocType(_) => return Err(bad("a DTD")),
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(bad(format!("truncated: <{}> is not closed", open.name)));
    }
    root.ok_or_else(|| bad("no element"))
}

fn namespace(ns: ResolveResult<'_>) -> String {
    match ns {
        ResolveResult::Bound(ns) => String::from_utf8_lossy(ns.as_ref()).into_owned(),
        // Unknown prefixes are tolerated: elements are matched by local name.
        ResolveResult::Unbound | ResolveResult::Unknown(_) => String::new(),
    }
}

fn element(ns: String, start: &BytesStart<'_>) -> Result<Element> {
    let local = |name: &[u8]| String::from_utf8_lossy(name).into_owned();
    let mut el = n(&local(start.local_name().as_ref()));
    el.ns = ns;
    for attr in start.attributes() {
        let attr = attr.map_err(bad)?;
        if attr.key.as_namespace_binding().is_none() {
            let value = attr.normalized_value(XmlVersion::Implicit1_0);
            let value = value.map_err(bad)?;
            el = el.a(&local(attr.key.local_name().as_ref()), value);
        }
    }
    Ok(el)
}

fn attach(stack: &mut [Element], root: &mut Option<Element>, el: Element) -> Result<()> {
    match stack.last_mut() {
        Some(parent) => parent.children.push(el),
        None if root.is_none() => *root = Some(el),
        None => return Err(bad("a second root element")),
    }
    Ok(())
}

fn push(stack: &mut [Element], text: &str) -> Result<()> {
    match stack.last_mut() {
        Some(el) => el.text.push_str(text),
        None if text.trim().is_empty() => {}
        None => return Err(bad("text outside the root element")),
    }
    Ok(())
}

/// The error of an EWS response code ([MS-OXWSCDATA]).
fn classify(code: &str, message: &str, fault: bool) -> EwsError {
    let (code, message) = (code.to_string(), message.to_string());
    let conflicts = [
        "ErrorIrresolvableConflict",
        "ErrorStaleObject",
        "ErrorChangeKeyRequired",
    ];
    let conflict = conflicts.contains(&code.as_str()) || code.starts_with("ErrorChangeKey");
    match code.as_str() {
        _ if conflict => EwsError::Conflict { code, message },
        "ErrorItemNotFound" | "ErrorFolderNotFound" => EwsError::NotFound,
        _ if fault => EwsError::Fault { code, message },
        _ => EwsError::Server { code, message },
    }
}

/// The SOAP body, or the fault it carries.
pub(crate) fn soap_body(doc: &Element) -> Result<&Element> {
    if doc.name != "Envelope" {
        return Err(protocol(format!("not a SOAP envelope but <{}>", doc.name)));
    }
    let body = doc.child("Body").ok_or_else(|| protocol("no SOAP body"))?;
    let Some(fault) = body.child("Fault") else {
        return Ok(body);
    };
    let detail = fault.child("detail");
    let code = fault.text_of("faultcode").unwrap_or("Fault");
    let code = code.rsplit(':').next().unwrap_or(code);
    let detailed = detail.and_then(|d| d.text_of("ResponseCode"));
    let code = detailed.unwrap_or(code);
    let message = fault.text_of("faultstring");
    let message = message.or_else(|| detail?.text_of("Message"));
    Err(classify(code, message.unwrap_or_default(), true))
}

/// The response messages of an answer (`…Response/ResponseMessages/*`).
pub(crate) fn messages(doc: &Element) -> Result<&[Element]> {
    let response = soap_body(doc)?.children.first();
    let response = response.ok_or_else(|| protocol("an empty SOAP body"))?;
    let list = response.child("ResponseMessages").map(|l| &l.children[..]);
    list.ok_or_else(|| protocol(format!("no ResponseMessages in <{}>", response.name)))
}

/// A message's `ResponseClass`: `Error` is the error of its `ResponseCode`; warnings pass.
pub(crate) fn check(message: &Element) -> Result<()> {
    let code = message.text_of("ResponseCode").unwrap_or("ErrorUnknown");
    let text = message.text_of("MessageText").unwrap_or_default();
    match message.attr("ResponseClass") {
        Some("Error") => Err(classify(code, text, false)),
        _ => Ok(()),
    }
}

/// The items of a message: `Items` (GetItem, CreateItem, UpdateItem) or `RootFolder/Items`.
pub(crate) fn items(message: &Element) -> &[Element] {
    let found = message.path(&["RootFolder", "Items"]);
    found.map_or(message.list("Items"), |items| &items.children)
}

/// Whether an answer (DeleteItem, …) is a success throughout.
pub fn check_response(doc: &Element) -> Result<()> {
    messages(doc)?.iter().try_for_each(check)
}

/// The ids and change keys of an answer's items (FindItem, GetItem, CreateItem, UpdateItem).
pub fn parse_item_ids(doc: &Element) -> Result<Vec<ItemId>> {
    let mut ids = Vec::new();
    for message in messages(doc)? {
        check(message)?;
        ids.extend(items(message).iter().filter_map(|item| {
            let id = item.child("ItemId")?;
            let key = id.attr("ChangeKey").map(String::from);
            Some(ItemId::new(id.attr("Id")?, key))
        }));
    }
    Ok(ids)
}

/// What POX Autodiscover answered: the EWS URL, or the address or URL to ask again with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Autodiscovered {
    EwsUrl(String),
    RedirectAddr(String),
    RedirectUrl(String),
}

/// A POX Autodiscover answer: the `EwsUrl` (else the older `ASUrl`) of the `EXCH` (else `EXPR`)
/// protocol, or a redirect; an `<Error>` is `Server` with its `ErrorCode` and `Message`.
pub fn parse_autodiscover(doc: &Element) -> Result<Autodiscovered> {
    let response = doc.child("Response").filter(|_| doc.name == "Autodiscover");
    let response = response.ok_or_else(|| protocol("not an Autodiscover answer"))?;
    let account = response.child("Account");
    if let Some(error) = response.child("Error").or_else(|| account?.child("Error")) {
        let (code, message) = (error.string("ErrorCode"), error.string("Message"));
        return Err(EwsError::Server { code, message });
    }
    let account = account.ok_or_else(|| protocol("no Account"))?;
    let text = |name: &str| account.text_of(name).map(String::from);
    match account.text_of("Action") {
        Some("redirectAddr") => text("RedirectAddr").map(Autodiscovered::RedirectAddr),
        Some("redirectUrl") => text("RedirectUrl").map(Autodiscovered::RedirectUrl),
        _ => {
            let protocols: Vec<&Element> = account.children_named("Protocol").collect();
            let url = |(field, kind): (&str, &str)| {
                let protocol = protocols.iter().find(|p| p.text_of("Type") == Some(kind));
                protocol?.text_of(field)
            };
            let choices = [("EwsUrl", "EXCH"), ("EwsUrl", "EXPR"), ("ASUrl", "EXCH")];
            let found = choices.into_iter().chain([("ASUrl", "EXPR")]).find_map(url);
            found.map(|url| Autodiscovered::EwsUrl(url.to_string()))
        }
    }
    .ok_or_else(|| protocol("no EWS URL or redirect in the Autodiscover answer"))
}

fn n(name: &str) -> Element {
    Element {
        name: name.to_string(),
        ..Element::default()
    }
}

fn leaf(name: &str, text: impl Into<String>) -> Element {
    n(name).t(text)
}

fn either(condition: bool, yes: &'static str, no: &'static str) -> &'static str {
    if condition { yes } else { no }
}

fn flag(value: bool) -> &'static str {
    either(value, "true", "false")
}

/// A SOAP envelope with a `RequestServerVersion` header (and a `TimeZoneContext` for `zone`).
fn envelope(zone: Option<&str>, body: Element) -> String {
    let definition = |z: &str| n("t:TimeZoneDefinition").a("Id", z);
    let context = zone.map(|z| n("t:TimeZoneContext").c([definition(z)]));
    let version = n("t:RequestServerVersion").a("Version", SERVER_VERSION);
    let header = n("soap:Header").c([version]).c(context);
    let envelope = n("soap:Envelope").a("xmlns:soap", SOAP).a("xmlns:t", TYPES);
    let envelope = envelope.a("xmlns:m", MESSAGES);
    envelope.c([header, n("soap:Body").c([body])]).document()
}

pub(crate) fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn item_node(id: &ItemId) -> Element {
    id_node("t:ItemId", &id.id, id.change_key.as_deref())
}

fn id_node(name: &str, id: &str, change_key: Option<&str>) -> Element {
    let node = n(name).a("Id", id);
    match change_key {
        Some(key) => node.a("ChangeKey", key),
        None => node,
    }
}

fn folder(folder: &FolderId) -> Element {
    match folder {
        FolderId::Distinguished(name, mailbox) => {
            let email = mailbox.as_deref().map(|m| leaf("t:EmailAddress", m));
            let mailbox = email.map(|email| n("t:Mailbox").c([email]));
            n("t:DistinguishedFolderId").a("Id", name).c(mailbox)
        }
        FolderId::Id(id) => id_node("t:FolderId", &id.id, id.change_key.as_deref()),
    }
}

fn distinguished(name: &str) -> Element {
    folder(&FolderId::Distinguished(name.to_string(), None))
}

/// `uri`, or `uri#index` for an indexed field.
fn field(uri: &str) -> Element {
    match uri.split_once('#') {
        Some((uri, index)) => n("t:IndexedFieldURI")
            .a("FieldURI", uri)
            .a("FieldIndex", index),
        None => n("t:FieldURI").a("FieldURI", uri),
    }
}

fn shape(base: &str, text_body: bool, fields: &str) -> Element {
    let fields: Vec<Element> = fields.split_whitespace().map(field).collect();
    let extra = (!fields.is_empty()).then(|| n("t:AdditionalProperties").c(fields));
    let body = text_body.then(|| leaf("t:BodyType", "Text"));
    n("m:ItemShape")
        .c([leaf("t:BaseShape", base)])
        .c(body)
        .c(extra)
}

/// What a calendar view asks for (FindItem cannot return bodies or attendees).
const VIEW_FIELDS: &str = "\
    item:Subject calendar:Start calendar:End calendar:IsAllDayEvent calendar:Location \
    calendar:CalendarItemType calendar:UID calendar:Organizer";

/// Everything an event needs.
const EVENT_FIELDS: &str = "\
    item:ParentFolderId item:Subject item:Body item:ReminderIsSet \
    item:ReminderMinutesBeforeStart calendar:UID calendar:Start calendar:End \
    calendar:OriginalStart calendar:IsAllDayEvent calendar:Location calendar:CalendarItemType \
    calendar:Organizer calendar:RequiredAttendees calendar:OptionalAttendees \
    calendar:Recurrence calendar:StartTimeZone";

const CONTACT_FIELDS: &str = "\
    contacts:DisplayName contacts:CompanyName contacts:JobTitle \
    contacts:EmailAddress#EmailAddress1 contacts:EmailAddress#EmailAddress2 \
    contacts:EmailAddress#EmailAddress3 contacts:PhoneNumber#BusinessPhone \
    contacts:PhoneNumber#MobilePhone contacts:PhoneNumber#HomePhone \
    contacts:ImAddress#ImAddress1 contacts:ImAddress#ImAddress2 contacts:ImAddress#ImAddress3";

/// `FindItem` with a `CalendarView`: every occurrence in `[start, end)` of one calendar folder.
pub fn find_calendar_view(
    calendar: &FolderId,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    max: u32,
) -> String {
    let view = n("m:CalendarView").a("MaxEntriesReturned", max.to_string());
    let view = view.a("StartDate", utc(start)).a("EndDate", utc(end));
    let parent = n("m:ParentFolderIds").c([folder(calendar)]);
    let find = n("m:FindItem").a("Traversal", "Shallow");
    let find = find.c([shape("IdOnly", false, VIEW_FIELDS), view, parent]);
    envelope(None, find)
}

/// Which properties `GetItem` returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    AllProperties,
    /// What an event needs, the body as text.
    Event,
}

fn item_shape(which: Shape) -> Element {
    match which {
        Shape::AllProperties => shape("AllProperties", true, ""),
        Shape::Event => shape("IdOnly", true, EVENT_FIELDS),
    }
}

/// `GetItem` for items by id (and change key).
pub fn get_items(ids: &[ItemId], which: Shape) -> String {
    let ids = n("m:ItemIds").c(ids.iter().map(item_node));
    envelope(None, n("m:GetItem").c([item_shape(which), ids]))
}

/// `GetItem` for the recurring master of the occurrence (or exception) `occurrence`, by a
/// `RecurringMasterItemId`, with what an event needs.
pub fn get_recurring_master(occurrence: &str) -> String {
    let master = n("t:RecurringMasterItemId").a("OccurrenceId", occurrence);
    let ids = n("m:ItemIds").c([master]);
    envelope(None, n("m:GetItem").c([item_shape(Shape::Event), ids]))
}

fn people(element: &str, people: &[Attendee]) -> Element {
    n(element).c(people.iter().map(|person| {
        let name = person.name.as_deref().filter(|n| !n.is_empty());
        let email = leaf("t:EmailAddress", person.email.as_str());
        let mailbox = n("t:Mailbox").c(name.map(|name| leaf("t:Name", name)));
        n("t:Attendee").c([mailbox.c([email])])
    }))
}

/// Times as sent: all-day events as dates at midnight, read in the request's `TimeZoneContext`
/// (the event's zone, else UTC); others in UTC.
fn times(fields: &Fields) -> (String, String, Option<&str>) {
    let zone = fields.zone.as_deref();
    let (all_day, utc_day) = (fields.all_day, Some(zone.unwrap_or("UTC")));
    let day = |t: DateTime<Utc>| t.format("%Y-%m-%dT00:00:00").to_string();
    let time = |t| if all_day { day(t) } else { utc(t) };
    let zone = if all_day { utc_day } else { zone };
    (time(fields.start), time(fields.end), zone)
}

fn invited(fields: &Fields) -> bool {
    !fields.required.is_empty() || !fields.optional.is_empty()
}

/// `CreateItem` of a `CalendarItem` in `calendar`, inviting its attendees if it has any.
pub fn create_calendar_item(calendar: &FolderId, fields: &Fields) -> String {
    let (start, end, zone) = times(fields);
    let invite = either(invited(fields), "SendToAllAndSaveCopy", "SendToNone");
    let minutes = fields.reminder.map(|m| m.to_string());
    let minutes = minutes.map(|m| leaf("t:ReminderMinutesBeforeStart", m));
    let location = Some(fields.location.as_str()).filter(|l| !l.is_empty());
    let required = Some(&fields.required).filter(|r| !r.is_empty());
    let optional = Some(&fields.optional).filter(|o| !o.is_empty());
    let item = n("t:CalendarItem").c([
        leaf("t:Subject", fields.subject.as_str()),
        leaf("t:Body", fields.body.as_str()).a("BodyType", "Text"),
        leaf("t:ReminderIsSet", flag(fields.reminder.is_some())),
    ]);
    let times = [leaf("t:Start", start), leaf("t:End", end)];
    let all_day = leaf("t:IsAllDayEvent", flag(fields.all_day));
    let item = item.c(minutes).c(times).c([all_day]);
    let item = item.c(location.map(|l| leaf("t:Location", l)));
    let item = item.c(required.map(|r| people("t:RequiredAttendees", r)));
    let item = item.c(optional.map(|o| people("t:OptionalAttendees", o)));
    let item = item.c(recurrence::element(fields));
    let saved = n("m:SavedItemFolderId").c([folder(calendar)]);
    let create = n("m:CreateItem").a("SendMeetingInvitations", invite);
    envelope(zone, create.c([saved, n("m:Items").c([item])]))
}

fn set(uri: &str, value: Element) -> Element {
    let item = n("t:CalendarItem").c([value]);
    n("t:SetItemField").c([n("t:FieldURI").a("FieldURI", uri), item])
}

fn delete(uri: &str) -> Element {
    n("t:DeleteItemField").c([n("t:FieldURI").a("FieldURI", uri)])
}

/// Sets a text field, or deletes it when it becomes empty.
fn set_text(uri: &str, value: Element) -> Element {
    match value.text.is_empty() {
        true => delete(uri),
        false => set(uri, value),
    }
}

fn emails(people: &[Attendee]) -> Vec<String> {
    let mut emails: Vec<String> = people.iter().map(|a| a.email.to_lowercase()).collect();
    emails.sort();
    emails.dedup();
    emails
}

/// `UpdateItem` setting what differs from `old` (the server's copy; `None`: everything), with
/// `ConflictResolution="NeverOverwrite"` and the change key, so a stale key fails with
/// `ErrorIrresolvableConflict`; `None` if nothing differs. Optional attendees stay optional.
pub fn update_calendar_item(item: &ItemId, old: Option<&Fields>, new: &Fields) -> Option<String> {
    let differs = |f: &dyn Fn(&Fields) -> bool| old.is_none_or(f);
    let mut changes = Vec::new();
    if differs(&|o| o.subject != new.subject) {
        let subject = leaf("t:Subject", new.subject.as_str());
        changes.push(set_text("item:Subject", subject));
    }
    if differs(&|o| o.body != new.body) {
        let body = leaf("t:Body", new.body.as_str()).a("BodyType", "Text");
        changes.push(set_text("item:Body", body));
    }
    if differs(&|o| o.reminder != new.reminder) {
        let is_set = leaf("t:ReminderIsSet", flag(new.reminder.is_some()));
        changes.push(set("item:ReminderIsSet", is_set));
        if let Some(minutes) = new.reminder {
            let minutes = leaf("t:ReminderMinutesBeforeStart", minutes.to_string());
            changes.push(set("item:ReminderMinutesBeforeStart", minutes));
        }
    }
    let (start, end, zone) = times(new);
    if differs(&|o| (o.start, o.end, o.all_day) != (new.start, new.end, new.all_day)) {
        // Start and end together, so the item never ends before it starts.
        let all_day = leaf("t:IsAllDayEvent", flag(new.all_day));
        changes.push(set("calendar:Start", leaf("t:Start", start)));
        changes.push(set("calendar:End", leaf("t:End", end)));
        changes.push(set("calendar:IsAllDayEvent", all_day));
    }
    // The rule follows the start: a series moved to another day repeats on that day.
    let rule = |o: &Fields| (o.repeat, o.start, o.zone.clone());
    if let Some(recurrence) = recurrence::element(new)
        && differs(&|o| rule(o) != rule(new))
    {
        changes.push(set("calendar:Recurrence", recurrence));
    }
    if differs(&|o| o.location != new.location) {
        let location = leaf("t:Location", new.location.as_str());
        changes.push(set_text("calendar:Location", location));
    }
    let was_optional = old.map(|o| emails(&o.optional)).unwrap_or_default();
    let optional = |a: &Attendee| was_optional.contains(&a.email.to_lowercase());
    let everyone = new.required.iter().chain(&new.optional).cloned();
    let (optional, required): (Vec<_>, Vec<_>) =
        everyone.partition(|a| new.optional.contains(a) || optional(a));
    let lists = [
        ("RequiredAttendees", required, old.map(|o| &o.required)),
        ("OptionalAttendees", optional, old.map(|o| &o.optional)),
    ];
    for (list, now, then) in lists {
        let uri = format!("calendar:{list}");
        if then.is_some_and(|then| emails(then) == emails(&now)) {
            continue;
        } else if !now.is_empty() {
            changes.push(set(&uri, people(&format!("t:{list}"), &now)));
        } else if then.is_some_and(|then| !then.is_empty()) {
            changes.push(delete(&uri));
        }
    }
    if changes.is_empty() {
        return None;
    }
    let meeting = invited(new) || old.is_some_and(invited);
    let send = either(meeting, "SendToChangedAndSaveCopy", "SendToNone");
    let change = n("t:ItemChange").c([item_node(item), n("t:Updates").c(changes)]);
    let update = n("m:UpdateItem").a("MessageDisposition", "SaveOnly");
    let update = update.a("ConflictResolution", "NeverOverwrite");
    let update = update.a("SendMeetingInvitationsOrCancellations", send);
    Some(envelope(zone, update.c([n("m:ItemChanges").c([change])])))
}

/// `DeleteItem` to Deleted Items, cancelling the meeting with its attendees if `cancel`.
/// `CreateItem` with a meeting response (`t:AcceptItem`, `t:TentativelyAcceptItem` or
/// `t:DeclineItem`) to `item`, sent to the organiser and kept in Sent Items (MS-OXWSMTGS).
pub fn respond_to_item(kind: &str, item: &ItemId) -> String {
    let mut reference = n("t:ReferenceItemId").a("Id", &item.id);
    if let Some(key) = &item.change_key {
        reference = reference.a("ChangeKey", key);
    }
    let create = n("m:CreateItem").a("MessageDisposition", "SendAndSaveCopy");
    envelope(None, create.c([n("m:Items").c([n(kind).c([reference])])]))
}

pub fn delete_item(item: &ItemId, cancel: bool) -> String {
    let cancellations = either(cancel, "SendToAllAndSaveCopy", "SendToNone");
    let delete = n("m:DeleteItem").a("DeleteType", "MoveToDeletedItems");
    let delete = delete.a("SendMeetingCancellations", cancellations);
    envelope(None, delete.c([n("m:ItemIds").c([item_node(item)])]))
}

/// `GetUserAvailability`: free/busy of `emails` in `[start, end)`, with a UTC `TimeZone`.
pub fn get_user_availability(
    emails: &[String],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> String {
    let local = |t: DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%S").to_string();
    let transition = |name: &str| {
        let (bias, time) = (leaf("t:Bias", "0"), leaf("t:Time", "00:00:00"));
        let (order, month) = (leaf("t:DayOrder", "1"), leaf("t:Month", "1"));
        n(name).c([bias, time, order, month, leaf("t:DayOfWeek", "Sunday")])
    };
    let zone = n("t:TimeZone").c([leaf("t:Bias", "0"), transition("t:StandardTime")]);
    let zone = zone.c([transition("t:DaylightTime")]);
    let mailbox = |email: &String| {
        let address = n("t:Email").c([leaf("t:Address", email.as_str())]);
        let kind = leaf("t:AttendeeType", "Required");
        n("t:MailboxData").c([address, kind, leaf("t:ExcludeConflicts", "false")])
    };
    let mailboxes = n("m:MailboxDataArray").c(emails.iter().map(mailbox));
    let window = [leaf("t:StartTime", local(start))];
    let window = n("t:TimeWindow")
        .c(window)
        .c([leaf("t:EndTime", local(end))]);
    let interval = leaf("t:MergedFreeBusyIntervalInMinutes", "30");
    let view = leaf("t:RequestedView", "FreeBusy");
    let options = n("t:FreeBusyViewOptions").c([window, interval, view]);
    let request = n("m:GetUserAvailabilityRequest").c([zone, mailboxes, options]);
    envelope(None, request)
}

/// `ResolveNames` with full contact data: the directory, then the Contacts folder.
pub fn resolve_names(query: &str) -> String {
    let resolve = n("m:ResolveNames").a("ReturnFullContactData", "true");
    envelope(None, resolve.c([leaf("m:UnresolvedEntry", query)]))
}

fn page(element: &str, max: &str) -> Element {
    let page = n(element).a("MaxEntriesReturned", max).a("Offset", "0");
    page.a("BasePoint", "Beginning")
}

fn contains(field_uri: &str, mode: &str, value: &str) -> Element {
    let contains = n("t:Contains").a("ContainmentMode", mode);
    let contains = contains.a("ContainmentComparison", "IgnoreCase");
    contains.c([field(field_uri), n("t:Constant").a("Value", value)])
}

/// `FindItem` in Contacts: at most `max` whose name or address contains `query`, by name.
pub fn find_contacts(query: &str, max: u32) -> String {
    let query = query.trim();
    let fields = "contacts:DisplayName contacts:EmailAddress#EmailAddress1 \
        contacts:EmailAddress#EmailAddress2 contacts:EmailAddress#EmailAddress3";
    let any = fields.split(' ').map(|f| contains(f, "Substring", query));
    let restriction = (!query.is_empty()).then(|| n("m:Restriction").c([n("t:Or").c(any)]));
    let order = n("t:FieldOrder").a("Order", "Ascending");
    let order = n("m:SortOrder").c([order.c([field("contacts:DisplayName")])]);
    let parent = n("m:ParentFolderIds").c([distinguished("contacts")]);
    let view = page("m:IndexedPageItemView", &max.to_string());
    let find = n("m:FindItem").a("Traversal", "Shallow");
    let find = find.c([shape("IdOnly", false, CONTACT_FIELDS), view]);
    envelope(None, find.c(restriction).c([order, parent]))
}

/// `FindFolder` for every calendar folder: class `IPF.Appointment…`, under the message root.
pub fn find_calendar_folders() -> String {
    let fields = "folder:DisplayName folder:FolderClass folder:EffectiveRights".split(' ');
    // PR_ATTR_HIDDEN.
    let hidden = n("t:ExtendedFieldURI").a("PropertyTag", "4340");
    let hidden = hidden.a("PropertyType", "Boolean");
    let extra = n("t:AdditionalProperties").c(fields.map(field)).c([hidden]);
    let shape = n("m:FolderShape").c([leaf("t:BaseShape", "IdOnly"), extra]);
    let class = contains("folder:FolderClass", "Prefixed", "IPF.Appointment");
    let restriction = n("m:Restriction").c([class]);
    let parent = n("m:ParentFolderIds").c([distinguished("msgfolderroot")]);
    let view = page("m:IndexedPageFolderView", "500");
    let find = n("m:FindFolder").a("Traversal", "Deep");
    envelope(None, find.c([shape, view, restriction, parent]))
}

/// The POX Autodiscover request for `email`, asking for the Outlook response schema.
pub fn autodiscover_request(email: &str) -> String {
    let schema = leaf("AcceptableResponseSchema", AUTODISCOVER_RESPONSE);
    let request = n("Request").c([leaf("EMailAddress", email), schema]);
    let autodiscover = n("Autodiscover").a("xmlns", AUTODISCOVER_REQUEST);
    autodiscover.c([request]).document()
}
