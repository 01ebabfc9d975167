//! The SSP consultant's overview: exact counts from seeded concerns, the filters, the month
//! strip, overdue at the boundary, the CSV (numbers only, nothing about a child), bar lengths,
//! and properties over random concerns.

use proptest::prelude::*;
use ssp_handleguide::domain::concern::{ActionItem, Concern};
use ssp_handleguide::domain::dates::Date;
use ssp_handleguide::domain::guide::engine::{Answer, Answers};
use ssp_handleguide::domain::guide::{self, Level};
use ssp_handleguide::domain::i18n::Lang;
use ssp_handleguide::domain::overview::{
    bar_lengths, overview, school_classes, staircase_step, to_csv, Count, Filter, Month, Overview,
    StaircaseStep,
};
use ssp_handleguide::domain::profile::library::Library;
use ssp_handleguide::domain::profile::Profile;
use ssp_handleguide::domain::topics;

// ---- dates ----

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days(y: i32, m: u32, d: u32) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

fn date(iso: &str) -> Date {
    let p: Vec<u32> = iso.split('-').map(|s| s.parse().unwrap()).collect();
    let d = Date {
        year: p[0] as i32,
        month: p[1],
        day: p[2],
    };
    assert_eq!(d.iso(), iso, "a valid test date");
    d
}

/// Noon UTC of an ISO date, in ms.
fn noon_ms(iso: &str) -> u64 {
    let d = date(iso);
    (days(d.year, d.month, d.day) as u64) * 86_400_000 + 43_200_000
}

const TODAY: &str = "2026-11-23";

fn today() -> Date {
    date(TODAY)
}

// ---- concerns ----

struct Seed {
    id: &'static str,
    child: &'static str,
    class: Option<&'static str>,
    profile: &'static str,
    created: &'static str,
    observed: &'static str,
    topics: &'static [&'static str],
    duration: &'static str,
    duty: &'static [&'static str],
    follow_up: &'static str,
    /// (by, done)
    items: &'static [(&'static str, bool)],
    closed: bool,
}

fn answers(s: &Seed) -> Answers {
    let mut a = Answers::new();
    a.insert("acute".into(), Answer::Single("no".into()));
    a.insert(
        "observation".into(),
        Answer::Text([("observed".to_string(), s.observed.to_string())].into()),
    );
    a.insert(
        "topics".into(),
        Answer::Multi(s.topics.iter().map(|t| t.to_string()).collect()),
    );
    a.insert("duration".into(), Answer::Single(s.duration.into()));
    a.insert("impact".into(), Answer::Single("little".into()));
    a.insert(
        "duty".into(),
        Answer::Multi(s.duty.iter().map(|t| t.to_string()).collect()),
    );
    if s.duty.contains(&"abuse") {
        a.insert("suspect".into(), Answer::Single("other-adult".into()));
    }
    a.insert("involve".into(), Answer::Seen);
    a
}

fn make(s: &Seed) -> Concern {
    let answers = answers(s);
    let (level, _) = guide::load().unwrap().level(&answers, None);
    let created = noon_ms(s.created);
    let mut c = Concern::new(
        s.id.into(),
        s.child,
        s.class.map(String::from),
        s.profile,
        answers,
        level,
        vec![],
        14,
        created,
        "SSP-konsulent",
    )
    .expect("a valid seed");
    // As stored, untrimmed (e.g. from an imported backup): the filter must still match it.
    c.school_class = s.class.map(String::from);
    c.follow_up = date(s.follow_up);
    c.action_plan = s
        .items
        .iter()
        .map(|&(by, done)| ActionItem {
            what: "Samtale med forældrene".into(),
            who: "Klasselærer".into(),
            by: date(by),
            done,
        })
        .collect();
    if s.closed {
        c.close("Trivslen er tilbage", created + 1, "SSP-konsulent")
            .unwrap();
    }
    c
}

