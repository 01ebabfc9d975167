//! Encrypted backups (`docs/backup-format.md`) made and opened with an independent
//! implementation (RustCrypto's PBKDF2 and AES-GCM), and the additional data written out here
//! from the document, not taken from the code: the domain reads the envelope, the opened text
//! is a backup the import plans, a wrong passphrase or a relabelled file does not open, and
//! malformed envelopes are refused with their reasons. The frozen fixture
//! `tests/fixtures/backup-encrypted-v1.json` is also opened by `scripts/open-backup.mjs` and
//! imported by the app in `tests/e2e/backup.spec.mjs`.
//!
//! Regenerate the fixture (only after a deliberate format change): `UPDATE_FIXTURES=1 cargo test
//! --test backup_format`.

mod crypto_support;

use crypto_support::{open, pbkdf2_sha256, seal};
use serde_json::{json, Value};
use ssp_handleguide::domain::backup::{self, BackupFile, EncryptedBackup};
use ssp_handleguide::domain::concern_store;
use ssp_handleguide::domain::profile::library::Library;
use ssp_handleguide::domain::settings::Settings;
use ssp_handleguide::domain::storage::{KeyValueStore, MemoryStore};
use ssp_handleguide::domain::vault::{self, b64_decode, b64_encode};

/// The additional data, exactly as `docs/backup-format.md` states it.
const AAD: &str = "ssp-handleguide-backup-encrypted:1:PBKDF2-SHA256:600000:AES-256-GCM";
const ROUNDS: u32 = 600_000;
const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/backup-encrypted-v1.json"
);
/// The fixture's passphrase (also in `tests/e2e/backup.spec.mjs`); non-ASCII on purpose.
const PASSPHRASE: &str = "korsbær lampe tirsdag regnvejr";

/// The fixture's fixed salt and IV (never fixed outside tests).
fn salt() -> Vec<u8> {
    (0x00..0x10).collect()
}
fn iv() -> Vec<u8> {
    (0x40..0x4c).collect()
}

/// A plain backup of the two concerns in `tests/fixtures/concerns-v1.json`, settings for Køge.
fn plain_backup() -> String {
    let store = MemoryStore::new();
    store
        .set(
            concern_store::LEGACY_KEY,
            include_str!("fixtures/concerns-v1.json"),
        )
        .unwrap();
    let (concerns, _) = concern_store::load_all(&store, 1_795_435_400_000);
    let settings = Settings {
        municipality: Some("koege".into()),
        ..Settings::default()
    };
    backup::export(
        &settings,
        &Library::default(),
        &concerns,
        vec![],
        1_795_435_400_000,
    )
    .unwrap()
}

/// An envelope written by hand from the document, not by the app's code.
fn envelope(salt: &[u8], iv: &[u8], ct: &[u8]) -> Value {
    json!({
        "kind": "ssp-handleguide-backup-encrypted",
        "version": 1,
        "kdf": "PBKDF2-SHA256",
        "iterations": ROUNDS,
        "cipher": "AES-256-GCM",
        "salt": b64_encode(salt),
        "iv": b64_encode(iv),
        "ct": b64_encode(ct),
    })
}

fn encrypted(raw: &str) -> EncryptedBackup {
    match backup::read_file(raw) {
        Ok(BackupFile::Encrypted(e)) => e,
        other => panic!("not read as an encrypted backup: {other:?}"),
    }
}

