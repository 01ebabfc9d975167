//! The built binary as an administrator uses it: `hash-token`, a refused plaintext token,
//! revoking one tablet with SIGHUP while the others go on, the warning about a low
//! open-file limit, and the log of a team's requests (device ids and spaces, no tokens, no
//! public or wrapped keys).
#![cfg(unix)]

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::temp_dir;

const BIN: &str = env!("CARGO_BIN_EXE_sync-server");
const KEEP: &str = "test-token-of-tablet-1-0000000001";
const LOST: &str = "test-token-of-tablet-2-0000000002";

fn hash(token: &str) -> String {
    let mut child = Command::new(BIN)
        .arg("hash-token")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{token}").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn write_config(path: &Path, lost_revoked: bool, extra: &str) {
    let text = format!(
        r#"{{ "allowed_origins": ["*"], {extra}
              "tokens": [
                {{ "name": "Skole A tablet 1", "token_sha256": "{}", "access": "write" }},
                {{ "name": "Skole A tablet 2", "token_sha256": "{}", "access": "write", "revoked": {lost_revoked} }}
              ] }}"#,
        hash(KEEP),
        hash(LOST)
    );
    std::fs::write(path, text).unwrap();
}

struct Server {
    child: Child,
    addr: String,
    log: Arc<Mutex<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the binary through `sh` (so a test can set `ulimit` first) and waits for its
/// `listening on` line.
fn start(config: &Path, shell_prefix: &str) -> Server {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("{shell_prefix} exec \"$0\" \"$@\""))
        .arg(BIN)
        .args(["--config", config.to_str().unwrap()])
        .args(["--listen", "127.0.0.1:0", "--db", ":memory:"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let log = Arc::new(Mutex::new(String::new()));
    let mut stderr = child.stderr.take().unwrap();
    let log2 = Arc::clone(&log);
    std::thread::spawn(move || {
        let mut buf = [0u8; 1024];
        while let Ok(n) = stderr.read(&mut buf) {
            if n == 0 {
                break;
            }
            log2.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("{line:?} {}", log.lock().unwrap()))
        .to_string();
    Server { child, addr, log }
}

fn status(addr: &str, token: &str) -> u16 {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(
        s,
        "GET /changes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    text.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0)
}

fn wait_for(mut ok: impl FnMut() -> bool) -> bool {
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(5) {
        if ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

#[test]
fn hash_token_prints_the_sha256_and_refuses_a_short_token() {
    // printf %s test-token-of-tablet-1-0000000001 | sha256sum
    assert_eq!(
        hash(KEEP),
        "b38f37e7e4149b964df5a33268f61232addc80a5009b0b8f6d4948d8923bc0d7"
    );
    let mut child = Command::new(BIN)
        .arg("hash-token")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "short").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
}

#[test]
fn new_token_prints_a_token_whose_hash_is_the_printed_line() {
    let out = Command::new(BIN).arg("new-token").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .unwrap()
            .trim()
            .to_string()
    };
    let (token, sha) = (field("token:"), field("token_sha256:"));
    assert_eq!(token.len(), 64);
    assert_eq!(hash(&token), sha);
    assert!(
        text.contains(&format!("\"token_sha256\": \"{sha}\"")),
        "{text}"
    );
}

#[test]
fn a_plaintext_token_in_the_config_stops_the_start_with_what_to_do() {
    let dir = temp_dir("plaintext");
    let config = dir.join("config.json");
    std::fs::write(
        &config,
        format!(
            r#"{{ "tokens": [{{ "name": "Skole A", "token": "{KEEP}", "access": "write" }}] }}"#
        ),
    )
    .unwrap();
    let out = Command::new(BIN)
        .args(["--config", config.to_str().unwrap(), "--db", ":memory:"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("hash-token") && !err.contains(KEEP), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn sighup_revokes_a_lost_tablet_while_the_others_keep_working() {
    let dir = temp_dir("sighup");
    let config = dir.join("config.json");
    write_config(&config, false, "");
    let server = start(&config, "");
    assert_eq!(status(&server.addr, KEEP), 200);
    assert_eq!(status(&server.addr, LOST), 200);

    // The municipality marks tablet 2 revoked and reloads.
    write_config(&config, true, "");
    let pid = server.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-HUP", &pid])
        .status()
        .unwrap()
        .success());
    assert!(
        wait_for(|| status(&server.addr, LOST) == 401),
        "{}",
        server.log.lock().unwrap()
    );
    assert_eq!(status(&server.addr, KEEP), 200);

    // A broken file on the next reload changes nothing.
    std::fs::write(&config, "{ not json").unwrap();
    Command::new("kill").args(["-HUP", &pid]).status().unwrap();
    assert!(wait_for(|| server
        .log
        .lock()
        .unwrap()
        .contains("the tokens in use stay")));
    assert_eq!(status(&server.addr, KEEP), 200);
    assert_eq!(status(&server.addr, LOST), 401);
    let log = server.log.lock().unwrap().clone();
    assert!(
        log.contains("Skole A tablet 2") && !log.contains(LOST),
        "{log}"
    );
    drop(server);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_low_open_file_limit_is_named_at_start() {
    let dir = temp_dir("nofile");
    let config = dir.join("config.json");
    write_config(&config, false, r#""max_connections": 1000,"#);
    // Soft and hard limit 256: it cannot be raised, so the server warns.
    let server = start(&config, "ulimit -n 256 &&");
    assert!(
        wait_for(|| server
            .log
            .lock()
            .unwrap()
            .contains("open-file limit is 256")),
        "{}",
        server.log.lock().unwrap()
    );
    assert!(server.log.lock().unwrap().contains("1064"));
    assert_eq!(status(&server.addr, KEEP), 200);
    drop(server);

    // Enough: no warning.
    let server = start(&config, "ulimit -n 2048 &&");
    assert_eq!(status(&server.addr, KEEP), 200);
    assert!(!server.log.lock().unwrap().contains("open-file limit is"));
    drop(server);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// One request on a fresh connection: the status and the body.
fn request(addr: &str, method: &str, path: &str, token: &str, body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let status = text.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_string();
    (status, body)
}

#[test]
fn a_reload_moves_a_token_to_another_space_and_the_log_names_the_space_not_the_token() {
    let dir = temp_dir("space-reload");
    let config = dir.join("config.json");
    write_config(&config, false, "");
    let server = start(&config, "");
    let push = r#"{ "client": "c1", "mutations": [{ "mid": 1, "doc": { "id": "d1",
        "rev": "1-0000000000000001", "base_rev": null, "deleted": false, "schema": 2,
        "updated_ms": 1, "data": {} } }] }"#;
    assert_eq!(request(&server.addr, "POST", "/push", KEEP, push).0, 200);
    let (_, feed) = request(&server.addr, "GET", "/changes", LOST, "");
    assert!(feed.contains("\"d1\""), "same space: {feed}");

    // Tablet 2 is moved to the space "skole-b" and the server reloads.
    let moved = std::fs::read_to_string(&config).unwrap().replacen(
        r#""access": "write", "revoked": false"#,
        r#""access": "write", "revoked": false, "space": "skole-b""#,
        1,
    );
    std::fs::write(&config, moved).unwrap();
    let pid = server.child.id().to_string();
    Command::new("kill").args(["-HUP", &pid]).status().unwrap();
    assert!(
        wait_for(|| server.log.lock().unwrap().contains("spaces=2")),
        "{}",
        server.log.lock().unwrap()
    );
    let (status, feed) = request(&server.addr, "GET", "/changes", LOST, "");
    assert_eq!(
        (status, feed.as_str()),
        (200, r#"{"docs":[],"checkpoint":"0","more":false}"#)
    );
    let (_, feed) = request(&server.addr, "GET", "/changes", KEEP, "");
    assert!(feed.contains("\"d1\""), "{feed}");

    // The server writes a request's line after its answer: wait for it, not just read.
    let both = || {
        let log = server.log.lock().unwrap();
        log.contains(r#"token="Skole A tablet 1" space=default"#)
            && log.contains(r#"token="Skole A tablet 2" space=skole-b"#)
    };
    assert!(wait_for(both), "{}", server.log.lock().unwrap());
    let log = server.log.lock().unwrap().clone();
    assert!(!log.contains(KEEP) && !log.contains(LOST), "{log}");
    drop(server);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn team_requests_are_logged_by_device_id_and_space_never_by_token() {
    const ORGANISE: &str = "test-organise-token-00000000003";
    let dir = temp_dir("teams-log");
    let config = dir.join("config.json");
    std::fs::write(
        &config,
        format!(
            r#"{{ "tokens": [
                {{ "name": "Skole A tablet 1", "token_sha256": "{}", "access": "write" }},
                {{ "name": "Konsulent", "token_sha256": "{}", "access": "organise" }}
            ] }}"#,
            hash(KEEP),
            hash(ORGANISE)
        ),
    )
    .unwrap();
    let server = start(&config, "");
    let field = |body: &str, key: &str| -> String {
        let v: serde_json::Value = serde_json::from_str(body).unwrap();
        v[key]
            .as_str()
            .unwrap_or_else(|| panic!("{key}: {body}"))
            .to_string()
    };
    let (status, team) = request(&server.addr, "POST", "/teams", ORGANISE, "{}");
    assert_eq!(status, 201, "{team}");
    let (owner, space, owner_device) = (
        field(&team, "token"),
        field(&team, "space"),
        field(&team, "device"),
    );
    let deadline = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis()
        + 60_000;
    let (status, inv) = request(
        &server.addr,
        "POST",
        "/invites",
        &owner,
        &format!(r#"{{"expires_ms": {deadline}}}"#),
    );
    assert_eq!(status, 201, "{inv}");
    let invite = field(&inv, "invite");
    let (status, joined) = request(&server.addr, "POST", "/join", &invite, "{}");
    assert_eq!(status, 201, "{joined}");
    let (member, member_device) = (field(&joined, "token"), field(&joined, "device"));
    assert_eq!(request(&server.addr, "GET", "/changes", &member, "").0, 200);
    assert_eq!(request(&server.addr, "POST", "/join", &invite, "{}").0, 401);
    // Key rotation: a public key, a key epoch, a device reading its wrapped key.
    const PUBLIC_KEY: &str =
        "BFpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlo";
    const WRAPPED_MEMBER: &str = "V1JBUFBFRC1LRVktZm9yLXRoZS1tZW1iZXI";
    const WRAPPED_OWNER: &str = "V1JBUFBFRC1LRVktZm9yLXRoZS1vd25lciE";
    let body = format!(r#"{{"public_key": "{PUBLIC_KEY}"}}"#);
    let (status, answer) = request(&server.addr, "PUT", "/devices/me/key", &member, &body);
    assert_eq!(status, 200, "{answer}");
    let body = format!(
        r#"{{"epoch": 2, "keys": [{{"device": "{member_device}", "wrapped": "{WRAPPED_MEMBER}"}},
            {{"device": "{owner_device}", "wrapped": "{WRAPPED_OWNER}"}}]}}"#
    );
    let (status, answer) = request(&server.addr, "POST", "/keys", &owner, &body);
    assert_eq!(status, 200, "{answer}");
    let (status, answer) = request(&server.addr, "POST", "/keys", &owner, &body);
    assert_eq!(status, 409, "{answer}");
    let (status, keys) = request(&server.addr, "GET", "/keys?since=0", &member, "");
    assert_eq!(status, 200, "{keys}");
    assert!(keys.contains(WRAPPED_MEMBER), "{keys}");
    let (_, devices) = request(&server.addr, "GET", "/devices", &owner, "");
    assert!(devices.contains(PUBLIC_KEY), "{devices}");
    let revoke = format!("/devices/{member_device}/revoke");
    assert_eq!(request(&server.addr, "POST", &revoke, &owner, "").0, 200);
    assert_eq!(request(&server.addr, "GET", "/changes", &member, "").0, 401);
    assert_eq!(request(&server.addr, "GET", "/keys", &member, "").0, 401);

    // The last request's line (the second refusal of the revoked member) is written last.
    assert!(wait_for(|| server
        .log
        .lock()
        .unwrap()
        .matches("this token has been revoked")
        .count()
        >= 2));
    let log = server.log.lock().unwrap().clone();
    for device in [&owner_device, &member_device] {
        assert!(
            log.contains(&format!("token=\"{device}\" space={space}")),
            "{device}: {log}"
        );
    }
    assert!(log.contains("error=invite_used"), "{log}");
    assert!(log.contains("key epoch=2 devices=2"), "{log}");
    assert!(log.contains("error=epoch_taken"), "{log}");
    for secret in [ORGANISE, KEEP, &owner, &invite, &member] {
        assert!(!log.contains(secret), "a token in the log: {log}");
    }
    for key in [PUBLIC_KEY, WRAPPED_MEMBER, WRAPPED_OWNER] {
        assert!(!log.contains(key), "a key in the log: {log}");
    }
    drop(server);
    std::fs::remove_dir_all(&dir).unwrap();
}
