//! "Lav en profil": a municipality builds its own profile in forms, beside a live picture of its
//! staircase. The operations are `domain::profile::edit`; the checks are the importer's own
//! (`edit::problems`); the draft is kept on the device after every change
//! (`domain::profile::draft`), and undo/redo is `domain::undo::History`. This module draws the
//! forms and sends what the user does.

use crate::domain::cpr;
use crate::domain::i18n::editor::{editor_texts, EditorTexts};
use crate::domain::i18n::Lang;
use crate::domain::pages::Page;
use crate::domain::profile::draft::{self, ProfileDraft};
use crate::domain::profile::edit::{self, Edit, List, New, TextField, TextList};
use crate::domain::profile::{Function, Profile, ProfileError};
use crate::domain::topics;
use crate::domain::undo::History;
use crate::platform::{self, local_storage::LocalStorage, vault};
use crate::ui::staircase::StaircasePreview;
use crate::ui::state::{use_page_title, use_prefs};
use leptos::prelude::*;

/// Undo steps kept while editing.
const UNDO_STEPS: usize = 100;

/// The draft being edited, its history, and where the last typing went (typing in one field is
/// one undo step, not one per key).
#[derive(Clone, Copy)]
struct Editor {
    profile: RwSignal<Option<Profile>>,
    based_on: StoredValue<Option<String>>,
    history: StoredValue<History<Profile>>,
    last_field: StoredValue<String>,
    /// Bumped after undo/redo, so the forms show the restored values.
    version: RwSignal<u32>,
    lang: Memo<Lang>,
    message: RwSignal<Option<String>>,
}

impl Editor {
    /// The editor's texts in the language now (the page is drawn again when it changes).
    fn texts(self) -> &'static EditorTexts {
        editor_texts(self.lang.get_untracked())
    }

    /// Changes the draft: one undo step unless the same field is being typed in, then keeps it.
    fn change(self, field: &str, f: impl FnOnce(&mut Profile)) {
        let Some(before) = self.profile.get_untracked() else {
            return;
        };
        let same_field = !field.is_empty() && self.last_field.with_value(|l| l == field);
        if !same_field {
            self.history.update_value(|h| h.record(before));
        }
        self.last_field.set_value(field.to_string());
        self.profile.update(|p| {
            if let Some(p) = p {
                f(p)
            }
        });
        self.keep();
    }

    /// A structural edit; a refusal is shown, nothing changes.
    fn apply(self, e: Edit) {
        let Some(mut next) = self.profile.get_untracked() else {
            return;
        };
        match edit::apply(&mut next, e) {
            Ok(()) => {
                self.change("", |p| *p = next);
                self.version.update(|v| *v += 1);
            }
            Err(refused) => self
                .message
                .set(Some(refused.reason(self.lang.get_untracked()))),
        }
    }

    fn undo(self) {
        let Some(current) = self.profile.get_untracked() else {
            return;
        };
        if let Some(before) = self.history.try_update_value(|h| h.undo(current)).flatten() {
            self.restore(before);
        }
    }

    fn redo(self) {
        let Some(current) = self.profile.get_untracked() else {
            return;
        };
        if let Some(after) = self.history.try_update_value(|h| h.redo(current)).flatten() {
            self.restore(after);
        }
    }

    fn restore(self, p: Profile) {
        self.last_field.set_value(String::new());
        self.profile.set(Some(p));
        self.version.update(|v| *v += 1);
        self.keep();
    }

    /// Keeps the draft on the device (a full store is said; the draft stays in memory).
    fn keep(self) {
        let Some(profile) = self.profile.get_untracked() else {
            return;
        };
        let kept = ProfileDraft {
            based_on: self.based_on.get_value(),
            profile,
            saved_ms: platform::now_ms(),
        };
        // Through the lock: with a PIN set, the draft is sealed like the concerns.
        let message = self.message;
        let t = self.texts();
        vault::write(
            move |store| draft::keep(store, &kept),
            move |kept, stored| {
                if kept.and(stored).is_err() {
                    message.set(Some(t.save_failed.to_string()));
                }
            },
        );
    }
}

