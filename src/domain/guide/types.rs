//! The guide's types, as `data/guide.json` holds them (`docs/guide-format.md`): [`Guide`] with
//! its steps, rules, legal statements, plan templates and the notification's data, and the
//! lookups on it. Walking it is [`engine`](super::engine)'s work, the plan
//! [`outcome`](super::outcome)'s.

use super::cond::Cond;
use super::level::Level;
use crate::domain::i18n::Lang;
use crate::domain::profile::Function;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const FORMAT_VERSION: u32 = 1;

/// A text in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub da: String,
    pub en: String,
}

impl Text {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Da => &self.da,
            Lang::En => &self.en,
        }
    }
}

/// A legal statement the guidance rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Legal {
    pub id: String,
    pub text: Text,
    /// E.g. "Barnets Lov § 133".
    pub reference: Option<String>,
    pub source: String,
    /// `false` for what LEGAL.md marks *believed*: shown as not confirmed.
    pub certain: bool,
    /// The profile id whose own text is the source: the statement is cited only for that
    /// municipality, never in another's advice. `None`: a general source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub municipality: Option<String>,
}

impl Legal {
    /// Without a paragraph to cite, a statement is practice, not law, and is shown as such
    /// with its source.
    pub fn is_practice(&self) -> bool {
        self.reference.is_none()
    }

