//! Kommuneprofil: what the chosen municipality's profile says (with sources and marks), export
//! as a file, and import of a municipality's own profile.

use super::common::{document_title, MappedNote, SourceLine};
use super::{use_page_title, use_prefs, use_texts};
use crate::domain::pages::Page;
use crate::domain::profile::library::{is_builtin, ImportCheck};
use crate::domain::profile::{Profile, ProfileError, TextItem};
use crate::platform::{self, local_storage::LocalStorage};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::A;
use std::sync::Arc;

#[component]
pub fn ProfilePage() -> impl IntoView {
    let prefs = use_prefs();
    let t = prefs.texts;
    use_page_title(Page::Profile);
    let current = move || prefs.profile().map(|p| view! { <Overview profile=p /> });
    view! {
        <section class="page page--narrow">
            <h1>{move || t.get().page_profile}</h1>
            <p class="lead">{move || t.get().profile_intro}</p>
            <p><A href=Page::ProfileEditor.path() attr:class="btn btn--secondary">{move || t.get().profile_editor_link}</A></p>
            {current}
            <Import />
            <Imported />
        </section>
    }
}

#[component]
fn TextItems(
    title: fn(&crate::domain::i18n::Texts) -> &'static str,
    items: Vec<TextItem>,
    profile: Arc<Profile>,
) -> impl IntoView {
    let t = use_texts();
    (!items.is_empty()).then(|| {
        let list = items
            .into_iter()
            .map(|item| {
                let doc = document_title(&profile, &item.source);
                view! {
                    <li class="sourced">
                        <p>{item.text}</p>
                        <MappedNote mapped=item.mapped model=item.model />
                        <SourceLine source=item.source document_title=doc />
                    </li>
                }
            })
            .collect_view();
        view! {
            <h3>{move || title(t.get())}</h3>
            <ul class="sourced-list">{list}</ul>
        }
    })
}

#[component]
fn Overview(profile: Arc<Profile>) -> impl IntoView {
    let prefs = use_prefs();
    let t = prefs.texts;
    let builtin = is_builtin(&profile.id);
    let export = {
        let profile = profile.clone();
        move |_| {
            if let Ok(json) = profile.to_json() {
                let _ = platform::files::download_text(
                    &format!("{}.json", profile.id),
                    "application/json",
                    &json,
                );
            }
        }
    };
    let documents = profile
        .documents
        .iter()
        .map(|d| {
            let date = d.date.clone().map(|x| format!(" ({x})"));
            view! { <li>{d.title.clone()}{date}</li> }
        })
        .collect_view();
    let age = match profile.target_age.clone() {
        Some(a) => {
            let doc = document_title(&profile, &a.source);
            Either::Left(view! {
                <p>{format!("{}–{} ", a.from, a.to)} {move || t.get().years}
                    {a.focus.map(|f| format!(". {f}"))}</p>
                <MappedNote mapped=a.mapped model=a.model />
                <SourceLine source=a.source document_title=doc />
            })
        }
        None => Either::Right(view! { <p class="hint">{move || t.get().not_stated}</p> }),
    };
    let door = {
        let d = profile.sparring_door.clone();
        let role = profile
            .role(&d.role)
            .map(|r| r.name.clone())
            .unwrap_or_default();
        let doc = document_title(&profile, &d.source);
        view! {
            <div class="door">
                <p class="door__role">{role}</p>
                <p>{d.text}</p>
                <MappedNote mapped=d.mapped model=d.model />
                <SourceLine source=d.source document_title=doc />
            </div>
        }
    };
    let roles = profile
        .roles
        .iter()
        .map(|r| {
            let doc = document_title(&profile, &r.source);
            let helps = (!r.helps_with.is_empty()).then(|| {
                let items = r.helps_with.iter().map(|h| view! { <li>{h.clone()}</li> }).collect_view();
                view! { <p class="small-title">{move || t.get().profile_helps_with}</p><ul>{items}</ul> }
            });
            view! {
                <li class="sourced">
                    <p class="role__name">{r.name.clone()}</p>
                    <p>{r.description.clone()}</p>
                    {helps}
                    {r.contact.note.clone().map(|n| view! { <p class="hint">{n}</p> })}
                    <MappedNote mapped=r.mapped model=r.model />
                    <SourceLine source=r.source.clone() document_title=doc />
                </li>
            }
        })
        .collect_view();
    let methods = (!profile.methods.is_empty()).then(|| {
        let items = profile
            .methods
            .iter()
            .map(|m| {
                let doc = document_title(&profile, &m.source);
                view! {
                    <li class="sourced">
                        <p class="role__name">{m.name.clone()}</p>
                        <p>{m.description.clone()}</p>
                        <MappedNote mapped=m.mapped model=m.model />
                        <SourceLine source=m.source.clone() document_title=doc />
                    </li>
                }
            })
            .collect_view();
        view! { <h3>{move || t.get().profile_methods}</h3><ul class="sourced-list">{items}</ul> }
    });
    let partners = (!profile.partners.is_empty()).then(|| {
        let items = profile
            .partners
            .iter()
            .map(|p| {
                let group = p.group.clone().map(|g| format!(" ({g})"));
                view! { <li>{p.name.clone()}{group}</li> }
            })
            .collect_view();
        view! { <h3>{move || t.get().profile_partners}</h3><ul>{items}</ul> }
    });
    view! {
        <section class="card">
            <h2>{profile.name.clone()}</h2>
            <p class="badge badge--info">
                {move || if builtin { t.get().profile_builtin } else { t.get().profile_imported }}
            </p>
            <p><button type="button" class="btn btn--secondary" on:click=export>{move || t.get().export_profile}</button></p>
            <h3>{move || t.get().profile_sources}</h3>
            <ul>{documents}</ul>
            <h3>{move || t.get().profile_target_age}</h3>
            {age}
            <h3>{move || t.get().profile_sparring_door}</h3>
            {door}
            <TextItems title=|t| t.profile_about items=profile.about.clone() profile=profile.clone() />
            <TextItems title=|t| t.profile_policy_basis items=profile.policy_basis.clone() profile=profile.clone() />
            <TextItems title=|t| t.profile_goals items=profile.goals.clone() profile=profile.clone() />
            <TextItems title=|t| t.profile_values items=profile.values.clone() profile=profile.clone() />
            <TextItems title=|t| t.profile_success_criteria items=profile.success_criteria.clone() profile=profile.clone() />
            <h3>{move || t.get().profile_roles}</h3>
            <ul class="sourced-list">{roles}</ul>
            {methods}
            {partners}
        </section>
    }
}

