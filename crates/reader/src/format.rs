//! Which reader a file needs, and one call that runs it.
//!
//! The command line's `read`, the case's `add` and `rebuild` all go through
//! [`read`], so a file gives the same documents wherever it is read.

use std::io::Read;

use casefile_document::{Diagnostic, Document, Severity};

use crate::ReadError;

/// The most of a page or text file that is read. They are read whole;
/// Telegram exports and web archives stream and have no such limit.
pub const MAX_WHOLE_FILE: u64 = 64 << 20;

/// How many leading bytes [`Format::detect`] looks at.
pub const DETECT_BYTES: usize = 4096;

/// The kinds of input casefile has a reader for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// A Telegram Desktop export (`result.json`).
    Telegram,
    /// An HTML page, plain or gzip.
    Html,
    /// A web archive: WARC or ARC, plain or gzip.
    Archive,
    /// Plain text: a testimony or a page saved as text.
    Text,
}

impl Format {
    /// The format's name as written in JSON and in the derived store.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Telegram => "telegram",
            Self::Html => "html",
            Self::Archive => "archive",
            Self::Text => "text",
        }
    }

    /// Judges a file's format from its name (without folders, any case)
    /// and its first bytes (up to [`DETECT_BYTES`] are looked at). `None`
    /// means no reader fits: a photo, a PDF, an executable.
    pub fn detect(name: Option<&str>, head: &[u8]) -> Option<Self> {
        let name = name.unwrap_or_default().to_lowercase();
        let head = &head[..head.len().min(DETECT_BYTES)];
        if head.starts_with(&[0x1f, 0x8b]) {
            if [".warc.gz", ".arc.gz"]
                .iter()
                .any(|end| name.ends_with(end))
            {
                return Some(Self::Archive);
            }
            let html_name = [".html.gz", ".htm.gz"]
                .iter()
                .any(|end| name.ends_with(end));
            return html_name.then_some(Self::Html);
        }
        if head.starts_with(b"WARC/") || head.starts_with(b"filedesc://") {
            return Some(Self::Archive);
        }
        let text = String::from_utf8_lossy(head);
        let trimmed = text.trim_start_matches('\u{feff}').trim_start();
        if trimmed.starts_with('{')
            && ["\"messages\"", "\"chats\"", "\"name\"", "\"about\""]
                .iter()
                .any(|key| trimmed.contains(key))
        {
            return Some(Self::Telegram);
        }
        let lower = trimmed.to_lowercase();
        if name.ends_with(".html")
            || name.ends_with(".htm")
            || lower.starts_with("<!doctype html")
            || lower.starts_with("<html")
        {
            return Some(Self::Html);
        }
        // Anything else that reads as text (mostly printable, few control
        // characters) is a testimony or a page saved as text. Text in a
        // legacy or UTF-16 encoding is caught by the same test once the
        // zero bytes of UTF-16 are set aside.
        let utf16 = head.starts_with(&[0xff, 0xfe]) || head.starts_with(&[0xfe, 0xff]);
        // Text in any 8-bit encoding has next to no control bytes (escape
        // aside, which hostile text may hold); binary data has one byte in
        // ten. Bytes that are not UTF-8 read as U+FFFD below and would pass
        // for printable, so this looks at the bytes themselves.
        let binary_bytes = head
            .iter()
            .filter(|b| matches!(b, 0..=8 | 0x0b | 0x0e..=0x1a | 0x1c..=0x1f | 0x7f))
            .count();
        if !utf16 && binary_bytes * 50 > head.len() {
            return None;
        }
        let printable = text
            .chars()
            .filter(|c| !c.is_control() || c.is_whitespace() || (utf16 && *c == '\0'))
            .count();
        (!head.is_empty() && printable * 10 >= text.chars().count() * 9).then_some(Self::Text)
    }
}

