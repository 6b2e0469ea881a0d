//! What each fuzz target checks on one input: decoding untrusted bytes
//! never panics, and what decodes round-trips. The targets in `fuzz/` (run
//! with cargo-fuzz on nightly) call these functions; the test in `tests/`
//! runs every file of the committed corpora through them on stable, so the
//! corpora are regression tests in CI. A check that fails panics, as under
//! the fuzzer.

use casefile_document::{Document, Origin};
use casefile_merkle::raw;
use casefile_note::{Checkpoint, Note, NoteSigner, NoteVerifier};
use casefile_records::{Action, ActionKind, Provenance, RecordKind, Records};
use casefile_resolve::judgements::Judgement;
use casefile_vault::Acquisition;

/// Log entries come back from disk and from court bundles: decoding must
/// never panic, and whatever decodes must re-encode to the same bytes.
pub fn entry(data: &[u8]) {
    if let Ok(entry) = Acquisition::decode(data) {
        assert_eq!(entry.encode().ok().as_deref(), Some(data));
    }
}

/// The extraction stage reads whatever text a reader produced: any text,
/// with or without a reference date, must extract without a panic, and
/// every span must read as the surface text it reports.
pub fn extract(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut document = Document::new(Origin::File { name: None });
    document.text = text.into_owned();
    document.published =
        (data.first().is_some_and(|b| b % 2 == 0)).then(|| "2024-05-21".to_owned());
    let extraction = casefile_extract::extract(&document, &casefile_extract::Context::default());
    for time in &extraction.times {
        assert_eq!(time.span.slice(&document.text), Some(time.text.as_str()));
    }
    for quote in &extraction.quotes {
        assert_eq!(quote.span.slice(&document.text), Some(quote.text.as_str()));
    }
    for quantity in &extraction.quantities {
        assert_eq!(
            quantity.span.slice(&document.text),
            Some(quantity.text.as_str())
        );
    }
    // The details proposed for masking are spans of the text too.
    for detail in casefile_extract::identifying::identifying(&document.text) {
        assert_eq!(
            detail.span.slice(&document.text),
            Some(detail.text.as_str())
        );
    }
}

/// Saved pages are whatever the web served: the reader must never panic.
pub fn html(data: &[u8]) {
    let _ = casefile_reader::html::read(data, None);
}

/// Judgement documents are read back from the vault's blobs, which anyone
/// holding the case folder could have replaced before the digest check
/// fails: decoding must not panic, and what decodes must round-trip.
pub fn judgement(data: &[u8]) {
    if let Ok(judgement) = Judgement::decode(data) {
        assert_eq!(Judgement::decode(&judgement.encode()).ok(), Some(judgement));
    }
}

/// Signed notes, checkpoints and keys arrive from other parties.
pub fn note(data: &[u8]) {
    let _ = Note::parse(data);
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(checkpoint) = Checkpoint::parse(text) {
            assert_eq!(
                Checkpoint::parse(&checkpoint.to_text()).ok(),
                Some(checkpoint)
            );
        }
        let _ = NoteVerifier::parse(text);
        let _ = NoteSigner::parse(text);
    }
}

/// Proofs given as bytes (from a bundle) go through the raw verifiers.
pub fn proof(data: &[u8]) {
    if data.len() < 24 {
        return;
    }
    let a = u64::from_le_bytes(data[0..8].try_into().unwrap_or_default()) % 4096;
    let b = u64::from_le_bytes(data[8..16].try_into().unwrap_or_default()) % 4096;
    let c = u64::from_le_bytes(data[16..24].try_into().unwrap_or_default()) % 4096;
    let chunks: Vec<&[u8]> = data[24..].chunks(32).collect();
    let (first, rest) = chunks
        .split_first()
        .map_or((&[][..], &[][..]), |(f, r)| (*f, r));
    let _ = raw::verify_inclusion(a, b, first, rest, first);
    let _ = raw::verify_consistency(a, b, rest, first, first);
    let _ = raw::verify_subtree_inclusion(a, b, c, first, rest, first);
    let _ = raw::verify_subtree_consistency(a, b, c, rest, first, first);
}

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

