//! `casefile demo`: the whole path once, on sample files written here, in a
//! temporary case: init, add, checkpoint, proof, read, resolve, verify.

use std::path::Path;

use anyhow::Context as _;
use casefile_vault::{AddOptions, Case, SourceKind, SystemClock};

use crate::output::{Exit, print_json};

/// Sample material, written for the demo (synthetic, no real person).
const SAMPLES: [(&str, &str, SourceKind); 3] = [
    (
        "testimony-recruit-a.txt",
        "Synthetic testimony for the casefile demo.\n\
         A recruit says he signed up in the fall of 2022 after being told he would \
         serve six months and then be released. In January 2024 the pay stopped.\n",
        SourceKind::Testimony,
    ),
    (
        "collective-complaint.txt",
        "Synthetic collective complaint for the casefile demo.\n\
         About 500 people in the same unit ask to be released as promised.\n",
        SourceKind::Complaint,
    ),
    (
        "news-page.html",
        "<html><head><title>Synthetic news page</title></head><body><article>\
         <h1>A fictional volunteer battalion is disbanded</h1>\
         <p>The volunteer battalion, founded by Ivan Sokolov in 2017, was disbanded in April \
         2024, the Ministry of Defense said. Its fighters were told to sign new contracts.</p>\
         <p>Sokolov did not answer questions about the unpaid wages. A former fighter said \
         the Defense Ministry had promised them an amnesty after six months.</p>\
         </article></body></html>\n",
        SourceKind::News,
    ),
];

pub(crate) fn run(keep: Option<&Path>, json: bool) -> anyhow::Result<Exit> {
    let temporary = tempfile::tempdir().context("creating a temporary folder")?;
    let folder = keep.unwrap_or(temporary.path());
    let inbox = folder.join("inbox");
    std::fs::create_dir_all(&inbox).with_context(|| format!("creating {}", inbox.display()))?;
    for (name, text, _) in SAMPLES {
        let path = inbox.join(name);
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    let case = Case::init(folder, Some("casefile/demo"), Box::new(SystemClock))?;
    let mut items = Vec::new();
    for (name, _, kind) in SAMPLES {
        let blob = case.prepare(&inbox.join(name))?;
        let options = AddOptions {
            kind,
            url: None,
            acquired_at: Some("2024-05".into()),
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
    crate::search::refresh(&case, &mut store, &indicatif::ProgressBar::hidden(), false)?;
    let entities = store.entity_list(None)?;
    let proof = case.inclusion_proof(added[0].log_index, None)?;
    let report = case.verify(&mut |_, _, _| {})?;
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
            "verify": report,
        }));
    } else {
        println!("1. created a case in {}", case.root().display());
        println!("2. added {} sample files:", added.len());
        for source in &added {
            println!(
                "     {} #{} {}",
                source.source_id,
                source.log_index,
                source.path.display()
            );
        }
        println!("3. the signed checkpoint (size {size}):\n");
        for line in checkpoint.lines() {
            println!("     {line}");
        }
        println!("\n   verifier key: {}", case.verifier());
        println!(
            "4. inclusion proof of {}: {} hashes up to root {}",
            added[0].source_id,
            proof.proof.len(),
            proof.root
        );
        println!(
            "5. read into {} documents ({} protected sources sealed in the derived store)",
            read.documents, read.sealed
        );
        println!(
            "6. {} (protected sources left out):",
            crate::entity::describe(&resolved)
        );
        for entity in &entities {
            println!(
                "     E{} {} {} ({} mention{})",
                entity.id,
                entity.kind,
                entity.name,
                entity.mentions,
                if entity.mentions == 1 { "" } else { "s" }
            );
        }
        println!(
            "7. verify: {} ({} entries, {} blobs, {} checkpoints)",
            if report.ok { "ok" } else { "FAILED" },
            report.entries_checked,
            report.blobs_checked,
            report.checkpoints_checked
        );
        if keep.is_none() {
            println!("\nThe demo case is removed on exit; pass --keep DIR to keep it.");
        }
    }
    Ok(if report.ok {
        Exit::Success
    } else {
        Exit::Integrity
    })
}
