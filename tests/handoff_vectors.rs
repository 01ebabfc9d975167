//! Hand-off files (issue 18, item 7) checked with an independent PBKDF2-HMAC-SHA256 and
//! AES-256-GCM (RustCrypto, `crypto_support`): a file the browser's WebCrypto sealed with a
//! one-time code (a fixed vector, copied from the app) opens with the code as a person types it,
//! and with nothing else; a file sealed for a team opens with that team's key of that epoch only;
//! the additional data is spelled out here, not taken from the app; no file holds a word of the
//! concern; a concern already on the device is refused.

mod crypto_support;

use crypto_support::{open, pbkdf2_sha256, seal};
use ssp_handleguide::domain::concern::{Concern, PlanLine};
use ssp_handleguide::domain::guide::{self, engine::Answer, engine::Answers, Timing};
use ssp_handleguide::domain::handoff::{
    decide, open_concern, read_code, sealed_text, Handoff, HandoffError, Lock, ITERATIONS,
};

/// The additional data of a code file, as docs and the module say: format, version, mode.
const CODE_AAD: &[u8] = b"ssp-handleguide-handoff\x001\x00code";

const PSEUDONYM: &str = "Fiktiv-Ø7";
const OBSERVED: &str = "Kom med blå mærker på armen og ville ikke hjem";
const ACTION: &str = "Ring til den sociale vagt i dag";

fn concern(id: &str) -> Concern {
    let mut answers = Answers::new();
    answers.insert(
        "observation".into(),
        Answer::Text([("observed".to_string(), OBSERVED.to_string())].into()),
    );
    Concern::new(
        id.into(),
        PSEUDONYM,
        Some("Testskolen 6.x".into()),
        "koege",
        answers,
        guide::Level::Red,
        vec![PlanLine {
            what: ACTION.into(),
            who: "Dig".into(),
            timing: Timing::Today,
        }],
        7,
        1_765_000_000_000,
        "Lærer",
    )
    .expect("a valid concern")
}

/// A file as the app writes it, sealed here with the independent implementation.
fn code_file(code: &str, c: &Concern) -> String {
    let (salt, iv) = ([5u8; 16], [6u8; 12]);
    let key = pbkdf2_sha256(code.as_bytes(), &salt, ITERATIONS, 32);
    let ct = seal(&key, &iv, sealed_text(c).as_bytes(), CODE_AAD);
    Handoff {
        lock: Lock::Code {
            salt: salt.to_vec(),
            iterations: ITERATIONS,
        },
        iv: iv.to_vec(),
        ct,
    }
    .encode()
}

/// Opens a code file with the independent implementation and the code as typed.
fn open_code_file(text: &str, typed: &str) -> Result<Concern, HandoffError> {
    let file = Handoff::parse(text)?;
    let Lock::Code { salt, iterations } = &file.lock else {
        panic!("a code file")
    };
    let code = read_code(typed)?;
    let key = pbkdf2_sha256(code.as_bytes(), salt, *iterations, 32);
    // The additional data the app reads a file with is the one spelled out here.
    assert_eq!(file.lock.aad(), CODE_AAD);
    let plain = open(&key, &file.iv, &file.ct, &file.lock.aad()).ok_or(HandoffError::WrongCode)?;
    open_concern(&plain)
}

