//! The training cases (`data/training.json`): every case walks the concern guide to the outcome
//! it promises, for every built-in municipality; every topic has a case; the validator catches
//! each kind of broken case; and no case text holds anything that could identify a real person.

use ssp_handleguide::domain::cpr;
use ssp_handleguide::domain::guide::engine::Answer;
use ssp_handleguide::domain::guide::{self, Level, Text};
use ssp_handleguide::domain::profile;
use ssp_handleguide::domain::topics;
use ssp_handleguide::domain::training::{self, Expected, TrainingSet};

fn set() -> &'static TrainingSet {
    training::builtin()
}

/// The problems `validate` finds in a copy of the built-in set changed by `change`.
fn problems_after(change: impl FnOnce(&mut TrainingSet)) -> Vec<String> {
    let mut copy = set().clone();
    change(&mut copy);
    training::validate(&copy, guide::load().unwrap()).expect_err("the changed set is refused")
}

fn assert_found(problems: &[String], needle: &str) {
    assert!(
        problems.iter().any(|p| p.contains(needle)),
        "expected a problem containing '{needle}' in {problems:#?}"
    );
}

fn case_mut<'a>(set: &'a mut TrainingSet, id: &str) -> &'a mut training::TrainingCase {
    set.cases.iter_mut().find(|c| c.id == id).unwrap()
}

#[test]
fn the_builtin_set_is_valid_for_every_builtin_profile() {
    assert_eq!(training::validate(set(), guide::load().unwrap()), Ok(()));
    assert!(set().cases.len() >= 12, "{} cases", set().cases.len());
    assert_eq!(profile::builtin().len(), 5);
    // The same, spelled out: each case's outcome for each municipality is what it expects.
    for b in profile::builtin() {
        for case in &set().cases {
            let walked = training::walk(case, guide::load().unwrap(), Some(b.profile))
                .unwrap_or_else(|e| panic!("{} ({}): {e}", case.id, b.profile.id));
            assert_eq!(
                walked, case.answers,
                "{}: the file holds exactly the walk",
                case.id
            );
            let outcome = training::case_outcome(case, guide::load().unwrap(), b.profile);
            assert_eq!(outcome, guide::load().unwrap().outcome(&walked, b.profile));
            assert_eq!(
                case.expected.differences(&outcome),
                Vec::<String>::new(),
                "{} ({})",
                case.id,
                b.profile.id
            );
            assert!(training::case_problems(case, guide::load().unwrap(), b.profile).is_empty());
        }
    }
}

#[test]
fn each_topic_has_a_case_and_the_set_spans_the_levels() {
    for topic in topics::all() {
        assert!(
            set().cases_on(&topic.id).next().is_some(),
            "no training case for {}",
            topic.id
        );
    }
    let expected: Vec<&Expected> = set().cases.iter().map(|c| &c.expected).collect();
    for level in Level::ALL {
        assert!(
            expected.iter().any(|e| e.level == level),
            "no {level:?} case"
        );
    }
    assert!(expected.iter().any(|e| e.acute), "no acute case");
    assert!(
        expected
            .iter()
            .any(|e| e.no_parent_contact_first && !e.contacts_parents && e.notification),
        "no case where the parents must not be contacted first"
    );
    assert!(
        expected
            .iter()
            .any(|e| !e.no_parent_contact_first && e.contacts_parents && e.notification),
        "no case where the parents are talked to before the notification"
    );
    assert_eq!(
        set()
            .case("seksuelle-overgreb-roed")
            .map(|c| c.topic.as_str()),
        Some("seksuelle-overgreb")
    );
}

/// The answer a case gives to `step`, as option ids (a single or a multi answer).
fn options_of(case: &training::TrainingCase, step: &str) -> Vec<String> {
    match case.answers.get(step) {
        Some(Answer::Single(o)) => vec![o.clone()],
        Some(Answer::Multi(os)) => os.iter().cloned().collect(),
        _ => Vec::new(),
    }
}

