//! A case folder: opening, adding sources, checkpoints and proofs.
//!
//! Layout of `<folder>/.casefile/` (see `docs/formats/case-folder.md`):
//!
//! ```text
//! case.json          format, version, origin, creation time
//! signing.key        Ed25519 private key (mode 0600)
//! verifier.key       the matching public key, signed-note form
//! lock               advisory lock: exclusive for writers, shared for readers
//! catalogue.sqlite   derived SQLite catalogue (WAL)
//! blobs/sha256/..    content-addressed bytes
//! log/               entries, offsets, stored hashes, checkpoints
//! ```

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use base64::Engine as _;
use casefile_merkle::Hash;
use casefile_note::{Checkpoint, Note, NoteSigner, NoteVerifier};

use crate::blobs::{BlobReader, BlobStore, PreparedBlob, Sha256};
use crate::catalog::{Catalogue, SourceRecord, source_id};
use crate::entry::{Acquisition, SourceKind};
use crate::error::{IoContext as _, VaultError};
use crate::files::{random_hex, sync_dir, write_atomically};
use crate::log::{Log, LogPaths};

/// The name of the folder that holds a case's data inside the case folder.
pub const CASE_DIR: &str = ".casefile";

const CONFIG_FORMAT: &str = "casefile-case";
const CONFIG_VERSION: u32 = 1;

/// Where "now" comes from: the system clock, or a fixed one in tests.
pub trait Clock: Send + Sync {
    /// The current time.
    fn now(&self) -> jiff::Timestamp;
}

/// The system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> jiff::Timestamp {
        jiff::Timestamp::now()
    }
}

/// The contents of `case.json`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CaseConfig {
    /// Always `casefile-case`.
    pub format: String,
    /// The case format version.
    pub version: u32,
    /// The log's origin line, also the signing key's name.
    pub origin: String,
    /// When the case was created (RFC 3339, UTC).
    pub created_at: String,
}

/// What the user states about the files of one add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddOptions {
    /// The kind of source.
    pub kind: SourceKind,
    /// Where it was found.
    pub url: Option<String>,
    /// When it was collected (already normalized: `casefile_dates::normalize_time`).
    pub acquired_at: Option<String>,
    /// A free-text note.
    pub note: Option<String>,
    /// Who adds it.
    pub by: String,
    /// A protected source's encrypted fields (see [`Acquisition::sealed`]):
    /// when set, the entry records no name, and `url`, `acquired_at` and
    /// `note` must be `None`.
    pub sealed: Option<String>,
}

/// One source recorded by an add.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AddedSource {
    /// The file it came from.
    pub path: PathBuf,
    /// The new source's id.
    pub source_id: String,
    /// Its entry's position in the log.
    pub log_index: u64,
    /// SHA-256 of its bytes (hex).
    pub sha256: String,
    /// Number of bytes.
    pub size: u64,
    /// Whether identical bytes were already in the vault.
    pub already_stored: bool,
}

/// An inclusion proof for one entry, with everything needed to check it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InclusionProof {
    /// The entry's position.
    pub leaf_index: u64,
    /// The size of the tree the proof is for.
    pub tree_size: u64,
    /// The entry's bytes, base64.
    pub entry: String,
    /// The entry's leaf hash, hex.
    pub leaf_hash: String,
    /// Sibling hashes from the leaf upward, hex.
    pub proof: Vec<String>,
    /// The tree's root, hex.
    pub root: String,
    /// The signed checkpoint for this tree size, when one was stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<String>,
}

/// A consistency proof between two sizes of the log.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ConsistencyProof {
    /// The older size.
    pub old_size: u64,
    /// The newer size.
    pub new_size: u64,
    /// The root at the older size, hex.
    pub old_root: String,
    /// The root at the newer size, hex.
    pub new_root: String,
    /// The proof's hashes, hex.
    pub proof: Vec<String>,
}

