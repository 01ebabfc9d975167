//! A second, independent model of what the concern guide's outcome must and must not contain,
//! checked against the engine's real outcome on every path through the guide, for every
//! built-in municipality.
//!
//! The model is written from the legal facts in `shared/LEGAL.md` and the product decisions
//! taken on them, **not** from `data/guide.json`: it never reads the guide's rules (plan
//! conditions, level rules, implied grounds, the no-parent-contact rule) and never calls the
//! engine's rule code (`grounds`, `level`, `implied_grounds`, `Cond::holds`). [`expect`] turns
//! the raw answers (step ids and option ids) into an [`Expectation`] with a small decision
//! table of its own; [`compare`] holds that against `Guide::outcome`, recognising plan steps by
//! what they do (actor, notification, parent contact, the words a teacher reads), never by
//! template id. If the data and the model were written from the same mistake, both would have
//! to be wrong in the same way for it to pass.
//!
//! Reading a failure: `<municipality>: <rule>: <what is wrong>: path <answers>`. The rule is
//! one of [`Rule`] (its description is printed in the table); the path lists the answers in
//! the order the guide asks them (`acute=no topics=vold+mobning violence=victim … suspect=close`;
//! free text and the review step are left out), so the case can be replayed in the app. Decide
//! against LEGAL.md whether the data or this model is wrong; do not bend the model to the data.
//! The full run prints, per rule, on how many paths (per municipality) and outcomes it was
//! checked, then the failures grouped by municipality, rule and kind, each with its shortest
//! path.
//!
//! The mutation tests break the guide on purpose and require the model to notice: a mutation
//! counts as caught only by problems the unmutated guide does not have on the same path.

mod guide_support;

use ssp_handleguide::domain::guide::engine::{Answer, Answers};
use ssp_handleguide::domain::guide::outcome::{Contact, Outcome, PlanStep};
use ssp_handleguide::domain::guide::{self, Actor, Guide, Level, Timing};
use ssp_handleguide::domain::i18n::Lang;
use ssp_handleguide::domain::profile::{self, Function, Profile};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;
use std::time::Instant;

// ---------------------------------------------------------------------------------------------
// The rules
// ---------------------------------------------------------------------------------------------

/// The properties the model checks, each with the LEGAL.md fact or product decision behind it.
/// Rules marked (+) go beyond the decisions in the issue; each follows from a LEGAL.md fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// The model can only judge what was asked: acute danger asks nothing more; the violence,
    /// digital and suspect questions come exactly when due (suspect: whenever ground (4)
    /// applies, LEGAL.md "what the adult saw"). (+)
    PathShape,
    /// § 133: the grounds are the ticks plus what the adult saw (ground (4): violence or
    /// sexual abuse against the child, sexual images, grooming; neglect → (1)); the duty
    /// applies on acute danger or any ground.
    Grounds,
    /// § 133 applies immediately: a notification to the municipality, now or today, exactly
    /// when the duty applies.
    Notification,
    /// Colours: red means a notification (+); barometer column 5 ("truede") is ground (4) (+);
    /// columns 4–5 are red (+).
    Level,
    /// Acute danger: 112 first; 114 and the social døgnvagt outside opening hours.
    Acute,
    /// 112 is for acute danger; the police are brought in for violence or abuse against the
    /// child, not for a fight or other concerns (+).
    PoliceOnlyWhenWarranted,
    /// Violence or abuse by a parent or someone close (or unknown), or acute danger from home:
    /// the parents are not contacted first, and the plan says so.
    ParentsExcluded,
    /// "In other cases, talking with the parents first is expected": no warning without
    /// reason, and the parents are involved (+).
    ParentsInvolved,
    /// Suspicion outside the family: the parents may be told, but whoever the suspicion
    /// points at is told nothing; the leader (who may be the one) only with that caveat.
    SuspectOutsideFamily,
    /// Nobody is told of the notification on a ground (4) path.
    SuspectNotTold,
    /// Ground (4): the municipality the same day, before anyone is waited on; the concrete
    /// observations with the child's own words; no further questioning of the child.
    SameDay,
    /// Ground (4): the municipality involves the police; the teacher calls them when the child
    /// is in danger now (never "always the police").
    PoliceViaMunicipality,
    /// An ordinary fight between pupils is the school's matter: no police, no 112.
    FightOnly,
    /// Sexual images: don't open, copy, forward (or delete) them.
    Images,
    /// Red without ground (4), parents not excluded: talk with them first; if they cannot be
    /// reached, notify anyway.
    RedParentsFirst,
    /// DKR's level 3 is crime prevention: only for crime or the child's own violence, and
    /// there when the staircase has it (+); kriminalitet is not green; acute: no staircase.
    Staircase,
    /// Nobody is merely told twice; one notification; one 112 step.
    ToldOnce,
    /// Cited statements exist; a municipality's own text only in its own advice; a general
    /// one names no built-in municipality; practice shows its source; *believed* facts are not
    /// shown as certain and unconfirmed paragraphs are not cited (+).
    Sources,
    /// A role's name is a common noun mid-sentence (unless it is an abbreviation).
    RoleNames,
    /// Every plan is followed up; after a notification: has the kvittering come?
    FollowUp,
}

const RULES: usize = 20;

impl Rule {
    const ALL: [Rule; RULES] = [
        Rule::PathShape,
        Rule::Grounds,
        Rule::Notification,
        Rule::Level,
        Rule::Acute,
        Rule::PoliceOnlyWhenWarranted,
        Rule::ParentsExcluded,
        Rule::ParentsInvolved,
        Rule::SuspectOutsideFamily,
        Rule::SuspectNotTold,
        Rule::SameDay,
        Rule::PoliceViaMunicipality,
        Rule::FightOnly,
        Rule::Images,
        Rule::RedParentsFirst,
        Rule::Staircase,
        Rule::ToldOnce,
        Rule::Sources,
        Rule::RoleNames,
        Rule::FollowUp,
    ];

