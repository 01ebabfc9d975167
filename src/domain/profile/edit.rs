//! The profile editor's rules (issue 17): a new draft ([`blank`], [`copy_of`]), ids from names
//! ([`new_id`]), the structural changes a form makes ([`Edit`], [`apply`]), where an item is
//! named before the user removes it ([`places_naming_role`] …), and the import validator run on
//! the draft as it is ([`problems`]).
//!
//! A draft may be invalid at every step: nothing here repairs or refuses a profile for being
//! invalid. [`apply`] refuses only what cannot be done at all (an index past the end, a
//! reference to a role, level or topic that does not exist, a sixth level number); everything
//! else is for [`problems`] to report, with the paths the importer gives.
//!
//! Provenance of new items: the format has no mark for "written by the municipality itself";
//! `mapped: true` means *not stated by the source* (an editorial placement by SSP Handleguide),
//! which a municipality's own entry is not. So new items are not marked; their `source` names the
//! profile's first document, and a new draft's first document is the municipality's own
//! ([`OWN_DOCUMENT_ID`]): the profile itself is the source of what it states.

use super::cadence::Cadence;
use super::errors::{ErrorKind, ProfileError};
use super::types::{
    Body, BodyKind, ChannelRoute, Contact, Document, Function, Intervention, Level, Links,
    MappingModel, Member, Method, NotificationChannel, Partner, Profile, Role, Source,
    SparringDoor, Staircase, TargetAge, TextItem, FORMAT_VERSION, MAX_LEVEL_NUMBER,
};
use crate::domain::i18n::Lang;
use crate::domain::topics;

/// Id of the document a new draft names as the source of what the municipality writes itself.
pub const OWN_DOCUMENT_ID: &str = "egne-oplysninger";
/// Its title (profile content is in Danish, as the municipalities write it).
pub const OWN_DOCUMENT_TITLE: &str = "Kommunens egne oplysninger";
/// The id [`new_id`] gives a name with no letter or digit in it.
const FALLBACK_ID: &str = "ny";
/// Ids are at most this long (the format's id rule, `schema::is_id`).
const MAX_ID_LEN: usize = 40;

fn own_document() -> Document {
    Document {
        id: OWN_DOCUMENT_ID.into(),
        title: OWN_DOCUMENT_TITLE.into(),
        file: None,
        date: None,
        url: None,
    }
}

/// A new, empty draft: the current format, the municipality's own document, and empty lists.
/// It is not valid yet (no roles, no staircase, no door for sparring): [`problems`] says what
/// is missing.
pub fn blank(id: &str, name: &str) -> Profile {
    Profile {
        format_version: FORMAT_VERSION,
        id: id.into(),
        name: name.into(),
        documents: vec![own_document()],
        target_age: None,
        about: Vec::new(),
        policy_basis: Vec::new(),
        goals: Vec::new(),
        values: Vec::new(),
        success_criteria: Vec::new(),
        roles: Vec::new(),
        sparring_door: SparringDoor {
            role: String::new(),
            text: String::new(),
            source: source_in(OWN_DOCUMENT_ID),
            mapped: false,
            model: None,
        },
        bodies: Vec::new(),
        staircase: Staircase {
            levels: Vec::new(),
            interventions: Vec::new(),
        },
        methods: Vec::new(),
        partners: Vec::new(),
        links: Links::default(),
    }
}

/// A copy of `p` to edit, under a new id and name (a built-in is never edited in place: choose
/// `id` with [`new_id`] over every profile id on the device, `Library::choices`, so the copy
/// cannot take a built-in's id). Everything `p` says keeps its source and marks; the
/// municipality's own document is put first, so what the user adds names it as its source.
pub fn copy_of(p: &Profile, id: &str, name: &str) -> Profile {
    let mut copy = p.clone();
    copy.format_version = FORMAT_VERSION;
    copy.id = id.into();
    copy.name = name.into();
    if copy.document(OWN_DOCUMENT_ID).is_none() {
        copy.documents.insert(0, own_document());
    }
    copy
}

/// An id for `name` that passes the format's id rule (1–40 characters: `a–z`, digits, `-`) and
/// is not in `taken`: lower case, æ/ø/å as ae/oe/aa, every other run of characters a hyphen;
/// `-2`, `-3` … when taken; `ny` for a name with no letter or digit.
pub fn new_id(taken: &[&str], name: &str) -> String {
    let mut base = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        let spelled = match c {
            'a'..='z' | '0'..='9' => {
                base.push(c);
                continue;
            }
            'æ' | 'ä' => "ae",
            'ø' | 'ö' => "oe",
            'å' => "aa",
            'é' | 'è' | 'ê' | 'ë' => "e",
            'á' | 'à' | 'â' => "a",
            'í' | 'ì' | 'î' | 'ï' => "i",
            'ó' | 'ò' | 'ô' => "o",
            'ú' | 'ù' | 'û' | 'ü' => "u",
            'ß' => "ss",
            _ => "-",
        };
        if spelled != "-" || (!base.is_empty() && !base.ends_with('-')) {
            base.push_str(spelled);
        }
    }
    let base = fit(&base, MAX_ID_LEN);
    let base = if base.is_empty() { FALLBACK_ID } else { base };
    if !taken.contains(&base) {
        return base.to_string();
    }
    (2usize..)
        .map(|n| {
            let suffix = format!("-{n}");
            let stem = fit(base, MAX_ID_LEN.saturating_sub(suffix.len()));
            format!("{stem}{suffix}")
        })
        .find(|id| !taken.contains(&id.as_str()))
        .unwrap_or_default()
}

/// `s` (ASCII) cut to `max` bytes, without a trailing hyphen.
fn fit(s: &str, max: usize) -> &str {
    s.get(..max).unwrap_or(s).trim_end_matches('-')
}

/// One of the five lists of statements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextList {
    About,
    PolicyBasis,
    Goals,
    Values,
    SuccessCriteria,
}

