//! Platform: the one place that touches browser APIs (web-sys, js-sys).
//!
//! Everything here is a thin adapter that hands plain values to `domain`. Later: WebCrypto,
//! fetch for sync, the service worker.

pub mod document;
pub mod files;
pub mod local_storage;
pub mod viewport;

/// Milliseconds since the Unix epoch, from the browser's clock.
pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}
