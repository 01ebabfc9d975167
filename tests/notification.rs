//! The written notification's draft (issue 19), on every guide path where a notification is
//! advised, for every built-in municipality: every section is there, nothing the teacher did
//! not give, the child's words quoted, no CPR-like number, and "the parents have not been
//! told" exactly when the plan says not to contact them.

use ssp_handleguide::domain::concern::{ActionItem, Concern, ConcernProblem, PlanLine, Receipt};
use ssp_handleguide::domain::guide::engine::{Answer, Answers};
use ssp_handleguide::domain::guide::{self, Guide, Timing};
use ssp_handleguide::domain::notification::{self, DraftInput, DraftProblem, SECTIONS};
use ssp_handleguide::domain::profile::{self, Profile};
use ssp_handleguide::domain::{cpr, dates::Date};

mod guide_support;

const OBSERVED: &str = "Set og hørt";
const WHEN_WHERE: &str = "Tirsdag kl. 9.40 i klasselokalet";
const CHILD_WORDS: &str = "Jeg tør ikke gå hjem i dag";

/// Each choice step's options (the topic list included), looked up once.
type Choices = Vec<(String, Vec<(String, String)>)>;

fn choices(g: &Guide) -> Choices {
    g.steps
        .iter()
        .map(|s| {
            let options = g
                .choices(s)
                .into_iter()
                .map(|c| (c.id, c.label.da))
                .collect();
            (s.id.clone(), options)
        })
        .collect()
}

/// The option labels the answers chose, and those they did not.
fn labels(all: &Choices, a: &Answers) -> (Vec<String>, Vec<String>) {
    let (mut chosen, mut not) = (Vec::new(), Vec::new());
    for (step, options) in all {
        for (id, label) in options {
            let picked = match a.get(step) {
                Some(Answer::Single(x)) => x == id,
                Some(Answer::Multi(ids)) => ids.contains(id),
                _ => false,
            };
            if picked {
                chosen.push(label.clone());
            } else {
                not.push(label.clone());
            }
        }
    }
    (chosen, not)
}

/// The teacher's own words on half the paths, so both "with" and "without" are checked.
fn with_words(a: &Answers, i: usize) -> Answers {
    let mut a = a.clone();
    if i.is_multiple_of(2) {
        if let Some(Answer::Text(v)) = a.get_mut("observation") {
            v.insert("when_where".into(), WHEN_WHERE.into());
            v.insert("child_words".into(), format!("»{CHILD_WORDS}«"));
        }
    }
    a
}

fn check(g: &Guide, all: &Choices, a: &Answers, p: &Profile) -> Result<bool, String> {
    let o = g.outcome(a, p);
    if !o.steps.iter().any(|s| s.notification) {
        return Ok(false);
    }
    let d = notification::draft(
        g,
        &DraftInput {
            answers: a,
            outcome: &o,
            profile: p,
            role: Some("Lærer"),
            school_class: None,
            done: &[],
        },
    );
    let ids: Vec<&str> = d.sections.iter().map(|s| s.id.as_str()).collect();
    if ids != SECTIONS {
        return Err(format!("sections {ids:?}"));
    }
    let text = d.full_text(g, p, "30.11.2026");
    let (chosen, unchosen) = labels(all, a);
    for label in unchosen {
        // Only labels long enough to be told apart from ordinary words.
        if label.chars().count() > 4
            && text.contains(&label)
            && !chosen.iter().any(|c| c.contains(&label))
        {
            return Err(format!(
                "the draft holds \"{label}\", which was not answered"
            ));
        }
    }
    let observation = |f: &str| match a.get("observation") {
        Some(Answer::Text(v)) => v.get(f).cloned().unwrap_or_default(),
        _ => String::new(),
    };
    if !observation("observed").is_empty()
        && d.section("observed") != Some(OBSERVED)
        && !d
            .section("observed")
            .unwrap_or_default()
            .starts_with(OBSERVED)
    {
        return Err("the observation is not the teacher's words".into());
    }
    let words = d.section("child_words").unwrap_or_default();
    if observation("child_words").is_empty() {
        if !words.is_empty() {
            return Err(format!("child's words invented: {words}"));
        }
    } else if words != format!("Barnet sagde (gengivet ordret): »{CHILD_WORDS}«") {
        return Err(format!("the child's words are not quoted as such: {words}"));
    }
    if !observation("when_where").is_empty() && !text.contains(WHEN_WHERE) {
        return Err("time and place are missing".into());
    }
    if !cpr::find(&text).is_empty() {
        return Err("a CPR-like number".into());
    }
    if !text.contains("[barnets navn og CPR-nummer udfyldes i kommunens formular]") {
        return Err("no marked place for the child's identity".into());
    }
    let not_told = d
        .section("parents")
        .unwrap_or_default()
        .contains("Forældrene er ikke orienteret");
    if not_told != o.no_parent_contact_first {
        return Err(format!(
            "\"not told\" is {not_told}, the plan's no-parent-contact is {}",
            o.no_parent_contact_first
        ));
    }
    if o.grounds.iter().any(|_| true) && !text.contains("Barnets Lov § 133") {
        return Err("the ground is given without its reference".into());
    }
    // Empty sections are flagged, never filled with invented text.
    let problems = d.problems(&d);
    if !problems.contains(&DraftProblem::Empty("done".into())) {
        return Err("the empty 'done' section is not flagged".into());
    }
    Ok(true)
}

