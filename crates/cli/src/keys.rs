//! `casefile identity`, `member` and `rekey`, and how a command gets the
//! unlocked identity: the identity file (`--identity`, `$CASEFILE_IDENTITY`,
//! or the configuration folder) and its passphrase, from the file
//! descriptor in `$CASEFILE_PASSPHRASE_FD`, else `$CASEFILE_PASSPHRASE`
//! (for scripts and tests), else a prompt on the terminal.

use std::io::{BufRead as _, IsTerminal as _};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use casefile_app::keys::{Change, Clearance, MemberChange, Passphrase, Recipient, Role};
use casefile_app::{Case, ErrorKind, identity};
use clap::Subcommand;

use crate::output::{Exit, print_json};

/// `casefile identity ...`
#[derive(Debug, Subcommand)]
pub(crate) enum IdentityCommand {
    /// Make your identity: the key pair that lets you read a case's
    /// protected material. Its private part is kept in a file outside every
    /// case folder (mode 0600), encrypted with a passphrase you choose;
    /// its public key is what a case's admin adds you with.
    New {
        /// Keep the private key unencrypted (only for a key protected
        /// otherwise, such as an encrypted disk used by no one else).
        #[arg(long)]
        plain: bool,
    },
    /// Print your identity's public key (age1...) and where it is kept.
    Show,
}

/// `casefile member ...`
#[derive(Debug, Subcommand)]
pub(crate) enum MemberCommand {
    /// List the case's members: role, clearance and public key.
    List,
    /// Add a member. Clearing them for protected material wraps the case's
    /// keys for them, which needs your identity unlocked.
    Add {
        /// Their handle in the case (a-z, 0-9, '.', '_', '-').
        name: String,
        /// Their public key, as `casefile identity show` prints it.
        #[arg(long)]
        recipient: String,
        /// viewer, documenter, lawyer, admin or recovery.
        #[arg(long, default_value = "documenter")]
        role: String,
        /// protected (may read testimonies and complaints) or none.
        #[arg(long, default_value = "none")]
        clearance: String,
        /// Who makes the change (default: $CASEFILE_USER, else $USER).
        #[arg(long)]
        by: Option<String>,
    },
    /// Change a member's role or clearance. Taking clearance away begins a
    /// new epoch: what is added after is sealed to a key they never get.
    Update {
        /// The member's handle.
        name: String,
        /// The new role.
        #[arg(long)]
        role: String,
        /// The new clearance: protected or none.
        #[arg(long)]
        clearance: String,
        /// Who makes the change (default: $CASEFILE_USER, else $USER).
        #[arg(long)]
        by: Option<String>,
    },
    /// Remove a member. What is added after is sealed to a new key they
    /// never get; run `casefile rekey` to wrap the existing material's keys
    /// to it as well (see docs/formats/member.md for what they may keep).
    Remove {
        /// The member's handle.
        name: String,
        /// Who makes the change (default: $CASEFILE_USER, else $USER).
        #[arg(long)]
        by: Option<String>,
    },
}

/// The identity file to use: `--identity`/`$CASEFILE_IDENTITY`, else the
/// one in the configuration folder.
pub(crate) fn identity_path(explicit: Option<&Path>) -> anyhow::Result<PathBuf> {
    match explicit {
        Some(path) => Ok(path.to_path_buf()),
        None => identity::default_path().context(
            "this system names no configuration folder for the identity; give --identity FILE",
        ),
    }
}

/// The passphrase, when one is given without a terminal:
/// `$CASEFILE_PASSPHRASE_FD` (a file descriptor to read one line from),
/// else `$CASEFILE_PASSPHRASE`.
fn given_passphrase() -> anyhow::Result<Option<Passphrase>> {
    if let Ok(fd) = std::env::var("CASEFILE_PASSPHRASE_FD") {
        let fd: i32 = fd
            .trim()
            .parse()
            .context("CASEFILE_PASSPHRASE_FD is not a file descriptor number")?;
        if fd <= 2 {
            anyhow::bail!("CASEFILE_PASSPHRASE_FD must name a descriptor above 2, not {fd}");
        }
        // Opened through /dev/fd: the descriptor itself stays the caller's.
        let file = std::fs::File::open(format!("/dev/fd/{fd}"))
            .with_context(|| format!("opening the passphrase's file descriptor {fd}"))?;
        let mut line = String::new();
        std::io::BufReader::new(file)
            .read_line(&mut line)
            .context("reading the passphrase from CASEFILE_PASSPHRASE_FD")?;
        let passphrase = line.trim_end_matches(['\n', '\r']).to_owned();
        return Ok(Some(Passphrase::from(passphrase)));
    }
    Ok(std::env::var("CASEFILE_PASSPHRASE")
        .ok()
        .map(Passphrase::from))
}

