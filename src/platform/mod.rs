//! Platform: the one place that touches browser APIs (web-sys, js-sys).
//!
//! Everything here is a thin adapter that hands plain values to `domain`. WebCrypto for the PIN
//! lock is in `crypto` and `vault`.

pub mod activity;
pub mod backup_file;
pub mod clipboard;
pub mod couch_team;
pub mod crypto;
pub mod document;
pub mod files;
pub mod http;
pub mod leaving;
pub mod local_storage;
pub mod profile_files;
pub mod service_worker;
pub mod sync;
pub mod vault;
pub mod viewport;
pub mod webauthn;

/// Milliseconds since the Unix epoch, from the browser's clock.
pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// This tab's id (sync's lease: one tab syncs at a time). Kept in the tab's sessionStorage, so
/// a reload is the same tab and does not wait a minute for the lease its last page took.
pub fn tab_id() -> String {
    thread_local! {
        static TAB: String = {
            let session = gloo::utils::window().session_storage().ok().flatten();
            let kept = session.as_ref().and_then(|s| s.get_item("ssp.tab").ok().flatten());
            kept.unwrap_or_else(|| {
                let id = new_uuid();
                if let Some(s) = &session {
                    let _ = s.set_item("ssp.tab", &id);
                }
                id
            })
        };
    }
    TAB.with(Clone::clone)
}

/// A new random UUID (v4) from the browser's `crypto.randomUUID()`.
pub fn new_uuid() -> String {
    gloo::utils::window()
        .crypto()
        .map(|c| c.random_uuid())
        .unwrap_or_else(|_| format!("id-{}-{}", now_ms(), js_sys::Math::random().to_bits()))
}
