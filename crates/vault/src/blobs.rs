//! The content-addressed blob store: every added file's bytes, unchanged,
//! under `blobs/sha256/<first two hex digits>/<all 64 hex digits>`.
//!
//! Files are streamed (bounded memory whatever their size) into a temporary
//! file while being hashed. A batch of such files is made durable with one
//! file-system flush, renamed into place, and flushed again before the log
//! records them, so a log entry never points at a blob that a crash could
//! lose. Identical bytes are stored once.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use sha2::Digest as _;

use crate::error::{IoContext as _, VaultError};
use crate::files::random_hex;

/// Bytes read per step when streaming a file.
const CHUNK: usize = 1 << 20;

/// A SHA-256 digest of stored bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sha256(pub [u8; 32]);

impl Sha256 {
    /// Digest of `bytes`.
    pub fn digest(bytes: &[u8]) -> Self {
        Sha256(sha2::Sha256::digest(bytes).into())
    }

    /// Lower-case hex (64 digits).
    pub fn to_hex(&self) -> String {
        casefile_merkle::Hash(self.0).to_hex()
    }

    /// Parses 64 lower-case hex digits (the canonical form).
    pub fn from_hex(text: &str) -> Option<Self> {
        if text.bytes().any(|b| b.is_ascii_uppercase()) {
            return None;
        }
        casefile_merkle::Hash::from_hex(text).map(|hash| Sha256(hash.0))
    }
}

impl std::fmt::Debug for Sha256 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Sha256({})", self.to_hex())
    }
}

impl serde::Serialize for Sha256 {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_hex())
    }
}

impl std::fmt::Display for Sha256 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// A file read into the store's temporary area, hashed, not yet in place.
#[derive(Debug)]
pub struct PreparedBlob {
    /// Where the bytes came from.
    pub source_path: PathBuf,
    /// SHA-256 of the bytes.
    pub sha256: Sha256,
    /// Number of bytes.
    pub size: u64,
    /// The temporary file, or `None` when the store already had these bytes.
    pub(crate) temp: Option<PathBuf>,
}

impl PreparedBlob {
    /// Whether the store already held identical bytes.
    pub fn already_stored(&self) -> bool {
        self.temp.is_none()
    }
}

impl Drop for PreparedBlob {
    fn drop(&mut self) {
        // A prepared blob that was never committed leaves no file behind.
        if let Some(temp) = self.temp.take() {
            let _ = std::fs::remove_file(temp);
        }
    }
}

pub(crate) struct BlobStore {
    root: PathBuf,
}

fn same_version(before: &std::fs::Metadata, after: &std::fs::Metadata) -> bool {
    before.len() == after.len() && before.modified().ok() == after.modified().ok()
}

impl BlobStore {
    pub(crate) fn new(root: PathBuf) -> Self {
        Self { root }
    }

    pub(crate) fn create(root: &Path) -> Result<(), VaultError> {
        for dir in [root.join("sha256"), root.join("tmp")] {
            std::fs::create_dir_all(&dir).at(&dir)?;
        }
        Ok(())
    }

    /// Where the blob with `hash` lives.
    pub(crate) fn path_for(&self, hash: &Sha256) -> PathBuf {
        let hex = hash.to_hex();
        self.root.join("sha256").join(&hex[..2]).join(hex)
    }

    /// Streams `path` into the temporary area while hashing it.
    pub(crate) fn prepare(&self, path: &Path) -> Result<PreparedBlob, VaultError> {
        let mut prepared = self.prepare_through(path, &mut |input, output, length| {
            // Small files get a small buffer: adding thousands of them
            // should not touch a megabyte of memory each.
            let wanted = usize::try_from(length).unwrap_or(CHUNK).saturating_add(1);
            let mut buffer = vec![0u8; wanted.clamp(4096, CHUNK)];
            loop {
                let read = match input.read(&mut buffer) {
                    Ok(0) => return Ok(()),
                    Ok(read) => read,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                };
                output.write_all(&buffer[..read])?;
            }
        })?;
        if self.path_for(&prepared.sha256).exists() {
            // Identical bytes are already stored: the copy goes.
            if let Some(temp) = prepared.temp.take() {
                std::fs::remove_file(&temp).at(&temp)?;
            }
        }
        Ok(prepared)
    }

