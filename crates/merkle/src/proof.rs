//! Roots and proofs of a stored tree (RFC 9162 §2.1.2 to §2.1.4), computed from
//! stored hashes read through a [`HashReader`].

use crate::hash::{Hash, empty_root, node_hash};
use crate::storage::{HashReader, stored_hash_index};

/// Why a root or a proof could not be produced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProofError<E> {
    /// The leaf index is not inside the tree.
    #[error("leaf {index} is not in a tree of {tree_size} leaves")]
    IndexOutOfRange {
        /// The requested leaf.
        index: u64,
        /// The size of the tree.
        tree_size: u64,
    },
    /// A consistency proof was asked between sizes that do not allow one.
    #[error("no consistency proof from size {old_size} to size {new_size}")]
    BadSizes {
        /// The older size.
        old_size: u64,
        /// The newer size.
        new_size: u64,
    },
    /// The hash reader failed.
    #[error("reading stored hashes: {0}")]
    Read(E),
}

/// The largest power of two strictly smaller than `n` (for `n >= 2`).
fn split_point(n: u64) -> u64 {
    1 << (63 - (n - 1).leading_zeros())
}

/// The stored positions whose hashes, folded right to left, give the hash of
/// the leaves `[start, end)`. The range must be a subtree of the RFC 9162
/// structure: `start` a multiple of a power of two at least `end − start`.
fn range_positions(start: u64, end: u64, out: &mut Vec<u64>) {
    let mut low = start;
    let mut remaining = end - start;
    // The pieces are the perfect subtrees given by the binary digits of the
    // range's width, widest first.
    while remaining > 0 {
        let level = 63 - remaining.leading_zeros();
        out.push(stored_hash_index(level, low >> level));
        low += 1 << level;
        remaining -= 1 << level;
    }
}

fn fold_right(pieces: &[Hash]) -> Hash {
    let mut iter = pieces.iter().rev();
    let Some(last) = iter.next() else {
        return empty_root();
    };
    iter.fold(*last, |right, left| node_hash(left, &right))
}

/// Reads and folds many ranges with one call to the reader.
fn range_hashes<R: HashReader + ?Sized>(
    ranges: &[(u64, u64)],
    reader: &R,
) -> Result<Vec<Hash>, ProofError<R::Error>> {
    let mut positions = Vec::new();
    let mut bounds = Vec::with_capacity(ranges.len());
    for &(start, end) in ranges {
        let first = positions.len();
        range_positions(start, end, &mut positions);
        bounds.push(first..positions.len());
    }
    let hashes = reader.read_hashes(&positions).map_err(ProofError::Read)?;
    Ok(bounds
        .into_iter()
        .map(|range| fold_right(&hashes[range]))
        .collect())
}

/// The hash of the leaves `[start, end)`, which must form a subtree (see
/// [`crate::is_valid_subtree`]) of a tree the reader holds.
pub fn subtree_hash<R: HashReader + ?Sized>(
    start: u64,
    end: u64,
    reader: &R,
) -> Result<Hash, ProofError<R::Error>> {
    Ok(range_hashes(&[(start, end)], reader)?
        .pop()
        .unwrap_or_else(empty_root))
}

/// The root hash of the tree made of the first `tree_size` leaves.
pub fn tree_hash<R: HashReader + ?Sized>(
    tree_size: u64,
    reader: &R,
) -> Result<Hash, ProofError<R::Error>> {
    subtree_hash(0, tree_size, reader)
}

/// The ranges whose hashes form the audit path of leaf `index` in the subtree
/// `[base, base + size)` (RFC 9162 §2.1.3.1, PATH), lowest first.
fn path_ranges(index: u64, base: u64, size: u64, out: &mut Vec<(u64, u64)>) {
    if size <= 1 {
        return;
    }
    let k = split_point(size);
    if index < k {
        path_ranges(index, base, k, out);
        out.push((base + k, base + size));
    } else {
        path_ranges(index - k, base + k, size - k, out);
        out.push((base, base + k));
    }
}

/// The inclusion proof (audit path) of leaf `index` in the tree of
/// `tree_size` leaves, lowest sibling first.
pub fn inclusion_proof<R: HashReader + ?Sized>(
    index: u64,
    tree_size: u64,
    reader: &R,
) -> Result<Vec<Hash>, ProofError<R::Error>> {
    if index >= tree_size {
        return Err(ProofError::IndexOutOfRange { index, tree_size });
    }
    let mut ranges = Vec::new();
    path_ranges(index, 0, tree_size, &mut ranges);
    range_hashes(&ranges, reader)
}

/// RFC 9162 §2.1.4.1, SUBPROOF, over the subtree `[base, base + size)`.
fn subproof_ranges(
    old_size: u64,
    base: u64,
    size: u64,
    is_whole_old_tree: bool,
    out: &mut Vec<(u64, u64)>,
) {
    if old_size == size {
        if !is_whole_old_tree {
            out.push((base, base + size));
        }
        return;
    }
    let k = split_point(size);
    if old_size <= k {
        subproof_ranges(old_size, base, k, is_whole_old_tree, out);
        out.push((base + k, base + size));
    } else {
        subproof_ranges(old_size - k, base + k, size - k, false, out);
        out.push((base, base + k));
    }
}

/// The consistency proof between the tree of `old_size` leaves and the tree of
/// `new_size` leaves. Requires `0 < old_size <= new_size`; equal sizes give an
/// empty proof.
pub fn consistency_proof<R: HashReader + ?Sized>(
    old_size: u64,
    new_size: u64,
    reader: &R,
) -> Result<Vec<Hash>, ProofError<R::Error>> {
    if old_size == 0 || old_size > new_size {
        return Err(ProofError::BadSizes { old_size, new_size });
    }
    let mut ranges = Vec::new();
    subproof_ranges(old_size, 0, new_size, true, &mut ranges);
    range_hashes(&ranges, reader)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::leaf_hash;
    use crate::storage::stored_hashes_for_leaf;

    /// MTH straight from RFC 9162's recursive definition, for comparison.
    fn reference_root(leaves: &[Hash]) -> Hash {
        match leaves.len() {
            0 => empty_root(),
            1 => leaves[0],
            n => {
                let k = split_point(n as u64) as usize;
                node_hash(&reference_root(&leaves[..k]), &reference_root(&leaves[k..]))
            }
        }
    }

    #[test]
    fn stored_roots_match_the_recursive_definition() {
        let mut stored: Vec<Hash> = Vec::new();
        let mut leaves = Vec::new();
        for n in 0..70u64 {
            let leaf = leaf_hash(&n.to_le_bytes());
            leaves.push(leaf);
            let new = stored_hashes_for_leaf(n, leaf, &stored).unwrap();
            stored.extend(new);
            for size in 0..=leaves.len() as u64 {
                assert_eq!(
                    tree_hash(size, &stored).unwrap(),
                    reference_root(&leaves[..size as usize]),
                    "size {size}"
                );
            }
        }
    }

    #[test]
    fn split_point_is_largest_power_below() {
        assert_eq!(split_point(2), 1);
        assert_eq!(split_point(3), 2);
        assert_eq!(split_point(4), 2);
        assert_eq!(split_point(5), 4);
        assert_eq!(split_point(1 << 40), 1 << 39);
    }
}
