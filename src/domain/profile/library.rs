//! The profiles on this device: the five built-ins and any the user imported.
//!
//! Imported profiles are stored one per key (`ssp.profile.<id>`) in the versioned envelope, so
//! one damaged profile never takes the others with it. On load each is validated again; one that
//! fails is quarantined (kept, not deleted) and reported.

use super::{builtin, find_builtin, parse, parse_value, Profile, ProfileError, BUILTIN_TEXTS};
use crate::domain::storage::{self, Codec, KeyValueStore, Loaded, StoreError};

pub const PROFILE_KEY_PREFIX: &str = "ssp.profile.";
pub const PROFILE_CODEC: Codec = Codec {
    schema: 1,
    migrations: &[],
};

fn key(id: &str) -> String {
    format!("{PROFILE_KEY_PREFIX}{id}")
}

/// What importing a profile text would do.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportCheck {
    /// Valid and new: it can be added.
    New(Box<Profile>),
    /// Valid, but an imported profile with the same id exists: ask before replacing.
    Replaces {
        profile: Box<Profile>,
        existing_name: String,
    },
    /// Valid, but the id is a built-in profile's, which is never replaced.
    ClashesWithBuiltin { id: String, builtin_name: String },
    /// Not valid: every error, with its path.
    Invalid(Vec<ProfileError>),
}

/// A stored profile that could not be read at start-up.
#[derive(Debug, Clone, PartialEq)]
pub struct SetAside {
    pub key: String,
    pub quarantine_key: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Library {
    imported: Vec<Profile>,
}

impl Library {
    /// Reads the imported profiles from `store`.
    pub fn load(store: &dyn KeyValueStore, now_ms: u64) -> (Library, Vec<SetAside>) {
        let mut imported = Vec::new();
        let mut set_aside = Vec::new();
        let mut keys: Vec<String> = store
            .keys()
            .unwrap_or_default()
            .into_iter()
            .filter(|k| k.starts_with(PROFILE_KEY_PREFIX))
            .collect();
        keys.sort();
        for k in keys {
            match storage::load::<serde_json::Value>(store, &k, &PROFILE_CODEC, now_ms) {
                Loaded::Found(value) => match parse_value(value) {
                    Ok(p) if k == key(&p.id) && !is_builtin(&p.id) => imported.push(p),
                    Ok(p) => set_aside.push(Self::quarantine(
                        store,
                        &k,
                        &format!("stored under the wrong key for id \"{}\"", p.id),
                        now_ms,
                    )),
                    Err(errors) => {
                        let reason = errors
                            .iter()
                            .map(|e| {
                                format!("{}: {}", e.path, e.reason(crate::domain::i18n::Lang::En))
                            })
                            .collect::<Vec<_>>()
                            .join("; ");
                        set_aside.push(Self::quarantine(store, &k, &reason, now_ms));
                    }
                },
                Loaded::Missing | Loaded::Unavailable(_) => {}
                Loaded::FromFuture { found } => set_aside.push(SetAside {
                    key: k,
                    quarantine_key: None,
                    reason: format!(
                        "stored by a newer version of the app (schema {found}); left untouched"
                    ),
                }),
                Loaded::Quarantined {
                    quarantine_key,
                    error,
                } => set_aside.push(SetAside {
                    key: k,
                    quarantine_key: Some(quarantine_key),
                    reason: error.to_string(),
                }),
                Loaded::Unreadable { error, .. } => set_aside.push(SetAside {
                    key: k,
                    quarantine_key: None,
                    reason: error.to_string(),
                }),
            }
        }
        imported.sort_by(|a, b| a.name.cmp(&b.name));
        (Library { imported }, set_aside)
    }

    fn quarantine(store: &dyn KeyValueStore, k: &str, reason: &str, now_ms: u64) -> SetAside {
        let raw = store.get(k).ok().flatten().unwrap_or_default();
        SetAside {
            key: k.to_string(),
            quarantine_key: storage::quarantine(store, k, &raw, reason, now_ms).ok(),
            reason: reason.to_string(),
        }
    }

    /// Built-ins first (alphabetical), then imported profiles (alphabetical). Decodes every
    /// built-in: for a list of names use [`Library::choices`].
    pub fn all(&self) -> Vec<&Profile> {
        builtin()
            .iter()
            .map(|b| b.profile)
            .chain(self.imported.iter())
            .collect()
    }

    /// Id and name of every profile, in the order of [`Library::all`], without decoding any
    /// built-in (the first screen lists them).
    pub fn choices(&self) -> Vec<(&str, &str)> {
        BUILTIN_TEXTS
            .iter()
            .map(|b| (b.id, b.name))
            .chain(
                self.imported
                    .iter()
                    .map(|p| (p.id.as_str(), p.name.as_str())),
            )
            .collect()
    }

    pub fn imported(&self) -> &[Profile] {
        &self.imported
    }

    pub fn find(&self, id: &str) -> Option<&Profile> {
        find_builtin(id).or_else(|| self.imported.iter().find(|p| p.id == id))
    }

    /// Checks a profile text for import without changing anything.
    pub fn check_import(&self, raw: &str) -> ImportCheck {
        let profile = match parse(raw) {
            Ok(p) => p,
            Err(errors) => return ImportCheck::Invalid(errors),
        };
        if let Some(b) = BUILTIN_TEXTS.iter().find(|b| b.id == profile.id) {
            return ImportCheck::ClashesWithBuiltin {
                id: profile.id,
                builtin_name: b.name.to_string(),
            };
        }
        match self.imported.iter().find(|p| p.id == profile.id) {
            Some(existing) => ImportCheck::Replaces {
                existing_name: existing.name.clone(),
                profile: Box::new(profile),
            },
            None => ImportCheck::New(Box::new(profile)),
        }
    }

