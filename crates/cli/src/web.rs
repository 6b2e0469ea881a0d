//! `casefile serve` (the web workspace) and `casefile web-account ...`
//! (its accounts).

use std::io::IsTerminal as _;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use anyhow::Context as _;
use casefile_web::{Accounts, Role, Workspace};
use clap::Subcommand;

use crate::output::{Exit, print_json};

/// `casefile web-account ...`
#[derive(Debug, Subcommand)]
pub(crate) enum AccountCommand {
    /// Make an account of the web workspace. The password is read from the
    /// terminal (twice), else from $CASEFILE_WEB_PASSWORD; at least 12
    /// characters.
    Add {
        /// Its name: what every action it takes is signed as.
        name: String,
        /// viewer, documenter, lawyer or admin.
        #[arg(long, default_value = "viewer")]
        role: String,
        /// May see protected material (testimonies, complaints); the
        /// server must then be started by a cleared member.
        #[arg(long)]
        cleared: bool,
    },
    /// Give an account a second factor (a new one replaces the old): prints
    /// the otpauth:// URI for an authenticator app and ten recovery codes,
    /// once.
    Totp {
        /// Its name.
        name: String,
    },
    /// The accounts, with their roles and clearance.
    List,
    /// Remove an account: its sessions end at their next request.
    Remove {
        /// Its name.
        name: String,
    },
    /// Make an API token for scripts (printed once; it acts as the
    /// account, with its role and clearance): send it as
    /// `Authorization: Bearer TOKEN`.
    Token {
        /// The account.
        name: String,
        /// What it is for.
        #[arg(long, default_value = "")]
        label: String,
    },
    /// Revoke an API token by its id (the 8 hex digits after `cft_`).
    Revoke {
        /// The account.
        name: String,
        /// The token's id.
        id: String,
    },
}

pub(crate) fn account(
    data_dir: &Path,
    command: AccountCommand,
    json: bool,
) -> anyhow::Result<Exit> {
    let mut accounts = Accounts::open(data_dir)?;
    match command {
        AccountCommand::Add {
            name,
            role,
            cleared,
        } => {
            let role = Role::parse(&role)?;
            let password = password()?;
            let account = accounts.add(&name, role, cleared, &password)?.clone();
            if json {
                print_json(&serde_json::json!({
                    "name": account.name, "role": account.role, "cleared": account.cleared,
                }));
            } else {
                crate::say!(
                    "account {} ({}{}) made",
                    account.name,
                    account.role.as_str(),
                    if account.cleared { ", cleared" } else { "" }
                );
            }
        }
        AccountCommand::List => {
            let list: Vec<serde_json::Value> = accounts
                .list()
                .iter()
                .map(|a| {
                    serde_json::json!({
                        "name": a.name, "role": a.role, "cleared": a.cleared,
                        "second_factor": a.totp.is_some(), "created_at": a.created_at,
                    })
                })
                .collect();
            if json {
                print_json(&list);
            } else if list.is_empty() {
                crate::say!("no accounts yet: casefile web-account add NAME --role documenter");
            } else {
                for a in accounts.list() {
                    crate::say!(
                        "{}  {}{}{}",
                        a.name,
                        a.role.as_str(),
                        if a.cleared { ", cleared" } else { "" },
                        if a.totp.is_some() {
                            ", second factor"
                        } else {
                            ""
                        }
                    );
                }
            }
        }
        AccountCommand::Totp { name } => {
            let (uri, codes) = accounts.enroll_totp(&name)?;
            if json {
                print_json(&serde_json::json!({ "uri": uri, "recovery_codes": codes }));
            } else {
                crate::say!(
                    "add this to the account holder's authenticator app (it is shown once):\n{uri}\n\
                     recovery codes, each good once, to keep somewhere safe:\n{}",
                    codes.join("\n")
                );
            }
        }
        AccountCommand::Remove { name } => {
            accounts.remove(&name)?;
            crate::say!("account {name} removed");
        }
        AccountCommand::Token { name, label } => {
            let (token, kept) = accounts.add_token(&name, &label)?;
            if json {
                print_json(&serde_json::json!({ "id": kept.id, "token": token }));
            } else {
                crate::say!(
                    "API token {} for {name} (shown once; send it as Authorization: Bearer):\n{token}",
                    kept.id
                );
            }
        }
        AccountCommand::Revoke { name, id } => {
            accounts.revoke_token(&name, &id)?;
            crate::say!("token {id} of {name} revoked");
        }
    }
    Ok(Exit::Success)
}

/// The new account's password: from the terminal, twice, else from
/// $CASEFILE_WEB_PASSWORD.
fn password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("password for the account: ")?;
        let again = rpassword::prompt_password("the same again: ")?;
        if first != again {
            anyhow::bail!("the two passwords differ");
        }
        return Ok(first);
    }
    std::env::var("CASEFILE_WEB_PASSWORD")
        .context("give the password on a terminal, or in CASEFILE_WEB_PASSWORD")
}

/// `casefile serve`: the case (`cleared`, unlocked when an identity was
/// at hand, and `open`, the same folder without a key) on `listen`.
pub(crate) fn serve(
    cleared: casefile_app::Case,
    open: casefile_app::Case,
    listen: SocketAddr,
    settings: casefile_web::Settings,
) -> anyhow::Result<Exit> {
    let scheme = if settings.behind_tls { "https" } else { "http" };
    let workspace = Arc::new(Workspace::new(cleared, open, settings)?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the server's threads")?;
    crate::say!(
        "the case's web workspace is at {scheme}://{listen}/ (stop it with Ctrl-C); accounts: casefile web-account add NAME --role documenter"
    );
    runtime.block_on(async move {
        tokio::select! {
            served = casefile_web::serve(workspace, listen) => served.map_err(anyhow::Error::from),
            _ = tokio::signal::ctrl_c() => Ok(()),
        }
    })?;
    Ok(Exit::Success)
}
