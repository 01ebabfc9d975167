//! PIN lock in the UI: the locked screen (which shows nothing of the data), the PIN section of
//! Settings (set, change, remove, auto-lock time), and the auto-lock after idle time or a hidden
//! tab. The rules are in `domain::vault`; the cryptography in `platform::vault`.

use super::{use_app, AppState};
use crate::domain::concern::Concern;
use crate::domain::concern_store;
use crate::domain::i18n::Texts;
use crate::domain::settings::{StorageNotice, AUTO_LOCK_CHOICES};
use crate::domain::vault::{self, PinProblem};
use crate::platform::{self, vault as pin};
use leptos::prelude::*;
use std::cell::{Cell, RefCell};

thread_local! {
    /// Changes whose write failed (storage full), kept through a lock so nothing is lost.
    static HELD: RefCell<Vec<Concern>> = const { RefCell::new(Vec::new()) };
    static LAST_ACTIVITY: Cell<u64> = const { Cell::new(0) };
    static HIDDEN_SINCE: Cell<Option<u64>> = const { Cell::new(None) };
}

/// Locks now: forgets the keys and every decrypted concern; a change not yet written is held
/// aside (not shown) until the data is opened again.
pub fn lock_now(app: AppState) {
    if !pin::is_set() {
        return;
    }
    let unsaved = app.unsaved.get_untracked();
    let held: Vec<Concern> = app
        .concerns
        .get_untracked()
        .into_iter()
        .filter(|c| unsaved.contains(&c.id))
        .collect();
    HELD.with_borrow_mut(|h| h.extend(held));
    pin::lock();
    app.concerns.set(Vec::new());
    app.locked.set(true);
}

/// Loads the concerns (migrating, repairing and applying retention as at start) after the data
/// was opened, or at start when no PIN is set.
pub fn load_concerns(app: AppState) {
    let now = platform::now_ms();
    let days = app.settings.get_untracked().retention_days();
    super::data::write(
        move |store| {
            let (mut concerns, report) = concern_store::load_all(store, now);
            let (deleted, pending) = concern_store::apply_retention(store, &concerns, days, now);
            concerns.retain(|c| !deleted.contains(&c.id));
            (concerns, report, deleted.len(), pending.len())
        },
        move |(mut concerns, report, deleted, pending), _| {
            for c in HELD.with_borrow_mut(std::mem::take) {
                match concerns.iter_mut().find(|x| x.id == c.id) {
                    Some(x) => *x = c,
                    None => concerns.push(c),
                }
            }
            app.concerns.set(concerns);
            app.retention.set((deleted, pending));
            if report.set_aside > 0 {
                app.notice.set(Some(StorageNotice::ConcernsSetAside));
            } else if report.from_future > 0 {
                app.notice.set(Some(StorageNotice::NeedsUpdate));
            }
        },
    );
}

/// Reads the concerns again (another tab changed them).
pub fn reload_concerns(app: AppState) {
    let now = platform::now_ms();
    super::data::write(
        move |store| concern_store::load_all(store, now).0,
        move |concerns, _| app.concerns.set(concerns),
    );
}

/// Starts watching for idle time and a hidden tab. Runs for the life of the page.
pub fn start_auto_lock(app: AppState) {
    LAST_ACTIVITY.set(platform::now_ms());
    let window = gloo::utils::window();
    for event in ["pointerdown", "keydown", "wheel", "touchstart"] {
        gloo::events::EventListener::new(&window, event, |_| LAST_ACTIVITY.set(platform::now_ms()))
            .forget();
    }
    let limit_ms = move || u64::from(app.settings.get_untracked().auto_lock_minutes()) * 60_000;
    let document = gloo::utils::document();
    gloo::events::EventListener::new(&document, "visibilitychange", move |_| {
        let now = platform::now_ms();
        if gloo::utils::document().hidden() {
            HIDDEN_SINCE.set(Some(now));
        } else if let Some(since) = HIDDEN_SINCE.take() {
            if now.saturating_sub(since) >= limit_ms() && !app.locked.get_untracked() {
                lock_now(app);
            }
            LAST_ACTIVITY.set(now);
        }
    })
    .forget();
    gloo::timers::callback::Interval::new(5_000, move || {
        let idle = platform::now_ms().saturating_sub(LAST_ACTIVITY.get());
        if idle >= limit_ms() && !app.locked.get_untracked() {
            lock_now(app);
        }
    })
    .forget();
}

