//! "Del med holdet" on a concern: which teams it is shared with (the mark), sharing it, and
//! stopping, with what stopping means. The rules are `domain::sync::lane`'s.

use super::sync::{kick, Scheduler};
use super::{use_prefs, use_shell, use_work};
use crate::domain::pages::Page;
use crate::domain::settings::StorageNotice;
use crate::domain::storage::StoreError;
use crate::domain::sync::lane;
use crate::domain::team::Sharing as Teams;
use crate::platform::{now_ms, sync as net, vault};
use leptos::prelude::*;
use leptos_router::components::A;

/// The sharing section of concern `id` (nothing in training mode: practice data never syncs).
#[component]
pub fn Sharing(id: String) -> impl IntoView {
    let prefs = use_prefs();
    let work = use_work();
    let shell = use_shell();
    let scheduler = Scheduler::here();
    let t = prefs.texts;
    let version = RwSignal::new(0u32);
    let teams = Memo::new(move |_| {
        version.track();
        vault::read(|s| Teams::load(s, now_ms()))
    });
    let id = StoredValue::new(id);
    let set = move |team_id: String, share: bool| {
        let concern = id.get_value();
        leptos::task::spawn_local(async move {
            let written = net::write(move |s| {
                let now = now_ms();
                let done = if share {
                    lane::share(s, &team_id, &concern, now)
                } else {
                    lane::unshare(s, &team_id, &concern, now)
                };
                done.map_err(|e| StoreError::Other(format!("{e:?}")))
            })
            .await;
            version.update(|v| *v += 1);
            match written {
                Ok(()) => kick(scheduler, true),
                Err(_) => shell.notice.set(Some(StorageNotice::WriteFailed)),
            }
        });
    };
    move || {
        if work.training.get() {
            return ().into_any();
        }
        let t = t.get();
        let concern = id.get_value();
        let list: Vec<(String, String, bool)> = teams.with(|l| {
            l.for_concern(&concern)
                .map(|(id, name, shared)| (id.to_string(), name.to_string(), shared))
                .collect()
        });
        let none = list.is_empty();
        let rows = list
            .into_iter()
            .map(|(team_id, name, shared)| {
                if shared {
                    view! {
                        <li class="share">
                            <p><strong class="badge badge--shared">{t.shared_mark.replace("{team}", &name)}</strong></p>
                            <p class="hint">{t.share_stop_note}</p>
                            <button type="button" class="btn btn--secondary"
                                on:click=move |_| set(team_id.clone(), false)>{t.share_stop.replace("{team}", &name)}</button>
                        </li>
                    }
                    .into_any()
                } else {
                    view! {
                        <li class="share">
                            <button type="button" class="btn btn--secondary"
                                on:click=move |_| set(team_id.clone(), true)>{t.share_with.replace("{team}", &name)}</button>
                        </li>
                    }
                    .into_any()
                }
            })
            .collect_view();
        view! {
            <section class="card sharing" aria-labelledby="sharing-title">
                <h2 id="sharing-title">{t.share_title}</h2>
                {if none {
                    view! { <p class="hint">{t.share_none} " " <A href=Page::Teams.path()>{t.page_teams}</A></p> }.into_any()
                } else {
                    view! { <ul class="share-list">{rows}</ul> }.into_any()
                }}
            </section>
        }
        .into_any()
    }
}
