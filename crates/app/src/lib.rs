//! casefile as an application: the case service every front end uses.
//!
//! A [`Case`] is the handle of one case folder. It does every write
//! (adding files or bytes, judgements about entities, actions on records,
//! rebuilding) and one explicit [`Case::sync`] brings what is derived (the
//! documents read from the sources, their extractions, the entities, the
//! records and the search index) up to the log. Queries go through a
//! [`Snapshot`]: cheap to take, read-only, consistent with one state of the
//! derived store however long it is held, and never writing. Many snapshots
//! on many threads and in other processes read while one writer works;
//! none of them takes the writer's lock.
//!
//! Inputs and outputs are plain serializable types; errors are one
//! [`Error`] whose kind maps to exit codes and HTTP statuses; long work
//! reports through [`Progress`]. Nothing here knows a terminal, an argument
//! parser or HTTP.

pub mod bundle;
pub mod bundle_check;
mod case;
pub mod cosign;
mod curation;
pub mod dates;
pub mod disclose;
mod entities;
mod error;
pub mod export;
pub mod fonts;
pub mod identity;
mod keyring;
mod log;
mod members;
pub mod models;
mod pipeline;
pub mod progress;
mod records;
mod report;
mod resolve;
mod search;
mod snapshot;
pub mod sources;
mod withheld;
pub mod witness;

pub use case::{AddOutcome, AddRequest, Case, Failure, JudgeOutcome, Logged, Placed, SyncStats};
pub use entities::{Explained, ShownEntity, explain_names, is_entity_ref};
pub use error::{BoxError, Cause, Context, Error, ErrorKind};
pub use members::{Founding, MemberOutcome, RECOVERY_MEMBER, RekeyOutcome, Unlocked, add_change};
pub use pipeline::{ReadStats, describe as describe_read};
pub use progress::{Progress, Quiet};
pub use records::{MERGED, RecordStats, record_id};
pub use resolve::{ResolveStats, StoredEntity, StoredMention, describe as describe_resolved};
pub use search::IndexStats;
pub use snapshot::{ActionOutcome, Duplicates, ShownRecord, Snapshot};

/// The plain types of the layers below, as the service hands them out:
/// for front ends to print, never to reach the stores with.
pub mod types {
    pub use casefile_derived::{EntitySummary, Reading, RecordLink, RecordSummary, Totals};
    pub use casefile_document::{Diagnostic, Document, Origin, Severity};
    pub use casefile_extract::{Context as ExtractContext, Extraction};
    pub use casefile_index::{SearchQuery, SearchResults, What};
    pub use casefile_records::action::Citation;
    pub use casefile_records::duplicates::Duplicate;
    pub use casefile_records::{Action, ActionKind, Link, Record, RecordKind, vocabulary};
    pub use casefile_report::Report;
    pub use casefile_resolve::judgements::Verdict;
    pub use casefile_resolve::names::{Comparison, NameKind, THRESHOLD};
    pub use casefile_vault::{
        AddedSource, ConsistencyProof, InclusionProof, Problem, SourceKind, VerifyReport,
    };
}

/// The keys of protected material, as the service takes and hands them out:
/// member identities (read by [`identity`]), their public keys, and the
/// member documents of [`Case::change_members`].
pub mod keys {
    pub use casefile_keys::{
        Change, Clearance, Identity, KeyError, Member, MemberChange, Passphrase, Recipient, Role,
        valid_name,
    };
}

/// Rendering the report as text, for front ends that print it.
pub mod render {
    pub use casefile_report::html::{Line, outline};
    pub use casefile_report::{Citation, nothing, render, render_timeline};
}

/// Reading and extracting files that are not in any case (`casefile read`
/// and `extract`): nothing is stored.
pub mod loose {
    use casefile_document::Document;
    use casefile_extract::{Context, Extraction};

    use crate::error::{Context as _, Error};
    use crate::progress::Progress;

    pub use casefile_reader::format::Summary;

    /// Reads one file with the reader its kind needs, handing each
    /// document to `visit`; a file no reader fits, or an empty one, is an
    /// error naming it.
    pub fn read_file(
        file: std::fs::File,
        path: &std::path::Path,
        name: Option<&str>,
        visit: &mut dyn FnMut(Document),
    ) -> Result<Summary, Error> {
        if file.metadata().is_ok_and(|m| m.is_file() && m.len() == 0) {
            return Err(Error::invalid(format!(
                "{}: empty file: there is nothing to read",
                path.display()
            )));
        }
        let read = casefile_reader::format::detect_and_read(file, name, visit)
            .with_context(|| format!("reading {}", path.display()))?;
        let (_, summary) = read.ok_or_else(|| {
            Error::invalid(format!(
                "{}: no reader for this kind of file yet; casefile reads text, HTML pages, \
                 web archives (WARC, ARC) and Telegram Desktop exports (result.json) so far",
                path.display()
            ))
        })?;
        Ok(summary)
    }

    /// The models extraction uses, loaded once per process (what is
    /// missing is said through `progress`, once).
    pub fn models(progress: &dyn Progress) -> &'static casefile_extract::Models {
        static MODELS: std::sync::OnceLock<casefile_extract::Models> = std::sync::OnceLock::new();
        MODELS.get_or_init(|| crate::models::load_or_default(progress))
    }

    /// Extracts what one document says, with the installed models.
    pub fn extract(document: &Document, context: &Context, progress: &dyn Progress) -> Extraction {
        casefile_extract::extract_with(document, context, models(progress))
    }
}
