//! Checks a bundle (`crate::bundle`) with nothing but its own files: the
//! checkpoint's signature, the hand-out entry's inclusion and the manifest
//! it commits to, every file the manifest lists, every exhibit against its
//! log entry and proof, the custody log, the report's citations and the
//! consistency of earlier checkpoints. The first failure is an
//! [`Error::Integrity`] naming the file. Reads a folder or its zip.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read as _;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use casefile_keys::SourceKey;
use casefile_merkle::Hash;
use casefile_note::{Checkpoint, CosignerKey, Note, NoteVerifier};
use casefile_vault::{Acquisition, SourceKind};
use sha2::Digest as _;

use crate::bundle::{
    CHECKPOINT_FILE, COSIGNERS_FILE, CUSTODY_FILE, Custody, CustodyLine, HANDOUT_JSON,
    HANDOUT_PROOF, Handout, MANIFEST_CSV, MANIFEST_JSON, Manifest, REPORT_JSON, VERIFIER_FILE,
    custody_core, hex, manifest_csv,
};
use crate::error::{Error, io_at};

/// What checking a bundle found: every check passed (else the first
/// failure is the error).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BundleCheck {
    /// The log's origin.
    pub origin: String,
    /// The checkpoint's tree size.
    pub tree_size: u64,
    /// Who it is for.
    pub profile: String,
    /// How many exhibits were checked.
    pub exhibits: usize,
    /// The checks made, in order.
    pub checked: Vec<String>,
}

/// A bundle's files, from its folder or its zip.
enum Files {
    Dir(PathBuf),
    Zip {
        archive: Box<zip::ZipArchive<std::fs::File>>,
        top: String,
        path: PathBuf,
    },
}

impl Files {
    fn open(path: &Path) -> Result<Files, Error> {
        if path.is_dir() {
            return Ok(Files::Dir(path.to_path_buf()));
        }
        let file = std::fs::File::open(path).map_err(|e| io_at(path, e))?;
        let archive = zip::ZipArchive::new(file).map_err(|e| {
            Error::integrity(format!(
                "{}: neither a bundle folder nor its zip: {e}",
                path.display()
            ))
        })?;
        let bad = |e: zip::result::ZipError| {
            Error::integrity(format!("{}: a damaged zip: {e}", path.display()))
        };
        let first = archive
            .file_names()
            .next()
            .ok_or_else(|| Error::integrity(format!("{}: an empty zip", path.display())))?
            .map_err(bad)?
            .into_owned();
        let top = first
            .split_once('/')
            .map(|(t, _)| t.to_owned())
            .ok_or_else(|| {
                Error::integrity(format!(
                    "{}: {first} is not inside the bundle's folder",
                    path.display()
                ))
            })?;
        Ok(Files::Zip {
            archive: Box::new(archive),
            top,
            path: path.to_path_buf(),
        })
    }

    /// Every file's name, relative, with `/`.
    fn names(&self) -> Result<Vec<String>, Error> {
        match self {
            Files::Dir(dir) => {
                let mut out = Vec::new();
                crate::bundle::collect_files(dir, dir, &mut out)?;
                Ok(out)
            }
            Files::Zip { archive, top, path } => archive
                .file_names()
                .map(|n| {
                    let n = n.map_err(|e| {
                        Error::integrity(format!("{}: a damaged zip: {e}", path.display()))
                    })?;
                    n.strip_prefix(&format!("{top}/"))
                        .map(str::to_owned)
                        .ok_or_else(|| {
                            Error::integrity(format!(
                                "{}: {n} is outside the bundle's folder {top}",
                                path.display()
                            ))
                        })
                })
                .filter(|n| n.as_ref().map_or(true, |n| !n.ends_with('/')))
                .collect(),
        }
    }

