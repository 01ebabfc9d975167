//! The store's side of teams: the migrations from schema versions 2, 3 and 4, and devices,
//! invites, joins, public keys, key epochs, leaving and revoking without HTTP.

mod support;

use rusqlite::Connection;
use sync_server::protocol::{Checkpoint, DEFAULT_SPACE};
use sync_server::store::{InviteState, KeysRefused, Left, Revoked, Store, WrappedKey};

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
        assert_eq!(schema_version(&path), 5);
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
    assert_eq!(schema_version(&path), 5);
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

/// The team tables of schema version 3 (commit 2ae5456, sync-server/src/store.rs,
/// `MIGRATE_2_TO_3`), verbatim: a historical record, not the server's definition.
const TEAMS_V3: &str = "
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

/// A public key of the right form: 0x04 and 64 bytes of `fill`.
fn point(fill: u8) -> [u8; 65] {
    let mut p = [fill; 65];
    p[0] = 4;
    p
}

fn pairs(keys: &[WrappedKey]) -> Vec<(i64, String)> {
    keys.iter().map(|k| (k.epoch, k.wrapped.clone())).collect()
}

fn entries(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(d, w)| (d.to_string(), w.to_string()))
        .collect()
}

#[test]
fn a_version_3_database_keeps_its_teams_and_gets_public_keys_and_key_epochs() {
    let dir = support::temp_dir("migrate-3-4");
    let path = dir.join("v3.sqlite3");
    v2_database(&path);
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(TEAMS_V3).unwrap();
        conn.execute_batch(
            "INSERT INTO devices (token_sha256, device, space, owner, created_ms, revoked_ms) VALUES
                 (zeroblob(32), 'd-owner', 't-team', 1, 5, NULL),
                 (x'0101010101010101010101010101010101010101010101010101010101010101',
                  'd-gone', 't-team', 0, 6, 7);
             INSERT INTO invites (token_sha256, space, created_by, created_ms, expires_ms, used_ms, used_by)
             VALUES (x'0202020202020202020202020202020202020202020202020202020202020202',
                     't-team', 'd-owner', 5, 100, 6, 'd-gone');",
        )
        .unwrap();
    }
    assert_eq!(schema_version(&path), 3);
    {
        let mut s = Store::open(&path).unwrap();
        assert_eq!(schema_version(&path), 5);
        // Documents, devices and invites are all still there, the devices without a key.
        assert_eq!(feed(&mut s, DEFAULT_SPACE), ["a@1-a", "b@2-b"]);
        assert_eq!(feed(&mut s, "skole-b"), ["a@1-x"]);
        let devices = s.devices("t-team").unwrap();
        assert_eq!(devices.len(), 2);
        assert_eq!(
            (
                devices[0].device.as_str(),
                devices[0].owner,
                devices[0].revoked
            ),
            ("d-owner", true, false)
        );
        assert_eq!(
            (
                devices[1].device.as_str(),
                devices[1].owner,
                devices[1].revoked
            ),
            ("d-gone", false, true)
        );
        assert!(devices.iter().all(|d| d.public_key.is_none()));
        assert!(s.device_by_token(&[0; 32]).unwrap().unwrap().owner);
        assert_eq!(s.invite_state(&[2; 32], 6).unwrap(), InviteState::Used);
        assert_eq!(s.latest_epoch("t-team").unwrap(), None);
        // The new column and table work.
        assert!(s.set_public_key("t-team", "d-owner", &point(9)).unwrap());
        assert_eq!(
            s.add_keys("t-team", 2, &entries(&[("d-owner", "AA")]), 8)
                .unwrap(),
            Ok(())
        );
    }
    // The same definitions as a database made new by this version; no second migration.
    let fresh = dir.join("fresh.sqlite3");
    drop(Store::open(&fresh).unwrap());
    assert_eq!(definitions(&path), definitions(&fresh));
    assert!(definitions(&path).iter().any(|(n, _)| n == "team_keys"));
    let s = Store::open(&path).unwrap();
    assert_eq!(schema_version(&path), 5);
    assert_eq!(s.latest_epoch("t-team").unwrap(), Some(2));
    assert!(s.devices("t-team").unwrap()[0].public_key.is_some());
    drop(s);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_public_key_is_kept_with_its_device_and_can_be_replaced() {
    let mut s = Store::in_memory();
    s.create_team_with_key("t-a", "d-owner", &[1; 32], Some(&point(1)), 0)
        .unwrap();
    s.create_invite("t-a", "d-owner", &[2; 32], 0, 100).unwrap();
    s.create_invite("t-a", "d-owner", &[3; 32], 0, 100).unwrap();
    s.join_with_key(&[2; 32], "d-m", &[4; 32], Some(&point(2)), 1)
        .unwrap();
    s.join_with_key(&[3; 32], "d-n", &[5; 32], None, 2).unwrap();
    let keys = |s: &Store| -> Vec<Option<String>> {
        s.devices("t-a")
            .unwrap()
            .into_iter()
            .map(|d| d.public_key)
            .collect()
    };
    let text = |fill: u8| Some(sync_server::teams::public_key_text(&point(fill)));
    assert_eq!(keys(&s), [text(1), text(2), None]);
    // Set, replaced, and only for a live device of that space.
    assert!(s.set_public_key("t-a", "d-n", &point(3)).unwrap());
    assert!(s.set_public_key("t-a", "d-m", &point(4)).unwrap());
    assert!(!s.set_public_key("t-b", "d-m", &point(5)).unwrap());
    s.revoke_device("t-a", "d-m", 3).unwrap();
    assert!(!s.set_public_key("t-a", "d-m", &point(6)).unwrap());
    assert_eq!(keys(&s), [text(1), text(4), text(3)]);
}

