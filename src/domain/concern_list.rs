//! The list of concerns as its page shows and orders it: one small summary per concern (who,
//! level, topics, follow-up, status), kept beside the records (`ssp.concerns.list`), so that a
//! start with thousands of concerns draws the list from one value instead of reading and
//! decoding every record first (issue 15).
//!
//! It is a copy, never the truth:
//! - every write of a record or a delete through `concern_store` removes it ([`forget`]), so a
//!   write that does not also write the list leaves no list behind, never a wrong one;
//! - loading every record writes it again when it differs ([`keep`]): the app always loads every
//!   record just after drawing the list from the copy, and then draws the list from them, so a
//!   copy another tab or an older version left stale is shown for that moment at most;
//! - a copy that cannot be read is not quarantined: it is as if there were none.
//!
//! Under a PIN it is sealed like every other concern key (`vault::is_sealed_key`, fail closed),
//! and "Ryd denne enhed" removes it with every other `ssp.` key.

use super::concern::{self, Concern, Status};
use super::dates::Date;
use super::guide::Level;
use super::storage::{Codec, KeyValueStore, StoreError};
use serde::{Deserialize, Serialize};

pub const LIST_KEY: &str = "ssp.concerns.list";
const LIST_CODEC: Codec = Codec {
    schema: 1,
    migrations: &[],
};

/// What the list shows and orders one concern by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub id: String,
    pub revision: u32,
    /// As [`Concern::child`]: initials or a pseudonym, never a name.
    #[serde(rename = "pseudonym")]
    pub child: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub school_class: Option<String>,
    pub level: Level,
    pub topics: Vec<String>,
    pub follow_up: Date,
    pub status: Status,
    pub updated_ms: u64,
    /// The earliest date an action item not yet done was due by (none: every item is done).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_due: Option<Date>,
}

impl Summary {
    pub fn of(c: &Concern) -> Summary {
        Summary {
            id: c.id.clone(),
            revision: c.revision,
            child: c.child.clone(),
            school_class: c.school_class.clone(),
            level: c.level,
            topics: c.topics.clone(),
            follow_up: c.follow_up,
            status: c.status,
            updated_ms: c.updated_ms,
            first_due: c.action_plan.iter().filter(|a| !a.done).map(|a| a.by).min(),
        }
    }

    /// As [`Concern::overdue`].
    pub fn overdue(&self, today: Date) -> bool {
        self.status == Status::Open
            && (self.follow_up < today || self.first_due.is_some_and(|by| by < today))
    }
}

/// The summaries of `concerns`, in their order.
pub fn summaries(concerns: &[Concern]) -> Vec<Summary> {
    concerns.iter().map(Summary::of).collect()
}

/// In the list's order ([`concern::sorted`]'s: open first, overdue first, then follow-up, newest).
pub fn sorted(list: &[Summary], today: Date) -> Vec<&Summary> {
    let mut list: Vec<&Summary> = list.iter().collect();
    list.sort_by_cached_key(|s| {
        concern::list_order(s.status, s.overdue(today), s.follow_up, s.updated_ms)
    });
    list
}

/// The stored copy, if there is one this version can read.
pub fn read(store: &dyn KeyValueStore) -> Option<Vec<Summary>> {
    let raw = store.get(LIST_KEY).ok()??;
    LIST_CODEC.decode(&raw).ok()
}

/// Stores `list` as the copy unless it is stored already; returns whether it wrote. No concerns,
/// no copy: nothing is written on a device that holds none (a first visit, after "Ryd denne
/// enhed"). A write that fails (storage full) removes the copy rather than leave an old one.
pub fn keep(store: &dyn KeyValueStore, list: &[Summary]) -> Result<bool, StoreError> {
    if list.is_empty() {
        let there = store.get(LIST_KEY)?.is_some();
        if there {
            forget(store)?;
        }
        return Ok(there);
    }
    let text = LIST_CODEC.encode(&list)?;
    if store.get(LIST_KEY)?.as_deref() == Some(text.as_str()) {
        return Ok(false);
    }
    match store.set(LIST_KEY, &text) {
        Ok(()) => Ok(true),
        Err(e) => {
            let _ = store.remove(LIST_KEY);
            Err(e)
        }
    }
}

