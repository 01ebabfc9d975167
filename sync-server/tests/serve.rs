//! The server over real sockets: the accept loop's connection cap and head-read deadline, and
//! a chunked oversized push answered with a clean 413.

use std::time::{Duration, Instant};

use sync_server::config::{Access, Origins, TokenConfig};
use sync_server::http::{router, AppState};
use sync_server::serve::{serve, ServeOptions};
use sync_server::store::Store;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const WRITE: &str = "test-write-token-0000000000000001";

async fn start(options: ServeOptions) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = AppState::new(
        Store::in_memory(),
        &[TokenConfig::from_secret("Skole A", WRITE, Access::Write)],
    );
    let app = router(state, &Origins::Any);
    tokio::spawn(serve(listener, app, options, std::future::pending()));
    addr
}

/// Reads until the peer closes (or `limit` passes); returns what came and whether it closed.
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> (String, bool) {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + limit;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (String::from_utf8_lossy(&out).into(), true),
            Ok(Ok(n)) => out.extend_from_slice(&buf[..n]),
            Err(_) => return (String::from_utf8_lossy(&out).into(), false),
        }
    }
}

async fn health(addr: std::net::SocketAddr) -> String {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    read_until_closed(&mut s, Duration::from_secs(10)).await.0
}

#[tokio::test]
async fn idle_connections_are_closed_and_health_answers_when_they_fill_the_cap() {
    let header_timeout = Duration::from_millis(400);
    let addr = start(ServeOptions {
        max_connections: 4,
        header_timeout,
    })
    .await;

    // A kept-alive connection that asked once and then sits idle, one that never sends, one
    // that sends half a head (slowloris), and more than the cap in all.
    let mut used = TcpStream::connect(addr).await.unwrap();
    used.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut idle = Vec::new();
    for i in 0..6 {
        let mut s = TcpStream::connect(addr).await.unwrap();
        if i % 2 == 0 {
            s.write_all(b"GET /heal").await.unwrap();
        }
        idle.push(s);
    }
    tokio::time::sleep(Duration::from_millis(50)).await;

    // The cap holds: the 8th connection waits for a slot, and gets one when the idle ones time out.
    let t0 = Instant::now();
    let answer = health(addr).await;
    let waited = t0.elapsed();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        waited >= header_timeout / 2,
        "answered after {waited:?}: more than 4 connections were open at once"
    );
    assert!(waited < Duration::from_secs(5), "answered after {waited:?}");

    // Every idle connection was closed by the server (the used one after its answer).
    let (text, closed) = read_until_closed(&mut used, Duration::from_secs(5)).await;
    assert!(
        text.starts_with("HTTP/1.1 200") && closed,
        "{closed} {text}"
    );
    for s in &mut idle {
        let (_, closed) = read_until_closed(s, Duration::from_secs(5)).await;
        assert!(closed, "an idle connection is still open");
    }
}

#[tokio::test]
async fn a_chunked_push_over_1_mib_gets_a_clean_413_not_a_broken_pipe() {
    let addr = start(ServeOptions {
        max_connections: 16,
        header_timeout: Duration::from_secs(10),
    })
    .await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {WRITE}\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b' '; 64 * 1024];
    // 6 MiB in 64 KiB chunks (more than the sockets buffer): every write must succeed, no
    // reset while sending.
    for i in 0..96 {
        s.write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
            .await
            .unwrap_or_else(|e| panic!("chunk {i}: {e}"));
        s.write_all(&chunk)
            .await
            .unwrap_or_else(|e| panic!("chunk {i}: {e}"));
        s.write_all(b"\r\n").await.unwrap();
    }
    s.write_all(b"0\r\n\r\n").await.unwrap();
    let (text, _) = read_until_closed(&mut s, Duration::from_secs(10)).await;
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");
    assert!(text.contains("\"error\":\"too_large\""), "{text}");
}

/// A refused push (no token, an unknown one, a read token) whose body is still coming: the
/// server answers at once and reads the rest of the body in the background, so the client can
/// finish sending and read the 401 or 403 (the conformance suite saw `EPIPE` on a slower
/// machine when the server closed with the body unread).
#[tokio::test]
async fn a_refused_push_over_1_mib_gets_its_401_not_a_broken_pipe() {
    let addr = start(ServeOptions {
        max_connections: 16,
        header_timeout: Duration::from_secs(10),
    })
    .await;
    for (auth, status) in [
        (String::new(), "401"),
        (
            "Authorization: Bearer test-wrong-token-000000000000000\r\n".to_string(),
            "401",
        ),
    ] {
        let mut s = TcpStream::connect(addr).await.unwrap();
        let len = 6 * 1024 * 1024;
        let head = format!(
            "POST /push HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: application/json\r\n\
             Content-Length: {len}\r\nConnection: close\r\n\r\n"
        );
        s.write_all(head.as_bytes()).await.unwrap();
        let chunk = vec![b' '; 64 * 1024];
        // More than the sockets buffer: every write must succeed, no reset while sending.
        for i in 0..len / chunk.len() {
            s.write_all(&chunk)
                .await
                .unwrap_or_else(|e| panic!("{status} {auth:?}, chunk {i}: {e}"));
        }
        let (text, _) = read_until_closed(&mut s, Duration::from_secs(10)).await;
        assert!(text.starts_with(&format!("HTTP/1.1 {status}")), "{text}");
        assert!(text.contains("\"error\":\"unauthorized\""), "{text}");
    }
}