    fn name(self) -> &'static str {
        match self {
            Rule::PathShape => "path-shape",
            Rule::Grounds => "grounds",
            Rule::Notification => "notification",
            Rule::Level => "level",
            Rule::Acute => "acute",
            Rule::PoliceOnlyWhenWarranted => "police-112-only-when-warranted",
            Rule::ParentsExcluded => "parents-excluded",
            Rule::ParentsInvolved => "parents-involved",
            Rule::SuspectOutsideFamily => "suspect-outside-family",
            Rule::SuspectNotTold => "suspect-not-told",
            Rule::SameDay => "ground4-same-day",
            Rule::PoliceViaMunicipality => "ground4-police-via-municipality",
            Rule::FightOnly => "fight-only",
            Rule::Images => "images",
            Rule::RedParentsFirst => "red-parents-first",
            Rule::Staircase => "staircase",
            Rule::ToldOnce => "told-once",
            Rule::Sources => "sources",
            Rule::RoleNames => "role-names",
            Rule::FollowUp => "follow-up",
        }
    }

    /// What the rule demands, for the table the test prints.
    fn what(self) -> &'static str {
        match self {
            Rule::PathShape => {
                "acute asks nothing more; violence/digital/suspect asked exactly when due"
            }
            Rule::Grounds => "grounds = ticks + what the adult saw; duty iff acute or a ground",
            Rule::Notification => {
                "a same-day notification to the municipality iff the duty applies"
            }
            Rule::Level => {
                "red iff notification; column 5 iff ground (4) (truede); red iff column 4-5"
            }
            Rule::Acute => "first step 112; 114 and social døgnvagt said",
            Rule::PoliceOnlyWhenWarranted => {
                "112 only when acute; police only on ground (4) or acute"
            }
            Rule::ParentsExcluded => {
                "abuse by parent/close/unknown or danger from home: no parent contact, warning"
            }
            Rule::ParentsInvolved => {
                "otherwise: no warning, and (not acute) the parents are involved"
            }
            Rule::SuspectOutsideFamily => {
                "suspect outside the family: parents told 'mistanken gælder'; leader: caveat first"
            }
            Rule::SuspectNotTold => "ground (4): nobody is told 'fortæl dem, at du underretter'",
            Rule::SameDay => {
                "ground (4): municipality today, before anyone is waited on; facts, no questioning"
            }
            Rule::PoliceViaMunicipality => {
                "ground (4): police step via the municipality, yourself if 'fare nu'; never 'altid'"
            }
            Rule::FightOnly => "only a fight between pupils: no police, no 112",
            Rule::Images => "sexual abuse / images / grooming: don't open, copy, forward, delete",
            Rule::RedParentsFirst => {
                "red, no ground (4), parents not excluded: parents first, 'alligevel'"
            }
            Rule::Staircase => {
                "crime step only for crime/perpetrator; kriminalitet not green; acute: none"
            }
            Rule::ToldOnce => "no contact merely told twice; one notification; one 112",
            Rule::Sources => {
                "cited statements exist, are this municipality's or general, have a source"
            }
            Rule::RoleNames => "a role's capitalised name not verbatim mid-sentence",
            Rule::FollowUp => "a follow-up step, days > 0; with a notification: 'kvittering'",
        }
    }
}

/// How many outcomes each rule applied to.
type Counts = [u64; RULES];

// ---------------------------------------------------------------------------------------------
// The model: from raw answers to what the outcome must and must not contain
// ---------------------------------------------------------------------------------------------

fn multi(a: &Answers, step: &str) -> BTreeSet<String> {
    match a.get(step) {
        Some(Answer::Multi(ids)) => ids.clone(),
        _ => BTreeSet::new(),
    }
}

fn single<'a>(a: &'a Answers, step: &str) -> Option<&'a str> {
    match a.get(step) {
        Some(Answer::Single(id)) => Some(id),
        _ => None,
    }
}

/// What the outcome for one set of answers must and must not contain.
#[derive(Debug, Clone, Default)]
struct Expectation {
    /// Acute danger (acute=yes): 112 first, 114 / social døgnvagt, notify.
    acute: bool,
    /// The grounds of § 133 that apply: the ticks, plus (4) for what the adult saw and (1)
    /// for neglect.
    grounds: BTreeSet<String>,
    /// Ground (4), not acute: suspicion of violence or (sexual) abuse against the child.
    ground_four: bool,
    /// The duty to notify applies (acute or any ground).
    duty: bool,
    /// The answer to the suspect question, if asked.
    suspect: Option<String>,
    /// The suspect question must have been asked (ground (4)).
    suspect_asked: bool,
    /// The violence / digital questions must have been asked.
    violence_asked: bool,
    digital_asked: bool,
    /// No parent contact: abuse by a parent, someone close or an unknown person, or acute
    /// danger that comes (or may come) from home.
    parents_excluded: bool,
    /// Ground (4) and the suspicion points outside the family (other adult or a young person).
    suspect_outside_family: bool,
    /// ... at another adult (staff, coach, stranger): the leader may be the one.
    suspect_other_adult: bool,
    /// Red: the notification level.
    red: bool,
    /// Only a fight between pupils, nothing else of violence or abuse.
    fight_only: bool,
    /// Sexual abuse, sexual images or grooming: say how to handle images.
    images: bool,
    /// Crime: topic kriminalitet or the child has used violence.
    crime: bool,
    /// Topic kriminalitet itself.
    crime_topic: bool,
    /// Red without ground (4), parents not excluded: talk with them first, notify anyway.
    red_parents_first: bool,
}

