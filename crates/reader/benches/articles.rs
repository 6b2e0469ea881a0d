//! HTML reader benchmark: `cargo bench -p casefile-reader`. Reads the 181
//! pages of `../shared/data/article-extraction/` (decompressed beforehand)
//! five times on one thread and prints the median pages per second and the
//! benchmark's F1.

#![allow(clippy::unwrap_used, reason = "a benchmark aborts on any failure")]

use std::time::Instant;

fn main() {
    let Some(root) = casefile_testkit::shared_path("data/article-extraction") else {
        return;
    };
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.join("ground-truth.json")).unwrap()).unwrap();
    let pages: Vec<(String, Vec<u8>)> = truth
        .as_object()
        .unwrap()
        .iter()
        .map(|(id, page)| {
            // Decompressed before timing, as the trafilatura side does.
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(
                &mut flate2::read::MultiGzDecoder::new(
                    std::fs::File::open(root.join("html").join(format!("{id}.html.gz"))).unwrap(),
                ),
                &mut bytes,
            )
            .unwrap();
            (
                page["articleBody"].as_str().unwrap_or_default().to_owned(),
                bytes,
            )
        })
        .collect();
    let mut rates = Vec::new();
    let mut texts = Vec::new();
    for _ in 0..5 {
        texts.clear();
        let started = Instant::now();
        for (_, bytes) in &pages {
            texts.push(casefile_reader::html::read(bytes, None).text);
        }
        rates.push(pages.len() as f64 / started.elapsed().as_secs_f64());
    }
    rates.sort_by(f64::total_cmp);
    let (precision, recall, f1) = casefile_testkit::shingle_scores(
        pages
            .iter()
            .zip(&texts)
            .map(|((truth, _), text)| (truth.as_str(), text.as_str())),
    );
    println!(
        "html: {} pages, median {:.1} pages/s on one thread (5 runs); precision {precision:.4} recall {recall:.4} F1 {f1:.4}",
        pages.len(),
        rates[rates.len() / 2]
    );
}