#[test]
fn every_notification_path_gets_a_faithful_draft() {
    let g = guide::load().unwrap();
    let paths = guide_support::all_paths(g);
    let all = choices(g);
    // Every path for the first municipality (the draft's sections do not depend on the
    // profile beyond its name), every 10th for the others; two threads.
    let profiles = profile::builtin();
    let jobs: Vec<(usize, &Profile)> = (0..paths.len())
        .map(|i| (i, profiles[0].profile))
        .chain(
            profiles[1..]
                .iter()
                .flat_map(|b| (0..paths.len()).step_by(10).map(move |i| (i, b.profile))),
        )
        .collect();
    let results: Vec<(usize, Vec<String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = jobs
            .chunks(jobs.len().div_ceil(2))
            .map(|chunk| {
                let (paths, all) = (&paths, &all);
                scope.spawn(move || {
                    let mut n = 0;
                    let mut failures = Vec::new();
                    for (i, p) in chunk {
                        let a = with_words(&paths[*i], *i);
                        match check(g, all, &a, p) {
                            Ok(true) => n += 1,
                            Ok(false) => {}
                            Err(e) if failures.len() < 5 => {
                                failures.push(format!("{}: {e}\n   answers: {a:?}", p.id))
                            }
                            Err(_) => {}
                        }
                    }
                    (n, failures)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let drafted: usize = results.iter().map(|r| r.0).sum();
    let failures: Vec<String> = results.into_iter().flat_map(|r| r.1).collect();
    println!(
        "drafts checked: {drafted} ({} paths; every path for {}, every 10th for the others)",
        paths.len(),
        profiles[0].profile.id
    );
    assert!(drafted > 150_000, "only {drafted} drafts");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn sexual_abuse_by_partner() -> Answers {
    let g = guide::load().unwrap();
    let mut a = Answers::new();
    for (step, answer) in [
        ("acute", Answer::Single("no".into())),
        (
            "observation",
            Answer::Text(
                [
                    (
                        "observed".to_string(),
                        "Hun fortalte, at mors kæreste rører hende.".to_string(),
                    ),
                    ("when_where".to_string(), WHEN_WHERE.to_string()),
                    ("child_words".to_string(), CHILD_WORDS.to_string()),
                ]
                .into(),
            ),
        ),
        (
            "topics",
            Answer::Multi(["seksuelle-overgreb".to_string()].into()),
        ),
        ("duration", Answer::Single("first".into())),
        ("impact", Answer::Single("clear".into())),
        ("duty", Answer::Multi(["none".to_string()].into())),
        ("suspect", Answer::Single("close".into())),
        ("involve", Answer::Seen),
    ] {
        g.answer(&mut a, step, answer, None).unwrap();
    }
    a
}

#[test]
fn a_saved_concern_keeps_the_draft_adds_the_receipt_follow_up_and_refuses_a_cpr_number() {
    let g = guide::load().unwrap();
    let p = profile::find_builtin("koege").unwrap();
    let a = sexual_abuse_by_partner();
    let o = g.outcome(&a, p);
    let now = 1_796_000_000_000; // a Monday in December 2026 (UTC)
    let mut c = Concern::new(
        "id-1".into(),
        "AB",
        Some("Skole A, 6.b".into()),
        &p.id,
        a.clone(),
        o.level,
        vec![PlanLine {
            what: "Kontakt kommunen".into(),
            who: "Dig".into(),
            timing: Timing::Today,
        }],
        o.follow_up_days,
        now,
        "Lærer",
    )
    .unwrap();
    c.action_plan[0].done = true;
    let done: Vec<ActionItem> = c.action_plan.clone();
    let mut d = notification::draft(
        g,
        &DraftInput {
            answers: &a,
            outcome: &o,
            profile: p,
            role: Some("Lærer"),
            school_class: c.school_class.as_deref(),
            done: &done,
        },
    );
    // The done item is in "what has been done"; the pseudonym is nowhere.
    assert!(d
        .section("done")
        .unwrap()
        .contains("Kontakt kommunen (Dig,"));
    let text = d.full_text(g, p, "30.11.2026");
    assert!(!text.contains("AB"), "{text}");
    assert!(text.contains("Skole og klasse: Skole A, 6.b."));
    assert!(text.contains("Jeg skriver som lærer."));

    // A CPR-like number typed into a section is flagged and refused.
    d.set_section("observed", "Hun sagde 010203-1234.".into());
    assert!(d
        .problems(&d)
        .contains(&DraftProblem::Cpr("010203-1234".into())));
    let receipt = Receipt {
        what: g.notification.receipt_item.da.as_str(),
        who: "Lærer",
        weekdays: g.notification.receipt_weekdays,
    };
    assert_eq!(
        c.save_notification(d.clone(), receipt, now, "Lærer"),
        Err(ConcernProblem::CprInText("010203-1234".into()))
    );
    assert!(c.notification.is_none());

    // A full name is warned about; what the app wrote itself ("Barnets Lov") is not.
    d.set_section("observed", "Hun fortalte det i frikvarteret.".into());
    let generated = d.clone();
    let own = generated.problems(&generated);
    assert!(
        !own.iter().any(|p| matches!(p, DraftProblem::NameLike(_))),
        "{own:?}"
    );
    let mut edited = generated.clone();
    edited.set_section("done", "Jeg talte med Peter Hansen om det.".into());
    assert!(edited
        .problems(&generated)
        .contains(&DraftProblem::NameLike("Peter Hansen".into())));

    // Saved: the draft is kept, the receipt follow-up is added once, 6 weekdays later.
    c.save_notification(edited.clone(), receipt, now, "Lærer")
        .unwrap();
    c.save_notification(edited.clone(), receipt, now, "Lærer")
        .unwrap();
    assert_eq!(c.notification.as_ref(), Some(&edited));
    let receipts: Vec<&ActionItem> = c
        .action_plan
        .iter()
        .filter(|i| i.what == receipt.what)
        .collect();
    assert_eq!(receipts.len(), 1);
    assert_eq!(
        receipts[0].by,
        Date::from_ms(now).plus_weekdays(6),
        "acknowledgement within 6 weekdays"
    );
    assert!(receipt.what.contains("Praksis"), "marked as practice");

    // It survives the record codec (schema 3), and a schema-2 record still loads.
    let json = serde_json::to_string(&c).unwrap();
    let back: Concern = serde_json::from_str(&json).unwrap();
    assert_eq!(back.notification, Some(edited));
}

#[test]
fn the_draft_for_abuse_by_a_partner_says_why_the_parents_are_not_told() {
    let g = guide::load().unwrap();
    let p = profile::find_builtin("viborg").unwrap();
    let a = sexual_abuse_by_partner();
    let o = g.outcome(&a, p);
    let d = notification::draft(
        g,
        &DraftInput {
            answers: &a,
            outcome: &o,
            profile: p,
            role: None,
            school_class: None,
            done: &[],
        },
    );
    let text = d.full_text(g, p, "30.11.2026");
    println!("{text}");
    assert!(text.starts_with("Underretning til Viborg Kommune"));
    assert!(text.contains("Forældrene er ikke orienteret"));
    assert!(text.contains("Den, mistanken går på, må ikke få noget at vide"));
    assert!(text.contains("barnet har været udsat for vold eller overgreb"));
    assert!(text.contains("Barnets Lov § 133"));
    assert!(text.contains("Jeg skriver som [din rolle]."));
    assert!(
        text.contains("[ikke udfyldt]"),
        "the empty 'done' section says so"
    );
    let problems = d.problems(&d);
    assert!(problems.contains(&DraftProblem::Placeholder("sender".into())));
    assert!(problems.contains(&DraftProblem::Empty("done".into())));
}
