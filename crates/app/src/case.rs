//! The case handle: opening a case, every write, and the one sync that
//! brings what is derived up to the log.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock, RwLock};

use casefile_derived::{DerivedError, Store, Totals};
use casefile_extract::Models;
use casefile_records::{Action, Provenance, RecordKind};
use casefile_resolve::judgements::{Judgement, Verdict};
use casefile_vault::{
    AddOptions, AddedSource, ConsistencyProof, InclusionProof, SourceKind, SystemClock,
    VerifyReport,
};

use crate::curation::Item;
use crate::error::{Error, io_at};
use crate::keyring::{Keyring, Membership};
use crate::pipeline::ReadStats;
use crate::progress::{Progress, Quiet};
use crate::resolve::{ResolveStats, StoredMention};
use crate::search::IndexStats;
use crate::snapshot::{ActionOutcome, Snapshot};

/// A batch of an add is committed (and its checkpoint signed) after this
/// many files…
const BATCH_FILES: usize = 2048;
/// …or this many bytes, whichever comes first, so that a long import keeps
/// its progress if it is interrupted.
const BATCH_BYTES: u64 = 512 << 20;

/// The file, in the case's data folder, that one process at a time holds
/// while it writes derived data (the derived store and the search index).
const DERIVED_LOCK: &str = "derived.lock";

/// One case, open. Cloning it is cheap and shares it: threads of one
/// process may write through one handle (writes take the vault's lock, and
/// derived writes the derived lock, for as long as they last) while others
/// query their own [`Snapshot`]s.
#[derive(Clone)]
pub struct Case {
    vault: Arc<casefile_vault::Case>,
    /// The extraction models, loaded by the first extraction that needs
    /// them and kept for the handle's life.
    models: Arc<OnceLock<Models>>,
    /// The case keys, once a cleared member has unlocked the case.
    pub(crate) keyring: Arc<RwLock<Option<Keyring>>>,
    writable: bool,
    /// Whether snapshots show witnesses' names (a cleared member asked).
    names: Arc<std::sync::atomic::AtomicBool>,
}

impl std::fmt::Debug for Case {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Case")
            .field("root", &self.vault.root())
            .field("writable", &self.writable)
            .finish_non_exhaustive()
    }
}

/// What the person states about the files of one add.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AddRequest {
    /// What kind of source the files are.
    pub kind: SourceKind,
    /// Where the material was found.
    pub url: Option<String>,
    /// When it was collected, as typed (RFC 3339, a date, a month or a
    /// year); normalized before it is logged.
    pub acquired_at: Option<String>,
    /// A note kept with each entry.
    pub note: Option<String>,
    /// Who adds the material.
    pub by: String,
}

/// A file that was not added, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Failure {
    /// The file.
    pub path: PathBuf,
    /// Why, in words.
    pub error: String,
}

/// What one sync did: each stage that ran, and why everything was derived
/// again when it was.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SyncStats {
    /// Sources read.
    pub read: ReadStats,
    /// The resolution run, when entities were behind the log.
    pub resolved: Option<ResolveStats>,
    /// The indexing run, when the index was behind.
    pub indexed: Option<IndexStats>,
    /// Why everything was read again, when it was: the derived store was
    /// made by another casefile (an older schema, another reader or
    /// extractor).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rederived: Option<String>,
}

/// What an add did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AddOutcome {
    /// The sources logged, in order.
    pub added: Vec<AddedSource>,
    /// For each source added, the earlier source whose bytes it repeats
    /// (it is then logged as another acquisition of that one).
    pub same_as: Vec<Option<u64>>,
    /// The files that could not be added.
    pub failed: Vec<Failure>,
    /// What bringing the derived data up to the log did.
    pub sync: SyncStats,
    /// What the derived store holds now.
    pub totals: Totals,
    /// The log's size after the add.
    pub tree_size: u64,
    /// The signed checkpoint of that size.
    pub checkpoint: String,
}

