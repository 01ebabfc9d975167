//! Where saved concerns live on the device, so that nothing is ever silently lost:
//!
//! - one record per concern (`ssp.concern.<id>`, schema 3) and an index of ids
//!   (`ssp.concerns.index`); a save writes the record first, then the index, and loading
//!   repairs an index that disagrees with the records (a save cut off half-way leaves either the
//!   old or the new record, never half of one — localStorage writes a value whole);
//! - a record that cannot be read is quarantined, and the others load;
//! - schema 1 stored all concerns in one document (`ssp.concerns`) and called the pseudonym
//!   `child`; it is migrated on load;
//! - a delete leaves a tombstone (id, revision, time) so a later sync can pass it on;
//! - a save names the revision it started from, and is refused when the stored record has moved
//!   on (another tab changed it), so nothing is silently overwritten;
//! - every save and delete is published, in the same write, to the [`Subscriber`] the caller
//!   names (sync's outbox, for real data): the store itself knows nothing of sync;
//! - every write of a record and every delete removes the list's copy (`concern_list`), which
//!   loading every record writes again.

use super::concern::Concern;
use super::concern_list;
use super::storage::{self, Codec, KeyValueStore, Loaded, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub const INDEX_KEY: &str = "ssp.concerns.index";
pub const RECORD_PREFIX: &str = "ssp.concern.";
pub const TOMBSTONE_PREFIX: &str = "ssp.tombstone.";
/// Schema 1: every concern in one document.
pub const LEGACY_KEY: &str = "ssp.concerns";

/// Schema 1 → 2: the field `child` is called `pseudonym` (it never holds a name).
fn rename_child_to_pseudonym(mut v: Value) -> Result<Value, String> {
    let obj = v.as_object_mut().ok_or("a concern is an object")?;
    let child = obj.remove("child").ok_or("missing field `child`")?;
    obj.insert("pseudonym".into(), child);
    Ok(v)
}

/// Schema 2 → 3: a concern may hold the notification's draft and the change kind
/// `notification_drafted`. Nothing to convert; the number keeps an older app from reading (and
/// re-saving without the draft) a record it does not understand.
fn may_hold_a_notification(v: Value) -> Result<Value, String> {
    Ok(v)
}

pub const RECORD_CODEC: Codec = Codec {
    schema: 3,
    migrations: &[rename_child_to_pseudonym, may_hold_a_notification],
};
const INDEX_CODEC: Codec = Codec {
    schema: 1,
    migrations: &[],
};
const LEGACY_CODEC: Codec = Codec {
    schema: 1,
    migrations: &[],
};
const TOMBSTONE_CODEC: Codec = Codec {
    schema: 1,
    migrations: &[],
};

fn record_key(id: &str) -> String {
    format!("{RECORD_PREFIX}{id}")
}

fn tombstone_key(id: &str) -> String {
    format!("{TOMBSTONE_PREFIX}{id}")
}

/// A deleted concern, remembered for sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tombstone {
    pub id: String,
    pub revision: u32,
    pub deleted_ms: u64,
}

/// What loading found and did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadReport {
    /// Records (or the old document) that could not be read and were set aside.
    pub set_aside: usize,
    /// The index disagreed with the records and was rewritten.
    pub index_repaired: bool,
    /// Concerns moved from the schema-1 document.
    pub migrated: usize,
    /// Records (or the index) from a newer version of the app: left untouched, not shown.
    pub from_future: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveError {
    /// The stored record is at another revision than the save started from.
    Conflict {
        stored_revision: u32,
    },
    Store(StoreError),
}

impl From<StoreError> for SaveError {
    fn from(e: StoreError) -> Self {
        SaveError::Store(e)
    }
}

/// What a save or a delete publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event<'a> {
    Saved { id: &'a str, revision: u32 },
    Deleted { id: &'a str, revision: u32 },
}

impl Event<'_> {
    pub fn id(&self) -> &str {
        match self {
            Event::Saved { id, .. } | Event::Deleted { id, .. } => id,
        }
    }
}

