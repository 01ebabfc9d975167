//! Lanes: where a device's concerns sync to. The plain lane is v1 sync (Settings → Synkronisering,
//! one space, plaintext); each team the device belongs to is a lane of its own (issue 18), with
//! its own sync state, outbox, revisions, conflicts and documents kept aside, and only the
//! concerns shared with it.
//!
//! A team's lane is the same [`engine`] on a [`LaneStore`]: the engine's keys
//! (`ssp.sync.state`, `ssp.sync.outbox`, …) are kept under `ssp.team.<id>.sync.…` in the store
//! underneath, while concerns are read and written where they always are. So the engine, its
//! invariants and its tests hold for every lane unchanged.
//!
//! Invariants (tests in `tests/team_lanes.rs`):
//! - a concern reaches a team's outbox only while it is shared with that team;
//! - a concern shared with a team never goes to the plain lane (a team's concern is never sent
//!   in the clear, not even to the municipality's own v1 server), also after it was unshared
//!   or the device left the team;
//! - a pulled document of a concern this device stopped sharing is skipped (its checkpoint
//!   moves on); a new one another member shared is taken and is shared from then on (also when
//!   it first arrives as a tombstone: it may come back);
//! - a document that cannot be opened is kept aside in the lane, never dropped;
//! - a document kept aside that opens later (its key arrived) is taken then, unless the lane has
//!   since seen a newer version of it ([`retry_aside`]).

use super::engine::{self, Applied};
use super::protocol::{generation, Doc, Page, Pulled, SyncError};
use crate::domain::concern_store::{self, Event, Subscriber};
use crate::domain::storage::{self, Codec, KeyValueStore, StoreError};
use crate::domain::team::{Sharing, TeamError, Teams};

/// Where the engine's keys start.
const SYNC_PREFIX: &str = "ssp.sync.";
/// Where a team's lane keeps them.
pub const TEAM_PREFIX: &str = "ssp.team.";
/// A document of the lane that did not open (kept, by id, with the lane's other keys).
pub const ASIDE_PREFIX: &str = "ssp.sync.aside.";
const ASIDE_CODEC: Codec = Codec {
    schema: 1,
    migrations: &[],
};

/// The store a team's lane runs on: the engine's keys moved under the team's prefix.
pub struct LaneStore<'a> {
    inner: &'a dyn KeyValueStore,
    /// `ssp.team.<id>.sync.`
    prefix: String,
}

impl<'a> LaneStore<'a> {
    pub fn team(inner: &'a dyn KeyValueStore, team_id: &str) -> LaneStore<'a> {
        LaneStore {
            inner,
            prefix: format!("{TEAM_PREFIX}{team_id}.sync."),
        }
    }

    fn outer(&self, key: &str) -> String {
        // The lease is one for all lanes: one tab syncs them all.
        match key.strip_prefix(SYNC_PREFIX) {
            Some(rest) if key != engine::LEASE_KEY => format!("{}{rest}", self.prefix),
            _ => key.to_string(),
        }
    }
}

impl KeyValueStore for LaneStore<'_> {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.inner.get(&self.outer(key))
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.inner.set(&self.outer(key), value)
    }

    fn remove(&self, key: &str) -> Result<(), StoreError> {
        self.inner.remove(&self.outer(key))
    }

    /// The lane's own sync keys (as the engine names them) and every key that is not a sync
    /// key; the plain lane's sync keys are not this lane's.
    fn keys(&self) -> Result<Vec<String>, StoreError> {
        Ok(self
            .inner
            .keys()?
            .into_iter()
            .filter_map(|k| {
                if let Some(rest) = k.strip_prefix(&self.prefix) {
                    Some(format!("{SYNC_PREFIX}{rest}"))
                } else if k.starts_with(SYNC_PREFIX) {
                    None
                } else {
                    Some(k)
                }
            })
            .collect())
    }
}

/// Concerns that were shared with a team and are not any more (unshared, or the device left
/// the team): their changes stay on the device. A concern shared end-to-end encrypted, perhaps
/// written by another member, never goes to the plain lane in the clear.
pub const TEAM_ONLY_KEY: &str = "ssp.team_only";
const TEAM_ONLY_CODEC: Codec = Codec {
    schema: 1,
    migrations: &[],
};