const SEEDS: [Seed; 3] = [
    Seed {
        id: "3f1c9a20-0000-4000-8000-00000000000a",
        child: "ZQ",
        class: Some("7.b"),
        profile: "halsnaes",
        created: "2026-09-10",
        observed: "Sad alene i hvert frikvarter i tre uger",
        topics: &["mobning", "trivsel"],
        duration: "first",
        duty: &["none"],
        follow_up: "2026-11-22",
        items: &[
            ("2026-11-22", false),
            ("2026-11-23", false),
            ("2026-11-01", true),
        ],
        closed: false,
    },
    Seed {
        id: "3f1c9a20-0000-4000-8000-00000000000b",
        child: "Elev X9",
        class: Some(" 7.B "),
        profile: "halsnaes",
        created: "2026-11-05",
        observed: "Blå mærker på armen, fortalte om slag efter træning",
        topics: &["vold", "kriminalitet"],
        duration: "first",
        duty: &["abuse"],
        follow_up: "2026-11-23",
        items: &[("2026-11-20", true), ("2026-11-21", false)],
        closed: false,
    },
    Seed {
        id: "3f1c9a20-0000-4000-8000-00000000000c",
        child: "M.J.",
        class: Some("9.a"),
        profile: "ukendt-kommune",
        created: "2026-07-01",
        observed: "Meget fravær om mandagen siden sommerferien",
        topics: &["fravaer"],
        duration: "months",
        duty: &["none"],
        follow_up: "2026-10-01",
        items: &[("2026-09-01", false)],
        closed: true,
    },
];

fn seeded() -> Vec<Concern> {
    SEEDS.iter().map(make).collect()
}

fn builtin_profiles() -> Vec<Profile> {
    Library::default()
        .all()
        .iter()
        .map(|p| Profile::clone(p))
        .collect()
}

fn run(concerns: &[Concern], filter: &Filter) -> Overview {
    let profiles = builtin_profiles();
    let refs: Vec<&Profile> = profiles.iter().collect();
    overview(concerns, filter, today(), &refs)
}

fn topic_counts(o: &Overview) -> Vec<(&str, u32)> {
    o.by_topic
        .iter()
        .map(|c| (c.key.id.as_str(), c.count))
        .collect()
}

fn level_counts(o: &Overview) -> Vec<(Level, u32)> {
    o.by_level.iter().map(|c| (c.key, c.count)).collect()
}

fn staircase_counts(o: &Overview) -> Vec<(StaircaseStep, u32)> {
    o.by_staircase.iter().map(|c| (c.key, c.count)).collect()
}

fn month_counts(o: &Overview) -> Vec<(String, u32)> {
    o.by_month.iter().map(|c| (c.key.iso(), c.count)).collect()
}

fn summary(o: &Overview) -> [u32; 5] {
    [
        o.total,
        o.open,
        o.closed,
        o.overdue_follow_ups,
        o.overdue_items,
    ]
}

// ---- exact counts ----

#[test]
fn three_seeded_concerns_give_the_exact_counts_in_every_section() {
    let o = run(&seeded(), &Filter::default());
    // total, open, closed, overdue follow-ups (ZQ), overdue items (ZQ's 22nd, X9's 21st; not
    // the one due today, not the done ones, not the closed concern's).
    assert_eq!(summary(&o), [3, 2, 1, 1, 2]);
    assert_eq!(
        topic_counts(&o),
        [
            ("trivsel", 1),
            ("fravaer", 1),
            ("mobning", 1),
            ("misbrug", 0),
            ("vold", 1),
            ("kriminalitet", 1),
            ("digitale-kraenkelser", 0),
            ("radikalisering", 0),
            ("seksuelle-overgreb", 0),
            ("omsorgssvigt", 0),
        ]
    );
    assert_eq!(
        level_counts(&o),
        [(Level::Green, 1), (Level::Yellow, 1), (Level::Red, 1)]
    );
    // Green → step 1; red with violence → step 3 (Halsnæs has it); a profile not on this
    // device → not known.
    assert_eq!(
        staircase_counts(&o),
        [
            (StaircaseStep::Number(1), 1),
            (StaircaseStep::Number(2), 0),
            (StaircaseStep::Number(3), 1),
            (StaircaseStep::Unknown, 1),
        ]
    );
    assert_eq!(
        month_counts(&o),
        [
            ("2026-07".to_string(), 1),
            ("2026-08".to_string(), 0),
            ("2026-09".to_string(), 1),
            ("2026-10".to_string(), 0),
            ("2026-11".to_string(), 1),
        ]
    );
}