    /// A new file in the temporary area, named for this process (so that a
    /// later open knows whether its writer still runs).
    fn temporary(&self) -> Result<(PathBuf, File), VaultError> {
        let path =
            self.root
                .join("tmp")
                .join(format!("{}-{}.part", std::process::id(), random_hex(8)?));
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .at(&path)?;
        Ok((path, file))
    }

    /// Like [`BlobStore::prepare`], but what is stored is what `transform`
    /// writes while it reads the file (a protected source's ciphertext;
    /// for [`BlobStore::prepare`], the bytes themselves): the digest and
    /// size are those of what was written. `transform` is told the file's
    /// length. A file that changes while it is read is refused.
    pub(crate) fn prepare_through(
        &self,
        path: &Path,
        transform: Transform<'_>,
    ) -> Result<PreparedBlob, VaultError> {
        let input = File::open(path).at(path)?;
        let before = input.metadata().at(path)?;
        if !before.is_file() {
            return Err(VaultError::NotAFile {
                path: path.to_path_buf(),
            });
        }
        let (temp_path, output) = self.temporary()?;
        let mut prepared = PreparedBlob {
            source_path: path.to_path_buf(),
            sha256: Sha256([0; 32]),
            size: 0,
            temp: Some(temp_path),
        };
        let mut reader = Counting {
            inner: input,
            count: 0,
        };
        let mut writer = Hashing {
            inner: output,
            hasher: sha2::Sha256::new(),
            count: 0,
        };
        transform(&mut reader, &mut writer, before.len()).at(path)?;
        let after = reader.inner.metadata().at(path)?;
        let now = std::fs::metadata(path).ok();
        if !same_version(&before, &after)
            || reader.count != after.len()
            || now.is_some_and(|now| !same_version(&after, &now))
        {
            return Err(VaultError::ChangedWhileReading {
                path: path.to_path_buf(),
            });
        }
        prepared.size = writer.count;
        prepared.sha256 = Sha256(writer.hasher.finalize().into());
        Ok(prepared)
    }

    /// Like [`BlobStore::prepare`], for bytes held in memory (an upload, a
    /// curation document): `name` is what the entry records as the file's
    /// name.
    pub(crate) fn prepare_bytes(
        &self,
        name: &str,
        bytes: &[u8],
    ) -> Result<PreparedBlob, VaultError> {
        let sha256 = Sha256::digest(bytes);
        let mut prepared = PreparedBlob {
            source_path: PathBuf::from(name),
            sha256,
            size: bytes.len() as u64,
            temp: None,
        };
        if self.path_for(&sha256).exists() {
            return Ok(prepared);
        }
        let (temp_path, mut output) = self.temporary()?;
        prepared.temp = Some(temp_path.clone());
        output.write_all(bytes).at(&temp_path)?;
        Ok(prepared)
    }

    /// Removes temporary files left by processes that no longer run (an add
    /// killed while streaming). A temporary file's name starts with the
    /// process id that writes it; files of running processes are kept.
    pub(crate) fn remove_stale_temporaries(&self) -> Result<usize, VaultError> {
        let dir = self.root.join("tmp");
        // The scratch folder holds nothing of value; recreate it if a copy of
        // the case (an archive, a version-control checkout) dropped it.
        std::fs::create_dir_all(&dir).at(&dir)?;
        let mut removed = 0;
        for item in std::fs::read_dir(&dir).at(&dir)? {
            let path = item.at(&dir)?.path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            let owner = name
                .split('-')
                .next()
                .and_then(|pid| pid.parse::<u32>().ok());
            let alive = owner.is_some_and(|pid| Path::new("/proc").join(pid.to_string()).exists());
            if name.ends_with(".part") && !alive {
                std::fs::remove_file(&path).at(&path)?;
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// Puts prepared blobs in place durably: flush their data, rename them to
    /// their final names, flush the names.
    pub(crate) fn commit(&self, blobs: &mut [PreparedBlob]) -> Result<(), VaultError> {
        if blobs.iter().all(|blob| blob.temp.is_none()) {
            return Ok(());
        }
        self.sync_filesystem()?;
        for blob in blobs.iter_mut() {
            let Some(temp) = blob.temp.take() else {
                continue;
            };
            let final_path = self.path_for(&blob.sha256);
            if let Some(parent) = final_path.parent() {
                std::fs::create_dir_all(parent).at(parent)?;
            }
            if final_path.exists() {
                // Another add stored the same bytes meanwhile.
                std::fs::remove_file(&temp).at(&temp)?;
            } else {
                std::fs::rename(&temp, &final_path).at(&final_path)?;
            }
        }
        self.sync_filesystem()
    }

    /// One flush of the whole file system: far cheaper than one `fsync` per
    /// file when a batch holds thousands of small files.
    pub(crate) fn sync_filesystem(&self) -> Result<(), VaultError> {
        let dir = File::open(&self.root).at(&self.root)?;
        rustix::fs::syncfs(&dir)
            .map_err(std::io::Error::from)
            .at(&self.root)
    }

    /// Re-reads a stored blob and returns its digest and size, or `None` if
    /// it is missing.
    pub(crate) fn rehash(&self, hash: &Sha256) -> Result<Option<(Sha256, u64)>, VaultError> {
        let path = self.path_for(hash);
        let mut file = match File::open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e).at(&path),
        };
        let mut hasher = sha2::Sha256::new();
        let mut buffer = vec![0u8; CHUNK];
        let mut size = 0u64;
        loop {
            let read = match file.read(&mut buffer) {
                Ok(0) => break,
                Ok(read) => read,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e).at(&path),
            };
            hasher.update(&buffer[..read]);
            size += read as u64;
        }
        Ok(Some((Sha256(hasher.finalize().into()), size)))
    }
}

