//! Helpers shared by the team tests (`team_lanes.rs`, `sync_faults.rs`, issue 18): a team's
//! documents sealed and opened at the transport as `platform::sync` does it with WebCrypto,
//! here with the independent AES-256-GCM of `crypto_support`, in the envelope of
//! docs/sync-protocol.md, "Encrypted data (version 2)" (epoch, IV, ciphertext; space, id, rev
//! and schema as the additional data); and the scan of what the model server stores for text a
//! person typed. Needs `mod crypto_support;` and `mod sync_support;` beside it.
#![allow(dead_code)]

use super::crypto_support;
use super::sync_support::ModelServer;
use ssp_handleguide::domain::sync::engine::Batch;
use ssp_handleguide::domain::sync::envelope::{self, Envelope, IV_BYTES};
use ssp_handleguide::domain::sync::protocol::Doc;
use std::cell::Cell;

/// One device's sealing for one team space. The IV is this device's tag and a counter: never
/// the same twice under a key (the browser draws 12 random bytes instead).
pub struct Sealer {
    space: String,
    tag: u8,
    count: Cell<u64>,
}

impl Sealer {
    pub fn new(space: &str, tag: u8) -> Sealer {
        Sealer {
            space: space.to_string(),
            tag,
            count: Cell::new(0),
        }
    }

    /// One live document's data sealed under `key` of `epoch`; a tombstone as it is.
    pub fn seal_doc(&self, doc: &Doc, epoch: u32, key: &[u8; 32]) -> Doc {
        let Some((aad, plain)) = envelope::to_seal(doc, &self.space) else {
            return doc.clone();
        };
        self.count.set(self.count.get() + 1);
        let mut iv = [0u8; IV_BYTES];
        iv[..8].copy_from_slice(&self.count.get().to_be_bytes());
        iv[8] = self.tag;
        let ct = crypto_support::seal(key, &iv, &plain, &aad);
        envelope::sealed(doc, &Envelope::new(epoch, &iv, &ct))
    }

    /// A batch as it leaves the device: every live document sealed.
    pub fn seal(&self, batch: &Batch, epoch: u32, key: &[u8; 32]) -> Batch {
        let mut out = batch.clone();
        for item in &mut out.items {
            item.mutation.doc = self.seal_doc(&item.mutation.doc, epoch, key);
        }
        out
    }

    /// A pulled document opened with the key of its epoch (`key_of`), or `None`: keep it aside
    /// (no key for its epoch, the wrong key, moved, changed, or not an envelope). A tombstone
    /// as it is.
    pub fn open(&self, doc: &Doc, key_of: impl Fn(u32) -> Option<[u8; 32]>) -> Option<Doc> {
        match envelope::to_open(doc, &self.space) {
            Ok(None) => Some(doc.clone()),
            Ok(Some((env, aad))) => {
                let key = key_of(env.epoch)?;
                let (iv, ct) = env.parts().ok()?;
                let plain = crypto_support::open(&key, &iv, &ct, &aad)?;
                envelope::opened(doc, &plain).ok()
            }
            Err(_) => None,
        }
    }
}

/// The key epoch a stored document is sealed under (`None`: a tombstone or not an envelope).
pub fn epoch_of(doc: &Doc) -> Option<u32> {
    let data = doc.data.as_ref().filter(|_| !doc.deleted)?;
    Envelope::from_value(data).ok().map(|e| e.epoch)
}

/// Everything the server stores of the documents, as one text.
pub fn stored_text(server: &ModelServer) -> String {
    serde_json::to_string(&server.docs.values().map(|(d, _)| d).collect::<Vec<_>>()).unwrap()
}

/// Panics with the first of `texts` (what a person typed) that the server's stored data holds.
pub fn assert_server_holds_none_of<'a>(
    server: &ModelServer,
    texts: impl IntoIterator<Item = &'a str>,
) {
    let stored = stored_text(server);
    for text in texts {
        assert!(
            !stored.contains(text),
            "the server holds the typed text {text:?} ({} bytes stored)",
            stored.len()
        );
    }
}
