//! casefile's search index (tantivy), in `.casefile/derived/index/`:
//! the documents of a case's unsealed sources and its entities, searchable
//! in English, Russian and Ukrainian and across scripts, with facets.
//!
//! Each document's text goes into the field of its language, analyzed with
//! that language's Snowball stemmer (`text_en`, `text_ru`, `text_uk`; other
//! languages into `text_other`, unstemmed). Every word also goes into
//! `latin` as its cross-script key ([`casefile_resolve::names::search_key`]):
//! "Каскад", "Каскада" and "Cascade" are one word there. A query runs on
//! the language fields, and on `latin` too unless cross-script matching is
//! switched off. Facets (source kind, language, claim kind, entity) are
//! counted over all the hits; a date range filters on the publication date
//! (else the capture date).
//!
//! Like everything derived, the index can be deleted and made again; it
//! records in its commit payload how far into the log it has indexed.

use std::ops::Bound;
use std::path::{Path, PathBuf};

use serde::Serialize;
use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, QueryParser, RangeQuery, TermQuery};
use tantivy::schema::{
    FAST, Facet, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions, Value as _,
};
use tantivy::tokenizer::{
    LowerCaser, SimpleTokenizer, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

/// The folder of the index, under `.casefile/derived/`.
pub const INDEX_DIR: &str = "index";

/// The version of the index's schema; an index of another version is made
/// again.
pub const INDEX_VERSION: u32 = 1;

/// Errors of the search index.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IndexError {
    /// tantivy failed on the index at `path`.
    #[error("{path}: search index: {source}")]
    Tantivy {
        /// The index folder.
        path: PathBuf,
        /// What failed.
        source: tantivy::TantivyError,
    },
    /// The index folder could not be made or cleared.
    #[error("{path}: {source}")]
    Io {
        /// The folder.
        path: PathBuf,
        /// What failed.
        source: std::io::Error,
    },
    /// The query could not be read.
    #[error("cannot read the query {query:?}: {message}")]
    Query {
        /// The query as given.
        query: String,
        /// What is wrong with it.
        message: String,
    },
}

/// One document to index.
#[derive(Debug, Clone, Default)]
pub struct IndexDocument {
    /// The source's log index.
    pub source: u64,
    /// The document's ordinal in the source.
    pub document: u64,
    /// The source's kind (`news`, `post`...).
    pub source_kind: String,
    /// The document's language code, if known.
    pub language: Option<String>,
    /// Its title.
    pub title: Option<String>,
    /// Its text, part by part, with each part's language code.
    pub parts: Vec<(Option<String>, String)>,
    /// When it was published, else captured, as seconds since 1970.
    pub date: Option<i64>,
    /// The ids of the entities it mentions.
    pub entities: Vec<String>,
    /// The kinds of the claims it proposes.
    pub claims: Vec<String>,
}

/// One entity to index.
#[derive(Debug, Clone, Default)]
pub struct IndexEntity {
    /// Its id (`3.0.1`).
    pub id: String,
    /// person, organization or place.
    pub kind: String,
    /// Its fullest name.
    pub name: String,
    /// Every name it was given.
    pub names: Vec<String>,
}

/// One record of the case model to index.
#[derive(Debug, Clone, Default)]
pub struct IndexRecord {
    /// Its id (`V3.0.14`, `H41`).
    pub id: String,
    /// Its kind (`violation`, `relation`...).
    pub kind: String,
    /// Its kind within its kind, if any.
    pub subtype: Option<String>,
    /// proposed, confirmed, rejected, disputed.
    pub status: String,
    /// Its label.
    pub label: String,
    /// Its words: values and the quotes of its evidence.
    pub text: Vec<String>,
}

