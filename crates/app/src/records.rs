//! The case's records (`casefile-records`): proposed from what was
//! extracted and resolved each time entities are resolved, with every
//! person's recorded action applied in log order; how they are stored
//! (merges not folded) and read back (merges folded).

use std::collections::{BTreeSet, HashMap};

use casefile_derived::{RecordSummary, Store};
use casefile_document::Document;
use casefile_extract::Extraction;
use casefile_records::{Action, DocumentInput, Provenance, Record, Records};
use casefile_vault::Case;

use crate::curation::{Curated, LogView};
use crate::error::Error;
use crate::progress::Progress;
use crate::resolve::Counted;

/// What making the records did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RecordStats {
    /// Records made.
    pub records: u64,
    /// Actions applied.
    pub actions: u64,
    /// Actions that no longer apply (their record is gone after the
    /// sources were read again differently).
    pub actions_unmatched: u64,
}

/// The records proposed from the documents of `sources` (their mentions
/// resolved into the entities `mention_entities` names).
pub(crate) fn propose_from(
    store: &Store,
    view: &LogView,
    mention_entities: &HashMap<(u64, u64, u32), String>,
    sources: &[Counted],
    progress: &dyn Progress,
) -> Result<Vec<Record>, Error> {
    progress.stage("proposing records", sources.len() as u64);
    let mut proposed = Vec::new();
    for counted in sources {
        let source = counted.index();
        let mut docs: Vec<Document> = Vec::new();
        counted.documents(store, |d| docs.push(d))?;
        let mut extractions: Vec<(u64, Extraction)> = Vec::new();
        counted.extractions(store, |ordinal, e| extractions.push((ordinal, e)))?;
        let ids: Vec<Vec<Option<String>>> = extractions
            .iter()
            .map(|(ordinal, e)| {
                (0..e.mentions.len())
                    .map(|m| mention_entities.get(&(source, *ordinal, m as u32)).cloned())
                    .collect()
            })
            .collect();
        let inputs: Vec<DocumentInput<'_>> = extractions
            .iter()
            .zip(&ids)
            .filter_map(|((ordinal, extraction), entities)| {
                Some(DocumentInput {
                    source,
                    document: *ordinal,
                    logged_at: view.logged_at.get(&source).map(String::as_str),
                    doc: docs.get(*ordinal as usize)?,
                    extraction,
                    entities,
                })
            })
            .collect();
        proposed.extend(casefile_records::propose(
            &inputs,
            &[],
            &casefile_dates::edtf::valid,
        ));
        progress.advance(1);
    }
    Ok(proposed)
}

/// The records `proposed`, then every action of the log applied in log
/// order: those logged sealed (about protected material) only when
/// `sealed` (for the protected layer).
pub(crate) fn finish(
    proposed: Vec<Record>,
    view: &LogView,
    sealed: bool,
) -> (Records, RecordStats) {
    let mut records = Records::new(proposed);
    let mut stats = RecordStats::default();
    for logged in &view.curated {
        if logged.sealed && !sealed {
            continue;
        }
        if let Curated::Action(action) = &logged.curated {
            match records.apply(action, &logged.by) {
                Ok(()) => stats.actions += 1,
                Err(_) => stats.actions_unmatched += 1,
            }
        }
    }
    stats.records = records.len() as u64;
    (records, stats)
}

/// The status a merged record is listed with, and the role of its one
/// stored link, to the record it was merged into.
pub const MERGED: &str = "merged";

/// The summary and links a record is stored with: its own links, and for
/// a merged record (listed as `merged`) one more, role `merged`, to the
/// record it was merged into.
pub(crate) fn summary(record: &Record) -> (RecordSummary, Vec<(String, String)>) {
    let mut links: Vec<(String, String)> = record
        .links
        .iter()
        .map(|l| (l.role.clone(), l.target.clone()))
        .collect();
    let status = match &record.merged_into {
        Some(into) => {
            links.push((MERGED.to_owned(), into.clone()));
            MERGED
        }
        None => record.status.as_str(),
    };
    (
        RecordSummary {
            id: record.id.clone(),
            kind: record.kind.as_str().to_owned(),
            subtype: record.subtype.clone(),
            status: status.to_owned(),
            label: record.label.clone(),
        },
        links,
    )
}

