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
use crate::domain::profile::edit::{self, Edit, Item, List, New, TextField, TextList};
use crate::domain::profile::library::is_builtin;
use crate::domain::profile::{
    BodyKind, Cadence, Function, Intervention, Profile, ProfileError, Weekday,
};
use crate::domain::undo::History;
use crate::domain::{guide, topics, training};
use crate::platform::{self, local_storage::LocalStorage, vault};
use crate::ui::organisation::{kind_label, OrganisationPreview};
use crate::ui::staircase::StaircasePreview;
use crate::ui::state::{use_page_title, use_prefs};
use leptos::prelude::*;
use std::sync::Arc;

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

    /// Reads what only a structural edit, undo or redo changes (lists, choices, checkboxes):
    /// follows `version`, not every keystroke, so typing in a field re-runs none of it.
    fn read<T>(self, f: impl FnOnce(&Profile) -> T) -> Option<T> {
        self.version.track();
        self.profile.with_untracked(|p| p.as_ref().map(f))
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
        let Some(from) = prefs.profile_untracked() else {
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
    // An imported profile is edited as it is, under its own id (a built-in never is).
    let start_edit = move |_| {
        if let Some(p) = prefs.profile_untracked() {
            let id = p.id.clone();
            begin(Profile::clone(&p), Some(id));
        }
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
        let has_profile = prefs.chosen.with(Option::is_some);
        let imported = prefs
            .chosen
            .with(|p| p.as_ref().is_some_and(|p| !is_builtin(&p.id)));
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
                    {imported.then(|| view! {
                        <button type="button" class="btn btn--secondary" on:click=start_edit>{t.start_edit}</button>
                    })}
                </div>
                {imported.then(|| view! { <p class="hint">{t.start_edit_help}</p> })}
            </div>
        }
    }
}

