//! Signed notes and checkpoints: round trips, tampering and malformed input.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

use casefile_merkle::leaf_hash;
use casefile_note::{Checkpoint, Note, NoteError, NoteSigner, NoteVerifier};
use proptest::prelude::*;

fn signer() -> NoteSigner {
    NoteSigner::from_seed("casefile/test-case", &[7; 32]).unwrap()
}

fn checkpoint(size: u64) -> Checkpoint {
    Checkpoint {
        origin: "casefile/test-case".into(),
        size,
        root: leaf_hash(&size.to_be_bytes()),
        extensions: Vec::new(),
    }
}

#[test]
fn signed_checkpoint_has_the_documented_shape() {
    let note = signer().sign(&checkpoint(3).to_text()).unwrap();
    let lines: Vec<&str> = note.lines().collect();
    assert_eq!(lines[0], "casefile/test-case");
    assert_eq!(lines[1], "3");
    assert_eq!(lines[3], "");
    assert!(lines[4].starts_with("\u{2014} casefile/test-case "));
    assert_eq!(lines.len(), 5);
    let parsed = Note::verify(note.as_bytes(), &signer().verifier()).unwrap();
    assert_eq!(Checkpoint::parse(&parsed.text).unwrap(), checkpoint(3));
}

#[test]
fn keys_round_trip_through_text() {
    let signer = signer();
    let verifier = NoteVerifier::parse(&signer.verifier().to_string()).unwrap();
    assert_eq!(verifier, signer.verifier());
    let again = NoteSigner::parse(&signer.to_private_string()).unwrap();
    assert_eq!(again.verifier(), verifier);
    assert!(format!("{signer:?}").starts_with("NoteSigner(casefile/test-case+"));
    assert!(!format!("{signer:?}").contains(&signer.to_private_string()[30..]));
}

#[test]
fn verifier_key_string_is_stable() {
    // The key hash is part of the published key: if it changed, every
    // verifier key handed to a court would stop matching.
    let text = signer().verifier().to_string();
    let (name, rest) = text.split_once('+').unwrap();
    assert_eq!(name, "casefile/test-case");
    assert_eq!(rest.len(), 8 + 1 + 44);
}

#[test]
fn bad_names_are_refused() {
    for name in ["", "a b", "a+b", "tab\tname"] {
        assert!(matches!(
            NoteSigner::from_seed(name, &[1; 32]),
            Err(NoteError::BadKeyName(_))
        ));
    }
}

#[test]
fn another_key_or_no_signature_is_reported() {
    let note = signer().sign(&checkpoint(1).to_text()).unwrap();
    let other = NoteSigner::from_seed("casefile/other", &[9; 32]).unwrap();
    assert!(matches!(
        Note::verify(note.as_bytes(), &other.verifier()),
        Err(NoteError::NotSignedBy { .. })
    ));
    // Same name, different key: the key hash differs, so it is "not signed by".
    let impostor = NoteSigner::from_seed("casefile/test-case", &[9; 32]).unwrap();
    assert!(Note::verify(note.as_bytes(), &impostor.verifier()).is_err());
    assert!(Note::parse(checkpoint(1).to_text().as_bytes()).is_err());
}

#[test]
fn malformed_checkpoints_are_refused() {
    let root = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    for text in [
        "".to_string(),
        "origin\n".to_string(),
        format!("origin\n01\n{root}\n"),
        format!("origin\n-1\n{root}\n"),
        format!("origin\n1\n{root}"),
        "origin\n1\nnot-base64!\n".to_string(),
        "origin\n1\nAAAA\n".to_string(),
        format!("origin\n1\n{root}\n\n"),
        format!("\n1\n{root}\n"),
        format!("origin\n99999999999999999999999\n{root}\n"),
    ] {
        assert!(Checkpoint::parse(&text).is_err(), "{text:?}");
    }
    let with_extension = format!("origin\n1\n{root}\nextra line\n");
    assert_eq!(
        Checkpoint::parse(&with_extension).unwrap().extensions,
        vec!["extra line".to_string()]
    );
}

proptest! {
    #[test]
    fn any_flipped_byte_breaks_the_note(size in 0u64..1_000_000, position in any::<usize>(), bit in 0u8..8) {
        let note = signer().sign(&checkpoint(size).to_text()).unwrap().into_bytes();
        let mut tampered = note.clone();
        let at = position % tampered.len();
        tampered[at] ^= 1 << bit;
        let verdict = Note::verify(&tampered, &signer().verifier())
            .and_then(|note| Checkpoint::parse(&note.text));
        prop_assert!(verdict.is_err() || verdict == Ok(checkpoint(size)) && tampered == note);
    }

    #[test]
    fn checkpoints_round_trip(size in any::<u64>(), seed in any::<[u8; 32]>()) {
        let cp = Checkpoint { root: casefile_merkle::Hash(seed), ..checkpoint(size) };
        prop_assert_eq!(Checkpoint::parse(&cp.to_text()).unwrap(), cp);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = Note::verify(&bytes, &signer().verifier());
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let _ = Checkpoint::parse(text);
            let _ = NoteVerifier::parse(text);
            let _ = NoteSigner::parse(text);
        }
    }
}
