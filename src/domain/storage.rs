//! Key–value storage interface, the versioned envelope codec and the quarantine.
//!
//! Everything the app keeps in the browser goes through [`KeyValueStore`], so domain code is
//! tested against [`MemoryStore`] natively and runs against localStorage in the browser
//! (`platform::local_storage`). Every stored value is an envelope `{"schema": N, "data": …}`;
//! older schemas are migrated step by step on load, and a value that cannot be read is moved
//! under a quarantine key with the time and the reason — never silently deleted.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;

/// Prefix of every key the app writes, so "clear this device" and listings never touch
/// other apps' data on the same origin.
pub const KEY_PREFIX: &str = "ssp.";
/// Prefix of quarantined values: `ssp.quarantine.<original key>.<time in ms>`.
pub const QUARANTINE_PREFIX: &str = "ssp.quarantine.";

/// Why a storage operation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// Storage is switched off or not reachable (private mode, browser policy).
    Unavailable(String),
    /// The write did not fit (`QuotaExceededError` in browsers).
    QuotaExceeded,
    /// The stored value was written by a newer version of the app; it is never overwritten.
    NewerVersion,
    /// Anything else the backend reported.
    Other(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Unavailable(why) => write!(f, "storage unavailable: {why}"),
            StoreError::QuotaExceeded => write!(f, "storage quota exceeded"),
            StoreError::NewerVersion => write!(f, "stored by a newer version of the app"),
            StoreError::Other(why) => write!(f, "storage error: {why}"),
        }
    }
}

impl std::error::Error for StoreError {}

/// A small string key–value store: localStorage in the browser, [`MemoryStore`] in tests.
pub trait KeyValueStore {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError>;
    fn set(&self, key: &str, value: &str) -> Result<(), StoreError>;
    fn remove(&self, key: &str) -> Result<(), StoreError>;
    /// All keys, in no particular order.
    fn keys(&self) -> Result<Vec<String>, StoreError>;
}

/// In-memory store for native tests. `with_quota` makes writes fail like a full localStorage
/// (the quota counts key and value lengths in UTF-16 units, as browsers do).
#[derive(Debug, Default)]
pub struct MemoryStore {
    map: RefCell<BTreeMap<String, String>>,
    quota: Option<usize>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_quota(quota: usize) -> Self {
        Self {
            map: RefCell::default(),
            quota: Some(quota),
        }
    }

    fn used_without(&self, key: &str) -> usize {
        self.map
            .borrow()
            .iter()
            .filter(|(k, _)| k.as_str() != key)
            .map(|(k, v)| utf16_len(k) + utf16_len(v))
            .sum()
    }
}

fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

impl KeyValueStore for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self.map.borrow().get(key).cloned())
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        if let Some(quota) = self.quota {
            if self.used_without(key) + utf16_len(key) + utf16_len(value) > quota {
                return Err(StoreError::QuotaExceeded);
            }
        }
        self.map
            .borrow_mut()
            .insert(key.to_string(), value.to_string());
        Ok(())
    }

    fn remove(&self, key: &str) -> Result<(), StoreError> {
        self.map.borrow_mut().remove(key);
        Ok(())
    }

    fn keys(&self) -> Result<Vec<String>, StoreError> {
        Ok(self.map.borrow().keys().cloned().collect())
    }
}

/// The stored form of every value: `{"schema": N, "data": …}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope<T> {
    pub schema: u32,
    pub data: T,
}

/// Upgrades the `data` of one schema version to the next.
pub type Migration = fn(Value) -> Result<Value, String>;

/// How one kind of document is stored: its current schema version and the migrations that
/// lead to it. `migrations[i]` upgrades schema `i + 1` to `i + 2`, so a codec at schema N
/// has N − 1 migrations.
#[derive(Debug, Clone, Copy)]
pub struct Codec {
    pub schema: u32,
    pub migrations: &'static [Migration],
}

