//! Entities: the mentions of a case's unsealed sources resolved into
//! people, organizations and places (`add` and `rebuild` do it after
//! reading), and the `entity` commands that show them.

use std::collections::HashMap;

use anyhow::Context as _;
use casefile_derived::{EntitySummary, Store};
use casefile_extract::{Extraction, Field, ner::EntityKind};
use casefile_resolve::entities::{MentionAt, Resolution, Resolver};
use casefile_resolve::judgements::{Judgement, MentionRef, Verdict};
use casefile_resolve::names::{NameKind, compare_names};
use casefile_vault::{AddOptions, Case, SourceKind};
use clap::Subcommand;
use indicatif::ProgressBar;
use serde::{Deserialize, Serialize};

use crate::output::{Exit, print_json, print_list};

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
        /// The entity's id, as `entity list` prints it (E3.0.1: first
        /// mentioned in source 3, document 0, as its mention 1).
        entity: String,
    },
    /// Record that two entities are one (a person's judgement, added to the
    /// log like evidence), and resolve again: the second's mentions, and
    /// later mentions of its names, join the first.
    Merge {
        /// The entity to keep (E3.0.1).
        left: String,
        /// The entity that is the same (E5.0.0).
        right: String,
        #[command(flatten)]
        judgement: JudgementArgs,
    },
    /// Record that some mentions of an entity name someone or something
    /// else, and resolve again: they leave it.
    Split {
        /// The entity (E3.0.1).
        entity: String,
        /// The mentions to take out, by their numbers in `entity show`.
        #[arg(required = true, value_name = "MENTION")]
        mentions: Vec<usize>,
        #[command(flatten)]
        judgement: JudgementArgs,
    },
    /// Record that two entities are not the same, so that no later run
    /// joins them.
    NotSame {
        /// One entity (E3.0.1).
        left: String,
        /// The other (E5.0.0).
        right: String,
        #[command(flatten)]
        judgement: JudgementArgs,
    },
    /// Say whether two names, or the names of two entities, name the same,
    /// with the score and every reason.
    Explain {
        /// A name, or an entity id (E3.0.1).
        left: String,
        /// A name, or an entity id (E3.0.1).
        right: String,
        /// What the names name, when they are names (default: person).
        #[arg(long, value_parser = ["person", "organization", "place"])]
        kind: Option<String>,
    },
}

/// Who judges and why.
#[derive(Debug, clap::Args)]
pub(crate) struct JudgementArgs {
    /// Why, in your words (kept in the judgement).
    #[arg(long)]
    reason: Option<String>,
    /// Who judges (default: $CASEFILE_USER, else $USER).
    #[arg(long)]
    by: Option<String>,
}

/// An entity as stored in the derived store.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct StoredEntity {
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

