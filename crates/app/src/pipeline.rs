//! Reading a case's sources into its derived store, documents and their
//! extractions: by every sync, for whatever is not read yet, and from
//! nothing after a rebuild.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::mpsc;

use std::sync::OnceLock;

use casefile_derived::{Reading, Store, Totals};
use casefile_document::Severity;
use casefile_extract::Models;
use casefile_reader::{Document, format};
use casefile_vault::{Case, SourceRecord};

use crate::error::{Context as _, Error};
use crate::keyring::Keyring;
use crate::progress::Progress;

/// A transaction is committed after this many sources or documents, at a
/// source boundary, so an interrupted run keeps what it read.
const BATCH_SOURCES: usize = 256;
const BATCH_DOCUMENTS: u64 = 20_000;
/// Documents waiting for an extraction thread, per thread: enough to keep
/// every thread busy, few enough to keep memory bounded.
const QUEUED_PER_THREAD: usize = 4;

/// A document on its way to be extracted.
struct Job {
    /// Its place in the order documents were read.
    sequence: u64,
    source: u64,
    ordinal: u64,
    protected: bool,
    context: casefile_extract::Context,
    document: Document,
}

/// A document extracted, or what the panic that stopped it may show.
struct Done {
    job: Job,
    extraction: Result<casefile_extract::Extraction, String>,
}

/// The reader's side of the extraction threads: documents go out in the
/// order they are read and are stored in that order as they come back, so
/// the store is written exactly as one thread would write it.
struct Pipeline<'a> {
    jobs: Option<mpsc::SyncSender<Job>>,
    done: &'a mpsc::Receiver<Done>,
    sent: u64,
    stored: u64,
    waiting: BTreeMap<u64, Done>,
}

impl Pipeline<'_> {
    /// Hands a document to the threads, then stores what came back.
    fn send(
        &mut self,
        writer: &mut casefile_derived::Writer<'_>,
        job: impl FnOnce(u64) -> Job,
    ) -> Result<(), Error> {
        let job = job(self.sent);
        self.sent += 1;
        self.jobs
            .as_ref()
            .ok_or_else(|| Error::io("the extraction threads stopped"))?
            .send(job)
            .map_err(|_| Error::io("the extraction threads stopped"))?;
        while let Ok(done) = self.done.try_recv() {
            self.waiting.insert(done.job.sequence, done);
        }
        self.store_ready(writer)
    }

    /// Stores, in reading order, the documents that are back.
    fn store_ready(&mut self, writer: &mut casefile_derived::Writer<'_>) -> Result<(), Error> {
        while let Some(done) = self.waiting.remove(&self.stored) {
            self.stored += 1;
            let Job {
                source,
                ordinal,
                protected,
                document,
                ..
            } = done.job;
            let extraction = done.extraction.map_err(|said| {
                Error::io(format!(
                    "extracting document {ordinal} of source #{source} failed: {said} (please report this)"
                ))
            })?;
            writer
                .put_document(source, ordinal, protected, &document)
                .and_then(|()| writer.put_extraction(source, ordinal, protected, &extraction))
                .with_context(|| format!("storing the documents of source #{source}"))?;
        }
        Ok(())
    }

    /// Waits for every document sent and stores it.
    fn finish(&mut self, writer: &mut casefile_derived::Writer<'_>) -> Result<(), Error> {
        while self.stored < self.sent {
            let done = self
                .done
                .recv()
                .map_err(|_| Error::io("the extraction threads stopped"))?;
            self.waiting.insert(done.job.sequence, done);
            self.store_ready(writer)?;
        }
        Ok(())
    }
}

/// What one run of the readers over a case did.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReadStats {
    /// Sources read in this run.
    pub sources: u64,
    /// Documents stored in this run.
    pub documents: u64,
    /// Sources stored sealed (testimonies, complaints).
    pub sealed: u64,
    /// Sources no reader fits (photos, PDFs): stored with no documents.
    pub no_reader: u64,
    /// Sources whose reading reported an error (what could be read is
    /// stored).
    pub with_errors: u64,
    /// Sources that repeat an earlier source's bytes: recorded as other
    /// acquisitions of it, not read again.
    pub acquisitions: u64,
    /// Protected sources left unread because the case is locked (no
    /// cleared member's identity was given): read by the next sync that
    /// has one.
    #[serde(default)]
    pub locked: u64,
}

