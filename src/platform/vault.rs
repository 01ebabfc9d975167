//! The PIN lock in this tab: locked, open (keys and the decrypted values in memory) or off (no
//! PIN). Domain code reads through [`read`] and writes through [`write`]; while a PIN is set,
//! every write of a sealed key is encrypted with WebCrypto before it reaches localStorage. The
//! format and every rule that needs no browser are in `domain::vault`.

use super::crypto;
use super::local_storage::LocalStorage;
use super::webauthn::{self, DeviceKeyError};
use crate::domain::concern_list::LIST_KEY;
use crate::domain::storage::{self, KeyValueStore, StoreError};
use crate::domain::vault::{
    self, DeviceKey, Failures, LockRecord, Op, Ready, SealStatus, Sealed, Secret, Staged, Stored,
    Unsealed, WrappedKey,
};
use std::cell::RefCell;
use std::collections::BTreeMap;
use web_sys::CryptoKey;

enum State {
    /// No PIN set: values are stored as they are.
    Off,
    /// A PIN is set and not entered: sealed values cannot be read or written.
    Locked,
    Open(Open),
}

struct Open {
    keys: BTreeMap<String, CryptoKey>,
    current: String,
    /// Every sealed key's value, decrypted.
    plain: BTreeMap<String, String>,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(if is_set() { State::Locked } else { State::Off });
    /// Values handed to [`lock_holding`] (changes whose write failed), sealed in memory until the
    /// next unlock.
    static HELD: RefCell<Vec<Sealed>> = const { RefCell::new(Vec::new()) };
}

/// The additional data of a held value: it never goes to storage, so no storage key names it.
const HELD_AAD: &str = "ssp.held";

/// Whether a PIN is set on this device.
pub fn is_set() -> bool {
    matches!(LocalStorage.get(vault::LOCK_KEY), Ok(Some(_)))
}

/// Whether the data is locked in this tab.
pub fn is_locked() -> bool {
    STATE.with_borrow(|s| matches!(s, State::Locked))
}

/// Forgets the keys and the decrypted values (auto-lock, "Lås nu").
pub fn lock() {
    STATE.with_borrow_mut(|s| {
        if matches!(s, State::Open(_)) {
            *s = State::Locked;
        }
    });
}

/// Locks now, and keeps `held` (values the device could not take) sealed in memory under the
/// current data key, so nothing personal stays readable and nothing is lost: [`take_held`] opens
/// them after the next unlock. The decrypted copy is dropped at once; the sealing finishes after.
pub fn lock_holding(held: Vec<String>) {
    let key = current_key();
    lock();
    let Some((key, id)) = key else {
        return;
    };
    leptos::task::spawn_local(async move {
        for value in held {
            let Ok(iv) = crypto::random_bytes(vault::IV_LEN) else {
                continue;
            };
            let aad = vault::value_aad(HELD_AAD);
            let Ok(fut) = crypto::encrypt(&key, &iv, &aad, value.as_bytes()) else {
                continue;
            };
            if let Ok(ct) = crypto::bytes(fut).await {
                HELD.with_borrow_mut(|h| {
                    h.push(Sealed {
                        key: id.clone(),
                        iv,
                        ct,
                    })
                });
            }
        }
    });
}

/// The held values, opened with the keys of the unlocked data (those that do not open stay held).
pub async fn take_held() -> Vec<String> {
    let held = HELD.with_borrow_mut(std::mem::take);
    let mut out = Vec::new();
    for s in held {
        let fut = STATE.with_borrow(|st| match st {
            State::Open(o) => o
                .keys
                .get(&s.key)
                .and_then(|k| crypto::decrypt(k, &s.iv, &vault::value_aad(HELD_AAD), &s.ct).ok()),
            _ => None,
        });
        let opened = match fut {
            Some(fut) => crypto::bytes(fut)
                .await
                .ok()
                .and_then(|b| String::from_utf8(b).ok()),
            None => None,
        };
        match opened {
            Some(v) => out.push(v),
            None => HELD.with_borrow_mut(|h| h.push(s)),
        }
    }
    out
}

