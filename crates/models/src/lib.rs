//! casefile's optional model files: which ones there are, the SHA-256 each
//! must have, the one folder they live in, and installing them.
//!
//! The models are slovnet's Russian NER and morphology networks and the
//! navec word vectors they read, as the natasha wheel on PyPI ships them
//! (MIT). casefile never downloads anything while it works: the files come
//! in through [`install_from`] (a wheel carried in, or a folder of the
//! files) or [`download_wheel`] (the package registry, through pip), and
//! every file is checked against its pinned SHA-256 before it is installed
//! and again each time it is read ([`read_verified`]).
//!
//! The folder is `$CASEFILE_MODELS` when that is set, else `casefile/models`
//! in the platform's data folder (`$XDG_DATA_HOME`, by default
//! `~/.local/share`, on Linux). The binary, `scripts/models.sh`, the tests
//! and CI all use [`folder`].

#![deny(missing_docs)]

use std::io::{Read, Write as _};
use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

/// The package on the registry that carries the model files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Package {
    /// Its name on PyPI.
    pub name: &'static str,
    /// The pinned version.
    pub version: &'static str,
    /// The wheel's file name, as PyPI serves it.
    pub wheel: &'static str,
    /// The wheel's SHA-256, as PyPI lists it.
    pub wheel_sha256: &'static str,
    /// The licence the package states for itself and its data.
    pub licence: &'static str,
}

/// The natasha wheel, which ships slovnet's models and navec.
pub const NATASHA: Package = Package {
    name: "natasha",
    version: "1.6.0",
    wheel: "natasha-1.6.0-py3-none-any.whl",
    wheel_sha256: "e12b130d05a0b4d2eb6442092ed5b5769a68a311c17f2095b1aa739fb8d6dc78",
    licence: "MIT",
};

/// One model file: where it comes from, what it must hash to, and what it
/// is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ModelFile {
    /// Its file name in the models folder.
    pub name: &'static str,
    /// Its path inside the wheel.
    pub member: &'static str,
    /// What it is, in a few words.
    pub title: &'static str,
    /// Its size in bytes.
    pub size: u64,
    /// Its SHA-256, lower-case hex.
    pub sha256: &'static str,
    /// Its licence.
    pub licence: &'static str,
    /// The stages that read it, and what they do with it.
    pub used_by: &'static str,
}

/// slovnet's Russian NER network.
pub const NER: ModelFile = ModelFile {
    name: "slovnet_ner_news_v1.tar",
    member: "natasha/data/model/slovnet_ner_news_v1.tar",
    title: "slovnet NER (Russian news)",
    size: 2_385_920,
    sha256: "16c3343a6572ddf0e2b2fc1923113de15a7f5ca5bde90e780dd590418665603e",
    licence: "MIT",
    used_by: "extract: people, organizations and places in Russian and Ukrainian text; \
              resolve and records build on those mentions",
};

/// slovnet's Russian morphology network.
pub const MORPH: ModelFile = ModelFile {
    name: "slovnet_morph_news_v1.tar",
    member: "natasha/data/model/slovnet_morph_news_v1.tar",
    title: "slovnet morphology (Russian news)",
    size: 2_580_480,
    sha256: "54812762a641c742dbfa9c950c4b53bbb469301983077ed01b9f074643d540d3",
    licence: "MIT",
    used_by: "extract: the dictionary forms of Russian names (Алексея Дикого → Алексей Дикий), \
              which resolve groups mentions by",
};

/// navec's product-quantized Russian word vectors, read by both networks.
pub const NAVEC: ModelFile = ModelFile {
    name: "navec_news_v1_1B_250K_300d_100q.tar",
    member: "natasha/data/emb/navec_news_v1_1B_250K_300d_100q.tar",
    title: "navec word vectors (Russian news, 250,000 words)",
    size: 26_634_240,
    sha256: "f07270833d78523edc5781538d67038e95b43975e4a7ae757c693b687f9cbfca",
    licence: "MIT",
    used_by: "extract: the word vectors both networks read",
};

/// Every model file casefile knows.
pub const FILES: [&ModelFile; 3] = [&NER, &MORPH, &NAVEC];

/// Where the models live, and why there.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Location {
    /// The folder.
    pub folder: PathBuf,
    /// `CASEFILE_MODELS` or `data folder`: what chose it.
    pub from: &'static str,
}

