//! The HTTP face of the server: routes, bearer-token auth, JSON errors, CORS, the body limit,
//! and one log line per request.
//!
//! Invariants:
//! - every error response is JSON `{ "error": <code>, "message": <text> }` (also the ones made
//!   by layers: the body limit's 413, an unknown method's 405);
//! - auth comes first: a request without a known token learns nothing but 401 (an unknown
//!   path and a wrong method too; only `/health` and CORS preflights need no token), and a read
//!   token's push is a 403 before its body is read;
//! - after too many failed logins from one client address, or overall (see [`crate::auth`]),
//!   a request with a token gets 429 with `Retry-After` before its token is looked at;
//! - a request is served in its token's space and no other: the handlers pass the caller's
//!   space to every store call, and the URLs name no space (so none can be asked for);
//! - logs name the token by its configured `name` (or a team device by its device id) and its
//!   space; they never contain a token, a header, a query value or anything from a document;
//! - teams (docs/sync-protocol.md, "Teams and invites"): an `organise` token only creates teams;
//!   a device token made by `/teams` or `/join` is found in the store by its hash when no
//!   config entry matches (config tokens take precedence) and then acts like a config write
//!   token of its team's space; only the team's owner device invites, lists and revokes; an
//!   invite token is good for one `/join` and nothing else; a wrong, used or expired invite
//!   counts as a failed login;
//! - key epochs (docs/sync-protocol.md, "Key epochs"): only the owner device stores a new
//!   epoch's wrapped keys, for live devices of its own space, with a growing epoch, and for
//!   every live member device that has a public key; a device reads only the keys wrapped for
//!   itself; public keys and wrapped keys are never logged;
//! - a member device may leave its team (`POST /devices/me/leave`): it is revoked like one the
//!   owner revoked, and the owner's `GET /keys` says a new epoch is due until it stores one.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::trace::TraceLayer;

use crate::auth::{Found, Limits, Throttle, Tokens};
use crate::config::{sha256, Access, Origins, TokenConfig};
use crate::protocol::{self, Checkpoint, Invalid, MAX_BODY_BYTES};
use crate::store::{InviteState, KeysRefused, Left, Revoked, Store, StoreError};
use crate::teams::{self, MAX_INVITE_MS};

/// The most a body of `/teams`, `/invites` or `/join` may have.
pub const SMALL_BODY_BYTES: usize = 4 * 1024;

/// What the handlers share.
#[derive(Clone)]
pub struct AppState {
    store: Arc<Mutex<Store>>,
    tokens: Tokens,
    throttle: Arc<Throttle>,
    trust_x_forwarded_for: bool,
}

impl AppState {
    pub fn new(store: Store, tokens: &[TokenConfig]) -> AppState {
        AppState {
            store: Arc::new(Mutex::new(store)),
            tokens: Tokens::new(tokens),
            throttle: Arc::new(Throttle::new(Limits::default())),
            trust_x_forwarded_for: false,
        }
    }

    /// Other limits on failed logins (tests).
    pub fn with_limits(mut self, limits: Limits) -> AppState {
        self.throttle = Arc::new(Throttle::new(limits));
        self
    }

    /// Takes the client's address from the last `X-Forwarded-For` entry (behind a proxy).
    pub fn trusting_x_forwarded_for(mut self, trust: bool) -> AppState {
        self.trust_x_forwarded_for = trust;
        self
    }

    /// The token table, to replace it while the server runs (SIGHUP).
    pub fn tokens(&self) -> Tokens {
        self.tokens.clone()
    }

    /// The address failed logins are counted against: the peer, or the last
    /// `X-Forwarded-For` entry when the config trusts the proxy that writes it.
    fn client_address(&self, parts: &Parts) -> IpAddr {
        if self.trust_x_forwarded_for {
            let forwarded = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .next_back()
                .and_then(|v| v.trim().parse::<IpAddr>().ok());
            if let Some(ip) = forwarded {
                return ip;
            }
        }
        parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip())
    }

    /// Runs `f` on the store in the blocking pool (SQLite calls block).
    async fn with_store<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let store = Arc::clone(&self.store);
        let result = tokio::task::spawn_blocking(move || {
            // A panic while holding the lock cannot leave a half-written push behind (the
            // transaction rolls back when dropped), so a poisoned lock is safe to reuse.
            let mut store = store
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            f(&mut store)
        })
        .await;
        match result {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(StoreError::Invalid(invalid))) => Err(ApiError::from(invalid)),
            Ok(Err(e)) => {
                tracing::error!("storage failed: {e}");
                Err(ApiError::internal())
            }
            Err(e) => {
                tracing::error!("storage task failed: {e}");
                Err(ApiError::internal())
            }
        }
    }
}

/// What the log line of a request says besides method, path, status and time: the token's
/// name and space, and counts. Handlers put it in the response's extensions.
#[derive(Clone, Debug, Default)]
pub struct RequestLog {
    pub token: Option<Arc<str>>,
    pub space: Option<Arc<str>>,
    pub detail: String,
}

