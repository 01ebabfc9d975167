//! UI: Leptos components. Thin: they read domain state and call domain functions; texts come
//! from `domain::i18n`, content from data files. No business rules inside `view!`.

mod coming_soon;
mod not_found;
mod settings;
mod shell;
mod start;

use crate::domain::i18n::{texts, Texts};
use crate::domain::pages::Page;
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
    /// A storage problem the user should be told about.
    pub notice: RwSignal<Option<StorageNotice>>,
    /// "Skjul skærm": the content is covered until the user shows it again.
    pub screen_hidden: RwSignal<bool>,
    pub texts: Memo<&'static Texts>,
}

pub fn use_app() -> AppState {
    expect_context::<AppState>()
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
    let startup = load_settings(&LocalStorage, platform::now_ms());
    let settings = RwSignal::new(startup.settings);
    let notice = RwSignal::new(startup.notice);
    let texts = Memo::new(move |_| texts(settings.read().lang));
    provide_context(AppState {
        settings,
        notice,
        screen_hidden: RwSignal::new(false),
        texts,
    });

    // Persist every change after the first render (which shows what was just loaded).
    Effect::new(move |already_ran: Option<()>| {
        let current = settings.get();
        if already_ran.is_some()
            && save_settings(&LocalStorage, &current, platform::now_ms()).is_err()
        {
            notice.set(Some(StorageNotice::WriteFailed));
        }
    });
    Effect::new(move |_| platform::document::set_lang(settings.read().lang.tag()));

    view! {
        <Router>
            <shell::Shell>
                <Routes fallback=not_found::NotFound>
                    <Route path=path!("/") view=start::StartPage />
                    <Route path=path!("/concern/new") view=|| coming_soon::coming_soon(Page::NewConcern) />
                    <Route path=path!("/guide") view=|| coming_soon::coming_soon(Page::Guide) />
                    <Route path=path!("/staircase") view=|| coming_soon::coming_soon(Page::Staircase) />
                    <Route path=path!("/organisation") view=|| coming_soon::coming_soon(Page::Organisation) />
                    <Route path=path!("/concerns") view=|| coming_soon::coming_soon(Page::Concerns) />
                    <Route path=path!("/training") view=|| coming_soon::coming_soon(Page::Training) />
                    <Route path=path!("/settings") view=settings::SettingsPage />
                </Routes>
            </shell::Shell>
        </Router>
    }
}
