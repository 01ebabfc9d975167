//! What the screens show about sync: its status, the concerns with a conflict, whether a
//! round runs and whether sync is switched on.

use crate::domain::sync::engine::Status;

/// What the UI shows about sync.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SyncView {
    pub status: Status,
    pub conflict_ids: Vec<String>,
    pub busy: bool,
    /// Sync is switched on in Settings.
    pub enabled: bool,
}
