//! "Giv videre som fil" (issue 18, item 7): one concern handed to another device as an encrypted
//! file, with no server. Sending seals the concern's record with a team's current key or with a
//! one-time code shown once here; receiving opens such a file and adds the concern, or says in
//! words why not (nothing is written then). The format, its checks, the code and the import
//! decision are `domain::handoff`'s; the crypto is `platform::crypto`'s (WebCrypto). In the pages'
//! chunk (`ui::lazy_pages`), not in the main module: few devices ever open it.

use super::{concern_io, use_page_title, use_prefs, use_shell, use_work};
use crate::domain::concern::Concern;
use crate::domain::dates::Date;
use crate::domain::handoff::{
    self, decide, file_name, new_code, open_concern, read_code, sealed_text, show_code, Handoff,
    HandoffError, Lock, CODE_RANDOM_BYTES, ITERATIONS, MAX_FILE_BYTES,
};
use crate::domain::i18n::handoff::{error_text, handoff_texts, HandoffTexts};
use crate::domain::i18n::Lang;
use crate::domain::pages::Page;
use crate::domain::team::{Team, Teams};
use crate::domain::vault::SALT_LEN;
use crate::platform::{crypto, files, now_ms, vault};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use wasm_bindgen::JsValue;

/// Why sealing or opening stopped: a refusal the user can act on, or the browser's crypto.
enum Failure {
    Refused(HandoffError),
    Browser,
}

impl From<JsValue> for Failure {
    fn from(_: JsValue) -> Self {
        Failure::Browser
    }
}

impl Failure {
    fn text(&self, t: &HandoffTexts) -> &'static str {
        match self {
            Failure::Refused(e) => error_text(e, t),
            Failure::Browser => t.browser_failed,
        }
    }
}

/// A message under a form: (ok, text).
type Message = RwSignal<Option<(bool, String)>>;

/// The device's teams (keys included: read through the lock).
fn teams() -> Vec<Team> {
    vault::read(|s| Teams::load(s, now_ms())).teams
}

#[component]
pub fn HandoffPage() -> impl IntoView {
    let prefs = use_prefs();
    use_page_title(Page::Handoff);
    let lang = Memo::new(move |_| prefs.settings.read().lang);
    let ht = move || handoff_texts(lang.get());
    view! {
        <section class="page page--narrow page--handoff">
            <h1>{move || Page::Handoff.title(prefs.texts.get())}</h1>
            <p class="lead">{move || ht().intro}</p>
            <Send lang />
            <Receive lang />
        </section>
    }
}

/// Seals `concern` and offers the file as a download; returns the file's name and, in code
/// mode, the code to show.
async fn seal(concern: &Concern, team: Option<Team>) -> Result<(String, Option<String>), Failure> {
    let plain = sealed_text(concern);
    let iv = crypto::random_bytes(handoff::IV_LEN)?;
    let (lock, key, code) = match team {
        Some(team) => {
            let (epoch, raw) = team
                .current()
                .ok_or(Failure::Refused(HandoffError::NoKeyForEpoch { epoch: 0 }))?;
            let key = crypto::import_data_key(&raw).await?;
            (
                Lock::Team {
                    team: team.id.clone(),
                    epoch,
                },
                key,
                None,
            )
        }
        None => {
            let random: [u8; CODE_RANDOM_BYTES] = crypto::random_bytes(CODE_RANDOM_BYTES)?
                .try_into()
                .map_err(|_| Failure::Browser)?;
            let code = new_code(&random);
            let salt = crypto::random_bytes(SALT_LEN)?;
            let key = crypto::derive_pin_key(&code, &salt, ITERATIONS).await?;
            let lock = Lock::Code {
                salt,
                iterations: ITERATIONS,
            };
            (lock, key, Some(code))
        }
    };
    let ct = crypto::bytes(crypto::encrypt(&key, &iv, &lock.aad(), plain.as_bytes())?).await?;
    let text = Handoff { lock, iv, ct }.encode();
    let name = file_name(Date::from_ms(now_ms()));
    files::download_text(&name, "application/octet-stream", &text).map_err(|_| Failure::Browser)?;
    Ok((name, code))
}

/// Opens a parsed file with the team key it names, or with `typed` (the one-time code).
async fn open(file: &Handoff, typed: &str) -> Result<Concern, Failure> {
    let refused = Failure::Refused;
    let (key, wrong) = match &file.lock {
        Lock::Team { team, epoch } => {
            let teams = teams();
            let team = teams
                .iter()
                .find(|t| &t.id == team)
                .ok_or(refused(HandoffError::NotOnTeam))?;
            let raw = team
                .key(*epoch)
                .ok_or(refused(HandoffError::NoKeyForEpoch { epoch: *epoch }))?;
            (crypto::import_data_key(&raw).await?, HandoffError::Damaged)
        }
        Lock::Code { salt, iterations } => {
            let code = read_code(typed).map_err(refused)?;
            let key = crypto::derive_pin_key(&code, salt, *iterations).await?;
            (key, HandoffError::WrongCode)
        }
    };
    let opening = crypto::decrypt(&key, &file.iv, &file.lock.aad(), &file.ct)?;
    let plain = crypto::bytes(opening).await.map_err(|_| refused(wrong))?;
    open_concern(&plain).map_err(refused)
}

