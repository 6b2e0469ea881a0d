//! A word's shape as slovnet's NER model was trained with it: its script
//! (RU, EN), or NUM, PUNCT, OTHER; for words, the case outline (X, x, XX,
//! xx, Xx, Xx-Xx, OTHER); for single punctuation marks, the mark itself.

use std::borrow::Cow;

const PUNCTS: &str = "!#$%&()[]\\/*+,.:;<=>?@^_{|}~-‐−‒⁃–—―`\"'«»„“ʼʻ”№…";

/// A character's case: `Some(true)` upper, `Some(false)` lower, `None`
/// neither; as `char::is_uppercase` and `char::is_lowercase` say, answered
/// without their tables for ASCII and the Cyrillic letters of Russian and
/// Ukrainian.
fn case(c: char) -> Option<bool> {
    match c {
        'A'..='Z' | '\u{400}'..='\u{42f}' => Some(true),
        'a'..='z' | '\u{430}'..='\u{45f}' => Some(false),
        '\0'..='\u{7f}' => None,
        _ if c.is_uppercase() => Some(true),
        _ if c.is_lowercase() => Some(false),
        _ => None,
    }
}

/// Whether every cased character of `word` has case `upper`, and there is
/// one.
fn all_cased(word: &str, upper: bool) -> bool {
    let mut cased = word.chars().filter_map(case).peekable();
    cased.peek().is_some() && cased.all(|c| c == upper)
}

fn is_upper(word: &str) -> bool {
    all_cased(word, true)
}

fn is_lower(word: &str) -> bool {
    all_cased(word, false)
}

fn is_title(word: &str) -> bool {
    let mut chars = word.chars();
    let first = chars.next();
    word.chars().count() > 1
        && first.is_some_and(|c| case(c) == Some(true))
        && is_lower(chars.as_str())
}

fn outline(word: &str) -> &'static str {
    if word.chars().count() == 1 {
        return if is_upper(word) { "X" } else { "x" };
    }
    if is_upper(word) {
        "XX"
    } else if is_lower(word) {
        "xx"
    } else if is_title(word) {
        "Xx"
    } else if word
        .split_once('-')
        .is_some_and(|(left, right)| is_title(left) && is_title(right))
    {
        "Xx-Xx"
    } else {
        "OTHER"
    }
}

/// The script or class of a word from its first characters, as slovnet
/// judges it (a match at the start: "СИЗО-6" is RU, "2011-2020" NUM).
fn word_type(word: &str) -> &'static str {
    let first = word.chars().next().unwrap_or(' ');
    let lower = match first {
        'A'..='Z' | 'А'..='Я' => char::from_u32(u32::from(first) + 0x20).unwrap_or(first),
        '\0'..='\u{7f}' | 'а'..='я' => first,
        _ => first.to_lowercase().next().unwrap_or(first),
    };
    if ('а'..='я').contains(&lower) || lower == 'ё' {
        "RU"
    } else if lower.is_ascii_lowercase() {
        "EN"
    } else if first.is_ascii_digit()
        || (matches!(first, '+' | '-') && word.chars().nth(1).is_some_and(|c| c.is_ascii_digit()))
    {
        "NUM"
    } else if PUNCTS.contains(first) {
        "PUNCT"
    } else {
        "OTHER"
    }
}

/// The shapes that are not a single mark, in the order of their keys.
const FIXED: [&str; 17] = [
    "RU_X",
    "RU_x",
    "RU_XX",
    "RU_xx",
    "RU_Xx",
    "RU_Xx-Xx",
    "RU_OTHER",
    "EN_X",
    "EN_x",
    "EN_XX",
    "EN_xx",
    "EN_Xx",
    "EN_Xx-Xx",
    "EN_OTHER",
    "NUM",
    "PUNCT_OTHER",
    "OTHER",
];

/// How many shape keys there are: the fixed shapes, then one for each
/// punctuation mark.
pub(crate) fn keys() -> usize {
    FIXED.len() + PUNCTS.chars().count()
}

/// The number of `word`'s shape, below [`keys`]: a network turns it into
/// its own shape id with one look into a table.
pub(crate) fn shape_key(word: &str) -> usize {
    let outline_key = |word: &str| match outline(word) {
        "X" => 0,
        "x" => 1,
        "XX" => 2,
        "xx" => 3,
        "Xx" => 4,
        "Xx-Xx" => 5,
        _ => 6,
    };
    match word_type(word) {
        "RU" => outline_key(word),
        "EN" => 7 + outline_key(word),
        "NUM" => 14,
        "PUNCT" => {
            let mut chars = word.chars();
            match (chars.next(), chars.next()) {
                (Some(mark), None) => PUNCTS
                    .chars()
                    .position(|c| c == mark)
                    .map_or(15, |at| FIXED.len() + at),
                _ => 15,
            }
        }
        _ => 16,
    }
}

/// The shape vocabulary's name of key `key` ("RU_Xx", "PUNCT_«").
pub(crate) fn key_name(key: usize) -> Cow<'static, str> {
    match FIXED.get(key) {
        Some(name) => Cow::Borrowed(name),
        None => Cow::Owned(format!(
            "PUNCT_{}",
            PUNCTS.chars().nth(key - FIXED.len()).unwrap_or(' ')
        )),
    }
}

/// The shape of `word`, a key of the model's shape vocabulary.
#[cfg(test)]
pub(crate) fn word_shape(word: &str) -> Cow<'static, str> {
    key_name(shape_key(word))
}

#[cfg(test)]
mod tests {
    use super::word_shape;

    #[test]
    fn types_as_the_standard_library_would_give_them() {
        for c in (0..0x3000).filter_map(char::from_u32) {
            let word = format!("{c}1");
            let lower = c.to_lowercase().next().unwrap_or(c);
            let expected = if ('а'..='я').contains(&lower) || lower == 'ё' {
                "RU"
            } else if lower.is_ascii_lowercase() {
                "EN"
            } else {
                super::word_type(&word)
            };
            assert_eq!(super::word_type(&word), expected, "{c:?}");
        }
    }

    #[test]
    fn cases_as_the_standard_library_has_them() {
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            let expected = if c.is_uppercase() {
                // No character is both, or the order here would matter.
                assert!(!c.is_lowercase(), "{c:?}");
                Some(true)
            } else if c.is_lowercase() {
                Some(false)
            } else {
                None
            };
            assert_eq!(super::case(c), expected, "{c:?}");
        }
    }

    #[test]
    fn shapes_as_the_model_expects_them() {
        let cases = [
            ("Москва", "RU_Xx"),
            ("МВД", "RU_XX"),
            ("и", "RU_x"),
            ("Я", "RU_X"),
            ("СИЗО-6", "RU_XX"),
            ("Ростов-На", "RU_Xx-Xx"),
            ("iStories", "EN_OTHER"),
            ("Reuters", "EN_Xx"),
            ("2022", "NUM"),
            ("«", "PUNCT_«"),
            ("...", "PUNCT_OTHER"),
            ("€", "OTHER"),
        ];
        for (word, shape) in cases {
            assert_eq!(word_shape(word), shape, "{word}");
        }
    }
}
