//! Saved concerns (bekymringer): a pseudonymous record with the guide's answers, an action
//! plan, a follow-up date and a change history. Stored as one versioned document
//! (`ssp.concerns`); ids and times come in from the platform.

use super::dates::Date;
use super::guide::engine::{Answer, Answers};
use super::guide::{ids, Level, Timing};
use serde::{Deserialize, Serialize};

/// Longest initials/pseudonym: short on purpose, it is not a name field.
pub const MAX_CHILD_LEN: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Open,
    Closed,
}

/// One item of the action plan: what, who (a role), by when, done. Read only as part of its
/// [`Concern`] (an unreadable `by` needs the concern's creation date).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct ActionItem {
    pub what: String,
    pub who: String,
    /// Stored as ISO text (`"2026-12-07"`).
    pub by: Date,
    pub done: bool,
}

/// What a change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Created,
    Edited,
    Done,
    NotDone,
    ItemAdded,
    FollowUpChanged,
    Closed,
    Reopened,
    /// The written notification's draft was saved with the concern (schema 3).
    NotificationDrafted,
}

/// One entry of the change history: when, by which role, what changed (and about what).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Change {
    pub at_ms: u64,
    pub by_role: String,
    pub kind: ChangeKind,
    /// The action item, the new date or the reason it concerns; empty when none.
    pub detail: String,
}

/// Stored (device, backup, sync) as JSON with the dates as ISO text, `"2026-12-07"`.
///
/// **A stored date that is not a date** — possible in a record from an older version, which
/// only checked that a date had ten characters (`"2026-02-30"`), or a record edited by hand
/// (`""`, a missing field) — never fails the record: an unreadable `follow_up`, or an action
/// item's unreadable `by`, reads as the record's creation date
/// (the UTC date of `created_ms`). The concern then shows as due or overdue and gets
/// attention, and the date can be moved as any other. The rule depends on the record alone,
/// so every device and every import reads the same date; the unreadable text itself is not
/// kept (the next save writes the date it was read as). See `StoredConcern`. A date that is not
/// text at all (`null`, a number) was never written by any version: such a record is not this
/// format, and is set aside as any other.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "StoredConcern")]
pub struct Concern {
    /// UUID.
    pub id: String,
    /// Grows with every change.
    pub revision: u32,
    /// The child's initials or a pseudonym — never a name, never a CPR number. Stored as
    /// `pseudonym` since schema 2 (schema 1 called it `child`).
    #[serde(rename = "pseudonym")]
    pub child: String,
    #[serde(default)]
    pub school_class: Option<String>,
    /// The municipality profile the advice was given for.
    pub profile: String,
    pub answers: Answers,
    pub level: Level,
    pub topics: Vec<String>,
    pub action_plan: Vec<ActionItem>,
    /// Stored as ISO text (`"2026-12-07"`).
    pub follow_up: Date,
    pub status: Status,
    #[serde(default)]
    pub close_reason: Option<String>,
    pub created_ms: u64,
    pub updated_ms: u64,
    pub history: Vec<Change>,
    /// The written notification's draft, as the teacher last saved it (schema 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification: Option<super::notification::Draft>,
}

/// A [`Concern`] as it is read (stored record, backup, sync): the same fields with the same
/// names and defaults, but the dates read as the text they are stored as, so a stored date that
/// is not a date becomes the creation date in the [`Concern`]. A field added to
/// `Concern` must be added here too (the conversion below names every field).
#[derive(Deserialize)]
struct StoredConcern {
    id: String,
    revision: u32,
    #[serde(rename = "pseudonym")]
    child: String,
    #[serde(default)]
    school_class: Option<String>,
    profile: String,
    answers: Answers,
    level: Level,
    topics: Vec<String>,
    action_plan: Vec<StoredItem>,
    // Read as text, with the code that reads every other string: the app's first screen loads
    // the concerns (a lenient any-value reader cost 2.8 KB of gzip there).
    #[serde(default)]
    follow_up: String,
    status: Status,
    #[serde(default)]
    close_reason: Option<String>,
    created_ms: u64,
    updated_ms: u64,
    history: Vec<Change>,
    #[serde(default)]
    notification: Option<super::notification::Draft>,
}

