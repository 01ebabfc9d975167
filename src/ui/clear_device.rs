//! "Ryd denne enhed": in Settings' data section, and on the locked screen for a forgotten PIN.

use crate::domain::storage;
use crate::platform::local_storage::LocalStorage;
use crate::ui::state::use_texts;
use leptos::prelude::*;

/// "Ryd denne enhed": removes all app data after the word is typed. Also offered on the locked
/// screen, for a forgotten PIN.
#[component]
pub fn ClearDevice() -> impl IntoView {
    let t = use_texts();
    let typed = RwSignal::new(String::new());
    let wrong_word = RwSignal::new(false);
    let clear = move |_| {
        if typed.get_untracked().trim() != t.get_untracked().clear_confirm_word {
            wrong_word.set(true);
            return;
        }
        let _ = storage::clear_app_data(&LocalStorage);
        // Start again from nothing, as on a new device.
        let _ = gloo::utils::window().location().replace("/");
    };
    view! {
        <h3>{move || t.get().clear_title}</h3>
        <p>{move || t.get().clear_intro}</p>
        <div class="field">
            <label for="clear-word">{move || t.get().clear_confirm_label}</label>
            <input id="clear-word" class="input" type="text" autocomplete="off"
                prop:value=move || typed.get() on:input=move |ev| { typed.set(event_target_value(&ev)); wrong_word.set(false); } />
        </div>
        {move || wrong_word.get().then(|| view! { <p class="field-error" role="alert">{t.get().clear_wrong_word}</p> })}
        <button type="button" class="btn btn--danger" on:click=clear>{move || t.get().clear_button}</button>
    }
}