    /// Stores `profile` (new, or replacing an imported one the user agreed to replace).
    /// Built-in ids are refused. Memory changes only when the write succeeded.
    pub fn save(
        &mut self,
        store: &dyn KeyValueStore,
        profile: Profile,
        now_ms: u64,
    ) -> Result<(), StoreError> {
        if is_builtin(&profile.id) {
            return Err(StoreError::Other(format!(
                "\"{}\" is a built-in profile",
                profile.id
            )));
        }
        storage::save(store, &key(&profile.id), &PROFILE_CODEC, &profile, now_ms)?;
        self.imported.retain(|p| p.id != profile.id);
        self.imported.push(profile);
        self.imported.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(())
    }

    /// Deletes an imported profile.
    pub fn remove(&mut self, store: &dyn KeyValueStore, id: &str) -> Result<(), StoreError> {
        store.remove(&key(id))?;
        self.imported.retain(|p| p.id != id);
        Ok(())
    }
}

pub fn is_builtin(id: &str) -> bool {
    BUILTIN_TEXTS.iter().any(|b| b.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::storage::{list_quarantine, MemoryStore};

    fn custom(id: &str, name: &str) -> String {
        let raw = include_str!("../../../tests/profiles/valid-minimal.json");
        let mut v: serde_json::Value = serde_json::from_str(raw).unwrap();
        v["id"] = id.into();
        v["name"] = name.into();
        v.to_string()
    }

    #[test]
    fn new_profile_is_stored_and_found_after_reload() {
        let store = MemoryStore::new();
        let (mut lib, _) = Library::load(&store, 0);
        let ImportCheck::New(p) = lib.check_import(&custom("egen", "Egen Kommune")) else {
            panic!("expected New")
        };
        lib.save(&store, *p, 1).unwrap();
        let (again, set_aside) = Library::load(&store, 2);
        assert!(set_aside.is_empty());
        assert_eq!(again.find("egen").unwrap().name, "Egen Kommune");
        assert_eq!(again.all().len(), builtin().len() + 1);
    }

    #[test]
    fn same_id_asks_before_replacing_and_builtins_are_never_replaced() {
        let store = MemoryStore::new();
        let (mut lib, _) = Library::load(&store, 0);
        let ImportCheck::New(p) = lib.check_import(&custom("egen", "Egen")) else {
            panic!()
        };
        lib.save(&store, *p, 1).unwrap();
        match lib.check_import(&custom("egen", "Egen 2")) {
            ImportCheck::Replaces { existing_name, .. } => assert_eq!(existing_name, "Egen"),
            other => panic!("{other:?}"),
        }
        let first_builtin = &builtin()[0].profile;
        match lib.check_import(&custom(&first_builtin.id, "Ny")) {
            ImportCheck::ClashesWithBuiltin { id, builtin_name } => {
                assert_eq!(id, first_builtin.id);
                assert_eq!(builtin_name, first_builtin.name);
            }
            other => panic!("{other:?}"),
        }
        let clash = parse(&custom(&first_builtin.id, "Ny")).unwrap();
        assert!(lib.save(&store, clash, 2).is_err());
        assert_eq!(
            lib.find(&first_builtin.id).unwrap().name,
            first_builtin.name
        );
    }

    #[test]
    fn invalid_import_stores_nothing() {
        let store = MemoryStore::new();
        let (lib, _) = Library::load(&store, 0);
        let ImportCheck::Invalid(errors) = lib.check_import("{\"format_version\": 1}") else {
            panic!()
        };
        assert!(errors.len() >= 5);
        assert!(store.keys().unwrap().is_empty());
    }

    #[test]
    fn a_damaged_stored_profile_is_set_aside_and_the_others_load() {
        let store = MemoryStore::new();
        let (mut lib, _) = Library::load(&store, 0);
        let ImportCheck::New(p) = lib.check_import(&custom("god", "God")) else {
            panic!()
        };
        lib.save(&store, *p, 1).unwrap();
        store
            .set(
                "ssp.profile.skadet",
                "{\"schema\":1,\"data\":{\"id\":\"skadet\"}}",
            )
            .unwrap();
        store.set("ssp.profile.brudt", "{not json").unwrap();
        let (lib, set_aside) = Library::load(&store, 5);
        assert_eq!(lib.imported().len(), 1);
        assert_eq!(set_aside.len(), 2);
        assert!(set_aside.iter().all(|s| s.quarantine_key.is_some()));
        let raws: Vec<String> = list_quarantine(&store)
            .unwrap()
            .into_iter()
            .map(|(_, r)| r.raw)
            .collect();
        assert!(raws.contains(&"{not json".to_string()));
        assert!(raws.iter().any(|r| r.contains("skadet")));
    }

    #[test]
    fn remove_deletes_only_that_profile() {
        let store = MemoryStore::new();
        let (mut lib, _) = Library::load(&store, 0);
        for id in ["a", "b"] {
            let ImportCheck::New(p) = lib.check_import(&custom(id, id)) else {
                panic!()
            };
            lib.save(&store, *p, 1).unwrap();
        }
        lib.remove(&store, "a").unwrap();
        let (again, _) = Library::load(&store, 2);
        assert_eq!(
            again
                .imported()
                .iter()
                .map(|p| p.id.as_str())
                .collect::<Vec<_>>(),
            ["b"]
        );
    }
}
