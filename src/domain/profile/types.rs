//! The profile's types: [`Profile`] and everything in it, as `docs/profile-format.md`
//! describes them. `mod.rs` checks a profile's JSON before it is decoded into these.

use super::cadence::Cadence;
use serde::{Deserialize, Serialize};

/// The profile format this app reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// The highest number a staircase level may have (levels are numbered from 1).
pub const MAX_LEVEL_NUMBER: u8 = 5;

/// Where an item comes from: a document of the profile, and where in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Id of an entry in [`Profile::documents`].
    pub document: String,
    /// Section heading in the document.
    #[serde(default)]
    pub section: Option<String>,
    /// A short verbatim quote.
    #[serde(default)]
    pub quote: Option<String>,
}

/// The model an editorial mapping follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MappingModel {
    /// Det Kriminalpræventive Råd's three levels: opbygning, forebyggelse,
    /// kriminalitetsforebyggelse (the staircase's levels 1–3).
    DkrLevels,
    /// Placed by SSP Handleguide's editors from the seed's text, e.g. which topics an
    /// intervention addresses or which role is the door for sparring.
    Editorial,
}

/// A source document of the profile (for built-ins: the seed text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub id: String,
    pub title: String,
    /// For built-in profiles: the seed file in `data/seeds/`.
    #[serde(default)]
    pub file: Option<String>,
    /// Date as the document states it, e.g. "august 2018".
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
}

/// SSP's target age range (målgruppe).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetAge {
    pub from: u8,
    pub to: u8,
    /// A special focus within the range, as the source states it.
    #[serde(default)]
    pub focus: Option<String>,
    pub source: Source,
    #[serde(default)]
    pub mapped: bool,
    #[serde(default)]
    pub model: Option<MappingModel>,
}

/// A statement: a goal, a value, a success criterion, a policy basis, a fact about the setup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextItem {
    pub text: String,
    pub source: Source,
    #[serde(default)]
    pub mapped: bool,
    #[serde(default)]
    pub model: Option<MappingModel>,
}

/// What a role or body does in concern handling, so the concern guide can name the right one
/// without guessing from names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Function {
    /// The SSP consultant / coordinator.
    SspConsultant,
    /// The police, e.g. the forebyggelsesbetjent.
    Police,
    /// The municipality's children and family services (myndighed, rådgivere).
    SocialServices,
    /// The school's SSP contact (SSP-vejleder, SSP-kontaktlærer).
    SchoolSspContact,
    /// A forum for § 115 information exchange (e.g. §115-møder).
    S115Forum,
    /// Infohus: concerns about extremism.
    Infohus,
    /// A cross-disciplinary forum where concerns are agreed on.
    CaseForum,
    /// The employee's own leader: the guide's "tell your leader" names this role.
    Leader,
}

impl Function {
    /// Every function, in the order of [`Function::NAMES`].
    pub const ALL: [Function; 8] = [
        Function::SspConsultant,
        Function::Police,
        Function::SocialServices,
        Function::SchoolSspContact,
        Function::S115Forum,
        Function::Infohus,
        Function::CaseForum,
        Function::Leader,
    ];
    pub const NAMES: [&'static str; 8] = [
        "ssp-consultant",
        "police",
        "social-services",
        "school-ssp-contact",
        "s115-forum",
        "infohus",
        "case-forum",
        "leader",
    ];
}

/// How to reach a role. Built-in profiles hold no phone numbers, e-mail addresses or names
/// (the seeds give none); `note` says so.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub person: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// A role or contact point, e.g. the SSP consultant, the SSP contact teacher, Gadeplan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub id: String,
    pub name: String,
    pub description: String,
    /// What the role can help a professional with, as the source lists it.
    #[serde(default)]
    pub helps_with: Vec<String>,
    /// What the role does in concern handling (for the guide).
    #[serde(default)]
    pub functions: Vec<Function>,
    #[serde(default)]
    pub contact: Contact,
    pub source: Source,
    #[serde(default)]
    pub mapped: bool,
    #[serde(default)]
    pub model: Option<MappingModel>,
}

/// "1 tydelig og hurtig dør til sparring": the one place a worried employee turns to first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SparringDoor {
    /// Id of a [`Role`].
    pub role: String,
    pub text: String,
    pub source: Source,
    #[serde(default)]
    pub mapped: bool,
    #[serde(default)]
    pub model: Option<MappingModel>,
}