#[test]
fn key_epochs_grow_are_stored_whole_or_not_at_all_and_each_device_reads_its_own() {
    let mut s = Store::in_memory();
    s.create_team("t-a", "d-owner", &[1; 32], 0).unwrap();
    s.create_invite("t-a", "d-owner", &[2; 32], 0, 100).unwrap();
    s.join(&[2; 32], "d-m", &[3; 32], 1).unwrap();
    s.create_invite("t-a", "d-owner", &[4; 32], 0, 100).unwrap();
    s.join(&[4; 32], "d-gone", &[5; 32], 1).unwrap();
    s.revoke_device("t-a", "d-gone", 2).unwrap();
    s.create_team("t-b", "d-other", &[6; 32], 0).unwrap();

    let ok = s
        .add_keys(
            "t-a",
            3,
            &entries(&[("d-owner", "b3duZXI"), ("d-m", "bTM")]),
            5,
        )
        .unwrap();
    assert_eq!(ok, Ok(()));
    // Each refusal stores nothing, not even the entries before the bad one.
    for (epoch, list, why) in [
        (
            3,
            vec![("d-owner", "QQ")],
            KeysRefused::EpochTaken { latest: 3 },
        ),
        (
            2,
            vec![("d-owner", "QQ")],
            KeysRefused::EpochTaken { latest: 3 },
        ),
        (
            4,
            vec![("d-owner", "QQ"), ("d-other", "QQ")],
            KeysRefused::NotADevice { index: 1 },
        ),
        (
            4,
            vec![("d-owner", "QQ"), ("d-nobody", "QQ")],
            KeysRefused::NotADevice { index: 1 },
        ),
        (
            4,
            vec![("d-owner", "QQ"), ("d-gone", "QQ")],
            KeysRefused::RevokedDevice { index: 1 },
        ),
        (
            4,
            vec![("d-m", "QQ"), ("d-owner", "QQ"), ("d-m", "QQ")],
            KeysRefused::Twice { index: 2 },
        ),
    ] {
        assert_eq!(
            s.add_keys("t-a", epoch, &entries(&list), 6).unwrap(),
            Err(why),
            "{epoch} {list:?}"
        );
        assert_eq!(s.latest_epoch("t-a").unwrap(), Some(3));
        assert_eq!(s.keys_for("t-a", "d-owner", 0).unwrap().len(), 1);
    }
    // Epochs are per space: another team starts anew, and an epoch may skip numbers.
    assert_eq!(
        s.add_keys("t-b", 2, &entries(&[("d-other", "T1")]), 6)
            .unwrap(),
        Ok(())
    );
    assert_eq!(
        s.add_keys("t-a", 10, &entries(&[("d-m", "bTEw")]), 7)
            .unwrap(),
        Ok(())
    );
    // A device reads its own keys after `since`, in epoch order; nothing of another device.
    assert_eq!(
        pairs(&s.keys_for("t-a", "d-m", 0).unwrap()),
        [(3, "bTM".to_string()), (10, "bTEw".to_string())]
    );
    assert_eq!(
        pairs(&s.keys_for("t-a", "d-m", 3).unwrap()),
        [(10, "bTEw".to_string())]
    );
    assert!(s.keys_for("t-a", "d-m", 10).unwrap().is_empty());
    assert_eq!(
        pairs(&s.keys_for("t-a", "d-owner", 0).unwrap()),
        [(3, "b3duZXI".to_string())]
    );
    assert!(s.keys_for("t-a", "d-other", 0).unwrap().is_empty());
    assert!(s.keys_for("t-b", "d-m", 0).unwrap().is_empty());
    assert_eq!(s.latest_epoch("t-b").unwrap(), Some(2));
}

