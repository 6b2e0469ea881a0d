//! Selective disclosure: what a court needs to check one protected source
//! and nothing else. The package holds the source's stored ciphertext, the
//! key that opens it alone (an age identity file, so any age tool opens
//! it), the plaintext and sealed fields it opens to, the log entry that
//! commits to the ciphertext, its inclusion proof, the signed checkpoint
//! and the verifier key. Checking it needs no case and no member's key.
//! See `docs/formats/disclosure.md`.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use casefile_keys::SourceKey;
use casefile_merkle::Hash;
use casefile_vault::{Acquisition, SealedFields};
use sha2::Digest as _;

use crate::case::Case;
use crate::error::{Error, io_at};
use crate::keyring::write_new;

/// The package's files.
pub const CIPHERTEXT_FILE: &str = "ciphertext.age";
/// The source's own key (an age identity file).
pub const KEY_FILE: &str = "source-key.txt";
/// The source's bytes, decrypted.
pub const PLAINTEXT_FILE: &str = "plaintext";
/// The source's sealed fields, decrypted.
pub const FIELDS_FILE: &str = "fields.txt";
/// The log entry's bytes.
pub const ENTRY_FILE: &str = "entry.txt";
/// The inclusion proof.
pub const PROOF_FILE: &str = "proof.json";
/// The signed checkpoint the proof leads to.
pub const CHECKPOINT_FILE: &str = "checkpoint.txt";
/// The key that verifies the checkpoint.
pub const VERIFIER_FILE: &str = "verifier.key";
/// How to check it by hand.
pub const README_FILE: &str = "README.txt";
/// The redacted rendering of a package whose witness consented only
/// anonymously (then the key, plaintext and fields are withheld).
pub const REDACTED_FILE: &str = "redacted.txt";

/// What `disclose` wrote.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Disclosure {
    /// The package's folder.
    pub folder: PathBuf,
    /// The source's log index.
    pub log_index: u64,
    /// The tree size of the checkpoint it is proven against.
    pub tree_size: u64,
    /// SHA-256 of the ciphertext (as logged).
    pub ciphertext_sha256: String,
    /// SHA-256 of the plaintext.
    pub plaintext_sha256: String,
    /// The source's file name when it was added, from its sealed fields
    /// (withheld from a redacted package).
    pub name: Option<String>,
    /// Whether it is redacted: the key, plaintext and fields withheld, a
    /// rendering with pseudonyms and masks given instead.
    pub redacted: bool,
    /// What the witnesses' consent said, one line each.
    pub consent: Vec<String>,
}

/// What checking a package found: every check passed (else the first
/// failure is the error).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DisclosureCheck {
    /// The source's log index.
    pub log_index: u64,
    /// The checkpoint's origin (the log's name).
    pub origin: String,
    /// The checkpoint's tree size.
    pub tree_size: u64,
    /// The checks made, in order.
    pub checked: Vec<String>,
}

/// The proof file's content.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct ProofFile {
    leaf_index: u64,
    tree_size: u64,
    leaf_hash: String,
    root: String,
    proof: Vec<String>,
}

