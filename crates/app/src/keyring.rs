//! The keys of a case's protected material: who the members are and which
//! case keys exist (read from the log), the keyring a cleared member
//! unlocks, and the wrapped keys kept in the case folder (one per
//! protected source, and the derived store's).
//!
//! Everything protected is encrypted to keys whose private halves the case
//! folder holds only wrapped: a seized folder, without a member's identity
//! and passphrase, gives away no witness.

use std::collections::{BTreeMap, HashMap};
use std::io::{Read as _, Write as _};
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use casefile_keys::{
    CaseKey, Clearance, Identity, MemberChange, Members, Recipient, SourceKey, WrappedKey,
};
use casefile_vault::{AddOptions, PreparedBlob, SealedFields, SourceKind, SourceRecord};
use zeroize::Zeroizing;

use crate::error::{Context as _, Error, io_at};
use crate::log::Selection;

/// The folder, inside `.casefile`, of the wrapped keys.
pub(crate) const KEYS_DIR: &str = "keys";
/// Its folder of source key files, one per protected source.
const SOURCES_DIR: &str = "sources";
/// The derived store's wrapped sealing key.
const DERIVED_KEY: &str = "derived.key";
/// First line of a key document.
const KEY_DOCUMENT_MAGIC: &[u8] = b"casefile-key 1\n";
/// Member and key documents are small; anything larger is not one.
const MAX_KEYS_DOCUMENT: u64 = 64 * 1024;

/// Whether curation bytes are a member or key document (not a JSON
/// judgement or action).
pub(crate) fn is_keys_document(bytes: &[u8]) -> bool {
    MemberChange::is_member_document(bytes) || bytes.starts_with(KEY_DOCUMENT_MAGIC)
}

/// The members and case keys as the log leaves them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Membership {
    /// The members, folded in log order.
    pub members: Members,
    /// Every key document, in log order, with its log index.
    pub keys: Vec<(u64, WrappedKey)>,
}

impl Membership {
    /// Reads every member and key document in the log (each from its
    /// blob, digest checked); a document that breaks its format or the
    /// membership rules is an integrity error naming its entry.
    pub(crate) fn read(case: &casefile_vault::Case) -> Result<Membership, Error> {
        let (size, _) = case.latest_checkpoint()?;
        let mut membership = Membership::default();
        for page in crate::log::pages(case, Selection::Below(size)) {
            for record in &page? {
                if record.entry.kind != SourceKind::Curation {
                    continue;
                }
                let place = format!("curation entry #{} ({})", record.entry.index, record.id);
                let mut blob = case.open_blob(&record.entry.sha256)?;
                let mut bytes = Vec::new();
                std::io::Read::by_ref(&mut blob)
                    .take(MAX_KEYS_DOCUMENT + 1)
                    .read_to_end(&mut bytes)
                    .with_context(|| format!("reading {place}"))?;
                if !is_keys_document(&bytes) {
                    continue;
                }
                blob.finish().with_context(|| format!("reading {place}"))?;
                if MemberChange::is_member_document(&bytes) {
                    let change = MemberChange::parse(&bytes, &place)?;
                    membership
                        .members
                        .apply(&change)
                        .map_err(|e| Error::integrity(format!("{place}: {e}")))?;
                } else {
                    let key = WrappedKey::parse(&bytes, &place)?;
                    if let Some(current) = membership.current()
                        && current.epoch() == key.epoch()
                        && current.recipient() != key.recipient()
                    {
                        return Err(Error::integrity(format!(
                            "{place}: epoch {} names another public key than the epoch's first \
                             key document",
                            key.epoch()
                        )));
                    }
                    membership.keys.push((record.entry.index, key));
                }
            }
        }
        Ok(membership)
    }

    /// The key document of the newest epoch (its latest one): new
    /// protected material is encrypted to its recipient.
    pub(crate) fn current(&self) -> Option<&WrappedKey> {
        let epoch = self.keys.iter().map(|(_, k)| k.epoch()).max()?;
        self.keys
            .iter()
            .rev()
            .map(|(_, k)| k)
            .find(|k| k.epoch() == epoch)
    }

    /// The epoch and public key new protected material is sealed to, or a
    /// "locked" error that says how to get one.
    pub(crate) fn sealing_target(&self) -> Result<(u64, Recipient), Error> {
        self.current()
            .map(|k| (k.epoch(), k.recipient().clone()))
            .ok_or_else(|| {
                Error::invalid(
                    "this case has no case key, so it cannot keep protected material \
                     (testimonies, complaints) encrypted: add its first member with \
                     `casefile member add NAME --role admin --clearance protected \
                     --recipient age1...` (see `casefile identity show`)",
                )
            })
    }
}

