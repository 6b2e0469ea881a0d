//! Plain text: testimonies, and text dumps of web pages (a page saved as
//! text, with its menus, captions, teasers and appeals mixed in).
//!
//! The text is read line by line; each non-empty line is a paragraph unless
//! it is recognised as something else:
//!
//! - navigation and share fragments ("Skip to main content", "• Share to",
//!   one-word menu items), newsletter, donation and captcha lines: moved to
//!   `removed` with their reason;
//! - "Source: …" (and its Russian and Ukrainian forms): the publisher;
//! - "Reporting by …", "Translation by …" (and their forms): authors and
//!   translators;
//! - a line repeated in the dump and followed by a short credit line
//!   ("Name / Agency"): a caption, kept once, with its credit;
//! - any other repeated line (a teaser for another story, shown twice):
//!   removed as a related-story teaser, its repeats as duplicates;
//! - the first line before the body, when short and not ending like a
//!   sentence: the title (a quoted headline followed by more text is split
//!   into title and subtitle); with no body after it, it stays the text.

use std::collections::HashMap;

use casefile_document::{
    Block, BlockKind, Caption, Diagnostic, Document, Origin, RemovalReason, Removed, Severity, Span,
};
use regex::Regex;

/// A line longer than this is a paragraph whatever it says.
const SHORT_LINE: usize = 200;

struct Patterns {
    navigation: Regex,
    share: Regex,
    newsletter: Regex,
    donation: Regex,
    captcha: Regex,
    source: Regex,
    reporting: Regex,
    translation: Regex,
    credit: Regex,
}

fn patterns() -> &'static Patterns {
    static PATTERNS: std::sync::OnceLock<Patterns> = std::sync::OnceLock::new();
    PATTERNS.get_or_init(|| {
        let regex = crate::pattern;
        Patterns {
            navigation: regex(
                r"(?i)^(skip to (main )?content|перейти к (основному )?содержанию|перейти до (основного )?вмісту|menu|меню|home|главная|головна|search|поиск|пошук)$",
            ),
            share: regex(r"(?i)^[•·\-*]?\s*(share|поделиться|поділитися)\b"),
            newsletter: regex(
                r"(?i)(newsletter|sign up for|subscribe to|рассылк|подпишитесь|підпишіться|розсилк)",
            ),
            donation: regex(
                r"(?i)\b(donate|donation|support us|support our|become a (member|patron)|пожертв|поддержите|підтримайте|задонать)",
            ),
            captcha: regex(r"(?i)(recaptcha|captcha|i'?m not a robot|я не робот)"),
            source: regex(r"(?i)^(source|источник|джерело)\s*:\s*(.+)$"),
            reporting: regex(
                r"(?i)(?:reporting|story|text|written) by ([^.]+)|(?:текст|автор)\s*:\s*([^.]+)",
            ),
            translation: regex(r"(?i)translat(?:ion|ed) by ([^.]+)|(?:перевод|переклад)\s*:\s*([^.]+)"),
            credit: regex(r"^[^.!?]{2,80}( / [^.!?/]{2,60}){1,4}$"),
        }
    })
}

