//! Telegram Desktop exports (`result.json`): one [`Document`] per message.
//!
//! Both shapes of export are read: a single chat or channel (an object with
//! `name`, `type`, `id` and `messages`) and a full export (`chats.list` and
//! `left_chats.list`, each a list of such objects).
//!
//! Exports run to gigabytes, so the file is never held in memory: a scanner
//! walks its structure byte by byte and lifts out one message at a time,
//! which is then parsed on its own. Telegram writes control characters as
//! `\xNN`, which JSON does not allow; the scanner rewrites them as `\u00NN`
//! while lifting a value out.
//!
//! `text` may be a string or a list of strings and entity objects (`link`,
//! `text_link`, `mention`, `hashtag`, `bold`...). It is flattened into the
//! document's text, and every entity other than plain text becomes an
//! [`Annotation`] over its span. The export's local `date` has no offset;
//! `date_unixtime` is authoritative and gives `published` in UTC.

use std::io::{BufRead, BufReader, Read};

use casefile_document::{
    Annotation, AnnotationKind, Block, BlockKind, Diagnostic, Document, Media, Origin, Severity,
    Span, TelegramOrigin,
};
use serde_json::Value;

use crate::ReadError;

/// A message larger than this is skipped with a diagnostic: no real message
/// comes near it, and holding it would break the memory bound.
const MAX_MESSAGE_BYTES: usize = 16 << 20;
/// Chat metadata values (name, type, id) larger than this are skipped.
const MAX_META_BYTES: usize = 64 << 10;
/// Objects nested deeper than this are skipped unread: chats sit at depth 3
/// at most (`chats` → `list` → chat).
const MAX_WALK_DEPTH: usize = 6;

/// What a read of an export found, besides the documents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Chats whose messages were read.
    pub chats: usize,
    /// Documents produced.
    pub messages: usize,
    /// Problems with the export as a whole (truncation, broken syntax).
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads a Telegram Desktop export, calling `visit` with each message's
/// document in file order. Problems with single messages are in their
/// documents' diagnostics; problems with the file are in the summary.
pub fn read<R: Read>(input: R, visit: &mut dyn FnMut(Document)) -> Result<Summary, ReadError> {
    let mut scanner = Scanner {
        input: BufReader::with_capacity(1 << 16, input),
        offset: 0,
        summary: Summary::default(),
        buffer: Vec::new(),
    };
    match scanner.top(visit) {
        Ok(()) => {}
        Err(Stop::Io(error)) => return Err(ReadError::Io(error)),
        Err(Stop::Syntax(message)) => scanner.summary.diagnostics.push(Diagnostic {
            severity: Severity::Error,
            location: format!("byte {}", scanner.offset),
            message: format!(
                "{message}; {} messages were read before it",
                scanner.summary.messages
            ),
        }),
    }
    Ok(scanner.summary)
}

/// Why the scan stopped early.
enum Stop {
    Io(std::io::Error),
    Syntax(String),
}

impl From<std::io::Error> for Stop {
    fn from(error: std::io::Error) -> Self {
        Stop::Io(error)
    }
}

type Scan<T> = Result<T, Stop>;

#[derive(Debug, Default, Clone)]
struct Chat {
    name: Option<String>,
    kind: Option<String>,
    id: Option<i64>,
}

struct Scanner<R> {
    input: BufReader<R>,
    offset: u64,
    summary: Summary,
    /// Reused for each lifted value.
    buffer: Vec<u8>,
}

impl<R: Read> Scanner<R> {
    fn peek(&mut self) -> Scan<Option<u8>> {
        Ok(self.input.fill_buf()?.first().copied())
    }

    fn bump(&mut self) -> Scan<Option<u8>> {
        let byte = self.peek()?;
        if byte.is_some() {
            self.input.consume(1);
            self.offset += 1;
        }
        Ok(byte)
    }

    fn expect_byte(&mut self) -> Scan<u8> {
        self.bump()?
            .ok_or_else(|| Stop::Syntax("the export ends early (truncated?)".into()))
    }