#[test]
fn the_cases_cover_what_the_adult_saw() {
    // The questions that decide the advice since the rules follow what the adult saw: each
    // answer below is taught by at least one case.
    for (step, option) in [
        ("acute_home", "no"),
        ("violence", "victim"),
        ("violence", "fight"),
        ("violence", "perpetrator"),
        ("digital", "images"),
        ("digital", "grooming"),
        ("digital", "harassment"),
        ("suspect", "close"),
        ("suspect", "other-adult"),
        ("suspect", "young"),
        ("suspect", "unknown"),
    ] {
        assert!(
            set()
                .cases
                .iter()
                .any(|c| options_of(c, step).iter().any(|o| o == option)),
            "no case answers {step} = {option}"
        );
    }
    // Every case that tells of abuse says whom the suspicion points at, and one with the parents
    // not suspected has them told (agreed with the municipality) rather than kept out.
    let abuse: Vec<_> = set()
        .cases
        .iter()
        .filter(|c| c.expected.level == Level::Red && c.expected.column == 5 && !c.expected.acute)
        .collect();
    assert!(abuse.len() >= 5, "{} abuse cases", abuse.len());
    for c in &abuse {
        assert!(c.answers.contains_key("suspect"), "{}: no suspect", c.id);
        assert!(c.expected.police && c.expected.notification, "{}", c.id);
        assert!(
            c.expected.plan_includes.iter().any(|s| s == "abuse-today"),
            "{}: the same-day step is not promised",
            c.id
        );
    }
    assert!(abuse.iter().any(|c| {
        !c.expected.no_parent_contact_first
            && c.expected
                .plan_includes
                .iter()
                .any(|s| s == "parents-not-suspected")
    }));
    // A fight between pupils alone is the school's matter: the case with one has no police.
    for c in set().cases.iter().filter(|c| {
        options_of(c, "violence").contains(&"fight".to_string())
            && !options_of(c, "violence").contains(&"victim".to_string())
    }) {
        assert!(!c.expected.police, "{}: a fight with the police", c.id);
    }
}

/// Sentences (split at . ? ! : ;) of `text`, lower case.
fn sentences(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(['.', '?', '!', ':', ';'])
        .map(str::to_string)
        .collect()
}

#[test]
fn no_case_teaches_always_the_police() {
    // LEGAL.md: "violence: always the police" was too broad. The municipality involves the
    // police; the adult calls them only when the child is in danger now.
    for (name, text) in all_texts(set()) {
        for sentence in sentences(&text) {
            let always = sentence.contains("altid") || sentence.contains("always");
            let police = sentence.contains("politi") || sentence.contains("police");
            assert!(
                !(always && police),
                "{name} teaches 'always the police': {text}"
            );
        }
    }
    assert!(sentences("Ved vold skal politiet altid kontaktes.")
        .iter()
        .any(|s| s.contains("altid") && s.contains("politi")));
}

