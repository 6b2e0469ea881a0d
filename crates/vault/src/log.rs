//! The log's files: entries, their offsets, the stored tree hashes and the
//! signed checkpoints.
//!
//! - `log/entries`: header, then one record per entry: a big-endian u32
//!   length and the entry's canonical bytes.
//! - `log/entries.idx`: header, then the big-endian u64 file offset of each
//!   entry's record.
//! - `log/hashes`: header, then the tree's stored hashes (32 bytes each) in
//!   the order of `casefile_merkle::storage`.
//! - `log/checkpoints/<size, 20 digits>.note`: one signed checkpoint per tree
//!   size, each written whole through a rename.
//!
//! The latest checkpoint decides the log's size. Bytes past that size in the
//! three append-only files come from an add that died before signing; they
//! were never reported as stored, and opening the log for writing cuts them
//! off. Anything shorter than the checkpoint's size is an integrity failure.

use std::fs::{File, OpenOptions};
use std::os::unix::fs::FileExt as _;
use std::path::{Path, PathBuf};

use casefile_merkle::{Hash, HashReader, stored_hash_count, stored_hashes_for_leaf};

use crate::error::{IoContext as _, VaultError};
use crate::files::{HEADER_LEN, check_header, create_with_header, write_atomically};

pub(crate) const ENTRIES_MAGIC: &[u8; 8] = b"CFENTRS\0";
pub(crate) const INDEX_MAGIC: &[u8; 8] = b"CFINDEX\0";
pub(crate) const HASHES_MAGIC: &[u8; 8] = b"CFHASHS\0";

/// What the checkpoints folder holds.
#[derive(Debug, Default)]
pub(crate) struct CheckpointFiles {
    /// Checkpoints as (size, path), smallest size first.
    pub found: Vec<(u64, PathBuf)>,
    /// Temporary files of checkpoint writes that did not finish.
    pub unfinished: Vec<PathBuf>,
    /// Files that are neither.
    pub strays: Vec<PathBuf>,
}

/// Paths of the log's files inside a case.
#[derive(Debug, Clone)]
pub(crate) struct LogPaths {
    pub entries: PathBuf,
    pub index: PathBuf,
    pub hashes: PathBuf,
    pub checkpoints: PathBuf,
}

impl LogPaths {
    pub(crate) fn new(log_dir: &Path) -> Self {
        Self {
            entries: log_dir.join("entries"),
            index: log_dir.join("entries.idx"),
            hashes: log_dir.join("hashes"),
            checkpoints: log_dir.join("checkpoints"),
        }
    }

    pub(crate) fn create(&self) -> Result<(), VaultError> {
        std::fs::create_dir_all(&self.checkpoints).at(&self.checkpoints)?;
        create_with_header(&self.entries, ENTRIES_MAGIC)?;
        create_with_header(&self.index, INDEX_MAGIC)?;
        create_with_header(&self.hashes, HASHES_MAGIC)
    }

    /// The files in the checkpoints folder, sorted into checkpoints, writes
    /// that did not finish, and anything else.
    pub(crate) fn checkpoint_files(&self) -> Result<CheckpointFiles, VaultError> {
        let mut files = CheckpointFiles::default();
        for item in std::fs::read_dir(&self.checkpoints).at(&self.checkpoints)? {
            let path = item.at(&self.checkpoints)?.path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            let size = name
                .strip_suffix(".note")
                .filter(|digits| digits.len() == 20 && digits.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|digits| digits.parse().ok());
            match size {
                Some(size) => files.found.push((size, path)),
                None if name.starts_with('.') && name.ends_with(".tmp") => {
                    files.unfinished.push(path);
                }
                None => files.strays.push(path),
            }
        }
        files.found.sort();
        Ok(files)
    }

    /// Removes checkpoint files whose write did not finish. Called under the
    /// exclusive lock, when no checkpoint can be half written.
    pub(crate) fn remove_unfinished_checkpoints(&self) -> Result<(), VaultError> {
        for path in self.checkpoint_files()?.unfinished {
            std::fs::remove_file(&path).at(&path)?;
        }
        Ok(())
    }

    pub(crate) fn checkpoint_name(size: u64) -> String {
        format!("{size:020}.note")
    }

    pub(crate) fn write_checkpoint(&self, size: u64, note: &str) -> Result<(), VaultError> {
        write_atomically(
            &self.checkpoints,
            &Self::checkpoint_name(size),
            note.as_bytes(),
            0o644,
        )
    }
}

/// The three append-only files of a log opened at its committed size.
pub(crate) struct Log {
    pub paths: LogPaths,
    entries: File,
    index: File,
    hashes: File,
    size: u64,
    entries_end: u64,
}