/// The decision table, from LEGAL.md and the decisions taken on it; raw answers only.
fn expect(a: &Answers) -> Expectation {
    let acute = single(a, "acute") == Some("yes");
    if acute {
        // LEGAL.md: acute danger → 112; outside opening hours 114 / social døgnvagt. Danger
        // from home (or not known not to be): the parents are not contacted.
        let home = single(a, "acute_home");
        return Expectation {
            acute: true,
            duty: true,
            red: true,
            parents_excluded: !matches!(home, Some("no")),
            ..Expectation::default()
        };
    }
    let topics = multi(a, "topics");
    let violence = multi(a, "violence");
    let digital = multi(a, "digital");
    let ticks: BTreeSet<String> = multi(a, "duty")
        .into_iter()
        .filter(|d| d != "none")
        .collect();
    // "The rule follows what the adult saw, not which box was ticked."
    let abuse_seen = topics.contains("seksuelle-overgreb")
        || violence.contains("victim")
        || digital.contains("images")
        || digital.contains("grooming");
    let mut grounds = ticks.clone();
    if abuse_seen {
        grounds.insert("abuse".into());
    }
    if topics.contains("omsorgssvigt") {
        grounds.insert("support".into());
    }
    let ground_four = grounds.contains("abuse");
    let suspect = single(a, "suspect").map(str::to_string);
    // A missing answer counts as unknown: the safe side.
    let suspect_in_family = ground_four
        && matches!(
            suspect.as_deref(),
            None | Some("parent") | Some("close") | Some("unknown")
        );
    let suspect_outside_family =
        ground_four && matches!(suspect.as_deref(), Some("other-adult") | Some("young"));
    let duty = !grounds.is_empty();
    let crime_topic = topics.contains("kriminalitet");
    Expectation {
        acute: false,
        ground_four,
        duty,
        suspect_asked: ground_four,
        violence_asked: topics.contains("vold"),
        digital_asked: topics.contains("digitale-kraenkelser"),
        suspect_other_adult: ground_four && suspect.as_deref() == Some("other-adult"),
        suspect,
        parents_excluded: suspect_in_family,
        suspect_outside_family,
        red: duty,
        fight_only: violence == BTreeSet::from(["fight".to_string()]) && !ground_four,
        images: topics.contains("seksuelle-overgreb")
            || digital.contains("images")
            || digital.contains("grooming"),
        crime: crime_topic || violence.contains("perpetrator"),
        crime_topic,
        red_parents_first: duty && !ground_four && !suspect_in_family,
        grounds,
    }
}

// ---------------------------------------------------------------------------------------------
// Comparing the engine's outcome with the model
// ---------------------------------------------------------------------------------------------

/// The answers of a path in the order the guide asks them (free text and review left out).
fn compact(a: &Answers) -> String {
    const ORDER: [&str; 9] = [
        "acute",
        "acute_home",
        "topics",
        "violence",
        "digital",
        "duration",
        "impact",
        "duty",
        "suspect",
    ];
    let value = |ans: &Answer| match ans {
        Answer::Single(id) => Some(id.clone()),
        Answer::Multi(ids) => Some(ids.iter().cloned().collect::<Vec<_>>().join("+")),
        Answer::Text(_) | Answer::Seen => None,
    };
    let known = ORDER.iter().filter_map(|k| a.get_key_value(*k));
    let others = a.iter().filter(|(k, _)| !ORDER.contains(&k.as_str()));
    known
        .chain(others)
        .filter_map(|(k, ans)| value(ans).map(|v| format!("{k}={v}")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The names of the built-in municipalities ("Viborg" for "Viborg Kommune").
fn municipality_names() -> Vec<&'static str> {
    profile::builtin()
        .iter()
        .map(|b| {
            let name = b.profile.name.as_str();
            name.strip_suffix(" Kommune").unwrap_or(name)
        })
        .collect()
}

fn parent_contact(s: &PlanStep) -> bool {
    s.contacts_parents || s.actor == Actor::Parents
}

/// A step that waits on someone else (or involves the parents) and so must not come before a
/// same-day notification on a ground (4) path.
fn waits_on_others(s: &PlanStep) -> bool {
    s.contacts_parents
        || matches!(
            s.actor,
            Actor::Leader
                | Actor::Parents
                | Actor::SparringDoor
                | Actor::SspConsultant
                | Actor::S115Forum
                | Actor::Infohus
        )
}

fn same_day(t: Timing) -> bool {
    matches!(t, Timing::Now | Timing::Today)
}

/// Whom "tell your leader" names in this municipality: its leader role (or body), else the
/// general leader.
fn leader_contact(p: &Profile) -> Contact {
    p.role_with(Function::Leader)
        .map(|r| Contact::Role(r.id.clone()))
        .or_else(|| {
            p.body_with(Function::Leader)
                .map(|b| Contact::Body(b.id.clone()))
        })
        .unwrap_or(Contact::General(Actor::Leader))
}

fn short(text: &str) -> String {
    let cut: String = text.chars().take(70).collect();
    if cut.len() < text.len() {
        format!("\"{cut}…\"")
    } else {
        format!("\"{cut}\"")
    }
}

/// Problems with one statement a plan cites, for `profile_id`.
fn source_problems(g: &Guide, id: &str, profile_id: &str, names: &[&str]) -> Vec<String> {
    let Some(l) = g.legal(id) else {
        return vec![format!("cited statement \"{id}\" does not exist")];
    };
    let mut out = Vec::new();
    match &l.municipality {
        Some(m) if m != profile_id => out.push(format!(
            "statement \"{id}\" is {m}'s own text, cited in {profile_id}'s advice"
        )),
        Some(_) => {}
        None => {
            for name in names {
                if l.source.contains(name) || l.text.da.contains(name) {
                    out.push(format!(
                        "general statement \"{id}\" names the municipality {name} (source {:?})",
                        l.source
                    ));
                }
            }
        }
    }
    if l.reference.is_none() && l.source.trim().is_empty() {
        out.push(format!(
            "statement \"{id}\" has neither a reference nor a source"
        ));
    }
    if let Some(r) = &l.reference {
        // LEGAL.md: Serviceloven § 153 was replaced; the old §§ 49a/49b's new numbers and the
        // citizen's duty's paragraph are not confirmed: cite none of them.
        if r.contains("Serviceloven") || r.contains("49a") || r.contains("49b") {
            out.push(format!(
                "statement \"{id}\" cites an unconfirmed or old paragraph: {r}"
            ));
        }
    }
    // LEGAL.md's *believed* facts are never shown as certain: the receipt's paragraph (§ 136),
    // not questioning the child, fights as the school's matter, images, abuse by another child.
    let believed = l.reference.as_deref().is_some_and(|r| r.contains("§ 136"))
        || l.source.contains("ikke bekræftet")
        || l.text.da.contains("ledende spørgsmål")
        || l.text.da.to_lowercase().contains("slåskamp")
        || l.text.da.contains("videresende")
        || l.text.da.contains("andet barn");
    if believed && l.certain {
        out.push(format!(
            "statement \"{id}\" rests on what LEGAL.md marks believed, but is shown as certain"
        ));
    }
    out
}

struct Check<'c> {
    counts: &'c mut Counts,
    problems: Vec<String>,
}

impl Check<'_> {
    fn applies(&mut self, r: Rule) {
        self.counts[r as usize] += 1;
    }
    fn fail(&mut self, r: Rule, msg: impl Into<String>) {
        self.problems.push(format!("{}: {}", r.name(), msg.into()));
    }
    fn ensure(&mut self, r: Rule, ok: bool, msg: impl FnOnce() -> String) {
        if !ok {
            self.fail(r, msg());
        }
    }
}

