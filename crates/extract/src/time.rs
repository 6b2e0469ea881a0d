//! Date and time expressions in English, Russian and Ukrainian, normalized
//! to EDTF (ISO 8601-2, levels 0 to 2).
//!
//! | expression | EDTF |
//! |---|---|
//! | 20 March 2024, 20 марта 2024 года | `2024-03-20` |
//! | November 2022, у листопаді 2022 року | `2022-11` |
//! | fall 2022, осенью 2022 года, восени 2022 року | `2022-23` (21 spring, 22 summer, 23 autumn, 24 winter) |
//! | 2017, в 2017 году | `2017` |
//! | 1990s, 90-е годы | `199X` |
//! | early / mid / late 2023 | `2023-01/2023-04`, `2023-05/2023-08`, `2023-09/2023-12` |
//! | 2017–2022, from 2017 to 2022 | `2017/2022` |
//! | since November 2022, с ноября 2022 года | `2022-11/..` |
//! | around 2017, около 2017 года | `2017~` |
//! | possibly in 2022 | `2022?` |
//!
//! Relative expressions ("earlier this year", "last month", "торік", "в
//! прошлом году", a month named without its year) are resolved against the
//! [`Anchor`] and marked [`Resolution::Relative`]; with no anchor they are
//! kept with an unspecified year (`XXXX`) and marked
//! [`Resolution::Unresolved`].

use std::ops::Range;
use std::sync::OnceLock;

// Dates as precise as they are known, read as everywhere in casefile.
use casefile_dates::PartialDate as Date;
use casefile_document::Span;
use regex::{Captures, Regex};
use serde::{Deserialize, Serialize};

use crate::Field;
use crate::spans::CharIndex;

/// A date or time expression found in the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeMention {
    /// Where it is, in characters of `field`.
    pub span: Span,
    /// The part of the document the span counts in (the text unless said).
    #[serde(default, skip_serializing_if = "Field::is_text")]
    pub field: Field,
    /// The text as written.
    pub text: String,
    /// Its value in EDTF.
    pub edtf: String,
    /// Whether the value needed a reference date.
    pub resolution: Resolution,
}

/// How a time expression got its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Resolution {
    /// The text states the value in full.
    Absolute,
    /// The value depends on a reference date, and was resolved against it.
    Relative {
        /// Which date it was resolved against.
        against: AnchorSource,
        /// That date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`).
        anchor: String,
    },
    /// The value depends on a reference date and there was none: the year
    /// is left unspecified.
    Unresolved,
}

/// Which date relative expressions are resolved against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnchorSource {
    /// The document's publication date.
    Published,
    /// When the material was captured.
    Captured,
    /// The date on the text's own header line (a note's "12 March 2024,
    /// call with O."): when it was written down.
    Header,
}

/// The reference date for relative expressions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    /// The date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub date: String,
    /// Where it comes from.
    pub source: AnchorSource,
}

/// The anchor: the publication date if it parses, else the capture date.
pub fn anchor(published: Option<&str>, captured: Option<&str>) -> Option<Anchor> {
    let parse = |text: &str, source| {
        let date = Date::at_start(text)?;
        Some(Anchor {
            date: date.edtf(),
            source,
        })
    };
    published
        .and_then(|p| parse(p, AnchorSource::Published))
        .or_else(|| captured.and_then(|c| parse(c, AnchorSource::Captured)))
}

/// A value found by a rule, before spans are settled.
#[derive(Debug, Clone)]
struct Found {
    bytes: Range<usize>,
    edtf: String,
    relative: bool,
}

