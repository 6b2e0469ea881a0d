//! Record action documents are read back from the vault's blobs on every
//! resolution: decoding must not panic, what decodes must round-trip, and
//! applying it to records must not panic either.
#![no_main]

use casefile_records::{Action, Provenance, Records};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(action) = Action::decode(data) {
        assert_eq!(Action::decode(&action.encode()).ok(), Some(action.clone()));
        let by = Provenance {
            method: "person:fuzz".to_owned(),
            entry: 1,
            at: None,
        };
        let mut records = Records::default();
        let _ = records.apply(&action, &by);
    }
});