/// An [`ActionItem`] as it is read.
#[derive(Deserialize)]
struct StoredItem {
    what: String,
    who: String,
    #[serde(default)]
    by: String,
    done: bool,
}

impl From<StoredConcern> for Concern {
    fn from(s: StoredConcern) -> Concern {
        // The rule for a stored date that is not a date (see `Concern`).
        let created = Date::from_ms(s.created_ms);
        let date = |text: &str| Date::parse_iso(text).unwrap_or(created);
        Concern {
            id: s.id,
            revision: s.revision,
            child: s.child,
            school_class: s.school_class,
            profile: s.profile,
            answers: s.answers,
            level: s.level,
            topics: s.topics,
            action_plan: s
                .action_plan
                .into_iter()
                .map(|i| ActionItem {
                    what: i.what,
                    who: i.who,
                    by: date(&i.by),
                    done: i.done,
                })
                .collect(),
            follow_up: date(&s.follow_up),
            status: s.status,
            close_reason: s.close_reason,
            created_ms: s.created_ms,
            updated_ms: s.updated_ms,
            history: s.history,
            notification: s.notification,
        }
    }
}

/// The follow-up "Har du fået kvittering?" that joins the action plan with the first saved
/// notification: its text and who does it, in the reader's language, and how many weekdays on.
#[derive(Debug, Clone, Copy)]
pub struct Receipt<'a> {
    pub what: &'a str,
    pub who: &'a str,
    pub weekdays: u32,
}

/// Why a concern cannot be saved as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConcernProblem {
    /// Initials or a pseudonym are needed.
    ChildMissing,
    /// Too long for initials or a pseudonym.
    ChildTooLong,
    /// Looks like a full name ("Anna Jensen").
    ChildLooksLikeName,
    /// A free-text field holds something like a CPR number.
    CprInText(String),
    /// A field that must be filled in is empty.
    Missing(Field),
    /// Not a date (`YYYY-MM-DD`, a real day).
    NotADate,
    /// There is no action item with that number.
    NoSuchItem,
}

impl ConcernProblem {
    /// About what was typed in a free text, or a date: not about one form's own fields.
    pub fn about_a_text_or_date(&self) -> bool {
        matches!(
            self,
            ConcernProblem::CprInText(_) | ConcernProblem::NotADate | ConcernProblem::NoSuchItem
        )
    }
}

/// The fields of a change that must be filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    ItemWhat,
    ItemWho,
    ItemBy,
    CloseReason,
}

/// `text` trimmed, or [`ConcernProblem::Missing`] when nothing is left.
fn required(text: &str, field: Field) -> Result<&str, ConcernProblem> {
    let text = text.trim();
    if text.is_empty() {
        Err(ConcernProblem::Missing(field))
    } else {
        Ok(text)
    }
}

/// A free text is never saved with a CPR-like number in it.
fn no_cpr(text: &str) -> Result<(), ConcernProblem> {
    match super::cpr::find(text).into_iter().next() {
        Some(cpr) => Err(ConcernProblem::CprInText(cpr)),
        None => Ok(()),
    }
}

fn date(text: &str) -> Result<Date, ConcernProblem> {
    Date::parse_iso(text.trim()).ok_or(ConcernProblem::NotADate)
}

/// A word that reads as part of a name: a capital, then small letters, three letters or more
/// ("Anna"; not "SSP", "6.b" or "og"). Shared by the child field and the notification's draft.
pub fn name_like_word(w: &str) -> bool {
    w.chars().count() >= 3
        && w.chars().next().is_some_and(char::is_uppercase)
        && w.chars().skip(1).all(char::is_lowercase)
}

