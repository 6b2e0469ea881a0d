//! Sessions and what guards them: a random token in an HttpOnly,
//! SameSite=Strict cookie (made new at every sign-in, so a token planted
//! before it is worth nothing), a CSRF token per session that every write
//! must carry, idle expiry, and sign-in rate limiting per account and per
//! address.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use base64::Engine as _;
use subtle::ConstantTimeEq as _;

/// The session cookie's name.
pub(crate) const COOKIE: &str = "casefile_session";
/// How long a session lives unused.
const IDLE: Duration = Duration::from_secs(8 * 3600);
/// Failed sign-ins allowed per account in [`WINDOW`].
const FAILURES: usize = 5;
/// Failed sign-ins allowed per address in [`WINDOW`] (an office behind one
/// address signs in from many accounts).
const ADDRESS_FAILURES: usize = 30;
/// The window failures are counted in.
const WINDOW: Duration = Duration::from_secs(60);

/// One signed-in session.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    /// The account.
    pub account: String,
    /// What every write of this session must carry.
    pub csrf: String,
    last_seen: Instant,
}

/// The live sessions and the recent failed sign-ins.
#[derive(Default)]
pub(crate) struct Sessions {
    live: Mutex<HashMap<String, Session>>,
    failures: Mutex<HashMap<String, Vec<Instant>>>,
    /// The last one-time code step each account used: a code is good once.
    used_steps: Mutex<HashMap<String, u64>>,
}

/// A fresh random token, URL-safe.
pub(crate) fn token() -> String {
    let mut bytes = [0u8; 32];
    // Without randomness no session can be made safely: an empty token
    // never matches (see `get`).
    if getrandom::fill(&mut bytes).is_err() {
        return String::new();
    }
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Whether two secrets are equal, in time that does not depend on where
/// they differ.
pub(crate) fn same_secret(a: &str, b: &str) -> bool {
    !a.is_empty() && a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

impl Sessions {
    /// Starts a session for `account`; returns its token.
    pub fn start(&self, account: &str) -> String {
        let token = token();
        if let Ok(mut live) = self.live.lock() {
            live.retain(|_, s| s.last_seen.elapsed() < IDLE);
            live.insert(
                token.clone(),
                Session {
                    account: account.to_owned(),
                    csrf: self::token(),
                    last_seen: Instant::now(),
                },
            );
        }
        token
    }

    /// The session of the request's cookie, when it is live.
    pub fn get(&self, headers: &HeaderMap) -> Option<(String, Session)> {
        let token = cookie(headers, COOKIE)?;
        let mut live = self.live.lock().ok()?;
        let found = live.iter_mut().find(|(t, _)| same_secret(t, &token))?;
        if found.1.last_seen.elapsed() >= IDLE {
            return None;
        }
        found.1.last_seen = Instant::now();
        Some((found.0.clone(), found.1.clone()))
    }

    /// Ends the session of `token`.
    pub fn end(&self, token: &str) {
        if let Ok(mut live) = self.live.lock() {
            live.remove(token);
        }
    }

    /// Whether `keys` (the account tried and the address) may try to sign
    /// in now.
    pub fn may_try(&self, keys: &[String]) -> bool {
        let Ok(mut failures) = self.failures.lock() else {
            return false;
        };
        keys.iter().all(|k| {
            let tries = failures.entry(k.clone()).or_default();
            tries.retain(|t| t.elapsed() < WINDOW);
            let most = if k.starts_with("address:") {
                ADDRESS_FAILURES
            } else {
                FAILURES
            };
            tries.len() < most
        })
    }

    /// Takes one-time code step `step` for `account`: false when it (or a
    /// later one) was used already.
    pub fn take_step(&self, account: &str, step: u64) -> bool {
        let Ok(mut used) = self.used_steps.lock() else {
            return false;
        };
        match used.get(account) {
            Some(last) if *last >= step => false,
            _ => {
                used.insert(account.to_owned(), step);
                true
            }
        }
    }

    /// Counts a failed sign-in against `keys`.
    pub fn failed(&self, keys: &[String]) {
        if let Ok(mut failures) = self.failures.lock() {
            for k in keys {
                failures.entry(k.clone()).or_default().push(Instant::now());
            }
        }
    }
}

/// The value of cookie `name` in the request.
pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// The `Set-Cookie` value of a session cookie (cleared when `token` is
/// empty), `Secure` when the workspace is reached over TLS.
pub(crate) fn set_cookie(name: &str, token: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    if token.is_empty() {
        format!("{name}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}")
    } else {
        format!("{name}={token}; Path=/; HttpOnly; SameSite=Strict{secure}")
    }
}