/// An error response: `{ "error": code, "message": message }`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    token: Option<Arc<str>>,
    space: Option<Arc<str>>,
    retry_after: Option<Duration>,
    /// Ends the connection after the answer (a body was left unread or cut short).
    close: bool,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            token: None,
            space: None,
            retry_after: None,
            close: false,
        }
    }

    fn internal() -> ApiError {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the server failed; try again later",
        )
    }

    /// Names the token (and its space) in the log line.
    fn by(mut self, token: &Arc<str>, space: &Arc<str>) -> ApiError {
        self.token = Some(Arc::clone(token));
        self.space = Some(Arc::clone(space));
        self
    }
}

impl From<Invalid> for ApiError {
    fn from(invalid: Invalid) -> ApiError {
        match invalid {
            Invalid::BadRequest(m) => ApiError::new(StatusCode::BAD_REQUEST, "bad_request", m),
            Invalid::TooLarge(m) => ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", m),
            Invalid::CheckpointAhead(m) => {
                ApiError::new(StatusCode::BAD_REQUEST, "checkpoint_ahead", m)
            }
        }
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    message: &'a str,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            Json(ErrorBody {
                error: self.code,
                message: &self.message,
            }),
        )
            .into_response();
        if let Some(wait) = self.retry_after {
            // Whole seconds, rounded up, at least 1.
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                HeaderValue::from(secs.max(1)),
            );
        }
        if self.close {
            response.headers_mut().insert(
                axum::http::header::CONNECTION,
                HeaderValue::from_static("close"),
            );
        }
        // Our own messages never quote a value from the request, so they may be logged.
        response.extensions_mut().insert(RequestLog {
            token: self.token,
            space: self.space,
            detail: format!("error={} {}", self.code, self.message),
        });
        response
    }
}

/// Who a caller is, besides its space and access.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A token of the config file.
    Config,
    /// The device that created its team (`/teams`).
    Owner,
    /// A device that joined a team with an invite (`/join`).
    Member,
}

/// The caller, known by a valid `Authorization: Bearer <token>`. Extracting it first makes
/// an unauthenticated request stop at 401 before anything else is looked at.
pub struct Caller {
    /// The config entry's name, or a team device's id (what the log calls it).
    name: Arc<str>,
    /// The token's space: the only one this request may read or write.
    space: Arc<str>,
    access: Access,
    kind: Kind,
}

impl Caller {
    fn forbidden(&self, message: &str) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", message).by(&self.name, &self.space)
    }
}

fn unauthorized(message: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
}

/// The presented token of `Authorization: Bearer <token>`.
fn bearer(parts: &Parts) -> Result<Vec<u8>, ApiError> {
    let header = parts
        .headers
        .get(AUTHORIZATION)
        .ok_or_else(|| unauthorized("no Authorization header"))?;
    header
        .as_bytes()
        .strip_prefix(b"Bearer ")
        .or_else(|| header.as_bytes().strip_prefix(b"bearer "))
        .map(<[u8]>::to_vec)
        .ok_or_else(|| unauthorized("Authorization must be \"Bearer <token>\""))
}

/// The failed-login limit, before a presented token is looked at: 429 while it holds.
fn throttle_check(app: &AppState, address: IpAddr, now: Instant) -> Result<(), ApiError> {
    app.throttle.check(address, now).map_err(|wait| {
        let mut e = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_failed_logins",
            "too many wrong tokens from this address or in total; try again after Retry-After seconds",
        );
        e.retry_after = Some(wait);
        e
    })
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Caller, ApiError> {
        let presented = bearer(parts)?;
        let address = app.client_address(parts);
        let now = Instant::now();
        throttle_check(app, address, now)?;
        // The config's tokens first (they take precedence), then the teams' devices.
        match app.tokens.find(&presented) {
            Some(Found {
                name,
                space,
                access,
                revoked: false,
            }) => {
                return Ok(Caller {
                    name,
                    space,
                    access,
                    kind: Kind::Config,
                })
            }
            Some(Found {
                name,
                space,
                revoked: true,
                ..
            }) => {
                app.throttle.failed(address, now);
                return Err(unauthorized("this token has been revoked").by(&name, &space));
            }
            None => {}
        }
        let hash = sha256(&presented);
        let device = app
            .with_store(move |store| store.device_by_token(&hash))
            .await?;
        match device {
            Some(d) if !d.revoked => Ok(Caller {
                name: d.device.into(),
                space: d.space.into(),
                access: Access::Write,
                kind: if d.owner { Kind::Owner } else { Kind::Member },
            }),
            Some(d) => {
                app.throttle.failed(address, now);
                Err(unauthorized("this token has been revoked")
                    .by(&Arc::from(d.device), &Arc::from(d.space)))
            }
            None => {
                app.throttle.failed(address, now);
                Err(unauthorized("unknown token"))
            }
        }
    }
}

