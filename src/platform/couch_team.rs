//! Teams on CouchDB in the browser (docs/couchdb.md, "Teams on CouchDB"): sends the requests
//! `domain::sync::couch_team` builds. `platform::sync` calls these for a team whose backend is
//! CouchDB, in the places where the reference server has its own endpoints.

use super::http::send;
use crate::domain::sync::couch_team::{self as ct, DeviceDoc, Security};
use crate::domain::sync::json::{DeviceInfo, TeamCallError};
use crate::domain::sync::protocol::{Request, SyncError};
use crate::domain::sync::{couch, validate};
use crate::domain::team::{Invite, Member, Team};
use crate::domain::team_keys;
use crate::platform::{crypto, now_ms};
use serde_json::Value;

async fn ask(req: &Request) -> Result<(u16, String), TeamCallError> {
    send(req).await.map_err(TeamCallError::Sync)
}

async fn written(req: &Request) -> Result<String, TeamCallError> {
    let (status, body) = ask(req).await?;
    ct::parse_written(status, &body)
}

/// Writes one of the team's own documents (which always carry their `_id`).
async fn put_doc(url: &str, auth: &str, doc: &Value) -> Result<String, TeamCallError> {
    written(&ct::put_doc_request(url, auth, doc).ok_or_else(|| bad("a document without _id"))?)
        .await
}

fn failed() -> TeamCallError {
    TeamCallError::Sync(SyncError::BadAnswer {
        status: 0,
        detail: "the browser's random numbers failed".into(),
    })
}

fn bad(detail: &str) -> TeamCallError {
    TeamCallError::Sync(SyncError::BadAnswer {
        status: 0,
        detail: detail.into(),
    })
}

/// A random user name, database name or password part.
fn random_hex() -> Result<String, TeamCallError> {
    crypto::random_bytes(16)
        .map(|b| ct::hex(&b))
        .map_err(|_| failed())
}

fn random_password() -> Result<String, TeamCallError> {
    crypto::random_bytes(32)
        .map(|b| team_keys::b64url_encode(&b))
        .map_err(|_| failed())
}

/// Where a team's database is and how to log in to it.
fn place(team: &Team) -> (String, String) {
    (ct::db_url(&team.url, &team.space), ct::auth(&team.token))
}

/// "Opret et hold" on CouchDB: with a server administrator's login (used here and forgotten),
/// the team's database, the owner device's user, the security object and the validate
/// function; then, as the owner, its device document and the first key epoch.
pub async fn create(
    server: &str,
    admin_user: &str,
    admin_password: &str,
    public_key: &str,
) -> Result<Member, TeamCallError> {
    let server = server.trim_end_matches('/');
    let admin = couch::basic(admin_user, admin_password);
    let db = ct::db_name(&random_hex()?);
    let owner = ct::user_name(&random_hex()?);
    let password = random_password()?;
    if !validate::is_space(&db) {
        return Err(bad("team: no valid database name"));
    }
    // The database first: it needs the administrator, so a wrong login makes nothing.
    written(&ct::create_db_request(server, &admin, &db)).await?;
    written(&ct::new_user_request(
        server,
        Some(&admin),
        &owner,
        &password,
    ))
    .await?;
    let url = ct::db_url(server, &db);
    written(&ct::put_security_request(
        &url,
        &admin,
        &Security::new_team(&owner),
    ))
    .await?;
    written(&ct::design_request(&url, &admin)).await?;
    let token = ct::token(&owner, &password);
    let auth = ct::auth(&token);
    let device = DeviceDoc::new(&owner, public_key, 1, now_ms()).to_value();
    for doc in [device, ct::keys_doc(1, &[])] {
        put_doc(&url, &auth, &doc).await?;
    }
    Ok(Member {
        space: db,
        token,
        device: owner,
    })
}

