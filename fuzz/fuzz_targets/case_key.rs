//! Key documents and identity files are read from disk: decoding must
//! never panic, and a key document that decodes re-encodes to its bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| casefile_fuzz_checks::case_key(data));
