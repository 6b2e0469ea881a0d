//! Protected material encrypted at rest: a testimony leaves no trace of its
//! witness in the case folder (also when the add is killed), the case works
//! locked, removed members' keys open nothing added or rekeyed after, a
//! changed key file or ciphertext is caught, and a disclosure package of
//! one source checks with no case and opens with a standard age tool.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{FOUNDING, casefile, code, json, json_lines, ok, run};

/// What would identify the witness: their name, phone number, village and
/// one sentence of what they said; the file name, note and URL say them too.
const NAME: &str = "Зиновий Канарейкин";
const PHONE: &str = "+7 912 555-83-41";
const VILLAGE: &str = "Щеглово-Заречное";
const SENTENCE: &str = "Меня держали в подвале у водокачки три дня.";
const FILE_NAME: &str = "Канарейкин-показания.txt";
const NOTE: &str = "записано со слов Канарейкина, звонить +79125558341";
const URL: &str = "https://example.org/shcheglovo-zarechnoe/kanareikin";

fn testimony() -> String {
    format!(
        "Я, {NAME}, житель села {VILLAGE}, телефон {PHONE}. В марте 2024 года мне обещали \
         помилование через полгода. {SENTENCE} Нас, около 40 человек, били током.\n"
    )
}

/// Every form a tool would find a canary in: UTF-8, UTF-16 (both byte
/// orders), lower case, and transliterated to Latin letters.
fn needles() -> Vec<(String, Vec<u8>)> {
    let mut texts: Vec<String> = [
        NAME,
        "Канарейкин",
        VILLAGE,
        SENTENCE,
        "79125558341",
        "555-83-41",
    ]
    .iter()
    .map(|t| (*t).to_owned())
    .collect();
    for text in texts.clone() {
        texts.push(text.to_lowercase());
        let latin = deunicode::deunicode(&text);
        texts.push(latin.clone());
        texts.push(latin.to_lowercase());
    }
    texts.push("kanareikin".into());
    texts.push("shcheglovo".into());
    let mut out = Vec::new();
    for text in texts {
        out.push((format!("{text} (UTF-8)"), text.as_bytes().to_vec()));
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        out.push((format!("{text} (UTF-16LE)"), le));
        out.push((format!("{text} (UTF-16BE)"), be));
    }
    out
}

/// Every file under `dir` (SQLite files and their WAL, index segments,
/// log files, checkpoints, keys, temporary files).
fn files(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .collect()
}

/// Fails naming the file and the form when any canary is in the folder.
fn assert_no_canary(dir: &Path) {
    let all = files(dir);
    assert!(all.len() > 10, "the folder is nearly empty: {all:?}");
    assert_no_canary_in(all);
}

/// Fails naming the file and the form when any canary is in `all`.
fn assert_no_canary_in(all: Vec<PathBuf>) {
    let needles = needles();
    for path in all {
        let bytes = std::fs::read(&path).unwrap();
        let lower = bytes.to_ascii_lowercase();
        for (what, needle) in &needles {
            let found = bytes.windows(needle.len()).any(|w| w == needle.as_slice())
                || lower.windows(needle.len()).any(|w| w == needle.as_slice());
            assert!(!found, "{} holds {what}", path.display());
        }
    }
}

/// A case in `root/case` holding a news page and the canary testimony.
fn case_with_testimony(temp: &Path) -> PathBuf {
    let root = temp.join("case");
    std::fs::create_dir(&root).unwrap();
    ok(&["init", "--origin", "casefile/protected"], &root);
    let inbox = temp.join("inbox");
    std::fs::create_dir(&inbox).unwrap();
    std::fs::write(inbox.join(FILE_NAME), testimony()).unwrap();
    std::fs::write(
        inbox.join("news.txt"),
        "In March 2024 recruiters promised prisoners a pardon after six months of service.\n",
    )
    .unwrap();
    ok(
        &[
            "add",
            inbox.join("news.txt").to_str().unwrap(),
            "--kind",
            "news",
        ],
        &root,
    );
    ok(
        &[
            "add",
            inbox.join(FILE_NAME).to_str().unwrap(),
            "--kind",
            "testimony",
            "--note",
            NOTE,
            "--url",
            URL,
            "--acquired-at",
            "2024-05-02",
        ],
        &root,
    );
    root
}

