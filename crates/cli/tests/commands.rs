//! The commands as a user and a third party meet them: finding the case,
//! `--case` anywhere, keys, checkpoints and proofs that verify independently.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

mod common;

use base64::Engine as _;
use casefile_merkle::{Hash, leaf_hash, verify_consistency, verify_inclusion};
use casefile_note::{Checkpoint, Note, NoteVerifier};
use common::{FOUNDING, code, json, run, sample_case};

fn hash(value: &serde_json::Value) -> Hash {
    Hash::from_hex(value.as_str().unwrap()).unwrap()
}

#[test]
fn the_case_is_found_from_a_subfolder_and_with_case_anywhere() {
    let (_temp, root) = sample_case();
    let inbox = root.join("inbox");
    let from_inside = run(&["log", "checkpoint"], &inbox);
    assert_eq!(code(&from_inside), 0);
    let elsewhere = tempfile::tempdir().unwrap();
    let before = run(
        &["--case", root.to_str().unwrap(), "log", "checkpoint"],
        elsewhere.path(),
    );
    let after = run(
        &["log", "checkpoint", "--case", root.to_str().unwrap()],
        elsewhere.path(),
    );
    assert_eq!(before.stdout, from_inside.stdout);
    assert_eq!(after.stdout, from_inside.stdout);
    let nowhere = run(&["log", "checkpoint"], elsewhere.path());
    assert_eq!(code(&nowhere), 1);
    assert!(String::from_utf8_lossy(&nowhere.stderr).contains("no case found"));
}

#[test]
fn init_refuses_an_existing_case_and_keeps_the_key_private() {
    let (_temp, root) = sample_case();
    let again = run(&["init"], &root);
    assert_eq!(code(&again), 1);
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds a case"));
    use std::os::unix::fs::PermissionsExt as _;
    let key = root.join(".casefile/signing.key");
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let refused = run(&["log", "key"], &root);
    assert_eq!(code(&refused), 1);
    assert!(String::from_utf8_lossy(&refused.stderr).contains("chmod 600"));
}

#[test]
fn checkpoint_and_key_verify_as_signed_notes() {
    let (_temp, root) = sample_case();
    let key = String::from_utf8(run(&["log", "key"], &root).stdout).unwrap();
    let verifier = NoteVerifier::parse(key.trim()).unwrap();
    assert!(key.starts_with("casefile/test+"));
    let note = run(&["log", "checkpoint"], &root).stdout;
    let checkpoint = Checkpoint::parse(&Note::verify(&note, &verifier).unwrap().text).unwrap();
    assert_eq!(checkpoint.origin, "casefile/test");
    assert_eq!(checkpoint.size, FOUNDING + 4);
}

#[test]
fn a_proof_checks_out_with_nothing_but_the_merkle_crate() {
    let (_temp, root) = sample_case();
    let key = String::from_utf8(run(&["log", "key"], &root).stdout).unwrap();
    let verifier = NoteVerifier::parse(key.trim()).unwrap();
    for source in ["0", "1", "2", "3"] {
        let proof = json(&run(&["log", "proof", source, "--json"], &root));
        let entry = base64::engine::general_purpose::STANDARD
            .decode(proof["entry"].as_str().unwrap())
            .unwrap();
        assert_eq!(leaf_hash(&entry), hash(&proof["leaf_hash"]));
        let path: Vec<Hash> = proof["proof"]
            .as_array()
            .unwrap()
            .iter()
            .map(hash)
            .collect();
        verify_inclusion(
            proof["leaf_index"].as_u64().unwrap(),
            proof["tree_size"].as_u64().unwrap(),
            &leaf_hash(&entry),
            &path,
            &hash(&proof["root"]),
        )
        .unwrap();
        let note = proof["checkpoint"].as_str().unwrap();
        let signed =
            Checkpoint::parse(&Note::verify(note.as_bytes(), &verifier).unwrap().text).unwrap();
        assert_eq!(signed.root, hash(&proof["root"]));
    }
    // By source id and by the bytes' hash too.
    let by_index = json(&run(&["log", "proof", "1", "--json"], &root));
    let entry = String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(by_index["entry"].as_str().unwrap())
            .unwrap(),
    )
    .unwrap();
    let sha = entry
        .lines()
        .find_map(|l| l.strip_prefix("sha256 "))
        .unwrap()
        .to_owned();
    let id = format!("src_{}", &by_index["leaf_hash"].as_str().unwrap()[..20]);
    for spec in [sha.as_str(), id.as_str(), &id[..10]] {
        let again = json(&run(&["log", "proof", spec, "--json"], &root));
        assert_eq!(again["leaf_index"], 1, "{spec}");
    }
    let missing = run(&["log", "proof", "src_ffffffffff"], &root);
    assert_eq!(code(&missing), 1);
}

