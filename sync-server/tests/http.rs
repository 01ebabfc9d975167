//! The HTTP layer through the Router (no socket): auth, statuses, JSON errors, CORS, limits.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::ConnectInfo;
use sync_server::auth::Limits;
use sync_server::config::{Access, Origins, TokenConfig};
use sync_server::http::{router, AppState};
use sync_server::store::Store;
use tower::ServiceExt;

const WRITE: &str = "test-write-token-0000000000000001";
const READ: &str = "test-read-token-00000000000000002";
const APP_ORIGIN: &str = "https://ssp.example.dk";

fn tokens() -> Vec<TokenConfig> {
    vec![
        TokenConfig::from_secret("Skole A", WRITE, Access::Write),
        TokenConfig::from_secret("Skole A (læs)", READ, Access::Read),
    ]
}

fn app() -> Router {
    router(
        AppState::new(Store::in_memory(), &tokens()),
        &Origins::List(vec![APP_ORIGIN.into()]),
    )
}

/// A GET /changes from the client address `from` (as the server's accept loop records it).
fn get_from(from: &str, token: &str) -> Request<Body> {
    let mut req = get("/changes", Some(token));
    let addr: SocketAddr = format!("{from}:50000").parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(addr));
    req
}

struct Answer {
    status: StatusCode,
    headers: header::HeaderMap,
    json: Value,
}

async fn send(app: &Router, req: Request<Body>) -> Answer {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Answer {
        status,
        headers,
        json,
    }
}

fn get(path: &str, token: Option<&str>) -> Request<Body> {
    let mut b = Request::get(path);
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    b.body(Body::empty()).unwrap()
}

fn post(path: &str, token: Option<&str>, body: impl Into<Body>) -> Request<Body> {
    let mut b = Request::post(path).header(header::CONTENT_TYPE, "application/json");
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    b.body(body.into()).unwrap()
}

fn new_doc(mid: i64, id: &str) -> Value {
    json!({ "mid": mid, "doc": { "id": id, "rev": "1-0000000000000001", "base_rev": null,
            "deleted": false, "schema": 2, "updated_ms": 1, "data": { "pseudonym": "XY" } } })
}

fn push_body(mutations: Vec<Value>) -> String {
    json!({ "client": "client-1", "mutations": mutations }).to_string()
}

fn assert_error(a: &Answer, status: StatusCode, code: &str) {
    assert_eq!(a.status, status, "{}", a.json);
    assert_eq!(a.json["error"], code, "{}", a.json);
    assert!(a.json["message"].is_string(), "{}", a.json);
}

#[tokio::test]
async fn push_then_pull_round_trip() {
    let app = app();
    let a = send(
        &app,
        post("/push", Some(WRITE), push_body(vec![new_doc(1, "d1")])),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.json, json!({ "accepted": [1], "conflicts": [] }));

    let a = send(&app, get("/changes?since=&limit=10", Some(READ))).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(
        a.json,
        json!({ "docs": [new_doc(1, "d1")["doc"]], "checkpoint": "1", "more": false })
    );
    assert_eq!(a.headers[header::CONTENT_TYPE], "application/json");

    // No since at all is the start too; the checkpoint comes back unchanged when empty.
    let a = send(&app, get("/changes", Some(WRITE))).await;
    assert_eq!(a.json["docs"].as_array().unwrap().len(), 1);
    let a = send(&app, get("/changes?since=1", Some(WRITE))).await;
    assert_eq!(
        a.json,
        json!({ "docs": [], "checkpoint": "1", "more": false })
    );
}