/// What kind of body or forum it is; the organisation picture draws them in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyKind {
    /// Kredsråd, Lokalråd.
    Strategic,
    /// Styregruppe.
    Steering,
    /// Networks across the municipality.
    Network,
    /// Recurring case meetings, e.g. §115-møder.
    Meeting,
    /// Teams that do the work, e.g. Gadeplan.
    Team,
    /// Local groups at the schools.
    Local,
}

impl BodyKind {
    pub const ALL: [BodyKind; 6] = [
        BodyKind::Strategic,
        BodyKind::Steering,
        BodyKind::Network,
        BodyKind::Meeting,
        BodyKind::Team,
        BodyKind::Local,
    ];
}

/// A member of a body, named by role (never by person).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    pub role: String,
    /// Formand.
    #[serde(default)]
    pub chair: bool,
}

/// A body, network or forum of the SSP organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Body {
    pub id: String,
    pub name: String,
    pub kind: BodyKind,
    pub purpose: String,
    #[serde(default)]
    pub members: Vec<Member>,
    /// How often it meets; `None` where the source does not say.
    #[serde(default)]
    pub cadence: Option<Cadence>,
    /// Who calls the meetings (mødeindkalder).
    #[serde(default)]
    pub convener: Option<String>,
    /// Id of the body it sits under, for the organisation picture.
    #[serde(default)]
    pub parent: Option<String>,
    /// What the body does in concern handling (for the guide).
    #[serde(default)]
    pub functions: Vec<Function>,
    /// The link to `parent` was drawn by SSP Handleguide's editors: the source implies it but
    /// does not state it. The body itself is as the source describes it.
    #[serde(default)]
    pub parent_mapped: bool,
    pub source: Source,
    #[serde(default)]
    pub mapped: bool,
    #[serde(default)]
    pub model: Option<MappingModel>,
}

/// A level (trin) of the intervention staircase (indsatstrappen).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Level {
    pub id: String,
    /// 1 = for all children; higher = more targeted.
    pub number: u8,
    pub title: String,
    pub goal: String,
    pub source: Source,
    #[serde(default)]
    pub mapped: bool,
    #[serde(default)]
    pub model: Option<MappingModel>,
}

/// An intervention (indsats) on one or more levels of the staircase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Intervention {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub target_group: Option<String>,
    /// Ids of [`Level`]s.
    pub levels: Vec<String>,
    /// Ids from the shared topic list (`data/topics.json`).
    #[serde(default)]
    pub topics: Vec<String>,
    /// The topics were assigned by SSP Handleguide's editors, not stated by the source.
    #[serde(default)]
    pub topics_mapped: bool,
    /// The intervention is (or has) an action plan (handleplan).
    #[serde(default)]
    pub action_plan: bool,
    pub source: Source,
    #[serde(default)]
    pub mapped: bool,
    #[serde(default)]
    pub model: Option<MappingModel>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Staircase {
    pub levels: Vec<Level>,
    pub interventions: Vec<Intervention>,
}

/// A local method, e.g. social pejling, the LP model, the SSP-Idekatalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Method {
    pub id: String,
    pub name: String,
    pub description: String,
    pub source: Source,
    #[serde(default)]
    pub mapped: bool,
    #[serde(default)]
    pub model: Option<MappingModel>,
}

/// A partner organisation, grouped as the source groups them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Partner {
    pub name: String,
    #[serde(default)]
    pub group: Option<String>,
    pub source: Source,
}

/// Where a professional sends a written notification (underretning): a web address, or a route
/// in words (e.g. by phone or secure e-mail to the children and family services) with its source.
///
/// In JSON either a string (the address) or an object `{ "url", "text", "source", "mapped",
/// "model" }`; see `docs/profile-format.md`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum NotificationChannel {
    /// An https:// address, e.g. the municipality's digital notification form.
    Url(String),
    /// A route in words and/or an address, with where it comes from.
    Route(ChannelRoute),
}

/// A notification route with its source. At least one of `url` and `text` is given (the
/// validator checks it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelRoute {
    #[serde(default)]
    pub url: Option<String>,
    /// The route as the source states it, e.g. "Ring til Familieafdelingens rådgivning".
    #[serde(default)]
    pub text: Option<String>,
    pub source: Source,
    #[serde(default)]
    pub mapped: bool,
    #[serde(default)]
    pub model: Option<MappingModel>,
}

