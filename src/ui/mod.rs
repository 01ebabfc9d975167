//! UI: Leptos components. Thin: they read domain state and call domain functions; texts come
//! from `domain::i18n`, content from data files. No business rules inside `view!`.

mod coming_soon;
mod common;
pub(crate) mod concerns;
mod device_data;
pub(crate) mod guide;
mod not_found;
mod organisation;
mod profile_page;
mod settings;
mod shell;
mod staircase;
mod start;
mod text_metrics;
mod update_notice;

use crate::domain::i18n::{texts, Texts};
use crate::domain::pages::Page;
use crate::domain::profile::library::Library;
use crate::domain::profile::Profile;
use crate::domain::settings::{load_settings, save_settings, Settings, StorageNotice};
use crate::platform::{self, local_storage::LocalStorage};
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

/// Long-lived state, created once at the root and shared through context, so no component that
/// is disposed on navigation owns a signal that others still read.
#[derive(Clone, Copy)]
pub struct AppState {
    pub settings: RwSignal<Settings>,
    /// Built-in and imported municipality profiles.
    pub library: RwSignal<Library>,
    /// The chosen municipality's profile; `None` until one is chosen (or if the chosen one is
    /// gone).
    pub profile: Memo<Option<Profile>>,
    /// A storage problem the user should be told about.
    pub notice: RwSignal<Option<StorageNotice>>,
    /// "Skjul skærm": the content is covered until the user shows it again.
    pub screen_hidden: RwSignal<bool>,
    pub texts: Memo<&'static Texts>,
    /// Saved concerns on this device.
    pub concerns: RwSignal<Vec<crate::domain::concern::Concern>>,
    /// Ids of concerns changed in memory whose write failed (storage full); retried on request.
    pub unsaved: RwSignal<Vec<String>>,
    /// Retention at start: (deleted now, announced for deletion next time).
    pub retention: RwSignal<(usize, usize)>,
    /// "Hvad skal jeg gøre?" answers: kept in memory while the app is open (so a look at the
    /// staircase mid-flow loses nothing), never stored.
    pub guide_answers: RwSignal<crate::domain::guide::engine::Answers>,
}

pub fn use_app() -> AppState {
    expect_context::<AppState>()
}

/// The user's role for the change history of concerns: the one chosen before, else the first
/// on the list.
pub fn my_role(app: AppState) -> String {
    app.settings
        .read_untracked()
        .my_role
        .clone()
        .unwrap_or_else(|| {
            let t = app.texts.get_untracked();
            t.my_roles.split('|').next().unwrap_or_default().to_string()
        })
}

/// The current language's text table.
pub fn use_texts() -> Memo<&'static Texts> {
    use_app().texts
}

/// Keeps the tab title in step with the page and the language.
pub fn use_page_title(page: Page) {
    let t = use_texts();
    Effect::new(move |_| {
        let t = t.get();
        platform::document::set_title(&format!("{} – {}", page.title(t), t.app_name));
    });
}

#[component]
pub fn App() -> impl IntoView {
    // Load before creating signals, so the first render already shows the stored choice.
    let now = platform::now_ms();
    let startup = load_settings(&LocalStorage, now);
    let (library, set_aside) = Library::load(&LocalStorage, now);
    let settings = RwSignal::new(startup.settings.clone());
    let notice = RwSignal::new(
        startup
            .notice
            .or_else(|| (!set_aside.is_empty()).then_some(StorageNotice::ProfileSetAside)),
    );
    let library = RwSignal::new(library);
    let (mut concerns, report) = crate::domain::concern_store::load_all(&LocalStorage, now);
    let (deleted, pending) = crate::domain::concern_store::apply_retention(
        &LocalStorage,
        &concerns,
        startup.settings.retention_days(),
        now,
    );
    concerns.retain(|c| !deleted.contains(&c.id));
    let retention = RwSignal::new((deleted.len(), pending.len()));
    if report.set_aside > 0 {
        notice.set(Some(StorageNotice::ConcernsSetAside));
    } else if report.from_future > 0 {
        notice.set(Some(StorageNotice::NeedsUpdate));
    }
    let concerns = RwSignal::new(concerns);
    // Another tab saved or deleted a concern: show what is stored now.
    crate::platform::local_storage::on_change_elsewhere(move |key| {
        if key.is_none_or(|k| k.starts_with("ssp.concern")) {
            let (fresh, _) =
                crate::domain::concern_store::load_all(&LocalStorage, platform::now_ms());
            concerns.set(fresh);
        }
    });
    let texts = Memo::new(move |_| texts(settings.read().lang));
    let profile = Memo::new(move |_| {
        let id = settings.read().municipality.clone()?;
        library.read().find(&id).cloned()
    });
    provide_context(AppState {
        settings,
        library,
        profile,
        notice,
        screen_hidden: RwSignal::new(false),
        texts,
        concerns,
        unsaved: RwSignal::new(Vec::new()),
        retention,
        guide_answers: RwSignal::new(Default::default()),
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

    view! {
        <Router>
            <shell::Shell>
                <Routes fallback=not_found::NotFound>
                    <Route path=path!("/") view=start::StartPage />
                    <Route path=path!("/concern/new") view=|| view! { <guide::GuidePage mode=guide::Mode::Concern /> } />
                    <Route path=path!("/guide") view=|| view! { <guide::GuidePage mode=guide::Mode::Guide /> } />
                    <Route path=path!("/staircase") view=staircase::StaircasePage />
                    <Route path=path!("/organisation") view=organisation::OrganisationPage />
                    <Route path=path!("/profile") view=profile_page::ProfilePage />
                    <Route path=path!("/privacy") view=device_data::PrivacyPage />
                    <Route path=path!("/concerns") view=concerns::ConcernsPage />
                    <Route path=path!("/concerns/:id") view=concerns::ConcernPage />
                    <Route path=path!("/training") view=|| coming_soon::coming_soon(Page::Training) />
                    <Route path=path!("/settings") view=settings::SettingsPage />
                </Routes>
            </shell::Shell>
        </Router>
    }
}