#[component]
pub fn ProfileEditorPage() -> impl IntoView {
    let prefs = use_prefs();
    let t = prefs.texts;
    use_page_title(Page::ProfileEditor);
    let lang = Memo::new(move |_| prefs.settings.read().lang);
    let found = RwSignal::new(vault::read(|store| draft::load(store, platform::now_ms())));
    let ed = Editor {
        profile: RwSignal::new(None),
        based_on: StoredValue::new(None),
        history: StoredValue::new(History::new(UNDO_STEPS)),
        last_field: StoredValue::new(String::new()),
        version: RwSignal::new(0),
        lang,
        message: RwSignal::new(None),
    };
    let editing = Memo::new(move |_| ed.profile.with(Option::is_some));
    let body = move || {
        lang.track();
        if editing.get() {
            view! { <Editing ed /> }.into_any()
        } else {
            view! { <Start ed found /> }.into_any()
        }
    };
    view! {
        <section class="page page--editor">
            <h1>{move || t.get().page_profile_editor}</h1>
            <p class="lead">{move || editor_texts(lang.get()).intro}</p>
            {move || ed.message.get().map(|m| view! { <p class="alert alert--info" role="status">{m}</p> })}
            {body}
        </section>
    }
}

/// Where editing begins: the draft kept on the device, an empty profile, or a copy.
#[component]
fn Start(ed: Editor, found: RwSignal<Option<ProfileDraft>>) -> impl IntoView {
    let prefs = use_prefs();
    let name = RwSignal::new(String::new());
    let taken = move || -> Vec<String> {
        prefs
            .library
            .with(|l| l.choices().iter().map(|(id, _)| id.to_string()).collect())
    };
    let begin = move |profile: Profile, based_on: Option<String>| {
        ed.based_on.set_value(based_on);
        ed.profile.set(Some(profile));
        ed.keep();
        platform::document::focus_after_render("f-name");
    };
    let start_blank = move |_| {
        let n = name.get_untracked();
        let n = if n.trim().is_empty() {
            "Ny kommune".to_string()
        } else {
            n
        };
        let taken = taken();
        let ids: Vec<&str> = taken.iter().map(String::as_str).collect();
        begin(edit::blank(&edit::new_id(&ids, &n), &n), None);
    };
    let start_copy = move |_| {
        let Some(from) = prefs.profile.get_untracked() else {
            return;
        };
        let n = name.get_untracked();
        let n = if n.trim().is_empty() {
            from.name.clone()
        } else {
            n
        };
        let taken = taken();
        let ids: Vec<&str> = taken.iter().map(String::as_str).collect();
        begin(
            edit::copy_of(&from, &edit::new_id(&ids, &n), &n),
            Some(from.id.clone()),
        );
    };
    move || {
        let t = ed.texts();
        let kept = found.get().map(|d| {
            let continue_it = {
                let d = d.clone();
                move |_| {
                    ed.based_on.set_value(d.based_on.clone());
                    ed.profile.set(Some(d.profile.clone()));
                }
            };
            let discard = move |_| {
                vault::write(|store| draft::forget(store), move |_, _| found.set(None));
            };
            view! {
                <div class="card">
                    <p>{t.draft_found} " " <strong>{d.profile.name.clone()}</strong></p>
                    <div class="button-row">
                        <button type="button" class="btn btn--primary" on:click=continue_it>{t.draft_continue}</button>
                        <button type="button" class="btn btn--tertiary" on:click=discard>{t.draft_discard}</button>
                    </div>
                    <p class="hint">{t.discard_confirm}</p>
                </div>
            }
        });
        let has_profile = prefs.profile.with(Option::is_some);
        view! {
            {kept}
            <div class="card">
                <div class="field">
                    <label for="new-name">{t.new_name_label}</label>
                    <input id="new-name" class="input" type="text" maxlength="80" aria-describedby="new-name-help"
                        prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                    <p class="hint" id="new-name-help">{t.new_name_help}</p>
                </div>
                <div class="button-row">
                    <button type="button" class="btn btn--primary" on:click=start_blank>{t.start_blank}</button>
                    {has_profile.then(|| view! {
                        <button type="button" class="btn btn--secondary" on:click=start_copy>{t.start_copy}</button>
                    })}
                </div>
            </div>
        }
    }
}

