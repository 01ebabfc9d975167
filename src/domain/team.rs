//! Teams ("hold", issue 18): the people who share a team key share the work. This module holds
//! what a team is on a device and the invite that brings a new device into it: everything the
//! device needs (backend, space, its own token, the team key) in one code, shown as a QR code
//! and as text to paste.
//!
//! The invite's text form is `SSP-` and the invite's bytes in Crockford base32 (no padding,
//! grouped by five with hyphens for reading aloud), so a code survives being typed: letters in
//! either case, `O` read as `0`, `I` and `L` as `1`, spaces and hyphens ignored. The bytes end
//! with a CRC-32 of everything before them, so a mistyped or cut code is refused as damaged
//! instead of joining the wrong team. Layout (version 1, big-endian):
//!
//! | bytes | field |
//! |---|---|
//! | 1 | version, `1` |
//! | 1 | backend kind: `0` the JSON protocol, `1` CouchDB |
//! | 4 | key epoch (grows with every key rotation) |
//! | 8 | expires, milliseconds since 1970 UTC |
//! | 32 | the team key (AES-256) |
//! | 2 + n, five times | UTF-8 strings: team id, team name, backend address, space, token |
//! | 4 | CRC-32 (IEEE) of all bytes before it |
//!
//! A typical invite is about 370 characters: made to be pasted or read by a camera, not typed
//! (the team key alone is 52). A code short enough to type would have to be a pointer to an
//! invite the server holds, encrypted under a key derived from the short code; not built.
//!
//! The code carries the team key: whoever holds it can read the team's concerns until the key is
//! rotated. So the screen says to show it only face to face, and the server refuses the token in
//! it after its first use or its deadline (`expires_ms`), whichever comes first.

use crate::domain::i18n::Lang;
use crate::domain::storage::{self, Codec, KeyValueStore, StoreError};
use crate::domain::sync::config::{check_url, Kind, UrlProblem};
use crate::domain::vault::{b64_decode, b64_encode};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The invite format this app writes and reads.
pub const INVITE_VERSION: u8 = 1;
/// What every invite code starts with.
pub const INVITE_PREFIX: &str = "SSP-";
/// Bytes of a team key (AES-256).
pub const KEY_BYTES: usize = 32;
/// Longest string field of an invite, in bytes (a URL, a token, a name).
const MAX_FIELD: usize = 512;
/// Crockford's base32 alphabet.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters per group in the text form.
const GROUP: usize = 5;

/// Everything a device needs to join a team.
#[derive(Clone, PartialEq, Eq)]
pub struct Invite {
    /// The team's id (random, the same on every device of the team).
    pub team_id: String,
    pub team_name: String,
    pub kind: Kind,
    /// The backend's address, as `sync::config::check_url` accepts it.
    pub url: String,
    /// The team's space on the backend (reference server: a space; CouchDB: a database).
    pub space: String,
    /// A token for this one device (single use for joining, then the device's own).
    pub token: String,
    pub key: [u8; KEY_BYTES],
    /// Which generation of the team key `key` is.
    pub epoch: u32,
    /// After this the invite is refused (milliseconds since 1970 UTC).
    pub expires_ms: u64,
}

/// The key and the token never appear in a debug print (logs, panics, test output).
impl std::fmt::Debug for Invite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Invite")
            .field("team_id", &self.team_id)
            .field("team_name", &self.team_name)
            .field("kind", &self.kind)
            .field("url", &self.url)
            .field("space", &self.space)
            .field("token", &"…")
            .field("key", &"…")
            .field("epoch", &self.epoch)
            .field("expires_ms", &self.expires_ms)
            .finish()
    }
}

/// Why an invite code was refused. Nothing is written when one is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InviteError {
    /// Not an SSP Handleguide invite at all (another QR code, a web address …).
    Foreign,
    /// Mistyped, cut short or changed: the check sum does not match, or the fields do not read.
    Damaged,
    /// Made by a newer app.
    NewerVersion(u8),
    /// Past its deadline.
    Expired { expires_ms: u64 },
    /// The backend address in it is not one this app will talk to.
    BadAddress,
}

