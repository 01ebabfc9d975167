//! Where the bars of the overview's charts go. Pure: labels and counts in, coordinates out (CSS
//! px), so it is tested natively. Bar lengths come from `domain::overview::bar_lengths`; every
//! count is drawn as text beside its bar, inside the chart's width.

use crate::domain::overview::{bar_lengths, Month};
use crate::ui::text_metrics::{text_width, wrap};

/// Label and count text size in the bar charts.
pub const FONT: f64 = 16.0;
pub const BAR_H: f64 = 24.0;
const LINE: f64 = 20.0;
const ROW_GAP: f64 = 12.0;
const LABEL_GAP: f64 = 12.0;
const COUNT_GAP: f64 = 8.0;
/// The label column takes at most this share of the chart's width (longer labels wrap).
const LABEL_SHARE: f64 = 0.42;
const MIN_LABEL: f64 = 72.0;
/// Charts are never laid out narrower than this.
const MIN_WIDTH: f64 = 240.0;

/// One horizontal bar with its label (left) and its count (right of the bar).
#[derive(Debug, Clone, PartialEq)]
pub struct BarRow {
    pub label_lines: Vec<String>,
    /// Baseline of the first label line.
    pub label_y: f64,
    pub bar_x: f64,
    pub bar_y: f64,
    /// 0 for a count of 0.
    pub bar_w: f64,
    pub count_x: f64,
    pub count_y: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bars {
    pub width: f64,
    pub height: f64,
    /// Where the bars start (the axis line).
    pub axis_x: f64,
    pub rows: Vec<BarRow>,
}

/// Estimated width of a count drawn in semibold.
fn count_width(count: u32) -> f64 {
    text_width(&count.to_string(), FONT, true)
}

/// Lays out horizontal bars for `rows` (label, count) in a chart `width` px wide.
pub fn bars(width: f64, rows: &[(&str, u32)]) -> Bars {
    let width = width.max(MIN_WIDTH);
    let widest_label = rows
        .iter()
        .map(|(label, _)| text_width(label, FONT, false))
        .fold(0.0, f64::max);
    let label_w = widest_label.clamp(MIN_LABEL, width * LABEL_SHARE);
    let axis_x = label_w + LABEL_GAP;
    let widest_count = rows
        .iter()
        .map(|(_, n)| count_width(*n))
        .fold(0.0, f64::max);
    let max_bar = (width - axis_x - COUNT_GAP - widest_count).max(0.0);
    let counts: Vec<u32> = rows.iter().map(|(_, n)| *n).collect();
    let lengths = bar_lengths(&counts, max_bar);

    let mut y = 0.0;
    let mut out = Vec::new();
    for ((label, _), bar_w) in rows.iter().zip(lengths) {
        let label_lines = wrap(label, FONT, false, label_w);
        let text_h = label_lines.len() as f64 * LINE;
        let row_h = text_h.max(BAR_H);
        let middle = y + row_h / 2.0;
        // A text line's baseline sits about a third of the font size below its middle.
        let baseline = |mid: f64| mid + FONT * 0.35;
        out.push(BarRow {
            label_y: baseline(middle - text_h / 2.0 + LINE / 2.0),
            label_lines,
            bar_x: axis_x,
            bar_y: middle - BAR_H / 2.0,
            bar_w,
            count_x: axis_x + bar_w + COUNT_GAP,
            count_y: baseline(middle),
        });
        y += row_h + ROW_GAP;
    }
    Bars {
        width,
        height: (y - ROW_GAP).max(0.0),
        axis_x,
        rows: out,
    }
}

/// Month columns: the bar area's height, the count above each bar, the month (and year) below.
pub const COLUMN_AREA: f64 = 120.0;
pub const MONTH_FONT: f64 = 14.0;
const COUNT_SPACE: f64 = 24.0;
const MIN_PITCH: f64 = 44.0;
const MAX_PITCH: f64 = 88.0;
const BAR_SHARE: f64 = 0.6;
const STRIP_GAP: f64 = 24.0;

/// One month's column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub month: Month,
    pub count: u32,
    /// The column's middle: counts and labels are centred on it.
    pub center_x: f64,
    pub bar_x: f64,
    pub bar_w: f64,
    pub bar_y: f64,
    /// 0 for a count of 0.
    pub bar_h: f64,
    pub count_y: f64,
    pub month_y: f64,
    /// The year goes under the first month of each strip and under every January.
    pub year_y: Option<f64>,
}

