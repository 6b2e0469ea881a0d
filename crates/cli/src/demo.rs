//! `casefile demo`: the whole path once, on sample files written here, in a
//! temporary case: init, add, checkpoint, proof, read, resolve, verify.

use std::path::Path;

use anyhow::Context as _;
use casefile_app::models::files as casefile_models;
use casefile_app::{AddRequest, Case};

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
    // A made-up case gets a made-up member: an identity that lives in
    // memory for the run, never written anywhere.
    let identity = casefile_app::keys::Identity::generate();
    let founding = casefile_app::Founding {
        name: "demo".into(),
        recipient: identity.recipient(),
        recovery: None,
    };
    let case = Case::init_with(folder, Some("casefile/demo"), &founding)?;
    case.unlock(&identity)?;
    let items = SAMPLES
        .iter()
        .map(|sample| {
            let request = AddRequest {
                kind: sample.kind,
                url: None,
                acquired_at: Some(sample.acquired_at.into()),
                note: Some("demo sample".into()),
                by: "casefile demo".into(),
            };
            (inbox.join(sample.name), request)
        })
        .collect();
    let progress = crate::output::Bar(indicatif::ProgressBar::hidden());
    let outcome = case.add_sources(items, &progress)?;
    let (added, size, checkpoint) = (&outcome.added, outcome.tree_size, &outcome.checkpoint);
    let read = &outcome.sync.read;
    let resolved = outcome.sync.resolved.clone().unwrap_or_default();
    let snapshot = case.snapshot()?;
    let entities = snapshot.entity_list(None)?;
    // The demo case is made up, so its report quotes the testimony and the
    // complaint too.
    let report = snapshot.report(jiff::ZonedDateTime::now().date(), true)?;
    let proof = case.inclusion_proof(&added[0].log_index.to_string(), None)?;
    let verified = case.verify(&mut |_, _, _| {})?;
    if json {
        print_json(&serde_json::json!({
            "case": case.root(),
            "added": added,
            "tree_size": size,
            "checkpoint": checkpoint,
            "key": case.verifier(),
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
        for source in added {
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
            casefile_app::describe_resolved(&resolved)
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
        crate::output::say_text(&casefile_app::render::render(&report));
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
