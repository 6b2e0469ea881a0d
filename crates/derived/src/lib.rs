//! casefile's derived store: the documents the readers made of a case's
//! sources, kept so that later stages need not read every source again.
//!
//! Everything here is derived: it can be deleted and rebuilt from the vault
//! (`casefile rebuild`), and a source counts as read only once its row in
//! `sources` is committed, in the same transaction as its documents. What
//! is read from a protected source (a testimony, a complaint) is stored
//! sealed under the case's sealing key, never in plain text. The format is
//! described in `docs/formats/derived-store.md`.

#![deny(missing_docs)]

mod documents;
mod entities;
mod layer;
mod records;
mod schema;
mod seal;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use casefile_document::{Diagnostic, Document};
use rusqlite::{Connection, OptionalExtension as _, params};

use crate::seal::SealingKey;

pub use layer::{LayerEntity, LayerRecord, ProtectedLayer};

/// The store's folder inside the case's `.casefile` folder.
pub const DERIVED_DIR: &str = "derived";
/// The database file inside [`DERIVED_DIR`].
pub const DOCUMENTS_FILE: &str = "documents.sqlite";
/// The sealing key's file inside the `.casefile` folder.
pub const SEALING_KEY_FILE: &str = "sealing.key";
/// The schema this build writes.
pub const SCHEMA_VERSION: u32 = 7;

/// What can go wrong with the derived store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DerivedError {
    /// A file of the store could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The database failed.
    #[error("{}: {source}", path.display())]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// The error.
        source: rusqlite::Error,
    },
    /// The store was written by a newer casefile.
    #[error(
        "{}: written with schema {found}, newer than this casefile's {SCHEMA_VERSION}; \
         update casefile or run `casefile rebuild`", path.display()
    )]
    NewerSchema {
        /// The database file.
        path: PathBuf,
        /// The schema found.
        found: u32,
    },
    /// The store was written by an older casefile: everything in it is
    /// read again from the vault (`Store::recreate`), never dropped on
    /// open.
    #[error(
        "{}: written with schema {found}, older than this casefile's {SCHEMA_VERSION}; \
         it is read again from the vault by the next command that brings the case up to date \
         (or `casefile rebuild`)", path.display()
    )]
    OlderSchema {
        /// The database file.
        path: PathBuf,
        /// The schema found.
        found: u32,
    },
    /// The sealing key may be read by others.
    #[error(
        "{}: the sealing key may be read by others (mode {mode:o}); run chmod 600 on it",
        path.display()
    )]
    KeyPermissions {
        /// The key file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// The sealing key file is not a key.
    #[error("{}: not a casefile sealing key", path.display())]
    BadKey {
        /// The key file.
        path: PathBuf,
    },
    /// A sealed value did not open: changed, or sealed under another key.
    #[error(
        "{}: the sealed documents of source #{log_index} do not open with this case's sealing \
         key (changed, or sealed under another key); run `casefile rebuild`", path.display()
    )]
    Unseal {
        /// The database file.
        path: PathBuf,
        /// The source.
        log_index: u64,
    },
    /// The stored protected layer did not open or is incomplete.
    #[error(
        "{}: the protected layer does not open ({message}); run `casefile rebuild`",
        path.display()
    )]
    UnsealLayer {
        /// The database file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// No sealing key was handed over: protected rows are locked.
    #[error(
        "{}: protected material is locked: open the case with the identity of a member cleared \
         for it", path.display()
    )]
    Locked {
        /// The database file.
        path: PathBuf,
    },
    /// A protected source's rows were asked for while locked.
    #[error(
        "{}: source #{log_index} is protected and locked: open the case with the identity of a \
         member cleared for it", path.display()
    )]
    LockedSource {
        /// The database file.
        path: PathBuf,
        /// The source.
        log_index: u64,
    },
    /// A protected source was asked for as open material.
    #[error(
        "{}: source #{log_index} is sealed (protected); its documents are not handed out as open material",
        path.display()
    )]
    Sealed {
        /// The database file.
        path: PathBuf,
        /// The source.
        log_index: u64,
    },
    /// A stored value does not decode.
    #[error("{}: source #{log_index}: a stored value does not decode ({message}); run `casefile rebuild`", path.display())]
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// The source.
        log_index: u64,
        /// What is wrong.
        message: String,
    },
    /// A value could not be written as JSON.
    #[error("encoding a value failed: {0}")]
    Encode(String),
    /// Sealing failed (it cannot, short of a bug in the cipher).
    #[error("sealing a value failed")]
    Seal,
    /// The system's random source failed.
    #[error("the system's random source failed: {0}")]
    Random(String),
}

/// How one source was read: everything about it except its documents.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Reading {
    /// The source's log index.
    pub log_index: u64,
    /// The reader's format (`telegram`, `html`, `archive`, `text`), or
    /// `None` when no reader fits the source (a photo, a PDF).
    pub format: Option<String>,
    /// The reader and its version, e.g. `casefile-reader 0.1.0`.
    pub reader: String,
    /// Whether the source is protected, and so stored sealed.
    pub protected: bool,
    /// How many documents were stored.
    pub documents: u64,
    /// What the source held, in the reader's words.
    pub counted: String,
    /// Problems of the source as a whole (a document's own problems are
    /// in the document).
    pub diagnostics: Vec<Diagnostic>,
    /// The earlier source whose bytes this one repeats: it is another
    /// acquisition of that source, read and counted there only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_as: Option<u64>,
}