impl InviteError {
    pub fn reason(&self, lang: Lang) -> &'static str {
        let da = lang == Lang::Da;
        match self {
            InviteError::Foreign if da => {
                "Det er ikke en invitation til et hold i SSP Handleguide. Scan eller indsæt den kode, der vises under »Inviter« på den anden enhed."
            }
            InviteError::Foreign => {
                "This is not an invitation to an SSP Handleguide team. Scan or paste the code shown under \"Invite\" on the other device."
            }
            InviteError::Damaged if da => {
                "Koden er ikke hel eller er skrevet forkert. Scan den igen, eller kopiér hele koden."
            }
            InviteError::Damaged => {
                "The code is incomplete or mistyped. Scan it again, or copy the whole code."
            }
            InviteError::NewerVersion(_) if da => {
                "Invitationen er lavet af en nyere udgave af appen. Opdatér appen på denne enhed først."
            }
            InviteError::NewerVersion(_) => {
                "The invitation was made by a newer version of the app. Update the app on this device first."
            }
            InviteError::Expired { .. } if da => {
                "Invitationen er udløbet. Bed om en ny under »Inviter« på den anden enhed."
            }
            InviteError::Expired { .. } => {
                "The invitation has expired. Ask for a new one under \"Invite\" on the other device."
            }
            InviteError::BadAddress if da => {
                "Invitationen peger på en serveradresse, appen ikke bruger (kun https://). Intet er ændret."
            }
            InviteError::BadAddress => {
                "The invitation points to a server address the app does not use (https:// only). Nothing was changed."
            }
        }
    }
}

impl Invite {
    /// The invite's bytes (the layout in the module's documentation); `None` when a text field
    /// is longer than [`MAX_FIELD`] bytes (it would not read back whole, so it is not cut).
    pub fn to_bytes(&self) -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity(64 + self.url.len() + self.token.len());
        out.push(INVITE_VERSION);
        out.push(match self.kind {
            Kind::Json => 0,
            Kind::Couch => 1,
        });
        out.extend_from_slice(&self.epoch.to_be_bytes());
        out.extend_from_slice(&self.expires_ms.to_be_bytes());
        out.extend_from_slice(&self.key);
        for field in [
            &self.team_id,
            &self.team_name,
            &self.url,
            &self.space,
            &self.token,
        ] {
            let bytes = field.as_bytes();
            if bytes.len() > MAX_FIELD {
                return None;
            }
            out.extend_from_slice(&(bytes.len() as u16).to_be_bytes());
            out.extend_from_slice(bytes);
        }
        let crc = crc32(&out);
        out.extend_from_slice(&crc.to_be_bytes());
        Some(out)
    }

    /// The text form: `SSP-` and the bytes in base32, grouped by five; `None` as for
    /// [`Invite::to_bytes`].
    pub fn to_code(&self) -> Option<String> {
        let plain = base32_encode(&self.to_bytes()?);
        let groups: Vec<&str> = plain
            .as_bytes()
            .chunks(GROUP)
            .map(|c| std::str::from_utf8(c).unwrap_or_default())
            .collect();
        Some(format!("{INVITE_PREFIX}{}", groups.join("-")))
    }

    /// Reads an invite code as a person may have typed or a camera read it, and refuses one
    /// that is foreign, damaged, from a newer app, expired at `now_ms`, or for an address the
    /// app does not talk to.
    pub fn parse(code: &str, now_ms: u64) -> Result<Invite, InviteError> {
        let code = code.trim();
        let prefix = code
            .get(..INVITE_PREFIX.len())
            .filter(|p| p.eq_ignore_ascii_case(INVITE_PREFIX))
            .ok_or(InviteError::Foreign)?;
        let bytes = base32_decode(&code[prefix.len()..]).ok_or(InviteError::Damaged)?;
        let invite = Invite::from_bytes(&bytes)?;
        if now_ms > invite.expires_ms {
            return Err(InviteError::Expired {
                expires_ms: invite.expires_ms,
            });
        }
        Ok(invite)
    }

    /// Reads the bytes (the check sum first, then the fields).
    pub fn from_bytes(bytes: &[u8]) -> Result<Invite, InviteError> {
        let (body, sum) = bytes.split_last_chunk::<4>().ok_or(InviteError::Damaged)?;
        if crc32(body) != u32::from_be_bytes(*sum) {
            return Err(InviteError::Damaged);
        }
        let mut r = Reader(body);
        let version = r.byte()?;
        if version > INVITE_VERSION {
            return Err(InviteError::NewerVersion(version));
        }
        if version != INVITE_VERSION {
            return Err(InviteError::Damaged);
        }
        let kind = match r.byte()? {
            0 => Kind::Json,
            1 => Kind::Couch,
            _ => return Err(InviteError::Damaged),
        };
        let epoch = u32::from_be_bytes(r.array()?);
        let expires_ms = u64::from_be_bytes(r.array()?);
        let key: [u8; KEY_BYTES] = r.array()?;
        let mut text = || r.text();
        let (team_id, team_name, url, space, token) = (text()?, text()?, text()?, text()?, text()?);
        if !r.0.is_empty()
            || [&team_id, &space, &token]
                .iter()
                .any(|s| s.trim().is_empty())
        {
            return Err(InviteError::Damaged);
        }
        let url = check_url(&url).map_err(|_| InviteError::BadAddress)?;
        Ok(Invite {
            team_id,
            team_name,
            kind,
            url,
            space,
            token,
            key,
            epoch,
            expires_ms,
        })
    }
}

