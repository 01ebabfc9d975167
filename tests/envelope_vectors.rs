//! The team envelope (sync protocol v2, issue 18) checked with an independent AES-256-GCM
//! (RustCrypto, `crypto_support`): what the app's parts seal opens with the team key at the same
//! place only; moved to another id, revision, space or schema, under another key, or with one
//! byte changed, it does not open; the server's copy holds none of the plaintext.

#[allow(dead_code)] // The PBKDF2 half is for the lock's tests.
mod crypto_support;

use crypto_support::{open, seal};
use proptest::prelude::*;
use ssp_handleguide::domain::sync::envelope::{
    additional_data, Envelope, EnvelopeError, ALGORITHM, IV_BYTES,
};

const KEY: [u8; 32] = [0x42; 32];
const IV: [u8; IV_BYTES] = [9; IV_BYTES];

fn sealed(plain: &str, space: &str, id: &str, rev: &str) -> Envelope {
    let aad = additional_data(space, id, rev, 3);
    Envelope::new(1, &IV, &seal(&KEY, &IV, plain.as_bytes(), &aad))
}

fn opened(
    e: &Envelope,
    key: &[u8; 32],
    space: &str,
    id: &str,
    rev: &str,
    schema: u32,
) -> Option<String> {
    let (iv, ct) = e.parts().ok()?;
    let plain = open(key, &iv, &ct, &additional_data(space, id, rev, schema))?;
    String::from_utf8(plain).ok()
}

const CONCERN: &str =
    r#"{"pseudonym":"Elev T (fiktiv)","observation":"Sidder alene i frikvartererne."}"#;

#[test]
fn an_envelope_opens_with_the_team_key_at_its_own_place_only() {
    let e = sealed(CONCERN, "testrup-skole", "2f1c9a4e", "3-9f86d081884c7d65");
    let value = e.to_value();
    // What the server stores: no word of the concern.
    let stored = value.to_string();
    for secret in ["Elev T", "frikvarter", "pseudonym"] {
        assert!(!stored.contains(secret), "{stored}");
    }
    let read = Envelope::from_value(&value).unwrap();
    assert_eq!(read, e);
    let at = |space, id, rev, schema| opened(&read, &KEY, space, id, rev, schema);
    assert_eq!(
        at("testrup-skole", "2f1c9a4e", "3-9f86d081884c7d65", 3).as_deref(),
        Some(CONCERN)
    );
    assert_eq!(
        at("andet-hold", "2f1c9a4e", "3-9f86d081884c7d65", 3),
        None,
        "another space"
    );
    assert_eq!(
        at("testrup-skole", "77aa0000", "3-9f86d081884c7d65", 3),
        None,
        "another id"
    );
    assert_eq!(
        at("testrup-skole", "2f1c9a4e", "2-1b4f0e9851971998", 3),
        None,
        "an old revision"
    );
    assert_eq!(
        at("testrup-skole", "2f1c9a4e", "3-9f86d081884c7d65", 2),
        None,
        "another schema"
    );
    assert_eq!(
        opened(
            &read,
            &[0x43; 32],
            "testrup-skole",
            "2f1c9a4e",
            "3-9f86d081884c7d65",
            3
        ),
        None,
        "another key"
    );
}

#[test]
fn what_is_not_an_envelope_is_refused_with_its_reason() {
    let cases = [
        (
            serde_json::json!({"pseudonym": "AB"}),
            EnvelopeError::NotAnEnvelope,
        ),
        (serde_json::json!(null), EnvelopeError::NotAnEnvelope),
        (
            serde_json::json!({"enc": "A128CBC", "epoch": 1, "iv": "", "ct": ""}),
            EnvelopeError::UnknownAlgorithm("A128CBC".into()),
        ),
    ];
    for (value, expected) in cases {
        assert_eq!(Envelope::from_value(&value), Err(expected), "{value}");
    }
    let short_iv = Envelope {
        iv: "AAAA".into(),
        ..sealed("x", "s", "i", "1-a")
    };
    assert_eq!(short_iv.parts(), Err(EnvelopeError::Malformed));
    let no_tag = Envelope {
        ct: "AAAA".into(),
        ..sealed("x", "s", "i", "1-a")
    };
    assert_eq!(no_tag.parts(), Err(EnvelopeError::Malformed));
    assert_eq!(sealed("x", "s", "i", "1-a").enc, ALGORITHM);
}

proptest! {
    /// Any one byte of the ciphertext changed: it does not open.
    #[test]
    fn one_changed_byte_never_opens(plain in "\\PC{0,200}", at in any::<prop::sample::Index>(), flip in 1u8..=255) {
        let e = sealed(&plain, "hold", "id-1", "1-00");
        let (iv, mut ct) = e.parts().unwrap();
        let k = at.index(ct.len());
        ct[k] ^= flip;
        prop_assert_eq!(open(&KEY, &iv, &ct, &additional_data("hold", "id-1", "1-00", 3)), None);
        prop_assert_eq!(opened(&e, &KEY, "hold", "id-1", "1-00", 3), Some(plain));
    }
}

/// A document goes out sealed and comes back opened as it was, through the app's parts and an
/// independent AES-GCM; a tombstone has nothing to seal; a pulled document that is not an
/// envelope, or sealed for another place, is refused (the caller keeps it aside).
#[test]
fn a_document_goes_out_sealed_and_comes_back_as_it_was() {
    use ssp_handleguide::domain::sync::envelope::{opened, sealed as seal_doc, to_open, to_seal};
    use ssp_handleguide::domain::sync::protocol::Doc;
    let doc = Doc {
        id: "2f1c9a4e".into(),
        rev: "3-9f86d081884c7d65".into(),
        base_rev: Some("2-1b4f0e9851971998".into()),
        deleted: false,
        schema: 3,
        updated_ms: 1_796_000_000_000,
        data: Some(serde_json::from_str(CONCERN).unwrap()),
    };
    let (aad, plain) = to_seal(&doc, "testrup-skole").unwrap();
    let out = seal_doc(&doc, &Envelope::new(2, &IV, &seal(&KEY, &IV, &plain, &aad)));
    let wire = serde_json::to_string(&out).unwrap();
    assert!(
        !wire.contains("frikvarter") && !wire.contains("Elev T"),
        "{wire}"
    );
    assert_eq!(
        (out.id.as_str(), out.rev.as_str(), out.schema),
        ("2f1c9a4e", "3-9f86d081884c7d65", 3)
    );

    let pulled: Doc = serde_json::from_str(&wire).unwrap();
    let (envelope, aad) = to_open(&pulled, "testrup-skole").unwrap().unwrap();
    assert_eq!(envelope.epoch, 2);
    let (iv, ct) = envelope.parts().unwrap();
    let plain = open(&KEY, &iv, &ct, &aad).unwrap();
    assert_eq!(opened(&pulled, &plain).unwrap(), doc);
    // Pulled into another space's view: the additional data differs, it does not open.
    let (_, other) = to_open(&pulled, "andet-hold").unwrap().unwrap();
    assert_eq!(open(&KEY, &iv, &ct, &other), None);

    let tombstone = Doc {
        deleted: true,
        data: None,
        ..doc.clone()
    };
    assert_eq!(to_seal(&tombstone, "testrup-skole"), None);
    assert_eq!(to_open(&tombstone, "testrup-skole"), Ok(None));
    assert_eq!(
        to_open(&doc, "testrup-skole").unwrap_err(),
        EnvelopeError::NotAnEnvelope
    );
    assert_eq!(
        opened(&pulled, b"not json").unwrap_err(),
        EnvelopeError::Unauthentic
    );
}