/// Builds the router with all layers (outermost first): request log, CORS, JSON errors. The
/// body limit is the push handler's own, after the token is checked ([`read_body`]).
pub fn router(app: AppState, origins: &Origins) -> Router {
    let cors = CorsLayer::new()
        .allow_origin(match origins {
            Origins::Any => AllowOrigin::any(),
            Origins::List(list) => {
                AllowOrigin::list(list.iter().filter_map(|o| HeaderValue::from_str(o).ok()))
            }
        })
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::OPTIONS])
        .allow_headers([AUTHORIZATION, CONTENT_TYPE])
        .max_age(Duration::from_secs(600));

    let trace = TraceLayer::new_for_http()
        .make_span_with(|req: &Request<Body>| {
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path())
        })
        .on_request(())
        .on_failure(())
        .on_response(|res: &Response, latency: Duration, _span: &tracing::Span| {
            let log = res.extensions().get::<RequestLog>();
            let token = log.and_then(|l| l.token.as_deref()).unwrap_or("-");
            let space = log.and_then(|l| l.space.as_deref()).unwrap_or("-");
            let detail = log.map(|l| l.detail.as_str()).unwrap_or("");
            let status = res.status().as_u16();
            let ms = latency.as_secs_f64() * 1000.0;
            if res.status().is_server_error() {
                tracing::error!("{status} {ms:.1} ms token={token:?} space={space} {detail}");
            } else {
                tracing::info!("{status} {ms:.1} ms token={token:?} space={space} {detail}");
            }
        });

    Router::new()
        .route("/health", get(health))
        .route("/changes", get(changes))
        .route("/push", post(push))
        .route("/teams", post(create_team))
        .route("/invites", post(create_invite))
        .route("/join", post(join))
        .route("/devices", get(devices))
        .route("/devices/{device}/revoke", post(revoke_device))
        .route("/devices/me/key", put(set_public_key))
        .route("/devices/me/leave", post(leave))
        .route("/keys", post(add_keys).get(keys))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(app)
        .layer(axum::middleware::from_fn(drain_unread))
        .layer(axum::middleware::map_response(json_errors))
        .layer(cors)
        .layer(trace)
}

async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "ok": true }))
}

/// An unknown path: 404, but only to a caller with a valid token (auth comes before routing,
/// docs/sync-protocol.md "Order of checks"); without one it is the [`Caller`]'s 401.
async fn not_found(caller: Caller) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such path; the protocol has GET /changes, POST /push, and for teams POST /teams, \
         POST /invites, POST /join, GET /devices, POST /devices/<device>/revoke, \
         PUT /devices/me/key, POST /devices/me/leave, POST /keys, GET /keys",
    )
    .by(&caller.name, &caller.space)
}

/// A known path with another method: 405, after the token as for [`not_found`].
async fn method_not_allowed(caller: Caller) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "use GET /changes and POST /push (and the teams endpoints' own methods)",
    )
    .by(&caller.name, &caller.space)
}

/// How much of an oversized body is read (and thrown away) before the 413 is sent, as a
/// multiple of the limit.
const DRAIN_FACTOR: usize = 8;
/// How long a push's body may take to arrive (the whole of it, or the drain of an oversized one).
const BODY_TIMEOUT: Duration = Duration::from_secs(30);

/// Reads a request's body, at most `max` bytes; called only after the token was checked,
/// so a caller without a valid token never gets the server to parse a body (what it sends is
/// only read and dropped, by [`drain_unread`]).
///
/// An oversized body (announced by Content-Length, or found out while reading a chunked one)
/// is read on and dropped, up to [`DRAIN_FACTOR`] times `max`, before the 413 is sent, with
/// `Connection: close`: a server that answers and closes while the client is still sending
/// makes the client's TCP stack see a reset, and the client (a browser's fetch too) reports a
/// network error or a broken pipe instead of the 413.
async fn read_body(
    headers: &axum::http::HeaderMap,
    body: Body,
    max: usize,
) -> Result<Bytes, ApiError> {
    let announced = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let mut body = body;
    let read = async {
        let mut buf = Vec::new();
        let mut total = 0usize;
        let too_large = announced.is_some_and(|n| n > max as u64);
        loop {
            let frame =
                std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await;
            match frame {
                None => break,
                Some(Err(_)) => return Err(None),
                Some(Ok(frame)) => {
                    let Some(data) = frame.data_ref() else {
                        continue;
                    };
                    total += data.len();
                    if too_large || total > max {
                        if total > DRAIN_FACTOR * max {
                            break;
                        }
                    } else {
                        buf.extend_from_slice(data);
                    }
                }
            }
        }
        if too_large || total > max {
            Err(Some(()))
        } else {
            Ok(Bytes::from(buf))
        }
    };
    let too_large = || {
        let mut e = ApiError::from(Invalid::TooLarge(format!(
            "request body: more than {max} bytes"
        )));
        e.close = true;
        e
    };
    match tokio::time::timeout(BODY_TIMEOUT, read).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(Some(()))) => Err(too_large()),
        // Oversized and still coming after the timeout: the 413 all the same.
        Err(_) if announced.is_some_and(|n| n > max as u64) => Err(too_large()),
        Ok(Err(None)) | Err(_) => {
            let mut e = ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_request",
                "body: could not be read in time",
            );
            e.close = true;
            Err(e)
        }
    }
}

