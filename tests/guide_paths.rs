//! Every path through the concern guide, for every built-in municipality, and the safety rules
//! on each outcome (ARCHITECTURE.md, guide invariants). Wrong advice is the worst bug this app
//! can have; these rules come from shared/LEGAL.md.

use ssp_handleguide::domain::guide::engine::{Answer, Answers};
use ssp_handleguide::domain::guide::outcome::{Contact, Outcome};
use ssp_handleguide::domain::guide::{self, Actor, Guide, Timing};
use ssp_handleguide::domain::i18n::Lang;
use ssp_handleguide::domain::profile::{self, Profile};
use std::collections::BTreeSet;

mod guide_support;
use guide_support::all_paths;

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

/// Which safety properties a path was checked against (for the counts the test prints).
#[derive(Default)]
struct Counts {
    acute: usize,
    ground_four_excluded: usize,
    suspect_named: usize,
    ground_four_same_day: usize,
    fight_only: usize,
    images: usize,
}

/// Ground (4) by what the adult saw: the tick, the topic sexual abuse, violence against the
/// child, sexual images or grooming (LEGAL.md: "the rule follows what the adult saw").
fn ground_four(a: &Answers) -> bool {
    multi(a, "duty").contains("abuse")
        || multi(a, "topics").contains("seksuelle-overgreb")
        || multi(a, "violence").contains("victim")
        || multi(a, "digital").contains("images")
        || multi(a, "digital").contains("grooming")
}

/// Steps that wait on someone else: telling the leader, the parents, the door, SSP, a forum.
fn waits_on_others(actor: Actor) -> bool {
    matches!(
        actor,
        Actor::Leader
            | Actor::Parents
            | Actor::SparringDoor
            | Actor::SspConsultant
            | Actor::S115Forum
            | Actor::Infohus
    )
}

