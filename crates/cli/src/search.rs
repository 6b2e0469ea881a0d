//! The search index of a case (`derived/index/`): brought up to date after
//! every add, judgement and rebuild, and the `search` command.

use std::collections::HashMap;

use anyhow::Context as _;
use casefile_derived::Store;
use casefile_document::Document;
use casefile_extract::Extraction;
use casefile_index::{IndexDocument, IndexEntity, IndexRecord, SearchIndex, SearchQuery, What};
use casefile_vault::{Case, SourceKind};
use indicatif::ProgressBar;

use crate::entity::StoredEntity;
use crate::output::{Exit, print_json};

/// The `search` command's arguments.
#[derive(Debug, clap::Args)]
pub(crate) struct SearchArgs {
    /// The words to find; all must match. "Quoted words" match as a
    /// phrase, -word excludes, OR joins alternatives.
    #[arg(required = true, value_name = "WORDS")]
    words: Vec<String>,
    /// Match words only in the script they are written in (by default
    /// Каскад also finds Cascade, and Дикий finds Dikiy).
    #[arg(long)]
    no_cross_script: bool,
    /// Only sources of this kind.
    #[arg(long, value_name = "KIND")]
    kind: Option<String>,
    /// Only documents in this language (en, ru, uk, be).
    #[arg(long, value_name = "CODE")]
    language: Option<String>,
    /// Only documents that mention this entity (E3.0.1).
    #[arg(long, value_name = "ENTITY")]
    entity: Option<String>,
    /// Only documents that propose a claim of this kind (recruitment,
    /// promise, payment_stop...).
    #[arg(long, value_name = "KIND")]
    claim: Option<String>,
    /// Only documents dated (published, else captured) from this day on:
    /// YYYY, YYYY-MM or YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// Only documents dated before this day.
    #[arg(long, value_name = "DATE")]
    until: Option<String>,
    /// Only records of this status (proposed, confirmed, rejected,
    /// disputed); implies --records.
    #[arg(
        long,
        value_parser = casefile_records::vocabulary::STATUSES.to_vec(),
        conflicts_with_all = ["documents", "entities"]
    )]
    status: Option<String>,
    /// Only documents, not entities.
    #[arg(long, conflicts_with_all = ["entities", "records"])]
    documents: bool,
    /// Only entities, not documents.
    #[arg(long, conflicts_with = "records")]
    entities: bool,
    /// Search the records (claims, events, violations, relations...) by
    /// their labels, values and quoted evidence, instead of documents and
    /// entities.
    #[arg(long)]
    records: bool,
    /// How many hits to show.
    #[arg(long, default_value_t = 20)]
    limit: usize,
}

/// Seconds since 1970 at the start of a day given as YYYY, YYYY-MM or
/// YYYY-MM-DD (the first day of a year or month), or of the date that
/// starts an RFC 3339 time.
fn day_start(text: &str) -> Option<i64> {
    let text = text.trim();
    let date = text.get(..10).unwrap_or(text);
    let mut parts = date.splitn(3, '-');
    let year: i16 = parts.next()?.parse().ok()?;
    let month: i8 = parts.next().map_or(Some(1), |m| m.parse().ok())?;
    let day: i8 = parts.next().map_or(Some(1), |d| d.parse().ok())?;
    let date = jiff::civil::Date::new(year, month, day).ok()?;
    let zoned = date.to_zoned_datetime(jiff::tz::TimeZone::UTC).ok()?;
    Some(zoned.timestamp().as_second())
}