/// The ids of [`TEAM_ONLY_KEY`] (none when nothing is stored, or it was set aside as
/// unreadable: then a change may reach the plain lane, as before this list).
fn team_only(store: &dyn KeyValueStore, now_ms: u64) -> Vec<String> {
    storage::load(store, TEAM_ONLY_KEY, &TEAM_ONLY_CODEC, now_ms)
        .found()
        .unwrap_or_default()
}

/// Adds `ids` to [`TEAM_ONLY_KEY`] (kept sorted, each once).
fn keep_off_plain_lane<'a>(
    store: &dyn KeyValueStore,
    ids: impl IntoIterator<Item = &'a str>,
    now_ms: u64,
) -> Result<(), StoreError> {
    let mut list = team_only(store, now_ms);
    let before = list.len();
    list.extend(ids.into_iter().map(str::to_string));
    list.sort();
    list.dedup();
    if list.len() == before {
        return Ok(());
    }
    storage::save(store, TEAM_ONLY_KEY, &TEAM_ONLY_CODEC, &list, now_ms)
}

/// Every lane's outbox as the concern store's subscriber (real data only): a change goes to
/// each team that shares the concern, and to the plain lane only when no team shares it and
/// none ever did ([`TEAM_ONLY_KEY`]).
pub struct Lanes;

impl Subscriber for Lanes {
    fn publish(
        &self,
        store: &dyn KeyValueStore,
        event: Event<'_>,
        now_ms: u64,
    ) -> Result<(), StoreError> {
        let id = event.id();
        let mut shared = false;
        for team in Sharing::load(store, now_ms).sharing(id) {
            shared = true;
            engine::note_change(&LaneStore::team(store, team), id, now_ms)?;
        }
        if !shared && !team_only(store, now_ms).iter().any(|t| t == id) {
            engine::note_change(store, id, now_ms)?;
        }
        Ok(())
    }
}

/// Starts a team's lane on this device (once): its own client id, nothing queued.
pub fn start_team(
    store: &dyn KeyValueStore,
    team_id: &str,
    client: &str,
    now_ms: u64,
) -> Result<(), StoreError> {
    engine::start(&LaneStore::team(store, team_id), client, now_ms)
}

/// "Del med holdet": the concern is shared with the team and queued for it. A change waiting
/// for the plain lane stays there (it was made before the concern was shared).
pub fn share(
    store: &dyn KeyValueStore,
    team_id: &str,
    concern_id: &str,
    now_ms: u64,
) -> Result<(), TeamError> {
    let mut teams = Teams::load(store, now_ms);
    teams.set_shared(store, team_id, concern_id, true, now_ms)?;
    engine::note_change(&LaneStore::team(store, team_id), concern_id, now_ms)
        .map_err(TeamError::Store)
}

/// Stops sharing: nothing more of the concern is sent to the team, and the team's later
/// versions of it are not taken. What the others already have, they keep. A change already
/// sent and not yet answered is still answered (it cannot be called back). Its changes stay on
/// the device: never to the plain lane ([`TEAM_ONLY_KEY`]).
pub fn unshare(
    store: &dyn KeyValueStore,
    team_id: &str,
    concern_id: &str,
    now_ms: u64,
) -> Result<(), TeamError> {
    // First kept off the plain lane, so that no moment has it in neither list.
    keep_off_plain_lane(store, [concern_id], now_ms).map_err(TeamError::Store)?;
    let mut teams = Teams::load(store, now_ms);
    teams.set_shared(store, team_id, concern_id, false, now_ms)?;
    engine::forget_unsent(&LaneStore::team(store, team_id), concern_id, now_ms)
        .map_err(TeamError::Store)
}