fn check(g: &Guide, a: &Answers, p: &Profile, n: &mut Counts) -> Result<(), String> {
    let o = g.outcome(a, p);
    let acute = single(a, "acute") == Some("yes");
    let duty = multi(a, "duty");
    let ticked: Vec<&String> = duty.iter().filter(|d| *d != "none").collect();
    let four = !acute && ground_four(a);
    let neglect = multi(a, "topics").contains("omsorgssvigt");
    let any_ground = four || !ticked.is_empty() || neglect;
    let suspect = single(a, "suspect");
    let texts: Vec<String> = (0..o.steps.len()).map(|i| read(g, &o, p, i)).collect();

    if o.steps.is_empty() {
        return Err("no steps".into());
    }
    // (a) Acute danger: the first instruction is to call 112, with 114 / social døgnvagt.
    if acute {
        n.acute += 1;
        if o.steps[0].actor != Actor::Emergency
            || !texts[0].contains("112")
            || !texts[0].contains("114")
            || !texts[0].contains("døgnvagt")
        {
            return Err(format!(
                "(a) acute: first step is not 112 with 114: {}",
                texts[0]
            ));
        }
    }
    // (b) Ground (4) with a parent, close family or unknown suspected (or acute danger from
    //     home): no parent contact, and the warning.
    let excluded = (four && matches!(suspect, Some("parent" | "close" | "unknown")))
        || (acute && matches!(single(a, "acute_home"), Some("yes" | "unknown")));
    if excluded {
        n.ground_four_excluded += 1;
        if !o.no_parent_contact_first {
            return Err("(b) parents excluded, but no_parent_contact_first is false".into());
        }
        if let Some(s) = o
            .steps
            .iter()
            .find(|s| s.contacts_parents || s.actor == Actor::Parents)
        {
            return Err(format!(
                "(b) parents excluded, yet step {} contacts them",
                s.id
            ));
        }
        if !texts.iter().any(|t| t.contains("Kontakt ikke forældrene")) {
            return Err("(b) parents excluded: the plan does not say not to contact them".into());
        }
    }
    if four && suspect.is_none() {
        return Err("ground (4) applies but the suspect question was not asked".into());
    }
    // (c) Nobody tells the suspected person: no "tell them you notify" on a ground (4) path;
    //     where the parents are involved, the step says to tell the suspect nothing.
    if four {
        n.suspect_named += 1;
        if let Some(t) = texts
            .iter()
            .find(|t| t.contains("fortæl dem, at du underretter"))
        {
            return Err(format!(
                "(c) a step tells the parents of the notification: {t}"
            ));
        }
        for (s, t) in o.steps.iter().zip(&texts) {
            if s.contacts_parents && !t.contains("sig intet til den, mistanken gælder") {
                return Err(format!(
                    "(c) step {} involves the parents without the caveat",
                    s.id
                ));
            }
        }
    }
    // (d) Ground (4): a same-day municipality step before any step that waits on others.
    if four {
        n.ground_four_same_day += 1;
        let Some(m) = o.steps.iter().position(|s| {
            s.actor == Actor::SocialServices
                && s.notification
                && matches!(s.timing, Timing::Now | Timing::Today)
        }) else {
            return Err("(d) ground (4) without a same-day municipality step".into());
        };
        if let Some(w) = o.steps.iter().position(|s| waits_on_others(s.actor)) {
            if w < m {
                return Err(format!(
                    "(d) step {} comes before the municipality",
                    o.steps[w].id
                ));
            }
        }
    }
    // (e) A fight between pupils and nothing else of violence or abuse: no police.
    if multi(a, "violence") == BTreeSet::from(["fight".to_string()]) && !four && !acute {
        n.fight_only += 1;
        if let Some(s) = o
            .steps
            .iter()
            .find(|s| matches!(s.actor, Actor::Police | Actor::Emergency))
        {
            return Err(format!(
                "(e) a fight between pupils brings in the police: step {}",
                s.id
            ));
        }
    }
    // (f) Sexual images or grooming (or sexual abuse, where images may exist): the images step.
    let images = multi(a, "digital").contains("images")
        || multi(a, "digital").contains("grooming")
        || multi(a, "topics").contains("seksuelle-overgreb");
    if images {
        n.images += 1;
        let said = texts.iter().any(|t| {
            let t = t.to_lowercase();
            ["åbn", "kopiér", "videresend", "slet"]
                .iter()
                .all(|w| t.contains(w))
        });
        if !said {
            return Err("(f) images: no step says not to open, copy, forward or delete".into());
        }
    }
    // Any ground of § 133 (ticked or implied) or acute danger: the duty, its personal nature
    // and how to notify: in writing, not anonymously, via the municipality's channel.
    if any_ground || acute {
        if !o.duty_applies {
            return Err("a ground applies but duty_applies is false".into());
        }
        let Some(i) = o.steps.iter().position(|s| s.notification) else {
            return Err("a ground applies but there is no notification step".into());
        };
        let text = &texts[i];
        let channel = p
            .links
            .notification_channel
            .as_ref()
            .map(|c| c.words())
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
        // Where the parents are talked to first, that talk never delays the notification.
        if !excluded && !four && !acute {
            let parents = o.steps.iter().position(|s| s.contacts_parents);
            match parents {
                Some(pi) if pi < i && texts[pi].contains("alligevel") => {}
                _ => {
                    return Err(
                        "parents are not talked to first, or the talk may delay the notification"
                            .into(),
                    )
                }
            }
        }
    } else if o.duty_applies || o.steps.iter().any(|s| s.notification) {
        return Err("no ground applies, yet the outcome says to notify".into());
    }
    // Every outcome names a concrete role or body from the profile, and a follow-up.
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
    // The texts are filled in, in both languages.
    for s in &o.steps {
        let text = g.step_text(s, p, Lang::En);
        if text.contains('{') || text.trim().is_empty() {
            return Err(format!("step {} renders as \"{text}\"", s.id));
        }
    }
    Ok(())
}