/// The forms beside the live picture, the problems, and the tools.
#[component]
fn Editing(ed: Editor) -> impl IntoView {
    let prefs = use_prefs();
    let problems = Memo::new(move |_| {
        ed.profile
            .with(|p| p.as_ref().map(edit::problems).unwrap_or_default())
    });
    let save = move |_| {
        let Some(profile) = ed.profile.get_untracked() else {
            return;
        };
        let t = ed.texts();
        if !problems.with_untracked(Vec::is_empty) {
            platform::document::focus_after_render("problems");
            return;
        }
        let saved = prefs
            .library
            .try_update(|lib| lib.save(&LocalStorage, profile, platform::now_ms()));
        match saved {
            Some(Ok(())) => {
                vault::write(|store| draft::forget(store), |_, _| {});
                ed.message.set(Some(t.saved.to_string()));
            }
            _ => ed.message.set(Some(t.save_failed.to_string())),
        }
    };
    let export = move |_| {
        let Some(profile) = ed.profile.get_untracked() else {
            return;
        };
        if let Ok(json) = profile.to_json() {
            let _ = platform::files::download_text(
                &format!("{}.json", profile.id),
                "application/json",
                &json,
            );
        }
    };
    let preview = Signal::derive(move || ed.profile.get());
    let empty = Memo::new(move |_| {
        preview.with(|p| p.as_ref().is_none_or(|p| p.staircase.levels.is_empty()))
    });
    view! {
        <div class="editor">
            <div class="editor__forms">
                <div class="button-row editor__tools" role="toolbar" aria-label=move || ed.texts().save>
                    <button type="button" class="btn btn--tertiary" on:click=move |_| ed.undo()
                        disabled=move || { ed.version.track(); ed.profile.track(); !ed.history.with_value(History::can_undo) }>
                        {move || ed.texts().undo}</button>
                    <button type="button" class="btn btn--tertiary" on:click=move |_| ed.redo()
                        disabled=move || { ed.version.track(); ed.profile.track(); !ed.history.with_value(History::can_redo) }>
                        {move || ed.texts().redo}</button>
                    <button type="button" class="btn btn--primary" on:click=save>{move || ed.texts().save}</button>
                    <button type="button" class="btn btn--secondary" on:click=export>{move || ed.texts().export}</button>
                </div>
                <p class="hint">{move || ed.texts().kept_note}</p>
                <Problems ed problems />
                <Municipality ed />
                <Roles ed />
                <Door ed />
                <Levels ed />
                <Interventions ed />
                <Statements ed />
            </div>
            <aside class="editor__preview" aria-labelledby="preview-title">
                <h2 id="preview-title">{move || ed.texts().preview_title}</h2>
                {move || {
                    if empty.get() {
                        view! { <p class="hint">{ed.texts().preview_empty}</p> }.into_any()
                    } else {
                        view! { <StaircasePreview profile=preview /> }.into_any()
                    }
                }}
            </aside>
        </div>
    }
}

/// The field a problem's path points at (`$.roles[1].name` → `f-roles-1-name`), and the
/// section to fall back on.
fn field_id(path: &str) -> String {
    let mut id = String::from("f");
    for c in path.trim_start_matches('$').chars() {
        match c {
            '.' | '[' => id.push('-'),
            ']' => {}
            c => id.push(c),
        }
    }
    id
}

/// Where a problem is, in the words of the form ("Rolle 2: Hvad rollen gør"); the path itself
/// for a place the form does not show yet.
fn place_of(path: &str, t: &EditorTexts) -> String {
    let field = |name: &str| -> Option<&'static str> {
        Some(match name {
            "name" => t.role_name,
            "description" => t.role_description,
            "functions" => t.role_functions,
            "title" => t.level_title,
            "goal" => t.level_goal,
            "levels" => t.intervention_levels,
            "topics" => t.intervention_topics,
            _ => return None,
        })
    };
    let item = |rest: &str, what: &str, name_field: &'static str| -> Option<String> {
        let (index, field_name) = rest.split_once("].")?;
        let n: usize = index.parse().ok()?;
        let label = if field_name == "name" {
            name_field
        } else {
            field(field_name)?
        };
        Some(format!("{what} {}: {label}", n + 1))
    };
    let known = match path {
        "$.name" => Some(t.name_label.to_string()),
        "$.sparring_door.role" => Some(t.door_role.to_string()),
        "$.sparring_door.text" => Some(t.door_text.to_string()),
        _ => None,
    };
    known
        .or_else(|| item(path.strip_prefix("$.roles[")?, t.item_role, t.role_name))
        .or_else(|| {
            item(
                path.strip_prefix("$.staircase.levels[")?,
                t.item_level,
                t.level_title,
            )
        })
        .or_else(|| {
            let rest = path.strip_prefix("$.staircase.interventions[")?;
            item(rest, t.item_intervention, t.intervention_name)
        })
        .or_else(|| {
            TextList::ALL
                .iter()
                .zip(t.text_lists)
                .find_map(|(list, name)| {
                    let rest = path.strip_prefix(&format!("$.{}[", list.key()))?;
                    let (index, _) = rest.split_once(']')?;
                    let n: usize = index.parse().ok()?;
                    Some(format!("{name} {}: {}", n + 1, t.item_text))
                })
        })
        .unwrap_or_else(|| path.to_string())
}