/// Reads through the lock: sealed values come decrypted from memory (none while locked).
pub fn read<T>(f: impl FnOnce(&dyn KeyValueStore) -> T) -> T {
    let empty = BTreeMap::new();
    STATE.with_borrow(|s| match s {
        State::Off => f(&LocalStorage),
        State::Open(o) => f(&Unsealed {
            device: &LocalStorage,
            plain: &o.plain,
        }),
        State::Locked => f(&Unsealed {
            device: &LocalStorage,
            plain: &empty,
        }),
    })
}

/// Runs `f` (domain code that reads and writes) and stores its writes, sealed if a PIN is set;
/// then calls `done` with `f`'s result and whether every write reached the device. With no PIN,
/// `f` writes directly and `done` runs at once.
pub fn write<T: 'static>(
    f: impl FnOnce(&dyn KeyValueStore) -> T,
    done: impl FnOnce(T, Result<(), StoreError>) + 'static,
) {
    if STATE.with_borrow(|s| matches!(s, State::Off)) {
        let value = f(&LocalStorage);
        done(value, Ok(()));
        return;
    }
    let (value, ops) = read(|base| {
        let staged = Staged::new(base);
        let value = f(&staged);
        (value, staged.into_ops())
    });
    leptos::task::spawn_local(async move {
        let result = commit(ops).await;
        done(value, result);
    });
}

fn crypto_error(e: wasm_bindgen::JsValue) -> StoreError {
    StoreError::Other(format!("WebCrypto: {e:?}"))
}

/// The current data key and its id, while open.
fn current_key() -> Option<(CryptoKey, String)> {
    STATE.with_borrow(|s| match s {
        State::Open(o) => o
            .keys
            .get(&o.current)
            .cloned()
            .map(|k| (k, o.current.clone())),
        _ => None,
    })
}

/// Seals the writes of sealed keys with `key` (all encryptions run at once); with `key` `None`
/// and a lock set, a write of a sealed key is refused: never in the clear.
async fn seal(
    ops: Vec<Op>,
    key: Option<(CryptoKey, String)>,
    needs_lock: bool,
) -> Result<Vec<Ready>, StoreError> {
    let mut started = Vec::with_capacity(ops.len());
    for op in ops {
        started.push(match op {
            Op::Remove(k) => (Ready::Remove(k), None),
            Op::Set(k, v) if needs_lock && vault::is_sealed_key(&k) => {
                let Some((key, id)) = &key else {
                    return Err(StoreError::Unavailable("locked".into()));
                };
                let iv = crypto::random_bytes(vault::IV_LEN).map_err(crypto_error)?;
                let fut = crypto::encrypt(key, &iv, &vault::value_aad(&k), v.as_bytes())
                    .map_err(crypto_error)?;
                let ready = Ready::Set {
                    key: k,
                    stored: String::new(),
                    plain: v,
                };
                (ready, Some((id.clone(), iv, fut)))
            }
            Op::Set(k, v) => (
                Ready::Set {
                    key: k,
                    stored: v.clone(),
                    plain: v,
                },
                None,
            ),
        });
    }
    let mut ready = Vec::with_capacity(started.len());
    for (mut r, sealing) in started {
        if let (Some((id, iv, fut)), Ready::Set { stored, .. }) = (sealing, &mut r) {
            let ct = crypto::bytes(fut).await.map_err(crypto_error)?;
            *stored = Sealed { key: id, iv, ct }.encode();
        }
        ready.push(r);
    }
    Ok(ready)
}

/// Seals the staged writes and applies them in order.
async fn commit(ops: Vec<Op>) -> Result<(), StoreError> {
    let needs_lock = !STATE.with_borrow(|s| matches!(s, State::Off));
    let ready = seal(ops, current_key(), needs_lock).await?;
    STATE.with_borrow_mut(|s| match s {
        State::Open(o) => vault::apply(&LocalStorage, &mut o.plain, ready),
        _ => vault::apply(&LocalStorage, &mut BTreeMap::new(), ready),
    })
}

