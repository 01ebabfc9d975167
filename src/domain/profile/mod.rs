//! Municipality profiles: everything municipality-specific, as validated data.
//!
//! A profile is JSON in the format documented in `docs/profile-format.md`. [`parse`] checks
//! it against the schema ([`schema`]) and the semantic rules ([`validate`]), collecting
//! **all** errors with a JSON path and a Danish/English reason ([`errors`]), and only then
//! deserialises it into [`Profile`]. The five seed municipalities ship built in
//! ([`builtin`]); every item carries its `source`, and content a seed does not state is
//! marked `"mapped": true` with the `model` it follows.
//!
//! The profile editor's rules are [`edit`] (a draft, its changes, and `check` run on it as
//! the importer runs it) and [`draft`] (the draft kept on the device).

pub mod cadence;
pub mod draft;
pub mod edit;
pub mod errors;
pub mod library;
mod schema;
mod types;
mod validate;

pub use cadence::{Cadence, Weekday};
pub use errors::{ErrorKind, ProfileError};
pub use types::{
    Body, BodyKind, ChannelRoute, Contact, Document, Function, Intervention, Level, Links,
    MappingModel, Member, Method, NotificationChannel, Partner, Profile, Role, Source,
    SparringDoor, Staircase, TargetAge, TextItem, FORMAT_VERSION, MAX_LEVEL_NUMBER,
};

use std::sync::{Arc, OnceLock};

/// Parses and validates a profile. On failure, returns every error found, each with its
/// JSON path and reason.
pub fn parse(raw: &str) -> Result<Profile, Vec<ProfileError>> {
    let value: serde_json::Value = serde_json::from_str(raw).map_err(|e| {
        vec![ProfileError::new(
            "$",
            ErrorKind::NotJson {
                line: e.line(),
                column: e.column(),
            },
        )]
    })?;
    check(&value)?;
    decode(raw)
}

/// [`parse`] for an already parsed JSON value.
pub fn parse_value(value: serde_json::Value) -> Result<Profile, Vec<ProfileError>> {
    check(&value)?;
    decode(&value.to_string())
}

/// Every error the schema and the semantic rules find, sorted by path.
fn check(value: &serde_json::Value) -> Result<(), Vec<ProfileError>> {
    if let Some(err) = validate::future_version(value) {
        return Err(vec![err]);
    }
    let mut errors = Vec::new();
    schema::check(value, &mut errors);
    validate::semantics(value, &mut errors);
    if errors.is_empty() {
        return Ok(());
    }
    errors.sort_by(|a, b| a.path.cmp(&b.path));
    errors.dedup();
    Err(errors)
}

/// Decodes checked text into the types. Always from text (never from a `Value`), so the wasm
/// holds one deserializer per type.
fn decode(checked: &str) -> Result<Profile, Vec<ProfileError>> {
    // The schema and the types agree (tested); a failure here is a bug, reported at the root
    // rather than panicking on user input.
    serde_json::from_str(checked).map_err(|e| {
        vec![ProfileError::new(
            "$",
            ErrorKind::Internal {
                detail: e.to_string(),
            },
        )]
    })
}

/// A built-in profile's id and name, known at build time (`build.rs` reads them from
/// `data/profiles/`), so the list of municipalities needs no decoding.
pub struct BuiltinText {
    pub id: &'static str,
    pub name: &'static str,
}

/// The five built-in profiles' ids and names, in alphabetical order of name.
pub const BUILTIN_TEXTS: [BuiltinText; 5] =
    include!(concat!(env!("OUT_DIR"), "/data/builtin_profiles.rs"));

/// The build's file of the five texts, one per line in the order of [`BUILTIN_TEXTS`]
/// (`/data/profiles-<hash>.jsonl`), which the browser fetches ([`provide`]).
pub const BUILTIN_FILE: &str = include!(concat!(env!("OUT_DIR"), "/data/builtin_profiles_file.rs"));

/// Natively (the tests, the tools) the texts are compiled in.
#[cfg(not(target_arch = "wasm32"))]
const COMPILED_IN: [&str; 5] = include!(concat!(env!("OUT_DIR"), "/data/builtin_profile_texts.rs"));

/// In the browser, the texts as fetched ([`provide`]); the main module's data is all on the
/// first screen, so the profiles are a file the service worker precaches (issue 15).
static FETCHED: OnceLock<Vec<String>> = OnceLock::new();

/// The text of the built-in profile at `index`: natively compiled in, in the browser once
/// fetched.
fn text(index: usize) -> Option<&'static str> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = &FETCHED;
        COMPILED_IN.get(index).copied()
    }
    #[cfg(target_arch = "wasm32")]
    {
        FETCHED.get()?.get(index).map(String::as_str)
    }
}

/// Hands over the fetched [`BUILTIN_FILE`] (the browser; `platform::profile_files`): one text
/// per line. `false` when it does not hold one line per profile (then nothing is kept).
/// Natively the texts are compiled in and this is not read.
pub fn provide(file: &str) -> bool {
    let lines: Vec<String> = file.split('\n').map(str::to_string).collect();
    lines.len() == BUILTIN_TEXTS.len() && (FETCHED.set(lines).is_ok() || FETCHED.get().is_some())
}

