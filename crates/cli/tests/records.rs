//! The records of a case: proposed from the seed report, judged and added
//! to by a person through `casefile record`, every action in the log, and
//! the same after a rebuild from nothing.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

mod common;

use std::path::Path;

use common::{code, json, ok, run};

fn log_size(root: &Path) -> u64 {
    json(&ok(&["verify", "--json"], root))["tree_size"]
        .as_u64()
        .unwrap()
}

fn record(root: &Path, id: &str) -> serde_json::Value {
    json(&ok(&["record", "show", id, "--json"], root))["record"].clone()
}

#[test]
fn records_are_proposed_judged_logged_and_rebuilt() {
    let Some(seed) = common::seed_report() else {
        return;
    };
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    ok(&["init"], root);
    ok(
        &[
            "add",
            seed.to_str().unwrap(),
            "--kind",
            "news",
            "--acquired-at",
            "2024-06-15T12:00:00Z",
        ],
        root,
    );
    let list = common::json_lines(&ok(&["record", "list", "--json"], root));
    let find = |kind: &str, label: &str| -> String {
        list.iter()
            .find(|r| r["kind"] == kind && r["label"].as_str().unwrap().contains(label))
            .unwrap_or_else(|| panic!("no {kind} record labelled {label:?}"))["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    // Every record is proposed by the machine until a person judges it.
    assert!(list.iter().all(|r| r["status"] == "proposed"));
    let dikiy = find("person", "Dikiy");
    let cascade = list
        .iter()
        .find(|r| r["kind"] == "organization" && r["label"] == "Cascade")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // The founding sentence proposes a relation: the founder and his unit.
    let founder = find("relation", "founder");
    let relation = record(root, &founder);
    assert_eq!(relation["subtype"], "founder");
    assert_eq!(relation["values"]["since"]["value"], "2017");
    let ends: Vec<(&str, &str)> = relation["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["role"].as_str().unwrap(), l["target"].as_str().unwrap()))
        .collect();
    assert_eq!(
        ends,
        [("subject", dikiy.as_str()), ("object", cascade.as_str())]
    );
    // "About 500 people" is a group with its count and its sentence.
    let group = record(root, &find("group", "about 500 people"));
    assert_eq!(group["values"]["count"]["value"], "500");
    assert_eq!(group["values"]["approximate"]["value"], "true");
    assert!(
        group["evidence"][0]["quote"]
            .as_str()
            .unwrap()
            .contains("500 people")
    );
    assert!(
        group["status_by"]["method"]
            .as_str()
            .unwrap()
            .starts_with("casefile-extract@")
    );
    // The amnesty promise belongs to the recruitment's engagement.
    let amnesty = find("promise", "amnesty");
    let engagement = list.iter().find(|r| r["kind"] == "engagement").unwrap();
    let engagement = record(root, engagement["id"].as_str().unwrap());
    assert!(
        engagement["links"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["role"] == "promise" && l["target"] == amnesty.as_str())
    );
    // Ill-treatment is a violation filed under HURIDOCS' act.
    let violation = find("violation", "ill treatment");
    assert!(
        record(root, &violation)["values"]["huridocs_act"]["value"]
            .as_str()
            .unwrap()
            .contains("Torture")
    );

    // A person judges: every action is one more log entry.
    let size = log_size(root);
    let award = list
        .iter()
        .find(|r| r["kind"] == "event" && r["subtype"] == "award")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    ok(
        &[
            "record",
            "reject",
            &award,
            "--note",
            "not this case",
            "--by",
            "ana",
        ],
        root,
    );
    ok(
        &["record", "confirm", &violation, &amnesty, "--by", "ana"],
        root,
    );
    let made = json(&ok(
        &[
            "record",
            "add",
            "relation",
            "Dikiy commands Cascade",
            "--subtype",
            "command",
            "--set",
            "since=2017",
            "--set",
            "until=2024-04",
            "--link",
            &format!("subject={dikiy}"),
            "--link",
            &format!("object={cascade}"),
            "--cite",
            "3.0:0-20",
            "--by",
            "ana",
            "--json",
        ],
        root,
    ));
    let hand = made["record"]["id"].as_str().unwrap().to_owned();
    assert_eq!(hand, format!("H{}", made["entry"]));
    ok(
        &[
            "record",
            "edit",
            &hand,
            "--set",
            "until=2024-05",
            "--note",
            "the order came in May",
        ],
        root,
    );
    assert_eq!(log_size(root), size + 5);

    // Bad actions are refused with a clear error, and nothing is logged.
    for (args, says) in [
        (vec!["record", "confirm", "C99.0.0"], "no record C99.0.0"),
        (
            vec!["record", "edit", &hand, "--link", "victim=G42.0.0"],
            "G42.0.0",
        ),
        (
            vec!["record", "edit", &hand, "--link", "boss=E0.0.0"],
            "not a link role",
        ),
        (
            vec!["record", "add", "relation", "x", "--subtype", "love"],
            "not a relation kind",
        ),
        (
            vec!["record", "edit", &hand, "--cite", "3.0:5-1"],
            "ends before",
        ),
        (
            vec!["record", "edit", &hand, "--set", "novalue"],
            "NAME=VALUE",
        ),
    ] {
        let refused = run(&args, root);
        assert_ne!(code(&refused), 0, "{args:?} was accepted");
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
    assert_eq!(log_size(root), size + 5);

    // The records show who did what, from which log entry.
    let rejected = record(root, &award);
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["history"][0]["by"]["method"], "person:ana");
    assert_eq!(rejected["history"][0]["note"], "not this case");
    let edited = record(root, &hand);
    assert_eq!(edited["values"]["until"]["value"], "2024-05");
    assert_eq!(edited["values"]["since"]["value"], "2017");
    assert_eq!(edited["history"].as_array().unwrap().len(), 2);
    assert_eq!(edited["evidence"][0]["start"], 0);
    let confirmed = common::json_lines(&ok(
        &["record", "list", "--status", "confirmed", "--json"],
        root,
    ));
    let confirmed: Vec<&str> = confirmed
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(confirmed.len(), 2);
    assert!(confirmed.contains(&amnesty.as_str()) && confirmed.contains(&violation.as_str()));

    // The report leaves the rejected award out, marks what was confirmed,
    // and lists the relations over time.
    let report = json(&ok(&["report", "--as-of", "2024-11-24", "--json"], root));
    let timeline = report["timeline"].as_array().unwrap();
    assert!(
        timeline
            .iter()
            .all(|e| e["citation"]["record"] != award.as_str())
    );
    assert!(timeline.iter().any(|e| e["kind"] == "award"));
    let promise = report["promises"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["citation"]["record"] == amnesty.as_str())
        .unwrap();
    assert_eq!(promise["citation"]["status"], "confirmed");
    let relations = report["relations"].as_array().unwrap();
    let commands = relations.iter().find(|r| r["kind"] == "command").unwrap();
    assert_eq!(commands["subject"], "Alexey Dikiy");
    assert_eq!(commands["object"], "Cascade");
    assert_eq!(commands["until"], "2024-05");
    assert!(relations.iter().any(|r| r["kind"] == "founder"));
    let ill = report["violations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["kind"] == "ill_treatment")
        .unwrap();
    assert!(ill["act"].as_str().unwrap().contains("Torture"));
    assert_eq!(ill["independent"], 1);

    // Records are searched by their words and filtered by status.
    let found = json(&ok(
        &["search", "electric", "--status", "confirmed", "--json"],
        root,
    ));
    let ids: Vec<&str> = found["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["record"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&violation.as_str()), "{found}");
    assert!(
        found["facets"]["status"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s[0] == "confirmed")
    );
    let commands = json(&ok(&["search", "commands", "--records", "--json"], root));
    assert!(
        commands["hits"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["record"] == hand.as_str())
    );

    // The entity shows the records that link it.
    let shown = json(&ok(&["entity", "show", &dikiy, "--json"], root));
    let linked: Vec<&str> = shown["linked_from"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    assert!(linked.contains(&hand.as_str()) && linked.contains(&founder.as_str()));

    // The timeline command is the report's timeline.
    let timeline_only = common::json_lines(&ok(&["timeline", "--json"], root));
    assert_eq!(timeline_only.len(), timeline.len());

    // Rebuilt from the vault and the log alone, the records and the
    // report are the same.
    let before = ok(&["record", "list", "--json"], root).stdout;
    let text = ok(&["report", "--as-of", "2024-11-24"], root).stdout;
    let shown_before = ok(&["record", "show", &hand, "--json"], root).stdout;
    ok(&["rebuild"], root);
    assert_eq!(ok(&["record", "list", "--json"], root).stdout, before);
    assert_eq!(ok(&["report", "--as-of", "2024-11-24"], root).stdout, text);
    assert_eq!(
        ok(&["record", "show", &hand, "--json"], root).stdout,
        shown_before
    );
    assert_eq!(json(&ok(&["verify", "--json"], root))["ok"], true);
}

/// Two made-up news texts that tell the same dissolution and count the
/// same people.
fn two_tellings(root: &Path) -> (String, String) {
    let first = root.join("storm-first.txt");
    std::fs::write(
        &first,
        "Storm battalion gone\n\nThe Storm battalion was dissolved in April 2024, \
         former fighters told reporters. About 300 people served in it.\n",
    )
    .unwrap();
    let second = root.join("storm-second.txt");
    std::fs::write(
        &second,
        "Fighters describe the end of Storm\n\nIn April 2024 the command disbanded the \
         Storm battalion, according to two of its former fighters. About 300 people had \
         served in it.\n",
    )
    .unwrap();
    let mut sources = Vec::new();
    for file in [&first, &second] {
        let added = json(&ok(
            &["add", file.to_str().unwrap(), "--kind", "news", "--json"],
            root,
        ));
        sources.push(added["added"][0]["log_index"].as_u64().unwrap());
    }
    (sources[0].to_string(), sources[1].to_string())
}

#[test]
fn merged_records_are_told_once_with_every_source() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    ok(&["init"], root);
    let (a, b) = two_tellings(root);
    let dated_dissolutions = |root: &Path| -> Vec<serde_json::Value> {
        let report = json(&ok(&["report", "--as-of", "2024-12-01", "--json"], root));
        report["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "dissolution")
            .cloned()
            .collect()
    };
    // Told twice, the dissolution is on the timeline twice.
    let told = dated_dissolutions(root);
    assert_eq!(told.len(), 2, "{told:#?}");
    let record_of = |e: &serde_json::Value| e["citation"]["record"].as_str().unwrap().to_owned();
    let kept = told
        .iter()
        .map(record_of)
        .find(|r| r.starts_with(&format!("T{a}.")))
        .unwrap();
    let other = told
        .iter()
        .map(record_of)
        .find(|r| r.starts_with(&format!("T{b}.")))
        .unwrap();
    let groups = |root: &Path| -> Vec<serde_json::Value> {
        json(&ok(&["report", "--as-of", "2024-12-01", "--json"], root))["groups"]
            .as_array()
            .unwrap()
            .clone()
    };
    assert_eq!(groups(root).len(), 2);

    // Refused merges leave no log entry.
    let size = log_size(root);
    let group_a = format!("G{a}.0.0");
    let group_b = format!("G{b}.0.0");
    for (args, problem) in [
        (
            vec!["record", "merge", &kept, &group_a],
            "only records of one kind",
        ),
        (vec!["record", "merge", &kept, &kept], "another record"),
        (vec!["record", "split", &kept, &other], "is not merged into"),
        (
            vec!["record", "merge", &kept, "T99.0.0"],
            "no record T99.0.0",
        ),
    ] {
        let output = run(&args, root);
        assert_ne!(code(&output), 0, "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(problem), "{args:?}: {stderr}");
    }
    assert_eq!(log_size(root), size);

    // The two tellings are offered as a pair to merge.
    let pairs = |root: &Path| -> Vec<(String, String)> {
        common::json_lines(&ok(&["record", "duplicates", "--json"], root))
            .iter()
            .map(|d| {
                (
                    d["kept"].as_str().unwrap().to_owned(),
                    d["other"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    assert!(
        pairs(root).contains(&(kept.clone(), other.clone())),
        "{:?}",
        pairs(root)
    );

    // Merged, the dissolution is told once, citing both sources.
    ok(
        &[
            "record",
            "merge",
            &kept,
            &other,
            "--note",
            "one dissolution",
            "--by",
            "ana",
        ],
        root,
    );
    ok(
        &["record", "merge", &group_a, &group_b, "--by", "ana"],
        root,
    );
    assert_eq!(log_size(root), size + 2);
    let told = dated_dissolutions(root);
    assert_eq!(told.len(), 1, "{told:#?}");
    assert_eq!(record_of(&told[0]), kept);
    let also = told[0]["also"].as_array().unwrap();
    assert_eq!(also.len(), 1);
    assert_eq!(also[0]["record"], other.as_str());
    assert_eq!(also[0]["source"].as_u64().unwrap().to_string(), b);
    let counted = groups(root);
    assert_eq!(counted.len(), 1);
    assert_eq!(counted[0]["also"].as_array().unwrap().len(), 1);
    let text = String::from_utf8(ok(&["timeline"], root).stdout).unwrap();
    assert!(text.contains(&format!("also {other} source {b}")), "{text}");

    // The kept record carries the other's evidence; the other says where
    // it went, and is listed as merged.
    let shown = record(root, &kept);
    let sources: Vec<u64> = shown["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["source"].as_u64().unwrap())
        .collect();
    assert!(sources.contains(&a.parse().unwrap()) && sources.contains(&b.parse().unwrap()));
    assert_eq!(shown["history"][0]["action"], "merge");
    assert_eq!(shown["history"][0]["with"], other.as_str());
    assert_eq!(record(root, &other)["merged_into"], kept.as_str());
    let merged = common::json_lines(&ok(
        &["record", "list", "--status", "merged", "--json"],
        root,
    ));
    let merged: Vec<&str> = merged.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(merged, [group_b.as_str(), other.as_str()]);
    // A merged record is searched through the one it was merged into.
    let hits = json(&ok(&["search", "disbanded", "--records", "--json"], root));
    let ids: Vec<&str> = hits["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap_or_default())
        .collect();
    assert!(!ids.contains(&other.as_str()), "{hits:#}");
    // Merged, they are no longer offered.
    assert!(!pairs(root).iter().any(|(_, o)| *o == other));
    // A second merge of the same record is refused.
    let again = run(&["record", "merge", &kept, &other], root);
    assert_ne!(code(&again), 0);

    // Rebuilt from nothing, the merges hold.
    let text = ok(&["report", "--as-of", "2024-12-01"], root).stdout;
    ok(&["rebuild"], root);
    assert_eq!(ok(&["report", "--as-of", "2024-12-01"], root).stdout, text);

    // Split, the two tellings stand apart again.
    ok(&["record", "split", &kept, &other, "--by", "ana"], root);
    assert_eq!(dated_dissolutions(root).len(), 2);
    assert!(record(root, &other)["merged_into"].is_null());
    assert_eq!(json(&ok(&["verify", "--json"], root))["ok"], true);
}
