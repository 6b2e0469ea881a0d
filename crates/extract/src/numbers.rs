//! Numbers written in digits or in words, in English, Russian and
//! Ukrainian, in the case forms a number takes in running text ("шести
//! месяцев", "п'яти років").

use std::collections::HashMap;
use std::sync::OnceLock;

/// Every number word and its value. Multipliers (hundred, thousand) are
/// marked by values of 100 and 1000 and combine with what precedes them.
const WORDS: &[(&str, f64)] = &[
    // English
    ("one", 1.0),
    ("two", 2.0),
    ("three", 3.0),
    ("four", 4.0),
    ("five", 5.0),
    ("six", 6.0),
    ("seven", 7.0),
    ("eight", 8.0),
    ("nine", 9.0),
    ("ten", 10.0),
    ("eleven", 11.0),
    ("twelve", 12.0),
    ("thirteen", 13.0),
    ("fourteen", 14.0),
    ("fifteen", 15.0),
    ("sixteen", 16.0),
    ("seventeen", 17.0),
    ("eighteen", 18.0),
    ("nineteen", 19.0),
    ("twenty", 20.0),
    ("thirty", 30.0),
    ("forty", 40.0),
    ("fifty", 50.0),
    ("sixty", 60.0),
    ("seventy", 70.0),
    ("eighty", 80.0),
    ("ninety", 90.0),
    ("hundred", 100.0),
    ("thousand", 1000.0),
    ("dozen", 12.0),
    // Russian
    ("один", 1.0),
    ("одна", 1.0),
    ("одно", 1.0),
    ("одного", 1.0),
    ("одной", 1.0),
    ("одному", 1.0),
    ("одним", 1.0),
    ("два", 2.0),
    ("две", 2.0),
    ("двух", 2.0),
    ("двум", 2.0),
    ("двумя", 2.0),
    ("три", 3.0),
    ("трёх", 3.0),
    ("трех", 3.0),
    ("трём", 3.0),
    ("трем", 3.0),
    ("тремя", 3.0),
    ("четыре", 4.0),
    ("четырёх", 4.0),
    ("четырех", 4.0),
    ("четырьмя", 4.0),
    ("пять", 5.0),
    ("пяти", 5.0),
    ("пятью", 5.0),
    ("шесть", 6.0),
    ("шести", 6.0),
    ("шестью", 6.0),
    ("семь", 7.0),
    ("семи", 7.0),
    ("семью", 7.0),
    ("восемь", 8.0),
    ("восьми", 8.0),
    ("девять", 9.0),
    ("девяти", 9.0),
    ("десять", 10.0),
    ("десяти", 10.0),
    ("одиннадцать", 11.0),
    ("одиннадцати", 11.0),
    ("двенадцать", 12.0),
    ("двенадцати", 12.0),
    ("пятнадцать", 15.0),
    ("пятнадцати", 15.0),
    ("двадцать", 20.0),
    ("двадцати", 20.0),
    ("тридцать", 30.0),
    ("тридцати", 30.0),
    ("сорок", 40.0),
    ("сорока", 40.0),
    ("пятьдесят", 50.0),
    ("пятидесяти", 50.0),
    ("шестьдесят", 60.0),
    ("семьдесят", 70.0),
    ("восемьдесят", 80.0),
    ("девяносто", 90.0),
    ("сто", 100.0),
    ("ста", 100.0),
    ("двести", 200.0),
    ("двухсот", 200.0),
    ("триста", 300.0),
    ("трёхсот", 300.0),
    ("трехсот", 300.0),
    ("четыреста", 400.0),
    ("пятьсот", 500.0),
    ("пятисот", 500.0),
    ("шестьсот", 600.0),
    ("семьсот", 700.0),
    ("восемьсот", 800.0),
    ("девятьсот", 900.0),
    ("тысяча", 1000.0),
    ("тысячи", 1000.0),
    ("тысяч", 1000.0),
    ("тысячу", 1000.0),
    ("полтора", 1.5),
    ("полторы", 1.5),
    ("полутора", 1.5),
    // Ukrainian
    ("одна", 1.0),
    ("одне", 1.0),
    ("однієї", 1.0),
    ("дві", 2.0),
    ("двох", 2.0),
    ("трьох", 3.0),
    ("чотири", 4.0),
    ("чотирьох", 4.0),
    ("п'ять", 5.0),
    ("п’ять", 5.0),
    ("п'яти", 5.0),
    ("п’яти", 5.0),
    ("шість", 6.0),
    ("шісти", 6.0),
    ("сім", 7.0),
    ("семи", 7.0),
    ("вісім", 8.0),
    ("восьми", 8.0),
    ("дев'ять", 9.0),
    ("дев’ять", 9.0),
    ("дев'яти", 9.0),
    ("дев’яти", 9.0),
    ("десять", 10.0),
    ("одинадцять", 11.0),
    ("дванадцять", 12.0),
    ("п'ятнадцять", 15.0),
    ("п’ятнадцять", 15.0),
    ("двадцять", 20.0),
    ("тридцять", 30.0),
    ("п'ятдесят", 50.0),
    ("п’ятдесят", 50.0),
    ("шістдесят", 60.0),
    ("сімдесят", 70.0),
    ("вісімдесят", 80.0),
    ("дев'яносто", 90.0),
    ("дев’яносто", 90.0),
    ("двісті", 200.0),
    ("чотириста", 400.0),
    ("п'ятсот", 500.0),
    ("п’ятсот", 500.0),
    ("шістсот", 600.0),
    ("тисяча", 1000.0),
    ("тисячі", 1000.0),
    ("тисяч", 1000.0),
    ("тисячу", 1000.0),
    ("півтора", 1.5),
    ("півтори", 1.5),
    ("п'ятисот", 500.0),
    ("п’ятисот", 500.0),
    ("двохсот", 200.0),
    ("трьохсот", 300.0),
    ("шестисот", 600.0),
];