/// Checks the child field and free texts before saving.
pub fn check_child(child: &str) -> Result<(), ConcernProblem> {
    let c = child.trim();
    if c.is_empty() {
        return Err(ConcernProblem::ChildMissing);
    }
    if c.chars().count() > MAX_CHILD_LEN {
        return Err(ConcernProblem::ChildTooLong);
    }
    // Two or more capitalised words of three letters or more read as a first and last name.
    let name_like = c.split_whitespace().filter(|w| name_like_word(w)).count();
    if name_like >= 2 {
        return Err(ConcernProblem::ChildLooksLikeName);
    }
    no_cpr(c)
}

/// A plan step as it goes into the saved action plan.
pub struct PlanLine {
    pub what: String,
    pub who: String,
    pub timing: Timing,
}

/// How many concerns the list shows at a time ("Vis flere" shows the next as many).
pub const LIST_PAGE: usize = 100;

impl Concern {
    /// A new open concern from complete answers and the outcome's plan lines.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: String,
        child: &str,
        school_class: Option<String>,
        profile: &str,
        answers: Answers,
        level: Level,
        plan: Vec<PlanLine>,
        follow_up_days: u32,
        now_ms: u64,
        by_role: &str,
    ) -> Result<Concern, ConcernProblem> {
        check_child(child)?;
        no_cpr(school_class.as_deref().unwrap_or_default())?;
        for text in free_texts(&answers) {
            no_cpr(&text)?;
        }
        let today = Date::from_ms(now_ms);
        let follow_up = today.plus_days(follow_up_days);
        let topics = match answers.get(ids::TOPICS) {
            Some(Answer::Multi(t)) => t.iter().cloned().collect(),
            _ => Vec::new(),
        };
        let action_plan = plan
            .into_iter()
            .map(|line| ActionItem {
                by: match line.timing {
                    Timing::Now | Timing::Today => today,
                    Timing::ThisWeek => today.plus_days(7),
                    Timing::FollowUp => follow_up,
                },
                what: line.what,
                who: line.who,
                done: false,
            })
            .collect();
        Ok(Concern {
            id,
            revision: 1,
            child: child.trim().to_string(),
            school_class: school_class
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty()),
            profile: profile.to_string(),
            answers,
            level,
            topics,
            action_plan,
            follow_up,
            status: Status::Open,
            close_reason: None,
            created_ms: now_ms,
            updated_ms: now_ms,
            history: vec![Change {
                at_ms: now_ms,
                by_role: by_role.to_string(),
                kind: ChangeKind::Created,
                detail: String::new(),
            }],
            notification: None,
        })
    }

    /// Keeps the notification's draft with the concern. The first time, the follow-up "Har du
    /// fået kvittering?" joins the action plan, due `receipt_weekdays` weekdays later. A draft
    /// with a CPR-like number is refused, as every free text is.
    pub fn save_notification(
        &mut self,
        draft: super::notification::Draft,
        receipt: Receipt,
        now_ms: u64,
        by_role: &str,
    ) -> Result<(), ConcernProblem> {
        if let Some(cpr) = draft.cpr() {
            return Err(ConcernProblem::CprInText(cpr));
        }
        let Receipt {
            what,
            who,
            weekdays,
        } = receipt;
        if !self.action_plan.iter().any(|i| i.what == what) {
            self.action_plan.push(ActionItem {
                what: what.to_string(),
                who: who.to_string(),
                by: Date::from_ms(now_ms).plus_weekdays(weekdays),
                done: false,
            });
        }
        let first = self.notification.is_none();
        self.notification = Some(draft);
        self.touch(
            now_ms,
            by_role,
            if first {
                ChangeKind::NotificationDrafted
            } else {
                ChangeKind::Edited
            },
            String::new(),
        );
        Ok(())
    }

    fn touch(&mut self, now_ms: u64, by_role: &str, kind: ChangeKind, detail: String) {
        self.revision += 1;
        self.updated_ms = now_ms;
        self.history.push(Change {
            at_ms: now_ms,
            by_role: by_role.to_string(),
            kind,
            detail,
        });
    }

    /// Marks action item number `item` done or not done.
    pub fn set_done(
        &mut self,
        item: usize,
        done: bool,
        now_ms: u64,
        by_role: &str,
    ) -> Result<(), ConcernProblem> {
        let a = self
            .action_plan
            .get_mut(item)
            .ok_or(ConcernProblem::NoSuchItem)?;
        if a.done != done {
            a.done = done;
            let (kind, what) = (
                if done {
                    ChangeKind::Done
                } else {
                    ChangeKind::NotDone
                },
                a.what.clone(),
            );
            self.touch(now_ms, by_role, kind, what);
        }
        Ok(())
    }

    /// Adds an action item: what, who (both filled in, no CPR-like number) and by when (a date).
    pub fn add_item(
        &mut self,
        what: &str,
        who: &str,
        by: &str,
        now_ms: u64,
        by_role: &str,
    ) -> Result<(), ConcernProblem> {
        let what = required(what, Field::ItemWhat)?;
        let who = required(who, Field::ItemWho)?;
        let by = date(required(by, Field::ItemBy)?)?;
        no_cpr(&format!("{what} {who}"))?;
        self.action_plan.push(ActionItem {
            what: what.to_string(),
            who: who.to_string(),
            by,
            done: false,
        });
        self.touch(now_ms, by_role, ChangeKind::ItemAdded, what.to_string());
        Ok(())
    }

    /// Changes the child's initials/pseudonym and school/class (checked like on creation).
    pub fn set_child(
        &mut self,
        child: &str,
        school_class: &str,
        now_ms: u64,
        by_role: &str,
    ) -> Result<(), ConcernProblem> {
        check_child(child)?;
        no_cpr(school_class)?;
        let class = Some(school_class.trim().to_string()).filter(|s| !s.is_empty());
        if self.child != child.trim() || self.school_class != class {
            self.child = child.trim().to_string();
            self.school_class = class;
            self.touch(now_ms, by_role, ChangeKind::Edited, String::new());
        }
        Ok(())
    }

    /// Moves the follow-up to `iso_date` (YYYY-MM-DD, as the date input gives it). The history
    /// entry's detail is the new date's ISO text.
    pub fn set_follow_up(
        &mut self,
        iso_date: &str,
        now_ms: u64,
        by_role: &str,
    ) -> Result<(), ConcernProblem> {
        let date = date(iso_date)?;
        if self.follow_up != date {
            self.follow_up = date;
            self.touch(now_ms, by_role, ChangeKind::FollowUpChanged, date.iso());
        }
        Ok(())
    }

    /// Closes the concern with a reason (filled in, no CPR-like number).
    pub fn close(
        &mut self,
        reason: &str,
        now_ms: u64,
        by_role: &str,
    ) -> Result<(), ConcernProblem> {
        let reason = required(reason, Field::CloseReason)?;
        no_cpr(reason)?;
        self.status = Status::Closed;
        self.close_reason = Some(reason.to_string());
        self.touch(now_ms, by_role, ChangeKind::Closed, reason.to_string());
        Ok(())
    }

    pub fn reopen(&mut self, now_ms: u64, by_role: &str) {
        self.status = Status::Open;
        self.touch(now_ms, by_role, ChangeKind::Reopened, String::new());
    }

    /// Open with its follow-up date (or an open action item) before `today`.
    pub fn overdue(&self, today: Date) -> bool {
        self.status == Status::Open
            && (self.follow_up < today || self.action_plan.iter().any(|a| !a.done && a.by < today))
    }

    /// When the concern was (last) closed, if it is closed.
    pub fn closed_ms(&self) -> Option<u64> {
        if self.status != Status::Closed {
            return None;
        }
        self.history
            .iter()
            .rev()
            .find(|h| h.kind == ChangeKind::Closed)
            .map(|h| h.at_ms)
    }

    /// What was observed, as the teacher wrote it.
    pub fn observation(&self, field: &str) -> Option<&str> {
        match self.answers.get(ids::OBSERVATION) {
            Some(Answer::Text(v)) => v
                .get(field)
                .map(String::as_str)
                .filter(|s| !s.trim().is_empty()),
            _ => None,
        }
    }
}