/// One file logged by [`Case::log_bytes`], not read yet.
#[derive(Debug, Clone)]
pub struct Logged {
    /// The source logged.
    pub added: AddedSource,
    /// The earlier source whose bytes it repeats, if any (it is then
    /// another acquisition of that one).
    pub same_as: Option<u64>,
    /// The log's size after it.
    pub tree_size: u64,
    /// The signed checkpoint of that size.
    pub checkpoint: String,
}

/// Where a judged mention is after resolving again.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Placed {
    /// The mention, as the person knows it (a name).
    pub mention: String,
    /// The entity holding it now (its id without the `E`), if any.
    pub entity: Option<String>,
}

/// What a judgement about entities did.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct JudgeOutcome {
    /// The log entries that record it.
    pub log_entries: Vec<u64>,
    /// The resolution run that followed.
    pub resolved: ResolveStats,
    /// Where the judged mentions are now.
    pub now: Vec<Placed>,
}

impl Case {
    /// Creates a case in `dir` (origin `casefile/<random>` unless given)
    /// and opens it for writing.
    pub fn init(dir: &Path, origin: Option<&str>) -> Result<Case, Error> {
        let vault = casefile_vault::Case::init(dir, origin, Box::new(SystemClock))?;
        Ok(Case::from_vault(vault, true))
    }

    /// Finds the case folder holding `start` (itself or the nearest folder
    /// above it with a case).
    pub fn discover(start: &Path) -> Result<PathBuf, Error> {
        Ok(casefile_vault::Case::discover(start)?)
    }

    /// Opens the case in `folder` for writing, finishing what a crash
    /// interrupted.
    pub fn open(folder: &Path) -> Result<Case, Error> {
        let vault = casefile_vault::Case::open(folder, Box::new(SystemClock))?;
        Ok(Case::from_vault(vault, true))
    }

    /// Opens the case in `folder` for reading only: nothing in it is
    /// changed, not even to recover from a crash, and no writer's lock is
    /// taken, so it opens while another process writes. Writes through it
    /// fail as [`Error::Locked`].
    pub fn open_read_only(folder: &Path) -> Result<Case, Error> {
        let vault = casefile_vault::Case::open_untouched(folder, Box::new(SystemClock))?;
        Ok(Case::from_vault(vault, false))
    }

    fn from_vault(vault: casefile_vault::Case, writable: bool) -> Case {
        Case {
            vault: Arc::new(vault),
            models: Arc::new(OnceLock::new()),
            keyring: Arc::new(RwLock::new(None)),
            writable,
            names: Arc::new(std::sync::atomic::AtomicBool::new(false)),
        }
    }

    pub(crate) fn writable(&self) -> Result<(), Error> {
        if self.writable {
            Ok(())
        } else {
            Err(Error::locked(format!(
                "{} was opened read-only",
                self.vault.root().display()
            )))
        }
    }

    /// The vault under the handle.
    pub(crate) fn vault(&self) -> &casefile_vault::Case {
        &self.vault
    }

    /// The case folder (the one holding `.casefile`).
    pub fn root(&self) -> &Path {
        self.vault.root()
    }

    /// The log's origin (also the signing key's name).
    pub fn origin(&self) -> &str {
        self.vault.origin()
    }

    /// The verifier key, `<name>+<keyhash>+<base64>`.
    pub fn verifier(&self) -> String {
        self.vault.verifier().to_string()
    }

    /// Whether `path` lies inside the case's own data folder (a folder
    /// walk skips it).
    pub fn holds(&self, path: &Path) -> bool {
        self.vault.holds(path)
    }

    /// The latest checkpoint's size and signed text.
    pub fn latest_checkpoint(&self) -> Result<(u64, String), Error> {
        Ok(self.vault.latest_checkpoint()?)
    }

    /// The log index a source is named by: an id (or unique prefix), a log
    /// index, or the SHA-256 of its bytes.
    pub fn resolve_source(&self, spec: &str) -> Result<u64, Error> {
        Ok(self.vault.resolve(spec)?)
    }

