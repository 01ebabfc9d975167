//! Hand-off (issue 18, item 7): one concern handed to another device as an encrypted file, with
//! no server at all. The file is opened either with a team's key (both devices are on the team)
//! or with a one-time code shown once on the sender's screen and told in person or by phone.
//!
//! This module owns the file's format, its checks, the one-time code and the import decision;
//! `platform::crypto` does the WebCrypto (AES-256-GCM; PBKDF2-HMAC-SHA256 for the code).
//!
//! The file (`bekymring-<date>.sspo`) is a small JSON object:
//!
//! ```json
//! {"format":"ssp-handleguide-handoff","version":1,"mode":"code",
//!  "salt":"<base64, 16 bytes>","iterations":600000,"iv":"<base64, 12 bytes>","ct":"<base64>"}
//! {"format":"ssp-handleguide-handoff","version":1,"mode":"team",
//!  "team":"<team id>","epoch":3,"iv":"<base64, 12 bytes>","ct":"<base64>"}
//! ```
//!
//! `ct` is AES-256-GCM (the 16-byte tag appended) of the concern's record exactly as the app
//! stores it (`concern_store::RECORD_CODEC`: `{"schema":3,"data":{…}}`). The additional data
//! ([`Lock::aad`]) binds the format, its version and the mode, and in team mode the team's id and
//! the key's epoch: a file cannot be made to read as another mode, version or team.
//!
//! In code mode the key is PBKDF2-HMAC-SHA256 over the code's 12 characters (canonical: upper
//! case, no hyphens) with the file's random salt and [`ITERATIONS`] rounds. A code is 12
//! characters of Crockford base32, 60 random bits, shown as `ABCD-EFGH-JKMN`; typed by hand it is
//! read as the team invite is (`team::base32_decode`): either case, spaces and hyphens ignored,
//! `O` as `0`, `I` and `L` as `1`.
//!
//! **A concern that is already on the device** (the same id) is not imported: the receiver is
//! told so and nothing is written (no silent overwrite, and no second copy of the same case to
//! keep apart later). The one on the device stays as it is.

use super::concern::{check_child, Concern};
use super::concern_store::RECORD_CODEC;
use super::dates::Date;
use super::storage::DecodeError;
use super::team::{base32_decode, base32_encode};
use super::vault::{b64_decode, b64_encode};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The file's format name.
pub const FORMAT: &str = "ssp-handleguide-handoff";
/// The format version this app writes and reads.
pub const VERSION: u32 = 1;
/// The file name's extension.
pub const EXTENSION: &str = "sspo";
/// The largest file the app reads (a concern is a few kilobytes).
pub const MAX_FILE_BYTES: usize = 1024 * 1024;
/// Characters of a one-time code (60 bits).
pub const CODE_CHARS: usize = 12;
/// Random bytes a one-time code is made from (the first 60 bits are used).
pub const CODE_RANDOM_BYTES: usize = 8;
/// Characters per group when a code is shown.
const CODE_GROUP: usize = 4;
/// PBKDF2 rounds for a one-time code: the lock's.
pub const ITERATIONS: u32 = super::vault::ITERATIONS;
/// Fewer rounds than this in a file are refused (a weakened file), more than
/// [`MAX_ITERATIONS`] too (a file that would hang the device).
pub const MIN_ITERATIONS: u32 = 100_000;
pub const MAX_ITERATIONS: u32 = 10_000_000;
pub const SALT_LEN: usize = 16;
pub const IV_LEN: usize = 12;
/// AES-GCM's tag, appended to the ciphertext.
const TAG_LEN: usize = 16;

/// What opens a hand-off file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lock {
    /// The team's key of `epoch`.
    Team { team: String, epoch: u32 },
    /// A one-time code, stretched with PBKDF2.
    Code { salt: Vec<u8>, iterations: u32 },
}

