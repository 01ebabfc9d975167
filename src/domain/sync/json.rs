//! The JSON protocol's transport (docs/sync-protocol.md): requests to build and answers to read.

use super::engine::Batch;
use super::protocol::{
    encode_component, Page, Pulled, PushOutcome, PushRequest, PushResponse, Request, SyncError,
};
use super::validate;
use crate::domain::team::Member;
use serde::Deserialize;
use serde_json::value::RawValue;

/// Documents per pull page.
pub const PAGE: usize = 200;

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// `GET {base}/changes?since=…&limit=…`.
pub fn changes_request(base: &str, token: &str, since: &str, limit: usize) -> Request {
    Request::get(
        format!(
            "{base}/changes?since={}&limit={limit}",
            encode_component(since)
        ),
        &bearer(token),
    )
}

/// The changes answer with each document still as raw text, so each is measured and checked
/// on its own ([`validate::parse_doc`]): a bad one is skipped, the rest of the page is used.
#[derive(Deserialize)]
struct ChangesWire {
    docs: Vec<Box<RawValue>>,
    checkpoint: String,
    more: bool,
}

/// A `400 checkpoint_ahead` (docs/sync-protocol.md, "A checkpoint past the end") is read as a
/// page that starts over: no documents, the empty checkpoint and `more`, so the engine stores
/// the start ([`super::engine::apply_page`]) and the next pull reads the whole feed again.
/// Documents the device already has at the same revision change nothing there.
pub fn parse_changes(status: u16, body: &str) -> Result<Page, SyncError> {
    if status == 400 && error_code(body).as_deref() == Some("checkpoint_ahead") {
        return Ok(Page {
            docs: Vec::new(),
            checkpoint: String::new(),
            more: true,
            rejected: 0,
        });
    }
    if status != 200 {
        return Err(SyncError::from_status(status, body));
    }
    let r: ChangesWire = serde_json::from_str(body).map_err(|e| SyncError::BadAnswer {
        status,
        detail: format!("changes: {e}"),
    })?;
    let mut docs = Vec::with_capacity(r.docs.len());
    let mut rejected = 0;
    for raw in &r.docs {
        match validate::parse_doc(raw.get()) {
            Ok(doc) => docs.push(Pulled {
                doc,
                losing: Vec::new(),
            }),
            Err(_) => rejected += 1,
        }
    }
    Ok(Page {
        docs,
        checkpoint: r.checkpoint,
        more: r.more,
        rejected,
    })
}

/// The `error` of a protocol error body (`{"error": "<code>", "message": "…"}`), if any.
fn error_code(body: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct Wire {
        error: String,
    }
    serde_json::from_str::<Wire>(body).ok().map(|w| w.error)
}

/// `POST {base}/push` with the batch.
pub fn push_request(base: &str, token: &str, batch: &Batch) -> Request {
    let body = PushRequest {
        client: batch.client.clone(),
        mutations: batch.items.iter().map(|o| o.mutation.clone()).collect(),
    };
    Request::post(
        format!("{base}/push"),
        &bearer(token),
        serde_json::to_string(&body).unwrap_or_default(),
    )
}

/// Reads a push's answer. Every mutation sent must be answered exactly once; an answer that
/// leaves one out (or names one not sent) is not trusted at all.
pub fn parse_push(status: u16, body: &str, batch: &Batch) -> Result<PushOutcome, SyncError> {
    if status != 200 {
        return Err(SyncError::from_status(status, body));
    }
    let bad = |detail: String| SyncError::BadAnswer { status, detail };
    let r: PushResponse = serde_json::from_str(body).map_err(|e| bad(format!("push: {e}")))?;
    let mut outcome = PushOutcome::default();
    for o in &batch.items {
        let m = &o.mutation;
        let ok = r.accepted.contains(&m.mid);
        let conflict = r.conflicts.iter().find(|c| c.mid == m.mid);
        match (ok, conflict) {
            (true, None) => outcome.accepted.push((m.mid, m.doc.rev.clone())),
            (false, Some(c)) if c.server.id == m.doc.id => {
                outcome.conflicts.push((m.mid, c.server.clone()))
            }
            _ => return Err(bad(format!("push: mutation {} answered wrongly", m.mid))),
        }
    }
    if r.accepted.len() + r.conflicts.len() != batch.items.len() {
        return Err(bad("push: answers for mutations not sent".into()));
    }
    Ok(outcome)
}

