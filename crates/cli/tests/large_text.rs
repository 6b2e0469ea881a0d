//! A 1 GiB text file of one line is read, and added, in bounded memory:
//! pages and texts are read whole, up to 64 MiB, and the cut is reported.
//! One test per file: the peak memory read here is that of every child this
//! test process has run.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

mod common;

use casefile_testkit::children_peak_kib;
use common::{code, run};

#[test]
fn a_text_file_of_one_huge_line_is_read_in_bounded_memory() {
    let temp = tempfile::tempdir().unwrap();
    let path = temp.path().join("one-line.txt");
    // 1 GiB without a line break: 100 MB of words written in pieces, the
    // rest left sparse (no disk, and no newline either).
    {
        use std::io::Write as _;
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        let piece = "слово word ".repeat(10_000);
        while file.get_ref().metadata().unwrap().len() < 100_000_000 {
            file.write_all(piece.as_bytes()).unwrap();
        }
        file.flush().unwrap();
        file.get_ref().set_len(1 << 30).unwrap();
    }
    let output = run(&["read", "one-line.txt"], temp.path());
    assert_eq!(code(&output), 4, "a cut read is a partial read");
    assert!(String::from_utf8_lossy(&output.stderr).contains("only its first 64 MiB were read"));

    // Added to a case, it is stored whole and read the same way.
    assert_eq!(code(&run(&["init"], temp.path())), 0);
    let added = run(&["add", "one-line.txt", "--kind", "news"], temp.path());
    assert_eq!(
        code(&added),
        0,
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    assert!(
        String::from_utf8_lossy(&added.stdout).contains("1 had reading problems"),
        "{}",
        String::from_utf8_lossy(&added.stdout)
    );
    let peak_mib = children_peak_kib() / 1024;
    assert!(
        peak_mib < 640,
        "reading a 1 GiB line peaked at {peak_mib} MiB"
    );
    println!("reading and adding a 1 GiB line peaked at {peak_mib} MiB");
}
