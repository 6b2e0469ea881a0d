//! `casefile`: the command line. It parses arguments, walks folders,
//! prints and chooses exit codes; everything else is the case service
//! (`casefile-app`).

mod add;
mod bundle;
mod cosign;
mod demo;
mod demo_corpus;
mod entity;
mod extract;
mod keys;
mod models;
mod output;
mod read;
mod records;
mod report;
mod search;
mod web;
mod witnesses;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use casefile_app::types::SourceKind;
use casefile_app::{Case, ErrorKind};
use clap::builder::TypedValueParser as _;
use clap::{Args, Parser, Subcommand};

use crate::output::{Exit, print_json};

/// casefile keeps evidence of wartime abuse so that it holds up: every file
/// you add is stored unchanged under its SHA-256 and recorded in a signed,
/// append-only Merkle log that anyone can check offline.
///
/// Start with `casefile init` in a new folder, then `casefile add FILES...`.
/// `casefile verify` re-checks everything; `casefile log proof` hands a third
/// party the proof that a source is in the log.
#[derive(Debug, Parser)]
#[command(name = "casefile", version, propagate_version = true)]
struct Cli {
    /// The case folder to use. By default casefile looks in the current
    /// folder and its parents for one (like git).
    #[arg(long, global = true, value_name = "DIR", env = "CASEFILE_CASE")]
    case: Option<PathBuf>,

    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    json: bool,

    /// Your identity file, which unlocks protected material (default:
    /// ~/.config/casefile/identity.age). Its passphrase is asked for on the
    /// terminal, or read from the file descriptor in CASEFILE_PASSPHRASE_FD.
    #[arg(long, global = true, value_name = "FILE", env = "CASEFILE_IDENTITY")]
    identity: Option<PathBuf>,

