//! Quantities of people and things: "about 500 people", "hundreds of former
//! prisoners", "около 500 человек", "сотні", with the value or range, the
//! order of magnitude when only that is given, whether it is approximate,
//! and the counted noun.

use std::sync::OnceLock;

use casefile_document::Span;
use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::Field;
use crate::duration::DurationMention;
use crate::spans::CharIndex;
use crate::time::TimeMention;

/// A quantity found in the text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quantity {
    /// Where it is (number and counted noun), in characters of `field`.
    pub span: Span,
    /// The part of the document the span counts in (the text unless said).
    #[serde(default, skip_serializing_if = "Field::is_text")]
    pub field: Field,
    /// The text as written.
    pub text: String,
    /// The number, when one is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// A range's ends ("300–500", "at least 200": only `low`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<f64>,
    /// See `low`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
    /// Only the order of magnitude is given ("hundreds": 100, "thousands":
    /// 1000, "dozens": 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub magnitude: Option<u32>,
    /// "about", "около", "близько", or only a magnitude.
    pub approximate: bool,
    /// The counted noun phrase ("people", "former prisoners").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noun: Option<String>,
}

const STOP: &[&str] = &[
    "a",
    "an",
    "the",
    "are",
    "were",
    "was",
    "is",
    "have",
    "has",
    "had",
    "who",
    "which",
    "that",
    "in",
    "on",
    "at",
    "from",
    "to",
    "of",
    "and",
    "or",
    "by",
    "for",
    "with",
    "as",
    "said",
    "say",
    "will",
    "would",
    "could",
    "been",
    "be",
    "it",
    "they",
    "their",
    "и",
    "в",
    "на",
    "из",
    "с",
    "что",
    "которые",
    "были",
    "был",
    "не",
    "по",
    "за",
    "до",
    "у",
    "і",
    "та",
    "й",
    "з",
    "які",
    "що",
    "було",
    "були",
];

fn patterns() -> &'static (Regex, Regex) {
    static PATTERNS: OnceLock<(Regex, Regex)> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        let number = crate::numbers::number_pattern();
        let counted = crate::bounded::compile(&format!(
            r"(?i)(?P<approx>\b(?:about|around|roughly|nearly|almost|approximately|some|over|more than|at least|up to|fewer than|less than|около|примерно|более|больше|свыше|почти|порядка|не менее|приблизно|близько|понад|більше|майже|щонайменше)\s+)?\b(?P<n>{number})(?:\s*(?:-|–|—|to|до)\s*(?P<n2>{number}))?(?P<noun>(?:\s+\p{{L}}[\p{{L}}'’-]*){{1,3}})"
        ));
        let magnitude = crate::bounded::compile(
            r"(?i)\b(?P<word>hundreds|thousands|dozens|tens of thousands|сотни|сотен|сотнями|тысячи|тысяч|десятки|десятков|сотні|сотень|тисячі|тисяч|десятки|десятків)(?:\s+of)?(?P<noun>(?:\s+\p{L}[\p{L}'’-]*){1,3})",
        );
        (counted, magnitude)
    })
}

/// Words that describe rather than name what is counted.
const DESCRIBING: &[&str] = &[
    "former", "young", "other", "local", "foreign", "new", "old", "many", "more", "wounded",
    "dead", "civilian", "military", "armed", "missing", "captured", "injured", "detained",
];

/// Whether `word` looks like an adjective (a describing word before the
/// counted noun): Cyrillic adjective endings, English adjective suffixes.
fn describing(word: &str) -> bool {
    let lower = word.to_lowercase();
    if lower.chars().any(|c| ('\u{400}'..='\u{52f}').contains(&c)) {
        const ENDINGS: &[&str] = &[
            "ых", "их", "ые", "ие", "ый", "ий", "ой", "ая", "яя", "ое", "ее", "ого", "его", "ому",
            "ему", "ыми", "ими", "ої", "ій", "ім", "ими", "іх", "і",
        ];
        return ENDINGS.iter().any(|ending| lower.ends_with(ending)) && lower.chars().count() > 3;
    }
    DESCRIBING.contains(&lower.as_str())
        || ["ed", "ian", "ive", "ous", "ful", "ese", "ish"]
            .iter()
            .any(|s| lower.ends_with(s))
}

