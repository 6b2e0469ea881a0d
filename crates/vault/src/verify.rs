//! `verify`: re-reads everything and names what does not hold.
//!
//! Checked, in order: every checkpoint's signature, origin and file name;
//! every entry's framing, offset and canonical form; every stored hash
//! against a recomputation from the entries; every checkpoint's root against
//! the recomputed tree; consistency between successive checkpoints; every
//! blob against its hash and size; the catalogue against the log.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read, Seek as _, SeekFrom};
use std::path::Path;

use casefile_merkle::{Hash, leaf_hash, stored_hash_count, stored_hashes_for_leaf};

use crate::blobs::Sha256;
use crate::case::Case;
use crate::entry::{Acquisition, MAX_ENTRY_LEN};
use crate::error::VaultError;
use crate::files::{HEADER_LEN, check_header};
use crate::log::{ENTRIES_MAGIC, HASHES_MAGIC, INDEX_MAGIC};

/// At most this many problems are listed; verification stops early past it.
const MAX_PROBLEMS: usize = 100;

/// Entries read, then decoded and hashed in parallel, per step.
const VERIFY_BATCH: u64 = 16_384;

/// What decoding an entry yields for the later checks: its recorded index,
/// the SHA-256 and size of its blob.
type Decoded = Result<(u64, Sha256, u64), crate::entry::EntryError>;

/// Decodes and hashes the entries at `ranges` of `buffer`, splitting the work
/// over the machine's cores; results come back in order.
fn digest_all(buffer: &[u8], ranges: &[std::ops::Range<usize>]) -> Vec<(Decoded, Hash)> {
    let digest = |range: &std::ops::Range<usize>| {
        let bytes = &buffer[range.clone()];
        let decoded =
            Acquisition::decode(bytes).map(|entry| (entry.index, entry.sha256, entry.size));
        (decoded, leaf_hash(bytes))
    };
    let workers = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(8);
    if workers < 2 || ranges.len() < 256 {
        return ranges.iter().map(digest).collect();
    }
    let per_worker = ranges.len().div_ceil(workers);
    std::thread::scope(|scope| {
        let handles: Vec<_> = ranges
            .chunks(per_worker)
            .map(|part| scope.spawn(move || part.iter().map(digest).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

/// One thing that does not hold.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// The file, relative to the case folder.
    pub file: String,
    /// Where in it: an entry index, a stored hash position, a checkpoint size.
    pub place: String,
    /// What was expected, when there is one value to expect.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// What was found instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found: Option<String>,
    /// A sentence saying what is wrong.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.file, self.place, self.message)?;
        if let (Some(expected), Some(found)) = (&self.expected, &self.found) {
            write!(f, "; expected {expected}, found {found}")?;
        }
        Ok(())
    }
}

/// The outcome of `verify`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct VerifyReport {
    /// True when every check held.
    pub ok: bool,
    /// The log's origin.
    pub origin: String,
    /// The size of the latest checkpoint.
    pub tree_size: u64,
    /// The root of the latest checkpoint, hex.
    pub root: String,
    /// Entries read and checked.
    pub entries_checked: u64,
    /// Distinct blobs re-hashed.
    pub blobs_checked: u64,
    /// Bytes of blobs re-hashed.
    pub blob_bytes_checked: u64,
    /// Checkpoints whose signature and root were checked.
    pub checkpoints_checked: u64,
    /// Observations that are not failures (bytes past the latest
    /// checkpoint left by an interrupted add, stray files).
    pub notes: Vec<String>,
    /// What does not hold, first found first.
    pub problems: Vec<Problem>,
}

/// Progress of a verification, for a progress bar.
pub type Progress<'a> = &'a mut dyn FnMut(&str, u64, u64);

struct Checker<'a> {
    case: &'a Case,
    report: VerifyReport,
}

impl Checker<'_> {
    fn relative(&self, path: &Path) -> String {
        path.strip_prefix(self.case.root())
            .unwrap_or(path)
            .display()
            .to_string()
    }

    fn problem(&mut self, path: &Path, place: impl Into<String>, message: impl Into<String>) {
        self.problem_with(path, place, message, None, None);
    }

    fn problem_with(
        &mut self,
        path: &Path,
        place: impl Into<String>,
        message: impl Into<String>,
        expected: Option<String>,
        found: Option<String>,
    ) {
        if self.report.problems.len() < MAX_PROBLEMS {
            self.report.problems.push(Problem {
                file: self.relative(path),
                place: place.into(),
                expected,
                found,
                message: message.into(),
            });
        }
    }

    fn full(&self) -> bool {
        self.report.problems.len() >= MAX_PROBLEMS
    }
}

