//! WebCrypto for the lock: PBKDF2-HMAC-SHA256 key derivation (and HKDF-SHA256 with a device's
//! PRF output), AES-256-GCM, random bytes.
//! No key material leaves WebCrypto except a new data key once, when it is wrapped.

use js_sys::{Array, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AesGcmParams, AesKeyGenParams, CryptoKey, Pbkdf2Params, SubtleCrypto};

fn subtle() -> Result<SubtleCrypto, JsValue> {
    Ok(gloo::utils::window().crypto()?.subtle())
}

/// `n` bytes from the browser's cryptographic random source.
pub fn random_bytes(n: usize) -> Result<Vec<u8>, JsValue> {
    let mut out = vec![0u8; n];
    gloo::utils::window()
        .crypto()?
        .get_random_values_with_u8_array(&mut out)?;
    Ok(out)
}

fn usages(list: &[&str]) -> JsValue {
    list.iter()
        .map(|u| JsValue::from_str(u))
        .collect::<Array>()
        .into()
}

/// Raw key material imported for one use (`PBKDF2` or `HKDF`, `deriveKey` or `deriveBits`).
async fn base_key(raw: &[u8], algorithm: &str, usage: &str) -> Result<CryptoKey, JsValue> {
    let key = JsFuture::from(subtle()?.import_key_with_str(
        "raw",
        &Uint8Array::from(raw),
        algorithm,
        false,
        &usages(&[usage]),
    )?)
    .await?;
    key.dyn_into()
}

fn pbkdf2(salt: &[u8], iterations: u32) -> Pbkdf2Params {
    Pbkdf2Params::new_with_str("PBKDF2", "SHA-256", iterations, &Uint8Array::from(salt))
}

/// An AES-256-GCM key for encrypt and decrypt (not extractable) derived with `params`.
async fn derive_aes(params: &js_sys::Object, base: &CryptoKey) -> Result<CryptoKey, JsValue> {
    let key = JsFuture::from(subtle()?.derive_key_with_object_and_object(
        params,
        base,
        &AesKeyGenParams::new("AES-GCM", 256),
        false,
        &usages(&["encrypt", "decrypt"]),
    )?)
    .await?;
    key.dyn_into()
}

/// The AES-GCM key derived from a PIN or passphrase (not extractable).
pub async fn derive_pin_key(pin: &str, salt: &[u8], iterations: u32) -> Result<CryptoKey, JsValue> {
    let base = base_key(pin.as_bytes(), "PBKDF2", "deriveKey").await?;
    derive_aes(&pbkdf2(salt, iterations), &base).await
}

/// The AES-GCM key of a device-bound lock (not extractable): HKDF-SHA256 over the device's PRF
/// output followed by 32 bytes of PBKDF2-HMAC-SHA256 from the PIN, with the lock's salt and
/// `info`. Neither the PIN nor the device alone gives it.
pub async fn derive_device_key(
    prf: &[u8],
    pin: &str,
    salt: &[u8],
    iterations: u32,
    info: &[u8],
) -> Result<CryptoKey, JsValue> {
    let base = base_key(pin.as_bytes(), "PBKDF2", "deriveBits").await?;
    let pin_bits =
        JsFuture::from(subtle()?.derive_bits_with_object(&pbkdf2(salt, iterations), &base, 256)?)
            .await?;
    let mut ikm = prf.to_vec();
    ikm.extend(Uint8Array::new(&pin_bits).to_vec());
    let hkdf_base = base_key(&ikm, "HKDF", "deriveKey").await;
    ikm.fill(0);
    let hkdf_base = hkdf_base?;
    let hkdf = js_sys::Object::new();
    for (k, v) in [
        ("name", JsValue::from_str("HKDF")),
        ("hash", JsValue::from_str("SHA-256")),
        ("salt", Uint8Array::from(salt).into()),
        ("info", Uint8Array::from(info).into()),
    ] {
        js_sys::Reflect::set(&hkdf, &JsValue::from_str(k), &v)?;
    }
    derive_aes(&hkdf, &hkdf_base).await
}

fn object(pairs: &[(&str, JsValue)]) -> Result<js_sys::Object, JsValue> {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        js_sys::Reflect::set(&o, &JsValue::from_str(k), v)?;
    }
    Ok(o)
}

fn p256() -> Result<js_sys::Object, JsValue> {
    object(&[
        ("name", JsValue::from_str("ECDH")),
        ("namedCurve", JsValue::from_str("P-256")),
    ])
}

/// A new ECDH P-256 key pair for a team (issue 18): the private half as PKCS #8 (kept on the
/// device with the team, sealed by the lock like the rest), the public half raw (65 bytes).
pub async fn ecdh_pair() -> Result<(Vec<u8>, Vec<u8>), JsValue> {
    let (private, public) = new_pair(true).await?;
    let pkcs8 = bytes(JsFuture::from(subtle()?.export_key("pkcs8", &private)?)).await?;
    let raw = bytes(JsFuture::from(subtle()?.export_key("raw", &public)?)).await?;
    Ok((pkcs8, raw))
}

async fn new_pair(extractable: bool) -> Result<(CryptoKey, CryptoKey), JsValue> {
    let pair = JsFuture::from(subtle()?.generate_key_with_object(
        &p256()?,
        extractable,
        &usages(&["deriveBits"]),
    )?)
    .await?;
    let private = js_sys::Reflect::get(&pair, &JsValue::from_str("privateKey"))?.dyn_into()?;
    let public = js_sys::Reflect::get(&pair, &JsValue::from_str("publicKey"))?.dyn_into()?;
    Ok((private, public))
}

