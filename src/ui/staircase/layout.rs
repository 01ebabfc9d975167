//! Where things go in the staircase picture. Pure: data in, coordinates out (CSS px), so it is
//! tested natively. Levels are bands stacked with level 1 at the bottom; each higher band starts
//! one step further right, so their left edges draw the stairs. Interventions are pills that
//! flow in rows on their level.

use crate::ui::text_metrics::{text_width, truncate, wrap};

pub const STEP: f64 = 44.0;
pub const RISER: f64 = 64.0;
pub const PAD: f64 = 16.0;
pub const PILL_H: f64 = 44.0;
pub const PILL_GAP: f64 = 10.0;
pub const PILL_FONT: f64 = 16.0;
pub const PILL_PAD_X: f64 = 16.0;
pub const TAG_FONT: f64 = 13.0;
pub const TITLE_FONT: f64 = 19.0;
pub const GOAL_FONT: f64 = 15.0;
const TITLE_LINE: f64 = 26.0;
const GOAL_LINE: f64 = 21.0;
const EMPTY_LINE: f64 = 24.0;

/// One level as input to the layout.
pub struct LevelIn<'a> {
    pub number: u8,
    pub title: &'a str,
    pub goal: &'a str,
    pub pills: Vec<PillIn<'a>>,
}

pub struct PillIn<'a> {
    pub id: &'a str,
    pub label: &'a str,
    /// Shows a small "Handleplan" tag.
    pub tag: Option<&'a str>,
    pub mapped: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub number: u8,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub title_lines: Vec<String>,
    pub goal_lines: Vec<String>,
    /// Baseline of the first title line.
    pub text_x: f64,
    pub title_y: f64,
    pub goal_y: f64,
    /// Where the "no interventions" line goes, when the band has no pills.
    pub empty_y: Option<f64>,
    pub pills: Vec<Pill>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pill {
    pub id: String,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub label: String,
    /// The full label (for screen readers) when `label` was cut.
    pub full_label: String,
    pub tag: Option<String>,
    pub tag_x: f64,
    pub mapped: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    pub bands: Vec<Band>,
}

fn tag_width(tag: &str) -> f64 {
    text_width(tag, TAG_FONT, true) + 14.0
}

