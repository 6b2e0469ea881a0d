//! Witness documents are read back from sealed curation entries, which a
//! holder of the case folder and a case key could have written by hand:
//! decoding must not panic, and what decodes must round-trip.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| casefile_fuzz_checks::witness(data));