/// "Inviter": a new user with a one-time password, made a member, and the invite's deadline
/// recorded for the owner's upkeep. Returns the invite's token (`user:password`).
pub async fn invite(team: &Team, expires_ms: u64) -> Result<(String, u64), TeamCallError> {
    let (url, auth) = place(team);
    let name = ct::user_name(&random_hex()?);
    let password = random_password()?;
    // A sign-up: CouchDB takes it only without credentials, and only where IT opened it.
    let (status, body) = ask(&ct::new_user_request(&team.url, None, &name, &password)).await?;
    ct::parse_sign_up(status, &body)?;
    let mut security = security(&url, &auth).await?;
    if !security.is_member(&name) {
        security.members.push(name.clone());
    }
    written(&ct::put_security_request(&url, &auth, &security)).await?;
    let doc = ct::invite_doc(&name, expires_ms);
    put_doc(&url, &auth, &doc).await?;
    Ok((ct::token(&name, &password), expires_ms))
}

async fn security(url: &str, auth: &str) -> Result<Security, TeamCallError> {
    let (status, body) = ask(&ct::security_request(url, auth)).await?;
    ct::parse_security(status, &body)
}

/// "Tilslut" on CouchDB: the invite's login changes its own password to one only this device
/// knows (so the invite cannot be used again), then writes this device's document.
pub async fn join(invite: &Invite, public_key: &str) -> Result<Member, TeamCallError> {
    let name = ct::token_name(&invite.token).to_string();
    let auth = ct::auth(&invite.token);
    let (status, body) = ask(&ct::user_request(&invite.url, &auth, &name)).await?;
    if status == 401 || status == 403 {
        return Err(ct::join_refused(status, &body));
    }
    let user = ct::parse_doc(status, &body)?.ok_or(TeamCallError::InviteUsed)?;
    let password = random_password()?;
    let req = ct::new_password_request(&invite.url, &auth, &user, &password)
        .ok_or_else(|| bad("join: not a user document"))?;
    let (status, body) = ask(&req).await?;
    match status {
        // Another device changed the password first.
        401 | 409 => return Err(TeamCallError::InviteUsed),
        _ => ct::parse_written(status, &body)?,
    };
    let token = ct::token(&name, &password);
    let url = ct::db_url(&invite.url, &invite.space);
    let doc = DeviceDoc::new(&name, public_key, invite.epoch, now_ms()).to_value();
    let req = ct::put_doc_request(&url, &ct::auth(&token), &doc).ok_or_else(|| bad("join"))?;
    let (status, body) = ask(&req).await?;
    if status == 403 {
        // The owner took the invite back (its deadline passed) before it was used.
        return Err(TeamCallError::InviteExpired);
    }
    ct::parse_written(status, &body)?;
    Ok(Member {
        space: invite.space.clone(),
        token,
        device: name,
    })
}

async fn device_docs(url: &str, auth: &str) -> Result<Vec<DeviceDoc>, TeamCallError> {
    let (status, body) = ask(&ct::range_request(url, auth, ct::DEVICE, ct::DEVICE)).await?;
    Ok(ct::parse_range(status, &body)?
        .iter()
        .filter_map(DeviceDoc::parse)
        .collect())
}

/// The team's devices (its owner asks).
pub async fn devices(team: &Team) -> Result<Vec<DeviceInfo>, TeamCallError> {
    let (url, auth) = place(team);
    let security = security(&url, &auth).await?;
    Ok(ct::devices(&security, &device_docs(&url, &auth).await?))
}

/// Removes a device: out of the database's members (its login gets 403 from now on), and its
/// document marked removed.
pub async fn revoke(team: &Team, device: &str) -> Result<(), TeamCallError> {
    let (url, auth) = place(team);
    let mut security = security(&url, &auth).await?;
    if security.admins.iter().any(|a| a == device) {
        return Err(bad("revoke: the owner cannot be removed"));
    }
    security.members.retain(|m| m != device);
    written(&ct::put_security_request(&url, &auth, &security)).await?;
    let id = format!("{}{device}", ct::DEVICE);
    let (status, body) = ask(&ct::get_doc_request(&url, &auth, &id)).await?;
    if let Some(mut d) = ct::parse_doc(status, &body)?
        .as_ref()
        .and_then(DeviceDoc::parse)
    {
        d.revoked = true;
        put_doc(&url, &auth, &d.to_value()).await?;
    }
    Ok(())
}

