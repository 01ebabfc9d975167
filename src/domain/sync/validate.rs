//! Checks on what a server sends, before anything of it is stored (docs/sync-protocol.md,
//! "What the app checks in an answer"). A document that fails is skipped and counted, never
//! written — not as a concern, and not as the other side of a conflict.
//!
//! The rules mirror what the app itself writes: ids are `crypto.randomUUID()` (or the
//! fallback `id-<ms>-<bits>`), i.e. within the protocol's 1–64 characters `A–Z a–z 0–9 - _`,
//! which also keeps an id from reaching into other storage keys (`ssp.concern.<id>`).

use super::protocol::Doc;
use serde_json::Value;

/// Largest `data` of one document, as JSON text (the protocol's 256 KiB).
pub const MAX_DATA_BYTES: usize = 256 * 1024;
/// Deepest nesting of arrays and objects in `data` (a concern needs fewer than 10).
pub const MAX_DEPTH: usize = 64;
/// Longest `id`, `rev` and `base_rev`.
pub const MAX_ID_CHARS: usize = 64;
/// Largest answer the app reads; a bigger one is refused unread. A conforming server's
/// largest is a push answer with 50 conflicts of 256 KiB (about 13 MiB).
pub const MAX_ANSWER_BYTES: usize = 16 * 1024 * 1024;

/// Whether an answer is refused before its body is read: a redirect (the browser's
/// `Response.type` is `"opaqueredirect"` when it was told not to follow, `redirected` when it
/// followed one anyway), or a Content-Length over [`MAX_ANSWER_BYTES`].
pub fn refuse_answer(
    kind: Option<&str>,
    redirected: bool,
    announced: Option<u64>,
) -> Option<super::protocol::SyncError> {
    use super::protocol::SyncError;
    if kind == Some("opaqueredirect") || redirected {
        Some(SyncError::Redirected)
    } else if announced.is_some_and(|n| n > MAX_ANSWER_BYTES as u64) {
        Some(SyncError::AnswerTooLarge)
    } else {
        None
    }
}

/// Whether `more` bytes may still be read after `so_far`, within [`MAX_ANSWER_BYTES`].
pub fn answer_fits(so_far: usize, more: usize) -> bool {
    so_far.saturating_add(more) <= MAX_ANSWER_BYTES
}

/// Why a pulled document was skipped (for tests and the log; the status only counts them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejected {
    Id,
    Rev,
    /// `data` missing on a live document, present on a tombstone, or not an object.
    Shape,
    /// `schema` 0.
    Schema,
    TooLarge,
    TooDeep,
    /// Not a document at all (fields missing or of the wrong type).
    Unreadable,
}

