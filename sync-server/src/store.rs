//! The server's state in SQLite, and the push and pull rules of protocol v1. No HTTP here:
//! everything is testable with an in-memory database.
//!
//! Tables:
//! - `docs`: one row per document id, holding its **latest** revision (tombstones too) and
//!   the change sequence number `seq` it got when that revision was accepted. Rows are never
//!   deleted, so a tombstone keeps travelling in the changes feed.
//! - `handled`: every `(client, mid)` the server has handled, with its outcome
//!   (`accepted`/`conflict`) and the document id. Kept for good (the protocol asks ≥ 90 days).
//! - `meta`: the schema version and the `seq` counter.
//!
//! Invariants:
//! - `seq` only grows: the counter in `meta` is bumped for every accepted change and is never
//!   reused, so a checkpoint (the `seq` of the last change a client has read) stays valid and
//!   "changes after it" is exactly `seq > checkpoint`.
//! - Each `docs` row has the largest `seq` given to that id, so the feed has each document once,
//!   in its latest revision, in the order the latest revisions were accepted.
//! - A push runs in one `BEGIN IMMEDIATE` transaction: its mutations are handled in order, and
//!   either all of their effects (documents and `handled` rows) are stored, or none.
//! - A `(client, mid)` in `handled` is answered from there and changes nothing.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde_json::value::RawValue;

use crate::protocol::{ChangesPage, Checkpoint, Conflict, Doc, Invalid, PushRequest, PushResponse};

/// A changes page stops before its documents' `data` would pass this many bytes (it always
/// holds at least one document): `limit` 1000 of 256 KiB each would be 256 MiB in memory. The
/// protocol allows it ("at most `limit`"), and `more` says the rest is on the next page.
pub const PAGE_DATA_BYTES: usize = 8 * 1024 * 1024;

/// The schema this code writes. A database with a newer one is refused at start-up.
const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', 1), ('seq', 0);

CREATE TABLE IF NOT EXISTS docs (
    id          TEXT PRIMARY KEY,
    seq         INTEGER NOT NULL UNIQUE,
    rev         TEXT NOT NULL,
    base_rev    TEXT,
    deleted     INTEGER NOT NULL CHECK (deleted IN (0, 1)),
    schema_ver  INTEGER NOT NULL,
    updated_ms  INTEGER NOT NULL,
    data        TEXT,
    CHECK ((deleted = 1) = (data IS NULL))
);

CREATE TABLE IF NOT EXISTS handled (
    client      TEXT NOT NULL,
    mid         INTEGER NOT NULL,
    outcome     TEXT NOT NULL CHECK (outcome IN ('accepted', 'conflict')),
    doc_id      TEXT NOT NULL,
    handled_ms  INTEGER NOT NULL,
    PRIMARY KEY (client, mid)
) WITHOUT ROWID;
";

/// A failure of a store operation.
#[derive(Debug)]
pub enum StoreError {
    /// The request cannot be served as asked (a 400): e.g. a checkpoint ahead of this database.
    Invalid(Invalid),
    /// SQLite failed (a 500).
    Sqlite(rusqlite::Error),
    /// The database was written by another version of this server (refused at start-up).
    Incompatible(String),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Sqlite(e)
    }
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Invalid(Invalid::BadRequest(m) | Invalid::TooLarge(m)) => f.write_str(m),
            StoreError::Sqlite(e) => write!(f, "sqlite: {e}"),
            StoreError::Incompatible(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for StoreError {}

/// How many documents and changes the database holds (for the start-up log line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub docs: i64,
    pub tombstones: i64,
    pub last_seq: i64,
}

