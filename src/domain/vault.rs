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

use super::storage::{Codec, KeyValueStore, StoreError, KEY_PREFIX, QUARANTINE_PREFIX};
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

/// The keys stored in the clear while a lock is set: the short allowlist. None holds personal
/// data: the lock record and the count of wrong attempts (needed to open the lock), the settings
/// (language and municipality), training mode's on/off flag, and the sync tab lease (a random
/// tab id and a time). Imported profiles (`ssp.profile.…`) are municipality documents.
pub const PLAIN_KEYS: &[&str] = &[
    LOCK_KEY,
    FAILURES_KEY,
    "ssp.settings",
    "ssp.training.on",
    "ssp.sync.lease",
];
/// Prefixes of allowlisted keys.
pub const PLAIN_PREFIXES: &[&str] = &["ssp.profile."];
/// A temporary key written to check that a change fits before it starts.
pub const PROBE_KEY: &str = "ssp.lock.probe";

/// Whether the value under `key` is kept in the clear while a lock is set. A quarantined copy
/// is plain only when its source is (settings or a profile that did not parse).
pub fn is_plain_key(key: &str) -> bool {
    if let Some(rest) = key.strip_prefix(QUARANTINE_PREFIX) {
        return rest.starts_with("ssp.settings.")
            || PLAIN_PREFIXES.iter().any(|p| rest.starts_with(p));
    }
    PLAIN_KEYS.contains(&key) || PLAIN_PREFIXES.iter().any(|p| key.starts_with(p))
}

/// Whether the value under `key` is sealed while a lock is set: fail closed, every key the app
/// writes (`ssp.…`) except the allowlist ([`is_plain_key`]). Concerns, their index and
/// tombstones, drafts, retention, sync state, outbox, conflicts and secret, training's cases and
/// every quarantined copy of any of them. Keys of other apps on the same origin are left alone.
pub fn is_sealed_key(key: &str) -> bool {
    key.starts_with(KEY_PREFIX) && key != PROBE_KEY && !is_plain_key(key)
}

/// How much of what should be sealed is sealed on the device: the truth the status shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SealStatus {
    pub sealed: usize,
    /// Values under sealed keys (sealed, in the clear, or damaged).
    pub total: usize,
}

impl SealStatus {
    pub fn complete(&self) -> bool {
        self.sealed == self.total
    }
}

/// Counts the values that should be sealed and those that are.
pub fn seal_status(device: &dyn KeyValueStore) -> SealStatus {
    let mut status = SealStatus::default();
    for key in device.keys().unwrap_or_default() {
        if !is_sealed_key(&key) {
            continue;
        }
        let Ok(Some(raw)) = device.get(&key) else {
            continue;
        };
        status.total += 1;
        if matches!(Sealed::classify(&raw), Stored::Sealed(_)) {
            status.sealed += 1;
        }
    }
    status
}

/// Checks that `extra` more UTF-16 units fit on the device, by writing them once under
/// [`PROBE_KEY`] and removing them again. Run before a change that must be all or nothing.
pub fn check_free_space(device: &dyn KeyValueStore, extra: usize) -> Result<(), StoreError> {
    let result = device.set(PROBE_KEY, &"0".repeat(extra));
    let _ = device.remove(PROBE_KEY);
    result
}