/// `A–Z a–z 0–9 - _`, 1–64 characters.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_CHARS
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A space id: `a–z 0–9 -`, 1–64 characters (sync protocol v2, "Spaces").
pub fn is_space(space: &str) -> bool {
    !space.is_empty()
        && space.len() <= MAX_ID_CHARS
        && space
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn is_valid_rev(rev: &str) -> bool {
    !rev.is_empty() && rev.chars().count() <= MAX_ID_CHARS && !rev.chars().any(char::is_control)
}

/// Checks a pulled document's envelope and the size, nesting and kind of its `data`.
/// Whether the concern inside reads (and has the same id) is the record codec's job after this.
pub fn check_doc(doc: &Doc) -> Result<(), Rejected> {
    if !is_valid_id(&doc.id) {
        return Err(Rejected::Id);
    }
    if !is_valid_rev(&doc.rev) || doc.base_rev.as_deref().is_some_and(|b| !is_valid_rev(b)) {
        return Err(Rejected::Rev);
    }
    if doc.schema == 0 {
        return Err(Rejected::Schema);
    }
    match (&doc.data, doc.deleted) {
        (None, true) => Ok(()),
        (Some(data @ Value::Object(_)), false) => {
            let text = data.to_string();
            if text.len() > MAX_DATA_BYTES {
                Err(Rejected::TooLarge)
            } else if json_depth(text.as_bytes()) > MAX_DEPTH {
                Err(Rejected::TooDeep)
            } else {
                Ok(())
            }
        }
        _ => Err(Rejected::Shape),
    }
}

/// Checks one document of an answer as raw JSON text, before it is parsed: its size and
/// nesting (a document nested deeper than the parser allows would otherwise fail the whole
/// page), then parses it and checks it with [`check_doc`].
pub fn parse_doc(raw: &str) -> Result<Doc, Rejected> {
    // The envelope around `data` (ids, revs, numbers) is well under 1 KiB.
    if raw.len() > MAX_DATA_BYTES + 1024 {
        return Err(Rejected::TooLarge);
    }
    // The document object is one level around `data`.
    if json_depth(raw.as_bytes()) > MAX_DEPTH + 1 {
        return Err(Rejected::TooDeep);
    }
    let doc: Doc = serde_json::from_str(raw).map_err(|_| Rejected::Unreadable)?;
    check_doc(&doc)?;
    Ok(doc)
}

/// How deep arrays and objects nest in a JSON text: one pass, no recursion.
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

    fn doc(id: &str) -> Doc {
        Doc {
            id: id.into(),
            rev: "1-00000000000000aa".into(),
            base_rev: None,
            deleted: false,
            schema: 2,
            updated_ms: 1,
            data: Some(json!({ "id": id, "pseudonym": "AB" })),
        }
    }

    #[test]
    fn ids_the_app_makes_pass_and_others_do_not() {
        for ok in [
            "2f1c9a4e-8d0b-4c1e-9a53-0c6a1f7e2b11",
            "id-1763892000000-4607182418800017408",
            &"a".repeat(64),
        ] {
            assert_eq!(check_doc(&doc(ok)), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "a.b",
            "../x",
            "ssp.settings",
            "has space",
            "æ",
            &"a".repeat(65),
        ] {
            assert_eq!(check_doc(&doc(bad)), Err(Rejected::Id), "{bad}");
        }
    }

    #[test]
    fn revs_shape_schema_size_and_depth_are_checked() {
        let with = |f: &dyn Fn(&mut Doc)| {
            let mut d = doc("a");
            f(&mut d);
            check_doc(&d)
        };
        assert_eq!(with(&|d| d.rev = String::new()), Err(Rejected::Rev));
        assert_eq!(with(&|d| d.rev = "r".repeat(65)), Err(Rejected::Rev));
        assert_eq!(
            with(&|d| d.base_rev = Some("1-\n".into())),
            Err(Rejected::Rev)
        );
        assert_eq!(with(&|d| d.schema = 0), Err(Rejected::Schema));
        assert_eq!(with(&|d| d.data = None), Err(Rejected::Shape));
        assert_eq!(with(&|d| d.data = Some(json!([1]))), Err(Rejected::Shape));
        assert_eq!(
            with(&|d| d.data = Some(json!("text"))),
            Err(Rejected::Shape)
        );
        assert_eq!(with(&|d| d.deleted = true), Err(Rejected::Shape));
        assert_eq!(
            with(&|d| {
                d.deleted = true;
                d.data = None
            }),
            Ok(())
        );
        let big = |n: usize| json!({ "x": "a".repeat(n - 8) }); // {"x":"…"} is n bytes
        assert_eq!(with(&|d| d.data = Some(big(MAX_DATA_BYTES))), Ok(()));
        assert_eq!(
            with(&|d| d.data = Some(big(MAX_DATA_BYTES + 1))),
            Err(Rejected::TooLarge)
        );
        let nested = |n: usize| {
            let mut v = json!(1);
            for _ in 0..n - 1 {
                v = json!([v]);
            }
            json!({ "x": v })
        };
        assert_eq!(with(&|d| d.data = Some(nested(MAX_DEPTH))), Ok(()));
        assert_eq!(
            with(&|d| d.data = Some(nested(MAX_DEPTH + 1))),
            Err(Rejected::TooDeep)
        );
    }

    #[test]
    fn redirects_and_oversized_answers_are_refused_unread() {
        use crate::domain::sync::protocol::SyncError;
        assert_eq!(
            refuse_answer(Some("opaqueredirect"), false, None),
            Some(SyncError::Redirected)
        );
        assert_eq!(
            refuse_answer(Some("cors"), true, Some(10)),
            Some(SyncError::Redirected)
        );
        let max = MAX_ANSWER_BYTES as u64;
        assert_eq!(refuse_answer(Some("cors"), false, Some(max)), None);
        assert_eq!(
            refuse_answer(Some("basic"), false, Some(max + 1)),
            Some(SyncError::AnswerTooLarge)
        );
        assert_eq!(refuse_answer(Some("cors"), false, None), None);
        assert!(answer_fits(MAX_ANSWER_BYTES - 10, 10));
        assert!(!answer_fits(MAX_ANSWER_BYTES - 10, 11));
        assert!(!answer_fits(usize::MAX, 1));
    }

    #[test]
    fn raw_documents_are_measured_before_they_are_parsed() {
        let raw = |data: &str| {
            format!(
                r#"{{"id":"a","rev":"1-aa","base_rev":null,"deleted":false,"schema":2,"updated_ms":1,"data":{data}}}"#
            )
        };
        assert!(parse_doc(&raw(r#"{"id":"a"}"#)).is_ok());
        // 130,000 levels: what a load run got a server to store. No stack overflow, skipped.
        let deep = format!("{}{}", "[".repeat(130_000), "]".repeat(130_000));
        assert_eq!(parse_doc(&raw(&deep)), Err(Rejected::TooDeep));
        let huge = format!(r#"{{"x":"{}"}}"#, "a".repeat(MAX_DATA_BYTES + 2048));
        assert_eq!(parse_doc(&raw(&huge)), Err(Rejected::TooLarge));
        assert_eq!(parse_doc(r#"{"id":"a"}"#), Err(Rejected::Unreadable));
        assert_eq!(parse_doc(&raw("[]")), Err(Rejected::Shape));
        assert_eq!(json_depth(br#"{"a":"[[{\"]]"}"#), 1);
    }
}
