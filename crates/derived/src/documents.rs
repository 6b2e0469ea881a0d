//! Sources as read: their readings, documents and extractions, sealed
//! when the source is protected, and handed out plain only for open ones.

use super::*;

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
    /// [`Store::key`] to open source `log_index`'s sealed rows.
    fn key_for(&self, log_index: u64) -> Result<&SealingKey, DerivedError> {
        match self.key() {
            Err(DerivedError::Locked { path }) => {
                Err(DerivedError::LockedSource { path, log_index })
            }
            other => other,
        }
    }

    /// The sealing key: the one handed over by
    /// [`Store::provide_sealing_key`], or in a case made before keys were
    /// wrapped, the one in `.casefile/sealing.key`. Without either, the
    /// sealed rows are locked.
    pub(crate) fn key(&self) -> Result<&SealingKey, DerivedError> {
        if let Some(key) = self.key.get() {
            return Ok(key);
        }
        if !self.key_path.exists() {
            return Err(DerivedError::Locked {
                path: self.path.clone(),
            });
        }
        let loaded = SealingKey::load(&self.key_path)?;
        // Another thread may have set it meanwhile.
        let _ = self.key.set(loaded);
        self.key.get().ok_or(DerivedError::Seal)
    }

    /// Hands the store the sealing key (unwrapped by the case service for
    /// a cleared member), so that it seals and opens protected sources'
    /// rows. A key already held is kept.
    pub fn provide_sealing_key(&self, key: &[u8; 32]) {
        let _ = self.key.set(SealingKey::from_bytes(key));
    }

    /// Whether the store holds a sealing key (handed over, or a case's
    /// legacy key file).
    pub fn has_sealing_key(&self) -> bool {
        self.key.get().is_some() || self.key_path.exists()
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
        self.values(Table::Documents, log_index, |ordinal, mut document| {
            self.filtered(log_index, ordinal, &mut document);
            visit(document)
        })
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

    /// The log indexes of the sources read and stored sealed (protected),
    /// in order: what only the protected layer may count.
    pub fn sealed_sources(&self) -> Result<Vec<u64>, DerivedError> {
        self.indexes("SELECT log_index FROM sources WHERE sealed = 1 ORDER BY log_index")
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
}
