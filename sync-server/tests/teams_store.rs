//! The store's side of teams: the migration from schema version 2, and devices, invites and
//! joins without HTTP.

mod support;

use rusqlite::Connection;
use sync_server::protocol::{Checkpoint, DEFAULT_SPACE};
use sync_server::store::{InviteState, Revoked, Store};

/// The schema of version 2, as the server before teams wrote it (commit 97736d3,
/// sync-server/src/store.rs), verbatim: a historical record, not the server's definition.
const SCHEMA_V2: &str = "
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

/// A version-2 database with two spaces' documents and their memory of mutations.
fn v2_database(path: &std::path::Path) {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(SCHEMA_V2).unwrap();
    conn.execute_batch(
        r#"
        INSERT INTO spaces (space, seq) VALUES ('default', 2), ('skole-b', 1);
        INSERT INTO docs (space, id, seq, rev, base_rev, deleted, schema_ver, updated_ms, data) VALUES
            ('default', 'a', 1, '1-a', NULL, 0, 2, 10, '{"v":1}'),
            ('default', 'b', 2, '2-b', '1-b', 1, 2, 11, NULL),
            ('skole-b', 'a', 1, '1-x', NULL, 0, 2, 12, '{"v":"b"}');
        INSERT INTO handled (space, client, mid, outcome, doc_id, handled_ms) VALUES
            ('default', 'c1', 1, 'accepted', 'a', 1),
            ('skole-b', 'c1', 1, 'accepted', 'a', 1);
        "#,
    )
    .unwrap();
}

fn schema_version(path: &std::path::Path) -> i64 {
    Connection::open(path)
        .unwrap()
        .query_row(
            "SELECT value FROM meta WHERE key = 'schema_version'",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

/// Every table's and index's definition, by name.
fn definitions(path: &std::path::Path) -> Vec<(String, String)> {
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    rows
}

fn feed(s: &mut Store, space: &str) -> Vec<String> {
    s.changes(space, Checkpoint::START, 1000)
        .unwrap()
        .docs
        .into_iter()
        .map(|d| format!("{}@{}", d.id, d.rev))
        .collect()
}

#[test]
fn a_version_2_database_keeps_its_data_and_gets_the_team_tables() {
    let dir = support::temp_dir("migrate-2-3");
    let path = dir.join("v2.sqlite3");
    v2_database(&path);
    assert_eq!(schema_version(&path), 2);
    {
        let mut s = Store::open(&path).unwrap();
        assert_eq!(schema_version(&path), 3);
        assert_eq!(feed(&mut s, DEFAULT_SPACE), ["a@1-a", "b@2-b"]);
        assert_eq!(feed(&mut s, "skole-b"), ["a@1-x"]);
        assert_eq!(s.last_seq(DEFAULT_SPACE).unwrap(), 2);
        // The new tables work.
        s.create_team("t-team", "d-owner", &[1; 32], 5).unwrap();
        assert!(s.device_by_token(&[1; 32]).unwrap().unwrap().owner);
        s.create_invite("t-team", "d-owner", &[2; 32], 5, 100)
            .unwrap();
        assert_eq!(
            s.invite_state(&[2; 32], 6).unwrap(),
            InviteState::Open {
                space: "t-team".into()
            }
        );
    }
    // The same tables as a database made new by this version, and no second migration.
    let fresh = dir.join("fresh.sqlite3");
    drop(Store::open(&fresh).unwrap());
    assert_eq!(definitions(&path), definitions(&fresh));
    assert!(definitions(&path).iter().any(|(n, _)| n == "devices"));
    assert!(definitions(&path).iter().any(|(n, _)| n == "invites"));
    let s = Store::open(&path).unwrap();
    assert_eq!(schema_version(&path), 3);
    assert_eq!(s.devices("t-team").unwrap().len(), 1);
    drop(s);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_invite_is_used_once_and_a_deadline_is_exclusive() {
    let mut s = Store::in_memory();
    s.create_team("t-a", "d-owner", &[1; 32], 0).unwrap();
    s.create_invite("t-a", "d-owner", &[2; 32], 0, 100).unwrap();
    assert_eq!(s.invite_state(&[9; 32], 0).unwrap(), InviteState::Unknown);
    assert_eq!(s.invite_state(&[2; 32], 100).unwrap(), InviteState::Expired);
    assert_eq!(
        s.join(&[2; 32], "d-late", &[3; 32], 100).unwrap(),
        InviteState::Expired
    );
    assert!(s.device_by_token(&[3; 32]).unwrap().is_none());
    assert_eq!(
        s.join(&[2; 32], "d-m", &[3; 32], 99).unwrap(),
        InviteState::Open {
            space: "t-a".into()
        }
    );
    assert_eq!(
        s.join(&[2; 32], "d-n", &[4; 32], 99).unwrap(),
        InviteState::Used
    );
    assert!(s.device_by_token(&[4; 32]).unwrap().is_none());
    let m = s.device_by_token(&[3; 32]).unwrap().unwrap();
    assert_eq!(
        (m.space.as_str(), m.owner, m.revoked),
        ("t-a", false, false)
    );
    assert_eq!(
        s.revoke_device("t-a", "d-owner", 5).unwrap(),
        Revoked::Owner
    );
    assert_eq!(s.revoke_device("t-b", "d-m", 5).unwrap(), Revoked::NotFound);
    assert_eq!(s.revoke_device("t-a", "d-m", 5).unwrap(), Revoked::Done);
    assert!(s.device_by_token(&[3; 32]).unwrap().unwrap().revoked);
}