/// What the last import attempt came to.
#[derive(Clone)]
enum Outcome {
    Empty,
    FileUnreadable,
    Invalid(Vec<ProfileError>),
    AskReplace {
        profile: Box<Profile>,
        existing_name: String,
    },
    BuiltinClash {
        id: String,
        builtin_name: String,
    },
    SaveFailed,
    Done {
        id: String,
        name: String,
    },
}

#[component]
fn Import() -> impl IntoView {
    let prefs = use_prefs();
    let t = prefs.texts;
    let paste = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Outcome>);

    let save = move |profile: Profile| {
        let (id, name) = (profile.id.clone(), profile.name.clone());
        let saved = prefs
            .library
            .try_update(|lib| lib.save(&LocalStorage, profile, platform::now_ms()))
            .unwrap_or(Err(crate::domain::storage::StoreError::Other(
                "gone".into(),
            )));
        outcome.set(Some(match saved {
            Ok(()) => Outcome::Done { id, name },
            Err(_) => Outcome::SaveFailed,
        }));
        platform::document::focus_after_render("import-outcome");
    };
    let check = move |raw: String| {
        if raw.trim().is_empty() {
            outcome.set(Some(Outcome::Empty));
        } else {
            match prefs.library.with(|lib| lib.check_import(&raw)) {
                ImportCheck::New(p) => return save(*p),
                ImportCheck::Replaces {
                    profile,
                    existing_name,
                } => outcome.set(Some(Outcome::AskReplace {
                    profile,
                    existing_name,
                })),
                ImportCheck::ClashesWithBuiltin { id, builtin_name } => {
                    outcome.set(Some(Outcome::BuiltinClash { id, builtin_name }))
                }
                ImportCheck::Invalid(errors) => outcome.set(Some(Outcome::Invalid(errors))),
            }
        }
        platform::document::focus_after_render("import-outcome");
    };
    let on_file = move |ev: leptos::ev::Event| {
        if let Some(file) = platform::files::picked_file(&ev) {
            leptos::task::spawn_local(async move {
                match platform::files::read_text(file).await {
                    Ok(text) => check(text),
                    Err(_) => outcome.set(Some(Outcome::FileUnreadable)),
                }
            });
        }
    };

    let shown = move || {
        let t_now = t.get();
        let lang = prefs.settings.read().lang;
        outcome.get().map(|o| match o {
            Outcome::Empty => view! { <div class="alert alert--warning" id="import-outcome" tabindex="-1"><p>{t_now.import_empty}</p></div> }.into_any(),
            Outcome::FileUnreadable => view! { <div class="alert alert--error" id="import-outcome" tabindex="-1"><p>{t_now.import_file_unreadable}</p></div> }.into_any(),
            Outcome::SaveFailed => view! { <div class="alert alert--error" id="import-outcome" tabindex="-1"><p>{t_now.import_save_failed}</p></div> }.into_any(),
            Outcome::Invalid(errors) => {
                let rows = errors
                    .iter()
                    .map(|e| view! { <tr><td><code>{e.path.clone()}</code></td><td>{e.reason(lang)}</td></tr> })
                    .collect_view();
                view! {
                    <div class="alert alert--error" id="import-outcome" tabindex="-1" role="alert">
                        <p>{t_now.import_errors_title}</p>
                        <table class="errors">
                            <thead><tr><th scope="col">{t_now.import_error_path}</th><th scope="col">{t_now.import_error_reason}</th></tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
                .into_any()
            }
            Outcome::BuiltinClash { id, builtin_name } => view! {
                <div class="alert alert--error" id="import-outcome" tabindex="-1" role="alert">
                    <p>{t_now.import_builtin_clash} " " <code>{id}</code> " (" {builtin_name} ")"</p>
                </div>
            }
            .into_any(),
            Outcome::AskReplace { profile, existing_name } => {
                let replace = move |_| save((*profile).clone());
                view! {
                    <div class="alert alert--warning" id="import-outcome" tabindex="-1" role="alert">
                        <p>{t_now.import_replace_question} " (" {existing_name} ")"</p>
                        <div class="button-row">
                            <button type="button" class="btn btn--primary" on:click=replace>{t_now.import_replace}</button>
                            <button type="button" class="btn btn--secondary" on:click=move |_| outcome.set(None)>{t_now.import_cancel}</button>
                        </div>
                    </div>
                }
                .into_any()
            }
            Outcome::Done { id, name } => {
                let use_it = move |_| prefs.settings.update(|s| s.municipality = Some(id.clone()));
                view! {
                    <div class="alert alert--success" id="import-outcome" tabindex="-1" role="status">
                        <p>{t_now.import_done} " " <strong>{name}</strong></p>
                        <button type="button" class="btn btn--primary" on:click=use_it>{t_now.import_use_it}</button>
                    </div>
                }
                .into_any()
            }
        })
    };

    view! {
        <section class="card" aria-labelledby="import-title">
            <h2 id="import-title">{move || t.get().import_title}</h2>
            <p>{move || t.get().import_intro}</p>
            <div class="field">
                <label for="import-file">{move || t.get().import_file_label}</label>
                <input id="import-file" type="file" accept=".json,application/json" on:change=on_file />
            </div>
            <div class="field">
                <label for="import-paste">{move || t.get().import_paste_label}</label>
                <textarea id="import-paste" rows="6" spellcheck="false"
                    prop:value=move || paste.get()
                    on:input=move |ev| paste.set(event_target_value(&ev))></textarea>
            </div>
            <button type="button" class="btn btn--primary" on:click=move |_| check(paste.get())>
                {move || t.get().import_check}
            </button>
            {shown}
        </section>
    }
}

#[component]
fn Imported() -> impl IntoView {
    let prefs = use_prefs();
    let t = prefs.texts;
    let list = move || {
        let t_now = t.get();
        let imported: Vec<(String, String)> = prefs.library.with(|lib| {
            lib.imported_choices()
                .map(|(id, name)| (id.to_string(), name.to_string()))
                .collect()
        });
        if imported.is_empty() {
            return Either::Left(view! { <p class="hint">{t_now.no_imported_profiles}</p> });
        }
        Either::Right(view! {
            <ul class="imported">
                {imported
                    .into_iter()
                    .map(|(id, name)| {
                        let delete = move |_| {
                            let _ = prefs.library.try_update(|lib| lib.remove(&LocalStorage, &id));
                        };
                        view! {
                            <li>
                                <span>{name.clone()}</span>
                                <button type="button" class="btn btn--tertiary" on:click=delete
                                    aria-label=format!("{} {}", t_now.delete_profile, name)>
                                    {t_now.delete_profile}
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        })
    };
    view! {
        <section class="card">
            <h2>{move || t.get().imported_profiles}</h2>
            {list}
        </section>
    }
}