/// An invite code as a QR code: the side in modules and one SVG path of the dark modules (a
/// `M x y h1 v1 h-1 z` square each, unit modules), for a `viewBox` with a quiet zone of
/// [`QR_QUIET`] modules around it. Error correction level M (15% of the code may be lost to a
/// glare or a finger). `None` if the code is too long for any QR version.
pub fn invite_qr(code: &str) -> Option<(usize, String)> {
    use qrcode::{Color, EcLevel, QrCode};
    let qr = QrCode::with_error_correction_level(code.as_bytes(), EcLevel::M).ok()?;
    let width = qr.width();
    let mut path = String::new();
    for (i, color) in qr.to_colors().iter().enumerate() {
        if *color == Color::Dark {
            let (x, y) = (i % width + QR_QUIET, i / width + QR_QUIET);
            path.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    Some((width, path))
}

/// Light modules around a QR code, as the standard asks.
pub const QR_QUIET: usize = 4;

/// How long an invite can be used: long enough to walk over to a colleague, short enough that
/// a photographed code is soon worthless (and the server refuses it after its first use).
pub const INVITE_TTL_MS: u64 = 30 * 60 * 1000;
/// The longest team name (it travels in every invite).
pub const MAX_TEAM_NAME: usize = 80;

/// What is wrong with the "Opret et hold" form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewTeamProblem {
    NameMissing,
    NameTooLong,
    Url(UrlProblem),
    OrganiserMissing,
    /// CouchDB: the administrator's user name is missing.
    AdminMissing,
}

/// Checks the "Opret et hold" form: the name (trimmed, at most [`MAX_TEAM_NAME`] characters),
/// the server's address (the sync settings' rules) and the organiser's token. Returns the name
/// and the address as they are used.
pub fn check_new_team(
    name: &str,
    url: &str,
    organiser: &str,
) -> Result<(String, String), NewTeamProblem> {
    let name = name.trim();
    if name.is_empty() {
        return Err(NewTeamProblem::NameMissing);
    }
    if name.chars().count() > MAX_TEAM_NAME {
        return Err(NewTeamProblem::NameTooLong);
    }
    let url = check_url(url).map_err(NewTeamProblem::Url)?;
    if organiser.trim().is_empty() {
        return Err(NewTeamProblem::OrganiserMissing);
    }
    Ok((name.to_string(), url))
}

/// Checks the CouchDB administrator's login of the "Opret et hold" form (its password is the
/// form's organiser field, checked by [`check_new_team`]): the user name, trimmed.
pub fn check_couch_admin(user: &str) -> Result<String, NewTeamProblem> {
    let user = user.trim();
    if user.is_empty() || user.contains(':') {
        return Err(NewTeamProblem::AdminMissing);
    }
    Ok(user.to_string())
}

/// Where the device's teams are kept. Not on the lock's allowlist: with a PIN set, the team keys
/// and tokens are sealed like the concerns (`vault::is_sealed_key`).
pub const TEAMS_KEY: &str = "ssp.teams";
const TEAMS_CODEC: Codec = Codec {
    schema: 1,
    migrations: &[],
};

/// A team this device belongs to: where its space is, this device's token, the team keys it has
/// (one per epoch it has seen, the newest last), and which concerns it shares with the team.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Team {
    pub id: String,
    pub name: String,
    pub kind: Kind,
    pub url: String,
    pub space: String,
    /// This device's token for the team's space.
    pub token: String,
    /// `(epoch, key in base64)`, oldest first.
    pub keys: Vec<(u32, String)>,
    /// Ids of the concerns this device shares with the team ("Del med holdet").
    #[serde(default)]
    pub shared: BTreeSet<String>,
    pub joined_ms: u64,
    /// This device's id in the team's space (the server's; for the list of devices).
    #[serde(default)]
    pub device: String,
    /// Whether this device made the team (it invites and removes).
    #[serde(default)]
    pub owner: bool,
    /// This device's ECDH P-256 private key for the team (PKCS #8, base64; empty: none): the
    /// owner wraps a new team key for it (`domain::team_keys`).
    #[serde(default)]
    pub ecdh: String,
    /// Its public half (base64url), for the number people compare in person.
    #[serde(default)]
    pub ecdh_public: String,
}