/// The key-rotation tables of schema version 4 (commit 520d758, sync-server/src/store.rs,
/// `MIGRATE_3_TO_4`), verbatim: a historical record, not the server's definition.
const KEYS_V4: &str = "
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

/// The rows of `team_epochs`: `(space, epoch, created_ms)`, in key order.
fn epochs(path: &std::path::Path) -> Vec<(String, i64, i64)> {
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT space, epoch, created_ms FROM team_epochs ORDER BY space, epoch")
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    rows
}

#[test]
fn a_version_4_database_keeps_its_keys_and_gets_its_epochs_and_leaves() {
    let dir = support::temp_dir("migrate-4-5");
    let path = dir.join("v4.sqlite3");
    v2_database(&path);
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(TEAMS_V3).unwrap();
        conn.execute_batch(KEYS_V4).unwrap();
        // Two teams; t-team has epochs 2 (its keys stored at 20 and, one of them, at 21) and
        // 5, a revoked member, and a member with a public key; t-two has epoch 3.
        conn.execute_batch(
            "INSERT INTO devices (token_sha256, device, space, owner, created_ms, revoked_ms, public_key) VALUES
                 (zeroblob(32), 'd-owner', 't-team', 1, 5, NULL, NULL),
                 (x'0101010101010101010101010101010101010101010101010101010101010101',
                  'd-m', 't-team', 0, 6, NULL,
                  x'0400000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000'),
                 (x'0202020202020202020202020202020202020202020202020202020202020202',
                  'd-gone', 't-team', 0, 6, 30, NULL),
                 (x'0303030303030303030303030303030303030303030303030303030303030303',
                  'd-two', 't-two', 1, 7, NULL, NULL);
             INSERT INTO team_keys (space, epoch, device, wrapped, created_ms) VALUES
                 ('t-team', 2, 'd-owner', 'bzI', 20),
                 ('t-team', 2, 'd-m', 'bTI', 21),
                 ('t-team', 2, 'd-gone', 'ZzI', 20),
                 ('t-team', 5, 'd-m', 'bTU', 40),
                 ('t-two', 3, 'd-two', 'dDM', 50);",
        )
        .unwrap();
    }
    assert_eq!(schema_version(&path), 4);
    {
        let mut s = Store::open(&path).unwrap();
        assert_eq!(schema_version(&path), 5);
        // Documents, devices and wrapped keys are all still there.
        assert_eq!(feed(&mut s, DEFAULT_SPACE), ["a@1-a", "b@2-b"]);
        let devices = s.devices("t-team").unwrap();
        let summary: Vec<(&str, bool, bool, bool)> = devices
            .iter()
            .map(|d| (d.device.as_str(), d.owner, d.revoked, d.left))
            .collect();
        assert_eq!(
            summary,
            [
                ("d-owner", true, false, false),
                ("d-gone", false, true, false),
                ("d-m", false, false, false)
            ]
        );
        assert!(devices[2].public_key.is_some());
        assert_eq!(
            pairs(&s.keys_for("t-team", "d-m", 0).unwrap()),
            [(2, "bTI".to_string()), (5, "bTU".to_string())]
        );
        assert_eq!(s.keys_for("t-team", "d-gone", 0).unwrap().len(), 1);
        assert_eq!(s.latest_epoch("t-team").unwrap(), Some(5));
        assert_eq!(s.latest_epoch("t-two").unwrap(), Some(3));
        // Nobody has left: no new epoch is due.
        assert!(!s.rotation_due("t-team").unwrap());
        // The epochs table is what "must grow" is checked against.
        assert_eq!(
            s.add_keys("t-team", 5, &entries(&[("d-m", "QQ")]), 60)
                .unwrap(),
            Err(KeysRefused::EpochTaken { latest: 5 })
        );
    }
    // Each epoch once, with the time of its first wrapped key.
    assert_eq!(
        epochs(&path),
        [
            ("t-team".to_string(), 2, 20),
            ("t-team".to_string(), 5, 40),
            ("t-two".to_string(), 3, 50)
        ]
    );
    // The same definitions as a database made new by this version; no second migration.
    let fresh = dir.join("fresh.sqlite3");
    drop(Store::open(&fresh).unwrap());
    assert_eq!(definitions(&path), definitions(&fresh));
    assert!(definitions(&path).iter().any(|(n, _)| n == "team_epochs"));
    assert!(!definitions(&path)
        .iter()
        .any(|(n, _)| n == "team_keys_by_epoch"));
    let s = Store::open(&path).unwrap();
    assert_eq!(schema_version(&path), 5);
    assert_eq!(s.latest_epoch("t-team").unwrap(), Some(5));
    drop(s);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A team `t-a` with its owner `d-owner` (made at 0) and the members of `names` (joined at 1),
