//! Export and import of everything on the device (settings, imported profiles, concerns,
//! tombstones) as one JSON file. Import validates everything first, shows what it will add or
//! replace, merges by id and revision (the higher revision wins), and never deletes anything
//! that is not in the file.
//!
//! An export is encrypted with a passphrase by default ([`EncryptedBackup`],
//! `docs/backup-format.md`): the plain backup above, sealed with AES-256-GCM under a key derived
//! from the passphrase with PBKDF2-HMAC-SHA256, the same primitives as the lock. This module owns
//! the envelope's format, its checks and the additional data; `platform::backup_file` does the
//! WebCrypto.

use super::concern::{check_child, Concern};
use super::concern_store::{self, Tombstone};
use super::profile::{self, library::Library, Profile};
use super::settings::Settings;
use super::vault::{b64_decode, b64_encode, ITERATIONS, IV_LEN, SALT_LEN};
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
) -> serde_json::Result<String> {
    let backup = Backup {
        kind: KIND.into(),
        schema: SCHEMA,
        exported_ms: now_ms,
        settings: settings.clone(),
        profiles: library
            .imported()
            .iter()
            .map(|p| serde_json::from_str(&p.to_json()?))
            .collect::<serde_json::Result<_>>()?,
        concerns: concerns.to_vec(),
        tombstones,
    };
    super::pretty::to_string(&backup)
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
        _ if value.get("kind").and_then(Value::as_str) == Some(ENCRYPTED_KIND) => {
            return Err(vec![
                "$.kind: an encrypted backup; it is opened with its passphrase first".into(),
            ])
        }
        _ => return Err(vec!["$.kind: not an SSP Handleguide backup".into()]),
    }
    // From the text again, not `from_value`: one deserializer per type in the wasm.
    let backup: Backup = serde_json::from_str(raw).map_err(|e| vec![format!("$: {e}")])?;
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

/// The `kind` of an encrypted backup file.
pub const ENCRYPTED_KIND: &str = "ssp-handleguide-backup-encrypted";
/// The envelope's version; a newer one is refused with "update the app".
pub const ENCRYPTED_VERSION: u32 = 1;
/// The only key derivation: PBKDF2-HMAC-SHA256 over the passphrase's UTF-8 bytes.
pub const KDF: &str = "PBKDF2-SHA256";
/// The only cipher: AES-256-GCM, 96-bit IV, the 128-bit tag appended to the ciphertext.
pub const CIPHER: &str = "AES-256-GCM";
const TAG_LEN: usize = 16;
/// The fewest PBKDF2 rounds a file may have; a new file gets the lock's [`ITERATIONS`].
pub const MIN_ITERATIONS: u32 = 600_000;
/// The most PBKDF2 rounds a file may ask for (a file asking for billions would hang the tab).
pub const MAX_ITERATIONS: u32 = 10_000_000;

/// An encrypted backup: the envelope's fields, checked and decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncryptedBackup {
    pub iterations: u32,
    pub salt: Vec<u8>,
    pub iv: Vec<u8>,
    /// AES-GCM ciphertext of the plain backup's UTF-8 text, with the 16-byte tag at the end.
    pub ct: Vec<u8>,
}

/// The envelope as it is written: every field required, no other field allowed.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope {
    kind: String,
    version: u32,
    kdf: String,
    iterations: u32,
    cipher: String,
    salt: String,
    iv: String,
    ct: String,
}

/// The additional data AES-GCM authenticates with every encrypted backup: the envelope's
/// kind, version, KDF and rounds, so a file relabelled as another format or version does not
/// open.
pub fn encrypted_aad(iterations: u32) -> Vec<u8> {
    format!("{ENCRYPTED_KIND}:{ENCRYPTED_VERSION}:{KDF}:{iterations}:{CIPHER}").into_bytes()
}

impl EncryptedBackup {
    /// A new envelope from the parts WebCrypto made (a fresh salt and IV each export).
    pub fn new(salt: Vec<u8>, iv: Vec<u8>, ct: Vec<u8>) -> Self {
        Self {
            iterations: ITERATIONS.max(MIN_ITERATIONS),
            salt,
            iv,
            ct,
        }
    }

    /// The additional data for this file.
    pub fn aad(&self) -> Vec<u8> {
        encrypted_aad(self.iterations)
    }

