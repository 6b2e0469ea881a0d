//! Read-only views of a case: every query the front ends make.

use std::collections::BTreeMap;
use std::sync::Arc;

use casefile_derived::{EntitySummary, Reading, RecordLink, RecordSummary, Store, Totals};
use casefile_document::Document;
use casefile_index::{SearchIndex, SearchQuery, SearchResults};
use casefile_records::Record;
use casefile_records::action::Citation;
use casefile_records::duplicates::Duplicate;
use casefile_resolve::names::NameKind;
use serde::Serialize;

use crate::entities::{Explained, ShownEntity};
use crate::error::Error;
use crate::resolve::{StoredEntity, StoredMention};

/// What is derived from a case, as it stood when the snapshot was taken:
/// every read sees that one state, whatever a writer does meanwhile, and
/// nothing here writes. Taking one opens the derived store anew (a
/// database connection), so it is cheap; each thread takes its own.
pub struct Snapshot {
    vault: Arc<casefile_vault::Case>,
    store: Store,
    /// The witnesses, when the protected layer is installed.
    register: Option<crate::witness::Register>,
    /// The protected sources' search index, made in memory by the first
    /// search that needs it and kept for the snapshot's life.
    protected_index: std::cell::OnceCell<SearchIndex>,
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshot")
            .field("root", &self.vault.root())
            .finish_non_exhaustive()
    }
}

/// A record with the records that link it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShownRecord {
    /// The record, the records merged into it folded in.
    pub record: Record,
    /// The records linking it (role `merged`: merged into it).
    pub linked_from: Vec<RecordLink>,
}

/// Records that may tell the same thing, with the labels of the records
/// named.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Duplicates {
    /// The pairs, the record to keep first.
    pub found: Vec<Duplicate>,
    /// The label of every record a pair names.
    pub labels: BTreeMap<String, String>,
}

/// One action logged, and the record as it is after it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionOutcome {
    /// The log entry that records it.
    pub entry: u64,
    /// What was done (confirm, edit, merge...).
    pub action: String,
    /// The record acted on (`H` and the entry for a record made by hand).
    pub id: String,
    /// The other record of a merge or split.
    pub from: Option<String>,
    /// The record now, when it exists.
    pub record: Option<Record>,
}

impl Snapshot {
    pub(crate) fn open(
        vault: Arc<casefile_vault::Case>,
        sealing_key: Option<&[u8; 32]>,
        names: bool,
    ) -> Result<Snapshot, Error> {
        let mut store = Store::open_reader(vault.data_dir())?;
        let mut register = None;
        if let Some(key) = sealing_key {
            store.provide_sealing_key(key);
            // The protected layer, when it is up to the entities: a locked
            // member's resolution since left it stale until the next
            // unlocked sync.
            let through = store.protected_layer_through()?;
            if through.is_some()
                && through == store.entities_through()?
                && let Some(mut layer) = store.read_protected_layer()?
            {
                // Witnesses are shown by their pseudonyms, their names and
                // the masked spans barred, unless names were asked for and
                // the witness consented to internal analysis by name.
                if let Some((read, redacting)) = crate::witness::Redactor::of_layer(&layer, names)?
                {
                    if !redacting.is_empty() {
                        redacting.layer(&mut layer)?;
                        store.filter_protected_documents(move |source, ordinal, document| {
                            redacting.document(source, ordinal, document)
                        });
                    }
                    register = Some(read);
                }
                store.install_protected_layer(layer);
            }
        }
        Ok(Snapshot {
            vault,
            store,
            register,
            protected_index: std::cell::OnceCell::new(),
        })
    }

    /// The witnesses of the case, with their consent and the confirmed
    /// masks, when the protected layer is installed (unlocked, with
    /// protected sources).
    pub fn register(&self) -> Option<&crate::witness::Register> {
        self.register.as_ref()
    }

    /// The derived store, as this snapshot reads it.
    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    /// Whether entity `id` (stored id, without `E`) is one the protected
    /// layer adds, changes or removes: what is done to it is about
    /// protected material, and is logged sealed.
    pub fn in_protected_layer(&self, id: &str) -> bool {
        self.store.layer_has_entity(id)
    }

    /// Whether record `id` is one the protected layer adds, changes or
    /// removes: only a member cleared for protected material may see it or
    /// act on it.
    pub fn record_in_protected_layer(&self, id: &str) -> bool {
        self.store.layer_has_record(id)
    }

    /// The log's size the entities and records are resolved through
    /// (`None`: never resolved).
    pub fn resolved_through(&self) -> Result<Option<u64>, Error> {
        Ok(self.store.entities_through()?)
    }

    /// The derived store's generation: it moves on with every write to
    /// the store, so two snapshots of one generation read the same
    /// derived case (the log entries they read besides are those of the
    /// sources the store holds, which never change). What is made from
    /// the derived case alone, as the report is, holds for both.
    pub fn generation(&self) -> Result<u64, Error> {
        Ok(self.store.generation()?)
    }

