//! `casefile read`: run the readers on files and print the documents. No
//! case is needed and nothing is stored.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Context as _;
use casefile_app::Case;
use casefile_app::loose::Summary;
use casefile_app::types::{Diagnostic, Document, Origin, Severity};

use crate::output::{Exit, print_json};

fn summary_line(document: &Document) -> String {
    let origin = match &document.origin {
        Origin::Telegram(origin) => format!(
            "#{} {} {}",
            origin.message_id,
            origin
                .date
                .as_deref()
                .or(origin.date_local.as_deref())
                .unwrap_or("(no date)"),
            origin.from.as_deref().unwrap_or("")
        ),
        Origin::Warc(origin) => format!(
            "{} {} {}",
            origin.date.as_deref().unwrap_or("(no date)"),
            origin.target_uri.as_deref().unwrap_or("(no URI)"),
            match (origin.block_digest_verified, origin.payload_digest_verified) {
                (Some(false), _) | (_, Some(false)) => "DIGEST MISMATCH",
                (Some(true), Some(true) | None) | (None, Some(true)) => "digests ok",
                (None, None) => "no digests",
            }
        ),
        Origin::File { name } => {
            let title = document.title.as_deref().unwrap_or("(no title)");
            format!("{} \"{title}\"", name.as_deref().unwrap_or("(file)"))
        }
    };
    let text: String = document.text.chars().take(80).collect();
    let text = text.replace(['\n', '\t'], " ");
    format!("{origin}: {text}")
}

/// Reads one file with the reader its kind needs, handing each document to
/// `visit`; a file no reader fits is an error naming it.
pub(crate) fn read_file(
    file: std::fs::File,
    path: &std::path::Path,
    name: Option<&str>,
    visit: &mut dyn FnMut(Document),
) -> anyhow::Result<Summary> {
    Ok(casefile_app::loose::read_file(file, path, name, visit)?)
}

/// Says one of a reader's diagnostics on standard error, naming the file
/// and the place.
pub(crate) fn say_diagnostic(path: &std::path::Path, diagnostic: &Diagnostic) {
    crate::say_err!(
        "{}: {} ({})",
        path.display(),
        diagnostic.message,
        diagnostic.location
    );
}

/// Says what a reader saw of a file as a whole, as `read` and `extract`
/// both do: each of its diagnostics (as JSON lines with `json`), then what
/// it counted. Returns how many problems it had.
pub(crate) fn say_summary(path: &std::path::Path, summary: &Summary, json: bool) -> usize {
    for diagnostic in &summary.diagnostics {
        if json {
            print_json(&serde_json::json!({ "file": path, "diagnostic": diagnostic }));
        } else {
            say_diagnostic(path, diagnostic);
        }
    }
    if !json {
        crate::say_err!("{}: {}", path.display(), summary.counted);
    }
    summary.diagnostics.len()
}

/// What a failed write to standard output means: `Ok(true)` when the
/// reader of the output went away (`| head`), which ends the output and is
/// not a failure; an error otherwise.
pub(crate) fn output_closed(
    error: Option<std::io::Error>,
    what: &'static str,
) -> anyhow::Result<bool> {
    match error {
        None => Ok(false),
        Some(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(true),
        Some(error) => Err(error).context(what),
    }
}

pub(crate) fn run(paths: &[PathBuf], json: bool) -> anyhow::Result<Exit> {
    let mut problems = 0usize;
    let stdout = std::io::stdout();
    for path in paths {
        let file =
            std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
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
                writeln!(out, "{}", crate::output::safe(&summary_line(&document)))
            };
            for diagnostic in &document.diagnostics {
                if diagnostic.severity == Severity::Error {
                    problems += 1;
                }
                if !json && written.is_ok() {
                    say_diagnostic(path, diagnostic);
                }
            }
            if let Err(error) = written {
                write_error = Some(error);
            }
        };
        let summary = read_file(file, path, name.as_deref(), &mut visit)?;
        if output_closed(write_error, "writing the documents")? {
            return Ok(Exit::Success);
        }
        problems += say_summary(path, &summary, json);
    }
    Ok(if problems == 0 {
        Exit::Success
    } else {
        Exit::Partial
    })
}

/// `casefile documents`: prints the stored documents of the named sources
/// (every source when none is named), in log order.
pub(crate) fn stored(case: &Case, sources: &[String], json: bool) -> anyhow::Result<Exit> {
    let indexes: Vec<u64> = if sources.is_empty() {
        (0..case.latest_checkpoint()?.0).collect()
    } else {
        sources
            .iter()
            .map(|spec| case.resolve_source(spec))
            .collect::<Result<_, _>>()?
    };
    // Not synced first: this shows what is stored, and says what is not
    // read yet.
    let snapshot = case.snapshot()?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut unread = 0usize;
    for index in indexes {
        let Some(reading) = snapshot.reading(index)? else {
            unread += 1;
            continue;
        };
        let mut write_error = None;
        snapshot.documents(index, &mut |document, extraction| {
            if write_error.is_some() {
                return;
            }
            let written = if json {
                serde_json::to_string(&serde_json::json!({
                    "source": index,
                    "document": document,
                    "extraction": extraction,
                }))
                .map_err(std::io::Error::other)
                .and_then(|line| writeln!(out, "{line}"))
            } else {
                writeln!(
                    out,
                    "{}",
                    crate::output::safe(&format!("#{index} {}", summary_line(&document)))
                )
            };
            write_error = written.err();
        })?;
        if let Some(error) = write_error {
            if error.kind() == std::io::ErrorKind::BrokenPipe {
                return Ok(Exit::Success);
            }
            return Err(error).context("writing the documents");
        }
        if !json {
            if let Some(first) = reading.same_as {
                crate::say_err!(
                    "#{index}: another acquisition of source #{first} (the same bytes)"
                );
            } else {
                let format = reading.format.as_deref().unwrap_or("no reader");
                crate::say_err!("#{index}: {format}: {}", reading.counted);
            }
            for diagnostic in &reading.diagnostics {
                crate::say_err!("#{index}: {} ({})", diagnostic.message, diagnostic.location);
            }
        }
    }
    if unread > 0 {
        crate::say_err!("{unread} sources have not been read yet; `casefile rebuild` reads them");
    }
    Ok(Exit::Success)
}
