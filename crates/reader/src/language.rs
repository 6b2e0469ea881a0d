//! Language identification for blocks and documents: English, Russian,
//! Ukrainian and Belarusian, with a confidence.
//!
//! Two identifiers work together: whatlang (trigram profiles, fast) answers
//! when it is sure, which it is on anything longer than a line, and lingua
//! (n-gram models, slower, much better on short texts) decides the rest.
//! Both carry their models in the binary; nothing is downloaded. They are loaded once, on first use.
//! Restricting the candidates to the four languages of the material makes
//! short texts, where Russian and Ukrainian are easily confused, far more
//! reliable than an open choice among dozens.

use std::sync::OnceLock;

use casefile_document::{Document, Language};
use lingua::{Language as Lingua, LanguageDetector, LanguageDetectorBuilder};

/// Texts with fewer letters than this get no language: there is too little
/// to tell.
const MIN_LETTERS: usize = 3;

/// Only this many characters of a long text are looked at: a few sentences
/// tell the language as well as a whole article, at a fraction of the cost.
const SAMPLE_CHARS: usize = 300;

fn detector() -> &'static LanguageDetector {
    static DETECTOR: OnceLock<LanguageDetector> = OnceLock::new();
    DETECTOR.get_or_init(|| {
        LanguageDetectorBuilder::from_languages(&[
            Lingua::English,
            Lingua::Russian,
            Lingua::Ukrainian,
            Lingua::Belarusian,
        ])
        .build()
    })
}

fn quick_detector() -> &'static whatlang::Detector {
    static DETECTOR: OnceLock<whatlang::Detector> = OnceLock::new();
    DETECTOR.get_or_init(|| {
        whatlang::Detector::with_allowlist(vec![
            whatlang::Lang::Eng,
            whatlang::Lang::Rus,
            whatlang::Lang::Ukr,
            whatlang::Lang::Bel,
        ])
    })
}

fn code(language: Lingua) -> &'static str {
    match language {
        Lingua::English => "en",
        Lingua::Russian => "ru",
        Lingua::Ukrainian => "uk",
        Lingua::Belarusian => "be",
    }
}

/// The most likely language of `text`, or `None` when it has too few
/// letters to tell.
pub fn identify(text: &str) -> Option<Language> {
    let sample = match text.char_indices().nth(SAMPLE_CHARS) {
        Some((end, _)) => &text[..end],
        None => text,
    };
    if sample
        .chars()
        .filter(|c| c.is_alphabetic())
        .take(MIN_LETTERS)
        .count()
        < MIN_LETTERS
    {
        return None;
    }
    // Of the four languages only English is written in Latin letters, so a
    // text mostly in Latin letters is English without looking further (the
    // answer whatlang gives too, with confidence 1, at a fraction of the
    // cost: most pages are read for this and nothing else).
    let (mut latin, mut cyrillic, mut other) = (0usize, 0usize, 0usize);
    for c in sample.chars().filter(|c| c.is_alphabetic()) {
        match c {
            'a'..='z' | 'A'..='Z' | '\u{c0}'..='\u{24f}' => latin += 1,
            '\u{400}'..='\u{52f}' => cyrillic += 1,
            _ => other += 1,
        }
    }
    if latin > cyrillic && latin > other {
        return Some(Language {
            code: "en".to_owned(),
            confidence: 1.0,
        });
    }
    // whatlang is fast and sure of itself on anything longer than a line;
    // lingua, slower but far better on short texts, decides the rest.
    if let Some(info) = quick_detector().detect(sample)
        && info.is_reliable()
    {
        let code = match info.lang() {
            whatlang::Lang::Eng => "en",
            whatlang::Lang::Rus => "ru",
            whatlang::Lang::Ukr => "uk",
            _ => "be",
        };
        return Some(Language {
            code: code.to_owned(),
            confidence: info.confidence() as f32,
        });
    }
    let values = detector().compute_language_confidence_values(sample);
    let (language, confidence) = values.first()?;
    Some(Language {
        code: code(*language).to_owned(),
        confidence: *confidence as f32,
    })
}

/// Sets the language of every block, and of the whole document as the
/// blocks' vote weighted by their length (its confidence is the share of
/// the text in that language).
pub fn annotate(document: &mut Document) {
    let mut weights: Vec<(String, usize)> = Vec::new();
    let ranges = document.block_bytes();
    let text = &document.text;
    for (block, range) in document.blocks.iter_mut().zip(ranges) {
        if let Some(text) = range.and_then(|range| text.get(range)) {
            block.language = identify(text);
            if let Some(language) = &block.language {
                match weights.iter_mut().find(|(code, _)| *code == language.code) {
                    Some((_, weight)) => *weight += block.span.len(),
                    None => weights.push((language.code.clone(), block.span.len())),
                }
            }
        }
    }
    let total: usize = weights.iter().map(|(_, weight)| weight).sum();
    document.language = match weights.into_iter().max_by_key(|(_, weight)| *weight) {
        Some((code, weight)) if total > 0 => Some(Language {
            code,
            confidence: weight as f32 / total as f32,
        }),
        _ if document.blocks.is_empty() => identify(&document.text),
        _ => None,
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_russian_and_ukrainian_lines_are_told_apart() {
        for (text, expected) in [
            ("Нам обещали амнистию через полгода службы.", "ru"),
            ("Нам обіцяли амністію через пів року служби.", "uk"),
            ("They were promised an amnesty after six months.", "en"),
            ("Нам абяцалі амністыю праз паўгода службы.", "be"),
        ] {
            assert_eq!(
                identify(text).map(|l| l.code),
                Some(expected.to_owned()),
                "{text}"
            );
        }
        assert_eq!(identify("42 !"), None);
    }
}