/// What to search for.
#[derive(Debug, Clone)]
pub struct SearchQuery {
    /// The words; all must match (tantivy's query syntax: "quoted phrases",
    /// -excluded, OR).
    pub text: String,
    /// Match words across scripts (Каскад finds Cascade).
    pub cross_script: bool,
    /// Only sources of this kind.
    pub source_kind: Option<String>,
    /// Only documents in this language.
    pub language: Option<String>,
    /// Only documents mentioning this entity (its id).
    pub entity: Option<String>,
    /// Only documents proposing a claim of this kind (or claim records
    /// of it).
    pub claim: Option<String>,
    /// Only records of this status.
    pub status: Option<String>,
    /// Only documents dated from this time on (seconds since 1970).
    pub from: Option<i64>,
    /// Only documents dated before this time.
    pub until: Option<i64>,
    /// Documents, entities or both.
    pub what: What,
    /// How many hits to return.
    pub limit: usize,
}

impl Default for SearchQuery {
    fn default() -> Self {
        SearchQuery {
            text: String::new(),
            cross_script: true,
            source_kind: None,
            language: None,
            entity: None,
            claim: None,
            status: None,
            from: None,
            until: None,
            what: What::Both,
            limit: 20,
        }
    }
}

/// Which records a search returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    /// Documents only.
    Documents,
    /// Entities only.
    Entities,
    /// Records only.
    Records,
    /// Documents and entities (records only when asked for).
    Both,
}

/// One hit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// How well it matches.
    pub score: f32,
    /// `document`, `entity` or `record`.
    pub kind: String,
    /// A document's source (log index).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<u64>,
    /// A document's ordinal in its source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<u64>,
    /// An entity's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
    /// A record's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
    /// A document's title, or an entity's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The start of a document's text, or an entity's kind.
    pub preview: String,
}

/// What a search found.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SearchResults {
    /// How many records match in all.
    pub total: usize,
    /// The best of them.
    pub hits: Vec<Hit>,
    /// Counts of the matching documents by source kind, language, claim
    /// kind and entity, largest first.
    pub facets: Facets,
    /// How the words were read when they were not a valid query (an
    /// unclosed quote, a stray bracket): what was wrong; the parts that
    /// could be read were searched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
}

/// How many entities the entity facet lists.
const ENTITY_FACETS: usize = 20;

impl SearchResults {
    /// These results and `other`'s (from another index, searched with the
    /// same query) as one: hits best first, `limit` at most, totals and
    /// facet counts added up. `drop` leaves out hits of these results
    /// that `other` stands for.
    pub fn merge(
        mut self,
        other: SearchResults,
        limit: usize,
        drop: impl Fn(&Hit) -> bool,
    ) -> Self {
        let before = self.hits.len();
        self.hits.retain(|hit| !drop(hit));
        let dropped = before - self.hits.len();
        self.total = self.total.saturating_sub(dropped) + other.total;
        self.hits.extend(other.hits);
        self.hits
            .sort_by(|a, b| b.score.total_cmp(&a.score).then(a.kind.cmp(&b.kind)));
        self.hits.truncate(limit);
        let add = |mine: &mut Vec<(String, u64)>, theirs: Vec<(String, u64)>, keep: usize| {
            for (key, count) in theirs {
                match mine.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, c)) => *c += count,
                    None => mine.push((key, count)),
                }
            }
            mine.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            mine.truncate(keep);
        };
        let f = other.facets;
        add(&mut self.facets.source_kind, f.source_kind, usize::MAX);
        add(&mut self.facets.language, f.language, usize::MAX);
        add(&mut self.facets.claim, f.claim, usize::MAX);
        add(&mut self.facets.entity, f.entity, ENTITY_FACETS);
        add(&mut self.facets.status, f.status, usize::MAX);
        self.notice = self.notice.or(other.notice);
        self
    }
}

/// Facet counts.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Facets {
    /// By source kind.
    pub source_kind: Vec<(String, u64)>,
    /// By language.
    pub language: Vec<(String, u64)>,
    /// By claim kind.
    pub claim: Vec<(String, u64)>,
    /// By entity id (the 20 most frequent).
    pub entity: Vec<(String, u64)>,
    /// Records by status.
    pub status: Vec<(String, u64)>,
}

