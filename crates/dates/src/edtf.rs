//! The span of days an EDTF value can mean: "2022-23" (autumn 2022) is
//! 1 September to 30 November 2022, "2024" all of 2024, "2022-11/.." from
//! 1 November 2022 on. Enough of EDTF for what casefile's extractor writes:
//! days, months, years, seasons (21–24, northern meteorological), quarters
//! (33–36) and halves (40–41), decades (`202X`), intervals with open ends,
//! and the qualifiers `?`, `~` and `%`.

use jiff::civil::Date;
use serde::Serialize;

use crate::PartialDate;

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
    if let Some(date) = PartialDate::parse(text) {
        return Some((date.first_day()?, date.last_day()?));
    }
    let (year_text, code) = text.split_once('-').unwrap_or((text, ""));
    let year_digits =
        |n: usize| year_text.len() == 4 && year_text[..n].bytes().all(|b| b.is_ascii_digit());
    // A decade: 202X.
    if code.is_empty() && year_digits(3) && year_text.ends_with('X') {
        let start: i16 = year_text[..3].parse::<i16>().ok()? * 10;
        return Some((
            Date::new(start, 1, 1).ok()?,
            Date::new(start + 9, 12, 31).ok()?,
        ));
    }
    if !year_digits(4) || code.len() != 2 {
        return None;
    }
    let year: i16 = year_text.parse().ok()?;
    let months = |from: i8, to: i8, to_year: i16| -> Option<(Date, Date)> {
        Some((Date::new(year, from, 1).ok()?, last_day(to_year, to)?))
    };
    // Seasons (northern, meteorological), quarters and halves.
    match code.parse::<i8>().ok()? {
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

/// Whether an EDTF value can be placed in time.
pub fn valid(value: &str) -> bool {
    bounds(value).is_some()
}

/// The days an EDTF value can mean as a pair of numbers that grow with
/// time (`YYYYMMDD`), the second `i64::MAX` for an open end: for comparing
/// spans without dates.
pub fn day_span(value: &str) -> Option<(i64, i64)> {
    let bounds = bounds(value)?;
    let number =
        |d: Date| i64::from(d.year()) * 10_000 + i64::from(d.month()) * 100 + i64::from(d.day());
    let last = if bounds.open {
        i64::MAX
    } else {
        number(bounds.latest)
    };
    Some((number(bounds.earliest), last))
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
        assert_eq!(day_span("2022-11/.."), Some((20_221_101, i64::MAX)));
        assert_eq!(day_span("2024-02"), Some((20_240_201, 20_240_229)));
        assert!(!valid("2024-5") && !valid("2024-42") && !valid("20X4"));
        assert_eq!(b("XXXX"), None);
        assert_eq!(b("2024-13"), None);
        assert_eq!(b(""), None);
    }
}
