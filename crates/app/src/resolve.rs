//! Entities: the mentions of a case's unsealed sources resolved into
//! people, organizations and places, with the judgements of the log
//! applied, and the records proposed from them; stored in place of the old
//! ones in one transaction.

use std::collections::HashMap;

use casefile_derived::{
    EntitySummary, LayerEntity, LayerRecord, OpenSource, ProtectedLayer, Store,
};
use casefile_extract::{Extraction, Field, ner::EntityKind};
use casefile_resolve::entities::{Entity, MentionAt, Resolution, Resolver};
use casefile_resolve::judgements::MentionRef;
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
    /// The protected layer, when it was made (the case was unlocked and
    /// has protected sources).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protected: Option<LayerStats>,
}

/// What the protected sources add, in the layer sealed beside the open
/// entities and records.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerStats {
    /// Protected sources whose mentions and proposals count in it.
    pub sources: u64,
    /// Their mentions resolved.
    pub mentions: u64,
    /// Entities new or changed once they count.
    pub entities: u64,
    /// Records new or changed once they count.
    pub records: u64,
    /// Sealed curation entries (about protected material) applied.
    pub curation: u64,
}

/// One line on what a resolution run did.
pub fn describe(stats: &ResolveStats) -> String {
    let mut line = format!(
        "resolved {} mention{} into {} entit{}; {} record{}",
        stats.mentions,
        if stats.mentions == 1 { "" } else { "s" },
        stats.entities,
        if stats.entities == 1 { "y" } else { "ies" },
        stats.records,
        if stats.records == 1 { "" } else { "s" }
    );
    if let Some(layer) = &stats.protected {
        line.push_str(&format!(
            "; {} protected source{} add {} mention{} and change {} entit{} and {} record{} \
             (kept sealed)",
            layer.sources,
            if layer.sources == 1 { "" } else { "s" },
            layer.mentions,
            if layer.mentions == 1 { "" } else { "s" },
            layer.entities,
            if layer.entities == 1 { "y" } else { "ies" },
            layer.records,
            if layer.records == 1 { "" } else { "s" }
        ));
    }
    line
}

/// A source whose mentions are resolved: an open one, or a sealed one,
/// which only the protected layer counts.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Counted {
    /// Stored unsealed.
    Open(OpenSource),
    /// Stored sealed; read with the sealing key.
    Sealed(u64),
}

impl Counted {
    /// Its log index.
    pub(crate) fn index(self) -> u64 {
        match self {
            Counted::Open(open) => open.index(),
            Counted::Sealed(index) => index,
        }
    }

    /// Calls `visit` with each of its extractions.
    pub(crate) fn extractions(
        self,
        store: &Store,
        visit: impl FnMut(u64, Extraction),
    ) -> Result<(), Error> {
        match self {
            Counted::Open(open) => store.extractions(open, visit)?,
            Counted::Sealed(index) => store.unseal_extractions(index, visit)?,
        };
        Ok(())
    }

    /// Calls `visit` with each of its documents.
    pub(crate) fn documents(
        self,
        store: &Store,
        visit: impl FnMut(casefile_document::Document),
    ) -> Result<(), Error> {
        match self {
            Counted::Open(open) => store.documents(open, visit)?,
            Counted::Sealed(index) => store.unseal_documents(index, visit)?,
        };
        Ok(())
    }
}

/// A mention to resolve, with what is stored about it.
struct Pending {
    kind: NameKind,
    name: String,
    at: MentionAt,
    stored: StoredMention,
}

