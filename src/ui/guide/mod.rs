//! The concern guide in the app: "Hvad skal jeg gøre?" (nothing is stored) and "Jeg er bekymret
//! for et barn" (the answers are kept as a draft on the device). The steps, rules and outcome
//! come from `data/guide.json` through `domain::guide`; this module only shows them.

pub mod notification;
mod outcome;
mod session;
mod steps;

pub use session::{error_text, keep_draft, keep_note, Mode, RestartButton, Session};

use super::common::NoProfile;
use super::{use_page_title, use_prefs, use_work};
use crate::domain::guide;
use crate::domain::pages::Page;
use crate::platform::{self, vault};
use leptos::either::Either;
use leptos::prelude::*;

#[component]
pub fn GuidePage(mode: Mode) -> impl IntoView {
    let prefs = use_prefs();
    let work = use_work();
    let t = prefs.texts;
    let page = match mode {
        Mode::Guide => Page::Guide,
        Mode::Concern => Page::NewConcern,
    };
    use_page_title(page);
    // A guide that does not decode is never used: show why, instead of advice. (The tests keep
    // the built-in file valid; this is what a broken build would show instead of a crash.)
    let guide = match guide::load() {
        Ok(guide) => guide,
        Err(problems) => {
            let items = problems
                .iter()
                .map(|p| view! { <li><code>{p.clone()}</code></li> })
                .collect_view();
            return view! {
                <section class="page page--guide">
                    <h1>{move || page.title(t.get())}</h1>
                    <div class="alert alert--error" role="alert">
                        <p>{move || t.get().guide_invalid}</p>
                        <ul>{items}</ul>
                    </div>
                </section>
            }
            .into_any();
        }
    };
    let session = Session {
        work,
        profile: Signal::derive(move || prefs.profile()),
        guide,
        mode,
        answers: match mode {
            Mode::Concern => RwSignal::new(vault::read(|d| {
                work.repository().draft(d, platform::now_ms())
            })),
            Mode::Guide => work.guide_answers,
        },
        shown: RwSignal::new(None),
        cleared: RwSignal::new(Vec::new()),
        error: RwSignal::new(None),
        notification: RwSignal::new(match mode {
            Mode::Concern => vault::read(|d| work.repository().note(d, platform::now_ms())),
            Mode::Guide => None,
        }),
        drafting: RwSignal::new(false),
    };
    if mode == Mode::Concern {
        // Keep the draft on the device after every change (not on the first, loading run).
        Effect::new(move |ran: Option<()>| {
            let answers = session.answers.get();
            if ran.is_some() {
                keep_draft(work, answers);
            }
        });
        Effect::new(move |ran: Option<()>| {
            let note = session.notification.get();
            if ran.is_some() {
                keep_note(work, note);
            }
        });
    }
    let body = move || {
        if prefs.chosen.with(Option::is_none) {
            return Either::Left(view! { <NoProfile /> }.into_any());
        }
        Either::Right(match session.displayed() {
            Some(step) => Either::Left(view! { <steps::StepView session step /> }.into_any()),
            None if session.drafting.get() => {
                Either::Right(view! { <NotificationScreen session /> }.into_any())
            }
            None => Either::Right(view! { <outcome::OutcomeView session /> }.into_any()),
        })
    };
    view! {
        <section class="page page--guide">
            <h1 class="no-print">{move || page.title(t.get())}</h1>
            <p class="lead no-print">
                {move || match mode {
                    Mode::Guide => t.get().guide_intro_guide,
                    Mode::Concern => t.get().guide_intro_concern,
                }}
            </p>
            // A training case: its story, and at the outcome its answer key first, for the room.
            {(mode == Mode::Concern).then(|| view! {
                <super::training::CaseStory />
                {move || session.displayed().is_none().then(|| view! { <super::training::CaseKey answers=session.answers.into() /> })}
            })}
            {body}
        </section>
    }
    .into_any()
}

/// The written notification from the outcome: the draft to edit, copy and print.
#[component]
fn NotificationScreen(session: Session) -> impl IntoView {
    let prefs = use_prefs();
    let t = prefs.texts;
    let profile = prefs.profile_untracked()?;
    let answers = session.answers.get_untracked();
    let role = (session.mode == Mode::Concern).then(|| super::my_role(prefs));
    let generated = crate::app::notification::draft(
        session.guide,
        &answers,
        &profile,
        role.as_deref(),
        None,
        &[],
    );
    let draft = RwSignal::new(
        session
            .notification
            .get_untracked()
            .unwrap_or_else(|| generated.clone()),
    );
    Effect::new(move |_| session.notification.set(Some(draft.get())));
    let t_now = t.get_untracked();
    let back = move |_| {
        session.drafting.set(false);
        platform::document::focus_after_render("outcome-title");
    };
    Some(view! {
        <article class="notification" aria-labelledby="draft-title">
            <h2 id="draft-title" tabindex="-1" class="no-print">{t_now.notification_title}</h2>
            <p class="badge badge--info no-print">
                {if session.mode == Mode::Concern { t_now.notification_with_concern } else { t_now.notification_in_memory }}
            </p>
            <notification::NotificationEditor draft generated profile guide=session.guide>
                <button type="button" class="btn btn--tertiary" on:click=back>{t_now.notification_back}</button>
            </notification::NotificationEditor>
        </article>
    })
}
