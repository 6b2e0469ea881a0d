//! Cosigning: another organisation (a partner, a bar association) keeps a
//! key that cosigns the case's checkpoints in the C2SP `tlog-cosignature`
//! format, each time after checking that the log only grew since the last
//! checkpoint it cosigned. A bundle carries the cosigned checkpoints with
//! proofs that its own checkpoint extends them, so a court sees the log was
//! not forked between what the partner saw and what the court is shown.
//!
//! Both sides are here: the partner's (`cosign_bundle`, with no case,
//! only their key and a folder of what they cosigned) and the case's
//! (`trust_cosigner`, `import_cosignature`: logged as curation,
//! `docs/formats/cosigning.md`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A cosigner's public key (`NAME+ID+BASE64`).
pub use casefile_note::CosignerKey;
use casefile_note::{Checkpoint, Cosigner, Note, NoteVerifier};
use serde::{Deserialize, Serialize};
use sha2::Digest as _;

use crate::case::Case;
use crate::curation::{Curated, Item, LogView};
use crate::error::{Error, io_at};

/// The format of the case's cosigner documents.
pub const COSIGNER_FORMAT: &str = "casefile-cosigner 1";
/// The largest a cosigner document may be.
pub const MAX_COSIGNER_LEN: usize = 64 * 1024;

/// A cosigner document, as logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
pub enum CosignerDoc {
    /// The case counts this cosigner's cosignatures.
    Trust {
        /// Its public key.
        key: String,
    },
    /// It no longer does.
    Distrust {
        /// Its public key.
        key: String,
    },
    /// A cosignature of the checkpoint of `size`, as the cosigner sent it.
    Cosignature {
        /// The checkpoint's tree size.
        size: u64,
        /// The cosigner's public key.
        key: String,
        /// The signature line.
        line: String,
    },
}

#[derive(Serialize, Deserialize)]
struct Envelope {
    format: String,
    #[serde(flatten)]
    doc: CosignerDoc,
}

impl CosignerDoc {
    /// Its bytes (JSON).
    pub fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(&Envelope {
            format: COSIGNER_FORMAT.to_owned(),
            doc: self.clone(),
        })
        .unwrap_or_default()
    }

    /// Reads one.
    pub fn decode(bytes: &[u8]) -> Result<CosignerDoc, Error> {
        if bytes.len() > MAX_COSIGNER_LEN {
            return Err(Error::integrity(format!(
                "a cosigner document is at most {MAX_COSIGNER_LEN} bytes"
            )));
        }
        let envelope: Envelope = serde_json::from_slice(bytes)
            .map_err(|e| Error::integrity(format!("not a cosigner document: {e}")))?;
        if envelope.format != COSIGNER_FORMAT {
            return Err(Error::integrity(format!(
                "its format {:?} is not {COSIGNER_FORMAT:?}",
                envelope.format
            )));
        }
        Ok(envelope.doc)
    }
}

/// The cosigners a case trusts and the cosignatures it holds, as its log
/// says.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Cosigners {
    /// The trusted keys, in the order they were first trusted.
    pub trusted: Vec<String>,
    /// Tree size → the cosignature lines imported for that checkpoint,
    /// with their keys.
    pub cosigned: BTreeMap<u64, Vec<(String, String)>>,
}

impl Cosigners {
    /// Reads them from the log's curation, in order.
    pub(crate) fn read(view: &LogView) -> Cosigners {
        let mut out = Cosigners::default();
        for logged in &view.curated {
            let Curated::Cosigner(doc) = &logged.curated else {
                continue;
            };
            match doc.as_ref() {
                CosignerDoc::Trust { key } => {
                    if !out.trusted.contains(key) {
                        out.trusted.push(key.clone());
                    }
                }
                CosignerDoc::Distrust { key } => out.trusted.retain(|k| k != key),
                CosignerDoc::Cosignature { size, key, line } => {
                    let lines = out.cosigned.entry(*size).or_default();
                    if !lines.iter().any(|(k, l)| k == key && l == line) {
                        lines.push((key.clone(), line.clone()));
                    }
                }
            }
        }
        out
    }

    /// The checkpoint of `size` as `stored`, with the cosignature lines of
    /// every trusted cosigner added: what a bundle hands out.
    pub(crate) fn cosigned_note(&self, size: u64, stored: &str) -> String {
        let mut note = stored.to_owned();
        for (key, line) in self.cosigned.get(&size).into_iter().flatten() {
            if self.trusted.contains(key) {
                note.push_str(line);
                note.push('\n');
            }
        }
        note
    }
}

/// What importing a cosignature did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Imported {
    /// The cosigned checkpoint's tree size.
    pub size: u64,
    /// The trusted cosigners whose cosignatures were logged, with the time
    /// each says it cosigned (POSIX seconds).
    pub cosigners: Vec<(String, u64)>,
    /// The log entries that record them.
    pub entries: Vec<u64>,
}

impl Case {
    /// The trusted cosigners and the cosignatures held.
    pub fn cosigners(&self) -> Result<Cosigners, Error> {
        let keys = self.keys();
        let view = crate::curation::read_log(self.vault(), keys.as_ref())?;
        Ok(Cosigners::read(&view))
    }

