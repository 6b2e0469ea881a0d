//! The protected layer: the entities and records as they are once the
//! mentions and proposals of protected sources are counted in, stored
//! sealed, and laid over the open ones in memory for a cleared member.
//!
//! The plain tables (`entities`, `entity_documents`, `records`,
//! `record_links`) hold what the open sources yield, and nothing else: what
//! a locked member reads. What the protected sources change (an entity they
//! add or mention again, a record they propose or change) is the layer: it
//! is written as sealed parts of one JSON value, and a store it was
//! installed in ([`Store::install_protected_layer`]) answers every entity and
//! record query with it laid over the plain rows. The layer records the
//! tree size the entities were resolved through; one resolved since (by a
//! locked member) is stale and is not installed.

use std::cell::Cell;
use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use zeroize::Zeroize as _;

use super::*;

/// How many bytes of the layer's JSON one sealed part holds at most.
const PART_BYTES: usize = 4 << 20;

/// One entity as the protected layer has it: new, or an open entity that
/// protected mentions changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerEntity {
    /// As listed.
    pub summary: EntitySummary,
    /// Its body, as JSON (what [`Writer::put_entity`] would store).
    pub body: String,
}

/// One record as the protected layer has it: new, or an open record that
/// protected material changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerRecord {
    /// As listed.
    pub summary: RecordSummary,
    /// Its links: (role, target).
    pub links: Vec<(String, String)>,
    /// Its body, as JSON (what [`Writer::put_record`] would store).
    pub body: String,
}

/// What the protected sources change in the entities and records.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProtectedLayer {
    /// The tree size the entities were resolved through (as
    /// [`Store::entities_through`]).
    pub through: u64,
    /// Entities new or changed.
    pub entities: Vec<LayerEntity>,
    /// Open entities that are not entities once protected material counts
    /// (a judgement about protected material joined or split them).
    pub removed_entities: Vec<String>,
    /// (entity, source, document): every document each entity of the
    /// layer is mentioned in (they replace the plain rows of those
    /// entities).
    pub entity_documents: Vec<(String, u64, u64)>,
    /// Records new or changed.
    pub records: Vec<LayerRecord>,
    /// Open records that are not records once protected material counts
    /// (an action about protected material undid them).
    pub removed_records: Vec<String>,
    /// What the case service keeps sealed beside the layer, as JSON text
    /// (its register of witnesses, their consent and the confirmed masks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub register: Option<String>,
}

impl ProtectedLayer {
    fn wipe(&mut self) {
        for entity in &mut self.entities {
            entity.summary.name.zeroize();
            entity.body.zeroize();
        }
        for record in &mut self.records {
            record.summary.label.zeroize();
            record.body.zeroize();
        }
        if let Some(register) = &mut self.register {
            register.zeroize();
        }
    }
}

impl Drop for ProtectedLayer {
    fn drop(&mut self) {
        self.wipe();
    }
}

/// The layer as installed: looked up by id.
#[derive(Debug, Default)]
pub(crate) struct Overlay {
    entities: HashMap<String, LayerEntity>,
    removed_entities: HashSet<String>,
    /// Source, then document, then the entities it mentions.
    entity_documents: BTreeMap<u64, BTreeMap<u64, Vec<String>>>,
    records: HashMap<String, LayerRecord>,
    removed: HashSet<String>,
}

impl Drop for Overlay {
    fn drop(&mut self) {
        for entity in self.entities.values_mut() {
            entity.summary.name.zeroize();
            entity.body.zeroize();
        }
        for record in self.records.values_mut() {
            record.summary.label.zeroize();
            record.body.zeroize();
        }
    }
}

/// Whether a store's reads lay the installed layer over the plain rows:
/// on once installed, off inside [`Store::open_layer_only`].
pub(crate) struct Layering {
    pub(crate) overlay: Option<Overlay>,
    pub(crate) on: Cell<bool>,
    /// What protected documents pass through before they are handed out.
    pub(crate) filter: Option<DocumentFilter>,
}

/// A filter of protected documents: source, ordinal, the document.
pub(crate) type DocumentFilter = Box<dyn Fn(u64, u64, &mut Document) + Send>;

