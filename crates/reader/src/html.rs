//! HTML pages (plain or gzip): the article's main text and metadata.
//!
//! Two independent extractors read the page: rs-trafilatura (a port of
//! trafilatura: main-text detection, metadata from meta tags, Open Graph and
//! JSON-LD) and dom_smoothie (a port of Readability). rs-trafilatura's text
//! is kept unless it is more than twice as long as dom_smoothie's: when two
//! extractors disagree that much, the longer one has almost always swept in
//! listings, teasers or comments around the article. Measured on the
//! 181-page article-extraction benchmark, the pair scores higher than
//! either alone (see BENCHMARKS.md).
//!
//! The chosen text then goes through a line cleanup: the headline repeated
//! in the body, bylines, date lines, photo credits, and boilerplate lines
//! ("Advertisement", "Share this", "You may also like"...) are moved out of
//! the text into metadata or `removed`, each with its reason.

use std::io::Read as _;

use casefile_document::{
    Block, BlockKind, Caption, Diagnostic, Document, Origin, RemovalReason, Removed, Severity, Span,
};
use regex::Regex;

/// Pages larger than this (decompressed) are refused with a diagnostic.
const MAX_PAGE_BYTES: u64 = 64 << 20;

/// Elements nested deeper than this are flattened before extraction: the
/// extractors' cost grows with the square of the depth (2,000 levels took
/// seconds), and real pages stay far below it.
const MAX_DEPTH: usize = 256;

/// Elements that never have content, so never nest.
const VOID_ELEMENTS: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Below this many words dom_smoothie's text is not trusted as the article.
const MIN_FALLBACK_WORDS: usize = 50;

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
    let mut html = decoded.text;
    if let Some((flattened, dropped)) = flatten_deep(&html, MAX_DEPTH) {
        diagnostic(
            &mut document,
            Severity::Warning,
            format!(
                "the page nests elements deeper than {MAX_DEPTH} levels; {dropped} tags past that \
                 depth were dropped and their text kept"
            ),
        );
        html = std::borrow::Cow::Owned(flattened);
    }
    let extracted = match rs_trafilatura::extract(&html) {
        Ok(result) => Some(result),
        Err(error) => {
            diagnostic(
                &mut document,
                Severity::Warning,
                format!("the main-text extractor found nothing: {error}"),
            );
            None
        }
    };
    let readability = dom_smoothie::Readability::new(html.as_ref(), None, None)
        .ok()
        .and_then(|mut reader| reader.parse().ok());

    let primary = extracted
        .as_ref()
        .map(|r| r.content_text.clone())
        .unwrap_or_default();
    let fallback = readability
        .as_ref()
        .map(|article| article.text_content.to_string())
        .unwrap_or_default();
    let (primary_words, fallback_words) = (word_count(&primary), word_count(&fallback));
    let primary_swept_more =
        fallback_words > MIN_FALLBACK_WORDS && primary_words > 2 * fallback_words;
    let text = if primary_swept_more || primary_words == 0 {
        fallback
    } else {
        primary
    };

    if let Some(result) = &extracted {
        let metadata = &result.metadata;
        document.title = metadata.title.clone().filter(|t| !t.trim().is_empty());
        document.authors = metadata
            .author
            .iter()
            .flat_map(|authors| authors.split([';', '|']))
            .map(|author| author.trim().to_owned())
            .filter(|author| !author.is_empty())
            .collect();
        document.publisher = metadata.sitename.clone();
        document.published = metadata.date.map(|date| date.to_rfc3339());
        document.url = metadata.url.clone();
        for image in &result.images {
            if let Some(caption) = image.caption.as_ref().filter(|c| !c.trim().is_empty()) {
                let caption = Caption {
                    text: caption.trim().to_owned(),
                    credit: None,
                };
                if !document.captions.contains(&caption) {
                    document.captions.push(caption);
                }
            }
        }
    }
    if document.title.is_none() {
        document.title = readability
            .as_ref()
            .map(|article| article.title.trim().to_owned())
            .filter(|title| !title.is_empty());
    }
    if document.published.is_none() {
        document.published = readability.as_ref().and_then(|a| a.published_time.clone());
    }
    let cleaned = clean(&text, &mut document);
    set_text(&mut document, &cleaned);
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

/// Drops the tags of elements nested deeper than `limit`, keeping all text.
/// Returns `None` when the page stays within the limit. The scan is
/// tolerant: comments, doctypes and the contents of `script` and `style`
/// are copied as they are.
fn flatten_deep(html: &str, limit: usize) -> Option<(String, usize)> {
    let mut out = String::with_capacity(html.len());
    let mut depth = 0usize;
    let mut dropped = 0usize;
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        rest = &rest[open..];
        let end_marker = if rest.starts_with("<!--") { "-->" } else { ">" };
        let Some(close) = rest.find(end_marker) else {
            break;
        };
        let tag = &rest[..close + end_marker.len()];
        rest = &rest[tag.len()..];
        let inner = tag.trim_start_matches('<').trim_end_matches('>');
        let name: String = inner
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let keep = if inner.starts_with(['!', '?']) || name.is_empty() {
            true
        } else if inner.starts_with('/') {
            let keep = depth <= limit;
            depth = depth.saturating_sub(1);
            keep
        } else if inner.ends_with('/') || VOID_ELEMENTS.contains(&name.as_str()) {
            depth < limit
        } else {
            depth += 1;
            depth <= limit
        };
        if keep {
            out.push_str(tag);
        } else {
            dropped += 1;
        }
        if !inner.starts_with('/') && matches!(name.as_str(), "script" | "style") {
            // Raw text up to the closing tag, as it is.
            let closing = format!("</{name}");
            let end = rest
                .to_ascii_lowercase()
                .find(&closing)
                .unwrap_or(rest.len());
            out.push_str(&rest[..end]);
            rest = &rest[end..];
        }
    }
    out.push_str(rest);
    (dropped > 0).then_some((out, dropped))
}

fn word_count(text: &str) -> usize {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|word| !word.is_empty())
        .count()
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

/// Moves lines that are not the article out of the text (see the module
/// documentation) and returns what is left.
fn clean(text: &str, document: &mut Document) -> String {
    let patterns = patterns();
    let title = document.title.clone().unwrap_or_default();
    let mut kept: Vec<&str> = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            kept.push("");
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
            kept.push(line);
        }
    }
    kept.join("\n")
}

/// Sets the text and its paragraph blocks: runs of non-empty lines between
/// empty lines, trimmed; each line of a list-like run is its own block.
fn set_text(document: &mut Document, text: &str) {
    let mut out = String::with_capacity(text.len());
    let mut chars = 0usize;
    let mut blocks = Vec::new();
    for line in text.lines().map(str::trim).filter(|line| !line.is_empty()) {
        if !out.is_empty() {
            out.push_str("\n\n");
            chars += 2;
        }
        let length = line.chars().count();
        blocks.push(Block {
            kind: BlockKind::Paragraph,
            span: Span::new(chars, chars + length),
            language: None,
        });
        out.push_str(line);
        chars += length;
    }
    document.text = out;
    document.blocks = blocks;
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
        let shallow = "<html><body><div><p>x</p><!-- <div> --><script>if (a<b) {}</script></div></body></html>";
        assert_eq!(flatten_deep(shallow, 10), None);
        let (flat, dropped) = flatten_deep("<a><b><c>t</c></b></a>", 2).unwrap();
        assert_eq!((flat.as_str(), dropped), ("<a><b>t</b></a>", 2));
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
