//! Small pieces shared by the pages: the mark on editorial content, the source line, the
//! "choose a municipality first" message, the window-width signal for pictures, and the colour
//! of a concern level.

use super::state::use_texts;
use crate::domain::guide::Level;
use crate::domain::i18n::Texts;
use crate::domain::pages::Page;
use crate::domain::profile::{MappingModel, Profile, Source};
use crate::platform::viewport;
use leptos::prelude::*;
use leptos_router::components::A;

/// What the mark on editorial content says.
pub fn mapped_text(model: Option<MappingModel>, t: &Texts) -> &'static str {
    match model {
        Some(MappingModel::DkrLevels) => t.mapped_dkr,
        Some(MappingModel::Editorial) | None => t.mapped_editorial,
    }
}

/// Shown on every item a source does not state. Nothing when `mapped` is false.
#[component]
pub fn MappedNote(mapped: bool, model: Option<MappingModel>) -> impl IntoView {
    let t = use_texts();
    mapped.then(|| {
        view! {
            <p class="mapped-note">
                <span class="mapped-note__label">{move || t.get().mapped_label}</span>
                " "
                {move || mapped_text(model, t.get())}
            </p>
        }
    })
}

/// "Kilde: <document>, <section>: “quote”".
#[component]
pub fn SourceLine(source: Source, document_title: String) -> impl IntoView {
    let t = use_texts();
    let section = source.section.map(|s| format!(", {s}"));
    let quote = source.quote.map(|q| view! { " " <q>{q}</q> });
    view! {
        <p class="source-line">
            <span class="source-line__label">{move || t.get().source_label} ": "</span>
            {document_title}
            {section}
            {quote}
        </p>
    }
}

/// The title of the document a source names, for [`SourceLine`].
pub fn document_title(profile: &Profile, source: &Source) -> String {
    profile
        .document(&source.document)
        .map(|d| d.title.clone())
        .unwrap_or_else(|| source.document.clone())
}

/// For pages that need a municipality when none is chosen yet.
#[component]
pub fn NoProfile() -> impl IntoView {
    let t = use_texts();
    view! {
        <div class="alert alert--info">
            <p>{move || t.get().choose_municipality_first}</p>
            <A href=Page::Start.path() attr:class="btn btn--primary">{move || t.get().choose_municipality_link}</A>
        </div>
    }
}

/// The content column's width in CSS px, kept up to date on resize.
pub fn use_content_width() -> ReadSignal<f64> {
    let (width, set_width) = signal(viewport::content_width());
    let listener = viewport::on_resize(move |_| set_width.set(viewport::content_width()));
    // The listener is not Send: keep it in the owner's local arena, so it is removed when the
    // component that asked for it is.
    StoredValue::new_local(listener);
    width
}

/// The CSS modifier for a concern level ("green", "yellow", "red"): `level-box--…`, `dot--…`.
pub fn level_css(level: Level) -> &'static str {
    match level {
        Level::Green => "green",
        Level::Yellow => "yellow",
        Level::Red => "red",
    }
}
