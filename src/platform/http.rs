//! HTTP for sync: one request out, its answer read with a cap. Used by the sync rounds
//! (`platform::sync`) and the CouchDB team calls (`platform::couch_team`).

use crate::domain::sync::protocol::{Request, SyncError};
use crate::domain::sync::validate;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// A request gets this long before it counts as a network error.
const TIMEOUT_MS: i32 = 30_000;

/// Sends a request; any answer with a status is `Ok`, no answer is `SyncError::Network`.
///
/// A redirect is not followed (`redirect: "manual"`; the answer is `SyncError::Redirected`):
/// the address must be the sync service itself, and the token must not travel on to wherever
/// a redirect points. (`"error"` refuses too, but the browser then reports it like a lost
/// connection, and the status would say "no connection".) An answer over
/// [`validate::MAX_ANSWER_BYTES`] is not read (`SyncError::AnswerTooLarge`): announced by its
/// Content-Length, or counted while it streams in.
pub async fn send(req: &Request) -> Result<(u16, String), SyncError> {
    let window = gloo::utils::window();
    let init = web_sys::RequestInit::new();
    init.set_method(req.method);
    let headers = web_sys::Headers::new().map_err(|_| SyncError::Network)?;
    for (k, v) in &req.headers {
        headers.set(k, v).map_err(|_| SyncError::Network)?;
    }
    init.set_headers(&headers);
    if let Some(body) = &req.body {
        init.set_body(&wasm_bindgen::JsValue::from_str(body));
    }
    // Never the browser's own login box or cookies: credentials travel only in the header.
    init.set_credentials(web_sys::RequestCredentials::Omit);
    js_sys::Reflect::set(&init, &"redirect".into(), &"manual".into())
        .map_err(|_| SyncError::Network)?;
    let abort = web_sys::AbortController::new().ok();
    if let Some(a) = &abort {
        init.set_signal(Some(&a.signal()));
    }
    let timer = abort
        .clone()
        .map(|a| gloo::timers::callback::Timeout::new(TIMEOUT_MS as u32, move || a.abort()));
    let result = async {
        let resp = JsFuture::from(window.fetch_with_str_and_init(&req.url, &init))
            .await
            .map_err(|_| SyncError::Network)?;
        let resp: web_sys::Response = resp.dyn_into().map_err(|_| SyncError::Network)?;
        let kind = js_sys::Reflect::get(&resp, &"type".into())
            .ok()
            .and_then(|t| t.as_string());
        let announced = resp
            .headers()
            .get("content-length")
            .ok()
            .flatten()
            .and_then(|v| v.trim().parse::<u64>().ok());
        if let Some(refused) =
            validate::refuse_answer(kind.as_deref(), resp.redirected(), announced)
        {
            return Err(refused);
        }
        let text = read_capped(&resp).await?;
        Ok((resp.status(), text))
    }
    .await;
    if matches!(
        result,
        Err(SyncError::AnswerTooLarge | SyncError::Redirected)
    ) {
        // Stop whatever is still arriving.
        if let Some(a) = &abort {
            a.abort();
        }
    }
    drop(timer);
    result
}

/// Reads an answer's body as text, chunk by chunk from its stream, and stops with
/// `SyncError::AnswerTooLarge` once it passes [`validate::MAX_ANSWER_BYTES`].
async fn read_capped(resp: &web_sys::Response) -> Result<String, SyncError> {
    use js_sys::{Function, Reflect, Uint8Array};
    let network = |_| SyncError::Network;
    let body = Reflect::get(resp, &"body".into()).map_err(network)?;
    if body.is_null() || body.is_undefined() {
        return Ok(String::new());
    }
    let get_reader: Function = Reflect::get(&body, &"getReader".into())
        .map_err(network)?
        .dyn_into()
        .map_err(network)?;
    let reader = get_reader.call0(&body).map_err(network)?;
    let read: Function = Reflect::get(&reader, &"read".into())
        .map_err(network)?
        .dyn_into()
        .map_err(network)?;
    let mut bytes: Vec<u8> = Vec::new();
    loop {
        let promise: js_sys::Promise = read
            .call0(&reader)
            .map_err(network)?
            .dyn_into()
            .map_err(network)?;
        let chunk = JsFuture::from(promise).await.map_err(network)?;
        let done = Reflect::get(&chunk, &"done".into())
            .map_err(network)?
            .as_bool()
            .unwrap_or(true);
        if done {
            break;
        }
        let value: Uint8Array = Reflect::get(&chunk, &"value".into())
            .map_err(network)?
            .dyn_into()
            .map_err(network)?;
        if !validate::answer_fits(bytes.len(), value.length() as usize) {
            if let Ok(cancel) = Reflect::get(&reader, &"cancel".into()) {
                if let Ok(cancel) = cancel.dyn_into::<Function>() {
                    let _ = cancel.call0(&reader);
                }
            }
            return Err(SyncError::AnswerTooLarge);
        }
        let start = bytes.len();
        bytes.resize(start + value.length() as usize, 0);
        value.copy_to(&mut bytes[start..]);
    }
    Ok(String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}
