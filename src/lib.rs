//! SSP Handleguide: guidance for Danish SSP concern handling (Skole, Socialforvaltning, Politi),
//! running entirely in the browser.
//!
//! - [`domain`]: rules and data, plain Rust, no browser APIs; tested natively with `cargo test`.
//! - [`platform`]: the one place that touches browser APIs (localStorage, document).
//! - [`ui`]: Leptos components; thin, they read domain state and call domain functions.

pub mod domain;
pub mod platform;
pub mod ui;
