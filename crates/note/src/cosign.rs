//! Cosignatures (C2SP `tlog-cosignature`, the Ed25519 `cosignature/v1`
//! type): another organisation's statement that, at a time, the largest
//! checkpoint of a log it has seen, and checked to be consistent with
//! every earlier one, is this one.
//!
//! The signed message is `cosignature/v1\n`, `time <POSIX seconds>\n` and
//! the checkpoint's note text; the signature line is
//! `— <cosigner name> base64(key id ‖ timestamp (8 bytes, big-endian) ‖
//! Ed25519 signature)`, the key id being the first four bytes of
//! SHA-256(name ‖ "\n" ‖ 0x04 ‖ public key).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::NoteError;
use crate::keys::check_key_name;
use crate::note::Note;

/// The key type byte of an Ed25519 cosigner.
const ALG_COSIGNATURE_V1: u8 = 0x04;

/// The 4-byte id of a cosigner's key.
pub fn cosigner_key_id(name: &str, public_key: &[u8; 32]) -> u32 {
    let mut hasher = Sha256::new();
    hasher.update(name.as_bytes());
    hasher.update(b"\n");
    hasher.update([ALG_COSIGNATURE_V1]);
    hasher.update(public_key);
    let digest = hasher.finalize();
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])
}

/// What a cosigner signs for note text `text` at `timestamp`.
fn message(timestamp: u64, text: &str) -> Vec<u8> {
    format!("cosignature/v1\ntime {timestamp}\n{text}").into_bytes()
}

/// A cosigner's private key.
pub struct Cosigner {
    name: String,
    key: SigningKey,
    id: u32,
}

impl std::fmt::Debug for Cosigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the private key.
        write!(f, "Cosigner({}+{:08x})", self.name, self.id)
    }
}

impl Cosigner {
    /// A cosigner from its name and a 32-byte Ed25519 seed.
    pub fn from_seed(name: &str, seed: &[u8; 32]) -> Result<Self, NoteError> {
        check_key_name(name)?;
        let key = SigningKey::from_bytes(seed);
        let id = cosigner_key_id(name, key.verifying_key().as_bytes());
        Ok(Self {
            name: name.to_owned(),
            key,
            id,
        })
    }

    /// Parses `PRIVATE+COSIGNER+<name>+<id>+<base64(0x04 ‖ seed)>`.
    pub fn parse(text: &str) -> Result<Self, NoteError> {
        let rest = text
            .trim_end_matches('\n')
            .strip_prefix("PRIVATE+COSIGNER+")
            .ok_or(NoteError::BadKey(
                "a cosigner's private key starts with PRIVATE+COSIGNER+",
            ))?;
        let (name, id, bytes) = split(rest)?;
        let seed: [u8; 32] = bytes
            .try_into()
            .map_err(|_| NoteError::BadKey("an Ed25519 seed is 32 bytes"))?;
        let cosigner = Self::from_seed(name, &seed)?;
        if cosigner.id != id {
            return Err(NoteError::BadKey("the key id does not match the key"));
        }
        Ok(cosigner)
    }

    /// The private key in `PRIVATE+COSIGNER+...` form. Store it with care.
    pub fn to_private_string(&self) -> String {
        let mut bytes = vec![ALG_COSIGNATURE_V1];
        bytes.extend_from_slice(self.key.as_bytes());
        format!(
            "PRIVATE+COSIGNER+{}+{:08x}+{}",
            self.name,
            self.id,
            STANDARD.encode(bytes)
        )
    }

    /// The matching public key.
    pub fn key(&self) -> CosignerKey {
        CosignerKey {
            name: self.name.clone(),
            key: self.key.verifying_key(),
            id: self.id,
        }
    }

    /// The cosignature line (without its newline) of note text `text`
    /// (a checkpoint's, ending in a newline) at `timestamp`.
    pub fn cosign(&self, text: &str, timestamp: u64) -> Result<String, NoteError> {
        crate::note::check_text(text)?;
        if timestamp > i64::MAX as u64 {
            return Err(NoteError::Malformed("a cosignature's time is below 2^63"));
        }
        let signature = self.key.sign(&message(timestamp, text));
        let mut blob = self.id.to_be_bytes().to_vec();
        blob.extend_from_slice(&timestamp.to_be_bytes());
        blob.extend_from_slice(&signature.to_bytes());
        Ok(format!("\u{2014} {} {}", self.name, STANDARD.encode(blob)))
    }
}

/// A cosigner's public key: `<name>+<id>+<base64(0x04 ‖ public key)>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CosignerKey {
    name: String,
    key: VerifyingKey,
    id: u32,
}

fn split(text: &str) -> Result<(&str, u32, Vec<u8>), NoteError> {
    let mut parts = text.splitn(3, '+');
    let (Some(name), Some(id), Some(key)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(NoteError::BadKey("a key is <name>+<id>+<base64>"));
    };
    check_key_name(name)?;
    if id.len() != 8 || !id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(NoteError::BadKey(
            "the key id is 8 lower-case hexadecimal digits",
        ));
    }
    let id = u32::from_str_radix(id, 16)
        .map_err(|_| NoteError::BadKey("the key id is 8 hexadecimal digits"))?;
    let bytes = STANDARD
        .decode(key)
        .map_err(|_| NoteError::BadKey("the key is not base64"))?;
    match bytes.split_first() {
        Some((&ALG_COSIGNATURE_V1, rest)) => Ok((name, id, rest.to_vec())),
        _ => Err(NoteError::BadKey(
            "a cosigner key is of type 4 (Ed25519 cosignature/v1)",
        )),
    }
}

