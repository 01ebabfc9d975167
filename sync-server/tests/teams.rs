//! Teams and invites through the Router (no socket): `/teams`, `/invites`, `/join`,
//! `/devices`, `/devices/{device}/revoke`, and the team devices' use of `/push` and `/changes`;
//! key rotation: public keys (`/teams`, `/join`, `PUT /devices/me/key`, `GET /devices`) and
//! key epochs (`POST /keys`, `GET /keys`), a member leaving (`POST /devices/me/leave`) and
//! the owner's `rotation_due`.

mod support;

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use serde_json::{json, Value};
use sync_server::auth::Limits;
use sync_server::config::{sha256, Access, Origins, TokenConfig};
use sync_server::http::{router, AppState};
use sync_server::protocol::is_valid_space;
use sync_server::store::Store;
use tower::ServiceExt;

const WRITE: &str = "test-write-token-0000000000000001";
const READ: &str = "test-read-token-00000000000000002";
const ORGANISE: &str = "test-organise-token-000000000003";

fn tokens() -> Vec<TokenConfig> {
    vec![
        TokenConfig::from_secret("Skole A", WRITE, Access::Write),
        TokenConfig::from_secret("Skole A (læs)", READ, Access::Read),
        TokenConfig::from_secret("Konsulent", ORGANISE, Access::Organise),
    ]
}

fn app_on(store: Store) -> Router {
    router(AppState::new(store, &tokens()), &Origins::Any)
}

fn app() -> Router {
    app_on(Store::in_memory())
}

struct Answer {
    status: StatusCode,
    json: Value,
}

async fn send(app: &Router, req: Request<Body>) -> Answer {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Answer { status, json }
}

fn get(path: &str, token: &str) -> Request<Body> {
    Request::get(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap()
}

fn post(path: &str, token: &str, body: Value) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::from(body.to_string()))
        .unwrap()
}

