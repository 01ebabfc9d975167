//! The sync engine: the durable outbox, what a push's answer and a pulled page do to the
//! device's data, conflicts kept for a person to decide, and the status shown in Settings.
//!
//! Everything here works on a [`KeyValueStore`]; the browser runs it through the PIN lock
//! (the outbox and conflicts hold concern content and are sealed; see `vault::is_sealed_key`).
//!
//! Keys:
//! - `ssp.sync.state`: this device's client id, the next mutation id, the checkpoint, the last
//!   success and error (no concern content);
//! - `ssp.sync.outbox`: one entry per changed concern, oldest first. An entry is *pending*
//!   (content read from the record when it is first sent, so several edits go as one) or *sent*
//!   (frozen: retried with the same mutation id and content until answered);
//! - `ssp.sync.revs`: the server revision each concern is known to be at — the base of the
//!   next change;
//! - `ssp.sync.conflict.<id>`: the server's version of a concern that was changed on both sides.

use super::protocol::{make_rev, Doc, Mutation, Page, PushOutcome, SyncError};
use super::validate;
use crate::domain::concern::Concern;
use crate::domain::concern_store::{self, RECORD_CODEC};
use crate::domain::storage::{self, Codec, KeyValueStore, StoreError};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

pub const STATE_KEY: &str = "ssp.sync.state";
pub const OUTBOX_KEY: &str = "ssp.sync.outbox";
pub const REVS_KEY: &str = "ssp.sync.revs";
pub const CONFLICT_PREFIX: &str = "ssp.sync.conflict.";
pub const LEASE_KEY: &str = "ssp.sync.lease";

const CODEC: Codec = Codec {
    schema: 1,
    migrations: &[],
};

/// Mutations per push (the protocol allows 100).
pub const BATCH_ITEMS: usize = 50;
/// Bytes of document JSON per push (the protocol allows 1 MiB for the whole body).
pub const BATCH_BYTES: usize = 600_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncState {
    /// This device's id towards the server (a UUID made when sync was set up).
    pub client: String,
    pub next_mid: u64,
    /// Where the next pull starts ("" = the beginning).
    #[serde(default)]
    pub checkpoint: String,
    #[serde(default)]
    pub last_ok_ms: Option<u64>,
    #[serde(default)]
    pub last_error: Option<SyncError>,
    /// Failed attempts in a row (for the backoff).
    #[serde(default)]
    pub failures: u32,
    /// Pulled documents written by a newer version of the app, not shown here.
    #[serde(default)]
    pub from_future: u32,
    /// Documents from the server that failed the checks (`validate`) or did not read as a
    /// concern: skipped, never stored. Counted since sync was set up.
    #[serde(default)]
    pub rejected: u32,
}

/// One changed concern waiting to reach the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub mid: u64,
    pub id: String,
    /// Set when first sent; a retry sends exactly this.
    #[serde(default)]
    pub sent: Option<Mutation>,
    /// CouchDB only: conflicting branches to delete with this change (a resolved conflict).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drop_revs: Vec<String>,
}

/// A concern changed here and on the server: the server's version, kept until a person chooses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConflictRecord {
    pub id: String,
    /// The other version (the server's, or a conflicting branch CouchDB kept).
    pub theirs: Doc,
    /// The server revision a resolution is written on.
    pub base_rev: String,
    /// CouchDB's conflicting branches, deleted when the conflict is resolved.
    #[serde(default)]
    pub losing_revs: Vec<String>,
    pub at_ms: u64,
}

impl ConflictRecord {
    /// The server's current version against a local change (no other branches).
    fn server_version(server: &Doc, now: u64) -> ConflictRecord {
        ConflictRecord {
            id: server.id.clone(),
            theirs: server.clone(),
            base_rev: server.rev.clone(),
            losing_revs: Vec::new(),
            at_ms: now,
        }
    }
}

/// One mutation ready to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    pub mutation: Mutation,
    pub drop_revs: Vec<String>,
}