impl TextList {
    pub const ALL: [TextList; 5] = [
        TextList::About,
        TextList::PolicyBasis,
        TextList::Goals,
        TextList::Values,
        TextList::SuccessCriteria,
    ];

    /// The list's key in the format (`$.goals`).
    pub fn key(self) -> &'static str {
        match self {
            TextList::About => "about",
            TextList::PolicyBasis => "policy_basis",
            TextList::Goals => "goals",
            TextList::Values => "values",
            TextList::SuccessCriteria => "success_criteria",
        }
    }

    pub fn items(self, p: &Profile) -> &Vec<TextItem> {
        match self {
            TextList::About => &p.about,
            TextList::PolicyBasis => &p.policy_basis,
            TextList::Goals => &p.goals,
            TextList::Values => &p.values,
            TextList::SuccessCriteria => &p.success_criteria,
        }
    }

    fn items_mut(self, p: &mut Profile) -> &mut Vec<TextItem> {
        match self {
            TextList::About => &mut p.about,
            TextList::PolicyBasis => &mut p.policy_basis,
            TextList::Goals => &mut p.goals,
            TextList::Values => &mut p.values,
            TextList::SuccessCriteria => &mut p.success_criteria,
        }
    }
}

/// A list of the profile that items are removed from and moved in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    Documents,
    Roles,
    Bodies,
    Levels,
    Interventions,
    Methods,
    Partners,
    /// The members of the body at this index of `bodies`.
    Members {
        body: usize,
    },
    Texts(TextList),
}

impl List {
    /// How many items the list has in `p` (0 for the members of a body that is not there).
    pub fn len(self, p: &Profile) -> usize {
        match self {
            List::Documents => p.documents.len(),
            List::Roles => p.roles.len(),
            List::Bodies => p.bodies.len(),
            List::Levels => p.staircase.levels.len(),
            List::Interventions => p.staircase.interventions.len(),
            List::Methods => p.methods.len(),
            List::Partners => p.partners.len(),
            List::Members { body } => p.bodies.get(body).map_or(0, |b| b.members.len()),
            List::Texts(t) => t.items(p).len(),
        }
    }
}

/// A new item, added at the end of its list. The name (title, text) is the item's first field
/// and gives its id; the other fields start empty, for the form to fill in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum New {
    Document {
        title: String,
    },
    Role {
        name: String,
    },
    Body {
        name: String,
        kind: BodyKind,
    },
    /// Numbered with the lowest number not taken (1–[`MAX_LEVEL_NUMBER`]).
    Level {
        title: String,
    },
    /// On the levels with these ids (empty: the form asks for one, [`problems`] says so).
    Intervention {
        name: String,
        levels: Vec<String>,
    },
    Method {
        name: String,
    },
    Partner {
        name: String,
    },
    /// A member, named in words as the format names members, of the body at this index.
    Member {
        body: usize,
        role: String,
    },
    Text {
        list: TextList,
        text: String,
    },
}

/// A structural change to a draft. Items in a list are named by their index (a draft may hold
/// two items with one id, or none); references by the id they store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    Add(New),
    /// Removes the item; references to it are left as they are (see [`places_naming_role`]).
    Remove {
        list: List,
        index: usize,
    },
    /// Moves the item at `from` so that it is at `to` (one up: `to = from - 1`). Levels keep
    /// the numbers in their places: the moved level takes the number of the place it moves to,
    /// so the staircase reads in the list's order.
    Move {
        list: List,
        from: usize,
        to: usize,
    },
    SetCadence {
        body: usize,
        cadence: Option<Cadence>,
    },
    /// The door for sparring is the role with this id.
    SetSparringDoor {
        role: String,
    },
    /// The intervention at this index sits on these levels (ids; repeats dropped).
    SetLevels {
        intervention: usize,
        levels: Vec<String>,
    },
    /// The intervention at this index addresses these topics (ids from the shared list).
    SetTopics {
        intervention: usize,
        topics: Vec<String>,
    },
    SetRoleFunctions {
        role: usize,
        functions: Vec<Function>,
    },
    SetBodyFunctions {
        body: usize,
        functions: Vec<Function>,
    },
    SetBodyKind {
        body: usize,
        kind: BodyKind,
    },
    /// What the role at this index can help with, one item a line (blank lines dropped).
    SetHelpsWith {
        role: usize,
        items: Vec<String>,
    },
    /// The body at this index sits under the body with this id (`None`: under none).
    SetParent {
        body: usize,
        parent: Option<String>,
    },
    /// The member is (or is not) the body's chair (formand).
    SetChair {
        body: usize,
        member: usize,
        chair: bool,
    },
    /// SSP's target ages (`None`: not stated). A new range names the first document.
    SetTargetAge {
        ages: Option<(u8, u8)>,
    },
    /// The item comes from the document with this id.
    SetSource {
        item: Item,
        document: String,
    },
    /// The item is (or is not) an editorial placement, not stated by its source (`mapped`,
    /// with the `editorial` model).
    SetMapped {
        item: Item,
        mapped: bool,
    },
}

/// What a reference names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Role,
    Level,
    Topic,
    Body,
    Document,
}

/// Why [`apply`] changed nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// No item at `index` in a list of `len`.
    OutOfRange { index: usize, len: usize },
    /// No role, level or topic has this id.
    Unknown { kind: Kind, id: String },
    /// Every level number (1–[`MAX_LEVEL_NUMBER`]) is taken.
    NoFreeLevelNumber,
    /// The item is not in the draft (no target ages, no notification route) or has no such
    /// field (a partner has no "mapped" mark).
    Absent,
}