// ---- Teams and invites (version 2; docs/sync-protocol.md "Teams and invites") ----

/// `POST {base}/teams` with an organiser's token: a new space with this device as its owner.
pub fn create_team_request(base: &str, organiser_token: &str, public_key: &str) -> Request {
    Request::post(
        format!("{base}/teams"),
        &bearer(organiser_token),
        with_public_key(public_key),
    )
}

/// The body of a new team or a join: the device's ECDH public key (base64url), which the owner
/// wraps new team keys for.
fn with_public_key(public_key: &str) -> String {
    serde_json::json!({ "public_key": public_key }).to_string()
}

/// `POST {base}/invites` with the owner device's token: a single-use invite token.
pub fn invite_request(base: &str, token: &str, expires_ms: u64) -> Request {
    Request::post(
        format!("{base}/invites"),
        &bearer(token),
        format!("{{\"expires_ms\":{expires_ms}}}"),
    )
}

/// `POST {base}/join` with an invite's token: this device's own token in the team's space.
pub fn join_request(base: &str, invite_token: &str, public_key: &str) -> Request {
    Request::post(
        format!("{base}/join"),
        &bearer(invite_token),
        with_public_key(public_key),
    )
}

/// Why a team call did not give what was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TeamCallError {
    /// The invite was used already (by this device or another).
    InviteUsed,
    /// The invite's deadline passed before it reached the server.
    InviteExpired,
    /// CouchDB: the server takes no sign-up, so no user can be made for an invite (its IT has
    /// not opened `_users`: docs/couchdb.md, "Once per server: let devices sign up").
    SignUpClosed,
    Sync(SyncError),
}

impl TeamCallError {
    fn from_answer(status: u16, body: &str) -> TeamCallError {
        // `{"error": "<code>", "message": "…"}`, as every error of the protocol.
        #[derive(Deserialize)]
        struct Wire {
            error: String,
        }
        let code = serde_json::from_str::<Wire>(body).map(|w| w.error);
        match (status, code.as_deref()) {
            (401, Ok("invite_used")) => TeamCallError::InviteUsed,
            (401, Ok("invite_expired")) => TeamCallError::InviteExpired,
            _ => TeamCallError::Sync(SyncError::from_status(status, body)),
        }
    }
}

/// The answer to a new team or a join (201).
pub fn parse_member(status: u16, body: &str) -> Result<Member, TeamCallError> {
    #[derive(Deserialize)]
    struct Wire {
        space: String,
        token: String,
        device: String,
    }
    if status != 201 {
        return Err(TeamCallError::from_answer(status, body));
    }
    let w: Wire = serde_json::from_str(body).map_err(|e| {
        TeamCallError::Sync(SyncError::BadAnswer {
            status,
            detail: format!("team: {e}"),
        })
    })?;
    if !validate::is_space(&w.space) || w.token.is_empty() || w.device.is_empty() {
        return Err(TeamCallError::Sync(SyncError::BadAnswer {
            status,
            detail: "team: the answer names no valid space, token or device".into(),
        }));
    }
    Ok(Member {
        space: w.space,
        token: w.token,
        device: w.device,
    })
}

/// The answer to an invite (201): the invite's token and its deadline.
pub fn parse_invite(status: u16, body: &str) -> Result<(String, u64), TeamCallError> {
    #[derive(Deserialize)]
    struct Wire {
        invite: String,
        expires_ms: u64,
    }
    if status != 201 {
        return Err(TeamCallError::from_answer(status, body));
    }
    let w: Wire = serde_json::from_str(body).map_err(|e| {
        TeamCallError::Sync(SyncError::BadAnswer {
            status,
            detail: format!("invite: {e}"),
        })
    })?;
    Ok((w.invite, w.expires_ms))
}

