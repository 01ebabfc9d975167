//! `sync-server --config <file.json> [--listen <addr:port>] [--db <path>]`
//! `sync-server new-token` · `sync-server hash-token`
//! `sync-server purge --db <path> --space <space> --id <doc id> [--live]`
//!
//! Prints `listening on http://<addr>` on stdout once it accepts connections (tests wait for
//! that line); logs go to stderr. Stops gracefully on SIGTERM or SIGINT: no new connections,
//! requests in flight are answered, then the database is closed. SIGHUP reloads the tokens
//! from the config file (a revoked tablet is cut off; the others go on).

use std::process::ExitCode;

use std::io::{BufRead, Read};

use sync_server::auth::Tokens;
use sync_server::config::{self, Access, Args, Config, USAGE};
use sync_server::http::{router, AppState};
use sync_server::serve::{ensure_open_file_limit, serve, ServeOptions, HEADER_TIMEOUT};
use sync_server::store::{Purged, Store};

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_max_level(tracing::Level::INFO)
        .init();

    match std::env::args().nth(1).as_deref() {
        Some("new-token") => return new_token(),
        Some("hash-token") => return hash_token(),
        Some("purge") => return purge(std::env::args().skip(2)),
        _ => {}
    }
    let args = match Args::parse(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("sync-server: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let config = match Config::load(&args) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("sync-server: config: {e}");
            return ExitCode::from(2);
        }
    };
    if let Some(warning) = ensure_open_file_limit(config.max_connections) {
        tracing::warn!("{warning}");
    }
    let store = match Store::open(&config.database) {
        Ok(store) => store,
        Err(e) => {
            eprintln!("sync-server: database {}: {e}", config.database.display());
            return ExitCode::FAILURE;
        }
    };
    match store.stats() {
        Ok(s) => tracing::info!(
            database = %config.database.display(),
            docs = s.docs,
            tombstones = s.tombstones,
            spaces = s.spaces,
            tokens = config.tokens.len(),
            "database opened"
        ),
        Err(e) => {
            eprintln!("sync-server: database {}: {e}", config.database.display());
            return ExitCode::FAILURE;
        }
    }

    let listener = match tokio::net::TcpListener::bind(config.listen).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("sync-server: cannot listen on {}: {e}", config.listen);
            return ExitCode::FAILURE;
        }
    };
    let addr = match listener.local_addr() {
        Ok(addr) => addr,
        Err(e) => {
            eprintln!("sync-server: {e}");
            return ExitCode::FAILURE;
        }
    };
    let state =
        AppState::new(store, &config.tokens).trusting_x_forwarded_for(config.trust_x_forwarded_for);
    log_tokens("tokens loaded", &config);
    tokio::spawn(reload_on_hangup(
        args.clone(),
        config.clone(),
        state.tokens(),
    ));
    let app = router(state, &config.origins);
    println!("listening on http://{addr}");

    serve(
        listener,
        app,
        ServeOptions {
            max_connections: config.max_connections,
            header_timeout: HEADER_TIMEOUT,
        },
        shutdown_signal(),
    )
    .await;
    tracing::info!("stopped");
    ExitCode::SUCCESS
}

/// Counts only: the names of spaces and tokens are in the config file, not the log.
fn log_tokens(what: &str, config: &Config) {
    let revoked = config.tokens.iter().filter(|t| t.revoked).count();
    let spaces = config
        .tokens
        .iter()
        .map(|t| t.space.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    tracing::info!(
        active = config.tokens.len() - revoked,
        revoked,
        spaces,
        "{what}"
    );
}

/// On every SIGHUP: reads the config file again and puts its tokens in place. A file that no
/// longer loads changes nothing (the error is logged). Other settings need a restart.
async fn reload_on_hangup(args: Args, running: Config, tokens: Tokens) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let Ok(mut hangup) = signal(SignalKind::hangup()) else {
            tracing::warn!("SIGHUP cannot be caught here: restart the server to reload tokens");
            return;
        };
        while hangup.recv().await.is_some() {
            match Config::load(&args) {
                Ok(new) => {
                    tokens.replace(&new.tokens);
                    log_tokens("SIGHUP: tokens reloaded", &new);
                    if new.listen != running.listen
                        || new.database != running.database
                        || new.origins != running.origins
                        || new.trust_x_forwarded_for != running.trust_x_forwarded_for
                        || new.max_connections != running.max_connections
                    {
                        tracing::warn!(
                            "SIGHUP: only the tokens were reloaded; restart the server for the other changes"
                        );
                    }
                }
                Err(e) => tracing::error!(
                    "SIGHUP: the config file does not load, the tokens in use stay: {e}"
                ),
            }
        }
    }
    #[cfg(not(unix))]
    let _ = (args, running, tokens);
}

