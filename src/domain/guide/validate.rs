//! Checks the guide data: ids unique, every `next` and reference resolves, every step reachable,
//! no cycles (so every path ends), every step can reach the outcome, conditions name real steps
//! and options, legal statements exist, each level has its texts.

use super::cond::Mention;
use super::{ids, Guide, StepKind, OUTCOME};
use std::collections::{HashMap, HashSet};

/// What the code expects of the data: a step, its kind, and the fields or options it reads.
pub struct Expected {
    pub step: &'static str,
    pub kind: StepKind,
    pub fields: &'static [&'static str],
    pub options: &'static [&'static str],
}

/// Every step the code reads by id.
pub const REQUIRED: &[Expected] = &[
    Expected {
        step: ids::ACUTE,
        kind: StepKind::Single,
        fields: &[],
        options: &[ids::YES],
    },
    Expected {
        step: ids::ACUTE_HOME,
        kind: StepKind::Single,
        fields: &[],
        options: &[ids::YES, ids::UNKNOWN],
    },
    Expected {
        step: ids::OBSERVATION,
        kind: StepKind::Text,
        fields: &[ids::OBSERVED, ids::WHEN_WHERE, ids::CHILD_WORDS],
        options: &[],
    },
    Expected {
        step: ids::TOPICS,
        kind: StepKind::Multi,
        fields: &[],
        options: &[],
    },
    Expected {
        step: ids::DUTY,
        kind: StepKind::Multi,
        fields: &[],
        options: &[],
    },
    Expected {
        step: ids::SUSPECT,
        kind: StepKind::Single,
        fields: &[],
        options: &[],
    },
    Expected {
        step: ids::DURATION,
        kind: StepKind::Single,
        fields: &[],
        options: &[],
    },
    Expected {
        step: ids::IMPACT,
        kind: StepKind::Single,
        fields: &[],
        options: &[],
    },
];

