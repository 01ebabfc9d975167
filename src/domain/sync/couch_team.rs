//! Teams on CouchDB (issue 18; docs/couchdb.md "Teams on CouchDB"): a team is one database
//! with its own users. The owner device is the database's administrator (it invites and
//! removes); every device logs in as its own user (`name:password`, the team's `token`).
//! Team documents sit beside the sealed concerns: `device:<user>` (a device's public key,
//! written by that device), `keys:<epoch>` (a key epoch wrapped for each device, written by the
//! owner) and `invite:<user>` (an invite's deadline), guarded by the validate function
//! [`VALIDATE`]. Pure request builders and answer parsers; the browser sends them
//! (`platform::sync`).

use super::json::{DeviceInfo, TeamCallError};
use super::protocol::{encode_component, Request, SyncError};
use crate::domain::vault::b64_encode;
use serde_json::{json, Value};

/// The design document that carries [`VALIDATE`].
pub const DESIGN_ID: &str = "_design/ssp-hold";

/// Who may write which document of a team's database (docs/couchdb.md, "The validate
/// function"; the conformance suite tests/conformance/couch-teams.mjs checks a server runs it).
pub const VALIDATE: &str = "function (newDoc, oldDoc, userCtx, secObj) {\n  var admins = (secObj && secObj.admins && secObj.admins.names) || [];\n  var owner = userCtx.roles.indexOf('_admin') !== -1 || admins.indexOf(userCtx.name) !== -1;\n  var id = newDoc._id;\n  if (id.indexOf('keys:') === 0 || id.indexOf('invite:') === 0) {\n    if (!owner) throw({forbidden: 'Only the team owner writes ' + id});\n  } else if (id.indexOf('device:') === 0) {\n    if (!owner && id !== 'device:' + userCtx.name) throw({forbidden: 'A device writes only its own device document'});\n  } else if (id.indexOf(':') !== -1) {\n    throw({forbidden: 'Unknown kind of document: ' + id});\n  }\n}";

/// Whether a document id is a concern's (not a design document, not a team document).
pub fn is_concern_id(id: &str) -> bool {
    !id.starts_with('_') && !id.contains(':')
}

/// A team database's name from 16 random bytes in hex.
pub fn db_name(hex: &str) -> String {
    format!("ssp-hold-{hex}")
}

/// A device's user name from 16 random bytes in hex.
pub fn user_name(hex: &str) -> String {
    format!("ssp-{hex}")
}

/// The team's database address.
pub fn db_url(server: &str, db: &str) -> String {
    format!("{}/{}", server.trim_end_matches('/'), encode_component(db))
}

/// A device's token in a CouchDB team: its login.
pub fn token(name: &str, password: &str) -> String {
    format!("{name}:{password}")
}

/// The `Authorization` header for a token.
pub fn auth(token: &str) -> String {
    format!("Basic {}", b64_encode(token.as_bytes()))
}

/// Bytes in lowercase hex (random names of users and databases).
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The user name in a token.
pub fn token_name(token: &str) -> &str {
    token.split_once(':').map_or(token, |(n, _)| n)
}

fn put(url: String, auth: &str, body: &Value) -> Request {
    let mut r = Request::post(url, auth, body.to_string());
    r.method = "PUT";
    r
}

fn user_url(server: &str, name: &str) -> String {
    format!(
        "{}/_users/{}",
        server.trim_end_matches('/'),
        encode_component(&format!("org.couchdb.user:{name}"))
    )
}

fn doc_url(db_url: &str, id: &str) -> String {
    format!("{db_url}/{}", encode_component(id))
}

fn bad(status: u16, detail: impl Into<String>) -> TeamCallError {
    TeamCallError::Sync(SyncError::BadAnswer {
        status,
        detail: detail.into(),
    })
}

fn refused(status: u16, body: &str) -> TeamCallError {
    TeamCallError::Sync(SyncError::from_status(status, body))
}

