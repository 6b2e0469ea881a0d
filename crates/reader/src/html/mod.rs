//! HTML pages (plain or gzip): the article's main text and metadata.
//!
//! casefile's own extractor reads the page in one pass (`tree.rs`: a
//! lenient tree builder that keeps only what extraction needs) and finds the
//! article in it (`article.rs`: units of text scored by length, commas,
//! class and id and link density, the best container and its close
//! siblings kept), with each block's kind: paragraph, heading, quote or
//! list item. Metadata comes from meta tags, JSON-LD and the markup.
//!
//! The blocks then go through a line cleanup: the headline repeated in the
//! body, bylines, date lines, photo credits, and boilerplate lines
//! ("Advertisement", "Share this", "You may also like"...) are moved out of
//! the text into metadata or `removed`, each with its reason.
//!
//! The extractor was written for speed (see BENCHMARKS.md): the
//! DOM-building extractor crates measured here spent 15 ms a page building
//! and walking a spec-compliant DOM; this one scores higher on the
//! 181-page article-extraction benchmark in a fraction of that.

mod article;
mod tree;

use std::io::Read as _;

use casefile_document::{
    Block, BlockKind, Caption, Diagnostic, Document, Origin, RemovalReason, Removed, Severity, Span,
};
use regex::Regex;

/// Pages larger than this (decompressed) are refused with a diagnostic.
const MAX_PAGE_BYTES: u64 = 64 << 20;

/// Whether `bytes` start like a gzip stream.
fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// Reads one HTML page (gzip allowed) into a document. `name` is the file's
/// name, kept in the origin.
pub fn read(bytes: &[u8], name: Option<&str>) -> Document {
    let mut document = Document::new(Origin::File {
        name: name.map(str::to_owned),
    });
    let location = name.unwrap_or("page").to_owned();
    let diagnostic = |document: &mut Document, severity, message: String| {
        document.diagnostics.push(Diagnostic {
            severity,
            location: location.clone(),
            message,
        });
    };
    let decompressed;
    let page: &[u8] = if is_gzip(bytes) {
        let mut out = Vec::new();
        let read = flate2::read::MultiGzDecoder::new(bytes)
            .take(MAX_PAGE_BYTES + 1)
            .read_to_end(&mut out);
        if let Err(error) = read {
            diagnostic(
                &mut document,
                Severity::Error,
                format!("the gzip stream is broken ({error}); what came before it is read"),
            );
        }
        decompressed = out;
        &decompressed
    } else {
        bytes
    };
    if page.len() as u64 > MAX_PAGE_BYTES {
        diagnostic(
            &mut document,
            Severity::Error,
            format!(
                "the page is larger than {} MiB; it was not read",
                MAX_PAGE_BYTES >> 20
            ),
        );
        return document;
    }
    // The page is decoded once, here, for both extractors: by its byte
    // order mark, its declared charset, UTF-8, or the most likely encoding.
    let decoded = crate::decode::decode(page, crate::decode::declared_charset(page));
    if let Some(note) = decoded.note {
        diagnostic(&mut document, Severity::Warning, note);
    }
    let tree = tree::parse(&decoded.text);
    if tree.flattened > 0 {
        diagnostic(
            &mut document,
            Severity::Warning,
            format!(
                "the page nests elements deeper than {} levels; {} tags past that depth were \
                 dropped and their text kept",
                tree::MAX_DEPTH,
                tree.flattened
            ),
        );
    }
    let article = article::extract(&tree);
    document.title = article.title.filter(|t| !t.trim().is_empty());
    document.authors = article.authors;
    document.publisher = article.publisher;
    document.published = article.published;
    document.url = article.url;
    document.subtitle = article.subtitle;
    for (text, credit) in article.captions {
        let caption = Caption { text, credit };
        if !document.captions.contains(&caption) {
            document.captions.push(caption);
        }
    }
    document.removed = article
        .removed
        .into_iter()
        .map(|(reason, text)| Removed { text, reason })
        .collect();
    let blocks = clean(article.blocks, &mut document);
    set_blocks(&mut document, blocks);
    crate::language::annotate(&mut document);
    if document.text.is_empty() {
        diagnostic(
            &mut document,
            Severity::Warning,
            "no main text was found".into(),
        );
    }
    document
}

