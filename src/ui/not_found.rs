//! Fallback for unknown paths, with a way home.

use super::{use_texts, use_title};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

#[component]
pub fn NotFound() -> impl IntoView {
    let t = use_texts();
    let path = use_location().pathname;
    use_title(|t| t.not_found_title);
    view! {
        <section class="page page--narrow">
            <h1>{move || t.get().not_found_title}</h1>
            <p class="lead">
                {move || t.get().not_found_body} " " <code class="path">{move || path.get()}</code>
            </p>
            <p>
                <A href="/" attr:class="btn btn--primary">{move || t.get().back_to_start}</A>
            </p>
        </section>
    }
}