impl Refused {
    pub fn reason(&self, lang: Lang) -> String {
        let da = lang == Lang::Da;
        match self {
            Refused::OutOfRange { index, len } if da => {
                format!("der er ingen nr. {} (listen har {len})", index + 1)
            }
            Refused::OutOfRange { index, len } => {
                format!("there is no number {} (the list has {len})", index + 1)
            }
            Refused::Unknown { kind, id } => {
                let what = match (kind, da) {
                    (Kind::Role, true) => "ingen rolle",
                    (Kind::Role, false) => "no role",
                    (Kind::Level, true) => "intet trin",
                    (Kind::Level, false) => "no level",
                    (Kind::Topic, true) => "intet emne",
                    (Kind::Topic, false) => "no topic",
                    (Kind::Body, true) => "intet organ",
                    (Kind::Body, false) => "no body",
                    (Kind::Document, true) => "intet kildedokument",
                    (Kind::Document, false) => "no source document",
                };
                if da {
                    format!("der er {what} med id \"{id}\"")
                } else {
                    format!("there is {what} with the id \"{id}\"")
                }
            }
            Refused::NoFreeLevelNumber if da => {
                format!("indsatstrappen har allerede trin 1–{MAX_LEVEL_NUMBER}")
            }
            Refused::NoFreeLevelNumber => {
                format!("the staircase already has levels 1–{MAX_LEVEL_NUMBER}")
            }
            Refused::Absent if da => "det felt findes ikke her endnu".into(),
            Refused::Absent => "that field is not there yet".into(),
        }
    }
}

/// Applies `e` to the draft, or refuses and changes nothing.
pub fn apply(p: &mut Profile, e: Edit) -> Result<(), Refused> {
    match e {
        Edit::Add(new) => add(p, new),
        Edit::Remove { list, index } => match list {
            List::Documents => remove_at(&mut p.documents, index),
            List::Roles => remove_at(&mut p.roles, index),
            List::Bodies => remove_at(&mut p.bodies, index),
            List::Levels => remove_at(&mut p.staircase.levels, index),
            List::Interventions => remove_at(&mut p.staircase.interventions, index),
            List::Methods => remove_at(&mut p.methods, index),
            List::Partners => remove_at(&mut p.partners, index),
            List::Members { body } => remove_at(&mut at(&mut p.bodies, body)?.members, index),
            List::Texts(t) => remove_at(t.items_mut(p), index),
        },
        Edit::Move { list, from, to } => match list {
            List::Documents => shift(&mut p.documents, from, to),
            List::Roles => shift(&mut p.roles, from, to),
            List::Bodies => shift(&mut p.bodies, from, to),
            List::Levels => {
                let levels = &mut p.staircase.levels;
                let numbers: Vec<u8> = levels.iter().map(|l| l.number).collect();
                shift(levels, from, to)?;
                for (level, number) in levels.iter_mut().zip(numbers) {
                    level.number = number;
                }
                Ok(())
            }
            List::Interventions => shift(&mut p.staircase.interventions, from, to),
            List::Methods => shift(&mut p.methods, from, to),
            List::Partners => shift(&mut p.partners, from, to),
            List::Members { body } => shift(&mut at(&mut p.bodies, body)?.members, from, to),
            List::Texts(t) => shift(t.items_mut(p), from, to),
        },
        Edit::SetCadence { body, cadence } => {
            at(&mut p.bodies, body)?.cadence = cadence;
            Ok(())
        }
        Edit::SetSparringDoor { role } => {
            if p.role(&role).is_none() {
                return Err(Refused::Unknown {
                    kind: Kind::Role,
                    id: role,
                });
            }
            p.sparring_door.role = role;
            Ok(())
        }
        Edit::SetLevels {
            intervention,
            levels,
        } => {
            let levels = known_levels(p, levels)?;
            at(&mut p.staircase.interventions, intervention)?.levels = levels;
            Ok(())
        }
        Edit::SetTopics {
            intervention,
            topics,
        } => {
            let topics = known(topics, Kind::Topic, |t| {
                topics::all().iter().any(|known| known.id == t)
            })?;
            at(&mut p.staircase.interventions, intervention)?.topics = topics;
            Ok(())
        }
        Edit::SetRoleFunctions { role, functions } => {
            at(&mut p.roles, role)?.functions = without_repeats(functions);
            Ok(())
        }
        Edit::SetBodyFunctions { body, functions } => {
            at(&mut p.bodies, body)?.functions = without_repeats(functions);
            Ok(())
        }
        Edit::SetBodyKind { body, kind } => {
            at(&mut p.bodies, body)?.kind = kind;
            Ok(())
        }
        Edit::SetHelpsWith { role, items } => {
            at(&mut p.roles, role)?.helps_with = items
                .into_iter()
                .filter(|item| !item.trim().is_empty())
                .collect();
            Ok(())
        }
        Edit::SetParent { body, parent } => {
            if let Some(id) = &parent {
                if p.body(id).is_none() {
                    return Err(Refused::Unknown {
                        kind: Kind::Body,
                        id: id.clone(),
                    });
                }
            }
            let body = at(&mut p.bodies, body)?;
            if parent.is_none() {
                body.parent_mapped = false;
            }
            body.parent = parent;
            Ok(())
        }
        Edit::SetChair {
            body,
            member,
            chair,
        } => {
            at(&mut at(&mut p.bodies, body)?.members, member)?.chair = chair;
            Ok(())
        }
        Edit::SetTargetAge { ages } => {
            p.target_age = match (ages, p.target_age.take()) {
                (None, _) => None,
                (Some((from, to)), Some(kept)) => Some(TargetAge { from, to, ..kept }),
                (Some((from, to)), None) => Some(TargetAge {
                    from,
                    to,
                    focus: None,
                    source: first_source(p),
                    mapped: false,
                    model: None,
                }),
            };
            Ok(())
        }
        Edit::SetSource { item, document } => {
            if p.document(&document).is_none() {
                return Err(Refused::Unknown {
                    kind: Kind::Document,
                    id: document,
                });
            }
            item.get_mut(p)?.parts().0.document = document;
            Ok(())
        }
        Edit::SetMapped { item, mapped } => {
            let (_, mark) = item.get_mut(p)?.parts();
            let (is_mapped, model) = mark.ok_or(Refused::Absent)?;
            *is_mapped = mapped;
            *model = mapped.then_some(MappingModel::Editorial);
            Ok(())
        }
    }
}