    /// The inclusion proof of a source in the log, against `tree_size` or
    /// the latest checkpoint.
    pub fn inclusion_proof(
        &self,
        spec: &str,
        tree_size: Option<u64>,
    ) -> Result<InclusionProof, Error> {
        let index = self.vault.resolve(spec)?;
        Ok(self.vault.inclusion_proof(index, tree_size)?)
    }

    /// The consistency proof between two sizes of the log.
    pub fn consistency_proof(&self, old: u64, new: Option<u64>) -> Result<ConsistencyProof, Error> {
        Ok(self.vault.consistency_proof(old, new)?)
    }

    /// Re-reads everything and checks it: blobs, entries, tree,
    /// checkpoints. `progress` hears the stage, done and total.
    pub fn verify(&self, progress: &mut dyn FnMut(&str, u64, u64)) -> Result<VerifyReport, Error> {
        Ok(self.vault.verify(progress)?)
    }

    /// A read-only view of the derived data as it is now. It never
    /// writes; what was logged since the last [`Case::sync`] is not in it.
    /// When the case is unlocked, it opens protected rows too.
    pub fn snapshot(&self) -> Result<Snapshot, Error> {
        self.snapshot_as(self.names.load(std::sync::atomic::Ordering::Relaxed))
    }

    /// [`Case::snapshot`], showing names when `names` (the caller checked
    /// the member may see them).
    pub(crate) fn snapshot_as(&self, names: bool) -> Result<Snapshot, Error> {
        let key = match &*self.keys() {
            // A case unlocked whose derived store's key is gone: a key
            // that opens nothing, so that sealed rows say they do not open
            // (and `casefile rebuild` seals them again) rather than that
            // the case is locked.
            Some(keyring) => match keyring.read_derived_key(self.vault.data_dir())? {
                Some(key) => Some(key),
                None => Some(casefile_derived::new_sealing_key()?),
            },
            None => None,
        };
        Snapshot::open(self.vault.clone(), key.as_deref(), names)
    }

    /// Shows witnesses' names and masked spans in every later snapshot of
    /// this handle, instead of their pseudonyms and bars: only for a member
    /// who unlocked the case, only when they ask, and only of witnesses who
    /// consented to internal analysis by name.
    pub fn show_names(&self) -> Result<(), Error> {
        if self.keys().is_none() {
            return Err(Error::locked(
                "names of protected people are shown only to a member cleared for protected \
                 material who unlocked the case",
            ));
        }
        self.names.store(true, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }

    /// The keyring, read.
    pub(crate) fn keys(&self) -> std::sync::RwLockReadGuard<'_, Option<Keyring>> {
        // A panic elsewhere cannot leave the keyring half-changed: it is
        // replaced or extended whole.
        self.keyring
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The keyring, for changing.
    pub(crate) fn keys_mut(&self) -> std::sync::RwLockWriteGuard<'_, Option<Keyring>> {
        self.keyring
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Takes the derived lock: one process at a time writes derived data.
    pub(crate) fn derived_lock(&self) -> Result<std::fs::File, Error> {
        let path = self.vault.data_dir().join(DERIVED_LOCK);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| io_at(&path, e))?;
        file.lock().map_err(|e| io_at(&path, e))?;
        Ok(file)
    }

    /// Brings what is derived up to the log: reads the sources not read
    /// yet, resolves entities and makes the records again when sources or
    /// curation came in since, and brings the search index up to date.
    /// When the derived store was made by another casefile (an older
    /// schema, another reader or extractor) it is made again from the
    /// vault, and the stats say why.
    pub fn sync(&self, progress: &dyn Progress) -> Result<SyncStats, Error> {
        self.writable()?;
        let _lock = self.derived_lock()?;
        self.sync_locked(progress, false)
    }

