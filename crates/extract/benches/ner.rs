//! NER benchmark: `cargo bench -p casefile-extract --bench ner`. Runs the
//! NER model over the factRuEval-2016 test texts six times on one thread
//! and prints the median documents per second of the last five (the first
//! also computes the rows the model keeps, and is printed apart), and the
//! full extraction's, rules and model together. Needs the model files
//! (`scripts/models.sh`). A third line times new models with every kept
//! row computed first (`NerModel::keep_all`), over texts they have not
//! seen.

#![allow(clippy::unwrap_used, reason = "a benchmark aborts on any failure")]

use std::time::Instant;

#[path = "../tests/common/mod.rs"]
mod common;

use casefile_document::{Document, Origin};
use casefile_extract::{Context, Models, extract_with};

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let Some(folder) = casefile_testkit::shared_path("data/ner-ru-factrueval/testset") else {
        return;
    };
    let loading = Instant::now();
    let Some(model) = common::ner_model() else {
        return;
    };
    let load_time = loading.elapsed();
    let texts = common::factrueval_texts(&folder);
    let mut rates = Vec::new();
    let mut mentions = 0;
    for _ in 0..6 {
        let started = Instant::now();
        mentions = texts
            .iter()
            .map(|(_, text)| model.mentions(text).len())
            .sum::<usize>();
        rates.push(texts.len() as f64 / started.elapsed().as_secs_f64());
    }
    // The first run computes the first-layer rows of every frequent word
    // it meets; the model keeps them for the runs after it.
    let first = rates.remove(0);
    println!(
        "ner: {} documents, median {:.1} documents/s on one thread (5 runs), {mentions} mentions; first run {first:.1} documents/s; model loaded in {:.2?}",
        texts.len(),
        median(rates),
        load_time
    );
    // Models in the state a long collection of texts leaves them in (every
    // kept row computed), over texts they have not seen: one pass each,
    // five times, each with a new model.
    let mut rates = Vec::new();
    let mut keeping = Vec::new();
    for _ in 0..5 {
        let Some(fresh) = common::ner_model() else {
            return;
        };
        let started = Instant::now();
        fresh.keep_all();
        keeping.push(started.elapsed().as_secs_f64());
        let started = Instant::now();
        for (_, text) in &texts {
            std::hint::black_box(fresh.mentions(text));
        }
        rates.push(texts.len() as f64 / started.elapsed().as_secs_f64());
    }
    println!(
        "ner unseen: {} documents, median {:.1} documents/s on one thread (5 new models with every kept row computed, one pass each; computing them took {:.2} s)",
        texts.len(),
        median(rates),
        median(keeping),
    );
    let models = Models {
        ner: Some(model),
        morph: common::morph_model(),
    };
    let documents: Vec<Document> = texts
        .iter()
        .map(|(_, text)| {
            let mut document = Document::new(Origin::File { name: None });
            document.text = text.clone();
            document.language = casefile_reader_language(text);
            document
        })
        .collect();
    let mut rates = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        for document in &documents {
            std::hint::black_box(extract_with(document, &Context::default(), &models));
        }
        rates.push(documents.len() as f64 / started.elapsed().as_secs_f64());
    }
    println!(
        "extract: {} documents, median {:.1} documents/s on one thread (5 runs), rules and NER",
        documents.len(),
        median(rates)
    );
}

/// The test set is Russian: say so, as the reader would.
fn casefile_reader_language(_: &str) -> Option<casefile_document::Language> {
    Some(casefile_document::Language {
        code: "ru".to_owned(),
        confidence: 1.0,
    })
}
