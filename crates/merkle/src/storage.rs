//! Where the hashes of a growing tree live, as positions in one flat sequence.
//!
//! When leaf `m` is appended, its leaf hash is stored, followed by the hash of
//! every perfect subtree that leaf completes, lowest level first. A perfect
//! subtree at level `l` with index `k` covers leaves `[k·2^l, (k+1)·2^l)` and is
//! completed by leaf `m = (k+1)·2^l − 1`. Before leaf `m` is appended, a tree of
//! `m` leaves has stored `2m − popcount(m)` hashes, so the subtree's hash sits
//! at position `2m − popcount(m) + l`.
//!
//! The sequence only ever grows, so a store can keep it in an append-only file
//! of fixed-size records. Every subtree hash needed for a root or a proof is a
//! combination of these stored hashes.

use crate::hash::{Hash, node_hash};

/// Something that hands out stored hashes by position: a file, a database
/// table or a slice in memory.
pub trait HashReader {
    /// The error a read can fail with.
    type Error;

    /// Returns the stored hashes at `positions`, in the same order.
    fn read_hashes(&self, positions: &[u64]) -> Result<Vec<Hash>, Self::Error>;
}

/// A position asked of an in-memory sequence that it does not hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("no stored hash at position {0}")]
pub struct MissingHash(pub u64);

impl HashReader for [Hash] {
    type Error = MissingHash;

    fn read_hashes(&self, positions: &[u64]) -> Result<Vec<Hash>, Self::Error> {
        positions
            .iter()
            .map(|&position| {
                usize::try_from(position)
                    .ok()
                    .and_then(|index| self.get(index))
                    .copied()
                    .ok_or(MissingHash(position))
            })
            .collect()
    }
}

impl HashReader for Vec<Hash> {
    type Error = MissingHash;

    fn read_hashes(&self, positions: &[u64]) -> Result<Vec<Hash>, Self::Error> {
        self.as_slice().read_hashes(positions)
    }
}

/// How many hashes a tree of `tree_size` leaves has stored: `2n − popcount(n)`.
pub fn stored_hash_count(tree_size: u64) -> u64 {
    2 * tree_size - u64::from(tree_size.count_ones())
}

/// The position of the perfect subtree at `level` with `index` in the stored
/// sequence.
pub fn stored_hash_index(level: u32, index: u64) -> u64 {
    // The last leaf of the subtree is the one that completes it.
    let completing_leaf = ((index + 1) << level) - 1;
    stored_hash_count(completing_leaf) + u64::from(level)
}

/// The hashes to append to the stored sequence when the leaf with `leaf_hash`
/// is added to a tree that has `tree_size` leaves: the leaf hash, then one hash
/// for each perfect subtree it completes.
pub fn stored_hashes_for_leaf<R: HashReader + ?Sized>(
    tree_size: u64,
    leaf_hash: Hash,
    reader: &R,
) -> Result<Vec<Hash>, R::Error> {
    let completed_levels = (tree_size + 1).trailing_zeros();
    // The left siblings are the perfect subtrees just before the new leaf, one
    // per completed level.
    let positions: Vec<u64> = (0..completed_levels)
        .map(|level| stored_hash_index(level, (tree_size >> level) - 1))
        .collect();
    let siblings = reader.read_hashes(&positions)?;
    let mut out = Vec::with_capacity(siblings.len() + 1);
    out.push(leaf_hash);
    let mut current = leaf_hash;
    for sibling in siblings {
        current = node_hash(&sibling, &current);
        out.push(current);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::leaf_hash;

    #[test]
    fn positions_follow_append_order() {
        // Leaf 0: [L0]; leaf 1: [L1, N(0..2)]; leaf 2: [L2]; leaf 3: [L3, N(2..4), N(0..4)].
        assert_eq!(stored_hash_index(0, 0), 0);
        assert_eq!(stored_hash_index(0, 1), 1);
        assert_eq!(stored_hash_index(1, 0), 2);
        assert_eq!(stored_hash_index(0, 2), 3);
        assert_eq!(stored_hash_index(0, 3), 4);
        assert_eq!(stored_hash_index(1, 1), 5);
        assert_eq!(stored_hash_index(2, 0), 6);
        assert_eq!(stored_hash_count(4), 7);
        assert_eq!(stored_hash_count(5), 8);
    }

    #[test]
    fn appending_builds_the_sequence_in_position_order() {
        let mut stored: Vec<Hash> = Vec::new();
        for n in 0..100u64 {
            let new = stored_hashes_for_leaf(n, leaf_hash(&n.to_be_bytes()), &stored).unwrap();
            stored.extend(new);
            assert_eq!(stored.len() as u64, stored_hash_count(n + 1));
        }
        let l0 = leaf_hash(&0u64.to_be_bytes());
        let l1 = leaf_hash(&1u64.to_be_bytes());
        assert_eq!(
            stored[stored_hash_index(1, 0) as usize],
            node_hash(&l0, &l1)
        );
    }
}
