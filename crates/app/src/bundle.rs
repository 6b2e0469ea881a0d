//! The court bundle: numbered exhibits with a manifest, one offline proof
//! per exhibit, the signed checkpoint and its key, consistency proofs from
//! every checkpoint handed out before, the custody log and the report
//! citing exhibits by number; the witnesses' consent decides what a
//! protected exhibit may be. The bundle is logged as a hand-out entry that
//! commits to its manifest, so every file is bound to the signed log.
//! See `docs/formats/bundle.md`; [`crate::bundle_check`] verifies one.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

use base64::Engine as _;
use casefile_vault::{SourceKind, SourceRecord};
use serde::{Deserialize, Serialize};
use sha2::Digest as _;

use crate::case::Case;
use crate::curation::{Curated, Item};
use crate::error::{Error, io_at};
use crate::log::Selection;
use crate::witness::{Allowed, Use};

/// The manifest's format name and version.
pub const BUNDLE_FORMAT: &str = "casefile-bundle 1";
/// The hand-out document's format name and version.
pub const HANDOUT_FORMAT: &str = "casefile-handout 1";
/// The files of a bundle, by name.
pub const MANIFEST_JSON: &str = "manifest.json";
/// One row per exhibit.
pub const MANIFEST_CSV: &str = "manifest.csv";
/// The hand-out document the log entry commits to.
pub const HANDOUT_JSON: &str = "handout.json";
/// Its offline proof.
pub const HANDOUT_PROOF: &str = "handout.tlog-proof";
/// The signed checkpoint, and the key that verifies it: named as in a
/// disclosure package.
pub use crate::disclose::{CHECKPOINT_FILE, VERIFIER_FILE};
/// Every log entry touching an exhibit, with its proof.
pub const CUSTODY_FILE: &str = "custody.jsonl";
/// The report, as data.
pub const REPORT_JSON: &str = "report.json";
/// The report, as a page.
pub const REPORT_HTML: &str = "report.html";
/// The report, as a PDF.
pub const REPORT_PDF: &str = "report.pdf";
/// How to check it.
pub const README_FILE: &str = "README.txt";
/// The cosigners the case trusts, one public key a line.
pub const COSIGNERS_FILE: &str = "cosigners.txt";
/// The verifier anyone can run: one offline page for a browser.
pub const VERIFY_HTML: &str = "verify.html";
/// Its text.
const VERIFY_PAGE: &str = include_str!("bundle_verify.html");
/// The largest a hand-out document may be (some 800,000 exhibits).
pub const MAX_HANDOUT_LEN: usize = 8 << 20;

/// Who a bundle is for: it decides which consent a protected exhibit
/// needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Profile {
    /// A court: consent to submission to a court.
    Court,
    /// A named partner: consent to sharing with them.
    Partner(String),
    /// Anyone: consent to publication; protected exhibits without it
    /// leave no trace.
    Public,
}

impl Profile {
    /// `court`, `public` or `partner:NAME`.
    pub fn parse(text: &str) -> Result<Profile, Error> {
        match text.trim() {
            "court" => Ok(Profile::Court),
            "public" => Ok(Profile::Public),
            other => match other.strip_prefix("partner:").map(str::trim) {
                Some(name) if !name.is_empty() => Ok(Profile::Partner(name.to_owned())),
                _ => Err(Error::invalid(format!(
                    "a bundle is for court, public or partner:NAME, not {other:?}"
                ))),
            },
        }
    }

    /// The use whose consent it needs.
    pub fn use_of(&self) -> Use {
        match self {
            Profile::Court => Use::Court,
            Profile::Partner(name) => Use::Partner(name.clone()),
            Profile::Public => Use::Publication,
        }
    }

    /// As [`Profile::parse`] reads it.
    pub fn name(&self) -> String {
        match self {
            Profile::Court => "court".into(),
            Profile::Public => "public".into(),
            Profile::Partner(name) => format!("partner:{name}"),
        }
    }
}

/// What to bundle.
#[derive(Debug, Clone)]
pub struct BundleRequest {
    /// Who it is for.
    pub profile: Profile,
    /// The sources to make exhibits of (as `casefile log` names them, or
    /// ranges `3-9`); every source when empty.
    pub exhibits: Vec<String>,
    /// The folder to write (must not exist); the zip goes beside it.
    pub out: PathBuf,
    /// The report's date.
    pub as_of: jiff::civil::Date,
    /// How many trusted cosigners must have cosigned a checkpoint the
    /// bundle's extends; a bundle that cannot show it is not made.
    pub quorum: usize,
}

/// One row of the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exhibit {
    /// Its number, from 1.
    pub number: usize,
    /// The source's log index.
    pub log_index: u64,
    /// The source's id.
    pub source_id: String,
    /// The first document's title, when it has one.
    pub title: Option<String>,
    /// The source's kind.
    pub kind: String,
    /// The first document's language.
    pub language: Option<String>,
    /// The date the document gives itself (published).
    pub date: Option<String>,
    /// When it was collected, as the collector stated it.
    pub acquired_at: Option<String>,
    /// When it was added to the log.
    pub added_at: String,
    /// Who added it.
    pub added_by: String,
    /// How it was acquired: the note kept with it.
    pub how: Option<String>,
    /// Where it was found.
    pub url: Option<String>,
    /// SHA-256 of the bytes the log entry commits to (the original, or a
    /// protected source's ciphertext).
    pub sha256: String,
    /// Their size.
    pub size: u64,
    /// `open` or `protected`.
    pub confidentiality: String,
    /// What was done to it for this bundle, in words; empty for none.
    pub redactions: Vec<String>,
    /// The file in the bundle that holds the bytes the entry commits to.
    pub file: String,
    /// For a protected exhibit handed over whole: its decrypted bytes.
    pub plaintext: Option<String>,
    /// ... and its own key (an age identity file).
    pub key: Option<String>,
    /// For a protected exhibit given redacted: the rendering (not bound
    /// by the hashes).
    pub redacted: Option<String>,
    /// Its offline proof.
    pub proof: String,
}

