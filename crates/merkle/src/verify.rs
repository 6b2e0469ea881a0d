//! Proof verification: pure functions of the proof and what it claims.
//!
//! Inclusion and consistency follow RFC 9162 §2.1.3.2 and §2.1.4.2. Subtree
//! inclusion and subtree consistency follow the Merkle Tree Certificates draft
//! (`draft-ietf-plants-merkle-tree-certs`, section 4), which proves that a
//! subtree `[start, end)` sits inside a larger tree.

use crate::hash::{Hash, empty_root, node_hash};

/// Why a proof was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The leaf index is not inside the tree.
    #[error("leaf {index} is not in a tree of {tree_size} leaves")]
    IndexOutOfRange {
        /// The leaf index.
        index: u64,
        /// The tree size.
        tree_size: u64,
    },
    /// The proof has the wrong number of hashes for these sizes.
    #[error("the proof has the wrong number of hashes ({got})")]
    WrongProofLength {
        /// How many hashes the proof has.
        got: usize,
    },
    /// The older tree is larger than the newer one.
    #[error("the old size {old_size} is larger than the new size {new_size}")]
    SizesOutOfOrder {
        /// The older size.
        old_size: u64,
        /// The newer size.
        new_size: u64,
    },
    /// Consistency with the empty tree proves nothing and is not accepted.
    #[error("a consistency proof from the empty tree proves nothing")]
    EmptyOldTree,
    /// `[start, end)` is not a subtree of the RFC 9162 structure.
    #[error("[{start}, {end}) is not a valid subtree")]
    InvalidSubtree {
        /// First leaf of the subtree.
        start: u64,
        /// One past the last leaf.
        end: u64,
    },
    /// The subtree reaches past the end of the tree.
    #[error("the subtree ends at {end}, past the tree's {tree_size} leaves")]
    SubtreeOutsideTree {
        /// One past the last leaf of the subtree.
        end: u64,
        /// The tree size.
        tree_size: u64,
    },
    /// The proof is well formed but leads to another root.
    #[error("the proof leads to root {computed}, not {expected}")]
    RootMismatch {
        /// The root the caller expected.
        expected: Hash,
        /// The root the proof leads to.
        computed: Hash,
    },
}

fn check_root(expected: &Hash, computed: Hash) -> Result<(), VerifyError> {
    if *expected == computed {
        Ok(())
    } else {
        Err(VerifyError::RootMismatch {
            expected: *expected,
            computed,
        })
    }
}

/// The root that the inclusion `proof` of the leaf with `leaf_hash` at `index`
/// leads to in a tree of `tree_size` leaves.
pub fn root_from_inclusion_proof(
    index: u64,
    tree_size: u64,
    leaf_hash: &Hash,
    proof: &[Hash],
) -> Result<Hash, VerifyError> {
    if index >= tree_size {
        return Err(VerifyError::IndexOutOfRange { index, tree_size });
    }
    let wrong_length = || VerifyError::WrongProofLength { got: proof.len() };
    // `node` walks up from the leaf, `last` from the tree's last leaf; when
    // they meet at the top, both are zero.
    let mut node = index;
    let mut last = tree_size - 1;
    let mut hash = *leaf_hash;
    for sibling in proof {
        if last == 0 {
            return Err(wrong_length());
        }
        if node & 1 == 1 || node == last {
            hash = node_hash(sibling, &hash);
            // A node on the right border with no right sibling is carried up
            // unchanged until it becomes a right child.
            while node & 1 == 0 && node != 0 {
                node >>= 1;
                last >>= 1;
            }
        } else {
            hash = node_hash(&hash, sibling);
        }
        node >>= 1;
        last >>= 1;
    }
    if last != 0 {
        return Err(wrong_length());
    }
    Ok(hash)
}

/// Checks that the leaf with `leaf_hash` is at `index` in the tree of
/// `tree_size` leaves whose root is `root`.
pub fn verify_inclusion(
    index: u64,
    tree_size: u64,
    leaf_hash: &Hash,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), VerifyError> {
    check_root(
        root,
        root_from_inclusion_proof(index, tree_size, leaf_hash, proof)?,
    )
}

/// Checks the older root against the proof and returns the newer root that
/// the proof leads to. Requires `0 < old_size <= new_size`.
pub fn root_from_consistency_proof(
    old_size: u64,
    new_size: u64,
    proof: &[Hash],
    old_root: &Hash,
) -> Result<Hash, VerifyError> {
    if old_size > new_size {
        return Err(VerifyError::SizesOutOfOrder { old_size, new_size });
    }
    if old_size == 0 {
        return Err(VerifyError::EmptyOldTree);
    }
    let wrong_length = || VerifyError::WrongProofLength { got: proof.len() };
    if old_size == new_size {
        return if proof.is_empty() {
            Ok(*old_root)
        } else {
            Err(wrong_length())
        };
    }
    // When the old tree is a perfect subtree, its root is the first node of
    // the path and the proof leaves it out.
    let (seed, rest) = if old_size.is_power_of_two() {
        (*old_root, proof)
    } else {
        match proof.split_first() {
            Some((first, rest)) => (*first, rest),
            None => return Err(wrong_length()),
        }
    };
    let mut node = old_size - 1;
    let mut last = new_size - 1;
    while node & 1 == 1 {
        node >>= 1;
        last >>= 1;
    }
    let mut old_hash = seed;
    let mut new_hash = seed;
    for sibling in rest {
        if last == 0 {
            return Err(wrong_length());
        }
        if node & 1 == 1 || node == last {
            old_hash = node_hash(sibling, &old_hash);
            new_hash = node_hash(sibling, &new_hash);
            while node & 1 == 0 && node != 0 {
                node >>= 1;
                last >>= 1;
            }
        } else {
            new_hash = node_hash(&new_hash, sibling);
        }
        node >>= 1;
        last >>= 1;
    }
    if last != 0 {
        return Err(wrong_length());
    }
    check_root(old_root, old_hash)?;
    Ok(new_hash)
}