type Handler = fn(&Captures<'_>, Option<&Date>) -> Vec<Found>;

struct Rule {
    pattern: Regex,
    handler: Handler,
}

const YEAR: &str = r"(?:1[89]|20)\d{2}";

fn month_number(word: &str) -> Option<u32> {
    let lower = word.to_lowercase();
    let lower = lower.trim_end_matches('.');
    const STEMS: [(&str, u32); 40] = [
        ("jan", 1),
        ("feb", 2),
        ("mar", 3),
        ("apr", 4),
        ("may", 5),
        ("jun", 6),
        ("jul", 7),
        ("aug", 8),
        ("sep", 9),
        ("oct", 10),
        ("nov", 11),
        ("dec", 12),
        ("январ", 1),
        ("феврал", 2),
        ("март", 3),
        ("апрел", 4),
        ("ма", 5),
        ("июн", 6),
        ("июл", 7),
        ("август", 8),
        ("сентябр", 9),
        ("октябр", 10),
        ("ноябр", 11),
        ("декабр", 12),
        ("січ", 1),
        ("лют", 2),
        ("берез", 3),
        ("квіт", 4),
        ("трав", 5),
        ("черв", 6),
        ("лип", 7),
        ("серп", 8),
        ("верес", 9),
        ("жовт", 10),
        ("листопад", 11),
        ("груд", 12),
        ("sept", 9),
        ("june", 6),
        ("july", 7),
        ("march", 3),
    ];
    STEMS
        .iter()
        .find(|(stem, _)| lower.starts_with(stem))
        .map(|(_, number)| *number)
}

fn season_number(word: &str) -> Option<u32> {
    let lower = word.to_lowercase();
    const STEMS: [(&str, u32); 16] = [
        ("spring", 21),
        ("summer", 22),
        ("fall", 23),
        ("autumn", 23),
        ("winter", 24),
        ("весн", 21),
        ("навесн", 21),
        ("лет", 22),
        ("літ", 22),
        ("влітку", 22),
        ("осен", 23),
        ("осін", 23),
        ("восени", 23),
        ("зим", 24),
        ("взимку", 24),
        ("осені", 23),
    ];
    STEMS
        .iter()
        .find(|(stem, _)| lower.starts_with(stem))
        .map(|(_, number)| *number)
}

const MONTH_EN: &str = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)";
const MONTH_RU: &str = r"(?i:январ[ьяеюё]м?|феврал[ьяеюё]м?|март(?:а|е|ом)?|апрел[ьяеюё]м?|маем|ма[йяею]|июн[ьяеюё]м?|июл[ьяеюё]м?|август(?:а|е|ом)?|сентябр[ьяеюё]м?|октябр[ьяеюё]м?|ноябр[ьяеюё]м?|декабр[ьяеюё]м?)";
const MONTH_UK: &str = r"(?i:січ(?:ень|ня|ні|нем)|лют(?:ий|ого|ому|ім)|берез(?:ень|ня|ні|нем)|квіт(?:ень|ня|ні|нем)|трав(?:ень|ня|ні|нем)|черв(?:ень|ня|ні|нем)|лип(?:ень|ня|ні|нем)|серп(?:ень|ня|ні|нем)|верес(?:ень|ня|ні|нем)|жовт(?:ень|ня|ні|нем)|листопад(?:а|і|ом)?|груд(?:ень|ня|ні|нем))";
/// What may follow a year in Russian and Ukrainian ("2022 года", "2022 р.").
const YEAR_WORD: &str = r"(?:\s*(?:года|году|год|г\.|року|рік|році|р\.))?";

fn group<'t>(captures: &Captures<'t>, name: &str) -> Option<regex::Match<'t>> {
    captures.name(name)
}

fn whole(captures: &Captures<'_>) -> Range<usize> {
    captures.get(0).map_or(0..0, |m| m.range())
}

fn year_of(captures: &Captures<'_>, name: &str) -> Option<i32> {
    group(captures, name)?.as_str().parse().ok()
}

fn absolute(bytes: Range<usize>, edtf: String) -> Vec<Found> {
    vec![Found {
        bytes,
        edtf,
        relative: false,
    }]
}

fn full_date(c: &Captures<'_>, _: Option<&Date>) -> Vec<Found> {
    let (Some(year), Some(month), Some(day)) = (
        year_of(c, "year"),
        group(c, "month").and_then(|m| month_number(m.as_str())),
        group(c, "day").and_then(|d| d.as_str().parse::<u32>().ok()),
    ) else {
        return Vec::new();
    };
    if !(1..=31).contains(&day) {
        return Vec::new();
    }
    absolute(whole(c), format!("{year:04}-{month:02}-{day:02}"))
}

