//! The configuration: a JSON file, plus command-line flags that override the listen address
//! and the database path (so tests can use a free port and a temporary database).
//!
//! Invariants of a loaded [`Config`]: at least one token; every token is at least
//! [`MIN_TOKEN_CHARS`] visible ASCII characters; tokens and names are unique; every origin is
//! `*` or `scheme://host[:port]`. A relative database path in the file is relative to the
//! file's directory; a `--db` path is relative to the working directory.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The shortest token accepted: a token is a long random secret.
pub const MIN_TOKEN_CHARS: usize = 16;
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8787";
pub const DEFAULT_DATABASE: &str = "sync-server.sqlite3";

pub const USAGE: &str = "\
usage: sync-server --config <file.json> [--listen <addr:port>] [--db <path | :memory:>]

  --config   the configuration file (see sync-server/README.md)
  --listen   overrides `listen` from the file, e.g. 127.0.0.1:0 for a free port
  --db       overrides `database` from the file";

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    /// Pull only.
    Read,
    /// Pull and push.
    Write,
}

/// One token: its secret and the name that stands for it in logs.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenConfig {
    pub name: String,
    pub token: String,
    pub access: Access,
}

/// Which origins may call the server from a browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origins {
    /// `*`: any origin (local testing).
    Any,
    /// Exactly these, e.g. `https://ssp.example.dk`.
    List(Vec<String>),
}

/// The loaded configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub listen: SocketAddr,
    /// A file path, or `:memory:`.
    pub database: PathBuf,
    pub origins: Origins,
    pub tokens: Vec<TokenConfig>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default = "default_listen")]
    listen: String,
    #[serde(default = "default_database")]
    database: String,
    #[serde(default)]
    allowed_origins: Vec<String>,
    tokens: Vec<TokenConfig>,
}

fn default_listen() -> String {
    DEFAULT_LISTEN.to_string()
}

fn default_database() -> String {
    DEFAULT_DATABASE.to_string()
}

/// The command line: the config file and the overrides.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Args {
    pub config: PathBuf,
    pub listen: Option<String>,
    pub db: Option<PathBuf>,
}

impl Args {
    /// Parses `--config X --listen Y --db Z` (also `--flag=value`). `Ok(None)` means `--help`.
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Option<Args>, String> {
        let mut config = None;
        let mut out = Args::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
                _ => (arg.clone(), None),
            };
            if flag == "--help" || flag == "-h" {
                return Ok(None);
            }
            let mut value = || {
                inline
                    .clone()
                    .or_else(|| args.next())
                    .ok_or_else(|| format!("{flag} needs a value"))
            };
            match flag.as_str() {
                "--config" => config = Some(PathBuf::from(value()?)),
                "--listen" => out.listen = Some(value()?),
                "--db" => out.db = Some(PathBuf::from(value()?)),
                _ => return Err(format!("unknown argument {arg:?}")),
            }
        }
        out.config = config.ok_or("--config <file.json> is required")?;
        Ok(Some(out))
    }
}

impl Config {
    /// Reads the file named by `args` and applies the overrides.
    pub fn load(args: &Args) -> Result<Config, String> {
        let text = std::fs::read_to_string(&args.config)
            .map_err(|e| format!("{}: {e}", args.config.display()))?;
        let dir = args.config.parent().unwrap_or(Path::new("."));
        let mut config =
            Config::from_json(&text, dir).map_err(|e| format!("{}: {e}", args.config.display()))?;
        if let Some(listen) = &args.listen {
            config.listen = parse_listen(listen)?;
        }
        if let Some(db) = &args.db {
            config.database = db.clone();
        }
        Ok(config)
    }

    /// Parses and checks a config file's text; a relative `database` is taken relative to `dir`.
    pub fn from_json(text: &str, dir: &Path) -> Result<Config, String> {
        let file: ConfigFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let database = if file.database == ":memory:" || Path::new(&file.database).is_absolute() {
            PathBuf::from(&file.database)
        } else {
            dir.join(&file.database)
        };
        let origins = parse_origins(&file.allowed_origins)?;
        check_tokens(&file.tokens)?;
        Ok(Config {
            listen: parse_listen(&file.listen)?,
            database,
            origins,
            tokens: file.tokens,
        })
    }
}

fn parse_listen(text: &str) -> Result<SocketAddr, String> {
    text.parse()
        .map_err(|_| format!("listen: {text:?} is not an address like 127.0.0.1:8787"))
}

fn parse_origins(list: &[String]) -> Result<Origins, String> {
    if list.iter().any(|o| o == "*") {
        return Ok(Origins::Any);
    }
    for o in list {
        let rest = o
            .strip_prefix("https://")
            .or_else(|| o.strip_prefix("http://"));
        let ok = rest.is_some_and(|host| {
            !host.is_empty()
                && host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
        });
        if !ok {
            return Err(format!(
                "allowed_origins: {o:?} is not an origin like https://ssp.example.dk (no path, no trailing slash) or \"*\""
            ));
        }
    }
    Ok(Origins::List(list.to_vec()))
}

