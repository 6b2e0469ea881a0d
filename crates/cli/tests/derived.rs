//! `casefile add` reads what it stores into the derived store,
//! `casefile documents` shows it, `casefile rebuild` makes it again from the
//! vault; protected sources are sealed there.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

mod common;

use std::path::Path;

use common::{FOUNDING, code, json, run};

/// Every byte of every file under `dir`.
fn all_bytes(dir: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            out.extend(std::fs::read(entry.path()).unwrap());
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

const TESTIMONY: &str = "Меня зовут Остап Вернигора. В ноябре 2022 года мне обещали \
     помилование через шесть месяцев службы, но после этого срока никого не отпустили.\n";

const PAGE: &str = "<html><head><title>Unit disbanded</title></head><body><nav>Home News</nav>\
     <article><h1>Unit disbanded</h1><p>The volunteer unit was disbanded in April 2024, two of its \
     former members said, and its fighters were told to sign new contracts.</p><p>Those who \
     refused say they were threatened with prosecution and sent back to the front line.</p>\
     </article></body></html>";

fn case_with_sources() -> tempfile::TempDir {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    assert_eq!(code(&run(&["init"], root)), 0);
    std::fs::write(root.join("statement.txt"), TESTIMONY).unwrap();
    std::fs::write(root.join("page.html"), PAGE).unwrap();
    std::fs::write(root.join("photo.jpg"), [0xff, 0xd8, 0xff, 0xe0, 0, 0, 1, 2]).unwrap();
    let added = run(
        &["add", "statement.txt", "--kind", "testimony", "--json"],
        root,
    );
    assert_eq!(code(&added), 0);
    let report = json(&added);
    // The first add reads the entries that founded the case too.
    assert_eq!(report["read"]["sources"], FOUNDING + 1);
    assert_eq!(report["read"]["sealed"], 1);
    let added = run(&["add", "page.html", "photo.jpg", "--kind", "news"], root);
    assert_eq!(
        code(&added),
        0,
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    assert!(
        stdout(&added).contains("read 2 sources into 1 documents; 1 had no reader"),
        "{}",
        stdout(&added)
    );
    temp
}

#[test]
fn documents_are_stored_sealed_when_protected_and_shown_to_the_user() {
    let temp = case_with_sources();
    let root = temp.path();
    let output = run(&["documents", "--json"], root);
    assert_eq!(code(&output), 0);
    let lines: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["source"], FOUNDING);
    assert_eq!(
        lines[0]["document"]["text"].as_str().unwrap(),
        TESTIMONY.trim_end()
    );
    assert_eq!(lines[0]["document"]["language"]["code"], "ru");
    // Its extraction is stored with it (sealed too).
    assert_eq!(
        lines[0]["extraction"]["times"][0]["text"],
        "ноябре 2022 года"
    );
    assert_eq!(lines[0]["extraction"]["times"][0]["edtf"], "2022-11");
    assert_eq!(lines[0]["extraction"]["durations"][0]["iso"], "P6M");
    assert_eq!(lines[1]["source"], FOUNDING + 1);
    assert!(
        lines[1]["document"]["text"]
            .as_str()
            .unwrap()
            .contains("disbanded in April 2024")
    );
    // One source by id, log index or hash.
    let one = run(&["documents", "4"], root);
    assert!(stdout(&one).starts_with("#4 page.html \"Unit disbanded\""));

    // The testimony's words and file name are nowhere in the case folder:
    // not in the vault (its blob is ciphertext), the log, the derived
    // store or the catalogue.
    let data = root.join(".casefile");
    let everything = all_bytes(&data);
    for needle in ["Вернигора", "помилование", "statement.txt"] {
        assert!(
            !contains(&everything, needle),
            "the case folder holds {needle}"
        );
    }
    // The public page is stored readable.
    assert!(contains(
        &all_bytes(&data.join("derived")),
        "threatened with prosecution"
    ));
    // The derived store's key is kept wrapped, never in plain text.
    assert!(!data.join("sealing.key").exists());
    let key = std::fs::metadata(data.join("keys/derived.key")).unwrap();
    use std::os::unix::fs::PermissionsExt as _;
    assert_eq!(key.permissions().mode() & 0o777, 0o600);
}

#[test]
fn rebuild_from_nothing_gives_the_same_documents() {
    let temp = case_with_sources();
    let root = temp.path();
    let before = run(&["documents", "--json"], root);
    std::fs::remove_dir_all(root.join(".casefile/derived")).unwrap();
    let missing = run(&["documents"], root);
    assert_eq!(code(&missing), 0);
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("6 sources have not been read"),
        "{}",
        String::from_utf8_lossy(&missing.stderr)
    );
    let rebuilt = run(&["rebuild", "--json"], root);
    assert_eq!(code(&rebuilt), 0);
    let report = json(&rebuilt);
    assert_eq!(report["derived"]["sources"], FOUNDING + 3);
    assert_eq!(report["derived"]["documents"], 2);
    assert_eq!(report["derived"]["sealed_sources"], 1);
    let after = run(&["documents", "--json"], root);
    assert_eq!(stdout(&before), stdout(&after));

    // Losing the derived store's key: the sealed document no longer
    // opens, the error says what to do, and a rebuild seals it again under
    // a new key.
    std::fs::remove_file(root.join(".casefile/keys/derived.key")).unwrap();
    let locked = run(&["documents", "3"], root);
    assert_eq!(code(&locked), 1);
    let message = String::from_utf8_lossy(&locked.stderr);
    assert!(message.contains("casefile rebuild"), "{message}");
    assert!(!message.contains("Вернигора"));
    assert_eq!(code(&run(&["rebuild"], root)), 0);
    assert_eq!(
        stdout(&run(&["documents", "--json"], root)),
        stdout(&before)
    );
    // And the vault itself was never touched.
    assert_eq!(code(&run(&["verify"], root)), 0);
}

