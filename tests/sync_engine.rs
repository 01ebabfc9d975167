//! Focused tests of the sync engine's rules (the randomized ones are in sync_faults.rs).

mod sync_support;

use ssp_handleguide::domain::concern_store;
use ssp_handleguide::domain::dates::Date;
use ssp_handleguide::domain::storage::{KeyValueStore, MemoryStore, Namespaced};
use ssp_handleguide::domain::sync::engine::{self, Outbox, Resolution};
use ssp_handleguide::domain::sync::json;
use ssp_handleguide::domain::sync::protocol::{Doc, PushOutcome};
use ssp_handleguide::domain::vault::is_sealed_key;
use sync_support::{concern, Client};

const NOW: u64 = 1_800_000_000_000;

#[test]
fn setting_up_queues_the_concerns_already_on_the_device() {
    let store = MemoryStore::new();
    concern_store::save_one(&store, &concern("a", NOW), None, NOW, &Outbox).unwrap();
    assert!(
        engine::outbox(&store, NOW).is_empty(),
        "nothing queued before sync is set up"
    );
    engine::set_up(&store, "client-1", NOW).unwrap();
    let ob = engine::outbox(&store, NOW);
    assert_eq!((ob.len(), ob[0].id.as_str(), ob[0].mid), (1, "a", 1));
    engine::set_up(&store, "client-2", NOW).unwrap();
    assert_eq!(
        engine::state(&store, NOW).unwrap().client,
        "client-1",
        "set up once"
    );
}

#[test]
fn training_never_queues_anything_even_with_sync_set_up() {
    let device = MemoryStore::new();
    engine::set_up(&device, "client-1", NOW).unwrap();
    let training = Namespaced::training(&device);
    concern_store::save_one(&training, &concern("t", NOW), None, NOW, &Outbox).unwrap();
    concern_store::delete_one(&training, "t", 1, NOW, &Outbox).unwrap();
    assert!(engine::outbox(&device, NOW).is_empty());
    assert!(engine::next_batch(&device, NOW).unwrap().is_none());
    assert!(device
        .keys()
        .unwrap()
        .iter()
        .all(|k| !k.starts_with("ssp.sync.") || k == "ssp.sync.state"));
}

#[test]
fn a_sent_mutation_is_retried_unchanged_and_later_edits_wait_behind_it() {
    let c = Client::new("1", NOW);
    c.create("a", "tok-1", NOW);
    let first = engine::next_batch(&c.store, NOW).unwrap().unwrap();
    // No answer (the network failed). An edit now must not change what was sent.
    c.edit("a", "tok-2", NOW + 1);
    let again = engine::next_batch(&c.store, NOW + 2).unwrap().unwrap();
    assert_eq!(again.items.len(), 1, "one mutation per concern per batch");
    assert_eq!(
        again.items[0].mutation, first.items[0].mutation,
        "the same mid and content"
    );
    // Accepted: the edit goes next, on top of the accepted revision.
    let m = &first.items[0].mutation;
    engine::apply_push(
        &c.store,
        &PushOutcome {
            accepted: vec![(m.mid, m.doc.rev.clone())],
            conflicts: vec![],
        },
        NOW + 3,
    )
    .unwrap();
    let next = engine::next_batch(&c.store, NOW + 4).unwrap().unwrap();
    let n = &next.items[0].mutation;
    assert!(n.mid > m.mid);
    assert_eq!(n.doc.base_rev.as_deref(), Some(m.doc.rev.as_str()));
    assert!(n.doc.data.as_ref().unwrap().to_string().contains("tok-2"));
}

#[test]
fn a_concern_deleted_before_it_reached_the_server_sends_nothing() {
    let c = Client::new("1", NOW);
    c.create("a", "tok-1", NOW);
    c.delete("a", NOW + 1);
    assert!(engine::next_batch(&c.store, NOW + 2).unwrap().is_none());
    assert!(engine::outbox(&c.store, NOW).is_empty());
}

