//! Exit codes, JSON printing and the `verify` command's output.

use std::process::ExitCode;

use casefile_vault::Case;
use indicatif::{ProgressBar, ProgressStyle};

/// What the process exits with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    /// Everything worked (0).
    Success,
    /// The command failed: bad input, I/O, no case (1). Usage errors exit 2
    /// (from the argument parser).
    Failure,
    /// Verification found something that does not hold (3).
    Integrity,
    /// Some inputs could not be added; the others were (4).
    Partial,
}

impl Exit {
    pub(crate) fn code(self) -> ExitCode {
        ExitCode::from(match self {
            Exit::Success => 0,
            Exit::Failure => 1,
            Exit::Integrity => 3,
            Exit::Partial => 4,
        })
    }
}

pub(crate) fn print_json(value: &impl serde::Serialize) {
    match serde_json::to_string(value) {
        Ok(text) => println!("{text}"),
        Err(error) => eprintln!("error: cannot print JSON: {error}"),
    }
}

/// Prints a list: with `json`, one JSON object a line (nothing for an
/// empty list, which a reader of JSON Lines expects); else `empty` when
/// there is nothing, or the lines `text` prints.
pub(crate) fn print_list<T: serde::Serialize>(
    items: &[T],
    json: bool,
    empty: &str,
    text: impl FnOnce(&[T]),
) {
    if json {
        for item in items {
            print_json(item);
        }
    } else if items.is_empty() {
        println!("{empty}");
    } else {
        text(items);
    }
}

/// A progress bar on standard error, hidden when it is not a terminal or
/// when the output is JSON.
pub(crate) fn progress_bar(json: bool, total: u64, unit: &str) -> ProgressBar {
    if json {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    let template = format!("{{msg:12}} [{{bar:30}}] {{pos}}/{{len}} {unit} ({{eta}})");
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

pub(crate) fn verify(case: &Case, json: bool) -> anyhow::Result<Exit> {
    let bar = progress_bar(json, 0, "");
    let mut stage = String::new();
    let report = case.verify(&mut |name, done, total| {
        if stage != name {
            stage = name.to_owned();
            bar.set_message(name.to_owned());
            bar.set_length(total);
        }
        bar.set_position(done);
    })?;
    bar.finish_and_clear();
    if json {
        print_json(&report);
    } else if report.ok {
        println!(
            "ok: {} entries, {} blobs ({} bytes), {} checkpoints verified; size {}, root {}",
            report.entries_checked,
            report.blobs_checked,
            report.blob_bytes_checked,
            report.checkpoints_checked,
            report.tree_size,
            report.root
        );
    } else {
        println!("FAILED: {} problem(s)", report.problems.len());
        for problem in &report.problems {
            println!("  {problem}");
        }
    }
    if !json {
        for note in &report.notes {
            eprintln!("note: {note}");
        }
    }
    Ok(if report.ok {
        Exit::Success
    } else {
        Exit::Integrity
    })
}
