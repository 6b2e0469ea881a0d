//! Testimonies and saved pages come as any bytes: the reader must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| casefile_fuzz_checks::text(data));
