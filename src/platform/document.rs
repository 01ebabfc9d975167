//! The document's language, title and focus.

use wasm_bindgen::JsCast;

/// Removes the start screen that index.html shows before the app runs (`#prerender`, written
/// by `scripts/prerender`). Called just before the app mounts, in the same task, so no frame
/// shows neither.
pub fn remove_prerendered() {
    if let Some(el) = gloo::utils::document().get_element_by_id("prerender") {
        el.remove();
    }
}

/// Sets `<html lang>` so screen readers pronounce the text in the right language.
pub fn set_lang(tag: &str) {
    let _ = gloo::utils::document_element().set_attribute("lang", tag);
}

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

/// The address's path, e.g. "/guide".
pub fn path() -> String {
    gloo::utils::window()
        .location()
        .pathname()
        .unwrap_or_default()
}

/// Loads the page again (e.g. after a page's code could not be fetched).
pub fn reload() {
    let _ = gloo::utils::window().location().reload();
}

/// Sets the tab title.
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

/// A new promise and the function that resolves it (the browser always gives it; `None` only
/// to spare the callers an unwrap).
pub fn deferred() -> Option<(js_sys::Promise, js_sys::Function)> {
    let mut resolve = None;
    let promise = js_sys::Promise::new(&mut |res, _| resolve = Some(res));
    resolve.map(|resolve| (promise, resolve))
}

/// Waits `ms` milliseconds.
pub async fn sleep(ms: i32) {
    if let Some((promise, resolve)) = deferred() {
        let _ = gloo::utils::window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }
}

/// Resolves once the browser has drawn the frame after the next one (in a task after it), or
/// after 100 ms should no frame come (a tab in the background draws none): work that would hold
/// up the frame that shows what is being drawn now waits for it. Two frames, not one: the
/// router may put a page into the document in the next frame's callbacks, and the task after
/// that frame would then run before the page is seen (measured: the list of 5,000 concerns
/// shown after the full load, ~120 ms late).
pub async fn after_next_paint() {
    use wasm_bindgen::closure::Closure;
    let Some((promise, resolve)) = deferred() else {
        return;
    };
    let window = gloo::utils::window();
    let in_a_task = {
        let resolve = resolve.clone();
        Closure::once_into_js(move || {
            let _ = gloo::utils::window()
                .set_timeout_with_callback_and_timeout_and_arguments_0(resolve.unchecked_ref(), 0);
        })
    };
    let next_frame = Closure::once_into_js(move || {
        let _ = gloo::utils::window().request_animation_frame(in_a_task.unchecked_ref());
    });
    let _ = window.request_animation_frame(next_frame.unchecked_ref());
    let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 100);
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Focuses the element, opening the folded `<details>` it is in first (a field the user is
/// sent to must be seen).
fn focus_element(id: &str) {
    let Some(el) = gloo::utils::document().get_element_by_id(id) else {
        return;
    };
    if let Ok(Some(folded)) = el.closest("details:not([open])") {
        let _ = folded.set_attribute("open", "");
    }
    if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
        let _ = el.focus();
    }
}

/// Opens the browser's print dialog.
pub fn print() {
    let _ = gloo::utils::window().print();
}

/// Prints with `header` (e.g. "Køge Kommune · 30.11.2026") at the top of every page, beside
/// the page numbers the stylesheet puts at the bottom: the header goes into an `@page` rule
/// of its own, written as a CSS string so nothing in it is read as CSS.
pub fn print_with_header(header: &str) {
    let document = gloo::utils::document();
    let escaped: String = header
        .chars()
        .flat_map(|c| match c {
            '"' | '\\' => vec!['\\', c],
            '\n' | '\r' => vec![' '],
            c => vec![c],
        })
        .collect();
    let css = format!("@page {{ @top-left {{ content: \"{escaped}\"; }} }}");
    let style = match document.get_element_by_id("print-header") {
        Some(el) => el,
        None => {
            let Ok(el) = document.create_element("style") else {
                print();
                return;
            };
            el.set_id("print-header");
            if let Some(head) = document.head() {
                let _ = head.append_child(&el);
            }
            el
        }
    };
    style.set_text_content(Some(&css));
    print();
}

/// Scrolls to the top of the page (after moving to the next question).
pub fn scroll_to_top() {
    gloo::utils::window().scroll_to_with_x_and_y(0.0, 0.0);
}
