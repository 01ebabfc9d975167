//! Team invites (issue 18): the code round-trips through its text form as people type it, any
//! single mistyped character is refused as damaged (never read as another team), and expired,
//! foreign, newer and badly addressed invites are refused with a reason in both languages.

use proptest::prelude::*;
use ssp_handleguide::domain::i18n::Lang;
use ssp_handleguide::domain::sync::config::Kind;
use ssp_handleguide::domain::team::{Invite, InviteError, Member, Team, INVITE_PREFIX};

const NOW: u64 = 1_796_000_000_000;

fn invite() -> Invite {
    Invite {
        team_id: "7c1d0f3a-hold".into(),
        team_name: "SSP-holdet på Testrup Skole (fiktivt)".into(),
        kind: Kind::Json,
        url: "https://sync.testrup.example/ssp".into(),
        space: "testrup-skole".into(),
        token: "tok_3f9a0c1e5b7d2a4f6e8c0b1d3f5a7c9e".into(),
        key: [7; 32],
        epoch: 1,
        expires_ms: NOW + 15 * 60 * 1000,
    }
}

#[test]
fn an_invite_reads_back_as_it_was_written_also_as_typed_by_hand() {
    let i = invite();
    let code = i.to_code().unwrap();
    assert!(code.starts_with(INVITE_PREFIX));
    // Long for typing, fine for pasting and for a QR code (version 10 holds 652 characters at
    // level M): the key alone is 52 characters. A code short enough to type would need the
    // server to hold the invite; see the module's documentation.
    assert!(code.len() < 400, "{} characters", code.len());
    assert_eq!(Invite::parse(&code, NOW), Ok(i.clone()));
    // As a person types it: lower case, O for 0, L for 1, spaces instead of hyphens, a newline.
    let typed = code
        .to_lowercase()
        .replace('0', "O")
        .replace('1', "l")
        .replace('-', " ")
        .replacen(' ', "\n", 3);
    let typed = format!("  ssp-{}  ", &typed[INVITE_PREFIX.len()..]);
    assert_eq!(Invite::parse(&typed, NOW), Ok(i));
}

#[test]
fn expired_foreign_newer_and_badly_addressed_invites_are_refused() {
    let i = invite();
    assert_eq!(
        Invite::parse(&i.to_code().unwrap(), i.expires_ms + 1),
        Err(InviteError::Expired {
            expires_ms: i.expires_ms
        })
    );
    for foreign in [
        "",
        "https://sync.testrup.example",
        "WIFI:S:skole;T:WPA;P:x;;",
        "SSP",
    ] {
        assert_eq!(
            Invite::parse(foreign, NOW),
            Err(InviteError::Foreign),
            "{foreign:?}"
        );
    }
    assert_eq!(Invite::parse("SSP-", NOW), Err(InviteError::Damaged));
    assert_eq!(Invite::parse("SSP-ABC*DEF", NOW), Err(InviteError::Damaged));
    // Cut short: the last group gone.
    let code = i.to_code().unwrap();
    let cut = &code[..code.rfind('-').unwrap()];
    assert_eq!(Invite::parse(cut, NOW), Err(InviteError::Damaged));
    // A newer format (the check sum made right, so only the version differs).
    let mut bytes = i.to_bytes().unwrap();
    bytes.truncate(bytes.len() - 4);
    bytes[0] = 2;
    let sum = ssp_handleguide::domain::team::crc32(&bytes);
    bytes.extend_from_slice(&sum.to_be_bytes());
    assert_eq!(
        Invite::from_bytes(&bytes),
        Err(InviteError::NewerVersion(2))
    );
    // An address the app does not talk to.
    let plain = Invite {
        url: "http://sync.testrup.example".into(),
        ..invite()
    };
    assert_eq!(
        Invite::parse(&plain.to_code().unwrap(), NOW),
        Err(InviteError::BadAddress)
    );
    // Every refusal says why in both languages.
    for e in [
        InviteError::Foreign,
        InviteError::Damaged,
        InviteError::NewerVersion(2),
        InviteError::Expired { expires_ms: 0 },
        InviteError::BadAddress,
    ] {
        assert_ne!(e.reason(Lang::Da), e.reason(Lang::En));
        assert!(!e.reason(Lang::Da).is_empty());
    }
}

