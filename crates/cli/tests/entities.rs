//! `casefile add` resolves the mentions of what it reads into entities;
//! `casefile entity list/show/explain` show them; `rebuild` makes the same
//! entities again; protected sources count only for a cleared member.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

mod common;

use std::path::Path;

use common::{FOUNDING, casefile, code, json, run};

const FIRST: &str = "Volunteers were recruited by Alexei Dikiy in the fall of 2022.\n\n\
    Dikiy said the unit would be disbanded. The Russian Defense Ministry did not reply.\n";

const SECOND: &str = "A former fighter said Alexei Dikiy had promised an amnesty.\n\n\
    The Defense Ministry said the contracts were signed. Dikiy was not available for comment.\n";

const TESTIMONY: &str = "My name is Ostap Vernyhora. In November 2022 I was promised a pardon \
    after six months of service, and nobody was released after that time.\n";

fn lines(output: &std::process::Output) -> Vec<serde_json::Value> {
    common::json_lines(output)
}

fn case() -> tempfile::TempDir {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    assert_eq!(code(&run(&["init"], root)), 0);
    std::fs::write(root.join("first.txt"), FIRST).unwrap();
    std::fs::write(root.join("second.txt"), SECOND).unwrap();
    std::fs::write(root.join("statement.txt"), TESTIMONY).unwrap();
    let added = run(&["add", "first.txt", "--kind", "news", "--json"], root);
    assert_eq!(code(&added), 0);
    assert!(json(&added)["resolved"]["entities"].as_u64().unwrap() >= 2);
    let added = run(
        &["add", "statement.txt", "--kind", "testimony", "--json"],
        root,
    );
    assert_eq!(code(&added), 0);
    let added = run(&["add", "second.txt", "--kind", "news"], root);
    assert_eq!(code(&added), 0);
    assert!(
        String::from_utf8_lossy(&added.stdout).contains("resolved "),
        "{}",
        String::from_utf8_lossy(&added.stdout)
    );
    temp
}

fn entity_named<'a>(list: &'a [serde_json::Value], name: &str) -> &'a serde_json::Value {
    list.iter()
        .find(|e| e["name"] == name)
        .unwrap_or_else(|| panic!("no entity {name:?} in {list:#?}"))
}

/// The characters `start..end` of document `document` of source `source`.
fn span_text(root: &Path, source: u64, document: u64, start: usize, end: usize) -> String {
    let shown = run(&["documents", &source.to_string(), "--json"], root);
    let documents = lines(&shown);
    let text = documents[document as usize]["document"]["text"]
        .as_str()
        .unwrap();
    text.chars().skip(start).take(end - start).collect()
}

#[test]
fn one_person_across_sources_with_every_mention_where_it_is() {
    let temp = case();
    let root = temp.path();
    let list = lines(&run(&["entity", "list", "--json"], root));
    let dikiy = entity_named(&list, "Alexei Dikiy");
    assert_eq!(dikiy["kind"], "person");
    assert_eq!(dikiy["mentions"], 4);
    assert_eq!(dikiy["sources"], 2);
    let ministry = entity_named(&list, "Russian Defense Ministry");
    assert_eq!(ministry["mentions"], 2, "{list:#?}");

    let id = dikiy["id"].as_str().unwrap();
    assert_eq!(id, "3.0.0");
    let shown = json(&run(&["entity", "show", &format!("E{id}"), "--json"], root));
    let mentions = shown["mentions"].as_array().unwrap();
    assert_eq!(mentions.len(), 4);
    for mention in mentions {
        let text = mention["text"].as_str().unwrap();
        assert!(text == "Alexei Dikiy" || text == "Dikiy", "{mention}");
        assert_eq!(
            span_text(
                root,
                mention["source"].as_u64().unwrap(),
                mention["document"].as_u64().unwrap(),
                mention["start"].as_u64().unwrap() as usize,
                mention["end"].as_u64().unwrap() as usize,
            ),
            text
        );
    }
    // The testimony (the second source added) is not among the sources.
    assert!(mentions.iter().all(|m| m["source"] != FOUNDING + 1));

    let text = run(&["entity", "show", id], root);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("Dikiy (2)"), "{text}");
}