    /// Show the names of protected people (witnesses) and the spans
    /// confirmed for masking, instead of pseudonyms (W-001) and bars: only
    /// for a member cleared for protected material, and only of witnesses
    /// who consented to internal analysis by name (`consent give W-001 --to
    /// internal --named`); the others stay pseudonymous.
    #[arg(long, global = true)]
    names: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create a case folder: blob store, log, signing key and catalogue.
    Init {
        /// Where to create the case (default: the current folder).
        dir: Option<PathBuf>,
        /// The log's origin name (default: casefile/<random>). It names the
        /// signing key too; no spaces or '+'.
        #[arg(long)]
        origin: Option<String>,
        /// Your handle as the case's first member, an admin cleared for
        /// protected material (default: $CASEFILE_USER, else $USER). Your
        /// identity is made first when you have none.
        #[arg(long, value_name = "NAME")]
        member: Option<String>,
        /// The public key (age1...) of the organisation's recovery key,
        /// kept offline: it can open every case key, so the protected
        /// material outlives any member's lost identity.
        #[arg(
            long,
            value_name = "AGE1...",
            env = "CASEFILE_RECOVERY_RECIPIENT",
            conflicts_with = "no_recovery"
        )]
        recovery_recipient: Option<String>,
        /// Make the case without a recovery key: if every cleared member
        /// loses their identity, its protected material is lost.
        #[arg(long)]
        no_recovery: bool,
    },
    /// Hand over one protected source so that a court can check it: its
    /// ciphertext, the key that opens it alone, the plaintext, its log
    /// entry, inclusion proof and signed checkpoint. `disclose verify DIR`
    /// checks such a package with no case and no key.
    Disclose {
        /// The source (log index, id or SHA-256), or `verify`.
        source: String,
        /// With `verify`: the package's folder. Otherwise: the folder to
        /// write the package into (must not exist).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// With `verify`: the package's folder.
        folder: Option<PathBuf>,
        /// Hand over a redacted rendering instead of the source's key and
        /// plaintext (what an anonymous consent always gets).
        #[arg(long)]
        redacted: bool,
        /// What it is for, checked against its witnesses' consent: court,
        /// publication, internal or partner:NAME.
        #[arg(long = "for", value_name = "USE", default_value = "court")]
        to: String,
    },
    /// A bundle for a court, a partner or the public: numbered exhibits, a
    /// manifest (JSON and CSV), one offline proof per exhibit, the signed
    /// checkpoint, the custody log and the report citing exhibits by
    /// number, in a folder and its zip; logged as a hand-out. Witnesses'
    /// consent decides what a protected exhibit may be. `bundle verify
    /// PATH` checks a bundle (folder or zip) with no case and no key.
    Bundle {
        /// `verify`, to check a bundle.
        #[arg(value_name = "verify")]
        action: Option<String>,
        /// With `verify`: the bundle's folder or zip.
        path: Option<PathBuf>,
        /// Who it is for: court, public or partner:NAME.
        #[arg(long = "for", value_name = "PROFILE", default_value = "court")]
        profile: String,
        /// The sources to make exhibits of: log indexes, ids or ranges
        /// (3-9), comma-separated or repeated; every source by default.
        #[arg(long, value_name = "SELECTION")]
        exhibits: Vec<String>,
        /// The folder to write (must not exist); the zip is written beside
        /// it as FOLDER.zip.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// The report's date (default: today).
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// Who makes it (default: $CASEFILE_USER, else $USER).
        #[arg(long)]
        by: Option<String>,
        /// Making: refuse unless this many trusted cosigners cosigned a
        /// checkpoint the bundle's extends. Verifying: how many of the
        /// --cosigner keys must have (default: the bundle's own quorum).
        #[arg(long)]
        quorum: Option<usize>,
        /// Verifying: count the cosignatures of this cosigner (its public
        /// key), instead of those the bundle lists; repeat for several.
        #[arg(long = "cosigner", value_name = "KEY")]
        cosigners: Vec<String>,
    },
    /// The case for partners' tools: `export ftm` writes FollowTheMoney
    /// entities as JSON lines (for Aleph and OpenSanctions tooling),
    /// `export records` the records as CSV, `export pdf` the report as PDF
    /// (in a system font: DejaVu Sans, or CASEFILE_FONT). Consent decides
    /// what protected material may be in it, as for a bundle.
    Export {
        /// What: ftm, records or pdf.
        #[arg(value_parser = ["ftm", "records", "pdf"])]
        what: String,
        /// The report's date, for pdf (default: today).
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// The file to write (must not exist).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Who it is for: court, public or partner:NAME.
        #[arg(long = "for", value_name = "PROFILE", default_value = "court")]
        profile: String,
    },
    /// The web workspace: documenters sign in, read, search and review the
    /// case in a browser; a JSON API at /api (described at
    /// /api/openapi.json). One process over this case folder; accounts
    /// with `web-account add`. An upload is answered once its file is
    /// logged; the server reads and resolves uploads in the background
    /// (a source's page says while it is pending).
    Serve {
        /// Where to listen (address:port). Keep it on this machine unless a
        /// TLS proxy stands in front.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: std::net::SocketAddr,
        /// Every account must sign in with a one-time code (enrol with
        /// `web-account totp NAME`).
        #[arg(long)]
        require_totp: bool,
        /// The workspace is reached through a proxy that terminates TLS:
        /// cookies are marked Secure, HSTS is sent, and a request the proxy
        /// says came over plain HTTP is refused.
        #[arg(long)]
        behind_tls: bool,
        /// The largest file one upload takes, in MiB.
        #[arg(long, default_value_t = 256, value_name = "MIB")]
        max_upload_mib: usize,
    },
    /// The web workspace's accounts: roles (viewer, documenter, lawyer,
    /// admin) and clearance for protected material.
    #[command(subcommand, name = "web-account")]
    WebAccount(web::AccountCommand),
    /// The cosigners whose cosignatures of the log's checkpoints the case
    /// counts (partners who check that the log only grows), and importing
    /// what they cosigned; every later bundle carries it.
    #[command(subcommand)]
    Cosigner(cosign::CosignerCommand),
    /// The partner's side of cosigning, with no case: a cosigner key, and
    /// cosigning a bundle's checkpoint after checking it and that the log
    /// only grew since the last checkpoint cosigned.
    #[command(subcommand)]
    Cosign(cosign::CosignCommand),
    /// The witnesses: protected people, each shown by a pseudonym.
    #[command(subcommand)]
    Witnesses(witnesses::WitnessCommand),
    /// What witnesses consented to (internal analysis, a partner, a court,
    /// publication; named or anonymous), and withdrawals; checked by every
    /// disclosure.
    #[command(subcommand)]
    Consent(witnesses::ConsentCommand),
    /// What to mask in a testimony before it leaves the case: proposed by
    /// the machine, confirmed by a person.
    #[command(subcommand)]
    Mask(witnesses::MaskCommand),
    /// Your identity: the key that opens protected material.
    #[command(subcommand)]
    Identity(keys::IdentityCommand),
    /// The case's members, their roles and who may read protected material.
    #[command(subcommand)]
    Member(keys::MemberCommand),
    /// Wrap every protected source's key to the newest case key, so the
    /// keys of earlier epochs (which removed members may hold) open nothing
    /// in the case folder from now on.
    Rekey {
        /// Begin a new epoch first (after a key may have been exposed).
        #[arg(long)]
        new_epoch: bool,
        /// Who rekeys (default: $CASEFILE_USER, else $USER).
        #[arg(long)]
        by: Option<String>,
    },
    /// Add files or folders (recursively) to the case, unchanged.
    Add(AddArgs),
    /// Show the log's checkpoint, key and proofs.
    #[command(subcommand)]
    Log(LogCommand),
    /// Re-read everything and check it: blobs, entries, tree, checkpoints.
    ///
    /// Exits 0 when all holds, 3 when something does not (the first broken
    /// thing is named), 1 when the check could not run.
    Verify,
    /// Read files and print the documents in them (JSON Lines with --json).
    /// Needs no case and stores nothing. Reads HTML pages (plain or gzip),
    /// plain text (testimonies, pages saved as text), Telegram Desktop
    /// exports (result.json) and web archives (WARC, ARC).
    ///
    /// Exits 4 when some of the input could not be read (the rest is printed).
    Read {
        /// The files to read.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Read files and print the times (as EDTF), durations (ISO 8601) and
    /// quantities found in each document (JSON Lines with --json: one line
    /// per document, spans in characters of the field they name, the text
    /// unless `field` says title, subtitle or caption). Needs no case.
    Extract {
        /// The files to read.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// When the material was captured (YYYY, YYYY-MM, YYYY-MM-DD): the
        /// reference date for "last year", "earlier this year" and the like
        /// when a document has no publication date.
        #[arg(long, value_name = "DATE")]
        captured: Option<String>,
    },
    /// Print the documents read from the case's sources (all, or the named
    /// ones), as `read` prints them; with --json each line also holds the
    /// document's extraction (times, durations, quantities). `add` reads
    /// and extracts every source it stores;
    /// protected sources (testimonies, complaints) are kept sealed and
    /// opened here for you.
    Documents {
        /// Sources: an id (or unique prefix), a log index, or a SHA-256.
        #[arg(value_name = "SOURCE")]
        sources: Vec<String>,
    },
    /// The people, organizations and places the case's sources mention,
    /// each resolved from its mentions however they spell it (Дикий,
    /// Dikiy, Дикого); protected sources are left out.
    #[command(subcommand)]
    Entity(entity::EntityCommand),
    /// Print the case: a timeline of dated claims (uncertain dates as
    /// ranges), each promise with its due date and how long it has been
    /// overdue, violations by kind with how many sources assert them,
    /// counted groups, people and units, and claims that contradict each
    /// other; every item cites its source and sentence. Protected sources
    /// are left out unless --include-protected.
    Report {
        /// The date the report is as of (YYYY-MM-DD; default: today).
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// Include testimonies and complaints, opened from their sealed
        /// store: the report then quotes them, so keep it as safe as they
        /// are.
        #[arg(long)]
        include_protected: bool,
    },
    /// Print the case's timeline: every dated event and claim in the order
    /// their dates allow (uncertain dates as ranges), with its status and
    /// the sentence it comes from. Protected sources are left out unless
    /// --include-protected.
    Timeline {
        /// Include testimonies and complaints (the timeline then quotes
        /// them).
        #[arg(long)]
        include_protected: bool,
    },
    /// The case's records: people, organizations, places, groups with
    /// their counts, relations over time, engagements and their promises,
    /// events, violations and claims, each with its evidence and status.
    /// The machine proposes; `record confirm`, `reject`, `dispute`, `edit`,
    /// `add`, `merge` and `split` record a person's decisions in the log,
    /// and `record duplicates` lists records that may tell the same thing.
    #[command(subcommand)]
    Record(records::RecordCommand),
    /// Search the case's documents and entities: in English, Russian and
    /// Ukrainian (each word in its forms) and across scripts (Каскад finds
    /// Cascade; --no-cross-script turns that off), with counts by source
    /// kind, language, claim and entity. Protected sources are not
    /// searched.
    Search(search::SearchArgs),
    /// Delete the derived store (the documents read from the sources) and
    /// read every source again from the vault. Use it after updating
    /// casefile, or when the derived store is damaged; the vault and the
    /// log are not touched.
    Rebuild,
    /// The optional model files (Russian and Ukrainian names): what is
    /// installed, and installing them from PyPI or from a wheel carried in.
    #[command(subcommand)]
    Models(models::ModelsCommand),
    /// Run the whole path once on a made-up case in a temporary folder:
    /// five sources in Russian, Ukrainian and English (a Telegram export,
    /// two news pages, a testimony, a collective complaint) are added,
    /// signed, proved, read, resolved into entities and verified, and the
    /// case report is printed.
    ///
    /// The model files that find Russian and Ukrainian names are installed
    /// first when they are missing (as `casefile models install` does, from
    /// PyPI), so that the demo shows the full result.
    Demo {
        /// Keep the demo case in this folder instead of a temporary one.
        #[arg(long, value_name = "DIR")]
        keep: Option<PathBuf>,
        /// Do not install missing model files first; the demo then runs
        /// without them and says what that costs.
        #[arg(long)]
        no_install: bool,
    },
}

