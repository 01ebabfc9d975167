//! One repository for concerns and the guide's drafts. It is the only way the screens read or
//! write them, and it knows where they live: real data (whose saves and deletes are published
//! to sync's outbox), or, in training mode, training's own namespace (`ssp.training.…`, which
//! nothing publishes to sync). The lock is the caller's: every method takes the device's store
//! as the lock shows it (`platform::vault::read`/`write`).

use crate::domain::backup::{self, Plan};
use crate::domain::concern::Concern;
use crate::domain::concern_list::{self, Summary};
use crate::domain::concern_store::{self, LoadReport, Nobody, SaveError, Subscriber, Tombstone};
use crate::domain::guide::engine::Answers;
use crate::domain::notification::Draft;
use crate::domain::profile::library::Library;
use crate::domain::storage::{
    self, Codec, KeyValueStore, Namespaced, QuarantineRecord, StoreError,
};
use crate::domain::sync::lane::Lanes;

/// The concern guide's answers while the concern is not saved yet (sealed under the PIN like
/// every `ssp.draft.` key).
const DRAFT_KEY: &str = "ssp.draft.concern";
/// The written notification's draft while the concern is not saved yet.
const NOTE_KEY: &str = "ssp.draft.notification";
const DRAFT_CODEC: Codec = Codec {
    schema: 1,
    migrations: &[],
};

/// Where concerns and drafts live now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Space {
    Real,
    /// Training mode: fiction, in its own namespace, never synced.
    Training,
}

/// What loading at start (or after unlocking) found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Loaded {
    pub concerns: Vec<Concern>,
    pub report: LoadReport,
    /// Concerns past retention deleted now (announced in an earlier session).
    pub deleted: usize,
    /// Concerns past retention announced now, for deletion next time.
    pub announced: usize,
}

/// The repository: concerns and drafts in one [`Space`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Concerns {
    pub space: Space,
}

impl Concerns {
    pub fn new(training: bool) -> Self {
        Concerns {
            space: if training {
                Space::Training
            } else {
                Space::Real
            },
        }
    }

    /// Runs `f` with the store this space's data is in and the subscriber of its changes.
    pub fn within<T>(
        self,
        device: &dyn KeyValueStore,
        f: impl FnOnce(&dyn KeyValueStore, &dyn Subscriber) -> T,
    ) -> T {
        // `f` is called in one place, so its code is in the app once, not once per space.
        let training;
        let (store, feed): (&dyn KeyValueStore, &dyn Subscriber) = match self.space {
            Space::Real => (device, &Lanes),
            Space::Training => {
                training = Namespaced::training(device);
                (&training, &Nobody)
            }
        };
        f(store, feed)
    }

    /// Every concern, with retention applied (`retention_days` after closing).
    pub fn load(self, device: &dyn KeyValueStore, retention_days: u32, now_ms: u64) -> Loaded {
        self.within(device, |store, feed| {
            let (mut concerns, report) = concern_store::load_all(store, now_ms);
            let (deleted, announced) =
                concern_store::apply_retention(store, &concerns, retention_days, now_ms, feed);
            concerns.retain(|c| !deleted.contains(&c.id));
            // The list's copy follows what was loaded (a copy that cannot be written is none).
            let _ = concern_list::keep(store, &concern_list::summaries(&concerns));
            Loaded {
                concerns,
                report,
                deleted: deleted.len(),
                announced: announced.len(),
            }
        })
    }

    /// Every concern, as stored now (another tab changed them).
    pub fn reload(self, device: &dyn KeyValueStore, now_ms: u64) -> Vec<Concern> {
        self.within(device, |store, _| {
            let concerns = concern_store::load_all(store, now_ms).0;
            let _ = concern_list::keep(store, &concern_list::summaries(&concerns));
            concerns
        })
    }

    /// The list's copy of the concerns' summaries, if there is one (`concern_list`): the list
    /// is drawn from it before every record is read.
    pub fn listed(self, device: &dyn KeyValueStore) -> Option<Vec<Summary>> {
        self.within(device, |store, _| concern_list::read(store))
    }

    /// Writes the list's copy from the concerns in memory (after a save or a delete removed it).
    pub fn relist(self, device: &dyn KeyValueStore, concerns: &[Concern]) {
        self.within(device, |store, _| {
            let _ = concern_list::keep(store, &concern_list::summaries(concerns));
        })
    }