#[component]
fn Problems(ed: Editor, problems: Memo<Vec<ProfileError>>) -> impl IntoView {
    move || {
        let t = ed.texts();
        let lang = ed.lang.get();
        problems.with(|list| {
            if list.is_empty() {
                return view! { <p id="problems" class="alert alert--success" role="status" tabindex="-1">{t.problems_none}</p> }.into_any();
            }
            let items = list
                .iter()
                .map(|p| {
                    let target = field_id(&p.path);
                    let href = format!("#{target}");
                    view! {
                        <li><a href=href on:click=move |ev| {
                            ev.prevent_default();
                            platform::document::focus_after_render(target.clone());
                        }>{place_of(&p.path, t)} ": " {p.reason(lang)}</a></li>
                    }
                })
                .collect_view();
            view! {
                <div id="problems" class="alert alert--warning" role="status" tabindex="-1">
                    <p><strong>{t.problems_title}</strong></p>
                    <ul>{items}</ul>
                </div>
            }
            .into_any()
        })
    }
}

/// A text input bound to one field of the draft (one copy of this code for every field).
fn text_field(ed: Editor, field: TextField, label: &'static str, long: bool) -> impl IntoView {
    let id = field_id(&field.path());
    let value = move || {
        ed.version.track();
        ed.profile
            .with_untracked(|p| p.as_ref().and_then(|p| field.get(p)).map(str::to_string))
            .unwrap_or_default()
    };
    let warn = RwSignal::new(false);
    let key = id.clone();
    let on_input = move |ev| {
        let v = event_target_value(&ev);
        warn.set(!cpr::find(&v).is_empty());
        ed.change(&key, |p| {
            let _ = field.set(p, v);
        });
    };
    let input = if long {
        view! { <textarea id=id.clone() class="input" rows="2" prop:value=value on:input=on_input></textarea> }.into_any()
    } else {
        view! { <input id=id.clone() class="input" type="text" prop:value=value on:input=on_input /> }.into_any()
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {input}
            {move || warn.get().then(|| view! { <p class="field-error" role="alert">{ed.texts().cpr_warning}</p> })}
        </div>
    }
}

#[component]
fn Municipality(ed: Editor) -> impl IntoView {
    let t = ed.texts();
    view! {
        <fieldset class="card" id="s-municipality">
            <legend>{t.section_municipality}</legend>
            {text_field(ed, TextField::Name, t.name_label, false)}
            <p class="hint">{t.id_label} ": " <code>{move || ed.profile.with(|p| p.as_ref().map(|p| p.id.clone()))}</code> " – " {t.id_help}</p>
        </fieldset>
    }
}

/// Move up, move down and remove for the item at `index` of `list`.
fn item_tools(
    ed: Editor,
    list: List,
    index: usize,
    on_remove: Box<dyn Fn() + Send + Sync>,
) -> impl IntoView {
    let t = ed.texts();
    let len = move || {
        ed.profile.with(|p| {
            p.as_ref().map_or(0, |p| match list {
                List::Roles => p.roles.len(),
                List::Levels => p.staircase.levels.len(),
                List::Interventions => p.staircase.interventions.len(),
                List::Texts(list) => list.items(p).len(),
                _ => 0,
            })
        })
    };
    view! {
        <div class="button-row">
            <button type="button" class="btn btn--tertiary" disabled=move || index == 0
                on:click=move |_| ed.apply(Edit::Move { list, from: index, to: index.saturating_sub(1) })>{t.move_up}</button>
            <button type="button" class="btn btn--tertiary" disabled=move || { index + 1 >= len() }
                on:click=move |_| ed.apply(Edit::Move { list, from: index, to: index + 1 })>{t.move_down}</button>
            <button type="button" class="btn btn--tertiary" on:click=move |_| on_remove()>{t.remove}</button>
        </div>
    }
}