#[derive(Debug, Args)]
struct AddArgs {
    /// Files or folders to add. Folders are walked recursively, following
    /// links; the case's own `.casefile` folder is skipped.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// What kind of source this is.
    #[arg(long, default_value = "other", value_parser = kind_parser())]
    kind: SourceKind,
    /// Where the material was found.
    #[arg(long)]
    url: Option<String>,
    /// When it was collected: 2024-05-01T10:00:00Z, 2024-05-01T13:00:00+03:00,
    /// 2024-05-01, 2024-05 or 2024.
    #[arg(long, value_name = "TIME")]
    acquired_at: Option<String>,
    /// A note kept with each entry.
    #[arg(long)]
    note: Option<String>,
    /// Who adds the material (default: $CASEFILE_USER, else $USER).
    #[arg(long)]
    by: Option<String>,
}

/// The `--kind` values: the vault's source kinds, by name.
fn kind_parser() -> impl clap::builder::TypedValueParser<Value = SourceKind> {
    clap::builder::PossibleValuesParser::new(SourceKind::COLLECTED.map(SourceKind::as_str))
        .map(|name| SourceKind::parse(&name).unwrap_or(SourceKind::Other))
}

#[derive(Debug, Subcommand)]
enum LogCommand {
    /// Print the latest signed checkpoint (C2SP tlog-checkpoint).
    Checkpoint,
    /// Print the verifier key (<name>+<keyhash>+<base64>).
    Key,
    /// Print the inclusion proof of a source in the log.
    Proof {
        /// A source id (or unique prefix), a log index, or the SHA-256 of
        /// the source's bytes.
        source: String,
        /// Prove against this tree size instead of the latest checkpoint's.
        #[arg(long)]
        tree_size: Option<u64>,
    },
    /// Print the consistency proof between two sizes of the log.
    Consistency {
        /// The older size.
        old: u64,
        /// The newer size (default: the latest checkpoint's).
        new: Option<u64>,
    },
}

