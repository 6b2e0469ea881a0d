//! The store's tables, and opening a store: made when missing, refused
//! when of another schema, read-only for readers.

use super::*;

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
-- Added within schema 7: a store without it has no protected layer, and
-- the writer that opens it adds it. A casefile that does not know it leaves
-- it alone; the layer it leaves is stale (resolved through another size)
-- and is not installed.
CREATE TABLE IF NOT EXISTS protected_layer (
    part INTEGER PRIMARY KEY,
    body BLOB NOT NULL
);
";

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
            layering: Default::default(),
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
            layering: Default::default(),
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
}

impl Writer<'_> {
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
}
