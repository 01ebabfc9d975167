//! Deleting for good (docs/sync-protocol.md, "Deleting for good"): `Store::purge` and the
//! operator's `sync-server purge` command.

mod support;

use std::process::Command;

use serde_json::value::RawValue;
use support::temp_dir;
use sync_server::protocol::{Checkpoint, Doc, Mutation, PushRequest, PushResponse, DEFAULT_SPACE};
use sync_server::store::{Purged, Store};

const BIN: &str = env!("CARGO_BIN_EXE_sync-server");

fn doc(id: &str, rev: &str, base_rev: Option<&str>) -> Doc {
    Doc {
        id: id.into(),
        rev: rev.into(),
        base_rev: base_rev.map(Into::into),
        deleted: false,
        schema: 2,
        updated_ms: 1_763_892_000_000,
        data: Some(RawValue::from_string(r#"{"pseudonym":"QZ-SECRET"}"#.into()).unwrap()),
    }
}

fn tombstone(id: &str, rev: &str, base_rev: &str) -> Doc {
    Doc {
        deleted: true,
        data: None,
        ..doc(id, rev, Some(base_rev))
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

fn feed(store: &mut Store, space: &str) -> Vec<String> {
    let page = store.changes(space, Checkpoint::START, 1000).unwrap();
    page.docs
        .iter()
        .map(|d| format!("{}@{}", d.id, d.rev))
        .collect()
}

#[test]
fn a_tombstone_is_purged_and_the_id_is_new_again_but_old_mids_stay_answered() {
    let mut s = Store::in_memory();
    push(&mut s, DEFAULT_SPACE, "a", &[(1, doc("x", "1-aa", None))]);
    push(
        &mut s,
        DEFAULT_SPACE,
        "a",
        &[(2, tombstone("x", "2-bb", "1-aa"))],
    );
    push(&mut s, DEFAULT_SPACE, "a", &[(3, doc("y", "1-cc", None))]);
    // The same id in another space is not touched.
    push(&mut s, "other", "a", &[(1, doc("x", "1-aa", None))]);
    let last = s.last_seq(DEFAULT_SPACE).unwrap();

    assert_eq!(
        s.purge(DEFAULT_SPACE, "x", false).unwrap(),
        Purged::Tombstone
    );
    assert_eq!(feed(&mut s, DEFAULT_SPACE), ["y@1-cc"]);
    assert!(s.get(DEFAULT_SPACE, "x").unwrap().is_none());
    assert_eq!(feed(&mut s, "other"), ["x@1-aa"]);
    // The counter does not go back: checkpoints handed out stay valid.
    assert_eq!(s.last_seq(DEFAULT_SPACE).unwrap(), last);
    assert!(s.changes(DEFAULT_SPACE, Checkpoint(last), 10).is_ok());

    // A late retry of the old mutations is answered from memory and brings nothing back.
    let again = push(&mut s, DEFAULT_SPACE, "a", &[(1, doc("x", "1-aa", None))]);
    assert_eq!(again.accepted, [1]);
    assert!(s.get(DEFAULT_SPACE, "x").unwrap().is_none());

    // An edit on the purged revision: a conflict with no server document.
    let stale = push(
        &mut s,
        DEFAULT_SPACE,
        "b",
        &[(1, doc("x", "3-dd", Some("2-bb")))],
    );
    assert_eq!(stale.conflicts.len(), 1);
    assert!(stale.conflicts[0].server.is_none());

    // The id is "no document" again: base_rev null is accepted as a new document.
    let new = push(&mut s, DEFAULT_SPACE, "b", &[(2, doc("x", "1-ee", None))]);
    assert_eq!(new.accepted, [2]);
    assert_eq!(feed(&mut s, DEFAULT_SPACE), ["y@1-cc", "x@1-ee"]);
}

#[test]
fn a_live_document_is_purged_only_when_asked_for() {
    let mut s = Store::in_memory();
    push(&mut s, DEFAULT_SPACE, "a", &[(1, doc("x", "1-aa", None))]);
    assert_eq!(s.purge(DEFAULT_SPACE, "x", false).unwrap(), Purged::Live);
    assert_eq!(feed(&mut s, DEFAULT_SPACE), ["x@1-aa"]);
    assert_eq!(
        s.purge(DEFAULT_SPACE, "x", true).unwrap(),
        Purged::LiveDocument
    );
    assert!(feed(&mut s, DEFAULT_SPACE).is_empty());
    assert_eq!(s.purge(DEFAULT_SPACE, "x", true).unwrap(), Purged::NotFound);
    assert_eq!(s.purge("other", "x", true).unwrap(), Purged::NotFound);
}

fn purge_cmd(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN).arg("purge").args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_purge_command_deletes_for_good_and_leaves_no_copy_in_the_file() {
    let dir = temp_dir("purge");
    let db = dir.join("sync.sqlite3");
    {
        let mut s = Store::open(&db).unwrap();
        push(
            &mut s,
            DEFAULT_SPACE,
            "a",
            &[(1, doc("gone", "1-aa", None))],
        );
        push(
            &mut s,
            DEFAULT_SPACE,
            "a",
            &[(2, tombstone("gone", "2-bb", "1-aa"))],
        );
        push(
            &mut s,
            DEFAULT_SPACE,
            "a",
            &[(3, doc("live", "1-cc", None))],
        );
    }
    let db_arg = db.to_str().unwrap();

    // A live document needs --live.
    let (code, _, err) = purge_cmd(&["--db", db_arg, "--space", "default", "--id", "live"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("--live"), "{err}");

    let (code, out, err) = purge_cmd(&["--db", db_arg, "--space", "default", "--id", "gone"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("tombstone"), "{out}");
    let (code, out, err) = purge_cmd(&[
        "--db", db_arg, "--space", "default", "--id", "live", "--live",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("live document"), "{out}");

    // Gone from the feed, and (secure_delete, the WAL checkpointed) from the file's bytes.
    let mut s = Store::open(&db).unwrap();
    assert!(feed(&mut s, DEFAULT_SPACE).is_empty());
    drop(s);
    for entry in std::fs::read_dir(&dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(
            !bytes.windows(9).any(|w| w == b"QZ-SECRET"),
            "the purged content is still in the database files"
        );
    }

    // Nothing left to purge; wrong arguments are usage errors.
    let (code, _, err) = purge_cmd(&["--db", db_arg, "--space", "default", "--id", "gone"]);
    assert_eq!(code, 1, "{err}");
    for args in [
        &["--db", db_arg, "--space", "default"][..],
        &["--db", db_arg, "--space", "Not A Space", "--id", "x"][..],
        &["--db", db_arg, "--space", "default", "--id", "a/b"][..],
        &["--db", db_arg, "--space", "default", "--id", "x", "--what"][..],
    ] {
        assert_eq!(purge_cmd(args).0, 2, "{args:?}");
    }
    let missing = dir.join("missing.sqlite3");
    let (code, _, _) = purge_cmd(&[
        "--db",
        missing.to_str().unwrap(),
        "--space",
        "default",
        "--id",
        "x",
    ]);
    assert_eq!(code, 1);
    assert!(
        !missing.exists(),
        "purge made a database that was not there"
    );
    std::fs::remove_dir_all(&dir).ok();
}
