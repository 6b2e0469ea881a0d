//! Details that identify a person, found in text to be masked before a
//! testimony leaves the case: phone numbers, e-mail addresses, street
//! addresses and dates of birth, in Russian, Ukrainian and English.
//!
//! These are proposals: a person confirms each before it is masked. The
//! finder errs towards proposing (a masked date too many costs a click; a
//! phone number left in a disclosed testimony can cost a life), but stays
//! away from plain dates, years and counts.

use std::sync::LazyLock;

use casefile_document::Span;
use regex::Regex;
use serde::{Deserialize, Serialize};

/// What kind of identifying detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DetailKind {
    /// A telephone number.
    Phone,
    /// An e-mail address.
    Email,
    /// A street address (street and house number).
    Address,
    /// A date of birth.
    BirthDate,
}

impl DetailKind {
    /// The name used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            DetailKind::Phone => "phone",
            DetailKind::Email => "email",
            DetailKind::Address => "address",
            DetailKind::BirthDate => "birth-date",
        }
    }
}

/// One detail found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Detail {
    /// What it is.
    pub kind: DetailKind,
    /// Where it is, in characters of the text.
    pub span: Span,
    /// As written.
    pub text: String,
}

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+").expect("the e-mail pattern compiles")
});

static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\+?\(?\d[\d\s\-()]{5,20}\d").expect("the phone pattern compiles")
});

static ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:\b(?:ул|вул|пр|пер|просп|бульв|б-р)\.|\b(?:улиц[аеыу]|вулиц[яіюі]|проспект[ае]?|переул(?:ок|ке)|провул(?:ок|ку)|бульвар[еу]?|шоссе|street|avenue|road|lane)\b)\s*[\p{L}\-. ]{0,40}?,?\s*(?:(?:д|дом|буд|будинок|house|no)\.?\s*)?№?\s*\d{1,4}[\p{L}]?(?:\s*[,/]\s*(?:(?:кв|квартира|apt|flat)\.?\s*)?\d{1,4})?",
    )
    .expect("the address pattern compiles")
});

static BIRTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:родил(?:ся|ась)|дата\s+рождения|д\.\s?р\.|г\.\s?р\.|народи(?:вся|лася)|дата\s+народження|born(?:\s+on)?|date\s+of\s+birth)\s*:?\s*(\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{1,2}\s+\p{L}+\s+\d{4}(?:\s*(?:года|г\.|року|р\.))?|\p{L}+\s+\d{1,2},?\s+\d{4}|\d{4}(?:\s*(?:года|г\.|року|р\.))?)",
    )
    .expect("the birth date pattern compiles")
});

static RESIDENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:[Жж]ител[ьяию]|[Жж]ительниц[аыу]|[Пп]роживаю|[Пп]роживающ(?:ий|ая)|[Пп]рожива(?:ет|ла|л)|[Мм]ешкан(?:ець|ка|ця)|[Мм]ешкаю|[Мм]ешка(?:є|ла|в)|lives in|living in|resident of|from the village of)\s+(?:(?:в|у|на|in)\s+)?(?:(?:сел[аоеі]|деревн[иея]|пос[её]лк[ае]|город[ае]|міст[аі]|смт|пгт|с\.|г\.|м\.|пос\.)\s+)?(\p{Lu}[\p{L}\-]+(?:[\s\-]\p{Lu}[\p{L}\-]+)?)",
    )
    .expect("the residence pattern compiles")
});