/// Reads plain text into a document. Invalid UTF-8 is replaced and noted.
pub fn read(bytes: &[u8], name: Option<&str>) -> Document {
    let mut document = Document::new(Origin::File {
        name: name.map(str::to_owned),
    });
    let decoded = crate::decode::decode(bytes, None);
    if let Some(note) = decoded.note {
        document.diagnostics.push(Diagnostic {
            severity: Severity::Warning,
            location: "text".into(),
            message: note,
        });
    }
    let text = decoded.text;
    // Each non-empty line, and whether a blank line came before it: lines
    // with none between them belong to one paragraph.
    let mut lines: Vec<String> = Vec::new();
    let mut starts_paragraph: Vec<bool> = Vec::new();
    let mut blank_before = true;
    for raw in text.lines() {
        // Only the ends are trimmed: the text keeps the source's characters
        // (no-break spaces included), so a quotation stays word for word.
        let line = raw.trim().to_owned();
        if line.is_empty() {
            blank_before = true;
            continue;
        }
        lines.push(line);
        starts_paragraph.push(blank_before);
        blank_before = false;
    }
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for line in &lines {
        *counts.entry(line.as_str()).or_default() += 1;
    }
    let patterns = patterns();
    let is_credit = |line: &str| line.len() <= SHORT_LINE && patterns.credit.is_match(line);
    // A repeated line is a caption when one of its repeats is followed by a
    // credit line.
    let mut captions: HashMap<&str, &str> = HashMap::new();
    for pair in lines.windows(2) {
        if counts[pair[0].as_str()] > 1 && is_credit(&pair[1]) {
            captions.insert(&pair[0], &pair[1]);
        }
    }

    let mut body: Vec<String> = Vec::new();
    let mut seen: HashMap<&str, bool> = HashMap::new();
    let mut after_newsletter = false;
    let mut previous_in_body = false;
    let mut title_line: Option<&str> = None;
    for (index, line) in lines.iter().enumerate() {
        let line = line.as_str();
        let continues_paragraph = previous_in_body && !starts_paragraph[index];
        previous_in_body = false;
        let short = line.chars().count() <= SHORT_LINE;
        let first_time = !seen.contains_key(line);
        seen.insert(line, true);
        let remove = |document: &mut Document, reason| {
            document.removed.push(Removed {
                text: line.to_owned(),
                reason,
            });
        };
        if after_newsletter && short {
            // The line describing the newsletter just offered.
            after_newsletter = false;
            remove(&mut document, RemovalReason::Newsletter);
            continue;
        }
        after_newsletter = false;
        if let Some(credit) = captions.get(line) {
            if first_time {
                document.captions.push(Caption {
                    text: line.to_owned(),
                    credit: Some((*credit).to_owned()),
                });
            } else {
                remove(&mut document, RemovalReason::Duplicate);
            }
        } else if captions.values().any(|credit| *credit == line) {
            // The credit is kept with its caption.
        } else if short && patterns.navigation.is_match(line) {
            remove(&mut document, RemovalReason::Navigation);
        } else if short && patterns.share.is_match(line) {
            remove(&mut document, RemovalReason::Share);
        } else if short && patterns.captcha.is_match(line) {
            remove(&mut document, RemovalReason::Captcha);
        } else if short && patterns.newsletter.is_match(line) {
            remove(&mut document, RemovalReason::Newsletter);
            after_newsletter = true;
        } else if patterns.donation.is_match(line) && line.chars().count() <= 2 * SHORT_LINE {
            remove(&mut document, RemovalReason::Donation);
        } else if let Some(source) = short.then(|| patterns.source.captures(line)).flatten() {
            document.publisher = source.get(2).map(|m| m.as_str().trim().to_owned());
        } else if short
            && (patterns.reporting.is_match(line) || patterns.translation.is_match(line))
        {
            let names = |re: &Regex| -> Vec<String> {
                re.captures_iter(line)
                    .filter_map(|c| c.get(1).or_else(|| c.get(2)))
                    .flat_map(|m| {
                        m.as_str()
                            .split(" and ")
                            .map(|n| n.trim().to_owned())
                            .collect::<Vec<_>>()
                    })
                    .filter(|n| !n.is_empty())
                    .collect()
            };
            document.authors.extend(names(&patterns.reporting));
            document.translators.extend(names(&patterns.translation));
        } else if counts[line] > 1 && short {
            let reason = if first_time {
                RemovalReason::RelatedStory
            } else {
                RemovalReason::Duplicate
            };
            remove(&mut document, reason);
        } else if short
            && line.split_whitespace().count() <= 2
            && !line.ends_with(['.', '!', '?', '…'])
            && index + 1 < lines.len()
        {
            // A one- or two-word fragment between paragraphs: a menu item.
            remove(&mut document, RemovalReason::Navigation);
        } else if document.title.is_none()
            && body.is_empty()
            && short
            && !line.ends_with(['.', '!', '?', '…'])
        {
            set_title(&mut document, line);
            title_line = Some(line);
        } else {
            match body.last_mut() {
                Some(paragraph) if continues_paragraph => {
                    paragraph.push(' ');
                    paragraph.push_str(line);
                }
                _ => body.push(line.to_owned()),
            }
            previous_in_body = true;
        }
    }
    // A title with no text after it was the text itself.
    if body.is_empty()
        && let Some(line) = title_line
    {
        body.push(line.to_owned());
        document.title = None;
        document.subtitle = None;
    }
    let mut text = String::new();
    let mut chars = 0usize;
    for (at, paragraph) in body.iter().enumerate() {
        if !text.is_empty() {
            text.push_str("\n\n");
            chars += 2;
        }
        let length = paragraph.chars().count();
        document.blocks.push(Block {
            kind: block_kind(paragraph, body.get(at + 1).map(String::as_str)),
            span: Span::new(chars, chars + length),
            language: None,
        });
        text.push_str(paragraph);
        chars += length;
    }
    document.text = text;
    crate::language::annotate(&mut document);
    document
}