/// Whether the built-in profiles' texts are here (always natively; in the browser once
/// fetched).
pub fn provided() -> bool {
    text(0).is_some()
}

/// A built-in profile: its source text and the decoded profile.
pub struct Builtin {
    pub json: &'static str,
    pub profile: &'static Profile,
}

/// The built-in profile at `index` of [`BUILTIN_TEXTS`], decoded on first use only: a device
/// that uses one municipality decodes one profile. `None` in the browser before its text was
/// fetched (then nothing is remembered: it decodes once the text is here).
fn decoded(index: usize) -> Option<&'static Arc<Profile>> {
    static SLOTS: [OnceLock<Option<Arc<Profile>>>; 5] = [const { OnceLock::new() }; 5];
    let raw = text(index)?;
    SLOTS
        .get(index)?
        .get_or_init(|| {
            // Checked when the tests run, not here: `parse` (schema and rules) must accept
            // every built-in (`the_builtin_files_pass_the_import_validator`). One that does not
            // decode is missing from the list, not a crash.
            serde_json::from_str(raw).ok().map(Arc::new)
        })
        .as_ref()
}

/// The five built-in profiles, in alphabetical order of name (decodes all five). In the
/// browser empty until they were fetched (the pages that list them wait for that).
pub fn builtin() -> &'static [Builtin] {
    static LIST: OnceLock<Vec<Builtin>> = OnceLock::new();
    if let Some(list) = LIST.get() {
        return list;
    }
    if !provided() {
        return &[];
    }
    LIST.get_or_init(|| {
        BUILTIN_TEXTS
            .iter()
            .enumerate()
            .filter_map(|(i, _)| {
                Some(Builtin {
                    json: text(i)?,
                    profile: decoded(i)?.as_ref(),
                })
            })
            .collect()
    })
}

/// A built-in profile by id, decoding only that one.
pub fn find_builtin(id: &str) -> Option<&'static Profile> {
    shared_builtin(id).map(AsRef::as_ref)
}

/// [`find_builtin`] as the app's state holds a profile (built-in or imported: `Arc`).
pub fn shared_builtin(id: &str) -> Option<&'static Arc<Profile>> {
    BUILTIN_TEXTS
        .iter()
        .position(|b| b.id == id)
        .and_then(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn source() -> Source {
        Source {
            document: "kilde".into(),
            section: Some("Underretning".into()),
            quote: None,
        }
    }

    fn route(url: Option<&str>, text: Option<&str>) -> NotificationChannel {
        NotificationChannel::Route(ChannelRoute {
            url: url.map(String::from),
            text: text.map(String::from),
            source: source(),
            mapped: false,
            model: None,
        })
    }

    #[test]
    fn a_notification_channel_in_words() {
        let url = "https://kommune.example/underretning";
        let bare = NotificationChannel::Url(url.into());
        assert_eq!(
            (bare.url(), bare.text(), bare.source()),
            (Some(url), None, None)
        );
        assert_eq!(bare.words(), url);

        let text = route(None, Some("Ring til Familieafdelingen"));
        assert_eq!(
            (text.url(), text.text(), text.source()),
            (None, Some("Ring til Familieafdelingen"), Some(&source()))
        );
        assert_eq!(text.words(), "Ring til Familieafdelingen");

        let both = route(Some(url), Some("Familieafdelingens formular"));
        assert_eq!(
            both.words(),
            "Familieafdelingens formular (https://kommune.example/underretning)"
        );
        assert_eq!(route(Some(url), None).words(), url);
        assert_eq!(route(Some(url), Some(" ")).words(), url);
    }

    #[test]
    fn both_json_forms_of_the_channel_round_trip() {
        let url = json!("https://kommune.example/underretning");
        let object = json!({
            "url": null,
            "text": "Ring til Familieafdelingen",
            "source": { "document": "kilde", "section": "Underretning", "quote": null },
            "mapped": true,
            "model": "editorial"
        });
        let c: NotificationChannel = serde_json::from_value(url.clone()).unwrap();
        assert!(matches!(c, NotificationChannel::Url(_)));
        assert_eq!(serde_json::to_value(&c).unwrap(), url);
        let c: NotificationChannel = serde_json::from_value(object.clone()).unwrap();
        assert!(matches!(&c, NotificationChannel::Route(r) if r.mapped));
        assert_eq!(serde_json::to_value(&c).unwrap(), object);
        let links: Links = serde_json::from_value(json!({ "notification_channel": null })).unwrap();
        assert_eq!(links.notification_channel, None);
    }

    /// The seeds name no notification channel, so the built-ins leave it out rather than
    /// invent one.
    #[test]
    fn builtin_profiles_name_no_notification_channel() {
        for b in builtin() {
            assert_eq!(
                b.profile.links.notification_channel, None,
                "{}",
                b.profile.id
            );
        }
    }
}