fn two_months(c: &Captures<'_>, _: Option<&Date>) -> Vec<Found> {
    let (Some(year), Some(first), Some(second)) =
        (year_of(c, "year"), group(c, "m1"), group(c, "m2"))
    else {
        return Vec::new();
    };
    let (Some(m1), Some(m2)) = (month_number(first.as_str()), month_number(second.as_str())) else {
        return Vec::new();
    };
    let end = whole(c).end;
    vec![
        Found {
            bytes: first.range(),
            edtf: format!("{year:04}-{m1:02}"),
            relative: false,
        },
        Found {
            bytes: second.start()..end,
            edtf: format!("{year:04}-{m2:02}"),
            relative: false,
        },
    ]
}

fn month_year(c: &Captures<'_>, _: Option<&Date>) -> Vec<Found> {
    let (Some(year), Some(month)) = (
        year_of(c, "year"),
        group(c, "month").and_then(|m| month_number(m.as_str())),
    ) else {
        return Vec::new();
    };
    absolute(whole(c), format!("{year:04}-{month:02}"))
}

fn season_year(c: &Captures<'_>, _: Option<&Date>) -> Vec<Found> {
    let (Some(year), Some(season)) = (
        year_of(c, "year"),
        group(c, "season").and_then(|m| season_number(m.as_str())),
    ) else {
        return Vec::new();
    };
    absolute(whole(c), format!("{year:04}-{season}"))
}

fn year_part(c: &Captures<'_>, _: Option<&Date>) -> Vec<Found> {
    let (Some(year), Some(part)) = (year_of(c, "year"), group(c, "part")) else {
        return Vec::new();
    };
    let part = part.as_str().to_lowercase();
    let (from, to) = if part.starts_with("early") || part.contains("нача") || part.contains("почат")
    {
        (1, 4)
    } else if part.starts_with("mid") || part.contains("середин") {
        (5, 8)
    } else {
        (9, 12)
    };
    absolute(whole(c), format!("{year:04}-{from:02}/{year:04}-{to:02}"))
}

fn year_range(c: &Captures<'_>, _: Option<&Date>) -> Vec<Found> {
    let (Some(first), Some(second)) = (year_of(c, "y1"), year_of(c, "y2")) else {
        return Vec::new();
    };
    if second < first {
        return Vec::new();
    }
    absolute(whole(c), format!("{first:04}/{second:04}"))
}

fn decade(c: &Captures<'_>, _: Option<&Date>) -> Vec<Found> {
    let Some(digits) = group(c, "decade") else {
        return Vec::new();
    };
    let digits = digits.as_str();
    let decade = if digits.len() == 2 {
        // "the '90s", "90-е": the twentieth century's decades.
        format!("19{}X", &digits[..1])
    } else {
        format!("{}X", &digits[..3])
    };
    absolute(whole(c), decade)
}

fn year(c: &Captures<'_>, _: Option<&Date>) -> Vec<Found> {
    let Some(year) = year_of(c, "year") else {
        return Vec::new();
    };
    absolute(whole(c), format!("{year:04}"))
}

fn relative(bytes: Range<usize>, edtf: Option<String>) -> Vec<Found> {
    vec![Found {
        bytes,
        edtf: edtf.unwrap_or_else(|| "XXXX".to_owned()),
        relative: true,
    }]
}

fn shift_month(year: i32, month: u32, by: i32) -> (i32, u32) {
    let total = year * 12 + month as i32 - 1 + by;
    (total.div_euclid(12), (total.rem_euclid(12) + 1) as u32)
}

