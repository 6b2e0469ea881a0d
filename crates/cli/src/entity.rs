//! Entities: the mentions of a case's unsealed sources resolved into
//! people, organizations and places (`add` and `rebuild` do it after
//! reading), and the `entity` commands that show them.

use anyhow::Context as _;
use casefile_derived::{EntitySummary, Store};
use casefile_extract::{Extraction, Field, ner::EntityKind};
use casefile_resolve::entities::{MentionAt, Resolution, Resolver};
use casefile_resolve::names::{NameKind, compare_names};
use casefile_vault::Case;
use clap::Subcommand;
use indicatif::ProgressBar;
use serde::{Deserialize, Serialize};

use crate::output::{Exit, print_json};

#[derive(Debug, Subcommand)]
pub(crate) enum EntityCommand {
    /// List the people, organizations and places of the case, those with
    /// the most mentions first.
    List {
        /// Only this kind.
        #[arg(long, value_parser = ["person", "organization", "place"])]
        kind: Option<String>,
    },
    /// Show one entity: every name it was given, and every mention with
    /// its source, document, span and how it was resolved.
    Show {
        /// The entity's number (as `entity list` prints it, with or
        /// without the E).
        entity: String,
    },
    /// Say whether two names, or the names of two entities, name the same,
    /// with the score and every reason.
    Explain {
        /// A name, or an entity number (E12).
        left: String,
        /// A name, or an entity number (E12).
        right: String,
        /// What the names name, when they are names (default: person).
        #[arg(long, value_parser = ["person", "organization", "place"])]
        kind: Option<String>,
    },
}

/// An entity as stored in the derived store.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct StoredEntity {
    /// Its number.
    pub id: u64,
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
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct StoredMention {
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
    /// mention that started the entity).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
}

fn kind_name(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Person => "person",
        EntityKind::Organization => "organization",
        EntityKind::Place => "place",
    }
}