/// Why a stored value could not be read. The text is technical (English) and is kept with the
/// quarantined value; the UI shows its own translated message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    NotJson(String),
    NotEnvelope(String),
    /// Written by a newer version of the app.
    FutureSchema {
        found: u32,
        supported: u32,
    },
    Migration {
        from: u32,
        reason: String,
    },
    InvalidData(String),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::NotJson(e) => write!(f, "not JSON: {e}"),
            DecodeError::NotEnvelope(e) => {
                write!(f, "not a {{\"schema\": N, \"data\": …}} envelope: {e}")
            }
            DecodeError::FutureSchema { found, supported } => write!(
                f,
                "schema {found} is newer than this app understands (up to {supported})"
            ),
            DecodeError::Migration { from, reason } => {
                write!(f, "migration from schema {from} failed: {reason}")
            }
            DecodeError::InvalidData(e) => write!(f, "data does not match schema: {e}"),
        }
    }
}

impl Codec {
    pub fn encode<T: Serialize>(&self, data: &T) -> Result<String, StoreError> {
        let envelope = Envelope {
            schema: self.schema,
            data,
        };
        // Plain data structs with string keys serialise; were one not to, nothing is written.
        serde_json::to_string(&envelope).map_err(|e| StoreError::Other(e.to_string()))
    }

    /// Reads the envelope with its `data` left as raw text, so `T` is decoded once, straight
    /// from the text (one deserializer for every stored type keeps the wasm small). Only an
    /// older schema goes through `Value` for its migrations.
    pub fn decode<T: DeserializeOwned>(&self, raw: &str) -> Result<T, DecodeError> {
        debug_assert_eq!(self.migrations.len() + 1, self.schema as usize);
        // Not JSON at all, or JSON of another shape: told apart for the quarantine's reason.
        let envelope: Envelope<&RawValue> = match serde_json::from_str(raw) {
            Ok(envelope) => envelope,
            Err(e) if e.is_data() => return Err(DecodeError::NotEnvelope(e.to_string())),
            Err(e) => return Err(DecodeError::NotJson(e.to_string())),
        };
        if envelope.schema == 0 {
            return Err(DecodeError::NotEnvelope("schema 0 does not exist".into()));
        }
        if envelope.schema > self.schema {
            return Err(DecodeError::FutureSchema {
                found: envelope.schema,
                supported: self.schema,
            });
        }
        let invalid = |e: serde_json::Error| DecodeError::InvalidData(e.to_string());
        if envelope.schema == self.schema {
            return serde_json::from_str(envelope.data.get()).map_err(invalid);
        }
        let mut data: Value = serde_json::from_str(envelope.data.get()).map_err(invalid)?;
        for from in envelope.schema..self.schema {
            let migrate = self.migrations[(from - 1) as usize];
            data = migrate(data).map_err(|reason| DecodeError::Migration { from, reason })?;
        }
        serde_json::from_str(&data.to_string()).map_err(invalid)
    }
}

/// A value that could not be read, kept aside with when and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuarantineRecord {
    /// The key the value was stored under.
    pub key: String,
    /// When it was moved aside (ms since the Unix epoch).
    pub at_ms: u64,
    pub reason: String,
    /// The value exactly as it was found.
    pub raw: String,
}

/// Moves `raw` (found under `key`) aside: writes the quarantine record first, then removes the
/// original, so an interruption leaves a copy rather than nothing. Returns the quarantine key.
pub fn quarantine(
    store: &dyn KeyValueStore,
    key: &str,
    raw: &str,
    reason: &str,
    now_ms: u64,
) -> Result<String, StoreError> {
    let record = QuarantineRecord {
        key: key.to_string(),
        at_ms: now_ms,
        reason: reason.to_string(),
        raw: raw.to_string(),
    };
    let mut qkey = format!("{QUARANTINE_PREFIX}{key}.{now_ms}");
    let mut n = 1;
    while store.get(&qkey)?.is_some() {
        qkey = format!("{QUARANTINE_PREFIX}{key}.{now_ms}-{n}");
        n += 1;
    }
    let json = serde_json::to_string(&record).map_err(|e| StoreError::Other(e.to_string()))?;
    store.set(&qkey, &json)?;
    store.remove(key)?;
    Ok(qkey)
}

