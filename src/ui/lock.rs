//! PIN lock in the UI: the locked screen (which shows nothing of the data), the PIN section of
//! Settings (set, change, remove, auto-lock time), and the auto-lock after idle time or a hidden
//! tab. The rules are in `domain::vault`; the cryptography in `platform::vault`.

use super::concern_io::load_concerns;
use super::{use_lock, use_prefs, use_shell, use_texts, use_work, LockState, Prefs, WorkState};
use crate::domain::guide::engine::Answers;
use crate::domain::i18n::Texts;
use crate::domain::settings::{StorageNotice, AUTO_LOCK_CHOICES};
use crate::domain::vault::{self, PinProblem, Secret};
use crate::platform::webauthn::{self, DeviceKeyError};
use crate::platform::{self, activity, vault as pin};
use leptos::prelude::*;

/// Locks now: forgets the keys, every decrypted value and the guide's answers, so nothing
/// personal stays in memory or on screen. A change not yet written (storage full) is sealed in
/// memory under the data key and comes back after the next unlock.
pub fn lock_now(lock: LockState, work: WorkState) {
    if !pin::is_set() {
        return;
    }
    let unsaved = work.unsaved.get_untracked();
    let held: Vec<String> = work
        .concerns
        .get_untracked()
        .iter()
        .filter(|c| unsaved.contains(&c.id))
        .filter_map(|c| serde_json::to_string(c).ok())
        .collect();
    pin::lock_holding(held);
    work.concerns.set(Vec::new());
    work.listed.set(None);
    work.guide_answers.set(Answers::new());
    lock.locked.set(true);
}

/// Starts watching for idle time and a hidden tab. Runs for the life of the page.
pub fn start_auto_lock(prefs: Prefs, lock: LockState, work: WorkState) {
    let limit_ms = move || u64::from(prefs.settings.get_untracked().auto_lock_minutes()) * 60_000;
    activity::watch(move |hidden_ms| {
        if hidden_ms >= limit_ms() && !lock.locked.get_untracked() {
            lock_now(lock, work);
        }
    });
    gloo::timers::callback::Interval::new(5_000, move || {
        if activity::idle_ms() >= limit_ms() && !lock.locked.get_untracked() {
            lock_now(lock, work);
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
        pin::UnlockError::DeviceKey(DeviceKeyError::NoPrf | DeviceKeyError::Unsupported) => {
            t.device_unsupported.to_string()
        }
        pin::UnlockError::DeviceKey(_) => t.device_key_failed.to_string(),
    }
}

/// The three kinds of lock a user can choose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Choice {
    /// The tablet's own authenticator (WebAuthn PRF) and a PIN.
    Device,
    Passphrase,
    Pin,
}

impl Choice {
    fn secret(self) -> Secret {
        match self {
            Choice::Passphrase => Secret::Passphrase,
            Choice::Device | Choice::Pin => Secret::Pin,
        }
    }
}

fn pin_problem_text(p: PinProblem, t: &'static Texts) -> &'static str {
    match p {
        PinProblem::Length => t.pin_problem_length,
        PinProblem::NotDigits => t.pin_problem_digits,
        PinProblem::TooEasy => t.pin_problem_easy,
        PinProblem::Date => t.pin_problem_date,
        PinProblem::PassphraseLength => t.passphrase_problem_length,
        PinProblem::PassphraseWeak => t.passphrase_problem_weak,
        PinProblem::Mismatch => t.pin_problem_mismatch,
    }
}

fn pin_error_text(e: &pin::PinError, t: &'static Texts) -> String {
    match e {
        pin::PinError::Unlock(u) => unlock_error_text(u, t),
        pin::PinError::Store(crate::domain::storage::StoreError::QuotaExceeded) => {
            t.lock_no_room.to_string()
        }
        pin::PinError::Store(_) => t.pin_store_failed.to_string(),
    }
}

/// A PIN or passphrase field: hidden, never filled in by the browser; digits only for a PIN.
#[component]
pub(super) fn PinInput(
    id: &'static str,
    label: Signal<&'static str>,
    value: RwSignal<String>,
    #[prop(into)] kind: Signal<Secret>,
) -> impl IntoView {
    let pin = move || kind.get() == Secret::Pin;
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id class=move || if pin() { "input input--pin" } else { "input" } type="password"
                inputmode=move || if pin() { "numeric" } else { "text" }
                autocomplete="off" autocapitalize="off" spellcheck="false"
                maxlength=move || if pin() { vault::MAX_PIN_LEN } else { vault::MAX_PASSPHRASE_LEN }.to_string()
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev)) />
        </div>
    }
}