/// Hears every save and delete, in the same write (sync's outbox queues it). An error fails the
/// save, as a failed write of the record would.
pub trait Subscriber {
    fn publish(
        &self,
        store: &dyn KeyValueStore,
        event: Event<'_>,
        now_ms: u64,
    ) -> Result<(), StoreError>;
}

/// Nobody listens: training's namespace, and a version that came from the server.
pub struct Nobody;

impl Subscriber for Nobody {
    fn publish(&self, _: &dyn KeyValueStore, _: Event<'_>, _: u64) -> Result<(), StoreError> {
        Ok(())
    }
}

fn read_index(store: &dyn KeyValueStore, now_ms: u64) -> Vec<String> {
    storage::load::<Vec<String>>(store, INDEX_KEY, &INDEX_CODEC, now_ms)
        .found()
        .unwrap_or_default()
}

/// Moves the schema-1 document into records. The records and the index are written before the
/// old document is removed, so an interruption repeats the move rather than losing anything.
fn migrate_legacy(store: &dyn KeyValueStore, now_ms: u64, report: &mut LoadReport) {
    match storage::load::<Vec<Value>>(store, LEGACY_KEY, &LEGACY_CODEC, now_ms) {
        Loaded::Found(records) => {
            let mut ids = read_index(store, now_ms);
            for raw in records {
                // Each old record goes through the record codec's migrations, as schema 1.
                let envelope = serde_json::json!({ "schema": 1, "data": raw }).to_string();
                match RECORD_CODEC.decode::<Concern>(&envelope) {
                    Ok(c) => {
                        if storage::save(store, &record_key(&c.id), &RECORD_CODEC, &c, now_ms)
                            .is_ok()
                        {
                            if !ids.contains(&c.id) {
                                ids.push(c.id.clone());
                            }
                            report.migrated += 1;
                        }
                    }
                    Err(e) => {
                        let key = format!("{LEGACY_KEY}.record");
                        let _ = storage::quarantine(store, &key, &envelope, &e.to_string(), now_ms);
                        report.set_aside += 1;
                    }
                }
            }
            if storage::save(store, INDEX_KEY, &INDEX_CODEC, &ids, now_ms).is_ok() {
                let _ = store.remove(LEGACY_KEY);
            }
        }
        Loaded::Quarantined { .. } | Loaded::Unreadable { .. } => report.set_aside += 1,
        Loaded::FromFuture { .. } => report.from_future += 1,
        Loaded::Missing | Loaded::Unavailable(_) => {}
    }
}

/// Loads every concern on the device, migrating, quarantining and repairing as needed.
pub fn load_all(store: &dyn KeyValueStore, now_ms: u64) -> (Vec<Concern>, LoadReport) {
    let mut report = LoadReport::default();
    migrate_legacy(store, now_ms, &mut report);
    // One read of the index: its ids, or — if a newer app wrote it — nothing, left untouched.
    let (index, index_from_future) =
        match storage::load::<Vec<String>>(store, INDEX_KEY, &INDEX_CODEC, now_ms) {
            Loaded::Found(ids) => (ids, false),
            Loaded::FromFuture { .. } => (Vec::new(), true),
            _ => (Vec::new(), false),
        };
    if index_from_future {
        report.from_future += 1;
    }
    let mut keys: Vec<String> = store
        .keys()
        .unwrap_or_default()
        .into_iter()
        .filter(|k| k.starts_with(RECORD_PREFIX))
        .collect();
    // Index order first (the order the user saved them), then any the index lost. A map, not a
    // search per comparison: with 5,000 concerns the search took 18 s in the browser.
    let order: std::collections::HashMap<String, usize> = index
        .iter()
        .enumerate()
        .map(|(i, id)| (record_key(id), i))
        .collect();
    keys.sort_by_cached_key(|k| order.get(k).copied().unwrap_or(usize::MAX));
    let mut concerns: Vec<Concern> = Vec::new();
    for key in keys {
        match storage::load::<Concern>(store, &key, &RECORD_CODEC, now_ms) {
            Loaded::Found(c) if key == record_key(&c.id) => concerns.push(c),
            Loaded::Found(c) => {
                let raw = store.get(&key).ok().flatten().unwrap_or_default();
                let reason = format!("record for id {} stored under another key", c.id);
                let _ = storage::quarantine(store, &key, &raw, &reason, now_ms);
                report.set_aside += 1;
            }
            Loaded::Quarantined { .. } | Loaded::Unreadable { .. } => report.set_aside += 1,
            // Left where it is for the newer app; this one does not show it.
            Loaded::FromFuture { .. } => report.from_future += 1,
            Loaded::Missing | Loaded::Unavailable(_) => {}
        }
    }
    let ids: Vec<String> = concerns.iter().map(|c| c.id.clone()).collect();
    if ids != index && !index_from_future {
        report.index_repaired = !(index.is_empty() && ids.is_empty());
        let _ = storage::save(store, INDEX_KEY, &INDEX_CODEC, &ids, now_ms);
    }
    (concerns, report)
}

