//! A member's identity: an age X25519 key pair, and the identity file that
//! keeps its private part behind a passphrase.

use std::fmt;
use std::io::Write as _;
use std::str::FromStr;

use age::secrecy::ExposeSecret as _;
use zeroize::Zeroizing;

use crate::{KeyError, Passphrase, decrypt_error};

/// The work factor (log2 of scrypt's N) of identity files casefile
/// writes: about a second on a laptop, as age itself chooses.
pub const PASSPHRASE_WORK_FACTOR: u8 = 18;

/// A member's private key. Its `Debug` shows the public half only.
pub struct Identity(age::x25519::Identity);

/// A public key that material can be encrypted to (`age1...`).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Recipient(String);

impl Identity {
    /// A new random identity.
    pub fn generate() -> Self {
        Self(age::x25519::Identity::generate())
    }

    /// Its public half.
    pub fn recipient(&self) -> Recipient {
        Recipient(self.0.to_public().to_string())
    }

    /// The age identity under it, for decrypting with the age crate.
    pub(crate) fn age(&self) -> &age::x25519::Identity {
        &self.0
    }

    /// The identity as an unencrypted age identity file, the text
    /// `age-keygen` writes (for a file descriptor or a hardware store that
    /// protects it otherwise; never written into a case folder).
    pub fn to_plain_file(&self) -> Zeroizing<String> {
        Zeroizing::new(format!(
            "# casefile identity\n# public key: {}\n{}\n",
            self.recipient(),
            self.0.to_string().expose_secret()
        ))
    }

    /// The identity file casefile writes: the plain identity file encrypted
    /// with `passphrase` (age's scrypt recipient, ASCII-armored), so that
    /// `age -d` opens it too. `work_factor` is log2 of scrypt's N; `None`
    /// is [`PASSPHRASE_WORK_FACTOR`].
    pub fn to_protected_file(&self, passphrase: &Passphrase, work_factor: Option<u8>) -> Vec<u8> {
        let mut recipient = age::scrypt::Recipient::new(passphrase.clone());
        recipient.set_work_factor(work_factor.unwrap_or(PASSPHRASE_WORK_FACTOR));
        encrypt_armored(&[&recipient], self.to_plain_file().as_bytes())
    }

    /// Reads an identity file: the protected one casefile writes (then
    /// `passphrase` must open it) or a plain age identity file holding one
    /// X25519 key. `what` names the file in errors.
    pub fn from_file(
        bytes: &[u8],
        passphrase: Option<&Passphrase>,
        what: &str,
    ) -> Result<Self, KeyError> {
        if is_age_file(bytes) {
            let decryptor = decryptor(bytes, what)?;
            if !decryptor.is_scrypt() {
                return Err(KeyError::NotAnIdentity {
                    what: what.to_owned(),
                    problem: "it is encrypted to a key, not to a passphrase".to_owned(),
                });
            }
            let passphrase = passphrase.ok_or_else(|| KeyError::NeedsPassphrase {
                what: what.to_owned(),
            })?;
            let identity = age::scrypt::Identity::new(passphrase.clone());
            let reader = decryptor
                .decrypt(std::iter::once(&identity as &dyn age::Identity))
                .map_err(|error| match error {
                    age::DecryptError::DecryptionFailed
                    | age::DecryptError::KeyDecryptionFailed
                    | age::DecryptError::NoMatchingKeys => KeyError::WrongPassphrase {
                        what: what.to_owned(),
                    },
                    other => decrypt_error(what, other),
                })?;
            let plain = read_all(reader, what)?;
            return Self::from_plain(&plain, what);
        }
        Self::from_plain(bytes, what)
    }

    /// Reads a plain age identity file: `#` lines and blank lines aside,
    /// exactly one `AGE-SECRET-KEY-1...` line.
    fn from_plain(bytes: &[u8], what: &str) -> Result<Self, KeyError> {
        let bad = |problem: &str| KeyError::NotAnIdentity {
            what: what.to_owned(),
            problem: problem.to_owned(),
        };
        let text = std::str::from_utf8(bytes).map_err(|_| bad("it is not UTF-8 text"))?;
        let mut keys = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'));
        let key = keys.next().ok_or_else(|| bad("it holds no key"))?;
        if keys.next().is_some() {
            return Err(bad("it holds more than one key; casefile wants one"));
        }
        if !key.starts_with("AGE-SECRET-KEY-1") {
            return Err(bad(
                "its key line is not an age X25519 secret key (AGE-SECRET-KEY-1...)",
            ));
        }
        age::x25519::Identity::from_str(key)
            .map(Self)
            .map_err(|_| bad("its key line does not decode (a damaged or mistyped key)"))
    }
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Identity").field(&self.recipient()).finish()
    }
}

