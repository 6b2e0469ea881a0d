//! Partial dates (a year, a month or a day) and the times kept in log
//! entries.

use jiff::civil::Date;

/// A date as precise as it is known: a year, a month of a year, or a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartialDate {
    /// The year.
    pub year: i32,
    /// The month, 1 to 12, when known.
    pub month: Option<u32>,
    /// The day of the month, when known (then the month is known too).
    pub day: Option<u32>,
}

/// A time that casefile does not understand.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{0}' is not a time casefile understands: use 2024-05-01T10:00:00Z, \
     2024-05-01T13:00:00+03:00, 2024-05-01, 2024-05 or 2024"
)]
pub struct DateError(pub String);

fn digits(part: &str, len: usize) -> bool {
    part.len() == len && part.bytes().all(|b| b.is_ascii_digit())
}

impl PartialDate {
    /// Reads `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, the whole text (spaces
    /// around it aside): four-digit year, two-digit month and day, a day
    /// that is in the calendar.
    pub fn parse(text: &str) -> Option<PartialDate> {
        let parts: Vec<&str> = text.trim().split('-').collect();
        let (year, month, day) = match parts.as_slice() {
            [year] => (*year, None, None),
            [year, month] => (*year, Some(*month), None),
            [year, month, day] => (*year, Some(*month), Some(*day)),
            _ => return None,
        };
        if !digits(year, 4)
            || month.is_some_and(|m| !digits(m, 2))
            || day.is_some_and(|d| !digits(d, 2))
        {
            return None;
        }
        let date = PartialDate {
            year: year.parse().ok()?,
            month: month.map(str::parse).transpose().ok()?,
            day: day.map(str::parse).transpose().ok()?,
        };
        date.last_day()?;
        Some(date)
    }

    /// The date that starts `text`, as precise as the text allows: `YYYY`,
    /// then `-MM` when a month follows, then `-DD` when a day follows, so
    /// that an RFC 3339 time gives its day. `None` when no year starts it.
    pub fn at_start(text: &str) -> Option<PartialDate> {
        let text = text.trim();
        let year = text.get(0..4).filter(|y| digits(y, 4))?.parse().ok()?;
        let part = |at: usize, range: std::ops::RangeInclusive<u32>| {
            text.get(at + 1..at + 3)
                .filter(|p| text.as_bytes().get(at) == Some(&b'-') && digits(p, 2))
                .and_then(|p| p.parse::<u32>().ok())
                .filter(|n| range.contains(n))
        };
        let month = part(4, 1..=12);
        let day = month.and(part(7, 1..=31));
        let date = PartialDate { year, month, day };
        // 31 February is not a day: the month is what is known.
        Some(if date.last_day().is_some() {
            date
        } else {
            PartialDate { day: None, ..date }
        })
    }

    /// The date as EDTF: `2024`, `2024-05` or `2024-05-01`.
    pub fn edtf(self) -> String {
        match (self.month, self.day) {
            (Some(month), Some(day)) => format!("{:04}-{month:02}-{day:02}", self.year),
            (Some(month), None) => format!("{:04}-{month:02}", self.year),
            _ => format!("{:04}", self.year),
        }
    }

    /// The first day it can mean (1 January of a year, the first of a
    /// month); `None` outside the calendar jiff knows.
    pub fn first_day(self) -> Option<Date> {
        let year = i16::try_from(self.year).ok()?;
        let month = i8::try_from(self.month.unwrap_or(1)).ok()?;
        let day = i8::try_from(self.day.unwrap_or(1)).ok()?;
        Date::new(year, month, day).ok()
    }

    /// The last day it can mean.
    pub fn last_day(self) -> Option<Date> {
        let year = i16::try_from(self.year).ok()?;
        match (self.month, self.day) {
            (None, _) => Date::new(year, 12, 31).ok(),
            (Some(month), None) => Date::new(year, i8::try_from(month).ok()?, 1)
                .ok()
                .map(|d| d.last_of_month()),
            (Some(_), Some(_)) => self.first_day(),
        }
    }
}

/// The first day a partial date typed by a person (`YYYY`, `YYYY-MM`,
/// `YYYY-MM-DD`) names.
pub fn first_day(text: &str) -> Option<Date> {
    PartialDate::parse(text)?.first_day()
}

