//! Verification of proofs that arrive as untrusted byte strings, such as a
//! court bundle or the test vectors of other implementations.
//!
//! Each function checks the length of every hash the algorithm will use, and
//! only those, then runs the typed verifier. Values that a case does not use
//! (the roots of two trees of the same size, which need only be equal; the
//! tree root when the subtree is empty) are compared as given, so these
//! functions judge every input exactly as the typed ones would judge it had
//! the unused values been hashes.

use crate::hash::{Hash, HashLengthError};
use crate::verify::{self, VerifyError};

/// Why a proof given as bytes was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RawVerifyError {
    /// A value that must be a hash has another length.
    #[error("{what}: {source}")]
    BadHash {
        /// Which value: "leaf hash", "root", "proof[3]"...
        what: String,
        /// The length problem.
        source: HashLengthError,
    },
    /// Two values that had to be equal (the roots of two trees of one size,
    /// or a whole-tree subtree and its root) are not.
    #[error("the two roots differ")]
    ValuesDiffer,
    /// The proof itself does not hold.
    #[error(transparent)]
    Proof(#[from] VerifyError),
}

fn parse(what: impl Into<String>, bytes: &[u8]) -> Result<Hash, RawVerifyError> {
    Hash::from_slice(bytes).map_err(|source| RawVerifyError::BadHash {
        what: what.into(),
        source,
    })
}

/// Compares two values that the case at hand only needs to be equal.
fn same_bytes(expected: &[u8], found: &[u8]) -> Result<(), RawVerifyError> {
    if expected == found {
        Ok(())
    } else {
        Err(RawVerifyError::ValuesDiffer)
    }
}

fn parse_proof<B: AsRef<[u8]>>(proof: &[B]) -> Result<Vec<Hash>, RawVerifyError> {
    proof
        .iter()
        .enumerate()
        .map(|(i, bytes)| parse(format!("proof[{i}]"), bytes.as_ref()))
        .collect()
}

/// [`verify::verify_inclusion`] over byte strings.
pub fn verify_inclusion<B: AsRef<[u8]>>(
    index: u64,
    tree_size: u64,
    leaf_hash: &[u8],
    proof: &[B],
    root: &[u8],
) -> Result<(), RawVerifyError> {
    let leaf_hash = parse("leaf hash", leaf_hash)?;
    let root = parse("root", root)?;
    let proof = parse_proof(proof)?;
    Ok(verify::verify_inclusion(
        index, tree_size, &leaf_hash, &proof, &root,
    )?)
}

/// [`verify::verify_consistency`] over byte strings.
pub fn verify_consistency<B: AsRef<[u8]>>(
    old_size: u64,
    new_size: u64,
    proof: &[B],
    old_root: &[u8],
    new_root: &[u8],
) -> Result<(), RawVerifyError> {
    if old_size == new_size && old_size > 0 && proof.is_empty() {
        // Two trees of the same size are consistent exactly when their roots
        // are equal; nothing is hashed.
        return same_bytes(old_root, new_root);
    }
    let proof = parse_proof(proof)?;
    let old_root = parse("old root", old_root)?;
    let new_root = parse("new root", new_root)?;
    Ok(verify::verify_consistency(
        old_size, new_size, &proof, &old_root, &new_root,
    )?)
}

/// [`verify::verify_subtree_inclusion`] over byte strings.
pub fn verify_subtree_inclusion<B: AsRef<[u8]>>(
    index: u64,
    start: u64,
    end: u64,
    leaf_hash: &[u8],
    proof: &[B],
    subtree_hash: &[u8],
) -> Result<(), RawVerifyError> {
    let leaf_hash = parse("leaf hash", leaf_hash)?;
    let subtree_hash = parse("subtree hash", subtree_hash)?;
    let proof = parse_proof(proof)?;
    Ok(verify::verify_subtree_inclusion(
        index,
        start,
        end,
        &leaf_hash,
        &proof,
        &subtree_hash,
    )?)
}

/// [`verify::verify_subtree_consistency`] over byte strings.
pub fn verify_subtree_consistency<B: AsRef<[u8]>>(
    start: u64,
    end: u64,
    tree_size: u64,
    proof: &[B],
    subtree_hash: &[u8],
    root: &[u8],
) -> Result<(), RawVerifyError> {
    if !verify::is_valid_subtree(start, end) {
        return Err(VerifyError::InvalidSubtree { start, end }.into());
    }
    if end > tree_size {
        return Err(VerifyError::SubtreeOutsideTree { end, tree_size }.into());
    }
    if start == 0 && end == tree_size && end > 0 && proof.is_empty() {
        // The subtree is the whole tree: its hash must be the root as given.
        return same_bytes(subtree_hash, root);
    }
    let subtree_hash = parse("subtree hash", subtree_hash)?;
    let proof = parse_proof(proof)?;
    if start == end {
        // The empty subtree is in every tree; the root is not used.
        return Ok(verify::verify_subtree_consistency(
            start,
            end,
            tree_size,
            &proof,
            &subtree_hash,
            &Hash::default(),
        )?);
    }
    let root = parse("root", root)?;
    Ok(verify::verify_subtree_consistency(
        start,
        end,
        tree_size,
        &proof,
        &subtree_hash,
        &root,
    )?)
}
