//! Export and import of everything on the device (settings, imported profiles, concerns,
//! tombstones) as one JSON file. Import validates everything first, shows what it will add or
//! replace, merges by id and revision (the higher revision wins), and never deletes anything
//! that is not in the file.

use super::concern::{check_child, Concern};
use super::concern_store::{self, Tombstone};
use super::profile::{self, library::Library, Profile};
use super::settings::Settings;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub const KIND: &str = "ssp-handleguide-backup";
pub const SCHEMA: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Backup {
    pub kind: String,
    pub schema: u32,
    pub exported_ms: u64,
    pub settings: Settings,
    /// Imported municipality profiles, in the profile format.
    pub profiles: Vec<Value>,
    pub concerns: Vec<Concern>,
    pub tombstones: Vec<Tombstone>,
}

pub fn export(
    settings: &Settings,
    library: &Library,
    concerns: &[Concern],
    tombstones: Vec<Tombstone>,
    now_ms: u64,
) -> String {
    let backup = Backup {
        kind: KIND.into(),
        schema: SCHEMA,
        exported_ms: now_ms,
        settings: settings.clone(),
        profiles: library
            .imported()
            .iter()
            .map(|p| serde_json::to_value(p).expect("profiles serialise"))
            .collect(),
        concerns: concerns.to_vec(),
        tombstones,
    };
    serde_json::to_string_pretty(&backup).expect("backups serialise")
}

/// What an import will do. Nothing is written until the user agrees.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    /// Concerns not on the device.
    pub add: Vec<Concern>,
    /// Concerns whose file revision is newer than the device's.
    pub replace: Vec<Concern>,
    /// Concerns the device already has at the same or a newer revision.
    pub keep: usize,
    pub profiles: Vec<Profile>,
    /// Settings are restored only on a device where no municipality is chosen yet.
    pub settings: Option<Settings>,
    pub tombstones: Vec<Tombstone>,
}