/// When the reader of casefile's output goes away (`casefile record list
/// | head`), printing fails; casefile then stops quietly, as command-line
/// tools do, instead of reporting a crash. Any other panic is reported as
/// before.
fn quiet_on_closed_output() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if message.starts_with("failed printing to std") && message.contains("Broken pipe") {
            std::process::exit(0);
        }
        report(info);
    }));
}

fn main() -> ExitCode {
    quiet_on_closed_output();
    let cli = Cli::parse();
    let json = cli.json;
    match run(cli) {
        Ok(exit) => exit.code(),
        Err(error) => {
            if json {
                print_json(&serde_json::json!({ "error": format!("{error:#}") }));
            } else {
                crate::say_err!("error: {error:#}");
            }
            let integrity = error
                .downcast_ref::<casefile_app::Error>()
                .is_some_and(|e| e.kind() == ErrorKind::Integrity);
            if integrity {
                Exit::Integrity.code()
            } else {
                Exit::Failure.code()
            }
        }
    }
}

fn case_folder(explicit: Option<&Path>) -> anyhow::Result<PathBuf> {
    Ok(match explicit {
        Some(dir) => dir.to_path_buf(),
        None => Case::discover(&std::env::current_dir().context("finding the current folder")?)?,
    })
}

fn open_case(explicit: Option<&Path>) -> anyhow::Result<Case> {
    Ok(Case::open(&case_folder(explicit)?)?)
}