fn month_alone(c: &Captures<'_>, anchor: Option<&Date>) -> Vec<Found> {
    let Some(m) = group(c, "month") else {
        return Vec::new();
    };
    let Some(month) = month_number(m.as_str()) else {
        return Vec::new();
    };
    let edtf = anchor.map(|anchor| {
        // A month named without its year is the latest such month up to
        // the reference date.
        let year = match anchor.month {
            Some(now) if month > now => anchor.year - 1,
            _ => anchor.year,
        };
        format!("{year:04}-{month:02}")
    });
    let mut found = relative(m.range(), edtf);
    if anchor.is_none() {
        found[0].edtf = format!("XXXX-{month:02}");
    }
    found
}

fn month_day(c: &Captures<'_>, anchor: Option<&Date>) -> Vec<Found> {
    let (Some(m), Some(day)) = (
        group(c, "month").and_then(|m| month_number(m.as_str())),
        group(c, "day").and_then(|d| d.as_str().parse::<u32>().ok()),
    ) else {
        return Vec::new();
    };
    if !(1..=31).contains(&day) {
        return Vec::new();
    }
    let edtf = match anchor {
        Some(anchor) => {
            let later = match (anchor.month, anchor.day) {
                (Some(now_month), Some(now_day)) => (m, day) > (now_month, now_day),
                (Some(now_month), None) => m > now_month,
                _ => false,
            };
            let year = if later { anchor.year - 1 } else { anchor.year };
            format!("{year:04}-{m:02}-{day:02}")
        }
        None => format!("XXXX-{m:02}-{day:02}"),
    };
    relative(whole(c), Some(edtf))
}

fn relative_phrase(c: &Captures<'_>, anchor: Option<&Date>) -> Vec<Found> {
    let Some(phrase) = group(c, "rel") else {
        return Vec::new();
    };
    let text = phrase.as_str().to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| text.contains(w));
    let Some(anchor) = anchor else {
        return relative(whole(c), None);
    };
    let y = anchor.year;
    let day_edtf = |date: Date| date.edtf();
    let edtf = if has(&[
        "earlier this year",
        "ранее в этом году",
        "раніше цього року",
        "начале этого года",
        "начале года",
        "на початку року",
        "на початку цього року",
    ]) {
        match (anchor.month, anchor.day) {
            (Some(_), _) => Some(format!("{y:04}-01/{}", day_edtf(*anchor))),
            _ => Some(format!("{y:04}")),
        }
    } else if has(&["later this year", "позже в этом году", "пізніше цього року"])
    {
        match anchor.month {
            Some(_) => Some(format!("{}/{y:04}-12", day_edtf(*anchor))),
            None => Some(format!("{y:04}")),
        }
    } else if has(&["позапрошл", "позаторік", "year before last"]) {
        Some(format!("{:04}", y - 2))
    } else if has(&[
        "last year",
        "previous year",
        "year before",
        "прошлом году",
        "торік",
        "минулого року",
        "минулому році",
        "прошлого года",
    ]) {
        Some(format!("{:04}", y - 1))
    } else if has(&[
        "next year",
        "следующем году",
        "наступного року",
        "наступному році",
    ]) {
        Some(format!("{:04}", y + 1))
    } else if has(&[
        "this year",
        "этом году",
        "текущем году",
        "цього року",
        "цьому році",
        "поточному році",
    ]) {
        Some(format!("{y:04}"))
    } else if has(&[
        "last month",
        "прошлом месяце",
        "минулого місяця",
        "минулому місяці",
    ]) {
        anchor.month.map(|m| {
            let (year, month) = shift_month(y, m, -1);
            format!("{year:04}-{month:02}")
        })
    } else if has(&["this month", "этом месяце", "цього місяця", "цьому місяці"])
    {
        anchor.month.map(|m| format!("{y:04}-{m:02}"))
    } else if has(&["next month", "следующем месяце", "наступного місяця"])
    {
        anchor.month.map(|m| {
            let (year, month) = shift_month(y, m, 1);
            format!("{year:04}-{month:02}")
        })
    } else if has(&["yesterday", "вчера", "вчора"]) {
        yesterday(*anchor).map(day_edtf)
    } else if has(&["today", "сегодня", "сьогодні"]) {
        anchor.day.map(|_| day_edtf(*anchor))
    } else {
        None
    };
    relative(whole(c), edtf)
}