impl Lock {
    fn mode(&self) -> &'static str {
        match self {
            Lock::Team { .. } => "team",
            Lock::Code { .. } => "code",
        }
    }

    /// The additional data of the AES-GCM seal: format, version and mode (and the team and
    /// epoch), separated by zero bytes.
    pub fn aad(&self) -> Vec<u8> {
        let mut parts = vec![
            FORMAT.to_string(),
            VERSION.to_string(),
            self.mode().to_string(),
        ];
        if let Lock::Team { team, epoch } = self {
            parts.push(team.clone());
            parts.push(epoch.to_string());
        }
        parts.join("\0").into_bytes()
    }
}

/// A hand-off file, read or to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handoff {
    pub lock: Lock,
    pub iv: Vec<u8>,
    /// The ciphertext with the tag appended.
    pub ct: Vec<u8>,
}

#[derive(Serialize, Deserialize)]
struct Wire {
    format: String,
    version: u32,
    mode: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    team: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    epoch: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    salt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    iterations: Option<u32>,
    iv: String,
    ct: String,
}

/// Why a hand-off did not go through. Nothing is written when one is returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandoffError {
    /// Larger than [`MAX_FILE_BYTES`].
    TooLarge,
    /// Not a hand-off file at all (another file, not JSON, another format).
    NotHandoff,
    /// A hand-off file, but cut short or changed.
    Damaged,
    /// Written by a newer app (a newer file version, or a concern record it cannot read yet).
    NewerVersion,
    /// Sealed for a team this device is not on.
    NotOnTeam,
    /// This device is on the team but has not got the key of that epoch.
    NoKeyForEpoch { epoch: u32 },
    /// The code is not 12 characters of the code's alphabet.
    CodeMalformed,
    /// The code does not open the file (or the file was changed).
    WrongCode,
    /// A concern with the same id is already on this device.
    AlreadyHere,
}

impl Handoff {
    /// The file's text.
    pub fn encode(&self) -> String {
        let (team, epoch, salt, iterations) = match &self.lock {
            Lock::Team { team, epoch } => (Some(team.clone()), Some(*epoch), None, None),
            Lock::Code { salt, iterations } => {
                (None, None, Some(b64_encode(salt)), Some(*iterations))
            }
        };
        let wire = Wire {
            format: FORMAT.into(),
            version: VERSION,
            mode: self.lock.mode().into(),
            team,
            epoch,
            salt,
            iterations,
            iv: b64_encode(&self.iv),
            ct: b64_encode(&self.ct),
        };
        serde_json::to_string(&wire).unwrap_or_default()
    }

    /// Reads a file's text: refuses one too large, foreign, from a newer app, or damaged.
    pub fn parse(raw: &str) -> Result<Handoff, HandoffError> {
        if raw.len() > MAX_FILE_BYTES {
            return Err(HandoffError::TooLarge);
        }
        let value: Value = serde_json::from_str(raw).map_err(|_| HandoffError::NotHandoff)?;
        if value.get("format").and_then(Value::as_str) != Some(FORMAT) {
            return Err(HandoffError::NotHandoff);
        }
        match value.get("version").and_then(Value::as_u64) {
            Some(v) if v > u64::from(VERSION) => return Err(HandoffError::NewerVersion),
            Some(v) if v == u64::from(VERSION) => {}
            _ => return Err(HandoffError::Damaged),
        }
        let wire: Wire = serde_json::from_value(value).map_err(|_| HandoffError::Damaged)?;
        let bytes = |s: &str| b64_decode(s).ok_or(HandoffError::Damaged);
        let lock = match (
            wire.mode.as_str(),
            wire.team,
            wire.epoch,
            wire.salt,
            wire.iterations,
        ) {
            ("team", Some(team), Some(epoch), None, None) if !team.trim().is_empty() => {
                Lock::Team { team, epoch }
            }
            ("code", None, None, Some(salt), Some(iterations))
                if (MIN_ITERATIONS..=MAX_ITERATIONS).contains(&iterations) =>
            {
                let salt = bytes(&salt)?;
                if salt.len() != SALT_LEN {
                    return Err(HandoffError::Damaged);
                }
                Lock::Code { salt, iterations }
            }
            _ => return Err(HandoffError::Damaged),
        };
        let (iv, ct) = (bytes(&wire.iv)?, bytes(&wire.ct)?);
        if iv.len() != IV_LEN || ct.len() <= TAG_LEN {
            return Err(HandoffError::Damaged);
        }
        Ok(Handoff { lock, iv, ct })
    }
}

