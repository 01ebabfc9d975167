//! Profile validation errors: where (a JSON path such as `$.staircase.interventions[3].topics[0]`)
//! and why, in Danish and English.

use crate::domain::i18n::Lang;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ProfileError {
    pub path: String,
    pub kind: ErrorKind,
}

impl ProfileError {
    pub fn new(path: impl Into<String>, kind: ErrorKind) -> Self {
        Self {
            path: path.into(),
            kind,
        }
    }

    pub fn reason(&self, lang: Lang) -> String {
        self.kind.reason(lang)
    }
}

/// What a JSON value was expected to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Expected {
    Text,
    Id,
    Boolean,
    Integer,
    Object,
    List,
    Url,
    /// A web address, or an object with the route (`links.notification_channel`).
    UrlOrObject,
}

impl Expected {
    fn name(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Expected::Text, Lang::Da) => "en tekst",
            (Expected::Text, Lang::En) => "a text",
            (Expected::Id, Lang::Da) => "et id (tekst)",
            (Expected::Id, Lang::En) => "an id (text)",
            (Expected::Boolean, Lang::Da) => "true eller false",
            (Expected::Boolean, Lang::En) => "true or false",
            (Expected::Integer, Lang::Da) => "et helt tal",
            (Expected::Integer, Lang::En) => "a whole number",
            (Expected::Object, Lang::Da) => "et objekt { … }",
            (Expected::Object, Lang::En) => "an object { … }",
            (Expected::List, Lang::Da) => "en liste [ … ]",
            (Expected::List, Lang::En) => "a list [ … ]",
            (Expected::Url, Lang::Da) => "en webadresse (tekst)",
            (Expected::Url, Lang::En) => "a web address (text)",
            (Expected::UrlOrObject, Lang::Da) => "en webadresse (tekst) eller et objekt { … }",
            (Expected::UrlOrObject, Lang::En) => "a web address (text) or an object { … }",
        }
    }
}

/// What an id refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    Topic,
    Level,
    Role,
    Body,
    Document,
}

