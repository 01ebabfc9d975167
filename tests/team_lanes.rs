//! Teams as lanes (issue 18): three devices — a consultant and two teachers — share concerns
//! through one team space of the model server, sealed with an independent AES-256-GCM
//! (`crypto_support`, as WebCrypto seals them in the browser). Checked: only shared concerns
//! leave a device; the server holds no word of them; a teammate's device opens, merges and edits
//! them; unsharing stops updates both ways; a document under a key the device lacks is kept
//! aside; a concern shared with a team never goes to the plain (v1) lane.

#[allow(dead_code)] // The PBKDF2 half is for the lock's tests.
mod crypto_support;
mod sync_support;
mod team_support;

use ssp_handleguide::domain::concern::{Change, ChangeKind};
use ssp_handleguide::domain::concern_store;
use ssp_handleguide::domain::storage::MemoryStore;
use ssp_handleguide::domain::sync::config::Kind;
use ssp_handleguide::domain::sync::engine::{self, Batch};
use ssp_handleguide::domain::sync::json;
use ssp_handleguide::domain::sync::lane::{self, LaneStore, Lanes};
use ssp_handleguide::domain::sync::protocol::Doc;
use ssp_handleguide::domain::team::{Member, Team, Teams};
use std::cell::Cell;
use sync_support::{concern, ModelServer, TOKEN, URL};
use team_support::{assert_server_holds_none_of, stored_text, Sealer};

const NOW: u64 = 1_780_000_000_000;
const SPACE: &str = "t-testrupskolensholdfiktiv";
const TEAM: &str = "hold-1";
const KEY: [u8; 32] = [0x5a; 32];
/// What the test types into the concerns: none of it may reach the server.
const SECRETS: &[&str] = &["Elev Q (fiktiv)", "gemmer sig", "tok-"];

struct Device {
    name: &'static str,
    store: MemoryStore,
    key: Cell<[u8; 32]>,
    sealer: Sealer,
}

impl Device {
    fn new(name: &'static str, owner: bool) -> Device {
        let store = MemoryStore::new();
        let member = Member {
            space: SPACE.into(),
            token: format!("device-token-{name}"),
            device: format!("d-{name}"),
        };
        let team = if owner {
            Team::created(
                TEAM,
                "Testrup Skoles hold (fiktivt)",
                (Kind::Json, URL),
                &member,
                &KEY,
                NOW,
            )
        } else {
            let invite = Team::created(
                TEAM,
                "Testrup Skoles hold (fiktivt)",
                (Kind::Json, URL),
                &member,
                &KEY,
                NOW,
            )
            .invite("invite-token", NOW + 60_000)
            .unwrap();
            Team::from_invite(&invite, &member, NOW)
        };
        Teams::default().add(&store, team, NOW).unwrap();
        lane::start_team(&store, TEAM, &format!("client-{name}"), NOW).unwrap();
        Device {
            name,
            store,
            key: Cell::new(KEY),
            sealer: Sealer::new(SPACE, name.as_bytes()[0]),
        }
    }

    fn create(&self, id: &str, note: &str) {
        let mut c = concern(id, NOW);
        c.child = "Elev Q (fiktiv)".into();
        c.history.push(Change {
            at_ms: NOW,
            by_role: self.name.into(),
            kind: ChangeKind::Created,
            detail: note.into(),
        });
        concern_store::save_one(&self.store, &c, None, NOW, &Lanes).unwrap();
    }

    fn edit(&self, id: &str, note: &str) {
        let mut c = concern_store::load_one(&self.store, id, NOW).unwrap();
        let base = c.revision;
        c.revision += 1;
        c.history.push(Change {
            at_ms: NOW,
            by_role: self.name.into(),
            kind: ChangeKind::Edited,
            detail: note.into(),
        });
        concern_store::save_one(&self.store, &c, Some(base), NOW, &Lanes).unwrap();
    }

    fn notes(&self, id: &str) -> Vec<String> {
        concern_store::load_one(&self.store, id, NOW)
            .map(|c| c.history.iter().map(|h| h.detail.clone()).collect())
            .unwrap_or_default()
    }

