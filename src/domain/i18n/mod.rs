//! UI text: one typed table per language.
//!
//! [`Texts`] has one field per piece of UI text, so a text missing in one language is a
//! compile error; the tests below also catch empty texts and untranslated copies. Guidance,
//! legal facts and municipality content are *not* here: they live in data files with their
//! sources.

use serde::{Deserialize, Serialize};

mod da;
pub mod editor;
mod en;
pub mod handoff;
mod table;
pub mod teams;

pub use table::Texts;

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

/// The text table for `lang`.
pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::Da => &da::DA,
        Lang::En => &en::EN,
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
