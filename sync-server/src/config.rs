//! The configuration: a JSON file, plus command-line flags that override the listen address
//! and the database path (so tests can use a free port and a temporary database).
//!
//! Invariants of a loaded [`Config`]: at least one token entry; every entry has a name and the
//! SHA-256 of its token (`token_sha256`, 64 hex digits), never the token itself; names and
//! hashes are unique (so a token is in exactly one space); every entry's space is a valid space
//! id (`default` when the file names none, so v1 files load unchanged); every origin is `*` or
//! `scheme://host[:port]`. A relative database path in the file is relative to the file's
//! directory; a `--db` path is relative to the working directory.
//!
//! Why SHA-256 and not a slow password hash: a token is 32 random bytes made by
//! `sync-server new-token`, not something a person chose. A slow hash protects secrets that can
//! be guessed; 2^256 possibilities cannot be searched at any speed, so one fast hash is enough
//! to make a copy of this file useless for calling the server.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::protocol::{is_valid_space, DEFAULT_SPACE, MAX_SPACE_CHARS};

/// The shortest token `hash-token` accepts: a token is a long random secret.
pub const MIN_TOKEN_CHARS: usize = 16;
/// Most open connections by default (`max_connections`); each needs a file descriptor.
pub const DEFAULT_MAX_CONNECTIONS: usize = 4096;
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8787";
pub const DEFAULT_DATABASE: &str = "sync-server.sqlite3";

pub const USAGE: &str = "\
usage: sync-server --config <file.json> [--listen <addr:port>] [--db <path | :memory:>]
       sync-server new-token     prints a new random token and its config line
       sync-server hash-token    reads a token on stdin, prints its token_sha256
       sync-server purge --db <path> --space <space> --id <doc id> [--live]
                                 deletes one document for good (a tombstone; --live: any)

  --config   the configuration file (see sync-server/README.md)
  --listen   overrides `listen` from the file, e.g. 127.0.0.1:0 for a free port
  --db       overrides `database` from the file

SIGHUP reloads the tokens from the configuration file (e.g. after revoking one).";

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    /// Pull only.
    Read,
    /// Pull and push.
    Write,
    /// Create teams (`POST /teams`) and nothing else: no pull, no push (config `"organise"`).
    Organise,
}

/// One token entry (one tablet, or one school): the SHA-256 of its secret, the name that
/// stands for it in logs, and the one space whose documents it reads (and writes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenConfig {
    pub name: String,
    pub sha256: [u8; 32],
    pub access: Access,
    /// A valid space id ([`crate::protocol::is_valid_space`]); [`DEFAULT_SPACE`] when the
    /// entry names none.
    pub space: String,
    /// A revoked entry is refused like an unknown token, but the log names it.
    pub revoked: bool,
}

impl TokenConfig {
    /// An entry for the token `secret` in the default space (tests, and `new-token`).
    pub fn from_secret(name: &str, secret: &str, access: Access) -> TokenConfig {
        TokenConfig {
            name: name.to_string(),
            sha256: sha256(secret.as_bytes()),
            access,
            space: DEFAULT_SPACE.to_string(),
            revoked: false,
        }
    }

    /// The same entry in `space` (tests).
    pub fn in_space(mut self, space: &str) -> TokenConfig {
        self.space = space.to_string();
        self
    }
}

/// A token entry as written in the file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenWire {
    name: String,
    /// A plaintext token (older configs): refused with a message that says what to do.
    #[serde(default)]
    token: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    token_sha256: Option<String>,
    access: Access,
    /// Absent in v1 configs: the default space.
    #[serde(default)]
    space: Option<String>,
    #[serde(default)]
    revoked: bool,
}

/// SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn parse_sha256_hex(text: &str) -> Option<[u8; 32]> {
    if text.len() != 64 || !text.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// Checks a token given to `hash-token`: at least [`MIN_TOKEN_CHARS`] visible ASCII characters.
pub fn check_new_token(token: &str) -> Result<(), String> {
    if token.len() < MIN_TOKEN_CHARS || !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(format!(
            "a token must be at least {MIN_TOKEN_CHARS} visible ASCII characters without spaces \
             (use `sync-server new-token` for a random one)"
        ));
    }
    Ok(())
}

