//! A large file is streamed: adding it keeps the process's memory bounded
//! whatever the file's size. One test per file: the peak memory read here is
//! that of every child this test process has run.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

mod common;

use casefile_testkit::children_peak_kib;
use common::{code, json, run};

#[test]
fn a_one_gigabyte_file_is_added_in_bounded_memory() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    assert_eq!(code(&run(&["init"], root)), 0);
    let path = root.join("video.bin");
    let file = std::fs::File::create(&path).unwrap();
    // Sparse: it costs no disk to create, but every byte is read and stored.
    file.set_len(1 << 30).unwrap();
    drop(file);
    let output = run(&["add", "video.bin", "--kind", "photo", "--json"], root);
    assert_eq!(
        code(&output),
        0,
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report = json(&output);
    assert_eq!(report["added"][0]["size"], 1u64 << 30);
    // SHA-256 of 1 GiB of zero bytes.
    assert_eq!(
        report["added"][0]["sha256"],
        "49bc20df15e412a64472421e13fe86ff1c5165e18b2afccf160d4dc19fe68a14"
    );
    let peak_mib = children_peak_kib() / 1024;
    assert!(
        peak_mib < 64,
        "adding a 1 GiB file peaked at {peak_mib} MiB"
    );
    std::fs::remove_file(&path).unwrap();
    let (verify_code, report) = common::verify_json(root);
    assert_eq!(verify_code, 0, "{report}");
}
