//! Saved concerns: the list (open first, overdue highlighted) and one concern's page with its
//! action plan, follow-up, closing, deleting and change history.

use super::concern_io::save_concern;
use super::{use_page_title, use_prefs, use_shell, use_sync, use_work};
use crate::app::commands::{self, Command, Context};
use crate::app::notification as app_notification;
use crate::domain::concern::{
    self, ActionItem, Change, ChangeKind, Concern, ConcernProblem, Status,
};
use crate::domain::concern_list::{self, Summary};
use crate::domain::dates::Date;
use crate::domain::guide;
use crate::domain::guide::ids;
use crate::domain::notification::Draft;
use crate::domain::overview::level_label;
use crate::domain::pages::Page;
use crate::domain::roles;
use crate::domain::settings::StorageNotice;
use crate::domain::topics;
use crate::platform::{self, vault};
use crate::ui::guide::notification;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

#[component]
pub fn ConcernsPage() -> impl IntoView {
    let prefs = use_prefs();
    let work = use_work();
    let sync_state = use_sync();
    let t = prefs.texts;
    use_page_title(Page::Concerns);
    // The most urgent first, a page at a time: an SSP consultant's device may hold thousands,
    // and rendering rows nobody scrolls to would hold up the screen after unlocking.
    let shown = RwSignal::new(concern::LIST_PAGE);
    let total = Memo::new(move |_| {
        work.listed
            .with(|l| l.as_ref().map(Vec::len))
            .unwrap_or_else(|| work.concerns.with(Vec::len))
    });
    // The rows shown, most urgent first: only these are cloned, and a row is rebuilt only when
    // its concern, the language, its conflict mark or its overdue mark changes (keyed below).
    let rows = Memo::new(move |_| {
        let lang = prefs.settings.read().lang;
        let today = Date::from_ms(platform::now_ms());
        let conflicts = sync_state.view.with(|v| v.conflict_ids.clone());
        let teams = vault::read(|s| crate::domain::team::Sharing::load(s, platform::now_ms()));
        first_rows(work, today, shown.get())
            .into_iter()
            .map(|c| Row {
                overdue: c.overdue(today),
                conflict: conflicts.contains(&c.id),
                shared: teams.names_sharing(&c.id).collect::<Vec<_>>().join(", "),
                concern: c,
                lang,
            })
            .collect::<Vec<_>>()
    });
    let has_any = move || total.get() > 0;
    let empty_hint = move || view! { <p class="hint">{move || t.get().concerns_empty}</p> };
    view! {
        <section class="page page--narrow">
            <h1>{move || t.get().page_concerns}</h1>
            <p class="button-row">
                <A href=Page::NewConcern.path() attr:class="btn btn--primary">{move || t.get().concerns_new}</A>
                {move || has_any().then(|| view! {
                    <A href=Page::Overview.path() attr:class="btn btn--secondary">{move || t.get().overview_link}</A>
                })}
            </p>
            <Show when=has_any fallback=empty_hint>
                <ul class="concern-list">
                    <For
                        each=move || rows.get()
                        key=|r| (r.concern.id.clone(), r.concern.revision, r.concern.updated_ms, r.lang, r.conflict, r.overdue, r.shared.clone())
                        children=move |row| concern_row(t.get_untracked(), row)
                    />
                </ul>
            </Show>
            {move || {
                let (total, limit, t_now) = (total.get(), shown.get(), t.get());
                (total > limit).then(|| view! {
                    <p class="hint" role="status">{t_now.concerns_showing
                        .replace("{shown}", &limit.to_string())
                        .replace("{total}", &total.to_string())}</p>
                    <p><button type="button" class="btn btn--secondary"
                        on:click=move |_| shown.update(|n| *n += concern::LIST_PAGE)>
                        {t_now.concerns_show_more.replace("{n}", &concern::LIST_PAGE.min(total - limit).to_string())}
                    </button></p>
                })
            }}
        </section>
    }
}

