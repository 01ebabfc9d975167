//! Sync in the browser: sends the requests the domain's transports build (`fetch`), and runs
//! one round — push every batch, then pull every page — through the PIN lock. What to send,
//! what an answer means and what is stored is all decided in `domain::sync`.

use crate::domain::storage::{KeyValueStore, StoreError};
use crate::domain::sync::config::{self, Kind, SyncConfig};
use crate::domain::sync::engine::{self, Applied, Batch};
use crate::domain::sync::envelope::{self, EnvelopeError};
use crate::domain::sync::json::TeamCallError;
use crate::domain::sync::lane::{lane_waits, RoundSummary};
use crate::domain::sync::protocol::{Doc, Pulled, SyncError};
use crate::domain::sync::{couch, couch_team, json, lane};
use crate::domain::team::{self, Invite, Member, Team, Teams};
use crate::domain::team_keys;
use crate::platform::{crypto, now_ms, vault};
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

pub use super::http::send;

/// A one-shot future for `vault::write`'s callback.
struct Shared<T> {
    value: Option<T>,
    waker: Option<Waker>,
}

struct Written<T>(Rc<RefCell<Shared<T>>>);

impl<T> Future for Written<T> {
    type Output = T;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let mut s = self.0.borrow_mut();
        match s.value.take() {
            Some(v) => Poll::Ready(v),
            None => {
                s.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

/// Runs `f` on the real store (never training's) through the lock, and waits until its writes
/// are on the device. A write that failed is an error.
pub async fn write<T: 'static>(
    f: impl FnOnce(&dyn KeyValueStore) -> Result<T, StoreError> + 'static,
) -> Result<T, StoreError> {
    let shared = Rc::new(RefCell::new(Shared {
        value: None,
        waker: None,
    }));
    let s2 = shared.clone();
    vault::write(f, move |value, stored| {
        let mut s = s2.borrow_mut();
        s.value = Some(value.and_then(|v| stored.map(|()| v)));
        if let Some(w) = s.waker.take() {
            w.wake();
        }
    });
    Written(shared).await
}

/// The settings and the secret, when sync is on and complete.
pub fn settings() -> Option<(SyncConfig, String)> {
    let now = now_ms();
    vault::read(|s| {
        let c = config::load(s, now)?;
        let secret = config::secret(s, now);
        (c.enabled && !secret.is_empty()).then_some((c, secret))
    })
}

fn auth(c: &SyncConfig, secret: &str) -> String {
    match c.kind {
        Kind::Json => format!("Bearer {secret}"),
        Kind::Couch => couch::basic(&c.user, secret),
    }
}

fn store_error(e: StoreError) -> SyncError {
    SyncError::BadAnswer {
        status: 0,
        detail: format!("device storage: {e}"),
    }
}

/// Asks for one change with the given settings: the answer says whether the address and the
/// credentials work.
pub async fn test_connection(c: &SyncConfig, secret: &str) -> Result<(), SyncError> {
    let req = match c.kind {
        Kind::Json => json::changes_request(&c.url, secret, "", 1),
        Kind::Couch => couch::changes_request(&c.url, &auth(c, secret), "", 1),
    };
    let (status, body) = send(&req).await?;
    match c.kind {
        Kind::Json => json::parse_changes(status, &body).map(|_| ()),
        Kind::Couch => couch::parse_changes(status, &body, 1).map(|_| ()),
    }
}

/// A round of every lane that may run now: the plain lane (when set up and on) and each team's,
/// each skipped while its server refused its credentials unless the user `asked`. Each lane's
/// success or error is recorded in its own state.
pub async fn rounds(asked: bool) -> RoundSummary {
    let now = now_ms();
    let waits = |s: &dyn KeyValueStore| {
        lane_waits(
            asked,
            engine::state(s, now).and_then(|st| st.last_error).as_ref(),
        )
    };
    let plain = settings().filter(|_| !vault::read(|s| waits(s)));
    let teams: Vec<Team> = vault::read(|s| {
        Teams::load(s, now)
            .teams
            .into_iter()
            .filter(|t| !lane::on(Some(&t.id), s, waits))
            .collect()
    });
    let mut results: Vec<(Option<String>, Result<Applied, SyncError>)> = Vec::new();
    if let Some((cfg, secret)) = plain {
        results.push((None, round(&cfg, &secret).await));
    }
    for team in &teams {
        results.push((Some(team.id.clone()), team_round(team).await));
    }
    let mut summary = RoundSummary::default();
    for (lane_id, result) in results {
        let now = now_ms();
        match result {
            Ok(applied) => {
                summary.changed_data |= applied.changed_data();
                let _ =
                    write(move |s| lane::on(lane_id.as_deref(), s, |s| engine::record_ok(s, now)))
                        .await;
            }
            Err(e) => {
                let retries = e.retries();
                let failures = write(move |s| {
                    lane::on(lane_id.as_deref(), s, |s| engine::record_error(s, &e, now))
                })
                .await
                .unwrap_or(1);
                if retries {
                    summary.backoff_failures =
                        Some(summary.backoff_failures.unwrap_or(0).max(failures));
                }
            }
        }
    }
    summary
}

/// One round of the plain lane (v1: Settings → Synkronisering).
pub async fn round(c: &SyncConfig, secret: &str) -> Result<Applied, SyncError> {
    lane_round(&Route::plain(c, secret), None).await
}

/// One round of a team's lane: the same push and pull, each document sealed with the team key
/// before it leaves and opened after it arrives. A document that does not open is kept aside.
pub async fn team_round(team: &Team) -> Result<Applied, SyncError> {
    let result = team_round_on(team).await;
    match team.kind {
        Kind::Couch => result.map_err(couch_team::round_error),
        Kind::Json => result,
    }
}

async fn team_round_on(team: &Team) -> Result<Applied, SyncError> {
    let held = team.epoch();
    let (mut fetched, rotation_due) = fetch_keys(team).await?;
    if rotation_due && fetched.owner {
        // A member left, or was removed and the new key did not get made then: a new one for
        // those who stay, before anything else goes out.
        rotate(&fetched).await.map_err(|e| match e {
            TeamCallError::Sync(e) => e,
            other => SyncError::BadAnswer {
                status: 0,
                detail: format!("{other:?}"),
            },
        })?;
        let id = fetched.id.clone();
        fetched = vault::read(|s| Teams::load(s, now_ms()))
            .teams
            .into_iter()
            .find(|t| t.id == id)
            .ok_or(SyncError::BadAnswer {
                status: 0,
                detail: "the team is gone".into(),
            })?;
    }
    let team = &fetched;
    let crypt = TeamCrypt::new(team).await?;
    let mut retried = Applied::default();
    if team.epoch() > held {
        retried = crypt.retry_aside().await?;
    }
    let route = match team.kind {
        Kind::Json => Route {
            kind: Kind::Json,
            url: team.url.clone(),
            secret: team.token.clone(),
            auth: format!("Bearer {}", team.token),
        },
        Kind::Couch => Route {
            kind: Kind::Couch,
            url: couch_team::db_url(&team.url, &team.space),
            secret: team.token.clone(),
            auth: couch_team::auth(&team.token),
        },
    };
    let mut applied = lane_round(&route, Some(&crypt)).await?;
    applied.updated += retried.updated;
    applied.deleted += retried.deleted;
    applied.conflicts += retried.conflicts;
    Ok(applied)
}

/// Where a lane's requests go.
struct Route {
    kind: Kind,
    url: String,
    secret: String,
    auth: String,
}

impl Route {
    fn plain(c: &SyncConfig, secret: &str) -> Route {
        Route {
            kind: c.kind,
            url: c.url.clone(),
            secret: secret.to_string(),
            auth: auth(c, secret),
        }
    }
}

/// A team's keys in WebCrypto (not extractable), for one round.
struct TeamCrypt {
    id: String,
    space: String,
    /// CouchDB makes the revisions: the additional data binds their generation only.
    couch: bool,
    keys: Vec<(u32, web_sys::CryptoKey)>,
    current: u32,
}

fn crypto_error(_: wasm_bindgen::JsValue) -> SyncError {
    SyncError::BadAnswer {
        status: 0,
        detail: "the browser's cryptography failed".into(),
    }
}

impl TeamCrypt {
    async fn new(team: &Team) -> Result<TeamCrypt, SyncError> {
        let mut keys = Vec::new();
        for (epoch, _) in &team.keys {
            if let Some(raw) = team.key(*epoch) {
                keys.push((
                    *epoch,
                    crypto::import_data_key(&raw).await.map_err(crypto_error)?,
                ));
            }
        }
        let current = team.current().map(|(e, _)| e).ok_or(SyncError::BadAnswer {
            status: 0,
            detail: "the team has no key on this device".into(),
        })?;
        Ok(TeamCrypt {
            id: team.id.clone(),
            space: team.space.clone(),
            couch: team.kind == Kind::Couch,
            keys,
            current,
        })
    }

    /// The document as its additional data binds it.
    fn bound(&self, doc: &Doc) -> Doc {
        if self.couch {
            envelope::couch_bound(doc)
        } else {
            doc.clone()
        }
    }

    fn key(&self, epoch: u32) -> Option<&web_sys::CryptoKey> {
        self.keys.iter().find(|(e, _)| *e == epoch).map(|(_, k)| k)
    }

    /// The batch as it goes to the server: every live document's data sealed, with a fresh IV.
    async fn seal(&self, batch: &Batch) -> Result<Batch, SyncError> {
        let key = self.key(self.current).ok_or(SyncError::BadAnswer {
            status: 0,
            detail: "the team key is missing".into(),
        })?;
        let mut out = batch.clone();
        for item in &mut out.items {
            let doc = &item.mutation.doc;
            let Some((aad, plain)) = envelope::to_seal(&self.bound(doc), &self.space) else {
                continue;
            };
            let iv: [u8; envelope::IV_BYTES] = crypto::random_bytes(envelope::IV_BYTES)
                .map_err(crypto_error)?
                .try_into()
                .map_err(|_| crypto_error(wasm_bindgen::JsValue::NULL))?;
            let ct = crypto::bytes(crypto::encrypt(key, &iv, &aad, &plain).map_err(crypto_error)?)
                .await
                .map_err(crypto_error)?;
            item.mutation.doc =
                envelope::sealed(doc, &envelope::Envelope::new(self.current, &iv, &ct));
        }
        Ok(out)
    }

    /// The pulled document opened, or why not (it is then kept aside).
    async fn open(&self, doc: &Doc) -> Result<Doc, EnvelopeError> {
        let Some((env, aad)) = envelope::to_open(&self.bound(doc), &self.space)? else {
            return Ok(doc.clone());
        };
        let key = self
            .key(env.epoch)
            .ok_or(EnvelopeError::NoKeyFor { epoch: env.epoch })?;
        let (iv, ct) = env.parts()?;
        let plain = match crypto::decrypt(key, &iv, &aad, &ct) {
            Ok(f) => crypto::bytes(f)
                .await
                .map_err(|_| EnvelopeError::Unauthentic)?,
            Err(_) => return Err(EnvelopeError::Unauthentic),
        };
        envelope::opened(doc, &plain)
    }

    /// Tries the documents kept aside again (a new key arrived): those that open now are
    /// applied, the rest stay aside.
    async fn retry_aside(&self) -> Result<Applied, SyncError> {
        let id = self.id.clone();
        let kept = vault::read(|s| lane::aside(s, &id, now_ms()));
        let mut opened = Vec::new();
        for doc in kept {
            if let Ok(d) = self.open(&doc).await {
                opened.push(d);
            }
        }
        if opened.is_empty() {
            return Ok(Applied::default());
        }
        write(move |s| lane::retry_aside(s, &id, opened, now_ms()))
            .await
            .map_err(store_error)
    }

    /// Opens every document; those that do not open are kept aside and left out.
    async fn open_all(&self, docs: Vec<Pulled>) -> Result<(Vec<Pulled>, usize), SyncError> {
        let mut opened = Vec::with_capacity(docs.len());
        let mut aside = Vec::new();
        for mut p in docs {
            match self.open(&p.doc).await {
                Ok(d) => {
                    p.doc = d;
                    opened.push(p);
                }
                Err(_) => aside.push(p.doc),
            }
        }
        let n = aside.len();
        if n > 0 {
            let id = self.id.clone();
            write(move |s| {
                aside
                    .iter()
                    .try_for_each(|d| lane::keep_aside(s, &id, d, now_ms()))
            })
            .await
            .map_err(store_error)?;
        }
        Ok((opened, n))
    }
}

/// One round of a lane: every waiting change is pushed (batch by batch), then every new page is
/// pulled. Stops at the first error; nothing is lost by stopping (the outbox and checkpoint are
/// only moved on by answers that arrived).
async fn lane_round(route: &Route, crypt: Option<&TeamCrypt>) -> Result<Applied, SyncError> {
    let mut total = Applied::default();
    let team: Option<String> = crypt.map(|c| c.id.clone());
    let (url, secret, auth) = (&route.url, &route.secret, &route.auth);
    loop {
        let t = team.clone();
        let batch = write(move |s| lane::on(t.as_deref(), s, |s| engine::next_batch(s, now_ms())))
            .await
            .map_err(store_error)?;
        let Some(batch) = batch else { break };
        let batch = match crypt {
            Some(c) => c.seal(&batch).await?,
            None => batch,
        };
        let mut outcome = match route.kind {
            Kind::Json => {
                let (status, body) = send(&json::push_request(url, secret, &batch)).await?;
                json::parse_push(status, &body, &batch)?
            }
            Kind::Couch => {
                let (status, body) = send(&couch::bulk_request(url, auth, &batch)).await?;
                let bulk = couch::parse_bulk(status, &body, &batch)?;
                let mut current = Default::default();
                if !bulk.to_check.is_empty() {
                    let ids: Vec<String> = batch
                        .items
                        .iter()
                        .filter(|o| bulk.to_check.contains(&o.mutation.mid))
                        .map(|o| o.mutation.doc.id.clone())
                        .collect();
                    let (status, body) = send(&couch::all_docs_request(url, auth, &ids)).await?;
                    current = couch::parse_all_docs(status, &body)?;
                }
                couch::finish_push(&batch, &bulk, &current)?
            }
        };
        if let Some(c) = crypt {
            // The server's versions of conflicts, opened; one that does not open is kept aside
            // and its mutation stays in the outbox.
            let docs: Vec<Pulled> = outcome
                .conflicts
                .iter()
                .map(|(_, d)| Pulled {
                    doc: d.clone(),
                    losing: Vec::new(),
                })
                .collect();
            let (opened, _) = c.open_all(docs).await?;
            outcome.conflicts.retain_mut(|(_, d)| {
                match opened
                    .iter()
                    .find(|p| p.doc.id == d.id && p.doc.rev == d.rev)
                {
                    Some(p) => {
                        *d = p.doc.clone();
                        true
                    }
                    None => false,
                }
            });
        }
        let t = team.clone();
        let a = write(move |s| {
            lane::on(t.as_deref(), s, |s| {
                engine::apply_push(s, &outcome, now_ms())
            })
        })
        .await
        .map_err(store_error)?;
        total.accepted += a.accepted;
        total.conflicts += a.conflicts;
        if a.accepted + a.conflicts == 0 {
            break;
        }
    }
    loop {
        let since =
            vault::read(|s| lane::on(team.as_deref(), s, |s| engine::checkpoint(s, now_ms())));
        let mut page = match route.kind {
            Kind::Json => {
                let (status, body) =
                    send(&json::changes_request(url, secret, &since, json::PAGE)).await?;
                json::parse_changes(status, &body)?
            }
            Kind::Couch => {
                let (status, body) =
                    send(&couch::changes_request(url, auth, &since, couch::PAGE)).await?;
                let mut p = couch::parse_changes(status, &body, couch::PAGE)?;
                for (id, revs) in std::mem::take(&mut p.losing) {
                    let mut docs = Vec::new();
                    for rev in revs {
                        let (status, body) =
                            send(&couch::rev_request(url, auth, &id, &rev)).await?;
                        docs.push(couch::parse_rev(status, &body)?);
                    }
                    couch::attach_losing(&mut p.page, &id, docs);
                }
                p.page
            }
        };
        let more = page.more && !page.docs.is_empty();
        let a = match (crypt, &team) {
            (Some(c), Some(id)) => {
                let (opened, aside) = c.open_all(std::mem::take(&mut page.docs)).await?;
                page.docs = opened;
                let id = id.clone();
                let mut a = write(move |s| lane::apply_team_page(s, &id, page, now_ms()))
                    .await
                    .map_err(store_error)?;
                a.unreadable += aside;
                a
            }
            _ => write(move |s| engine::apply_page(s, &page, now_ms()))
                .await
                .map_err(store_error)?,
        };
        total.updated += a.updated;
        total.deleted += a.deleted;
        total.conflicts += a.conflicts;
        total.unreadable += a.unreadable;
        if !more {
            break;
        }
    }
    Ok(total)
}

// ---- Teams: made, invited to and joined through the server (JSON protocol v2) ----

/// This device's new ECDH key pair for a team: the private half (PKCS #8) and the public half
/// as the server takes it.
pub type TeamPair = (Vec<u8>, String);

async fn team_pair() -> Result<TeamPair, TeamCallError> {
    let failed = || TeamCallError::Sync(crypto_error(wasm_bindgen::JsValue::NULL));
    let (pkcs8, public) = crypto::ecdh_pair().await.map_err(|_| failed())?;
    let public = team_keys::public_key_text(&public).ok_or_else(failed)?;
    Ok((pkcs8, public))
}

/// "Opret et hold" on CouchDB: a new database with this device's user as its owner, made with
/// a server administrator's login that is used for it and forgotten (docs/couchdb.md).
pub async fn create_couch_team(
    server: &str,
    admin_user: &str,
    admin_password: &str,
) -> Result<(Member, TeamPair), TeamCallError> {
    let (pkcs8, public) = team_pair().await?;
    let member = super::couch_team::create(server, admin_user, admin_password, &public).await?;
    Ok((member, (pkcs8, public)))
}

/// "Opret et hold": a new space on the server with this device as its owner, and this
/// device's private ECDH key for the team.
pub async fn create_team(
    url: &str,
    organiser_token: &str,
) -> Result<(Member, TeamPair), TeamCallError> {
    let (pkcs8, public) = team_pair().await?;
    let (status, body) = send(&json::create_team_request(url, organiser_token, &public))
        .await
        .map_err(TeamCallError::Sync)?;
    Ok((json::parse_member(status, &body)?, (pkcs8, public)))
}

/// "Inviter": a single-use invite token from the server, valid until `expires_ms`.
pub async fn invite(team: &Team, expires_ms: u64) -> Result<(String, u64), TeamCallError> {
    if team.kind == Kind::Couch {
        return super::couch_team::invite(team, expires_ms).await;
    }
    let (status, body) = send(&json::invite_request(&team.url, &team.token, expires_ms))
        .await
        .map_err(TeamCallError::Sync)?;
    json::parse_invite(status, &body)
}

/// "Tilslut": uses the invite up, and gives this device its own token in the team's space
/// (and its private ECDH key for the team).
pub async fn join(invite: &Invite) -> Result<(Member, TeamPair), TeamCallError> {
    let (pkcs8, public) = team_pair().await?;
    if invite.kind == Kind::Couch {
        let member = super::couch_team::join(invite, &public).await?;
        return Ok((member, (pkcs8, public)));
    }
    let (status, body) = send(&json::join_request(&invite.url, &invite.token, &public))
        .await
        .map_err(TeamCallError::Sync)?;
    Ok((json::parse_member(status, &body)?, (pkcs8, public)))
}

/// The team's devices (its owner asks).
pub async fn devices(team: &Team) -> Result<Vec<json::DeviceInfo>, TeamCallError> {
    if team.kind == Kind::Couch {
        return super::couch_team::devices(team).await;
    }
    let (status, body) = send(&json::devices_request(&team.url, &team.token))
        .await
        .map_err(TeamCallError::Sync)?;
    json::parse_devices(status, &body)
}

/// Removes a device from the team at the server: its token is refused from now on.
pub async fn revoke(team: &Team, device: &str) -> Result<(), TeamCallError> {
    if team.kind == Kind::Couch {
        return super::couch_team::revoke(team, device).await;
    }
    let (status, body) = send(&json::revoke_request(&team.url, &team.token, device))
        .await
        .map_err(TeamCallError::Sync)?;
    json::parse_revoked(status, &body)
}

/// What removing a device did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    /// The devices that were sent the new key.
    pub rekeyed: usize,
    /// Live devices the new key could not be wrapped for (no public key on the server): they
    /// get nothing new until invited again.
    pub without_key: usize,
    /// Concerns queued to go out again under the new key.
    pub resealed: usize,
}

/// The owner removes `device`: the server refuses its token from now on (and deletes the keys
/// wrapped for it), then the team gets a new key ([`rotate`]) that the device is never sent.
/// Should the rotation fail, the server says `rotation_due` and the next round does it.
pub async fn remove_device(team: &Team, device: &str) -> Result<Removed, TeamCallError> {
    revoke(team, device).await?;
    rotate(team).await
}

/// A new team key (the next epoch), made here: wrapped for every live device of the team but
/// this one, handed to the server (which refuses an epoch that leaves out a device with a
/// public key), kept here, and every shared concern queued to go out again under it. With
/// nobody left to wrap it for, the epoch still goes to the server (empty), so that the next
/// one is counted from it. After a removal, and after a member left by itself.
async fn rotate(team: &Team) -> Result<Removed, TeamCallError> {
    let failed = || TeamCallError::Sync(crypto_error(wasm_bindgen::JsValue::NULL));
    let devices = devices(team).await?;
    let key: [u8; team::KEY_BYTES] = crypto::random_bytes(team::KEY_BYTES)
        .map_err(|_| failed())?
        .try_into()
        .map_err(|_| failed())?;
    let epoch = team.epoch() + 1;
    let mut wrapped = Vec::new();
    let mut without_key = 0;
    for d in devices
        .iter()
        .filter(|d| !d.revoked && d.device != team.device)
    {
        let Some(public) = d
            .public_key
            .as_deref()
            .and_then(team_keys::parse_public_key)
        else {
            without_key += 1;
            continue;
        };
        let info = team_keys::wrap_info(&team.id, &team.space, &d.device, epoch);
        let (ephemeral, iv, sealed) = crypto::wrap_key(&public, &key, &info)
            .await
            .map_err(|_| failed())?;
        let w = team_keys::Wrapped {
            ephemeral: ephemeral.try_into().map_err(|_| failed())?,
            iv: iv.try_into().map_err(|_| failed())?,
            sealed: sealed.try_into().map_err(|_| failed())?,
        };
        wrapped.push((d.device.clone(), w.to_text()));
    }
    if team.kind == Kind::Couch {
        super::couch_team::post_keys(team, epoch, &wrapped).await?;
    } else {
        let (status, body) = send(&json::post_keys_request(
            &team.url,
            &team.token,
            epoch,
            &wrapped,
        ))
        .await
        .map_err(TeamCallError::Sync)?;
        json::parse_keys_posted(status, &body)?;
    }
    let id = team.id.clone();
    let resealed = write(move |s| {
        let now = now_ms();
        let mut teams = Teams::load(s, now);
        teams
            .add_key(s, &id, epoch, &key, now)
            .map_err(|e| StoreError::Other(format!("{e:?}")))?;
        lane::reseal(s, &id, now)
    })
    .await
    .map_err(|e| TeamCallError::Sync(store_error(e)))?;
    Ok(Removed {
        rekeyed: wrapped.len(),
        without_key,
        resealed,
    })
}

/// "Forlad holdet": the server is told (it refuses this device's token from then on, and the
/// owner's device makes a new key on its next round), then the team, its key and its lane are
/// forgotten here. A 401 counts as told: the device was removed, or left before. The
/// concerns stay on the device.
pub async fn leave(team: &Team) -> Result<(), TeamCallError> {
    if team.kind == Kind::Couch {
        super::couch_team::leave(team).await?;
    } else {
        let (status, body) = send(&json::leave_request(&team.url, &team.token))
            .await
            .map_err(TeamCallError::Sync)?;
        json::parse_left(status, &body)?;
    }
    let id = team.id.clone();
    write(move |s| lane::forget_team(s, &id, now_ms()))
        .await
        .map_err(|e| TeamCallError::Sync(store_error(e)))?;
    Ok(())
}

/// Fetches the team keys wrapped for this device since the newest it holds, opens and keeps
/// them. One that does not open (not wrapped for this device) is skipped: it cannot be used,
/// and a later one may be. Returns the team as now stored, and whether the server says a new
/// key is due (the owner's device only: a member left by itself).
async fn fetch_keys(team: &Team) -> Result<(Team, bool), SyncError> {
    let as_sync = |e| match e {
        TeamCallError::Sync(e) => e,
        other => SyncError::BadAnswer {
            status: 0,
            detail: format!("{other:?}"),
        },
    };
    let (keys, rotation_due) = if team.kind == Kind::Couch {
        super::couch_team::my_keys(team).await.map_err(as_sync)?
    } else {
        let (status, body) =
            send(&json::my_keys_request(&team.url, &team.token, team.epoch())).await?;
        let json::MyKeys { keys, rotation_due } =
            json::parse_my_keys(status, &body).map_err(as_sync)?;
        (keys, rotation_due)
    };
    let Some(pkcs8) = team.ecdh_key() else {
        return Ok((team.clone(), rotation_due));
    };
    let mut opened = Vec::new();
    for (epoch, text) in keys {
        let Some(w) = team_keys::Wrapped::parse(&text) else {
            continue;
        };
        let info = team_keys::wrap_info(&team.id, &team.space, &team.device, epoch);
        if let Ok(key) = crypto::unwrap_key(&pkcs8, &w.ephemeral, &w.iv, &w.sealed, &info).await {
            if let Ok(key) = <[u8; team::KEY_BYTES]>::try_from(key) {
                opened.push((epoch, key));
            }
        }
    }
    if opened.is_empty() {
        return Ok((team.clone(), rotation_due));
    }
    let id = team.id.clone();
    write(move |s| {
        let now = now_ms();
        let mut teams = Teams::load(s, now);
        for (epoch, key) in &opened {
            teams
                .add_key(s, &id, *epoch, key, now)
                .map_err(|e| StoreError::Other(format!("{e:?}")))?;
        }
        Ok(teams.teams.into_iter().find(|t| t.id == id))
    })
    .await
    .map_err(store_error)?
    .map(|team| (team, rotation_due))
    .ok_or(SyncError::BadAnswer {
        status: 0,
        detail: "the team is gone".into(),
    })
}
