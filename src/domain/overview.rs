//! The SSP consultant's overview of saved concerns: how many, how many open and closed, what is
//! overdue, and counts by topic, level, staircase step and month — for a school/class and a
//! period. Only numbers leave this module: [`to_csv`] writes the aggregates, never a pseudonym,
//! an observation, a class name or an id.
//!
//! "Today" comes in as an argument, and overdue means what it means on a concern
//! ([`Concern::overdue`]): a date before today, on an open concern.

use super::concern::{Concern, Status};
use super::dates::Date;
use super::guide::{self, Level};
use super::i18n::{texts, Lang};
use super::profile::Profile;
use super::topics::{self, Topic};
use std::cmp::Ordering;

/// Which concerns the overview counts. `None` (or a blank class) means "all".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Matched against the concern's school/class, trimmed and case-insensitive.
    pub school_class: Option<String>,
    /// First day of the period (inclusive), on the concern's creation date.
    pub from: Option<Date>,
    /// Last day of the period (inclusive), on the concern's creation date.
    pub to: Option<Date>,
}

impl Filter {
    /// The filter a form's fields describe: a class ("" for all) and two ISO dates ("" for
    /// open-ended). A date that cannot be read leaves that end of the period open.
    pub fn from_inputs(school_class: &str, from: &str, to: &str) -> Filter {
        Filter {
            school_class: Some(school_class.trim())
                .filter(|c| !c.is_empty())
                .map(str::to_string),
            from: Date::parse_iso(from),
            to: Date::parse_iso(to),
        }
    }

    /// Whether the period ends before it begins (then nothing is counted).
    pub fn is_reversed(&self) -> bool {
        matches!((self.from, self.to), (Some(from), Some(to)) if from > to)
    }

    /// Whether anything is filtered out at all.
    pub fn is_active(&self) -> bool {
        *self != Filter::from_inputs("", "", "")
    }

    pub fn matches(&self, concern: &Concern) -> bool {
        let class_ok = match self.school_class.as_deref().map(class_key) {
            None => true,
            Some(wanted) if wanted.is_empty() => true,
            Some(wanted) => concern.school_class.as_deref().map(class_key) == Some(wanted),
        };
        let created = created(concern);
        class_ok
            && self.from.is_none_or(|from| created >= from)
            && self.to.is_none_or(|to| created <= to)
    }
}

fn class_key(class: &str) -> String {
    class.trim().to_lowercase()
}

/// The (UTC) date a concern was created, as `Concern::new` dates its follow-up.
fn created(concern: &Concern) -> Date {
    Date::from_ms(concern.created_ms)
}

/// The distinct school/class values among `concerns`, for the filter's choices: trimmed, blanks
/// left out, spellings that differ only in case given once (the one that sorts first, "7.B"
/// before "7.b"), in natural order ("7.b" before "10.a").
pub fn school_classes(concerns: &[Concern]) -> Vec<String> {
    let mut classes: Vec<String> = concerns
        .iter()
        .filter_map(|c| c.school_class.as_deref())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    classes.sort_by(|a, b| natural_cmp(a, b).then_with(|| a.cmp(b)));
    classes.dedup_by(|a, b| class_key(a) == class_key(b));
    classes
}