/// What a quarantine record's reason means, for a message in plain words (the technical reason
/// stays in the record, shown on request).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReasonKind {
    /// Cut off, changed by hand, or not in the app's format.
    Damaged,
    /// Sealed, and does not open with the lock's key.
    NotOpened,
    /// Written by an older version and could not be brought up to date.
    Upgrade,
    /// An imported municipality profile that is not valid.
    Profile,
    Other,
}

impl QuarantineRecord {
    pub fn reason_kind(&self) -> ReasonKind {
        let r = self.reason.as_str();
        if self.key.starts_with("ssp.profile.") {
            ReasonKind::Profile
        } else if r.starts_with("does not decrypt")
            || r.starts_with("sealed with a key")
            || r.starts_with("WebCrypto")
        {
            ReasonKind::NotOpened
        } else if r.starts_with("migration from schema") {
            ReasonKind::Upgrade
        } else if r.starts_with("not JSON")
            || r.starts_with("not a {")
            || r.starts_with("data does not match")
            || r.starts_with("damaged sealed value")
            || r.contains("stored under another key")
        {
            ReasonKind::Damaged
        } else {
            ReasonKind::Other
        }
    }
}

/// All quarantined values, oldest first. Entries that are themselves unreadable are listed with
/// their raw text so nothing disappears from view.
pub fn list_quarantine(
    store: &dyn KeyValueStore,
) -> Result<Vec<(String, QuarantineRecord)>, StoreError> {
    let mut out = Vec::new();
    for qkey in store.keys()? {
        if !qkey.starts_with(QUARANTINE_PREFIX) {
            continue;
        }
        let Some(raw) = store.get(&qkey)? else {
            continue;
        };
        let record = serde_json::from_str(&raw).unwrap_or_else(|e| QuarantineRecord {
            key: qkey.clone(),
            at_ms: 0,
            reason: format!("quarantine record unreadable: {e}"),
            raw,
        });
        out.push((qkey, record));
    }
    out.sort_by(|a, b| a.1.at_ms.cmp(&b.1.at_ms).then_with(|| a.0.cmp(&b.0)));
    Ok(out)
}

/// Bytes the app's own keys use, as browsers count localStorage (UTF-16: two bytes a unit).
pub fn usage_bytes(store: &dyn KeyValueStore) -> Result<usize, StoreError> {
    let mut total = 0;
    for key in store.keys()? {
        if key.starts_with(KEY_PREFIX) {
            let value = store.get(&key)?.unwrap_or_default();
            total += 2 * (utf16_len(&key) + utf16_len(&value));
        }
    }
    Ok(total)
}

/// "Ryd denne enhed": removes every key the app wrote (and nothing of other apps on the same
/// origin). Returns how many were removed.
pub fn clear_app_data(store: &dyn KeyValueStore) -> Result<usize, StoreError> {
    let keys: Vec<String> = store
        .keys()?
        .into_iter()
        .filter(|k| k.starts_with(KEY_PREFIX))
        .collect();
    for key in &keys {
        store.remove(key)?;
    }
    Ok(keys.len())
}

/// The result of reading one stored document.
#[derive(Debug, Clone, PartialEq)]
pub enum Loaded<T> {
    /// Nothing stored under the key.
    Missing,
    Found(T),
    /// The stored value could not be read and was moved under `quarantine_key`.
    Quarantined {
        quarantine_key: String,
        error: DecodeError,
    },
    /// The value could not be read, and moving it aside failed too: it was left where it was.
    Unreadable {
        error: DecodeError,
        store_error: StoreError,
    },
    /// The store itself could not be reached.
    Unavailable(StoreError),
    /// Written by a newer version of the app: left untouched, and the app should say it needs
    /// updating.
    FromFuture {
        found: u32,
    },
}

impl<T> Loaded<T> {
    /// The value, if one was found and read (every other outcome has already been dealt with:
    /// quarantined, left for a newer app, or reported by the store).
    pub fn found(self) -> Option<T> {
        match self {
            Loaded::Found(v) => Some(v),
            _ => None,
        }
    }
}

