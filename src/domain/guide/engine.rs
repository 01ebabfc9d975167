//! Walking the guide: answers, the path they lead along, the current step, editing an earlier
//! answer (answers that no longer lie on the path are dropped and reported), and the level.

pub use super::answers::{Answer, Answers};
use super::cond::Ctx;
use super::{Guide, ImpliedGround, Level, Step, StepKind, OUTCOME};
use crate::domain::profile::Profile;
use std::collections::BTreeSet;

/// Why an answer was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerError {
    UnknownStep,
    WrongKind,
    UnknownOption(String),
    TooFew {
        min: usize,
    },
    /// An exclusive option ("Ingen af disse") was chosen together with others.
    ExclusiveWithOthers(String),
    /// A required field is empty.
    MissingField(String),
    /// A field holds a CPR-like number: the answer is refused, so it never reaches the draft
    /// or any other stored value.
    CprNumber(String),
}

/// Where the guide stands with these answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    /// The steps on the path, in order, up to and including the first unanswered one.
    pub path: Vec<String>,
    /// `true` when the path ends in the outcome: every step on it is answered.
    pub complete: bool,
}

impl Position {
    /// The step waiting for an answer, if any.
    pub fn current(&self) -> Option<&str> {
        if self.complete {
            None
        } else {
            self.path.last().map(String::as_str)
        }
    }
}

impl Guide {
    /// The first step (`None` only for a guide without steps, which the validator refuses).
    pub fn first_step(&self) -> Option<&Step> {
        self.steps.first()
    }

    /// The sum of the weights of the chosen options. (Options from the shared topic list
    /// weigh nothing, so only a step's own options are looked at: no copies are made.)
    pub fn weight(&self, answers: &Answers) -> u32 {
        self.steps
            .iter()
            .map(|step| {
                let weight_of = |id: &str| {
                    step.options
                        .iter()
                        .find(|c| c.id == id)
                        .map_or(0, |c| c.weight)
                };
                match answers.get(&step.id) {
                    Some(Answer::Single(id)) => weight_of(id),
                    Some(Answer::Multi(ids)) => ids.iter().map(|id| weight_of(id)).sum(),
                    _ => 0,
                }
            })
            .sum()
    }

    /// The implied grounds whose conditions hold for these answers (shown on the duty step
    /// as already applying).
    pub fn implied_grounds(
        &self,
        answers: &Answers,
        profile: Option<&Profile>,
    ) -> Vec<&ImpliedGround> {
        let none = BTreeSet::new();
        let ctx = Ctx {
            answers,
            level: None,
            weight: self.weight(answers),
            profile,
            refs: &[],
            grounds: &none,
        };
        self.implied_grounds
            .iter()
            .filter(|i| i.when.holds(&ctx))
            .collect()
    }

    /// The grounds of § 133 that apply: the duty step's ticks (without "none") plus every
    /// ground the answers imply. A ground a topic implies cannot be unticked into "no duty".
    pub fn grounds(&self, answers: &Answers, profile: Option<&Profile>) -> BTreeSet<String> {
        self.grounds_with(answers, &self.implied_grounds(answers, profile))
    }

    /// [`Guide::grounds`] with the implied grounds already worked out.
    pub(crate) fn grounds_with(
        &self,
        answers: &Answers,
        implied: &[&ImpliedGround],
    ) -> BTreeSet<String> {
        let mut grounds: BTreeSet<String> = match answers.get(super::ids::DUTY) {
            Some(Answer::Multi(ids)) => ids.clone(),
            _ => BTreeSet::new(),
        };
        if let Some(duty) = self.step("duty") {
            let exclusive: Vec<String> = duty
                .options
                .iter()
                .filter(|c| c.exclusive)
                .map(|c| c.id.clone())
                .collect();
            grounds.retain(|g| !exclusive.contains(g));
        }
        grounds.extend(implied.iter().map(|i| i.ground.clone()));
        grounds
    }

    /// The concern level and barometer column for these answers (first matching rule).
    pub fn level(&self, answers: &Answers, profile: Option<&Profile>) -> (Level, u8) {
        let grounds = self.grounds(answers, profile);
        self.level_with(answers, profile, &grounds, self.weight(answers))
    }

    /// [`Guide::level`] with the grounds and weight already worked out.
    pub(crate) fn level_with(
        &self,
        answers: &Answers,
        profile: Option<&Profile>,
        grounds: &BTreeSet<String>,
        weight: u32,
    ) -> (Level, u8) {
        let ctx = Ctx {
            answers,
            level: None,
            weight,
            profile,
            refs: &[],
            grounds,
        };
        self.levels
            .iter()
            .find(|r| r.when.as_ref().is_none_or(|c| c.holds(&ctx)))
            .map(|r| (r.level, r.column))
            .unwrap_or((Level::Green, 2))
    }

