//! Language identification on Russian and Ukrainian sentences of five words
//! or more: sentences from factRuEval-2016's test set (Russian) and from the
//! TEST half of the Ukrainian NER corpus. Accuracy must reach 0.97.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

use std::path::Path;

use casefile_reader::language::identify;

/// Sentences of `text`: split after '.', '!', '?' and at line ends.
fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        if c == '\n' {
            out.push(std::mem::take(&mut current));
            continue;
        }
        current.push(c);
        if matches!(c, '.' | '!' | '?') {
            out.push(std::mem::take(&mut current));
        }
    }
    out.push(current);
    out.into_iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| {
            s.split_whitespace()
                .filter(|w| w.chars().any(char::is_alphabetic))
                .count()
                >= 5
        })
        .collect()
}

fn read_dir_texts(dir: &Path, names: impl Fn(&str) -> bool) -> Vec<String> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .filter(|p| names(p.file_stem().unwrap().to_str().unwrap()))
        .collect();
    paths.sort();
    paths
        .iter()
        .flat_map(|p| sentences(&std::fs::read_to_string(p).unwrap()))
        .collect()
}

#[test]
fn russian_and_ukrainian_sentences() {
    let (Some(russian), Some(ukrainian)) = (
        casefile_testkit::shared_path("data/ner-ru-factrueval/testset"),
        casefile_testkit::shared_path("data/ner-uk"),
    ) else {
        return;
    };
    let split = std::fs::read_to_string(ukrainian.join("dev-test-split.txt")).unwrap();
    let test_ids: std::collections::HashSet<String> = split
        .lines()
        .skip_while(|line| line.trim() != "TEST")
        .skip(1)
        .map(|line| line.trim().to_owned())
        .filter(|line| !line.is_empty())
        .collect();
    assert!(!test_ids.is_empty());
    let mut cases: Vec<(String, &str)> = Vec::new();
    cases.extend(
        read_dir_texts(&russian, |_| true)
            .into_iter()
            .map(|s| (s, "ru")),
    );
    for folder in ["bruk", "ng"] {
        cases.extend(
            read_dir_texts(&ukrainian.join(folder), |id| test_ids.contains(id))
                .into_iter()
                .map(|s| (s, "uk")),
        );
    }
    let mut correct = [0usize; 2];
    let mut total = [0usize; 2];
    let mut misses = Vec::new();
    for (sentence, expected) in &cases {
        let side = usize::from(*expected == "uk");
        total[side] += 1;
        let found = identify(sentence).map(|l| l.code);
        if found.as_deref() == Some(*expected) {
            correct[side] += 1;
        } else if misses.len() < 10 {
            misses.push(format!("{expected} -> {found:?}: {sentence}"));
        }
    }
    let accuracy = (correct[0] + correct[1]) as f64 / (total[0] + total[1]) as f64;
    println!(
        "language ID: {} Russian sentences {:.4}, {} Ukrainian sentences {:.4}, overall {accuracy:.4}",
        total[0],
        correct[0] as f64 / total[0] as f64,
        total[1],
        correct[1] as f64 / total[1] as f64,
    );
    assert!(
        total[0] > 500 && total[1] > 500,
        "too few sentences: {total:?}"
    );
    assert!(
        accuracy >= 0.97,
        "accuracy {accuracy:.4}; misses:\n{}",
        misses.join("\n")
    );
}
