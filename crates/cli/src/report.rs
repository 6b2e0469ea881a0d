//! `casefile report`: the case as of a date, from what was read, extracted
//! and resolved (see `casefile-report`).

use anyhow::Context as _;
use casefile_derived::Store;
use casefile_document::Document;
use casefile_extract::Extraction;
use casefile_report::{EntityLine, Input, SourceRef};
use casefile_vault::{Case, SourceKind};
use indicatif::ProgressBar;

use crate::output::{Exit, print_json, print_list};

/// Parses YYYY-MM-DD, YYYY-MM (its first day) or YYYY (1 January).
fn date(text: &str) -> anyhow::Result<jiff::civil::Date> {
    let parts: Vec<&str> = text.trim().split('-').collect();
    let number = |i: usize, default: i64| -> Option<i64> {
        parts.get(i).map_or(Some(default), |p| p.parse().ok())
    };
    let parsed = (|| {
        let year = i16::try_from(number(0, 0)?).ok()?;
        let month = i8::try_from(number(1, 1)?).ok()?;
        let day = i8::try_from(number(2, 1)?).ok()?;
        jiff::civil::Date::new(year, month, day).ok()
    })();
    parsed.with_context(|| format!("--as-of {text:?} is not YYYY, YYYY-MM or YYYY-MM-DD"))
}

pub(crate) fn run(
    case: &Case,
    as_of: Option<String>,
    include_protected: bool,
    json: bool,
) -> anyhow::Result<Exit> {
    let as_of = match as_of {
        Some(text) => date(&text)?,
        None => jiff::ZonedDateTime::now().date(),
    };
    let report = build(case, as_of, include_protected)?;
    if json {
        print_json(&report);
    } else {
        crate::output::say_text(&casefile_report::render(&report));
    }
    Ok(Exit::Success)
}

/// `casefile timeline`: the report's timeline alone.
pub(crate) fn timeline(case: &Case, include_protected: bool, json: bool) -> anyhow::Result<Exit> {
    let today = jiff::ZonedDateTime::now().date();
    let report = build(case, today, include_protected)?;
    let empty = if report.protected_left_out > 0 {
        casefile_report::nothing(&report, "dated events")
            .trim()
            .to_owned()
    } else {
        "no dated events yet (add sources, or `casefile record add event ... --set when=DATE`)"
            .to_owned()
    };
    print_list(&report.timeline, json, &empty, |_| {
        crate::output::say_text(&casefile_report::render_timeline(&report));
    });
    Ok(Exit::Success)
}

/// The case's report as of `as_of`, after bringing what is derived up to
/// the log.
pub(crate) fn build(
    case: &Case,
    as_of: jiff::civil::Date,
    include_protected: bool,
) -> anyhow::Result<casefile_report::Report> {
    let mut store = Store::open(case.data_dir())?;
    let bar = ProgressBar::hidden();
    crate::derive::read_unread(case, &mut store, &bar)?;
    crate::entity::refresh(case, &mut store, &bar)?;
    let mut sources = Vec::new();
    let mut documents: Vec<(usize, u64, Document, Extraction)> = Vec::new();
    let all = store.read_sources()?;
    let indexes = if include_protected {
        all.clone()
    } else {
        store.unsealed_sources()?
    };
    // What an empty section may be missing: the sealed sources left out.
    let protected_left_out = all.len() - indexes.len();
    // The sources' entries, read from the log a page at a time rather
    // than one open of the log per source.
    let mut records = Vec::with_capacity(indexes.len());
    let mut next = indexes.first().copied();
    while let Some(first) = next {
        let page = case.sources(first, 4096)?;
        let Some(last) = page.last().map(|r| r.entry.index) else {
            break;
        };
        records.extend(
            page.into_iter()
                .filter(|r| indexes.binary_search(&r.entry.index).is_ok()),
        );
        next = indexes.iter().copied().find(|&i| i > last);
    }
    for record in records {
        let index = record.entry.index;
        if record.entry.kind == SourceKind::Curation {
            continue;
        }
        let mut docs = Vec::new();
        store.documents(index, |d| docs.push(d))?;
        let mut extractions = Vec::new();
        store.extractions(index, |ordinal, e: Extraction| {
            extractions.push((ordinal, e))
        })?;
        let slot = sources.len();
        sources.push(SourceRef {
            index,
            id: record.id.clone(),
            kind: record.entry.kind.as_str().to_owned(),
        });
        for (ordinal, extraction) in extractions {
            if let Some(doc) = docs.get(ordinal as usize) {
                documents.push((slot, ordinal, doc.clone(), extraction));
            }
        }
    }
    let inputs: Vec<Input<'_>> = documents
        .iter()
        .map(|(slot, ordinal, doc, extraction)| Input {
            source: &sources[*slot],
            document: *ordinal,
            doc,
            extraction,
        })
        .collect();
    let entities = store
        .entity_list(None)?
        .into_iter()
        .map(|e| EntityLine {
            id: e.id,
            kind: e.kind,
            name: e.name,
            mentions: e.mentions,
            sources: e.sources,
        })
        .collect();
    let records = crate::records::load_all(&store)?;
    let mut report = casefile_report::build(&inputs, &records, entities, as_of, include_protected);
    report.protected_left_out = protected_left_out;
    Ok(report)
}