/// Checks a backup file against the device. On failure, every problem with where it is.
pub fn plan(raw: &str, settings: &Settings, concerns: &[Concern]) -> Result<Plan, Vec<String>> {
    let value: Value =
        serde_json::from_str(raw).map_err(|e| vec![format!("$: not valid JSON ({e})")])?;
    match (
        value.get("kind").and_then(Value::as_str),
        value.get("schema").and_then(Value::as_u64),
    ) {
        (Some(KIND), Some(s)) if s > u64::from(SCHEMA) => {
            return Err(vec![format!(
                "$.schema: {s} is newer than this app can read (up to {SCHEMA}); update the app"
            )])
        }
        (Some(KIND), Some(_)) => {}
        _ => return Err(vec!["$.kind: not an SSP Handleguide backup".into()]),
    }
    let backup: Backup = serde_json::from_value(value).map_err(|e| vec![format!("$: {e}")])?;
    let mut problems = Vec::new();
    let mut profiles = Vec::new();
    for (i, p) in backup.profiles.iter().enumerate() {
        match profile::parse_value(p.clone()) {
            Ok(p) if profile::library::is_builtin(&p.id) => problems.push(format!(
                "$.profiles[{i}].id: \"{}\" is a built-in profile",
                p.id
            )),
            Ok(p) => profiles.push(p),
            Err(errors) => problems.extend(errors.iter().map(|e| {
                format!(
                    "$.profiles[{i}]{}: {}",
                    e.path.trim_start_matches('$'),
                    e.reason(super::i18n::Lang::En)
                )
            })),
        }
    }
    let mut plan = Plan::default();
    for (i, c) in backup.concerns.iter().enumerate() {
        if let Err(p) = check_child(&c.child) {
            problems.push(format!("$.concerns[{i}].pseudonym: {p:?}"));
            continue;
        }
        match concerns.iter().find(|x| x.id == c.id) {
            None => plan.add.push(c.clone()),
            Some(local) if c.revision > local.revision => plan.replace.push(c.clone()),
            Some(_) => plan.keep += 1,
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    plan.profiles = profiles;
    plan.settings = settings.municipality.is_none().then_some(backup.settings);
    plan.tombstones = backup.tombstones;
    Ok(plan)
}

/// Writes a plan: profiles, then concerns (record, then index), then tombstones, then settings.
pub fn apply(
    store: &dyn super::storage::KeyValueStore,
    plan: &Plan,
    library: &mut Library,
    now_ms: u64,
) -> Result<(), super::storage::StoreError> {
    for p in &plan.profiles {
        library.save(store, p.clone(), now_ms)?;
    }
    for c in plan.add.iter().chain(&plan.replace) {
        concern_store::save_one(store, c, None, now_ms).map_err(|e| match e {
            concern_store::SaveError::Store(e) => e,
            concern_store::SaveError::Conflict { .. } => unreachable!("no base revision given"),
        })?;
    }
    for t in &plan.tombstones {
        concern_store::keep_tombstone(store, t, now_ms)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::storage::{clear_app_data, KeyValueStore, MemoryStore};

    fn device() -> (MemoryStore, Vec<Concern>) {
        let store = MemoryStore::new();
        store
            .set(
                concern_store::LEGACY_KEY,
                include_str!("../../tests/fixtures/concerns-v1.json"),
            )
            .unwrap();
        let (concerns, _) = concern_store::load_all(&store, 1);
        (store, concerns)
    }

    fn settings() -> Settings {
        Settings {
            municipality: Some("halsnaes".into()),
            ..Settings::default()
        }
    }

    #[test]
    fn export_clear_import_brings_everything_back() {
        let (store, concerns) = device();
        let file = export(&settings(), &Library::default(), &concerns, vec![], 5);
        clear_app_data(&store).unwrap();
        let plan = plan(&file, &Settings::default(), &[]).unwrap();
        assert_eq!(plan.add.len(), 2);
        assert_eq!(plan.settings, Some(settings()));
        let mut lib = Library::default();
        apply(&store, &plan, &mut lib, 6).unwrap();
        let (back, _) = concern_store::load_all(&store, 7);
        assert_eq!(back, concerns);
    }

    #[test]
    fn merge_by_revision_never_deletes() {
        let (_, concerns) = device();
        let mut newer = concerns[0].clone();
        newer.close("Afsluttet", 9, "Lærer");
        // The file has the newer first concern and not the second.
        let file = export(
            &settings(),
            &Library::default(),
            &[newer.clone()],
            vec![],
            10,
        );
        let p = plan(&file, &settings(), &concerns).unwrap();
        assert_eq!(p.replace, [newer]);
        assert!(p.add.is_empty());
        assert_eq!(p.settings, None, "a device in use keeps its settings");
        // And the device with the newer one keeps it when the old file is imported.
        let old = export(&settings(), &Library::default(), &concerns, vec![], 11);
        let mut device_now = concerns.clone();
        device_now[0].close("Afsluttet", 9, "Lærer");
        let p = plan(&old, &settings(), &device_now).unwrap();
        assert_eq!((p.add.len(), p.replace.len(), p.keep), (0, 0, 2));
    }

    #[test]
    fn a_bad_file_is_refused_whole_with_every_problem() {
        let (_, concerns) = device();
        let mut bad = concerns.clone();
        bad[0].child = "Anna Jensen".into();
        let mut v: Value =
            serde_json::from_str(&export(&settings(), &Library::default(), &bad, vec![], 1))
                .unwrap();
        v["profiles"] = serde_json::json!([{ "format_version": 1 }]);
        let problems = plan(&v.to_string(), &Settings::default(), &[]).unwrap_err();
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("$.concerns[0].pseudonym")),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|p| p.starts_with("$.profiles[0].name")),
            "{problems:?}"
        );
        assert_eq!(
            plan("[]", &Settings::default(), &[]).unwrap_err(),
            ["$.kind: not an SSP Handleguide backup"]
        );
        let future = r#"{"kind":"ssp-handleguide-backup","schema":9}"#;
        assert!(
            plan(future, &Settings::default(), &[]).unwrap_err()[0].contains("newer than this app")
        );
    }
}