#[test]
fn a_conflict_keeps_both_versions_holds_the_concern_and_each_choice_settles_it() {
    for choice in ["mine", "theirs", "merge"] {
        let c = Client::new("1", NOW);
        c.create("a", "tok-mine", NOW);
        let batch = engine::next_batch(&c.store, NOW).unwrap().unwrap();
        let mut theirs_data = serde_json::to_value(concern("a", NOW)).unwrap();
        theirs_data["pseudonym"] = "XY".into();
        let server = Doc {
            id: "a".into(),
            rev: "1-other".into(),
            base_rev: None,
            deleted: false,
            schema: 2,
            updated_ms: NOW,
            data: Some(theirs_data),
        };
        let mid = batch.items[0].mutation.mid;
        engine::apply_push(
            &c.store,
            &PushOutcome {
                accepted: vec![],
                conflicts: vec![(mid, server)],
            },
            NOW,
        )
        .unwrap();
        // Both kept: the local record unchanged, the other version beside it; nothing is sent.
        assert_eq!(c.concerns(NOW)["a"].child, "AB");
        let kept = engine::conflict(&c.store, "a", NOW).expect("the other version is kept");
        assert_eq!(engine::theirs_concern(&kept).unwrap().child, "XY");
        assert!(
            engine::next_batch(&c.store, NOW).unwrap().is_none(),
            "held until a person chooses"
        );
        assert_eq!(engine::status(&c.store, NOW).conflicts, 1);
        let resolution = match choice {
            "mine" => Resolution::Mine,
            "theirs" => Resolution::Theirs,
            _ => {
                let m = ssp_handleguide::domain::sync::compare::merge(
                    &c.concerns(NOW)["a"],
                    &engine::theirs_concern(&kept).unwrap(),
                );
                Resolution::Merged(Box::new(m))
            }
        };
        engine::resolve(&c.store, "a", &resolution, NOW + 1).unwrap();
        assert!(engine::conflict(&c.store, "a", NOW).is_none());
        let next = engine::next_batch(&c.store, NOW + 2).unwrap();
        match choice {
            "theirs" => {
                assert_eq!(c.concerns(NOW)["a"].child, "XY");
                assert!(next.is_none(), "taking the server's version sends nothing");
            }
            _ => {
                let m = &next.expect("mine/merge is sent").items[0].mutation;
                assert_eq!(
                    m.doc.base_rev.as_deref(),
                    Some("1-other"),
                    "on top of the server's version"
                );
                assert_eq!(c.concerns(NOW)["a"].child, "AB");
            }
        }
    }
}

#[test]
fn every_sync_key_is_sealed_under_a_lock_except_the_tab_lease() {
    // The lock fails closed (domain::vault): everything sync writes is sealed, the state and
    // the revisions too; only the lease between tabs (no content, written outside the lock)
    // stays in the clear.
    for k in [
        "ssp.sync.outbox",
        "ssp.sync.secret",
        "ssp.sync.conflict.a",
        "ssp.sync.state",
        "ssp.sync.config",
        "ssp.sync.revs",
    ] {
        assert!(is_sealed_key(k), "{k}");
    }
    assert!(!is_sealed_key("ssp.sync.lease"));
}

#[test]
fn one_tab_holds_the_lease_until_it_expires() {
    let s = MemoryStore::new();
    assert!(engine::take_lease(&s, "tab-1", NOW, 60_000));
    assert!(!engine::take_lease(&s, "tab-2", NOW + 1, 60_000));
    assert!(
        engine::take_lease(&s, "tab-1", NOW + 2, 60_000),
        "renewed by its holder"
    );
    assert!(
        engine::take_lease(&s, "tab-2", NOW + 60_003, 60_000),
        "free once expired"
    );
}

/// A pulled document as the JSON transport carries it, with `data` as raw JSON text.
fn raw_doc(id: &str, schema: u32, data: &str) -> String {
    format!(
        r#"{{"id":{},"rev":"1-00000000000000aa","base_rev":null,"deleted":false,"schema":{schema},"updated_ms":{NOW},"data":{data}}}"#,
        serde_json::Value::from(id)
    )
}

