//! The written notification (underretning) drafted from the guide's answers.
//!
//! When the outcome advises a notification, the teacher gets a draft in plain Danish, in the
//! sections a caseworker expects (`notification.sections` in `data/guide.json`). The draft
//! holds only what the teacher gave (her words, the options she chose, the saved concern's
//! done items) and fixed phrases from the data; where she has more to add it leaves a section
//! empty (flagged, never invented) or a marked place in brackets. It never holds the child's
//! name, initials or CPR number: the municipality's own form asks for those.

mod draft;

pub use draft::{Draft, DraftSection};

use super::concern::ActionItem;
use super::guide::engine::{Answer, Answers};
use super::guide::outcome::Outcome;
use super::guide::{ids, Guide, NotificationData};
use super::profile::Profile;

/// The sections, in order (the data must list exactly these; the validator checks).
pub const SECTIONS: [&str; 7] = [
    "observed",
    "child_words",
    "extent",
    "done",
    "assessment",
    "parents",
    "sender",
];

/// The phrases the data must hold.
pub const PHRASES: &[&str] = &[
    "when_where",
    "child_words",
    "acute",
    "acute_home_yes",
    "acute_home_unknown",
    "duration",
    "impact",
    "topics",
    "grounds",
    "suspect",
    "parents_not_told",
    "suspect_not_told",
    "done_item",
    "role",
    "role_missing",
    "class",
    "workplace",
];

/// What the draft is built from.
pub struct DraftInput<'a> {
    pub answers: &'a Answers,
    pub outcome: &'a Outcome,
    pub profile: &'a Profile,
    /// The teacher's role, when known (the save form, or the saved concern).
    pub role: Option<&'a str>,
    pub school_class: Option<&'a str>,
    /// Done items of a saved concern's action plan.
    pub done: &'a [ActionItem],
}

/// Something to look at before the draft is copied, printed or saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftProblem {
    /// The section is empty: flagged, so the teacher fills it in or leaves it knowingly.
    Empty(String),
    /// The section still has a place in brackets to fill in.
    Placeholder(String),
    /// Something like a CPR number (it is refused when saving, as everywhere in the app).
    Cpr(String),
    /// Two capitalised words that read as a full name (a warning only).
    NameLike(String),
}

fn phrase<'a>(n: &'a NotificationData, key: &str) -> &'a str {
    n.phrases.get(key).map(String::as_str).unwrap_or_default()
}

fn text_field<'a>(answers: &'a Answers, step: &str, field: &str) -> Option<&'a str> {
    match answers.get(step) {
        Some(Answer::Text(v)) => v.get(field).map(|s| s.trim()).filter(|s| !s.is_empty()),
        _ => None,
    }
}

/// The Danish label of the option chosen at a single-choice step.
fn chosen_label(g: &Guide, answers: &Answers, step: &str) -> Option<String> {
    let Some(Answer::Single(id)) = answers.get(step) else {
        return None;
    };
    let s = g.step(step)?;
    g.choices(s)
        .into_iter()
        .find(|c| &c.id == id)
        .map(|c| c.label.da)
}

/// Quotation marks the teacher may have typed around the child's words.
fn unquote(text: &str) -> &str {
    text.trim_matches(|c: char| "\"'»«„“”‘’".contains(c) || c.is_whitespace())
}

/// "barnet kan have behov for særlig støtte og barnet har været udsat for overgreb".
fn join_clauses(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} og {last}", rest.join(", ")),
    }
}