/// The testimony's log index in [`case_with_testimony`].
const TESTIMONY: u64 = FOUNDING + 1;

#[test]
fn a_testimony_leaves_no_trace_of_its_witness_in_the_case_folder() {
    let temp = tempfile::tempdir().unwrap();
    let root = case_with_testimony(temp.path());
    // Read: the cleared member sees the testimony, its name and note.
    let shown = ok(&["documents", &TESTIMONY.to_string(), "--json"], &root);
    let shown = String::from_utf8_lossy(&shown.stdout).into_owned();
    assert!(shown.contains(SENTENCE), "{shown}");
    let report = ok(
        &["report", "--include-protected", "--as-of", "2024-12-01"],
        &root,
    );
    assert!(!report.stdout.is_empty());
    ok(&["search", "pardon"], &root);
    // It takes full part: its witness is an entity, it proposes records,
    // and its words are found.
    let entities = json_lines(&ok(&["entity", "list", "--json"], &root));
    let witness = entities
        .iter()
        .find(|e| e["name"] == NAME)
        .unwrap_or_else(|| panic!("no entity {NAME}: {entities:?}"));
    let witness = witness["id"].as_str().unwrap().to_owned();
    let records = json_lines(&ok(&["record", "list", "--json"], &root));
    let of_testimony = |kind: &str| -> Vec<String> {
        records
            .iter()
            .filter(|r| r["kind"] == kind)
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .filter(|id| id[1..].starts_with(&format!("{TESTIMONY}.")))
            .collect()
    };
    let violation = of_testimony("violation");
    assert_eq!(violation.len(), 1, "{records:?}");
    assert_eq!(of_testimony("group").len(), 1, "{records:?}");
    let found = json(&ok(&["search", "Канарейкин", "--json"], &root));
    assert!(
        found["hits"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["source"] == TESTIMONY),
        "{found}"
    );
    // Curation of it is logged sealed, like the testimony: this record
    // made by hand links the witness, cites the testimony, and its note
    // names the witness.
    let made = json(&ok(
        &[
            "record",
            "add",
            "violation",
            "удержание в подвале",
            "--link",
            &format!("victim=E{witness}"),
            "--cite",
            &format!("{TESTIMONY}.0:0-20"),
            "--note",
            NOTE,
            "--json",
        ],
        &root,
    ));
    let by_hand = made["record"]["id"].as_str().unwrap().to_owned();
    ok(&["record", "confirm", &violation[0]], &root);
    let shown = json(&ok(&["record", "show", &violation[0], "--json"], &root));
    assert_eq!(shown["record"]["status"], "confirmed", "{shown}");
    ok(&["rebuild"], &root);
    let shown = json(&ok(&["record", "show", &violation[0], "--json"], &root));
    assert_eq!(shown["record"]["status"], "confirmed", "{shown}");
    let shown = json(&ok(&["record", "show", &by_hand, "--json"], &root));
    assert_eq!(shown["record"]["label"], "удержание в подвале", "{shown}");
    ok(&["verify"], &root);
    let package = temp.path().join("disclosure");
    ok(
        &[
            "disclose",
            &TESTIMONY.to_string(),
            "--out",
            package.to_str().unwrap(),
        ],
        &root,
    );
    assert_no_canary(&root);
    // The disclosure, outside the case folder, does hold the testimony: it
    // is what was asked for.
    let plain = std::fs::read_to_string(package.join("plaintext")).unwrap();
    assert_eq!(plain, testimony());
}

#[test]
fn a_testimony_add_killed_at_any_moment_leaves_no_trace_either() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().join("case");
    std::fs::create_dir(&root).unwrap();
    ok(&["init"], &root);
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let mut kills = 0;
    for round in 0..5 {
        let inbox = temp.path().join(format!("inbox{round}"));
        std::fs::create_dir(&inbox).unwrap();
        for i in 0..60 {
            std::fs::write(
                inbox.join(format!("{i:03}-{FILE_NAME}")),
                format!("{}{i}\n", testimony()).repeat(5),
            )
            .unwrap();
        }
        let mut child = casefile()
            .args(["add", "--kind", "testimony", "--note", NOTE])
            .arg(&inbox)
            .current_dir(&root)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        std::thread::sleep(Duration::from_millis(50 + seed % 900));
        if matches!(child.try_wait(), Ok(None)) {
            child.kill().unwrap();
            kills += 1;
        }
        child.wait().unwrap();
        assert_no_canary(&root);
    }
    assert!(kills > 0, "no add was killed: the test proved nothing");
    // The case recovers, verifies, and reads what was logged.
    ok(&["verify"], &root);
    ok(&["report", "--as-of", "2024-12-01"], &root);
    let documents = ok(&["documents", "--json"], &root);
    assert!(String::from_utf8_lossy(&documents.stdout).contains(SENTENCE));
    assert_no_canary(&root);
}

