//! The `Document`: the unit that flows from the readers (bytes to text) to
//! the extractors (text to mentions, times, quotes and claims).
//!
//! A reader turns one piece of collected material into documents: one per
//! article, per Telegram message, per WARC response. Each carries its clean
//! text, the structure of that text as blocks with spans, the metadata the
//! material states (title, authors, dates...), what was dropped as
//! boilerplate and why, where it came from (`origin`), and diagnostics about
//! anything that could not be read cleanly.
//!
//! **Offsets.** Every [`Span`] counts Unicode scalar values (Rust `char`s)
//! from the start of [`Document::text`], end exclusive. Character offsets do
//! not depend on the encoding of the source and stay valid in any language
//! that indexes strings by code point.
//!
//! This crate is data only: no I/O, no parsing.

#![deny(missing_docs)]

use serde::{Deserialize, Serialize};

/// A range of characters in a document's text: `[start, end)`, counted in
/// Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Span {
    /// First character.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    /// Number of characters covered.
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// Whether the span covers nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The text this span covers in `text`, or `None` if it lies outside.
    pub fn slice<'a>(&self, text: &'a str) -> Option<&'a str> {
        let mut indices = text.char_indices().map(|(at, _)| at).chain([text.len()]);
        let start = indices.nth(self.start)?;
        let end = if self.end == self.start {
            start
        } else {
            indices.nth(self.end - self.start - 1)?
        };
        text.get(start..end)
    }
}

/// A language, as an ISO 639-1 code (`en`, `ru`, `uk`, `be`...), with the
/// identifier's confidence between 0 and 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Language {
    /// ISO 639-1 code.
    pub code: String,
    /// Confidence between 0 and 1.
    pub confidence: f32,
}

/// What kind of block of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    /// A paragraph of running text.
    Paragraph,
    /// A heading.
    Heading,
    /// A caption of a photo or other media.
    Caption,
    /// A quotation set apart from the text.
    Quote,
    /// An item of a list.
    ListItem,
}

/// A block of the text: a paragraph, heading, caption, quote or list item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Block {
    /// What kind of block.
    pub kind: BlockKind,
    /// Where it is in the text.
    pub span: Span,
    /// Its language, when identified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
}

/// A caption with its credit, as the material states them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caption {
    /// The caption's text.
    pub text: String,
    /// Who is credited ("Photo: ...").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit: Option<String>,
}

/// Why a piece of the material was left out of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemovalReason {
    /// Site navigation, menus, "skip to content".
    Navigation,
    /// Share buttons and prompts.
    Share,
    /// Newsletter sign-up prompts.
    Newsletter,
    /// Donation appeals.
    Donation,
    /// Captcha and robot-check notices.
    Captcha,
    /// Teasers for other stories.
    RelatedStory,
    /// A repeat of a block already kept.
    Duplicate,
    /// Anything else judged not part of the material.
    Other,
}

/// A piece of the material left out of the text, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Removed {
    /// The text that was dropped.
    pub text: String,
    /// Why.
    pub reason: RemovalReason,
}

/// What kind of marked-up text an [`Annotation`] covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnnotationKind {
    /// A URL written out in the text.
    Link,
    /// Text linked to a URL (the URL is the value).
    TextLink,
    /// An @mention.
    Mention,
    /// A mention of a user by name (the user id is the value).
    MentionName,
    /// A #hashtag.
    Hashtag,
    /// A $cashtag.
    Cashtag,
    /// An e-mail address.
    Email,
    /// A phone number.
    Phone,
    /// A bot command.
    BotCommand,
    /// Bold, italic, code or other emphasis (the style is the value).
    Emphasis,
    /// A quotation block.
    Blockquote,
    /// Any other kind (the source's name for it is the value).
    Other,
}

/// A marked-up part of the text: a link, a mention, a hashtag...
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Annotation {
    /// What kind.
    pub kind: AnnotationKind,
    /// Where in the text.
    pub span: Span,
    /// The target or detail: a URL, a user id, a style name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The reader worked around something; the result is complete.
    Warning,
    /// Part of the material could not be read; the result is partial.
    Error,
}

/// Something a reader could not read cleanly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// How serious.
    pub severity: Severity,
    /// Where in the input: a byte offset, a line, a record or message id.
    pub location: String,
    /// What happened, in a sentence.
    pub message: String,
}

/// A message in a Telegram export: where it sits and what the export says
/// about it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TelegramOrigin {
    /// The chat's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_name: Option<String>,
    /// The chat's type (`public_channel`, `private_group`, `personal_chat`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_type: Option<String>,
    /// The chat's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_id: Option<i64>,
    /// The message's id in the chat.
    pub message_id: i64,
    /// `message` or `service`.
    pub message_type: String,
    /// When it was sent, UTC, from `date_unixtime` (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The export's local `date`, which has no offset, kept as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_local: Option<String>,
    /// When it was last edited, UTC, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edited: Option<String>,
    /// The sender's (or, for a service message, the actor's) name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The sender's id (`user123`, `channel456`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_id: Option<String>,
    /// Who the message was forwarded from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forwarded_from: Option<String>,
    /// The id of the message this one replies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<i64>,
    /// The action of a service message (`create_channel`, `pin_message`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Media attached to the message, as the export names them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub media: Vec<Media>,
}

/// A media attachment named in an export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Media {
    /// `photo`, `video_file`, `voice_message`, `sticker`, `file`...
    pub kind: String,
    /// The file's path in the export, or the export's note that it was not
    /// included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Its MIME type, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
}