/// A source left out, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeftOut {
    /// The source's log index.
    pub log_index: u64,
    /// Why, naming a witness by pseudonym only.
    pub why: String,
}

/// The manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`BUNDLE_FORMAT`].
    pub format: String,
    /// The log's origin.
    pub origin: String,
    /// Who it is for.
    pub profile: String,
    /// When it was made.
    pub made_at: String,
    /// Who made it.
    pub made_by: String,
    /// The log index of the hand-out entry that commits to this manifest.
    pub handout_index: u64,
    /// The exhibits, by number.
    pub exhibits: Vec<Exhibit>,
    /// Sources asked for that were left out, with why (consent, locked).
    pub left_out: Vec<LeftOut>,
    /// The tree sizes of checkpoints handed out or cosigned before, each
    /// with a consistency proof in the bundle.
    pub earlier: Vec<u64>,
    /// How many of the cosigners in `cosigners.txt` must have cosigned one
    /// of those checkpoints.
    #[serde(default)]
    pub quorum: usize,
    /// Every file the manifest covers (exhibits, report, custody, CSV,
    /// README) and its SHA-256.
    pub files: BTreeMap<String, String>,
}

/// The hand-out document: what the log records of a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handout {
    /// [`HANDOUT_FORMAT`].
    pub format: String,
    /// Who it is for.
    pub profile: String,
    /// The exhibits' log indexes, in exhibit order.
    pub exhibits: Vec<u64>,
    /// SHA-256 of the manifest's bytes.
    pub manifest_sha256: String,
}

impl Handout {
    /// Its canonical bytes.
    pub fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Reads one; at most [`MAX_HANDOUT_LEN`] bytes.
    pub fn decode(bytes: &[u8]) -> Result<Handout, Error> {
        if bytes.len() > MAX_HANDOUT_LEN {
            return Err(Error::integrity("a hand-out document is at most 8 MiB"));
        }
        let handout: Handout = serde_json::from_slice(bytes)
            .map_err(|e| Error::integrity(format!("not a hand-out document: {e}")))?;
        if handout.format != HANDOUT_FORMAT {
            return Err(Error::integrity(format!(
                "its format is {:?}, not {HANDOUT_FORMAT:?}",
                handout.format
            )));
        }
        Ok(handout)
    }
}

/// One line of the custody log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Custody {
    /// The log entry.
    pub index: u64,
    /// `acquisition`, `curation` or `handout`.
    pub event: String,
    /// When it was logged.
    pub at: String,
    /// Who logged it.
    pub by: String,
    /// What it did, in words.
    pub what: String,
    /// The exhibits it touches, by number.
    pub exhibits: Vec<usize>,
    /// The entry's bytes, base64.
    pub entry: String,
    /// Its inclusion proof in the bundle's checkpoint, base64 hashes.
    pub proof: Vec<String>,
}

/// What `bundle` made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleMade {
    /// The folder.
    pub folder: PathBuf,
    /// The zip of it.
    pub zip: PathBuf,
    /// Who it is for.
    pub profile: String,
    /// How many exhibits.
    pub exhibits: usize,
    /// What was left out, and why.
    pub left_out: Vec<LeftOut>,
    /// The hand-out entry.
    pub handout_index: u64,
    /// The checkpoint's tree size.
    pub tree_size: u64,
    /// Earlier checkpoints proven consistent with it.
    pub earlier: Vec<u64>,
    /// What could not be made, and why (a PDF without a system font).
    pub warnings: Vec<String>,
}

/// What may leave the case, and what may not.
pub(crate) struct Chosen {
    /// The sources that may, in log order, with their form and what was
    /// done for consent.
    pub chosen: Vec<(SourceRecord, Form, Vec<String>)>,
    /// Those that may not, and why.
    pub left_out: Vec<LeftOut>,
    /// The same, by log index.
    pub refused: BTreeMap<u64, String>,
}

/// How one exhibit is given.
pub(crate) enum Form {
    /// The original bytes.
    Open,
    /// A protected source whole: ciphertext, key and plaintext.
    Whole,
    /// A protected source redacted: ciphertext and rendering.
    Redacted,
}