#[test]
fn topics_come_in_the_files_order_with_zeros() {
    let o = run(&[], &Filter::default());
    let ids: Vec<&str> = o.by_topic.iter().map(|c| c.key.id.as_str()).collect();
    let file: Vec<&str> = topics::all().iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, file);
    assert_eq!(ids.len(), 10);
    assert!(o.by_topic.iter().all(|c| c.count == 0));
    assert_eq!(summary(&o), [0; 5]);
    assert_eq!(level_counts(&o).len(), 3);
    assert!(o.by_month.is_empty(), "no concerns, no months");
    assert_eq!(
        o.by_staircase.last().map(|c| c.key),
        Some(StaircaseStep::Unknown)
    );
}

#[test]
fn the_staircase_step_is_the_one_the_outcome_gave_on_that_municipalitys_staircase() {
    let profiles = builtin_profiles();
    let all: Vec<&Profile> = profiles.iter().collect();
    let concerns = seeded();
    let steps: Vec<StaircaseStep> = concerns.iter().map(|c| staircase_step(c, &all)).collect();
    assert_eq!(
        steps,
        [
            StaircaseStep::Number(1),
            StaircaseStep::Number(3),
            StaircaseStep::Unknown
        ]
    );
    // The same red concern in Viborg, whose staircase has no step 3, sits on step 2 — as its
    // outcome said.
    let mut viborg = concerns[1].clone();
    viborg.profile = "viborg".into();
    assert_eq!(staircase_step(&viborg, &all), StaircaseStep::Number(2));
    let p = all.iter().find(|p| p.id == "viborg").unwrap();
    assert_eq!(
        guide::load()
            .unwrap()
            .outcome(&viborg.answers, p)
            .staircase_level,
        Some(2)
    );
    // Without the profiles, every step is not known, and the counts still add up.
    assert_eq!(staircase_step(&concerns[0], &[]), StaircaseStep::Unknown);
    let o = overview(&concerns, &Filter::default(), today(), &[]);
    assert_eq!(
        staircase_counts(&o),
        [
            (StaircaseStep::Number(1), 0),
            (StaircaseStep::Number(2), 0),
            (StaircaseStep::Number(3), 0),
            (StaircaseStep::Unknown, 3),
        ]
    );
}

// ---- filters ----

#[test]
fn the_class_filter_is_trimmed_and_case_insensitive() {
    let concerns = seeded();
    let class = |c: Option<&str>| Filter {
        school_class: c.map(String::from),
        ..Filter::default()
    };
    // (filter, total, open, closed)
    let cases: [(Option<&str>, u32, u32, u32); 7] = [
        (None, 3, 2, 1),
        (Some("7.b"), 2, 2, 0),
        (Some(" 7.B"), 2, 2, 0),
        (Some("9.A"), 1, 0, 1),
        (Some("8.c"), 0, 0, 0),
        (Some("7"), 0, 0, 0),
        (Some("   "), 3, 2, 1),
    ];
    for (f, total, open, closed) in cases {
        let o = run(&concerns, &class(f));
        assert_eq!((o.total, o.open, o.closed), (total, open, closed), "{f:?}");
    }
    let o = run(&concerns, &class(Some("7.B")));
    assert_eq!(
        level_counts(&o),
        [(Level::Green, 1), (Level::Yellow, 0), (Level::Red, 1)]
    );
    assert_eq!(
        month_counts(&o),
        [
            ("2026-09".to_string(), 1),
            ("2026-10".to_string(), 0),
            ("2026-11".to_string(), 1),
        ]
    );
    let o = run(&concerns, &class(Some("8.c")));
    assert!(o.by_month.is_empty());
    assert!(o.by_topic.iter().all(|c| c.count == 0));
}