/// `new-token`: a fresh random token (32 bytes from the system's random source, as hex) and
/// the config entry that holds its hash. The token is printed here once and stored nowhere.
fn new_token() -> ExitCode {
    let mut bytes = [0u8; 32];
    if let Err(e) = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes)) {
        eprintln!("sync-server: no random source (/dev/urandom): {e}");
        return ExitCode::FAILURE;
    }
    let token = config::hex(&bytes);
    let hash = config::sha256(token.as_bytes());
    println!("token:        {token}");
    println!("token_sha256: {}", config::hex(&hash));
    println!();
    println!(
        "Give the token to the tablet (Settings > Sync > Token); it is not kept anywhere here."
    );
    println!(
        "Put this entry in \"tokens\" in the config file, with the tablet's or school's name:"
    );
    println!();
    println!(
        "    {},",
        config::config_line("Skole A – tablet 1", &hash, Access::Write)
    );
    println!();
    println!("Then reload: systemctl reload ssp-sync (or kill -HUP <pid>).");
    ExitCode::SUCCESS
}

/// `hash-token`: reads one token on stdin, prints its `token_sha256`.
fn hash_token() -> ExitCode {
    let mut line = String::new();
    if let Err(e) = std::io::stdin().lock().read_line(&mut line) {
        eprintln!("sync-server: reading the token from stdin: {e}");
        return ExitCode::FAILURE;
    }
    let token = line.trim_end_matches(['\r', '\n']);
    if let Err(e) = config::check_new_token(token) {
        eprintln!("sync-server: {e}");
        return ExitCode::from(2);
    }
    println!("{}", config::hex(&config::sha256(token.as_bytes())));
    ExitCode::SUCCESS
}

/// `purge --db <path> --space <space> --id <doc id> [--live]`: deletes one document of one
/// space for good (docs/sync-protocol.md, "Deleting for good"). Without `--live` only a
/// tombstone is purged. Works on the database file while the server runs (SQLite locks it).
fn purge(args: impl Iterator<Item = String>) -> ExitCode {
    const PURGE_USAGE: &str =
        "usage: sync-server purge --db <path> --space <space> --id <doc id> [--live]";
    let (mut db, mut space, mut id, mut live) = (None, None, None, false);
    let mut args = args;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--db" => db = args.next(),
            "--space" => space = args.next(),
            "--id" => id = args.next(),
            "--live" => live = true,
            _ => {
                eprintln!("sync-server purge: unknown argument\n{PURGE_USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let (Some(db), Some(space), Some(id)) = (db, space, id) else {
        eprintln!("sync-server purge: --db, --space and --id are needed\n{PURGE_USAGE}");
        return ExitCode::from(2);
    };
    if !sync_server::protocol::is_valid_space(&space) || !sync_server::protocol::is_valid_id(&id) {
        eprintln!("sync-server purge: not a valid space or document id\n{PURGE_USAGE}");
        return ExitCode::from(2);
    }
    let path = std::path::Path::new(&db);
    if !path.exists() {
        eprintln!("sync-server purge: no database at {db}");
        return ExitCode::FAILURE;
    }
    let mut store = match Store::open(path) {
        Ok(store) => store,
        Err(e) => {
            eprintln!("sync-server purge: database {db}: {e}");
            return ExitCode::FAILURE;
        }
    };
    match store.purge(&space, &id, live) {
        Ok(Purged::Tombstone) => {
            println!("purged: the tombstone of {id} in space {space} is gone for good");
            ExitCode::SUCCESS
        }
        Ok(Purged::LiveDocument) => {
            println!("purged: the live document {id} in space {space} is gone for good");
            ExitCode::SUCCESS
        }
        Ok(Purged::Live) => {
            eprintln!(
                "sync-server purge: {id} in space {space} is not deleted; delete it in the app \
                 first (its devices then learn of it), or add --live to purge it anyway"
            );
            ExitCode::FAILURE
        }
        Ok(Purged::NotFound) => {
            eprintln!("sync-server purge: no document {id} in space {space}");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("sync-server purge: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => tracing::info!("SIGINT: stopping"),
        _ = term => tracing::info!("SIGTERM: stopping"),
    }
}
