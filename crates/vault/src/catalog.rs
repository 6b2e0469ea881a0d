//! The SQLite catalogue: an index from source ids and content hashes to log
//! positions.
//!
//! It holds no fact of its own: each row is (log index, leaf hash, SHA-256
//! of the bytes), and everything else about a source is read from its log
//! entry. So it can be dropped and rebuilt from the log at any time, and
//! opening a case rebuilds the rows the log has and the catalogue lacks
//! (after a crash between signing a checkpoint and writing the rows). Hashes
//! are 32-byte blobs and the log index is the row id, because adding rows is
//! on the path of every add.

use std::path::{Path, PathBuf};

use casefile_merkle::Hash;
use rusqlite::{Connection, params};

use crate::blobs::Sha256;
use crate::entry::Acquisition;
use crate::error::VaultError;

/// The catalogue schema version (`PRAGMA user_version`).
const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS sources (
    log_index INTEGER PRIMARY KEY,
    leaf_hash BLOB NOT NULL UNIQUE,
    sha256    BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS sources_by_sha256 ON sources (sha256);
";

/// A source: its id, and what its log entry records.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SourceRecord {
    /// The source's id (`src_` and the first 20 hex digits of its leaf hash).
    pub id: String,
    /// Its entry's leaf hash (hex).
    pub leaf_hash: String,
    /// Its log entry.
    #[serde(flatten)]
    pub entry: Acquisition,
}

impl SourceRecord {
    pub(crate) fn new(entry: Acquisition, leaf: &Hash) -> Self {
        Self {
            id: source_id(leaf),
            leaf_hash: leaf.to_hex(),
            entry,
        }
    }
}

/// A source's id: `src_` and the first 20 hex digits (80 bits) of its leaf
/// hash, so anyone holding the entry can recompute it.
pub(crate) fn source_id(leaf: &Hash) -> String {
    format!("src_{}", &leaf.to_hex()[..20])
}

/// One catalogue row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Row {
    pub log_index: u64,
    /// `None` when the stored value is not 32 bytes.
    pub leaf_hash: Option<Hash>,
    pub sha256: Option<Sha256>,
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
        // The leaf-hash index takes inserts at random places; 64 MiB of
        // cache keeps a million sources' index pages in memory.
        connection
            .pragma_update(None, "cache_size", -65_536)
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
        if version < SCHEMA_VERSION {
            // Only a new or older catalogue is written to: opening one that
            // is up to date (as `verify` does) changes nothing.
            connection.execute_batch(SCHEMA).map_err(fail)?;
            connection
                .pragma_update(None, "user_version", SCHEMA_VERSION)
                .map_err(fail)?;
        }
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

    /// Inserts one row per (log index, leaf hash, SHA-256), in one
    /// transaction. Rows sorted by leaf hash write the index in order.
    pub(crate) fn insert(&mut self, rows: &[(u64, Hash, Sha256)]) -> Result<(), VaultError> {
        let path = self.path.clone();
        let fail = |source| VaultError::Catalogue {
            path: path.clone(),
            source,
        };
        let transaction = self.connection.transaction().map_err(fail)?;
        {
            let mut insert = transaction
                .prepare_cached(
                    "INSERT INTO sources (log_index, leaf_hash, sha256) VALUES (?1, ?2, ?3)",
                )
                .map_err(fail)?;
            for (index, leaf, sha256) in rows {
                insert
                    .execute(params![
                        *index as i64,
                        leaf.0.as_slice(),
                        sha256.0.as_slice()
                    ])
                    .map_err(fail)?;
            }
        }
        transaction.commit().map_err(fail)
    }

    fn indexes(&self, sql: &str, values: impl rusqlite::Params) -> Result<Vec<u64>, VaultError> {
        let mut statement = self.connection.prepare(sql).map_err(|e| self.fail(e))?;
        let rows = statement
            .query_map(values, |row| row.get::<_, i64>(0))
            .map_err(|e| self.fail(e))?;
        rows.map(|row| row.map(|index| u64::try_from(index).unwrap_or(u64::MAX)))
            .collect::<Result<_, _>>()
            .map_err(|e| self.fail(e))
    }

    /// Log indexes of the sources whose id starts with `prefix` (`src_` and
    /// hex digits), at most `limit`. The id is the leaf hash's start, so this
    /// is a range of the leaf-hash index: the prefix padded with `0` to the
    /// prefix padded with `f`.
    pub(crate) fn by_id_prefix(&self, prefix: &str, limit: usize) -> Result<Vec<u64>, VaultError> {
        let digits = prefix
            .strip_prefix("src_")
            .unwrap_or(prefix)
            .to_ascii_lowercase();
        let bound = |pad: char| {
            let mut text = digits.clone();
            while text.len() < 64 {
                text.push(pad);
            }
            Hash::from_hex(&text)
        };
        let (Some(low), Some(high)) = (bound('0'), bound('f')) else {
            return Ok(Vec::new());
        };
        self.indexes(
            "SELECT log_index FROM sources WHERE leaf_hash BETWEEN ?1 AND ?2 ORDER BY log_index LIMIT ?3",
            params![low.0.as_slice(), high.0.as_slice(), limit as i64],
        )
    }

    /// Log indexes of the sources whose bytes have `sha256`, in log order.
    pub(crate) fn by_sha256(&self, sha256: &Hash) -> Result<Vec<u64>, VaultError> {
        self.indexes(
            "SELECT log_index FROM sources WHERE sha256 = ?1 ORDER BY log_index",
            [sha256.0.as_slice()],
        )
    }

    /// Every row, in log order.
    pub(crate) fn rows(&self) -> Result<Vec<Row>, VaultError> {
        let mut statement = self
            .connection
            .prepare("SELECT log_index, leaf_hash, sha256 FROM sources ORDER BY log_index")
            .map_err(|e| self.fail(e))?;
        let rows = statement
            .query_map([], |row| {
                let leaf: Vec<u8> = row.get(1)?;
                let sha256: Vec<u8> = row.get(2)?;
                Ok(Row {
                    log_index: u64::try_from(row.get::<_, i64>(0)?).unwrap_or(u64::MAX),
                    leaf_hash: Hash::from_slice(&leaf).ok(),
                    sha256: Hash::from_slice(&sha256).ok().map(|hash| Sha256(hash.0)),
                })
            })
            .map_err(|e| self.fail(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.fail(e))
    }
}