fn unlock_error_text(e: &pin::UnlockError, t: &'static Texts) -> String {
    match e {
        pin::UnlockError::WrongPin => t.pin_wrong.to_string(),
        pin::UnlockError::Wait(ms) => {
            format!("{} {} {}.", t.pin_wait, ms.div_ceil(1000), t.seconds)
        }
        pin::UnlockError::Damaged => t.lock_damaged.to_string(),
        pin::UnlockError::Browser(_) => t.lock_browser.to_string(),
    }
}

fn pin_problem_text(p: PinProblem, t: &'static Texts) -> &'static str {
    match p {
        PinProblem::Length => t.pin_problem_length,
        PinProblem::NotDigits => t.pin_problem_digits,
        PinProblem::TooEasy => t.pin_problem_easy,
        PinProblem::Mismatch => t.pin_problem_mismatch,
    }
}

fn pin_error_text(e: &pin::PinError, t: &'static Texts) -> String {
    match e {
        pin::PinError::Unlock(u) => unlock_error_text(u, t),
        pin::PinError::Store(_) => t.pin_store_failed.to_string(),
    }
}

/// A PIN field: digits, hidden, never filled in by the browser.
#[component]
fn PinInput(
    id: &'static str,
    label: Signal<&'static str>,
    value: RwSignal<String>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id class="input input--pin" type="password" inputmode="numeric"
                autocomplete="off" maxlength=vault::MAX_PIN_LEN.to_string()
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev)) />
        </div>
    }
}

/// What the locked screen shows: the PIN field and nothing of the data.
#[component]
pub fn LockScreen() -> impl IntoView {
    let app = use_app();
    let t = app.texts;
    let pin_value = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<pin::UnlockError>);
    // Counts down the wait after repeated wrong PINs.
    let now = RwSignal::new(platform::now_ms());
    if let Ok(ticker) = set_interval_with_handle(
        move || now.set(platform::now_ms()),
        std::time::Duration::from_secs(1),
    ) {
        on_cleanup(move || ticker.clear());
    }
    let wait_s = move || pin::failures().wait_ms(now.get()).div_ceil(1000);
    let must_wait = move || wait_s() > 0;
    platform::document::focus_after_render("unlock-pin");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let entered = pin_value.get_untracked();
        leptos::task::spawn_local(async move {
            let result = pin::unlock(&entered, platform::now_ms()).await;
            busy.set(false);
            now.set(platform::now_ms());
            match result {
                Ok(opened) => {
                    pin_value.set(String::new());
                    error.set(None);
                    app.locked.set(false);
                    load_concerns(app);
                    if opened.set_aside > 0 {
                        app.notice.set(Some(StorageNotice::ConcernsSetAside));
                    }
                    LAST_ACTIVITY.set(platform::now_ms());
                    platform::document::focus_after_render("main");
                }
                Err(e) => {
                    pin_value.set(String::new());
                    error.set(Some(e));
                    platform::document::focus_after_render("unlock-pin");
                }
            }
        });
    };
    view! {
        <section class="page page--narrow lock" aria-labelledby="lock-title">
            <div class="card lock__card">
                <svg class="lock__icon" viewBox="0 0 24 24" width="48" height="48" aria-hidden="true" focusable="false">
                    <path fill="currentColor" d="M12 2a5 5 0 0 0-5 5v3H6a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-8a2 2 0 0 0-2-2h-1V7a5 5 0 0 0-5-5zm-3 5a3 3 0 0 1 6 0v3H9V7zm3 7a2 2 0 0 1 1 3.7V19h-2v-1.3A2 2 0 0 1 12 14z"/>
                </svg>
                <h1 id="lock-title">{move || t.get().lock_title}</h1>
                <p>{move || t.get().lock_intro}</p>
                <form on:submit=submit>
                    <PinInput id="unlock-pin" label=Signal::derive(move || t.get().pin_label) value=pin_value />
                    {move || {
                        let t = t.get();
                        let waiting = wait_s();
                        // A damaged lock or a refusing browser is always said; otherwise a running
                        // wait (also after a reload) comes before "wrong PIN".
                        let shown = match error.get() {
                            Some(e @ (pin::UnlockError::Damaged | pin::UnlockError::Browser(_))) => Some(e),
                            _ if waiting > 0 => Some(pin::UnlockError::Wait(waiting * 1000)),
                            Some(pin::UnlockError::WrongPin) => Some(pin::UnlockError::WrongPin),
                            _ => None,
                        };
                        shown.map(|e| view! { <p class="field-error" role="alert">{unlock_error_text(&e, t)}</p> })
                    }}
                    <button type="submit" class="btn btn--primary"
                        disabled=move || busy.get() || must_wait()>
                        {move || if busy.get() { t.get().pin_busy } else { t.get().unlock_button }}
                    </button>
                </form>
                <details class="lock__forgot">
                    <summary>{move || t.get().forgot_pin_title}</summary>
                    <p>{move || t.get().forgot_pin_text}</p>
                    <super::device_data::ClearDevice />
                </details>
            </div>
        </section>
    }
}