impl Recipient {
    /// The age X25519 recipient under it.
    pub(crate) fn age(&self) -> age::x25519::Recipient {
        // Checked when it was made; the text never changes.
        age::x25519::Recipient::from_str(&self.0).unwrap_or_else(|_| unreachable!())
    }

    /// Its text, `age1...`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Recipient {
    type Err = KeyError;

    fn from_str(text: &str) -> Result<Self, KeyError> {
        let not = || KeyError::NotARecipient {
            text: text.to_owned(),
        };
        let parsed = age::x25519::Recipient::from_str(text).map_err(|_| not())?;
        // Only the canonical (lower-case) text is a recipient here, so one
        // key has one spelling in every document.
        let canonical = parsed.to_string();
        if canonical != text {
            return Err(not());
        }
        Ok(Self(canonical))
    }
}

impl fmt::Display for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Recipient({})", self.0)
    }
}

impl serde::Serialize for Recipient {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Recipient {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Whether `bytes` begin as an age file does, armored or binary.
pub(crate) fn is_age_file(bytes: &[u8]) -> bool {
    let start = bytes.trim_ascii_start();
    start.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----")
        || start.starts_with(b"age-encryption.org/v1\n")
}

/// Opens the header of an age file, armored or binary.
pub(crate) fn decryptor<'a>(
    bytes: &'a [u8],
    what: &str,
) -> Result<age::Decryptor<age::armor::ArmoredReader<std::io::BufReader<&'a [u8]>>>, KeyError> {
    age::Decryptor::new_buffered(age::armor::ArmoredReader::new(bytes))
        .map_err(|e| decrypt_error(what, e))
}

/// Opens an age file (binary) encrypted to `identity` as a stream; each
/// chunk is authenticated as it is read, so a read error means the bytes
/// were altered.
pub(crate) fn open_stream<R: std::io::BufRead>(
    identity: &age::x25519::Identity,
    input: R,
    what: &str,
) -> Result<age::stream::StreamReader<R>, KeyError> {
    age::Decryptor::new_buffered(input)
        .map_err(|e| decrypt_error(what, e))?
        .decrypt(std::iter::once(identity as &dyn age::Identity))
        .map_err(|e| decrypt_error(what, e))
}

/// Opens a whole age file held in memory, armored or binary, encrypted to
/// `identity`.
pub(crate) fn open_all(
    identity: &age::x25519::Identity,
    ciphertext: &[u8],
    what: &str,
) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let reader = decryptor(ciphertext, what)?
        .decrypt(std::iter::once(identity as &dyn age::Identity))
        .map_err(|e| decrypt_error(what, e))?;
    read_all(reader, what)
}

/// Encrypts `plain` to `recipients` as an ASCII-armored age file.
pub(crate) fn encrypt_armored(recipients: &[&dyn age::Recipient], plain: &[u8]) -> Vec<u8> {
    // Writing into memory cannot fail, and the recipients are all of one
    // kind (all X25519, or one passphrase), which age accepts.
    let encryptor = age::Encryptor::with_recipients(recipients.iter().copied())
        .unwrap_or_else(|e| unreachable!("age refused the recipients: {e}"));
    let armor = age::armor::ArmoredWriter::wrap_output(Vec::new(), age::armor::Format::AsciiArmor)
        .unwrap_or_else(|_| unreachable!());
    let mut writer = encryptor
        .wrap_output(armor)
        .unwrap_or_else(|_| unreachable!());
    writer.write_all(plain).unwrap_or_else(|_| unreachable!());
    writer
        .finish()
        .and_then(|armor| armor.finish())
        .unwrap_or_else(|_| unreachable!())
}

/// Reads a decrypting reader to its end: an error part way means the
/// bytes were altered (each chunk is authenticated as it is read).
pub(crate) fn read_all(
    mut reader: impl std::io::Read,
    what: &str,
) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let mut plain = Zeroizing::new(Vec::new());
    reader
        .read_to_end(&mut plain)
        .map_err(|e| KeyError::Damaged {
            what: what.to_owned(),
            problem: e.to_string(),
        })?;
    Ok(plain)
}