/// Checks that the tree of `old_size` leaves with `old_root` is a prefix of the
/// tree of `new_size` leaves with `new_root`.
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    proof: &[Hash],
    old_root: &Hash,
    new_root: &Hash,
) -> Result<(), VerifyError> {
    check_root(
        new_root,
        root_from_consistency_proof(old_size, new_size, proof, old_root)?,
    )
}

/// Whether `[start, end)` is a subtree of the RFC 9162 structure: `start` is a
/// multiple of the smallest power of two at least `end − start`. The empty
/// range is a subtree.
pub fn is_valid_subtree(start: u64, end: u64) -> bool {
    if start > end {
        return false;
    }
    let width = end - start;
    if width == 0 {
        return true;
    }
    match width.checked_next_power_of_two() {
        Some(ceiling) => start.is_multiple_of(ceiling),
        // Only widths above 2^63 have no power of two above them in u64, and
        // such a subtree can only start at zero.
        None => start == 0,
    }
}

/// Checks that the leaf with `leaf_hash` at `index` belongs to the subtree
/// `[start, end)` whose hash is `subtree_hash`.
pub fn verify_subtree_inclusion(
    index: u64,
    start: u64,
    end: u64,
    leaf_hash: &Hash,
    proof: &[Hash],
    subtree_hash: &Hash,
) -> Result<(), VerifyError> {
    if !is_valid_subtree(start, end) {
        return Err(VerifyError::InvalidSubtree { start, end });
    }
    if index < start || index >= end {
        return Err(VerifyError::IndexOutOfRange {
            index,
            tree_size: end,
        });
    }
    // A valid subtree is laid out exactly like a tree of its own width.
    verify_inclusion(index - start, end - start, leaf_hash, proof, subtree_hash)
}

/// Checks that the subtree `[start, end)` with `subtree_hash` sits at those
/// leaves in the tree of `tree_size` leaves whose root is `root`.
///
/// The empty subtree is in every tree: it is accepted with an empty proof when
/// its hash is that of the empty tree.
pub fn verify_subtree_consistency(
    start: u64,
    end: u64,
    tree_size: u64,
    proof: &[Hash],
    subtree_hash: &Hash,
    root: &Hash,
) -> Result<(), VerifyError> {
    if !is_valid_subtree(start, end) {
        return Err(VerifyError::InvalidSubtree { start, end });
    }
    if end > tree_size {
        return Err(VerifyError::SubtreeOutsideTree { end, tree_size });
    }
    let wrong_length = || VerifyError::WrongProofLength { got: proof.len() };
    if start == end {
        if !proof.is_empty() {
            return Err(wrong_length());
        }
        return check_root(subtree_hash, empty_root());
    }
    // `first` and `last` follow the subtree's first and last leaves up the
    // tree, `tree_last` the tree's last leaf.
    let mut first = start;
    let mut last = end - 1;
    let mut tree_last = tree_size - 1;
    if last == tree_last {
        // The subtree shares the tree's right border: its own hash is a node
        // on the path, at the level where its two edges meet.
        while first != last {
            first >>= 1;
            last >>= 1;
            tree_last >>= 1;
        }
    } else {
        // Climb while the last leaf is a right child: those levels are inside
        // the subtree and need no proof hash.
        while first != last && last & 1 == 1 {
            first >>= 1;
            last >>= 1;
            tree_last >>= 1;
        }
    }
    let (seed, rest) = if first == last {
        (*subtree_hash, proof)
    } else {
        match proof.split_first() {
            Some((head, rest)) => (*head, rest),
            None => return Err(wrong_length()),
        }
    };
    let mut sub_hash = seed;
    let mut tree_hash = seed;
    for sibling in rest {
        if tree_last == 0 {
            return Err(wrong_length());
        }
        if last & 1 == 1 || last == tree_last {
            if first < last {
                sub_hash = node_hash(sibling, &sub_hash);
            }
            tree_hash = node_hash(sibling, &tree_hash);
            while last & 1 == 0 && last != 0 {
                first >>= 1;
                last >>= 1;
                tree_last >>= 1;
            }
        } else {
            tree_hash = node_hash(&tree_hash, sibling);
        }
        first >>= 1;
        last >>= 1;
        tree_last >>= 1;
    }
    if tree_last != 0 {
        return Err(wrong_length());
    }
    check_root(subtree_hash, sub_hash)?;
    check_root(root, tree_hash)
}
