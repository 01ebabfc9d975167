//! Semantic rules that the schema cannot express: unique ids, references that resolve, no
//! empty staircase levels, no cycles in the organisation, a notification route that says
//! where, and the provenance rules. They run on the raw JSON so that they report alongside
//! structural errors, and skip what has the wrong shape (the schema reports that).

use super::errors::{ErrorKind, ProfileError, Target};
use super::FORMAT_VERSION;
use crate::domain::topics;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// A `format_version` newer than this app: reported alone, since the rest may be valid in a
/// format this app does not know.
pub(super) fn future_version(value: &Value) -> Option<ProfileError> {
    let found = value.get("format_version")?.as_u64()?;
    (found > FORMAT_VERSION as u64).then(|| {
        ProfileError::new(
            "$.format_version",
            ErrorKind::FutureVersion {
                found,
                supported: FORMAT_VERSION,
            },
        )
    })
}

fn items<'a>(value: &'a Value, path: &[&str]) -> Vec<(usize, &'a Value)> {
    let mut v = value;
    for key in path {
        match v.get(key) {
            Some(next) => v = next,
            None => return Vec::new(),
        }
    }
    v.as_array()
        .map(|a| a.iter().enumerate().collect())
        .unwrap_or_default()
}

fn str_field<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// Ids of a list, reporting duplicates; returns the set of ids.
fn unique_ids(value: &Value, list: &[&str], errors: &mut Vec<ProfileError>) -> HashSet<String> {
    let base = format!("$.{}", list.join("."));
    let mut seen = HashSet::new();
    for (i, item) in items(value, list) {
        if let Some(id) = str_field(item, "id") {
            if !seen.insert(id.to_string()) {
                errors.push(ProfileError::new(
                    format!("{base}[{i}].id"),
                    ErrorKind::DuplicateId { id: id.to_string() },
                ));
            }
        }
    }
    seen
}

fn check_ref(
    id: Option<&str>,
    known: &HashSet<String>,
    target: Target,
    path: String,
    errors: &mut Vec<ProfileError>,
) {
    if let Some(id) = id {
        if !known.contains(id) {
            errors.push(ProfileError::new(
                path,
                ErrorKind::UnknownReference {
                    id: id.to_string(),
                    target,
                },
            ));
        }
    }
}

