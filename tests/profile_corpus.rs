//! The malformed-profile corpus: each file in `tests/profiles/malformed/` has exactly one
//! defect (or, in `43-several-errors-at-once.json`, several) and must produce exactly the
//! listed errors — path and English reason — with a Danish reason beside each. The valid base
//! it was made from parses.

use ssp_handleguide::domain::i18n::Lang;
use ssp_handleguide::domain::profile;
use std::fs;
use std::path::Path;

const MISSING: &str = "required field is missing";
const UNKNOWN: &str = "unknown field (a typo? see docs/profile-format.md)";
const OBJECT: &str = "expected an object { … }";
const BAD_URL: &str = "must be a web address starting with https://";

/// (file, [(path, English reason)]) — the errors in the order the validator reports them
/// (sorted by path).
const CORPUS: &[(&str, &[(&str, &str)])] = &[
    ("01-not-json.json", &[("$", "not valid JSON (line 3, column 0)")]),
    ("02-root-is-a-list.json", &[("$", OBJECT)]),
    ("03-missing-format-version.json", &[("$.format_version", MISSING)]),
    (
        "04-format-version-from-the-future.json",
        &[("$.format_version", "format_version 2 is newer than this app can read (up to 1); update the app")],
    ),
    ("05-format-version-zero.json", &[("$.format_version", "must be between 1 and 1")]),
    ("06-format-version-as-text.json", &[("$.format_version", "expected a whole number")]),
    ("07-missing-name.json", &[("$.name", MISSING)]),
    ("08-blank-name.json", &[("$.name", "must not be empty")]),
    ("09-unknown-field-typo.json", &[("$.nmae", UNKNOWN)]),
    (
        "10-id-with-danish-letters.json",
        &[("$.id", "an id must be 1–40 characters: lowercase a–z, digits and hyphens")],
    ),
    ("11-id-as-number.json", &[("$.id", "expected an id (text)")]),
    (
        "12-no-documents.json",
        &[
            ("$.bodies[0].source.document", "\"kilde\" is not a known source document"),
            ("$.bodies[1].source.document", "\"kilde\" is not a known source document"),
            ("$.documents", "needs at least 1 item(s)"),
            ("$.roles[0].source.document", "\"kilde\" is not a known source document"),
            ("$.sparring_door.source.document", "\"kilde\" is not a known source document"),
            ("$.staircase.interventions[0].source.document", "\"kilde\" is not a known source document"),
            ("$.staircase.interventions[1].source.document", "\"kilde\" is not a known source document"),
            ("$.staircase.levels[0].source.document", "\"kilde\" is not a known source document"),
            ("$.staircase.levels[1].source.document", "\"kilde\" is not a known source document"),
            ("$.target_age.source.document", "\"kilde\" is not a known source document"),
        ],
    ),
    (
        "13-missing-roles.json",
        &[("$.roles", MISSING), ("$.sparring_door.role", "\"ssp-konsulent\" is not a known role")],
    ),
    ("14-duplicate-role-id.json", &[("$.roles[1].id", "id \"ssp-konsulent\" is used more than once")]),
    ("15-sparring-door-unknown-role.json", &[("$.sparring_door.role", "\"rektor\" is not a known role")]),
    (
        "16-source-unknown-document.json",
        &[("$.roles[0].source.document", "\"hjemmeside\" is not a known source document")],
    ),
    ("17-role-without-source.json", &[("$.roles[0].source", MISSING)]),
    ("18-mapped-without-model.json", &[("$.roles[0].mapped", "\"mapped\": true needs a \"model\"")]),
    ("19-model-without-mapped.json", &[("$.roles[0].model", "\"model\" needs \"mapped\": true")]),
    ("20-unknown-mapping-model.json", &[("$.roles[0].model", "must be one of: dkr-levels, editorial")]),
    (
        "21-intervention-unknown-topic.json",
        &[("$.staircase.interventions[0].topics[0]", "\"bullying\" is not a known topic")],
    ),
    (
        "22-intervention-unknown-level.json",
        &[
            ("$.staircase.interventions[0].levels[0]", "\"niveau-9\" is not a known staircase level"),
            ("$.staircase.levels[0]", "level \"niveau-1\" has no interventions"),
        ],
    ),
    (
        "23-intervention-without-levels.json",
        &[
            ("$.staircase.interventions[0].levels", "needs at least 1 item(s)"),
            ("$.staircase.levels[0]", "level \"niveau-1\" has no interventions"),
        ],
    ),
    ("24-empty-level.json", &[("$.staircase.levels[1]", "level \"niveau-2\" has no interventions")]),
    ("25-duplicate-level-number.json", &[("$.staircase.levels[1].number", "level 1 appears more than once")]),
    ("26-level-number-out-of-range.json", &[("$.staircase.levels[1].number", "must be between 1 and 5")]),
    (
        "27-duplicate-intervention-id.json",
        &[("$.staircase.interventions[1].id", "id \"social-pejling\" is used more than once")],
    ),
    ("28-no-interventions.json", &[("$.staircase.interventions", "needs at least 1 item(s)")]),
    (
        "29-cadence-not-understood.json",
        &[(
            "$.bodies[0].cadence.kind",
            "meeting cadence \"fortnightly\" is not understood; use per_year, at_least_per_year, weekly, on_weekday or as_needed",
        )],
    ),
    ("30-cadence-without-times.json", &[("$.bodies[0].cadence.times", MISSING)]),
    ("31-cadence-zero-times.json", &[("$.bodies[0].cadence.times", "must be between 1 and 52")]),
    (
        "32-cadence-weekend-weekday.json",
        &[("$.bodies[0].cadence.weekday", "must be one of: monday, tuesday, wednesday, thursday, friday")],
    ),
    ("33-cadence-extra-field.json", &[("$.bodies[0].cadence.month", UNKNOWN)]),
    ("34-cadence-as-free-text.json", &[("$.bodies[0].cadence", OBJECT)]),
    (
        "35-body-kind-unknown.json",
        &[("$.bodies[0].kind", "must be one of: strategic, steering, network, meeting, team, local")],
    ),
    ("36-body-parent-unknown.json", &[("$.bodies[1].parent", "\"kredsraad\" is not a known body or network")]),
    (
        "37-body-parent-cycle.json",
        &[
            ("$.bodies[0].parent", "\"netvaerk\" sits (indirectly) under itself"),
            ("$.bodies[1].parent", "\"lokalgruppe\" sits (indirectly) under itself"),
        ],
    ),
    ("38-target-age-reversed.json", &[("$.target_age", "\"from\" must not be greater than \"to\"")]),
    ("39-target-age-out-of-range.json", &[("$.target_age.to", "must be between 0 and 30")]),
    ("40-website-without-scheme.json", &[("$.links.website", BAD_URL)]),
    ("41-member-as-plain-text.json", &[("$.bodies[0].members[0]", OBJECT)]),
    ("42-action-plan-as-text.json", &[("$.staircase.interventions[1].action_plan", "expected true or false")]),
    (
        "43-several-errors-at-once.json",
        &[
            ("$.name", MISSING),
            ("$.roles[1].id", "id \"ssp-konsulent\" is used more than once"),
            ("$.staircase.interventions[0].topics[0]", "\"bullying\" is not a known topic"),
        ],
    ),
    // links.notification_channel: an address, or a route object with url and/or text + source.
    (
        "44-channel-route-without-url-or-text.json",
        &[("$.links.notification_channel", "needs a \"url\" or a \"text\" (or both)")],
    ),
    ("45-channel-route-without-source.json", &[("$.links.notification_channel.source", MISSING)]),
    (
        "46-channel-source-unknown-document.json",
        &[("$.links.notification_channel.source.document", "\"hjemmeside\" is not a known source document")],
    ),
    ("47-channel-route-url-without-scheme.json", &[("$.links.notification_channel.url", BAD_URL)]),
    ("48-channel-url-without-scheme.json", &[("$.links.notification_channel", BAD_URL)]),
    (
        "49-channel-as-list.json",
        &[("$.links.notification_channel", "expected a web address (text) or an object { … }")],
    ),
    ("50-channel-route-unknown-field.json", &[("$.links.notification_channel.email", UNKNOWN)]),
    ("51-channel-route-blank-text.json", &[("$.links.notification_channel.text", "must not be empty")]),
];

