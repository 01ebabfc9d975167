//! The screens' reads and writes of concerns: through the lock (`platform::vault`) and the
//! repository (`app::repository`, real data or training's namespace), with what a save comes
//! to (`app::commands::after_save`) put into the app's state.

use super::state::AppState;
use crate::app::commands;
use crate::domain::concern::Concern;
use crate::domain::concern_store::SaveError;
use crate::domain::settings::StorageNotice;
use crate::platform::{self, vault};
use leptos::prelude::*;

/// Loads the concerns (migrating, repairing and applying retention as at start) after the data
/// was opened, or at start when no lock is set (then before the first render).
pub fn load_concerns(app: AppState) {
    if vault::is_set() {
        leptos::task::spawn_local(async move {
            let held: Vec<Concern> = vault::take_held()
                .await
                .iter()
                .filter_map(|raw| serde_json::from_str(raw).ok())
                .collect();
            load_with(app, held);
        });
    } else {
        load_with(app, Vec::new());
    }
}

fn load_with(app: AppState, held: Vec<Concern>) {
    let now = platform::now_ms();
    let days = app.settings.get_untracked().retention_days();
    let repo = app.repository();
    vault::write(
        move |device| repo.load(device, days, now),
        move |loaded, _| {
            let mut concerns = loaded.concerns;
            for c in held {
                commands::upsert(&mut concerns, c);
            }
            let good = concerns.len();
            app.concerns.set(concerns);
            app.retention.set((loaded.deleted, loaded.announced));
            if loaded.report.set_aside > 0 {
                app.notice.set(Some(StorageNotice::ConcernsSetAside {
                    bad: loaded.report.set_aside,
                    good,
                }));
            } else if loaded.report.from_future > 0 {
                app.notice.set(Some(StorageNotice::NeedsUpdate));
            }
        },
    );
}

/// Reads the concerns again (another tab changed them).
pub fn reload_concerns(app: AppState) {
    let now = platform::now_ms();
    let repo = app.repository();
    vault::write(
        move |device| repo.reload(device, now),
        move |concerns, _| app.concerns.set(concerns),
    );
}

/// Writes again every concern whose earlier write failed; clears the notice when all succeed.
pub fn retry_unsaved(app: AppState) {
    let now = platform::now_ms();
    let repo = app.repository();
    let pending: Vec<Concern> = app.unsaved.with_untracked(|ids| {
        app.concerns
            .with_untracked(|l| l.iter().filter(|c| ids.contains(&c.id)).cloned().collect())
    });
    vault::write(
        move |device| repo.save_again(device, &pending, now),
        move |still, stored| {
            let still = if stored.is_err() {
                app.unsaved.get_untracked()
            } else {
                still
            };
            if still.is_empty() {
                app.notice.set(None);
            }
            app.unsaved.set(still);
        },
    );
}

/// Stores one concern and puts it in memory, then calls `done`. `base_revision` is the revision
/// the change started from (`None`: a new concern); what is kept and told follows
/// [`commands::after_save`].
pub fn save_concern(
    app: AppState,
    c: &Concern,
    base_revision: Option<u32>,
    // Boxed, not generic: one copy of this function in the app instead of one per caller.
    done: Box<dyn FnOnce(Result<(), SaveError>)>,
) {
    let now = platform::now_ms();
    let repo = app.repository();
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
                app.notice.set(Some(notice));
            }
            if after.unsaved {
                app.unsaved.update(|u| {
                    if !u.contains(&c.id) {
                        u.push(c.id.clone())
                    }
                });
            }
            if after.changed {
                app.changed_locally();
            }
            if after.keep {
                app.concerns.update(|list| commands::upsert(list, c));
            }
            done(result);
        },
    );
}