    /// The next step after `step` with these answers, or [`OUTCOME`].
    fn next_of(&self, step: &Step, answers: &Answers, profile: Option<&Profile>) -> Option<String> {
        let grounds = self.grounds(answers, profile);
        let weight = self.weight(answers);
        let (level, _) = self.level_with(answers, profile, &grounds, weight);
        let ctx = Ctx {
            answers,
            level: Some(level),
            weight,
            profile,
            refs: &[],
            grounds: &grounds,
        };
        step.next
            .iter()
            .find(|n| n.when.as_ref().is_none_or(|c| c.holds(&ctx)))
            .map(|n| n.to.clone())
    }

    /// The path these answers lead along.
    pub fn position(&self, answers: &Answers, profile: Option<&Profile>) -> Position {
        let mut path = Vec::new();
        let mut at = self.first_step();
        while let Some(step) = at {
            if path.contains(&step.id) {
                break; // the validator rejects cycles; never loop
            }
            path.push(step.id.clone());
            if !answers.contains_key(&step.id) {
                return Position {
                    path,
                    complete: false,
                };
            }
            match self.next_of(step, answers, profile).as_deref() {
                Some(OUTCOME) => {
                    return Position {
                        path,
                        complete: true,
                    }
                }
                Some(next) => at = self.step(next),
                None => at = None,
            }
        }
        Position {
            path,
            complete: false,
        }
    }

    /// Checks an answer for `step_id` without storing it.
    pub fn check(&self, step_id: &str, answer: &Answer) -> Result<(), AnswerError> {
        let step = self.step(step_id).ok_or(AnswerError::UnknownStep)?;
        let choices = self.choices(step);
        let known = |id: &str| choices.iter().any(|c| c.id == id);
        match (step.kind, answer) {
            (StepKind::Single, Answer::Single(id)) => {
                if !known(id) {
                    return Err(AnswerError::UnknownOption(id.clone()));
                }
            }
            (StepKind::Multi, Answer::Multi(ids)) => {
                if let Some(id) = ids.iter().find(|id| !known(id)) {
                    return Err(AnswerError::UnknownOption(id.clone()));
                }
                let min = step.min.unwrap_or(1);
                if ids.len() < min {
                    return Err(AnswerError::TooFew { min });
                }
                if ids.len() > 1 {
                    if let Some(c) = choices.iter().find(|c| c.exclusive && ids.contains(&c.id)) {
                        return Err(AnswerError::ExclusiveWithOthers(c.id.clone()));
                    }
                }
            }
            (StepKind::Text, Answer::Text(values)) => {
                for field in step.fields.iter().filter(|f| f.required) {
                    if values.get(&field.id).is_none_or(|v| v.trim().is_empty()) {
                        return Err(AnswerError::MissingField(field.id.clone()));
                    }
                }
                if let Some((id, _)) = values
                    .iter()
                    .find(|(_, v)| !crate::domain::cpr::find(v).is_empty())
                {
                    return Err(AnswerError::CprNumber(id.clone()));
                }
            }
            (StepKind::Review, Answer::Seen) => {}
            _ => return Err(AnswerError::WrongKind),
        }
        Ok(())
    }

    /// Stores an answer and drops the answers that no longer lie on the path. Returns the ids
    /// of the steps whose answers were dropped, so the user can be told.
    pub fn answer(
        &self,
        answers: &mut Answers,
        step_id: &str,
        answer: Answer,
        profile: Option<&Profile>,
    ) -> Result<Vec<String>, AnswerError> {
        self.check(step_id, &answer)?;
        answers.insert(step_id.to_string(), answer);
        Ok(self.prune(answers, profile))
    }

    /// Drops answers for steps that are not on the path (e.g. after an earlier answer changed).
    pub fn prune(&self, answers: &mut Answers, profile: Option<&Profile>) -> Vec<String> {
        let on_path = self.full_path(answers, profile);
        let dropped: Vec<String> = answers
            .keys()
            .filter(|k| !on_path.contains(k))
            .cloned()
            .collect();
        for k in &dropped {
            answers.remove(k);
        }
        dropped
    }

    /// Every step the answers lead through, following answered steps past an unanswered one is
    /// not possible, so this is the path up to the first gap plus any answered steps after a
    /// gap that still follow from the rules.
    fn full_path(&self, answers: &Answers, profile: Option<&Profile>) -> Vec<String> {
        let mut path = Vec::new();
        let mut at = self.first_step();
        while let Some(step) = at {
            if path.contains(&step.id) {
                break;
            }
            path.push(step.id.clone());
            if !answers.contains_key(&step.id) {
                // The rules of an unanswered step are unknown, but its default route (the
                // last `next`) shows what will most likely follow; keep those answers.
                at = step.next.last().and_then(|n| self.step(&n.to));
                continue;
            }
            match self.next_of(step, answers, profile).as_deref() {
                Some(OUTCOME) | None => break,
                Some(next) => at = self.step(next),
            }
        }
        path
    }
}