/// What opens the lock on this device, if one is set.
pub fn secret_kind() -> Option<Secret> {
    match read_lock()? {
        Ok(lock) => Some(lock.secret),
        Err(()) => Some(Secret::Pin),
    }
}

/// Whether the lock set on this device is bound to its authenticator as well.
pub fn device_bound() -> bool {
    matches!(read_lock(), Some(Ok(lock)) if lock.device.is_some())
}

/// How much of what should be sealed is sealed on the device now.
pub fn seal_status() -> SealStatus {
    vault::seal_status(&LocalStorage)
}

/// Why the data could not be opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnlockError {
    WrongPin,
    /// Too many wrong PINs: wait this many milliseconds.
    Wait(u64),
    /// The lock record is damaged: the data cannot be opened (and is not deleted).
    Damaged,
    /// The browser refused (no WebCrypto, storage unavailable).
    Browser(String),
    /// The device key could not be used: refused, cancelled, or gone from this tablet.
    DeviceKey(DeviceKeyError),
}

impl UnlockError {
    fn browser(e: wasm_bindgen::JsValue) -> Self {
        UnlockError::Browser(format!("{e:?}"))
    }
}

/// What opening found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Opened {
    pub values: usize,
    /// Values that could not be decrypted and were set aside (quarantine).
    pub set_aside: usize,
}

fn read_lock() -> Option<Result<LockRecord, ()>> {
    let raw = LocalStorage.get(vault::LOCK_KEY).ok()??;
    // Never quarantined: without it nothing sealed opens, so a damaged record stays put.
    Some(
        vault::LOCK_CODEC
            .decode::<LockRecord>(&raw)
            .ok()
            .filter(|l| l.validate().is_ok())
            .ok_or(()),
    )
}

/// Wrong attempts so far.
pub fn failures() -> Failures {
    LocalStorage
        .get(vault::FAILURES_KEY)
        .ok()
        .flatten()
        .and_then(|raw| vault::FAILURES_CODEC.decode(&raw).ok())
        .unwrap_or_default()
}

fn set_failures(f: Failures) {
    let _ = if f.count == 0 {
        LocalStorage.remove(vault::FAILURES_KEY)
    } else {
        vault::FAILURES_CODEC
            .encode(&f)
            .and_then(|raw| LocalStorage.set(vault::FAILURES_KEY, &raw))
    };
}

/// The key that wraps the data keys: from the secret alone, or (device-bound) from the
/// device's PRF output and the secret. `prf` is the output when it is already known.
async fn wrapping_key(
    salt: &[u8],
    iterations: u32,
    device: Option<&DeviceKey>,
    secret: &str,
    prf: Option<&[u8]>,
) -> Result<(CryptoKey, Option<Vec<u8>>), UnlockError> {
    let browser = UnlockError::browser;
    let Some(d) = device else {
        let kek = crypto::derive_pin_key(secret, salt, iterations)
            .await
            .map_err(browser)?;
        return Ok((kek, None));
    };
    let output = match prf {
        Some(p) => p.to_vec(),
        None => {
            let id = vault::b64_decode(&d.credential).unwrap_or_default();
            let input = vault::b64_decode(&d.prf_salt).unwrap_or_default();
            let challenge = crypto::random_bytes(32).map_err(browser)?;
            webauthn::prf(&challenge, &id, &input)
                .await
                .map_err(UnlockError::DeviceKey)?
        }
    };
    let info = vault::DEVICE_INFO.as_bytes();
    let kek = crypto::derive_device_key(&output, secret, salt, iterations, info)
        .await
        .map_err(browser)?;
    Ok((kek, Some(output)))
}