    /// May this statement be cited in the advice for `profile_id`?
    pub fn applies_to(&self, profile_id: &str) -> bool {
        self.municipality.as_deref().is_none_or(|m| m == profile_id)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StepKind {
    /// Pick one option; answering moves on.
    Single,
    /// Pick one or more options.
    Multi,
    /// Free-text fields.
    Text,
    /// Shows what the answers lead to; the user confirms.
    Review,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub id: String,
    pub label: Text,
    /// Adds to the concern's weight (used by the level rules).
    #[serde(default)]
    pub weight: u32,
    /// Chosen alone ("Ingen af disse").
    #[serde(default)]
    pub exclusive: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub id: String,
    pub label: Text,
    pub required: bool,
    pub multiline: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Next {
    #[serde(default)]
    pub when: Option<Cond>,
    /// A step id, or `"outcome"`.
    pub to: String,
}

pub const OUTCOME: &str = "outcome";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub id: String,
    pub kind: StepKind,
    pub title: Text,
    pub question: Text,
    #[serde(default)]
    pub hint: Option<Text>,
    #[serde(default)]
    pub options: Vec<Choice>,
    /// `"topics"`: the options are the shared topic list.
    #[serde(default)]
    pub options_from: Option<String>,
    #[serde(default)]
    pub fields: Vec<Field>,
    /// Least number of options to pick (multi).
    #[serde(default)]
    pub min: Option<usize>,
    /// Legal statements shown with the question.
    #[serde(default)]
    pub legal: Vec<String>,
    pub next: Vec<Next>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelRule {
    pub when: Option<Cond>,
    pub level: Level,
    /// Bekymringsbarometeret's column, 1–5.
    pub column: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelText {
    pub name: Text,
    pub meaning: Text,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaircaseRule {
    pub when: Option<Cond>,
    pub level: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUpDays {
    pub acute: u32,
    pub green: u32,
    pub yellow: u32,
    pub red: u32,
}

/// Who does a step of the plan. Resolved against the profile in [`outcome`](super::outcome).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    You,
    Leader,
    Parents,
    Emergency,
    Police,
    SocialServices,
    Infohus,
    SspConsultant,
    SparringDoor,
    S115Forum,
}

impl Actor {
    /// The profile function that names this actor, if any.
    pub fn function(self) -> Option<Function> {
        match self {
            Actor::Police => Some(Function::Police),
            Actor::SocialServices => Some(Function::SocialServices),
            Actor::Infohus => Some(Function::Infohus),
            Actor::SspConsultant => Some(Function::SspConsultant),
            Actor::S115Forum => Some(Function::S115Forum),
            Actor::Leader => Some(Function::Leader),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Timing {
    Now,
    Today,
    ThisWeek,
    FollowUp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanTemplate {
    pub id: String,
    pub when: Cond,
    pub actor: Actor,
    pub timing: Timing,
    /// May contain `{contact}` (the resolved contact) and `{channel}` (where to notify).
    pub text: Text,
    pub legal: Vec<String>,
    /// The step contacts the parents (never on a path where that is excluded).
    #[serde(default)]
    pub contacts_parents: bool,
    /// The step is the written notification (underretning).
    #[serde(default)]
    pub notification: bool,
    /// The step only tells someone: it is left out when another step already names the same
    /// contact (e.g. the door for sparring is the leader), so no one is told twice.
    #[serde(default)]
    pub inform: bool,
}

/// A ground of § 133 that earlier answers imply by themselves: what the adult saw decides,
/// not which box was ticked (e.g. the topic sexual abuse is ground (4), abuse).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImpliedGround {
    pub id: String,
    /// On the answers before the duty step; never on a ground (no cycle).
    pub when: Cond,
    /// An option id of the duty step.
    pub ground: String,
    /// One sentence shown on the duty step: why the ground already applies.
    pub because: Text,
}

/// The written notification's draft (`notification` in the guide file): the sections a
/// caseworker expects and the Danish phrases the draft is built from (see
/// [`crate::domain::notification`]). The draft is always Danish; titles and hints are shown in
/// the chosen language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotificationData {
    #[serde(rename = "_comment", default)]
    pub comment: Option<String>,
    pub heading: String,
    pub date_line: String,
    pub identity: String,
    /// Written in place of an empty section in the text that is copied or printed.
    pub empty: String,
    pub language_note: Text,
    pub sections: Vec<DraftSectionSpec>,
    pub phrases: BTreeMap<String, String>,
    /// The follow-up saving a draft adds to the concern's action plan.
    pub receipt_item: Text,
    pub receipt_weekdays: u32,
    /// The legal statement behind the receipt (shown as not confirmed where it is).
    pub receipt_legal: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DraftSectionSpec {
    pub id: String,
    pub title: Text,
    pub hint: Text,
}

/// The box that opens the outcome when the parents must not be contacted first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Warning {
    pub title: Text,
    pub text: Text,
    pub legal: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guide {
    pub format_version: u32,
    #[serde(rename = "_comment", default)]
    pub comment: Option<String>,
    pub legal: Vec<Legal>,
    pub steps: Vec<Step>,
    pub levels: Vec<LevelRule>,
    pub level_texts: BTreeMap<Level, LevelText>,
    pub columns: BTreeMap<String, Text>,
    pub staircase: Vec<StaircaseRule>,
    pub follow_up_days: FollowUpDays,
    pub no_parent_contact_when: Cond,
    pub no_parent_warning: Warning,
    pub implied_grounds: Vec<ImpliedGround>,
    /// Legal statements every outcome lists (e.g. what the colours mean).
    pub outcome_legal: Vec<String>,
    pub plan: Vec<PlanTemplate>,
    pub notification: NotificationData,
    pub actors: BTreeMap<Actor, Text>,
    pub channel_fallback: Text,
}

impl Guide {
    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.id == id)
    }

    pub fn legal(&self, id: &str) -> Option<&Legal> {
        self.legal.iter().find(|l| l.id == id)
    }

    /// The options of a step, including those that come from the shared topic list.
    pub fn choices(&self, step: &Step) -> Vec<Choice> {
        match step.options_from.as_deref() {
            Some(super::ids::TOPIC_LIST) => crate::domain::topics::all()
                .iter()
                .map(|t| Choice {
                    id: t.id.clone(),
                    label: Text {
                        da: t.da.clone(),
                        en: t.en.clone(),
                    },
                    weight: 0,
                    exclusive: false,
                })
                .collect(),
            _ => step.options.clone(),
        }
    }
}