/// `PUT /_users/org.couchdb.user:<name>`: a new user without roles, with an administrator's
/// login when a team is made, and with none (`None`) when the owner invites: CouchDB takes a
/// sign-up only from a request without credentials (a logged-in non-administrator gets `404`),
/// and only where the IT team has opened `_users` for it (docs/couchdb.md).
pub fn new_user_request(server: &str, auth: Option<&str>, name: &str, password: &str) -> Request {
    let mut r = put(
        user_url(server, name),
        auth.unwrap_or_default(),
        &json!({"_id": format!("org.couchdb.user:{name}"), "name": name, "password": password,
                "roles": [], "type": "user"}),
    );
    if auth.is_none() {
        r.headers.retain(|(k, _)| k != "Authorization");
    }
    r
}

/// `GET /_users/org.couchdb.user:<name>`: the user's own document (with its revision).
pub fn user_request(server: &str, auth: &str, name: &str) -> Request {
    Request::get(user_url(server, name), auth)
}

/// The user's document written back with a new password (roles and name unchanged), or `None`
/// when the answer is not that user's document.
pub fn new_password_request(
    server: &str,
    auth: &str,
    user_doc: &Value,
    password: &str,
) -> Option<Request> {
    let name = user_doc.get("name")?.as_str()?;
    let mut doc = json!({
        "_id": user_doc.get("_id")?,
        "_rev": user_doc.get("_rev")?,
        "name": name,
        "roles": user_doc.get("roles").cloned().unwrap_or_else(|| json!([])),
        "type": "user",
        "password": password,
    });
    if let Some(m) = doc.as_object_mut() {
        m.retain(|_, v| !v.is_null());
    }
    Some(put(user_url(server, name), auth, &doc))
}

/// `PUT /<db>?q=1` with a server administrator's login.
pub fn create_db_request(server: &str, admin_auth: &str, db: &str) -> Request {
    let mut r = put(
        format!("{}?q=1", db_url(server, db)),
        admin_auth,
        &json!({}),
    );
    r.body = None;
    r
}

/// A database's security object: the names that administer it and the names that use it
/// (roles are kept as they were).
#[derive(Debug, Clone, PartialEq)]
pub struct Security {
    pub admins: Vec<String>,
    pub members: Vec<String>,
    raw: Value,
}

impl Security {
    /// A new team's: the owner administers and uses it.
    pub fn new_team(owner: &str) -> Security {
        Security {
            admins: vec![owner.to_string()],
            members: vec![owner.to_string()],
            raw: json!({"admins": {"names": [], "roles": []}, "members": {"names": [], "roles": []}}),
        }
    }

    /// As written: the administrators are always members too, so the members list is never
    /// empty (CouchDB makes a database with no members public).
    fn to_value(&self) -> Value {
        let mut v = self.raw.clone();
        let mut members = self.members.clone();
        for a in &self.admins {
            if !members.contains(a) {
                members.push(a.clone());
            }
        }
        for (part, names) in [("admins", &self.admins), ("members", &members)] {
            if !v.get(part).is_some_and(Value::is_object) {
                v[part] = json!({"roles": []});
            }
            v[part]["names"] = json!(names);
        }
        v
    }

    pub fn is_member(&self, name: &str) -> bool {
        self.members.iter().any(|m| m == name)
    }
}

pub fn security_request(db_url: &str, auth: &str) -> Request {
    Request::get(format!("{db_url}/_security"), auth)
}

pub fn put_security_request(db_url: &str, auth: &str, security: &Security) -> Request {
    put(format!("{db_url}/_security"), auth, &security.to_value())
}

