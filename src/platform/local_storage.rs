//! [`KeyValueStore`] over the browser's localStorage.

use crate::domain::storage::{KeyValueStore, StoreError};
use wasm_bindgen::{JsCast, JsValue};

/// localStorage of the page's origin. A unit struct: it looks the storage up on every call, so
/// it is `Copy` and can be used from any closure.
#[derive(Debug, Clone, Copy, Default)]
pub struct LocalStorage;

fn storage() -> Result<web_sys::Storage, StoreError> {
    let window = web_sys::window().ok_or_else(|| StoreError::Unavailable("no window".into()))?;
    match window.local_storage() {
        Ok(Some(storage)) => Ok(storage),
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
        storage()?.set_item(key, value).map_err(classify)
    }

    fn remove(&self, key: &str) -> Result<(), StoreError> {
        storage()?.remove_item(key).map_err(classify)
    }

    fn keys(&self) -> Result<Vec<String>, StoreError> {
        let storage = storage()?;
        let len = storage.length().map_err(classify)?;
        let mut keys = Vec::with_capacity(len as usize);
        for i in 0..len {
            if let Some(key) = storage.key(i).map_err(classify)? {
                keys.push(key);
            }
        }
        Ok(keys)
    }
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
