//! The Microsoft Graph connector against the request/response pairs of Microsoft's published
//! documentation (`fixtures/graph/SOURCES.md` names each one's page), and end to end against a
//! loopback server that answers with them.

mod client;
mod common;
mod documented;
mod events;
