//! The application layer's concern commands and repository (`app::commands`,
//! `app::repository`): every command's refusal and effect, what a save comes to, creating a
//! concern from the guide's outcome, and where real and training data go. Before, these rules
//! sat in the screens and only the browser tests could reach them.

use ssp_handleguide::app::commands::{self, after_save, AfterSave, Command, Context, NewConcern};
use ssp_handleguide::app::repository::{Concerns, Space};
use ssp_handleguide::domain::concern::{ChangeKind, Concern, ConcernProblem, Field, Status};
use ssp_handleguide::domain::concern_store::SaveError;
use ssp_handleguide::domain::guide;
use ssp_handleguide::domain::guide::engine::{Answer, Answers};
use ssp_handleguide::domain::i18n::{texts, Lang};
use ssp_handleguide::domain::notification::{self, Draft};
use ssp_handleguide::domain::profile::library::Library;
use ssp_handleguide::domain::settings::StorageNotice;
use ssp_handleguide::domain::storage::{KeyValueStore, MemoryStore, StoreError};
use ssp_handleguide::domain::sync::engine;
use std::collections::BTreeMap;

const NOW: u64 = 1_800_000_000_000;
const DAY: u64 = 86_400_000;

fn cx(now_ms: u64) -> Context<'static> {
    Context {
        now_ms,
        by_role: "Lærer",
        lang: Lang::Da,
        guide: guide::load().unwrap(),
    }
}

fn profile() -> ssp_handleguide::domain::profile::Profile {
    let library = Library::default();
    let id = library.choices()[0].0.to_string();
    let found = library.find(&id).expect("a built-in profile");
    ssp_handleguide::domain::profile::Profile::clone(&found)
}

/// A complete walk of the guide that asks what was seen (`observed` in every text field).
fn some_answers(observed: &str) -> Answers {
    let g = guide::load().unwrap();
    let p = profile();
    let mut answers = Answers::new();
    while let Some(step) = g.position(&answers, Some(&p)).current().map(str::to_string) {
        let s = g.step(&step).expect("a step");
        let tries: Vec<Answer> = if !s.fields.is_empty() {
            vec![Answer::Text(
                s.fields
                    .iter()
                    .map(|f| (f.id.clone(), observed.to_string()))
                    .collect::<BTreeMap<_, _>>(),
            )]
        } else {
            // The last choice first: "no" to "is it acute?", so the walk asks what was seen.
            let ids: Vec<String> = g.choices(s).iter().rev().map(|c| c.id.clone()).collect();
            ids.iter()
                .map(|id| Answer::Single(id.clone()))
                .chain(ids.iter().map(|id| Answer::Multi([id.clone()].into())))
                .chain([Answer::Seen])
                .collect()
        };
        let accepted = tries
            .into_iter()
            .any(|a| g.answer(&mut answers, &step, a, Some(&p)).is_ok());
        assert!(accepted, "some answer to {step}");
    }
    answers
}

/// The save form with initials "AB" and no class.
fn form(id: &str) -> NewConcern {
    NewConcern {
        id: id.into(),
        child: "AB".into(),
        class: String::new(),
    }
}

/// A concern made from a walk that saw "Han græd", with the notification's draft `note`.
fn made_with_note(id: &str, note: Option<Draft>, cx: Context) -> Result<Concern, ConcernProblem> {
    let p = profile();
    let answers = some_answers("Han græd");
    let outcome = guide::load().unwrap().outcome(&answers, &p);
    commands::create(form(id), &answers, &outcome, &p, note, cx)
}

fn new_concern(child: &str, class: &str) -> Result<Concern, ConcernProblem> {
    let p = profile();
    let answers = some_answers("Han græd i frikvarteret");
    let outcome = guide::load().unwrap().outcome(&answers, &p);
    commands::create(
        NewConcern {
            id: "c-1".into(),
            child: child.into(),
            class: class.into(),
        },
        &answers,
        &outcome,
        &p,
        None,
        cx(NOW),
    )
}