/// What the entries pass learns for the later passes.
struct EntryFacts {
    stored: Vec<Hash>,
    sources: Vec<(Sha256, u64)>,
    mismatches: Vec<Mismatch>,
}

/// A stored hash that differs from its recomputation from the entries.
struct Mismatch {
    entry: u64,
    level: usize,
    position: u64,
    computed: Hash,
    stored: Hash,
}

impl Case {
    /// Re-reads and checks everything in the case. `Err` means the check
    /// could not run (the case could not be opened or locked); integrity
    /// failures are listed in the report.
    pub fn verify(&self, progress: Progress<'_>) -> Result<VerifyReport, VaultError> {
        let _lock = self.lock(false)?;
        let mut checker = Checker {
            case: self,
            report: VerifyReport {
                origin: self.origin().to_owned(),
                ..VerifyReport::default()
            },
        };
        checker.check_key();
        let checkpoints = checker.check_checkpoints()?;
        let tree_size = checkpoints.iter().map(|c| c.0).max().unwrap_or(0);
        checker.report.tree_size = tree_size;
        if let Some(facts) = checker.check_entries(tree_size, progress)? {
            let root_problems = checker.check_roots(&checkpoints, &facts);
            checker.blame_mismatches(&facts, root_problems.is_empty());
            for problem in root_problems {
                if !checker.full() {
                    checker.report.problems.push(problem);
                }
            }
            checker.check_blobs(&facts, progress)?;
            checker.check_catalogue(tree_size, &facts)?;
        }
        checker.report.ok = checker.report.problems.is_empty();
        Ok(checker.report)
    }
}

