//! The Sparks middleware: the one server every Sparks client talks to besides its homeserver and
//! the SFU. It knows the tenants' backends, checks who a user is with their homeserver, and hands
//! out what the client needs — starting with meeting tokens compatible with Element Call.

pub mod config;
pub mod store;
