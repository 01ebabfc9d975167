//! The screens' reads and writes of concerns: through the lock (`platform::vault`) and the
//! repository (`app::repository`, real data or training's namespace), with what a save comes
//! to (`app::commands::after_save`) put into the app's state.

use super::state::{Prefs, ShellState, SyncState, WorkState};
use crate::app::commands;
use crate::app::sync_view::SyncView;
use crate::domain::concern::Concern;
use crate::domain::concern_store::SaveError;
use crate::domain::profile::library::Library;
use crate::domain::settings::StorageNotice;
use crate::domain::storage::{KeyValueStore, StoreError};
use crate::domain::sync::{config, engine, lane};
use crate::platform::{self, local_storage::LocalStorage, vault};
use leptos::prelude::*;
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// What the concern store's code (in the pages' chunk) is asked to do.
enum Job {
    /// Load the concerns at start, after unlocking, or after training was switched: migrating,
    /// repairing and applying retention as at start, and telling the user what was set aside.
    /// The list's copy first, when there is one; then `listed` is called, and the rest waits
    /// for the frame that shows the list.
    Load(WorkState, ShellState, Prefs, js_sys::Function),
    /// Read them again (another tab or a sync round changed them).
    Reload(WorkState),
    /// Write again the concerns whose write failed.
    Retry(WorkState, ShellState),
    /// Read sync's status (the outbox, the kept conflicts, whether it is on).
    SyncStatus(SyncState),
    /// Validate the imported profiles after start-up (`Library::check`); one that fails is
    /// set aside and reported.
    CheckProfiles(RwSignal<Library>, RwSignal<Option<StorageNotice>>),
}

thread_local! {
    /// The last load started, until it is done: a page waits for it ([`loaded`]).
    static LOADING: RefCell<Option<js_sys::Promise>> = const { RefCell::new(None) };
    /// The last load started, until the list can be drawn: from the list's copy, or once every
    /// concern is loaded ([`listed`]).
    static LISTED: RefCell<Option<js_sys::Promise>> = const { RefCell::new(None) };
    /// The last call of [`relist_soon`]: only its write is made.
    static RELIST: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Loads the concerns (migrating, repairing and applying retention as at start) after the data
/// was opened, or just after the first render when no lock is set. The concern store's code
/// (the records' decoder, retention, tombstones, the sync outbox a change is queued in) is in
/// the pages' wasm chunk (`pages`, see `ui::lazy_pages`): the first screen shows no concern, so
/// a first visit need not download or compile it before the start screen works (issue 15).
/// Every page waits for the load before it is drawn ([`loaded`]).
pub fn load_concerns(work: WorkState, shell: ShellState, prefs: Prefs) {
    let Some((listed, resolve)) = platform::document::deferred() else {
        return;
    };
    LISTED.with_borrow_mut(|l| *l = Some(listed));
    in_turn(Box::pin(async move {
        run(Job::Load(work, shell, prefs, resolve.clone())).await;
        // Loaded (or the chunk could not be fetched): the list waits no longer either.
        let _ = resolve.call0(&JsValue::NULL);
    }));
}

/// Reads the concerns again (another tab or a sync round changed them).
pub fn reload_concerns(work: WorkState) {
    in_turn(Box::pin(run(Job::Reload(work))));
}

/// Reads every imported profile when only the chosen one was read at start
/// (`Library::load_chosen`, on any page but the start page): after the loads started before it
/// (the list of concerns is drawn first), and before a page that waits for them is drawn
/// ([`loaded`]); then checks them once, as a start on the start page does. Main-module code:
/// the start page lists them, and needs no chunk.
pub fn complete_library(library: RwSignal<Library>, notice: RwSignal<Option<StorageNotice>>) {
    in_turn(Box::pin(async move {
        let (all, set_aside) = Library::load(&LocalStorage, platform::now_ms());
        library.set(all);
        if !set_aside.is_empty() && notice.get_untracked().is_none() {
            notice.set(Some(StorageNotice::ProfileSetAside));
        }
        check_profiles_soon(library, notice);
    }));
}

/// Reads sync's status at start, after the loads started before it: listing the keys of its
/// kept conflicts is then not on the way to the list of concerns (issue 15).
pub fn sync_status_in_turn(sync_state: SyncState) {
    in_turn(Box::pin(run(Job::SyncStatus(sync_state))));
}

/// Runs `work` after the loads started before it (in the order they were asked for), and makes
/// it the one [`loaded`] waits for.
/// Boxed, so that there is one copy of this in the wasm, not one per caller.
fn in_turn(work: Running) {
    let before = LOADING.with_borrow(Clone::clone);
    let promise = wasm_bindgen_futures::future_to_promise(async move {
        if let Some(before) = before {
            let _ = JsFuture::from(before).await;
        }
        work.await;
        Ok(JsValue::UNDEFINED)
    });
    LOADING.with_borrow_mut(|l| *l = Some(promise));
}

/// Writes again every concern whose earlier write failed; clears the notice when all succeed.
pub fn retry_unsaved(work: WorkState, shell: ShellState) {
    leptos::task::spawn_local(run(Job::Retry(work, shell)));
}

/// Reads sync's status again (after a round, a save or a setting).
pub fn refresh_sync_status(sync_state: SyncState) {
    leptos::task::spawn_local(run(Job::SyncStatus(sync_state)));
}

/// Validates the imported profiles once after start-up, if there are any (the pages' chunk
/// holds the validator, which the main module does not). Should the chunk not be fetched, each
/// profile is still checked when it is used.
pub fn check_profiles_soon(library: RwSignal<Library>, notice: RwSignal<Option<StorageNotice>>) {
    if library.with_untracked(|l| l.is_complete() && l.has_imported()) {
        leptos::task::spawn_local(run(Job::CheckProfiles(library, notice)));
    }
}

/// Waits until every load of the concerns started so far is done (at once when none was).
pub async fn loaded() {
    if let Some(promise) = LOADING.with_borrow(Clone::clone) {
        let _ = JsFuture::from(promise).await;
    }
}

/// Waits until the list of concerns can be drawn: from the list's copy (`WorkState::listed`),
/// or, when there is none, once the last load is done.
pub async fn listed() {
    match LISTED.with_borrow(Clone::clone) {
        Some(promise) => drop(JsFuture::from(promise).await),
        None => loaded().await,
    }
}

async fn run(job: Job) {
    // Not fetched (offline before the service worker had the app): the pages, in chunks too,
    // cannot be opened either; a save reads the store, never this list.
    if let Ok(done) = store_code(job).await {
        done.await;
    }
}

/// The pages' chunk, with the store's code, could not be fetched.
struct NotLoaded;

impl From<leptos::wasm_split::SplitLoaderError> for NotLoaded {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        NotLoaded
    }
}