/// How many more UTF-16 units the writes need than the values they replace.
pub fn growth(device: &dyn KeyValueStore, writes: &[Ready]) -> usize {
    writes
        .iter()
        .map(|w| match w {
            Ready::Set { key, stored, .. } => {
                let before = device.get(key).ok().flatten().unwrap_or_default();
                stored
                    .encode_utf16()
                    .count()
                    .saturating_sub(before.encode_utf16().count())
            }
            Ready::Remove(_) => 0,
        })
        .sum()
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

/// HKDF's `info` for a device-bound lock's key.
pub const DEVICE_INFO: &str = "ssp-handleguide:device+pin:v1";
/// The PRF input's length, and the PRF output's.
pub const PRF_LEN: usize = 32;

/// A key bound to this tablet: a WebAuthn credential on its platform authenticator whose PRF
/// output for `prf_salt`, together with the PIN, derives the key that wraps the data keys
/// (HKDF-SHA256 over the PRF output and 32 bytes of PBKDF2 from the PIN, salted with the lock's
/// salt, `info` [`DEVICE_INFO`]). A copy of the storage alone cannot be guessed against: each
/// guess needs the device and its own user verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceKey {
    /// Base64 of the credential's raw id.
    pub credential: String,
    /// Base64 of the PRF input.
    pub prf_salt: String,
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
    /// What opens it. Not written for a PIN, so a PIN lock's record reads as before (an older
    /// app, which knows no other kind, still opens it).
    #[serde(default, skip_serializing_if = "Secret::is_pin")]
    pub secret: Secret,
    /// Present when the key is bound to this tablet as well.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<DeviceKey>,
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
    BadDevice,
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
            secret: Secret::Pin,
            device: None,
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
        if let Some(d) = &self.device {
            let id_ok = b64_decode(&d.credential).is_some_and(|v| !v.is_empty() && v.len() <= 1023);
            let salt_ok = b64_decode(&d.prf_salt).is_some_and(|v| v.len() == PRF_LEN);
            if !id_ok || !salt_ok {
                return Err(LockProblem::BadDevice);
            }
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

/// What opens the lock: a PIN of digits, or a passphrase. Stored in the lock record so the
/// lock screen asks for the right thing; a record without it is a PIN (before passphrases).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Secret {
    #[default]
    Pin,
    Passphrase,
}

impl Secret {
    pub fn is_pin(&self) -> bool {
        *self == Secret::Pin
    }
}

/// The shortest passphrase accepted.
pub const MIN_PASSPHRASE_LEN: usize = 12;
/// The longest secret accepted (a passphrase pasted by mistake from a document is refused).
pub const MAX_PASSPHRASE_LEN: usize = 200;
/// The estimated strength below which a passphrase is refused, in bits.
pub const MIN_PASSPHRASE_BITS: f64 = 50.0;
/// Guesses per second an attacker with a copy of the storage makes against PBKDF2-HMAC-SHA256
/// at [`ITERATIONS`] rounds on one consumer GPU: hashcat's public figures for mode 10900 (about
/// 8.8 million a second at 999 rounds on an RTX 4090), scaled to 600,000 rounds.
pub const GUESSES_PER_SECOND: f64 = 14_000.0;

/// Why a new PIN or passphrase is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinProblem {
    /// Fewer than [`MIN_PIN_LEN`] or more than [`MAX_PIN_LEN`] digits.
    Length,
    /// Something other than the digits 0–9.
    NotDigits,
    /// One digit repeated, a straight run up or down (123456, 987654), or a short group
    /// repeated (121212, 123123).
    TooEasy,
    /// A date (DDMMYY, YYMMDD, MMDDYY, MMYYYY, YYYYMM, DDMMYYYY, YYYYMMDD, MMDDYYYY) or two years.
    Date,
    /// A passphrase shorter than [`MIN_PASSPHRASE_LEN`] or longer than [`MAX_PASSPHRASE_LEN`].
    PassphraseLength,
    /// A passphrase estimated under [`MIN_PASSPHRASE_BITS`].
    PassphraseWeak,
    /// The two entries differ.
    Mismatch,
}

fn num(d: &[u8]) -> u32 {
    d.iter().fold(0, |n, c| n * 10 + u32::from(c - b'0'))
}

fn day_month(d: &[u8], m: &[u8]) -> bool {
    (1..=31).contains(&num(d)) && (1..=12).contains(&num(m))
}

fn year(y: &[u8]) -> bool {
    (1900..=2099).contains(&num(y))
}

/// Whether a string of digits reads as a date or as years: the first thing someone who knows
/// the owner, or has a list of common PINs, tries.
pub fn is_date_like(pin: &str) -> bool {
    let d = pin.as_bytes();
    match d.len() {
        6 => {
            day_month(&d[0..2], &d[2..4])
                || day_month(&d[4..6], &d[2..4])
                || day_month(&d[2..4], &d[0..2])
                || ((1..=12).contains(&num(&d[0..2])) && year(&d[2..6]))
                || (year(&d[0..4]) && (1..=12).contains(&num(&d[4..6])))
        }
        8 => {
            (day_month(&d[0..2], &d[2..4]) && year(&d[4..8]))
                || (year(&d[0..4]) && day_month(&d[6..8], &d[4..6]))
                || (day_month(&d[2..4], &d[0..2]) && year(&d[4..8]))
                || (year(&d[0..4]) && year(&d[4..8]))
        }
        _ => false,
    }
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
    let repeated_group = (1..=pin.len() / 2)
        .any(|p| pin.len().is_multiple_of(p) && d.iter().enumerate().all(|(i, x)| *x == d[i % p]));
    if repeated_group || steps.iter().all(|s| *s == 1) || steps.iter().all(|s| *s == -1) {
        return Err(PinProblem::TooEasy);
    }
    if is_date_like(pin) {
        return Err(PinProblem::Date);
    }
    if pin != repeat {
        return Err(PinProblem::Mismatch);
    }
    Ok(())
}

