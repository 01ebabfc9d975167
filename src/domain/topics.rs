//! The shared topic list (emner): the ten kinds of concern that profiles, the concern guide and
//! the overview all speak of. Data in `data/topics.json`.

use super::i18n::Lang;
use serde::Deserialize;
use std::sync::OnceLock;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Topic {
    pub id: String,
    pub da: String,
    pub en: String,
}

impl Topic {
    pub fn label(&self, lang: Lang) -> &str {
        match lang {
            Lang::Da => &self.da,
            Lang::En => &self.en,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TopicsFile {
    #[serde(rename = "_comment")]
    _comment: String,
    topics: Vec<Topic>,
}

pub fn all() -> &'static [Topic] {
    static TOPICS: OnceLock<Vec<Topic>> = OnceLock::new();
    TOPICS.get_or_init(|| {
        // Checked when the tests run; a file that does not decode gives no topics, not a crash.
        serde_json::from_str::<TopicsFile>(include_str!(concat!(
            env!("OUT_DIR"),
            "/data/topics.json"
        )))
        .map(|file| file.topics)
        .unwrap_or_default()
    })
}

pub fn find(id: &str) -> Option<&'static Topic> {
    all().iter().find(|t| t.id == id)
}

/// The labels of topic ids in `lang`, joined with ", " (unknown ids are left out).
pub fn labels(ids: &[String], lang: Lang) -> String {
    ids.iter()
        .filter_map(|id| find(id))
        .map(|t| t.label(lang))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ten_topics_of_the_brief() {
        let da: Vec<&str> = all().iter().map(|t| t.da.as_str()).collect();
        assert_eq!(
            da,
            [
                "Trivsel",
                "Fravær",
                "Mobning",
                "Misbrug",
                "Vold",
                "Kriminalitet",
                "Digitale krænkelser",
                "Radikalisering og ekstremisme",
                "Seksuelle overgreb",
                "Omsorgssvigt"
            ]
        );
        assert!(all().iter().all(|t| !t.en.is_empty() && t.en != t.da));
        assert_eq!(find("mobning").unwrap().label(Lang::En), "Bullying");
        assert!(find("bullying").is_none());
        let ids = [
            "mobning".to_string(),
            "nope".to_string(),
            "vold".to_string(),
        ];
        assert_eq!(labels(&ids, Lang::Da), "Mobning, Vold");
    }
}
