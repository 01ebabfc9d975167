//! The conflict screen's content: the two versions side by side, field by field, and the
//! merge of both (this device's fields, every action item and every history entry from both).

use crate::domain::concern::{Concern, Status};
use crate::domain::i18n::{Lang, Texts};
use crate::domain::overview::level_label;

/// One line of the comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub label: &'static str,
    pub mine: String,
    pub theirs: String,
    pub differs: bool,
}

fn describe(c: Option<&Concern>, t: &Texts, lang: Lang) -> Vec<String> {
    let Some(c) = c else {
        return vec![t.conflict_deleted.to_string(); 7];
    };
    let plan = c
        .action_plan
        .iter()
        .map(|a| {
            format!(
                "{} {} ({}, {})",
                if a.done { "✓" } else { "○" },
                a.what,
                a.who,
                a.by.danish()
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    let last = c
        .history
        .last()
        .map(|h| {
            format!(
                "{} · {}",
                crate::domain::roles::label(&h.by_role, t),
                h.detail
            )
        })
        .unwrap_or_default();
    vec![
        c.child.clone(),
        c.school_class.clone().unwrap_or_default(),
        level_label(c.level, lang),
        match c.status {
            Status::Open => t.status_open.to_string(),
            Status::Closed => t.status_closed.to_string(),
        },
        c.follow_up.danish(),
        plan,
        format!("{} · {}", c.history.len(), last),
    ]
}

/// The rows to compare; a deleted side reads "Slettet".
pub fn rows(mine: Option<&Concern>, theirs: Option<&Concern>, t: &Texts, lang: Lang) -> Vec<Row> {
    let labels = [
        t.cmp_pseudonym,
        t.cmp_class,
        t.cmp_level,
        t.cmp_status,
        t.cmp_follow_up,
        t.cmp_plan,
        t.cmp_history,
    ];
    labels
        .into_iter()
        .zip(
            describe(mine, t, lang)
                .into_iter()
                .zip(describe(theirs, t, lang)),
        )
        .map(|(label, (m, th))| Row {
            label,
            differs: m != th,
            mine: m,
            theirs: th,
        })
        .collect()
}

/// Both versions in one: this device's fields, the action items of both (the other version's
/// extra items added; an item done in either is done), and both histories in time order.
pub fn merge(mine: &Concern, theirs: &Concern) -> Concern {
    let mut m = mine.clone();
    for item in &theirs.action_plan {
        match m.action_plan.iter_mut().find(|a| a.what == item.what) {
            Some(a) => a.done |= item.done,
            None => m.action_plan.push(item.clone()),
        }
    }
    for h in &theirs.history {
        if !m.history.contains(h) {
            m.history.push(h.clone());
        }
    }
    m.history.sort_by_key(|h| h.at_ms);
    m.updated_ms = mine.updated_ms.max(theirs.updated_ms);
    m.revision = mine.revision.max(theirs.revision) + 1;
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::concern::{ActionItem, Change, ChangeKind};
    use crate::domain::dates::Date;
    use crate::domain::i18n::texts;

    fn base() -> Concern {
        let raw = include_str!("../../../tests/fixtures/concerns-v1.json");
        let v: serde_json::Value = serde_json::from_str(raw).unwrap();
        let mut c = v["data"][0].clone();
        let o = c.as_object_mut().unwrap();
        let child = o.remove("child").unwrap();
        o.insert("pseudonym".into(), child);
        serde_json::from_value(c).unwrap()
    }

    #[test]
    fn merge_keeps_every_item_and_history_entry_of_both() {
        let mine = base();
        let mut theirs = base();
        theirs.action_plan[1].done = true;
        theirs.action_plan.push(ActionItem {
            what: "Tal med AKT-vejlederen".into(),
            who: "Lærer".into(),
            by: Date::parse_iso("2026-12-01").unwrap(),
            done: false,
        });
        theirs.history.push(Change {
            at_ms: 1,
            by_role: "Leder".into(),
            kind: ChangeKind::ItemAdded,
            detail: "Tal med AKT-vejlederen".into(),
        });
        let m = merge(&mine, &theirs);
        assert_eq!(m.action_plan.len(), 3);
        assert!(m.action_plan[1].done, "done in either is done");
        assert_eq!(m.history.len(), 3);
        assert_eq!(m.history[0].at_ms, 1, "in time order");
        assert!(m.revision > mine.revision.max(theirs.revision));
        assert_eq!(
            merge(&mine, &mine).history,
            mine.history,
            "merging a version with itself adds nothing"
        );
    }

    #[test]
    fn rows_mark_what_differs_and_a_deleted_side() {
        let t = texts(Lang::Da);
        let mine = base();
        let mut theirs = base();
        theirs.follow_up = Date::parse_iso("2027-01-04").unwrap();
        let r = rows(Some(&mine), Some(&theirs), t, Lang::Da);
        let differing: Vec<&str> = r.iter().filter(|x| x.differs).map(|x| x.label).collect();
        assert_eq!(differing, vec![t.cmp_follow_up]);
        let follow = r.iter().find(|x| x.label == t.cmp_follow_up).unwrap();
        assert_eq!(
            (follow.mine.as_str(), follow.theirs.as_str()),
            ("7.12.2026", "4.1.2027")
        );
        let r = rows(Some(&mine), None, t, Lang::Da);
        assert!(r.iter().all(|x| x.theirs == t.conflict_deleted));
    }
}
