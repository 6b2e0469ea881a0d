//! `casefile search`: the seed report is found by the Russian name of its
//! unit (Каскад) across scripts, and not when that is switched off;
//! filters, facets and a rebuild behave.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

mod common;

use common::{FOUNDING, code, json, run};

#[test]
fn the_seed_report_is_found_by_the_units_russian_name_across_scripts_only() {
    let Some(report) = common::seed_report() else {
        return;
    };
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    assert_eq!(code(&run(&["init"], root)), 0);
    let added = run(
        &["add", report.to_str().unwrap(), "--kind", "news", "--json"],
        root,
    );
    assert_eq!(
        code(&added),
        0,
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    assert!(json(&added)["indexed"]["documents"].as_u64().unwrap() >= 1);

    let found = json(&run(&["search", "Каскад", "--documents", "--json"], root));
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["hits"][0]["source"], FOUNDING);
    assert_eq!(found["facets"]["source_kind"][0][0], "news");
    let native = json(&run(
        &[
            "search",
            "Каскад",
            "--documents",
            "--no-cross-script",
            "--json",
        ],
        root,
    ));
    assert_eq!(native["total"], 0, "{native}");
    // In its own script it is found either way, and two words must both
    // be there.
    let english = json(&run(
        &[
            "search",
            "Cascade",
            "amnesty",
            "--no-cross-script",
            "--json",
        ],
        root,
    ));
    assert!(english["total"].as_u64().unwrap() >= 1, "{english}");
    let absent = json(&run(&["search", "Cascade", "submarine", "--json"], root));
    assert_eq!(absent["total"], 0);
    // Filters.
    let other_kind = json(&run(
        &["search", "Cascade", "--kind", "post", "--json"],
        root,
    ));
    assert_eq!(other_kind["total"], 0);
    let later = json(&run(
        &[
            "search",
            "Cascade",
            "--documents",
            "--from",
            "2099",
            "--json",
        ],
        root,
    ));
    assert_eq!(later["total"], 0);
    let bad_date = run(&["search", "Cascade", "--from", "spring"], root);
    assert_eq!(code(&bad_date), 1);
    assert!(String::from_utf8_lossy(&bad_date.stderr).contains("--from"));
    // The unit is an entity too, found by its Russian name.
    let entities = json(&run(&["search", "Каскада", "--entities", "--json"], root));
    assert!(
        entities["hits"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["title"] == "Cascade"),
        "{entities}"
    );
    // The index is derived: deleted and rebuilt, it answers the same.
    std::fs::remove_dir_all(root.join(".casefile/derived")).unwrap();
    assert_eq!(code(&run(&["rebuild"], root)), 0);
    let again = json(&run(&["search", "Каскад", "--documents", "--json"], root));
    assert_eq!(again["hits"], found["hits"]);
}

#[test]
fn protected_sources_are_searched_only_unlocked_and_never_indexed_on_disk() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    assert_eq!(code(&run(&["init"], root)), 0);
    std::fs::write(
        root.join("statement.txt"),
        "My name is Ostap Vernyhora. I was promised a pardon after six months.\n",
    )
    .unwrap();
    std::fs::write(
        root.join("page.txt"),
        "Six months of service were promised.\n",
    )
    .unwrap();
    assert_eq!(
        code(&run(&["add", "statement.txt", "--kind", "testimony"], root)),
        0
    );
    assert_eq!(code(&run(&["add", "page.txt", "--kind", "news"], root)), 0);
    let locked = |args: &[&str]| {
        json(
            &common::casefile()
                .args(args)
                .env_remove("CASEFILE_PASSPHRASE")
                .current_dir(root)
                .stdin(std::process::Stdio::null())
                .output()
                .unwrap(),
        )
    };
    let hits = locked(&["search", "months", "--documents", "--json"]);
    assert_eq!(hits["total"], 1, "{hits}");
    assert_eq!(hits["hits"][0]["source"], FOUNDING + 1);
    let witness = locked(&["search", "Vernyhora", "--json"]);
    assert_eq!(witness["total"], 0, "{witness}");
    // A cleared member finds the testimony too, through an index made in
    // memory for the search.
    let hits = json(&run(&["search", "months", "--documents", "--json"], root));
    assert_eq!(hits["total"], 2, "{hits}");
    let witness = json(&run(
        &["search", "Vernyhora", "--documents", "--json"],
        root,
    ));
    assert_eq!(witness["total"], 1, "{witness}");
    assert_eq!(witness["hits"][0]["source"], FOUNDING);
    assert_eq!(witness["facets"]["source_kind"][0][0], "testimony");
    for entry in walkdir::WalkDir::new(root.join(".casefile/derived/index")) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let bytes = std::fs::read(entry.path()).unwrap();
            assert!(
                !bytes
                    .windows(9)
                    .any(|w| w == b"Vernyhora" || w == b"vernyhora"),
                "{} holds the witness's name",
                entry.path().display()
            );
        }
    }
}