/// A request body that [`drain_unread`] can take back once the handler is done with it.
struct Shared(Arc<Mutex<Option<Body>>>);

impl HttpBody for Shared {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        match lock(&self.0).as_mut() {
            Some(body) => std::pin::Pin::new(body).poll_frame(cx),
            None => std::task::Poll::Ready(None),
        }
    }

    fn is_end_stream(&self) -> bool {
        lock(&self.0).as_ref().is_none_or(HttpBody::is_end_stream)
    }

    fn size_hint(&self) -> http_body::SizeHint {
        lock(&self.0)
            .as_ref()
            .map_or_else(|| http_body::SizeHint::with_exact(0), HttpBody::size_hint)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Reads and drops, in the background, whatever of a request's body its handler left unread:
/// a refused caller's push (401 or 403 come before the body, "Order of checks"), or an unknown
/// path's. The answer goes out at once. Without this the server would close the connection
/// with the body unread, the client's TCP stack would see a reset, and the client (a browser's
/// fetch, node's) would report a broken pipe instead of the 401. At most [`DRAIN_FACTOR`] times
/// the body limit is read, within [`BODY_TIMEOUT`]; then the connection is given up.
async fn drain_unread(request: Request<Body>, next: axum::middleware::Next) -> Response {
    let (parts, body) = request.into_parts();
    if body.is_end_stream() {
        return next.run(Request::from_parts(parts, body)).await;
    }
    let shared = Arc::new(Mutex::new(Some(body)));
    let response = next
        .run(Request::from_parts(
            parts,
            Body::new(Shared(Arc::clone(&shared))),
        ))
        .await;
    let left = lock(&shared).take();
    if let Some(mut body) = left.filter(|b| !b.is_end_stream()) {
        tokio::spawn(async move {
            let read = async {
                let mut total = 0usize;
                while let Some(Ok(frame)) =
                    std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await
                {
                    total += frame.data_ref().map_or(0, Bytes::len);
                    if total > DRAIN_FACTOR * MAX_BODY_BYTES {
                        break;
                    }
                }
            };
            let _ = tokio::time::timeout(BODY_TIMEOUT, read).await;
        });
    }
    response
}

/// Error responses made outside our handlers (the body limit's 413, a wrong method's 405)
/// get the protocol's JSON shape.
async fn json_errors(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (code, message) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => (
            "too_large",
            format!("request body: more than {MAX_BODY_BYTES} bytes"),
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "use GET /changes and POST /push".to_string(),
        ),
        StatusCode::NOT_FOUND => ("not_found", "no such path".to_string()),
        s if s.is_server_error() => ("internal", "the server failed; try again later".into()),
        _ => ("bad_request", "the request was refused".to_string()),
    };
    let mut error = ApiError::new(status, code, message);
    if let Some(log) = response.extensions().get::<RequestLog>() {
        error.token = log.token.clone();
        error.space = log.space.clone();
    }
    error.into_response()
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// `GET /changes?since=<checkpoint>&limit=<n>`
async fn changes(
    State(app): State<AppState>,
    caller: Caller,
    query: Result<Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    if caller.access == Access::Organise {
        return Err(caller.forbidden(ORGANISE_ONLY));
    }
    let Query(query) = query.map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "query: not readable",
        )
        .by(&caller.name, &caller.space)
    })?;
    let param = |name: &str| {
        query
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let since = Checkpoint::parse(param("since").unwrap_or(""))
        .map_err(|e| ApiError::from(e).by(&caller.name, &caller.space))?;
    let limit = protocol::parse_limit(param("limit"))
        .map_err(|e| ApiError::from(e).by(&caller.name, &caller.space))?;
    let space = Arc::clone(&caller.space);
    let page = app
        .with_store(move |store| store.changes(&space, since, limit))
        .await
        .map_err(|e| e.by(&caller.name, &caller.space))?;
    let detail = format!(
        "since={since} limit={limit} docs={} checkpoint={} more={}",
        page.docs.len(),
        page.checkpoint,
        page.more
    );
    let mut response = Json(page).into_response();
    response.extensions_mut().insert(RequestLog {
        token: Some(caller.name),
        space: Some(caller.space),
        detail,
    });
    Ok(response)
}

