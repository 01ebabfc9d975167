//! Meeting cadence (mødefrekvens) as structured data, and how it reads in Danish and English.

use crate::domain::i18n::Lang;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
}

impl Weekday {
    pub const NAMES: [&'static str; 5] = ["monday", "tuesday", "wednesday", "thursday", "friday"];

    fn da(self) -> &'static str {
        match self {
            Weekday::Monday => "mandag",
            Weekday::Tuesday => "tirsdag",
            Weekday::Wednesday => "onsdag",
            Weekday::Thursday => "torsdag",
            Weekday::Friday => "fredag",
        }
    }

    fn en(self) -> &'static str {
        match self {
            Weekday::Monday => "Monday",
            Weekday::Tuesday => "Tuesday",
            Weekday::Wednesday => "Wednesday",
            Weekday::Thursday => "Thursday",
            Weekday::Friday => "Friday",
        }
    }
}

/// How often a body meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Cadence {
    /// `times` a year, e.g. 4 = quarterly (kvartalsvis).
    PerYear { times: u8 },
    /// At least `times` a year (mindst).
    AtLeastPerYear { times: u8 },
    /// Every week on `weekday`.
    Weekly { weekday: Weekday },
    /// On `weekday`s (e.g. "Mandagsmøder"), how often not stated.
    OnWeekday { weekday: Weekday },
    /// When needed (efter behov).
    AsNeeded,
}

impl Cadence {
    /// The `kind` values the format accepts.
    pub const KINDS: [&'static str; 5] = [
        "per_year",
        "at_least_per_year",
        "weekly",
        "on_weekday",
        "as_needed",
    ];

    /// Plain-language description, e.g. "3 gange om året" / "3 times a year".
    pub fn describe(self, lang: Lang) -> String {
        match (self, lang) {
            (Cadence::PerYear { times: 4 }, Lang::Da) => "Kvartalsvis (4 gange om året)".into(),
            (Cadence::PerYear { times: 4 }, Lang::En) => "Quarterly (4 times a year)".into(),
            (Cadence::PerYear { times: 1 }, Lang::Da) => "Én gang om året".into(),
            (Cadence::PerYear { times: 1 }, Lang::En) => "Once a year".into(),
            (Cadence::PerYear { times }, Lang::Da) => format!("{times} gange om året"),
            (Cadence::PerYear { times }, Lang::En) => format!("{times} times a year"),
            (Cadence::AtLeastPerYear { times: 1 }, Lang::Da) => "Mindst én gang om året".into(),
            (Cadence::AtLeastPerYear { times: 1 }, Lang::En) => "At least once a year".into(),
            (Cadence::AtLeastPerYear { times }, Lang::Da) => {
                format!("Mindst {times} gange om året")
            }
            (Cadence::AtLeastPerYear { times }, Lang::En) => {
                format!("At least {times} times a year")
            }
            (Cadence::Weekly { weekday }, Lang::Da) => format!("Hver {}", weekday.da()),
            (Cadence::Weekly { weekday }, Lang::En) => format!("Every {}", weekday.en()),
            (Cadence::OnWeekday { weekday }, Lang::Da) => {
                format!("Om {}en (hvor ofte er ikke oplyst)", weekday.da())
            }
            (Cadence::OnWeekday { weekday }, Lang::En) => {
                format!("On {}s (how often is not stated)", weekday.en())
            }
            (Cadence::AsNeeded, Lang::Da) => "Efter behov".into(),
            (Cadence::AsNeeded, Lang::En) => "As needed".into(),
        }
    }

    /// Meetings a year, where the cadence says: `(count, at_least)`. Drawn as a strip of
    /// markers that shows how often, never which months.
    pub fn per_year(self) -> Option<(u8, bool)> {
        match self {
            Cadence::PerYear { times } => Some((times, false)),
            Cadence::AtLeastPerYear { times } => Some((times, true)),
            Cadence::Weekly { .. } => Some((52, false)),
            Cadence::OnWeekday { .. } | Cadence::AsNeeded => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_read_naturally() {
        let cases = [
            (
                Cadence::PerYear { times: 4 },
                "Kvartalsvis (4 gange om året)",
                "Quarterly (4 times a year)",
            ),
            (
                Cadence::PerYear { times: 3 },
                "3 gange om året",
                "3 times a year",
            ),
            (
                Cadence::PerYear { times: 1 },
                "Én gang om året",
                "Once a year",
            ),
            (
                Cadence::AtLeastPerYear { times: 2 },
                "Mindst 2 gange om året",
                "At least 2 times a year",
            ),
            (
                Cadence::Weekly {
                    weekday: Weekday::Monday,
                },
                "Hver mandag",
                "Every Monday",
            ),
            (
                Cadence::OnWeekday {
                    weekday: Weekday::Tuesday,
                },
                "Om tirsdagen (hvor ofte er ikke oplyst)",
                "On Tuesdays (how often is not stated)",
            ),
            (Cadence::AsNeeded, "Efter behov", "As needed"),
        ];
        for (cadence, da, en) in cases {
            assert_eq!(cadence.describe(Lang::Da), da);
            assert_eq!(cadence.describe(Lang::En), en);
        }
    }

    #[test]
    fn json_form() {
        let c: Cadence = serde_json::from_str(r#"{"kind":"at_least_per_year","times":2}"#).unwrap();
        assert_eq!(c, Cadence::AtLeastPerYear { times: 2 });
        assert_eq!(
            serde_json::to_string(&Cadence::OnWeekday {
                weekday: Weekday::Monday
            })
            .unwrap(),
            r#"{"kind":"on_weekday","weekday":"monday"}"#
        );
        assert_eq!(Cadence::PerYear { times: 3 }.per_year(), Some((3, false)));
        assert_eq!(Cadence::AsNeeded.per_year(), None);
    }
}
