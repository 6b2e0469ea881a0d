//! Signed notes, checkpoints and keys arrive from other parties.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| casefile_fuzz_checks::note(data));