/// What to send now.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    pub client: String,
    pub items: Vec<Outgoing>,
}

/// How a person settles a conflict.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolution {
    /// Keep this device's version (or its delete).
    Mine,
    /// Take the other version.
    Theirs,
    /// A version put together from both.
    Merged(Box<Concern>),
}

/// What applying an answer or a page did (for the status line and the tests).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    pub accepted: usize,
    pub updated: usize,
    pub deleted: usize,
    pub conflicts: usize,
    pub unreadable: usize,
    /// Documents skipped because they failed the checks in `validate` (or, for a push answer,
    /// a conflict whose server version failed them: that mutation stays in the outbox).
    pub rejected: usize,
}

impl Applied {
    /// Whether the concerns on the device changed (the UI reloads them).
    pub fn changed_data(&self) -> bool {
        self.updated + self.deleted + self.conflicts > 0
    }
}

/// The status for Settings.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Status {
    pub set_up: bool,
    pub waiting: usize,
    pub conflicts: usize,
    pub last_ok_ms: Option<u64>,
    pub last_error: Option<SyncError>,
    pub from_future: u32,
    /// Documents from the server skipped as invalid (see [`SyncState::rejected`]).
    pub rejected: u32,
}

impl SyncState {
    /// A new outbox entry for concern `id`, with the next mutation id.
    fn queue(&mut self, id: &str) -> Entry {
        let mid = self.next_mid;
        self.next_mid += 1;
        Entry {
            mid,
            id: id.to_string(),
            sent: None,
            drop_revs: Vec::new(),
        }
    }
}

fn load_or<T: serde::de::DeserializeOwned>(
    store: &dyn KeyValueStore,
    key: &str,
    now: u64,
) -> Option<T> {
    storage::load(store, key, &CODEC, now).found()
}

pub fn state(store: &dyn KeyValueStore, now: u64) -> Option<SyncState> {
    load_or(store, STATE_KEY, now)
}

fn save_state(store: &dyn KeyValueStore, s: &SyncState, now: u64) -> Result<(), StoreError> {
    storage::save(store, STATE_KEY, &CODEC, s, now)
}

pub fn outbox(store: &dyn KeyValueStore, now: u64) -> Vec<Entry> {
    load_or(store, OUTBOX_KEY, now).unwrap_or_default()
}

fn save_outbox(store: &dyn KeyValueStore, o: &[Entry], now: u64) -> Result<(), StoreError> {
    if o.is_empty() {
        store.remove(OUTBOX_KEY)
    } else {
        storage::save(store, OUTBOX_KEY, &CODEC, &o.to_vec(), now)
    }
}

pub fn revs(store: &dyn KeyValueStore, now: u64) -> BTreeMap<String, String> {
    load_or(store, REVS_KEY, now).unwrap_or_default()
}

fn save_revs(
    store: &dyn KeyValueStore,
    r: &BTreeMap<String, String>,
    now: u64,
) -> Result<(), StoreError> {
    storage::save(store, REVS_KEY, &CODEC, r, now)
}

fn conflict_key(id: &str) -> String {
    format!("{CONFLICT_PREFIX}{id}")
}

pub fn conflict(store: &dyn KeyValueStore, id: &str, now: u64) -> Option<ConflictRecord> {
    load_or(store, &conflict_key(id), now)
}

/// The ids of the concerns with a kept conflict, sorted (from the keys; nothing decoded).
pub fn conflict_ids(store: &dyn KeyValueStore) -> Vec<String> {
    let mut ids: Vec<String> = store
        .keys()
        .unwrap_or_default()
        .into_iter()
        .filter_map(|k| k.strip_prefix(CONFLICT_PREFIX).map(str::to_string))
        .collect();
    ids.sort();
    ids
}

/// Every kept conflict, by id.
pub fn conflicts(store: &dyn KeyValueStore, now: u64) -> Vec<ConflictRecord> {
    conflict_ids(store)
        .iter()
        .filter_map(|id| conflict(store, id, now))
        .collect()
}

