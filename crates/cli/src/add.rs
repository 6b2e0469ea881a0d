//! `casefile add`: walk the given paths, stream each file into the vault,
//! and record them in batches, each batch ending with a signed checkpoint.

use std::path::{Path, PathBuf};

use anyhow::bail;
use casefile_vault::{AddOptions, AddedSource, Case, PreparedBlob, normalize_time};

use casefile_derived::Store;

use crate::AddArgs;
use crate::derive;
use crate::output::{Exit, print_json, progress_bar};

/// A batch is committed (and its checkpoint signed) after this many files…
const BATCH_FILES: usize = 2048;
/// …or this many bytes, whichever comes first, so that a long import keeps
/// its progress if it is interrupted.
const BATCH_BYTES: u64 = 512 << 20;

#[derive(Debug, serde::Serialize)]
struct Failure {
    path: PathBuf,
    error: String,
}

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
    if args.url.as_deref().is_some_and(|url| url.trim().is_empty()) {
        bail!("--url is empty");
    }
    let options = AddOptions {
        kind: args.kind,
        url: args.url,
        acquired_at: args
            .acquired_at
            .as_deref()
            .map(normalize_time)
            .transpose()?,
        note: args.note,
        by: who(args.by),
    };
    let (files, mut failures) = collect(case, &args.paths);
    let bar = progress_bar(json, files.len() as u64, "files");
    bar.set_message("adding");
    let mut added: Vec<AddedSource> = Vec::new();
    let mut batch: Vec<(PreparedBlob, AddOptions)> = Vec::new();
    let mut batch_bytes = 0u64;
    for path in files {
        match case.prepare(&path) {
            Ok(blob) => {
                batch_bytes += blob.size;
                batch.push((blob, options.clone()));
            }
            Err(error) => failures.push(Failure {
                path,
                error: error.to_string(),
            }),
        }
        bar.inc(1);
        if batch.len() >= BATCH_FILES || batch_bytes >= BATCH_BYTES {
            added.extend(case.commit(std::mem::take(&mut batch))?);
            batch_bytes = 0;
        }
    }
    added.extend(case.commit(batch)?);
    bar.set_message("indexing");
    case.update_catalogue()?;
    // What was just stored is read into the derived store, together with
    // anything an interrupted earlier run left unread.
    bar.set_message("reading");
    let mut store = Store::open(case.data_dir())?;
    let read = derive::read_unread(case, &mut store, &bar)?;
    let resolved = crate::entity::refresh(case, &mut store, &bar)?;
    let indexed = crate::search::refresh(case, &mut store, &bar, false, true)?;
    let totals = store.totals()?;
    // Bytes already in the case make another acquisition of the source
    // that first held them: logged, not counted twice. The reading says
    // which (see derive::earlier_acquisition).
    let same_as: Vec<Option<u64>> = added
        .iter()
        .map(|a| Ok(store.reading(a.log_index)?.and_then(|r| r.same_as)))
        .collect::<anyhow::Result<_>>()?;
    bar.finish_and_clear();
    let (size, checkpoint) = case.latest_checkpoint()?;
    if json {
        let again: Vec<serde_json::Value> = added
            .iter()
            .zip(&same_as)
            .filter_map(|(a, first)| {
                first.map(|f| serde_json::json!({"log_index": a.log_index, "same_as": f}))
            })
            .collect();
        print_json(&serde_json::json!({
            "added": added,
            "acquired_again": again,
            "failed": failures,
            "read": read,
            "resolved": resolved,
            "indexed": indexed,
            "derived": totals,
            "tree_size": size,
            "checkpoint": checkpoint,
        }));
    } else {
        for (source, first) in added.iter().zip(&same_as) {
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
        crate::say!("{}", derive::describe(&read, &totals));
        if let Some(resolved) = &resolved {
            crate::say!(
                "{} (casefile entity list shows them)",
                crate::entity::describe(resolved)
            );
        }
    }
    Ok(if failures.is_empty() {
        Exit::Success
    } else {
        Exit::Partial
    })
}
