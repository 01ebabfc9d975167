//! The written notification's draft as the screens ask for it: for the guide's answers (before
//! a concern is saved) and for a saved concern (its class, the role of who made it, the action
//! items done), built by `domain::notification` from the outcome for the municipality.

use crate::domain::concern::{ActionItem, Concern};
use crate::domain::guide::engine::Answers;
use crate::domain::guide::Guide;
use crate::domain::i18n::{texts, Lang};
use crate::domain::notification::{self, Draft};
use crate::domain::profile::Profile;
use crate::domain::roles;

/// A fresh draft. `role` is stored form (a code, or a label saved before the codes); the
/// notification is in Danish, so is the role in it.
pub fn draft(
    guide: &Guide,
    answers: &Answers,
    profile: &Profile,
    role: Option<&str>,
    school_class: Option<&str>,
    done: &[ActionItem],
) -> Draft {
    let outcome = guide.outcome(answers, profile);
    let role = role.map(|r| roles::label(r, texts(Lang::Da)));
    notification::draft(
        guide,
        &notification::DraftInput {
            answers,
            outcome: &outcome,
            profile,
            role: role.as_deref(),
            school_class,
            done,
        },
    )
}

/// A fresh draft for a saved concern: its answers, class and done items, and the role of the
/// one who made it.
pub fn for_concern(guide: &Guide, c: &Concern, profile: &Profile) -> Draft {
    draft(
        guide,
        &c.answers,
        profile,
        c.history.first().map(|h| h.by_role.as_str()),
        c.school_class.as_deref(),
        &c.action_plan,
    )
}

/// Whether the outcome for a saved concern advises a written notification.
pub fn advised(guide: &Guide, c: &Concern, profile: &Profile) -> bool {
    guide
        .outcome(&c.answers, profile)
        .steps
        .iter()
        .any(|s| s.notification)
}
