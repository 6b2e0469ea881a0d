//! `casefile read`: run the readers on files and print the documents. No
//! case is needed and nothing is stored.

use std::io::{BufRead as _, Read as _, Write as _};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use casefile_reader::{Document, telegram};

use crate::output::{Exit, print_json};

/// The most of a page or text file read (they are read whole; Telegram
/// exports and web archives stream and have no such limit).
const MAX_WHOLE_FILE: u64 = 64 << 20;

/// Which reader a file needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Telegram,
    Html,
    Archive,
    Text,
}

/// Judges a file's kind from its name and first bytes.
fn kind_of(path: &Path) -> anyhow::Result<Option<Kind>> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut reader = std::io::BufReader::new(file);
    let head = reader
        .fill_buf()
        .with_context(|| format!("reading {}", path.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if head.starts_with(&[0x1f, 0x8b]) {
        if [".warc.gz", ".arc.gz"]
            .iter()
            .any(|end| name.ends_with(end))
        {
            return Ok(Some(Kind::Archive));
        }
        let html_name = [".html.gz", ".htm.gz"]
            .iter()
            .any(|end| name.ends_with(end));
        return Ok(html_name.then_some(Kind::Html));
    }
    if head.starts_with(b"WARC/") || head.starts_with(b"filedesc://") {
        return Ok(Some(Kind::Archive));
    }
    let text = String::from_utf8_lossy(&head[..head.len().min(4096)]);
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{')
        && ["\"messages\"", "\"chats\"", "\"name\"", "\"about\""]
            .iter()
            .any(|key| trimmed.contains(key))
    {
        return Ok(Some(Kind::Telegram));
    }
    let lower = trimmed.to_lowercase();
    if name.ends_with(".html")
        || name.ends_with(".htm")
        || lower.starts_with("<!doctype html")
        || lower.starts_with("<html")
    {
        return Ok(Some(Kind::Html));
    }
    // Anything else that reads as text (mostly printable, few control
    // characters) is a testimony or a page saved as text.
    let printable = text
        .chars()
        .filter(|c| !c.is_control() || c.is_whitespace())
        .count();
    if !head.is_empty() && printable * 10 >= text.chars().count() * 9 {
        return Ok(Some(Kind::Text));
    }
    Ok(None)
}

fn summary_line(document: &Document) -> String {
    let origin = match &document.origin {
        casefile_document::Origin::Telegram(origin) => format!(
            "#{} {} {}",
            origin.message_id,
            origin
                .date
                .as_deref()
                .or(origin.date_local.as_deref())
                .unwrap_or("(no date)"),
            origin.from.as_deref().unwrap_or("")
        ),
        casefile_document::Origin::Warc(origin) => format!(
            "{} {} {}",
            origin.date.as_deref().unwrap_or("(no date)"),
            origin.target_uri.as_deref().unwrap_or("(no URI)"),
            match (origin.block_digest_verified, origin.payload_digest_verified) {
                (Some(false), _) | (_, Some(false)) => "DIGEST MISMATCH",
                (Some(true), Some(true) | None) | (None, Some(true)) => "digests ok",
                (None, None) => "no digests",
            }
        ),
        casefile_document::Origin::File { name } => {
            let title = document.title.as_deref().unwrap_or("(no title)");
            format!("{} \"{title}\"", name.as_deref().unwrap_or("(file)"))
        }
    };
    let text: String = document.text.chars().take(80).collect();
    let text = text.replace(|c: char| c.is_control(), " ");
    format!("{origin}: {text}")
}

pub(crate) fn run(paths: &[PathBuf], json: bool) -> anyhow::Result<Exit> {
    let mut problems = 0usize;
    let stdout = std::io::stdout();
    for path in paths {
        let kind = kind_of(path)?.with_context(|| {
            format!(
                "{}: no reader for this kind of file yet; casefile reads text, HTML pages, \
                 web archives (WARC, ARC) and Telegram Desktop exports (result.json) so far",
                path.display()
            )
        })?;
        if matches!(kind, Kind::Html | Kind::Text) {
            // Pages and texts are read whole, so at most MAX_WHOLE_FILE of
            // them: a bigger file is cut there, with a diagnostic.
            let mut bytes = Vec::new();
            std::fs::File::open(path)
                .and_then(|file| file.take(MAX_WHOLE_FILE + 1).read_to_end(&mut bytes))
                .with_context(|| format!("reading {}", path.display()))?;
            let cut = bytes.len() as u64 > MAX_WHOLE_FILE;
            bytes.truncate(MAX_WHOLE_FILE as usize);
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            let mut document = if kind == Kind::Html {
                casefile_reader::html::read(&bytes, name.as_deref())
            } else {
                casefile_reader::text::read(&bytes, name.as_deref())
            };
            if cut {
                document.diagnostics.push(casefile_document::Diagnostic {
                    severity: casefile_document::Severity::Error,
                    location: format!("byte {MAX_WHOLE_FILE}"),
                    message: format!(
                        "the file is larger than {} MiB; only its first {} MiB were read",
                        MAX_WHOLE_FILE >> 20,
                        MAX_WHOLE_FILE >> 20
                    ),
                });
            }
            problems += document
                .diagnostics
                .iter()
                .filter(|d| d.severity == casefile_document::Severity::Error)
                .count();
            if json {
                print_json(&document);
            } else {
                println!("{}", summary_line(&document));
                for diagnostic in &document.diagnostics {
                    eprintln!("{}: {}", path.display(), diagnostic.message);
                }
            }
            continue;
        }
        let file =
            std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
        let mut out = stdout.lock();
        let mut write_error = None;
        let mut visit = |document: Document| {
            if write_error.is_some() {
                return;
            }
            let written = if json {
                serde_json::to_string(&document)
                    .map_err(std::io::Error::other)
                    .and_then(|line| writeln!(out, "{line}"))
            } else {
                writeln!(out, "{}", summary_line(&document))
            };
            if let Err(error) = written {
                write_error = Some(error);
            }
        };
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let (diagnostics, counted) = if kind == Kind::Archive {
            let summary = casefile_reader::warc::read(file, name.as_deref(), &mut visit)
                .with_context(|| format!("reading {}", path.display()))?;
            let records: usize = summary.records.values().sum();
            let counted = format!("{} documents from {records} records", summary.documents);
            (summary.diagnostics, counted)
        } else {
            let summary = telegram::read(file, &mut visit)
                .with_context(|| format!("reading {}", path.display()))?;
            let counted = format!("{} messages from {} chats", summary.messages, summary.chats);
            (summary.diagnostics, counted)
        };
        if let Some(error) = write_error {
            // A closed pipe (`| head`) ends the output; it is not a failure.
            if error.kind() == std::io::ErrorKind::BrokenPipe {
                return Ok(Exit::Success);
            }
            return Err(error).context("writing the documents");
        }
        for diagnostic in &diagnostics {
            problems += 1;
            if json {
                print_json(&serde_json::json!({ "file": path, "diagnostic": diagnostic }));
            } else {
                eprintln!(
                    "{}: {} ({})",
                    path.display(),
                    diagnostic.message,
                    diagnostic.location
                );
            }
        }
        if !json {
            eprintln!("{}: {counted}", path.display());
        }
    }
    Ok(if problems == 0 {
        Exit::Success
    } else {
        Exit::Partial
    })
}
