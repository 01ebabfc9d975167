//! PIN lock ("PIN-lås"): which stored values are sealed, the format of the lock record and of a
//! sealed value, the checks on a new PIN, the growing wait after wrong PINs, and the staged write
//! path that lets synchronous domain code run while sealing happens asynchronously.
//!
//! The scheme: a random 256-bit data key encrypts every sealed value with AES-GCM (a fresh
//! 96-bit IV per write; the storage key is the additional data, so a value moved to another key
//! does not open). The data key is stored wrapped (AES-GCM) under a key derived from the PIN with
//! PBKDF2-HMAC-SHA256, [`ITERATIONS`] rounds and a random salt. Changing the PIN first stores the
//! old and the new data key wrapped under the new PIN (one write), then re-encrypts every value
//! with the new data key, then drops the old one — so an interruption at any point leaves data
//! the new PIN opens.
//!
//! The cryptography runs in the browser's WebCrypto (`platform::crypto`). Native tests compute
//! the same scheme with an independent implementation and check it against known test vectors
//! (`tests/vault_vectors.rs`), and the browser test opens a fixture built from those vectors.

use super::storage::{Codec, KeyValueStore, StoreError, QUARANTINE_PREFIX};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::BTreeMap;

/// The lock record: present exactly when a PIN is set.
pub const LOCK_KEY: &str = "ssp.lock";
/// Wrong PIN attempts (count and time of the last), kept across reloads.
pub const FAILURES_KEY: &str = "ssp.lock.failures";
/// PBKDF2 rounds for a new PIN (OWASP's 2023 figure for PBKDF2-HMAC-SHA256).
pub const ITERATIONS: u32 = 600_000;
pub const SALT_LEN: usize = 16;
pub const IV_LEN: usize = 12;
pub const KEY_LEN: usize = 32;
/// AES-GCM's tag is appended to the ciphertext.
pub const TAG_LEN: usize = 16;
pub const MIN_PIN_LEN: usize = 6;
pub const MAX_PIN_LEN: usize = 12;
pub const KDF: &str = "PBKDF2-SHA256";

pub const LOCK_CODEC: Codec = Codec {
    schema: 1,
    migrations: &[],
};
pub const FAILURES_CODEC: Codec = Codec {
    schema: 1,
    migrations: &[],
};

/// Whether the value under `key` holds personal data and is sealed while a PIN is set: concern
/// records, the schema-1 concern document, drafts, and quarantined copies of any of them.
/// The index (ids only), tombstones (id, revision, time), settings and profiles are not.
pub fn is_sealed_key(key: &str) -> bool {
    let k = key.strip_prefix(QUARANTINE_PREFIX).unwrap_or(key);
    k.starts_with("ssp.concern.")
        || k == "ssp.concerns"
        || k.starts_with("ssp.draft.")
        // Sync: the outbox and kept conflicts hold concern content; the secret is the token.
        || k == "ssp.sync.outbox"
        || k == "ssp.sync.secret"
        || k.starts_with("ssp.sync.conflict.")
}

/// Additional authenticated data for the value stored under `storage_key`.
pub fn value_aad(storage_key: &str) -> Vec<u8> {
    format!("ssp-handleguide:{storage_key}").into_bytes()
}

/// Additional authenticated data for the wrapped data key `key_id`.
pub fn key_aad(key_id: &str) -> Vec<u8> {
    format!("ssp-handleguide:lock:{key_id}").into_bytes()
}

/// One data key, wrapped under the PIN key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WrappedKey {
    pub id: String,
    /// Base64 of the 12-byte IV.
    pub iv: String,
    /// Base64 of the 32-byte key encrypted, with the 16-byte tag.
    pub wrapped: String,
}

/// The stored lock record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockRecord {
    pub kdf: String,
    pub iterations: u32,
    /// Base64 of the salt.
    pub salt: String,
    /// The data keys the PIN opens; more than one only while a PIN change is under way.
    pub keys: Vec<WrappedKey>,
    /// The data key new writes use.
    pub current: String,
}

