//! Curation: a person's judgements about entities and actions on records,
//! each a small JSON document logged like evidence (kind `curation`), as
//! are the member and key documents (read by the keyring). This
//! module reads them back from the log and commits new ones, from bytes.

use std::collections::HashMap;
use std::io::Read as _;

use casefile_records::{ACTION_FORMAT, Action, Provenance};
use casefile_resolve::judgements::{JUDGEMENT_FORMAT, Judgement};
use casefile_vault::{AddOptions, Case, SourceKind};

use crate::error::{Context as _, Error};
use crate::keyring::Keyring;
use crate::log::Selection;

/// The largest a curation document may be: a hand-out's
/// ([`crate::bundle::MAX_HANDOUT_LEN`], it lists every exhibit), the others
/// are smaller.
const MAX_CURATION_LEN: usize = {
    let most = if casefile_records::MAX_ACTION_LEN > casefile_resolve::judgements::MAX_JUDGEMENT_LEN
    {
        casefile_records::MAX_ACTION_LEN
    } else {
        casefile_resolve::judgements::MAX_JUDGEMENT_LEN
    };
    if crate::bundle::MAX_HANDOUT_LEN > most {
        crate::bundle::MAX_HANDOUT_LEN
    } else {
        most
    }
};

/// What sealing adds to a curation document at most: the age header for
/// one recipient and a tag per 64 KiB chunk.
const SEALING_OVERHEAD: usize = 1024;

/// A person's recorded curation: a judgement about entities, or an action
/// on records.
pub(crate) enum Curated {
    /// `entity merge`, `split`, `not-same`.
    Judgement(Box<Judgement>),
    /// `record add`, `edit`, `confirm`, `reject`, `dispute`.
    Action(Box<Action>),
    /// A witness registered, their consent, a confirmed mask.
    Witness(Box<crate::witness::WitnessDoc>),
    /// A bundle handed out (`casefile bundle`).
    Handout(Box<crate::bundle::Handout>),
    /// A cosigner trusted or not, a cosignature imported.
    Cosigner(Box<crate::cosign::CosignerDoc>),
}

/// One curation entry as read from the log.
pub(crate) struct Logged {
    /// Who made it, in which entry, when.
    pub by: Provenance,
    /// What it says.
    pub curated: Curated,
    /// Whether it was logged sealed: it is about protected material, and
    /// only the protected layer applies it.
    pub sealed: bool,
}

/// What the log says: its curation entries in log order, each with who
/// made it, and when each source was logged.
pub(crate) struct LogView {
    /// The curation entries.
    pub curated: Vec<Logged>,
    /// Sealed curation entries left unread: the case is locked.
    pub sealed_locked: u64,
    /// When each source was logged, by log index.
    pub logged_at: HashMap<u64, String>,
}

/// Reads the log a page at a time: every curation entry (read from its
/// blob, digest checked, decoded by its format; a sealed one opened with
/// `keyring`, or left out and counted when there is none) and each entry's
/// time.
pub(crate) fn read_log(case: &Case, keyring: Option<&Keyring>) -> Result<LogView, Error> {
    let (size, _) = case.latest_checkpoint()?;
    let mut view = LogView {
        curated: Vec::new(),
        sealed_locked: 0,
        logged_at: HashMap::new(),
    };
    for page in crate::log::pages(case, Selection::Below(size)) {
        for record in &page? {
            let entry = &record.entry;
            view.logged_at.insert(entry.index, entry.added_at.clone());
            if entry.kind != SourceKind::Curation {
                continue;
            }
            let place = || format!("curation entry #{} ({})", entry.index, record.id);
            let sealed = entry.sealed.is_some();
            let opened = match (sealed, keyring) {
                (false, _) => None,
                (true, None) => {
                    view.sealed_locked += 1;
                    continue;
                }
                (true, Some(keyring)) => Some(
                    keyring
                        .open_source(case.data_dir(), record)
                        .with_context(|| format!("opening {}", place()))?
                        .0,
                ),
            };
            let mut blob = case.open_blob(&entry.sha256)?;
            let mut bytes = Vec::new();
            // Sealing adds the age header and a tag per chunk.
            let limit = MAX_CURATION_LEN + if sealed { SEALING_OVERHEAD } else { 0 };
            std::io::Read::by_ref(&mut blob)
                .take(limit as u64 + 1)
                .read_to_end(&mut bytes)
                .with_context(|| format!("reading {}", place()))?;
            if bytes.len() <= limit {
                blob.finish()
                    .with_context(|| format!("reading {}", place()))?;
            }
            if let Some(key) = &opened {
                bytes = key
                    .open_bytes(&bytes, &place())
                    .map_err(Error::from)?
                    .to_vec();
            }
            if crate::keyring::is_keys_document(&bytes) {
                // Members and case keys: read by the keyring, not curation
                // of the records.
                continue;
            }
            let curated = decode(&bytes).map_err(|e| e.context(place()))?;
            let by = Provenance {
                method: format!("person:{}", entry.by),
                entry: entry.index,
                at: Some(entry.added_at.clone()),
            };
            view.curated.push(Logged {
                by,
                curated,
                sealed,
            });
        }
    }
    Ok(view)
}

