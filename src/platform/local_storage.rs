//! [`KeyValueStore`] over the browser's localStorage.

use crate::domain::storage::{KeyValueStore, StoreError};
use wasm_bindgen::{JsCast, JsValue};

/// localStorage of the page's origin. A unit struct: it looks the storage up on every call, so
/// it is `Copy` and can be used from any closure.
#[derive(Debug, Clone, Copy, Default)]
pub struct LocalStorage;

thread_local! {
    /// The page's localStorage once found: it is the same object for the life of the page, and
    /// looking it up again cost two calls into the browser per read (a CPU profile of start-up
    /// with 5,000 concerns: ~11 of ~160 ms).
    static STORAGE: std::cell::OnceCell<web_sys::Storage> = const { std::cell::OnceCell::new() };
    /// The keys as listed earlier in this task, until this tab writes or the task's microtasks
    /// run. Another tab's change reaches this one only in a later task, so within one task the
    /// list is what the browser would give again (start-up lists them for the imported
    /// profiles, sync's kept conflicts and the concerns).
    static KEYS: std::cell::RefCell<Option<Vec<String>>> = const { std::cell::RefCell::new(None) };
}

fn forget_keys() {
    KEYS.with(|k| k.borrow_mut().take());
}

fn storage() -> Result<web_sys::Storage, StoreError> {
    if let Some(storage) = STORAGE.with(|s| s.get().cloned()) {
        return Ok(storage);
    }
    let window = web_sys::window().ok_or_else(|| StoreError::Unavailable("no window".into()))?;
    match window.local_storage() {
        Ok(Some(storage)) => {
            STORAGE.with(|s| {
                let _ = s.set(storage.clone());
            });
            Ok(storage)
        }
        Ok(None) => Err(StoreError::Unavailable("localStorage is missing".into())),
        Err(e) => Err(StoreError::Unavailable(describe(&e))),
    }
}

fn describe(e: &JsValue) -> String {
    match e.dyn_ref::<web_sys::DomException>() {
        Some(ex) => format!("{}: {}", ex.name(), ex.message()),
        None => format!("{e:?}"),
    }
}

fn classify(e: JsValue) -> StoreError {
    match e.dyn_ref::<web_sys::DomException>() {
        // Chromium and Firefox name it differently; both mean "full".
        Some(ex)
            if ex.name() == "QuotaExceededError" || ex.name() == "NS_ERROR_DOM_QUOTA_REACHED" =>
        {
            StoreError::QuotaExceeded
        }
        _ => StoreError::Other(describe(&e)),
    }
}

impl KeyValueStore for LocalStorage {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        storage()?.get_item(key).map_err(classify)
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        forget_keys();
        storage()?.set_item(key, value).map_err(classify)
    }

    fn remove(&self, key: &str) -> Result<(), StoreError> {
        forget_keys();
        storage()?.remove_item(key).map_err(classify)
    }

    fn keys(&self) -> Result<Vec<String>, StoreError> {
        list_keys()?;
        Ok(KEYS.with(|k| k.borrow().clone().unwrap_or_default()))
    }
}

/// Lists the keys into [`KEYS`] unless they are listed there already. Every key crosses into
/// the app in one JSON text, not one call per key: with 5,000 concerns, `key(i)` for each
/// took ~20 ms at start. (At start they are no longer listed before the list of concerns is
/// drawn: `Library::load_chosen`, `concern_io::complete_library`, `sync_status_in_turn`.)
fn list_keys() -> Result<(), StoreError> {
    if KEYS.with(|k| k.borrow().is_some()) {
        return Ok(());
    }
    let storage = storage()?;
    let all = js_sys::Object::keys(storage.unchecked_ref::<js_sys::Object>());
    let listed = js_sys::JSON::stringify(&all)
        .ok()
        .and_then(|text| serde_json::from_str::<Vec<String>>(&String::from(text)).ok());
    // A key JSON cannot carry into the app (half of a UTF-16 pair; another page of this origin
    // can write any key): one at a time, as the browser gives them.
    let keys = if let Some(keys) = listed {
        keys
    } else {
        let len = storage.length().map_err(classify)?;
        let mut keys = Vec::with_capacity(len as usize);
        for i in 0..len {
            keys.extend(storage.key(i).map_err(classify)?);
        }
        keys
    };
    KEYS.with(|k| *k.borrow_mut() = Some(keys));
    // Forgotten when this task's microtasks run, before any other tab's change can arrive.
    wasm_bindgen_futures::spawn_local(async { forget_keys() });
    Ok(())
}

/// Calls `f` with the key whenever another tab or window of the app changes localStorage (the
/// browser's `storage` event; it does not fire in the tab that wrote). Lives as long as the page.
pub fn on_change_elsewhere(mut f: impl FnMut(Option<String>) + 'static) {
    gloo::events::EventListener::new(&gloo::utils::window(), "storage", move |ev| {
        let key = ev.dyn_ref::<web_sys::StorageEvent>().and_then(|e| e.key());
        f(key);
    })
    .forget();
}