/// What stays the same from path to path for one municipality, worked out once: the text of
/// each plan step (a step's text depends only on its template, its contact and the profile)
/// and the problems of each cited statement.
struct Memo<'g> {
    g: &'g Guide,
    p: &'g Profile,
    names: Vec<&'static str>,
    /// Per template id: (contact, Danish text, the same lowercased).
    texts: HashMap<String, Vec<(Contact, String, String)>>,
    sources: HashMap<String, Vec<String>>,
}

impl<'g> Memo<'g> {
    fn new(g: &'g Guide, p: &'g Profile) -> Self {
        Memo {
            g,
            p,
            names: municipality_names(),
            texts: HashMap::new(),
            sources: HashMap::new(),
        }
    }

    /// Works out what `o` needs that is not known yet.
    fn prepare(&mut self, o: &Outcome) {
        for s in &o.steps {
            let known = self.texts.entry(s.id.clone()).or_default();
            if !known.iter().any(|(c, _, _)| *c == s.contact) {
                let text = self.g.step_text(s, self.p, Lang::Da);
                let lower = text.to_lowercase();
                known.push((s.contact.clone(), text, lower));
            }
        }
        for id in o.steps.iter().flat_map(|s| &s.legal).chain(&o.legal) {
            if !self.sources.contains_key(id) {
                let problems = source_problems(self.g, id, &self.p.id, &self.names);
                self.sources.insert(id.clone(), problems);
            }
        }
    }

    /// The step's text and its lowercased form (after [`Memo::prepare`]).
    fn text(&self, s: &PlanStep) -> (&str, &str) {
        self.texts[&s.id]
            .iter()
            .find(|(c, _, _)| *c == s.contact)
            .map(|(_, t, l)| (t.as_str(), l.as_str()))
            .expect("prepared")
    }
}

/// Every way the engine's outcome for `a` in municipality `p` breaks the model; each problem
/// starts with the rule's name.
fn compare(g: &Guide, a: &Answers, p: &Profile) -> Vec<String> {
    let mut counts = [0; RULES];
    compare_counted(&mut Memo::new(g, p), a, &mut counts)
}

