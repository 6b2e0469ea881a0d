//! The seed report as a case: its unit, the unit's founder and the two
//! ministries each become one entity holding every mention of them.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

mod common;

use common::{code, json, run};

fn lines(output: &std::process::Output) -> Vec<serde_json::Value> {
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn one_entity_each_for_the_unit_its_founder_and_the_ministries() {
    let Some(seed) = casefile_testkit::shared_path("seed") else {
        return;
    };
    let report = std::fs::read_dir(&seed)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "txt"))
        .unwrap();
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    assert_eq!(code(&run(&["init"], root)), 0);
    let added = run(&["add", report.to_str().unwrap(), "--kind", "news"], root);
    assert_eq!(
        code(&added),
        0,
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );

    // Every mention the extraction found, by its text.
    let documents = lines(&run(&["documents", "--json"], root));
    let mut found: Vec<(String, String)> = Vec::new();
    for document in &documents {
        for m in document["extraction"]["mentions"].as_array().unwrap() {
            found.push((
                m["text"].as_str().unwrap().to_owned(),
                m["kind"].as_str().unwrap().to_owned(),
            ));
        }
    }
    let entities = lines(&run(&["entity", "list", "--json"], root));
    for (kind, names) in [
        ("organization", &["Cascade"][..]),
        ("person", &["Alexey Dikiy", "Dikiy"][..]),
        ("organization", &["Russian Defense Ministry"][..]),
        ("organization", &["DNR Interior Ministry"][..]),
    ] {
        let expected = found
            .iter()
            .filter(|(text, k)| k == kind && names.contains(&text.as_str()))
            .count();
        assert!(expected >= 2, "{names:?} is mentioned {expected} times");
        // One entity holds them all.
        let holding: Vec<&serde_json::Value> = entities
            .iter()
            .filter(|e| e["kind"] == kind && names.contains(&e["name"].as_str().unwrap()))
            .collect();
        assert_eq!(holding.len(), 1, "{names:?}: {holding:#?}");
        let id = holding[0]["id"].as_str().unwrap();
        let shown = json(&run(&["entity", "show", id, "--json"], root));
        let texts: Vec<&str> = shown["mentions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["text"].as_str().unwrap())
            .collect();
        assert_eq!(
            texts.iter().filter(|t| names.contains(t)).count(),
            expected,
            "{names:?}: {texts:?}"
        );
    }
}
