//! Parsing and verifying signed notes.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::NoteError;
use crate::keys::{NoteVerifier, check_key_name};

/// At most this many signature lines are read, so that a hostile note cannot
/// make verification arbitrarily slow.
const MAX_SIGNATURES: usize = 100;

/// A signature line of a note, parsed but not yet verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSignature {
    /// The signing key's name.
    pub name: String,
    /// The signing key's 4-byte identifier.
    pub key_hash: u32,
    /// The signature bytes that follow the identifier.
    pub signature: Vec<u8>,
}

/// A note split into its text and its signature lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The signed text, ending in a newline.
    pub text: String,
    /// The signature lines, in order.
    pub signatures: Vec<NoteSignature>,
}

/// Checks the rules for note text: UTF-8 without control characters other
/// than newline, ending in a newline.
pub(crate) fn check_text(text: &str) -> Result<(), NoteError> {
    if !text.ends_with('\n') {
        return Err(NoteError::Malformed("the text must end with a newline"));
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(NoteError::Malformed("the text holds a control character"));
    }
    Ok(())
}

impl Note {
    /// Splits a signed note into text and signature lines without checking
    /// any signature.
    pub fn parse(bytes: &[u8]) -> Result<Self, NoteError> {
        let all = std::str::from_utf8(bytes).map_err(|_| NoteError::Malformed("not UTF-8"))?;
        // The signature block starts after the last empty line.
        let split = all
            .rfind("\n\n")
            .ok_or(NoteError::Malformed("no empty line before the signatures"))?;
        let text = &all[..=split];
        let block = &all[split + 2..];
        check_text(text)?;
        if !block.ends_with('\n') {
            return Err(NoteError::Malformed("the note must end with a newline"));
        }
        let mut signatures = Vec::new();
        for line in block[..block.len() - 1].split('\n') {
            if signatures.len() == MAX_SIGNATURES {
                return Err(NoteError::Malformed("too many signatures"));
            }
            signatures.push(parse_signature_line(line)?);
        }
        if signatures.is_empty() {
            return Err(NoteError::Malformed("no signature"));
        }
        Ok(Self {
            text: text.to_owned(),
            signatures,
        })
    }

    /// Parses `bytes` and checks that it carries a valid signature by
    /// `verifier`. Signatures by other keys are ignored.
    pub fn verify(bytes: &[u8], verifier: &NoteVerifier) -> Result<Self, NoteError> {
        let note = Self::parse(bytes)?;
        let mut seen = false;
        for signature in &note.signatures {
            if signature.name != verifier.name() || signature.key_hash != verifier.hash() {
                continue;
            }
            seen = true;
            if verifier.verifies(note.text.as_bytes(), &signature.signature) {
                return Ok(note);
            }
        }
        let name = verifier.name().to_owned();
        Err(if seen {
            NoteError::BadSignature { name }
        } else {
            NoteError::NotSignedBy { name }
        })
    }
}

fn parse_signature_line(line: &str) -> Result<NoteSignature, NoteError> {
    let rest = line.strip_prefix("\u{2014} ").ok_or(NoteError::Malformed(
        "a signature line starts with an em dash and a space",
    ))?;
    let (name, encoded) = rest.split_once(' ').ok_or(NoteError::Malformed(
        "a signature line is '— <name> <signature>'",
    ))?;
    check_key_name(name).map_err(|_| NoteError::Malformed("bad key name in a signature line"))?;
    let bytes = STANDARD
        .decode(encoded)
        .map_err(|_| NoteError::Malformed("a signature is not base64"))?;
    if bytes.len() < 5 {
        return Err(NoteError::Malformed("a signature is too short"));
    }
    Ok(NoteSignature {
        name: name.to_owned(),
        key_hash: u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]),
        signature: bytes[4..].to_vec(),
    })
}
