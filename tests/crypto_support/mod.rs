//! The independent implementation (RustCrypto's PBKDF2-HMAC-SHA256 and AES-256-GCM) that the
//! lock's and the backups' known-vector tests check the app's formats against. Shared by
//! `vault_vectors.rs` and `backup_format.rs`; it calls no code of the app.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};

pub fn pbkdf2_sha256(secret: &[u8], salt: &[u8], rounds: u32, len: usize) -> Vec<u8> {
    let mut out = vec![0; len];
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(secret, salt, rounds, &mut out);
    out
}

/// AES-256-GCM: the ciphertext with the 16-byte tag appended.
pub fn seal(key: &[u8], iv: &[u8], plain: &[u8], aad: &[u8]) -> Vec<u8> {
    Aes256Gcm::new_from_slice(key)
        .unwrap()
        .encrypt(Nonce::from_slice(iv), Payload { msg: plain, aad })
        .unwrap()
}

/// Opens [`seal`]'s output; `None` for a wrong key, additional data or changed byte.
pub fn open(key: &[u8], iv: &[u8], ct: &[u8], aad: &[u8]) -> Option<Vec<u8>> {
    Aes256Gcm::new_from_slice(key)
        .unwrap()
        .decrypt(Nonce::from_slice(iv), Payload { msg: ct, aad })
        .ok()
}