#[tokio::test]
async fn a_conflict_carries_the_server_document() {
    let app = app();
    send(
        &app,
        post("/push", Some(WRITE), push_body(vec![new_doc(1, "d1")])),
    )
    .await;
    let other = json!({ "client": "client-2", "mutations": [
        { "mid": 1, "doc": { "id": "d1", "rev": "1-0000000000000002", "base_rev": null,
          "deleted": false, "schema": 2, "updated_ms": 2, "data": { "pseudonym": "ZZ" } } } ] });
    let a = send(&app, post("/push", Some(WRITE), other.to_string())).await;
    assert_eq!(
        a.json,
        json!({ "accepted": [], "conflicts": [
            { "mid": 1, "id": "d1", "server": new_doc(1, "d1")["doc"] } ] })
    );
}

#[tokio::test]
async fn auth_statuses() {
    let app = app();
    let body = || push_body(vec![new_doc(1, "d1")]);
    assert_error(
        &send(&app, get("/changes", None)).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    assert_error(
        &send(
            &app,
            get("/changes", Some("test-wrong-token-0000000000000")),
        )
        .await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    let basic = Request::get("/changes")
        .header(header::AUTHORIZATION, format!("Basic {WRITE}"))
        .body(Body::empty())
        .unwrap();
    assert_error(
        &send(&app, basic).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    assert_error(
        &send(&app, post("/push", None, body())).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    assert_error(
        &send(&app, post("/push", Some(READ), body())).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    // Nothing was stored by the refused pushes.
    let a = send(&app, get("/changes", Some(READ))).await;
    assert_eq!(a.json["docs"], json!([]));
    // Health needs no token.
    let a = send(&app, get("/health", None)).await;
    assert_eq!(a.json, json!({ "ok": true }));
}

#[tokio::test]
async fn bad_requests_are_400_with_json() {
    let app = app();
    for path in [
        "/changes?since=abc",
        "/changes?since=-1",
        "/changes?limit=0",
        "/changes?limit=1001",
        "/changes?limit=ten",
    ] {
        assert_error(
            &send(&app, get(path, Some(READ))).await,
            StatusCode::BAD_REQUEST,
            "bad_request",
        );
    }
    // A checkpoint it can read but that lies past the end of the feed (a restored backup): its
    // own code, so that a client knows to start over from the empty checkpoint.
    assert_error(
        &send(&app, get("/changes?since=99", Some(READ))).await,
        StatusCode::BAD_REQUEST,
        "checkpoint_ahead",
    );
    for path in ["/changes?limit=1", "/changes?limit=1000"] {
        assert_eq!(
            send(&app, get(path, Some(READ))).await.status,
            StatusCode::OK
        );
    }
    for body in [
        "not json".to_string(),
        "{}".to_string(),
        json!({ "client": "c", "mutations": [{ "mid": 1, "doc": { "id": "bad id" } }] })
            .to_string(),
    ] {
        assert_error(
            &send(&app, post("/push", Some(WRITE), body)).await,
            StatusCode::BAD_REQUEST,
            "bad_request",
        );
    }
}

#[tokio::test]
async fn limits_are_413_with_json_and_store_nothing() {
    let app = app();
    let many = (0..101).map(|i| new_doc(i, &format!("d{i}"))).collect();
    assert_error(
        &send(&app, post("/push", Some(WRITE), push_body(many))).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
    );
    let mut big = new_doc(1, "big");
    big["doc"]["data"] = json!({ "x": "a".repeat(256 * 1024) });
    assert_error(
        &send(&app, post("/push", Some(WRITE), push_body(vec![big]))).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
    );
    // Over 1 MiB: refused by the body limit layer, still in the protocol's JSON shape.
    let huge = format!(
        "{{\"client\":\"c\",\"mutations\":[],\"pad\":\"{}\"}}",
        "a".repeat(1024 * 1024)
    );
    assert_error(
        &send(&app, post("/push", Some(WRITE), huge)).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
    );
    // With Content-Length announced: refused before any handler, and the connection is closed.
    let announced = Request::post("/push")
        .header(header::AUTHORIZATION, format!("Bearer {WRITE}"))
        .header(header::CONTENT_LENGTH, 1024 * 1024 + 1)
        .body(Body::from(vec![b' '; 1024 * 1024 + 1]))
        .unwrap();
    let a = send(&app, announced).await;
    assert_error(&a, StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    assert_eq!(a.headers[header::CONNECTION], "close");
    // Exactly 1 MiB is within the limit (and then an ordinary 400 for not being a push).
    let at_limit = Request::post("/push")
        .header(header::AUTHORIZATION, format!("Bearer {WRITE}"))
        .header(header::CONTENT_LENGTH, 1024 * 1024)
        .body(Body::from(vec![b' '; 1024 * 1024]))
        .unwrap();
    assert_error(
        &send(&app, at_limit).await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    let a = send(&app, get("/changes", Some(READ))).await;
    assert_eq!(a.json["docs"], json!([]));
}

#[tokio::test]
async fn unknown_paths_and_methods_answer_json() {
    let app = app();
    assert_error(
        &send(&app, get("/nope", Some(READ))).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_error(
        &send(&app, get("/push", Some(WRITE))).await,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    );
    // Auth before routing: without a valid token both are a 401, so an unknown caller learns
    // nothing of the paths (docs/sync-protocol.md, "Order of checks").
    for path in ["/nope", "/push"] {
        assert_error(
            &send(&app, get(path, None)).await,
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        );
        assert_error(
            &send(&app, get(path, Some("not-a-token"))).await,
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        );
    }
    // The health check is the reference server's own and needs no token.
    assert_eq!(
        send(&app, get("/health", None)).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn cors_preflight_and_responses_for_the_apps_origin_only() {
    let app = app();
    let preflight = |origin: &str| {
        Request::builder()
            .method(Method::OPTIONS)
            .uri("/push")
            .header(header::ORIGIN, origin)
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .header(
                header::ACCESS_CONTROL_REQUEST_HEADERS,
                "authorization,content-type",
            )
            .body(Body::empty())
            .unwrap()
    };
    let a = send(&app, preflight(APP_ORIGIN)).await;
    assert!(a.status.is_success());
    assert_eq!(a.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], APP_ORIGIN);
    let headers = a.headers[header::ACCESS_CONTROL_ALLOW_HEADERS]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(headers.contains("authorization") && headers.contains("content-type"));
    let methods = a.headers[header::ACCESS_CONTROL_ALLOW_METHODS]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        methods.contains("GET") && methods.contains("POST"),
        "{methods}"
    );

    let a = send(&app, preflight("https://evil.example.com")).await;
    assert!(a.headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());

    // Errors carry the CORS header too, so the app can read a 401.
    let req = Request::get("/changes")
        .header(header::ORIGIN, APP_ORIGIN)
        .body(Body::empty())
        .unwrap();
    let a = send(&app, req).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(a.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], APP_ORIGIN);
}

#[tokio::test]
async fn failed_logins_are_slowed_per_address_and_overall_without_revealing_a_right_token() {
    let limits = Limits {
        per_address: 3,
        overall: 6,
        window: Duration::from_secs(60),
        addresses: 100,
    };
    let app = router(
        AppState::new(Store::in_memory(), &tokens()).with_limits(limits),
        &Origins::List(vec![APP_ORIGIN.into()]),
    );
    let wrong = "test-wrong-token-000000000000000";
    for _ in 0..3 {
        let a = send(&app, get_from("192.0.2.1", wrong)).await;
        assert_error(&a, StatusCode::UNAUTHORIZED, "unauthorized");
    }
    // The fourth try from that address is refused before the token is looked at: the right
    // token gets the same 429, so guessing on cannot tell a hit.
    for token in [wrong, WRITE] {
        let a = send(&app, get_from("192.0.2.1", token)).await;
        assert_error(&a, StatusCode::TOO_MANY_REQUESTS, "too_many_failed_logins");
        let wait: u64 = a.headers[header::RETRY_AFTER]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=60).contains(&wait), "{wait}");
    }
    // Another address is not held back; health needs no token and always answers.
    assert_eq!(
        send(&app, get_from("192.0.2.2", READ)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        send(&app, get("/health", None)).await.status,
        StatusCode::OK
    );
    // Overall: three more failures from three other addresses reach 6, and everyone waits.
    for last in 3..6 {
        let a = send(&app, get_from(&format!("192.0.2.{last}"), wrong)).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    }
    let a = send(&app, get_from("192.0.2.2", READ)).await;
    assert_error(&a, StatusCode::TOO_MANY_REQUESTS, "too_many_failed_logins");
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_address_is_counted() {
    let limits = Limits {
        per_address: 1,
        overall: 100,
        window: Duration::from_secs(60),
        addresses: 100,
    };
    let app = router(
        AppState::new(Store::in_memory(), &tokens())
            .with_limits(limits)
            .trusting_x_forwarded_for(true),
        &Origins::Any,
    );
    let via_proxy = |client: &str, token: &str| {
        let mut req = get_from("127.0.0.1", token);
        req.headers_mut().insert(
            "x-forwarded-for",
            format!("10.9.9.9, {client}").parse().unwrap(),
        );
        req
    };
    let wrong = "test-wrong-token-000000000000000";
    assert_eq!(
        send(&app, via_proxy("198.51.100.7", wrong)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        send(&app, via_proxy("198.51.100.7", READ)).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another school behind the same proxy goes on.
    assert_eq!(
        send(&app, via_proxy("198.51.100.8", READ)).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_revoked_token_is_refused_and_the_others_keep_working_after_a_reload() {
    let lost = "test-lost-tablet-token-0000000003";
    let mut config = tokens();
    config.push(TokenConfig::from_secret(
        "Skole A tablet 3",
        lost,
        Access::Write,
    ));
    let state = AppState::new(Store::in_memory(), &config);
    let table = state.tokens();
    let app = router(state, &Origins::Any);
    assert_eq!(
        send(&app, get("/changes", Some(lost))).await.status,
        StatusCode::OK
    );

    config[2].revoked = true;
    table.replace(&config);
    let a = send(&app, get("/changes", Some(lost))).await;
    assert_error(&a, StatusCode::UNAUTHORIZED, "unauthorized");
    assert_error(
        &send(
            &app,
            post("/push", Some(lost), push_body(vec![new_doc(1, "d1")])),
        )
        .await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    assert_eq!(
        send(&app, get("/changes", Some(WRITE))).await.status,
        StatusCode::OK
    );
    assert_eq!(
        send(&app, get("/changes", Some(READ))).await.status,
        StatusCode::OK
    );
}

/// A body that announces 10 MiB and never sends a byte.
fn never_arriving_push(token: Option<&str>) -> Request<Body> {
    let stream = futures_pending_body();
    let mut b = Request::post("/push").header(header::CONTENT_LENGTH, 10 * 1024 * 1024);
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    b.body(stream).unwrap()
}

fn futures_pending_body() -> Body {
    struct Pending;
    impl http_body::Body for Pending {
        type Data = axum::body::Bytes;
        type Error = std::convert::Infallible;
        fn poll_frame(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
            std::task::Poll::Pending
        }
    }
    Body::new(Pending)
}

#[tokio::test]
async fn the_token_is_checked_before_an_oversized_body_is_read() {
    let app = app();
    for (token, status, code) in [
        (None, StatusCode::UNAUTHORIZED, "unauthorized"),
        (
            Some("test-wrong-token-000000000000000"),
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        ),
        (Some(READ), StatusCode::FORBIDDEN, "forbidden"),
    ] {
        // Answered at once: the server does not wait for (or read) the 10 MiB first.
        let a = tokio::time::timeout(
            Duration::from_secs(2),
            send(&app, never_arriving_push(token)),
        )
        .await
        .expect("answered without reading the body");
        assert_error(&a, status, code);
    }
}

/// Two teams in one database: Skole A's tokens in the default space (as v1 configs are),
/// Skole B's in the space "skole-b".
const B_WRITE: &str = "test-b-write-token-00000000000004";
const B_READ: &str = "test-b-read-token-000000000000005";

fn two_spaces() -> Router {
    let mut config = tokens();
    config.push(TokenConfig::from_secret("Skole B", B_WRITE, Access::Write).in_space("skole-b"));
    config
        .push(TokenConfig::from_secret("Skole B (læs)", B_READ, Access::Read).in_space("skole-b"));
    router(
        AppState::new(Store::in_memory(), &config),
        &Origins::List(vec![APP_ORIGIN.into()]),
    )
}

fn feed_ids(a: &Answer) -> Vec<String> {
    a.json["docs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}@{}",
                d["id"].as_str().unwrap(),
                d["rev"].as_str().unwrap()
            )
        })
        .collect()
}

#[tokio::test]
async fn each_token_sees_and_writes_only_its_own_space() {
    let app = two_spaces();
    let a = send(
        &app,
        post("/push", Some(WRITE), push_body(vec![new_doc(1, "same")])),
    )
    .await;
    assert_eq!(a.json["accepted"], json!([1]), "{}", a.json);
    let a_feed = send(&app, get("/changes?since=", Some(READ))).await;
    assert_eq!(feed_ids(&a_feed), ["same@1-0000000000000001"]);

    // B sees nothing of A, with its write token and its read token.
    for token in [B_WRITE, B_READ] {
        let b = send(&app, get("/changes?since=", Some(token))).await;
        assert_eq!(b.status, StatusCode::OK);
        assert_eq!(
            b.json,
            json!({ "docs": [], "checkpoint": "0", "more": false })
        );
    }
    // A's checkpoint in B: beyond B's (empty) feed, a 400 as for any checkpoint past the end.
    let b = send(&app, get("/changes?since=1", Some(B_READ))).await;
    assert_error(&b, StatusCode::BAD_REQUEST, "checkpoint_ahead");

    // B's push of the same id (same client id, same mid) is B's own new document.
    let b_doc = json!({ "mid": 1, "doc": { "id": "same", "rev": "1-00000000000000bb", "base_rev": null,
        "deleted": false, "schema": 2, "updated_ms": 2, "data": { "pseudonym": "BB" } } });
    let b = send(&app, post("/push", Some(B_WRITE), push_body(vec![b_doc]))).await;
    assert_eq!(b.json, json!({ "accepted": [1], "conflicts": [] }));
    // B deletes it; A's stays.
    let del = json!({ "mid": 2, "doc": { "id": "same", "rev": "2-00000000000000bb",
        "base_rev": "1-00000000000000bb", "deleted": true, "schema": 2, "updated_ms": 3, "data": null } });
    let b = send(&app, post("/push", Some(B_WRITE), push_body(vec![del]))).await;
    assert_eq!(b.json["accepted"], json!([2]), "{}", b.json);

    let b_feed = send(&app, get("/changes?since=", Some(B_READ))).await;
    assert_eq!(feed_ids(&b_feed), ["same@2-00000000000000bb"]);
    assert_eq!(
        send(&app, get("/changes?since=", Some(READ))).await.json,
        a_feed.json,
        "A's feed is unchanged"
    );
}

#[tokio::test]
async fn the_log_names_the_token_and_its_space() {
    use sync_server::http::RequestLog;
    let app = two_spaces();
    let res = app
        .clone()
        .oneshot(get("/changes", Some(B_READ)))
        .await
        .unwrap();
    let log = res.extensions().get::<RequestLog>().unwrap();
    assert_eq!(log.token.as_deref(), Some("Skole B (læs)"));
    assert_eq!(log.space.as_deref(), Some("skole-b"));
    // And on an error answer too.
    let res = app
        .oneshot(post(
            "/push",
            Some(B_READ),
            push_body(vec![new_doc(1, "d")]),
        ))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let log = res.extensions().get::<RequestLog>().unwrap();
    assert_eq!(log.space.as_deref(), Some("skole-b"));
}