/// Why a lock record cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockProblem {
    UnknownKdf(String),
    TooFewIterations(u32),
    BadSalt,
    NoKeys,
    BadKey(String),
    NoCurrent(String),
}

impl LockRecord {
    /// A record with one data key.
    pub fn new(salt: &[u8], key: WrappedKey) -> Self {
        LockRecord {
            kdf: KDF.into(),
            iterations: ITERATIONS,
            salt: b64_encode(salt),
            current: key.id.clone(),
            keys: vec![key],
        }
    }

    pub fn validate(&self) -> Result<(), LockProblem> {
        if self.kdf != KDF {
            return Err(LockProblem::UnknownKdf(self.kdf.clone()));
        }
        if self.iterations < ITERATIONS {
            return Err(LockProblem::TooFewIterations(self.iterations));
        }
        if b64_decode(&self.salt).map(|s| s.len()) != Some(SALT_LEN) {
            return Err(LockProblem::BadSalt);
        }
        if self.keys.is_empty() {
            return Err(LockProblem::NoKeys);
        }
        for (i, k) in self.keys.iter().enumerate() {
            let iv_ok = b64_decode(&k.iv).is_some_and(|v| v.len() == IV_LEN);
            let key_ok = b64_decode(&k.wrapped).is_some_and(|v| v.len() == KEY_LEN + TAG_LEN);
            let unique = !self.keys[..i].iter().any(|o| o.id == k.id);
            if !iv_ok || !key_ok || !unique || k.id.is_empty() {
                return Err(LockProblem::BadKey(k.id.clone()));
            }
        }
        if !self.keys.iter().any(|k| k.id == self.current) {
            return Err(LockProblem::NoCurrent(self.current.clone()));
        }
        Ok(())
    }

    pub fn salt_bytes(&self) -> Vec<u8> {
        b64_decode(&self.salt).unwrap_or_default()
    }

    /// An id no key in this record has: `k1`, `k2`, …
    pub fn next_key_id(&self) -> String {
        let highest = self
            .keys
            .iter()
            .filter_map(|k| k.id.strip_prefix('k')?.parse::<u32>().ok())
            .max()
            .unwrap_or(0);
        format!("k{}", highest + 1)
    }
}

/// A sealed value as stored: `{"sealed":1,"key":"k1","iv":"…","ct":"…"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub key: String,
    pub iv: Vec<u8>,
    /// Ciphertext with the tag appended.
    pub ct: Vec<u8>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SealedJson {
    sealed: u32,
    key: String,
    iv: String,
    ct: String,
}

/// What a stored value under a sealed key is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// Written before the PIN was set (or by a tab that has not sealed it yet).
    Plain,
    Sealed(Sealed),
    /// Claims to be sealed but its envelope is broken.
    Malformed,
}

const SEALED_MARK: &str = "{\"sealed\":";

impl Sealed {
    pub fn encode(&self) -> String {
        serde_json::to_string(&SealedJson {
            sealed: 1,
            key: self.key.clone(),
            iv: b64_encode(&self.iv),
            ct: b64_encode(&self.ct),
        })
        .unwrap_or_default()
    }

    /// Tells a sealed value from a plain one without decrypting.
    pub fn classify(raw: &str) -> Stored {
        if !raw.starts_with(SEALED_MARK) {
            return Stored::Plain;
        }
        let Ok(j) = serde_json::from_str::<SealedJson>(raw) else {
            return Stored::Malformed;
        };
        match (b64_decode(&j.iv), b64_decode(&j.ct)) {
            (Some(iv), Some(ct)) if j.sealed == 1 && iv.len() == IV_LEN && ct.len() >= TAG_LEN => {
                Stored::Sealed(Sealed { key: j.key, iv, ct })
            }
            _ => Stored::Malformed,
        }
    }
}