#[test]
fn a_concern_without_a_class_is_counted_only_without_a_class_filter() {
    let mut c = seeded();
    c[0].school_class = None;
    let all = run(&c, &Filter::default());
    assert_eq!(all.total, 3);
    let f = Filter {
        school_class: Some("7.b".into()),
        ..Filter::default()
    };
    assert_eq!(run(&c, &f).total, 1);
}

#[test]
fn the_period_filter_is_inclusive_on_the_creation_date() {
    let concerns = seeded(); // created 2026-09-10, 2026-11-05, 2026-07-01
    let period = |from: Option<&str>, to: Option<&str>| Filter {
        school_class: None,
        from: from.map(date),
        to: to.map(date),
    };
    let cases: [(Option<&str>, Option<&str>, u32); 8] = [
        (None, None, 3),
        (Some("2026-09-01"), Some("2026-11-04"), 1),
        (Some("2026-09-10"), Some("2026-09-10"), 1),
        (Some("2026-09-11"), None, 1),
        (None, Some("2026-09-09"), 1),
        (Some("2026-11-05"), None, 1),
        (Some("2026-07-02"), Some("2026-09-09"), 0),
        (Some("2026-12-01"), Some("2026-01-01"), 0),
    ];
    for (from, to, total) in cases {
        assert_eq!(
            run(&concerns, &period(from, to)).total,
            total,
            "{from:?}–{to:?}"
        );
    }
    // Class and period together.
    let f = Filter {
        school_class: Some("7.b".into()),
        ..period(Some("2026-10-01"), None)
    };
    let o = run(&concerns, &f);
    assert_eq!(summary(&o), [1, 1, 0, 0, 1]);
    assert_eq!(month_counts(&o), [("2026-11".to_string(), 1)]);
}

#[test]
fn the_class_choices_are_distinct_trimmed_and_sorted() {
    let mut concerns = seeded();
    assert_eq!(school_classes(&concerns), ["7.B", "9.a"]);
    let first = concerns[0].clone();
    let extra = |id: &str, class: Option<&str>| {
        let mut c = first.clone();
        c.id = id.into();
        c.school_class = class.map(String::from);
        c
    };
    concerns.push(extra("x1", Some("10.a")));
    concerns.push(extra("x2", Some("  ")));
    concerns.push(extra("x3", None));
    concerns.push(extra("x4", Some("0.x")));
    concerns.push(extra("x5", Some("Modtageklassen")));
    assert_eq!(
        school_classes(&concerns),
        ["0.x", "7.B", "9.a", "10.a", "Modtageklassen"]
    );
    assert!(school_classes(&[]).is_empty());
}

// ---- months ----

#[test]
fn the_month_strip_has_no_gaps_even_over_new_year() {
    let base = &seeded()[0];
    let at = |iso: &str| {
        let mut c = base.clone();
        c.created_ms = noon_ms(iso);
        c
    };
    let concerns = vec![
        at("2027-02-28"),
        at("2026-11-30"),
        at("2026-11-01"),
        at("2027-02-01"),
    ];
    let o = run(&concerns, &Filter::default());
    assert_eq!(
        month_counts(&o),
        [
            ("2026-11".to_string(), 2),
            ("2026-12".to_string(), 0),
            ("2027-01".to_string(), 0),
            ("2027-02".to_string(), 2),
        ]
    );
    let one = run(&concerns[..1], &Filter::default());
    assert_eq!(month_counts(&one), [("2027-02".to_string(), 1)]);
    assert_eq!(
        Month {
            year: 2026,
            month: 11
        }
        .label(Lang::Da),
        "november 2026"
    );
}

// ---- overdue ----