fn compare_counted(memo: &mut Memo, a: &Answers, counts: &mut Counts) -> Vec<String> {
    let (g, p) = (memo.g, memo.p);
    let e = expect(a);
    let o = g.outcome(a, p);
    memo.prepare(&o);
    let memo = &*memo;
    let steps = &o.steps;
    let (texts, lower): (Vec<&str>, Vec<&str>) = steps.iter().map(|s| memo.text(s)).unzip();
    let describe = |i: usize| format!("step {} ({:?}) {}", i + 1, steps[i].actor, short(texts[i]));
    let find = |f: &dyn Fn(usize) -> bool| (0..steps.len()).find(|&i| f(i));
    let is_notification = |i: usize| {
        steps[i].actor == Actor::SocialServices
            && steps[i].notification
            && same_day(steps[i].timing)
    };
    let is_112 = |i: usize| steps[i].actor == Actor::Emergency && texts[i].contains("112");
    let says_no_parents = |i: usize| texts[i].contains("Kontakt ikke forældrene");
    let mut c = Check {
        counts,
        problems: Vec::new(),
    };

    // The path itself: the guide asked what the model needs, and nothing after acute danger.
    c.applies(Rule::PathShape);
    if e.acute {
        let extra: Vec<&String> = a
            .keys()
            .filter(|k| !matches!(k.as_str(), "acute" | "acute_home"))
            .collect();
        c.ensure(Rule::PathShape, extra.is_empty(), || {
            format!("acute danger, yet the guide asked {extra:?}")
        });
        c.ensure(Rule::PathShape, a.contains_key("acute_home"), || {
            "acute danger, but not asked whether it comes from home".into()
        });
    } else {
        for (step, due) in [
            ("violence", e.violence_asked),
            ("digital", e.digital_asked),
            ("suspect", e.suspect_asked),
        ] {
            c.ensure(Rule::PathShape, a.contains_key(step) == due, || {
                format!(
                    "question \"{step}\" asked: {}, due: {due}",
                    a.contains_key(step)
                )
            });
        }
    }

    // Grounds of § 133 and the duty.
    c.applies(Rule::Grounds);
    let got: BTreeSet<String> = o.grounds.iter().cloned().collect();
    c.ensure(Rule::Grounds, got == e.grounds, || {
        format!("grounds {got:?}, the model says {:?}", e.grounds)
    });
    c.ensure(Rule::Grounds, o.duty_applies == e.duty, || {
        format!("duty_applies {}, the model says {}", o.duty_applies, e.duty)
    });
    c.ensure(Rule::Grounds, o.acute == e.acute, || {
        format!("acute {}, the model says {}", o.acute, e.acute)
    });
    c.ensure(Rule::Grounds, o.suspect == e.suspect, || {
        format!("suspect {:?}, answered {:?}", o.suspect, e.suspect)
    });

    // The notification: exactly when the duty applies, to the municipality, the same day.
    c.applies(Rule::Notification);
    let notification = find(&is_notification);
    if e.duty {
        c.ensure(Rule::Notification, notification.is_some(), || {
            "the duty applies, but no same-day notification to the municipality".into()
        });
    } else if let Some(i) = find(&|i| steps[i].notification) {
        c.fail(
            Rule::Notification,
            format!("no duty, yet a notification: {}", describe(i)),
        );
    }

    // Level and barometer column.
    c.applies(Rule::Level);
    c.ensure(Rule::Level, (o.level == Level::Red) == e.red, || {
        format!("level {:?}, the model says red: {}", o.level, e.red)
    });
    c.ensure(
        Rule::Level,
        (o.column == 5) == (e.ground_four || e.acute),
        || {
            format!(
                "column {}, ground (4) or acute: {}",
                o.column,
                e.ground_four || e.acute
            )
        },
    );
    c.ensure(
        Rule::Level,
        (o.level == Level::Red) == (o.column >= 4),
        || format!("level {:?} with column {}", o.level, o.column),
    );

    // Acute danger.
    if e.acute {
        c.applies(Rule::Acute);
        c.ensure(Rule::Acute, !steps.is_empty() && is_112(0), || {
            format!(
                "the first step is not 112: {}",
                if steps.is_empty() {
                    "no steps".into()
                } else {
                    describe(0)
                }
            )
        });
        c.ensure(
            Rule::Acute,
            steps.first().is_some_and(|s| s.timing == Timing::Now),
            || "the 112 step is not for now".into(),
        );
        let mut said = texts.join(" ");
        for id in steps.iter().flat_map(|s| &s.legal) {
            if let Some(l) = g.legal(id) {
                said.push(' ');
                said.push_str(&l.text.da);
            }
        }
        for needed in ["114", "døgnvagt"] {
            c.ensure(Rule::Acute, said.contains(needed), || {
                format!("acute plan never says \"{needed}\"")
            });
        }
    }

    // 112 only in acute danger; the police only on ground (4) or acute.
    c.applies(Rule::PoliceOnlyWhenWarranted);
    if !e.acute {
        if let Some(i) = find(&|i| steps[i].actor == Actor::Emergency) {
            c.fail(
                Rule::PoliceOnlyWhenWarranted,
                format!("112 without acute danger: {}", describe(i)),
            );
        }
    }
    if !e.acute && !e.ground_four {
        if let Some(i) = find(&|i| steps[i].actor == Actor::Police) {
            c.fail(
                Rule::PoliceOnlyWhenWarranted,
                format!(
                    "the police without violence or abuse against the child: {}",
                    describe(i)
                ),
            );
        }
    }

    // Parents excluded.
    if e.parents_excluded {
        c.applies(Rule::ParentsExcluded);
        if let Some(i) = find(&|i| parent_contact(&steps[i])) {
            c.fail(
                Rule::ParentsExcluded,
                format!("parents excluded, yet {}", describe(i)),
            );
        }
        c.ensure(Rule::ParentsExcluded, o.no_parent_contact_first, || {
            "parents excluded, but no_parent_contact_first is false".into()
        });
        c.ensure(
            Rule::ParentsExcluded,
            find(&says_no_parents).is_some(),
            || "parents excluded, but no step says \"Kontakt ikke forældrene\"".into(),
        );
    } else {
        c.applies(Rule::ParentsInvolved);
        c.ensure(Rule::ParentsInvolved, !o.no_parent_contact_first, || {
            "no_parent_contact_first, though nobody in the family is suspected".into()
        });
        if let Some(i) = find(&says_no_parents) {
            c.fail(
                Rule::ParentsInvolved,
                format!("the parents are excluded without reason: {}", describe(i)),
            );
        }
        if !e.acute {
            c.ensure(
                Rule::ParentsInvolved,
                find(&|i| parent_contact(&steps[i])).is_some(),
                || "talking with the parents is expected, but no step involves them".into(),
            );
        }
    }

    // Suspicion outside the family: parents may be told, the suspected person never.
    if e.suspect_outside_family {
        c.applies(Rule::SuspectOutsideFamily);
        for i in (0..steps.len()).filter(|&i| parent_contact(&steps[i])) {
            c.ensure(
                Rule::SuspectOutsideFamily,
                texts[i].contains("mistanken gælder"),
                || {
                    format!(
                        "involves parents without saying nothing to the suspected: {}",
                        describe(i)
                    )
                },
            );
        }
        if e.suspect_other_adult {
            // The suspicion may point at a colleague or the leader: every leader step says
            // so, and so does the first step that sends the teacher to the leader by any
            // name (in some municipalities the door for sparring, or SSP, is the leader).
            let leader = leader_contact(p);
            let names_leader =
                |i: usize| steps[i].actor == Actor::Leader || steps[i].contact == leader;
            let first = find(&names_leader);
            for i in
                (0..steps.len()).filter(|&i| steps[i].actor == Actor::Leader || Some(i) == first)
            {
                c.ensure(
                    Rule::SuspectOutsideFamily,
                    texts[i].contains("mistanken"),
                    || {
                        format!(
                            "sends the teacher to the leader without a word on the \
                             suspicion: {}",
                            describe(i)
                        )
                    },
                );
            }
        }
    }

    // Nobody tells the suspected person of the notification.
    if e.ground_four {
        c.applies(Rule::SuspectNotTold);
        if let Some(i) = find(&|i| lower[i].contains("fortæl dem, at du underretter")) {
            c.fail(
                Rule::SuspectNotTold,
                format!("tells of the notification: {}", describe(i)),
            );
        }
    }

    // Ground (4): the municipality the same day, first; facts and no questioning.
    if e.ground_four {
        c.applies(Rule::SameDay);
        match notification {
            None => c.fail(Rule::SameDay, "no same-day municipality step"),
            Some(n) => {
                if let Some(w) = find(&|i| waits_on_others(&steps[i])) {
                    c.ensure(Rule::SameDay, n < w, || {
                        format!("{} comes before the municipality", describe(w))
                    });
                }
                for needed in ["i dag", "barnets egne ord", "Spørg ikke barnet"] {
                    c.ensure(Rule::SameDay, texts[n].contains(needed), || {
                        format!("municipality step lacks \"{needed}\": {}", describe(n))
                    });
                }
            }
        }
        c.applies(Rule::PoliceViaMunicipality);
        let police: Vec<usize> = (0..steps.len())
            .filter(|&i| steps[i].actor == Actor::Police)
            .collect();
        c.ensure(Rule::PoliceViaMunicipality, !police.is_empty(), || {
            "violence or abuse against the child, but no police step".into()
        });
        for i in police {
            c.ensure(
                Rule::PoliceViaMunicipality,
                lower[i].contains("kommunen") && lower[i].contains("fare nu"),
                || {
                    format!(
                        "police step not via the municipality / 'fare nu': {}",
                        describe(i)
                    )
                },
            );
            c.ensure(
                Rule::PoliceViaMunicipality,
                !lower[i].contains("altid"),
                || format!("police step says 'altid': {}", describe(i)),
            );
        }
    }

    // A fight between pupils only.
    if e.fight_only {
        c.applies(Rule::FightOnly);
        if let Some(i) = find(&|i| matches!(steps[i].actor, Actor::Police | Actor::Emergency)) {
            c.fail(
                Rule::FightOnly,
                format!("a fight between pupils brings in {}", describe(i)),
            );
        }
    }

    // Sexual images.
    if e.images {
        c.applies(Rule::Images);
        let said = lower.iter().any(|t| {
            ["åbn", "kopiér", "videresend", "slet"]
                .iter()
                .all(|w| t.contains(w))
        });
        c.ensure(Rule::Images, said, || {
            "no step says not to open, copy, forward or delete images".into()
        });
    }

    // Red without ground (4): the parents first, and notify anyway.
    if e.red_parents_first {
        c.applies(Rule::RedParentsFirst);
        match (find(&|i| parent_contact(&steps[i])), notification) {
            (Some(pi), Some(n)) => {
                c.ensure(Rule::RedParentsFirst, pi < n, || {
                    format!("the parents come after the notification: {}", describe(pi))
                });
                c.ensure(
                    Rule::RedParentsFirst,
                    texts[pi].contains("alligevel"),
                    || {
                        format!(
                            "parent step does not say to notify anyway: {}",
                            describe(pi)
                        )
                    },
                );
            }
            (None, _) => c.fail(Rule::RedParentsFirst, "no step involves the parents"),
            (_, None) => c.fail(Rule::RedParentsFirst, "no notification step"),
        }
    }

    // The staircase.
    c.applies(Rule::Staircase);
    if e.acute {
        c.ensure(Rule::Staircase, o.staircase_level.is_none(), || {
            format!(
                "acute danger placed on staircase level {:?}",
                o.staircase_level
            )
        });
    } else {
        let numbers: Vec<u8> = p.staircase.levels.iter().map(|l| l.number).collect();
        match o.staircase_level {
            None => c.fail(Rule::Staircase, "no staircase level"),
            Some(n) => {
                c.ensure(Rule::Staircase, numbers.contains(&n), || {
                    format!("staircase level {n} is not one of {numbers:?}")
                });
                c.ensure(Rule::Staircase, n != 3 || e.crime, || {
                    "placed on the crime-prevention step without crime or own violence".into()
                });
                c.ensure(
                    Rule::Staircase,
                    !e.crime || !numbers.contains(&3) || n == 3,
                    || format!("crime, but staircase level {n}, not 3"),
                );
            }
        }
        c.ensure(
            Rule::Staircase,
            !e.crime_topic || o.level != Level::Green,
            || "topic kriminalitet, yet level green".into(),
        );
    }

    // Nobody merely told twice; one notification, one 112.
    c.applies(Rule::ToldOnce);
    let informs = |i: usize| texts[i].starts_with("Fortæl") || texts[i].starts_with("Orientér");
    for i in 0..steps.len() {
        for j in i + 1..steps.len() {
            if steps[i].contact == steps[j].contact && informs(i) && informs(j) {
                c.fail(
                    Rule::ToldOnce,
                    format!(
                        "{:?} told twice: {} and {}",
                        steps[i].contact,
                        describe(i),
                        describe(j)
                    ),
                );
            }
        }
    }
    let notifications = steps.iter().filter(|s| s.notification).count();
    c.ensure(Rule::ToldOnce, notifications <= 1, || {
        format!("{notifications} notification steps")
    });
    let emergencies = steps.iter().filter(|s| s.actor == Actor::Emergency).count();
    c.ensure(Rule::ToldOnce, emergencies <= 1, || {
        format!("{emergencies} 112 steps")
    });

    // Sources.
    c.applies(Rule::Sources);
    let mut cited: Vec<&String> = Vec::new();
    for id in steps.iter().flat_map(|s| &s.legal).chain(&o.legal) {
        if !cited.contains(&id) {
            cited.push(id);
        }
    }
    for id in cited {
        for problem in &memo.sources[id] {
            c.fail(Rule::Sources, problem.clone());
        }
    }

    // Role names mid-sentence.
    let roles: Vec<usize> = (0..steps.len())
        .filter(|&i| matches!(steps[i].contact, Contact::Role(_)))
        .collect();
    if !roles.is_empty() {
        c.applies(Rule::RoleNames);
    }
    for i in roles {
        let Contact::Role(id) = &steps[i].contact else {
            continue;
        };
        let Some(role) = p.role(id) else {
            c.fail(
                Rule::RoleNames,
                format!("role \"{id}\" is not in the profile"),
            );
            continue;
        };
        let name = role.name.as_str();
        let keeps_capital = name.chars().nth(1).is_some_and(char::is_uppercase);
        if keeps_capital || name.is_empty() {
            continue;
        }
        if let Some((at, _)) = texts[i].match_indices(name).find(|(at, _)| *at > 0) {
            c.fail(
                Rule::RoleNames,
                format!("\"{name}\" capitalised at {at} in {}", describe(i)),
            );
        }
    }

    // Follow-up.
    c.applies(Rule::FollowUp);
    let follow_ups: Vec<usize> = (0..steps.len())
        .filter(|&i| steps[i].timing == Timing::FollowUp)
        .collect();
    c.ensure(Rule::FollowUp, !follow_ups.is_empty(), || {
        "no follow-up step".into()
    });
    c.ensure(Rule::FollowUp, o.follow_up_days > 0, || {
        "follow_up_days is 0".into()
    });
    if notifications > 0 && !follow_ups.is_empty() {
        c.ensure(
            Rule::FollowUp,
            follow_ups.iter().any(|&i| lower[i].contains("kvittering")),
            || "a notification, but the follow-up does not ask for the kvittering".into(),
        );
    }

    c.problems
}