/// Why a new PIN is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinProblem {
    /// Fewer than [`MIN_PIN_LEN`] or more than [`MAX_PIN_LEN`] digits.
    Length,
    /// Something other than the digits 0–9.
    NotDigits,
    /// One digit repeated, or a straight run up or down (123456, 987654).
    TooEasy,
    /// The two entries differ.
    Mismatch,
}

/// Checks a new PIN and its repetition.
pub fn check_new_pin(pin: &str, repeat: &str) -> Result<(), PinProblem> {
    if !pin.chars().all(|c| c.is_ascii_digit()) {
        return Err(PinProblem::NotDigits);
    }
    if pin.len() < MIN_PIN_LEN || pin.len() > MAX_PIN_LEN {
        return Err(PinProblem::Length);
    }
    let d: Vec<i32> = pin.bytes().map(|b| i32::from(b - b'0')).collect();
    let steps: Vec<i32> = d.windows(2).map(|w| w[1] - w[0]).collect();
    if steps.iter().all(|s| *s == 0)
        || steps.iter().all(|s| *s == 1)
        || steps.iter().all(|s| *s == -1)
    {
        return Err(PinProblem::TooEasy);
    }
    if pin != repeat {
        return Err(PinProblem::Mismatch);
    }
    Ok(())
}

/// Wrong PIN attempts so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failures {
    pub count: u32,
    pub last_ms: u64,
}

/// Attempts without any wait.
pub const FREE_ATTEMPTS: u32 = 3;
/// The longest wait between attempts.
pub const MAX_DELAY_MS: u64 = 15 * 60 * 1000;

/// The wait after `count` wrong PINs: none for the first [`FREE_ATTEMPTS`], then 5 s, doubling,
/// up to 15 minutes. The data is never deleted, however many attempts fail.
pub fn delay_ms(count: u32) -> u64 {
    if count < FREE_ATTEMPTS {
        return 0;
    }
    let doublings = (count - FREE_ATTEMPTS).min(20);
    (5_000u64 << doublings).min(MAX_DELAY_MS)
}

impl Failures {
    pub fn record(self, now_ms: u64) -> Self {
        Failures {
            count: self.count.saturating_add(1),
            last_ms: now_ms,
        }
    }

    /// How long the user must still wait before the next attempt.
    pub fn wait_ms(&self, now_ms: u64) -> u64 {
        (self.last_ms + delay_ms(self.count)).saturating_sub(now_ms)
    }
}

/// What the app reads while a PIN is set and the data is open: sealed keys from the decrypted
/// copy in memory, everything else from the device. Writes go through [`Staged`].
pub struct Unsealed<'a> {
    pub device: &'a dyn KeyValueStore,
    pub plain: &'a BTreeMap<String, String>,
}

impl KeyValueStore for Unsealed<'_> {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        if is_sealed_key(key) {
            Ok(self.plain.get(key).cloned())
        } else {
            self.device.get(key)
        }
    }

    fn set(&self, _key: &str, _value: &str) -> Result<(), StoreError> {
        Err(StoreError::Other("write through Staged".into()))
    }

    fn remove(&self, _key: &str) -> Result<(), StoreError> {
        Err(StoreError::Other("write through Staged".into()))
    }

    fn keys(&self) -> Result<Vec<String>, StoreError> {
        let mut keys: Vec<String> = self
            .device
            .keys()?
            .into_iter()
            .filter(|k| !is_sealed_key(k))
            .collect();
        keys.extend(self.plain.keys().cloned());
        Ok(keys)
    }
}

/// One write waiting to be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    Set(String, String),
    Remove(String),
}

impl Op {
    pub fn key(&self) -> &str {
        match self {
            Op::Set(k, _) | Op::Remove(k) => k,
        }
    }
}

/// Records writes instead of doing them, and reads its own writes: domain code runs against it
/// unchanged, then the writes are sealed (asynchronously) and applied in order with [`apply`].
pub struct Staged<'a> {
    base: &'a dyn KeyValueStore,
    ops: RefCell<Vec<Op>>,
}

