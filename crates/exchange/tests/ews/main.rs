//! The Exchange Web Services connector against the request/response pairs of Microsoft's published
//! documentation (`fixtures/ews/SOURCES.md` names each one's page), and end to end against a
//! loopback server that answers with them.

mod client;
mod common;
mod fields;
mod garbage;
mod requests;
mod responses;
mod series;
