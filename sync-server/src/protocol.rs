//! The wire format of sync protocol v1 (docs/sync-protocol.md): documents, push requests and
//! responses, the changes page, and the checkpoint. No HTTP and no storage here.
//!
//! Invariants this module guarantees for everything it hands on:
//! - a [`Doc`] has a valid `id` (1–64 characters `A–Z a–z 0–9 - _`), a `rev` and `base_rev` of
//!   1–64 characters, and `data` is `None` exactly when `deleted` is true;
//! - `data` is the client's JSON text byte for byte ([`RawValue`]): the server never parses
//!   or rewrites the concern inside it, and it is at most [`MAX_DATA_BYTES`] and nested at most
//!   [`MAX_DEPTH`] levels deep (the app's own parser, serde_json, refuses more than 128, and
//!   browsers' `JSON.parse` overflow their stack on deep enough input);
//! - a [`PushRequest`] has at most [`MAX_MUTATIONS`] mutations and a valid client id;
//! - a [`Checkpoint`] is a change sequence number; its text form is the canonical decimal.
//!
//! Validation error messages never quote values from the request (they end up in logs).

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;

/// Largest request body, in bytes (1 MiB).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Most mutations in one push.
pub const MAX_MUTATIONS: usize = 100;
/// Largest `data` of one document, as JSON text, in bytes (256 KiB).
pub const MAX_DATA_BYTES: usize = 256 * 1024;
/// Deepest nesting of arrays and objects in `data` (`{}` is 1, `{"a":[1]}` is 2).
pub const MAX_DEPTH: usize = 64;
/// Longest `id`, `rev`, `base_rev` and client id, in characters.
pub const MAX_ID_CHARS: usize = 64;
/// `limit` on changes: the range and the default.
pub const MIN_LIMIT: u32 = 1;
pub const MAX_LIMIT: u32 = 1000;
pub const DEFAULT_LIMIT: u32 = 100;

/// One document: a concern in one revision, or a tombstone (`deleted`, `data` is `None`).
#[derive(Debug, Clone, Serialize)]
pub struct Doc {
    pub id: String,
    pub rev: String,
    pub base_rev: Option<String>,
    pub deleted: bool,
    pub schema: i64,
    pub updated_ms: i64,
    pub data: Option<Box<RawValue>>,
}

impl PartialEq for Doc {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
            && self.rev == other.rev
            && self.base_rev == other.base_rev
            && self.deleted == other.deleted
            && self.schema == other.schema
            && self.updated_ms == other.updated_ms
            && self.data.as_ref().map(|d| d.get()) == other.data.as_ref().map(|d| d.get())
    }
}

impl Eq for Doc {}

/// One mutation of a push: the client's mutation id and the new document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mutation {
    pub mid: i64,
    pub doc: Doc,
}

/// A validated push request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushRequest {
    pub client: String,
    pub mutations: Vec<Mutation>,
}

/// The answer to a push: every mutation's `mid` in exactly one of the two lists.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PushResponse {
    pub accepted: Vec<i64>,
    pub conflicts: Vec<Conflict>,
}

/// A refused mutation and the server's current document (`None` when the server has no
/// document with that id: the mutation named a `base_rev` the server never saw).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conflict {
    pub mid: i64,
    pub id: String,
    pub server: Option<Doc>,
}

/// One page of changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangesPage {
    pub docs: Vec<Doc>,
    pub checkpoint: Checkpoint,
    pub more: bool,
}

/// A position in the server's change sequence: the changes *after* it are still to be read.
/// `Checkpoint(0)` is the start. Sent as its canonical decimal text (`"0"`, `"17"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Checkpoint(pub i64);

impl Checkpoint {
    pub const START: Checkpoint = Checkpoint(0);

    /// Reads a checkpoint as the client sent it: empty means the start; otherwise only the
    /// canonical decimal this server writes (digits, no sign, no leading zero).
    pub fn parse(text: &str) -> Result<Checkpoint, Invalid> {
        if text.is_empty() {
            return Ok(Checkpoint::START);
        }
        let canonical = text.bytes().all(|b| b.is_ascii_digit())
            && (text == "0" || !text.starts_with('0'))
            && text.len() <= 19;
        match text.parse::<i64>() {
            Ok(n) if canonical => Ok(Checkpoint(n)),
            _ => Err(Invalid::bad("since: not a checkpoint this server wrote")),
        }
    }
}