/// The config entry for a token, as `new-token` prints it.
pub fn config_line(name: &str, sha256: &[u8; 32], access: Access) -> String {
    let access = match access {
        Access::Read => "read",
        Access::Write => "write",
        Access::Organise => "organise",
    };
    format!(
        "{{ \"name\": {}, \"token_sha256\": \"{}\", \"access\": \"{access}\" }}",
        serde_json::Value::from(name),
        hex(sha256)
    )
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
    /// Take the client's address for the failed-login limit from the last `X-Forwarded-For`
    /// entry (set this only behind a reverse proxy that writes that header).
    pub trust_x_forwarded_for: bool,
    /// Most connections open at once; more wait until one closes.
    pub max_connections: usize,
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
    tokens: Vec<TokenWire>,
    #[serde(default)]
    trust_x_forwarded_for: bool,
    #[serde(default = "default_max_connections")]
    max_connections: usize,
}

fn default_max_connections() -> usize {
    DEFAULT_MAX_CONNECTIONS
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
        let tokens = check_tokens(file.tokens)?;
        if file.max_connections < 8 {
            return Err("max_connections: at least 8".into());
        }
        Ok(Config {
            listen: parse_listen(&file.listen)?,
            database,
            origins,
            tokens,
            trust_x_forwarded_for: file.trust_x_forwarded_for,
            max_connections: file.max_connections,
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

fn check_tokens(wire: Vec<TokenWire>) -> Result<Vec<TokenConfig>, String> {
    if wire.is_empty() {
        return Err("tokens: at least one token is needed".into());
    }
    let mut tokens: Vec<TokenConfig> = Vec::with_capacity(wire.len());
    for (i, t) in wire.into_iter().enumerate() {
        if t.name.trim().is_empty() {
            return Err(format!("tokens[{i}].name: must not be empty"));
        }
        // A token itself is never printed, not even in an error.
        if t.token.is_some() {
            return Err(format!(
                "tokens[{i}] ({}): \"token\" holds the secret in plain text, which this server no \
                 longer accepts. Replace it with its hash: run `sync-server hash-token`, type the \
                 token, and put the printed value in \"token_sha256\" (see sync-server/README.md)",
                t.name
            ));
        }
        let sha256 = t
            .token_sha256
            .as_deref()
            .ok_or_else(|| {
                format!(
                    "tokens[{i}] ({}): \"token_sha256\" is missing (make one with `sync-server new-token`)",
                    t.name
                )
            })?
            .to_ascii_lowercase();
        let sha256 = parse_sha256_hex(&sha256).ok_or_else(|| {
            format!(
                "tokens[{i}] ({}): \"token_sha256\" must be 64 hex digits (the output of `sync-server hash-token`)",
                t.name
            )
        })?;
        let space = t.space.unwrap_or_else(|| DEFAULT_SPACE.to_string());
        if !is_valid_space(&space) {
            return Err(format!(
                "tokens[{i}] ({}): \"space\" must be 1–{MAX_SPACE_CHARS} characters a–z 0–9 - \
                 (lower case), e.g. \"skole-a\"; leave it out for the space \"{DEFAULT_SPACE}\"",
                t.name
            ));
        }
        if tokens.iter().any(|o| o.name == t.name) {
            return Err(format!("tokens[{i}]: the name {:?} is used twice", t.name));
        }
        if tokens.iter().any(|o| o.sha256 == sha256) {
            return Err(format!(
                "tokens[{i}] ({}): the same token is listed twice",
                t.name
            ));
        }
        tokens.push(TokenConfig {
            name: t.name,
            sha256,
            access: t.access,
            space,
            revoked: t.revoked,
        });
    }
    Ok(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: &str = "ed9afcea2d964b7f0c85b6b7da061bdf370791d3588ed5ed6b09b6b9f34bfea2";
    const R: &str = "56ef1e5e718bb785abcdf22b1f60cfa8c3f6fd58ad78d249de4e493fe61af1fc";

    fn good() -> String {
        format!(
            r#"{{
        "listen": "127.0.0.1:9000",
        "database": "data/sync.sqlite3",
        "allowed_origins": ["http://127.0.0.1:4173", "https://ssp.example.dk"],
        "tokens": [
            {{ "name": "Skole A", "token_sha256": "{W}", "access": "write" }},
            {{ "name": "Skole A (læs)", "token_sha256": "{R}", "access": "read" }},
            {{ "name": "Skole A tablet 3 (lost)", "token_sha256": "{}", "access": "write", "revoked": true }}
        ]
    }}"#,
            hex(&sha256(b"a-lost-tablets-token-cccc"))
        )
    }

    #[test]
    fn a_good_file_loads_with_the_database_next_to_it() {
        let c = Config::from_json(&good(), Path::new("/etc/sync")).unwrap();
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
        // The hash is of the token's bytes: `printf %s <token> | sha256sum`.
        assert_eq!(
            c.tokens[0],
            TokenConfig::from_secret("Skole A", "test-write-token-aaaaaaaa", Access::Write)
        );
        assert!(!c.tokens[1].revoked && c.tokens[2].revoked);
        assert!(!c.trust_x_forwarded_for);
        assert_eq!(c.max_connections, DEFAULT_MAX_CONNECTIONS);
    }

    #[test]
    fn defaults_and_star() {
        let c = Config::from_json(
            &format!(
                r#"{{ "allowed_origins": ["*"], "trust_x_forwarded_for": true, "max_connections": 64,
                      "tokens": [{{ "name": "T", "token_sha256": "{}", "access": "write" }}] }}"#,
                W.to_ascii_uppercase()
            ),
            Path::new("cfg"),
        )
        .unwrap();
        assert_eq!(c.listen, DEFAULT_LISTEN.parse().unwrap());
        assert_eq!(c.database, Path::new("cfg").join(DEFAULT_DATABASE));
        assert_eq!(c.origins, Origins::Any);
        assert!(c.trust_x_forwarded_for);
        assert_eq!(c.max_connections, 64);
        assert_eq!(hex(&c.tokens[0].sha256), W);
    }

    #[test]
    fn a_plaintext_token_is_refused_with_what_to_do_and_without_printing_it() {
        let e = Config::from_json(
            r#"{ "tokens": [{ "name": "Skole A", "token": "0123456789abcdef-secret", "access": "write" }] }"#,
            Path::new("."),
        )
        .unwrap_err();
        assert!(
            e.contains("hash-token") && e.contains("token_sha256") && e.contains("Skole A"),
            "{e}"
        );
        assert!(!e.contains("0123456789abcdef"), "{e}");
    }

    #[test]
    fn bad_files_are_refused_without_printing_a_token() {
        let bad = [
            r#"{ "tokens": [] }"#.to_string(),
            r#"{ "tokens": [{ "name": "T", "access": "write" }] }"#.into(),
            r#"{ "tokens": [{ "name": "T", "token_sha256": "abc", "access": "write" }] }"#.into(),
            format!(
                r#"{{ "tokens": [{{ "name": "T", "token_sha256": "{}", "access": "write" }}] }}"#,
                &W[..62]
            ),
            format!(
                r#"{{ "tokens": [{{ "name": "T", "token_sha256": "{}zz", "access": "write" }}] }}"#,
                &W[..62]
            ),
            format!(
                r#"{{ "tokens": [{{ "name": "T", "token_sha256": "{W}", "access": "admin" }}] }}"#
            ),
            format!(
                r#"{{ "tokens": [{{ "name": " ", "token_sha256": "{W}", "access": "read" }}] }}"#
            ),
            format!(
                r#"{{ "tokens": [{{ "name": "T", "token_sha256": "{W}", "access": "write" }},
                                     {{ "name": "U", "token_sha256": "{W}", "access": "read" }}] }}"#
            ),
            format!(
                r#"{{ "tokens": [{{ "name": "T", "token_sha256": "{W}", "access": "write" }},
                                     {{ "name": "T", "token_sha256": "{R}", "access": "read" }}] }}"#
            ),
            format!(
                r#"{{ "allowed_origins": ["https://x.dk/"], "tokens": [{{ "name": "T", "token_sha256": "{W}", "access": "write" }}] }}"#
            ),
            format!(
                r#"{{ "listen": "nowhere", "tokens": [{{ "name": "T", "token_sha256": "{W}", "access": "write" }}] }}"#
            ),
            format!(
                r#"{{ "listn": "127.0.0.1:1", "tokens": [{{ "name": "T", "token_sha256": "{W}", "access": "write" }}] }}"#
            ),
            format!(
                r#"{{ "max_connections": 2, "tokens": [{{ "name": "T", "token_sha256": "{W}", "access": "write" }}] }}"#
            ),
            format!(
                r#"{{ "tokens": [{{ "name": "T", "token_sha256": "{W}", "access": "write", "revokd": true }}] }}"#
            ),
        ];
        for text in bad {
            let e = Config::from_json(&text, Path::new(".")).unwrap_err();
            assert!(!e.contains(&W[..16]), "{e}");
        }
    }

    #[test]
    fn a_token_is_in_its_space_or_the_default_one_and_a_bad_space_is_refused() {
        let entry = |space: &str| {
            format!(
                r#"{{ "tokens": [{{ "name": "T", "token_sha256": "{W}", "access": "write"{space} }}] }}"#
            )
        };
        let load = |space: &str| Config::from_json(&entry(space), Path::new("."));
        assert_eq!(load("").unwrap().tokens[0].space, "default");
        assert_eq!(
            load(r#", "space": "skole-a-2""#).unwrap().tokens[0].space,
            "skole-a-2"
        );
        let longest = "a".repeat(64);
        assert_eq!(
            load(&format!(r#", "space": "{longest}""#)).unwrap().tokens[0].space,
            longest
        );
        for bad in [
            "",
            "Skole-A",
            "skole a",
            "skole/a",
            "skole_a",
            "æ",
            &"a".repeat(65),
        ] {
            let e = load(&format!(r#", "space": "{bad}""#)).unwrap_err();
            assert!(
                e.contains("\"space\"") && e.contains("tokens[0] (T)"),
                "{e}"
            );
        }
        // One token cannot be in two spaces: the same hash twice is refused whatever the spaces.
        let twice = format!(
            r#"{{ "tokens": [{{ "name": "T", "token_sha256": "{W}", "access": "write", "space": "a" }},
                             {{ "name": "U", "token_sha256": "{W}", "access": "write", "space": "b" }}] }}"#
        );
        assert!(Config::from_json(&twice, Path::new(".")).is_err());
    }

    #[test]
    fn the_example_config_loads_with_the_test_tokens_the_readme_names() {
        let c = Config::from_json(include_str!("../config.example.json"), Path::new(".")).unwrap();
        let found = |secret: &str| {
            let t = c
                .tokens
                .iter()
                .find(|t| t.sha256 == sha256(secret.as_bytes()));
            t.map(|t| (t.access, t.space.as_str()))
        };
        assert_eq!(
            found("TEST-ONLY-write-token-not-a-secret-0001"),
            Some((Access::Write, "default"))
        );
        assert_eq!(
            found("TEST-ONLY-read-token-not-a-secret-0002"),
            Some((Access::Read, "default"))
        );
        assert_eq!(
            found("TEST-ONLY-write-token-b-not-a-secret-0003"),
            Some((Access::Write, "testskole-b"))
        );
        assert_eq!(
            found("TEST-ONLY-read-token-b-not-a-secret-0004"),
            Some((Access::Read, "testskole-b"))
        );
        assert_eq!(
            found("TEST-ONLY-organise-token-not-a-secret-0005"),
            Some((Access::Organise, "default"))
        );
    }

    #[test]
    fn an_organise_entry_loads_and_its_config_line_round_trips() {
        let line = config_line("Konsulent", &sha256(b"o"), Access::Organise);
        assert!(line.contains("\"access\": \"organise\""), "{line}");
        let c = Config::from_json(&format!(r#"{{ "tokens": [{line}] }}"#), Path::new(".")).unwrap();
        assert_eq!(c.tokens[0].access, Access::Organise);
    }

    #[test]
    fn new_tokens_are_checked_and_the_config_line_loads() {
        assert!(check_new_token("short").is_err());
        assert!(check_new_token("has a space in it!!").is_err());
        assert!(check_new_token("0123456789abcdef").is_ok());
        let line = config_line("Skole \"B\" tablet 1", &sha256(b"x"), Access::Read);
        let c = Config::from_json(&format!(r#"{{ "tokens": [{line}] }}"#), Path::new(".")).unwrap();
        assert_eq!(
            c.tokens[0],
            TokenConfig::from_secret("Skole \"B\" tablet 1", "x", Access::Read)
        );
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