/// The base line under one strip of columns.
#[derive(Debug, Clone, PartialEq)]
pub struct BaseLine {
    pub y: f64,
    pub x2: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Strip {
    pub width: f64,
    pub height: f64,
    pub columns: Vec<Column>,
    pub base_lines: Vec<BaseLine>,
}

/// Lays out one column per month in a chart `width` px wide; when there are more months than
/// fit side by side, they continue in another strip below. Bar heights share one scale.
pub fn months(width: f64, months: &[(Month, u32)]) -> Strip {
    let width = width.max(MIN_WIDTH);
    let fits = ((width / MIN_PITCH).floor() as usize).max(1);
    let strips = months.len().div_ceil(fits);
    // Even strips: 25 months where 9 fit become 9 + 8 + 8, not 9 + 9 + 7.
    let sizes: Vec<usize> = (0..strips)
        .map(|i| months.len() / strips + usize::from(i < months.len() % strips))
        .collect();
    let widest = sizes.first().copied().unwrap_or(0);
    let pitch = if widest > 0 {
        (width / widest as f64).min(MAX_PITCH)
    } else {
        MAX_PITCH
    };
    let bar_w = (pitch * BAR_SHARE).round();
    let counts: Vec<u32> = months.iter().map(|(_, n)| *n).collect();
    let heights = bar_lengths(&counts, COLUMN_AREA);
    let strip_h = COUNT_SPACE + COLUMN_AREA + 6.0 + 2.0 * (MONTH_FONT + 4.0);

    let mut columns = Vec::new();
    let mut base_lines = Vec::new();
    let mut start = 0;
    for (s, size) in sizes.into_iter().enumerate() {
        let top = s as f64 * (strip_h + STRIP_GAP);
        let base = top + COUNT_SPACE + COLUMN_AREA;
        let strip = months[start..start + size].iter().zip(&heights[start..]);
        for (i, (&(month, count), &bar_h)) in strip.enumerate() {
            let center_x = pitch * (i as f64 + 0.5);
            let month_y = base + 6.0 + MONTH_FONT;
            columns.push(Column {
                month,
                count,
                center_x,
                bar_x: center_x - bar_w / 2.0,
                bar_w,
                bar_y: base - bar_h,
                bar_h,
                count_y: base - bar_h - 6.0,
                month_y,
                year_y: (i == 0 || month.month == 1).then_some(month_y + MONTH_FONT + 4.0),
            });
        }
        base_lines.push(BaseLine {
            y: base,
            x2: pitch * size as f64,
        });
        start += size;
    }
    Strip {
        width,
        height: if strips == 0 {
            0.0
        } else {
            strips as f64 * (strip_h + STRIP_GAP) - STRIP_GAP
        },
        columns,
        base_lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOPICS: [(&str, u32); 10] = [
        ("Trivsel", 1),
        ("Fravær", 0),
        ("Mobning", 2),
        ("Misbrug", 0),
        ("Vold", 1),
        ("Kriminalitet", 0),
        ("Digitale krænkelser", 0),
        ("Radikalisering og ekstremisme", 0),
        ("Seksuelle overgreb", 0),
        ("Omsorgssvigt", 1234),
    ];

    /// Both tablet sizes, in the card (content width less the card's padding and border), the
    /// two-column charts at 1024, and a phone.
    const WIDTHS: [f64; 5] = [670.0, 926.0, 426.0, 280.0, 100.0];

    #[test]
    fn bars_and_their_counts_stay_inside_the_chart_and_rows_do_not_overlap() {
        for width in WIDTHS {
            let l = bars(width, &TOPICS);
            assert_eq!(l.rows.len(), TOPICS.len());
            assert!(l.width >= width.min(MIN_WIDTH));
            for (row, (label, n)) in l.rows.iter().zip(TOPICS) {
                let count_end = row.count_x + count_width(n);
                assert!(
                    count_end <= l.width + 0.01,
                    "{width}: {label} count ends at {count_end}"
                );
                assert!(row.bar_x >= l.axis_x && row.bar_w >= 0.0);
                assert_eq!(n == 0, row.bar_w == 0.0, "{width}: {label}");
                for line in &row.label_lines {
                    assert!(
                        text_width(line, FONT, false) <= l.axis_x - LABEL_GAP + 0.01,
                        "{width}: label line {line:?} runs into the bars"
                    );
                }
            }
            for w in l.rows.windows(2) {
                let lines = w[0].label_lines.len() as f64;
                let bottom = (w[0].bar_y + BAR_H).max(w[0].label_y + (lines - 1.0) * LINE + 5.0);
                assert!(
                    bottom < w[1].bar_y.min(w[1].label_y - FONT),
                    "{width}: rows overlap"
                );
            }
            let last = l.rows.last().unwrap();
            assert!(last.bar_y + BAR_H <= l.height + 0.01);
        }
    }

    #[test]
    fn the_largest_count_has_the_longest_bar_and_equal_counts_equal_bars() {
        let l = bars(670.0, &[("a", 2), ("b", 4), ("c", 2), ("d", 0)]);
        let w: Vec<f64> = l.rows.iter().map(|r| r.bar_w).collect();
        assert!(w[1] > w[0] && w[0] == w[2] && w[3] == 0.0);
        assert!((w[1] - w[0] * 2.0).abs() < 0.01);
    }

    #[test]
    fn a_long_label_wraps_instead_of_pushing_the_bars_off_the_chart() {
        let long = "Radikalisering og ekstremisme, også online og i fritiden";
        let l = bars(280.0, &[(long, 3), ("Vold", 1)]);
        assert!(l.rows[0].label_lines.len() > 1);
        assert!(l.axis_x <= 280.0 * LABEL_SHARE + LABEL_GAP + 0.01);
        assert!(l.rows[1].bar_y > l.rows[0].bar_y + BAR_H);
    }

    fn month_run(first: Month, n: usize) -> Vec<(Month, u32)> {
        let mut m = first;
        (0..n)
            .map(|i| {
                let out = (m, (i % 4) as u32);
                m = m.next();
                out
            })
            .collect()
    }

    #[test]
    fn months_fit_the_width_and_wrap_into_even_strips() {
        let july = Month {
            year: 2026,
            month: 7,
        };
        for width in WIDTHS {
            for n in [1, 3, 12, 25, 60] {
                let s = months(width, &month_run(july, n));
                assert_eq!(s.columns.len(), n);
                for c in &s.columns {
                    assert!(c.bar_x >= 0.0 && c.bar_x + c.bar_w <= s.width + 0.01);
                    assert!(c.bar_h <= COLUMN_AREA + 0.01);
                    assert_eq!(c.count == 0, c.bar_h == 0.0);
                    // Neighbours' labels ("sep", "2026") do not touch.
                    assert!(text_width("2026", MONTH_FONT, false) < c.bar_w / BAR_SHARE);
                }
                let sizes: Vec<usize> = (0..s.base_lines.len())
                    .map(|i| {
                        let y = s.base_lines[i].y;
                        s.columns.iter().filter(|c| c.bar_y + c.bar_h == y).count()
                    })
                    .collect();
                assert_eq!(sizes.iter().sum::<usize>(), n, "{width} {n}: {sizes:?}");
                let (min, max) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
                assert!(max - min <= 1, "{width} {n}: uneven strips {sizes:?}");
                let last = s.columns.last().unwrap();
                assert!(last.year_y.unwrap_or(last.month_y) <= s.height + 0.01);
            }
        }
        assert_eq!(months(670.0, &[]).height, 0.0);
    }

    #[test]
    fn the_year_is_under_the_first_month_and_every_january() {
        let nov = Month {
            year: 2026,
            month: 11,
        };
        let s = months(670.0, &month_run(nov, 4));
        let years: Vec<bool> = s.columns.iter().map(|c| c.year_y.is_some()).collect();
        assert_eq!(years, [true, false, true, false]);
    }
}