pub fn parse_security(status: u16, body: &str) -> Result<Security, TeamCallError> {
    if status != 200 {
        return Err(refused(status, body));
    }
    let raw: Value =
        serde_json::from_str(body).map_err(|e| bad(status, format!("_security: {e}")))?;
    let names = |part: &str| -> Vec<String> {
        raw.get(part)
            .and_then(|p| p.get("names"))
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|n| n.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    Ok(Security {
        admins: names("admins"),
        members: names("members"),
        raw: raw.clone(),
    })
}

/// `PUT /<db>/_design/ssp-hold`: the validate function.
pub fn design_request(db_url: &str, auth: &str) -> Request {
    put(
        doc_url(db_url, DESIGN_ID),
        auth,
        &json!({"_id": DESIGN_ID, "language": "javascript", "validate_doc_update": VALIDATE}),
    )
}

/// `PUT` of one document (with its `_rev` when it replaces one).
pub fn put_doc_request(db_url: &str, auth: &str, doc: &Value) -> Option<Request> {
    let id = doc.get("_id")?.as_str()?;
    Some(put(doc_url(db_url, id), auth, doc))
}

pub fn get_doc_request(db_url: &str, auth: &str, id: &str) -> Request {
    Request::get(doc_url(db_url, id), auth)
}

/// A written document (`201`/`202`): its new revision.
pub fn parse_written(status: u16, body: &str) -> Result<String, TeamCallError> {
    if !(200..300).contains(&status) {
        return Err(refused(status, body));
    }
    let v: Value = serde_json::from_str(body).map_err(|e| bad(status, format!("put: {e}")))?;
    v.get("rev")
        .and_then(Value::as_str)
        .map(String::from)
        .or_else(|| v.get("ok").and_then(Value::as_bool).map(|_| String::new()))
        .ok_or_else(|| bad(status, "put: no ok"))
}

/// A fetched document (`200`), or `None` for `404`.
pub fn parse_doc(status: u16, body: &str) -> Result<Option<Value>, TeamCallError> {
    match status {
        200 => serde_json::from_str(body)
            .map(Some)
            .map_err(|e| bad(status, format!("doc: {e}"))),
        404 => Ok(None),
        _ => Err(refused(status, body)),
    }
}

/// `GET /<db>/_all_docs?include_docs=true` for ids from `start` up to the end of `prefix`.
pub fn range_request(db_url: &str, auth: &str, prefix: &str, start: &str) -> Request {
    let key = |s: &str| encode_component(&Value::String(s.to_string()).to_string());
    Request::get(
        format!(
            "{db_url}/_all_docs?include_docs=true&startkey={}&endkey={}",
            key(start),
            key(&format!("{prefix}~"))
        ),
        auth,
    )
}

/// The documents of a range (deleted ones left out).
pub fn parse_range(status: u16, body: &str) -> Result<Vec<Value>, TeamCallError> {
    if status != 200 {
        return Err(refused(status, body));
    }
    let v: Value = serde_json::from_str(body).map_err(|e| bad(status, format!("range: {e}")))?;
    let rows = v
        .get("rows")
        .and_then(Value::as_array)
        .ok_or_else(|| bad(status, "range: no rows"))?;
    Ok(rows
        .iter()
        .filter_map(|r| r.get("doc"))
        .filter(|d| d.is_object())
        .cloned()
        .collect())
}

// ---- The team's own documents ----

pub const DEVICE: &str = "device:";
pub const KEYS: &str = "keys:";
pub const INVITE: &str = "invite:";

/// A device's document: its public key, the key epoch it joined at, and whether it left or was
/// removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceDoc {
    pub name: String,
    pub public_key: Option<String>,
    pub joined_epoch: u32,
    pub joined_ms: u64,
    pub left: bool,
    pub revoked: bool,
    pub rev: Option<String>,
}

impl DeviceDoc {
    pub fn new(name: &str, public_key: &str, joined_epoch: u32, joined_ms: u64) -> DeviceDoc {
        DeviceDoc {
            name: name.to_string(),
            public_key: Some(public_key.to_string()),
            joined_epoch,
            joined_ms,
            left: false,
            revoked: false,
            rev: None,
        }
    }

    pub fn to_value(&self) -> Value {
        let mut v = json!({
            "_id": format!("{DEVICE}{}", self.name),
            "public_key": self.public_key,
            "joined_epoch": self.joined_epoch,
            "joined_ms": self.joined_ms,
            "left": self.left,
            "revoked": self.revoked,
        });
        if let Some(rev) = &self.rev {
            v["_rev"] = json!(rev);
        }
        v
    }