fn dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/profiles")
}

#[test]
fn the_valid_base_parses() {
    let raw = fs::read_to_string(dir().join("valid-minimal.json")).unwrap();
    let p = profile::parse(&raw).unwrap_or_else(|e| panic!("{e:#?}"));
    assert_eq!(p.id, "testby");
}

#[test]
fn every_malformed_profile_gives_exactly_its_errors() {
    let mut failures = Vec::new();
    for (file, expected) in CORPUS {
        let raw = fs::read_to_string(dir().join("malformed").join(file)).unwrap();
        let errors = match profile::parse(&raw) {
            Ok(_) => {
                failures.push(format!("{file}: parsed, but must fail"));
                continue;
            }
            Err(errors) => errors,
        };
        let got: Vec<(String, String)> = errors
            .iter()
            .map(|e| (e.path.clone(), e.reason(Lang::En)))
            .collect();
        let want: Vec<(String, String)> = expected
            .iter()
            .map(|(p, r)| (p.to_string(), r.to_string()))
            .collect();
        if got != want {
            failures.push(format!("{file}:\n  want {want:?}\n  got  {got:?}"));
        }
        for e in &errors {
            let (da, en) = (e.reason(Lang::Da), e.reason(Lang::En));
            assert!(
                !da.is_empty() && da != en,
                "{file} {}: Danish reason '{da}'",
                e.path
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_corpus_is_complete_and_large_enough() {
    let mut files: Vec<String> = fs::read_dir(dir().join("malformed"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    let listed: Vec<&str> = CORPUS.iter().map(|(f, _)| *f).collect();
    assert_eq!(
        files, listed,
        "every corpus file has its expected errors listed"
    );
    assert!(CORPUS.len() >= 30);
}