#[test]
fn a_concern_made_from_the_outcome_carries_its_relay_plan_in_the_municipality_s_words() {
    let p = profile();
    let c = new_concern("AB", " 6.b ").expect("saved");
    let answers = some_answers("Han græd i frikvarteret");
    let outcome = guide::load().unwrap().outcome(&answers, &p);
    assert_eq!(
        (c.revision, c.status, c.level),
        (1, Status::Open, outcome.level)
    );
    assert_eq!(c.school_class.as_deref(), Some("6.b"));
    assert_eq!(c.action_plan.len(), outcome.steps.len());
    for (item, step) in c.action_plan.iter().zip(&outcome.steps) {
        assert_eq!(
            item.what,
            guide::load().unwrap().step_text(step, &p, Lang::Da)
        );
        assert_eq!(
            item.who,
            guide::load()
                .unwrap()
                .contact_name(&step.contact, &p, Lang::Da)
        );
        assert!(!item.done);
    }
    assert_eq!(c.history.len(), 1);
    assert_eq!(c.history[0].kind, ChangeKind::Created);
}

#[test]
fn a_concern_is_not_made_with_a_name_or_a_cpr_number_anywhere() {
    assert_eq!(
        new_concern("Anna Jensen", "").unwrap_err(),
        ConcernProblem::ChildLooksLikeName
    );
    assert_eq!(
        new_concern(" ", "").unwrap_err(),
        ConcernProblem::ChildMissing
    );
    assert_eq!(
        new_concern("AB", "6.b 010203-1234").unwrap_err(),
        ConcernProblem::CprInText("010203-1234".into())
    );
    // In the observations (the guide refuses such an answer already; a stored draft from
    // elsewhere could still hold one).
    let p = profile();
    let mut answers = some_answers("Han græd");
    for answer in answers.values_mut() {
        if let Answer::Text(fields) = answer {
            for text in fields.values_mut() {
                *text = "Han sagde 0102031234".into();
            }
        }
    }
    let outcome = guide::load().unwrap().outcome(&answers, &p);
    assert_eq!(
        commands::create(form("x"), &answers, &outcome, &p, None, cx(NOW)).unwrap_err(),
        ConcernProblem::CprInText("0102031234".into())
    );
    // In the notification's draft that goes with it.
    let mut note = draft("Eleven græd.");
    note.sections[0].text = "CPR 010203-1234".into();
    assert_eq!(
        made_with_note("x", Some(note), cx(NOW)).unwrap_err(),
        ConcernProblem::CprInText("010203-1234".into())
    );
}

fn draft(text: &str) -> Draft {
    let p = profile();
    let answers = some_answers(text);
    let outcome = guide::load().unwrap().outcome(&answers, &p);
    notification::draft(
        guide::load().unwrap(),
        &notification::DraftInput {
            answers: &answers,
            outcome: &outcome,
            profile: &p,
            role: Some("Lærer"),
            school_class: None,
            done: &[],
        },
    )
}

#[test]
fn a_notification_saved_with_a_new_concern_adds_the_receipt_follow_up_once() {
    let c = made_with_note("n", Some(draft("Han græd")), cx(NOW)).expect("saved");
    let receipt = guide::load()
        .unwrap()
        .notification
        .receipt_item
        .get(Lang::Da);
    let count = |c: &Concern| c.action_plan.iter().filter(|i| i.what == receipt).count();
    assert_eq!(count(&c), 1);
    assert!(c.notification.is_some());
    // Saving the draft again: no second receipt item.
    let again = commands::apply(
        &c,
        Command::SaveNotification {
            draft: draft("Han græd igen"),
        },
        cx(NOW + 1),
    )
    .expect("saved");
    assert_eq!(count(&again), 1);
    assert_eq!(again.revision, c.revision + 1);
}

