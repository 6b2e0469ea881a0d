//! A text file of one huge line is read in bounded memory: pages and texts
//! are read whole, up to 64 MiB, and the cut is reported. One test per file:
//! the peak memory read here is that of every child this test process has run.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

mod common;

use common::{children_peak_kib, code, run};

#[test]
fn a_text_file_of_one_huge_line_is_read_in_bounded_memory() {
    let temp = tempfile::tempdir().unwrap();
    let path = temp.path().join("one-line.txt");
    // 200 MB on a single line, written in pieces.
    {
        use std::io::Write as _;
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        let piece = "слово word ".repeat(10_000);
        while file.get_ref().metadata().unwrap().len() < 200_000_000 {
            file.write_all(piece.as_bytes()).unwrap();
        }
        file.flush().unwrap();
    }
    let output = run(&["read", "one-line.txt"], temp.path());
    assert_eq!(code(&output), 4, "a cut read is a partial read");
    assert!(String::from_utf8_lossy(&output.stderr).contains("only its first 64 MiB were read"));
    let peak_mib = children_peak_kib() / 1024;
    assert!(
        peak_mib < 1024,
        "reading a 200 MB line peaked at {peak_mib} MiB"
    );
}