    /// The file's text.
    pub fn encode(&self) -> serde_json::Result<String> {
        let envelope = Envelope {
            kind: ENCRYPTED_KIND.into(),
            version: ENCRYPTED_VERSION,
            kdf: KDF.into(),
            iterations: self.iterations,
            cipher: CIPHER.into(),
            salt: b64_encode(&self.salt),
            iv: b64_encode(&self.iv),
            ct: b64_encode(&self.ct),
        };
        super::pretty::to_string(&envelope)
    }

    /// Checks an envelope field by field; every problem with where it is.
    fn check(value: Value) -> Result<Self, Vec<String>> {
        if let Some(v) = value.get("version").and_then(Value::as_u64) {
            if v > u64::from(ENCRYPTED_VERSION) {
                return Err(vec![format!(
                    "$.version: {v} is newer than this app can read (up to {ENCRYPTED_VERSION}); update the app"
                )]);
            }
        }
        let e: Envelope =
            serde_json::from_str(&value.to_string()).map_err(|e| vec![format!("$: {e}")])?;
        let mut problems = Vec::new();
        if e.version != ENCRYPTED_VERSION {
            problems.push(format!(
                "$.version: {} is not a version of this format",
                e.version
            ));
        }
        if e.kdf != KDF {
            problems.push(format!("$.kdf: \"{}\" is not {KDF}", e.kdf));
        }
        if e.cipher != CIPHER {
            problems.push(format!("$.cipher: \"{}\" is not {CIPHER}", e.cipher));
        }
        if !(MIN_ITERATIONS..=MAX_ITERATIONS).contains(&e.iterations) {
            problems.push(format!(
                "$.iterations: {} is outside {MIN_ITERATIONS}–{MAX_ITERATIONS}",
                e.iterations
            ));
        }
        let mut bytes = |field: &str, text: &str, len: Option<usize>| -> Vec<u8> {
            match (b64_decode(text), len) {
                (None, _) => {
                    problems.push(format!("$.{field}: not base64"));
                    Vec::new()
                }
                (Some(b), Some(n)) if b.len() != n => {
                    problems.push(format!("$.{field}: {} bytes, not {n}", b.len()));
                    b
                }
                (Some(b), None) if b.len() <= TAG_LEN => {
                    problems.push(format!(
                        "$.{field}: {} bytes, shorter than the {TAG_LEN}-byte tag and a text",
                        b.len()
                    ));
                    b
                }
                (Some(b), _) => b,
            }
        };
        let salt = bytes("salt", &e.salt, Some(SALT_LEN));
        let iv = bytes("iv", &e.iv, Some(IV_LEN));
        let ct = bytes("ct", &e.ct, None);
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Self {
            iterations: e.iterations,
            salt,
            iv,
            ct,
        })
    }
}

/// What a picked backup file is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackupFile {
    /// A plain backup (the old style, or a plaintext export): goes straight to [`plan`].
    Plain,
    /// An encrypted backup: asks for its passphrase; the opened text then goes to [`plan`].
    Encrypted(EncryptedBackup),
}

/// Tells an encrypted backup from a plain one, checking the envelope. A plain file (or any
/// other JSON) is left to [`plan`], which gives the reasons a file is not a backup.
pub fn read_file(raw: &str) -> Result<BackupFile, Vec<String>> {
    let value: Value =
        serde_json::from_str(raw).map_err(|e| vec![format!("$: not valid JSON ({e})")])?;
    if value.get("kind").and_then(Value::as_str) != Some(ENCRYPTED_KIND) {
        return Ok(BackupFile::Plain);
    }
    EncryptedBackup::check(value).map(BackupFile::Encrypted)
}

