//! The `search` command: the case's search index, as the case service
//! keeps it.

use anyhow::Context as _;
use casefile_app::Case;
use casefile_app::dates::day_start;
use casefile_app::types::{SearchQuery, What};

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
        value_parser = casefile_app::types::vocabulary::STATUSES.to_vec(),
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

pub(crate) fn run(case: &Case, args: SearchArgs, json: bool) -> anyhow::Result<Exit> {
    // The caller synced the case: the index is up to its log.
    let snapshot = case.snapshot()?;
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
    let results = snapshot.search(&query)?;
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
            let name = snapshot.entity_name(id).ok().flatten().unwrap_or_default();
            (format!("{name} (E{id})"), *count)
        })
        .collect();
    facet("by entity", &named);
    Ok(Exit::Success)
}
