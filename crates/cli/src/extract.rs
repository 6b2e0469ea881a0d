//! `casefile extract`: read files and print what the extraction stage finds
//! in each document. No case is needed and nothing is stored.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Context as _;
use casefile_app::types::{Document, ExtractContext as Context, Extraction, Severity};

use crate::output::Exit;

/// One output line: the document's place and its extraction.
fn json_line(
    path: &std::path::Path,
    ordinal: usize,
    document: &Document,
    extraction: &Extraction,
) -> String {
    let mut value = serde_json::to_value(extraction).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.insert("file".into(), serde_json::json!(path));
        object.insert("document".into(), serde_json::json!(ordinal));
        if !document.diagnostics.is_empty() {
            object.insert(
                "diagnostics".into(),
                serde_json::json!(document.diagnostics),
            );
        }
    }
    value.to_string()
}

fn text_lines(
    path: &std::path::Path,
    ordinal: usize,
    document: &Document,
    extraction: &Extraction,
) -> Vec<String> {
    let title = document.title.as_deref().unwrap_or("(no title)");
    let mut lines = vec![format!(
        "{} #{ordinal} \"{title}\": {} mentions, {} times, {} durations, {} quantities, {} quotes",
        path.display(),
        extraction.mentions.len(),
        extraction.times.len(),
        extraction.durations.len(),
        extraction.quantities.len(),
        extraction.quotes.len()
    )];
    for mention in &extraction.mentions {
        let kind = format!("{:?}", mention.kind).to_lowercase();
        let normal = match &mention.normal {
            Some(normal) if *normal != mention.text => format!(" ({normal})"),
            _ => String::new(),
        };
        lines.push(format!("  {kind:<13} {}{normal}", mention.text));
    }
    for time in &extraction.times {
        lines.push(format!("  time      {} => {}", time.text, time.edtf));
    }
    for duration in &extraction.durations {
        lines.push(format!("  duration  {} => {}", duration.text, duration.iso));
    }
    for quantity in &extraction.quantities {
        let value = quantity
            .value
            .map(|v| v.to_string())
            .or_else(|| quantity.magnitude.map(|m| format!("~{m}s")))
            .or_else(|| match (quantity.low, quantity.high) {
                (Some(low), Some(high)) => Some(format!("{low}-{high}")),
                (Some(low), None) => Some(format!(">{low}")),
                (None, Some(high)) => Some(format!("<{high}")),
                _ => None,
            })
            .unwrap_or_default();
        lines.push(format!("  quantity  {} => {value}", quantity.text));
    }
    for money in &extraction.money {
        let per = money
            .period
            .as_deref()
            .map(|p| format!(" per {p}"))
            .unwrap_or_default();
        let approximate = if money.approximate { " ~" } else { "" };
        lines.push(format!(
            "  money     {} => {} {}{per}{approximate}",
            money.text, money.amount, money.currency
        ));
    }
    for quote in &extraction.quotes {
        let speaker = quote
            .speaker
            .as_ref()
            .map_or("(speaker not named)", |s| s.text.as_str());
        let words: String = quote.text.chars().take(60).collect();
        lines.push(format!("  quote     {speaker}: “{words}…”"));
    }
    lines
}

pub(crate) fn run(paths: &[PathBuf], captured: Option<String>, json: bool) -> anyhow::Result<Exit> {
    let context = Context { captured };
    // The models are loaded for the first document: a file with none
    // needs none.
    let progress = crate::output::Bar(indicatif::ProgressBar::hidden());
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut problems = 0usize;
    for path in paths {
        let file =
            std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let mut ordinal = 0usize;
        let mut write_error = None;
        let mut visit = |document: Document| {
            if write_error.is_some() {
                return;
            }
            let extraction = casefile_app::loose::extract(&document, &context, &progress);
            let written = if json {
                writeln!(out, "{}", json_line(path, ordinal, &document, &extraction))
            } else {
                text_lines(path, ordinal, &document, &extraction)
                    .iter()
                    .try_for_each(|line| writeln!(out, "{}", crate::output::safe(line)))
            };
            // The reader's problems, as `read` reports them.
            for diagnostic in &document.diagnostics {
                if diagnostic.severity == Severity::Error {
                    problems += 1;
                }
                if !json && written.is_ok() {
                    crate::read::say_diagnostic(path, diagnostic);
                }
            }
            write_error = written.err();
            ordinal += 1;
        };
        let summary = crate::read::read_file(file, path, name.as_deref(), &mut visit)?;
        if crate::read::output_closed(write_error, "writing the extractions")? {
            return Ok(Exit::Success);
        }
        problems += crate::read::say_summary(path, &summary, json);
    }
    Ok(if problems == 0 {
        Exit::Success
    } else {
        Exit::Partial
    })
}
