//! "Data på denne enhed" in Settings: storage used, values set aside (download or delete), and
//! "Ryd denne enhed" behind a typed confirmation. And the privacy page.

use super::{use_app, use_page_title};
use crate::domain::dates::Date;
use crate::domain::pages::Page;
use crate::domain::storage;
use crate::domain::{backup, concern_store};
use crate::platform::{self, local_storage::LocalStorage};
use crate::ui::data;
use leptos::prelude::*;
use leptos_router::components::A;

/// A quarantine reason in plain words.
fn reason_text(kind: storage::ReasonKind, t: &'static crate::domain::i18n::Texts) -> &'static str {
    match kind {
        storage::ReasonKind::Damaged => t.reason_damaged,
        storage::ReasonKind::NotOpened => t.reason_not_opened,
        storage::ReasonKind::Upgrade => t.reason_upgrade,
        storage::ReasonKind::Profile => t.reason_profile,
        storage::ReasonKind::Other => t.reason_other,
    }
}

#[component]
pub fn DeviceData() -> impl IntoView {
    let app = use_app();
    let t = app.texts;
    // Bumped after every change here, so the figures and the list are read again.
    let version = RwSignal::new(0u32);
    move || {
        let _ = version.get();
        let t_now = t.get();
        let used_kb = storage::usage_bytes(&LocalStorage)
            .unwrap_or(0)
            .div_ceil(1024);
        // Read through the PIN lock: a set-aside concern is sealed like the concern.
        let set_aside = data::read(storage::list_quarantine).unwrap_or_default();
        let list = if set_aside.is_empty() {
            view! { <p class="hint">{t_now.quarantine_none}</p> }.into_any()
        } else {
            view! {
                <ul class="quarantine">
                    {set_aside
                        .into_iter()
                        .map(|(qkey, record)| {
                            let json = serde_json::to_string_pretty(&record).unwrap_or_default();
                            let file = format!("{}.json", qkey.replace('.', "-"));
                            let delete_key = qkey.clone();
                            view! {
                                <li class="quarantine__item">
                                    <p><strong>{t_now.quarantine_from} ": "</strong><code>{record.key.clone()}</code>
                                        " · " {Date::from_ms(record.at_ms).danish()}</p>
                                    <p>{t_now.quarantine_reason} ": " {reason_text(record.reason_kind(), t_now)}</p>
                                    <details class="hint">
                                        <summary>{t_now.reason_detail}</summary>
                                        <p><code>{record.reason.clone()}</code></p>
                                    </details>
                                    <div class="button-row">
                                        <button type="button" class="btn btn--secondary"
                                            on:click=move |_| { let _ = platform::files::download_text(&file, "application/json", &json); }>
                                            {t_now.download}
                                        </button>
                                        <button type="button" class="btn btn--tertiary"
                                            on:click=move |_| {
                                                let key = delete_key.clone();
                                                data::write(move |s| s.remove(&key), move |_, _| version.update(|v| *v += 1));
                                            }>
                                            {t_now.delete}
                                        </button>
                                    </div>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
            .into_any()
        };
        view! {
            <section class="card" aria-labelledby="data-title">
                <h2 id="data-title">{t_now.data_title}</h2>
                <p>{t_now.data_used} " " <strong>{format!("{used_kb} kB")}</strong> " " {t_now.data_used_of}</p>
                <p><A href=Page::Privacy.path() attr:class="btn btn--tertiary">{t_now.privacy_link}</A></p>
                // Training's concerns are fiction: no backup of them, no import into them.
                {move || if app.training.get() {
                    view! { <p class="hint">{t.get().training_no_backup}</p> }.into_any()
                } else {
                    view! { <Backup /> }.into_any()
                }}
                <h3 id="set-aside">{t_now.quarantine_title}</h3>
                <p class="hint">{t_now.quarantine_intro}</p>
                {list}
                <ClearDevice />
            </section>
        }
    }
}

/// "Ryd denne enhed": removes all app data after the word is typed. Also offered on the locked
/// screen, for a forgotten PIN.
#[component]
pub fn ClearDevice() -> impl IntoView {
    let t = use_app().texts;
    let typed = RwSignal::new(String::new());
    let wrong_word = RwSignal::new(false);
    let clear = move |_| {
        if typed.get_untracked().trim() != t.get_untracked().clear_confirm_word {
            wrong_word.set(true);
            return;
        }
        let _ = storage::clear_app_data(&LocalStorage);
        // Start again from nothing, as on a new device.
        let _ = gloo::utils::window().location().replace("/");
    };
    view! {
        <h3>{move || t.get().clear_title}</h3>
        <p>{move || t.get().clear_intro}</p>
        <div class="field">
            <label for="clear-word">{move || t.get().clear_confirm_label}</label>
            <input id="clear-word" class="input" type="text" autocomplete="off"
                prop:value=move || typed.get() on:input=move |ev| { typed.set(event_target_value(&ev)); wrong_word.set(false); } />
        </div>
        {move || wrong_word.get().then(|| view! { <p class="field-error" role="alert">{t.get().clear_wrong_word}</p> })}
        <button type="button" class="btn btn--danger" on:click=clear>{move || t.get().clear_button}</button>
    }
}

/// What the last import attempt came to.
#[derive(Clone)]
enum ImportState {
    Planned(backup::Plan),
    Problems(Vec<String>),
    Done,
}

#[component]
fn Backup() -> impl IntoView {
    let app = use_app();
    let t = app.texts;
    let state = RwSignal::new(None::<ImportState>);
    let export = move |_| {
        let now = platform::now_ms();
        let file = backup::export(
            &app.settings.get_untracked(),
            &app.library.get_untracked(),
            &app.concerns.get_untracked(),
            data::read(|s| concern_store::tombstones(s, now)),
            now,
        );
        let name = format!("ssp-handleguide-{}.json", Date::from_ms(now).iso());
        let _ = platform::files::download_text(&name, "application/json", &file);
    };
    let on_file = move |ev: leptos::ev::Event| {
        if let Some(file) = platform::files::picked_file(&ev) {
            leptos::task::spawn_local(async move {
                let result = match platform::files::read_text(file).await {
                    Ok(text) => backup::plan(
                        &text,
                        &app.settings.get_untracked(),
                        &app.concerns.get_untracked(),
                    ),
                    Err(e) => Err(vec![e]),
                };
                state.set(Some(match result {
                    Ok(plan) => ImportState::Planned(plan),
                    Err(problems) => ImportState::Problems(problems),
                }));
            });
        }
    };
    let apply = move |plan: backup::Plan| {
        let now = platform::now_ms();
        let mut library = app.library.get_untracked();
        let settings = plan.settings.clone();
        // Concerns are sealed when a PIN is set; the library is updated in memory at once.
        data::write(
            move |store| (backup::apply(store, &plan, &mut library, now), library),
            move |(written, library), stored| match written.and(stored) {
                Ok(()) => {
                    app.library.set(library);
                    if let Some(s) = settings {
                        app.settings.set(s);
                    }
                    super::lock::reload_concerns(app);
                    state.set(Some(ImportState::Done));
                }
                Err(_) => app
                    .notice
                    .set(Some(crate::domain::settings::StorageNotice::WriteFailed)),
            },
        );
    };
    move || {
        let t_now = t.get();
        let shown = state.get().map(|s| match s {
            ImportState::Done => view! { <div class="alert alert--success" role="status"><p>{t_now.import_all_done}</p></div> }.into_any(),
            ImportState::Problems(problems) => view! {
                <div class="alert alert--error" role="alert">
                    <p>{t_now.import_all_failed}</p>
                    <ul>{problems.into_iter().map(|p| view! { <li><code>{p}</code></li> }).collect_view()}</ul>
                </div>
            }
            .into_any(),
            ImportState::Planned(plan) => {
                let summary = format!(
                    "{} {} · {} {} · {} {} · {} {}",
                    plan.add.len(), t_now.import_plan_add,
                    plan.replace.len(), t_now.import_plan_replace,
                    plan.keep, t_now.import_plan_keep,
                    plan.profiles.len(), t_now.import_plan_profiles,
                );
                let restores = plan.settings.is_some();
                view! {
                    <div class="alert alert--info" role="status">
                        <p><strong>{t_now.import_plan_title}</strong></p>
                        <p>{summary}</p>
                        {restores.then(|| view! { <p>{t_now.import_plan_settings}</p> })}
                        <p>{t_now.import_plan_nothing_deleted}</p>
                        <div class="button-row">
                            <button type="button" class="btn btn--primary" on:click=move |_| apply(plan.clone())>{t_now.import_apply}</button>
                            <button type="button" class="btn btn--secondary" on:click=move |_| state.set(None)>{t_now.import_cancel}</button>
                        </div>
                    </div>
                }
                .into_any()
            }
        });
        view! {
            <h3>{t_now.backup_title}</h3>
            <p>{t_now.backup_intro}</p>
            <p><button type="button" class="btn btn--secondary" on:click=export>{t_now.export_all}</button></p>
            {platform::vault::is_set().then(|| view! { <p class="hint">{t_now.backup_not_encrypted}</p> })}
            <div class="field">
                <label for="import-backup">{t_now.import_all_label}</label>
                <input id="import-backup" type="file" accept=".json,application/json" on:change=on_file />
            </div>
            {shown}
        }
    }
}

#[component]
pub fn PrivacyPage() -> impl IntoView {
    let t = use_app().texts;
    use_page_title(Page::Privacy);
    move || {
        let t = t.get();
        view! {
            <section class="page page--narrow">
                <h1>{t.page_privacy}</h1>
                <h2>{t.privacy_where_title}</h2>
                <p>{t.privacy_where}</p>
                <h2>{t.privacy_what_title}</h2>
                <p>{t.privacy_what}</p>
                <h2>{t.privacy_guide_title}</h2>
                <p>{t.privacy_guide}</p>
                <h2>{t.privacy_how_long_title}</h2>
                <p>{t.privacy_how_long}</p>
                <h2>{t.privacy_sync_title}</h2>
                <p>{t.privacy_sync}</p>
                <h2>{t.privacy_notify_title}</h2>
                <p>{t.privacy_notify}</p>
            </section>
        }
    }
}
