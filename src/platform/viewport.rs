//! The width the page's content has, for pictures laid out in CSS pixels.

/// The main column's inner width in CSS px: the window less the page padding, capped at the
/// layout's maximum content width (see `style/main.css`: `--content` 68rem, padding 24 px).
pub fn content_width() -> f64 {
    let window = gloo::utils::window()
        .inner_width()
        .ok()
        .and_then(|w| w.as_f64())
        .unwrap_or(1024.0);
    (window.min(68.0 * 16.0) - 48.0).max(280.0)
}

/// Calls `f` whenever the window is resized; the listener lives as long as the returned value.
pub fn on_resize(f: impl FnMut(&web_sys::Event) + 'static) -> gloo::events::EventListener {
    gloo::events::EventListener::new(&gloo::utils::window(), "resize", f)
}