/// Saves one concern begun from `base_revision`: refused if the stored record is at another
/// revision (it changed since this edit began); otherwise as [`save`].
pub fn save_one(
    store: &dyn KeyValueStore,
    concern: &Concern,
    base_revision: Option<u32>,
    now_ms: u64,
    subscriber: &dyn Subscriber,
) -> Result<(), SaveError> {
    if let Some(base) = base_revision {
        if let Some(stored) = load_one(store, &concern.id, now_ms) {
            if stored.revision != base {
                return Err(SaveError::Conflict {
                    stored_revision: stored.revision,
                });
            }
        }
    }
    Ok(save(store, concern, now_ms, subscriber)?)
}

/// Writes the record, then the index, then tells `subscriber`.
pub fn save(
    store: &dyn KeyValueStore,
    concern: &Concern,
    now_ms: u64,
    subscriber: &dyn Subscriber,
) -> Result<(), StoreError> {
    save_record(store, concern, now_ms)?;
    add_to_index(store, std::slice::from_ref(&concern.id), now_ms)?;
    subscriber.publish(
        store,
        Event::Saved {
            id: &concern.id,
            revision: concern.revision,
        },
        now_ms,
    )
}

/// Writes the record only (and drops a tombstone: a concern saved again is no longer deleted).
/// The caller adds the id to the index afterwards — once for many records; until then, loading
/// finds the record and repairs the index.
pub fn save_record(
    store: &dyn KeyValueStore,
    concern: &Concern,
    now_ms: u64,
) -> Result<(), StoreError> {
    // First: should this write be the last thing this tab does, no list copy is left that
    // lacks it (`concern_list`).
    let _ = concern_list::forget(store);
    storage::save(
        store,
        &record_key(&concern.id),
        &RECORD_CODEC,
        concern,
        now_ms,
    )?;
    store.remove(&tombstone_key(&concern.id))
}

/// Adds ids to the index (one read and at most one write).
pub fn add_to_index(
    store: &dyn KeyValueStore,
    new: &[String],
    now_ms: u64,
) -> Result<(), StoreError> {
    let mut ids = read_index(store, now_ms);
    let mut known: std::collections::HashSet<String> = ids.iter().cloned().collect();
    let before = ids.len();
    for id in new {
        if known.insert(id.clone()) {
            ids.push(id.clone());
        }
    }
    if ids.len() == before {
        return Ok(());
    }
    storage::save(store, INDEX_KEY, &INDEX_CODEC, &ids, now_ms)
}

/// One stored concern, if it is there and readable.
pub fn load_one(store: &dyn KeyValueStore, id: &str, now_ms: u64) -> Option<Concern> {
    storage::load::<Concern>(store, &record_key(id), &RECORD_CODEC, now_ms).found()
}

/// The tombstone of a deleted concern.
pub fn tombstone(store: &dyn KeyValueStore, id: &str, now_ms: u64) -> Option<Tombstone> {
    storage::load::<Tombstone>(store, &tombstone_key(id), &TOMBSTONE_CODEC, now_ms).found()
}

