//! Records that may tell the same thing: the same dissolution reported by
//! two outlets, the same beating told in a testimony and a complaint. The
//! machine does not merge them; it lists the pairs a person may want to
//! merge (`casefile record merge`), each with its reasons.
//!
//! Two records are a candidate pair when they are events or violations of
//! the same kind with dates that can overlap, or promises of the same
//! things after the same time; and when both name entities, they name one
//! in common. Records a person rejected or merged are left out.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::{Record, RecordKind, Records, Status};

/// The first and last day a time value can mean, as ordinal numbers that
/// increase with time (an open end is `i64::MAX`).
pub type Span = (i64, i64);

/// Two records that may tell the same thing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Duplicate {
    /// The record to keep: the one told first (lowest source, document
    /// and span).
    pub kept: String,
    /// The record to merge into it.
    pub other: String,
    /// Their kind.
    pub kind: RecordKind,
    /// Their kind within the kind (dissolution, ill_treatment...).
    pub subtype: Option<String>,
    /// Why they look alike, for a person to read.
    pub reasons: Vec<String>,
}

/// Where a record was first told: its lowest source, document and span.
fn first_told(record: &Record) -> (u64, u64, usize) {
    record
        .evidence
        .iter()
        .map(|e| (e.source, e.document, e.start))
        .min()
        .unwrap_or((u64::MAX, u64::MAX, usize::MAX))
}

/// The entities a record links, in any role.
fn entities(record: &Record) -> BTreeSet<&str> {
    record
        .links
        .iter()
        .map(|l| l.target.as_str())
        .filter(|t| t.starts_with('E'))
        .collect()
}

/// What records must share to be compared: their kind, their kind within
/// the kind, and for promises what was promised after how long.
type GroupKey<'a> = (RecordKind, Option<&'a str>, Option<String>);

/// One record as the search sees it.
struct Candidate<'a> {
    record: &'a Record,
    span: Span,
}