/// Applies a pulled (and opened) page of a team: documents of concerns this device stopped
/// sharing are skipped, the rest go through the engine, and concerns that arrived are shared
/// with the team from then on (this device's edits of them go back to the team).
pub fn apply_team_page(
    store: &dyn KeyValueStore,
    team_id: &str,
    mut page: Page,
    now_ms: u64,
) -> Result<Applied, StoreError> {
    let lane = LaneStore::team(store, team_id);
    let mut teams = Teams::load(store, now_ms);
    let Some(team) = teams.teams.iter().find(|t| t.id == team_id) else {
        return Err(StoreError::Other("no such team".into()));
    };
    let known = engine::revs(&lane, now_ms);
    page.docs
        .retain(|p| team.shared.contains(&p.doc.id) || !known.contains_key(&p.doc.id));
    // What arrived new: shared from now on. A tombstone too, so that when another member
    // brings the concern back (a conflict settled over the delete), its live version is taken
    // and not skipped as one this device stopped sharing.
    let arrived: Vec<(String, bool)> = page
        .docs
        .iter()
        .filter(|p| !team.shared.contains(&p.doc.id))
        .map(|p| (p.doc.id.clone(), p.doc.deleted))
        .collect();
    let applied = engine::apply_page(&lane, &page, now_ms)?;
    let kept: Vec<String> = arrived
        .into_iter()
        .filter(|(id, deleted)| *deleted || concern_store::load_one(store, id, now_ms).is_some())
        .map(|(id, _)| id)
        .collect();
    if !kept.is_empty() {
        // One write for the whole page (once per concern made a pull of 5,000 quadratic).
        teams
            .share_all(store, team_id, &kept, now_ms)
            .map_err(|e| match e {
                TeamError::Store(e) => e,
                other => StoreError::Other(format!("{other:?}")),
            })?;
    }
    Ok(applied)
}

/// Keeps a document that did not open (a key this device does not have, or damage), by id; a
/// newer one of the same id replaces it. Nothing of it is shown or merged.
pub fn keep_aside(
    store: &dyn KeyValueStore,
    team_id: &str,
    doc: &Doc,
    now_ms: u64,
) -> Result<(), StoreError> {
    let lane = LaneStore::team(store, team_id);
    storage::save(
        &lane,
        &format!("{ASIDE_PREFIX}{}", doc.id),
        &ASIDE_CODEC,
        doc,
        now_ms,
    )
}

/// The documents of a team kept aside (for the status, and to try again with a newer key).
pub fn aside(store: &dyn KeyValueStore, team_id: &str, now_ms: u64) -> Vec<Doc> {
    let lane = LaneStore::team(store, team_id);
    let mut ids: Vec<String> = lane
        .keys()
        .unwrap_or_default()
        .into_iter()
        .filter(|k| k.starts_with(ASIDE_PREFIX))
        .collect();
    ids.sort();
    ids.iter()
        .filter_map(|k| storage::load(&lane, k, &ASIDE_CODEC, now_ms).found())
        .collect()
}

/// Takes back documents kept aside that open now (a key generation that arrived later:
/// `Teams::add_key`). The platform opens [`aside`]'s documents with the keys it has now and
/// passes those that opened; each is applied as a pulled page applies it ([`apply_team_page`],
/// the checkpoint left where it is), unless the lane has since seen a version of the concern
/// of the same or a later generation (its known revision, or a kept conflict's): then it is
/// only dropped, so an old version never comes back over a newer one or a delete. Either way
/// it leaves the aside, after the page is applied (a failed write leaves it there to try again).
/// A document that is not the one kept aside (a newer one replaced it meanwhile) is ignored;
/// documents that still do not open stay aside.
pub fn retry_aside(
    store: &dyn KeyValueStore,
    team_id: &str,
    opened: Vec<Doc>,
    now_ms: u64,
) -> Result<Applied, StoreError> {
    let lane = LaneStore::team(store, team_id);
    let kept = aside(store, team_id, now_ms);
    let known = engine::revs(&lane, now_ms);
    let seen = |id: &str| {
        let rev = known.get(id).map_or(0, |r| generation(r));
        let conflict = engine::conflict(&lane, id, now_ms).map_or(0, |c| generation(&c.base_rev));
        rev.max(conflict)
    };
    let mut taken = Vec::new();
    let mut docs = Vec::new();
    for doc in opened {
        if !kept.iter().any(|k| k.id == doc.id && k.rev == doc.rev) {
            continue;
        }
        taken.push(doc.id.clone());
        if seen(&doc.id) < generation(&doc.rev) {
            docs.push(Pulled {
                doc,
                losing: Vec::new(),
            });
        }
    }
    let applied = if docs.is_empty() {
        Applied::default()
    } else {
        let page = Page {
            docs,
            checkpoint: engine::checkpoint(&lane, now_ms),
            more: false,
            rejected: 0,
        };
        apply_team_page(store, team_id, page, now_ms)?
    };
    for id in taken {
        lane.remove(&format!("{ASIDE_PREFIX}{id}"))?;
    }
    Ok(applied)
}