/// The source a new item names: the profile's first document.
fn first_source(p: &Profile) -> Source {
    source_in(p.documents.first().map_or(OWN_DOCUMENT_ID, |d| &d.id))
}

/// An item that carries a source and (all but partners) the "mapped" mark: what the editor's
/// source fields ("Kilde") are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    Door,
    TargetAge,
    /// The notification route (a bare web address has no source: giving it a route's text
    /// makes it a route).
    Channel,
    Role(usize),
    Body(usize),
    Level(usize),
    Intervention(usize),
    Method(usize),
    Partner(usize),
    Text(TextList, usize),
}

/// The source and mark of one kind of item.
pub trait Sourced {
    fn source(&self) -> &Source;
    /// `None` for an item with no "mapped" mark.
    fn mapped(&self) -> Option<bool>;
    fn parts(&mut self) -> SourceParts<'_>;
}

/// An item's source, and its mark and model when it has them.
pub type SourceParts<'a> = (
    &'a mut Source,
    Option<(&'a mut bool, &'a mut Option<MappingModel>)>,
);

macro_rules! sourced {
    ($($t:ty),*) => {$(
        impl Sourced for $t {
            fn source(&self) -> &Source {
                &self.source
            }
            fn mapped(&self) -> Option<bool> {
                Some(self.mapped)
            }
            fn parts(&mut self) -> SourceParts<'_> {
                (&mut self.source, Some((&mut self.mapped, &mut self.model)))
            }
        }
    )*};
}
sourced!(
    SparringDoor,
    TargetAge,
    ChannelRoute,
    Role,
    Body,
    Level,
    Intervention,
    Method,
    TextItem
);

impl Sourced for Partner {
    fn source(&self) -> &Source {
        &self.source
    }
    fn mapped(&self) -> Option<bool> {
        None
    }
    fn parts(&mut self) -> SourceParts<'_> {
        (&mut self.source, None)
    }
}

impl Item {
    /// The item in `p`, if it is there.
    pub fn get(self, p: &Profile) -> Option<&dyn Sourced> {
        Some(match self {
            Item::Door => &p.sparring_door,
            Item::TargetAge => p.target_age.as_ref()?,
            Item::Channel => match p.links.notification_channel.as_ref()? {
                NotificationChannel::Route(r) => r,
                NotificationChannel::Url(_) => return None,
            },
            Item::Role(i) => p.roles.get(i)?,
            Item::Body(i) => p.bodies.get(i)?,
            Item::Level(i) => p.staircase.levels.get(i)?,
            Item::Intervention(i) => p.staircase.interventions.get(i)?,
            Item::Method(i) => p.methods.get(i)?,
            Item::Partner(i) => p.partners.get(i)?,
            Item::Text(list, i) => list.items(p).get(i)?,
        })
    }

    fn get_mut(self, p: &mut Profile) -> Result<&mut dyn Sourced, Refused> {
        Ok(match self {
            Item::Door => &mut p.sparring_door,
            Item::TargetAge => p.target_age.as_mut().ok_or(Refused::Absent)?,
            Item::Channel => match p.links.notification_channel.as_mut() {
                Some(NotificationChannel::Route(r)) => r,
                _ => return Err(Refused::Absent),
            },
            Item::Role(i) => at(&mut p.roles, i)?,
            Item::Body(i) => at(&mut p.bodies, i)?,
            Item::Level(i) => at(&mut p.staircase.levels, i)?,
            Item::Intervention(i) => at(&mut p.staircase.interventions, i)?,
            Item::Method(i) => at(&mut p.methods, i)?,
            Item::Partner(i) => at(&mut p.partners, i)?,
            Item::Text(list, i) => at(list.items_mut(p), i)?,
        })
    }

    /// The importer's path of the item (`$.roles[1]`).
    pub fn path(self) -> String {
        match self {
            Item::Door => "$.sparring_door".into(),
            Item::TargetAge => "$.target_age".into(),
            Item::Channel => "$.links.notification_channel".into(),
            Item::Role(i) => format!("$.roles[{i}]"),
            Item::Body(i) => format!("$.bodies[{i}]"),
            Item::Level(i) => format!("$.staircase.levels[{i}]"),
            Item::Intervention(i) => format!("$.staircase.interventions[{i}]"),
            Item::Method(i) => format!("$.methods[{i}]"),
            Item::Partner(i) => format!("$.partners[{i}]"),
            Item::Text(list, i) => format!("$.{}[{i}]", list.key()),
        }
    }
}

fn add(p: &mut Profile, new: New) -> Result<(), Refused> {
    let source = first_source(p);
    match new {
        New::Document { title } => {
            let id = new_id(&ids(&p.documents, |d| &d.id), &title);
            p.documents.push(Document {
                id,
                title,
                file: None,
                date: None,
                url: None,
            });
        }
        New::Role { name } => {
            let id = new_id(&ids(&p.roles, |r| &r.id), &name);
            p.roles.push(Role {
                id,
                name,
                description: String::new(),
                helps_with: Vec::new(),
                functions: Vec::new(),
                contact: Contact::default(),
                source,
                mapped: false,
                model: None,
            });
        }
        New::Body { name, kind } => {
            let id = new_id(&ids(&p.bodies, |b| &b.id), &name);
            p.bodies.push(Body {
                id,
                name,
                kind,
                purpose: String::new(),
                members: Vec::new(),
                cadence: None,
                convener: None,
                parent: None,
                functions: Vec::new(),
                parent_mapped: false,
                source,
                mapped: false,
                model: None,
            });
        }
        New::Level { title } => {
            let levels = &p.staircase.levels;
            let number = (1..=MAX_LEVEL_NUMBER)
                .find(|n| levels.iter().all(|l| l.number != *n))
                .ok_or(Refused::NoFreeLevelNumber)?;
            let id = new_id(&ids(levels, |l| &l.id), &title);
            p.staircase.levels.push(Level {
                id,
                number,
                title,
                goal: String::new(),
                source,
                mapped: false,
                model: None,
            });
        }
        New::Intervention { name, levels } => {
            let levels = known_levels(p, levels)?;
            let id = new_id(&ids(&p.staircase.interventions, |i| &i.id), &name);
            p.staircase.interventions.push(Intervention {
                id,
                name,
                description: None,
                target_group: None,
                levels,
                topics: Vec::new(),
                topics_mapped: false,
                action_plan: false,
                source,
                mapped: false,
                model: None,
            });
        }
        New::Method { name } => {
            let id = new_id(&ids(&p.methods, |m| &m.id), &name);
            p.methods.push(Method {
                id,
                name,
                description: String::new(),
                source,
                mapped: false,
                model: None,
            });
        }
        New::Partner { name } => p.partners.push(Partner {
            name,
            group: None,
            source,
        }),
        New::Member { body, role } => {
            at(&mut p.bodies, body)?
                .members
                .push(Member { role, chair: false });
        }
        New::Text { list, text } => list.items_mut(p).push(TextItem {
            text,
            source,
            mapped: false,
            model: None,
        }),
    }
    Ok(())
}