    /// Deletes what is derived and makes it again from the vault: after a
    /// damaged derived store, or to read everything with this casefile.
    /// The vault and the log are not touched.
    pub fn rebuild(&self, progress: &dyn Progress) -> Result<SyncStats, Error> {
        self.writable()?;
        let _lock = self.derived_lock()?;
        Store::recreate(self.vault.data_dir())?;
        self.sync_locked(progress, true)
    }

    /// The derived store for writing, made again when it was written by an
    /// older schema or by another reader or extractor; says why in
    /// `rederived`.
    fn writable_store(&self, rederived: &mut Option<String>) -> Result<Store, Error> {
        let dir = self.vault.data_dir();
        let mut store = match Store::open(dir) {
            Ok(store) => store,
            Err(DerivedError::OlderSchema { found, .. }) => {
                *rederived = Some(format!(
                    "the derived store was made with schema {found}; this casefile uses {}",
                    casefile_derived::SCHEMA_VERSION
                ));
                Store::recreate(dir)?
            }
            Err(error) => return Err(error.into()),
        };
        let made_by = store.made_by()?;
        let stage = |name: &str| {
            made_by
                .iter()
                .find(|(s, _)| s == name)
                .map(|(_, v)| v.clone())
        };
        let wanted = [
            ("reader", casefile_reader::READER),
            ("extractor", casefile_extract::EXTRACTOR),
        ];
        let differs: Vec<String> = wanted
            .iter()
            .filter(|(name, version)| stage(name).as_deref() != Some(*version))
            .map(|(name, version)| match stage(name) {
                Some(old) => format!("read by {old}, this casefile reads with {version}"),
                None => format!("made before casefile recorded its {name}"),
            })
            .collect();
        if !differs.is_empty() {
            if !store.read_sources()?.is_empty() {
                rederived
                    .get_or_insert_with(|| format!("the derived store was {}", differs.join("; ")));
                drop(store);
                store = Store::recreate(dir)?;
            }
            let mut writer = store.writer()?;
            for (name, version) in wanted {
                writer.set_made_by(name, version)?;
            }
            writer.commit()?;
        }
        Ok(store)
    }

    /// [`Case::sync`] with the derived lock held; `everything` indexes
    /// every document again.
    fn sync_locked(&self, progress: &dyn Progress, everything: bool) -> Result<SyncStats, Error> {
        let case = &*self.vault;
        let mut stats = SyncStats::default();
        let mut store = self.writable_store(&mut stats.rederived)?;
        let everything = everything || stats.rederived.is_some();
        let keys = self.keys();
        if let Some(keyring) = &*keys {
            store.provide_sealing_key(&*keyring.derived_key(case.data_dir())?);
        }
        stats.read =
            crate::pipeline::read_unread(case, &self.models, keys.as_ref(), &mut store, progress)?;
        drop(keys);
        let (size, _) = case.latest_checkpoint()?;
        let resolver_changed = store
            .made_by()?
            .iter()
            .find(|(s, _)| s == "resolver")
            .is_none_or(|(_, v)| v != casefile_resolve::RESOLVER);
        // An unlocked sync makes the protected layer when a locked one
        // left it stale.
        let layer_stale = store.has_sealing_key()
            && store.protected_layer_through()? != store.entities_through()?
            && !store.sealed_sources()?.is_empty();
        if everything || resolver_changed || layer_stale || store.entities_through()? != Some(size)
        {
            let resolved =
                crate::resolve::resolve(case, &mut store, self.keys().as_ref(), progress)?;
            let mut writer = store.writer()?;
            writer.set_made_by("resolver", casefile_resolve::RESOLVER)?;
            writer.commit()?;
            stats.resolved = Some(resolved);
        }
        let derived = case.data_dir().join(casefile_derived::DERIVED_DIR);
        let through = casefile_index::SearchIndex::open(&derived)?.indexed_through()?;
        // A judgement can move the mentions of any document to another
        // entity: every document is indexed again after one.
        let everything = everything
            || stats.resolved.is_some() && resolver_changed
            || through.is_some_and(|t| {
                t < size && crate::curation::judgements_among(case, t, size).unwrap_or(true)
            });
        let entities = stats.resolved.is_some();
        stats.indexed = crate::search::refresh(case, &store, progress, everything, entities)?;
        Ok(stats)
    }

