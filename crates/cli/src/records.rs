//! The `record` commands: the case's records as the case service makes
//! them (proposed from what was extracted and resolved, with every
//! person's recorded action applied in log order), and the actions that
//! record a person's decisions.

use anyhow::Context as _;
use casefile_app::types::{Action, ActionKind, Citation, Link, Record, RecordKind, vocabulary};
use casefile_app::{Case, MERGED, Snapshot, record_id};
use clap::Subcommand;

use crate::output::{Exit, print_json, print_list};

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
            vocabulary::STATUSES.iter().copied().chain([MERGED])
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

/// Reads `SOURCE.DOCUMENT:START-END` and has the case check the span and
/// quote its words (a protected source's words are not copied into the
/// log).
fn citation(snapshot: &Snapshot, text: &str) -> anyhow::Result<Citation> {
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
    snapshot
        .citation(source, document, start as usize, end as usize)
        .map_err(|e| anyhow::anyhow!("--cite {text:?}: {}", e.chain()))
}

fn changes(snapshot: &Snapshot, action: &mut Action, change: ChangeArgs) -> anyhow::Result<String> {
    action.subtype = change.subtype;
    for text in &change.set {
        let (name, value) = pair(text, "--set")?;
        action.set.insert(name, value);
    }
    for text in &change.link {
        action.link.push(link(text)?);
    }
    for text in &change.cite {
        action.cite.push(citation(snapshot, text)?);
    }
    action.note = change.note;
    Ok(crate::add::who(change.by))
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
    // The caller synced the case: the records are up to its log.
    let snapshot = case.snapshot()?;
    let (actions, by) = match command {
        RecordCommand::List { kind, status } => {
            // C3.0.2 before C3.0.10: numbers in ids compare as numbers.
            let list = snapshot.record_list(kind.as_deref(), status.as_deref())?;
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
            let duplicates = snapshot.duplicates()?;
            print_list(&duplicates.found, json, "no records look alike", |found| {
                for d in found {
                    let label = |id: &str| duplicates.labels.get(id).cloned().unwrap_or_default();
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
            let shown = snapshot.record(&record)?;
            if json {
                print_json(&shown);
            } else {
                show(&shown.record);
                for l in &shown.linked_from {
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
            let by = changes(&snapshot, &mut action, change)?;
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
            let by = changes(&snapshot, &mut action, change)?;
            (vec![action], by)
        }
        RecordCommand::Confirm(args) => statuses(ActionKind::Confirm, args),
        RecordCommand::Reject(args) => statuses(ActionKind::Reject, args),
        RecordCommand::Dispute(args) => statuses(ActionKind::Dispute, args),
        RecordCommand::Merge(args) => merges(ActionKind::Merge, args),
        RecordCommand::Split(args) => merges(ActionKind::Split, args),
    };
    drop(snapshot);
    for outcome in case.act(&actions, &by)? {
        let (entry, id, now) = (outcome.entry, &outcome.id, &outcome.record);
        if json {
            print_json(&serde_json::json!({
                "entry": entry,
                "action": outcome.action,
                "record": now,
            }));
        } else {
            crate::say!(
                "logged as entry #{entry}: {} {id}{}{}",
                outcome.action,
                outcome
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
