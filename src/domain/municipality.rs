//! The built-in municipalities (the five seed texts). For now only their ids and names; the
//! full profiles (organisation, staircase, roles) come as validated profile files.

use serde::Deserialize;
use std::sync::OnceLock;

const BUILTIN_JSON: &str = include_str!("../../data/municipalities.json");

/// One municipality the user can pick.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Municipality {
    /// Stable id used in stored settings, e.g. `"koege"`.
    pub id: String,
    /// Official name, e.g. "Køge Kommune".
    pub name: String,
    /// The seed document the municipality's content is taken from.
    pub seed: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BuiltinFile {
    #[serde(rename = "_comment")]
    _comment: String,
    municipalities: Vec<Municipality>,
}

/// The built-in municipalities, sorted by name as in the file.
pub fn builtin() -> &'static [Municipality] {
    static LIST: OnceLock<Vec<Municipality>> = OnceLock::new();
    LIST.get_or_init(|| {
        let file: BuiltinFile = serde_json::from_str(BUILTIN_JSON)
            .expect("data/municipalities.json is valid (checked by tests)");
        file.municipalities
    })
}

/// Looks up a municipality by id.
pub fn find(id: &str) -> Option<&'static Municipality> {
    builtin().iter().find(|m| m.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_five_seed_municipalities_are_built_in() {
        let names: Vec<&str> = builtin().iter().map(|m| m.name.as_str()).collect();
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

    #[test]
    fn ids_are_unique_lowercase_ascii() {
        let mut seen = HashSet::new();
        for m in builtin() {
            assert!(seen.insert(&m.id), "duplicate id {}", m.id);
            assert!(
                m.id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "id {} must be lowercase ascii",
                m.id
            );
            assert!(m.seed.ends_with(".txt"));
        }
    }

    #[test]
    fn find_by_id() {
        assert_eq!(find("koege").map(|m| m.name.as_str()), Some("Køge Kommune"));
        assert_eq!(find("atlantis"), None);
    }
}