fn keep_conflict(
    store: &dyn KeyValueStore,
    c: &ConflictRecord,
    now: u64,
) -> Result<(), StoreError> {
    storage::save(store, &conflict_key(&c.id), &CODEC, c, now)
}

/// Sets sync up on this device (once): a client id, and every concern already here queued
/// for its first upload. Later calls change nothing.
pub fn set_up(store: &dyn KeyValueStore, client: &str, now: u64) -> Result<(), StoreError> {
    if state(store, now).is_some() {
        return Ok(());
    }
    start(store, client, now)?;
    let (concerns, _) = concern_store::load_all(store, now);
    for c in concerns {
        note_change(store, &c.id, now)?;
    }
    Ok(())
}

/// Starts sync with nothing queued (a team's lane: only what is shared goes). Later calls
/// change nothing.
pub fn start(store: &dyn KeyValueStore, client: &str, now: u64) -> Result<(), StoreError> {
    if state(store, now).is_some() {
        return Ok(());
    }
    save_state(
        store,
        &SyncState {
            client: client.to_string(),
            next_mid: 1,
            checkpoint: String::new(),
            last_ok_ms: None,
            last_error: None,
            failures: 0,
            from_future: 0,
            rejected: 0,
        },
        now,
    )
}

/// Drops the change of concern `id` that waits unsent (the concern is no longer shared). A
/// change already sent stays until it is answered: it cannot be called back.
pub fn forget_unsent(store: &dyn KeyValueStore, id: &str, now: u64) -> Result<(), StoreError> {
    let mut ob = outbox(store, now);
    let before = ob.len();
    ob.retain(|e| e.id != id || e.sent.is_some());
    if ob.len() == before {
        return Ok(());
    }
    save_outbox(store, &ob, now)
}

/// Sync's outbox as a subscriber of the concern store: real data's saves and deletes are
/// published to it in the same write (the store knows nothing of sync).
pub struct Outbox;

impl concern_store::Subscriber for Outbox {
    fn publish(
        &self,
        store: &dyn KeyValueStore,
        event: concern_store::Event<'_>,
        now_ms: u64,
    ) -> Result<(), StoreError> {
        note_change(store, event.id(), now_ms)
    }
}

/// Queues a local change of concern `id` (published by every save and delete of a real concern,
/// in the same write). Does nothing where sync was never set up — training's namespace included.
/// A change to a concern that already waits unsent joins that entry.
pub fn note_change(store: &dyn KeyValueStore, id: &str, now: u64) -> Result<(), StoreError> {
    let Some(mut st) = state(store, now) else {
        return Ok(());
    };
    let mut ob = outbox(store, now);
    if ob.iter().any(|e| e.id == id && e.sent.is_none()) {
        return Ok(());
    }
    ob.push(st.queue(id));
    // The counter first: a mutation id is never handed out twice, even if the outbox write fails.
    save_state(store, &st, now)?;
    save_outbox(store, &ob, now)
}

/// The document for concern `id` as it is on the device now: the record, or its tombstone.
fn local_doc(
    store: &dyn KeyValueStore,
    id: &str,
    base: Option<&str>,
    client: &str,
    mid: u64,
    now: u64,
) -> Option<Doc> {
    if let Some(c) = concern_store::load_one(store, id, now) {
        // Through text, not `to_value`: one serializer per type in the wasm (same value).
        let data: serde_json::Value =
            serde_json::from_str(&serde_json::to_string(&c).ok()?).ok()?;
        let content = data.to_string();
        return Some(Doc {
            id: id.to_string(),
            rev: make_rev(base, client, mid, &content),
            base_rev: base.map(str::to_string),
            deleted: false,
            schema: RECORD_CODEC.schema,
            updated_ms: c.updated_ms,
            data: Some(data),
        });
    }
    let t = concern_store::tombstone(store, id, now)?;
    Some(Doc {
        id: id.to_string(),
        rev: make_rev(base, client, mid, "deleted"),
        base_rev: base.map(str::to_string),
        deleted: true,
        schema: RECORD_CODEC.schema,
        updated_ms: t.deleted_ms,
        data: None,
    })
}

