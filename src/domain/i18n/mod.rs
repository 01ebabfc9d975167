//! UI text: one typed table per language.
//!
//! [`Texts`] has one field per piece of UI text, so a text missing in one language is a
//! compile error; the tests below also catch empty texts and untranslated copies. Guidance,
//! legal facts and municipality content are *not* here: they live in data files with their
//! sources.

use serde::{Deserialize, Serialize};

mod da;
pub mod editor;
// Native builds (the tests) compile the English table in; the browser fetches it as a file
// when English is chosen (`EN_FILE`, issue 15): the main wasm module's data is all on the
// first screen.
#[cfg(not(target_arch = "wasm32"))]
mod en;
pub mod handoff;
mod table;
pub mod teams;

pub use table::{Texts, TEXT_COUNT};

/// The English table's file, as the build names it (`/data/texts-en-<FNV-1a 64>.json`: a JSON
/// array of the texts in the order of [`Texts`]' fields; build.rs writes it, and
/// tools/data-files.mjs puts it in the build).
pub const EN_FILE: &str = include!(concat!(env!("OUT_DIR"), "/data/texts_en_file.rs"));

#[cfg(target_arch = "wasm32")]
static ENGLISH: std::sync::OnceLock<&'static Texts> = std::sync::OnceLock::new();

/// The English table, when it is here (always in native builds; in the browser once
/// [`provide_english`] took the file).
pub fn english() -> Option<&'static Texts> {
    #[cfg(target_arch = "wasm32")]
    return ENGLISH.get().copied();
    #[cfg(not(target_arch = "wasm32"))]
    Some(&en::EN)
}

/// Why the English file was not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextsFileError {
    NotJson,
    /// Not [`TEXT_COUNT`] texts: a file of another build.
    Count(usize),
    Empty(usize),
}

/// Reads the English file: exactly [`TEXT_COUNT`] texts, none empty.
pub fn read_texts_file(text: &str) -> Result<&'static Texts, TextsFileError> {
    let values: Vec<String> = serde_json::from_str(text).map_err(|_| TextsFileError::NotJson)?;
    if values.len() != TEXT_COUNT {
        return Err(TextsFileError::Count(values.len()));
    }
    if let Some(i) = values.iter().position(|v| v.trim().is_empty()) {
        return Err(TextsFileError::Empty(i));
    }
    let values = values
        .into_iter()
        .map(|v| &*Box::leak(v.into_boxed_str()))
        .collect();
    Texts::from_values(values).ok_or(TextsFileError::Count(0))
}

/// Takes the fetched English file (the browser; once is enough). `false` if it does not read.
pub fn provide_english(text: &str) -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        if ENGLISH.get().is_some() {
            return true;
        }
        match read_texts_file(text) {
            Ok(t) => ENGLISH.set(t).is_ok() || ENGLISH.get().is_some(),
            Err(_) => false,
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    read_texts_file(text).is_ok()
}

/// The languages the app speaks. Danish first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Da,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Da, Lang::En];

    /// BCP 47 tag for `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Da => "da",
            Lang::En => "en",
        }
    }

    /// The other language, for the one-button switch.
    pub fn other(self) -> Lang {
        match self {
            Lang::Da => Lang::En,
            Lang::En => Lang::Da,
        }
    }

    /// The language's name in itself, as shown on the switch.
    pub fn endonym(self) -> &'static str {
        match self {
            Lang::Da => "Dansk",
            Lang::En => "English",
        }
    }
}

/// The text table for `lang`. English before its file is here reads as Danish: the app fetches
/// the file before it shows English (`ui`: before it mounts, and when English is chosen).
pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::Da => &da::DA,
        Lang::En => english().unwrap_or(&da::DA),
    }
}

