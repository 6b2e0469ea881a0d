//! `casefile bundle`: the court bundle and its check; `casefile export`.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use casefile_app::Case;
use casefile_app::bundle::{BundleRequest, Profile};

use crate::output::{Exit, print_json};

/// `--as-of`: YYYY, YYYY-MM or YYYY-MM-DD (its first day), else today.
fn as_of_date(text: Option<String>) -> anyhow::Result<jiff::civil::Date> {
    Ok(match text {
        Some(text) => casefile_app::dates::first_day(&text)
            .with_context(|| format!("--as-of {text:?} is not YYYY, YYYY-MM or YYYY-MM-DD"))?,
        None => jiff::ZonedDateTime::now().date(),
    })
}

/// What `casefile bundle` was asked.
pub(crate) struct Make {
    pub(crate) profile: String,
    pub(crate) exhibits: Vec<String>,
    pub(crate) out: PathBuf,
    pub(crate) as_of: Option<String>,
    pub(crate) by: Option<String>,
    pub(crate) quorum: usize,
}

/// `casefile bundle --for PROFILE --out DIR`
pub(crate) fn make(case: &Case, make: Make, json: bool) -> anyhow::Result<Exit> {
    let profile = Profile::parse(&make.profile)?;
    let as_of = as_of_date(make.as_of)?;
    let request = BundleRequest {
        profile,
        exhibits: make.exhibits,
        out: make.out,
        as_of,
        quorum: make.quorum,
    };
    let by = make.by;
    let made = case.bundle(&request, &crate::add::who(by))?;
    if json {
        print_json(&made);
        return Ok(Exit::Success);
    }
    for left in &made.left_out {
        crate::say!("left out: {}", left.why);
    }
    for warning in &made.warnings {
        crate::say!("warning: {warning}");
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

/// `casefile bundle verify PATH [--cosigner KEY]... [--quorum N]`
pub(crate) fn verify(
    path: &Path,
    cosigners: &[String],
    quorum: Option<usize>,
    json: bool,
) -> anyhow::Result<Exit> {
    let policy = if cosigners.is_empty() && quorum.is_none() {
        None
    } else {
        let keys = cosigners
            .iter()
            .map(|k| {
                casefile_app::cosign::CosignerKey::parse(k)
                    .with_context(|| format!("--cosigner {k:?} is not a cosigner's public key"))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        Some(casefile_app::bundle_check::CosignerPolicy {
            quorum: quorum.unwrap_or(keys.len()),
            keys,
        })
    };
    crate::output::print_check(
        casefile_app::bundle_check::verify_bundle_with(path, policy.as_ref()),
        |check| &check.checked,
        json,
    )
}

/// `casefile export ftm|records --out FILE --for PROFILE`
pub(crate) fn export(
    case: &Case,
    what: &str,
    out: &Path,
    profile: &str,
    as_of: Option<String>,
    json: bool,
) -> anyhow::Result<Exit> {
    let profile = Profile::parse(profile)?;
    let exported = match what {
        "ftm" => case.export_ftm(&profile, out)?,
        "pdf" => case.export_report_pdf(&profile, as_of_date(as_of)?, out)?,
        _ => case.export_records_csv(&profile, out)?,
    };
    if json {
        print_json(&exported);
        return Ok(Exit::Success);
    }
    for left in &exported.left_out {
        crate::say!("left out: {}", left.why);
    }
    if what == "pdf" {
        crate::say!(
            "wrote the report of {} documents for {} to {}",
            exported.written,
            exported.profile,
            exported.out.display()
        );
        return Ok(Exit::Success);
    }
    let kinds: Vec<String> = exported
        .by_kind
        .iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect();
    crate::say!(
        "wrote {} {} for {} to {} ({})",
        exported.written,
        if what == "ftm" { "entities" } else { "records" },
        exported.profile,
        exported.out.display(),
        kinds.join(", ")
    );
    Ok(Exit::Success)
}