/// The next batch to push, or `None` when nothing can go now. Entries already sent go again as
/// they were; a pending entry is frozen now (its content and base revision), and the frozen
/// form is stored before the batch is returned. At most one mutation per concern, none for a
/// concern with an unresolved conflict, and none after an unanswered one of the same concern.
pub fn next_batch(store: &dyn KeyValueStore, now: u64) -> Result<Option<Batch>, StoreError> {
    let Some(st) = state(store, now) else {
        return Ok(None);
    };
    let mut ob = outbox(store, now);
    let known = revs(store, now);
    let held: BTreeSet<String> = conflict_ids(store).into_iter().collect();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut items = Vec::new();
    let mut bytes = 0usize;
    let mut changed = false;
    let mut dropped = Vec::new();
    for e in ob.iter_mut() {
        if items.len() >= BATCH_ITEMS || bytes >= BATCH_BYTES {
            break;
        }
        if held.contains(&e.id) || !seen.insert(e.id.clone()) {
            continue;
        }
        if e.sent.is_none() {
            let base = known.get(&e.id).map(String::as_str);
            match local_doc(store, &e.id, base, &st.client, e.mid, now) {
                // Deleted before it ever reached the server: nothing to tell it.
                Some(doc) if doc.deleted && doc.base_rev.is_none() => {
                    dropped.push(e.mid);
                    continue;
                }
                Some(doc) => {
                    e.sent = Some(Mutation { mid: e.mid, doc });
                    changed = true;
                }
                // Neither record nor tombstone (set aside as unreadable): nothing to send.
                None => {
                    dropped.push(e.mid);
                    continue;
                }
            }
        }
        // Frozen above if it was not already.
        let Some(m) = e.sent.clone() else { continue };
        bytes += m.doc.data.as_ref().map_or(0, |d| d.to_string().len());
        items.push(Outgoing {
            mutation: m,
            drop_revs: e.drop_revs.clone(),
        });
    }
    if !dropped.is_empty() {
        ob.retain(|e| !dropped.contains(&e.mid));
        changed = true;
    }
    if changed {
        save_outbox(store, &ob, now)?;
    }
    Ok((!items.is_empty()).then_some(Batch {
        client: st.client,
        items,
    }))
}

/// Applies what the server answered to a push: accepted mutations leave the outbox and their
/// revision becomes the base of the next change; a conflict keeps the server's version beside
/// the local one and holds the concern until a person chooses. Answers to mutations no longer
/// in the outbox (a duplicate answer) change nothing.
pub fn apply_push(
    store: &dyn KeyValueStore,
    outcome: &PushOutcome,
    now: u64,
) -> Result<Applied, StoreError> {
    let mut st = state(store, now).ok_or(StoreError::Other("sync not set up".into()))?;
    let mut ob = outbox(store, now);
    let mut known = revs(store, now);
    let mut applied = Applied::default();
    let accept =
        |ob: &mut Vec<Entry>, known: &mut BTreeMap<String, String>, mid: u64, rev: &str| {
            if let Some(pos) = ob.iter().position(|e| e.mid == mid && e.sent.is_some()) {
                let e = ob.remove(pos);
                known.insert(e.id, rev.to_string());
                true
            } else {
                false
            }
        };
    for (mid, rev) in &outcome.accepted {
        if accept(&mut ob, &mut known, *mid, rev) {
            applied.accepted += 1;
        }
    }
    for (mid, server) in &outcome.conflicts {
        // The server's version is kept on the device as a conflict: only a valid one.
        if validate::check_doc(server).is_err() {
            applied.rejected += 1;
            st.rejected = st.rejected.saturating_add(1);
            continue;
        }
        let Some(sent) = ob
            .iter()
            .find(|e| e.mid == *mid)
            .and_then(|e| e.sent.clone())
        else {
            continue;
        };
        // Our own change, already applied (its answer was lost), or the same delete twice.
        if server.rev == sent.doc.rev || (server.deleted && sent.doc.deleted) {
            if accept(&mut ob, &mut known, *mid, &server.rev) {
                applied.accepted += 1;
            }
            continue;
        }
        let id = sent.doc.id.clone();
        ob.retain(|e| e.mid != *mid);
        // The local change stays queued (as a new mutation) and held by the conflict.
        if !ob.iter().any(|e| e.id == id) {
            ob.push(st.queue(&id));
        }
        keep_conflict(store, &ConflictRecord::server_version(server, now), now)?;
        applied.conflicts += 1;
    }
    save_state(store, &st, now)?;
    save_revs(store, &known, now)?;
    save_outbox(store, &ob, now)?;
    Ok(applied)
}