fn name_kind(kind: &str) -> NameKind {
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
#[derive(Debug, Default, Serialize)]
pub(crate) struct ResolveStats {
    /// Mentions resolved.
    pub mentions: u64,
    /// Entities they make.
    pub entities: u64,
}

/// One line on what a resolution run did.
pub(crate) fn describe(stats: &ResolveStats) -> String {
    format!(
        "resolved {} mention{} into {} entit{}",
        stats.mentions,
        if stats.mentions == 1 { "" } else { "s" },
        stats.entities,
        if stats.entities == 1 { "y" } else { "ies" }
    )
}

/// Resolves the mentions of every unsealed source of the store into
/// entities and stores them in place of the old ones, in one transaction.
/// Sealed (protected) sources are left out: their names stay sealed.
pub(crate) fn resolve(
    case: &Case,
    store: &mut Store,
    bar: &ProgressBar,
) -> anyhow::Result<ResolveStats> {
    let (tree_size, _) = case.latest_checkpoint()?;
    let sources = store.unsealed_sources()?;
    bar.set_length(sources.len() as u64);
    bar.set_position(0);
    bar.set_message("resolving");
    let mut resolver = Resolver::new();
    let mut details: Vec<Vec<StoredMention>> = Vec::new();
    let mut stats = ResolveStats::default();
    for source in sources {
        let mut extractions: Vec<(u64, Extraction)> = Vec::new();
        store.extractions(source, |ordinal, extraction| {
            extractions.push((ordinal, extraction));
        })?;
        for (document, extraction) in extractions {
            for (mention, found) in extraction.mentions.iter().enumerate() {
                let name = found.normal.as_deref().unwrap_or(&found.text);
                let at = MentionAt {
                    source,
                    document,
                    mention: mention as u32,
                };
                let kind = name_kind(kind_name(found.kind));
                let (entity, score) = match resolver.add(kind, name, at) {
                    Resolution::Skipped => continue,
                    Resolution::New { entity } => (entity, None),
                    Resolution::Joined { entity, comparison } => (entity, Some(comparison.score)),
                };
                let slot = entity as usize - 1;
                if details.len() <= slot {
                    details.resize_with(slot + 1, Vec::new);
                }
                details[slot].push(StoredMention {
                    source,
                    document,
                    mention: mention as u32,
                    field: field_name(found.field),
                    start: found.span.start,
                    end: found.span.end,
                    text: found.text.clone(),
                    method: found.method.clone(),
                    score,
                });
                stats.mentions += 1;
            }
        }
        bar.inc(1);
    }
    let entities = resolver.into_entities();
    stats.entities = entities.len() as u64;
    let mut writer = store.writer()?;
    writer.clear_entities()?;
    for (entity, mentions) in entities.into_iter().zip(details) {
        let mut sources: Vec<u64> = mentions.iter().map(|m| m.source).collect();
        sources.dedup();
        let kind = match entity.kind {
            NameKind::Person => "person",
            NameKind::Organization => "organization",
            NameKind::Place => "place",
            NameKind::Other => "other",
        };
        let summary = EntitySummary {
            id: entity.id,
            kind: kind.to_owned(),
            name: entity.name.clone(),
            mentions: mentions.len() as u64,
            sources: sources.len() as u64,
        };
        let stored = StoredEntity {
            id: entity.id,
            kind: kind.to_owned(),
            name: entity.name,
            names: entity.names,
            resolver: casefile_resolve::RESOLVER.to_owned(),
            mentions,
        };
        writer.put_entity(&summary, &stored)?;
    }
    writer.set_entities_through(tree_size)?;
    writer.commit()?;
    Ok(stats)
}

/// Resolves the entities again when sources were read since they were
/// last resolved (or never were); returns what it did, if it ran.
pub(crate) fn refresh(
    case: &Case,
    store: &mut Store,
    bar: &ProgressBar,
) -> anyhow::Result<Option<ResolveStats>> {
    let (tree_size, _) = case.latest_checkpoint()?;
    if store.entities_through()? == Some(tree_size) {
        return Ok(None);
    }
    resolve(case, store, bar).map(Some)
}

/// Whether a command-line word names an entity (E12) rather than being a
/// name.
pub(crate) fn is_entity_ref(text: &str) -> bool {
    text.starts_with(['E', 'e']) && entity_number(text).is_some()
}

/// Parses an entity number: `E12`, `e12` or `12`.
fn entity_number(text: &str) -> Option<u64> {
    text.strip_prefix(['E', 'e'])
        .unwrap_or(text)
        .parse()
        .ok()
        .filter(|n| *n > 0)
}

fn load(store: &Store, text: &str) -> anyhow::Result<StoredEntity> {
    let id = entity_number(text)
        .with_context(|| format!("{text:?} is not an entity number (E12 or 12)"))?;
    store
        .entity(id)?
        .with_context(|| format!("the case has no entity E{id} (see `casefile entity list`)"))
}

pub(crate) fn run(case: Option<&Case>, command: EntityCommand, json: bool) -> anyhow::Result<Exit> {
    let open = || -> anyhow::Result<Store> {
        let case = case.context("this needs a case (run it inside one, or give --case)")?;
        Ok(Store::open(case.data_dir())?)
    };
    match command {
        EntityCommand::List { kind } => {
            let list = open()?.entity_list(kind.as_deref())?;
            if json {
                for entity in &list {
                    print_json(entity);
                }
            } else if list.is_empty() {
                println!("no entities (add sources first; protected sources are not listed)");
            } else {
                for e in &list {
                    println!(
                        "E{:<6} {:<12} {:>5} mention{} in {:>4} source{}  {}",
                        e.id,
                        e.kind,
                        e.mentions,
                        if e.mentions == 1 { " " } else { "s" },
                        e.sources,
                        if e.sources == 1 { " " } else { "s" },
                        e.name
                    );
                }
            }
        }
        EntityCommand::Show { entity } => {
            let entity = load(&open()?, &entity)?;
            if json {
                print_json(&entity);
            } else {
                println!("E{} {} {}", entity.id, entity.kind, entity.name);
                println!("names:");
                for (name, count) in &entity.names {
                    println!("  {name} ({count})");
                }
                println!("mentions ({}):", entity.mentions.len());
                for m in &entity.mentions {
                    let how = match m.score {
                        Some(score) => format!("score {score:.2}"),
                        None => "first".to_owned(),
                    };
                    println!(
                        "  source {} document {} {} {}..{}  {:?}  ({}, {how})",
                        m.source, m.document, m.field, m.start, m.end, m.text, m.method
                    );
                }
            }
        }
        EntityCommand::Explain { left, right, kind } => {
            let (left_name, right_name, kind) = if is_entity_ref(&left) || is_entity_ref(&right) {
                let store = open()?;
                let l = load(&store, &left)?;
                let r = load(&store, &right)?;
                if l.kind != r.kind {
                    anyhow::bail!(
                        "E{} is a {} and E{} a {}: only names of one kind compare",
                        l.id,
                        l.kind,
                        r.id,
                        r.kind
                    );
                }
                (l.name, r.name, name_kind(&l.kind))
            } else {
                (left, right, name_kind(kind.as_deref().unwrap_or("person")))
            };
            let comparison = compare_names(&left_name, &right_name, kind);
            if json {
                print_json(&serde_json::json!({
                    "left": left_name,
                    "right": right_name,
                    "same": comparison.same,
                    "score": comparison.score,
                    "threshold": casefile_resolve::names::THRESHOLD,
                    "reasons": comparison.reasons,
                    "explained": comparison.reasons.iter().map(ToString::to_string).collect::<Vec<_>>(),
                }));
            } else {
                println!(
                    "{left_name} / {right_name}: {} (score {:.2}, the same from {:.2})",
                    if comparison.same {
                        "the same"
                    } else {
                        "different"
                    },
                    comparison.score,
                    casefile_resolve::names::THRESHOLD
                );
                for reason in &comparison.reasons {
                    println!("  {reason}");
                }
            }
        }
    }
    Ok(Exit::Success)
}
