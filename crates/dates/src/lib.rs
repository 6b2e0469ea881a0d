//! casefile's one reader of dates. Three kinds of text name a time here:
//!
//! - a partial date as a person types it (`2024`, `2024-05`,
//!   `2024-05-01`), for `--acquired-at`, `--from`, `--as-of` ([`PartialDate`]);
//! - the time an entry was logged or a source collected, an RFC 3339 time
//!   kept in UTC or a partial date ([`normalize_time`]);
//! - the EDTF values the extractor writes, with seasons, quarters, decades,
//!   intervals and qualifiers, and the span of days each can mean ([`edtf`]).
//!
//! Every other crate reads dates through this one, so a form accepted in
//! one place is accepted, and means the same days, in every other.

#![deny(missing_docs)]

pub mod edtf;
mod partial;

pub use partial::{DateError, PartialDate, day_start, first_day, normalize_time};