/// The sync state: one SQLite connection. Not `Sync`; the HTTP layer puts it behind a mutex.
pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens (or creates) the database at `path`; `:memory:` is a fresh in-memory database.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let conn = if path.as_os_str() == ":memory:" {
            Connection::open_in_memory()?
        } else {
            let conn = Connection::open(path)?;
            // WAL: readers and the writer do not block each other, and a crash mid-write
            // cannot corrupt the file. synchronous stays FULL (the default): a push that was
            // answered is on disk.
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn
        };
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // Deleted and overwritten content (an older revision of a concern) is overwritten with
        // zeros in the file, not left in free pages where a copy of the file would still hold it.
        conn.pragma_update(None, "secure_delete", "ON")?;
        let store = Store { conn };
        store.migrate()?;
        Ok(store)
    }

    /// A fresh in-memory database (tests).
    pub fn in_memory() -> Store {
        Store::open(Path::new(":memory:")).expect("an in-memory SQLite database opens")
    }

    fn migrate(&self) -> Result<(), StoreError> {
        self.conn.execute_batch(SCHEMA)?;
        let version: i64 = self.conn.query_row(
            "SELECT value FROM meta WHERE key = 'schema_version'",
            [],
            |r| r.get(0),
        )?;
        if version != SCHEMA_VERSION {
            return Err(StoreError::Incompatible(format!(
                "database schema version {version}; this server knows {SCHEMA_VERSION}"
            )));
        }
        Ok(())
    }

    /// Counts for the start-up log.
    pub fn stats(&self) -> Result<Stats, StoreError> {
        let (docs, tombstones) = self.conn.query_row(
            "SELECT COUNT(*), COALESCE(SUM(deleted), 0) FROM docs",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(Stats {
            docs,
            tombstones,
            last_seq: last_seq(&self.conn)?,
        })
    }

    /// Whether SQLite overwrites deleted content with zeros on this connection
    /// (`PRAGMA secure_delete`, set on at open).
    pub fn secure_delete(&self) -> Result<bool, StoreError> {
        let on: i64 = self
            .conn
            .query_row("PRAGMA secure_delete", [], |r| r.get(0))?;
        Ok(on == 1)
    }

    /// Handles a push: every mutation in order, in one transaction (docs/sync-protocol.md,
    /// "Push"). `now_ms` is stored with each newly handled `(client, mid)`.
    pub fn push(&mut self, req: &PushRequest, now_ms: i64) -> Result<PushResponse, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut response = PushResponse::default();
        for m in &req.mutations {
            // 1. Seen before: the first outcome again, with the server's current document.
            let seen: Option<(String, String)> = tx
                .query_row(
                    "SELECT outcome, doc_id FROM handled WHERE client = ?1 AND mid = ?2",
                    params![req.client, m.mid],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            if let Some((outcome, doc_id)) = seen {
                if outcome == "accepted" {
                    response.accepted.push(m.mid);
                } else {
                    let server = current(&tx, &doc_id)?;
                    response.conflicts.push(Conflict {
                        mid: m.mid,
                        id: doc_id,
                        server,
                    });
                }
                continue;
            }

            let doc = &m.doc;
            let server = current(&tx, &doc.id)?;
            let accepted = match &server {
                // 2. Accept: a new document, or one made on the server's current revision.
                None if doc.base_rev.is_none() => {
                    write_doc(&tx, doc)?;
                    true
                }
                Some(cur) if doc.base_rev.as_deref() == Some(cur.rev.as_str()) => {
                    write_doc(&tx, doc)?;
                    true
                }
                // 3. Same revision: the server already has it; nothing changes.
                Some(cur) if cur.rev == doc.rev => true,
                // 4. Conflict: nothing changes.
                _ => false,
            };
            tx.execute(
                "INSERT INTO handled (client, mid, outcome, doc_id, handled_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    req.client,
                    m.mid,
                    if accepted { "accepted" } else { "conflict" },
                    doc.id,
                    now_ms
                ],
            )?;
            if accepted {
                response.accepted.push(m.mid);
            } else {
                response.conflicts.push(Conflict {
                    mid: m.mid,
                    id: doc.id.clone(),
                    server,
                });
            }
        }
        tx.commit()?;
        Ok(response)
    }

    /// The documents changed after `since`, oldest change first, at most `limit` of them and
    /// at most about [`PAGE_DATA_BYTES`] of data (docs/sync-protocol.md, "Pull"). A checkpoint beyond this database's last change was
    /// not written by it (another server, or a database restored from an older backup): 400.
    pub fn changes(&mut self, since: Checkpoint, limit: u32) -> Result<ChangesPage, StoreError> {
        let tx = self.conn.transaction()?;
        let last = last_seq(&tx)?;
        if since.0 > last {
            return Err(StoreError::Invalid(Invalid::BadRequest(format!(
                "since: checkpoint {since} is ahead of this server's last change {last} \
                 (was the database replaced or restored from an older backup?)"
            ))));
        }
        let mut stmt = tx.prepare_cached(
            "SELECT id, rev, base_rev, deleted, schema_ver, updated_ms, data, seq
             FROM docs WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )?;
        let mut docs = Vec::new();
        let mut checkpoint = since;
        let mut more = false;
        let mut rows = stmt.query(params![since.0, i64::from(limit) + 1])?;
        let mut page_bytes = 0usize;
        while let Some(row) = rows.next()? {
            let doc = doc_from_row(row)?;
            let size = doc.data.as_ref().map_or(0, |d| d.get().len());
            // Full by count, or by size (but never empty): the rest is on the next page.
            if docs.len() == limit as usize
                || (!docs.is_empty() && page_bytes + size > PAGE_DATA_BYTES)
            {
                more = true;
                break;
            }
            page_bytes += size;
            docs.push(doc);
            checkpoint = Checkpoint(row.get(7)?);
        }
        Ok(ChangesPage {
            docs,
            checkpoint,
            more,
        })
    }

    /// The server's current document with this id, if any (tests and diagnostics).
    pub fn get(&self, id: &str) -> Result<Option<Doc>, StoreError> {
        Ok(current(&self.conn, id)?)
    }
}