    fn skip_whitespace(&mut self) -> Scan<()> {
        loop {
            let (skipped, more) = {
                let chunk = self.input.fill_buf()?;
                let skipped = chunk
                    .iter()
                    .take_while(|b| matches!(b, b' ' | b'\n' | b'\r' | b'\t'))
                    .count();
                (skipped, skipped == chunk.len() && !chunk.is_empty())
            };
            self.input.consume(skipped);
            self.offset += skipped as u64;
            if !more {
                return Ok(());
            }
        }
    }

    fn eat(&mut self, wanted: u8) -> Scan<()> {
        self.skip_whitespace()?;
        match self.expect_byte()? {
            byte if byte == wanted => Ok(()),
            other => Err(Stop::Syntax(format!(
                "expected '{}', found '{}'",
                char::from(wanted),
                char::from(other).escape_default()
            ))),
        }
    }

    /// Consumes the opening bracket of a container; false if the container
    /// closes right away (it is empty).
    fn open(&mut self, open: u8, close: u8) -> Scan<bool> {
        self.eat(open)?;
        self.skip_whitespace()?;
        if self.peek()? == Some(close) {
            self.bump()?;
            return Ok(false);
        }
        Ok(true)
    }

    /// After a member of a container: true on a comma (another member
    /// follows), false on the closing bracket.
    fn another(&mut self, close: u8, container: &str) -> Scan<bool> {
        self.skip_whitespace()?;
        match self.expect_byte()? {
            b',' => Ok(true),
            byte if byte == close => Ok(false),
            other => Err(Stop::Syntax(format!(
                "expected ',' or '{}' in {container}, found '{}'",
                char::from(close),
                char::from(other).escape_default()
            ))),
        }
    }

    fn top(&mut self, visit: &mut dyn FnMut(Document)) -> Scan<()> {
        self.skip_whitespace()?;
        // A UTF-8 byte order mark is tolerated.
        if self.peek()? == Some(0xEF) {
            for _ in 0..3 {
                self.bump()?;
            }
            self.skip_whitespace()?;
        }
        match self.peek()? {
            Some(b'{') => self.object(0, visit),
            Some(_) => Err(Stop::Syntax("a Telegram export is a JSON object".into())),
            None => Err(Stop::Syntax("the file is empty".into())),
        }
    }

    /// Walks an object that may be a chat (it has `messages`) or may hold
    /// chats (`chats`, `left_chats`, `list`).
    fn object(&mut self, depth: usize, visit: &mut dyn FnMut(Document)) -> Scan<()> {
        let mut chat = Chat::default();
        let mut had_messages = false;
        let mut more = self.open(b'{', b'}')?;
        while more {
            self.skip_whitespace()?;
            let key = self.key()?;
            self.eat(b':')?;
            self.skip_whitespace()?;
            match (key.as_str(), self.peek()?) {
                ("messages", Some(b'[')) => {
                    if had_messages {
                        self.summary.diagnostics.push(Diagnostic {
                            severity: Severity::Warning,
                            location: format!("byte {}", self.offset),
                            message: "a chat has two message lists; both are read".into(),
                        });
                    }
                    had_messages = true;
                    self.summary.chats += 1;
                    self.messages(&chat, visit)?;
                }
                ("name" | "type" | "id", _) => {
                    let value = self.lift(MAX_META_BYTES)?;
                    match key.as_str() {
                        "name" => {
                            chat.name = value.as_ref().and_then(Value::as_str).map(str::to_owned)
                        }
                        "type" => {
                            chat.kind = value.as_ref().and_then(Value::as_str).map(str::to_owned)
                        }
                        _ => chat.id = value.as_ref().and_then(Value::as_i64),
                    }
                }
                (_, Some(b'{')) if depth < MAX_WALK_DEPTH => self.object(depth + 1, visit)?,
                (_, Some(b'[')) if depth < MAX_WALK_DEPTH => self.array(depth + 1, visit)?,
                _ => self.skip_value()?,
            }
            more = self.another(b'}', "an object")?;
        }
        Ok(())
    }