    fn shared(&self) -> Vec<String> {
        Teams::load(&self.store, NOW).teams[0]
            .shared
            .iter()
            .cloned()
            .collect()
    }

    /// Seals a batch as `platform::sync` does: each live document's data in an envelope.
    fn seal(&self, batch: &Batch) -> Batch {
        self.sealer.seal(batch, 1, &self.key.get())
    }

    /// Opens a pulled document as `platform::sync` does; `None`: keep it aside.
    fn open(&self, doc: &Doc) -> Option<Doc> {
        self.sealer
            .open(doc, |epoch| (epoch == 1).then(|| self.key.get()))
    }

    /// One round of the team's lane: push (sealed), then pull (opened).
    fn sync(&self, server: &mut ModelServer) {
        let lane = LaneStore::team(&self.store, TEAM);
        while let Some(batch) = engine::next_batch(&lane, NOW).unwrap() {
            let sealed = self.seal(&batch);
            let (_, body) = server.push(&json::push_request(URL, TOKEN, &sealed).body.unwrap());
            let mut outcome = json::parse_push(200, &body, &sealed).unwrap();
            outcome.conflicts.retain_mut(|(_, d)| match self.open(d) {
                Some(o) => {
                    *d = o;
                    true
                }
                None => false,
            });
            let a = engine::apply_push(&lane, &outcome, NOW).unwrap();
            if a.accepted + a.conflicts == 0 {
                break;
            }
        }
        loop {
            let since = engine::checkpoint(&lane, NOW);
            let (status, body) = server.changes(&json::changes_request(URL, TOKEN, &since, 5).url);
            let mut page = json::parse_changes(status, &body).unwrap();
            let mut docs = Vec::new();
            for mut p in std::mem::take(&mut page.docs) {
                match self.open(&p.doc) {
                    Some(d) => {
                        p.doc = d;
                        docs.push(p);
                    }
                    None => lane::keep_aside(&self.store, TEAM, &p.doc, NOW).unwrap(),
                }
            }
            page.docs = docs;
            let more = page.more;
            lane::apply_team_page(&self.store, TEAM, page, NOW).unwrap();
            if !more {
                break;
            }
        }
    }
}

#[test]
fn a_team_shares_only_what_is_shared_and_the_server_sees_only_ciphertext() {
    let mut server = ModelServer::new();
    let consultant = Device::new("consultant", true);
    let anna = Device::new("anna", false);
    let bo = Device::new("bo", false);

    consultant.create("kept-here", "tok-private");
    consultant.create("for-team", "tok-c1 gemmer sig");
    // Not shared: nothing queued for the team.
    assert!(engine::outbox(&LaneStore::team(&consultant.store, TEAM), NOW).is_empty());
    lane::share(&consultant.store, TEAM, "for-team", NOW).unwrap();
    consultant.sync(&mut server);
    assert_eq!(
        server.docs.len(),
        1,
        "only the shared concern left the device"
    );
    assert_server_holds_none_of(&server, SECRETS.iter().copied());

    // Both teachers get it, open it, and it is shared from them on.
    anna.sync(&mut server);
    bo.sync(&mut server);
    assert_eq!(anna.notes("for-team"), vec!["tok-c1 gemmer sig"]);
    assert_eq!(bo.shared(), vec!["for-team"]);
    assert!(anna.notes("kept-here").is_empty());

    // Anna edits; the consultant and Bo see it.
    anna.edit("for-team", "tok-anna");
    anna.sync(&mut server);
    consultant.sync(&mut server);
    bo.sync(&mut server);
    assert_eq!(consultant.notes("for-team"), bo.notes("for-team"));
    assert!(bo.notes("for-team").contains(&"tok-anna".to_string()));

    // Offline edits on two devices: a conflict kept on the later one, both versions there.
    consultant.edit("for-team", "tok-c2");
    bo.edit("for-team", "tok-bo");
    consultant.sync(&mut server);
    bo.sync(&mut server);
    let bo_lane = LaneStore::team(&bo.store, TEAM);
    let conflicts = engine::conflicts(&bo_lane, NOW);
    assert_eq!(conflicts.len(), 1);
    // The status and the list see a team's conflict like a plain one.
    assert_eq!(lane::conflict_ids(&bo.store), vec!["for-team"]);
    assert_eq!(lane::conflicts(&bo.store, NOW).len(), 1);
    assert!(lane::conflict_ids(&anna.store).is_empty());
    let theirs = engine::theirs_concern(&conflicts[0]).expect("the other version opened");
    assert!(theirs.history.iter().any(|h| h.detail == "tok-c2"));
    assert!(bo.notes("for-team").contains(&"tok-bo".to_string()));

    // Unsharing: nothing more goes, and the team's later versions are not taken.
    lane::unshare(&anna.store, TEAM, "for-team", NOW).unwrap();
    anna.edit("for-team", "tok-anna-private");
    assert!(engine::outbox(&LaneStore::team(&anna.store, TEAM), NOW).is_empty());
    consultant.edit("for-team", "tok-c3");
    consultant.sync(&mut server);
    anna.sync(&mut server);
    assert!(!anna.notes("for-team").contains(&"tok-c3".to_string()));
    assert!(!stored_text(&server).contains("anna-private"));

    assert_server_holds_none_of(&server, SECRETS.iter().copied());
}