fn assert_error(a: &Answer, status: StatusCode, code: &str) {
    assert_eq!(a.status, status, "{}", a.json);
    assert_eq!(a.json["error"], code, "{}", a.json);
    assert!(a.json["message"].is_string(), "{}", a.json);
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// A new device as `/teams` or `/join` answer it.
#[derive(Debug, Clone)]
struct Device {
    space: String,
    token: String,
    device: String,
}

fn device_of(a: &Answer) -> Device {
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
    let field = |k: &str| a.json[k].as_str().unwrap().to_string();
    let d = Device {
        space: field("space"),
        token: field("token"),
        device: field("device"),
    };
    assert_eq!(a.json.as_object().unwrap().len(), 3, "{}", a.json);
    d
}

async fn create_team(app: &Router) -> Device {
    let d = device_of(&send(app, post("/teams", ORGANISE, json!({}))).await);
    assert!(d.space.starts_with("t-") && d.space.len() == 28, "{d:?}");
    assert!(is_valid_space(&d.space));
    assert_eq!(d.token.len(), 43, "{d:?}");
    d
}

async fn invite(app: &Router, owner: &Device, expires_ms: i64) -> String {
    let a = send(
        app,
        post(
            "/invites",
            &owner.token,
            json!({ "expires_ms": expires_ms }),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
    assert_eq!(a.json["expires_ms"], expires_ms);
    let token = a.json["invite"].as_str().unwrap().to_string();
    assert_eq!(token.len(), 43);
    token
}

async fn join(app: &Router, invite: &str) -> Answer {
    send(app, post("/join", invite, json!({}))).await
}

/// A team with its owner and one member.
async fn team_of_two(app: &Router) -> (Device, Device, String) {
    let owner = create_team(app).await;
    let inv = invite(app, &owner, now_ms() + 60_000).await;
    let member = device_of(&join(app, &inv).await);
    assert_eq!(member.space, owner.space);
    assert_ne!(member.device, owner.device);
    assert_ne!(member.token, owner.token);
    (owner, member, inv)
}

fn new_doc(mid: i64, id: &str) -> Value {
    json!({ "mid": mid, "doc": { "id": id, "rev": "1-0000000000000001", "base_rev": null,
            "deleted": false, "schema": 2, "updated_ms": 1, "data": { "ciphertext": "AAAA" } } })
}

async fn push_new(app: &Router, token: &str, client: &str, id: &str) -> Answer {
    send(
        app,
        post(
            "/push",
            token,
            json!({ "client": client, "mutations": [new_doc(1, id)] }),
        ),
    )
    .await
}

async fn ids(app: &Router, token: &str) -> Vec<String> {
    let a = send(app, get("/changes?since=&limit=1000", token)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.json);
    a.json["docs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn create_invite_join_and_both_devices_share_the_team_space_and_only_it() {
    let app = app();
    let (owner, member, _) = team_of_two(&app).await;
    let a = push_new(&app, &owner.token, "owner", "from-owner").await;
    assert_eq!(a.json, json!({ "accepted": [1], "conflicts": [] }));
    let a = push_new(&app, &member.token, "member", "from-member").await;
    assert_eq!(a.json, json!({ "accepted": [1], "conflicts": [] }));
    let a = push_new(&app, WRITE, "school", "from-default").await;
    assert_eq!(a.json, json!({ "accepted": [1], "conflicts": [] }));

    // Each device sees both team documents, and nothing of the default space.
    for token in [&owner.token, &member.token] {
        assert_eq!(ids(&app, token).await, ["from-owner", "from-member"]);
    }
    // The default space sees nothing of the team.
    for token in [WRITE, READ] {
        assert_eq!(ids(&app, token).await, ["from-default"]);
    }
    // Sync rules hold in the team space: the member's stale edit of the owner's document is a
    // conflict carrying the owner's revision.
    let edit = json!({ "client": "member", "mutations": [{ "mid": 2, "doc": {
        "id": "from-owner", "rev": "2-0000000000000002", "base_rev": "1-ffffffffffffffff",
        "deleted": false, "schema": 2, "updated_ms": 2, "data": {} } }] });
    let a = send(&app, post("/push", &member.token, edit)).await;
    assert_eq!(
        a.json["conflicts"][0]["server"]["rev"],
        "1-0000000000000001"
    );

    // Two teams do not see each other either.
    let (other, _, _) = team_of_two(&app).await;
    assert_ne!(other.space, owner.space);
    assert!(ids(&app, &other.token).await.is_empty());
}

#[tokio::test]
async fn an_invite_is_good_for_one_join_only() {
    let app = app();
    let (_, _, used) = team_of_two(&app).await;
    assert_error(
        &join(&app, &used).await,
        StatusCode::UNAUTHORIZED,
        "invite_used",
    );
    assert_error(
        &join(&app, "no-such-invite-0123456789abcdefghijklmnopq").await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    let a = send(&app, Request::post("/join").body(Body::empty()).unwrap()).await;
    assert_error(&a, StatusCode::UNAUTHORIZED, "unauthorized");
}

#[tokio::test]
async fn an_expired_invite_is_refused() {
    let app = app();
    let owner = create_team(&app).await;
    // A deadline a loaded machine still meets when it makes the invite (see below).
    let inv = invite(&app, &owner, now_ms() + 500).await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_error(
        &join(&app, &inv).await,
        StatusCode::UNAUTHORIZED,
        "invite_expired",
    );
    // It stays expired (and unused): no device was made.
    assert_error(
        &join(&app, &inv).await,
        StatusCode::UNAUTHORIZED,
        "invite_expired",
    );
    let a = send(&app, get("/devices", &owner.token)).await;
    assert_eq!(a.json["devices"].as_array().unwrap().len(), 1, "{}", a.json);
}

#[tokio::test]
async fn an_invite_deadline_must_be_ahead_and_within_seven_days() {
    let app = app();
    let owner = create_team(&app).await;
    let week = 7 * 24 * 3600 * 1000;
    for body in [
        json!({ "expires_ms": now_ms() - 1 }),
        json!({ "expires_ms": now_ms() + week + 60_000 }),
        json!({ "expires_ms": "soon" }),
        json!({}),
        json!([]),
    ] {
        let a = send(&app, post("/invites", &owner.token, body.clone())).await;
        assert_error(&a, StatusCode::BAD_REQUEST, "bad_request");
    }
    invite(&app, &owner, now_ms() + week - 60_000).await;
}

#[tokio::test]
async fn an_invite_token_can_do_nothing_but_join() {
    // Ten refusals in a row: more than the default failed-login limit allows.
    let app = router(
        AppState::new(Store::in_memory(), &tokens()).with_limits(Limits {
            per_address: 100,
            ..Limits::default()
        }),
        &Origins::Any,
    );
    let owner = create_team(&app).await;
    let inv = invite(&app, &owner, now_ms() + 60_000).await;
    for round in ["before its join", "after its join"] {
        let refused = [
            send(&app, get("/changes", &inv)).await,
            push_new(&app, &inv, "x", "by-invite").await,
            send(
                &app,
                post("/invites", &inv, json!({ "expires_ms": now_ms() + 60_000 })),
            )
            .await,
            send(&app, get("/devices", &inv)).await,
            send(&app, post("/teams", &inv, json!({}))).await,
        ];
        for a in &refused {
            assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{round}: {}", a.json);
            assert_eq!(a.json["error"], "unauthorized", "{round}: {}", a.json);
        }
        if round == "before its join" {
            device_of(&join(&app, &inv).await);
        }
    }
    assert!(ids(&app, &owner.token).await.is_empty());
}

#[tokio::test]
async fn only_the_owner_invites_lists_and_revokes() {
    let app = app();
    let (owner, member, _) = team_of_two(&app).await;
    let later = now_ms() + 60_000;
    for token in [member.token.as_str(), WRITE, READ, ORGANISE] {
        let a = send(
            &app,
            post("/invites", token, json!({ "expires_ms": later })),
        )
        .await;
        assert_error(&a, StatusCode::FORBIDDEN, "forbidden");
        let a = send(&app, get("/devices", token)).await;
        assert_error(&a, StatusCode::FORBIDDEN, "forbidden");
        let a = send(
            &app,
            post(
                &format!("/devices/{}/revoke", owner.device),
                token,
                json!({}),
            ),
        )
        .await;
        assert_error(&a, StatusCode::FORBIDDEN, "forbidden");
    }
    // The owner's list: both devices, the owner marked. (Oldest first, but the two are often
    // made in the same millisecond, and then listed by their random ids: found by id here.)
    let a = send(&app, get("/devices", &owner.token)).await;
    assert_eq!(a.status, StatusCode::OK);
    let list = a.json["devices"].as_array().unwrap();
    assert_eq!(list.len(), 2, "{}", a.json);
    let entry = |d: &Device| {
        list.iter()
            .find(|e| e["device"] == d.device.as_str())
            .unwrap_or_else(|| panic!("{} not listed: {}", d.device, a.json))
    };
    assert_eq!(entry(&owner)["owner"], true);
    assert_eq!(entry(&member)["owner"], false);
    assert_eq!(entry(&member)["revoked"], false);
    assert!(entry(&member)["created_ms"].as_i64().unwrap() > 0);
    assert!(
        list[0]["created_ms"].as_i64().unwrap() <= list[1]["created_ms"].as_i64().unwrap(),
        "{}",
        a.json
    );
    // Another team's owner sees only its own devices and cannot revoke this team's member.
    let other = create_team(&app).await;
    let a = send(&app, get("/devices", &other.token)).await;
    assert_eq!(a.json["devices"].as_array().unwrap().len(), 1);
    let a = send(
        &app,
        post(
            &format!("/devices/{}/revoke", member.device),
            &other.token,
            json!({}),
        ),
    )
    .await;
    assert_error(&a, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(
        ids(&app, &member.token).await.len(),
        0,
        "the member still works"
    );
}

#[tokio::test]
async fn an_organise_token_only_creates_teams_and_only_it_does() {
    let app = app();
    let a = push_new(&app, ORGANISE, "c", "by-organiser").await;
    assert_error(&a, StatusCode::FORBIDDEN, "forbidden");
    let a = send(&app, get("/changes", ORGANISE)).await;
    assert_error(&a, StatusCode::FORBIDDEN, "forbidden");
    for token in [WRITE, READ] {
        let a = send(&app, post("/teams", token, json!({}))).await;
        assert_error(&a, StatusCode::FORBIDDEN, "forbidden");
    }
    // A team's own devices cannot make teams either.
    let (owner, member, _) = team_of_two(&app).await;
    for token in [&owner.token, &member.token] {
        let a = send(&app, post("/teams", token, json!({}))).await;
        assert_error(&a, StatusCode::FORBIDDEN, "forbidden");
    }
    // Unknown fields are ignored; a body that is not an object is refused; no body is `{}`.
    create_team(&app).await;
    device_of(
        &send(
            &app,
            post("/teams", ORGANISE, json!({ "name": "ignored", "n": 1 })),
        )
        .await,
    );
    let empty = Request::post("/teams")
        .header(header::AUTHORIZATION, format!("Bearer {ORGANISE}"))
        .body(Body::empty())
        .unwrap();
    device_of(&send(&app, empty).await);
    let a = send(&app, post("/teams", ORGANISE, json!("x"))).await;
    assert_error(&a, StatusCode::BAD_REQUEST, "bad_request");
    let big = json!({ "pad": "x".repeat(8 * 1024) });
    let a = send(&app, post("/teams", ORGANISE, big)).await;
    assert_error(&a, StatusCode::PAYLOAD_TOO_LARGE, "too_large");
}

#[tokio::test]
async fn a_revoked_device_is_refused_and_the_owner_cannot_revoke_itself() {
    let app = app();
    let (owner, member, _) = team_of_two(&app).await;
    push_new(&app, &member.token, "member", "before").await;
    let path = format!("/devices/{}/revoke", member.device);
    let a = send(&app, post(&path, &owner.token, json!({}))).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.json);
    assert_eq!(a.json, json!({ "revoked": member.device }));
    for a in [
        push_new(&app, &member.token, "member", "after").await,
        send(&app, get("/changes", &member.token)).await,
    ] {
        assert_error(&a, StatusCode::UNAUTHORIZED, "unauthorized");
        assert_eq!(a.json["message"], "this token has been revoked");
    }
    // Again: still 200, still revoked.
    let a = send(&app, post(&path, &owner.token, json!({}))).await;
    assert_eq!(a.status, StatusCode::OK);
    let a = send(&app, get("/devices", &owner.token)).await;
    assert_eq!(a.json["devices"][1]["revoked"], true, "{}", a.json);
    // The owner cannot revoke itself, and goes on working; an unknown device is a 404.
    let a = send(
        &app,
        post(
            &format!("/devices/{}/revoke", owner.device),
            &owner.token,
            json!({}),
        ),
    )
    .await;
    assert_error(&a, StatusCode::BAD_REQUEST, "bad_request");
    let a = send(
        &app,
        post("/devices/d-nosuchdevice/revoke", &owner.token, json!({})),
    )
    .await;
    assert_error(&a, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(ids(&app, &owner.token).await, ["before"]);
}

#[tokio::test]
async fn failed_joins_count_as_failed_logins() {
    let app = router(
        AppState::new(Store::in_memory(), &tokens()).with_limits(Limits {
            per_address: 3,
            overall: 100,
            window: Duration::from_secs(60),
            addresses: 10,
        }),
        &Origins::Any,
    );
    let owner = create_team(&app).await;
    let used = invite(&app, &owner, now_ms() + 60_000).await;
    device_of(&join(&app, &used).await);
    // Its deadline must still be ahead when the server makes it (20 ms was too little on a
    // loaded machine: the invite itself was refused).
    let expired = invite(&app, &owner, now_ms() + 500).await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    let good = invite(&app, &owner, now_ms() + 60_000).await;
    assert_error(
        &join(&app, &used).await,
        StatusCode::UNAUTHORIZED,
        "invite_used",
    );
    assert_error(
        &join(&app, &expired).await,
        StatusCode::UNAUTHORIZED,
        "invite_expired",
    );
    assert_error(
        &join(&app, "wrong").await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    // Three failures: even a good invite now waits (and is not used up).
    assert_error(
        &join(&app, &good).await,
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_failed_logins",
    );
    let a = send(&app, get("/devices", &owner.token)).await;
    assert_error(&a, StatusCode::TOO_MANY_REQUESTS, "too_many_failed_logins");
}

/// The bytes of the database file and its WAL and shared-memory files.
fn database_bytes(path: &Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        if let Ok(b) = std::fs::read(&name) {
            bytes.extend(b);
        }
    }
    bytes
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn the_database_holds_hashes_not_tokens_and_tokens_survive_a_restart() {
    let dir = support::temp_dir("teams");
    let path = dir.join("teams.sqlite3");
    let (owner, member, inv) = {
        let app = app_on(Store::open(&path).unwrap());
        let (owner, member, inv) = team_of_two(&app).await;
        push_new(&app, &member.token, "member", "kept").await;
        (owner, member, inv)
    };
    let bytes = database_bytes(&path);
    // The scan sees what is stored: the ids in clear, the tokens' SHA-256 as 32 bytes.
    for id in [&owner.device, &member.device, &owner.space] {
        assert!(contains(&bytes, id.as_bytes()), "{id} is not in the file");
    }
    for secret in [&owner.token, &member.token, &inv] {
        assert!(contains(&bytes, &sha256(secret.as_bytes())));
        assert!(!contains(&bytes, secret.as_bytes()), "a token in clear");
        // Nor a (hex or unpadded) prefix of it that would betray a reversible encoding.
        assert!(!contains(&bytes, &secret.as_bytes()[..16]));
    }
    assert!(!contains(&bytes, ORGANISE.as_bytes()));

    // A new server on the same file: the devices still work, the invite is still used.
    let app = app_on(Store::open(&path).unwrap());
    assert_eq!(ids(&app, &owner.token).await, ["kept"]);
    let a = push_new(&app, &member.token, "member-2", "after-restart").await;
    assert_eq!(a.json["accepted"], json!([1]), "{}", a.json);
    assert_error(
        &join(&app, &inv).await,
        StatusCode::UNAUTHORIZED,
        "invite_used",
    );
    let a = send(&app, get("/devices", &owner.token)).await;
    assert_eq!(a.json["devices"].as_array().unwrap().len(), 2);
    drop(app);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_joins_with_one_invite_make_exactly_one_device() {
    for _ in 0..5 {
        let app = app();
        let owner = create_team(&app).await;
        let inv = invite(&app, &owner, now_ms() + 60_000).await;
        let joins: Vec<_> = (0..8)
            .map(|_| {
                let (app, inv) = (app.clone(), inv.clone());
                tokio::spawn(async move { join(&app, &inv).await })
            })
            .collect();
        let mut created = 0;
        for j in joins {
            let a = j.await.unwrap();
            if a.status == StatusCode::CREATED {
                created += 1;
            } else {
                assert_error(&a, StatusCode::UNAUTHORIZED, "invite_used");
            }
        }
        assert_eq!(created, 1);
        let a = send(&app, get("/devices", &owner.token)).await;
        assert_eq!(a.json["devices"].as_array().unwrap().len(), 2, "{}", a.json);
    }
}

// --- key rotation -----------------------------------------------------------------------------

fn put(path: &str, token: &str, body: Value) -> Request<Body> {
    Request::put(path)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::from(body.to_string()))
        .unwrap()
}

/// A public key of the right form (0x04 and 64 bytes of `fill`) as base64url.
fn public_key(fill: u8) -> String {
    let mut p = [fill; 65];
    p[0] = 4;
    sync_server::teams::public_key_text(&p)
}

/// Keys of the wrong form: a compressed point's prefix, 64 and 66 bytes, padded, the standard
/// alphabet, not a string, empty.
fn bad_public_keys() -> Vec<Value> {
    let mut compressed = [9u8; 65];
    compressed[0] = 2;
    let mut long = [9u8; 66];
    long[0] = 4;
    let standard = {
        let mut p = [0xfb_u8; 65];
        p[0] = 4;
        sync_server::teams::public_key_text(&p)
            .replace('-', "+")
            .replace('_', "/")
    };
    vec![
        json!(sync_server::teams::public_key_text(&compressed)),
        json!(sync_server::teams::public_key_text(&long[..64])),
        json!(sync_server::teams::public_key_text(&long)),
        json!(format!("{}=", public_key(1))),
        json!(standard),
        json!(42),
        json!(""),
    ]
}

async fn device_list(app: &Router, owner: &Device) -> Vec<Value> {
    let a = send(app, get("/devices", &owner.token)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.json);
    a.json["devices"].as_array().unwrap().clone()
}

/// The public key `GET /devices` lists for `device`.
async fn listed_key(app: &Router, owner: &Device, device: &Device) -> Value {
    device_list(app, owner)
        .await
        .iter()
        .find(|e| e["device"] == device.device.as_str())
        .unwrap_or_else(|| panic!("{} not listed", device.device))["public_key"]
        .clone()
}

async fn post_keys(app: &Router, token: &str, epoch: Value, keys: Value) -> Answer {
    send(
        app,
        post("/keys", token, json!({ "epoch": epoch, "keys": keys })),
    )
    .await
}

async fn read_keys(app: &Router, token: &str, query: &str) -> Answer {
    send(app, get(&format!("/keys{query}"), token)).await
}

/// `(epoch, wrapped)` of a `GET /keys` answer, which must be a 200 of exactly that shape
/// (`{"keys": [...], "rotation_due": <bool>}`).
fn key_pairs(a: &Answer) -> Vec<(i64, String)> {
    assert_eq!(a.status, StatusCode::OK, "{}", a.json);
    assert_eq!(a.json.as_object().unwrap().len(), 2, "{}", a.json);
    assert!(a.json["rotation_due"].is_boolean(), "{}", a.json);
    a.json["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            assert_eq!(k.as_object().unwrap().len(), 2, "{k}");
            (
                k["epoch"].as_i64().unwrap(),
                k["wrapped"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn devices_give_public_keys_at_creation_or_later_and_the_owner_sees_them() {
    let app = app();
    let owner = device_of(
        &send(
            &app,
            post("/teams", ORGANISE, json!({ "public_key": public_key(1) })),
        )
        .await,
    );
    let inv = invite(&app, &owner, now_ms() + 60_000).await;
    let with_key = device_of(
        &send(
            &app,
            post("/join", &inv, json!({ "public_key": public_key(2) })),
        )
        .await,
    );
    let inv = invite(&app, &owner, now_ms() + 60_000).await;
    let without = device_of(&join(&app, &inv).await);
    let inv = invite(&app, &owner, now_ms() + 60_000).await;
    let null_key = device_of(&send(&app, post("/join", &inv, json!({ "public_key": null }))).await);

    // Each device's key, by device id (devices made in the same millisecond are listed by id).
    let key_of = |list: &[Value], d: &Device| -> Value {
        list.iter()
            .find(|e| e["device"] == d.device.as_str())
            .unwrap_or_else(|| panic!("{} not listed", d.device))["public_key"]
            .clone()
    };
    let list = device_list(&app, &owner).await;
    assert_eq!(list.len(), 4);
    assert_eq!(key_of(&list, &owner), json!(public_key(1)));
    assert_eq!(key_of(&list, &with_key), json!(public_key(2)));
    assert_eq!(key_of(&list, &without), Value::Null);
    assert_eq!(key_of(&list, &null_key), Value::Null);
    // The fields there were before are unchanged; public_key and left are the ones more.
    for d in &list {
        let mut fields: Vec<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
        fields.sort_unstable();
        assert_eq!(
            fields,
            [
                "created_ms",
                "device",
                "left",
                "owner",
                "public_key",
                "revoked"
            ]
        );
    }

    // A device sets its own key, and replaces it; the owner too.
    for (device, fill) in [(&without, 3), (&with_key, 4), (&owner, 5), (&null_key, 6)] {
        let a = send(
            &app,
            put(
                "/devices/me/key",
                &device.token,
                json!({ "public_key": public_key(fill) }),
            ),
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.json);
        assert_eq!(a.json, json!({ "device": device.device }));
    }
    let list = device_list(&app, &owner).await;
    assert_eq!(key_of(&list, &owner), json!(public_key(5)));
    assert_eq!(key_of(&list, &with_key), json!(public_key(4)));
    assert_eq!(key_of(&list, &without), json!(public_key(3)));
    assert_eq!(key_of(&list, &null_key), json!(public_key(6)));
    // Another team's list has none of them.
    let other = create_team(&app).await;
    assert_eq!(
        device_list(&app, &other).await[0]["public_key"],
        Value::Null
    );
}

#[tokio::test]
async fn a_public_key_of_the_wrong_form_is_a_400_and_changes_nothing() {
    let app = router(
        AppState::new(Store::in_memory(), &tokens()).with_limits(Limits {
            per_address: 100,
            ..Limits::default()
        }),
        &Origins::Any,
    );
    let owner = create_team(&app).await;
    let inv = invite(&app, &owner, now_ms() + 60_000).await;
    for bad in bad_public_keys() {
        let a = send(
            &app,
            post("/teams", ORGANISE, json!({ "public_key": bad.clone() })),
        )
        .await;
        assert_error(&a, StatusCode::BAD_REQUEST, "bad_request");
        // A bad key does not use the invite up.
        let a = send(
            &app,
            post("/join", &inv, json!({ "public_key": bad.clone() })),
        )
        .await;
        assert_error(&a, StatusCode::BAD_REQUEST, "bad_request");
        let a = send(
            &app,
            put(
                "/devices/me/key",
                &owner.token,
                json!({ "public_key": bad }),
            ),
        )
        .await;
        assert_error(&a, StatusCode::BAD_REQUEST, "bad_request");
    }
    for body in [json!({}), json!({ "public_key": null }), json!([])] {
        let a = send(&app, put("/devices/me/key", &owner.token, body)).await;
        assert_error(&a, StatusCode::BAD_REQUEST, "bad_request");
    }
    let list = device_list(&app, &owner).await;
    assert_eq!(list.len(), 1, "no device was made");
    assert_eq!(list[0]["public_key"], Value::Null);
    device_of(&join(&app, &inv).await);
    // Tokens of the config file have no device: 403.
    for token in [WRITE, READ, ORGANISE] {
        let a = send(
            &app,
            put(
                "/devices/me/key",
                token,
                json!({ "public_key": public_key(1) }),
            ),
        )
        .await;
        assert_error(&a, StatusCode::FORBIDDEN, "forbidden");
    }
    // GET on the path is not a way to read it.
    let a = send(&app, get("/devices/me/key", &owner.token)).await;
    assert_eq!(a.status, StatusCode::METHOD_NOT_ALLOWED, "{}", a.json);
}

#[tokio::test]
async fn only_the_owner_device_posts_keys() {
    let app = app();
    let (owner, member, _) = team_of_two(&app).await;
    let keys = json!([{ "device": member.device, "wrapped": "AAAA" }]);
    for token in [member.token.as_str(), WRITE, READ, ORGANISE] {
        let a = post_keys(&app, token, json!(2), keys.clone()).await;
        assert_error(&a, StatusCode::FORBIDDEN, "forbidden");
    }
    assert!(key_pairs(&read_keys(&app, &member.token, "").await).is_empty());
    let a = post_keys(&app, &owner.token, json!(2), keys).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.json);
    assert_eq!(a.json, json!({ "epoch": 2 }));
    assert_eq!(
        key_pairs(&read_keys(&app, &member.token, "").await),
        [(2, "AAAA".to_string())]
    );
}

#[tokio::test]
async fn an_epoch_must_be_at_least_2_and_larger_than_every_stored_one() {
    let app = app();
    let (owner, member, _) = team_of_two(&app).await;
    let keys = |w: &str| json!([{ "device": member.device, "wrapped": w }]);
    for epoch in [
        json!(1),
        json!(0),
        json!(-3),
        json!(2.5),
        json!("2"),
        json!(null),
        json!(9_007_199_254_740_992_i64),
    ] {
        let a = post_keys(&app, &owner.token, epoch.clone(), keys("AAAA")).await;
        assert_error(&a, StatusCode::BAD_REQUEST, "bad_request");
    }
    let a = send(
        &app,
        post("/keys", &owner.token, json!({ "keys": keys("AAAA") })),
    )
    .await;
    assert_error(&a, StatusCode::BAD_REQUEST, "bad_request");

    assert_eq!(
        post_keys(&app, &owner.token, json!(2), keys("AAAA"))
            .await
            .json,
        json!({ "epoch": 2 })
    );
    let a = post_keys(&app, &owner.token, json!(2), keys("BBBB")).await;
    assert_error(&a, StatusCode::CONFLICT, "epoch_taken");
    // Epoch 1 stays a 400 (it is never the server's), also after others were stored.
    let a = post_keys(&app, &owner.token, json!(1), keys("BBBB")).await;
    assert_error(&a, StatusCode::BAD_REQUEST, "bad_request");
    // Numbers may be skipped; after 7, 5 is taken too.
    assert_eq!(
        post_keys(&app, &owner.token, json!(7), keys("CCCC"))
            .await
            .json,
        json!({ "epoch": 7 })
    );
    for epoch in [7, 5, 3] {
        let a = post_keys(&app, &owner.token, json!(epoch), keys("DDDD")).await;
        assert_error(&a, StatusCode::CONFLICT, "epoch_taken");
    }
    assert_eq!(
        key_pairs(&read_keys(&app, &member.token, "").await),
        [(2, "AAAA".to_string()), (7, "CCCC".to_string())]
    );
    // Another team's epochs are its own: its 2 is free.
    let (other, other_member, _) = team_of_two(&app).await;
    let a = post_keys(
        &app,
        &other.token,
        json!(2),
        json!([{ "device": other_member.device, "wrapped": "EEEE" }]),
    )
    .await;
    assert_eq!(a.json, json!({ "epoch": 2 }));
    // The largest epoch allowed (2^53 - 1).
    let a = post_keys(
        &app,
        &owner.token,
        json!(9_007_199_254_740_991_i64),
        keys("FFFF"),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.json);
}

#[tokio::test]
async fn keys_are_for_live_devices_of_the_team_each_once_and_stored_all_or_nothing() {
    let app = app();
    let (owner, member, _) = team_of_two(&app).await;
    let inv = invite(&app, &owner, now_ms() + 60_000).await;
    let gone = device_of(&join(&app, &inv).await);
    let path = format!("/devices/{}/revoke", gone.device);
    assert_eq!(
        send(&app, post(&path, &owner.token, json!({})))
            .await
            .status,
        StatusCode::OK
    );
    let (stranger, _, _) = team_of_two(&app).await;
    let entry = |d: &str, w: &str| json!({ "device": d, "wrapped": w });
    let good = entry(&member.device, "AAAA");
    let too_many: Vec<Value> = (0..1001)
        .map(|i| entry(&format!("d-{i}"), "AAAA"))
        .collect();
    let refused = [
        // Another team's device, an unknown one, a revoked one.
        json!([good.clone(), entry(&stranger.device, "AAAA")]),
        json!([good.clone(), entry("d-nosuchdevice", "AAAA")]),
        json!([good.clone(), entry(&gone.device, "AAAA")]),
        // The same device twice.
        json!([good.clone(), entry(&owner.device, "AAAA"), good.clone()]),
        // More than 1000 (none is fine here: no member has a public key, see
        // an_epoch_must_name_every_live_member_with_a_public_key).
        json!(too_many),
        // Wrapped keys of the wrong form: empty, over 1024 characters, padded, another
        // alphabet, not decodable, not a string; a missing field.
        json!([good.clone(), entry(&owner.device, "")]),
        json!([good.clone(), entry(&owner.device, &"A".repeat(1025))]),
        json!([good.clone(), entry(&owner.device, "AA==")]),
        json!([good.clone(), entry(&owner.device, "a+b/")]),
        json!([good.clone(), entry(&owner.device, "A")]),
        json!([good.clone(), { "device": owner.device, "wrapped": 7 }]),
        json!([good.clone(), { "device": owner.device }]),
        json!([{ "wrapped": "AAAA" }]),
        json!({ "device": member.device, "wrapped": "AAAA" }),
    ];
    for keys in refused {
        let a = post_keys(&app, &owner.token, json!(2), keys.clone()).await;
        assert_error(&a, StatusCode::BAD_REQUEST, "bad_request");
        // The message names the entry by its place, never a value that came.
        let message = a.json["message"].as_str().unwrap();
        assert!(!message.contains(&stranger.device), "{message}");
        // Nothing was stored, not even the good entry before the bad one.
        assert!(key_pairs(&read_keys(&app, &member.token, "").await).is_empty());
    }
    // Nor was the epoch used up.
    let a = post_keys(
        &app,
        &owner.token,
        json!(2),
        json!([good, entry(&owner.device, &"A".repeat(1024))]),
    )
    .await;
    assert_eq!(a.json, json!({ "epoch": 2 }), "{}", a.json);
    assert_eq!(
        key_pairs(&read_keys(&app, &owner.token, "").await),
        [(2, "A".repeat(1024))]
    );
    // 1000 entries of 1024 characters fit in a body: refused for what they say (devices that
    // are not the team's), not for their size.
    let thousand: Vec<Value> = (0..1000)
        .map(|i| entry(&format!("d-{i:026}"), &"B".repeat(1024)))
        .collect();
    let a = post_keys(&app, &owner.token, json!(3), json!(thousand)).await;
    assert_error(&a, StatusCode::BAD_REQUEST, "bad_request");
    assert_eq!(
        a.json["message"],
        "keys[0].device: not a device of this team"
    );
}

#[tokio::test]
async fn a_device_reads_only_its_own_keys_after_since_in_epoch_order() {
    let app = app();
    let (owner, member, _) = team_of_two(&app).await;
    let inv = invite(&app, &owner, now_ms() + 60_000).await;
    let second = device_of(&join(&app, &inv).await);
    let (other, other_member, _) = team_of_two(&app).await;
    let entry = |d: &Device, w: &str| json!({ "device": d.device, "wrapped": w });
    for (epoch, keys) in [
        (
            2,
            json!([
                entry(&owner, "b3c"),
                entry(&member, "bTI"),
                entry(&second, "czI")
            ]),
        ),
        (4, json!([entry(&member, "bTQ"), entry(&owner, "b3Q")])),
        (9, json!([entry(&member, "bTk")])),
    ] {
        let a = post_keys(&app, &owner.token, json!(epoch), keys).await;
        assert_eq!(a.json, json!({ "epoch": epoch }));
    }
    let a = post_keys(
        &app,
        &other.token,
        json!(5),
        json!([entry(&other_member, "eDU")]),
    )
    .await;
    assert_eq!(a.json, json!({ "epoch": 5 }));

    let pairs = |list: &[(i64, &str)]| -> Vec<(i64, String)> {
        list.iter().map(|(e, w)| (*e, w.to_string())).collect()
    };
    for (device, query, want) in [
        (&member, "", pairs(&[(2, "bTI"), (4, "bTQ"), (9, "bTk")])),
        (
            &member,
            "?since=0",
            pairs(&[(2, "bTI"), (4, "bTQ"), (9, "bTk")]),
        ),
        (
            &member,
            "?since=",
            pairs(&[(2, "bTI"), (4, "bTQ"), (9, "bTk")]),
        ),
        (&member, "?since=2", pairs(&[(4, "bTQ"), (9, "bTk")])),
        (&member, "?since=3", pairs(&[(4, "bTQ"), (9, "bTk")])),
        (&member, "?since=9", vec![]),
        (&member, "?since=100", vec![]),
        (&owner, "", pairs(&[(2, "b3c"), (4, "b3Q")])),
        (&second, "", pairs(&[(2, "czI")])),
        (&second, "?since=2", vec![]),
        (&other_member, "", pairs(&[(5, "eDU")])),
        (&other, "", vec![]),
    ] {
        let got = key_pairs(&read_keys(&app, &device.token, query).await);
        assert_eq!(got, want, "{} {query}", device.device);
    }
    for query in [
        "?since=-1",
        "?since=x",
        "?since=1.5",
        "?since=%2B1",
        "?since=9007199254740992",
    ] {
        let a = read_keys(&app, &member.token, query).await;
        assert_error(&a, StatusCode::BAD_REQUEST, "bad_request");
    }
    // Tokens of the config file have no keys to read: 403.
    for token in [WRITE, READ, ORGANISE] {
        let a = read_keys(&app, token, "").await;
        assert_error(&a, StatusCode::FORBIDDEN, "forbidden");
    }
}

#[tokio::test]
async fn a_revoked_device_cannot_read_its_keys_nor_set_its_public_key() {
    let app = app();
    let (owner, member, _) = team_of_two(&app).await;
    let a = post_keys(
        &app,
        &owner.token,
        json!(2),
        json!([{ "device": member.device, "wrapped": "bTI" }]),
    )
    .await;
    assert_eq!(a.json, json!({ "epoch": 2 }));
    assert_eq!(
        key_pairs(&read_keys(&app, &member.token, "").await),
        [(2, "bTI".to_string())]
    );
    let path = format!("/devices/{}/revoke", member.device);
    assert_eq!(
        send(&app, post(&path, &owner.token, json!({})))
            .await
            .status,
        StatusCode::OK
    );
    for a in [
        read_keys(&app, &member.token, "").await,
        read_keys(&app, &member.token, "?since=0").await,
        send(
            &app,
            put(
                "/devices/me/key",
                &member.token,
                json!({ "public_key": public_key(1) }),
            ),
        )
        .await,
    ] {
        assert_error(&a, StatusCode::UNAUTHORIZED, "unauthorized");
        assert_eq!(a.json["message"], "this token has been revoked");
    }
    // The next epoch cannot include it.
    let a = post_keys(
        &app,
        &owner.token,
        json!(3),
        json!([{ "device": member.device, "wrapped": "bTM" }]),
    )
    .await;
    assert_error(&a, StatusCode::BAD_REQUEST, "bad_request");
    assert_eq!(listed_key(&app, &owner, &member).await, Value::Null);
}

#[tokio::test]
async fn public_keys_and_key_epochs_survive_a_restart() {
    let dir = support::temp_dir("team-keys");
    let path = dir.join("keys.sqlite3");
    let (owner, member) = {
        let app = app_on(Store::open(&path).unwrap());
        let (owner, member, _) = team_of_two(&app).await;
        let a = send(
            &app,
            put(
                "/devices/me/key",
                &member.token,
                json!({ "public_key": public_key(7) }),
            ),
        )
        .await;
        assert_eq!(a.status, StatusCode::OK);
        let a = post_keys(
            &app,
            &owner.token,
            json!(2),
            json!([{ "device": member.device, "wrapped": "bTI" }]),
        )
        .await;
        assert_eq!(a.json, json!({ "epoch": 2 }));
        (owner, member)
    };
    let app = app_on(Store::open(&path).unwrap());
    assert_eq!(
        listed_key(&app, &owner, &member).await,
        json!(public_key(7))
    );
    assert_eq!(
        key_pairs(&read_keys(&app, &member.token, "").await),
        [(2, "bTI".to_string())]
    );
    let a = post_keys(
        &app,
        &owner.token,
        json!(2),
        json!([{ "device": member.device, "wrapped": "bTI" }]),
    )
    .await;
    assert_error(&a, StatusCode::CONFLICT, "epoch_taken");
    drop(app);
    std::fs::remove_dir_all(&dir).unwrap();
}

// --- complete epochs, leaving, rotation_due ----------------------------------------------------

/// A member joined with a fresh invite, with its public key of `fill` (or none).
async fn member_with_key(app: &Router, owner: &Device, fill: Option<u8>) -> Device {
    let inv = invite(app, owner, now_ms() + 60_000).await;
    let body = match fill {
        Some(f) => json!({ "public_key": public_key(f) }),
        None => json!({}),
    };
    device_of(&send(app, post("/join", &inv, body)).await)
}

/// `POST /devices/me/leave` by `token` with `body` as it is sent (may be empty).
async fn leave(app: &Router, token: &str, body: &'static str) -> Answer {
    let req = Request::post("/devices/me/leave")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::from(body))
        .unwrap();
    send(app, req).await
}

/// `rotation_due` of `token`'s `GET /keys` (a 200 of the right shape).
async fn rotation_due(app: &Router, token: &str) -> bool {
    let a = read_keys(app, token, "").await;
    key_pairs(&a);
    a.json["rotation_due"].as_bool().unwrap()
}

/// `(revoked, left)` of `device` in the owner's `GET /devices`.
async fn revoked_and_left(app: &Router, owner: &Device, device: &Device) -> (bool, bool) {
    let list = device_list(app, owner).await;
    let e = list
        .iter()
        .find(|e| e["device"] == device.device.as_str())
        .unwrap_or_else(|| panic!("{} not listed", device.device));
    (
        e["revoked"].as_bool().unwrap(),
        e["left"].as_bool().unwrap(),
    )
}

#[tokio::test]
async fn an_epoch_must_name_every_live_member_with_a_public_key() {
    let app = app();
    let owner = create_team(&app).await;
    let keyed = member_with_key(&app, &owner, Some(1)).await;
    let second = member_with_key(&app, &owner, Some(2)).await;
    let keyless = member_with_key(&app, &owner, None).await;
    let gone = member_with_key(&app, &owner, Some(3)).await;
    let path = format!("/devices/{}/revoke", gone.device);
    assert_eq!(
        send(&app, post(&path, &owner.token, json!({})))
            .await
            .status,
        StatusCode::OK
    );
    let entry = |d: &Device, w: &str| json!({ "device": d.device, "wrapped": w });
    // One missing: 400 naming how many (and which); nothing stored, the epoch stays free.
    for (keys, missing) in [
        (
            json!([entry(&owner, "bw"), entry(&keyed, "aw")]),
            vec![&second],
        ),
        (json!([entry(&keyless, "bA")]), vec![&keyed, &second]),
        (json!([]), vec![&keyed, &second]),
    ] {
        let a = post_keys(&app, &owner.token, json!(2), keys).await;
        assert_error(&a, StatusCode::BAD_REQUEST, "bad_request");
        let message = a.json["message"].as_str().unwrap();
        let count = format!("keys: {} live member device", missing.len());
        assert!(message.starts_with(&count), "{message}");
        for d in &missing {
            assert!(message.contains(&d.device), "{message}");
        }
        for d in [&owner, &keyed, &second, &keyless] {
            assert!(key_pairs(&read_keys(&app, &d.token, "").await).is_empty());
        }
    }
    // The owner, a member without a public key and a revoked one need not be named.
    let a = post_keys(
        &app,
        &owner.token,
        json!(2),
        json!([entry(&second, "cw"), entry(&keyed, "aw")]),
    )
    .await;
    assert_eq!(a.json, json!({ "epoch": 2 }), "{}", a.json);
    assert_eq!(
        key_pairs(&read_keys(&app, &keyed.token, "").await),
        [(2, "aw".to_string())]
    );

    // A team whose member has no public key: an epoch without entries is stored, and its
    // number is taken from then on though no wrapped key holds it.
    let (lone, member, _) = team_of_two(&app).await;
    let a = post_keys(&app, &lone.token, json!(3), json!([])).await;
    assert_eq!(a.json, json!({ "epoch": 3 }), "{}", a.json);
    assert!(key_pairs(&read_keys(&app, &member.token, "").await).is_empty());
    let a = post_keys(&app, &lone.token, json!(3), json!([])).await;
    assert_error(&a, StatusCode::CONFLICT, "epoch_taken");
    // Once the member gives a key it must be named.
    let a = send(
        &app,
        put(
            "/devices/me/key",
            &member.token,
            json!({ "public_key": public_key(9) }),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    let a = post_keys(&app, &lone.token, json!(4), json!([])).await;
    assert_error(&a, StatusCode::BAD_REQUEST, "bad_request");
    assert!(a.json["message"]
        .as_str()
        .unwrap()
        .starts_with("keys: 1 live member device with a public key has no entry"));
}

#[tokio::test]
async fn a_member_leaves_by_itself_and_its_token_is_refused_from_then_on() {
    let app = app();
    let (owner, member, _) = team_of_two(&app).await;
    let quiet = member_with_key(&app, &owner, None).await;
    let removed = member_with_key(&app, &owner, None).await;
    let path = format!("/devices/{}/revoke", removed.device);
    assert_eq!(
        send(&app, post(&path, &owner.token, json!({})))
            .await
            .status,
        StatusCode::OK
    );
    // A body that is not a JSON object is a 400, and the device stays.
    for body in ["[]", "x", "7"] {
        let a = leave(&app, &member.token, body).await;
        assert_error(&a, StatusCode::BAD_REQUEST, "bad_request");
    }
    assert_eq!(
        revoked_and_left(&app, &owner, &member).await,
        (false, false)
    );
    // The owner cannot leave; tokens of the config file have no team.
    let a = leave(&app, &owner.token, "").await;
    assert_error(&a, StatusCode::BAD_REQUEST, "bad_request");
    assert!(a.json["message"]
        .as_str()
        .unwrap()
        .starts_with("the owner device cannot leave its team; "));
    for token in [WRITE, READ, ORGANISE] {
        let a = leave(&app, token, "{}").await;
        assert_error(&a, StatusCode::FORBIDDEN, "forbidden");
    }
    assert_eq!(ids(&app, &owner.token).await, Vec::<String>::new());

    // Empty body and {} both do it.
    for (device, body) in [(&member, "{}"), (&quiet, "")] {
        let a = leave(&app, &device.token, body).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.json);
        assert_eq!(a.json, json!({ "left": device.device }));
    }
    // From then on its token is 401 everywhere, leaving again too.
    for a in [
        leave(&app, &member.token, "{}").await,
        read_keys(&app, &member.token, "").await,
        send(&app, get("/changes", &member.token)).await,
        push_new(&app, &member.token, "c-left", "d1").await,
        send(
            &app,
            put(
                "/devices/me/key",
                &member.token,
                json!({ "public_key": public_key(1) }),
            ),
        )
        .await,
    ] {
        assert_error(&a, StatusCode::UNAUTHORIZED, "unauthorized");
        assert_eq!(a.json["message"], "this token has been revoked");
    }
    // The owner's list: left ones are revoked and left; one the owner removed is revoked only.
    assert_eq!(revoked_and_left(&app, &owner, &member).await, (true, true));
    assert_eq!(revoked_and_left(&app, &owner, &quiet).await, (true, true));
    assert_eq!(
        revoked_and_left(&app, &owner, &removed).await,
        (true, false)
    );
    assert_eq!(revoked_and_left(&app, &owner, &owner).await, (false, false));
    // The owner revoking a device that left: 200, and it stays "left".
    let path = format!("/devices/{}/revoke", member.device);
    assert_eq!(
        send(&app, post(&path, &owner.token, json!({})))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(revoked_and_left(&app, &owner, &member).await, (true, true));
    // The owner goes on.
    assert_eq!(
        push_new(&app, &owner.token, "c-owner", "d2").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_left_or_revoked_device_is_no_longer_required_nor_allowed_in_an_epoch() {
    let app = app();
    let owner = create_team(&app).await;
    let stay = member_with_key(&app, &owner, Some(1)).await;
    let leaver = member_with_key(&app, &owner, Some(2)).await;
    let removed = member_with_key(&app, &owner, Some(3)).await;
    let entry = |d: &Device, w: &str| json!({ "device": d.device, "wrapped": w });
    let a = post_keys(
        &app,
        &owner.token,
        json!(2),
        json!([
            entry(&stay, "cw"),
            entry(&leaver, "bA"),
            entry(&removed, "cg")
        ]),
    )
    .await;
    assert_eq!(a.json, json!({ "epoch": 2 }), "{}", a.json);
    assert_eq!(leave(&app, &leaver.token, "").await.status, StatusCode::OK);
    let path = format!("/devices/{}/revoke", removed.device);
    assert_eq!(
        send(&app, post(&path, &owner.token, json!({})))
            .await
            .status,
        StatusCode::OK
    );
    for gone in [&leaver, &removed] {
        let a = post_keys(
            &app,
            &owner.token,
            json!(3),
            json!([entry(&stay, "cw"), entry(gone, "bA")]),
        )
        .await;
        assert_error(&a, StatusCode::BAD_REQUEST, "bad_request");
    }
    let a = post_keys(&app, &owner.token, json!(3), json!([entry(&stay, "cw")])).await;
    assert_eq!(a.json, json!({ "epoch": 3 }), "{}", a.json);
}

#[tokio::test]
async fn the_owner_is_told_a_new_epoch_is_due_after_a_member_left_or_was_removed_until_it_stores_one(
) {
    let app = app();
    let (owner, member, _) = team_of_two(&app).await;
    let other = member_with_key(&app, &owner, Some(1)).await;
    let leaver = member_with_key(&app, &owner, Some(2)).await;
    let removed = member_with_key(&app, &owner, None).await;
    assert!(!rotation_due(&app, &owner.token).await);
    // The owner removing a device makes one due (it had the key; the app makes the new one
    // right after the removal, and on its next round should that fail).
    let path = format!("/devices/{}/revoke", removed.device);
    assert_eq!(
        send(&app, post(&path, &owner.token, json!({})))
            .await
            .status,
        StatusCode::OK
    );
    assert!(rotation_due(&app, &owner.token).await);
    // Before the first epoch: a leave after the team was made.
    assert_eq!(leave(&app, &leaver.token, "").await.status, StatusCode::OK);
    assert!(rotation_due(&app, &owner.token).await);
    for d in [&member, &other] {
        assert!(
            !rotation_due(&app, &d.token).await,
            "a member is never told"
        );
    }
    // Another team is not concerned.
    let (stranger, _, _) = team_of_two(&app).await;
    assert!(!rotation_due(&app, &stranger.token).await);
    // since does not matter.
    let a = read_keys(&app, &owner.token, "?since=100").await;
    assert_eq!(a.json, json!({ "keys": [], "rotation_due": true }));
    // The owner stores the new epoch: no longer due.
    let a = post_keys(
        &app,
        &owner.token,
        json!(2),
        json!([{ "device": other.device, "wrapped": "bw" }]),
    )
    .await;
    assert_eq!(a.json, json!({ "epoch": 2 }), "{}", a.json);
    assert!(!rotation_due(&app, &owner.token).await);
    // A leave after that epoch makes the next one due, and storing it ends that again.
    assert_eq!(leave(&app, &other.token, "{}").await.status, StatusCode::OK);
    assert!(rotation_due(&app, &owner.token).await);
    assert!(!rotation_due(&app, &member.token).await);
    let a = post_keys(&app, &owner.token, json!(3), json!([])).await;
    assert_eq!(a.json, json!({ "epoch": 3 }), "{}", a.json);
    assert_eq!(
        read_keys(&app, &owner.token, "").await.json,
        json!({ "keys": [], "rotation_due": false })
    );
}
