//! "Hold" (issue 18): the device's teams, "Opret et hold", "Inviter en kollega" (a QR code and
//! the same code as text) and "Tilslut et hold" (camera or pasted code). What a team is, how an
//! invite reads and what is checked live in `domain::team` and `domain::sync::lane`; the calls
//! to the server in `platform::sync`. In the pages' chunk, not the main module: few devices
//! ever open it.

use super::sync::{format_time, kick, refresh, KindChoice, Scheduler};
use super::{use_page_title, use_prefs, use_sync, use_work};
use crate::domain::i18n::teams::{team_texts, TeamTexts};
use crate::domain::i18n::Lang;
use crate::domain::pages::Page;
use crate::domain::sync::config::{self, Kind};
use crate::domain::sync::engine;
use crate::domain::sync::json::{DeviceInfo, TeamCallError};
use crate::domain::sync::lane::{self, LaneStore};
use crate::domain::sync::protocol::{error_text, SyncError};
use crate::domain::team::{
    check_couch_admin, check_new_team, device_number, invite_qr, Invite, NewTeamProblem, Team,
    Teams, INVITE_TTL_MS, KEY_BYTES, QR_QUIET,
};
use crate::platform::{self, crypto, now_ms, sync as net, vault};
use leptos::prelude::*;

/// A message under a form: (ok, text).
type Message = RwSignal<Option<(bool, String)>>;

/// A form's message, read out when it changes: what happened (`ok`'s class) or why not.
#[component]
fn Said(
    message: Message,
    #[prop(default = "alert alert--success")] ok: &'static str,
) -> impl IntoView {
    move || {
        message.get().map(|(good, text)| {
            view! { <p class=if good { ok } else { "alert alert--error" } role="status">{text}</p> }
        })
    }
}

fn call_error(e: &TeamCallError, tt: &TeamTexts, t: &crate::domain::i18n::Texts) -> String {
    match e {
        TeamCallError::InviteUsed => tt.invite_used.to_string(),
        TeamCallError::InviteExpired => tt.invite_expired.to_string(),
        TeamCallError::SignUpClosed => tt.sign_up_closed.to_string(),
        TeamCallError::Sync(e) => error_text(e, t),
    }
}

#[component]
pub fn TeamsPage() -> impl IntoView {
    let prefs = use_prefs();
    let work = use_work();
    let t = prefs.texts;
    use_page_title(Page::Teams);
    let lang = Memo::new(move |_| prefs.settings.read().lang);
    let tt = move || team_texts(lang.get());
    // Read again after a change here or a round.
    let version = RwSignal::new(0u32);
    let sync_state = use_sync();
    // Said on the page: the card of a team the device left is gone.
    let left: Message = RwSignal::new(None);
    let teams = Memo::new(move |_| {
        version.track();
        sync_state.view.track();
        vault::read(|s| Teams::load(s, now_ms()))
    });
    view! {
        <section class="page page--narrow page--teams">
            <h1>{move || t.get().page_teams}</h1>
            <p class="lead">{move || tt().intro}</p>
            <p class="hint">{move || tt().what_server_sees}</p>
            {move || work.training.get().then(|| view! {
                <p class="alert alert--info">{tt().training_note}</p>
            })}
            {move || teams.with(|l| l.teams.is_empty()).then(|| view! {
                <p class="hint" data-testid="no-teams">{tt().none_yet}</p>
            })}
            // Keyed: a round that changes a team (a new key, a concern shared) keeps its card,
            // and with it an open invite or device list.
            <For each=move || teams.get().teams key=|team| team.id.clone()
                children=move |team| view! { <TeamCard team teams lang left version /> } />
            <Said message=left />
            <JoinTeam lang version left />
            <CreateTeam lang version />
        </section>
    }
}

/// The team as stored now: a round may have added a key since its card was made.
fn stored_now(team: StoredValue<Team>) -> Team {
    let id = team.with_value(|t| t.id.clone());
    vault::read(|s| Teams::load(s, now_ms()))
        .teams
        .into_iter()
        .find(|t| t.id == id)
        .unwrap_or_else(|| team.get_value())
}

