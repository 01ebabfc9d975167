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
//!   Rows are deleted only by the operator's `sync-server purge` ([`Store::purge`]), so a
//!   tombstone keeps travelling in the changes feed until then.
//! - `handled`: every `(space, client, mid)` the server has handled, with its outcome
//!   (`accepted`/`conflict`) and the document id. Kept for good (the protocol asks ≥ 90 days).
//! - `devices` (schema 3): one row per device of a team made through `/teams` or `/join`: the
//!   SHA-256 of its token (never the token), its id, its space, whether it is the team's owner,
//!   when it was made and when it was revoked.
//! - `invites` (schema 3): one row per invite: the SHA-256 of its token, its space, the device
//!   that made it, its deadline, and when it was used (and by which new device).
//! - `devices.public_key` (schema 4): the device's ECDH public key (65 bytes), if it gave one.
//! - `team_keys` (schema 4): one row per `(space, device, epoch)`: the team key of that epoch
//!   wrapped for that device, as the owner sent it (opaque), and when it was stored. Keyed so
//!   that a device's keys are one range of the primary key (`GET /keys`); an index on
//!   `(space, epoch)` finds a space's largest epoch.
//! - `team_epochs` (schema 5): one row per `(space, epoch)` the owner stored, with when: the
//!   epochs a team has, also one with no wrapped key (no member had a public key), and also
//!   after its wrapped keys were deleted with their devices.
//! - `devices.left_ms` (schema 5): when a device left its team by itself (then `revoked_ms` is
//!   the same); NULL for one the owner revoked, or a live one.
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
//! - Migrations are one chain in [`Store::migrate`]: a new database is made at version 2
//!   ([`SCHEMA`]) and migrated like an old one, so each table's DDL of version 3 is written once
//!   ([`MIGRATE_2_TO_3`]).
//! - An invite is used at most once: [`Store::join`] marks it used and adds the device in one
//!   `BEGIN IMMEDIATE` transaction, with `used_ms IS NULL` in the `UPDATE`'s condition.
//! - A space's key epochs only grow: [`Store::add_keys`] reads the space's largest epoch (from
//!   `team_epochs`) and stores the new one and its keys in one `BEGIN IMMEDIATE` transaction,
//!   all of them or none; an epoch names every live member device that has a public key.
//! - A revoked device has no wrapped key: [`Store::revoke_device`] and [`Store::leave`] delete
//!   its keys of every epoch in the transaction that revokes it.
//! - A leave's time is later than the latest epoch's, and an epoch's time not earlier than the
//!   leaves before it (a time that would break this, because both fell in one millisecond or
//!   the clock went back, is moved to the nearest one that keeps it): so "a member left after
//!   the latest epoch" ([`Store::rotation_due`]) follows the order the store saw them in.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde_json::value::RawValue;

use crate::protocol::{ChangesPage, Checkpoint, Conflict, Doc, Invalid, PushRequest, PushResponse};

/// A changes page stops before its documents' `data` would pass this many bytes (it always
/// holds at least one document): `limit` 1000 of 256 KiB each would be 256 MiB in memory. The
/// protocol allows it ("at most `limit`"), and `more` says the rest is on the next page.
pub const PAGE_DATA_BYTES: usize = 8 * 1024 * 1024;

/// The schema this code writes. A database with a newer one is refused at start-up; older ones
/// are migrated ([`MIGRATE_1_TO_2`], [`MIGRATE_2_TO_3`], [`MIGRATE_3_TO_4`], [`MIGRATE_4_TO_5`]).
const SCHEMA_VERSION: i64 = 5;

/// A new database, at version 2; [`Store::migrate`] then takes it on to [`SCHEMA_VERSION`].
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

