//! Log entries come back from disk and from court bundles: decoding must
//! never panic, and whatever decodes must re-encode to the same bytes.
#![no_main]

use casefile_vault::Acquisition;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(entry) = Acquisition::decode(data) {
        assert_eq!(entry.encode().ok().as_deref(), Some(data));
    }
});