/// The first `n` concerns in the list's order, as the list shows them: from the list's copy
/// while the concerns load at start (`WorkState::listed`), else from the concerns.
fn first_rows(work: crate::ui::WorkState, today: Date, n: usize) -> Vec<Summary> {
    work.listed.with(|listed| match listed {
        Some(list) => concern_list::sorted(list, today)
            .into_iter()
            .take(n)
            .cloned()
            .collect(),
        None => work.concerns.with(|list| {
            concern::sorted(list, today)
                .into_iter()
                .take(n)
                .map(Summary::of)
                .collect()
        }),
    })
}

/// What one row of the list shows: the concern's summary, and what was worked out for it when
/// the list was sorted.
#[derive(Clone, PartialEq)]
struct Row {
    concern: Summary,
    lang: crate::domain::i18n::Lang,
    conflict: bool,
    overdue: bool,
    /// The teams it is shared with, by name ("" when none).
    shared: String,
}

/// One row of the list: a link to the concern with its level, pseudonym, class, topics and
/// follow-up. A plain `<a>`, not the router's `<A>` (the router still opens it in the app): a
/// row never is the current page, and 100 rows drew in 15.8 ms instead of 21.3 ms (median of
/// 14 deep links to the list with 5,000 concerns, issue 15).
fn concern_row(t_now: &'static crate::domain::i18n::Texts, row: Row) -> impl IntoView {
    let Row {
        concern: c,
        lang,
        conflict,
        overdue,
        shared,
    } = row;
    let topics = topics::labels(&c.topics, lang);
    let closed = c.status == Status::Closed;
    view! {
        <li>
            <a href=format!("/concerns/{}", c.id) class=format!(
                "concern-row{}{}",
                if overdue { " concern-row--overdue" } else { "" },
                if closed { " concern-row--closed" } else { "" },
            )>
                <span class=format!("dot dot--{}", crate::ui::common::level_css(c.level))>{level_label(c.level, lang)}</span>
                <span class="concern-row__child">{c.child.clone()}</span>
                <span class="concern-row__meta">
                    {c.school_class.clone().map(|s| format!("{s} · "))}
                    {topics}
                </span>
                <span class="concern-row__follow">
                    {if closed { t_now.status_closed.to_string() } else {
                        format!("{} {}", t_now.follow_up_label, c.follow_up.danish())
                    }}
                    {overdue.then(|| view! { " " <strong class="overdue">{t_now.overdue}</strong> })}
                    {conflict.then(|| view! { " " <strong class="badge badge--conflict">{t_now.conflict_badge}</strong> })}
                    {(!shared.is_empty()).then(|| view! { " " <strong class="badge badge--shared">{t_now.shared_mark.replace("{team}", &shared)}</strong> })}
                </span>
            </a>
        </li>
    }
}

