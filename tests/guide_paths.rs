//! Every path through the concern guide, for every built-in municipality, and the safety rules
//! on each outcome (ARCHITECTURE.md, guide invariants). Wrong advice is the worst bug this app
//! can have; these rules come from shared/LEGAL.md.

use ssp_handleguide::domain::guide::engine::{Answer, Answers};
use ssp_handleguide::domain::guide::outcome::{Contact, Outcome};
use ssp_handleguide::domain::guide::{self, Actor, Guide, StepKind, Timing};
use ssp_handleguide::domain::i18n::Lang;
use ssp_handleguide::domain::profile::{self, Profile};
use std::collections::BTreeSet;

/// The answers to try at a step: every option of a single choice; for multi choices every
/// combination (the duty step) or every single topic and pair plus all (the topic step).
fn candidates(g: &Guide, step_id: &str) -> Vec<Answer> {
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
fn all_paths(g: &Guide) -> Vec<Answers> {
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

fn multi(a: &Answers, step: &str) -> BTreeSet<String> {
    match a.get(step) {
        Some(Answer::Multi(s)) => s.clone(),
        _ => BTreeSet::new(),
    }
}

fn single<'a>(a: &'a Answers, step: &str) -> Option<&'a str> {
    match a.get(step) {
        Some(Answer::Single(s)) => Some(s),
        _ => None,
    }
}

/// Everything the teacher reads for a step: its text and the legal statements with it.
fn read(g: &Guide, o: &Outcome, p: &Profile, i: usize) -> String {
    let s = &o.steps[i];
    let mut text = g.step_text(s, p, Lang::Da);
    for id in &s.legal {
        text += " ";
        text += &g.legal(id).unwrap().text.da;
        if let Some(r) = &g.legal(id).unwrap().reference {
            text += " ";
            text += r;
        }
    }
    text
}

fn check(g: &Guide, a: &Answers, p: &Profile) -> Result<(), String> {
    let o = g.outcome(a, p);
    let acute = single(a, "acute") == Some("yes");
    let duty = multi(a, "duty");
    let grounds: Vec<&String> = duty.iter().filter(|d| *d != "none").collect();
    let abuse = duty.contains("abuse");
    let suspect = single(a, "suspect");
    let topics = multi(a, "topics");

    if o.steps.is_empty() {
        return Err("no steps".into());
    }
    // 1. Acute danger: the first instruction is to call 112, with 114 / social døgnvagt beside it.
    if acute {
        let first = read(g, &o, p, 0);
        if o.steps[0].actor != Actor::Emergency
            || !first.contains("112")
            || !first.contains("114")
            || !first.contains("døgnvagt")
        {
            return Err(format!("acute: first step is not 112 with 114: {first}"));
        }
    }
    // 2. Violence or sexual abuse by a parent (or unknown who): never the parents first.
    let parent_suspected = abuse && matches!(suspect, Some("parent") | Some("unknown"));
    if parent_suspected {
        if !o.no_parent_contact_first {
            return Err("parent suspected but no_parent_contact_first is false".into());
        }
        if let Some(s) = o
            .steps
            .iter()
            .find(|s| s.contacts_parents || s.actor == Actor::Parents)
        {
            return Err(format!(
                "parent suspected, yet step {} contacts the parents",
                s.id
            ));
        }
        let said =
            (0..o.steps.len()).any(|i| read(g, &o, p, i).contains("Kontakt ikke forældrene"));
        if !said {
            return Err(
                "parent suspected: the plan does not say not to contact the parents".into(),
            );
        }
    }
    // 3. Any ground of the skærpet underretningspligt: the duty applies, it is personal, and
    //    how to notify: in writing, not anonymously, via the municipality's channel.
    if !grounds.is_empty() || acute {
        if !o.duty_applies {
            return Err("a ground applies but duty_applies is false".into());
        }
        let Some(i) = o.steps.iter().position(|s| s.notification) else {
            return Err("a ground applies but there is no notification step".into());
        };
        let text = read(g, &o, p, i);
        let channel = p
            .links
            .notification_channel
            .clone()
            .unwrap_or_else(|| g.channel_fallback.da.clone());
        for needed in [
            "Barnets Lov § 133",
            "skriftligt",
            "ikke anonymt",
            "Pligten er personlig",
            "leder uenig",
            channel.as_str(),
        ] {
            if !text.contains(needed) {
                return Err(format!("notification step lacks \"{needed}\": {text}"));
            }
        }
        if !matches!(o.steps[i].timing, Timing::Now | Timing::Today) {
            return Err("the notification is not for today".into());
        }
        // Unless the parents are excluded, talking with them comes before the notification.
        if !parent_suspected && !acute {
            let parents = o.steps.iter().position(|s| s.contacts_parents);
            if parents.is_none_or(|pi| pi > i) {
                return Err("parents are not talked to before the notification".into());
            }
        }
    } else if o.duty_applies || o.steps.iter().any(|s| s.notification) {
        return Err("no ground applies, yet the outcome says to notify".into());
    }
    // 4. Violence: always the police.
    if (topics.contains("vold") || abuse)
        && !o
            .steps
            .iter()
            .any(|s| s.actor == Actor::Police || s.actor == Actor::Emergency)
    {
        return Err("violence without the police".into());
    }
    // 5. Every outcome names a concrete role or body from the profile, and a follow-up.
    let names_profile = o.steps.iter().any(|s| match &s.contact {
        Contact::Role(id) => p.role(id).is_some(),
        Contact::Body(id) => p.body(id).is_some(),
        Contact::General(_) => false,
    });
    if !names_profile {
        return Err("no role from the profile".into());
    }
    if o.follow_up_days == 0 || !o.steps.iter().any(|s| s.timing == Timing::FollowUp) {
        return Err("no follow-up".into());
    }
    // 6. Every cited legal statement exists; the texts are filled in.
    for (i, s) in o.steps.iter().enumerate() {
        let text = g.step_text(s, p, Lang::En);
        if text.contains('{') || text.trim().is_empty() {
            return Err(format!("step {} renders as \"{text}\"", s.id));
        }
        let _ = i;
    }
    Ok(())
}

