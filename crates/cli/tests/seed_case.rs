//! The seed report as a case: its unit, the unit's founder and the two
//! ministries each become one entity holding every mention of them.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

mod common;

use common::{code, json, run};

fn lines(output: &std::process::Output) -> Vec<serde_json::Value> {
    common::json_lines(output)
}

#[test]
fn one_entity_each_for_the_unit_its_founder_and_the_ministries() {
    let Some(report) = common::seed_report() else {
        return;
    };
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

#[test]
fn the_report_dates_the_seed_and_says_how_long_the_promise_is_overdue() {
    let Some(report_file) = common::seed_report() else {
        return;
    };
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    assert_eq!(code(&run(&["init"], root)), 0);
    // Captured in June 2024, when "earlier this year" meant 2024.
    let added = run(
        &[
            "add",
            report_file.to_str().unwrap(),
            "--kind",
            "news",
            "--acquired-at",
            "2024-06-01",
        ],
        root,
    );
    assert_eq!(code(&added), 0);
    let report = json(&run(&["report", "--as-of", "2024-11-24", "--json"], root));
    assert_eq!(report["format"], "casefile-report 2");

    // The dated events are in order.
    let timeline = report["timeline"].as_array().unwrap();
    let first = |kind: &str, when: &str| {
        timeline
            .iter()
            .position(|e| e["kind"] == kind && e["when"] == when)
            .unwrap_or_else(|| panic!("no {kind} at {when} in {timeline:#?}"))
    };
    let order = [
        first("founding", "2017"),
        first("recruitment", "2022-23"),
        first("award", "2023-02"),
        first("payment_stop", "2024-01"),
        first("dissolution", "2024-04"),
        first("award", "2024-05"),
    ];
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    let recruitment = &timeline[order[1]];
    assert_eq!(recruitment["uncertain"], true);
    assert_eq!(recruitment["earliest"], "2022-09-01");
    assert_eq!(recruitment["latest"], "2022-11-30");

    // The amnesty promised after six months of service, counted from the
    // recruitment in fall 2022, is overdue by a range of months.
    let promises = report["promises"].as_array().unwrap();
    let amnesty = promises
        .iter()
        .find(|p| {
            p["after"] == "P6M"
                && p["promised"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|k| k == "amnesty")
        })
        .unwrap_or_else(|| panic!("{promises:#?}"));
    assert_eq!(amnesty["from"][0], "2022-23");
    assert_eq!(amnesty["due_earliest"], "2023-03-01");
    assert_eq!(amnesty["due_latest"], "2023-05-30");
    assert_eq!(amnesty["status"], "overdue");
    assert_eq!(amnesty["overdue_months"], serde_json::json!([17, 20]));

    // "About 500 people" is a group citing its sentence.
    let groups = report["groups"].as_array().unwrap();
    let five_hundred = groups
        .iter()
        .find(|g| g["value"] == 500.0)
        .unwrap_or_else(|| panic!("{groups:#?}"));
    assert_eq!(five_hundred["noun"], "people");
    let quote = five_hundred["citation"]["quote"].as_str().unwrap();
    assert!(quote.contains("about 500 people"), "{quote}");
    assert!(quote.ends_with('.'), "{quote}");

    // Violations name how many sources and voices assert them.
    let violations = report["violations"].as_array().unwrap();
    let ill = violations
        .iter()
        .find(|v| v["kind"] == "ill_treatment")
        .unwrap();
    assert_eq!(ill["sources"], 1);
    assert!(ill["voices"].as_u64().unwrap() >= 2);

    // The text report says the same, and a rebuild from nothing gives the
    // same report byte for byte.
    let text = run(&["report", "--as-of", "2024-11-24"], root).stdout;
    let text_string = String::from_utf8(text.clone()).unwrap();
    assert!(
        text_string.contains("overdue by 17 to 20 months on 2024-11-24"),
        "{text_string}"
    );
    std::fs::remove_dir_all(root.join(".casefile/derived")).unwrap();
    assert_eq!(code(&run(&["rebuild"], root)), 0);
    assert_eq!(run(&["report", "--as-of", "2024-11-24"], root).stdout, text);
    let bad = run(&["report", "--as-of", "soon"], root);
    assert_eq!(code(&bad), 1);
}