fn source_in(document: &str) -> Source {
    Source {
        document: document.into(),
        section: None,
        quote: None,
    }
}

fn ids<T>(items: &[T], id: fn(&T) -> &String) -> Vec<&str> {
    items.iter().map(|item| id(item).as_str()).collect()
}

fn at<T>(items: &mut [T], index: usize) -> Result<&mut T, Refused> {
    let len = items.len();
    items
        .get_mut(index)
        .ok_or(Refused::OutOfRange { index, len })
}

fn remove_at<T>(items: &mut Vec<T>, index: usize) -> Result<(), Refused> {
    at(items, index)?;
    items.remove(index);
    Ok(())
}

fn shift<T>(items: &mut [T], from: usize, to: usize) -> Result<(), Refused> {
    at(items, from)?;
    at(items, to)?;
    if from < to {
        items[from..=to].rotate_left(1);
    } else {
        items[to..=from].rotate_right(1);
    }
    Ok(())
}

/// `wanted` without repeats, or the first one `exists` does not know.
fn known(
    wanted: Vec<String>,
    kind: Kind,
    exists: impl Fn(&str) -> bool,
) -> Result<Vec<String>, Refused> {
    let mut out: Vec<String> = Vec::with_capacity(wanted.len());
    for id in wanted {
        if !exists(&id) {
            return Err(Refused::Unknown { kind, id });
        }
        if !out.contains(&id) {
            out.push(id);
        }
    }
    Ok(out)
}

fn known_levels(p: &Profile, levels: Vec<String>) -> Result<Vec<String>, Refused> {
    known(levels, Kind::Level, |l| p.level(l).is_some())
}

fn without_repeats(functions: Vec<Function>) -> Vec<Function> {
    let mut out = Vec::with_capacity(functions.len());
    for f in functions {
        if !out.contains(&f) {
            out.push(f);
        }
    }
    out
}

/// A place in the profile that names a role, level or body: what to show before the user
/// removes it. Indexes are into the profile as it is when the places are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The door for sparring is the role (by id: removing the role leaves it dangling).
    SparringDoor,
    /// A member of the body at `body` is the role, named in words (members are text in the
    /// format, so removing the role leaves a valid profile that names a role it no longer has).
    Member { body: usize, member: usize },
    /// The body at `body` is convened by the role, named in words.
    Convener { body: usize },
    /// The intervention at this index sits on the level (by id).
    Intervention { index: usize },
    /// The body at this index sits under the body (by id, `parent`).
    SubBody { index: usize },
}

impl Place {
    /// The place in a line, e.g. "Medlem af Lokalrådet: Lokal politileder".
    pub fn describe(&self, p: &Profile, lang: Lang) -> String {
        let da = lang == Lang::Da;
        let body = |i: usize| label(p.bodies.get(i).map(|b| (&b.name, &b.id)), lang);
        match *self {
            Place::SparringDoor if da => "Døren til sparring".into(),
            Place::SparringDoor => "The door for sparring".into(),
            Place::Member { body: b, member } => {
                let who = p
                    .bodies
                    .get(b)
                    .and_then(|x| x.members.get(member))
                    .map_or("", |m| m.role.as_str());
                if da {
                    format!("Medlem af {}: {who}", body(b))
                } else {
                    format!("Member of {}: {who}", body(b))
                }
            }
            Place::Convener { body: b } if da => format!("Indkalder til {}", body(b)),
            Place::Convener { body: b } => format!("Convenes {}", body(b)),
            Place::Intervention { index } => {
                let name = label(
                    p.staircase
                        .interventions
                        .get(index)
                        .map(|i| (&i.name, &i.id)),
                    lang,
                );
                if da {
                    format!("Indsatsen {name}")
                } else {
                    format!("The intervention {name}")
                }
            }
            Place::SubBody { index } if da => format!("{} ligger herunder", body(index)),
            Place::SubBody { index } => format!("{} sits under it", body(index)),
        }
    }
}

/// An item's name, or its id, or "(uden navn)".
fn label(item: Option<(&String, &String)>, lang: Lang) -> String {
    match item {
        Some((name, _)) if !name.trim().is_empty() => name.clone(),
        Some((_, id)) if !id.trim().is_empty() => id.clone(),
        _ if lang == Lang::Da => "(uden navn)".into(),
        _ => "(no name)".into(),
    }
}

/// Whether a text names the role called `name`: the name (letter case aside) is the whole text
/// or starts it, followed by something that is not a letter or digit ("Den kommunale
/// SSP-konsulent (mødeindkaldelse og dagsorden)").
fn names(text: &str, name: &str) -> bool {
    let (text, name) = (text.trim().to_lowercase(), name.trim().to_lowercase());
    !name.is_empty()
        && text
            .strip_prefix(&name)
            .is_some_and(|rest| rest.chars().next().is_none_or(|c| !c.is_alphanumeric()))
}

