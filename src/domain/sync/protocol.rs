//! The sync protocol's documents and messages (docs/sync-protocol.md), shared by both
//! transports, and how a client makes a revision.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One concern as it travels: the envelope the server reads, and `data` it never looks into.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Doc {
    pub id: String,
    pub rev: String,
    #[serde(default)]
    pub base_rev: Option<String>,
    #[serde(default)]
    pub deleted: bool,
    pub schema: u32,
    #[serde(default)]
    pub updated_ms: u64,
    #[serde(default)]
    pub data: Option<Value>,
}

/// A change made on this device, numbered by the client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mutation {
    pub mid: u64,
    pub doc: Doc,
}

/// `POST {base}/push`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushRequest {
    pub client: String,
    pub mutations: Vec<Mutation>,
}

/// One refused mutation, with the server's current document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConflictReport {
    pub mid: u64,
    pub id: String,
    pub server: Doc,
}

/// The answer to a push.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushResponse {
    pub accepted: Vec<u64>,
    pub conflicts: Vec<ConflictReport>,
}

/// The answer to `GET {base}/changes`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangesResponse {
    pub docs: Vec<Doc>,
    pub checkpoint: String,
    pub more: bool,
}

/// What a push came to, whichever transport carried it: each mutation accepted (with the
/// revision the server now holds) or refused with the server's current version.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PushOutcome {
    pub accepted: Vec<(u64, String)>,
    pub conflicts: Vec<(u64, Doc)>,
}

/// One pulled document. `losing` holds other versions the backend keeps as conflicting
/// branches (CouchDB's `_conflicts` after replication); the JSON protocol has none.
#[derive(Debug, Clone, PartialEq)]
pub struct Pulled {
    pub doc: Doc,
    pub losing: Vec<Doc>,
}

/// A page of pulled changes, whichever transport carried it.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub docs: Vec<Pulled>,
    pub checkpoint: String,
    pub more: bool,
    /// Documents of this page the transport could not use (too large, too deeply nested, not
    /// a document): skipped, and counted with the engine's own rejections.
    pub rejected: usize,
}

/// Why a request did not get an answer the engine can use. Kept as the last error for the
/// status line; each says what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SyncError {
    /// No connection (or the server could not be reached): tried again later.
    Network,
    /// 401: the token or password is wrong or missing.
    Unauthorized,
    /// 403: the credentials may not do this (a read-only token).
    Forbidden,
    /// 404: the address does not point at a sync service.
    NotFound,
    /// 413: too large; sent again in smaller batches.
    TooLarge,
    /// 400 or an answer that is not what the protocol says.
    BadAnswer { status: u16, detail: String },
    /// 5xx: the server failed; tried again later.
    Server { status: u16 },
    /// 429: too many failed logins from here (or in total) on the server; tried again later.
    Throttled,
    /// The server answered with a redirect, which the app does not follow: the address must
    /// be the sync service itself.
    Redirected,
    /// The answer was larger than [`super::validate::MAX_ANSWER_BYTES`] and was not read.
    AnswerTooLarge,
}

impl SyncError {
    /// The error for an HTTP status that is not a success.
    pub fn from_status(status: u16, body: &str) -> SyncError {
        match status {
            401 => SyncError::Unauthorized,
            403 => SyncError::Forbidden,
            404 => SyncError::NotFound,
            413 => SyncError::TooLarge,
            429 => SyncError::Throttled,
            300..=399 => SyncError::Redirected,
            500..=599 => SyncError::Server { status },
            _ => SyncError::BadAnswer {
                status,
                detail: error_detail(body),
            },
        }
    }

    /// Tried again by itself later (network and server failures); the others need a person.
    pub fn retries(&self) -> bool {
        matches!(
            self,
            SyncError::Network
                | SyncError::Server { .. }
                | SyncError::TooLarge
                | SyncError::Throttled
        )
    }

    /// Needs new credentials before anything is sent again.
    pub fn needs_credentials(&self) -> bool {
        matches!(self, SyncError::Unauthorized | SyncError::Forbidden)
    }
}

/// The short reason out of an error body (`{"error":…, "message"|"reason":…}`), for the log line.
fn error_detail(body: &str) -> String {
    let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let pick = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let (code, msg) = (pick("error"), {
        let m = pick("message");
        if m.is_empty() {
            pick("reason")
        } else {
            m
        }
    });
    let detail = match (code.is_empty(), msg.is_empty()) {
        (false, false) => format!("{code}: {msg}"),
        (false, true) => code,
        (true, false) => msg,
        (true, true) => body.chars().take(120).collect(),
    };
    detail.chars().take(200).collect()
}

/// An HTTP request for the browser to send (the transports only build and read them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

impl Request {
    pub fn get(url: String, auth: &str) -> Request {
        Request {
            method: "GET",
            url,
            headers: vec![
                ("Authorization".into(), auth.to_string()),
                // CouchDB redirects an unauthenticated request that does not ask for JSON.
                ("Accept".into(), "application/json".into()),
            ],
            body: None,
        }
    }

    pub fn post(url: String, auth: &str, body: String) -> Request {
        Request {
            method: "POST",
            url,
            headers: vec![
                ("Authorization".into(), auth.to_string()),
                ("Accept".into(), "application/json".into()),
                ("Content-Type".into(), "application/json".into()),
            ],
            body: Some(body),
        }
    }
}