/// Record action documents are read back from the vault's blobs on every
/// resolution: decoding must not panic, what decodes must round-trip, and
/// applying it to records (two events, one merged into the other, and a
/// group: ids H2, H3, H4), then folding the merges, must not panic either.
pub fn record_action(data: &[u8]) {
    if let Ok(action) = Action::decode(data) {
        assert_eq!(Action::decode(&action.encode()).ok(), Some(action.clone()));
        let mut records = start();
        let before = records.clone();
        if records.apply(&action, &by(6)).is_err() {
            assert_eq!(records, before);
        }
        let _ = records.folded();
    }
}

/// Telegram exports come from anyone: the reader must never panic.
pub fn telegram(data: &[u8]) {
    let _ = casefile_reader::telegram::read(data, &mut |_| {});
}

/// Testimonies and saved pages come as any bytes: the reader must never panic.
pub fn text(data: &[u8]) {
    let _ = casefile_reader::text::read(data, None);
}

/// Web archives arrive truncated and damaged: the reader must never panic.
pub fn warc(data: &[u8]) {
    let _ = casefile_reader::warc::read(data, None, &mut |_| {});
}

/// Member documents come from the log, which a case folder's holder could
/// have written by hand: decoding must never panic, and whatever decodes
/// must re-encode to the same bytes.
pub fn member(data: &[u8]) {
    if let Ok(change) = casefile_keys::MemberChange::parse(data, "member document") {
        assert_eq!(change.to_bytes(), data);
    }
}

/// A sealed entry's fields (once decrypted), wrapped-key files and
/// disclosed source keys are read from disk and from disclosure packages:
/// decoding must never panic, and fields that decode re-encode to their
/// bytes.
pub fn sealed(data: &[u8]) {
    if let Ok(fields) = casefile_vault::SealedFields::decode(data) {
        assert_eq!(fields.encode(), data);
    }
    let _ = casefile_keys::wrapped_header(data, "wrapped key file");
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = casefile_keys::SourceKey::from_identity_file(text, "disclosed key");
    }
}

/// Key documents and identity files are read from disk: decoding must
/// never panic, and a key document that decodes re-encodes to its bytes.
pub fn case_key(data: &[u8]) {
    if let Ok(key) = casefile_keys::WrappedKey::parse(data, "key document") {
        assert_eq!(key.to_bytes(), data);
    }
    let _ = casefile_keys::Identity::from_file(data, None, "identity file");
}

/// Witness documents (registrations, consent, masks) are read back from
/// sealed curation entries: decoding must never panic, and what decodes
/// must decode again, unchanged, from its own encoding.
pub fn witness(data: &[u8]) {
    use casefile_app::witness::WitnessDoc;
    if let Ok(doc) = WitnessDoc::decode(data) {
        assert_eq!(WitnessDoc::decode(&doc.encode()).ok(), Some(doc));
    }
}

/// A bundle's offline proofs (`proofs/NNN.tlog-proof`), hand-out
/// document and cosigner keys come from whoever hands the bundle over: reading them must
/// never panic, and a proof that reads must read again, unchanged, from
/// its own text.
pub fn bundle(data: &[u8]) {
    use casefile_app::bundle_check::TlogProof;
    if let Ok(proof) = TlogProof::parse("proof", data) {
        let again = TlogProof::parse("proof", &proof.encode()).ok();
        assert_eq!(again, Some(proof));
    }
    if let Ok(handout) = casefile_app::bundle::Handout::decode(data) {
        let again = casefile_app::bundle::Handout::decode(&handout.encode()).ok();
        assert_eq!(again, Some(handout));
    }
    // A bundle's cosigners.txt, and the cosigner documents of the log.
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(key) = casefile_app::cosign::CosignerKey::parse(text)
    {
        let again = casefile_app::cosign::CosignerKey::parse(&key.to_string()).ok();
        assert_eq!(again, Some(key));
    }
    if let Ok(doc) = casefile_app::cosign::CosignerDoc::decode(data) {
        assert_eq!(
            casefile_app::cosign::CosignerDoc::decode(&doc.encode()).ok(),
            Some(doc)
        );
    }
}
