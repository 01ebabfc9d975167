//! The CouchDB transport: the same engine, spoken as Apache CouchDB's HTTP API
//! (`_changes`, `_bulk_docs`, `_all_docs`, `_rev`, `_conflicts`). See docs/couchdb.md.
//!
//! A concern is stored as `{"_id", "_rev", "schema", "updated_ms", "data", "ssp_mutation"}`;
//! a delete as `{"_id", "_rev", "_deleted": true, "ssp_mutation"}`. CouchDB makes the
//! revisions itself, so a push that got a conflict is checked against the server's current
//! state: if it carries our `ssp_mutation` (the answer to an applied push was lost), it counts
//! as accepted — that is what makes a retried push harmless here too.

use super::engine::Batch;
use super::protocol::{encode_component, Doc, Page, Pulled, PushOutcome, Request, SyncError};
use crate::domain::vault::b64_encode;
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// Documents per pull page.
pub const PAGE: usize = 200;

/// HTTP Basic credentials (a CouchDB user per school).
pub fn basic(user: &str, password: &str) -> String {
    format!(
        "Basic {}",
        b64_encode(format!("{user}:{password}").as_bytes())
    )
}

fn bad(status: u16, detail: impl Into<String>) -> SyncError {
    SyncError::BadAnswer {
        status,
        detail: detail.into(),
    }
}

/// `GET {db}/_changes?since=…&limit=…&include_docs=true&conflicts=true`.
pub fn changes_request(db: &str, auth: &str, since: &str, limit: usize) -> Request {
    let since = if since.is_empty() { "0" } else { since };
    Request::get(
        format!(
            "{db}/_changes?since={}&limit={limit}&include_docs=true&conflicts=true",
            encode_component(since)
        ),
        auth,
    )
}

/// A CouchDB document as the engine's document (`None` for design documents and a team's own
/// documents: `device:`, `keys:`, `invite:`).
pub fn from_couch(v: &Value) -> Option<Doc> {
    let id = v.get("_id")?.as_str()?;
    if !super::couch_team::is_concern_id(id) {
        return None;
    }
    let deleted = v.get("_deleted").and_then(Value::as_bool).unwrap_or(false);
    Some(Doc {
        id: id.to_string(),
        rev: v.get("_rev")?.as_str()?.to_string(),
        base_rev: None,
        deleted,
        schema: v.get("schema").and_then(Value::as_u64).unwrap_or(2) as u32,
        updated_ms: v.get("updated_ms").and_then(Value::as_u64).unwrap_or(0),
        data: if deleted {
            None
        } else {
            v.get("data").cloned()
        },
    })
}

/// A page of `_changes`, and the conflicting branches (id, revisions) still to be read with
/// [`rev_request`] before the page is applied.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangesPage {
    pub page: Page,
    pub losing: Vec<(String, Vec<String>)>,
}

pub fn parse_changes(status: u16, body: &str, limit: usize) -> Result<ChangesPage, SyncError> {
    if status != 200 {
        return Err(SyncError::from_status(status, body));
    }
    let v: Value = serde_json::from_str(body).map_err(|e| bad(status, format!("_changes: {e}")))?;
    let results = v
        .get("results")
        .and_then(Value::as_array)
        .ok_or_else(|| bad(status, "_changes: no results"))?;
    let checkpoint = match v.get("last_seq") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err(bad(status, "_changes: no last_seq")),
    };
    let mut docs = Vec::new();
    let mut losing = Vec::new();
    for r in results {
        let doc = r.get("doc").and_then(from_couch).or_else(|| {
            // A delete without its document: the id and the leaf revision say enough.
            let id = r.get("id")?.as_str()?;
            let rev = r.get("changes")?.get(0)?.get("rev")?.as_str()?;
            let deleted = r.get("deleted").and_then(Value::as_bool).unwrap_or(false);
            (deleted && super::couch_team::is_concern_id(id)).then(|| Doc {
                id: id.into(),
                rev: rev.into(),
                base_rev: None,
                deleted: true,
                schema: 2,
                updated_ms: 0,
                data: None,
            })
        });
        let Some(doc) = doc else { continue };
        let conflicts: Vec<String> = r
            .get("doc")
            .and_then(|d| d.get("_conflicts"))
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        if !conflicts.is_empty() {
            losing.push((doc.id.clone(), conflicts));
        }
        docs.push(Pulled {
            doc,
            losing: Vec::new(),
        });
    }
    let more = match v.get("pending").and_then(Value::as_u64) {
        Some(p) => p > 0,
        None => results.len() >= limit,
    };
    Ok(ChangesPage {
        page: Page {
            docs,
            checkpoint,
            more,
            rejected: 0,
        },
        losing,
    })
}

