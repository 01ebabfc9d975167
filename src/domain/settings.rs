//! The user's settings on this device: language and chosen municipality.
//!
//! Loaded before the UI's signals are created, so the first render already shows them. A
//! stored value that cannot be read is quarantined (kept, not deleted) and defaults are used.

use super::i18n::{Lang, Texts};
use super::storage::{self, Codec, KeyValueStore, Loaded, StoreError};
use serde::{Deserialize, Serialize};

pub const SETTINGS_KEY: &str = "ssp.settings";
pub const SETTINGS_CODEC: Codec = Codec {
    schema: 1,
    migrations: &[],
};

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    #[serde(default)]
    pub lang: Lang,
    /// Id of the chosen municipality's profile (built-in or imported); `None` until the user
    /// picks one on first start. An id that matches no profile counts as not chosen.
    #[serde(default)]
    pub municipality: Option<String>,
    /// The user's role on this device (lærer, SSP-konsulent …), for the change history of
    /// saved concerns. A role, never a name.
    #[serde(default)]
    pub my_role: Option<String>,
    /// Days after closing before a closed concern is deleted; `None` = the default, 90.
    #[serde(default)]
    pub retention_days: Option<u32>,
    /// Minutes without use (or with the tab hidden) before a PIN-locked app locks itself;
    /// `None` = the default, 5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_lock_minutes: Option<u32>,
}

pub const DEFAULT_RETENTION_DAYS: u32 = 90;
pub const DEFAULT_AUTO_LOCK_MINUTES: u32 = 5;
/// The choices offered in Settings.
pub const AUTO_LOCK_CHOICES: [u32; 6] = [1, 2, 5, 10, 15, 30];

impl Settings {
    pub fn retention_days(&self) -> u32 {
        self.retention_days.unwrap_or(DEFAULT_RETENTION_DAYS)
    }

    pub fn auto_lock_minutes(&self) -> u32 {
        self.auto_lock_minutes
            .unwrap_or(DEFAULT_AUTO_LOCK_MINUTES)
            .clamp(1, 60)
    }
}

/// Something about storage the user should be told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageNotice {
    /// A stored setting could not be read and was set aside under a quarantine key.
    SettingQuarantined,
    /// The browser refuses storage (private mode, policy): choices last for this page only.
    StorageUnavailable,
    /// A stored setting could not be read, and storage is too full to set it aside: it was
    /// left in place, untouched.
    SettingUnreadableStorageFull,
    /// A write failed (e.g. quota): the choice holds in memory only.
    WriteFailed,
    /// An imported municipality profile could not be read and was set aside.
    ProfileSetAside,
    /// Some saved concerns could not be read and were set aside; the others loaded.
    ConcernsSetAside { bad: usize, good: usize },
    /// Some sealed values did not open with the lock's key and were set aside; the others opened.
    ValuesSetAside { bad: usize, good: usize },
    /// The device's storage is full: a change is kept in memory but not saved yet.
    StorageFull,
    /// Some stored data is from a newer version of the app; it is left untouched.
    NeedsUpdate,
}

impl StorageNotice {
    pub fn message(self, t: &Texts) -> String {
        let counted = |text: &str, bad: usize, good: usize| {
            text.replace("{bad}", &bad.to_string())
                .replace("{good}", &good.to_string())
        };
        match self {
            StorageNotice::SettingQuarantined => t.notice_setting_quarantined.into(),
            StorageNotice::StorageUnavailable => t.notice_storage_unavailable.into(),
            StorageNotice::SettingUnreadableStorageFull => t.notice_setting_unreadable_full.into(),
            StorageNotice::WriteFailed => t.notice_storage_write_failed.into(),
            StorageNotice::ProfileSetAside => t.notice_profile_set_aside.into(),
            StorageNotice::ConcernsSetAside { bad, good: 0 } => {
                counted(t.notice_concerns_none_readable, bad, 0)
            }
            StorageNotice::ConcernsSetAside { bad, good } => {
                counted(t.notice_concerns_some_set_aside, bad, good)
            }
            StorageNotice::ValuesSetAside { bad, good } => {
                counted(t.notice_values_set_aside, bad, good)
            }
            StorageNotice::StorageFull => t.notice_storage_full.into(),
            StorageNotice::NeedsUpdate => t.notice_needs_update.into(),
        }
    }

    /// Whether the notice points to the list of what was set aside.
    pub fn links_set_aside(self) -> bool {
        matches!(
            self,
            StorageNotice::ConcernsSetAside { .. }
                | StorageNotice::ValuesSetAside { .. }
                | StorageNotice::ProfileSetAside
                | StorageNotice::SettingQuarantined
        )
    }
}

/// Settings as read at start-up, with anything the user should be told.
#[derive(Debug, Clone, PartialEq)]
pub struct Startup {
    pub settings: Settings,
    pub notice: Option<StorageNotice>,
}

