//! The SQLite catalogue: one row per source, for lookups by id or hash.
//!
//! It is derived data. Every row can be rebuilt from the log, and
//! [`Catalogue::catch_up`] does so for entries the log has and the catalogue
//! lacks (after a crash between signing a checkpoint and writing the rows).

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension as _, params};

use crate::entry::{Acquisition, SourceKind};
use crate::error::VaultError;

/// The catalogue schema version (`PRAGMA user_version`).
const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS sources (
    id          TEXT PRIMARY KEY,
    log_index   INTEGER NOT NULL UNIQUE,
    leaf_hash   TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    size        INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    name        TEXT,
    url         TEXT,
    acquired_at TEXT,
    added_at    TEXT NOT NULL,
    added_by    TEXT NOT NULL,
    note        TEXT
);
CREATE INDEX IF NOT EXISTS sources_by_sha256 ON sources (sha256);
";

/// A source as the catalogue lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SourceRecord {
    /// The source's id (`src_` and the first 20 hex digits of its leaf hash).
    pub id: String,
    /// Its entry's position in the log.
    pub log_index: u64,
    /// Its entry's leaf hash (hex).
    pub leaf_hash: String,
    /// SHA-256 of its bytes (hex).
    pub sha256: String,
    /// Number of bytes.
    pub size: u64,
    /// Its kind.
    pub kind: SourceKind,
    /// File name when added.
    pub name: Option<String>,
    /// Where it was found.
    pub url: Option<String>,
    /// When it was collected.
    pub acquired_at: Option<String>,
    /// When it was added.
    pub added_at: String,
    /// Who added it.
    pub added_by: String,
    /// Free-text note.
    pub note: Option<String>,
}

/// A source's id: `src_` and the first 20 hex digits (80 bits) of its leaf
/// hash, so anyone holding the entry can recompute it.
pub(crate) fn source_id(leaf: &casefile_merkle::Hash) -> String {
    format!("src_{}", &leaf.to_hex()[..20])
}

pub(crate) struct Catalogue {
    path: PathBuf,
    connection: Connection,
}

impl Catalogue {
    pub(crate) fn open(path: &Path) -> Result<Self, VaultError> {
        let fail = |source| VaultError::Catalogue {
            path: path.to_path_buf(),
            source,
        };
        let connection = Connection::open(path).map_err(fail)?;
        connection
            .busy_timeout(std::time::Duration::from_secs(30))
            .map_err(fail)?;
        connection
            .pragma_update(None, "journal_mode", "WAL")
            .map_err(fail)?;
        connection
            .pragma_update(None, "synchronous", "NORMAL")
            .map_err(fail)?;
        let version: i64 = connection
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .map_err(fail)?;
        if version > SCHEMA_VERSION {
            return Err(VaultError::BadFormat {
                path: path.to_path_buf(),
                problem: format!("catalogue schema {version} is newer than this build reads"),
            });
        }
        connection.execute_batch(SCHEMA).map_err(fail)?;
        connection
            .pragma_update(None, "user_version", SCHEMA_VERSION)
            .map_err(fail)?;
        Ok(Self {
            path: path.to_path_buf(),
            connection,
        })
    }

    fn fail(&self, source: rusqlite::Error) -> VaultError {
        VaultError::Catalogue {
            path: self.path.clone(),
            source,
        }
    }

    /// How many entries the catalogue has rows for (one past the highest).
    pub(crate) fn known_size(&self) -> Result<u64, VaultError> {
        let next: i64 = self
            .connection
            .query_row(
                "SELECT COALESCE(MAX(log_index) + 1, 0) FROM sources",
                [],
                |row| row.get(0),
            )
            .map_err(|e| self.fail(e))?;
        Ok(u64::try_from(next).unwrap_or(0))
    }