#[test]
fn every_command_changes_a_copy_or_nothing() {
    let c = new_concern("AB", "6.b").expect("made");
    let ok = |cmd: Command| commands::apply(&c, cmd, cx(NOW + DAY)).expect("accepted");
    let refused = |cmd: Command| commands::apply(&c, cmd, cx(NOW + DAY)).expect_err("refused");

    let done = ok(Command::SetDone {
        item: 0,
        done: true,
    });
    assert!(done.action_plan[0].done);
    assert_eq!(done.history.last().map(|h| h.kind), Some(ChangeKind::Done));
    assert_eq!(
        refused(Command::SetDone {
            item: 99,
            done: true
        }),
        ConcernProblem::NoSuchItem
    );

    let added = ok(Command::AddItem {
        what: " Samtale med forældrene ".into(),
        who: "Klasselærer".into(),
        by: "2027-01-15".into(),
    });
    let last = added.action_plan.last().expect("an item");
    assert_eq!(
        (last.what.as_str(), last.by.iso().as_str()),
        ("Samtale med forældrene", "2027-01-15")
    );
    for (what, who, by, why) in [
        (
            "",
            "x",
            "2027-01-15",
            ConcernProblem::Missing(Field::ItemWhat),
        ),
        (
            "x",
            " ",
            "2027-01-15",
            ConcernProblem::Missing(Field::ItemWho),
        ),
        ("x", "y", "", ConcernProblem::Missing(Field::ItemBy)),
        ("x", "y", "15.1.2027", ConcernProblem::NotADate),
        (
            "x",
            "Ring 0102031234",
            "2027-01-15",
            ConcernProblem::CprInText("0102031234".into()),
        ),
    ] {
        let cmd = Command::AddItem {
            what: what.into(),
            who: who.into(),
            by: by.into(),
        };
        assert_eq!(refused(cmd), why, "{what:?} {who:?} {by:?}");
    }

    let moved = ok(Command::MoveFollowUp {
        date: "2027-02-01".into(),
    });
    assert_eq!(moved.follow_up.iso(), "2027-02-01");
    for bad in ["", "2027-2-1", "2027-02-30"] {
        let cmd = Command::MoveFollowUp { date: bad.into() };
        assert_eq!(refused(cmd), ConcernProblem::NotADate, "{bad:?}");
    }

    let closed = ok(Command::Close {
        reason: "Trivslen er tilbage".into(),
    });
    assert_eq!(closed.status, Status::Closed);
    assert_eq!(
        refused(Command::Close {
            reason: "  ".into()
        }),
        ConcernProblem::Missing(Field::CloseReason)
    );
    let reopened = commands::apply(&closed, Command::Reopen, cx(NOW + 2 * DAY)).expect("ok");
    assert_eq!(reopened.status, Status::Open);

    let edited = ok(Command::EditDetails {
        child: "AJ".into(),
        class: "7.a".into(),
    });
    assert_eq!(
        (edited.child.as_str(), edited.school_class.as_deref()),
        ("AJ", Some("7.a"))
    );
    assert_eq!(
        refused(Command::EditDetails {
            child: "Anna Jensen".into(),
            class: String::new()
        }),
        ConcernProblem::ChildLooksLikeName
    );
    // Every accepted command grew the revision by one; every refusal left `c` as it was.
    for changed in [&done, &added, &moved, &closed, &edited] {
        assert_eq!(changed.revision, c.revision + 1);
    }
    assert_eq!(c.revision, 1);
}

