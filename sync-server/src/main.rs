//! `sync-server --config <file.json> [--listen <addr:port>] [--db <path>]`
//!
//! Prints `listening on http://<addr>` on stdout once it accepts connections (tests wait for
//! that line); logs go to stderr. Stops gracefully on SIGTERM or SIGINT: no new connections,
//! requests in flight are answered, then the database is closed.

use std::process::ExitCode;

use sync_server::config::{Args, Config, USAGE};
use sync_server::http::{router, AppState};
use sync_server::store::Store;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_max_level(tracing::Level::INFO)
        .init();

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
            last_seq = s.last_seq,
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
    let app = router(AppState::new(store, &config.tokens), &config.origins);
    println!("listening on http://{addr}");

    if let Err(e) = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
    {
        eprintln!("sync-server: {e}");
        return ExitCode::FAILURE;
    }
    tracing::info!("stopped");
    ExitCode::SUCCESS
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
