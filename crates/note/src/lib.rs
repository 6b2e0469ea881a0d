//! Signed notes and checkpoints, the two text formats in which casefile's log
//! states and signs its size and root.
//!
//! - A *signed note* (C2SP `signed-note`) is UTF-8 text ending in a newline,
//!   followed by an empty line and one line per signature:
//!   `— <key name> <base64(key hash ‖ signature)>`. Keys are Ed25519; a key is
//!   named and identified by a 4-byte hash of its name and public key.
//! - A *checkpoint* (C2SP `tlog-checkpoint`) is the text of such a note: the
//!   log's origin, its size in decimal and its root hash in base64, one per
//!   line, then optional extension lines.
//!
//! - A *cosignature* (C2SP `tlog-cosignature`, Ed25519 `cosignature/v1`)
//!   is another signature line on a checkpoint, by a cosigner that checked
//!   the log only grew.
//!
//! This crate does no I/O: keys come in as bytes or strings and notes as text.

#![deny(missing_docs)]

mod checkpoint;
mod cosign;
mod keys;
mod note;

pub use checkpoint::Checkpoint;
pub use cosign::{Cosigner, CosignerKey, cosigner_key_id};
pub use keys::{NoteSigner, NoteVerifier, key_hash};
pub use note::{Note, NoteSignature};

/// Everything that can be wrong with a key, a note or a checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NoteError {
    /// A key name is empty or holds a space or a plus sign.
    #[error("invalid key name {0:?}: it must be non-empty, without spaces or '+'")]
    BadKeyName(String),
    /// A key string is not of the `<name>+<hash>+<base64>` form.
    #[error("malformed key: {0}")]
    BadKey(&'static str),
    /// The note's text breaks a rule of the format.
    #[error("malformed note: {0}")]
    Malformed(&'static str),
    /// The note has no signature by the expected key.
    #[error("the note has no signature by key {name}")]
    NotSignedBy {
        /// The expected key's name.
        name: String,
    },
    /// A signature by the expected key does not verify.
    #[error("the signature by key {name} does not verify")]
    BadSignature {
        /// The key's name.
        name: String,
    },
    /// The checkpoint text breaks a rule of the format.
    #[error("malformed checkpoint: {0}")]
    BadCheckpoint(&'static str),
}