/// A cautious estimate of a passphrase's strength in bits. Words (split at spaces and hyphens)
/// count as if drawn from a 10,000-word list, or by their letters if that is less; a passphrase
/// of one word counts its characters by the kinds used, and a character that repeats or
/// continues a run of the one before counts for nothing.
pub fn passphrase_bits(p: &str) -> f64 {
    fn chars_bits(w: &str) -> f64 {
        let has = |f: fn(char) -> bool| w.chars().any(f);
        let mut pool = 0.0f64;
        if has(|c| c.is_lowercase()) {
            pool += 29.0;
        }
        if has(|c| c.is_uppercase()) {
            pool += 29.0;
        }
        if has(|c| c.is_ascii_digit()) {
            pool += 10.0;
        }
        if has(|c| !c.is_alphanumeric()) {
            pool += 33.0;
        }
        let chars: Vec<char> = w.chars().collect();
        let counted = chars
            .iter()
            .enumerate()
            .filter(|(i, c)| {
                *i == 0 || {
                    let step = **c as i64 - chars[i - 1] as i64;
                    !(-1..=1).contains(&step)
                }
            })
            .count();
        counted as f64 * f64::log2(pool.max(1.0))
    }
    let words: Vec<&str> = p
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty())
        .collect();
    if words.len() < 2 {
        return chars_bits(p);
    }
    let mut seen: Vec<String> = Vec::new();
    words
        .iter()
        .map(|w| {
            let lower = w.to_lowercase();
            if seen.contains(&lower) {
                return 0.0;
            }
            seen.push(lower);
            chars_bits(w).min(f64::log2(10_000.0))
        })
        .sum()
}

/// How a passphrase's estimate reads to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strength {
    /// Under [`MIN_PASSPHRASE_BITS`]: refused.
    Weak,
    Fair,
    /// [`STRONG_PASSPHRASE_BITS`] or more.
    Strong,
}

/// The estimate from which a passphrase is called strong.
pub const STRONG_PASSPHRASE_BITS: f64 = 70.0;

/// The strength a passphrase's estimate of `bits` is shown as.
pub fn strength(bits: f64) -> Strength {
    if bits < MIN_PASSPHRASE_BITS {
        Strength::Weak
    } else if bits < STRONG_PASSPHRASE_BITS {
        Strength::Fair
    } else {
        Strength::Strong
    }
}

/// Checks a new passphrase and its repetition; returns its estimated strength in bits.
pub fn check_new_passphrase(p: &str, repeat: &str) -> Result<f64, PinProblem> {
    let len = p.chars().count();
    if !(MIN_PASSPHRASE_LEN..=MAX_PASSPHRASE_LEN).contains(&len) {
        return Err(PinProblem::PassphraseLength);
    }
    let bits = passphrase_bits(p);
    if bits < MIN_PASSPHRASE_BITS {
        return Err(PinProblem::PassphraseWeak);
    }
    if p != repeat {
        return Err(PinProblem::Mismatch);
    }
    Ok(bits)
}

/// Checks a new secret of either kind.
pub fn check_new_secret(kind: Secret, s: &str, repeat: &str) -> Result<(), PinProblem> {
    match kind {
        Secret::Pin => check_new_pin(s, repeat),
        Secret::Passphrase => check_new_passphrase(s, repeat).map(|_| ()),
    }
}

