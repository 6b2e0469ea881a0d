//! Judgement documents are read back from the vault's blobs, which anyone
//! holding the case folder could have replaced before the digest check
//! fails: decoding must not panic, and what decodes must round-trip.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| casefile_fuzz_checks::judgement(data));