/// Derives the wrapping key (asking the device first, for a device-bound lock) and unwraps
/// every data key; a wrong PIN is counted. Returns the device's PRF output too, if any.
async fn open_keys(
    lock: &LockRecord,
    pin: &str,
    now_ms: u64,
) -> Result<(Vec<(String, Vec<u8>)>, Option<Vec<u8>>), UnlockError> {
    let wait = failures().wait_ms(now_ms);
    if wait > 0 {
        return Err(UnlockError::Wait(wait));
    }
    let browser = UnlockError::browser;
    let (kek, prf) = wrapping_key(
        &lock.salt_bytes(),
        lock.iterations,
        lock.device.as_ref(),
        pin,
        None,
    )
    .await?;
    let mut raw = Vec::new();
    for k in &lock.keys {
        let iv = vault::b64_decode(&k.iv).unwrap_or_default();
        let wrapped = vault::b64_decode(&k.wrapped).unwrap_or_default();
        let fut = crypto::decrypt(&kek, &iv, &vault::key_aad(&k.id), &wrapped).map_err(browser)?;
        match crypto::bytes(fut).await {
            Ok(bytes) => raw.push((k.id.clone(), bytes)),
            Err(_) => {
                set_failures(failures().record(now_ms));
                return Err(UnlockError::WrongPin);
            }
        }
    }
    set_failures(Failures::default());
    Ok((raw, prf))
}

async fn import_all(
    raw: Vec<(String, Vec<u8>)>,
) -> Result<BTreeMap<String, CryptoKey>, UnlockError> {
    let mut keys = BTreeMap::new();
    for (id, mut bytes) in raw {
        let key = crypto::import_data_key(&bytes)
            .await
            .map_err(UnlockError::browser)?;
        bytes.fill(0);
        keys.insert(id, key);
    }
    Ok(keys)
}

/// Opens the data with the PIN: every sealed value is decrypted into memory. A value that does
/// not open with the right PIN (changed on disk) is set aside in the quarantine, never deleted.
/// Values still in the clear, or under an older key, are sealed again under the current key.
pub async fn unlock(pin: &str, now_ms: u64) -> Result<Opened, UnlockError> {
    let lock = match read_lock() {
        None => {
            STATE.with_borrow_mut(|s| *s = State::Off);
            return Ok(Opened::default());
        }
        Some(Err(())) => return Err(UnlockError::Damaged),
        Some(Ok(lock)) => lock,
    };
    let keys = import_all(open_keys(&lock, pin, now_ms).await?.0).await?;
    let names: Vec<String> = LocalStorage
        .keys()
        .map_err(|e| UnlockError::Browser(e.to_string()))?
        .into_iter()
        .filter(|k| vault::is_sealed_key(k))
        .collect();
    // Start every decryption, then collect them.
    let mut plain = BTreeMap::new();
    let mut reseal = Vec::new();
    let mut bad = Vec::new();
    let mut pending = Vec::new();
    for name in names {
        let Ok(Some(raw)) = LocalStorage.get(&name) else {
            continue;
        };
        match Sealed::classify(&raw) {
            Stored::Plain => {
                plain.insert(name.clone(), raw);
                reseal.push(name);
            }
            Stored::Sealed(s) => match keys.get(&s.key) {
                Some(key) => {
                    match crypto::decrypt_promise(key, &s.iv, &vault::value_aad(&name), &s.ct) {
                        Ok(p) => pending.push((name, raw, s.key, p)),
                        Err(_) => bad.push((name, raw, "WebCrypto refused the value")),
                    }
                }
                None => bad.push((name, raw, "sealed with a key the lock does not have")),
            },
            Stored::Malformed => bad.push((name, raw, "damaged sealed value")),
        }
    }
    let (meta, promises): (Vec<_>, Vec<_>) = pending
        .into_iter()
        .map(|(name, raw, key_id, p)| ((name, raw, key_id), p))
        .unzip();
    let opened_all = crypto::settle_all(promises)
        .await
        .map_err(UnlockError::browser)?;
    for ((name, raw, key_id), bytes) in meta.into_iter().zip(opened_all) {
        match bytes.map(String::from_utf8) {
            Some(Ok(text)) => {
                if key_id != lock.current {
                    reseal.push(name.clone());
                }
                plain.insert(name, text);
            }
            _ => bad.push((
                name,
                raw,
                "does not decrypt with the right PIN (changed on disk)",
            )),
        }
    }
    let opened = Opened {
        values: plain.len(),
        set_aside: bad.len(),
    };
    STATE.with_borrow_mut(|s| {
        *s = State::Open(Open {
            keys,
            current: lock.current.clone(),
            plain,
        })
    });
    // Set aside what does not open (the ciphertext as it was, in a record sealed like its
    // source), and seal again what is in the clear or under an older key.
    let again = read(|v| {
        let staged = Staged::new(v);
        for (name, raw, why) in &bad {
            let _ = storage::quarantine(&staged, name, raw, why, now_ms);
        }
        for k in &reseal {
            if let Ok(Some(value)) = staged.get(k) {
                let _ = staged.set(k, &value);
            }
        }
        staged.into_ops()
    });
    if commit(again).await.is_ok() && lock.keys.len() > 1 {
        // A PIN change was interrupted: every value is now under the current key.
        let mut done = lock.clone();
        done.keys.retain(|k| k.id == lock.current);
        let _ = vault::LOCK_CODEC
            .encode(&done)
            .and_then(|raw| LocalStorage.set(vault::LOCK_KEY, &raw));
        STATE.with_borrow_mut(|s| {
            if let State::Open(o) = s {
                o.keys.retain(|id, _| *id == lock.current);
            }
        });
    }
    Ok(opened)
}