#[test]
fn overdue_starts_the_day_after_the_date_and_never_on_a_closed_concern() {
    let base = &seeded()[0];
    // (follow-up, items (by, done), closed) → (overdue follow-ups, overdue items)
    type Case = (
        &'static str,
        &'static [(&'static str, bool)],
        bool,
        [u32; 2],
    );
    let cases: [Case; 9] = [
        ("2026-11-23", &[], false, [0, 0]),
        ("2026-11-22", &[], false, [1, 0]),
        ("2026-11-24", &[], false, [0, 0]),
        ("2026-12-30", &[("2026-11-23", false)], false, [0, 0]),
        ("2026-12-30", &[("2026-11-22", false)], false, [0, 1]),
        ("2026-12-30", &[("2026-11-22", true)], false, [0, 0]),
        (
            "2026-11-01",
            &[("2026-11-22", false), ("2025-01-01", false)],
            false,
            [1, 2],
        ),
        (
            "2026-11-01",
            &[("2026-11-22", false), ("2025-01-01", false)],
            true,
            [0, 0],
        ),
        ("2020-01-01", &[("2020-01-01", false)], true, [0, 0]),
    ];
    for (follow_up, items, closed, expected) in cases {
        let mut c = base.clone();
        c.follow_up = date(follow_up);
        c.action_plan = items
            .iter()
            .map(|&(by, done)| ActionItem {
                what: "Møde".into(),
                who: "SSP".into(),
                by: date(by),
                done,
            })
            .collect();
        if closed {
            c.close("Afsluttet", c.created_ms + 1, "SSP-konsulent")
                .unwrap();
        }
        let o = run(std::slice::from_ref(&c), &Filter::default());
        assert_eq!(
            [o.overdue_follow_ups, o.overdue_items],
            expected,
            "{follow_up} {items:?} closed={closed}"
        );
        // The overview agrees with the concern's own rule.
        assert_eq!(
            c.overdue(today()),
            expected != [0, 0],
            "{follow_up} {items:?} closed={closed}"
        );
    }
}

// ---- CSV ----

/// A small RFC 4180 reader: quoted fields, doubled quotes, CRLF line ends.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        match (quoted, ch) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "CR is followed by LF");
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => {
                assert_ne!(c, '\n', "a bare LF outside quotes");
                field.push(c);
            }
        }
    }
    assert!(
        field.is_empty() && row.is_empty(),
        "the last line ends in CRLF"
    );
    rows
}

/// (section, key, count) of every number in the overview, in the CSV's order.
fn expected_rows(o: &Overview) -> Vec<(String, String, u32)> {
    let mut rows = vec![];
    for (k, n) in [
        "total",
        "open",
        "closed",
        "overdue_follow_ups",
        "overdue_items",
    ]
    .iter()
    .zip(summary(o))
    {
        rows.push(("summary".to_string(), k.to_string(), n));
    }
    let mut section = |name: &str, counts: Vec<(String, u32)>| {
        for (k, n) in counts {
            rows.push((name.to_string(), k, n));
        }
    };
    section(
        "topic",
        o.by_topic
            .iter()
            .map(|c| (c.key.id.clone(), c.count))
            .collect(),
    );
    section(
        "level",
        o.by_level
            .iter()
            .map(|c| (format!("{:?}", c.key).to_lowercase(), c.count))
            .collect(),
    );
    section(
        "staircase",
        o.by_staircase
            .iter()
            .map(|c| (c.key.key(), c.count))
            .collect(),
    );
    section("month", month_counts(o));
    rows
}

fn parsed_rows(csv: &str) -> Vec<(String, String, u32)> {
    let rows = parse_csv(csv);
    assert_eq!(rows[0], ["section", "key", "label", "count"]);
    rows[1..]
        .iter()
        .map(|r| {
            assert_eq!(r.len(), 4, "{r:?}");
            assert!(!r[2].trim().is_empty(), "every row has a label: {r:?}");
            (r[0].clone(), r[1].clone(), r[3].parse().expect("a count"))
        })
        .collect()
}