/// What the server answers to a new team or a join: this device's token and id in the space.
#[derive(Clone, PartialEq, Eq)]
pub struct Member {
    pub space: String,
    pub token: String,
    pub device: String,
}

impl std::fmt::Debug for Member {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Member")
            .field("space", &self.space)
            .field("device", &self.device)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Team {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Team")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("space", &self.space)
            .field(
                "epochs",
                &self.keys.iter().map(|(e, _)| e).collect::<Vec<_>>(),
            )
            .field("shared", &self.shared.len())
            .finish()
    }
}

impl Team {
    /// The team as an invite makes it on the joining device, with the token the server gave
    /// this device for the invite (the invite's own token is used up).
    pub fn from_invite(invite: &Invite, member: &Member, now_ms: u64) -> Team {
        Team {
            id: invite.team_id.clone(),
            name: invite.team_name.clone(),
            kind: invite.kind,
            url: invite.url.clone(),
            space: member.space.clone(),
            token: member.token.clone(),
            keys: vec![(invite.epoch, b64_encode(&invite.key))],
            shared: BTreeSet::new(),
            joined_ms: now_ms,
            device: member.device.clone(),
            owner: false,
            ecdh: String::new(),
            ecdh_public: String::new(),
        }
    }

    /// A new team made on this device ("Opret et hold"): `id` and `key` are fresh random
    /// values, the space and token the server's answer.
    pub fn created(
        id: &str,
        name: &str,
        (kind, url): (Kind, &str),
        member: &Member,
        key: &[u8; KEY_BYTES],
        now_ms: u64,
    ) -> Team {
        Team {
            id: id.to_string(),
            name: name.trim().to_string(),
            kind,
            url: url.to_string(),
            space: member.space.clone(),
            token: member.token.clone(),
            keys: vec![(1, b64_encode(key))],
            shared: BTreeSet::new(),
            joined_ms: now_ms,
            device: member.device.clone(),
            owner: true,
            ecdh: String::new(),
            ecdh_public: String::new(),
        }
    }

    /// The invite this team's owner shows: the server's invite token and deadline, the current
    /// key. `None` when the team has no key, or the invite would not fit in a code (a text
    /// field over [`MAX_FIELD`] bytes).
    pub fn invite(&self, token: &str, expires_ms: u64) -> Option<Invite> {
        let (epoch, key) = self.current()?;
        let invite = Invite {
            team_id: self.id.clone(),
            team_name: self.name.clone(),
            kind: self.kind,
            url: self.url.clone(),
            space: self.space.clone(),
            token: token.to_string(),
            key,
            epoch,
            expires_ms,
        };
        invite.to_bytes().is_some().then_some(invite)
    }

    /// The team with this device's ECDH private key (PKCS #8), made when it joined or created it.
    pub fn with_ecdh(mut self, pkcs8: &[u8], public_key: &str) -> Team {
        self.ecdh = b64_encode(pkcs8);
        self.ecdh_public = public_key.to_string();
        self
    }

    /// This device's number in the team, as the owner's list shows it: its key's fingerprint
    /// ([`fingerprint`]), or the start of its device id when it has no key.
    pub fn number(&self) -> String {
        device_number(&self.device, Some(&self.ecdh_public))
    }