#[test]
fn consistency_proofs_between_every_pair_of_sizes_verify() {
    let (_temp, root) = sample_case();
    for old in 1..=4u64 {
        for new in old..=4u64 {
            let proof = json(&run(
                &[
                    "log",
                    "consistency",
                    &old.to_string(),
                    &new.to_string(),
                    "--json",
                ],
                &root,
            ));
            assert_eq!(proof["old_size"], old);
            let hashes: Vec<Hash> = proof["proof"]
                .as_array()
                .unwrap()
                .iter()
                .map(hash)
                .collect();
            verify_consistency(
                old,
                new,
                &hashes,
                &hash(&proof["old_root"]),
                &hash(&proof["new_root"]),
            )
            .unwrap();
        }
    }
    let bad = run(&["log", "consistency", "0"], &root);
    assert_eq!(code(&bad), 1);
}

#[test]
fn demo_runs_end_to_end() {
    let temp = tempfile::tempdir().unwrap();
    // With the models (installed in CI) Russian names are found too.
    let models = casefile_testkit::model_path("slovnet_ner_news_v1.tar").is_some();
    let mut command = common::casefile();
    command
        .args(["demo", "--json", "--no-install"])
        .current_dir(temp.path());
    if models {
        command.env("CASEFILE_MODELS", casefile_testkit::models_root());
    } else {
        command.env("CASEFILE_MODELS", temp.path().join("no-models"));
    }
    let output = command.output().unwrap();
    assert_eq!(
        code(&output),
        0,
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report = json(&output);
    assert_eq!(report["verify"]["ok"], true);
    // Two entries found the case (its member and case key; a demo has no
    // recovery key), five samples follow.
    assert_eq!(report["tree_size"], 7);
    // The commander is one entity, named in Russian and English.
    let entities = report["entities"].as_array().unwrap();
    if models {
        let sokolov = entities
            .iter()
            .find(|e| e["kind"] == "person" && e["name"] == "Иван Соколов")
            .unwrap_or_else(|| panic!("{entities:#?}"));
        assert_eq!(sokolov["sources"], 2, "{entities:#?}");
    } else {
        assert!(entities.iter().any(|e| e["name"] == "Ivan Sokolov"));
    }
    // The report covers all five sources in three languages: the
    // disbandment from the English and the Ukrainian page, the payment stop
    // from the Telegram channel, the beating from the testimony, the count
    // from the channel and the complaint, and overdue promises.
    let case_report = &report["report"];
    let timeline = case_report["timeline"].as_array().unwrap();
    let dissolutions: Vec<&serde_json::Value> = timeline
        .iter()
        .filter(|e| e["kind"] == "dissolution" && e["when"] == "2024-05")
        .collect();
    assert_eq!(dissolutions.len(), 2, "{timeline:#?}");
    assert!(
        timeline
            .iter()
            .any(|e| e["kind"] == "payment_stop" && e["citation"]["source_kind"] == "post")
    );
    assert!(
        timeline
            .iter()
            .any(|e| e["kind"] == "ill_treatment" && e["citation"]["source_kind"] == "testimony")
    );
    let groups = case_report["groups"].as_array().unwrap();
    assert_eq!(groups.iter().filter(|g| g["value"] == 300.0).count(), 2);
    let promises = case_report["promises"].as_array().unwrap();
    assert!(
        promises.iter().filter(|p| p["status"] == "overdue").count() >= 3,
        "{promises:#?}"
    );
}

#[test]
fn read_prints_telegram_messages_as_json_lines_without_a_case() {
    let temp = tempfile::tempdir().unwrap();
    let export = temp.path().join("result.json");
    std::fs::write(
        &export,
        r#"{"name": "Channel", "type": "public_channel", "id": 9, "messages": [
            {"id": 1, "type": "message", "date_unixtime": "1700000000", "text": "first"},
            {"id": 2, "type": "message", "date_unixtime": "1700000060", "text": ["see ", {"type": "link", "text": "https://example.org"}]}
        ]}"#,
    )
    .unwrap();
    let output = run(&["read", "--json", "result.json"], temp.path());
    assert_eq!(
        code(&output),
        0,
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["origin"]["message_id"], 2);
    assert_eq!(lines[1]["annotations"][0]["kind"], "link");
    assert_eq!(lines[0]["published"], "2023-11-14T22:13:20Z");

    std::fs::write(
        temp.path().join("cut.json"),
        r#"{"name": "C", "messages": [{"id": 1, "text": "a"}, {"#,
    )
    .unwrap();
    let cut = run(&["read", "cut.json"], temp.path());
    assert_eq!(code(&cut), 4, "a partial read exits 4");
    assert!(String::from_utf8_lossy(&cut.stderr).contains("ends early"));

    std::fs::write(temp.path().join("notes.bin"), [0u8, 1, 2, 3]).unwrap();
    let unknown = run(&["read", "notes.bin"], temp.path());
    assert_eq!(code(&unknown), 1);
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains("no reader for this kind of file yet")
    );
}