#[test]
fn protected_sources_give_entities_only_to_the_unlocked_and_leave_no_names_in_plain_text() {
    let temp = case();
    let root = temp.path();
    // Unlocked, the witness is an entity of the case, found in the
    // testimony.
    let list = lines(&run(&["entity", "list", "--json"], root));
    let witness = entity_named(&list, "Ostap Vernyhora");
    assert_eq!(witness["id"], format!("{}.0.0", FOUNDING + 1));
    // Locked, the entities are what the open sources say.
    let locked = casefile()
        .args(["entity", "list", "--json"])
        .env_remove("CASEFILE_PASSPHRASE")
        .current_dir(root)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(code(&locked), 0);
    let locked = lines(&locked);
    assert!(
        locked
            .iter()
            .all(|e| !e["name"].as_str().unwrap().contains("Vernyhora")),
        "{locked:#?}"
    );
    assert_eq!(locked.len() + 1, list.len(), "{locked:#?} {list:#?}");
    for entry in walkdir::WalkDir::new(root.join(".casefile")) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let bytes = std::fs::read(entry.path()).unwrap();
            assert!(
                !bytes.windows(9).any(|w| w == b"Vernyhora"),
                "{} holds the witness's name",
                entry.path().display()
            );
        }
    }
}

#[test]
fn rebuild_gives_the_same_entities() {
    let temp = case();
    let root = temp.path();
    let before = run(&["entity", "list", "--json"], root).stdout;
    let first = run(&["entity", "show", "E3.0.0", "--json"], root).stdout;
    std::fs::remove_dir_all(root.join(".casefile/derived")).unwrap();
    let rebuilt = run(&["rebuild", "--json"], root);
    assert_eq!(code(&rebuilt), 0);
    assert!(json(&rebuilt)["resolved"]["mentions"].as_u64().unwrap() > 0);
    assert_eq!(run(&["entity", "list", "--json"], root).stdout, before);
    assert_eq!(
        run(&["entity", "show", "E3.0.0", "--json"], root).stdout,
        first
    );
}

#[test]
fn explain_compares_names_without_a_case_and_entities_within_one() {
    let temp = tempfile::tempdir().unwrap();
    let out = run(
        &[
            "entity",
            "explain",
            "Алексея Дикого",
            "Alexei Dikiy",
            "--json",
        ],
        temp.path(),
    );
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let explained = json(&out);
    assert_eq!(explained["same"], true);
    assert!(
        explained["explained"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r.as_str().unwrap().starts_with("inflected: dikogo")),
        "{explained}"
    );
    let out = run(
        &[
            "entity",
            "explain",
            "Kaskad AG",
            "Kaskad GmbH",
            "--kind",
            "organization",
        ],
        temp.path(),
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("different"), "{text}");
    assert!(text.contains("other legal form: ag / gmbh"), "{text}");

    let case = case();
    let list = lines(&run(&["entity", "list", "--json"], case.path()));
    let dikiy = entity_named(&list, "Alexei Dikiy")["id"].as_str().unwrap();
    let ministry = entity_named(&list, "Russian Defense Ministry")["id"]
        .as_str()
        .unwrap();
    let out = run(
        &[
            "entity",
            "explain",
            &format!("E{dikiy}"),
            &format!("E{ministry}"),
        ],
        case.path(),
    );
    assert_eq!(code(&out), 1);
    assert!(String::from_utf8_lossy(&out.stderr).contains("only names of one kind compare"));
    let out = run(&["entity", "show", "E9.0.9"], case.path());
    assert_eq!(code(&out), 1);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no entity E9.0.9"));
    let out = run(&["entity", "show", "Dikiy"], case.path());
    assert_eq!(code(&out), 1);
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not an entity id"));
    let out = run(&["entity", "list"], temp.path());
    assert_eq!(code(&out), 1);
}