    /// This device's ECDH private key (PKCS #8), if it has one.
    pub fn ecdh_key(&self) -> Option<Vec<u8>> {
        b64_decode(&self.ecdh).filter(|k| !k.is_empty())
    }

    /// The newest epoch this device holds (0 when it holds none).
    pub fn epoch(&self) -> u32 {
        self.keys.iter().map(|(e, _)| *e).max().unwrap_or(0)
    }

    /// The key of `epoch`, if this device has it.
    pub fn key(&self, epoch: u32) -> Option<[u8; KEY_BYTES]> {
        let (_, key) = self.keys.iter().find(|(e, _)| *e == epoch)?;
        b64_decode(key)?.try_into().ok()
    }

    /// The newest key: what new writes are sealed with.
    pub fn current(&self) -> Option<(u32, [u8; KEY_BYTES])> {
        let (epoch, _) = self.keys.iter().max_by_key(|(e, _)| *e)?;
        Some((*epoch, self.key(*epoch)?))
    }
}

/// A device's number as people compare it in person: 60 bits of its public key (the first bytes
/// of the point's x coordinate) in the invite code's base32, as `XXXX-XXXX-XXXX`. The owner's
/// list shows each device's number from the key the server gave; each device shows its own from
/// its own key: if they match, the new key was wrapped for that device and no other.
pub fn fingerprint(public_key: &[u8; crate::domain::team_keys::PUBLIC_KEY_BYTES]) -> String {
    let text = base32_encode(&public_key[1..9]);
    format!("{}-{}-{}", &text[..4], &text[4..8], &text[8..12])
}

/// A device's number: its public key's fingerprint, or the first 8 characters of its id.
pub fn device_number(device: &str, public_key: Option<&str>) -> String {
    if let Some(key) = public_key.and_then(crate::domain::team_keys::parse_public_key) {
        return fingerprint(&key);
    }
    let head: String = device
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(8)
        .collect::<String>()
        .to_uppercase();
    match head.len() {
        0..=4 => head,
        _ => format!("{}-{}", &head[..4], &head[4..]),
    }
}

/// Why a team change was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TeamError {
    /// The device is already in this team (the invite is not used twice).
    AlreadyJoined,
    /// No team with this id on the device.
    Unknown,
    Store(StoreError),
}

/// The device's teams, as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Teams {
    pub teams: Vec<Team>,
}

impl Teams {
    /// The stored teams (none when nothing is stored, or it was set aside as unreadable).
    pub fn load(store: &dyn KeyValueStore, now_ms: u64) -> Teams {
        storage::load(store, TEAMS_KEY, &TEAMS_CODEC, now_ms)
            .found()
            .unwrap_or_default()
    }

    /// Whether any team is stored (nothing decoded: the scheduler asks every 20 s).
    pub fn stored(store: &dyn KeyValueStore) -> bool {
        store.get(TEAMS_KEY).ok().flatten().is_some()
    }

    fn save(&self, store: &dyn KeyValueStore, now_ms: u64) -> Result<(), TeamError> {
        storage::save(store, TEAMS_KEY, &TEAMS_CODEC, self, now_ms).map_err(TeamError::Store)
    }

    /// Whether the device is in the team already (asked before an invite is used up).
    pub fn has(&self, team_id: &str) -> bool {
        self.teams.iter().any(|t| t.id == team_id)
    }

    /// Stores a team this device made or joined; memory changes only when the write succeeded.
    pub fn add(
        &mut self,
        store: &dyn KeyValueStore,
        team: Team,
        now_ms: u64,
    ) -> Result<(), TeamError> {
        if self.has(&team.id) {
            return Err(TeamError::AlreadyJoined);
        }
        let mut next = self.clone();
        next.teams.push(team);
        next.save(store, now_ms)?;
        *self = next;
        Ok(())
    }

    /// Changes one team and stores the result; memory changes only when the write succeeded.
    fn change(
        &mut self,
        store: &dyn KeyValueStore,
        team_id: &str,
        now_ms: u64,
        f: impl FnOnce(&mut Team),
    ) -> Result<(), TeamError> {
        let mut next = self.clone();
        let team = next
            .teams
            .iter_mut()
            .find(|t| t.id == team_id)
            .ok_or(TeamError::Unknown)?;
        f(team);
        next.save(store, now_ms)?;
        *self = next;
        Ok(())
    }