/// Lays out `levels` (in any order) for a picture `width` px wide.
pub fn layout(width: f64, levels: &[LevelIn]) -> Layout {
    let mut ordered: Vec<&LevelIn> = levels.iter().collect();
    ordered.sort_by_key(|l| std::cmp::Reverse(l.number)); // highest level on top
    let lowest = ordered.last().map(|l| l.number).unwrap_or(1);
    let mut y = 0.0;
    let mut bands = Vec::new();
    for level in ordered {
        let x = f64::from(level.number - lowest) * STEP;
        let text_x = x + RISER + PAD;
        let inner = (width - text_x - PAD).max(80.0);
        let title_lines = wrap(level.title, TITLE_FONT, true, inner);
        let goal_lines = wrap(level.goal, GOAL_FONT, false, inner);
        let title_y = y + PAD + TITLE_FONT;
        let goal_y = title_y + title_lines.len() as f64 * TITLE_LINE - 4.0;
        let mut cursor_y = goal_y + (goal_lines.len() as f64 - 1.0) * GOAL_LINE + 18.0;

        let mut pills = Vec::new();
        let mut cursor_x = text_x;
        for p in &level.pills {
            let tag_w = p.tag.map(tag_width).unwrap_or(0.0);
            let extra = if p.tag.is_some() { tag_w + 8.0 } else { 0.0 };
            let max_label = inner - 2.0 * PILL_PAD_X - extra;
            let label = truncate(p.label, PILL_FONT, false, max_label);
            let pill_w = text_width(&label, PILL_FONT, false) + 2.0 * PILL_PAD_X + extra;
            if cursor_x > text_x && cursor_x + pill_w > width - PAD {
                cursor_x = text_x;
                cursor_y += PILL_H + PILL_GAP;
            }
            let label_w = text_width(&label, PILL_FONT, false);
            pills.push(Pill {
                id: p.id.to_string(),
                x: cursor_x,
                y: cursor_y,
                width: pill_w,
                full_label: p.label.to_string(),
                label,
                tag: p.tag.map(str::to_string),
                tag_x: cursor_x + PILL_PAD_X + label_w + 8.0,
                mapped: p.mapped,
            });
            cursor_x += pill_w + PILL_GAP;
        }
        let (content_bottom, empty_y) = if pills.is_empty() {
            (cursor_y + EMPTY_LINE, Some(cursor_y + 17.0))
        } else {
            (cursor_y + PILL_H, None)
        };
        let height = content_bottom + PAD - y;
        bands.push(Band {
            number: level.number,
            x,
            y,
            width: width - x,
            height,
            title_lines,
            goal_lines,
            text_x,
            title_y,
            goal_y,
            empty_y,
            pills,
        });
        y += height;
    }
    Layout {
        width,
        height: y,
        bands,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level<'a>(number: u8, pills: &'a [&'a str]) -> LevelIn<'a> {
        LevelIn {
            number,
            title: "Forebyggelse",
            goal: "At forebygge at kommunens unge begår uønskede eller kriminelle hændelser",
            pills: pills
                .iter()
                .map(|label| PillIn {
                    id: label,
                    label,
                    tag: label.contains("handleplan").then_some("Handleplan"),
                    mapped: false,
                })
                .collect(),
        }
    }

    const MANY: [&str; 12] = [
        "Gadeteam",
        "Cool Kids",
        "Livsmod",
        "Stjernerne",
        "Labyrinten",
        "Pop-up sport",
        "Cyberhus",
        "Fravær – indsats/handleplan",
        "Mobning – indsats/handleplan",
        "Misbrug – indsats/handleplan",
        "Vold – indsats/handleplan",
        "Kriminalitet – indsats/handleplan",
    ];

    /// At both tablet widths nothing leaves the picture, pills never overlap, and bands stack
    /// without gaps with level 1 at the bottom, each higher level one step further right.
    #[test]
    fn fits_tablet_widths_without_overlap() {
        for width in [720.0, 976.0, 320.0] {
            let levels = [level(1, &MANY[..3]), level(2, &MANY), level(3, &MANY[..2])];
            let l = layout(width, &levels);
            assert_eq!(
                l.bands.iter().map(|b| b.number).collect::<Vec<_>>(),
                [3, 2, 1]
            );
            let mut y = 0.0;
            for b in &l.bands {
                assert_eq!(b.y, y);
                y += b.height;
                assert!(b.x + b.width <= width + 0.01);
                for p in &b.pills {
                    assert!(
                        p.x >= b.text_x - 0.01 && p.x + p.width <= width - PAD + 0.01,
                        "{width}: {p:?}"
                    );
                    assert!(p.y >= b.y && p.y + PILL_H <= b.y + b.height);
                }
                for (i, a) in b.pills.iter().enumerate() {
                    for c in &b.pills[i + 1..] {
                        let apart = a.x + a.width <= c.x || c.x + c.width <= a.x || a.y != c.y;
                        assert!(apart, "{a:?} overlaps {c:?}");
                    }
                }
            }
            assert_eq!(l.height, y);
            assert_eq!(l.bands[2].x, 0.0);
            assert_eq!(l.bands[0].x, 2.0 * STEP);
        }
    }

    #[test]
    fn every_pill_is_placed_once_and_tags_follow_their_label() {
        let l = layout(720.0, &[level(2, &MANY)]);
        let ids: Vec<&str> = l.bands[0].pills.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, MANY);
        for p in &l.bands[0].pills {
            assert_eq!(p.tag.is_some(), p.full_label.contains("handleplan"));
            if p.tag.is_some() {
                assert!(p.tag_x > p.x && p.tag_x < p.x + p.width);
            }
        }
    }

    #[test]
    fn an_empty_level_keeps_its_place_and_says_so() {
        let l = layout(720.0, &[level(1, &["Trivsel"]), level(2, &[])]);
        let top = &l.bands[0];
        assert_eq!(top.number, 2);
        assert!(top.pills.is_empty());
        assert!(top.empty_y.is_some());
    }
}
