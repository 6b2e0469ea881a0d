//! The `models` command: what is installed, and installing the optional
//! model files (loading them is the case service's, `casefile_app::models`).

use std::path::{Path, PathBuf};

use casefile_app::models::files as casefile_models;
use casefile_app::models::fix;
use casefile_models::{ModelsError, NATASHA, State};
use clap::Subcommand;

use crate::output::{Exit, print_json};

/// The `models` subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum ModelsCommand {
    /// What is installed and where: each model file with its licence,
    /// SHA-256 (checked against the pinned one) and the stages that use it.
    ///
    /// Exits 0 when every file is installed and sound, 1 when some are
    /// missing, 3 when one is damaged (it is then not used).
    Status,
    /// Install the model files (slovnet's Russian NER and morphology, and
    /// navec's word vectors, MIT, about 31 MB) into the models folder.
    ///
    /// Without --from they come from PyPI, inside the natasha wheel, through
    /// `python3 -m pip download` (Python 3 with pip is needed, and the
    /// registry). With --from, from the wheel carried in (on a USB stick,
    /// say) or from a folder holding the model files: nothing is fetched.
    /// Every file is checked against its pinned SHA-256 before it is put
    /// in place; files already installed and sound are kept.
    Install {
        /// The natasha wheel (natasha-1.6.0-py3-none-any.whl) or a folder
        /// holding the model files.
        #[arg(long, value_name = "FILE")]
        from: Option<PathBuf>,
        /// The Python interpreter that runs pip.
        #[arg(long, default_value = "python3", value_name = "PROGRAM")]
        python: String,
    },
}

/// Whether every model file is installed and sound (each is read and
/// hashed; loading reads it again): used by `demo` to decide whether to
/// install first.
pub(crate) fn all_installed() -> bool {
    casefile_models::folder().is_ok_and(|location| {
        casefile_models::status(&location.folder)
            .iter()
            .all(|status| status.state == State::Installed)
    })
}

/// A progress bar over the bytes checked and written.
struct Bar(indicatif::ProgressBar);

impl casefile_models::Progress for Bar {
    fn start(&mut self, total: u64) {
        self.0.set_length(total);
        self.0.set_position(0);
    }
    fn advance(&mut self, done: u64) {
        self.0.inc(done);
    }
}

/// Installs the models into the models folder, from `from` or from PyPI.
pub(crate) fn install(
    from: Option<&Path>,
    python: &str,
    json: bool,
) -> Result<casefile_models::Installed, ModelsError> {
    let location = casefile_models::folder()?;
    let downloads;
    let source = match from {
        Some(source) => source.to_path_buf(),
        None => {
            let spinner = crate::output::spinner(
                json,
                &format!("downloading {} {} from PyPI", NATASHA.name, NATASHA.version),
            );
            downloads = tempfile::tempdir().map_err(|source| ModelsError::Io {
                path: std::env::temp_dir(),
                source,
            })?;
            let wheel = casefile_models::download_wheel(python, downloads.path());
            spinner.finish_and_clear();
            wheel?
        }
    };
    let bar = crate::output::byte_bar(json, "checking");
    let installed = casefile_models::install_from(&source, &location.folder, &mut Bar(bar.clone()));
    bar.finish_and_clear();
    installed
}

pub(crate) fn run(command: ModelsCommand, json: bool) -> anyhow::Result<Exit> {
    let location = casefile_models::folder()?;
    match command {
        ModelsCommand::Status => {
            let statuses = casefile_models::status(&location.folder);
            let damaged = statuses
                .iter()
                .any(|s| matches!(s.state, State::Corrupted { .. } | State::Unreadable { .. }));
            let missing = statuses.iter().any(|s| s.state == State::Missing);
            if json {
                print_json(&serde_json::json!({
                    "folder": location.folder,
                    "folder_from": location.from,
                    "package": NATASHA,
                    "files": statuses,
                }));
            } else {
                crate::say!(
                    "models folder: {} (from {})",
                    location.folder.display(),
                    location.from
                );
                for status in &statuses {
                    let file = status.file;
                    let state = match &status.state {
                        State::Installed => "installed".to_owned(),
                        State::Missing => "MISSING".to_owned(),
                        State::Corrupted { sha256, size } => {
                            format!("DAMAGED: SHA-256 {sha256}, {size} bytes; not used")
                        }
                        State::Unreadable { error } => format!("UNREADABLE: {error}"),
                    };
                    crate::say!("{}: {state}", file.name);
                    crate::say!(
                        "  {}, {} bytes, licence {}",
                        file.title,
                        file.size,
                        file.licence
                    );
                    crate::say!("  SHA-256 {}", file.sha256);
                    crate::say!("  used by {}", file.used_by);
                }
                crate::say!(
                    "from the {} {} wheel on PyPI ({}, licence {})",
                    NATASHA.name,
                    NATASHA.version,
                    NATASHA.wheel,
                    NATASHA.licence
                );
                if damaged || missing {
                    crate::say!("{}", fix());
                }
            }
            Ok(if damaged {
                Exit::Integrity
            } else if missing {
                Exit::Failure
            } else {
                Exit::Success
            })
        }
        ModelsCommand::Install { from, python } => {
            let installed = install(from.as_deref(), &python, json)?;
            if json {
                print_json(&serde_json::json!({
                    "folder": location.folder,
                    "written": installed.written,
                    "kept": installed.kept,
                }));
            } else if installed.written.is_empty() {
                crate::say!(
                    "the models are installed in {} already (SHA-256 checked)",
                    location.folder.display()
                );
            } else {
                for name in &installed.written {
                    crate::say!("installed {}", location.folder.join(name).display());
                }
            }
            Ok(Exit::Success)
        }
    }
}
