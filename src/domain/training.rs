//! Training cases (undervisningscases): fictional concerns an SSP consultant walks staff through
//! at a training session, at least one for each topic of the shared topic list.
//!
//! The cases are data (`data/training.json`, format: `docs/training-format.md`). Each case holds
//! the answers that walk it through the concern guide and the outcome those answers must give.
//! [`validate`] replays every case through the guide engine step by step, for every built-in
//! municipality, so a change to the guide that changes a case's advice fails the tests instead
//! of teaching staff something the app no longer says.

use super::guide::engine::Answers;
use super::guide::outcome::Outcome;
use super::guide::{Actor, Guide, Level, Text};
use super::i18n::Lang;
use super::profile::{self, Profile};
use super::topics;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::sync::OnceLock;

pub const FORMAT_VERSION: u32 = 1;

/// The whole file: a notice that every case is fictional, and the cases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainingSet {
    pub format_version: u32,
    #[serde(rename = "_comment", default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Shown with every case: the cases are fictional and for training only.
    pub fiction_notice: Text,
    pub cases: Vec<TrainingCase>,
}

/// One fictional case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainingCase {
    /// Unique within the file; stable (the UI may link to it).
    pub id: String,
    /// A topic id from `data/topics.json`.
    pub topic: String,
    pub title: Text,
    /// The teacher's observation, with an invented pseudonym or initials marked as such.
    pub story: Text,
    /// The answers that walk the case through `data/guide.json`, in the engine's format.
    pub answers: Answers,
    /// What the guide must advise for these answers, for every built-in municipality.
    pub expected: Expected,
    /// One to three points for the trainer to discuss.
    pub discussion: Vec<Text>,
}

/// The parts of an [`Outcome`] a case promises; they do not depend on the municipality.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    pub level: Level,
    /// Bekymringsbarometeret's column, 1–5.
    pub column: u8,
    pub acute: bool,
    pub duty_applies: bool,
    pub no_parent_contact_first: bool,
    /// A plan step contacts the parents.
    pub contacts_parents: bool,
    /// A plan step is the written notification (underretning).
    pub notification: bool,
    /// A plan step goes to the police, or to 112.
    pub police: bool,
    /// Plan step ids (template ids of `data/guide.json`) that must be in the plan.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plan_includes: Vec<String>,
}

impl Expected {
    /// What `outcome` shows, in these terms; `plan_includes` lists every step of its plan.
    pub fn of(outcome: &Outcome) -> Expected {
        Expected {
            level: outcome.level,
            column: outcome.column,
            acute: outcome.acute,
            duty_applies: outcome.duty_applies,
            no_parent_contact_first: outcome.no_parent_contact_first,
            contacts_parents: outcome.steps.iter().any(|s| s.contacts_parents),
            notification: outcome.steps.iter().any(|s| s.notification),
            police: outcome
                .steps
                .iter()
                .any(|s| matches!(s.actor, Actor::Police | Actor::Emergency)),
            plan_includes: outcome.steps.iter().map(|s| s.id.clone()).collect(),
        }
    }

    /// Where `outcome` differs from what is expected; empty when it matches.
    pub fn differences(&self, outcome: &Outcome) -> Vec<String> {
        let got = Expected::of(outcome);
        let mut out = Vec::new();
        let mut compare = |name: &str, want: String, have: String| {
            if want != have {
                out.push(format!("{name}: expected {want}, the guide gives {have}"));
            }
        };
        compare(
            "level",
            format!("{:?}", self.level),
            format!("{:?}", got.level),
        );
        compare("column", self.column.to_string(), got.column.to_string());
        compare("acute", self.acute.to_string(), got.acute.to_string());
        compare(
            "duty_applies",
            self.duty_applies.to_string(),
            got.duty_applies.to_string(),
        );
        compare(
            "no_parent_contact_first",
            self.no_parent_contact_first.to_string(),
            got.no_parent_contact_first.to_string(),
        );
        compare(
            "contacts_parents",
            self.contacts_parents.to_string(),
            got.contacts_parents.to_string(),
        );
        compare(
            "notification",
            self.notification.to_string(),
            got.notification.to_string(),
        );
        compare("police", self.police.to_string(), got.police.to_string());
        for id in &self.plan_includes {
            if !got.plan_includes.contains(id) {
                out.push(format!("plan_includes: the plan has no step \"{id}\""));
            }
        }
        out
    }
}

impl TrainingSet {
    pub fn case(&self, id: &str) -> Option<&TrainingCase> {
        self.cases.iter().find(|c| c.id == id)
    }

    /// The cases about `topic`, in file order.
    pub fn cases_on<'a>(&'a self, topic: &'a str) -> impl Iterator<Item = &'a TrainingCase> + 'a {
        self.cases.iter().filter(move |c| c.topic == topic)
    }
}

/// Replays a case's answers through the guide, one step at a time as a user would give them:
/// each must be accepted by the engine, the walk must reach the outcome, and no answer may be
/// left over for a step the path does not pass. Returns the answers as the engine holds them.
pub fn walk(
    case: &TrainingCase,
    guide: &Guide,
    profile: Option<&Profile>,
) -> Result<Answers, String> {
    let mut answers = Answers::new();
    // A path visits each step at most once, so this many turns always suffice.
    for _ in 0..=guide.steps.len() {
        let position = guide.position(&answers, profile);
        let Some(step) = position.current() else {
            let unused: Vec<&str> = case
                .answers
                .keys()
                .filter(|k| !answers.contains_key(*k))
                .map(String::as_str)
                .collect();
            if !unused.is_empty() {
                return Err(format!(
                    "answers for steps not on the path: {}",
                    unused.join(", ")
                ));
            }
            return Ok(answers);
        };
        let step = step.to_string();
        let Some(answer) = case.answers.get(&step) else {
            return Err(format!(
                "the answers stop before the outcome: no answer for step \"{step}\""
            ));
        };
        let dropped = guide
            .answer(&mut answers, &step, answer.clone(), profile)
            .map_err(|e| format!("the guide refuses the answer for step \"{step}\": {e:?}"))?;
        if !dropped.is_empty() {
            return Err(format!(
                "the answer for step \"{step}\" drops earlier answers: {}",
                dropped.join(", ")
            ));
        }
    }
    Err("the answers do not reach the outcome".into())
}

