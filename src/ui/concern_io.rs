//! The screens' reads and writes of concerns: through the lock (`platform::vault`) and the
//! repository (`app::repository`, real data or training's namespace), with what a save comes
//! to (`app::commands::after_save`) put into the app's state.

use super::state::{Prefs, ShellState, WorkState};
use crate::app::commands;
use crate::domain::concern::Concern;
use crate::domain::concern_store::SaveError;
use crate::domain::settings::StorageNotice;
use crate::domain::storage::{KeyValueStore, StoreError};
use crate::platform::{self, vault};
use leptos::prelude::*;
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// What a load of the concerns is for.
enum Load {
    /// At start, after unlocking, or after training was switched: migrating, repairing and
    /// applying retention as at start, and telling the user what was set aside.
    Start(ShellState, Prefs),
    /// Another tab or a sync round changed them: read again.
    Again,
}

thread_local! {
    /// The last load started, until it is done: a page waits for it ([`loaded`]).
    static LOADING: RefCell<Option<js_sys::Promise>> = const { RefCell::new(None) };
}

/// Loads the concerns (migrating, repairing and applying retention as at start) after the data
/// was opened, or just after the first render when no lock is set. The code is a wasm chunk of
/// its own (`concern_load`): the first screen shows no concern, so a first visit need not
/// download or compile the records' decoder, retention and the sync outbox before the start
/// screen works (issue 15). Every page in a chunk waits for it before it is drawn.
pub fn load_concerns(work: WorkState, shell: ShellState, prefs: Prefs) {
    start(work, Load::Start(shell, prefs));
}

/// Reads the concerns again (another tab or a sync round changed them).
pub fn reload_concerns(work: WorkState) {
    start(work, Load::Again);
}

fn start(work: WorkState, how: Load) {
    let promise = wasm_bindgen_futures::future_to_promise(async move {
        // Not fetched (offline before the service worker had the app): the pages, in chunks
        // too, cannot be opened either; a save reads the store, never this list.
        if let Ok(load) = load_code(work, how).await {
            load.await;
        }
        Ok(JsValue::UNDEFINED)
    });
    LOADING.with_borrow_mut(|l| *l = Some(promise));
}

/// Waits until the last load of the concerns started is done (at once when none was).
pub async fn loaded() {
    if let Some(promise) = LOADING.with_borrow(Clone::clone) {
        let _ = JsFuture::from(promise).await;
    }
}

/// The concern store's chunk could not be fetched.
struct NotLoaded;

impl From<leptos::wasm_split::SplitLoaderError> for NotLoaded {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        NotLoaded
    }
}

type Loading = Pin<Box<dyn Future<Output = ()>>>;

#[leptos::wasm_split::wasm_split(concern_load, wasm_split_path = ::leptos::wasm_split, fallible)]
fn load_code(work: WorkState, how: Load) -> Result<Loading, NotLoaded> {
    Ok(Box::pin(load(work, how)))
}

async fn load(work: WorkState, how: Load) {
    let now = platform::now_ms();
    let repo = work.repository();
    let (shell, prefs) = match how {
        Load::Again => {
            return written(
                move |device| repo.reload(device, now),
                move |concerns, _| work.concerns.set(concerns),
            )
            .await;
        }
        Load::Start(shell, prefs) => (shell, prefs),
    };
    let held: Vec<Concern> = if vault::is_set() {
        vault::take_held()
            .await
            .iter()
            .filter_map(|raw| serde_json::from_str(raw).ok())
            .collect()
    } else {
        Vec::new()
    };
    let days = prefs.settings.get_untracked().retention_days();
    written(
        move |device| repo.load(device, days, now),
        move |loaded, _| {
            let mut concerns = loaded.concerns;
            for c in held {
                commands::upsert(&mut concerns, c);
            }
            let good = concerns.len();
            work.concerns.set(concerns);
            shell.retention.set((loaded.deleted, loaded.announced));
            if loaded.report.set_aside > 0 {
                shell.notice.set(Some(StorageNotice::ConcernsSetAside {
                    bad: loaded.report.set_aside,
                    good,
                }));
            } else if loaded.report.from_future > 0 {
                shell.notice.set(Some(StorageNotice::NeedsUpdate));
            }
        },
    )
    .await;
}

/// [`vault::write`], awaited: done once `done` ran (at once without a lock; with one, after
/// the sealed values were written).
async fn written<T: 'static>(
    f: impl FnOnce(&dyn KeyValueStore) -> T,
    done: impl FnOnce(T, Result<(), StoreError>) + 'static,
) {
    let mut resolve = None;
    let promise = js_sys::Promise::new(&mut |res, _| resolve = Some(res));
    vault::write(f, move |value, stored| {
        done(value, stored);
        if let Some(resolve) = resolve {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// Writes again every concern whose earlier write failed; clears the notice when all succeed.
pub fn retry_unsaved(work: WorkState, shell: ShellState) {
    let now = platform::now_ms();
    let repo = work.repository();
    let pending: Vec<Concern> = work.unsaved.with_untracked(|ids| {
        work.concerns
            .with_untracked(|l| l.iter().filter(|c| ids.contains(&c.id)).cloned().collect())
    });
    vault::write(
        move |device| repo.save_again(device, &pending, now),
        move |still, stored| {
            let still = if stored.is_err() {
                work.unsaved.get_untracked()
            } else {
                still
            };
            if still.is_empty() {
                shell.notice.set(None);
            }
            work.unsaved.set(still);
        },
    );
}

/// Stores one concern and puts it in memory, then calls `done` with what the save came to. `base_revision` is the revision
/// the change started from (`None`: a new concern); what is kept and told follows
/// [`commands::after_save`].
pub fn save_concern(
    work: WorkState,
    shell: ShellState,
    c: &Concern,
    base_revision: Option<u32>,
    // Boxed, not generic: one copy of this function in the app instead of one per caller.
    done: Box<dyn FnOnce(&commands::AfterSave)>,
) {
    let now = platform::now_ms();
    let repo = work.repository();
    let c = c.clone();
    vault::write(
        {
            let c = c.clone();
            move |device| repo.save(device, &c, base_revision, now)
        },
        move |result, stored| {
            let result = match (result, stored) {
                (Ok(()), Err(e)) => Err(SaveError::Store(e)),
                (r, _) => r,
            };
            let after = commands::after_save(&result, base_revision.is_some());
            if let Some(notice) = after.notice {
                shell.notice.set(Some(notice));
            }
            if after.unsaved {
                work.unsaved.update(|u| {
                    if !u.contains(&c.id) {
                        u.push(c.id.clone())
                    }
                });
            }
            if after.changed {
                work.changed_locally();
            }
            if after.keep {
                work.concerns.update(|list| commands::upsert(list, c));
            }
            done(&after);
        },
    );
}