/// A file the app sealed in Chromium (WebCrypto, the release build) with the one-time code it
/// showed, `BROWSER_CODE`: the first concern of `tests/fixtures/concerns-v1.json` with the
/// pseudonym "Fiktiv-H3", handed over from its page as the e2e test does.
const BROWSER_CODE: &str = "7TZR-TTGN-N9CT";
const BROWSER_FILE: &str = r#"{"format":"ssp-handleguide-handoff","version":1,"mode":"code","salt":"Q1iRbLaA20MtvR1r1n24YA==","iterations":600000,"iv":"W7ziDepGxzaXUwkR","ct":"E3fPxlGkd2soJLOMzsZcTNr6Il1ewhZ1kSkDecqGN4MaN8gTS4scWquDLNSvQ2I+fbcb0Bgf1RRJxhOLso5EqhY8Bsd437+HEkhCMweh9W4ILvDVFg3FpYSUDo4bfWnjwy+BN4oaJua6NBgDFaBqah1LXJWuV/sQ7atM5+0p/0HKIlLAr+wrm4aQFWHmHkQ8HzNScQ4nSwaLODJWvQ6eE3ppz1R+ZlNUgin/0f4x0cDvYl1sc6fduURBlPFAasvebQfyUFiljIEIeIWuMS2i5LosyaUdYOMzUYqLDnTRtLff/dV3rmWSaqlWqpxvr7UwI3KbXai2i8gGD6gUw+t+dipkJNKo/Q2iqQGfqb/bpKKVZNwwjrlmJ4t2ro3RQnjxvGMMPtgfwYIDjIGIbiW4Zajf6mdCHk6kFK99BPiy9gkH05JxauOimX2Zbt6JREeDqsZV/4RTadsaITgNaXwXtKoRzcO21bTyYYLlCFxF1Q0bVS3+V/M05XsYWvDSvGDcjYsVPQKXoPBQdlH83oVijNEyCfNgRyXIV4wNdM1VfqWBJ7tvw4ayzCEnR7U8GA3KhS5a7M0l6x1dv7dzvNMw3za/bPYPnbi4D9BiI2+Z8vEWNQ/49n9qzk9nNQ3pdNyGD/872FCLN1zybqQRG3fZltfx1587skKE67V7lMHHawufwT4lRbgHyKO3UvyYYDkrPNW5JXaeJMNI+1ksreaAFc7cZBpVJoQ3halV+9yo11RrxvmrpbJ3Br4ar2sSZCukhwhna8wmhGc1vT3nhqx71DLHHkGlCbunHRuZWCpThxZUOqnoxdy/Vf6hBbLhJX28N2xNWS6pzie4jhwKZO+MtaduSiB6+Prf96MKKtLuVzLOFxpibd1ckE3rFmYKk9ZADT3+9r8q0pWYAgoNS+s4liYqd3i8Uc0ks7yIq9VvLdiO/Dmrs5/XWbw7mCjJC97C9vX5RaNzGUdhilAI60kcEq9pGFItz8jLOVi/ODM5L28Lk9uGhH/naz5x5qwHyjpbmSfv/RJ+4/lPThBCsMI2JOtK7oOOkQ1Tv/oejpOfikQGFRtKY/A7STDlTujxXWT8WQuX2mCODVENVBZ3u+yT2M2HPREPTfMGCJeoFbP0scPnpd9UZGRfrMiA1Qa4r9j8ZerkrLDzuRPIOvMImhF6VKFDccyGtHJ3gEEZ3R8ekJrz4nDeGCvBLcVq8ffK5yexqMg4NZrt0hb3FlTF53q1g+p3NV4vsvNZfSw4uwmj4B6ajgZTMCJP8lfZsUW2VUjl8d+L7NvT4h9qtIrPNX0pdxaI5Ohc1bzpK2NRrjr8Ez5XnKAdoOA="}"#;

#[test]
fn a_file_the_browser_sealed_opens_with_the_code_as_typed_and_not_with_another() {
    // Lower case and spaces, as a person types what they were told.
    let typed = BROWSER_CODE.to_lowercase().replace('-', " ");
    let c = open_code_file(BROWSER_FILE, &typed).expect("opens");
    assert_eq!(c.child, "Fiktiv-H3");
    assert_eq!(c.id, "3b0f2c64-9a51-4d7e-8a4e-1f2a3b4c5d01");
    assert_eq!(
        c.observation("observed"),
        Some("Skubbet i frikvarteret (fiktivt eksempel).")
    );
    // One character else: refused.
    let mut other: Vec<char> = BROWSER_CODE.chars().collect();
    other[0] = if other[0] == 'A' { 'B' } else { 'A' };
    let other: String = other.into_iter().collect();
    assert_eq!(
        open_code_file(BROWSER_FILE, &other).unwrap_err(),
        HandoffError::WrongCode
    );
    // Its bytes hold no word of the concern.
    for word in ["Fiktiv", "pseudonym", "observed", "frikvarteret"] {
        assert!(!BROWSER_FILE.contains(word), "{word}");
    }
}

