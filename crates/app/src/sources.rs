//! The sources of a case, a page at a time, as any front end lists them:
//! what a protected source's entry shows (kind, size, time) and nothing
//! of what it seals.

use serde::Serialize;

use crate::case::Case;
use crate::error::Error;

/// One source as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceLine {
    /// Its log index.
    pub index: u64,
    /// Its id (`src_...`).
    pub id: String,
    /// Its kind.
    pub kind: String,
    /// Its file name (open sources only).
    pub name: Option<String>,
    /// Where it was found (open sources only).
    pub url: Option<String>,
    /// When it was collected (open sources only).
    pub acquired_at: Option<String>,
    /// When it was logged.
    pub added_at: String,
    /// Who logged it.
    pub by: String,
    /// Its size in bytes (a protected source's ciphertext's).
    pub size: u64,
    /// SHA-256 of what the entry commits to.
    pub sha256: String,
    /// Whether it is protected material (sealed, or of a protected kind
    /// stored before sealing).
    pub sealed: bool,
}

impl Case {
    /// Up to `limit` sources from log index `first` on, curation entries
    /// left out.
    /// Without a key, a protected source stored before sealing shows no
    /// more than a sealed one.
    pub fn sources(&self, first: u64, limit: usize) -> Result<Vec<SourceLine>, Error> {
        let locked = self.keys().is_none();
        Ok(self
            .vault()
            .sources(first, limit)?
            .into_iter()
            .filter(|r| r.entry.kind != casefile_vault::SourceKind::Curation)
            .map(|r| {
                let hide = locked && r.entry.kind.is_protected();
                let shown = |field: Option<String>| field.filter(|_| !hide);
                SourceLine {
                    index: r.entry.index,
                    id: r.id,
                    kind: r.entry.kind.as_str().to_owned(),
                    name: shown(r.entry.name),
                    url: shown(r.entry.url),
                    acquired_at: shown(r.entry.acquired_at),
                    added_at: r.entry.added_at,
                    by: r.entry.by,
                    size: r.entry.size,
                    sha256: r.entry.sha256.to_hex(),
                    sealed: r.entry.sealed.is_some() || r.entry.kind.is_protected(),
                }
            })
            .collect())
    }

    /// Whether source `index` is protected material: sealed, or of a
    /// protected kind (a testimony, a complaint) stored before sealing.
    pub fn is_protected_source(&self, index: u64) -> Result<bool, Error> {
        let record = self.vault().source(index)?;
        Ok(record.entry.sealed.is_some() || record.entry.kind.is_protected())
    }
}

/// A source's bytes as they were collected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Original {
    /// The file name it was added under (`source-N` when it had none).
    pub name: String,
    /// Its bytes: a protected source's opened from its ciphertext.
    pub bytes: Vec<u8>,
}

/// The largest original handed out whole in memory; a larger one is taken
/// out with the command line.
pub const MAX_ORIGINAL: u64 = 512 * 1024 * 1024;

impl Case {
    /// The bytes of source `index` as they were collected. Protected
    /// material needs the case unlocked by a cleared member: a handle
    /// without a key refuses it, sealed or not.
    pub fn original(&self, index: u64) -> Result<Original, Error> {
        use std::io::Read as _;
        let record = self.vault().source(index)?;
        let entry = &record.entry;
        if entry.kind == casefile_vault::SourceKind::Curation {
            return Err(Error::not_found(format!(
                "log entry #{index} is curation, not a source"
            )));
        }
        let protected = entry.sealed.is_some() || entry.kind.is_protected();
        let keys = self.keys();
        if protected && keys.is_none() {
            return Err(Error::locked(format!(
                "source #{index} is protected material: its bytes need the case unlocked by a \
                 member cleared for it"
            )));
        }
        if entry.size > MAX_ORIGINAL {
            return Err(Error::invalid(format!(
                "source #{index} holds {} bytes, more than is handed out at once; take it out \
                 with the command line",
                entry.size
            )));
        }
        let mut bytes = Vec::with_capacity(entry.size as usize);
        let mut blob = self.vault().open_blob(&entry.sha256)?;
        blob.read_to_end(&mut bytes)?;
        blob.finish()?;
        let default = format!("source-{index}");
        let name = match (&*keys, entry.sealed.is_some()) {
            (Some(keyring), true) => {
                let (key, fields) = keyring.open_source(self.vault().data_dir(), &record)?;
                bytes = key
                    .open_bytes(&bytes, &format!("the ciphertext of source #{index}"))?
                    .to_vec();
                fields.name.unwrap_or(default)
            }
            _ => entry.name.clone().unwrap_or(default),
        };
        Ok(Original { name, bytes })
    }
}

/// One entry of the log as the audit trail lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogLine {
    /// Its log index.
    pub index: u64,
    /// Its kind (`curation` for judgements, record actions, members,
    /// hand-outs...).
    pub kind: String,
    /// Who logged it.
    pub by: String,
    /// When.
    pub added_at: String,
    /// What it says it is (open entries only: a sealed entry's note is
    /// sealed with it).
    pub note: Option<String>,
    /// Its file name (open entries only).
    pub name: Option<String>,
    /// Whether it is sealed.
    pub sealed: bool,
    /// SHA-256 of what it commits to.
    pub sha256: String,
    /// The size of the first checkpoint that covers it: from then on its
    /// inclusion can be proven.
    pub checkpoint: Option<u64>,
}

impl Case {
    /// Up to `limit` entries of the log from index `first` on, every kind,
    /// each with the first checkpoint covering it. A sealed entry shows
    /// what the log shows anyone (kind, who, when, size), nothing it seals.
    pub fn log_lines(&self, first: u64, limit: usize) -> Result<Vec<LogLine>, Error> {
        let sizes = self.vault().checkpoint_sizes()?;
        let locked = self.keys().is_none();
        Ok(self
            .vault()
            .sources(first, limit)?
            .into_iter()
            .map(|r| {
                let index = r.entry.index;
                let at = sizes.partition_point(|&s| s <= index);
                let hide = locked && r.entry.kind.is_protected();
                LogLine {
                    index,
                    kind: r.entry.kind.as_str().to_owned(),
                    by: r.entry.by,
                    added_at: r.entry.added_at,
                    note: r.entry.note.filter(|_| !hide),
                    name: r.entry.name.filter(|_| !hide),
                    sealed: r.entry.sealed.is_some(),
                    sha256: r.entry.sha256.to_hex(),
                    checkpoint: sizes.get(at).copied(),
                }
            })
            .collect())
    }
}