/// For a page's own text table (teams, hand-off): every text is there in both languages,
/// English is translated, and each placeholder of `placeholders` is in both or in neither.
#[cfg(test)]
pub(crate) fn assert_translated<T: serde::Serialize>(da: &T, en: &T, placeholders: &[&str]) {
    fn flat<T: serde::Serialize>(table: &T) -> Vec<(String, String)> {
        let serde_json::Value::Object(map) = serde_json::to_value(table).unwrap() else {
            panic!("an object")
        };
        map.into_iter()
            .map(|(k, v)| (k, v.as_str().unwrap().to_string()))
            .collect()
    }
    let (da, en) = (flat(da), flat(en));
    assert_eq!(da.len(), en.len());
    for ((key, d), (_, e)) in da.iter().zip(&en) {
        assert!(!d.trim().is_empty() && !e.trim().is_empty(), "{key}");
        assert_ne!(d, e, "{key} is not translated");
        for p in placeholders {
            assert_eq!(d.contains(p), e.contains(p), "{key}: {p}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Map, Value};

    #[test]
    fn every_field_of_the_table_is_a_static_str() {
        // `Texts::values` and `from_values` rely on it (the table is an array of texts).
        let source = include_str!("table.rs");
        let start = source.find("pub struct Texts {").expect("the struct");
        let body = &source[start..start + source[start..].find("\n}").expect("its end")];
        let fields: Vec<&str> = body
            .lines()
            .skip(1)
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("//"))
            .collect();
        assert_eq!(fields.len(), TEXT_COUNT);
        for f in fields {
            assert!(
                f.starts_with("pub ") && f.ends_with(": &'static str,"),
                "not a text: {f}"
            );
        }
    }

    #[test]
    fn the_english_file_is_the_english_table() {
        // What build.rs wrote for the browser reads back as the table compiled in here, field
        // by field, and its name is the hash of its text.
        let file = include_str!(concat!(env!("OUT_DIR"), "/data/texts-en.json"));
        let read = read_texts_file(file).expect("the file reads");
        assert_eq!(read, texts(Lang::En));
        assert_eq!(read.month_names, texts(Lang::En).month_names);
        let hash = file.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        });
        assert_eq!(EN_FILE, format!("/data/texts-en-{hash:016x}.json"));
        assert_eq!(
            Texts::from_values(texts(Lang::Da).values().to_vec()),
            Some(texts(Lang::Da))
        );
    }

    #[test]
    fn a_texts_file_of_another_build_or_damaged_is_refused() {
        let mut values: Vec<&str> = texts(Lang::En).values().to_vec();
        values.pop();
        let short = serde_json::to_string(&values).unwrap();
        assert_eq!(
            read_texts_file(&short),
            Err(TextsFileError::Count(TEXT_COUNT - 1))
        );
        values.push(" ");
        let blank = serde_json::to_string(&values).unwrap();
        assert_eq!(
            read_texts_file(&blank),
            Err(TextsFileError::Empty(TEXT_COUNT - 1))
        );
        assert_eq!(read_texts_file("<html>"), Err(TextsFileError::NotJson));
        assert!(!provide_english("[]"));
    }

    fn table(lang: Lang) -> Map<String, Value> {
        match serde_json::to_value(texts(lang)).unwrap() {
            Value::Object(map) => map,
            other => panic!("texts serialise to an object, got {other}"),
        }
    }

    /// Keys whose Danish and English text are rightly the same word.
    const SAME_IN_BOTH: &[&str] = &[
        "app_name",
        "page_organisation",
        "nav_organisation",
        "kind_team",
        // "Case" is the word Danish SSP training uses.
        "training_cases_title",
        "training_case_label",
        "sync_status_title",
        "sync_token",
    ];

    #[test]
    fn every_key_exists_in_every_language() {
        let da = table(Lang::Da);
        for lang in Lang::ALL {
            let t = table(lang);
            let missing: Vec<_> = da.keys().filter(|k| !t.contains_key(*k)).collect();
            let extra: Vec<_> = t.keys().filter(|k| !da.contains_key(*k)).collect();
            assert!(missing.is_empty(), "{lang:?} lacks {missing:?}");
            assert!(extra.is_empty(), "{lang:?} has extra {extra:?}");
        }
        assert!(da.len() > 40, "the table has all the shell's texts");
    }

    #[test]
    fn no_text_is_empty() {
        for lang in Lang::ALL {
            for (key, value) in table(lang) {
                let text = value.as_str().unwrap();
                assert!(!text.trim().is_empty(), "{lang:?}.{key} is empty");
            }
        }
    }

    #[test]
    fn english_is_translated_not_copied() {
        let (da, en) = (table(Lang::Da), table(Lang::En));
        for (key, da_text) in &da {
            if SAME_IN_BOTH.contains(&key.as_str()) {
                continue;
            }
            assert_ne!(Some(da_text), en.get(key), "{key} is not translated");
        }
    }

    #[test]
    fn danish_texts_use_danish_letters_not_ascii_stand_ins() {
        // "ae"/"oe"/"aa" stand-ins are a common slip when typing Danish on an English keyboard.
        for (key, value) in table(Lang::Da) {
            let text = value.as_str().unwrap().to_lowercase();
            for stand_in in [
                "skaerm",
                "kommer snaert",
                "foelg",
                "gaa ",
                "vaelg",
                "oversaet",
            ] {
                assert!(!text.contains(stand_in), "da.{key} has '{stand_in}'");
            }
        }
    }

    #[test]
    fn lang_tags_and_switch() {
        assert_eq!(Lang::default(), Lang::Da);
        assert_eq!(Lang::Da.other(), Lang::En);
        assert_eq!(Lang::En.other(), Lang::Da);
        assert_eq!(Lang::Da.tag(), "da");
        assert_eq!(serde_json::to_string(&Lang::En).unwrap(), "\"en\"");
    }
}
