//! The notification's draft as it is kept: its sections and their text, as the teacher edited
//! them. A saved concern holds one, so this is apart from the drafting in `notification.rs`
//! (which reads the concern's action plan); building, checking and printing a draft are there.

use serde::{Deserialize, Serialize};

/// One section of the draft: its id (`SECTIONS`) and the teacher's (edited) text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftSection {
    pub id: String,
    pub text: String,
}

/// A draft of the written notification, as the teacher edited it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub sections: Vec<DraftSection>,
}