impl Checker<'_> {
    fn check_key(&mut self) {
        let path = self.case.data_dir().join("verifier.key");
        let expected = self.case.verifier().to_string();
        match std::fs::read_to_string(&path) {
            Ok(text) if text.trim_end() == expected => {}
            Ok(text) => self.problem_with(
                &path,
                "key",
                "the verifier key does not match the signing key",
                Some(expected),
                Some(text.trim_end().to_owned()),
            ),
            Err(e) => self.problem(&path, "key", format!("cannot be read: {e}")),
        }
    }

    /// Checks every checkpoint file; returns (size, signed root) of the valid
    /// ones, plus the size named by any invalid one with a root of `None`.
    fn check_checkpoints(&mut self) -> Result<Vec<(u64, Option<Hash>)>, VaultError> {
        let listing = self.case.paths.checkpoint_files()?;
        let (files, strays) = (listing.found, listing.strays);
        for stray in strays {
            self.problem(
                &stray,
                "checkpoints",
                "a file that is not a checkpoint sits among the checkpoints",
            );
        }
        if files.is_empty() {
            let dir = self.case.paths.checkpoints.clone();
            self.problem(
                &dir,
                "checkpoints",
                "no checkpoint: the log's size cannot be known",
            );
        }
        let mut out = Vec::with_capacity(files.len());
        for (size, path) in files {
            let place = format!("checkpoint for size {size}");
            let text = match std::fs::read_to_string(&path) {
                Ok(text) => text,
                Err(e) => {
                    self.problem(&path, place, format!("cannot be read as text: {e}"));
                    out.push((size, None));
                    continue;
                }
            };
            match self.case.check_checkpoint(&path, &text) {
                Ok(checkpoint) if checkpoint.size == size => {
                    self.report.checkpoints_checked += 1;
                    out.push((size, Some(checkpoint.root)));
                }
                Ok(checkpoint) => {
                    self.problem_with(
                        &path,
                        place,
                        "the size signed in the checkpoint differs from its file name",
                        Some(size.to_string()),
                        Some(checkpoint.size.to_string()),
                    );
                    out.push((size, None));
                }
                Err(error) => {
                    self.problem(&path, place, error.to_string());
                    out.push((size, None));
                }
            }
        }
        if let Some((_, Some(root))) = out.last() {
            self.report.root = root.to_hex();
        }
        Ok(out)
    }

    fn check_entries(
        &mut self,
        size: u64,
        progress: Progress<'_>,
    ) -> Result<Option<EntryFacts>, VaultError> {
        let paths = self.case.paths.clone();
        let mut files = Vec::new();
        for (path, magic) in [
            (&paths.entries, ENTRIES_MAGIC),
            (&paths.index, INDEX_MAGIC),
            (&paths.hashes, HASHES_MAGIC),
        ] {
            let file = match File::open(path) {
                Ok(file) => file,
                Err(e) => {
                    self.problem(path, "file", format!("cannot be opened: {e}"));
                    return Ok(None);
                }
            };
            if let Err(error) = check_header(path, &file, magic) {
                self.problem(path, "header", error.to_string());
                return Ok(None);
            }
            files.push(file);
        }
        let lengths: Vec<u64> = files
            .iter()
            .map(|file| file.metadata().map(|m| m.len()).unwrap_or(0))
            .collect();
        let mut readers: Vec<BufReader<File>> = files
            .into_iter()
            .map(|mut file| {
                let _ = file.seek(SeekFrom::Start(HEADER_LEN));
                BufReader::with_capacity(1 << 20, file)
            })
            .collect();
        let mut hashes_reader = readers.pop();
        let mut index_reader = readers.pop();
        let mut entries_reader = readers.pop();
        let (Some(entries), Some(index), Some(hashes)) = (
            entries_reader.as_mut(),
            index_reader.as_mut(),
            hashes_reader.as_mut(),
        ) else {
            return Ok(None);
        };

        let mut facts = EntryFacts {
            stored: Vec::with_capacity(stored_hash_count(size) as usize),
            sources: Vec::with_capacity(size as usize),
            mismatches: Vec::new(),
        };
        let mut position = HEADER_LEN;
        let mut stored_on_disk = [0u8; 32];
        let mut buffer: Vec<u8> = Vec::new();
        let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
        let mut first = 0u64;
        while first < size {
            progress("entries", first, size);
            if self.full() {
                return Ok(None);
            }
            // Read a batch of records sequentially, checking their framing.
            let batch_end = size.min(first + VERIFY_BATCH);
            buffer.clear();
            ranges.clear();
            let mut stop = false;
            for i in first..batch_end {
                let mut offset = [0u8; 8];
                if index.read_exact(&mut offset).is_err() {
                    self.problem(
                        &paths.index,
                        format!("entry {i}"),
                        "the offsets end before the latest checkpoint's size",
                    );
                    stop = true;
                    break;
                }
                let offset = u64::from_be_bytes(offset);
                if offset != position {
                    self.problem_with(
                        &paths.index,
                        format!("entry {i}"),
                        "the recorded offset does not match where the entry starts",
                        Some(position.to_string()),
                        Some(offset.to_string()),
                    );
                }
                let mut length = [0u8; 4];
                if entries.read_exact(&mut length).is_err() {
                    self.problem(
                        &paths.entries,
                        format!("entry {i}"),
                        "the entries end before the latest checkpoint's size",
                    );
                    stop = true;
                    break;
                }
                let length = u32::from_be_bytes(length) as usize;
                if length > MAX_ENTRY_LEN {
                    self.problem_with(
                        &paths.entries,
                        format!("entry {i}"),
                        "the entry's length field is impossible",
                        Some(format!("at most {MAX_ENTRY_LEN}")),
                        Some(length.to_string()),
                    );
                    stop = true;
                    break;
                }
                let start = buffer.len();
                buffer.resize(start + length, 0);
                if entries.read_exact(&mut buffer[start..]).is_err() {
                    self.problem(
                        &paths.entries,
                        format!("entry {i}"),
                        "the entry is cut short",
                    );
                    stop = true;
                    break;
                }
                ranges.push(start..start + length);
                position += 4 + length as u64;
            }
            // Decode and hash the batch on every core.
            let digests = digest_all(&buffer, &ranges);
            // Then rebuild the tree in order and compare.
            for (offset, (decoded, leaf)) in digests.into_iter().enumerate() {
                let i = first + offset as u64;
                self.report.entries_checked += 1;
                match decoded {
                    Ok((recorded_index, sha256, bytes)) => {
                        if recorded_index != i {
                            self.problem_with(
                                &paths.entries,
                                format!("entry {i}"),
                                "the entry records another position in the log",
                                Some(i.to_string()),
                                Some(recorded_index.to_string()),
                            );
                        }
                        facts.sources.push((sha256, bytes));
                    }
                    Err(error) => {
                        self.problem(
                            &paths.entries,
                            format!("entry {i}"),
                            format!("the entry does not decode: {error}"),
                        );
                        facts.sources.push((Sha256([0; 32]), u64::MAX));
                    }
                }
                let at_first = facts.stored.len() as u64;
                let new = stored_hashes_for_leaf(i, leaf, &facts.stored)
                    .map_err(|e| VaultError::Invalid(e.to_string()))?;
                for (k, computed) in new.into_iter().enumerate() {
                    let at = at_first + k as u64;
                    if hashes.read_exact(&mut stored_on_disk).is_err() {
                        self.problem(
                            &paths.hashes,
                            format!("stored hash {at}"),
                            "the stored hashes end early",
                        );
                        return Ok(None);
                    }
                    if stored_on_disk != computed.0 {
                        facts.mismatches.push(Mismatch {
                            entry: i,
                            level: k,
                            position: at,
                            computed,
                            stored: Hash(stored_on_disk),
                        });
                    }
                    facts.stored.push(computed);
                }
            }
            if stop {
                return Ok(None);
            }
            first = batch_end;
        }
        progress("entries", size, size);
        let index_end = HEADER_LEN + 8 * size;
        let hashes_end = HEADER_LEN + 32 * stored_hash_count(size);
        for (path, end, length) in [
            (&paths.entries, position, lengths[0]),
            (&paths.index, index_end, lengths[1]),
            (&paths.hashes, hashes_end, lengths[2]),
        ] {
            if length > end {
                self.report.notes.push(format!(
                    "{}: {} bytes past the latest checkpoint, left by an add that did not finish; \
                     the next add removes them",
                    self.relative(path),
                    length - end
                ));
            }
        }
        Ok(Some(facts))
    }

    /// Reports stored hashes that differ from the entries. The signed roots
    /// decide which side was altered: when the entries still reproduce every
    /// signed root, the stored hashes are wrong; otherwise the entries are.
    fn blame_mismatches(&mut self, facts: &EntryFacts, entries_match_signatures: bool) {
        let paths = self.case.paths.clone();
        for mismatch in &facts.mismatches {
            if entries_match_signatures {
                let what = if mismatch.level == 0 {
                    format!("the stored leaf hash of entry {} is wrong", mismatch.entry)
                } else {
                    format!(
                        "the stored tree hash completed by entry {} (level {}) is wrong",
                        mismatch.entry, mismatch.level
                    )
                };
                self.problem_with(
                    &paths.hashes,
                    format!("stored hash {}", mismatch.position),
                    what,
                    Some(mismatch.computed.to_hex()),
                    Some(mismatch.stored.to_hex()),
                );
            } else if mismatch.level == 0 {
                self.problem_with(
                    &paths.entries,
                    format!("entry {}", mismatch.entry),
                    "the entry was altered: its leaf hash differs from the one recorded and signed",
                    Some(mismatch.stored.to_hex()),
                    Some(mismatch.computed.to_hex()),
                );
            }
        }
    }

    fn check_roots(
        &mut self,
        checkpoints: &[(u64, Option<Hash>)],
        facts: &EntryFacts,
    ) -> Vec<Problem> {
        let mut problems = Vec::new();
        let dir = self.case.paths.checkpoints.clone();
        let mut previous: Option<(u64, Hash)> = None;
        for &(size, signed) in checkpoints {
            let Some(signed) = signed else { continue };
            let path = dir.join(crate::log::LogPaths::checkpoint_name(size));
            let computed = match casefile_merkle::tree_hash(size, &facts.stored) {
                Ok(root) => root,
                Err(_) => continue,
            };
            if computed != signed {
                problems.push(Problem {
                    file: self.relative(&path),
                    place: format!("checkpoint for size {size}"),
                    expected: Some(signed.to_hex()),
                    found: Some(computed.to_hex()),
                    message: "the log's entries do not reproduce this signed root".into(),
                });
                continue;
            }
            if let Some((old_size, old_root)) = previous.filter(|(old, _)| *old > 0) {
                let proof = casefile_merkle::consistency_proof(old_size, size, &facts.stored);
                let holds = proof.is_ok_and(|proof| {
                    casefile_merkle::verify_consistency(old_size, size, &proof, &old_root, &signed)
                        .is_ok()
                });
                if !holds {
                    problems.push(Problem {
                        file: self.relative(&path),
                        place: format!("checkpoint for size {size}"),
                        expected: None,
                        found: None,
                        message: format!("not consistent with the checkpoint for size {old_size}"),
                    });
                }
            }
            previous = Some((size, signed));
        }
        problems
    }

    fn check_blobs(
        &mut self,
        facts: &EntryFacts,
        progress: Progress<'_>,
    ) -> Result<(), VaultError> {
        let mut distinct: HashMap<Sha256, (u64, u64)> = HashMap::new();
        for (index, &(sha256, size)) in facts.sources.iter().enumerate() {
            if size == u64::MAX {
                continue; // the entry did not decode; already reported
            }
            distinct.entry(sha256).or_insert((size, index as u64));
        }
        let mut blobs: Vec<(Sha256, (u64, u64))> = distinct.into_iter().collect();
        blobs.sort_by_key(|(_, (_, first))| *first);
        let total: u64 = blobs.iter().map(|(_, (size, _))| size).sum();
        let mut done = 0u64;
        for (sha256, (size, first)) in blobs {
            if self.full() {
                break;
            }
            progress("blobs", done, total);
            let path = self.case.blobs.path_for(&sha256);
            let place = format!("blob of entry {first}");
            match self.case.blobs.rehash(&sha256)? {
                None => self.problem(&path, place, "the blob is missing"),
                Some((found, found_size)) => {
                    self.report.blobs_checked += 1;
                    self.report.blob_bytes_checked += found_size;
                    if found != sha256 {
                        self.problem_with(
                            &path,
                            place,
                            "the blob's bytes do not match their SHA-256",
                            Some(sha256.to_hex()),
                            Some(found.to_hex()),
                        );
                    } else if found_size != size {
                        self.problem_with(
                            &path,
                            place,
                            "the blob's size differs from the entry's",
                            Some(size.to_string()),
                            Some(found_size.to_string()),
                        );
                    }
                }
            }
            done += size;
        }
        progress("blobs", total, total);
        Ok(())
    }

    fn check_catalogue(&mut self, size: u64, facts: &EntryFacts) -> Result<(), VaultError> {
        let path = self.case.data_dir().join("catalogue.sqlite");
        let rows = self.case.catalogue()?.rows()?;
        let mut seen = 0u64;
        for row in rows {
            if self.full() {
                break;
            }
            let place = format!("row for log index {}", row.log_index);
            if row.log_index >= size {
                self.problem(
                    &path,
                    place,
                    format!(
                        "lists log index {} past the latest checkpoint's {size} entries: \
                         a checkpoint is missing",
                        row.log_index
                    ),
                );
                continue;
            }
            seen += 1;
            let leaf = facts.stored[casefile_merkle::stored_hash_index(0, row.log_index) as usize];
            let (sha256, _) = facts.sources[row.log_index as usize];
            if row.leaf_hash != Some(leaf) {
                self.problem_with(
                    &path,
                    place,
                    format!("its leaf hash differs from log entry {}", row.log_index),
                    Some(leaf.to_hex()),
                    Some(
                        row.leaf_hash
                            .map_or_else(|| "not a hash".into(), |h| h.to_hex()),
                    ),
                );
            } else if row.sha256 != Some(sha256) {
                self.problem_with(
                    &path,
                    place,
                    format!("its SHA-256 differs from log entry {}", row.log_index),
                    Some(sha256.to_hex()),
                    Some(
                        row.sha256
                            .map_or_else(|| "not a hash".into(), |h| h.to_hex()),
                    ),
                );
            }
        }
        if seen < size {
            self.report.notes.push(format!(
                "the catalogue lacks {} of {size} sources; it is rebuilt from the log on the next open",
                size - seen
            ));
        }
        Ok(())
    }
}