/// An error about the model files.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModelsError {
    /// Neither `CASEFILE_MODELS` nor a home folder says where models live.
    #[error(
        "no folder for the models: set CASEFILE_MODELS, or HOME so that the platform's data folder is known"
    )]
    NoFolder,
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
    /// A model file is not the one pinned: damaged, cut short or replaced.
    #[error(
        "{path} is not the pinned {name}: its SHA-256 is {actual} ({size} bytes), expected {expected} ({expected_size} bytes); \
         it is not used"
    )]
    Corrupted {
        /// The file.
        path: PathBuf,
        /// The model it should be.
        name: &'static str,
        /// What it hashes to.
        actual: String,
        /// Its size.
        size: u64,
        /// What it should hash to.
        expected: &'static str,
        /// The size it should have.
        expected_size: u64,
    },
    /// The file given to install from is neither a wheel nor a folder.
    #[error("{path}: {message}")]
    BadSource {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// The package registry could not be reached through pip.
    #[error("{0}")]
    Download(String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ModelsError + '_ {
    move |source| ModelsError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The models folder: `$CASEFILE_MODELS` when set (and not empty), else
/// `casefile/models` in the platform's data folder.
pub fn folder() -> Result<Location, ModelsError> {
    if let Some(dir) = std::env::var_os("CASEFILE_MODELS").filter(|dir| !dir.is_empty()) {
        return Ok(Location {
            folder: PathBuf::from(dir),
            from: "CASEFILE_MODELS",
        });
    }
    let data = dirs::data_dir().ok_or(ModelsError::NoFolder)?;
    Ok(Location {
        folder: data.join("casefile").join("models"),
        from: "data folder",
    })
}

/// The state of one model file in the folder.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum State {
    /// There, with the pinned SHA-256.
    Installed,
    /// Not there.
    Missing,
    /// There, but not the pinned bytes.
    Corrupted {
        /// What it hashes to.
        sha256: String,
        /// Its size.
        size: u64,
    },
    /// There, but it cannot be read.
    Unreadable {
        /// Why.
        error: String,
    },
}

/// One model file and its state.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FileStatus {
    /// Which file.
    pub file: &'static ModelFile,
    /// Where it is or would be.
    pub path: PathBuf,
    /// Whether it is there and sound.
    #[serde(flatten)]
    pub state: State,
}

/// Hashes a reader to its end: the lower-case hex SHA-256 and the size.
fn hash_reader(
    mut input: impl Read,
    progress: &mut dyn FnMut(u64),
) -> std::io::Result<(String, u64)> {
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let read = match input.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => read,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        hasher.update(&buffer[..read]);
        size += read as u64;
        progress(read as u64);
    }
    Ok((hex(&hasher.finalize()), size))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The state of every model file in `folder`, each hashed in full.
pub fn status(folder: &Path) -> Vec<FileStatus> {
    FILES
        .iter()
        .map(|file| {
            let path = folder.join(file.name);
            let state = match std::fs::File::open(&path) {
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => State::Missing,
                Err(error) => State::Unreadable {
                    error: error.to_string(),
                },
                Ok(opened) => match hash_reader(opened, &mut |_| {}) {
                    Ok((sha256, _)) if sha256 == file.sha256 => State::Installed,
                    Ok((sha256, size)) => State::Corrupted { sha256, size },
                    Err(error) => State::Unreadable {
                        error: error.to_string(),
                    },
                },
            };
            FileStatus { file, path, state }
        })
        .collect()
}

/// Reads model file `file` from `folder` and checks it against its pinned
/// SHA-256. `Ok(None)` when it is not there; [`ModelsError::Corrupted`]
/// when it is there but not the pinned bytes.
pub fn read_verified(
    folder: &Path,
    file: &'static ModelFile,
) -> Result<Option<Vec<u8>>, ModelsError> {
    let path = folder.join(file.name);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(io(&path)(error)),
    };
    check(&path, file, &bytes)?;
    Ok(Some(bytes))
}

fn check(path: &Path, file: &'static ModelFile, bytes: &[u8]) -> Result<(), ModelsError> {
    let actual = sha256_hex(bytes);
    if actual == file.sha256 {
        return Ok(());
    }
    Err(ModelsError::Corrupted {
        path: path.to_path_buf(),
        name: file.name,
        actual,
        size: bytes.len() as u64,
        expected: file.sha256,
        expected_size: file.size,
    })
}

/// What [`install_from`] did with each file.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Installed {
    /// Files written into the folder.
    pub written: Vec<&'static str>,
    /// Files that were there already with the pinned SHA-256.
    pub kept: Vec<&'static str>,
}

/// Progress of an install, in bytes of the model files.
pub trait Progress {
    /// `total` bytes are to be checked and written.
    fn start(&mut self, total: u64);
    /// `done` more bytes were checked.
    fn advance(&mut self, done: u64);
}

/// A [`Progress`] that shows nothing.
#[derive(Debug, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&mut self, _total: u64) {}
    fn advance(&mut self, _done: u64) {}
}

