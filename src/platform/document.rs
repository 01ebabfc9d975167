//! The document's language and title.

/// Sets `<html lang>` so screen readers pronounce the text in the right language.
pub fn set_lang(tag: &str) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", tag);
    }
}

/// Sets the tab title.
pub fn set_title(title: &str) {
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        doc.set_title(title);
    }
}

/// Moves keyboard focus to the element with `id` once the next frame is rendered, so an
/// element that the current update is about to show (or create) can take it. Used after the
/// view changes under the user's finger: the new content gets focus, and screen-reader users
/// hear it.
pub fn focus_after_render(id: &'static str) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let Some(window) = web_sys::window() else {
        return;
    };
    let callback = Closure::once_into_js(move || focus_element(id));
    let _ = window.request_animation_frame(callback.unchecked_ref());
}

fn focus_element(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}