impl std::fmt::Debug for Layering {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Layering")
            .field("overlay", &self.overlay)
            .field("on", &self.on)
            .field("filter", &self.filter.is_some())
            .finish()
    }
}

impl Default for Layering {
    fn default() -> Self {
        Layering {
            overlay: None,
            on: Cell::new(true),
            filter: None,
        }
    }
}

fn part_place(through: u64, part: usize, parts: usize) -> String {
    format!("casefile-derived 1 protected-layer through {through} part {part} of {parts}")
}

impl Store {
    /// The installed layer, when reads use it.
    pub(crate) fn overlay(&self) -> Option<&Overlay> {
        if self.layering.on.get() {
            self.layering.overlay.as_ref()
        } else {
            None
        }
    }

    /// The tree size the stored protected layer was resolved through, if
    /// one is stored (no key is needed to ask).
    pub fn protected_layer_through(&self) -> Result<Option<u64>, DerivedError> {
        Ok(self.layer_meta()?.map(|(through, _)| through))
    }

    fn layer_meta(&self) -> Result<Option<(u64, usize)>, DerivedError> {
        let Some(value) = self.meta("protected_layer")? else {
            return Ok(None);
        };
        let corrupt = || DerivedError::Corrupt {
            path: self.path.clone(),
            log_index: 0,
            message: format!("the protected layer's description {value:?} does not parse"),
        };
        let (through, parts) = value.split_once(' ').ok_or_else(corrupt)?;
        Ok(Some((
            through.parse().map_err(|_| corrupt())?,
            parts.parse().map_err(|_| corrupt())?,
        )))
    }

    /// The stored protected layer, opened: `None` when none is stored.
    /// Needs the sealing key; a part changed, missing or moved is refused.
    pub fn read_protected_layer(&self) -> Result<Option<ProtectedLayer>, DerivedError> {
        let Some((through, parts)) = self.layer_meta()? else {
            return Ok(None);
        };
        let key = self.key()?;
        let mut statement = self
            .conn
            .prepare("SELECT part, body FROM protected_layer ORDER BY part")
            .map_err(self.sql())?;
        let rows = statement
            .query_map([], |row| {
                Ok((row.get::<_, i64>(0)? as usize, row.get::<_, Vec<u8>>(1)?))
            })
            .map_err(self.sql())?;
        let mut json = zeroize::Zeroizing::new(Vec::new());
        let mut seen = 0usize;
        let broken = |message: String| DerivedError::UnsealLayer {
            path: self.path.clone(),
            message,
        };
        for row in rows {
            let (part, body) = row.map_err(self.sql())?;
            if part != seen {
                return Err(broken(format!("part {seen} of {parts} is missing")));
            }
            let plain = key
                .open(&part_place(through, part, parts), &body)
                .ok_or_else(|| broken(format!("part {part} of {parts} does not open")))?;
            json.extend_from_slice(&plain);
            seen += 1;
        }
        if seen != parts {
            return Err(broken(format!("{seen} of its {parts} parts are stored")));
        }
        let layer: ProtectedLayer =
            serde_json::from_slice(&json).map_err(|e| broken(format!("it does not parse: {e}")))?;
        if layer.through != through {
            return Err(broken(format!(
                "it says it was resolved through {}, its description {through}",
                layer.through
            )));
        }
        Ok(Some(layer))
    }

    /// Lays `layer` over the plain entities and records for every later
    /// read of this store (in memory only: nothing is written).
    pub fn install_protected_layer(&mut self, mut layer: ProtectedLayer) {
        let mut overlay = Overlay::default();
        for entity in std::mem::take(&mut layer.entities) {
            overlay.entities.insert(entity.summary.id.clone(), entity);
        }
        overlay.removed_entities = std::mem::take(&mut layer.removed_entities)
            .into_iter()
            .collect();
        for (entity, source, document) in std::mem::take(&mut layer.entity_documents) {
            overlay
                .entity_documents
                .entry(source)
                .or_default()
                .entry(document)
                .or_default()
                .push(entity);
        }
        for record in std::mem::take(&mut layer.records) {
            overlay.records.insert(record.summary.id.clone(), record);
        }
        overlay.removed = std::mem::take(&mut layer.removed_records)
            .into_iter()
            .collect();
        self.layering.overlay = Some(overlay);
        self.layering.on.set(true);
    }

