//! The built-in profiles and the documented example: valid, faithful to their sources, and
//! free of invented contact details. (ARCHITECTURE.md, invariants on profiles.)

use serde_json::Value;
use ssp_handleguide::domain::profile::{self, Profile};
use std::fs;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn doc_example() -> String {
    let doc = fs::read_to_string(root().join("docs/profile-format.md")).unwrap();
    let start = doc.find("```json\n").expect("the doc has a JSON example") + 8;
    let end = start + doc[start..].find("\n```").unwrap();
    doc[start..end].to_string()
}

/// Collapses whitespace and unifies quotes/dashes, so a quote matches the seed text across line
/// breaks and typography.
fn normalise(s: &str) -> String {
    s.replace(['’', '‘'], "'")
        .replace(['”', '“'], "\"")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn the_documented_example_is_a_valid_profile() {
    let example = doc_example();
    let p = profile::parse(&example).unwrap_or_else(|errors| panic!("{errors:#?}"));
    assert_eq!(p.id, "eksempel");
    assert!(
        p.name.contains("fiktiv"),
        "the example is marked as fictional"
    );
}

/// The content pipeline: `build.rs` compiles the data in without whitespace. What the app
/// carries must be the checked-in file, value for value and key order kept.
#[test]
fn the_compiled_in_data_is_the_checked_in_file() {
    for b in profile::builtin() {
        let file = root().join(format!("data/profiles/{}.json", b.profile.id));
        let on_disk = fs::read_to_string(&file).unwrap();
        assert!(b.json.len() < on_disk.len(), "{}: minified", b.profile.id);
        let (a, d): (Value, Value) = (
            serde_json::from_str(b.json).unwrap(),
            serde_json::from_str(&on_disk).unwrap(),
        );
        assert_eq!(a, d, "{}", file.display());
        // Same tokens in the same order: only whitespace was taken out.
        let squeeze = |s: &str| s.split_whitespace().collect::<String>();
        assert_eq!(squeeze(b.json), squeeze(&on_disk), "{}", file.display());
    }
}

/// The content pipeline: the app decodes the built-in files without checking them (to start
/// fast and small), so this test is where they are checked, with the validator's messages.
#[test]
fn the_builtin_files_pass_the_import_validator() {
    for b in profile::builtin() {
        let checked = profile::parse(b.json).unwrap_or_else(|errors| {
            let lines: Vec<String> = errors
                .iter()
                .map(|e| {
                    format!(
                        "  {}: {}",
                        e.path,
                        e.reason(ssp_handleguide::domain::i18n::Lang::En)
                    )
                })
                .collect();
            panic!(
                "data/profiles/{}.json is not valid:\n{}",
                b.profile.id,
                lines.join("\n")
            )
        });
        assert_eq!(
            &checked, b.profile,
            "{}: what the app decodes is what was checked",
            b.profile.id
        );
    }
}

#[test]
fn the_five_builtins_validate_and_round_trip() {
    let ids: Vec<&str> = profile::builtin()
        .iter()
        .map(|b| b.profile.id.as_str())
        .collect();
    assert_eq!(ids, ["halsnaes", "holbaek", "koege", "silkeborg", "viborg"]);
    for b in profile::builtin() {
        let again: Profile = profile::parse(&b.profile.to_json().unwrap())
            .unwrap_or_else(|e| panic!("{} re-parses: {e:#?}", b.profile.id));
        assert_eq!(&again, b.profile);
    }
}

/// The municipality list is shown from the ids and names `build.rs` read, without decoding the
/// profiles: they must be the profiles' own, in the same order, and `find_builtin` decodes the
/// right one.
#[test]
fn the_list_of_municipalities_is_the_profiles_own_ids_and_names() {
    let texts: Vec<(&str, &str)> = profile::BUILTIN_TEXTS
        .iter()
        .map(|b| (b.id, b.name))
        .collect();
    let decoded: Vec<(&str, &str)> = profile::builtin()
        .iter()
        .map(|b| (b.profile.id.as_str(), b.profile.name.as_str()))
        .collect();
    assert_eq!(texts, decoded);
    for (id, name) in texts {
        assert_eq!(
            profile::find_builtin(id).map(|p| p.name.as_str()),
            Some(name)
        );
    }
    assert!(profile::find_builtin("testrup").is_none());
}

#[test]
fn builtin_names_are_the_municipalities_official_names() {
    let names: Vec<&str> = profile::builtin()
        .iter()
        .map(|b| b.profile.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "Halsnæs Kommune",
            "Holbæk Kommune",
            "Køge Kommune",
            "Silkeborg Kommune",
            "Viborg Kommune"
        ]
    );
}