/// "Giv bekymringen videre": the concern named in the address, how to lock it, the file.
#[component]
fn Send(lang: Memo<Lang>) -> impl IntoView {
    let work = use_work();
    let ht = move || handoff_texts(lang.get());
    let query = use_query_map();
    let concern_id = move || query.read().get("concern").unwrap_or_default();
    let concern = Memo::new(move |_| {
        let id = concern_id();
        work.concerns.read().iter().find(|c| c.id == id).cloned()
    });
    // The teams this device can seal for (it has their current key).
    let teams: Vec<Team> = teams()
        .into_iter()
        .filter(|t| t.current().is_some())
        .collect();
    let teams = StoredValue::new(teams);
    // "" is the one-time code; otherwise a team's id.
    let choice = RwSignal::new(String::new());
    let message: Message = RwSignal::new(None);
    let code = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let make = move |_| {
        let Some(c) = concern.get_untracked() else {
            return;
        };
        let chosen = choice.get_untracked();
        let team = teams.with_value(|l| l.iter().find(|t| t.id == chosen).cloned());
        busy.set(true);
        code.set(None);
        message.set(Some((true, ht().making.to_string())));
        leptos::task::spawn_local(async move {
            let tt = handoff_texts(lang.get_untracked());
            let team_name = team.as_ref().map(|t| t.name.clone()).unwrap_or_default();
            match seal(&c, team).await {
                Ok((name, shown)) => {
                    let text = if shown.is_some() {
                        tt.made_code.replace("{file}", &name)
                    } else {
                        tt.made_team
                            .replace("{file}", &name)
                            .replace("{team}", &team_name)
                    };
                    message.set(Some((true, text)));
                    code.set(shown);
                }
                Err(f) => message.set(Some((false, f.text(tt).to_string()))),
            }
            busy.set(false);
        });
    };
    let options = move || {
        let tt = ht();
        let list = teams.get_value();
        let none = list.is_empty();
        let rows = list
            .into_iter()
            .map(|team| {
                let id = team.id.clone();
                let checked = id.clone();
                view! {
                    <label class="radio">
                        <input type="radio" name="handoff-lock" value=id.clone()
                            prop:checked=move || choice.get() == checked
                            on:change=move |_| { choice.set(id.clone()); code.set(None); } />
                        <span>{tt.to_team.replace("{team}", &team.name)}</span>
                    </label>
                }
            })
            .collect_view();
        view! {
            <fieldset class="fieldset">
                <legend>{tt.how_legend}</legend>
                {rows}
                <label class="radio">
                    <input type="radio" name="handoff-lock" value="code"
                        prop:checked=move || choice.get().is_empty()
                        on:change=move |_| { choice.set(String::new()); code.set(None); } />
                    <span>{tt.with_code}</span>
                </label>
                {none.then(|| view! { <p class="hint">{tt.no_team}</p> })}
            </fieldset>
        }
    };
    view! {
        <section class="card" aria-labelledby="handoff-send-title">
            <h2 id="handoff-send-title">{move || ht().send_title}</h2>
            {move || {
                let tt = ht();
                if concern_id().is_empty() {
                    return view! { <p class="hint">{tt.no_concern}</p> }.into_any();
                }
                let Some(c) = concern.get() else {
                    return view! { <p class="alert alert--warning">{tt.concern_missing}</p> }.into_any();
                };
                if work.training.get() {
                    return view! { <p class="alert alert--info">{tt.training_no_send}</p> }.into_any();
                }
                view! {
                    <p data-testid="handoff-concern">{tt.concern_label.replace("{child}", &c.child)}</p>
                    {options()}
                    <p>
                        <button type="button" class="btn btn--primary" disabled=move || busy.get() on:click=make>
                            {tt.make_file}
                        </button>
                    </p>
                }
                .into_any()
            }}
            {move || message.get().map(|(ok, text)| {
                let class = if ok { "alert alert--info" } else { "alert alert--error" };
                view! { <p class=class role="status" data-testid="handoff-send-message">{text}</p> }
            })}
            {move || code.get().map(|c| view! {
                <div class="invite">
                    <h3>{ht().code_label}</h3>
                    <p class="handoff-code" data-testid="handoff-code" translate="no">{show_code(&c)}</p>
                    <p class="alert alert--warning">{ht().code_once}</p>
                </div>
            })}
        </section>
    }
}