fn yesterday(date: Date) -> Option<Date> {
    let (month, day) = (date.month?, date.day?);
    if day > 1 {
        return Some(Date {
            day: Some(day - 1),
            ..date
        });
    }
    let (year, month) = shift_month(date.year, month, -1);
    let last = match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    Some(Date {
        year,
        month: Some(month),
        day: Some(last),
    })
}

fn ago(c: &Captures<'_>, anchor: Option<&Date>) -> Vec<Found> {
    let count = group(c, "n").map_or(Some(1.0), |n| crate::numbers::value(n.as_str()));
    let (Some(count), Some(unit)) = (count, group(c, "unit")) else {
        return Vec::new();
    };
    let count = count as i32;
    let unit = unit.as_str().to_lowercase();
    let Some(anchor) = anchor else {
        return relative(whole(c), None);
    };
    let edtf = if unit.starts_with("year")
        || unit.starts_with("год")
        || unit.starts_with("лет")
        || unit.starts_with("рок")
        || unit.starts_with("рік")
    {
        Some(format!("{:04}~", anchor.year - count))
    } else if unit.starts_with("month") || unit.starts_with("месяц") || unit.starts_with("місяц")
    {
        anchor.month.map(|m| {
            let (year, month) = shift_month(anchor.year, m, -count);
            format!("{year:04}-{month:02}~")
        })
    } else {
        None
    };
    relative(whole(c), edtf)
}

