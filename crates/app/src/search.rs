//! The search index of a case (`derived/index/`): brought up to the log by
//! every sync that finds it behind.

use std::collections::HashMap;

use casefile_derived::Store;
use casefile_document::Document;
use casefile_extract::Extraction;
use casefile_index::{IndexDocument, IndexEntity, IndexRecord, SearchIndex};
use casefile_vault::{Case, SourceKind};

use crate::error::Error;
use crate::log::Selection;
use crate::progress::Progress;
use crate::resolve::Counted;
use crate::resolve::StoredEntity;

/// What one indexing run did.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IndexStats {
    /// Sources (re)indexed.
    pub sources: u64,
    /// Documents indexed.
    pub documents: u64,
    /// Entities indexed.
    pub entities: u64,
    /// Records indexed.
    pub records: u64,
}

/// Brings the search index up to the log: the documents of unsealed
/// sources not indexed yet (all of them when `everything`, as after a
/// judgement changed which entities documents mention), every entity
/// (unless `entities` is false: only record actions came in, which change
/// no entity) and every record.
pub(crate) fn refresh(
    case: &Case,
    store: &Store,
    progress: &dyn Progress,
    everything: bool,
    entities: bool,
) -> Result<Option<IndexStats>, Error> {
    // The caller holds the sync lock: one process updates the index at a
    // time (tantivy refuses a second writer).
    let derived = case.data_dir().join(casefile_derived::DERIVED_DIR);
    let (tree_size, _) = case.latest_checkpoint()?;
    let index = SearchIndex::open(&derived)?;
    let through = if everything {
        0
    } else {
        index.indexed_through()?.unwrap_or(0)
    };
    if !everything && index.indexed_through()? == Some(tree_size) {
        return Ok(None);
    }
    // An index made anew has no entities yet, whatever changed.
    let entities = entities || index.indexed_through()?.is_none();
    // Sources below the first unread one are complete; the index may
    // claim no further than that.
    let unread = store.unread(tree_size)?;
    let complete = unread.first().copied().unwrap_or(tree_size);
    let open: Vec<casefile_derived::OpenSource> = store
        .unsealed_sources()?
        .into_iter()
        .filter(|s| s.index() >= through)
        .collect();
    let unsealed: Vec<u64> = open.iter().map(|s| s.index()).collect();
    let mut stats = IndexStats::default();
    let mut update = index.update()?;
    progress.stage("indexing", unsealed.len() as u64);
    for page in crate::log::pages(case, Selection::Only(&unsealed)) {
        for record in &page? {
            let source = record.entry.index;
            if record.entry.kind == SourceKind::Curation {
                continue;
            }
            // The pages hold only these sources: each is one of `open`.
            let Ok(at) = unsealed.binary_search(&source) else {
                continue;
            };
            let open = open[at];
            update.remove_source(source);
            stats.documents += index_source(&mut update, store, record, Counted::Open(open))?;
            stats.sources += 1;
            progress.advance(1);
        }
    }
    if entities {
        let entities = index_entities(store, |_| true)?;
        stats.entities = entities.len() as u64;
        update.replace_entities(&entities)?;
    }
    let records = index_records(store, |_| true)?;
    stats.records = records.len() as u64;
    update.replace_records(&records)?;
    update.commit(complete)?;
    Ok(Some(stats))
}

