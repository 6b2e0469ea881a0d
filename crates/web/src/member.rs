//! Who a request is from: a member signed in with the session cookie, or a
//! script with an API token (`Authorization: Bearer cft_...`). Every
//! handler takes a [`Member`]; what it may do is asked of the member, so no
//! handler checks a cookie, a token or a role by itself.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use crate::accounts::{Account, Role};
use crate::session::same_secret;
use crate::{WebError, Workspace};

/// Why a request is not served.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// Not signed in: to the sign-in page.
    SignIn,
    /// Signed in, but not allowed.
    Forbidden(String),
    /// Nothing there.
    NotFound(String),
    /// The request is wrong.
    Bad(String),
    /// It does not fit the case as it is (a merge of two kinds, a record
    /// merged already).
    Conflict(String),
    /// More than the workspace takes.
    TooLarge(String),
    /// Something failed.
    Failed(String),
}

impl Refusal {
    /// The status and what to say.
    pub(crate) fn status(&self) -> (StatusCode, &str) {
        match self {
            Refusal::SignIn => (StatusCode::UNAUTHORIZED, "sign in first"),
            Refusal::Forbidden(m) => (StatusCode::FORBIDDEN, m),
            Refusal::NotFound(m) => (StatusCode::NOT_FOUND, m),
            Refusal::Bad(m) => (StatusCode::BAD_REQUEST, m),
            Refusal::Conflict(m) => (StatusCode::CONFLICT, m),
            Refusal::TooLarge(m) => (StatusCode::PAYLOAD_TOO_LARGE, m),
            Refusal::Failed(m) => (StatusCode::INTERNAL_SERVER_ERROR, m),
        }
    }
}

impl From<WebError> for Refusal {
    fn from(error: WebError) -> Refusal {
        match error {
            WebError::Invalid(m) => Refusal::Bad(m),
            WebError::Conflict(m) => Refusal::Conflict(m),
            WebError::NotFound(m) => Refusal::NotFound(m),
            WebError::Io(m) => Refusal::Failed(m),
            WebError::Case(e) => match e.kind() {
                casefile_app::ErrorKind::NotFound => Refusal::NotFound(e.to_string()),
                casefile_app::ErrorKind::InvalidInput => Refusal::Bad(e.to_string()),
                casefile_app::ErrorKind::Conflict => Refusal::Conflict(e.to_string()),
                casefile_app::ErrorKind::Locked => Refusal::Forbidden(e.to_string()),
                _ => Refusal::Failed(e.to_string()),
            },
        }
    }
}

impl From<casefile_app::Error> for Refusal {
    fn from(error: casefile_app::Error) -> Refusal {
        WebError::Case(error).into()
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        if matches!(self, Refusal::SignIn) {
            return Redirect::to("/sign-in").into_response();
        }
        let (status, message) = self.status();
        let reason = status.canonical_reason().unwrap_or("Error");
        let body = crate::pages::layout(
            reason,
            None,
            maud::html! { h1 { (status.as_u16()) " " (reason) } p { (message) } },
        );
        (status, body).into_response()
    }
}

/// The member a request is from.
#[derive(Debug, Clone)]
pub(crate) struct Member {
    /// Their account, as the accounts file says now.
    pub account: Account,
    /// The session's token, when signed in with the cookie.
    pub session: Option<String>,
    /// The token every write of the session must carry (empty for an API
    /// token, which no other site can make a browser send).
    pub csrf: String,
}

impl Member {
    /// Refuses unless the member has at least `role`.
    pub fn need(&self, role: Role) -> Result<(), Refusal> {
        if self.account.role >= role {
            Ok(())
        } else {
            Err(Refusal::Forbidden(format!(
                "this needs the role {} (yours is {})",
                role.as_str(),
                self.account.role.as_str()
            )))
        }
    }

    /// Refuses a write that does not carry the session's CSRF token
    /// (`given`); a request with an API token needs none.
    pub fn may_write(&self, given: &str) -> Result<(), Refusal> {
        if self.session.is_none() || same_secret(&self.csrf, given) {
            Ok(())
        } else {
            Err(Refusal::Forbidden(
                "the form is stale or not from this workspace (a write needs the session's \
                 CSRF token: the form field csrf, or the header X-CSRF-Token)"
                    .into(),
            ))
        }
    }

    /// Whether the member may see protected material.
    pub fn cleared(&self) -> bool {
        self.account.cleared
    }

    /// The member's name, as log entries are signed.
    pub fn name(&self) -> &str {
        &self.account.name
    }
}

impl FromRequestParts<Arc<Workspace>> for Member {
    type Rejection = Refusal;

    async fn from_request_parts(
        parts: &mut Parts,
        workspace: &Arc<Workspace>,
    ) -> Result<Member, Refusal> {
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if let Some(token) = bearer {
            let account = workspace
                .accounts()
                .ok()
                .and_then(|a| a.by_token(token.trim()).cloned())
                .ok_or(Refusal::SignIn)?;
            return Ok(Member {
                account,
                session: None,
                csrf: String::new(),
            });
        }
        let (token, session) = workspace
            .sessions
            .get(&parts.headers)
            .ok_or(Refusal::SignIn)?;
        let account = workspace.account(&session.account).ok_or(Refusal::SignIn)?;
        Ok(Member {
            account,
            session: Some(token),
            csrf: session.csrf,
        })
    }
}
