//! Runs a case file: "> sentence" lines, each followed by the expected
//! lines for it; "anchor: DATE" sets the publication date for the cases
//! after it ("anchor:" alone removes it); "#" lines are comments.

#![allow(
    dead_code,
    reason = "each test file uses a different part of these helpers"
)]

use std::path::Path;
use std::sync::{Arc, OnceLock};

use casefile_document::{Document, Origin};
use casefile_extract::ner::{Embeddings, MorphModel, NerModel};
use casefile_extract::{Context, Extraction, extract};

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// navec's vectors, loaded once for all the tests of a binary.
fn embeddings() -> Option<Arc<Embeddings>> {
    static EMBEDDINGS: OnceLock<Option<Arc<Embeddings>>> = OnceLock::new();
    EMBEDDINGS
        .get_or_init(|| {
            let navec = casefile_testkit::model_path("navec_news_v1_1B_250K_300d_100q.tar")?;
            Some(Embeddings::load(&read(&navec)).unwrap_or_else(|e| panic!("{e}")))
        })
        .clone()
}

/// slovnet's NER model from the installed model files, if they are there
/// (in CI they must be).
pub fn ner_model() -> Option<NerModel> {
    let ner = casefile_testkit::model_path("slovnet_ner_news_v1.tar")?;
    Some(NerModel::load(&read(&ner), embeddings()?).unwrap_or_else(|e| panic!("{e}")))
}

/// slovnet's morphology model, if it is installed (in CI it must be).
pub fn morph_model() -> Option<MorphModel> {
    let morph = casefile_testkit::model_path("slovnet_morph_news_v1.tar")?;
    Some(MorphModel::load(&read(&morph), embeddings()?).unwrap_or_else(|e| panic!("{e}")))
}

/// The annotated texts of a factRuEval folder (those with a `.spans`
/// file), as (name, text), in name order.
pub fn factrueval_texts(folder: &Path) -> Vec<(String, String)> {
    let mut texts: Vec<(String, String)> = std::fs::read_dir(folder)
        .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let stem = path.file_stem()?.to_string_lossy().into_owned();
            (path.extension()? == "txt" && folder.join(format!("{stem}.spans")).exists())
                .then(|| std::fs::read_to_string(&path).ok().map(|text| (stem, text)))
                .flatten()
        })
        .collect();
    texts.sort();
    texts
}

/// Renders each case with `render` and compares the whole file's worth of
/// output with the expected lines (see [`casefile_testkit::run_case_file`];
/// the one setting is `anchor`, the publication date).
pub fn run_cases(cases: &str, render: impl Fn(&Document, &Extraction) -> Vec<String>) {
    casefile_testkit::run_case_file(cases, &["anchor"], |sentence, settings| {
        let mut document = Document::new(Origin::File { name: None });
        document.text = sentence.to_owned();
        document.published = settings.get("anchor").cloned();
        let extraction = extract(&document, &Context::default());
        render(&document, &extraction)
    });
}