impl Target {
    fn name(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Target::Topic, Lang::Da) => "emne",
            (Target::Topic, Lang::En) => "topic",
            (Target::Level, Lang::Da) => "trin på indsatstrappen",
            (Target::Level, Lang::En) => "staircase level",
            (Target::Role, Lang::Da) => "rolle",
            (Target::Role, Lang::En) => "role",
            (Target::Body, Lang::Da) => "organ eller netværk",
            (Target::Body, Lang::En) => "body or network",
            (Target::Document, Lang::Da) => "kildedokument",
            (Target::Document, Lang::En) => "source document",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum ErrorKind {
    NotJson {
        line: usize,
        column: usize,
    },
    Missing,
    Unknown,
    WrongType {
        expected: Expected,
    },
    EmptyText,
    BadId,
    OutOfRange {
        min: i64,
        max: i64,
    },
    TooFew {
        min: usize,
    },
    NotOneOf {
        allowed: Vec<&'static str>,
    },
    BadUrl,
    CadenceNotUnderstood {
        kind: String,
    },
    FutureVersion {
        found: u64,
        supported: u32,
    },
    DuplicateId {
        id: String,
    },
    DuplicateLevelNumber {
        number: u64,
    },
    UnknownReference {
        id: String,
        target: Target,
    },
    EmptyLevel {
        id: String,
    },
    ParentCycle {
        id: String,
    },
    MappedWithoutModel,
    ModelWithoutMapped,
    AgeRangeReversed,
    /// A notification route object with neither `url` nor `text`.
    RouteWithoutUrlOrText,
    /// The schema accepted something the types did not: a bug in the app, not in the file.
    Internal {
        detail: String,
    },
}

impl ErrorKind {
    pub fn reason(&self, lang: Lang) -> String {
        use ErrorKind::*;
        let da = lang == Lang::Da;
        match self {
            NotJson { line, column } if da => {
                format!("ikke gyldig JSON (linje {line}, kolonne {column})")
            }
            NotJson { line, column } => format!("not valid JSON (line {line}, column {column})"),
            Missing if da => "påkrævet felt mangler".into(),
            Missing => "required field is missing".into(),
            Unknown if da => "ukendt felt (stavefejl? se docs/profile-format.md)".into(),
            Unknown => "unknown field (a typo? see docs/profile-format.md)".into(),
            WrongType { expected } if da => format!("forventede {}", expected.name(lang)),
            WrongType { expected } => format!("expected {}", expected.name(lang)),
            EmptyText if da => "må ikke være tom".into(),
            EmptyText => "must not be empty".into(),
            BadId if da => {
                "et id skal være 1–40 tegn: små bogstaver a–z, tal og bindestreg".into()
            }
            BadId => "an id must be 1–40 characters: lowercase a–z, digits and hyphens".into(),
            OutOfRange { min, max } if da => format!("skal være mellem {min} og {max}"),
            OutOfRange { min, max } => format!("must be between {min} and {max}"),
            TooFew { min } if da => format!("skal have mindst {min} element(er)"),
            TooFew { min } => format!("needs at least {min} item(s)"),
            NotOneOf { allowed } if da => format!("skal være en af: {}", allowed.join(", ")),
            NotOneOf { allowed } => format!("must be one of: {}", allowed.join(", ")),
            BadUrl if da => "skal være en webadresse, der begynder med https://".into(),
            BadUrl => "must be a web address starting with https://".into(),
            CadenceNotUnderstood { kind } if da => format!(
                "mødefrekvensen \"{kind}\" forstås ikke; brug per_year, at_least_per_year, weekly, on_weekday eller as_needed"
            ),
            CadenceNotUnderstood { kind } => format!(
                "meeting cadence \"{kind}\" is not understood; use per_year, at_least_per_year, weekly, on_weekday or as_needed"
            ),
            FutureVersion { found, supported } if da => format!(
                "format_version {found} er nyere end appen kan læse (op til {supported}); opdatér appen"
            ),
            FutureVersion { found, supported } => format!(
                "format_version {found} is newer than this app can read (up to {supported}); update the app"
            ),
            DuplicateId { id } if da => format!("id \"{id}\" er brugt mere end én gang"),
            DuplicateId { id } => format!("id \"{id}\" is used more than once"),
            DuplicateLevelNumber { number } if da => {
                format!("trin {number} findes mere end én gang")
            }
            DuplicateLevelNumber { number } => format!("level {number} appears more than once"),
            UnknownReference { id, target } if da => {
                format!("\"{id}\" er ikke et kendt {}", target.name(lang))
            }
            UnknownReference { id, target } => {
                format!("\"{id}\" is not a known {}", target.name(lang))
            }
            EmptyLevel { id } if da => format!("trinnet \"{id}\" har ingen indsatser"),
            EmptyLevel { id } => format!("level \"{id}\" has no interventions"),
            ParentCycle { id } if da => {
                format!("\"{id}\" ligger (indirekte) under sig selv")
            }
            ParentCycle { id } => format!("\"{id}\" sits (indirectly) under itself"),
            MappedWithoutModel if da => "\"mapped\": true kræver en \"model\"".into(),
            MappedWithoutModel => "\"mapped\": true needs a \"model\"".into(),
            ModelWithoutMapped if da => "\"model\" kræver \"mapped\": true".into(),
            ModelWithoutMapped => "\"model\" needs \"mapped\": true".into(),
            AgeRangeReversed if da => "\"from\" må ikke være større end \"to\"".into(),
            AgeRangeReversed => "\"from\" must not be greater than \"to\"".into(),
            RouteWithoutUrlOrText if da => {
                "skal have en \"url\" eller en \"text\" (eller begge)".into()
            }
            RouteWithoutUrlOrText => "needs a \"url\" or a \"text\" (or both)".into(),
            Internal { detail } if da => format!("intern fejl i appen: {detail}"),
            Internal { detail } => format!("internal error in the app: {detail}"),
        }
    }
}
