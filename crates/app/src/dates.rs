//! Partial dates as people type them (YYYY, YYYY-MM, YYYY-MM-DD): the one
//! reader of them for search filters and report dates.

/// Seconds since 1970 at the start of a day given as YYYY, YYYY-MM or
/// YYYY-MM-DD (the first day of a year or month), or of the date that
/// starts an RFC 3339 time.
pub fn day_start(text: &str) -> Option<i64> {
    let text = text.trim();
    let date = text.get(..10).unwrap_or(text);
    let mut parts = date.splitn(3, '-');
    let year: i16 = parts.next()?.parse().ok()?;
    let month: i8 = parts.next().map_or(Some(1), |m| m.parse().ok())?;
    let day: i8 = parts.next().map_or(Some(1), |d| d.parse().ok())?;
    let date = jiff::civil::Date::new(year, month, day).ok()?;
    let zoned = date.to_zoned_datetime(jiff::tz::TimeZone::UTC).ok()?;
    Some(zoned.timestamp().as_second())
}

/// The day YYYY-MM-DD names, or the first day of the month YYYY-MM or of
/// the year YYYY.
pub fn first_day(text: &str) -> Option<jiff::civil::Date> {
    let parts: Vec<&str> = text.trim().split('-').collect();
    if parts.len() > 3 {
        return None;
    }
    let number = |i: usize, default: i64| -> Option<i64> {
        parts.get(i).map_or(Some(default), |p| p.parse().ok())
    };
    let year = i16::try_from(number(0, 0)?).ok()?;
    let month = i8::try_from(number(1, 1)?).ok()?;
    let day = i8::try_from(number(2, 1)?).ok()?;
    jiff::civil::Date::new(year, month, day).ok()
}
