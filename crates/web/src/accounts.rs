//! The web workspace's accounts: a name, a role, a clearance for protected
//! material, and an Argon2id password hash, kept in
//! `.casefile/web/accounts.json` (mode 0600, written whole and renamed),
//! never in the log: the log may be handed out, password hashes may not.
//! `docs/formats/web-accounts.md`.

use std::path::{Path, PathBuf};

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use serde::{Deserialize, Serialize};

use crate::WebError;

/// The accounts file's format.
pub const ACCOUNTS_FORMAT: &str = "casefile-web-accounts 1";

/// What an account may do. Each role may do what the ones before it may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Reads the case.
    Viewer,
    /// Also reviews: confirms, rejects and disputes records.
    Documenter,
    /// Also exports and bundles (the lawyer's work).
    Lawyer,
    /// Also manages accounts.
    Admin,
}

impl Role {
    /// `viewer`, `documenter`, `lawyer` or `admin`.
    pub fn parse(text: &str) -> Result<Role, WebError> {
        Ok(match text {
            "viewer" => Role::Viewer,
            "documenter" => Role::Documenter,
            "lawyer" => Role::Lawyer,
            "admin" => Role::Admin,
            other => {
                return Err(WebError::Invalid(format!(
                    "{other:?} is not a role: viewer, documenter, lawyer or admin"
                )));
            }
        })
    }

    /// Its name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Documenter => "documenter",
            Role::Lawyer => "lawyer",
            Role::Admin => "admin",
        }
    }

    /// Every role, least first.
    pub const ALL: [Role; 4] = [Role::Viewer, Role::Documenter, Role::Lawyer, Role::Admin];
}

/// One account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// Its name: what every log entry it writes is signed as.
    pub name: String,
    /// What it may do.
    pub role: Role,
    /// Whether it may see protected material (testimonies, complaints),
    /// apart from its role.
    pub cleared: bool,
    /// The Argon2id hash of its password (PHC string).
    pub password: String,
    /// When it was made.
    pub created_at: String,
    /// Its second factor's secret (RFC 6238, base32), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totp: Option<String>,
    /// What is kept of its unused recovery codes ([`crate::totp::recovery_hash`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recovery: Vec<String>,
    /// Its API tokens, for scripts: what is kept of each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tokens: Vec<ApiToken>,
}

/// What is kept of one API token: its public id and the SHA-256 of its
/// secret, never the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiToken {
    /// The token's public part (8 hex digits): names it in lists and on
    /// revocation, and finds it at sign-in without a scan of secrets.
    pub id: String,
    /// SHA-256 of the whole token, base64 without padding.
    pub hash: String,
    /// What it is for, in the holder's words.
    pub label: String,
    /// When it was made.
    pub created_at: String,
}

/// How every API token starts.
pub const TOKEN_PREFIX: &str = "cft_";

/// The kept form of `token`.
fn token_hash(token: &str) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    base64::engine::general_purpose::STANDARD_NO_PAD.encode(sha2::Sha256::digest(token.as_bytes()))
}

#[derive(Debug, Serialize, Deserialize)]
struct File {
    format: String,
    accounts: Vec<Account>,
}

/// The accounts of one case folder.
#[derive(Debug)]
pub struct Accounts {
    path: PathBuf,
    accounts: Vec<Account>,
}

/// The shortest password accepted.
pub const MIN_PASSWORD: usize = 12;

impl Accounts {
    /// The accounts of the case whose `.casefile` folder is `data_dir`
    /// (none yet when the file does not exist).
    pub fn open(data_dir: &Path) -> Result<Accounts, WebError> {
        let path = data_dir.join("web").join("accounts.json");
        let accounts = match std::fs::read(&path) {
            Ok(bytes) => {
                let file: File = serde_json::from_slice(&bytes).map_err(|e| {
                    WebError::Invalid(format!("{}: not an accounts file: {e}", path.display()))
                })?;
                if file.format != ACCOUNTS_FORMAT {
                    return Err(WebError::Invalid(format!(
                        "{}: its format is {:?}, not {ACCOUNTS_FORMAT:?}",
                        path.display(),
                        file.format
                    )));
                }
                file.accounts
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(WebError::Io(format!("{}: {e}", path.display()))),
        };
        Ok(Accounts { path, accounts })
    }

    /// Every account, in the order they were made.
    pub fn list(&self) -> &[Account] {
        &self.accounts
    }

    /// The account named `name`.
    pub fn get(&self, name: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.name == name)
    }