/// A name field and an "add" button at the end of a list.
fn add_row(
    ed: Editor,
    id: impl Into<String>,
    label: &'static str,
    make: Box<dyn Fn(String) -> New + Send + Sync>,
) -> impl IntoView {
    let id: String = id.into();
    let name = RwSignal::new(String::new());
    let focus_id = id.clone();
    let add = move |_| {
        let n = name.get_untracked();
        if n.trim().is_empty() {
            platform::document::focus_after_render(focus_id.clone());
            return;
        }
        ed.apply(Edit::Add(make(n)));
        name.set(String::new());
    };
    view! {
        <div class="field inline-field">
            <label for=id.clone()>{ed.texts().new_item_name}</label>
            <input id=id class="input" type="text" prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev)) />
            <button type="button" class="btn btn--secondary" on:click=add>{label}</button>
        </div>
    }
}

/// The item at `index` of a list, keyed by place and id: a row is drawn again only when its
/// item is replaced, not while its fields are typed in.
fn keys(
    ed: Editor,
    ids: impl Fn(&Profile) -> Vec<String> + Send + Sync + 'static,
) -> impl Fn() -> Vec<(usize, String, u32)> + Send + Sync + 'static {
    move || {
        let v = ed.version.get();
        ed.profile.with(|p| {
            p.as_ref()
                .map(|p| {
                    ids(p)
                        .into_iter()
                        .enumerate()
                        .map(|(i, id)| (i, id, v))
                        .collect()
                })
                .unwrap_or_default()
        })
    }
}