/// The passphrase for `path`: given, or asked for on the terminal
/// (`confirm`: twice, for a new one). `None` when there is neither.
fn passphrase(prompt: &str, confirm: bool) -> anyhow::Result<Option<Passphrase>> {
    if let Some(given) = given_passphrase()? {
        return Ok(Some(given));
    }
    if !std::io::stdin().is_terminal() {
        return Ok(None);
    }
    let first = rpassword::prompt_password(prompt).context("reading the passphrase")?;
    if confirm {
        let again = rpassword::prompt_password("the same passphrase again: ")
            .context("reading the passphrase")?;
        if again != first {
            anyhow::bail!("the two passphrases differ; nothing was made");
        }
        if first.chars().count() < 8 {
            anyhow::bail!(
                "a passphrase of fewer than 8 characters protects nothing; nothing was made"
            );
        }
    }
    Ok(Some(Passphrase::from(first)))
}

/// The scrypt work factor for new identity files: casefile's default,
/// unless `$CASEFILE_WORK_FACTOR` lowers it (tests make many identities).
fn work_factor() -> Option<u8> {
    std::env::var("CASEFILE_WORK_FACTOR")
        .ok()
        .and_then(|w| w.parse().ok())
}

/// Makes the identity at `path` (for `identity new`, and for `init` when
/// there is none yet).
pub(crate) fn new_identity(path: &Path, plain: bool) -> anyhow::Result<Recipient> {
    let passphrase = if plain {
        None
    } else {
        Some(
            passphrase("a passphrase for your new identity: ", true)?.context(
                "a new identity needs a passphrase: run this on a terminal, or give one with \
                 CASEFILE_PASSPHRASE_FD (or --plain for a key protected otherwise)",
            )?,
        )
    };
    Ok(identity::create(path, passphrase.as_ref(), work_factor())?)
}

/// `casefile identity ...`
pub(crate) fn identity_command(
    command: IdentityCommand,
    explicit: Option<&Path>,
    json: bool,
) -> anyhow::Result<Exit> {
    let path = identity_path(explicit)?;
    let (recipient, made) = match command {
        IdentityCommand::New { plain } => (new_identity(&path, plain)?, true),
        IdentityCommand::Show => (identity::recipient(&path)?, false),
    };
    if json {
        print_json(&serde_json::json!({
            "identity": path,
            "recipient": recipient,
            "made": made,
        }));
    } else {
        if made {
            crate::say_err!(
                "made your identity in {} (keep a copy somewhere safe: it cannot be made again)",
                path.display()
            );
        }
        crate::say!("{recipient}");
    }
    Ok(Exit::Success)
}

/// Unlocks `case` with the user's identity when there is one and its
/// passphrase is at hand; otherwise leaves it locked and says why (on
/// stderr, once), so the open material still works.
pub(crate) fn unlock(case: &Case, explicit: Option<&Path>, json: bool) -> anyhow::Result<()> {
    let Ok(path) = identity_path(explicit) else {
        return Ok(());
    };
    if !path.exists() {
        if explicit.is_some() {
            anyhow::bail!("no identity at {}", path.display());
        }
        return Ok(());
    }
    let secret = if identity::needs_passphrase(&path)? {
        match passphrase(&format!("passphrase for {}: ", path.display()), false)? {
            Some(secret) => Some(secret),
            None => {
                if !json {
                    crate::say_err!(
                        "protected material stays locked: {} needs its passphrase and there is \
                         no terminal to ask on (give it with CASEFILE_PASSPHRASE_FD)",
                        path.display()
                    );
                }
                return Ok(());
            }
        }
    } else {
        None
    };
    let identity = identity::load(&path, secret.as_ref())?;
    match case.unlock(&identity) {
        Ok(_) => Ok(()),
        Err(error) if error.kind() == ErrorKind::Locked => {
            if !json {
                crate::say_err!("protected material stays locked: {error}");
            }
            Ok(())
        }
        Err(error) => Err(error.into()),
    }
}

