//! The app's long-lived state, one context per concern, created once in `ui::App`, and the
//! small hooks every screen uses (the texts, the tab title, the user's role).
//!
//! Five contexts instead of one bag: a screen asks for what it reads ([`use_prefs`],
//! [`use_shell`], [`use_lock`], [`use_work`], [`use_sync`]), and a function that runs outside
//! any component (after a save, from a timer) is handed the ones it needs.

use crate::app::repository::Concerns;
use crate::app::sync_view::SyncView;
use crate::domain::concern::Concern;
use crate::domain::concern_list::Summary;
use crate::domain::guide::engine::Answers;
use crate::domain::i18n::Texts;
use crate::domain::pages::Page;
use crate::domain::profile::library::{Entry, Library};
use crate::domain::profile::Profile;
use crate::domain::roles;
use crate::domain::settings::{Settings, StorageNotice};
use crate::platform;
use leptos::prelude::*;
use std::sync::Arc;

/// The settings and what follows from them: the language's texts, the profiles and the chosen
/// one, large text.
#[derive(Clone, Copy)]
pub struct Prefs {
    pub settings: RwSignal<Settings>,
    /// Built-in and imported municipality profiles.
    pub library: RwSignal<Library>,
    /// The chosen municipality, by id and name; `None` until one is chosen (or if the chosen
    /// one is gone). Its profile is [`Prefs::profile`]: only the pages decode it, so the
    /// profile's decoder is in their chunks, not in the main module (issue 15).
    pub chosen: Memo<Option<Entry>>,
    pub texts: Memo<&'static Texts>,
    /// "Stor tekst" for a projector.
    pub large_text: RwSignal<bool>,
}

/// What stands over every page: a storage notice, the covered screen, what retention did.
#[derive(Clone, Copy)]
pub struct ShellState {
    /// A storage problem the user should be told about.
    pub notice: RwSignal<Option<StorageNotice>>,
    /// "Skjul skærm": the content is covered until the user shows it again.
    pub screen_hidden: RwSignal<bool>,
    /// Retention at start: (deleted now, announced for deletion next time).
    pub retention: RwSignal<(usize, usize)>,
}

/// The lock.
#[derive(Clone, Copy)]
pub struct LockState {
    /// A PIN is set and has not been entered (or the app locked itself): nothing of the data is
    /// shown, and the concerns are not in memory.
    pub locked: RwSignal<bool>,
}

/// The user's work: the concerns in memory, where they live (real data or training's
/// namespace), the guide's answers in progress, and the feed sync listens to.
#[derive(Clone, Copy)]
pub struct WorkState {
    /// Saved concerns on this device.
    pub concerns: RwSignal<Vec<Concern>>,
    /// The list's copy of their summaries, read at start before every concern is loaded
    /// (`concern_list`); `None` once they are (the list is then drawn from them).
    pub listed: RwSignal<Option<Vec<Summary>>>,
    /// Ids of concerns changed in memory whose write failed (storage full); retried on request.
    pub unsaved: RwSignal<Vec<String>>,
    /// "Hvad skal jeg gøre?" answers: kept in memory while the app is open (so a look at the
    /// staircase mid-flow loses nothing), never stored.
    pub guide_answers: RwSignal<Answers>,
    /// Training mode: a banner everywhere; concerns live in training's own namespace.
    pub training: RwSignal<bool>,
    /// The training case being walked through the guide.
    pub training_case: RwSignal<Option<String>>,
    /// Counts local changes to real concerns; sync listens (`ui::sync::start`) and sends them.
    pub local_changes: RwSignal<u32>,
}

/// Sync's status and the concerns with a conflict.
#[derive(Clone, Copy)]
pub struct SyncState {
    pub view: RwSignal<SyncView>,
}

impl Prefs {
    /// The chosen municipality's profile, decoded on first use (tracks the choice).
    pub fn profile(self) -> Option<Arc<Profile>> {
        self.chosen.with(|c| c.as_ref().and_then(Entry::profile))
    }

    /// [`Prefs::profile`] without tracking.
    pub fn profile_untracked(self) -> Option<Arc<Profile>> {
        self.chosen
            .with_untracked(|c| c.as_ref().and_then(Entry::profile))
    }
}

impl WorkState {
    /// Where concerns and drafts are read and written now: real data, or training's namespace.
    pub fn repository(self) -> Concerns {
        Concerns::new(self.training.get_untracked())
    }

    /// A concern of real data was saved or deleted here: sync hears of it.
    pub fn changed_locally(self) {
        if !self.training.get_untracked() {
            self.local_changes.update(|n| *n = n.wrapping_add(1));
        }
    }
}

/// The five, provided at the root as one value: each generic context lookup is its own copy of
/// Leptos's code in the wasm, and five of them cost ~1.3 KB of gzip on the first screen
/// (measured 2026-12-06). Screens still ask for one concern each through the hooks below.
#[derive(Clone, Copy)]
pub struct Contexts {
    pub prefs: Prefs,
    pub shell: ShellState,
    pub lock: LockState,
    pub work: WorkState,
    pub sync: SyncState,
}

fn contexts() -> Contexts {
    expect_context::<Contexts>()
}

pub fn use_prefs() -> Prefs {
    contexts().prefs
}

pub fn use_shell() -> ShellState {
    contexts().shell
}

pub fn use_lock() -> LockState {
    contexts().lock
}

pub fn use_work() -> WorkState {
    contexts().work
}

pub fn use_sync() -> SyncState {
    contexts().sync
}

/// The user's role for the change history of concerns, as a code (`domain::roles`): the one
/// chosen before (a label saved before the codes read as its code), else the first on the list.
pub fn my_role(prefs: Prefs) -> String {
    let stored = prefs.settings.read_untracked().my_role.clone();
    match stored {
        Some(role) => roles::code_of(&role).map_or(role, str::to_string),
        None => roles::CODES[0].to_string(),
    }
}

/// The current language's text table.
pub fn use_texts() -> Memo<&'static Texts> {
    use_prefs().texts
}

/// Keeps the tab title in step with the page and the language.
pub fn use_page_title(page: Page) {
    use_title(move |t| page.title(t));
}

/// Keeps the tab title ("<title> – SSP Handleguide") in step with the language, for a screen
/// that is not one of the [`Page`]s (not found, a page that could not be loaded).
pub fn use_title(title: impl Fn(&'static Texts) -> &'static str + 'static) {
    let t = use_texts();
    Effect::new(move |_| {
        let t = t.get();
        platform::document::set_title(&format!("{} – {}", title(t), t.app_name));
    });
}
