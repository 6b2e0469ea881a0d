//! `casefile bundle`: the court bundle, and its check.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use casefile_app::Case;
use casefile_app::bundle::{BundleRequest, Profile};

use crate::output::{Exit, print_json};

/// `casefile bundle --for PROFILE --out DIR`
pub(crate) fn make(
    case: &Case,
    profile: &str,
    exhibits: Vec<String>,
    out: PathBuf,
    as_of: Option<String>,
    by: Option<String>,
    json: bool,
) -> anyhow::Result<Exit> {
    let profile = Profile::parse(profile)?;
    let as_of = match as_of {
        Some(text) => casefile_app::dates::first_day(&text)
            .with_context(|| format!("--as-of {text:?} is not YYYY, YYYY-MM or YYYY-MM-DD"))?,
        None => jiff::ZonedDateTime::now().date(),
    };
    let request = BundleRequest {
        profile,
        exhibits,
        out,
        as_of,
    };
    let made = case.bundle(&request, &crate::add::who(by))?;
    if json {
        print_json(&made);
        return Ok(Exit::Success);
    }
    for left in &made.left_out {
        crate::say!("left out: {}", left.why);
    }
    crate::say!(
        "wrote the {} bundle of {} exhibit{} to {} and {} (hand-out logged as #{}, checkpoint of size {})",
        made.profile,
        made.exhibits,
        if made.exhibits == 1 { "" } else { "s" },
        made.folder.display(),
        made.zip.display(),
        made.handout_index,
        made.tree_size
    );
    if !made.earlier.is_empty() {
        crate::say!(
            "it proves the checkpoints handed out before (sizes {}) are part of this one",
            made.earlier
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    crate::say!(
        "check it with `casefile bundle verify {}`",
        made.folder.display()
    );
    Ok(Exit::Success)
}

/// `casefile bundle verify PATH`
pub(crate) fn verify(path: &Path, json: bool) -> anyhow::Result<Exit> {
    crate::output::print_check(
        casefile_app::bundle_check::verify_bundle(path),
        |check| &check.checked,
        json,
    )
}