/// Installs every model file into `folder` from `source`: the natasha
/// wheel (a zip archive, any file name: one carried in on a USB stick, or
/// one [`download_wheel`] fetched), or a folder holding the model files by
/// name (another machine's models folder). Each file is checked against
/// its pinned SHA-256 before it is put in place, through a temporary file
/// and a rename, so a cut install leaves no half file under the model's
/// name; a file already installed and sound is kept. Nothing is written
/// when any file in `source` is missing or wrong.
pub fn install_from(
    source: &Path,
    folder: &Path,
    progress: &mut dyn Progress,
) -> Result<Installed, ModelsError> {
    let mut installed = Installed::default();
    let wanted: Vec<&'static ModelFile> = status(folder)
        .into_iter()
        .filter_map(|status| {
            if status.state == State::Installed {
                installed.kept.push(status.file.name);
                None
            } else {
                Some(status.file)
            }
        })
        .collect();
    if wanted.is_empty() {
        return Ok(installed);
    }
    progress.start(wanted.iter().map(|file| file.size).sum());
    let metadata = std::fs::metadata(source).map_err(io(source))?;
    // Every wanted file is read and checked before any is written.
    let mut contents = Vec::with_capacity(wanted.len());
    if metadata.is_dir() {
        for file in &wanted {
            let path = source.join(file.name);
            let bytes = std::fs::read(&path).map_err(io(&path))?;
            progress.advance(bytes.len() as u64);
            check(&path, file, &bytes)?;
            contents.push((*file, bytes));
        }
    } else {
        let opened = std::fs::File::open(source).map_err(io(source))?;
        let mut archive = zip::ZipArchive::new(opened).map_err(|error| ModelsError::BadSource {
            path: source.to_path_buf(),
            message: format!(
                "not a wheel (zip archive): {error}; give the {} wheel ({}) or a folder holding the model files",
                NATASHA.name, NATASHA.wheel
            ),
        })?;
        for file in &wanted {
            let mut member =
                archive
                    .by_name(file.member)
                    .map_err(|error| ModelsError::BadSource {
                        path: source.to_path_buf(),
                        message: format!(
                            "{} is not in this archive ({error}); is it the {} wheel ({})?",
                            file.member, NATASHA.name, NATASHA.wheel
                        ),
                    })?;
            // The size comes from the archive, which may lie: read no more
            // than the pinned size and one byte, which is enough to tell.
            let mut bytes = Vec::with_capacity(file.size as usize);
            let mut limited = (&mut member).take(file.size + 1);
            let mut buffer = vec![0u8; 1 << 16];
            loop {
                let read = limited.read(&mut buffer).map_err(io(source))?;
                if read == 0 {
                    break;
                }
                bytes.extend_from_slice(&buffer[..read]);
                progress.advance(read as u64);
            }
            check(&source.join(file.member), file, &bytes)?;
            contents.push((*file, bytes));
        }
    }
    std::fs::create_dir_all(folder).map_err(io(folder))?;
    for (file, bytes) in contents {
        write_atomically(folder, file.name, &bytes)?;
        installed.written.push(file.name);
    }
    Ok(installed)
}

/// Writes `bytes` to `folder/name` through a temporary file in the same
/// folder, flushed before the rename and the folder flushed after it.
fn write_atomically(folder: &Path, name: &str, bytes: &[u8]) -> Result<(), ModelsError> {
    let mut temporary = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".part")
        .tempfile_in(folder)
        .map_err(io(folder))?;
    temporary.write_all(bytes).map_err(io(temporary.path()))?;
    temporary
        .as_file()
        .sync_all()
        .map_err(io(temporary.path()))?;
    let target = folder.join(name);
    temporary
        .persist(&target)
        .map_err(|error| io(&target)(error.error))?;
    if let Ok(directory) = std::fs::File::open(folder) {
        // A folder that cannot be flushed (some file systems) still has
        // the file; the rename is what makes it whole.
        let _ = directory.sync_all();
    }
    Ok(())
}

/// Fetches the natasha wheel from PyPI into `into` with
/// `python3 -m pip download` (the only network access casefile makes, and
/// only when a person asks for it), checks it against its pinned SHA-256,
/// and returns its path. `python` is the interpreter to run.
pub fn download_wheel(python: &str, into: &Path) -> Result<PathBuf, ModelsError> {
    let requirement = format!("{}=={}", NATASHA.name, NATASHA.version);
    let output = std::process::Command::new(python)
        .args([
            "-m",
            "pip",
            "download",
            "--quiet",
            "--disable-pip-version-check",
            "--progress-bar",
            "off",
            "--no-deps",
            "--only-binary=:all:",
        ])
        .arg(&requirement)
        .arg("-d")
        .arg(into)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|error| {
            ModelsError::Download(format!(
                "cannot run `{python} -m pip` ({error}): Python 3 with pip fetches the models from PyPI; \
                 without it, bring the {} wheel in and run `casefile models install --from {}`",
                NATASHA.name, NATASHA.wheel
            ))
        })?;
    if !output.status.success() {
        let said = String::from_utf8_lossy(&output.stderr);
        let last = said
            .lines()
            .rev()
            .find(|line| !line.trim().is_empty())
            .unwrap_or("no message");
        return Err(ModelsError::Download(format!(
            "pip could not download {requirement} from PyPI ({last}); \
             on a machine without the registry, bring the wheel in and run `casefile models install --from {}`",
            NATASHA.wheel
        )));
    }
    let wheel = into.join(NATASHA.wheel);
    let opened = std::fs::File::open(&wheel).map_err(io(&wheel))?;
    let (sha256, _) = hash_reader(opened, &mut |_| {}).map_err(io(&wheel))?;
    if sha256 != NATASHA.wheel_sha256 {
        return Err(ModelsError::Download(format!(
            "{} from PyPI has SHA-256 {sha256}, not the pinned {}; it was not used",
            wheel.display(),
            NATASHA.wheel_sha256
        )));
    }
    Ok(wheel)
}

#[cfg(test)]
mod tests;