/// Line patterns that are never part of an article, each with its reason.
struct Patterns {
    boilerplate: Vec<(Regex, RemovalReason)>,
    byline: Regex,
    date_line: Regex,
    credit: Regex,
}

fn patterns() -> &'static Patterns {
    static PATTERNS: std::sync::OnceLock<Patterns> = std::sync::OnceLock::new();
    PATTERNS.get_or_init(|| {
        let regex = crate::pattern;
        Patterns {
            boilerplate: vec![
                (regex(r"(?i)^(advertisement|sponsored( content)?|реклама)$"), RemovalReason::Other),
                (
                    regex(r"(?i)^(share( this)?( article| story| post)?|поділитися|поделиться)\s*:?$"),
                    RemovalReason::Share,
                ),
                (regex(r"(?i)^(print this article|print|email)$"), RemovalReason::Share),
                (
                    regex(r"(?i)^(subscribe|sign up|follow us|підпишіться|подпишитесь)\b.{0,80}$"),
                    RemovalReason::Newsletter,
                ),
                (
                    regex(
                        r"(?i)^(read more|you may also like|related( articles| stories| posts| news)?|more from|читайте також|читайте также)\b.{0,40}$",
                    ),
                    RemovalReason::RelatedStory,
                ),
                (regex(r"(?i)^(tags?|теги|мітки|comments?|breaking news)\s*:?$"), RemovalReason::Navigation),
            ],
            byline: regex(r"(?i)^(by|posted by|written by|reporting by|publicado por|por|von|автор)\s"),
            date_line: regex(r"^[\w ,.:/\-]*\b(19|20)\d\d\b[\w ,.:/\-]*$"),
            credit: regex(
                r"(?i)^((photo|image|picture|credit|foto|source|photograph|фото)s?( credit)?\s*[:|]|(image|photo) (caption|copyright)|©)",
            ),
        }
    })
}

/// Moves blocks that are not the article out of the text (see the module
/// documentation) and returns the rest.
fn clean(blocks: Vec<(BlockKind, String)>, document: &mut Document) -> Vec<(BlockKind, String)> {
    let patterns = patterns();
    let title = document.title.clone().unwrap_or_default();
    let mut kept = Vec::with_capacity(blocks.len());
    for (kind, text) in blocks {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            continue;
        }
        let words = trimmed.split_whitespace().count();
        let mut remove = |reason| {
            document.removed.push(Removed {
                text: trimmed.to_owned(),
                reason,
            });
        };
        if !title.is_empty() && trimmed == title.trim() {
            remove(RemovalReason::Duplicate);
        } else if let Some((_, reason)) = patterns
            .boilerplate
            .iter()
            .find(|(re, _)| re.is_match(trimmed))
        {
            remove(*reason);
        } else if words <= 12 && patterns.byline.is_match(trimmed) {
            let name = trimmed
                .split_once(char::is_whitespace)
                .map_or("", |(_, rest)| rest.trim());
            if !name.is_empty() && !document.authors.iter().any(|author| author == name) {
                document.authors.push(name.to_owned());
            }
            remove(RemovalReason::Other);
        } else if document.authors.iter().any(|author| author == trimmed)
            || (words <= 8 && !trimmed.ends_with('.') && patterns.date_line.is_match(trimmed))
        {
            // The author's name alone, or a date line: metadata, not text.
            remove(RemovalReason::Other);
        } else if words <= 15 && patterns.credit.is_match(trimmed) {
            let caption = Caption {
                text: String::new(),
                credit: Some(trimmed.to_owned()),
            };
            if !document.captions.contains(&caption) {
                document.captions.push(caption);
            }
            remove(RemovalReason::Other);
        } else {
            kept.push((kind, trimmed.to_owned()));
        }
    }
    kept
}

