//! Microsoft's calendar and contact protocols: Exchange Web Services ([`ews`], SOAP built and
//! read with quick-xml) for on-premises Exchange, and Microsoft Graph ([`graph`], JSON) for
//! Microsoft 365. Both give the same `sparks-api` types as the CalDAV connector.
//!
//! Neither server can run here, so both are tested against the request/response examples of
//! Microsoft's published documentation (`fixtures/*/SOURCES.md`).

pub mod ews;
pub mod graph;
mod zones;
