//! Flipping any single byte of a blob, an entry or a checkpoint makes
//! `verify` fail with a problem naming the file.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

mod common;

use std::path::{Path, PathBuf};

use casefile_vault::{Case, SystemClock};
use common::{FOUNDING, sample_case, verify_json};

fn flip_each_byte(root: &Path, file: &Path, stride: usize) {
    let original = std::fs::read(file).unwrap();
    let relative = file.strip_prefix(root).unwrap().display().to_string();
    let case = Case::open_untouched(root, Box::new(SystemClock)).unwrap();
    for position in (0..original.len()).step_by(stride) {
        let mut tampered = original.clone();
        tampered[position] ^= 0x01;
        std::fs::write(file, &tampered).unwrap();
        let report = case.verify(&mut |_, _, _| {}).unwrap();
        assert!(
            !report.ok,
            "{relative}: flipping byte {position} went unnoticed"
        );
        assert!(
            report.problems.iter().any(|p| p.file == relative),
            "{relative}: byte {position}: no problem names the file: {:?}",
            report.problems
        );
    }
    std::fs::write(file, &original).unwrap();
    assert!(case.verify(&mut |_, _, _| {}).unwrap().ok);
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in walkdir(dir) {
        out.push(entry);
    }
    out.sort();
    out
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walkdir(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn every_byte_of_every_blob() {
    let (_temp, root) = sample_case();
    let blobs = files_under(&root.join(".casefile/blobs/sha256"));
    assert_eq!(blobs.len(), FOUNDING as usize + 4);
    for blob in blobs {
        flip_each_byte(&root, &blob, 1);
    }
}

#[test]
fn every_byte_of_the_entries_file() {
    let (_temp, root) = sample_case();
    flip_each_byte(&root, &root.join(".casefile/log/entries"), 1);
}

#[test]
fn every_byte_of_every_checkpoint() {
    let (_temp, root) = sample_case();
    let checkpoints = files_under(&root.join(".casefile/log/checkpoints"));
    assert_eq!(
        checkpoints.len(),
        5,
        "the empty one, the founding entries', one per add"
    );
    for checkpoint in checkpoints {
        flip_each_byte(&root, &checkpoint, 1);
    }
}

#[test]
fn every_byte_of_the_offsets_and_hashes() {
    let (_temp, root) = sample_case();
    flip_each_byte(&root, &root.join(".casefile/log/entries.idx"), 1);
    flip_each_byte(&root, &root.join(".casefile/log/hashes"), 3);
}

#[test]
fn the_command_names_the_first_broken_thing() {
    let (_temp, root) = sample_case();
    let entries = root.join(".casefile/log/entries");
    let mut bytes = std::fs::read(&entries).unwrap();
    let at = bytes.len() - 3;
    bytes[at] ^= 0x20;
    std::fs::write(&entries, bytes).unwrap();
    let (code, report) = verify_json(&root);
    assert_eq!(code, 3);
    assert_eq!(report["ok"], false);
    let first = &report["problems"][0];
    assert_eq!(first["file"], ".casefile/log/entries");
    assert_eq!(first["place"], "entry 6");
    let text = common::run(&["verify"], &root);
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(
        stdout.contains("FAILED") && stdout.contains("entry 6"),
        "{stdout}"
    );
}

#[test]
fn a_removed_latest_checkpoint_is_noticed() {
    let (_temp, root) = sample_case();
    let dir = root.join(".casefile/log/checkpoints");
    let latest = files_under(&dir).pop().unwrap();
    std::fs::remove_file(latest).unwrap();
    let (code, report) = verify_json(&root);
    assert_eq!(code, 3, "{report}");
    assert!(
        report["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("checkpoint is missing")
    );
}

#[test]
fn a_missing_blob_is_named() {
    let (_temp, root) = sample_case();
    let blob = files_under(&root.join(".casefile/blobs/sha256")).remove(0);
    std::fs::remove_file(&blob).unwrap();
    let (code, report) = verify_json(&root);
    assert_eq!(code, 3);
    assert_eq!(report["problems"][0]["message"], "the blob is missing");
}
