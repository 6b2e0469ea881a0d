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

mod seal;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use casefile_document::{Diagnostic, Document};
use rusqlite::{Connection, OptionalExtension as _, params};

use crate::seal::SealingKey;

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
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
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

/// The open derived store of one case.
#[derive(Debug)]
pub struct Store {
    path: PathBuf,
    key_path: PathBuf,
    conn: Connection,
    key: std::sync::OnceLock<SealingKey>,
    /// Whether this store was opened by [`Store::open_reader`]: a reader
    /// never makes the sealing key, it only reads one a writer made.
    reader: bool,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sources (
    log_index INTEGER PRIMARY KEY,
    sealed INTEGER NOT NULL,
    reading BLOB NOT NULL,
    same_as INTEGER
);
CREATE TABLE IF NOT EXISTS documents (
    log_index INTEGER NOT NULL,
    ordinal INTEGER NOT NULL,
    body BLOB NOT NULL,
    PRIMARY KEY (log_index, ordinal)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS extractions (
    log_index INTEGER NOT NULL,
    ordinal INTEGER NOT NULL,
    body BLOB NOT NULL,
    PRIMARY KEY (log_index, ordinal)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entities (
    id TEXT PRIMARY KEY,
    number INTEGER NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    mentions INTEGER NOT NULL,
    sources INTEGER NOT NULL,
    body BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS entities_by_mentions ON entities (mentions DESC, number);
CREATE TABLE IF NOT EXISTS entity_documents (
    log_index INTEGER NOT NULL,
    ordinal INTEGER NOT NULL,
    entity TEXT NOT NULL,
    PRIMARY KEY (log_index, ordinal, entity)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS records (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    subtype TEXT,
    status TEXT NOT NULL,
    label TEXT NOT NULL,
    body BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS records_by_kind ON records (kind, status);
CREATE TABLE IF NOT EXISTS record_links (
    record TEXT NOT NULL,
    role TEXT NOT NULL,
    target TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS record_links_by_target ON record_links (target);
CREATE INDEX IF NOT EXISTS record_links_by_record ON record_links (record);
";

/// The tables that hold one value per document of a source.
#[derive(Debug, Clone, Copy)]
enum Table {
    Documents,
    Extractions,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Table::Documents => "documents",
            Table::Extractions => "extractions",
        }
    }

    /// The word naming a value's place in the sealing's associated data.
    fn word(self) -> &'static str {
        match self {
            Table::Documents => "document",
            Table::Extractions => "extraction",
        }
    }
}

fn place(log_index: u64, what: &str) -> String {
    format!("casefile-derived 1 source {log_index} {what}")
}

impl Store {
    /// Opens (creating when missing) the derived store of the case whose
    /// `.casefile` folder is `data_dir`.
    pub fn open(data_dir: &Path) -> Result<Self, DerivedError> {
        let dir = data_dir.join(DERIVED_DIR);
        std::fs::create_dir_all(&dir).map_err(|source| DerivedError::Io {
            path: dir.clone(),
            source,
        })?;
        let path = dir.join(DOCUMENTS_FILE);
        let sql = |source| DerivedError::Sqlite {
            path: path.clone(),
            source,
        };
        let conn = Connection::open(&path).map_err(sql)?;
        conn.busy_timeout(std::time::Duration::from_secs(60))
            .map_err(sql)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(sql)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(sql)?;
        // A new, empty file has no tables yet.
        let found = schema_version(&conn).map_err(sql)?;
        if let Some(found) = found
            && found > SCHEMA_VERSION
        {
            return Err(DerivedError::NewerSchema { path, found });
        }
        if let Some(found) = found
            && found < SCHEMA_VERSION
        {
            // Everything here is derived, but the store is not dropped on
            // open: the caller decides to make it again (and says so).
            return Err(DerivedError::OlderSchema { path, found });
        }
        // Tables and schema number in one transaction: a reader sees a
        // store being made either not at all or whole.
        conn.execute_batch(&format!(
            "BEGIN IMMEDIATE; {SCHEMA} \
             INSERT OR REPLACE INTO meta (key, value) VALUES ('schema', '{SCHEMA_VERSION}'); \
             COMMIT;"
        ))
        .map_err(sql)?;
        Ok(Self {
            key_path: data_dir.join(SEALING_KEY_FILE),
            path,
            conn,
            key: std::sync::OnceLock::new(),
            reader: false,
        })
    }

    /// Opens the derived store of the case in `data_dir` for reading
    /// only, as one consistent snapshot: every read of the returned store
    /// sees the store as it was when it was opened, whatever writers do
    /// meanwhile (SQLite's WAL keeps the snapshot), and nothing is created,
    /// migrated or locked. A case with no derived store yet reads as an
    /// empty one. [`Store::writer`] on it fails.
    pub fn open_reader(data_dir: &Path) -> Result<Self, DerivedError> {
        let path = data_dir.join(DERIVED_DIR).join(DOCUMENTS_FILE);
        let sql = |source| DerivedError::Sqlite {
            path: path.clone(),
            source,
        };
        let conn = if path.exists() {
            let conn = Connection::open_with_flags(
                &path,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE
                    | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .map_err(sql)?;
            conn.busy_timeout(std::time::Duration::from_secs(60))
                .map_err(sql)?;
            conn.execute_batch("PRAGMA query_only = 1; BEGIN DEFERRED")
                .map_err(sql)?;
            // The first read fixes the snapshot the transaction sees.
            // A store a writer is making right now has nothing in it yet.
            match schema_version(&conn).map_err(sql)? {
                Some(found) if found > SCHEMA_VERSION => {
                    return Err(DerivedError::NewerSchema { path, found });
                }
                Some(found) if found < SCHEMA_VERSION => {
                    return Err(DerivedError::OlderSchema { path, found });
                }
                Some(_) => conn,
                None => Self::empty(&path)?,
            }
        } else {
            Self::empty(&path)?
        };
        Ok(Self {
            key_path: data_dir.join(SEALING_KEY_FILE),
            path,
            conn,
            key: std::sync::OnceLock::new(),
            reader: true,
        })
    }

    /// An empty store in memory, for reading a case with nothing derived.
    fn empty(path: &Path) -> Result<Connection, DerivedError> {
        let sql = |source| DerivedError::Sqlite {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open_in_memory().map_err(sql)?;
        conn.execute_batch(SCHEMA).map_err(sql)?;
        conn.execute_batch("PRAGMA query_only = 1").map_err(sql)?;
        Ok(conn)
    }

    /// What made the stored data, as [`Writer::set_made_by`] recorded it:
    /// `(stage, version)` pairs, sorted by stage.
    pub fn made_by(&self) -> Result<Vec<(String, String)>, DerivedError> {
        let mut statement = self
            .conn
            .prepare("SELECT key, value FROM meta WHERE key LIKE 'made_by.%' ORDER BY key")
            .map_err(self.sql())?;
        let rows = statement
            .query_map([], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
            })
            .map_err(self.sql())?;
        rows.map(|row| {
            row.map(|(key, value)| (key.trim_start_matches("made_by.").to_owned(), value))
        })
        .collect::<Result<_, _>>()
        .map_err(self.sql())
    }

    /// Deletes the derived store of the case in `data_dir` (every file of
    /// it) and opens a new, empty one. The sealing key is kept.
    pub fn recreate(data_dir: &Path) -> Result<Self, DerivedError> {
        let dir = data_dir.join(DERIVED_DIR);
        match std::fs::remove_dir_all(&dir) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(DerivedError::Io { path: dir, source }),
        }
        Self::open(data_dir)
    }

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

    /// [`Store::key`] to open source `log_index`'s sealed rows: a reader
    /// that finds no key says the rows do not open (the rows were sealed
    /// under a key that is gone), which names the way out.
    fn key_for(&self, log_index: u64) -> Result<&SealingKey, DerivedError> {
        match self.key() {
            Err(DerivedError::Io { source, .. })
                if self.reader && source.kind() == std::io::ErrorKind::NotFound =>
            {
                Err(DerivedError::Unseal {
                    path: self.path.clone(),
                    log_index,
                })
            }
            other => other,
        }
    }

    /// The sealing key, loaded the first time it is needed (and made then
    /// by a writer, never by a reader); readers on other threads of one
    /// store share it.
    fn key(&self) -> Result<&SealingKey, DerivedError> {
        if let Some(key) = self.key.get() {
            return Ok(key);
        }
        let loaded = if self.reader {
            SealingKey::load(&self.key_path)?
        } else {
            SealingKey::load_or_create(&self.key_path)?
        };
        // Another thread may have set it meanwhile: both loaded one file.
        let _ = self.key.set(loaded);
        self.key.get().ok_or(DerivedError::Seal)
    }

    /// The log indexes below `tree_size` that have no stored reading, in
    /// order: the sources still to be read.
    pub fn unread(&self, tree_size: u64) -> Result<Vec<u64>, DerivedError> {
        let mut statement = self
            .conn
            .prepare("SELECT log_index FROM sources ORDER BY log_index")
            .map_err(self.sql())?;
        let read = statement
            .query_map([], |row| row.get::<_, i64>(0))
            .map_err(self.sql())?;
        let mut missing = Vec::new();
        let mut next = 0u64;
        for index in read {
            let index = index.map_err(self.sql())? as u64;
            if index >= tree_size {
                break;
            }
            missing.extend(next..index);
            next = index + 1;
        }
        missing.extend(next..tree_size);
        Ok(missing)
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

    /// The stored reading of source `log_index`, if it was read.
    pub fn reading(&self, log_index: u64) -> Result<Option<Reading>, DerivedError> {
        let row: Option<(bool, Vec<u8>)> = self
            .conn
            .query_row(
                "SELECT sealed, reading FROM sources WHERE log_index = ?1",
                [log_index as i64],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()
            .map_err(self.sql())?;
        let Some((sealed, bytes)) = row else {
            return Ok(None);
        };
        let value = self.unseal(sealed, log_index, "reading", bytes)?;
        serde_json::from_slice(&value)
            .map(Some)
            .map_err(|error| self.corrupt(log_index, error))
    }

    /// Calls `visit` with each stored document of source `log_index`, in
    /// order, unsealing a protected source's; returns how many there were.
    /// Only a person's explicit request may take this path (`casefile
    /// documents`, a report that includes protected material): whatever
    /// goes into plain text reads [`Store::documents`] of an [`OpenSource`].
    pub fn unseal_documents(
        &self,
        log_index: u64,
        mut visit: impl FnMut(Document),
    ) -> Result<u64, DerivedError> {
        self.values(Table::Documents, log_index, |_, document| visit(document))
    }

    /// Calls `visit` with the ordinal of each document of source
    /// `log_index` that has a stored extraction, and the extraction, in
    /// order; returns how many there were.
    pub fn unseal_extractions<T: serde::de::DeserializeOwned>(
        &self,
        log_index: u64,
        visit: impl FnMut(u64, T),
    ) -> Result<u64, DerivedError> {
        self.values(Table::Extractions, log_index, visit)
    }

    /// Calls `visit` with each document of an unsealed source, in order;
    /// returns how many there were. What feeds plain text (the entities,
    /// the records, the search index) reads documents only this way, so a
    /// protected source cannot reach it by a forgotten filter.
    pub fn documents(
        &self,
        source: OpenSource,
        mut visit: impl FnMut(Document),
    ) -> Result<u64, DerivedError> {
        self.open_values(Table::Documents, source, |_, document| visit(document))
    }

    /// The extractions of an unsealed source, as [`Store::documents`].
    pub fn extractions<T: serde::de::DeserializeOwned>(
        &self,
        source: OpenSource,
        visit: impl FnMut(u64, T),
    ) -> Result<u64, DerivedError> {
        self.open_values(Table::Extractions, source, visit)
    }

    fn open_values<T: serde::de::DeserializeOwned>(
        &self,
        table: Table,
        source: OpenSource,
        visit: impl FnMut(u64, T),
    ) -> Result<u64, DerivedError> {
        let sealed: Option<bool> = self
            .conn
            .query_row(
                "SELECT sealed FROM sources WHERE log_index = ?1",
                [source.0 as i64],
                |row| row.get(0),
            )
            .optional()
            .map_err(self.sql())?;
        if sealed == Some(true) {
            return Err(DerivedError::Sealed {
                path: self.path.clone(),
                log_index: source.0,
            });
        }
        self.values(table, source.0, visit)
    }

    fn values<T: serde::de::DeserializeOwned>(
        &self,
        table: Table,
        log_index: u64,
        mut visit: impl FnMut(u64, T),
    ) -> Result<u64, DerivedError> {
        let sealed: Option<bool> = self
            .conn
            .query_row(
                "SELECT sealed FROM sources WHERE log_index = ?1",
                [log_index as i64],
                |row| row.get(0),
            )
            .optional()
            .map_err(self.sql())?;
        let Some(sealed) = sealed else {
            return Ok(0);
        };
        let key = if sealed {
            Some(self.key_for(log_index)?)
        } else {
            None
        };
        let sql = |source| DerivedError::Sqlite {
            path: self.path.clone(),
            source,
        };
        let mut statement = self
            .conn
            .prepare(&format!(
                "SELECT ordinal, body FROM {} WHERE log_index = ?1 ORDER BY ordinal",
                table.name()
            ))
            .map_err(sql)?;
        let rows = statement
            .query_map([log_index as i64], |row| {
                Ok((row.get::<_, i64>(0)?, row.get::<_, Vec<u8>>(1)?))
            })
            .map_err(sql)?;
        let mut count = 0;
        for row in rows {
            let (ordinal, body) = row.map_err(sql)?;
            let plain = if sealed {
                let key = key.ok_or(DerivedError::Seal)?;
                key.open(
                    &place(log_index, &format!("{} {ordinal}", table.word())),
                    &body,
                )
                .ok_or_else(|| DerivedError::Unseal {
                    path: self.path.clone(),
                    log_index,
                })?
                .to_vec()
            } else {
                body
            };
            let value = serde_json::from_slice(&plain).map_err(|error| DerivedError::Corrupt {
                path: self.path.clone(),
                log_index,
                message: error.to_string(),
            })?;
            visit(ordinal as u64, value);
            count += 1;
        }
        Ok(count)
    }

    /// The log indexes of the sources read and stored unsealed (not
    /// protected), in order: those whose mentions may be resolved into
    /// entities stored in plain text.
    pub fn unsealed_sources(&self) -> Result<Vec<OpenSource>, DerivedError> {
        Ok(self
            .indexes("SELECT log_index FROM sources WHERE sealed = 0 ORDER BY log_index")?
            .into_iter()
            .map(OpenSource)
            .collect())
    }

    /// The log indexes of every source read, sealed or not, in order.
    pub fn read_sources(&self) -> Result<Vec<u64>, DerivedError> {
        self.indexes("SELECT log_index FROM sources ORDER BY log_index")
    }

    /// The log indexes a query selects.
    fn indexes(&self, sql: &str) -> Result<Vec<u64>, DerivedError> {
        let mut statement = self.conn.prepare(sql).map_err(self.sql())?;
        let rows = statement
            .query_map([], |row| row.get::<_, i64>(0))
            .map_err(self.sql())?;
        rows.map(|row| row.map(|index| index as u64))
            .collect::<Result<_, _>>()
            .map_err(self.sql())
    }

    /// The stored entities, those with the most mentions first, of `kind`
    /// only when given.
    pub fn entity_list(&self, kind: Option<&str>) -> Result<Vec<EntitySummary>, DerivedError> {
        let mut statement = self
            .conn
            .prepare(
                "SELECT id, number, kind, name, mentions, sources FROM entities \
                 WHERE ?1 IS NULL OR kind = ?1 ORDER BY mentions DESC, number",
            )
            .map_err(self.sql())?;
        let rows = statement
            .query_map([kind], |row| {
                Ok(EntitySummary {
                    id: row.get(0)?,
                    number: row.get::<_, i64>(1)? as u64,
                    kind: row.get(2)?,
                    name: row.get(3)?,
                    mentions: row.get::<_, i64>(4)? as u64,
                    sources: row.get::<_, i64>(5)? as u64,
                })
            })
            .map_err(self.sql())?;
        rows.collect::<Result<_, _>>().map_err(self.sql())
    }

    /// The entities each document of source `source` mentions, by
    /// document ordinal, each list in id order.
    pub fn entities_in(&self, source: u64) -> Result<BTreeMap<u64, Vec<String>>, DerivedError> {
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT ordinal, entity FROM entity_documents WHERE log_index = ?1 \
                 ORDER BY ordinal, entity",
            )
            .map_err(self.sql())?;
        let mut out: BTreeMap<u64, Vec<String>> = BTreeMap::new();
        let rows = statement
            .query_map([source as i64], |row| {
                Ok((row.get::<_, i64>(0)? as u64, row.get::<_, String>(1)?))
            })
            .map_err(self.sql())?;
        for row in rows {
            let (document, entity) = row.map_err(self.sql())?;
            out.entry(document).or_default().push(entity);
        }
        Ok(out)
    }

    /// The stored body of entity `id`, if there is one.
    pub fn entity<T: serde::de::DeserializeOwned>(
        &self,
        id: &str,
    ) -> Result<Option<T>, DerivedError> {
        self.body("entities", "entity", id)
    }

    /// The JSON body of the row `id` of `table` (entities or records).
    fn body<T: serde::de::DeserializeOwned>(
        &self,
        table: &str,
        what: &str,
        id: &str,
    ) -> Result<Option<T>, DerivedError> {
        let body: Option<Vec<u8>> = self
            .conn
            .query_row(
                &format!("SELECT body FROM {table} WHERE id = ?1"),
                [id],
                |row| row.get(0),
            )
            .optional()
            .map_err(self.sql())?;
        body.map(|body| {
            serde_json::from_slice(&body).map_err(|error| DerivedError::Corrupt {
                path: self.path.clone(),
                log_index: 0,
                message: format!("{what} {id}: {error}"),
            })
        })
        .transpose()
    }

    /// The tree size the stored entities were resolved over, if they were.
    pub fn entities_through(&self) -> Result<Option<u64>, DerivedError> {
        let value: Option<String> = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'entities'", [], |row| {
                row.get(0)
            })
            .optional()
            .map_err(self.sql())?;
        Ok(value.and_then(|value| value.parse().ok()))
    }

    /// The stored records, in id order, of `kind` and `status` only when
    /// given.
    pub fn record_list(
        &self,
        kind: Option<&str>,
        status: Option<&str>,
    ) -> Result<Vec<RecordSummary>, DerivedError> {
        let mut statement = self
            .conn
            .prepare(
                "SELECT id, kind, subtype, status, label FROM records \
                 WHERE (?1 IS NULL OR kind = ?1) AND (?2 IS NULL OR status = ?2) ORDER BY id",
            )
            .map_err(self.sql())?;
        let rows = statement
            .query_map([kind, status], |row| {
                Ok(RecordSummary {
                    id: row.get(0)?,
                    kind: row.get(1)?,
                    subtype: row.get(2)?,
                    status: row.get(3)?,
                    label: row.get(4)?,
                })
            })
            .map_err(self.sql())?;
        rows.collect::<Result<_, _>>().map_err(self.sql())
    }

    /// The stored body of record `id`, if there is one.
    pub fn record<T: serde::de::DeserializeOwned>(
        &self,
        id: &str,
    ) -> Result<Option<T>, DerivedError> {
        self.body("records", "record", id)
    }

    /// Calls `each` with every stored record's body, in id order.
    pub fn records<T: serde::de::DeserializeOwned>(
        &self,
        mut each: impl FnMut(T),
    ) -> Result<(), DerivedError> {
        let mut statement = self
            .conn
            .prepare("SELECT id, body FROM records ORDER BY id")
            .map_err(self.sql())?;
        let mut rows = statement.query([]).map_err(self.sql())?;
        while let Some(row) = rows.next().map_err(self.sql())? {
            let id: String = row.get(0).map_err(self.sql())?;
            let body: Vec<u8> = row.get(1).map_err(self.sql())?;
            let value = serde_json::from_slice(&body).map_err(|error| DerivedError::Corrupt {
                path: self.path.clone(),
                log_index: 0,
                message: format!("record {id}: {error}"),
            })?;
            each(value);
        }
        Ok(())
    }

    /// The links that point at record `target` (an entity's relations,
    /// events, violations and claims), each with the record that links,
    /// found through an index.
    pub fn links_to(&self, target: &str) -> Result<Vec<RecordLink>, DerivedError> {
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT l.role, r.id, r.kind, r.subtype, r.status, r.label \
                 FROM record_links l JOIN records r ON r.id = l.record \
                 WHERE l.target = ?1 ORDER BY r.kind, r.id, l.role",
            )
            .map_err(self.sql())?;
        let rows = statement
            .query_map([target], |row| {
                Ok(RecordLink {
                    role: row.get(0)?,
                    from: RecordSummary {
                        id: row.get(1)?,
                        kind: row.get(2)?,
                        subtype: row.get(3)?,
                        status: row.get(4)?,
                        label: row.get(5)?,
                    },
                })
            })
            .map_err(self.sql())?;
        rows.collect::<Result<_, _>>().map_err(self.sql())
    }

    /// Counts over the whole store.
    pub fn totals(&self) -> Result<Totals, DerivedError> {
        self.conn
            .query_row(
                "SELECT (SELECT count(*) FROM sources WHERE same_as IS NULL), \
                 (SELECT count(*) FROM documents), \
                 (SELECT count(*) FROM sources WHERE sealed AND same_as IS NULL), \
                 (SELECT count(*) FROM extractions), \
                 (SELECT count(*) FROM sources WHERE same_as IS NOT NULL)",
                [],
                |row| {
                    Ok(Totals {
                        sources: row.get::<_, i64>(0)? as u64,
                        documents: row.get::<_, i64>(1)? as u64,
                        sealed_sources: row.get::<_, i64>(2)? as u64,
                        extractions: row.get::<_, i64>(3)? as u64,
                        acquisitions: row.get::<_, i64>(4)? as u64,
                    })
                },
            )
            .map_err(self.sql())
    }

    fn unseal(
        &self,
        sealed: bool,
        log_index: u64,
        what: &str,
        bytes: Vec<u8>,
    ) -> Result<Vec<u8>, DerivedError> {
        if !sealed {
            return Ok(bytes);
        }
        let path = self.path.clone();
        let key = self.key_for(log_index)?;
        key.open(&place(log_index, what), &bytes)
            .map(|plain| plain.to_vec())
            .ok_or(DerivedError::Unseal { path, log_index })
    }

    fn corrupt(&self, log_index: u64, error: serde_json::Error) -> DerivedError {
        DerivedError::Corrupt {
            path: self.path.clone(),
            log_index,
            message: error.to_string(),
        }
    }
}

/// Writes the readings of sources in one transaction.
#[derive(Debug)]
pub struct Writer<'a> {
    store: &'a mut Store,
    open: bool,
}

impl Writer<'_> {
    /// Replaces whatever is stored for `reading.log_index` with `reading`
    /// and `documents` (sealed when the reading is protected).
    pub fn put(&mut self, reading: &Reading, documents: &[Document]) -> Result<(), DerivedError> {
        self.clear(reading.log_index)?;
        for (ordinal, document) in documents.iter().enumerate() {
            self.put_document(
                reading.log_index,
                ordinal as u64,
                reading.protected,
                document,
            )?;
        }
        self.put_reading(reading)
    }