/// The device leaves the team ("Forlad holdet", or after it was removed): the team with its
/// keys and token, then every key of its lane (sync state, outbox, revisions, conflicts,
/// documents kept aside). The concerns stay on the device, and so do other lanes' keys; those
/// the team shared are kept off the plain lane ([`TEAM_ONLY_KEY`]).
/// Returns how many lane keys were removed.
pub fn forget_team(
    store: &dyn KeyValueStore,
    team_id: &str,
    now_ms: u64,
) -> Result<usize, StoreError> {
    let mut teams = Teams::load(store, now_ms);
    if let Some(team) = teams.teams.iter().find(|t| t.id == team_id) {
        keep_off_plain_lane(store, team.shared.iter().map(String::as_str), now_ms)?;
    }
    // Not on the device (any more): only its lane's keys may be left.
    if let Err(TeamError::Store(e)) = teams.remove(store, team_id, now_ms) {
        return Err(e);
    }
    let prefix = format!("{TEAM_PREFIX}{team_id}.");
    let keys: Vec<String> = store
        .keys()?
        .into_iter()
        .filter(|k| k.starts_with(&prefix))
        .collect();
    for k in &keys {
        store.remove(k)?;
    }
    Ok(keys.len())
}

/// After a key rotation: every concern this device shares with the team is queued again, so
/// that it is sent sealed with the new key and the server's copy under the old key is
/// replaced. Returns how many were queued.
pub fn reseal(store: &dyn KeyValueStore, team_id: &str, now_ms: u64) -> Result<usize, StoreError> {
    let teams = Teams::load(store, now_ms);
    let Some(team) = teams.teams.iter().find(|t| t.id == team_id) else {
        return Err(StoreError::Other("no such team".into()));
    };
    let lane = LaneStore::team(store, team_id);
    let mut queued = 0;
    for id in &team.shared {
        if concern_store::load_one(store, id, now_ms).is_some() {
            engine::note_change(&lane, id, now_ms)?;
            queued += 1;
        }
    }
    Ok(queued)
}

/// Runs `f` on a lane's store: the device's own for the plain lane (`None`), the team's
/// otherwise.
pub fn on<T>(
    team: Option<&str>,
    store: &dyn KeyValueStore,
    f: impl FnOnce(&dyn KeyValueStore) -> T,
) -> T {
    match team {
        Some(id) => f(&LaneStore::team(store, id)),
        None => f(store),
    }
}

/// The lanes on this device: the plain one (`None`), then each team's.
pub fn all(store: &dyn KeyValueStore, now_ms: u64) -> Vec<Option<String>> {
    std::iter::once(None)
        .chain(
            Sharing::load(store, now_ms)
                .team_ids()
                .map(|id| Some(id.to_string())),
        )
        .collect()
}

/// Every kept conflict of every lane, with its lane.
pub fn conflicts(
    store: &dyn KeyValueStore,
    now_ms: u64,
) -> Vec<(Option<String>, engine::ConflictRecord)> {
    all(store, now_ms)
        .into_iter()
        .flat_map(|l| {
            on(l.as_deref(), store, |s| engine::conflicts(s, now_ms))
                .into_iter()
                .map(move |c| (l.clone(), c))
        })
        .collect()
}