/// Why setting, changing or removing the PIN failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinError {
    Unlock(UnlockError),
    Store(StoreError),
}

fn browser(e: wasm_bindgen::JsValue) -> PinError {
    PinError::Unlock(UnlockError::browser(e))
}

/// A new data key and its wrapping under a new PIN key.
async fn new_wrapped(kek: &CryptoKey, id: &str, raw: &[u8]) -> Result<WrappedKey, PinError> {
    let iv = crypto::random_bytes(vault::IV_LEN).map_err(browser)?;
    let wrapped =
        crypto::bytes(crypto::encrypt(kek, &iv, &vault::key_aad(id), raw).map_err(browser)?)
            .await
            .map_err(browser)?;
    Ok(WrappedKey {
        id: id.to_string(),
        iv: vault::b64_encode(&iv),
        wrapped: vault::b64_encode(&wrapped),
    })
}

fn sealed_values() -> Vec<Op> {
    read(|v| {
        v.keys()
            .unwrap_or_default()
            .into_iter()
            .filter(|k| vault::is_sealed_key(k))
            .filter_map(|k| {
                let value = v.get(&k).ok()??;
                Some(Op::Set(k, value))
            })
            .collect()
    })
}

/// A new credential on this tablet's authenticator and its PRF output for a new random input.
/// The user verifies twice (making the credential, then using it).
async fn new_device_key() -> Result<(DeviceKey, Vec<u8>), PinError> {
    let device = |e| PinError::Unlock(UnlockError::DeviceKey(e));
    let challenge = crypto::random_bytes(32).map_err(browser)?;
    let user = crypto::random_bytes(16).map_err(browser)?;
    let id = webauthn::create(&challenge, &user).await.map_err(device)?;
    let input = crypto::random_bytes(vault::PRF_LEN).map_err(browser)?;
    let challenge = crypto::random_bytes(32).map_err(browser)?;
    let output = webauthn::prf(&challenge, &id, &input)
        .await
        .map_err(device)?;
    Ok((
        DeviceKey {
            credential: vault::b64_encode(&id),
            prf_salt: vault::b64_encode(&input),
        },
        output,
    ))
}