    /// Removes what is stored for source `log_index`: its documents,
    /// extractions and reading. Call it before streaming a source's
    /// documents anew.
    pub fn clear(&mut self, log_index: u64) -> Result<(), DerivedError> {
        let conn = &self.store.conn;
        ["documents", "extractions", "sources"]
            .iter()
            .try_for_each(|table| {
                conn.execute(
                    &format!("DELETE FROM {table} WHERE log_index = ?1"),
                    [log_index as i64],
                )
                .map(|_| ())
            })
            .map_err(|source| DerivedError::Sqlite {
                path: self.store.path.clone(),
                source,
            })
    }

    /// Stores document number `ordinal` of source `log_index`, sealed when
    /// `protected`. The source counts as read once [`Writer::put_reading`]
    /// stores its reading.
    pub fn put_document(
        &mut self,
        log_index: u64,
        ordinal: u64,
        protected: bool,
        document: &Document,
    ) -> Result<(), DerivedError> {
        self.put_value(Table::Documents, log_index, ordinal, protected, document)
    }

    /// Stores the extraction of document number `ordinal` of source
    /// `log_index`, sealed when `protected`.
    pub fn put_extraction(
        &mut self,
        log_index: u64,
        ordinal: u64,
        protected: bool,
        extraction: &impl serde::Serialize,
    ) -> Result<(), DerivedError> {
        self.put_value(
            Table::Extractions,
            log_index,
            ordinal,
            protected,
            extraction,
        )
    }