/// What the locked screen shows: the PIN field and nothing of the data.
#[component]
pub fn LockScreen() -> impl IntoView {
    let prefs = use_prefs();
    let shell = use_shell();
    let lock = use_lock();
    let work = use_work();
    let t = prefs.texts;
    let pin_value = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<pin::UnlockError>);
    let kind = pin::secret_kind().unwrap_or_default();
    let device = pin::device_bound();
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
                    lock.locked.set(false);
                    load_concerns(work, shell, prefs);
                    if opened.set_aside > 0 {
                        shell.notice.set(Some(StorageNotice::ValuesSetAside {
                            bad: opened.set_aside,
                            good: opened.values,
                        }));
                    }
                    activity::touched();
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
                <p>{move || match (device, kind) {
                    (true, _) => t.get().lock_intro_device,
                    (false, Secret::Pin) => t.get().lock_intro,
                    (false, Secret::Passphrase) => t.get().lock_intro_passphrase,
                }}</p>
                <form on:submit=submit>
                    <PinInput id="unlock-pin" kind=kind value=pin_value
                        label=Signal::derive(move || if kind == Secret::Pin { t.get().pin_label } else { t.get().passphrase_label }) />
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
                    // The device key did not answer: say what it means, and offer the one way on.
                    {move || matches!(error.get(), Some(pin::UnlockError::DeviceKey(_))).then(|| view! {
                        <div class="alert alert--error" role="alert">
                            <h2>{move || t.get().device_key_failed_title}</h2>
                            <p>{move || error.get().map(|e| unlock_error_text(&e, t.get()))}</p>
                            <p>{move || t.get().device_key_gone}</p>
                        </div>
                    })}
                    <button type="submit" class="btn btn--primary"
                        disabled=move || busy.get() || must_wait()>
                        {move || if busy.get() { t.get().pin_busy } else { t.get().unlock_button }}
                    </button>
                </form>
                <LockProtects />
                // "Ryd denne enhed" is offered once: in the open when the device key is gone,
                // else under "Glemt PIN-koden?".
                {move || if matches!(error.get(), Some(pin::UnlockError::DeviceKey(_))) {
                    view! { <super::clear_device::ClearDevice /> }.into_any()
                } else {
                    view! {
                        <details class="lock__forgot">
                            <summary>{move || t.get().forgot_pin_title}</summary>
                            <p>{move || t.get().forgot_pin_text}</p>
                            <super::clear_device::ClearDevice />
                        </details>
                    }
                    .into_any()
                }}
            </div>
        </section>
    }
}

/// The estimated strength of a passphrase being typed, in words and bits (the lock's and a
/// backup's).
pub(super) fn strength_text(p: &str, t: &'static Texts) -> String {
    let bits = vault::passphrase_bits(p);
    let word = match vault::strength(bits) {
        vault::Strength::Weak => t.strength_weak,
        vault::Strength::Fair => t.strength_fair,
        vault::Strength::Strong => t.strength_strong,
    };
    format!("{}: {word} (≈ {:.0} bit)", t.strength_label, bits)
}

