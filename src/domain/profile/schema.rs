//! The profile format as a table, and a walker that checks a JSON value against it, collecting
//! every structural error (missing, unknown, wrong type, empty, out of range) with its path.
//! The table and the types (`types.rs`) describe one format: a test builds a profile with every
//! field the table names, reads it into the types and writes it again, and fails on any field
//! only one of them has (`the_table_and_the_types_describe_the_same_format`). Keep
//! `docs/profile-format.md` in step too; the tests parse every built-in profile through both.

use super::cadence::Weekday;
use super::errors::{ErrorKind, Expected, ProfileError};
use serde_json::Value;

pub(super) enum Ty {
    /// A non-empty string.
    Text,
    /// A lowercase id: `[a-z0-9-]{1,40}`.
    Id,
    Bool,
    Int {
        min: i64,
        max: i64,
    },
    /// An https:// (or http://) address.
    Url,
    /// Either an address ([`Ty::Url`]) or the given object type.
    UrlOr(&'static Ty),
    OneOf(&'static [&'static str]),
    /// The value may also be `null`.
    Nullable(&'static Ty),
    List {
        item: &'static Ty,
        min: usize,
    },
    Object(&'static [Field]),
    /// An object whose `tag` field picks which fields it has.
    Tagged {
        tag: &'static str,
        variants: &'static [(&'static str, &'static [Field])],
    },
}

pub(super) struct Field {
    pub name: &'static str,
    pub ty: &'static Ty,
    /// Required fields must be present; optional ones may be absent.
    pub required: bool,
}

const fn req(name: &'static str, ty: &'static Ty) -> Field {
    Field {
        name,
        ty,
        required: true,
    }
}

const fn opt(name: &'static str, ty: &'static Ty) -> Field {
    Field {
        name,
        ty,
        required: false,
    }
}

static TEXT: Ty = Ty::Text;
static ID: Ty = Ty::Id;
static BOOL: Ty = Ty::Bool;
static OPT_TEXT: Ty = Ty::Nullable(&TEXT);
static OPT_URL: Ty = Ty::Nullable(&Ty::Url);
static TEXTS: Ty = Ty::List {
    item: &TEXT,
    min: 0,
};
static IDS: Ty = Ty::List { item: &ID, min: 0 };
static IDS_AT_LEAST_ONE: Ty = Ty::List { item: &ID, min: 1 };
static FUNCTIONS: Ty = Ty::List {
    item: &Ty::OneOf(&super::Function::NAMES),
    min: 0,
};
static MODEL: Ty = Ty::Nullable(&Ty::OneOf(&["dkr-levels", "editorial"]));

static SOURCE: Ty = Ty::Object(&[
    req("document", &ID),
    opt("section", &OPT_TEXT),
    opt("quote", &OPT_TEXT),
]);

/// The three provenance fields every item has.
macro_rules! item {
    ($($field:expr),* $(,)?) => {
        Ty::Object(&[
            $($field,)*
            req("source", &SOURCE),
            opt("mapped", &BOOL),
            opt("model", &MODEL),
        ])
    };
}

static DOCUMENT: Ty = Ty::Object(&[
    req("id", &ID),
    req("title", &TEXT),
    opt("file", &OPT_TEXT),
    opt("date", &OPT_TEXT),
    opt("url", &OPT_URL),
]);

static AGE: Ty = Ty::Int { min: 0, max: 30 };
static TARGET_AGE: Ty = item![req("from", &AGE), req("to", &AGE), opt("focus", &OPT_TEXT)];
static TEXT_ITEM: Ty = item![req("text", &TEXT)];
static TEXT_ITEMS: Ty = Ty::List {
    item: &TEXT_ITEM,
    min: 0,
};

static CONTACT: Ty = Ty::Object(&[
    opt("phone", &OPT_TEXT),
    opt("email", &OPT_TEXT),
    opt("person", &OPT_TEXT),
    opt("note", &OPT_TEXT),
]);
static ROLE: Ty = item![
    req("id", &ID),
    req("name", &TEXT),
    req("description", &TEXT),
    opt("helps_with", &TEXTS),
    opt("functions", &FUNCTIONS),
    opt("contact", &CONTACT),
];
static SPARRING_DOOR: Ty = item![req("role", &ID), req("text", &TEXT)];

static TIMES: Ty = Ty::Int { min: 1, max: 52 };
static WEEKDAY: Ty = Ty::OneOf(&Weekday::NAMES);
static CADENCE: Ty = Ty::Tagged {
    tag: "kind",
    variants: &[
        ("per_year", &[req("times", &TIMES)]),
        ("at_least_per_year", &[req("times", &TIMES)]),
        ("weekly", &[req("weekday", &WEEKDAY)]),
        ("on_weekday", &[req("weekday", &WEEKDAY)]),
        ("as_needed", &[]),
    ],
};
static MEMBER: Ty = Ty::Object(&[req("role", &TEXT), opt("chair", &BOOL)]);
static BODY: Ty = item![
    req("id", &ID),
    req("name", &TEXT),
    req(
        "kind",
        &Ty::OneOf(&[
            "strategic",
            "steering",
            "network",
            "meeting",
            "team",
            "local"
        ])
    ),
    req("purpose", &TEXT),
    opt(
        "members",
        &Ty::List {
            item: &MEMBER,
            min: 0
        }
    ),
    opt("cadence", &Ty::Nullable(&CADENCE)),
    opt("convener", &OPT_TEXT),
    opt("parent", &Ty::Nullable(&ID)),
    opt("parent_mapped", &BOOL),
    opt("functions", &FUNCTIONS),
];

static LEVEL: Ty = item![
    req("id", &ID),
    req(
        "number",
        &Ty::Int {
            min: 1,
            max: super::MAX_LEVEL_NUMBER as i64
        }
    ),
    req("title", &TEXT),
    req("goal", &TEXT),
];
static INTERVENTION: Ty = item![
    req("id", &ID),
    req("name", &TEXT),
    opt("description", &OPT_TEXT),
    opt("target_group", &OPT_TEXT),
    req("levels", &IDS_AT_LEAST_ONE),
    opt("topics", &IDS),
    opt("topics_mapped", &BOOL),
    opt("action_plan", &BOOL),
];
static STAIRCASE: Ty = Ty::Object(&[
    req(
        "levels",
        &Ty::List {
            item: &LEVEL,
            min: 1,
        },
    ),
    req(
        "interventions",
        &Ty::List {
            item: &INTERVENTION,
            min: 1,
        },
    ),
]);
static METHOD: Ty = item![
    req("id", &ID),
    req("name", &TEXT),
    req("description", &TEXT)
];
static PARTNER: Ty = Ty::Object(&[
    req("name", &TEXT),
    opt("group", &OPT_TEXT),
    req("source", &SOURCE),
]);
/// Where to send a written notification: an address, or a route in words and/or an address
/// with its source. That a route has `url` or `text` is checked in `validate`.
static CHANNEL_ROUTE: Ty = item![opt("url", &OPT_URL), opt("text", &OPT_TEXT)];
static LINKS: Ty = Ty::Object(&[
    opt(
        "notification_channel",
        &Ty::Nullable(&Ty::UrlOr(&CHANNEL_ROUTE)),
    ),
    opt("website", &OPT_URL),
]);

pub(super) static PROFILE: Ty = Ty::Object(&[
    req(
        "format_version",
        &Ty::Int {
            min: 1,
            max: super::FORMAT_VERSION as i64,
        },
    ),
    req("id", &ID),
    req("name", &TEXT),
    req(
        "documents",
        &Ty::List {
            item: &DOCUMENT,
            min: 1,
        },
    ),
    opt("target_age", &Ty::Nullable(&TARGET_AGE)),
    opt("about", &TEXT_ITEMS),
    opt("policy_basis", &TEXT_ITEMS),
    opt("goals", &TEXT_ITEMS),
    opt("values", &TEXT_ITEMS),
    opt("success_criteria", &TEXT_ITEMS),
    req(
        "roles",
        &Ty::List {
            item: &ROLE,
            min: 1,
        },
    ),
    req("sparring_door", &SPARRING_DOOR),
    opt(
        "bodies",
        &Ty::List {
            item: &BODY,
            min: 0,
        },
    ),
    req("staircase", &STAIRCASE),
    opt(
        "methods",
        &Ty::List {
            item: &METHOD,
            min: 0,
        },
    ),
    opt(
        "partners",
        &Ty::List {
            item: &PARTNER,
            min: 0,
        },
    ),
    opt("links", &LINKS),
]);

/// Checks `value` against the profile format.
pub(super) fn check(value: &Value, errors: &mut Vec<ProfileError>) {
    walk(value, &PROFILE, "$", errors);
}

pub(super) fn is_id(s: &str) -> bool {
    (1..=40).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn walk(value: &Value, ty: &Ty, path: &str, errors: &mut Vec<ProfileError>) {
    let mut err = |kind| errors.push(ProfileError::new(path, kind));
    match ty {
        Ty::Nullable(inner) => {
            if !value.is_null() {
                walk(value, inner, path, errors);
            }
        }
        Ty::Text => match value.as_str() {
            Some(s) if s.trim().is_empty() => err(ErrorKind::EmptyText),
            Some(_) => {}
            None => err(ErrorKind::WrongType {
                expected: Expected::Text,
            }),
        },
        Ty::Id => match value.as_str() {
            Some(s) if !is_id(s) => err(ErrorKind::BadId),
            Some(_) => {}
            None => err(ErrorKind::WrongType {
                expected: Expected::Id,
            }),
        },
        Ty::Bool => {
            if !value.is_boolean() {
                err(ErrorKind::WrongType {
                    expected: Expected::Boolean,
                })
            }
        }
        Ty::Int { min, max } => match value.as_i64() {
            Some(n) if n < *min || n > *max => err(ErrorKind::OutOfRange {
                min: *min,
                max: *max,
            }),
            Some(_) => {}
            None => err(ErrorKind::WrongType {
                expected: Expected::Integer,
            }),
        },
        Ty::Url => match value.as_str() {
            Some(s)
                if !(s.starts_with("https://") || s.starts_with("http://")) || s.contains(' ') =>
            {
                err(ErrorKind::BadUrl)
            }
            Some(_) => {}
            None => err(ErrorKind::WrongType {
                expected: Expected::Url,
            }),
        },
        Ty::UrlOr(object) => match value {
            Value::String(_) => walk(value, &Ty::Url, path, errors),
            Value::Object(_) => walk(value, object, path, errors),
            _ => err(ErrorKind::WrongType {
                expected: Expected::UrlOrObject,
            }),
        },
        Ty::OneOf(allowed) => match value.as_str() {
            Some(s) if !allowed.contains(&s) => err(ErrorKind::NotOneOf {
                allowed: allowed.to_vec(),
            }),
            Some(_) => {}
            None => err(ErrorKind::WrongType {
                expected: Expected::Text,
            }),
        },
        Ty::List { item, min } => match value.as_array() {
            Some(items) => {
                if items.len() < *min {
                    err(ErrorKind::TooFew { min: *min });
                }
                for (i, v) in items.iter().enumerate() {
                    walk(v, item, &format!("{path}[{i}]"), errors);
                }
            }
            None => err(ErrorKind::WrongType {
                expected: Expected::List,
            }),
        },
        Ty::Object(fields) => walk_object(value, fields, &[], path, errors),
        Ty::Tagged { tag, variants } => {
            let Some(obj) = value.as_object() else {
                return err(ErrorKind::WrongType {
                    expected: Expected::Object,
                });
            };
            match obj.get(*tag) {
                None => errors.push(ProfileError::new(
                    format!("{path}.{tag}"),
                    ErrorKind::Missing,
                )),
                Some(Value::String(kind)) => match variants.iter().find(|(k, _)| k == kind) {
                    Some((_, fields)) => walk_object(value, fields, &[tag], path, errors),
                    None => errors.push(ProfileError::new(
                        format!("{path}.{tag}"),
                        ErrorKind::CadenceNotUnderstood { kind: kind.clone() },
                    )),
                },
                Some(_) => errors.push(ProfileError::new(
                    format!("{path}.{tag}"),
                    ErrorKind::WrongType {
                        expected: Expected::Text,
                    },
                )),
            }
        }
    }
}

fn walk_object(
    value: &Value,
    fields: &[Field],
    also_allowed: &[&str],
    path: &str,
    errors: &mut Vec<ProfileError>,
) {
    let Some(obj) = value.as_object() else {
        errors.push(ProfileError::new(
            path,
            ErrorKind::WrongType {
                expected: Expected::Object,
            },
        ));
        return;
    };
    for field in fields {
        let field_path = format!("{path}.{}", field.name);
        match obj.get(field.name) {
            Some(v) => walk(v, field.ty, &field_path, errors),
            None if field.required => {
                errors.push(ProfileError::new(field_path, ErrorKind::Missing))
            }
            None => {}
        }
    }
    for key in obj.keys() {
        if !fields.iter().any(|f| f.name == key) && !also_allowed.contains(&key.as_str()) {
            errors.push(ProfileError::new(
                format!("{path}.{key}"),
                ErrorKind::Unknown,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::cadence::Cadence;
    use super::*;

    #[test]
    fn cadence_kinds_in_the_schema_match_the_type() {
        let Ty::Tagged { variants, .. } = &CADENCE else {
            panic!("cadence is tagged")
        };
        let kinds: Vec<&str> = variants.iter().map(|(k, _)| *k).collect();
        assert_eq!(kinds, Cadence::KINDS);
    }

    /// A value with every field the table names present (each tagged variant once in a list),
    /// so that decoding it into the types and encoding it again shows what the types keep.
    fn everything(ty: &Ty) -> Value {
        match ty {
            Ty::Text => Value::from("tekst"),
            Ty::Id => Value::from("id-1"),
            Ty::Bool => Value::from(true),
            Ty::Int { min, max } => Value::from((*min).max(1).min(*max)),
            Ty::Url | Ty::UrlOr(_) => Value::from("https://example.org/a"),
            Ty::OneOf(names) => Value::from(names.first().copied().unwrap_or_default()),
            Ty::Nullable(inner) => everything(inner),
            Ty::List { item, .. } => match item {
                Ty::Tagged { tag, variants } => Value::Array(
                    variants
                        .iter()
                        .map(|(name, fields)| tagged(tag, name, fields))
                        .collect(),
                ),
                _ => Value::Array(vec![everything(item)]),
            },
            Ty::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|f| (f.name.to_string(), everything(f.ty)))
                    .collect(),
            ),
            Ty::Tagged { tag, variants } => variants
                .first()
                .map_or(Value::Null, |(name, fields)| tagged(tag, name, fields)),
        }
    }

    fn tagged(tag: &str, name: &str, fields: &[Field]) -> Value {
        let mut obj: serde_json::Map<String, Value> = fields
            .iter()
            .map(|f| (f.name.to_string(), everything(f.ty)))
            .collect();
        obj.insert(tag.to_string(), Value::from(name));
        Value::Object(obj)
    }

    /// Every key path in a value (`roles[].contact.phone`), list positions left out.
    fn paths(value: &Value, at: &str, out: &mut std::collections::BTreeSet<String>) {
        match value {
            Value::Object(obj) => {
                for (k, v) in obj {
                    let here = if at.is_empty() {
                        k.clone()
                    } else {
                        format!("{at}.{k}")
                    };
                    out.insert(here.clone());
                    paths(v, &here, out);
                }
            }
            Value::Array(items) => {
                for v in items {
                    paths(v, &format!("{at}[]"), out);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn the_table_and_the_types_describe_the_same_format() {
        let full = everything(&PROFILE);
        let mut errors = Vec::new();
        check(&full, &mut errors);
        assert!(
            errors.is_empty(),
            "the table accepts its own value: {errors:?}"
        );
        let profile: super::super::Profile = serde_json::from_value(full.clone())
            .expect("the types read every field the table names");
        let again = serde_json::to_value(&profile).expect("serialises");
        let (mut want, mut have) = (Default::default(), Default::default());
        paths(&full, "", &mut want);
        paths(&again, "", &mut have);
        let only_table: Vec<_> = want.difference(&have).collect();
        let only_types: Vec<_> = have.difference(&want).collect();
        assert!(
            only_table.is_empty() && only_types.is_empty(),
            "the schema table and the types disagree:\n  only in the table: {only_table:?}\n  only in the types: {only_types:?}"
        );
    }

    #[test]
    fn ids() {
        for ok in ["a", "ssp-konsulent", "niveau-2", &"x".repeat(40)] {
            assert!(is_id(ok), "{ok}");
        }
        for bad in ["", "Gadeteam", "cool kids", "køge", "a_b", &"x".repeat(41)] {
            assert!(!is_id(bad), "{bad}");
        }
    }
}
