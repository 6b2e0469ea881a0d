//! Property tests: on random trees up to 10,000 leaves, every inclusion and
//! consistency proof verifies, and a mutated proof, root, index or size is
//! rejected.
//!
//! A note on sizes: an RFC 9162 proof does not carry the tree size, so two
//! sizes whose audit paths have the same shape (the same sequence of left and
//! right siblings) accept the same proof. That is why casefile signs the size
//! together with the root in every checkpoint. The tests below therefore
//! require a changed size to be rejected whenever its shape differs, with the
//! shape computed from RFC 9162's recursive definitions (not from the
//! verifier's bit arithmetic).

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

use casefile_merkle::{
    Hash, consistency_proof, inclusion_proof, leaf_hash, stored_hashes_for_leaf, tree_hash,
    verify_consistency, verify_inclusion,
};
use proptest::prelude::*;

fn build(size: u64) -> Vec<Hash> {
    let mut stored = Vec::new();
    for n in 0..size {
        let new = stored_hashes_for_leaf(n, leaf_hash(&n.to_le_bytes()), &stored).unwrap();
        stored.extend(new);
    }
    stored
}

fn split(n: u64) -> u64 {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// The sides of the audit path of `index` in a tree of `size` leaves, lowest
/// first: `true` where the sibling is on the left.
fn inclusion_shape(index: u64, size: u64) -> Vec<bool> {
    if size <= 1 {
        return Vec::new();
    }
    let k = split(size);
    let mut shape = if index < k {
        inclusion_shape(index, k)
    } else {
        inclusion_shape(index - k, size - k)
    };
    shape.push(index >= k);
    shape
}

/// The steps of a consistency proof between `old` and `size`: the seed
/// (whether it is the old root itself) then the side of each sibling.
fn consistency_shape(old: u64, size: u64, whole: bool) -> Vec<u8> {
    if old == size {
        return vec![if whole { 2 } else { 3 }];
    }
    let k = split(size);
    let mut shape = if old <= k {
        consistency_shape(old, k, whole)
    } else {
        consistency_shape(old - k, size - k, false)
    };
    shape.push(u8::from(old > k));
    shape
}

fn flip(hash: &Hash, bit: usize) -> Hash {
    let mut bytes = hash.0;
    bytes[(bit / 8) % 32] ^= 1 << (bit % 8);
    Hash(bytes)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn inclusion_proofs_hold_and_mutations_fail(
        size in 1u64..=10_000,
        pick in any::<u64>(),
        other in any::<u64>(),
        bit in 0usize..256,
    ) {
        let stored = build(size);
        let root = tree_hash(size, &stored).unwrap();
        let index = pick % size;
        let leaf = leaf_hash(&index.to_le_bytes());
        let proof = inclusion_proof(index, size, &stored).unwrap();
        prop_assert!(verify_inclusion(index, size, &leaf, &proof, &root).is_ok());

        // Every proof of a smaller tree too (a cheap sweep of many sizes).
        let small = 1 + other % size;
        let small_root = tree_hash(small, &stored).unwrap();
        for i in 0..small.min(64) {
            let p = inclusion_proof(i, small, &stored).unwrap();
            prop_assert!(verify_inclusion(i, small, &leaf_hash(&i.to_le_bytes()), &p, &small_root).is_ok());
        }

        if !proof.is_empty() {
            let mut bad = proof.clone();
            let at = (other as usize) % bad.len();
            bad[at] = flip(&bad[at], bit);
            prop_assert!(verify_inclusion(index, size, &leaf, &bad, &root).is_err());
            let mut shorter = proof.clone();
            shorter.pop();
            prop_assert!(verify_inclusion(index, size, &leaf, &shorter, &root).is_err());
        }
        let mut longer = proof.clone();
        longer.push(root);
        prop_assert!(verify_inclusion(index, size, &leaf, &longer, &root).is_err());
        prop_assert!(verify_inclusion(index, size, &leaf, &proof, &flip(&root, bit)).is_err());
        prop_assert!(verify_inclusion(index, size, &flip(&leaf, bit), &proof, &root).is_err());

        let other_index = other % size;
        if other_index != index {
            prop_assert!(verify_inclusion(other_index, size, &leaf, &proof, &root).is_err());
        }
        for other_size in [size + 1, size * 2, size / 2, size - 1, size ^ 2, 1 + other % (2 * size)] {
            if other_size == size || index >= other_size {
                continue;
            }
            let accepted = verify_inclusion(index, other_size, &leaf, &proof, &root).is_ok();
            if accepted {
                prop_assert_eq!(inclusion_shape(index, other_size), inclusion_shape(index, size));
            }
        }
        prop_assert!(verify_inclusion(size, size, &leaf, &proof, &root).is_err());
    }

    #[test]
    fn consistency_proofs_hold_and_mutations_fail(
        size in 1u64..=10_000,
        pick in any::<u64>(),
        bit in 0usize..256,
        other in any::<u64>(),
    ) {
        let stored = build(size);
        let new_root = tree_hash(size, &stored).unwrap();
        let old = 1 + pick % size;
        let old_root = tree_hash(old, &stored).unwrap();
        let proof = consistency_proof(old, size, &stored).unwrap();
        prop_assert!(verify_consistency(old, size, &proof, &old_root, &new_root).is_ok());

        prop_assert!(verify_consistency(old, size, &proof, &flip(&old_root, bit), &new_root).is_err());
        prop_assert!(verify_consistency(old, size, &proof, &old_root, &flip(&new_root, bit)).is_err());
        if !proof.is_empty() {
            let mut bad = proof.clone();
            let at = (other as usize) % bad.len();
            bad[at] = flip(&bad[at], bit);
            prop_assert!(verify_consistency(old, size, &bad, &old_root, &new_root).is_err());
            prop_assert!(verify_consistency(old, size, &proof[1..], &old_root, &new_root).is_err());
        }
        let mut longer = proof.clone();
        longer.push(new_root);
        prop_assert!(verify_consistency(old, size, &longer, &old_root, &new_root).is_err());
        for (other_old, other_new) in [(old + 1, size), (old.saturating_sub(1), size), (old, size + 1), (old, size * 2), (old ^ 1, size)] {
            if (other_old, other_new) == (old, size) || other_old == 0 || other_old > other_new {
                continue;
            }
            let accepted = verify_consistency(other_old, other_new, &proof, &old_root, &new_root).is_ok();
            if accepted {
                prop_assert_eq!(
                    consistency_shape(other_old, other_new, true),
                    consistency_shape(old, size, true)
                );
            }
        }
    }
}

/// Every leaf of a 10,000-leaf tree, and consistency from every size to it.
#[test]
fn all_proofs_of_a_ten_thousand_leaf_tree() {
    let size = 10_000;
    let stored = build(size);
    let root = tree_hash(size, &stored).unwrap();
    for index in 0..size {
        let proof = inclusion_proof(index, size, &stored).unwrap();
        verify_inclusion(index, size, &leaf_hash(&index.to_le_bytes()), &proof, &root).unwrap();
    }
    for old in 1..=size {
        let proof = consistency_proof(old, size, &stored).unwrap();
        let old_root = tree_hash(old, &stored).unwrap();
        verify_consistency(old, size, &proof, &old_root, &root).unwrap();
    }
}
