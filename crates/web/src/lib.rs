//! casefile's web workspace: documenters read, search and review the case
//! in a browser; a JSON API over the same operations, described by an
//! OpenAPI 3.1 document (`/api/openapi.json`), errors as RFC 9457 problem
//! details.
//!
//! One process over the embedded case folder, the case service
//! underneath: every read is a snapshot, every write a signed log entry
//! naming the account. Pages are rendered on the server (maud: every value
//! escaped) and work without script; a Content-Security-Policy forbids
//! inline script and style. Accounts (`accounts`) sign in with an Argon2id
//! password; a session lives in an HttpOnly, SameSite=Strict cookie and is
//! made new at every sign-in; every write needs the session's CSRF token;
//! sign-in is rate limited. Roles (viewer, documenter, lawyer, admin)
//! decide what an account may do; clearance for protected material is
//! apart from the role: an uncleared account reads the case as a locked
//! member would, through a handle that holds no key.

#![deny(missing_docs)]

pub mod accounts;
mod api;
mod deriver;
mod entities;
mod member;
mod ops;
mod pages;
mod reports;
mod session;
pub mod totp;
mod viewer;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, header};
use casefile_app::Case;

pub use accounts::{Account, Accounts, Role};

/// What can go wrong in the workspace.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebError {
    /// A request or a command's input is not valid.
    #[error("{0}")]
    Invalid(String),
    /// It conflicts with what exists.
    #[error("{0}")]
    Conflict(String),
    /// It names nothing there is.
    #[error("{0}")]
    NotFound(String),
    /// Reading or writing a file failed.
    #[error("{0}")]
    Io(String),
    /// The case service said no.
    #[error(transparent)]
    Case(#[from] casefile_app::Error),
}

/// The workspace's state, shared by every request.
pub struct Workspace {
    /// The case as a cleared member reads and writes it (unlocked when the
    /// server was started with an identity).
    cleared: Arc<Case>,
    /// The case as anyone else reads it: no key, so no protected material.
    open: Arc<Case>,
    /// The case's `.casefile` folder, whose accounts file is read again at
    /// every request: an account removed or changed from the command line
    /// takes effect at once.
    data_dir: std::path::PathBuf,
    sessions: session::Sessions,
    settings: Settings,
    /// Reads and resolves what uploads logged, in the background.
    deriver: deriver::Deriver,
    /// Reads made at once: one per core, so that under many readers each
    /// page is made at full speed and the rest wait their turn (the wait
    /// is told apart in `Server-Timing`).
    readers: tokio::sync::Semaphore,
    /// The reports kept, by date and clearance, with the derived
    /// generation each was made from.
    reports: Arc<reports::Reports>,
}

/// How the workspace is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Whether every account must sign in with a second factor.
    pub require_totp: bool,
    /// Whether the workspace is reached over TLS (served behind a proxy
    /// that terminates it): cookies are then marked `Secure`, and a
    /// request that says it came over plain HTTP is refused.
    pub behind_tls: bool,
    /// The largest file one upload takes, in bytes.
    pub max_upload: usize,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            require_totp: false,
            behind_tls: false,
            max_upload: DEFAULT_MAX_UPLOAD,
        }
    }
}

/// The largest upload taken unless the server is told otherwise: 256 MiB.
pub const DEFAULT_MAX_UPLOAD: usize = 256 * 1024 * 1024;

impl Workspace {
    /// The workspace over `cleared` (the case, unlocked or not) and
    /// `open` (the same case folder opened without any key), with the
    /// accounts of its case folder, served as `settings` say.
    pub fn new(cleared: Case, open: Case, settings: Settings) -> Result<Workspace, WebError> {
        let data_dir = cleared.root().join(".casefile");
        Accounts::open(&data_dir)?;
        let cleared = Arc::new(cleared);
        Ok(Workspace {
            deriver: deriver::Deriver::start(cleared.clone()),
            readers: tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get().max(2)),
            ),
            reports: Arc::default(),
            cleared,
            open: Arc::new(open),
            data_dir,
            sessions: session::Sessions::default(),
            settings,
        })
    }

    /// The handle a member reads through: the keyless one unless they are
    /// cleared.
    fn case_for(&self, member: &member::Member) -> Arc<Case> {
        if member.cleared() {
            self.cleared.clone()
        } else {
            self.open.clone()
        }
    }

    /// Runs `work` on the case as `member` reads it, off the async
    /// threads.
    async fn read<T: Send + 'static>(
        &self,
        member: &member::Member,
        work: impl FnOnce(&Case) -> Result<T, WebError> + Send + 'static,
    ) -> Result<T, member::Refusal> {
        let case = self.case_for(member);
        let waiting = std::time::Instant::now();
        let _turn = self
            .readers
            .acquire()
            .await
            .map_err(|e| WebError::Io(format!("the workspace is stopping: {e}")))?;
        queued(waiting.elapsed());
        Ok(blocking(move || work(&case)).await?)
    }

    /// Runs `work` on the case as it is written (every write goes through
    /// the handle that can seal), off the async threads. Whether the
    /// member may see what the write touches is for `work` to ask.
    async fn write<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Case) -> Result<T, WebError> + Send + 'static,
    ) -> Result<T, member::Refusal> {
        let case = self.cleared.clone();
        Ok(blocking(move || work(&case)).await?)
    }

    /// The account named `name`, as the accounts file says now.
    fn account(&self, name: &str) -> Option<Account> {
        self.accounts().ok().and_then(|a| a.get(name).cloned())
    }

    /// The `Set-Cookie` value of cookie `name`, as this workspace is served.
    fn cookie(&self, name: &str, value: &str) -> String {
        session::set_cookie(name, value, self.settings.behind_tls)
    }

    /// The accounts, read now.
    fn accounts(&self) -> Result<Accounts, WebError> {
        Accounts::open(&self.data_dir)
    }
}

