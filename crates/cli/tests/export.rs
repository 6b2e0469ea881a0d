//! `casefile export`: FollowTheMoney entities of the seed and a made-up
//! testimony, validated by the `followthemoney` package from PyPI
//! (installed by `.ci/run`): every entity parses, `ftm validate` drops no
//! value, and every reference points at an exported entity. A public export
//! of a witness who consented to a court only holds no trace of them; the
//! records CSV cites its sentences word for word.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use common::{FOUNDING, json, ok};

const NAME: &str = "Ефросинья Зябликова";
const SENTENCE: &str = "Нас держали в холодном складе у элеватора неделю.";
/// The testimony's sentence a record cites.
const CITED: &str = "Нас, около 25 человек, били.";

/// The properties of the exported schemata that hold entity ids.
const REFERENCES: &[&str] = &[
    "document",
    "entity",
    "resolved",
    "member",
    "organization",
    "subject",
    "object",
    "involved",
    "organizer",
];

fn read_lines(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// `ftm validate` of `input` into `output` (the `followthemoney` package's
/// command, run through Python so no script folder need be on the PATH),
/// or `None` outside CI when the package is missing (the reason printed).
fn ftm_validate(input: &Path, output: &Path) -> Option<()> {
    let present = std::process::Command::new("python3")
        .args(["-c", "import followthemoney"])
        .output();
    if !present.as_ref().is_ok_and(|o| o.status.success()) {
        assert!(
            std::env::var_os("CI").is_none(),
            "followthemoney is missing in CI: .ci/run installs it from PyPI"
        );
        casefile_testkit::skipped("followthemoney is not installed (pip install followthemoney)");
        return None;
    }
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys; from followthemoney.cli.cli import cli; sys.argv[0] = 'ftm'; cli()",
            "validate",
            "-i",
        ])
        .arg(input)
        .arg("-o")
        .arg(output)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "ftm validate: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(())
}

fn case(temp: &Path) -> Option<PathBuf> {
    let seed = common::seed_report()?;
    let root = temp.join("case");
    std::fs::create_dir(&root).unwrap();
    ok(&["init", "--origin", "casefile/export-test"], &root);
    ok(
        &[
            "add",
            seed.to_str().unwrap(),
            "--kind",
            "news",
            "--acquired-at",
            "2024-06-01T09:30:00Z",
            "--url",
            "https://example.org/report",
        ],
        &root,
    );
    std::fs::write(
        temp.join("statement.txt"),
        format!(
            "Я, {NAME}, свидетельствую. В марте 2024 года вербовщик обещал нам помилование \
             через полгода. {SENTENCE} {CITED}\n"
        ),
    )
    .unwrap();
    ok(
        &[
            "add",
            temp.join("statement.txt").to_str().unwrap(),
            "--kind",
            "testimony",
        ],
        &root,
    );
    let t = (FOUNDING + 1).to_string();
    ok(&["witnesses", "add", "--name", NAME, "--source", &t], &root);
    ok(&["consent", "give", "W-001", "--to", "court"], &root);
    Some(root)
}

