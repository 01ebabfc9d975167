//! Key rotation for teams (issue 18, item 5): when the team's owner removes a device, a new team
//! key (the next epoch) goes to every remaining device wrapped for that device alone.
//!
//! Each device of a team has an ECDH P-256 key pair made in the browser when it creates or joins
//! the team; the server keeps only the public half (`public_key` in `GET /devices`). To wrap the
//! new key for one device, the owner makes a fresh (ephemeral) P-256 pair, takes the ECDH secret
//! of its private half and the device's public key, derives an AES-256-GCM key from it with
//! HKDF-SHA256 ([`wrap_info`] as the info, no salt), and seals the 32-byte team key with it
//! (12-byte random IV, [`wrap_info`] again as additional data). The wrapped key is
//! `ephemeral public key (65) ‖ IV (12) ‖ ciphertext and tag (48)` in base64url without
//! padding ([`Wrapped`]). Only the device holding the matching private key opens it; the server
//! stores and hands out blobs it cannot read. The info binds the blob to its team, space,
//! device and epoch, so a blob moved to another device, space or epoch does not open.
//!
//! The cryptography runs in WebCrypto (`platform::crypto`); this module holds the formats, so
//! they are tested natively.

use crate::domain::vault::{b64_decode, b64_encode};

/// A raw uncompressed P-256 public key: `0x04 ‖ x ‖ y`.
pub const PUBLIC_KEY_BYTES: usize = 65;
/// AES-GCM's IV.
pub const IV_BYTES: usize = 12;
/// A sealed 32-byte team key with its 16-byte tag.
pub const SEALED_KEY_BYTES: usize = 32 + 16;

/// What the wrapping key is derived for: the same bytes are HKDF's info and AES-GCM's
/// additional data. Fields are separated by a zero byte (none may hold one: ids and spaces are
/// from the protocol's id alphabet).
pub fn wrap_info(team_id: &str, space: &str, device: &str, epoch: u32) -> Vec<u8> {
    let mut out = b"ssp-handleguide team key v1".to_vec();
    for field in [team_id, space, device] {
        out.push(0);
        out.extend_from_slice(field.as_bytes());
    }
    out.push(0);
    out.extend_from_slice(&epoch.to_be_bytes());
    out
}

/// A team key wrapped for one device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wrapped {
    pub ephemeral: [u8; PUBLIC_KEY_BYTES],
    pub iv: [u8; IV_BYTES],
    pub sealed: [u8; SEALED_KEY_BYTES],
}

impl Wrapped {
    /// As it travels: base64url without padding (86 + 16 + 64 = 167 characters).
    pub fn to_text(&self) -> String {
        let mut bytes = Vec::with_capacity(PUBLIC_KEY_BYTES + IV_BYTES + SEALED_KEY_BYTES);
        bytes.extend_from_slice(&self.ephemeral);
        bytes.extend_from_slice(&self.iv);
        bytes.extend_from_slice(&self.sealed);
        b64url_encode(&bytes)
    }

    /// `None` for anything that is not exactly such a blob (wrong length, not base64url, not an
    /// uncompressed point).
    pub fn parse(text: &str) -> Option<Wrapped> {
        let bytes = b64url_decode(text)?;
        if bytes.len() != PUBLIC_KEY_BYTES + IV_BYTES + SEALED_KEY_BYTES {
            return None;
        }
        let (ephemeral, rest) = bytes.split_at(PUBLIC_KEY_BYTES);
        let (iv, sealed) = rest.split_at(IV_BYTES);
        let ephemeral: [u8; PUBLIC_KEY_BYTES] = ephemeral.try_into().ok()?;
        if !is_public_key(&ephemeral) {
            return None;
        }
        Some(Wrapped {
            ephemeral,
            iv: iv.try_into().ok()?,
            sealed: sealed.try_into().ok()?,
        })
    }
}

/// Whether the bytes look like a raw uncompressed P-256 point (the browser checks the curve).
pub fn is_public_key(bytes: &[u8]) -> bool {
    bytes.len() == PUBLIC_KEY_BYTES && bytes[0] == 0x04
}

