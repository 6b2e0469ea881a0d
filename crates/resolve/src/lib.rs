//! casefile's resolution stage: from mentions to entities. This first part
//! decides whether two names name the same person, organization or place,
//! across scripts (Дикий, Dikiy, Dykyi), word order, run-together words,
//! middle names and patronymics, misspellings and legal forms, and says
//! why ([`names::Reason`]). Pure: no I/O.
//!
//! ```
//! use casefile_resolve::names::{compare_names, NameKind};
//! let c = compare_names("Ротенберг Аркадий", "Arkadii Romanovich Rotenberg", NameKind::Person);
//! assert!(c.same);
//! ```

pub mod entities;
pub mod judgements;
pub mod names;

/// The resolver's name and version, recorded with what it proposes.
pub const RESOLVER: &str = concat!("casefile-resolve@", env!("CARGO_PKG_VERSION"));