/// Where a command finds its case and the user's identity.
struct Place {
    case: Option<PathBuf>,
    identity: Option<PathBuf>,
    json: bool,
    names: bool,
}

impl Place {
    /// The case, unlocked with the user's identity when it is at hand.
    fn unlocked(&self) -> anyhow::Result<Case> {
        let case = open_case(self.case.as_deref())?;
        keys::unlock(&case, self.identity.as_deref(), self.json)?;
        if self.names {
            case.show_names()?;
        }
        Ok(case)
    }

    /// The case, brought up to its log first: what the read commands show.
    fn synced(&self) -> anyhow::Result<Case> {
        let case = self.unlocked()?;
        case.sync(&output::Bar(indicatif::ProgressBar::hidden()))?;
        Ok(case)
    }
}

fn run(cli: Cli) -> anyhow::Result<Exit> {
    let Cli {
        case,
        json,
        identity,
        names,
        command,
    } = cli;
    let place = Place {
        case,
        identity,
        json,
        names,
    };
    match command {
        Command::Init {
            dir,
            origin,
            member,
            recovery_recipient,
            no_recovery,
        } => {
            let dir = dir.or(place.case).unwrap_or_else(|| PathBuf::from("."));
            let recovery = match (recovery_recipient, no_recovery) {
                (Some(text), _) => Some(text.trim().parse()?),
                (None, true) => None,
                (None, false) => anyhow::bail!(
                    "a case needs a recovery key, so that its protected material outlives a lost \
                     identity: give --recovery-recipient age1... (the public key of a key your \
                     organisation keeps offline; make one with `casefile identity new --identity \
                     FILE` on another machine), or --no-recovery to go without"
                ),
            };
            let name = add::who(member);
            if !casefile_app::keys::valid_name(&name) {
                anyhow::bail!(
                    "{name:?} is not a member handle (a-z, 0-9, '.', '_', '-'); give one with \
                     --member"
                );
            }
            let identity_file = keys::identity_path(place.identity.as_deref())?;
            let recipient = if identity_file.exists() {
                casefile_app::identity::recipient(&identity_file)?
            } else {
                let made = keys::new_identity(&identity_file, false)?;
                crate::say_err!(
                    "made your identity in {} (keep a copy somewhere safe: it cannot be made \
                     again)",
                    identity_file.display()
                );
                made
            };
            let founding = casefile_app::Founding {
                name,
                recipient,
                recovery,
            };
            let case = Case::init_with(&dir, origin.as_deref(), &founding)?;
            let (_, checkpoint) = case.latest_checkpoint()?;
            if json {
                print_json(&serde_json::json!({
                    "case": case.root(),
                    "origin": case.origin(),
                    "key": case.verifier(),
                    "checkpoint": checkpoint,
                    "members": case.members()?,
                }));
            } else {
                crate::say!(
                    "created case {} in {}",
                    case.origin(),
                    case.root().display()
                );
                crate::say!("verifier key: {}", case.verifier());
                crate::say!(
                    "first member: {} (admin, cleared for protected material){}",
                    founding.name,
                    if founding.recovery.is_some() {
                        "; recovery key added"
                    } else {
                        "; no recovery key"
                    }
                );
            }
            Ok(Exit::Success)
        }
        Command::Disclose {
            source,
            out,
            folder,
            redacted,
            to,
        } => {
            if source == "verify" {
                let folder = folder
                    .as_deref()
                    .or(out.as_deref())
                    .context("give the package's folder: casefile disclose verify DIR")?;
                return keys::verify_disclosure(folder, json);
            }
            let out = out
                .as_deref()
                .context("give the folder to write the package into with --out DIR")?;
            let to = casefile_app::witness::Use::parse(&to)?;
            keys::disclose(&place.unlocked()?, &source, out, &to, redacted, json)
        }
        Command::Bundle {
            action,
            path,
            profile,
            exhibits,
            out,
            as_of,
            by,
            quorum,
            cosigners,
        } => match action.as_deref() {
            Some("verify") => {
                let path = path
                    .as_deref()
                    .or(out.as_deref())
                    .context("give the bundle's folder or zip: casefile bundle verify PATH")?;
                bundle::verify(path, &cosigners, quorum, json)
            }
            Some(other) => anyhow::bail!(
                "`casefile bundle {other}`: the only word bundle takes is verify (casefile bundle verify PATH); to make one: casefile bundle --for court --out DIR"
            ),
            None => {
                let out = out.context("give the folder to write the bundle into with --out DIR")?;
                let request = bundle::Make {
                    profile,
                    exhibits,
                    out,
                    as_of,
                    by,
                    quorum: quorum.unwrap_or(0),
                };
                bundle::make(&place.synced()?, request, json)
            }
        },
        Command::Cosigner(command) => {
            cosign::cosigner(&open_case(place.case.as_deref())?, command, json)
        }
        Command::Cosign(command) => cosign::cosign(command, json),
        Command::Serve {
            listen,
            require_totp,
            behind_tls,
            max_upload_mib,
        } => {
            let cleared = place.synced()?;
            let open = open_case(place.case.as_deref())?;
            let settings = casefile_web::Settings {
                require_totp,
                behind_tls,
                max_upload: max_upload_mib.saturating_mul(1024 * 1024),
            };
            web::serve(cleared, open, listen, settings)
        }
        Command::WebAccount(command) => {
            let case = open_case(place.case.as_deref())?;
            web::account(&case.root().join(".casefile"), command, json)
        }
        Command::Export {
            what,
            out,
            profile,
            as_of,
        } => bundle::export(&place.synced()?, &what, &out, &profile, as_of, json),
        Command::Witnesses(command) => witnesses::witnesses(&place.synced()?, command, names, json),
        Command::Consent(command) => witnesses::consent(&place.synced()?, command, json),
        Command::Mask(command) => witnesses::mask(&place.synced()?, command, json),
        Command::Identity(command) => {
            keys::identity_command(command, place.identity.as_deref(), json)
        }
        Command::Member(command) => {
            let case = if matches!(command, keys::MemberCommand::List) {
                open_case(place.case.as_deref())?
            } else {
                place.unlocked()?
            };
            keys::member_command(&case, command, json)
        }
        Command::Rekey { new_epoch, by } => keys::rekey(&place.unlocked()?, new_epoch, by, json),
        Command::Add(args) => add::run(&place.unlocked()?, args, json),
        Command::Log(command) => log_command(&open_case(place.case.as_deref())?, command, json),
        Command::Verify => {
            let folder = case_folder(place.case.as_deref())?;
            output::verify(&Case::open_read_only(&folder)?, json)
        }
        Command::Demo { keep, no_install } => demo::run(keep.as_deref(), !no_install, json),
        Command::Models(command) => models::run(command, json),
        Command::Read { files } => read::run(&files, json),
        Command::Extract { files, captured } => extract::run(&files, captured, json),
        Command::Documents { sources } => read::stored(&place.unlocked()?, &sources, json),
        Command::Rebuild => rebuild(&place.unlocked()?, json),
        Command::Search(args) => search::run(&place.synced()?, args, json),
        Command::Report {
            as_of,
            include_protected,
        } => report::run(&place.synced()?, as_of, include_protected, json),
        Command::Timeline { include_protected } => {
            report::timeline(&place.synced()?, include_protected, json)
        }
        Command::Record(command) => records::run(&place.synced()?, command, json),
        Command::Entity(command) => {
            // Comparing two names needs no case; everything else does.
            let needs_case = !matches!(
                &command,
                entity::EntityCommand::Explain { left, right, .. }
                    if !entity::is_entity_ref(left) && !entity::is_entity_ref(right)
            );
            let case = if needs_case {
                Some(place.synced()?)
            } else {
                None
            };
            entity::run(case.as_ref(), command, json)
        }
    }
}