#[test]
fn an_envelope_made_independently_is_read_opened_and_planned() {
    let plain = plain_backup();
    let key = pbkdf2_sha256(PASSPHRASE.as_bytes(), &salt(), ROUNDS, 32);
    let ct = seal(&key, &iv(), plain.as_bytes(), AAD.as_bytes());
    let file = envelope(&salt(), &iv(), &ct).to_string();

    let e = encrypted(&file);
    assert_eq!(
        (e.iterations, &e.salt, &e.iv, &e.ct),
        (ROUNDS, &salt(), &iv(), &ct)
    );
    assert_eq!(e.aad(), AAD.as_bytes(), "the AAD the document states");
    let opened = open(&key, &e.iv, &e.ct, &e.aad()).expect("opens with the passphrase");
    let plan = backup::plan(
        std::str::from_utf8(&opened).unwrap(),
        &Settings::default(),
        &[],
    )
    .unwrap();
    assert_eq!(plan.add.len(), 2);
    assert_eq!(
        plan.settings.unwrap().municipality.as_deref(),
        Some("koege")
    );
    // The file holds nothing of the backup in the clear: the other fields hold none of it,
    // and the ciphertext is base64 only.
    let mut rest: Value = serde_json::from_str(&file).unwrap();
    let ct_text = rest.as_object_mut().unwrap().remove("ct").unwrap();
    assert!(ct_text
        .as_str()
        .unwrap()
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'='));
    for needle in ["AB", "Elev K", "Skubbet", "mobning", "koege", "observation"] {
        assert!(!rest.to_string().contains(needle), "{needle}");
    }
}

#[test]
fn what_the_app_writes_has_exactly_the_documented_fields() {
    let e = EncryptedBackup::new(salt(), iv(), vec![7; 40]);
    let written: Value = serde_json::from_str(&e.encode().unwrap()).unwrap();
    assert_eq!(written, envelope(&salt(), &iv(), &[7; 40]));
    assert_eq!(encrypted(&e.encode().unwrap()), e);
    // The document states the same AAD and fields.
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/backup-format.md"
    ))
    .unwrap();
    assert!(doc.contains(AAD), "docs/backup-format.md states the AAD");
    for field in written.as_object().unwrap().keys() {
        assert!(
            doc.contains(&format!("`{field}`")),
            "the doc describes {field}"
        );
    }
}

#[test]
fn a_wrong_passphrase_a_changed_byte_or_a_relabelled_file_does_not_open() {
    let plain = plain_backup();
    let key = pbkdf2_sha256(PASSPHRASE.as_bytes(), &salt(), ROUNDS, 32);
    let ct = seal(&key, &iv(), plain.as_bytes(), AAD.as_bytes());
    let e = encrypted(&envelope(&salt(), &iv(), &ct).to_string());
    assert!(open(&key, &e.iv, &e.ct, &e.aad()).is_some());

    let wrong = pbkdf2_sha256(
        "korsbær lampe tirsdag regnvejR".as_bytes(),
        &salt(),
        ROUNDS,
        32,
    );
    assert!(
        open(&wrong, &e.iv, &e.ct, &e.aad()).is_none(),
        "wrong passphrase"
    );
    let mut flipped = e.ct.clone();
    flipped[10] ^= 1;
    assert!(
        open(&key, &e.iv, &flipped, &e.aad()).is_none(),
        "changed byte"
    );
    // Sealed as another format or version, the same bytes do not open as this one.
    let other = seal(
        &key,
        &iv(),
        plain.as_bytes(),
        b"ssp-handleguide-backup-encrypted:2",
    );
    let relabelled = encrypted(&envelope(&salt(), &iv(), &other).to_string());
    assert!(open(&key, &relabelled.iv, &relabelled.ct, &relabelled.aad()).is_none());
}

/// One change to a good envelope.
type Change = Box<dyn Fn(&mut Value)>;