impl Case {
    /// Writes a bundle of the case for `request.profile` into
    /// `request.out` (a new folder) and a zip of it beside (`.zip` added),
    /// and logs the hand-out. Protected exhibits need the case unlocked and
    /// their witnesses' consent to the profile's use: without it they are
    /// left out (and leave no trace in a public bundle), with anonymous
    /// consent they are given redacted.
    pub fn bundle(&self, request: &BundleRequest, by: &str) -> Result<BundleMade, Error> {
        self.writable()?;
        let out = &request.out;
        let zip = zip_path(out);
        for path in [out, &zip] {
            if path.exists() {
                return Err(Error::conflict(format!(
                    "{} already exists; give a new folder for the bundle",
                    path.display()
                )));
            }
        }
        let snapshot = self.snapshot_as(false)?;
        let (size, _) = self.vault().latest_checkpoint()?;
        let wanted = self.exhibit_selection(&request.exhibits, size)?;
        let Chosen {
            chosen,
            left_out,
            refused: consent_refused,
        } = self.choose(&snapshot, &request.profile, wanted.as_ref(), size)?;
        if chosen.is_empty() {
            return Err(Error::invalid(
                "no source can be an exhibit of this bundle (see what was left out above)"
                    .to_owned()
                    + &left_out
                        .iter()
                        .map(|l| format!("; {}", l.why))
                        .collect::<String>(),
            ));
        }

        // Written under a temporary name, renamed when whole.
        let partial = out.with_file_name(format!(
            ".{}.partial",
            out.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "bundle".into())
        ));
        if partial.exists() {
            std::fs::remove_dir_all(&partial).map_err(|e| io_at(&partial, e))?;
        }
        let result = self.write_bundle(
            request,
            by,
            &partial,
            &snapshot,
            chosen,
            left_out,
            &consent_refused,
            size,
        );
        let made = match result {
            Ok(made) => made,
            Err(error) => {
                let _ = std::fs::remove_dir_all(&partial);
                return Err(error);
            }
        };
        std::fs::rename(&partial, out).map_err(|e| io_at(out, e))?;
        write_zip(out, &zip)?;
        Ok(BundleMade {
            folder: out.clone(),
            zip,
            ..made
        })
    }

    /// The sources below `size` (those in `wanted`, else all) that may
    /// leave the case for `profile`, each with the form it may take, and
    /// those that may not, with why: every output that leaves the case
    /// (a bundle, an export) chooses through this.
    pub(crate) fn choose(
        &self,
        snapshot: &crate::Snapshot,
        profile: &Profile,
        wanted: Option<&BTreeSet<u64>>,
        size: u64,
    ) -> Result<Chosen, Error> {
        let use_ = profile.use_of();
        let public = *profile == Profile::Public;
        let unlocked = self.keys().is_some();
        let register = if unlocked {
            Some(self.witnesses_in(snapshot)?)
        } else {
            None
        };

        // Which sources, in log order.
        let mut chosen: Vec<(SourceRecord, Form, Vec<String>)> = Vec::new();
        let mut left_out = Vec::new();
        let mut consent_refused = BTreeMap::new();
        for page in crate::log::pages(self.vault(), Selection::Below(size)) {
            for record in page? {
                let index = record.entry.index;
                if record.entry.kind == SourceKind::Curation
                    || wanted.is_some_and(|w| !w.contains(&index))
                {
                    continue;
                }
                if record.entry.sealed.is_none() {
                    if record.entry.kind.is_protected() && public {
                        // Stored before protected sources were sealed: its
                        // bytes are plain, and no consent is known.
                        let why = format!(
                            "#{index} is a protected source with no recorded consent to publication"
                        );
                        consent_refused.insert(index, why.clone());
                        left_out.push(LeftOut {
                            log_index: index,
                            why,
                        });
                        continue;
                    }
                    chosen.push((record, Form::Open, Vec::new()));
                    continue;
                }
                let Some(register) = &register else {
                    let why = format!(
                        "#{index} is protected and the case is locked: a member cleared for \
                         protected material must make the bundle"
                    );
                    consent_refused.insert(index, why.clone());
                    left_out.push(LeftOut {
                        log_index: index,
                        why,
                    });
                    continue;
                };
                let witnesses = register.of_source(index);
                let mut form = Form::Whole;
                let mut said = Vec::new();
                let mut refused = None;
                if witnesses.is_empty() && public {
                    refused = Some(format!(
                        "#{index} is protected and no witness is registered for it, so no \
                         consent to publication is recorded"
                    ));
                }
                for witness in witnesses {
                    match witness.allows(&use_) {
                        Allowed::Named => {}
                        Allowed::Anonymous => {
                            form = Form::Redacted;
                            said.push(format!(
                                "{} consented to {use_} anonymously: names, contacts and \
                                 confirmed masks barred",
                                witness.pseudonym
                            ));
                        }
                        Allowed::Refused { why } => {
                            refused = Some(format!("#{index}: {why}"));
                            break;
                        }
                    }
                }
                match refused {
                    Some(why) => {
                        consent_refused.insert(index, why.clone());
                        left_out.push(LeftOut {
                            log_index: index,
                            why,
                        });
                    }
                    None => chosen.push((record, form, said)),
                }
            }
        }
        if let Some(wanted) = wanted {
            let found: BTreeSet<u64> = chosen
                .iter()
                .map(|(r, _, _)| r.entry.index)
                .chain(left_out.iter().map(|l| l.log_index))
                .collect();
            if let Some(missing) = wanted.iter().find(|w| !found.contains(w)) {
                return Err(Error::invalid(format!(
                    "#{missing} is a curation entry, not a source: it cannot be an exhibit"
                )));
            }
        }
        Ok(Chosen {
            chosen,
            left_out,
            refused: consent_refused,
        })
    }

    /// The log indexes `specs` name (each an index, id, SHA-256 or range
    /// `A-B`), or `None` for every source.
    fn exhibit_selection(
        &self,
        specs: &[String],
        size: u64,
    ) -> Result<Option<BTreeSet<u64>>, Error> {
        if specs.is_empty() {
            return Ok(None);
        }
        let mut out = BTreeSet::new();
        for spec in specs.iter().flat_map(|s| s.split(',')) {
            let spec = spec.trim();
            if spec.is_empty() {
                continue;
            }
            if let Some((a, b)) = spec.split_once('-')
                && let (Ok(a), Ok(b)) = (a.trim().parse::<u64>(), b.trim().parse::<u64>())
            {
                if a > b || b >= size {
                    return Err(Error::invalid(format!(
                        "the range {spec} is not within the log (entries 0 to {})",
                        size.saturating_sub(1)
                    )));
                }
                out.extend(a..=b);
                continue;
            }
            out.insert(self.resolve_source(spec)?);
        }
        Ok(Some(out))
    }

    #[allow(
        clippy::too_many_arguments,
        reason = "one private step of `bundle`, handed what it gathered"
    )]
    fn write_bundle(
        &self,
        request: &BundleRequest,
        by: &str,
        folder: &Path,
        snapshot: &crate::Snapshot,
        chosen: Vec<(SourceRecord, Form, Vec<String>)>,
        left_out: Vec<LeftOut>,
        consent_refused: &BTreeMap<u64, String>,
        size: u64,
    ) -> Result<BundleMade, Error> {
        for sub in ["", "exhibits", "proofs", "consistency"] {
            let dir = folder.join(sub);
            std::fs::create_dir_all(&dir).map_err(|e| io_at(&dir, e))?;
        }
        let mut files: BTreeMap<String, String> = BTreeMap::new();
        let mut exhibits = Vec::new();
        let mut number_of: HashMap<u64, usize> = HashMap::new();
        let mut protected_included = false;
        for (n, (record, form, said)) in chosen.iter().enumerate() {
            let number = n + 1;
            let index = record.entry.index;
            number_of.insert(index, number);
            let entry = &record.entry;
            let mut first: Option<casefile_document::Document> = None;
            snapshot.documents(index, &mut |d, _| {
                if first.is_none() {
                    first = Some(d);
                }
            })?;
            let ext = match form {
                Form::Open => extension(entry.name.as_deref()),
                _ => "age".to_owned(),
            };
            let file = format!("exhibits/{number:03}.{ext}");
            let digest = copy_blob(self, record, &folder.join(&file))?;
            files.insert(file.clone(), digest);
            let mut row = Exhibit {
                number,
                log_index: index,
                source_id: record.id.clone(),
                title: first.as_ref().and_then(|d| d.title.clone()),
                kind: entry.kind.as_str().to_owned(),
                language: first
                    .as_ref()
                    .and_then(|d| d.language.as_ref())
                    .map(|l| l.code.clone()),
                date: first.as_ref().and_then(|d| d.published.clone()),
                acquired_at: entry.acquired_at.clone(),
                added_at: entry.added_at.clone(),
                added_by: entry.by.clone(),
                how: entry.note.clone(),
                url: entry.url.clone(),
                sha256: entry.sha256.to_hex(),
                size: entry.size,
                confidentiality: if entry.sealed.is_some() {
                    "protected".into()
                } else {
                    "open".into()
                },
                redactions: said.clone(),
                file,
                plaintext: None,
                key: None,
                redacted: None,
                proof: format!("proofs/{number:03}.tlog-proof"),
            };
            match form {
                Form::Open => {}
                Form::Whole => {
                    protected_included = true;
                    let keys = self.keys();
                    let keyring = keys.as_ref().ok_or_else(|| {
                        Error::locked("a protected exhibit needs the case unlocked")
                    })?;
                    let (key, fields) = keyring.open_source(self.vault().data_dir(), record)?;
                    drop(keys);
                    let ciphertext = std::fs::read(folder.join(&row.file))
                        .map_err(|e| io_at(&folder.join(&row.file), e))?;
                    let plain = key.open_bytes(&ciphertext, &format!("source #{index}"))?;
                    let plain_file =
                        format!("exhibits/{number:03}.{}", extension(fields.name.as_deref()));
                    let key_file = format!("exhibits/{number:03}-key.txt");
                    let about = format!("source #{index} of {}", self.origin());
                    put(folder, &mut files, &plain_file, &plain)?;
                    put(
                        folder,
                        &mut files,
                        &key_file,
                        key.to_identity_file(&about).as_bytes(),
                    )?;
                    row.acquired_at = fields.acquired_at.clone();
                    row.how = fields.note.clone();
                    row.url = fields.url.clone();
                    row.plaintext = Some(plain_file);
                    row.key = Some(key_file);
                }
                Form::Redacted => {
                    protected_included = true;
                    let mut text = String::new();
                    snapshot.documents(index, &mut |document, _| {
                        if !text.is_empty() {
                            text.push_str("\n\n");
                        }
                        text.push_str(&document.text);
                    })?;
                    let name = format!("exhibits/{number:03}-redacted.txt");
                    put(folder, &mut files, &name, text.as_bytes())?;
                    row.redacted = Some(name);
                }
            }
            exhibits.push(row);
        }

        // The report, from the exhibits alone: every other source is
        // withheld from it.
        let store = snapshot.store();
        let mut withheld: BTreeMap<u64, String> = BTreeMap::new();
        for page in crate::log::pages(self.vault(), Selection::Below(size)) {
            for record in page? {
                let index = record.entry.index;
                if record.entry.kind != SourceKind::Curation && !number_of.contains_key(&index) {
                    withheld.insert(index, "not an exhibit of this bundle".into());
                }
            }
        }
        let mut report = if protected_included {
            crate::report::build(self.vault(), store, request.as_of, true, &withheld)?
        } else {
            store.open_layer_only(|open| {
                crate::report::build(self.vault(), open, request.as_of, false, &withheld)
            })?
        };
        // What consent left out is said; sources merely not chosen are not.
        report
            .withheld
            .retain(|w| consent_refused.contains_key(&w.source));
        report.protected_left_out = 0;
        let exhibit = |source: u64| number_of.get(&source).copied();
        let title = format!(
            "Case report of {}, as of {} ({} bundle)",
            self.origin(),
            request.as_of,
            request.profile.name()
        );
        let html = casefile_report::html::render_html(&report, &title, &exhibit);
        put(folder, &mut files, REPORT_HTML, html.as_bytes())?;
        // The same report as PDF, in a system font; a bundle made where
        // there is none says so and goes without.
        let mut warnings = Vec::new();
        let lines = casefile_report::html::outline(&report, &title, &exhibit);
        match crate::fonts::report_pdf(&lines, &title) {
            Ok(pdf) => put(folder, &mut files, REPORT_PDF, &pdf)?,
            Err(why) => warnings.push(format!("{REPORT_PDF} left out: {why}")),
        }
        let json = serde_json::json!({
            "exhibits": exhibits.iter().map(|e| (e.log_index.to_string(), e.number)).collect::<BTreeMap<_, _>>(),
            "report": report,
        });
        put(
            folder,
            &mut files,
            REPORT_JSON,
            &serde_json::to_vec_pretty(&json).map_err(|e| Error::io(e.to_string()))?,
        )?;

        // Earlier hand-outs and the custody of each exhibit.
        let keys = self.keys();
        let view = crate::curation::read_log(self.vault(), keys.as_ref())?;
        drop(keys);
        let register = crate::witness::Register::read(&view)?;
        let public = request.profile == Profile::Public;
        let mut custody: Vec<(u64, String, String, Vec<usize>)> = Vec::new();
        let mut earlier = Vec::new();
        for e in &exhibits {
            custody.push((
                e.log_index,
                "acquisition".into(),
                format!("exhibit {} acquired ({})", e.number, e.kind),
                vec![e.number],
            ));
        }
        for logged in &view.curated {
            if public && logged.sealed {
                continue;
            }
            let (event, what, mut sources) = touched(&logged.curated);
            // A consent is about every account of its witness.
            if let Curated::Witness(doc) = &logged.curated
                && let crate::witness::WitnessDoc::Consent { witness, .. } = doc.as_ref()
                && let Some(w) = register.witness(witness)
            {
                sources.extend(&w.sources);
            }
            if let Curated::Handout(_) = &logged.curated {
                earlier.push(logged.by.entry + 1);
            }
            let mut touches: Vec<usize> = sources
                .iter()
                .filter_map(|s| number_of.get(s).copied())
                .collect();
            touches.sort_unstable();
            touches.dedup();
            if !touches.is_empty() {
                custody.push((logged.by.entry, event.into(), what, touches));
            }
        }
        custody.sort_by_key(|c| c.0);
        // Checkpoints a partner cosigned are proven too, with the
        // cosignatures of the cosigners the case trusts.
        let cosigners = crate::cosign::Cosigners::read(&view);
        earlier.extend(cosigners.cosigned.keys().copied());
        earlier.sort_unstable();
        earlier.dedup();
        earlier.retain(|&s| s > 0 && s <= size && self.vault().checkpoint_at(s).is_some());
        let shown: BTreeSet<&str> = cosigners
            .cosigned
            .iter()
            .filter(|(s, _)| earlier.contains(s))
            .flat_map(|(_, lines)| lines.iter().map(|(k, _)| k.as_str()))
            .filter(|k| cosigners.trusted.iter().any(|t| t == k))
            .collect();
        if shown.len() < request.quorum {
            return Err(Error::conflict(format!(
                "the bundle would show {} trusted cosigner{} (a quorum of {} was asked): import                  their cosignatures first (casefile cosigner import FILE)",
                shown.len(),
                if shown.len() == 1 { "" } else { "s" },
                request.quorum
            )));
        }
        let mut trusted = cosigners.trusted.join("\n");
        if !trusted.is_empty() {
            trusted.push('\n');
        }
        put(folder, &mut files, COSIGNERS_FILE, trusted.as_bytes())?;

        let handout_index = size;
        let manifest_stub = Manifest {
            format: BUNDLE_FORMAT.into(),
            origin: self.origin().to_owned(),
            profile: request.profile.name(),
            made_at: jiff::Timestamp::now().to_string(),
            made_by: by.to_owned(),
            handout_index,
            exhibits,
            left_out,
            earlier,
            quorum: request.quorum,
            files: BTreeMap::new(),
        };
        put(
            folder,
            &mut files,
            MANIFEST_CSV,
            manifest_csv(&manifest_stub).as_bytes(),
        )?;
        put(
            folder,
            &mut files,
            README_FILE,
            readme(&manifest_stub).as_bytes(),
        )?;
        put(folder, &mut files, VERIFY_HTML, VERIFY_PAGE.as_bytes())?;

        // The custody lines are proven in the tree the hand-out entry makes
        // (`size + 1`), and the hand-out commits to the manifest: so the
        // manifest covers the custody lines without their entries and
        // proofs (`custody.jsonl#lines`), which prove themselves.
        let mut manifest = manifest_stub;
        let new_size = size + 1;
        let custody_lines: Vec<CustodyLine> = custody
            .into_iter()
            .map(|(index, event, what, exhibits)| CustodyLine {
                index,
                event,
                what,
                exhibits,
            })
            .collect();
        files.insert(
            format!("{CUSTODY_FILE}#lines"),
            hex(&sha2::Sha256::digest(
                custody_core(&custody_lines).as_bytes(),
            )),
        );
        manifest.files = files;
        let manifest_bytes =
            serde_json::to_vec_pretty(&manifest).map_err(|e| Error::io(e.to_string()))?;
        let handout = Handout {
            format: HANDOUT_FORMAT.into(),
            profile: request.profile.name(),
            exhibits: manifest.exhibits.iter().map(|e| e.log_index).collect(),
            manifest_sha256: hex(&sha2::Sha256::digest(&manifest_bytes)),
        };
        let handout_bytes = handout.encode();
        let item = Item {
            bytes: handout_bytes.clone(),
            name: "handout.json".into(),
            note: format!(
                "bundle for {} of {} exhibits",
                request.profile.name(),
                manifest.exhibits.len()
            ),
        };
        let logged = crate::curation::commit(self.vault(), vec![item], by, None)?;
        if logged.first() != Some(&handout_index) {
            return Err(Error::conflict(format!(
                "the log grew while the bundle was made (the hand-out was logged as #{}, not \
                 #{handout_index}); make it again",
                logged.first().copied().unwrap_or_default()
            )));
        }
        write_new_file(&folder.join(MANIFEST_JSON), &manifest_bytes)?;
        write_new_file(&folder.join(HANDOUT_JSON), &handout_bytes)?;

        // The checkpoint and every proof in its tree.
        let checkpoint = self.vault().checkpoint_at(new_size).ok_or_else(|| {
            Error::integrity(format!(
                "no signed checkpoint of size {new_size} was stored"
            ))
        })?;
        write_new_file(&folder.join(CHECKPOINT_FILE), checkpoint.as_bytes())?;
        write_new_file(
            &folder.join(VERIFIER_FILE),
            format!("{}\n", self.verifier()).as_bytes(),
        )?;
        let prover = self.vault().prover()?;
        let b64 = |h: &casefile_merkle::Hash| base64::engine::general_purpose::STANDARD.encode(h.0);
        let handout_record = self.vault().source(handout_index)?;
        let handout_entry = handout_record
            .entry
            .encode()
            .map_err(|e| Error::integrity(e.to_string()))?;
        let path = prover.inclusion_path(handout_index, new_size)?;
        write_new_file(
            &folder.join(HANDOUT_PROOF),
            &tlog_proof(handout_index, &handout_entry, &path, &checkpoint),
        )?;
        for (record, _, _) in &chosen {
            let index = record.entry.index;
            let number = number_of[&index];
            let entry = record
                .entry
                .encode()
                .map_err(|e| Error::integrity(e.to_string()))?;
            let path = prover.inclusion_path(index, new_size)?;
            write_new_file(
                &folder.join(format!("proofs/{number:03}.tlog-proof")),
                &tlog_proof(index, &entry, &path, &checkpoint),
            )?;
        }
        let mut custody_out = String::new();
        let wanted: Vec<u64> = {
            let mut v: Vec<u64> = custody_lines.iter().map(|c| c.index).collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        let mut records: HashMap<u64, SourceRecord> = HashMap::new();
        for page in crate::log::pages(self.vault(), Selection::Only(&wanted)) {
            for record in page? {
                records.insert(record.entry.index, record);
            }
        }
        for line in &custody_lines {
            let record = records.get(&line.index).ok_or_else(|| {
                Error::integrity(format!("log entry #{} could not be read", line.index))
            })?;
            let entry = record
                .entry
                .encode()
                .map_err(|e| Error::integrity(e.to_string()))?;
            let line = Custody {
                index: line.index,
                event: line.event.clone(),
                at: record.entry.added_at.clone(),
                by: record.entry.by.clone(),
                what: line.what.clone(),
                exhibits: line.exhibits.clone(),
                entry: base64::engine::general_purpose::STANDARD.encode(entry),
                proof: prover
                    .inclusion_path(line.index, new_size)?
                    .iter()
                    .map(b64)
                    .collect(),
            };
            custody_out
                .push_str(&serde_json::to_string(&line).map_err(|e| Error::io(e.to_string()))?);
            custody_out.push('\n');
        }
        write_new_file(&folder.join(CUSTODY_FILE), custody_out.as_bytes())?;
        for old in &manifest.earlier {
            let proof = self.vault().consistency_proof(*old, Some(new_size))?;
            let old_checkpoint = cosigners
                .cosigned_note(*old, &self.vault().checkpoint_at(*old).unwrap_or_default());
            let mut text = format!("casefile-consistency 1\nold {old}\nnew {new_size}\n");
            for h in &proof.proof {
                let hash = casefile_merkle::Hash::from_hex(h)
                    .ok_or_else(|| Error::integrity("a consistency proof hash is not hex"))?;
                text.push_str(&b64(&hash));
                text.push('\n');
            }
            text.push('\n');
            text.push_str(&old_checkpoint);
            write_new_file(
                &folder.join(format!("consistency/{old}.txt")),
                text.as_bytes(),
            )?;
        }
        Ok(BundleMade {
            folder: folder.to_path_buf(),
            zip: PathBuf::new(),
            profile: request.profile.name(),
            exhibits: manifest.exhibits.len(),
            left_out: manifest.left_out.clone(),
            handout_index,
            tree_size: new_size,
            earlier: manifest.earlier.clone(),
            warnings,
        })
    }
}