fn check_tokens(tokens: &[TokenConfig]) -> Result<(), String> {
    if tokens.is_empty() {
        return Err("tokens: at least one token is needed".into());
    }
    for (i, t) in tokens.iter().enumerate() {
        if t.name.trim().is_empty() {
            return Err(format!("tokens[{i}].name: must not be empty"));
        }
        // The token itself is never printed, not even in an error.
        if t.token.len() < MIN_TOKEN_CHARS || !t.token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(format!(
                "tokens[{i}] ({}): the token must be at least {MIN_TOKEN_CHARS} visible ASCII characters without spaces",
                t.name
            ));
        }
        if tokens[..i].iter().any(|o| o.name == t.name) {
            return Err(format!("tokens[{i}]: the name {:?} is used twice", t.name));
        }
        if tokens[..i].iter().any(|o| o.token == t.token) {
            return Err(format!(
                "tokens[{i}] ({}): the same token is listed twice",
                t.name
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{
        "listen": "127.0.0.1:9000",
        "database": "data/sync.sqlite3",
        "allowed_origins": ["http://127.0.0.1:4173", "https://ssp.example.dk"],
        "tokens": [
            { "name": "Skole A", "token": "test-write-token-aaaaaaaa", "access": "write" },
            { "name": "Skole A (læs)", "token": "test-read-token-bbbbbbbbb", "access": "read" }
        ]
    }"#;

    #[test]
    fn a_good_file_loads_with_the_database_next_to_it() {
        let c = Config::from_json(GOOD, Path::new("/etc/sync")).unwrap();
        assert_eq!(c.listen, "127.0.0.1:9000".parse().unwrap());
        assert_eq!(c.database, PathBuf::from("/etc/sync/data/sync.sqlite3"));
        assert_eq!(
            c.origins,
            Origins::List(vec![
                "http://127.0.0.1:4173".into(),
                "https://ssp.example.dk".into()
            ])
        );
        assert_eq!(c.tokens[1].access, Access::Read);
    }

    #[test]
    fn defaults_and_star() {
        let c = Config::from_json(
            r#"{ "allowed_origins": ["*"], "tokens": [{ "name": "T", "token": "0123456789abcdef", "access": "write" }] }"#,
            Path::new("cfg"),
        )
        .unwrap();
        assert_eq!(c.listen, DEFAULT_LISTEN.parse().unwrap());
        assert_eq!(c.database, Path::new("cfg").join(DEFAULT_DATABASE));
        assert_eq!(c.origins, Origins::Any);
    }

    #[test]
    fn bad_files_are_refused_without_printing_a_token() {
        let bad = [
            r#"{ "tokens": [] }"#,
            r#"{ "tokens": [{ "name": "T", "token": "short-secret", "access": "write" }] }"#,
            r#"{ "tokens": [{ "name": "T", "token": "has a space in it!!", "access": "write" }] }"#,
            r#"{ "tokens": [{ "name": "T", "token": "0123456789abcdef", "access": "admin" }] }"#,
            r#"{ "tokens": [{ "name": "T", "token": "0123456789abcdef", "access": "write" },
                            { "name": "U", "token": "0123456789abcdef", "access": "read" }] }"#,
            r#"{ "tokens": [{ "name": "T", "token": "0123456789abcdef", "access": "write" },
                            { "name": "T", "token": "0123456789abcdeg", "access": "read" }] }"#,
            r#"{ "allowed_origins": ["https://x.dk/"], "tokens": [{ "name": "T", "token": "0123456789abcdef", "access": "write" }] }"#,
            r#"{ "listen": "nowhere", "tokens": [{ "name": "T", "token": "0123456789abcdef", "access": "write" }] }"#,
            r#"{ "listn": "127.0.0.1:1", "tokens": [{ "name": "T", "token": "0123456789abcdef", "access": "write" }] }"#,
        ];
        for text in bad {
            let e = Config::from_json(text, Path::new(".")).unwrap_err();
            assert!(!e.contains("0123456789abcde"), "{e}");
            assert!(!e.contains("short-secret"), "{e}");
        }
    }

    #[test]
    fn flags() {
        let args = |v: &[&str]| Args::parse(v.iter().map(|s| s.to_string()));
        assert_eq!(
            args(&[
                "--config",
                "c.json",
                "--listen=127.0.0.1:0",
                "--db",
                ":memory:"
            ]),
            Ok(Some(Args {
                config: "c.json".into(),
                listen: Some("127.0.0.1:0".into()),
                db: Some(":memory:".into()),
            }))
        );
        assert_eq!(args(&["--help"]), Ok(None));
        assert!(args(&["--listen", "127.0.0.1:0"]).is_err());
        assert!(args(&["--config"]).is_err());
        assert!(args(&["--config", "c.json", "--port", "1"]).is_err());
    }
}