/// Every quote in a built-in profile is found verbatim in the seed document it cites.
#[test]
fn every_quote_is_in_its_seed() {
    let mut missing = Vec::new();
    let mut quotes = 0;
    for b in profile::builtin() {
        let value: Value = serde_json::from_str(b.json).unwrap();
        let mut sources = Vec::new();
        collect_sources(&value, "$", &mut sources);
        for (path, source) in sources {
            let Some(quote) = source.get("quote").and_then(Value::as_str) else {
                continue;
            };
            let doc_id = source["document"].as_str().unwrap();
            let doc = b.profile.document(doc_id).unwrap();
            let file = doc
                .file
                .as_deref()
                .expect("built-in documents name their seed file");
            let seed = fs::read_to_string(root().join("data/seeds").join(file)).unwrap();
            quotes += 1;
            if !normalise(&seed).contains(&normalise(quote)) {
                missing.push(format!(
                    "{} {path}: \"{quote}\" is not in {file}",
                    b.profile.id
                ));
            }
        }
    }
    assert!(
        quotes >= 50,
        "the built-in profiles quote their seeds ({quotes} quotes)"
    );
    assert!(
        missing.is_empty(),
        "quotes not found verbatim:\n{}",
        missing.join("\n")
    );
}

fn collect_sources<'a>(v: &'a Value, path: &str, out: &mut Vec<(String, &'a Value)>) {
    match v {
        Value::Object(obj) => {
            for (k, child) in obj {
                let p = format!("{path}.{k}");
                if k == "source" {
                    out.push((p, child));
                } else {
                    collect_sources(child, &p, out);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                collect_sources(child, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// No invented phone numbers, e-mail addresses or personal names: contact fields are empty,
/// and no text holds an @ or a run of six or more digits.
#[test]
fn builtins_hold_no_contact_details() {
    for b in profile::builtin() {
        for role in &b.profile.roles {
            assert_eq!(role.contact.phone, None, "{} {}", b.profile.id, role.id);
            assert_eq!(role.contact.email, None, "{} {}", b.profile.id, role.id);
            assert_eq!(role.contact.person, None, "{} {}", b.profile.id, role.id);
            assert!(
                role.contact.note.is_some(),
                "{} {} says the seed gives no contact",
                b.profile.id,
                role.id
            );
        }
        assert!(!b.json.contains('@'), "{} contains an @", b.profile.id);
        let mut run = 0;
        for c in b.json.chars() {
            if c.is_ascii_digit() {
                run += 1;
                assert!(
                    run < 6,
                    "{} contains a long digit run (phone number?)",
                    b.profile.id
                );
            } else if c != ' ' {
                run = 0;
            }
        }
    }
}

/// The door for sparring and every intervention's levels resolve in every built-in profile.
#[test]
fn builtin_sparring_door_and_roles_resolve() {
    for b in profile::builtin() {
        let p = &b.profile;
        assert!(p.role(&p.sparring_door.role).is_some());
        assert!(!p.staircase.levels.is_empty());
        for i in &p.staircase.interventions {
            assert!(!i.levels.is_empty(), "{} {}", p.id, i.id);
        }
    }
}
