//! The screens' reads and writes of concerns: through the lock (`platform::vault`) and the
//! repository (`app::repository`, real data or training's namespace), with what a save comes
//! to (`app::commands::after_save`) put into the app's state.

use super::state::{Prefs, ShellState, WorkState};
use crate::app::commands;
use crate::domain::concern::Concern;
use crate::domain::concern_store::SaveError;
use crate::domain::settings::StorageNotice;
use crate::platform::{self, vault};
use leptos::prelude::*;

/// Loads the concerns (migrating, repairing and applying retention as at start) after the data
/// was opened, or at start when no lock is set (then before the first render).
pub fn load_concerns(work: WorkState, shell: ShellState, prefs: Prefs) {
    if vault::is_set() {
        leptos::task::spawn_local(async move {
            let held: Vec<Concern> = vault::take_held()
                .await
                .iter()
                .filter_map(|raw| serde_json::from_str(raw).ok())
                .collect();
            load_with(work, shell, prefs, held);
        });
    } else {
        load_with(work, shell, prefs, Vec::new());
    }
}

fn load_with(work: WorkState, shell: ShellState, prefs: Prefs, held: Vec<Concern>) {
    let now = platform::now_ms();
    let days = prefs.settings.get_untracked().retention_days();
    let repo = work.repository();
    vault::write(
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
    );
}

/// Reads the concerns again (another tab changed them).
pub fn reload_concerns(work: WorkState) {
    let now = platform::now_ms();
    let repo = work.repository();
    vault::write(
        move |device| repo.reload(device, now),
        move |concerns, _| work.concerns.set(concerns),
    );
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
