//! Reference server for the SSP Handleguide sync protocol v1 and its spaces
//! (docs/sync-protocol.md): every token belongs to one space, and a request is served in its
//! token's space only.
//!
//! - [`protocol`]: the wire format and its validation (no HTTP, no storage);
//! - [`store`]: SQLite and the push/pull rules (no HTTP);
//! - [`http`]: routes, auth, CORS, limits, logs;
//! - [`auth`]: the token table (hashes, revocation, reload) and the failed-login limit;
//! - [`config`]: the JSON config file and command-line flags;
//! - [`serve`]: the accept loop (connection cap, head-read deadline, graceful stop);
//! - [`teams`]: the random ids and secrets of teams, devices and invites.
//!
//! The server stores each document's `data` as the client sent it and never looks inside:
//! the data is about children, so nothing from it is logged, and it leaves the server only
//! in answers to a valid token.

pub mod auth;
pub mod config;
pub mod http;
pub mod protocol;
pub mod serve;
pub mod store;
pub mod teams;
