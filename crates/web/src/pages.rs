//! The pages: sign-in, dashboard, sources, the document viewer, entities,
//! search, records and their review. Server-rendered (maud escapes every
//! value), usable without script; `/static/app.js` adds keyboard review.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{ConnectInfo, Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use casefile_app::types::{Action, ActionKind, SearchQuery, What};
use maud::{DOCTYPE, Markup, html};
use serde::Deserialize;

use crate::accounts::{Account, Role};
use crate::session::{COOKIE, Session, cookie, same_secret, set_cookie, token};
use crate::{WebError, Workspace, blocking};

/// The cookie that carries the sign-in form's token (against login CSRF).
const SIGN_IN_COOKIE: &str = "casefile_sign_in";

pub(crate) fn routes() -> Router<Arc<Workspace>> {
    Router::new()
        .route("/sign-in", get(sign_in_page).post(sign_in))
        .route("/sign-out", post(sign_out))
        .route("/", get(dashboard))
        .route("/sources", get(sources))
        .route("/sources/{index}", get(source))
        .route("/entities/{id}", get(entity))
        .route("/search", get(search))
        .route("/records", get(records))
        .route("/records/{id}", get(record))
        .route("/records/{id}/{action}", post(act))
        .route("/static/style.css", get(style))
        .route("/static/app.js", get(script))
}

/// Why a page is not shown.
pub(crate) enum Refusal {
    /// Not signed in: to the sign-in page.
    SignIn,
    /// Signed in, but not allowed.
    Forbidden(String),
    /// Nothing there.
    NotFound(String),
    /// The request is wrong.
    Bad(String),
    /// Something failed.
    Failed(String),
}

