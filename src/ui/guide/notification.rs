//! The written notification (underretning) on screen: where to send it, the draft's sections
//! to edit, what to look at before copying, "Kopiér teksten" and the print view. The draft
//! itself comes from `domain::notification`; this module only shows and edits it.

use crate::domain::cpr;
use crate::domain::dates::Date;
use crate::domain::guide::Guide;
use crate::domain::notification::{Draft, DraftProblem};
use crate::domain::profile::Profile;
use crate::platform;
use crate::ui::use_prefs;
use leptos::prelude::*;
use std::sync::Arc;

/// The text a section's problem is shown with.
fn problem_text(p: &DraftProblem, t: &'static crate::domain::i18n::Texts) -> Option<String> {
    match p {
        DraftProblem::Cpr(n) => Some(format!("{} {n}", t.notification_cpr)),
        DraftProblem::NameLike(n) => Some(format!(
            "{} {n}. {}",
            t.notification_name, t.notification_name_hint
        )),
        _ => None,
    }
}

/// The draft's editor: the channel, every section (title in the chosen language, the text in
/// Danish), flags on empty sections and places to fill in, the warnings before copying, and
/// the copy and print buttons. `children` are the caller's own buttons (back, save).
#[component]
pub fn NotificationEditor(
    draft: RwSignal<Draft>,
    generated: Draft,
    profile: Arc<Profile>,
    guide: &'static Guide,
    children: Children,
) -> impl IntoView {
    let prefs = use_prefs();
    let t = prefs.texts;
    let lang = prefs.settings.read_untracked().lang;
    let t_now = t.get_untracked();
    let n = &guide.notification;
    let copied = RwSignal::new(None::<bool>);
    // Names and CPR-like numbers are shown before copying; a name can be copied anyway.
    let confirm_names = RwSignal::new(false);
    let generated_for_problems = generated.clone();
    let problems = Memo::new(move |_| draft.with(|d| d.problems(&generated_for_problems)));
    let today = Date::from_ms(platform::now_ms()).danish();
    let profile_name = profile.name.clone();
    let full_text = {
        let profile = profile.clone();
        let today = today.clone();
        move || draft.with(|d| d.full_text(guide, &profile, &today))
    };

    let channel = match &profile.links.notification_channel {
        Some(c) => {
            let link = c.url().map(|u| view! { <a href=u.to_string() target="_blank" rel="noopener">{u.to_string()}</a> });
            let text = c.text().map(|x| view! { <span>{x.to_string()}" "</span> });
            // A route in words comes with where the municipality says so.
            let source = c.source().cloned().map(|source| {
                let document_title = crate::ui::common::document_title(&profile, &source);
                view! { <crate::ui::common::SourceLine source document_title /> }
            });
            view! { <p class="channel__where">{text}{link}</p> {source} }.into_any()
        }
        None => {
            view! { <p class="channel__where">{t_now.notification_channel_missing}</p> }.into_any()
        }
    };

    let sections = draft
        .get_untracked()
        .sections
        .into_iter()
        .map(|s| {
            let id = s.id.clone();
            let spec = n.sections.iter().find(|x| x.id == s.id).cloned();
            let dom_id = format!("draft-{}", s.id);
            let hint_id = format!("draft-hint-{}", s.id);
            let (title, hint) = spec
                .map(|x| (x.title.get(lang).to_string(), x.hint.get(lang).to_string()))
                .unwrap_or_default();
            let id_flag = id.clone();
            let flag = move || {
                problems.with(|ps| {
                    ps.iter().find_map(|p| match p {
                        DraftProblem::Empty(x) if *x == id_flag => Some(t.get().notification_empty),
                        DraftProblem::Placeholder(x) if *x == id_flag => Some(t.get().notification_placeholder),
                        _ => None,
                    })
                })
                .map(|msg| view! { <p class="draft__flag">{msg}</p> })
            };
            let rows = (s.text.lines().count() + 2).clamp(3, 12).to_string();
            view! {
                <div class="field draft__section">
                    <label for=dom_id.clone()>{title}</label>
                    <p class="hint" id=hint_id.clone()>{hint}</p>
                    <textarea id=dom_id lang="da" rows=rows aria-describedby=hint_id prop:value=s.text
                        on:input=move |ev| {
                            let text = event_target_value(&ev);
                            draft.update(|d| d.set_section(&id, text));
                            copied.set(None);
                            confirm_names.set(false);
                        }></textarea>
                    {flag}
                </div>
            }
        })
        .collect_view();

    let copy = {
        let full_text = full_text.clone();
        move |anyway: bool| {
            let ps = problems.get_untracked();
            let has_cpr = ps.iter().any(|p| matches!(p, DraftProblem::Cpr(_)));
            let has_name = ps.iter().any(|p| matches!(p, DraftProblem::NameLike(_)));
            if has_cpr || (has_name && !anyway) {
                confirm_names.set(true);
                return;
            }
            let text = full_text();
            leptos::task::spawn_local(async move {
                copied.set(Some(platform::clipboard::copy(&text).await.is_ok()));
            });
        }
    };
    let copy_first = copy.clone();
    let warnings = move || {
        let t_now = t.get();
        let ps = problems.get();
        let shown: Vec<String> = ps.iter().filter_map(|p| problem_text(p, t_now)).collect();
        let has_cpr = ps.iter().any(|p| matches!(p, DraftProblem::Cpr(_)));
        (confirm_names.get() && !shown.is_empty()).then(|| {
            let copy = copy.clone();
            view! {
                <div class="alert alert--warning" role="alert">
                    {shown.into_iter().map(|s| view! { <p>{s}</p> }).collect_view()}
                    <div class="button-row">
                        {has_cpr.then(|| view! {
                            <button type="button" class="btn btn--secondary" on:click=move |_| {
                                draft.update(|d| for s in d.sections.iter_mut() { s.text = cpr::remove(&s.text); });
                                confirm_names.set(false);
                            }>{t_now.cpr_remove}</button>
                        })}
                        {(!has_cpr).then(|| view! {
                            <button type="button" class="btn btn--secondary" on:click=move |_| copy(true)>{t_now.notification_copy_anyway}</button>
                        })}
                    </div>
                </div>
            }
        })
    };
    let print_header = format!("{} · {}", profile_name, today);

    view! {
        <div class="draft">
            <p class="lead no-print">{t_now.notification_intro}</p>
            <p class="hint no-print">{n.language_note.get(lang).to_string()}</p>
            <section class="channel no-print" aria-labelledby="channel-title">
                <h3 id="channel-title">{t_now.notification_send_to}</h3>
                {channel}
            </section>
            <div class="no-print">{sections}</div>
            <div class="no-print">{warnings}</div>
            {move || copied.get().map(|ok| view! {
                <p class=if ok { "alert alert--success" } else { "alert alert--warning" } role="status">
                    {if ok { t.get().notification_copied } else { t.get().notification_copy_failed }}
                </p>
            })}
            <div class="button-row no-print">
                <button type="button" class="btn btn--primary" on:click=move |_| copy_first(false)>{t_now.notification_copy}</button>
                <button type="button" class="btn btn--secondary" on:click=move |_| platform::document::print_with_header(&print_header)>
                    {t_now.notification_print}
                </button>
                {children()}
            </div>
            // What is printed: the draft as plain text, nothing of the editor.
            <pre class="draft__print print-only" lang="da">{full_text}</pre>
        </div>
    }
}
