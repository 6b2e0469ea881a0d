//! Entities: the mentions of a case's unsealed sources resolved into
//! people, organizations and places, with the judgements of the log
//! applied, and the records proposed from them; stored in place of the old
//! ones in one transaction.

use std::collections::HashMap;

use casefile_derived::{EntitySummary, Store};
use casefile_extract::{Extraction, Field, ner::EntityKind};
use casefile_resolve::entities::{MentionAt, Resolution, Resolver};
use casefile_resolve::judgements::{Judgement, MentionRef};
use casefile_resolve::names::NameKind;
use casefile_vault::Case;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::progress::Progress;

/// An entity as stored in the derived store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredEntity {
    /// Its id: where it was first mentioned, `source.document.mention`.
    pub id: String,
    /// person, organization or place.
    pub kind: String,
    /// Its fullest name.
    pub name: String,
    /// Every name it was given, with how many mentions gave it.
    pub names: Vec<(String, u64)>,
    /// What resolved it.
    pub resolver: String,
    /// Its mentions, in case order.
    pub mentions: Vec<StoredMention>,
}

/// One mention of an entity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredMention {
    /// The source's log index.
    pub source: u64,
    /// The document's ordinal in the source.
    pub document: u64,
    /// The mention's ordinal in the document's extraction.
    pub mention: u32,
    /// The part of the document its span counts in.
    pub field: String,
    /// Its span, in characters of the field.
    pub start: usize,
    /// Its end, in characters of the field.
    pub end: usize,
    /// As written.
    pub text: String,
    /// What found it.
    pub method: String,
    /// Its score against the entity's name when it joined (absent for the
    /// mention that started the entity, and for one placed by a judgement).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// Placed here by a person's judgement, not by its name.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub judged: bool,
}

fn kind_name(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Person => "person",
        EntityKind::Organization => "organization",
        EntityKind::Place => "place",
    }
}

pub(crate) fn name_kind(kind: &str) -> NameKind {
    match kind {
        "organization" => NameKind::Organization,
        "place" => NameKind::Place,
        _ => NameKind::Person,
    }
}

fn field_name(field: Field) -> String {
    serde_json::to_value(field)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_else(|| "text".to_owned())
}

/// What one resolution run did.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolveStats {
    /// Mentions resolved.
    pub mentions: u64,
    /// Entities they make.
    pub entities: u64,
    /// Judgements in the log that were applied.
    pub judgements: u64,
    /// Judgements about mentions no longer found (the sources were read
    /// differently since): kept in the log, not applied.
    pub judgements_unmatched: u64,
    /// Records made (proposed, then with the log's actions applied).
    pub records: u64,
    /// Actions on records in the log that were applied.
    pub actions: u64,
    /// Actions about records no longer found: kept in the log, not applied.
    pub actions_unmatched: u64,
}

/// One line on what a resolution run did.
pub fn describe(stats: &ResolveStats) -> String {
    format!(
        "resolved {} mention{} into {} entit{}; {} record{}",
        stats.mentions,
        if stats.mentions == 1 { "" } else { "s" },
        stats.entities,
        if stats.entities == 1 { "y" } else { "ies" },
        stats.records,
        if stats.records == 1 { "" } else { "s" }
    )
}

/// A mention to resolve, with what is stored about it.
struct Pending {
    kind: NameKind,
    name: String,
    at: MentionAt,
    stored: StoredMention,
}

