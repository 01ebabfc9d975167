//! The PIN lock's scheme, computed with an independent implementation (RustCrypto's PBKDF2 and
//! AES-GCM) and checked against published test vectors; then the scheme's own vectors for a
//! fixed PIN, salt, data key and IVs, frozen in `tests/fixtures/locked-v1.json`. The browser test
//! (`tests/e2e/lock.spec.mjs`) opens that fixture with the PIN using WebCrypto, so the app's
//! WebCrypto code and this implementation agree on every byte.
//!
//! Regenerate the fixture (only after a deliberate format change): `UPDATE_FIXTURES=1 cargo test
//! --test vault_vectors`.

mod crypto_support;

use crypto_support::{open, pbkdf2_sha256, seal};
use ssp_handleguide::domain::concern_store;
use ssp_handleguide::domain::settings::{save_settings, Settings};
use ssp_handleguide::domain::storage::{KeyValueStore, MemoryStore};
use ssp_handleguide::domain::vault::{
    self, b64_decode, b64_encode, LockRecord, Sealed, Stored, WrappedKey, ITERATIONS,
};
use std::collections::BTreeMap;

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn pbkdf2_hmac_sha256_matches_rfc_7914() {
    // RFC 7914 §11: PBKDF2-HMAC-SHA256, P = "passwd", S = "salt", c = 1, dkLen = 64.
    let expected = hex(concat!(
        "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc",
        "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"
    ));
    assert_eq!(pbkdf2_sha256(b"passwd", b"salt", 1, 64), expected);
}

#[test]
fn aes_256_gcm_matches_the_gcm_specification() {
    // McGrew & Viega, "The Galois/Counter Mode of Operation", test cases 13 and 14.
    let key = [0u8; 32];
    let iv = [0u8; 12];
    assert_eq!(
        seal(&key, &iv, b"", b""),
        hex("530f8afbc74536b9a963b4f1c4cb738b")
    );
    assert_eq!(
        seal(&key, &iv, &[0u8; 16], b""),
        hex("cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919")
    );
}

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/locked-v1.json");

/// The fixture's fixed inputs (never use fixed IVs or salts outside tests).
const PIN: &str = "246813";
fn salt() -> Vec<u8> {
    (0x00..0x10).collect()
}
fn data_key() -> Vec<u8> {
    (0x20..0x40).collect()
}
fn wrap_iv() -> Vec<u8> {
    vec![0x10; 12]
}
fn record_iv(i: u8) -> Vec<u8> {
    vec![0x30 + i; 12]
}

/// The PIN key for the fixture: PBKDF2-HMAC-SHA256("246813", 00…0f, 600,000, 32), as Python's
/// hashlib.pbkdf2_hmac computes it too.
const PIN_KEY_HEX: &str = "a0616cdcf5c1d42284c556043fb6aebb9ae3e161802b53a9e0ba1508aed5ec6b";

fn pin_key() -> Vec<u8> {
    pbkdf2_sha256(PIN.as_bytes(), &salt(), ITERATIONS, 32)
}

/// Builds the fixture: the schema-1 concerns fixture moved into records, each sealed.
fn build_fixture(kek: &[u8]) -> BTreeMap<String, String> {
    let store = MemoryStore::new();
    store
        .set(
            concern_store::LEGACY_KEY,
            include_str!("fixtures/concerns-v1.json"),
        )
        .unwrap();
    let now = 1_795_435_400_000;
    let (concerns, report) = concern_store::load_all(&store, now);
    assert_eq!(report.migrated, concerns.len());
    let settings = Settings {
        municipality: Some("halsnaes".into()),
        ..Settings::default()
    };
    save_settings(&store, &settings, now).unwrap();

    let wrapped = seal(kek, &wrap_iv(), &data_key(), &vault::key_aad("k1"));
    let lock = LockRecord::new(
        &salt(),
        WrappedKey {
            id: "k1".into(),
            iv: b64_encode(&wrap_iv()),
            wrapped: b64_encode(&wrapped),
        },
    );
    assert_eq!(lock.validate(), Ok(()));
    let mut out = BTreeMap::new();
    let mut i = 0;
    for key in store.keys().unwrap() {
        let value = store.get(&key).unwrap().unwrap();
        // The fixture was frozen when concern records were schema 2; schema 3 only allows a
        // notification draft, which these records do not have. Sealing them as schema 2 keeps
        // the fixture byte for byte, and lets it prove that data an older app locked still
        // opens (and migrates) today.
        let value = if key.starts_with("ssp.concern.") {
            assert_eq!(concern_store::RECORD_CODEC.schema, 3);
            value.replacen("{\"schema\":3,", "{\"schema\":2,", 1)
        } else {
            value
        };
        let stored = if sealed_when_frozen(&key) {
            let iv = record_iv(i);
            i += 1;
            let ct = seal(&data_key(), &iv, value.as_bytes(), &vault::value_aad(&key));
            Sealed {
                key: "k1".into(),
                iv,
                ct,
            }
            .encode()
        } else {
            value
        };
        out.insert(key, stored);
    }
    out.insert(
        vault::LOCK_KEY.into(),
        vault::LOCK_CODEC.encode(&lock).unwrap(),
    );
    out
}