/// One team: who made it, what is shared, the lane's status, and the invite (for its owner).
#[component]
fn TeamCard(
    team: Team,
    teams: Memo<Teams>,
    lang: Memo<Lang>,
    left: Message,
    version: RwSignal<u32>,
) -> impl IntoView {
    let prefs = use_prefs();
    let t = prefs.texts;
    let sync_state = use_sync();
    let scheduler = Scheduler::here();
    let tt = move || team_texts(lang.get());
    let team = StoredValue::new(team);
    let status = move || {
        sync_state.view.track();
        let id = team.with_value(|t| t.id.clone());
        let now = now_ms();
        vault::read(|s| {
            (
                engine::status(&LaneStore::team(s, &id), now),
                lane::aside(s, &id, now).len(),
            )
        })
    };
    let invite = RwSignal::new(None::<Invite>);
    let message: Message = RwSignal::new(None);
    let make_invite = move |_| {
        message.set(Some((true, tt().invite_making.to_string())));
        leptos::task::spawn_local(async move {
            // The newest key: the card is kept across rounds, a rotation included.
            let team = stored_now(team);
            let expires = now_ms() + INVITE_TTL_MS;
            match net::invite(&team, expires).await {
                Ok((token, expires_ms)) => match team.invite(&token, expires_ms) {
                    Some(i) => {
                        message.set(None);
                        invite.set(Some(i));
                    }
                    None => message.set(Some((false, tt().invite_too_long.to_string()))),
                },
                Err(e) => message.set(Some((false, call_error(&e, tt(), t.get_untracked())))),
            }
        });
    };
    let confirm_leave = RwSignal::new(false);
    let leave = move |_| {
        confirm_leave.set(false);
        message.set(Some((true, tt().leaving.to_string())));
        leptos::task::spawn_local(async move {
            let team = stored_now(team);
            match net::leave(&team).await {
                Ok(()) => {
                    left.set(Some((true, tt().left_done.replace("{team}", &team.name))));
                    version.update(|v| *v += 1);
                    refresh(sync_state);
                }
                Err(e) => message.set(Some((false, call_error(&e, tt(), t.get_untracked())))),
            }
        });
    };
    let heading = format!("team-{}", team.with_value(|t| t.id.clone()));
    let labelled_by = heading.clone();
    view! {
        <article class="card team" aria-labelledby=labelled_by>
            <h2 id=heading>{team.with_value(|t| t.name.clone())}</h2>
            <p class="hint">{move || if team.with_value(|t| t.owner) { tt().yours } else { tt().member }}</p>
            <p class="hint" data-testid="this-device">
                {move || tt().this_device.replace("{device}", &team.with_value(Team::number))}
            </p>
            {move || {
                let (s, aside) = status();
                let tt = tt();
                let id = team.with_value(|t| t.id.clone());
                let shared = teams.with(|l| {
                    l.teams.iter().find(|t| t.id == id).map_or(0, |t| t.shared.len())
                });
                view! {
                    <dl class="sync-status">
                        <dt>{tt.last_sync}</dt>
                        <dd>{s.last_ok_ms.map_or_else(|| tt.never.to_string(), format_time)}</dd>
                        <dt>{tt.waiting}</dt>
                        <dd data-testid="team-waiting">{s.waiting}</dd>
                        {s.last_error.clone().filter(|e| *e != SyncError::Unauthorized).map(|e| view! {
                            <dt>{tt.last_error}</dt>
                            <dd class="sync-status__error">{error_text(&e, t.get())}</dd>
                        })}
                    </dl>
                    {(s.last_error == Some(SyncError::Unauthorized)).then(|| view! {
                        <p class="alert alert--warning" role="status">{tt.removed_here}</p>
                    })}
                    <p>{tt.shared_count.replace("{n}", &shared.to_string())}</p>
                    {(aside > 0).then(|| view! {
                        <p class="alert alert--warning">{tt.aside.replace("{n}", &aside.to_string())}</p>
                    })}
                }
            }}
            <p class="button-row">
                {move || team.with_value(|t| t.owner).then(|| view! {
                    <button type="button" class="btn btn--primary" on:click=make_invite>{tt().invite}</button>
                })}
                <button type="button" class="btn btn--secondary" disabled=move || sync_state.view.with(|v| v.busy)
                    on:click=move |_| kick(scheduler, true)>{move || tt().sync_now}</button>
                {move || (!team.with_value(|t| t.owner)).then(|| view! {
                    <button type="button" class="btn btn--secondary"
                        on:click=move |_| confirm_leave.set(true)>{tt().leave}</button>
                })}
            </p>
            {move || confirm_leave.get().then(|| {
                let tt = tt();
                let q = tt.leave_confirm.replace("{team}", &team.with_value(|t| t.name.clone()));
                let id = format!("leave-q-{}", team.with_value(|t| t.id.clone()));
                let labelled_by = id.clone();
                view! {
                    <div class="alert alert--warning" role="alertdialog" aria-labelledby=labelled_by>
                        <p id=id>{q}</p>
                        <p class="button-row">
                            <button type="button" class="btn btn--danger" on:click=leave>{tt.leave_yes}</button>
                            <button type="button" class="btn btn--secondary"
                                on:click=move |_| confirm_leave.set(false)>{tt.device_remove_no}</button>
                        </p>
                    </div>
                }
            })}
            <Said message=message ok="alert alert--info" />
            {move || invite.get().map(|i| view! { <InvitePanel invite=i lang close=move || invite.set(None) /> })}
            {move || team.with_value(|t| t.owner).then(|| view! { <Devices team=team.get_value() lang /> })}
        </article>
    }
}

