//! The user's role, as the app stores it: a code (`teacher`), shown in the reader's language
//! ("Lærer", "Teacher"). Concerns and settings saved before the codes hold the label in the
//! language of the day; those are read as the role they name, in either language.

use super::i18n::{texts, Lang, Texts};

/// The roles, in the order of the texts' `my_roles` list.
pub const CODES: [&str; 6] = [
    "teacher",
    "pedagogue",
    "school_leader",
    "ssp_contact",
    "ssp_consultant",
    "other",
];

/// The labels in `t`'s language, in the order of [`CODES`].
fn labels(t: &Texts) -> std::str::Split<'static, char> {
    t.my_roles.split('|')
}

/// The English labels as they were saved before the codes, in the order of [`CODES`] (the
/// browser has the English table only when English is chosen; a test checks they are its
/// `my_roles`).
const EN_LABELS: &str =
    "Teacher|Pedagogue|School leader|SSP contact teacher|SSP consultant|Other professional";

/// The code a stored role names: a code, or a label in Danish or English; `None` for anything
/// else (a role typed elsewhere, kept as it is).
pub fn code_of(stored: &str) -> Option<&'static str> {
    let stored = stored.trim();
    if let Some(code) = CODES.iter().find(|c| **c == stored) {
        return Some(code);
    }
    [labels(texts(Lang::Da)), EN_LABELS.split('|')]
        .into_iter()
        .find_map(|mut labels| labels.position(|l| l == stored))
        .and_then(|i| CODES.get(i).copied())
}

/// A stored role as `t`'s reader reads it: the label of its code, or the text as it is.
pub fn label(stored: &str, t: &Texts) -> String {
    code_of(stored)
        .and_then(|code| CODES.iter().position(|c| *c == code))
        .and_then(|i| labels(t).nth(i))
        .map_or_else(|| stored.to_string(), str::to_string)
}

/// The choices for a role picker: (code, label) in `t`'s language.
pub fn choices(t: &Texts) -> Vec<(&'static str, &'static str)> {
    CODES.iter().copied().zip(labels(t)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_saved_english_labels_are_the_english_tables() {
        assert_eq!(EN_LABELS, texts(Lang::En).my_roles);
        assert_eq!(code_of("SSP consultant"), Some("ssp_consultant"));
    }

    #[test]
    fn every_code_has_a_label_in_both_languages() {
        for lang in [Lang::Da, Lang::En] {
            assert_eq!(choices(texts(lang)).len(), CODES.len(), "{lang:?}");
            assert_eq!(labels(texts(lang)).count(), CODES.len(), "{lang:?}");
        }
    }

    #[test]
    fn a_role_is_shown_in_the_reader_s_language_whatever_was_stored() {
        let (da, en) = (texts(Lang::Da), texts(Lang::En));
        assert_eq!(label("teacher", da), "Lærer");
        assert_eq!(label("teacher", en), "Teacher");
        // Saved before the codes, in either language.
        assert_eq!(label("Lærer", en), "Teacher");
        assert_eq!(label("SSP consultant", da), "SSP-konsulent");
        assert_eq!(code_of("Anden fagperson"), Some("other"));
        // Anything else stays as it is.
        assert_eq!(label("Leder", en), "Leder");
        assert_eq!(code_of("Leder"), None);
    }
}