/// `GET {db}/{id}?rev=…`: one conflicting branch.
pub fn rev_request(db: &str, auth: &str, id: &str, rev: &str) -> Request {
    Request::get(
        format!(
            "{db}/{}?rev={}",
            encode_component(id),
            encode_component(rev)
        ),
        auth,
    )
}

pub fn parse_rev(status: u16, body: &str) -> Result<Doc, SyncError> {
    if status != 200 {
        return Err(SyncError::from_status(status, body));
    }
    let v: Value = serde_json::from_str(body).map_err(|e| bad(status, format!("doc: {e}")))?;
    from_couch(&v).ok_or_else(|| bad(status, "doc: not a concern"))
}

/// Puts the fetched branches into the page, so the engine keeps them as conflicts.
pub fn attach_losing(page: &mut Page, id: &str, docs: Vec<Doc>) {
    if let Some(p) = page.docs.iter_mut().find(|p| p.doc.id == id) {
        p.losing = docs;
    }
}

fn mutation_tag(client: &str, mid: u64) -> String {
    format!("{client}:{mid}")
}

/// `POST {db}/_bulk_docs`: each mutation on its base revision (and, for a resolved conflict,
/// the losing branches deleted).
pub fn bulk_request(db: &str, auth: &str, batch: &Batch) -> Request {
    let mut docs = Vec::new();
    for o in &batch.items {
        let d = &o.mutation.doc;
        let mut m = Map::new();
        m.insert("_id".into(), json!(d.id));
        if let Some(base) = &d.base_rev {
            m.insert("_rev".into(), json!(base));
        }
        if d.deleted {
            m.insert("_deleted".into(), json!(true));
        } else {
            m.insert("schema".into(), json!(d.schema));
            m.insert("updated_ms".into(), json!(d.updated_ms));
            m.insert("data".into(), d.data.clone().unwrap_or(Value::Null));
        }
        m.insert(
            "ssp_mutation".into(),
            json!(mutation_tag(&batch.client, o.mutation.mid)),
        );
        docs.push(Value::Object(m));
        for r in &o.drop_revs {
            docs.push(json!({ "_id": d.id, "_rev": r, "_deleted": true }));
        }
    }
    Request::post(
        format!("{db}/_bulk_docs"),
        auth,
        json!({ "docs": docs }).to_string(),
    )
}

/// What `_bulk_docs` answered: accepted mutations with CouchDB's new revision, and the ones
/// refused as conflicts, to check against the server's current state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BulkResult {
    pub accepted: Vec<(u64, String)>,
    pub to_check: Vec<u64>,
}

pub fn parse_bulk(status: u16, body: &str, batch: &Batch) -> Result<BulkResult, SyncError> {
    if !(200..300).contains(&status) {
        return Err(SyncError::from_status(status, body));
    }
    let v: Value =
        serde_json::from_str(body).map_err(|e| bad(status, format!("_bulk_docs: {e}")))?;
    let rows = v
        .as_array()
        .ok_or_else(|| bad(status, "_bulk_docs: not a list"))?;
    let mut out = BulkResult::default();
    let mut i = 0;
    for o in &batch.items {
        let row = rows
            .get(i)
            .ok_or_else(|| bad(status, "_bulk_docs: too few answers"))?;
        // The answers for the dropped branches follow; a branch already gone is no matter.
        i += 1 + o.drop_revs.len();
        let id = row.get("id").and_then(Value::as_str);
        if id != Some(o.mutation.doc.id.as_str()) {
            return Err(bad(status, "_bulk_docs: answers out of order"));
        }
        match (row.get("rev").and_then(Value::as_str), row.get("error")) {
            (Some(rev), None) => out.accepted.push((o.mutation.mid, rev.to_string())),
            (_, Some(e)) if e == "conflict" => out.to_check.push(o.mutation.mid),
            (_, Some(e)) if e == "unauthorized" || e == "forbidden" => {
                return Err(SyncError::Forbidden)
            }
            _ => return Err(bad(status, format!("_bulk_docs: {row}"))),
        }
    }
    Ok(out)
}

