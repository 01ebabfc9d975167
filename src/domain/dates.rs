//! Calendar dates from the clock's milliseconds, without a date library: enough for follow-up
//! dates ("følg op senest 7.12.2026").
//!
//! A [`Date`] is stored, synced and backed up as its ISO text, `"2026-12-07"`: the form the
//! records held when the dates were plain strings, so every stored record reads and writes as
//! before. A stored concern reads its dates as text and names what one that is not a date
//! becomes (see `concern::Concern`).

use serde::de::{self, Unexpected, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A civil date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// The UTC date of `ms` since the Unix epoch.
    pub fn from_ms(ms: u64) -> Date {
        from_days((ms / 86_400_000) as i64)
    }

    pub fn plus_days(self, days: u32) -> Date {
        from_days(to_days(self) + i64::from(days))
    }

    /// The date `n` weekdays (Monday–Friday) later; public holidays are not known here.
    pub fn plus_weekdays(self, n: u32) -> Date {
        let mut days = to_days(self);
        let mut left = n;
        while left > 0 {
            days += 1;
            // 1970-01-01 (day 0) was a Thursday: Monday is 0.
            if (days + 3).rem_euclid(7) < 5 {
                left -= 1;
            }
        }
        from_days(days)
    }

    /// Danish form: 7.12.2026.
    pub fn danish(self) -> String {
        format!("{}.{}.{}", self.day, self.month, self.year)
    }

    /// Danish form with a clock time: 7.12.2026 09:05.
    pub fn danish_at(self, hours: u32, minutes: u32) -> String {
        format!("{} {hours:02}:{minutes:02}", self.danish())
    }

    /// An ISO date (`YYYY-MM-DD`) in Danish form; text that is not a date as it is. For free
    /// text that may hold a date (the history's "follow-up moved to" detail); a [`Date`] has
    /// [`Date::danish`].
    pub fn danish_iso(iso: &str) -> String {
        Date::parse_iso(iso).map_or_else(|| iso.to_string(), Date::danish)
    }

    /// ISO form: 2026-12-07.
    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// The date an ISO form (`YYYY-MM-DD`, as an `<input type="date">` gives it) names; `None`
    /// for anything else, including days a month does not have (2026-02-30).
    pub fn parse_iso(text: &str) -> Option<Date> {
        let text = text.trim();
        let mut parts = text.split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if !(all_digits(y) && all_digits(m) && all_digits(d)) {
            return None;
        }
        let date = Date {
            year: y.parse().ok()?,
            month: m.parse().ok()?,
            day: d.parse().ok()?,
        };
        // A day the calendar does not have comes back as another date.
        ((1..=12).contains(&date.month) && from_days(to_days(date)) == date).then_some(date)
    }
}

/// The ISO text, `"2026-12-07"`.
impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.iso())
    }
}

/// From the ISO text only; anything else (`"2026-02-30"`, `""`, a number) is an error.
impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        deserializer.deserialize_str(IsoText)
    }
}

const EXPECTED: &str = "an ISO date (YYYY-MM-DD)";

struct IsoText;

impl Visitor<'_> for IsoText {
    type Value = Date;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(EXPECTED)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Date, E> {
        Date::parse_iso(text).ok_or_else(|| E::invalid_value(Unexpected::Str(text), &self))
    }
}

// Howard Hinnant's days-from-civil algorithms.
fn from_days(z: i64) -> Date {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    Date { year, month, day }
}