    fn array(&mut self, depth: usize, visit: &mut dyn FnMut(Document)) -> Scan<()> {
        let mut more = self.open(b'[', b']')?;
        while more {
            self.skip_whitespace()?;
            match self.peek()? {
                Some(b'{') => self.object(depth, visit)?,
                _ => self.skip_value()?,
            }
            more = self.another(b']', "a list")?;
        }
        Ok(())
    }

    fn messages(&mut self, chat: &Chat, visit: &mut dyn FnMut(Document)) -> Scan<()> {
        let mut more = self.open(b'[', b']')?;
        while more {
            self.skip_whitespace()?;
            let start = self.offset;
            match self.lift(MAX_MESSAGE_BYTES)? {
                Some(value) => {
                    visit(message_document(chat, &value, start));
                    self.summary.messages += 1;
                }
                None => self.summary.diagnostics.push(Diagnostic {
                    severity: Severity::Error,
                    location: format!("byte {start}"),
                    message:
                        "a message could not be read (too large or not valid JSON); it was skipped"
                            .into(),
                }),
            }
            more = self.another(b']', "the message list")?;
        }
        Ok(())
    }

    fn key(&mut self) -> Scan<String> {
        if self.peek()? != Some(b'"') {
            return Err(Stop::Syntax("expected a key in quotes".into()));
        }
        match self.lift(MAX_META_BYTES)? {
            Some(Value::String(key)) => Ok(key),
            _ => Err(Stop::Syntax("a key is not a readable string".into())),
        }
    }

    /// Copies the next value into the buffer (rewriting `\xNN`), up to
    /// `limit` bytes, and parses it. Past the limit the value is skipped and
    /// `None` returned; a value that does not parse also gives `None`.
    fn lift(&mut self, limit: usize) -> Scan<Option<Value>> {
        let mut buffer = std::mem::take(&mut self.buffer);
        buffer.clear();
        let fitted = self.copy_value(&mut buffer, limit)?;
        let value = if fitted {
            serde_json::from_slice(&buffer).ok()
        } else {
            None
        };
        if buffer.capacity() > 1 << 20 {
            buffer = Vec::new(); // do not keep a huge buffer for the next message
        }
        self.buffer = buffer;
        Ok(value)
    }

    fn skip_value(&mut self) -> Scan<()> {
        let mut sink = Vec::new();
        self.copy_value(&mut sink, 0)?;
        Ok(())
    }

    /// Reads one JSON value, appending its bytes to `out` while they fit in
    /// `limit` (0: keep nothing). Returns whether the whole value fitted.
    fn copy_value(&mut self, out: &mut Vec<u8>, limit: usize) -> Scan<bool> {
        let mut depth = 0usize;
        let mut fits = true;
        let mut push = |out: &mut Vec<u8>, bytes: &[u8]| {
            if fits && out.len() + bytes.len() <= limit {
                out.extend_from_slice(bytes);
            } else {
                fits = false;
            }
        };
        self.skip_whitespace()?;
        loop {
            let byte = self.expect_byte()?;
            match byte {
                b'"' => {
                    push(out, b"\"");
                    loop {
                        // Copy the plain run up to the next quote or escape
                        // in one step: strings are most of an export.
                        let run = {
                            let chunk = self.input.fill_buf()?;
                            let run = chunk
                                .iter()
                                .position(|&b| b == b'"' || b == b'\\')
                                .unwrap_or(chunk.len());
                            push(out, &chunk[..run]);
                            run
                        };
                        self.input.consume(run);
                        self.offset += run as u64;
                        let byte = self.expect_byte()?;
                        match byte {
                            b'"' => {
                                push(out, b"\"");
                                break;
                            }
                            b'\\' => {
                                let escaped = self.expect_byte()?;
                                if escaped == b'x' {
                                    let high = self.expect_byte()?;
                                    let low = self.expect_byte()?;
                                    push(out, &[b'\\', b'u', b'0', b'0', high, low]);
                                } else {
                                    push(out, &[b'\\', escaped]);
                                }
                            }
                            other => push(out, &[other]),
                        }
                    }
                }
                b'{' | b'[' => {
                    depth += 1;
                    push(out, &[byte]);
                }
                b'}' | b']' => {
                    depth = depth.checked_sub(1).ok_or_else(|| {
                        Stop::Syntax("a closing bracket without an opening one".into())
                    })?;
                    push(out, &[byte]);
                }
                other => push(out, &[other]),
            }
            if depth == 0 {
                // A scalar ends where the next structural byte begins.
                match self.peek()? {
                    Some(b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t') | None => {
                        return Ok(fits);
                    }
                    Some(_) if matches!(byte, b'"' | b'}' | b']') => return Ok(fits),
                    Some(_) => {}
                }
            }
        }
    }
}