#[test]
fn a_changed_blob_is_not_read_into_documents() {
    let temp = case_with_sources();
    let root = temp.path();
    let blobs = root.join(".casefile/blobs/sha256");
    let page_blob = walkdir::WalkDir::new(&blobs)
        .into_iter()
        .map(|entry| entry.unwrap().into_path())
        .find(|path| path.is_file() && std::fs::read(path).unwrap() == PAGE.as_bytes())
        .unwrap();
    let changed = PAGE.replace("April 2024", "April 2025");
    std::fs::write(&page_blob, changed).unwrap();
    let rebuilt = run(&["rebuild"], root);
    assert_eq!(
        code(&rebuilt),
        3,
        "{}",
        String::from_utf8_lossy(&rebuilt.stderr)
    );
    let message = String::from_utf8_lossy(&rebuilt.stderr);
    assert!(message.contains("source #4"), "{message}");
    assert!(message.contains("no longer match"), "{message}");
    let documents = run(&["documents", "--json"], root);
    assert!(!stdout(&documents).contains("April 2025"));
}

/// An empty report of a case whose sources are all protected says why it
/// is empty and how to include them (issue: promises read right from a
/// documenter's notes).
#[test]
fn an_empty_report_names_the_protected_sources_it_left_out() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    assert_eq!(code(&run(&["init"], root)), 0);
    std::fs::write(
        root.join("call.txt"),
        "Меня били током в марте 2024 года. Нам обещали амнистию через полгода.\n",
    )
    .unwrap();
    assert_eq!(
        code(&run(&["add", "call.txt", "--kind", "testimony"], root)),
        0
    );
    let report = run(&["report", "--as-of", "2024-12-01"], root);
    assert_eq!(code(&report), 0);
    let text = String::from_utf8_lossy(&report.stdout);
    assert!(
        text.contains("  no violations in the sources read; 1 protected source (testimonies, complaints) is left out: `--include-protected` includes it"),
        "{text}"
    );
    let report = json(&run(&["report", "--json", "--as-of", "2024-12-01"], root));
    assert_eq!(report["protected_left_out"], 1);
    let timeline = run(&["timeline"], root);
    assert!(String::from_utf8_lossy(&timeline.stdout).contains("--include-protected"));
    // Included, the section is filled and nothing is said of it.
    let included = run(
        &["report", "--include-protected", "--as-of", "2024-12-01"],
        root,
    );
    let text = String::from_utf8_lossy(&included.stdout);
    assert!(!text.contains("no violations"), "{text}");
    assert!(!text.contains("is left out"), "{text}");
}
