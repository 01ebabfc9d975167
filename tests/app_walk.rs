//! The guide's walk (`app::walk`), over complete paths through the guide (a spread sample of
//! the ~170,000 that `guide_paths.rs` checks one by one): which step is on screen, "Tilbage",
//! walking forward again through answers given before, and what a changed answer clears. These
//! were reachable only from the browser before: now the screen keeps the answers and the step
//! shown, and asks the walk.

mod guide_support;

use ssp_handleguide::app::walk::Walk;
use ssp_handleguide::domain::guide::engine::{Answer, Answers};
use ssp_handleguide::domain::guide::{self, Guide};
use std::sync::OnceLock;

/// Every `n`th complete path, enumerated once for all the tests here.
fn paths(n: usize) -> impl Iterator<Item = &'static Answers> {
    static PATHS: OnceLock<Vec<Answers>> = OnceLock::new();
    PATHS
        .get_or_init(|| guide_support::all_paths(guide::load().unwrap()))
        .iter()
        .step_by(n)
}

/// The steps of a complete answer set, in the order the guide asks them.
fn steps_in_order(g: &Guide, complete: &Answers) -> Vec<String> {
    g.position(complete, None).path
}

#[test]
fn a_path_replayed_shows_each_step_in_turn_then_the_outcome() {
    let g = guide::load().unwrap();
    let walk = Walk::new(g, None);
    assert!(paths(50).count() > 1000, "a wide sample");
    for complete in paths(50) {
        let order = steps_in_order(g, complete);
        let mut answers = Answers::new();
        for step in &order {
            assert_eq!(walk.displayed(&answers, None).as_ref(), Some(step));
            let given = complete.get(step).cloned().expect("answered on the path");
            let answered = walk.answer(&mut answers, step, given).expect("accepted");
            assert_eq!(answered.shown, None, "a first walk shows the waiting step");
            assert!(answered.cleared.is_empty());
        }
        assert!(walk.at_outcome(&answers, None), "{order:?}");
        assert_eq!(&answers, complete);
        // "Tilbage" from the outcome walks the path backwards, and stops at the first step.
        let mut here = None;
        for step in order.iter().rev() {
            let back = walk.back(&answers, here.as_deref());
            assert_eq!(back.as_ref(), Some(step));
            here = back;
        }
        assert_eq!(walk.back(&answers, here.as_deref()), None);
    }
}

#[test]
fn going_back_and_giving_the_same_answer_walks_forward_through_the_answered_steps() {
    let g = guide::load().unwrap();
    let walk = Walk::new(g, None);
    for complete in paths(500) {
        let order = steps_in_order(g, complete);
        for (i, step) in order.iter().enumerate() {
            let mut answers = complete.clone();
            let given = complete.get(step).cloned().expect("answered");
            let answered = walk.answer(&mut answers, step, given).expect("accepted");
            assert!(
                answered.cleared.is_empty(),
                "the same answer clears nothing"
            );
            assert_eq!(answered.shown.as_ref(), order.get(i + 1), "after {step}");
            assert_eq!(&answers, complete);
        }
    }
}

#[test]
fn a_refused_answer_changes_nothing() {
    let g = guide::load().unwrap();
    let walk = Walk::new(g, None);
    let mut answers = Answers::new();
    let first = walk.displayed(&answers, None).expect("a first step");
    for wrong in [
        Answer::Single("no-such-choice".into()),
        Answer::Multi(Default::default()),
        Answer::Text(Default::default()),
    ] {
        assert!(walk.answer(&mut answers, &first, wrong).is_err());
        assert!(answers.is_empty());
        assert_eq!(walk.displayed(&answers, None).as_ref(), Some(&first));
    }
    assert!(walk
        .answer(&mut answers, "no-such-step", Answer::Seen)
        .is_err());
}

#[test]
fn a_changed_answer_clears_only_answers_off_the_new_path() {
    let g = guide::load().unwrap();
    let walk = Walk::new(g, None);
    let mut cleared_some = 0;
    for complete in paths(1000) {
        for step in steps_in_order(g, complete) {
            for other in guide_support::candidates(g, &step) {
                let mut answers = complete.clone();
                let answered = walk
                    .answer(&mut answers, &step, other)
                    .expect("a candidate");
                let path = g.position(&answers, None).path;
                for gone in &answered.cleared {
                    assert!(complete.contains_key(gone) && !answers.contains_key(gone));
                    assert!(!path.contains(gone), "{gone} is off the new path");
                }
                for kept in answers.keys() {
                    assert!(complete.contains_key(kept), "{kept}: nothing new appears");
                }
                cleared_some += usize::from(!answered.cleared.is_empty());
            }
        }
    }
    assert!(cleared_some > 0, "some changed answers clear others");
}