/// The identifying details in `text`, in order, none overlapping.
pub fn identifying(text: &str) -> Vec<Detail> {
    let mut found: Vec<(DetailKind, std::ops::Range<usize>)> = Vec::new();
    for m in EMAIL.find_iter(text) {
        found.push((DetailKind::Email, m.range()));
    }
    for m in PHONE.find_iter(text) {
        let digits = m.as_str().chars().filter(char::is_ascii_digit).count();
        let international = m.as_str().starts_with('+');
        // Ten digits or more, or seven with a country code: not a year, a
        // date or a count.
        if (digits >= 10 || (international && digits >= 7)) && digits <= 15 {
            found.push((DetailKind::Phone, trim_range(text, m.range())));
        }
    }
    for m in ADDRESS.find_iter(text) {
        found.push((DetailKind::Address, trim_range(text, m.range())));
    }
    // Where someone lives: a settlement named after "житель села" and
    // the like is an address in a village.
    for captures in RESIDENCE.captures_iter(text) {
        if let Some(place) = captures.get(1) {
            found.push((DetailKind::Address, trim_range(text, place.range())));
        }
    }
    for captures in BIRTH.captures_iter(text) {
        if let Some(date) = captures.get(1) {
            found.push((DetailKind::BirthDate, trim_range(text, date.range())));
        }
    }
    // The earliest first, the longest of those that start together; a
    // detail inside another is left out.
    found.sort_by(|a, b| a.1.start.cmp(&b.1.start).then(b.1.end.cmp(&a.1.end)));
    let mut out: Vec<Detail> = Vec::new();
    let mut reached = 0usize;
    let mut chars_before = 0usize;
    let mut counted_to = 0usize;
    for (kind, range) in found {
        if range.start < reached || range.is_empty() {
            continue;
        }
        reached = range.end;
        chars_before += text[counted_to..range.start].chars().count();
        counted_to = range.start;
        let len = text[range.clone()].chars().count();
        out.push(Detail {
            kind,
            span: Span {
                start: chars_before,
                end: chars_before + len,
            },
            text: text[range].to_owned(),
        });
    }
    out
}

/// `range` without the spaces and punctuation a pattern may end on.
fn trim_range(text: &str, range: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let piece = &text[range.clone()];
    let trimmed = piece.trim_end_matches(|c: char| c.is_whitespace() || c == ',' || c == '-');
    let start_trim = trimmed.len() - trimmed.trim_start().len();
    range.start + start_trim..range.start + trimmed.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(&'static str, String)> {
        identifying(text)
            .into_iter()
            .map(|d| {
                let chars: String = text
                    .chars()
                    .skip(d.span.start)
                    .take(d.span.end - d.span.start)
                    .collect();
                assert_eq!(chars, d.text, "the span is the text");
                (d.kind.as_str(), d.text)
            })
            .collect()
    }

    #[test]
    fn identifying_details_are_found_in_each_language() {
        let cases: &[(&str, &[(&str, &str)])] = &[
            (
                "Звоните мне: +7 912 555-83-41 или 8 (912) 555-83-42.",
                &[
                    ("phone", "+7 912 555-83-41"),
                    ("phone", "8 (912) 555-83-42"),
                ],
            ),
            (
                "Пишите на vera.k+tips@example.org, отвечу.",
                &[("email", "vera.k+tips@example.org")],
            ),
            (
                "Живу по адресу ул. Садовая, д. 14, кв. 7, второй подъезд.",
                &[("address", "ул. Садовая, д. 14, кв. 7")],
            ),
            (
                "Мешкаю на вулиці Шевченка, 21 у Бахмуті.",
                &[("address", "вулиці Шевченка, 21")],
            ),
            (
                "She was staying at Lenina street 5/12 then.",
                &[("address", "street 5/12")],
            ),
            (
                "Я родился 03.04.1987 в Донецке.",
                &[("birth-date", "03.04.1987")],
            ),
            (
                "Я народився 5 травня 1990 року.",
                &[("birth-date", "5 травня 1990 року")],
            ),
            ("Date of birth: 1979", &[("birth-date", "1979")]),
            (
                "Я, житель села Щеглово-Заречное, видел всё сам.",
                &[("address", "Щеглово-Заречное")],
            ),
            (
                "Мешканець міста Торецьк розповів нам.",
                &[("address", "Торецьк")],
            ),
            ("He lives in Kramatorsk now.", &[("address", "Kramatorsk")]),
        ];
        for (text, expected) in cases {
            let expected: Vec<(&str, String)> = expected
                .iter()
                .map(|(k, t)| (*k, (*t).to_owned()))
                .collect();
            assert_eq!(found(text), expected, "{text}");
        }
    }

    #[test]
    fn dates_years_and_counts_are_not_taken_for_details() {
        for text in [
            "В марте 2024 года около 500 человек подписали контракт на 6 месяцев.",
            "The contract of 2024-05-02 ran until 2024-11-02; 1200 men signed.",
            "Из 1 500 000 рублей выплатили 300 000.",
            "Приказ № 123 от 12.03.2024.",
        ] {
            assert_eq!(found(text), Vec::<(&str, String)>::new(), "{text}");
        }
    }
}