/// Compares runs of digits by their value and the rest case-insensitively.
fn natural_cmp(a: &str, b: &str) -> Ordering {
    fn runs(s: &str) -> Vec<(bool, String)> {
        let mut out: Vec<(bool, String)> = Vec::new();
        for ch in s.chars() {
            let digit = ch.is_ascii_digit();
            match out.last_mut() {
                Some((d, run)) if *d == digit => run.push(ch),
                _ => out.push((digit, ch.to_string())),
            }
        }
        out
    }
    let (ra, rb) = (runs(a), runs(b));
    for ((da, sa), (db, sb)) in ra.iter().zip(&rb) {
        let ord = if *da && *db {
            let (ta, tb) = (sa.trim_start_matches('0'), sb.trim_start_matches('0'));
            ta.len().cmp(&tb.len()).then_with(|| ta.cmp(tb))
        } else {
            sa.to_lowercase().cmp(&sb.to_lowercase())
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    ra.len().cmp(&rb.len())
}

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    /// 1–12.
    pub month: u32,
}

impl Month {
    pub fn of(date: Date) -> Month {
        Month {
            year: date.year,
            month: date.month,
        }
    }

    pub fn next(self) -> Month {
        if self.month >= 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// YYYY-MM.
    pub fn iso(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }

    /// "november 2026" / "November 2026".
    pub fn label(self, lang: Lang) -> String {
        let name = (self.month.checked_sub(1))
            .and_then(|i| texts(lang).month_names.split('|').nth(i as usize));
        match name {
            Some(name) => format!("{name} {}", self.year),
            None => self.iso(),
        }
    }
}

/// Where a concern sits on the municipality's staircase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StaircaseStep {
    /// The number of the profile's staircase level.
    Number(u8),
    /// The concern's profile is not among those given (or the guide could not be read).
    Unknown,
}

impl StaircaseStep {
    /// The CSV key: the number, or `unknown`.
    pub fn key(self) -> String {
        match self {
            StaircaseStep::Number(n) => n.to_string(),
            StaircaseStep::Unknown => "unknown".to_string(),
        }
    }

    /// "Trin 2" / "Step 2", or "not known".
    pub fn label(self, lang: Lang) -> String {
        let t = texts(lang);
        match self {
            StaircaseStep::Number(n) => format!("{} {n}", t.level_label),
            StaircaseStep::Unknown => t.overview_staircase_unknown.to_string(),
        }
    }
}

/// A concern does not store its staircase step; it is worked out as the outcome worked it out
/// when the concern was saved: the guide's staircase rules on the stored answers, placed on the
/// staircase of the profile the concern names. `Unknown` when that profile is not in `profiles`.
pub fn staircase_step(concern: &Concern, profiles: &[&Profile]) -> StaircaseStep {
    let Some(profile) = profiles.iter().find(|p| p.id == concern.profile) else {
        return StaircaseStep::Unknown;
    };
    guide::load()
        .ok()
        .and_then(|g| g.outcome(&concern.answers, profile).staircase_level)
        .map_or(StaircaseStep::Unknown, StaircaseStep::Number)
}

/// One bar of a chart: what, and how many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count<K> {
    pub key: K,
    pub count: u32,
}

/// The numbers for the concerns a [`Filter`] lets through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overview {
    pub total: u32,
    pub open: u32,
    pub closed: u32,
    /// Open concerns whose follow-up date is before today.
    pub overdue_follow_ups: u32,
    /// Action items not done whose date is before today, on open concerns.
    pub overdue_items: u32,
    /// Every topic of `data/topics.json`, in its order, zeros included. A concern counts once
    /// for each of its topics, so the sum may exceed `total`.
    pub by_topic: Vec<Count<&'static Topic>>,
    /// Green, yellow, red, zeros included; sums to `total`.
    pub by_level: Vec<Count<Level>>,
    /// Steps 1 up to the highest the guide's rules or the concerns reach, then `Unknown`; zeros
    /// included; sums to `total`.
    pub by_staircase: Vec<Count<StaircaseStep>>,
    /// Every month from the first to the last concern's creation month, zeros in between; empty
    /// when no concern is counted; sums to `total`.
    pub by_month: Vec<Count<Month>>,
}