/// Every place that names the role with `role_id`: the door for sparring (by id), and members
/// and conveners of bodies that name it in words (by its name).
pub fn places_naming_role(p: &Profile, role_id: &str) -> Vec<Place> {
    let mut places = Vec::new();
    if p.sparring_door.role == role_id {
        places.push(Place::SparringDoor);
    }
    let name = p.role(role_id).map_or("", |r| r.name.as_str());
    for (b, body) in p.bodies.iter().enumerate() {
        for (m, member) in body.members.iter().enumerate() {
            if names(&member.role, name) {
                places.push(Place::Member { body: b, member: m });
            }
        }
        if body.convener.as_deref().is_some_and(|c| names(c, name)) {
            places.push(Place::Convener { body: b });
        }
    }
    places
}

/// Every intervention on the level with `level_id`.
pub fn places_naming_level(p: &Profile, level_id: &str) -> Vec<Place> {
    (p.staircase.interventions.iter().enumerate())
        .filter(|(_, i)| i.levels.iter().any(|l| l == level_id))
        .map(|(index, _)| Place::Intervention { index })
        .collect()
}

/// Every other body that sits under the body with `body_id`.
pub fn places_naming_body(p: &Profile, body_id: &str) -> Vec<Place> {
    (p.bodies.iter().enumerate())
        .filter(|(_, b)| b.parent.as_deref() == Some(body_id) && b.id != body_id)
        .map(|(index, _)| Place::SubBody { index })
        .collect()
}

/// A text field the editor's forms write, named as the importer's paths name it, so a problem
/// at `path()` is shown at its field. Fields the format makes optional are `None` when left
/// empty (the format refuses an empty text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextField {
    Name,
    DoorText,
    DocumentTitle(usize),
    DocumentDate(usize),
    DocumentUrl(usize),
    /// The focus within the target ages (only when ages are given).
    AgeFocus,
    RoleName(usize),
    RoleDescription(usize),
    RolePhone(usize),
    RoleEmail(usize),
    BodyName(usize),
    BodyPurpose(usize),
    BodyConvener(usize),
    /// A member of a body, named by role in words: `(body, member)`.
    MemberRole(usize, usize),
    LevelTitle(usize),
    LevelGoal(usize),
    InterventionName(usize),
    InterventionDescription(usize),
    InterventionTargetGroup(usize),
    MethodName(usize),
    MethodDescription(usize),
    PartnerName(usize),
    PartnerGroup(usize),
    Website,
    /// The notification route in words; with [`TextField::ChannelUrl`] it makes the route
    /// (both empty: no route).
    ChannelText,
    ChannelUrl,
    /// A statement of one of the five lists (a goal, a value …).
    Text(TextList, usize),
    /// The verbatim passage an item comes from.
    Quote(Item),
    /// The section of the document it is in.
    Section(Item),
}