#[test]
fn a_document_under_another_key_is_kept_aside_not_dropped() {
    let mut server = ModelServer::new();
    let consultant = Device::new("consultant", true);
    let stranger = Device::new("stranger", false);
    stranger.key.set([0x11; 32]);
    consultant.create("c", "tok-1");
    lane::share(&consultant.store, TEAM, "c", NOW).unwrap();
    consultant.sync(&mut server);
    stranger.sync(&mut server);
    assert!(stranger.notes("c").is_empty(), "nothing of it is shown");
    let aside = lane::aside(&stranger.store, TEAM, NOW);
    assert_eq!(aside.len(), 1);
    assert_eq!(aside[0], server.docs["c"].0, "kept as the server sent it");
    // The checkpoint moved on: the next round does not fetch it again and again.
    assert!(!engine::checkpoint(&LaneStore::team(&stranger.store, TEAM), NOW).is_empty());
}

#[test]
fn a_concern_shared_with_a_team_never_goes_to_the_plain_lane() {
    let consultant = Device::new("consultant", true);
    engine::set_up(&consultant.store, "plain-client", NOW).unwrap();
    consultant.create("c", "tok-1");
    assert_eq!(
        engine::outbox(&consultant.store, NOW).len(),
        1,
        "not shared: plain lane"
    );
    // Sent to the plain lane before sharing: what waits there goes on its way, but after
    // sharing no change does.
    let _ = engine::next_batch(&consultant.store, NOW).unwrap();
    lane::share(&consultant.store, TEAM, "c", NOW).unwrap();
    consultant.edit("c", "tok-2");
    let plain = engine::outbox(&consultant.store, NOW);
    assert_eq!(plain.len(), 1, "{plain:?}");
    assert!(
        plain[0].sent.is_some(),
        "only the change sent before sharing"
    );
    assert_eq!(
        engine::outbox(&LaneStore::team(&consultant.store, TEAM), NOW).len(),
        1
    );
    // The lanes keep their keys apart.
    let keys = ssp_handleguide::domain::storage::KeyValueStore::keys(&consultant.store).unwrap();
    assert!(keys
        .iter()
        .any(|k| k.starts_with("ssp.team.hold-1.sync.outbox")));
    assert!(keys.iter().any(|k| k == "ssp.sync.outbox"));
}

