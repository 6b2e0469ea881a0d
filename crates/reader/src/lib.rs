//! Readers: collected material in, [`Document`]s out.
//!
//! Readers never panic on their input. What they cannot read cleanly becomes
//! a [`Diagnostic`] beside whatever they could read; `Err` is kept for the
//! environment (an I/O error while reading).
//!
//! So far: HTML pages ([`html`]), plain text and text dumps of pages ([`text`]),
//! Telegram Desktop exports ([`telegram`]) and web archives ([`warc`]);
//! [`language`] identifies the language of blocks and documents.

#![deny(missing_docs)]

mod decode;
pub mod format;
pub mod html;
pub mod language;
pub mod telegram;
pub mod text;
pub mod warc;

pub use casefile_document::{Diagnostic, Document};

/// The readers' name and version, recorded with what they read so that a
/// stored reading says which build made it.
pub const READER: &str = concat!("casefile-reader ", env!("CARGO_PKG_VERSION"));

/// Compiles one of the readers' fixed patterns. They are literals in this
/// crate, checked by its tests, so a failure is a bug in the pattern.
pub(crate) fn pattern(source: &str) -> regex::Regex {
    regex::Regex::new(source).unwrap_or_else(|error| unreachable!("a fixed pattern: {error}"))
}

/// A reader's failure of the environment (not of the input).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// Reading the input failed.
    #[error("reading the input: {0}")]
    Io(#[from] std::io::Error),
}