/// Reads and decodes the document under `key`; an unreadable value is quarantined.
pub fn load<T: DeserializeOwned>(
    store: &dyn KeyValueStore,
    key: &str,
    codec: &Codec,
    now_ms: u64,
) -> Loaded<T> {
    let raw = match store.get(key) {
        Ok(Some(raw)) => raw,
        Ok(None) => return Loaded::Missing,
        Err(e) => return Loaded::Unavailable(e),
    };
    match codec.decode(&raw) {
        Ok(value) => Loaded::Found(value),
        Err(DecodeError::FutureSchema { found, .. }) => Loaded::FromFuture { found },
        Err(error) => match quarantine(store, key, &raw, &error.to_string(), now_ms) {
            Ok(quarantine_key) => Loaded::Quarantined {
                quarantine_key,
                error,
            },
            Err(store_error) => Loaded::Unreadable { error, store_error },
        },
    }
}

/// Encodes `data` in its envelope and writes it under `key`. A value already under `key` that
/// this codec cannot read is quarantined first, so a save never overwrites what it could not
/// read; if setting it aside fails, nothing is written.
pub fn save<T: Serialize + DeserializeOwned>(
    store: &dyn KeyValueStore,
    key: &str,
    codec: &Codec,
    data: &T,
    now_ms: u64,
) -> Result<(), StoreError> {
    if let Some(existing) = store.get(key)? {
        match codec.decode::<T>(&existing) {
            Ok(_) => {}
            Err(DecodeError::FutureSchema { .. }) => return Err(StoreError::NewerVersion),
            Err(error) => {
                quarantine(store, key, &existing, &error.to_string(), now_ms)?;
            }
        }
    }
    store.set(key, &codec.encode(data)?)
}

/// Prefix of training mode's namespace: everything training mode stores lives under it.
pub const TRAINING_PREFIX: &str = "ssp.training.";

/// A store inside another under a prefix: the key `ssp.concern.1` is `ssp.training.concern.1`
/// in the store underneath. Domain code runs unchanged in training mode, and nothing it writes
/// can reach, or be read as, real data.
pub struct Namespaced<'a> {
    pub inner: &'a dyn KeyValueStore,
    pub prefix: &'static str,
}

impl<'a> Namespaced<'a> {
    pub fn training(inner: &'a dyn KeyValueStore) -> Self {
        Namespaced {
            inner,
            prefix: TRAINING_PREFIX,
        }
    }

    fn outer(&self, key: &str) -> String {
        format!(
            "{}{}",
            self.prefix,
            key.strip_prefix(KEY_PREFIX).unwrap_or(key)
        )
    }
}

impl KeyValueStore for Namespaced<'_> {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.inner.get(&self.outer(key))
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.inner.set(&self.outer(key), value)
    }

    fn remove(&self, key: &str) -> Result<(), StoreError> {
        self.inner.remove(&self.outer(key))
    }

    fn keys(&self) -> Result<Vec<String>, StoreError> {
        Ok(self
            .inner
            .keys()?
            .into_iter()
            .filter_map(|k| {
                k.strip_prefix(self.prefix)
                    .map(|rest| format!("{KEY_PREFIX}{rest}"))
            })
            .collect())
    }
}