/// One stored entity, as listed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EntitySummary {
    /// Its id: where it was first mentioned, as `source.document.mention`
    /// (shown as `E3.0.1`). It stays the same however often the entities
    /// are resolved again, as long as that mention comes first.
    pub id: String,
    /// Its place in the order entities were first mentioned.
    pub number: u64,
    /// What it is (`person`, `organization`, `place`).
    pub kind: String,
    /// Its fullest name.
    pub name: String,
    /// How many mentions it has.
    pub mentions: u64,
    /// In how many sources.
    pub sources: u64,
}

/// One stored record, as listed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RecordSummary {
    /// Its id (`C3.0.5`, `E3.0.1`, `H41`).
    pub id: String,
    /// What it is (`claim`, `violation`, `relation`...).
    pub kind: String,
    /// Its kind within its kind, if it has one.
    pub subtype: Option<String>,
    /// `proposed`, `confirmed`, `rejected` or `disputed`.
    pub status: String,
    /// A line a person reads.
    pub label: String,
}

/// A link to a stored record from another, with the linking record's
/// summary.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RecordLink {
    /// The role the target plays for the linking record.
    pub role: String,
    /// The linking record.
    #[serde(flatten)]
    pub from: RecordSummary,
}

/// Counts over the whole store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Totals {
    /// Sources read.
    pub sources: u64,
    /// Documents stored.
    pub documents: u64,
    /// Sources stored sealed.
    pub sealed_sources: u64,
    /// Extractions stored (one per document extracted).
    pub extractions: u64,
    /// Sources that repeat an earlier source's bytes: further acquisitions
    /// of it, not counted among `sources`.
    pub acquisitions: u64,
}

/// A source read and stored unsealed (not protected), as
/// [`Store::unsealed_sources`] hands it out: the only way to its documents
/// and extractions for whatever is stored or shown in plain text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OpenSource(u64);

impl OpenSource {
    /// Its log index.
    pub fn index(self) -> u64 {
        self.0
    }
}

/// A new random sealing key, for the case service to wrap to the case key
/// and hand to [`Store::provide_sealing_key`].
pub fn new_sealing_key() -> Result<zeroize::Zeroizing<[u8; 32]>, DerivedError> {
    SealingKey::generate()
}

/// The open derived store of one case.
#[derive(Debug)]
pub struct Store {
    path: PathBuf,
    key_path: PathBuf,
    conn: Connection,
    key: std::sync::OnceLock<SealingKey>,
    layering: layer::Layering,
}

impl Store {
    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn sql(&self) -> impl FnOnce(rusqlite::Error) -> DerivedError + '_ {
        |source| DerivedError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    /// Starts writing the readings of sources. Nothing is visible until
    /// [`Writer::commit`]; a writer dropped without it stores nothing.
    pub fn writer(&mut self) -> Result<Writer<'_>, DerivedError> {
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(|source| DerivedError::Sqlite {
                path: self.path.clone(),
                source,
            })?;
        Ok(Writer {
            store: self,
            open: true,
        })
    }

    /// The JSON body of the row `id` of `table` (entities or records).
    fn body<T: serde::de::DeserializeOwned>(
        &self,
        table: &str,
        what: &str,
        id: &str,
    ) -> Result<Option<T>, DerivedError> {
        let parse = |body: &[u8]| {
            serde_json::from_slice(body).map_err(|error| DerivedError::Corrupt {
                path: self.path.clone(),
                log_index: 0,
                message: format!("{what} {id}: {error}"),
            })
        };
        match self.layer_body(table, id) {
            Some(Some(body)) => return parse(body.as_bytes()).map(Some),
            Some(None) => return Ok(None),
            None => {}
        }
        // Cached: a page reads hundreds of bodies, and preparing the
        // statement each time cost more than the lookup.
        let body: Option<Vec<u8>> = self
            .conn
            .prepare_cached(&format!("SELECT body FROM {table} WHERE id = ?1"))
            .and_then(|mut statement| statement.query_row([id], |row| row.get(0)).optional())
            .map_err(self.sql())?;
        body.map(|body| parse(&body)).transpose()
    }
}

/// Writes the readings of sources in one transaction.
#[derive(Debug)]
pub struct Writer<'a> {
    store: &'a mut Store,
    open: bool,
}

impl Writer<'_> {
    /// Makes everything put so far durable and visible.
    pub fn commit(mut self) -> Result<(), DerivedError> {
        self.open = false;
        // Every commit moves the generation on: a reader that keeps what it
        // made from the store (the web workspace's report) knows by it
        // whether the store changed since.
        self.store
            .conn
            .execute_batch(
                "INSERT INTO meta (key, value) VALUES ('generation', '1') \
                 ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1; \
                 COMMIT",
            )
            .map_err(|source| DerivedError::Sqlite {
                path: self.store.path.clone(),
                source,
            })
    }
}

impl Drop for Writer<'_> {
    fn drop(&mut self) {
        if self.open {
            let _ = self.store.conn.execute_batch("ROLLBACK");
        }
    }
}

#[cfg(test)]
mod tests;
