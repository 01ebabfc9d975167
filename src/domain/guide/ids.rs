//! The ids in `data/guide.json` that code outside the data names: the steps, fields and
//! options whose answers other parts read (the level and the plan, a concern's topics, the
//! observations on its page, the notification's draft). Named once here; the guide validator
//! checks that the data has each of them, with the kind the code expects
//! (`validate::REQUIRED`).

/// "Er barnet i akut fare?" (single choice, [`YES`] among its options).
pub const ACUTE: &str = "acute";
/// Whether the acute danger comes from home (single choice: [`YES`], [`UNKNOWN`], …).
pub const ACUTE_HOME: &str = "acute_home";
/// What the adult saw and heard (free-text fields [`OBSERVED`], [`WHEN_WHERE`],
/// [`CHILD_WORDS`]).
pub const OBSERVATION: &str = "observation";
pub const OBSERVED: &str = "observed";
pub const WHEN_WHERE: &str = "when_where";
pub const CHILD_WORDS: &str = "child_words";
/// The topics of the concern (multiple choice from the shared topic list).
pub const TOPICS: &str = "topics";
/// The grounds of § 133 ticked (multiple choice).
pub const DUTY: &str = "duty";
/// Whom the suspicion points at (single choice).
pub const SUSPECT: &str = "suspect";
/// How long it has gone on, and what it does to the child (single choice each).
pub const DURATION: &str = "duration";
pub const IMPACT: &str = "impact";
/// Option ids.
pub const YES: &str = "yes";
pub const UNKNOWN: &str = "unknown";
/// `options_from`: the step's options are the shared topic list.
pub const TOPIC_LIST: &str = "topics";