/// `POST /push`
async fn push(
    State(app): State<AppState>,
    caller: Caller,
    headers: axum::http::HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    match caller.access {
        Access::Write => {}
        Access::Read => return Err(caller.forbidden("this token may read but not push")),
        Access::Organise => return Err(caller.forbidden(ORGANISE_ONLY)),
    }
    let body = read_body(&headers, body, MAX_BODY_BYTES)
        .await
        .map_err(|e| e.by(&caller.name, &caller.space))?;
    let request = protocol::parse_push(&body)
        .map_err(|e| ApiError::from(e).by(&caller.name, &caller.space))?;
    let mutations = request.mutations.len();
    let now = now_ms();
    let space = Arc::clone(&caller.space);
    let outcome = app
        .with_store(move |store| store.push(&space, &request, now))
        .await
        .map_err(|e| e.by(&caller.name, &caller.space))?;
    let detail = format!(
        "mutations={mutations} accepted={} conflicts={}",
        outcome.accepted.len(),
        outcome.conflicts.len()
    );
    let mut response = Json(outcome).into_response();
    response.extensions_mut().insert(RequestLog {
        token: Some(caller.name),
        space: Some(caller.space),
        detail,
    });
    Ok(response)
}

// --- teams ------------------------------------------------------------------------------------

const ORGANISE_ONLY: &str = "this token may only create teams (POST /teams)";

/// An answer with `status`, a JSON body and its log line.
fn answer(
    status: StatusCode,
    body: impl Serialize,
    token: Arc<str>,
    space: Arc<str>,
    detail: String,
) -> Response {
    let mut response = (status, Json(body)).into_response();
    response.extensions_mut().insert(RequestLog {
        token: Some(token),
        space: Some(space),
        detail,
    });
    response
}

/// A small JSON body (at most [`SMALL_BODY_BYTES`]) read as `T`; unknown fields are ignored,
/// an empty body is read as `{}`. The message says what was expected, never what came.
async fn small_json<T: serde::de::DeserializeOwned>(
    headers: &axum::http::HeaderMap,
    body: Body,
    expected: &str,
) -> Result<T, ApiError> {
    json_body(headers, body, SMALL_BODY_BYTES, expected).await
}

/// [`small_json`] with another limit.
async fn json_body<T: serde::de::DeserializeOwned>(
    headers: &axum::http::HeaderMap,
    body: Body,
    max: usize,
    expected: &str,
) -> Result<T, ApiError> {
    let bytes = read_body(headers, body, max).await?;
    let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        &bytes
    };
    serde_json::from_slice(bytes).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("body: expected {expected}"),
        )
    })
}

/// The body of `/teams` and `/join`: a JSON object, with the new device's public key or not.
#[derive(Deserialize)]
struct NewDeviceRequest {
    #[serde(default)]
    public_key: Option<String>,
}

const NEW_DEVICE_BODY: &str = r#"{} or {"public_key": "<base64url P-256 point>"}"#;

/// The public key of a request, checked (a 400 otherwise).
fn public_key_of(text: Option<&str>) -> Result<Option<[u8; 65]>, ApiError> {
    text.map(|t| teams::parse_public_key(t).map_err(bad_request))
        .transpose()
}

/// A new device of a team, as `/teams` and `/join` answer it.
#[derive(Serialize)]
struct NewDevice {
    space: String,
    token: String,
    device: String,
}

fn no_randomness(e: teams::NoRandomness) -> ApiError {
    tracing::error!("{e}");
    ApiError::internal()
}

/// `POST /teams` (an `organise` token): a new space with its owner device.
async fn create_team(
    State(app): State<AppState>,
    caller: Caller,
    headers: axum::http::HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    if caller.access != Access::Organise {
        return Err(caller.forbidden("only an organise token may create teams"));
    }
    let by = |e: ApiError| e.by(&caller.name, &caller.space);
    let request: NewDeviceRequest = small_json(&headers, body, NEW_DEVICE_BODY)
        .await
        .map_err(by)?;
    let public_key = public_key_of(request.public_key.as_deref()).map_err(by)?;
    let space = teams::new_space_id().map_err(no_randomness)?;
    let device = teams::new_device_id().map_err(no_randomness)?;
    let token = teams::new_secret().map_err(no_randomness)?;
    let hash = sha256(token.as_bytes());
    let now = now_ms();
    let (s, d) = (space.clone(), device.clone());
    app.with_store(move |store| {
        store.create_team_with_key(&s, &d, &hash, public_key.as_ref(), now)
    })
    .await
    .map_err(by)?;
    let detail = format!("team created by {:?}: owner device={device}", caller.name);
    let space_arc: Arc<str> = space.as_str().into();
    let device_arc: Arc<str> = device.as_str().into();
    Ok(answer(
        StatusCode::CREATED,
        NewDevice {
            space,
            token,
            device,
        },
        device_arc,
        space_arc,
        detail,
    ))
}

