//! Record action documents are read back from the vault's blobs on every
//! resolution: decoding must not panic, what decodes must round-trip, and
//! applying it to records (two events, one merged into the other, and a
//! group: ids H2, H3, H4), then folding the merges, must not panic either.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| casefile_fuzz_checks::record_action(data));
