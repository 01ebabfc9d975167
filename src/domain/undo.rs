//! Undo and redo for an editor (the profile editor keeps whole drafts): the states before each
//! change, capped so the oldest are dropped.

use std::collections::VecDeque;

/// The states to go back to and forward to again. The caller keeps the current state and hands
/// it in: `record(before)` before a change, `undo(current)` gives the state before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct History<T> {
    undo: VecDeque<T>,
    redo: Vec<T>,
    cap: usize,
}

impl<T> History<T> {
    /// At most `cap` states are kept, for undo and redo together (0: nothing is kept).
    pub fn new(cap: usize) -> Self {
        History {
            undo: VecDeque::new(),
            redo: Vec::new(),
            cap,
        }
    }

    /// Keeps `before`, the state a change is about to leave; what could be redone is gone.
    pub fn record(&mut self, before: T) {
        self.redo.clear();
        if self.cap == 0 {
            return;
        }
        if self.undo.len() == self.cap {
            self.undo.pop_front();
        }
        self.undo.push_back(before);
    }

    /// The state before the last change, keeping `current` to redo; `None` (and `current`
    /// dropped) when there is nothing to undo.
    pub fn undo(&mut self, current: T) -> Option<T> {
        let before = self.undo.pop_back()?;
        self.redo.push(current);
        Some(before)
    }

    /// The state the last undo left, keeping `current` to undo again.
    pub fn redo(&mut self, current: T) -> Option<T> {
        let after = self.redo.pop()?;
        self.undo.push_back(current);
        Some(after)
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn undo_and_redo_walk_back_and_forth() {
        let mut h = History::new(10);
        assert!(!h.can_undo() && !h.can_redo());
        assert_eq!(h.undo(0), None);
        // 0 → 1 → 2
        h.record(0);
        h.record(1);
        let mut now = 2;
        now = h.undo(now).unwrap();
        assert_eq!(now, 1);
        now = h.undo(now).unwrap();
        assert_eq!(now, 0);
        assert!(!h.can_undo() && h.can_redo());
        assert_eq!(h.undo(now), None);
        now = h.redo(now).unwrap();
        assert_eq!(now, 1);
        now = h.redo(now).unwrap();
        assert_eq!(now, 2);
        assert_eq!(h.redo(now), None);
        assert!(h.can_undo() && !h.can_redo());
    }

    #[test]
    fn a_new_change_after_undo_clears_redo() {
        let mut h = History::new(10);
        h.record("a");
        assert_eq!(h.undo("b"), Some("a"));
        assert!(h.can_redo());
        h.record("a");
        assert!(!h.can_redo());
        assert_eq!(h.redo("c"), None);
        assert_eq!(h.undo("c"), Some("a"));
    }

    #[test]
    fn the_oldest_state_is_dropped_at_the_cap() {
        let mut h = History::new(2);
        for s in 0..5 {
            h.record(s);
        }
        assert_eq!(h.undo(5), Some(4));
        assert_eq!(h.undo(4), Some(3));
        assert_eq!(h.undo(3), None);
        let mut none = History::new(0);
        none.record(1);
        assert!(!none.can_undo());
    }

    #[derive(Debug, Clone)]
    enum Step {
        Change,
        Undo,
        Redo,
    }

    proptest! {
        /// Any sequence of changes, undos and redos: an undo followed by a redo gives back the
        /// state it started from, a redo followed by an undo too, and no more than `cap`
        /// states are ever kept.
        #[test]
        fn undo_then_redo_is_the_same_state_and_the_cap_holds(
            cap in 0usize..6,
            steps in proptest::collection::vec(
                prop_oneof![Just(Step::Change), Just(Step::Undo), Just(Step::Redo)],
                0..60,
            ),
        ) {
            let mut h = History::new(cap);
            let mut now = 0u32;
            let mut next = 1u32;
            for step in steps {
                match step {
                    Step::Change => {
                        h.record(now);
                        now = next;
                        next += 1;
                    }
                    Step::Undo => {
                        if let Some(before) = h.undo(now) {
                            prop_assert_eq!(h.redo(before), Some(now));
                            now = h.undo(now).unwrap_or(now);
                        }
                    }
                    Step::Redo => {
                        if let Some(after) = h.redo(now) {
                            prop_assert_eq!(h.undo(after), Some(now));
                            now = h.redo(now).unwrap_or(now);
                        }
                    }
                }
                prop_assert!(h.undo.len() + h.redo.len() <= cap);
                prop_assert_eq!(h.can_undo(), !h.undo.is_empty());
            }
        }
    }
}
