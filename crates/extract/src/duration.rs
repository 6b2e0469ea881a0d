//! Durations ("six months", "полгода", "пів року", "шість місяців") as ISO
//! 8601 durations (`P6M`).

use std::sync::OnceLock;

use casefile_document::Span;
use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::Field;
use crate::spans::CharIndex;
use crate::time::TimeMention;

/// A duration found in the text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DurationMention {
    /// Where it is, in characters of `field`.
    pub span: Span,
    /// The part of the document the span counts in (the text unless said).
    #[serde(default, skip_serializing_if = "Field::is_text")]
    pub field: Field,
    /// The text as written.
    pub text: String,
    /// The ISO 8601 duration: `P6M`, `P1Y6M`, `P2W`, `P10D`, `PT3H`.
    pub iso: String,
    /// "about six months", "almost a year": the value is approximate.
    pub approximate: bool,
}

fn pattern() -> &'static Regex {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    PATTERN.get_or_init(|| {
        let number = crate::numbers::number_pattern();
        let source = format!(
            r"(?i)(?P<approx>\b(?:about|around|almost|nearly|roughly|approximately|some|около|примерно|почти|приблизно|близько|майже)\s+)?(?:\b(?P<half>полгода|пол года|полугода|півроку|пів року|півтора року|полтора года|полутора лет|half a year|a year and a half|half a month)\b|\b(?:через|спустя|після)\s+(?P<bare>год|месяц|неделю|рік|місяць|тиждень)\b|(?:\b(?P<n>{number})|\b(?P<one>an?|one))[\s-]+(?P<unit>years?|months?|weeks?|days?|hours?|год(?:а|у)?|лет|месяц(?:ев|а)?|недел(?:я|и|ь|ю)|дн(?:ей|я)|день|суток|час(?:ов|а)?|рок(?:ів|и|у)|рік|місяц(?:ів|ь|і|я)|тижн(?:ів|і|я)|тиждень|дн(?:ів|і)|годин(?:и|а)?)\b)"
        );
        crate::bounded::compile(&source)
    })
}

fn iso(amount: f64, unit: &str) -> Option<String> {
    let unit = unit.to_lowercase();
    let starts = |prefixes: &[&str]| prefixes.iter().any(|p| unit.starts_with(p));
    let whole = |value: f64| value.fract() == 0.0;
    if starts(&["year", "год", "лет", "рок", "рік"]) {
        let months = (amount * 12.0).round() as u64;
        return Some(match (months / 12, months % 12) {
            (0, m) => format!("P{m}M"),
            (y, 0) => format!("P{y}Y"),
            (y, m) => format!("P{y}Y{m}M"),
        });
    }
    if starts(&["month", "месяц", "місяц"]) {
        return Some(if whole(amount) {
            format!("P{}M", amount as u64)
        } else {
            format!("P{}D", (amount * 30.0).round() as u64)
        });
    }
    if starts(&["week", "недел", "тижн", "тиждень"]) {
        return Some(format!("P{}W", amount as u64));
    }
    if starts(&["day", "дн", "день", "сут"]) {
        return Some(format!("P{}D", amount as u64));
    }
    if starts(&["hour", "час", "годин"]) {
        return Some(format!("PT{}H", amount as u64));
    }
    None
}

/// Finds the durations in `text` that are not part of a time expression
/// ("two years ago" is a time).
pub(crate) fn find(text: &str, index: &CharIndex, times: &[TimeMention]) -> Vec<DurationMention> {
    let mut out = Vec::new();
    for captures in crate::bounded::captures(pattern(), text) {
        let Some(whole) = captures.get(0) else {
            continue;
        };
        let span = index.span(whole.range());
        if times.iter().any(|time| crate::overlaps(time.span, span)) {
            continue;
        }
        let approximate = captures.name("approx").is_some();
        let iso = if let Some(half) = captures.name("half") {
            let half = half.as_str().to_lowercase();
            if half.contains("тора")
                || half.contains("тора")
                || half.contains("year and a half")
                || half.contains("полутора")
            {
                Some("P1Y6M".to_owned())
            } else if half.contains("month") {
                Some("P15D".to_owned())
            } else {
                Some("P6M".to_owned())
            }
        } else {
            // "через год": one of the unit, with no number.
            let amount = match (
                captures.name("n"),
                captures.name("one"),
                captures.name("bare"),
            ) {
                (Some(n), _, _) => crate::numbers::value(n.as_str()),
                (None, Some(_), _) | (None, None, Some(_)) => Some(1.0),
                _ => None,
            };
            amount
                .zip(captures.name("unit").or(captures.name("bare")))
                .and_then(|(amount, unit)| iso(amount, unit.as_str()))
        };
        if let Some(iso) = iso {
            out.push(DurationMention {
                field: Field::Text,
                span,
                text: whole.as_str().to_owned(),
                iso,
                approximate,
            });
        }
    }
    out
}