fn words() -> &'static HashMap<&'static str, f64> {
    static WORDS_MAP: OnceLock<HashMap<&'static str, f64>> = OnceLock::new();
    WORDS_MAP.get_or_init(|| WORDS.iter().copied().collect())
}

/// A regular-expression alternation of every number word, longest first
/// (so "шестьдесят" is tried before "шесть").
pub(crate) fn word_alternation() -> &'static str {
    static ALTERNATION: OnceLock<String> = OnceLock::new();
    ALTERNATION.get_or_init(|| {
        let mut all: Vec<&str> = WORDS.iter().map(|(word, _)| *word).collect();
        all.sort_by_key(|word| std::cmp::Reverse(word.chars().count()));
        all.dedup();
        all.iter()
            .map(|word| regex::escape(word))
            .collect::<Vec<_>>()
            .join("|")
    })
}

/// A regular expression (no groups) for a number: digits with thousands
/// separators and decimals, or one or more number words joined by spaces or
/// hyphens ("twenty-five", "two hundred", "пятьсот").
pub(crate) fn number_pattern() -> &'static str {
    static PATTERN: OnceLock<String> = OnceLock::new();
    PATTERN.get_or_init(|| {
        let words = word_alternation();
        format!(
            r"(?:\d{{1,3}}(?:[,  ]\d{{3}})+(?:\.\d+)?|\d+(?:[.,]\d+)?|(?:{words})(?:[\s-]+(?:and\s+)?(?:{words}))*)"
        )
    })
}

/// The value of a number matched by [`number_pattern`]: "1,000" → 1000,
/// "2.5" → 2.5, "two hundred" → 200, "двадцать пять" → 25.
pub(crate) fn value(text: &str) -> Option<f64> {
    let text = text.trim();
    if text.starts_with(|c: char| c.is_ascii_digit()) {
        let grouped = text.contains([',', ' ', '\u{a0}']) && {
            // "1,000" or "1 000" (groups of three) are thousands; "2,5"
            // is a decimal comma.
            let groups: Vec<&str> = text.split([',', ' ', '\u{a0}']).collect();
            groups.len() > 1 && groups[1..].iter().all(|g| g.len() == 3 && !g.contains('.'))
        };
        let cleaned: String = if grouped {
            text.chars()
                .filter(|c| c.is_ascii_digit() || *c == '.')
                .collect()
        } else {
            text.replace(',', ".")
        };
        return cleaned.parse().ok();
    }
    let words = words();
    let mut total: f64 = 0.0;
    let mut current: f64 = 0.0;
    let mut any = false;
    for word in text
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty() && *w != "and")
    {
        let lower = word.to_lowercase();
        let value = *words.get(lower.as_str())?;
        any = true;
        if value == 100.0 && current > 0.0 && current < 100.0 {
            current *= 100.0;
        } else if value == 1000.0 {
            total += current.max(1.0) * 1000.0;
            current = 0.0;
        } else {
            current += value;
        }
    }
    any.then_some(total + current)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_digits_and_words() {
        let cases = [
            ("500", 500.0),
            ("1,000", 1000.0),
            ("12 000", 12000.0),
            ("2,5", 2.5),
            ("2.5", 2.5),
            ("six", 6.0),
            ("twenty-five", 25.0),
            ("two hundred", 200.0),
            ("three thousand", 3000.0),
            ("шести", 6.0),
            ("двадцать пять", 25.0),
            ("пятьсот", 500.0),
            ("п'ять", 5.0),
            ("шість", 6.0),
            ("полтора", 1.5),
        ];
        for (text, expected) in cases {
            assert_eq!(value(text), Some(expected), "{text}");
        }
        assert_eq!(value("several"), None);
        let pattern =
            regex::Regex::new(&format!("^{}$", number_pattern())).unwrap_or_else(|e| panic!("{e}"));
        for (text, _) in cases {
            assert!(pattern.is_match(text), "{text}");
        }
    }
}
