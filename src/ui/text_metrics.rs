//! Rough text measurement and wrapping for SVG pictures, which have no automatic line breaks.
//! Widths are estimates for IBM Plex Sans (bundled as Handleguide Sans) on Danish text (average
//! advance measured on the app's labels ≈ 0.53 em regular, 0.57 em semibold); layouts leave
//! slack for the estimate.

/// Estimated width in px of `text` at `size` px.
pub fn text_width(text: &str, size: f64, bold: bool) -> f64 {
    let em = if bold { 0.57 } else { 0.53 };
    text.chars().count() as f64 * size * em
}

/// Splits `text` into lines no wider than `max` px (a word longer than a line is cut with "…").
pub fn wrap(text: &str, size: f64, bold: bool, max: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for (word, joiner) in pieces(text) {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line}{joiner}{word}")
        };
        if text_width(&candidate, size, bold) <= max || line.is_empty() {
            line = candidate;
        } else {
            lines.push(std::mem::take(&mut line));
            line = word.to_string();
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
        .into_iter()
        .map(|l| truncate(&l, size, bold, max))
        .collect()
}

/// Words, and the parts of hyphenated words ("SSP-" "ressourcenetværket"), each with what joins
/// it to the previous piece: a space, or nothing after a hyphen.
fn pieces(text: &str) -> Vec<(&str, &'static str)> {
    let mut out = Vec::new();
    for word in text.split_whitespace() {
        let mut joiner = " ";
        let mut rest = word;
        while let Some(i) = rest.find('-').filter(|i| *i + 1 < rest.len()) {
            out.push((&rest[..=i], joiner));
            joiner = "";
            rest = &rest[i + 1..];
        }
        out.push((rest, joiner));
    }
    out
}

/// `text`, cut with "…" so that it fits in `max` px.
pub fn truncate(text: &str, size: f64, bold: bool, max: f64) -> String {
    if text_width(text, size, bold) <= max {
        return text.to_string();
    }
    let mut out: String = text.to_string();
    while !out.is_empty() && text_width(&format!("{out}…"), size, bold) > max {
        out.pop();
    }
    format!("{}…", out.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_every_word_and_respects_the_width() {
        let text = "At forhindre den enkelte unge i at udvikle et kriminelt handlemønster";
        let lines = wrap(text, 16.0, false, 200.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.join(" "), text);
        assert!(lines.iter().all(|l| text_width(l, 16.0, false) <= 200.0));
    }

    #[test]
    fn long_hyphenated_words_break_after_the_hyphen() {
        let lines = wrap("SSP-ressourcenetværket", 17.0, true, 198.0);
        assert_eq!(lines, ["SSP-", "ressourcenetværket"]);
        assert_eq!(
            wrap("SSP-netværk for offentlige arealer", 17.0, true, 400.0),
            ["SSP-netværk for offentlige arealer"]
        );
    }

    #[test]
    fn truncate_marks_the_cut() {
        assert_eq!(truncate("Kort", 16.0, false, 200.0), "Kort");
        let cut = truncate(
            "Labyrinten for børn med forældre med psykiske problemer",
            16.0,
            false,
            120.0,
        );
        assert!(cut.ends_with('…'));
        assert!(text_width(&cut, 16.0, false) <= 120.0);
    }
}