    pub fn parse(v: &Value) -> Option<DeviceDoc> {
        let name = v.get("_id")?.as_str()?.strip_prefix(DEVICE)?;
        if name.is_empty() {
            return None;
        }
        Some(DeviceDoc {
            name: name.to_string(),
            public_key: v
                .get("public_key")
                .and_then(Value::as_str)
                .map(String::from),
            joined_epoch: v.get("joined_epoch").and_then(Value::as_u64).unwrap_or(1) as u32,
            joined_ms: v.get("joined_ms").and_then(Value::as_u64).unwrap_or(0),
            left: v.get("left").and_then(Value::as_bool).unwrap_or(false),
            revoked: v.get("revoked").and_then(Value::as_bool).unwrap_or(false),
            rev: v.get("_rev").and_then(Value::as_str).map(String::from),
        })
    }
}

/// `keys:<epoch>` with ten digits, so that ids sort by epoch.
pub fn keys_id(epoch: u32) -> String {
    format!("{KEYS}{epoch:010}")
}

/// A key epoch: the new key wrapped for each device (`(user, wrapped)`).
pub fn keys_doc(epoch: u32, wrapped: &[(String, String)]) -> Value {
    let map: serde_json::Map<String, Value> =
        wrapped.iter().map(|(d, w)| (d.clone(), json!(w))).collect();
    json!({"_id": keys_id(epoch), "epoch": epoch, "wrapped": map})
}

/// An epoch document's number and the devices it was wrapped for.
pub fn parse_keys(v: &Value) -> Option<(u32, Vec<(String, String)>)> {
    let epoch = u32::try_from(v.get("epoch")?.as_u64()?).ok()?;
    if v.get("_id")?.as_str()? != keys_id(epoch) {
        return None;
    }
    let wrapped = v
        .get("wrapped")?
        .as_object()?
        .iter()
        .filter_map(|(d, w)| Some((d.clone(), w.as_str()?.to_string())))
        .collect();
    Some((epoch, wrapped))
}

/// The keys wrapped for `me` in epochs after `after`, oldest first.
pub fn my_keys(docs: &[Value], me: &str, after: u32) -> Vec<(u32, String)> {
    let mut out: Vec<(u32, String)> = docs
        .iter()
        .filter_map(parse_keys)
        .filter(|(e, _)| *e > after)
        .filter_map(|(e, w)| w.into_iter().find(|(d, _)| d == me).map(|(_, w)| (e, w)))
        .collect();
    out.sort_by_key(|(e, _)| *e);
    out
}

pub fn invite_doc(name: &str, expires_ms: u64) -> Value {
    json!({"_id": format!("{INVITE}{name}"), "expires_ms": expires_ms})
}

/// An invite document's user, deadline and revision.
pub fn parse_invite(v: &Value) -> Option<(String, u64, String)> {
    let name = v.get("_id")?.as_str()?.strip_prefix(INVITE)?;
    Some((
        name.to_string(),
        v.get("expires_ms")?.as_u64()?,
        v.get("_rev")?.as_str()?.to_string(),
    ))
}

/// The team's devices as the owner's list shows them: every device that wrote its document.
pub fn devices(security: &Security, docs: &[DeviceDoc]) -> Vec<DeviceInfo> {
    docs.iter()
        .map(|d| DeviceInfo {
            device: d.name.clone(),
            owner: security.admins.contains(&d.name),
            created_ms: d.joined_ms,
            // As on the reference server: a device that left counts as revoked too.
            revoked: d.left || d.revoked || !security.is_member(&d.name),
            left: d.left,
            public_key: d.public_key.clone(),
        })
        .collect()
}

/// What the owner device does at a sync, before anything else (docs/couchdb.md, "Inviting,
/// joining, removing, leaving").
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Upkeep {
    /// Users to take out of the members: devices that left, invites unused past their deadline.
    pub drop_members: Vec<String>,
    /// Invite documents done with (`(user, rev)`): used, or expired and unused.
    pub drop_invites: Vec<(String, String)>,
    /// A removed or departed device held the newest key: a new one is due.
    pub rotation_due: bool,
}

