//! Property: any valid profile, serialised and parsed again, is equal — so export and import
//! lose nothing, and the schema table and the Rust types agree on every field.

use proptest::prelude::*;
use ssp_handleguide::domain::profile::{
    self, Body, BodyKind, Cadence, ChannelRoute, Contact, Document, Function, Intervention, Level,
    Links, MappingModel, Member, Method, NotificationChannel, Partner, Profile, Role, Source,
    SparringDoor, Staircase, TargetAge, TextItem, Weekday,
};
use ssp_handleguide::domain::topics;

fn text() -> impl Strategy<Value = String> {
    "[A-Za-zæøåÆØÅ§][A-Za-zæøå0-9 .,–§]{0,24}"
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(text())
}

fn source() -> impl Strategy<Value = Source> {
    (opt_text(), opt_text()).prop_map(|(section, quote)| Source {
        document: "kilde".into(),
        section,
        quote,
    })
}

/// `mapped` and `model` always come together.
fn provenance() -> impl Strategy<Value = (bool, Option<MappingModel>)> {
    prop_oneof![
        Just((false, None)),
        Just((true, Some(MappingModel::DkrLevels))),
        Just((true, Some(MappingModel::Editorial))),
    ]
}

fn text_item() -> impl Strategy<Value = TextItem> {
    (text(), source(), provenance()).prop_map(|(text, source, (mapped, model))| TextItem {
        text,
        source,
        mapped,
        model,
    })
}

fn url() -> impl Strategy<Value = String> {
    "https://[a-z]{1,12}\\.example/[a-z0-9-]{0,16}"
}

/// Both forms: a bare address, or a route with an address, words or both, and its source.
fn notification_channel() -> impl Strategy<Value = Option<NotificationChannel>> {
    proptest::option::of(prop_oneof![
        url().prop_map(NotificationChannel::Url),
        (0u8..3, url(), text(), source(), provenance()).prop_map(
            |(which, url, text, source, (mapped, model))| {
                NotificationChannel::Route(ChannelRoute {
                    url: (which != 1).then_some(url),
                    text: (which != 0).then_some(text),
                    source,
                    mapped,
                    model,
                })
            }
        ),
    ])
}

fn weekday() -> impl Strategy<Value = Weekday> {
    prop_oneof![
        Just(Weekday::Monday),
        Just(Weekday::Tuesday),
        Just(Weekday::Wednesday),
        Just(Weekday::Thursday),
        Just(Weekday::Friday),
    ]
}

fn cadence() -> impl Strategy<Value = Option<Cadence>> {
    proptest::option::of(prop_oneof![
        (1u8..=52).prop_map(|times| Cadence::PerYear { times }),
        (1u8..=52).prop_map(|times| Cadence::AtLeastPerYear { times }),
        weekday().prop_map(|weekday| Cadence::Weekly { weekday }),
        weekday().prop_map(|weekday| Cadence::OnWeekday { weekday }),
        Just(Cadence::AsNeeded),
    ])
}

fn role(i: usize) -> impl Strategy<Value = Role> {
    (
        text(),
        text(),
        proptest::collection::vec(text(), 0..3),
        opt_text(),
        source(),
        provenance(),
    )
        .prop_map(
            move |(name, description, helps_with, note, source, (mapped, model))| Role {
                id: format!("rolle-{i}"),
                name,
                description,
                helps_with,
                functions: functions_for(i),
                contact: Contact {
                    note,
                    ..Contact::default()
                },
                source,
                mapped,
                model,
            },
        )
}

/// A varying, valid set of functions (every subset shape appears across indices).
fn functions_for(i: usize) -> Vec<Function> {
    // Every function but the leader, the last of `Function::ALL`.
    let all = &Function::ALL[..Function::ALL.len() - 1];
    all.iter()
        .enumerate()
        .filter(|(k, _)| (i >> (k % 3)) & 1 == 1)
        .map(|(_, f)| *f)
        .collect()
}

fn body(i: usize) -> impl Strategy<Value = Body> {
    let kinds = BodyKind::ALL.to_vec();
    (
        text(),
        proptest::sample::select(kinds),
        text(),
        proptest::collection::vec((text(), any::<bool>()), 0..3),
        cadence(),
        opt_text(),
        // The parent is an earlier body, so there are no cycles.
        proptest::option::of(0..i.max(1)),
        any::<bool>(),
        source(),
        provenance(),
    )
        .prop_map(
            move |(
                name,
                kind,
                purpose,
                members,
                cadence,
                convener,
                parent,
                parent_mapped,
                source,
                (mapped, model),
            )| Body {
                id: format!("organ-{i}"),
                name,
                kind,
                purpose,
                members: members
                    .into_iter()
                    .map(|(role, chair)| Member { role, chair })
                    .collect(),
                cadence,
                convener,
                parent: parent.filter(|_| i > 0).map(|p| format!("organ-{p}")),
                parent_mapped,
                functions: functions_for(i + 1),
                source,
                mapped,
                model,
            },
        )
}

