//! "Data på denne enhed" in Settings: storage used, values set aside (download after a warning,
//! or delete), the backup (encrypted with a passphrase unless the user explicitly chooses a
//! plain file), and "Ryd denne enhed" behind a typed confirmation. And the privacy page.

use super::clear_device::ClearDevice;
use super::lock::PinInput;
use super::{use_page_title, use_prefs, use_shell, use_texts, use_work};
use crate::domain::backup;
use crate::domain::dates::Date;
use crate::domain::i18n::Texts;
use crate::domain::pages::Page;
use crate::domain::storage;
use crate::domain::vault::{self, PinProblem, Secret};
use crate::platform::{self, local_storage::LocalStorage};
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
    let prefs = use_prefs();
    let work = use_work();
    let t = prefs.texts;
    // Bumped after every change here, so the figures and the list are read again.
    let version = RwSignal::new(0u32);
    move || {
        let _ = version.get();
        let t_now = t.get();
        let used_kb = storage::usage_bytes(&LocalStorage)
            .unwrap_or(0)
            .div_ceil(1024);
        // Read through the PIN lock: a set-aside concern is sealed like the concern.
        let repo = work.repository();
        let set_aside = platform::vault::read(|d| repo.set_aside(d)).unwrap_or_default();
        let list = if set_aside.is_empty() {
            view! { <p class="hint">{t_now.quarantine_none}</p> }.into_any()
        } else {
            view! {
                <ul class="quarantine">
                    {set_aside
                        .into_iter()
                        .map(|(qkey, record)| {
                            let json = crate::domain::pretty::to_string(&record).unwrap_or_default();
                            let file = format!("{}.json", qkey.replace('.', "-"));
                            let delete_key = qkey.clone();
                            let confirm = RwSignal::new(false);
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
                                            aria-expanded=move || confirm.get().to_string()
                                            on:click=move |_| confirm.set(true)>
                                            {t_now.download}
                                        </button>
                                        <button type="button" class="btn btn--tertiary"
                                            on:click=move |_| {
                                                let key = delete_key.clone();
                                                platform::vault::write(move |d| repo.forget_set_aside(d, &key), move |_, _| version.update(|v| *v += 1));
                                            }>
                                            {t_now.delete}
                                        </button>
                                    </div>
                                    // The copy leaves the lock: a second, explicit step with the warning.
                                    {move || confirm.get().then(|| {
                                        let (file, json) = (file.clone(), json.clone());
                                        view! {
                                            <div class="alert alert--warning">
                                                <p>{t_now.quarantine_plain_warning}</p>
                                                <div class="button-row">
                                                    <button type="button" class="btn btn--secondary"
                                                        on:click=move |_| {
                                                            let _ = platform::files::download_text(&file, "application/json", &json);
                                                            confirm.set(false);
                                                        }>
                                                        {t_now.quarantine_plain_button}
                                                    </button>
                                                    <button type="button" class="btn btn--tertiary" on:click=move |_| confirm.set(false)>
                                                        {t_now.import_cancel}
                                                    </button>
                                                </div>
                                            </div>
                                        }
                                    })}
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
                {move || if work.training.get() {
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

/// What the last import attempt came to.
#[derive(Clone)]
enum ImportState {
    /// An encrypted file waiting for its passphrase.
    Encrypted(backup::EncryptedBackup),
    Planned(backup::Plan),
    Problems(Vec<String>),
    Done,
}

/// Why the encrypted export did not happen.
#[derive(Clone, Copy)]
enum ExportProblem {
    Passphrase(PinProblem),
    Browser,
}

fn export_problem_text(p: ExportProblem, t: &'static Texts) -> &'static str {
    match p {
        ExportProblem::Passphrase(PinProblem::PassphraseWeak) => t.passphrase_problem_weak,
        ExportProblem::Passphrase(PinProblem::Mismatch) => t.backup_passphrase_mismatch,
        ExportProblem::Passphrase(_) => t.passphrase_problem_length,
        ExportProblem::Browser => t.backup_export_failed,
    }
}

/// "Sikkerhedskopi": export encrypted with a passphrase (the default), export in the clear only
/// after ticking that the file is not encrypted, and import of either kind (validated first).
#[component]
fn Backup() -> impl IntoView {
    let prefs = use_prefs();
    let work = use_work();
    let shell = use_shell();
    let t = prefs.texts;
    let text = move |f: fn(&'static Texts) -> &'static str| Signal::derive(move || f(t.get()));
    let state = RwSignal::new(None::<ImportState>);
    let plain_backup = move || {
        let now = platform::now_ms();
        let file = backup::export(
            &prefs.settings.get_untracked(),
            &prefs.library.get_untracked(),
            &work.concerns.get_untracked(),
            platform::vault::read(|d| work.repository().tombstones(d, now)),
            now,
        )
        .ok()?;
        Some((
            format!("ssp-handleguide-{}.json", Date::from_ms(now).iso()),
            file,
        ))
    };

    // Encrypted export.
    let phrase = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let export_problem = RwSignal::new(None::<ExportProblem>);
    let encrypting = RwSignal::new(false);
    // The last encrypted file (name, text), to download again if the browser did not.
    let exported = RwSignal::new(None::<(String, String)>);
    let export_encrypted = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if encrypting.get_untracked() {
            return;
        }
        exported.set(None);
        let chosen = phrase.get_untracked();
        if let Err(p) = vault::check_new_passphrase(&chosen, &repeat.get_untracked()) {
            export_problem.set(Some(ExportProblem::Passphrase(p)));
            return;
        }
        let Some((name, plain)) = plain_backup() else {
            export_problem.set(Some(ExportProblem::Browser));
            return;
        };
        export_problem.set(None);
        encrypting.set(true);
        leptos::task::spawn_local(async move {
            let sealed = platform::backup_file::seal(&plain, &chosen).await;
            encrypting.set(false);
            match sealed {
                Ok(file) => {
                    let _ = platform::files::download_text(&name, "application/json", &file);
                    phrase.set(String::new());
                    repeat.set(String::new());
                    exported.set(Some((name, file)));
                }
                Err(_) => export_problem.set(Some(ExportProblem::Browser)),
            }
        });
    };

    // Export in the clear, after an explicit choice.
    let understood = RwSignal::new(false);
    let export_plain = move |_| {
        if !understood.get_untracked() {
            return;
        }
        let Some((name, file)) = plain_backup() else {
            export_problem.set(Some(ExportProblem::Browser));
            return;
        };
        let _ = platform::files::download_text(&name, "application/json", &file);
        understood.set(false);
    };

    // Import: a plain file is planned at once; an encrypted one asks for its passphrase first.
    let to_state = move |result: Result<backup::Plan, Vec<String>>| match result {
        Ok(plan) => ImportState::Planned(plan),
        Err(problems) => ImportState::Problems(problems),
    };
    let plan_of = move |text: &str| {
        backup::plan(
            text,
            &prefs.settings.get_untracked(),
            &work.concerns.get_untracked(),
        )
    };
    let open_phrase = RwSignal::new(String::new());
    let open_error = RwSignal::new(None::<platform::backup_file::OpenError>);
    let opening = RwSignal::new(false);
    let on_file = move |ev: leptos::ev::Event| {
        if let Some(file) = platform::files::picked_file(&ev) {
            leptos::task::spawn_local(async move {
                open_error.set(None);
                open_phrase.set(String::new());
                let next = match platform::files::read_text(file).await {
                    Ok(text) => match backup::read_file(&text) {
                        Ok(backup::BackupFile::Plain) => to_state(plan_of(&text)),
                        Ok(backup::BackupFile::Encrypted(sealed)) => {
                            platform::document::focus_after_render("import-passphrase");
                            ImportState::Encrypted(sealed)
                        }
                        Err(problems) => ImportState::Problems(problems),
                    },
                    Err(e) => ImportState::Problems(vec![e]),
                };
                state.set(Some(next));
            });
        }
    };
    let open_encrypted = move |sealed: backup::EncryptedBackup| {
        if opening.get_untracked() {
            return;
        }
        opening.set(true);
        open_error.set(None);
        let entered = open_phrase.get_untracked();
        leptos::task::spawn_local(async move {
            let opened = platform::backup_file::open(&sealed, &entered).await;
            opening.set(false);
            open_phrase.set(String::new());
            match opened {
                // The same validate-first path as a plain file: nothing is written yet.
                Ok(text) => state.set(Some(to_state(plan_of(&text)))),
                Err(e) => {
                    open_error.set(Some(e));
                    platform::document::focus_after_render("import-passphrase");
                }
            }
        });
    };
    let apply = move |plan: backup::Plan| {
        let now = platform::now_ms();
        let mut library = prefs.library.get_untracked();
        let settings = plan.settings.clone();
        // Concerns are sealed when a PIN is set; the library is updated in memory at once.
        let repo = work.repository();
        platform::vault::write(
            move |device| (repo.import(device, &plan, &mut library, now), library),
            move |(written, library), stored| match written.and(stored) {
                Ok(()) => {
                    prefs.library.set(library);
                    if let Some(s) = settings {
                        prefs.settings.set(s);
                    }
                    super::concern_io::reload_concerns(work);
                    state.set(Some(ImportState::Done));
                }
                Err(_) => shell
                    .notice
                    .set(Some(crate::domain::settings::StorageNotice::WriteFailed)),
            },
        );
    };
    let shown = move || {
        let t_now = t.get();
        state.get().map(|s| match s {
            ImportState::Done => view! { <div class="alert alert--success" role="status"><p>{t_now.import_all_done}</p></div> }.into_any(),
            ImportState::Problems(problems) => view! {
                <div class="alert alert--error" role="alert">
                    <p>{t_now.import_all_failed}</p>
                    <ul>{problems.into_iter().map(|p| view! { <li><code>{p}</code></li> }).collect_view()}</ul>
                </div>
            }
            .into_any(),
            ImportState::Encrypted(sealed) => view! {
                <form class="alert alert--info" on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    open_encrypted(sealed.clone());
                }>
                    <p>{t_now.import_encrypted_intro}</p>
                    <PinInput kind=Secret::Passphrase id="import-passphrase" label=text(|t| t.import_passphrase_label) value=open_phrase />
                    {move || open_error.get().map(|e| {
                        let t = t.get();
                        let said = match e {
                            platform::backup_file::OpenError::WrongPassphrase => t.import_wrong_passphrase,
                            _ => t.import_open_failed,
                        };
                        view! { <p class="field-error" role="alert">{said}</p> }
                    })}
                    <div class="button-row">
                        <button type="submit" class="btn btn--primary" disabled=move || opening.get()>
                            {move || if opening.get() { t.get().import_opening } else { t.get().import_open }}
                        </button>
                        <button type="button" class="btn btn--secondary" on:click=move |_| state.set(None)>{t_now.import_cancel}</button>
                    </div>
                </form>
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
        })
    };
    view! {
        <h3>{move || t.get().backup_title}</h3>
        <p>{move || t.get().backup_intro}</p>
        <form on:submit=export_encrypted>
            <p>{move || t.get().backup_encrypted_intro}</p>
            <PinInput kind=Secret::Passphrase id="backup-passphrase" label=text(|t| t.backup_passphrase_label) value=phrase />
            {move || (!phrase.get().is_empty()).then(|| view! {
                <p class="hint" aria-live="polite">{super::lock::strength_text(&phrase.get(), t.get())}</p>
            })}
            <PinInput kind=Secret::Passphrase id="backup-passphrase-repeat" label=text(|t| t.backup_passphrase_repeat_label) value=repeat />
            {move || export_problem.get().map(|p| view! {
                <p class="field-error" role="alert">{export_problem_text(p, t.get())}</p>
            })}
            <p>
                <button type="submit" class="btn btn--primary" disabled=move || encrypting.get()>
                    {move || if encrypting.get() { t.get().backup_encrypting } else { t.get().export_all }}
                </button>
            </p>
        </form>
        {move || exported.get().map(|(name, file)| view! {
            <div class="alert alert--success" role="status">
                <p>{move || t.get().backup_export_done}</p>
                <button type="button" class="btn btn--secondary"
                    on:click=move |_| { let _ = platform::files::download_text(&name, "application/json", &file); }>
                    {move || t.get().backup_download_again}
                </button>
            </div>
        })}
        <h4>{move || t.get().backup_plain_title}</h4>
        <div class="alert alert--warning"><p>{move || t.get().backup_not_encrypted}</p></div>
        <label class="checkbox">
            <input type="checkbox" prop:checked=move || understood.get()
                on:change=move |ev| understood.set(event_target_checked(&ev)) />
            <span>{move || t.get().backup_plain_understand}</span>
        </label>
        <p>
            <button type="button" class="btn btn--secondary" disabled=move || !understood.get() on:click=export_plain>
                {move || t.get().backup_plain_button}
            </button>
        </p>
        <div class="field">
            <label for="import-backup">{move || t.get().import_all_label}</label>
            <input id="import-backup" type="file" accept=".json,application/json" on:change=on_file />
        </div>
        {shown}
    }
}

#[component]
pub fn PrivacyPage() -> impl IntoView {
    let t = use_texts();
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