/// The PIN section of Settings.
#[component]
pub fn PinSettings() -> impl IntoView {
    let app = use_app();
    let t = app.texts;
    let is_set = RwSignal::new(pin::is_set());
    let busy = RwSignal::new(false);
    let message = RwSignal::new(None::<(bool, String)>);
    let new_pin = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let current = RwSignal::new(String::new());
    let remove_pin = RwSignal::new(String::new());
    let understood = RwSignal::new(false);
    let clear_fields = move || {
        for s in [new_pin, repeat, current, remove_pin] {
            s.set(String::new());
        }
    };
    // Runs a PIN operation; `ok` is the text shown when it succeeds.
    let run = move |op: std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<(), pin::PinError>>>,
    >,
                    ok: fn(&'static Texts) -> &'static str| {
        busy.set(true);
        message.set(None);
        leptos::task::spawn_local(async move {
            let result = op.await;
            busy.set(false);
            is_set.set(pin::is_set());
            clear_fields();
            let t = t.get_untracked();
            message.set(Some(match result {
                Ok(()) => (true, ok(t).to_string()),
                Err(e) => (false, pin_error_text(&e, t)),
            }));
            platform::document::focus_after_render("pin-message");
        });
    };
    let set = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let t_now = t.get_untracked();
        let (p, r) = (new_pin.get_untracked(), repeat.get_untracked());
        if let Err(problem) = vault::check_new_pin(&p, &r) {
            message.set(Some((false, pin_problem_text(problem, t_now).to_string())));
            return;
        }
        if !understood.get_untracked() {
            message.set(Some((false, t_now.pin_must_understand.to_string())));
            return;
        }
        run(Box::pin(async move { pin::set_pin(&p).await }), |t| {
            t.pin_set_done
        });
    };
    let change = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (old, p, r) = (
            current.get_untracked(),
            new_pin.get_untracked(),
            repeat.get_untracked(),
        );
        if let Err(problem) = vault::check_new_pin(&p, &r) {
            message.set(Some((
                false,
                pin_problem_text(problem, t.get_untracked()).to_string(),
            )));
            return;
        }
        run(
            Box::pin(async move { pin::change_pin(&old, &p, platform::now_ms()).await }),
            |t| t.pin_changed,
        );
    };
    let remove = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let old = remove_pin.get_untracked();
        run(
            Box::pin(async move { pin::remove_pin(&old, platform::now_ms()).await }),
            |t| t.pin_removed,
        );
    };
    let settings = app.settings;
    let auto_lock = move || {
        AUTO_LOCK_CHOICES
            .into_iter()
            .map(|m| view! {
                <label class="radio">
                    <input type="radio" name="auto-lock" value=m.to_string()
                        prop:checked=move || settings.read().auto_lock_minutes() == m
                        on:change=move |_| settings.update(|s| s.auto_lock_minutes = Some(m)) />
                    <span>{m} " " {move || if m == 1 { t.get().minute } else { t.get().minutes }}</span>
                </label>
            })
            .collect_view()
    };
    let label = move |f: fn(&'static Texts) -> &'static str| Signal::derive(move || f(t.get()));
    view! {
        <section class="card" aria-labelledby="pin-title">
            <h2 id="pin-title">{move || t.get().pin_section_title}</h2>
            {move || message.get().map(|(ok, m)| view! {
                <div id="pin-message" tabindex="-1" class=if ok { "alert alert--success" } else { "alert alert--error" }
                    role=if ok { "status" } else { "alert" }><p>{m}</p></div>
            })}
            {move || if is_set.get() {
                view! {
                    <p class="badge badge--info">{move || t.get().pin_is_on}</p>
                    <p><button type="button" class="btn btn--secondary" on:click=move |_| lock_now(app)>{move || t.get().lock_now}</button></p>
                    <fieldset class="fieldset">
                        <legend>{move || t.get().auto_lock_label}</legend>
                        <p class="hint">{move || t.get().auto_lock_hint}</p>
                        {auto_lock}
                    </fieldset>
                    <form on:submit=change>
                        <h3>{move || t.get().pin_change_title}</h3>
                        <PinInput id="pin-current" label=label(|t| t.pin_current_label) value=current />
                        <PinInput id="pin-new" label=label(|t| t.pin_new_label) value=new_pin />
                        <PinInput id="pin-repeat" label=label(|t| t.pin_repeat_label) value=repeat />
                        <button type="submit" class="btn btn--secondary" disabled=move || busy.get()>
                            {move || if busy.get() { t.get().pin_busy } else { t.get().pin_change_button }}
                        </button>
                    </form>
                    <form on:submit=remove>
                        <h3>{move || t.get().pin_remove_title}</h3>
                        <p class="hint">{move || t.get().pin_remove_hint}</p>
                        <PinInput id="pin-remove" label=label(|t| t.pin_current_label) value=remove_pin />
                        <button type="submit" class="btn btn--tertiary" disabled=move || busy.get()>
                            {move || t.get().pin_remove_button}
                        </button>
                    </form>
                }
                .into_any()
            } else {
                view! {
                    <p>{move || t.get().pin_recommended}</p>
                    <div class="alert alert--warning"><p>{move || t.get().pin_forgot_warning}</p></div>
                    <form on:submit=set>
                        <PinInput id="pin-new" label=label(|t| t.pin_new_label) value=new_pin />
                        <PinInput id="pin-repeat" label=label(|t| t.pin_repeat_label) value=repeat />
                        <label class="checkbox">
                            <input type="checkbox" prop:checked=move || understood.get()
                                on:change=move |ev| understood.set(event_target_checked(&ev)) />
                            <span>{move || t.get().pin_understood}</span>
                        </label>
                        <button type="submit" class="btn btn--primary" disabled=move || busy.get()>
                            {move || if busy.get() { t.get().pin_busy } else { t.get().pin_set_button }}
                        </button>
                    </form>
                }
                .into_any()
            }}
        </section>
    }
}
