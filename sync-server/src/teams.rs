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
//! - a device's public key (for key rotation, "Key epochs") is checked for its form only: 65
//!   bytes, first byte 0x04 (an uncompressed P-256 point), base64url without padding; whether
//!   the point is on the curve is the devices' business. A wrapped key is opaque: only its
//!   length and alphabet are checked, and it is stored as given and never logged.

use base64::Engine;

/// The longest an invite may be valid: 7 days.
pub const MAX_INVITE_MS: i64 = 7 * 24 * 60 * 60 * 1000;
/// The prefix of a team's space id.
pub const TEAM_SPACE_PREFIX: &str = "t-";
/// The prefix of a device id.
pub const DEVICE_PREFIX: &str = "d-";

/// The length of a raw uncompressed P-256 point (`0x04 || x || y`).
pub const PUBLIC_KEY_BYTES: usize = 65;
/// The longest wrapped key (`POST /keys`), in base64url characters.
pub const MAX_WRAPPED_CHARS: usize = 1024;
/// The most wrapped keys in one `POST /keys`.
pub const MAX_KEYS_PER_EPOCH: usize = 1000;
/// The first epoch a `POST /keys` may store: epoch 1 is the team's first key, which travels
/// from device to device with the invite and never reaches the server.
pub const FIRST_SERVER_EPOCH: i64 = 2;
/// The largest epoch (2^53 - 1, so that a JavaScript client reads it exactly).
pub const MAX_EPOCH: i64 = (1 << 53) - 1;

/// A device's public key from its base64url form (without padding): exactly 65 bytes whose
/// first is 0x04. The message names what was expected, never the value.
pub fn parse_public_key(text: &str) -> Result<[u8; PUBLIC_KEY_BYTES], &'static str> {
    const WRONG: &str =
        "public_key: expected an uncompressed P-256 point (65 bytes, the first 0x04) \
                         as base64url without padding (87 characters)";
    // 65 bytes are 87 characters; anything longer is refused before decoding.
    if text.len() != 87 {
        return Err(WRONG);
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| WRONG)?;
    match <[u8; PUBLIC_KEY_BYTES]>::try_from(bytes.as_slice()) {
        Ok(key) if key[0] == 0x04 => Ok(key),
        _ => Err(WRONG),
    }
}

/// A public key as the server answers it: base64url without padding.
pub fn public_key_text(key: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key)
}

/// Whether `text` has the form of a wrapped key: 1 to [`MAX_WRAPPED_CHARS`] characters of
/// base64url without padding that decode (the bytes themselves are not looked at).
pub fn is_wrapped_key(text: &str) -> bool {
    (1..=MAX_WRAPPED_CHARS).contains(&text.len())
        && base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text)
            .is_ok()
}

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

    #[test]
    fn a_public_key_is_65_bytes_starting_with_4_in_base64url() {
        let mut point = [7u8; 65];
        point[0] = 4;
        let text = public_key_text(&point);
        assert_eq!(text.len(), 87);
        assert_eq!(parse_public_key(&text), Ok(point));
        // Wrong prefix (a compressed point's 0x02), wrong lengths, padding, other alphabets.
        let mut compressed = point;
        compressed[0] = 2;
        let padded = format!("{text}=");
        let standard = public_key_text(&[0xfb; 65])
            .replace('-', "+")
            .replace('_', "/");
        for bad in [
            public_key_text(&compressed),
            public_key_text(&point[..64]),
            public_key_text(&[4; 66]),
            padded,
            standard,
            String::new(),
            "!".repeat(87),
        ] {
            assert!(parse_public_key(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_wrapped_key_is_1_to_1024_base64url_characters() {
        assert!(is_wrapped_key("AA"));
        assert!(is_wrapped_key(&"A".repeat(1024)));
        assert!(is_wrapped_key("-_8"));
        for bad in [
            String::new(),
            "A".repeat(1025),
            "A".into(),
            "AA==".into(),
            "a+b/".into(),
            "ab c".into(),
        ] {
            assert!(!is_wrapped_key(&bad), "{bad}");
        }
    }
}