#[test]
fn every_path_for_every_municipality_keeps_the_safety_rules() {
    let g = guide::builtin();
    let paths = all_paths(g);
    assert!(paths.len() > 1000, "enumerated {} paths", paths.len());
    assert!(paths.iter().any(|a| single(a, "acute") == Some("yes")));
    let mut failures = Vec::new();
    let mut checked = 0;
    for b in profile::builtin() {
        for a in &paths {
            checked += 1;
            if let Err(e) = check(g, a, &b.profile) {
                if failures.len() < 20 {
                    failures.push(format!("{}: {e}\n   answers: {a:?}", b.profile.id));
                }
            }
        }
    }
    println!("checked {checked} outcomes over {} paths", paths.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_rules_can_fail() {
    // The checker rejects a plan that breaks a rule: drop the 112 step from an acute outcome.
    let g = guide::builtin();
    let p = &profile::builtin()[0].profile;
    let mut a = Answers::new();
    g.answer(&mut a, "acute", Answer::Single("yes".into()), None)
        .unwrap();
    assert!(check(g, &a, p).is_ok());
    let mut broken = g.clone();
    broken.plan.retain(|t| t.id != "call-112");
    assert!(check(&broken, &a, p).is_err());
    let mut broken = g.clone();
    for t in &mut broken.plan {
        if t.id == "no-parents" {
            t.when = serde_json::from_str(r#"{"answer":"acute","is":"never"}"#).unwrap();
        }
    }
    let mut a = Answers::new();
    for (step, answer) in [
        ("acute", Answer::Single("no".into())),
        (
            "observation",
            Answer::Text([("observed".to_string(), "x".to_string())].into()),
        ),
        (
            "topics",
            Answer::Multi(["seksuelle-overgreb".to_string()].into()),
        ),
        ("duration", Answer::Single("first".into())),
        ("impact", Answer::Single("much".into())),
        ("duty", Answer::Multi(["abuse".to_string()].into())),
        ("suspect", Answer::Single("parent".into())),
    ] {
        g.answer(&mut a, step, answer, None).unwrap();
    }
    assert!(check(g, &a, p).is_ok());
    assert!(check(&broken, &a, p).is_err());
}
