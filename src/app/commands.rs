//! Concern commands: what the concern's page and the guide's save form can do to a concern.
//! Each command validates its input (the rules are in `domain::concern`) and changes a copy;
//! what a save came to decides what is kept in memory and what the user is told. The screen
//! shows the result, and decides nothing.

use crate::domain::concern::{Concern, ConcernProblem, Field, PlanLine, Receipt};
use crate::domain::concern_store::SaveError;
use crate::domain::guide::outcome::Outcome;
use crate::domain::guide::Guide;
use crate::domain::i18n::{texts, Lang, Texts};
use crate::domain::notification::Draft;
use crate::domain::profile::Profile;
use crate::domain::roles;
use crate::domain::settings::StorageNotice;
use crate::domain::storage::StoreError;

/// A change to a saved concern.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Mark action item number `item` done or not done.
    SetDone {
        item: usize,
        done: bool,
    },
    /// Add an action item: what, who, by when (`YYYY-MM-DD` text, as the date input gives it;
    /// the domain parses it into a `Date` or refuses it).
    AddItem {
        what: String,
        who: String,
        by: String,
    },
    /// Change the initials/pseudonym and the school/class.
    EditDetails {
        child: String,
        class: String,
    },
    /// Move the follow-up to a date (`YYYY-MM-DD` text, parsed as for `AddItem`).
    MoveFollowUp {
        date: String,
    },
    Close {
        reason: String,
    },
    Reopen,
    /// Keep the written notification's draft with the concern.
    SaveNotification {
        draft: Draft,
    },
}

/// Who changes what, when: goes into the concern's history.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub now_ms: u64,
    pub by_role: &'a str,
    pub lang: Lang,
    pub guide: &'a Guide,
}

/// `concern` with `command` applied, revision and history grown; or why not (the concern is
/// unchanged).
pub fn apply(concern: &Concern, command: Command, cx: Context) -> Result<Concern, ConcernProblem> {
    let mut c = concern.clone();
    let (now, role) = (cx.now_ms, cx.by_role);
    match command {
        Command::SetDone { item, done } => c.set_done(item, done, now, role)?,
        Command::AddItem { what, who, by } => c.add_item(&what, &who, &by, now, role)?,
        Command::EditDetails { child, class } => c.set_child(&child, &class, now, role)?,
        Command::MoveFollowUp { date } => c.set_follow_up(&date, now, role)?,
        Command::Close { reason } => c.close(&reason, now, role)?,
        Command::Reopen => c.reopen(now, role),
        Command::SaveNotification { draft } => keep_notification(&mut c, draft, cx)?,
    }
    Ok(c)
}

/// Keeps the notification's draft with the concern. With the first one, the follow-up "Har du
/// fået kvittering?" joins the plan, done by the user's role, both in the reader's language.
fn keep_notification(c: &mut Concern, draft: Draft, cx: Context) -> Result<(), ConcernProblem> {
    let n = &cx.guide.notification;
    let who = roles::label(cx.by_role, texts(cx.lang));
    let receipt = Receipt {
        what: n.receipt_item.get(cx.lang),
        who: &who,
        weekdays: n.receipt_weekdays,
    };
    c.save_notification(draft, receipt, cx.now_ms, cx.by_role)
}

/// What the save form holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConcern {
    pub id: String,
    pub child: String,
    pub class: String,
}

/// A concern made from the guide's outcome: its relay plan becomes the action plan (in the
/// reader's words, with this municipality's contacts), the notification's draft goes with it.
pub fn create(
    form: NewConcern,
    answers: &crate::domain::guide::engine::Answers,
    outcome: &Outcome,
    profile: &Profile,
    note: Option<Draft>,
    cx: Context,
) -> Result<Concern, ConcernProblem> {
    let lines = outcome
        .steps
        .iter()
        .map(|s| PlanLine {
            what: cx.guide.step_text(s, profile, cx.lang),
            who: cx.guide.contact_name(&s.contact, profile, cx.lang),
            timing: s.timing,
        })
        .collect();
    let mut c = Concern::new(
        form.id,
        &form.child,
        Some(form.class),
        &profile.id,
        answers.clone(),
        outcome.level,
        lines,
        outcome.follow_up_days,
        cx.now_ms,
        cx.by_role,
    )?;
    if let Some(draft) = note {
        keep_notification(&mut c, draft, cx)?;
    }
    Ok(c)
}

/// "Behold begge": this device's version of a concern that changed elsewhere, as a new concern.
pub fn keep_both(mine: &Concern, new_id: String) -> Concern {
    let mut copy = mine.clone();
    copy.id = new_id;
    copy.revision = 1;
    copy
}

/// What a save came to, for the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AfterSave {
    /// Put the concern in (or replace it in) the list in memory.
    pub keep: bool,
    /// Remember its id: written again on "Prøv igen".
    pub unsaved: bool,
    pub notice: Option<StorageNotice>,
    /// The concern moved on elsewhere: nothing was overwritten, the user chooses.
    pub conflict: bool,
    /// It was saved: the concern changed on the device (sync hears of it, for real data).
    pub changed: bool,
}

/// The rules after a save: a change to a saved concern that could not be written stays in
/// memory (and is tried again); a new one that could not be written is not in the list (the
/// guide's answers are still there); a refused save keeps nothing.
pub fn after_save(result: &Result<(), SaveError>, existing: bool) -> AfterSave {
    match result {
        Ok(()) => AfterSave {
            keep: true,
            unsaved: false,
            notice: None,
            conflict: false,
            changed: true,
        },
        Err(SaveError::Store(e)) => AfterSave {
            keep: existing,
            unsaved: existing,
            notice: Some(if *e == StoreError::QuotaExceeded {
                StorageNotice::StorageFull
            } else {
                StorageNotice::WriteFailed
            }),
            conflict: false,
            changed: false,
        },
        Err(SaveError::Conflict { .. }) => AfterSave {
            keep: false,
            unsaved: false,
            notice: None,
            conflict: true,
            changed: false,
        },
    }
}

/// Puts `c` in the list: replaces the one with its id, or adds it.
pub fn upsert(list: &mut Vec<Concern>, c: Concern) {
    match list.iter_mut().find(|x| x.id == c.id) {
        Some(x) => *x = c,
        None => list.push(c),
    }
}

/// What to tell the user about a change that cannot be made as it is.
pub fn problem_text(p: &ConcernProblem, t: &'static Texts) -> &'static str {
    match p {
        ConcernProblem::ChildMissing => t.problem_child_missing,
        ConcernProblem::ChildTooLong => t.problem_child_too_long,
        ConcernProblem::ChildLooksLikeName => t.problem_child_name,
        ConcernProblem::CprInText(_) => t.problem_cpr,
        ConcernProblem::Missing(Field::CloseReason) => t.close_reason_missing,
        ConcernProblem::Missing(Field::ItemWhat | Field::ItemWho | Field::ItemBy) => t.item_missing,
        ConcernProblem::NotADate => t.problem_not_a_date,
        ConcernProblem::NoSuchItem => t.problem_no_item,
    }
}

/// [`problem_text`], with the CPR-like number found shown, so it can be found and removed.
pub fn problem_message(p: &ConcernProblem, t: &'static Texts) -> String {
    match p {
        ConcernProblem::CprInText(cpr) => format!("{} {cpr}", t.problem_cpr),
        other => problem_text(other, t).to_string(),
    }
}