/// The forms beside the live pictures, the problems, and the tools.
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
    // Leaving asks while the draft differs from the profile saved under its id.
    let unsaved = move || {
        ed.profile.with_untracked(|p| {
            p.as_ref().is_some_and(|p| {
                prefs
                    .library
                    .with_untracked(|l| l.find(&p.id).as_deref() != Some(p))
            })
        })
    };
    StoredValue::new_local(platform::leaving::guard(unsaved, move || {
        ed.texts().leave_confirm.to_string()
    }));
    let preview = Signal::derive(move || ed.profile.get());
    let no_levels = Memo::new(move |_| {
        preview.with(|p| p.as_ref().is_none_or(|p| p.staircase.levels.is_empty()))
    });
    // The suggestions for members: redrawn when a role's name changes, not at every keystroke.
    let role_names = Memo::new(move |_| {
        ed.profile.with(|p| {
            p.as_ref()
                .map(|p| p.roles.iter().map(|r| r.name.clone()).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    });
    let no_bodies =
        Memo::new(move |_| preview.with(|p| p.as_ref().is_none_or(|p| p.bodies.is_empty())));
    view! {
        <datalist id="role-names">
            {move || role_names.get().into_iter().map(|name| view! { <option value=name></option> }).collect_view()}
        </datalist>
        <div class="editor">
            <div class="editor__forms">
                <div class="button-row editor__tools" role="toolbar" aria-label=move || ed.texts().tools_label>
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
                <TargetAge ed />
                <Roles ed />
                <Door ed />
                <Bodies ed />
                <Levels ed />
                <Interventions ed />
                <Methods ed />
                <Partners ed />
                <Links ed />
                <Statements ed />
            </div>
            <aside class="editor__preview" aria-label=move || ed.texts().preview_title>
                <h2>{move || ed.texts().preview_title}</h2>
                {move || {
                    if no_levels.get() {
                        view! { <p class="hint">{ed.texts().preview_empty}</p> }.into_any()
                    } else {
                        view! { <StaircasePreview profile=preview /> }.into_any()
                    }
                }}
                <h2>{move || ed.texts().org_preview_title}</h2>
                {move || {
                    if no_bodies.get() {
                        view! { <p class="hint">{ed.texts().org_preview_empty}</p> }.into_any()
                    } else {
                        view! { <OrganisationPreview profile=preview /> }.into_any()
                    }
                }}
                <AsTeacher ed problems />
            </aside>
        </div>
    }
}

/// "Se som lærer": the plan of the guide's outcome for a fictional training case, with this
/// draft's roles in it.
#[component]
fn AsTeacher(ed: Editor, problems: Memo<Vec<ProfileError>>) -> impl IntoView {
    let t = ed.texts();
    let chosen = RwSignal::new(0usize);
    let (Ok(guide), Ok(set)) = (guide::load(), training::load()) else {
        return None;
    };
    let lang = ed.lang.get_untracked();
    let options = set
        .cases
        .iter()
        .enumerate()
        .map(|(i, case)| view! { <option value=i.to_string()>{case.title.get(lang).to_string()}</option> })
        .collect_view();
    let plan = move || {
        if !problems.with(Vec::is_empty) {
            return view! { <p class="hint">{t.teacher_invalid}</p> }.into_any();
        }
        let Some(case) = set.cases.get(chosen.get()) else {
            return ().into_any();
        };
        ed.profile
            .with(|p| {
                let p = p.as_ref()?;
                let door = p.role(&p.sparring_door.role).map(|r| r.name.clone());
                let lines = training::plan_lines(case, guide, p, lang);
                Some(view! {
                    <p><strong>{t.teacher_door}</strong> " " {door}</p>
                    <ol class="editor__plan">{lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ol>
                })
            })
            .into_any()
    };
    Some(view! {
        <section class="editor__teacher" aria-labelledby="teacher-title">
            <h2 id="teacher-title">{t.teacher_title}</h2>
            <p class="hint">{t.teacher_help}</p>
            <div class="field">
                <label for="teacher-case">{t.teacher_case}</label>
                <select id="teacher-case" class="input"
                    on:change=move |ev| chosen.set(event_target_value(&ev).parse().unwrap_or(0))>
                    {options}
                </select>
            </div>
            {plan}
        </section>
    })
}

/// The field a problem's path points at (`$.roles[1].name` → `f-roles-1-name`).
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

/// Where a problem is, in the words of the form ("Rolle 2: Rollens navn"); the path itself for
/// a place the form does not name.
fn place_of(path: &str, t: &EditorTexts) -> String {
    let known = match path {
        "$.name" => Some(t.name_label),
        "$.sparring_door.role" => Some(t.door_role),
        "$.sparring_door.text" => Some(t.door_text),
        "$.target_age.from" => Some(t.age_from),
        "$.target_age.to" => Some(t.age_to),
        "$.target_age.focus" => Some(t.age_focus),
        "$.links.website" => Some(t.website),
        "$.links.notification_channel.text" => Some(t.channel_text),
        "$.links.notification_channel.url" => Some(t.channel_url),
        _ => None,
    };
    if let Some(label) = known {
        return label.to_string();
    }
    let lists = [
        ("documents", t.item_document),
        ("roles", t.item_role),
        ("bodies", t.item_body),
        ("staircase.levels", t.item_level),
        ("staircase.interventions", t.item_intervention),
        ("methods", t.item_method),
        ("partners", t.item_partner),
    ];
    let texts = TextList::ALL.iter().map(|l| l.key()).zip(t.text_lists);
    let item = lists.into_iter().chain(texts).find_map(|(key, word)| {
        let rest = path.strip_prefix(&format!("$.{key}["))?;
        let (index, field) = rest.split_once(']')?;
        let n: usize = index.parse().ok()?;
        Some((word, n, field.trim_start_matches('.')))
    });
    let Some((word, n, field)) = item else {
        return path.to_string();
    };
    // The field's own label, by its last name in the path ("source.quote" → quote).
    let last = field.rsplit('.').next().unwrap_or(field);
    let last = last.split('[').next().unwrap_or(last);
    let label = match last {
        "name" | "title" => t.name_label,
        "text" => t.item_text,
        "description" => t.role_description,
        "functions" => t.role_functions,
        "goal" => t.level_goal,
        "levels" => t.intervention_levels,
        "topics" => t.intervention_topics,
        "purpose" => t.body_purpose,
        "parent" => t.body_parent,
        "members" | "role" => t.member_role,
        "times" | "cadence" | "weekday" => t.body_cadence,
        "document" => t.source_document,
        "quote" => t.source_quote,
        "section" => t.source_section,
        "url" => t.document_url,
        "date" => t.document_date,
        "phone" => t.role_phone,
        "helps_with" => t.role_helps_with,
        "email" => t.role_email,
        "convener" => t.body_convener,
        "group" => t.partner_group,
        _ => "",
    };
    if label.is_empty() {
        format!("{word} {}", n + 1)
    } else {
        format!("{word} {}: {label}", n + 1)
    }
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

/// How a text field is typed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Input {
    Line,
    /// A line that suggests the draft's role names.
    Role,
    Long,
    Url,
    Tel,
    Email,
}

/// A text input bound to one field of the draft (one copy of this code for every field). Says
/// when the text looks like a CPR number, or is long.
fn text_field(ed: Editor, field: TextField, label: &'static str, input: Input) -> AnyView {
    let id = field_id(&field.path());
    let value = move || {
        ed.version.track();
        ed.profile
            .with_untracked(|p| p.as_ref().and_then(|p| field.get(p)).map(str::to_string))
            .unwrap_or_default()
    };
    let cpr_like = RwSignal::new(false);
    let long = RwSignal::new(false);
    let key = id.clone();
    let on_input = move |ev| {
        let v = event_target_value(&ev);
        cpr_like.set(!cpr::find(&v).is_empty());
        long.set(v.chars().count() > field.long_after());
        ed.change(&key, |p| {
            let _ = field.set(p, v);
        });
    };
    let kind = match input {
        Input::Url => "url",
        Input::Tel => "tel",
        Input::Email => "email",
        Input::Line | Input::Role | Input::Long => "text",
    };
    let control = if input == Input::Long {
        view! { <textarea id=id.clone() class="input" rows="2" prop:value=value on:input=on_input></textarea> }.into_any()
    } else {
        let list = (input == Input::Role).then_some("role-names");
        view! { <input id=id.clone() class="input" type=kind list=list prop:value=value on:input=on_input /> }.into_any()
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {control}
            {move || cpr_like.get().then(|| view! { <p class="field-error" role="alert">{ed.texts().cpr_warning}</p> })}
            {move || long.get().then(|| view! { <p class="hint hint--warn" role="status">{ed.texts().long_warning}</p> })}
        </div>
    }
    .into_any()
}

/// A choice from a list, bound to the draft: `options` gives `(value, label, chosen)`.
fn select_field(
    ed: Editor,
    id: String,
    label: &'static str,
    options: impl Fn(&Profile) -> Vec<(String, String, bool)> + Send + Sync + 'static,
    pick: impl Fn(String) + Send + Sync + 'static,
) -> impl IntoView {
    select_boxed(ed, id, label, Box::new(options), Box::new(pick))
}

/// A choice list's options in the draft: `(value, label, chosen)`.
type Options = dyn Fn(&Profile) -> Vec<(String, String, bool)> + Send + Sync;

/// [`select_field`]'s one copy.
fn select_boxed(
    ed: Editor,
    id: String,
    label: &'static str,
    options: Box<Options>,
    pick: Box<dyn Fn(String) + Send + Sync>,
) -> AnyView {
    // The options follow the names typed elsewhere (a role's, a document's), but are drawn again
    // only when they change, not at every keystroke.
    let current = Memo::new(move |_| {
        ed.version.track();
        ed.profile
            .with(|p| p.as_ref().map(&options).unwrap_or_default())
    });
    let options = move || {
        current
            .get()
            .into_iter()
            .map(|(value, label, chosen)| view! { <option value=value selected=chosen>{label}</option> })
            .collect_view()
    };
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <select id=id class="input" on:change=move |ev| pick(event_target_value(&ev))>{options}</select>
        </div>
    }
    .into_any()
}

/// `list` with `x` added, or without it if it was there.
fn toggled<T: PartialEq>(mut list: Vec<T>, x: T) -> Vec<T> {
    if list.contains(&x) {
        list.retain(|y| *y != x);
    } else {
        list.push(x);
    }
    list
}

/// A checkbox for `value` in a list of the draft: `get` reads the list, `set` makes the edit.
fn check_box<T: PartialEq + Clone + Send + Sync + 'static>(
    ed: Editor,
    label: String,
    value: T,
    get: Getter<T>,
    set: Setter<T>,
) -> AnyView {
    let checked = {
        let (value, get) = (value.clone(), get.clone());
        move || {
            ed.read(|p| get(p))
                .flatten()
                .is_some_and(|l| l.contains(&value))
        }
    };
    let toggle = move |_| {
        if let Some(list) = ed
            .profile
            .with_untracked(|p| p.as_ref().and_then(|p| get(p)))
        {
            ed.apply(set(toggled(list, value.clone())));
        }
    };
    view! { <label class="check"><input type="checkbox" prop:checked=checked on:change=toggle /><span>{label}</span></label> }
    .into_any()
}

/// Reads a list of the draft (for [`check_box`]).
type Getter<T> = Arc<dyn Fn(&Profile) -> Option<Vec<T>> + Send + Sync>;
/// Makes the edit that sets the list.
type Setter<T> = Arc<dyn Fn(Vec<T>) -> Edit + Send + Sync>;

/// The functions of a role or body, as checkboxes.
fn function_checks(
    ed: Editor,
    id: String,
    legend: &'static str,
    get: Getter<Function>,
    set: Setter<Function>,
) -> AnyView {
    let boxes = Function::ALL
        .iter()
        .zip(ed.texts().functions)
        .map(|(&f, label)| check_box(ed, label.to_string(), f, get.clone(), set.clone()))
        .collect_view();
    view! {
        <fieldset class="checks" id=id>
            <legend>{legend}</legend>
            {boxes}
        </fieldset>
    }
    .into_any()
}

/// Where an item comes from: the document, the passage (paste it), the section, and the
/// "mapped" mark. Folded, with the document's title in the summary.
fn source_fields(ed: Editor, item: Item) -> AnyView {
    let t = ed.texts();
    let base = field_id(&item.path());
    let summary = move || {
        ed.profile.with(|p| {
            p.as_ref()
                .and_then(|p| {
                    let source = item.get(p)?.source();
                    let title = p
                        .document(&source.document)
                        .map_or(source.document.as_str(), |d| d.title.as_str());
                    Some(format!("{}: {title}", t.source))
                })
                .unwrap_or_else(|| t.source.to_string())
        })
    };
    let documents = move |p: &Profile| {
        let chosen = item
            .get(p)
            .map(|x| x.source().document.clone())
            .unwrap_or_default();
        p.documents
            .iter()
            .map(|d| (d.id.clone(), d.title.clone(), d.id == chosen))
            .collect()
    };
    let has_mark = ed
        .profile
        .with_untracked(|p| p.as_ref().and_then(|p| item.get(p)?.mapped()).is_some());
    let mapped = move || {
        ed.read(|p| item.get(p)?.mapped())
            .flatten()
            .unwrap_or(false)
    };
    let mark_id = format!("{base}-mapped");
    view! {
        <details class="source">
            <summary>{summary}</summary>
            <p class="hint">{t.source_help}</p>
            {text_field(ed, TextField::Quote(item), t.source_quote, Input::Long)}
            {select_field(ed, format!("{base}-source-document"), t.source_document, documents,
                move |document| ed.apply(Edit::SetSource { item, document }))}
            {text_field(ed, TextField::Section(item), t.source_section, Input::Line)}
            {has_mark.then(|| view! {
                <label class="check"><input type="checkbox" id=mark_id prop:checked=mapped
                    on:change=move |ev| ed.apply(Edit::SetMapped { item, mapped: event_target_checked(&ev) }) />
                    <span>{t.source_mapped}</span></label>
            })}
        </details>
    }
    .into_any()
}

/// The municipality: its name and id, and the documents the profile rests on.
#[component]
fn Municipality(ed: Editor) -> impl IntoView {
    let t = ed.texts();
    let row = move |i: usize| {
        view! {
            <li class="card editor__item">
                {text_field(ed, TextField::DocumentTitle(i), t.document_title, Input::Line)}
                {text_field(ed, TextField::DocumentDate(i), t.document_date, Input::Line)}
                {text_field(ed, TextField::DocumentUrl(i), t.document_url, Input::Url)}
                {item_tools(ed, List::Documents, i)}
            </li>
        }
        .into_any()
    };
    view! {
        <fieldset class="card" id="s-municipality">
            <legend>{t.section_municipality}</legend>
            {text_field(ed, TextField::Name, t.name_label, Input::Line)}
            <p class="hint">{t.id_label} ": " <code>{move || ed.profile.with(|p| p.as_ref().map(|p| p.id.clone()))}</code> " – " {t.id_help}</p>
            <h3 id="s-documents">{t.section_documents}</h3>
            <p class="hint">{t.documents_help}</p>
            {rows(ed, |p| p.documents.iter().map(|d| d.id.clone()).collect(), row)}
            {add_row(ed, "new-document", (t.new_item_name, Input::Line), t.add_document, Box::new(|title| New::Document { title }))}
        </fieldset>
    }
}

/// SSP's target ages: both or neither; a half-written range is said, not saved.
#[component]
fn TargetAge(ed: Editor) -> impl IntoView {
    let t = ed.texts();
    let partial = RwSignal::new(false);
    let age = move |from: bool| {
        move || {
            ed.version.track();
            ed.profile
                .with_untracked(|p| {
                    p.as_ref()?
                        .target_age
                        .as_ref()
                        .map(|a| if from { a.from } else { a.to })
                })
                .map(|n| n.to_string())
                .unwrap_or_default()
        }
    };
    let read = |id: &str| {
        gloo::utils::document()
            .get_element_by_id(id)
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(e).ok())
            .map(|e| e.value())
            .unwrap_or_default()
    };
    let on_change = move |_| {
        let (from, to) = (read("f-target_age-from"), read("f-target_age-to"));
        let ages = match (from.trim(), to.trim()) {
            ("", "") => None,
            (from, to) => match (from.parse::<u8>(), to.parse::<u8>()) {
                (Ok(from), Ok(to)) => Some((from, to)),
                _ => {
                    partial.set(true);
                    return;
                }
            },
        };
        partial.set(false);
        ed.apply(Edit::SetTargetAge { ages });
    };
    let has_ages = Memo::new(move |_| {
        ed.profile
            .with(|p| p.as_ref().is_some_and(|p| p.target_age.is_some()))
    });
    view! {
        <fieldset class="card" id="s-target_age">
            <legend>{t.section_age}</legend>
            <p class="hint" id="age-help">{t.age_help}</p>
            <div class="inline-field">
                <div class="field">
                    <label for="f-target_age-from">{t.age_from}</label>
                    <input id="f-target_age-from" class="input input--short" type="number" min="0" max="30" step="1"
                        aria-describedby="age-help" prop:value=age(true) on:change=on_change />
                </div>
                <div class="field">
                    <label for="f-target_age-to">{t.age_to}</label>
                    <input id="f-target_age-to" class="input input--short" type="number" min="0" max="30" step="1"
                        aria-describedby="age-help" prop:value=age(false) on:change=on_change />
                </div>
            </div>
            {move || partial.get().then(|| view! { <p class="field-error" role="alert">{t.age_partial}</p> })}
            {move || has_ages.get().then(|| view! {
                {text_field(ed, TextField::AgeFocus, t.age_focus, Input::Line)}
                {source_fields(ed, Item::TargetAge)}
            })}
        </fieldset>
    }
}