/// `POST {db}/_all_docs?include_docs=true&conflicts=true` for the refused documents.
pub fn all_docs_request(db: &str, auth: &str, ids: &[String]) -> Request {
    Request::post(
        format!("{db}/_all_docs?include_docs=true&conflicts=true"),
        auth,
        json!({ "keys": ids }).to_string(),
    )
}

/// The server's current state of one document.
#[derive(Debug, Clone, PartialEq)]
pub enum Current {
    Alive { doc: Doc, tag: Option<String> },
    Deleted { rev: String },
    Missing,
}

pub fn parse_all_docs(status: u16, body: &str) -> Result<HashMap<String, Current>, SyncError> {
    if status != 200 {
        return Err(SyncError::from_status(status, body));
    }
    let v: Value =
        serde_json::from_str(body).map_err(|e| bad(status, format!("_all_docs: {e}")))?;
    let rows = v
        .get("rows")
        .and_then(Value::as_array)
        .ok_or_else(|| bad(status, "_all_docs: no rows"))?;
    let mut out = HashMap::new();
    for r in rows {
        let Some(key) = r.get("key").and_then(Value::as_str) else {
            continue;
        };
        let value = r.get("value");
        let deleted = value
            .and_then(|v| v.get("deleted"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let current = match (r.get("doc").and_then(from_couch), value) {
            (Some(doc), _) if !deleted => Current::Alive {
                tag: r
                    .get("doc")
                    .and_then(|d| d.get("ssp_mutation"))
                    .and_then(Value::as_str)
                    .map(String::from),
                doc,
            },
            (_, Some(v)) if deleted => Current::Deleted {
                rev: v
                    .get("rev")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
            },
            _ => Current::Missing,
        };
        out.insert(key.to_string(), current);
    }
    Ok(out)
}

/// The push's outcome: accepted ones, refused ones that are in fact ours (accepted), and true
/// conflicts with the server's version.
pub fn finish_push(
    batch: &Batch,
    bulk: &BulkResult,
    current: &HashMap<String, Current>,
) -> Result<PushOutcome, SyncError> {
    let mut outcome = PushOutcome {
        accepted: bulk.accepted.clone(),
        conflicts: Vec::new(),
    };
    for mid in &bulk.to_check {
        let Some(o) = batch.items.iter().find(|o| o.mutation.mid == *mid) else {
            continue;
        };
        let d = &o.mutation.doc;
        match current.get(&d.id) {
            Some(Current::Alive { tag, doc }) => {
                if tag.as_deref() == Some(mutation_tag(&batch.client, *mid).as_str()) {
                    outcome.accepted.push((*mid, doc.rev.clone()));
                } else {
                    outcome.conflicts.push((*mid, doc.clone()));
                }
            }
            Some(Current::Deleted { rev }) => {
                let server = Doc {
                    id: d.id.clone(),
                    rev: rev.clone(),
                    base_rev: None,
                    deleted: true,
                    schema: d.schema,
                    updated_ms: 0,
                    data: None,
                };
                if d.deleted {
                    outcome.accepted.push((*mid, rev.clone()));
                } else {
                    outcome.conflicts.push((*mid, server));
                }
            }
            // The server does not know the document its base revision names.
            Some(Current::Missing) | None => {
                return Err(bad(409, format!("document {} is not on the server", d.id)))
            }
        }
    }
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::sync::engine::Outgoing;
    use crate::domain::sync::protocol::Mutation;

    fn batch() -> Batch {
        let doc = |id: &str, base: Option<&str>, deleted: bool| Doc {
            id: id.into(),
            rev: "ignored-by-couch".into(),
            base_rev: base.map(String::from),
            deleted,
            schema: 2,
            updated_ms: 9,
            data: (!deleted).then(|| json!({"id": id})),
        };
        Batch {
            client: "c1".into(),
            items: vec![
                Outgoing {
                    mutation: Mutation {
                        mid: 1,
                        doc: doc("a", None, false),
                    },
                    drop_revs: vec![],
                },
                Outgoing {
                    mutation: Mutation {
                        mid: 2,
                        doc: doc("b", Some("1-x"), false),
                    },
                    drop_revs: vec!["2-lose".into()],
                },
                Outgoing {
                    mutation: Mutation {
                        mid: 3,
                        doc: doc("c", Some("4-y"), true),
                    },
                    drop_revs: vec![],
                },
            ],
        }
    }

    #[test]
    fn bulk_docs_carry_base_revs_tags_and_dropped_branches() {
        let r = bulk_request("http://127.0.0.1:5984/ssp", &basic("skole", "pw"), &batch());
        assert_eq!(r.url, "http://127.0.0.1:5984/ssp/_bulk_docs");
        assert_eq!(r.headers[0].1, "Basic c2tvbGU6cHc=");
        let v: Value = serde_json::from_str(r.body.as_deref().unwrap()).unwrap();
        let docs = v["docs"].as_array().unwrap();
        assert_eq!(docs.len(), 4);
        assert!(docs[0].get("_rev").is_none());
        assert_eq!(docs[0]["ssp_mutation"], "c1:1");
        assert_eq!(docs[1]["_rev"], "1-x");
        assert_eq!(docs[2], json!({"_id":"b","_rev":"2-lose","_deleted":true}));
        assert_eq!(docs[3]["_deleted"], true);
        assert!(docs[3].get("data").is_none());
    }

    #[test]
    fn refused_pushes_are_ours_or_true_conflicts() {
        let body = r#"[{"ok":true,"id":"a","rev":"1-new"},
            {"id":"b","error":"conflict","reason":"Document update conflict."},{"ok":true,"id":"b","rev":"3-d"},
            {"id":"c","error":"conflict"}]"#;
        let bulk = parse_bulk(201, body, &batch()).unwrap();
        assert_eq!(bulk.accepted, vec![(1, "1-new".to_string())]);
        assert_eq!(bulk.to_check, vec![2, 3]);
        let all = r#"{"rows":[
            {"id":"b","key":"b","value":{"rev":"2-srv"},"doc":{"_id":"b","_rev":"2-srv","schema":2,"data":{"id":"b"},"ssp_mutation":"c9:4"}},
            {"id":"c","key":"c","value":{"rev":"5-z","deleted":true},"doc":null}]}"#;
        let current = parse_all_docs(200, all).unwrap();
        let out = finish_push(&batch(), &bulk, &current).unwrap();
        // c: our delete meets a delete — the same outcome, accepted.
        assert!(out.accepted.contains(&(3, "5-z".to_string())));
        assert_eq!(out.conflicts.len(), 1);
        assert_eq!(out.conflicts[0].1.rev, "2-srv");
        // b again, now the server holds our own tagged write: accepted.
        let mine = all.replace("c9:4", "c1:2");
        let out = finish_push(&batch(), &bulk, &parse_all_docs(200, &mine).unwrap()).unwrap();
        assert!(out.accepted.contains(&(2, "2-srv".to_string())));
        assert!(out.conflicts.is_empty());
    }

    #[test]
    fn changes_pages_read_numbers_or_strings_and_collect_conflicts() {
        let body = r#"{"results":[
            {"seq":3,"id":"a","changes":[{"rev":"2-a"}],"doc":{"_id":"a","_rev":"2-a","schema":2,"updated_ms":4,"data":{"id":"a"},"_conflicts":["2-b"]}},
            {"seq":4,"id":"_design/x","changes":[{"rev":"1-d"}],"doc":{"_id":"_design/x","_rev":"1-d"}},
            {"seq":5,"id":"z","changes":[{"rev":"3-z"}],"deleted":true,"doc":{"_id":"z","_rev":"3-z","_deleted":true}}],
            "last_seq":5}"#;
        let p = parse_changes(200, body, 3).unwrap();
        assert_eq!(p.page.checkpoint, "5");
        assert_eq!(p.page.docs.len(), 2);
        assert!(p.page.more, "a full page without `pending` may have more");
        assert!(p.page.docs[1].doc.deleted && p.page.docs[1].doc.data.is_none());
        assert_eq!(p.losing, vec![("a".to_string(), vec!["2-b".to_string()])]);
        let s = r#"{"results":[],"last_seq":"7-g1AAAA","pending":0}"#;
        let p = parse_changes(200, s, 3).unwrap();
        assert_eq!(p.page.checkpoint, "7-g1AAAA");
        assert!(!p.page.more);
        let r = changes_request("https://c.example/db", "Basic x", "", 10);
        assert!(r
            .url
            .contains("since=0&limit=10&include_docs=true&conflicts=true"));
    }
}
