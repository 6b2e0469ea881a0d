//! The key of one protected source: every protected source is encrypted to
//! its own X25519 key, and that key is kept wrapped to the epoch's case key.
//!
//! One key per source is what makes two things possible. Disclosure: a
//! court is handed one source's ciphertext and its key, which opens that
//! source with any age tool and nothing else. And `rekey`: the wrapped
//! source keys are re-wrapped to a new epoch's key, so a removed member's
//! old case key no longer opens the copy of the case made after.

use std::fmt;
use std::io::{self, BufRead, Write};
use std::str::FromStr as _;

use age::secrecy::ExposeSecret as _;
use zeroize::Zeroizing;

use crate::identity::{encrypt_armored, open_all, open_stream};
use crate::{CaseKey, KeyError, Recipient, seal_to};

/// First line of a wrapped-key file, and of the plaintext it wraps.
const WRAPPED_MAGIC: &str = "casefile-wrapped 1";
/// What the derived store's sealing key is wrapped as.
const DERIVED_STORE: &str = "derived-store";

/// The private key of one protected source. Its `Debug` shows the public
/// half only.
pub struct SourceKey {
    identity: age::x25519::Identity,
    /// Its public half, computed once (a scalar multiplication).
    recipient: Recipient,
}

/// What a wrapped-key file says in the clear: which epoch's case key opens
/// it and what the key is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrappedHeader {
    /// The epoch whose case key it is wrapped to.
    pub epoch: u64,
    /// What the key is for: `source <sha256 of the ciphertext>`, or
    /// `derived-store`.
    pub about: String,
}

/// The wrapped-key file holding `secret` (one line of text) for `about`,
/// wrapped to `case_key`, the public key of `epoch`.
fn wrap_secret(epoch: u64, case_key: &Recipient, about: &str, secret: &str) -> Vec<u8> {
    let plain = Zeroizing::new(format!("{WRAPPED_MAGIC}\nabout {about}\n{secret}\n"));
    let age = case_key.age();
    let armored = encrypt_armored(&[&age], plain.as_bytes());
    let mut out = format!("{WRAPPED_MAGIC}\nepoch {epoch}\nabout {about}\n").into_bytes();
    out.extend_from_slice(&armored);
    out
}

/// Opens a wrapped-key file with its epoch's case key, checking it is for
/// `about` both in the clear and inside: a file swapped for another's is
/// refused whatever its header says.
fn unwrap_secret(
    file: &[u8],
    case_key: &CaseKey,
    about: &str,
    what: &str,
) -> Result<Zeroizing<String>, KeyError> {
    let (header, armored) = parse(file, what)?;
    let damaged = |problem: &str| KeyError::Damaged {
        what: what.to_owned(),
        problem: problem.to_owned(),
    };
    if header.about != about {
        return Err(damaged(
            "it is kept for something else than what it is read for (a key file swapped)",
        ));
    }
    if header.epoch != case_key.epoch() {
        return Err(damaged(&format!(
            "it is wrapped to epoch {}, not to the epoch {} key given",
            header.epoch,
            case_key.epoch()
        )));
    }
    let plain = case_key.open_bytes(armored, what)?;
    let text = std::str::from_utf8(&plain).map_err(|_| damaged("its key is not text"))?;
    let mut lines = text.lines();
    if lines.next() != Some(WRAPPED_MAGIC) {
        return Err(damaged("its key does not begin as a casefile wrapped key"));
    }
    if lines.next() != Some(format!("about {about}").as_str()) {
        return Err(damaged(
            "its wrapped key belongs to something else (a key file swapped)",
        ));
    }
    let secret = lines.next().ok_or_else(|| damaged("its key is missing"))?;
    if lines.next().is_some() {
        return Err(damaged("its key has lines after the key"));
    }
    Ok(Zeroizing::new(secret.to_owned()))
}

/// The file that keeps the derived store's sealing key wrapped to the case
/// key of `epoch`.
pub fn wrap_sealing_key(epoch: u64, case_key: &Recipient, key: &[u8; 32]) -> Vec<u8> {
    let mut hex = Zeroizing::new(String::with_capacity(64));
    for byte in key {
        hex.push_str(&format!("{byte:02x}"));
    }
    wrap_secret(epoch, case_key, DERIVED_STORE, &hex)
}

/// Opens the derived store's wrapped sealing key with its epoch's case key.
pub fn unwrap_sealing_key(
    file: &[u8],
    case_key: &CaseKey,
    what: &str,
) -> Result<Zeroizing<[u8; 32]>, KeyError> {
    let hex = unwrap_secret(file, case_key, DERIVED_STORE, what)?;
    let mut key = Zeroizing::new([0u8; 32]);
    let bad = || KeyError::Damaged {
        what: what.to_owned(),
        problem: "its key is not 64 hexadecimal digits".to_owned(),
    };
    if hex.len() != 64 {
        return Err(bad());
    }
    for (byte, pair) in key.iter_mut().zip(hex.as_bytes().chunks(2)) {
        let digits = std::str::from_utf8(pair).map_err(|_| bad())?;
        *byte = u8::from_str_radix(digits, 16).map_err(|_| bad())?;
    }
    Ok(key)
}

/// Reads a wrapped-key file's clear header (no key needed).
pub fn wrapped_header(file: &[u8], what: &str) -> Result<WrappedHeader, KeyError> {
    parse(file, what).map(|(header, _)| header)
}

impl SourceKey {
    /// A new random key, for one source.
    pub fn generate() -> Self {
        Self::of(age::x25519::Identity::generate())
    }