#[derive(Deserialize)]
struct InviteRequest {
    expires_ms: i64,
}

#[derive(Serialize)]
struct InviteAnswer {
    invite: String,
    expires_ms: i64,
}

/// The caller must be its team's owner device.
fn owner_only(caller: &Caller) -> Result<(), ApiError> {
    match caller.kind {
        Kind::Owner => Ok(()),
        Kind::Member => Err(caller.forbidden("only the team's owner device may do this")),
        Kind::Config => Err(caller.forbidden(
            "only a team's owner device may do this (a token of the config file has no team)",
        )),
    }
}

/// `POST /invites` (the owner device): a single-use invite to the owner's space.
async fn create_invite(
    State(app): State<AppState>,
    caller: Caller,
    headers: axum::http::HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    owner_only(&caller)?;
    let by = |e: ApiError| e.by(&caller.name, &caller.space);
    let request: InviteRequest = small_json(
        &headers,
        body,
        r#"{"expires_ms": <deadline in ms since 1970, at most 7 days ahead>}"#,
    )
    .await
    .map_err(by)?;
    let now = now_ms();
    let expires_ms = request.expires_ms;
    if expires_ms <= now || expires_ms > now.saturating_add(MAX_INVITE_MS) {
        return Err(by(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "expires_ms: must be in the future and at most 7 days (604800000 ms) ahead",
        )));
    }
    let invite = teams::new_secret().map_err(no_randomness)?;
    let hash = sha256(invite.as_bytes());
    let (space, device) = (Arc::clone(&caller.space), Arc::clone(&caller.name));
    app.with_store(move |store| store.create_invite(&space, &device, &hash, now, expires_ms))
        .await
        .map_err(by)?;
    Ok(answer(
        StatusCode::CREATED,
        InviteAnswer { invite, expires_ms },
        caller.name,
        caller.space,
        format!("invite created expires_ms={expires_ms}"),
    ))
}

/// The 401 for an invite that cannot be used (also counted as a failed login).
fn invite_refused(state: &InviteState) -> ApiError {
    match state {
        InviteState::Used => ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invite_used",
            "this invite has already been used",
        ),
        InviteState::Expired => ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invite_expired",
            "this invite has expired",
        ),
        _ => unauthorized("unknown token"),
    }
}

/// `POST /join` (an invite token): uses the invite and makes a member device of its space.
async fn join(State(app): State<AppState>, request: Request<Body>) -> Result<Response, ApiError> {
    let (parts, body) = request.into_parts();
    let presented = bearer(&parts)?;
    let address = app.client_address(&parts);
    let started = Instant::now();
    throttle_check(&app, address, started)?;
    let invite_hash = sha256(&presented);
    let refuse = |state: &InviteState| {
        app.throttle.failed(address, started);
        invite_refused(state)
    };
    // Look first (nothing changes), so that a body is read only for a usable invite, and a
    // bad body does not use the invite up.
    let now = now_ms();
    let state = app
        .with_store(move |store| store.invite_state(&invite_hash, now))
        .await?;
    let InviteState::Open { space } = state else {
        return Err(refuse(&state));
    };
    let space: Arc<str> = space.into();
    let by = |e: ApiError| e.by(&Arc::from("invite"), &space);
    let request: NewDeviceRequest = small_json(&parts.headers, body, NEW_DEVICE_BODY)
        .await
        .map_err(by)?;
    let public_key = public_key_of(request.public_key.as_deref()).map_err(by)?;
    let device = teams::new_device_id().map_err(no_randomness)?;
    let token = teams::new_secret().map_err(no_randomness)?;
    let device_hash = sha256(token.as_bytes());
    let now = now_ms();
    let d = device.clone();
    let state = app
        .with_store(move |store| {
            store.join_with_key(&invite_hash, &d, &device_hash, public_key.as_ref(), now)
        })
        .await?;
    let InviteState::Open { space } = state else {
        // Used (or expired) in the meantime by another join.
        return Err(refuse(&state));
    };
    let space_arc: Arc<str> = space.as_str().into();
    let device_arc: Arc<str> = device.as_str().into();
    Ok(answer(
        StatusCode::CREATED,
        NewDevice {
            space,
            token,
            device,
        },
        device_arc,
        space_arc,
        "joined as a member".into(),
    ))
}

/// `GET /devices` (the owner device): the devices of its team.
async fn devices(State(app): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
    owner_only(&caller)?;
    let space = Arc::clone(&caller.space);
    let list = app
        .with_store(move |store| store.devices(&space))
        .await
        .map_err(|e| e.by(&caller.name, &caller.space))?;
    let detail = format!("devices={}", list.len());
    Ok(answer(
        StatusCode::OK,
        serde_json::json!({ "devices": list }),
        caller.name,
        caller.space,
        detail,
    ))
}

