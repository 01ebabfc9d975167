//! Conditions in the guide data: on answers, the level, the topics, the profile.

use super::answers::{Answer, Answers};
use super::level::Level;
use crate::domain::profile::{Function, Profile};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A condition. Written in JSON as one small object, e.g. `{"answer": "acute", "is": "yes"}`,
/// `{"topic_any": ["vold"]}`, `{"all": [...]}`.
///
/// Read through [`RawCond`]: which keys are present says which condition it is. (An untagged
/// derive would try all fourteen shapes in turn through a buffer, which cost ~27 KB of wasm.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged, try_from = "RawCond")]
pub enum Cond {
    Is(AnswerIs),
    IsAny(AnswerIsAny),
    Has(AnswerHas),
    HasAny(AnswerHasAny),
    Level(LevelIs),
    TopicAny(TopicAny),
    WeightAtLeast(WeightAtLeast),
    CountAtLeast(CountAtLeast),
    ProfileHas(ProfileHas),
    Ground(GroundIs),
    Ref(Ref),
    All(All),
    Any(AnyOf),
    Not(Not),
}

macro_rules! cond_struct {
    ($name:ident { $($field:ident : $ty:ty),* $(,)? }) => {
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name { $(pub $field: $ty),* }
    };
}

cond_struct!(AnswerIs {
    answer: String,
    is: String
});
cond_struct!(AnswerIsAny { answer: String, is_any: Vec<String> });
cond_struct!(AnswerHas {
    answer: String,
    has: String
});
cond_struct!(AnswerHasAny { answer: String, has_any: Vec<String> });
cond_struct!(LevelIs { level: Level });
cond_struct!(TopicAny { topic_any: Vec<String> });
cond_struct!(WeightAtLeast {
    weight_at_least: u32
});
cond_struct!(CountSpec {
    answer: String,
    n: usize
});
cond_struct!(CountAtLeast {
    count_at_least: CountSpec
});
cond_struct!(ProfileHas {
    profile_has: Function
});
cond_struct!(GroundIs { ground: String });
cond_struct!(Ref { r#ref: String });
cond_struct!(All { all: Vec<Cond> });
cond_struct!(AnyOf { any: Vec<Cond> });
cond_struct!(Not { not: Box<Cond> });

/// Every key a condition may have; [`Cond`] is the one shape whose keys are all present.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCond {
    answer: Option<String>,
    is: Option<String>,
    is_any: Option<Vec<String>>,
    has: Option<String>,
    has_any: Option<Vec<String>>,
    level: Option<Level>,
    topic_any: Option<Vec<String>>,
    weight_at_least: Option<u32>,
    count_at_least: Option<CountSpec>,
    profile_has: Option<Function>,
    ground: Option<String>,
    r#ref: Option<String>,
    all: Option<Vec<Cond>>,
    any: Option<Vec<Cond>>,
    not: Option<Box<Cond>>,
}

impl TryFrom<RawCond> for Cond {
    type Error = String;

    fn try_from(r: RawCond) -> Result<Cond, String> {
        let keys: Vec<&str> = [
            ("answer", r.answer.is_some()),
            ("is", r.is.is_some()),
            ("is_any", r.is_any.is_some()),
            ("has", r.has.is_some()),
            ("has_any", r.has_any.is_some()),
            ("level", r.level.is_some()),
            ("topic_any", r.topic_any.is_some()),
            ("weight_at_least", r.weight_at_least.is_some()),
            ("count_at_least", r.count_at_least.is_some()),
            ("profile_has", r.profile_has.is_some()),
            ("ground", r.ground.is_some()),
            ("ref", r.r#ref.is_some()),
            ("all", r.all.is_some()),
            ("any", r.any.is_some()),
            ("not", r.not.is_some()),
        ]
        .into_iter()
        .filter_map(|(k, present)| present.then_some(k))
        .collect();
        let shape = |r: RawCond| -> Option<Cond> {
            Some(match keys.as_slice() {
                ["answer", "is"] => Cond::Is(AnswerIs {
                    answer: r.answer?,
                    is: r.is?,
                }),
                ["answer", "is_any"] => Cond::IsAny(AnswerIsAny {
                    answer: r.answer?,
                    is_any: r.is_any?,
                }),
                ["answer", "has"] => Cond::Has(AnswerHas {
                    answer: r.answer?,
                    has: r.has?,
                }),
                ["answer", "has_any"] => Cond::HasAny(AnswerHasAny {
                    answer: r.answer?,
                    has_any: r.has_any?,
                }),
                ["level"] => Cond::Level(LevelIs { level: r.level? }),
                ["topic_any"] => Cond::TopicAny(TopicAny {
                    topic_any: r.topic_any?,
                }),
                ["weight_at_least"] => Cond::WeightAtLeast(WeightAtLeast {
                    weight_at_least: r.weight_at_least?,
                }),
                ["count_at_least"] => Cond::CountAtLeast(CountAtLeast {
                    count_at_least: r.count_at_least?,
                }),
                ["profile_has"] => Cond::ProfileHas(ProfileHas {
                    profile_has: r.profile_has?,
                }),
                ["ground"] => Cond::Ground(GroundIs { ground: r.ground? }),
                ["ref"] => Cond::Ref(Ref { r#ref: r.r#ref? }),
                ["all"] => Cond::All(All { all: r.all? }),
                ["any"] => Cond::Any(AnyOf { any: r.any? }),
                ["not"] => Cond::Not(Not { not: r.not? }),
                _ => return None,
            })
        };
        let described = keys.join(", ");
        shape(r).ok_or_else(|| format!("not a condition: {{{described}}}"))
    }
}

/// What conditions are evaluated against.
pub struct Ctx<'a> {
    pub answers: &'a Answers,
    /// The level so far (after the level rules), if the rules were applied.
    pub level: Option<Level>,
    /// Sum of the weights of the chosen options.
    pub weight: u32,
    pub profile: Option<&'a Profile>,
    /// Named conditions (`{"ref": "no_parent_contact"}`).
    pub refs: &'a [(&'a str, bool)],
    /// The grounds of § 133 that apply: the duty step's ticks plus those the earlier answers
    /// imply (`{"ground": "abuse"}`). Empty while they are being worked out.
    pub grounds: &'a BTreeSet<String>,
}

fn single<'a>(answers: &'a Answers, step: &str) -> Option<&'a str> {
    match answers.get(step) {
        Some(Answer::Single(id)) => Some(id),
        _ => None,
    }
}

