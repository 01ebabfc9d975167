//! The app shell: skip link, header (name, municipality, language switch, "skjul skærm"),
//! navigation, storage notices, footer, and the hide-screen cover.

use super::{use_lock, use_prefs, use_shell, use_sync, use_texts, use_work};
use crate::domain::pages::Page;
use crate::platform;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn Shell(children: ChildrenFn) -> impl IntoView {
    let shell = use_shell();
    let lock = use_lock();
    let hidden = shell.screen_hidden;
    let locked = lock.locked;
    view! {
        <div class="app" class:app--hidden=move || hidden.get() aria-hidden=move || hidden.get().then_some("true")>
            <SkipLink />
            <super::training::TrainingBanner />
            <Header />
            // While locked: no navigation, no notices, only the PIN field.
            {move || (!locked.get()).then(|| view! { <Nav /> })}
            <main id="main" class="main" tabindex="-1">
                {move || if locked.get() {
                    view! { <super::lock::LockScreen /> }.into_any()
                } else {
                    view! {
                        <super::update_notice::UpdateNotice />
                        <Notice />
                        <RetentionNotice />
                        {children()}
                    }
                    .into_any()
                }}
            </main>
            <Footer />
        </div>
        <HiddenScreenCover />
    }
}

#[component]
fn SkipLink() -> impl IntoView {
    let t = use_texts();
    // The router would treat "#main" as a navigation; move focus ourselves, as the browser would.
    let skip = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        platform::document::focus_after_render("main");
    };
    view! {
        <a class="skip-link" href="#main" on:click=skip>{move || t.get().skip_to_content}</a>
    }
}

#[component]
fn Header() -> impl IntoView {
    let prefs = use_prefs();
    let shell = use_shell();
    let t = prefs.texts;
    let settings = prefs.settings;
    let chosen = prefs.chosen;
    let municipality = move || {
        chosen.with(|p| match p {
            Some(p) => p.name.clone(),
            None => t.get().municipality_none.to_string(),
        })
    };
    let other_lang = move || settings.read().lang.other();
    let switch_lang = move |_| settings.update(|s| s.lang = s.lang.other());
    let hide = move |_| {
        shell.screen_hidden.set(true);
        platform::document::focus_after_render("show-screen");
    };
    view! {
        <header class="site-header">
            <div class="site-header__inner">
                <A href="/" attr:class="brand">
                    <Logo />
                    <span class="brand__text">
                        <span class="brand__name">{move || t.get().app_name}</span>
                        <span class="brand__municipality">{municipality}</span>
                    </span>
                </A>
                <div class="site-header__tools">
                    <button type="button" class="btn btn--tertiary" on:click=switch_lang>
                        <span class="visually-hidden">{move || t.get().lang_switch_label} " "</span>
                        <span lang=move || other_lang().tag()>{move || other_lang().endonym()}</span>
                    </button>
                    <A href=Page::Settings.path() attr:class="btn btn--tertiary">
                        <GearIcon />
                        {move || Page::Settings.nav_label(t.get())}
                    </A>
                    <button type="button" class="btn btn--hide" on:click=hide>
                        <EyeOffIcon />
                        {move || t.get().hide_screen}
                    </button>
                </div>
            </div>
        </header>
    }
}