/// From schema version 2: the tables of teams (devices and invites). Also the last step of a
/// new database, so these definitions exist only here. Tokens are kept as their SHA-256 (a
/// 32-byte BLOB); the tokens themselves never reach the store.
const MIGRATE_2_TO_3: &str = "
CREATE TABLE devices (
    token_sha256  BLOB PRIMARY KEY CHECK (length(token_sha256) = 32),
    device        TEXT NOT NULL UNIQUE,
    space         TEXT NOT NULL,
    owner         INTEGER NOT NULL CHECK (owner IN (0, 1)),
    created_ms    INTEGER NOT NULL,
    revoked_ms    INTEGER
) WITHOUT ROWID;
CREATE INDEX devices_by_space ON devices (space, created_ms);

CREATE TABLE invites (
    token_sha256  BLOB PRIMARY KEY CHECK (length(token_sha256) = 32),
    space         TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_ms    INTEGER NOT NULL,
    expires_ms    INTEGER NOT NULL,
    used_ms       INTEGER,
    used_by       TEXT
) WITHOUT ROWID;

UPDATE meta SET value = 3 WHERE key = 'schema_version';
";

/// From schema version 3: key rotation (devices' public keys, the wrapped keys of each epoch).
/// Keeps every row; a device made before has no public key (NULL) until it sends one.
const MIGRATE_3_TO_4: &str = "
ALTER TABLE devices ADD COLUMN public_key BLOB CHECK (public_key IS NULL OR length(public_key) = 65);

CREATE TABLE team_keys (
    space       TEXT NOT NULL,
    epoch       INTEGER NOT NULL CHECK (epoch >= 2),
    device      TEXT NOT NULL,
    wrapped     TEXT NOT NULL,
    created_ms  INTEGER NOT NULL,
    PRIMARY KEY (space, device, epoch)
) WITHOUT ROWID;
CREATE INDEX team_keys_by_epoch ON team_keys (space, epoch);

UPDATE meta SET value = 4 WHERE key = 'schema_version';
";

/// From schema version 4: complete key epochs and devices that leave by themselves. A team's
/// epochs get their own table (an epoch may have no wrapped key at all, and a revoked device's
/// wrapped keys are deleted, so `team_keys` alone no longer tells which epochs a team has); it
/// is filled from the epochs in `team_keys`, each with the time of its first wrapped key. A
/// device that left by itself (`POST /devices/me/leave`) has `left_ms` (NULL for every device
/// before). The index on `team_keys (space, epoch)` found a space's largest epoch; `team_epochs`
/// does that now, so it goes. Keeps every row.
const MIGRATE_4_TO_5: &str = "
CREATE TABLE team_epochs (
    space       TEXT NOT NULL,
    epoch       INTEGER NOT NULL CHECK (epoch >= 2),
    created_ms  INTEGER NOT NULL,
    PRIMARY KEY (space, epoch)
) WITHOUT ROWID;
INSERT INTO team_epochs (space, epoch, created_ms)
    SELECT space, epoch, MIN(created_ms) FROM team_keys GROUP BY space, epoch;
DROP INDEX team_keys_by_epoch;

ALTER TABLE devices ADD COLUMN left_ms INTEGER;

UPDATE meta SET value = 5 WHERE key = 'schema_version';
";

/// The migrations, each from the version before it: `MIGRATIONS[i]` goes from `i + 1` to `i + 2`.
const MIGRATIONS: [&str; 4] = [
    MIGRATE_1_TO_2,
    MIGRATE_2_TO_3,
    MIGRATE_3_TO_4,
    MIGRATE_4_TO_5,
];

/// A device of a team, found by its token's hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub device: String,
    pub space: String,
    pub owner: bool,
    pub revoked: bool,
}

/// A device as `GET /devices` lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DeviceInfo {
    pub device: String,
    pub owner: bool,
    pub created_ms: i64,
    pub revoked: bool,
    /// Whether the device left by itself (`POST /devices/me/leave`); then `revoked` too.
    pub left: bool,
    /// The device's public key as base64url without padding, or `null`.
    pub public_key: Option<String>,
}

/// One wrapped key of a device, as `GET /keys` lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct WrappedKey {
    pub epoch: i64,
    pub wrapped: String,
}