impl CosignerKey {
    /// Parses a cosigner's public key.
    pub fn parse(text: &str) -> Result<Self, NoteError> {
        let (name, id, bytes) = split(text.trim_end_matches('\n'))?;
        let public: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| NoteError::BadKey("an Ed25519 public key is 32 bytes"))?;
        let key = VerifyingKey::from_bytes(&public)
            .map_err(|_| NoteError::BadKey("not a valid Ed25519 public key"))?;
        if cosigner_key_id(name, &public) != id {
            return Err(NoteError::BadKey("the key id does not match the key"));
        }
        Ok(Self {
            name: name.to_owned(),
            key,
            id,
        })
    }

    /// The cosigner's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its key id.
    pub fn id(&self) -> u32 {
        self.id
    }

    /// The time (POSIX seconds) of this cosigner's valid cosignature of
    /// `note`, if it carries one; other signatures are ignored.
    pub fn cosigned(&self, note: &Note) -> Option<u64> {
        note.signatures
            .iter()
            .filter(|s| s.name == self.name && s.key_hash == self.id && s.signature.len() == 72)
            .find_map(|s| {
                let timestamp = u64::from_be_bytes(s.signature[..8].try_into().ok()?);
                let signature = ed25519_dalek::Signature::from_slice(&s.signature[8..]).ok()?;
                (timestamp <= i64::MAX as u64
                    && self
                        .key
                        .verify_strict(&message(timestamp, &note.text), &signature)
                        .is_ok())
                .then_some(timestamp)
            })
    }
}

impl std::fmt::Display for CosignerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut bytes = vec![ALG_COSIGNATURE_V1];
        bytes.extend_from_slice(self.key.as_bytes());
        write!(
            f,
            "{}+{:08x}+{}",
            self.name,
            self.id,
            STANDARD.encode(bytes)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NoteSigner;

    #[test]
    fn a_cosignature_verifies_over_the_specified_message_and_nothing_else() {
        let log = NoteSigner::from_seed("example.org/log", &[7; 32]).unwrap();
        let text = "example.org/log\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
        let signed = log.sign(text).unwrap();
        let cosigner = Cosigner::from_seed("partner.example/w1", &[9; 32]).unwrap();
        let line = cosigner.cosign(text, 1_700_000_000).unwrap();
        let note = Note::parse(format!("{signed}{line}\n").as_bytes()).unwrap();
        let key = CosignerKey::parse(&cosigner.key().to_string()).unwrap();
        assert_eq!(key.cosigned(&note), Some(1_700_000_000));
        // The log's own signature still verifies beside it.
        assert!(Note::verify(format!("{signed}{line}\n").as_bytes(), &log.verifier()).is_ok());

        // The signature is Ed25519 over the cosignature/v1 message, as the
        // specification writes it out.
        let blob = STANDARD.decode(line.rsplit(' ').next().unwrap()).unwrap();
        assert_eq!(blob[..4], key.id().to_be_bytes());
        assert_eq!(blob[4..12], 1_700_000_000u64.to_be_bytes());
        let expected = format!("cosignature/v1\ntime 1700000000\n{text}");
        let signature = ed25519_dalek::Signature::from_slice(&blob[12..]).unwrap();
        assert!(
            cosigner
                .key
                .verifying_key()
                .verify_strict(expected.as_bytes(), &signature)
                .is_ok()
        );
        // The key id hashes the name, a newline, 0x04 and the key.
        let mut hasher = Sha256::new();
        hasher.update(b"partner.example/w1\n\x04");
        hasher.update(cosigner.key.verifying_key().as_bytes());
        assert_eq!(hasher.finalize()[..4], key.id().to_be_bytes());

        // Another checkpoint, another time or another key: not cosigned.
        let other = log
            .sign("example.org/log\n6\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n")
            .unwrap();
        let moved = Note::parse(format!("{other}{line}\n").as_bytes()).unwrap();
        assert_eq!(key.cosigned(&moved), None);
        let stranger = Cosigner::from_seed("partner.example/w1", &[3; 32]).unwrap();
        assert_eq!(stranger.key().cosigned(&note), None);
        let mut forged = blob.clone();
        forged[11] ^= 1;
        let forged_line = format!("\u{2014} partner.example/w1 {}", STANDARD.encode(forged));
        let note = Note::parse(format!("{signed}{forged_line}\n").as_bytes()).unwrap();
        assert_eq!(key.cosigned(&note), None);

        // Keys read back as written; a note key is not a cosigner key.
        let private = Cosigner::parse(&cosigner.to_private_string()).unwrap();
        assert_eq!(private.key(), cosigner.key());
        assert!(CosignerKey::parse(&log.verifier().to_string()).is_err());
        assert!(format!("{cosigner:?}").contains("partner.example/w1"));
        assert!(!format!("{cosigner:?}").contains(&cosigner.to_private_string()));
    }
}