/// Resolves the mentions of every unsealed source of the store into
/// entities, respecting the judgements in the log, and stores them in place
/// of the old ones, in one transaction. Sealed (protected) sources are left
/// out: their names stay sealed.
pub(crate) fn resolve(
    case: &Case,
    store: &mut Store,
    progress: &dyn Progress,
) -> Result<ResolveStats, Error> {
    let (tree_size, _) = case.latest_checkpoint()?;
    // Sources another process is still reading are not in these entities:
    // they count as resolved only up to the first unread source.
    let through = store
        .unread(tree_size)?
        .first()
        .copied()
        .unwrap_or(tree_size);
    let sources = store.unsealed_sources()?;
    progress.stage("resolving", sources.len() as u64);
    let mut pending: Vec<Pending> = Vec::new();
    for open in sources {
        let source = open.index();
        let mut extractions: Vec<(u64, Extraction)> = Vec::new();
        store.extractions(open, |ordinal, extraction| {
            extractions.push((ordinal, extraction));
        })?;
        for (document, extraction) in extractions {
            for (mention, found) in extraction.mentions.into_iter().enumerate() {
                let at = MentionAt {
                    source,
                    document,
                    mention: mention as u32,
                };
                pending.push(Pending {
                    kind: name_kind(kind_name(found.kind)),
                    name: found.normal.clone().unwrap_or_else(|| found.text.clone()),
                    at,
                    stored: StoredMention {
                        source,
                        document,
                        mention: mention as u32,
                        field: field_name(found.field),
                        start: found.span.start,
                        end: found.span.end,
                        text: found.text,
                        method: found.method,
                        score: None,
                        judged: false,
                    },
                });
            }
        }
        progress.advance(1);
    }
    let mut resolver = Resolver::new();
    let mut stats = ResolveStats::default();
    let view = crate::curation::read_log(case)?;
    let judgements: Vec<&Judgement> = view
        .curated
        .iter()
        .filter_map(|(_, c)| match c {
            crate::curation::Curated::Judgement(j) => Some(&**j),
            crate::curation::Curated::Action(_) => None,
        })
        .collect();
    if !judgements.is_empty() {
        let by_place: HashMap<(u64, u64, &str, usize, usize), MentionAt> = pending
            .iter()
            .map(|p| {
                let s = &p.stored;
                (
                    (s.source, s.document, s.field.as_str(), s.start, s.end),
                    p.at,
                )
            })
            .collect();
        let find = |m: &MentionRef| {
            by_place
                .get(&(m.source, m.document, m.field.as_str(), m.start, m.end))
                .copied()
        };
        for judgement in &judgements {
            match (find(&judgement.left), find(&judgement.right)) {
                (Some(a), Some(b)) => {
                    resolver.judge(judgement.verdict, a, b);
                    stats.judgements += 1;
                }
                _ => stats.judgements_unmatched += 1,
            }
        }
    }
    let mut details: Vec<Vec<StoredMention>> = Vec::new();
    for Pending {
        kind,
        name,
        at,
        mut stored,
    } in pending
    {
        let entity = match resolver.add(kind, &name, at) {
            Resolution::Skipped => continue,
            Resolution::New { entity } => entity,
            Resolution::Joined { entity, comparison } => {
                stored.score = Some(comparison.score);
                entity
            }
            Resolution::Judged { entity } => {
                stored.judged = true;
                entity
            }
        };
        let slot = entity as usize - 1;
        if details.len() <= slot {
            details.resize_with(slot + 1, Vec::new);
        }
        details[slot].push(stored);
        stats.mentions += 1;
    }
    let entities = resolver.into_entities();
    stats.entities = entities.len() as u64;
    // Each entity's summary, as stored; which entity each mention went to,
    // and the entities' records, for the records proposed from the
    // extractions.
    let summaries: Vec<EntitySummary> = entities
        .iter()
        .zip(&details)
        .map(|(entity, mentions)| {
            let mut sources: Vec<u64> = mentions.iter().map(|m| m.source).collect();
            sources.sort_unstable();
            sources.dedup();
            EntitySummary {
                id: mentions
                    .first()
                    .map(|m| format!("{}.{}.{}", m.source, m.document, m.mention))
                    .unwrap_or_default(),
                number: entity.id,
                kind: match entity.kind {
                    NameKind::Person => "person",
                    NameKind::Organization => "organization",
                    NameKind::Place => "place",
                    NameKind::Other => "other",
                }
                .to_owned(),
                name: entity.name.clone(),
                mentions: mentions.len() as u64,
                sources: sources.len() as u64,
            }
        })
        .collect();
    let mut mention_entities: HashMap<(u64, u64, u32), String> = HashMap::new();
    let mut entity_inputs = Vec::with_capacity(entities.len());
    for (summary, mentions) in summaries.iter().zip(&details) {
        let Some(first) = mentions.first() else {
            continue;
        };
        let id = format!("E{}", summary.id);
        for m in mentions {
            mention_entities.insert((m.source, m.document, m.mention), id.clone());
        }
        entity_inputs.push(casefile_records::EntityInput {
            id,
            // A name of another kind is filed as an organization's.
            kind: casefile_records::RecordKind::parse(&summary.kind)
                .unwrap_or(casefile_records::RecordKind::Organization),
            name: summary.name.clone(),
            mentions: summary.mentions,
            sources: summary.sources,
            first_source: first.source,
            resolver: casefile_resolve::RESOLVER.to_owned(),
        });
    }
    let (records, record_stats) =
        crate::records::make(store, &view, &mention_entities, entity_inputs, progress)?;
    stats.records = record_stats.records;
    stats.actions = record_stats.actions;
    stats.actions_unmatched = record_stats.actions_unmatched;
    let mut writer = store.writer()?;
    writer.clear_records()?;
    // Stored as made, merges not folded: a later action applies to the
    // stored records as it would to these, and readers fold merges as they
    // read (`records::load_all`, `records::folded_record`).
    for record in records.iter() {
        let (summary, links) = crate::records::summary(record);
        writer.put_record(&summary, &links, record)?;
    }
    writer.clear_entities()?;
    for ((entity, mentions), summary) in entities.into_iter().zip(details).zip(summaries) {
        let stored = StoredEntity {
            id: summary.id.clone(),
            kind: summary.kind.clone(),
            name: entity.name,
            names: entity.names,
            resolver: casefile_resolve::RESOLVER.to_owned(),
            mentions,
        };
        writer.put_entity(&summary, &stored)?;
        let mut documents: Vec<(u64, u64)> = stored
            .mentions
            .iter()
            .map(|m| (m.source, m.document))
            .collect();
        documents.dedup();
        writer.put_entity_documents(&stored.id, &documents)?;
    }
    writer.set_entities_through(through)?;
    writer.commit()?;
    Ok(stats)
}