/// A device's public key as the server takes it, or `None` if it is not one.
pub fn public_key_text(bytes: &[u8]) -> Option<String> {
    is_public_key(bytes).then(|| b64url_encode(bytes))
}

/// A public key from the server's list, or `None` if it is not one.
pub fn parse_public_key(text: &str) -> Option<[u8; PUBLIC_KEY_BYTES]> {
    let bytes = b64url_decode(text)?;
    if !is_public_key(&bytes) {
        return None;
    }
    bytes.try_into().ok()
}

/// base64url (RFC 4648 §5) without padding.
pub fn b64url_encode(bytes: &[u8]) -> String {
    b64_encode(bytes)
        .trim_end_matches('=')
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            c => c,
        })
        .collect()
}

/// Decodes base64url without padding; `None` for anything else (padding, `+` or `/` too).
pub fn b64url_decode(text: &str) -> Option<Vec<u8>> {
    if text.len() % 4 == 1 || text.contains(['+', '/', '=']) {
        return None;
    }
    let mut standard: String = text
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    while !standard.len().is_multiple_of(4) {
        standard.push('=');
    }
    b64_decode(&standard)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(fill: u8) -> [u8; PUBLIC_KEY_BYTES] {
        let mut p = [fill; PUBLIC_KEY_BYTES];
        p[0] = 0x04;
        p
    }

    #[test]
    fn base64url_matches_rfc_4648_vectors() {
        // RFC 4648 §10, in the URL alphabet without padding, and the two characters that differ.
        for (plain, text) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(b64url_encode(plain.as_bytes()), text);
            assert_eq!(b64url_decode(text).unwrap(), plain.as_bytes());
        }
        assert_eq!(b64url_encode(&[0xfb, 0xff]), "-_8");
        assert_eq!(b64url_decode("-_8").unwrap(), vec![0xfb, 0xff]);
        for bad in ["Zg==", "+/8", "Z", "Zm9v!"] {
            assert_eq!(b64url_decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_wrapped_key_round_trips_and_anything_else_is_refused() {
        let w = Wrapped {
            ephemeral: point(7),
            iv: [3; IV_BYTES],
            sealed: [9; SEALED_KEY_BYTES],
        };
        let text = w.to_text();
        assert_eq!(text.len(), 167);
        assert!(text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_eq!(Wrapped::parse(&text), Some(w.clone()));
        // One byte short, one too many, a compressed point, not base64url.
        assert_eq!(Wrapped::parse(&text[..text.len() - 2]), None);
        assert_eq!(Wrapped::parse(&format!("{text}AA")), None);
        let mut compressed = w;
        compressed.ephemeral[0] = 0x02;
        assert_eq!(Wrapped::parse(&compressed.to_text()), None);
        assert_eq!(Wrapped::parse("not a key"), None);
    }

    #[test]
    fn the_info_binds_team_space_device_and_epoch() {
        let base = wrap_info("t", "s", "d", 2);
        assert!(base.starts_with(b"ssp-handleguide team key v1\0t\0s\0d\0"));
        assert!(base.ends_with(&2u32.to_be_bytes()));
        // Every field changes it, and fields cannot run into each other.
        for other in [
            wrap_info("u", "s", "d", 2),
            wrap_info("t", "u", "d", 2),
            wrap_info("t", "s", "u", 2),
            wrap_info("t", "s", "d", 3),
            wrap_info("ts", "", "d", 2),
        ] {
            assert_ne!(other, base);
        }
    }

    #[test]
    fn public_keys_are_uncompressed_points() {
        let text = public_key_text(&point(1)).unwrap();
        assert_eq!(text.len(), 87);
        assert_eq!(parse_public_key(&text), Some(point(1)));
        assert_eq!(public_key_text(&[4; 33]), None);
        let mut compressed = point(1);
        compressed[0] = 3;
        assert_eq!(public_key_text(&compressed), None);
        assert_eq!(parse_public_key(&b64url_encode(&compressed)), None);
    }
}
