//! The records and the links between them.

use super::*;

impl Store {
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
        let plain = rows.collect::<Result<_, _>>().map_err(self.sql())?;
        Ok(self.layer_records(plain, kind, status))
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
        let mut layered = self.layer_record_bodies();
        layered.sort_unstable();
        let mut layered = layered.into_iter().peekable();
        let parse = |id: &str, body: &[u8]| {
            serde_json::from_slice(body).map_err(|error| DerivedError::Corrupt {
                path: self.path.clone(),
                log_index: 0,
                message: format!("record {id}: {error}"),
            })
        };
        while let Some(row) = rows.next().map_err(self.sql())? {
            let id: String = row.get(0).map_err(self.sql())?;
            // The layer's records before this one, in id order.
            while let Some((layer_id, body)) = layered.next_if(|(l, _)| *l < id.as_str()) {
                each(parse(layer_id, body.as_bytes())?);
            }
            if self.layer_hides_record(&id) {
                continue;
            }
            let body: Vec<u8> = row.get(1).map_err(self.sql())?;
            each(parse(&id, &body)?);
        }
        for (layer_id, body) in layered {
            each(parse(layer_id, body.as_bytes())?);
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
        let mut links: Vec<RecordLink> = rows
            .collect::<Result<Vec<RecordLink>, _>>()
            .map_err(self.sql())?
            .into_iter()
            .filter(|l| !self.layer_hides_record(&l.from.id))
            .collect();
        let layered = self.layer_links_to(target);
        if !layered.is_empty() {
            links.extend(layered);
            links.sort_by(|a, b| {
                (&a.from.kind, &a.from.id, &a.role).cmp(&(&b.from.kind, &b.from.id, &b.role))
            });
        }
        Ok(links)
    }
}

impl Writer<'_> {
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
}
