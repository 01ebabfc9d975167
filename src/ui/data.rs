//! Where the UI's concerns live: the real store (through the PIN lock) or, in training mode,
//! training's own namespace (`ssp.training.…`), so nothing from a training session mixes with
//! real concerns. Every read and write of concerns and drafts in the UI goes through here, and
//! through the lock in both cases.

use crate::domain::storage::{KeyValueStore, Namespaced, StoreError};
use crate::platform::vault;
use std::cell::Cell;

thread_local! {
    static TRAINING: Cell<bool> = const { Cell::new(false) };
}

/// Switches between real data and training's namespace.
pub fn set_training(on: bool) {
    TRAINING.set(on);
}

/// Reads concerns and drafts from where they live now.
pub fn read<T>(f: impl FnOnce(&dyn KeyValueStore) -> T) -> T {
    if TRAINING.get() {
        vault::read(|s| f(&Namespaced::training(s)))
    } else {
        vault::read(f)
    }
}

/// Writes concerns and drafts where they live now; `done` gets `f`'s result and whether every
/// write reached the device (see `platform::vault::write`).
pub fn write<T: 'static>(
    f: impl FnOnce(&dyn KeyValueStore) -> T,
    done: impl FnOnce(T, Result<(), StoreError>) + 'static,
) {
    // Training's cases are sealed like real ones while a lock is set: fiction, but someone may
    // type a real child's details into them.
    if TRAINING.get() {
        vault::write(move |s| f(&Namespaced::training(s)), done);
    } else {
        vault::write(f, done);
    }
}
