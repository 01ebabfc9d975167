//! Where things go in the organisation picture. Pure: data in, coordinates out (CSS px).
//! Bodies sit in rows by their depth under `parent` (roots on top); a row wraps onto more lines
//! when it has more boxes than fit; lines link each body to its parent.

use crate::ui::text_metrics::wrap;
use std::collections::HashMap;

pub const MIN_BOX: f64 = 200.0;
pub const MAX_BOX: f64 = 300.0;
pub const GAP: f64 = 20.0;
pub const ROW_GAP: f64 = 44.0;
pub const PAD: f64 = 14.0;
pub const NAME_FONT: f64 = 17.0;
pub const CADENCE_FONT: f64 = 14.0;
const NAME_LINE: f64 = 22.0;
const CADENCE_LINE: f64 = 19.0;
pub const STRIP_H: f64 = 10.0;

pub struct BodyIn<'a> {
    pub id: &'a str,
    pub parent: Option<&'a str>,
    /// The link to the parent is editorial: drawn dashed.
    pub parent_mapped: bool,
    pub name: &'a str,
    pub cadence: &'a str,
    /// Meetings a year for the strip, and whether it is "at least".
    pub per_year: Option<(u8, bool)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BoxOut {
    pub id: String,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub kind_y: f64,
    pub name_lines: Vec<String>,
    pub name_y: f64,
    pub cadence_lines: Vec<String>,
    pub cadence_y: f64,
    pub strip: Option<Strip>,
}

/// Twelve cells for a year, `filled` of them marked, spread evenly.
#[derive(Debug, Clone, PartialEq)]
pub struct Strip {
    pub y: f64,
    pub cells: Vec<(f64, f64, bool)>,
    pub at_least: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub from: String,
    pub to: String,
    pub path: String,
    pub mapped: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    pub boxes: Vec<BoxOut>,
    pub links: Vec<Link>,
}

fn depth(id: &str, parents: &HashMap<&str, &str>) -> usize {
    let mut d = 0;
    let mut at = id;
    while let Some(p) = parents.get(at) {
        d += 1;
        at = p;
        if d > parents.len() {
            break; // cycles are rejected by the validator; never loop forever
        }
    }
    d
}

/// Which of the 12 cells are marked for `n` meetings a year.
pub fn strip_cells(n: u8) -> [bool; 12] {
    let mut cells = [false; 12];
    let n = usize::from(n).min(12);
    for i in 0..n {
        cells[i * 12 / n] = true;
    }
    cells
}

