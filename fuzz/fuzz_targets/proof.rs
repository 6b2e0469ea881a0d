//! Proofs given as bytes (from a bundle) go through the raw verifiers.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| casefile_fuzz_checks::proof(data));