/// The concern a pulled document holds, read through the record codec (older schemas are
/// migrated). `Err(true)` when a newer app wrote it.
fn remote_concern(doc: &Doc) -> Result<Concern, bool> {
    let envelope = serde_json::json!({ "schema": doc.schema, "data": doc.data }).to_string();
    match RECORD_CODEC.decode::<Concern>(&envelope) {
        Ok(c) if c.id == doc.id => Ok(c),
        Ok(_) => Err(false),
        Err(storage::DecodeError::FutureSchema { .. }) => Err(true),
        Err(_) => Err(false),
    }
}

/// The other version of a conflict as a concern (`None` when it is a deletion or unreadable).
pub fn theirs_concern(c: &ConflictRecord) -> Option<Concern> {
    if c.theirs.deleted {
        return None;
    }
    remote_concern(&c.theirs).ok()
}

/// Writes a remote version on the device without queueing it. The stored revision is moved
/// past the local one, so an edit another tab began earlier is refused rather than written
/// over it.
fn write_remote(
    store: &dyn KeyValueStore,
    doc: &Doc,
    now: u64,
) -> Result<Result<(), bool>, StoreError> {
    let written = write_remote_record(store, doc, now)?;
    if written.is_ok() && !doc.deleted {
        concern_store::add_to_index(store, std::slice::from_ref(&doc.id), now)?;
    }
    Ok(written)
}

/// [`write_remote`] without the index (a page adds all its ids at once).
fn write_remote_record(
    store: &dyn KeyValueStore,
    doc: &Doc,
    now: u64,
) -> Result<Result<(), bool>, StoreError> {
    if doc.deleted {
        let local = concern_store::load_one(store, &doc.id, now);
        let revision = local.as_ref().map_or(0, |c| c.revision);
        if local.is_some() || concern_store::tombstone(store, &doc.id, now).is_none() {
            concern_store::delete_one(store, &doc.id, revision, now, &concern_store::Nobody)?;
        }
        return Ok(Ok(()));
    }
    let mut c = match remote_concern(doc) {
        Ok(c) => c,
        Err(future) => return Ok(Err(future)),
    };
    if let Some(local) = concern_store::load_one(store, &doc.id, now) {
        c.revision = c.revision.max(local.revision + 1);
    }
    concern_store::save_record(store, &c, now)?;
    Ok(Ok(()))
}

