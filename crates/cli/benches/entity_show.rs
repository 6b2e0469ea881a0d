//! `casefile entity show --json` on an entity with 5,000 relations: the
//! whole command, process start included, on a case whose derived store
//! holds one unit, 5,000 people and a membership relation from each to it.
//!
//! Run: `cargo bench -p casefile --bench entity_show`.

#![allow(clippy::unwrap_used, reason = "a benchmark stops at its first failure")]

use std::collections::BTreeMap;
use std::process::Command;
use std::time::Instant;

use casefile_derived::{EntitySummary, RecordSummary, Store};
use casefile_records::{Evidence, Link, Provenance, Record, RecordKind, Status};

const RELATIONS: usize = 5_000;

fn main() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    let binary = env!("CARGO_BIN_EXE_casefile");
    let init = Command::new(binary)
        .arg("init")
        .current_dir(root)
        .output()
        .unwrap();
    assert!(init.status.success());
    let mut store = Store::open(&root.join(".casefile")).unwrap();
    let mut writer = store.writer().unwrap();
    let by = Provenance {
        method: "casefile-extract@0.1.0".to_owned(),
        entry: 0,
        at: Some("2024-06-15T12:00:00Z".to_owned()),
    };
    let entity = |id: String, kind: &str, name: String| {
        serde_json::json!({
            "id": id, "kind": kind, "name": name, "names": [[name, 1]],
            "resolver": "casefile-resolve@0.1.0",
            "mentions": [{"source": 0, "document": 0, "mention": 0, "field": "text",
                          "start": 0, "end": 7, "text": name, "method": "bench"}],
        })
    };
    let summary = |id: &str, number: u64, kind: &str, name: &str| EntitySummary {
        id: id.to_owned(),
        number,
        kind: kind.to_owned(),
        name: name.to_owned(),
        mentions: 1,
        sources: 1,
    };
    writer
        .put_entity(
            &summary("0.0.0", 0, "organization", "Shtorm battalion"),
            &entity(
                "0.0.0".to_owned(),
                "organization",
                "Shtorm battalion".to_owned(),
            ),
        )
        .unwrap();
    for n in 1..=RELATIONS {
        let person = format!("0.{n}.0");
        let name = format!("Fighter {n}");
        writer
            .put_entity(
                &summary(&person, n as u64, "person", &name),
                &entity(person.clone(), "person", name.clone()),
            )
            .unwrap();
        let record = Record {
            id: format!("R0.{n}.m0"),
            kind: RecordKind::Relation,
            subtype: Some("membership".to_owned()),
            label: format!("{name} membership Shtorm battalion"),
            status: Status::Proposed,
            status_by: by.clone(),
            values: BTreeMap::new(),
            links: vec![
                Link {
                    role: "subject".to_owned(),
                    target: format!("E{person}"),
                },
                Link {
                    role: "object".to_owned(),
                    target: "E0.0.0".to_owned(),
                },
            ],
            evidence: vec![Evidence {
                source: 0,
                document: n as u64,
                field: "text".to_owned(),
                start: 0,
                end: 60,
                quote: format!("{name} served in the Shtorm battalion from the autumn."),
                asserted: "the document".to_owned(),
            }],
            history: Vec::new(),
            merged_into: None,
        };
        let links: Vec<(String, String)> = record
            .links
            .iter()
            .map(|l| (l.role.clone(), l.target.clone()))
            .collect();
        writer
            .put_record(
                &RecordSummary {
                    id: record.id.clone(),
                    kind: "relation".to_owned(),
                    subtype: record.subtype.clone(),
                    status: "proposed".to_owned(),
                    label: record.label.clone(),
                },
                &links,
                &record,
            )
            .unwrap();
    }
    writer.set_entities_through(0).unwrap();
    writer.commit().unwrap();
    drop(store);

    let mut times = Vec::new();
    for run in 0..31 {
        let start = Instant::now();
        let output = Command::new(binary)
            .args(["entity", "show", "E0.0.0", "--json"])
            .current_dir(root)
            .output()
            .unwrap();
        let elapsed = start.elapsed();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let shown: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(shown["linked_from"].as_array().unwrap().len(), RELATIONS);
        if run > 0 {
            times.push(elapsed.as_secs_f64() * 1000.0);
        }
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let p95 = times[(times.len() * 95).div_ceil(100) - 1];
    println!(
        "entity show --json, entity with {RELATIONS} relations: median {median:.1} ms, p95 {p95:.1} ms ({} runs, process start included)",
        times.len()
    );
}