    /// Shares (or stops sharing) the concern with the team. Stopping keeps what the others
    /// already have: it only stops future updates.
    pub fn set_shared(
        &mut self,
        store: &dyn KeyValueStore,
        team_id: &str,
        concern_id: &str,
        shared: bool,
        now_ms: u64,
    ) -> Result<(), TeamError> {
        self.change(store, team_id, now_ms, |team| {
            if shared {
                team.shared.insert(concern_id.to_string());
            } else {
                team.shared.remove(concern_id);
            }
        })
    }

    /// Shares every concern of `ids` with the team in one write (those that arrived in a pulled
    /// page). Memory changes only when the write succeeded.
    pub fn share_all(
        &mut self,
        store: &dyn KeyValueStore,
        team_id: &str,
        ids: &[String],
        now_ms: u64,
    ) -> Result<(), TeamError> {
        self.change(store, team_id, now_ms, |team| {
            team.shared.extend(ids.iter().cloned());
        })
    }

    /// Stores a key generation the device received for the team (a rotation): new writes are
    /// sealed with the newest epoch, and documents of every epoch held still open. An epoch
    /// already held keeps its key (what was sealed under it must keep opening). Memory changes
    /// only when the write succeeded.
    pub fn add_key(
        &mut self,
        store: &dyn KeyValueStore,
        team_id: &str,
        epoch: u32,
        key: &[u8; KEY_BYTES],
        now_ms: u64,
    ) -> Result<(), TeamError> {
        if self
            .teams
            .iter()
            .any(|t| t.id == team_id && t.keys.iter().any(|(e, _)| *e == epoch))
        {
            return Ok(());
        }
        self.change(store, team_id, now_ms, |team| {
            team.keys.push((epoch, b64_encode(key)));
            team.keys.sort_by_key(|(e, _)| *e);
        })
    }

    /// Forgets the team on this device (it left, or was removed): its keys, token and what it
    /// shares. Memory changes only when the write succeeded. The lane's own keys are
    /// [`crate::domain::sync::lane::forget_team`]'s.
    pub fn remove(
        &mut self,
        store: &dyn KeyValueStore,
        team_id: &str,
        now_ms: u64,
    ) -> Result<(), TeamError> {
        if !self.has(team_id) {
            return Err(TeamError::Unknown);
        }
        let mut next = self.clone();
        next.teams.retain(|t| t.id != team_id);
        next.save(store, now_ms)?;
        *self = next;
        Ok(())
    }

    /// The teams the concern is shared with (for the mark in the list and on the concern).
    pub fn sharing(&self, concern_id: &str) -> Vec<&Team> {
        self.teams
            .iter()
            .filter(|t| t.shared.contains(concern_id))
            .collect()
    }
}

/// Which concerns each team shares, read from the stored teams without their keys and tokens:
/// all the concern store's subscriber and the scheduler need, and a small decoder on the first
/// screen (the whole [`Teams`] is read only in the chunks that sync and show teams). It reads
/// whatever [`Teams`] wrote (a subset of its fields).
#[derive(Debug, Default, PartialEq, Eq, Deserialize)]
pub struct Sharing {
    teams: Vec<SharedBy>,
}

#[derive(Debug, PartialEq, Eq, Deserialize)]
struct SharedBy {
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    shared: BTreeSet<String>,
}

impl Sharing {
    pub fn load(store: &dyn KeyValueStore, now_ms: u64) -> Sharing {
        storage::load(store, TEAMS_KEY, &TEAMS_CODEC, now_ms)
            .found()
            .unwrap_or_default()
    }

    /// The ids of the device's teams.
    pub fn team_ids(&self) -> impl Iterator<Item = &str> {
        self.teams.iter().map(|t| t.id.as_str())
    }

    /// The ids of the teams that share the concern.
    pub fn sharing<'a>(&'a self, concern_id: &'a str) -> impl Iterator<Item = &'a str> {
        self.teams
            .iter()
            .filter(move |t| t.shared.contains(concern_id))
            .map(|t| t.id.as_str())
    }