/// A valid concern's JSON with `BAD-MARKER` in its history, so a scan of the store finds it.
fn marked(id: &str) -> serde_json::Value {
    let mut c = concern(id, NOW);
    c.history.push(ssp_handleguide::domain::concern::Change {
        at_ms: NOW,
        by_role: "server".into(),
        kind: ssp_handleguide::domain::concern::ChangeKind::Edited,
        detail: "BAD-MARKER".into(),
    });
    serde_json::to_value(&c).unwrap()
}

#[test]
fn bad_pulled_documents_are_skipped_counted_and_never_stored() {
    let c = Client::new("1", NOW);
    // A local change waits for "victim": a pulled version of it would become a conflict, and a
    // conflict keeps the server's version on the device. A bad one must not.
    c.create("victim", "tok-1", NOW);
    let good = |id: &str| raw_doc(id, 2, &serde_json::to_string(&concern(id, NOW)).unwrap());
    let deep = format!(
        r#"{{"x":{}"BAD-MARKER"{}}}"#,
        "[".repeat(130_000),
        "]".repeat(130_000)
    );
    let mut big = marked("big");
    big["pad"] = serde_json::Value::from("x".repeat(300 * 1024));
    let mut nested = marked("nested");
    let mut v = serde_json::Value::from("BAD-MARKER");
    for _ in 0..70 {
        v = serde_json::json!([v]);
    }
    nested["pad"] = v;
    let bad = [
        // An id that is not one the app makes (and would reach into other storage keys).
        raw_doc("../ssp.settings", 2, &marked("../ssp.settings").to_string()),
        raw_doc("a.b", 2, &marked("a.b").to_string()),
        raw_doc(&"x".repeat(65), 2, &marked(&"x".repeat(65)).to_string()),
        // Too large, nested too deep (far too deep for the parser, and just over the limit).
        raw_doc("big", 2, &big.to_string()),
        raw_doc("victim", 2, &deep),
        raw_doc("nested", 2, &nested.to_string()),
        // The wrong kind: schema 0, data not an object, data on a tombstone, not a document.
        raw_doc("schema0", 0, &marked("schema0").to_string()),
        raw_doc("array", 2, r#"["BAD-MARKER"]"#),
        raw_doc("victim", 2, r#""BAD-MARKER""#),
        r#"{"id":"tomb","rev":"2-bb","base_rev":"1-aa","deleted":true,"schema":2,"updated_ms":1,"data":{"x":"BAD-MARKER"}}"#.into(),
        r#"{"id":"nodoc","data":"BAD-MARKER"}"#.into(),
        // A concern whose own id differs from the document's.
        raw_doc("mismatch", 2, &marked("other").to_string()),
    ];
    let mut docs = vec![good("good-1")];
    docs.extend(bad.iter().cloned());
    docs.push(good("good-2"));
    let body = format!(
        r#"{{"docs":[{}],"checkpoint":"42","more":false}}"#,
        docs.join(",")
    );

    let page = json::parse_changes(200, &body).expect("one bad document does not fail the page");
    let applied = engine::apply_page(&c.store, &page, NOW).unwrap();
    assert_eq!(applied.updated, 2, "{applied:?}");
    assert_eq!(
        applied.rejected + applied.unreadable,
        bad.len(),
        "{applied:?}"
    );
    assert_eq!(applied.conflicts, 0);
    assert_eq!(c.status(NOW).rejected as usize, bad.len());
    assert_eq!(
        c.concerns(NOW).keys().cloned().collect::<Vec<_>>(),
        ["good-1", "good-2", "victim"]
    );
    assert!(engine::conflict_ids(&c.store).is_empty());
    for key in c.keys() {
        let value = c.store.get(&key).unwrap().unwrap_or_default();
        assert!(
            !value.contains("BAD-MARKER"),
            "{key} holds a rejected document"
        );
    }
    // The page is done with: the checkpoint moved past it.
    assert_eq!(engine::checkpoint(&c.store, NOW), "42");
}

#[test]
fn a_push_answers_conflict_with_an_invalid_server_version_is_not_kept() {
    let c = Client::new("1", NOW);
    c.create("a", "tok-1", NOW);
    let batch = engine::next_batch(&c.store, NOW).unwrap().unwrap();
    let m = &batch.items[0].mutation;
    let mut server = m.doc.clone();
    server.rev = "2-ffffffffffffffff".into();
    let mut v = serde_json::Value::from("BAD-MARKER");
    for _ in 0..70 {
        v = serde_json::json!([v]);
    }
    server.data.as_mut().unwrap()["pad"] = v;
    let a = engine::apply_push(
        &c.store,
        &PushOutcome {
            accepted: vec![],
            conflicts: vec![(m.mid, server)],
        },
        NOW,
    )
    .unwrap();
    assert_eq!((a.conflicts, a.rejected), (0, 1));
    assert!(engine::conflict_ids(&c.store).is_empty());
    // The change is still waiting, unchanged, for an answer that can be used.
    assert_eq!(
        engine::next_batch(&c.store, NOW).unwrap().unwrap().items[0].mutation,
        *m
    );
    for key in c.keys() {
        let value = c.store.get(&key).unwrap().unwrap_or_default();
        assert!(!value.contains("BAD-MARKER"), "{key}");
    }
}

#[test]
fn the_engine_checks_documents_whichever_transport_brought_them() {
    use ssp_handleguide::domain::sync::protocol::{Page, Pulled};
    let c = Client::new("1", NOW);
    let doc = |id: &str| Doc {
        id: id.into(),
        rev: "1-00000000000000aa".into(),
        base_rev: None,
        deleted: false,
        schema: 2,
        updated_ms: NOW,
        data: Some(marked(id)),
    };
    // As CouchDB's transport hands them on: a bad id, and a good document whose other
    // branch (kept as a conflict) has a bad id.
    let good = doc("good");
    let page = Page {
        docs: vec![
            Pulled {
                doc: doc("a/b"),
                losing: vec![],
            },
            Pulled {
                doc: good.clone(),
                losing: vec![doc("c d")],
            },
        ],
        checkpoint: "7".into(),
        more: false,
        rejected: 1,
    };
    let a = engine::apply_page(&c.store, &page, NOW).unwrap();
    assert_eq!((a.updated, a.rejected, a.conflicts), (1, 3, 0), "{a:?}");
    assert_eq!(c.status(NOW).rejected, 3);
    assert_eq!(
        c.concerns(NOW).keys().cloned().collect::<Vec<_>>(),
        ["good"]
    );
    assert!(c
        .keys()
        .iter()
        .all(|k| !k.contains("a/b") && !k.contains("c d")));
}

/// A pulled concern from an older version may hold a date that is not one: it is stored and
/// shown (with its creation date there, `Concern`'s rule), not counted unreadable.
#[test]
fn a_pulled_concern_with_an_unreadable_date_is_kept() {
    let c = Client::new("1", NOW);
    let mut data = serde_json::to_value(concern("old-dates", NOW - 86_400_000)).unwrap();
    data["follow_up"] = "2026-02-30".into();
    data["action_plan"][1]["by"] = "".into();
    let body = format!(
        r#"{{"docs":[{}],"checkpoint":"7","more":false}}"#,
        raw_doc("old-dates", 3, &data.to_string())
    );
    let page = json::parse_changes(200, &body).expect("a page");
    let applied = engine::apply_page(&c.store, &page, NOW).unwrap();
    assert_eq!(
        (applied.updated, applied.unreadable, applied.rejected),
        (1, 0, 0),
        "{applied:?}"
    );
    let stored = c.concerns(NOW);
    let got = &stored["old-dates"];
    let created = Date::from_ms(NOW - 86_400_000);
    assert_eq!(got.follow_up, created);
    assert_eq!(got.action_plan[1].by, created);
    assert_eq!(got.action_plan[0].by.iso(), "2026-11-23");
}
