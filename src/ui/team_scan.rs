//! Reading an invite's QR code with the camera, where the browser has `BarcodeDetector`
//! (Chromium on Android and ChromeOS, Safari on iPadOS 17+). Elsewhere the button is not shown
//! and the code is pasted. The camera stops as soon as a code is read, the panel closes, or
//! the page is left.

use crate::domain::i18n::teams::team_texts;
use crate::domain::i18n::Lang;
use crate::domain::team::INVITE_PREFIX;
use crate::platform;
use js_sys::{Array, Function, Object, Promise, Reflect};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Whether this browser can read QR codes from the camera.
fn available() -> bool {
    let window = gloo::utils::window();
    Reflect::has(&window, &"BarcodeDetector".into()).unwrap_or(false)
        && get(&window.navigator(), "mediaDevices").is_ok_and(|d| d.is_object())
}

fn get(target: &JsValue, key: &str) -> Result<JsValue, JsValue> {
    Reflect::get(target, &key.into())
}

fn call0(target: &JsValue, method: &str) -> Result<JsValue, JsValue> {
    get(target, method)?.dyn_into::<Function>()?.call0(target)
}

/// Stops every track of the stream (the camera's light goes out).
fn stop(stream: &JsValue) {
    if let Ok(tracks) = call0(stream, "getTracks") {
        for track in Array::from(&tracks).iter() {
            let _ = call0(&track, "stop");
        }
    }
}

/// Opens the back camera into `video` and looks for an invite's QR code until one is read or
/// `running` goes false; returns the code.
async fn scan(
    video: web_sys::HtmlVideoElement,
    running: RwSignal<bool>,
) -> Result<String, JsValue> {
    let window = gloo::utils::window();
    let constraints = Object::new();
    let video_c = Object::new();
    Reflect::set(&video_c, &"facingMode".into(), &"environment".into())?;
    Reflect::set(&constraints, &"video".into(), &video_c)?;
    let devices = get(&window.navigator(), "mediaDevices")?;
    let get_user_media: Function = get(&devices, "getUserMedia")?.dyn_into()?;
    let stream =
        JsFuture::from(Promise::from(get_user_media.call1(&devices, &constraints)?)).await?;
    Reflect::set(&video, &"srcObject".into(), &stream)?;
    let _ = video.play().map(JsFuture::from);
    let ctor: Function = get(&window, "BarcodeDetector")?.dyn_into()?;
    let options = Object::new();
    Reflect::set(&options, &"formats".into(), &Array::of1(&"qr_code".into()))?;
    let detector = Reflect::construct(&ctor, &Array::of1(&options))?;
    let detect: Function = get(&detector, "detect")?.dyn_into()?;
    let result = loop {
        if !running.get_untracked() {
            break Err(JsValue::NULL);
        }
        platform::document::sleep(250).await;
        let Ok(promise) = detect.call1(&detector, &video) else {
            continue;
        };
        let Ok(found) = JsFuture::from(Promise::from(promise)).await else {
            continue;
        };
        let code = Array::from(&found)
            .iter()
            .filter_map(|b| get(&b, "rawValue").ok()?.as_string())
            .find(|v| v.trim().to_ascii_uppercase().starts_with(INVITE_PREFIX));
        if let Some(code) = code {
            break Ok(code);
        }
    };
    stop(&stream);
    result
}

/// The camera button and its preview; `on_code` gets the code read.
#[component]
pub fn Scan(lang: Memo<Lang>, on_code: impl Fn(String) + Send + Sync + 'static) -> impl IntoView {
    if !available() {
        return ().into_any();
    }
    let tt = move || team_texts(lang.get());
    let running = RwSignal::new(false);
    let failed = RwSignal::new(false);
    let video = NodeRef::<leptos::html::Video>::new();
    let on_code = StoredValue::new(on_code);
    let start = move |_| {
        let Some(v) = video.get_untracked() else {
            return;
        };
        running.set(true);
        failed.set(false);
        leptos::task::spawn_local(async move {
            match scan(v, running).await {
                Ok(code) => on_code.with_value(|f| f(code)),
                Err(e) if !e.is_null() => failed.set(true),
                Err(_) => {}
            }
            running.set(false);
        });
    };
    on_cleanup(move || running.set(false));
    view! {
        <div class="scan">
            <p class="button-row">
                <button type="button" class="btn btn--secondary"
                    on:click=move |ev| if running.get_untracked() { running.set(false) } else { start(ev) }>
                    {move || if running.get() { tt().scan_stop } else { tt().scan }}
                </button>
            </p>
            <video class="scan__video" node_ref=video hidden=move || !running.get()
                muted=true playsinline=true aria-label=move || tt().scan_looking></video>
            {move || failed.get().then(|| view! { <p class="alert alert--error" role="status">{tt().scan_failed}</p> })}
        </div>
    }
    .into_any()
}