#[derive(Clone, Copy)]
struct Fields {
    record: Field,
    source: Field,
    document: Field,
    entity_id: Field,
    title: Field,
    text_en: Field,
    text_ru: Field,
    text_uk: Field,
    text_other: Field,
    latin: Field,
    preview: Field,
    date: Field,
    facets: Field,
}

/// A Snowball stemmer as a tantivy token filter.
#[derive(Clone)]
struct Snowball(frostem::Algorithm);

impl TokenFilter for Snowball {
    type Tokenizer<T: Tokenizer> = SnowballTokenizer<T>;
    fn transform<T: Tokenizer>(self, inner: T) -> SnowballTokenizer<T> {
        SnowballTokenizer {
            algorithm: self.0,
            inner,
        }
    }
}

#[derive(Clone)]
struct SnowballTokenizer<T> {
    algorithm: frostem::Algorithm,
    inner: T,
}

impl<T: Tokenizer> Tokenizer for SnowballTokenizer<T> {
    type TokenStream<'a> = SnowballStream<T::TokenStream<'a>>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        SnowballStream {
            stemmer: frostem::Stemmer::new(self.algorithm),
            inner: self.inner.token_stream(text),
        }
    }
}

struct SnowballStream<S> {
    stemmer: frostem::Stemmer,
    inner: S,
}

impl<S: TokenStream> TokenStream for SnowballStream<S> {
    fn advance(&mut self) -> bool {
        if !self.inner.advance() {
            return false;
        }
        let token = self.inner.token_mut();
        let stemmed = self.stemmer.stem(&token.text).into_owned();
        token.text = stemmed;
        true
    }
    fn token(&self) -> &Token {
        self.inner.token()
    }
    fn token_mut(&mut self) -> &mut Token {
        self.inner.token_mut()
    }
}

/// The cross-script key of every word, as a tantivy token filter.
#[derive(Clone)]
struct CrossScript;

impl TokenFilter for CrossScript {
    type Tokenizer<T: Tokenizer> = CrossScriptTokenizer<T>;
    fn transform<T: Tokenizer>(self, inner: T) -> CrossScriptTokenizer<T> {
        CrossScriptTokenizer(inner)
    }
}

#[derive(Clone)]
struct CrossScriptTokenizer<T>(T);

impl<T: Tokenizer> Tokenizer for CrossScriptTokenizer<T> {
    type TokenStream<'a> = CrossScriptStream<T::TokenStream<'a>>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CrossScriptStream(self.0.token_stream(text))
    }
}

struct CrossScriptStream<S>(S);

impl<S: TokenStream> TokenStream for CrossScriptStream<S> {
    fn advance(&mut self) -> bool {
        if !self.0.advance() {
            return false;
        }
        let token = self.0.token_mut();
        let key = casefile_resolve::names::search_key(&token.text);
        if !key.is_empty() {
            token.text = key;
        }
        true
    }
    fn token(&self) -> &Token {
        self.0.token()
    }
    fn token_mut(&mut self) -> &mut Token {
        self.0.token_mut()
    }
}

fn text_field(analyzer: &str, stored: bool) -> TextOptions {
    let options = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyzer)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    if stored {
        options.set_stored()
    } else {
        options
    }
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let fields = Fields {
        record: builder.add_text_field("record", STRING | STORED),
        source: builder.add_u64_field("source", INDEXED | STORED | FAST),
        document: builder.add_u64_field("document", STORED),
        entity_id: builder.add_text_field("entity_id", STRING | STORED),
        title: builder.add_text_field("title", text_field("casefile_plain", true)),
        text_en: builder.add_text_field("text_en", text_field("casefile_en", false)),
        text_ru: builder.add_text_field("text_ru", text_field("casefile_ru", false)),
        text_uk: builder.add_text_field("text_uk", text_field("casefile_uk", false)),
        text_other: builder.add_text_field("text_other", text_field("casefile_plain", false)),
        latin: builder.add_text_field("latin", text_field("casefile_latin", false)),
        preview: builder.add_text_field("preview", STORED),
        date: builder.add_i64_field("date", INDEXED | FAST),
        facets: builder.add_facet_field("facets", FacetOptions::default()),
    };
    (builder.build(), fields)
}