/// `POST /devices/{device}/revoke` (the owner device): a member's token is refused from now on.
async fn revoke_device(
    State(app): State<AppState>,
    caller: Caller,
    Path(device): Path<String>,
) -> Result<Response, ApiError> {
    owner_only(&caller)?;
    let by = |e: ApiError| e.by(&caller.name, &caller.space);
    if *device == *caller.name {
        return Err(by(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "the owner device cannot revoke itself",
        )));
    }
    let space = Arc::clone(&caller.space);
    let now = now_ms();
    let d = device.clone();
    let outcome = app
        .with_store(move |store| store.revoke_device(&space, &d, now))
        .await
        .map_err(by)?;
    match outcome {
        Revoked::Done => {
            // The device id is ours (it was found in this space), so it may be logged.
            let detail = format!("revoked device={device}");
            Ok(answer(
                StatusCode::OK,
                serde_json::json!({ "revoked": device }),
                caller.name,
                caller.space,
                detail,
            ))
        }
        Revoked::NotFound => Err(by(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "no device with that id in this team",
        ))),
        Revoked::Owner => Err(by(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "the owner device cannot revoke itself",
        ))),
    }
}

/// `POST /devices/me/leave` (a member device, body empty or a JSON object): the caller leaves
/// its team: it is revoked (its token is refused from now on), its wrapped keys are deleted,
/// and the owner's `GET /keys` says a new epoch is due.
async fn leave(
    State(app): State<AppState>,
    caller: Caller,
    headers: axum::http::HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let by = |e: ApiError| e.by(&caller.name, &caller.space);
    match caller.kind {
        Kind::Member => {}
        Kind::Owner => {
            return Err(by(bad_request(
                "the owner device cannot leave its team; it is the only device that invites, \
                 lists, revokes and makes key epochs",
            )))
        }
        Kind::Config => {
            return Err(caller.forbidden(
                "only a team's member device may leave (a token of the config file has no team)",
            ))
        }
    }
    let _: serde_json::Map<String, serde_json::Value> = small_json(&headers, body, "{} or nothing")
        .await
        .map_err(by)?;
    let (space, device) = (Arc::clone(&caller.space), Arc::clone(&caller.name));
    let now = now_ms();
    let outcome = app
        .with_store(move |store| store.leave(&space, &device, now))
        .await
        .map_err(by)?;
    match outcome {
        Left::Done => Ok(answer(
            StatusCode::OK,
            serde_json::json!({ "left": &*caller.name }),
            Arc::clone(&caller.name),
            caller.space,
            "left the team".into(),
        )),
        // Revoked between the token check and now.
        Left::NotFound => Err(by(unauthorized("this token has been revoked"))),
        Left::Owner => Err(by(bad_request("the owner device cannot leave its team"))),
    }
}

// --- key epochs -------------------------------------------------------------------------------

/// The most a body of `POST /keys` may have: 1000 entries of a 1024-character wrapped key with
/// room for the device ids and the JSON around them.
pub const KEYS_BODY_BYTES: usize = 2 * 1024 * 1024;

/// The caller must be a device of a team (owner or member).
fn device_only(caller: &Caller) -> Result<(), ApiError> {
    match caller.kind {
        Kind::Owner | Kind::Member => Ok(()),
        Kind::Config => Err(caller.forbidden(
            "only a team's device may do this (a token of the config file has no team)",
        )),
    }
}

fn bad_request(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
}

#[derive(Deserialize)]
struct PublicKeyRequest {
    public_key: String,
}

/// `PUT /devices/me/key` (a team's device): sets or replaces the caller's own public key.
async fn set_public_key(
    State(app): State<AppState>,
    caller: Caller,
    headers: axum::http::HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    device_only(&caller)?;
    let by = |e: ApiError| e.by(&caller.name, &caller.space);
    let request: PublicKeyRequest = small_json(
        &headers,
        body,
        r#"{"public_key": "<base64url P-256 point>"}"#,
    )
    .await
    .map_err(by)?;
    let key = teams::parse_public_key(&request.public_key).map_err(|m| by(bad_request(m)))?;
    let (space, device) = (Arc::clone(&caller.space), Arc::clone(&caller.name));
    let found = app
        .with_store(move |store| store.set_public_key(&space, &device, &key))
        .await
        .map_err(by)?;
    if !found {
        // Revoked between the token check and now.
        return Err(by(unauthorized("this token has been revoked")));
    }
    Ok(answer(
        StatusCode::OK,
        serde_json::json!({ "device": &*caller.name }),
        Arc::clone(&caller.name),
        caller.space,
        "public key set".into(),
    ))
}

#[derive(Deserialize)]
struct KeysRequest {
    epoch: i64,
    keys: Vec<KeyEntry>,
}

#[derive(Deserialize)]
struct KeyEntry {
    device: String,
    wrapped: String,
}