fn multi<'a>(answers: &'a Answers, step: &str) -> Option<&'a BTreeSet<String>> {
    match answers.get(step) {
        Some(Answer::Multi(ids)) => Some(ids),
        _ => None,
    }
}

impl Cond {
    pub fn holds(&self, ctx: &Ctx) -> bool {
        match self {
            Cond::Is(c) => single(ctx.answers, &c.answer) == Some(c.is.as_str()),
            Cond::IsAny(c) => {
                single(ctx.answers, &c.answer).is_some_and(|a| c.is_any.iter().any(|x| x == a))
            }
            Cond::Has(c) => multi(ctx.answers, &c.answer).is_some_and(|s| s.contains(&c.has)),
            Cond::HasAny(c) => multi(ctx.answers, &c.answer)
                .is_some_and(|s| c.has_any.iter().any(|x| s.contains(x))),
            Cond::Level(c) => ctx.level == Some(c.level),
            Cond::TopicAny(c) => multi(ctx.answers, super::ids::TOPICS)
                .is_some_and(|s| c.topic_any.iter().any(|x| s.contains(x))),
            Cond::WeightAtLeast(c) => ctx.weight >= c.weight_at_least,
            Cond::CountAtLeast(c) => multi(ctx.answers, &c.count_at_least.answer)
                .is_some_and(|s| s.len() >= c.count_at_least.n),
            Cond::ProfileHas(c) => ctx.profile.is_some_and(|p| {
                p.role_with(c.profile_has).is_some() || p.body_with(c.profile_has).is_some()
            }),
            Cond::Ground(c) => ctx.grounds.contains(&c.ground),
            Cond::Ref(c) => ctx
                .refs
                .iter()
                .any(|(name, value)| *name == c.r#ref && *value),
            Cond::All(c) => c.all.iter().all(|x| x.holds(ctx)),
            Cond::Any(c) => c.any.iter().any(|x| x.holds(ctx)),
            Cond::Not(c) => !c.not.holds(ctx),
        }
    }

    /// Every (step, option) pair and ref name the condition mentions, for the validator.
    pub fn mentions(&self, out: &mut Vec<Mention>) {
        match self {
            Cond::Is(c) => out.push(Mention::Option(c.answer.clone(), c.is.clone())),
            Cond::IsAny(c) => out.extend(
                c.is_any
                    .iter()
                    .map(|o| Mention::Option(c.answer.clone(), o.clone())),
            ),
            Cond::Has(c) => out.push(Mention::Option(c.answer.clone(), c.has.clone())),
            Cond::HasAny(c) => out.extend(
                c.has_any
                    .iter()
                    .map(|o| Mention::Option(c.answer.clone(), o.clone())),
            ),
            Cond::TopicAny(c) => out.extend(
                c.topic_any
                    .iter()
                    .map(|t| Mention::Option(super::ids::TOPICS.into(), t.clone())),
            ),
            Cond::CountAtLeast(c) => out.push(Mention::Step(c.count_at_least.answer.clone())),
            Cond::Ref(c) => out.push(Mention::Ref(c.r#ref.clone())),
            Cond::Ground(c) => out.push(Mention::Ground(c.ground.clone())),
            Cond::All(c) => c.all.iter().for_each(|x| x.mentions(out)),
            Cond::Any(c) => c.any.iter().for_each(|x| x.mentions(out)),
            Cond::Not(c) => c.not.mentions(out),
            Cond::Level(_) | Cond::WeightAtLeast(_) | Cond::ProfileHas(_) => {}
        }
    }
}

/// Something a condition refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mention {
    Step(String),
    Option(String, String),
    Ref(String),
    /// A ground of § 133 (an option id of the duty step).
    Ground(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_forms() {
        let c: Cond = serde_json::from_str(r#"{"answer":"acute","is":"yes"}"#).unwrap();
        assert!(matches!(c, Cond::Is(_)));
        let c: Cond = serde_json::from_str(r#"{"answer":"duty","has_any":["a","b"]}"#).unwrap();
        assert!(matches!(c, Cond::HasAny(_)));
        let c: Cond =
            serde_json::from_str(r#"{"all":[{"level":"red"},{"not":{"topic_any":["vold"]}}]}"#)
                .unwrap();
        assert!(matches!(c, Cond::All(_)));
        // A typo is an error, not a silently different condition.
        assert!(serde_json::from_str::<Cond>(r#"{"answer":"acute","iss":"yes"}"#).is_err());
        assert!(
            serde_json::from_str::<Cond>(r#"{"answer":"acute","is":"yes","extra":1}"#).is_err()
        );
        // Two shapes at once, or half of one, is no condition either.
        for bad in [
            r#"{"answer":"acute","is":"yes","has":"x"}"#,
            r#"{"answer":"acute"}"#,
            r#"{"level":"red","ground":"abuse"}"#,
            r#"{}"#,
        ] {
            let e = serde_json::from_str::<Cond>(bad).unwrap_err().to_string();
            assert!(e.starts_with("not a condition"), "{bad}: {e}");
        }
        // Every shape is read back as itself.
        for good in [
            r#"{"answer":"a","is":"x"}"#,
            r#"{"answer":"a","is_any":["x","y"]}"#,
            r#"{"answer":"a","has":"x"}"#,
            r#"{"answer":"a","has_any":["x"]}"#,
            r#"{"level":"yellow"}"#,
            r#"{"topic_any":["vold"]}"#,
            r#"{"weight_at_least":3}"#,
            r#"{"count_at_least":{"answer":"a","n":2}}"#,
            r#"{"profile_has":"police"}"#,
            r#"{"ground":"abuse"}"#,
            r#"{"ref":"no_parent_contact"}"#,
            r#"{"all":[{"level":"red"}]}"#,
            r#"{"any":[]}"#,
            r#"{"not":{"ground":"abuse"}}"#,
        ] {
            let c: Cond = serde_json::from_str(good).unwrap();
            assert_eq!(serde_json::to_string(&c).unwrap(), good);
        }
    }
}
