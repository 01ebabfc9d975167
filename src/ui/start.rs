//! Start: on first start, choose the municipality; then the two big actions.

use super::{use_page_title, use_prefs, use_texts};
use crate::domain::pages::Page;
use crate::platform;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn StartPage() -> impl IntoView {
    let chosen = use_prefs().chosen;
    use_page_title(Page::Start);
    move || {
        if chosen.with(Option::is_some) {
            Either::Left(view! { <Actions /> })
        } else {
            Either::Right(view! { <ChooseMunicipality /> })
        }
    }
}

#[component]
fn ChooseMunicipality() -> impl IntoView {
    let prefs = use_prefs();
    let t = prefs.texts;
    let failed = RwSignal::new(false);
    let choices = move || {
        prefs.library.with(|lib| {
            lib.choices()
                .into_iter()
                .map(|(id, name)| {
                    let id = id.to_string();
                    let choose = move |_| {
                        let id = id.clone();
                        // The built-in profiles are a file (issue 15): fetched first, then chosen.
                        leptos::task::spawn_local(async move {
                            if platform::profile_files::ensure().await.is_err() {
                                failed.set(true);
                                return;
                            }
                            failed.set(false);
                            prefs.settings.update(|s| s.municipality = Some(id));
                            // The chosen button disappears with the list; hand focus to the new content.
                            platform::document::focus_after_render("main");
                        });
                    };
                    view! {
                        <li>
                            <button type="button" class="choice" on:click=choose>
                                <span class="choice__name">{name.to_string()}</span>
                                <ChevronIcon />
                            </button>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <section class="page page--narrow">
            <h1>{move || t.get().choose_municipality_title}</h1>
            <p class="lead">{move || t.get().choose_municipality_intro}</p>
            <ul class="choices">{choices}</ul>
            {move || failed.get().then(|| view! {
                <p class="alert alert--error" role="alert">{t.get().choose_municipality_failed}</p>
            })}
            <p class="hint">{move || t.get().choose_municipality_later}</p>
            <p>
                <A href=Page::Profile.path() attr:class="btn btn--secondary">
                    {move || t.get().import_own_profile}
                </A>
            </p>
        </section>
    }
}

#[component]
fn Actions() -> impl IntoView {
    let t = use_texts();
    let more = [
        Page::Staircase,
        Page::Organisation,
        Page::Concerns,
        Page::Overview,
        Page::Training,
    ]
    .into_iter()
    .map(|page| {
        view! {
            <li>
                <A href=page.path() attr:class="more__link">{move || page.title(t.get())}</A>
            </li>
        }
    })
    .collect_view();
    view! {
        <section class="page">
            <h1>{move || t.get().start_title}</h1>
            <p class="lead">{move || t.get().start_intro}</p>
            <div class="actions">
                <A href=Page::NewConcern.path() attr:class="action action--primary">
                    <span class="action__title">{move || t.get().action_concern_title}</span>
                    <span class="action__body">{move || t.get().action_concern_body}</span>
                    <ChevronIcon />
                </A>
                <A href=Page::Guide.path() attr:class="action">
                    <span class="action__title">{move || t.get().action_guide_title}</span>
                    <span class="action__body">{move || t.get().action_guide_body}</span>
                    <ChevronIcon />
                </A>
            </div>
            <h2 class="more__title">{move || t.get().start_more_title}</h2>
            <ul class="more">{more}</ul>
        </section>
    }
}

#[component]
fn ChevronIcon() -> impl IntoView {
    view! {
        <svg class="chevron" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
            <path fill="none" stroke="currentColor" stroke-width="2.5" d="m9 5 7 7-7 7" />
        </svg>
    }
}
