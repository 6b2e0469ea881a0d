//! The case key of an epoch, and the key document that keeps it wrapped to
//! the members who may read protected material.

use std::fmt;
use std::io::{self, Write};
use std::str::FromStr as _;

use age::secrecy::ExposeSecret as _;
use zeroize::Zeroizing;

use crate::identity::{decryptor, encrypt_armored, is_age_file, open_all, read_all};
use crate::{Identity, KeyError, Recipient, decrypt_error};

/// First line of a key document.
const KEY_MAGIC: &str = "casefile-key 1";
/// First line of the wrapped plaintext.
const PLAIN_MAGIC: &str = "casefile-case-key 1";

/// The private key of one epoch of a case: it opens everything protected
/// that was encrypted to the epoch's [`Recipient`]. Its `Debug` shows the
/// epoch and the public half only.
pub struct CaseKey {
    epoch: u64,
    identity: age::x25519::Identity,
}

/// A key document: an epoch's case key wrapped (age-encrypted) to the
/// recipients named in it. Public: it can be logged and copied freely.
#[derive(Clone, PartialEq, Eq)]
pub struct WrappedKey {
    epoch: u64,
    recipient: Recipient,
    wrapped_for: Vec<Recipient>,
    armored: String,
}

impl CaseKey {
    /// A new random key for `epoch`.
    pub fn generate(epoch: u64) -> Self {
        Self {
            epoch,
            identity: age::x25519::Identity::generate(),
        }
    }

    /// Its epoch.
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// Its public half: protected material of this epoch is encrypted to it.
    pub fn recipient(&self) -> Recipient {
        // An X25519 recipient's own text always parses.
        Recipient::from_str(&self.identity.to_public().to_string())
            .unwrap_or_else(|_| unreachable!())
    }

    /// The key document that holds this key for `members` (the recipients
    /// of those cleared, and the recovery key). Refused when `members` is
    /// empty: a key nobody can unwrap would lock the material away for good.
    pub fn wrap(&self, members: &[Recipient]) -> Result<WrappedKey, KeyError> {
        let mut wrapped_for = members.to_vec();
        wrapped_for.sort();
        wrapped_for.dedup();
        if wrapped_for.is_empty() {
            return Err(KeyError::Membership(
                "a case key must be wrapped for at least one member or the recovery key".into(),
            ));
        }
        let plain = Zeroizing::new(format!(
            "{PLAIN_MAGIC}\nepoch {}\n{}\n",
            self.epoch,
            self.identity.to_string().expose_secret()
        ));
        let ages: Vec<age::x25519::Recipient> = wrapped_for.iter().map(Recipient::age).collect();
        let dyns: Vec<&dyn age::Recipient> =
            ages.iter().map(|r| r as &dyn age::Recipient).collect();
        let armored = encrypt_armored(&dyns, plain.as_bytes());
        Ok(WrappedKey {
            epoch: self.epoch,
            recipient: self.recipient(),
            wrapped_for,
            // The armor is ASCII by construction.
            armored: String::from_utf8(armored).unwrap_or_else(|_| unreachable!()),
        })
    }

    /// Opens a whole age file held in memory, armored or binary, encrypted
    /// to this epoch's recipient; `what` names it in errors.
    pub fn open_bytes(
        &self,
        ciphertext: &[u8],
        what: &str,
    ) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        open_all(&self.identity, ciphertext, what)
    }
}

/// Starts an age file (binary) encrypted to `recipient`, written into
/// `output`; needs no private key. Call `finish` on what it returns, or
/// the file is cut short and will not open.
pub fn seal_to<W: Write>(
    recipient: &Recipient,
    output: W,
) -> io::Result<age::stream::StreamWriter<W>> {
    let age = recipient.age();
    // One X25519 recipient is always accepted.
    let encryptor = age::Encryptor::with_recipients(std::iter::once(&age as &dyn age::Recipient))
        .unwrap_or_else(|_| unreachable!());
    encryptor.wrap_output(output)
}

/// Encrypts `plain` to `recipient` (an epoch's), in memory, as a binary
/// age file.
pub fn seal_bytes(recipient: &Recipient, plain: &[u8]) -> Vec<u8> {
    // Writing into memory cannot fail.
    let mut writer = seal_to(recipient, Vec::new()).unwrap_or_else(|_| unreachable!());
    writer.write_all(plain).unwrap_or_else(|_| unreachable!());
    writer.finish().unwrap_or_else(|_| unreachable!())
}

impl fmt::Debug for CaseKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CaseKey")
            .field("epoch", &self.epoch)
            .field("recipient", &self.recipient())
            .finish()
    }
}

impl WrappedKey {
    /// The epoch.
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// The epoch's public key, which new protected material is encrypted to.
    pub fn recipient(&self) -> &Recipient {
        &self.recipient
    }

    /// The recipients it is wrapped for, sorted.
    pub fn wrapped_for(&self) -> &[Recipient] {
        &self.wrapped_for
    }