#[test]
fn the_followthemoney_export_validates_whole_and_keeps_consent() {
    let temp = tempfile::tempdir().unwrap();
    let Some(root) = case(temp.path()) else {
        return;
    };
    let court = temp.path().join("court.jsonl");
    let made = json(&ok(
        &["export", "ftm", "--out", court.to_str().unwrap(), "--json"],
        &root,
    ));
    let entities = read_lines(&court);
    assert_eq!(made["written"].as_u64().unwrap() as usize, entities.len());
    let schemata: BTreeSet<&str> = entities
        .iter()
        .map(|e| e["schema"].as_str().unwrap())
        .collect();
    for wanted in [
        "Document",
        "Person",
        "Organization",
        "PublicBody",
        "Event",
        "Documentation",
        "Mention",
        "Membership",
    ] {
        assert!(schemata.contains(wanted), "no {wanted} in {schemata:?}");
    }
    // Every reference points at an exported entity.
    let ids: BTreeSet<&str> = entities.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), entities.len(), "ids repeat");
    for e in &entities {
        for property in REFERENCES {
            for value in e["properties"][property].as_array().into_iter().flatten() {
                let target = value.as_str().unwrap();
                assert!(
                    ids.contains(target),
                    "{} {property} → {target}: not exported",
                    e["id"]
                );
            }
        }
    }
    // The testimony is in the court export, its witness by pseudonym only.
    let text = std::fs::read_to_string(&court).unwrap();
    assert!(
        text.contains(CITED),
        "the testimony's sentence is not cited"
    );
    assert!(!text.contains("Зябликов"), "the witness by name");
    assert!(text.contains("https://example.org/report"));
    assert!(
        text.contains("\"2024-06-01T09:30\""),
        "the acquisition time"
    );

    // followthemoney reads every entity and drops no value.
    let validated = temp.path().join("validated.jsonl");
    if ftm_validate(&court, &validated).is_some() {
        let cleaned: BTreeMap<String, serde_json::Value> = read_lines(&validated)
            .into_iter()
            .map(|e| (e["id"].as_str().unwrap().to_owned(), e))
            .collect();
        assert_eq!(cleaned.len(), entities.len(), "ftm validate lost entities");
        for e in &entities {
            let id = e["id"].as_str().unwrap();
            let after = &cleaned[id];
            assert_eq!(after["schema"], e["schema"], "{id}");
            for (property, values) in e["properties"].as_object().unwrap() {
                let kept = after["properties"][property]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                for value in values.as_array().unwrap() {
                    assert!(
                        kept.contains(value),
                        "ftm validate dropped {id} {property} {value} (kept {kept:?})"
                    );
                }
            }
        }
    }

    // Public: the witness consented to a court only, so nothing of the
    // testimony is exported.
    let public = temp.path().join("public.jsonl");
    let made = json(&ok(
        &[
            "export",
            "ftm",
            "--for",
            "public",
            "--out",
            public.to_str().unwrap(),
            "--json",
        ],
        &root,
    ));
    assert!(
        made["left_out"][0]["why"]
            .as_str()
            .unwrap()
            .contains("W-001 has not consented to publication"),
        "{made}"
    );
    let text = std::fs::read_to_string(&public).unwrap().to_lowercase();
    for needle in [
        "зябликов",
        "элеватор",
        "около 25 человек",
        "zyablikov",
        "w-001",
    ] {
        assert!(!text.contains(needle), "the public export holds {needle}");
    }
    assert_eq!(
        read_lines(&public)
            .iter()
            .filter(|e| e["schema"] == "Document")
            .count(),
        1
    );

    // The report as PDF, for the public: no trace of the witness, sources
    // cited by log index.
    let pdf = temp.path().join("public.pdf");
    ok(
        &[
            "export",
            "pdf",
            "--for",
            "public",
            "--as-of",
            "2024-12-01",
            "--out",
            pdf.to_str().unwrap(),
        ],
        &root,
    );
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    if let Ok(out) = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
    {
        let text = String::from_utf8_lossy(&out.stdout).to_lowercase();
        assert!(text.contains("source #"), "{text}");
        assert!(text.contains("has not consented to publication"), "{text}");
        for needle in ["зябликов", "около 25 человек"] {
            assert!(!text.contains(needle), "the public PDF holds {needle}");
        }
    }

    // The records as CSV: a header and a row per record, citations word for
    // word; an existing file is not overwritten.
    let csv = temp.path().join("records.csv");
    ok(
        &["export", "records", "--out", csv.to_str().unwrap()],
        &root,
    );
    let table = std::fs::read_to_string(&csv).unwrap();
    assert!(table.starts_with("id,kind,subtype,label,status,status_by,values,links,citations\r\n"));
    assert!(
        table.contains(CITED),
        "the testimony's sentence in the records"
    );
    assert!(table.lines().count() > 20, "{table}");
    let again = common::run(
        &["export", "records", "--out", csv.to_str().unwrap()],
        &root,
    );
    assert_ne!(common::code(&again), 0, "an export overwrote a file");
}
