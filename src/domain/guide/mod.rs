//! The concern guide (bekymringsguide) as data, and the engine that walks it.
//!
//! `data/guide.json` (format: `docs/guide-format.md`) holds the steps, the rules between them,
//! the level rules, the legal statements with reference, source and certainty, and the outcome
//! plan's step templates. [`engine`] walks it with the user's answers; [`outcome`] turns the
//! answers plus the chosen municipality's profile into a numbered relay plan; [`validate`]
//! checks the data (every step reachable, no dead end, every path ends in an outcome, every
//! reference resolves).

mod answers;
pub mod cond;
pub mod engine;
pub mod ids;
mod level;
pub mod outcome;
mod types;
pub mod validate;

pub use level::Level;
pub use types::{
    Actor, Choice, DraftSectionSpec, Field, FollowUpDays, Guide, ImpliedGround, Legal, LevelRule,
    LevelText, Next, NotificationData, PlanTemplate, StaircaseRule, Step, StepKind, Text, Timing,
    Warning, FORMAT_VERSION, OUTCOME,
};

use std::sync::OnceLock;

/// Parses and validates a guide file; on failure every problem found.
pub fn parse(raw: &str) -> Result<Guide, Vec<String>> {
    let guide: Guide =
        serde_json::from_str(raw).map_err(|e| vec![format!("not a valid guide file: {e}")])?;
    let problems = validate::problems(&guide);
    if problems.is_empty() {
        Ok(guide)
    } else {
        Err(problems)
    }
}

/// The built-in guide, or why it could not be decoded. It is decoded, not validated: the
/// validator runs when the tests run (`the_builtin_guide_is_valid`), so the app does not carry
/// or repeat it at every start.
pub fn load() -> Result<&'static Guide, &'static [String]> {
    static GUIDE: OnceLock<Result<Guide, Vec<String>>> = OnceLock::new();
    GUIDE
        .get_or_init(|| {
            serde_json::from_str(include_str!(concat!(env!("OUT_DIR"), "/data/guide.json")))
                .map_err(|e| vec![format!("not a valid guide file: {e}")])
        })
        .as_ref()
        .map_err(Vec::as_slice)
}