    /// Trusts (or, with `trust` false, stops trusting) the cosigner of
    /// public key `key`: logged, so the policy has its history.
    pub fn trust_cosigner(&self, key: &str, trust: bool, by: &str) -> Result<CosignerKey, Error> {
        self.writable()?;
        let parsed = CosignerKey::parse(key.trim())
            .map_err(|e| Error::invalid(format!("{key:?} is not a cosigner's key: {e}")))?;
        let key = parsed.to_string();
        let doc = if trust {
            CosignerDoc::Trust { key }
        } else {
            CosignerDoc::Distrust { key }
        };
        let item = Item {
            bytes: doc.encode(),
            name: "cosigner.json".into(),
            note: format!(
                "{} cosigner {}",
                if trust { "trust" } else { "distrust" },
                parsed.name()
            ),
        };
        crate::curation::commit(self.vault(), vec![item], by, None)?;
        Ok(parsed)
    }

    /// Logs the cosignatures in `bytes` (a checkpoint of this log as signed
    /// note, with cosignature lines, as `casefile cosign` writes it): the
    /// checkpoint must be one this log signed, and each line kept must be a
    /// valid cosignature by a trusted cosigner.
    pub fn import_cosignature(&self, bytes: &[u8], by: &str) -> Result<Imported, Error> {
        self.writable()?;
        let note = Note::verify(bytes, &self.vault().verifier()).map_err(|e| {
            Error::invalid(format!("not a checkpoint signed by this case's log: {e}"))
        })?;
        let checkpoint = Checkpoint::parse(&note.text)
            .map_err(|e| Error::invalid(format!("not a checkpoint: {e}")))?;
        let stored = self.vault().checkpoint_at(checkpoint.size).ok_or_else(|| {
            Error::invalid(format!(
                "this log has no checkpoint of size {} to match it",
                checkpoint.size
            ))
        })?;
        let ours = Note::parse(stored.as_bytes()).map_err(|e| Error::integrity(e.to_string()))?;
        if ours.text != note.text {
            return Err(Error::integrity(format!(
                "the cosigned checkpoint of size {} is not the one this log signed: the log \
                 was forked, or the file was changed",
                checkpoint.size
            )));
        }
        let known = self.cosigners()?;
        let mut items = Vec::new();
        let mut cosigners = Vec::new();
        for key in &known.trusted {
            let Ok(parsed) = CosignerKey::parse(key) else {
                continue;
            };
            let Some(time) = parsed.cosigned(&note) else {
                continue;
            };
            let line = cosignature_line(bytes, &parsed).unwrap_or_default();
            let already = known
                .cosigned
                .get(&checkpoint.size)
                .is_some_and(|lines| lines.iter().any(|(k, l)| k == key && *l == line));
            cosigners.push((parsed.name().to_owned(), time));
            if !already {
                items.push(Item {
                    bytes: CosignerDoc::Cosignature {
                        size: checkpoint.size,
                        key: key.clone(),
                        line,
                    }
                    .encode(),
                    name: "cosignature.json".into(),
                    note: format!(
                        "cosignature by {} of the checkpoint of size {}",
                        parsed.name(),
                        checkpoint.size
                    ),
                });
            }
        }
        if cosigners.is_empty() {
            return Err(Error::invalid(format!(
                "no trusted cosigner cosigned this checkpoint of size {} (trust one first: \
                 casefile cosigner trust KEY)",
                checkpoint.size
            )));
        }
        let entries = if items.is_empty() {
            Vec::new()
        } else {
            crate::curation::commit(self.vault(), items, by, None)?
        };
        Ok(Imported {
            size: checkpoint.size,
            cosigners,
            entries,
        })
    }
}

/// The first signature line of `bytes` by `key`'s name and id.
fn cosignature_line(bytes: &[u8], key: &CosignerKey) -> Option<String> {
    let text = std::str::from_utf8(bytes).ok()?;
    let prefix = format!("\u{2014} {} ", key.name());
    text.lines()
        .filter(|l| l.starts_with(&prefix))
        .find(|l| {
            let Ok(note) = Note::parse(format!("x\n\n{l}\n").as_bytes()) else {
                return false;
            };
            note.signatures
                .first()
                .is_some_and(|s| s.key_hash == key.id())
        })
        .map(str::to_owned)
}

/// A new cosigner key named `name`, written to `path` (which must not
/// exist) with mode 0600; returns its public key.
pub fn new_cosigner_key(path: &Path, name: &str) -> Result<CosignerKey, Error> {
    if path.exists() {
        return Err(Error::conflict(format!(
            "{} already exists; a cosigner's key is never overwritten",
            path.display()
        )));
    }
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| Error::io(format!("no randomness: {e}")))?;
    let cosigner = Cosigner::from_seed(name, &seed)
        .map_err(|e| Error::invalid(format!("{name:?} cannot name a cosigner: {e}")))?;
    seed.fill(0);
    let mut text = cosigner.to_private_string();
    text.push('\n');
    crate::keyring::write_new(path, text.as_bytes(), true)?;
    Ok(cosigner.key())
}

