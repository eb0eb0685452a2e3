//! Sparks settings and the directories Sparks keeps its files in.
//!
//! [`Paths`] decides where configuration, data and cache live: the XDG directories of the
//! platform, or a single portable folder when `SPARKS_HOME` is set. [`Settings`] is the
//! user's `settings.toml`, read leniently (unknown keys are ignored with a warning) and
//! written back without losing the user's comments or keys Sparks does not know.

mod drafts;
mod error;
mod paths;
mod settings;

pub use drafts::Drafts;
pub use error::ConfigError;
pub use paths::{HOME_ENV, Paths};
pub use settings::{Settings, TEMPLATE};