#[test]
fn a_device_that_leaves_forgets_the_team_and_its_lane_and_keeps_its_concerns() {
    let mut server = ModelServer::new();
    let consultant = Device::new("consultant", true);
    let teacher = Device::new("teacher", false);
    engine::set_up(&teacher.store, "plain-client", NOW).unwrap();
    teacher.create("own", "tok-own");
    consultant.create("c", "tok-1");
    lane::share(&consultant.store, TEAM, "c", NOW).unwrap();
    consultant.sync(&mut server);
    // A document under a key the teacher lacks, kept aside in the lane.
    let stranger = Device::new("stranger", false);
    stranger.key.set([0x11; 32]);
    stranger.create("s", "tok-s");
    lane::share(&stranger.store, TEAM, "s", NOW).unwrap();
    stranger.sync(&mut server);
    teacher.sync(&mut server);
    teacher.edit("c", "tok-2");
    let prefix = format!("ssp.team.{TEAM}.");
    let keys = || ssp_handleguide::domain::storage::KeyValueStore::keys(&teacher.store).unwrap();
    let lane_keys = keys().iter().filter(|k| k.starts_with(&prefix)).count();
    assert!(
        lane_keys >= 3,
        "state, revisions, outbox, aside: {:?}",
        keys()
    );
    assert_eq!(lane::aside(&teacher.store, TEAM, NOW).len(), 1);

    assert_eq!(
        lane::forget_team(&teacher.store, TEAM, NOW).unwrap(),
        lane_keys
    );

    assert!(
        Teams::load(&teacher.store, NOW).teams.is_empty(),
        "key and token gone"
    );
    assert!(
        !keys().iter().any(|k| k.starts_with(&prefix)),
        "{:?}",
        keys()
    );
    // The concerns stay, with what was written; the plain lane keeps its own keys.
    assert_eq!(teacher.notes("c"), ["tok-1", "tok-2"]);
    assert_eq!(teacher.notes("own"), ["tok-own"]);
    assert!(keys().iter().any(|k| k == "ssp.sync.outbox"));
    assert!(keys().iter().any(|k| k == "ssp.sync.state"));
    // Gone already: nothing to do, and no error.
    assert_eq!(lane::forget_team(&teacher.store, TEAM, NOW).unwrap(), 0);
    // The consultant's device is untouched by it.
    assert_eq!(Teams::load(&consultant.store, NOW).teams.len(), 1);
}

#[test]
fn a_concern_once_shared_stays_off_the_plain_lane_after_unsharing_and_after_leaving() {
    let mut server = ModelServer::new();
    let consultant = Device::new("consultant", true);
    let teacher = Device::new("teacher", false);
    engine::set_up(&teacher.store, "plain-client", NOW).unwrap();
    // Another member's concern arrives on the teacher's tablet; the teacher's own one is shared.
    consultant.create("theirs", "tok-1");
    lane::share(&consultant.store, TEAM, "theirs", NOW).unwrap();
    consultant.sync(&mut server);
    teacher.create("mine", "tok-2");
    let plain_before = engine::outbox(&teacher.store, NOW).len();
    assert_eq!(plain_before, 1, "not shared yet: the plain lane has it");
    // On its way (sent, not yet answered): a later change would be a new entry.
    let _ = engine::next_batch(&teacher.store, NOW).unwrap();
    lane::share(&teacher.store, TEAM, "mine", NOW).unwrap();
    teacher.sync(&mut server);
    assert_eq!(teacher.notes("theirs"), ["tok-1"]);
    let plain = || engine::outbox(&teacher.store, NOW).len();
    // Unshared: an edit stays on the device.
    lane::unshare(&teacher.store, TEAM, "mine", NOW).unwrap();
    teacher.edit("mine", "tok-3");
    assert_eq!(
        plain(),
        plain_before,
        "the unshared concern's edit went to the plain lane"
    );
    // Left: neither the received concern nor the device's own shared one goes plain.
    lane::share(&teacher.store, TEAM, "mine", NOW).unwrap();
    lane::forget_team(&teacher.store, TEAM, NOW).unwrap();
    teacher.edit("theirs", "tok-4");
    teacher.edit("mine", "tok-5");
    assert_eq!(
        plain(),
        plain_before,
        "a team's concern went to the plain lane after leaving"
    );
    // A concern never shared still does.
    teacher.create("new", "tok-6");
    assert_eq!(plain(), plain_before + 1);
}
