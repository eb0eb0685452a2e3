//! CalDAV and CardDAV (RFC 4791, 6352, 6578, 6764): one user's calendars, events, free/busy
//! and contacts on one server, with iCalendar and vCard read and written through calcard, and
//! others' busy times through the user's scheduling Outbox (RFC 6638) where the server has one.
//!
//! [`Dav`] speaks the protocol; [`Calendars`] and [`AddressBook`] keep a collection's objects
//! with its sync token, so a view is served from memory and refreshed with only what changed.

mod cache;
mod client;
mod freebusy;
pub mod ical;
pub mod schedule;
mod vcard;
mod xml;

pub use cache::{AddressBook, CalendarCache};
pub use client::{Changes, Dav, DavError, Holds, Principal, Resource, matches};
pub use freebusy::merge as merge_busy;
pub use vcard::{contact, matrix_id};