/// Reads every source of `case` that the store has no reading of.
pub(crate) fn read_unread(
    case: &Case,
    models: &OnceLock<Models>,
    keyring: Option<&Keyring>,
    store: &mut Store,
    progress: &dyn Progress,
) -> Result<ReadStats, Error> {
    let (size, _) = case.latest_checkpoint()?;
    let unread = store.unread(size)?;
    read_sources(case, models, keyring, store, &unread, progress)
}

/// Reads the sources at `indexes` (sorted) into the store.
///
/// The models are loaded by the first extraction that needs them, into
/// `models` (kept by the case handle): a batch of photos needs none, and
/// they are a hundred megabytes in memory.
pub(crate) fn read_sources(
    case: &Case,
    models: &OnceLock<Models>,
    keyring: Option<&Keyring>,
    store: &mut Store,
    indexes: &[u64],
    progress: &dyn Progress,
) -> Result<ReadStats, Error> {
    let mut stats = ReadStats::default();
    if indexes.is_empty() {
        return Ok(stats);
    }
    progress.stage("reading", indexes.len() as u64);
    let mut wanted = indexes.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    // Reading and storing on this thread, extraction on one thread per
    // core.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (jobs, queue) = mpsc::sync_channel::<Job>(threads * QUEUED_PER_THREAD);
    let queue = Mutex::new(queue);
    let (finished, done) = mpsc::channel::<Done>();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let (queue, finished) = (&queue, finished.clone());
            scope.spawn(move || {
                loop {
                    let job = match queue.lock() {
                        Ok(queue) => queue.recv(),
                        Err(_) => return,
                    };
                    let Ok(job) = job else { return };
                    let extraction = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        crate::withheld::handling(job.source, job.protected, || {
                            casefile_extract::extract_with(
                                &job.document,
                                &job.context,
                                models.get_or_init(|| crate::models::load_or_default(progress)),
                            )
                        })
                    }))
                    .map_err(|panic| panic_message(panic.as_ref(), job.protected));
                    if finished.send(Done { job, extraction }).is_err() {
                        return;
                    }
                }
            });
        }
        drop(finished);
        let mut pipeline = Pipeline {
            jobs: Some(jobs),
            done: &done,
            sent: 0,
            stored: 0,
            waiting: BTreeMap::new(),
        };
        let result = read_all(
            case,
            keyring,
            store,
            &wanted,
            &mut pipeline,
            &mut stats,
            progress,
        );
        // Closing the queue lets the threads end, whatever happened.
        pipeline.jobs = None;
        result
    })?;
    Ok(stats)
}

/// Reads the sources in `wanted` in log order, committing at source
/// boundaries once every document read so far is stored.
fn read_all(
    case: &Case,
    keyring: Option<&Keyring>,
    store: &mut Store,
    wanted: &[u64],
    pipeline: &mut Pipeline<'_>,
    stats: &mut ReadStats,
    progress: &dyn Progress,
) -> Result<(), Error> {
    let mut pending_sources = 0usize;
    let mut pending_documents = 0u64;
    let mut writer = store.writer()?;
    for page in crate::log::pages(case, crate::log::Selection::Only(wanted)) {
        let records = page?;
        let digests: Vec<casefile_vault::Sha256> = records.iter().map(|r| r.entry.sha256).collect();
        let acquisitions = case.acquisitions_of(&digests)?;
        for (record, same_bytes) in records.iter().zip(acquisitions) {
            let first = earlier_acquisition(case, record, &same_bytes)?;
            let documents = match (first, &record.entry.sealed, keyring) {
                (Some(first), _, _) => another_acquisition(&mut writer, record, first, stats)?,
                // A sealed source opens only with a cleared member's keys;
                // without them it stays unread until a sync that has them.
                (None, Some(_), None)
                    if record.entry.kind != casefile_vault::SourceKind::Curation =>
                {
                    stats.locked += 1;
                    0
                }
                (None, _, _) => read_one(case, keyring, &mut writer, record, pipeline, stats)?,
            };
            pending_sources += 1;
            pending_documents += documents;
            progress.advance(1);
            if pending_sources >= BATCH_SOURCES || pending_documents >= BATCH_DOCUMENTS {
                pipeline.finish(&mut writer)?;
                writer.commit()?;
                writer = store.writer()?;
                pending_sources = 0;
                pending_documents = 0;
            }
        }
    }
    pipeline.finish(&mut writer)?;
    writer.commit()?;
    Ok(())
}