/// What kind of curation document `bytes` are, by their `format`.
pub(crate) fn format_of(bytes: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Head {
        format: String,
    }
    serde_json::from_slice::<Head>(bytes).ok().map(|h| h.format)
}

/// Decodes one curation document by its format.
fn decode(bytes: &[u8]) -> Result<Curated, Error> {
    let format = format_of(bytes).ok_or_else(|| Error::integrity("not a curation document"))?;
    Ok(match format.as_str() {
        JUDGEMENT_FORMAT => Curated::Judgement(Box::new(
            Judgement::decode(bytes).map_err(|e| Error::integrity(e.to_string()))?,
        )),
        ACTION_FORMAT => Curated::Action(Box::new(
            Action::decode(bytes).map_err(|e| Error::integrity(e.to_string()))?,
        )),
        crate::witness::WITNESS_FORMAT => {
            Curated::Witness(Box::new(crate::witness::WitnessDoc::decode(bytes)?))
        }
        crate::bundle::HANDOUT_FORMAT => {
            Curated::Handout(Box::new(crate::bundle::Handout::decode(bytes)?))
        }
        crate::cosign::COSIGNER_FORMAT => {
            Curated::Cosigner(Box::new(crate::cosign::CosignerDoc::decode(bytes)?))
        }
        other => {
            return Err(Error::integrity(format!(
                "its format {other:?} is not {JUDGEMENT_FORMAT:?}, {ACTION_FORMAT:?}, {:?}, {:?} \
                 or {:?}",
                crate::witness::WITNESS_FORMAT,
                crate::bundle::HANDOUT_FORMAT,
                crate::cosign::COSIGNER_FORMAT
            )));
        }
    })
}

/// Whether any curation entry in `from..to` is a judgement about entities
/// (which can move mentions of any document between entities).
pub(crate) fn judgements_among(case: &Case, from: u64, to: u64) -> Result<bool, Error> {
    let wanted: Vec<u64> = (from..to).collect();
    for page in crate::log::pages(case, Selection::Only(&wanted)) {
        for record in &page? {
            // A sealed entry is about protected material, which the plain
            // index does not hold.
            if record.entry.kind != SourceKind::Curation || record.entry.sealed.is_some() {
                continue;
            }
            let mut blob = case.open_blob(&record.entry.sha256)?;
            let mut bytes = Vec::new();
            std::io::Read::by_ref(&mut blob)
                .take(MAX_CURATION_LEN as u64 + 1)
                .read_to_end(&mut bytes)?;
            if format_of(&bytes).as_deref() != Some(ACTION_FORMAT)
                && !crate::keyring::is_keys_document(&bytes)
            {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// One curation document to log: its bytes, the name it is logged under
/// and the note kept with its entry.
pub(crate) struct Item {
    /// The encoded document.
    pub bytes: Vec<u8>,
    /// Its file name in the entry.
    pub name: String,
    /// The entry's note (what was done, in words).
    pub note: String,
}

/// Logs curation documents, one entry each, in one commit and one
/// checkpoint; returns their log indexes. With `sealed_to` (the current
/// epoch's key), curation that touches protected material is sealed like
/// a protected source: document, name and note.
pub(crate) fn commit(
    case: &Case,
    items: Vec<Item>,
    by: &str,
    sealed_to: Option<&(u64, casefile_keys::Recipient)>,
) -> Result<Vec<u64>, Error> {
    let mut prepared = Vec::with_capacity(items.len());
    for item in items {
        let options = AddOptions {
            kind: SourceKind::Curation,
            url: None,
            acquired_at: None,
            note: Some(item.note),
            by: by.to_owned(),
            sealed: None,
        };
        prepared.push(match sealed_to {
            None => (case.prepare_bytes(&item.name, &item.bytes)?, options),
            Some(target) => {
                crate::keyring::seal_bytes(case, &item.name, &item.bytes, target, options, None)?
            }
        });
    }
    let added = case.commit(prepared)?;
    case.update_catalogue()?;
    Ok(added.iter().map(|a| a.log_index).collect())
}
