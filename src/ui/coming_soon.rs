//! The honest page for features that are not built yet.

use super::{use_page_title, use_texts};
use crate::domain::pages::Page;
use leptos::prelude::*;
use leptos_router::components::A;

pub fn coming_soon(page: Page) -> impl IntoView {
    debug_assert!(!page.is_built(), "{page:?} is built and has its own page");
    view! { <ComingSoon page /> }
}

#[component]
fn ComingSoon(page: Page) -> impl IntoView {
    let t = use_texts();
    use_page_title(page);
    view! {
        <section class="page page--narrow">
            <h1>{move || page.title(t.get())}</h1>
            <p class="badge badge--info">{move || t.get().coming_soon_badge}</p>
            <p class="lead">{move || t.get().coming_soon_body}</p>
            <p>
                <A href="/" attr:class="btn btn--secondary">{move || t.get().back_to_start}</A>
            </p>
        </section>
    }
}