/// The AES-256-GCM key that wraps a team key between `private` and the other side's raw
/// public key: HKDF-SHA256 (no salt, `info`) over their ECDH secret (`domain::team_keys`).
async fn wrapping_key(
    private: &CryptoKey,
    their_public: &[u8],
    info: &[u8],
) -> Result<CryptoKey, JsValue> {
    let public: CryptoKey = JsFuture::from(subtle()?.import_key_with_object(
        "raw",
        &Uint8Array::from(their_public),
        &p256()?,
        true,
        &usages(&[]),
    )?)
    .await?
    .dyn_into()?;
    let params = object(&[
        ("name", JsValue::from_str("ECDH")),
        ("public", public.into()),
    ])?;
    let mut secret = bytes(JsFuture::from(
        subtle()?.derive_bits_with_object(&params, private, 256)?,
    ))
    .await?;
    let base = base_key(&secret, "HKDF", "deriveKey").await;
    secret.fill(0);
    let hkdf = object(&[
        ("name", JsValue::from_str("HKDF")),
        ("hash", JsValue::from_str("SHA-256")),
        ("salt", Uint8Array::new_with_length(0).into()),
        ("info", Uint8Array::from(info).into()),
    ])?;
    derive_aes(&hkdf, &base?).await
}

/// Wraps `key` for the device whose raw public key is `their_public`: `(ephemeral public key,
/// IV, sealed key)`.
pub async fn wrap_key(
    their_public: &[u8],
    key: &[u8],
    info: &[u8],
) -> Result<(Vec<u8>, Vec<u8>, Vec<u8>), JsValue> {
    let (private, public) = new_pair(false).await?;
    let aes = wrapping_key(&private, their_public, info).await?;
    let iv = random_bytes(12)?;
    let sealed = bytes(encrypt(&aes, &iv, info, key)?).await?;
    let ephemeral = bytes(JsFuture::from(subtle()?.export_key("raw", &public)?)).await?;
    Ok((ephemeral, iv, sealed))
}

/// Opens a key wrapped for this device (`pkcs8`: its private key). Fails for anything not
/// wrapped for exactly this device and `info`.
pub async fn unwrap_key(
    pkcs8: &[u8],
    ephemeral: &[u8],
    iv: &[u8],
    sealed: &[u8],
    info: &[u8],
) -> Result<Vec<u8>, JsValue> {
    let private: CryptoKey = JsFuture::from(subtle()?.import_key_with_object(
        "pkcs8",
        &Uint8Array::from(pkcs8),
        &p256()?,
        false,
        &usages(&["deriveBits"]),
    )?)
    .await?
    .dyn_into()?;
    let aes = wrapping_key(&private, ephemeral, info).await?;
    bytes(decrypt(&aes, iv, info, sealed)?).await
}

/// A data key from its raw bytes (not extractable once imported).
pub async fn import_data_key(raw: &[u8]) -> Result<CryptoKey, JsValue> {
    let key = JsFuture::from(subtle()?.import_key_with_str(
        "raw",
        &Uint8Array::from(raw),
        "AES-GCM",
        false,
        &usages(&["encrypt", "decrypt"]),
    )?)
    .await?;
    key.dyn_into()
}

fn gcm(iv: &[u8], aad: &[u8]) -> AesGcmParams {
    let params = AesGcmParams::new("AES-GCM", &Uint8Array::from(iv));
    params.set_additional_data(&Uint8Array::from(aad));
    params
}

/// Starts an AES-GCM encryption; the browser works on it while other calls start.
pub fn encrypt(key: &CryptoKey, iv: &[u8], aad: &[u8], plain: &[u8]) -> Result<JsFuture, JsValue> {
    let promise = subtle()?.encrypt_with_object_and_u8_array(&gcm(iv, aad), key, plain)?;
    Ok(JsFuture::from(promise))
}

/// Starts an AES-GCM decryption. A wrong key or a changed byte makes the future fail.
pub fn decrypt(key: &CryptoKey, iv: &[u8], aad: &[u8], ct: &[u8]) -> Result<JsFuture, JsValue> {
    let promise = subtle()?.decrypt_with_object_and_u8_array(&gcm(iv, aad), key, ct)?;
    Ok(JsFuture::from(promise))
}

/// Starts an AES-GCM decryption and hands back the browser's promise (for [`settle_all`]).
pub fn decrypt_promise(
    key: &CryptoKey,
    iv: &[u8],
    aad: &[u8],
    ct: &[u8],
) -> Result<js_sys::Promise, JsValue> {
    subtle()?.decrypt_with_object_and_u8_array(&gcm(iv, aad), key, ct)
}

/// Waits for every promise at once (one wake-up instead of one per value) and returns each
/// result's bytes, or `None` where it failed (a wrong key or a changed byte).
pub async fn settle_all(promises: Vec<js_sys::Promise>) -> Result<Vec<Option<Vec<u8>>>, JsValue> {
    let all = promises.into_iter().collect::<Array>();
    let settled: Array = JsFuture::from(js_sys::Promise::all_settled(&all))
        .await?
        .dyn_into()?;
    let status = JsValue::from_str("status");
    let value = JsValue::from_str("value");
    Ok(settled
        .iter()
        .map(|r| {
            let ok = js_sys::Reflect::get(&r, &status).ok()?.as_string()? == "fulfilled";
            ok.then(|| js_sys::Reflect::get(&r, &value).ok())
                .flatten()
                .map(|buf| Uint8Array::new(&buf).to_vec())
        })
        .collect())
}

/// The bytes of a finished encrypt or decrypt.
pub async fn bytes(f: JsFuture) -> Result<Vec<u8>, JsValue> {
    let buf = f.await?;
    Ok(Uint8Array::new(&buf).to_vec())
}