/// What is sealed: the concern's record as the app stores it.
pub fn sealed_text(concern: &Concern) -> String {
    RECORD_CODEC.encode(concern).unwrap_or_default()
}

/// The concern in an opened file's plaintext (a record older than this app's is migrated as a
/// stored one is). A record the app cannot read, or whose pseudonym the app would not accept, is
/// refused.
pub fn open_concern(plain: &[u8]) -> Result<Concern, HandoffError> {
    let text = std::str::from_utf8(plain).map_err(|_| HandoffError::Damaged)?;
    let concern: Concern = RECORD_CODEC.decode(text).map_err(|e| match e {
        DecodeError::FutureSchema { .. } => HandoffError::NewerVersion,
        _ => HandoffError::Damaged,
    })?;
    if concern.id.trim().is_empty() || check_child(&concern.child).is_err() {
        return Err(HandoffError::Damaged);
    }
    Ok(concern)
}

/// Whether `concern` may be added to a device holding `existing`: refused if one with the same
/// id is there (see the module's documentation).
pub fn decide(existing: &[Concern], concern: Concern) -> Result<Concern, HandoffError> {
    if existing.iter().any(|c| c.id == concern.id) {
        return Err(HandoffError::AlreadyHere);
    }
    Ok(concern)
}

/// The file's name: `bekymring-2026-12-06.sspo`.
pub fn file_name(today: Date) -> String {
    format!("bekymring-{}.{EXTENSION}", today.iso())
}

/// A new one-time code (canonical: 12 characters of Crockford base32) from random bytes.
pub fn new_code(random: &[u8; CODE_RANDOM_BYTES]) -> String {
    base32_encode(random)[..CODE_CHARS].to_string()
}

/// A code as shown: groups of four joined by hyphens (`ABCD-EFGH-JKMN`).
pub fn show_code(code: &str) -> String {
    code.as_bytes()
        .chunks(CODE_GROUP)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("-")
}