#[test]
fn the_csv_holds_the_numbers_and_nothing_about_a_child() {
    let concerns = seeded();
    for filter in [
        Filter::default(),
        Filter {
            school_class: Some("7.b".into()),
            ..Filter::default()
        },
    ] {
        let o = run(&concerns, &filter);
        for lang in Lang::ALL {
            let csv = to_csv(&o, lang);
            for c in &concerns {
                let mut secrets = vec![c.child.clone(), c.id.clone()];
                secrets.extend(c.school_class.iter().map(|s| s.trim().to_string()));
                secrets.extend(c.observation("observed").map(String::from));
                secrets.extend(c.action_plan.iter().map(|a| a.what.clone()));
                secrets.extend(c.close_reason.clone());
                for s in secrets {
                    assert!(
                        !csv.to_lowercase().contains(&s.to_lowercase()),
                        "{lang:?} CSV leaks {s:?}:\n{csv}"
                    );
                }
            }
            assert_eq!(parsed_rows(&csv), expected_rows(&o), "{lang:?}");
        }
    }
}

#[test]
fn the_csv_labels_are_in_the_chosen_language() {
    let o = run(&seeded(), &Filter::default());
    let label = |lang: Lang, section: &str, key: &str| -> String {
        parse_csv(&to_csv(&o, lang))
            .into_iter()
            .find(|r| r[0] == section && r[1] == key)
            .map(|r| r[2].clone())
            .unwrap_or_else(|| panic!("{section}/{key}"))
    };
    let cases = [
        ("summary", "total", "Bekymringer i alt", "Concerns in total"),
        ("topic", "mobning", "Mobning", "Bullying"),
        (
            "topic",
            "radikalisering",
            "Radikalisering og ekstremisme",
            "Radicalisation and extremism",
        ),
        ("level", "red", "Rød", "Red"),
        ("staircase", "3", "Trin 3", "Step 3"),
        ("staircase", "unknown", "Trin ikke kendt", "Step not known"),
        ("month", "2026-08", "august 2026", "August 2026"),
    ];
    for (section, key, da, en) in cases {
        assert_eq!(label(Lang::Da, section, key), da);
        assert_eq!(label(Lang::En, section, key), en);
    }
}

// ---- bars ----

#[test]
fn bar_lengths_scale_to_the_largest() {
    let cases: [(&[u32], f64, &[f64]); 6] = [
        (&[0, 2, 4], 100.0, &[0.0, 50.0, 100.0]),
        (&[3, 3], 10.0, &[10.0, 10.0]),
        (&[0, 0, 0], 100.0, &[0.0, 0.0, 0.0]),
        (&[], 100.0, &[]),
        (&[1, 4], 0.0, &[0.0, 0.0]),
        (&[1, 4], f64::NAN, &[0.0, 0.0]),
    ];
    for (counts, max_len, expected) in cases {
        assert_eq!(
            bar_lengths(counts, max_len),
            expected,
            "{counts:?} {max_len}"
        );
    }
}

// ---- properties ----

const CLASSES: [&str; 5] = ["7.a", "7.A", " 7.b", "8.c", ""];

prop_compose! {
    fn concern()(
        n in 0u32..10_000,
        created_day in 0i64..900,
        class in proptest::sample::select(CLASSES.to_vec()),
        topics in proptest::sample::subsequence(
            topics::all().iter().map(|t| t.id.clone()).collect::<Vec<_>>(), 1..4),
        level in proptest::sample::select(Level::ALL.to_vec()),
        profile in proptest::sample::select(vec!["halsnaes", "viborg", "andet"]),
        follow_up_day in -60i64..60,
        items in proptest::collection::vec((-30i64..30, any::<bool>()), 0..4),
        closed in any::<bool>(),
    ) -> Concern {
        let base = days(2025, 1, 1);
        let on = |d: i64| Date::from_ms((d as u64) * 86_400_000);
        let mut c = make(&SEEDS[0]);
        c.id = format!("id-{n}");
        c.created_ms = ((base + created_day) as u64) * 86_400_000 + 3_600_000;
        c.school_class = Some(class.to_string()).filter(|s| !s.is_empty());
        c.topics = topics;
        c.level = level;
        c.profile = profile.to_string();
        let today = days(2026, 11, 23);
        c.follow_up = on(today + follow_up_day);
        c.action_plan = items
            .into_iter()
            .map(|(d, done)| ActionItem {
                what: "x".into(),
                who: "y".into(),
                by: on(today + d),
                done,
            })
            .collect();
        if closed {
            c.close("z", c.created_ms + 1, "SSP-konsulent").unwrap();
        }
        c
    }
}

