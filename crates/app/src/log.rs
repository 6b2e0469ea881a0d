//! Reading the log's entries a page at a time: one open of the log per
//! page of sources, never one per source.

use casefile_vault::{Case, SourceRecord};

use crate::error::Error;

/// Sources are fetched from the log in pages of this many.
pub(crate) const PAGE: usize = 4096;

/// Which entries a walk over the log visits.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Selection<'a> {
    /// Every entry below this log size.
    Below(u64),
    /// These entries (sorted, without repeats).
    Only(&'a [u64]),
}

impl Selection<'_> {
    fn first(&self) -> Option<u64> {
        match self {
            Selection::Below(size) => (*size > 0).then_some(0),
            Selection::Only(indexes) => indexes.first().copied(),
        }
    }

    fn after(&self, last: u64) -> Option<u64> {
        match self {
            Selection::Below(size) => (last + 1 < *size).then_some(last + 1),
            Selection::Only(indexes) => {
                let at = indexes.partition_point(|&i| i <= last);
                indexes.get(at).copied()
            }
        }
    }

    fn holds(&self, index: u64) -> bool {
        match self {
            Selection::Below(size) => index < *size,
            Selection::Only(indexes) => indexes.binary_search(&index).is_ok(),
        }
    }
}

/// The selected entries of the log, in log order, a page at a time (a
/// page may hold none of them when the selection is sparse).
pub(crate) struct Pages<'a> {
    case: &'a Case,
    selection: Selection<'a>,
    next: Option<u64>,
}

/// Walks the entries `selection` names.
pub(crate) fn pages<'a>(case: &'a Case, selection: Selection<'a>) -> Pages<'a> {
    Pages {
        case,
        next: selection.first(),
        selection,
    }
}

impl Iterator for Pages<'_> {
    type Item = Result<Vec<SourceRecord>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let first = self.next.take()?;
        let page = match self.case.sources(first, PAGE) {
            Ok(page) => page,
            Err(error) => return Some(Err(error.into())),
        };
        let last = page.last()?.entry.index;
        self.next = self.selection.after(last);
        Some(Ok(page
            .into_iter()
            .filter(|r| self.selection.holds(r.entry.index))
            .collect()))
    }
}
