//! Finding and loading the optional model files.
//!
//! They are looked for in `$CASEFILE_MODELS`, else in
//! `$XDG_DATA_HOME/casefile/models` (`~/.local/share/casefile/models`).
//! `scripts/models.sh` installs them from PyPI. Without them extraction
//! still runs its rules; mentions need the NER model.

use std::path::PathBuf;

use anyhow::Context as _;
use casefile_extract::Models;
use casefile_extract::ner::{Embeddings, MorphModel, NerModel};

const NER_FILE: &str = "slovnet_ner_news_v1.tar";
const MORPH_FILE: &str = "slovnet_morph_news_v1.tar";
const NAVEC_FILE: &str = "navec_news_v1_1B_250K_300d_100q.tar";

fn folder() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("CASEFILE_MODELS") {
        return Some(PathBuf::from(dir));
    }
    let data = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/share"))
        })?;
    Some(data.join("casefile").join("models"))
}

/// Loads whatever models are installed.
pub(crate) fn load() -> anyhow::Result<Models> {
    let Some(folder) = folder() else {
        return Ok(Models::default());
    };
    let (ner, navec) = (folder.join(NER_FILE), folder.join(NAVEC_FILE));
    if !ner.exists() || !navec.exists() {
        return Ok(Models::default());
    }
    let read =
        |path: &PathBuf| std::fs::read(path).with_context(|| format!("reading {}", path.display()));
    let embeddings = Embeddings::load(&read(&navec)?)
        .with_context(|| format!("loading the word vectors from {}", folder.display()))?;
    let model = NerModel::load(&read(&ner)?, embeddings.clone())
        .with_context(|| format!("loading the NER model from {}", folder.display()))?;
    let morph_path = folder.join(MORPH_FILE);
    let morph = if morph_path.exists() {
        Some(
            MorphModel::load(&read(&morph_path)?, embeddings).with_context(|| {
                format!("loading the morphology model from {}", folder.display())
            })?,
        )
    } else {
        None
    };
    Ok(Models {
        ner: Some(model),
        morph,
    })
}