/// each with a public key.
fn team_with(s: &mut Store, names: &[&str]) {
    s.create_team("t-a", "d-owner", &[1; 32], 0).unwrap();
    for (i, name) in names.iter().enumerate() {
        let i = u8::try_from(i).unwrap();
        s.create_invite("t-a", "d-owner", &[100 + i; 32], 0, 1000)
            .unwrap();
        s.join_with_key(&[100 + i; 32], name, &[200 + i; 32], Some(&point(i + 1)), 1)
            .unwrap();
    }
}

#[test]
fn an_epoch_names_every_live_member_with_a_public_key_and_may_be_empty_without_one() {
    let mut s = Store::in_memory();
    team_with(&mut s, &["d-m", "d-n", "d-gone"]);
    s.create_invite("t-a", "d-owner", &[9; 32], 0, 1000)
        .unwrap();
    s.join(&[9; 32], "d-nokey", &[10; 32], 1).unwrap();
    s.revoke_device("t-a", "d-gone", 2).unwrap();
    // Each live member with a key must be named; the owner, a revoked device and a device
    // without a key need not be. A refusal stores nothing and leaves the epoch free.
    for (list, missing) in [
        (vec![("d-owner", "QQ"), ("d-m", "QQ")], vec!["d-n"]),
        (vec![("d-owner", "QQ")], vec!["d-m", "d-n"]),
        (vec![], vec!["d-m", "d-n"]),
        (vec![("d-nokey", "QQ"), ("d-n", "QQ")], vec!["d-m"]),
    ] {
        assert_eq!(
            s.add_keys("t-a", 2, &entries(&list), 5).unwrap(),
            Err(KeysRefused::Missing {
                devices: missing.iter().map(|d| d.to_string()).collect()
            }),
            "{list:?}"
        );
        assert_eq!(s.latest_epoch("t-a").unwrap(), None);
        for d in ["d-owner", "d-m", "d-n", "d-nokey"] {
            assert!(s.keys_for("t-a", d, 0).unwrap().is_empty());
        }
    }
    assert_eq!(
        s.add_keys("t-a", 2, &entries(&[("d-n", "bjI"), ("d-m", "bTI")]), 5)
            .unwrap(),
        Ok(())
    );
    assert_eq!(s.latest_epoch("t-a").unwrap(), Some(2));

    // A team whose only member has no key: an epoch with no entry is stored, and remembered.
    s.create_team("t-b", "d-b-owner", &[11; 32], 0).unwrap();
    s.create_invite("t-b", "d-b-owner", &[12; 32], 0, 1000)
        .unwrap();
    s.join(&[12; 32], "d-b-m", &[13; 32], 1).unwrap();
    assert_eq!(s.add_keys("t-b", 4, &[], 5).unwrap(), Ok(()));
    assert_eq!(s.latest_epoch("t-b").unwrap(), Some(4));
    assert!(s.keys_for("t-b", "d-b-m", 0).unwrap().is_empty());
    assert_eq!(
        s.add_keys("t-b", 4, &[], 6).unwrap(),
        Err(KeysRefused::EpochTaken { latest: 4 })
    );
    // Once it has a key, it must be named.
    assert!(s.set_public_key("t-b", "d-b-m", &point(7)).unwrap());
    assert_eq!(
        s.add_keys("t-b", 5, &[], 6).unwrap(),
        Err(KeysRefused::Missing {
            devices: vec!["d-b-m".to_string()]
        })
    );
}

