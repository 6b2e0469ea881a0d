//! Reading a case's sources into its derived store, documents and their
//! extractions: after every `add` (for whatever is not read yet) and, from
//! nothing, by `casefile rebuild`.

use std::collections::BTreeSet;

use anyhow::Context as _;
use casefile_derived::{Reading, Store, Totals};
use casefile_document::Severity;
use casefile_reader::{Document, format};
use casefile_vault::{Case, SourceRecord};
use indicatif::ProgressBar;

/// A transaction is committed after this many sources or documents, at a
/// source boundary, so an interrupted run keeps what it read.
const BATCH_SOURCES: usize = 256;
const BATCH_DOCUMENTS: u64 = 20_000;
/// Sources are fetched from the log in pages of this many.
const PAGE: usize = 4096;

/// What one run of the readers over a case did.
#[derive(Debug, Default, serde::Serialize)]
pub(crate) struct ReadStats {
    /// Sources read in this run.
    pub sources: u64,
    /// Documents stored in this run.
    pub documents: u64,
    /// Sources stored sealed (testimonies, complaints).
    pub sealed: u64,
    /// Sources no reader fits (photos, PDFs): stored with no documents.
    pub no_reader: u64,
    /// Sources whose reading reported an error (what could be read is
    /// stored).
    pub with_errors: u64,
}

/// Reads every source of `case` that the store has no reading of.
pub(crate) fn read_unread(
    case: &Case,
    store: &mut Store,
    bar: &ProgressBar,
) -> anyhow::Result<ReadStats> {
    let (size, _) = case.latest_checkpoint()?;
    let unread = store.unread(size)?;
    read_sources(case, store, &unread, bar)
}

/// Reads the sources at `indexes` (sorted) into the store.
pub(crate) fn read_sources(
    case: &Case,
    store: &mut Store,
    indexes: &[u64],
    bar: &ProgressBar,
) -> anyhow::Result<ReadStats> {
    let mut stats = ReadStats::default();
    if indexes.is_empty() {
        return Ok(stats);
    }
    let models = crate::models::load()?;
    bar.set_length(indexes.len() as u64);
    bar.set_position(0);
    let wanted: BTreeSet<u64> = indexes.iter().copied().collect();
    let mut pending_sources = 0usize;
    let mut pending_documents = 0u64;
    let mut writer = store.writer()?;
    let mut next = wanted.first().copied();
    while let Some(first) = next {
        let page = case.sources(first, PAGE)?;
        let Some(last) = page.last().map(|r| r.entry.index) else {
            break;
        };
        for record in page.iter().filter(|r| wanted.contains(&r.entry.index)) {
            let documents = read_one(case, &mut writer, record, &models, &mut stats)?;
            pending_sources += 1;
            pending_documents += documents;
            bar.inc(1);
            if pending_sources >= BATCH_SOURCES || pending_documents >= BATCH_DOCUMENTS {
                writer.commit()?;
                writer = store.writer()?;
                pending_sources = 0;
                pending_documents = 0;
            }
        }
        next = wanted.range(last + 1..).next().copied();
    }
    writer.commit()?;
    Ok(stats)
}

/// Reads one source, streaming its documents into the writer; returns how
/// many it stored.
fn read_one(
    case: &Case,
    writer: &mut casefile_derived::Writer<'_>,
    record: &SourceRecord,
    models: &casefile_extract::Models,
    stats: &mut ReadStats,
) -> anyhow::Result<u64> {
    let entry = &record.entry;
    let index = entry.index;
    let protected = entry.kind.is_protected();
    writer.clear(index)?;
    if entry.kind == casefile_vault::SourceKind::Curation {
        // A person's judgement, not collected material: the resolver reads
        // it from the vault; there is nothing to read into documents.
        writer.put_reading(&Reading {
            log_index: index,
            format: None,
            reader: casefile_reader::READER.to_owned(),
            protected: false,
            documents: 0,
            counted: "a judgement about entities (casefile entity)".to_owned(),
            diagnostics: Vec::new(),
        })?;
        stats.sources += 1;
        return Ok(0);
    }
    let mut blob = case.open_blob(&entry.sha256)?;
    // Relative dates in a document without a publication date are resolved
    // against when the material was collected, else when it was added.
    let context = casefile_extract::Context {
        captured: Some(
            entry
                .acquired_at
                .clone()
                .unwrap_or_else(|| entry.added_at.clone()),
        ),
    };
    let mut ordinal = 0u64;
    let mut failed = None;
    let mut errors = false;
    let mut visit = |document: Document| {
        if failed.is_some() {
            return;
        }
        errors |= document
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error);
        let extraction = casefile_extract::extract_with(&document, &context, models);
        let stored = writer
            .put_document(index, ordinal, protected, &document)
            .and_then(|()| writer.put_extraction(index, ordinal, protected, &extraction));
        match stored {
            Ok(()) => ordinal += 1,
            Err(error) => failed = Some(error),
        }
    };
    let read = format::detect_and_read(&mut blob, entry.name.as_deref(), &mut visit);
    if let Some(error) = failed {
        return Err(error).context(format!("storing the documents of source #{index}"));
    }
    // The whole blob is read, so its digest is checked: documents are never
    // stored from bytes that changed on disk.
    blob.finish()
        .with_context(|| format!("reading source #{index} ({})", record.id))?;
    let read = read.with_context(|| format!("reading source #{index} ({})", record.id))?;
    let reading = match read {
        Some((format, summary)) => {
            errors |= !summary.diagnostics.is_empty();
            Reading {
                log_index: index,
                format: Some(format.as_str().to_owned()),
                reader: casefile_reader::READER.to_owned(),
                protected,
                documents: ordinal,
                counted: summary.counted,
                diagnostics: summary.diagnostics,
            }
        }
        None => {
            stats.no_reader += 1;
            Reading {
                log_index: index,
                format: None,
                reader: casefile_reader::READER.to_owned(),
                protected,
                documents: 0,
                counted: "nothing: no reader fits this kind of file".to_owned(),
                diagnostics: Vec::new(),
            }
        }
    };
    writer.put_reading(&reading)?;
    stats.sources += 1;
    stats.documents += ordinal;
    stats.sealed += u64::from(protected);
    stats.with_errors += u64::from(errors);
    Ok(ordinal)
}

/// The words printed after a run.
pub(crate) fn describe(stats: &ReadStats, totals: &Totals) -> String {
    let mut line = format!(
        "read {} sources into {} documents",
        stats.sources, stats.documents
    );
    if stats.sealed > 0 {
        line.push_str(&format!(" ({} protected sources sealed)", stats.sealed));
    }
    if stats.no_reader > 0 {
        line.push_str(&format!("; {} had no reader", stats.no_reader));
    }
    if stats.with_errors > 0 {
        line.push_str(&format!(
            "; {} had reading problems (see casefile documents)",
            stats.with_errors
        ));
    }
    line.push_str(&format!(
        "; the case holds {} documents from {} sources, {} of them extracted",
        totals.documents, totals.sources, totals.extractions
    ));
    line
}
