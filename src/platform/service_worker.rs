//! The service worker that makes the app work offline (`pwa/sw.js`, written to `dist/sw.js` by
//! `pwa/build.mjs`): registering it, and noticing when a newer version of the app is ready.
//!
//! A new version never takes over by itself. Its worker installs in the background and waits;
//! [`register`]'s callback tells the page, and the page calls [`apply_update`] when the user
//! chooses to reload. The API is plain callbacks, no signals.

use gloo::events::EventListener;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    ServiceWorker, ServiceWorkerContainer, ServiceWorkerRegistration, ServiceWorkerState,
};

/// The message `pwa/sw.js` answers with `skipWaiting()`.
const SKIP_WAITING: &str = "SKIP_WAITING";

/// If the new worker has not taken over this long after the page asked, reload anyway.
const TAKEOVER_TIMEOUT_MS: u32 = 4_000;

thread_local! {
    /// `register` has set everything up (once per page).
    static STARTED: Cell<bool> = const { Cell::new(false) };
    static REGISTRATION: RefCell<Option<ServiceWorkerRegistration>> = const { RefCell::new(None) };
    /// The callback of the latest [`register`] call.
    static ON_UPDATE: RefCell<Option<Rc<dyn Fn()>>> = const { RefCell::new(None) };
    /// A newer version is ready; remembered for a callback registered later.
    static UPDATE_READY: Cell<bool> = const { Cell::new(false) };
    /// This page was loaded by a worker (or one has taken it over since). The first worker
    /// taking over a first visit is no update.
    static CONTROLLED: Cell<bool> = const { Cell::new(false) };
    /// This page asked the waiting worker to take over, and reloads when it has.
    static RELOAD_ON_TAKEOVER: Cell<bool> = const { Cell::new(false) };
}

/// The browser's service worker container; `None` where there is none (an insecure context,
/// an old browser).
fn container() -> Option<ServiceWorkerContainer> {
    let navigator = gloo::utils::window().navigator();
    let present = js_sys::Reflect::get(&navigator, &JsValue::from_str("serviceWorker"))
        .is_ok_and(|c| !c.is_undefined() && !c.is_null());
    present.then(|| navigator.service_worker())
}

/// This page is answered by a service worker (from its cache).
pub fn controlled() -> bool {
    container().is_some_and(|c| c.controller().is_some())
}

/// Registers `/sw.js` (the first call on a page), and calls `on_update_ready` when a newer
/// version of the app is ready while this page runs an older one: its worker is installed and
/// waiting, or another tab has already let it take over. A later call replaces the callback
/// (and calls it at once if a new version is already known), so a component that is created
/// again simply registers again. Does nothing where service workers are not available; the
/// app then simply needs the network.
pub fn register(on_update_ready: impl Fn() + 'static) {
    ON_UPDATE.set(Some(Rc::new(on_update_ready)));
    if UPDATE_READY.get() {
        notify();
    }
    if STARTED.replace(true) {
        return;
    }
    let Some(container) = container() else {
        return;
    };
    CONTROLLED.set(container.controller().is_some());
    EventListener::new(&container, "controllerchange", |_| {
        if RELOAD_ON_TAKEOVER.get() {
            reload();
        } else if CONTROLLED.replace(true) {
            // Another tab let the new version take over; this page still runs the old one.
            notify();
        }
    })
    .forget();
    // After the page has loaded, so that the worker's downloads do not compete with the
    // first render.
    let start = move || {
        wasm_bindgen_futures::spawn_local(async move {
            match JsFuture::from(container.register("/sw.js")).await {
                // A browser that blocks workers by policy (or a test harness) may resolve with
                // nothing: then this is a page without offline use, as above.
                Ok(registration) if registration.is_undefined() || registration.is_null() => {}
                Ok(registration) => {
                    let registration: ServiceWorkerRegistration = registration.unchecked_into();
                    watch(&registration);
                    REGISTRATION.set(Some(registration));
                }
                Err(error) => web_sys::console::warn_2(
                    &"SSP Handleguide: no offline use (service worker):".into(),
                    &error,
                ),
            }
        })
    };
    if gloo::utils::document().ready_state() == "complete" {
        start();
    } else {
        EventListener::once(&gloo::utils::window(), "load", move |_| start()).forget();
    }
}

/// Tells the page that a newer version is ready.
fn notify() {
    UPDATE_READY.set(true);
    // Cloned out first: the callback may register again.
    if let Some(callback) = ON_UPDATE.with_borrow(Clone::clone) {
        callback();
    }
}

/// Follows `registration` for updates.
fn watch(registration: &ServiceWorkerRegistration) {
    // Installed on an earlier visit, and still waiting.
    if registration.waiting().is_some() && CONTROLLED.get() {
        notify();
    }
    if let Some(worker) = registration.installing() {
        on_installed(&worker);
    }
    let found = registration.clone();
    EventListener::new(registration, "updatefound", move |_| {
        if let Some(worker) = found.installing() {
            on_installed(&worker);
        }
    })
    .forget();
    // A shared tablet may keep the app open for days: look for a new version whenever the app
    // comes back on screen (the browser also looks on every page load).
    let registration = registration.clone();
    EventListener::new(&gloo::utils::document(), "visibilitychange", move |_| {
        if !gloo::utils::document().hidden() {
            check_for_update(&registration);
        }
    })
    .forget();
}

/// Tells the page when `worker` has installed as an update (not as the first worker).
fn on_installed(worker: &ServiceWorker) {
    let installing = worker.clone();
    EventListener::new(worker, "statechange", move |_| {
        if installing.state() == ServiceWorkerState::Installed && CONTROLLED.get() {
            notify();
        }
    })
    .forget();
}

/// Asks the server for a newer sw.js. Offline this fails quietly; the next check will do.
fn check_for_update(registration: &ServiceWorkerRegistration) {
    if let Ok(checking) = registration.update() {
        wasm_bindgen_futures::spawn_local(async move {
            let _ = JsFuture::from(checking).await;
        });
    }
}

/// Switches to the new version: asks the waiting worker to take over and reloads once it has;
/// reloads at once if it has already taken over (in another tab).
pub fn apply_update() {
    let waiting = REGISTRATION.with_borrow(|r| r.as_ref().and_then(|r| r.waiting()));
    let Some(worker) = waiting else {
        reload();
        return;
    };
    RELOAD_ON_TAKEOVER.set(true);
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&message, &"type".into(), &SKIP_WAITING.into());
    if worker.post_message(&message).is_err() {
        reload();
        return;
    }
    gloo::timers::callback::Timeout::new(TAKEOVER_TIMEOUT_MS, reload).forget();
}

fn reload() {
    let _ = gloo::utils::window().location().reload();
}
