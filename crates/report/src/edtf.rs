//! The span of days an EDTF value can mean: "2022-23" (autumn 2022) is
//! 1 September to 30 November 2022, "2024" all of 2024, "2022-11/.." from
//! 1 November 2022 on. Enough of EDTF for what casefile's extractor writes:
//! days, months, years, seasons (21–24, northern meteorological), quarters
//! (33–36) and halves (40–41), decades (`202X`), intervals with open ends,
//! and the qualifiers `?`, `~` and `%`.

use jiff::civil::Date;
use serde::Serialize;

/// The days a value can mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Bounds {
    /// The first day it can mean.
    pub earliest: Date,
    /// The last day it can mean (for an open end, the same as `earliest`
    /// and `open` is set).
    pub latest: Date,
    /// It runs on with no end ("since November 2022").
    pub open: bool,
    /// Marked approximate (`~`) or uncertain (`?`).
    pub qualified: bool,
}

impl Bounds {
    /// Whether it means one day exactly.
    pub fn exact(&self) -> bool {
        self.earliest == self.latest && !self.open && !self.qualified
    }
}

fn last_day(year: i16, month: i8) -> Option<Date> {
    Date::new(year, month, 1).ok().map(|d| d.last_of_month())
}

/// One date without interval: its first and last day.
fn single(text: &str) -> Option<(Date, Date)> {
    let parts: Vec<&str> = text.split('-').collect();
    let year_text = *parts.first()?;
    // A decade: 202X.
    if year_text.len() == 4
        && year_text.ends_with('X')
        && year_text[..3].bytes().all(|b| b.is_ascii_digit())
    {
        let start: i16 = year_text[..3].parse::<i16>().ok()? * 10;
        return Some((
            Date::new(start, 1, 1).ok()?,
            Date::new(start + 9, 12, 31).ok()?,
        ));
    }
    if year_text.len() != 4 || !year_text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i16 = year_text.parse().ok()?;
    match parts.len() {
        1 => Some((Date::new(year, 1, 1).ok()?, Date::new(year, 12, 31).ok()?)),
        2 => {
            let code: i8 = parts[1].parse().ok()?;
            let months = |from: i8, to: i8, to_year: i16| -> Option<(Date, Date)> {
                Some((Date::new(year, from, 1).ok()?, last_day(to_year, to)?))
            };
            match code {
                1..=12 => months(code, code, year),
                21 => months(3, 5, year),
                22 => months(6, 8, year),
                23 => months(9, 11, year),
                24 => months(12, 2, year + 1),
                33 => months(1, 3, year),
                34 => months(4, 6, year),
                35 => months(7, 9, year),
                36 => months(10, 12, year),
                40 => months(1, 6, year),
                41 => months(7, 12, year),
                _ => None,
            }
        }
        3 => {
            let day = Date::new(year, parts[1].parse().ok()?, parts[2].parse().ok()?).ok()?;
            Some((day, day))
        }
        _ => None,
    }
}

/// The days an EDTF value can mean, or `None` when it names no day that
/// can be placed (`XXXX`, unknown forms).
pub fn bounds(value: &str) -> Option<Bounds> {
    let qualified = value.contains(['~', '?', '%']);
    let clean: String = value
        .chars()
        .filter(|c| !matches!(c, '~' | '?' | '%'))
        .collect();
    if let Some((from, to)) = clean.split_once('/') {
        let start = if from.is_empty() || from == ".." {
            None
        } else {
            Some(single(from)?)
        };
        let end = if to.is_empty() || to == ".." {
            None
        } else {
            Some(single(to)?)
        };
        return match (start, end) {
            (Some((a, _)), Some((_, b))) => Some(Bounds {
                earliest: a,
                latest: b,
                open: false,
                qualified,
            }),
            (Some((a, _)), None) => Some(Bounds {
                earliest: a,
                latest: a,
                open: true,
                qualified,
            }),
            (None, Some((_, b))) => Some(Bounds {
                earliest: b,
                latest: b,
                open: false,
                qualified: true,
            }),
            (None, None) => None,
        };
    }
    let (earliest, latest) = single(&clean)?;
    Some(Bounds {
        earliest,
        latest,
        open: false,
        qualified,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn the_forms_the_extractor_writes() {
        let b = |v: &str| bounds(v).map(|b| (b.earliest, b.latest, b.open, b.qualified));
        assert_eq!(
            b("2022-23"),
            Some((date(2022, 9, 1), date(2022, 11, 30), false, false))
        );
        assert_eq!(
            b("2022-24"),
            Some((date(2022, 12, 1), date(2023, 2, 28), false, false))
        );
        assert_eq!(
            b("2024-01"),
            Some((date(2024, 1, 1), date(2024, 1, 31), false, false))
        );
        assert_eq!(
            b("2017"),
            Some((date(2017, 1, 1), date(2017, 12, 31), false, false))
        );
        assert_eq!(
            b("2024-03-20"),
            Some((date(2024, 3, 20), date(2024, 3, 20), false, false))
        );
        assert_eq!(
            b("2022-11/.."),
            Some((date(2022, 11, 1), date(2022, 11, 1), true, false))
        );
        assert_eq!(
            b("2017~"),
            Some((date(2017, 1, 1), date(2017, 12, 31), false, true))
        );
        assert_eq!(
            b("201X"),
            Some((date(2010, 1, 1), date(2019, 12, 31), false, false))
        );
        assert_eq!(
            b("2024-01/2024-05"),
            Some((date(2024, 1, 1), date(2024, 5, 31), false, false))
        );
        assert_eq!(
            b("2024-40"),
            Some((date(2024, 1, 1), date(2024, 6, 30), false, false))
        );
        assert_eq!(b("XXXX"), None);
        assert_eq!(b("2024-13"), None);
        assert_eq!(b(""), None);
    }
}
