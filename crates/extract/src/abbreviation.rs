//! Abbreviations after which a period does not end a sentence, in English,
//! Russian and Ukrainian: "No. 7", "колония № 2 им. Ленина", "ст. 438",
//! "г. Донецк", "вул. Шевченка", initials. Both sentence splitters (the
//! claims' and the citations') ask [`keeps_sentence`].

/// Words that stand before what they abbreviate: a period after one of
/// them never ends a sentence. Compared in lower case.
const BEFORE: &[&str] = &[
    // English: numbers, articles, ranks and titles.
    "no",
    "nos",
    "art",
    "arts",
    "para",
    "vol",
    "fig",
    "st",
    "mr",
    "mrs",
    "ms",
    "dr",
    "gen",
    "col",
    "lt",
    "sgt",
    "capt",
    "maj",
    "cpl",
    "pvt",
    "gov",
    "sen",
    "rep",
    "rev",
    "prof",
    "vs",
    // Russian: статья, часть, пункт, имени, улица, переулок, проспект,
    // дом, квартира, корпус, строение, посёлок, товарищ, гражданин,
    // генерал, смотри, то есть.
    "ст",
    "п",
    "пп",
    "им",
    "ул",
    "пер",
    "пр",
    "просп",
    "д",
    "кв",
    "корп",
    "стр",
    "пос",
    "пгт",
    "тов",
    "гр",
    "ген",
    "см",
    "т",
    // Ukrainian: стаття, частина, імені, вулиця, провулок, проспект,
    // будинок, селище міського типу.
    "ім",
    "вул",
    "пров",
    "буд",
    "смт",
];

/// Words that abbreviate a place or a part before its name or number
/// ("г. Донецк", "м. Київ", "с. Ольгинка", "ч. 2") but a unit after a
/// number ("в 2023 г.", "в 10 ч."): a period after one ends no sentence
/// unless a number comes just before it.
const PLACE_OR_UNIT: &[&str] = &["г", "гг", "м", "с", "р", "рр", "ч"];

/// Whether a period right after `word` (the letters just before it) keeps
/// the sentence going. `after_number` says whether a number stands just
/// before `word` ("2023 г.").
pub fn keeps_sentence(word: &str, after_number: bool) -> bool {
    let mut letters = word.chars();
    // An initial: one capital letter ("A. Dikiy", "О. Дикий", "U.S.").
    if let (Some(first), None) = (letters.next(), letters.next())
        && first.is_uppercase()
    {
        return true;
    }
    let lower = word.to_lowercase();
    if PLACE_OR_UNIT.contains(&lower.as_str()) {
        return !after_number;
    }
    BEFORE.contains(&lower.as_str())
}

/// The word just before byte `at` of `text` (its letters) and whether a
/// number stands before that word, past spaces: what [`keeps_sentence`]
/// takes.
pub fn word_before(text: &str, at: usize) -> (String, bool) {
    let before = &text[..at];
    let word: String = {
        let mut letters: Vec<char> = before
            .chars()
            .rev()
            .take_while(|c| c.is_alphabetic())
            .collect();
        letters.reverse();
        letters.into_iter().collect()
    };
    let rest = &before[..before.len() - word.len()];
    let after_number = rest
        .trim_end_matches([' ', '\u{a0}'])
        .chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_digit());
    (word, after_number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_after_abbreviations_and_initials_keep_the_sentence() {
        let cases = [
            ("colony No", true),
            ("no", true),
            ("А. Дикий", false),
            ("О", true),
            ("под ст", true),
            ("вул", true),
            ("в г", true),
            ("в 2023 г", false),
            ("у 2024 р", false),
            ("у м", true),
            ("в 10 ч", false),
            ("по ч", true),
            ("months", false),
            ("полгода", false),
            ("", false),
        ];
        for (before, keeps) in cases {
            let (word, after_number) = word_before(before, before.len());
            assert_eq!(keeps_sentence(&word, after_number), keeps, "{before:?}");
        }
        assert_eq!(
            word_before("в 2023\u{a0}г", "в 2023\u{a0}г".len()),
            ("г".to_owned(), true)
        );
    }
}