/// Whether a Cyrillic word reads as a past-tense or infinitive verb
/// ("завербовали", "погибли", "мобілізували", "воевать").
fn verb_like(word: &str) -> bool {
    let lower = word.to_lowercase();
    lower.chars().any(|c| ('\u{400}'..='\u{52f}').contains(&c))
        && lower.chars().count() > 4
        && ["ли", "лись", "лися", "ть", "ться", "тися"]
            .iter()
            .any(|ending| lower.ends_with(ending))
}

/// The noun phrase: describing words, then the noun; it stops at a stop
/// word. Returns its byte length within `words` and the phrase.
fn noun_phrase(words: &str) -> Option<(usize, String)> {
    let mut end = 0usize;
    let mut taken = Vec::new();
    let mut offset = 0usize;
    for word in words.split_whitespace() {
        let at = words[offset..].find(word).map_or(offset, |p| offset + p);
        offset = at + word.len();
        let bare = word.trim_end_matches(|c: char| !c.is_alphanumeric());
        if bare.is_empty() || STOP.contains(&bare.to_lowercase().as_str()) {
            break;
        }
        // After a describing word, a verb ends the phrase: "300
        // заключённых завербовали" counts prisoners.
        if !taken.is_empty() && verb_like(bare) {
            break;
        }
        taken.push(bare);
        end = at + bare.len();
        if !describing(bare) || bare.len() < word.len() {
            break;
        }
    }
    (!taken.is_empty()).then(|| (end, taken.join(" ")))
}

/// Whether the words just before a number make it an identifier: a
/// number sign ("№", "#", "No.", "Nr."), an article, part or point of a
/// law ("ст.", "ч.", "п.", "art.", "article", "статья", "стаття"), or a
/// unit or colony number ("unit 3719", "колония 7" is left to the noun).
fn names_a_thing(before: &str) -> bool {
    // "ИК-2", "IK-5", "ЛИУ-3": a number joined to letters by a hyphen is
    // part of a name.
    let mut tail = before.chars().rev();
    if tail.next() == Some('-') && tail.next().is_some_and(char::is_alphabetic) {
        return true;
    }
    let before = before.trim_end_matches([' ', '\u{a0}']);
    if before.ends_with(['№', '#']) {
        return true;
    }
    let abbreviated = before.ends_with('.');
    let (word, _) = crate::abbreviation::word_before(before, before.trim_end_matches('.').len());
    let word = word.to_lowercase();
    match word.as_str() {
        "no" | "nos" | "nr" | "art" | "ст" | "ч" | "п" | "пп" => abbreviated || word == "nr",
        "article" | "articles" | "unit" | "статья" | "статьи" | "статье" | "статтею" | "стаття"
        | "статті" | "частина" | "части" | "частини" | "пункт" | "пункту" | "number" => {
            true
        }
        _ => false,
    }
}