fn rules() -> &'static [Rule] {
    static RULES: OnceLock<Vec<Rule>> = OnceLock::new();
    RULES.get_or_init(|| {
        let number = crate::numbers::number_pattern();
        let rule = |pattern: String, handler: Handler| Rule {
            pattern: crate::bounded::compile(&pattern),
            handler,
        };
        vec![
            // Full dates.
            rule(format!(r"\b(?P<month>{MONTH_EN}) (?P<day>\d{{1,2}})(?:st|nd|rd|th)?,? (?P<year>{YEAR})\b"), full_date),
            rule(format!(r"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)? (?:of )?(?P<month>{MONTH_EN}),? (?P<year>{YEAR})\b"), full_date),
            rule(format!(r"\b(?P<day>\d{{1,2}})\s+(?P<month>{MONTH_RU}|{MONTH_UK})\s+(?P<year>{YEAR}){YEAR_WORD}"), full_date),
            // Two months sharing a year.
            rule(format!(r"\b(?P<m1>{MONTH_EN})(?:,| and| or) (?P<m2>{MONTH_EN}),? (?:of )?(?P<year>{YEAR})\b"), two_months),
            rule(format!(r"\b(?P<m1>{MONTH_RU}|{MONTH_UK})\s*(?:,|\s(?:и|или|і|й|та|або))\s+(?P<m2>{MONTH_RU}|{MONTH_UK})\s+(?P<year>{YEAR}){YEAR_WORD}"), two_months),
            // Month and year.
            rule(format!(r"\b(?P<month>{MONTH_EN}),? (?:of )?(?P<year>{YEAR})\b"), month_year),
            rule(format!(r"\b(?P<month>{MONTH_RU}|{MONTH_UK})\s+(?P<year>{YEAR}){YEAR_WORD}"), month_year),
            // Seasons.
            rule(format!(r"(?i)\b(?P<season>spring|summer|fall|autumn|winter)(?: of)?,? (?P<year>{YEAR})\b"), season_year),
            rule(format!(r"(?i)\b(?P<season>осень[юи]?|весн(?:ой|ы|а|е)|лет(?:ом|а|о)|зим(?:ой|ы|а|е)|восени|осін(?:ь|ню)|осені|навесні|весн(?:ою|и|і)|влітку|літ(?:ом|а|о)|взимку|зим(?:ою|і))\s+(?P<year>{YEAR}){YEAR_WORD}"), season_year),
            // Parts of a year.
            rule(format!(r"(?i)\b(?P<part>early|mid|late)[\s-]+(?P<year>{YEAR})\b"), year_part),
            rule(format!(r"(?i)\b(?:в|у)\s+(?P<part>начале|середине|конце|кінці|середині)\s+(?P<year>{YEAR}){YEAR_WORD}"), year_part),
            rule(format!(r"(?i)\b(?P<part>на початку)\s+(?P<year>{YEAR}){YEAR_WORD}"), year_part),
            // Ranges of years.
            rule(format!(r"(?i)\b(?:from |between )?(?P<y1>{YEAR})\s*(?:-|–|—|to|until|through|and)\s*(?P<y2>{YEAR})\b"), year_range),
            rule(format!(r"(?i)\b(?:с|з|від)\s+(?P<y1>{YEAR})\s+(?:по|до)\s+(?P<y2>{YEAR}){YEAR_WORD}"), year_range),
            // Decades.
            rule(r"(?i)\b(?P<decade>(?:19|20)\d0)s\b|'(?P<decade2>\d0)s\b".to_owned(), decade_any),
            rule(r"(?i)\b(?P<decade>(?:19|20)?\d0)-(?:е|х|ті|ых|их)(?:\s+(?:годы|годах|годов|роки|роках))?".to_owned(), decade),
            // Relative phrases.
            rule(r"(?i)\b(?P<rel>earlier this year|later this year|this year|last year|the previous year|the year before last|the year before|next year|this month|last month|next month|yesterday|today)\b".to_owned(), relative_phrase),
            rule(r"(?i)(?:\b(?:в|у)\s+)?(?P<rel>ранее в этом году|позже в этом году|позапрошлом году|прошлом году|этом году|текущем году|следующем году|прошлом месяце|этом месяце|следующем месяце|начале этого года|начале года|прошлого года|раніше цього року|пізніше цього року|на початку цього року|на початку року|позаторік|торік|минулого року|минулому році|цього року|цьому році|поточному році|наступного року|наступному році|минулого місяця|минулому місяці|цього місяця|цьому місяці|наступного місяця|вчера|сегодня|вчора|сьогодні)\b".to_owned(), relative_phrase),
            rule(format!(r"(?i)\b(?:(?P<n>{number})|an?) (?P<unit>years?|months?) ago\b"), ago),
            rule(format!(r"(?i)\b(?P<n>{number})?\s*(?P<unit>года|год|лет|месяцев|месяца|месяц|років|роки|рік|місяців|місяці|місяць)\s+(?:назад|тому)\b"), ago),
            // A month and day without a year; a month alone after a
            // preposition.
            rule(format!(r"\b(?P<month>{MONTH_EN}) (?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b"), month_day),
            rule(format!(r"\b(?P<day>\d{{1,2}})\s+(?P<month>{MONTH_RU}|{MONTH_UK})\b"), month_day),
            rule(format!(r"\b(?:[Ii]n|[Ss]ince|[Ff]rom|[Uu]ntil|[Bb]y|[Oo]f|[Ll]ast|[Tt]his|[Ee]arly|[Ll]ate|[Mm]id-?)\s+(?P<month>{MONTH_EN})\b"), month_alone),
            rule(format!(r"(?i)\b(?:в|во|с|со|до|к|по|у|з|із|від)\s+(?P<month>{MONTH_RU}|{MONTH_UK})\b"), month_alone),
            // A year on its own.
            rule(format!(r"\b(?P<year>{YEAR}){YEAR_WORD}\b"), year),
        ]
    })
}

fn decade_any(c: &Captures<'_>, anchor: Option<&Date>) -> Vec<Found> {
    if c.name("decade").is_some() {
        return decade(c, anchor);
    }
    let Some(digits) = c.name("decade2") else {
        return Vec::new();
    };
    absolute(whole(c), format!("19{}X", &digits.as_str()[..1]))
}