/// A code as typed, in its canonical form (what the key is derived from): either case, spaces
/// and hyphens ignored, `O` read as `0`, `I` and `L` as `1`. Refused unless it is 12 characters
/// of the alphabet.
pub fn read_code(typed: &str) -> Result<String, HandoffError> {
    let significant = typed
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '\n' | '\r' | '\t'))
        .count();
    if significant != CODE_CHARS {
        return Err(HandoffError::CodeMalformed);
    }
    // 12 characters are 60 bits; four zero characters make them 80, ten whole bytes, which the
    // invite's decoder reads (and checks every character of).
    let bytes = base32_decode(&format!("{typed}0000")).ok_or(HandoffError::CodeMalformed)?;
    Ok(base32_encode(&bytes)[..CODE_CHARS].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_file() -> Handoff {
        Handoff {
            lock: Lock::Code {
                salt: vec![7; SALT_LEN],
                iterations: ITERATIONS,
            },
            iv: vec![9; IV_LEN],
            ct: vec![1; 40],
        }
    }

    fn team_file() -> Handoff {
        Handoff {
            lock: Lock::Team {
                team: "hold-1".into(),
                epoch: 3,
            },
            iv: vec![9; IV_LEN],
            ct: vec![1; 40],
        }
    }

    #[test]
    fn a_file_round_trips_in_both_modes() {
        for f in [code_file(), team_file()] {
            let text = f.encode();
            assert!(text.contains(r#""format":"ssp-handleguide-handoff","version":1"#));
            assert_eq!(Handoff::parse(&text), Ok(f));
        }
    }

    #[test]
    fn the_additional_data_binds_format_version_mode_team_and_epoch() {
        let aads = [
            code_file().lock.aad(),
            team_file().lock.aad(),
            Lock::Team {
                team: "hold-2".into(),
                epoch: 3,
            }
            .aad(),
            Lock::Team {
                team: "hold-1".into(),
                epoch: 4,
            }
            .aad(),
        ];
        for (i, a) in aads.iter().enumerate() {
            assert!(a.starts_with(b"ssp-handleguide-handoff\x001\x00"));
            for b in &aads[i + 1..] {
                assert_ne!(a, b);
            }
        }
        // The salt and rounds are not in it: they change the key instead.
        assert_eq!(
            code_file().lock.aad(),
            b"ssp-handleguide-handoff\x001\x00code"
        );
    }

    #[test]
    fn foreign_damaged_newer_and_too_large_files_are_told_apart() {
        use HandoffError::*;
        assert_eq!(Handoff::parse("hello"), Err(NotHandoff));
        assert_eq!(Handoff::parse("{}"), Err(NotHandoff));
        assert_eq!(
            Handoff::parse(r#"{"kind":"ssp-handleguide-backup","schema":1}"#),
            Err(NotHandoff)
        );
        let text = code_file().encode();
        assert_eq!(
            Handoff::parse(&text.replace(r#""version":1"#, r#""version":2"#)),
            Err(NewerVersion)
        );
        assert_eq!(
            Handoff::parse(&text.replace(r#""version":1"#, r#""version":0"#)),
            Err(Damaged)
        );
        assert_eq!(Handoff::parse(&text[..text.len() - 5]), Err(NotHandoff));
        assert_eq!(
            Handoff::parse(&text.replace(r#""mode":"code""#, r#""mode":"team""#)),
            Err(Damaged)
        );
        assert_eq!(
            Handoff::parse(&text.replace("600000", "1000")),
            Err(Damaged),
            "a weakened file"
        );
        let iv = b64_encode(&[9; IV_LEN]);
        assert_eq!(
            Handoff::parse(&text.replace(&iv, "AAAA")),
            Err(Damaged),
            "a short IV"
        );
        assert_eq!(
            Handoff::parse(&text.replace(&iv, "not base64!")),
            Err(Damaged)
        );
        let big = format!("{}{}", text, " ".repeat(MAX_FILE_BYTES));
        assert_eq!(Handoff::parse(&big), Err(TooLarge));
    }

    #[test]
    fn a_code_is_twelve_characters_and_reads_back_as_typed_by_hand() {
        let code = new_code(&[0xA5, 0x5A, 0xFF, 0x00, 0x12, 0x34, 0x56, 0x78]);
        assert_eq!(code.len(), CODE_CHARS);
        let shown = show_code(&code);
        assert_eq!(shown.len(), 14);
        assert_eq!(read_code(&shown), Ok(code.clone()));
        assert_eq!(read_code(&shown.to_lowercase()), Ok(code.clone()));
        assert_eq!(read_code(" abcd efgh jkmn "), Ok("ABCDEFGHJKMN".into()));
        assert_eq!(read_code("O0Il-1LoO-iiLL"), Ok("001111001111".into()));
        for bad in [
            "",
            "ABCD-EFGH-JKM",
            "ABCD-EFGH-JKMNP",
            "ABCD-EFGH-JKMU",
            "ABCD-EFGH-JK!N",
        ] {
            assert_eq!(read_code(bad), Err(HandoffError::CodeMalformed), "{bad}");
        }
    }

    #[test]
    fn codes_from_different_bytes_differ_in_their_first_sixty_bits() {
        let a = new_code(&[0; 8]);
        let mut last = [0; 8];
        last[7] = 0x08; // bit 61
        assert_eq!(a, "000000000000");
        let mut b = [0; 8];
        b[7] = 0x10; // bit 60
        assert_eq!(new_code(&last), a, "bits after the 60th are not used");
        assert_ne!(new_code(&b), a);
    }

    #[test]
    fn the_file_name_carries_the_date() {
        assert_eq!(
            file_name(Date::parse_iso("2026-12-06").unwrap()),
            "bekymring-2026-12-06.sspo"
        );
    }
}
