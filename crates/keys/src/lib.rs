//! The keys of a case's protected material (testimonies, complaints and
//! everything drawn from them).
//!
//! Three things, each in the age format (age-encryption.org/v1) so that
//! anything casefile encrypts can also be opened with a standard age tool:
//!
//! - a member's [`Identity`]: an age X25519 key pair. Its private part
//!   lives outside the case folder, in an identity file encrypted with the
//!   member's passphrase ([`Identity::to_protected_file`]); the case holds
//!   only its public [`Recipient`].
//! - the [`CaseKey`] of an epoch: another X25519 key pair. Protected
//!   material is encrypted to its public half, which the case folder holds,
//!   so adding a testimony needs nobody's passphrase; its private half is
//!   kept only wrapped ([`WrappedKey`]) to the recipients of the members
//!   cleared for protected material and of the recovery key. A new epoch
//!   begins when a member loses access: what is added after is encrypted
//!   to the new epoch's key, which the removed member was never given.
//! - the [`SourceKey`] of one protected source: its bytes and fields are
//!   encrypted to it, and it is kept wrapped to the epoch's case key, so a
//!   disclosure hands over one source's key and opens nothing else, and
//!   `rekey` re-wraps the keys to a new epoch. The derived store's sealing
//!   key is kept wrapped the same way ([`wrap_sealing_key`]).
//! - [`MemberChange`]: the text document that adds, changes or removes a
//!   member, kept in the case's log like any curation, so who could read
//!   what, and since when, is part of the signed record.
//!
//! Nothing here touches files: the bytes come in and go out, and the case
//! service decides where they are kept. No error message holds a secret,
//! and no `Debug` output shows one.

#![deny(missing_docs)]

mod case_key;
mod identity;
mod member;
mod source_key;

pub use case_key::{CaseKey, WrappedKey, seal_bytes, seal_to};
pub use identity::{Identity, PASSPHRASE_WORK_FACTOR, Recipient};
pub use member::{Change, Clearance, Member, MemberChange, Members, Role, valid_name};
pub use source_key::{
    SourceKey, WrappedHeader, unwrap_sealing_key, wrap_sealing_key, wrapped_header,
};

/// A passphrase, kept out of `Debug` output and wiped when dropped.
pub use age::secrecy::SecretString as Passphrase;

/// What can go wrong with keys and member documents.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The bytes are not an identity file casefile or age can read.
    #[error("{what} is not an age identity file: {problem}")]
    NotAnIdentity {
        /// What was being read ("the identity file", ...).
        what: String,
        /// What is wrong, never quoting a key.
        problem: String,
    },
    /// The identity file is encrypted and no passphrase was given.
    #[error("{what} is protected by a passphrase, and none was given")]
    NeedsPassphrase {
        /// What was being read.
        what: String,
    },
    /// The passphrase does not open the identity file.
    #[error("the passphrase does not open {what}")]
    WrongPassphrase {
        /// What was being read.
        what: String,
    },
    /// A text is not an age recipient (`age1...`).
    #[error("{text:?} is not an age X25519 recipient (age1...)")]
    NotARecipient {
        /// The text given (a public key, safe to show).
        text: String,
    },
    /// None of the file's recipients is the identity given.
    #[error("{what} was not wrapped for this identity ({recipient})")]
    NotForThisIdentity {
        /// What was being opened.
        what: String,
        /// The identity's public recipient.
        recipient: String,
    },
    /// Encrypted bytes fail their authentication or do not parse.
    #[error("{what} is damaged or was altered: {problem}")]
    Damaged {
        /// What was being opened.
        what: String,
        /// What failed.
        problem: String,
    },
    /// A key document or member document breaks its format.
    #[error("{what}, line {line}: {problem}")]
    BadDocument {
        /// Which document.
        what: String,
        /// The 1-based line.
        line: usize,
        /// What is wrong.
        problem: String,
    },
    /// A member change that does not fit the members it applies to.
    #[error("{0}")]
    Membership(String),
}

/// Maps age's decryption errors onto ours, naming `what` and never the
/// key material.
fn decrypt_error(what: &str, error: age::DecryptError) -> KeyError {
    use age::DecryptError as E;
    match error {
        E::NoMatchingKeys => KeyError::Damaged {
            what: what.to_owned(),
            problem: "none of its recipient stanzas opens with the key given".to_owned(),
        },
        E::ExcessiveWork { required, target } => KeyError::Damaged {
            what: what.to_owned(),
            problem: format!(
                "its passphrase work factor 2^{required} is far above what this machine does in \
                 a second (2^{target}); casefile never writes such a file"
            ),
        },
        other => KeyError::Damaged {
            what: what.to_owned(),
            problem: other.to_string(),
        },
    }
}