    /// Streams file `name` to `visit`.
    fn stream(&mut self, name: &str, visit: &mut dyn FnMut(&[u8])) -> Result<(), Error> {
        let mut buffer = vec![0u8; 1 << 16];
        let missing = || Error::integrity(format!("{name}: missing from the bundle"));
        match self {
            Files::Dir(dir) => {
                let path = dir.join(name);
                let mut file = std::fs::File::open(&path).map_err(|e| {
                    if e.kind() == std::io::ErrorKind::NotFound {
                        missing()
                    } else {
                        io_at(&path, e)
                    }
                })?;
                loop {
                    let n = file.read(&mut buffer).map_err(|e| io_at(&path, e))?;
                    if n == 0 {
                        return Ok(());
                    }
                    visit(&buffer[..n]);
                }
            }
            Files::Zip { archive, top, path } => {
                let mut file = archive
                    .by_name(&format!("{top}/{name}"))
                    .map_err(|_| missing())?;
                loop {
                    let n = file.read(&mut buffer).map_err(|e| {
                        Error::integrity(format!("{}: {name}: {e}", path.display()))
                    })?;
                    if n == 0 {
                        return Ok(());
                    }
                    visit(&buffer[..n]);
                }
            }
        }
    }

    fn read(&mut self, name: &str) -> Result<Vec<u8>, Error> {
        let mut out = Vec::new();
        self.stream(name, &mut |b| out.extend_from_slice(b))?;
        Ok(out)
    }

    /// SHA-256 (hex) and size of file `name`.
    fn hash(&mut self, name: &str) -> Result<(String, u64), Error> {
        let mut hasher = sha2::Sha256::new();
        let mut size = 0u64;
        self.stream(name, &mut |b| {
            hasher.update(b);
            size += b.len() as u64;
        })?;
        Ok((hex(&hasher.finalize()), size))
    }
}

fn fail(name: &str, problem: impl std::fmt::Display) -> Error {
    Error::integrity(format!("{name}: {problem}"))
}

/// An offline proof in the C2SP `tlog-proof@v1` format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlogProof {
    /// The extra data (a casefile proof's: the log entry's bytes).
    pub extra: Vec<u8>,
    /// The entry's index.
    pub index: u64,
    /// The inclusion proof, the leaf's sibling first.
    pub path: Vec<Hash>,
    /// The checkpoint, verbatim (signed note).
    pub checkpoint: Vec<u8>,
}

impl TlogProof {
    /// Reads one; `name` names it in errors.
    pub fn parse(name: &str, bytes: &[u8]) -> Result<TlogProof, Error> {
        parse_tlog_proof(name, bytes)
    }

    /// Its text. Extra data is written when there is any.
    pub fn encode(&self) -> Vec<u8> {
        let b64 = base64::engine::general_purpose::STANDARD;
        let mut out = String::from("c2sp.org/tlog-proof@v1\n");
        if !self.extra.is_empty() {
            out.push_str(&format!("extra {}\n", b64.encode(&self.extra)));
        }
        out.push_str(&format!("index {}\n", self.index));
        for hash in &self.path {
            out.push_str(&b64.encode(hash.0));
            out.push('\n');
        }
        out.push('\n');
        let mut bytes = out.into_bytes();
        bytes.extend_from_slice(&self.checkpoint);
        bytes
    }
}

fn parse_tlog_proof(name: &str, bytes: &[u8]) -> Result<TlogProof, Error> {
    let text = std::str::from_utf8(bytes).map_err(|_| fail(name, "not UTF-8"))?;
    let (head, checkpoint) = text
        .split_once("\n\n")
        .ok_or_else(|| fail(name, "no empty line before the checkpoint"))?;
    let mut lines = head.split('\n');
    if lines.next() != Some("c2sp.org/tlog-proof@v1") {
        return Err(fail(name, "its first line is not c2sp.org/tlog-proof@v1"));
    }
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut line = lines.next().unwrap_or_default();
    let mut extra = Vec::new();
    if let Some(data) = line.strip_prefix("extra ") {
        extra = b64
            .decode(data)
            .map_err(|_| fail(name, "its extra data is not base64"))?;
        line = lines.next().unwrap_or_default();
    }
    let index = line
        .strip_prefix("index ")
        .filter(|d| !d.is_empty() && (d == &"0" || !d.starts_with('0')))
        .and_then(|d| d.parse::<u64>().ok())
        .ok_or_else(|| fail(name, "no index line"))?;
    let mut path = Vec::new();
    for line in lines {
        let bytes = b64
            .decode(line)
            .map_err(|_| fail(name, "a proof line is not base64"))?;
        let hash: [u8; 32] = bytes
            .try_into()
            .map_err(|_| fail(name, "a proof line is not a SHA-256 hash"))?;
        path.push(Hash(hash));
    }
    Ok(TlogProof {
        extra,
        index,
        path,
        checkpoint: checkpoint.as_bytes().to_vec(),
    })
}