#[test]
fn malformed_envelopes_are_refused_with_the_reason() {
    let good = envelope(&salt(), &iv(), &[9; 32]);
    assert!(backup::read_file(&good.to_string()).is_ok());
    let cases: Vec<(&str, Change, &str)> = vec![
        (
            "no salt",
            Box::new(|v| {
                v.as_object_mut().unwrap().remove("salt");
            }),
            "$: missing field `salt`",
        ),
        (
            "an extra field",
            Box::new(|v| v["passphrase_hint"] = json!("hund")),
            "$: unknown field `passphrase_hint`",
        ),
        (
            "a newer version",
            Box::new(|v| v["version"] = json!(2)),
            "$.version: 2 is newer than this app can read (up to 1); update the app",
        ),
        (
            "version 0",
            Box::new(|v| v["version"] = json!(0)),
            "$.version: 0 is not a version of this format",
        ),
        (
            "another KDF",
            Box::new(|v| v["kdf"] = json!("scrypt")),
            "$.kdf: \"scrypt\" is not PBKDF2-SHA256",
        ),
        (
            "another cipher",
            Box::new(|v| v["cipher"] = json!("AES-128-CBC")),
            "$.cipher: \"AES-128-CBC\" is not AES-256-GCM",
        ),
        (
            "too few rounds",
            Box::new(|v| v["iterations"] = json!(100_000)),
            "$.iterations: 100000 is outside 600000–10000000",
        ),
        (
            "rounds that would hang the tab",
            Box::new(|v| v["iterations"] = json!(4_000_000_000u32)),
            "$.iterations: 4000000000 is outside 600000–10000000",
        ),
        (
            "rounds as text",
            Box::new(|v| v["iterations"] = json!("600000")),
            "$: invalid type: string \"600000\", expected u32",
        ),
        (
            "a short salt",
            Box::new(|v| v["salt"] = json!(b64_encode(&[1; 8]))),
            "$.salt: 8 bytes, not 16",
        ),
        (
            "a long IV",
            Box::new(|v| v["iv"] = json!(b64_encode(&[1; 16]))),
            "$.iv: 16 bytes, not 12",
        ),
        (
            "base64url instead of base64",
            Box::new(|v| v["ct"] = json!("-_-_")),
            "$.ct: not base64",
        ),
        (
            "a ciphertext no longer than the tag",
            Box::new(|v| v["ct"] = json!(b64_encode(&[1; 16]))),
            "$.ct: 16 bytes, shorter than the 16-byte tag and a text",
        ),
    ];
    for (what, change, reason) in cases {
        let mut v = good.clone();
        change(&mut v);
        let problems = backup::read_file(&v.to_string()).expect_err(what);
        assert!(
            problems.iter().any(|p| p.starts_with(reason)),
            "{what}: expected {reason:?}, got {problems:?}"
        );
    }
    // Several problems are all reported.
    let mut v = good.clone();
    v["kdf"] = json!("md5");
    v["salt"] = json!("x");
    assert_eq!(backup::read_file(&v.to_string()).unwrap_err().len(), 2);
    // Not JSON at all.
    assert!(backup::read_file("ssp")
        .unwrap_err()
        .iter()
        .all(|p| p.starts_with("$: not valid JSON")));
}

#[test]
fn the_frozen_fixture_opens_with_its_passphrase_and_matches_the_scheme() {
    let key = pbkdf2_sha256(PASSPHRASE.as_bytes(), &salt(), ROUNDS, 32);
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        let ct = seal(&key, &iv(), plain_backup().as_bytes(), AAD.as_bytes());
        let text = serde_json::to_string_pretty(&envelope(&salt(), &iv(), &ct)).unwrap() + "\n";
        std::fs::write(FIXTURE, text).unwrap();
    }
    let stored = std::fs::read_to_string(FIXTURE).expect("tests/fixtures/backup-encrypted-v1.json");
    let e = encrypted(&stored);
    assert_eq!((e.iterations, &e.salt, &e.iv), (ROUNDS, &salt(), &iv()));
    let plain = open(&key, &e.iv, &e.ct, &e.aad()).expect("the fixture opens");
    // Sealing what it holds again with the same inputs gives the same bytes: the scheme has
    // not drifted.
    assert_eq!(seal(&key, &iv(), &plain, AAD.as_bytes()), e.ct);
    let plan = backup::plan(
        std::str::from_utf8(&plain).unwrap(),
        &Settings::default(),
        &[],
    )
    .expect("the fixture's backup is still importable");
    assert_eq!(plan.add.len(), 2);
    assert!(vault::check_new_passphrase(PASSPHRASE, PASSPHRASE).is_ok());
    // The JSON text round-trips through base64 exactly.
    let v: Value = serde_json::from_str(&stored).unwrap();
    assert_eq!(b64_decode(v["ct"].as_str().unwrap()).unwrap(), e.ct);
}
