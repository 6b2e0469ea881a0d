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
    /// Whether it is protected and sealed.
    pub sealed: bool,
}

impl Case {
    /// Up to `limit` sources from log index `first` on, curation entries
    /// left out.
    pub fn sources(&self, first: u64, limit: usize) -> Result<Vec<SourceLine>, Error> {
        Ok(self
            .vault()
            .sources(first, limit)?
            .into_iter()
            .filter(|r| r.entry.kind != casefile_vault::SourceKind::Curation)
            .map(|r| SourceLine {
                index: r.entry.index,
                id: r.id,
                kind: r.entry.kind.as_str().to_owned(),
                name: r.entry.name,
                url: r.entry.url,
                acquired_at: r.entry.acquired_at,
                added_at: r.entry.added_at,
                by: r.entry.by,
                size: r.entry.size,
                sha256: r.entry.sha256.to_hex(),
                sealed: r.entry.sealed.is_some(),
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
