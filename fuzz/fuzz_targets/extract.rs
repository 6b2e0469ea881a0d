//! The extraction stage reads whatever text a reader produced: any text,
//! with or without a reference date, must extract without a panic, and
//! every span must read as the surface text it reports.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| casefile_fuzz_checks::extract(data));