/// Sets the text from the blocks, separated by blank lines, and their
/// spans. A block's inner line breaks (from `<br>`) are kept.
fn set_blocks(document: &mut Document, blocks: Vec<(BlockKind, String)>) {
    let mut out = String::new();
    let mut chars = 0usize;
    let mut spans = Vec::with_capacity(blocks.len());
    for (kind, text) in blocks {
        let text = text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        if text.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str("\n\n");
            chars += 2;
        }
        let length = text.chars().count();
        spans.push(Block {
            kind,
            span: Span::new(chars, chars + length),
            language: None,
        });
        out.push_str(&text);
        chars += length;
    }
    document.text = out;
    document.blocks = spans;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(body: &str) -> Document {
        let html = format!(
            "<html><head><title>Unit disbanded</title><meta name=\"author\" content=\"Jane Roe\"></head>\
             <body><nav><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav><article><h1>Unit disbanded</h1>{body}</article>\
             <footer>Copyright footer text</footer></body></html>"
        );
        read(html.as_bytes(), Some("page.html"))
    }

    #[test]
    fn the_article_is_kept_and_boilerplate_moved_out() {
        let document = page(
            "<p>By Jane Roe</p><p>The unit was disbanded in April 2024, according to two of its former members who spoke on condition of anonymity.</p>\
             <p>Advertisement</p><p>Those who refused new contracts say they were threatened with prosecution and sent back to the front.</p>\
             <p>You may also like</p>",
        );
        assert!(
            document.text.contains("disbanded in April 2024"),
            "{}",
            document.text
        );
        assert!(document.text.contains("threatened with prosecution"));
        assert!(!document.text.contains("Advertisement"));
        assert!(!document.text.contains("Home"));
        assert_eq!(document.title.as_deref(), Some("Unit disbanded"));
        assert!(
            document.authors.iter().any(|a| a == "Jane Roe"),
            "{:?}",
            document.authors
        );
        for block in &document.blocks {
            assert!(document.slice(block.span).is_some_and(|t| !t.is_empty()));
        }
    }

    #[test]
    fn legacy_cyrillic_pages_declared_or_not() {
        let paragraph = "Бывших заключённых, завербованных в подразделение, не отпускают после шести месяцев службы, как обещали при вербовке.";
        for (encoding, declared) in [
            (encoding_rs::WINDOWS_1251, true),
            (encoding_rs::WINDOWS_1251, false),
            (encoding_rs::KOI8_R, true),
            (encoding_rs::KOI8_R, false),
        ] {
            let meta = if declared {
                format!("<meta charset=\"{}\">", encoding.name())
            } else {
                String::new()
            };
            let html = format!(
                "<html><head>{meta}<title>Заголовок</title></head><body><article><p>{paragraph}</p><p>{paragraph}</p></article></body></html>"
            );
            let (bytes, _, _) = encoding.encode(&html);
            let document = read(&bytes, None);
            assert!(
                document.text.contains(paragraph),
                "{} declared={declared}: {:?}",
                encoding.name(),
                document.text
            );
            assert_eq!(
                document.language.as_ref().map(|l| l.code.as_str()),
                Some("ru")
            );
        }
    }

    #[test]
    fn deeply_nested_pages_are_flattened_not_slow() {
        let depth = 100_000;
        let html = format!(
            "<html><body>{}<p>The text at the bottom of a very deep page, long enough to be kept as the article.</p>{}</body></html>",
            "<div>".repeat(depth),
            "</div>".repeat(depth)
        );
        let document = read(html.as_bytes(), None);
        assert!(
            document.text.contains("at the bottom of a very deep page"),
            "{:?}",
            document.text
        );
        assert!(
            document
                .diagnostics
                .iter()
                .any(|d| d.message.contains("nests elements deeper"))
        );
    }

    #[test]
    fn gzip_pages_and_broken_input_are_read_without_panic() {
        use std::io::Write as _;
        let html = b"<html><body><article><p>A paragraph long enough to be an article body for the extractor to keep it around.</p></article></body></html>";
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(html).unwrap();
        let gz = encoder.finish().unwrap();
        let plain = read(html, None);
        let unzipped = read(&gz, None);
        assert_eq!(plain.text, unzipped.text);
        let truncated = read(&gz[..gz.len() / 2], None);
        assert!(
            truncated
                .diagnostics
                .iter()
                .any(|d| d.message.contains("gzip"))
        );
        for bytes in [&b""[..], b"\xff\xfe\x00", b"<<<>>>", b"<html><body>"] {
            let _ = read(bytes, None);
        }
    }
}