#[test]
fn every_path_for_every_municipality_keeps_the_safety_rules() {
    let g = guide::load().unwrap();
    let paths = all_paths(g);
    assert!(paths.len() > 1000, "enumerated {} paths", paths.len());
    assert!(paths.iter().any(|a| single(a, "acute") == Some("yes")));
    // One thread per municipality (the machines have two cores).
    let results: Vec<(usize, Counts, Vec<String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = profile::builtin()
            .iter()
            .map(|b| {
                let paths = &paths;
                scope.spawn(move || {
                    let mut n = Counts::default();
                    let mut failures = Vec::new();
                    for a in paths {
                        if let Err(e) = check(g, a, b.profile, &mut n) {
                            if failures.len() < 4 {
                                failures.push(format!("{}: {e}\n   answers: {a:?}", b.profile.id));
                            }
                        }
                    }
                    (paths.len(), n, failures)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let checked: usize = results.iter().map(|r| r.0).sum();
    let mut n = Counts::default();
    let mut failures = Vec::new();
    for (_, c, f) in results {
        n.acute += c.acute;
        n.ground_four_excluded += c.ground_four_excluded;
        n.suspect_named += c.suspect_named;
        n.ground_four_same_day += c.ground_four_same_day;
        n.fight_only += c.fight_only;
        n.images += c.images;
        failures.extend(f);
    }
    println!("checked {checked} outcomes over {} paths", paths.len());
    println!(
        "outcomes checked per property: (a) acute {}, (b) parents excluded {}, (c) suspect told nothing {}, (d) same-day municipality {}, (e) fight only {}, (f) images {}",
        n.acute, n.ground_four_excluded, n.suspect_named, n.ground_four_same_day, n.fight_only, n.images
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_rules_can_fail() {
    // The checker rejects a plan that breaks a rule: drop the 112 step from an acute outcome.
    let g = guide::load().unwrap();
    let p = &profile::builtin()[0].profile;
    let mut a = Answers::new();
    g.answer(&mut a, "acute", Answer::Single("yes".into()), None)
        .unwrap();
    g.answer(&mut a, "acute_home", Answer::Single("yes".into()), None)
        .unwrap();
    assert!(check(g, &a, p, &mut Counts::default()).is_ok());
    let mut broken = g.clone();
    broken.plan.retain(|t| t.id != "call-112");
    assert!(check(&broken, &a, p, &mut Counts::default()).is_err());
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
    assert!(check(g, &a, p, &mut Counts::default()).is_ok());
    assert!(check(&broken, &a, p, &mut Counts::default()).is_err());

    // (e) The police step firing on a fight between pupils is caught.
    let mut broken = g.clone();
    for t in &mut broken.plan {
        if t.actor == Actor::Police {
            t.when = serde_json::from_str(r#"{"topic_any":["vold"]}"#).unwrap();
        }
    }
    let mut a = Answers::new();
    for (step, answer) in [
        ("acute", Answer::Single("no".into())),
        (
            "observation",
            Answer::Text([("observed".to_string(), "x".to_string())].into()),
        ),
        ("topics", Answer::Multi(["vold".to_string()].into())),
        ("violence", Answer::Multi(["fight".to_string()].into())),
        ("duration", Answer::Single("first".into())),
        ("impact", Answer::Single("little".into())),
        ("duty", Answer::Multi(["none".to_string()].into())),
    ] {
        g.answer(&mut a, step, answer, None).unwrap();
    }
    assert!(check(g, &a, p, &mut Counts::default()).is_ok());
    let e = check(&broken, &a, p, &mut Counts::default()).unwrap_err();
    assert!(e.starts_with("(e)"), "{e}");
    // (d) Telling the leader before the municipality on a ground (4) path is caught.
    let mut broken = g.clone();
    let leader = broken.plan.iter().position(|t| t.id == "leader").unwrap();
    let moved = broken.plan.remove(leader);
    broken.plan.insert(0, moved);
    let mut a = Answers::new();
    for (step, answer) in [
        ("acute", Answer::Single("no".into())),
        (
            "observation",
            Answer::Text([("observed".to_string(), "x".to_string())].into()),
        ),
        ("topics", Answer::Multi(["vold".to_string()].into())),
        ("violence", Answer::Multi(["victim".to_string()].into())),
        ("duration", Answer::Single("first".into())),
        ("impact", Answer::Single("little".into())),
        ("duty", Answer::Multi(["none".to_string()].into())),
        ("suspect", Answer::Single("unknown".into())),
    ] {
        g.answer(&mut a, step, answer, None).unwrap();
    }
    assert!(check(g, &a, p, &mut Counts::default()).is_ok());
    let e = check(&broken, &a, p, &mut Counts::default()).unwrap_err();
    assert!(e.starts_with("(d)"), "{e}");
}
