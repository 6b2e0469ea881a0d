//! The seed report (`../shared/seed/`), a news page saved as text: the body
//! holds every paragraph of the report in order and none of the page's
//! boilerplate; the photo caption appears once, with its credit; authors,
//! translator and the originating outlet are metadata.
//!
//! Which lines of the dump are the report's paragraphs is read off the file
//! by line number, so no sentence of the report is copied here.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

use casefile_reader::text;

/// 1-based line numbers of the report's paragraphs in the seed dump.
const PARAGRAPH_LINES: [usize; 12] = [13, 15, 17, 19, 21, 23, 33, 35, 37, 43, 45, 47];
/// The photo caption and its credit.
const CAPTION_LINE: usize = 3;
const CREDIT_LINE: usize = 11;

#[test]
fn the_seed_report() {
    let Some(path) = casefile_testkit::shared_path("seed/000_5a79e9bafc309d1b.txt") else {
        return;
    };
    let raw = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = raw.lines().collect();
    let document = text::read(raw.as_bytes(), Some("000_5a79e9bafc309d1b.txt"));

    let paragraphs: Vec<&str> = document
        .blocks
        .iter()
        .map(|block| document.slice(block.span).unwrap())
        .collect();
    let expected: Vec<&str> = PARAGRAPH_LINES
        .iter()
        .map(|&n| lines[n - 1].trim())
        .collect();
    assert_eq!(
        paragraphs, expected,
        "the body must be exactly the report's paragraphs, in order"
    );

    for boilerplate in [
        "Skip to main content",
        "Share to or",
        "newsletter",
        "Donate",
        "reCAPTCHA",
    ] {
        assert!(
            !document.text.contains(boilerplate),
            "{boilerplate:?} is in the body"
        );
    }
    // The related-story teaser (lines 25 to 31) is not in the body.
    for n in [25, 27] {
        assert!(
            !document.text.contains(lines[n - 1].trim()),
            "teaser line {n} is in the body"
        );
    }
    assert_eq!(document.captions.len(), 1, "{:?}", document.captions);
    assert_eq!(document.captions[0].text, lines[CAPTION_LINE - 1].trim());
    assert_eq!(
        document.captions[0].credit.as_deref(),
        Some(lines[CREDIT_LINE - 1].trim())
    );
    assert!(!document.text.contains(lines[CAPTION_LINE - 1].trim()));
    assert_eq!(document.authors, ["Alisa Kuznetsova"]);
    assert_eq!(document.translators, ["Sam Breazeale"]);
    assert_eq!(document.publisher.as_deref(), Some("iStories"));
    assert!(document.title.is_some() && document.subtitle.is_some());
    assert_eq!(
        document.language.as_ref().map(|l| l.code.as_str()),
        Some("en")
    );
}