/// Why [`Store::add_keys`] stored nothing. Entries are named by their place in the request
/// (never by a value the caller sent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeysRefused {
    /// The space already has this epoch or a later one (the largest is `latest`).
    EpochTaken { latest: i64 },
    /// Entry `index` names no device of the space.
    NotADevice { index: usize },
    /// Entry `index` names a revoked device.
    RevokedDevice { index: usize },
    /// Entry `index` names the same device as an earlier one.
    Twice { index: usize },
    /// Live member devices with a public key that the epoch does not name (their ids, oldest
    /// first): an epoch must carry a wrapped key for each of them.
    Missing { devices: Vec<String> },
}

/// What [`Store::leave`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Left {
    /// The device is revoked now, as one that left by itself, and its wrapped keys are gone.
    Done,
    /// The device is the team's owner: it cannot leave (nothing changed).
    Owner,
    /// No live device of that id in the space (revoked before, or unknown): nothing changed.
    NotFound,
}

/// What an invite token is (or would be) worth at a moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InviteState {
    /// No invite has this hash.
    Unknown,
    Used,
    Expired,
    /// Usable, for this space.
    Open {
        space: String,
    },
}

/// What [`Store::purge`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purged {
    /// A tombstone was deleted for good.
    Tombstone,
    /// A live document was deleted for good (asked for with `live_too`).
    LiveDocument,
    /// The document is live and `live_too` was not given: nothing changed.
    Live,
    /// No document with that id in that space.
    NotFound,
}

