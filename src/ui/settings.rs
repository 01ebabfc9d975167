//! Settings: language, municipality, retention, the PIN lock, sync and the device's data.

use super::{use_page_title, use_prefs};
use crate::domain::i18n::Lang;
use crate::domain::pages::Page;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let prefs = use_prefs();
    let t = prefs.texts;
    let settings = prefs.settings;
    use_page_title(Page::Settings);

    let languages = Lang::ALL
        .into_iter()
        .map(|lang| {
            view! {
                <label class="radio">
                    <input type="radio" name="lang" value=lang.tag()
                        prop:checked=move || settings.read().lang == lang
                        on:change=move |_| settings.update(|s| s.lang = lang) />
                    <span lang=lang.tag()>{lang.endonym()}</span>
                </label>
            }
        })
        .collect_view();

    let municipalities = move || {
        prefs.library.with(|lib| {
            lib.choices()
                .into_iter()
                .map(|(id, name)| {
            let id = id.to_string();
            let is_chosen = {
                let id = id.clone();
                move || settings.read().municipality.as_deref() == Some(id.as_str())
            };
            view! {
                <label class="radio">
                    <input type="radio" name="municipality" value=id.clone()
                        prop:checked=is_chosen
                        on:change=move |_| settings.update(|s| s.municipality = Some(id.clone())) />
                    <span>{name.to_string()}</span>
                </label>
            }
                })
                .collect_view()
        })
    };

    view! {
        <section class="page page--narrow">
            <h1>{move || t.get().page_settings}</h1>
            <fieldset class="fieldset">
                <legend>{move || t.get().settings_language}</legend>
                <p class="hint">{move || t.get().settings_language_hint}</p>
                {languages}
            </fieldset>
            <fieldset class="fieldset">
                <legend>{move || t.get().settings_municipality}</legend>
                <p class="hint">{move || t.get().settings_municipality_hint}</p>
                {municipalities}
            </fieldset>
            <p>
                <A href=Page::Profile.path() attr:class="btn btn--secondary">
                    {move || t.get().settings_profiles_link}
                </A>
            </p>
            <fieldset class="fieldset">
                <legend>{move || t.get().retention_label}</legend>
                <p class="hint">{move || t.get().retention_hint}</p>
                {[30u32, 90, 180, 365]
                    .into_iter()
                    .map(|d| view! {
                        <label class="radio">
                            <input type="radio" name="retention" value=d.to_string()
                                prop:checked=move || settings.read().retention_days() == d
                                on:change=move |_| settings.update(|s| s.retention_days = Some(d)) />
                            <span>{d} " " {move || t.get().days}</span>
                        </label>
                    })
                    .collect_view()}
            </fieldset>
            <super::lock::PinSettings />
            <super::sync::SyncSettings />
            <section class="card" aria-labelledby="teams-link-title">
                <h2 id="teams-link-title">{move || t.get().page_teams}</h2>
                <p class="hint">{move || t.get().teams_link_hint}</p>
                <p><A href=Page::Teams.path() attr:class="btn btn--secondary">{move || t.get().teams_link}</A></p>
            </section>
            <super::device_data::DeviceData />
        </section>
    }
}
