//! Merkle tree math for casefile's append-only log, as specified by RFC 9162
//! (Certificate Transparency 2.0), section 2.1, plus the subtree proofs of the
//! Merkle Tree Certificates draft.
//!
//! This crate does no I/O and knows nothing of signing or storage. Everything a
//! caller needs from storage is reached through [`HashReader`], which hands out
//! *stored hashes* by their position in the layout described in [`storage`].
//! Verification functions are free functions of their inputs: a third party can
//! check a proof with nothing but this crate.
//!
//! Hashing (RFC 9162 §2.1.1):
//! - leaf hash = SHA-256(0x00 || entry)
//! - node hash = SHA-256(0x01 || left || right)
//! - the root of the empty tree = SHA-256 of the empty string.

#![deny(missing_docs)]

mod hash;
mod proof;
pub mod raw;
pub mod storage;
mod verify;

pub use hash::{HASH_SIZE, Hash, HashLengthError, empty_root, leaf_hash, node_hash};
pub use proof::{ProofError, consistency_proof, inclusion_proof, subtree_hash, tree_hash};
pub use storage::{
    HashReader, MissingHash, stored_hash_count, stored_hash_index, stored_hashes_for_leaf,
};
pub use verify::{
    VerifyError, is_valid_subtree, root_from_consistency_proof, root_from_inclusion_proof,
    verify_consistency, verify_inclusion, verify_subtree_consistency, verify_subtree_inclusion,
};