/// What [`Store::revoke_device`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revoked {
    /// Revoked now, or it already was.
    Done,
    /// No device of that id in the space.
    NotFound,
    /// The device is the team's owner (the owner cannot revoke itself).
    Owner,
}

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
            StoreError::Invalid(
                Invalid::BadRequest(m) | Invalid::TooLarge(m) | Invalid::CheckpointAhead(m),
            ) => f.write_str(m),
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
        let from = match (has_meta, version) {
            (false, _) => {
                tx.execute_batch(SCHEMA)?;
                None
            }
            (true, Some(v)) if (1..=SCHEMA_VERSION).contains(&v) => Some(v),
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
        };
        // A new database starts at version 2 (SCHEMA) and goes the same way as an old one.
        let mut at = from.unwrap_or(2);
        while at < SCHEMA_VERSION {
            tx.execute_batch(MIGRATIONS[(at - 1) as usize])?;
            at += 1;
        }
        tx.commit()?;
        match from {
            // Once per database: an operator who wonders where the spaces came from sees it.
            Some(1) => tracing::info!(
                "database migrated from schema version 1 to {SCHEMA_VERSION}: \
                 its documents are now the space \"default\""
            ),
            Some(v) if v < SCHEMA_VERSION => tracing::info!(
                "database migrated from schema version {v} to {SCHEMA_VERSION} \
                 (tables for teams and their key epochs added)"
            ),
            _ => {}
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
            return Err(StoreError::Invalid(Invalid::CheckpointAhead(format!(
                "since: checkpoint {since} is ahead of this space's last change {last} \
                 (was the database replaced or restored from an older backup?); \
                 pull again from the empty checkpoint"
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

    /// Deletes the document `id` of `space` for good (the operator's `sync-server purge`):
    /// its row goes, so it leaves the feed, and with `secure_delete` its bytes are overwritten
    /// in the file; the WAL is checkpointed so no copy stays there either. Its memory of handled
    /// `(client, mid)` pairs stays (it holds no content), so a late retry of an old mutation of
    /// it is still answered from memory and cannot bring it back. A live document is purged
    /// only with `live_too` (the safe way is to delete it in the app first and purge the
    /// tombstone once every device has pulled it). The space's counter does not go back.
    pub fn purge(&mut self, space: &str, id: &str, live_too: bool) -> Result<Purged, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let Some(doc) = current(&tx, space, id)? else {
            return Ok(Purged::NotFound);
        };
        if !doc.deleted && !live_too {
            return Ok(Purged::Live);
        }
        tx.execute(
            "DELETE FROM docs WHERE space = ?1 AND id = ?2",
            params![space, id],
        )?;
        tx.commit()?;
        // In WAL mode the old page may still sit in the -wal file until a checkpoint.
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(if doc.deleted {
            Purged::Tombstone
        } else {
            Purged::LiveDocument
        })
    }

    /// The current document of `space` with this id, if any (tests and diagnostics).
    pub fn get(&self, space: &str, id: &str) -> Result<Option<Doc>, StoreError> {
        Ok(current(&self.conn, space, id)?)
    }

    /// Makes a team: its first device, the owner, in the new `space`.
    pub fn create_team(
        &mut self,
        space: &str,
        device: &str,
        token_sha256: &[u8; 32],
        now_ms: i64,
    ) -> Result<(), StoreError> {
        self.create_team_with_key(space, device, token_sha256, None, now_ms)
    }

    /// [`Store::create_team`], the owner device with its public key (if given) in the same row.
    pub fn create_team_with_key(
        &mut self,
        space: &str,
        device: &str,
        token_sha256: &[u8; 32],
        public_key: Option<&[u8; 65]>,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO devices (token_sha256, device, space, owner, created_ms, public_key)
             VALUES (?1, ?2, ?3, 1, ?4, ?5)",
            params![
                &token_sha256[..],
                device,
                space,
                now_ms,
                public_key.map(|k| &k[..])
            ],
        )?;
        Ok(())
    }

    /// The device whose token has this SHA-256, revoked or not.
    ///
    /// Looked up by the hash with an index, not compared in constant time: the hash is of 32
    /// random bytes, so how long a lookup takes can tell at most something about a hash, and
    /// knowing a hash does not help to find a token whose SHA-256 it is.
    pub fn device_by_token(&self, token_sha256: &[u8; 32]) -> Result<Option<Device>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT device, space, owner, revoked_ms IS NOT NULL
                 FROM devices WHERE token_sha256 = ?1",
            )?
            .query_row(params![&token_sha256[..]], |r| {
                Ok(Device {
                    device: r.get(0)?,
                    space: r.get(1)?,
                    owner: r.get(2)?,
                    revoked: r.get(3)?,
                })
            })
            .optional()?)
    }

    /// Stores an invite to `space` made by `by` (a device id), valid until `expires_ms`.
    pub fn create_invite(
        &mut self,
        space: &str,
        by: &str,
        token_sha256: &[u8; 32],
        now_ms: i64,
        expires_ms: i64,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO invites (token_sha256, space, created_by, created_ms, expires_ms)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![&token_sha256[..], space, by, now_ms, expires_ms],
        )?;
        Ok(())
    }

    /// What the invite with this hash is worth at `now_ms` (nothing changes). An invite is
    /// expired from its deadline on (`now_ms >= expires_ms`).
    pub fn invite_state(
        &self,
        token_sha256: &[u8; 32],
        now_ms: i64,
    ) -> Result<InviteState, StoreError> {
        Ok(invite_state(&self.conn, token_sha256, now_ms)?)
    }

    /// Uses the invite with this hash, if it is open at `now_ms`, and adds the device `device`
    /// (token hash `device_sha256`) as a member of its space, in one transaction: of two joins
    /// with the same invite, exactly one gets `Open`, the other `Used`. Returns the state the
    /// invite had (so anything but `Open` changed nothing).
    pub fn join(
        &mut self,
        invite_sha256: &[u8; 32],
        device: &str,
        device_sha256: &[u8; 32],
        now_ms: i64,
    ) -> Result<InviteState, StoreError> {
        self.join_with_key(invite_sha256, device, device_sha256, None, now_ms)
    }

    /// [`Store::join`], the new device with its public key (if given), in the same transaction.
    pub fn join_with_key(
        &mut self,
        invite_sha256: &[u8; 32],
        device: &str,
        device_sha256: &[u8; 32],
        public_key: Option<&[u8; 65]>,
        now_ms: i64,
    ) -> Result<InviteState, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let state = invite_state(&tx, invite_sha256, now_ms)?;
        let InviteState::Open { space } = &state else {
            return Ok(state);
        };
        // `used_ms IS NULL` once more: even a second writer on the file cannot use it twice.
        let marked = tx.execute(
            "UPDATE invites SET used_ms = ?2, used_by = ?3
             WHERE token_sha256 = ?1 AND used_ms IS NULL",
            params![&invite_sha256[..], now_ms, device],
        )?;
        if marked != 1 {
            return Ok(InviteState::Used);
        }
        tx.execute(
            "INSERT INTO devices (token_sha256, device, space, owner, created_ms, public_key)
             VALUES (?1, ?2, ?3, 0, ?4, ?5)",
            params![
                &device_sha256[..],
                device,
                space,
                now_ms,
                public_key.map(|k| &k[..])
            ],
        )?;
        tx.commit()?;
        Ok(state)
    }

    /// The devices of `space`, oldest first.
    pub fn devices(&self, space: &str) -> Result<Vec<DeviceInfo>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT device, owner, created_ms, revoked_ms IS NOT NULL, left_ms IS NOT NULL,
                    public_key
             FROM devices WHERE space = ?1 ORDER BY created_ms, device",
        )?;
        let rows = stmt.query_map(params![space], |r| {
            let public_key: Option<Vec<u8>> = r.get(5)?;
            Ok(DeviceInfo {
                device: r.get(0)?,
                owner: r.get(1)?,
                created_ms: r.get(2)?,
                revoked: r.get(3)?,
                left: r.get(4)?,
                public_key: public_key.map(|k| crate::teams::public_key_text(&k)),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Revokes the member `device` of `space` (its token is refused from now on) and deletes
    /// the keys wrapped for it (of every epoch), in one transaction. The owner is not revoked
    /// this way. Revoking a revoked device again changes nothing (its keys are gone already).
    /// Its `revoked_ms` is at least 1 ms after the team's latest epoch, as for [`Store::leave`]:
    /// the removed device had the current key, so a new one is due ([`Store::rotation_due`]).
    pub fn revoke_device(
        &mut self,
        space: &str,
        device: &str,
        now_ms: i64,
    ) -> Result<Revoked, StoreError> {
        Ok(match self.end_member(space, device, now_ms, false)? {
            None => Revoked::NotFound,
            Some(true) => Revoked::Owner,
            Some(false) => Revoked::Done,
        })
    }

    /// The member `device` of `space` leaves its team by itself (`POST /devices/me/leave`): it
    /// is revoked, marked as having left, and the keys wrapped for it are deleted, in one
    /// transaction. Its `left_ms` is `now_ms`, but at least 1 ms after the team's latest epoch
    /// (or the team's making), so that [`Store::rotation_due`] sees a leave that came after
    /// the epoch even when both fell in the same millisecond (or the clock went back).
    pub fn leave(&mut self, space: &str, device: &str, now_ms: i64) -> Result<Left, StoreError> {
        Ok(match self.end_member(space, device, now_ms, true)? {
            None => Left::NotFound,
            Some(true) => Left::Owner,
            Some(false) => Left::Done,
        })
    }

    /// [`Store::revoke_device`] (`left` false: any device of the space is found, a revoked one
    /// stays as it was) and [`Store::leave`] (`left` true: only a live device is found, and it
    /// is marked as having left). Returns whether the device found is the owner (which is not
    /// changed), `None` when none was found.
    fn end_member(
        &mut self,
        space: &str,
        device: &str,
        now_ms: i64,
        left: bool,
    ) -> Result<Option<bool>, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let owner: Option<bool> = tx
            .query_row(
                "SELECT owner FROM devices
                 WHERE space = ?1 AND device = ?2 AND (?3 = 0 OR revoked_ms IS NULL)",
                params![space, device, left],
                |r| r.get(0),
            )
            .optional()?;
        if owner == Some(false) {
            let at = after_baseline(&tx, space, now_ms)?;
            tx.execute(
                "UPDATE devices SET revoked_ms = ?3,
                     left_ms = CASE WHEN ?4 THEN ?3 ELSE left_ms END
                 WHERE space = ?1 AND device = ?2 AND revoked_ms IS NULL",
                params![space, device, at, left],
            )?;
            delete_wrapped_keys(&tx, space, device)?;
            tx.commit()?;
        }
        Ok(owner)
    }

    /// Whether a member of `space` was revoked (it left by itself, or the owner removed it)
    /// after the space's latest key epoch was stored (or, before the first epoch, after the
    /// team was made): it had the current key, so the owner should make a new epoch
    /// (`GET /keys`'s `rotation_due`). Storing an epoch ends it. The app removes a device
    /// first and makes the new key right after; should that fail, its next round does it.
    pub fn rotation_due(&self, space: &str) -> Result<bool, StoreError> {
        let Some(baseline) = rotation_baseline(&self.conn, space)? else {
            return Ok(false);
        };
        Ok(self
            .conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM devices WHERE space = ?1 AND revoked_ms > ?2)",
            )?
            .query_row(params![space, baseline], |r| r.get(0))?)
    }
}

