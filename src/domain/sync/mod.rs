//! Optional sync of concerns to a backend (off by default).
//!
//! - [`protocol`]: the documents and messages of `docs/sync-protocol.md`, and revisions;
//! - [`config`]: what the user sets (backend kind, address, user) and the address rules;
//! - [`engine`]: the durable outbox, applying pushes' answers and pulled changes, conflicts kept
//!   for a person to decide — all on a [`KeyValueStore`](super::storage::KeyValueStore), so the
//!   same code runs on localStorage (through the PIN lock) and natively in the fault tests;
//! - [`validate`]: what a pulled document must be before anything of it is stored;
//! - [`json`] and [`couch`]: the two transports as pure request builders and response parsers;
//!   the browser sends the requests (`platform::sync`).
//!
//! Invariants (each guarded by a test named in ARCHITECTURE.md):
//! - every local change is in the outbox before anything is sent, in the same write as the record;
//! - a mutation, once sent, is frozen: a retry sends the same mutation id and the same content;
//! - a remote change never overwrites a local change that has not reached the server: the two
//!   become a conflict, both versions are kept, and a person chooses;
//! - training mode's namespace has no sync state, so nothing from training is ever queued.

pub mod compare;
pub mod config;
pub mod couch;
pub mod couch_team;
pub mod engine;
pub mod envelope;
pub mod json;
pub mod lane;
pub mod protocol;
pub mod validate;