/// Everything wrong with one case for one municipality: the walk through the guide, and the
/// outcome against what the case expects. Empty when the case holds.
pub fn case_problems(case: &TrainingCase, guide: &Guide, profile: &Profile) -> Vec<String> {
    let at = |p: String| format!("case \"{}\" ({}): {p}", case.id, profile.id);
    match walk(case, guide, Some(profile)) {
        Err(e) => vec![at(e)],
        Ok(answers) => case
            .expected
            .differences(&guide.outcome(&answers, profile))
            .into_iter()
            .map(at)
            .collect(),
    }
}

/// The outcome of a case for the chosen municipality, as the guide gives it (for the UI's
/// answer key). The built-in set is validated, so its answers are complete.
pub fn case_outcome(case: &TrainingCase, guide: &Guide, profile: &Profile) -> Outcome {
    guide.outcome(&case.answers, profile)
}

/// The plan a teacher sees in the guide's outcome for `case` with `profile`, one line a step,
/// with the profile's roles and bodies named in it (the profile editor's "Se som lærer").
pub fn plan_lines(
    case: &TrainingCase,
    guide: &Guide,
    profile: &Profile,
    lang: Lang,
) -> Vec<String> {
    case_outcome(case, guide, profile)
        .steps
        .iter()
        .map(|step| guide.step_text(step, profile, lang))
        .collect()
}

/// Checks a training set against the guide: unique ids, known topics, every topic covered,
/// texts in both languages, one to three discussion points, and every case's answers walking
/// the guide to the expected outcome for every built-in municipality. On failure every problem.
pub fn validate(set: &TrainingSet, guide: &Guide) -> Result<(), Vec<String>> {
    let mut problems = Vec::new();
    if set.format_version != FORMAT_VERSION {
        problems.push(format!(
            "format_version {} is not {FORMAT_VERSION}",
            set.format_version
        ));
    }
    text_problems("fiction_notice", &set.fiction_notice, &mut problems);

    let mut seen = BTreeSet::new();
    for (i, case) in set.cases.iter().enumerate() {
        let name = if case.id.trim().is_empty() {
            problems.push(format!("case {i}: the id is empty"));
            format!("case {i}")
        } else {
            format!("case \"{}\"", case.id)
        };
        if !seen.insert(case.id.as_str()) {
            problems.push(format!("{name}: the id is used twice"));
        }
        if topics::find(&case.topic).is_none() {
            problems.push(format!("{name}: unknown topic \"{}\"", case.topic));
        }
        text_problems(&format!("{name}: title"), &case.title, &mut problems);
        text_problems(&format!("{name}: story"), &case.story, &mut problems);
        if !(1..=3).contains(&case.discussion.len()) {
            problems.push(format!(
                "{name}: {} discussion points, not one to three",
                case.discussion.len()
            ));
        }
        for (j, point) in case.discussion.iter().enumerate() {
            text_problems(&format!("{name}: discussion {j}"), point, &mut problems);
        }
    }
    for topic in topics::all() {
        if !set.cases.iter().any(|c| c.topic == topic.id) {
            problems.push(format!("no case for topic \"{}\"", topic.id));
        }
    }
    for builtin in profile::builtin() {
        for case in &set.cases {
            problems.extend(case_problems(case, guide, builtin.profile));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

fn text_problems(name: &str, text: &Text, problems: &mut Vec<String>) {
    if text.da.trim().is_empty() {
        problems.push(format!("{name}: the Danish text is empty"));
    }
    if text.en.trim().is_empty() {
        problems.push(format!("{name}: the English text is empty"));
    }
}

/// Parses a training file and validates it against `guide`; on failure every problem found.
pub fn parse(raw: &str, guide: &Guide) -> Result<TrainingSet, Vec<String>> {
    let set: TrainingSet =
        serde_json::from_str(raw).map_err(|e| vec![format!("not a valid training file: {e}")])?;
    validate(&set, guide)?;
    Ok(set)
}

/// The built-in training set, or why it could not be decoded.
pub fn load() -> Result<&'static TrainingSet, &'static [String]> {
    static SET: OnceLock<Result<TrainingSet, Vec<String>>> = OnceLock::new();
    // Decoded, not replayed: `validate` walks every case through the guide for every
    // municipality when the tests run (`tests/training_cases.rs`), not in the browser.
    SET.get_or_init(|| {
        serde_json::from_str(include_str!(concat!(
            env!("OUT_DIR"),
            "/data/training.json"
        )))
        .map_err(|e| vec![format!("not a valid training file: {e}")])
    })
    .as_ref()
    .map_err(Vec::as_slice)
}

/// The built-in training set; for code that runs only after [`load`] succeeded (and for tests,
/// which keep the file valid).
pub fn builtin() -> &'static TrainingSet {
    load().unwrap_or_else(|p| panic!("data/training.json is not valid: {p:?}"))
}
