//! The profile editor's draft, kept on the device so nothing is lost on reload: one key,
//! [`DRAFT_KEY`], in the versioned envelope. A draft may be invalid (it is work in progress);
//! it is stored and read back as it is, never validated here.
//!
//! The key is an `ssp.draft.` key like the guide's drafts, not an `ssp.profile.` key: those are
//! imported profiles, which the library reads (and sets aside when invalid). So the draft is
//! sealed under a PIN lock (fail closed: a municipality's own profile may name contacts), read
//! and written through the store the lock shows; "Ryd denne enhed" removes it with every other
//! `ssp.` key. A backup does not carry it: a backup holds what is saved (imported profiles),
//! and the draft can be exported as a profile file (`Profile::to_json`), valid or not.

use super::types::Profile;
use crate::domain::storage::{self, Codec, KeyValueStore, StoreError};
use serde::{Deserialize, Serialize};

pub const DRAFT_KEY: &str = "ssp.draft.profile";
pub const DRAFT_CODEC: Codec = Codec {
    schema: 1,
    migrations: &[],
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileDraft {
    /// The id of the profile it was copied from, if any.
    pub based_on: Option<String>,
    pub profile: Profile,
    /// When it was kept (ms since the epoch).
    pub saved_ms: u64,
}

/// The kept draft, if there is one that reads. One that does not is set aside
/// (`ssp.quarantine.…`, stamped `now_ms`), never deleted; one from a newer app is left alone.
pub fn load(store: &dyn KeyValueStore, now_ms: u64) -> Option<ProfileDraft> {
    storage::load(store, DRAFT_KEY, &DRAFT_CODEC, now_ms).found()
}

/// Keeps `draft`, replacing the one kept before.
pub fn keep(store: &dyn KeyValueStore, draft: &ProfileDraft) -> Result<(), StoreError> {
    storage::save(store, DRAFT_KEY, &DRAFT_CODEC, draft, draft.saved_ms)
}

/// Drops the kept draft (saved as a profile, or thrown away).
pub fn forget(store: &dyn KeyValueStore) -> Result<(), StoreError> {
    store.remove(DRAFT_KEY)
}

#[cfg(test)]
mod tests {
    use super::super::edit::{self, Edit, New};
    use super::super::{builtin, library::Library};
    use super::*;
    use crate::domain::storage::{clear_app_data, list_quarantine, MemoryStore};

    fn draft(profile: Profile) -> ProfileDraft {
        ProfileDraft {
            based_on: None,
            profile,
            saved_ms: 1_700_000_000_000,
        }
    }

    #[test]
    fn keep_load_and_forget_round_trip() {
        let store = MemoryStore::new();
        assert_eq!(load(&store, 1), None);
        let b = builtin()[0].profile;
        let mut d = draft(edit::copy_of(b, "testrup", "Testrup Kommune"));
        d.based_on = Some(b.id.clone());
        keep(&store, &d).unwrap();
        assert_eq!(load(&store, 2), Some(d.clone()));
        // Kept again, it replaces the first.
        d.profile.name = "Testrup Kommune (udkast)".into();
        keep(&store, &d).unwrap();
        assert_eq!(load(&store, 3), Some(d));
        forget(&store).unwrap();
        assert_eq!(load(&store, 4), None);
        assert!(store.keys().unwrap().is_empty());
    }

    #[test]
    fn an_invalid_draft_round_trips_as_it_is() {
        let store = MemoryStore::new();
        let mut p = edit::blank("", "");
        edit::apply(&mut p, Edit::Add(New::Role { name: " ".into() })).unwrap();
        p.sparring_door.role = "findes-ikke".into();
        p.staircase.levels.push(super::super::Level {
            id: "Ikke et id".into(),
            number: 9,
            title: String::new(),
            goal: String::new(),
            source: super::super::Source {
                document: "ukendt".into(),
                section: Some(String::new()),
                quote: None,
            },
            mapped: true,
            model: None,
        });
        assert!(edit::problems(&p).len() >= 5);
        let d = draft(p);
        keep(&store, &d).unwrap();
        assert_eq!(load(&store, 1), Some(d));
    }

    #[test]
    fn the_draft_is_not_read_as_an_imported_profile_and_clearing_the_device_removes_it() {
        let store = MemoryStore::new();
        keep(&store, &draft(edit::blank("testrup", "Testrup Kommune"))).unwrap();
        let (library, set_aside) = Library::load(&store, 1);
        assert!(library.imported().is_empty() && set_aside.is_empty());
        assert!(list_quarantine(&store).unwrap().is_empty());
        store.set("anden-app.noegle", "x").unwrap();
        clear_app_data(&store).unwrap();
        assert_eq!(load(&store, 2), None);
        assert_eq!(store.keys().unwrap(), ["anden-app.noegle"]);
    }

    #[test]
    fn a_damaged_draft_is_set_aside_not_lost() {
        let store = MemoryStore::new();
        store
            .set(DRAFT_KEY, "{\"schema\":1,\"data\":{\"profile\"")
            .unwrap();
        assert_eq!(load(&store, 42), None);
        let q = list_quarantine(&store).unwrap();
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].1.key, DRAFT_KEY);
        assert_eq!(q[0].1.at_ms, 42);
        // A newer app's draft is left alone and not overwritten.
        store.set(DRAFT_KEY, "{\"schema\":2,\"data\":{}}").unwrap();
        assert_eq!(load(&store, 43), None);
        assert_eq!(
            keep(&store, &draft(edit::blank("a", "A"))),
            Err(StoreError::NewerVersion)
        );
    }
}