/// The draft for these answers and this outcome.
pub fn draft(g: &Guide, input: &DraftInput) -> Draft {
    let n = &g.notification;
    let a = input.answers;
    let fill = |key: &str, what: &str, value: &str| phrase(n, key).replace(what, value);

    let mut observed = Vec::new();
    if let Some(text) = text_field(a, ids::OBSERVATION, ids::OBSERVED) {
        observed.push(text.to_string());
    }
    if let Some(text) = text_field(a, ids::OBSERVATION, ids::WHEN_WHERE) {
        observed.push(fill("when_where", "{text}", text));
    }

    let child_words = text_field(a, ids::OBSERVATION, ids::CHILD_WORDS)
        .map(|t| fill("child_words", "{text}", unquote(t)))
        .unwrap_or_default();

    let mut extent = Vec::new();
    if input.outcome.acute {
        extent.push(phrase(n, "acute").to_string());
        match a.get(ids::ACUTE_HOME) {
            Some(Answer::Single(x)) if x == ids::YES => {
                extent.push(phrase(n, "acute_home_yes").to_string())
            }
            Some(Answer::Single(x)) if x == ids::UNKNOWN => {
                extent.push(phrase(n, "acute_home_unknown").to_string())
            }
            _ => {}
        }
    }
    if let Some(label) = chosen_label(g, a, ids::DURATION) {
        extent.push(fill("duration", "{answer}", &label));
    }
    if let Some(label) = chosen_label(g, a, ids::IMPACT) {
        extent.push(fill("impact", "{answer}", &label));
    }

    let done: Vec<String> = input
        .done
        .iter()
        .filter(|i| i.done)
        .map(|i| {
            phrase(n, "done_item")
                .replace("{what}", i.what.trim())
                .replace("{who}", i.who.trim())
                .replace("{date}", &i.by.danish())
        })
        .collect();

    let mut assessment = Vec::new();
    let topics: Vec<String> = match a.get(ids::TOPICS) {
        Some(Answer::Multi(chosen)) => g
            .step(ids::TOPICS)
            .map(|s| {
                g.choices(s)
                    .into_iter()
                    .filter(|c| chosen.contains(&c.id))
                    .map(|c| c.label.da)
                    .collect()
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    if !topics.is_empty() {
        assessment.push(fill("topics", "{list}", &topics.join(", ")));
    }
    let grounds: Vec<String> = g
        .step("duty")
        .map(|s| {
            s.options
                .iter()
                .filter(|c| input.outcome.grounds.contains(&c.id))
                .map(|c| super::guide::outcome::lower_first(&c.label.da))
                .collect()
        })
        .unwrap_or_default();
    if !grounds.is_empty() {
        let reference = g
            .legal("duty-133")
            .and_then(|l| l.reference.clone())
            .unwrap_or_default();
        assessment.push(
            phrase(n, "grounds")
                .replace("{list}", &join_clauses(&grounds))
                .replace("{reference}", &reference),
        );
    }
    if let Some(label) = chosen_label(g, a, "suspect") {
        assessment.push(fill("suspect", "{answer}", &label));
    }

    let mut parents = Vec::new();
    if input.outcome.no_parent_contact_first {
        parents.push(phrase(n, "parents_not_told").to_string());
    }
    if input.outcome.suspect.is_some() {
        parents.push(phrase(n, "suspect_not_told").to_string());
    }

    let mut sender = vec![match input.role.map(str::trim).filter(|r| !r.is_empty()) {
        Some(role) => fill("role", "{role}", &super::guide::outcome::lower_first(role)),
        None => phrase(n, "role_missing").to_string(),
    }];
    if let Some(class) = input.school_class.map(str::trim).filter(|c| !c.is_empty()) {
        sender.push(fill("class", "{class}", class));
    }
    sender.push(phrase(n, "workplace").to_string());

    let body = |id: &str| -> String {
        match id {
            "observed" => observed.join("\n"),
            "child_words" => child_words.clone(),
            "extent" => extent.join("\n"),
            "done" => done.join("\n"),
            "assessment" => assessment.join("\n"),
            "parents" => parents.join("\n"),
            "sender" => sender.join("\n"),
            _ => String::new(),
        }
    };
    Draft {
        sections: n
            .sections
            .iter()
            .map(|s| DraftSection {
                id: s.id.clone(),
                text: body(&s.id),
            })
            .collect(),
    }
}

impl Draft {
    pub fn section(&self, id: &str) -> Option<&str> {
        self.sections
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.text.as_str())
    }

    pub fn set_section(&mut self, id: &str, text: String) {
        if let Some(s) = self.sections.iter_mut().find(|s| s.id == id) {
            s.text = text;
        }
    }

    /// The whole notification as plain Danish text, to copy into the municipality's form or
    /// print: the heading, the date, the marked place for the child's identity, then every
    /// section under its Danish title (an empty one says so).
    pub fn full_text(&self, g: &Guide, profile: &Profile, date_danish: &str) -> String {
        let n = &g.notification;
        let mut out = vec![
            n.heading.replace("{municipality}", &profile.name),
            n.date_line.replace("{date}", date_danish),
            n.identity.clone(),
        ];
        for spec in &n.sections {
            let text = self.section(&spec.id).unwrap_or_default().trim();
            out.push(String::new());
            out.push(spec.title.da.clone());
            out.push(if text.is_empty() {
                n.empty.clone()
            } else {
                text.to_string()
            });
        }
        out.join("\n")
    }

    /// Whether any section holds a CPR-like number: such a draft is never stored.
    pub fn holds_cpr(&self) -> bool {
        self.sections
            .iter()
            .any(|s| !crate::domain::cpr::find(&s.text).is_empty())
    }

    /// What to look at before copying, printing or saving. `generated` is the draft as the
    /// app built it: a pair of capitalised words it already held (a title, "Barnets Lov") is
    /// not a name the teacher typed.
    pub fn problems(&self, generated: &Draft) -> Vec<DraftProblem> {
        let mut out = Vec::new();
        for s in &self.sections {
            let text = s.text.trim();
            if text.is_empty() {
                // The child's words are optional: a child may have said nothing.
                if s.id != "child_words" {
                    out.push(DraftProblem::Empty(s.id.clone()));
                }
                continue;
            }
            if text.contains('[') && text.contains(']') {
                out.push(DraftProblem::Placeholder(s.id.clone()));
            }
        }
        let all: String = self
            .sections
            .iter()
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        out.extend(super::cpr::find(&all).into_iter().map(DraftProblem::Cpr));
        let pairs = |d: &Draft| -> Vec<String> {
            d.sections
                .iter()
                .flat_map(|s| s.text.lines().flat_map(name_like_pairs).collect::<Vec<_>>())
                .collect()
        };
        let known = pairs(generated);
        for pair in pairs(self) {
            let problem = DraftProblem::NameLike(pair.clone());
            if !known.contains(&pair) && !out.contains(&problem) {
                out.push(problem);
            }
        }
        out
    }

    /// A CPR-like number anywhere in the draft (the same check as everywhere in the app).
    pub fn cpr(&self) -> Option<String> {
        self.sections
            .iter()
            .flat_map(|s| super::cpr::find(&s.text))
            .next()
    }
}

/// Two neighbouring words that each read as part of a name
/// ([`super::concern::name_like_word`]), as a first and last name do: "Anna Jensen".
pub fn name_like_pairs(text: &str) -> Vec<String> {
    let looks = |w: &str| super::concern::name_like_word(w);
    let words: Vec<&str> = text.split_whitespace().collect();
    let bare = |w: &str| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string();
    words
        .windows(2)
        // A sentence's end is not the middle of a name ("Tydeligt. Bekymringen").
        .filter(|w| !w[0].ends_with(['.', '!', '?', ':', ';']))
        .filter(|w| looks(&bare(w[0])) && looks(&bare(w[1])))
        .map(|w| format!("{} {}", bare(w[0]), bare(w[1])))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_like_pairs_find_first_and_last_names_only() {
        assert_eq!(
            name_like_pairs("Hun sagde, at Anna Jensen slog."),
            ["Anna Jensen"]
        );
        assert!(name_like_pairs("Jeg så det i 6.b. Hun græd.").is_empty());
        assert!(name_like_pairs("SSP Holbæk").is_empty());
        assert!(name_like_pairs("Hvor meget: Tydeligt. Bekymringen handler").is_empty());
    }

    #[test]
    fn unquote_strips_the_teachers_own_quotation_marks() {
        assert_eq!(
            unquote("»De siger, jeg ikke må være med.«"),
            "De siger, jeg ikke må være med."
        );
        assert_eq!(unquote("\"Jeg tør ikke\""), "Jeg tør ikke");
    }

    #[test]
    fn clauses_are_joined_in_danish() {
        let items = ["a".to_string(), "b".to_string(), "c".to_string()];
        assert_eq!(join_clauses(&items), "a, b og c");
        assert_eq!(join_clauses(&items[..1]), "a");
    }
}
