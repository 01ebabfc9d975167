//! The concern level (green, yellow, red): what the level rules give and conditions test, kept
//! apart from the guide's other types so conditions can use it without the guide's data.

use serde::{Deserialize, Serialize};

/// Green / yellow / red: the concern level. The colour describes a situation, not the child.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Green,
    Yellow,
    Red,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Green, Level::Yellow, Level::Red];
}