/// The overview of `concerns` that `filter` lets through, on `today`. `profiles` are those the
/// staircase steps are read from (e.g. `Library::all()`).
pub fn overview(
    concerns: &[Concern],
    filter: &Filter,
    today: Date,
    profiles: &[&Profile],
) -> Overview {
    let chosen: Vec<&Concern> = concerns.iter().filter(|c| filter.matches(c)).collect();
    let open: Vec<&&Concern> = chosen.iter().filter(|c| c.status == Status::Open).collect();

    let by_topic = topics::all()
        .iter()
        .map(|topic| Count {
            key: topic,
            count: count(chosen.iter().filter(|c| c.topics.contains(&topic.id))),
        })
        .collect();

    let by_level = Level::ALL
        .iter()
        .map(|&level| Count {
            key: level,
            count: count(chosen.iter().filter(|c| c.level == level)),
        })
        .collect();

    let steps: Vec<StaircaseStep> = chosen.iter().map(|c| staircase_step(c, profiles)).collect();
    let highest = guide::load()
        .ok()
        .and_then(|g| g.staircase.iter().map(|r| r.level).max())
        .into_iter()
        .chain(steps.iter().filter_map(|s| match s {
            StaircaseStep::Number(n) => Some(*n),
            StaircaseStep::Unknown => None,
        }))
        .max()
        .unwrap_or(0);
    let by_staircase = (1..=highest)
        .map(StaircaseStep::Number)
        .chain([StaircaseStep::Unknown])
        .map(|step| Count {
            key: step,
            count: count(steps.iter().filter(|s| **s == step)),
        })
        .collect();

    let months: Vec<Month> = chosen.iter().map(|c| Month::of(created(c))).collect();
    let mut by_month = Vec::new();
    if let (Some(&first), Some(&last)) = (months.iter().min(), months.iter().max()) {
        let mut m = first;
        while m <= last {
            by_month.push(Count {
                key: m,
                count: count(months.iter().filter(|x| **x == m)),
            });
            m = m.next();
        }
    }

    Overview {
        total: count(chosen.iter()),
        open: count(open.iter()),
        closed: count(chosen.iter().filter(|c| c.status == Status::Closed)),
        overdue_follow_ups: count(open.iter().filter(|c| c.follow_up < today)),
        overdue_items: count(
            open.iter()
                .flat_map(|c| c.action_plan.iter())
                .filter(|a| !a.done && a.by < today),
        ),
        by_topic,
        by_level,
        by_staircase,
        by_month,
    }
}

fn count<T>(items: impl Iterator<Item = T>) -> u32 {
    u32::try_from(items.count()).unwrap_or(u32::MAX)
}

/// The name of a level in `lang` ("Grøn"), from the guide data.
pub fn level_label(level: Level, lang: Lang) -> String {
    guide::load()
        .ok()
        .and_then(|g| g.level_texts.get(&level))
        .map(|t| t.name.get(lang).to_string())
        .unwrap_or_else(|| level_key(level).to_string())
}

fn level_key(level: Level) -> &'static str {
    match level {
        Level::Green => "green",
        Level::Yellow => "yellow",
        Level::Red => "red",
    }
}

/// The overview's numbers as CSV (RFC 4180: CRLF line ends, quoted where needed), one row per
/// number: `section,key,label,count`. Sections: `summary`, `topic`, `level`, `staircase`,
/// `month`. Keys are stable ids; labels are in `lang`. Nothing about a single concern is in it.
pub fn to_csv(overview: &Overview, lang: Lang) -> String {
    let t = texts(lang);
    let mut rows: Vec<[String; 4]> = vec![["section", "key", "label", "count"].map(String::from)];
    let mut row = |section: &str, key: &str, label: &str, count: u32| {
        rows.push([
            section.to_string(),
            key.to_string(),
            label.to_string(),
            count.to_string(),
        ]);
    };
    for (key, label, n) in [
        ("total", t.overview_total, overview.total),
        ("open", t.overview_open, overview.open),
        ("closed", t.overview_closed, overview.closed),
        (
            "overdue_follow_ups",
            t.overview_overdue_follow_ups,
            overview.overdue_follow_ups,
        ),
        (
            "overdue_items",
            t.overview_overdue_items,
            overview.overdue_items,
        ),
    ] {
        row("summary", key, label, n);
    }
    for c in &overview.by_topic {
        row("topic", &c.key.id, c.key.label(lang), c.count);
    }
    for c in &overview.by_level {
        row(
            "level",
            level_key(c.key),
            &level_label(c.key, lang),
            c.count,
        );
    }
    for c in &overview.by_staircase {
        row("staircase", &c.key.key(), &c.key.label(lang), c.count);
    }
    for c in &overview.by_month {
        row("month", &c.key.iso(), &c.key.label(lang), c.count);
    }
    rows.iter()
        .map(|r| r.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(",") + "\r\n")
        .collect()
}