fn register_analyzers(index: &Index) {
    let manager = index.tokenizers();
    let base = || {
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .dynamic()
    };
    manager.register("casefile_plain", base().build());
    for (name, algorithm) in [
        ("casefile_en", frostem::Algorithm::English),
        ("casefile_ru", frostem::Algorithm::Russian),
        ("casefile_uk", frostem::Algorithm::Ukrainian),
    ] {
        manager.register(name, base().filter_dynamic(Snowball(algorithm)).build());
    }
    manager.register("casefile_latin", base().filter_dynamic(CrossScript).build());
}

/// The search index of one case.
pub struct SearchIndex {
    path: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: Fields,
    /// Held in memory only: written by one thread with a small budget.
    in_memory: bool,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// Adds and replaces records; nothing is visible until [`IndexUpdate::commit`].
pub struct IndexUpdate<'a> {
    index: &'a SearchIndex,
    writer: IndexWriter,
}

fn facet(parts: &[&str]) -> Facet {
    Facet::from_path(parts.iter().copied())
}

fn sorted(counts: Vec<(&Facet, u64)>, limit: usize) -> Vec<(String, u64)> {
    let mut out: Vec<(String, u64)> = counts
        .into_iter()
        .filter_map(|(facet, count)| {
            facet
                .to_path()
                .last()
                .map(|last| ((*last).to_owned(), count))
        })
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out.truncate(limit);
    out
}