/// The owner's list of the team's devices, each but its own with "Fjern" (and a confirmation).
#[component]
fn Devices(team: Team, lang: Memo<Lang>) -> impl IntoView {
    let prefs = use_prefs();
    let t = prefs.texts;
    let sync_state = use_sync();
    let scheduler = Scheduler::here();
    let tt = move || team_texts(lang.get());
    let team = StoredValue::new(team);
    let list = RwSignal::new(None::<Vec<DeviceInfo>>);
    // (device id, its number)
    let confirm = RwSignal::new(None::<(String, String)>);
    let message: Message = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let load = move || {
        leptos::task::spawn_local(async move {
            match net::devices(&team.get_value()).await {
                Ok(d) => list.set(Some(d)),
                Err(e) => message.set(Some((false, call_error(&e, tt(), t.get_untracked())))),
            }
        });
    };
    let remove = move |device: (String, String)| {
        busy.set(true);
        confirm.set(None);
        leptos::task::spawn_local(async move {
            let current = stored_now(team);
            let tt = tt();
            let (device, name) = device;
            match net::remove_device(&current, &device).await {
                Ok(_) => {
                    message.set(Some((
                        true,
                        tt.device_removed_done.replace("{device}", &name),
                    )));
                    refresh(sync_state);
                    kick(scheduler, true);
                    load();
                }
                Err(e) => message.set(Some((false, call_error(&e, tt, t.get_untracked())))),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="devices">
            {move || list.get().is_none().then(|| view! {
                <p class="button-row">
                    <button type="button" class="btn btn--secondary" on:click=move |_| load()>{tt().devices_show}</button>
                </p>
            })}
            {move || list.get().map(|devices| {
                let tt = tt();
                let own = team.with_value(|t| t.device.clone());
                view! {
                    <h3>{tt.devices_title}</h3>
                    <ul class="devices__list">
                        {devices.into_iter().map(|d| {
                            let name = device_number(&d.device, d.public_key.as_deref());
                            let mut notes = vec![tt.device_joined.replace("{time}", &format_time(d.created_ms))];
                            if d.owner { notes.push(tt.device_owner.to_string()); }
                            if d.device == own { notes.push(tt.device_here.to_string()); }
                            if d.left {
                                notes.push(tt.device_left.to_string());
                            } else if d.revoked {
                                notes.push(tt.device_removed.to_string());
                            }
                            let removable = !d.revoked && !d.owner && d.device != own;
                            let device = (d.device.clone(), name.clone());
                            let label = tt.device_remove.replace("{device}", &name);
                            view! {
                                <li class="devices__item" class:devices__item--removed=d.revoked>
                                    <span class="devices__name">{name.clone()}</span>
                                    <span class="hint">{notes.join(" · ")}</span>
                                    {removable.then(|| view! {
                                        <button type="button" class="btn btn--danger btn--small"
                                            disabled=move || busy.get()
                                            on:click=move |_| confirm.set(Some(device.clone()))>{label}</button>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
            })}
            {move || confirm.get().map(|device| {
                let tt = tt();
                let name = device.1.clone();
                view! {
                    <div class="alert alert--warning" role="alertdialog" aria-labelledby="remove-q">
                        <p id="remove-q">{tt.device_remove_confirm.replace("{device}", &name)}</p>
                        <p class="button-row">
                            <button type="button" class="btn btn--danger"
                                on:click=move |_| remove(device.clone())>{tt.device_remove_yes}</button>
                            <button type="button" class="btn btn--secondary"
                                on:click=move |_| confirm.set(None)>{tt.device_remove_no}</button>
                        </p>
                    </div>
                }
            })}
            <Said message=message />
        </div>
    }
}

/// The invite as a QR code and as text, with the warning to show it face to face only.
#[component]
fn InvitePanel(invite: Invite, lang: Memo<Lang>, close: impl Fn() + 'static) -> impl IntoView {
    let tt = move || team_texts(lang.get());
    // `Team::invite` made it only if it fits in a code.
    let code = invite.to_code().unwrap_or_default();
    let qr = invite_qr(&code);
    let copied: Message = RwSignal::new(None);
    let code_copy = code.clone();
    let copy = move |_| {
        let code = code_copy.clone();
        leptos::task::spawn_local(async move {
            let tt = tt();
            copied.set(Some(match platform::clipboard::copy(&code).await {
                Ok(()) => (true, tt.invite_copied.to_string()),
                Err(()) => (false, tt.scan_failed.to_string()),
            }));
        });
    };
    let until = format_time(invite.expires_ms);
    let title = invite.team_name.clone();
    view! {
        <div class="invite" role="region" aria-labelledby="invite-title">
            <h3 id="invite-title">{move || tt().invite_title.replace("{team}", &title)}</h3>
            <p class="alert alert--warning">{move || tt().invite_face_to_face}</p>
            {qr.map(|(width, path)| {
                let side = width + 2 * QR_QUIET;
                view! {
                    <svg class="invite__qr" viewBox=format!("0 0 {side} {side}") role="img"
                        aria-label=move || tt().invite_qr_label shape-rendering="crispEdges">
                        <rect width=side height=side fill="#fff" />
                        <path d=path fill="#000" />
                    </svg>
                }
            })}
            <label class="field">
                <span class="field__label">{move || tt().invite_code_label}</span>
                <textarea class="input invite__code" readonly rows="5" spellcheck="false">{code}</textarea>
            </label>
            <p class="hint">{move || tt().invite_valid_until.replace("{time}", &until)}</p>
            <p class="button-row">
                <button type="button" class="btn btn--secondary" on:click=copy>{move || tt().invite_copy}</button>
                <button type="button" class="btn btn--secondary" on:click=move |_| close()>{move || tt().invite_close}</button>
            </p>
            <Said message=copied />
        </div>
    }
}

/// "Tilslut et hold": the code pasted (or read by the camera), checked, and used once.
#[component]
fn JoinTeam(lang: Memo<Lang>, version: RwSignal<u32>, left: Message) -> impl IntoView {
    let prefs = use_prefs();
    let t = prefs.texts;
    let sync_state = use_sync();
    let scheduler = Scheduler::here();
    let tt = move || team_texts(lang.get());
    let code = RwSignal::new(String::new());
    let message: Message = RwSignal::new(None);
    // "Now on the team" is stale once the device has left a team.
    Effect::new(move |_| {
        if left.with(Option::is_some) {
            message.set(None);
        }
    });
    let busy = RwSignal::new(false);
    let join = move |_| {
        let now = now_ms();
        let invite = match Invite::parse(&code.get_untracked(), now) {
            Ok(i) => i,
            Err(e) => {
                return message.set(Some((false, e.reason(lang.get_untracked()).to_string())))
            }
        };
        if vault::read(|s| Teams::load(s, now).has(&invite.team_id)) {
            return message.set(Some((false, tt().already_member.to_string())));
        }
        busy.set(true);
        message.set(Some((true, tt().joining.to_string())));
        leptos::task::spawn_local(async move {
            let tt = tt();
            let result = match net::join(&invite).await {
                Ok((member, (pkcs8, public))) => {
                    let client = platform::new_uuid();
                    let team =
                        Team::from_invite(&invite, &member, now_ms()).with_ecdh(&pkcs8, &public);
                    let stored = net::write(move |s| {
                        let now = now_ms();
                        let mut teams = Teams::load(s, now);
                        teams.add(s, team.clone(), now).map_err(|e| {
                            crate::domain::storage::StoreError::Other(format!("{e:?}"))
                        })?;
                        lane::start_team(s, &team.id, &client, now)
                    })
                    .await;
                    match stored {
                        Ok(()) => Ok(()),
                        Err(_) => Err(tt.store_failed.to_string()),
                    }
                }
                Err(e) => Err(call_error(&e, tt, t.get_untracked())),
            };
            busy.set(false);
            match result {
                Ok(()) => {
                    code.set(String::new());
                    message.set(Some((true, tt.joined.to_string())));
                    left.set(None);
                    version.update(|v| *v += 1);
                    refresh(sync_state);
                    kick(scheduler, true);
                }
                Err(text) => message.set(Some((false, text))),
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="join-title">
            <h2 id="join-title">{move || tt().join_title}</h2>
            <p class="hint">{move || tt().join_help}</p>
            <super::team_scan::Scan lang on_code=move |c: String| code.set(c) />
            <label class="field">
                <span class="field__label">{move || tt().code_label}</span>
                <textarea class="input" rows="4" spellcheck="false" autocomplete="off"
                    prop:value=move || code.get()
                    on:input=move |ev| code.set(event_target_value(&ev))></textarea>
            </label>
            <p class="button-row">
                <button type="button" class="btn btn--primary" disabled=move || busy.get() on:click=join>
                    {move || tt().join}
                </button>
            </p>
            <Said message=message />
        </section>
    }
}

/// "Opret et hold": a name, the server and an organiser's token; the team key is made here.
#[component]
fn CreateTeam(lang: Memo<Lang>, version: RwSignal<u32>) -> impl IntoView {
    let prefs = use_prefs();
    let t = prefs.texts;
    let sync_state = use_sync();
    let tt = move || team_texts(lang.get());
    // The plain sync's address, when it is the reference server's protocol: the likely one;
    // CouchDB when the plain sync uses it (its address names a database, so none is offered).
    let plain = vault::read(|s| config::load(s, now_ms()));
    let kind = RwSignal::new(plain.as_ref().map_or(Kind::Json, |c| c.kind));
    let suggested = plain
        .filter(|c| c.kind == Kind::Json)
        .map(|c| c.url)
        .unwrap_or_default();
    let name = RwSignal::new(String::new());
    let url = RwSignal::new(suggested);
    let organiser = RwSignal::new(String::new());
    let admin = RwSignal::new(String::new());
    let message: Message = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let create = move |_| {
        let tt = tt();
        let couch = kind.get_untracked() == Kind::Couch;
        let checked = check_new_team(
            &name.get_untracked(),
            &url.get_untracked(),
            &organiser.get_untracked(),
        )
        .and_then(|ok| {
            let admin = if couch {
                check_couch_admin(&admin.get_untracked())?
            } else {
                String::new()
            };
            Ok((ok, admin))
        })
        .map_err(|p| match p {
            NewTeamProblem::OrganiserMissing if couch => NewTeamProblem::AdminMissing,
            p => p,
        });
        let ((team_name, address), admin_user) = match checked {
            Ok(v) => v,
            Err(p) => {
                let text = match p {
                    NewTeamProblem::NameMissing => tt.name_missing,
                    NewTeamProblem::NameTooLong => tt.name_too_long,
                    NewTeamProblem::Url(u) => u.text(t.get_untracked()),
                    NewTeamProblem::OrganiserMissing => tt.organiser_missing,
                    NewTeamProblem::AdminMissing => tt.admin_missing,
                };
                return message.set(Some((false, text.to_string())));
            }
        };
        let Ok(key) = crypto::random_bytes(KEY_BYTES) else {
            return message.set(Some((false, tt.store_failed.to_string())));
        };
        let Ok(key) = <[u8; KEY_BYTES]>::try_from(key) else {
            return;
        };
        busy.set(true);
        message.set(Some((true, tt.creating.to_string())));
        let token = organiser.get_untracked();
        leptos::task::spawn_local(async move {
            let made = if couch {
                net::create_couch_team(&address, &admin_user, &token).await
            } else {
                net::create_team(&address, token.trim()).await
            };
            let team_kind = if couch { Kind::Couch } else { Kind::Json };
            let result = match made {
                Ok((member, (pkcs8, public))) => {
                    let id = platform::new_uuid();
                    let client = platform::new_uuid();
                    let now = now_ms();
                    let team =
                        Team::created(&id, &team_name, (team_kind, &address), &member, &key, now)
                            .with_ecdh(&pkcs8, &public);
                    let stored = net::write(move |s| {
                        let mut teams = Teams::load(s, now);
                        teams.add(s, team, now).map_err(|e| {
                            crate::domain::storage::StoreError::Other(format!("{e:?}"))
                        })?;
                        lane::start_team(s, &id, &client, now)
                    })
                    .await;
                    stored.map_err(|_| tt.store_failed.to_string())
                }
                Err(TeamCallError::Sync(SyncError::Unauthorized | SyncError::Forbidden)) => {
                    Err(if couch {
                        tt.admin_refused
                    } else {
                        tt.organiser_refused
                    }
                    .to_string())
                }
                Err(e) => Err(call_error(&e, tt, t.get_untracked())),
            };
            busy.set(false);
            match result {
                Ok(()) => {
                    name.set(String::new());
                    organiser.set(String::new());
                    admin.set(String::new());
                    message.set(Some((true, tt.created.to_string())));
                    version.update(|v| *v += 1);
                    refresh(sync_state);
                }
                Err(text) => message.set(Some((false, text))),
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="create-title">
            <h2 id="create-title">{move || tt().create_title}</h2>
            <p class="hint">{move || tt().create_help}</p>
            <label class="field">
                <span class="field__label">{move || tt().name_label}</span>
                <span class="hint">{move || tt().name_help}</span>
                <input class="input" type="text" maxlength="80" autocomplete="off"
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev)) />
            </label>
            <KindChoice kind=kind name="team-kind" />
            <label class="field">
                <span class="field__label">{move || tt().url_label}</span>
                {move || (kind.get() == Kind::Couch).then(|| view! { <span class="hint">{tt().url_help}</span> })}
                <input class="input" type="url" inputmode="url" autocomplete="off" spellcheck="false"
                    prop:value=move || url.get()
                    on:input=move |ev| url.set(event_target_value(&ev)) />
            </label>
            <label class="field" hidden=move || kind.get() != Kind::Couch>
                <span class="field__label">{move || tt().admin_user_label}</span>
                <span class="hint">{move || tt().admin_help}</span>
                <input class="input" type="text" autocomplete="off" spellcheck="false"
                    prop:value=move || admin.get()
                    on:input=move |ev| admin.set(event_target_value(&ev)) />
            </label>
            <label class="field">
                <span class="field__label">
                    {move || if kind.get() == Kind::Couch { tt().admin_password_label } else { tt().organiser_label }}
                </span>
                {move || (kind.get() == Kind::Json).then(|| view! { <span class="hint">{tt().organiser_help}</span> })}
                <input class="input" type="password" autocomplete="off"
                    prop:value=move || organiser.get()
                    on:input=move |ev| organiser.set(event_target_value(&ev)) />
            </label>
            <p class="button-row">
                <button type="button" class="btn btn--primary" disabled=move || busy.get() on:click=create>
                    {move || tt().create}
                </button>
            </p>
            <Said message=message />
        </section>
    }
}