/// The case keys a cleared member has unlocked with their identity.
pub(crate) struct Keyring {
    /// The member's name in the case.
    pub member: String,
    keys: BTreeMap<u64, CaseKey>,
    /// The epoch and public key new protected material is sealed to.
    target: (u64, Recipient),
    /// The derived store's sealing key, once unwrapped: every snapshot
    /// needs it, and its file changes only by `rekey` (same key).
    derived: std::sync::OnceLock<Zeroizing<[u8; 32]>>,
    /// The keys and fields of the sources this handle sealed and has not
    /// read yet, by ciphertext hash: the read that follows an add takes
    /// them from here rather than unwrapping what it just wrapped. In
    /// memory only.
    fresh: std::sync::Mutex<HashMap<String, (SourceKey, SealedFields)>>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring")
            .field("member", &self.member)
            .field("epochs", &self.keys.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Keyring {
    /// Unwraps every case key wrapped for `identity`, which must be a
    /// member cleared for protected material.
    pub(crate) fn unlock(membership: &Membership, identity: &Identity) -> Result<Keyring, Error> {
        let recipient = identity.recipient();
        let member = membership.members.by_recipient(&recipient).ok_or_else(|| {
            Error::locked(format!(
                "the identity {recipient} is not a member of this case (see `casefile member \
                 list`); protected material stays locked"
            ))
        })?;
        if member.clearance != Clearance::Protected {
            return Err(Error::locked(format!(
                "{} is not cleared for protected material; it stays locked",
                member.name
            )));
        }
        let mut keys = BTreeMap::new();
        // The newest document of each epoch first: it is the one a
        // member added later is in.
        for (index, wrapped) in membership.keys.iter().rev() {
            if keys.contains_key(&wrapped.epoch()) || !wrapped.wrapped_for().contains(&recipient) {
                continue;
            }
            let key = wrapped
                .unwrap(identity)
                .with_context(|| format!("opening the key document at log entry #{index}"))?;
            keys.insert(key.epoch(), key);
        }
        if keys.is_empty() {
            return Err(Error::locked(format!(
                "no case key of this case is wrapped for {} ({recipient}); protected material \
                 stays locked",
                member.name
            )));
        }
        Ok(Keyring {
            member: member.name.clone(),
            keys,
            target: membership.sealing_target()?,
            derived: std::sync::OnceLock::new(),
            fresh: std::sync::Mutex::new(HashMap::new()),
        })
    }

    /// The epochs it holds.
    pub(crate) fn epochs(&self) -> Vec<u64> {
        self.keys.keys().copied().collect()
    }

    /// The key of `epoch`, if held.
    pub(crate) fn key(&self, epoch: u64) -> Option<&CaseKey> {
        self.keys.get(&epoch)
    }

    /// Every key held (to wrap for a newly cleared member).
    pub(crate) fn keys(&self) -> impl Iterator<Item = &CaseKey> {
        self.keys.values()
    }

    /// Adds a key made by this process (a new epoch), which becomes the
    /// one new material is sealed to when it is the newest.
    pub(crate) fn insert(&mut self, key: CaseKey) {
        if key.epoch() >= self.target.0 {
            self.target = (key.epoch(), key.recipient());
        }
        self.keys.insert(key.epoch(), key);
    }

    /// The epoch and public key new protected material is sealed to.
    pub(crate) fn target(&self) -> &(u64, Recipient) {
        &self.target
    }

    /// The key and fields of the sealed source `record`: its key file
    /// unwrapped with the key of its epoch, checked to belong to its
    /// ciphertext, and its fields decrypted.
    pub(crate) fn open_source(
        &self,
        data_dir: &Path,
        record: &SourceRecord,
    ) -> Result<(SourceKey, SealedFields), Error> {
        let entry = &record.entry;
        let sealed = entry.sealed.as_deref().ok_or_else(|| {
            Error::integrity(format!("source #{} is not a sealed entry", entry.index))
        })?;
        let sha = entry.sha256.to_hex();
        if let Some(fresh) = self
            .fresh
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .remove(&sha)
        {
            return Ok(fresh);
        }
        let path = source_key_path(data_dir, &sha);
        let what = format!(
            "the key file of source #{} ({})",
            entry.index,
            path.display()
        );
        let file = std::fs::read(&path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::integrity(format!(
                    "{what} is missing: the source cannot be opened (restore .casefile/keys \
                     from a backup)"
                ))
            } else {
                io_at(&path, e)
            }
        })?;
        let header = casefile_keys::wrapped_header(&file, &what)?;
        let case_key = self.key(header.epoch).ok_or_else(|| {
            Error::locked(format!(
                "source #{} is wrapped to epoch {}, whose key {} was never given",
                entry.index, header.epoch, self.member
            ))
        })?;
        let key = SourceKey::unwrap(&file, case_key, &sha, &what)?;
        let ciphertext = base64::engine::general_purpose::STANDARD
            .decode(sealed)
            .map_err(|_| {
                Error::integrity(format!(
                    "the sealed fields of source #{} are not base64",
                    entry.index
                ))
            })?;
        let fields_what = format!("the sealed fields of source #{}", entry.index);
        let plain = key.open_bytes(&ciphertext, &fields_what)?;
        let fields = SealedFields::decode(&plain)
            .map_err(|e| Error::integrity(format!("{fields_what}: {e}")))?;
        Ok((key, fields))
    }

