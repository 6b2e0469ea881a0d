//! The vault's error type.

use std::path::PathBuf;

/// Everything the vault can fail with. Integrity failures (a hash or a
/// signature that does not match) are their own variants, never folded into
/// I/O errors.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VaultError {
    /// An I/O operation on a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// No case folder was found here or above.
    #[error("no case found in {} or any folder above it (run `casefile init`, or pass --case DIR)", start.display())]
    NoCase {
        /// Where the search started.
        start: PathBuf,
    },
    /// `init` was asked to create a case where one exists.
    #[error("{} already holds a case", path.display())]
    AlreadyACase {
        /// The case folder.
        path: PathBuf,
    },
    /// A file of the case is not in the expected format.
    #[error("{}: {problem}", path.display())]
    BadFormat {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        problem: String,
    },
    /// The signing key's file can be read by others.
    #[error("{}: the signing key is readable by others (mode {mode:o}); run `chmod 600` on it", path.display())]
    KeyPermissions {
        /// The key file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// Stored state contradicts itself: the case needs `casefile verify`.
    #[error("integrity failure: {0}; run `casefile verify` for a full report")]
    Integrity(String),
    /// A file changed while it was being read into the vault.
    #[error("{}: the file changed while it was being read; nothing was stored for it", path.display())]
    ChangedWhileReading {
        /// The file.
        path: PathBuf,
    },
    /// A path to add is not a regular file.
    #[error("{}: not a regular file", path.display())]
    NotAFile {
        /// The path.
        path: PathBuf,
    },
    /// An entry could not be encoded (too large).
    #[error("entry for {}: {source}", path.display())]
    Entry {
        /// The file the entry describes.
        path: PathBuf,
        /// Why.
        source: crate::EntryError,
    },
    /// A requested source or index does not exist.
    #[error("no source {0} in this case")]
    NotFound(String),
    /// A request that cannot be answered as asked.
    #[error("{0}")]
    Invalid(String),
    /// The catalogue database failed.
    #[error("catalogue {}: {source}", path.display())]
    Catalogue {
        /// The database file.
        path: PathBuf,
        /// The SQLite error.
        source: rusqlite::Error,
    },
    /// A signing or checkpoint-format failure.
    #[error("{}: {source}", path.display())]
    Note {
        /// The key or checkpoint file.
        path: PathBuf,
        /// What is wrong.
        source: casefile_note::NoteError,
    },
}

/// Attaches a path to I/O errors.
pub(crate) trait IoContext<T> {
    fn at(self, path: impl Into<PathBuf>) -> Result<T, VaultError>;
}

impl<T> IoContext<T> for Result<T, std::io::Error> {
    fn at(self, path: impl Into<PathBuf>) -> Result<T, VaultError> {
        self.map_err(|source| VaultError::Io {
            path: path.into(),
            source,
        })
    }
}