    /// What the derived store holds.
    pub fn totals(&self) -> Result<Totals, Error> {
        Ok(self.store.totals()?)
    }

    /// How source `log_index` was read, if it was.
    pub fn reading(&self, log_index: u64) -> Result<Option<Reading>, Error> {
        Ok(self.store.reading(log_index)?)
    }

    /// Calls `visit` with each document of source `log_index`, in order,
    /// with its extraction as JSON when it has one. A protected source's
    /// documents are opened from their sealed store for the caller.
    pub fn documents(
        &self,
        log_index: u64,
        visit: &mut dyn FnMut(Document, Option<serde_json::Value>),
    ) -> Result<u64, Error> {
        let mut extractions = BTreeMap::new();
        self.store
            .unseal_extractions(log_index, |ordinal, extraction: serde_json::Value| {
                extractions.insert(ordinal, extraction);
            })?;
        let mut ordinal = 0u64;
        Ok(self.store.unseal_documents(log_index, |document| {
            let extraction = extractions.remove(&ordinal);
            ordinal += 1;
            visit(document, extraction);
        })?)
    }

    /// The entities each document of source `log_index` mentions (ids,
    /// without `E`), by document ordinal.
    pub fn entities_in(&self, log_index: u64) -> Result<BTreeMap<u64, Vec<String>>, Error> {
        Ok(self.store.entities_in(log_index)?)
    }

    /// The people, organizations and places, those with the most mentions
    /// first; of `kind` only when given.
    pub fn entity_list(&self, kind: Option<&str>) -> Result<Vec<EntitySummary>, Error> {
        Ok(self.store.entity_list(kind)?)
    }

    /// One entity (`E3.0.1`, `e3.0.1` or `3.0.1`) with the records that
    /// link it.
    pub fn entity(&self, id: &str) -> Result<ShownEntity, Error> {
        let entity = self.entity_raw(id)?;
        let linked_from = self.store.links_to(&format!("E{}", entity.id))?;
        Ok(ShownEntity {
            entity,
            linked_from,
        })
    }

    pub(crate) fn entity_raw(&self, id: &str) -> Result<StoredEntity, Error> {
        crate::entities::load(&self.store, id)
    }

    /// The name of entity `id` (stored id, without `E`), if it exists.
    pub fn entity_name(&self, id: &str) -> Result<Option<String>, Error> {
        Ok(self.store.entity::<StoredEntity>(id)?.map(|e| e.name))
    }

    pub(crate) fn entity_holding(&self, mention: &StoredMention) -> Result<Option<String>, Error> {
        crate::entities::entity_of(&self.store, mention)
    }

    /// Whether two names (or the names of two entities, given as ids) name
    /// the same, with the score and every reason. `kind` is what plain
    /// names name (default: person).
    pub fn explain(&self, left: &str, right: &str, kind: Option<&str>) -> Result<Explained, Error> {
        if crate::is_entity_ref(left) || crate::is_entity_ref(right) {
            let l = self.entity_raw(left)?;
            let r = self.entity_raw(right)?;
            if l.kind != r.kind {
                return Err(Error::conflict(format!(
                    "E{} is a {} and E{} a {}: only names of one kind compare",
                    l.id, l.kind, r.id, r.kind
                )));
            }
            let kind = crate::entities::kind_of(&l.kind);
            return Ok(crate::entities::explain_names(&l.name, &r.name, kind));
        }
        let kind = kind.map_or(NameKind::Person, crate::entities::kind_of);
        Ok(crate::entities::explain_names(left, right, kind))
    }

    /// The records of `kind` and `status` (all when not given), ids with
    /// numbers in numeric order (C3.0.2 before C3.0.10).
    pub fn record_list(
        &self,
        kind: Option<&str>,
        status: Option<&str>,
    ) -> Result<Vec<RecordSummary>, Error> {
        let mut list = self.store.record_list(kind, status)?;
        list.sort_by_cached_key(|r| crate::records::natural(&r.id));
        Ok(list)
    }

    /// One record (merges folded) with the records that link it.
    pub fn record(&self, id: &str) -> Result<ShownRecord, Error> {
        let id = crate::records::record_id(id);
        let record = self.record_folded(&id)?.ok_or_else(|| {
            Error::not_found(format!(
                "the case has no record {id} (see `casefile record list`)"
            ))
        })?;
        Ok(ShownRecord {
            record,
            linked_from: self.store.links_to(&id)?,
        })
    }

    /// One record (merges folded), without the records that link it:
    /// for a page that lists many records.
    pub fn record_only(&self, id: &str) -> Result<Option<Record>, Error> {
        self.record_folded(&crate::records::record_id(id))
    }

