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
    static REGISTRATION: RefCell<Option<ServiceWorkerRegistration>> = const { RefCell::new(None) };
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

/// Registers `/sw.js`, and calls `on_update_ready` whenever a newer version of the app is ready
/// while this page runs an older one: its worker is installed and waiting, or another tab has
/// already let it take over. Call once per page. Does nothing where service workers are not
/// available; the app then simply needs the network.
pub fn register(on_update_ready: impl Fn() + 'static) {
    let Some(container) = container() else {
        return;
    };
    let notify: Rc<dyn Fn()> = Rc::new(on_update_ready);
    // A page that no worker loaded (the first visit) gets its first worker without that being
    // an update.
    let controlled = Rc::new(Cell::new(container.controller().is_some()));
    {
        let (notify, controlled) = (notify.clone(), controlled.clone());
        EventListener::new(&container, "controllerchange", move |_| {
            if RELOAD_ON_TAKEOVER.get() {
                reload();
            } else if controlled.replace(true) {
                // Another tab let the new version take over; this page still runs the old one.
                notify();
            }
        })
        .forget();
    }
    // After the page has loaded, so that the worker's downloads do not compete with the
    // first render.
    let start = move || {
        wasm_bindgen_futures::spawn_local(async move {
            match JsFuture::from(container.register("/sw.js")).await {
                Ok(registration) => {
                    let registration: ServiceWorkerRegistration = registration.unchecked_into();
                    watch(&registration, notify, controlled);
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

/// Follows `registration` for updates.
fn watch(
    registration: &ServiceWorkerRegistration,
    notify: Rc<dyn Fn()>,
    controlled: Rc<Cell<bool>>,
) {
    // Installed on an earlier visit, and still waiting.
    if registration.waiting().is_some() && controlled.get() {
        notify();
    }
    if let Some(worker) = registration.installing() {
        on_installed(&worker, notify.clone(), controlled.clone());
    }
    let found = registration.clone();
    EventListener::new(registration, "updatefound", move |_| {
        if let Some(worker) = found.installing() {
            on_installed(&worker, notify.clone(), controlled.clone());
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

/// Calls `notify` when `worker` has installed as an update (not as the first worker).
fn on_installed(worker: &ServiceWorker, notify: Rc<dyn Fn()>, controlled: Rc<Cell<bool>>) {
    let installing = worker.clone();
    EventListener::new(worker, "statechange", move |_| {
        if installing.state() == ServiceWorkerState::Installed && controlled.get() {
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