/// What the partner's side cosigned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cosigned {
    /// The log's origin.
    pub origin: String,
    /// The checkpoint's tree size.
    pub size: u64,
    /// The size this cosigner cosigned before, when it had.
    pub after: Option<u64>,
    /// The time it cosigned (POSIX seconds).
    pub time: u64,
    /// Where the cosigned checkpoint was written.
    pub out: PathBuf,
}

/// The partner's side: checks the bundle at `bundle` (its folder or zip)
/// in full, checks that its checkpoint extends the last one this cosigner
/// cosigned for the log (kept in `state`, with the log's key, pinned on
/// first use), cosigns it with the key in `key_file`, writes the cosigned
/// checkpoint to `out` for the case to import, and keeps it in `state`.
pub fn cosign_bundle(
    bundle: &Path,
    key_file: &Path,
    state: &Path,
    out: &Path,
) -> Result<Cosigned, Error> {
    let key_text = std::fs::read_to_string(key_file).map_err(|e| io_at(key_file, e))?;
    let cosigner = Cosigner::parse(&key_text).map_err(|e| {
        Error::invalid(format!("{}: not a cosigner's key: {e}", key_file.display()))
    })?;
    let check = crate::bundle_check::verify_bundle(bundle)?;
    let crate::bundle_check::Opened {
        checkpoint: checkpoint_bytes,
        verifier: verifier_bytes,
        earlier,
    } = crate::bundle_check::open_files(bundle)?;
    let verifier_text = String::from_utf8_lossy(&verifier_bytes).trim().to_owned();
    let checkpoint_note =
        Note::parse(&checkpoint_bytes).map_err(|e| Error::integrity(e.to_string()))?;
    let checkpoint =
        Checkpoint::parse(&checkpoint_note.text).map_err(|e| Error::integrity(e.to_string()))?;
    let slot = hex(&sha2::Sha256::digest(check.origin.as_bytes()))[..16].to_owned();
    let state_note = state.join(format!("{slot}.checkpoint"));
    let state_key = state.join(format!("{slot}.log-key"));
    match std::fs::read_to_string(&state_key) {
        Ok(pinned) if pinned.trim() != verifier_text => {
            return Err(Error::conflict(format!(
                "the bundle's log key {verifier_text} is not the key this cosigner has seen for \
                 {} ({})",
                check.origin,
                pinned.trim()
            )));
        }
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_at(&state_key, e)),
    }
    let mut after = None;
    match std::fs::read(&state_note) {
        Ok(bytes) => {
            let verifier =
                NoteVerifier::parse(&verifier_text).map_err(|e| Error::integrity(e.to_string()))?;
            let last = Note::verify(&bytes, &verifier)
                .map_err(|e| Error::integrity(format!("{}: {e}", state_note.display())))?;
            let last = Checkpoint::parse(&last.text)
                .map_err(|e| Error::integrity(format!("{}: {e}", state_note.display())))?;
            if last.size > checkpoint.size {
                return Err(Error::conflict(format!(
                    "the bundle's checkpoint (size {}) is older than the one this cosigner \
                     cosigned (size {})",
                    checkpoint.size, last.size
                )));
            }
            if last.size == checkpoint.size && last.root != checkpoint.root {
                return Err(Error::integrity(format!(
                    "the log was forked: its checkpoint of size {} has another root than the one \
                     this cosigner cosigned",
                    last.size
                )));
            }
            if last.size < checkpoint.size {
                // The bundle's check proved its consistency files; the one
                // from the size cosigned must start from the root cosigned.
                let proven = earlier
                    .iter()
                    .find(|(size, _)| *size == last.size)
                    .ok_or_else(|| {
                        Error::conflict(format!(
                            "the bundle does not prove that its log extends the checkpoint of \
                             size {} this cosigner cosigned (it has no consistency/{}.txt); \
                             ask for a bundle made after that checkpoint was handed out or \
                             imported",
                            last.size, last.size
                        ))
                    })?;
                if proven.1 != last.root {
                    return Err(Error::integrity(format!(
                        "the log was forked: the bundle's checkpoint of size {} has another root \
                         than the one this cosigner cosigned",
                        last.size
                    )));
                }
            }
            after = Some(last.size);
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_at(&state_note, e)),
    }
    let time = jiff::Timestamp::now().as_second().max(0) as u64;
    let line = cosigner
        .cosign(&checkpoint_note.text, time)
        .map_err(|e| Error::integrity(e.to_string()))?;
    let mut cosigned = String::from_utf8_lossy(&checkpoint_bytes).into_owned();
    cosigned.push_str(&line);
    cosigned.push('\n');
    crate::keyring::write_new(out, cosigned.as_bytes(), true)?;
    crate::keyring::write_new(&state_key, format!("{verifier_text}\n").as_bytes(), true)?;
    crate::keyring::write_new(&state_note, &checkpoint_bytes, true)?;
    Ok(Cosigned {
        origin: check.origin,
        size: checkpoint.size,
        after,
        time,
        out: out.to_path_buf(),
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