fn to_days(d: Date) -> i64 {
    let y = i64::from(d.year) - i64::from(d.month <= 2);
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(d.month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d.day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(
            Date::from_ms(0),
            Date {
                year: 1970,
                month: 1,
                day: 1
            }
        );
        // 2026-11-23 12:00 UTC
        let d = Date::from_ms(1_795_435_200_000);
        assert_eq!(
            d,
            Date {
                year: 2026,
                month: 11,
                day: 23
            }
        );
        assert_eq!(d.plus_days(8).danish(), "1.12.2026");
        assert_eq!(d.plus_days(39).iso(), "2027-01-01");
        assert_eq!(
            Date {
                year: 2028,
                month: 2,
                day: 28
            }
            .plus_days(1)
            .iso(),
            "2028-02-29"
        );
    }

    #[test]
    fn the_danish_forms() {
        let d = Date {
            year: 2026,
            month: 12,
            day: 7,
        };
        assert_eq!(d.danish(), "7.12.2026");
        assert_eq!(d.danish_at(9, 5), "7.12.2026 09:05");
        assert_eq!(Date::danish_iso("2027-01-04"), "4.1.2027");
        assert_eq!(
            Date::danish_iso("i morgen"),
            "i morgen",
            "not a date: as it is"
        );
    }

    #[test]
    fn iso_dates_are_parsed_and_anything_else_is_refused() {
        let d = |year, month, day| Some(Date { year, month, day });
        let cases = [
            ("2026-12-07", d(2026, 12, 7)),
            (" 2028-02-29 ", d(2028, 2, 29)),
            ("2026-02-29", None),
            ("2026-04-31", None),
            ("2026-13-01", None),
            ("2026-00-10", None),
            ("2026-12-00", None),
            ("2026-12-7", None),
            ("7.12.2026", None),
            ("2026-12-07-01", None),
            ("+026-12-07", None),
            ("", None),
        ];
        for (text, expected) in cases {
            assert_eq!(Date::parse_iso(text), expected, "{text:?}");
        }
        for days in (0..40_000).step_by(37) {
            let date = from_days(days);
            assert_eq!(Date::parse_iso(&date.iso()), Some(date));
        }
    }

    #[test]
    fn round_trip_over_years() {
        for days in (-1000..40_000).step_by(17) {
            assert_eq!(to_days(from_days(days)), days);
        }
    }

    #[test]
    fn weekdays_skip_the_weekend() {
        // Monday 30.11.2026 + 6 weekdays = Tuesday 8.12.2026; Friday 4.12 + 1 = Monday 7.12.
        let monday = Date {
            year: 2026,
            month: 11,
            day: 30,
        };
        assert_eq!(
            monday.plus_weekdays(6),
            Date {
                year: 2026,
                month: 12,
                day: 8
            }
        );
        let friday = Date {
            year: 2026,
            month: 12,
            day: 4,
        };
        assert_eq!(
            friday.plus_weekdays(1),
            Date {
                year: 2026,
                month: 12,
                day: 7
            }
        );
        let saturday = Date {
            year: 2026,
            month: 12,
            day: 5,
        };
        assert_eq!(
            saturday.plus_weekdays(1),
            Date {
                year: 2026,
                month: 12,
                day: 7
            }
        );
    }

    #[test]
    fn a_date_is_stored_as_its_iso_text() {
        let d = Date {
            year: 2026,
            month: 12,
            day: 7,
        };
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"2026-12-07\"");
        let early = Date {
            year: 987,
            month: 1,
            day: 2,
        };
        assert_eq!(serde_json::to_string(&early).unwrap(), "\"0987-01-02\"");
        for days in (-300_000..2_900_000).step_by(997) {
            let date = from_days(days);
            let json = serde_json::to_string(&date).unwrap();
            assert_eq!(json, format!("\"{}\"", date.iso()));
            assert_eq!(serde_json::from_str::<Date>(&json).unwrap(), date, "{json}");
            let value = serde_json::to_value(date).unwrap();
            assert_eq!(serde_json::from_value::<Date>(value).unwrap(), date);
        }
    }

    #[test]
    fn only_an_iso_text_reads_as_a_date() {
        for bad in [
            "\"2026-02-30\"",
            "\"\"",
            "\"7.12.2026\"",
            "\"2026-12-7\"",
            "20261207",
            "null",
            "[]",
        ] {
            let e = serde_json::from_str::<Date>(bad).unwrap_err();
            assert!(e.is_data(), "{bad}: {e}");
        }
        let e = serde_json::from_str::<Date>("\"2026-02-30\"").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("invalid value: string \"2026-02-30\", expected an ISO date"),
            "{e}"
        );
    }
}