type Running = Pin<Box<dyn Future<Output = ()>>>;

/// Starts fetching the pages' chunk, which holds the store's code, now (a deep link: its page
/// waits for the concerns), so that the load after the app's start finds it here.
pub fn preload() {
    wasm_bindgen_futures::spawn_local(async {
        let _ = preload_store().await;
    });
}

#[leptos::wasm_split::wasm_split(
    pages,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    preload(preload_store)
)]
fn store_code(job: Job) -> Result<Running, NotLoaded> {
    Ok(Box::pin(async move {
        match job {
            Job::Load(work, shell, prefs, listed) => load(work, shell, prefs, listed).await,
            Job::Reload(work) => reload(work).await,
            Job::Retry(work, shell) => retry(work, shell).await,
            Job::SyncStatus(sync_state) => sync_status(sync_state),
            Job::CheckProfiles(library, notice) => check(library, notice),
        }
    }))
}

async fn load(work: WorkState, shell: ShellState, prefs: Prefs, listed: js_sys::Function) {
    let now = platform::now_ms();
    let repo = work.repository();
    // The list's copy, when there is one: the list is drawn from it, and the full load below
    // waits for that frame (5,000 concerns: ~10 ms instead of ~90 ms before the list shows).
    if let Some(list) = vault::read(|device| repo.listed(device)) {
        work.listed.set(Some(list));
        let _ = listed.call0(&JsValue::NULL);
        platform::document::after_next_paint().await;
    }
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
            work.listed.set(None);
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

/// Sync's status as the store holds it: what waits in the outbox, the kept conflicts, and
/// whether sync is on (`ui::sync::refresh` asks for it).
fn sync_status(sync_state: SyncState) {
    let now = platform::now_ms();
    let (status, ids, enabled) = vault::read(|s| {
        (
            engine::status(s, now),
            lane::conflict_ids(s),
            config::load(s, now).is_some_and(|c| c.enabled),
        )
    });
    let next = SyncView {
        status,
        conflict_ids: ids,
        enabled,
        ..sync_state.view.get_untracked()
    };
    if sync_state.view.get_untracked() != next {
        sync_state.view.set(next);
    }
}

fn check(library: RwSignal<Library>, notice: RwSignal<Option<StorageNotice>>) {
    let mut checked = library.get_untracked();
    if checked.check(&LocalStorage, platform::now_ms()).is_empty() {
        return;
    }
    library.set(checked);
    if notice.get_untracked().is_none() {
        notice.set(Some(StorageNotice::ProfileSetAside));
    }
}

async fn reload(work: WorkState) {
    let now = platform::now_ms();
    let repo = work.repository();
    written(
        move |device| repo.reload(device, now),
        move |concerns, _| work.concerns.set(concerns),
    )
    .await;
}

async fn retry(work: WorkState, shell: ShellState) {
    let now = platform::now_ms();
    let repo = work.repository();
    let pending: Vec<Concern> = work.unsaved.with_untracked(|ids| {
        work.concerns
            .with_untracked(|l| l.iter().filter(|c| ids.contains(&c.id)).cloned().collect())
    });
    written(
        move |device| repo.save_again(device, &pending, now),
        move |still, stored| {
            let still = if stored.is_err() {
                work.unsaved.get_untracked()
            } else {
                still
            };
            if still.is_empty() {
                shell.notice.set(None);
                relist_soon(work);
            }
            work.unsaved.set(still);
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
    // The write happens whatever becomes of the promise.
    let (promise, resolve) = platform::document::deferred().unzip();
    vault::write(f, move |value, stored| {
        done(value, stored);
        if let Some(resolve) = resolve {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    if let Some(promise) = promise {
        let _ = JsFuture::from(promise).await;
    }
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
            if after.keep && !after.unsaved {
                relist_soon(work);
            }
            done(&after);
        },
    );
}

/// Writes the list's copy again from the concerns in memory once saves and deletes (whose write
/// removed it, `concern_list`) have stopped for a second, so that the next start draws the list
/// from it: one write for several ticks in a row (5,000 concerns: ~70 ms under 4x throttling).
/// Not while a write has failed: the copy would list what is not stored.
pub fn relist_soon(work: WorkState) {
    let turn = RELIST.with(|n| n.get().wrapping_add(1));
    RELIST.with(|n| n.set(turn));
    leptos::task::spawn_local(async move {
        platform::document::sleep(1000).await;
        if RELIST.with(|n| n.get()) != turn || !work.unsaved.with_untracked(Vec::is_empty) {
            return;
        }
        let repo = work.repository();
        vault::write(
            move |device| {
                work.concerns
                    .with_untracked(|list| repo.relist(device, list))
            },
            |_, _| {},
        );
    });
}
