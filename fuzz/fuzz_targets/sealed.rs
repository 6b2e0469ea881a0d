//! A sealed entry's fields (once decrypted), wrapped-key files and
//! disclosed source keys are read from disk and from disclosure packages:
//! decoding must never panic, and fields that decode re-encode to their
//! bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| casefile_fuzz_checks::sealed(data));
