//! Article extraction on the 181 pages of `../shared/data/article-extraction/`
//! with the benchmark's own metric (4-word shingles): F1 must reach 0.958,
//! trafilatura's published figure; the reader scores 0.9715, and anything
//! under 0.968 is a regression.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

use casefile_reader::html;

#[test]
fn f1_on_the_article_extraction_benchmark() {
    let Some(root) = casefile_testkit::shared_path("data/article-extraction") else {
        return;
    };
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.join("ground-truth.json")).unwrap()).unwrap();
    let truth = truth.as_object().unwrap();
    assert_eq!(truth.len(), 181);
    let mut pairs = Vec::new();
    for (id, page) in truth {
        let bytes = std::fs::read(root.join("html").join(format!("{id}.html.gz"))).unwrap();
        let document = html::read(&bytes, Some(id));
        pairs.push((
            page["articleBody"].as_str().unwrap_or_default().to_owned(),
            document.text,
        ));
    }
    let (precision, recall, f1) =
        casefile_testkit::shingle_scores(pairs.iter().map(|(t, p)| (t.as_str(), p.as_str())));
    println!("article extraction: precision {precision:.4} recall {recall:.4} F1 {f1:.4}");
    assert!(
        f1 >= 0.968,
        "F1 {f1:.4} (precision {precision:.4}, recall {recall:.4}) is below 0.968"
    );
}

#[test]
fn the_metric_matches_hand_counted_cases() {
    // Identical texts: perfect. Disjoint: zero. One true shingle and four
    // extra: precision 1/5, recall 1.
    let (p, r, f) = casefile_testkit::shingle_scores([("a b c d e", "a b c d e")]);
    assert_eq!((p, r, f), (1.0, 1.0, 1.0));
    let (p, r, _) = casefile_testkit::shingle_scores([("a b c d", "w x y z")]);
    assert_eq!((p, r), (0.0, 0.0));
    let (p, r, _) = casefile_testkit::shingle_scores([("a b c d", "a b c d x y z w")]);
    assert!((p - 0.2).abs() < 1e-9, "{p}");
    assert_eq!(r, 1.0);
}