    /// Inserts rows for entries starting at `first_index`, in one transaction.
    pub(crate) fn insert(
        &mut self,
        first_index: u64,
        entries: &[Vec<u8>],
    ) -> Result<(), VaultError> {
        let path = self.path.clone();
        let fail = |source| VaultError::Catalogue {
            path: path.clone(),
            source,
        };
        let transaction = self.connection.transaction().map_err(fail)?;
        {
            let mut insert = transaction
                .prepare_cached(
                    "INSERT INTO sources (id, log_index, leaf_hash, sha256, size, kind, name, url,
                        acquired_at, added_at, added_by, note)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                )
                .map_err(fail)?;
            for (offset, bytes) in entries.iter().enumerate() {
                let index = first_index + offset as u64;
                let entry = Acquisition::decode(bytes).map_err(|e| {
                    VaultError::Integrity(format!("log entry {index} does not decode: {e}"))
                })?;
                let leaf = casefile_merkle::leaf_hash(bytes);
                insert
                    .execute(params![
                        source_id(&leaf),
                        index as i64,
                        leaf.to_hex(),
                        entry.sha256.to_hex(),
                        entry.size as i64,
                        entry.kind.as_str(),
                        entry.name,
                        entry.url,
                        entry.acquired_at,
                        entry.added_at,
                        entry.by,
                        entry.note,
                    ])
                    .map_err(fail)?;
            }
        }
        transaction.commit().map_err(fail)
    }

    fn row(row: &rusqlite::Row<'_>) -> rusqlite::Result<SourceRecord> {
        let kind: String = row.get(5)?;
        Ok(SourceRecord {
            id: row.get(0)?,
            log_index: u64::try_from(row.get::<_, i64>(1)?).unwrap_or(0),
            leaf_hash: row.get(2)?,
            sha256: row.get(3)?,
            size: u64::try_from(row.get::<_, i64>(4)?).unwrap_or(0),
            kind: SourceKind::parse(&kind).unwrap_or(SourceKind::Other),
            name: row.get(6)?,
            url: row.get(7)?,
            acquired_at: row.get(8)?,
            added_at: row.get(9)?,
            added_by: row.get(10)?,
            note: row.get(11)?,
        })
    }

    const COLUMNS: &'static str = "id, log_index, leaf_hash, sha256, size, kind, name, url, acquired_at, added_at, added_by, note";

    /// The source at a log index.
    pub(crate) fn by_index(&self, index: u64) -> Result<Option<SourceRecord>, VaultError> {
        self.connection
            .query_row(
                &format!("SELECT {} FROM sources WHERE log_index = ?1", Self::COLUMNS),
                [index as i64],
                Self::row,
            )
            .optional()
            .map_err(|e| self.fail(e))
    }

    /// Sources whose id starts with `prefix`, at most `limit`.
    pub(crate) fn by_id_prefix(
        &self,
        prefix: &str,
        limit: usize,
    ) -> Result<Vec<SourceRecord>, VaultError> {
        // Ids are ASCII letters, digits and '_', all below '~': the range
        // [prefix, prefix + "~") holds exactly the ids with that prefix and
        // is answered from the primary key's index.
        let pattern = prefix.to_owned();
        let mut statement = self
            .connection
            .prepare(&format!(
                "SELECT {} FROM sources WHERE id >= ?1 AND id < ?1 || '~' ORDER BY log_index LIMIT ?2",
                Self::COLUMNS
            ))
            .map_err(|e| self.fail(e))?;
        let rows = statement
            .query_map(params![pattern, limit as i64], Self::row)
            .map_err(|e| self.fail(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.fail(e))
    }

    /// Sources whose bytes have `sha256`, in log order.
    pub(crate) fn by_sha256(&self, sha256: &str) -> Result<Vec<SourceRecord>, VaultError> {
        let mut statement = self
            .connection
            .prepare(&format!(
                "SELECT {} FROM sources WHERE sha256 = ?1 ORDER BY log_index",
                Self::COLUMNS
            ))
            .map_err(|e| self.fail(e))?;
        let rows = statement
            .query_map([sha256], Self::row)
            .map_err(|e| self.fail(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.fail(e))
    }

    /// Every source, in log order, passed to `visit`.
    pub(crate) fn for_each(
        &self,
        mut visit: impl FnMut(SourceRecord) -> Result<(), VaultError>,
    ) -> Result<(), VaultError> {
        let mut statement = self
            .connection
            .prepare(&format!(
                "SELECT {} FROM sources ORDER BY log_index",
                Self::COLUMNS
            ))
            .map_err(|e| self.fail(e))?;
        let rows = statement
            .query_map([], Self::row)
            .map_err(|e| self.fail(e))?;
        for row in rows {
            visit(row.map_err(|e| self.fail(e))?)?;
        }
        Ok(())
    }
}