/// The pairs of records that may tell the same thing, the most alike
/// first. `span` reads a time value (EDTF) as the days it can mean.
pub fn duplicates(records: &Records, span: &dyn Fn(&str) -> Option<Span>) -> Vec<Duplicate> {
    // Records grouped by kind and subtype; events and violations need a
    // date, promises what was promised and after how long.
    let mut groups: BTreeMap<GroupKey<'_>, Vec<Candidate<'_>>> = BTreeMap::new();
    for record in records.iter() {
        if record.merged_into.is_some() || record.status == Status::Rejected {
            continue;
        }
        let (span, extra) = match record.kind {
            RecordKind::Event | RecordKind::Violation => {
                let Some(when) = record.value("when").and_then(span) else {
                    continue;
                };
                (when, None)
            }
            RecordKind::Promise => {
                let (Some(promised), Some(after)) =
                    (record.value("promised"), record.value("after"))
                else {
                    continue;
                };
                ((0, 0), Some(format!("{promised} after {after}")))
            }
            _ => continue,
        };
        groups
            .entry((record.kind, record.subtype.as_deref(), extra))
            .or_default()
            .push(Candidate { record, span });
    }
    let mut out = Vec::new();
    for ((kind, subtype, promise), mut group) in groups {
        group.sort_by_key(|c| (c.span.0, first_told(c.record)));
        for (i, a) in group.iter().enumerate() {
            // Sorted by first day: once one starts after `a` ends, so do
            // the rest.
            for b in group[i + 1..].iter().take_while(|b| b.span.0 <= a.span.1) {
                let (ea, eb) = (entities(a.record), entities(b.record));
                let shared: Vec<&str> = ea.intersection(&eb).copied().collect();
                if !ea.is_empty() && !eb.is_empty() && shared.is_empty() {
                    continue;
                }
                let (kept, other) = if first_told(a.record) <= first_told(b.record) {
                    (a.record, b.record)
                } else {
                    (b.record, a.record)
                };
                let mut reasons = vec![format!("same kind: {}", subtype.unwrap_or(kind.as_str()))];
                if let Some(promise) = &promise {
                    reasons.push(format!("same promise: {promise}"));
                } else {
                    let (wa, wb) = (
                        kept.value("when").unwrap_or_default(),
                        other.value("when").unwrap_or_default(),
                    );
                    reasons.push(if wa == wb {
                        format!("same date: {wa}")
                    } else {
                        format!("dates can overlap: {wa} and {wb}")
                    });
                }
                if !shared.is_empty() {
                    reasons.push(format!("both name {}", shared.join(", ")));
                }
                out.push(Duplicate {
                    kept: kept.id.clone(),
                    other: other.id.clone(),
                    kind,
                    subtype: subtype.map(str::to_owned),
                    reasons,
                });
            }
        }
    }
    // The most reasons first, then as told.
    out.sort_by_key(|d| std::cmp::Reverse(d.reasons.len()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Evidence, Link, Provenance, Value};

    fn record(id: &str, kind: RecordKind, subtype: &str, when: &str, source: u64) -> Record {
        let by = Provenance {
            method: "casefile-extract@test".to_owned(),
            entry: source,
            at: None,
        };
        let mut values = BTreeMap::new();
        if !when.is_empty() {
            values.insert(
                "when".to_owned(),
                Value {
                    value: when.to_owned(),
                    by: by.clone(),
                },
            );
        }
        Record {
            id: id.to_owned(),
            kind,
            subtype: Some(subtype.to_owned()),
            label: subtype.to_owned(),
            status: Status::Proposed,
            status_by: by,
            values,
            links: Vec::new(),
            evidence: vec![Evidence {
                source,
                document: 0,
                field: "text".to_owned(),
                start: 0,
                end: 10,
                quote: "words".to_owned(),
                asserted: "the document".to_owned(),
            }],
            history: Vec::new(),
            merged_into: None,
        }
    }

    /// Years and months as day numbers good enough to order and overlap.
    fn span(when: &str) -> Option<Span> {
        let mut parts = when.split('-');
        let year: i64 = parts.next()?.parse().ok()?;
        match parts.next() {
            Some(month) => {
                let month: i64 = month.parse().ok()?;
                let day = year * 372 + month * 31;
                Some((day, day + 30))
            }
            None => Some((year * 372, year * 372 + 371)),
        }
    }

    fn link(record: &mut Record, target: &str) {
        record.links.push(Link {
            role: "participant".to_owned(),
            target: target.to_owned(),
        });
    }

    #[test]
    fn alike_records_pair_up() {
        let mut first = record("T7.0.1", RecordKind::Event, "dissolution", "2024-04", 7);
        let mut second = record("T3.0.2", RecordKind::Event, "dissolution", "2024", 3);
        let mut elsewhere = record("T5.0.0", RecordKind::Event, "dissolution", "2024-04", 5);
        link(&mut first, "E1.0.0");
        link(&mut second, "E1.0.0");
        link(&mut elsewhere, "E2.0.0");
        let records = Records::new([
            first,
            second,
            elsewhere,
            record("T4.0.0", RecordKind::Event, "dissolution", "2023-01", 4),
            record("T6.0.0", RecordKind::Event, "award", "2024-04", 6),
            record("V8.0.0", RecordKind::Violation, "dissolution", "2024-04", 8),
            record("T9.0.0", RecordKind::Event, "dissolution", "", 9),
        ]);
        let found = duplicates(&records, &span);
        let pairs: Vec<(&str, &str)> = found
            .iter()
            .map(|d| (d.kept.as_str(), d.other.as_str()))
            .collect();
        // The same entity: a pair; another entity: none; another year,
        // kind or record kind, or no date: none.
        assert_eq!(pairs, [("T3.0.2", "T7.0.1")]);
        assert_eq!(
            found[0].reasons,
            [
                "same kind: dissolution",
                "dates can overlap: 2024 and 2024-04",
                "both name E1.0.0"
            ]
        );

        // Merged or rejected, a record is no longer offered.
        let mut merged = records.clone();
        if let Some(r) = merged.by_id.get_mut("T7.0.1") {
            r.merged_into = Some("T3.0.2".to_owned());
        }
        assert!(duplicates(&merged, &span).is_empty());
    }
}