    /// Each team as `(id, name, whether it shares the concern)`: the concern's Deling section.
    pub fn for_concern<'a>(
        &'a self,
        concern_id: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a str, bool)> {
        self.teams.iter().map(move |t| {
            (
                t.id.as_str(),
                t.name.as_str(),
                t.shared.contains(concern_id),
            )
        })
    }

    /// The names of the teams that share the concern (the mark in the list).
    pub fn names_sharing<'a>(&'a self, concern_id: &'a str) -> impl Iterator<Item = &'a str> {
        self.for_concern(concern_id)
            .filter(|(_, _, shared)| *shared)
            .map(|(_, name, _)| name)
    }
}

/// Reads an invite's fields one after another.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], InviteError> {
        if self.0.len() < n {
            return Err(InviteError::Damaged);
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn byte(&mut self) -> Result<u8, InviteError> {
        Ok(self.take(1)?[0])
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], InviteError> {
        self.take(N)?.try_into().map_err(|_| InviteError::Damaged)
    }

    fn text(&mut self) -> Result<String, InviteError> {
        let n = usize::from(u16::from_be_bytes(self.array()?));
        if n > MAX_FIELD {
            return Err(InviteError::Damaged);
        }
        String::from_utf8(self.take(n)?.to_vec()).map_err(|_| InviteError::Damaged)
    }
}

/// CRC-32 (IEEE 802.3, as zip and PNG use it).
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

/// Crockford base32, no padding.
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// Reads Crockford base32 as people write it: either case, `O` as `0`, `I`/`L` as `1`, spaces
/// and hyphens ignored. `None` for any other character or trailing bits that are not zero.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.chars() {
        let c = match c.to_ascii_uppercase() {
            ' ' | '-' | '\n' | '\r' | '\t' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        };
        let value = ALPHABET.iter().position(|&a| char::from(a) == c)? as u32;
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
        buffer &= (1 << bits) - 1;
    }
    (buffer == 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fingerprint_is_60_bits_of_the_key_in_three_groups() {
        let mut p = [0u8; 65];
        p[0] = 4;
        let f = fingerprint(&p);
        assert_eq!(f, "0000-0000-0000");
        p[1] = 0xff;
        assert_eq!(fingerprint(&p), "ZW00-0000-0000");
        // Only the x coordinate's first 8 bytes count; y does not.
        p[40] = 1;
        assert_eq!(fingerprint(&p), "ZW00-0000-0000");
        p[8] = 0x80;
        assert_ne!(fingerprint(&p), "ZW00-0000-0000");
    }

    #[test]
    fn a_new_key_epoch_is_added_and_the_old_ones_kept() {
        let store = crate::domain::storage::MemoryStore::new();
        let member = Member {
            space: "s".into(),
            token: "t".into(),
            device: "d".into(),
        };
        let team = Team::created(
            "h",
            "Hold",
            (Kind::Json, "https://x.test"),
            &member,
            &[1; 32],
            5,
        );
        let mut teams = Teams::default();
        teams.add(&store, team, 5).unwrap();
        teams.add_key(&store, "h", 2, &[2; 32], 6).unwrap();
        // The same epoch again does not replace its key.
        teams.add_key(&store, "h", 2, &[9; 32], 7).unwrap();
        assert_eq!(
            teams.add_key(&store, "nope", 3, &[3; 32], 7),
            Err(TeamError::Unknown)
        );
        let stored = Teams::load(&store, 8);
        assert_eq!(stored, teams);
        let t = &stored.teams[0];
        assert_eq!(t.current(), Some((2, [2; 32])));
        assert_eq!(t.key(1), Some([1; 32]));
        assert_eq!(
            t.keys.iter().map(|(e, _)| *e).collect::<Vec<_>>(),
            vec![1, 2]
        );
    }

    #[test]
    fn crc32_matches_the_standard_check_value() {
        // The check value of CRC-32/ISO-HDLC for "123456789".
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn base32_matches_crockfords_alphabet() {
        assert_eq!(base32_encode(b""), "");
        assert_eq!(base32_encode(&[0xFF]), "ZW");
        assert_eq!(base32_encode(b"f"), "CR");
        assert_eq!(base32_encode(b"foobar"), "CSQPYRK1E8");
        assert_eq!(base32_decode("csqp-yrk1 e8"), Some(b"foobar".to_vec()));
        assert_eq!(base32_decode("CSQPYRKIE8"), Some(b"foobar".to_vec()));
        assert_eq!(base32_decode("CU"), None, "trailing bits must be zero");
        assert_eq!(base32_decode("C*"), None);
    }
}
