//! The user's activity in this tab, for the auto-lock: when they last touched, typed or
//! scrolled, and since when the tab has been hidden. The rule (how long is too long) is the
//! caller's.

use std::cell::Cell;

thread_local! {
    static LAST_ACTIVITY: Cell<u64> = const { Cell::new(0) };
    static HIDDEN_SINCE: Cell<Option<u64>> = const { Cell::new(None) };
}

/// Starts watching for activity (for the life of the page); `on_shown` gets how long the tab
/// was hidden each time it is shown again.
pub fn watch(on_shown: impl Fn(u64) + 'static) {
    touched();
    let window = gloo::utils::window();
    for event in ["pointerdown", "keydown", "wheel", "touchstart"] {
        gloo::events::EventListener::new(&window, event, |_| touched()).forget();
    }
    let document = gloo::utils::document();
    gloo::events::EventListener::new(&document, "visibilitychange", move |_| {
        let now = super::now_ms();
        if gloo::utils::document().hidden() {
            HIDDEN_SINCE.set(Some(now));
        } else if let Some(since) = HIDDEN_SINCE.take() {
            on_shown(now.saturating_sub(since));
            LAST_ACTIVITY.set(now);
        }
    })
    .forget();
}

/// The user did something now (also: the data was just opened).
pub fn touched() {
    LAST_ACTIVITY.set(super::now_ms());
}

/// How long nothing has happened.
pub fn idle_ms() -> u64 {
    super::now_ms().saturating_sub(LAST_ACTIVITY.get())
}