/// What a prepare writes into the store while it reads a file: the input,
/// the output and the file's length.
pub type Transform<'a> =
    &'a mut dyn FnMut(&mut dyn Read, &mut dyn Write, u64) -> std::io::Result<()>;

/// A reader that counts what passes through it.
struct Counting<R> {
    inner: R,
    count: u64,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buffer)?;
        self.count += read as u64;
        Ok(read)
    }
}

/// A writer that hashes and counts what passes through it.
struct Hashing<W> {
    inner: W,
    hasher: sha2::Sha256,
    count: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buffer: &[u8]) -> std::io::Result<usize> {
        let written = self.inner.write(buffer)?;
        self.hasher.update(&buffer[..written]);
        self.count += written as u64;
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// A stored blob opened for reading. It hashes what passes through it and,
/// at the end of the bytes, checks them against the digest they are stored
/// under: a blob changed on disk reads as an I/O error of kind
/// `InvalidData` rather than as silently different material.
#[derive(Debug)]
pub struct BlobReader {
    file: std::io::BufReader<File>,
    path: PathBuf,
    expected: Sha256,
    hasher: sha2::Sha256,
    /// Set at the end of the bytes: whether they matched their digest.
    matched: Option<bool>,
}

impl BlobReader {
    pub(crate) fn open(store: &BlobStore, hash: &Sha256) -> Result<Self, VaultError> {
        let path = store.path_for(hash);
        let file = File::open(&path).at(&path)?;
        Ok(Self {
            file: std::io::BufReader::with_capacity(CHUNK, file),
            path,
            expected: *hash,
            hasher: sha2::Sha256::new(),
            matched: None,
        })
    }

    /// Reads whatever the caller left unread and checks the digest of the
    /// whole blob. Call it after a reader that may stop early or swallow
    /// errors: a mismatch seen before is reported again here.
    /// A mismatch is [`VaultError::Integrity`].
    pub fn finish(mut self) -> Result<(), VaultError> {
        match std::io::copy(&mut self, &mut std::io::sink()) {
            Ok(_) => Ok(()),
            Err(_) if self.matched == Some(false) => Err(VaultError::Integrity(format!(
                "{}: the stored bytes no longer match their SHA-256",
                self.path.display()
            ))),
            Err(error) => Err(error).at(&self.path),
        }
    }

    fn mismatch(&self) -> std::io::Error {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "{}: the stored bytes no longer match their SHA-256; run casefile verify",
                self.path.display()
            ),
        )
    }
}

impl Read for BlobReader {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        match self.matched {
            Some(true) => return Ok(0),
            Some(false) => return Err(self.mismatch()),
            None => {}
        }
        let read = self.file.read(buffer)?;
        if read == 0 {
            let digest = std::mem::take(&mut self.hasher).finalize();
            let matched = digest.as_slice() == self.expected.0;
            self.matched = Some(matched);
            return if matched { Ok(0) } else { Err(self.mismatch()) };
        }
        self.hasher.update(&buffer[..read]);
        Ok(read)
    }
}
