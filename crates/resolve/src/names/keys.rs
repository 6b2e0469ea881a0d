//! Words and their keys: a name split into lower-case Latin words, each
//! word's key that forgets transliteration schemes, and the stems searched
//! across case endings.

use super::*;

/// Number words and ordinals ("Forty-Four", "1st", "First") as digits, a
/// tens word and a units word together as one number.
pub(super) fn numbers_as_digits(words: Vec<String>) -> Vec<String> {
    let value = |w: &str| -> Option<u32> {
        if let Some((_, n)) = NUMBER_WORDS.iter().find(|(word, _)| *word == w) {
            return Some(*n);
        }
        let digits = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        let suffix = &w[digits.len()..];
        (!digits.is_empty()
            && digits.chars().all(|c| c.is_ascii_digit())
            && matches!(suffix, "" | "st" | "nd" | "rd" | "th"))
        .then(|| digits.parse().ok())
        .flatten()
    };
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut previous_tens = false;
    for w in words {
        match value(&w) {
            Some(n) if previous_tens && n < 10 => {
                let last = out.pop().unwrap_or_default();
                let tens: u32 = last.parse().unwrap_or(0);
                out.push((tens + n).to_string());
                previous_tens = false;
            }
            Some(n) => {
                previous_tens = n >= 20 && n % 10 == 0 && n < 100;
                out.push(n.to_string());
            }
            None => {
                previous_tens = false;
                out.push(w);
            }
        }
    }
    out
}

/// Runs of single letters as one word: "A.B.C." is "abc", "G.m.b.H." is
/// "gmbh".
pub(super) fn join_letters(words: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut run = String::new();
    let mut run_words = 0;
    let flush = |out: &mut Vec<String>, run: &mut String, run_words: &mut usize| {
        if !run.is_empty() {
            out.push(std::mem::take(run));
        }
        *run_words = 0;
    };
    for w in words {
        if w.len() == 1 && w.chars().all(|c| c.is_ascii_alphabetic()) {
            run.push_str(&w);
            run_words += 1;
        } else {
            flush(&mut out, &mut run, &mut run_words);
            out.push(w);
        }
    }
    flush(&mut out, &mut run, &mut run_words);
    out
}