/// The owner's upkeep from the security object, the device documents, the newest key epoch
/// (its number and the devices it was wrapped for) and the invite documents.
pub fn upkeep(
    security: &Security,
    devices: &[DeviceDoc],
    newest: (u32, &[String]),
    invites: &[(String, u64, String)],
    now_ms: u64,
) -> Upkeep {
    let mut u = Upkeep::default();
    let (epoch, wrapped_for) = newest;
    for d in devices {
        let out = d.left || d.revoked || !security.is_member(&d.name);
        if d.left && security.is_member(&d.name) {
            u.drop_members.push(d.name.clone());
        }
        let held = d.joined_epoch >= epoch || wrapped_for.iter().any(|w| w == &d.name);
        if out && held && !security.admins.contains(&d.name) {
            u.rotation_due = true;
        }
    }
    for (name, expires_ms, rev) in invites {
        let joined = devices.iter().any(|d| &d.name == name);
        if joined {
            u.drop_invites.push((name.clone(), rev.clone()));
        } else if *expires_ms <= now_ms {
            if security.is_member(name) {
                u.drop_members.push(name.clone());
            }
            u.drop_invites.push((name.clone(), rev.clone()));
        }
    }
    u
}

/// A deleted invite document (its `_rev`).
pub fn delete_doc(id: &str, rev: &str) -> Value {
    json!({"_id": id, "_rev": rev, "_deleted": true})
}

/// A team round's error as the team page reads it: on CouchDB a login that still works but is
/// no longer among the database's members (`403`) means this device was removed, which the
/// reference server says with `401`.
pub fn round_error(e: SyncError) -> SyncError {
    match e {
        SyncError::Forbidden => SyncError::Unauthorized,
        e => e,
    }
}

/// The answer to an invite's sign-up: a new user (`201`/`202`), or a server that takes none
/// (`401`/`403` from an admin-only `_users`, `404` as CouchDB answers a sign-up it will not take
/// from a logged-in user).
pub fn parse_sign_up(status: u16, body: &str) -> Result<(), TeamCallError> {
    match status {
        401 | 403 | 404 => Err(TeamCallError::SignUpClosed),
        _ => parse_written(status, body).map(|_| ()),
    }
}