/// An entity as `entity show --json` prints it: as stored, with the
/// records that link it.
#[derive(Serialize)]
struct ShownEntity<'a> {
    #[serde(flatten)]
    entity: &'a StoredEntity,
    linked_from: &'a [casefile_derived::RecordLink],
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
pub(crate) fn describe(stats: &ResolveStats) -> String {
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
    bar: &ProgressBar,
) -> anyhow::Result<ResolveStats> {
    let (tree_size, _) = case.latest_checkpoint()?;
    // Sources another process is still reading are not in these entities:
    // they count as resolved only up to the first unread source.
    let through = store
        .unread(tree_size)?
        .first()
        .copied()
        .unwrap_or(tree_size);
    let sources = store.unsealed_sources()?;
    bar.set_length(sources.len() as u64);
    bar.set_position(0);
    bar.set_message("resolving");
    let mut pending: Vec<Pending> = Vec::new();
    for source in sources {
        let mut extractions: Vec<(u64, Extraction)> = Vec::new();
        store.extractions(source, |ordinal, extraction| {
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
        bar.inc(1);
    }
    let mut resolver = Resolver::new();
    let mut stats = ResolveStats::default();
    let view = crate::records::read_log(case)?;
    let judgements: Vec<&Judgement> = view
        .curated
        .iter()
        .filter_map(|(_, c)| match c {
            crate::records::Curated::Judgement(j) => Some(&**j),
            crate::records::Curated::Action(_) => None,
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
        crate::records::make(store, &view, &mention_entities, entity_inputs, bar)?;
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

/// Whether a command-line word names an entity (E3.0.1) rather than
/// being a name.
pub(crate) fn is_entity_ref(text: &str) -> bool {
    entity_id(text).is_some()
}

/// The stored id an entity reference names: `E3.0.1`, `e3.0.1` or
/// `3.0.1`.
fn entity_id(text: &str) -> Option<String> {
    let id = text.strip_prefix(['E', 'e']).unwrap_or(text);
    let parts: Vec<&str> = id.split('.').collect();
    (parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())))
    .then(|| id.to_owned())
}

fn load(store: &Store, text: &str) -> anyhow::Result<StoredEntity> {
    let id = entity_id(text).with_context(|| {
        format!("{text:?} is not an entity id (like E3.0.1, as `entity list` shows)")
    })?;
    store
        .entity(&id)?
        .with_context(|| format!("the case has no entity E{id} (see `casefile entity list`)"))
}

fn mention_ref(m: &StoredMention) -> MentionRef {
    MentionRef {
        source: m.source,
        document: m.document,
        field: m.field.clone(),
        start: m.start,
        end: m.end,
        text: m.text.clone(),
    }
}

/// Adds judgements to the case's log (one entry each, in one commit and
/// one checkpoint), then reads and resolves again. Returns the log indexes
/// of the entries.
fn record(
    case: &Case,
    judgements: &[Judgement],
    args: JudgementArgs,
    what: &str,
) -> anyhow::Result<(Vec<u64>, ResolveStats)> {
    let folder = tempfile::tempdir().context("creating a temporary folder")?;
    let by = crate::add::who(args.by);
    let mut items = Vec::new();
    for (n, judgement) in judgements.iter().enumerate() {
        let path = folder.path().join(format!("judgement-{n}.json"));
        std::fs::write(&path, judgement.encode())
            .with_context(|| format!("writing {}", path.display()))?;
        let blob = case.prepare(&path)?;
        items.push((
            blob,
            AddOptions {
                kind: SourceKind::Curation,
                url: None,
                acquired_at: None,
                note: Some(what.to_owned()),
                by: by.clone(),
            },
        ));
    }
    let added = case.commit(items)?;
    case.update_catalogue()?;
    let mut store = Store::open(case.data_dir())?;
    let bar = ProgressBar::hidden();
    crate::derive::read_unread(case, &mut store, &bar)?;
    let stats = resolve(case, &mut store, &bar)?;
    // A judgement can move mentions of any document: index them all again.
    crate::search::refresh(case, &mut store, &bar, true, true)?;
    Ok((added.iter().map(|a| a.log_index).collect(), stats))
}

/// The id of the entity holding the mention at `m` now.
fn entity_of(store: &Store, m: &StoredMention) -> anyhow::Result<Option<String>> {
    for summary in store.entity_list(None)? {
        let entity: Option<StoredEntity> = store.entity(&summary.id)?;
        if entity.is_some_and(|e| {
            e.mentions
                .iter()
                .any(|x| (x.source, x.document, x.mention) == (m.source, m.document, m.mention))
        }) {
            return Ok(Some(summary.id));
        }
    }
    Ok(None)
}

/// Prints where the judged mentions are after resolving again.
fn report(
    case: &Case,
    entries: &[u64],
    stats: &ResolveStats,
    anchors: &[(&str, &StoredMention)],
    json: bool,
) -> anyhow::Result<()> {
    let store = Store::open(case.data_dir())?;
    let mut now = Vec::new();
    for (label, mention) in anchors {
        now.push((*label, entity_of(&store, mention)?));
    }
    if json {
        let placed: Vec<serde_json::Value> = now
            .iter()
            .map(|(label, id)| serde_json::json!({"mention": label, "entity": id}))
            .collect();
        print_json(&serde_json::json!({
            "log_entries": entries,
            "resolved": stats,
            "now": placed,
        }));
    } else {
        let entries: Vec<String> = entries.iter().map(|i| format!("#{i}")).collect();
        crate::say!("recorded in the log as {}", entries.join(", "));
        for (label, id) in now {
            match id {
                Some(id) => crate::say!("{label}: now in E{id}"),
                None => crate::say!("{label}: no longer found"),
            }
        }
        crate::say!("{}", describe(stats));
    }
    Ok(())
}

/// `entity merge` and `entity not-same`: one judgement about the first
/// mentions of two entities.
fn judge_pair(
    case: Option<&Case>,
    left: &str,
    right: &str,
    judgement: JudgementArgs,
    verdict: Verdict,
    json: bool,
) -> anyhow::Result<()> {
    let case = case.context("this needs a case (run it inside one, or give --case)")?;
    let store = Store::open(case.data_dir())?;
    let (l, r) = (load(&store, left)?, load(&store, right)?);
    if l.id == r.id {
        anyhow::bail!("E{} and E{} are one entity already", l.id, r.id);
    }
    if l.kind != r.kind {
        anyhow::bail!(
            "E{} is a {} and E{} a {}: only entities of one kind are judged",
            l.id,
            l.kind,
            r.id,
            r.kind
        );
    }
    let (Some(lm), Some(rm)) = (l.mentions.first(), r.mentions.first()) else {
        anyhow::bail!("an entity without mentions cannot be judged");
    };
    let reason = judgement.reason.clone();
    let what = match verdict {
        Verdict::Same => format!("entity merge: {} = {}", l.name, r.name),
        Verdict::NotSame => format!("entity not-same: {} / {}", l.name, r.name),
    };
    let judged = Judgement::new(verdict, mention_ref(lm), mention_ref(rm), reason);
    let (entries, stats) = record(case, &[judged], judgement, &what)?;
    report(
        case,
        &entries,
        &stats,
        &[(l.name.as_str(), lm), (r.name.as_str(), rm)],
        json,
    )
}

pub(crate) fn run(case: Option<&Case>, command: EntityCommand, json: bool) -> anyhow::Result<Exit> {
    let open = || -> anyhow::Result<Store> {
        let case = case.context("this needs a case (run it inside one, or give --case)")?;
        Ok(Store::open(case.data_dir())?)
    };
    match command {
        EntityCommand::List { kind } => {
            let list = open()?.entity_list(kind.as_deref())?;
            let empty = "no entities (add sources first; protected sources are not listed)";
            print_list(&list, json, empty, |list| {
                for e in list {
                    crate::say!(
                        "E{:<10} {:<12} {:>5} mention{} in {:>4} source{}  {}",
                        e.id,
                        e.kind,
                        e.mentions,
                        if e.mentions == 1 { " " } else { "s" },
                        e.sources,
                        if e.sources == 1 { " " } else { "s" },
                        e.name
                    );
                }
            });
        }
        EntityCommand::Show { entity } => {
            let store = open()?;
            let entity = load(&store, &entity)?;
            // The records that link it: its relations, the claims, events
            // and violations it takes part in.
            let linked = store.links_to(&format!("E{}", entity.id))?;
            if json {
                print_json(&ShownEntity {
                    entity: &entity,
                    linked_from: &linked,
                });
            } else {
                crate::say!("E{} {} {}", entity.id, entity.kind, entity.name);
                crate::say!("names:");
                for (name, count) in &entity.names {
                    crate::say!("  {name} ({count})");
                }
                crate::say!("mentions ({}):", entity.mentions.len());
                for (number, m) in entity.mentions.iter().enumerate() {
                    let how = match (m.judged, m.score) {
                        (true, _) => "by judgement".to_owned(),
                        (false, Some(score)) => format!("score {score:.2}"),
                        (false, None) => "first".to_owned(),
                    };
                    crate::say!(
                        "  {:>3}. source {} document {} {} {}..{}  {:?}  ({}, {how})",
                        number + 1,
                        m.source,
                        m.document,
                        m.field,
                        m.start,
                        m.end,
                        m.text,
                        m.method
                    );
                }
                if !linked.is_empty() {
                    crate::say!("records ({}):", linked.len());
                    for l in &linked {
                        crate::say!(
                            "  {} of {} {}{} [{}] {}",
                            l.role,
                            l.from.id,
                            l.from.kind,
                            l.from
                                .subtype
                                .as_deref()
                                .map(|s| format!(" ({s})"))
                                .unwrap_or_default(),
                            l.from.status,
                            l.from.label
                        );
                    }
                }
            }
        }
        EntityCommand::Merge {
            left,
            right,
            judgement,
        } => judge_pair(case, &left, &right, judgement, Verdict::Same, json)?,
        EntityCommand::NotSame {
            left,
            right,
            judgement,
        } => judge_pair(case, &left, &right, judgement, Verdict::NotSame, json)?,
        EntityCommand::Split {
            entity,
            mentions,
            judgement,
        } => {
            let case = case.context("this needs a case (run it inside one, or give --case)")?;
            let store = Store::open(case.data_dir())?;
            let e = load(&store, &entity)?;
            for &n in &mentions {
                if n == 0 || n > e.mentions.len() {
                    anyhow::bail!(
                        "E{} has mentions 1 to {}; there is no mention {n} (see `casefile entity show E{}`)",
                        e.id,
                        e.mentions.len(),
                        e.id
                    );
                }
            }
            let Some(anchor) = e
                .mentions
                .iter()
                .enumerate()
                .find(|(i, _)| !mentions.contains(&(i + 1)))
                .map(|(_, m)| m)
            else {
                anyhow::bail!("a split must leave at least one mention in E{}", e.id);
            };
            let mut judged = Vec::new();
            for &n in &mentions {
                let m = &e.mentions[n - 1];
                judged.push(Judgement::new(
                    Verdict::NotSame,
                    mention_ref(m),
                    mention_ref(anchor),
                    judgement.reason.clone(),
                ));
            }
            let what = format!(
                "entity split: {} mention(s) out of {}",
                mentions.len(),
                e.name
            );
            let (entries, stats) = record(case, &judged, judgement, &what)?;
            let mut anchors: Vec<(&str, &StoredMention)> = vec![(e.name.as_str(), anchor)];
            for &n in &mentions {
                anchors.push((e.mentions[n - 1].text.as_str(), &e.mentions[n - 1]));
            }
            report(case, &entries, &stats, &anchors, json)?;
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
                crate::say!(
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
                    crate::say!("  {reason}");
                }
            }
        }
    }
    Ok(Exit::Success)
}