/// Checks a proof file against the bundle's checkpoint: the same
/// checkpoint, and the entry in its extra data at its index in the tree.
/// Returns the entry.
fn check_proof(
    name: &str,
    bytes: &[u8],
    checkpoint_bytes: &[u8],
    checkpoint: &Checkpoint,
) -> Result<(u64, Acquisition), Error> {
    let proof = parse_tlog_proof(name, bytes)?;
    if proof.checkpoint != checkpoint_bytes {
        return Err(fail(
            name,
            format!("its checkpoint is not the bundle's {CHECKPOINT_FILE}"),
        ));
    }
    let leaf = casefile_merkle::leaf_hash(&proof.extra);
    casefile_merkle::verify_inclusion(
        proof.index,
        checkpoint.size,
        &leaf,
        &proof.path,
        &checkpoint.root,
    )
    .map_err(|e| fail(name, format!("the entry is not proven in the log: {e}")))?;
    let entry =
        Acquisition::decode(&proof.extra).map_err(|e| fail(name, format!("its entry: {e}")))?;
    if entry.index != proof.index {
        return Err(fail(
            name,
            format!(
                "its entry says index {}, the proof {}",
                entry.index, proof.index
            ),
        ));
    }
    Ok((proof.index, entry))
}

/// Reads the verifier key (`verifier.key`: one line) and the checkpoint
/// it must have signed (`checkpoint.txt`): the key, the checkpoint and
/// what was checked, in words. Bundles and disclosure packages share the
/// two files' names and forms.
pub(crate) fn signed_checkpoint(
    verifier_bytes: &[u8],
    note: &[u8],
) -> Result<(NoteVerifier, Checkpoint, String), Error> {
    let verifier_text =
        std::str::from_utf8(verifier_bytes).map_err(|_| fail(VERIFIER_FILE, "not text"))?;
    let key_line = verifier_text
        .strip_suffix('\n')
        .filter(|line| !line.contains(char::is_whitespace))
        .ok_or_else(|| fail(VERIFIER_FILE, "expected one line: the verifier key"))?;
    let verifier = NoteVerifier::parse(key_line).map_err(|e| fail(VERIFIER_FILE, e))?;
    let verified = Note::verify(note, &verifier).map_err(|e| {
        fail(
            CHECKPOINT_FILE,
            format!("its signature does not verify: {e}"),
        )
    })?;
    let checkpoint = Checkpoint::parse(&verified.text).map_err(|e| fail(CHECKPOINT_FILE, e))?;
    let said = format!(
        "the checkpoint of {} at size {} is signed by {key_line}",
        checkpoint.origin, checkpoint.size
    );
    Ok((verifier, checkpoint, said))
}

/// Checks the bundle at `path` (its folder or zip), counting the
/// cosigners its own `cosigners.txt` lists toward the quorum its manifest
/// asks.
pub fn verify_bundle(path: &Path) -> Result<BundleCheck, Error> {
    verify_bundle_with(path, None)
}

/// Whose cosignatures count, and how many must there be: a court's own
/// policy, in place of the bundle's.
#[derive(Debug, Clone)]
pub struct CosignerPolicy {
    /// The cosigners' public keys.
    pub keys: Vec<CosignerKey>,
    /// How many of them must have cosigned.
    pub quorum: usize,
}