    /// Saves a concern begun from `base_revision` (`None`: a new one); refused if the stored
    /// one moved on.
    pub fn save(
        self,
        device: &dyn KeyValueStore,
        concern: &Concern,
        base_revision: Option<u32>,
        now_ms: u64,
    ) -> Result<(), SaveError> {
        self.within(device, |store, feed| {
            concern_store::save_one(store, concern, base_revision, now_ms, feed)
        })
    }

    /// Writes again concerns whose earlier write failed; returns the ids that still failed.
    pub fn save_again(
        self,
        device: &dyn KeyValueStore,
        pending: &[Concern],
        now_ms: u64,
    ) -> Vec<String> {
        self.within(device, |store, feed| {
            pending
                .iter()
                .filter(|c| concern_store::save(store, c, now_ms, feed).is_err())
                .map(|c| c.id.clone())
                .collect()
        })
    }

    /// Deletes a concern (at `revision`), leaving a tombstone.
    pub fn delete(
        self,
        device: &dyn KeyValueStore,
        id: &str,
        revision: u32,
        now_ms: u64,
    ) -> Result<(), StoreError> {
        self.within(device, |store, feed| {
            concern_store::delete_one(store, id, revision, now_ms, feed)
        })
    }

    pub fn tombstones(self, device: &dyn KeyValueStore, now_ms: u64) -> Vec<Tombstone> {
        self.within(device, |store, _| concern_store::tombstones(store, now_ms))
    }

    /// Values set aside because they could not be read.
    pub fn set_aside(
        self,
        device: &dyn KeyValueStore,
    ) -> Result<Vec<(String, QuarantineRecord)>, StoreError> {
        self.within(device, |store, _| storage::list_quarantine(store))
    }

    /// Removes one set-aside value.
    pub fn forget_set_aside(self, device: &dyn KeyValueStore, key: &str) -> Result<(), StoreError> {
        self.within(device, |store, _| store.remove(key))
    }

    /// Writes an import's plan (profiles, concerns, tombstones).
    pub fn import(
        self,
        device: &dyn KeyValueStore,
        plan: &Plan,
        library: &mut Library,
        now_ms: u64,
    ) -> Result<(), StoreError> {
        self.within(device, |store, feed| {
            backup::apply(store, plan, library, now_ms, feed)
        })
    }

    /// The concern guide's answers kept on the device (none: empty).
    pub fn draft(self, device: &dyn KeyValueStore, now_ms: u64) -> Answers {
        self.within(device, |store, _| {
            storage::load::<Answers>(store, DRAFT_KEY, &DRAFT_CODEC, now_ms).found()
        })
        .unwrap_or_default()
    }

    /// Keeps the guide's answers (empty answers: the draft and its notification are removed).
    pub fn keep_draft(
        self,
        device: &dyn KeyValueStore,
        answers: &Answers,
        now_ms: u64,
    ) -> Result<(), StoreError> {
        if answers.is_empty() {
            return self.forget_draft(device);
        }
        self.within(device, |store, _| {
            storage::save(store, DRAFT_KEY, &DRAFT_CODEC, answers, now_ms)
        })
    }

    /// Removes the guide's draft and its notification (saved with the concern, or started over).
    pub fn forget_draft(self, device: &dyn KeyValueStore) -> Result<(), StoreError> {
        self.within(device, |store, _| {
            store.remove(DRAFT_KEY)?;
            store.remove(NOTE_KEY)
        })
    }

    /// The notification's draft kept with the guide's draft.
    pub fn note(self, device: &dyn KeyValueStore, now_ms: u64) -> Option<Draft> {
        self.within(device, |store, _| {
            storage::load::<Draft>(store, NOTE_KEY, &DRAFT_CODEC, now_ms).found()
        })
    }

    /// Keeps the notification's draft. One with a CPR-like number is never stored: it stays in
    /// memory only until it is removed (the editor says so), and the device keeps the version
    /// before it (`Ok(false)`).
    pub fn keep_note(
        self,
        device: &dyn KeyValueStore,
        note: Option<&Draft>,
        now_ms: u64,
    ) -> Result<bool, StoreError> {
        if note.is_some_and(Draft::holds_cpr) {
            return Ok(false);
        }
        self.within(device, |store, _| match note {
            Some(d) => storage::save(store, NOTE_KEY, &DRAFT_CODEC, d, now_ms),
            None => store.remove(NOTE_KEY),
        })?;
        Ok(true)
    }
}