impl From<WebError> for Refusal {
    fn from(error: WebError) -> Refusal {
        match error {
            WebError::Invalid(m) => Refusal::Bad(m),
            WebError::Conflict(m) => Refusal::Bad(m),
            WebError::NotFound(m) => Refusal::NotFound(m),
            WebError::Io(m) => Refusal::Failed(m),
            WebError::Case(e) => match e.kind() {
                casefile_app::ErrorKind::NotFound => Refusal::NotFound(e.to_string()),
                casefile_app::ErrorKind::InvalidInput | casefile_app::ErrorKind::Conflict => {
                    Refusal::Bad(e.to_string())
                }
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
        let (status, message) = match self {
            Refusal::SignIn => return Redirect::to("/sign-in").into_response(),
            Refusal::Forbidden(m) => (StatusCode::FORBIDDEN, m),
            Refusal::NotFound(m) => (StatusCode::NOT_FOUND, m),
            Refusal::Bad(m) => (StatusCode::BAD_REQUEST, m),
            Refusal::Failed(m) => (StatusCode::INTERNAL_SERVER_ERROR, m),
        };
        let body = layout(
            status.canonical_reason().unwrap_or("Error"),
            None,
            html! { h1 { (status.as_u16()) " " (status.canonical_reason().unwrap_or("")) } p { (message) } },
        );
        (status, body).into_response()
    }
}

/// Who is signed in: their account (as it is now) and session.
pub(crate) fn signed_in(
    workspace: &Workspace,
    headers: &HeaderMap,
) -> Result<(Account, Session, String), Refusal> {
    let (token, session) = workspace.sessions.get(headers).ok_or(Refusal::SignIn)?;
    let account = workspace.account(&session.account).ok_or(Refusal::SignIn)?;
    Ok((account, session, token))
}

/// Refuses unless `account` has at least `role`.
pub(crate) fn need(account: &Account, role: Role) -> Result<(), Refusal> {
    if account.role >= role {
        Ok(())
    } else {
        Err(Refusal::Forbidden(format!(
            "this needs the role {} (yours is {})",
            role.as_str(),
            account.role.as_str()
        )))
    }
}

/// The page around `body`.
fn layout(title: &str, who: Option<(&Account, &str)>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · casefile" }
                link rel="stylesheet" href="/static/style.css";
                script src="/static/app.js" defer {}
            }
            body {
                @if let Some((account, csrf)) = who {
                    nav {
                        a href="/" { "Dashboard" }
                        a href="/sources" { "Sources" }
                        a href="/search" { "Search" }
                        a href="/records?status=proposed" { "Review" }
                        a href="/records" { "Records" }
                        span.who { (account.name) " (" (account.role.as_str())
                            @if account.cleared { ", cleared" } ")" }
                        form method="post" action="/sign-out" {
                            input type="hidden" name="csrf" value=(csrf);
                            button type="submit" { "Sign out" }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

async fn style() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("style.css"),
    )
}

async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("app.js"),
    )
}

#[derive(Deserialize)]
pub(crate) struct SignIn {
    name: String,
    password: String,
    csrf: String,
    /// The one-time code, or a recovery code.
    #[serde(default)]
    code: String,
}

async fn sign_in_page() -> Response {
    let form_token = token();
    let body = layout(
        "Sign in",
        None,
        html! {
            h1 { "Sign in to the case" }
            form method="post" action="/sign-in" {
                input type="hidden" name="csrf" value=(form_token);
                label { "Account " input name="name" autocomplete="username" required; }
                label { "Password " input name="password" type="password" autocomplete="current-password" required; }
                label { "One-time code (or a recovery code) " input name="code" autocomplete="one-time-code" inputmode="numeric"; }
                button type="submit" { "Sign in" }
            }
        },
    );
    (
        [(header::SET_COOKIE, set_cookie(SIGN_IN_COOKIE, &form_token))],
        body,
    )
        .into_response()
}

async fn sign_in(
    State(workspace): State<Arc<Workspace>>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<SignIn>,
) -> Response {
    let expected = cookie(&headers, SIGN_IN_COOKIE).unwrap_or_default();
    if !same_secret(&expected, &form.csrf) {
        return Refusal::Forbidden("the sign-in form is stale: open it again".into())
            .into_response();
    }
    let keys = vec![
        format!("account:{}", form.name),
        format!("address:{}", peer.ip()),
    ];
    if !workspace.sessions.may_try(&keys) {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            layout(
                "Wait",
                None,
                html! { h1 { "Too many tries" } p { "Wait a minute and sign in again." } },
            ),
        )
            .into_response();
    }
    let checked = workspace
        .accounts()
        .ok()
        .and_then(|a| a.check(&form.name, &form.password).cloned());
    let second = checked
        .as_ref()
        .map(|account| second_factor(&workspace, account, &form.code));
    let checked = match second {
        Some(Ok(())) => checked,
        Some(Err(why)) => {
            workspace.sessions.failed(&keys);
            return (
                StatusCode::UNAUTHORIZED,
                layout(
                    "Sign in",
                    None,
                    html! { h1 { "Sign in" } p { (why) } a href="/sign-in" { "Try again" } },
                ),
            )
                .into_response();
        }
        None => None,
    };
    let Some(account) = checked else {
        workspace.sessions.failed(&keys);
        return (
            StatusCode::UNAUTHORIZED,
            layout(
                "Sign in",
                None,
                html! { h1 { "Sign in" } p { "That account and password do not match." } a href="/sign-in" { "Try again" } },
            ),
        )
            .into_response();
    };
    // A new session, whatever cookie came in: a planted token is worthless.
    let session = workspace.sessions.start(&account.name);
    let mut response = Redirect::to("/").into_response();
    let headers = response.headers_mut();
    for value in [set_cookie(COOKIE, &session), set_cookie(SIGN_IN_COOKIE, "")] {
        if let Ok(value) = value.parse() {
            headers.append(header::SET_COOKIE, value);
        }
    }
    response
}

/// Whether `code` is `account`'s second factor: a one-time code not used
/// before, or one of its recovery codes (used up). An account without one
/// passes, unless the workspace requires it.
fn second_factor(workspace: &Workspace, account: &Account, code: &str) -> Result<(), String> {
    let Some(secret) = account.totp.as_deref().and_then(crate::totp::from_base32) else {
        return if workspace.require_totp {
            Err(format!(
                "this workspace requires a second factor, and the account has none: an admin \
                 enrols it with `casefile web-account totp {}`",
                account.name
            ))
        } else {
            Ok(())
        };
    };
    if code.trim().is_empty() {
        return Err("the account signs in with a one-time code too".into());
    }
    let now = jiff::Timestamp::now().as_second().max(0) as u64;
    if let Some(step) = crate::totp::matching_step(&secret, code, now) {
        return if workspace.sessions.take_step(&account.name, step) {
            Ok(())
        } else {
            Err("that one-time code was used already: wait for the next".into())
        };
    }
    match workspace
        .accounts()
        .and_then(|mut a| a.use_recovery(&account.name, code))
    {
        Ok(true) => Ok(()),
        _ => Err("that account, password and code do not match".into()),
    }
}

#[derive(Deserialize)]
pub(crate) struct Csrf {
    csrf: String,
}

async fn sign_out(
    State(workspace): State<Arc<Workspace>>,
    headers: HeaderMap,
    Form(form): Form<Csrf>,
) -> Result<Response, Refusal> {
    let (_, session, token) = signed_in(&workspace, &headers)?;
    if !same_secret(&session.csrf, &form.csrf) {
        return Err(Refusal::Forbidden("the form is stale".into()));
    }
    workspace.sessions.end(&token);
    Ok((
        [(header::SET_COOKIE, set_cookie(COOKIE, ""))],
        Redirect::to("/sign-in"),
    )
        .into_response())
}

async fn dashboard(
    State(workspace): State<Arc<Workspace>>,
    headers: HeaderMap,
) -> Result<Markup, Refusal> {
    let (account, session, _) = signed_in(&workspace, &headers)?;
    let case = workspace.case_for(&account);
    let (totals, size, recent, waiting) = blocking(move || {
        let snapshot = case.snapshot()?;
        let totals = snapshot.totals()?;
        let (size, _) = case.latest_checkpoint()?;
        let recent = case.sources(size.saturating_sub(40), 40)?;
        let waiting = snapshot.record_list(None, Some("proposed"))?.len();
        Ok((totals, size, recent, waiting))
    })
    .await?;
    Ok(layout(
        "Dashboard",
        Some((&account, &session.csrf)),
        html! {
            h1 { "The case" }
            ul.facts {
                li { (totals.sources) " sources, " (totals.documents) " documents" }
                li { (totals.sealed_sources) " protected sources" @if !account.cleared { " (not shown: your account is not cleared for protected material)" } }
                li { a href="/records?status=proposed" { (waiting) " proposals wait for review" } }
                li { "Latest checkpoint: the log of " (size) " entries" }
            }
            h2 { "Recent sources" }
            (source_table(&account, recent.iter().rev()))
        },
    ))
}

fn source_table<'a>(
    account: &Account,
    sources: impl Iterator<Item = &'a casefile_app::sources::SourceLine>,
) -> Markup {
    html! {
        table {
            tr { th { "#" } th { "Kind" } th { "Name" } th { "Logged" } th { "By" } }
            @for s in sources {
                tr {
                    td { (s.index) }
                    td { (s.kind) }
                    td {
                        @if s.sealed && !account.cleared {
                            "(protected)"
                        } @else {
                            a href={ "/sources/" (s.index) } {
                                (s.name.clone().unwrap_or_else(|| format!("{} #{}", s.kind, s.index)))
                            }
                        }
                    }
                    td { (s.added_at) }
                    td { (s.by) }
                }
            }
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct Paging {
    from: Option<u64>,
}

async fn sources(
    State(workspace): State<Arc<Workspace>>,
    headers: HeaderMap,
    Query(paging): Query<Paging>,
) -> Result<Markup, Refusal> {
    let (account, session, _) = signed_in(&workspace, &headers)?;
    let case = workspace.case_for(&account);
    let from = paging.from.unwrap_or(0);
    let list = blocking(move || Ok(case.sources(from, 200)?)).await?;
    let next = list.last().map(|s| s.index + 1);
    Ok(layout(
        "Sources",
        Some((&account, &session.csrf)),
        html! {
            h1 { "Sources" }
            (source_table(&account, list.iter()))
            @if let Some(next) = next {
                @if list.len() >= 100 { p { a href={ "/sources?from=" (next) } { "More" } } }
            }
        },
    ))
}

async fn source(
    State(workspace): State<Arc<Workspace>>,
    headers: HeaderMap,
    Path(index): Path<u64>,
) -> Result<Markup, Refusal> {
    let (account, session, _) = signed_in(&workspace, &headers)?;
    let case = workspace.case_for(&account);
    let cleared = account.cleared;
    let (line, documents, spans) = blocking(move || {
        let line = case
            .sources(index, 1)?
            .into_iter()
            .find(|s| s.index == index)
            .ok_or_else(|| WebError::NotFound(format!("no source #{index}")))?;
        if !cleared && case.is_protected_source(index)? {
            return Err(WebError::Case(casefile_app::Error::locked(
                "this source is protected material, which your account is not cleared for",
            )));
        }
        let snapshot = case.snapshot()?;
        let mut documents = Vec::new();
        snapshot.documents(index, &mut |d, _| documents.push(d))?;
        // Each mention of a resolved entity, to link from the text.
        let mut spans: HashMap<u64, Vec<(usize, usize, String, String)>> = HashMap::new();
        // Only the entities this source names, not every entity's body.
        let mut ids: Vec<String> = snapshot
            .entities_in(index)?
            .into_values()
            .flatten()
            .collect();
        ids.sort();
        ids.dedup();
        for id in ids {
            let Ok(shown) = snapshot.entity(&id) else {
                continue;
            };
            for m in &shown.entity.mentions {
                if m.source == index && m.field == "text" {
                    spans.entry(m.document).or_default().push((
                        m.start,
                        m.end,
                        id.clone(),
                        m.text.clone(),
                    ));
                }
            }
        }
        Ok((line, documents, spans))
    })
    .await?;
    Ok(layout(
        &format!("Source #{index}"),
        Some((&account, &session.csrf)),
        html! {
            h1 { (line.name.clone().unwrap_or_else(|| format!("{} #{}", line.kind, line.index))) }
            aside.provenance {
                dl {
                    dt { "Log index" } dd { (line.index) }
                    dt { "SHA-256" } dd.hash { (line.sha256) }
                    dt { "Kind" } dd { (line.kind) }
                    dt { "Logged" } dd { (line.added_at) " by " (line.by) }
                    @if let Some(url) = &line.url { dt { "Found at" } dd { (url) } }
                    @if let Some(at) = &line.acquired_at { dt { "Collected" } dd { (at) } }
                }
                p { a href={ "/api/sources/" (line.index) "/proof" } { "Inclusion proof (JSON)" } }
            }
            @for (n, d) in documents.iter().enumerate() {
                section.document {
                    @if let Some(title) = &d.title { h2 { (title) } }
                    (highlighted(&d.text, spans.get(&(n as u64)).map(Vec::as_slice).unwrap_or(&[])))
                    @if !d.removed.is_empty() {
                        details {
                            summary { "Removed boilerplate (" (d.removed.len()) ")" }
                            @for r in &d.removed { p.removed { (r.text) } }
                        }
                    }
                }
            }
        },
    ))
}

/// `text` with each span (start, end in characters, entity id, as
/// written) a link to its entity; overlapping spans after the first are
/// left plain.
fn highlighted(text: &str, spans: &[(usize, usize, String, String)]) -> Markup {
    let chars: Vec<char> = text.chars().collect();
    let mut spans: Vec<&(usize, usize, String, String)> = spans.iter().collect();
    spans.sort();
    let mut pieces: Vec<(String, Option<String>)> = Vec::new();
    let mut at = 0;
    for (start, end, id, written) in spans {
        let (start, end) = ((*start).min(chars.len()), (*end).min(chars.len()));
        // Only a span that holds the mention as written: a mention counted
        // in another part of the document (a caption, the byline) is not
        // linked into the text.
        if start < at || start >= end || chars[start..end].iter().collect::<String>() != *written {
            continue;
        }
        pieces.push((chars[at..start].iter().collect(), None));
        pieces.push((chars[start..end].iter().collect(), Some(id.clone())));
        at = end;
    }
    pieces.push((chars[at..].iter().collect(), None));
    html! {
        div.text {
            @for (piece, id) in &pieces {
                @if let Some(id) = id {
                    a.mention href={ "/entities/" (id) } { (piece) }
                } @else {
                    (piece)
                }
            }
        }
    }
}

async fn entity(
    State(workspace): State<Arc<Workspace>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Markup, Refusal> {
    let (account, session, _) = signed_in(&workspace, &headers)?;
    let case = workspace.case_for(&account);
    let id = id.trim_start_matches(['E', 'e']).to_owned();
    let shown = blocking(move || Ok(case.snapshot()?.entity(&id)?)).await?;
    let e = &shown.entity;
    Ok(layout(
        &e.name,
        Some((&account, &session.csrf)),
        html! {
            h1 { (e.name) " " small { "E" (e.id) ", " (e.kind) } }
            h2 { "Names" }
            ul { @for (name, n) in &e.names { li { (name) " (" (n) ")" } } }
            h2 { "Mentions" }
            ul {
                @for m in &e.mentions {
                    li { a href={ "/sources/" (m.source) } { "#" (m.source) } " document " (m.document) ": " q { (m.text) } }
                }
            }
            @if !shown.linked_from.is_empty() {
                h2 { "Records" }
                ul { @for l in &shown.linked_from { li { a href={ "/records/" (l.from.id) } { (l.from.id) } " (" (l.role) ")" } } }
            }
        },
    ))
}

#[derive(Deserialize)]
pub(crate) struct Find {
    q: Option<String>,
    cross: Option<String>,
}

async fn search(
    State(workspace): State<Arc<Workspace>>,
    headers: HeaderMap,
    Query(find): Query<Find>,
) -> Result<Markup, Refusal> {
    let (account, session, _) = signed_in(&workspace, &headers)?;
    let case = workspace.case_for(&account);
    let text = find.q.clone().unwrap_or_default();
    // The switch is on unless the form says off (a bare /search is on).
    let cross = find.cross.as_deref() != Some("off");
    let query_text = text.clone();
    let results = if text.trim().is_empty() {
        None
    } else {
        Some(
            blocking(move || {
                let query = SearchQuery {
                    text: query_text,
                    cross_script: cross,
                    what: What::Both,
                    limit: 50,
                    ..SearchQuery::default()
                };
                Ok(case.snapshot()?.search(&query)?)
            })
            .await?,
        )
    };
    Ok(layout(
        "Search",
        Some((&account, &session.csrf)),
        html! {
            h1 { "Search" }
            form method="get" action="/search" {
                input name="q" value=(text) autofocus;
                label {
                    "Across scripts "
                    select name="cross" {
                        option value="on" selected[cross] { "on (Каскад finds Cascade)" }
                        option value="off" selected[!cross] { "off" }
                    }
                }
                button type="submit" { "Search" }
            }
            @if let Some(results) = &results {
                p.count { (results.total) " found" }
                ol.hits {
                    @for hit in &results.hits {
                        li {
                            @match (hit.source, &hit.entity, &hit.record) {
                                (_, Some(e), _) => { a href={ "/entities/" (e) } { (hit.title.clone().unwrap_or_else(|| e.clone())) } }
                                (_, _, Some(r)) => { a href={ "/records/" (r) } { (hit.title.clone().unwrap_or_else(|| r.clone())) } }
                                (Some(s), _, _) => { a href={ "/sources/" (s) } { (hit.title.clone().unwrap_or_else(|| format!("source #{s}"))) } }
                                _ => { (hit.kind) }
                            }
                            " " span.kind { (hit.kind) }
                            p.preview { (hit.preview) }
                        }
                    }
                }
            }
        },
    ))
}

#[derive(Deserialize)]
pub(crate) struct Filter {
    kind: Option<String>,
    status: Option<String>,
}

async fn records(
    State(workspace): State<Arc<Workspace>>,
    headers: HeaderMap,
    Query(filter): Query<Filter>,
) -> Result<Markup, Refusal> {
    let (account, session, _) = signed_in(&workspace, &headers)?;
    let case = workspace.case_for(&account);
    let (kind, status) = (filter.kind.clone(), filter.status.clone());
    let list = blocking(move || {
        Ok(case
            .snapshot()?
            .record_list(kind.as_deref(), status.as_deref())?)
    })
    .await?;
    let review = filter.status.as_deref() == Some("proposed");
    let may_review = account.role >= Role::Documenter;
    Ok(layout(
        if review { "Review" } else { "Records" },
        Some((&account, &session.csrf)),
        html! {
            h1 { @if review { "Proposals to review" } @else { "Records" } }
            @if review && may_review {
                p.help { "Keys: j and k move, c confirms, r rejects, d disputes." }
            }
            table.records data-review=[review.then_some("yes")] {
                tr { th { "Record" } th { "Kind" } th { "Status" } th { "Label" } @if may_review { th { "Review" } } }
                @for r in &list {
                    tr.record {
                        td { a href={ "/records/" (r.id) } { (r.id) } }
                        td { (r.kind) @if let Some(s) = &r.subtype { " (" (s) ")" } }
                        td { (r.status) }
                        td { (r.label) }
                        @if may_review {
                            td { (actions(&r.id, &session.csrf)) }
                        }
                    }
                }
            }
        },
    ))
}

/// The review buttons of one record, each a form posting its action.
fn actions(id: &str, csrf: &str) -> Markup {
    html! {
        @for (action, label, key) in [("confirm", "Confirm", "c"), ("reject", "Reject", "r"), ("dispute", "Dispute", "d")] {
            form.action method="post" action={ "/records/" (id) "/" (action) } {
                input type="hidden" name="csrf" value=(csrf);
                button type="submit" data-key=(key) { (label) }
            }
        }
    }
}

async fn record(
    State(workspace): State<Arc<Workspace>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Markup, Refusal> {
    let (account, session, _) = signed_in(&workspace, &headers)?;
    let case = workspace.case_for(&account);
    let wanted = id.clone();
    let shown = blocking(move || Ok(case.snapshot()?.record(&wanted)?)).await?;
    let r = &shown.record;
    Ok(layout(
        &r.id,
        Some((&account, &session.csrf)),
        html! {
            h1 { (r.label) " " small { (r.id) ", " (r.kind.as_str()) } }
            p { "Status: " strong { (r.status.as_str()) } " (" (r.status_by.method) ")" }
            @if account.role >= Role::Documenter { (actions(&r.id, &session.csrf)) }
            @if !r.values.is_empty() {
                h2 { "Values" }
                dl { @for (k, v) in &r.values { dt { (k) } dd { (v.value) } } }
            }
            @if !r.links.is_empty() {
                h2 { "Links" }
                ul { @for l in &r.links { li { (l.role) ": " a href={ "/records/" (l.target) } { (l.target) } } } }
            }
            h2 { "Evidence" }
            @for e in &r.evidence {
                blockquote {
                    (e.quote)
                    footer { a href={ "/sources/" (e.source) } { "source #" (e.source) } ", document " (e.document) }
                }
            }
            h2 { "History" }
            ol { @for step in &r.history { li { (format!("{step:?}")) } } }
        },
    ))
}

async fn act(
    State(workspace): State<Arc<Workspace>>,
    headers: HeaderMap,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<Csrf>,
) -> Result<Response, Refusal> {
    let (account, session, _) = signed_in(&workspace, &headers)?;
    if !same_secret(&session.csrf, &form.csrf) {
        return Err(Refusal::Forbidden(
            "the form is stale or not from this workspace".into(),
        ));
    }
    act_as(&workspace, &account, &id, &action).await?;
    Ok(Redirect::to(&format!("/records/{id}")).into_response())
}

/// Does `action` on record `id` as `account`: its role must allow
/// reviewing, and a record of protected material needs clearance. The
/// action is logged and signed with the account's name.
pub(crate) async fn act_as(
    workspace: &Workspace,
    account: &Account,
    id: &str,
    action: &str,
) -> Result<casefile_app::ActionOutcome, Refusal> {
    need(account, Role::Documenter)?;
    let kind = match action {
        "confirm" => ActionKind::Confirm,
        "reject" => ActionKind::Reject,
        "dispute" => ActionKind::Dispute,
        other => {
            return Err(Refusal::NotFound(format!(
                "{other:?} is not an action: confirm, reject or dispute"
            )));
        }
    };
    let case = workspace.cleared.clone();
    let cleared = account.cleared;
    let by = account.name.clone();
    let record = casefile_app::record_id(id);
    let outcomes = blocking(move || {
        let snapshot = case.snapshot()?;
        if !cleared && snapshot.record_in_protected_layer(&record) {
            return Err(WebError::Case(casefile_app::Error::locked(
                "this record is drawn from protected material, which your account is not cleared for",
            )));
        }
        drop(snapshot);
        Ok(case.act(&[Action::on(kind, Some(record))], &by)?)
    })
    .await?;
    outcomes
        .into_iter()
        .next()
        .ok_or_else(|| Refusal::Failed("nothing was logged".into()))
}
