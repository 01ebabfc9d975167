//! Teams (docs/sync-protocol.md, "Teams and invites"): the random ids and secrets the server
//! makes for them. The rules (who may create, invite, join, revoke) are in [`crate::http`],
//! what is kept in [`crate::store`].
//!
//! Invariants:
//! - every id and secret comes from the operating system's random source (`getrandom`); a
//!   failure of that source is an error, never a weaker fallback;
//! - a space id made here is `t-` + 26 lower-case base32 characters of 16 random bytes, valid
//!   per [`crate::protocol::is_valid_space`], and cannot be confused with a configured space
//!   by accident (configured ones are chosen by people);
//! - a secret (device or invite token) is 32 random bytes as base64url without padding
//!   (43 characters); the server keeps only its SHA-256 and never logs it.

use base64::Engine;

/// The longest an invite may be valid: 7 days.
pub const MAX_INVITE_MS: i64 = 7 * 24 * 60 * 60 * 1000;
/// The prefix of a team's space id.
pub const TEAM_SPACE_PREFIX: &str = "t-";
/// The prefix of a device id.
pub const DEVICE_PREFIX: &str = "d-";

/// The OS's random source failed (a 500; nothing was made).
#[derive(Debug)]
pub struct NoRandomness(pub String);

impl std::fmt::Display for NoRandomness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no random source: {}", self.0)
    }
}

fn random<const N: usize>() -> Result<[u8; N], NoRandomness> {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes).map_err(|e| NoRandomness(e.to_string()))?;
    Ok(bytes)
}

/// RFC 4648 base32, lower case, without padding.
pub fn base32_lower(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let mut buffer: u32 = 0;
    let mut bits = 0u32;
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
        buffer &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// A new team's space id: `t-` + 26 base32 characters (128 random bits).
pub fn new_space_id() -> Result<String, NoRandomness> {
    Ok(format!(
        "{TEAM_SPACE_PREFIX}{}",
        base32_lower(&random::<16>()?)
    ))
}

/// A new device id: `d-` + 26 base32 characters (128 random bits). Not a secret: it is
/// shown to the team's owner and written in logs.
pub fn new_device_id() -> Result<String, NoRandomness> {
    Ok(format!("{DEVICE_PREFIX}{}", base32_lower(&random::<16>()?)))
}

/// A new secret (device or invite token): 32 random bytes, base64url without padding.
pub fn new_secret() -> Result<String, NoRandomness> {
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random::<32>()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::is_valid_space;

    #[test]
    fn base32_matches_rfc_4648() {
        // RFC 4648 section 10, lower case, padding removed.
        for (input, want) in [
            ("", ""),
            ("f", "my"),
            ("fo", "mzxq"),
            ("foo", "mzxw6"),
            ("foob", "mzxw6yq"),
            ("fooba", "mzxw6ytb"),
            ("foobar", "mzxw6ytboi"),
        ] {
            assert_eq!(base32_lower(input.as_bytes()), want, "{input}");
        }
        assert_eq!(base32_lower(&[0xff; 16]).len(), 26);
    }

    #[test]
    fn ids_and_secrets_have_their_shapes_and_differ() {
        let space = new_space_id().unwrap();
        assert_eq!(space.len(), 28, "{space}");
        assert!(space.starts_with("t-") && is_valid_space(&space), "{space}");
        assert_ne!(space, new_space_id().unwrap());
        let device = new_device_id().unwrap();
        assert_eq!(device.len(), 28);
        assert!(device.starts_with("d-"));
        let secret = new_secret().unwrap();
        assert_eq!(secret.len(), 43, "{secret}");
        assert!(secret
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_ne!(secret, new_secret().unwrap());
    }
}