fn free_texts(answers: &Answers) -> Vec<String> {
    answers
        .values()
        .filter_map(|a| match a {
            Answer::Text(v) => Some(v.values().cloned().collect::<Vec<_>>()),
            _ => None,
        })
        .flatten()
        .collect()
}

/// Open first (overdue before the rest, then by follow-up date), closed last (newest first).
pub fn sorted(concerns: &[Concern], today: Date) -> Vec<&Concern> {
    let mut list: Vec<&Concern> = concerns.iter().collect();
    // One key per concern, not two date checks per comparison (5,000 on an SSP consultant's
    // device); stable, like the comparison it replaces.
    list.sort_by_cached_key(|c| list_order(c.status, c.overdue(today), c.follow_up, c.updated_ms));
    list
}

/// The list's order: open first, overdue first, then by follow-up, the newest change first
/// (the list's summaries are ordered by it too, `concern_list::sorted`).
pub fn list_order(status: Status, overdue: bool, follow_up: Date, updated_ms: u64) -> impl Ord {
    (
        status == Status::Closed,
        !overdue,
        follow_up,
        std::cmp::Reverse(updated_ms),
    )
}

/// 200 concerns that differ in everything the list orders by (status; overdue by the follow-up,
/// by an action item or not; follow-up; the last change), ties included: for the tests of the
/// order here and in `concern_list`.
#[cfg(test)]
pub(crate) fn varied(template: &Concern) -> Vec<Concern> {
    let dates = ["2026-10-01", "2026-11-01", "2026-12-24", "2027-01-04"];
    (0..200u64)
        .map(|i| {
            let mut c = template.clone();
            c.id = format!("id-{i}");
            c.follow_up = Date::parse_iso(dates[(i * 7 % 4) as usize]).unwrap();
            c.updated_ms = i * 13 % 17;
            if i % 5 == 0 {
                c.close("Afsluttet", 5, "Lærer").unwrap();
            }
            let due = Date::parse_iso("2026-01-01").unwrap();
            match i % 3 {
                0 => c.action_plan.iter_mut().for_each(|a| a.by = due),
                1 => c.action_plan.iter_mut().for_each(|a| {
                    a.by = due;
                    a.done = true
                }),
                _ => c.action_plan.clear(),
            }
            c
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(iso: &str) -> Date {
        Date::parse_iso(iso).unwrap()
    }

    fn answers(observed: &str) -> Answers {
        let mut a = Answers::new();
        a.insert(
            "observation".into(),
            Answer::Text([("observed".to_string(), observed.to_string())].into()),
        );
        a.insert(
            "topics".into(),
            Answer::Multi(["mobning".to_string()].into()),
        );
        a
    }

    fn concern(child: &str) -> Result<Concern, ConcernProblem> {
        Concern::new(
            "7f6e2d1c-0000-4000-8000-000000000001".into(),
            child,
            Some("7.b".into()),
            "halsnaes",
            answers("Skubbet i frikvarteret."),
            Level::Yellow,
            vec![
                PlanLine {
                    what: "Fortæl din leder".into(),
                    who: "Din leder".into(),
                    timing: Timing::Today,
                },
                PlanLine {
                    what: "Følg op".into(),
                    who: "Dig".into(),
                    timing: Timing::FollowUp,
                },
            ],
            14,
            1_795_435_200_000, // 23.11.2026
            "Lærer",
        )
    }

    #[test]
    fn a_new_concern_has_its_plan_dates_and_history() {
        let c = concern("AB").unwrap();
        assert_eq!(c.topics, ["mobning"]);
        assert_eq!(c.follow_up, d("2026-12-07"));
        assert_eq!(c.action_plan[0].by, d("2026-11-23"));
        assert_eq!(c.action_plan[1].by, d("2026-12-07"));
        assert_eq!((c.revision, c.status), (1, Status::Open));
        assert_eq!(c.history.len(), 1);
        assert_eq!(c.school_class.as_deref(), Some("7.b"));
    }

    #[test]
    fn the_child_field_takes_initials_or_a_pseudonym_only() {
        let cases = [
            ("", Err(ConcernProblem::ChildMissing)),
            ("  ", Err(ConcernProblem::ChildMissing)),
            ("Anna Jensen", Err(ConcernProblem::ChildLooksLikeName)),
            ("Mads Peter Hansen", Err(ConcernProblem::ChildLooksLikeName)),
            (
                "Et meget langt pseudonym her",
                Err(ConcernProblem::ChildTooLong),
            ),
            (
                "0102031234",
                Err(ConcernProblem::CprInText("0102031234".into())),
            ),
            ("AB", Ok(())),
            ("Dreng 7B", Ok(())),
            ("Elev K", Ok(())),
            ("M.J.", Ok(())),
        ];
        for (child, expected) in cases {
            assert_eq!(check_child(child), expected, "{child:?}");
        }
    }

    #[test]
    fn a_cpr_number_in_the_observations_is_refused() {
        let r = Concern::new(
            "x".into(),
            "AB",
            None,
            "p",
            answers("Han er 010203-1234"),
            Level::Green,
            vec![],
            28,
            0,
            "Lærer",
        );
        assert_eq!(r, Err(ConcernProblem::CprInText("010203-1234".into())));
    }

    #[test]
    fn changes_grow_the_revision_and_are_in_the_history() {
        let mut c = concern("AB").unwrap();
        c.set_done(0, true, 10, "Lærer").unwrap();
        c.set_done(0, true, 11, "Lærer").unwrap(); // no change, no entry
        c.add_item(" Møde med SSP ", "SSP", "2026-12-01", 12, "Lærer")
            .unwrap();
        assert_eq!(
            c.action_plan.last().map(|i| (i.what.as_str(), i.by)),
            Some(("Møde med SSP", d("2026-12-01")))
        );
        c.close("Trivslen er tilbage", 13, "Lærer").unwrap();
        assert_eq!(c.revision, 4);
        assert_eq!(c.history.len(), 4);
        assert_eq!(c.history[3].kind, ChangeKind::Closed);
        assert_eq!(c.history[3].detail, "Trivslen er tilbage");
        c.set_follow_up("2027-01-04", 13, "Lærer").unwrap();
        c.set_follow_up(" 2027-01-04", 13, "Lærer").unwrap(); // unchanged: no entry
        assert_eq!(c.follow_up, d("2027-01-04"));
        assert_eq!(c.history[4].kind, ChangeKind::FollowUpChanged);
        assert_eq!(
            c.history[4].detail, "2027-01-04",
            "the history keeps the ISO text"
        );
        assert_eq!(c.revision, 5);
        assert_eq!(c.status, Status::Closed);
        assert_eq!(c.close_reason.as_deref(), Some("Trivslen er tilbage"));
        c.reopen(14, "Lærer");
        assert_eq!((c.revision, c.status), (6, Status::Open));
        assert_eq!(
            c.set_child("Anna Jensen", "", 15, "Lærer"),
            Err(ConcernProblem::ChildLooksLikeName)
        );
        assert_eq!(c.child, "AB", "a refused edit changes nothing");
        c.set_child("AJ", "6.a", 16, "Lærer").unwrap();
        assert_eq!(
            (c.child.as_str(), c.school_class.as_deref(), c.revision),
            ("AJ", Some("6.a"), 7)
        );
    }

    #[test]
    fn a_change_that_breaks_a_rule_is_refused_and_changes_nothing() {
        let mut c = concern("AB").unwrap();
        let before = c.clone();
        let refused = [
            (
                c.clone().add_item(" ", "SSP", "2026-12-01", 1, "Lærer"),
                ConcernProblem::Missing(Field::ItemWhat),
            ),
            (
                c.clone().add_item("Møde", "", "2026-12-01", 1, "Lærer"),
                ConcernProblem::Missing(Field::ItemWho),
            ),
            (
                c.clone().add_item("Møde", "SSP", "", 1, "Lærer"),
                ConcernProblem::Missing(Field::ItemBy),
            ),
            (
                c.clone().add_item("Møde", "SSP", "2026-02-30", 1, "Lærer"),
                ConcernProblem::NotADate,
            ),
            (
                c.clone()
                    .add_item("Ring om 010203-1234", "SSP", "2026-12-01", 1, "Lærer"),
                ConcernProblem::CprInText("010203-1234".into()),
            ),
            (
                c.clone().close("  ", 1, "Lærer"),
                ConcernProblem::Missing(Field::CloseReason),
            ),
            (
                c.clone().close("Flyttet, 0102031234", 1, "Lærer"),
                ConcernProblem::CprInText("0102031234".into()),
            ),
            (
                c.clone().set_follow_up("12/1/2026", 1, "Lærer"),
                ConcernProblem::NotADate,
            ),
            (
                c.clone().set_done(99, true, 1, "Lærer"),
                ConcernProblem::NoSuchItem,
            ),
            (
                c.clone().set_child("AB", "6.a 010203-1234", 1, "Lærer"),
                ConcernProblem::CprInText("010203-1234".into()),
            ),
        ];
        for (i, (got, want)) in refused.into_iter().enumerate() {
            assert_eq!(got, Err(want), "case {i}");
        }
        // Each refusal ran on a copy; the same calls on `c` leave it as it was.
        let _ = c.close("", 1, "Lærer");
        let _ = c.add_item("Møde", "SSP", "i morgen", 1, "Lærer");
        assert_eq!(c, before);
    }

    #[test]
    fn overdue_open_concerns_come_first_and_closed_last() {
        let today = Date::from_ms(1_795_435_200_000);
        let mut late = concern("A1").unwrap();
        late.follow_up = d("2026-11-01");
        let soon = concern("B2").unwrap();
        let mut closed = concern("C3").unwrap();
        closed.close("Afsluttet", 5, "Lærer").unwrap();
        let list = vec![closed.clone(), soon.clone(), late.clone()];
        let order: Vec<&str> = sorted(&list, today)
            .iter()
            .map(|c| c.child.as_str())
            .collect();
        assert_eq!(order, ["A1", "B2", "C3"]);
        assert!(late.overdue(today));
        assert!(!soon.overdue(today));
        assert!(!closed.overdue(today));
    }

    /// The cached-key sort gives the same order as the comparison it replaced, ties included.
    #[test]
    fn the_cached_sort_keeps_the_order_of_the_comparison() {
        let today = Date::from_ms(1_795_435_200_000);
        let list = varied(&concern("A1").unwrap());
        let mut old: Vec<&Concern> = list.iter().collect();
        old.sort_by(|a, b| {
            (a.status == Status::Closed)
                .cmp(&(b.status == Status::Closed))
                .then(b.overdue(today).cmp(&a.overdue(today)))
                .then(a.follow_up.cmp(&b.follow_up))
                .then(b.updated_ms.cmp(&a.updated_ms))
        });
        let ids = |v: Vec<&Concern>| v.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(sorted(&list, today)), ids(old));
    }

    /// The fixtures' records (schema 1: `child` renamed `pseudonym`, as the migration does) as
    /// JSON values.
    fn fixture_records() -> Vec<serde_json::Value> {
        let v1: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/fixtures/concerns-v1.json")).unwrap();
        let mut records: Vec<serde_json::Value> = v1["data"].as_array().unwrap().clone();
        records.push(
            serde_json::from_str(include_str!("../../tests/fixtures/concern-extra-v1.json"))
                .unwrap(),
        );
        for r in &mut records {
            let o = r.as_object_mut().unwrap();
            let child = o.remove("child").unwrap();
            o.insert("pseudonym".into(), child);
        }
        records
    }

    #[test]
    fn the_fixtures_decode_and_encode_to_the_same_fields() {
        let records = fixture_records();
        assert_eq!(records.len(), 3);
        for mut raw in records {
            let c: Concern = serde_json::from_value(raw.clone()).unwrap();
            assert_eq!(c.follow_up.iso(), raw["follow_up"].as_str().unwrap());
            for (item, raw_item) in c
                .action_plan
                .iter()
                .zip(raw["action_plan"].as_array().unwrap())
            {
                assert_eq!(item.by.iso(), raw_item["by"].as_str().unwrap());
            }
            // Every field as it was, dates as the same ISO text. (The answers' multiple choices
            // are a set, written sorted — as before dates were typed: compared as answers.)
            let mut encoded = serde_json::to_value(&c).unwrap();
            let answers = |v: &mut serde_json::Value| {
                let a = v.as_object_mut().unwrap().remove("answers").unwrap();
                serde_json::from_value::<Answers>(a).unwrap()
            };
            assert_eq!(answers(&mut encoded), answers(&mut raw));
            assert_eq!(encoded, raw);
            // And from the text, as the store reads it: the same concern, the same bytes again.
            let text = serde_json::to_string(&c).unwrap();
            let back: Concern = serde_json::from_str(&text).unwrap();
            assert_eq!(back, c);
            assert_eq!(serde_json::to_string(&back).unwrap(), text);
        }
    }

    #[test]
    fn the_dates_are_stored_as_iso_text() {
        let mut c = concern("AB").unwrap();
        c.add_item("Møde", "SSP", "2027-01-04", 5, "Lærer").unwrap();
        let text = serde_json::to_string(&c).unwrap();
        assert!(text.contains(r#""follow_up":"2026-12-07","#), "{text}");
        assert!(
            text.contains(r#""what":"Møde","who":"SSP","by":"2027-01-04","done":false"#),
            "{text}"
        );
        assert!(text.contains(r#""by":"2026-11-23""#), "{text}");
        let back: Concern = serde_json::from_str(&text).unwrap();
        assert_eq!(back, c);
    }

    /// The rule for a stored date that is not a date: the record's creation date.
    #[test]
    fn an_unreadable_stored_date_reads_as_the_creation_date() {
        let mut raw = fixture_records().remove(0);
        // Created 23.11.2026 (1795435200000 ms).
        let created = d("2026-11-23");
        raw["follow_up"] = "2026-02-30".into();
        raw["action_plan"][0]["by"] = "".into();
        raw["action_plan"][1]["by"] = "2026-02-30".into();
        let c: Concern = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(c.follow_up, created);
        assert_eq!(c.action_plan[0].by, created);
        assert_eq!(c.action_plan[1].by, created);
        // Nothing else changed.
        assert_eq!(c.id, "3b0f2c64-9a51-4d7e-8a4e-1f2a3b4c5d01");
        assert_eq!((c.revision, c.history.len()), (2, 2));
        assert_eq!(c.action_plan[1].what, raw["action_plan"][1]["what"]);
        // From the text too (as the store, a backup and sync read it), and the other way
        // round: empty follow-up, impossible item date.
        raw["follow_up"] = "".into();
        let from_text: Concern = serde_json::from_str(&raw.to_string()).unwrap();
        assert_eq!(from_text, c);
        // It shows as due on its creation day and overdue after it (the open item as well).
        assert!(!c.overdue(created));
        assert!(c.overdue(created.plus_days(1)));
        // Saved again, it holds the date it was read as.
        let again = serde_json::to_value(&c).unwrap();
        assert_eq!(again["follow_up"], "2026-11-23");
        assert_eq!(again["action_plan"][1]["by"], "2026-11-23");
        // A missing field reads the same way.
        raw["action_plan"][0].as_object_mut().unwrap().remove("by");
        assert_eq!(serde_json::from_value::<Concern>(raw.clone()).unwrap(), c);
        raw.as_object_mut().unwrap().remove("follow_up");
        assert_eq!(serde_json::from_value::<Concern>(raw.clone()).unwrap(), c);
        // A date that is not text was never written: not this format (the store sets such a
        // record aside, as any other it cannot read).
        raw["follow_up"] = serde_json::Value::Null;
        assert!(serde_json::from_value::<Concern>(raw.clone()).is_err());
        raw["follow_up"] = 20_261_207.into();
        assert!(serde_json::from_value::<Concern>(raw).is_err());
    }
}
