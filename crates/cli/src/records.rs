//! The case's records (`casefile-records`): proposed from what was
//! extracted and resolved each time entities are resolved, with every
//! person's recorded action applied in log order, and the `record`
//! commands that show them and record actions.

use std::collections::{BTreeSet, HashMap};
use std::io::Read as _;

use anyhow::Context as _;
use casefile_derived::{RecordSummary, Store};
use casefile_document::Document;
use casefile_extract::Extraction;
use casefile_records::action::Citation;
use casefile_records::{
    ACTION_FORMAT, Action, ActionKind, DocumentInput, EntityInput, Link, Provenance, Record,
    RecordKind, Records,
};
use casefile_resolve::judgements::{JUDGEMENT_FORMAT, Judgement};
use casefile_vault::{AddOptions, Case, SourceKind};
use clap::Subcommand;
use indicatif::ProgressBar;

use crate::output::{Exit, print_json, print_list};

/// The larger of the two curation documents' size limits.
const MAX_CURATION_LEN: usize =
    if casefile_records::MAX_ACTION_LEN > casefile_resolve::judgements::MAX_JUDGEMENT_LEN {
        casefile_records::MAX_ACTION_LEN
    } else {
        casefile_resolve::judgements::MAX_JUDGEMENT_LEN
    };

/// A person's recorded curation: a judgement about entities, or an action
/// on records.
pub(crate) enum Curated {
    /// `entity merge`, `split`, `not-same`.
    Judgement(Box<Judgement>),
    /// `record add`, `edit`, `confirm`, `reject`, `dispute`.
    Action(Box<Action>),
}

/// What the log says: its curation entries in log order, each with who
/// made it, and when each source was logged.
pub(crate) struct LogView {
    /// The curation entries.
    pub curated: Vec<(Provenance, Curated)>,
    /// When each source was logged, by log index.
    pub logged_at: HashMap<u64, String>,
}

/// Reads the log a page at a time: every curation entry (read from its
/// blob, digest checked, decoded by its format) and each entry's time.
pub(crate) fn read_log(case: &Case) -> anyhow::Result<LogView> {
    #[derive(serde::Deserialize)]
    struct Head {
        format: String,
    }
    let (size, _) = case.latest_checkpoint()?;
    let mut view = LogView {
        curated: Vec::new(),
        logged_at: HashMap::new(),
    };
    let mut first = 0;
    while first < size {
        let page = case.sources(first, 4096)?;
        let Some(last) = page.last().map(|r| r.entry.index) else {
            break;
        };
        for record in &page {
            let entry = &record.entry;
            view.logged_at.insert(entry.index, entry.added_at.clone());
            if entry.kind != SourceKind::Curation || entry.index >= size {
                continue;
            }
            let place = || format!("curation entry #{} ({})", entry.index, record.id);
            let mut blob = case.open_blob(&entry.sha256)?;
            let mut bytes = Vec::new();
            std::io::Read::by_ref(&mut blob)
                .take(MAX_CURATION_LEN as u64 + 1)
                .read_to_end(&mut bytes)
                .with_context(|| format!("reading {}", place()))?;
            if bytes.len() <= MAX_CURATION_LEN {
                blob.finish()
                    .with_context(|| format!("reading {}", place()))?;
            }
            let head: Head = serde_json::from_slice(&bytes)
                .with_context(|| format!("{}: not a curation document", place()))?;
            let curated = match head.format.as_str() {
                JUDGEMENT_FORMAT => {
                    Curated::Judgement(Box::new(Judgement::decode(&bytes).with_context(place)?))
                }
                ACTION_FORMAT => {
                    Curated::Action(Box::new(Action::decode(&bytes).with_context(place)?))
                }
                other => anyhow::bail!(
                    "{}: its format {other:?} is neither {JUDGEMENT_FORMAT:?} nor {ACTION_FORMAT:?}",
                    place()
                ),
            };
            let by = Provenance {
                method: format!("person:{}", entry.by),
                entry: entry.index,
                at: Some(entry.added_at.clone()),
            };
            view.curated.push((by, curated));
        }
        first = last + 1;
    }
    Ok(view)
}

