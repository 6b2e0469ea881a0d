//! The case's report as of a date (see `casefile-report`), from what was
//! read, extracted and resolved.

use casefile_derived::Store;
use casefile_document::Document;
use casefile_extract::Extraction;
use casefile_report::{EntityLine, Input, SourceRef};
use casefile_vault::{Case, SourceKind};

use crate::error::Error;
use crate::log::Selection;

/// The report of what `store` holds, as of `as_of`; protected sources only
/// with `include_protected`.
pub(crate) fn build(
    case: &Case,
    store: &Store,
    as_of: jiff::civil::Date,
    include_protected: bool,
) -> Result<casefile_report::Report, Error> {
    let mut sources = Vec::new();
    let mut documents: Vec<(usize, u64, Document, Extraction)> = Vec::new();
    let all = store.read_sources()?;
    // Protected material only on a person's explicit request (it is then
    // unsealed for the report, which quotes it).
    let indexes: Vec<u64> = if include_protected {
        all.clone()
    } else {
        store
            .unsealed_sources()?
            .into_iter()
            .map(|s| s.index())
            .collect()
    };
    // What an empty section may be missing: the sealed sources left out.
    let protected_left_out = all.len() - indexes.len();
    for page in crate::log::pages(case, Selection::Only(&indexes)) {
        for record in page? {
            let index = record.entry.index;
            if record.entry.kind == SourceKind::Curation {
                continue;
            }
            let mut docs = Vec::new();
            store.unseal_documents(index, |d| docs.push(d))?;
            let mut extractions = Vec::new();
            store.unseal_extractions(index, |ordinal, e: Extraction| {
                extractions.push((ordinal, e))
            })?;
            let slot = sources.len();
            sources.push(SourceRef {
                index,
                id: record.id.clone(),
                kind: record.entry.kind.as_str().to_owned(),
            });
            for (ordinal, extraction) in extractions {
                if let Some(doc) = docs.get(ordinal as usize) {
                    documents.push((slot, ordinal, doc.clone(), extraction));
                }
            }
        }
    }
    let inputs: Vec<Input<'_>> = documents
        .iter()
        .map(|(slot, ordinal, doc, extraction)| Input {
            source: &sources[*slot],
            document: *ordinal,
            doc,
            extraction,
        })
        .collect();
    let entities = store
        .entity_list(None)?
        .into_iter()
        .map(|e| EntityLine {
            id: e.id,
            kind: e.kind,
            name: e.name,
            mentions: e.mentions,
            sources: e.sources,
        })
        .collect();
    let records = crate::records::load_all(store)?;
    let mut report = casefile_report::build(&inputs, &records, entities, as_of, include_protected);
    report.protected_left_out = protected_left_out;
    Ok(report)
}
