//! The entities resolved from the mentions of open sources, and the
//! documents each is mentioned in.

use super::*;

impl Store {
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
        let plain = rows.collect::<Result<_, _>>().map_err(self.sql())?;
        Ok(self.layer_entities(plain, kind))
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
        self.layer_entities_in(source, &mut out);
        Ok(out)
    }

    /// The stored body of entity `id`, if there is one.
    pub fn entity<T: serde::de::DeserializeOwned>(
        &self,
        id: &str,
    ) -> Result<Option<T>, DerivedError> {
        self.body("entities", "entity", id)
    }

    /// The tree size the stored entities were resolved over, if they were.
    pub fn entities_through(&self) -> Result<Option<u64>, DerivedError> {
        Ok(self.meta("entities")?.and_then(|value| value.parse().ok()))
    }

    /// How many writes the store has committed (`meta.generation`; 0 for
    /// a store never written since it was made): whatever changed in it,
    /// this number changed too.
    pub fn generation(&self) -> Result<u64, DerivedError> {
        Ok(self
            .meta("generation")?
            .and_then(|value| value.parse().ok())
            .unwrap_or(0))
    }

    /// The `meta` row `key`, if there is one.
    pub(crate) fn meta(&self, key: &str) -> Result<Option<String>, DerivedError> {
        self.conn
            .prepare_cached("SELECT value FROM meta WHERE key = ?1")
            .and_then(|mut statement| statement.query_row([key], |row| row.get(0)).optional())
            .map_err(self.sql())
    }
}

impl Writer<'_> {
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
}