impl NotificationChannel {
    /// The web address, if there is one.
    pub fn url(&self) -> Option<&str> {
        let url = match self {
            NotificationChannel::Url(url) => Some(url.as_str()),
            NotificationChannel::Route(route) => route.url.as_deref(),
        };
        url.filter(|u| !u.trim().is_empty())
    }

    /// The route in words, if there is one.
    pub fn text(&self) -> Option<&str> {
        match self {
            NotificationChannel::Url(_) => None,
            NotificationChannel::Route(route) => {
                route.text.as_deref().filter(|t| !t.trim().is_empty())
            }
        }
    }

    /// Where the route comes from (a bare address has no source).
    pub fn source(&self) -> Option<&Source> {
        match self {
            NotificationChannel::Url(_) => None,
            NotificationChannel::Route(route) => Some(&route.source),
        }
    }

    /// One line for a sentence: the URL, or the text, or "text (url)".
    pub fn words(&self) -> String {
        match (self.text(), self.url()) {
            (Some(text), Some(url)) => format!("{text} ({url})"),
            (Some(text), None) => text.to_string(),
            (None, Some(url)) => url.to_string(),
            (None, None) => String::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Links {
    /// Where a professional sends a written notification (underretning).
    #[serde(default)]
    pub notification_channel: Option<NotificationChannel>,
    #[serde(default)]
    pub website: Option<String>,
}

/// A municipality's SSP profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub format_version: u32,
    pub id: String,
    pub name: String,
    pub documents: Vec<Document>,
    #[serde(default)]
    pub target_age: Option<TargetAge>,
    /// How SSP is set up and anchored, as plain statements.
    #[serde(default)]
    pub about: Vec<TextItem>,
    /// Policies the work builds on, e.g. "Børnenes Stemme".
    #[serde(default)]
    pub policy_basis: Vec<TextItem>,
    #[serde(default)]
    pub goals: Vec<TextItem>,
    #[serde(default)]
    pub values: Vec<TextItem>,
    #[serde(default)]
    pub success_criteria: Vec<TextItem>,
    pub roles: Vec<Role>,
    pub sparring_door: SparringDoor,
    #[serde(default)]
    pub bodies: Vec<Body>,
    pub staircase: Staircase,
    #[serde(default)]
    pub methods: Vec<Method>,
    #[serde(default)]
    pub partners: Vec<Partner>,
    #[serde(default)]
    pub links: Links,
}

impl Profile {
    pub fn role(&self, id: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.id == id)
    }

    pub fn body(&self, id: &str) -> Option<&Body> {
        self.bodies.iter().find(|b| b.id == id)
    }

    pub fn level(&self, id: &str) -> Option<&Level> {
        self.staircase.levels.iter().find(|l| l.id == id)
    }

    pub fn intervention(&self, id: &str) -> Option<&Intervention> {
        self.staircase.interventions.iter().find(|i| i.id == id)
    }

    /// The first role with `function`.
    pub fn role_with(&self, function: Function) -> Option<&Role> {
        self.roles.iter().find(|r| r.functions.contains(&function))
    }

    /// The first body with `function`.
    pub fn body_with(&self, function: Function) -> Option<&Body> {
        self.bodies.iter().find(|b| b.functions.contains(&function))
    }

    pub fn document(&self, id: &str) -> Option<&Document> {
        self.documents.iter().find(|d| d.id == id)
    }

    /// Levels in staircase order (1 first).
    pub fn levels_in_order(&self) -> Vec<&Level> {
        let mut levels: Vec<&Level> = self.staircase.levels.iter().collect();
        levels.sort_by_key(|l| l.number);
        levels
    }

    /// Interventions on `level_id` that address `topic` (all of them when `topic` is `None`),
    /// in the profile's order.
    pub fn interventions_on<'a>(
        &'a self,
        level_id: &'a str,
        topic: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Intervention> + 'a {
        self.staircase.interventions.iter().filter(move |i| {
            i.levels.iter().any(|l| l == level_id)
                && topic.is_none_or(|t| i.topics.iter().any(|it| it == t))
        })
    }

    /// Serialises the profile in the documented format (pretty-printed, for export).
    pub fn to_json(&self) -> serde_json::Result<String> {
        crate::domain::pretty::to_string(self)
    }
}