    /// Adds an account (its name new, its password at least
    /// [`MIN_PASSWORD`] characters) and saves.
    pub fn add(
        &mut self,
        name: &str,
        role: Role,
        cleared: bool,
        password: &str,
    ) -> Result<&Account, WebError> {
        if name.is_empty()
            || name.len() > 64
            || !name
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'))
        {
            return Err(WebError::Invalid(format!(
                "{name:?} cannot name an account: letters, digits, '.', '-' and '_', at most 64"
            )));
        }
        if self.get(name).is_some() {
            return Err(WebError::Conflict(format!(
                "there is an account {name} already"
            )));
        }
        if password.chars().count() < MIN_PASSWORD {
            return Err(WebError::Invalid(format!(
                "a password has at least {MIN_PASSWORD} characters"
            )));
        }
        self.accounts.push(Account {
            name: name.to_owned(),
            role,
            cleared,
            password: hash(password)?,
            created_at: jiff::Timestamp::now().to_string(),
            totp: None,
            recovery: Vec::new(),
            tokens: Vec::new(),
        });
        self.save()?;
        Ok(&self.accounts[self.accounts.len() - 1])
    }

    /// Gives the account `name` a new second factor (replacing any it had)
    /// and ten new recovery codes, and saves; returns the secret's
    /// `otpauth://` URI and the codes, to be shown once.
    pub fn enroll_totp(&mut self, name: &str) -> Result<(String, Vec<String>), WebError> {
        let secret = crate::totp::new_secret()?;
        let (codes, kept) = crate::totp::recovery_codes()?;
        let account = self
            .accounts
            .iter_mut()
            .find(|a| a.name == name)
            .ok_or_else(|| WebError::NotFound(format!("no account {name}")))?;
        account.totp = Some(crate::totp::base32(&secret));
        account.recovery = kept;
        self.save()?;
        Ok((crate::totp::uri(name, &secret), codes))
    }

    /// Uses up recovery code `code` of account `name`, when it is one of
    /// its unused ones; saves.
    pub fn use_recovery(&mut self, name: &str, code: &str) -> Result<bool, WebError> {
        let wanted = crate::totp::recovery_hash(code);
        let Some(account) = self.accounts.iter_mut().find(|a| a.name == name) else {
            return Ok(false);
        };
        let before = account.recovery.len();
        account
            .recovery
            .retain(|kept| !crate::session::same_secret(kept, &wanted));
        if account.recovery.len() == before {
            return Ok(false);
        }
        self.save()?;
        Ok(true)
    }

    /// Makes an API token for account `name` (it acts as the account, with
    /// its role and clearance) and saves; returns the token, to be shown
    /// once: `cft_<id>_<secret>`.
    pub fn add_token(&mut self, name: &str, label: &str) -> Result<(String, ApiToken), WebError> {
        let account = self
            .accounts
            .iter_mut()
            .find(|a| a.name == name)
            .ok_or_else(|| WebError::NotFound(format!("no account {name}")))?;
        let mut id = [0u8; 4];
        getrandom::fill(&mut id).map_err(|e| WebError::Io(format!("no randomness: {e}")))?;
        let id: String = id.iter().map(|b| format!("{b:02x}")).collect();
        let secret = crate::session::token();
        if secret.is_empty() {
            return Err(WebError::Io("no randomness for a token".into()));
        }
        let token = format!("{TOKEN_PREFIX}{id}_{secret}");
        let kept = ApiToken {
            id,
            hash: token_hash(&token),
            label: label.to_owned(),
            created_at: jiff::Timestamp::now().to_string(),
        };
        account.tokens.push(kept.clone());
        self.save()?;
        Ok((token, kept))
    }

    /// Revokes API token `id` of account `name` and saves.
    pub fn revoke_token(&mut self, name: &str, id: &str) -> Result<(), WebError> {
        let account = self
            .accounts
            .iter_mut()
            .find(|a| a.name == name)
            .ok_or_else(|| WebError::NotFound(format!("no account {name}")))?;
        let before = account.tokens.len();
        account.tokens.retain(|t| t.id != id);
        if account.tokens.len() == before {
            return Err(WebError::NotFound(format!("{name} has no token {id}")));
        }
        self.save()
    }

    /// The account whose API token `token` is (compared in constant time).
    pub fn by_token(&self, token: &str) -> Option<&Account> {
        let id = token.strip_prefix(TOKEN_PREFIX)?.split('_').next()?;
        let wanted = token_hash(token);
        self.accounts.iter().find(|a| {
            a.tokens
                .iter()
                .any(|t| t.id == id && crate::session::same_secret(&t.hash, &wanted))
        })
    }

    /// Removes the account named `name` and saves.
    pub fn remove(&mut self, name: &str) -> Result<(), WebError> {
        let before = self.accounts.len();
        self.accounts.retain(|a| a.name != name);
        if self.accounts.len() == before {
            return Err(WebError::NotFound(format!("no account {name}")));
        }
        self.save()
    }