/// What making the records did.
#[derive(Debug, Default, Clone, Copy, serde::Serialize)]
pub(crate) struct RecordStats {
    /// Records made.
    pub records: u64,
    /// Actions applied.
    pub actions: u64,
    /// Actions that no longer apply (their record is gone after the
    /// sources were read again differently).
    pub actions_unmatched: u64,
}

/// Whether an EDTF value can be placed in time.
pub(crate) fn valid_time(edtf: &str) -> bool {
    casefile_report::edtf::bounds(edtf).is_some()
}

/// The days an EDTF value can mean, as numbers that grow with time.
fn day_span(edtf: &str) -> Option<casefile_records::duplicates::Span> {
    let bounds = casefile_report::edtf::bounds(edtf)?;
    let number = |d: jiff::civil::Date| {
        i64::from(d.year()) * 10_000 + i64::from(d.month()) * 100 + i64::from(d.day())
    };
    let last = if bounds.open {
        i64::MAX
    } else {
        number(bounds.latest)
    };
    Some((number(bounds.earliest), last))
}

/// The records of the case: proposed from every unsealed source's
/// extractions and the entities, then every action of the log applied in
/// log order.
pub(crate) fn make(
    store: &mut Store,
    view: &LogView,
    mention_entities: &HashMap<(u64, u64, u32), String>,
    entities: Vec<EntityInput>,
    bar: &ProgressBar,
) -> anyhow::Result<(Records, RecordStats)> {
    let sources = store.unsealed_sources()?;
    bar.set_length(sources.len() as u64);
    bar.set_position(0);
    bar.set_message("proposing records");
    let mut proposed = casefile_records::propose(&[], &entities, &valid_time);
    for source in sources {
        let mut docs: Vec<Document> = Vec::new();
        store.documents(source, |d| docs.push(d))?;
        let mut extractions: Vec<(u64, Extraction)> = Vec::new();
        store.extractions(source, |ordinal, e| extractions.push((ordinal, e)))?;
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
        proposed.extend(casefile_records::propose(&inputs, &[], &valid_time));
        bar.inc(1);
    }
    let mut records = Records::new(proposed);
    let mut stats = RecordStats::default();
    for (by, curated) in &view.curated {
        if let Curated::Action(action) = curated {
            match records.apply(action, by) {
                Ok(()) => stats.actions += 1,
                Err(_) => stats.actions_unmatched += 1,
            }
        }
    }
    stats.records = records.len() as u64;
    Ok((records, stats))
}

/// The status a merged record is listed with, and the role of its one
/// stored link, to the record it was merged into.
pub(crate) const MERGED: &str = "merged";

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
pub(crate) fn load_all(store: &Store) -> anyhow::Result<Records> {
    let mut all = Vec::new();
    store.records(|r: Record| all.push(r))?;
    Ok(Records::new(all).folded())
}

/// The stored records `ids` as made (merges not folded), with the records
/// merged into them: what an action applies to.
fn load_raw(store: &Store, ids: &[&str]) -> anyhow::Result<Records> {
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
fn folded_record(store: &Store, id: &str) -> anyhow::Result<Option<Record>> {
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

#[derive(Debug, Subcommand)]
pub(crate) enum RecordCommand {
    /// List the records: people, organizations, places, groups, relations,
    /// engagements, promises, events, violations and claims.
    List {
        /// Only this kind.
        #[arg(long, value_parser = RecordKind::ALL.map(RecordKind::as_str))]
        kind: Option<String>,
        /// Only records of this status (`merged`: records folded into
        /// another).
        #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(
            casefile_records::vocabulary::STATUSES.iter().copied().chain([MERGED])
        ))]
        status: Option<String>,
    },
    /// List records that may tell the same thing, to merge: events and
    /// violations of one kind with dates that can overlap, promises of the
    /// same things, naming an entity in common when both name any.
    Duplicates,
    /// Show one record: its values with who set them, its links, its
    /// evidence (source, document, span, words) and its history.
    Show {
        /// The record's id, as `record list` prints it (C3.0.5, E3.0.1, H41).
        record: String,
    },
    /// Make a record by hand (added to the log like evidence); its id is H
    /// and the log index of the entry that records it.
    Add {
        /// What it is.
        #[arg(value_parser = RecordKind::ALL.map(RecordKind::as_str))]
        kind: String,
        /// A line a person reads ("Cascade recruited former inmates").
        label: String,
        #[command(flatten)]
        change: ChangeArgs,
    },
    /// Change a record: its label, values, links or evidence.
    Edit {
        /// The record (C3.0.5, H41).
        record: String,
        /// A new label.
        #[arg(long)]
        label: Option<String>,
        /// Remove a value, by name (repeat for several).
        #[arg(long, value_name = "NAME")]
        unset: Vec<String>,
        /// Remove a link, as ROLE=ID (repeat for several).
        #[arg(long, value_name = "ROLE=ID")]
        unlink: Vec<String>,
        #[command(flatten)]
        change: ChangeArgs,
    },
    /// Confirm records: a person has checked them against their sources.
    Confirm(StatusArgs),
    /// Reject records: reports leave them out.
    Reject(StatusArgs),
    /// Mark records disputed: reports show them, marked so.
    Dispute(StatusArgs),
    /// Merge records that tell the same event, violation, promise, group
    /// or relation into one: the first keeps its id and gains the others'
    /// evidence and links, and reports show it once with every source.
    /// People, organizations and places are merged with `entity merge`.
    Merge(MergeArgs),
    /// Undo a merge: the other records stand apart from the first again.
    Split(MergeArgs),
}