/// Applies a pulled page: each document newer than what the device knows replaces the local
/// version — unless the concern has a local change the server has not got, in which case both
/// are kept as a conflict. The checkpoint is stored last, so an interrupted page is pulled again
/// (and applying a document twice changes nothing).
pub fn apply_page(store: &dyn KeyValueStore, page: &Page, now: u64) -> Result<Applied, StoreError> {
    let mut st = state(store, now).ok_or(StoreError::Other("sync not set up".into()))?;
    let mut ob = outbox(store, now);
    let mut known = revs(store, now);
    let mut applied = Applied {
        rejected: page.rejected,
        ..Applied::default()
    };
    let mut new_ids = Vec::new();
    for pulled in &page.docs {
        let doc = &pulled.doc;
        // Nothing of a document that fails the checks is stored, not even as a conflict.
        if validate::check_doc(doc).is_err() {
            applied.rejected += 1;
            continue;
        }
        let losing: Vec<Doc> = pulled
            .losing
            .iter()
            .filter(|d| validate::check_doc(d).is_ok() && d.id == doc.id)
            .cloned()
            .collect();
        applied.rejected += pulled.losing.len() - losing.len();
        let id = doc.id.clone();
        let already = known.get(&id) == Some(&doc.rev);
        if let Some(mut c) = conflict(store, &id, now) {
            // Still undecided: the newest server version is the one to compare with.
            if c.base_rev != doc.rev {
                c.theirs = doc.clone();
                c.base_rev = doc.rev.clone();
                keep_conflict(store, &c, now)?;
            }
            continue;
        }
        let frozen_is_this = ob
            .iter()
            .any(|e| e.id == id && e.sent.as_ref().is_some_and(|m| m.doc.rev == doc.rev));
        if frozen_is_this {
            // Our own push, applied by the server though its answer has not come (yet).
            ob.retain(|e| !(e.id == id && e.sent.is_some()));
            known.insert(id.clone(), doc.rev.clone());
            applied.accepted += 1;
        } else if !already {
            if ob.iter().any(|e| e.id == id) {
                keep_conflict(store, &ConflictRecord::server_version(doc, now), now)?;
                applied.conflicts += 1;
                continue;
            }
            match write_remote_record(store, doc, now)? {
                Ok(()) => {
                    if !doc.deleted {
                        new_ids.push(id.clone());
                    }
                    known.insert(id.clone(), doc.rev.clone());
                    if doc.deleted {
                        applied.deleted += 1;
                    } else {
                        applied.updated += 1;
                    }
                }
                Err(true) => {
                    st.from_future += 1;
                    continue;
                }
                Err(false) => {
                    applied.unreadable += 1;
                    st.rejected = st.rejected.saturating_add(1);
                    continue;
                }
            }
        }
        // CouchDB kept other branches of this document: a conflict, shown like any other.
        if let Some(first) = losing.first() {
            keep_conflict(
                store,
                &ConflictRecord {
                    id: id.clone(),
                    theirs: first.clone(),
                    base_rev: doc.rev.clone(),
                    losing_revs: losing.iter().map(|d| d.rev.clone()).collect(),
                    at_ms: now,
                },
                now,
            )?;
            applied.conflicts += 1;
        }
    }
    st.rejected = st
        .rejected
        .saturating_add(u32::try_from(applied.rejected).unwrap_or(u32::MAX));
    concern_store::add_to_index(store, &new_ids, now)?;
    save_outbox(store, &ob, now)?;
    save_revs(store, &known, now)?;
    st.checkpoint = page.checkpoint.clone();
    save_state(store, &st, now)?;
    Ok(applied)
}