    /// Adds files (already listed: a front end walks the folders) to the
    /// case unchanged, in batches each ending with a signed checkpoint,
    /// then syncs. A file that cannot be added is named in `failed`; the
    /// others are added.
    pub fn add_files(
        &self,
        files: Vec<PathBuf>,
        request: &AddRequest,
        progress: &dyn Progress,
    ) -> Result<AddOutcome, Error> {
        let items = files.into_iter().map(|f| (f, request.clone())).collect();
        self.add_sources(items, progress)
    }

    /// [`Case::add_files`] with what is stated given file by file.
    pub fn add_sources(
        &self,
        items: Vec<(PathBuf, AddRequest)>,
        progress: &dyn Progress,
    ) -> Result<AddOutcome, Error> {
        self.writable()?;
        let items: Vec<(PathBuf, AddOptions)> = items
            .into_iter()
            .map(|(path, request)| Ok((path, options(&request)?)))
            .collect::<Result<_, Error>>()?;
        let target = self.sealing_target(items.iter().any(|(_, o)| o.kind.is_protected()))?;
        let keys = self.keys();
        let mut failed = Vec::new();
        let mut batch = Vec::new();
        let mut batch_bytes = 0u64;
        let mut added = Vec::new();
        progress.stage("adding", items.len() as u64);
        for (path, options) in items {
            // A protected file is stored only as its ciphertext, its name
            // and note sealed with it.
            let prepared = match &target {
                Some(target) if options.kind.is_protected() => {
                    crate::keyring::seal_file(&self.vault, &path, target, options, keys.as_ref())
                }
                _ => self
                    .vault
                    .prepare(&path)
                    .map(|blob| (blob, options))
                    .map_err(Error::from),
            };
            match prepared {
                Ok((blob, options)) => {
                    batch_bytes += blob.size;
                    batch.push((blob, options));
                }
                Err(error) => failed.push(Failure {
                    path,
                    error: error.to_string(),
                }),
            }
            progress.advance(1);
            if batch.len() >= BATCH_FILES || batch_bytes >= BATCH_BYTES {
                added.extend(self.vault.commit(std::mem::take(&mut batch))?);
                batch_bytes = 0;
            }
        }
        added.extend(self.vault.commit(batch)?);
        drop(keys);
        self.finish_add(added, failed, progress)
    }

    /// Adds one file held in memory (an upload): `name` is the file name
    /// the entry records. Then syncs.
    pub fn add_bytes(
        &self,
        name: &str,
        bytes: &[u8],
        request: &AddRequest,
        progress: &dyn Progress,
    ) -> Result<AddOutcome, Error> {
        let added = self.commit_bytes(name, bytes, request)?;
        self.finish_add(vec![added], Vec::new(), progress)
    }

    /// Adds one file held in memory to the log, under a signed checkpoint,
    /// and leaves reading it to the next [`Case::sync`]: a server that
    /// takes uploads faster than it resolves a whole case answers each
    /// once its bytes are safe, and reads them all in one sync after.
    pub fn log_bytes(
        &self,
        name: &str,
        bytes: &[u8],
        request: &AddRequest,
    ) -> Result<Logged, Error> {
        let added = self.commit_bytes(name, bytes, request)?;
        // The lookup brings the catalogue up to the log itself.
        let record = self.vault.source(added.log_index)?;
        let same_bytes = self
            .vault
            .acquisitions_of(&[record.entry.sha256])?
            .pop()
            .unwrap_or_default();
        let same_as = crate::pipeline::earlier_acquisition(&self.vault, &record, &same_bytes)?;
        let (tree_size, checkpoint) = self.vault.latest_checkpoint()?;
        Ok(Logged {
            added,
            same_as,
            tree_size,
            checkpoint,
        })
    }

