//! Spaces (docs/sync-protocol.md, "Spaces"): what one space does never reaches another, checked
//! on the store directly; and the migration of a database from before spaces (schema 1).

mod support;

use rusqlite::Connection;
use serde_json::value::RawValue;
use sync_server::protocol::{Checkpoint, Doc, Mutation, PushRequest, PushResponse, DEFAULT_SPACE};
use sync_server::store::{Store, StoreError};

const A: &str = "team-a";
const B: &str = "team-b";

fn doc(id: &str, rev: &str, base_rev: Option<&str>, data: &str) -> Doc {
    Doc {
        id: id.into(),
        rev: rev.into(),
        base_rev: base_rev.map(Into::into),
        deleted: false,
        schema: 2,
        updated_ms: 1_763_892_000_000,
        data: Some(RawValue::from_string(data.into()).unwrap()),
    }
}

fn tombstone(id: &str, rev: &str, base_rev: &str) -> Doc {
    Doc {
        deleted: true,
        data: None,
        ..doc(id, rev, Some(base_rev), "{}")
    }
}

fn push(store: &mut Store, space: &str, client: &str, mutations: &[(i64, Doc)]) -> PushResponse {
    let req = PushRequest {
        client: client.into(),
        mutations: mutations
            .iter()
            .map(|(mid, doc)| Mutation {
                mid: *mid,
                doc: doc.clone(),
            })
            .collect(),
    };
    store.push(space, &req, 1).unwrap()
}

/// Every document of `space`'s feed after `since`, as `id@rev`.
fn feed(store: &mut Store, space: &str, since: Checkpoint) -> Vec<String> {
    let page = store.changes(space, since, 1000).unwrap();
    assert!(!page.more);
    page.docs
        .iter()
        .map(|d| format!("{}@{}", d.id, d.rev))
        .collect()
}

#[test]
fn a_document_pushed_in_one_space_is_not_in_anothers_feed() {
    let mut s = Store::in_memory();
    push(&mut s, A, "c1", &[(1, doc("only-a", "1-a", None, "1"))]);
    push(&mut s, B, "c2", &[(1, doc("only-b", "1-b", None, "2"))]);
    assert_eq!(feed(&mut s, A, Checkpoint::START), ["only-a@1-a"]);
    assert_eq!(feed(&mut s, B, Checkpoint::START), ["only-b@1-b"]);
    assert_eq!(
        feed(&mut s, DEFAULT_SPACE, Checkpoint::START),
        [] as [&str; 0]
    );
    assert_eq!(s.get(B, "only-a").unwrap(), None);
}

