//! Training mode (undervisningstilstand): a banner on every screen, the fictional cases, the
//! case's story in the guide and its answer key at the outcome. While it is on, concerns and
//! drafts live in training's own namespace (`ui::data`), and the real ones are not shown.

use super::{use_page_title, use_prefs, use_shell, use_work, Prefs, ShellState, WorkState};
use crate::domain::guide::{self, engine::Answers};
use crate::domain::i18n::Texts;
use crate::domain::pages::Page;
use crate::domain::storage::{self, KeyValueStore};
use crate::domain::topics;
use crate::domain::training::{self, Expected, TrainingCase};
use crate::platform::{self, local_storage::LocalStorage};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

/// Stored while training mode is on, so a reload mid-session stays in training.
const ON_KEY: &str = "ssp.training.on";

pub fn stored_on() -> bool {
    matches!(LocalStorage.get(ON_KEY), Ok(Some(_)))
}

/// Turns training mode on or off: concerns are read again from where they now live, and the
/// guide's in-memory answers are dropped so nothing crosses over.
pub fn switch(work: WorkState, shell: ShellState, prefs: Prefs, on: bool) {
    let _ = if on {
        LocalStorage.set(ON_KEY, "1")
    } else {
        LocalStorage.remove(ON_KEY)
    };
    work.training.set(on);
    work.training_case.set(None);
    work.guide_answers.set(Answers::new());
    work.concerns.set(Vec::new());
    work.listed.set(None);
    super::concern_io::load_concerns(work, shell, prefs);
}

/// "Nulstil": everything training stored is deleted; training mode stays on.
pub fn reset(work: WorkState) {
    work.training_case.set(None);
    work.guide_answers.set(Answers::new());
    work.concerns.set(Vec::new());
    work.listed.set(None);
    // Through the lock, so its decrypted copy forgets the cases too.
    crate::platform::vault::write(
        |s| storage::clear_training(s),
        |_, _| {
            let _ = LocalStorage.set(ON_KEY, "1");
        },
    );
}

/// The case shown now, if any.
fn active_case(work: WorkState) -> Option<&'static TrainingCase> {
    let id = work.training_case.get()?;
    training::load().ok()?.case(&id)
}

/// On every screen while training mode is on.
#[component]
pub fn TrainingBanner() -> impl IntoView {
    let prefs = use_prefs();
    let shell = use_shell();
    let work = use_work();
    let t = prefs.texts;
    let navigate = use_navigate();
    let leave = {
        let navigate = navigate.clone();
        move |_| {
            switch(work, shell, prefs, false);
            navigate(Page::Training.path(), Default::default());
        }
    };
    let do_reset = move |_| {
        reset(work);
        shell.notice.set(None);
        navigate(Page::Training.path(), Default::default());
        platform::document::focus_after_render("training-reset-done");
    };
    move || {
        work.training.get().then(|| {
            view! {
                <div class="training-banner no-print" role="region" aria-label=move || t.get().page_training>
                    <p class="training-banner__text"><strong>{move || t.get().training_banner}</strong></p>
                    <div class="training-banner__tools">
                        <button type="button" class="btn btn--banner" aria-pressed=move || prefs.large_text.get().to_string()
                            on:click=move |_| prefs.large_text.update(|l| *l = !*l)>{move || t.get().large_text}</button>
                        <button type="button" class="btn btn--banner" on:click=do_reset.clone()>{move || t.get().training_reset}</button>
                        <button type="button" class="btn btn--banner" on:click=leave.clone()>{move || t.get().training_leave}</button>
                    </div>
                </div>
            }
        })
    }
}

