//! The HTTP layer through the Router (no socket): auth, statuses, JSON errors, CORS, limits.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use serde_json::{json, Value};
use sync_server::config::{Access, Origins, TokenConfig};
use sync_server::http::{router, AppState};
use sync_server::store::Store;
use tower::ServiceExt;

const WRITE: &str = "test-write-token-0000000000000001";
const READ: &str = "test-read-token-00000000000000002";
const APP_ORIGIN: &str = "https://ssp.example.dk";

fn app() -> Router {
    let tokens = [
        TokenConfig {
            name: "Skole A".into(),
            token: WRITE.into(),
            access: Access::Write,
        },
        TokenConfig {
            name: "Skole A (læs)".into(),
            token: READ.into(),
            access: Access::Read,
        },
    ];
    router(
        AppState::new(Store::in_memory(), &tokens),
        &Origins::List(vec![APP_ORIGIN.into()]),
    )
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
        "/changes?since=99",
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