/// What the app sealed when the fixture was frozen (before issue 14): concern records. The
/// fixture stands for data an older app locked, so it keeps that older rule.
fn sealed_when_frozen(key: &str) -> bool {
    key.starts_with("ssp.concern.")
}

#[test]
fn the_pin_key_vector_is_frozen() {
    assert_eq!(hex(PIN_KEY_HEX).len(), 32);
    assert_eq!(
        pin_key(),
        hex(PIN_KEY_HEX),
        "PBKDF2 output for the fixture's PIN"
    );
}

#[test]
fn the_locked_fixture_matches_the_scheme_byte_for_byte() {
    let built = build_fixture(&pin_key());
    let text = serde_json::to_string_pretty(&built).unwrap() + "\n";
    let path = FIXTURE;
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        std::fs::write(path, &text).unwrap();
    }
    let stored = std::fs::read_to_string(path).expect("tests/fixtures/locked-v1.json");
    assert_eq!(stored, text, "the fixture drifted from the scheme");
    // The fixture holds no plaintext of the concerns.
    for needle in [
        "AB",
        "Skubbet",
        "mobning",
        "Elev K",
        "pseudonym",
        "observation",
    ] {
        let hits: Vec<_> = built
            .iter()
            .filter(|(k, v)| sealed_when_frozen(k) && v.contains(needle))
            .collect();
        assert!(hits.is_empty(), "{needle} in plaintext: {hits:?}");
    }
}

#[test]
fn the_fixture_opens_with_the_pin_and_only_with_it() {
    let fixture: BTreeMap<String, String> =
        serde_json::from_str(&std::fs::read_to_string(FIXTURE).unwrap()).unwrap();
    let lock: LockRecord = vault::LOCK_CODEC.decode(&fixture[vault::LOCK_KEY]).unwrap();
    assert_eq!(lock.validate(), Ok(()));
    assert!(lock.iterations >= 600_000);
    let k = &lock.keys[0];
    let unwrap = |kek: &[u8]| {
        open(
            kek,
            &b64_decode(&k.iv).unwrap(),
            &b64_decode(&k.wrapped).unwrap(),
            &vault::key_aad(&k.id),
        )
    };
    let dek = unwrap(&pin_key()).expect("the right PIN opens the data key");
    assert_eq!(dek, data_key());
    let wrong = pbkdf2_sha256(b"246812", &lock.salt_bytes(), lock.iterations, 32);
    assert_eq!(
        unwrap(&wrong),
        None,
        "a wrong PIN must not open the data key"
    );

    let sealed: Vec<_> = fixture
        .iter()
        .filter(|(key, _)| sealed_when_frozen(key))
        .collect();
    assert_eq!(sealed.len(), 2, "the two concern records");
    // What the app seals today is a superset (fail closed, issue 14): the index, in the clear in
    // this older data, is sealed at the first unlock (e2e lock.spec.mjs opens this fixture).
    for key in fixture.keys() {
        if sealed_when_frozen(key) {
            assert!(vault::is_sealed_key(key), "{key}");
        }
    }
    let mut ivs = Vec::new();
    for (key, raw) in &sealed {
        let Stored::Sealed(s) = Sealed::classify(raw) else {
            panic!("{key} is not sealed");
        };
        let plain = open(&dek, &s.iv, &s.ct, &vault::value_aad(key)).expect("opens");
        let text = String::from_utf8(plain).unwrap();
        assert!(text.starts_with("{\"schema\":2,"), "{text}");
        // Moved to another key, the same ciphertext does not open.
        assert_eq!(
            open(&dek, &s.iv, &s.ct, &vault::value_aad("ssp.concern.other")),
            None
        );
        // One flipped bit does not open.
        let mut tampered = s.ct.clone();
        tampered[0] ^= 1;
        assert_eq!(open(&dek, &s.iv, &tampered, &vault::value_aad(key)), None);
        ivs.push(s.iv);
    }
    ivs.sort();
    ivs.dedup();
    assert_eq!(ivs.len(), sealed.len(), "a fresh IV per value");
}