impl std::fmt::Display for Checkpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for Checkpoint {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Why a request is refused before anything is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invalid {
    /// 400 `bad_request`.
    BadRequest(String),
    /// 413 `too_large`.
    TooLarge(String),
    /// 400 `checkpoint_ahead`: a checkpoint this server can read but that lies beyond the end
    /// of the space's feed (the database was replaced or restored from an older backup). The
    /// client must start over from the empty checkpoint.
    CheckpointAhead(String),
}

impl Invalid {
    fn bad(message: impl Into<String>) -> Invalid {
        Invalid::BadRequest(message.into())
    }
}

/// Reads the `limit` query parameter: absent means [`DEFAULT_LIMIT`].
pub fn parse_limit(text: Option<&str>) -> Result<u32, Invalid> {
    let Some(text) = text else {
        return Ok(DEFAULT_LIMIT);
    };
    match text.parse::<u32>() {
        Ok(n)
            if (MIN_LIMIT..=MAX_LIMIT).contains(&n) && text.bytes().all(|b| b.is_ascii_digit()) =>
        {
            Ok(n)
        }
        _ => Err(Invalid::bad(format!(
            "limit: must be a whole number from {MIN_LIMIT} to {MAX_LIMIT}"
        ))),
    }
}

/// The space of a token whose config entry names none, and of everything a database from
/// before spaces held: v1 configs and databases keep working as one space.
pub const DEFAULT_SPACE: &str = "default";

/// The longest space id.
pub const MAX_SPACE_CHARS: usize = 64;

/// A space id: `a–z 0–9 -`, 1–64 characters (lower case only, so two spellings of one name
/// cannot be two spaces).
pub fn is_valid_space(space: &str) -> bool {
    !space.is_empty()
        && space.len() <= MAX_SPACE_CHARS
        && space
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// `A–Z a–z 0–9 - _`, 1–64 characters: the id charset of the protocol (also used for the client id).
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_CHARS
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn is_valid_rev(rev: &str) -> bool {
    !rev.is_empty() && rev.chars().count() <= MAX_ID_CHARS
}

// The shapes as they arrive. Every field is required; `base_rev` and `data` may be `null` but
// not missing (`deserialize_with` turns off serde's "a missing Option is None").
#[derive(Deserialize)]
struct PushWire {
    client: String,
    mutations: Vec<MutationWire>,
}

#[derive(Deserialize)]
struct MutationWire {
    mid: i64,
    doc: DocWire,
}

#[derive(Deserialize)]
struct DocWire {
    id: String,
    rev: String,
    #[serde(deserialize_with = "nullable")]
    base_rev: Option<String>,
    deleted: bool,
    schema: i64,
    updated_ms: i64,
    #[serde(deserialize_with = "nullable")]
    data: Option<Box<RawValue>>,
}

fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    Option::<T>::deserialize(d)
}

/// Parses and validates a push body. Nothing is stored when this fails: a request is
/// refused whole (400 or 413), never in part.
pub fn parse_push(body: &[u8]) -> Result<PushRequest, Invalid> {
    if body.len() > MAX_BODY_BYTES {
        return Err(Invalid::TooLarge(format!(
            "request body: more than {MAX_BODY_BYTES} bytes"
        )));
    }
    let wire: PushWire = from_json(body)?;
    if !is_valid_id(&wire.client) {
        return Err(Invalid::bad(
            "client: must be 1–64 characters A–Z a–z 0–9 - _",
        ));
    }
    if wire.mutations.len() > MAX_MUTATIONS {
        return Err(Invalid::TooLarge(format!(
            "mutations: {} in one push, at most {MAX_MUTATIONS}",
            wire.mutations.len()
        )));
    }
    let mut mutations: Vec<Mutation> = Vec::with_capacity(wire.mutations.len());
    for (i, m) in wire.mutations.into_iter().enumerate() {
        let m = validate_mutation(i, m)?;
        // Two mutations with one mid in one batch: which outcome would the mid stand for? The
        // batch is refused whole (at most 100 mutations, so the quadratic search is cheap).
        if let Some(first) = mutations.iter().position(|earlier| earlier.mid == m.mid) {
            return Err(Invalid::bad(format!(
                "mutations[{i}].mid: the same mid as mutations[{first}]; mids must differ within a push"
            )));
        }
        mutations.push(m);
    }
    Ok(PushRequest {
        client: wire.client,
        mutations,
    })
}

/// Parses JSON with the path of a bad field in the error (`mutations[3].doc.schema`). The
/// message says what is wrong but never quotes the value that was sent.
fn from_json<'de, T: Deserialize<'de>>(body: &'de [u8]) -> Result<T, Invalid> {
    use serde_json::error::Category;
    let mut de = serde_json::Deserializer::from_slice(body);
    let value: Result<T, _> = serde_path_to_error::deserialize(&mut de);
    let describe = |e: &serde_json::Error, path: String| {
        let what = match e.classify() {
            Category::Io | Category::Syntax | Category::Eof => "not valid JSON".to_string(),
            Category::Data => {
                let text = e.to_string();
                // serde's "missing field `x`" names a field; "invalid type: string \"…\",
                // expected i64" would quote the value, so only its expectation is kept.
                if text.starts_with("missing field") {
                    text.split(" at line").next().unwrap_or("").to_string()
                } else if let Some((_, expected)) = text.split_once(", expected ") {
                    let expected = expected.split(" at line").next().unwrap_or("");
                    format!("wrong type or value, expected {expected}")
                } else {
                    "wrong type or value".to_string()
                }
            }
        };
        let at = if path.is_empty() || path == "." {
            "body".to_string()
        } else {
            path
        };
        Invalid::bad(format!(
            "{at}: {what} (line {}, column {})",
            e.line(),
            e.column()
        ))
    };
    let value = value.map_err(|e| {
        let path = e.path().to_string();
        describe(e.inner(), path)
    })?;
    de.end().map_err(|e| describe(&e, String::new()))?;
    Ok(value)
}

fn validate_mutation(i: usize, m: MutationWire) -> Result<Mutation, Invalid> {
    let at = |field: &str, rule: &str| Invalid::bad(format!("mutations[{i}].{field}: {rule}"));
    if m.mid < 0 {
        return Err(at("mid", "must be a whole number 0 or more"));
    }
    let d = m.doc;
    if !is_valid_id(&d.id) {
        return Err(at("doc.id", "must be 1–64 characters A–Z a–z 0–9 - _"));
    }
    if !is_valid_rev(&d.rev) {
        return Err(at("doc.rev", "must be 1–64 characters"));
    }
    if let Some(base) = &d.base_rev {
        if !is_valid_rev(base) {
            return Err(at("doc.base_rev", "must be null or 1–64 characters"));
        }
    }
    match (&d.data, d.deleted) {
        (Some(_), true) => return Err(at("doc.data", "must be null when deleted is true")),
        (None, false) => return Err(at("doc.data", "must not be null unless deleted is true")),
        _ => {}
    }
    if let Some(data) = &d.data {
        let size = data.get().len();
        if size > MAX_DATA_BYTES {
            return Err(Invalid::TooLarge(format!(
                "mutations[{i}].doc.data: {size} bytes of JSON, at most {MAX_DATA_BYTES}"
            )));
        }
    }
    if let Some(data) = &d.data {
        if json_depth(data.get().as_bytes()) > MAX_DEPTH {
            return Err(at(
                "doc.data",
                &format!("nested more than {MAX_DEPTH} levels deep"),
            ));
        }
    }
    Ok(Mutation {
        mid: m.mid,
        doc: Doc {
            id: d.id,
            rev: d.rev,
            base_rev: d.base_rev,
            deleted: d.deleted,
            schema: d.schema,
            updated_ms: d.updated_ms,
            data: d.data,
        },
    })
}

/// How deep arrays and objects nest in a JSON text that is known to be valid: one pass,
/// no recursion (a deeply nested document must not overflow the stack here either).
pub fn json_depth(json: &[u8]) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for &b in json {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc_json(id: &str) -> serde_json::Value {
        json!({ "id": id, "rev": "1-00000000000000aa", "base_rev": null, "deleted": false,
                "schema": 2, "updated_ms": 1, "data": { "b": 1, "a": [1, 2] } })
    }

    fn body(mutations: Vec<serde_json::Value>) -> Vec<u8> {
        serde_json::to_vec(&json!({ "client": "client-1", "mutations": mutations })).unwrap()
    }

    fn bad(result: Result<PushRequest, Invalid>) -> String {
        match result {
            Err(Invalid::BadRequest(m)) => m,
            other => panic!("expected 400, got {other:?}"),
        }
    }

    #[test]
    fn a_valid_push_keeps_data_byte_for_byte() {
        let raw = br#"{"client":"c-1","mutations":[{"mid":7,"doc":{"id":"a","rev":"1-x","base_rev":null,"deleted":false,"schema":2,"updated_ms":5,"data":{"z": 1,  "a":"\u00e6"}}}]}"#;
        let push = parse_push(raw).unwrap();
        assert_eq!(push.client, "c-1");
        assert_eq!(push.mutations[0].mid, 7);
        assert_eq!(
            push.mutations[0].doc.data.as_ref().unwrap().get(),
            r#"{"z": 1,  "a":"\u00e6"}"#
        );
    }

    #[test]
    fn base_rev_and_data_must_be_present_even_when_null() {
        let mut d = doc_json("a");
        d.as_object_mut().unwrap().remove("base_rev");
        let m = bad(parse_push(&body(vec![json!({ "mid": 1, "doc": d })])));
        assert!(m.contains("missing field `base_rev`"), "{m}");
        let mut d = doc_json("a");
        d.as_object_mut().unwrap().remove("data");
        let m = bad(parse_push(&body(vec![json!({ "mid": 1, "doc": d })])));
        assert!(m.contains("missing field `data`"), "{m}");
    }

    #[test]
    fn ids_revs_and_tombstone_shape_are_checked() {
        let cases = [
            ("id", json!("has space"), "doc.id"),
            ("id", json!(""), "doc.id"),
            ("id", json!("x".repeat(65)), "doc.id"),
            ("rev", json!(""), "doc.rev"),
            ("rev", json!("r".repeat(65)), "doc.rev"),
            ("base_rev", json!(""), "doc.base_rev"),
            ("deleted", json!(true), "doc.data"),
            ("data", json!(null), "doc.data"),
        ];
        for (field, value, expect) in cases {
            let mut d = doc_json("a");
            d[field] = value;
            let m = bad(parse_push(&body(vec![json!({ "mid": 1, "doc": d })])));
            assert!(m.contains(expect), "{field}: {m}");
        }
        let mut d = doc_json(&"x".repeat(64));
        d["rev"] = json!("r".repeat(64));
        assert!(parse_push(&body(vec![json!({ "mid": 1, "doc": d })])).is_ok());
    }

    #[test]
    fn messages_do_not_quote_values() {
        let mut d = doc_json("a");
        d["schema"] = json!("Secret Name");
        let m = bad(parse_push(&body(vec![json!({ "mid": 1, "doc": d })])));
        assert!(!m.contains("Secret"), "{m}");
        assert!(m.contains("mutations[0].doc.schema"), "{m}");
        assert!(m.contains("expected i64"), "{m}");
        let m = bad(parse_push(
            b"{\"client\": \"Secret Name\", \"mutations\": 3}",
        ));
        assert!(!m.contains("Secret"), "{m}");
    }

    #[test]
    fn negative_mid_bad_client_and_not_json_are_400() {
        bad(parse_push(&body(vec![
            json!({ "mid": -1, "doc": doc_json("a") }),
        ])));
        bad(parse_push(
            &serde_json::to_vec(&json!({ "client": "", "mutations": [] })).unwrap(),
        ));
        bad(parse_push(b"not json"));
        bad(parse_push(b"[]"));
    }

    #[test]
    fn a_mid_twice_in_one_batch_is_400_but_a_document_twice_is_fine() {
        let m = bad(parse_push(&body(vec![
            json!({ "mid": 3, "doc": doc_json("a") }),
            json!({ "mid": 4, "doc": doc_json("b") }),
            json!({ "mid": 3, "doc": doc_json("c") }),
        ])));
        assert!(
            m.contains("mutations[2].mid") && m.contains("mutations[0]"),
            "{m}"
        );
        assert!(parse_push(&body(vec![
            json!({ "mid": 3, "doc": doc_json("a") }),
            json!({ "mid": 4, "doc": doc_json("a") }),
        ]))
        .is_ok());
    }

    #[test]
    fn client_ids_are_1_to_64_characters_of_the_id_charset() {
        let push = |client: &str| {
            serde_json::to_vec(&json!({ "client": client, "mutations": [] })).unwrap()
        };
        for ok in [
            "c3d9e7a0-5b1f-4f7e-8a43-9d2e6f0b1c55",
            "tablet_1",
            &"x".repeat(64),
        ] {
            assert!(parse_push(&push(ok)).is_ok(), "{ok}");
        }
        for no in [
            "",
            &"x".repeat(65),
            "a\\u0000b",
            "tab\\tlet",
            "a b",
            "æ",
            "a/b",
        ] {
            let text = format!(r#"{{"client":"{no}","mutations":[]}}"#);
            bad(parse_push(text.as_bytes()));
        }
    }

    #[test]
    fn limits_are_413() {
        let many = (0..101)
            .map(|i| json!({ "mid": i, "doc": doc_json(&format!("d{i}")) }))
            .collect();
        assert!(matches!(parse_push(&body(many)), Err(Invalid::TooLarge(_))));
        let hundred = (0..100)
            .map(|i| json!({ "mid": i, "doc": doc_json(&format!("d{i}")) }))
            .collect();
        assert_eq!(parse_push(&body(hundred)).unwrap().mutations.len(), 100);

        // data of exactly 256 KiB is allowed, one byte more is not.
        let fill = |n: usize| json!({ "x": "a".repeat(n - 8) }); // {"x":"…"} is n bytes
        let mut d = doc_json("a");
        d["data"] = fill(MAX_DATA_BYTES);
        assert!(parse_push(&body(vec![json!({ "mid": 1, "doc": d })])).is_ok());
        let mut d = doc_json("a");
        d["data"] = fill(MAX_DATA_BYTES + 1);
        assert!(matches!(
            parse_push(&body(vec![json!({ "mid": 1, "doc": d })])),
            Err(Invalid::TooLarge(_))
        ));
    }

    #[test]
    fn depth_is_counted_outside_strings_without_recursion() {
        assert_eq!(json_depth(b"1"), 0);
        assert_eq!(json_depth(b"{}"), 1);
        assert_eq!(json_depth(br#"{"a":[1,{"b":"[[[{{"}],"c":"\"]]"}"#), 3);
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert_eq!(json_depth(deep(130_000).as_bytes()), 130_000);
    }

    #[test]
    fn data_nested_deeper_than_the_limit_is_a_400_and_the_limit_itself_is_fine() {
        let nested = |n: usize| {
            let text = format!("{}{}", "[".repeat(n - 1), "]".repeat(n - 1));
            format!(
                r#"{{"id":"a","rev":"1-x","base_rev":null,"deleted":false,"schema":2,"updated_ms":1,"data":{{"x":{text}}}}}"#
            )
        };
        let push =
            |doc: String| format!(r#"{{"client":"c","mutations":[{{"mid":1,"doc":{doc}}}]}}"#);
        assert!(parse_push(push(nested(MAX_DEPTH)).as_bytes()).is_ok());
        let m = bad(parse_push(push(nested(MAX_DEPTH + 1)).as_bytes()));
        assert!(
            m.contains("mutations[0].doc.data") && m.contains("64 levels"),
            "{m}"
        );
        // What the load run stored: 130,000 levels. Refused, and no stack overflow on the way.
        let m = bad(parse_push(push(nested(130_000)).as_bytes()));
        assert!(m.contains("levels deep"), "{m}");
    }

    #[test]
    fn checkpoints_round_trip_and_reject_what_this_server_never_wrote() {
        assert_eq!(Checkpoint::parse(""), Ok(Checkpoint::START));
        assert_eq!(Checkpoint::parse("0"), Ok(Checkpoint(0)));
        assert_eq!(Checkpoint::parse("17"), Ok(Checkpoint(17)));
        assert_eq!(Checkpoint(17).to_string(), "17");
        for bad in ["x", "-1", "+1", "017", "1.5", " 1", "99999999999999999999"] {
            assert!(Checkpoint::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn limit_range() {
        assert_eq!(parse_limit(None), Ok(DEFAULT_LIMIT));
        assert_eq!(parse_limit(Some("1")), Ok(1));
        assert_eq!(parse_limit(Some("1000")), Ok(1000));
        for bad in ["0", "1001", "", "x", "-1", "+5"] {
            assert!(parse_limit(Some(bad)).is_err(), "{bad}");
        }
    }
}
