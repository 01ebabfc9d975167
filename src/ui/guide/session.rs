//! The guide session on screen: its mode, its state (the answers, the step shown, what the
//! last change cleared, the notification's draft), moving through it with `app::walk`, keeping
//! the concern guide's draft on the device, and "Start forfra". Shared by the page and its
//! step and outcome views.

use crate::app::walk::Walk;
use crate::domain::guide::engine::{Answer, AnswerError, Answers};
use crate::domain::guide::Guide;
use crate::domain::i18n::Texts;
use crate::domain::notification::Draft;
use crate::domain::profile::Profile;
use crate::platform::{self, vault};
use crate::ui::state::{use_texts, WorkState};
use leptos::prelude::*;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// "Hvad skal jeg gøre?": guidance only; nothing is stored anywhere.
    Guide,
    /// "Jeg er bekymret for et barn": the answers are kept as a local draft.
    Concern,
}

/// Keeps the guide's answers on the device (empty answers remove the draft).
pub fn keep_draft(work: WorkState, answers: Answers) {
    let (repo, now) = (work.repository(), platform::now_ms());
    vault::write(
        move |device| repo.keep_draft(device, &answers, now),
        |_, _| {},
    );
}

pub fn keep_note(work: WorkState, note: Option<Draft>) {
    let (repo, now) = (work.repository(), platform::now_ms());
    vault::write(
        move |device| repo.keep_note(device, note.as_ref(), now),
        |_, _| {},
    );
}

/// The guide session's state, shared by the step and outcome views.
#[derive(Clone, Copy)]
pub struct Session {
    /// Where the draft is kept, and the profile the walk follows: kept here, as a session's
    /// methods also run from callbacks outside any component (after a save), where there is no
    /// context to ask.
    pub work: WorkState,
    pub profile: Signal<Option<Arc<Profile>>>,
    /// The built-in guide, decoded before the session began (a guide that does not decode
    /// shows why instead of a session).
    pub guide: &'static Guide,
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

impl Session {
    /// Stores an answer and moves to the step after it.
    pub fn submit(self, step_id: &str, answer: Answer) {
        // The profile is borrowed, never cloned, on every step (it is a large value).
        let profile = self.profile;
        // A refused answer must not touch the answers signal: updating it re-renders the step,
        // and the text being typed would be lost.
        let checked =
            profile.with_untracked(|p| Walk::new(self.guide, p.as_deref()).check(step_id, &answer));
        if let Err(e) = checked {
            self.error.set(Some(e));
            return;
        }
        let result = self.answers.try_update(|a| {
            profile
                .with_untracked(|p| Walk::new(self.guide, p.as_deref()).answer(a, step_id, answer))
        });
        match result {
            Some(Ok(answered)) => {
                self.error.set(None);
                self.cleared.set(answered.cleared);
                self.shown.set(answered.shown);
                platform::document::scroll_to_top();
                platform::document::focus_after_render("step-heading");
            }
            Some(Err(e)) => self.error.set(Some(e)),
            None => {}
        }
    }

    /// The step on screen, or `None` for the outcome.
    pub fn displayed(self) -> Option<String> {
        self.profile.with(|p| {
            self.answers.with(|a| {
                self.shown
                    .with(|s| Walk::new(self.guide, p.as_deref()).displayed(a, s.as_deref()))
            })
        })
    }

    pub fn back(self) {
        let previous = self.profile.with_untracked(|p| {
            self.answers.with_untracked(|a| {
                self.shown
                    .with_untracked(|s| Walk::new(self.guide, p.as_deref()).back(a, s.as_deref()))
            })
        });
        if let Some(step) = previous {
            self.error.set(None);
            self.shown.set(Some(step));
            platform::document::focus_after_render("step-heading");
        }
    }

    /// Forgets the answers and the stored draft (after the concern was saved).
    pub fn clear_draft(self) {
        // Now, not in the effect that keeps the draft: the page may be left before it runs.
        if self.mode == Mode::Concern {
            keep_draft(self.work, Answers::new());
        }
        self.answers.set(Answers::new());
        self.shown.set(None);
        self.notification.set(None);
        self.drafting.set(false);
    }

    pub fn restart(self) {
        self.clear_draft();
        self.cleared.set(Vec::new());
        self.error.set(None);
        platform::document::focus_after_render("step-heading");
    }
}

/// "Start forfra", which asks before the answers are discarded.
#[component]
pub fn RestartButton(session: Session) -> impl IntoView {
    let t = use_texts();
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