fn read_u64_at(file: &File, path: &Path, offset: u64) -> Result<u64, VaultError> {
    let mut bytes = [0u8; 8];
    file.read_exact_at(&mut bytes, offset).at(path)?;
    Ok(u64::from_be_bytes(bytes))
}

fn read_u32_at(file: &File, path: &Path, offset: u64) -> Result<u32, VaultError> {
    let mut bytes = [0u8; 4];
    file.read_exact_at(&mut bytes, offset).at(path)?;
    Ok(u32::from_be_bytes(bytes))
}

impl Log {
    /// Opens the log files at the committed `size`. With `recover`, bytes past
    /// that size are cut off (see the module documentation).
    pub(crate) fn open(paths: LogPaths, size: u64, recover: bool) -> Result<Self, VaultError> {
        let open = |path: &Path| {
            OpenOptions::new()
                .read(true)
                .write(recover)
                .open(path)
                .at(path)
        };
        let entries = open(&paths.entries)?;
        let index = open(&paths.index)?;
        let hashes = open(&paths.hashes)?;
        check_header(&paths.entries, &entries, ENTRIES_MAGIC)?;
        check_header(&paths.index, &index, INDEX_MAGIC)?;
        check_header(&paths.hashes, &hashes, HASHES_MAGIC)?;
        let short = |path: &Path, what: &str| {
            VaultError::Integrity(format!(
                "{} holds fewer {what} than the latest checkpoint's {size} entries",
                path.display()
            ))
        };
        let index_len = index.metadata().at(&paths.index)?.len();
        let index_want = HEADER_LEN + 8 * size;
        if index_len < index_want {
            return Err(short(&paths.index, "offsets"));
        }
        let hashes_len = hashes.metadata().at(&paths.hashes)?.len();
        let hashes_want = HEADER_LEN + 32 * stored_hash_count(size);
        if hashes_len < hashes_want {
            return Err(short(&paths.hashes, "hashes"));
        }
        let entries_len = entries.metadata().at(&paths.entries)?.len();
        let entries_end = if size == 0 {
            HEADER_LEN
        } else {
            let last = read_u64_at(&index, &paths.index, HEADER_LEN + 8 * (size - 1))?;
            let length = read_u32_at(&entries, &paths.entries, last)
                .map_err(|_| short(&paths.entries, "entries"))?;
            last + 4 + u64::from(length)
        };
        if entries_len < entries_end {
            return Err(short(&paths.entries, "entries"));
        }
        if recover {
            for (file, path, want, have) in [
                (&entries, &paths.entries, entries_end, entries_len),
                (&index, &paths.index, index_want, index_len),
                (&hashes, &paths.hashes, hashes_want, hashes_len),
            ] {
                if have > want {
                    file.set_len(want).at(path)?;
                    file.sync_all().at(path)?;
                }
            }
        }
        Ok(Self {
            paths,
            entries,
            index,
            hashes,
            size,
            entries_end,
        })
    }

    /// The number of committed entries.
    pub(crate) fn size(&self) -> u64 {
        self.size
    }

    /// `size` if the log holds that many entries, the log's size for `None`.
    pub(crate) fn checked_size(&self, size: Option<u64>) -> Result<u64, VaultError> {
        match size {
            None => Ok(self.size),
            Some(size) if size <= self.size => Ok(size),
            Some(size) => Err(VaultError::Invalid(format!(
                "the log holds {} entries, not {size}",
                self.size
            ))),
        }
    }

    /// The canonical bytes of entry `index`.
    pub(crate) fn read_entry(&self, index: u64) -> Result<Vec<u8>, VaultError> {
        if index >= self.size {
            return Err(VaultError::NotFound(format!("at log index {index}")));
        }
        let offset = read_u64_at(&self.index, &self.paths.index, HEADER_LEN + 8 * index)?;
        let length = read_u32_at(&self.entries, &self.paths.entries, offset)?;
        if offset + 4 + u64::from(length) > self.entries_end {
            return Err(VaultError::Integrity(format!(
                "{}: entry {index} runs past the end of the log",
                self.paths.entries.display()
            )));
        }
        let mut bytes = vec![0u8; length as usize];
        self.entries
            .read_exact_at(&mut bytes, offset + 4)
            .at(&self.paths.entries)?;
        Ok(bytes)
    }