/// Where a field's text is kept: a text the format requires, or an optional one.
enum Slot<'a> {
    Required(&'a mut String),
    Optional(&'a mut Option<String>),
}

impl TextField {
    /// The field's text in `p` (`""` for an optional field left empty); `None` when the item
    /// is not there.
    pub fn get(self, p: &Profile) -> Option<&str> {
        fn opt(o: &Option<String>) -> &str {
            o.as_deref().unwrap_or_default()
        }
        let level = |i: usize| p.staircase.levels.get(i);
        let intervention = |i: usize| p.staircase.interventions.get(i);
        let route = || match &p.links.notification_channel {
            Some(NotificationChannel::Route(r)) => Some(r),
            _ => None,
        };
        Some(match self {
            TextField::Name => &p.name,
            TextField::DoorText => &p.sparring_door.text,
            TextField::DocumentTitle(i) => &p.documents.get(i)?.title,
            TextField::DocumentDate(i) => opt(&p.documents.get(i)?.date),
            TextField::DocumentUrl(i) => opt(&p.documents.get(i)?.url),
            TextField::AgeFocus => opt(&p.target_age.as_ref()?.focus),
            TextField::RoleName(i) => &p.roles.get(i)?.name,
            TextField::RoleDescription(i) => &p.roles.get(i)?.description,
            TextField::RolePhone(i) => opt(&p.roles.get(i)?.contact.phone),
            TextField::RoleEmail(i) => opt(&p.roles.get(i)?.contact.email),
            TextField::BodyName(i) => &p.bodies.get(i)?.name,
            TextField::BodyPurpose(i) => &p.bodies.get(i)?.purpose,
            TextField::BodyConvener(i) => opt(&p.bodies.get(i)?.convener),
            TextField::MemberRole(b, m) => &p.bodies.get(b)?.members.get(m)?.role,
            TextField::LevelTitle(i) => &level(i)?.title,
            TextField::LevelGoal(i) => &level(i)?.goal,
            TextField::InterventionName(i) => &intervention(i)?.name,
            TextField::InterventionDescription(i) => opt(&intervention(i)?.description),
            TextField::InterventionTargetGroup(i) => opt(&intervention(i)?.target_group),
            TextField::MethodName(i) => &p.methods.get(i)?.name,
            TextField::MethodDescription(i) => &p.methods.get(i)?.description,
            TextField::PartnerName(i) => &p.partners.get(i)?.name,
            TextField::PartnerGroup(i) => opt(&p.partners.get(i)?.group),
            TextField::Website => opt(&p.links.website),
            TextField::ChannelText => route().map_or("", |r| opt(&r.text)),
            TextField::ChannelUrl => {
                p.links
                    .notification_channel
                    .as_ref()
                    .map_or("", |c| match c {
                        NotificationChannel::Url(u) => u,
                        NotificationChannel::Route(r) => opt(&r.url),
                    })
            }
            TextField::Text(list, i) => &list.items(p).get(i)?.text,
            TextField::Quote(item) => opt(&item.get(p)?.source().quote),
            TextField::Section(item) => opt(&item.get(p)?.source().section),
        })
    }

    /// Sets the field; an item that is not there is refused and nothing changes. An optional
    /// field set to blank text is left out.
    pub fn set(self, p: &mut Profile, text: String) -> Result<(), Refused> {
        if matches!(self, TextField::ChannelText | TextField::ChannelUrl) {
            return set_channel(p, self == TextField::ChannelText, text);
        }
        let slot = self.slot(p)?;
        match slot {
            Slot::Required(s) => *s = text,
            Slot::Optional(o) => *o = (!text.trim().is_empty()).then_some(text),
        }
        Ok(())
    }

    fn slot(self, p: &mut Profile) -> Result<Slot<'_>, Refused> {
        use Slot::{Optional as O, Required as R};
        fn source(item: Item, p: &mut Profile) -> Result<&mut Source, Refused> {
            Ok(item.get_mut(p)?.parts().0)
        }
        Ok(match self {
            TextField::Name => R(&mut p.name),
            TextField::DoorText => R(&mut p.sparring_door.text),
            TextField::DocumentTitle(i) => R(&mut at(&mut p.documents, i)?.title),
            TextField::DocumentDate(i) => O(&mut at(&mut p.documents, i)?.date),
            TextField::DocumentUrl(i) => O(&mut at(&mut p.documents, i)?.url),
            TextField::AgeFocus => O(&mut p.target_age.as_mut().ok_or(Refused::Absent)?.focus),
            TextField::RoleName(i) => R(&mut at(&mut p.roles, i)?.name),
            TextField::RoleDescription(i) => R(&mut at(&mut p.roles, i)?.description),
            TextField::RolePhone(i) => O(&mut at(&mut p.roles, i)?.contact.phone),
            TextField::RoleEmail(i) => O(&mut at(&mut p.roles, i)?.contact.email),
            TextField::BodyName(i) => R(&mut at(&mut p.bodies, i)?.name),
            TextField::BodyPurpose(i) => R(&mut at(&mut p.bodies, i)?.purpose),
            TextField::BodyConvener(i) => O(&mut at(&mut p.bodies, i)?.convener),
            TextField::MemberRole(b, m) => R(&mut at(&mut at(&mut p.bodies, b)?.members, m)?.role),
            TextField::LevelTitle(i) => R(&mut at(&mut p.staircase.levels, i)?.title),
            TextField::LevelGoal(i) => R(&mut at(&mut p.staircase.levels, i)?.goal),
            TextField::InterventionName(i) => R(&mut at(&mut p.staircase.interventions, i)?.name),
            TextField::InterventionDescription(i) => {
                O(&mut at(&mut p.staircase.interventions, i)?.description)
            }
            TextField::InterventionTargetGroup(i) => {
                O(&mut at(&mut p.staircase.interventions, i)?.target_group)
            }
            TextField::MethodName(i) => R(&mut at(&mut p.methods, i)?.name),
            TextField::MethodDescription(i) => R(&mut at(&mut p.methods, i)?.description),
            TextField::PartnerName(i) => R(&mut at(&mut p.partners, i)?.name),
            TextField::PartnerGroup(i) => O(&mut at(&mut p.partners, i)?.group),
            TextField::Website => O(&mut p.links.website),
            TextField::Text(list, i) => R(&mut at(list.items_mut(p), i)?.text),
            TextField::Quote(item) => O(&mut source(item, p)?.quote),
            TextField::Section(item) => O(&mut source(item, p)?.section),
            // Written by `set_channel`.
            TextField::ChannelText | TextField::ChannelUrl => return Err(Refused::Absent),
        })
    }

    /// The importer's path of the field (`$.roles[1].name`).
    pub fn path(self) -> String {
        let interventions = "$.staircase.interventions";
        match self {
            TextField::Name => "$.name".into(),
            TextField::DoorText => "$.sparring_door.text".into(),
            TextField::DocumentTitle(i) => format!("$.documents[{i}].title"),
            TextField::DocumentDate(i) => format!("$.documents[{i}].date"),
            TextField::DocumentUrl(i) => format!("$.documents[{i}].url"),
            TextField::AgeFocus => "$.target_age.focus".into(),
            TextField::RoleName(i) => format!("$.roles[{i}].name"),
            TextField::RoleDescription(i) => format!("$.roles[{i}].description"),
            TextField::RolePhone(i) => format!("$.roles[{i}].contact.phone"),
            TextField::RoleEmail(i) => format!("$.roles[{i}].contact.email"),
            TextField::BodyName(i) => format!("$.bodies[{i}].name"),
            TextField::BodyPurpose(i) => format!("$.bodies[{i}].purpose"),
            TextField::BodyConvener(i) => format!("$.bodies[{i}].convener"),
            TextField::MemberRole(b, m) => format!("$.bodies[{b}].members[{m}].role"),
            TextField::LevelTitle(i) => format!("$.staircase.levels[{i}].title"),
            TextField::LevelGoal(i) => format!("$.staircase.levels[{i}].goal"),
            TextField::InterventionName(i) => format!("{interventions}[{i}].name"),
            TextField::InterventionDescription(i) => format!("{interventions}[{i}].description"),
            TextField::InterventionTargetGroup(i) => format!("{interventions}[{i}].target_group"),
            TextField::MethodName(i) => format!("$.methods[{i}].name"),
            TextField::MethodDescription(i) => format!("$.methods[{i}].description"),
            TextField::PartnerName(i) => format!("$.partners[{i}].name"),
            TextField::PartnerGroup(i) => format!("$.partners[{i}].group"),
            TextField::Website => "$.links.website".into(),
            TextField::ChannelText => "$.links.notification_channel.text".into(),
            TextField::ChannelUrl => "$.links.notification_channel.url".into(),
            TextField::Text(list, i) => format!("$.{}[{i}].text", list.key()),
            TextField::Quote(item) => format!("{}.source.quote", item.path()),
            TextField::Section(item) => format!("{}.source.section", item.path()),
        }
    }

    /// Past this many characters the form says the text is long: a name or title is read in a
    /// list, a description on a tablet in the middle of a worry.
    pub fn long_after(self) -> usize {
        match self {
            TextField::Name
            | TextField::DocumentTitle(_)
            | TextField::RoleName(_)
            | TextField::BodyName(_)
            | TextField::MemberRole(..)
            | TextField::LevelTitle(_)
            | TextField::InterventionName(_)
            | TextField::MethodName(_)
            | TextField::PartnerName(_) => LONG_NAME,
            _ => LONG_TEXT,
        }
    }
}