pub fn load_settings(store: &dyn KeyValueStore, now_ms: u64) -> Startup {
    let (settings, notice) = match storage::load(store, SETTINGS_KEY, &SETTINGS_CODEC, now_ms) {
        Loaded::Found(settings) => (settings, None),
        Loaded::Missing => (Settings::default(), None),
        Loaded::Quarantined { .. } => {
            (Settings::default(), Some(StorageNotice::SettingQuarantined))
        }
        // The value stays where it is, and the user was told.
        Loaded::Unreadable { .. } => (
            Settings::default(),
            Some(StorageNotice::SettingUnreadableStorageFull),
        ),
        Loaded::Unavailable(_) => (Settings::default(), Some(StorageNotice::StorageUnavailable)),
        Loaded::FromFuture { .. } => (Settings::default(), Some(StorageNotice::NeedsUpdate)),
    };
    Startup { settings, notice }
}

/// The stored settings, read without changing or setting aside anything (before the app
/// starts, to fetch the chosen language's texts: `ui::fetch_chosen_files`); `None` when
/// none are stored or they do not read ([`load_settings`] then says why).
pub fn stored_settings(store: &dyn KeyValueStore) -> Option<Settings> {
    let raw = store.get(SETTINGS_KEY).ok()??;
    SETTINGS_CODEC.decode::<Settings>(&raw).ok()
}