/// Undervisning: start training, or, while it is on, the cases by topic.
#[component]
pub fn TrainingPage() -> impl IntoView {
    let prefs = use_prefs();
    let work = use_work();
    let shell = use_shell();
    let t = prefs.texts;
    use_page_title(Page::Training);
    let navigate = use_navigate();
    let open_case = move |id: String, fill: bool| {
        work.training_case.set(Some(id.clone()));
        let case = training::load().ok().and_then(|set| set.case(&id));
        let answers = match (case, guide::load()) {
            (Some(case), Ok(guide)) if fill => {
                let profile = prefs.profile_untracked();
                training::walk(case, guide, profile.as_deref()).unwrap_or_default()
            }
            _ => Answers::new(),
        };
        // The draft of the training guide lives in training's namespace.
        let (repo, now) = (work.repository(), platform::now_ms());
        crate::platform::vault::write(
            move |device| repo.keep_draft(device, &answers, now),
            |_, _| {},
        );
        navigate(Page::NewConcern.path(), Default::default());
    };
    let open_case = StoredValue::new(open_case);
    move || {
        let t_now = t.get();
        let lang = prefs.settings.read().lang;
        if !work.training.get() {
            return view! {
                <section class="page page--narrow">
                    <h1>{t_now.page_training}</h1>
                    <p class="lead">{t_now.training_intro}</p>
                    <button type="button" class="btn btn--primary btn--large" on:click=move |_| switch(work, shell, prefs, true)>
                        {t_now.training_start}
                    </button>
                </section>
            }
            .into_any();
        }
        // A training file that does not decode (the tests keep it valid) gives a message, not a crash.
        let Ok(set) = training::load() else {
            return view! { <p class="alert alert--error" role="alert">{t_now.guide_invalid}</p> }
                .into_any();
        };
        let cases = topics::all()
            .iter()
            .flat_map(|topic| set.cases_on(&topic.id).map(move |c| (topic, c)))
            .map(|(topic, case)| {
                let id = case.id.clone();
                let id2 = case.id.clone();
                view! {
                    <li class="card training-case">
                        <p class="badge badge--info">{topic.label(lang).to_string()}</p>
                        <h3>{case.title.get(lang).to_string()}</h3>
                        <p>{case.story.get(lang).to_string()}</p>
                        <div class="button-row">
                            <button type="button" class="btn btn--primary"
                                on:click=move |_| open_case.with_value(|f| f(id.clone(), false))>{t_now.training_walk}</button>
                            <button type="button" class="btn btn--secondary"
                                on:click=move |_| open_case.with_value(|f| f(id2.clone(), true))>{t_now.training_fill}</button>
                        </div>
                    </li>
                }
            })
            .collect_view();
        view! {
            <section class="page">
                <h1>{t_now.page_training}</h1>
                <p id="training-reset-done" tabindex="-1" class="lead">{set.fiction_notice.get(lang).to_string()}</p>
                <h2>{t_now.training_cases_title}</h2>
                <ul class="training-cases">{cases}</ul>
            </section>
        }
        .into_any()
    }
}

/// Above the guide while a case is walked: its story.
#[component]
pub fn CaseStory() -> impl IntoView {
    let prefs = use_prefs();
    let work = use_work();
    let t = prefs.texts;
    move || {
        let lang = prefs.settings.read().lang;
        let case = active_case(work).filter(|_| work.training.get())?;
        Some(view! {
            <aside class="card training-story" aria-labelledby="case-title">
                <p class="badge badge--training">{t.get().training_case_label}</p>
                <h2 id="case-title">{case.title.get(lang).to_string()}</h2>
                <p>{case.story.get(lang).to_string()}</p>
            </aside>
        })
    }
}

fn yes_no(b: bool, t: &'static Texts) -> &'static str {
    if b {
        t.yes
    } else {
        t.no
    }
}

/// The rows of the answer key: what the case expects beside what the answers gave.
fn rows(
    expected: &Expected,
    yours: &Expected,
    t: &'static Texts,
    lang: crate::domain::i18n::Lang,
) -> Vec<(&'static str, String, String)> {
    let level = |e: &Expected| crate::domain::overview::level_label(e.level, lang);
    let flag = |what: &'static str, of: fn(&Expected) -> bool| {
        (
            what,
            yes_no(of(expected), t).into(),
            yes_no(of(yours), t).into(),
        )
    };
    vec![
        (t.training_row_level, level(expected), level(yours)),
        flag(t.training_row_acute, |e| e.acute),
        flag(t.training_row_duty, |e| e.duty_applies),
        flag(t.training_row_no_parents_first, |e| {
            e.no_parent_contact_first
        }),
        flag(t.training_row_notification, |e| e.notification),
        flag(t.training_row_police, |e| e.police),
    ]
}

/// At the outcome while a case is walked: the answer key and the discussion points.
#[component]
pub fn CaseKey(answers: Signal<Answers>) -> impl IntoView {
    let prefs = use_prefs();
    let work = use_work();
    let t = prefs.texts;
    move || {
        let t_now = t.get();
        let lang = prefs.settings.read().lang;
        let case = active_case(work).filter(|_| work.training.get())?;
        let profile = prefs.profile()?;
        let outcome = guide::load().ok()?.outcome(&answers.get(), &profile);
        let differences = case.expected.differences(&outcome);
        let yours = Expected::of(&outcome);
        let table = rows(&case.expected, &yours, t_now, lang)
            .into_iter()
            .map(|(what, expected, yours)| {
                let differs = expected != yours;
                view! {
                    <tr class:differs=differs><th scope="row">{what}</th><td>{expected}</td><td>{yours}</td></tr>
                }
            })
            .collect_view();
        let points = case
            .discussion
            .iter()
            .map(|p| view! { <li>{p.get(lang).to_string()}</li> })
            .collect_view();
        Some(view! {
            <section class="card training-key" aria-labelledby="key-title">
                <h2 id="key-title">{t_now.training_facit_title}</h2>
                <p class=if differences.is_empty() { "alert alert--success" } else { "alert alert--warning" }>
                    {if differences.is_empty() { t_now.training_match } else { t_now.training_differs }}
                </p>
                <table class="table">
                    <thead><tr><td></td><th scope="col">{t_now.training_expected}</th><th scope="col">{t_now.training_yours}</th></tr></thead>
                    <tbody>{table}</tbody>
                </table>
                <h3>{t_now.training_discussion}</h3>
                <ul>{points}</ul>
                <p><A href=Page::Training.path() attr:class="btn btn--secondary">{t_now.training_back_to_cases}</A></p>
            </section>
        })
    }
}