fn staircase() -> impl Strategy<Value = Staircase> {
    (1usize..=4).prop_flat_map(|n_levels| {
        let levels = (0..n_levels)
            .map(|i| {
                (text(), text(), source(), provenance()).prop_map(
                    move |(title, goal, source, (mapped, model))| Level {
                        id: format!("niveau-{}", i + 1),
                        number: i as u8 + 1,
                        title,
                        goal,
                        source,
                        mapped,
                        model,
                    },
                )
            })
            .collect::<Vec<_>>();
        let topic_ids: Vec<String> = topics::all().iter().map(|t| t.id.clone()).collect();
        // At least one intervention per level, so no level is empty.
        let interventions = (0..n_levels + 3)
            .map(move |i| {
                let own = i % n_levels;
                (
                    text(),
                    opt_text(),
                    opt_text(),
                    proptest::collection::btree_set(0..n_levels, 0..n_levels),
                    proptest::sample::subsequence(topic_ids.clone(), 0..4),
                    any::<bool>(),
                    any::<bool>(),
                    source(),
                    provenance(),
                )
                    .prop_map(
                        move |(
                            name,
                            description,
                            target_group,
                            extra,
                            topics,
                            topics_mapped,
                            action_plan,
                            source,
                            (mapped, model),
                        )| {
                            let mut levels = vec![own];
                            levels.extend(extra.into_iter().filter(|l| *l != own));
                            Intervention {
                                id: format!("indsats-{i}"),
                                name,
                                description,
                                target_group,
                                levels: levels
                                    .into_iter()
                                    .map(|l| format!("niveau-{}", l + 1))
                                    .collect(),
                                topics,
                                topics_mapped,
                                action_plan,
                                source,
                                mapped,
                                model,
                            }
                        },
                    )
            })
            .collect::<Vec<_>>();
        (levels, interventions).prop_map(|(levels, interventions)| Staircase {
            levels,
            interventions,
        })
    })
}

fn any_profile() -> impl Strategy<Value = Profile> {
    (1usize..=3, 0usize..=4).prop_flat_map(|(n_roles, n_bodies)| {
        (
            text(),
            proptest::option::of((0u8..=15, 0u8..=15, opt_text(), source(), provenance())),
            proptest::collection::vec(text_item(), 0..3),
            proptest::collection::vec(text_item(), 0..3),
            (0..n_roles).map(role).collect::<Vec<_>>(),
            (0..n_roles, text(), source(), provenance()),
            (0..n_bodies).map(body).collect::<Vec<_>>(),
            staircase(),
            proptest::collection::vec((text(), text(), source(), provenance()), 0..3),
            proptest::collection::vec((text(), opt_text(), source()), 0..3),
            notification_channel(),
        )
            .prop_map(
                |(
                    name,
                    age,
                    goals,
                    values,
                    roles,
                    (door, door_text, door_source, door_prov),
                    bodies,
                    staircase,
                    methods,
                    partners,
                    channel,
                )| Profile {
                    format_version: profile::FORMAT_VERSION,
                    id: "egen-kommune".into(),
                    name,
                    documents: vec![Document {
                        id: "kilde".into(),
                        title: "Kilde".into(),
                        file: None,
                        date: None,
                        url: None,
                    }],
                    target_age: age.map(|(a, b, focus, source, (mapped, model))| TargetAge {
                        from: a.min(b),
                        to: a.max(b),
                        focus,
                        source,
                        mapped,
                        model,
                    }),
                    about: vec![],
                    policy_basis: vec![],
                    goals,
                    values,
                    success_criteria: vec![],
                    roles,
                    sparring_door: SparringDoor {
                        role: format!("rolle-{door}"),
                        text: door_text,
                        source: door_source,
                        mapped: door_prov.0,
                        model: door_prov.1,
                    },
                    bodies,
                    staircase,
                    methods: methods
                        .into_iter()
                        .enumerate()
                        .map(|(i, (name, description, source, (mapped, model)))| Method {
                            id: format!("metode-{i}"),
                            name,
                            description,
                            source,
                            mapped,
                            model,
                        })
                        .collect(),
                    partners: partners
                        .into_iter()
                        .map(|(name, group, source)| Partner {
                            name,
                            group,
                            source,
                        })
                        .collect(),
                    links: Links {
                        notification_channel: channel,
                        website: None,
                    },
                },
            )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn any_valid_profile_round_trips(p in any_profile()) {
        let json = p.to_json().unwrap();
        let again = profile::parse(&json).map_err(|e| TestCaseError::fail(format!("{e:#?}\n{json}")))?;
        prop_assert_eq!(again, p);
    }
}