    pub(crate) fn record_folded(&self, id: &str) -> Result<Option<Record>, Error> {
        crate::records::folded_record(&self.store, id)
    }

    /// Records that may tell the same thing, to merge.
    pub fn duplicates(&self) -> Result<Duplicates, Error> {
        let records = crate::records::load_all(&self.store)?;
        let found =
            casefile_records::duplicates::duplicates(&records, &casefile_dates::edtf::day_span);
        let mut labels = BTreeMap::new();
        for d in &found {
            for id in [&d.kept, &d.other] {
                if let Some(r) = records.get(id) {
                    labels.insert(id.clone(), r.label.clone());
                }
            }
        }
        Ok(Duplicates { found, labels })
    }

    /// A span of a document as evidence for a record: checked against the
    /// stored document, its words quoted (a protected source's words are
    /// not copied into the log). `start` and `end` count characters of the
    /// document's text.
    pub fn citation(
        &self,
        source: u64,
        document: u64,
        start: usize,
        end: usize,
    ) -> Result<Citation, Error> {
        if end < start {
            return Err(Error::invalid("the span ends before it starts"));
        }
        let reading = self
            .store
            .reading(source)?
            .ok_or_else(|| Error::not_found(format!("the case has no read source #{source}")))?;
        let mut docs: Vec<Document> = Vec::new();
        // Opened to check the span; a protected source's words are not
        // quoted below.
        self.store.unseal_documents(source, |d| docs.push(d))?;
        let doc = docs.get(document as usize).ok_or_else(|| {
            Error::not_found(format!(
                "source #{source} has {} document(s), no document {document}",
                docs.len()
            ))
        })?;
        let length = doc.text.chars().count();
        if end > length {
            return Err(Error::invalid(format!(
                "document {source}.{document} has {length} characters"
            )));
        }
        let quote = if reading.protected {
            String::new()
        } else {
            casefile_records::propose::chars(&doc.text, start, end)
        };
        Ok(Citation {
            source,
            document,
            field: "text".to_owned(),
            start,
            end,
            quote,
        })
    }

    /// Searches the documents, entities and records; those of protected
    /// sources too when their protected layer is installed (unlocked),
    /// through an index made in memory for the search.
    pub fn search(&self, query: &SearchQuery) -> Result<SearchResults, Error> {
        let derived = self.vault.data_dir().join(casefile_derived::DERIVED_DIR);
        let index = SearchIndex::open_existing(&derived)?;
        if !self.store.has_protected_layer() {
            return match index {
                Some(index) => Ok(index.search(query)?),
                None => Ok(SearchResults::default()),
            };
        }
        let protected = match self.protected_index.get() {
            Some(index) => index,
            None => {
                let made = crate::search::protected_index(&self.vault, &self.store)?;
                self.protected_index.get_or_init(|| made)
            }
        };
        let found = protected.search(query)?;
        // More of the plain hits, for those the layer stands for.
        let wider = SearchQuery {
            limit: query.limit.saturating_mul(2).max(query.limit + 50),
            ..query.clone()
        };
        let plain = match index {
            Some(index) => index.search(&wider)?,
            None => SearchResults::default(),
        };
        let store = &self.store;
        Ok(
            plain.merge(found, query.limit, |hit| match hit.kind.as_str() {
                "entity" => hit
                    .entity
                    .as_deref()
                    .is_some_and(|id| store.layer_has_entity(id)),
                "record" => hit
                    .record
                    .as_deref()
                    .is_some_and(|id| store.layer_has_record(id)),
                _ => false,
            }),
        )
    }

    /// The report as of `as_of`: protected sources only with
    /// `include_protected` (it then quotes them, for internal analysis:
    /// the accounts of a witness who has not consented to that, or
    /// withdrew, are left out and listed with why).
    pub fn report(
        &self,
        as_of: jiff::civil::Date,
        include_protected: bool,
    ) -> Result<casefile_report::Report, Error> {
        if include_protected {
            let withheld = self.withheld_for(&crate::witness::Use::Internal);
            crate::report::build(&self.vault, &self.store, as_of, true, &withheld)
        } else {
            // What the open sources alone say, as a locked member reads it.
            self.store.open_layer_only(|open| {
                crate::report::build(&self.vault, open, as_of, false, &BTreeMap::new())
            })
        }
    }

    /// The protected sources an output for `what` must leave out, with
    /// why: those of a witness whose consent refuses it. Anonymous consent
    /// allows them (every output is redacted unless names are allowed).
    pub fn withheld_for(&self, what: &crate::witness::Use) -> BTreeMap<u64, String> {
        let mut out = BTreeMap::new();
        for witness in self.register.iter().flat_map(|r| &r.witnesses) {
            if let crate::witness::Allowed::Refused { why } = witness.allows(what) {
                for source in &witness.sources {
                    out.entry(*source).or_insert_with(|| why.clone());
                }
            }
        }
        out
    }
}