prop_compose! {
    fn filter()(
        class in proptest::option::of(proptest::sample::select(CLASSES.to_vec())),
        from in proptest::option::of(0i64..900),
        len in proptest::option::of(0i64..400),
    ) -> Filter {
        let base = days(2025, 1, 1);
        let d = |n: i64| Date::from_ms(((base + n) as u64) * 86_400_000);
        Filter {
            school_class: class.map(String::from),
            from: from.map(d),
            to: len.map(|l| d(from.unwrap_or(0) + l)),
        }
    }
}

fn sum<K>(counts: &[Count<K>]) -> u32 {
    counts.iter().map(|c| c.count).sum()
}

proptest! {
    #[test]
    fn the_sections_add_up_to_the_filtered_total(
        concerns in proptest::collection::vec(concern(), 0..25),
        filter in filter(),
    ) {
        let o = run(&concerns, &filter);
        let filtered = concerns.iter().filter(|c| filter.matches(c)).count() as u32;
        prop_assert_eq!(o.total, filtered);
        prop_assert_eq!(o.open + o.closed, o.total);
        // Every concern has at least one topic (the guide asks for one), some several.
        prop_assert!(sum(&o.by_topic) >= o.total);
        prop_assert_eq!(o.by_topic.len(), 10);
        prop_assert_eq!(sum(&o.by_level), o.total);
        prop_assert_eq!(sum(&o.by_staircase), o.total);
        prop_assert_eq!(sum(&o.by_month), o.total);
        prop_assert!(o.overdue_follow_ups <= o.open);
        // Consecutive months, first and last non-empty.
        for w in o.by_month.windows(2) {
            prop_assert_eq!(w[0].key.next(), w[1].key);
        }
        if let (Some(first), Some(last)) = (o.by_month.first(), o.by_month.last()) {
            prop_assert!(first.count > 0 && last.count > 0);
        }
        // Overdue concerns, by the concern's own rule, are those with an overdue follow-up or
        // item.
        let chosen: Vec<&Concern> = concerns.iter().filter(|c| filter.matches(c)).collect();
        let t = today().iso();
        let own = chosen.iter().filter(|c| c.overdue(today())).count() as u32;
        let ours = chosen.iter().filter(|c| {
            let one = run(std::slice::from_ref(**c), &Filter::default());
            one.overdue_follow_ups + one.overdue_items > 0
        }).count() as u32;
        prop_assert_eq!(own, ours, "today {}", t);
        // The CSV reads back to the same numbers.
        prop_assert_eq!(parsed_rows(&to_csv(&o, Lang::Da)), expected_rows(&o));
    }

    #[test]
    fn bars_never_exceed_the_length_and_keep_the_order(
        counts in proptest::collection::vec(0u32..1000, 0..12),
        max_len in 1.0f64..500.0,
    ) {
        let bars = bar_lengths(&counts, max_len);
        prop_assert_eq!(bars.len(), counts.len());
        for (i, (&n, &b)) in counts.iter().zip(&bars).enumerate() {
            prop_assert!((0.0..=max_len).contains(&b));
            prop_assert_eq!(n == 0, b == 0.0);
            for (&m, &c) in counts.iter().zip(&bars).skip(i + 1) {
                prop_assert_eq!(n.cmp(&m), b.partial_cmp(&c).unwrap());
            }
        }
        if let Some(&max) = counts.iter().max() {
            if max > 0 {
                prop_assert!(bars.contains(&max_len));
            }
        }
    }
}
