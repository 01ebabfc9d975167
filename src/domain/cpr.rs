//! Spotting text that looks like a Danish CPR number (DDMMYY-XXXX, or ten digits with a valid
//! date), so the user can be warned before saving. The app never asks for a CPR number
//! (Databeskyttelsesloven § 11; data minimisation).

/// The CPR-like numbers in `text`, as written (so they can be offered for removal).
pub fn find(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() && (i == 0 || !chars[i - 1].is_ascii_digit()) {
            // Six digits, an optional '-' or space, four digits, and no digit right after.
            let mut j = i;
            let mut digits = String::new();
            while j < chars.len() && digits.len() < 10 {
                let c = chars[j];
                if c.is_ascii_digit() {
                    digits.push(c);
                } else if digits.len() == 6 && (c == '-' || c == ' ') && j == i + 6 {
                    // separator after the date part
                } else {
                    break;
                }
                j += 1;
            }
            let followed_by_digit = chars.get(j).is_some_and(|c| c.is_ascii_digit());
            if digits.len() == 10 && !followed_by_digit && valid_date(&digits[..6]) {
                found.push(chars[i..j].iter().collect());
                i = j;
                continue;
            }
        }
        i += 1;
    }
    found
}

fn valid_date(ddmmyy: &str) -> bool {
    let n = |s: &str| s.parse::<u32>().unwrap_or(0);
    let (d, m) = (n(&ddmmyy[0..2]), n(&ddmmyy[2..4]));
    let max = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 => 29,
        _ => 0,
    };
    (1..=max).contains(&d)
}

/// `text` with every CPR-like number removed.
pub fn remove(text: &str) -> String {
    let mut out = text.to_string();
    for cpr in find(text) {
        out = out.replace(&cpr, "[CPR fjernet]");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_driven() {
        let cases: &[(&str, &[&str])] = &[
            ("Hun sagde 010203-1234 til mig", &["010203-1234"]),
            ("0102031234", &["0102031234"]),
            ("cpr 311299 1234.", &["311299 1234"]),
            ("310299-1234", &[]),  // 31 February
            ("320101-1234", &[]),  // day 32
            ("011301-1234", &[]),  // month 13
            ("01020312345", &[]),  // eleven digits
            ("tlf 12345678", &[]), // eight digits
            ("2 gange om året, 15 elever", &[]),
            (
                "a0102031234b og 150590-4321",
                &["0102031234", "150590-4321"],
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(find(text), *expected, "{text}");
        }
        assert_eq!(
            remove("Hun sagde 010203-1234 til mig"),
            "Hun sagde [CPR fjernet] til mig"
        );
    }
}