/// A custody line without its entry and proof: what the manifest covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct CustodyLine {
    pub index: u64,
    pub event: String,
    pub what: String,
    pub exhibits: Vec<usize>,
}

/// The custody lines as the manifest hashes them: one JSON object a line.
pub(crate) fn custody_core(lines: &[CustodyLine]) -> String {
    lines
        .iter()
        .map(|l| serde_json::to_string(l).unwrap_or_default() + "\n")
        .collect()
}

/// What a curation document is, in custody terms: its event, what it did
/// in words (no names), and the sources it touches.
fn touched(curated: &Curated) -> (&'static str, String, Vec<u64>) {
    match curated {
        Curated::Action(action) => {
            let mut sources: Vec<u64> = action.cite.iter().map(|c| c.source).collect();
            sources.extend(action.record.as_deref().and_then(source_of_record));
            sources.extend(action.from.as_deref().and_then(source_of_record));
            let what = format!(
                "record {} {}",
                action.action.as_str(),
                action.record.as_deref().unwrap_or("(new)")
            );
            ("curation", what, sources)
        }
        Curated::Judgement(judgement) => (
            "curation",
            format!(
                "entity judgement: {}",
                match judgement.verdict {
                    casefile_resolve::judgements::Verdict::Same => "the same",
                    casefile_resolve::judgements::Verdict::NotSame => "not the same",
                }
            ),
            vec![judgement.left.source, judgement.right.source],
        ),
        Curated::Witness(doc) => {
            use crate::witness::WitnessDoc;
            match doc.as_ref() {
                WitnessDoc::Add { sources, .. } => {
                    ("curation", "witness registered".into(), sources.clone())
                }
                WitnessDoc::Consent {
                    witness,
                    to,
                    given,
                    recorded_in,
                    ..
                } => (
                    "curation",
                    format!(
                        "consent of {witness} to {to} {}",
                        if *given { "given" } else { "withdrawn" }
                    ),
                    recorded_in.iter().copied().collect(),
                ),
                WitnessDoc::Mask { source, .. } => {
                    ("curation", "mask confirmed".into(), vec![*source])
                }
            }
        }
        Curated::Cosigner(_) => ("curation", "cosigning".into(), Vec::new()),
        Curated::Handout(handout) => (
            "handout",
            match handout.profile.strip_prefix("disclosure:") {
                Some(to) => format!("disclosed alone for {to}"),
                None => format!("handed out in a {} bundle", handout.profile),
            },
            handout.exhibits.clone(),
        ),
    }
}