/// What kind of block a paragraph of plain text is, from its form alone:
/// a list item starts with a bullet or a number; a quote is wholly in
/// quotation marks or set off with `>`; a heading is a short line without
/// closing punctuation followed by a longer paragraph. Anything else is a
/// paragraph.
fn block_kind(paragraph: &str, next: Option<&str>) -> BlockKind {
    let trimmed = paragraph.trim();
    let mut chars = trimmed.chars();
    let first = chars.next().unwrap_or(' ');
    let second = chars.next().unwrap_or(' ');
    if matches!(first, '-' | '•' | '–' | '—' | '*' | '·' | '▪') && second == ' ' {
        return BlockKind::ListItem;
    }
    let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
    if (1..=3).contains(&digits)
        && trimmed[digits..].starts_with([')', '.'])
        && trimmed[digits + 1..].starts_with(' ')
    {
        return BlockKind::ListItem;
    }
    if trimmed.starts_with("> ") {
        return BlockKind::Quote;
    }
    let quoted = [('«', '»'), ('“', '”'), ('„', '“'), ('"', '"')]
        .iter()
        .any(|(open, close)| {
            trimmed.starts_with(*open)
                && trimmed.ends_with(*close)
                && trimmed.chars().count() > 2
                && trimmed[open.len_utf8()..trimmed.len() - close.len_utf8()]
                    .chars()
                    .all(|c| c != *close && (*open == *close || c != *open))
        });
    if quoted {
        return BlockKind::Quote;
    }
    let words = trimmed.split_whitespace().count();
    let closed = trimmed.ends_with(['.', '!', '?', ':', ';', ',', '…', '»', '"', '”', ')']);
    let longer_next = next.is_some_and(|next| next.split_whitespace().count() > words * 2);
    if (1..=12).contains(&words) && !closed && longer_next {
        return BlockKind::Heading;
    }
    BlockKind::Paragraph
}

