//! The `entity` commands: the people, organizations and places the case
//! service resolved from the mentions of unsealed sources, and the
//! judgements that correct them.

use anyhow::Context as _;
use casefile_app::types::{NameKind, Verdict};
use casefile_app::{Case, JudgeOutcome};
use clap::Subcommand;

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

/// Whether a command-line word names an entity (E3.0.1) rather than
/// being a name.
pub(crate) fn is_entity_ref(text: &str) -> bool {
    casefile_app::is_entity_ref(text)
}

/// Prints where the judged mentions are after resolving again.
fn report(outcome: &JudgeOutcome, json: bool) {
    if json {
        print_json(outcome);
    } else {
        let entries: Vec<String> = outcome
            .log_entries
            .iter()
            .map(|i| format!("#{i}"))
            .collect();
        crate::say!("recorded in the log as {}", entries.join(", "));
        for placed in &outcome.now {
            match &placed.entity {
                Some(id) => crate::say!("{}: now in E{id}", placed.mention),
                None => crate::say!("{}: no longer found", placed.mention),
            }
        }
        crate::say!("{}", casefile_app::describe_resolved(&outcome.resolved));
    }
}

pub(crate) fn run(case: Option<&Case>, command: EntityCommand, json: bool) -> anyhow::Result<Exit> {
    let case = || case.context("this needs a case (run it inside one, or give --case)");
    match command {
        EntityCommand::List { kind } => {
            let list = case()?.snapshot()?.entity_list(kind.as_deref())?;
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
            let shown = case()?.snapshot()?.entity(&entity)?;
            if json {
                print_json(&shown);
            } else {
                let (entity, linked) = (&shown.entity, &shown.linked_from);
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
                    for l in linked {
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
        } => {
            let by = crate::add::who(judgement.by);
            let outcome = case()?.judge(&left, &right, Verdict::Same, judgement.reason, &by)?;
            report(&outcome, json);
        }
        EntityCommand::NotSame {
            left,
            right,
            judgement,
        } => {
            let by = crate::add::who(judgement.by);
            let outcome = case()?.judge(&left, &right, Verdict::NotSame, judgement.reason, &by)?;
            report(&outcome, json);
        }
        EntityCommand::Split {
            entity,
            mentions,
            judgement,
        } => {
            let by = crate::add::who(judgement.by);
            let outcome = case()?.split_entity(&entity, &mentions, judgement.reason, &by)?;
            report(&outcome, json);
        }
        EntityCommand::Explain { left, right, kind } => {
            let explained = if is_entity_ref(&left) || is_entity_ref(&right) {
                case()?
                    .snapshot()?
                    .explain(&left, &right, kind.as_deref())?
            } else {
                let kind = match kind.as_deref() {
                    Some("organization") => NameKind::Organization,
                    Some("place") => NameKind::Place,
                    _ => NameKind::Person,
                };
                casefile_app::explain_names(&left, &right, kind)
            };
            if json {
                print_json(&explained);
            } else {
                crate::say!(
                    "{} / {}: {} (score {:.2}, the same from {:.2})",
                    explained.left,
                    explained.right,
                    if explained.same {
                        "the same"
                    } else {
                        "different"
                    },
                    explained.score,
                    explained.threshold
                );
                for reason in &explained.explained {
                    crate::say!("  {reason}");
                }
            }
        }
    }
    Ok(Exit::Success)
}