/// Sets a PIN or a passphrase (no lock set before), all or nothing: every value is sealed in
/// memory first, the device is checked for the room the sealed values and the lock record need,
/// and only then is anything written. Should a write still fail, everything written is put back
/// and the lock record removed, so the device is as before and the error says why.
pub async fn set_pin(secret: &str, kind: Secret, bind_device: bool) -> Result<(), PinError> {
    let salt = crypto::random_bytes(vault::SALT_LEN).map_err(browser)?;
    let mut dek = crypto::random_bytes(vault::KEY_LEN).map_err(browser)?;
    let device = if bind_device {
        Some(new_device_key().await?)
    } else {
        None
    };
    let (kek, _) = wrapping_key(
        &salt,
        vault::ITERATIONS,
        device.as_ref().map(|(d, _)| d),
        secret,
        device.as_ref().map(|(_, prf)| prf.as_slice()),
    )
    .await
    .map_err(PinError::Unlock)?;
    let wrapped = new_wrapped(&kek, "k1", &dek).await?;
    let key = crypto::import_data_key(&dek).await.map_err(browser)?;
    dek.fill(0);
    let mut lock = LockRecord::new(&salt, wrapped);
    lock.secret = kind;
    lock.device = device.map(|(d, _)| d);
    let lock_raw = vault::LOCK_CODEC.encode(&lock).map_err(PinError::Store)?;
    let ready = seal(sealed_values(), Some((key.clone(), "k1".into())), true)
        .await
        .map_err(PinError::Store)?;
    let room = vault::growth(&LocalStorage, &ready) + vault::LOCK_KEY.len() + lock_raw.len();
    vault::check_free_space(&LocalStorage, room).map_err(PinError::Store)?;
    LocalStorage
        .set(vault::LOCK_KEY, &lock_raw)
        .map_err(PinError::Store)?;
    let mut plain = BTreeMap::new();
    if let Err(e) = vault::apply_all(&LocalStorage, &mut plain, ready) {
        let _ = LocalStorage.remove(vault::LOCK_KEY);
        return Err(PinError::Store(e));
    }
    STATE.with_borrow_mut(|s| {
        *s = State::Open(Open {
            keys: BTreeMap::from([("k1".to_string(), key)]),
            current: "k1".into(),
            plain,
        })
    });
    Ok(())
}

/// Changes the PIN and re-encrypts everything under a new data key. The old and the new data key
/// are first stored wrapped under the new PIN (one write), so the new PIN opens everything
/// whenever the change is interrupted; the old key is dropped last.
pub async fn change_pin(
    old: &str,
    new: &str,
    kind: Secret,
    bind_device: bool,
    now_ms: u64,
) -> Result<(), PinError> {
    let Some(Ok(lock)) = read_lock() else {
        return Err(PinError::Unlock(UnlockError::Damaged));
    };
    let (mut old_keys, old_prf) = open_keys(&lock, old, now_ms)
        .await
        .map_err(PinError::Unlock)?;
    // A device-bound lock keeps its credential (its PRF output is known now); a new binding
    // makes one.
    let device = match (bind_device, lock.device.clone(), old_prf) {
        (false, _, _) => None,
        (true, Some(d), Some(prf)) => Some((d, prf)),
        (true, _, _) => Some(new_device_key().await?),
    };
    let salt = crypto::random_bytes(vault::SALT_LEN).map_err(browser)?;
    let (kek, _) = wrapping_key(
        &salt,
        vault::ITERATIONS,
        device.as_ref().map(|(d, _)| d),
        new,
        device.as_ref().map(|(_, prf)| prf.as_slice()),
    )
    .await
    .map_err(PinError::Unlock)?;
    let new_id = lock.next_key_id();
    let mut dek = crypto::random_bytes(vault::KEY_LEN).map_err(browser)?;
    let mut transition = LockRecord::new(&salt, new_wrapped(&kek, &new_id, &dek).await?);
    transition.secret = kind;
    transition.device = device.map(|(d, _)| d);
    for (id, raw) in &old_keys {
        transition.keys.push(new_wrapped(&kek, id, raw).await?);
    }
    // Re-sealing keeps every value's size; only the lock record grows while both keys are in it.
    let transition_raw = vault::LOCK_CODEC
        .encode(&transition)
        .map_err(PinError::Store)?;
    let room = transition_raw.len();
    vault::check_free_space(&LocalStorage, room).map_err(PinError::Store)?;
    let new_key = crypto::import_data_key(&dek).await.map_err(browser)?;
    dek.fill(0);
    let mut keys = import_all(std::mem::take(&mut old_keys))
        .await
        .map_err(PinError::Unlock)?;
    keys.insert(new_id.clone(), new_key);
    LocalStorage
        .set(vault::LOCK_KEY, &transition_raw)
        .map_err(PinError::Store)?;
    STATE.with_borrow_mut(|s| {
        if let State::Open(o) = s {
            o.keys = keys;
            o.current = new_id.clone();
        }
    });
    commit(sealed_values()).await.map_err(PinError::Store)?;
    let mut done = transition;
    done.keys.retain(|k| k.id == new_id);
    LocalStorage
        .set(
            vault::LOCK_KEY,
            &vault::LOCK_CODEC.encode(&done).map_err(PinError::Store)?,
        )
        .map_err(PinError::Store)?;
    STATE.with_borrow_mut(|s| {
        if let State::Open(o) = s {
            o.keys.retain(|id, _| *id == new_id);
        }
    });
    Ok(())
}

