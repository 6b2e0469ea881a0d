//! A bundle's proofs and hand-out document are read by `casefile bundle
//! verify` from whoever handed the bundle over: reading must not panic,
//! and what reads must round-trip.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| casefile_fuzz_checks::bundle(data));