impl SearchIndex {
    /// Opens the index in `derived_dir/index`, making it when it is missing
    /// or of another version (empty then: [`SearchIndex::indexed_through`]
    /// says `None`).
    pub fn open(derived_dir: &Path) -> Result<Self, IndexError> {
        let path = derived_dir.join(INDEX_DIR);
        let version_file = path.join("casefile-index-version");
        let current = std::fs::read_to_string(&version_file)
            .ok()
            .and_then(|v| v.trim().parse::<u32>().ok());
        if current != Some(INDEX_VERSION) && path.exists() {
            std::fs::remove_dir_all(&path).map_err(|source| IndexError::Io {
                path: path.clone(),
                source,
            })?;
        }
        std::fs::create_dir_all(&path).map_err(|source| IndexError::Io {
            path: path.clone(),
            source,
        })?;
        let tantivy = |source| IndexError::Tantivy {
            path: path.clone(),
            source,
        };
        let (schema, fields) = schema();
        let directory = tantivy::directory::MmapDirectory::open(&path)
            .map_err(|e| tantivy(tantivy::TantivyError::from(e)))?;
        let index = Index::open_or_create(directory, schema).map_err(tantivy)?;
        if current != Some(INDEX_VERSION) {
            std::fs::write(&version_file, format!("{INDEX_VERSION}\n")).map_err(|source| {
                IndexError::Io {
                    path: version_file.clone(),
                    source,
                }
            })?;
        }
        register_analyzers(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(tantivy)?;
        Ok(SearchIndex {
            path,
            index,
            reader,
            fields,
            in_memory: false,
        })
    }

    /// Opens the index in `derived_dir/index` for searching only: nothing
    /// is made, cleared or locked. `None` when there is no index of this
    /// version yet (nothing is indexed).
    pub fn open_existing(derived_dir: &Path) -> Result<Option<Self>, IndexError> {
        let path = derived_dir.join(INDEX_DIR);
        let current = std::fs::read_to_string(path.join("casefile-index-version"))
            .ok()
            .and_then(|v| v.trim().parse::<u32>().ok());
        if current != Some(INDEX_VERSION) {
            return Ok(None);
        }
        let tantivy = |source| IndexError::Tantivy {
            path: path.clone(),
            source,
        };
        let directory = tantivy::directory::MmapDirectory::open(&path)
            .map_err(|e| tantivy(tantivy::TantivyError::from(e)))?;
        if !Index::exists(&directory).map_err(|e| tantivy(tantivy::TantivyError::from(e)))? {
            return Ok(None);
        }
        let index = Index::open(directory).map_err(tantivy)?;
        let (_, fields) = schema();
        register_analyzers(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(tantivy)?;
        Ok(Some(SearchIndex {
            path,
            index,
            reader,
            fields,
            in_memory: false,
        }))
    }

    /// An index held in memory only, never written to disk: for what may
    /// not be indexed in plain text (the protected sources of an unlocked
    /// case), made for a search and dropped after it.
    pub fn in_memory() -> Result<Self, IndexError> {
        let path = PathBuf::from("(in memory)");
        let (schema, fields) = schema();
        let index = Index::create_in_ram(schema);
        register_analyzers(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|source| IndexError::Tantivy {
                path: path.clone(),
                source,
            })?;
        Ok(SearchIndex {
            path,
            index,
            reader,
            fields,
            in_memory: true,
        })
    }

    fn tantivy(&self) -> impl FnOnce(tantivy::TantivyError) -> IndexError + '_ {
        |source| IndexError::Tantivy {
            path: self.path.clone(),
            source,
        }
    }

    /// The tree size the index covers: every read source below it is in it.
    pub fn indexed_through(&self) -> Result<Option<u64>, IndexError> {
        let metas = self.index.load_metas().map_err(self.tantivy())?;
        Ok(metas.payload.and_then(|p| p.parse().ok()))
    }

    /// Starts an update (one writer at a time).
    ///
    /// Files an earlier update wrote but never committed (its process was
    /// killed) are deleted first: the index lists every file it writes
    /// before writing it, and a commit names the ones in use, so those
    /// are the listed files no commit names. Left in place, they stop the
    /// next update that gets to the same name (a segment's deletions are
    /// named by the operation that made them, and the same update run again
    /// makes them again).
    pub fn update(&self) -> Result<IndexUpdate<'_>, IndexError> {
        let writer: IndexWriter = if self.in_memory {
            // What it holds is small (the protected sources), and its
            // memory is on top of the process's.
            self.index
                .writer_with_num_threads(1, 15 << 20)
                .map_err(self.tantivy())?
        } else {
            self.index.writer(64 << 20).map_err(self.tantivy())?
        };
        writer
            .garbage_collect_files()
            .wait()
            .map_err(self.tantivy())?;
        Ok(IndexUpdate {
            index: self,
            writer,
        })
    }

