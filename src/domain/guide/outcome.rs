//! The outcome: a short relay plan (numbered steps, each with who and by when), the level,
//! whether the duty to notify applies, where the concern sits on this municipality's staircase
//! and which of its interventions fit, and a follow-up date.

use super::cond::Ctx;
use super::engine::{Answer, Answers};
use super::{ids, Actor, Guide, Level, PlanTemplate, Timing};
use crate::domain::i18n::Lang;
use crate::domain::profile::Profile;

/// Who a plan step names: a role or body from the municipality's profile, or a general actor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contact {
    Role(String),
    Body(String),
    General(Actor),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanStep {
    /// The template's id.
    pub id: String,
    pub actor: Actor,
    pub contact: Contact,
    pub timing: Timing,
    pub legal: Vec<String>,
    pub contacts_parents: bool,
    pub notification: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub acute: bool,
    pub level: Level,
    /// Bekymringsbarometeret's column, 1–5.
    pub column: u8,
    /// The grounds of the skærpet underretningspligt that apply (option ids of the duty step):
    /// the ticked ones and those the answers imply.
    pub grounds: Vec<String>,
    /// Ids of the implied grounds (`implied_grounds[].id`) that hold: why a ground applies
    /// although it may not have been ticked.
    pub implied: Vec<String>,
    /// Whom the suspicion points at (the suspect step's answer), when it was asked.
    pub suspect: Option<String>,
    pub duty_applies: bool,
    /// Violence or abuse by a parent or close family is (or may be) suspected, or the acute
    /// danger comes from home: no parent contact first. The outcome opens with the warning.
    pub no_parent_contact_first: bool,
    pub steps: Vec<PlanStep>,
    /// The number of the profile's staircase level the concern sits on.
    pub staircase_level: Option<u8>,
    /// Interventions on that level whose topics match the concern's.
    pub interventions: Vec<String>,
    /// Interventions on other levels whose topics match, when none on the level do.
    pub other_interventions: Vec<String>,
    pub follow_up_days: u32,
    /// Every legal statement the plan cites, in order of first use.
    pub legal: Vec<String>,
}

impl Guide {
    fn resolve(&self, actor: Actor, profile: &Profile) -> Option<Contact> {
        let by_function = |f| {
            profile
                .role_with(f)
                .map(|r| Contact::Role(r.id.clone()))
                .or_else(|| profile.body_with(f).map(|b| Contact::Body(b.id.clone())))
        };
        let door = Contact::Role(profile.sparring_door.role.clone());
        match actor {
            Actor::SparringDoor => Some(door),
            // The SSP consultant, or the municipality's door for sparring where it names none.
            Actor::SspConsultant => {
                Some(by_function(crate::domain::profile::Function::SspConsultant).unwrap_or(door))
            }
            // Infohus, or the SSP consultant (often the municipality's Infohus coordinator).
            Actor::Infohus => Some(
                by_function(crate::domain::profile::Function::Infohus)
                    .or_else(|| by_function(crate::domain::profile::Function::SspConsultant))
                    .unwrap_or(Contact::General(Actor::Infohus)),
            ),
            // A forum only the profile can name: without it the step is left out.
            Actor::S115Forum => by_function(crate::domain::profile::Function::S115Forum),
            Actor::Police | Actor::SocialServices => Some(
                actor
                    .function()
                    .and_then(by_function)
                    .unwrap_or(Contact::General(actor)),
            ),
            // The profile's own leader role where it names one (e.g. "Din nærmeste leder").
            Actor::Leader => Some(
                by_function(crate::domain::profile::Function::Leader)
                    .unwrap_or(Contact::General(actor)),
            ),
            Actor::You | Actor::Parents | Actor::Emergency => Some(Contact::General(actor)),
        }
    }

