//! The optional model files: loading them for extraction (each checked
//! against its pinned SHA-256, see `casefile-models`) and saying once what
//! is lost when one is missing or damaged. The files themselves, their
//! status and their installation are `casefile-models`, re-exported here as
//! [`files`].

use std::path::Path;
use std::sync::Once;

use casefile_extract::Models;
use casefile_extract::ner::{Embeddings, MorphModel, NerModel};
use casefile_models::{MORPH, ModelFile, NATASHA, NAVEC, NER};

use crate::error::{Context as _, Error};
use crate::progress::Progress;

pub use casefile_models as files;

/// What a command loses without the NER model or the word vectors.
pub const WITHOUT_NER: &str =
    "names in Russian and Ukrainian text are not found (English ones are, by rule)";
/// What it loses without the morphology model.
pub const WITHOUT_MORPH: &str =
    "Russian names keep the form they are written in (no dictionary forms to group them by)";

/// The command that installs the models, for messages.
pub fn fix() -> String {
    format!(
        "install them with `casefile models install` (from PyPI), or offline with \
         `casefile models install --from {}`",
        NATASHA.wheel
    )
}

/// Says once per process, on standard error, what is missing or damaged
/// and what that costs.
fn warn_once(progress: &dyn Progress, message: String) {
    static SAID: Once = Once::new();
    SAID.call_once(|| progress.warn(&message));
}

/// What is wrong with the model files, for the one warning.
#[derive(Default)]
struct Problems {
    missing: Vec<&'static str>,
    damaged: Vec<String>,
}

/// Reads one model file, checked; a damaged one is refused (reported and
/// left out), a missing one is `None`.
fn read(folder: &Path, file: &'static ModelFile, problems: &mut Problems) -> Option<Vec<u8>> {
    match casefile_models::read_verified(folder, file) {
        Ok(Some(bytes)) => Some(bytes),
        Ok(None) => {
            problems.missing.push(file.name);
            None
        }
        Err(error) => {
            problems.damaged.push(error.to_string());
            None
        }
    }
}

/// Loads whatever models are installed and sound. A missing or damaged
/// file is said once on standard error, with what it costs and the fix;
/// extraction then runs without it.
pub fn load(progress: &dyn Progress) -> Result<Models, Error> {
    let location = casefile_models::folder()?;
    let folder = location.folder.as_path();
    let mut problems = Problems::default();
    let (navec, ner) = (
        read(folder, &NAVEC, &mut problems),
        read(folder, &NER, &mut problems),
    );
    let morph = read(folder, &MORPH, &mut problems);
    let mut models = Models::default();
    let mut costs = Vec::new();
    match (navec, ner) {
        (Some(navec), Some(ner)) => {
            let embeddings = Embeddings::load(&navec)
                .with_context(|| format!("loading the word vectors from {}", folder.display()))?;
            models.ner = Some(
                NerModel::load(&ner, embeddings.clone())
                    .with_context(|| format!("loading the NER model from {}", folder.display()))?,
            );
            if let Some(morph) = morph {
                models.morph = Some(MorphModel::load(&morph, embeddings).with_context(|| {
                    format!("loading the morphology model from {}", folder.display())
                })?);
            } else {
                costs.push(WITHOUT_MORPH);
            }
        }
        _ => costs.push(WITHOUT_NER),
    }
    let mut said = problems.damaged;
    if !problems.missing.is_empty() {
        said.push(format!(
            "{} not installed in {} ({})",
            match problems.missing.as_slice() {
                [one] => format!("{one} is"),
                many => format!("{} are", many.join(", ")),
            },
            folder.display(),
            location.from
        ));
    }
    if !said.is_empty() {
        warn_once(
            progress,
            format!(
                "warning: {}. So {}. To fix it, {}",
                said.join("; "),
                costs.join("; "),
                fix()
            ),
        );
    }
    Ok(models)
}

/// [`load`], or no models when they cannot be loaded (said on standard
/// error): what is being added is stored and read all the same.
pub fn load_or_default(progress: &dyn Progress) -> Models {
    load(progress).unwrap_or_else(|error| {
        progress.warn(&format!(
            "error: {}; extraction runs without the models",
            error.chain()
        ));
        Models::default()
    })
}