    /// Whether the installed layer has entity `id` (new, changed or
    /// removed): curation of it touches protected material.
    pub fn layer_has_entity(&self, id: &str) -> bool {
        self.layering
            .overlay
            .as_ref()
            .is_some_and(|o| o.entities.contains_key(id) || o.removed_entities.contains(id))
    }

    /// Whether the installed layer has record `id` (new, changed or
    /// removed): curation of it touches protected material.
    pub fn layer_has_record(&self, id: &str) -> bool {
        self.layering
            .overlay
            .as_ref()
            .is_some_and(|o| o.records.contains_key(id) || o.removed.contains(id))
    }

    /// Has every protected document this store opens passed through
    /// `filter` (by source and ordinal) before it is handed out: the case
    /// service masks names and identifying details so.
    pub fn filter_protected_documents(
        &mut self,
        filter: impl Fn(u64, u64, &mut Document) + Send + 'static,
    ) {
        self.layering.filter = Some(Box::new(filter));
    }

    /// A protected document of source `log_index` as handed out.
    pub(crate) fn filtered(&self, log_index: u64, ordinal: u64, document: &mut Document) {
        if let Some(filter) = &self.layering.filter {
            filter(log_index, ordinal, document);
        }
    }

    /// Whether a protected layer is installed.
    pub fn has_protected_layer(&self) -> bool {
        self.layering.overlay.is_some()
    }