pub fn layout(width: f64, bodies: &[BodyIn]) -> Layout {
    let known: std::collections::HashSet<&str> = bodies.iter().map(|b| b.id).collect();
    let parents: HashMap<&str, &str> = bodies
        .iter()
        .filter_map(|b| Some((b.id, b.parent.filter(|p| known.contains(p))?)))
        .collect();
    let max_depth = bodies
        .iter()
        .map(|b| depth(b.id, &parents))
        .max()
        .unwrap_or(0);
    let per_line = (((width + GAP) / (MIN_BOX + GAP)).floor() as usize).max(1);

    let mut boxes: Vec<BoxOut> = Vec::new();
    let mut y = 0.0;
    for d in 0..=max_depth {
        let row: Vec<&BodyIn> = bodies
            .iter()
            .filter(|b| depth(b.id, &parents) == d)
            .collect();
        for line in row.chunks(per_line) {
            let n = line.len() as f64;
            let box_w = ((width - (n - 1.0) * GAP) / n).min(MAX_BOX);
            let inner = box_w - 2.0 * PAD;
            let line_w = n * box_w + (n - 1.0) * GAP;
            let x0 = (width - line_w) / 2.0;
            let texts: Vec<(Vec<String>, Vec<String>)> = line
                .iter()
                .map(|b| {
                    (
                        wrap(b.name, NAME_FONT, true, inner),
                        wrap(b.cadence, CADENCE_FONT, false, inner),
                    )
                })
                .collect();
            // One height for the whole line, so the boxes read as a row.
            let height = texts
                .iter()
                .zip(line)
                .map(|((name, cadence), b)| {
                    PAD + 16.0
                        + name.len() as f64 * NAME_LINE
                        + 4.0
                        + cadence.len() as f64 * CADENCE_LINE
                        + if b.per_year.is_some() {
                            STRIP_H + 8.0
                        } else {
                            0.0
                        }
                        + PAD
                })
                .fold(0.0, f64::max);
            for (i, (b, (name_lines, cadence_lines))) in line.iter().zip(texts).enumerate() {
                let x = x0 + i as f64 * (box_w + GAP);
                let kind_y = y + PAD + 11.0;
                let name_y = kind_y + 22.0;
                let cadence_y = name_y + (name_lines.len() as f64 - 1.0) * NAME_LINE + 22.0;
                let strip = b.per_year.map(|(n, at_least)| {
                    let sy = cadence_y + (cadence_lines.len() as f64 - 1.0) * CADENCE_LINE + 10.0;
                    let cell_w = (inner.min(180.0) - 11.0 * 3.0) / 12.0;
                    let cells = strip_cells(n)
                        .iter()
                        .enumerate()
                        .map(|(c, on)| (x + PAD + c as f64 * (cell_w + 3.0), cell_w, *on))
                        .collect();
                    Strip {
                        y: sy,
                        cells,
                        at_least,
                    }
                });
                boxes.push(BoxOut {
                    id: b.id.to_string(),
                    x,
                    y,
                    width: box_w,
                    height,
                    kind_y,
                    name_lines,
                    name_y,
                    cadence_lines,
                    cadence_y,
                    strip,
                });
            }
            y += height + ROW_GAP;
        }
    }
    let height = (y - ROW_GAP).max(0.0);

    let find = |id: &str| boxes.iter().find(|b| b.id == id);
    let links = bodies
        .iter()
        .filter_map(|b| {
            let parent = find(parents.get(b.id)?)?;
            let child = find(b.id)?;
            let (x1, y1) = (parent.x + parent.width / 2.0, parent.y + parent.height);
            let (x2, y2) = (child.x + child.width / 2.0, child.y);
            let mid = y2 - ROW_GAP / 2.0;
            Some(Link {
                from: parent.id.clone(),
                to: child.id.clone(),
                path: format!("M{x1},{y1} V{mid} H{x2} V{y2}"),
                mapped: b.parent_mapped,
            })
        })
        .collect();
    Layout {
        width,
        height,
        boxes,
        links,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body<'a>(id: &'a str, parent: Option<&'a str>, per_year: Option<(u8, bool)>) -> BodyIn<'a> {
        BodyIn {
            id,
            parent,
            parent_mapped: false,
            name: "SSP-netværk for offentlige arealer",
            cadence: "3 gange om året",
            per_year,
        }
    }

    fn silkeborg_like() -> Vec<BodyIn<'static>> {
        vec![
            body("kredsraad", None, None),
            body("lokalraad", Some("kredsraad"), None),
            body("styregruppe", Some("lokalraad"), Some((4, false))),
            body("tvaergaaende", Some("styregruppe"), Some((4, false))),
            body("ressource", Some("styregruppe"), Some((3, false))),
            body("offentlige", Some("styregruppe"), None),
            body("lokale", Some("ressource"), Some((2, true))),
        ]
    }

    #[test]
    fn rows_follow_the_parent_chain_and_fit_the_width() {
        for width in [720.0, 976.0, 300.0] {
            let l = layout(width, &silkeborg_like());
            let y = |id: &str| l.boxes.iter().find(|b| b.id == id).unwrap().y;
            assert!(y("kredsraad") < y("lokalraad"));
            assert!(y("lokalraad") < y("styregruppe"));
            assert!(y("styregruppe") < y("ressource"));
            assert!(y("ressource") < y("lokale"));
            for b in &l.boxes {
                assert!(
                    b.x >= -0.01 && b.x + b.width <= width + 0.01,
                    "{width}: {b:?}"
                );
                assert!(b.y + b.height <= l.height + 0.01);
            }
            for (i, a) in l.boxes.iter().enumerate() {
                for c in &l.boxes[i + 1..] {
                    let apart = a.x + a.width <= c.x
                        || c.x + c.width <= a.x
                        || a.y + a.height <= c.y
                        || c.y + c.height <= a.y;
                    assert!(apart, "{a:?} overlaps {c:?}");
                }
            }
            assert_eq!(l.links.len(), 6, "every body with a parent is linked");
        }
    }

    #[test]
    fn strip_marks_as_many_cells_as_meetings_and_never_more_than_twelve() {
        assert_eq!(strip_cells(3).iter().filter(|c| **c).count(), 3);
        assert_eq!(
            strip_cells(4),
            [true, false, false, true, false, false, true, false, false, true, false, false]
        );
        assert_eq!(strip_cells(52).iter().filter(|c| **c).count(), 12);
        assert_eq!(strip_cells(1).iter().filter(|c| **c).count(), 1);
    }

    #[test]
    fn a_parent_that_is_not_there_makes_a_root() {
        let l = layout(720.0, &[body("a", Some("gone"), None)]);
        assert_eq!(l.boxes.len(), 1);
        assert!(l.links.is_empty());
    }
}