/// The average time, in seconds, to find a secret of `bits` bits by trying every possibility
/// against a copy of the storage at [`GUESSES_PER_SECOND`].
pub fn average_crack_seconds(bits: f64) -> f64 {
    2f64.powf(bits - 1.0) / GUESSES_PER_SECOND
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

/// Applies every write or none: when one fails (a full device), the writes already made are
/// undone in reverse order (the earlier values restored, which only frees space) and the error
/// is returned. Memory follows only what stays on the device.
pub fn apply_all(
    device: &dyn KeyValueStore,
    plain: &mut BTreeMap<String, String>,
    writes: Vec<Ready>,
) -> Result<(), StoreError> {
    let mut undo: Vec<(String, Option<String>)> = Vec::new();
    let mut memory = plain.clone();
    for w in writes {
        let key = match &w {
            Ready::Set { key, .. } | Ready::Remove(key) => key.clone(),
        };
        let before = device.get(&key)?;
        let step = match w {
            Ready::Set {
                key,
                stored,
                plain: p,
            } => device.set(&key, &stored).map(|()| {
                if is_sealed_key(&key) {
                    memory.insert(key, p);
                }
            }),
            Ready::Remove(key) => device.remove(&key).map(|()| {
                memory.remove(&key);
            }),
        };
        if let Err(e) = step {
            for (k, v) in undo.into_iter().rev() {
                let _ = match v {
                    Some(v) => device.set(&k, &v),
                    None => device.remove(&k),
                };
            }
            return Err(e);
        }
        undo.push((key, before));
    }
    *plain = memory;
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
    fn everything_is_sealed_except_the_short_allowlist() {
        for k in [
            "ssp.concern.6f1c",
            "ssp.concerns",
            "ssp.concerns.index",
            "ssp.tombstone.6f1c",
            "ssp.retention",
            "ssp.draft.concern",
            "ssp.draft.notification",
            "ssp.draft.profile",
            "ssp.sync.outbox",
            "ssp.sync.secret",
            "ssp.sync.state",
            "ssp.sync.revs",
            "ssp.sync.config",
            "ssp.sync.conflict.6f1c",
            "ssp.training.concern.6f1c",
            "ssp.training.concerns.index",
            "ssp.quarantine.ssp.concern.6f1c.1700000000000",
            "ssp.quarantine.ssp.sync.outbox.1700000000000",
            "ssp.quarantine.ssp.sync.secret.1700000000000-1",
            "ssp.quarantine.ssp.training.concern.a.1",
            "ssp.something-new-in-a-later-version",
        ] {
            assert!(is_sealed_key(k), "{k}");
        }
        for k in [
            "ssp.settings",
            "ssp.profile.x",
            "ssp.lock",
            "ssp.lock.failures",
            "ssp.lock.probe",
            "ssp.training.on",
            "ssp.sync.lease",
            "ssp.quarantine.ssp.settings.1",
            "ssp.quarantine.ssp.profile.x.1",
            "another-app.key",
        ] {
            assert!(!is_sealed_key(k), "{k}");
        }
    }

    #[test]
    fn the_status_counts_what_is_sealed_and_what_is_not() {
        let device = MemoryStore::new();
        let sealed = Sealed {
            key: "k1".into(),
            iv: vec![1; IV_LEN],
            ct: vec![2; 40],
        }
        .encode();
        device.set("ssp.concern.a", &sealed).unwrap();
        device
            .set("ssp.concern.b", r#"{"schema":3,"data":{}}"#)
            .unwrap();
        device.set("ssp.concerns.index", &sealed).unwrap();
        device.set("ssp.settings", r#"{"schema":1}"#).unwrap();
        let status = seal_status(&device);
        assert_eq!(
            status,
            SealStatus {
                sealed: 2,
                total: 3
            }
        );
        assert!(!status.complete());
    }

    #[test]
    fn free_space_is_checked_without_leaving_anything() {
        let device = MemoryStore::with_quota(100);
        device.set("ssp.concern.a", &"x".repeat(40)).unwrap();
        assert_eq!(check_free_space(&device, 20), Ok(()));
        assert_eq!(
            check_free_space(&device, 60),
            Err(StoreError::QuotaExceeded)
        );
        assert_eq!(device.keys().unwrap(), vec!["ssp.concern.a".to_string()]);
        let writes = vec![Ready::Set {
            key: "ssp.concern.a".into(),
            stored: "y".repeat(70),
            plain: "p".into(),
        }];
        assert_eq!(growth(&device, &writes), 30);
    }

    #[test]
    fn apply_all_writes_everything_or_puts_everything_back() {
        let device = MemoryStore::with_quota(150);
        device.set("ssp.concern.a", "plain-a").unwrap();
        device.set("ssp.concern.b", "plain-b").unwrap();
        let writes = |b: usize| {
            vec![
                Ready::Set {
                    key: "ssp.concern.a".into(),
                    stored: "sealed-a".repeat(5),
                    plain: "plain-a".into(),
                },
                Ready::Set {
                    key: "ssp.concern.b".into(),
                    stored: "s".repeat(b),
                    plain: "plain-b".into(),
                },
            ]
        };
        let mut plain = BTreeMap::new();
        assert_eq!(
            apply_all(&device, &mut plain, writes(200)),
            Err(StoreError::QuotaExceeded)
        );
        assert_eq!(
            device.get("ssp.concern.a").unwrap().as_deref(),
            Some("plain-a")
        );
        assert_eq!(
            device.get("ssp.concern.b").unwrap().as_deref(),
            Some("plain-b")
        );
        assert!(plain.is_empty());
        assert_eq!(apply_all(&device, &mut plain, writes(20)), Ok(()));
        assert_eq!(device.get("ssp.concern.b").unwrap(), Some("s".repeat(20)));
        assert_eq!(plain.len(), 2);
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
        assert_eq!(check_new_pin("135246", "135246"), Ok(()));
        for repeated in ["121212", "123123", "90909090", "12341234"] {
            assert_eq!(
                check_new_pin(repeated, repeated),
                Err(PinProblem::TooEasy),
                "{repeated}"
            );
        }
    }

    #[test]
    fn a_pin_that_is_a_date_is_refused() {
        // DDMMYY, YYMMDD, MMDDYY, MMYYYY, YYYYMM, DDMMYYYY, YYYYMMDD, MMDDYYYY, two years.
        for date in [
            "240683", "830624", "062483", "061983", "198306", "24061983", "19830624", "06241983",
            "19832011", "31122025",
        ] {
            assert_eq!(check_new_pin(date, date), Err(PinProblem::Date), "{date}");
        }
        // Not a date in any of those forms.
        for not_date in ["246813", "994172", "73519642", "5820413"] {
            assert_eq!(check_new_pin(not_date, not_date), Ok(()), "{not_date}");
        }
    }

    #[test]
    fn passphrases_need_length_and_strength() {
        assert_eq!(
            check_new_passphrase("kort", "kort"),
            Err(PinProblem::PassphraseLength)
        );
        for weak in [
            "aaaaaaaaaaaaaaaa",
            "abcdefghijklmn",
            "hest hest hest hest",
            "Password1234",
        ] {
            assert_eq!(
                check_new_passphrase(weak, weak),
                Err(PinProblem::PassphraseWeak),
                "{weak}"
            );
        }
        let good = "grøn cykel under broen synger";
        assert!(check_new_passphrase(good, good).unwrap() >= MIN_PASSPHRASE_BITS);
        assert_eq!(
            strength(passphrase_bits("hest hest hest hest")),
            Strength::Weak
        );
        assert_eq!(strength(passphrase_bits(good)), Strength::Fair);
        let long = "grøn cykel under broen synger om vinteren";
        assert_eq!(strength(passphrase_bits(long)), Strength::Strong);
        assert_eq!(
            check_new_passphrase(good, "grøn cykel"),
            Err(PinProblem::Mismatch)
        );
        assert_eq!(
            check_new_secret(Secret::Pin, good, good),
            Err(PinProblem::NotDigits)
        );
        assert_eq!(check_new_secret(Secret::Passphrase, good, good), Ok(()));
    }

    #[test]
    fn the_stated_brute_force_costs_follow_from_the_guess_rate() {
        // What the settings say: a 6-digit PIN is searched through in about a minute, 8 digits
        // in a couple of hours (every possibility; half that on average).
        let six = 2.0 * average_crack_seconds(f64::log2(1e6));
        assert!((60.0..90.0).contains(&six), "{six}");
        let eight = 2.0 * average_crack_seconds(f64::log2(1e8));
        assert!((1.5 * 3600.0..2.5 * 3600.0).contains(&eight), "{eight}");
        // The weakest passphrase accepted: more than a thousand years.
        let year = 365.25 * 24.0 * 3600.0;
        assert!(average_crack_seconds(MIN_PASSPHRASE_BITS) > 1_000.0 * year);
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
        let mut r = good.clone();
        r.keys[0].wrapped = b64_encode(&[2; KEY_LEN]);
        assert_eq!(r.validate(), Err(LockProblem::BadKey("k1".into())));
        let mut r = good;
        r.device = Some(DeviceKey {
            credential: b64_encode(&[4; 16]),
            prf_salt: b64_encode(&[5; PRF_LEN]),
        });
        assert_eq!(r.validate(), Ok(()));
        r.device.as_mut().unwrap().prf_salt = b64_encode(&[5; 16]);
        assert_eq!(r.validate(), Err(LockProblem::BadDevice));
        r.device.as_mut().unwrap().prf_salt = b64_encode(&[5; PRF_LEN]);
        r.device.as_mut().unwrap().credential = String::new();
        assert_eq!(r.validate(), Err(LockProblem::BadDevice));
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