/// Deletes a concern, leaving a tombstone first (so an interruption never loses the delete),
/// then tells `subscriber`.
pub fn delete_one(
    store: &dyn KeyValueStore,
    id: &str,
    revision: u32,
    now_ms: u64,
    subscriber: &dyn Subscriber,
) -> Result<(), StoreError> {
    let tombstone = Tombstone {
        id: id.to_string(),
        revision: revision + 1,
        deleted_ms: now_ms,
    };
    let key = tombstone_key(id);
    let _ = concern_list::forget(store);
    match storage::save(store, &key, &TOMBSTONE_CODEC, &tombstone, now_ms) {
        Ok(()) => store.remove(&record_key(id))?,
        // A full store: deleting is how the user frees space, so remove the record first and
        // then write the (much smaller) tombstone.
        Err(StoreError::QuotaExceeded) => {
            store.remove(&record_key(id))?;
            storage::save(store, &key, &TOMBSTONE_CODEC, &tombstone, now_ms)?;
        }
        Err(e) => return Err(e),
    }
    let ids: Vec<String> = read_index(store, now_ms)
        .into_iter()
        .filter(|x| x != id)
        .collect();
    storage::save(store, INDEX_KEY, &INDEX_CODEC, &ids, now_ms)?;
    subscriber.publish(
        store,
        Event::Deleted {
            id,
            revision: tombstone.revision,
        },
        now_ms,
    )
}

/// Stores a tombstone from elsewhere (an import), keeping the higher revision.
pub fn keep_tombstone(
    store: &dyn KeyValueStore,
    t: &Tombstone,
    now_ms: u64,
) -> Result<(), StoreError> {
    let key = tombstone_key(&t.id);
    if let Some(existing) =
        storage::load::<Tombstone>(store, &key, &TOMBSTONE_CODEC, now_ms).found()
    {
        if existing.revision >= t.revision {
            return Ok(());
        }
    }
    storage::save(store, &key, &TOMBSTONE_CODEC, t, now_ms)
}

const DAY_MS: u64 = 86_400_000;
pub const RETENTION_KEY: &str = "ssp.retention";
const RETENTION_CODEC: Codec = Codec {
    schema: 1,
    migrations: &[],
};

/// Closed concerns older than `retention_days` after closing.
pub fn past_retention(concerns: &[Concern], retention_days: u32, now_ms: u64) -> Vec<String> {
    concerns
        .iter()
        .filter(|c| {
            c.closed_ms()
                .is_some_and(|at| at + u64::from(retention_days) * DAY_MS <= now_ms)
        })
        .map(|c| c.id.clone())
        .collect()
}

/// Which ids have been announced for deletion, and when (ms).
pub fn announced(
    store: &dyn KeyValueStore,
    now_ms: u64,
) -> std::collections::BTreeMap<String, u64> {
    storage::load(store, RETENTION_KEY, &RETENTION_CODEC, now_ms)
        .found()
        .unwrap_or_default()
}

/// Retention at start-up: deletes (with tombstones) the concerns past retention that were
/// announced in an earlier session, announces the rest, and drops tombstones older than the
/// retention period. Returns (deleted ids, ids announced now for deletion next time).
pub fn apply_retention(
    store: &dyn KeyValueStore,
    concerns: &[Concern],
    retention_days: u32,
    session_start_ms: u64,
    subscriber: &dyn Subscriber,
) -> (Vec<String>, Vec<String>) {
    let due = past_retention(concerns, retention_days, session_start_ms);
    let mut notes = announced(store, session_start_ms);
    let mut deleted = Vec::new();
    let mut pending = Vec::new();
    for id in due {
        match notes.get(&id) {
            // Told in an earlier session, with the offer to export: now it goes.
            Some(at) if *at < session_start_ms => {
                let revision = concerns
                    .iter()
                    .find(|c| c.id == id)
                    .map_or(0, |c| c.revision);
                if delete_one(store, &id, revision, session_start_ms, subscriber).is_ok() {
                    notes.remove(&id);
                    deleted.push(id);
                }
            }
            Some(_) => pending.push(id),
            None => {
                notes.insert(id.clone(), session_start_ms);
                pending.push(id);
            }
        }
    }
    notes.retain(|id, _| concerns.iter().any(|c| &c.id == id) && !deleted.contains(id));
    // Nothing to remember: nothing stored.
    if notes.is_empty() {
        let _ = store.remove(RETENTION_KEY);
    } else {
        let _ = storage::save(
            store,
            RETENTION_KEY,
            &RETENTION_CODEC,
            &notes,
            session_start_ms,
        );
    }
    for t in tombstones(store, session_start_ms) {
        if t.deleted_ms + u64::from(retention_days) * DAY_MS <= session_start_ms {
            let _ = store.remove(&tombstone_key(&t.id));
        }
    }
    (deleted, pending)
}

