//! Bad input to `add`: each gives a clear error or a correct result, nothing
//! panics, and nothing already stored is affected.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

mod common;

use std::io::Write as _;

use casefile_vault::{Case, SystemClock, VaultError};
use common::{FOUNDING, code, json, run, sample_case, verify_json};

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn size(root: &std::path::Path) -> u64 {
    verify_json(root).1["tree_size"].as_u64().unwrap()
}

#[test]
fn a_missing_path_adds_nothing() {
    let (_temp, root) = sample_case();
    let before = size(&root);
    let output = run(&["add", "inbox/f0.txt", "no/such/file"], &root);
    assert_eq!(code(&output), 1);
    assert!(
        stderr(&output).contains("no such file or folder: no/such/file"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        size(&root),
        before,
        "the existing file must not be added either"
    );
    assert_eq!(verify_json(&root).0, 0);
}

#[test]
fn an_empty_file_is_allowed() {
    let (_temp, root) = sample_case();
    std::fs::write(root.join("empty"), b"").unwrap();
    let output = run(&["add", "empty", "--json"], &root);
    assert_eq!(code(&output), 0);
    let report = json(&output);
    assert_eq!(report["added"][0]["size"], 0);
    assert_eq!(
        report["added"][0]["sha256"],
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(verify_json(&root).0, 0);
}

#[test]
fn identical_bytes_are_stored_once_and_every_acquisition_recorded() {
    let (_temp, root) = sample_case();
    // The same bytes as a testimony: the testimony is stored only as its
    // ciphertext, so the open copy is stored on its own; a second open
    // copy is another acquisition of the first.
    std::fs::write(root.join("copy.txt"), "first testimony\n").unwrap();
    for already in [false, true] {
        let output = run(
            &[
                "add",
                "copy.txt",
                "--json",
                "--url",
                "https://example.org/a",
            ],
            &root,
        );
        assert_eq!(code(&output), 0);
        assert_eq!(json(&output)["added"][0]["already_stored"], already);
    }
    let blobs = walk(&root.join(".casefile/blobs/sha256"));
    assert_eq!(blobs, FOUNDING as usize + 5);
    let (_, report) = verify_json(&root);
    assert_eq!(report["entries_checked"], FOUNDING + 6);
    assert_eq!(report["blobs_checked"], FOUNDING + 5);
}

fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            if path.is_dir() { walk(&path) } else { 1 }
        })
        .sum()
}

#[test]
fn a_folder_loop_is_reported_and_the_rest_added() {
    let (_temp, root) = sample_case();
    let dir = root.join("looped");
    std::fs::create_dir_all(dir.join("inner")).unwrap();
    std::fs::write(dir.join("inner/a.txt"), "a").unwrap();
    std::os::unix::fs::symlink(&dir, dir.join("inner/back")).unwrap();
    let before = size(&root);
    let output = run(&["add", "looped", "--json"], &root);
    assert_eq!(code(&output), 4, "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(report["added"].as_array().unwrap().len(), 1);
    assert!(
        report["failed"][0]["error"]
            .as_str()
            .unwrap()
            .contains("folder loop")
    );
    assert_eq!(size(&root), before + 1);
    assert_eq!(verify_json(&root).0, 0);
}

#[test]
fn an_unreadable_file_is_reported_and_the_rest_added() {
    let (_temp, root) = sample_case();
    // Reading /proc/self/mem from offset 0 fails with an I/O error even for
    // root, who can read files whatever their permissions say.
    let output = run(&["add", "inbox/f0.txt", "/proc/self/mem", "--json"], &root);
    assert_eq!(code(&output), 4, "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(report["added"].as_array().unwrap().len(), 1);
    assert_eq!(report["failed"][0]["path"], "/proc/self/mem");
    assert!(
        report["failed"][0]["error"]
            .as_str()
            .unwrap()
            .contains("/proc/self/mem")
    );
    assert!(
        walk(&root.join(".casefile/blobs/tmp")) == 0,
        "no temporary file is left"
    );
    assert_eq!(verify_json(&root).0, 0);
}

#[test]
fn a_device_or_pipe_is_not_a_file() {
    let (_temp, root) = sample_case();
    let output = run(&["add", "/dev/null", "--json"], &root);
    assert_eq!(code(&output), 4);
    assert!(
        json(&output)["failed"][0]["error"]
            .as_str()
            .unwrap()
            .contains("not a regular file")
    );
}

#[test]
fn a_file_that_changes_while_being_read_is_refused() {
    let (_temp, root) = sample_case();
    let path = root.join("growing.bin");
    std::fs::write(&path, vec![7u8; 64 << 20]).unwrap();
    let case = Case::open(&root, Box::new(SystemClock)).unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let stop = stop.clone();
        let path = path.clone();
        std::thread::spawn(move || {
            let mut file = std::fs::OpenOptions::new().append(true).open(path).unwrap();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                file.write_all(&[1u8; 4096]).unwrap();
                std::thread::sleep(std::time::Duration::from_micros(200));
            }
        })
    };
    let outcome = case.prepare(&path);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    writer.join().unwrap();
    match outcome {
        Err(VaultError::ChangedWhileReading { path: named }) => assert_eq!(named, path),
        other => panic!("expected a changed-file error, got {other:?}"),
    }
    assert_eq!(walk(&root.join(".casefile/blobs/tmp")), 0);
    assert_eq!(verify_json(&root).0, 0);
}

#[test]
fn bad_options_are_refused_before_anything_is_stored() {
    let (_temp, root) = sample_case();
    let before = size(&root);
    for args in [
        vec!["add", "inbox/f0.txt", "--acquired-at", "yesterday"],
        vec!["add", "inbox/f0.txt", "--acquired-at", "2024-13"],
        vec!["add", "inbox/f0.txt", "--url", " "],
    ] {
        let output = run(&args, &root);
        assert_eq!(code(&output), 1, "{args:?}");
        assert!(
            stderr(&output).starts_with("error: "),
            "{}",
            stderr(&output)
        );
    }
    let output = run(&["add", "inbox/f0.txt", "--kind", "rumour"], &root);
    assert_eq!(code(&output), 2, "usage errors exit 2");
    assert_eq!(size(&root), before);
}

#[test]
fn the_case_folder_itself_is_never_added() {
    let (_temp, root) = sample_case();
    let output = run(&["add", ".", "--json"], &root);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let added = json(&output)["added"].as_array().unwrap().clone();
    assert_eq!(added.len(), 4, "only the inbox files: {added:?}");
    assert!(
        added
            .iter()
            .all(|a| !a["path"].as_str().unwrap().contains(".casefile"))
    );
}

/// Found by the benchmark: the same file twice in one add gave two identical
/// entries and so one source id for both.
#[test]
fn the_same_file_twice_in_one_add_gives_two_sources() {
    let (_temp, root) = sample_case();
    let output = run(&["add", "inbox/f0.txt", "inbox/f0.txt", "--json"], &root);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let added = json(&output)["added"].as_array().unwrap().clone();
    assert_eq!(added.len(), 2);
    assert_ne!(added[0]["source_id"], added[1]["source_id"]);
    assert_eq!(verify_json(&root).0, 0);
}
