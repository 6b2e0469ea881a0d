//! `casefile demo`: the whole path once, on sample files written here, in a
//! temporary case: init, add, checkpoint, proof, read, resolve, verify.

use std::path::Path;

use anyhow::Context as _;
use casefile_vault::{AddOptions, Case, SystemClock};

use crate::demo_corpus::SAMPLES;
use crate::output::{Exit, print_json};

pub(crate) fn run(keep: Option<&Path>, install: bool, json: bool) -> anyhow::Result<Exit> {
    if install && !crate::models::all_installed() {
        let folder = casefile_models::folder()?.folder;
        crate::say_err!(
            "installing the model files for Russian and Ukrainian names first ({} {} from PyPI, {}, about 31 MB) into {}",
            casefile_models::NATASHA.name,
            casefile_models::NATASHA.version,
            casefile_models::NATASHA.licence,
            folder.display()
        );
        if let Err(error) = crate::models::install(None, "python3", json) {
            // The demo still runs; loading the models says what is lost.
            crate::say_err!("error: the models could not be installed: {error}");
        }
    }
    let temporary = tempfile::tempdir().context("creating a temporary folder")?;
    let folder = keep.unwrap_or(temporary.path());
    let inbox = folder.join("inbox");
    std::fs::create_dir_all(&inbox).with_context(|| format!("creating {}", inbox.display()))?;
    for sample in &SAMPLES {
        let path = inbox.join(sample.name);
        std::fs::write(&path, sample.text)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    let case = Case::init(folder, Some("casefile/demo"), Box::new(SystemClock))?;
    let mut items = Vec::new();
    for sample in &SAMPLES {
        let blob = case.prepare(&inbox.join(sample.name))?;
        let options = AddOptions {
            kind: sample.kind,
            url: None,
            acquired_at: Some(sample.acquired_at.into()),
            note: Some("demo sample".into()),
            by: "casefile demo".into(),
        };
        items.push((blob, options));
    }
    let added = case.commit(items)?;
    let (size, checkpoint) = case.latest_checkpoint()?;
    let mut store = casefile_derived::Store::open(case.data_dir())?;
    let read = crate::derive::read_unread(&case, &mut store, &indicatif::ProgressBar::hidden())?;
    let resolved = crate::entity::refresh(&case, &mut store, &indicatif::ProgressBar::hidden())?
        .unwrap_or_default();
    crate::search::refresh(
        &case,
        &mut store,
        &indicatif::ProgressBar::hidden(),
        false,
        true,
    )?;
    let entities = store.entity_list(None)?;
    // The demo case is made up, so its report quotes the testimony and the
    // complaint too.
    let report = crate::report::build(&case, jiff::ZonedDateTime::now().date(), true)?;
    let proof = case.inclusion_proof(added[0].log_index, None)?;
    let verified = case.verify(&mut |_, _, _| {})?;
    if json {
        print_json(&serde_json::json!({
            "case": case.root(),
            "added": added,
            "tree_size": size,
            "checkpoint": checkpoint,
            "key": case.verifier().to_string(),
            "proof": proof,
            "read": read,
            "resolved": resolved,
            "entities": entities,
            "report": report,
            "verify": verified,
        }));
    } else {
        crate::say!("1. created a case in {}", case.root().display());
        crate::say!("2. added {} sample files:", added.len());
        for source in &added {
            crate::say!(
                "     {} #{} {}",
                source.source_id,
                source.log_index,
                source.path.display()
            );
        }
        crate::say!("3. the signed checkpoint (size {size}):\n");
        for line in checkpoint.lines() {
            crate::say!("     {line}");
        }
        crate::say!("\n   verifier key: {}", case.verifier());
        crate::say!(
            "4. inclusion proof of {}: {} hashes up to root {}",
            added[0].source_id,
            proof.proof.len(),
            proof.root
        );
        crate::say!(
            "5. read into {} documents ({} protected sources sealed in the derived store)",
            read.documents,
            read.sealed
        );
        crate::say!(
            "6. {} (protected sources left out):",
            crate::entity::describe(&resolved)
        );
        for entity in &entities {
            crate::say!(
                "     E{} {} {} ({} mention{})",
                entity.id,
                entity.kind,
                entity.name,
                entity.mentions,
                if entity.mentions == 1 { "" } else { "s" }
            );
        }
        crate::say!(
            "7. verify: {} ({} entries, {} blobs, {} checkpoints)",
            if verified.ok { "ok" } else { "FAILED" },
            verified.entries_checked,
            verified.blobs_checked,
            verified.checkpoints_checked
        );
        crate::say!("8. the report (casefile report --include-protected):\n");
        crate::output::say_text(&casefile_report::render(&report));
        if keep.is_none() {
            crate::say!("\nThe demo case is removed on exit; pass --keep DIR to keep it.");
        }
    }
    Ok(if verified.ok {
        Exit::Success
    } else {
        Exit::Integrity
    })
}
