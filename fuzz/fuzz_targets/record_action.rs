//! Record action documents are read back from the vault's blobs on every
//! resolution: decoding must not panic, what decodes must round-trip, and
//! applying it to records (two events, one merged into the other, and a
//! group: ids H2, H3, H4), then folding the merges, must not panic either.
#![no_main]

use casefile_records::{Action, ActionKind, Provenance, RecordKind, Records};
use libfuzzer_sys::fuzz_target;

fn by(entry: u64) -> Provenance {
    Provenance {
        method: "person:fuzz".to_owned(),
        entry,
        at: None,
    }
}

fn start() -> Records {
    let mut records = Records::default();
    for (entry, kind) in [
        (2, RecordKind::Event),
        (3, RecordKind::Event),
        (4, RecordKind::Group),
    ] {
        let mut create = Action::on(ActionKind::Create, None);
        create.kind = Some(kind);
        create.label = Some(format!("record {entry}"));
        let _ = records.apply(&create, &by(entry));
    }
    let mut merge = Action::on(ActionKind::Merge, Some("H2".to_owned()));
    merge.from = Some("H3".to_owned());
    let _ = records.apply(&merge, &by(5));
    records
}

fuzz_target!(|data: &[u8]| {
    if let Ok(action) = Action::decode(data) {
        assert_eq!(Action::decode(&action.encode()).ok(), Some(action.clone()));
        let mut records = start();
        let before = records.clone();
        if records.apply(&action, &by(6)).is_err() {
            assert_eq!(records, before);
        }
        let _ = records.folded();
    }
});
