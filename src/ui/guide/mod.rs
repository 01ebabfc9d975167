//! The concern guide in the app: "Hvad skal jeg gøre?" (nothing is stored) and "Jeg er bekymret
//! for et barn" (the answers are kept as a draft on the device). The steps, rules and outcome
//! come from `data/guide.json` through `domain::guide`; this module only shows them.

pub mod notification;
mod outcome;
mod steps;

use super::common::NoProfile;
use super::{use_app, use_page_title};
use crate::domain::guide::engine::{Answer, AnswerError, Answers};
use crate::domain::guide::{self, Guide};
use crate::domain::i18n::Texts;
use crate::domain::notification::Draft;
use crate::domain::pages::Page;
use crate::domain::storage::{self, Codec, Loaded};
use crate::platform;
use crate::ui::data;
use leptos::either::Either;
use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// "Hvad skal jeg gøre?": guidance only; nothing is stored anywhere.
    Guide,
    /// "Jeg er bekymret for et barn": the answers are kept as a local draft.
    Concern,
}

const DRAFT_KEY: &str = "ssp.draft.concern";
/// The written notification's draft while the concern is not yet saved (sealed under the PIN
/// like every `ssp.draft.` key).
const NOTE_KEY: &str = "ssp.draft.notification";
const DRAFT_CODEC: Codec = Codec {
    schema: 1,
    migrations: &[],
};

fn load_draft() -> Answers {
    // Read through the PIN lock: the draft is sealed like the concerns.
    let now = platform::now_ms();
    match data::read(|store| storage::load::<Answers>(store, DRAFT_KEY, &DRAFT_CODEC, now)) {
        Loaded::Found(a) => a,
        _ => Answers::new(),
    }
}

fn load_note() -> Option<Draft> {
    let now = platform::now_ms();
    match data::read(|store| storage::load::<Draft>(store, NOTE_KEY, &DRAFT_CODEC, now)) {
        Loaded::Found(d) => Some(d),
        _ => None,
    }
}

fn keep_note(note: Option<Draft>) {
    // A CPR-like number is never stored: the draft stays in memory only until it is removed
    // (the editor says so), and the device keeps the version before it.
    if note.as_ref().is_some_and(Draft::holds_cpr) {
        return;
    }
    let now = platform::now_ms();
    data::write(
        move |store| match &note {
            Some(d) => storage::save(store, NOTE_KEY, &DRAFT_CODEC, d, now),
            None => store.remove(NOTE_KEY),
        },
        |_, _| {},
    );
}

/// Puts `answers` in the concern guide's draft (a training case's answers, or none).
pub fn replace_draft(answers: Answers) {
    if answers.is_empty() {
        forget_draft();
    } else {
        keep_draft(answers);
    }
}

fn forget_draft() {
    data::write(|store| store.remove(DRAFT_KEY), |_, _| {});
    keep_note(None);
}

fn keep_draft(answers: Answers) {
    let now = platform::now_ms();
    data::write(
        move |store| storage::save(store, DRAFT_KEY, &DRAFT_CODEC, &answers, now),
        |_, _| {},
    );
}

/// The guide session's state, shared by the step and outcome views.
#[derive(Clone, Copy)]
pub struct Session {
    pub mode: Mode,
    pub answers: RwSignal<Answers>,
    /// The step shown when the user went back or chose to change an answer; `None` shows the
    /// step waiting for an answer, or the outcome.
    pub shown: RwSignal<Option<String>>,
    /// Steps whose answers the last change removed.
    pub cleared: RwSignal<Vec<String>>,
    pub error: RwSignal<Option<AnswerError>>,
    /// The written notification's draft: in memory for "Hvad skal jeg gøre?", kept on the
    /// device (sealed) for a concern until it is saved with it.
    pub notification: RwSignal<Option<Draft>>,
    /// The draft's screen is shown instead of the outcome.
    pub drafting: RwSignal<bool>,
}

pub fn guide() -> &'static Guide {
    guide::builtin()
}

impl Session {
    /// Stores an answer and moves to the step after it.
    pub fn submit(self, step_id: &str, answer: Answer) {
        // The profile is borrowed, never cloned, on every step (it is a large value).
        let profile = use_app().profile;
        // A refused answer must not touch the answers signal: updating it re-renders the step,
        // and the text being typed would be lost.
        if let Err(e) = guide().check(step_id, &answer) {
            self.error.set(Some(e));
            return;
        }
        let result = self
            .answers
            .try_update(|a| {
                profile.with_untracked(|p| guide().answer(a, step_id, answer, p.as_ref()))
            })
            .expect("answers signal alive");
        match result {
            Ok(dropped) => {
                self.error.set(None);
                self.cleared.set(dropped);
                // Walking forward through answers given before (after going back), show the
                // next one; otherwise show whatever waits for an answer, or the outcome.
                let pos = profile.with_untracked(|p| {
                    self.answers
                        .with_untracked(|a| guide().position(a, p.as_ref()))
                });
                let next = pos
                    .path
                    .iter()
                    .position(|s| s == step_id)
                    .and_then(|i| pos.path.get(i + 1))
                    .cloned();
                let next_answered = next
                    .as_ref()
                    .is_some_and(|n| self.answers.with_untracked(|a| a.contains_key(n)));
                self.shown.set(next.filter(|_| next_answered));
                platform::document::scroll_to_top();
                platform::document::focus_after_render("step-heading");
            }
            Err(e) => self.error.set(Some(e)),
        }
    }

    /// The step on screen, or `None` for the outcome.
    pub fn displayed(self) -> Option<String> {
        let pos = use_app()
            .profile
            .with(|p| self.answers.with(|a| guide().position(a, p.as_ref())));
        self.shown
            .get()
            .or_else(|| pos.current().map(str::to_string))
    }

