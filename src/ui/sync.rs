//! Sync in the UI: the scheduler (when a round runs), the Settings section and the conflict
//! screen. Rounds run only when sync is on, the data is open, training is off and the browser
//! is online; failures back off with jitter; 401/403 wait for new credentials.

use super::{
    use_lock, use_page_title, use_prefs, use_shell, use_sync, use_work, LockState, SyncState,
    WorkState,
};
use crate::app::sync_view::{Moment, RoundSummary};
use crate::domain::concern::Concern;
use crate::domain::pages::Page;
use crate::domain::sync::compare;
use crate::domain::sync::config::{self, Kind, SyncConfig};
use crate::domain::sync::engine::{self, Resolution};
use crate::domain::sync::lane;
use crate::domain::sync::protocol::{backoff_ms, error_text};
use crate::domain::team::Teams;
use crate::platform::{self, local_storage::LocalStorage, now_ms, sync as net, vault};
use leptos::prelude::*;
use leptos_router::components::A;

/// Reads the status again (after a round, a save or a setting), from the concern store's
/// chunk (`ui::concern_io`): the outbox is its to read.
pub fn refresh(sync_state: SyncState) {
    super::concern_io::refresh_sync_status(sync_state);
}

/// What the scheduler reads and changes: sync's status, whether the data is locked, and the
/// concerns (read again after a round brought changes).
#[derive(Clone, Copy)]
pub struct Scheduler {
    pub sync_state: SyncState,
    pub lock: LockState,
    pub work: WorkState,
}

impl Scheduler {
    /// The scheduler over this app's contexts (inside a component).
    pub fn here() -> Scheduler {
        Scheduler {
            sync_state: use_sync(),
            lock: use_lock(),
            work: use_work(),
        }
    }
}

/// Runs a round now if one may run. `asked` (the user pressed a button, or came back online)
/// skips the backoff wait and tries again after an authorisation error.
pub fn kick(s: Scheduler, asked: bool) {
    let Scheduler {
        sync_state,
        lock,
        work,
    } = s;
    let now = now_ms();
    let moment = Moment {
        now_ms: now,
        asked,
        locked: lock.locked.get_untracked(),
        training: work.training.get_untracked(),
        online: gloo::utils::window().navigator().on_line(),
    };
    let view = sync_state.view.get_untracked();
    if !view.may_start(moment) {
        return;
    }
    // Most tablets never sync: nothing is fetched or decoded for them. Which lanes run, and
    // what each one's result means, is decided in the round's chunk (`net::rounds`).
    if net::settings().is_none() && !vault::read(Teams::stored) {
        return;
    }
    if !engine::take_lease(&LocalStorage, &platform::tab_id(), now, 60_000) {
        return;
    }
    sync_state.view.update(|v| v.busy = true);
    refresh(sync_state);
    leptos::task::spawn_local(async move {
        let summary = match round_code(asked).await {
            Ok(round) => round.await,
            // The chunk could not be fetched: as without a connection, tried again later.
            Err(NotLoaded) => RoundSummary {
                changed_data: false,
                backoff_failures: Some(1),
            },
        };
        let now = now_ms();
        let next_at_ms = summary
            .backoff_failures
            .map_or(0, |f| now + backoff_ms(f, js_sys::Math::random()));
        sync_state.view.update(|v| v.next_at_ms = next_at_ms);
        if summary.changed_data && !lock.locked.get_untracked() {
            super::concern_io::reload_concerns(work);
        }
        sync_state.view.update(|v| v.busy = false);
        refresh(sync_state);
    });
}

/// A round as it runs (every lane's push and pull, sealing, the merge, the results recorded).
type Round = std::pin::Pin<Box<dyn std::future::Future<Output = RoundSummary>>>;

/// The round's chunk could not be fetched.
struct NotLoaded;

impl From<leptos::wasm_split::SplitLoaderError> for NotLoaded {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        NotLoaded
    }
}

/// A round's code (both protocols, pushing and pulling, the merge) is in the pages' chunk
/// (`ui::lazy_pages`), not in the main module: most tablets never sync, and a first visit need
/// not download or compile it before the start screen works (issue 15).
#[leptos::wasm_split::wasm_split(pages, wasm_split_path = ::leptos::wasm_split, fallible)]
fn round_code(asked: bool) -> Result<Round, NotLoaded> {
    Ok(Box::pin(net::rounds(asked)))
}

