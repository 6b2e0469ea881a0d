//! Promises read from a documenter's own notes, data-driven:
//! `tests/cases/promises.txt`. Each case goes the whole way a note goes:
//! extraction, proposed records, the report on a fixed date; the case
//! states what the report must say of its money, promises, timeline and
//! groups.

use casefile_document::{Document, Origin};
use casefile_extract::{Context, extract};
use casefile_records::{DocumentInput, Records, propose};
use casefile_report::{Input, SourceRef, build, edtf};

/// The day every case's report is made on.
const AS_OF: (i16, i8, i8) = (2026, 12, 1);

/// What the report says of one note, a line per finding.
fn render(text: &str, published: Option<&str>, captured: Option<&str>) -> Vec<String> {
    let mut doc = Document::new(Origin::File { name: None });
    doc.text = text.to_owned();
    doc.published = published.map(str::to_owned);
    let extraction = extract(
        &doc,
        &Context {
            captured: captured.map(str::to_owned),
        },
    );
    let entities = vec![None; extraction.mentions.len()];
    let input = DocumentInput {
        source: 1,
        document: 0,
        logged_at: None,
        doc: &doc,
        extraction: &extraction,
        entities: &entities,
    };
    let records = Records::new(propose(&[input], &[], &|e| edtf::bounds(e).is_some()));
    let source = SourceRef {
        index: 1,
        id: "src_case".to_owned(),
        kind: "note".to_owned(),
    };
    let as_of = jiff::civil::date(AS_OF.0, AS_OF.1, AS_OF.2);
    let report = build(
        &[Input {
            source: &source,
            document: 0,
            doc: &doc,
            extraction: &extraction,
        }],
        &records,
        Vec::new(),
        as_of,
        false,
    );
    let mut lines = Vec::new();
    for m in &extraction.money {
        lines.push(format!(
            "money: {} {}{}{}",
            m.amount,
            m.currency,
            m.period
                .as_deref()
                .map(|p| format!(" per {p}"))
                .unwrap_or_default(),
            if m.approximate { ", approximate" } else { "" }
        ));
    }
    for p in &report.promises {
        let due = match (p.due_earliest, p.due_latest) {
            (Some(a), Some(b)) if a == b => format!("{a}"),
            (Some(a), Some(b)) => format!("{a}..{b}"),
            _ => "none".to_owned(),
        };
        lines.push(format!(
            "promise: {} | after {} | from {} | due {due} | {}",
            p.promised.join(", "),
            p.after.as_deref().unwrap_or("none"),
            p.from.as_ref().map_or("none", |(when, _)| when.as_str()),
            p.status
        ));
        if p.terms.len() > 1 {
            let terms: Vec<String> = p
                .terms
                .iter()
                .map(|(k, iso)| format!("{k} {iso}"))
                .collect();
            lines.push(format!("  terms: {}", terms.join(", ")));
        }
        if !p.pay.is_empty() {
            lines.push(format!(
                "  pay: {}{}",
                p.pay.join(", "),
                p.unpaid_since
                    .as_deref()
                    .map(|s| format!("; unpaid since {s}"))
                    .unwrap_or_default()
            ));
        }
        if let Some(start) = &p.start {
            lines.push(format!("  start: {}", start.quote));
        }
    }
    for e in &report.timeline {
        lines.push(format!("timeline: {} {}", e.when, e.kind));
    }
    let groups: Vec<&str> = report.groups.iter().map(|g| g.written.as_str()).collect();
    lines.push(format!(
        "groups: {}",
        if groups.is_empty() {
            "none".to_owned()
        } else {
            groups.join("; ")
        }
    ));
    lines
}

#[test]
fn promises_from_the_case_file() {
    let count = casefile_testkit::run_case_file(
        include_str!("cases/promises.txt"),
        &["published", "captured"],
        |text, settings| {
            render(
                text,
                settings.get("published").map(String::as_str),
                settings.get("captured").map(String::as_str),
            )
        },
    );
    assert!(
        count >= 30,
        "the case file holds {count} cases, fewer than 30: is it intact?"
    );
}