#[test]
fn revoking_or_leaving_deletes_the_devices_wrapped_keys_of_every_epoch() {
    let mut s = Store::in_memory();
    team_with(&mut s, &["d-m", "d-n", "d-stay"]);
    let all = [
        ("d-owner", "bw"),
        ("d-m", "bQ"),
        ("d-n", "bg"),
        ("d-stay", "cw"),
    ];
    assert_eq!(s.add_keys("t-a", 2, &entries(&all), 5).unwrap(), Ok(()));
    assert_eq!(s.add_keys("t-a", 3, &entries(&all), 6).unwrap(), Ok(()));
    for d in ["d-owner", "d-m", "d-n", "d-stay"] {
        assert_eq!(s.keys_for("t-a", d, 0).unwrap().len(), 2, "{d}");
    }
    // The owner revokes d-m; d-n leaves by itself.
    assert_eq!(s.revoke_device("t-a", "d-m", 7).unwrap(), Revoked::Done);
    assert_eq!(s.leave("t-a", "d-n", 8).unwrap(), Left::Done);
    assert!(s.keys_for("t-a", "d-m", 0).unwrap().is_empty());
    assert!(s.keys_for("t-a", "d-n", 0).unwrap().is_empty());
    // Nobody else's keys went, and the epochs stay (a new one must still be larger).
    for d in ["d-owner", "d-stay"] {
        assert_eq!(s.keys_for("t-a", d, 0).unwrap().len(), 2, "{d}");
    }
    assert_eq!(s.latest_epoch("t-a").unwrap(), Some(3));
    assert_eq!(
        s.add_keys("t-a", 3, &entries(&[("d-stay", "QQ")]), 9)
            .unwrap(),
        Err(KeysRefused::EpochTaken { latest: 3 })
    );
    // Both are revoked; only d-n left by itself.
    let by_id = |s: &Store, id: &str| {
        let d = s
            .devices("t-a")
            .unwrap()
            .into_iter()
            .find(|d| d.device == id)
            .unwrap();
        (d.revoked, d.left)
    };
    assert_eq!(by_id(&s, "d-m"), (true, false));
    assert_eq!(by_id(&s, "d-n"), (true, true));
    assert_eq!(by_id(&s, "d-stay"), (false, false));
    assert!(s.device_by_token(&[201; 32]).unwrap().unwrap().revoked);
    // Neither can leave (again); the owner cannot leave; an unknown device is not found.
    assert_eq!(s.leave("t-a", "d-n", 9).unwrap(), Left::NotFound);
    assert_eq!(s.leave("t-a", "d-m", 9).unwrap(), Left::NotFound);
    assert_eq!(s.leave("t-a", "d-owner", 9).unwrap(), Left::Owner);
    assert_eq!(s.leave("t-b", "d-stay", 9).unwrap(), Left::NotFound);
    assert!(!s.device_by_token(&[1; 32]).unwrap().unwrap().revoked);
    // Revoking one that left changes nothing: it stays "left".
    assert_eq!(s.revoke_device("t-a", "d-n", 10).unwrap(), Revoked::Done);
    assert_eq!(by_id(&s, "d-n"), (true, true));
}

#[test]
fn a_new_epoch_is_due_after_a_member_leaves_or_is_removed_until_one_is_stored() {
    let mut s = Store::in_memory();
    team_with(&mut s, &["d-m", "d-n", "d-o"]);
    // Before the first epoch: a removal after the team was made (the device had the key).
    assert!(!s.rotation_due("t-a").unwrap());
    assert_eq!(s.revoke_device("t-a", "d-o", 3).unwrap(), Revoked::Done);
    assert!(s.rotation_due("t-a").unwrap(), "removed with the key");
    assert!(!s.rotation_due("t-other").unwrap());
    // An epoch stored after it ends it, even one stored in the same millisecond.
    assert_eq!(
        s.add_keys("t-a", 2, &entries(&[("d-m", "bQ"), ("d-n", "bg")]), 3)
            .unwrap(),
        Ok(())
    );
    assert!(!s.rotation_due("t-a").unwrap());
    // A leave in the same millisecond as the epoch is after it.
    assert_eq!(s.leave("t-a", "d-m", 3).unwrap(), Left::Done);
    assert!(s.rotation_due("t-a").unwrap(), "left with the key");
    assert_eq!(
        s.add_keys("t-a", 3, &entries(&[("d-n", "bg")]), 100)
            .unwrap(),
        Ok(())
    );
    assert!(!s.rotation_due("t-a").unwrap());
    // A removal with a clock that went back is still after the epoch, and the next epoch
    // (its clock further back still) still ends it.
    assert_eq!(s.revoke_device("t-a", "d-n", 50).unwrap(), Revoked::Done);
    assert!(s.rotation_due("t-a").unwrap());
    assert_eq!(s.add_keys("t-a", 4, &[], 60).unwrap(), Ok(()));
    assert!(!s.rotation_due("t-a").unwrap());
}