    fn put_value(
        &mut self,
        table: Table,
        log_index: u64,
        ordinal: u64,
        protected: bool,
        value: &impl serde::Serialize,
    ) -> Result<(), DerivedError> {
        let body = zeroize::Zeroizing::new(
            serde_json::to_vec(value).map_err(|e| DerivedError::Encode(e.to_string()))?,
        );
        let body = if protected {
            self.store.key()?.seal(
                &place(log_index, &format!("{} {ordinal}", table.word())),
                &body,
            )?
        } else {
            body.to_vec()
        };
        self.store
            .conn
            .prepare_cached(&format!(
                "INSERT OR REPLACE INTO {} (log_index, ordinal, body) VALUES (?1, ?2, ?3)",
                table.name()
            ))
            .and_then(|mut insert| insert.execute(params![log_index as i64, ordinal as i64, body]))
            .map(|_| ())
            .map_err(|source| DerivedError::Sqlite {
                path: self.store.path.clone(),
                source,
            })
    }

    /// Stores the reading of a source whose documents are stored: from
    /// now on (once committed) the source counts as read.
    pub fn put_reading(&mut self, reading: &Reading) -> Result<(), DerivedError> {
        let log_index = reading.log_index;
        let bytes = serde_json::to_vec(reading).map_err(|e| DerivedError::Encode(e.to_string()))?;
        let bytes = if reading.protected {
            self.store
                .key()?
                .seal(&place(log_index, "reading"), &bytes)?
        } else {
            bytes
        };
        self.store
            .conn
            .execute(
                "INSERT OR REPLACE INTO sources (log_index, sealed, reading, same_as) \
                 VALUES (?1, ?2, ?3, ?4)",
                params![
                    log_index as i64,
                    reading.protected,
                    bytes,
                    reading.same_as.map(|s| s as i64)
                ],
            )
            .map(|_| ())
            .map_err(|source| DerivedError::Sqlite {
                path: self.store.path.clone(),
                source,
            })
    }

