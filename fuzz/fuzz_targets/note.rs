//! Signed notes, checkpoints and keys arrive from other parties.
#![no_main]

use casefile_note::{Checkpoint, Note, NoteSigner, NoteVerifier};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = Note::parse(data);
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(checkpoint) = Checkpoint::parse(text) {
            assert_eq!(Checkpoint::parse(&checkpoint.to_text()).ok(), Some(checkpoint));
        }
        let _ = NoteVerifier::parse(text);
        let _ = NoteSigner::parse(text);
    }
});