/// `casefile` as someone without the identity's passphrase (no terminal,
/// nothing in the environment).
fn locked(args: &[&str], root: &Path) -> std::process::Output {
    casefile()
        .args(args)
        .env_remove("CASEFILE_PASSPHRASE")
        .current_dir(root)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn locked_the_case_says_so_and_the_rest_works() {
    let temp = tempfile::tempdir().unwrap();
    let root = case_with_testimony(temp.path());
    let unlocked_report = ok(&["report", "--as-of", "2024-12-01"], &root).stdout;
    // A new testimony is added (sealed to the epoch's public key) without
    // any passphrase, and stays unread.
    std::fs::write(root.join("second.txt"), "Второе показание.\n").unwrap();
    let added = locked(&["add", "second.txt", "--kind", "testimony"], &root);
    assert_eq!(
        code(&added),
        0,
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let said = String::from_utf8_lossy(&added.stderr).into_owned()
        + &String::from_utf8_lossy(&added.stdout);
    assert!(said.contains("stays locked"), "{said}");
    assert!(
        said.contains("1 protected sources stay locked and unread"),
        "{said}"
    );
    // The entities, records and search hold what the open sources say.
    let listed = locked(&["entity", "list", "--json"], &root);
    assert_eq!(code(&listed), 0);
    let listed = String::from_utf8_lossy(&listed.stdout).into_owned();
    assert!(!listed.contains("Канарейкин"), "{listed}");
    let records = json_lines(&locked(&["record", "list", "--json"], &root));
    assert!(!records.is_empty());
    assert!(
        !records
            .iter()
            .any(|r| r["id"].as_str().unwrap()[1..].starts_with(&format!("{TESTIMONY}."))),
        "{records:?}"
    );
    let found = json(&locked(&["search", "Канарейкин", "--json"], &root));
    assert_eq!(found["total"], 0, "{found}");
    // The public part of the report is what it was.
    let report = locked(&["report", "--as-of", "2024-12-01"], &root);
    assert_eq!(code(&report), 0);
    assert_eq!(report.stdout, unlocked_report);
    // The protected part says it is locked, and never shows the witness.
    let refused = locked(&["documents", &TESTIMONY.to_string()], &root);
    assert_ne!(code(&refused), 0);
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(message.contains("locked"), "{message}");
    assert!(!message.contains("Канарейкин"), "{message}");
    // Unlocked again, the next command that brings the case up to date
    // reads the second testimony.
    ok(&["report", "--as-of", "2024-12-01"], &root);
    let shown = ok(
        &["documents", &(TESTIMONY + 1).to_string(), "--json"],
        &root,
    );
    assert!(String::from_utf8_lossy(&shown.stdout).contains("Второе показание"));
}

/// A member's identity file, plain, made by `casefile identity new`.
fn plain_identity(dir: &Path, name: &str) -> (PathBuf, String) {
    let path = dir.join(format!("{name}.age"));
    let made = casefile()
        .args(["identity", "new", "--plain", "--identity"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(code(&made), 0, "{}", String::from_utf8_lossy(&made.stderr));
    (
        path,
        String::from_utf8(made.stdout).unwrap().trim().to_owned(),
    )
}

fn as_member(identity: &Path, args: &[&str], root: &Path) -> std::process::Output {
    casefile()
        .args(args)
        .env("CASEFILE_IDENTITY", identity)
        .current_dir(root)
        .output()
        .unwrap()
}

/// Every case key a member's identity unwraps from the log's key
/// documents: what a removed member may have kept.
fn case_keys_of(root: &Path, identity: &Path) -> Vec<casefile_keys::CaseKey> {
    let identity =
        casefile_keys::Identity::from_file(&std::fs::read(identity).unwrap(), None, "identity")
            .unwrap();
    files(&root.join(".casefile/blobs"))
        .iter()
        .filter_map(|path| {
            let bytes = std::fs::read(path).ok()?;
            casefile_keys::WrappedKey::parse(&bytes, "key document").ok()
        })
        .filter_map(|document| document.unwrap(&identity).ok())
        .collect()
}

/// The key file and ciphertext hash of a sealed source.
fn key_file_of(root: &Path, index: u64) -> (PathBuf, String) {
    let proof = json(&ok(&["log", "proof", &index.to_string(), "--json"], root));
    let entry = base64::Engine::decode(
        &base64::engine::general_purpose::STANDARD,
        proof["entry"].as_str().unwrap(),
    )
    .unwrap();
    let entry = String::from_utf8(entry).unwrap();
    assert!(entry.starts_with("casefile-entry 2\n"), "{entry}");
    let sha = entry
        .lines()
        .find_map(|l| l.strip_prefix("sha256 "))
        .unwrap()
        .to_owned();
    let path = root
        .join(".casefile/keys/sources")
        .join(&sha[..2])
        .join(format!("{sha}.key"));
    (path, sha)
}

/// Whether any of `keys` opens the key file of source `index`.
fn opens(keys: &[casefile_keys::CaseKey], root: &Path, index: u64) -> bool {
    let (path, sha) = key_file_of(root, index);
    let file = std::fs::read(path).unwrap();
    keys.iter()
        .any(|key| casefile_keys::SourceKey::unwrap(&file, key, &sha, "key file").is_ok())
}

#[test]
fn a_removed_members_keys_open_nothing_added_or_rekeyed_after() {
    let temp = tempfile::tempdir().unwrap();
    let root = case_with_testimony(temp.path());
    let (bob, bob_recipient) = plain_identity(temp.path(), "bob");
    ok(
        &[
            "member",
            "add",
            "bob",
            "--recipient",
            &bob_recipient,
            "--role",
            "documenter",
            "--clearance",
            "protected",
        ],
        &root,
    );
    let listed = json(&ok(&["member", "list", "--json"], &root));
    assert_eq!(listed["members"].as_array().unwrap().len(), 3, "{listed}");
    // Bob reads the testimony added before he joined.
    let read = as_member(
        &bob,
        &["documents", &TESTIMONY.to_string(), "--json"],
        &root,
    );
    assert_eq!(code(&read), 0, "{}", String::from_utf8_lossy(&read.stderr));
    assert!(String::from_utf8_lossy(&read.stdout).contains(SENTENCE));

    let removed = json(&ok(&["member", "remove", "bob", "--json"], &root));
    assert_eq!(removed["new_epoch"], true, "{removed}");
    assert_eq!(removed["epoch"], 1);
    std::fs::write(root.join("after.txt"), "Показание после ухода Боба.\n").unwrap();
    ok(&["add", "after.txt", "--kind", "testimony"], &root);
    let after = json(&ok(&["verify", "--json"], &root))["tree_size"]
        .as_u64()
        .unwrap()
        - 1;
    // Bob's identity no longer unlocks the case.
    let refused = as_member(&bob, &["documents", &after.to_string()], &root);
    assert_ne!(code(&refused), 0);
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not a member"));
    // Bob kept the case key he was given: it opens the old testimony's key
    // file, never the new one's.
    let kept = case_keys_of(&root, &bob);
    assert_eq!(kept.len(), 1);
    assert!(opens(&kept, &root, TESTIMONY));
    assert!(!opens(&kept, &root, after));
    // After a rekey, it opens nothing in the case folder.
    let rekeyed = json(&ok(&["rekey", "--json"], &root));
    assert_eq!(rekeyed["epoch"], 1);
    assert!(rekeyed["rewrapped"].as_u64().unwrap() >= 2, "{rekeyed}");
    assert!(!opens(&kept, &root, TESTIMONY));
    // The members still cleared read everything.
    assert!(
        String::from_utf8_lossy(
            &ok(&["documents", &TESTIMONY.to_string(), "--json"], &root).stdout
        )
        .contains(SENTENCE)
    );
    let recovery = &common::test_keys().recovery;
    let read = as_member(
        recovery,
        &["documents", &after.to_string(), "--json"],
        &root,
    );
    assert!(String::from_utf8_lossy(&read.stdout).contains("после ухода"));
    ok(&["verify"], &root);
}

#[test]
fn a_changed_key_file_or_swapped_ciphertext_is_caught_and_named() {
    let temp = tempfile::tempdir().unwrap();
    let root = case_with_testimony(temp.path());
    std::fs::write(root.join("other.txt"), "Другое показание.\n").unwrap();
    ok(&["add", "other.txt", "--kind", "testimony"], &root);
    let (key_path, sha) = key_file_of(&root, TESTIMONY);
    let original = std::fs::read(&key_path).unwrap();
    // A key file changed anywhere (sampled) does not open, and the error
    // names the source's key file (disclosing is what opens it).
    let disclose = |n: usize| {
        let out = temp.path().join(format!("try{n}"));
        run(
            &[
                "disclose",
                &TESTIMONY.to_string(),
                "--out",
                out.to_str().unwrap(),
            ],
            &root,
        )
    };
    for position in (0..original.len()).step_by(23) {
        let mut changed = original.clone();
        changed[position] ^= 0x01;
        std::fs::write(&key_path, &changed).unwrap();
        let shown = disclose(position);
        let said = String::from_utf8_lossy(&shown.stderr).into_owned();
        assert_ne!(code(&shown), 0, "byte {position} went unnoticed");
        assert!(
            !said.contains("Канарейкин") && said.contains(&format!("source #{TESTIMONY}")),
            "byte {position}: {said}"
        );
    }
    // A key file swapped for another source's is refused.
    let (other_key, _) = key_file_of(&root, TESTIMONY + 1);
    std::fs::copy(&other_key, &key_path).unwrap();
    let swapped = disclose(usize::MAX);
    let said = String::from_utf8_lossy(&swapped.stderr);
    assert_ne!(code(&swapped), 0);
    assert!(said.contains("swapped"), "{said}");
    std::fs::write(&key_path, &original).unwrap();
    assert_eq!(code(&disclose(usize::MAX - 1)), 0);
    // The ciphertext replaced by another valid ciphertext for the same
    // recipients: `verify` names the blob, with no key at all.
    let blob = root
        .join(".casefile/blobs/sha256")
        .join(&sha[..2])
        .join(&sha);
    let (_, other_sha) = key_file_of(&root, TESTIMONY + 1);
    let other_blob = root
        .join(".casefile/blobs/sha256")
        .join(&other_sha[..2])
        .join(&other_sha);
    std::fs::copy(&other_blob, &blob).unwrap();
    let verified = casefile()
        .args(["verify", "--json"])
        .env_remove("CASEFILE_IDENTITY")
        .current_dir(&root)
        .output()
        .unwrap();
    assert_eq!(code(&verified), 3);
    let report = json(&verified);
    assert!(
        report["problems"][0]["file"]
            .as_str()
            .unwrap()
            .contains(&sha),
        "{report}"
    );
}

#[test]
fn a_disclosure_checks_without_a_case_and_opens_with_a_standard_age_tool() {
    let temp = tempfile::tempdir().unwrap();
    let root = case_with_testimony(temp.path());
    let package = temp.path().join("package");
    let made = json(&ok(
        &[
            "disclose",
            &TESTIMONY.to_string(),
            "--out",
            package.to_str().unwrap(),
            "--json",
        ],
        &root,
    ));
    assert_eq!(made["log_index"], TESTIMONY);
    assert_eq!(made["name"], FILE_NAME);
    // Checked from anywhere, with no identity and no case.
    let check = |dir: &Path| {
        casefile()
            .args(["disclose", "verify", "--json"])
            .arg(dir)
            .env_remove("CASEFILE_IDENTITY")
            .current_dir(temp.path())
            .output()
            .unwrap()
    };
    let checked = check(&package);
    assert_eq!(
        code(&checked),
        0,
        "{}",
        String::from_utf8_lossy(&checked.stdout)
    );
    assert_eq!(json(&checked)["check"]["log_index"], TESTIMONY);
    let fields = std::fs::read_to_string(package.join("fields.txt")).unwrap();
    assert!(fields.contains(NOTE) && fields.contains(URL), "{fields}");
    // It holds the key of that source alone: it opens no other.
    let key = casefile_keys::SourceKey::from_identity_file(
        &std::fs::read_to_string(package.join("source-key.txt")).unwrap(),
        "key",
    )
    .unwrap();
    std::fs::write(root.join("other.txt"), "Другое показание.\n").unwrap();
    ok(&["add", "other.txt", "--kind", "testimony"], &root);
    // (The disclosure was logged as a hand-out: the other testimony is the
    // last entry.)
    let size = json(&ok(&["verify", "--json"], &root))["tree_size"]
        .as_u64()
        .unwrap();
    let (_, other_sha) = key_file_of(&root, size - 1);
    let other_blob = root
        .join(".casefile/blobs/sha256")
        .join(&other_sha[..2])
        .join(&other_sha);
    assert!(
        key.open_bytes(&std::fs::read(other_blob).unwrap(), "other")
            .is_err()
    );
    // Every checked file changed anywhere (sampled) makes the check fail,
    // naming it.
    for name in [
        "ciphertext.age",
        "source-key.txt",
        "plaintext",
        "fields.txt",
        "entry.txt",
        "proof.json",
        "checkpoint.txt",
        "verifier.key",
    ] {
        let path = package.join(name);
        let original = std::fs::read(&path).unwrap();
        let stride = (original.len() / 12).max(1);
        // The key file's comment lines say what it is for and are not
        // checked; its key line is.
        let from = if name == "source-key.txt" {
            original
                .windows(14)
                .position(|w| w == b"AGE-SECRET-KEY")
                .unwrap()
        } else {
            0
        };
        for position in (from..original.len()).step_by(stride) {
            let mut changed = original.clone();
            changed[position] ^= 0x01;
            std::fs::write(&path, &changed).unwrap();
            let failed = check(&package);
            assert_ne!(code(&failed), 0, "{name} byte {position} went unnoticed");
            let said = String::from_utf8_lossy(&failed.stdout).into_owned()
                + &String::from_utf8_lossy(&failed.stderr);
            assert!(
                said.contains(name) || name == "verifier.key" || name == "checkpoint.txt",
                "{name} byte {position}: {said}"
            );
        }
        std::fs::write(&path, &original).unwrap();
    }
    assert_eq!(code(&check(&package)), 0);

    // The standard age tool (Debian's `age`, installed by .ci/run) opens the
    // ciphertext with the disclosed key to the plaintext.
    let age = std::process::Command::new("age")
        .arg("--decrypt")
        .arg("--identity")
        .arg(package.join("source-key.txt"))
        .arg(package.join("ciphertext.age"))
        .output();
    match age {
        Ok(output) => {
            assert!(
                output.status.success(),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            );
            assert_eq!(
                output.stdout,
                std::fs::read(package.join("plaintext")).unwrap()
            );
        }
        Err(error) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "the age tool is missing in CI ({error}): .ci/run installs Debian's age"
            );
            println!("skipped: the age tool is not installed ({error}); apt install age");
        }
    }
}

/// Output of a command that must fail, as text (stdout and stderr).
fn refused(args: &[&str], root: &Path) -> String {
    let output = run(args, root);
    assert_ne!(code(&output), 0, "{args:?} succeeded");
    String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr)
}

fn text(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn a_witness_is_shown_by_pseudonym_and_their_consent_decides_each_disclosure() {
    let temp = tempfile::tempdir().unwrap();
    let root = case_with_testimony(temp.path());
    let t = TESTIMONY.to_string();
    let added = json(&ok(
        &[
            "witnesses",
            "add",
            "--name",
            NAME,
            "--contact",
            PHONE,
            "--source",
            &t,
            "--json",
        ],
        &root,
    ));
    assert_eq!(added["pseudonym"], "W-001");
    // Every output shows the pseudonym; names only when a cleared member
    // asks for them.
    let listed = text(&ok(&["witnesses", "list"], &root));
    assert!(listed.starts_with("W-001"), "{listed}");
    assert!(!listed.contains("Канарейкин"), "{listed}");
    let entities = text(&ok(&["entity", "list"], &root));
    assert!(entities.contains("W-001"), "{entities}");
    assert!(!entities.contains("Канарейкин"), "{entities}");
    // Names only of a witness who consented to internal analysis by name.
    let named = text(&ok(&["--names", "entity", "list"], &root));
    assert!(!named.contains("Канарейкин"), "{named}");
    let shown = text(&ok(&["documents", &t], &root));
    assert!(shown.contains("[W-001]"), "{shown}");
    assert!(!shown.contains("Канарейкин"), "{shown}");
    // Without consent to internal analysis, the report leaves the
    // testimony out and says why.
    let report = text(&ok(
        &["report", "--include-protected", "--as-of", "2024-12-01"],
        &root,
    ));
    assert!(
        report.contains(&format!(
            "left out: #{t}, W-001 has not consented to internal analysis"
        )),
        "{report}"
    );
    assert!(!report.contains(SENTENCE), "{report}");
    ok(&["consent", "give", "W-001", "--to", "internal"], &root);
    let report = text(&ok(
        &["report", "--include-protected", "--as-of", "2024-12-01"],
        &root,
    ));
    assert!(!report.contains("left out"), "{report}");
    assert!(!report.contains("Канарейкин"), "{report}");
    let named = text(&ok(&["--names", "entity", "list"], &root));
    assert!(!named.contains("Канарейкин"), "anonymous consent: {named}");
    ok(
        &["consent", "give", "W-001", "--to", "internal", "--named"],
        &root,
    );
    let named = text(&ok(&["--names", "entity", "list"], &root));
    assert!(named.contains(NAME), "{named}");
    assert!(text(&ok(&["--names", "documents", &t], &root)).contains(NAME));
    // Locked, nothing of them is shown, not even the list.
    let locked_list = locked(&["witnesses", "list"], &root);
    assert_ne!(code(&locked_list), 0);
    let names_locked = locked(&["--names", "entity", "list"], &root);
    assert_ne!(code(&names_locked), 0, "names need a cleared member");

    // Masks: the machine proposes the phone number; once confirmed it is
    // barred in what is shown.
    let proposals = json_lines(&ok(&["mask", "propose", &t, "--json"], &root));
    let phone = proposals
        .iter()
        .find(|p| p["proposal"]["kind"] == "phone")
        .unwrap_or_else(|| panic!("no phone proposed: {proposals:?}"));
    assert_eq!(phone["proposal"]["text"], PHONE);
    assert!(
        proposals
            .iter()
            .any(|p| p["proposal"]["text"] == VILLAGE && p["proposal"]["kind"] == "address"),
        "{proposals:?}"
    );
    let number = phone["number"].to_string();
    ok(&["mask", "confirm", &t, &number], &root);
    let shown = text(&ok(&["documents", &t], &root));
    assert!(shown.contains("[phone]"), "{shown}");
    assert!(!shown.contains("555-83-41"), "{shown}");
    let confirmed = json(&ok(&["mask", "confirm", &t, "--all", "--json"], &root));
    assert_eq!(
        confirmed["confirmed"].as_u64().unwrap() as usize,
        proposals.len() - 1,
        "the phone was confirmed already"
    );
    let shown = text(&ok(&["documents", &t], &root));
    assert!(!shown.contains(VILLAGE), "{shown}");

    // No consent: no disclosure, and the refusal says why without the name.
    let package = temp.path().join("package");
    let why = refused(&["disclose", &t, "--out", package.to_str().unwrap()], &root);
    assert!(
        why.contains("W-001 has not consented to submission to a court"),
        "{why}"
    );
    assert!(!why.contains("Канарейкин"), "{why}");
    assert!(!package.exists());
    // Anonymous consent to a court: a redacted package, which verifies.
    ok(
        &[
            "consent",
            "give",
            "W-001",
            "--to",
            "court",
            "--at",
            "2024-05-03",
        ],
        &root,
    );
    ok(&["disclose", &t, "--out", package.to_str().unwrap()], &root);
    assert!(package.join("redacted.txt").exists());
    for withheld in ["source-key.txt", "plaintext", "fields.txt"] {
        assert!(
            !package.join(withheld).exists(),
            "{withheld} in a redacted package"
        );
    }
    ok(&["disclose", "verify", package.to_str().unwrap()], &root);
    // It holds the account (what the court needs), nothing that
    // identifies the witness.
    let rendering = std::fs::read_to_string(package.join("redacted.txt")).unwrap();
    assert!(rendering.contains(SENTENCE), "{rendering}");
    for path in files(&package) {
        let bytes = std::fs::read(&path).unwrap();
        for needle in [
            NAME,
            "Канарейкин",
            VILLAGE,
            PHONE,
            "555-83-41",
            "79125558341",
        ] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "{} holds {needle}",
                path.display()
            );
        }
    }
    // Consent to a court is not consent to publication.
    let why = refused(
        &[
            "disclose",
            &t,
            "--for",
            "publication",
            "--out",
            temp.path().join("public").to_str().unwrap(),
        ],
        &root,
    );
    assert!(
        why.contains("W-001 has not consented to publication"),
        "{why}"
    );
    // Named consent: the whole source.
    ok(
        &["consent", "give", "W-001", "--to", "court", "--named"],
        &root,
    );
    let named_package = temp.path().join("named");
    ok(
        &["disclose", &t, "--out", named_package.to_str().unwrap()],
        &root,
    );
    assert_eq!(
        std::fs::read_to_string(named_package.join("plaintext")).unwrap(),
        testimony()
    );
    // Withdrawn: refused again, saying when.
    ok(
        &[
            "consent",
            "withdraw",
            "W-001",
            "--to",
            "court",
            "--at",
            "2024-06-01",
        ],
        &root,
    );
    let why = refused(
        &[
            "disclose",
            &t,
            "--out",
            temp.path().join("third").to_str().unwrap(),
        ],
        &root,
    );
    assert!(
        why.contains("withdrew consent to submission to a court on 2024-06-01"),
        "{why}"
    );
    let shown = text(&ok(&["witnesses", "show", "W-001"], &root));
    assert!(shown.contains("withdrew court"), "{shown}");
    // Nothing of the witness is in the case folder in plain text.
    assert_no_canary(&root);
}

