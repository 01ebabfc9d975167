//! A server restored from an older backup (docs/sync-protocol.md, "A checkpoint past the
//! end"): the device's checkpoint lies past the server's end, the server answers `400
//! checkpoint_ahead`, and the device starts over from the empty checkpoint instead of stopping
//! (or, with a server that answered an empty page, silently missing every change made since).

mod sync_support;

use ssp_handleguide::domain::sync::{engine, json};
use sync_support::{concern, Client};

const NOW: u64 = 1_800_000_000_000;

fn doc(id: &str, rev: &str) -> String {
    let data = serde_json::to_value(concern(id, NOW)).unwrap();
    format!(
        r#"{{"id":"{id}","rev":"{rev}","base_rev":null,"deleted":false,"schema":2,"updated_ms":{NOW},"data":{data}}}"#
    )
}

fn page(docs: &[String], checkpoint: &str, more: bool) -> String {
    format!(
        r#"{{"docs":[{}],"checkpoint":"{checkpoint}","more":{more}}}"#,
        docs.join(",")
    )
}

/// One pull as the app runs it: request from the stored checkpoint, read, apply.
fn pull(c: &Client, server: impl Fn(&str) -> (u16, String)) -> engine::Applied {
    let since = engine::checkpoint(&c.store, NOW);
    let (status, body) = server(&since);
    let page = json::parse_changes(status, &body)
        .unwrap_or_else(|e| panic!("the pull from {since:?} failed: {e:?}"));
    engine::apply_page(&c.store, &page, NOW).unwrap()
}

#[test]
fn a_checkpoint_past_a_restored_servers_end_starts_the_pull_over() {
    let c = Client::new("1", NOW);
    // Before the restore: the device read a and b, up to the server's change 40.
    let before = |_: &str| {
        (
            200,
            page(&[doc("a", "1-aa"), doc("b", "1-bb")], "40", false),
        )
    };
    assert_eq!(pull(&c, before).updated, 2);
    assert_eq!(engine::checkpoint(&c.store, NOW), "40");

    // The server is restored from a backup that ends at change 12 and has since taken one new
    // change (c, 13). Its feed: a (as the device has it), then c.
    let restored = |since: &str| {
        match since {
        "" => (200, page(&[doc("a", "1-aa"), doc("c", "1-cc")], "13", false)),
        "40" => (
            400,
            r#"{"error":"checkpoint_ahead","message":"since: checkpoint 40 is ahead of this space's last change 12"}"#
                .to_string(),
        ),
        other => panic!("unexpected since={other:?}"),
    }
    };
    let first = pull(&c, restored);
    assert_eq!((first.updated, first.deleted, first.conflicts), (0, 0, 0));
    assert_eq!(
        engine::checkpoint(&c.store, NOW),
        "",
        "the checkpoint goes back to the start"
    );
    let again = pull(&c, restored);
    // a is at the same revision already: a no-op; c is new.
    assert_eq!((again.updated, again.conflicts), (1, 0), "{again:?}");
    assert_eq!(engine::checkpoint(&c.store, NOW), "13");
    assert_eq!(
        c.concerns(NOW).keys().cloned().collect::<Vec<_>>(),
        ["a", "b", "c"]
    );
    assert!(engine::conflict_ids(&c.store).is_empty());
    assert!(engine::outbox(&c.store, NOW).is_empty());
}
