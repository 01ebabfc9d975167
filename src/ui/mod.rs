//! UI: Leptos components. Thin: they read domain state and call domain functions; texts come
//! from `domain::i18n`, content from data files. No business rules inside `view!`.

mod clear_device;
mod common;
mod concern_io;
mod concern_share;
pub(crate) mod concerns;
mod device_data;
pub(crate) mod guide;
mod handoff;
pub(crate) mod lock;
mod not_found;
mod organisation;
mod overview;
mod profile_editor;
mod profile_page;
mod settings;
mod shell;
mod staircase;
mod start;
mod state;
pub(crate) mod sync;
mod team_scan;
mod teams;
mod text_metrics;
mod training;
mod update_notice;

pub use state::{
    my_role, use_lock, use_page_title, use_prefs, use_shell, use_sync, use_texts, use_title,
    use_work, LockState, Prefs, ShellState, SyncState, WorkState,
};

use crate::domain::i18n::{texts, Lang, Texts};
use crate::domain::profile::library::Library;
use crate::domain::settings::{load_settings, save_settings, StorageNotice};
use crate::platform::{self, local_storage::LocalStorage};
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use leptos_router::ChooseView;

/// Starts loading the chunk of the page the address names (a deep link, a reload) before the
/// app starts: main.rs calls this, then mounts the app in a task queued after it. index.html
/// began to fetch and compile the chunk (`compileChunksEarly`); its instantiation so starts as
/// soon as it is compiled (before d0cb341 the fetch began here, ~45 ms late on a deep link).
pub fn preload_current_page() {
    lazy_pages::preload_for(&platform::document::path());
}

/// Fetches the English texts when English is chosen (from the service worker's cache after
/// the first visit) before the app mounts, so the first render shows them as before they
/// became a file (issue 15); should the fetch fail, the app starts in Danish. The chosen
/// municipality's profile is not waited for: the first screen shows only its name (known at
/// build time, or read from the stored profile), and a page waits for the profiles itself.
pub async fn fetch_chosen_files() {
    let stored = crate::domain::settings::stored_settings(&LocalStorage);
    if stored.is_some_and(|s| s.lang == Lang::En) {
        let _ = platform::profile_files::ensure_english().await;
    }
}