/// What one indexing run did.
#[derive(Debug, Default, serde::Serialize)]
pub(crate) struct IndexStats {
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
    store: &mut Store,
    bar: &ProgressBar,
    everything: bool,
    entities: bool,
) -> anyhow::Result<Option<IndexStats>> {
    let derived = case.data_dir().join(casefile_derived::DERIVED_DIR);
    // One process updates the index at a time (tantivy refuses a second
    // writer): another add waits here, then indexes what is left.
    std::fs::create_dir_all(&derived).with_context(|| format!("creating {}", derived.display()))?;
    let lock_path = derived.join("index.lock");
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .with_context(|| format!("opening {}", lock_path.display()))?;
    lock.lock()
        .with_context(|| format!("locking {}", lock_path.display()))?;
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
    let unsealed: Vec<u64> = store
        .unsealed_sources()?
        .into_iter()
        .filter(|&s| s >= through)
        .collect();
    let mut stats = IndexStats::default();
    let mut update = index.update()?;
    bar.set_message("indexing");
    bar.set_length(unsealed.len() as u64);
    bar.set_position(0);
    let mut next = unsealed.first().copied();
    while let Some(first) = next {
        let page = case.sources(first, 4096)?;
        let Some(last) = page.last().map(|r| r.entry.index) else {
            break;
        };
        for record in &page {
            let source = record.entry.index;
            if unsealed.binary_search(&source).is_err() || record.entry.kind == SourceKind::Curation
            {
                continue;
            }
            update.remove_source(source);
            let captured = record
                .entry
                .acquired_at
                .as_deref()
                .and_then(day_start)
                .or_else(|| day_start(&record.entry.added_at));
            let mut documents: Vec<Document> = Vec::new();
            store.documents(source, |d| documents.push(d))?;
            let mut mentions = store.entities_in(source)?;
            let mut claims: HashMap<u64, Vec<String>> = HashMap::new();
            store.extractions(source, |ordinal, extraction: Extraction| {
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
                        .and_then(day_start)
                        .or(captured),
                    entities: mentions.remove(&ordinal).unwrap_or_default(),
                    claims: claims.remove(&ordinal).unwrap_or_default(),
                })?;
                stats.documents += 1;
            }
            stats.sources += 1;
            bar.inc(1);
        }
        next = unsealed.iter().copied().find(|&s| s > last);
    }
    if entities {
        let mut entities = Vec::new();
        for summary in store.entity_list(None)? {
            if let Some(entity) = store.entity::<StoredEntity>(&summary.id)? {
                entities.push(IndexEntity {
                    id: entity.id,
                    kind: entity.kind,
                    name: entity.name,
                    names: entity.names.into_iter().map(|(name, _)| name).collect(),
                });
            }
        }
        stats.entities = entities.len() as u64;
        update.replace_entities(&entities)?;
    }
    let mut records = Vec::new();
    // A merged record is found through the record it was merged into,
    // which carries its evidence once merges are folded.
    for r in crate::records::load_all(store)?.by_id.into_values() {
        if r.merged_into.is_some() {
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
    stats.records = records.len() as u64;
    update.replace_records(&records)?;
    update.commit(complete)?;
    Ok(Some(stats))
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

pub(crate) fn run(case: &Case, args: SearchArgs, json: bool) -> anyhow::Result<Exit> {
    let mut store = Store::open(case.data_dir())?;
    refresh(case, &mut store, &ProgressBar::hidden(), false, true)?;
    let derived = case.data_dir().join(casefile_derived::DERIVED_DIR);
    let index = SearchIndex::open(&derived)?;
    let date = |text: &Option<String>, what: &str| -> anyhow::Result<Option<i64>> {
        text.as_deref()
            .map(|t| {
                day_start(t)
                    .with_context(|| format!("--{what} {t:?} is not YYYY, YYYY-MM or YYYY-MM-DD"))
            })
            .transpose()
    };
    let query = SearchQuery {
        text: args.words.join(" "),
        cross_script: !args.no_cross_script,
        source_kind: args.kind,
        language: args.language,
        entity: args
            .entity
            .map(|e| e.trim_start_matches(['E', 'e']).to_owned()),
        claim: args.claim,
        status: args.status.clone(),
        from: date(&args.from, "from")?,
        until: date(&args.until, "until")?,
        what: if args.documents {
            What::Documents
        } else if args.records || args.status.is_some() {
            What::Records
        } else if args.entities {
            What::Entities
        } else {
            What::Both
        },
        limit: args.limit,
    };
    let results = index.search(&query)?;
    if json {
        print_json(&results);
        return Ok(Exit::Success);
    }
    crate::say!(
        "{} match{}{}",
        results.total,
        if results.total == 1 { "" } else { "es" },
        if results.total > results.hits.len() {
            format!(", the best {} shown", results.hits.len())
        } else {
            String::new()
        }
    );
    for hit in &results.hits {
        if let Some(record) = &hit.record {
            crate::say!(
                "  {record} {}  {}",
                hit.preview,
                hit.title.as_deref().unwrap_or("")
            );
            continue;
        }
        match (&hit.entity, hit.source, hit.document) {
            (Some(entity), _, _) => crate::say!(
                "  E{entity} {} {}",
                hit.preview,
                hit.title.as_deref().unwrap_or("")
            ),
            (None, Some(source), Some(document)) => {
                let title = hit.title.as_deref().unwrap_or("");
                let preview: String = hit.preview.chars().take(100).collect();
                crate::say!("  source {source} document {document}  {title}");
                crate::say!("      {preview}");
            }
            _ => {}
        }
    }
    let facet = |name: &str, counts: &[(String, u64)]| {
        if !counts.is_empty() {
            let items: Vec<String> = counts.iter().map(|(k, n)| format!("{k} {n}")).collect();
            crate::say!("{name}: {}", items.join(", "));
        }
    };
    facet("by source kind", &results.facets.source_kind);
    facet("by language", &results.facets.language);
    facet("by claim", &results.facets.claim);
    facet("by status", &results.facets.status);
    // Entities by name, with their ids.
    let named: Vec<(String, u64)> = results
        .facets
        .entity
        .iter()
        .map(|(id, count)| {
            let name = store
                .entity::<StoredEntity>(id)
                .ok()
                .flatten()
                .map(|e| e.name)
                .unwrap_or_default();
            (format!("{name} (E{id})"), *count)
        })
        .collect();
    facet("by entity", &named);
    Ok(Exit::Success)
}