#[test]
fn the_key_and_the_token_never_appear_in_a_debug_print() {
    let shown = format!("{:?}", invite());
    assert!(!shown.contains("tok_3f9a"), "{shown}");
    assert!(!shown.contains("7, 7, 7"), "{shown}");
    assert!(shown.contains("testrup-skole"));
}

fn any_invite() -> impl Strategy<Value = Invite> {
    (
        "[a-z0-9-]{1,40}",
        "\\PC{0,60}",
        prop_oneof![Just(Kind::Json), Just(Kind::Couch)],
        prop_oneof![
            Just("https://sync.testrup.example".to_string()),
            Just("https://couch.testrup.example:6984/ssp-hold".to_string()),
            Just("http://127.0.0.1:8787".to_string()),
        ],
        "[a-z0-9_-]{1,60}",
        "[A-Za-z0-9_.~-]{1,120}",
        proptest::array::uniform32(any::<u8>()),
        any::<u32>(),
        NOW..u64::MAX,
    )
        .prop_map(
            |(team_id, team_name, kind, url, space, token, key, epoch, expires_ms)| Invite {
                team_id,
                team_name,
                kind,
                url,
                space,
                token,
                key,
                epoch,
                expires_ms,
            },
        )
}

/// The value of a base32 character as the decoder reads it.
fn value(c: char) -> Option<u32> {
    let c = match c.to_ascii_uppercase() {
        'O' => '0',
        'I' | 'L' => '1',
        c => c,
    };
    "0123456789ABCDEFGHJKMNPQRSTVWXYZ".find(c).map(|i| i as u32)
}

proptest! {
    #[test]
    fn any_invite_round_trips(i in any_invite()) {
        prop_assert_eq!(Invite::parse(&i.to_code().unwrap(), NOW), Ok(i));
    }

    /// One character changed to one that reads differently: refused as damaged, never another
    /// invite (CRC-32 finds every error within 32 bits in a row; a character is 5).
    #[test]
    fn one_mistyped_character_is_always_refused(
        i in any_invite(),
        at in any::<prop::sample::Index>(),
        to in 0u32..32,
    ) {
        let code = i.to_code().unwrap();
        let places: Vec<usize> = code
            .char_indices()
            .skip(INVITE_PREFIX.len())
            .filter(|(_, c)| *c != '-')
            .map(|(k, _)| k)
            .collect();
        let k = places[at.index(places.len())];
        let old = code[k..].chars().next().unwrap();
        let new = char::from(b"0123456789ABCDEFGHJKMNPQRSTVWXYZ"[to as usize]);
        prop_assume!(value(old) != value(new));
        let changed = format!("{}{new}{}", &code[..k], &code[k + old.len_utf8()..]);
        prop_assert_eq!(Invite::parse(&changed, NOW), Err(InviteError::Damaged));
    }
}

/// The QR code drawn from an invite reads back, with an independent decoder (rqrr), as the same
/// invite: the path is rasterised the way a screen shows it and a camera sees it.
#[test]
fn the_invites_qr_code_reads_back_as_the_invite() {
    use ssp_handleguide::domain::team::{invite_qr, QR_QUIET};
    let i = invite();
    let code = i.to_code().unwrap();
    let (width, path) = invite_qr(&code).unwrap();
    assert!(width <= 77, "version 15 at most: {width} modules");
    // Rasterise the path: every `M x y` starts a dark unit square.
    let side = width + 2 * QR_QUIET;
    let mut dark = vec![false; side * side];
    for square in path.split('M').filter(|s| !s.is_empty()) {
        let mut xy = square
            .split(['h', ' '])
            .take(2)
            .map(|n| n.parse::<usize>().unwrap());
        let (x, y) = (xy.next().unwrap(), xy.next().unwrap());
        dark[y * side + x] = true;
    }
    let scale = 4;
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(side * scale, side * scale, |x, y| {
            if dark[(y / scale) * side + x / scale] {
                0
            } else {
                255
            }
        });
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1);
    let (_, read) = grids[0].decode().unwrap();
    assert_eq!(read, code);
    assert_eq!(Invite::parse(&read, NOW), Ok(i));
}

