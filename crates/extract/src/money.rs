//! Amounts of money: "200,000 roubles a month", "200 тысяч рублей в месяц",
//! "250 тыс. руб.", "20 тисяч гривень на місяць", "$2,000", "1.5 million
//! UAH", each with its amount, currency (ISO 4217), period (ISO 8601, per
//! what) and whether it is approximate. Kept apart from counts of people:
//! a group of 200,000 roubles is no group.

use std::sync::OnceLock;

use casefile_document::Span;
use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::Field;
use crate::spans::CharIndex;
use crate::time::TimeMention;

/// An amount of money found in the text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Money {
    /// Where it is (amount, currency and period), in characters of `field`.
    pub span: Span,
    /// The part of the document the span counts in (the text unless said).
    #[serde(default, skip_serializing_if = "Field::is_text")]
    pub field: Field,
    /// The text as written.
    pub text: String,
    /// The amount, multipliers applied ("200 тыс." → 200000).
    pub amount: f64,
    /// The currency's ISO 4217 code: `RUB`, `UAH`, `USD`, `EUR`.
    pub currency: String,
    /// How often it is paid, as an ISO 8601 duration: `P1M` for "a month",
    /// "в месяц", "на місяць", "monthly"; absent for a one-off sum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    /// "about", "около", "близько", "up to".
    pub approximate: bool,
}

/// The currency words and signs, by code. Matched in lower case.
const CURRENCIES: &[(&str, &str)] = &[
    (
        "RUB",
        r"roubles?|rubles?|rub\.?|rur|рублями|рублях|рублям|рублей|рублів|рубля|рублі|рубль|руб\.?|₽",
    ),
    (
        "UAH",
        r"hryvn(?:ias|ia|yas|ya|as)?|uah|грн\.?|гривнями|гривнях|гривень|гривен|гривн[яиі]|₴",
    ),
    (
        "USD",
        r"(?:us\s+)?dollars?|usd|доллар(?:ами|ов|а|ы)?|долар(?:ами|ів|а|и)?|\$",
    ),
    ("EUR", r"euros?|eur|евро|євро|€"),
];

/// Multipliers written after the number.
fn multiplier(word: &str) -> Option<f64> {
    let word = word.trim_end_matches('.').to_lowercase();
    Some(match word.as_str() {
        "k" | "thousand" | "тыс" | "тысяч" | "тысячи" | "тысяча" | "тис" | "тисяч" | "тисячі"
        | "тисяча" => 1e3,
        "m" | "mn" | "mln" | "million" | "millions" | "млн" | "миллион" | "миллиона"
        | "миллионов" | "мільйон" | "мільйона" | "мільйонів" => {
            1e6
        }
        "bn"
        | "billion"
        | "млрд"
        | "миллиард"
        | "миллиарда"
        | "миллиардов"
        | "мільярд"
        | "мільярда"
        | "мільярдів" => 1e9,
        _ => return None,
    })
}

/// The words that say how often a sum is paid, and the period as ISO 8601.
const PERIODS: &[(&str, &str)] = &[
    ("a month", "P1M"),
    ("per month", "P1M"),
    ("each month", "P1M"),
    ("every month", "P1M"),
    ("monthly", "P1M"),
    ("в месяц", "P1M"),
    ("ежемесячно", "P1M"),
    ("каждый месяц", "P1M"),
    ("на місяць", "P1M"),
    ("в місяць", "P1M"),
    ("щомісяця", "P1M"),
    ("щомісячно", "P1M"),
    ("a year", "P1Y"),
    ("per year", "P1Y"),
    ("annually", "P1Y"),
    ("в год", "P1Y"),
    ("ежегодно", "P1Y"),
    ("на рік", "P1Y"),
    ("в рік", "P1Y"),
    ("щороку", "P1Y"),
    ("a week", "P1W"),
    ("per week", "P1W"),
    ("в неделю", "P1W"),
    ("на тиждень", "P1W"),
    ("щотижня", "P1W"),
    ("a day", "P1D"),
    ("per day", "P1D"),
    ("в день", "P1D"),
    ("в сутки", "P1D"),
    ("на день", "P1D"),
    ("на добу", "P1D"),
];

/// How often, from the words after the currency (any run of spaces
/// between them: "a  month").
fn period(words: &str) -> Option<&'static str> {
    let words = words
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    PERIODS
        .iter()
        .find(|(phrase, _)| words == *phrase)
        .map(|(_, iso)| *iso)
}

fn patterns() -> &'static Regex {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    PATTERN.get_or_init(|| {
        let currency = CURRENCIES
            .iter()
            .map(|(code, words)| format!("(?P<{code}>{words})"))
            .collect::<Vec<_>>()
            .join("|");
        let periods = PERIODS
            .iter()
            .map(|(phrase, _)| phrase.replace(' ', r"\s+"))
            .collect::<Vec<_>>()
            .join("|");
        crate::bounded::compile(&format!(
            r"(?i)(?P<approx>\b(?:about|around|roughly|nearly|almost|approximately|up to|over|more than|около|примерно|до|свыше|более|почти|порядка|приблизно|близько|понад|майже)\s+)?(?P<sign>[$€₽₴])?\s?(?P<n>\d{{1,3}}(?:[,\u{{a0}} ]\d{{3}})+(?:\.\d+)?|\d+(?:[.,]\d+)?)(?:\s?(?P<mult>thousand|million|billion|mln|mn|bn|k|тысяч[аи]?|тыс\.?|тисяч[аі]?|тис\.?|миллиард(?:а|ов)?|миллион(?:а|ов)?|мільярд(?:а|ів)?|мільйон(?:а|ів)?|млрд\.?|млн\.?))?(?:\s?(?:{currency}))?(?P<per>[,\s]+(?:{periods}))?"
        ))
    })
}

/// Finds the amounts of money in `text` that are not part of a time.
pub(crate) fn find(text: &str, index: &CharIndex, times: &[TimeMention]) -> Vec<Money> {
    let mut out = Vec::new();
    for captures in crate::bounded::captures(patterns(), text) {
        let (Some(whole), Some(n)) = (captures.get(0), captures.name("n")) else {
            continue;
        };
        let sign = captures.name("sign").map(|m| m.as_str());
        let named = CURRENCIES
            .iter()
            .find(|(code, _)| captures.name(code).is_some())
            .map(|(code, _)| *code);
        let currency = match (named, sign) {
            (Some(code), _) => code,
            (None, Some("$")) => "USD",
            (None, Some("€")) => "EUR",
            (None, Some("₽")) => "RUB",
            (None, Some("₴")) => "UAH",
            _ => continue,
        };
        let end = whole.end();
        let Some(mut amount) = crate::numbers::value(n.as_str()) else {
            continue;
        };
        if let Some(mult) = captures.name("mult").and_then(|m| multiplier(m.as_str())) {
            amount *= mult;
        }
        let start = captures.name("approx").map_or_else(
            || captures.name("sign").map_or(n.start(), |s| s.start()),
            |a| a.start(),
        );
        let span = index.span(start..end);
        if times.iter().any(|t| crate::overlaps(t.span, span)) {
            continue;
        }
        let period = captures
            .name("per")
            .and_then(|p| period(p.as_str().trim_start_matches([',', ' '])))
            .map(str::to_owned);
        out.push(Money {
            span,
            field: Field::Text,
            text: text[start..end].to_owned(),
            amount,
            currency: currency.to_owned(),
            period,
            approximate: captures.name("approx").is_some(),
        });
    }
    out
}