#[component]
fn Nav() -> impl IntoView {
    let t = use_texts();
    let items = Page::NAV
        .into_iter()
        .map(|page| {
            view! {
                <li>
                    <A href=page.path() exact=page == Page::Start attr:class="nav__link">
                        {move || page.nav_label(t.get())}
                    </A>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav class="nav" aria-label=move || t.get().nav_label>
            <ul class="nav__list">{items}</ul>
        </nav>
    }
}

#[component]
fn Notice() -> impl IntoView {
    let prefs = use_prefs();
    let shell = use_shell();
    let work = use_work();
    let t = prefs.texts;
    move || {
        shell.notice.get().map(|notice| {
            view! {
                <div class="alert alert--warning" role="alert">
                    <p>{move || notice.message(t.get())}</p>
                    {notice.links_set_aside().then(|| view! {
                        <p><a href="/settings#set-aside">{move || t.get().notice_see_set_aside}</a></p>
                    })}
                    {(notice == crate::domain::settings::StorageNotice::StorageFull).then(|| view! {
                        <button type="button" class="btn btn--primary" on:click=move |_| super::concern_io::retry_unsaved(work, shell)>
                            {move || t.get().retry}
                        </button>
                    })}
                    <button type="button" class="btn btn--tertiary" on:click=move |_| shell.notice.set(None)>
                        {move || t.get().notice_dismiss}
                    </button>
                </div>
            }
        })
    }
}

/// Closed concerns deleted after the retention period, or announced for deletion.
#[component]
fn RetentionNotice() -> impl IntoView {
    let prefs = use_prefs();
    let shell = use_shell();
    let t = prefs.texts;
    move || {
        let (deleted, pending) = shell.retention.get();
        let t = t.get();
        let days = prefs.settings.read().retention_days();
        (deleted + pending > 0).then(|| {
            view! {
                <div class="alert alert--info" role="status">
                    {(pending > 0).then(|| view! { <p>{format!("{pending} ")}{t.retention_pending}" (" {days} " " {t.days} ")"</p> })}
                    {(deleted > 0).then(|| view! { <p>{format!("{deleted} ")}{t.retention_deleted}</p> })}
                    <div class="button-row">
                        {(pending > 0).then(|| view! { <A href=Page::Settings.path() attr:class="btn btn--secondary">{t.to_settings}</A> })}
                        <button type="button" class="btn btn--tertiary" on:click=move |_| shell.retention.set((0, 0))>{t.notice_dismiss}</button>
                    </div>
                </div>
            }
        })
    }
}

#[component]
fn Footer() -> impl IntoView {
    let t = use_texts();
    let sync_state = use_sync();
    view! {
        <footer class="site-footer">
            <p>{move || t.get().app_name} " · " {move || {
                let t = t.get();
                if sync_state.view.with(|v| v.status.set_up && v.enabled) { t.footer_synced } else { t.footer_local_only }
            }}</p>
        </footer>
    }
}

/// Covers everything with a plain surface. Nothing on it hints at what the app is for, so a
/// child walking up to the tablet sees nothing.
#[component]
fn HiddenScreenCover() -> impl IntoView {
    let prefs = use_prefs();
    let shell = use_shell();
    let t = prefs.texts;
    let show = move |_| {
        shell.screen_hidden.set(false);
        platform::document::focus_after_render("main");
    };
    view! {
        <div class="cover" class:cover--on=move || shell.screen_hidden.get() role="region"
            aria-label=move || t.get().hidden_screen_label>
            <button type="button" id="show-screen" class="btn btn--secondary cover__button"
                on:click=show tabindex=move || if shell.screen_hidden.get() { "0" } else { "-1" }>
                {move || t.get().show_screen_again}
            </button>
        </div>
    }
}

#[component]
fn Logo() -> impl IntoView {
    // Three overlapping circles: school, social services and police.
    view! {
        <svg class="brand__logo" viewBox="0 0 48 48" width="44" height="44" aria-hidden="true" focusable="false">
            <circle cx="17" cy="19" r="11" fill="none" stroke="currentColor" stroke-width="3" />
            <circle cx="31" cy="19" r="11" fill="none" stroke="currentColor" stroke-width="3" />
            <circle cx="24" cy="31" r="11" fill="none" stroke="currentColor" stroke-width="3" />
        </svg>
    }
}

#[component]
fn GearIcon() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
            <path fill="currentColor" d="M19.4 13a7.5 7.5 0 0 0 0-2l2.1-1.6-2-3.5-2.5 1a7.4 7.4 0 0 0-1.7-1l-.4-2.7h-4l-.4 2.7c-.6.3-1.2.6-1.7 1l-2.5-1-2 3.5L4.6 11a7.5 7.5 0 0 0 0 2l-2.1 1.6 2 3.5 2.5-1c.5.4 1.1.7 1.7 1l.4 2.7h4l.4-2.7c.6-.3 1.2-.6 1.7-1l2.5 1 2-3.5-2.3-1.6zM12 15.5a3.5 3.5 0 1 1 0-7 3.5 3.5 0 0 1 0 7z"/>
        </svg>
    }
}

#[component]
fn EyeOffIcon() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
            <path fill="currentColor" d="M12 6.5c3.8 0 7.2 2.1 8.8 5.5-.6 1.3-1.5 2.4-2.6 3.3l1.4 1.4c1.5-1.3 2.6-2.9 3.3-4.7C21.2 7.6 17 4.5 12 4.5c-1.3 0-2.5.2-3.7.6l1.7 1.6c.7-.1 1.3-.2 2-.2zM2.7 3.3 1.3 4.7l2.9 2.9C2.6 8.8 1.4 10.3.7 12c1.7 4.4 5.9 7.5 11.3 7.5 1.5 0 3-.3 4.3-.8l3.4 3.4 1.4-1.4L2.7 3.3zm7.5 7.5 3 3c-.4.2-.8.3-1.2.3-1.4 0-2.5-1.1-2.5-2.5 0-.3.1-.6.2-.8zM12 17.5c-3.8 0-7.2-2.1-8.8-5.5.7-1.4 1.7-2.6 2.9-3.5l2.3 2.3c-.2.4-.3.8-.3 1.2 0 2.5 2 4.5 4.5 4.5.4 0 .8-.1 1.2-.2l1 1c-.9.1-1.8.2-2.8.2z"/>
        </svg>
    }
}
