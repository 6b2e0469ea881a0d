//! Prints the names casefile's Russian NER finds in factRuEval-2016 texts, as
//! JSON Lines, so an outside scorer can grade them:
//! `{"set": "testset", "id": "3539", "spans": [[start, stop, "PER"], ...]}`,
//! offsets in characters of the `.txt` file. Usage:
//! `cargo run --release -p casefile-extract --example ner_spans -- FOLDER...`
//! where each FOLDER is a factRuEval set (devset, testset). Needs the model
//! files (`scripts/models.sh`). crates/extract/benches/compare-natasha.sh
//! uses it to score casefile and natasha with natasha's own harness.

#![allow(
    clippy::unwrap_used,
    reason = "a tool for the benchmark aborts on any failure"
)]

use std::io::Write;
use std::path::Path;

#[path = "../tests/common/mod.rs"]
mod common;

use casefile_extract::ner::EntityKind;

fn main() {
    let model = common::ner_model().expect("the NER model files are not installed");
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for folder in std::env::args().skip(1) {
        let folder = Path::new(&folder);
        let set = folder.file_name().unwrap().to_string_lossy().into_owned();
        for (stem, text) in common::factrueval_texts(folder) {
            let mut chars = 0;
            let mut char_of = std::collections::HashMap::new();
            for (byte, _) in text.char_indices() {
                char_of.insert(byte, chars);
                chars += 1;
            }
            char_of.insert(text.len(), chars);
            let spans: Vec<serde_json::Value> = model
                .mentions(&text)
                .into_iter()
                .map(|(range, kind)| {
                    let label = match kind {
                        EntityKind::Person => "PER",
                        EntityKind::Place => "LOC",
                        EntityKind::Organization => "ORG",
                    };
                    serde_json::json!([char_of[&range.start], char_of[&range.end], label])
                })
                .collect();
            let id = stem.trim_start_matches("book_");
            let line = serde_json::json!({"set": set, "id": id, "spans": spans});
            writeln!(out, "{line}").unwrap();
        }
    }
    out.flush().unwrap();
}