/// Starts the scheduler for the life of the page: a round soon after start, every 20 s when
/// due, and at once when the browser comes back online.
pub fn start(sync_state: SyncState, lock: LockState, work: WorkState) {
    let s = Scheduler {
        sync_state,
        lock,
        work,
    };
    super::concern_io::sync_status_in_turn(sync_state);
    // Sync listens for local changes; the screens that save know nothing of sync.
    Effect::new(move |ran: Option<()>| {
        work.local_changes.track();
        if ran.is_some() {
            changed(s);
        }
    });
    gloo::timers::callback::Timeout::new(1_000, move || kick(s, false)).forget();
    gloo::timers::callback::Interval::new(20_000, move || kick(s, false)).forget();
    gloo::events::EventListener::new(&gloo::utils::window(), "online", move |_| kick(s, true))
        .forget();
    gloo::events::EventListener::new(&gloo::utils::window(), "offline", move |_| {
        refresh(sync_state)
    })
    .forget();
}

/// After a local change: the status shows it waiting, and a round follows shortly.
fn changed(s: Scheduler) {
    refresh(s.sync_state);
    gloo::timers::callback::Timeout::new(1_500, move || kick(s, false)).forget();
}

pub fn format_time(ms: u64) -> String {
    // The browser knows the local time zone; the form is the app's one Danish form.
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    crate::domain::dates::Date {
        year: i32::try_from(d.get_full_year()).unwrap_or_default(),
        month: d.get_month() + 1,
        day: d.get_date(),
    }
    .danish_at(d.get_hours(), d.get_minutes())
}

/// Which kind of server: the reference server's protocol or CouchDB (the sync settings, and
/// "Opret et hold"); `name` groups the two radio buttons.
#[component]
pub fn KindChoice(kind: RwSignal<Kind>, name: &'static str) -> impl IntoView {
    let t = use_prefs().texts;
    view! {
        <fieldset class="fieldset fieldset--inner">
            <legend>{move || t.get().sync_kind}</legend>
            <label class="radio">
                <input type="radio" name=name prop:checked=move || kind.get() == Kind::Json
                    on:change=move |_| kind.set(Kind::Json) />
                <span>{move || t.get().sync_kind_json}</span>
            </label>
            <label class="radio">
                <input type="radio" name=name prop:checked=move || kind.get() == Kind::Couch
                    on:change=move |_| kind.set(Kind::Couch) />
                <span>{move || t.get().sync_kind_couch}</span>
            </label>
        </fieldset>
    }
}