/// Move up, move down and remove for the item at `index` of `list`.
fn item_tools(ed: Editor, list: List, index: usize) -> AnyView {
    item_tools_with(
        ed,
        list,
        index,
        Box::new(move || ed.apply(Edit::Remove { list, index })),
    )
}

/// Move up, move down and remove, with what removing does.
fn item_tools_with(
    ed: Editor,
    list: List,
    index: usize,
    on_remove: Box<dyn Fn() + Send + Sync>,
) -> AnyView {
    let t = ed.texts();
    let len = move || ed.read(|p| list.len(p)).unwrap_or(0);
    view! {
        <div class="button-row">
            <button type="button" class="btn btn--tertiary" disabled=move || index == 0
                on:click=move |_| ed.apply(Edit::Move { list, from: index, to: index.saturating_sub(1) })>{t.move_up}</button>
            <button type="button" class="btn btn--tertiary" disabled=move || { index + 1 >= len() }
                on:click=move |_| ed.apply(Edit::Move { list, from: index, to: index + 1 })>{t.move_down}</button>
            <button type="button" class="btn btn--tertiary" on:click=move |_| on_remove()>{t.remove}</button>
        </div>
    }
    .into_any()
}

/// A name field and an "add" button at the end of a list.
fn add_row(
    ed: Editor,
    id: impl Into<String>,
    (field_label, input): (&'static str, Input),
    label: &'static str,
    make: Box<dyn Fn(String) -> New + Send + Sync>,
) -> AnyView {
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
    let list = (input == Input::Role).then_some("role-names");
    view! {
        <div class="field inline-field">
            <label for=id.clone()>{field_label}</label>
            <input id=id class="input" type="text" list=list prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev)) />
            <button type="button" class="btn btn--secondary" on:click=add>{label}</button>
        </div>
    }
    .into_any()
}