    /// Seals (when protected) and commits one file held in memory.
    fn commit_bytes(
        &self,
        name: &str,
        bytes: &[u8],
        request: &AddRequest,
    ) -> Result<AddedSource, Error> {
        self.writable()?;
        let options = options(request)?;
        let prepared = match self.sealing_target(options.kind.is_protected())? {
            Some(target) => crate::keyring::seal_bytes(
                &self.vault,
                name,
                bytes,
                &target,
                options,
                self.keys().as_ref(),
            )?,
            None => (self.vault.prepare_bytes(name, bytes)?, options),
        };
        self.vault
            .commit(vec![prepared])?
            .pop()
            .ok_or_else(|| Error::integrity(format!("{name} was committed but not logged")))
    }

    /// Where protected material is sealed to, when `needed`: the current
    /// epoch's public key (no passphrase needed). A case without a case
    /// key refuses protected material rather than keep it in the clear.
    fn sealing_target(
        &self,
        needed: bool,
    ) -> Result<Option<(u64, casefile_keys::Recipient)>, Error> {
        if !needed {
            return Ok(None);
        }
        if let Some(keyring) = &*self.keys() {
            return Ok(Some(keyring.target().clone()));
        }
        Membership::read(&self.vault)?.sealing_target().map(Some)
    }

    /// Where sealed curation is sealed to: the current epoch's key.
    pub(crate) fn sealing_target_for_curation(
        &self,
    ) -> Result<(u64, casefile_keys::Recipient), Error> {
        self.sealing_target(true)?
            .ok_or_else(|| Error::locked("this case has no case key to seal curation to"))
    }

    fn finish_add(
        &self,
        added: Vec<AddedSource>,
        failed: Vec<Failure>,
        progress: &dyn Progress,
    ) -> Result<AddOutcome, Error> {
        progress.stage("indexing", 0);
        self.vault.update_catalogue()?;
        // What was just stored is read into the derived store, together
        // with anything an interrupted earlier run left unread.
        let sync = self.sync(progress)?;
        let (tree_size, checkpoint) = self.vault.latest_checkpoint()?;
        let snapshot = self.snapshot()?;
        // Bytes already in the case make another acquisition of the source
        // that first held them: logged, not counted twice. The reading
        // says which.
        let same_as = added
            .iter()
            .map(|a| Ok(snapshot.reading(a.log_index)?.and_then(|r| r.same_as)))
            .collect::<Result<_, Error>>()?;
        Ok(AddOutcome {
            added,
            same_as,
            failed,
            sync,
            totals: snapshot.totals()?,
            tree_size,
            checkpoint,
        })
    }

    /// Records that two entities are one ([`Verdict::Same`]) or not the
    /// same ([`Verdict::NotSame`]): one judgement about their first
    /// mentions, added to the log like evidence; then syncs.
    pub fn judge(
        &self,
        left: &str,
        right: &str,
        verdict: Verdict,
        reason: Option<String>,
        by: &str,
    ) -> Result<JudgeOutcome, Error> {
        self.writable()?;
        let store = self.snapshot()?;
        let (l, r) = (store.entity_raw(left)?, store.entity_raw(right)?);
        if l.id == r.id {
            return Err(Error::conflict(format!(
                "E{} and E{} are one entity already",
                l.id, r.id
            )));
        }
        if l.kind != r.kind {
            return Err(Error::conflict(format!(
                "E{} is a {} and E{} a {}: only entities of one kind are judged",
                l.id, l.kind, r.id, r.kind
            )));
        }
        let (Some(lm), Some(rm)) = (l.mentions.first(), r.mentions.first()) else {
            return Err(Error::conflict(
                "an entity without mentions cannot be judged",
            ));
        };
        let what = match verdict {
            Verdict::Same => format!("entity merge: {} = {}", l.name, r.name),
            Verdict::NotSame => format!("entity not-same: {} / {}", l.name, r.name),
        };
        let judged = Judgement::new(
            verdict,
            crate::entities::mention_ref(lm),
            crate::entities::mention_ref(rm),
            reason,
        );
        let sealed = store.in_protected_layer(&l.id) || store.in_protected_layer(&r.id);
        self.judged(
            &[judged],
            &what,
            by,
            &[(&l.name, lm), (&r.name, rm)],
            sealed,
        )
    }