    /// Unwraps the case key with a member's identity, and checks it is the
    /// key the document names: a wrapped key swapped for another valid one
    /// (another epoch's, or one made for the same members) is refused.
    pub fn unwrap(&self, identity: &Identity) -> Result<CaseKey, KeyError> {
        let what = format!("the key document of epoch {}", self.epoch);
        let mine = identity.recipient();
        if !self.wrapped_for.contains(&mine) {
            return Err(KeyError::NotForThisIdentity {
                what,
                recipient: mine.to_string(),
            });
        }
        let decryptor = decryptor(self.armored.as_bytes(), &what)?;
        let reader = decryptor
            .decrypt(std::iter::once(identity.age() as &dyn age::Identity))
            .map_err(|e| match e {
                age::DecryptError::NoMatchingKeys => KeyError::Damaged {
                    what: what.clone(),
                    problem: format!(
                        "it names {mine} among its recipients, but no stanza opens with that \
                         identity"
                    ),
                },
                other => decrypt_error(&what, other),
            })?;
        let plain = read_all(reader, &what)?;
        let damaged = |problem: &str| KeyError::Damaged {
            what: what.clone(),
            problem: problem.to_owned(),
        };
        let text = std::str::from_utf8(&plain).map_err(|_| damaged("its key is not text"))?;
        let mut lines = text.lines();
        if lines.next() != Some(PLAIN_MAGIC) {
            return Err(damaged("its key does not begin as a casefile case key"));
        }
        if lines.next() != Some(format!("epoch {}", self.epoch).as_str()) {
            return Err(damaged(
                "its key belongs to another epoch (a key document swapped for another)",
            ));
        }
        let secret = lines.next().ok_or_else(|| damaged("its key is missing"))?;
        if lines.next().is_some() {
            return Err(damaged("its key has lines after the key"));
        }
        let key = age::x25519::Identity::from_str(secret)
            .map_err(|_| damaged("its key does not decode"))?;
        let key = CaseKey {
            epoch: self.epoch,
            identity: key,
        };
        if key.recipient() != self.recipient {
            return Err(damaged(
                "its key does not match the recipient it names (a key swapped for another)",
            ));
        }
        Ok(key)
    }

    /// The document's bytes (see `docs/formats/case-key.md`).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = format!(
            "{KEY_MAGIC}\nepoch {}\nrecipient {}\n",
            self.epoch, self.recipient
        );
        for r in &self.wrapped_for {
            out.push_str(&format!("for {r}\n"));
        }
        out.push_str(&self.armored);
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out.into_bytes()
    }

    /// Reads a key document; only its canonical bytes are accepted.
    pub fn parse(bytes: &[u8], what: &str) -> Result<Self, KeyError> {
        let bad = |line: usize, problem: &str| KeyError::BadDocument {
            what: what.to_owned(),
            line,
            problem: problem.to_owned(),
        };
        let text = std::str::from_utf8(bytes).map_err(|_| bad(1, "not UTF-8 text"))?;
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let line = |n: usize| lines.get(n).map(|l| l.strip_suffix('\n').unwrap_or(l));
        if line(0) != Some(KEY_MAGIC) {
            return Err(bad(1, "not a casefile key document (casefile-key 1)"));
        }
        let epoch = line(1)
            .and_then(|l| l.strip_prefix("epoch "))
            .and_then(|n| n.parse::<u64>().ok().filter(|e| e.to_string() == n))
            .ok_or_else(|| bad(2, "expected \"epoch <decimal>\""))?;
        let recipient = line(2)
            .and_then(|l| l.strip_prefix("recipient "))
            .ok_or_else(|| bad(3, "expected \"recipient age1...\""))?;
        let recipient: Recipient = recipient
            .parse()
            .map_err(|_| bad(3, "not an age recipient"))?;
        let mut wrapped_for = Vec::new();
        let mut at = 3;
        while let Some(r) = line(at).and_then(|l| l.strip_prefix("for ")) {
            let r: Recipient = r.parse().map_err(|_| bad(at + 1, "not an age recipient"))?;
            if wrapped_for.last().is_some_and(|last| *last >= r) {
                return Err(bad(at + 1, "recipients out of order or repeated"));
            }
            wrapped_for.push(r);
            at += 1;
        }
        if wrapped_for.is_empty() {
            return Err(bad(at + 1, "expected \"for age1...\" lines"));
        }
        let armored: String = lines[at..].concat();
        if !is_age_file(armored.as_bytes()) || !armored.starts_with("-----BEGIN") {
            return Err(bad(at + 1, "expected the armored wrapped key"));
        }
        if !armored.ends_with("-----END AGE ENCRYPTED FILE-----\n") {
            return Err(bad(
                lines.len(),
                "the armored wrapped key does not end as armor does",
            ));
        }
        let document = Self {
            epoch,
            recipient,
            wrapped_for,
            armored,
        };
        if document.to_bytes() != bytes {
            return Err(bad(1, "not in canonical form"));
        }
        Ok(document)
    }
}

impl fmt::Debug for WrappedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WrappedKey")
            .field("epoch", &self.epoch)
            .field("recipient", &self.recipient)
            .field("wrapped_for", &self.wrapped_for)
            .finish_non_exhaustive()
    }
}