/// `POST /keys` (the owner device): a new key epoch, the team key wrapped for each device.
async fn add_keys(
    State(app): State<AppState>,
    caller: Caller,
    headers: axum::http::HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    owner_only(&caller)?;
    let by = |e: ApiError| e.by(&caller.name, &caller.space);
    let request: KeysRequest = json_body(
        &headers,
        body,
        KEYS_BODY_BYTES,
        r#"{"epoch": <integer>, "keys": [{"device": "<device id>", "wrapped": "<base64url>"}, …]}"#,
    )
    .await
    .map_err(by)?;
    let epoch = request.epoch;
    if !(teams::FIRST_SERVER_EPOCH..=teams::MAX_EPOCH).contains(&epoch) {
        return Err(by(bad_request(
            "epoch: must be an integer from 2 to 9007199254740991 (epoch 1 never reaches the server)",
        )));
    }
    let count = request.keys.len();
    if count > teams::MAX_KEYS_PER_EPOCH {
        return Err(by(bad_request("keys: must hold at most 1000 entries")));
    }
    if let Some(index) = request
        .keys
        .iter()
        .position(|k| !teams::is_wrapped_key(&k.wrapped))
    {
        return Err(by(bad_request(format!(
            "keys[{index}].wrapped: expected 1 to 1024 characters of base64url without padding"
        ))));
    }
    let keys: Vec<(String, String)> = request
        .keys
        .into_iter()
        .map(|k| (k.device, k.wrapped))
        .collect();
    let space = Arc::clone(&caller.space);
    let now = now_ms();
    let outcome = app
        .with_store(move |store| store.add_keys(&space, epoch, &keys, now))
        .await
        .map_err(by)?;
    match outcome {
        Ok(()) => Ok(answer(
            StatusCode::OK,
            serde_json::json!({ "epoch": epoch }),
            caller.name,
            caller.space,
            format!("key epoch={epoch} devices={count}"),
        )),
        Err(KeysRefused::EpochTaken { latest }) => Err(by(ApiError::new(
            StatusCode::CONFLICT,
            "epoch_taken",
            format!("epoch: this team already has epoch {latest}; a new one must be larger"),
        ))),
        Err(KeysRefused::NotADevice { index }) => Err(by(bad_request(format!(
            "keys[{index}].device: not a device of this team"
        )))),
        Err(KeysRefused::RevokedDevice { index }) => Err(by(bad_request(format!(
            "keys[{index}].device: this device has been revoked"
        )))),
        Err(KeysRefused::Twice { index }) => Err(by(bad_request(format!(
            "keys[{index}].device: named twice"
        )))),
        Err(KeysRefused::Missing { devices }) => Err(by(bad_request(missing_message(&devices)))),
    }
}

/// The message of an incomplete epoch: how many live member devices with a public key it
/// leaves out, and (the first ten of) their ids, which the server made and may name.
fn missing_message(devices: &[String]) -> String {
    const NAMED: usize = 10;
    let n = devices.len();
    let mut names = devices
        .iter()
        .take(NAMED)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if n > NAMED {
        names.push_str(&format!(" and {} more", n - NAMED));
    }
    let (devices_word, has) = if n == 1 {
        ("device", "has")
    } else {
        ("devices", "have")
    };
    format!(
        "keys: {n} live member {devices_word} with a public key {has} no entry ({names}); \
         an epoch must carry a wrapped key for every one of them"
    )
}

/// `GET /keys?since=<epoch>` (a team's device): the keys wrapped for the caller itself.
async fn keys(
    State(app): State<AppState>,
    caller: Caller,
    query: Result<Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    device_only(&caller)?;
    let by = |e: ApiError| e.by(&caller.name, &caller.space);
    let Query(query) = query.map_err(|_| by(bad_request("query: not readable")))?;
    let since = match query.iter().rev().find(|(k, _)| k == "since") {
        None => 0,
        Some((_, v)) if v.is_empty() => 0,
        Some((_, v)) => v
            .parse::<i64>()
            .ok()
            .filter(|n| (0..=teams::MAX_EPOCH).contains(n) && !v.starts_with('+'))
            .ok_or_else(|| {
                by(bad_request(
                    "since: expected an epoch (an integer from 0 to 9007199254740991)",
                ))
            })?,
    };
    let (space, device) = (Arc::clone(&caller.space), Arc::clone(&caller.name));
    let owner = caller.kind == Kind::Owner;
    let (list, rotation_due) = app
        .with_store(move |store| {
            let list = store.keys_for(&space, &device, since)?;
            // Only the owner makes epochs, so only the owner is told that one is due.
            let due = owner && store.rotation_due(&space)?;
            Ok((list, due))
        })
        .await
        .map_err(by)?;
    let detail = format!(
        "since={since} keys={} rotation_due={rotation_due}",
        list.len()
    );
    Ok(answer(
        StatusCode::OK,
        serde_json::json!({ "keys": list, "rotation_due": rotation_due }),
        caller.name,
        caller.space,
        detail,
    ))
}