    fn of(identity: age::x25519::Identity) -> Self {
        // An X25519 recipient's own text always parses.
        let recipient = Recipient::from_str(&identity.to_public().to_string())
            .unwrap_or_else(|_| unreachable!());
        Self {
            identity,
            recipient,
        }
    }

    /// Its public half, which the source's bytes and fields are encrypted to.
    pub fn recipient(&self) -> Recipient {
        self.recipient.clone()
    }

    /// Starts the source's ciphertext (a binary age file) in `output`.
    /// Call `finish` on what it returns.
    pub fn seal<W: Write>(&self, output: W) -> io::Result<age::stream::StreamWriter<W>> {
        seal_to(&self.recipient, output)
    }

    /// Encrypts `plain` to this key, in memory (a binary age file).
    pub fn seal_bytes(&self, plain: &[u8]) -> Vec<u8> {
        crate::seal_bytes(&self.recipient, plain)
    }

    /// Opens an age file (binary) encrypted to this key; `what` names it in
    /// errors. Each chunk is authenticated as it is read: a read error means
    /// the bytes were altered.
    pub fn open<R: BufRead>(
        &self,
        input: R,
        what: &str,
    ) -> Result<age::stream::StreamReader<R>, KeyError> {
        open_stream(&self.identity, input, what)
    }

    /// Opens a whole age file held in memory, armored or binary.
    pub fn open_bytes(
        &self,
        ciphertext: &[u8],
        what: &str,
    ) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        open_all(&self.identity, ciphertext, what)
    }

    /// The source key file: this key wrapped to `case_key` (the public key
    /// of `epoch`), bound to the ciphertext `sha256` (hex) it opens.
    pub fn wrap(&self, epoch: u64, case_key: &Recipient, sha256: &str) -> Vec<u8> {
        wrap_secret(
            epoch,
            case_key,
            &format!("source {sha256}"),
            self.identity.to_string().expose_secret(),
        )
    }

    /// Unwraps a source key file with the case key of its epoch, checking
    /// that it belongs to the ciphertext `sha256`: a key file swapped for
    /// another source's is refused.
    pub fn unwrap(
        file: &[u8],
        case_key: &CaseKey,
        sha256: &str,
        what: &str,
    ) -> Result<SourceKey, KeyError> {
        let secret = unwrap_secret(file, case_key, &format!("source {sha256}"), what)?;
        let identity = age::x25519::Identity::from_str(&secret).map_err(|_| KeyError::Damaged {
            what: what.to_owned(),
            problem: "its key does not decode".to_owned(),
        })?;
        Ok(SourceKey::of(identity))
    }

    /// The key as a plain age identity file, which `age -d -i FILE` reads:
    /// what a disclosure hands over with the one source it opens.
    pub fn to_identity_file(&self, about: &str) -> Zeroizing<String> {
        Zeroizing::new(format!(
            "# casefile source key: {about}\n# public key: {}\n{}\n",
            self.recipient(),
            self.identity.to_string().expose_secret()
        ))
    }

    /// Reads a plain identity file holding one X25519 key, as
    /// [`SourceKey::to_identity_file`] writes it.
    pub fn from_identity_file(text: &str, what: &str) -> Result<SourceKey, KeyError> {
        let mut keys = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'));
        let not = |problem: &str| KeyError::NotAnIdentity {
            what: what.to_owned(),
            problem: problem.to_owned(),
        };
        let secret = keys.next().ok_or_else(|| not("it holds no key"))?;
        if keys.next().is_some() {
            return Err(not("it holds more than one key"));
        }
        let identity = age::x25519::Identity::from_str(secret)
            .map_err(|_| not("its key is not an age X25519 secret key"))?;
        Ok(SourceKey::of(identity))
    }
}

/// Splits a wrapped-key file into its header and its armored part.
fn parse<'a>(file: &'a [u8], what: &str) -> Result<(WrappedHeader, &'a [u8]), KeyError> {
    let bad = |line: usize, problem: &str| KeyError::BadDocument {
        what: what.to_owned(),
        line,
        problem: problem.to_owned(),
    };
    let mut rest = file;
    let mut next_line = |n: usize| -> Result<&'a str, KeyError> {
        let end = memchr_newline(rest).ok_or_else(|| bad(n, "the line does not end"))?;
        let line = std::str::from_utf8(&rest[..end]).map_err(|_| bad(n, "not UTF-8 text"))?;
        rest = &rest[end + 1..];
        Ok(line)
    };
    if next_line(1)? != WRAPPED_MAGIC {
        return Err(bad(
            1,
            "not a casefile wrapped-key file (casefile-wrapped 1)",
        ));
    }
    let epoch = next_line(2)?
        .strip_prefix("epoch ")
        .and_then(|n| n.parse::<u64>().ok().filter(|e| e.to_string() == n))
        .ok_or_else(|| bad(2, "expected \"epoch <decimal>\""))?;
    let about = next_line(3)?
        .strip_prefix("about ")
        .filter(|a| valid_about(a))
        .ok_or_else(|| {
            bad(
                3,
                "expected \"about source <64 hex digits>\" or \"about derived-store\"",
            )
        })?
        .to_owned();
    if !rest.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----\n")
        || !rest.ends_with(b"-----END AGE ENCRYPTED FILE-----\n")
    {
        return Err(bad(4, "expected the armored wrapped key"));
    }
    Ok((WrappedHeader { epoch, about }, rest))
}

fn valid_about(about: &str) -> bool {
    about == DERIVED_STORE
        || about.strip_prefix("source ").is_some_and(|h| {
            h.len() == 64 && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        })
}

fn memchr_newline(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'\n')
}

impl fmt::Debug for SourceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SourceKey")
            .field("recipient", &self.recipient())
            .finish()
    }
}