impl Store {
    /// Sets (or replaces) the public key of the live device `device` of `space`. Returns
    /// whether such a device was found (a revoked one is not changed).
    pub fn set_public_key(
        &mut self,
        space: &str,
        device: &str,
        public_key: &[u8; 65],
    ) -> Result<bool, StoreError> {
        let changed = self.conn.execute(
            "UPDATE devices SET public_key = ?3
             WHERE space = ?1 AND device = ?2 AND revoked_ms IS NULL",
            params![space, device, &public_key[..]],
        )?;
        Ok(changed == 1)
    }

    /// The largest key epoch stored for `space` (`None` before its first `add_keys`).
    pub fn latest_epoch(&self, space: &str) -> Result<Option<i64>, StoreError> {
        Ok(latest_epoch(&self.conn, space)?)
    }

    /// Stores the key epoch `epoch` of `space`: for each `(device, wrapped)` the team key
    /// wrapped for that device. All of them or none, in one transaction: `epoch` must be
    /// larger than every epoch of the space, each device a live device of the space, named
    /// once, and every live member device with a public key must be named (the owner need not
    /// be; a device without a public key cannot be). With no such device an epoch may have no
    /// entry at all. `Ok(Err(…))` says why nothing was stored; the checks come in that order.
    ///
    /// The epoch's time is `now_ms`, but not before the latest `revoked_ms` of the space, so
    /// that a removal or leave this epoch follows never counts as after it
    /// ([`Store::rotation_due`]).
    pub fn add_keys(
        &mut self,
        space: &str,
        epoch: i64,
        keys: &[(String, String)],
        now_ms: i64,
    ) -> Result<Result<(), KeysRefused>, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        if let Some(latest) = latest_epoch(&tx, space)? {
            if epoch <= latest {
                return Ok(Err(KeysRefused::EpochTaken { latest }));
            }
        }
        let last_revoked: Option<i64> = tx
            .prepare_cached("SELECT MAX(revoked_ms) FROM devices WHERE space = ?1")?
            .query_row(params![space], |r| r.get(0))?;
        let at = last_revoked.map_or(now_ms, |revoked| now_ms.max(revoked));
        let mut seen = std::collections::HashSet::new();
        for (index, (device, wrapped)) in keys.iter().enumerate() {
            if !seen.insert(device.as_str()) {
                return Ok(Err(KeysRefused::Twice { index }));
            }
            let revoked: Option<bool> = tx
                .prepare_cached(
                    "SELECT revoked_ms IS NOT NULL FROM devices WHERE space = ?1 AND device = ?2",
                )?
                .query_row(params![space, device], |r| r.get(0))
                .optional()?;
            match revoked {
                None => return Ok(Err(KeysRefused::NotADevice { index })),
                Some(true) => return Ok(Err(KeysRefused::RevokedDevice { index })),
                Some(false) => {}
            }
            tx.prepare_cached(
                "INSERT INTO team_keys (space, epoch, device, wrapped, created_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![space, epoch, device, wrapped, at])?;
        }
        let required: Vec<String> = tx
            .prepare_cached(
                "SELECT device FROM devices
                 WHERE space = ?1 AND owner = 0 AND revoked_ms IS NULL AND public_key IS NOT NULL
                 ORDER BY created_ms, device",
            )?
            .query_map(params![space], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let missing: Vec<String> = required
            .into_iter()
            .filter(|d| !seen.contains(d.as_str()))
            .collect();
        if !missing.is_empty() {
            return Ok(Err(KeysRefused::Missing { devices: missing }));
        }
        tx.prepare_cached(
            "INSERT INTO team_epochs (space, epoch, created_ms) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![space, epoch, at])?;
        tx.commit()?;
        Ok(Ok(()))
    }

    /// The keys wrapped for `device` of `space` with an epoch after `since`, oldest first.
    pub fn keys_for(
        &self,
        space: &str,
        device: &str,
        since: i64,
    ) -> Result<Vec<WrappedKey>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT epoch, wrapped FROM team_keys
             WHERE device = ?2 AND space = ?1 AND epoch > ?3 ORDER BY epoch",
        )?;
        let rows = stmt.query_map(params![space, device, since], |r| {
            Ok(WrappedKey {
                epoch: r.get(0)?,
                wrapped: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

fn latest_epoch(conn: &Connection, space: &str) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached("SELECT MAX(epoch) FROM team_epochs WHERE space = ?1")?
        .query_row(params![space], |r| r.get(0))
}

/// The time a leave must come after to make a new epoch due: the latest epoch's, or, before
/// the first epoch, the owner device's (the team's making). `None` for a space without a team.
fn rotation_baseline(conn: &Connection, space: &str) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached(
        "SELECT COALESCE(
             (SELECT created_ms FROM team_epochs WHERE space = ?1 ORDER BY epoch DESC LIMIT 1),
             (SELECT MIN(created_ms) FROM devices WHERE space = ?1 AND owner = 1))",
    )?
    .query_row(params![space], |r| r.get(0))
}

/// `now_ms`, but at least 1 ms after the space's rotation baseline (its latest epoch, or its
/// making): a revocation at that time counts as after it even in the same millisecond, or when
/// the clock went back.
fn after_baseline(conn: &Connection, space: &str, now_ms: i64) -> rusqlite::Result<i64> {
    Ok(match rotation_baseline(conn, space)? {
        Some(baseline) => now_ms.max(baseline.saturating_add(1)),
        None => now_ms,
    })
}

/// Deletes every key wrapped for `device` of `space` (all epochs): a range of the primary key.
fn delete_wrapped_keys(conn: &Connection, space: &str, device: &str) -> rusqlite::Result<usize> {
    conn.prepare_cached("DELETE FROM team_keys WHERE space = ?1 AND device = ?2")?
        .execute(params![space, device])
}

fn invite_state(
    conn: &Connection,
    token_sha256: &[u8; 32],
    now_ms: i64,
) -> rusqlite::Result<InviteState> {
    let row: Option<(String, i64, bool)> = conn
        .prepare_cached(
            "SELECT space, expires_ms, used_ms IS NOT NULL FROM invites WHERE token_sha256 = ?1",
        )?
        .query_row(params![&token_sha256[..]], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    Ok(match row {
        None => InviteState::Unknown,
        Some((_, _, true)) => InviteState::Used,
        Some((_, expires_ms, false)) if now_ms >= expires_ms => InviteState::Expired,
        Some((space, _, false)) => InviteState::Open { space },
    })
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