    /// Removes every stored entity, before they are stored anew.
    pub fn clear_entities(&mut self) -> Result<(), DerivedError> {
        self.store
            .conn
            .execute_batch(
                "DELETE FROM entities; DELETE FROM entity_documents; \
                 DELETE FROM meta WHERE key = 'entities';",
            )
            .map_err(|source| DerivedError::Sqlite {
                path: self.store.path.clone(),
                source,
            })
    }

    /// Stores one entity: its number, kind, name, counts, and a body the
    /// caller defines (stored as JSON, in plain text: only entities of
    /// unsealed sources belong here).
    pub fn put_entity(
        &mut self,
        summary: &EntitySummary,
        body: &impl serde::Serialize,
    ) -> Result<(), DerivedError> {
        let body = serde_json::to_vec(body).map_err(|e| DerivedError::Encode(e.to_string()))?;
        self.store
            .conn
            .prepare_cached(
                "INSERT OR REPLACE INTO entities \
                 (id, number, kind, name, mentions, sources, body) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .and_then(|mut insert| {
                insert.execute(params![
                    summary.id,
                    summary.number as i64,
                    summary.kind,
                    summary.name,
                    summary.mentions as i64,
                    summary.sources as i64,
                    body
                ])
            })
            .map(|_| ())
            .map_err(|source| DerivedError::Sqlite {
                path: self.store.path.clone(),
                source,
            })
    }

    /// Stores that entity `entity` is mentioned in each of `documents`
    /// (source log index, document ordinal), for finding a document's
    /// entities without reading every entity.
    pub fn put_entity_documents(
        &mut self,
        entity: &str,
        documents: &[(u64, u64)],
    ) -> Result<(), DerivedError> {
        let path = &self.store.path;
        let sql = |source| DerivedError::Sqlite {
            path: path.clone(),
            source,
        };
        let mut insert = self
            .store
            .conn
            .prepare_cached(
                "INSERT OR IGNORE INTO entity_documents (log_index, ordinal, entity) \
                 VALUES (?1, ?2, ?3)",
            )
            .map_err(sql)?;
        for &(source, document) in documents {
            insert
                .execute(params![source as i64, document as i64, entity])
                .map_err(sql)?;
        }
        Ok(())
    }

    /// Records which version of `stage` (reader, extractor, resolver) made
    /// the stored data, for a later casefile to know what to derive again.
    pub fn set_made_by(&mut self, stage: &str, version: &str) -> Result<(), DerivedError> {
        self.store
            .conn
            .execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
                [format!("made_by.{stage}"), version.to_owned()],
            )
            .map_err(|source| DerivedError::Sqlite {
                path: self.store.path.clone(),
                source,
            })?;
        Ok(())
    }

    /// Records that the stored entities were resolved over the first
    /// `tree_size` sources.
    pub fn set_entities_through(&mut self, tree_size: u64) -> Result<(), DerivedError> {
        self.store
            .conn
            .execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('entities', ?1)",
                [tree_size.to_string()],
            )
            .map(|_| ())
            .map_err(|source| DerivedError::Sqlite {
                path: self.store.path.clone(),
                source,
            })
    }

    /// Removes every stored record, before they are stored anew.
    pub fn clear_records(&mut self) -> Result<(), DerivedError> {
        self.store
            .conn
            .execute_batch("DELETE FROM records; DELETE FROM record_links;")
            .map_err(|source| DerivedError::Sqlite {
                path: self.store.path.clone(),
                source,
            })
    }

    /// Stores one record: its summary, its links (indexed by target; a
    /// record stored again replaces its links) and a body the caller
    /// defines (stored as JSON, in plain text: only records of unsealed
    /// sources belong here).
    pub fn put_record(
        &mut self,
        summary: &RecordSummary,
        links: &[(String, String)],
        body: &impl serde::Serialize,
    ) -> Result<(), DerivedError> {
        let body = serde_json::to_vec(body).map_err(|e| DerivedError::Encode(e.to_string()))?;
        let conn = &self.store.conn;
        let result = conn
            .prepare_cached(
                "INSERT OR REPLACE INTO records (id, kind, subtype, status, label, body) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .and_then(|mut insert| {
                insert.execute(params![
                    summary.id,
                    summary.kind,
                    summary.subtype,
                    summary.status,
                    summary.label,
                    body
                ])
            })
            .and_then(|_| {
                // A record stored again keeps only its new links.
                conn.prepare_cached("DELETE FROM record_links WHERE record = ?1")?
                    .execute([&summary.id])?;
                let mut insert = conn.prepare_cached(
                    "INSERT INTO record_links (record, role, target) VALUES (?1, ?2, ?3)",
                )?;
                for (role, target) in links {
                    insert.execute(params![summary.id, role, target])?;
                }
                Ok(())
            });
        result.map_err(|source| DerivedError::Sqlite {
            path: self.store.path.clone(),
            source,
        })
    }

    /// Makes everything put so far durable and visible.
    pub fn commit(mut self) -> Result<(), DerivedError> {
        self.open = false;
        self.store
            .conn
            .execute_batch("COMMIT")
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

/// The schema number a store records, `None` when it has no tables yet (a
/// new file, or one a writer is making right now); a number that does not
/// parse reads as newer than any.
fn schema_version(conn: &Connection) -> rusqlite::Result<Option<u32>> {
    let found: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'schema'", [], |row| {
            row.get(0)
        })
        .optional()
        .or_else(|error| match error {
            rusqlite::Error::SqliteFailure(_, Some(ref message))
                if message.starts_with("no such table") =>
            {
                Ok(None)
            }
            other => Err(other),
        })?;
    Ok(found.map(|found| found.parse().unwrap_or(u32::MAX)))
}

#[cfg(test)]
mod tests;