/// The mentions of `sources`, in order.
fn mentions_of(
    store: &Store,
    sources: &[Counted],
    progress: &dyn Progress,
) -> Result<Vec<Pending>, Error> {
    let mut pending: Vec<Pending> = Vec::new();
    for counted in sources {
        let source = counted.index();
        let mut extractions: Vec<(u64, Extraction)> = Vec::new();
        counted.extractions(store, |ordinal, extraction| {
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
    Ok(pending)
}

/// Resolves `pending` in order into `resolver`, each mention's details
/// filed under its entity's slot in `details`; returns how many joined an
/// entity.
fn add_all(
    resolver: &mut Resolver,
    pending: &[Pending],
    details: &mut Vec<Vec<StoredMention>>,
) -> u64 {
    let mut resolved = 0;
    for Pending {
        kind,
        name,
        at,
        stored,
    } in pending
    {
        let mut stored = stored.clone();
        let entity = match resolver.add(*kind, name, *at) {
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
        resolved += 1;
    }
    resolved
}

/// The entities of one resolution as stored, and what the records are
/// proposed from.
struct Made {
    summaries: Vec<EntitySummary>,
    stored: Vec<StoredEntity>,
    /// Which entity (record id `E…`) each mention went to.
    mention_entities: HashMap<(u64, u64, u32), String>,
    inputs: Vec<casefile_records::EntityInput>,
}

fn made(entities: Vec<Entity>, details: Vec<Vec<StoredMention>>) -> Made {
    let mut out = Made {
        summaries: Vec::with_capacity(entities.len()),
        stored: Vec::with_capacity(entities.len()),
        mention_entities: HashMap::new(),
        inputs: Vec::with_capacity(entities.len()),
    };
    for (entity, mentions) in entities.into_iter().zip(details) {
        let mut sources: Vec<u64> = mentions.iter().map(|m| m.source).collect();
        sources.sort_unstable();
        sources.dedup();
        let summary = EntitySummary {
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
        };
        if let Some(first) = mentions.first() {
            let id = format!("E{}", summary.id);
            for m in &mentions {
                out.mention_entities
                    .insert((m.source, m.document, m.mention), id.clone());
            }
            out.inputs.push(casefile_records::EntityInput {
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
        out.stored.push(StoredEntity {
            id: summary.id.clone(),
            kind: summary.kind.clone(),
            name: entity.name,
            names: entity.names,
            resolver: casefile_resolve::RESOLVER.to_owned(),
            mentions,
        });
        out.summaries.push(summary);
    }
    out
}

/// The documents each stored entity is mentioned in.
fn documents_of(entity: &StoredEntity) -> Vec<(u64, u64)> {
    let mut documents: Vec<(u64, u64)> = entity
        .mentions
        .iter()
        .map(|m| (m.source, m.document))
        .collect();
    documents.sort_unstable();
    documents.dedup();
    documents
}

/// Where a mention is: source, document, field, start, end.
type Place<'a> = (u64, u64, &'a str, usize, usize);

/// A judgement found among the mentions being resolved.
struct Matched {
    verdict: casefile_resolve::judgements::Verdict,
    left: MentionAt,
    right: MentionAt,
    /// The open layer applies it: a plain entry about two open mentions.
    plain: bool,
    /// Both its mentions are of open sources.
    both_open: bool,
}

/// Resolves the mentions of every unsealed source of the store into
/// entities, respecting the judgements in the log, and stores them in place
/// of the old ones, in one transaction, with the records proposed from
/// them. The plain tables hold what the open sources yield, whoever
/// resolves: sealed (protected) sources and sealed curation never reach
/// them. When the store has the sealing key, the protected sources'
/// mentions are resolved after the open ones and what they change (with
/// the sealed curation applied) is stored as the sealed protected layer;
/// without it, the stored layer is dropped as stale.
pub(crate) fn resolve(
    case: &Case,
    store: &mut Store,
    keyring: Option<&crate::keyring::Keyring>,
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
    let view = crate::curation::read_log(case, keyring)?;
    let open_sources: Vec<Counted> = store
        .unsealed_sources()?
        .into_iter()
        .map(Counted::Open)
        .collect();
    // The protected layer is made only when everything sealed opens.
    let sealed_sources: Vec<Counted> = if store.has_sealing_key() && view.sealed_locked == 0 {
        store
            .sealed_sources()?
            .into_iter()
            .map(Counted::Sealed)
            .collect()
    } else {
        Vec::new()
    };
    let layered = !sealed_sources.is_empty();
    progress.stage(
        "resolving",
        (open_sources.len() + sealed_sources.len()) as u64,
    );
    let open_pending = mentions_of(store, &open_sources, progress)?;
    let sealed_pending = mentions_of(store, &sealed_sources, progress)?;
    let mut stats = ResolveStats::default();
    let mut layer_stats = LayerStats {
        sources: sealed_sources.len() as u64,
        ..LayerStats::default()
    };
    // Each judgement found among the mentions; the open layer applies
    // only those in plain entries about open mentions.
    let mut matched: Vec<Matched> = Vec::new();
    {
        let by_place: HashMap<Place<'_>, (MentionAt, bool)> = open_pending
            .iter()
            .map(|p| (p, true))
            .chain(sealed_pending.iter().map(|p| (p, false)))
            .map(|(p, open)| {
                let s = &p.stored;
                (
                    (s.source, s.document, s.field.as_str(), s.start, s.end),
                    (p.at, open),
                )
            })
            .collect();
        let find = |m: &MentionRef| {
            by_place
                .get(&(m.source, m.document, m.field.as_str(), m.start, m.end))
                .copied()
        };
        for logged in &view.curated {
            let crate::curation::Curated::Judgement(judgement) = &logged.curated else {
                continue;
            };
            match (find(&judgement.left), find(&judgement.right)) {
                (Some((left, l_open)), Some((right, r_open))) => {
                    let plain = l_open && r_open && !logged.sealed;
                    if plain {
                        stats.judgements += 1;
                    } else {
                        layer_stats.curation += 1;
                    }
                    matched.push(Matched {
                        verdict: judgement.verdict,
                        left,
                        right,
                        plain,
                        both_open: l_open && r_open,
                    });
                }
                _ if logged.sealed => {}
                _ => stats.judgements_unmatched += 1,
            }
        }
    }
    let mut resolver = Resolver::new();
    for m in matched.iter().filter(|m| m.plain) {
        resolver.judge(m.verdict, m.left, m.right);
    }
    let mut details: Vec<Vec<StoredMention>> = Vec::new();
    stats.mentions = add_all(&mut resolver, &open_pending, &mut details);
    // The open layer as it stands before the protected mentions; then the
    // protected ones after it. A judgement of the layer about two open
    // mentions changes how they resolve, so then every mention is resolved
    // again for the layer.
    let (open_made, full) = if layered {
        let open_made = made(resolver.entities().to_vec(), details.clone());
        let again = matched.iter().any(|m| !m.plain && m.both_open);
        if again {
            resolver = Resolver::new();
            details.clear();
            for m in &matched {
                resolver.judge(m.verdict, m.left, m.right);
            }
            add_all(&mut resolver, &open_pending, &mut details);
        } else {
            for m in matched.iter().filter(|m| !m.plain) {
                resolver.judge(m.verdict, m.left, m.right);
            }
        }
        layer_stats.mentions = add_all(&mut resolver, &sealed_pending, &mut details);
        let full = made(resolver.into_entities(), details);
        (open_made, Some((full, again)))
    } else {
        (made(resolver.into_entities(), details), None)
    };
    drop(open_pending);
    drop(sealed_pending);
    stats.entities = open_made.summaries.len() as u64;
    let entity_records =
        |m: &Made| casefile_records::propose(&[], &m.inputs, &casefile_dates::edtf::valid);
    let open_documents = crate::records::propose_from(
        store,
        &view,
        &open_made.mention_entities,
        &open_sources,
        progress,
    )?;
    let mut proposed = entity_records(&open_made);
    proposed.extend(open_documents.iter().cloned());
    let (records, record_stats) = crate::records::finish(proposed, &view, false);
    stats.records = record_stats.records;
    stats.actions = record_stats.actions;
    stats.actions_unmatched = record_stats.actions_unmatched;
    let layer = match &full {
        None => None,
        Some((full, again)) => {
            let mut proposed = entity_records(full);
            if *again {
                proposed.extend(crate::records::propose_from(
                    store,
                    &view,
                    &full.mention_entities,
                    &open_sources,
                    progress,
                )?);
            } else {
                proposed.extend(open_documents);
            }
            proposed.extend(crate::records::propose_from(
                store,
                &view,
                &full.mention_entities,
                &sealed_sources,
                progress,
            )?);
            let (full_records, full_stats) = crate::records::finish(proposed, &view, true);
            layer_stats.curation += full_stats.actions.saturating_sub(record_stats.actions);
            let mut layer = layer_of(through, &open_made, full, &records, &full_records)?;
            layer.register = Some(json(&register(&view, full, &sealed_sources)?)?);
            layer_stats.entities = (layer.entities.len() + layer.removed_entities.len()) as u64;
            layer_stats.records = (layer.records.len() + layer.removed_records.len()) as u64;
            stats.protected = Some(layer_stats);
            Some(layer)
        }
    };
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
    for (summary, stored) in open_made.summaries.iter().zip(&open_made.stored) {
        writer.put_entity(summary, stored)?;
        writer.put_entity_documents(&stored.id, &documents_of(stored))?;
    }
    writer.set_entities_through(through)?;
    match &layer {
        Some(layer) => writer.put_protected_layer(layer)?,
        None => writer.clear_protected_layer()?,
    }
    writer.commit()?;
    Ok(stats)
}

/// What the full resolution (protected sources counted) changes against
/// the open one.
fn layer_of(
    through: u64,
    open: &Made,
    full: &Made,
    open_records: &casefile_records::Records,
    full_records: &casefile_records::Records,
) -> Result<ProtectedLayer, Error> {
    let mut layer = ProtectedLayer::default();
    layer.through = through;
    let open_entities: HashMap<&str, (&EntitySummary, &StoredEntity)> = open
        .summaries
        .iter()
        .zip(&open.stored)
        .map(|(summary, stored)| (summary.id.as_str(), (summary, stored)))
        .collect();
    let mut kept: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for (summary, stored) in full.summaries.iter().zip(&full.stored) {
        kept.insert(summary.id.as_str());
        if open_entities
            .get(summary.id.as_str())
            .is_some_and(|(s, e)| *s == summary && *e == stored)
        {
            continue;
        }
        for (source, document) in documents_of(stored) {
            layer
                .entity_documents
                .push((stored.id.clone(), source, document));
        }
        layer.entities.push(LayerEntity {
            summary: summary.clone(),
            body: json(stored)?,
        });
    }
    layer.removed_entities = open
        .summaries
        .iter()
        .filter(|s| !kept.contains(s.id.as_str()))
        .map(|s| s.id.clone())
        .collect();
    for record in full_records.iter() {
        if open_records.get(&record.id) == Some(record) {
            continue;
        }
        let (summary, links) = crate::records::summary(record);
        layer.records.push(LayerRecord {
            summary,
            links,
            body: json(record)?,
        });
    }
    layer.removed_records = open_records
        .iter()
        .filter(|r| full_records.get(&r.id).is_none())
        .map(|r| r.id.clone())
        .collect();
    Ok(layer)
}

/// The witnesses and masks of the sealed curation, each witness linked to
/// the entities of the full resolution that are them.
fn register(
    view: &crate::curation::LogView,
    full: &Made,
    sealed: &[Counted],
) -> Result<crate::witness::Register, Error> {
    let mut register = crate::witness::Register::read(view)?;
    if !register.witnesses.is_empty() {
        let entities: Vec<(String, Vec<String>, Vec<u64>)> = full
            .stored
            .iter()
            .filter(|e| e.kind == "person")
            .map(|e| {
                let mut sources: Vec<u64> = e.mentions.iter().map(|m| m.source).collect();
                sources.dedup();
                let names = e.names.iter().map(|(n, _)| n.clone()).collect();
                (e.id.clone(), names, sources)
            })
            .collect();
        let protected: Vec<u64> = sealed.iter().map(|s| s.index()).collect();
        register.link(&entities, &protected);
    }
    Ok(register)
}

/// A value as the JSON text the layer stores.
fn json<T: Serialize>(value: &T) -> Result<String, Error> {
    serde_json::to_string(value).map_err(|e| Error::integrity(e.to_string()))
}