/// The source a proposed record's id names (`V3.0.14` → 3); `None` for a
/// record made by hand.
fn source_of_record(id: &str) -> Option<u64> {
    let rest = id.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    if id.starts_with('H') {
        return None;
    }
    rest.split('.').next()?.parse().ok()
}

/// A file name's extension as a bundle names exhibits: lower-case ASCII
/// letters and digits, at most eight, else `bin`.
fn extension(name: Option<&str>) -> String {
    name.and_then(|n| n.rsplit_once('.'))
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .filter(|ext| {
            !ext.is_empty() && ext.len() <= 8 && ext.chars().all(|c| c.is_ascii_alphanumeric())
        })
        .unwrap_or_else(|| "bin".into())
}

/// Copies a source's stored bytes to `to`, checking them against its
/// entry on the way; returns their SHA-256, hex.
fn copy_blob(case: &Case, record: &SourceRecord, to: &Path) -> Result<String, Error> {
    let mut blob = case.vault().open_blob(&record.entry.sha256)?;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(to)
        .map_err(|e| io_at(to, e))?;
    let mut hasher = sha2::Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let n = blob.read(&mut buffer).map_err(|e| io_at(to, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        file.write_all(&buffer[..n]).map_err(|e| io_at(to, e))?;
    }
    blob.finish()?;
    file.sync_all().map_err(|e| io_at(to, e))?;
    Ok(hex(&hasher.finalize()))
}

/// Writes `bytes` as `name` in `folder` and notes its hash.
fn put(
    folder: &Path,
    files: &mut BTreeMap<String, String>,
    name: &str,
    bytes: &[u8],
) -> Result<(), Error> {
    write_new_file(&folder.join(name), bytes)?;
    files.insert(name.to_owned(), hex(&sha2::Sha256::digest(bytes)));
    Ok(())
}

/// Writes a new file, flushed.
fn write_new_file(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| io_at(path, e))?;
    file.write_all(bytes).map_err(|e| io_at(path, e))?;
    file.sync_all().map_err(|e| io_at(path, e))
}

