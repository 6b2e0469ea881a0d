//! The case's report as of a date (see `casefile-report`), from what was
//! read, extracted and resolved.

use casefile_derived::Store;
use casefile_document::Document;
use casefile_extract::Extraction;
use std::collections::{BTreeMap, HashMap};

use casefile_records::{Record, Records};
use casefile_report::{EntityLine, Input, SourceRef, Withheld};
use casefile_vault::{Case, SourceKind};

use crate::error::Error;
use crate::log::Selection;

/// The report of what `store` holds, as of `as_of`; protected sources only
/// with `include_protected`, and of those not the ones in `withheld` (log
/// index → why): a witness of theirs has not consented to the report's use.
/// What only they say is left out too: the entities named in them alone,
/// the records citing them alone, and their quotes in other records.
pub(crate) fn build(
    case: &Case,
    store: &Store,
    as_of: jiff::civil::Date,
    include_protected: bool,
    withheld: &BTreeMap<u64, String>,
) -> Result<casefile_report::Report, Error> {
    let mut sources = Vec::new();
    let mut documents: Vec<(usize, u64, Document, Extraction)> = Vec::new();
    let all = store.read_sources()?;
    // Protected material only on a person's explicit request (it is then
    // unsealed for the report, which quotes it).
    let readable: Vec<u64> = if include_protected {
        all.clone()
    } else {
        store
            .unsealed_sources()?
            .into_iter()
            .map(|s| s.index())
            .collect()
    };
    // What an empty section may be missing: the sealed sources left out
    // (those withheld for consent are listed with why instead).
    let protected_left_out = all.len() - readable.len();
    let indexes: Vec<u64> = readable
        .into_iter()
        .filter(|i| !withheld.contains_key(i))
        .collect();
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
    let (entities, records) = without(store, withheld)?;
    let entities = entities
        .into_iter()
        .map(|e| EntityLine {
            id: e.id,
            kind: e.kind,
            name: e.name,
            mentions: e.mentions,
            sources: e.sources,
        })
        .collect();
    let mut report = casefile_report::build(&inputs, &records, entities, as_of, include_protected);
    report.protected_left_out = protected_left_out;
    report.withheld = withheld
        .iter()
        .filter(|(source, _)| all.contains(source))
        .map(|(source, why)| Withheld {
            source: *source,
            why: why.clone(),
        })
        .collect();
    Ok(report)
}

/// The entities and records of `store` without what only the sources in
/// `withheld` say: the entities named in them alone are left out (and the
/// others' source counts lowered), the records citing them alone are left
/// out, and their quotes are dropped from the others. Every output that
/// leaves sources out (a report, a bundle, an export) reads through this.
pub(crate) fn without(
    store: &Store,
    withheld: &BTreeMap<u64, String>,
) -> Result<(Vec<casefile_derived::EntitySummary>, Records), Error> {
    let mut hidden: HashMap<String, u64> = HashMap::new();
    for source in withheld.keys() {
        let mut named: Vec<String> = store
            .entities_in(*source)?
            .into_values()
            .flatten()
            .collect();
        named.sort();
        named.dedup();
        for id in named {
            *hidden.entry(id).or_default() += 1;
        }
    }
    let entities = store
        .entity_list(None)?
        .into_iter()
        .filter(|e| hidden.get(&e.id).is_none_or(|n| *n < e.sources))
        .map(|mut e| {
            e.sources -= hidden.get(&e.id).copied().unwrap_or(0);
            e
        })
        .collect();
    let records = if withheld.is_empty() {
        crate::records::load_all(store)?
    } else {
        let mut kept = Vec::new();
        store.records(|mut r: Record| {
            let cited = !r.evidence.is_empty();
            r.evidence.retain(|e| !withheld.contains_key(&e.source));
            if !cited || !r.evidence.is_empty() {
                kept.push(r);
            }
        })?;
        Records::new(kept).folded()
    };
    Ok((entities, records))
}