/// `casefile member ...`
pub(crate) fn member_command(
    case: &Case,
    command: MemberCommand,
    json: bool,
) -> anyhow::Result<Exit> {
    let (change, by) = match command {
        MemberCommand::List => {
            let members = case.members()?;
            if json {
                print_json(&serde_json::json!({
                    "members": members,
                    "epoch": case.epoch()?,
                }));
            } else if members.is_empty() {
                crate::say!("this case has no members (it was made before casefile had them)");
            } else {
                for m in &members {
                    crate::say!(
                        "{:<20} {:<10} clearance {:<9} {}",
                        m.name,
                        m.role,
                        m.clearance,
                        m.recipient
                    );
                }
            }
            return Ok(Exit::Success);
        }
        MemberCommand::Add {
            name,
            recipient,
            role,
            clearance,
            by,
        } => (
            casefile_app::add_change(
                &name,
                role.parse()?,
                clearance.parse()?,
                recipient.trim().parse()?,
            ),
            by,
        ),
        MemberCommand::Update {
            name,
            role,
            clearance,
            by,
        } => (
            MemberChange {
                name,
                change: Change::Update {
                    role: role.parse::<Role>()?,
                    clearance: clearance.parse::<Clearance>()?,
                },
            },
            by,
        ),
        MemberCommand::Remove { name, by } => (
            MemberChange {
                name,
                change: Change::Remove,
            },
            by,
        ),
    };
    let outcome = case.change_members(vec![change], &crate::add::who(by))?;
    if json {
        print_json(&outcome);
    } else {
        crate::say!(
            "logged as entr{} {}; protected material is now sealed to epoch {}",
            if outcome.log_entries.len() == 1 {
                "y"
            } else {
                "ies"
            },
            outcome
                .log_entries
                .iter()
                .map(|e| format!("#{e}"))
                .collect::<Vec<_>>()
                .join(", "),
            outcome.epoch
        );
        if outcome.new_epoch {
            crate::say!(
                "a new epoch began: run `casefile rekey` to wrap the existing material's keys \
                 to it too"
            );
        }
    }
    Ok(Exit::Success)
}

/// `casefile rekey`
pub(crate) fn rekey(
    case: &Case,
    new_epoch: bool,
    by: Option<String>,
    json: bool,
) -> anyhow::Result<Exit> {
    let bar = crate::output::progress_bar(json, 0, "sources");
    let outcome = case.rekey(
        new_epoch,
        &crate::add::who(by),
        &crate::output::Bar(bar.clone()),
    )?;
    bar.finish_and_clear();
    if json {
        print_json(&outcome);
    } else {
        crate::say!(
            "{} keys wrapped again to epoch {}{}",
            outcome.rewrapped,
            outcome.epoch,
            if outcome.new_epoch {
                " (a new epoch)"
            } else {
                ""
            }
        );
    }
    Ok(Exit::Success)
}

/// `casefile disclose SOURCE --out DIR`
pub(crate) fn disclose(
    case: &Case,
    source: &str,
    out: &Path,
    to: &casefile_app::witness::Use,
    redacted: bool,
    json: bool,
) -> anyhow::Result<Exit> {
    let disclosure = case.disclose(source, out, to, redacted, &crate::add::who(None))?;
    if json {
        print_json(&disclosure);
    } else {
        for line in &disclosure.consent {
            crate::say!("consent: {line}");
        }
        crate::say!(
            "wrote the disclosure of source #{} to {} (proven against the checkpoint of size {})",
            disclosure.log_index,
            disclosure.folder.display(),
            disclosure.tree_size
        );
        if disclosure.redacted {
            crate::say!(
                "it is redacted: the key and plaintext are withheld; check it with `casefile \
                 disclose verify {}`",
                disclosure.folder.display()
            );
        } else {
            crate::say!(
                "it holds the key of this source alone; check it with `casefile disclose verify \
                 {}`",
                disclosure.folder.display()
            );
        }
    }
    Ok(Exit::Success)
}

/// `casefile disclose verify DIR`
pub(crate) fn verify_disclosure(folder: &Path, json: bool) -> anyhow::Result<Exit> {
    crate::output::print_check(
        casefile_app::disclose::verify_disclosure(folder),
        |check| &check.checked,
        json,
    )
}