/// A name or title longer than this is said to be long.
pub const LONG_NAME: usize = 80;
/// A description or statement longer than this is said to be long.
pub const LONG_TEXT: usize = 800;

/// Writes the notification route's words or address. A route with neither is no route; a bare
/// address given words becomes a route, sourced in the profile's first document.
fn set_channel(p: &mut Profile, words: bool, text: String) -> Result<(), Refused> {
    let value = (!text.trim().is_empty()).then_some(text);
    let mut route = match p.links.notification_channel.take() {
        Some(NotificationChannel::Route(r)) => r,
        Some(NotificationChannel::Url(url)) => ChannelRoute {
            url: Some(url),
            text: None,
            source: first_source(p),
            mapped: false,
            model: None,
        },
        None => ChannelRoute {
            url: None,
            text: None,
            source: first_source(p),
            mapped: false,
            model: None,
        },
    };
    if words {
        route.text = value;
    } else {
        route.url = value;
    }
    p.links.notification_channel =
        (route.url.is_some() || route.text.is_some()).then_some(NotificationChannel::Route(route));
    Ok(())
}

/// What the importer would say about the draft as it is: the schema and the semantic rules of
/// `profile::parse`, run on the draft's JSON, every error with its path
/// (`$.roles[1].name`), sorted by path. Empty when the draft would import as it is.
pub fn problems(p: &Profile) -> Vec<ProfileError> {
    // Through the text, as an export is, so the wasm needs no second serializer for profiles.
    let value = serde_json::to_string(p).and_then(|text| serde_json::from_str(&text));
    match value {
        Ok(value) => super::check(&value).err().unwrap_or_default(),
        Err(e) => vec![ProfileError::new(
            "$",
            ErrorKind::Internal {
                detail: e.to_string(),
            },
        )],
    }
}

#[cfg(test)]
mod tests {
    use super::super::schema::is_id;
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn new_id_spells_danish_letters_and_counts_up() {
        let cases = [
            ("Ungdomsskolen", "ungdomsskolen"),
            ("SSP-kontaktlærer på skolen", "ssp-kontaktlaerer-paa-skolen"),
            ("§115-møder", "115-moeder"),
            ("  Gård & Ø  ", "gaard-oe"),
            ("ÆBLE–Ålborg", "aeble-aalborg"),
            ("Café Müller", "cafe-muller"),
            ("Trin 1", "trin-1"),
            ("", "ny"),
            ("!!! ", "ny"),
            ("日本", "ny"),
        ];
        for (name, id) in cases {
            assert_eq!(new_id(&[], name), id, "{name:?}");
        }
        assert_eq!(new_id(&["ny"], ""), "ny-2");
        assert_eq!(new_id(&["trin-1", "trin-1-2"], "Trin 1"), "trin-1-3");
        let long = "Det tværgående netværk for forebyggelse i hele kommunen";
        let id = new_id(&[], long);
        assert_eq!(id, "det-tvaergaaende-netvaerk-for-forebyggel");
        assert_eq!(id.len(), 40);
        let again = new_id(&[id.as_str()], long);
        assert_eq!(again, "det-tvaergaaende-netvaerk-for-forebygg-2");
        // A cut that ends in a hyphen loses it.
        assert_eq!(
            new_id(&[], &format!("{} b", "a".repeat(39))),
            "a".repeat(39)
        );
    }

    proptest! {
        /// Any names, one after another, each get an id that passes the format's rule and is
        /// not taken by the ids given before.
        #[test]
        fn new_id_is_a_valid_id_and_never_taken(
            names in proptest::collection::vec(
                prop_oneof!["\\PC{0,50}", "[a-zæøå -]{0,45}", Just(String::new())],
                1..12,
            ),
        ) {
            let mut taken: Vec<String> = Vec::new();
            for name in &names {
                let refs: Vec<&str> = taken.iter().map(String::as_str).collect();
                let id = new_id(&refs, name);
                prop_assert!(is_id(&id), "{:?} gave {:?}", name, id);
                prop_assert!(!taken.contains(&id), "{:?} gave the taken {:?}", name, id);
                taken.push(id);
            }
        }
    }

    #[test]
    fn a_name_is_matched_whole_or_at_the_start_of_a_text() {
        assert!(names("SSP-konsulent", "ssp-konsulent "));
        assert!(names(
            "Den kommunale SSP-konsulent (mødeindkaldelse og dagsorden)",
            "Den kommunale SSP-konsulent"
        ));
        assert!(!names("SSP-konsulenterne", "SSP-konsulent"));
        assert!(!names("Politiet", "Politi"));
        assert!(!names("Skoleleder", ""));
    }

    #[test]
    fn moving_rotates_the_items_between_the_two_places() {
        let mut v = vec![0, 1, 2, 3];
        shift(&mut v, 0, 2).unwrap();
        assert_eq!(v, [1, 2, 0, 3]);
        shift(&mut v, 3, 1).unwrap();
        assert_eq!(v, [1, 3, 2, 0]);
        shift(&mut v, 2, 2).unwrap();
        assert_eq!(v, [1, 3, 2, 0]);
        assert_eq!(
            shift(&mut v, 1, 4),
            Err(Refused::OutOfRange { index: 4, len: 4 })
        );
        assert_eq!(v, [1, 3, 2, 0]);
    }
}