/// [`to_csv`] as a file for a spreadsheet: the same text after a UTF-8 byte order mark. Excel
/// on a Danish Windows reads a CSV without one as Windows-1252, so "Åbne" and "Rød" would show
/// as "Ã…bne" and "RÃ¸d"; with the mark, Excel, LibreOffice and Numbers all read UTF-8 (and
/// tools that read UTF-8 anyway skip it). The separator stays a comma (RFC 4180): Danish
/// Excel expects ";" when a file is double-clicked, so open the file with Data → From Text/CSV,
/// which detects the comma.
pub fn to_csv_file(overview: &Overview, lang: Lang) -> String {
    format!("\u{FEFF}{}", to_csv(overview, lang))
}

/// The CSV file's name: `ssp-overblik-YYYY-MM-DD.csv`.
pub fn csv_file_name(today: Date) -> String {
    format!("ssp-overblik-{}.csv", today.iso())
}

/// A field, quoted (with inner quotes doubled) when it holds a comma, a quote or a line break.
fn csv_field(field: &str) -> String {
    if field.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// Bar lengths for a chart: each count scaled so the largest is `max_len`. Zero stays zero; all
/// zeros (or a `max_len` that is not a positive number) give all zeros.
pub fn bar_lengths(counts: &[u32], max_len: f64) -> Vec<f64> {
    let max = counts.iter().copied().max().unwrap_or(0);
    if max == 0 || !(max_len.is_finite() && max_len > 0.0) {
        return vec![0.0; counts.len()];
    }
    counts
        .iter()
        .map(|&n| f64::from(n) / f64::from(max) * max_len)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        assert_eq!(csv_field("Vold"), "Vold");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("sagt \"nej\""), "\"sagt \"\"nej\"\"\"");
        assert_eq!(csv_field("to\nlinjer"), "\"to\nlinjer\"");
    }

    #[test]
    fn classes_sort_naturally() {
        let mut v = vec!["10.a", "7.b", "7.a", "0.x", "Børnehaveklasse"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["0.x", "7.a", "7.b", "10.a", "Børnehaveklasse"]);
    }

    #[test]
    fn the_csv_file_is_the_csv_after_a_byte_order_mark() {
        let o = overview(&[], &Filter::default(), Date::from_ms(0), &[]);
        let file = to_csv_file(&o, Lang::Da);
        assert_eq!(
            file.strip_prefix('\u{FEFF}'),
            Some(to_csv(&o, Lang::Da).as_str())
        );
        assert_eq!(file.as_bytes()[..3], [0xEF, 0xBB, 0xBF]);
        let day = Date::parse_iso("2026-12-01").unwrap();
        assert_eq!(csv_file_name(day), "ssp-overblik-2026-12-01.csv");
    }

    #[test]
    fn the_form_fields_become_a_filter() {
        let date = |s| Date::parse_iso(s);
        assert_eq!(Filter::from_inputs("", "", ""), Filter::default());
        assert!(!Filter::from_inputs("  ", "", "nonsense").is_active());
        let f = Filter::from_inputs(" 7.b ", "2026-09-01", "2026-11-30");
        assert_eq!(f.school_class.as_deref(), Some("7.b"));
        assert_eq!((f.from, f.to), (date("2026-09-01"), date("2026-11-30")));
        assert!(f.is_active() && !f.is_reversed());
        let only_to = Filter::from_inputs("", "", "2026-11-30");
        assert!(only_to.is_active() && !only_to.is_reversed());
        assert!(Filter::from_inputs("", "2026-12-01", "2026-11-30").is_reversed());
        assert!(!Filter::from_inputs("", "2026-11-30", "2026-11-30").is_reversed());
    }

    #[test]
    fn months_roll_over_the_year() {
        let dec = Month {
            year: 2026,
            month: 12,
        };
        assert_eq!(dec.next().iso(), "2027-01");
        assert_eq!(dec.label(Lang::Da), "december 2026");
        assert_eq!(dec.label(Lang::En), "December 2026");
    }
}