/// Finds the quantities in `text` that are not part of a time or a
/// duration.
pub(crate) fn find(
    text: &str,
    index: &CharIndex,
    times: &[TimeMention],
    durations: &[DurationMention],
) -> Vec<Quantity> {
    let (counted, magnitude) = patterns();
    let taken = |span: Span| {
        times.iter().any(|t| crate::overlaps(t.span, span))
            || durations.iter().any(|d| crate::overlaps(d.span, span))
    };
    let mut out: Vec<Quantity> = Vec::new();
    for captures in crate::bounded::captures(magnitude, text) {
        let (Some(whole), Some(word), Some(noun)) = (
            captures.get(0),
            captures.name("word"),
            captures.name("noun"),
        ) else {
            continue;
        };
        let Some((length, phrase)) = noun_phrase(noun.as_str()) else {
            continue;
        };
        let range = whole.start()..noun.start() + length;
        let span = index.span(range.clone());
        if taken(span) {
            continue;
        }
        let word = word.as_str().to_lowercase();
        let magnitude = if word.starts_with("tens of") {
            10_000
        } else if word.starts_with("hundred") || word.starts_with("сот") {
            100
        } else if word.starts_with("thousand") || word.starts_with("тыс") || word.starts_with("тис")
        {
            1000
        } else {
            10
        };
        out.push(Quantity {
            field: Field::Text,
            span,
            text: text[range].to_owned(),
            value: None,
            low: None,
            high: None,
            magnitude: Some(magnitude),
            approximate: true,
            noun: Some(phrase),
        });
    }
    for captures in crate::bounded::captures(counted, text) {
        let (Some(whole), Some(n)) = (captures.get(0), captures.name("n")) else {
            continue;
        };
        let Some(value) = crate::numbers::value(n.as_str()) else {
            continue;
        };
        // "колония № 2", "No. 7", "#12", "ст. 438", "article 5": a number
        // that names, not one that counts.
        if names_a_thing(&text[..n.start()]) {
            continue;
        }
        // "One" written as a word is an article or a pronoun far more often
        // than a count ("one of the recruits", "One Cascade fighter").
        if value == 1.0 && !n.as_str().starts_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        let noun = captures.name("noun").and_then(|noun| {
            noun_phrase(noun.as_str()).map(|(length, phrase)| (noun.start() + length, phrase))
        });
        let Some((end, phrase)) = noun else {
            continue;
        };
        // A number followed by a unit of time or money is not a count of
        // people or things here; years and percentages neither.
        let head = phrase.to_lowercase();
        if head.starts_with(['%', '$'])
            || ["percent", "per", "процент", "відсот"]
                .iter()
                .any(|w| head.starts_with(w))
        {
            continue;
        }
        let range = whole.start()..end;
        let span = index.span(range.clone());
        let approx = captures
            .name("approx")
            .map(|a| a.as_str().trim().to_lowercase());
        // "About 1800 people", "около 2000 человек": a count that reads
        // like an approximate year. Followed by a common noun, the count
        // wins over the bare year (the time is then dropped). A year with
        // its year word ("2022 года"), with no qualifier ("in 2022 people
        // left") or before a name ("around 2017 Russia began") stays a
        // year.
        let counts_over_year = |t: &TimeMention| {
            let year = t.edtf.trim_end_matches('~');
            approx.is_some()
                && year.len() == 4
                && year.bytes().all(|b| b.is_ascii_digit())
                && t.text.ends_with(|c: char| c.is_ascii_digit())
                && phrase.starts_with(char::is_lowercase)
        };
        let in_the_way = times
            .iter()
            .any(|t| crate::overlaps(t.span, span) && !counts_over_year(t))
            || durations.iter().any(|d| crate::overlaps(d.span, span));
        if in_the_way || out.iter().any(|q| crate::overlaps(q.span, span)) {
            continue;
        }
        let high = captures
            .name("n2")
            .and_then(|n| crate::numbers::value(n.as_str()));
        let (low, high_bound) = match approx.as_deref() {
            Some(
                "over"
                | "more than"
                | "at least"
                | "более"
                | "больше"
                | "свыше"
                | "не менее"
                | "понад"
                | "більше"
                | "щонайменше",
            ) => (Some(value), None),
            Some("up to" | "fewer than" | "less than") => (None, Some(value)),
            _ => match high {
                Some(high) => (Some(value), Some(high)),
                None => (None, None),
            },
        };
        out.push(Quantity {
            field: Field::Text,
            span,
            text: text[range].to_owned(),
            value: (high.is_none() && low.is_none() && high_bound.is_none()).then_some(value),
            low,
            high: high_bound,
            magnitude: None,
            approximate: approx.is_some(),
            noun: Some(phrase),
        });
    }
    out.sort_by_key(|q| q.span.start);
    out
}