/// Percent-encodes a query or path component (everything but RFC 3986's unreserved characters).
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// What to tell the user about an error, and what to do (in the chosen language).
pub fn error_text(e: &SyncError, t: &crate::domain::i18n::Texts) -> String {
    match e {
        SyncError::Network => t.sync_err_network.to_string(),
        SyncError::Unauthorized => t.sync_err_unauthorized.to_string(),
        SyncError::Forbidden => t.sync_err_forbidden.to_string(),
        SyncError::NotFound => t.sync_err_not_found.to_string(),
        SyncError::TooLarge => t.sync_err_too_large.to_string(),
        SyncError::BadAnswer { status, detail } => {
            format!("{} {status} {detail}", t.sync_err_bad_answer)
        }
        SyncError::Server { status } => format!("{} {status}", t.sync_err_server),
        SyncError::Throttled => t.sync_err_throttled.to_string(),
        SyncError::Redirected => t.sync_err_redirected.to_string(),
        SyncError::AnswerTooLarge => t.sync_err_answer_too_large.to_string(),
    }
}

/// The generation of a revision `<n>-<hex>` (0 when it has none).
pub fn generation(rev: &str) -> u64 {
    rev.split('-')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// A new revision: the base's generation + 1, and a hash of who made it and what it is, so
/// two clients never make the same revision for different content.
pub fn make_rev(base: Option<&str>, client: &str, mid: u64, content: &str) -> String {
    let next = base.map_or(0, generation) + 1;
    let mut h = Fnv::new();
    h.write(client.as_bytes());
    h.write(&mid.to_le_bytes());
    h.write(content.as_bytes());
    format!("{next}-{:016x}", h.finish())
}

/// FNV-1a, 64 bit: a stable, dependency-free hash (revisions need uniqueness, not secrecy).
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
        // A separator, so ("ab","c") and ("a","bc") differ.
        self.0 ^= 0xff;
        self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Milliseconds to wait before retry number `failures` (1, 2, …): exponential from 2 s, at most
/// 5 min, with jitter (`jitter` in 0..1 picks a point in the upper half), so tablets that lost
/// the connection together do not all come back in the same second.
pub fn backoff_ms(failures: u32, jitter: f64) -> u64 {
    let exp = failures.saturating_sub(1).min(20);
    let ceiling = (2_000u64 << exp).min(300_000);
    let j = jitter.clamp(0.0, 1.0);
    ceiling / 2 + ((ceiling / 2) as f64 * j) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revisions_count_generations_and_differ_by_client_and_content() {
        let a = make_rev(None, "c1", 1, "{}");
        assert!(a.starts_with("1-") && a.len() == 18, "{a}");
        let b = make_rev(Some(&a), "c1", 2, "{\"x\":1}");
        assert_eq!(generation(&b), 2);
        assert_ne!(make_rev(Some(&a), "c2", 2, "{\"x\":1}"), b);
        assert_ne!(make_rev(Some(&a), "c1", 2, "{\"x\":2}"), b);
        assert_eq!(make_rev(Some(&a), "c1", 2, "{\"x\":1}"), b, "stable");
        assert_eq!(generation("garbage"), 0);
    }

    #[test]
    fn backoff_grows_to_a_ceiling_and_jitters_in_the_upper_half() {
        assert_eq!(backoff_ms(1, 0.0), 1_000);
        assert_eq!(backoff_ms(1, 1.0), 2_000);
        assert_eq!(backoff_ms(2, 0.0), 2_000);
        assert_eq!(backoff_ms(3, 0.5), 6_000);
        assert_eq!(backoff_ms(30, 1.0), 300_000);
        assert_eq!(backoff_ms(30, 0.0), 150_000);
        let mut last = 0;
        for n in 1..12 {
            let d = backoff_ms(n, 1.0);
            assert!(d >= last);
            last = d;
        }
    }

    #[test]
    fn components_are_percent_encoded() {
        assert_eq!(
            encode_component("12-g1AAAA[\"x\"]"),
            "12-g1AAAA%5B%22x%22%5D"
        );
        assert_eq!(encode_component("æ ø"), "%C3%A6%20%C3%B8");
        assert_eq!(encode_component("a.b_c~d"), "a.b_c~d");
    }

    #[test]
    fn statuses_map_to_what_the_app_does() {
        assert_eq!(SyncError::from_status(401, ""), SyncError::Unauthorized);
        assert!(SyncError::from_status(403, "").needs_credentials());
        assert!(SyncError::from_status(503, "").retries());
        assert!(!SyncError::from_status(400, "").retries());
        assert_eq!(SyncError::from_status(429, ""), SyncError::Throttled);
        assert!(SyncError::Throttled.retries() && !SyncError::Throttled.needs_credentials());
        assert_eq!(SyncError::from_status(302, ""), SyncError::Redirected);
        assert!(!SyncError::Redirected.retries() && !SyncError::AnswerTooLarge.retries());
        assert_eq!(
            SyncError::from_status(400, r#"{"error":"bad_request","message":"limit"}"#),
            SyncError::BadAnswer {
                status: 400,
                detail: "bad_request: limit".into()
            }
        );
    }
}
