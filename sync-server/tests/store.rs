//! The push and pull rules of docs/sync-protocol.md, checked on the store directly (no HTTP).

mod support;

use serde_json::value::RawValue;
use sync_server::protocol::{Checkpoint, Doc, Mutation, PushRequest, PushResponse, DEFAULT_SPACE};
use sync_server::store::{Store, StoreError};

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

fn push(store: &mut Store, client: &str, mutations: &[(i64, Doc)]) -> PushResponse {
    store
        .push(
            DEFAULT_SPACE,
            &PushRequest {
                client: client.into(),
                mutations: mutations
                    .iter()
                    .map(|(mid, doc)| Mutation {
                        mid: *mid,
                        doc: doc.clone(),
                    })
                    .collect(),
            },
            1,
        )
        .unwrap()
}

fn all_changes(store: &mut Store, since: Checkpoint) -> (Vec<Doc>, Checkpoint) {
    let page = store.changes(DEFAULT_SPACE, since, 1000).unwrap();
    assert!(!page.more);
    (page.docs, page.checkpoint)
}

fn ids(docs: &[Doc]) -> Vec<&str> {
    docs.iter().map(|d| d.id.as_str()).collect()
}

#[test]
fn new_documents_are_accepted_and_come_back_in_acceptance_order() {
    let mut s = Store::in_memory();
    let r = push(
        &mut s,
        "c1",
        &[
            (1, doc("b", "1-b", None, r#"{"n":1}"#)),
            (2, doc("a", "1-a", None, r#"{"n":2}"#)),
        ],
    );
    assert_eq!(r.accepted, vec![1, 2]);
    assert!(r.conflicts.is_empty());
    let (docs, checkpoint) = all_changes(&mut s, Checkpoint::START);
    assert_eq!(ids(&docs), vec!["b", "a"]);
    assert_eq!(docs[0], doc("b", "1-b", None, r#"{"n":1}"#));
    assert_eq!(checkpoint, Checkpoint(2));
}

#[test]
fn data_is_stored_byte_for_byte() {
    let mut s = Store::in_memory();
    let raw = r#"{ "z":1,"a" : [1.50, "\u00e6"] }"#;
    push(&mut s, "c1", &[(1, doc("a", "1-a", None, raw))]);
    assert_eq!(
        s.get(DEFAULT_SPACE, "a")
            .unwrap()
            .unwrap()
            .data
            .unwrap()
            .get(),
        raw
    );
}

#[test]
fn an_edit_on_the_current_revision_is_accepted_and_the_feed_has_each_doc_once_latest() {
    let mut s = Store::in_memory();
    push(
        &mut s,
        "c1",
        &[
            (1, doc("a", "1-a", None, "1")),
            (2, doc("b", "1-b", None, "1")),
        ],
    );
    let (_, cp) = all_changes(&mut s, Checkpoint::START);
    let r = push(&mut s, "c1", &[(3, doc("a", "2-a", Some("1-a"), "2"))]);
    assert_eq!(r.accepted, vec![3]);

    // From the start: b, then a in its latest revision (a moved behind b).
    let (docs, _) = all_changes(&mut s, Checkpoint::START);
    assert_eq!(ids(&docs), vec!["b", "a"]);
    assert_eq!(docs[1].rev, "2-a");
    // After the old checkpoint: only a.
    let (docs, cp2) = all_changes(&mut s, cp);
    assert_eq!(ids(&docs), vec!["a"]);
    assert!(cp2 > cp);
}

#[test]
fn a_stale_base_is_a_conflict_with_the_servers_current_doc_and_changes_nothing() {
    let mut s = Store::in_memory();
    push(&mut s, "c1", &[(1, doc("a", "1-a", None, "1"))]);
    push(&mut s, "c1", &[(2, doc("a", "2-a", Some("1-a"), "2"))]);
    let before = (s.stats().unwrap(), s.last_seq(DEFAULT_SPACE).unwrap());

    let r = push(&mut s, "c2", &[(1, doc("a", "2-x", Some("1-a"), "3"))]);
    assert!(r.accepted.is_empty());
    assert_eq!(r.conflicts.len(), 1);
    assert_eq!(r.conflicts[0].mid, 1);
    assert_eq!(r.conflicts[0].id, "a");
    assert_eq!(
        r.conflicts[0].server,
        Some(doc("a", "2-a", Some("1-a"), "2"))
    );
    assert_eq!(
        (s.stats().unwrap(), s.last_seq(DEFAULT_SPACE).unwrap()),
        before,
        "nothing changed"
    );
    assert_eq!(s.get(DEFAULT_SPACE, "a").unwrap().unwrap().rev, "2-a");

    // A "new" document whose id the server already has is a conflict too.
    let r = push(&mut s, "c2", &[(2, doc("a", "1-y", None, "4"))]);
    assert_eq!(r.conflicts.len(), 1);
    // And an edit of a document the server never had carries no server document.
    let r = push(&mut s, "c2", &[(3, doc("zz", "2-z", Some("1-z"), "4"))]);
    assert_eq!(r.conflicts[0].server, None);
    assert_eq!(s.get(DEFAULT_SPACE, "zz").unwrap(), None);
}

#[test]
fn the_same_revision_again_is_accepted_and_changes_nothing() {
    let mut s = Store::in_memory();
    push(&mut s, "c1", &[(1, doc("a", "1-a", None, "1"))]);
    // Another client made exactly the same revision (e.g. restored from the same backup).
    let r = push(&mut s, "c2", &[(9, doc("a", "1-a", None, "1"))]);
    assert_eq!(r.accepted, vec![9]);
    assert_eq!(s.last_seq(DEFAULT_SPACE).unwrap(), 1);
}

#[test]
fn a_repeated_mid_gets_the_first_outcome_and_changes_nothing() {
    let mut s = Store::in_memory();
    let batch = [
        (1, doc("a", "1-a", None, "1")),
        (2, doc("b", "1-b", None, "1")),
    ];
    let first = push(&mut s, "c1", &batch);
    let seq = s.last_seq(DEFAULT_SPACE).unwrap();
    let again = push(&mut s, "c1", &batch);
    assert_eq!(first, again);
    assert_eq!(s.last_seq(DEFAULT_SPACE).unwrap(), seq, "no new change");

    // The repeat is answered from the table, whatever the mutation now says.
    let r = push(&mut s, "c1", &[(1, doc("a", "9-other", Some("nope"), "7"))]);
    assert_eq!(r.accepted, vec![1]);
    assert_eq!(s.get(DEFAULT_SPACE, "a").unwrap().unwrap().rev, "1-a");

    // A conflict repeats as a conflict, carrying the server's *current* document.
    let c = push(&mut s, "c2", &[(5, doc("a", "2-x", Some("0-old"), "2"))]);
    assert_eq!(c.conflicts.len(), 1);
    push(&mut s, "c1", &[(3, doc("a", "2-a", Some("1-a"), "3"))]);
    let c2 = push(&mut s, "c2", &[(5, doc("a", "2-x", Some("0-old"), "2"))]);
    assert_eq!(c2.conflicts[0].mid, 5);
    assert_eq!(c2.conflicts[0].server.as_ref().unwrap().rev, "2-a");

    // The same mid from another client is another mutation.
    let r = push(&mut s, "c3", &[(1, doc("c", "1-c", None, "1"))]);
    assert_eq!(r.accepted, vec![1]);
    assert!(s.get(DEFAULT_SPACE, "c").unwrap().is_some());
}

#[test]
fn a_mixed_batch_puts_every_mid_in_exactly_one_list_in_order() {
    let mut s = Store::in_memory();
    push(&mut s, "c1", &[(1, doc("a", "1-a", None, "1"))]);
    let r = push(
        &mut s,
        "c2",
        &[
            (10, doc("n1", "1-n1", None, "1")),
            (11, doc("a", "2-x", Some("0-stale"), "1")),
            (12, doc("n2", "1-n2", None, "1")),
        ],
    );
    assert_eq!(r.accepted, vec![10, 12]);
    assert_eq!(r.conflicts.iter().map(|c| c.mid).collect::<Vec<_>>(), [11]);
}

#[test]
fn mutations_in_one_batch_build_on_each_other_in_order() {
    let mut s = Store::in_memory();
    // Not something the app sends (one mutation per document per batch), but order holds.
    let r = push(
        &mut s,
        "c1",
        &[
            (1, doc("a", "1-a", None, "1")),
            (2, doc("a", "2-a", Some("1-a"), "2")),
        ],
    );
    assert_eq!(r.accepted, vec![1, 2]);
    assert_eq!(s.get(DEFAULT_SPACE, "a").unwrap().unwrap().rev, "2-a");
}

#[test]
fn a_tombstone_is_kept_in_the_feed_and_can_be_restored() {
    let mut s = Store::in_memory();
    push(&mut s, "c1", &[(1, doc("a", "1-a", None, "1"))]);
    let r = push(&mut s, "c1", &[(2, tombstone("a", "2-a", "1-a"))]);
    assert_eq!(r.accepted, vec![2]);
    let (docs, cp) = all_changes(&mut s, Checkpoint::START);
    assert_eq!(docs, vec![tombstone("a", "2-a", "1-a")]);
    assert!(docs[0].deleted && docs[0].data.is_none());
    assert_eq!(s.stats().unwrap().tombstones, 1);

    // An edit on the old revision conflicts with the tombstone.
    let r = push(
        &mut s,
        "c2",
        &[(1, doc("a", "2-b", Some("1-a"), r#"{"x":1}"#))],
    );
    assert_eq!(r.conflicts[0].server, Some(tombstone("a", "2-a", "1-a")));

    // Restore: base_rev is the tombstone's rev.
    let r = push(
        &mut s,
        "c1",
        &[(3, doc("a", "3-a", Some("2-a"), r#"{"back":true}"#))],
    );
    assert_eq!(r.accepted, vec![3]);
    let (docs, _) = all_changes(&mut s, cp);
    assert_eq!(docs, vec![doc("a", "3-a", Some("2-a"), r#"{"back":true}"#)]);
}

#[test]
fn paging_visits_every_change_exactly_once_and_more_is_right() {
    let mut s = Store::in_memory();
    for i in 0..7 {
        push(
            &mut s,
            "c1",
            &[(i, doc(&format!("d{i}"), "1-x", None, "1"))],
        );
    }
    // d2 and d5 change again: they move to the end.
    push(&mut s, "c1", &[(20, doc("d2", "2-x", Some("1-x"), "2"))]);
    push(&mut s, "c1", &[(21, tombstone("d5", "2-x", "1-x"))]);
    for limit in [1u32, 2, 3, 1000] {
        let mut cp = Checkpoint::START;
        let mut seen = Vec::new();
        loop {
            let page = s.changes(DEFAULT_SPACE, cp, limit).unwrap();
            assert!(page.docs.len() <= limit as usize);
            seen.extend(page.docs.iter().map(|d| d.id.clone()));
            cp = page.checkpoint;
            if !page.more {
                break;
            }
            assert_eq!(page.docs.len(), limit as usize, "a page with more is full");
        }
        assert_eq!(
            seen,
            ["d0", "d1", "d3", "d4", "d6", "d2", "d5"],
            "limit {limit}"
        );
        // The last page's checkpoint is where the next read starts: nothing new, same
        // checkpoint, more=false.
        let empty = s.changes(DEFAULT_SPACE, cp, limit).unwrap();
        assert!(empty.docs.is_empty() && !empty.more);
        assert_eq!(empty.checkpoint, cp);
    }
}

#[test]
fn a_page_stops_at_about_8_mib_of_data_but_is_never_empty() {
    let mut s = Store::in_memory();
    // 40 documents of 250 KiB (10 MB): more than one page's worth even with limit 1000.
    let big = format!("\"{}\"", "x".repeat(250 * 1024));
    for i in 0..40 {
        push(
            &mut s,
            "c1",
            &[(i, doc(&format!("d{i}"), "1-x", None, &big))],
        );
    }
    let p1 = s.changes(DEFAULT_SPACE, Checkpoint::START, 1000).unwrap();
    let bytes: usize = p1
        .docs
        .iter()
        .map(|d| d.data.as_ref().unwrap().get().len())
        .sum();
    assert!(p1.more);
    assert!(bytes <= sync_server::store::PAGE_DATA_BYTES, "{bytes}");
    assert_eq!(
        p1.docs.len(),
        sync_server::store::PAGE_DATA_BYTES / big.len()
    );
    let (rest, _) = all_changes(&mut s, p1.checkpoint);
    assert_eq!(p1.docs.len() + rest.len(), 40);
    assert_eq!(rest[0].id, format!("d{}", p1.docs.len()));
}

#[test]
fn a_change_after_a_page_was_read_appears_on_a_later_page() {
    let mut s = Store::in_memory();
    for i in 0..3 {
        push(
            &mut s,
            "c1",
            &[(i, doc(&format!("d{i}"), "1-x", None, "1"))],
        );
    }
    let p1 = s.changes(DEFAULT_SPACE, Checkpoint::START, 2).unwrap();
    assert_eq!(ids(&p1.docs), ["d0", "d1"]);
    assert!(p1.more);
    // d0 (already read) changes again.
    push(&mut s, "c1", &[(10, doc("d0", "2-x", Some("1-x"), "2"))]);
    let p2 = s.changes(DEFAULT_SPACE, p1.checkpoint, 2).unwrap();
    assert_eq!(ids(&p2.docs), ["d2", "d0"]);
    assert_eq!(p2.docs[1].rev, "2-x");
    assert!(!p2.more);
}

#[test]
fn an_empty_database_answers_the_start_and_refuses_a_checkpoint_from_elsewhere() {
    let mut s = Store::in_memory();
    let page = s.changes(DEFAULT_SPACE, Checkpoint::START, 100).unwrap();
    assert!(page.docs.is_empty() && !page.more);
    assert_eq!(page.checkpoint.to_string(), "0");
    assert!(matches!(
        s.changes(DEFAULT_SPACE, Checkpoint(5), 100),
        Err(StoreError::Invalid(_))
    ));
}

#[test]
fn data_survives_reopening_the_file() {
    let dir = support::temp_dir("reopen");
    let path = dir.join("db.sqlite3");
    {
        let mut s = Store::open(&path).unwrap();
        push(&mut s, "c1", &[(1, doc("a", "1-a", None, r#"{"k":"v"}"#))]);
    }
    {
        let mut s = Store::open(&path).unwrap();
        assert_eq!(
            s.get(DEFAULT_SPACE, "a").unwrap(),
            Some(doc("a", "1-a", None, r#"{"k":"v"}"#))
        );
        // The handled table survived too: the repeat changes nothing.
        let r = push(&mut s, "c1", &[(1, doc("a", "1-a", None, "1"))]);
        assert_eq!(r.accepted, vec![1]);
        assert_eq!(s.last_seq(DEFAULT_SPACE).unwrap(), 1);
        // And the sequence goes on from where it was.
        push(&mut s, "c1", &[(2, doc("b", "1-b", None, "1"))]);
        assert_eq!(s.last_seq(DEFAULT_SPACE).unwrap(), 2);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn secure_delete_is_on_and_an_overwritten_revision_leaves_no_trace_in_the_file() {
    assert!(Store::in_memory().secure_delete().unwrap());
    let dir = support::temp_dir("secure-delete");
    let path = dir.join("db.sqlite3");
    {
        let mut s = Store::open(&path).unwrap();
        assert!(
            s.secure_delete().unwrap(),
            "PRAGMA secure_delete reads back 1"
        );
        let old = format!(r#"{{"note":"OLD-REVISION-{}"}}"#, "x".repeat(200));
        push(&mut s, "c1", &[(1, doc("a", "1-a", None, &old))]);
        let new = format!(r#"{{"note":"new-{}"}}"#, "y".repeat(10));
        push(&mut s, "c1", &[(2, doc("a", "2-a", Some("1-a"), &new))]);
        // The tombstone replaces the new content as well.
        push(&mut s, "c1", &[(3, tombstone("a", "3-a", "2-a"))]);
    }
    // After a clean close the WAL is checkpointed into the file and removed.
    let bytes = std::fs::read(&path).unwrap();
    let found = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    assert!(
        !found(b"OLD-REVISION-"),
        "an overwritten revision is still in the file"
    );
    assert!(
        !found(b"new-yyyyyyyyyy"),
        "a deleted document's content is still in the file"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