/// Settings' sync section.
#[component]
pub fn SyncSettings() -> impl IntoView {
    let prefs = use_prefs();
    let work = use_work();
    let sync_state = use_sync();
    let scheduler = Scheduler::here();
    let t = prefs.texts;
    let now = now_ms();
    let (stored, has_secret) =
        vault::read(|s| (config::load(s, now), !config::secret(s, now).is_empty()));
    let stored = stored.unwrap_or(SyncConfig {
        enabled: false,
        kind: Kind::Json,
        url: String::new(),
        user: String::new(),
    });
    let enabled = RwSignal::new(stored.enabled);
    let kind = RwSignal::new(stored.kind);
    let url = RwSignal::new(stored.url.clone());
    let user = RwSignal::new(stored.user.clone());
    let secret = RwSignal::new(String::new());
    let has_secret = RwSignal::new(has_secret);
    // (ok, text)
    let message = RwSignal::new(None::<(bool, String)>);

    // The form as settings, or what is wrong with it.
    let checked = move || -> Result<(SyncConfig, Option<String>), String> {
        let t = t.get_untracked();
        let url = config::check_url(&url.get_untracked()).map_err(|p| p.text(t).to_string())?;
        let c = SyncConfig {
            enabled: enabled.get_untracked(),
            kind: kind.get_untracked(),
            url,
            user: user.get_untracked().trim().to_string(),
        };
        if c.kind == Kind::Couch && c.user.is_empty() {
            return Err(t.sync_user_missing.to_string());
        }
        let typed = secret.get_untracked();
        if typed.is_empty() && !has_secret.get_untracked() {
            return Err(t.sync_secret_missing.to_string());
        }
        Ok((c, (!typed.is_empty()).then_some(typed)))
    };

    let save = move |_| {
        let (c, new_secret) = match checked() {
            Ok(v) => v,
            Err(why) => return message.set(Some((false, why))),
        };
        let client = platform::new_uuid();
        let now = now_ms();
        leptos::task::spawn_local(async move {
            let result = net::write(move |s| {
                config::save(s, &c, now)?;
                if let Some(sec) = &new_secret {
                    config::save_secret(s, sec, now)?;
                }
                if c.enabled {
                    engine::set_up(s, &client, now)?;
                }
                // New credentials: the last authorisation error no longer stands.
                engine::record_ok_if_auth_error(s, now)
            })
            .await;
            let t = t.get_untracked();
            match result {
                Ok(()) => {
                    secret.set(String::new());
                    has_secret.set(true);
                    message.set(Some((true, t.sync_saved.to_string())));
                    refresh(sync_state);
                    kick(scheduler, true);
                }
                Err(_) => message.set(Some((false, t.notice_storage_write_failed.to_string()))),
            }
        });
    };

    let test = move |_| {
        let (c, typed) = match checked() {
            Ok(v) => v,
            Err(why) => return message.set(Some((false, why))),
        };
        let secret = typed.unwrap_or_else(|| vault::read(|s| config::secret(s, now_ms())));
        message.set(Some((true, t.get_untracked().sync_testing.to_string())));
        leptos::task::spawn_local(async move {
            let t = t.get_untracked();
            message.set(Some(match net::test_connection(&c, &secret).await {
                Ok(()) => (true, t.sync_test_ok.to_string()),
                Err(e) => (false, error_text(&e, t)),
            }));
        });
    };

    let status = move || {
        let t = t.get();
        let v = sync_state.view.get();
        let s = v.status;
        if work.training.get() {
            return view! { <p class="hint">{t.sync_training_note}</p> }.into_any();
        }
        if !s.set_up || !enabled.get() {
            return view! { <p class="hint">{t.sync_off_note}</p> }.into_any();
        }
        view! {
            <h3>{t.sync_status_title}</h3>
            <dl class="sync-status">
                <dt>{t.sync_last}</dt>
                <dd>{match s.last_ok_ms { Some(ms) => format_time(ms), None => t.sync_never.to_string() }}</dd>
                <dt>{t.sync_waiting}</dt>
                <dd data-testid="sync-waiting">{s.waiting}</dd>
                <dt>{t.sync_conflicts}</dt>
                <dd data-testid="sync-conflicts">{s.conflicts}
                    {(s.conflicts > 0).then(|| view! {
                        " " <A href=Page::Conflicts.path()>{t.sync_conflicts_link}</A>
                    })}
                </dd>
                {s.last_error.map(|e| view! {
                    <dt>{t.sync_last_error}</dt>
                    <dd class="sync-status__error">{error_text(&e, t)}</dd>
                })}
            </dl>
            {(s.from_future > 0).then(|| view! { <p class="alert alert--warning">{t.sync_from_future}</p> })}
            {(s.rejected > 0).then(|| view! {
                <p class="alert alert--warning">{t.sync_rejected.replace("{n}", &s.rejected.to_string())}</p>
            })}
            <p>
                <button type="button" class="btn btn--secondary" disabled=v.busy
                    on:click=move |_| kick(scheduler, true)>
                    {if v.busy { t.sync_running } else { t.sync_now }}
                </button>
            </p>
        }
        .into_any()
    };

    view! {
        <section class="card sync-settings" aria-labelledby="sync-title">
            <h2 id="sync-title">{move || t.get().sync_title}</h2>
            <p class="hint">{move || t.get().sync_hint}</p>
            <label class="checkbox">
                <input type="checkbox" prop:checked=move || enabled.get()
                    on:change=move |ev| enabled.set(event_target_checked(&ev)) />
                <span>{move || t.get().sync_enabled}</span>
            </label>
            <div class="sync-settings__fields" hidden=move || !enabled.get()>
                <KindChoice kind=kind name="sync-kind" />
                <label class="field">
                    <span class="field__label">{move || t.get().sync_url}</span>
                    <span class="hint">{move || t.get().sync_url_hint}</span>
                    <input class="input" type="url" inputmode="url" autocomplete="off" spellcheck="false"
                        prop:value=move || url.get()
                        on:input=move |ev| url.set(event_target_value(&ev)) />
                </label>
                <label class="field" hidden=move || kind.get() != Kind::Couch>
                    <span class="field__label">{move || t.get().sync_user}</span>
                    <input class="input" type="text" autocomplete="off" spellcheck="false"
                        prop:value=move || user.get()
                        on:input=move |ev| user.set(event_target_value(&ev)) />
                </label>
                <label class="field">
                    <span class="field__label">{move || {
                        let t = t.get();
                        if kind.get() == Kind::Couch { t.sync_password } else { t.sync_token }
                    }}</span>
                    <span class="hint">{move || {
                        let t = t.get();
                        if vault::is_set() { t.sync_secret_sealed } else { t.sync_secret_plain }
                    }}</span>
                    <input class="input" type="password" autocomplete="off"
                        placeholder=move || has_secret.get().then(|| t.get().sync_secret_stored)
                        prop:value=move || secret.get()
                        on:input=move |ev| secret.set(event_target_value(&ev)) />
                </label>
            </div>
            <p class="button-row">
                <button type="button" class="btn btn--primary" on:click=save>{move || t.get().sync_save}</button>
                <button type="button" class="btn btn--secondary" hidden=move || !enabled.get() on:click=test>
                    {move || t.get().sync_test}
                </button>
            </p>
            {move || message.get().map(|(ok, text)| view! {
                <p class=if ok { "alert alert--success" } else { "alert alert--error" } role="status">{text}</p>
            })}
            {status}
        </section>
    }
}