/// "Nulstil": removes everything training mode stored, and nothing else. Returns how many.
pub fn clear_training(store: &dyn KeyValueStore) -> Result<usize, StoreError> {
    clear_app_data(&Namespaced::training(store))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Note {
        title: String,
        count: u32,
    }

    const V1: Codec = Codec {
        schema: 1,
        migrations: &[],
    };

    // Schema 1 called the field `name`; schema 2 calls it `title`. Schema 3 adds `count`.
    fn rename_name_to_title(mut v: Value) -> Result<Value, String> {
        let obj = v.as_object_mut().ok_or("expected an object")?;
        let name = obj.remove("name").ok_or("missing field `name`")?;
        obj.insert("title".into(), name);
        Ok(v)
    }
    fn add_count(mut v: Value) -> Result<Value, String> {
        let obj = v.as_object_mut().ok_or("expected an object")?;
        obj.entry("count").or_insert(json!(0));
        Ok(v)
    }
    const V3: Codec = Codec {
        schema: 3,
        migrations: &[rename_name_to_title, add_count],
    };

    fn note() -> Note {
        Note {
            title: "Æblegrød".into(),
            count: 2,
        }
    }

    #[test]
    fn encode_writes_the_versioned_envelope() {
        let raw = V3.encode(&note()).unwrap();
        let v: Value = serde_json::from_str(&raw).unwrap();
        assert_eq!(
            v,
            json!({"schema": 3, "data": {"title": "Æblegrød", "count": 2}})
        );
    }

    #[test]
    fn decode_round_trips() {
        assert_eq!(V3.decode::<Note>(&V3.encode(&note()).unwrap()), Ok(note()));
    }

    #[test]
    fn old_schemas_are_migrated_step_by_step() {
        let v1 = r#"{"schema":1,"data":{"name":"Æblegrød"}}"#;
        let v2 = r#"{"schema":2,"data":{"title":"Æblegrød"}}"#;
        let expected = Note {
            title: "Æblegrød".into(),
            count: 0,
        };
        assert_eq!(V3.decode::<Note>(v1), Ok(expected.clone()));
        assert_eq!(V3.decode::<Note>(v2), Ok(expected));
    }

    #[test]
    fn each_kind_of_bad_value_has_its_own_error() {
        type IsExpected = fn(&DecodeError) -> bool;
        let cases: &[(&str, IsExpected)] = &[
            ("{not json", |e| matches!(e, DecodeError::NotJson(_))),
            (r#"{"title":"x","count":1}"#, |e| {
                matches!(e, DecodeError::NotEnvelope(_))
            }),
            (r#"{"schema":0,"data":{}}"#, |e| {
                matches!(e, DecodeError::NotEnvelope(_))
            }),
            (r#"{"schema":"1","data":{}}"#, |e| {
                matches!(e, DecodeError::NotEnvelope(_))
            }),
            (r#"{"schema":4,"data":{}}"#, |e| {
                *e == DecodeError::FutureSchema {
                    found: 4,
                    supported: 3,
                }
            }),
            (r#"{"schema":1,"data":{"title":"x"}}"#, |e| {
                matches!(e, DecodeError::Migration { from: 1, .. })
            }),
            (r#"{"schema":3,"data":{"title":7,"count":1}}"#, |e| {
                matches!(e, DecodeError::InvalidData(_))
            }),
        ];
        for (raw, is_expected) in cases {
            let err = V3.decode::<Note>(raw).expect_err(raw);
            assert!(is_expected(&err), "{raw} gave {err:?}");
        }
    }

    #[test]
    fn load_missing_found_and_quarantined() {
        let store = MemoryStore::new();
        assert_eq!(load::<Note>(&store, "ssp.note", &V1, 5), Loaded::Missing);

        save(&store, "ssp.note", &V1, &note(), 5).unwrap();
        assert_eq!(
            load::<Note>(&store, "ssp.note", &V1, 5),
            Loaded::Found(note())
        );

        store.set("ssp.note", "{broken").unwrap();
        let Loaded::Quarantined {
            quarantine_key,
            error,
        } = load::<Note>(&store, "ssp.note", &V1, 42)
        else {
            panic!("expected quarantine");
        };
        assert_eq!(quarantine_key, "ssp.quarantine.ssp.note.42");
        assert!(matches!(error, DecodeError::NotJson(_)));
        // The original key is free, and the broken value is kept verbatim with its reason.
        assert_eq!(store.get("ssp.note").unwrap(), None);
        let listed = list_quarantine(&store).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].0, quarantine_key);
        assert_eq!(listed[0].1.raw, "{broken");
        assert_eq!(listed[0].1.key, "ssp.note");
        assert_eq!(listed[0].1.at_ms, 42);
        assert!(listed[0].1.reason.starts_with("not JSON"));
    }

    #[test]
    fn every_reason_the_app_writes_has_a_plain_kind() {
        let kind = |key: &str, reason: String| {
            QuarantineRecord {
                key: key.into(),
                at_ms: 0,
                reason,
                raw: String::new(),
            }
            .reason_kind()
        };
        let not_json = serde_json::from_str::<u32>("{").unwrap_err();
        assert_eq!(
            kind(
                "ssp.concern.a",
                DecodeError::NotJson(not_json.to_string()).to_string()
            ),
            ReasonKind::Damaged
        );
        assert_eq!(
            kind(
                "ssp.concern.a",
                DecodeError::NotEnvelope("x".into()).to_string()
            ),
            ReasonKind::Damaged
        );
        assert_eq!(
            kind(
                "ssp.concern.a",
                DecodeError::InvalidData("x".into()).to_string()
            ),
            ReasonKind::Damaged
        );
        let migration = DecodeError::Migration {
            from: 1,
            reason: "x".into(),
        };
        assert_eq!(
            kind("ssp.concern.a", migration.to_string()),
            ReasonKind::Upgrade
        );
        for sealed in [
            "does not decrypt with the right PIN (changed on disk)",
            "sealed with a key the lock does not have",
            "WebCrypto refused the value",
        ] {
            assert_eq!(kind("ssp.concern.a", sealed.into()), ReasonKind::NotOpened);
        }
        assert_eq!(
            kind("ssp.concern.a", "damaged sealed value".into()),
            ReasonKind::Damaged
        );
        assert_eq!(
            kind("ssp.profile.x", "profile: missing".into()),
            ReasonKind::Profile
        );
        assert_eq!(
            kind("ssp.concern.a", "something new".into()),
            ReasonKind::Other
        );
    }

    #[test]
    fn quarantine_never_overwrites_an_earlier_quarantine() {
        let store = MemoryStore::new();
        store.set("ssp.note", "first").unwrap();
        load::<Note>(&store, "ssp.note", &V1, 7);
        store.set("ssp.note", "second").unwrap();
        load::<Note>(&store, "ssp.note", &V1, 7);
        let raws: Vec<String> = list_quarantine(&store)
            .unwrap()
            .into_iter()
            .map(|(_, r)| r.raw)
            .collect();
        assert_eq!(raws.len(), 2);
        assert!(raws.contains(&"first".to_string()));
        assert!(raws.contains(&"second".to_string()));
    }

    #[test]
    fn a_full_store_keeps_the_unreadable_value_in_place() {
        let store = MemoryStore::with_quota(40);
        store.set("ssp.note", "{broken but long enough").unwrap();
        match load::<Note>(&store, "ssp.note", &V1, 1) {
            Loaded::Unreadable { store_error, .. } => {
                assert_eq!(store_error, StoreError::QuotaExceeded)
            }
            other => panic!("expected Unreadable, got {other:?}"),
        }
        assert_eq!(
            store.get("ssp.note").unwrap().as_deref(),
            Some("{broken but long enough")
        );
    }

    #[test]
    fn save_sets_aside_what_it_cannot_read_before_writing() {
        let store = MemoryStore::new();
        store
            .set("ssp.note", "{from a future or broken app")
            .unwrap();
        save(&store, "ssp.note", &V1, &note(), 9).unwrap();
        assert_eq!(
            load::<Note>(&store, "ssp.note", &V1, 10),
            Loaded::Found(note())
        );
        let q = list_quarantine(&store).unwrap();
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].1.raw, "{from a future or broken app");
    }

    #[test]
    fn save_writes_nothing_when_the_unreadable_value_cannot_be_set_aside() {
        let store = MemoryStore::with_quota(40);
        store.set("ssp.note", "{broken but long enough").unwrap();
        assert_eq!(
            save(&store, "ssp.note", &V1, &note(), 1),
            Err(StoreError::QuotaExceeded)
        );
        assert_eq!(
            store.get("ssp.note").unwrap().as_deref(),
            Some("{broken but long enough")
        );
    }

    #[test]
    fn data_from_a_newer_version_is_left_untouched() {
        let store = MemoryStore::new();
        let newer = r#"{"schema":9,"data":{"title":"fra fremtiden"}}"#;
        store.set("ssp.note", newer).unwrap();
        assert_eq!(
            load::<Note>(&store, "ssp.note", &V3, 1),
            Loaded::FromFuture { found: 9 }
        );
        assert_eq!(
            save(&store, "ssp.note", &V3, &note(), 2),
            Err(StoreError::NewerVersion)
        );
        assert_eq!(store.get("ssp.note").unwrap().as_deref(), Some(newer));
        assert!(list_quarantine(&store).unwrap().is_empty());
    }

    #[test]
    fn memory_quota_counts_utf16_and_replaces_in_place() {
        let store = MemoryStore::with_quota(10);
        store.set("k", "æøå").unwrap(); // 1 + 3 units
        store.set("k", "123456789").unwrap(); // replacing: 1 + 9 = 10 fits
        assert_eq!(store.set("k2", "x"), Err(StoreError::QuotaExceeded));
        assert_eq!(store.get("k").unwrap().as_deref(), Some("123456789"));
    }

    #[test]
    fn usage_and_clearing_touch_only_the_apps_keys() {
        let store = MemoryStore::new();
        store.set("ssp.settings", "ab").unwrap(); // 12 + 2 units
        store.set("ssp.quarantine.x.1", "æ").unwrap(); // 18 + 1 units
        store.set("other-app", "keep me").unwrap();
        assert_eq!(usage_bytes(&store).unwrap(), 2 * (12 + 2 + 18 + 1));
        assert_eq!(clear_app_data(&store).unwrap(), 2);
        assert_eq!(store.keys().unwrap(), ["other-app"]);
        assert_eq!(usage_bytes(&store).unwrap(), 0);
    }

    #[test]
    fn unreadable_quarantine_records_are_still_listed() {
        let store = MemoryStore::new();
        store.set("ssp.quarantine.x.1", "garbage").unwrap();
        store.set("ssp.other", "not listed").unwrap();
        let listed = list_quarantine(&store).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].1.raw, "garbage");
        assert!(listed[0].1.reason.contains("unreadable"));
    }

    #[test]
    fn training_writes_stay_in_their_namespace_and_reset_clears_only_them() {
        use crate::domain::concern::Concern;
        use crate::domain::concern_store;
        let device = MemoryStore::new();
        device.set("ssp.settings", "real settings").unwrap();
        device.set("ssp.concern.real", "real record").unwrap();
        device.set("other.app", "not ours").unwrap();
        let before: Vec<(String, String)> = device
            .keys()
            .unwrap()
            .into_iter()
            .map(|k| (k.clone(), device.get(&k).unwrap().unwrap()))
            .collect();

        let training = Namespaced::training(&device);
        let c: Concern = serde_json::from_value(serde_json::json!({
            "id": "t1", "revision": 1, "pseudonym": "Fiktiv", "school_class": null,
            "profile": "halsnaes", "answers": {}, "level": "green", "topics": ["trivsel"],
            "action_plan": [], "follow_up": "2026-12-01", "status": "open",
            "close_reason": null, "created_ms": 1, "updated_ms": 1, "history": []
        }))
        .unwrap();
        concern_store::save_one(&training, &c, None, 5, &concern_store::Nobody).unwrap();
        let (seen, _) = concern_store::load_all(&training, 5);
        assert_eq!(
            seen.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
            ["t1"]
        );
        // The real store never sees the training concern; training never sees the real one.
        assert!(device.get("ssp.training.concern.t1").unwrap().is_some());
        assert!(device
            .keys()
            .unwrap()
            .iter()
            .all(|k| k.starts_with(TRAINING_PREFIX) || before.iter().any(|(b, _)| b == k)));
        assert_eq!(training.get("ssp.concern.real").unwrap(), None);
        let mut keys = training.keys().unwrap();
        keys.sort();
        assert_eq!(keys, ["ssp.concern.t1", "ssp.concerns.index"]);

        assert_eq!(clear_training(&device).unwrap(), 2);
        let after: Vec<(String, String)> = device
            .keys()
            .unwrap()
            .into_iter()
            .map(|k| (k.clone(), device.get(&k).unwrap().unwrap()))
            .collect();
        assert_eq!(after, before, "real data untouched, training gone");
    }
}