/// What the lock protects against, and what not: the same words for both kinds, so the choice
/// is made knowing both.
#[component]
fn LockProtects() -> impl IntoView {
    let t = use_texts();
    view! {
        <details class="lock__protects">
            <summary>{move || t.get().lock_protects_title}</summary>
            <p>{move || t.get().lock_protects_device}</p>
            <p>{move || t.get().lock_protects_pin}</p>
            <p>{move || t.get().lock_protects_passphrase}</p>
        </details>
    }
}

/// The lock section of Settings: set (PIN or passphrase), the true status, change, remove,
/// auto-lock.
#[component]
pub fn PinSettings() -> impl IntoView {
    let prefs = use_prefs();
    let (lock, work) = (use_lock(), use_work());
    let t = prefs.texts;
    let is_set = RwSignal::new(pin::is_set());
    let busy = RwSignal::new(false);
    let message = RwSignal::new(None::<(bool, String)>);
    let new_pin = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let current = RwSignal::new(String::new());
    let remove_pin = RwSignal::new(String::new());
    let understood = RwSignal::new(false);
    // The kind of the lock set now, and the kind chosen for a new one.
    let current_kind = RwSignal::new(pin::secret_kind().unwrap_or_default());
    let new_choice = RwSignal::new(Choice::Passphrase);
    let new_kind = Signal::derive(move || new_choice.get().secret());
    // The device key is offered (first, as recommended) only where the browser has a platform
    // authenticator; whether it has PRF shows when the lock is set.
    let device_ok = RwSignal::new(false);
    let chosen = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        if webauthn::available().await {
            device_ok.set(true);
            if !chosen.get_untracked() {
                new_choice.set(Choice::Device);
            }
        }
    });
    let status = RwSignal::new(pin::seal_status());
    let clear_fields = move || {
        for s in [new_pin, repeat, current, remove_pin] {
            s.set(String::new());
        }
    };
    // Runs a lock operation; `ok` is the text shown when it succeeds.
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
            current_kind.set(pin::secret_kind().unwrap_or_default());
            status.set(pin::seal_status());
            clear_fields();
            let t = t.get_untracked();
            message.set(Some(match result {
                Ok(()) => (true, ok(t).to_string()),
                Err(e) => (false, pin_error_text(&e, t)),
            }));
            platform::document::focus_after_render("pin-message");
        });
    };
    let refuse = move |problem: PinProblem| {
        message.set(Some((
            false,
            pin_problem_text(problem, t.get_untracked()).to_string(),
        )));
    };
    let set = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (p, r, choice) = (
            new_pin.get_untracked(),
            repeat.get_untracked(),
            new_choice.get_untracked(),
        );
        if let Err(problem) = vault::check_new_secret(choice.secret(), &p, &r) {
            return refuse(problem);
        }
        if !understood.get_untracked() {
            message.set(Some((
                false,
                t.get_untracked().pin_must_understand.to_string(),
            )));
            return;
        }
        let device = choice == Choice::Device;
        run(
            Box::pin(async move { pin::set_pin(&p, choice.secret(), device).await }),
            |t| t.pin_set_done,
        );
    };
    let change = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (old, p, r, choice) = (
            current.get_untracked(),
            new_pin.get_untracked(),
            repeat.get_untracked(),
            new_choice.get_untracked(),
        );
        if let Err(problem) = vault::check_new_secret(choice.secret(), &p, &r) {
            return refuse(problem);
        }
        let device = choice == Choice::Device;
        run(
            Box::pin(async move {
                pin::change_pin(&old, &p, choice.secret(), device, platform::now_ms()).await
            }),
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
    let settings = prefs.settings;
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
    let by_kind = move |kind: Signal<Secret>,
                        pin_text: fn(&'static Texts) -> &'static str,
                        phrase_text: fn(&'static Texts) -> &'static str| {
        Signal::derive(move || {
            if kind.get() == Secret::Pin {
                pin_text(t.get())
            } else {
                phrase_text(t.get())
            }
        })
    };
    // The choice of PIN or passphrase, and the strength of a passphrase as it is typed.
    let kind_choice = move || {
        view! {
            <fieldset class="fieldset">
                <legend>{move || t.get().lock_kind_legend}</legend>
                {move || {
                    let device = device_ok.get().then_some((Choice::Device, label(|t| t.lock_kind_device)));
                    device
                        .into_iter()
                        .chain([(Choice::Passphrase, label(|t| t.lock_kind_passphrase)), (Choice::Pin, label(|t| t.lock_kind_pin))])
                        .map(|(k, text)| view! {
                            <label class="radio">
                                <input type="radio" name="lock-kind" prop:checked=move || new_choice.get() == k
                                    on:change=move |_| {
                                        chosen.set(true);
                                        new_choice.set(k);
                                        new_pin.set(String::new());
                                        repeat.set(String::new());
                                    } />
                                <span>{text}</span>
                            </label>
                        })
                        .collect_view()
                }}
            </fieldset>
            <PinInput id="pin-new" kind=new_kind value=new_pin
                label=by_kind(new_kind, |t| t.pin_new_label, |t| t.passphrase_new_label) />
            {move || (new_kind.get() == Secret::Passphrase && !new_pin.get().is_empty()).then(|| view! {
                <p class="hint" aria-live="polite">{strength_text(&new_pin.get(), t.get())}</p>
            })}
            <PinInput id="pin-repeat" kind=new_kind value=repeat
                label=by_kind(new_kind, |t| t.pin_repeat_label, |t| t.passphrase_repeat_label) />
        }
    };
    let status_text = move || {
        let s = status.get();
        let t = t.get();
        let text = if s.complete() {
            t.lock_status_complete
        } else {
            t.lock_status_partial
        };
        text.replace("{sealed}", &s.sealed.to_string())
            .replace("{total}", &s.total.to_string())
    };
    view! {
        <section class="card" aria-labelledby="pin-title">
            <h2 id="pin-title">{move || t.get().pin_section_title}</h2>
            {move || message.get().map(|(ok, m)| view! {
                <div id="pin-message" tabindex="-1" class=if ok { "alert alert--success" } else { "alert alert--error" }
                    role=if ok { "status" } else { "alert" }><p>{m}</p></div>
            })}
            {move || if is_set.get() {
                view! {
                    <p class=move || if status.get().complete() { "badge badge--info" } else { "badge badge--warning" }>{status_text}</p>
                    <LockProtects />
                    <p><button type="button" class="btn btn--secondary" on:click=move |_| lock_now(lock, work)>{move || t.get().lock_now}</button></p>
                    <fieldset class="fieldset">
                        <legend>{move || t.get().auto_lock_label}</legend>
                        <p class="hint">{move || t.get().auto_lock_hint}</p>
                        {auto_lock}
                    </fieldset>
                    <form on:submit=change>
                        <h3>{move || t.get().pin_change_title}</h3>
                        <PinInput id="pin-current" kind=current_kind value=current
                            label=by_kind(current_kind.into(), |t| t.pin_current_label, |t| t.passphrase_current_label) />
                        {kind_choice}
                        <button type="submit" class="btn btn--secondary" disabled=move || busy.get()>
                            {move || if busy.get() { t.get().pin_busy } else { t.get().pin_change_button }}
                        </button>
                    </form>
                    <form on:submit=remove>
                        <h3>{move || t.get().pin_remove_title}</h3>
                        <p class="hint">{move || t.get().pin_remove_hint}</p>
                        <PinInput id="pin-remove" kind=current_kind value=remove_pin
                            label=by_kind(current_kind.into(), |t| t.pin_current_label, |t| t.passphrase_current_label) />
                        <button type="submit" class="btn btn--tertiary" disabled=move || busy.get()>
                            {move || t.get().pin_remove_button}
                        </button>
                    </form>
                }
                .into_any()
            } else {
                view! {
                    <p>{move || t.get().pin_recommended}</p>
                    <LockProtects />
                    <div class="alert alert--warning"><p>{move || t.get().pin_forgot_warning}</p></div>
                    <form on:submit=set>
                        {kind_choice}
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