    /// Calls `visit` with each committed entry from `first` up to (not
    /// including) `end`, reading the entries file sequentially.
    pub(crate) fn for_each_entry(
        &self,
        first: u64,
        end: u64,
        mut visit: impl FnMut(u64, &[u8]) -> Result<(), VaultError>,
    ) -> Result<(), VaultError> {
        use std::io::{BufReader, Read as _, Seek as _, SeekFrom};
        let end = end.min(self.size);
        if first >= end {
            return Ok(());
        }
        let start = read_u64_at(&self.index, &self.paths.index, HEADER_LEN + 8 * first)?;
        let mut file = self.entries.try_clone().at(&self.paths.entries)?;
        file.seek(SeekFrom::Start(start)).at(&self.paths.entries)?;
        let mut reader = BufReader::with_capacity(1 << 20, file);
        let mut entry = Vec::new();
        for index in first..end {
            let mut length = [0u8; 4];
            reader.read_exact(&mut length).at(&self.paths.entries)?;
            entry.resize(u32::from_be_bytes(length) as usize, 0);
            reader.read_exact(&mut entry).at(&self.paths.entries)?;
            visit(index, &entry)?;
        }
        Ok(())
    }

    /// Appends entries (with their leaf hashes, which the caller has already
    /// computed) and the tree hashes they complete, makes them durable, and
    /// returns the new size. The caller then signs a checkpoint for it.
    pub(crate) fn append(
        &mut self,
        entries: &[Vec<u8>],
        leaves: &[Hash],
    ) -> Result<u64, VaultError> {
        let mut entry_bytes = Vec::new();
        let mut offsets = Vec::with_capacity(entries.len() * 8);
        let mut pending = Pending {
            log: self,
            base: stored_hash_count(self.size),
            hashes: Vec::new(),
        };
        let mut offset = self.entries_end;
        for (i, (entry, &leaf)) in entries.iter().zip(leaves).enumerate() {
            let length = u32::try_from(entry.len())
                .map_err(|_| VaultError::Invalid("an entry is larger than 4 GiB".into()))?;
            offsets.extend_from_slice(&offset.to_be_bytes());
            entry_bytes.extend_from_slice(&length.to_be_bytes());
            entry_bytes.extend_from_slice(entry);
            offset += 4 + u64::from(length);
            let new = stored_hashes_for_leaf(self.size + i as u64, leaf, &pending)?;
            pending.hashes.extend(new);
        }
        let hash_bytes: Vec<u8> = pending.hashes.iter().flat_map(|h| h.0).collect();
        let hashes_at = HEADER_LEN + 32 * pending.base;
        self.entries
            .write_all_at(&entry_bytes, self.entries_end)
            .at(&self.paths.entries)?;
        self.index
            .write_all_at(&offsets, HEADER_LEN + 8 * self.size)
            .at(&self.paths.index)?;
        self.hashes
            .write_all_at(&hash_bytes, hashes_at)
            .at(&self.paths.hashes)?;
        self.entries.sync_data().at(&self.paths.entries)?;
        self.index.sync_data().at(&self.paths.index)?;
        self.hashes.sync_data().at(&self.paths.hashes)?;
        self.size += entries.len() as u64;
        self.entries_end = offset;
        Ok(self.size)
    }

    /// The root of the first `size` entries.
    pub(crate) fn root(&self, size: u64) -> Result<Hash, VaultError> {
        Ok(casefile_merkle::tree_hash(size, self)?)
    }
}

impl HashReader for Log {
    type Error = VaultError;

    fn read_hashes(&self, positions: &[u64]) -> Result<Vec<Hash>, VaultError> {
        let limit = stored_hash_count(self.size);
        positions
            .iter()
            .map(|&position| {
                if position >= limit {
                    return Err(VaultError::Integrity(format!(
                        "stored hash {position} asked of a log of {} entries",
                        self.size
                    )));
                }
                let mut hash = [0u8; 32];
                self.hashes
                    .read_exact_at(&mut hash, HEADER_LEN + 32 * position)
                    .at(&self.paths.hashes)?;
                Ok(Hash(hash))
            })
            .collect()
    }
}

/// Hashes being appended: the file's hashes, then those not yet written.
struct Pending<'a> {
    log: &'a Log,
    base: u64,
    hashes: Vec<Hash>,
}

impl HashReader for Pending<'_> {
    type Error = VaultError;

    fn read_hashes(&self, positions: &[u64]) -> Result<Vec<Hash>, VaultError> {
        positions
            .iter()
            .map(|&position| match position.checked_sub(self.base) {
                Some(offset) => self.hashes.get(offset as usize).copied().ok_or_else(|| {
                    VaultError::Integrity(format!("stored hash {position} missing"))
                }),
                None => Ok(self.log.read_hashes(&[position])?[0]),
            })
            .collect()
    }
}

impl<E: Into<VaultError> + std::fmt::Display> From<casefile_merkle::ProofError<E>> for VaultError {
    fn from(error: casefile_merkle::ProofError<E>) -> Self {
        match error {
            casefile_merkle::ProofError::Read(inner) => inner.into(),
            other => VaultError::Invalid(other.to_string()),
        }
    }
}