/// The records a merge or split acts on.
#[derive(Debug, clap::Args)]
pub(crate) struct MergeArgs {
    /// The record kept (T3.0.5).
    record: String,
    /// The records folded into it, or split off it (T4.0.2 ...), one log
    /// entry each.
    #[arg(required = true)]
    others: Vec<String>,
    /// Why, in your words (kept in the log).
    #[arg(long)]
    note: Option<String>,
    /// Who acts (default: $CASEFILE_USER, else $USER).
    #[arg(long)]
    by: Option<String>,
}

/// What `record add` and `record edit` set.
#[derive(Debug, clap::Args)]
pub(crate) struct ChangeArgs {
    /// Its kind within its kind: a relation's kind (membership, command,
    /// affiliation, succession, founder), an event's or violation's kind.
    #[arg(long)]
    subtype: Option<String>,
    /// Set a value, as NAME=VALUE (when=2022-23, until=2024-04, count=500,
    /// after=P6M); repeat for several. Times are EDTF.
    #[arg(long, value_name = "NAME=VALUE")]
    set: Vec<String>,
    /// Link another record, as ROLE=ID (subject=E3.0.1, object=E3.0.4,
    /// victim=G3.0.2, perpetrator=E3.0.4); repeat for several.
    #[arg(long, value_name = "ROLE=ID")]
    link: Vec<String>,
    /// Cite a span as evidence, as SOURCE.DOCUMENT:START-END in characters
    /// of the document's text (3.0:120-180); repeat for several.
    #[arg(long, value_name = "SOURCE.DOC:START-END")]
    cite: Vec<String>,
    /// Why, in your words (kept in the log).
    #[arg(long)]
    note: Option<String>,
    /// Who acts (default: $CASEFILE_USER, else $USER).
    #[arg(long)]
    by: Option<String>,
}

/// The records a status action applies to.
#[derive(Debug, clap::Args)]
pub(crate) struct StatusArgs {
    /// The records (C3.0.5 T3.0.5 ...), one log entry each.
    #[arg(required = true)]
    records: Vec<String>,
    /// Why, in your words (kept in the log).
    #[arg(long)]
    note: Option<String>,
    /// Who acts (default: $CASEFILE_USER, else $USER).
    #[arg(long)]
    by: Option<String>,
}

fn pair(text: &str, what: &str) -> anyhow::Result<(String, String)> {
    let (name, value) = text
        .split_once('=')
        .with_context(|| format!("{what} {text:?} is not NAME=VALUE"))?;
    if name.trim().is_empty() {
        anyhow::bail!("{what} {text:?} has no name before '='");
    }
    Ok((name.trim().to_owned(), value.trim().to_owned()))
}

fn link(text: &str) -> anyhow::Result<Link> {
    let (role, target) = pair(text, "a link")?;
    Ok(Link {
        role,
        target: target
            .strip_prefix('e')
            .map_or(target.clone(), |t| format!("E{t}")),
    })
}