/// The conflict screen: each concern changed on both sides, the two versions compared, and the
/// choice — keep mine, use the other, or merge.
#[component]
pub fn ConflictsPage() -> impl IntoView {
    let prefs = use_prefs();
    let shell = use_shell();
    let work = use_work();
    let sync_state = use_sync();
    let scheduler = Scheduler::here();
    let t = prefs.texts;
    use_page_title(Page::Conflicts);
    let done = RwSignal::new(false);
    let list = move || {
        sync_state.view.track();
        work.concerns.track();
        let now = now_ms();
        vault::read(|s| lane::conflicts(s, now))
    };
    let settle = move |(team, id): (Option<String>, String), choice: Resolution| {
        leptos::task::spawn_local(async move {
            let now = now_ms();
            if net::write(move |s| {
                lane::on(team.as_deref(), s, |s| {
                    engine::resolve(s, &id, &choice, now)
                })
            })
            .await
            .is_ok()
            {
                done.set(true);
                super::concern_io::reload_concerns(work);
                changed(scheduler);
            } else {
                shell
                    .notice
                    .set(Some(crate::domain::settings::StorageNotice::WriteFailed));
            }
        });
    };
    view! {
        <section class="page">
            <h1>{move || t.get().page_conflicts}</h1>
            <p>{move || t.get().conflicts_intro}</p>
            {move || done.get().then(|| view! { <p class="alert alert--success" role="status">{t.get().conflict_resolved}</p> })}
            {move || {
                let t = t.get();
                let lang = prefs.settings.read().lang;
                let conflicts = list();
                if conflicts.is_empty() {
                    return view! { <p class="hint">{t.conflicts_none}</p> }.into_any();
                }
                conflicts.into_iter().map(|(team, c)| {
                    let mine: Option<Concern> = work.concerns.with(|l| l.iter().find(|x| x.id == c.id).cloned());
                    let theirs = engine::theirs_concern(&c);
                    let rows = compare::rows(mine.as_ref(), theirs.as_ref(), t, lang);
                    let name = mine.as_ref().or(theirs.as_ref()).map(|x| x.child.clone()).unwrap_or_default();
                    let merged = match (&mine, &theirs) {
                        (Some(m), Some(th)) => Some(compare::merge(m, th)),
                        _ => None,
                    };
                    let at = (team, c.id.clone());
                    let (id1, id2, id3) = (at.clone(), at.clone(), at);
                    view! {
                        <article class="card conflict">
                            <h2>{name}</h2>
                            {theirs.is_none().then(|| view! { <p class="hint">{t.conflict_theirs_deleted_note}</p> })}
                            {mine.is_none().then(|| view! { <p class="hint">{t.conflict_mine_deleted_note}</p> })}
                            <table class="conflict__table">
                                <thead><tr>
                                    <th scope="col">{t.conflict_field}</th>
                                    <th scope="col">{t.conflict_mine}</th>
                                    <th scope="col">{t.conflict_theirs}</th>
                                </tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|r| view! {
                                        <tr class:differs=r.differs>
                                            <th scope="row">{r.label}
                                                {r.differs.then(|| view! { <span class="visually-hidden">{format!(" ({})", t.conflict_differs)}</span> })}
                                            </th>
                                            <td>{r.mine}</td>
                                            <td>{r.theirs}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <p class="button-row">
                                <button type="button" class="btn btn--primary"
                                    on:click=move |_| settle(id1.clone(), Resolution::Mine)>{t.conflict_keep_mine}</button>
                                <button type="button" class="btn btn--secondary"
                                    on:click=move |_| settle(id2.clone(), Resolution::Theirs)>{t.conflict_take_theirs}</button>
                                {merged.map(|m| view! {
                                    <button type="button" class="btn btn--secondary"
                                        on:click=move |_| settle(id3.clone(), Resolution::Merged(Box::new(m.clone())))>{t.conflict_merge}</button>
                                })}
                            </p>
                            <p class="hint">{t.conflict_merge_hint}</p>
                        </article>
                    }
                }).collect_view().into_any()
            }}
        </section>
    }
}
