//! Domain: the app's rules and data as plain Rust.
//!
//! Invariant: nothing in this module tree imports a browser or UI crate (the list, and the test
//! that guards it, are in `tests/domain_is_pure.rs`). Time and storage come in as arguments.

pub mod backup;
pub mod concern;
pub mod concern_list;
pub mod concern_store;
pub mod cpr;
pub mod dates;
pub mod guide;
pub mod handoff;
pub mod i18n;
pub mod notification;
pub mod overview;
pub mod pages;
pub mod pretty;
pub mod profile;
pub mod roles;
pub mod settings;
pub mod storage;
pub mod sync;
pub mod team;
pub mod team_keys;
pub mod topics;
pub mod training;
pub mod undo;
pub mod vault;