/// Indexes the documents of one source (`record` its log record);
/// returns how many.
fn index_source(
    update: &mut casefile_index::IndexUpdate<'_>,
    store: &Store,
    record: &casefile_vault::SourceRecord,
    counted: Counted,
) -> Result<u64, Error> {
    let source = record.entry.index;
    let captured = record
        .entry
        .acquired_at
        .as_deref()
        .and_then(crate::dates::day_start)
        .or_else(|| crate::dates::day_start(&record.entry.added_at));
    let mut documents: Vec<Document> = Vec::new();
    counted.documents(store, |d| documents.push(d))?;
    let mut mentions = store.entities_in(source)?;
    let mut claims: HashMap<u64, Vec<String>> = HashMap::new();
    counted.extractions(store, |ordinal, extraction: Extraction| {
        let mut kinds: Vec<String> = extraction
            .claims
            .iter()
            .filter_map(|c| serde_json::to_value(c.kind).ok())
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        kinds.sort();
        kinds.dedup();
        claims.insert(ordinal, kinds);
    })?;
    for (ordinal, document) in documents.iter().enumerate() {
        let ordinal = ordinal as u64;
        let parts = blocks(document);
        update.add_document(&IndexDocument {
            source,
            document: ordinal,
            source_kind: record.entry.kind.as_str().to_owned(),
            language: document.language.as_ref().map(|l| l.code.clone()),
            title: document.title.clone(),
            parts,
            date: document
                .published
                .as_deref()
                .and_then(crate::dates::day_start)
                .or(captured),
            entities: mentions.remove(&ordinal).unwrap_or_default(),
            claims: claims.remove(&ordinal).unwrap_or_default(),
        })?;
    }
    Ok(documents.len() as u64)
}

/// The entities of `store` as indexed, those `keep` allows.
fn index_entities(store: &Store, keep: impl Fn(&str) -> bool) -> Result<Vec<IndexEntity>, Error> {
    let mut entities = Vec::new();
    for summary in store.entity_list(None)? {
        if !keep(&summary.id) {
            continue;
        }
        if let Some(entity) = store.entity::<StoredEntity>(&summary.id)? {
            entities.push(IndexEntity {
                id: entity.id,
                kind: entity.kind,
                name: entity.name,
                names: entity.names.into_iter().map(|(name, _)| name).collect(),
            });
        }
    }
    Ok(entities)
}

/// The records of `store` as indexed, those `keep` allows. A merged
/// record is found through the record it was merged into, which carries
/// its evidence once merges are folded.
fn index_records(store: &Store, keep: impl Fn(&str) -> bool) -> Result<Vec<IndexRecord>, Error> {
    let mut records = Vec::new();
    for r in crate::records::load_all(store)?.by_id.into_values() {
        if r.merged_into.is_some() || !keep(&r.id) {
            continue;
        }
        let mut text: Vec<String> = r.values.values().map(|v| v.value.clone()).collect();
        text.extend(r.evidence.iter().map(|e| e.quote.clone()));
        records.push(IndexRecord {
            id: r.id,
            kind: r.kind.as_str().to_owned(),
            subtype: r.subtype,
            status: r.status.as_str().to_owned(),
            label: r.label,
            text,
        });
    }
    Ok(records)
}

/// The search index of what the protected layer adds, made in memory for
/// an unlocked member's search (never written): the protected sources'
/// documents, and the entities and records of the layer.
pub(crate) fn protected_index(case: &Case, store: &Store) -> Result<SearchIndex, Error> {
    let index = SearchIndex::in_memory()?;
    let mut update = index.update()?;
    let sealed = store.sealed_sources()?;
    for page in crate::log::pages(case, Selection::Only(&sealed)) {
        for record in &page? {
            index_source(
                &mut update,
                store,
                record,
                Counted::Sealed(record.entry.index),
            )?;
        }
    }
    update.replace_entities(&index_entities(store, |id| store.layer_has_entity(id))?)?;
    update.replace_records(&index_records(store, |id| store.layer_has_record(id))?)?;
    update.commit(0)?;
    Ok(index)
}

/// A document's text block by block, each with its language; the whole
/// text when it has no blocks.
fn blocks(document: &Document) -> Vec<(Option<String>, String)> {
    if document.blocks.is_empty() {
        return vec![(None, document.text.clone())];
    }
    let ranges = document.block_bytes();
    document
        .blocks
        .iter()
        .zip(ranges)
        .filter_map(|(block, range)| {
            let text = document.text.get(range?)?.to_owned();
            Some((block.language.as_ref().map(|l| l.code.clone()), text))
        })
        .collect()
}
