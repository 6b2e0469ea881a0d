//! Cosigning: `casefile cosigner ...` on the case's side (which partners'
//! cosignatures count, and importing them), `casefile cosign ...` on the
//! partner's side (a key, and cosigning a bundle's checkpoint after
//! checking that the log only grew).

use std::path::PathBuf;

use clap::Subcommand;

use crate::output::{Exit, print_json};

/// `casefile cosigner ...`: the case's side.
#[derive(Debug, Subcommand)]
pub(crate) enum CosignerCommand {
    /// Count this partner's cosignatures (their public key, as `casefile
    /// cosign new-key` printed it). Logged.
    Trust {
        /// The cosigner's public key: NAME+ID+BASE64.
        key: String,
        /// Who decides it (default: $CASEFILE_USER, else $USER).
        #[arg(long)]
        by: Option<String>,
    },
    /// Stop counting this partner's cosignatures. Logged.
    Distrust {
        /// The cosigner's public key.
        key: String,
        /// Who decides it (default: $CASEFILE_USER, else $USER).
        #[arg(long)]
        by: Option<String>,
    },
    /// The trusted cosigners and the checkpoints they cosigned.
    List,
    /// Log the cosignatures a partner sent back (the file `casefile cosign`
    /// wrote): every later bundle carries them.
    Import {
        /// The cosigned checkpoint.
        file: PathBuf,
        /// Who imports it (default: $CASEFILE_USER, else $USER).
        #[arg(long)]
        by: Option<String>,
    },
}

/// `casefile cosign ...`: the partner's side, with no case.
#[derive(Debug, Subcommand)]
pub(crate) enum CosignCommand {
    /// Make a cosigner key (kept in FILE, mode 0600) and print its public
    /// key, for the case to trust.
    NewKey {
        /// Where to keep the private key (must not exist).
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
        /// The cosigner's name, e.g. partner.example/cosigner (no spaces or +).
        #[arg(long)]
        name: String,
    },
    /// Check a bundle in full, check that its log extends the last
    /// checkpoint this key cosigned for it (kept in --state), and cosign
    /// the bundle's checkpoint into --out for the case to import.
    Bundle {
        /// The bundle's folder or zip.
        bundle: PathBuf,
        /// The cosigner's private key.
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
        /// The folder where this cosigner keeps what it cosigned, per log.
        #[arg(long, value_name = "DIR")]
        state: PathBuf,
        /// Where to write the cosigned checkpoint (must not exist).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

pub(crate) fn cosigner(
    case: &casefile_app::Case,
    command: CosignerCommand,
    json: bool,
) -> anyhow::Result<Exit> {
    match command {
        CosignerCommand::Trust { key, by } => trust(case, &key, by, true, json)?,
        CosignerCommand::Distrust { key, by } => trust(case, &key, by, false, json)?,
        CosignerCommand::List => {
            let cosigners = case.cosigners()?;
            if json {
                print_json(&cosigners);
            } else {
                if cosigners.trusted.is_empty() {
                    crate::say!("no trusted cosigner (casefile cosigner trust KEY)");
                }
                for key in &cosigners.trusted {
                    let sizes: Vec<String> = cosigners
                        .cosigned
                        .iter()
                        .filter(|(_, lines)| lines.iter().any(|(k, _)| k == key))
                        .map(|(size, _)| size.to_string())
                        .collect();
                    crate::say!(
                        "{key}\n  cosigned: {}",
                        if sizes.is_empty() {
                            "nothing yet".to_owned()
                        } else {
                            format!("the checkpoints of size {}", sizes.join(", "))
                        }
                    );
                }
            }
        }
        CosignerCommand::Import { file, by } => {
            let bytes =
                std::fs::read(&file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let imported = case.import_cosignature(&bytes, &crate::add::who(by))?;
            if json {
                print_json(&imported);
            } else {
                for (name, time) in &imported.cosigners {
                    crate::say!(
                        "{name} cosigned the checkpoint of size {} (at {})",
                        imported.size,
                        jiff::Timestamp::from_second(*time as i64)
                            .map(|t| t.to_string())
                            .unwrap_or_default()
                    );
                }
                if imported.entries.is_empty() {
                    crate::say!("already imported: nothing logged");
                }
            }
        }
    }
    Ok(Exit::Success)
}

/// `cosigner trust` and `cosigner distrust`.
fn trust(
    case: &casefile_app::Case,
    key: &str,
    by: Option<String>,
    trust: bool,
    json: bool,
) -> anyhow::Result<()> {
    let key = case.trust_cosigner(key, trust, &crate::add::who(by))?;
    if json {
        print_json(&serde_json::json!({ "cosigner": key.name(), "trusted": trust }));
    } else {
        crate::say!(
            "{} cosigner {}",
            if trust {
                "trusting"
            } else {
                "no longer trusting"
            },
            key.name()
        );
    }
    Ok(())
}

pub(crate) fn cosign(command: CosignCommand, json: bool) -> anyhow::Result<Exit> {
    match command {
        CosignCommand::NewKey { key, name } => {
            let public = casefile_app::cosign::new_cosigner_key(&key, &name)?;
            if json {
                print_json(&serde_json::json!({ "key": public.to_string() }));
            } else {
                crate::say!(
                    "{public}\n(the private key is in {}; give the line above to the case, which \
                     trusts it with `casefile cosigner trust KEY`)",
                    key.display()
                );
            }
        }
        CosignCommand::Bundle {
            bundle,
            key,
            state,
            out,
        } => {
            let cosigned = casefile_app::cosign::cosign_bundle(&bundle, &key, &state, &out)?;
            if json {
                print_json(&cosigned);
            } else {
                crate::say!(
                    "cosigned the checkpoint of {} at size {}{}; send {} back to the case \
                     (casefile cosigner import FILE)",
                    cosigned.origin,
                    cosigned.size,
                    cosigned
                        .after
                        .map(|a| format!(", which extends the one cosigned at size {a}"))
                        .unwrap_or_else(|| ", the first for this log".into()),
                    cosigned.out.display()
                );
            }
        }
    }
    Ok(Exit::Success)
}