/// Removes the copy (a record was written or deleted).
pub fn forget(store: &dyn KeyValueStore) -> Result<(), StoreError> {
    store.remove(LIST_KEY)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::concern::ActionItem;
    use crate::domain::concern_store::{self, Nobody};
    use crate::domain::storage::MemoryStore;

    fn d(iso: &str) -> Date {
        Date::parse_iso(iso).unwrap()
    }

    /// The fixture's first concern (schema 1 as the migration reads it).
    fn concern() -> Concern {
        let v1: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/fixtures/concerns-v1.json")).unwrap();
        let mut raw = v1["data"][0].clone();
        let child = raw.as_object_mut().unwrap().remove("child").unwrap();
        raw["pseudonym"] = child;
        serde_json::from_value(raw).unwrap()
    }

    fn item(by: &str, done: bool) -> ActionItem {
        ActionItem {
            what: "Følg op".into(),
            who: "Lærer".into(),
            by: d(by),
            done,
        }
    }

    /// Against `Concern::overdue`, its own reading of the rule: every status, a follow-up
    /// before, on and after today, and action plans with items done or not, due before or after.
    #[test]
    fn a_summary_is_overdue_exactly_when_its_concern_is() {
        let today = d("2026-12-07");
        let plans: Vec<Vec<ActionItem>> = vec![
            vec![],
            vec![item("2026-12-01", true)],
            vec![item("2026-12-01", false)],
            vec![item("2026-12-07", false)],
            vec![item("2026-12-20", false)],
            vec![item("2026-12-01", true), item("2026-12-20", false)],
            vec![item("2026-12-20", false), item("2026-12-01", false)],
        ];
        let (mut yes, mut no) = (0, 0);
        for status in [Status::Open, Status::Closed] {
            for follow_up in ["2026-12-06", "2026-12-07", "2026-12-08"] {
                for plan in &plans {
                    let mut c = concern();
                    c.status = status;
                    c.follow_up = d(follow_up);
                    c.action_plan = plan.clone();
                    let s = Summary::of(&c);
                    assert_eq!(
                        s.overdue(today),
                        c.overdue(today),
                        "{status:?} {follow_up} {plan:?}"
                    );
                    if c.overdue(today) {
                        yes += 1;
                    } else {
                        no += 1;
                    }
                }
            }
        }
        assert!(
            yes > 0 && no > 0,
            "both kinds are checked: {yes} overdue, {no} not"
        );
    }

    /// The list drawn from the copy is in the order the list drawn from the concerns has.
    #[test]
    fn the_copy_is_in_the_concerns_order() {
        let today = d("2026-12-07");
        let list = concern::varied(&concern());
        let copy = summaries(&list);
        let from_copy: Vec<&str> = sorted(&copy, today).iter().map(|s| s.id.as_str()).collect();
        let from_concerns: Vec<&str> = concern::sorted(&list, today)
            .iter()
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(from_copy, from_concerns);
    }

    #[test]
    fn the_copy_is_read_back_and_written_only_when_it_changed() {
        let store = MemoryStore::new();
        assert_eq!(read(&store), None);
        let mut list = summaries(&[concern()]);
        assert_eq!(keep(&store, &list), Ok(true));
        assert_eq!(read(&store), Some(list.clone()));
        assert_eq!(keep(&store, &list), Ok(false));
        list[0].status = Status::Closed;
        assert_eq!(keep(&store, &list), Ok(true));
        assert_eq!(read(&store), Some(list));
        // Nothing but the copy is written, and it holds no more than the list shows.
        assert_eq!(store.keys().unwrap(), [LIST_KEY]);
        let raw = store.get(LIST_KEY).unwrap().unwrap();
        assert!(
            !raw.contains("history") && !raw.contains("answers"),
            "{raw}"
        );
        // No concerns, no copy.
        assert_eq!(keep(&store, &[]), Ok(true));
        assert!(store.keys().unwrap().is_empty());
        assert_eq!(keep(&store, &[]), Ok(false));
        assert!(store.keys().unwrap().is_empty());
    }

    /// A copy is never the truth: one this version cannot read is no copy, and nothing is set
    /// aside (the records are where the data is).
    #[test]
    fn a_copy_that_cannot_be_read_is_none_and_nothing_is_set_aside() {
        for bad in [
            "{not json",
            r#"{"schema":1,"data":{"id":"x"}}"#,
            r#"{"schema":2,"data":[]}"#,
        ] {
            let store = MemoryStore::new();
            store.set(LIST_KEY, bad).unwrap();
            assert_eq!(read(&store), None, "{bad}");
            assert_eq!(store.keys().unwrap(), [LIST_KEY], "{bad}");
        }
    }

    /// Every way a record is written or deleted removes the copy, so it never lists what the
    /// records no longer say.
    #[test]
    fn every_write_of_a_record_and_every_delete_removes_the_copy() {
        let store = MemoryStore::new();
        let c = concern();
        let list = summaries(std::slice::from_ref(&c));
        keep(&store, &list).unwrap();
        concern_store::save(&store, &c, 1, &Nobody).unwrap();
        assert_eq!(read(&store), None, "save");
        keep(&store, &list).unwrap();
        concern_store::save_record(&store, &c, 1).unwrap();
        assert_eq!(read(&store), None, "save_record");
        keep(&store, &list).unwrap();
        concern_store::save_one(&store, &c, Some(c.revision), 1, &Nobody).unwrap();
        assert_eq!(read(&store), None, "save_one");
        keep(&store, &list).unwrap();
        concern_store::delete_one(&store, &c.id, c.revision, 1, &Nobody).unwrap();
        assert_eq!(read(&store), None, "delete_one");
    }

    /// A copy that no longer fits is removed, not left as it was.
    #[test]
    fn a_copy_that_does_not_fit_leaves_none() {
        let one = summaries(&[concern()]);
        let many: Vec<Summary> = (0..50)
            .map(|i| Summary {
                id: format!("id-{i}"),
                ..one[0].clone()
            })
            .collect();
        let store =
            MemoryStore::with_quota(LIST_KEY.len() + 2 * LIST_CODEC.encode(&one).unwrap().len());
        assert_eq!(keep(&store, &one), Ok(true));
        assert_eq!(keep(&store, &many), Err(StoreError::QuotaExceeded));
        assert_eq!(read(&store), None);
    }
}
