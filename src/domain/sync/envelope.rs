//! The encrypted envelope of a team's documents (sync protocol v2, issue 18): what the server
//! stores in `data` instead of the concern. Only ciphertext leaves the device; the server keeps
//! seeing the fields around it (id, rev, base_rev, deleted, schema, updated_ms), as in v1.
//!
//! ```json
//! "data": { "enc": "A256GCM", "epoch": 3, "iv": "…16 base64 characters…", "ct": "…" }
//! ```
//!
//! - `enc`: the algorithm, always `A256GCM` (AES-256-GCM with a 128-bit tag appended to `ct`).
//! - `epoch`: which generation of the team key sealed it (a removal rotates the key).
//! - `iv`: 12 random bytes, fresh for every write, base64.
//! - `ct`: the concern's JSON (UTF-8) sealed under the team key, base64.
//!
//! The additional data binds the ciphertext to its place, so a server (or anyone with write
//! access to it) cannot move a sealed concern to another id, revision, space or schema, or
//! replay an old revision as a new one, without the device noticing:
//! `ssp-hold/1` LF space LF id LF rev LF schema (ids, revisions and spaces never hold a line
//! feed: `validate` refuses them).
//!
//! The crypto itself is WebCrypto's, in `platform`; this module makes and reads the parts, so
//! the native tests can check them against an independent AES-GCM (`tests/envelope_vectors.rs`).

use super::protocol::Doc;
use crate::domain::vault::{b64_decode, b64_encode};
use serde::{Deserialize, Serialize};

/// The one algorithm an envelope uses.
pub const ALGORITHM: &str = "A256GCM";
/// Bytes of an IV.
pub const IV_BYTES: usize = 12;
/// Bytes of the authentication tag at the end of `ct`.
pub const TAG_BYTES: usize = 16;
/// What the additional data starts with (the envelope's own version).
const AAD_LABEL: &str = "ssp-hold/1";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    pub enc: String,
    pub epoch: u32,
    pub iv: String,
    pub ct: String,
}

/// Why an envelope cannot be opened. The document is kept aside, never dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvelopeError {
    /// `data` is not an envelope (a v1 plaintext document in a team's space, or damage).
    NotAnEnvelope,
    /// An algorithm this app does not know.
    UnknownAlgorithm(String),
    /// The IV or ciphertext is not base64, or has the wrong length.
    Malformed,
    /// Sealed under a key generation this device does not have (yet, or any more).
    NoKeyFor { epoch: u32 },
    /// The ciphertext does not authenticate: a wrong key, a changed byte, or moved to another
    /// place (the additional data differs).
    Unauthentic,
}

/// The additional data for a document at `space`/`id`/`rev` with `schema`.
pub fn additional_data(space: &str, id: &str, rev: &str, schema: u32) -> Vec<u8> {
    format!("{AAD_LABEL}\n{space}\n{id}\n{rev}\n{schema}").into_bytes()
}

impl Envelope {
    /// The envelope for what the platform sealed.
    pub fn new(epoch: u32, iv: &[u8; IV_BYTES], ciphertext: &[u8]) -> Envelope {
        Envelope {
            enc: ALGORITHM.into(),
            epoch,
            iv: b64_encode(iv),
            ct: b64_encode(ciphertext),
        }
    }

    /// Reads `data` as an envelope.
    pub fn from_value(data: &serde_json::Value) -> Result<Envelope, EnvelopeError> {
        let envelope: Envelope =
            serde_json::from_value(data.clone()).map_err(|_| EnvelopeError::NotAnEnvelope)?;
        if envelope.enc != ALGORITHM {
            return Err(EnvelopeError::UnknownAlgorithm(envelope.enc));
        }
        Ok(envelope)
    }

    /// The IV and the ciphertext (with its tag) as bytes, checked for length.
    pub fn parts(&self) -> Result<([u8; IV_BYTES], Vec<u8>), EnvelopeError> {
        let iv: [u8; IV_BYTES] = b64_decode(&self.iv)
            .and_then(|iv| iv.try_into().ok())
            .ok_or(EnvelopeError::Malformed)?;
        let ct = b64_decode(&self.ct)
            .filter(|ct| ct.len() >= TAG_BYTES)
            .ok_or(EnvelopeError::Malformed)?;
        Ok((iv, ct))
    }

    pub fn to_value(&self) -> serde_json::Value {
        serde_json::json!({
            "enc": self.enc,
            "epoch": self.epoch,
            "iv": self.iv,
            "ct": self.ct,
        })
    }
}

/// What the platform seals for an outgoing document: the additional data and the plaintext
/// (the concern's JSON). `None` for a tombstone: it has no `data`, so nothing to seal.
pub fn to_seal(doc: &Doc, space: &str) -> Option<(Vec<u8>, Vec<u8>)> {
    let data = doc.data.as_ref().filter(|_| !doc.deleted)?;
    let plain = serde_json::to_vec(data).ok()?;
    Some((additional_data(space, &doc.id, &doc.rev, doc.schema), plain))
}

/// The document as a CouchDB team binds it (docs/couchdb.md, "Teams on CouchDB"): CouchDB makes
/// a revision's hash itself, so the device that seals knows only its generation (the base's +
/// 1, as `protocol::make_rev` makes it and CouchDB does too). The additional data then carries
/// the generation where the reference server's carries the whole revision.
pub fn couch_bound(doc: &Doc) -> Doc {
    Doc {
        rev: super::protocol::generation(&doc.rev).to_string(),
        ..doc.clone()
    }
}

/// The outgoing document with its `data` replaced by the sealed envelope.
pub fn sealed(doc: &Doc, envelope: &Envelope) -> Doc {
    Doc {
        data: Some(envelope.to_value()),
        ..doc.clone()
    }
}

/// What the platform opens for a pulled document: the envelope, its epoch's key is the
/// platform's to find, and the additional data for its place. `Ok(None)` for a tombstone.
pub fn to_open(doc: &Doc, space: &str) -> Result<Option<(Envelope, Vec<u8>)>, EnvelopeError> {
    if doc.deleted {
        return Ok(None);
    }
    let data = doc.data.as_ref().ok_or(EnvelopeError::NotAnEnvelope)?;
    let envelope = Envelope::from_value(data)?;
    envelope.parts()?;
    Ok(Some((
        envelope,
        additional_data(space, &doc.id, &doc.rev, doc.schema),
    )))
}

/// The pulled document with the opened plaintext as its `data` again, for the engine to merge
/// as it merges a v1 document. A plaintext that is not JSON does not authenticate as a concern.
pub fn opened(doc: &Doc, plain: &[u8]) -> Result<Doc, EnvelopeError> {
    let data = serde_json::from_slice(plain).map_err(|_| EnvelopeError::Unauthentic)?;
    Ok(Doc {
        data: Some(data),
        ..doc.clone()
    })
}
