//! `casefile add`: walk the given paths and hand the files to the case
//! service, which stores them in batches, each ending with a signed
//! checkpoint, and reads them.

use std::path::{Path, PathBuf};

use anyhow::bail;
use casefile_app::{AddRequest, Case, Failure};

use crate::AddArgs;
use crate::output::{Bar, Exit, print_json, progress_bar};

pub(crate) fn who(explicit: Option<String>) -> String {
    explicit
        .or_else(|| std::env::var("CASEFILE_USER").ok())
        .or_else(|| std::env::var("USER").ok())
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Lists the files under `paths`, in a stable order, skipping the case's own
/// data folder. Problems (a link loop, an unreadable folder) are returned
/// beside the files.
fn collect(case: &Case, paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Failure>) {
    let mut files = Vec::new();
    let mut failures = Vec::new();
    for path in paths {
        let walker = walkdir::WalkDir::new(path)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|entry| !case.holds(entry.path()));
        for item in walker {
            match item {
                Ok(entry) if entry.file_type().is_dir() => {}
                Ok(entry) => files.push(entry.into_path()),
                Err(error) => {
                    let at = error.path().unwrap_or(path).to_path_buf();
                    let message = match error.loop_ancestor() {
                        Some(ancestor) => format!(
                            "folder loop: this link leads back to {}; it was not followed",
                            ancestor.display()
                        ),
                        None => error
                            .io_error()
                            .map_or_else(|| error.to_string(), ToString::to_string),
                    };
                    failures.push(Failure {
                        path: at,
                        error: message,
                    });
                }
            }
        }
    }
    (files, failures)
}

pub(crate) fn run(case: &Case, args: AddArgs, json: bool) -> anyhow::Result<Exit> {
    let missing: Vec<&Path> = args
        .paths
        .iter()
        .map(PathBuf::as_path)
        .filter(|path| std::fs::symlink_metadata(path).is_err())
        .collect();
    if !missing.is_empty() {
        let names: Vec<String> = missing.iter().map(|p| p.display().to_string()).collect();
        bail!(
            "no such file or folder: {}; nothing was added",
            names.join(", ")
        );
    }
    let request = AddRequest {
        kind: args.kind,
        url: args.url,
        acquired_at: args.acquired_at,
        note: args.note,
        by: who(args.by),
    };
    let (files, mut failures) = collect(case, &args.paths);
    let bar = progress_bar(json, files.len() as u64, "files");
    bar.set_message("adding");
    let outcome = case.add_files(files, &request, &Bar(bar.clone()))?;
    bar.finish_and_clear();
    failures.extend(outcome.failed);
    let (added, same_as) = (&outcome.added, &outcome.same_as);
    let (read, totals) = (&outcome.sync.read, &outcome.totals);
    let size = outcome.tree_size;
    if json {
        let again: Vec<serde_json::Value> = added
            .iter()
            .zip(same_as)
            .filter_map(|(a, first)| {
                first.map(|f| serde_json::json!({"log_index": a.log_index, "same_as": f}))
            })
            .collect();
        print_json(&serde_json::json!({
            "added": added,
            "acquired_again": again,
            "failed": failures,
            "read": read,
            "resolved": outcome.sync.resolved,
            "indexed": outcome.sync.indexed,
            "derived": totals,
            "tree_size": size,
            "checkpoint": outcome.checkpoint,
        }));
    } else {
        for (source, first) in added.iter().zip(same_as) {
            let note = match (first, source.already_stored) {
                (Some(first), _) => format!(
                    ": already in the case as source #{first}; logged as another acquisition of it"
                ),
                (None, true) => " (bytes already stored)".to_owned(),
                (None, false) => String::new(),
            };
            crate::say!(
                "added {} #{} {}{note}",
                source.source_id,
                source.log_index,
                source.path.display()
            );
        }
        for failure in &failures {
            crate::say_err!("not added: {}: {}", failure.path.display(), failure.error);
        }
        crate::say!(
            "{} added, {} failed; log size {size}",
            added.len(),
            failures.len()
        );
        crate::say!("{}", casefile_app::describe_read(read, totals));
        if let Some(resolved) = &outcome.sync.resolved {
            crate::say!(
                "{} (casefile entity list shows them)",
                casefile_app::describe_resolved(resolved)
            );
        }
    }
    Ok(if failures.is_empty() {
        Exit::Success
    } else {
        Exit::Partial
    })
}
