//! casefile's evidence vault.
//!
//! A case folder keeps every byte a user adds unchanged, under its SHA-256
//! (the blob store), and records each acquisition as one entry of an
//! append-only log whose Merkle tree (RFC 9162) is stated and signed after
//! every add as a checkpoint (C2SP `tlog-checkpoint` in a `signed-note`).
//! A SQLite catalogue indexes the sources for lookups; it is derived from the
//! log and rebuilt from it when it lags.
//!
//! The vault and the log are the truth: nothing in them is changed or
//! deleted. The one exception is recovery after a crash, which cuts off bytes
//! appended past the latest checkpoint, bytes that no add ever reported as
//! stored.

#![deny(missing_docs)]

mod blobs;
mod case;
mod catalog;
mod entry;
mod error;
mod files;
mod log;
mod verify;

pub use blobs::{BlobReader, PreparedBlob, Sha256, Transform};
pub use case::{
    AddOptions, AddedSource, CASE_DIR, Case, CaseConfig, Clock, ConsistencyProof, InclusionProof,
    Prover, SystemClock,
};
pub use catalog::SourceRecord;
pub use entry::{
    Acquisition, ENTRY_MAGIC, EntryError, MAX_ENTRY_LEN, SEALED_ENTRY_MAGIC, SEALED_FIELDS_MAGIC,
    SealedFields, SourceKind,
};
pub use error::VaultError;
pub use verify::{Problem, VerifyReport};
