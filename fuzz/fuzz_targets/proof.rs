//! Proofs given as bytes (from a bundle) go through the raw verifiers.
#![no_main]

use casefile_merkle::raw;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 24 {
        return;
    }
    let a = u64::from_le_bytes(data[0..8].try_into().unwrap_or_default()) % 4096;
    let b = u64::from_le_bytes(data[8..16].try_into().unwrap_or_default()) % 4096;
    let c = u64::from_le_bytes(data[16..24].try_into().unwrap_or_default()) % 4096;
    let chunks: Vec<&[u8]> = data[24..].chunks(32).collect();
    let (first, rest) = chunks.split_first().map_or((&[][..], &[][..]), |(f, r)| (*f, r));
    let _ = raw::verify_inclusion(a, b, first, rest, first);
    let _ = raw::verify_consistency(a, b, rest, first, first);
    let _ = raw::verify_subtree_inclusion(a, b, c, first, rest, first);
    let _ = raw::verify_subtree_consistency(a, b, c, rest, first, first);
});