    /// Runs `read` with the installed layer set aside: what a locked
    /// member would read (the public report reads so).
    pub fn open_layer_only<R>(&self, read: impl FnOnce(&Store) -> R) -> R {
        struct Restore<'a>(&'a Cell<bool>, bool);
        impl Drop for Restore<'_> {
            fn drop(&mut self) {
                self.0.set(self.1);
            }
        }
        let _restore = Restore(&self.layering.on, self.layering.on.replace(false));
        read(self)
    }

    /// The plain rows' entity list laid over: entities of the layer
    /// replace those of the same id, and new ones join.
    pub(crate) fn layer_entities(
        &self,
        plain: Vec<EntitySummary>,
        kind: Option<&str>,
    ) -> Vec<EntitySummary> {
        let Some(overlay) = self.overlay() else {
            return plain;
        };
        let mut out: Vec<EntitySummary> = plain
            .into_iter()
            .filter(|e| {
                !overlay.entities.contains_key(&e.id) && !overlay.removed_entities.contains(&e.id)
            })
            .collect();
        out.extend(
            overlay
                .entities
                .values()
                .filter(|e| kind.is_none_or(|k| e.summary.kind == k))
                .map(|e| e.summary.clone()),
        );
        out.sort_by(|a, b| b.mentions.cmp(&a.mentions).then(a.number.cmp(&b.number)));
        out
    }

    /// The plain rows' records laid over, in id order.
    pub(crate) fn layer_records(
        &self,
        plain: Vec<RecordSummary>,
        kind: Option<&str>,
        status: Option<&str>,
    ) -> Vec<RecordSummary> {
        let Some(overlay) = self.overlay() else {
            return plain;
        };
        let mut out: Vec<RecordSummary> = plain
            .into_iter()
            .filter(|r| !overlay.records.contains_key(&r.id) && !overlay.removed.contains(&r.id))
            .collect();
        out.extend(
            overlay
                .records
                .values()
                .filter(|r| kind.is_none_or(|k| r.summary.kind == k))
                .filter(|r| status.is_none_or(|s| r.summary.status == s))
                .map(|r| r.summary.clone()),
        );
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out
    }

    /// What the layer says of row `id` of `table`: `Some(Some(body))` when
    /// it has it, `Some(None)` when it removes it, `None` when the plain
    /// row stands.
    pub(crate) fn layer_body(&self, table: &str, id: &str) -> Option<Option<&str>> {
        let overlay = self.overlay()?;
        match table {
            "entities" if overlay.removed_entities.contains(id) => Some(None),
            "entities" => overlay.entities.get(id).map(|e| Some(e.body.as_str())),
            _ if overlay.removed.contains(id) => Some(None),
            _ => overlay.records.get(id).map(|r| Some(r.body.as_str())),
        }
    }

    /// Whether the plain record `id` is replaced or removed by the layer.
    pub(crate) fn layer_hides_record(&self, id: &str) -> bool {
        self.overlay()
            .is_some_and(|o| o.records.contains_key(id) || o.removed.contains(id))
    }

    /// The layer's records' bodies, for [`Store::records`].
    pub(crate) fn layer_record_bodies(&self) -> Vec<(&str, &str)> {
        self.overlay()
            .map(|o| {
                o.records
                    .values()
                    .map(|r| (r.summary.id.as_str(), r.body.as_str()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The layer's links to `target`, with the linking records.
    pub(crate) fn layer_links_to(&self, target: &str) -> Vec<RecordLink> {
        let Some(overlay) = self.overlay() else {
            return Vec::new();
        };
        overlay
            .records
            .values()
            .flat_map(|r| {
                r.links
                    .iter()
                    .filter(|(_, t)| t == target)
                    .map(|(role, _)| RecordLink {
                        role: role.clone(),
                        from: r.summary.clone(),
                    })
            })
            .collect()
    }

    /// The layer's entities of the documents of `source`.
    pub(crate) fn layer_entities_in(&self, source: u64, found: &mut BTreeMap<u64, Vec<String>>) {
        let Some(overlay) = self.overlay() else {
            return;
        };
        // The layer's entities' documents replace their plain rows.
        for list in found.values_mut() {
            list.retain(|e| {
                !overlay.entities.contains_key(e) && !overlay.removed_entities.contains(e)
            });
        }
        if let Some(documents) = overlay.entity_documents.get(&source) {
            for (document, entities) in documents {
                let list = found.entry(*document).or_default();
                list.extend(entities.iter().cloned());
                list.sort();
                list.dedup();
            }
        }
        found.retain(|_, list| !list.is_empty());
    }
}

impl Writer<'_> {
    /// Stores `layer` sealed in place of the stored one.
    pub fn put_protected_layer(&mut self, layer: &ProtectedLayer) -> Result<(), DerivedError> {
        let key = self.store.key()?;
        let json = zeroize::Zeroizing::new(
            serde_json::to_vec(layer).map_err(|e| DerivedError::Encode(e.to_string()))?,
        );
        let parts = json.len().div_ceil(PART_BYTES).max(1);
        let mut sealed = Vec::with_capacity(parts);
        for part in 0..parts {
            let piece = json
                .get(part * PART_BYTES..((part + 1) * PART_BYTES).min(json.len()))
                .unwrap_or_default();
            sealed.push(key.seal(&part_place(layer.through, part, parts), piece)?);
        }
        self.clear_protected_layer()?;
        let conn = &self.store.conn;
        let sql = |source| DerivedError::Sqlite {
            path: self.store.path.clone(),
            source,
        };
        let mut insert = conn
            .prepare_cached("INSERT INTO protected_layer (part, body) VALUES (?1, ?2)")
            .map_err(sql)?;
        for (part, body) in sealed.iter().enumerate() {
            insert.execute(params![part as i64, body]).map_err(sql)?;
        }
        conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('protected_layer', ?1)",
            [format!("{} {parts}", layer.through)],
        )
        .map_err(sql)?;
        Ok(())
    }

    /// Removes the stored protected layer (no key is needed): entities
    /// resolved without the protected sources make it stale.
    pub fn clear_protected_layer(&mut self) -> Result<(), DerivedError> {
        self.store
            .conn
            .execute_batch(
                "DELETE FROM protected_layer; DELETE FROM meta WHERE key = 'protected_layer';",
            )
            .map_err(|source| DerivedError::Sqlite {
                path: self.store.path.clone(),
                source,
            })
    }
}