#[test]
fn every_refusal_has_a_message_in_both_languages() {
    let problems = [
        ConcernProblem::ChildMissing,
        ConcernProblem::ChildTooLong,
        ConcernProblem::ChildLooksLikeName,
        ConcernProblem::CprInText("010203-1234".into()),
        ConcernProblem::Missing(Field::ItemWhat),
        ConcernProblem::Missing(Field::CloseReason),
        ConcernProblem::NotADate,
        ConcernProblem::NoSuchItem,
    ];
    for lang in [Lang::Da, Lang::En] {
        let t = texts(lang);
        let messages: Vec<String> = problems
            .iter()
            .map(|p| commands::problem_message(p, t))
            .collect();
        for (p, m) in problems.iter().zip(&messages) {
            assert!(m.len() > 10, "{lang:?} {p:?}: {m:?}");
        }
        assert!(
            messages[3].ends_with("010203-1234"),
            "the number is shown to be found"
        );
        let distinct: std::collections::BTreeSet<_> = messages.iter().collect();
        assert_eq!(distinct.len(), problems.len(), "{lang:?}: one message each");
    }
}

#[test]
fn what_a_save_comes_to() {
    let full = Err(SaveError::Store(StoreError::QuotaExceeded));
    let broken = Err(SaveError::Store(StoreError::Other("x".into())));
    let moved_on = Err(SaveError::Conflict { stored_revision: 4 });
    let plain = |keep, unsaved, notice, conflict, changed| AfterSave {
        keep,
        unsaved,
        notice,
        conflict,
        changed,
    };
    let (full_notice, failed_notice) = (
        Some(StorageNotice::StorageFull),
        Some(StorageNotice::WriteFailed),
    );
    // (result, a change to a saved concern) → what the screen does.
    let cases = [
        (Ok(()), true, plain(true, false, None, false, true)),
        (Ok(()), false, plain(true, false, None, false, true)),
        // A change that could not be written stays in memory and is tried again.
        (
            full.clone(),
            true,
            plain(true, true, full_notice, false, false),
        ),
        // A new concern that could not be written is not in the list: the answers are still there.
        (full, false, plain(false, false, full_notice, false, false)),
        (broken, true, plain(true, true, failed_notice, false, false)),
        // Changed elsewhere: nothing kept, nothing overwritten, the user chooses.
        (moved_on, true, plain(false, false, None, true, false)),
    ];
    for (i, (result, existing, want)) in cases.into_iter().enumerate() {
        assert_eq!(after_save(&result, existing), want, "case {i}");
    }
}

#[test]
fn keep_both_makes_a_new_concern_of_this_device_s_version() {
    let mut mine = new_concern("AB", "").expect("made");
    mine.revision = 5;
    let copy = commands::keep_both(&mine, "c-2".into());
    assert_eq!((copy.id.as_str(), copy.revision), ("c-2", 1));
    assert_eq!((copy.child, copy.answers), (mine.child, mine.answers));
}

#[test]
fn real_saves_reach_sync_s_outbox_and_training_never_touches_real_keys() {
    let device = MemoryStore::new();
    engine::set_up(&device, "client-1", NOW).expect("set up");
    let c = new_concern("AB", "").expect("made");
    let real = Concerns::new(false);
    let training = Concerns::new(true);
    assert_eq!((real.space, training.space), (Space::Real, Space::Training));

    real.save(&device, &c, None, NOW).expect("saved");
    let queued: Vec<String> = engine::outbox(&device, NOW)
        .into_iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(queued, ["c-1"]);

    let keys_before = device.keys().expect("keys");
    let mut t = c.clone();
    t.id = "t-1".into();
    training.save(&device, &t, None, NOW).expect("saved");
    training.delete(&device, "t-1", 1, NOW).expect("deleted");
    training
        .keep_draft(&device, &some_answers("Øvelse"), NOW)
        .expect("kept");
    let new_keys: Vec<String> = device
        .keys()
        .expect("keys")
        .into_iter()
        .filter(|k| !keys_before.contains(k))
        .collect();
    assert!(!new_keys.is_empty());
    assert!(
        new_keys.iter().all(|k| k.starts_with("ssp.training.")),
        "training writes only its namespace: {new_keys:?}"
    );
    assert_eq!(
        engine::outbox(&device, NOW).len(),
        1,
        "training queued nothing"
    );
    assert_eq!(real.reload(&device, NOW).len(), 1);
    assert!(
        training.reload(&device, NOW).is_empty(),
        "the training case was deleted"
    );

    // A delete of real data is queued too.
    real.delete(&device, "c-1", 1, NOW + 1).expect("deleted");
    assert!(real.reload(&device, NOW + 1).is_empty());
    assert_eq!(real.tombstones(&device, NOW + 1).len(), 1);
}