/// A quoted headline followed by more text ("‘…’ Standfirst") is split into
/// title and subtitle; otherwise the whole line is the title.
fn set_title(document: &mut Document, line: &str) {
    let pairs = [('‘', '’'), ('“', '”'), ('«', '»'), ('"', '"'), ('„', '“')];
    for (open, close) in pairs {
        if let Some(rest) = line.strip_prefix(open)
            && let Some(end) = rest.find(close)
        {
            let after = rest[end + close.len_utf8()..].trim();
            if !after.is_empty() {
                document.title = Some(line[..open.len_utf8() + end + close.len_utf8()].to_owned());
                document.subtitle = Some(after.to_owned());
                return;
            }
        }
    }
    document.title = Some(line.to_owned());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A synthetic dump with every kind of line the reader sorts out.
    const DUMP: &str = "Skip to main content\n  • Share to or\nA soldier at a checkpoint near a river. May 1, 2024.\nnews\n\n\
“We were promised release” Recruits say the terms were broken\n\nSource: Example Outlet\n\
A soldier at a checkpoint near a river. May 1, 2024.\nJane Doe / Example Agency\n\n\
The first paragraph of the report tells who was recruited and when, in some detail.\n\n\
Related heading\n\n“Another story” teaser text\n\nThe second paragraph says what was promised.\n\n\
Related heading\n\n“Another story” teaser text\n\n\
We depend on readers like you. Donate today\n\nSign up for our weekly newsletter\n\nA digest of the week's news.\n\n\
Protected by reCAPTCHA and the Google Privacy Policy apply.\n\n\
Reporting by Ann Writer and Bo Second. Translation by Cy Translator.\n  • Share to or\n";

    #[test]
    fn a_web_dump_is_sorted_into_text_and_metadata() {
        let document = read(DUMP.as_bytes(), Some("dump.txt"));
        assert_eq!(
            document.text,
            "The first paragraph of the report tells who was recruited and when, in some detail.\n\n\
             The second paragraph says what was promised."
        );
        assert_eq!(
            document.title.as_deref(),
            Some("“We were promised release”")
        );
        assert_eq!(
            document.subtitle.as_deref(),
            Some("Recruits say the terms were broken")
        );
        assert_eq!(document.publisher.as_deref(), Some("Example Outlet"));
        assert_eq!(document.authors, ["Ann Writer", "Bo Second"]);
        assert_eq!(document.translators, ["Cy Translator"]);
        assert_eq!(document.captions.len(), 1);
        assert_eq!(
            document.captions[0].credit.as_deref(),
            Some("Jane Doe / Example Agency")
        );
        let reasons: Vec<RemovalReason> = document.removed.iter().map(|r| r.reason).collect();
        for reason in [
            RemovalReason::Navigation,
            RemovalReason::Share,
            RemovalReason::RelatedStory,
            RemovalReason::Duplicate,
            RemovalReason::Donation,
            RemovalReason::Newsletter,
            RemovalReason::Captcha,
        ] {
            assert!(
                reasons.contains(&reason),
                "{reason:?} missing from {reasons:?}"
            );
        }
    }

    #[test]
    fn a_testimony_is_kept_whole() {
        let testimony = "Мене забрали з колонії восени 2022 року.\nОбіцяли, що через пів року відпустять.\n\nЗамість цього відправили на штурм.";
        let document = read(testimony.as_bytes(), None);
        assert_eq!(document.blocks.len(), 2, "{:?}", document.text);
        assert_eq!(document.title, None);
        assert!(document.text.contains("пів року"));
        assert!(document.removed.is_empty(), "{:?}", document.removed);
        assert_eq!(
            document.language.as_ref().map(|l| l.code.as_str()),
            Some("uk")
        );
    }

    #[test]
    fn legacy_cyrillic_encodings_are_detected() {
        let testimony = "Нам обещали амнистию через полгода службы, а потом отправили на штурм.\n\nЗарплату перестали платить в январе.";
        for encoding in [
            encoding_rs::WINDOWS_1251,
            encoding_rs::KOI8_R,
            encoding_rs::UTF_16LE,
        ] {
            let (mut bytes, _, _) = encoding.encode(testimony);
            if encoding == encoding_rs::UTF_16LE {
                // encoding_rs encodes UTF-16 as UTF-8; write it by hand, with
                // its byte order mark.
                let mut utf16 = vec![0xFF, 0xFE];
                utf16.extend(testimony.encode_utf16().flat_map(u16::to_le_bytes));
                bytes = utf16.into();
            }
            let document = read(&bytes, None);
            assert_eq!(document.text, testimony, "{}", encoding.name());
            assert_eq!(
                document.language.as_ref().map(|l| l.code.as_str()),
                Some("ru")
            );
        }
    }

    #[test]
    fn invalid_utf8_is_noted() {
        let document = read(b"caf\xe9 au lait, a longer line of text here", None);
        assert!(document.text.contains("café"), "{}", document.text);
        assert_eq!(document.diagnostics.len(), 1);
    }

    #[test]
    fn plain_text_blocks_get_a_kind_from_their_form() {
        let long =
            "Після шести місяців служби нікого не відпустили, а виплати припинилися у січні.";
        let cases = [
            (
                "What the recruits were told",
                Some(long),
                BlockKind::Heading,
            ),
            ("What the recruits were told", None, BlockKind::Paragraph),
            ("They were told nothing.", Some(long), BlockKind::Paragraph),
            ("- six months of service", None, BlockKind::ListItem),
            ("• amnesty", None, BlockKind::ListItem),
            ("2) pay of 200,000 roubles", None, BlockKind::ListItem),
            ("When the pay stopped", Some(long), BlockKind::Heading),
            ("«Нас обманули», — сказал он.", None, BlockKind::Paragraph),
            ("«Нас обманули»", None, BlockKind::Quote),
            ("“We were promised an amnesty.”", None, BlockKind::Quote),
            ("> quoted from the complaint", None, BlockKind::Quote),
        ];
        for (paragraph, next, expected) in cases {
            assert_eq!(block_kind(paragraph, next), expected, "{paragraph}");
        }
    }
}