/// `GET {base}/devices` with the owner device's token.
pub fn devices_request(base: &str, token: &str) -> Request {
    Request::get(format!("{base}/devices"), &bearer(token))
}

/// `POST {base}/devices/{device}/revoke` with the owner device's token.
pub fn revoke_request(base: &str, token: &str, device: &str) -> Request {
    Request::post(
        format!("{base}/devices/{}/revoke", encode_component(device)),
        &bearer(token),
        "{}".into(),
    )
}

/// One device of a team, as the server lists it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DeviceInfo {
    pub device: String,
    pub owner: bool,
    pub created_ms: u64,
    pub revoked: bool,
    /// It left the team by itself ("Forlad holdet"); a removed device has `revoked` only.
    #[serde(default)]
    pub left: bool,
    /// Its ECDH public key (base64url), if it sent one.
    #[serde(default)]
    pub public_key: Option<String>,
}

/// The answer to `GET /devices` (200).
pub fn parse_devices(status: u16, body: &str) -> Result<Vec<DeviceInfo>, TeamCallError> {
    #[derive(Deserialize)]
    struct Wire {
        devices: Vec<DeviceInfo>,
    }
    if status != 200 {
        return Err(TeamCallError::from_answer(status, body));
    }
    serde_json::from_str::<Wire>(body)
        .map(|w| w.devices)
        .map_err(|e| {
            TeamCallError::Sync(SyncError::BadAnswer {
                status,
                detail: format!("devices: {e}"),
            })
        })
}

/// The answer to a revoke (200).
pub fn parse_revoked(status: u16, body: &str) -> Result<(), TeamCallError> {
    if status != 200 {
        return Err(TeamCallError::from_answer(status, body));
    }
    Ok(())
}

/// `POST {base}/keys` with the owner device's token: a new key epoch, wrapped for each device
/// (`(device, wrapped)`), all at once.
pub fn post_keys_request(
    base: &str,
    token: &str,
    epoch: u32,
    keys: &[(String, String)],
) -> Request {
    let keys: Vec<serde_json::Value> = keys
        .iter()
        .map(|(device, wrapped)| serde_json::json!({ "device": device, "wrapped": wrapped }))
        .collect();
    Request::post(
        format!("{base}/keys"),
        &bearer(token),
        serde_json::json!({ "epoch": epoch, "keys": keys }).to_string(),
    )
}

/// The answer to `POST /keys` (200).
pub fn parse_keys_posted(status: u16, body: &str) -> Result<(), TeamCallError> {
    if status != 200 {
        return Err(TeamCallError::from_answer(status, body));
    }
    Ok(())
}

/// `GET {base}/keys?since={epoch}`: this device's wrapped keys of later epochs.
pub fn my_keys_request(base: &str, token: &str, since: u32) -> Request {
    Request::get(format!("{base}/keys?since={since}"), &bearer(token))
}

/// What `GET /keys` answers a device.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MyKeys {
    /// `(epoch, wrapped)`, oldest first.
    pub keys: Vec<(u32, String)>,
    /// For the owner device: a member left the team by itself after the latest key epoch, so
    /// the team needs a new key (the one that left had the old one). Always false for members.
    pub rotation_due: bool,
}

/// The answer to `GET /keys` (200).
pub fn parse_my_keys(status: u16, body: &str) -> Result<MyKeys, TeamCallError> {
    #[derive(Deserialize)]
    struct Key {
        epoch: u32,
        wrapped: String,
    }
    #[derive(Deserialize)]
    struct Wire {
        keys: Vec<Key>,
        #[serde(default)]
        rotation_due: bool,
    }
    if status != 200 {
        return Err(TeamCallError::from_answer(status, body));
    }
    let wire = serde_json::from_str::<Wire>(body).map_err(|e| {
        TeamCallError::Sync(SyncError::BadAnswer {
            status,
            detail: format!("keys: {e}"),
        })
    })?;
    let mut keys: Vec<(u32, String)> = wire
        .keys
        .into_iter()
        .map(|k| (k.epoch, k.wrapped))
        .collect();
    keys.sort_by_key(|(e, _)| *e);
    Ok(MyKeys {
        keys,
        rotation_due: wire.rotation_due,
    })
}