pub fn problems(g: &Guide) -> Vec<String> {
    let mut p = Vec::new();
    if g.format_version != super::FORMAT_VERSION {
        p.push(format!(
            "format_version {} is not {}",
            g.format_version,
            super::FORMAT_VERSION
        ));
    }
    if g.steps.is_empty() {
        p.push("the guide has no steps".into());
        return p;
    }
    let mut ids = HashSet::new();
    for s in &g.steps {
        if !ids.insert(s.id.as_str()) || s.id == OUTCOME {
            p.push(format!("step id \"{}\" is used twice or reserved", s.id));
        }
    }
    // The steps, fields and options the code reads by id (`ids::REQUIRED`).
    for want in REQUIRED {
        let Some(step) = g.step(want.step) else {
            p.push(format!(
                "step \"{}\" is missing (the code reads it)",
                want.step
            ));
            continue;
        };
        if step.kind != want.kind {
            p.push(format!("step \"{}\" must be {:?}", want.step, want.kind));
        }
        for field in want.fields {
            if !step.fields.iter().any(|f| f.id == *field) {
                p.push(format!(
                    "step \"{}\" lacks the field \"{field}\"",
                    want.step
                ));
            }
        }
        for option in want.options {
            if !step.options.iter().any(|o| o.id == *option) {
                p.push(format!(
                    "step \"{}\" lacks the option \"{option}\"",
                    want.step
                ));
            }
        }
    }
    let legal: HashSet<&str> = g.legal.iter().map(|l| l.id.as_str()).collect();
    if legal.len() != g.legal.len() {
        p.push("legal statement ids are not unique".into());
    }
    for l in &g.legal {
        if l.text.da.trim().is_empty() || l.text.en.trim().is_empty() || l.source.trim().is_empty()
        {
            p.push(format!("legal \"{}\" lacks a text or a source", l.id));
        }
    }

    // Steps: kinds have what they need; next targets resolve; the last next is unconditional.
    for s in &g.steps {
        let choices = g.choices(s);
        match s.kind {
            StepKind::Single | StepKind::Multi if choices.is_empty() => {
                p.push(format!("step \"{}\" has no options", s.id))
            }
            StepKind::Text if s.fields.is_empty() => {
                p.push(format!("step \"{}\" has no fields", s.id))
            }
            _ => {}
        }
        match s.next.last() {
            Some(n) if n.when.is_none() => {}
            _ => p.push(format!(
                "step \"{}\": the last next must have no condition (no dead end)",
                s.id
            )),
        }
        for n in &s.next {
            if n.to != OUTCOME && g.step(&n.to).is_none() {
                p.push(format!(
                    "step \"{}\": next \"{}\" does not exist",
                    s.id, n.to
                ));
            }
        }
        for id in &s.legal {
            if !legal.contains(id.as_str()) {
                p.push(format!("step \"{}\": legal \"{id}\" does not exist", s.id));
            }
        }
    }

    // Reachable from the first step; no cycles; every step reaches the outcome.
    let edges: HashMap<&str, Vec<&str>> = g
        .steps
        .iter()
        .map(|s| {
            (
                s.id.as_str(),
                s.next.iter().map(|n| n.to.as_str()).collect(),
            )
        })
        .collect();
    let mut seen = HashSet::new();
    let mut stack = vec![g.steps[0].id.as_str()];
    while let Some(at) = stack.pop() {
        if at == OUTCOME || !seen.insert(at) {
            continue;
        }
        stack.extend(edges.get(at).into_iter().flatten());
    }
    for s in &g.steps {
        if !seen.contains(s.id.as_str()) {
            p.push(format!("step \"{}\" cannot be reached", s.id));
        }
    }
    fn cyclic<'a>(
        at: &'a str,
        edges: &HashMap<&'a str, Vec<&'a str>>,
        on: &mut Vec<&'a str>,
    ) -> bool {
        if at == OUTCOME {
            return false;
        }
        if on.contains(&at) {
            return true;
        }
        on.push(at);
        let found = edges
            .get(at)
            .into_iter()
            .flatten()
            .any(|n| cyclic(n, edges, on));
        on.pop();
        found
    }
    if cyclic(&g.steps[0].id, &edges, &mut Vec::new()) {
        p.push("the steps form a cycle: some path never ends".into());
    }

    // Conditions name real steps, options and refs.
    let mut mentions = Vec::new();
    for s in &g.steps {
        s.next
            .iter()
            .filter_map(|n| n.when.as_ref())
            .for_each(|c| c.mentions(&mut mentions));
    }
    g.levels
        .iter()
        .filter_map(|r| r.when.as_ref())
        .for_each(|c| c.mentions(&mut mentions));
    g.staircase
        .iter()
        .filter_map(|r| r.when.as_ref())
        .for_each(|c| c.mentions(&mut mentions));
    g.no_parent_contact_when.mentions(&mut mentions);
    let grounds: Vec<String> = g
        .step("duty")
        .map(|d| {
            d.options
                .iter()
                .filter(|c| !c.exclusive)
                .map(|c| c.id.clone())
                .collect()
        })
        .unwrap_or_default();
    for i in &g.implied_grounds {
        let mut own = Vec::new();
        i.when.mentions(&mut own);
        if own.iter().any(|m| matches!(m, Mention::Ground(_))) {
            p.push(format!(
                "implied ground \"{}\": its condition may not depend on a ground",
                i.id
            ));
        }
        if !grounds.contains(&i.ground) {
            p.push(format!(
                "implied ground \"{}\": \"{}\" is not an option of the duty step",
                i.id, i.ground
            ));
        }
        mentions.extend(own);
    }
    let n = &g.notification;
    let section_ids: Vec<&str> = n.sections.iter().map(|s| s.id.as_str()).collect();
    if section_ids != crate::domain::notification::SECTIONS {
        p.push(format!(
            "notification: the sections must be {:?}, in that order",
            crate::domain::notification::SECTIONS
        ));
    }
    for key in crate::domain::notification::PHRASES {
        if n.phrases.get(*key).is_none_or(|t| t.trim().is_empty()) {
            p.push(format!("notification: phrase \"{key}\" is missing"));
        }
    }
    for id in g
        .no_parent_warning
        .legal
        .iter()
        .chain(&g.outcome_legal)
        .chain(std::iter::once(&n.receipt_legal))
    {
        if !legal.contains(id.as_str()) {
            p.push(format!(
                "legal \"{id}\" (warning or outcome_legal) does not exist"
            ));
        }
    }
    for t in &g.plan {
        t.when.mentions(&mut mentions);
        for id in &t.legal {
            if !legal.contains(id.as_str()) {
                p.push(format!("plan \"{}\": legal \"{id}\" does not exist", t.id));
            }
        }
        if !g.actors.contains_key(&t.actor) {
            p.push(format!(
                "plan \"{}\": actor {:?} has no name",
                t.id, t.actor
            ));
        }
    }
    for m in mentions {
        match m {
            Mention::Step(step) if g.step(&step).is_none() => {
                p.push(format!("a condition names step \"{step}\""))
            }
            Mention::Option(step, option) => match g.step(&step) {
                None => p.push(format!("a condition names step \"{step}\"")),
                Some(s) if !g.choices(s).iter().any(|c| c.id == option) => p.push(format!(
                    "a condition names option \"{option}\" of step \"{step}\""
                )),
                _ => {}
            },
            Mention::Ref(name) if name != "no_parent_contact" => {
                p.push(format!("unknown ref \"{name}\""))
            }
            Mention::Ground(ground) if !grounds.contains(&ground) => {
                p.push(format!("a condition names ground \"{ground}\""))
            }
            _ => {}
        }
    }
    match g.levels.last() {
        Some(r) if r.when.is_none() => {}
        _ => p.push("the last level rule must have no condition".into()),
    }
    for level in super::Level::ALL {
        if !g.level_texts.contains_key(&level) {
            p.push(format!("level {level:?} has no texts"));
        }
    }
    p
}