fn qualifier_patterns() -> &'static (Regex, Regex, Regex, Regex) {
    static PATTERNS: OnceLock<(Regex, Regex, Regex, Regex)> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        let compile = |p: &str| Regex::new(p).unwrap_or_else(|e| unreachable!("a fixed pattern: {e}"));
        (
            // Since: an interval open at its end.
            compile(r"(?i)(?:\b(?:since|starting in|starting from|ever since)|(?:^|\s)(?:с|со|начиная с|з|із|починаючи з|від))\s+$"),
            // About: approximate.
            compile(r"(?i)\b(?:around|about|circa|approximately|roughly|около|примерно|приблизно|близько|орієнтовно)\s+(?:in\s+|в\s+|у\s+)?$"),
            // Possibly: uncertain.
            compile(r"(?i)\b(?:possibly|probably|perhaps|reportedly|likely|вероятно|возможно|предположительно|ймовірно|можливо|імовірно)\s+(?:in\s+|в\s+|у\s+)?$"),
            // Joining two times into an interval.
            compile(r"(?i)^\s*(?:-|–|—|to|until|through|till|до|по)\s*$"),
        )
    })
}

/// Finds every time expression in `text`.
pub(crate) fn find(text: &str, index: &CharIndex, anchor: Option<&Anchor>) -> Vec<TimeMention> {
    let date = anchor.and_then(|a| Date::at_start(&a.date));
    let mut found: Vec<Found> = Vec::new();
    for rule in rules() {
        for captures in crate::bounded::captures(&rule.pattern, text) {
            found.extend((rule.handler)(&captures, date.as_ref()));
        }
    }
    // Longest first at each start; then keep what does not overlap.
    found.sort_by(|a, b| {
        a.bytes
            .start
            .cmp(&b.bytes.start)
            .then(b.bytes.end.cmp(&a.bytes.end))
    });
    let mut kept: Vec<Found> = Vec::new();
    for candidate in found {
        if candidate.bytes.is_empty() {
            continue;
        }
        if let Some(overlapping) = kept
            .iter_mut()
            .find(|k| k.bytes.start < candidate.bytes.end && candidate.bytes.start < k.bytes.end)
        {
            if candidate.bytes.len() > overlapping.bytes.len() {
                *overlapping = candidate;
            }
            continue;
        }
        kept.push(candidate);
    }
    kept.sort_by_key(|f| f.bytes.start);

    // Qualifiers around the expressions: since, about, possibly, and two
    // expressions joined into an interval.
    let (since, about, possibly, joiner) = qualifier_patterns();
    let mut merged: Vec<Found> = Vec::new();
    for mut item in kept {
        if let Some(previous) = merged.last_mut() {
            let between = &text[previous.bytes.end..item.bytes.start];
            if !previous.edtf.contains('/') && !item.edtf.contains('/') && joiner.is_match(between)
            {
                previous.edtf = format!("{}/{}", previous.edtf, item.edtf);
                previous.bytes.end = item.bytes.end;
                previous.relative |= item.relative;
                continue;
            }
        }
        let before_start = text[..item.bytes.start]
            .char_indices()
            .rev()
            .nth(24)
            .map_or(0, |(at, _)| at);
        let before = &text[before_start..item.bytes.start];
        if !item.edtf.contains('/') {
            if let Some(m) = since.find(before) {
                item.bytes.start =
                    before_start + m.start() + (m.as_str().len() - m.as_str().trim_start().len());
                item.edtf = format!("{}/..", item.edtf);
            } else if let Some(m) = about.find(before) {
                item.bytes.start = before_start + m.start();
                item.edtf.push('~');
            } else if let Some(m) = possibly.find(before) {
                item.bytes.start = before_start + m.start();
                item.edtf.push('?');
            }
        }
        merged.push(item);
    }
    merged
        .into_iter()
        .map(|item| {
            let resolution = match (item.relative, anchor) {
                (false, _) => Resolution::Absolute,
                (true, Some(anchor)) if !item.edtf.starts_with("XXXX") => Resolution::Relative {
                    against: anchor.source,
                    anchor: anchor.date.clone(),
                },
                (true, _) => Resolution::Unresolved,
            };
            TimeMention {
                field: Field::Text,
                span: index.span(item.bytes.clone()),
                text: text[item.bytes].to_owned(),
                edtf: item.edtf,
                resolution,
            }
        })
        .collect()
}
