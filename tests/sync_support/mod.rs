//! A model of a sync server that follows docs/sync-protocol.md, and clients that run the real
//! engine on an in-memory store and talk to it through the real JSON transport (requests and
//! answers go through `sync::json`, as bodies). Faults are injected between them.
#![allow(dead_code)]

use ssp_handleguide::domain::concern::{Change, ChangeKind, Concern};
use ssp_handleguide::domain::concern_store;
use ssp_handleguide::domain::storage::{KeyValueStore, MemoryStore};
use ssp_handleguide::domain::sync::engine::{self, Batch, Outbox};
use ssp_handleguide::domain::sync::json;
use ssp_handleguide::domain::sync::protocol::{
    ChangesResponse, ConflictReport, Doc, PushRequest, PushResponse, SyncError,
};
use std::collections::{BTreeMap, HashMap};

/// The protocol's rules, in memory. Its state outlives a "restart" (as SQLite's file does);
/// while down it answers nothing.
#[derive(Default)]
pub struct ModelServer {
    /// id → (document, sequence number of its last change)
    pub docs: BTreeMap<String, (Doc, u64)>,
    pub seq: u64,
    pub handled: HashMap<(String, u64), Option<()>>,
    pub up: bool,
    pub pushes: usize,
}

impl ModelServer {
    pub fn new() -> Self {
        ModelServer {
            up: true,
            ..Default::default()
        }
    }

    pub fn push(&mut self, body: &str) -> (u16, String) {
        self.pushes += 1;
        let req: PushRequest = serde_json::from_str(body).expect("the client sends valid JSON");
        let mut resp = PushResponse {
            accepted: vec![],
            conflicts: vec![],
        };
        for m in req.mutations {
            let key = (req.client.clone(), m.mid);
            let current = self.docs.get(&m.doc.id).map(|(d, _)| d.clone());
            let conflict = |resp: &mut PushResponse, current: Option<Doc>| {
                resp.conflicts.push(ConflictReport {
                    mid: m.mid,
                    id: m.doc.id.clone(),
                    server: current.expect("a conflict has a server document"),
                })
            };
            match self.handled.get(&key) {
                Some(Some(())) => {
                    resp.accepted.push(m.mid);
                    continue;
                }
                Some(None) => {
                    conflict(&mut resp, current);
                    continue;
                }
                None => {}
            }
            let base_ok = match (&current, &m.doc.base_rev) {
                (None, None) => true,
                (Some(c), Some(b)) => &c.rev == b,
                _ => false,
            };
            let same = current.as_ref().is_some_and(|c| c.rev == m.doc.rev);
            if base_ok {
                self.seq += 1;
                self.docs
                    .insert(m.doc.id.clone(), (m.doc.clone(), self.seq));
                self.handled.insert(key, Some(()));
                resp.accepted.push(m.mid);
            } else if same {
                self.handled.insert(key, Some(()));
                resp.accepted.push(m.mid);
            } else {
                self.handled.insert(key, None);
                conflict(&mut resp, current);
            }
        }
        (200, serde_json::to_string(&resp).unwrap())
    }

    pub fn changes(&self, url: &str) -> (u16, String) {
        let q = url.split_once('?').map(|(_, q)| q).unwrap_or("");
        let mut since = 0u64;
        let mut limit = 100usize;
        for kv in q.split('&') {
            match kv.split_once('=') {
                Some(("since", v)) if !v.is_empty() => since = v.parse().unwrap(),
                Some(("limit", v)) => limit = v.parse().unwrap(),
                _ => {}
            }
        }
        let mut all: Vec<&(Doc, u64)> = self.docs.values().filter(|(_, s)| *s > since).collect();
        all.sort_by_key(|(_, s)| *s);
        let page: Vec<&(Doc, u64)> = all.iter().take(limit).copied().collect();
        let checkpoint = page.last().map_or(since, |(_, s)| *s);
        let resp = ChangesResponse {
            docs: page.iter().map(|(d, _)| d.clone()).collect(),
            checkpoint: checkpoint.to_string(),
            more: all.len() > page.len(),
        };
        (200, serde_json::to_string(&resp).unwrap())
    }

    /// The live concerns the server holds, as the app would read them.
    pub fn live(&self) -> BTreeMap<String, Concern> {
        self.docs
            .values()
            .filter(|(d, _)| !d.deleted)
            .map(|(d, _)| {
                let c: Concern = serde_json::from_value(d.data.clone().unwrap()).unwrap();
                (d.id.clone(), c)
            })
            .collect()
    }
}

/// What happens to one request on the way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    None,
    /// Never reaches the server.
    LostRequest,
    /// Reaches the server and is applied; the answer never comes back.
    LostResponse,
    /// Delivered twice; the client sees the second answer.
    Duplicate,
}

pub const URL: &str = "http://127.0.0.1:8787";
pub const TOKEN: &str = "model-token";

pub struct Client {
    pub name: String,
    pub store: MemoryStore,
    pub online: std::cell::Cell<bool>,
}

/// A fictional concern (demo data) with the given id.
pub fn concern(id: &str, now: u64) -> Concern {
    let v1 = include_str!("../fixtures/concerns-v1.json");
    let doc: serde_json::Value = serde_json::from_str(v1).unwrap();
    let mut raw = doc["data"][0].clone();
    let obj = raw.as_object_mut().unwrap();
    let child = obj.remove("child").unwrap();
    obj.insert("pseudonym".into(), child);
    let mut c: Concern = serde_json::from_value(raw).unwrap();
    c.id = id.to_string();
    c.revision = 1;
    c.created_ms = now;
    c.updated_ms = now;
    c.history.clear();
    c
}