// ---------------------------------------------------------------------------------------------
// Running it
// ---------------------------------------------------------------------------------------------

/// Every path through the built-in guide, walked once for all tests of this file.
fn builtin_paths() -> &'static [Answers] {
    static PATHS: OnceLock<Vec<Answers>> = OnceLock::new();
    PATHS.get_or_init(|| guide_support::all_paths(guide::load().unwrap()))
}

/// Failures of one municipality over `paths`, as "<profile>: <rule>: … : path <answers>".
struct Run {
    /// The first failures, with the index of their path.
    failures: Vec<(usize, String)>,
    /// Every failure by "<profile>: <rule>: <kind>": how many, and the first in full.
    groups: BTreeMap<String, (usize, String)>,
    counts: Counts,
}

/// Checks every path (or stops at `stop_after` failures), keeping the first `keep` in full.
fn run(g: &Guide, paths: &[Answers], p: &Profile, keep: usize) -> Run {
    let mut memo = Memo::new(g, p);
    let mut r = Run {
        failures: Vec::new(),
        groups: BTreeMap::new(),
        counts: [0; RULES],
    };
    for (i, a) in paths.iter().enumerate() {
        for problem in compare_counted(&mut memo, a, &mut r.counts) {
            let message = format!("{}: {problem}: path {}", p.id, compact(a));
            let group = r
                .groups
                .entry(format!("{}: {}", p.id, kind(&problem)))
                .or_insert_with(|| (0, message.clone()));
            group.0 += 1;
            // Of a group, show the shortest case: the fewest answers to replay.
            if message.len() < group.1.len() {
                group.1 = message.clone();
            }
            if r.failures.len() < keep {
                r.failures.push((i, message));
            }
        }
    }
    r
}