/// Reads `SOURCE.DOCUMENT:START-END` and the words of that span from the
/// store. A protected source's words are not copied into the log.
fn citation(store: &mut Store, text: &str) -> anyhow::Result<Citation> {
    let bad = || format!("--cite {text:?} is not SOURCE.DOCUMENT:START-END (like 3.0:120-180)");
    let (at, span) = text.split_once(':').with_context(bad)?;
    let (source, document) = at.split_once('.').with_context(bad)?;
    let (start, end) = span.split_once('-').with_context(bad)?;
    let number = |s: &str| s.trim().parse::<u64>().ok();
    let (Some(source), Some(document), Some(start), Some(end)) =
        (number(source), number(document), number(start), number(end))
    else {
        anyhow::bail!(bad());
    };
    let (start, end) = (start as usize, end as usize);
    if end < start {
        anyhow::bail!("--cite {text:?}: the span ends before it starts");
    }
    let reading = store
        .reading(source)?
        .with_context(|| format!("--cite {text:?}: the case has no read source #{source}"))?;
    let mut docs: Vec<Document> = Vec::new();
    store.documents(source, |d| docs.push(d))?;
    let doc = docs.get(document as usize).with_context(|| {
        format!(
            "--cite {text:?}: source #{source} has {} document(s), no document {document}",
            docs.len()
        )
    })?;
    let length = doc.text.chars().count();
    if end > length {
        anyhow::bail!("--cite {text:?}: document {source}.{document} has {length} characters");
    }
    let quote = if reading.protected {
        String::new()
    } else {
        casefile_records::propose::chars(&doc.text, start, end)
    };
    Ok(Citation {
        source,
        document,
        field: "text".to_owned(),
        start,
        end,
        quote,
    })
}

fn changes(store: &mut Store, action: &mut Action, change: ChangeArgs) -> anyhow::Result<String> {
    action.subtype = change.subtype;
    for text in &change.set {
        let (name, value) = pair(text, "--set")?;
        action.set.insert(name, value);
    }
    for text in &change.link {
        action.link.push(link(text)?);
    }
    for text in &change.cite {
        action.cite.push(citation(store, text)?);
    }
    action.note = change.note;
    Ok(crate::add::who(change.by))
}

/// Records actions in the log (one entry each, one commit and one
/// checkpoint) after checking each against the records as they are, then
/// brings the entities, records and search index up to the log. Returns the
/// log index of each entry.
fn commit(case: &Case, store: Store, actions: &[Action], by: String) -> anyhow::Result<Vec<u64>> {
    // Only the records the actions touch are needed to check them: the
    // one acted on and every link's target.
    let mut needed: Vec<&str> = Vec::new();
    for action in actions {
        needed.extend(action.record.as_deref());
        needed.extend(action.from.as_deref());
        needed.extend(action.link.iter().map(|l| l.target.as_str()));
    }
    // And the records merged into those, which a merge checks for.
    let mut records = load_raw(&store, &needed)?;
    drop(store);
    for (n, action) in actions.iter().enumerate() {
        // Checked against what is stored, as entry "n" would be applied.
        let trial = Provenance {
            method: format!("person:{by}"),
            entry: u64::MAX - n as u64,
            at: None,
        };
        records
            .apply(action, &trial)
            .map_err(|e| anyhow::anyhow!("{e} (see `casefile record list`)"))?;
    }
    let folder = tempfile::tempdir().context("creating a temporary folder")?;
    let mut items = Vec::new();
    for (n, action) in actions.iter().enumerate() {
        let path = folder.path().join(format!("record-action-{n}.json"));
        std::fs::write(&path, action.encode())
            .with_context(|| format!("writing {}", path.display()))?;
        let note = match (&action.record, &action.from) {
            (Some(id), Some(from)) => format!("record {} {id} {from}", action.action.as_str()),
            (Some(id), None) => format!("record {} {id}", action.action.as_str()),
            (None, _) => format!(
                "record create {}",
                action.kind.map(RecordKind::as_str).unwrap_or_default()
            ),
        };
        items.push((
            case.prepare(&path)?,
            AddOptions {
                kind: SourceKind::Curation,
                url: None,
                acquired_at: None,
                note: Some(note),
                by: by.clone(),
            },
        ));
    }
    let added = case.commit(items)?;
    case.update_catalogue()?;
    let mut store = Store::open(case.data_dir())?;
    let bar = ProgressBar::hidden();
    crate::derive::read_unread(case, &mut store, &bar)?;
    let entries: Vec<u64> = added.iter().map(|a| a.log_index).collect();
    // Applied to the stored records alone when they were up to the log
    // just before these entries: nothing else came in between.
    let current = entries
        .first()
        .is_some_and(|&first| store.entities_through().ok().flatten() == Some(first));
    let alone = current && apply_new(case, &mut store, &needed, actions, &entries)?;
    if !alone {
        crate::entity::resolve(case, &mut store, &bar)?;
    }
    // Applied alone, the actions changed records and no entity.
    crate::search::refresh(case, &mut store, &bar, false, !alone)?;
    Ok(entries)
}