fn last_seq(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT value FROM meta WHERE key = 'seq'", [], |r| r.get(0))
}

fn current(conn: &Connection, id: &str) -> rusqlite::Result<Option<Doc>> {
    conn.prepare_cached(
        "SELECT id, rev, base_rev, deleted, schema_ver, updated_ms, data FROM docs WHERE id = ?1",
    )?
    .query_row(params![id], doc_from_row)
    .optional()
}

fn doc_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Doc> {
    let data: Option<String> = row.get(6)?;
    let data = data.map(RawValue::from_string).transpose().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(6, rusqlite::types::Type::Text, e.into())
    })?;
    Ok(Doc {
        id: row.get(0)?,
        rev: row.get(1)?,
        base_rev: row.get(2)?,
        deleted: row.get(3)?,
        schema: row.get(4)?,
        updated_ms: row.get(5)?,
        data,
    })
}

/// Stores `doc` as the current revision of its id, with the next `seq`.
fn write_doc(conn: &Connection, doc: &Doc) -> rusqlite::Result<()> {
    let seq: i64 = conn.query_row(
        "UPDATE meta SET value = value + 1 WHERE key = 'seq' RETURNING value",
        [],
        |r| r.get(0),
    )?;
    conn.execute(
        "INSERT INTO docs (id, seq, rev, base_rev, deleted, schema_ver, updated_ms, data)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (id) DO UPDATE SET
           seq = excluded.seq, rev = excluded.rev, base_rev = excluded.base_rev,
           deleted = excluded.deleted, schema_ver = excluded.schema_ver,
           updated_ms = excluded.updated_ms, data = excluded.data",
        params![
            doc.id,
            seq,
            doc.rev,
            doc.base_rev,
            doc.deleted,
            doc.schema,
            doc.updated_ms,
            doc.data.as_ref().map(|d| d.get())
        ],
    )?;
    Ok(())
}
