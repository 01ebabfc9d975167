//! WebAuthn with the PRF extension, for a lock key bound to this tablet: a credential on the
//! platform authenticator (Face ID / Touch ID, Android's screen lock, Windows Hello) that gives
//! a 32-byte secret for a fixed input after user verification. The secret never leaves the
//! authenticator's control except as that output, so a copy of the storage alone holds nothing
//! to guess against. Built from plain JS objects (js_sys) rather than web-sys's WebAuthn types.

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Why the device key could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceKeyError {
    /// The browser has no WebAuthn, or no platform authenticator with user verification.
    Unsupported,
    /// The authenticator made the credential but gives no PRF output.
    NoPrf,
    /// Refused, cancelled, timed out, or the credential is gone (`NotAllowedError`).
    NotAllowed,
    Other(String),
}

fn set(o: &Object, k: &str, v: &JsValue) {
    let _ = Reflect::set(o, &JsValue::from_str(k), v);
}

fn get(o: &JsValue, k: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
}

fn bytes(b: &[u8]) -> JsValue {
    Uint8Array::from(b).buffer().into()
}

fn error(e: JsValue) -> DeviceKeyError {
    let name = get(&e, "name").as_string().unwrap_or_default();
    match name.as_str() {
        "NotAllowedError" | "AbortError" | "InvalidStateError" => DeviceKeyError::NotAllowed,
        "NotSupportedError" | "SecurityError" => DeviceKeyError::Unsupported,
        _ => DeviceKeyError::Other(format!(
            "{name}: {}",
            get(&e, "message").as_string().unwrap_or_default()
        )),
    }
}

fn credentials() -> Result<JsValue, DeviceKeyError> {
    let c = get(&gloo::utils::window().navigator(), "credentials");
    if c.is_undefined() || get(&gloo::utils::window(), "PublicKeyCredential").is_undefined() {
        return Err(DeviceKeyError::Unsupported);
    }
    Ok(c)
}

async fn call(target: &JsValue, method: &str, arg: &JsValue) -> Result<JsValue, DeviceKeyError> {
    let f: Function = get(target, method)
        .dyn_into()
        .map_err(|_| DeviceKeyError::Unsupported)?;
    let p: Promise = f
        .call1(target, arg)
        .map_err(error)?
        .dyn_into()
        .map_err(|_| DeviceKeyError::Unsupported)?;
    JsFuture::from(p).await.map_err(error)
}

/// Whether a platform authenticator with user verification is there. Whether it has PRF shows
/// only when a credential is made ([`create`]).
pub async fn available() -> bool {
    // WebAuthn needs a domain name: a page opened by IP address (http://127.0.0.1) cannot use it.
    let host = gloo::utils::window()
        .location()
        .hostname()
        .unwrap_or_default();
    if host.parse::<std::net::IpAddr>().is_ok() || host.starts_with('[') {
        return false;
    }
    let pkc = get(&gloo::utils::window(), "PublicKeyCredential");
    if pkc.is_undefined() {
        return false;
    }
    call(
        &pkc,
        "isUserVerifyingPlatformAuthenticatorAvailable",
        &JsValue::UNDEFINED,
    )
    .await
    .is_ok_and(|v| v.is_truthy())
}

/// The public-key options every request shares.
fn public_key(challenge: &[u8]) -> Object {
    let pk = Object::new();
    set(&pk, "challenge", &bytes(challenge));
    set(&pk, "timeout", &JsValue::from_f64(60_000.0));
    set(&pk, "userVerification", &JsValue::from_str("required"));
    pk
}

/// Makes a credential on the platform authenticator. Returns its raw id.
pub async fn create(challenge: &[u8], user_id: &[u8]) -> Result<Vec<u8>, DeviceKeyError> {
    let creds = credentials()?;
    let pk = public_key(challenge);
    let rp = Object::new();
    set(&rp, "name", &JsValue::from_str("SSP Handleguide"));
    set(&pk, "rp", &rp);
    let user = Object::new();
    set(&user, "id", &bytes(user_id));
    set(&user, "name", &JsValue::from_str("ssp-handleguide"));
    set(&user, "displayName", &JsValue::from_str("SSP Handleguide"));
    set(&pk, "user", &user);
    let params = Array::new();
    for alg in [-7.0, -257.0] {
        let p = Object::new();
        set(&p, "type", &JsValue::from_str("public-key"));
        set(&p, "alg", &JsValue::from_f64(alg));
        params.push(&p);
    }
    set(&pk, "pubKeyCredParams", &params);
    let selection = Object::new();
    set(
        &selection,
        "authenticatorAttachment",
        &JsValue::from_str("platform"),
    );
    set(
        &selection,
        "userVerification",
        &JsValue::from_str("required"),
    );
    set(&selection, "residentKey", &JsValue::from_str("discouraged"));
    set(&pk, "authenticatorSelection", &selection);
    let ext = Object::new();
    set(&ext, "prf", &Object::new());
    set(&pk, "extensions", &ext);
    let options = Object::new();
    set(&options, "publicKey", &pk);
    let credential = call(&creds, "create", &options).await?;
    let results = call_results(&credential)?;
    if !get(&get(&results, "prf"), "enabled").is_truthy() {
        return Err(DeviceKeyError::NoPrf);
    }
    Ok(Uint8Array::new(&get(&credential, "rawId")).to_vec())
}

fn call_results(credential: &JsValue) -> Result<JsValue, DeviceKeyError> {
    let f: Function = get(credential, "getClientExtensionResults")
        .dyn_into()
        .map_err(|_| DeviceKeyError::NoPrf)?;
    f.call0(credential).map_err(error)
}

/// The PRF output of credential `id` for `salt`, after the user verifies on the device.
pub async fn prf(challenge: &[u8], id: &[u8], salt: &[u8]) -> Result<Vec<u8>, DeviceKeyError> {
    let creds = credentials()?;
    let pk = public_key(challenge);
    let allow = Object::new();
    set(&allow, "type", &JsValue::from_str("public-key"));
    set(&allow, "id", &bytes(id));
    set(&pk, "allowCredentials", &Array::of1(&allow));
    let eval = Object::new();
    set(&eval, "first", &bytes(salt));
    let prf = Object::new();
    set(&prf, "eval", &eval);
    let ext = Object::new();
    set(&ext, "prf", &prf);
    set(&pk, "extensions", &ext);
    let options = Object::new();
    set(&options, "publicKey", &pk);
    let assertion = call(&creds, "get", &options).await?;
    let first = get(
        &get(&get(&call_results(&assertion)?, "prf"), "results"),
        "first",
    );
    if first.is_undefined() {
        return Err(DeviceKeyError::NoPrf);
    }
    Ok(Uint8Array::new(&first).to_vec())
}