/// [`verify_bundle`], with `policy` in place of the bundle's cosigners and
/// quorum when given.
pub fn verify_bundle_with(
    path: &Path,
    policy: Option<&CosignerPolicy>,
) -> Result<BundleCheck, Error> {
    let mut files = Files::open(path)?;
    let mut checked = Vec::new();

    // The checkpoint and its key.
    let checkpoint_bytes = files.read(CHECKPOINT_FILE)?;
    let (verifier, checkpoint, said) =
        signed_checkpoint(&files.read(VERIFIER_FILE)?, &checkpoint_bytes)?;
    checked.push(said);

    // The hand-out entry, the document it commits to and the manifest.
    let (handout_index, handout_entry) = check_proof(
        HANDOUT_PROOF,
        &files.read(HANDOUT_PROOF)?,
        &checkpoint_bytes,
        &checkpoint,
    )?;
    if handout_entry.kind != SourceKind::Curation || handout_index + 1 != checkpoint.size {
        return Err(fail(
            CHECKPOINT_FILE,
            format!(
                "it is of size {}, not the tree the hand-out entry #{handout_index} closes \
                 (an older or other checkpoint)",
                checkpoint.size
            ),
        ));
    }
    let handout_bytes = files.read(HANDOUT_JSON)?;
    if sha2::Sha256::digest(&handout_bytes).as_slice() != handout_entry.sha256.0
        || handout_bytes.len() as u64 != handout_entry.size
    {
        return Err(fail(
            HANDOUT_JSON,
            "it is not what the hand-out entry records (SHA-256 or size)",
        ));
    }
    let handout = Handout::decode(&handout_bytes).map_err(|e| fail(HANDOUT_JSON, e))?;
    let manifest_bytes = files.read(MANIFEST_JSON)?;
    if hex(&sha2::Sha256::digest(&manifest_bytes)) != handout.manifest_sha256 {
        return Err(fail(
            MANIFEST_JSON,
            "its SHA-256 is not the one the logged hand-out commits to",
        ));
    }
    let manifest: Manifest =
        serde_json::from_slice(&manifest_bytes).map_err(|e| fail(MANIFEST_JSON, e))?;
    if manifest.format != crate::bundle::BUNDLE_FORMAT
        || manifest.origin != checkpoint.origin
        || manifest.handout_index != handout_index
        || manifest.profile != handout.profile
    {
        return Err(fail(
            MANIFEST_JSON,
            "its format, origin, profile or hand-out index is not the logged one's",
        ));
    }
    let order: Vec<u64> = manifest.exhibits.iter().map(|e| e.log_index).collect();
    if order != handout.exhibits
        || manifest
            .exhibits
            .iter()
            .enumerate()
            .any(|(n, e)| e.number != n + 1)
    {
        return Err(fail(
            MANIFEST_JSON,
            "its exhibits are not numbered 1, 2, ... in the order the hand-out logged",
        ));
    }
    checked.push(format!(
        "log entry {handout_index} hands out this bundle ({} exhibits) and commits to {MANIFEST_JSON}",
        manifest.exhibits.len()
    ));

    // Every file the manifest lists, and nothing else.
    let mut expected: BTreeSet<String> = [
        MANIFEST_JSON,
        HANDOUT_JSON,
        HANDOUT_PROOF,
        CHECKPOINT_FILE,
        VERIFIER_FILE,
        CUSTODY_FILE,
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    for e in &manifest.exhibits {
        expected.insert(e.proof.clone());
    }
    for old in &manifest.earlier {
        expected.insert(format!("consistency/{old}.txt"));
    }
    for (name, sha) in &manifest.files {
        if name.contains('#') {
            continue;
        }
        expected.insert(name.clone());
        let (found, _) = files.hash(name)?;
        if &found != sha {
            return Err(fail(name, "its SHA-256 is not the one the manifest lists"));
        }
    }
    let present: BTreeSet<String> = files.names()?.into_iter().collect();
    if let Some(missing) = expected.difference(&present).next() {
        return Err(fail(missing, "missing from the bundle"));
    }
    if let Some(extra) = present.difference(&expected).next() {
        return Err(fail(extra, "not part of the bundle the manifest describes"));
    }
    if files.read(MANIFEST_CSV)? != manifest_csv(&manifest).into_bytes() {
        return Err(fail(MANIFEST_CSV, "it does not agree with the manifest"));
    }
    checked.push(format!(
        "every file the manifest lists has its SHA-256 ({} files)",
        manifest.files.len()
    ));

    // Each exhibit against its entry.
    for e in &manifest.exhibits {
        let (index, entry) = check_proof(
            &e.proof,
            &files.read(&e.proof)?,
            &checkpoint_bytes,
            &checkpoint,
        )?;
        let row = format!("exhibit {} in {MANIFEST_JSON}", e.number);
        if index != e.log_index
            || entry.sha256.to_hex() != e.sha256
            || entry.size != e.size
            || entry.kind.as_str() != e.kind
            || entry.added_at != e.added_at
            || entry.by != e.added_by
            || (entry.sealed.is_some()) != (e.confidentiality == "protected")
        {
            return Err(fail(
                &row,
                format!("it is not what log entry {index} records"),
            ));
        }
        if manifest.files.get(&e.file) != Some(&e.sha256) {
            return Err(fail(
                &e.file,
                format!("its SHA-256 is not the one log entry {index} records"),
            ));
        }
        if entry.sealed.is_none() && (e.url != entry.url || e.acquired_at != entry.acquired_at) {
            return Err(fail(
                &row,
                format!("its URL or acquisition time is not entry {index}'s"),
            ));
        }
        if let (Some(key_file), Some(plain_file)) = (&e.key, &e.plaintext) {
            let key_text =
                String::from_utf8(files.read(key_file)?).map_err(|_| fail(key_file, "not text"))?;
            let key = SourceKey::from_identity_file(&key_text, key_file)
                .map_err(|e| fail(key_file, e))?;
            let ciphertext = files.read(&e.file)?;
            let plain = key
                .open_bytes(&ciphertext, &e.file)
                .map_err(|err| fail(&e.file, format!("its key does not open it: {err}")))?;
            if *plain != files.read(plain_file)? {
                return Err(fail(
                    plain_file,
                    "it is not what the exhibit's ciphertext opens to",
                ));
            }
        }
    }
    checked.push(format!(
        "each of the {} exhibits is the one its log entry records, and each entry is in the log",
        manifest.exhibits.len()
    ));

    // The custody log.
    let custody_text = String::from_utf8(files.read(CUSTODY_FILE)?)
        .map_err(|_| fail(CUSTODY_FILE, "not UTF-8"))?;
    let mut lines = Vec::new();
    let mut acquired = BTreeSet::new();
    let b64 = base64::engine::general_purpose::STANDARD;
    for (n, line) in custody_text.lines().enumerate() {
        let place = format!("{CUSTODY_FILE} line {}", n + 1);
        let custody: Custody = serde_json::from_str(line).map_err(|e| fail(&place, e))?;
        let entry_bytes = b64
            .decode(&custody.entry)
            .map_err(|_| fail(&place, "its entry is not base64"))?;
        let path = custody
            .proof
            .iter()
            .map(|h| {
                b64.decode(h)
                    .ok()
                    .and_then(|b| <[u8; 32]>::try_from(b).ok())
                    .map(Hash)
                    .ok_or_else(|| fail(&place, "a proof hash is not base64 SHA-256"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        casefile_merkle::verify_inclusion(
            custody.index,
            checkpoint.size,
            &casefile_merkle::leaf_hash(&entry_bytes),
            &path,
            &checkpoint.root,
        )
        .map_err(|e| fail(&place, format!("its entry is not proven in the log: {e}")))?;
        let entry = Acquisition::decode(&entry_bytes).map_err(|e| fail(&place, e))?;
        if entry.index != custody.index
            || entry.added_at != custody.at
            || entry.by != custody.by
            || custody
                .exhibits
                .iter()
                .any(|x| *x == 0 || *x > manifest.exhibits.len())
        {
            return Err(fail(&place, "it is not what its log entry records"));
        }
        if custody.event == "acquisition" {
            for x in &custody.exhibits {
                if manifest.exhibits[x - 1].log_index == custody.index {
                    acquired.insert(*x);
                }
            }
        }
        lines.push(CustodyLine {
            index: custody.index,
            event: custody.event,
            what: custody.what,
            exhibits: custody.exhibits,
        });
    }
    let core = hex(&sha2::Sha256::digest(custody_core(&lines).as_bytes()));
    if manifest.files.get(&format!("{CUSTODY_FILE}#lines")) != Some(&core) {
        return Err(fail(
            CUSTODY_FILE,
            "its lines are not the ones the manifest lists",
        ));
    }
    if let Some(missing) = (1..=manifest.exhibits.len()).find(|x| !acquired.contains(x)) {
        return Err(fail(
            CUSTODY_FILE,
            format!("exhibit {missing} has no acquisition line"),
        ));
    }
    checked.push(format!(
        "the custody log's {} entries are in the log and cover every exhibit",
        lines.len()
    ));

    // The report cites exhibits only.
    let report: serde_json::Value =
        serde_json::from_slice(&files.read(REPORT_JSON)?).map_err(|e| fail(REPORT_JSON, e))?;
    let numbers: BTreeMap<String, usize> = manifest
        .exhibits
        .iter()
        .map(|e| (e.log_index.to_string(), e.number))
        .collect();
    let listed: BTreeMap<String, usize> =
        serde_json::from_value(report["exhibits"].clone()).map_err(|e| fail(REPORT_JSON, e))?;
    if listed != numbers {
        return Err(fail(
            REPORT_JSON,
            "its exhibit numbers are not the manifest's",
        ));
    }
    let mut cited = 0usize;
    let mut stray = None;
    walk_citations(&report["report"], &mut |source, kind| {
        cited += 1;
        if kind != "curation" && !numbers.contains_key(&source.to_string()) && stray.is_none() {
            stray = Some(source);
        }
    });
    if let Some(source) = stray {
        return Err(fail(
            REPORT_JSON,
            format!("it cites log entry {source}, which is not an exhibit"),
        ));
    }
    checked.push(format!(
        "the report's {cited} citations are all of exhibits"
    ));

    // Earlier checkpoints are part of this one; those a trusted cosigner
    // cosigned count toward the quorum.
    let (cosigner_keys, quorum, whose) = match policy {
        Some(policy) => (
            policy.keys.clone(),
            policy.quorum,
            "the cosigner keys given",
        ),
        None => {
            let listed = String::from_utf8(files.read(COSIGNERS_FILE)?)
                .map_err(|_| fail(COSIGNERS_FILE, "not text"))?;
            let keys = listed
                .lines()
                .map(|l| CosignerKey::parse(l).map_err(|e| fail(COSIGNERS_FILE, e)))
                .collect::<Result<Vec<_>, _>>()?;
            (keys, manifest.quorum, COSIGNERS_FILE)
        }
    };
    let mut cosigned: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for old in &manifest.earlier {
        let name = format!("consistency/{old}.txt");
        let bytes = files.read(&name)?;
        let text = std::str::from_utf8(&bytes).map_err(|_| fail(&name, "not UTF-8"))?;
        let (head, old_note) = text
            .split_once("\n\n")
            .ok_or_else(|| fail(&name, "no empty line before the old checkpoint"))?;
        let mut lines = head.split('\n');
        let header = (lines.next(), lines.next(), lines.next());
        if header
            != (
                Some("casefile-consistency 1"),
                Some(format!("old {old}").as_str()),
                Some(format!("new {}", checkpoint.size).as_str()),
            )
        {
            return Err(fail(
                &name,
                "its header is not for this bundle's checkpoint",
            ));
        }
        let proof = lines
            .map(|l| {
                b64.decode(l)
                    .ok()
                    .and_then(|b| <[u8; 32]>::try_from(b).ok())
                    .map(Hash)
                    .ok_or_else(|| fail(&name, "a proof line is not base64 SHA-256"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let old_verified = Note::verify(old_note.as_bytes(), &verifier)
            .map_err(|e| fail(&name, format!("the old checkpoint's signature: {e}")))?;
        for key in &cosigner_keys {
            if let Some(time) = key.cosigned(&old_verified) {
                cosigned
                    .entry(key.name().to_owned())
                    .or_insert((*old, time));
            }
        }
        let old_checkpoint = Checkpoint::parse(&old_verified.text).map_err(|e| fail(&name, e))?;
        if old_checkpoint.size != *old || old_checkpoint.origin != checkpoint.origin {
            return Err(fail(
                &name,
                "the old checkpoint is not of that size and log",
            ));
        }
        casefile_merkle::verify_consistency(
            *old,
            checkpoint.size,
            &proof,
            &old_checkpoint.root,
            &checkpoint.root,
        )
        .map_err(|e| {
            fail(
                &name,
                format!("the log was not only appended to since: {e}"),
            )
        })?;
    }
    if !manifest.earlier.is_empty() {
        checked.push(format!(
            "the checkpoints handed out before (sizes {}) are earlier states of this one",
            manifest
                .earlier
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    for (name, (size, time)) in &cosigned {
        checked.push(format!(
            "{name} cosigned the checkpoint of size {size} (at {}), which this one extends",
            jiff::Timestamp::from_second(*time as i64)
                .map(|t| t.to_string())
                .unwrap_or_else(|_| time.to_string())
        ));
    }
    if cosigned.len() < quorum {
        let looked: Vec<String> = manifest
            .earlier
            .iter()
            .map(|s| format!("consistency/{s}.txt"))
            .collect();
        return Err(fail(
            whose,
            format!(
                "{} of its cosigners cosigned a checkpoint this one extends (in {}); the quorum \
                 is {quorum}",
                cosigned.len(),
                if looked.is_empty() {
                    "no earlier checkpoint".to_owned()
                } else {
                    looked.join(", ")
                }
            ),
        ));
    }
    Ok(BundleCheck {
        origin: checkpoint.origin,
        tree_size: checkpoint.size,
        profile: manifest.profile,
        exhibits: manifest.exhibits.len(),
        checked,
    })
}

/// What the partner's side needs of a bundle already checked: its
/// checkpoint's and verifier key's bytes, and each earlier checkpoint's
/// size and root (from its consistency file).
pub(crate) struct Opened {
    pub checkpoint: Vec<u8>,
    pub verifier: Vec<u8>,
    pub earlier: Vec<(u64, Hash)>,
}

/// Reads [`Opened`] from the bundle at `path`.
pub(crate) fn open_files(path: &Path) -> Result<Opened, Error> {
    let mut files = Files::open(path)?;
    let checkpoint = files.read(CHECKPOINT_FILE)?;
    let verifier = files.read(VERIFIER_FILE)?;
    let manifest: Manifest =
        serde_json::from_slice(&files.read(MANIFEST_JSON)?).map_err(|e| fail(MANIFEST_JSON, e))?;
    let mut earlier = Vec::new();
    for old in &manifest.earlier {
        let name = format!("consistency/{old}.txt");
        let bytes = files.read(&name)?;
        let text = String::from_utf8(bytes).map_err(|_| fail(&name, "not UTF-8"))?;
        let (_, note) = text
            .split_once("\n\n")
            .ok_or_else(|| fail(&name, "no old checkpoint"))?;
        let note = Note::parse(note.as_bytes()).map_err(|e| fail(&name, e))?;
        let old_checkpoint = Checkpoint::parse(&note.text).map_err(|e| fail(&name, e))?;
        earlier.push((old_checkpoint.size, old_checkpoint.root));
    }
    Ok(Opened {
        checkpoint,
        verifier,
        earlier,
    })
}

/// Calls `visit` with the source and source kind of every citation in
/// `value` (an object with `source`, `source_kind` and `quote`).
fn walk_citations(value: &serde_json::Value, visit: &mut dyn FnMut(u64, &str)) {
    match value {
        serde_json::Value::Object(fields) => {
            if let (Some(source), Some(kind), Some(_)) = (
                fields.get("source").and_then(|s| s.as_u64()),
                fields.get("source_kind").and_then(|s| s.as_str()),
                fields.get("quote"),
            ) {
                visit(source, kind);
            }
            for field in fields.values() {
                walk_citations(field, visit);
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                walk_citations(item, visit);
            }
        }
        _ => {}
    }
}
