//! Asking before the user leaves a page with work not saved: a link to another page of the app
//! (caught before the router sees the click), and closing or reloading the tab (the browser's
//! own question). What "not saved" means is the caller's.

use gloo::events::{EventListener, EventListenerOptions, EventListenerPhase};
use wasm_bindgen::JsCast;

/// Listens while it lives; dropping it stops asking.
pub struct LeaveGuard {
    _clicks: EventListener,
    _unload: EventListener,
}

/// Asks `question` (a yes/no dialog) when a link leads away while `unsaved()` holds; a "no"
/// keeps the user on the page. Links within the page (`#…`) are let through.
pub fn guard(
    unsaved: impl Fn() -> bool + 'static,
    question: impl Fn() -> String + 'static,
) -> LeaveGuard {
    let unsaved = std::rc::Rc::new(unsaved);
    let window = gloo::utils::window();
    let on_click = {
        let unsaved = unsaved.clone();
        move |event: &web_sys::Event| {
            let link = event
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|el| el.closest("a[href]").ok().flatten());
            let Some(link) = link else {
                return;
            };
            let href = link.get_attribute("href").unwrap_or_default();
            if href.starts_with('#') || !unsaved() {
                return;
            }
            let stay = !gloo::utils::window()
                .confirm_with_message(&question())
                .unwrap_or(true);
            if stay {
                event.prevent_default();
                event.stop_immediate_propagation();
            }
        }
    };
    let on_unload = move |event: &web_sys::Event| {
        if unsaved() {
            // The browser asks its own question (its words, not ours).
            event.prevent_default();
        }
    };
    LeaveGuard {
        _clicks: EventListener::new_with_options(
            &window,
            "click",
            EventListenerOptions {
                phase: EventListenerPhase::Capture,
                passive: false,
            },
            on_click,
        ),
        _unload: EventListener::new_with_options(
            &window,
            "beforeunload",
            EventListenerOptions::enable_prevent_default(),
            on_unload,
        ),
    }
}