/// Removes the PIN: every value is written in the clear, then the lock record is removed.
pub async fn remove_pin(pin: &str, now_ms: u64) -> Result<(), PinError> {
    let Some(Ok(lock)) = read_lock() else {
        return Err(PinError::Unlock(UnlockError::Damaged));
    };
    open_keys(&lock, pin, now_ms)
        .await
        .map_err(PinError::Unlock)?;
    for op in sealed_values() {
        if let Op::Set(k, v) = op {
            LocalStorage.set(&k, &v).map_err(PinError::Store)?;
        }
    }
    LocalStorage
        .remove(vault::LOCK_KEY)
        .map_err(PinError::Store)?;
    STATE.with_borrow_mut(|s| *s = State::Off);
    Ok(())
}

/// What another tab's change means here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Elsewhere {
    /// Reload the concerns from [`read`].
    Reload,
    /// The PIN was set or changed in another tab: this tab is locked now.
    Locked,
    /// Nothing this tab shows.
    Nothing,
}

/// Brings the decrypted copy up to date after another tab wrote `key` (`None`: storage was
/// cleared).
pub async fn changed_elsewhere(key: Option<String>) -> Elsewhere {
    let Some(key) = key else {
        let set = is_set();
        STATE.with_borrow_mut(|s| {
            *s = if set { State::Locked } else { State::Off };
        });
        return if set {
            Elsewhere::Locked
        } else {
            Elsewhere::Reload
        };
    };
    if key == vault::LOCK_KEY {
        if !is_set() {
            STATE.with_borrow_mut(|s| *s = State::Off);
            return Elsewhere::Reload;
        }
        // Another tab set or changed the PIN: the keys here (if any) may be old.
        if is_locked() {
            return Elsewhere::Nothing;
        }
        STATE.with_borrow_mut(|s| *s = State::Locked);
        return Elsewhere::Locked;
    }
    // The list's copy follows the records another tab wrote (and told of them): no reload.
    let reload = if key == LIST_KEY {
        Elsewhere::Nothing
    } else {
        Elsewhere::Reload
    };
    if !vault::is_sealed_key(&key) || !STATE.with_borrow(|s| matches!(s, State::Open(_))) {
        return if key.starts_with("ssp.concern") && key != LIST_KEY {
            Elsewhere::Reload
        } else {
            Elsewhere::Nothing
        };
    }
    let raw = LocalStorage.get(&key).ok().flatten();
    let text = match raw.as_deref().map(Sealed::classify) {
        None => None,
        Some(Stored::Plain) => raw.clone(),
        Some(Stored::Sealed(s)) => {
            let fut = STATE.with_borrow(|st| match st {
                State::Open(o) => o
                    .keys
                    .get(&s.key)
                    .and_then(|k| crypto::decrypt(k, &s.iv, &vault::value_aad(&key), &s.ct).ok()),
                _ => None,
            });
            match fut {
                Some(fut) => crypto::bytes(fut)
                    .await
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok()),
                // Sealed under a key this tab does not have: the PIN changed elsewhere.
                None => {
                    lock();
                    return Elsewhere::Locked;
                }
            }
        }
        Some(Stored::Malformed) => None,
    };
    STATE.with_borrow_mut(|s| {
        if let State::Open(o) = s {
            match text {
                Some(t) => o.plain.insert(key, t),
                None => o.plain.remove(&key),
            };
        }
    });
    reload
}
