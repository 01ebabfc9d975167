//! The accept loop: HTTP/1.1 connections with a cap on how many are open, a deadline for a
//! request's head (which also ends a connection that sits idle between requests), the
//! client's address for the failed-login limit, and a graceful stop.
//!
//! Why not `axum::serve`: it has no read timeout and no connection cap, so idle connections
//! stay open for ever; with a low open-file limit a few hundred of them starve `/health`.
//!
//! Invariants:
//! - at most `max_connections` connections are open; the next one waits in the kernel's
//!   backlog until one closes (it is not refused);
//! - a connection that has not sent a complete request head within `header_timeout` of
//!   opening, or of its last answer, is closed;
//! - on shutdown no new connection is accepted, idle ones close, and answers in flight finish.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};
use tower::ServiceExt;

/// How long a client has to send a request's head (also the idle time allowed between
/// requests on a kept-alive connection).
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// File descriptors the server needs besides its connections: the listener, SQLite's database,
/// WAL and shared-memory files, the runtime's epoll and wake-up handles, stdio.
pub const RESERVED_FDS: u64 = 64;

/// What the accept loop allows.
#[derive(Debug, Clone, Copy)]
pub struct ServeOptions {
    pub max_connections: usize,
    pub header_timeout: Duration,
}

/// Serves `app` on `listener` until `shutdown` resolves, then waits for open connections to
/// finish their answers.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    options: ServeOptions,
    shutdown: impl Future<Output = ()>,
) {
    let slots = Arc::new(Semaphore::new(options.max_connections));
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    let mut accept_errors = 0u32;
    loop {
        let slot = tokio::select! {
            _ = &mut shutdown => break,
            slot = Arc::clone(&slots).acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
        };
        let (stream, addr) = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => {
                    accept_errors = 0;
                    accepted
                }
                Err(e) => {
                    // EMFILE/ENFILE (out of file descriptors) and the like: log, wait a
                    // little, go on. Connections closing free descriptors.
                    accept_errors += 1;
                    if accept_errors == 1 || accept_errors.is_multiple_of(100) {
                        tracing::warn!("accept failed ({accept_errors} in a row): {e}");
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let app = app.clone();
        let mut stop_rx = stop_rx.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let _ = stream.set_nodelay(true);
            let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
                req.extensions_mut().insert(ConnectInfo(addr));
                let app = app.clone();
                async move { Ok::<_, Infallible>(app.oneshot(req).await.unwrap_or_else(|e| match e {})) }
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(options.header_timeout)
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service);
            let mut conn = std::pin::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = async { stop_rx.wait_for(|stop| *stop).await.map(|_| ()) } => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    // Every slot back means every connection has finished.
    let all = u32::try_from(options.max_connections).unwrap_or(u32::MAX);
    let _ = slots.acquire_many(all).await;
}

/// The open-file limit: raises the soft limit towards what `max_connections` needs (as far as
/// the hard limit allows) and returns a warning when it is still too low.
#[cfg(unix)]
pub fn ensure_open_file_limit(max_connections: usize) -> Option<String> {
    let need = max_connections as u64 + RESERVED_FDS;
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit only read and write the struct passed to them.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 {
        return Some("the open-file limit (RLIMIT_NOFILE) cannot be read".into());
    }
    // rlim_t is u64 on Linux and macOS, but not on every Unix.
    #[allow(clippy::unnecessary_cast)]
    let (soft, hard) = (lim.rlim_cur as u64, lim.rlim_max as u64);
    if soft < need && hard > soft {
        let raised = libc::rlimit {
            rlim_cur: need.min(hard) as libc::rlim_t,
            rlim_max: lim.rlim_max,
        };
        // SAFETY: as above.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
            tracing::info!(from = soft, to = need.min(hard), "open-file limit raised");
            return open_file_warning(need.min(hard), max_connections);
        }
    }
    open_file_warning(soft, max_connections)
}

#[cfg(not(unix))]
pub fn ensure_open_file_limit(_max_connections: usize) -> Option<String> {
    None
}

/// The warning for an open-file limit of `soft` with `max_connections`, if it is too low.
pub fn open_file_warning(soft: u64, max_connections: usize) -> Option<String> {
    let need = max_connections as u64 + RESERVED_FDS;
    (soft < need).then(|| {
        format!(
            "the open-file limit is {soft}, but max_connections {max_connections} needs {need}: \
             when it is reached, new connections (and /health) wait or fail. Raise it \
             (systemd: LimitNOFILE={}) or lower max_connections to {}",
            need.next_power_of_two(),
            soft.saturating_sub(RESERVED_FDS)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_warning_names_the_limit_and_what_to_set() {
        assert_eq!(open_file_warning(8192, 4096), None);
        assert_eq!(open_file_warning(4160, 4096), None);
        let w = open_file_warning(1024, 4096).unwrap();
        assert!(
            w.contains("1024") && w.contains("4160") && w.contains("LimitNOFILE=8192"),
            "{w}"
        );
        assert!(w.contains("max_connections to 960"), "{w}");
    }
}
