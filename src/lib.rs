//! SSP Handleguide: guidance for Danish SSP concern handling (Skole, Socialforvaltning, Politi),
//! running entirely in the browser.
//!
//! - [`domain`]: rules and data, plain Rust, no browser APIs; tested natively with `cargo test`.
//! - [`app`]: what the screens ask for (the guide's walk, concern commands, the repository),
//!   plain Rust over the domain, tested natively.
//! - [`platform`]: the one place that touches browser APIs (localStorage, document).
//! - [`ui`]: Leptos components; thin, they render state and call `app` and `domain`.

pub mod app;
pub mod domain;
pub mod platform;
pub mod ui;
