//! File helpers shared by the stores: format headers and durable writes.

use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::Path;

use crate::error::{IoContext as _, VaultError};

/// Every binary file of the log starts with this many header bytes: an
/// 8-byte magic, a big-endian u32 format version and four zero bytes.
pub(crate) const HEADER_LEN: u64 = 16;

/// The version written into every header by this build.
pub(crate) const FORMAT_VERSION: u32 = 1;

pub(crate) fn header(magic: &[u8; 8]) -> [u8; HEADER_LEN as usize] {
    let mut out = [0u8; HEADER_LEN as usize];
    out[..8].copy_from_slice(magic);
    out[8..12].copy_from_slice(&FORMAT_VERSION.to_be_bytes());
    out
}

/// Checks a file's header, naming the file when it is wrong.
pub(crate) fn check_header(path: &Path, file: &File, magic: &[u8; 8]) -> Result<(), VaultError> {
    use std::os::unix::fs::FileExt as _;
    let mut found = [0u8; HEADER_LEN as usize];
    let bad = |problem: String| VaultError::BadFormat {
        path: path.to_path_buf(),
        problem,
    };
    file.read_exact_at(&mut found, 0)
        .map_err(|_| bad("shorter than its 16-byte header".into()))?;
    if &found[..8] != magic {
        return Err(bad(format!(
            "header magic is {:?}, expected {:?}",
            String::from_utf8_lossy(&found[..8]),
            String::from_utf8_lossy(magic)
        )));
    }
    let version = u32::from_be_bytes([found[8], found[9], found[10], found[11]]);
    if version != FORMAT_VERSION || found[12..] != [0, 0, 0, 0] {
        return Err(bad(format!(
            "format version {version} is not one this build reads ({FORMAT_VERSION})"
        )));
    }
    Ok(())
}

/// Creates a new file holding only a header and makes it durable.
pub(crate) fn create_with_header(path: &Path, magic: &[u8; 8]) -> Result<(), VaultError> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .at(path)?;
    file.write_all(&header(magic)).at(path)?;
    file.sync_all().at(path)
}

/// Makes a folder's entries (new names, renames) durable.
pub(crate) fn sync_dir(path: &Path) -> Result<(), VaultError> {
    File::open(path).and_then(|dir| dir.sync_all()).at(path)
}

/// Writes `bytes` to `dir/name` so that the file appears whole or not at all:
/// through a temporary file, flushed, then renamed into place.
pub(crate) fn write_atomically(
    dir: &Path,
    name: &str,
    bytes: &[u8],
    mode: u32,
) -> Result<(), VaultError> {
    use std::os::unix::fs::OpenOptionsExt as _;
    let final_path = dir.join(name);
    let temp_path = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(mode)
        .open(&temp_path)
        .at(&temp_path)?;
    file.write_all(bytes).at(&temp_path)?;
    file.sync_all().at(&temp_path)?;
    drop(file);
    std::fs::rename(&temp_path, &final_path).at(&final_path)?;
    sync_dir(dir)
}

/// A fresh random hex string of `bytes` random bytes.
pub(crate) fn random_hex(bytes: usize) -> Result<String, VaultError> {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).map_err(|e| VaultError::Io {
        path: "(system random source)".into(),
        source: std::io::Error::other(e.to_string()),
    })?;
    Ok(buffer.iter().map(|b| format!("{b:02x}")).collect())
}
