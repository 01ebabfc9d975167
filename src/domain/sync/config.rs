//! What the user sets for sync, and which addresses are allowed: `https://` only, except
//! `http://localhost` and `http://127.0.0.1` (a server on the same machine, for testing).

use crate::domain::storage::{self, Codec, KeyValueStore, StoreError};
use serde::{Deserialize, Serialize};

/// The settings (not secret: kept in the clear so the status can be shown while locked).
pub const CONFIG_KEY: &str = "ssp.sync.config";
/// The token or password (sealed under the PIN when a PIN is set; see `vault::is_sealed_key`).
pub const SECRET_KEY: &str = "ssp.sync.secret";

const CONFIG_CODEC: Codec = Codec {
    schema: 1,
    migrations: &[],
};
const SECRET_CODEC: Codec = Codec {
    schema: 1,
    migrations: &[],
};

/// Which protocol the backend speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// docs/sync-protocol.md (the reference server, or a municipality's own).
    Json,
    /// Apache CouchDB's HTTP API (docs/couchdb.md).
    Couch,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncConfig {
    /// Sync runs only when on; turning it off keeps the outbox.
    pub enabled: bool,
    pub kind: Kind,
    /// The service's base address (JSON) or the database's address (CouchDB), no trailing `/`.
    pub url: String,
    /// CouchDB's user name; unused for the JSON protocol (it has a bearer token only).
    #[serde(default)]
    pub user: String,
}

/// Why an address is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlProblem {
    Empty,
    /// Not `scheme://host…`.
    NotAnAddress,
    /// `http://` to another machine: the data would travel unencrypted.
    NotHttps,
    /// `user:password@` in the address: credentials go in their own field.
    CredentialsInAddress,
}

impl UrlProblem {
    pub fn text(&self, t: &crate::domain::i18n::Texts) -> &'static str {
        match self {
            UrlProblem::Empty => t.sync_url_empty,
            UrlProblem::NotAnAddress => t.sync_url_invalid,
            UrlProblem::NotHttps => t.sync_url_not_https,
            UrlProblem::CredentialsInAddress => t.sync_url_credentials,
        }
    }
}

/// Checks an address and returns it without spaces around and without a trailing `/`.
pub fn check_url(raw: &str) -> Result<String, UrlProblem> {
    let url = raw.trim().trim_end_matches('/');
    if url.is_empty() {
        return Err(UrlProblem::Empty);
    }
    let lower = url.to_ascii_lowercase();
    let (https, rest) = if let Some(rest) = lower.strip_prefix("https://") {
        (true, rest)
    } else if let Some(rest) = lower.strip_prefix("http://") {
        (false, rest)
    } else {
        return Err(if lower.contains("://") {
            UrlProblem::NotHttps
        } else {
            UrlProblem::NotAnAddress
        });
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return Err(UrlProblem::CredentialsInAddress);
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority.split(':').next().unwrap_or(""),
    };
    let port_ok = authority
        .rsplit_once(':')
        .filter(|_| !authority.starts_with('['))
        .is_none_or(|(_, p)| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == ':');
    if !host_ok || !port_ok || url.chars().any(char::is_whitespace) {
        return Err(UrlProblem::NotAnAddress);
    }
    if !https && host != "localhost" && host != "127.0.0.1" {
        return Err(UrlProblem::NotHttps);
    }
    Ok(url.to_string())
}

/// The stored settings, or `None` when sync was never set up on this device.
pub fn load(store: &dyn KeyValueStore, now_ms: u64) -> Option<SyncConfig> {
    storage::load(store, CONFIG_KEY, &CONFIG_CODEC, now_ms).found()
}

pub fn save(store: &dyn KeyValueStore, config: &SyncConfig, now_ms: u64) -> Result<(), StoreError> {
    storage::save(store, CONFIG_KEY, &CONFIG_CODEC, config, now_ms)
}

/// The token (JSON) or password (CouchDB); empty when none is stored.
pub fn secret(store: &dyn KeyValueStore, now_ms: u64) -> String {
    storage::load(store, SECRET_KEY, &SECRET_CODEC, now_ms)
        .found()
        .unwrap_or_default()
}

pub fn save_secret(store: &dyn KeyValueStore, secret: &str, now_ms: u64) -> Result<(), StoreError> {
    storage::save(
        store,
        SECRET_KEY,
        &SECRET_CODEC,
        &secret.to_string(),
        now_ms,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_except_this_machine() {
        assert_eq!(
            check_url(" https://sync.kommune.example/ssp/ "),
            Ok("https://sync.kommune.example/ssp".into())
        );
        assert_eq!(
            check_url("http://127.0.0.1:8787"),
            Ok("http://127.0.0.1:8787".into())
        );
        assert_eq!(
            check_url("http://localhost:5984/ssp"),
            Ok("http://localhost:5984/ssp".into())
        );
        assert_eq!(
            check_url("HTTPS://Sync.Example"),
            Ok("HTTPS://Sync.Example".into())
        );
        assert_eq!(
            check_url("http://sync.kommune.example"),
            Err(UrlProblem::NotHttps)
        );
        assert_eq!(check_url("http://127.0.0.2"), Err(UrlProblem::NotHttps));
        assert_eq!(
            check_url("http://localhost.evil.example"),
            Err(UrlProblem::NotHttps)
        );
        assert_eq!(check_url("ftp://x.example"), Err(UrlProblem::NotHttps));
        assert_eq!(check_url(""), Err(UrlProblem::Empty));
        assert_eq!(
            check_url("sync.kommune.example"),
            Err(UrlProblem::NotAnAddress)
        );
        assert_eq!(check_url("https://"), Err(UrlProblem::NotAnAddress));
        assert_eq!(
            check_url("https://a b.example"),
            Err(UrlProblem::NotAnAddress)
        );
        assert_eq!(
            check_url("https://x.example:port"),
            Err(UrlProblem::NotAnAddress)
        );
        assert_eq!(
            check_url("https://skole:hemmelig@couch.example/ssp"),
            Err(UrlProblem::CredentialsInAddress)
        );
        assert_eq!(
            check_url("http://localhost@evil.example"),
            Err(UrlProblem::CredentialsInAddress)
        );
    }
}
