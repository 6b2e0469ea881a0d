//! A member's identity file, outside every case folder: made, read and
//! its public key shown. How the passphrase is asked for is the front
//! end's (a prompt, a file descriptor, the environment for tests).
//!
//! The file is the age identity encrypted with the passphrase (so `age -d`
//! opens it too), mode 0600, with its public key beside it in `FILE.pub`
//! so that showing it, or making a case, needs no passphrase. A plain age
//! identity file (as `age-keygen` writes it, mode 0600) is read too.

use std::io::Write as _;
use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};

use casefile_keys::{Identity, Passphrase, Recipient};

use crate::error::{Error, io_at};

/// The identity file's name in the user's configuration folder.
pub const IDENTITY_FILE: &str = "identity.age";

/// Where the identity lives unless the user says otherwise:
/// `<config folder>/casefile/identity.age` (`~/.config/casefile/` on
/// Linux).
pub fn default_path() -> Option<PathBuf> {
    dirs::config_dir().map(|dir| dir.join("casefile").join(IDENTITY_FILE))
}

/// The file beside an identity file that holds its public key.
pub fn public_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".pub");
    PathBuf::from(name)
}

/// Makes a new identity at `path`, protected by `passphrase` (or plain
/// when `None`, for a key kept otherwise safe), and its public key beside
/// it. Never replaces an existing file. `work_factor` is the passphrase's
/// scrypt work factor (`None`: casefile's default, about a second).
pub fn create(
    path: &Path,
    passphrase: Option<&Passphrase>,
    work_factor: Option<u8>,
) -> Result<Recipient, Error> {
    if path.exists() {
        return Err(Error::conflict(format!(
            "{} already exists; casefile never replaces an identity (a lost identity cannot be \
             made again)",
            path.display()
        )));
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| io_at(parent, e))?;
        // The folder is the user's alone, as ssh keeps ~/.ssh.
        let _ = std::fs::set_permissions(parent, std::fs::Permissions::from_mode(0o700));
    }
    let identity = Identity::generate();
    let recipient = identity.recipient();
    let bytes: Vec<u8> = match passphrase {
        Some(passphrase) => identity.to_protected_file(passphrase, work_factor),
        None => identity.to_plain_file().as_bytes().to_vec(),
    };
    write_private(path, &bytes)?;
    let public = public_path(path);
    std::fs::write(&public, format!("{recipient}\n")).map_err(|e| io_at(&public, e))?;
    Ok(recipient)
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| io_at(path, e))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| io_at(path, e))
}

/// Whether the identity file at `path` is protected by a passphrase (so
/// the front end knows whether to ask for one).
pub fn needs_passphrase(path: &Path) -> Result<bool, Error> {
    let bytes = read(path)?;
    let start = bytes.trim_ascii_start();
    Ok(start.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----")
        || start.starts_with(b"age-encryption.org/v1\n"))
}

/// Reads the identity at `path`, with `passphrase` when it is protected.
/// A plain file that others may read is refused, as ssh refuses such a key.
pub fn load(path: &Path, passphrase: Option<&Passphrase>) -> Result<Identity, Error> {
    let bytes = read(path)?;
    let what = format!("the identity file {}", path.display());
    if !needs_passphrase(path)? {
        let mode = std::fs::metadata(path)
            .map_err(|e| io_at(path, e))?
            .permissions()
            .mode()
            & 0o777;
        if mode & 0o077 != 0 {
            return Err(Error::invalid(format!(
                "{what} holds its key in plain text and may be read by others (mode {mode:o}); \
                 run chmod 600 on it"
            )));
        }
    }
    Ok(Identity::from_file(&bytes, passphrase, &what)?)
}

/// The public key of the identity at `path`: from `FILE.pub`, or from a
/// plain identity file itself. No passphrase needed.
pub fn recipient(path: &Path) -> Result<Recipient, Error> {
    let public = public_path(path);
    match std::fs::read_to_string(&public) {
        Ok(text) => text.trim().parse().map_err(|e: casefile_keys::KeyError| {
            Error::invalid(format!("{}: {e}", public.display()))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if needs_passphrase(path)? {
                return Err(Error::not_found(format!(
                    "{} is missing, and {} is protected by a passphrase: give it to read the \
                     public key",
                    public.display(),
                    path.display()
                )));
            }
            Ok(load(path, None)?.recipient())
        }
        Err(e) => Err(io_at(&public, e)),
    }
}

fn read(path: &Path) -> Result<zeroize::Zeroizing<Vec<u8>>, Error> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(zeroize::Zeroizing::new(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Error::not_found(format!(
            "no identity at {}: make one with `casefile identity new` (or give another with \
             --identity or CASEFILE_IDENTITY)",
            path.display()
        ))),
        Err(e) => Err(io_at(path, e)),
    }
}
