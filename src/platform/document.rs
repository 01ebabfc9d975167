//! The document's language, title and focus.

use wasm_bindgen::JsCast;

/// Sets `<html lang>` so screen readers pronounce the text in the right language.
pub fn set_lang(tag: &str) {
    let _ = gloo::utils::document_element().set_attribute("lang", tag);
}

/// Sets the tab title.
/// Adds or removes a class on `<html>` (e.g. "large-text", which scales every rem).
pub fn set_root_class(class: &str, on: bool) {
    if let Some(root) = gloo::utils::document().document_element() {
        let list = root.class_list();
        let _ = if on {
            list.add_1(class)
        } else {
            list.remove_1(class)
        };
    }
}

pub fn set_title(title: &str) {
    gloo::utils::document().set_title(title);
}

/// Moves keyboard focus to the element with `id` once the next frame is rendered, so an
/// element that the current update is about to show (or create) can take it. Used after the
/// view changes under the user's finger: the new content gets focus, and screen-reader users
/// hear it.
pub fn focus_after_render(id: impl Into<String>) {
    use wasm_bindgen::closure::Closure;
    let id = id.into();
    let callback = Closure::once_into_js(move || focus_element(&id));
    let _ = gloo::utils::window().request_animation_frame(callback.unchecked_ref());
}

fn focus_element(id: &str) {
    if let Some(el) = gloo::utils::document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// Opens the browser's print dialog.
pub fn print() {
    let _ = gloo::utils::window().print();
}

/// Scrolls to the top of the page (after moving to the next question).
pub fn scroll_to_top() {
    gloo::utils::window().scroll_to_with_x_and_y(0.0, 0.0);
}