/// A record of a web archive (WARC or ARC) and what its digests say.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WarcOrigin {
    /// `WARC-Record-ID`, or for ARC the record's position.
    pub record_id: String,
    /// `WARC-Type` (`response`, `resource`...); `response` for ARC.
    pub record_type: String,
    /// `WARC-Target-URI`, or the ARC record's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_uri: Option<String>,
    /// `WARC-Date`, or the ARC record's date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The HTTP status of a response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// `WARC-Payload-Digest` as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload_digest: Option<String>,
    /// Whether `WARC-Block-Digest` matches the block (`None`: no digest, or
    /// an algorithm not checked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_digest_verified: Option<bool>,
    /// Whether `WARC-Payload-Digest` matches the payload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload_digest_verified: Option<bool>,
}

/// Where a document came from, as its reader knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reader", rename_all = "snake_case")]
pub enum Origin {
    /// A message of a Telegram Desktop export.
    Telegram(Box<TelegramOrigin>),
    /// A record of a web archive.
    Warc(Box<WarcOrigin>),
    /// A file read as a whole (an HTML page, a text dump, a testimony).
    File {
        /// The file's name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
}

/// One document: clean text with structure, metadata, provenance and
/// diagnostics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// The clean text.
    pub text: String,
    /// The text's blocks, in order, with their spans.
    pub blocks: Vec<Block>,
    /// The language of the whole document, when identified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
    /// The title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The subtitle or standfirst.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    /// Authors ("Reporting by").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    /// Translators ("Translation by").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub translators: Vec<String>,
    /// The publisher or originating outlet ("Source: ...").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// When it was published: RFC 3339 time or ISO 8601 date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// Its URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Captions with credits, each once.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub captions: Vec<Caption>,
    /// Links, mentions, hashtags and other marked-up text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub annotations: Vec<Annotation>,
    /// What was dropped, and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<Removed>,
    /// Where the document came from.
    pub origin: Origin,
    /// What could not be read cleanly.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<Diagnostic>,
}

impl Document {
    /// An empty document from `origin`, to be filled in by a reader.
    pub fn new(origin: Origin) -> Self {
        Self {
            text: String::new(),
            blocks: Vec::new(),
            language: None,
            title: None,
            subtitle: None,
            authors: Vec::new(),
            translators: Vec::new(),
            publisher: None,
            published: None,
            url: None,
            captions: Vec::new(),
            annotations: Vec::new(),
            removed: Vec::new(),
            origin,
            diagnostics: Vec::new(),
        }
    }

    /// The text a span covers.
    pub fn slice(&self, span: Span) -> Option<&str> {
        span.slice(&self.text)
    }

    /// The byte range in `text` of every block, in block order (`None` for
    /// a block whose span lies outside the text), found in one walk over
    /// the text rather than by counting characters from the start for each
    /// block.
    pub fn block_bytes(&self) -> Vec<Option<std::ops::Range<usize>>> {
        let mut wanted: Vec<usize> = self
            .blocks
            .iter()
            .flat_map(|b| [b.span.start, b.span.end])
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut bytes = std::collections::HashMap::with_capacity(wanted.len());
        let mut next = wanted.iter().peekable();
        let positions = self
            .text
            .char_indices()
            .map(|(at, _)| at)
            .chain([self.text.len()]);
        for (chars, byte) in positions.enumerate() {
            while next.next_if(|&&w| w == chars).is_some() {
                bytes.insert(chars, byte);
            }
            if next.peek().is_none() {
                break;
            }
        }
        self.blocks
            .iter()
            .map(|b| {
                let (start, end) = (*bytes.get(&b.span.start)?, *bytes.get(&b.span.end)?);
                (start <= end).then_some(start..end)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_count_characters_not_bytes() {
        let text = "Сіверськ, 2022: «пів року»";
        assert_eq!(Span::new(0, 8).slice(text), Some("Сіверськ"));
        assert_eq!(Span::new(16, 26).slice(text), Some("«пів року»"));
        assert_eq!(Span::new(26, 26).slice(text), Some(""));
        assert_eq!(Span::new(20, 27).slice(text), None);
    }

    #[test]
    fn documents_round_trip_through_json() {
        let mut document = Document::new(Origin::Telegram(Box::new(TelegramOrigin {
            message_id: 7,
            message_type: "message".into(),
            ..TelegramOrigin::default()
        })));
        document.text = "#tag".into();
        document.annotations.push(Annotation {
            kind: AnnotationKind::Hashtag,
            span: Span::new(0, 4),
            value: None,
        });
        let json = serde_json::to_string(&document).unwrap();
        assert!(json.contains(r#""reader":"telegram""#), "{json}");
        let back: Document = serde_json::from_str(&json).unwrap();
        assert_eq!(back, document);
    }

    #[test]
    fn block_byte_ranges_match_their_character_spans() {
        let mut document = Document::new(Origin::File { name: None });
        document.text = "Дикий — founder\n\nЗ 2017 року 𝔘".to_owned();
        let block = |start, end| Block {
            kind: BlockKind::Paragraph,
            span: Span::new(start, end),
            language: None,
        };
        document.blocks = vec![block(0, 15), block(17, 30), block(40, 41)];
        let ranges = document.block_bytes();
        assert_eq!(
            &document.text[ranges[0].clone().unwrap()],
            "Дикий — founder"
        );
        assert_eq!(&document.text[ranges[1].clone().unwrap()], "З 2017 року 𝔘");
        assert_eq!(ranges[2], None);
        for (block, range) in document.blocks.iter().zip(&ranges) {
            if let Some(range) = range {
                assert_eq!(
                    document.slice(block.span),
                    Some(&document.text[range.clone()])
                );
            }
        }
    }
}