/// The earlier source `record` is another acquisition of: the first one
/// before it with the same bytes, leaving out open material when this one
/// is protected (a protected copy of an open source is read and sealed on
/// its own, the open one stays as it was added). The first such source is
/// always one that was read itself, never another acquisition.
pub(crate) fn earlier_acquisition(
    case: &Case,
    record: &SourceRecord,
    same_bytes: &[u64],
) -> Result<Option<u64>, Error> {
    let entry = &record.entry;
    if entry.kind == casefile_vault::SourceKind::Curation {
        return Ok(None);
    }
    for &earlier in same_bytes.iter().take_while(|&&i| i < entry.index) {
        let kind = case.source(earlier)?.entry.kind;
        if kind != casefile_vault::SourceKind::Curation
            && (kind.is_protected() || !entry.kind.is_protected())
        {
            return Ok(Some(earlier));
        }
    }
    Ok(None)
}

/// Records a source whose bytes an earlier source already holds: nothing
/// is read or extracted again, so its names and claims count once.
fn another_acquisition(
    writer: &mut casefile_derived::Writer<'_>,
    record: &SourceRecord,
    first: u64,
    stats: &mut ReadStats,
) -> Result<u64, Error> {
    let index = record.entry.index;
    writer.clear(index)?;
    writer.put_reading(&Reading {
        log_index: index,
        format: None,
        reader: casefile_reader::READER.to_owned(),
        protected: record.entry.kind.is_protected(),
        documents: 0,
        counted: format!("nothing new: the same bytes as source #{first}, acquired again"),
        diagnostics: Vec::new(),
        same_as: Some(first),
    })?;
    stats.sources += 1;
    stats.acquisitions += 1;
    Ok(0)
}

