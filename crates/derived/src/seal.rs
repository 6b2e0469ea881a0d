//! Sealing: authenticated encryption of what is read from protected
//! sources, under the case's sealing key.
//!
//! XChaCha20-Poly1305 with a random 24-byte nonce per value. The associated
//! data names the value's place (its source and position), so a sealed
//! value moved to another place does not open.

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;

use chacha20poly1305::aead::{Aead as _, KeyInit as _, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

use crate::DerivedError;

/// What a sealed value starts with: a name and version for the format.
pub(crate) const SEALED_MAGIC: &[u8; 8] = b"CFSEAL1\n";
const NONCE_LEN: usize = 24;
const KEY_LINE_PREFIX: &str = "casefile-sealing-key 1 ";

/// The case's sealing key, held in memory only while the store is open and
/// wiped when dropped. The case service keeps it wrapped to the case key
/// and hands it to the store once a cleared member has unlocked the case;
/// a case made before that kept it in `.casefile/sealing.key` (mode 0600),
/// which is still read.
pub(crate) struct SealingKey {
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealingKey(..)")
    }
}

impl SealingKey {
    fn io(path: &Path) -> impl FnOnce(std::io::Error) -> DerivedError + '_ {
        move |source| DerivedError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// Reads the key at `path`; refuses one others may read (mode other
    /// than 0600) or one that is not a key.
    pub(crate) fn load(path: &Path) -> Result<Self, DerivedError> {
        let mode = std::fs::metadata(path)
            .map_err(Self::io(path))?
            .permissions()
            .mode()
            & 0o777;
        if mode & 0o077 != 0 {
            return Err(DerivedError::KeyPermissions {
                path: path.to_path_buf(),
                mode,
            });
        }
        let text = Zeroizing::new(std::fs::read_to_string(path).map_err(Self::io(path))?);
        let bad = || DerivedError::BadKey {
            path: path.to_path_buf(),
        };
        let hex = text
            .strip_prefix(KEY_LINE_PREFIX)
            .and_then(|rest| rest.strip_suffix('\n'))
            .ok_or_else(bad)?;
        let mut key = Zeroizing::new([0u8; 32]);
        if hex.len() != 64 {
            return Err(bad());
        }
        for (byte, pair) in key.iter_mut().zip(hex.as_bytes().chunks(2)) {
            let digits = std::str::from_utf8(pair).map_err(|_| bad())?;
            *byte = u8::from_str_radix(digits, 16).map_err(|_| bad())?;
        }
        Ok(Self::from_bytes(&key))
    }

    /// A new random key's bytes.
    pub(crate) fn generate() -> Result<Zeroizing<[u8; 32]>, DerivedError> {
        let mut key = Zeroizing::new([0u8; 32]);
        getrandom::fill(key.as_mut()).map_err(|e| DerivedError::Random(e.to_string()))?;
        Ok(key)
    }

    pub(crate) fn from_bytes(key: &[u8; 32]) -> Self {
        Self {
            cipher: XChaCha20Poly1305::new(&(*key).into()),
        }
    }

    /// Seals `plain` for the place named by `place`.
    pub(crate) fn seal(&self, place: &str, plain: &[u8]) -> Result<Vec<u8>, DerivedError> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|e| DerivedError::Random(e.to_string()))?;
        let nonce = XNonce::from(nonce);
        let sealed = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plain,
                    aad: place.as_bytes(),
                },
            )
            .map_err(|_| DerivedError::Seal)?;
        let mut out = Vec::with_capacity(SEALED_MAGIC.len() + NONCE_LEN + sealed.len());
        out.extend_from_slice(SEALED_MAGIC);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// Opens a value sealed for `place`. `None` when it was not sealed by
    /// this key for this place, or was changed.
    pub(crate) fn open(&self, place: &str, sealed: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        let rest = sealed.strip_prefix(SEALED_MAGIC.as_slice())?;
        if rest.len() < NONCE_LEN {
            return None;
        }
        let (nonce, body) = rest.split_at(NONCE_LEN);
        let nonce = XNonce::try_from(nonce).ok()?;
        self.cipher
            .decrypt(
                &nonce,
                Payload {
                    msg: body,
                    aad: place.as_bytes(),
                },
            )
            .ok()
            .map(Zeroizing::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_in_their_place_and_unchanged() {
        let key = SealingKey::from_bytes(&[7; 32]);
        let sealed = key.seal("source 3 document 0", b"raw testimony").unwrap();
        assert!(!sealed.windows(7).any(|w| w == b"raw tes"));
        assert_eq!(
            key.open("source 3 document 0", &sealed).unwrap().as_slice(),
            b"raw testimony"
        );
        assert!(key.open("source 3 document 1", &sealed).is_none());
        let other = SealingKey::from_bytes(&[8; 32]);
        assert!(other.open("source 3 document 0", &sealed).is_none());
        for position in 0..sealed.len() {
            let mut changed = sealed.clone();
            changed[position] ^= 1;
            assert!(
                key.open("source 3 document 0", &changed).is_none(),
                "{position}"
            );
        }
        assert!(key.open("x", b"").is_none());
        assert!(key.open("x", SEALED_MAGIC).is_none());
    }

    #[test]
    fn a_legacy_key_file_is_read_only_when_private_and_well_formed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sealing.key");
        std::fs::write(&path, format!("{KEY_LINE_PREFIX}{}\n", "07".repeat(32))).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let loaded = SealingKey::load(&path).unwrap();
        let sealed = SealingKey::from_bytes(&[7; 32])
            .seal("p", b"value")
            .unwrap();
        assert_eq!(loaded.open("p", &sealed).unwrap().as_slice(), b"value");

        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(matches!(
            SealingKey::load(&path),
            Err(DerivedError::KeyPermissions { mode: 0o644, .. })
        ));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        std::fs::write(&path, "casefile-sealing-key 1 zz\n").unwrap();
        let error = SealingKey::load(&path).unwrap_err();
        assert!(matches!(error, DerivedError::BadKey { .. }));
        assert!(!error.to_string().contains("zz"));
    }
}