#[component]
pub fn App() -> impl IntoView {
    lazy_pages::preload_pages_soon();
    // Load before creating signals, so the first render already shows the stored choice.
    let now = platform::now_ms();
    let startup = load_settings(&LocalStorage, now);
    // The start page lists every profile. Any other page needs only the chosen one to mount;
    // the others are read once the concerns have loaded (`concern_io::complete_library`), so
    // that listing localStorage's keys is not on the way to the first page (issue 15).
    let start_page = platform::document::path() == crate::domain::pages::Page::Start.path();
    let (library, set_aside) = if start_page {
        Library::load(&LocalStorage, now)
    } else {
        Library::load_chosen(&LocalStorage, startup.settings.municipality.as_deref(), now)
    };
    let settings = RwSignal::new(startup.settings.clone());
    let notice = RwSignal::new(
        startup
            .notice
            .or_else(|| (!set_aside.is_empty()).then_some(StorageNotice::ProfileSetAside)),
    );
    let library = RwSignal::new(library);
    concern_io::check_profiles_soon(library, notice);
    let concerns = RwSignal::new(Vec::new());
    let locked = RwSignal::new(platform::vault::is_set());
    let training_on = training::stored_on();
    // The two tables are statics: the same table is the same address, so comparing pointers is
    // enough (a derived PartialEq over ~500 fields cost 18 KB of wasm).
    // English is fetched when it is chosen (it is a file, issue 15); until it is here the
    // texts stay as they were, and should it fail (a first visit without a connection), the
    // choice goes back to Danish.
    let english_here = RwSignal::new(crate::domain::i18n::english().is_some());
    Effect::new(move |_| {
        if settings.read().lang == Lang::En && !english_here.get() {
            leptos::task::spawn_local(async move {
                match platform::profile_files::ensure_english().await {
                    Ok(()) => english_here.set(true),
                    Err(()) => settings.update(|s| s.lang = Lang::Da),
                }
            });
        }
    });
    let texts = Memo::new_with_compare(
        move |old: Option<&&'static Texts>| {
            let lang = settings.read().lang;
            match (lang, english_here.get(), old) {
                (Lang::En, false, Some(old)) => *old,
                _ => texts(lang),
            }
        },
        |old, new| !matches!((old, new), (Some(a), Some(b)) if std::ptr::eq(*a, *b)),
    );
    let chosen = Memo::new(move |_| {
        let id = settings.read().municipality.clone()?;
        library.read().entry(&id)
    });
    let prefs = Prefs {
        settings,
        library,
        chosen,
        texts,
        large_text: RwSignal::new(false),
    };
    let shell = ShellState {
        notice,
        screen_hidden: RwSignal::new(false),
        retention: RwSignal::new((0, 0)),
    };
    let lock = LockState { locked };
    let work = WorkState {
        concerns,
        listed: RwSignal::new(None),
        unsaved: RwSignal::new(Vec::new()),
        guide_answers: RwSignal::new(Default::default()),
        training: RwSignal::new(training_on),
        training_case: RwSignal::new(None),
        local_changes: RwSignal::new(0),
    };
    let sync_state = SyncState {
        view: RwSignal::new(Default::default()),
    };
    provide_context(state::Contexts {
        prefs,
        shell,
        lock,
        work,
        sync: sync_state,
    });
    // With no PIN, the concerns load at start (from a chunk, while the first screen, which shows
    // none, is drawn); with one, after it is entered.
    if !locked.get_untracked() {
        concern_io::load_concerns(work, shell, prefs);
    }
    if !library.with_untracked(Library::is_complete) {
        concern_io::complete_library(library, notice);
    }
    lock::start_auto_lock(prefs, lock, work);
    sync::start(sync_state, lock, work);
    // Another tab saved or deleted a concern, or set or changed the PIN.
    platform::local_storage::on_change_elsewhere(move |key| {
        leptos::task::spawn_local(async move {
            match platform::vault::changed_elsewhere(key).await {
                platform::vault::Elsewhere::Reload => {
                    // Set only on a change: the shell re-renders the page when this changes.
                    let now_locked = platform::vault::is_locked();
                    if locked.get_untracked() != now_locked {
                        locked.set(now_locked);
                    }
                    if !now_locked {
                        concern_io::reload_concerns(work);
                    }
                }
                platform::vault::Elsewhere::Locked => lock::lock_now(lock, work),
                platform::vault::Elsewhere::Nothing => {}
            }
        });
    });

    // Persist every change after the first render (which shows what was just loaded).
    Effect::new(move |already_ran: Option<()>| {
        let current = settings.get();
        if already_ran.is_some() {
            match save_settings(&LocalStorage, &current, platform::now_ms()) {
                Ok(()) => {}
                Err(crate::domain::storage::StoreError::NewerVersion) => {
                    notice.set(Some(StorageNotice::NeedsUpdate))
                }
                Err(_) => notice.set(Some(StorageNotice::WriteFailed)),
            }
        }
    });
    Effect::new(move |_| platform::document::set_lang(settings.read().lang.tag()));
    let large_text = prefs.large_text;
    Effect::new(move |_| platform::document::set_root_class("large-text", large_text.get()));

    view! {
        <Router>
            <shell::Shell>
                <Routes fallback=not_found::NotFound>
                    <Route path=path!("/") view=start::StartPage />
                    <Route path=path!("/concern/new") view=lazy_pages::Page(lazy_pages::NEW_CONCERN) />
                    <Route path=path!("/guide") view=lazy_pages::Page(lazy_pages::GUIDE) />
                    <Route path=path!("/staircase") view=lazy_pages::Page(lazy_pages::STAIRCASE) />
                    <Route path=path!("/organisation") view=lazy_pages::Page(lazy_pages::ORGANISATION) />
                    <Route path=path!("/profile") view=lazy_pages::Page(lazy_pages::PROFILE) />
                    <Route path=path!("/profile/edit") view=lazy_pages::Page(lazy_pages::PROFILE_EDITOR) />
                    <Route path=path!("/privacy") view=lazy_pages::Page(lazy_pages::PRIVACY) />
                    <Route path=path!("/concerns") view=lazy_pages::Page(lazy_pages::CONCERNS) />
                    <Route path=path!("/concerns/:id") view=lazy_pages::Page(lazy_pages::CONCERN) />
                    <Route path=path!("/overview") view=lazy_pages::Page(lazy_pages::OVERVIEW) />
                    <Route path=path!("/training") view=lazy_pages::Page(lazy_pages::TRAINING) />
                    <Route path=path!("/settings") view=lazy_pages::Page(lazy_pages::SETTINGS) />
                    <Route path=path!("/conflicts") view=lazy_pages::Page(lazy_pages::CONFLICTS) />
                    <Route path=path!("/teams") view=lazy_pages::Page(lazy_pages::TEAMS) />
                    <Route path=path!("/handoff") view=lazy_pages::Page(lazy_pages::HANDOFF) />
                </Routes>
            </shell::Shell>
        </Router>
    }
}

