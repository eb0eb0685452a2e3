//! The app's screens. Each owns its state, `Message`, `update` and `view`; `update` returns an
//! `Action` for the parent to carry out.

pub mod calendar;
pub mod chat;
pub mod home;
pub mod login;
pub mod meeting;
pub mod new_room;
pub mod room;
pub mod security;
pub mod service;
pub mod settings;
pub mod verification;