#[test]
fn the_validator_catches_each_kind_of_broken_case() {
    // A duplicate id.
    assert_found(
        &problems_after(|s| {
            let copy = s.cases[0].clone();
            s.cases.push(copy);
        }),
        &format!("case \"{}\": the id is used twice", set().cases[0].id),
    );
    // An empty id.
    assert_found(
        &problems_after(|s| s.cases[0].id = " ".into()),
        "case 0: the id is empty",
    );
    // An unknown topic (and with it, a topic no longer covered).
    let p = problems_after(|s| case_mut(s, "trivsel-groen").topic = "wellbeing".into());
    assert_found(&p, "case \"trivsel-groen\": unknown topic \"wellbeing\"");
    assert_found(&p, "no case for topic \"trivsel\"");
    // A topic without a case.
    assert_found(
        &problems_after(|s| s.cases.retain(|c| c.topic != "omsorgssvigt")),
        "no case for topic \"omsorgssvigt\"",
    );
    // Empty texts in either language.
    assert_found(
        &problems_after(|s| s.cases[1].story.da = "  ".into()),
        "story: the Danish text is empty",
    );
    assert_found(
        &problems_after(|s| s.cases[1].title.en = String::new()),
        "title: the English text is empty",
    );
    assert_found(
        &problems_after(|s| s.fiction_notice.da = String::new()),
        "fiction_notice: the Danish text is empty",
    );
    assert_found(
        &problems_after(|s| s.cases[2].discussion[0].en = String::new()),
        "discussion 0: the English text is empty",
    );
    // Too few or too many discussion points.
    assert_found(
        &problems_after(|s| s.cases[0].discussion.clear()),
        "0 discussion points",
    );
    assert_found(
        &problems_after(|s| {
            let point = s.cases[0].discussion[0].clone();
            s.cases[0].discussion = vec![point; 4];
        }),
        "4 discussion points",
    );
    // A wrong expected level, and a wrong promise about the parents.
    let p = problems_after(|s| case_mut(s, "mobning-gul").expected.level = Level::Red);
    assert_found(
        &p,
        "case \"mobning-gul\" (halsnaes): level: expected Red, the guide gives Yellow",
    );
    assert_eq!(
        p.len(),
        profile::builtin().len(),
        "reported once per municipality: {p:#?}"
    );
    assert_found(
        &problems_after(|s| {
            case_mut(s, "seksuelle-overgreb-roed")
                .expected
                .no_parent_contact_first = false
        }),
        "no_parent_contact_first: expected false, the guide gives true",
    );
    // A fight between pupils has no police step: promising one fails.
    assert_found(
        &problems_after(|s| case_mut(s, "vold-gul").expected.police = true),
        "police: expected true, the guide gives false",
    );
    assert_found(
        &problems_after(|s| case_mut(s, "vold-hjemme-roed").expected.police = false),
        "police: expected false, the guide gives true",
    );
    assert_found(
        &problems_after(|s| {
            case_mut(s, "trivsel-groen")
                .expected
                .plan_includes
                .push("notify".into())
        }),
        "plan_includes: the plan has no step \"notify\"",
    );
    // Answers that stop before the outcome.
    assert_found(
        &problems_after(|s| {
            case_mut(s, "mobning-gul").answers.remove("involve");
        }),
        "the answers stop before the outcome: no answer for step \"involve\"",
    );
    assert_found(
        &problems_after(|s| {
            case_mut(s, "vold-hjemme-roed").answers.remove("suspect");
        }),
        "no answer for step \"suspect\"",
    );
    // An answer the guide refuses.
    assert_found(
        &problems_after(|s| {
            case_mut(s, "mobning-gul")
                .answers
                .insert("topics".into(), Answer::Multi(["bullying".into()].into()));
        }),
        "the guide refuses the answer for step \"topics\": UnknownOption(\"bullying\")",
    );
    assert_found(
        &problems_after(|s| {
            case_mut(s, "mobning-gul").answers.insert(
                "observation".into(),
                Answer::Text([("observed".to_string(), " ".to_string())].into()),
            );
        }),
        "MissingField(\"observed\")",
    );
    // An answer for a step the path never reaches.
    assert_found(
        &problems_after(|s| {
            case_mut(s, "mobning-gul")
                .answers
                .insert("suspect".into(), Answer::Single("young".into()));
        }),
        "answers for steps not on the path: suspect",
    );
    // A format this app does not know.
    assert_found(
        &problems_after(|s| s.format_version = 2),
        "format_version 2 is not 1",
    );
}

#[test]
fn a_case_is_checked_for_each_municipality_separately() {
    // Only a profile with a § 115 forum gets the "crime-forum" step: promising it fails for the
    // municipalities without one, and only for them.
    let problems = problems_after(|s| {
        case_mut(s, "kriminalitet-gul")
            .expected
            .plan_includes
            .push("crime-forum".into())
    });
    assert_found(&problems, "case \"kriminalitet-gul\" (halsnaes)");
    assert!(
        !problems.iter().any(|p| p.contains("(koege)")),
        "Køge has §115 Mandagsmøderne: {problems:#?}"
    );
}

#[test]
fn a_broken_file_is_refused_with_the_reason() {
    let raw = include_str!("../data/training.json");
    let g = guide::load().unwrap();
    assert_eq!(training::parse(raw, g).as_ref(), Ok(set()));
    let mut v: serde_json::Value = serde_json::from_str(raw).unwrap();
    v["cases"][0]["expected"]["colour"] = serde_json::json!("green");
    let p = training::parse(&v.to_string(), g).unwrap_err();
    assert_found(&p, "not a valid training file");
    assert!(training::parse("{", g).is_err());
    // A set written back out reads in unchanged (the UI or a tool may export it).
    let json = serde_json::to_string(set()).unwrap();
    assert_eq!(training::parse(&json, g).as_ref(), Ok(set()));
}