/// Applies actions just logged as `entries` to the stored records they
/// touch (`touched`, loaded as made), and stores those records: the same records
/// as making every record again from the log would give, since the stored
/// ones are the log's actions applied in order up to these. Returns false,
/// storing nothing, when the log holds more than these actions or an
/// action does not apply; the caller then makes the records again.
fn apply_new(
    case: &Case,
    store: &mut Store,
    touched: &[&str],
    actions: &[Action],
    entries: &[u64],
) -> anyhow::Result<bool> {
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
fn natural(id: &str) -> Vec<(String, u64)> {
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

fn record_id(text: &str) -> String {
    let text = text.trim();
    match text.strip_prefix('e') {
        Some(rest) => format!("E{rest}"),
        None => text.to_owned(),
    }
}

fn show(record: &Record) {
    crate::say!(
        "{} {}{} [{}] {}",
        record.id,
        record.kind.as_str(),
        record
            .subtype
            .as_deref()
            .map(|s| format!(" ({s})"))
            .unwrap_or_default(),
        record.status.as_str(),
        record.label
    );
    if let Some(into) = &record.merged_into {
        crate::say!("  merged into {into}: reports show it as part of that record");
    }
    crate::say!(
        "  status by {} (log entry #{})",
        record.status_by.method,
        record.status_by.entry
    );
    for (name, value) in &record.values {
        crate::say!(
            "  {name} = {}    ({}, entry #{})",
            value.value,
            value.by.method,
            value.by.entry
        );
    }
    for l in &record.links {
        crate::say!("  {} → {}", l.role, l.target);
    }
    for e in &record.evidence {
        crate::say!(
            "  source {} document {} {} {}..{} ({}): {}",
            e.source,
            e.document,
            e.field,
            e.start,
            e.end,
            e.asserted,
            e.quote
        );
    }
    for step in &record.history {
        crate::say!(
            "  {}{} by {} (entry #{}){}",
            step.action,
            step.with
                .as_deref()
                .map(|w| format!(" {w}"))
                .unwrap_or_default(),
            step.by.method,
            step.by.entry,
            step.note
                .as_deref()
                .map(|n| format!(": {n}"))
                .unwrap_or_default()
        );
    }
}

pub(crate) fn run(case: &Case, command: RecordCommand, json: bool) -> anyhow::Result<Exit> {
    let mut store = Store::open(case.data_dir())?;
    let bar = ProgressBar::hidden();
    crate::derive::read_unread(case, &mut store, &bar)?;
    crate::entity::refresh(case, &mut store, &bar)?;
    let (actions, by) = match command {
        RecordCommand::List { kind, status } => {
            let mut list = store.record_list(kind.as_deref(), status.as_deref())?;
            // C3.0.2 before C3.0.10: numbers in ids compare as numbers.
            list.sort_by_cached_key(|r| natural(&r.id));
            let empty = "no records (add sources first; protected sources are not listed)";
            print_list(&list, json, empty, |list| {
                for r in list {
                    crate::say!(
                        "{:<14} {:<12} {:<18} {:<9} {}",
                        r.id,
                        r.kind,
                        r.subtype.as_deref().unwrap_or("-"),
                        r.status,
                        r.label
                    );
                }
            });
            return Ok(Exit::Success);
        }
        RecordCommand::Duplicates => {
            let records = load_all(&store)?;
            let found = casefile_records::duplicates::duplicates(&records, &day_span);
            print_list(&found, json, "no records look alike", |found| {
                for d in found {
                    let label =
                        |id: &str| records.get(id).map(|r| r.label.clone()).unwrap_or_default();
                    crate::say!(
                        "{} {} ~ {} {}",
                        d.kept,
                        label(&d.kept),
                        d.other,
                        label(&d.other)
                    );
                    crate::say!("    {}", d.reasons.join("; "));
                    crate::say!("    casefile record merge {} {}", d.kept, d.other);
                }
            });
            return Ok(Exit::Success);
        }
        RecordCommand::Show { record } => {
            let id = record_id(&record);
            let found: Record = folded_record(&store, &id)?.with_context(|| {
                format!("the case has no record {id} (see `casefile record list`)")
            })?;
            if json {
                print_json(&serde_json::json!({
                    "record": found,
                    "linked_from": store.links_to(&id)?,
                }));
            } else {
                show(&found);
                for l in store.links_to(&id)? {
                    if l.role == MERGED {
                        crate::say!("  ← merged into it: {} {}", l.from.id, l.from.label);
                    } else {
                        crate::say!(
                            "  ← {} of {} {} ({})",
                            l.role,
                            l.from.id,
                            l.from.label,
                            l.from.status
                        );
                    }
                }
            }
            return Ok(Exit::Success);
        }
        RecordCommand::Add {
            kind,
            label,
            change,
        } => {
            let mut action = Action::on(ActionKind::Create, None);
            action.kind = RecordKind::parse(&kind);
            action.label = Some(label);
            let by = changes(&mut store, &mut action, change)?;
            (vec![action], by)
        }
        RecordCommand::Edit {
            record,
            label,
            unset,
            unlink,
            change,
        } => {
            let mut action = Action::on(ActionKind::Edit, Some(record_id(&record)));
            action.label = label;
            action.unset = unset;
            for text in &unlink {
                action.unlink.push(link(text)?);
            }
            let by = changes(&mut store, &mut action, change)?;
            (vec![action], by)
        }
        RecordCommand::Confirm(args) => statuses(ActionKind::Confirm, args),
        RecordCommand::Reject(args) => statuses(ActionKind::Reject, args),
        RecordCommand::Dispute(args) => statuses(ActionKind::Dispute, args),
        RecordCommand::Merge(args) => merges(ActionKind::Merge, args),
        RecordCommand::Split(args) => merges(ActionKind::Split, args),
    };
    for action in &actions {
        action.check()?;
    }
    let entries = commit(case, store, &actions, by)?;
    let store = Store::open(case.data_dir())?;
    for (action, entry) in actions.iter().zip(&entries) {
        let id = action.record.clone().unwrap_or_else(|| format!("H{entry}"));
        let now: Option<Record> = folded_record(&store, &id)?;
        if json {
            print_json(&serde_json::json!({
                "entry": entry,
                "action": action.action.as_str(),
                "record": now,
            }));
        } else {
            crate::say!(
                "logged as entry #{entry}: {} {id}{}{}",
                action.action.as_str(),
                action
                    .from
                    .as_deref()
                    .map(|f| format!(" {f}"))
                    .unwrap_or_default(),
                now.as_ref()
                    .map(|r| format!(" ({}, {})", r.label, r.status.as_str()))
                    .unwrap_or_default()
            );
        }
    }
    Ok(Exit::Success)
}

fn statuses(kind: ActionKind, args: StatusArgs) -> (Vec<Action>, String) {
    let actions = args
        .records
        .iter()
        .map(|r| {
            let mut action = Action::on(kind, Some(record_id(r)));
            action.note.clone_from(&args.note);
            action
        })
        .collect();
    (actions, crate::add::who(args.by))
}

fn merges(kind: ActionKind, args: MergeArgs) -> (Vec<Action>, String) {
    let kept = record_id(&args.record);
    let actions = args
        .others
        .iter()
        .map(|other| {
            let mut action = Action::on(kind, Some(kept.clone()));
            action.from = Some(record_id(other));
            action.note.clone_from(&args.note);
            action
        })
        .collect();
    (actions, crate::add::who(args.by))
}