/// Every tombstone on the device.
pub fn tombstones(store: &dyn KeyValueStore, now_ms: u64) -> Vec<Tombstone> {
    let mut out: Vec<Tombstone> = store
        .keys()
        .unwrap_or_default()
        .into_iter()
        .filter(|k| k.starts_with(TOMBSTONE_PREFIX))
        .filter_map(|k| storage::load::<Tombstone>(store, &k, &TOMBSTONE_CODEC, now_ms).found())
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::Date;
    use crate::domain::storage::{list_quarantine, MemoryStore};

    /// A schema-1 document as the app stored it before records (tests/fixtures).
    const V1: &str = include_str!("../../tests/fixtures/concerns-v1.json");

    fn v1_store() -> MemoryStore {
        let store = MemoryStore::new();
        store.set(LEGACY_KEY, V1).unwrap();
        store
    }

    #[test]
    fn schema_1_is_migrated_to_records_with_the_renamed_field() {
        let store = v1_store();
        let (concerns, report) = load_all(&store, 5);
        assert_eq!(
            report,
            LoadReport {
                set_aside: 0,
                index_repaired: false,
                migrated: 2,
                from_future: 0,
            }
        );
        assert_eq!(concerns.len(), 2);
        assert_eq!(concerns[0].child, "AB");
        assert_eq!(concerns[1].child, "Elev K");
        assert_eq!(
            store.get(LEGACY_KEY).unwrap(),
            None,
            "the old document is gone once moved"
        );
        let raw = store.get(&record_key(&concerns[0].id)).unwrap().unwrap();
        assert!(raw.starts_with("{\"schema\":3,"));
        assert!(raw.contains("\"pseudonym\":\"AB\"") && !raw.contains("\"child\""));
        // Loading again changes nothing.
        let (again, report) = load_all(&store, 6);
        assert_eq!(again, concerns);
        assert_eq!(report, LoadReport::default());
    }

    /// Older versions only checked that a date had ten characters: a record holding one that
    /// is not a date loads, with the creation date (`Concern`'s rule), and is never set aside.
    #[test]
    fn a_record_with_an_unreadable_date_loads_and_is_not_set_aside() {
        let mut legacy: Value = serde_json::from_str(V1).unwrap();
        legacy["data"][0]["follow_up"] = "2026-02-30".into();
        legacy["data"][0]["action_plan"][1]["by"] = "".into();
        let store = MemoryStore::new();
        store.set(LEGACY_KEY, &legacy.to_string()).unwrap();
        let (concerns, report) = load_all(&store, 5);
        assert_eq!(
            (concerns.len(), report.migrated, report.set_aside),
            (2, 2, 0)
        );
        let created = Date::from_ms(concerns[0].created_ms);
        assert_eq!(concerns[0].follow_up, created);
        assert_eq!(concerns[0].action_plan[1].by, created);
        assert_eq!(
            concerns[0].action_plan[0].by.iso(),
            "2026-11-23",
            "the rest as it was"
        );
        assert_eq!(concerns[1].follow_up.iso(), "2026-11-28");

        // A current (schema 3) record the same way: loads, and loading does not rewrite it.
        let key = record_key(&concerns[1].id);
        let mut record: Value = serde_json::from_str(&store.get(&key).unwrap().unwrap()).unwrap();
        record["data"]["follow_up"] = "".into();
        record["data"]["action_plan"][0]["by"] = "2026-02-30".into();
        let raw = record.to_string();
        store.set(&key, &raw).unwrap();
        let (again, report) = load_all(&store, 6);
        assert_eq!(report, LoadReport::default());
        let created = Date::from_ms(again[1].created_ms);
        assert_eq!(
            (again[1].follow_up, again[1].action_plan[0].by),
            (created, created)
        );
        assert_eq!(store.get(&key).unwrap(), Some(raw));
        assert!(list_quarantine(&store).unwrap().is_empty());
        assert!(load_one(&store, &again[1].id, 7).is_some());
    }

    /// A record with real dates is written byte for byte as it was read.
    #[test]
    fn a_record_saved_again_unchanged_is_the_same_text() {
        let store = v1_store();
        let (concerns, _) = load_all(&store, 5);
        for c in &concerns {
            let key = record_key(&c.id);
            let before = store.get(&key).unwrap().unwrap();
            assert!(before.contains(&format!("\"follow_up\":\"{}\"", c.follow_up.iso())));
            save_record(&store, c, 6).unwrap();
            assert_eq!(store.get(&key).unwrap().unwrap(), before);
        }
    }

    #[test]
    fn a_damaged_record_is_set_aside_and_the_others_load() {
        let store = v1_store();
        let (concerns, _) = load_all(&store, 5);
        store
            .set(
                &record_key(&concerns[0].id),
                "{\"schema\":2,\"data\":{\"id\":",
            )
            .unwrap();
        let (left, report) = load_all(&store, 6);
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].id, concerns[1].id);
        assert_eq!(report.set_aside, 1);
        assert!(report.index_repaired);
        assert_eq!(list_quarantine(&store).unwrap().len(), 1);
    }

    #[test]
    fn the_index_is_repaired_both_ways() {
        let store = v1_store();
        let (concerns, _) = load_all(&store, 5);
        // A record written but the index not (tab closed between the two writes) …
        store
            .set(
                INDEX_KEY,
                &INDEX_CODEC
                    .encode(&vec![concerns[0].id.clone(), "gone".to_string()])
                    .unwrap(),
            )
            .unwrap();
        let (all, report) = load_all(&store, 6);
        assert_eq!(all.len(), 2, "the record missing from the index is found");
        assert!(report.index_repaired);
        assert_eq!(
            read_index(&store, 7),
            [concerns[0].id.clone(), concerns[1].id.clone()]
        );
    }

    #[test]
    fn a_save_from_an_old_revision_is_refused() {
        let store = MemoryStore::new();
        store.set(LEGACY_KEY, V1).unwrap();
        let (mut concerns, _) = load_all(&store, 5);
        let mut mine = concerns.remove(0);
        let mut theirs = mine.clone();
        let base = mine.revision;
        theirs.set_follow_up("2027-02-01", 10, "Lærer").unwrap();
        save_one(&store, &theirs, Some(base), 10, &Nobody).unwrap();
        mine.close("Afsluttet", 11, "Lærer").unwrap();
        assert_eq!(
            save_one(&store, &mine, Some(base), 11, &Nobody),
            Err(SaveError::Conflict {
                stored_revision: base + 1
            })
        );
        let (stored, _) = load_all(&store, 12);
        assert_eq!(
            stored
                .iter()
                .find(|c| c.id == theirs.id)
                .unwrap()
                .follow_up
                .iso(),
            "2027-02-01"
        );
    }

    #[test]
    fn a_record_from_a_newer_version_is_left_untouched_and_not_shown() {
        let store = v1_store();
        let (concerns, _) = load_all(&store, 5);
        let key = record_key(&concerns[0].id);
        let newer = r#"{"schema":7,"data":{"id":"fra fremtiden"}}"#;
        store.set(&key, newer).unwrap();
        let (shown, report) = load_all(&store, 6);
        assert_eq!(shown.len(), 1);
        assert_eq!(report.from_future, 1);
        assert_eq!(report.set_aside, 0);
        assert_eq!(store.get(&key).unwrap().as_deref(), Some(newer));
        let mut c = concerns[0].clone();
        c.close("x", 7, "Lærer").unwrap();
        assert_eq!(
            save_one(&store, &c, None, 7, &Nobody),
            Err(SaveError::Store(StoreError::NewerVersion))
        );
        assert_eq!(store.get(&key).unwrap().as_deref(), Some(newer));
    }

    #[test]
    fn closed_concerns_are_announced_first_and_deleted_in_a_later_session() {
        let store = v1_store();
        let (mut concerns, _) = load_all(&store, 5);
        concerns[0].close("Afsluttet", 1_000, "Lærer").unwrap();
        save_one(&store, &concerns[0], None, 1_000, &Nobody).unwrap();
        let day = 86_400_000;
        // 89 days after closing: nothing happens.
        assert_eq!(
            apply_retention(&store, &concerns, 90, 1_000 + 89 * day, &Nobody),
            (vec![], vec![])
        );
        // 90 days: announced, not deleted.
        let first = 1_000 + 90 * day;
        assert_eq!(
            apply_retention(&store, &concerns, 90, first, &Nobody),
            (vec![], vec![concerns[0].id.clone()])
        );
        assert_eq!(load_all(&store, first).0.len(), 2);
        // The same session again: still only announced.
        assert_eq!(
            apply_retention(&store, &concerns, 90, first, &Nobody)
                .0
                .len(),
            0
        );
        // A later session: deleted, with a tombstone; the open concern stays.
        let (deleted, pending) = apply_retention(&store, &concerns, 90, first + 1, &Nobody);
        assert_eq!((deleted, pending), (vec![concerns[0].id.clone()], vec![]));
        let (left, _) = load_all(&store, first + 2);
        assert_eq!(left.len(), 1);
        assert_eq!(tombstones(&store, first + 2).len(), 1);
        // The tombstone itself goes once the retention period has passed again.
        apply_retention(&store, &left, 90, first + 1 + 90 * day, &Nobody);
        assert!(tombstones(&store, first + 2 + 90 * day).is_empty());
    }

    #[test]
    fn a_delete_works_in_a_full_store() {
        let store = v1_store();
        let (concerns, _) = load_all(&store, 5);
        let used = crate::domain::storage::usage_bytes(&store).unwrap() / 2;
        let full = MemoryStore::with_quota(used);
        for k in store.keys().unwrap() {
            full.set(&k, &store.get(&k).unwrap().unwrap()).unwrap();
        }
        delete_one(&full, &concerns[1].id, concerns[1].revision, 9, &Nobody).unwrap();
        assert_eq!(tombstones(&full, 10).len(), 1);
        assert_eq!(load_all(&full, 10).0.len(), 1);
    }

    #[test]
    fn a_delete_leaves_a_tombstone_and_updates_the_index() {
        let store = v1_store();
        let (concerns, _) = load_all(&store, 5);
        delete_one(&store, &concerns[0].id, concerns[0].revision, 99, &Nobody).unwrap();
        let (left, report) = load_all(&store, 100);
        assert_eq!(left.len(), 1);
        assert!(!report.index_repaired);
        assert_eq!(
            tombstones(&store, 100),
            [Tombstone {
                id: concerns[0].id.clone(),
                revision: concerns[0].revision + 1,
                deleted_ms: 99
            }]
        );
    }

    #[test]
    fn a_full_store_refuses_the_save_and_keeps_the_old_record() {
        let store = v1_store();
        let (concerns, _) = load_all(&store, 5);
        let used = crate::domain::storage::usage_bytes(&store).unwrap() / 2;
        let tight = MemoryStore::with_quota(used + 10);
        for k in store.keys().unwrap() {
            tight.set(&k, &store.get(&k).unwrap().unwrap()).unwrap();
        }
        let mut c = concerns[0].clone();
        let base = c.revision;
        c.add_item(&"x".repeat(500), "Lærer", "2027-01-01", 6, "Lærer")
            .unwrap();
        assert_eq!(
            save_one(&tight, &c, Some(base), 6, &Nobody),
            Err(SaveError::Store(StoreError::QuotaExceeded))
        );
        let (stored, _) = load_all(&tight, 7);
        assert_eq!(stored[0].revision, base, "the old record is intact");
    }
}
