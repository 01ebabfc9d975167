//! Every complete path through the concern guide, shared by `guide_paths.rs` and
//! `safety_model.rs` (each test crate includes it with `mod guide_support;`).
//!
//! The enumeration only walks the guide (which step comes next); it decides nothing about
//! the advice, so the safety checks built on it stay independent of the rules they check.

use ssp_handleguide::domain::guide::engine::{Answer, Answers};
use ssp_handleguide::domain::guide::{Guide, StepKind};
use std::collections::BTreeSet;

/// The answers to try at a step: every option of a single choice; for multi choices every
/// combination (the duty step) or every single topic and pair plus all (the topic step).
pub fn candidates(g: &Guide, step_id: &str) -> Vec<Answer> {
    let step = g.step(step_id).unwrap();
    let choices = g.choices(step);
    match step.kind {
        StepKind::Single => choices
            .iter()
            .map(|c| Answer::Single(c.id.clone()))
            .collect(),
        StepKind::Multi if step.options_from.as_deref() == Some("topics") => {
            let ids: Vec<String> = choices.iter().map(|c| c.id.clone()).collect();
            let mut out: Vec<Answer> = Vec::new();
            for (i, a) in ids.iter().enumerate() {
                out.push(Answer::Multi(BTreeSet::from([a.clone()])));
                for b in &ids[i + 1..] {
                    out.push(Answer::Multi(BTreeSet::from([a.clone(), b.clone()])));
                }
            }
            out.push(Answer::Multi(ids.into_iter().collect()));
            out
        }
        StepKind::Multi => {
            let plain: Vec<&str> = choices
                .iter()
                .filter(|c| !c.exclusive)
                .map(|c| c.id.as_str())
                .collect();
            let mut out: Vec<Answer> = (1u32..(1 << plain.len()))
                .map(|mask| {
                    Answer::Multi(
                        plain
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| mask & (1 << i) != 0)
                            .map(|(_, id)| id.to_string())
                            .collect(),
                    )
                })
                .collect();
            out.extend(
                choices
                    .iter()
                    .filter(|c| c.exclusive)
                    .map(|c| Answer::Multi(BTreeSet::from([c.id.clone()]))),
            );
            out
        }
        StepKind::Text => vec![Answer::Text(
            step.fields
                .iter()
                .map(|f| {
                    (
                        f.id.clone(),
                        if f.required {
                            "Set og hørt".into()
                        } else {
                            String::new()
                        },
                    )
                })
                .collect(),
        )],
        StepKind::Review => vec![Answer::Seen],
    }
}

/// All complete answer sets.
pub fn all_paths(g: &Guide) -> Vec<Answers> {
    let mut done = Vec::new();
    let mut stack = vec![Answers::new()];
    while let Some(answers) = stack.pop() {
        let pos = g.position(&answers, None);
        let Some(current) = pos.current() else {
            done.push(answers);
            continue;
        };
        for answer in candidates(g, current) {
            let mut next = answers.clone();
            g.answer(&mut next, current, answer, None)
                .expect("a candidate answer is valid");
            stack.push(next);
        }
    }
    done
}
