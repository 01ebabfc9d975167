//! "En ny version er klar – genindlæs": shown when a newer version of the app has installed in
//! the background. It takes over only when the user presses the button, so nothing changes
//! under a teacher in the middle of the guide.

use super::use_texts;
use crate::platform::service_worker;
use leptos::prelude::*;

#[component]
pub fn UpdateNotice() -> impl IntoView {
    let t = use_texts();
    let ready = RwSignal::new(false);
    let reloading = RwSignal::new(false);
    service_worker::register(move || {
        ready.try_set(true);
    });
    let reload = move |_| {
        reloading.set(true);
        service_worker::apply_update();
    };
    // Shown as a polite status (like the retention notice), never as an alert: nothing is
    // urgent, and the user decides when.
    move || {
        ready.get().then(|| {
            view! {
                <div class="alert alert--info" role="status">
                    <p>{move || t.get().update_ready}</p>
                    <button type="button" class="btn btn--primary" on:click=reload
                        disabled=move || reloading.get()>
                        {move || t.get().update_reload}
                    </button>
                </div>
            }
        })
    }
}