/// A held lock on the case; released when dropped.
pub(crate) struct CaseLock(#[allow(dead_code, reason = "held for its Drop, which unlocks")] File);

/// An open case.
pub struct Case {
    root: PathBuf,
    dir: PathBuf,
    config: CaseConfig,
    signer: NoteSigner,
    pub(crate) blobs: BlobStore,
    pub(crate) paths: LogPaths,
    clock: Box<dyn Clock>,
}

impl std::fmt::Debug for Case {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Case")
            .field("root", &self.root)
            .field("origin", &self.config.origin)
            .finish_non_exhaustive()
    }
}

fn read_text(path: &Path) -> Result<String, VaultError> {
    std::fs::read_to_string(path).at(path)
}

impl Case {
    /// Creates a case in `folder` (created if needed). The case appears whole
    /// or not at all: it is assembled beside its final name and renamed.
    pub fn init(
        folder: &Path,
        origin: Option<&str>,
        clock: Box<dyn Clock>,
    ) -> Result<Self, VaultError> {
        std::fs::create_dir_all(folder).at(folder)?;
        let dir = folder.join(CASE_DIR);
        if dir.exists() {
            return Err(VaultError::AlreadyACase {
                path: folder.to_path_buf(),
            });
        }
        let origin = match origin {
            Some(origin) => origin.to_owned(),
            None => format!("casefile/{}", random_hex(8)?),
        };
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| VaultError::Io {
            path: "(system random source)".into(),
            source: std::io::Error::other(e.to_string()),
        })?;
        let signer = NoteSigner::from_seed(&origin, &seed).map_err(|source| VaultError::Note {
            path: folder.to_path_buf(),
            source,
        })?;
        let staging = folder.join(format!("{CASE_DIR}.init-{}", random_hex(4)?));
        std::fs::create_dir(&staging).at(&staging)?;
        let config = CaseConfig {
            format: CONFIG_FORMAT.into(),
            version: CONFIG_VERSION,
            origin: origin.clone(),
            created_at: clock.now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        };
        let json = serde_json::to_string_pretty(&config).unwrap_or_default() + "\n";
        write_atomically(&staging, "case.json", json.as_bytes(), 0o644)?;
        write_atomically(
            &staging,
            "signing.key",
            format!("{}\n", signer.to_private_string()).as_bytes(),
            0o600,
        )?;
        write_atomically(
            &staging,
            "verifier.key",
            format!("{}\n", signer.verifier()).as_bytes(),
            0o644,
        )?;
        File::create(staging.join("lock")).at(staging.join("lock"))?;
        BlobStore::create(&staging.join("blobs"))?;
        let paths = LogPaths::new(&staging.join("log"));
        paths.create()?;
        Catalogue::open(&staging.join("catalogue.sqlite"))?;
        let empty = Checkpoint {
            origin: origin.clone(),
            size: 0,
            root: casefile_merkle::empty_root(),
            extensions: Vec::new(),
        };
        let note = signer
            .sign(&empty.to_text())
            .map_err(|source| VaultError::Note {
                path: paths.checkpoints.clone(),
                source,
            })?;
        paths.write_checkpoint(0, &note)?;
        sync_dir(&staging)?;
        std::fs::rename(&staging, &dir).at(&dir)?;
        sync_dir(folder)?;
        Self::open(folder, clock)
    }

    /// Finds the case folder containing `start`: `start` itself or the
    /// nearest folder above it that holds a `.casefile` folder.
    pub fn discover(start: &Path) -> Result<PathBuf, VaultError> {
        let absolute = std::path::absolute(start).at(start)?;
        absolute
            .ancestors()
            .find(|folder| folder.join(CASE_DIR).join("case.json").is_file())
            .map(Path::to_path_buf)
            .ok_or(VaultError::NoCase { start: absolute })
    }

    /// Opens the case in `folder`. Finishes what a crash interrupted: cuts
    /// unsigned bytes off the log and brings the catalogue up to date.
    pub fn open(folder: &Path, clock: Box<dyn Clock>) -> Result<Self, VaultError> {
        let case = Self::open_untouched(folder, clock)?;
        let _lock = case.lock(true)?;
        case.paths.remove_unfinished_checkpoints()?;
        case.blobs.remove_stale_temporaries()?;
        case.caught_up_catalogue()?;
        drop(_lock);
        Ok(case)
    }

    /// Opens the case in `folder` without changing anything in it, not even
    /// to recover from a crash: for `verify`, which must report on a damaged
    /// case rather than refuse to open it.
    pub fn open_untouched(folder: &Path, clock: Box<dyn Clock>) -> Result<Self, VaultError> {
        let root = std::path::absolute(folder).at(folder)?;
        let dir = root.join(CASE_DIR);
        if !dir.join("case.json").is_file() {
            return Err(VaultError::NoCase { start: root });
        }
        let config_path = dir.join("case.json");
        let config: CaseConfig =
            serde_json::from_str(&read_text(&config_path)?).map_err(|e| VaultError::BadFormat {
                path: config_path.clone(),
                problem: e.to_string(),
            })?;
        if config.format != CONFIG_FORMAT || config.version != CONFIG_VERSION {
            return Err(VaultError::BadFormat {
                path: config_path,
                problem: format!(
                    "format {} version {} is not one this build reads",
                    config.format, config.version
                ),
            });
        }
        let key_path = dir.join("signing.key");
        let signer = Self::read_signer(&key_path)?;
        if signer.name() != config.origin {
            return Err(VaultError::BadFormat {
                path: key_path,
                problem: format!(
                    "the key is named {}, the log {}",
                    signer.name(),
                    config.origin
                ),
            });
        }
        Ok(Self {
            blobs: BlobStore::new(dir.join("blobs")),
            paths: LogPaths::new(&dir.join("log")),
            root,
            dir,
            config,
            signer,
            clock,
        })
    }

    fn read_signer(path: &Path) -> Result<NoteSigner, VaultError> {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(path).at(path)?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(VaultError::KeyPermissions {
                path: path.to_path_buf(),
                mode,
            });
        }
        NoteSigner::parse(read_text(path)?.trim_end()).map_err(|source| VaultError::Note {
            path: path.to_path_buf(),
            source,
        })
    }

    pub(crate) fn lock(&self, exclusive: bool) -> Result<CaseLock, VaultError> {
        let path = self.dir.join("lock");
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .at(&path)?;
        if exclusive {
            file.lock().at(&path)?;
        } else {
            file.lock_shared().at(&path)?;
        }
        Ok(CaseLock(file))
    }

    pub(crate) fn catalogue(&self) -> Result<Catalogue, VaultError> {
        Catalogue::open(&self.dir.join("catalogue.sqlite"))
    }

    /// Adds catalogue rows for the log entries it lacks, sorted by leaf hash
    /// and in one transaction, so that the hash index is written in order
    /// and each of its pages about once.
    fn catch_up(&self, log: &Log, catalogue: &mut Catalogue) -> Result<(), VaultError> {
        let known = catalogue.known_size()?;
        if known >= log.size() {
            return Ok(());
        }
        let mut rows = Vec::with_capacity((log.size() - known) as usize);
        log.for_each_entry(known, u64::MAX, |index, bytes| {
            let entry = Acquisition::decode(bytes).map_err(|e| {
                VaultError::Integrity(format!("log entry {index} does not decode: {e}"))
            })?;
            rows.push((index, casefile_merkle::leaf_hash(bytes), entry.sha256));
            Ok(())
        })?;
        rows.sort_by_key(|(_, leaf, _)| *leaf);
        catalogue.insert(&rows)
    }

    /// Brings the catalogue up to the log. Adds leave this to the end of a
    /// run of commits (and lookups and `open` do it when needed), because
    /// one large sorted transaction costs far less than one per batch.
    pub fn update_catalogue(&self) -> Result<(), VaultError> {
        let _lock = self.lock(true)?;
        self.caught_up_catalogue().map(drop)
    }

    /// The catalogue brought up to the log; the caller holds the exclusive
    /// lock.
    fn caught_up_catalogue(&self) -> Result<Catalogue, VaultError> {
        let (size, _) = self.latest_checkpoint_unlocked()?;
        let log = Log::open(self.paths.clone(), size, true)?;
        let mut catalogue = self.catalogue()?;
        self.catch_up(&log, &mut catalogue)?;
        Ok(catalogue)
    }

    /// The case folder (the one holding `.casefile`).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The `.casefile` folder.
    pub fn data_dir(&self) -> &Path {
        &self.dir
    }

    /// The log's origin (also the signing key's name).
    pub fn origin(&self) -> &str {
        &self.config.origin
    }

    /// The verifier key of the case's signing key.
    pub fn verifier(&self) -> NoteVerifier {
        self.signer.verifier()
    }

    /// Whether `path` lies inside the case's own data folder.
    pub fn holds(&self, path: &Path) -> bool {
        std::path::absolute(path).is_ok_and(|path| path.starts_with(&self.dir))
    }

    /// The latest checkpoint's size and signed text.
    pub fn latest_checkpoint(&self) -> Result<(u64, String), VaultError> {
        let _lock = self.lock(false)?;
        self.latest_checkpoint_unlocked()
    }

    pub(crate) fn latest_checkpoint_unlocked(&self) -> Result<(u64, String), VaultError> {
        let files = self.paths.checkpoint_files()?.found;
        let (size, path) = files.last().cloned().ok_or_else(|| {
            VaultError::Integrity(format!(
                "{} holds no checkpoint",
                self.paths.checkpoints.display()
            ))
        })?;
        let text = read_text(&path)?;
        let checkpoint = self.check_checkpoint(&path, &text)?;
        if checkpoint.size != size {
            return Err(VaultError::Integrity(format!(
                "{} states size {}, its name says {size}",
                path.display(),
                checkpoint.size
            )));
        }
        Ok((size, text))
    }

    /// Parses and verifies a stored checkpoint against this case's key and origin.
    pub(crate) fn check_checkpoint(
        &self,
        path: &Path,
        text: &str,
    ) -> Result<Checkpoint, VaultError> {
        let fail = |source| VaultError::Note {
            path: path.to_path_buf(),
            source,
        };
        let note = Note::verify(text.as_bytes(), &self.signer.verifier()).map_err(fail)?;
        let checkpoint = Checkpoint::parse(&note.text).map_err(fail)?;
        if checkpoint.origin != self.config.origin {
            return Err(VaultError::Integrity(format!(
                "{}: origin {} is not this log's {}",
                path.display(),
                checkpoint.origin,
                self.config.origin
            )));
        }
        Ok(checkpoint)
    }

    /// Streams a file into the vault's temporary area and hashes it. Nothing
    /// is recorded until [`Case::commit`].
    pub fn prepare(&self, path: &Path) -> Result<PreparedBlob, VaultError> {
        if self.holds(path) {
            return Err(VaultError::Invalid(format!(
                "{} is inside the case's own data folder",
                path.display()
            )));
        }
        self.blobs.prepare(path)
    }

    /// Flushes the whole file system the case is on: for a caller that
    /// wrote many files of its own in the case folder (wrapped keys) and
    /// needs them durable, at the cost of one flush.
    pub fn flush(&self) -> Result<(), VaultError> {
        self.blobs.sync_filesystem()
    }

    /// Streams a file through `transform` into the vault's temporary area:
    /// what is stored and hashed is what it writes (a protected source's
    /// ciphertext), so the file's own bytes never reach the case folder.
    /// `transform` is told the file's length.
    /// Nothing is recorded until [`Case::commit`].
    pub fn prepare_through(
        &self,
        path: &Path,
        transform: crate::blobs::Transform<'_>,
    ) -> Result<PreparedBlob, VaultError> {
        if self.holds(path) {
            return Err(VaultError::Invalid(format!(
                "{} is inside the case's own data folder",
                path.display()
            )));
        }
        self.blobs.prepare_through(path, transform)
    }

    /// Puts bytes held in memory into the vault's temporary area, as
    /// [`Case::prepare`] does a file's; `name` is the file name the entry
    /// records (no folders: only its last part is kept). Nothing is
    /// recorded until [`Case::commit`].
    pub fn prepare_bytes(&self, name: &str, bytes: &[u8]) -> Result<PreparedBlob, VaultError> {
        let name = Path::new(name)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| !n.is_empty())
            .ok_or_else(|| VaultError::Invalid(format!("{name:?} is not a file name")))?;
        self.blobs.prepare_bytes(&name, bytes)
    }

    /// Records prepared files: puts their bytes in place durably, appends
    /// one log entry each, and signs and stores a checkpoint. Returns once
    /// all of that is durable. Call [`Case::update_catalogue`] after a run of
    /// commits so that lookups need not do it.
    pub fn commit(
        &self,
        items: Vec<(PreparedBlob, AddOptions)>,
    ) -> Result<Vec<AddedSource>, VaultError> {
        if items.is_empty() {
            return Ok(Vec::new());
        }
        let (mut blobs, options): (Vec<PreparedBlob>, Vec<AddOptions>) = items.into_iter().unzip();
        let already: Vec<bool> = blobs.iter().map(PreparedBlob::already_stored).collect();
        self.blobs.commit(&mut blobs)?;
        let _lock = self.lock(true)?;
        let (size, _) = self.latest_checkpoint_unlocked()?;
        let mut log = Log::open(self.paths.clone(), size, true)?;
        // The catalogue is brought up to date after the commit
        // (`update_catalogue`), but rows past the log mean a checkpoint was
        // removed, and appending over that would hide it.
        let known = self.catalogue()?.known_size()?;
        if known > size {
            return Err(VaultError::Integrity(format!(
                "the catalogue lists {known} sources but the latest checkpoint covers {size}: \
                 a checkpoint is missing from {}",
                self.paths.checkpoints.display()
            )));
        }
        let added_at = self
            .clock
            .now()
            .strftime("%Y-%m-%dT%H:%M:%S.%3fZ")
            .to_string();
        let mut entries = Vec::with_capacity(blobs.len());
        for (offset, (blob, options)) in blobs.iter().zip(&options).enumerate() {
            let entry = Acquisition {
                index: size + offset as u64,
                sha256: blob.sha256,
                size: blob.size,
                kind: options.kind,
                name: if options.sealed.is_some() {
                    None
                } else {
                    blob.source_path
                        .file_name()
                        .map(|name| name.to_string_lossy().into_owned())
                },
                url: options.url.clone(),
                acquired_at: options.acquired_at.clone(),
                added_at: added_at.clone(),
                by: options.by.clone(),
                note: options.note.clone(),
                sealed: options.sealed.clone(),
            };
            entries.push(entry.encode().map_err(|source| VaultError::Entry {
                path: blob.source_path.clone(),
                source,
            })?);
        }
        let leaves: Vec<Hash> = entries
            .iter()
            .map(|e| casefile_merkle::leaf_hash(e))
            .collect();
        let new_size = log.append(&entries, &leaves)?;
        let checkpoint = Checkpoint {
            origin: self.config.origin.clone(),
            size: new_size,
            root: log.root(new_size)?,
            extensions: Vec::new(),
        };
        let note = self
            .signer
            .sign(&checkpoint.to_text())
            .map_err(|source| VaultError::Note {
                path: self.paths.checkpoints.clone(),
                source,
            })?;
        self.paths.write_checkpoint(new_size, &note)?;
        Ok(blobs
            .iter()
            .zip(&leaves)
            .zip(already)
            .enumerate()
            .map(|(offset, ((blob, leaf), already_stored))| AddedSource {
                path: blob.source_path.clone(),
                source_id: source_id(leaf),
                log_index: size + offset as u64,
                sha256: blob.sha256.to_hex(),
                size: blob.size,
                already_stored,
            })
            .collect())
    }

    /// Finds a source's log index from a log index, a source id (or a unique
    /// prefix of one), or the SHA-256 of its bytes.
    pub fn resolve(&self, spec: &str) -> Result<u64, VaultError> {
        let spec = spec.trim();
        if !spec.is_empty() && spec.bytes().all(|b| b.is_ascii_digit()) {
            let (size, _) = self.latest_checkpoint()?;
            return spec
                .parse()
                .ok()
                .filter(|&index| index < size)
                .ok_or_else(|| VaultError::NotFound(spec.to_owned()));
        }
        // A reader takes the shared lock; only a catalogue behind the log
        // (a crash, an add that did not finish) needs the exclusive one.
        let current = {
            let _lock = self.lock(false)?;
            let (size, _) = self.latest_checkpoint_unlocked()?;
            let catalogue = self.catalogue()?;
            (catalogue.known_size()? >= size).then_some(catalogue)
        };
        let catalogue = match current {
            Some(catalogue) => catalogue,
            None => {
                let _lock = self.lock(true)?;
                self.caught_up_catalogue()?
            }
        };
        let matches = if let Some(sha256) = Hash::from_hex(spec) {
            // The same bytes added again are later acquisitions of the
            // first source that holds them.
            catalogue.by_sha256(&sha256)?.into_iter().take(1).collect()
        } else {
            catalogue.by_id_prefix(spec, 10)?
        };
        match matches.as_slice() {
            [] => Err(VaultError::NotFound(spec.to_owned())),
            [one] => Ok(*one),
            many => {
                let (_lock, log) = self.open_log_shared()?;
                let ids: Vec<String> = many
                    .iter()
                    .map(|&index| {
                        log.read_entry(index)
                            .map(|entry| source_id(&casefile_merkle::leaf_hash(&entry)))
                            .unwrap_or_else(|_| format!("#{index}"))
                    })
                    .collect();
                Err(VaultError::Invalid(format!(
                    "'{spec}' matches several sources: {}",
                    ids.join(", ")
                )))
            }
        }
    }

    /// For each digest in `digests`, the log indexes of every source whose
    /// bytes have it, in log order: the first is the source, any later one
    /// is another acquisition of the same bytes. One catalogue lookup for
    /// a whole page of sources.
    pub fn acquisitions_of(&self, digests: &[Sha256]) -> Result<Vec<Vec<u64>>, VaultError> {
        let catalogue = {
            let _lock = self.lock(true)?;
            self.caught_up_catalogue()?
        };
        digests
            .iter()
            .map(|sha256| catalogue.by_sha256(&Hash(sha256.0)))
            .collect()
    }

    /// The source at log `index`, as its entry records it.
    pub fn source(&self, index: u64) -> Result<SourceRecord, VaultError> {
        let (_lock, log) = self.open_log_shared()?;
        let bytes = log.read_entry(index)?;
        let entry = Acquisition::decode(&bytes).map_err(|e| {
            VaultError::Integrity(format!("log entry {index} does not decode: {e}"))
        })?;
        Ok(SourceRecord::new(
            entry,
            &casefile_merkle::leaf_hash(&bytes),
        ))
    }

    /// Up to `limit` sources from log index `first` on, in log order, up to
    /// the latest checkpoint; read sequentially from the log. Walk a large
    /// case in pages of a few thousand.
    pub fn sources(&self, first: u64, limit: usize) -> Result<Vec<SourceRecord>, VaultError> {
        let (_lock, log) = self.open_log_shared()?;
        let mut out = Vec::with_capacity(limit.min(4096));
        let end = first.saturating_add(limit as u64);
        log.for_each_entry(first, end, |index, bytes| {
            let entry = Acquisition::decode(bytes).map_err(|e| {
                VaultError::Integrity(format!("log entry {index} does not decode: {e}"))
            })?;
            out.push(SourceRecord::new(entry, &casefile_merkle::leaf_hash(bytes)));
            Ok(())
        })?;
        Ok(out)
    }

    /// Opens the stored bytes of a source for reading; the reader checks
    /// them against `sha256` when it reaches their end.
    pub fn open_blob(&self, sha256: &Sha256) -> Result<BlobReader, VaultError> {
        BlobReader::open(&self.blobs, sha256)
    }

    fn open_log_shared(&self) -> Result<(CaseLock, Log), VaultError> {
        let lock = self.lock(false)?;
        let (size, _) = self.latest_checkpoint_unlocked()?;
        let log = Log::open(self.paths.clone(), size, false)?;
        Ok((lock, log))
    }

    /// The tree sizes of every checkpoint stored, smallest first: the log's
    /// size at the end of each commit.
    pub fn checkpoint_sizes(&self) -> Result<Vec<u64>, VaultError> {
        let dir = &self.paths.checkpoints;
        let read = std::fs::read_dir(dir).map_err(|source| VaultError::Io {
            path: dir.clone(),
            source,
        })?;
        let mut sizes: Vec<u64> = read
            .filter_map(|entry| entry.ok())
            .filter_map(|entry| {
                let name = entry.file_name();
                name.to_str()?.strip_suffix(".note")?.parse().ok()
            })
            .collect();
        sizes.sort_unstable();
        Ok(sizes)
    }

    /// The signed checkpoint stored for tree size `size`, when the log had
    /// that size at the end of a commit.
    pub fn checkpoint_at(&self, size: u64) -> Option<String> {
        self.stored_checkpoint(size)
    }

    fn stored_checkpoint(&self, size: u64) -> Option<String> {
        std::fs::read_to_string(self.paths.checkpoints.join(LogPaths::checkpoint_name(size))).ok()
    }

    /// The inclusion proof of entry `index` in the tree of `tree_size`
    /// entries (the latest checkpoint's size when `None`).
    pub fn inclusion_proof(
        &self,
        index: u64,
        tree_size: Option<u64>,
    ) -> Result<InclusionProof, VaultError> {
        let (_lock, log) = self.open_log_shared()?;
        let tree_size = log.checked_size(tree_size)?;
        if index >= tree_size {
            return Err(VaultError::NotFound(format!(
                "at log index {index} (the tree has {tree_size} entries)"
            )));
        }
        let entry = log.read_entry(index)?;
        let proof = casefile_merkle::inclusion_proof(index, tree_size, &log)?;
        Ok(InclusionProof {
            leaf_index: index,
            tree_size,
            entry: base64::engine::general_purpose::STANDARD.encode(&entry),
            leaf_hash: casefile_merkle::leaf_hash(&entry).to_hex(),
            proof: proof.iter().map(Hash::to_hex).collect(),
            root: log.root(tree_size)?.to_hex(),
            checkpoint: self.stored_checkpoint(tree_size),
        })
    }

    /// The consistency proof from `old_size` to `new_size` (the latest
    /// checkpoint's size when `None`).
    pub fn consistency_proof(
        &self,
        old_size: u64,
        new_size: Option<u64>,
    ) -> Result<ConsistencyProof, VaultError> {
        let (_lock, log) = self.open_log_shared()?;
        let new_size = log.checked_size(new_size)?;
        let proof = casefile_merkle::consistency_proof(old_size, new_size, &log)?;
        Ok(ConsistencyProof {
            old_size,
            new_size,
            old_root: log.root(old_size)?.to_hex(),
            new_root: log.root(new_size)?.to_hex(),
            proof: proof.iter().map(Hash::to_hex).collect(),
        })
    }

    /// A handle for producing many proofs against the latest checkpoint's
    /// tree while holding a shared lock (for exports and benchmarks).
    pub fn prover(&self) -> Result<Prover, VaultError> {
        let (lock, log) = self.open_log_shared()?;
        Ok(Prover { _lock: lock, log })
    }
}

/// Produces proofs from an open log; see [`Case::prover`].
pub struct Prover {
    _lock: CaseLock,
    log: Log,
}

impl Prover {
    /// The tree size proofs are made against.
    pub fn tree_size(&self) -> u64 {
        self.log.size()
    }

    /// The audit path of entry `index` in the tree of `tree_size` entries.
    pub fn inclusion_path(&self, index: u64, tree_size: u64) -> Result<Vec<Hash>, VaultError> {
        let tree_size = self.log.checked_size(Some(tree_size))?;
        Ok(casefile_merkle::inclusion_proof(
            index, tree_size, &self.log,
        )?)
    }

    /// The root of the first `tree_size` entries.
    pub fn root(&self, tree_size: u64) -> Result<Hash, VaultError> {
        self.log.root(tree_size)
    }
}