/// The workspace's routes: pages, the JSON API and the static files, with
/// the security headers on every response.
pub fn router(workspace: Arc<Workspace>) -> Router {
    let behind_tls = workspace.settings.behind_tls;
    let max_upload = workspace.settings.max_upload;
    Router::new()
        .merge(pages::routes(max_upload))
        .merge(viewer::routes())
        .merge(entities::routes())
        .nest("/api", api::routes(max_upload))
        .layer(axum::middleware::map_response(security_headers))
        .layer(axum::middleware::from_fn(server_timing))
        .layer(axum::middleware::from_fn(
            move |request: axum::extract::Request, next: axum::middleware::Next| {
                plain_http_refused(behind_tls, request, next)
            },
        ))
        .with_state(workspace)
}

/// Behind a TLS proxy, a request the proxy says came over plain HTTP
/// (`X-Forwarded-Proto: http`) is refused: its cookies would travel in the
/// clear.
async fn plain_http_refused(
    behind_tls: bool,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse as _;
    let plain = request
        .headers()
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("http"));
    if behind_tls && plain {
        return member::Refusal::Forbidden(
            "this workspace is served over TLS only: open it with https://".into(),
        )
        .into_response();
    }
    let mut response = next.run(request).await;
    if behind_tls {
        response.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

/// Serves `workspace` on `listen` until the process is stopped.
pub async fn serve(workspace: Arc<Workspace>, listen: SocketAddr) -> Result<(), WebError> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| WebError::Io(format!("cannot listen on {listen}: {e}")))?;
    serve_on(workspace, listener).await
}

/// Serves `workspace` on a listener already bound (tests bind port 0).
pub async fn serve_on(
    workspace: Arc<Workspace>,
    listener: tokio::net::TcpListener,
) -> Result<(), WebError> {
    axum::serve(
        listener,
        router(workspace).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .await
    .map_err(|e| WebError::Io(e.to_string()))
}

/// The policy every response carries: scripts and styles from the
/// workspace's own files only, nothing inline, no frames, forms posting
/// only here.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; \
     frame-ancestors 'none'; base-uri 'none'";

async fn security_headers(mut response: axum::response::Response) -> axum::response::Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

tokio::task_local! {
    /// Microseconds the request being answered waited for its turn to
    /// read.
    static QUEUED: Arc<std::sync::atomic::AtomicU64>;
}

/// Counts `waited` as time the request being answered spent queueing.
fn queued(waited: std::time::Duration) {
    let micros = u64::try_from(waited.as_micros()).unwrap_or(u64::MAX);
    // Outside a request (no scope) there is nothing to count it in.
    let _ = QUEUED.try_with(|q| q.fetch_add(micros, std::sync::atomic::Ordering::Relaxed));
}

/// Every response says how long the server took, as `Server-Timing:
/// queue;dur=<ms>, app;dur=<ms>`: the time it waited for its turn among
/// the reads under way, and the time spent making it. A browser's
/// developer tools show both; the load benchmark reads them.
async fn server_timing(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let start = std::time::Instant::now();
    let waited = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let mut response = QUEUED.scope(waited.clone(), next.run(request)).await;
    let took = start.elapsed().as_secs_f64() * 1000.0;
    let queue = waited.load(std::sync::atomic::Ordering::Relaxed) as f64 / 1000.0;
    let timing = format!(
        "queue;dur={queue:.2}, app;dur={:.2}",
        (took - queue).max(0.0)
    );
    if let Ok(value) = HeaderValue::from_str(&timing) {
        response.headers_mut().insert("server-timing", value);
    }
    response
}

/// Runs blocking case work off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, WebError> + Send + 'static,
) -> Result<T, WebError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| WebError::Io(format!("the work stopped: {e}")))?
}