    /// The outcome for complete answers, for the chosen municipality.
    pub fn outcome(&self, answers: &Answers, profile: &Profile) -> Outcome {
        let acute = matches!(answers.get(ids::ACUTE), Some(Answer::Single(a)) if a == ids::YES);
        let weight = self.weight(answers);
        let implied_grounds = self.implied_grounds(answers, Some(profile));
        let ground_set = self.grounds_with(answers, &implied_grounds);
        let (level, column) = self.level_with(answers, Some(profile), &ground_set, weight);
        let base = Ctx {
            answers,
            level: Some(level),
            weight,
            profile: Some(profile),
            refs: &[],
            grounds: &ground_set,
        };
        let no_parent_contact_first = self.no_parent_contact_when.holds(&base);
        let refs = [("no_parent_contact", no_parent_contact_first)];
        let ctx = Ctx {
            refs: &refs,
            ..base
        };

        let grounds: Vec<String> = ground_set.iter().cloned().collect();
        let implied: Vec<String> = implied_grounds.iter().map(|i| i.id.clone()).collect();
        let duty_applies = acute || !grounds.is_empty();
        let suspect = match answers.get(ids::SUSPECT) {
            Some(Answer::Single(s)) => Some(s.clone()),
            _ => None,
        };

        let candidates: Vec<(PlanStep, bool)> = self
            .plan
            .iter()
            .filter(|t| t.when.holds(&ctx))
            .filter_map(|t: &PlanTemplate| {
                let step = PlanStep {
                    id: t.id.clone(),
                    actor: t.actor,
                    contact: self.resolve(t.actor, profile)?,
                    timing: t.timing,
                    // A municipality's own text is cited only in its own advice.
                    legal: t
                        .legal
                        .iter()
                        .filter(|id| self.legal(id).is_some_and(|l| l.applies_to(&profile.id)))
                        .cloned()
                        .collect(),
                    contacts_parents: t.contacts_parents,
                    notification: t.notification,
                };
                Some((step, t.inform))
            })
            .collect();
        // No one is told twice: a step that only informs is left out when a step that does
        // more names the same contact, or an earlier informing step already did.
        let mut steps: Vec<PlanStep> = Vec::new();
        for (i, (step, inform)) in candidates.iter().enumerate() {
            let named_by_other = candidates
                .iter()
                .enumerate()
                .any(|(j, (other, other_inform))| {
                    j != i && other.contact == step.contact && !*other_inform
                });
            let told_before = steps.iter().any(|s| s.contact == step.contact);
            if *inform && (named_by_other || told_before) {
                continue;
            }
            steps.push(step.clone());
        }

        let mut legal: Vec<String> = Vec::new();
        let warning = no_parent_contact_first.then_some(&self.no_parent_warning.legal);
        for id in warning
            .into_iter()
            .flatten()
            .chain(steps.iter().flat_map(|s| s.legal.iter()))
        {
            if !legal.contains(id) {
                legal.push(id.clone());
            }
        }

        let target = self
            .staircase
            .iter()
            .find(|r| r.when.as_ref().is_none_or(|c| c.holds(&ctx)))
            .map(|r| r.level)
            .unwrap_or(2);
        // The profile's level with that number, or the nearest below it (a staircase may lack
        // a level, e.g. Viborg has no level 3), or its lowest.
        let levels = profile.levels_in_order();
        let level_here = levels
            .iter()
            .rev()
            .find(|l| l.number <= target)
            .or(levels.first())
            .copied();
        let topics: Vec<String> = match answers.get(ids::TOPICS) {
            Some(Answer::Multi(ids)) => ids.iter().cloned().collect(),
            _ => Vec::new(),
        };
        let fits =
            |i: &&crate::domain::profile::Intervention| i.topics.iter().any(|t| topics.contains(t));
        let interventions: Vec<String> = level_here
            .map(|l| {
                profile
                    .interventions_on(&l.id, None)
                    .filter(fits)
                    .map(|i| i.id.clone())
                    .collect()
            })
            .unwrap_or_default();
        let other_interventions: Vec<String> = if interventions.is_empty() {
            profile
                .staircase
                .interventions
                .iter()
                .filter(fits)
                .map(|i| i.id.clone())
                .collect()
        } else {
            Vec::new()
        };

        let days = &self.follow_up_days;
        let follow_up_days = if acute {
            days.acute
        } else {
            match level {
                Level::Green => days.green,
                Level::Yellow => days.yellow,
                Level::Red => days.red,
            }
        };

        Outcome {
            acute,
            level: if acute { Level::Red } else { level },
            column: if acute { 5 } else { column },
            grounds,
            implied,
            suspect,
            duty_applies,
            no_parent_contact_first,
            steps,
            // Acute danger is not a matter of the staircase; the plan is 112.
            staircase_level: if acute {
                None
            } else {
                level_here.map(|l| l.number)
            },
            interventions: if acute { Vec::new() } else { interventions },
            other_interventions: if acute {
                Vec::new()
            } else {
                other_interventions
            },
            follow_up_days,
            legal,
        }
    }

    /// The name of a plan step's contact, in `lang`.
    pub fn contact_name(&self, contact: &Contact, profile: &Profile, lang: Lang) -> String {
        match contact {
            Contact::Role(id) => profile
                .role(id)
                .map(|r| r.name.clone())
                .unwrap_or_else(|| id.clone()),
            Contact::Body(id) => profile
                .body(id)
                .map(|b| b.name.clone())
                .unwrap_or_else(|| id.clone()),
            Contact::General(actor) => self
                .actors
                .get(actor)
                .map(|t| t.get(lang).to_string())
                .unwrap_or_default(),
        }
    }

    /// A plan step's text in `lang`, with `{contact}` and `{channel}` filled in.
    pub fn step_text(&self, step: &PlanStep, profile: &Profile, lang: Lang) -> String {
        let template = self
            .plan
            .iter()
            .find(|t| t.id == step.id)
            .map(|t| t.text.get(lang))
            .unwrap_or_default();
        let channel = match &profile.links.notification_channel {
            Some(c) => c.words(),
            None => self.channel_fallback.get(lang).to_string(),
        };
        let name = self.contact_name(&step.contact, profile, lang);
        // Mid-sentence a role's name is a common noun: "Aftal med den kommunale
        // SSP-konsulent", not "med Den kommunale …". Bodies are proper names and keep theirs.
        let in_sentence = match &step.contact {
            Contact::Role(_) => lower_first(&name),
            _ => name.clone(),
        };
        let filled = match template.find("{contact}") {
            Some(0) => template.replacen("{contact}", &name, 1),
            _ => template.to_string(),
        };
        filled
            .replace("{contact}", &in_sentence)
            .replace("{channel}", &channel)
    }
}

/// "Den kommunale SSP-konsulent" → "den kommunale SSP-konsulent"; an abbreviation or a name
/// whose second letter is a capital ("SSP-konsulenterne", "PPR") is left as it is.
pub fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && second.is_lowercase() => {
            first.to_lowercase().chain(name.chars().skip(1)).collect()
        }
        _ => name.to_string(),
    }
}
