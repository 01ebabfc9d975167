//! Focused tests of the sync engine's rules (the randomized ones are in sync_faults.rs).

mod sync_support;

use ssp_handleguide::domain::concern_store;
use ssp_handleguide::domain::storage::{KeyValueStore, MemoryStore, Namespaced};
use ssp_handleguide::domain::sync::engine::{self, Resolution};
use ssp_handleguide::domain::sync::protocol::{Doc, PushOutcome};
use ssp_handleguide::domain::vault::is_sealed_key;
use sync_support::{concern, Client};

const NOW: u64 = 1_800_000_000_000;

#[test]
fn setting_up_queues_the_concerns_already_on_the_device() {
    let store = MemoryStore::new();
    concern_store::save_one(&store, &concern("a", NOW), None, NOW).unwrap();
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
    concern_store::save_one(&training, &concern("t", NOW), None, NOW).unwrap();
    concern_store::delete_one(&training, "t", 1, NOW).unwrap();
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
fn the_outbox_conflicts_and_secret_are_sealed_under_a_pin_the_status_is_not() {
    for k in ["ssp.sync.outbox", "ssp.sync.secret", "ssp.sync.conflict.a"] {
        assert!(is_sealed_key(k), "{k}");
    }
    for k in [
        "ssp.sync.state",
        "ssp.sync.config",
        "ssp.sync.revs",
        "ssp.sync.lease",
    ] {
        assert!(!is_sealed_key(k), "{k}");
    }
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