    pub fn back(self) {
        let pos = use_app().profile.with_untracked(|p| {
            self.answers
                .with_untracked(|a| guide().position(a, p.as_ref()))
        });
        let here = self
            .shown
            .get_untracked()
            .or_else(|| pos.current().map(str::to_string));
        let previous = match here {
            Some(id) => pos
                .path
                .iter()
                .position(|s| *s == id)
                .and_then(|i| i.checked_sub(1))
                .map(|i| pos.path[i].clone()),
            None => pos.path.last().cloned(),
        };
        if let Some(step) = previous {
            self.error.set(None);
            self.shown.set(Some(step));
            platform::document::focus_after_render("step-heading");
        }
    }

    /// Forgets the answers and the stored draft (after the concern was saved).
    pub fn clear_draft(self) {
        if self.mode == Mode::Concern {
            forget_draft();
        }
        self.answers.set(Answers::new());
        self.shown.set(None);
        self.notification.set(None);
        self.drafting.set(false);
    }

    pub fn restart(self) {
        self.answers.set(Answers::new());
        self.shown.set(None);
        self.cleared.set(Vec::new());
        self.error.set(None);
        self.notification.set(None);
        self.drafting.set(false);
        if self.mode == Mode::Concern {
            forget_draft();
        }
        platform::document::focus_after_render("step-heading");
    }
}

/// "Start forfra", which asks before the answers are discarded.
#[component]
pub fn RestartButton(session: Session) -> impl IntoView {
    let t = use_app().texts;
    let confirming = RwSignal::new(false);
    move || {
        let t = t.get();
        if confirming.get() {
            view! {
                <div class="confirm" role="alert">
                    <p>{t.restart_confirm}</p>
                    <button type="button" class="btn btn--primary"
                        on:click=move |_| { confirming.set(false); session.restart(); }>{t.restart_yes}</button>
                    <button type="button" class="btn btn--secondary" on:click=move |_| confirming.set(false)>{t.restart_no}</button>
                </div>
            }
            .into_any()
        } else {
            view! {
                <button type="button" class="btn btn--tertiary" on:click=move |_| confirming.set(true)>{t.restart}</button>
            }
            .into_any()
        }
    }
}

/// The CSS modifier for a concern level ("green", "yellow", "red"): `level-box--…`, `dot--…`.
pub fn level_css(level: guide::Level) -> &'static str {
    match level {
        guide::Level::Green => "green",
        guide::Level::Yellow => "yellow",
        guide::Level::Red => "red",
    }
}

pub fn error_text(e: &AnswerError, t: &'static Texts) -> &'static str {
    match e {
        AnswerError::MissingField(_) => t.error_missing_observation,
        AnswerError::TooFew { .. } => t.error_too_few,
        AnswerError::ExclusiveWithOthers(_) => t.error_exclusive,
        AnswerError::CprNumber(_) => t.error_cpr_not_saved,
        // Not reachable from the UI's own controls; the closest plain message.
        AnswerError::UnknownOption(_) | AnswerError::WrongKind | AnswerError::UnknownStep => {
            t.error_too_few
        }
    }
}

#[component]
pub fn GuidePage(mode: Mode) -> impl IntoView {
    let app = use_app();
    let t = app.texts;
    let page = match mode {
        Mode::Guide => Page::Guide,
        Mode::Concern => Page::NewConcern,
    };
    use_page_title(page);
    let session = Session {
        mode,
        answers: match mode {
            Mode::Concern => RwSignal::new(load_draft()),
            Mode::Guide => app.guide_answers,
        },
        shown: RwSignal::new(None),
        cleared: RwSignal::new(Vec::new()),
        error: RwSignal::new(None),
        notification: RwSignal::new(match mode {
            Mode::Concern => load_note(),
            Mode::Guide => None,
        }),
        drafting: RwSignal::new(false),
    };
    if mode == Mode::Concern {
        // Keep the draft on the device after every change (not on the first, loading run).
        Effect::new(move |ran: Option<()>| {
            let answers = session.answers.get();
            if ran.is_some() {
                if answers.is_empty() {
                    forget_draft();
                } else {
                    keep_draft(answers);
                }
            }
        });
        Effect::new(move |ran: Option<()>| {
            let note = session.notification.get();
            if ran.is_some() {
                keep_note(note);
            }
        });
    }
    let body = move || {
        // A guide that fails validation is never used: show why, instead of advice.
        if let Err(problems) = guide::load() {
            let items = problems
                .iter()
                .map(|p| view! { <li><code>{p.clone()}</code></li> })
                .collect_view();
            return Either::Left(
                view! {
                    <div class="alert alert--error" role="alert">
                        <p>{move || t.get().guide_invalid}</p>
                        <ul>{items}</ul>
                    </div>
                }
                .into_any(),
            );
        }
        if app.profile.with(Option::is_none) {
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
}

/// The written notification from the outcome: the draft to edit, copy and print.
#[component]
fn NotificationScreen(session: Session) -> impl IntoView {
    let app = use_app();
    let t = app.texts;
    let profile = app.profile.get_untracked()?;
    let answers = session.answers.get_untracked();
    let role = (session.mode == Mode::Concern).then(|| super::my_role(app));
    let generated = notification::build(&answers, &profile, role.as_deref(), None, &[]);
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
            <notification::NotificationEditor draft generated profile>
                <button type="button" class="btn btn--tertiary" on:click=back>{t_now.notification_back}</button>
            </notification::NotificationEditor>
        </article>
    })
}