impl<'a> Staged<'a> {
    pub fn new(base: &'a dyn KeyValueStore) -> Self {
        Staged {
            base,
            ops: RefCell::default(),
        }
    }

    pub fn into_ops(self) -> Vec<Op> {
        self.ops.into_inner()
    }
}

impl KeyValueStore for Staged<'_> {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        match self.ops.borrow().iter().rev().find(|op| op.key() == key) {
            Some(Op::Set(_, v)) => Ok(Some(v.clone())),
            Some(Op::Remove(_)) => Ok(None),
            None => self.base.get(key),
        }
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.ops
            .borrow_mut()
            .push(Op::Set(key.to_string(), value.to_string()));
        Ok(())
    }

    fn remove(&self, key: &str) -> Result<(), StoreError> {
        self.ops.borrow_mut().push(Op::Remove(key.to_string()));
        Ok(())
    }

    fn keys(&self) -> Result<Vec<String>, StoreError> {
        let mut keys = self.base.keys()?;
        for op in self.ops.borrow().iter() {
            match op {
                Op::Set(k, _) if !keys.contains(k) => keys.push(k.clone()),
                Op::Remove(k) => keys.retain(|x| x != k),
                _ => {}
            }
        }
        Ok(keys)
    }
}

/// A staged write ready for the device: `stored` is what goes into storage (sealed for a sealed
/// key while a PIN is set), `plain` what the app reads back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ready {
    Set {
        key: String,
        stored: String,
        plain: String,
    },
    Remove(String),
}

