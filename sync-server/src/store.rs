//! The server's state in SQLite, and the push and pull rules of protocol v1, per space. No
//! HTTP here: everything is testable with an in-memory database.
//!
//! A **space** is one team's share of the database (docs/sync-protocol.md, "Spaces"): a token
//! belongs to one space, and everything below is kept apart per space, so one database can
//! serve teams that must not see each other's concerns. Every operation takes the space as its
//! first argument; there is no way to ask across spaces.
//!
//! Tables:
//! - `spaces`: one row per space that has had a change, holding its `seq` counter.
//! - `docs`: one row per `(space, id)`, holding its **latest** revision (tombstones too) and
//!   the change sequence number `seq` it got in its space when that revision was accepted.
//!   Rows are never deleted, so a tombstone keeps travelling in the changes feed.
//! - `handled`: every `(space, client, mid)` the server has handled, with its outcome
//!   (`accepted`/`conflict`) and the document id. Kept for good (the protocol asks ≥ 90 days).
//! - `meta`: the schema version.
//!
//! Invariants:
//! - each space's `seq` only grows: its counter in `spaces` is bumped for every accepted change
//!   in that space and is never reused, so a checkpoint (the `seq` of the last change a client
//!   has read) stays valid and "changes after it" is exactly `seq > checkpoint` in that space.
//!   Counters are per space, not one for the database, so a space's checkpoints do not move
//!   when another space changes (they would tell how busy the other teams are).
//! - Each `docs` row has the largest `seq` given to that `(space, id)`, so a space's feed has
//!   each of its documents once, in its latest revision, in the order they were accepted.
//! - A push runs in one `BEGIN IMMEDIATE` transaction: its mutations are handled in order, and
//!   either all of their effects (documents and `handled` rows) are stored, or none.
//! - A `(space, client, mid)` in `handled` is answered from there and changes nothing; the
//!   same `(client, mid)` in another space is another mutation (answering it from the first
//!   space's memory would hand that space's document to the second).
//! - Schema version 1 (before spaces) is migrated at open, in one transaction: its rows and
//!   its counter become the space [`DEFAULT_SPACE`](crate::protocol::DEFAULT_SPACE), so v1 checkpoints stay valid.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde_json::value::RawValue;

use crate::protocol::{ChangesPage, Checkpoint, Conflict, Doc, Invalid, PushRequest, PushResponse};

/// A changes page stops before its documents' `data` would pass this many bytes (it always
/// holds at least one document): `limit` 1000 of 256 KiB each would be 256 MiB in memory. The
/// protocol allows it ("at most `limit`"), and `more` says the rest is on the next page.
pub const PAGE_DATA_BYTES: usize = 8 * 1024 * 1024;

/// The schema this code writes. A database with a newer one is refused at start-up; one of
/// version 1 is migrated ([`MIGRATE_1_TO_2`]).
const SCHEMA_VERSION: i64 = 2;

/// A new database.
const SCHEMA: &str = "
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO meta (key, value) VALUES ('schema_version', 2);