/// Every text of the set a person reads, with where it is.
fn all_texts(s: &TrainingSet) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut add = |name: String, t: &Text| {
        out.push((format!("{name} (da)"), t.da.clone()));
        out.push((format!("{name} (en)"), t.en.clone()));
    };
    add("fiction_notice".into(), &s.fiction_notice);
    for c in &s.cases {
        add(format!("{} title", c.id), &c.title);
        add(format!("{} story", c.id), &c.story);
        for (i, d) in c.discussion.iter().enumerate() {
            add(format!("{} discussion {i}", c.id), d);
        }
    }
    for c in &s.cases {
        for (step, answer) in &c.answers {
            if let Answer::Text(fields) = answer {
                for (field, value) in fields {
                    out.push((format!("{} answer {step}.{field}", c.id), value.clone()));
                }
            }
        }
    }
    out
}

/// The longest run of digits, counting digits written in groups ("12 34 56 78", "+45 1234").
fn longest_digit_run(text: &str) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        if c.is_ascii_digit() {
            run += 1;
            longest = longest.max(run);
        } else if !matches!(c, ' ' | '-' | '+' | '.' | '(' | ')') {
            run = 0;
        }
    }
    longest
}

#[test]
fn the_phone_number_check_can_fail() {
    for phone in ["12345678", "12 34 56 78", "+45 1234 5678", "1234-5678"] {
        assert!(longest_digit_run(phone) >= 8, "{phone}");
    }
    for fine in [
        "7.b",
        "ring 112 eller 114",
        "Barnets Lov §§ 132–138",
        "inden for 24 timer",
    ] {
        assert!(longest_digit_run(fine) < 8, "{fine}");
    }
}

#[test]
fn no_case_text_holds_a_phone_number_an_address_or_a_cpr_number() {
    let texts = all_texts(set());
    assert!(texts.len() > 100);
    for (name, text) in &texts {
        assert!(
            longest_digit_run(text) < 8,
            "{name} looks like it holds a phone number: {text}"
        );
        assert!(
            !text.contains('@'),
            "{name} holds an e-mail address: {text}"
        );
        assert!(
            !text.contains("http") && !text.contains("www."),
            "{name} holds a web address: {text}"
        );
        assert_eq!(cpr::find(text), Vec::<String>::new(), "{name}: {text}");
        assert!(!text.trim().is_empty(), "{name} is empty");
    }
}

#[test]
fn every_case_says_it_is_fiction() {
    let notice = &set().fiction_notice;
    assert!(notice.da.contains("opdigtede"), "{}", notice.da);
    assert!(notice.en.contains("fictional"), "{}", notice.en);
    for c in &set().cases {
        // The pseudonym or the initials are marked as invented where they first appear.
        assert!(
            c.story.da.contains("(opdigtet navn)") || c.story.da.contains("(fiktive initialer)"),
            "{}: the Danish story does not mark the name as invented",
            c.id
        );
        assert!(
            c.story.en.contains("(invented name)") || c.story.en.contains("(invented initials)"),
            "{}: the English story does not mark the name as invented",
            c.id
        );
        // A school class like "7.b", so the case reads as a Danish school's.
        assert!(
            c.story.da.split_whitespace().any(|w| {
                let w = w.trim_end_matches([',', '.']);
                w.len() == 3
                    && w.as_bytes()[0].is_ascii_digit()
                    && w.as_bytes()[1] == b'.'
                    && w.as_bytes()[2].is_ascii_lowercase()
            }),
            "{}: no class named in the story",
            c.id
        );
    }
}

#[test]
fn english_is_translated_not_copied() {
    for (name, text) in all_texts(set()) {
        if name.ends_with("(da)") {
            let en_name = name.replace("(da)", "(en)");
            let en = all_texts(set())
                .into_iter()
                .find(|(n, _)| *n == en_name)
                .map(|(_, t)| t)
                .unwrap();
            assert_ne!(text, en, "{name} is not translated");
        }
    }
}