    /// The derived store's sealing key, unwrapped from its file; `None`
    /// when the case has none yet (nothing protected was read). Writes
    /// nothing.
    pub(crate) fn read_derived_key(
        &self,
        data_dir: &Path,
    ) -> Result<Option<Zeroizing<[u8; 32]>>, Error> {
        if let Some(key) = self.derived.get() {
            return Ok(Some(key.clone()));
        }
        let path = derived_key_path(data_dir);
        let what = format!("the derived store's key ({})", path.display());
        let file = match std::fs::read(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_at(&path, e)),
        };
        let header = casefile_keys::wrapped_header(&file, &what)?;
        let case_key = self.key(header.epoch).ok_or_else(|| {
            Error::locked(format!(
                "{what} is wrapped to epoch {}, whose key {} was never given",
                header.epoch, self.member
            ))
        })?;
        Ok(Some(casefile_keys::unwrap_sealing_key(
            &file, case_key, &what,
        )?))
    }

    /// The derived store's sealing key: unwrapped from its file, or made
    /// and kept wrapped to the current epoch when the case has none yet.
    pub(crate) fn derived_key(&self, data_dir: &Path) -> Result<Zeroizing<[u8; 32]>, Error> {
        if let Some(key) = self.read_derived_key(data_dir)? {
            return Ok(key);
        }
        let key = casefile_derived::new_sealing_key()?;
        let file = casefile_keys::wrap_sealing_key(self.target.0, &self.target.1, &key);
        write_new(&derived_key_path(data_dir), &file, true)?;
        Ok(self.derived.get_or_init(|| key).clone())
    }

    /// Wraps every protected source's key, and the derived store's, to the
    /// current epoch: after it, the keys of older epochs open nothing in
    /// the case folder. Each file is replaced whole; returns how many were
    /// wrapped again.
    pub(crate) fn rewrap_all(
        &self,
        vault: &casefile_vault::Case,
        progress: &dyn crate::progress::Progress,
    ) -> Result<u64, Error> {
        let data_dir = vault.data_dir();
        let (size, _) = vault.latest_checkpoint()?;
        progress.stage("wrapping the keys again", size);
        let mut count = 0;
        for page in crate::log::pages(vault, Selection::Below(size)) {
            let page = page?;
            progress.advance(page.len() as u64);
            for record in &page {
                if record.entry.sealed.is_none() {
                    continue;
                }
                let sha = record.entry.sha256.to_hex();
                let path = source_key_path(data_dir, &sha);
                let what = format!("the key file of source #{}", record.entry.index);
                let file = std::fs::read(&path).map_err(|e| io_at(&path, e))?;
                let header = casefile_keys::wrapped_header(&file, &what)?;
                if header.epoch == self.target.0 {
                    continue;
                }
                let case_key = self.key(header.epoch).ok_or_else(|| {
                    Error::locked(format!(
                        "source #{} is wrapped to epoch {}, whose key {} was never given",
                        record.entry.index, header.epoch, self.member
                    ))
                })?;
                let key = SourceKey::unwrap(&file, case_key, &sha, &what)?;
                write_new(&path, &key.wrap(self.target.0, &self.target.1, &sha), false)?;
                count += 1;
            }
        }
        if let Some(key) = self.read_derived_key(data_dir)? {
            let file = casefile_keys::wrap_sealing_key(self.target.0, &self.target.1, &key);
            write_new(&derived_key_path(data_dir), &file, false)?;
            count += 1;
        }
        // One flush of the file system for every file replaced.
        vault.flush()?;
        Ok(count)
    }
}