#[test]
fn the_seed_and_a_testimony_report_its_violations_and_group_with_the_witness_by_pseudonym() {
    let Some(seed) = common::seed_report() else {
        return;
    };
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().join("case");
    std::fs::create_dir(&root).unwrap();
    ok(&["init"], &root);
    let seed = seed.to_str().unwrap();
    ok(
        &["add", seed, "--kind", "news", "--acquired-at", "2024-06-01"],
        &root,
    );
    std::fs::write(temp.path().join(FILE_NAME), testimony()).unwrap();
    ok(
        &[
            "add",
            temp.path().join(FILE_NAME).to_str().unwrap(),
            "--kind",
            "testimony",
        ],
        &root,
    );
    let t = (FOUNDING + 1).to_string();
    ok(&["witnesses", "add", "--name", NAME, "--source", &t], &root);
    ok(&["consent", "give", "W-001", "--to", "internal"], &root);
    let public = ok(&["report", "--as-of", "2024-12-01"], &root).stdout;
    let report = ok(
        &[
            "report",
            "--include-protected",
            "--as-of",
            "2024-12-01",
            "--json",
        ],
        &root,
    );
    let text = String::from_utf8_lossy(&report.stdout).into_owned();
    assert!(!text.contains("Канарейкин"), "{text}");
    assert!(text.contains("W-001"), "{text}");
    let report = json(&report);
    let from_testimony = |c: &serde_json::Value| c["source"] == FOUNDING + 1;
    let violations = report["violations"].as_array().unwrap();
    assert!(
        violations.iter().any(|v| v["citations"]
            .as_array()
            .unwrap()
            .iter()
            .any(from_testimony)),
        "{violations:#?}"
    );
    let groups = report["groups"].as_array().unwrap();
    let group = groups
        .iter()
        .find(|g| from_testimony(&g["citation"]))
        .unwrap_or_else(|| panic!("{groups:#?}"));
    assert_eq!(group["value"], 40.0);
    assert_eq!(group["approximate"], true);
    // Locked: the report says the protected part is locked, and its public
    // part is what it was.
    let locked_report = locked(&["report", "--as-of", "2024-12-01"], &root);
    assert_eq!(code(&locked_report), 0);
    assert_eq!(locked_report.stdout, public);
    let said = String::from_utf8_lossy(&locked_report.stderr);
    assert!(said.contains("locked"), "{said}");
    assert_no_canary(&root);
}