/// The stored records with merges folded: what the report, the timeline,
/// search and `record duplicates` read.
pub(crate) fn load_all(store: &Store) -> Result<Records, Error> {
    let mut all = Vec::new();
    store.records(|r: Record| all.push(r))?;
    Ok(Records::new(all).folded())
}

/// The stored records `ids` as made (merges not folded), with the records
/// merged into them: what an action applies to.
pub(crate) fn load_raw(store: &Store, ids: &[&str]) -> Result<Records, Error> {
    let mut wanted: Vec<String> = ids.iter().map(|id| (*id).to_owned()).collect();
    for id in ids {
        for l in store.links_to(id)? {
            if l.role == MERGED {
                wanted.push(l.from.id);
            }
        }
    }
    wanted.sort();
    wanted.dedup();
    let mut found = Vec::new();
    for id in &wanted {
        if let Some(record) = store.record::<Record>(id)? {
            found.push(record);
        }
    }
    Ok(Records::new(found))
}

/// One stored record as readers see it: the records merged into it folded
/// in, and its links to merged records led to the records they were
/// merged into.
pub(crate) fn folded_record(store: &Store, id: &str) -> Result<Option<Record>, Error> {
    let mut around = load_raw(store, &[id])?;
    if around.get(id).is_none() {
        return Ok(None);
    }
    // The records its links (and those of the records merged into it)
    // lead to, so that a link to a merged record is led on.
    let targets: BTreeSet<String> = around
        .iter()
        .flat_map(|r| r.links.iter().map(|l| l.target.clone()))
        .collect();
    for target in targets {
        if !around.by_id.contains_key(&target)
            && let Some(record) = store.record::<Record>(&target)?
        {
            around.by_id.insert(target, record);
        }
    }
    Ok(around.folded().by_id.remove(id))
}

/// Applies actions just logged as `entries` to the stored records they
/// touch (`touched`, loaded as made), and stores those records: the same records
/// as making every record again from the log would give, since the stored
/// ones are the log's actions applied in order up to these. Returns false,
/// storing nothing, when the log holds more than these actions or an
/// action does not apply; the caller then makes the records again.
pub(crate) fn apply_new(
    case: &Case,
    store: &mut Store,
    touched: &[&str],
    actions: &[Action],
    entries: &[u64],
) -> Result<bool, Error> {
    // The protected layer is made with the records: both are made again.
    if store.protected_layer_through()?.is_some() {
        return Ok(false);
    }
    let mut records = load_raw(store, touched)?;
    let (size, _) = case.latest_checkpoint()?;
    let Some(&first) = entries.first() else {
        return Ok(false);
    };
    if first + entries.len() as u64 != size {
        return Ok(false);
    }
    let logged = case.sources(first, entries.len())?;
    if logged.len() != entries.len() {
        return Ok(false);
    }
    for (action, record) in actions.iter().zip(&logged) {
        let by = Provenance {
            method: format!("person:{}", record.entry.by),
            entry: record.entry.index,
            at: Some(record.entry.added_at.clone()),
        };
        if records.apply(action, &by).is_err() {
            return Ok(false);
        }
    }
    let mut writer = store.writer()?;
    for record in records.iter() {
        let (summary, links) = summary(record);
        writer.put_record(&summary, &links, record)?;
    }
    writer.set_entities_through(size)?;
    writer.commit()?;
    Ok(true)
}

/// An id as a key that orders its numbers by value.
pub(crate) fn natural(id: &str) -> Vec<(String, u64)> {
    let mut key = Vec::new();
    let mut letters = String::new();
    let mut digits = String::new();
    for c in id.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            if !digits.is_empty() {
                key.push((
                    std::mem::take(&mut letters),
                    digits.parse().unwrap_or(u64::MAX),
                ));
                digits.clear();
            }
            letters.push(c);
        }
    }
    key.push((letters, digits.parse().unwrap_or(0)));
    key
}

/// A record id as typed: `e3.0.1` is the entity record `E3.0.1`.
pub fn record_id(text: &str) -> String {
    let text = text.trim();
    match text.strip_prefix('e') {
        Some(rest) => format!("E{rest}"),
        None => text.to_owned(),
    }
}