/// Applies writes in order, stopping at the first that fails (a full device). The decrypted copy
/// follows every applied write of a sealed key, so memory never claims more than is stored.
pub fn apply(
    device: &dyn KeyValueStore,
    plain: &mut BTreeMap<String, String>,
    writes: Vec<Ready>,
) -> Result<(), StoreError> {
    for w in writes {
        match w {
            Ready::Set {
                key,
                stored,
                plain: p,
            } => {
                device.set(&key, &stored)?;
                if is_sealed_key(&key) {
                    plain.insert(key, p);
                }
            }
            Ready::Remove(key) => {
                device.remove(&key)?;
                plain.remove(&key);
            }
        }
    }
    Ok(())
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding.
pub fn b64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes standard base64 with padding; `None` for anything else.
pub fn b64_decode(s: &str) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    for (ci, chunk) in bytes.chunks(4).enumerate() {
        let last = ci == bytes.len() / 4 - 1;
        let pad = chunk.iter().rev().take_while(|c| **c == b'=').count();
        if pad > 2 || (pad > 0 && !last) {
            return None;
        }
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            let v = if i >= 4 - pad {
                0
            } else {
                B64.iter().position(|x| x == c)? as u32
            };
            n |= v << (18 - 6 * i);
        }
        let decoded = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&decoded[..3 - pad]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::storage::MemoryStore;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, enc) in cases {
            assert_eq!(b64_encode(plain.as_bytes()), enc);
            assert_eq!(b64_decode(enc).unwrap(), plain.as_bytes());
        }
        for bad in ["Zg=", "Z===", "Zg==Zg==", "Zm9*", "Zm9vY"] {
            assert_eq!(b64_decode(bad), None, "{bad}");
        }
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(b64_decode(&b64_encode(&all)).unwrap(), all);
    }

    #[test]
    fn only_personal_values_are_sealed() {
        for k in [
            "ssp.concern.6f1c",
            "ssp.concerns",
            "ssp.draft.concern",
            "ssp.quarantine.ssp.concern.6f1c.1700000000000",
        ] {
            assert!(is_sealed_key(k), "{k}");
        }
        for k in [
            "ssp.concerns.index",
            "ssp.tombstone.6f1c",
            "ssp.settings",
            "ssp.profile.x",
            "ssp.lock",
            "ssp.retention",
            "ssp.quarantine.ssp.settings.1",
        ] {
            assert!(!is_sealed_key(k), "{k}");
        }
    }

    #[test]
    fn new_pins_are_checked() {
        assert_eq!(check_new_pin("2468", "2468"), Err(PinProblem::Length));
        assert_eq!(
            check_new_pin("1234567890123", "1234567890123"),
            Err(PinProblem::Length)
        );
        assert_eq!(
            check_new_pin("24681a", "24681a"),
            Err(PinProblem::NotDigits)
        );
        assert_eq!(
            check_new_pin("24 681", "24 681"),
            Err(PinProblem::NotDigits)
        );
        for easy in ["000000", "123456", "987654", "3456789"] {
            assert_eq!(
                check_new_pin(easy, easy),
                Err(PinProblem::TooEasy),
                "{easy}"
            );
        }
        assert_eq!(check_new_pin("246813", "246812"), Err(PinProblem::Mismatch));
        assert_eq!(check_new_pin("246813", "246813"), Ok(()));
        assert_eq!(check_new_pin("112233", "112233"), Ok(()));
    }

    #[test]
    fn waits_grow_after_three_wrong_pins_and_stop_growing() {
        assert_eq!((0..3).map(delay_ms).collect::<Vec<_>>(), vec![0, 0, 0]);
        assert_eq!(delay_ms(3), 5_000);
        assert_eq!(delay_ms(4), 10_000);
        assert_eq!(delay_ms(5), 20_000);
        assert_eq!(delay_ms(100), MAX_DELAY_MS);
        assert_eq!(delay_ms(u32::MAX), MAX_DELAY_MS);
        let f = Failures::default()
            .record(1_000)
            .record(2_000)
            .record(3_000);
        assert_eq!(f.count, 3);
        assert_eq!(f.wait_ms(3_000), 5_000);
        assert_eq!(f.wait_ms(7_999), 1);
        assert_eq!(f.wait_ms(8_000), 0);
    }

    #[test]
    fn sealed_values_round_trip_and_are_told_apart() {
        let s = Sealed {
            key: "k1".into(),
            iv: vec![7; IV_LEN],
            ct: vec![9; 40],
        };
        let raw = s.encode();
        assert!(raw.starts_with(SEALED_MARK));
        assert_eq!(Sealed::classify(&raw), Stored::Sealed(s));
        assert_eq!(Sealed::classify(r#"{"schema":2,"data":{}}"#), Stored::Plain);
        for broken in [
            r#"{"sealed":1,"key":"k1","iv":"AAAA","ct":"AAAAAAAAAAAAAAAAAAAAAA=="}"#,
            r#"{"sealed":1,"key":"k1"}"#,
            r#"{"sealed":2,"key":"k1","iv":"AAAAAAAAAAAAAAAA","ct":"AAAAAAAAAAAAAAAAAAAAAA=="}"#,
            r#"{"sealed":1,"key":"k1","iv":"AAAAAAAAAAAAAAAA","ct":"AAAA"}"#,
        ] {
            assert_eq!(Sealed::classify(broken), Stored::Malformed, "{broken}");
        }
    }

    #[test]
    fn lock_records_are_validated() {
        let key = WrappedKey {
            id: "k1".into(),
            iv: b64_encode(&[1; IV_LEN]),
            wrapped: b64_encode(&[2; KEY_LEN + TAG_LEN]),
        };
        let good = LockRecord::new(&[3; SALT_LEN], key.clone());
        assert_eq!(good.validate(), Ok(()));
        assert_eq!(good.next_key_id(), "k2");
        assert_eq!(good.salt_bytes(), vec![3; SALT_LEN]);
        let mut r = good.clone();
        r.iterations = 100_000;
        assert_eq!(r.validate(), Err(LockProblem::TooFewIterations(100_000)));
        let mut r = good.clone();
        r.kdf = "scrypt".into();
        assert!(matches!(r.validate(), Err(LockProblem::UnknownKdf(_))));
        let mut r = good.clone();
        r.salt = b64_encode(&[3; 8]);
        assert_eq!(r.validate(), Err(LockProblem::BadSalt));
        let mut r = good.clone();
        r.keys.clear();
        assert_eq!(r.validate(), Err(LockProblem::NoKeys));
        let mut r = good.clone();
        r.keys.push(key.clone());
        assert_eq!(r.validate(), Err(LockProblem::BadKey("k1".into())));
        let mut r = good.clone();
        r.current = "k9".into();
        assert_eq!(r.validate(), Err(LockProblem::NoCurrent("k9".into())));
        let mut r = good;
        r.keys[0].wrapped = b64_encode(&[2; KEY_LEN]);
        assert_eq!(r.validate(), Err(LockProblem::BadKey("k1".into())));
    }

    #[test]
    fn staged_writes_are_read_back_and_applied_in_order() {
        let device = MemoryStore::new();
        device.set("ssp.a", "1").unwrap();
        device.set("ssp.b", "2").unwrap();
        let staged = Staged::new(&device);
        staged.set("ssp.c", "3").unwrap();
        staged.remove("ssp.a").unwrap();
        staged.set("ssp.b", "22").unwrap();
        assert_eq!(staged.get("ssp.a").unwrap(), None);
        assert_eq!(staged.get("ssp.b").unwrap().as_deref(), Some("22"));
        let mut keys = staged.keys().unwrap();
        keys.sort();
        assert_eq!(keys, vec!["ssp.b", "ssp.c"]);
        // Nothing reached the device yet.
        assert_eq!(device.get("ssp.a").unwrap().as_deref(), Some("1"));
        let ops = staged.into_ops();
        assert_eq!(ops.len(), 3);
    }

    #[test]
    fn apply_stops_at_a_full_device_and_memory_follows_only_what_was_stored() {
        let device = MemoryStore::with_quota(120);
        let mut plain = BTreeMap::new();
        let writes = vec![
            Ready::Set {
                key: "ssp.concern.a".into(),
                stored: "sealed-a".into(),
                plain: "plain-a".into(),
            },
            Ready::Set {
                key: "ssp.concern.b".into(),
                stored: "x".repeat(200),
                plain: "plain-b".into(),
            },
            Ready::Set {
                key: "ssp.concerns.index".into(),
                stored: "[a,b]".into(),
                plain: "[a,b]".into(),
            },
        ];
        assert_eq!(
            apply(&device, &mut plain, writes),
            Err(StoreError::QuotaExceeded)
        );
        assert_eq!(
            device.get("ssp.concern.a").unwrap().as_deref(),
            Some("sealed-a")
        );
        assert_eq!(device.get("ssp.concern.b").unwrap(), None);
        assert_eq!(device.get("ssp.concerns.index").unwrap(), None);
        assert_eq!(
            plain.get("ssp.concern.a").map(String::as_str),
            Some("plain-a")
        );
        assert!(!plain.contains_key("ssp.concern.b"));
    }

    #[test]
    fn the_unsealed_view_reads_sealed_keys_from_memory_only() {
        let device = MemoryStore::new();
        device.set("ssp.concern.a", "{\"sealed\":1}").unwrap();
        device.set("ssp.settings", "s").unwrap();
        let mut plain = BTreeMap::new();
        plain.insert("ssp.concern.a".to_string(), "plain-a".to_string());
        let view = Unsealed {
            device: &device,
            plain: &plain,
        };
        assert_eq!(
            view.get("ssp.concern.a").unwrap().as_deref(),
            Some("plain-a")
        );
        assert_eq!(view.get("ssp.settings").unwrap().as_deref(), Some("s"));
        let mut keys = view.keys().unwrap();
        keys.sort();
        assert_eq!(keys, vec!["ssp.concern.a", "ssp.settings"]);
        assert!(view.set("ssp.x", "1").is_err());
    }
}
