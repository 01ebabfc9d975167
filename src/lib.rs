//! SSP Handleguide: guidance for Danish SSP concern handling (Skole, Socialforvaltning, Politi),
//! running entirely in the browser.
//!
//! - [`domain`]: rules and data, plain Rust, no browser APIs; tested natively with `cargo test`.
//! - [`app`]: what the screens ask for (the guide's walk, concern commands, the repository),
//!   plain Rust over the domain, tested natively.
//! - [`platform`]: the one place that touches browser APIs (localStorage, document).
//! - [`ui`]: Leptos components; thin, they render state and call `app` and `domain`.

// No panics in app code: a bad built-in file is a test failure, not a crash (tests may unwrap).
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod app;
pub mod domain;
pub mod platform;
pub mod ui;
