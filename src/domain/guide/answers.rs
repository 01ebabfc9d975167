//! The user's answers to the guide's steps: what conditions test, the engine checks and walks,
//! and a saved concern keeps. Re-exported from [`engine`](super::engine).

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One step's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Single(String),
    Multi(BTreeSet<String>),
    Text(BTreeMap<String, String>),
    /// A review step the user confirmed.
    Seen,
}

/// Answers by step id.
pub type Answers = BTreeMap<String, Answer>;