/// Settles a conflict as a person chose. Keeping this device's version (or a merge) queues it
/// on top of the server's version, so the next push is accepted; taking the other version
/// writes it here and drops the local change.
pub fn resolve(
    store: &dyn KeyValueStore,
    id: &str,
    choice: &Resolution,
    now: u64,
) -> Result<(), StoreError> {
    let Some(c) = conflict(store, id, now) else {
        return Ok(());
    };
    let mut known = revs(store, now);
    known.insert(id.to_string(), c.base_rev.clone());
    save_revs(store, &known, now)?;
    let mut ob = outbox(store, now);
    ob.retain(|e| e.id != id || e.sent.is_some());
    save_outbox(store, &ob, now)?;
    match choice {
        Resolution::Mine => {}
        Resolution::Theirs => {
            if write_remote(store, &c.theirs, now)?.is_err() {
                return Err(StoreError::Other("the other version cannot be read".into()));
            }
        }
        Resolution::Merged(merged) => {
            let revision = concern_store::load_one(store, id, now)
                .map_or(merged.revision, |l| l.revision.max(merged.revision) + 1);
            let mut m = merged.clone();
            m.revision = revision;
            concern_store::save(store, &m, now, &concern_store::Nobody)?;
        }
    }
    store.remove(&conflict_key(id))?;
    // What goes to the server: this device's version, unless the other version simply wins
    // (then nothing is sent, except CouchDB's losing branches to delete).
    if *choice != Resolution::Theirs || !c.losing_revs.is_empty() {
        note_change(store, id, now)?;
        let mut ob = outbox(store, now);
        if let Some(e) = ob.iter_mut().find(|e| e.id == id && e.sent.is_none()) {
            e.drop_revs = c.losing_revs.clone();
        }
        save_outbox(store, &ob, now)?;
    }
    Ok(())
}

/// The checkpoint the next pull starts from.
pub fn checkpoint(store: &dyn KeyValueStore, now: u64) -> String {
    state(store, now).map(|s| s.checkpoint).unwrap_or_default()
}

/// Notes a completed round (push and pull) for the status line.
pub fn record_ok(store: &dyn KeyValueStore, now: u64) -> Result<(), StoreError> {
    if let Some(mut st) = state(store, now) {
        st.last_ok_ms = Some(now);
        st.last_error = None;
        st.failures = 0;
        save_state(store, &st, now)?;
    }
    Ok(())
}

/// New credentials were saved: an authorisation error no longer stands (other errors do).
pub fn record_ok_if_auth_error(store: &dyn KeyValueStore, now: u64) -> Result<(), StoreError> {
    if let Some(mut st) = state(store, now) {
        if st
            .last_error
            .as_ref()
            .is_some_and(SyncError::needs_credentials)
        {
            st.last_error = None;
            st.failures = 0;
            save_state(store, &st, now)?;
        }
    }
    Ok(())
}

/// Notes a failed round; returns how many failed in a row (for the backoff).
pub fn record_error(
    store: &dyn KeyValueStore,
    error: &SyncError,
    now: u64,
) -> Result<u32, StoreError> {
    let Some(mut st) = state(store, now) else {
        return Ok(0);
    };
    st.last_error = Some(error.clone());
    st.failures = st.failures.saturating_add(1);
    save_state(store, &st, now)?;
    Ok(st.failures)
}

/// What Settings shows.
pub fn status(store: &dyn KeyValueStore, now: u64) -> Status {
    match state(store, now) {
        None => Status::default(),
        Some(st) => Status {
            set_up: true,
            waiting: outbox(store, now).len(),
            conflicts: conflict_ids(store).len(),
            last_ok_ms: st.last_ok_ms,
            last_error: st.last_error,
            from_future: st.from_future,
            rejected: st.rejected,
        },
    }
}

/// One tab at a time syncs: a tab takes (or renews) the lease when it is free, expired or its
/// own. Two tabs that both think they hold it would only send the same mutations twice, which
/// the protocol makes harmless.
pub fn take_lease(store: &dyn KeyValueStore, tab: &str, now: u64, ttl_ms: u64) -> bool {
    #[derive(Serialize, Deserialize)]
    struct Lease {
        tab: String,
        until_ms: u64,
    }
    let current: Option<Lease> = store
        .get(LEASE_KEY)
        .ok()
        .flatten()
        .and_then(|raw| serde_json::from_str(&raw).ok());
    if current.is_some_and(|l| l.tab != tab && l.until_ms > now) {
        return false;
    }
    let lease = Lease {
        tab: tab.to_string(),
        until_ms: now + ttl_ms,
    };
    store
        .set(
            LEASE_KEY,
            &serde_json::to_string(&lease).unwrap_or_default(),
        )
        .is_ok()
}