    /// Runs a search.
    pub fn search(&self, query: &SearchQuery) -> Result<SearchResults, IndexError> {
        self.reader.reload().map_err(self.tantivy())?;
        let searcher = self.reader.searcher();
        let f = self.fields;
        let mut text_fields = vec![f.title, f.text_en, f.text_ru, f.text_uk, f.text_other];
        if query.cross_script {
            text_fields.push(f.latin);
        }
        let mut parser = QueryParser::for_index(&self.index, text_fields);
        parser.set_conjunction_by_default();
        // A query that does not parse is read leniently (a person typing
        // an unclosed quote still gets results), with what was wrong said.
        let (parsed, notice) = match parser.parse_query(&query.text) {
            Ok(parsed) => (parsed, None),
            Err(strict) => {
                let (lenient, _) = parser.parse_query_lenient(&query.text);
                (
                    lenient,
                    Some(format!(
                        "{:?} is not a whole query ({strict}): searched for what could be read",
                        query.text
                    )),
                )
            }
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, parsed)];
        let facet_term = |parts: &[&str]| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_facet(f.facets, &facet(parts)),
                IndexRecordOption::Basic,
            ))
        };
        if let Some(kind) = &query.source_kind {
            clauses.push((Occur::Must, facet_term(&["kind", kind])));
        }
        if let Some(language) = &query.language {
            clauses.push((Occur::Must, facet_term(&["language", language])));
        }
        if let Some(entity) = &query.entity {
            clauses.push((Occur::Must, facet_term(&["entity", entity])));
        }
        if let Some(claim) = &query.claim {
            clauses.push((Occur::Must, facet_term(&["claim", claim])));
        }
        if let Some(status) = &query.status {
            clauses.push((Occur::Must, facet_term(&["status", status])));
        }
        if query.from.is_some() || query.until.is_some() {
            let bound = |at: Option<i64>, inclusive: bool| match at {
                Some(at) if inclusive => Bound::Included(Term::from_field_i64(f.date, at)),
                Some(at) => Bound::Excluded(Term::from_field_i64(f.date, at)),
                None => Bound::Unbounded,
            };
            clauses.push((
                Occur::Must,
                Box::new(RangeQuery::new(
                    bound(query.from, true),
                    bound(query.until, false),
                )),
            ));
        }
        match query.what {
            What::Documents => clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.record, "document"),
                    IndexRecordOption::Basic,
                )),
            )),
            What::Entities => clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.record, "entity"),
                    IndexRecordOption::Basic,
                )),
            )),
            What::Records => clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.record, "record"),
                    IndexRecordOption::Basic,
                )),
            )),
            What::Both => clauses.push((
                Occur::MustNot,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.record, "record"),
                    IndexRecordOption::Basic,
                )),
            )),
        }
        let query_all = BooleanQuery::new(clauses);
        let mut facets = FacetCollector::for_field("facets");
        for root in ["/kind", "/language", "/claim", "/entity", "/status"] {
            facets.add_facet(root);
        }
        let (top, total, counts) = searcher
            .search(
                &query_all,
                &(
                    TopDocs::with_limit(query.limit.max(1)).order_by_score(),
                    Count,
                    facets,
                ),
            )
            .map_err(self.tantivy())?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top.into_iter().take(query.limit) {
            let doc: TantivyDocument = searcher.doc(address).map_err(self.tantivy())?;
            let text = |field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .map(str::to_owned)
            };
            let number = |field| doc.get_first(field).and_then(|v| v.as_u64());
            let record = text(f.record).unwrap_or_default();
            let is_document = record == "document";
            let kind = record.clone();
            hits.push(Hit {
                score,
                kind,
                source: if is_document { number(f.source) } else { None },
                document: if is_document {
                    number(f.document)
                } else {
                    None
                },
                entity: if record == "entity" {
                    text(f.entity_id)
                } else {
                    None
                },
                record: if record == "record" {
                    text(f.entity_id)
                } else {
                    None
                },
                title: text(f.title),
                preview: text(f.preview).unwrap_or_default(),
            });
        }
        let facets = Facets {
            source_kind: sorted(counts.get("/kind").collect(), usize::MAX),
            language: sorted(counts.get("/language").collect(), usize::MAX),
            claim: sorted(counts.get("/claim").collect(), usize::MAX),
            entity: sorted(counts.get("/entity").collect(), ENTITY_FACETS),
            status: sorted(counts.get("/status").collect(), usize::MAX),
        };
        Ok(SearchResults {
            total,
            hits,
            facets,
            notice,
        })
    }
}

/// The start of a text, for a hit's preview: its first 200 characters.
fn preview(parts: &[(Option<String>, String)]) -> String {
    let mut out = String::new();
    for (_, text) in parts {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(text.chars().take(200 - out.chars().count().min(200)));
        if out.chars().count() >= 200 {
            break;
        }
    }
    out
}