#[test]
fn a_russian_and_an_english_source_name_one_person() {
    // Russian names need the NER model (installed by scripts/models.sh; in
    // CI it must be there).
    if casefile_testkit::model_path("slovnet_ner_news_v1.tar").is_none() {
        return;
    }
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    assert_eq!(code(&run(&["init"], root)), 0);
    std::fs::write(
        root.join("ru.txt"),
        "Добровольцев набирал Алексей Дикий. По словам Дикого, отряд расформируют.\n",
    )
    .unwrap();
    std::fs::write(root.join("en.txt"), FIRST).unwrap();
    let added = casefile()
        .args(["add", "ru.txt", "en.txt", "--kind", "news"])
        .env("CASEFILE_MODELS", casefile_testkit::models_root())
        .current_dir(root)
        .output()
        .unwrap();
    assert_eq!(
        code(&added),
        0,
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let list = lines(&run(
        &["entity", "list", "--kind", "person", "--json"],
        root,
    ));
    let dikiy = entity_named(&list, "Алексей Дикий");
    assert_eq!(dikiy["sources"], 2, "{list:#?}");
    assert_eq!(dikiy["mentions"], 4, "{list:#?}");
}

const NICKNAME: &str = "Ivan Sokolov recruited the volunteers.\n\n\
    The commander known as Sokol led the unit. Sokol refused to comment.\n";

const NAMESAKE: &str = "Alexei Dikiy, a businessman from Kyiv, is not the commander. \
    Dikiy lives abroad.\n";

#[test]
fn judgements_are_logged_respected_and_survive_a_rebuild() {
    let temp = case();
    let root = temp.path();
    std::fs::write(root.join("nickname.txt"), NICKNAME).unwrap();
    std::fs::write(root.join("namesake.txt"), NAMESAKE).unwrap();
    let added = run(
        &["add", "nickname.txt", "namesake.txt", "--kind", "news"],
        root,
    );
    assert_eq!(code(&added), 0);
    let list = lines(&run(&["entity", "list", "--json"], root));
    let dikiy = entity_named(&list, "Alexei Dikiy");
    assert_eq!(dikiy["sources"], 3, "{list:#?}");
    let sokol = entity_named(&list, "Sokol")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let ministry = entity_named(&list, "Russian Defense Ministry")["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Sokol is Ivan Sokolov's call sign: a person knows it, no spelling
    // rule does.
    let sokolov = entity_named(&list, "Ivan Sokolov")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let wrong = run(
        &[
            "entity",
            "merge",
            &format!("E{ministry}"),
            &format!("E{sokol}"),
        ],
        root,
    );
    assert_eq!(code(&wrong), 1, "a person and an organization do not merge");
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("only entities of one kind"));
    let merged = run(
        &[
            "entity",
            "merge",
            &format!("E{sokolov}"),
            &format!("E{sokol}"),
            "--reason",
            "his call sign",
            "--json",
        ],
        root,
    );
    assert_eq!(
        code(&merged),
        0,
        "{}",
        String::from_utf8_lossy(&merged.stderr)
    );
    let merged = json(&merged);
    assert_eq!(merged["now"][0]["entity"], merged["now"][1]["entity"]);
    let list = lines(&run(&["entity", "list", "--json"], root));
    assert_eq!(
        entity_named(&list, "Ivan Sokolov")["mentions"],
        3,
        "{list:#?}"
    );
    assert!(list.iter().all(|e| e["name"] != "Sokol"));

    let namesake_mentions: Vec<usize> = {
        let shown = json(&run(&["entity", "show", "E3.0.0", "--json"], root));
        shown["mentions"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
            .filter(|(_, m)| m["source"] == FOUNDING + 4)
            .map(|(n, _)| n + 1)
            .collect()
    };
    assert_eq!(namesake_mentions.len(), 2);
    let numbers: Vec<String> = namesake_mentions.iter().map(ToString::to_string).collect();
    let mut args = vec!["entity", "split", "E3.0.0"];
    args.extend(numbers.iter().map(String::as_str));
    args.extend(["--reason", "a businessman of the same name", "--json"]);
    let split = run(&args, root);
    assert_eq!(
        code(&split),
        0,
        "{}",
        String::from_utf8_lossy(&split.stderr)
    );
    let split = json(&split);
    assert_eq!(split["log_entries"].as_array().unwrap().len(), 2);
    assert_eq!(split["resolved"]["judgements"], 3);
    let list = lines(&run(&["entity", "list", "--json"], root));
    let dikiys: Vec<&serde_json::Value> = list
        .iter()
        .filter(|e| e["name"] == "Alexei Dikiy")
        .collect();
    assert_eq!(dikiys.len(), 2, "{list:#?}");
    assert!(
        dikiys
            .iter()
            .any(|e| e["sources"] == 2 && e["mentions"] == 4)
    );
    assert!(
        dikiys
            .iter()
            .any(|e| e["sources"] == 1 && e["mentions"] == 2)
    );

    // The judgements are entries of the log like any evidence, and the
    // case still verifies.
    let verified = run(&["verify"], root);
    assert_eq!(code(&verified), 0);
    let log = json(&run(
        &[
            "log",
            "proof",
            &split["log_entries"][0].to_string(),
            "--json",
        ],
        root,
    ));
    assert_eq!(log["leaf_index"], split["log_entries"][0]);

    // Deleting everything derived and rebuilding gives the same entities.
    let before = run(&["entity", "list", "--json"], root).stdout;
    std::fs::remove_dir_all(root.join(".casefile/derived")).unwrap();
    assert_eq!(code(&run(&["rebuild"], root)), 0);
    assert_eq!(run(&["entity", "list", "--json"], root).stdout, before);
}