/// The edit markers ("tokens") a concern's history holds.
pub fn tokens(c: &Concern) -> Vec<String> {
    c.history
        .iter()
        .filter(|h| h.detail.starts_with("tok-"))
        .map(|h| h.detail.clone())
        .collect()
}

impl Client {
    pub fn new(name: &str, now: u64) -> Client {
        let store = MemoryStore::new();
        engine::set_up(&store, &format!("client-{name}"), now).unwrap();
        Client {
            name: name.to_string(),
            store,
            online: std::cell::Cell::new(true),
        }
    }

    pub fn concerns(&self, now: u64) -> BTreeMap<String, Concern> {
        concern_store::load_all(&self.store, now)
            .0
            .into_iter()
            .map(|c| (c.id.clone(), c))
            .collect()
    }

    pub fn create(&self, id: &str, token: &str, now: u64) {
        let mut c = concern(id, now);
        c.history.push(Change {
            at_ms: now,
            by_role: self.name.clone(),
            kind: ChangeKind::Created,
            detail: token.to_string(),
        });
        concern_store::save_one(&self.store, &c, None, now, &Outbox).unwrap();
    }

    /// Adds a marker to the concern's history, as an edit in the UI would.
    pub fn edit(&self, id: &str, token: &str, now: u64) -> bool {
        let Some(mut c) = concern_store::load_one(&self.store, id, now) else {
            return false;
        };
        let base = c.revision;
        c.revision += 1;
        c.updated_ms = now;
        c.history.push(Change {
            at_ms: now,
            by_role: self.name.clone(),
            kind: ChangeKind::Edited,
            detail: token.to_string(),
        });
        concern_store::save_one(&self.store, &c, Some(base), now, &Outbox).unwrap();
        true
    }

    /// Deletes; returns the markers the deleted version held (deleted knowingly).
    pub fn delete(&self, id: &str, now: u64) -> Option<Vec<String>> {
        let c = concern_store::load_one(&self.store, id, now)?;
        concern_store::delete_one(&self.store, id, c.revision, now, &Outbox).unwrap();
        Some(tokens(&c))
    }

    fn send_push(
        &self,
        server: &mut ModelServer,
        batch: &Batch,
        fault: Fault,
    ) -> Result<String, SyncError> {
        if !self.online.get() || !server.up || fault == Fault::LostRequest {
            return Err(SyncError::Network);
        }
        let req = json::push_request(URL, TOKEN, batch);
        let body = req.body.unwrap();
        let (_, resp) = server.push(&body);
        match fault {
            Fault::LostResponse => Err(SyncError::Network),
            Fault::Duplicate => Ok(server.push(&body).1),
            _ => Ok(resp),
        }
    }

    /// One round as the browser runs it: push every batch, then pull every page. Stops at the
    /// first error (the outbox and checkpoint stay as they were).
    pub fn sync(
        &self,
        server: &mut ModelServer,
        now: u64,
        mut fault: impl FnMut() -> Fault,
    ) -> Result<engine::Applied, SyncError> {
        let mut total = engine::Applied::default();
        let mut rounds = 0;
        while let Some(batch) = engine::next_batch(&self.store, now).unwrap() {
            rounds += 1;
            assert!(rounds < 1000, "push does not terminate");
            let body = self.send_push(server, &batch, fault())?;
            let outcome = json::parse_push(200, &body, &batch)?;
            let a = engine::apply_push(&self.store, &outcome, now).unwrap();
            total.accepted += a.accepted;
            total.conflicts += a.conflicts;
            if a.accepted == 0 && a.conflicts == 0 {
                break;
            }
        }
        self.pull(server, now, fault, total)
    }

    /// Pulls every page. Alone, it stands for a round whose push finished before the person
    /// made another edit (the browser's round is asynchronous; edits land between its steps).
    pub fn pull(
        &self,
        server: &mut ModelServer,
        now: u64,
        mut fault: impl FnMut() -> Fault,
        mut total: engine::Applied,
    ) -> Result<engine::Applied, SyncError> {
        let mut rounds = 0;
        loop {
            rounds += 1;
            assert!(rounds < 2000, "pull does not terminate");
            if !self.online.get() || !server.up || fault() == Fault::LostRequest {
                return Err(SyncError::Network);
            }
            let since = engine::checkpoint(&self.store, now);
            let req = json::changes_request(URL, TOKEN, &since, 7);
            let (status, body) = server.changes(&req.url);
            if fault() == Fault::LostResponse {
                return Err(SyncError::Network);
            }
            let page = json::parse_changes(status, &body)?;
            let a = engine::apply_page(&self.store, &page, now).unwrap();
            total.updated += a.updated;
            total.deleted += a.deleted;
            total.conflicts += a.conflicts;
            if !page.more {
                break;
            }
        }
        Ok(total)
    }

    pub fn status(&self, now: u64) -> engine::Status {
        engine::status(&self.store, now)
    }

    pub fn keys(&self) -> Vec<String> {
        self.store.keys().unwrap()
    }
}