#[test]
fn a_code_file_opens_with_its_code_however_typed_and_holds_no_word_of_the_concern() {
    let c = concern("2f1c9a4e-0000-4000-8000-000000000001");
    let text = code_file("ABCDEFGHJKMN", &c);
    for word in [
        PSEUDONYM,
        "Fiktiv",
        OBSERVED,
        "blå",
        ACTION,
        "Testskolen",
        "pseudonym",
    ] {
        assert!(!text.contains(word), "{word} in {text}");
    }
    for typed in [
        "ABCD-EFGH-JKMN",
        "abcd efgh jkmn",
        "abcdefghjkmn",
        " AbCd-eFgH-jKmN ",
    ] {
        assert_eq!(open_code_file(&text, typed).as_ref(), Ok(&c), "{typed}");
    }
    assert_eq!(
        open_code_file(&text, "ABCD-EFGH-JKMP"),
        Err(HandoffError::WrongCode)
    );
    assert_eq!(
        open_code_file(&text, "ABCD-EFGH-JKM"),
        Err(HandoffError::CodeMalformed)
    );
    // One byte of the ciphertext changed: refused (GCM's tag).
    let mut file = Handoff::parse(&text).unwrap();
    file.ct[3] ^= 1;
    assert_eq!(
        open_code_file(&file.encode(), "ABCDEFGHJKMN"),
        Err(HandoffError::WrongCode)
    );
}

#[test]
fn a_team_file_opens_with_that_teams_key_of_that_epoch_only() {
    let c = concern("2f1c9a4e-0000-4000-8000-000000000002");
    let key = [0x42u8; 32];
    let iv = [7u8; 12];
    let aad = |team: &str, epoch: u32| {
        format!("ssp-handleguide-handoff\x001\x00team\x00{team}\x00{epoch}")
    };
    let ct = seal(
        &key,
        &iv,
        sealed_text(&c).as_bytes(),
        aad("hold-1", 3).as_bytes(),
    );
    let text = Handoff {
        lock: Lock::Team {
            team: "hold-1".into(),
            epoch: 3,
        },
        iv: iv.to_vec(),
        ct,
    }
    .encode();
    assert!(!text.contains("Fiktiv"));
    let file = Handoff::parse(&text).unwrap();
    // The app's additional data is the one spelled out above.
    assert_eq!(file.lock.aad(), aad("hold-1", 3).into_bytes());
    let plain = open(&key, &file.iv, &file.ct, &file.lock.aad()).unwrap();
    assert_eq!(open_concern(&plain), Ok(c.clone()));
    // Another key, another team, another epoch: not opened.
    assert!(open(&[0x43; 32], &file.iv, &file.ct, &file.lock.aad()).is_none());
    assert!(open(&key, &file.iv, &file.ct, aad("hold-2", 3).as_bytes()).is_none());
    assert!(open(&key, &file.iv, &file.ct, aad("hold-1", 4).as_bytes()).is_none());
    // Told to read as a code file: the mode is bound too.
    assert!(open(&key, &file.iv, &file.ct, CODE_AAD).is_none());
}

#[test]
fn a_concern_already_on_the_device_is_refused_and_another_is_added() {
    let here = vec![concern("a"), concern("b")];
    assert_eq!(decide(&here, concern("a")), Err(HandoffError::AlreadyHere));
    assert_eq!(decide(&here, concern("c")).map(|c| c.id), Ok("c".into()));
}

#[test]
fn a_sealed_record_that_is_not_a_concern_or_from_a_newer_app_is_refused() {
    assert_eq!(open_concern(b"\xff\xfe"), Err(HandoffError::Damaged));
    assert_eq!(open_concern(b"{}"), Err(HandoffError::Damaged));
    let newer = sealed_text(&concern("x")).replace(r#""schema":3"#, r#""schema":99"#);
    assert_eq!(
        open_concern(newer.as_bytes()),
        Err(HandoffError::NewerVersion)
    );
    // A record whose pseudonym reads as a full name is not let in.
    let named = sealed_text(&concern("x")).replace(PSEUDONYM, "Anna Jensen");
    assert_eq!(open_concern(named.as_bytes()), Err(HandoffError::Damaged));
    // The stored record itself round-trips.
    let c = concern("x");
    assert_eq!(open_concern(sealed_text(&c).as_bytes()), Ok(c));
}