/// A join's first answer: the invite's login was refused, so the invite was used (its
/// password changed by the device that used it) or taken back.
pub fn join_refused(status: u16, body: &str) -> TeamCallError {
    match status {
        401 => TeamCallError::InviteUsed,
        403 => TeamCallError::InviteExpired,
        _ => refused(status, body),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dev(name: &str, epoch: u32) -> DeviceDoc {
        DeviceDoc::new(name, "pk", epoch, 1)
    }

    fn sec(admins: &[&str], members: &[&str]) -> Security {
        let mut s = Security::new_team("x");
        s.admins = admins.iter().map(|s| s.to_string()).collect();
        s.members = members.iter().map(|s| s.to_string()).collect();
        s
    }

    #[test]
    fn the_validate_function_is_the_one_the_documentation_shows() {
        // IT teams and the conformance suite read it there; they must get what the app writes.
        let doc = include_str!("../../../docs/couchdb.md");
        let start = doc.find("```js\nfunction (newDoc").expect("the block") + "```js\n".len();
        let end = start + doc[start..].find("\n```").expect("its end");
        assert_eq!(&doc[start..end], VALIDATE);
    }

    #[test]
    fn only_uuid_like_ids_are_concerns() {
        assert!(is_concern_id("2f1c9a4e-8d0b-4c1e-9a53-0c6a1f7e2b11"));
        for id in [
            "_design/ssp-hold",
            "device:ssp-1",
            "keys:0000000002",
            "invite:a",
        ] {
            assert!(!is_concern_id(id), "{id}");
        }
    }

    #[test]
    fn security_keeps_roles_and_other_fields() {
        let s = parse_security(
            200,
            r#"{"admins":{"names":["o"],"roles":["it"]},"members":{"names":["o","a"],"roles":[]},"x":1}"#,
        )
        .unwrap();
        assert_eq!(s.members, ["o", "a"]);
        let mut s2 = s.clone();
        s2.members.retain(|m| m != "a");
        let v = s2.to_value();
        assert_eq!(v["admins"]["roles"], json!(["it"]));
        assert_eq!(v["members"]["names"], json!(["o"]));
        assert_eq!(v["x"], json!(1));
        assert!(matches!(
            parse_security(403, "{}"),
            Err(TeamCallError::Sync(SyncError::Forbidden))
        ));
    }

    #[test]
    fn the_owner_stays_a_member_so_the_database_never_goes_public() {
        let mut s = Security::new_team("o");
        s.members.clear();
        assert_eq!(s.to_value()["members"]["names"], json!(["o"]));
        let r = put_security_request("http://h/db", "a", &s);
        let body: Value = serde_json::from_str(r.body.as_deref().unwrap()).unwrap();
        assert_eq!(body["members"]["names"], json!(["o"]));
        assert_eq!(body["admins"]["names"], json!(["o"]));
    }

    #[test]
    fn a_couch_document_is_bound_by_its_generation() {
        use crate::domain::sync::envelope::{couch_bound, to_seal};
        use crate::domain::sync::protocol::Doc;
        let doc = |rev: &str| Doc {
            id: "a".into(),
            rev: rev.into(),
            base_rev: None,
            deleted: false,
            schema: 2,
            updated_ms: 1,
            data: Some(json!({"x": 1})),
        };
        // The device's own revision and CouchDB's for the same write: the same binding.
        let mine = to_seal(&couch_bound(&doc("3-00aa")), "db").unwrap().0;
        let couchs = to_seal(&couch_bound(&doc("3-9f86d0")), "db").unwrap().0;
        assert_eq!(mine, couchs);
        // Another generation does not open as this one.
        assert_ne!(
            mine,
            to_seal(&couch_bound(&doc("2-9f86d0")), "db").unwrap().0
        );
        assert_eq!(couch_bound(&doc("3-00aa")).data, doc("3-00aa").data);
    }

    #[test]
    fn a_sign_up_goes_without_credentials() {
        let r = new_user_request("http://h", None, "ssp-a", "p");
        assert!(r.headers.iter().all(|(k, _)| k != "Authorization"));
        let r = new_user_request("http://h", Some("Basic x"), "ssp-a", "p");
        assert!(r
            .headers
            .iter()
            .any(|(k, v)| k == "Authorization" && v == "Basic x"));
    }

    #[test]
    fn keys_are_found_for_me_after_my_epoch_in_order() {
        let docs = vec![
            keys_doc(3, &[("me".into(), "w3".into()), ("b".into(), "x".into())]),
            keys_doc(1, &[]),
            keys_doc(2, &[("me".into(), "w2".into())]),
            json!({"_id": "keys:0000000009", "epoch": 4, "wrapped": {"me": "forged"}}),
        ];
        assert_eq!(
            my_keys(&docs, "me", 1),
            vec![(2, "w2".to_string()), (3, "w3".to_string())]
        );
        assert_eq!(my_keys(&docs, "me", 3), vec![]);
        assert_eq!(my_keys(&docs, "b", 0), vec![(3, "x".to_string())]);
    }

    #[test]
    fn a_new_key_is_due_when_a_device_out_held_the_newest() {
        let s = sec(&["o"], &["o", "a"]);
        // b was removed (not a member) and joined at epoch 1, the newest: due.
        let devs = vec![dev("o", 1), dev("a", 1), dev("b", 1)];
        assert!(upkeep(&s, &devs, (1, &[]), &[], 0).rotation_due);
        // After epoch 2, wrapped for o and a only: not due.
        let for2 = vec!["a".to_string()];
        assert!(!upkeep(&s, &devs, (2, &for2), &[], 0).rotation_due);
        // a left (still a member): it goes out of the members and a key is due.
        let mut left = devs.clone();
        left[1].left = true;
        let u = upkeep(&s, &left, (2, &for2), &[], 0);
        assert_eq!(u.drop_members, ["a"]);
        assert!(u.rotation_due);
        // Nobody out: nothing to do.
        let s3 = sec(&["o"], &["o", "a", "b"]);
        assert_eq!(upkeep(&s3, &devs, (1, &[]), &[], 0), Upkeep::default());
    }

    #[test]
    fn invites_used_or_expired_are_cleared() {
        let s = sec(&["o"], &["o", "j", "e", "w"]);
        let devs = vec![dev("o", 1), dev("j", 1)];
        let invites = vec![
            ("j".to_string(), 10, "1-j".to_string()),
            ("e".to_string(), 10, "1-e".to_string()),
            ("w".to_string(), 100, "1-w".to_string()),
        ];
        let u = upkeep(&s, &devs, (1, &[]), &invites, 50);
        assert_eq!(u.drop_members, ["e"]);
        assert_eq!(
            u.drop_invites,
            vec![
                ("j".to_string(), "1-j".to_string()),
                ("e".to_string(), "1-e".to_string())
            ]
        );
        assert!(!u.rotation_due);
    }

    #[test]
    fn devices_show_left_and_removed() {
        let s = sec(&["o"], &["o", "a"]);
        let mut l = dev("l", 1);
        l.left = true;
        let list = devices(&s, &[dev("o", 1), dev("a", 1), dev("r", 1), l]);
        let flags: Vec<_> = list.iter().map(|d| (d.owner, d.revoked, d.left)).collect();
        assert_eq!(
            flags,
            [
                (true, false, false),
                (false, false, false),
                (false, true, false),
                (false, true, true)
            ]
        );
    }

    #[test]
    fn a_device_document_round_trips() {
        let mut d = dev("ssp-ab", 3);
        d.rev = Some("2-x".into());
        d.left = true;
        assert_eq!(DeviceDoc::parse(&d.to_value()), Some(d));
        assert_eq!(DeviceDoc::parse(&json!({"_id": "device:"})), None);
    }

    #[test]
    fn a_new_password_keeps_name_and_roles() {
        let doc = json!({"_id": "org.couchdb.user:ssp-a", "_rev": "1-a", "name": "ssp-a",
                         "roles": [], "type": "user", "password_scheme": "pbkdf2"});
        let r = new_password_request("http://h/", "Basic x", &doc, "new").unwrap();
        assert_eq!(r.method, "PUT");
        assert_eq!(r.url, "http://h/_users/org.couchdb.user%3Assp-a");
        let body: Value = serde_json::from_str(r.body.as_deref().unwrap()).unwrap();
        assert_eq!(body["password"], "new");
        assert_eq!(body["_rev"], "1-a");
        assert_eq!(body["name"], "ssp-a");
        assert!(body.get("password_scheme").is_none());
        assert!(new_password_request("http://h", "a", &json!({"error": "x"}), "p").is_none());
    }

    #[test]
    fn a_member_refused_by_the_database_reads_as_removed() {
        assert_eq!(round_error(SyncError::Forbidden), SyncError::Unauthorized);
        assert_eq!(round_error(SyncError::Network), SyncError::Network);
    }

    #[test]
    fn a_sign_up_the_server_will_not_take_says_so() {
        for status in [401, 403, 404] {
            assert_eq!(
                parse_sign_up(status, "{}"),
                Err(TeamCallError::SignUpClosed)
            );
        }
        assert_eq!(
            parse_sign_up(201, r#"{"ok":true,"id":"x","rev":"1-a"}"#),
            Ok(())
        );
        assert!(matches!(
            parse_sign_up(500, "{}"),
            Err(TeamCallError::Sync(SyncError::Server { status: 500 }))
        ));
    }

    #[test]
    fn a_join_refused_says_used_or_expired() {
        assert_eq!(join_refused(401, "{}"), TeamCallError::InviteUsed);
        assert_eq!(join_refused(403, "{}"), TeamCallError::InviteExpired);
    }

    #[test]
    fn ranges_ask_from_start_to_the_prefix_end() {
        let r = range_request("http://h/db", "a", KEYS, &keys_id(2));
        assert_eq!(
            r.url,
            "http://h/db/_all_docs?include_docs=true&startkey=%22keys%3A0000000002%22&endkey=%22keys%3A~%22"
        );
        let docs = parse_range(
            200,
            r#"{"rows":[{"id":"keys:0000000002","doc":{"_id":"keys:0000000002"}},{"id":"x","value":{"deleted":true},"doc":null}]}"#,
        )
        .unwrap();
        assert_eq!(docs.len(), 1);
    }
}