/// Splits a name into lower-case Latin words: camel case apart
/// ("VladimirPutin"), apostrophes dropped inside a word (CHO'NG), any other
/// sign a break.
pub(super) fn words(name: &str) -> Vec<String> {
    // Camel case apart ("VladimirPutin", "SiemensAG"), but not a single
    // capital ending a word ("GmbH").
    let chars: Vec<char> = name.chars().collect();
    let mut spaced = String::with_capacity(name.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        let previous_lower = i > 0 && chars[i - 1].is_lowercase();
        let next_letter = chars.get(i + 1).is_some_and(|n| n.is_alphabetic());
        if c.is_uppercase() && previous_lower && next_letter {
            spaced.push(' ');
        }
        spaced.push(c);
    }
    let latin = deunicode::deunicode(&spaced.replace('&', " and ")).to_lowercase();
    let mut out = Vec::new();
    let mut word = String::new();
    for c in latin.chars() {
        if c.is_ascii_alphanumeric() {
            word.push(c);
        } else if c == '\'' || c == '`' {
            // An apostrophe or a soft sign spelled as one: part of the word.
        } else if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out.into_iter().map(letters_for_digits).collect()
}

/// A digit between two letters read as the letter it stands in for
/// ("Ig0r Sech1n"), as OCR and deliberate misspelling write them; digits
/// elsewhere ("AR16", "2007") stay numbers.
pub(super) fn letters_for_digits(word: String) -> String {
    let chars: Vec<char> = word.chars().collect();
    if !chars.iter().any(|c| c.is_ascii_digit()) {
        return word;
    }
    let mut out = String::with_capacity(word.len());
    for (i, &c) in chars.iter().enumerate() {
        let between = i > 0
            && i + 1 < chars.len()
            && chars[i - 1].is_ascii_alphabetic()
            && chars[i + 1].is_ascii_alphabetic();
        let letter = match c {
            '0' => 'o',
            '1' => 'i',
            '3' => 'e',
            '4' => 'a',
            '5' => 's',
            '7' => 't',
            '9' => 'g',
            _ => c,
        };
        out.push(if between { letter } else { c });
    }
    out
}

/// A word's key: its Latin spelling with the differences between
/// transliteration schemes and between common misspellings of one sound
/// removed, and a Russian, Ukrainian or English given name as the one name
/// it is ("Oleksii" and "Alexei" have one key).
pub fn key(word: &str) -> String {
    let word = ABBREVIATED
        .iter()
        .find(|(short, _)| *short == word)
        .map_or(word, |(_, long)| long);
    let spelled = spelled_key(word);
    match GIVEN_KEYS.get(&spelled) {
        Some(canonical) => canonical.clone(),
        None => spelled,
    }
}

/// What a word is searched by across scripts: its key without a case
/// ending, from any script ("Каскада", "Каскад" and "Cascade" all give
/// `kaskad`; "Олексій" and "Alexei" give one key). Empty when the word has
/// no letter or digit.
pub fn search_key(word: &str) -> String {
    words(word)
        .iter()
        .map(|w| stem(&key(w)).to_owned())
        .collect()
}

/// A word's key from its spelling alone, before given names are looked up.
pub(super) fn spelled_key(word: &str) -> String {
    // A hard c is a k: "Cascade" and "Kaskad".
    let chars: Vec<char> = word.chars().collect();
    let mut s: String = chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let next = chars.get(i + 1).copied();
            if c == 'c' && !matches!(next, Some('h' | 'e' | 'i' | 'y' | 'k')) {
                'k'
            } else {
                c
            }
        })
        .collect();
    for (from, to) in [
        ("shch", "sh"),
        ("sch", "sh"),
        ("tch", "ch"),
        ("dzh", "j"),
        ("kh", "h"),
        ("ph", "f"),
        ("th", "t"),
        ("ck", "k"),
        ("ch", "c"),
        ("ts", "c"),
        ("tz", "c"),
        ("zh", "j"),
        ("ou", "u"),
        ("x", "ks"),
        ("w", "v"),
        ("q", "k"),
        ("z", "s"),
        ("y", "i"),
        ("j", "i"),
    ] {
        if s.contains(from) {
            s = s.replace(from, to);
        }
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if out.ends_with(c) {
            continue;
        }
        out.push(c);
    }
    out
}

/// Whether a character belongs to a script where one sign is a syllable or
/// a word.
pub(super) fn syllabic(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF   // Hangul Jamo
        | 0x3040..=0x30FF // Hiragana, Katakana
        | 0x3400..=0x4DBF // CJK extension A
        | 0x4E00..=0x9FFF // CJK unified ideographs
        | 0xAC00..=0xD7AF // Hangul syllables
        | 0xF900..=0xFAFF // CJK compatibility ideographs
    )
}

/// Case endings of Russian and Ukrainian nouns and adjectives, as keys
/// spell them, longest first.
pub(super) const ENDINGS: &[&str] = &[
    "iami", "ogo", "ego", "omu", "emu", "imi", "ami", "oiu", "oi", "ei", "im", "om", "em", "ai",
    "ia", "iu", "ui", "ah", "ih", "a", "u", "e", "i", "o",
];

/// A key without its case ending, if what is left is three letters or more.
pub(super) fn stem(key: &str) -> &str {
    ENDINGS
        .iter()
        .find_map(|ending| key.strip_suffix(ending).filter(|stem| stem.len() >= 3))
        .unwrap_or(key)
}

/// Every way a key may be a stem plus a case ending (the key itself
/// included): "aleksei" is "aleksei", "aleks" + "ei" or "alekse" + "i".
pub fn stems(key: &str) -> impl Iterator<Item = &str> {
    std::iter::once(key).chain(
        ENDINGS
            .iter()
            .filter_map(move |ending| key.strip_suffix(ending))
            .filter(|stem| stem.len() >= 3),
    )
}