/// What [`read`] saw besides the documents it handed over.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// Documents handed to the visitor.
    pub documents: usize,
    /// What the input held, in the reader's words ("12 messages from 1
    /// chats", "3 documents from 9 records").
    pub counted: String,
    /// Problems of the input as a whole. A document's own problems are in
    /// its `diagnostics`.
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads `input` as `format` and hands each document to `visit`, in order.
/// `name` is the file's name (kept in the documents' origin and named in
/// diagnostics). Pages and texts are read whole, at most
/// [`MAX_WHOLE_FILE`] of them; past that the document carries an error
/// diagnostic saying where it was cut.
pub fn read(
    format: Format,
    input: impl Read,
    name: Option<&str>,
    visit: &mut dyn FnMut(Document),
) -> Result<Summary, ReadError> {
    match format {
        Format::Html | Format::Text => {
            let mut bytes = Vec::new();
            input.take(MAX_WHOLE_FILE + 1).read_to_end(&mut bytes)?;
            let cut = bytes.len() as u64 > MAX_WHOLE_FILE;
            bytes.truncate(MAX_WHOLE_FILE as usize);
            let mut document = if format == Format::Html {
                crate::html::read(&bytes, name)
            } else {
                crate::text::read(&bytes, name)
            };
            if cut {
                document.diagnostics.push(Diagnostic {
                    severity: Severity::Error,
                    location: format!("{} byte {MAX_WHOLE_FILE}", name.unwrap_or("input")),
                    message: format!(
                        "the file is larger than {} MiB; only its first {} MiB were read",
                        MAX_WHOLE_FILE >> 20,
                        MAX_WHOLE_FILE >> 20
                    ),
                });
            }
            visit(document);
            Ok(Summary {
                documents: 1,
                counted: "1 document".to_owned(),
                diagnostics: Vec::new(),
            })
        }
        Format::Archive => {
            let summary = crate::warc::read(input, name, visit)?;
            let records: usize = summary.records.values().sum();
            Ok(Summary {
                documents: summary.documents,
                counted: format!("{} documents from {records} records", summary.documents),
                diagnostics: summary.diagnostics,
            })
        }
        Format::Telegram => {
            let summary = crate::telegram::read(input, visit)?;
            Ok(Summary {
                documents: summary.messages,
                counted: format!("{} messages from {} chats", summary.messages, summary.chats),
                diagnostics: summary.diagnostics,
            })
        }
    }
}

/// Detects the format from `name` and the input's first bytes, then reads
/// it as [`read`] does. `Ok(None)` when no reader fits.
pub fn detect_and_read(
    input: impl Read,
    name: Option<&str>,
    visit: &mut dyn FnMut(Document),
) -> Result<Option<(Format, Summary)>, ReadError> {
    let mut input = input;
    let mut head = Vec::with_capacity(DETECT_BYTES);
    (&mut input)
        .take(DETECT_BYTES as u64)
        .read_to_end(&mut head)?;
    let Some(format) = Format::detect(name, &head) else {
        return Ok(None);
    };
    let summary = read(format, std::io::Cursor::new(head).chain(input), name, visit)?;
    Ok(Some((format, summary)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_apart_by_name_and_first_bytes() {
        let cases: &[(&str, &[u8], Option<Format>)] = &[
            (
                "result.json",
                b"{\n \"name\": \"Channel\",\n \"messages\": []}",
                Some(Format::Telegram),
            ),
            ("page.html", b"<div>no doctype</div>", Some(Format::Html)),
            ("saved", b"<!DOCTYPE html><html>", Some(Format::Html)),
            ("capture.warc", b"WARC/1.1\r\n", Some(Format::Archive)),
            (
                "old.arc",
                b"filedesc://old.arc 0.0.0.0",
                Some(Format::Archive),
            ),
            (
                "capture.warc.gz",
                &[0x1f, 0x8b, 8, 0],
                Some(Format::Archive),
            ),
            ("page.html.gz", &[0x1f, 0x8b, 8, 0], Some(Format::Html)),
            ("photo.jpg.gz", &[0x1f, 0x8b, 8, 0], None),
            (
                "testimony.txt",
                "Меня завербовали осенью.".as_bytes(),
                Some(Format::Text),
            ),
            (
                "utf16.txt",
                &[0xff, 0xfe, b'A', 0, b'B', 0],
                Some(Format::Text),
            ),
            (
                "photo.jpg",
                &[0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 1, 2, 3, 0, 0, 0],
                None,
            ),
            ("empty.txt", b"", None),
            (
                "random.txt",
                &[
                    0x8f, 0x03, 0xc1, 0x00, 0x17, 0xfe, 0x9a, 0x12, 0x44, 0xe3, 0x05, 0x81,
                ],
                None,
            ),
            (
                "cp1251.txt",
                &[
                    0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2, 0x1b, b'[', b'1', b'm', b' ', 0xec, 0xe8,
                    0xf0,
                ],
                Some(Format::Text),
            ),
        ];
        for (name, head, expected) in cases {
            assert_eq!(Format::detect(Some(name), head), *expected, "{name}");
        }
    }

    #[test]
    fn a_file_over_the_limit_is_cut_with_an_error() {
        let line = vec![b'a'; MAX_WHOLE_FILE as usize + 10];
        let mut documents = Vec::new();
        let summary = read(Format::Text, &line[..], Some("long.txt"), &mut |d| {
            documents.push(d);
        })
        .unwrap();
        assert_eq!(summary.documents, 1);
        assert!(
            documents[0]
                .diagnostics
                .iter()
                .any(|d| d.severity == Severity::Error
                    && d.location == format!("long.txt byte {MAX_WHOLE_FILE}"))
        );
    }
}