#[test]
fn a_save_begun_from_an_old_revision_is_refused_and_the_stored_one_kept() {
    let device = MemoryStore::new();
    let repo = Concerns::new(false);
    let c = new_concern("AB", "").expect("made");
    repo.save(&device, &c, None, NOW).expect("saved");
    let elsewhere = commands::apply(&c, Command::Reopen, cx(NOW + 1)).expect("ok");
    repo.save(&device, &elsewhere, Some(1), NOW + 1)
        .expect("saved");
    let mine = commands::apply(
        &c,
        Command::Close {
            reason: "Slut".into(),
        },
        cx(NOW + 2),
    )
    .expect("ok");
    assert_eq!(
        repo.save(&device, &mine, Some(1), NOW + 2),
        Err(SaveError::Conflict { stored_revision: 2 })
    );
    assert_eq!(repo.reload(&device, NOW + 2)[0].status, Status::Open);
}

#[test]
fn the_guide_s_drafts_are_kept_forgotten_and_never_hold_a_cpr_number() {
    let device = MemoryStore::new();
    let repo = Concerns::new(false);
    assert!(repo.draft(&device, NOW).is_empty());
    let answers = some_answers("Han græd");
    repo.keep_draft(&device, &answers, NOW).expect("kept");
    assert_eq!(repo.draft(&device, NOW), answers);
    let note = draft("Han græd");
    assert_eq!(repo.keep_note(&device, Some(&note), NOW), Ok(true));
    let mut with_cpr = note.clone();
    with_cpr.sections[0].text = "010203-1234".into();
    assert_eq!(repo.keep_note(&device, Some(&with_cpr), NOW), Ok(false));
    assert_eq!(
        repo.note(&device, NOW),
        Some(note),
        "the version before is kept"
    );
    // Empty answers: the draft and its notification go.
    repo.keep_draft(&device, &Answers::new(), NOW)
        .expect("forgotten");
    assert!(repo.draft(&device, NOW).is_empty());
    assert_eq!(repo.note(&device, NOW), None);
    assert!(device
        .keys()
        .expect("keys")
        .iter()
        .all(|k| !k.starts_with("ssp.draft.")));
}

#[test]
fn loading_applies_retention_announced_first_then_deleted() {
    let device = MemoryStore::new();
    let repo = Concerns::new(false);
    let c = new_concern("AB", "").expect("made");
    let closed = commands::apply(
        &c,
        Command::Close {
            reason: "Slut".into(),
        },
        cx(NOW),
    )
    .expect("closed");
    repo.save(&device, &closed, None, NOW).expect("saved");
    let later = NOW + 100 * DAY;
    let first = repo.load(&device, 90, later);
    assert_eq!(
        (first.concerns.len(), first.deleted, first.announced),
        (1, 0, 1)
    );
    let next = repo.load(&device, 90, later + 1);
    assert_eq!(
        (next.concerns.len(), next.deleted, next.announced),
        (0, 1, 0)
    );
}

#[test]
fn the_role_is_stored_as_a_code_and_shown_in_the_reader_s_language() {
    let english = Context {
        now_ms: NOW,
        by_role: "teacher",
        lang: Lang::En,
        guide: guide::load().unwrap(),
    };
    let c = made_with_note("r", Some(draft("Han græd")), english).expect("saved");
    assert_eq!(
        c.history[0].by_role, "teacher",
        "a code, not a word in one language"
    );
    let receipt = c.action_plan.last().expect("the receipt follow-up");
    assert_eq!(
        receipt.who, "Teacher",
        "the follow-up's who in the reader's language"
    );
    for (stored, lang, shown) in [
        ("teacher", Lang::Da, "Lærer"),
        ("teacher", Lang::En, "Teacher"),
        ("SSP-konsulent", Lang::En, "SSP consultant"),
    ] {
        assert_eq!(
            ssp_handleguide::domain::roles::label(stored, texts(lang)),
            shown
        );
    }
}