/// The pages other than the start page. Their code is not in the main wasm module but in one
/// chunk with the concern store's and a sync round's (`pages`, see `concern_io`, `sync`),
/// fetched just after the first render, when the concerns load (the service worker has it
/// already: it precaches every file of the build). A first visit so runs only the start page's
/// code before the start screen works (issue 15). One split point, not one per page or per
/// feature: the split tool puts the code that split points share into a chunk per combination
/// of them, each fetched through the service worker and instantiated on its own. Twelve split
/// points made 115 files and 15% more bytes in all; three (guide, other pages, store) made a
/// deep link to the list fetch 30 files; four (pages, profile editor, teams, sync round) made
/// it fetch 8, and the concerns began to load 53–61 ms after the app had mounted, against
/// 31–43 ms with one (medians of 9 deep links with 5,000 concerns), and all files were 34.7 KB
/// gzip larger. The editor, teams and sync code so arrive with the pages even where nobody
/// opens them: compiled in the background, from the service worker's cache.
mod lazy_pages {
    use super::*;
    use leptos::wasm_split::{wasm_split, SplitLoaderError};

    pub const NEW_CONCERN: u8 = 0;
    pub const GUIDE: u8 = 1;
    pub const STAIRCASE: u8 = 2;
    pub const ORGANISATION: u8 = 3;
    pub const PROFILE: u8 = 4;
    pub const PRIVACY: u8 = 5;
    pub const CONCERNS: u8 = 6;
    pub const CONCERN: u8 = 7;
    pub const OVERVIEW: u8 = 8;
    pub const TRAINING: u8 = 9;
    pub const SETTINGS: u8 = 10;
    pub const CONFLICTS: u8 = 11;
    pub const PROFILE_EDITOR: u8 = 12;
    pub const TEAMS: u8 = 13;
    pub const HANDOFF: u8 = 14;

    /// A lazy page's route. One type for every lazy page, not a type per page: the router's
    /// code for a lazy route is then in the main module once instead of fifteen times.
    #[derive(Clone, Copy)]
    pub struct Page(pub u8);

    impl ChooseView for Page {
        async fn choose(self) -> AnyView {
            // Every built-in profile (a page may list or copy any of them), fetched while the
            // chunk loads; from the service worker's cache after the first visit.
            let profiles = platform::profile_files::ensure();
            let page = match self.0 {
                NEW_CONCERN => guide(guide::Mode::Concern).await,
                GUIDE => guide(guide::Mode::Guide).await,
                PROFILE_EDITOR => editor().await,
                TEAMS | HANDOFF => teams(self.0).await,
                page => other(page).await,
            };
            // The concerns load from the chunk just after the first render: a page is drawn
            // with them, never before. The list is drawn with the list's copy when there is
            // one, and needs no profile: it waits for neither the records nor the profiles.
            // A chunk or a profile that cannot be fetched (first visit, the connection gone
            // before the service worker had saved the app) says so, instead of stopping the
            // whole app.
            let fetched = if self.0 == CONCERNS {
                concern_io::listed().await;
                true
            } else {
                concern_io::loaded().await;
                profiles.await.is_ok()
            };
            let page = if fetched { page } else { Err(LoadFailed) };
            page.unwrap_or_else(|LoadFailed| view! { <PageLoadFailed /> }.into_any())
        }

        async fn preload(&self) {}
    }