CREATE TABLE spaces (
    space  TEXT PRIMARY KEY,
    seq    INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE docs (
    space       TEXT NOT NULL,
    id          TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    rev         TEXT NOT NULL,
    base_rev    TEXT,
    deleted     INTEGER NOT NULL CHECK (deleted IN (0, 1)),
    schema_ver  INTEGER NOT NULL,
    updated_ms  INTEGER NOT NULL,
    data        TEXT,
    CHECK ((deleted = 1) = (data IS NULL)),
    PRIMARY KEY (space, id),
    UNIQUE (space, seq)
);

CREATE TABLE handled (
    space       TEXT NOT NULL,
    client      TEXT NOT NULL,
    mid         INTEGER NOT NULL,
    outcome     TEXT NOT NULL CHECK (outcome IN ('accepted', 'conflict')),
    doc_id      TEXT NOT NULL,
    handled_ms  INTEGER NOT NULL,
    PRIMARY KEY (space, client, mid)
) WITHOUT ROWID;
";

/// From schema version 1 (one document space per database; `'default'` is [`DEFAULT_SPACE`](crate::protocol::DEFAULT_SPACE),
/// checked by a test): SQLite cannot change a primary
/// key in place, so `docs` and `handled` are copied into tables keyed by space, with every row
/// in [`DEFAULT_SPACE`](crate::protocol::DEFAULT_SPACE), and the database's `seq` counter becomes that space's counter (its
/// checkpoints stay valid). Runs inside the transaction of [`Store::open`].
const MIGRATE_1_TO_2: &str = "
CREATE TABLE spaces (
    space  TEXT PRIMARY KEY,
    seq    INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO spaces (space, seq) SELECT 'default', value FROM meta WHERE key = 'seq';
DELETE FROM meta WHERE key = 'seq';

CREATE TABLE docs_v2 (
    space       TEXT NOT NULL,
    id          TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    rev         TEXT NOT NULL,
    base_rev    TEXT,
    deleted     INTEGER NOT NULL CHECK (deleted IN (0, 1)),
    schema_ver  INTEGER NOT NULL,
    updated_ms  INTEGER NOT NULL,
    data        TEXT,
    CHECK ((deleted = 1) = (data IS NULL)),
    PRIMARY KEY (space, id),
    UNIQUE (space, seq)
);
INSERT INTO docs_v2 (space, id, seq, rev, base_rev, deleted, schema_ver, updated_ms, data)
    SELECT 'default', id, seq, rev, base_rev, deleted, schema_ver, updated_ms, data FROM docs;
DROP TABLE docs;
ALTER TABLE docs_v2 RENAME TO docs;

CREATE TABLE handled_v2 (
    space       TEXT NOT NULL,
    client      TEXT NOT NULL,
    mid         INTEGER NOT NULL,
    outcome     TEXT NOT NULL CHECK (outcome IN ('accepted', 'conflict')),
    doc_id      TEXT NOT NULL,
    handled_ms  INTEGER NOT NULL,
    PRIMARY KEY (space, client, mid)
) WITHOUT ROWID;
INSERT INTO handled_v2 (space, client, mid, outcome, doc_id, handled_ms)
    SELECT 'default', client, mid, outcome, doc_id, handled_ms FROM handled;
DROP TABLE handled;
ALTER TABLE handled_v2 RENAME TO handled;

UPDATE meta SET value = 2 WHERE key = 'schema_version';
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

/// How many documents and changes the database holds, over all spaces (for the start-up log
/// line, which must not tell one space's activity).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub docs: i64,
    pub tombstones: i64,
    /// Spaces that have had a change.
    pub spaces: i64,
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
        let mut store = Store { conn };
        store.migrate()?;
        Ok(store)
    }

    /// A fresh in-memory database (tests).
    pub fn in_memory() -> Store {
        Store::open(Path::new(":memory:")).expect("an in-memory SQLite database opens")
    }

    /// Creates the tables of a new database, migrates one of version 1, or refuses one this
    /// code does not know; in one transaction, so a failed migration leaves the file as it was.
    fn migrate(&mut self) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let has_meta: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta')",
            [],
            |r| r.get(0),
        )?;
        let version: Option<i64> = if has_meta {
            tx.query_row(
                "SELECT value FROM meta WHERE key = 'schema_version'",
                [],
                |r| r.get(0),
            )
            .optional()?
        } else {
            None
        };
        let mut migrated = false;
        match (has_meta, version) {
            (false, _) => tx.execute_batch(SCHEMA)?,
            (true, Some(1)) => {
                tx.execute_batch(MIGRATE_1_TO_2)?;
                migrated = true;
            }
            (true, Some(SCHEMA_VERSION)) => {}
            (true, Some(version)) => {
                return Err(StoreError::Incompatible(format!(
                    "database schema version {version}; this server knows {SCHEMA_VERSION}"
                )))
            }
            (true, None) => {
                return Err(StoreError::Incompatible(
                    "the database has no schema version: not made by this server".into(),
                ))
            }
        }
        tx.commit()?;
        if migrated {
            // Once per database: an operator who wonders where the spaces came from sees it.
            tracing::info!(
                "database migrated from schema version 1 to {SCHEMA_VERSION}: \
                 its documents are now the space \"default\""
            );
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
        let spaces = self
            .conn
            .query_row("SELECT COUNT(*) FROM spaces", [], |r| r.get(0))?;
        Ok(Stats {
            docs,
            tombstones,
            spaces,
        })
    }

    /// The `seq` of the last change in `space` (0 before its first), i.e. the checkpoint at
    /// the end of its feed.
    pub fn last_seq(&self, space: &str) -> Result<i64, StoreError> {
        Ok(last_seq(&self.conn, space)?)
    }

    /// Whether SQLite overwrites deleted content with zeros on this connection
    /// (`PRAGMA secure_delete`, set on at open).
    pub fn secure_delete(&self) -> Result<bool, StoreError> {
        let on: i64 = self
            .conn
            .query_row("PRAGMA secure_delete", [], |r| r.get(0))?;
        Ok(on == 1)
    }

    /// Handles a push into `space`: every mutation in order, in one transaction
    /// (docs/sync-protocol.md, "Push"). `now_ms` is stored with each newly handled
    /// `(client, mid)`. Only `space`'s documents and memory are read or written.
    pub fn push(
        &mut self,
        space: &str,
        req: &PushRequest,
        now_ms: i64,
    ) -> Result<PushResponse, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut response = PushResponse::default();
        for m in &req.mutations {
            // 1. Seen before: the first outcome again, with the server's current document.
            let seen: Option<(String, String)> = tx
                .query_row(
                    "SELECT outcome, doc_id FROM handled
                     WHERE space = ?1 AND client = ?2 AND mid = ?3",
                    params![space, req.client, m.mid],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            if let Some((outcome, doc_id)) = seen {
                if outcome == "accepted" {
                    response.accepted.push(m.mid);
                } else {
                    let server = current(&tx, space, &doc_id)?;
                    response.conflicts.push(Conflict {
                        mid: m.mid,
                        id: doc_id,
                        server,
                    });
                }
                continue;
            }

            let doc = &m.doc;
            let server = current(&tx, space, &doc.id)?;
            let accepted = match &server {
                // 2. Accept: a new document, or one made on the server's current revision.
                None if doc.base_rev.is_none() => {
                    write_doc(&tx, space, doc)?;
                    true
                }
                Some(cur) if doc.base_rev.as_deref() == Some(cur.rev.as_str()) => {
                    write_doc(&tx, space, doc)?;
                    true
                }
                // 3. Same revision: the server already has it; nothing changes.
                Some(cur) if cur.rev == doc.rev => true,
                // 4. Conflict: nothing changes.
                _ => false,
            };
            tx.execute(
                "INSERT INTO handled (space, client, mid, outcome, doc_id, handled_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    space,
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

    /// The documents of `space` changed after `since`, oldest change first, at most `limit`
    /// of them and at most about [`PAGE_DATA_BYTES`] of data (docs/sync-protocol.md, "Pull").
    /// A checkpoint beyond the space's last change was not written for it (another server or
    /// space, or a database restored from an older backup): 400. Whether that is so depends on
    /// `space` alone, so a checkpoint from another space tells nothing about that space.
    pub fn changes(
        &mut self,
        space: &str,
        since: Checkpoint,
        limit: u32,
    ) -> Result<ChangesPage, StoreError> {
        let tx = self.conn.transaction()?;
        let last = last_seq(&tx, space)?;
        if since.0 > last {
            return Err(StoreError::Invalid(Invalid::BadRequest(format!(
                "since: checkpoint {since} is ahead of this space's last change {last} \
                 (was the database replaced or restored from an older backup?)"
            ))));
        }
        let mut stmt = tx.prepare_cached(
            "SELECT id, rev, base_rev, deleted, schema_ver, updated_ms, data, seq
             FROM docs WHERE space = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
        )?;
        let mut docs = Vec::new();
        let mut checkpoint = since;
        let mut more = false;
        let mut rows = stmt.query(params![space, since.0, i64::from(limit) + 1])?;
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

    /// The current document of `space` with this id, if any (tests and diagnostics).
    pub fn get(&self, space: &str, id: &str) -> Result<Option<Doc>, StoreError> {
        Ok(current(&self.conn, space, id)?)
    }
}

fn last_seq(conn: &Connection, space: &str) -> rusqlite::Result<i64> {
    Ok(conn
        .prepare_cached("SELECT seq FROM spaces WHERE space = ?1")?
        .query_row(params![space], |r| r.get(0))
        .optional()?
        .unwrap_or(0))
}

fn current(conn: &Connection, space: &str, id: &str) -> rusqlite::Result<Option<Doc>> {
    conn.prepare_cached(
        "SELECT id, rev, base_rev, deleted, schema_ver, updated_ms, data
         FROM docs WHERE space = ?1 AND id = ?2",
    )?
    .query_row(params![space, id], doc_from_row)
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

/// Stores `doc` as the current revision of its id in `space`, with the space's next `seq`
/// (a space's counter starts with its first change).
fn write_doc(conn: &Connection, space: &str, doc: &Doc) -> rusqlite::Result<()> {
    let seq: i64 = conn.query_row(
        "INSERT INTO spaces (space, seq) VALUES (?1, 1)
         ON CONFLICT (space) DO UPDATE SET seq = seq + 1
         RETURNING seq",
        params![space],
        |r| r.get(0),
    )?;
    conn.execute(
        "INSERT INTO docs (space, id, seq, rev, base_rev, deleted, schema_ver, updated_ms, data)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (space, id) DO UPDATE SET
           seq = excluded.seq, rev = excluded.rev, base_rev = excluded.base_rev,
           deleted = excluded.deleted, schema_ver = excluded.schema_ver,
           updated_ms = excluded.updated_ms, data = excluded.data",
        params![
            space,
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