/// Seconds since 1970 at 00:00 UTC of the first day `text` names: a
/// partial date, the day of an RFC 3339 time, or the first day an EDTF
/// value can mean (a season, a decade, an interval).
pub fn day_start(text: &str) -> Option<i64> {
    let text = text.trim();
    let day = match PartialDate::parse(text) {
        Some(date) => date.first_day()?,
        None => match text.parse::<jiff::Timestamp>() {
            Ok(time) => time.to_zoned_datetime(jiff::tz::TimeZone::UTC).date(),
            Err(_) => crate::edtf::bounds(text)?.earliest,
        },
    };
    let zoned = day.to_zoned_datetime(jiff::tz::TimeZone::UTC).ok()?;
    Some(zoned.timestamp().as_second())
}

/// Turns a person's statement of when something was collected into the
/// form kept in log entries: an RFC 3339 time with an offset becomes UTC
/// (`2024-05-01T10:00:00Z`); a day, month or year is kept as given once
/// checked.
pub fn normalize_time(text: &str) -> Result<String, DateError> {
    let text = text.trim();
    if let Ok(timestamp) = text.parse::<jiff::Timestamp>() {
        return Ok(timestamp.strftime("%Y-%m-%dT%H:%M:%SZ").to_string());
    }
    match PartialDate::parse(text) {
        Some(date) => Ok(date.edtf()),
        None => Err(DateError(text.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    #[test]
    fn what_a_person_types() {
        let p = |t: &str| PartialDate::parse(t).map(PartialDate::edtf);
        assert_eq!(p("2024"), Some("2024".to_owned()));
        assert_eq!(p(" 2024-05 "), Some("2024-05".to_owned()));
        assert_eq!(p("2024-02-29"), Some("2024-02-29".to_owned()));
        for wrong in [
            "2023-02-29",
            "2024-13",
            "2024-5",
            "24",
            "2024-05-01T10:00:00Z",
            "",
            "2024-",
        ] {
            assert_eq!(p(wrong), None, "{wrong}");
        }
        assert_eq!(first_day("2024-05"), Some(date(2024, 5, 1)));
        assert_eq!(first_day("May 2024"), None);
    }

    #[test]
    fn the_date_that_starts_a_time() {
        let s = |t: &str| PartialDate::at_start(t).map(PartialDate::edtf);
        assert_eq!(s("2024-05-01T10:00:00Z"), Some("2024-05-01".to_owned()));
        assert_eq!(s("2024-05"), Some("2024-05".to_owned()));
        assert_eq!(s("2024-13-01"), Some("2024".to_owned()));
        assert_eq!(s("2023-02-30"), Some("2023-02".to_owned()));
        assert_eq!(s("20x4"), None);
    }

    #[test]
    fn days_start_at_midnight_utc() {
        assert_eq!(day_start("1970-01-02"), Some(86_400));
        assert_eq!(day_start("1970"), Some(0));
        assert_eq!(day_start("1970-01-02T23:59:59+01:00"), Some(86_400));
        // Autumn 1970 starts on 1 September.
        assert_eq!(day_start("1970-23"), day_start("1970-09-01"));
        assert_eq!(day_start("soon"), None);
    }

    #[test]
    fn times_kept_in_entries() {
        assert_eq!(
            normalize_time("2024-05-01T13:00:00+03:00").as_deref(),
            Ok("2024-05-01T10:00:00Z")
        );
        assert_eq!(normalize_time("2024-05").as_deref(), Ok("2024-05"));
        let error = normalize_time("yesterday").unwrap_err().to_string();
        assert!(
            error.contains("'yesterday'") && error.contains("2024-05-01"),
            "{error}"
        );
    }

    proptest! {
        /// Every day written as EDTF reads back as itself, whole or at the
        /// start of a time, and its span is that one day.
        #[test]
        fn a_day_reads_back(days in 0i64..80_000) {
            let day = date(1900, 1, 1).checked_add(jiff::Span::new().days(days)).unwrap_or(date(1900, 1, 1));
            let text = day.to_string();
            let parsed = PartialDate::parse(&text);
            prop_assert_eq!(parsed.map(PartialDate::edtf), Some(text.clone()));
            prop_assert_eq!(PartialDate::at_start(&format!("{text}T00:00:00Z")), parsed);
            prop_assert_eq!(parsed.and_then(PartialDate::first_day), Some(day));
            prop_assert_eq!(parsed.and_then(PartialDate::last_day), Some(day));
        }
    }
}