/// The ids of the concerns with a kept conflict in any lane, sorted, each once: from the keys
/// alone (nothing decoded; the status asks after every change).
pub fn conflict_ids(store: &dyn KeyValueStore) -> Vec<String> {
    let mut ids: Vec<String> = store
        .keys()
        .unwrap_or_default()
        .into_iter()
        .filter_map(|k| {
            let rest = match k.strip_prefix(TEAM_PREFIX) {
                Some(team_key) => &team_key[team_key.find(".sync.")? + 1..],
                None => k.strip_prefix("ssp.")?,
            };
            rest.strip_prefix("sync.conflict.").map(str::to_string)
        })
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::concern::Concern;
    use crate::domain::concern_store::RECORD_CODEC;
    use crate::domain::storage::MemoryStore;
    use crate::domain::sync::config::Kind;
    use crate::domain::team::{Member, Team};

    const T: &str = "h";

    fn device() -> MemoryStore {
        let store = MemoryStore::new();
        let member = Member {
            space: "s".into(),
            token: "t".into(),
            device: "d".into(),
        };
        let team = Team::created(
            T,
            "Hold",
            (Kind::Json, "https://x.test"),
            &member,
            &[1; 32],
            5,
        );
        Teams::default().add(&store, team, 5).unwrap();
        start_team(&store, T, "c", 5).unwrap();
        store
    }

    /// The opened form of a pulled document of concern `id` at `rev`, its history `note`.
    fn doc(id: &str, rev: &str, note: &str) -> Doc {
        let raw = include_str!("../../../tests/fixtures/concerns-v1.json");
        let v: serde_json::Value = serde_json::from_str(raw).unwrap();
        let mut c = v["data"][0].clone();
        let o = c.as_object_mut().unwrap();
        let child = o.remove("child").unwrap();
        o.insert("pseudonym".into(), child);
        let mut c: Concern = serde_json::from_value(c).unwrap();
        c.id = id.into();
        c.history.truncate(1);
        c.history[0].detail = note.into();
        Doc {
            id: id.into(),
            rev: rev.into(),
            base_rev: None,
            deleted: false,
            schema: RECORD_CODEC.schema,
            updated_ms: 6,
            data: Some(serde_json::to_value(&c).unwrap()),
        }
    }

    fn note(store: &MemoryStore, id: &str) -> Option<String> {
        concern_store::load_one(store, id, 9).map(|c| c.history[0].detail.clone())
    }

    #[test]
    fn a_document_kept_aside_is_taken_once_it_opens_unless_a_newer_one_came() {
        let store = device();
        let lane = LaneStore::team(&store, T);
        // Two documents did not open (their key had not come); the sealed form is kept.
        let mut sealed = doc("a", "2-aa", "x");
        sealed.data = Some(serde_json::json!({ "enc": "A256GCM" }));
        keep_aside(&store, T, &sealed, 6).unwrap();
        keep_aside(
            &store,
            T,
            &Doc {
                id: "b".into(),
                ..sealed.clone()
            },
            6,
        )
        .unwrap();
        keep_aside(
            &store,
            T,
            &Doc {
                id: "c".into(),
                ..sealed.clone()
            },
            6,
        )
        .unwrap();
        // Meanwhile a newer version of "b" was applied (a delete that opened: no key needed).
        let page = |docs: Vec<Doc>, checkpoint: &str| Page {
            docs: docs
                .into_iter()
                .map(|doc| Pulled {
                    doc,
                    losing: Vec::new(),
                })
                .collect(),
            checkpoint: checkpoint.into(),
            more: false,
            rejected: 0,
        };
        apply_team_page(&store, T, page(vec![doc("b", "1-bb", "b-old")], "4"), 7).unwrap();
        let deleted = Doc {
            id: "b".into(),
            rev: "3-bb".into(),
            deleted: true,
            data: None,
            ..sealed.clone()
        };
        apply_team_page(&store, T, page(vec![deleted], "5"), 7).unwrap();
        assert_eq!(note(&store, "b"), None);

        // The key came: "a" and "b" open, "c" still does not; a stale "a" is not the one kept.
        let a = retry_aside(
            &store,
            T,
            vec![
                doc("a", "1-old", "a-stale"),
                doc("a", "2-aa", "a-new"),
                doc("b", "2-aa", "b-x"),
            ],
            8,
        )
        .unwrap();
        assert_eq!(a.updated, 1);
        assert_eq!(note(&store, "a").as_deref(), Some("a-new"), "taken");
        assert_eq!(
            note(&store, "b"),
            None,
            "an older version never comes back over a delete"
        );
        assert_eq!(engine::revs(&lane, 9)["b"], "3-bb");
        assert_eq!(engine::checkpoint(&lane, 9), "5", "the checkpoint stays");
        // "a" arrived from the team: shared from now on; "c" stays aside.
        assert!(Teams::load(&store, 9).teams[0].shared.contains("a"));
        let left: Vec<String> = aside(&store, T, 9).into_iter().map(|d| d.id).collect();
        assert_eq!(left, vec!["c"]);
    }
}

/// What a round of every lane did, for the scheduler.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RoundSummary {
    /// Concerns on the device changed (the list is read again).
    pub changed_data: bool,
    /// A lane failed in a way that is tried again: the most failures in a row of any such lane
    /// (for the backoff).
    pub backoff_failures: Option<u32>,
}

/// A lane whose server refused its credentials last time waits for new ones: it runs again
/// only when the user asks (each lane on its own: one refused token does not stop the others).
pub fn lane_waits(asked: bool, last_error: Option<&SyncError>) -> bool {
    !asked && last_error.is_some_and(SyncError::needs_credentials)
}