    /// The account `name` when `password` is its password. The hash is
    /// checked in constant time; an unknown name costs a hash too, so the
    /// time says nothing of which accounts exist.
    pub fn check(&self, name: &str, password: &str) -> Option<&Account> {
        let account = self.get(name);
        let stored = account.map_or(DECOY, |a| a.password.as_str());
        let good = PasswordHash::new(stored).is_ok_and(|parsed| {
            argon2::Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        });
        account.filter(|_| good)
    }

    fn save(&self) -> Result<(), WebError> {
        let file = File {
            format: ACCOUNTS_FORMAT.into(),
            accounts: self.accounts.clone(),
        };
        let bytes = serde_json::to_vec_pretty(&file).map_err(|e| WebError::Io(e.to_string()))?;
        let dir = self
            .path
            .parent()
            .ok_or_else(|| WebError::Io("the accounts file has no folder".into()))?;
        std::fs::create_dir_all(dir)
            .map_err(|e| WebError::Io(format!("{}: {e}", dir.display())))?;
        let staging = self.path.with_extension("json.part");
        {
            use std::io::Write as _;
            use std::os::unix::fs::OpenOptionsExt as _;
            let mut out = std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .mode(0o600)
                .open(&staging)
                .map_err(|e| WebError::Io(format!("{}: {e}", staging.display())))?;
            out.write_all(&bytes)
                .and_then(|()| out.sync_all())
                .map_err(|e| WebError::Io(format!("{}: {e}", staging.display())))?;
        }
        std::fs::rename(&staging, &self.path)
            .map_err(|e| WebError::Io(format!("{}: {e}", self.path.display())))
    }
}

/// A hash no password matches, checked for unknown names.
const DECOY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$wKfKH0Vn1pGXKSh8rE2kqn/NVbDTh/+1JdiWMXtjEHw";

/// The Argon2id hash of `password` with a fresh salt.
fn hash(password: &str) -> Result<String, WebError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| WebError::Io(format!("no randomness: {e}")))?;
    argon2::Argon2::default()
        .hash_password_with_salt(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| WebError::Io(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_kept_as_argon2id_hashes_and_checked() {
        let dir = tempfile::tempdir().expect("a folder");
        let mut accounts = Accounts::open(dir.path()).expect("none yet");
        accounts
            .add("ana", Role::Lawyer, true, "correct horse battery")
            .expect("added");
        assert!(
            accounts
                .add("ana", Role::Viewer, false, "another long one")
                .is_err()
        );
        assert!(accounts.add("bo", Role::Viewer, false, "short").is_err());
        assert!(
            accounts
                .add("a b", Role::Viewer, false, "long enough here")
                .is_err()
        );
        let again = Accounts::open(dir.path()).expect("read back");
        let ana = again.get("ana").expect("kept");
        assert!(ana.password.starts_with("$argon2id$"), "{}", ana.password);
        assert!(!ana.password.contains("horse"));
        assert!(again.check("ana", "correct horse battery").is_some());
        assert!(again.check("ana", "wrong").is_none());
        assert!(again.check("nobody", "correct horse battery").is_none());
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(dir.path().join("web/accounts.json"))
            .expect("written")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn api_tokens_are_kept_as_hashes_found_by_the_whole_token_and_revoked() {
        let dir = tempfile::tempdir().expect("a folder");
        let mut accounts = Accounts::open(dir.path()).expect("none yet");
        accounts
            .add("ana", Role::Documenter, false, "correct horse battery")
            .expect("added");
        let (token, kept) = accounts.add_token("ana", "nightly import").expect("made");
        assert!(token.starts_with("cft_"), "{token}");
        let on_disk = std::fs::read_to_string(dir.path().join("web/accounts.json")).expect("saved");
        assert!(!on_disk.contains(&token[13..]), "the secret is not kept");
        assert!(on_disk.contains(&kept.id));
        let again = Accounts::open(dir.path()).expect("read back");
        assert_eq!(again.by_token(&token).map(|a| a.name.as_str()), Some("ana"));
        let mut wrong = token.clone();
        wrong.pop();
        wrong.push(if token.ends_with('A') { 'B' } else { 'A' });
        assert!(again.by_token(&wrong).is_none());
        assert!(again.by_token("cft_").is_none());
        assert!(again.by_token("").is_none());
        let mut again = again;
        again.revoke_token("ana", &kept.id).expect("revoked");
        assert!(again.by_token(&token).is_none());
        assert!(again.revoke_token("ana", &kept.id).is_err());
    }
}
