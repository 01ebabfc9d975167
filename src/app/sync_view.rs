//! Sync in this tab: what the screens show (its status, the concerns with a conflict, whether a
//! round runs, whether sync is switched on) and the scheduler's rule for when a round may run.

use crate::domain::sync::engine::Status;

/// What the UI shows about sync, and the scheduler's own state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SyncView {
    pub status: Status,
    pub conflict_ids: Vec<String>,
    /// A round runs now.
    pub busy: bool,
    /// Sync is switched on in Settings.
    pub enabled: bool,
    /// After a failure that is retried: no round starts by itself before this time (backoff).
    pub next_at_ms: u64,
}

/// What else decides whether a round may start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Moment {
    pub now_ms: u64,
    /// The user pressed a button, or the browser came back online.
    pub asked: bool,
    pub locked: bool,
    pub training: bool,
    pub online: bool,
}

impl SyncView {
    /// A round may start: none runs; not locked, in training or offline; not waiting out a
    /// backoff or for new credentials, unless the user asked.
    pub fn may_start(&self, m: Moment) -> bool {
        !self.busy
            && !m.locked
            && !m.training
            && m.online
            && (m.asked || m.now_ms >= self.next_at_ms)
    }
}

// What a round of every lane did and when a lane waits live with the lanes (the platform
// runs the rounds and may not import this layer).
pub use crate::domain::sync::lane::{lane_waits, RoundSummary};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::sync::protocol::SyncError;

    #[test]
    fn a_round_starts_only_when_nothing_stands_in_its_way() {
        let idle = SyncView::default();
        let fine = Moment {
            now_ms: 100,
            online: true,
            ..Moment::default()
        };
        assert!(idle.may_start(fine));
        for blocked in [
            Moment {
                locked: true,
                ..fine
            },
            Moment {
                training: true,
                ..fine
            },
            Moment {
                online: false,
                ..fine
            },
        ] {
            assert!(!idle.may_start(blocked), "{blocked:?}");
        }
        let busy = SyncView {
            busy: true,
            ..SyncView::default()
        };
        assert!(
            !busy.may_start(Moment {
                asked: true,
                ..fine
            }),
            "one round at a time"
        );
        let backing_off = SyncView {
            next_at_ms: 200,
            ..SyncView::default()
        };
        assert!(!backing_off.may_start(fine), "waits out the backoff");
        assert!(
            backing_off.may_start(Moment {
                asked: true,
                ..fine
            }),
            "unless asked"
        );
        assert!(backing_off.may_start(Moment {
            now_ms: 200,
            ..fine
        }));
        let refused = SyncError::Unauthorized;
        assert!(
            lane_waits(false, Some(&refused)),
            "waits for new credentials"
        );
        assert!(!lane_waits(true, Some(&refused)), "asked: tries them");
        assert!(!lane_waits(false, Some(&SyncError::Network)));
        assert!(!lane_waits(false, None));
        assert!(!idle.may_start(Moment {
            asked: true,
            training: true,
            ..fine
        }));
    }
}