/// The rows of a list, one per item, keyed by place and id (`ids`): a row is drawn again only
/// when its item is replaced (or after undo/redo), not while its fields are typed in.
fn rows(
    ed: Editor,
    ids: impl Fn(&Profile) -> Vec<String> + Send + Sync + 'static,
    row: impl Fn(usize) -> AnyView + Send + Sync + 'static,
) -> AnyView {
    rows_boxed(ed, Box::new(ids), Arc::new(row))
}

/// The item's ids in a list of the draft, for [`rows`].
type Ids = dyn Fn(&Profile) -> Vec<String> + Send + Sync;

/// [`rows`]' one copy.
fn rows_boxed(
    ed: Editor,
    ids: Box<Ids>,
    row: Arc<dyn Fn(usize) -> AnyView + Send + Sync>,
) -> AnyView {
    let each = move || {
        let v = ed.version.get_untracked();
        ed.read(|p| {
            ids(p)
                .into_iter()
                .enumerate()
                .map(|(i, id)| (i, id, v))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
    };
    view! {
        <ol class="editor__list">
            <For each=each key=|k| k.clone() children=move |(i, _, _)| row(i) />
        </ol>
    }
    .into_any()
}

#[component]
fn Roles(ed: Editor) -> impl IntoView {
    let t = ed.texts();
    let confirm = RwSignal::new(None::<(usize, Vec<String>)>);
    let row = move |i: usize| {
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
        view! {
            <li class="card editor__item">
                {text_field(ed, TextField::RoleName(i), t.role_name, Input::Line)}
                {text_field(ed, TextField::RoleDescription(i), t.role_description, Input::Long)}
                {helps_with(ed, i)}
                {function_checks(ed, format!("f-roles-{i}-functions"), t.role_functions,
                    Arc::new(move |p| Some(p.roles.get(i)?.functions.clone())),
                    Arc::new(move |functions| Edit::SetRoleFunctions { role: i, functions }))}
                <div class="inline-field">
                    {text_field(ed, TextField::RolePhone(i), t.role_phone, Input::Tel)}
                    {text_field(ed, TextField::RoleEmail(i), t.role_email, Input::Email)}
                </div>
                {source_fields(ed, Item::Role(i))}
                {item_tools_with(ed, List::Roles, i, Box::new(remove))}
            </li>
        }
        .into_any()
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
            {rows(ed, |p| p.roles.iter().map(|r| r.id.clone()).collect(), row)}
            {add_row(ed, "new-role", (t.new_item_name, Input::Line), t.add_role, Box::new(|name| New::Role { name }))}
        </fieldset>
    }
}

/// What the role at `i` can help with, one item a line; written when the field is left.
fn helps_with(ed: Editor, i: usize) -> AnyView {
    let id = format!("f-roles-{i}-helps_with");
    let value = move || {
        ed.version.track();
        ed.profile
            .with_untracked(|p| p.as_ref()?.roles.get(i).map(|r| r.helps_with.join("\n")))
            .unwrap_or_default()
    };
    let change = move |ev| {
        let items = event_target_value(&ev)
            .lines()
            .map(str::to_string)
            .collect();
        ed.apply(Edit::SetHelpsWith { role: i, items });
    };
    view! {
        <div class="field">
            <label for=id.clone()>{ed.texts().role_helps_with}</label>
            <textarea id=id class="input" rows="2" prop:value=value on:change=change></textarea>
        </div>
    }
    .into_any()
}

#[component]
fn Door(ed: Editor) -> impl IntoView {
    let t = ed.texts();
    let roles = move |p: &Profile| {
        let chosen = &p.sparring_door.role;
        let mut options = vec![(String::new(), t.door_none.to_string(), chosen.is_empty())];
        options.extend(
            p.roles
                .iter()
                .map(|r| (r.id.clone(), r.name.clone(), &r.id == chosen)),
        );
        options
    };
    view! {
        <fieldset class="card" id="s-sparring_door">
            <legend>{t.section_door}</legend>
            <p class="hint">{t.door_help}</p>
            {select_field(ed, "f-sparring_door-role".into(), t.door_role, roles,
                move |role| ed.apply(Edit::SetSparringDoor { role }))}
            {text_field(ed, TextField::DoorText, t.door_text, Input::Long)}
            {source_fields(ed, Item::Door)}
        </fieldset>
    }
}

/// The cadence of the body at `i`: what kind, then the number or weekday it needs.
fn cadence_picker(ed: Editor, i: usize) -> AnyView {
    let t = ed.texts();
    let current = move || {
        ed.profile
            .with_untracked(|p| p.as_ref()?.bodies.get(i)?.cadence)
    };
    let kind_of = |c: Option<Cadence>| match c {
        None => 0,
        Some(Cadence::PerYear { .. }) => 1,
        Some(Cadence::AtLeastPerYear { .. }) => 2,
        Some(Cadence::Weekly { .. }) => 3,
        Some(Cadence::OnWeekday { .. }) => 4,
        Some(Cadence::AsNeeded) => 5,
    };
    let weekdays = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
    ];
    let set = move |cadence: Option<Cadence>| ed.apply(Edit::SetCadence { body: i, cadence });
    // A new kind keeps the number or weekday the old one had.
    let pick_kind = move |k: String| {
        let old = current();
        let times = match old {
            Some(Cadence::PerYear { times } | Cadence::AtLeastPerYear { times }) => times,
            _ => 1,
        };
        let weekday = match old {
            Some(Cadence::Weekly { weekday } | Cadence::OnWeekday { weekday }) => weekday,
            _ => Weekday::Monday,
        };
        set(match k.as_str() {
            "1" => Some(Cadence::PerYear { times }),
            "2" => Some(Cadence::AtLeastPerYear { times }),
            "3" => Some(Cadence::Weekly { weekday }),
            "4" => Some(Cadence::OnWeekday { weekday }),
            "5" => Some(Cadence::AsNeeded),
            _ => None,
        });
    };
    let kinds = move |p: &Profile| {
        let chosen = kind_of(p.bodies.get(i).and_then(|b| b.cadence));
        t.cadence_kinds
            .iter()
            .enumerate()
            .map(|(k, label)| (k.to_string(), label.to_string(), k == chosen))
            .collect()
    };
    let base = format!("f-bodies-{i}-cadence");
    let detail = move || {
        ed.version.track();
        match current() {
            Some(Cadence::PerYear { times } | Cadence::AtLeastPerYear { times }) => {
                let id = format!("f-bodies-{i}-cadence-times");
                let on_input = move |ev| {
                    if let (Ok(times), Some(c)) = (event_target_value(&ev).parse::<u8>(), current())
                    {
                        set(Some(match c {
                            Cadence::AtLeastPerYear { .. } => Cadence::AtLeastPerYear { times },
                            _ => Cadence::PerYear { times },
                        }));
                    }
                };
                view! {
                    <div class="field">
                        <label for=id.clone()>{t.cadence_times}</label>
                        <input id=id class="input input--short" type="number" min="1" max="52" step="1"
                            prop:value=times.to_string() on:change=on_input />
                    </div>
                }
                .into_any()
            }
            Some(Cadence::Weekly { weekday } | Cadence::OnWeekday { weekday }) => {
                let id = format!("f-bodies-{i}-cadence-weekday");
                let options = weekdays
                    .iter()
                    .zip(t.weekdays)
                    .enumerate()
                    .map(|(k, (&d, label))| view! { <option value=k.to_string() selected={d == weekday}>{label}</option> })
                    .collect_view();
                let on_change = move |ev| {
                    let k: usize = event_target_value(&ev).parse().unwrap_or(0);
                    let weekday = weekdays[k.min(weekdays.len() - 1)];
                    set(Some(match current() {
                        Some(Cadence::OnWeekday { .. }) => Cadence::OnWeekday { weekday },
                        _ => Cadence::Weekly { weekday },
                    }));
                };
                view! {
                    <div class="field">
                        <label for=id.clone()>{t.cadence_weekday}</label>
                        <select id=id class="input" on:change=on_change>{options}</select>
                    </div>
                }
                .into_any()
            }
            _ => ().into_any(),
        }
    };
    view! {
        <div class="inline-field">
            {select_field(ed, base, t.body_cadence, kinds, pick_kind)}
            {detail}
        </div>
    }
    .into_any()
}

#[component]
fn Bodies(ed: Editor) -> impl IntoView {
    let t = ed.texts();
    let prefs = use_prefs();
    let row = move |i: usize| {
        let kinds = move |p: &Profile| {
            let chosen = p.bodies.get(i).map(|b| b.kind);
            let texts = prefs.texts.get_untracked();
            BodyKind::ALL
                .iter()
                .enumerate()
                .map(|(k, kind)| {
                    (
                        k.to_string(),
                        kind_label(*kind, texts).to_string(),
                        Some(*kind) == chosen,
                    )
                })
                .collect()
        };
        let parents = move |p: &Profile| {
            let own = p.bodies.get(i).map(|b| b.id.clone()).unwrap_or_default();
            let chosen = p.bodies.get(i).and_then(|b| b.parent.clone());
            let mut options = vec![(String::new(), t.parent_none.to_string(), chosen.is_none())];
            options.extend(p.bodies.iter().filter(|b| b.id != own).map(|b| {
                (
                    b.id.clone(),
                    b.name.clone(),
                    chosen.as_deref() == Some(b.id.as_str()),
                )
            }));
            options
        };
        let member = move |m: usize| {
            let chair = move || {
                ed.read(|p| p.bodies.get(i)?.members.get(m).map(|x| x.chair))
                    .flatten()
                    .unwrap_or(false)
            };
            view! {
                <li class="editor__member">
                    {text_field(ed, TextField::MemberRole(i, m), t.member_role, Input::Role)}
                    <label class="check"><input type="checkbox" prop:checked=chair
                        on:change=move |ev| ed.apply(Edit::SetChair { body: i, member: m, chair: event_target_checked(&ev) }) />
                        <span>{t.member_chair}</span></label>
                    <button type="button" class="btn btn--tertiary" aria-label=format!("{} {} {}", t.remove, t.member_role.to_lowercase(), m + 1)
                        on:click=move |_| ed.apply(Edit::Remove { list: List::Members { body: i }, index: m })>{t.remove}</button>
                </li>
            }
            .into_any()
        };
        let members = move |p: &Profile| {
            p.bodies
                .get(i)
                .map(|b| (0..b.members.len()).map(|m| m.to_string()).collect())
                .unwrap_or_default()
        };
        view! {
            <li class="card editor__item">
                {text_field(ed, TextField::BodyName(i), t.body_name, Input::Line)}
                {select_field(ed, format!("f-bodies-{i}-kind"), t.body_kind, kinds, move |k| {
                    let kind = BodyKind::ALL[k.parse::<usize>().unwrap_or(0).min(BodyKind::ALL.len() - 1)];
                    ed.apply(Edit::SetBodyKind { body: i, kind });
                })}
                {text_field(ed, TextField::BodyPurpose(i), t.body_purpose, Input::Long)}
                {cadence_picker(ed, i)}
                {text_field(ed, TextField::BodyConvener(i), t.body_convener, Input::Line)}
                {select_field(ed, format!("f-bodies-{i}-parent"), t.body_parent, parents, move |id| {
                    ed.apply(Edit::SetParent { body: i, parent: (!id.is_empty()).then_some(id) });
                })}
                {function_checks(ed, format!("f-bodies-{i}-functions"), t.body_functions,
                    Arc::new(move |p| Some(p.bodies.get(i)?.functions.clone())),
                    Arc::new(move |functions| Edit::SetBodyFunctions { body: i, functions }))}
                <h4 id=format!("f-bodies-{i}-members") tabindex="-1">{t.members}</h4>
                {rows(ed, members, member)}
                {add_row(ed, format!("new-member-{i}"), (t.new_member, Input::Role), t.add_member, Box::new(move |role| New::Member { body: i, role }))}
                {source_fields(ed, Item::Body(i))}
                {item_tools(ed, List::Bodies, i)}
            </li>
        }
            .into_any()
    };
    view! {
        <fieldset class="card" id="s-bodies">
            <legend>{t.section_bodies}</legend>
            <p class="hint">{t.bodies_help}</p>
            {rows(ed, |p| p.bodies.iter().map(|b| b.id.clone()).collect(), row)}
            {add_row(ed, "new-body", (t.new_item_name, Input::Line), t.add_body, Box::new(|name| New::Body { name, kind: BodyKind::Network }))}
        </fieldset>
    }
}

#[component]
fn Levels(ed: Editor) -> impl IntoView {
    let t = ed.texts();
    let row = move |i: usize| {
        let number = move || {
            ed.read(|p| p.staircase.levels.get(i).map(|l| l.number))
                .flatten()
                .unwrap_or_default()
        };
        view! {
            <li class="card editor__item">
                <p class="editor__number">{move || ed.texts().intervention_levels} " " {number}</p>
                {text_field(ed, TextField::LevelTitle(i), t.level_title, Input::Line)}
                {text_field(ed, TextField::LevelGoal(i), t.level_goal, Input::Long)}
                {source_fields(ed, Item::Level(i))}
                {item_tools(ed, List::Levels, i)}
            </li>
        }
        .into_any()
    };
    view! {
        <fieldset class="card" id="s-staircase">
            <legend>{t.section_levels}</legend>
            <p class="hint">{t.levels_help}</p>
            {rows(ed, |p| p.staircase.levels.iter().map(|l| l.id.clone()).collect(), row)}
            {add_row(ed, "new-level", (t.new_item_name, Input::Line), t.add_level, Box::new(|title| New::Level { title }))}
        </fieldset>
    }
}

#[component]
fn Interventions(ed: Editor) -> impl IntoView {
    let t = ed.texts();
    let row = move |i: usize| {
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
        let get_levels: Getter<String> =
            Arc::new(move |p| Some(p.staircase.interventions.get(i)?.levels.clone()));
        let set_levels: Setter<String> = Arc::new(move |levels| Edit::SetLevels {
            intervention: i,
            levels,
        });
        let get_topics: Getter<String> =
            Arc::new(move |p| Some(p.staircase.interventions.get(i)?.topics.clone()));
        let set_topics: Setter<String> = Arc::new(move |topics| Edit::SetTopics {
            intervention: i,
            topics,
        });
        let level_boxes = levels
            .into_iter()
            .map(|(id, label)| check_box(ed, label, id, get_levels.clone(), set_levels.clone()))
            .collect_view();
        let topic_boxes = topics::all()
            .iter()
            .map(|topic| {
                let label = topic.label(lang).to_string();
                check_box(
                    ed,
                    label,
                    topic.id.clone(),
                    get_topics.clone(),
                    set_topics.clone(),
                )
            })
            .collect_view();
        view! {
            <li class="card editor__item">
                {text_field(ed, TextField::InterventionName(i), t.intervention_name, Input::Line)}
                <fieldset class="checks" id=format!("f-staircase-interventions-{i}-levels")>
                    <legend>{t.intervention_levels}</legend>
                    {level_boxes}
                </fieldset>
                <details class="checks">
                    <summary>{t.intervention_topics}</summary>
                    {topic_boxes}
                    {intervention_mark(ed, i, t.intervention_topics_mapped, |x| x.topics_mapped, |x, on| x.topics_mapped = on)}
                </details>
                {text_field(ed, TextField::InterventionDescription(i), t.intervention_description, Input::Long)}
                {text_field(ed, TextField::InterventionTargetGroup(i), t.intervention_target, Input::Line)}
                {intervention_mark(ed, i, t.intervention_action_plan, |x| x.action_plan, |x, on| x.action_plan = on)}
                {source_fields(ed, Item::Intervention(i))}
                {item_tools(ed, List::Interventions, i)}
            </li>
        }
            .into_any()
    };
    // The level checkboxes follow the levels: the rows are drawn again when a level is added.
    let each = |p: &Profile| {
        let levels = p.staircase.levels.len();
        p.staircase
            .interventions
            .iter()
            .map(|x| format!("{}#{levels}", x.id))
            .collect()
    };
    view! {
        <fieldset class="card" id="s-interventions">
            <legend>{t.section_interventions}</legend>
            <p class="hint">{t.interventions_help}</p>
            {rows(ed, each, row)}
            {add_row(ed, "new-intervention", (t.new_item_name, Input::Line), t.add_intervention, Box::new(|name| New::Intervention { name, levels: Vec::new() }))}
        </fieldset>
    }
}

/// A yes/no mark of the intervention at `i` (the action plan; topics placed by the editors).
fn intervention_mark(
    ed: Editor,
    i: usize,
    label: &'static str,
    get: fn(&Intervention) -> bool,
    set: fn(&mut Intervention, bool),
) -> AnyView {
    let on = move || {
        ed.read(|p| p.staircase.interventions.get(i).is_some_and(get))
            .unwrap_or(false)
    };
    let change = move |ev| {
        let checked = event_target_checked(&ev);
        ed.change("", |p| {
            if let Some(x) = p.staircase.interventions.get_mut(i) {
                set(x, checked)
            }
        });
    };
    view! { <label class="check"><input type="checkbox" prop:checked=on on:change=change /><span>{label}</span></label> }
        .into_any()
}

#[component]
fn Methods(ed: Editor) -> impl IntoView {
    let t = ed.texts();
    let row = move |i: usize| {
        view! {
            <li class="card editor__item">
                {text_field(ed, TextField::MethodName(i), t.method_name, Input::Line)}
                {text_field(ed, TextField::MethodDescription(i), t.method_description, Input::Long)}
                {source_fields(ed, Item::Method(i))}
                {item_tools(ed, List::Methods, i)}
            </li>
        }
        .into_any()
    };
    view! {
        <fieldset class="card" id="s-methods">
            <legend>{t.section_methods}</legend>
            <p class="hint">{t.methods_help}</p>
            {rows(ed, |p| p.methods.iter().map(|m| m.id.clone()).collect(), row)}
            {add_row(ed, "new-method", (t.new_item_name, Input::Line), t.add_method, Box::new(|name| New::Method { name }))}
        </fieldset>
    }
}

#[component]
fn Partners(ed: Editor) -> impl IntoView {
    let t = ed.texts();
    let row = move |i: usize| {
        view! {
            <li class="card editor__item">
                <div class="inline-field">
                    {text_field(ed, TextField::PartnerName(i), t.partner_name, Input::Line)}
                    {text_field(ed, TextField::PartnerGroup(i), t.partner_group, Input::Line)}
                </div>
                {source_fields(ed, Item::Partner(i))}
                {item_tools(ed, List::Partners, i)}
            </li>
        }
        .into_any()
    };
    view! {
        <fieldset class="card" id="s-partners">
            <legend>{t.section_partners}</legend>
            {rows(ed, |p| (0..p.partners.len()).map(|i| i.to_string()).collect(), row)}
            {add_row(ed, "new-partner", (t.new_item_name, Input::Line), t.add_partner, Box::new(|name| New::Partner { name }))}
        </fieldset>
    }
}

/// The municipality's page and where a notification goes (the guide's outcome names it).
#[component]
fn Links(ed: Editor) -> impl IntoView {
    let t = ed.texts();
    let is_route = Memo::new(move |_| {
        ed.profile
            .with(|p| p.as_ref().is_some_and(|p| Item::Channel.get(p).is_some()))
    });
    view! {
        <fieldset class="card" id="s-links">
            <legend>{t.section_links}</legend>
            <p class="hint">{t.links_help}</p>
            {text_field(ed, TextField::ChannelText, t.channel_text, Input::Long)}
            {text_field(ed, TextField::ChannelUrl, t.channel_url, Input::Url)}
            {move || is_route.get().then(|| source_fields(ed, Item::Channel))}
            {text_field(ed, TextField::Website, t.website, Input::Url)}
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
            let row = move |i: usize| {
                view! {
                    <li class="editor__statement">
                        {text_field(ed, TextField::Text(list, i), t.item_text, Input::Long)}
                        {source_fields(ed, Item::Text(list, i))}
                        {item_tools(ed, List::Texts(list), i)}
                    </li>
                }
            .into_any()
            };
            let each = move |p: &Profile| (0..list.items(p).len()).map(|i| i.to_string()).collect();
            let add_id = format!("new-{}", list.key());
            view! {
                <h3 id=format!("s-{}", list.key())>{title}</h3>
                {rows(ed, each, row)}
                {add_row(ed, add_id, (t.new_text, Input::Line), t.add_text, Box::new(move |text| New::Text { list, text }))}
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::i18n::editor::{DA, EN};
    use crate::domain::profile::{self, edit::problems};

    /// Every place the importer can name in a draft the editor makes reads as words of the form,
    /// never as a JSON path: from every text field, and from every problem of every built-in
    /// profile with each of its items emptied in turn.
    #[test]
    fn every_problem_is_named_in_the_words_of_the_form() {
        let mut paths: Vec<String> = Vec::new();
        for p in profile::builtin() {
            let p = p.profile;
            let mut broken = p.clone();
            for role in &mut broken.roles {
                role.name.clear();
                role.description.clear();
                role.source.document = "findes-ikke".into();
            }
            for body in &mut broken.bodies {
                body.purpose.clear();
                body.parent = Some("findes-ikke".into());
                body.cadence = Some(Cadence::PerYear { times: 99 });
                for m in &mut body.members {
                    m.role.clear();
                }
            }
            for x in &mut broken.staircase.interventions {
                x.levels = vec!["findes-ikke".into()];
                x.topics = vec!["findes-ikke".into()];
            }
            for l in &mut broken.staircase.levels {
                l.goal.clear();
            }
            for m in &mut broken.methods {
                m.description.clear();
            }
            for d in &mut broken.documents {
                d.url = Some("ikke en adresse".into());
            }
            broken.links.website = Some("ikke en adresse".into());
            paths.extend(problems(&broken).into_iter().map(|e| e.path));
        }
        let fields = [
            TextField::Name,
            TextField::DoorText,
            TextField::AgeFocus,
            TextField::Website,
            TextField::ChannelText,
            TextField::ChannelUrl,
            TextField::MemberRole(1, 2),
            TextField::PartnerGroup(0),
            TextField::Quote(Item::Text(TextList::Goals, 3)),
            TextField::Section(Item::Body(2)),
        ];
        paths.extend(fields.iter().map(|f| f.path()));
        assert!(paths.len() > 40, "{} paths", paths.len());
        for t in [&DA, &EN] {
            for path in &paths {
                let place = place_of(path, t);
                assert!(
                    !place.starts_with('$') && !place.ends_with(' '),
                    "{path} reads {place:?}"
                );
                // A field of an item is named with the item and the field's label.
                if path.contains("].") {
                    assert!(place.contains(": "), "{path} reads {place:?}");
                }
            }
        }
        assert_eq!(
            place_of("$.roles[1].source.quote", &DA),
            "Rolle 2: Citat fra dokumentet"
        );
        assert_eq!(
            place_of("$.bodies[0].cadence.times", &EN),
            "Council, network or meeting 1: Meets"
        );
        assert_eq!(
            field_id("$.roles[1].source.quote"),
            "f-roles-1-source-quote"
        );
    }
}