#[component]
fn Roles(ed: Editor) -> impl IntoView {
    let t = ed.texts();
    let confirm = RwSignal::new(None::<(usize, Vec<String>)>);
    let row = move |(i, _id, _): (usize, String, u32)| {
        let remove = move || {
            let places = ed.profile.with_untracked(|p| {
                p.as_ref()
                    .and_then(|p| {
                        let role = p.roles.get(i)?;
                        let lang = ed.lang.get_untracked();
                        Some(
                            edit::places_naming_role(p, &role.id)
                                .iter()
                                .map(|pl| pl.describe(p, lang))
                                .collect::<Vec<_>>(),
                        )
                    })
                    .unwrap_or_default()
            });
            if places.is_empty() {
                ed.apply(Edit::Remove {
                    list: List::Roles,
                    index: i,
                });
            } else {
                confirm.set(Some((i, places)));
            }
        };
        let functions = Function::ALL
            .iter()
            .zip(t.functions)
            .map(|(&f, label)| {
                let checked = move || {
                    ed.version.track();
                    ed.profile.with(|p| p.as_ref().and_then(|p| p.roles.get(i)).is_some_and(|r| r.functions.contains(&f)))
                };
                let toggle = move |_| {
                    let Some(mut functions) = ed.profile.with_untracked(|p| p.as_ref().and_then(|p| p.roles.get(i)).map(|r| r.functions.clone())) else {
                        return;
                    };
                    if functions.contains(&f) {
                        functions.retain(|x| *x != f);
                    } else {
                        functions.push(f);
                    }
                    ed.apply(Edit::SetRoleFunctions { role: i, functions });
                };
                view! {
                    <label class="check"><input type="checkbox" prop:checked=checked on:change=toggle /><span>{label}</span></label>
                }
            })
            .collect_view();
        view! {
            <li class="card editor__item">
                {text_field(ed, TextField::RoleName(i), t.role_name, false)}
                {text_field(ed, TextField::RoleDescription(i), t.role_description, true)}
                <fieldset class="checks" id=format!("f-roles-{i}-functions")>
                    <legend>{t.role_functions}</legend>
                    {functions}
                </fieldset>
                {item_tools(ed, List::Roles, i, Box::new(remove))}
            </li>
        }
    };
    view! {
        <fieldset class="card" id="s-roles">
            <legend>{t.section_roles}</legend>
            <p class="hint">{t.roles_help}</p>
            {move || confirm.get().map(|(i, places)| view! {
                <div class="alert alert--warning" role="alert">
                    <p>{t.still_named}</p>
                    <ul>{places.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
                    <div class="button-row">
                        <button type="button" class="btn btn--secondary" on:click=move |_| {
                            confirm.set(None);
                            ed.apply(Edit::Remove { list: List::Roles, index: i });
                        }>{t.remove_anyway}</button>
                        <button type="button" class="btn btn--tertiary" on:click=move |_| confirm.set(None)>{t.keep_it}</button>
                    </div>
                </div>
            })}
            <ol class="editor__list">
                <For each=keys(ed, |p| p.roles.iter().map(|r| r.id.clone()).collect()) key=|k| k.clone() children=row />
            </ol>
            {add_row(ed, "new-role", t.add_role, Box::new(|name| New::Role { name }))}
        </fieldset>
    }
}

#[component]
fn Door(ed: Editor) -> impl IntoView {
    let t = ed.texts();
    let options = move || {
        ed.version.track();
        let chosen = ed.profile.with(|p| {
            p.as_ref()
                .map(|p| p.sparring_door.role.clone())
                .unwrap_or_default()
        });
        let roles = ed.profile.with(|p| {
            p.as_ref()
                .map(|p| {
                    p.roles
                        .iter()
                        .map(|r| (r.id.clone(), r.name.clone()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        });
        let none = chosen.is_empty();
        view! {
            <option value="" selected=none>{t.door_none}</option>
            {roles.into_iter().map(|(id, name)| {
                let selected = id == chosen;
                view! { <option value=id selected=selected>{name}</option> }
            }).collect_view()}
        }
    };
    view! {
        <fieldset class="card" id="s-sparring_door">
            <legend>{t.section_door}</legend>
            <p class="hint">{t.door_help}</p>
            <div class="field">
                <label for="f-sparring_door-role">{t.door_role}</label>
                <select id="f-sparring_door-role" class="input"
                    on:change=move |ev| ed.apply(Edit::SetSparringDoor { role: event_target_value(&ev) })>
                    {options}
                </select>
            </div>
            {text_field(ed, TextField::DoorText, t.door_text, true)}
        </fieldset>
    }
}

#[component]
fn Levels(ed: Editor) -> impl IntoView {
    let t = ed.texts();
    let row = move |(i, _id, _): (usize, String, u32)| {
        let number = move || {
            ed.profile.with(|p| {
                p.as_ref()
                    .and_then(|p| p.staircase.levels.get(i))
                    .map(|l| l.number)
                    .unwrap_or_default()
            })
        };
        view! {
            <li class="card editor__item">
                <p class="editor__number">{move || ed.texts().intervention_levels} " " {number}</p>
                {text_field(ed, TextField::LevelTitle(i), t.level_title, false)}
                {text_field(ed, TextField::LevelGoal(i), t.level_goal, true)}
                {item_tools(ed, List::Levels, i, Box::new(move || ed.apply(Edit::Remove { list: List::Levels, index: i })))}
            </li>
        }
    };
    view! {
        <fieldset class="card" id="s-staircase">
            <legend>{t.section_levels}</legend>
            <p class="hint">{t.levels_help}</p>
            <ol class="editor__list">
                <For each=keys(ed, |p| p.staircase.levels.iter().map(|l| l.id.clone()).collect()) key=|k| k.clone() children=row />
            </ol>
            {add_row(ed, "new-level", t.add_level, Box::new(|title| New::Level { title }))}
        </fieldset>
    }
}

#[component]
fn Interventions(ed: Editor) -> impl IntoView {
    let t = ed.texts();
    let row = move |(i, _id, _): (usize, String, u32)| {
        let lang = ed.lang.get_untracked();
        // Levels and topics as checkboxes: a reference can only name one that exists.
        let levels = ed.profile.with_untracked(|p| {
            p.as_ref()
                .map(|p| {
                    p.staircase
                        .levels
                        .iter()
                        .map(|l| (l.id.clone(), format!("{} {}", l.number, l.title)))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        });
        let has = move |pick: fn(&crate::domain::profile::Intervention) -> &Vec<String>,
                        id: String| {
            move || {
                ed.version.track();
                ed.profile.with(|p| {
                    p.as_ref()
                        .and_then(|p| p.staircase.interventions.get(i))
                        .is_some_and(|x| pick(x).contains(&id))
                })
            }
        };
        let toggle = move |is_level: bool, id: String| {
            move |_| {
                let Some(mut ids) = ed.profile.with_untracked(|p| {
                    let x = p.as_ref()?.staircase.interventions.get(i)?;
                    Some(if is_level {
                        x.levels.clone()
                    } else {
                        x.topics.clone()
                    })
                }) else {
                    return;
                };
                if ids.contains(&id) {
                    ids.retain(|x| *x != id);
                } else {
                    ids.push(id.clone());
                }
                if is_level {
                    ed.apply(Edit::SetLevels {
                        intervention: i,
                        levels: ids,
                    });
                } else {
                    ed.apply(Edit::SetTopics {
                        intervention: i,
                        topics: ids,
                    });
                }
            }
        };
        let level_boxes = levels
            .into_iter()
            .map(|(id, label)| {
                view! { <label class="check"><input type="checkbox" prop:checked=has(|x| &x.levels, id.clone()) on:change=toggle(true, id) /><span>{label}</span></label> }
            })
            .collect_view();
        let topic_boxes = topics::all()
            .iter()
            .map(|topic| {
                let id = topic.id.clone();
                view! { <label class="check"><input type="checkbox" prop:checked=has(|x| &x.topics, id.clone()) on:change=toggle(false, id) /><span>{topic.label(lang).to_string()}</span></label> }
            })
            .collect_view();
        let plan = move || {
            ed.version.track();
            ed.profile.with(|p| {
                p.as_ref()
                    .and_then(|p| p.staircase.interventions.get(i))
                    .is_some_and(|x| x.action_plan)
            })
        };
        view! {
            <li class="card editor__item">
                {text_field(ed, TextField::InterventionName(i), t.intervention_name, false)}
                <fieldset class="checks" id=format!("f-staircase-interventions-{i}-levels")>
                    <legend>{t.intervention_levels}</legend>
                    {level_boxes}
                </fieldset>
                <details class="checks">
                    <summary>{t.intervention_topics}</summary>
                    {topic_boxes}
                </details>
                <label class="check"><input type="checkbox" prop:checked=plan
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        ed.change("", |p| if let Some(x) = p.staircase.interventions.get_mut(i) { x.action_plan = on });
                    } /><span>{t.intervention_action_plan}</span></label>
                {item_tools(ed, List::Interventions, i, Box::new(move || ed.apply(Edit::Remove { list: List::Interventions, index: i })))}
            </li>
        }
    };
    // The level checkboxes follow the levels: the rows are drawn again when a level is added.
    let each = keys(ed, |p| {
        let levels = p.staircase.levels.len();
        p.staircase
            .interventions
            .iter()
            .map(|x| format!("{}#{levels}", x.id))
            .collect()
    });
    view! {
        <fieldset class="card" id="s-interventions">
            <legend>{t.section_interventions}</legend>
            <p class="hint">{t.interventions_help}</p>
            <ol class="editor__list">
                <For each=each key=|k| k.clone() children=row />
            </ol>
            {add_row(ed, "new-intervention", t.add_intervention, Box::new(|name| New::Intervention { name, levels: Vec::new() }))}
        </fieldset>
    }
}

/// The five lists of statements in the municipality's own words (how SSP is set up, policies,
/// goals, values, success criteria).
#[component]
fn Statements(ed: Editor) -> impl IntoView {
    let t = ed.texts();
    let lists = TextList::ALL
        .iter()
        .zip(t.text_lists)
        .map(|(&list, title)| {
            let row = move |(i, _key, _): (usize, String, u32)| {
                view! {
                    <li class="editor__statement">
                        {text_field(ed, TextField::Text(list, i), t.item_text, true)}
                        {item_tools(ed, List::Texts(list), i, Box::new(move || ed.apply(Edit::Remove { list: List::Texts(list), index: i })))}
                    </li>
                }
            };
            let each = keys(ed, move |p| (0..list.items(p).len()).map(|i| i.to_string()).collect());
            let add_id = format!("new-{}", list.key());
            view! {
                <h3 id=format!("s-{}", list.key())>{title}</h3>
                <ol class="editor__list">
                    <For each=each key=|k| k.clone() children=row />
                </ol>
                {add_row(ed, add_id, t.add_text, Box::new(move |text| New::Text { list, text }))}
            }
        })
        .collect_view();
    view! {
        <fieldset class="card" id="s-texts">
            <legend>{t.section_texts}</legend>
            <p class="hint">{t.texts_help}</p>
            {lists}
        </fieldset>
    }
}