/// `POST {base}/devices/me/leave`: this device leaves its team ("Forlad holdet").
pub fn leave_request(base: &str, token: &str) -> Request {
    Request::post(
        format!("{base}/devices/me/leave"),
        &bearer(token),
        "{}".into(),
    )
}

/// The answer to a leave: 200, or a 401 when the server already refuses the device (it was
/// removed, or left before): either way it is out of the team.
pub fn parse_left(status: u16, body: &str) -> Result<(), TeamCallError> {
    match status {
        200 => Ok(()),
        401 if !matches!(
            TeamCallError::from_answer(status, body),
            TeamCallError::InviteUsed | TeamCallError::InviteExpired
        ) =>
        {
            Ok(())
        }
        _ => Err(TeamCallError::from_answer(status, body)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::sync::engine::Outgoing;
    use crate::domain::sync::protocol::{Doc, Mutation};

    fn doc(id: &str, rev: &str) -> Doc {
        Doc {
            id: id.into(),
            rev: rev.into(),
            base_rev: None,
            deleted: false,
            schema: 2,
            updated_ms: 1,
            data: Some(serde_json::json!({"id": id})),
        }
    }

    fn batch() -> Batch {
        Batch {
            client: "c1".into(),
            items: vec![
                Outgoing {
                    mutation: Mutation {
                        mid: 7,
                        doc: doc("a", "1-aa"),
                    },
                    drop_revs: vec![],
                },
                Outgoing {
                    mutation: Mutation {
                        mid: 8,
                        doc: doc("b", "2-bb"),
                    },
                    drop_revs: vec![],
                },
            ],
        }
    }

    #[test]
    fn push_request_is_the_documented_body() {
        let r = push_request("https://s.example/ssp", "tok", &batch());
        assert_eq!(r.url, "https://s.example/ssp/push");
        assert_eq!(r.headers[0], ("Authorization".into(), "Bearer tok".into()));
        let v: serde_json::Value = serde_json::from_str(r.body.as_deref().unwrap()).unwrap();
        assert_eq!(v["client"], "c1");
        assert_eq!(v["mutations"][1]["mid"], 8);
        assert_eq!(v["mutations"][1]["doc"]["rev"], "2-bb");
        assert_eq!(
            v["mutations"][1]["doc"]["base_rev"],
            serde_json::Value::Null
        );
    }

    #[test]
    fn push_answers_must_cover_each_mutation_once() {
        let ok = r#"{"accepted":[7],"conflicts":[{"mid":8,"id":"b","server":
            {"id":"b","rev":"3-cc","base_rev":"2-x","deleted":false,"schema":2,"updated_ms":5,"data":{}}}]}"#;
        let o = parse_push(200, ok, &batch()).unwrap();
        assert_eq!(o.accepted, vec![(7, "1-aa".to_string())]);
        assert_eq!(o.conflicts[0].1.rev, "3-cc");
        let missing = r#"{"accepted":[7],"conflicts":[]}"#;
        assert!(parse_push(200, missing, &batch()).is_err());
        let extra = r#"{"accepted":[7,8,9],"conflicts":[]}"#;
        assert!(parse_push(200, extra, &batch()).is_err());
        assert_eq!(parse_push(401, "", &batch()), Err(SyncError::Unauthorized));
        assert!(parse_push(200, "<html>", &batch()).is_err());
    }

    #[test]
    fn changes_are_read_with_an_opaque_checkpoint() {
        let r = changes_request("http://127.0.0.1:8787", "t", "12 3", 50);
        assert_eq!(r.url, "http://127.0.0.1:8787/changes?since=12%203&limit=50");
        let body = r#"{"docs":[{"id":"a","rev":"1-aa","base_rev":null,"deleted":true,"schema":2,"updated_ms":3,"data":null}],"checkpoint":"9","more":true}"#;
        let p = parse_changes(200, body).unwrap();
        assert_eq!(p.checkpoint, "9");
        assert!(p.more && p.docs[0].doc.deleted && p.docs[0].losing.is_empty());
        assert_eq!(
            parse_changes(503, ""),
            Err(SyncError::Server { status: 503 })
        );
    }

    #[test]
    fn team_keys_travel_as_documented() {
        let r = join_request("https://x.test", "inv", "BAAA");
        assert_eq!(r.url, "https://x.test/join");
        let body: serde_json::Value = serde_json::from_str(r.body.as_deref().unwrap()).unwrap();
        assert_eq!(body, serde_json::json!({ "public_key": "BAAA" }));
        let r = post_keys_request("https://x.test", "t", 3, &[("d1".into(), "w1".into())]);
        assert_eq!((r.method, r.url.as_str()), ("POST", "https://x.test/keys"));
        let body: serde_json::Value = serde_json::from_str(r.body.as_deref().unwrap()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({ "epoch": 3, "keys": [{ "device": "d1", "wrapped": "w1" }] })
        );
        assert_eq!(
            my_keys_request("https://x.test", "t", 2).url,
            "https://x.test/keys?since=2"
        );
        // Oldest first, whatever order they came in.
        let keys = parse_my_keys(
            200,
            r#"{"keys":[{"epoch":4,"wrapped":"b"},{"epoch":3,"wrapped":"a"}]}"#,
        )
        .unwrap();
        assert_eq!(keys.keys, vec![(3, "a".to_string()), (4, "b".to_string())]);
        // A server before "rotation_due" (or a member's answer): none is due.
        assert!(!keys.rotation_due);
        let due = parse_my_keys(200, r#"{"keys":[],"rotation_due":true}"#).unwrap();
        assert!(due.rotation_due && due.keys.is_empty());
        assert_eq!(
            parse_my_keys(401, r#"{"error":"unauthorized","message":"x"}"#),
            Err(TeamCallError::Sync(SyncError::Unauthorized))
        );
        assert!(parse_my_keys(200, "{}").is_err());
        let devices = parse_devices(
            200,
            r#"{"devices":[{"device":"a","owner":true,"created_ms":1,"revoked":false,"public_key":"BAAA"},
                {"device":"b","owner":false,"created_ms":2,"revoked":true}]}"#,
        )
        .unwrap();
        assert_eq!(devices[0].public_key.as_deref(), Some("BAAA"));
        assert_eq!(devices[1].public_key, None);
        assert!(!devices[1].left);
        let left = parse_devices(
            200,
            r#"{"devices":[{"device":"c","owner":false,"created_ms":3,"revoked":true,"left":true,"public_key":null}]}"#,
        )
        .unwrap();
        assert!(left[0].left && left[0].revoked);
    }

    #[test]
    fn leaving_is_done_on_200_and_on_a_401_and_fails_otherwise() {
        let r = leave_request("https://x.test", "t");
        assert_eq!(
            (r.method, r.url.as_str(), r.body.as_deref()),
            ("POST", "https://x.test/devices/me/leave", Some("{}"))
        );
        assert_eq!(parse_left(200, r#"{"left":"d"}"#), Ok(()));
        // Removed by the owner (or left before): the server refuses the token; out all the same.
        assert_eq!(
            parse_left(401, r#"{"error":"unauthorized","message":"revoked"}"#),
            Ok(())
        );
        assert_eq!(
            parse_left(400, r#"{"error":"bad_request","message":"owner"}"#),
            Err(TeamCallError::Sync(SyncError::from_status(
                400,
                r#"{"error":"bad_request","message":"owner"}"#
            )))
        );
        assert!(parse_left(503, "").is_err());
    }

    #[test]
    fn a_checkpoint_past_the_servers_end_starts_over_and_other_400s_stay_errors() {
        let ahead = r#"{"error":"checkpoint_ahead","message":"restored from a backup"}"#;
        let p = parse_changes(400, ahead).unwrap();
        assert!(p.docs.is_empty() && p.checkpoint.is_empty() && p.more);
        let bad = r#"{"error":"bad_request","message":"since: not a checkpoint"}"#;
        assert!(matches!(
            parse_changes(400, bad),
            Err(SyncError::BadAnswer { status: 400, .. })
        ));
        // Only a 400 with that code: the same code on another status is not trusted.
        assert!(parse_changes(500, ahead).is_err());
    }
}