    /// Records that some mentions of an entity (numbered from 1, as
    /// [`Snapshot::entity`] lists them) name someone or something else;
    /// then syncs, and they leave it.
    pub fn split_entity(
        &self,
        entity: &str,
        mentions: &[usize],
        reason: Option<String>,
        by: &str,
    ) -> Result<JudgeOutcome, Error> {
        self.writable()?;
        let snapshot = self.snapshot()?;
        let e = snapshot.entity_raw(entity)?;
        let sealed = snapshot.in_protected_layer(&e.id);
        drop(snapshot);
        for &n in mentions {
            if n == 0 || n > e.mentions.len() {
                return Err(Error::invalid(format!(
                    "E{} has mentions 1 to {}; there is no mention {n} (see `casefile entity show E{}`)",
                    e.id,
                    e.mentions.len(),
                    e.id
                )));
            }
        }
        let Some(anchor) = e
            .mentions
            .iter()
            .enumerate()
            .find(|(i, _)| !mentions.contains(&(i + 1)))
            .map(|(_, m)| m)
        else {
            return Err(Error::conflict(format!(
                "a split must leave at least one mention in E{}",
                e.id
            )));
        };
        let judged: Vec<Judgement> = mentions
            .iter()
            .map(|&n| {
                Judgement::new(
                    Verdict::NotSame,
                    crate::entities::mention_ref(&e.mentions[n - 1]),
                    crate::entities::mention_ref(anchor),
                    reason.clone(),
                )
            })
            .collect();
        let what = format!(
            "entity split: {} mention(s) out of {}",
            mentions.len(),
            e.name
        );
        let mut anchors: Vec<(&str, &StoredMention)> = vec![(e.name.as_str(), anchor)];
        for &n in mentions {
            anchors.push((e.mentions[n - 1].text.as_str(), &e.mentions[n - 1]));
        }
        self.judged(&judged, &what, by, &anchors, sealed)
    }

    /// Logs judgements (sealed when they touch protected material),
    /// syncs, and says where the `anchors` are now.
    fn judged(
        &self,
        judgements: &[Judgement],
        what: &str,
        by: &str,
        anchors: &[(&str, &StoredMention)],
        sealed: bool,
    ) -> Result<JudgeOutcome, Error> {
        let items = judgements
            .iter()
            .enumerate()
            .map(|(n, j)| Item {
                bytes: j.encode(),
                name: format!("judgement-{n}.json"),
                note: what.to_owned(),
            })
            .collect();
        let target = self.sealing_target(sealed)?;
        let log_entries = crate::curation::commit(&self.vault, items, by, target.as_ref())?;
        let sync = self.sync(&Quiet)?;
        let snapshot = self.snapshot()?;
        let mut now = Vec::new();
        for (label, mention) in anchors {
            now.push(Placed {
                mention: (*label).to_owned(),
                entity: snapshot.entity_holding(mention)?,
            });
        }
        Ok(JudgeOutcome {
            log_entries,
            resolved: sync.resolved.unwrap_or_default(),
            now,
        })
    }