/// "Modtag en fil": the file, the code when it needs one, and what came of it.
#[component]
fn Receive(lang: Memo<Lang>) -> impl IntoView {
    let work = use_work();
    let shell = use_shell();
    let ht = move || handoff_texts(lang.get());
    let picked = RwSignal::new(None::<Handoff>);
    let typed = RwSignal::new(String::new());
    let message: Message = RwSignal::new(None);
    let received = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let refuse = move |text: &'static str| message.set(Some((false, text.to_string())));
    let on_file = move |ev: leptos::ev::Event| {
        picked.set(None);
        message.set(None);
        received.set(false);
        typed.set(String::new());
        let Some(file) = files::picked_file(&ev) else {
            return;
        };
        if file.size() > MAX_FILE_BYTES as f64 {
            refuse(error_text(&HandoffError::TooLarge, ht()));
            return;
        }
        leptos::task::spawn_local(async move {
            let tt = handoff_texts(lang.get_untracked());
            match files::read_text(file).await {
                Err(_) => refuse(tt.read_failed),
                Ok(raw) => match Handoff::parse(&raw) {
                    Ok(h) => picked.set(Some(h)),
                    Err(e) => refuse(error_text(&e, tt)),
                },
            }
        });
    };
    let do_open = move || {
        let Some(file) = picked.get_untracked() else {
            return;
        };
        busy.set(true);
        message.set(Some((true, ht().opening.to_string())));
        leptos::task::spawn_local(async move {
            let tt = handoff_texts(lang.get_untracked());
            let opened = open(&file, &typed.get_untracked()).await;
            let decided = opened.and_then(|c| {
                work.concerns
                    .with_untracked(|list| decide(list, c))
                    .map_err(Failure::Refused)
            });
            match decided {
                Err(f) => {
                    message.set(Some((false, f.text(tt).to_string())));
                    busy.set(false);
                }
                Ok(c) => {
                    let child = c.child.clone();
                    concern_io::save_concern(
                        work,
                        shell,
                        &c,
                        None,
                        Box::new(move |after| {
                            if after.changed {
                                message.set(Some((true, tt.received.replace("{child}", &child))));
                                received.set(true);
                                picked.set(None);
                                typed.set(String::new());
                            } else {
                                message.set(Some((false, tt.write_failed.to_string())));
                            }
                            busy.set(false);
                        }),
                    );
                }
            }
        });
    };
    let team_name = move |id: &str| {
        teams()
            .into_iter()
            .find(|t| t.id == id)
            .map_or_else(|| id.to_string(), |t| t.name)
    };
    view! {
        <section class="card" aria-labelledby="handoff-receive-title">
            <h2 id="handoff-receive-title">{move || ht().receive_title}</h2>
            <p class="hint">{move || ht().receive_help}</p>
            <div class="field">
                <label for="handoff-file">{move || ht().file_label}</label>
                <input id="handoff-file" type="file" accept=".sspo" on:change=on_file />
            </div>
            {move || picked.get().map(|file| {
                let tt = ht();
                let needs_code = matches!(file.lock, Lock::Code { .. });
                let what = match &file.lock {
                    Lock::Team { team, .. } => view! {
                        <p class="hint">{tt.team_file.replace("{team}", &team_name(team))}</p>
                    }.into_any(),
                    Lock::Code { .. } => view! {
                        <div class="field">
                            <label for="handoff-code-input">{tt.enter_code_label}</label>
                            <p class="hint" id="handoff-code-help">{tt.enter_code_help}</p>
                            <input id="handoff-code-input" type="text" autocomplete="off" autocapitalize="characters"
                                spellcheck="false" aria-describedby="handoff-code-help"
                                prop:value=move || typed.get()
                                on:input=move |ev| typed.set(event_target_value(&ev)) />
                        </div>
                    }.into_any(),
                };
                view! {
                    <form class="handoff-open" on:submit=move |ev| { ev.prevent_default(); do_open(); }>
                        {what}
                        <button type="submit" class="btn btn--primary"
                            disabled=move || busy.get() || (needs_code && typed.get().trim().is_empty())>
                            {tt.open}
                        </button>
                    </form>
                }
            })}
            {move || message.get().map(|(ok, text)| {
                let class = if ok { "alert alert--success" } else { "alert alert--error" };
                let role = if ok { "status" } else { "alert" };
                view! { <p class=class role=role data-testid="handoff-receive-message">{text}</p> }
            })}
            {move || received.get().then(|| view! {
                <p><A href=Page::Concerns.path()>{ht().see_list}</A></p>
            })}
        </section>
    }
}