#[test]
fn the_notification_names_the_sender_s_role_in_danish_whatever_language_is_chosen() {
    let p = profile();
    let english = Context {
        now_ms: NOW,
        by_role: "ssp_consultant",
        lang: Lang::En,
        guide: guide::load().unwrap(),
    };
    let c = made_with_note("s", None, english).expect("saved");
    let d = ssp_handleguide::app::notification::for_concern(guide::load().unwrap(), &c, &p);
    let sender = d.section("sender").expect("a sender section");
    assert!(sender.contains("SSP-konsulent"), "{sender}");
    assert!(!sender.contains("ssp_consultant") && !sender.contains("SSP consultant"));
}

/// The list's copy (`concern_list`): loading writes it from what was loaded, retention
/// included; a save removes it and `relist` writes it from memory; training keeps its own.
#[test]
fn loading_keeps_the_list_s_copy_and_each_space_has_its_own() {
    use ssp_handleguide::domain::concern_list::{self, LIST_KEY};
    let device = MemoryStore::new();
    let real = Concerns::new(false);
    let training = Concerns::new(true);
    // The ids the copy of a space lists.
    let listed_ids = |space: Concerns| -> Vec<String> {
        space
            .listed(&device)
            .expect("a copy")
            .into_iter()
            .map(|s| s.id)
            .collect()
    };
    assert_eq!(real.listed(&device), None);

    let a = new_concern("AB", "7.b").expect("made");
    let mut b = new_concern("CD", "").expect("made");
    b.id = "c-2".into();
    real.save(&device, &a, None, NOW).expect("saved");
    real.save(&device, &b, None, NOW).expect("saved");
    assert_eq!(real.listed(&device), None, "a save leaves no copy behind");
    let loaded = real.load(&device, 90, NOW);
    assert_eq!(loaded.concerns.len(), 2);
    assert_eq!(
        real.listed(&device),
        Some(concern_list::summaries(&loaded.concerns))
    );

    // A closed concern past retention is deleted on a later load: the copy lists it no more.
    let closed = commands::apply(
        &b,
        Command::Close {
            reason: "Slut".into(),
        },
        cx(NOW),
    )
    .expect("closed");
    real.save(&device, &closed, Some(b.revision), NOW)
        .expect("saved");
    let later = NOW + 100 * DAY;
    assert_eq!(real.load(&device, 90, later).announced, 1);
    let after = real.load(&device, 90, later + 1);
    assert_eq!(after.deleted, 1);
    assert_eq!(listed_ids(real), [a.id.as_str()]);

    // Training's copy is its own, in its namespace.
    let mut t = a.clone();
    t.id = "t-1".into();
    training.save(&device, &t, None, NOW).expect("saved");
    assert_eq!(training.reload(&device, NOW).len(), 1);
    assert_eq!(listed_ids(training), ["t-1"]);
    assert!(device
        .get("ssp.training.concerns.list")
        .expect("read")
        .is_some());
    assert_eq!(real.listed(&device).map(|l| l.len()), Some(1));

    // After a change in memory is saved, the copy is written from memory.
    real.save(&device, &closed, None, NOW).expect("saved");
    assert_eq!(device.get(LIST_KEY).expect("read"), None);
    let in_memory = vec![a.clone(), closed.clone()];
    real.relist(&device, &in_memory);
    assert_eq!(
        real.listed(&device),
        Some(concern_list::summaries(&in_memory))
    );
}