#[test]
fn the_same_id_lives_independently_in_two_spaces_and_neither_overwrites_nor_deletes_the_other() {
    let mut s = Store::in_memory();
    push(
        &mut s,
        A,
        "c1",
        &[(1, doc("same", "1-a", None, r#"{"a":1}"#))],
    );

    // A new document with that id in B is new there: accepted, not a conflict with A's.
    let r = push(
        &mut s,
        B,
        "c2",
        &[(1, doc("same", "1-b", None, r#"{"b":1}"#))],
    );
    assert_eq!(r.accepted, vec![1], "{r:?}");
    // An edit in B made on A's revision is a conflict carrying B's document, never A's.
    let r = push(
        &mut s,
        B,
        "c2",
        &[(2, doc("same", "2-x", Some("1-a"), "0"))],
    );
    assert_eq!(r.conflicts.len(), 1);
    assert_eq!(r.conflicts[0].server.as_ref().unwrap().rev, "1-b");
    // B deletes its own; A's stays as it was.
    let r = push(&mut s, B, "c2", &[(3, tombstone("same", "2-b", "1-b"))]);
    assert_eq!(r.accepted, vec![3]);
    assert_eq!(
        s.get(A, "same").unwrap(),
        Some(doc("same", "1-a", None, r#"{"a":1}"#))
    );
    assert!(s.get(B, "same").unwrap().unwrap().deleted);
    assert_eq!(feed(&mut s, A, Checkpoint::START), ["same@1-a"]);
    assert_eq!(feed(&mut s, B, Checkpoint::START), ["same@2-b"]);
}

#[test]
fn a_document_that_exists_only_in_another_space_is_not_there_for_a_conflict() {
    let mut s = Store::in_memory();
    push(
        &mut s,
        A,
        "c1",
        &[(1, doc("secret", "1-a", None, r#"{"x":1}"#))],
    );
    // An edit in B of an id only A has: "the server never had it", no document carried.
    let r = push(
        &mut s,
        B,
        "c2",
        &[(1, doc("secret", "2-z", Some("1-a"), "0"))],
    );
    assert_eq!(r.conflicts.len(), 1);
    assert_eq!(r.conflicts[0].server, None);
}

#[test]
fn each_space_has_its_own_sequence_so_checkpoints_tell_nothing_of_another_space() {
    let mut s = Store::in_memory();
    push(&mut s, B, "c2", &[(1, doc("b1", "1-b", None, "1"))]);
    let b_before = s.last_seq(B).unwrap();
    for i in 0..5 {
        push(
            &mut s,
            A,
            "c1",
            &[(i, doc(&format!("a{i}"), "1-a", None, "1"))],
        );
    }
    assert_eq!(s.last_seq(A).unwrap(), 5);
    assert_eq!(
        s.last_seq(B).unwrap(),
        b_before,
        "A's changes did not move B's counter"
    );
    push(&mut s, B, "c2", &[(2, doc("b2", "1-b", None, "1"))]);
    assert_eq!(s.last_seq(B).unwrap(), b_before + 1);

    // A's checkpoint in B: beyond B's feed it is a 400 that depends on B alone…
    let a_cp = s.changes(A, Checkpoint::START, 1000).unwrap().checkpoint;
    assert_eq!(a_cp, Checkpoint(5));
    assert!(matches!(
        s.changes(B, a_cp, 1000),
        Err(StoreError::Invalid(_))
    ));
    // …and within it, B's own documents after that number, none of A's.
    assert_eq!(feed(&mut s, B, Checkpoint(1)), ["b2@1-b"]);
}

#[test]
fn mutation_ids_are_remembered_per_space() {
    let mut s = Store::in_memory();
    // The same device (client id) and mid in two spaces are two mutations.
    let r = push(&mut s, A, "device", &[(7, doc("x", "1-a", None, "1"))]);
    assert_eq!(r.accepted, vec![7]);
    let r = push(&mut s, B, "device", &[(7, doc("y", "1-b", None, "1"))]);
    assert_eq!(r.accepted, vec![7]);
    assert!(
        s.get(B, "y").unwrap().is_some(),
        "not answered from A's memory"
    );

    // A conflict remembered in A is not replayed in B: B would get A's document.
    push(
        &mut s,
        A,
        "other",
        &[(1, doc("z", "1-a", None, r#"{"a":"z"}"#))],
    );
    let r = push(
        &mut s,
        A,
        "device",
        &[(8, doc("z", "2-q", Some("0-q"), "1"))],
    );
    assert_eq!(r.conflicts.len(), 1);
    let r = push(&mut s, B, "device", &[(8, doc("z", "1-b", None, "1"))]);
    assert_eq!(r.accepted, vec![8], "{r:?}");
    assert_eq!(s.get(B, "z").unwrap().unwrap().rev, "1-b");
}

// --- migration from schema version 1 ---------------------------------------------------------

/// The schema of version 1, as the server before spaces wrote it (commit cedceb1,
/// sync-server/src/store.rs), verbatim.
const SCHEMA_V1: &str = "
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

/// A version-1 database as that server would have left it after: c1 made a (mid 1) and b
/// (mid 2), edited a (mid 3), deleted b (mid 4); c2's stale edit of a (mid 1) conflicted.
/// Its feed is a@2-a (seq 3), b@2-b deleted (seq 4); seq 1 and 2 were overwritten.
fn v1_database(path: &std::path::Path) {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(SCHEMA_V1).unwrap();
    conn.execute_batch(
        r#"
        INSERT INTO docs (id, seq, rev, base_rev, deleted, schema_ver, updated_ms, data) VALUES
            ('a', 3, '2-a', '1-a', 0, 2, 10, '{"v":2}'),
            ('b', 4, '2-b', '1-b', 1, 2, 11, NULL);
        INSERT INTO handled (client, mid, outcome, doc_id, handled_ms) VALUES
            ('c1', 1, 'accepted', 'a', 1), ('c1', 2, 'accepted', 'b', 1),
            ('c1', 3, 'accepted', 'a', 1), ('c1', 4, 'accepted', 'b', 1),
            ('c2', 1, 'conflict', 'a', 1);
        UPDATE meta SET value = 4 WHERE key = 'seq';
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

#[test]
fn a_version_1_database_becomes_the_default_space_and_its_checkpoints_stay_valid() {
    let dir = support::temp_dir("migrate");
    let path = dir.join("v1.sqlite3");
    v1_database(&path);
    assert_eq!(schema_version(&path), 1);
    {
        let mut s = Store::open(&path).unwrap();
        assert_eq!(schema_version(&path), 5, "1 → 2 → 3 → 4 → 5 in one go");
        let stats = s.stats().unwrap();
        assert_eq!((stats.docs, stats.tombstones, stats.spaces), (2, 1, 1));
        // Everything is in the default space, in the same order, with the same numbers.
        assert_eq!(s.last_seq(DEFAULT_SPACE).unwrap(), 4);
        let page = s.changes(DEFAULT_SPACE, Checkpoint::START, 1000).unwrap();
        assert_eq!(page.checkpoint, Checkpoint(4));
        let at = |d: Doc, ms: i64| Doc {
            updated_ms: ms,
            ..d
        };
        assert_eq!(
            page.docs,
            vec![
                at(doc("a", "2-a", Some("1-a"), r#"{"v":2}"#), 10),
                at(tombstone("b", "2-b", "1-b"), 11),
            ]
        );
        // A tablet's checkpoint from before (3) still means "after a".
        assert_eq!(feed(&mut s, DEFAULT_SPACE, Checkpoint(3)), ["b@2-b"]);
        // The memory of (client, mid) came along: a repeat is answered from it.
        let r = push(
            &mut s,
            DEFAULT_SPACE,
            "c1",
            &[(3, doc("a", "9-z", None, "0"))],
        );
        assert_eq!(r.accepted, vec![3]);
        let r = push(
            &mut s,
            DEFAULT_SPACE,
            "c2",
            &[(1, doc("a", "9-z", None, "0"))],
        );
        assert_eq!(r.conflicts[0].server.as_ref().unwrap().rev, "2-a");
        assert_eq!(
            s.last_seq(DEFAULT_SPACE).unwrap(),
            4,
            "the repeats changed nothing"
        );
        // The sequence goes on where it was; another space starts empty, at its own 1.
        push(
            &mut s,
            DEFAULT_SPACE,
            "c1",
            &[(5, doc("c", "1-c", None, "1"))],
        );
        assert_eq!(s.last_seq(DEFAULT_SPACE).unwrap(), 5);
        assert!(feed(&mut s, A, Checkpoint::START).is_empty());
        push(&mut s, A, "c1", &[(1, doc("a", "1-x", None, "1"))]);
        assert_eq!(s.last_seq(A).unwrap(), 1);
    }
    {
        // Opening it again does not migrate again.
        let mut s = Store::open(&path).unwrap();
        assert_eq!(schema_version(&path), 5, "1 → 2 → 3 → 4 → 5 in one go");
        assert_eq!(
            feed(&mut s, DEFAULT_SPACE, Checkpoint::START),
            ["a@2-a", "b@2-b", "c@1-c"]
        );
        assert_eq!(feed(&mut s, A, Checkpoint::START), ["a@1-x"]);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_database_of_an_unknown_version_is_refused_and_left_as_it_was() {
    let dir = support::temp_dir("newer");
    let path = dir.join("v6.sqlite3");
    v1_database(&path);
    Connection::open(&path)
        .unwrap()
        .execute("UPDATE meta SET value = 6 WHERE key = 'schema_version'", [])
        .unwrap();
    match Store::open(&path) {
        Err(StoreError::Incompatible(m)) => assert!(m.contains('6'), "{m}"),
        Err(e) => panic!("expected Incompatible, got {e}"),
        Ok(_) => panic!("a database of schema version 6 was opened"),
    }
    assert_eq!(schema_version(&path), 6);
    let docs: i64 = Connection::open(&path)
        .unwrap()
        .query_row("SELECT COUNT(*) FROM docs", [], |r| r.get(0))
        .unwrap();
    assert_eq!(docs, 2);
    std::fs::remove_dir_all(&dir).unwrap();
}