fn rebuild(case: &Case, json: bool) -> anyhow::Result<Exit> {
    let bar = output::progress_bar(json, 0, "sources");
    bar.set_message("reading");
    let stats = case.rebuild(&output::Bar(bar.clone()))?;
    bar.finish_and_clear();
    let totals = case.snapshot()?.totals()?;
    if json {
        print_json(&serde_json::json!({
            "read": stats.read,
            "resolved": stats.resolved.clone().unwrap_or_default(),
            "indexed": stats.indexed,
            "derived": totals,
        }));
    } else {
        crate::say!("{}", casefile_app::describe_read(&stats.read, &totals));
        crate::say!(
            "{}",
            casefile_app::describe_resolved(&stats.resolved.unwrap_or_default())
        );
    }
    Ok(Exit::Success)
}

fn log_command(case: &Case, command: LogCommand, json: bool) -> anyhow::Result<Exit> {
    match command {
        LogCommand::Checkpoint => {
            let (size, note) = case.latest_checkpoint()?;
            if json {
                print_json(&serde_json::json!({ "tree_size": size, "checkpoint": note }));
            } else {
                output::say_text(&note);
            }
        }
        LogCommand::Key => {
            let key = case.verifier();
            if json {
                print_json(&serde_json::json!({ "key": key }));
            } else {
                crate::say!("{key}");
            }
        }
        LogCommand::Proof { source, tree_size } => {
            let proof = case.inclusion_proof(&source, tree_size)?;
            if json {
                print_json(&proof);
            } else {
                crate::say!("leaf index: {}", proof.leaf_index);
                crate::say!("tree size:  {}", proof.tree_size);
                crate::say!("leaf hash:  {}", proof.leaf_hash);
                crate::say!("root:       {}", proof.root);
                crate::say!("proof:");
                for hash in &proof.proof {
                    crate::say!("  {hash}");
                }
            }
        }
        LogCommand::Consistency { old, new } => {
            let proof = case.consistency_proof(old, new)?;
            if json {
                print_json(&proof);
            } else {
                crate::say!("old size: {}  root {}", proof.old_size, proof.old_root);
                crate::say!("new size: {}  root {}", proof.new_size, proof.new_root);
                crate::say!("proof:");
                for hash in &proof.proof {
                    crate::say!("  {hash}");
                }
            }
        }
    }
    Ok(Exit::Success)
}
