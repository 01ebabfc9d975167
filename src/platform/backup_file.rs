//! Encrypted backups in WebCrypto: seals a plain backup under a passphrase and opens one
//! (`domain::backup::EncryptedBackup` owns the format and the additional data).

use super::crypto;
use crate::domain::backup::EncryptedBackup;
use crate::domain::vault::{IV_LEN, SALT_LEN};
use wasm_bindgen::JsValue;

/// Why an encrypted backup did not open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenError {
    /// The passphrase is wrong, or the file was changed (AES-GCM's tag does not match).
    WrongPassphrase,
    /// It opened but is not UTF-8 text.
    NotText,
    /// WebCrypto refused (e.g. no secure context).
    Browser(String),
}

/// The encrypted file's text for a plain backup: a fresh random salt and IV each time.
pub async fn seal(plain: &str, passphrase: &str) -> Result<String, String> {
    let describe = |e: JsValue| format!("{e:?}");
    let salt = crypto::random_bytes(SALT_LEN).map_err(describe)?;
    let iv = crypto::random_bytes(IV_LEN).map_err(describe)?;
    let mut file = EncryptedBackup::new(salt, iv, Vec::new());
    let key = crypto::derive_pin_key(passphrase, &file.salt, file.iterations)
        .await
        .map_err(describe)?;
    let sealing =
        crypto::encrypt(&key, &file.iv, &file.aad(), plain.as_bytes()).map_err(describe)?;
    file.ct = crypto::bytes(sealing).await.map_err(describe)?;
    file.encode().map_err(|e| e.to_string())
}

/// The plain backup inside an encrypted one. Nothing is written.
pub async fn open(file: &EncryptedBackup, passphrase: &str) -> Result<String, OpenError> {
    let browser = |e: JsValue| OpenError::Browser(format!("{e:?}"));
    let key = crypto::derive_pin_key(passphrase, &file.salt, file.iterations)
        .await
        .map_err(browser)?;
    let opening = crypto::decrypt(&key, &file.iv, &file.aad(), &file.ct).map_err(browser)?;
    let plain = crypto::bytes(opening)
        .await
        .map_err(|_| OpenError::WrongPassphrase)?;
    String::from_utf8(plain).map_err(|_| OpenError::NotText)
}