fn string(value: &Value, key: &str) -> Option<String> {
    match value.get(key)? {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

fn integer(value: &Value, key: &str) -> Option<i64> {
    match value.get(key)? {
        Value::Number(number) => number.as_i64(),
        Value::String(text) => text.parse().ok(),
        _ => None,
    }
}

/// RFC 3339 UTC from a Unix time in seconds.
fn utc(seconds: i64) -> Option<String> {
    jiff::Timestamp::from_second(seconds)
        .ok()
        .map(|time| time.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
}

fn annotation_kind(name: &str) -> Option<AnnotationKind> {
    Some(match name {
        "plain" => return None,
        "link" => AnnotationKind::Link,
        "text_link" => AnnotationKind::TextLink,
        "mention" => AnnotationKind::Mention,
        "mention_name" => AnnotationKind::MentionName,
        "hashtag" => AnnotationKind::Hashtag,
        "cashtag" => AnnotationKind::Cashtag,
        "email" => AnnotationKind::Email,
        "phone" => AnnotationKind::Phone,
        "bot_command" => AnnotationKind::BotCommand,
        "bold" | "italic" | "underline" | "strikethrough" | "code" | "pre" | "spoiler" => {
            AnnotationKind::Emphasis
        }
        "blockquote" => AnnotationKind::Blockquote,
        _ => AnnotationKind::Other,
    })
}

/// Flattens `text` (a string, or a list of strings and entity objects) into
/// the document's text and annotations.
fn flatten(text: &Value, document: &mut Document, location: &str) {
    let mut length = 0usize;
    let mut append = |document: &mut Document, piece: &str| {
        document.text.push_str(piece);
        let start = length;
        length += piece.chars().count();
        Span::new(start, length)
    };
    match text {
        Value::String(piece) => {
            append(document, piece);
        }
        Value::Array(parts) => {
            for part in parts {
                match part {
                    Value::String(piece) => {
                        append(document, piece);
                    }
                    Value::Object(entity) => {
                        let piece = entity
                            .get("text")
                            .and_then(Value::as_str)
                            .unwrap_or_default();
                        let span = append(document, piece);
                        let name = entity
                            .get("type")
                            .and_then(Value::as_str)
                            .unwrap_or("unknown");
                        if let Some(kind) = annotation_kind(name) {
                            let value = match kind {
                                AnnotationKind::TextLink => string(part, "href"),
                                AnnotationKind::MentionName => string(part, "user_id"),
                                AnnotationKind::Emphasis | AnnotationKind::Other => {
                                    Some(name.to_owned())
                                }
                                _ => None,
                            };
                            document.annotations.push(Annotation { kind, span, value });
                        }
                    }
                    _ => document.diagnostics.push(Diagnostic {
                        severity: Severity::Warning,
                        location: location.to_owned(),
                        message:
                            "a part of the text is neither a string nor an entity; it was left out"
                                .into(),
                    }),
                }
            }
        }
        Value::Null => {}
        _ => document.diagnostics.push(Diagnostic {
            severity: Severity::Warning,
            location: location.to_owned(),
            message: "the text is neither a string nor a list; it was left out".into(),
        }),
    }
}

/// Paragraphs: runs of lines separated by an empty line, trimmed.
fn paragraphs(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut start: Option<usize> = None;
    let mut end = 0usize;
    let mut newlines = 0;
    for (position, c) in text.chars().enumerate() {
        if c == '\n' {
            newlines += 1;
            if newlines >= 2
                && let Some(first) = start.take()
            {
                blocks.push(Block {
                    kind: BlockKind::Paragraph,
                    span: Span::new(first, end),
                    language: None,
                });
            }
        } else if c.is_whitespace() {
            // Leading or trailing blanks are not part of a paragraph.
        } else {
            newlines = 0;
            start.get_or_insert(position);
            end = position + 1;
        }
    }
    if let Some(first) = start {
        blocks.push(Block {
            kind: BlockKind::Paragraph,
            span: Span::new(first, end),
            language: None,
        });
    }
    blocks
}

fn media(message: &Value) -> Vec<Media> {
    let mut out = Vec::new();
    if let Some(photo) = string(message, "photo") {
        out.push(Media {
            kind: "photo".into(),
            file: Some(photo),
            mime_type: None,
        });
    }
    if message.get("file").is_some() || message.get("media_type").is_some() {
        out.push(Media {
            kind: string(message, "media_type").unwrap_or_else(|| "file".into()),
            file: string(message, "file"),
            mime_type: string(message, "mime_type"),
        });
    }
    for kind in [
        "poll",
        "location_information",
        "contact_information",
        "venue",
        "game",
        "invoice",
    ] {
        if message.get(kind).is_some() {
            out.push(Media {
                kind: kind.into(),
                file: None,
                mime_type: None,
            });
        }
    }
    out
}

fn message_document(chat: &Chat, message: &Value, offset: u64) -> Document {
    let message_id = integer(message, "id").unwrap_or(-1);
    let location = if message_id < 0 {
        format!("a message without an id (byte {offset})")
    } else {
        format!("message {message_id} (byte {offset})")
    };
    let message_type = string(message, "type").unwrap_or_else(|| "message".into());
    let service = message_type == "service";
    let date = integer(message, "date_unixtime").and_then(utc);
    let origin = TelegramOrigin {
        chat_name: chat.name.clone(),
        chat_type: chat.kind.clone(),
        chat_id: chat.id,
        message_id,
        message_type,
        date: date.clone(),
        date_local: string(message, "date"),
        edited: integer(message, "edited_unixtime")
            .and_then(utc)
            .or_else(|| string(message, "edited")),
        from: string(message, if service { "actor" } else { "from" })
            .or_else(|| string(message, "from")),
        from_id: string(message, if service { "actor_id" } else { "from_id" })
            .or_else(|| string(message, "from_id")),
        forwarded_from: string(message, "forwarded_from"),
        reply_to: integer(message, "reply_to_message_id"),
        action: string(message, "action"),
        media: media(message),
    };
    let mut document = Document::new(Origin::Telegram(Box::new(origin)));
    if !message.is_object() {
        document.diagnostics.push(Diagnostic {
            severity: Severity::Error,
            location: location.clone(),
            message: "the message is not a JSON object".into(),
        });
        return document;
    }
    if message_id < 0 {
        document.diagnostics.push(Diagnostic {
            severity: Severity::Warning,
            location: location.clone(),
            message: "the message has no id".into(),
        });
    }
    if date.is_none() {
        document.diagnostics.push(Diagnostic {
            severity: Severity::Warning,
            location: location.clone(),
            message:
                "no date_unixtime: the export's local date has no offset, so no UTC time is given"
                    .into(),
        });
    }
    document.published = date;
    if let Some(text) = message.get("text") {
        flatten(text, &mut document, &location);
    }
    document.blocks = paragraphs(&document.text);
    crate::language::annotate(&mut document);
    document
}