#[test]
fn read_extracts_an_html_page() {
    let temp = tempfile::tempdir().unwrap();
    std::fs::write(
        temp.path().join("page.html"),
        "<html><head><title>Former inmates held past their term</title></head><body>\
         <nav><a href='/'>Home</a></nav><article><h1>Former inmates held past their term</h1>\
         <p>Recruits who were promised release after six months say they are still held, a year and a half later.</p>\
         <p>Advertisement</p>\
         <p>About 500 people are said to be in the same situation, according to a collective complaint.</p>\
         </article></body></html>",
    )
    .unwrap();
    let output = run(&["read", "--json", "page.html"], temp.path());
    assert_eq!(
        code(&output),
        0,
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let document = json(&output);
    assert_eq!(document["title"], "Former inmates held past their term");
    let text = document["text"].as_str().unwrap();
    assert!(text.contains("promised release after six months"), "{text}");
    assert!(text.contains("About 500 people"));
    assert!(!text.contains("Advertisement"));
    assert!(!text.contains("Home"));
    // No debugging chatter from the extractor on standard error.
    assert!(!String::from_utf8_lossy(&output.stderr).contains("DEBUG"));
}

#[test]
fn read_lists_the_html_responses_of_a_web_archive() {
    let temp = tempfile::tempdir().unwrap();
    let page = "<html><head><title>Archived</title></head><body><article><p>A page kept in a web archive, long enough to be read as an article by the extractor.</p></article></body></html>";
    let http = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\r\n{page}",
        page.len()
    );
    let record = format!(
        "WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-000000000001>\r\n\
         WARC-Target-URI: http://example.org/a\r\nWARC-Date: 2024-05-01T00:00:00Z\r\n\
         Content-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n{http}\r\n\r\n",
        http.len()
    );
    std::fs::write(temp.path().join("capture.warc"), record).unwrap();
    let output = run(&["read", "--json", "capture.warc"], temp.path());
    assert_eq!(
        code(&output),
        0,
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let document = json(&output);
    assert_eq!(document["origin"]["reader"], "warc");
    assert_eq!(document["origin"]["target_uri"], "http://example.org/a");
    assert_eq!(document["origin"]["http_status"], 200);
    assert!(
        document["text"]
            .as_str()
            .unwrap()
            .contains("kept in a web archive")
    );
}

#[test]
fn extract_prints_times_durations_and_quantities_per_document() {
    let temp = tempfile::tempdir().unwrap();
    std::fs::write(
        temp.path().join("testimony.txt"),
        "Нас завербовали осенью 2022 года и обещали помилование через полгода. \
         В прошлом году выплаты прекратились, а около 500 человек до сих пор на фронте.\n",
    )
    .unwrap();
    let output = run(
        &[
            "extract",
            "testimony.txt",
            "--json",
            "--captured",
            "2024-05-21",
        ],
        temp.path(),
    );
    assert_eq!(
        code(&output),
        0,
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let line = json(&output);
    assert_eq!(line["document"], 0);
    let times: Vec<(&str, &str)> = line["times"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["text"].as_str().unwrap(), t["edtf"].as_str().unwrap()))
        .collect();
    assert_eq!(
        times,
        vec![("осенью 2022 года", "2022-23"), ("В прошлом году", "2023")]
    );
    assert_eq!(line["times"][1]["resolution"]["against"], "captured");
    assert_eq!(line["durations"][0]["iso"], "P6M");
    assert_eq!(line["quantities"][0]["value"], 500.0);
    assert_eq!(line["quantities"][0]["noun"], "человек");
    // Spans count characters of the text.
    assert_eq!(line["times"][0]["span"]["start"], 16);
}

#[test]
fn extract_names_people_units_and_places_with_the_installed_model() {
    if casefile_testkit::model_path("slovnet_ner_news_v1.tar").is_none() {
        return;
    }
    let temp = tempfile::tempdir().unwrap();
    std::fs::write(
        temp.path().join("post.txt"),
        "Бойцы батальона «Каскад» из Донецка пожаловались на командира Алексея Дикого.\n",
    )
    .unwrap();
    let output = common::casefile()
        .args(["extract", "post.txt", "--json"])
        .env("CASEFILE_MODELS", casefile_testkit::models_root())
        .current_dir(temp.path())
        .output()
        .unwrap();
    assert_eq!(
        code(&output),
        0,
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let line = json(&output);
    let mentions: Vec<(&str, &str)> = line["mentions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["text"].as_str().unwrap(), m["kind"].as_str().unwrap()))
        .collect();
    assert!(
        mentions.contains(&("Каскад", "organization")),
        "{mentions:?}"
    );
    assert!(mentions.contains(&("Донецка", "place")), "{mentions:?}");
    assert!(
        mentions.contains(&("Алексея Дикого", "person")),
        "{mentions:?}"
    );
    assert_eq!(line["mentions"][0]["method"], "slovnet_ner_news_v1");
}

/// `add` extracts documents on every core; each stored extraction must be
/// its own document's, in the order the documents were read.
#[test]
fn documents_extracted_in_parallel_keep_their_own_extractions() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    let messages: Vec<String> = (1..=300)
        .map(|n| {
            format!(
                r#"{{"id": {n}, "type": "message", "date_unixtime": "{}", "text": "Message {n}: about {} people were sent to the front."}}"#,
                1_700_000_000 + n * 60,
                n * 10
            )
        })
        .collect();
    std::fs::write(
        root.join("result.json"),
        format!(
            r#"{{"name": "Channel", "type": "public_channel", "id": 9, "messages": [{}]}}"#,
            messages.join(",")
        ),
    )
    .unwrap();
    assert_eq!(code(&run(&["init"], root)), 0);
    let added = run(&["add", "result.json", "--kind", "post"], root);
    assert_eq!(
        code(&added),
        0,
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let shown = run(&["documents", "--json"], root);
    assert_eq!(
        code(&shown),
        0,
        "{}",
        String::from_utf8_lossy(&shown.stderr)
    );
    let lines = common::json_lines(&shown);
    assert_eq!(lines.len(), 300);
    for (i, line) in lines.iter().enumerate() {
        let n = i as u64 + 1;
        assert_eq!(
            line["document"]["origin"]["message_id"], n,
            "documents in reading order"
        );
        let quantities = line["extraction"]["quantities"].as_array().unwrap();
        assert_eq!(quantities.len(), 1, "{line:#}");
        assert_eq!(
            quantities[0]["value"].as_f64(),
            Some((n * 10) as f64),
            "message {n} has its own extraction"
        );
    }
}

/// `casefile record list | head -1`: when the reader of the output goes
/// away, casefile stops quietly, not with a crash report.
#[test]
fn closed_output_ends_quietly() {
    use std::io::Read as _;
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    let messages: Vec<String> = (1..=1500)
        .map(|n| {
            format!(
                r#"{{"id": {n}, "type": "message", "date_unixtime": "{}", "text": "About {} people were sent to the front."}}"#,
                1_700_000_000 + n * 60,
                n + 10
            )
        })
        .collect();
    std::fs::write(
        root.join("result.json"),
        format!(r#"{{"name": "C", "messages": [{}]}}"#, messages.join(",")),
    )
    .unwrap();
    assert_eq!(code(&run(&["init"], root)), 0);
    assert_eq!(
        code(&run(&["add", "result.json", "--kind", "post"], root)),
        0
    );
    let mut child = common::casefile()
        .args(["record", "list"])
        .current_dir(root)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read one line's worth, then close the pipe.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(0), "{stderr}");
}

/// The same bytes added twice are one source with two acquisitions: both
/// are in the log, and the document, its names and its claims count once.
#[test]
fn the_same_file_added_twice_is_one_source_with_two_acquisitions() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    assert_eq!(code(&run(&["init"], root)), 0);
    std::fs::write(
        root.join("note.txt"),
        "In May 2024 recruiters from the Wagner Group came to the colony. Ivan Petrov signed a contract there.\n",
    )
    .unwrap();
    let first = run(&["add", "note.txt", "--kind", "news", "--json"], root);
    assert_eq!(
        code(&first),
        0,
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let again = run(&["add", "note.txt", "--kind", "news", "--json"], root);
    assert_eq!(
        code(&again),
        0,
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let again = json(&again);
    assert_eq!(
        again["tree_size"],
        FOUNDING + 2,
        "both acquisitions are logged: {again:#}"
    );
    assert_eq!(
        again["acquired_again"],
        serde_json::json!([{"log_index": FOUNDING + 1, "same_as": FOUNDING}])
    );
    // The sources read: the entries that founded the case and the note.
    assert_eq!(again["derived"]["sources"], FOUNDING + 1, "{again:#}");
    assert_eq!(again["derived"]["acquisitions"], 1, "{again:#}");
    assert_eq!(again["derived"]["documents"], 1, "{again:#}");
    // In words, for a person at the terminal.
    std::fs::copy(root.join("note.txt"), root.join("copy.txt")).unwrap();
    let said = run(&["add", "copy.txt", "--kind", "news"], root);
    let words = String::from_utf8_lossy(&said.stdout);
    assert!(
        words.contains("already in the case as source #3; logged as another acquisition"),
        "{words}"
    );
    let documents = common::json_lines(&run(&["documents", "--json"], root));
    assert_eq!(documents.len(), 1);
    let entities = common::json_lines(&run(&["entity", "list", "--json"], root));
    assert!(!entities.is_empty(), "the note names people and units");
    for entity in &entities {
        assert_eq!(entity["sources"], 1, "{entity}");
        assert_eq!(entity["mentions"], 1, "{entity}");
    }
    // A protected copy of open material is read and sealed on its own; so
    // is a second protected copy: each is stored as its own ciphertext, and
    // the log shows no two protected sources to hold the same bytes.
    let sealed = json(&run(
        &["add", "note.txt", "--kind", "testimony", "--json"],
        root,
    ));
    assert_eq!(
        sealed["acquired_again"],
        serde_json::json!([]),
        "{sealed:#}"
    );
    assert_eq!(sealed["derived"]["sources"], FOUNDING + 2, "{sealed:#}");
    assert_eq!(sealed["derived"]["sealed_sources"], 1, "{sealed:#}");
    let again = json(&run(
        &["add", "copy.txt", "--kind", "complaint", "--json"],
        root,
    ));
    assert_eq!(again["acquired_again"], serde_json::json!([]), "{again:#}");
    assert_eq!(again["derived"]["sources"], FOUNDING + 3, "{again:#}");
    assert_eq!(again["derived"]["sealed_sources"], 2, "{again:#}");
    // Every acquisition's log entry verifies.
    assert_eq!(code(&run(&["verify"], root)), 0);
}