    /// Records actions on records in the log (one entry each, one commit
    /// and one checkpoint), after checking each against the records as
    /// they are; then syncs. Returns each entry with the record as it is
    /// now.
    pub fn act(&self, actions: &[Action], by: &str) -> Result<Vec<ActionOutcome>, Error> {
        self.writable()?;
        for action in actions {
            action.check()?;
        }
        // Only the records the actions touch are needed to check them:
        // the one acted on and every link's target.
        let mut needed: Vec<&str> = Vec::new();
        for action in actions {
            needed.extend(action.record.as_deref());
            needed.extend(action.from.as_deref());
            needed.extend(action.link.iter().map(|l| l.target.as_str()));
        }
        let lock = self.derived_lock()?;
        self.sync_locked(&Quiet, false)?;
        let mut store = Store::open(self.vault.data_dir())?;
        // Checked against the records as this member reads them: with the
        // protected layer when unlocked. And the records merged into
        // those, which a merge checks for.
        let view = self.snapshot()?;
        let mut records = crate::records::load_raw(view.store(), &needed)?;
        // About protected material: a record of the protected layer, or a
        // citation of a protected source.
        let mut sealed = false;
        for action in actions {
            let ids = action
                .record
                .iter()
                .chain(&action.from)
                .chain(action.link.iter().chain(&action.unlink).map(|l| &l.target));
            for id in ids {
                sealed |= view.store().layer_has_record(id);
            }
            for citation in &action.cite {
                sealed |= view
                    .reading(citation.source)?
                    .is_some_and(|reading| reading.protected);
            }
        }
        drop(view);
        for (n, action) in actions.iter().enumerate() {
            // Checked against what is stored, as entry "n" would be applied.
            let trial = Provenance {
                method: format!("person:{by}"),
                entry: u64::MAX - n as u64,
                at: None,
            };
            records
                .apply(action, &trial)
                .map_err(|e| Error::conflict(format!("{e} (see `casefile record list`)")))?;
        }
        let items = actions
            .iter()
            .enumerate()
            .map(|(n, action)| Item {
                bytes: action.encode(),
                name: format!("record-action-{n}.json"),
                note: match (&action.record, &action.from) {
                    (Some(id), Some(from)) => {
                        format!("record {} {id} {from}", action.action.as_str())
                    }
                    (Some(id), None) => format!("record {} {id}", action.action.as_str()),
                    (None, _) => format!(
                        "record create {}",
                        action.kind.map(RecordKind::as_str).unwrap_or_default()
                    ),
                },
            })
            .collect();
        let target = self.sealing_target(sealed)?;
        let entries = crate::curation::commit(&self.vault, items, by, target.as_ref())?;
        // Applied to the stored records alone when they were up to the log
        // just before these entries: nothing else came in between. Else
        // the sync makes every record again.
        let current = entries
            .first()
            .is_some_and(|&first| store.entities_through().ok().flatten() == Some(first));
        if current {
            crate::records::apply_new(&self.vault, &mut store, &needed, actions, &entries)?;
        }
        drop(store);
        self.sync_locked(&Quiet, false)?;
        drop(lock);
        let snapshot = self.snapshot()?;
        let mut outcomes = Vec::new();
        for (action, &entry) in actions.iter().zip(&entries) {
            let id = action.record.clone().unwrap_or_else(|| format!("H{entry}"));
            let id_now = id.clone();
            outcomes.push(ActionOutcome {
                entry,
                action: action.action.as_str().to_owned(),
                id,
                from: action.from.clone(),
                record: snapshot.record_folded(&id_now)?,
            });
        }
        Ok(outcomes)
    }
}

/// The vault's options for an add request, its time normalized.
fn options(request: &AddRequest) -> Result<AddOptions, Error> {
    if request
        .url
        .as_deref()
        .is_some_and(|url| url.trim().is_empty())
    {
        return Err(Error::invalid("--url is empty"));
    }
    Ok(AddOptions {
        kind: request.kind,
        url: request.url.clone(),
        acquired_at: request
            .acquired_at
            .as_deref()
            .map(casefile_dates::normalize_time)
            .transpose()?,
        note: request.note.clone(),
        by: request.by.clone(),
        sealed: None,
    })
}