/// Reads one source, streaming its documents into the writer; returns how
/// many it stored.
fn read_one(
    case: &Case,
    keyring: Option<&Keyring>,
    writer: &mut casefile_derived::Writer<'_>,
    record: &SourceRecord,
    pipeline: &mut Pipeline<'_>,
    stats: &mut ReadStats,
) -> Result<u64, Error> {
    let entry = &record.entry;
    let index = entry.index;
    let protected = entry.kind.is_protected();
    writer.clear(index)?;
    if entry.kind == casefile_vault::SourceKind::Curation {
        // A person's judgement, not collected material: the resolver reads
        // it from the vault; there is nothing to read into documents.
        writer.put_reading(&Reading {
            log_index: index,
            format: None,
            reader: casefile_reader::READER.to_owned(),
            protected: false,
            documents: 0,
            counted: "a curation document (a judgement, an action on records, a member or a key)"
                .to_owned(),
            diagnostics: Vec::new(),
            same_as: None,
        })?;
        stats.sources += 1;
        return Ok(0);
    }
    // A sealed source's name and collection time are in its sealed fields,
    // and its bytes are read through its own key.
    let opened = match (&entry.sealed, keyring) {
        (Some(_), Some(keyring)) => Some(
            keyring
                .open_source(case.data_dir(), record)
                .with_context(|| format!("opening source #{index} ({})", record.id))?,
        ),
        (Some(_), None) => {
            return Err(Error::locked(format!(
                "source #{index} is sealed and the case is locked"
            )));
        }
        (None, _) => None,
    };
    let (name, acquired_at) = match &opened {
        Some((_, fields)) => (fields.name.clone(), fields.acquired_at.clone()),
        None => (entry.name.clone(), entry.acquired_at.clone()),
    };
    let mut blob = case.open_blob(&entry.sha256)?;
    // Relative dates in a document without a publication date are resolved
    // against when the material was collected, else when it was added.
    let context = casefile_extract::Context {
        captured: Some(acquired_at.unwrap_or_else(|| entry.added_at.clone())),
    };
    let mut ordinal = 0u64;
    let mut failed = None;
    let mut errors = false;
    let mut visit = |document: Document| {
        if failed.is_some() {
            return;
        }
        errors |= document
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error);
        let this = ordinal;
        let sent = pipeline.send(writer, |sequence| Job {
            sequence,
            source: index,
            ordinal: this,
            protected,
            context: context.clone(),
            document,
        });
        match sent {
            Ok(()) => ordinal += 1,
            Err(error) => failed = Some(error),
        }
    };
    // A reader that panics stops this run with an error naming the source
    // (what this run stored since its last commit is rolled back); over a
    // protected source, without the panic's message.
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        crate::withheld::handling(index, protected, || match &opened {
            Some((key, _)) => {
                let what = format!("the ciphertext of source #{index}");
                let plain = key
                    .open(std::io::BufReader::new(&mut blob), &what)
                    .map_err(|e| casefile_reader::ReadError::Io(std::io::Error::other(e)))?;
                format::detect_and_read(plain, name.as_deref(), &mut visit)
            }
            None => format::detect_and_read(&mut blob, name.as_deref(), &mut visit),
        })
    }))
    .map_err(|panic| {
        Error::io(format!(
            "reading source #{index} ({}) failed: {} (please report this)",
            record.id,
            panic_message(panic.as_ref(), protected)
        ))
    })?;
    if let Some(error) = failed {
        return Err(error);
    }
    // The whole blob is read, so its digest is checked: documents are never
    // stored from bytes that changed on disk.
    blob.finish()
        .with_context(|| format!("reading source #{index} ({})", record.id))?;
    let read = read.with_context(|| format!("reading source #{index} ({})", record.id))?;
    let reading = match read {
        Some((format, summary)) => {
            errors |= !summary.diagnostics.is_empty();
            Reading {
                log_index: index,
                format: Some(format.as_str().to_owned()),
                reader: casefile_reader::READER.to_owned(),
                protected,
                documents: ordinal,
                counted: summary.counted,
                diagnostics: summary.diagnostics,
                same_as: None,
            }
        }
        None => {
            stats.no_reader += 1;
            Reading {
                log_index: index,
                format: None,
                reader: casefile_reader::READER.to_owned(),
                protected,
                documents: 0,
                counted: if entry.size == 0 {
                    "nothing: empty file".to_owned()
                } else {
                    "nothing: no reader fits this kind of file".to_owned()
                },
                diagnostics: Vec::new(),
                same_as: None,
            }
        }
    };
    writer.put_reading(&reading)?;
    stats.sources += 1;
    stats.documents += ordinal;
    stats.sealed += u64::from(protected);
    stats.with_errors += u64::from(errors);
    Ok(ordinal)
}

/// The words printed after a run.
pub fn describe(stats: &ReadStats, totals: &Totals) -> String {
    let mut line = format!(
        "read {} sources into {} documents",
        stats.sources, stats.documents
    );
    if stats.sealed > 0 {
        line.push_str(&format!(" ({} protected sources sealed)", stats.sealed));
    }
    if stats.locked > 0 {
        line.push_str(&format!(
            "; {} protected sources stay locked and unread (no cleared member's identity was \
             given: see `casefile identity`)",
            stats.locked
        ));
    }
    if stats.acquisitions > 0 {
        line.push_str(&format!(
            "; {} repeated the bytes of a source already in the case and count there",
            stats.acquisitions
        ));
    }
    if stats.no_reader > 0 {
        line.push_str(&format!("; {} had no reader", stats.no_reader));
    }
    if stats.with_errors > 0 {
        line.push_str(&format!(
            "; {} had reading problems (see casefile documents)",
            stats.with_errors
        ));
    }
    line.push_str(&format!(
        "; the case holds {} documents from {} sources, {} of them extracted",
        totals.documents, totals.sources, totals.extractions
    ));
    if totals.acquisitions > 0 {
        line.push_str(&format!(
            " ({} further acquisitions of the same bytes)",
            totals.acquisitions
        ));
    }
    line
}

/// What a caught panic said. A panic's message may quote the text (a
/// slicing panic quotes up to 256 bytes), so over a protected source it is
/// kept back and the source is named by its index alone.
fn panic_message(panic: &(dyn std::any::Any + Send), protected: bool) -> String {
    if protected {
        return "a panic (its message is withheld: the source is protected)".to_owned();
    }
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_owned())
}
