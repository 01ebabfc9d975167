//! The guide's walk: which step is on screen after an answer, after "Tilbage" and when the user
//! chose to change an earlier answer. The engine (`domain::guide`) says what the path is; this
//! says where on it the user stands. The screen keeps the answers and the step shown, and calls
//! these.

use crate::domain::guide::engine::{Answer, AnswerError, Answers};
use crate::domain::guide::Guide;
use crate::domain::profile::Profile;

/// The guide with the chosen municipality's profile (the path may depend on it).
#[derive(Clone, Copy)]
pub struct Walk<'a> {
    pub guide: &'a Guide,
    pub profile: Option<&'a Profile>,
}

/// What an accepted answer came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answered {
    /// Steps whose answers no longer apply and were removed.
    pub cleared: Vec<String>,
    /// The step to show: the next one when it was answered before (walking forward after going
    /// back); `None` shows the step waiting for an answer, or the outcome.
    pub shown: Option<String>,
}

impl<'a> Walk<'a> {
    pub fn new(guide: &'a Guide, profile: Option<&'a Profile>) -> Self {
        Walk { guide, profile }
    }

    /// Checks `answer` without touching `answers` (a refused answer changes nothing).
    pub fn check(&self, step_id: &str, answer: &Answer) -> Result<(), AnswerError> {
        self.guide.check(step_id, answer)
    }

    /// Stores an answer to `step_id` and says what to show next.
    pub fn answer(
        &self,
        answers: &mut Answers,
        step_id: &str,
        answer: Answer,
    ) -> Result<Answered, AnswerError> {
        // The engine checks the answer first, and changes nothing when it refuses it.
        let cleared = self.guide.answer(answers, step_id, answer, self.profile)?;
        let path = self.guide.position(answers, self.profile).path;
        let next = path
            .iter()
            .position(|s| s == step_id)
            .and_then(|i| path.get(i + 1))
            .filter(|next| answers.contains_key(*next))
            .cloned();
        Ok(Answered {
            cleared,
            shown: next,
        })
    }

    /// The step on screen: the one chosen (`shown`), else the one waiting for an answer; `None`
    /// is the outcome.
    pub fn displayed(&self, answers: &Answers, shown: Option<&str>) -> Option<String> {
        shown.map(str::to_string).or_else(|| {
            self.guide
                .position(answers, self.profile)
                .current()
                .map(str::to_string)
        })
    }

    /// The step before the one on screen (from the outcome: the last step); `None` on the first.
    pub fn back(&self, answers: &Answers, shown: Option<&str>) -> Option<String> {
        let pos = self.guide.position(answers, self.profile);
        let here = shown
            .map(str::to_string)
            .or_else(|| pos.current().map(str::to_string));
        match here {
            Some(id) => pos
                .path
                .iter()
                .position(|s| *s == id)
                .and_then(|i| i.checked_sub(1))
                .and_then(|i| pos.path.get(i))
                .cloned(),
            None => pos.path.last().cloned(),
        }
    }

    /// `true` when every step on the path is answered: the outcome is on screen.
    pub fn at_outcome(&self, answers: &Answers, shown: Option<&str>) -> bool {
        self.displayed(answers, shown).is_none()
    }
}