#[component]
pub fn ConcernPage() -> impl IntoView {
    let prefs = use_prefs();
    let shell = use_shell();
    let work = use_work();
    let t = prefs.texts;
    use_page_title(Page::Concerns);
    // The guide's data (plan texts, the notification's parts). One that does not decode is
    // never used: the page says so instead (the tests keep the built-in file valid).
    let Ok(guide) = guide::load() else {
        return view! {
            <section class="page page--narrow">
                <h1>{move || t.get().page_concerns}</h1>
                <p class="alert alert--error" role="alert">{move || t.get().guide_invalid}</p>
            </section>
        }
        .into_any();
    };
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let navigate = use_navigate();
    let close_reason = RwSignal::new(String::new());
    let close_error = RwSignal::new(None::<&'static str>);
    let confirm_delete = RwSignal::new(false);
    let new_item = RwSignal::new((String::new(), String::new(), String::new()));
    let item_error = RwSignal::new(None::<&'static str>);
    // The form's values and the revision the edit started from.
    let editing = RwSignal::new(None::<(String, String, u32)>);
    // A CPR-like number in a free-text field, a date that is not one: shown at the top, and
    // nothing is saved.
    let text_problem = RwSignal::new(None::<String>);
    // A change refused because the concern moved on elsewhere.
    let conflict = RwSignal::new(None::<Concern>);
    let edit_problem = RwSignal::new(None::<&'static str>);
    // The written notification: open or not, the draft being edited, what saving said.
    let note_open = RwSignal::new(false);
    let note_draft = RwSignal::new(Draft {
        sections: Vec::new(),
    });
    let note_message = RwSignal::new(None::<String>);
    let by_role = move || super::my_role(prefs);
    // The page is drawn again only when this concern or the language changes: not when another
    // concern is saved, nor when another setting changes.
    let this = Memo::new(move |_| {
        let id = id();
        work.concerns
            .with(|list| list.iter().find(|c| c.id == id).cloned())
    });
    let lang = Memo::new(move |_| prefs.settings.read().lang);
    // This concern as it is now (other tabs may have changed it).
    let current = move || this.get_untracked();
    // Stores a change begun from revision `base`; if the concern moved on meanwhile, nothing is
    // overwritten and the user chooses.
    let store = move |c: Concern, base: u32| {
        let mine = c.clone();
        save_concern(
            work,
            shell,
            &c,
            Some(base),
            Box::new(move |after| {
                if after.conflict {
                    conflict.set(Some(mine));
                }
            }),
        );
    };
    // Runs a command on this concern begun from revision `base` (the one on screen: `None`)
    // and stores the result; a refusal changes nothing and is returned.
    let run = move |command: Command, base: Option<u32>| -> Result<(), ConcernProblem> {
        let Some(c) = current() else { return Ok(()) };
        let role = by_role();
        let cx = Context {
            now_ms: platform::now_ms(),
            by_role: &role,
            lang: lang.get_untracked(),
            guide,
        };
        let changed = commands::apply(&c, command, cx)?;
        store(changed, base.unwrap_or(c.revision));
        Ok(())
    };
    // Where a form's refusal is shown: one about a free text or a date at the top (with the
    // CPR-like number found: `Err(None)`), the others with the form (`Err(Some(text))`).
    let placed = move |result: Result<(), ConcernProblem>| -> Result<(), Option<&'static str>> {
        let t_now = t.get_untracked();
        match result {
            Ok(()) => {
                text_problem.set(None);
                Ok(())
            }
            Err(p) if p.about_a_text_or_date() => {
                text_problem.set(Some(commands::problem_message(&p, t_now)));
                Err(None)
            }
            Err(p) => Err(Some(commands::problem_text(&p, t_now))),
        }
    };
    // The frame is drawn again only when the concern appears or goes, or the language changes;
    // each part inside follows only what it shows, so ticking an item off redraws that item
    // (and the history's new line), not the page, and the focus stays where it was.
    let found = Memo::new(move |_| this.with(Option::is_some));
    let status = Memo::new(move |_| this.with(|c| c.as_ref().map(|c| c.status)));
    // The written notification, when it is advised or one was written: what it would say, what
    // was saved, and the profile it follows (looked up again only when these change).
    let note_inputs = Memo::new(move |_| {
        this.with(|c| {
            let c = c.as_ref()?;
            let profile = prefs
                .library
                .with(|l| l.find(&c.profile))
                .or_else(|| prefs.profile())?;
            let advised = app_notification::advised(guide, c, &profile);
            (advised || c.notification.is_some()).then(|| {
                let generated = app_notification::for_concern(guide, c, &profile);
                (generated, c.notification.clone(), c.profile.clone())
            })
        })
    });
    // The action plan with each item's place, and the history newest first: keyed lists.
    // An item's line is keyed by its place and what it says, not by whether it is done: ticking
    // it changes the checkbox's state, not the checkbox, so the focus stays on it.
    let items = Memo::new(move |_| {
        this.with(|c| {
            c.as_ref()
                .map(|c| {
                    let items = c.action_plan.iter().cloned().enumerate();
                    let said = |item: ActionItem| ActionItem {
                        done: false,
                        ..item
                    };
                    items.map(|(i, item)| Line::Item(i, said(item))).collect()
                })
                .unwrap_or_default()
        })
    });
    let history = Memo::new(move |_| {
        this.with(|c| {
            c.as_ref()
                .map(|c| {
                    let lines = c.history.iter().cloned().enumerate().rev();
                    lines.map(|(i, h)| Line::Change(i, h)).collect()
                })
                .unwrap_or_default()
        })
    });
    (move || {
        let t_now = t.get();
        let lang = lang.get();
        if !found.get() {
            return view! {
                <section class="page page--narrow">
                    <h1>{t_now.page_concerns}</h1>
                    <p class="alert alert--warning">{t_now.concern_not_found}</p>
                    <p><A href=Page::Concerns.path() attr:class="btn btn--secondary">{t_now.back_to_list}</A></p>
                </section>
            }
            .into_any();
        }
        let today = Date::from_ms(platform::now_ms());
        let item_view = move |i: usize, item: ActionItem| {
            let done = move || {
                this.with(|c| {
                    let item = c.as_ref().and_then(|c| c.action_plan.get(i));
                    item.is_some_and(|item| item.done)
                })
            };
            let label_id = format!("item-{i}");
            view! {
                <li class="action-item" class:action-item--done=done>
                    <label class="check">
                        <input type="checkbox" prop:checked=done aria-describedby=label_id.clone()
                            on:change=move |ev| {
                                let done = event_target_checked(&ev);
                                let _ = placed(run(Command::SetDone { item: i, done }, None));
                            } />
                        <span>{item.what.clone()}</span>
                    </label>
                    <p class="action-item__meta" id=label_id>
                        {t_now.item_who} ": " {item.who.clone()} " · " {t_now.item_by} " " {item.by.danish()}
                    </p>
                </li>
            }
            .into_any()
        };
        let history_view = move |h: Change| {
            let d = Date::from_ms(h.at_ms);
            let kind = match h.kind {
                ChangeKind::Created => t_now.change_created,
                ChangeKind::Edited => t_now.change_edited,
                ChangeKind::Done => t_now.change_done,
                ChangeKind::NotDone => t_now.change_not_done,
                ChangeKind::ItemAdded => t_now.change_item_added,
                ChangeKind::FollowUpChanged => t_now.change_follow_up,
                ChangeKind::Closed => t_now.change_closed,
                ChangeKind::Reopened => t_now.change_reopened,
                ChangeKind::NotificationDrafted => t_now.change_notification,
            };
            let detail = if h.kind == ChangeKind::FollowUpChanged {
                Date::danish_iso(&h.detail)
            } else {
                h.detail.clone()
            };
            let detail = (!detail.is_empty()).then(|| format!(": {detail}"));
            view! { <li>{d.danish()} " · " {roles::label(&h.by_role, t_now)} " · " {kind}{detail}</li> }
                .into_any()
        };
        let line_view = move |line: Line| match line {
            Line::Item(i, item) => item_view(i, item),
            Line::Change(_, h) => history_view(h),
        };
        let add_item = move |_| {
            let (what, who, by) = new_item.get_untracked();
            match placed(run(Command::AddItem { what, who, by }, None)) {
                Ok(()) => {
                    new_item.set((String::new(), String::new(), String::new()));
                    item_error.set(None);
                }
                Err(p) => item_error.set(p),
            }
        };
        let close = move |_| {
            let reason = close_reason.get_untracked();
            close_error.set(placed(run(Command::Close { reason }, None)).err().flatten());
        };
        let reopen = move |_| {
            let _ = placed(run(Command::Reopen, None));
        };
        let navigate = navigate.clone();
        let delete = move |_| {
            // Deleted at the revision on screen: a change made elsewhere meanwhile is not lost.
            let Some(revision) = current().map(|c| c.revision) else {
                return;
            };
            let id = id();
            let now = platform::now_ms();
            let navigate = navigate.clone();
            let gone = id.clone();
            let repo = work.repository();
            vault::write(
                move |device| repo.delete(device, &id, revision, now),
                move |result, stored| match result.and(stored) {
                    Ok(()) => {
                        work.concerns.update(|list| list.retain(|c| c.id != gone));
                        work.changed_locally();
                        super::concern_io::relist_soon(work);
                        navigate(Page::Concerns.path(), Default::default());
                    }
                    Err(_) => shell.notice.set(Some(StorageNotice::WriteFailed)),
                },
            );
        };
        let start_edit = move |_| {
            let Some(c) = current() else { return };
            edit_problem.set(None);
            editing.set(Some((
                c.child,
                c.school_class.unwrap_or_default(),
                c.revision,
            )));
        };
        let save_edit = move |_| {
            let Some((child, class, base)) = editing.get_untracked() else {
                return;
            };
            // Saved against the revision the form was opened on: a change made elsewhere in
            // the meantime is not overwritten.
            match placed(run(Command::EditDetails { child, class }, Some(base))) {
                Ok(()) => editing.set(None),
                Err(p) => edit_problem.set(p),
            }
        };
        let is_editing = Memo::new(move |_| editing.with(Option::is_some));
        let edit_form = move || {
            let t_now = t.get();
            // Rebuilt only when the form opens or closes, not on every keystroke.
            match is_editing.get().then(|| editing.get_untracked()).flatten().map(|(a, b, _)| (a, b)) {
                None => view! {
                    <p><button type="button" class="btn btn--tertiary" on:click=start_edit>{t_now.edit_details}</button></p>
                }
                .into_any(),
                Some((child, class)) => view! {
                    <fieldset class="card">
                        <legend>{t_now.edit_details}</legend>
                        <div class="field">
                            <label for="edit-child">{t_now.child_label}</label>
                            <input id="edit-child" class="input" type="text" maxlength="20" prop:value=child
                                on:input=move |ev| editing.update(|e| if let Some(e) = e { e.0 = event_target_value(&ev) }) />
                        </div>
                        <div class="field">
                            <label for="edit-class">{t_now.school_class_label}</label>
                            <input id="edit-class" class="input" type="text" prop:value=class
                                on:input=move |ev| editing.update(|e| if let Some(e) = e { e.1 = event_target_value(&ev) }) />
                        </div>
                        {move || edit_problem.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
                        <div class="button-row">
                            <button type="button" class="btn btn--primary" on:click=save_edit>{t_now.save_changes}</button>
                            <button type="button" class="btn btn--secondary" on:click=move |_| editing.set(None)>{t_now.import_cancel}</button>
                        </div>
                    </fieldset>
                }
                .into_any(),
            }
        };
        // The written notification: kept with the concern, reopened and edited here.
        let notification_section = move || {
            let (generated, saved, profile_id) = note_inputs.get()?;
            let profile = prefs
                .library
                .with_untracked(|l| l.find(&profile_id))
                .or_else(|| prefs.profile_untracked())?;
            let has_saved = saved.is_some();
            let open = {
                let generated = generated.clone();
                move |_| {
                    note_draft.set(saved.clone().unwrap_or_else(|| generated.clone()));
                    note_message.set(None);
                    note_open.set(true);
                    platform::document::focus_after_render("draft-title");
                }
            };
            let save_note = move |_| {
                let draft = note_draft.get_untracked();
                let t_now = t.get_untracked();
                note_message.set(Some(match run(Command::SaveNotification { draft }, None) {
                    Ok(()) => t_now.notification_saved.to_string(),
                    Err(p) => commands::problem_message(&p, t_now),
                }));
            };
            Some(view! {
                <section class="card notification-card" aria-labelledby="draft-title">
                    <h2 id="draft-title" tabindex="-1">{t_now.notification_title}</h2>
                    {move || note_message.get().map(|m| view! { <p class="alert alert--info" role="status">{m}</p> })}
                    {move || if note_open.get() {
                        let t_now = t.get();
                        view! {
                            <notification::NotificationEditor draft=note_draft generated=generated.clone() profile=profile.clone() guide=guide>
                                <button type="button" class="btn btn--primary" on:click=save_note>{t_now.notification_save}</button>
                                <button type="button" class="btn btn--tertiary" on:click=move |_| note_open.set(false)>{t_now.notification_close}</button>
                            </notification::NotificationEditor>
                        }.into_any()
                    } else {
                        let t_now = t.get();
                        view! {
                            <p>{if has_saved { t_now.notification_saved } else { t_now.notification_none }}</p>
                            <button type="button" class="btn btn--secondary no-print" on:click=open.clone()>
                                {if has_saved { t_now.notification_open } else { t_now.notification_write }}
                            </button>
                        }.into_any()
                    }}
                </section>
            }.into_any())
        };
        // What the concern says, drawn again when it changes; none of it holds the focus.
        let heading = move || {
            this.with(|c| {
                let c = c.as_ref()?;
                let class = c.school_class.clone();
                Some(
                    view! {
                        {c.child.clone()}
                        {class.map(|s| view! { <span class="h1-sub">" · " {s}</span> })}
                    }
                    .into_any(),
                )
            })
        };
        let summary = move || {
            this.with(|c| {
                let c = c.as_ref()?;
                let status = if c.status == Status::Open { t_now.status_open } else { t_now.status_closed };
                Some(view! {
                    <p class="badge badge--info">{status} {c.close_reason.clone().map(|r| format!(": {r}"))}</p>
                    <div class=format!("level-box level-box--{}", crate::ui::common::level_css(c.level))>
                        <p class="level-box__name">{level_label(c.level, lang)}</p>
                        <p>{topics::labels(&c.topics, lang)}</p>
                    </div>
                    <p>{t_now.created_label} " " {Date::from_ms(c.created_ms).danish()} " · "
                        {t_now.follow_up_label} " " <strong>{c.follow_up.danish()}</strong>
                        {c.overdue(today).then(|| view! { " " <strong class="overdue">{t_now.overdue}</strong> })}</p>
                }.into_any())
            })
        };
        let quotes = move || {
            this.with(|c| {
                let c = c.as_ref()?;
                let quote = |id, label: &'static str| {
                    let o = c.observation(id)?.to_string();
                    Some(view! { <h2>{label}</h2><p class="quote">{o}</p> })
                };
                let observed = quote(ids::OBSERVED, t_now.observed_label);
                let child_words = quote(ids::CHILD_WORDS, t_now.child_words_label);
                Some(view! { {observed} {child_words} }.into_any())
            })
        };
        view! {
            <section class="page page--narrow">
                <p><A href=Page::Concerns.path() attr:class="btn btn--tertiary">"← " {t_now.back_to_list}</A></p>
                <h1>{heading}</h1>
                {move || conflict.get().map(|mine| {
                    let keep_both = move |_| {
                        let copy = commands::keep_both(&mine, platform::new_uuid());
                        save_concern(work, shell, &copy, None, Box::new(|_| {}));
                        conflict.set(None);
                    };
                    let t_now = t.get();
                    view! {
                        <div class="alert alert--warning" role="alert">
                            <p>{t_now.conflict_message}</p>
                            <div class="button-row">
                                <button type="button" class="btn btn--primary" on:click=move |_| {
                                    super::concern_io::reload_concerns(work);
                                    conflict.set(None);
                                }>{t_now.conflict_reload}</button>
                                <button type="button" class="btn btn--secondary" on:click=keep_both>{t_now.conflict_keep_both}</button>
                            </div>
                        </div>
                    }
                })}
                {move || text_problem.get().map(|p| view! {
                    <p class="field-error" role="alert">{p}</p>
                })}
                {edit_form}
                {summary}
                <div class="field inline-field">
                    <label for="follow-up">{t_now.follow_up_change}</label>
                    <input id="follow-up" type="date" class="input" prop:value=move || this.with(|c| c.as_ref().map(|c| c.follow_up.iso()).unwrap_or_default())
                        on:change=move |ev| {
                            let _ = placed(run(Command::MoveFollowUp { date: event_target_value(&ev) }, None));
                        } />
                </div>
                {quotes}
                {notification_section}
                <super::concern_share::Sharing id=id() />
                <p class="handoff-link no-print">
                    <A href=format!("{}?concern={}", Page::Handoff.path(), id())>
                        {crate::domain::i18n::handoff::link(lang)}
                    </A>
                </p>
                <h2>{t_now.action_plan_title}</h2>
                <ul class="action-plan">
                    {keyed_lines(items, line_view)}
                </ul>
                <fieldset class="card add-item">
                    <legend>{t_now.add_item}</legend>
                    <div class="field">
                        <label for="item-what">{t_now.item_what}</label>
                        <textarea id="item-what" rows="2" prop:value=move || new_item.get().0
                            on:input=move |ev| new_item.update(|n| n.0 = event_target_value(&ev))></textarea>
                    </div>
                    <div class="field">
                        <label for="item-who">{t_now.item_who}</label>
                        <input id="item-who" type="text" class="input" prop:value=move || new_item.get().1
                            on:input=move |ev| new_item.update(|n| n.1 = event_target_value(&ev)) />
                    </div>
                    <div class="field">
                        <label for="item-by">{t_now.item_by}</label>
                        <input id="item-by" type="date" class="input" prop:value=move || new_item.get().2
                            on:input=move |ev| new_item.update(|n| n.2 = event_target_value(&ev)) />
                    </div>
                    {move || item_error.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
                    <button type="button" class="btn btn--secondary" on:click=add_item>{t_now.add_item}</button>
                </fieldset>
                {move || if status.get() == Some(Status::Open) {
                    view! {
                        <fieldset class="card">
                            <legend>{t_now.close_title}</legend>
                            <div class="field">
                                <label for="close-reason">{t_now.close_reason_label}</label>
                                <textarea id="close-reason" rows="2" prop:value=move || close_reason.get()
                                    on:input=move |ev| close_reason.set(event_target_value(&ev))></textarea>
                            </div>
                            {move || close_error.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
                            <button type="button" class="btn btn--secondary" on:click=close>{t_now.close_button}</button>
                        </fieldset>
                    }.into_any()
                } else {
                    view! { <p><button type="button" class="btn btn--secondary" on:click=reopen>{t_now.reopen_button}</button></p> }.into_any()
                }}
                <h2>{t_now.history_title}</h2>
                <ul class="history">
                    {keyed_lines(history, line_view)}
                </ul>
                <div class="danger-zone">
                    {move || if confirm_delete.get() {
                        let delete = delete.clone();
                        view! {
                            <div class="confirm" role="alert">
                                <p>{t.get().delete_confirm}</p>
                                <button type="button" class="btn btn--danger" on:click=delete>{t.get().delete_yes}</button>
                                <button type="button" class="btn btn--secondary" on:click=move |_| confirm_delete.set(false)>{t.get().import_cancel}</button>
                            </div>
                        }.into_any()
                    } else {
                        view! { <button type="button" class="btn btn--tertiary" on:click=move |_| confirm_delete.set(true)>{t.get().delete_button}</button> }.into_any()
                    }}
                </div>
            </section>
        }
        .into_any()
    })
    .into_any()
}

/// A line of a concern's action plan (with its place) or history (with its place): one keyed
/// list type for both, so the app carries one copy of `<For>`'s code for the two.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Line {
    Item(usize, ActionItem),
    Change(usize, Change),
}

/// A keyed list: a line is drawn again only when it changes, so ticking an item off redraws
/// that item and adds the history's new line, and the focus stays on the checkbox.
fn keyed_lines(
    each: Memo<Vec<Line>>,
    line: impl Fn(Line) -> AnyView + Send + Clone + 'static,
) -> impl IntoView {
    view! { <For each=move || each.get() key=Line::clone children=line /> }
}