/// Writes a plan: profiles, then concerns (record, then index), then tombstones, then settings.
pub fn apply(
    store: &dyn super::storage::KeyValueStore,
    plan: &Plan,
    library: &mut Library,
    now_ms: u64,
    subscriber: &dyn concern_store::Subscriber,
) -> Result<(), super::storage::StoreError> {
    for p in &plan.profiles {
        library.save(store, p.clone(), now_ms)?;
    }
    for c in plan.add.iter().chain(&plan.replace) {
        concern_store::save(store, c, now_ms, subscriber)?;
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
        let file = export(&settings(), &Library::default(), &concerns, vec![], 5).unwrap();
        clear_app_data(&store).unwrap();
        let plan = plan(&file, &Settings::default(), &[]).unwrap();
        assert_eq!(plan.add.len(), 2);
        assert_eq!(plan.settings, Some(settings()));
        let mut lib = Library::default();
        apply(&store, &plan, &mut lib, 6, &concern_store::Nobody).unwrap();
        let (back, _) = concern_store::load_all(&store, 7);
        assert_eq!(back, concerns);
    }

    /// A backup from an older version may hold a date that is not one: the file is accepted
    /// and the concern comes in with its creation date there (`Concern`'s rule).
    #[test]
    fn a_backup_with_an_unreadable_date_is_imported_whole() {
        let (_, concerns) = device();
        let file = export(&settings(), &Library::default(), &concerns, vec![], 5).unwrap();
        let mut v: Value = serde_json::from_str(&file).unwrap();
        v["concerns"][0]["follow_up"] = "2026-02-30".into();
        v["concerns"][1]["action_plan"][0]["by"] = "".into();
        let p = plan(&v.to_string(), &Settings::default(), &[]).unwrap();
        assert_eq!(p.add.len(), 2);
        let created = |c: &Concern| crate::domain::dates::Date::from_ms(c.created_ms);
        assert_eq!(p.add[0].follow_up, created(&p.add[0]));
        assert_eq!(p.add[1].action_plan[0].by, created(&p.add[1]));
        assert_eq!(p.add[1].follow_up, concerns[1].follow_up);
    }

    #[test]
    fn merge_by_revision_never_deletes() {
        let (_, concerns) = device();
        let mut newer = concerns[0].clone();
        newer.close("Afsluttet", 9, "Lærer").unwrap();
        // The file has the newer first concern and not the second.
        let file = export(
            &settings(),
            &Library::default(),
            &[newer.clone()],
            vec![],
            10,
        )
        .unwrap();
        let p = plan(&file, &settings(), &concerns).unwrap();
        assert_eq!(p.replace, [newer]);
        assert!(p.add.is_empty());
        assert_eq!(p.settings, None, "a device in use keeps its settings");
        // And the device with the newer one keeps it when the old file is imported.
        let old = export(&settings(), &Library::default(), &concerns, vec![], 11).unwrap();
        let mut device_now = concerns.clone();
        device_now[0].close("Afsluttet", 9, "Lærer").unwrap();
        let p = plan(&old, &settings(), &device_now).unwrap();
        assert_eq!((p.add.len(), p.replace.len(), p.keep), (0, 0, 2));
    }

    #[test]
    fn a_bad_file_is_refused_whole_with_every_problem() {
        let (_, concerns) = device();
        let mut bad = concerns.clone();
        bad[0].child = "Anna Jensen".into();
        let mut v: Value = serde_json::from_str(
            &export(&settings(), &Library::default(), &bad, vec![], 1).unwrap(),
        )
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

    #[test]
    fn an_encrypted_envelope_round_trips_and_binds_its_format() {
        let e = EncryptedBackup::new(vec![1; SALT_LEN], vec![2; IV_LEN], vec![3; 40]);
        let file = e.encode().unwrap();
        assert_eq!(read_file(&file), Ok(BackupFile::Encrypted(e.clone())));
        assert_eq!(
            e.aad(),
            b"ssp-handleguide-backup-encrypted:1:PBKDF2-SHA256:600000:AES-256-GCM"
        );
        // Handed to the plain import by mistake, it says what it is.
        assert_eq!(
            plan(&file, &Settings::default(), &[]).unwrap_err(),
            ["$.kind: an encrypted backup; it is opened with its passphrase first"]
        );
        // A plain backup is left to `plan`.
        let (_, concerns) = device();
        let plain = export(&settings(), &Library::default(), &concerns, vec![], 1).unwrap();
        assert_eq!(read_file(&plain), Ok(BackupFile::Plain));
        assert!(read_file("{").unwrap_err()[0].starts_with("$: not valid JSON"));
    }

    #[test]
    fn a_bad_envelope_is_refused_with_every_problem() {
        let mut v: Value = serde_json::from_str(
            &EncryptedBackup::new(vec![1; 15], vec![2; 12], vec![3; 16])
                .encode()
                .unwrap(),
        )
        .unwrap();
        v["iterations"] = 1000.into();
        v["iv"] = "!!!!".into();
        let problems = read_file(&v.to_string()).unwrap_err();
        assert_eq!(
            problems,
            [
                "$.iterations: 1000 is outside 600000–10000000",
                "$.salt: 15 bytes, not 16",
                "$.iv: not base64",
                "$.ct: 16 bytes, shorter than the 16-byte tag and a text",
            ]
        );
    }
}