    /// Starts loading the chunk of the page at `path` (a deep link, a reload) at once, so that
    /// it is instantiated as soon as it is compiled. index.html began to fetch and compile it
    /// while the main module loaded (`compileChunksEarly` in pwa/build.mjs); the chunks' loader
    /// takes it from there (tools/split.mjs).
    pub fn preload_for(path: &str) {
        use crate::domain::pages::Page as P;
        if path == P::Start.path() {
            return;
        }
        // The pages' chunk, which the concerns load from too (every page waits for them). Not
        // the profiles: the page asks for them when it is chosen, a moment later, and they land
        // well before the chunk and the concerns do (asked for here too, they were often
        // fetched twice).
        concern_io::preload();
    }

    /// A moment after the first screen, when the app runs from the service worker's cache (a
    /// returning visit: nothing to download), loads the pages' chunk, so the first tap after
    /// the PIN is entered opens its page as fast as before the split (with no PIN, the load of
    /// the concerns has asked for it already). On a first visit the worker is still downloading
    /// it; the load fetches it.
    pub fn preload_pages_soon() {
        // Asked now, at start: a first visit's worker takes the page over a moment later.
        if !platform::service_worker::controlled() {
            return;
        }
        gloo::timers::callback::Timeout::new(2_000, concern_io::preload).forget();
    }

    /// The chunk of a page could not be fetched.
    pub struct LoadFailed;

    impl From<SplitLoaderError> for LoadFailed {
        fn from(_: SplitLoaderError) -> Self {
            LoadFailed
        }
    }

    #[wasm_split(pages, wasm_split_path = ::leptos::wasm_split, fallible)]
    fn guide(mode: guide::Mode) -> Result<AnyView, LoadFailed> {
        Ok(view! { <guide::GuidePage mode=mode /> }.into_any())
    }

    /// The profile editor (few devices ever open it; in the pages' chunk all the same).
    #[wasm_split(pages, wasm_split_path = ::leptos::wasm_split, fallible)]
    fn editor() -> Result<AnyView, LoadFailed> {
        Ok(view! { <profile_editor::ProfileEditorPage /> }.into_any())
    }

    /// Teams (create, invite with a QR code, join) and "Giv videre som fil" (`HANDOFF`, one
    /// concern as an encrypted file), which shares the team keys, base32 and the crypto.
    #[wasm_split(pages, wasm_split_path = ::leptos::wasm_split, fallible)]
    fn teams(page: u8) -> Result<AnyView, LoadFailed> {
        Ok(if page == HANDOFF {
            view! { <handoff::HandoffPage /> }.into_any()
        } else {
            view! { <teams::TeamsPage /> }.into_any()
        })
    }

    #[wasm_split(pages, wasm_split_path = ::leptos::wasm_split, fallible)]
    fn other(page: u8) -> Result<AnyView, LoadFailed> {
        Ok(match page {
            STAIRCASE => view! { <staircase::StaircasePage /> }.into_any(),
            ORGANISATION => view! { <organisation::OrganisationPage /> }.into_any(),
            PROFILE => view! { <profile_page::ProfilePage /> }.into_any(),
            PRIVACY => view! { <device_data::PrivacyPage /> }.into_any(),
            CONCERNS => view! { <concerns::ConcernsPage /> }.into_any(),
            CONCERN => view! { <concerns::ConcernPage /> }.into_any(),
            OVERVIEW => view! { <overview::OverviewPage /> }.into_any(),
            TRAINING => view! { <training::TrainingPage /> }.into_any(),
            SETTINGS => view! { <settings::SettingsPage /> }.into_any(),
            CONFLICTS => view! { <sync::ConflictsPage /> }.into_any(),
            _ => view! { <not_found::NotFound /> }.into_any(),
        })
    }

    #[component]
    fn PageLoadFailed() -> impl IntoView {
        let t = use_texts();
        use_title(|t| t.page_load_failed_title);
        view! {
            <section class="page page--narrow">
                <h1>{move || t.get().page_load_failed_title}</h1>
                <p class="lead">{move || t.get().page_load_failed_body}</p>
                <p>
                    <button type="button" class="btn btn--primary" on:click=|_| platform::document::reload()>
                        {move || t.get().page_load_failed_retry}
                    </button>
                </p>
            </section>
        }
    }
}