/// Joining stores the team (key, token, space) once; sharing and unsharing a concern is kept;
/// a second join with the same team is refused and changes nothing; a full store changes
/// nothing in memory either; the teams are sealed under a lock like the concerns.
#[test]
fn a_device_joins_a_team_once_and_shares_concerns_deliberately() {
    use ssp_handleguide::domain::storage::MemoryStore;
    use ssp_handleguide::domain::team::{Member, Team, TeamError, Teams, TEAMS_KEY};
    use ssp_handleguide::domain::vault;
    let store = MemoryStore::new();
    let mut teams = Teams::load(&store, NOW);
    assert!(teams.teams.is_empty());
    let i = invite();
    let member = Member {
        space: i.space.clone(),
        token: "tok_device_81c2".into(),
        device: "d-1".into(),
    };
    let team = Team::from_invite(&i, &member, NOW);
    teams.add(&store, team.clone(), NOW).unwrap();
    assert!(teams.has(&i.team_id));
    assert_eq!(teams.add(&store, team, NOW), Err(TeamError::AlreadyJoined));
    let team = &teams.teams[0];
    assert_eq!(team.current(), Some((1, [7; 32])));
    assert_eq!(team.key(2), None);
    assert!(!format!("{team:?}").contains("tok_3f9a"));
    assert!(!format!("{team:?}").contains("tok_device_81c2"));
    assert!(!format!("{member:?}").contains("tok_device_81c2"));
    // The invite's own token is used up: the team keeps the device's.
    assert_eq!(team.token, "tok_device_81c2");
    teams
        .set_shared(&store, &i.team_id, "concern-1", true, NOW)
        .unwrap();
    teams
        .set_shared(&store, &i.team_id, "concern-2", true, NOW)
        .unwrap();
    teams
        .set_shared(&store, &i.team_id, "concern-1", false, NOW)
        .unwrap();
    assert_eq!(
        teams.set_shared(&store, "another-team", "concern-2", true, NOW),
        Err(TeamError::Unknown)
    );
    let again = Teams::load(&store, NOW);
    assert_eq!(again, teams);
    assert_eq!(again.sharing("concern-2").len(), 1);
    assert!(again.sharing("concern-1").is_empty());
    // A full store: refused, memory unchanged.
    let full = MemoryStore::with_quota(10);
    let mut none = Teams::default();
    assert!(matches!(
        none.add(&full, Team::from_invite(&i, &member, NOW), NOW),
        Err(TeamError::Store(_))
    ));
    assert!(none.teams.is_empty());
    // With a PIN set, the team keys and tokens are sealed.
    assert!(vault::is_sealed_key(TEAMS_KEY));
}

#[test]
fn a_field_longer_than_an_invite_holds_makes_no_code_instead_of_a_cut_one() {
    // 512 bytes fit (a name of 256 "æ", two bytes each); 513 do not, and nothing is cut
    // (a cut "æ" would not read back, a cut token or address would be another one).
    let fits = Invite {
        team_name: "æ".repeat(256),
        ..invite()
    };
    assert_eq!(
        Invite::parse(&fits.to_code().unwrap(), NOW),
        Ok(fits.clone())
    );
    for long in [
        Invite {
            team_name: format!("{}a", "æ".repeat(256)),
            ..invite()
        },
        Invite {
            token: "t".repeat(513),
            ..invite()
        },
        Invite {
            url: format!("https://sync.testrup.example/{}", "s".repeat(500)),
            ..invite()
        },
    ] {
        assert_eq!(long.to_bytes(), None);
        assert_eq!(long.to_code(), None);
    }
    // The owner's device makes no invite from a server's over-long invite token.
    let member = Member {
        space: "t-testrup".into(),
        token: "device-token".into(),
        device: "d-1".into(),
    };
    let team = Team::created(
        "hold-1",
        "Testrup (fiktivt)",
        (Kind::Json, "https://sync.testrup.example"),
        &member,
        &[7; 32],
        NOW,
    );
    assert!(team.invite(&"t".repeat(512), NOW + 1).is_some());
    assert!(team.invite(&"t".repeat(513), NOW + 1).is_none());
}