/// Where the key file of the protected source whose ciphertext has
/// `sha256` (hex) is kept.
pub(crate) fn source_key_path(data_dir: &Path, sha256: &str) -> PathBuf {
    data_dir
        .join(KEYS_DIR)
        .join(SOURCES_DIR)
        .join(&sha256[..2])
        .join(format!("{sha256}.key"))
}

/// Where the derived store's wrapped key is kept.
pub(crate) fn derived_key_path(data_dir: &Path) -> PathBuf {
    data_dir.join(KEYS_DIR).join(DERIVED_KEY)
}

/// Writes `bytes` at `path` (mode 0600) beside it first and renamed into
/// place, so a crash leaves the old file or the new one whole. With
/// `durable`, the file and its folder are flushed before returning;
/// without, the caller flushes the file system after (an add does, once
/// for a whole batch, before it logs anything).
pub(crate) fn write_new(path: &Path, bytes: &[u8], durable: bool) -> Result<(), Error> {
    let parent = path
        .parent()
        .ok_or_else(|| Error::io(format!("{} has no folder", path.display())))?;
    std::fs::create_dir_all(parent).map_err(|e| io_at(parent, e))?;
    let mut staging = path.as_os_str().to_owned();
    staging.push(format!(".{}.part", std::process::id()));
    let staging = PathBuf::from(staging);
    let written = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&staging)?;
        file.write_all(bytes)?;
        if durable {
            file.sync_all()?;
        }
        std::fs::rename(&staging, path)?;
        if durable {
            std::fs::File::open(parent)?.sync_all()?;
        }
        Ok(())
    })();
    written.map_err(|e| {
        let _ = std::fs::remove_file(&staging);
        io_at(path, e)
    })
}

/// A protected file on its way into the vault: its ciphertext prepared
/// (never its plain bytes), its key file written, its fields sealed.
pub(crate) fn seal_file(
    vault: &casefile_vault::Case,
    path: &Path,
    target: &(u64, Recipient),
    mut options: AddOptions,
    remember: Option<&Keyring>,
) -> Result<(PreparedBlob, AddOptions), Error> {
    let key = SourceKey::generate();
    let blob = vault.prepare_through(path, &mut |input, output, _| {
        let mut writer = key.seal(output)?;
        std::io::copy(input, &mut writer)?;
        writer.finish()?;
        Ok(())
    })?;
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned());
    let blob = finish_sealing(vault, key, blob, name, target, &mut options, remember)?;
    Ok((blob, options))
}

/// [`seal_file`] for bytes held in memory (an upload); `name` is the file
/// name kept, sealed, with them.
pub(crate) fn seal_bytes(
    vault: &casefile_vault::Case,
    name: &str,
    bytes: &[u8],
    target: &(u64, Recipient),
    mut options: AddOptions,
    remember: Option<&Keyring>,
) -> Result<(PreparedBlob, AddOptions), Error> {
    let key = SourceKey::generate();
    let ciphertext = key.seal_bytes(bytes);
    let blob = vault.prepare_bytes("sealed", &ciphertext)?;
    let name = Path::new(name)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned());
    let blob = finish_sealing(vault, key, blob, name, target, &mut options, remember)?;
    Ok((blob, options))
}

/// What [`seal_file`] and [`seal_bytes`] share once the ciphertext is
/// prepared: the key file is written and the fields are sealed into the
/// options; with `remember`, the key and fields are kept there for the
/// read that follows.
fn finish_sealing(
    vault: &casefile_vault::Case,
    key: SourceKey,
    blob: PreparedBlob,
    name: Option<String>,
    target: &(u64, Recipient),
    options: &mut AddOptions,
    remember: Option<&Keyring>,
) -> Result<PreparedBlob, Error> {
    let fields = SealedFields {
        name,
        url: options.url.take(),
        acquired_at: options.acquired_at.take(),
        note: options.note.take(),
    };
    let sealed = key.seal_bytes(&fields.encode());
    options.sealed = Some(base64::engine::general_purpose::STANDARD.encode(sealed));
    let sha = blob.sha256.to_hex();
    let file = key.wrap(target.0, &target.1, &sha);
    write_new(&source_key_path(vault.data_dir(), &sha), &file, false)?;
    if let Some(keyring) = remember {
        keyring
            .fresh
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(sha, (key, fields));
    }
    Ok(blob)
}