/// An offline proof in the C2SP tlog-proof format, the entry's bytes as
/// its extra data.
fn tlog_proof(
    index: u64,
    entry: &[u8],
    path: &[casefile_merkle::Hash],
    checkpoint: &str,
) -> Vec<u8> {
    crate::bundle_check::TlogProof {
        extra: entry.to_vec(),
        index,
        path: path.to_vec(),
        checkpoint: checkpoint.as_bytes().to_vec(),
    }
    .encode()
}

/// The manifest's rows as CSV (RFC 4180), with a header.
pub(crate) fn manifest_csv(manifest: &Manifest) -> String {
    let mut out = String::from(
        "number,title,kind,language,date,acquired_at,added_at,added_by,how,url,sha256,size,\
         log_index,confidentiality,redactions,file\r\n",
    );
    for e in &manifest.exhibits {
        let cells = [
            e.number.to_string(),
            e.title.clone().unwrap_or_default(),
            e.kind.clone(),
            e.language.clone().unwrap_or_default(),
            e.date.clone().unwrap_or_default(),
            e.acquired_at.clone().unwrap_or_default(),
            e.added_at.clone(),
            e.added_by.clone(),
            e.how.clone().unwrap_or_default(),
            e.url.clone().unwrap_or_default(),
            e.sha256.clone(),
            e.size.to_string(),
            e.log_index.to_string(),
            e.confidentiality.clone(),
            e.redactions.join("; "),
            e.redacted
                .clone()
                .or(e.plaintext.clone())
                .unwrap_or(e.file.clone()),
        ];
        let row: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

/// One CSV cell, quoted when it must be; a leading `=`, `+`, `-` or `@`
/// is prefixed with `'` so a spreadsheet does not run it.
pub(crate) fn csv_cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn readme(manifest: &Manifest) -> String {
    format!(
        "casefile bundle of {origin} for {profile}, made {at} by {by}\n\
         \n\
         {n} exhibits in exhibits/, numbered as in {MANIFEST_CSV} and {MANIFEST_JSON}.\n\
         {REPORT_HTML}  the case report, citing exhibits by number ({REPORT_JSON}: the same as data)\n\
         {CUSTODY_FILE}  every log entry touching an exhibit: acquisition, curation, hand-outs\n\
         proofs/NNN.tlog-proof  each exhibit's log entry (extra line, base64) and its inclusion proof\n\
         {HANDOUT_JSON}, {HANDOUT_PROOF}  the log entry of this bundle, committing to {MANIFEST_JSON}\n\
         {CHECKPOINT_FILE}, {VERIFIER_FILE}  the log's signed checkpoint and its key\n\
         consistency/SIZE.txt  proofs that checkpoints handed out before are part of this one\n\
         \n\
         Check it with `casefile bundle verify FOLDER`, or with no casefile at all: open\n\
         {VERIFY_HTML} in a browser and choose this folder (or serve the folder and open the\n\
         page from it); it checks the same in the browser, offline. By hand: each exhibit's SHA-256 is the\n\
         sha256 line of its entry (the extra line of its proof, base64); the entry's leaf hash\n\
         (SHA-256 of 0x00 and the entry) leads by the proof's hashes to the root in the\n\
         checkpoint (RFC 9162); the checkpoint's signature verifies with {VERIFIER_FILE}\n\
         (C2SP signed-note, Ed25519); the hand-out entry's sha256 is SHA-256 of {HANDOUT_JSON},\n\
         whose manifest_sha256 is SHA-256 of {MANIFEST_JSON}, which lists every other file's\n\
         SHA-256.\n",
        origin = manifest.origin,
        profile = manifest.profile,
        at = manifest.made_at,
        by = manifest.made_by,
        n = manifest.exhibits.len(),
    )
}

/// `out` with `.zip` added to its name.
pub fn zip_path(out: &Path) -> PathBuf {
    let mut name = out.file_name().unwrap_or_default().to_os_string();
    name.push(".zip");
    out.with_file_name(name)
}

/// Zips `folder` into `zip`, every file under the folder's name, in name
/// order.
fn write_zip(folder: &Path, zip: &Path) -> Result<(), Error> {
    let partial = zip.with_extension("zip.partial");
    let file = std::fs::File::create(&partial).map_err(|e| io_at(&partial, e))?;
    let mut writer = zip::ZipWriter::new(file);
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    // Photos, videos, archives and ciphertexts do not shrink: stored as
    // they are, they zip at the speed of the disk.
    let stored = deflated.compression_method(zip::CompressionMethod::Stored);
    const TEXT: &[&str] = &[
        "txt",
        "html",
        "htm",
        "json",
        "jsonl",
        "csv",
        "xml",
        "md",
        "key",
        "tlog-proof",
        "warc",
    ];
    let mut names = Vec::new();
    collect_files(folder, folder, &mut names)?;
    names.sort();
    let top = folder
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "bundle".into());
    for name in names {
        let path = folder.join(&name);
        let text = name
            .rsplit_once('.')
            .is_some_and(|(_, ext)| TEXT.contains(&ext));
        writer
            .start_file(
                format!("{top}/{name}"),
                if text { deflated } else { stored },
            )
            .map_err(|e| Error::io(format!("{}: {e}", zip.display())))?;
        let mut source = std::fs::File::open(&path).map_err(|e| io_at(&path, e))?;
        std::io::copy(&mut source, &mut writer).map_err(|e| io_at(zip, e))?;
    }
    let file = writer
        .finish()
        .map_err(|e| Error::io(format!("{}: {e}", zip.display())))?;
    file.sync_all().map_err(|e| io_at(&partial, e))?;
    std::fs::rename(&partial, zip).map_err(|e| io_at(zip, e))
}

/// Every file under `dir`, as paths relative to `root` with `/`.
pub(crate) fn collect_files(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<(), Error> {
    for entry in std::fs::read_dir(dir).map_err(|e| io_at(dir, e))? {
        let entry = entry.map_err(|e| io_at(dir, e))?;
        let path = entry.path();
        if path.is_dir() {
            collect_files(root, &path, out)?;
        } else {
            let relative = path.strip_prefix(root).unwrap_or(&path);
            out.push(
                relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/"),
            );
        }
    }
    Ok(())
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_ids_name_their_source_and_cells_are_safe() {
        assert_eq!(source_of_record("V3.0.14"), Some(3));
        assert_eq!(source_of_record("E12.0.1"), Some(12));
        assert_eq!(source_of_record("H40"), None);
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"x\""), "\"say \"\"x\"\"\"");
        assert_eq!(csv_cell("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(extension(Some("page.HTML")), "html");
        assert_eq!(extension(Some("no extension")), "bin");
        assert_eq!(extension(Some("x.tar.g$z")), "bin");
        assert_eq!(
            Profile::parse("partner:Example Org").unwrap(),
            Profile::Partner("Example Org".into())
        );
        assert!(Profile::parse("everyone").is_err());
    }
}