impl Case {
    /// Writes the disclosure package of one protected source (named as
    /// [`Case::resolve_source`] takes it) into `out`, a folder that must not
    /// exist yet. Needs the case unlocked: the source's key is unwrapped to
    /// be handed over, and it opens that source alone.
    ///
    /// The witnesses whose account it is decide: each must have consented
    /// to the use `to` (a court, a partner, publication); when one consented only anonymously, or
    /// `redacted` is asked, the package holds a redacted rendering instead
    /// of the key, plaintext and fields. A refusal names the witness and
    /// why. The disclosure is logged as a hand-out (`docs/formats/bundle.md`)
    /// by `by`, and the package proven against the checkpoint that ends with
    /// it.
    pub fn disclose(
        &self,
        spec: &str,
        out: &Path,
        to: &crate::witness::Use,
        redacted: bool,
        by: &str,
    ) -> Result<Disclosure, Error> {
        self.writable()?;
        let index = self.resolve_source(spec)?;
        let record = self.vault().source(index)?;
        if record.entry.sealed.is_none() {
            return Err(Error::invalid(format!(
                "source #{index} is not sealed (only protected sources added since casefile \
                 encrypts them are); its inclusion proof alone (`casefile log proof {index}`) \
                 lets anyone check it"
            )));
        }
        let keys = self.keys();
        let keyring = keys.as_ref().ok_or_else(|| {
            Error::locked(
                "disclosing a protected source hands over its key, which needs the case \
                 unlocked by a member cleared for protected material",
            )
        })?;
        let (key, fields) = keyring.open_source(self.vault().data_dir(), &record)?;
        drop(keys);
        // Read without names: what a redacted package renders.
        let snapshot = self.snapshot_as(false)?;
        let register = self.witnesses_in(&snapshot)?;
        let mut consent = Vec::new();
        let mut redacted = redacted;
        let witnesses = register.of_source(index);
        if witnesses.is_empty() {
            consent.push(format!(
                "no witness is registered for source #{index}: no consent was checked"
            ));
        }
        for witness in witnesses {
            match witness.allows(to) {
                crate::witness::Allowed::Named => consent.push(format!(
                    "{} consented to {to} with their name",
                    witness.pseudonym
                )),
                crate::witness::Allowed::Anonymous => {
                    redacted = true;
                    consent.push(format!(
                        "{} consented to {to} anonymously: redacted",
                        witness.pseudonym
                    ));
                }
                crate::witness::Allowed::Refused { why } => {
                    return Err(Error::conflict(format!(
                        "source #{index} is not disclosed for {to}: {why}"
                    )));
                }
            }
        }
        let rendering = if redacted {
            let mut text = String::new();
            snapshot.documents(index, &mut |document, _| {
                if !text.is_empty() {
                    text.push_str("\n\n");
                }
                text.push_str(&document.text);
            })?;
            Some(text)
        } else {
            None
        };
        if out.exists() {
            return Err(Error::conflict(format!(
                "{} already exists; give a new folder for the package",
                out.display()
            )));
        }
        std::fs::create_dir_all(out).map_err(|e| io_at(out, e))?;
        let mut ciphertext = Vec::new();
        let mut blob = self.vault().open_blob(&record.entry.sha256)?;
        blob.read_to_end(&mut ciphertext)
            .map_err(|e| io_at(out, e))?;
        blob.finish()?;
        let what = format!("the ciphertext of source #{index}");
        let plain = key.open_bytes(&ciphertext, &what)?;
        // The hand-out is logged first, so the package is proven against
        // the checkpoint that records it: later bundles prove they extend
        // that checkpoint, and list the disclosure in the custody log.
        let handout = crate::bundle::Handout {
            format: crate::bundle::HANDOUT_FORMAT.into(),
            profile: format!("disclosure:{}", to.name()),
            exhibits: vec![index],
            manifest_sha256: record.entry.sha256.to_hex(),
        };
        let logged = crate::curation::commit(
            self.vault(),
            vec![crate::curation::Item {
                bytes: handout.encode(),
                name: "handout.json".into(),
                note: format!("disclosure of source #{index} for {to}"),
            }],
            by,
            None,
        )?;
        let tree_size = logged.first().map_or(0, |i| i + 1);
        let proof = self.vault().inclusion_proof(index, Some(tree_size))?;
        let checkpoint = proof.checkpoint.clone().ok_or_else(|| {
            Error::integrity(format!(
                "the log has no signed checkpoint of size {}",
                proof.tree_size
            ))
        })?;
        let entry = base64::engine::general_purpose::STANDARD
            .decode(&proof.entry)
            .map_err(|_| Error::integrity("the log entry's bytes are not base64"))?;
        let proof_file = ProofFile {
            leaf_index: proof.leaf_index,
            tree_size: proof.tree_size,
            leaf_hash: proof.leaf_hash.clone(),
            root: proof.root.clone(),
            proof: proof.proof.clone(),
        };
        let about = format!("source #{index} of {}", self.origin());
        let mut files: Vec<(&str, Vec<u8>)> = vec![(CIPHERTEXT_FILE, ciphertext)];
        match &rendering {
            None => files.extend([
                (KEY_FILE, key.to_identity_file(&about).as_bytes().to_vec()),
                (PLAINTEXT_FILE, plain.to_vec()),
                (FIELDS_FILE, fields.encode()),
            ]),
            Some(text) => files.push((REDACTED_FILE, text.clone().into_bytes())),
        }
        files.extend([
            (ENTRY_FILE, entry),
            (
                PROOF_FILE,
                serde_json::to_vec_pretty(&proof_file)
                    .map_err(|e| Error::io(format!("writing the proof: {e}")))?,
            ),
            (CHECKPOINT_FILE, checkpoint.into_bytes()),
            (VERIFIER_FILE, format!("{}\n", self.verifier()).into_bytes()),
            (
                README_FILE,
                readme(&about, index, rendering.is_some()).into_bytes(),
            ),
        ]);
        for (name, bytes) in &files {
            write_new(&out.join(name), bytes, true)?;
        }
        Ok(Disclosure {
            folder: out.to_path_buf(),
            log_index: index,
            tree_size: proof.tree_size,
            ciphertext_sha256: record.entry.sha256.to_hex(),
            // A redacted package does not let the text be guessed and
            // confirmed by its hash.
            plaintext_sha256: if redacted {
                String::new()
            } else {
                hex(&sha2::Sha256::digest(&plain))
            },
            name: if redacted { None } else { fields.name },
            redacted,
            consent,
        })
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn readme(about: &str, index: u64, redacted: bool) -> String {
    if redacted {
        return format!(
            "casefile disclosure of {about}, redacted\n\
             \n\
             {CIPHERTEXT_FILE}  the source as the case stores it (an age file)\n\
             {REDACTED_FILE}  its text with its witnesses' names replaced by pseudonyms and the \
             spans a person confirmed masked (each by a bar of the same length)\n\
             {ENTRY_FILE}  its log entry (index {index}), which commits to the SHA-256 of {CIPHERTEXT_FILE}\n\
             {PROOF_FILE}  the proof that the entry is in the log of the checkpoint\n\
             {CHECKPOINT_FILE}  the log's signed checkpoint\n\
             {VERIFIER_FILE}  the key that verifies the checkpoint's signature\n\
             \n\
             Its witness consented to submission anonymously, so the key that opens the \
             ciphertext is withheld: the package proves that this ciphertext was logged when \
             the entry says, and {REDACTED_FILE} is the case's rendering of it, which the hashes \
             do not bind. The organisation can open the ciphertext before the court, in camera.\n\
             \n\
             Check it with `casefile disclose verify FOLDER`, or by hand:\n\
             sha256sum {CIPHERTEXT_FILE}       (equals the sha256 line of {ENTRY_FILE})\n\
             and the proof against the checkpoint as RFC 9162 describes (leaf hash = SHA-256 of 0x00 and {ENTRY_FILE}).\n"
        );
    }
    format!(
        "casefile disclosure of {about}\n\
         \n\
         {CIPHERTEXT_FILE}  the source as the case stores it (an age file)\n\
         {KEY_FILE}  its own key: it opens this source and nothing else\n\
         {PLAINTEXT_FILE}  what {CIPHERTEXT_FILE} opens to\n\
         {FIELDS_FILE}  the file name, URL, collection time and note kept sealed in its log entry\n\
         {ENTRY_FILE}  its log entry (index {index}), which commits to the SHA-256 of {CIPHERTEXT_FILE}\n\
         {PROOF_FILE}  the proof that the entry is in the log of the checkpoint\n\
         {CHECKPOINT_FILE}  the log's signed checkpoint\n\
         {VERIFIER_FILE}  the key that verifies the checkpoint's signature\n\
         \n\
         Check it with `casefile disclose verify FOLDER`, or by hand:\n\
         sha256sum {CIPHERTEXT_FILE}       (equals the sha256 line of {ENTRY_FILE})\n\
         age -d -i {KEY_FILE} {CIPHERTEXT_FILE} | cmp - {PLAINTEXT_FILE}\n\
         and the proof against the checkpoint as RFC 9162 describes (leaf hash = SHA-256 of 0x00 and {ENTRY_FILE}).\n"
    )
}

/// Checks a disclosure package with nothing but its own files: the
/// checkpoint's signature, the entry's inclusion, the ciphertext's hash,
/// and that the key opens the ciphertext to the plaintext and the entry's
/// sealed fields to the fields given. The first failure is an
/// [`Error::Integrity`] naming the file.
pub fn verify_disclosure(folder: &Path) -> Result<DisclosureCheck, Error> {
    let read = |name: &str| -> Result<Vec<u8>, Error> {
        let path = folder.join(name);
        std::fs::read(&path).map_err(|e| io_at(&path, e))
    };
    let fail = |name: &str, problem: String| Error::integrity(format!("{name}: {problem}"));
    let mut checked = Vec::new();

    let (_, checkpoint, said) =
        crate::bundle_check::signed_checkpoint(&read(VERIFIER_FILE)?, &read(CHECKPOINT_FILE)?)?;
    checked.push(said);

    let proof: ProofFile =
        serde_json::from_slice(&read(PROOF_FILE)?).map_err(|e| fail(PROOF_FILE, e.to_string()))?;
    let hash = |text: &str| {
        Hash::from_hex(text).ok_or_else(|| fail(PROOF_FILE, format!("{text:?} is not a hash")))
    };
    let root = hash(&proof.root)?;
    if proof.tree_size != checkpoint.size || root != checkpoint.root {
        return Err(fail(
            PROOF_FILE,
            "it is for another tree than the checkpoint's".into(),
        ));
    }
    let entry_bytes = read(ENTRY_FILE)?;
    let leaf = casefile_merkle::leaf_hash(&entry_bytes);
    if leaf != hash(&proof.leaf_hash)? {
        return Err(fail(
            ENTRY_FILE,
            format!("its leaf hash is not the one {PROOF_FILE} is for (one of them was changed)"),
        ));
    }
    let path = proof
        .proof
        .iter()
        .map(|h| hash(h))
        .collect::<Result<Vec<_>, _>>()?;
    casefile_merkle::verify_inclusion(proof.leaf_index, proof.tree_size, &leaf, &path, &root)
        .map_err(|e| {
            fail(
                PROOF_FILE,
                format!("the entry is not proven in the log: {e}"),
            )
        })?;
    let entry = Acquisition::decode(&entry_bytes).map_err(|e| fail(ENTRY_FILE, e.to_string()))?;
    if entry.index != proof.leaf_index {
        return Err(fail(
            ENTRY_FILE,
            format!(
                "it says index {}, the proof {}",
                entry.index, proof.leaf_index
            ),
        ));
    }
    checked.push(format!(
        "log entry {} is in that tree (RFC 9162 inclusion proof)",
        entry.index
    ));

    let ciphertext = read(CIPHERTEXT_FILE)?;
    let digest = sha2::Sha256::digest(&ciphertext);
    if digest.as_slice() != entry.sha256.0 || ciphertext.len() as u64 != entry.size {
        return Err(fail(
            CIPHERTEXT_FILE,
            "its SHA-256 or size is not what the log entry records".into(),
        ));
    }
    checked.push("the ciphertext is the one the entry records (SHA-256 and size)".into());
    if !folder.join(KEY_FILE).exists() && folder.join(REDACTED_FILE).exists() {
        for withheld in [PLAINTEXT_FILE, FIELDS_FILE] {
            if folder.join(withheld).exists() {
                return Err(fail(
                    withheld,
                    "a redacted package holds no plaintext or fields".into(),
                ));
            }
        }
        checked.push(format!(
            "redacted: the key is withheld, and {REDACTED_FILE} is a rendering the hashes do not bind"
        ));
        return Ok(DisclosureCheck {
            log_index: entry.index,
            origin: checkpoint.origin,
            tree_size: checkpoint.size,
            checked,
        });
    }

    let key_text =
        String::from_utf8(read(KEY_FILE)?).map_err(|_| fail(KEY_FILE, "not text".into()))?;
    let key = SourceKey::from_identity_file(&key_text, KEY_FILE)
        .map_err(|e| fail(KEY_FILE, e.to_string()))?;
    let plain = key
        .open_bytes(&ciphertext, CIPHERTEXT_FILE)
        .map_err(|e| fail(CIPHERTEXT_FILE, format!("the key does not open it: {e}")))?;
    if *plain != read(PLAINTEXT_FILE)? {
        return Err(fail(
            PLAINTEXT_FILE,
            "it is not what the ciphertext opens to".into(),
        ));
    }
    checked.push("the key opens the ciphertext to the plaintext given".into());

    let sealed = entry
        .sealed
        .as_deref()
        .ok_or_else(|| fail(ENTRY_FILE, "it is not a sealed entry".into()))?;
    let sealed = base64::engine::general_purpose::STANDARD
        .decode(sealed)
        .map_err(|_| fail(ENTRY_FILE, "its sealed field is not base64".into()))?;
    let fields = key.open_bytes(&sealed, ENTRY_FILE).map_err(|e| {
        fail(
            ENTRY_FILE,
            format!("the key does not open its sealed fields: {e}"),
        )
    })?;
    let given = read(FIELDS_FILE)?;
    if *fields != given || SealedFields::decode(&given).is_err() {
        return Err(fail(
            FIELDS_FILE,
            "they are not what the entry's sealed fields open to".into(),
        ));
    }
    checked.push("the key opens the entry's sealed fields to the fields given".into());
    Ok(DisclosureCheck {
        log_index: entry.index,
        origin: checkpoint.origin,
        tree_size: checkpoint.size,
        checked,
    })
}