pub fn save_settings(
    store: &dyn KeyValueStore,
    settings: &Settings,
    now_ms: u64,
) -> Result<(), StoreError> {
    storage::save(store, SETTINGS_KEY, &SETTINGS_CODEC, settings, now_ms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::storage::{list_quarantine, MemoryStore};
    use proptest::prelude::*;

    /// A store whose every call fails, like localStorage in a locked-down browser.
    struct Refusing;
    impl KeyValueStore for Refusing {
        fn get(&self, _: &str) -> Result<Option<String>, StoreError> {
            Err(StoreError::Unavailable("SecurityError".into()))
        }
        fn set(&self, _: &str, _: &str) -> Result<(), StoreError> {
            Err(StoreError::Unavailable("SecurityError".into()))
        }
        fn remove(&self, _: &str) -> Result<(), StoreError> {
            Err(StoreError::Unavailable("SecurityError".into()))
        }
        fn keys(&self) -> Result<Vec<String>, StoreError> {
            Err(StoreError::Unavailable("SecurityError".into()))
        }
    }

    #[test]
    fn first_start_has_danish_and_no_municipality() {
        let s = load_settings(&MemoryStore::new(), 0);
        assert_eq!(s.settings.lang, Lang::Da);
        assert_eq!(s.settings.municipality, None);
        assert_eq!(s.notice, None);
    }

    #[test]
    fn saved_choice_survives_reload() {
        let store = MemoryStore::new();
        let chosen = Settings {
            lang: Lang::En,
            municipality: Some("viborg".into()),
            my_role: None,
            ..Settings::default()
        };
        save_settings(&store, &chosen, 0).unwrap();
        assert_eq!(
            store.get(SETTINGS_KEY).unwrap().unwrap(),
            r#"{"schema":1,"data":{"lang":"en","municipality":"viborg","my_role":null,"retention_days":null}}"#
        );
        let s = load_settings(&store, 0);
        assert_eq!(s.settings, chosen);
    }

    #[test]
    fn data_driven_bad_stored_values_give_defaults_and_are_kept() {
        // (stored raw value, expected notice)
        let cases = [
            ("", StorageNotice::SettingQuarantined),
            ("{", StorageNotice::SettingQuarantined),
            ("\"da\"", StorageNotice::SettingQuarantined),
            (r#"{"lang":"en"}"#, StorageNotice::SettingQuarantined),
            (
                r#"{"schema":1,"data":{"lang":"de"}}"#,
                StorageNotice::SettingQuarantined,
            ),
            (
                r#"{"schema":1,"data":{"lang":"en","pin":"1234"}}"#,
                StorageNotice::SettingQuarantined,
            ),
            (
                r#"{"schema":1,"data":"en"}"#,
                StorageNotice::SettingQuarantined,
            ),
            ("null", StorageNotice::SettingQuarantined),
        ];
        for (raw, notice) in cases {
            let store = MemoryStore::new();
            store.set(SETTINGS_KEY, raw).unwrap();
            let s = load_settings(&store, 1000);
            assert_eq!(s.settings, Settings::default(), "{raw}");
            assert_eq!(s.notice, Some(notice), "{raw}");
            let q = list_quarantine(&store).unwrap();
            assert_eq!(q.len(), 1, "{raw} must be quarantined");
            assert_eq!(q[0].1.raw, raw);
            assert_eq!(q[0].1.key, SETTINGS_KEY);
        }
    }

    #[test]
    fn settings_from_a_newer_version_are_left_untouched() {
        let store = MemoryStore::new();
        let newer = r#"{"schema":2,"data":{"lang":"en"}}"#;
        store.set(SETTINGS_KEY, newer).unwrap();
        let s = load_settings(&store, 1);
        assert_eq!(s.settings, Settings::default());
        assert_eq!(s.notice, Some(StorageNotice::NeedsUpdate));
        assert_eq!(
            save_settings(&store, &Settings::default(), 2),
            Err(StoreError::NewerVersion)
        );
        assert_eq!(store.get(SETTINGS_KEY).unwrap().as_deref(), Some(newer));
        assert!(list_quarantine(&store).unwrap().is_empty());
    }

    #[test]
    fn missing_fields_take_defaults() {
        let store = MemoryStore::new();
        store
            .set(SETTINGS_KEY, r#"{"schema":1,"data":{}}"#)
            .unwrap();
        assert_eq!(load_settings(&store, 0).settings, Settings::default());
    }

    #[test]
    fn unreadable_setting_in_a_full_store_is_left_in_place_and_reported() {
        let store = MemoryStore::with_quota(30);
        store.set(SETTINGS_KEY, "{not readable").unwrap();
        let s = load_settings(&store, 0);
        assert_eq!(s.settings, Settings::default());
        assert_eq!(s.notice, Some(StorageNotice::SettingUnreadableStorageFull));
        assert_eq!(
            store.get(SETTINGS_KEY).unwrap().as_deref(),
            Some("{not readable")
        );
        // Choosing something now must not overwrite the value that could not be set aside.
        let chosen = Settings {
            lang: Lang::En,
            municipality: None,
            my_role: None,
            ..Settings::default()
        };
        assert!(save_settings(&store, &chosen, 1).is_err());
        assert_eq!(
            store.get(SETTINGS_KEY).unwrap().as_deref(),
            Some("{not readable")
        );
    }

    #[test]
    fn every_notice_has_a_message_in_both_languages() {
        use crate::domain::i18n::{texts, Lang};
        let notices = [
            StorageNotice::SettingQuarantined,
            StorageNotice::StorageUnavailable,
            StorageNotice::SettingUnreadableStorageFull,
            StorageNotice::WriteFailed,
            StorageNotice::ProfileSetAside,
            StorageNotice::ConcernsSetAside { bad: 1, good: 4 },
            StorageNotice::ConcernsSetAside { bad: 1, good: 0 },
            StorageNotice::ValuesSetAside { bad: 1, good: 4 },
            StorageNotice::StorageFull,
            StorageNotice::NeedsUpdate,
        ];
        for lang in Lang::ALL {
            let messages: std::collections::HashSet<_> =
                notices.iter().map(|n| n.message(texts(lang))).collect();
            assert_eq!(
                messages.len(),
                notices.len(),
                "{lang:?}: each notice says its own thing"
            );
        }
    }

    #[test]
    fn refused_storage_gives_defaults_and_says_so() {
        let s = load_settings(&Refusing, 0);
        assert_eq!(s.settings, Settings::default());
        assert_eq!(s.notice, Some(StorageNotice::StorageUnavailable));
        assert!(save_settings(&Refusing, &Settings::default(), 0).is_err());
    }

    fn any_settings() -> impl Strategy<Value = Settings> {
        (
            prop_oneof![Just(Lang::Da), Just(Lang::En)],
            proptest::option::of("[a-zæøå-]{0,12}"),
            proptest::option::of(1u32..400),
            proptest::option::of(1u32..60),
        )
            .prop_map(
                |(lang, municipality, retention_days, auto_lock_minutes)| Settings {
                    lang,
                    municipality,
                    my_role: None,
                    retention_days,
                    auto_lock_minutes,
                },
            )
    }

    proptest! {
        #[test]
        fn any_settings_round_trip(settings in any_settings()) {
            let store = MemoryStore::new();
            save_settings(&store, &settings, 0).unwrap();
            let loaded = load_settings(&store, 0);
            prop_assert_eq!(loaded.settings, settings);
            prop_assert_eq!(loaded.notice, None);
        }

        /// Whatever is stored under the key, loading never panics and never loses it: it is
        /// either read as settings or kept verbatim in quarantine.
        #[test]
        fn any_stored_text_is_read_or_kept(raw in ".{0,80}") {
            let store = MemoryStore::new();
            store.set(SETTINGS_KEY, &raw).unwrap();
            let loaded = load_settings(&store, 7);
            match loaded.notice {
                None => prop_assert_eq!(store.get(SETTINGS_KEY).unwrap(), Some(raw)),
                Some(_) => {
                    let q = list_quarantine(&store).unwrap();
                    prop_assert_eq!(q.len(), 1);
                    prop_assert_eq!(&q[0].1.raw, &raw);
                }
            }
        }
    }
}