pub(super) fn semantics(value: &Value, errors: &mut Vec<ProfileError>) {
    let documents = unique_ids(value, &["documents"], errors);
    let roles = unique_ids(value, &["roles"], errors);
    let bodies = unique_ids(value, &["bodies"], errors);
    let levels = unique_ids(value, &["staircase", "levels"], errors);
    unique_ids(value, &["staircase", "interventions"], errors);
    unique_ids(value, &["methods"], errors);
    let topic_ids: HashSet<String> = topics::all().iter().map(|t| t.id.clone()).collect();

    // Level numbers are unique.
    let mut numbers = HashSet::new();
    for (i, level) in items(value, &["staircase", "levels"]) {
        if let Some(n) = level.get("number").and_then(Value::as_u64) {
            if !numbers.insert(n) {
                errors.push(ProfileError::new(
                    format!("$.staircase.levels[{i}].number"),
                    ErrorKind::DuplicateLevelNumber { number: n },
                ));
            }
        }
    }

    // Interventions point at known levels and topics; every level has one.
    let mut used_levels = HashSet::new();
    for (i, item) in items(value, &["staircase", "interventions"]) {
        let base = format!("$.staircase.interventions[{i}]");
        for (j, level) in items(item, &["levels"]) {
            check_ref(
                level.as_str(),
                &levels,
                Target::Level,
                format!("{base}.levels[{j}]"),
                errors,
            );
            if let Some(l) = level.as_str() {
                used_levels.insert(l.to_string());
            }
        }
        for (j, topic) in items(item, &["topics"]) {
            check_ref(
                topic.as_str(),
                &topic_ids,
                Target::Topic,
                format!("{base}.topics[{j}]"),
                errors,
            );
        }
    }
    let interventions_present = !items(value, &["staircase", "interventions"]).is_empty();
    for (i, level) in items(value, &["staircase", "levels"]) {
        if let Some(id) = str_field(level, "id") {
            if interventions_present && !used_levels.contains(id) {
                errors.push(ProfileError::new(
                    format!("$.staircase.levels[{i}]"),
                    ErrorKind::EmptyLevel { id: id.to_string() },
                ));
            }
        }
    }

    // The door for sparring is a known role.
    if let Some(door) = value.get("sparring_door") {
        check_ref(
            str_field(door, "role"),
            &roles,
            Target::Role,
            "$.sparring_door.role".into(),
            errors,
        );
    }

    // Bodies' parents are known bodies, without cycles.
    let parents: HashMap<String, String> = items(value, &["bodies"])
        .into_iter()
        .filter_map(|(_, b)| {
            Some((
                str_field(b, "id")?.to_string(),
                str_field(b, "parent")?.to_string(),
            ))
        })
        .collect();
    for (i, body) in items(value, &["bodies"]) {
        let path = format!("$.bodies[{i}].parent");
        check_ref(
            str_field(body, "parent"),
            &bodies,
            Target::Body,
            path.clone(),
            errors,
        );
        if let Some(id) = str_field(body, "id") {
            let mut at = id;
            let mut steps = 0;
            while let Some(parent) = parents.get(at) {
                steps += 1;
                if parent == id || steps > parents.len() {
                    errors.push(ProfileError::new(
                        path.clone(),
                        ErrorKind::ParentCycle { id: id.to_string() },
                    ));
                    break;
                }
                at = parent;
            }
        }
    }

    // Target age reads forwards.
    if let Some(age) = value.get("target_age") {
        if let (Some(from), Some(to)) = (
            age.get("from").and_then(Value::as_u64),
            age.get("to").and_then(Value::as_u64),
        ) {
            if from > to {
                errors.push(ProfileError::new(
                    "$.target_age",
                    ErrorKind::AgeRangeReversed,
                ));
            }
        }
    }

    // A notification route says where to send it: an address, words, or both. (An empty
    // text is the schema's to report.)
    if let Some(route) = value
        .get("links")
        .and_then(|l| l.get("notification_channel"))
        .filter(|c| c.is_object())
    {
        let given = |key: &str| route.get(key).is_some_and(|v| !v.is_null());
        if !given("url") && !given("text") {
            errors.push(ProfileError::new(
                "$.links.notification_channel",
                ErrorKind::RouteWithoutUrlOrText,
            ));
        }
    }

    // Every source names a known document, and mapped/model go together — anywhere.
    provenance(value, "$", &documents, errors);
}

fn provenance(
    value: &Value,
    path: &str,
    documents: &HashSet<String>,
    errors: &mut Vec<ProfileError>,
) {
    match value {
        Value::Object(obj) => {
            if let Some(source) = obj.get("source") {
                check_ref(
                    str_field(source, "document"),
                    documents,
                    Target::Document,
                    format!("{path}.source.document"),
                    errors,
                );
            }
            let mapped = obj.get("mapped").and_then(Value::as_bool).unwrap_or(false);
            let has_model = obj.get("model").is_some_and(|m| !m.is_null());
            if mapped && !has_model {
                errors.push(ProfileError::new(
                    format!("{path}.mapped"),
                    ErrorKind::MappedWithoutModel,
                ));
            }
            if has_model && !mapped {
                errors.push(ProfileError::new(
                    format!("{path}.model"),
                    ErrorKind::ModelWithoutMapped,
                ));
            }
            for (key, v) in obj {
                if key != "source" {
                    provenance(v, &format!("{path}.{key}"), documents, errors);
                }
            }
        }
        Value::Array(list) => {
            for (i, v) in list.iter().enumerate() {
                provenance(v, &format!("{path}[{i}]"), documents, errors);
            }
        }
        _ => {}
    }
}