impl IndexUpdate<'_> {
    fn tantivy(&self) -> impl FnOnce(tantivy::TantivyError) -> IndexError + '_ {
        self.index.tantivy()
    }

    /// Removes whatever is indexed of source `source`.
    pub fn remove_source(&mut self, source: u64) {
        self.writer
            .delete_term(Term::from_field_u64(self.index.fields.source, source));
    }

    /// Adds one document (call [`IndexUpdate::remove_source`] first when its
    /// source may be indexed already).
    pub fn add_document(&mut self, document: &IndexDocument) -> Result<(), IndexError> {
        let f = self.index.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.record, "document");
        doc.add_u64(f.source, document.source);
        doc.add_u64(f.document, document.document);
        if let Some(title) = &document.title {
            doc.add_text(f.title, title);
            doc.add_text(f.latin, title);
        }
        for (language, text) in &document.parts {
            let field = match language.as_deref().or(document.language.as_deref()) {
                Some("en") => f.text_en,
                Some("ru") => f.text_ru,
                Some("uk") => f.text_uk,
                _ => f.text_other,
            };
            doc.add_text(field, text);
            doc.add_text(f.latin, text);
        }
        doc.add_text(f.preview, preview(&document.parts));
        if let Some(date) = document.date {
            doc.add_i64(f.date, date);
        }
        doc.add_facet(f.facets, facet(&["kind", &document.source_kind]));
        if let Some(language) = &document.language {
            doc.add_facet(f.facets, facet(&["language", language]));
        }
        for claim in &document.claims {
            doc.add_facet(f.facets, facet(&["claim", claim]));
        }
        for entity in &document.entities {
            doc.add_facet(f.facets, facet(&["entity", entity]));
        }
        self.writer.add_document(doc).map_err(self.tantivy())?;
        Ok(())
    }

    /// Replaces every indexed entity with `entities`.
    pub fn replace_entities(&mut self, entities: &[IndexEntity]) -> Result<(), IndexError> {
        let f = self.index.fields;
        self.writer
            .delete_term(Term::from_field_text(f.record, "entity"));
        for entity in entities {
            let mut doc = TantivyDocument::default();
            doc.add_text(f.record, "entity");
            doc.add_text(f.entity_id, &entity.id);
            doc.add_text(f.title, &entity.name);
            for name in &entity.names {
                doc.add_text(f.text_other, name);
                doc.add_text(f.latin, name);
            }
            doc.add_text(f.preview, &entity.kind);
            self.writer.add_document(doc).map_err(self.tantivy())?;
        }
        Ok(())
    }

    /// Replaces every indexed record with `records` (their ids are kept
    /// in the field entities' ids are).
    pub fn replace_records(&mut self, records: &[IndexRecord]) -> Result<(), IndexError> {
        let f = self.index.fields;
        self.writer
            .delete_term(Term::from_field_text(f.record, "record"));
        for record in records {
            let mut doc = TantivyDocument::default();
            doc.add_text(f.record, "record");
            doc.add_text(f.entity_id, &record.id);
            doc.add_text(f.title, &record.label);
            doc.add_text(f.latin, &record.label);
            for text in &record.text {
                doc.add_text(f.text_other, text);
                doc.add_text(f.latin, text);
            }
            let subtype = record
                .subtype
                .as_deref()
                .map(|s| format!(" ({s})"))
                .unwrap_or_default();
            doc.add_text(
                f.preview,
                format!("{}{subtype}, {}", record.kind, record.status),
            );
            doc.add_facet(f.facets, facet(&["status", &record.status]));
            if let (Some(subtype), "claim") = (&record.subtype, record.kind.as_str()) {
                doc.add_facet(f.facets, facet(&["claim", subtype]));
            }
            self.writer.add_document(doc).map_err(self.tantivy())?;
        }
        Ok(())
    }

    /// Makes the update durable and visible, recording that the index now
    /// covers the log up to `indexed_through`.
    pub fn commit(mut self, indexed_through: u64) -> Result<(), IndexError> {
        let path = self.index.path.clone();
        let tantivy = |source| IndexError::Tantivy {
            path: path.clone(),
            source,
        };
        let mut prepared = self.writer.prepare_commit().map_err(tantivy)?;
        prepared.set_payload(&indexed_through.to_string());
        prepared.commit().map_err(tantivy)?;
        self.writer.wait_merging_threads().map_err(tantivy)?;
        Ok(())
    }
}