/// A new key epoch, wrapped for each device that stays.
pub async fn post_keys(
    team: &Team,
    epoch: u32,
    wrapped: &[(String, String)],
) -> Result<(), TeamCallError> {
    let (url, auth) = place(team);
    let doc = ct::keys_doc(epoch, wrapped);
    put_doc(&url, &auth, &doc).await?;
    Ok(())
}

/// "Forlad holdet" on CouchDB: this device's document says it left, then its own password is
/// changed to one nobody keeps (its login is dead at once). A refused login counts as out.
pub async fn leave(team: &Team) -> Result<(), TeamCallError> {
    let (url, auth) = place(team);
    let out = |e: &TeamCallError| {
        matches!(
            e,
            TeamCallError::Sync(SyncError::Unauthorized | SyncError::Forbidden)
        )
    };
    let id = format!("{}{}", ct::DEVICE, team.device);
    let step = async {
        let (status, body) = ask(&ct::get_doc_request(&url, &auth, &id)).await?;
        let mut d = ct::parse_doc(status, &body)?
            .as_ref()
            .and_then(DeviceDoc::parse)
            .unwrap_or_else(|| DeviceDoc::new(&team.device, &team.ecdh_public, 1, now_ms()));
        d.left = true;
        put_doc(&url, &auth, &d.to_value()).await?;
        let name = ct::token_name(&team.token);
        let (status, body) = ask(&ct::user_request(&team.url, &auth, name)).await?;
        let user: Option<Value> = ct::parse_doc(status, &body)?;
        if let Some(req) = user
            .as_ref()
            .and_then(|u| ct::new_password_request(&team.url, &auth, u, &random_password().ok()?))
        {
            written(&req).await?;
        }
        Ok::<(), TeamCallError>(())
    };
    match step.await {
        Err(e) if !out(&e) => Err(e),
        _ => Ok(()),
    }
}

/// The keys wrapped for this device since the newest it holds, and for the owner whether a new
/// key is due, after its upkeep (devices that left and expired invites out of the members).
pub async fn my_keys(team: &Team) -> Result<(Vec<(u32, String)>, bool), TeamCallError> {
    let (url, auth) = place(team);
    let epoch = team.epoch();
    let (status, body) = ask(&ct::range_request(
        &url,
        &auth,
        ct::KEYS,
        &ct::keys_id(epoch),
    ))
    .await?;
    let docs = ct::parse_range(status, &body)?;
    let keys = ct::my_keys(&docs, &team.device, epoch);
    if !team.owner {
        return Ok((keys, false));
    }
    let wrapped_for: Vec<String> = docs
        .iter()
        .filter_map(ct::parse_keys)
        .find(|(e, _)| *e == epoch)
        .map(|(_, w)| w.into_iter().map(|(d, _)| d).collect())
        .unwrap_or_default();
    let mut security = security(&url, &auth).await?;
    let devices = device_docs(&url, &auth).await?;
    let (status, body) = ask(&ct::range_request(&url, &auth, ct::INVITE, ct::INVITE)).await?;
    let invites: Vec<_> = ct::parse_range(status, &body)?
        .iter()
        .filter_map(ct::parse_invite)
        .collect();
    let u = ct::upkeep(
        &security,
        &devices,
        (epoch, &wrapped_for),
        &invites,
        now_ms(),
    );
    if !u.drop_members.is_empty() {
        security.members.retain(|m| !u.drop_members.contains(m));
        written(&ct::put_security_request(&url, &auth, &security)).await?;
    }
    for (name, rev) in &u.drop_invites {
        let doc = ct::delete_doc(&format!("{}{name}", ct::INVITE), rev);
        if let Some(req) = ct::put_doc_request(&url, &auth, &doc) {
            // Another round may have cleared it first (409): nothing is lost.
            let _ = ask(&req).await?;
        }
    }
    Ok((keys, u.rotation_due))
}