/// "rule: kind: details" → "rule: kind": what a problem is, without the step or text.
fn kind(problem: &str) -> String {
    problem
        .splitn(3, ": ")
        .take(2)
        .collect::<Vec<_>>()
        .join(": ")
}

#[test]
fn every_path_matches_the_safety_model() {
    let started = Instant::now();
    let g = guide::load().unwrap();
    let paths = builtin_paths();
    let walked = started.elapsed();
    let profiles = profile::builtin();
    assert!(!paths.is_empty());

    // One thread per municipality; failures are kept in full count, the first few in text.
    let runs: Vec<Run> = std::thread::scope(|s| {
        let handles: Vec<_> = profiles
            .iter()
            .map(|b| s.spawn(move || run(g, paths, b.profile, 5)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });

    println!(
        "safety model: {} paths × {} municipalities = {} outcomes \
         ({:.1?} to walk the guide, {:.1?} in all)",
        paths.len(),
        profiles.len(),
        paths.len() * profiles.len(),
        walked,
        started.elapsed()
    );
    println!("{:<32} {:>14} {:>9}  what", "rule", "paths", "outcomes");
    for rule in Rule::ALL {
        let per: Vec<u64> = runs.iter().map(|r| r.counts[rule as usize]).collect();
        let (min, max) = (per.iter().min().unwrap(), per.iter().max().unwrap());
        let paths_col = if min == max {
            min.to_string()
        } else {
            format!("{min}–{max}")
        };
        println!(
            "{:<32} {:>14} {:>9}  {}",
            rule.name(),
            paths_col,
            per.iter().sum::<u64>(),
            rule.what()
        );
    }

    // Failures grouped by municipality, rule and kind (each with its shortest path), then the
    // first few in full.
    let groups: Vec<String> = runs
        .iter()
        .flat_map(|r| &r.groups)
        .map(|(kind, (n, first))| format!("{n:>7} × {kind}\n          shortest: {first}"))
        .collect();
    let total: usize = runs
        .iter()
        .flat_map(|r| r.groups.values())
        .map(|(n, _)| n)
        .sum();
    for group in &groups {
        println!("FAIL {group}");
    }
    let first: Vec<&str> = runs
        .iter()
        .flat_map(|r| r.failures.iter().map(|(_, m)| m.as_str()))
        .take(5)
        .collect();
    assert!(
        total == 0,
        "{total} problems in {} groups:\n{}\nthe first {}:\n{}",
        groups.len(),
        groups
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n"),
        first.len(),
        first.join("\n")
    );
    // A rule that applies to no path checks nothing.
    for rule in Rule::ALL {
        assert!(
            runs.iter().any(|r| r.counts[rule as usize] > 0),
            "rule {} applied to no path",
            rule.name()
        );
    }
}

/// Statements every outcome lists whatever the answers (the guide's `outcome_legal`): general
/// ones may not name a built-in municipality, a municipality's own only its own advice.
#[test]
fn statements_on_every_outcome_have_fitting_sources() {
    let g = guide::load().unwrap();
    let names = municipality_names();
    let mut problems = Vec::new();
    for b in profile::builtin() {
        for id in &g.outcome_legal {
            for problem in source_problems(g, id, &b.profile.id, &names) {
                problems.push(format!(
                    "{}: sources: {problem} (shown on every outcome)",
                    b.profile.id
                ));
            }
        }
    }
    // The warning box that opens an outcome without parent contact.
    let warning = &g.no_parent_warning.text.da;
    if !warning.contains("mistanken gælder") || !warning.contains("ommunen") {
        problems.push(format!(
            "the no-parent warning does not say to tell the suspected nothing and that the \
             municipality decides: {warning}"
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The model itself, on hand-written answers (so a slip in `expect` shows here, not only as
/// a flood of path failures).
#[test]
fn the_decision_table_on_known_cases() {
    fn answers(pairs: &[(&str, &[&str])]) -> Answers {
        pairs
            .iter()
            .map(|(k, v)| {
                let a = if matches!(*k, "topics" | "violence" | "digital" | "duty") {
                    Answer::Multi(v.iter().map(|s| s.to_string()).collect())
                } else {
                    Answer::Single(v[0].to_string())
                };
                (k.to_string(), a)
            })
            .collect()
    }
    let e = expect(&answers(&[
        ("acute", &["no"]),
        ("topics", &["seksuelle-overgreb"]),
        ("duty", &["none"]),
        ("suspect", &["close"]),
    ]));
    assert!(e.ground_four && e.duty && e.red && e.parents_excluded && e.images);
    assert_eq!(e.grounds, BTreeSet::from(["abuse".to_string()]));

    let e = expect(&answers(&[
        ("acute", &["no"]),
        ("topics", &["vold"]),
        ("violence", &["fight"]),
        ("duty", &["none"]),
    ]));
    assert!(e.fight_only && !e.duty && !e.red && !e.parents_excluded && !e.suspect_asked);

    let e = expect(&answers(&[
        ("acute", &["no"]),
        ("topics", &["omsorgssvigt"]),
        ("duty", &["none"]),
    ]));
    assert!(!e.ground_four && e.duty && e.red_parents_first);
    assert_eq!(e.grounds, BTreeSet::from(["support".to_string()]));

    let e = expect(&answers(&[
        ("acute", &["yes"]),
        ("acute_home", &["unknown"]),
    ]));
    assert!(e.acute && e.duty && e.parents_excluded && e.grounds.is_empty());
    let e = expect(&answers(&[("acute", &["yes"]), ("acute_home", &["no"])]));
    assert!(e.acute && !e.parents_excluded);

    let e = expect(&answers(&[
        ("acute", &["no"]),
        ("topics", &["digitale-kraenkelser"]),
        ("digital", &["grooming"]),
        ("duty", &["support"]),
        ("suspect", &["young"]),
    ]));
    assert!(e.ground_four && e.suspect_outside_family && !e.parents_excluded && e.images);
}

// ---------------------------------------------------------------------------------------------
// Mutations: the model must catch a guide that is wrong in these ways
// ---------------------------------------------------------------------------------------------

/// Runs the model over `paths` of the mutated guide `m` for one municipality and returns the
/// first few problems (with the path's compact answers) that the unmutated guide does not have
/// on the same path: a data problem already present does not count as catching the mutation.
fn mutant_failures(m: &Guide, paths: &[Answers]) -> Vec<(String, String)> {
    let p = &profile::builtin()[0].profile;
    let (mut mutant, mut original) = (Memo::new(m, p), Memo::new(guide::load().unwrap(), p));
    let mut counts = [0; RULES];
    let mut out = Vec::new();
    for a in paths {
        let problems = compare_counted(&mut mutant, a, &mut counts);
        if problems.is_empty() {
            continue;
        }
        let before: BTreeSet<String> = compare_counted(&mut original, a, &mut counts)
            .iter()
            .map(|problem| kind(problem))
            .collect();
        for problem in problems {
            if !before.contains(&kind(&problem)) {
                let path = compact(a);
                out.push((path.clone(), format!("{}: {problem}: path {path}", p.id)));
            }
        }
        if out.len() >= 3 {
            break;
        }
    }
    out
}

fn assert_caught(what: &str, failures: &[(String, String)]) {
    assert!(!failures.is_empty(), "the model did not catch: {what}");
    let (path, first) = &failures[0];
    assert!(
        first.contains(path.as_str()) && path.contains("acute="),
        "the first failure does not name its path: {first}"
    );
    println!("caught ({what}): {first}");
}

#[test]
fn mutation_topic_no_longer_implies_abuse_is_caught() {
    let mut m = guide::load().unwrap().clone();
    let before = m.implied_grounds.len();
    m.implied_grounds.retain(|i| i.id != "topic-sexual-abuse");
    assert_eq!(
        m.implied_grounds.len(),
        before - 1,
        "no implied ground topic-sexual-abuse"
    );
    // The implied grounds decide which questions come next: walk the mutant's own paths.
    let paths = guide_support::all_paths(&m);
    assert_caught(
        "topic seksuelle-overgreb no longer implies ground (4)",
        &mutant_failures(&m, &paths),
    );
}

#[test]
fn mutation_police_on_every_violence_is_caught() {
    let mut m = guide::load().unwrap().clone();
    let t = m
        .plan
        .iter_mut()
        .find(|t| t.actor == Actor::Police)
        .expect("a police step template");
    t.when = serde_json::from_str(r#"{"topic_any":["vold"]}"#).unwrap();
    // The plan takes no part in the walk: the built-in guide's paths are the mutant's.
    assert_caught(
        "the police step fires on every vold",
        &mutant_failures(&m, builtin_paths()),
    );
    // And on the paths it is about: a fight between pupils and nothing else.
    let fights: Vec<Answers> = builtin_paths()
        .iter()
        .filter(|a| expect(a).fight_only)
        .cloned()
        .collect();
    let failures = mutant_failures(&m, &fights);
    assert!(
        failures.iter().any(|(_, msg)| msg.contains("fight-only: ")),
        "the fight-only rule did not catch it: {failures:?}"
    );
    println!("caught (police on a fight): {}", failures[0].1);
}

#[test]
fn mutation_parents_told_when_family_suspected_is_caught() {
    let mut m = guide::load().unwrap().clone();
    let t = m
        .plan
        .iter_mut()
        .find(|t| {
            t.actor == Actor::Parents
                && t.contacts_parents
                && t.text.da.starts_with("Tal med forældrene i dag")
        })
        .expect("the red parents-first template");
    t.when = serde_json::from_str(r#"{"level":"red"}"#).unwrap();
    assert_caught(
        "talk with the parents on every red path, also when a parent or close family is suspected",
        &mutant_failures(&m, builtin_paths()),
    );
}

/// `compare` is the plain entry point (one outcome); the runs above use the counted form.
#[test]
fn compare_reports_nothing_for_a_plain_green_concern() {
    let g = guide::load().unwrap();
    let p = &profile::builtin()[0].profile;
    let mut path = Answers::new();
    for (step, answer) in [
        ("acute", Answer::Single("no".into())),
        (
            "observation",
            Answer::Text(
                [("observed".to_string(), "Set og hørt".to_string())]
                    .into_iter()
                    .collect(),
            ),
        ),
        (
            "topics",
            Answer::Multi(BTreeSet::from(["trivsel".to_string()])),
        ),
        ("duration", Answer::Single("first".into())),
        ("impact", Answer::Single("little".into())),
        ("duty", Answer::Multi(BTreeSet::from(["none".to_string()]))),
        ("involve", Answer::Seen),
    ] {
        path.insert(step.to_string(), answer);
    }
    assert!(
        g.position(&path, Some(p)).complete,
        "not a complete path: {path:?}"
    );
    assert_eq!(compare(g, &path, p), Vec::<String>::new());
}
