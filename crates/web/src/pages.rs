//! The pages: sign-in, dashboard, sources and upload, search, records and
//! their review, the report and the timeline, the audit trail and the
//! members. Server-rendered (maud escapes every value), usable without
//! script; `/static/app.js` adds keyboard review and upload progress.

use std::sync::Arc;

use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Form, Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use casefile_app::types::{SearchQuery, What};
use maud::{DOCTYPE, Markup, html};
use serde::Deserialize;

use crate::Workspace;
use crate::accounts::{Account, Role};
use crate::member::{Member, Refusal};
use crate::ops::{self, ActRequest, UploadFields};
use crate::session::{COOKIE, cookie, same_secret, token};

/// The cookie that carries the sign-in form's token (against login CSRF).
const SIGN_IN_COOKIE: &str = "casefile_sign_in";

pub(crate) fn routes(max_upload: usize) -> Router<Arc<Workspace>> {
    Router::new()
        .route("/sign-in", get(sign_in_page).post(sign_in))
        .route("/sign-out", post(sign_out))
        .route("/", get(dashboard))
        .route(
            "/sources",
            get(sources)
                .post(upload)
                // The form's other fields and the multipart framing.
                .layer(DefaultBodyLimit::max(max_upload.saturating_add(64 * 1024))),
        )
        .route("/search", get(search))
        .route("/records", get(records))
        .route("/records/{id}", get(record))
        .route("/records/{id}/{action}", post(act))
        .route("/report", get(report))
        .route("/timeline", get(timeline))
        .route("/audit", get(audit))
        .route("/members", get(members).post(members_change))
        .route("/static/style.css", get(style))
        .route("/static/app.js", get(script))
}

/// The page around `body`, with the navigation for a signed-in member.
pub(crate) fn layout(title: &str, who: Option<&Member>, body: Markup) -> Markup {
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
                @if let Some(member) = who {
                    nav {
                        a href="/" { "Dashboard" }
                        a href="/sources" { "Sources" }
                        a href="/entities" { "Entities" }
                        a href="/search" { "Search" }
                        a href="/records?status=proposed" { "Review" }
                        a href="/records" { "Records" }
                        a href="/report" { "Report" }
                        a href="/timeline" { "Timeline" }
                        a href="/audit" { "Audit trail" }
                        @if member.account.role >= Role::Admin { a href="/members" { "Members" } }
                        span.who { (member.account.name) " (" (member.account.role.as_str())
                            @if member.cleared() { ", cleared" } ")" }
                        form method="post" action="/sign-out" {
                            input type="hidden" name="csrf" value=(member.csrf);
                            button type="submit" { "Sign out" }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

/// The hidden field every form that writes carries.
pub(crate) fn csrf_field(member: &Member) -> Markup {
    html! { input type="hidden" name="csrf" value=(member.csrf); }
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

async fn sign_in_page(State(workspace): State<Arc<Workspace>>) -> Response {
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
        [(
            header::SET_COOKIE,
            workspace.cookie(SIGN_IN_COOKIE, &form_token),
        )],
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
    for value in [
        workspace.cookie(COOKIE, &session),
        workspace.cookie(SIGN_IN_COOKIE, ""),
    ] {
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
        return if workspace.settings.require_totp {
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
    member: Member,
    Form(form): Form<Csrf>,
) -> Result<Response, Refusal> {
    member.may_write(&form.csrf)?;
    if let Some(token) = &member.session {
        workspace.sessions.end(token);
    }
    Ok((
        [(header::SET_COOKIE, workspace.cookie(COOKIE, ""))],
        Redirect::to("/sign-in"),
    )
        .into_response())
}

async fn dashboard(
    State(workspace): State<Arc<Workspace>>,
    member: Member,
) -> Result<Markup, Refusal> {
    let (totals, size, recent, waiting, actions) = workspace
        .read(&member, move |case| {
            let snapshot = case.snapshot()?;
            let totals = snapshot.totals()?;
            let (size, _) = case.latest_checkpoint()?;
            let recent = case.sources(size.saturating_sub(40), 40)?;
            let waiting = snapshot.record_list(None, Some("proposed"))?.len();
            let actions = case.log_lines(size.saturating_sub(10), 10)?;
            Ok((totals, size, recent, waiting, actions))
        })
        .await?;
    Ok(layout(
        "Dashboard",
        Some(&member),
        html! {
            h1 { "The case" }
            ul.facts {
                li { (totals.sources) " sources read, " (totals.documents) " documents"
                    @if totals.acquisitions > 0 { ", and " (totals.acquisitions) " further acquisitions of sources already held" } }
                li { (totals.sealed_sources) " protected sources" @if !member.cleared() { " (not shown: your account is not cleared for protected material)" } }
                li { a href="/records?status=proposed" { (waiting) " proposals wait for review" } }
                li { "Latest checkpoint: the log of " (size) " entries (" a href="/audit" { "audit trail" } ")" }
            }
            h2 { "Recent sources" }
            (source_table(&member, recent.iter().rev()))
            h2 { "Recent actions" }
            (log_table(actions.iter().rev()))
        },
    ))
}

fn source_table<'a>(
    member: &Member,
    sources: impl Iterator<Item = &'a casefile_app::sources::SourceLine>,
) -> Markup {
    html! {
        table.sources {
            tr { th { "#" } th { "Kind" } th { "Name" } th { "Logged" } th { "By" } }
            @for s in sources {
                tr {
                    td { (s.index) }
                    td { (s.kind) }
                    td {
                        @if s.sealed && !member.cleared() {
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

fn log_table<'a>(lines: impl Iterator<Item = &'a casefile_app::sources::LogLine>) -> Markup {
    html! {
        table.log {
            tr { th { "Entry" } th { "Kind" } th { "What" } th { "By" } th { "When" } th { "Checkpoint" } }
            @for l in lines {
                tr {
                    td { (l.index) }
                    td { (l.kind) @if l.sealed { " (sealed)" } }
                    td { (l.note.clone().or_else(|| l.name.clone()).unwrap_or_default()) }
                    td { (l.by) }
                    td { (l.added_at) }
                    td { @match l.checkpoint { Some(size) => { "size " (size) }, None => { "not yet" } } }
                }
            }
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct SourceFilter {
    from: Option<u64>,
    kind: Option<String>,
}

/// Sources listed a page at a time.
const SOURCE_PAGE: usize = 200;

async fn sources(
    State(workspace): State<Arc<Workspace>>,
    member: Member,
    Query(filter): Query<SourceFilter>,
) -> Result<Markup, Refusal> {
    let from = filter.from.unwrap_or(0);
    let wanted = filter.kind.clone().filter(|k| !k.is_empty());
    let want = wanted.clone();
    let (list, next, facets) = workspace
        .read(&member, move |case| {
            // A page of the chosen kind: read on through the log until it
            // is full; the facets count the kinds of what was read.
            let mut list = Vec::new();
            let mut facets: std::collections::BTreeMap<String, u64> = Default::default();
            let (size, _) = case.latest_checkpoint()?;
            let mut at = from;
            while list.len() < SOURCE_PAGE && at < size {
                // `sources` reads this many log entries (curation left out).
                let start = at;
                at = start.saturating_add(4096).min(size);
                for s in case.sources(start, 4096)? {
                    *facets.entry(s.kind.clone()).or_default() += 1;
                    if list.len() < SOURCE_PAGE && want.as_deref().is_none_or(|k| k == s.kind) {
                        list.push(s);
                        if list.len() == SOURCE_PAGE {
                            at = list[SOURCE_PAGE - 1].index + 1;
                        }
                    }
                }
            }
            let next = (at < size).then_some(at);
            Ok((list, next, facets))
        })
        .await?;
    let may_add = member.account.role >= Role::Documenter;
    Ok(layout(
        "Sources",
        Some(&member),
        html! {
            h1 { "Sources" }
            @if may_add { (upload_form(&member)) }
            p.facets {
                "Kind (of the sources read for this page): "
                a href="/sources" { "all" }
                @for (kind, n) in &facets {
                    " · " a href={ "/sources?kind=" (kind) } { (kind) } " (" (n) ")"
                }
            }
            (source_table(&member, list.iter()))
            @if let Some(next) = next {
                p { a href={ "/sources?from=" (next) @if let Some(k) = &wanted { "&kind=" (k) } } { "More" } }
            }
        },
    ))
}

fn upload_form(member: &Member) -> Markup {
    html! {
        form.upload method="post" action="/sources" enctype="multipart/form-data" {
            (csrf_field(member))
            fieldset {
                legend { "Add files" }
                label { "Files " input type="file" name="file" multiple; }
                label { "or a folder " input type="file" name="folder" webkitdirectory; }
                label { "Kind "
                    select name="kind" {
                        @for kind in ops::kinds() { option value=(kind) selected[kind == "news"] { (kind) } }
                    }
                }
                label { "Found at (URL) " input name="url" type="url"; }
                label { "Collected " input name="acquired_at" placeholder="2024-05-03 or 2024-05"; }
                label { "Note " input name="note"; }
                button type="submit" { "Add" }
                progress hidden max="100" value="0" {}
                output {}
            }
        }
    }
}

/// An upload: the form's fields, then its files, each added as it
/// arrives (one entry and one checkpoint per file).
async fn upload(
    State(workspace): State<Arc<Workspace>>,
    member: Member,
    headers: HeaderMap,
    multipart: Multipart,
) -> Result<Response, Refusal> {
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    let added = receive(&workspace, &member, multipart, true).await?;
    if wants_json {
        return Ok(axum::Json(&added).into_response());
    }
    Ok(layout(
        "Added",
        Some(&member),
        html! {
            h1 { "Added" }
            table {
                tr { th { "#" } th { "Name" } th { "Size" } th { "SHA-256" } th { "" } }
                @for a in &added {
                    tr {
                        td { a href={ "/sources/" (a.index) } { (a.index) } }
                        td { (a.name) }
                        td { (a.size) }
                        td.hash { (a.sha256) }
                        td { @if let Some(same) = a.same_as { "the bytes of source #" (same) ", again" } }
                    }
                }
            }
            p { a href="/sources" { "Back to the sources" } }
        },
    )
    .into_response())
}

/// Reads an upload's fields and adds each file; with `form`, the session's
/// CSRF token must come as a field before the files.
pub(crate) async fn receive(
    workspace: &Workspace,
    member: &Member,
    mut multipart: Multipart,
    form: bool,
) -> Result<Vec<ops::Uploaded>, Refusal> {
    member.need(Role::Documenter)?;
    let mut fields = UploadFields::default();
    let mut csrf = String::new();
    // Every part is read before anything is added: a field after the
    // files still applies to them, and a wrong one adds nothing.
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let max = workspace.settings.max_upload;
    let bad = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Refusal::TooLarge(format!("a file of an upload has at most {max} bytes"))
        } else {
            Refusal::Bad(format!("the upload did not arrive whole: {e}"))
        }
    };
    while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        if file_name.is_none() && matches!(name.as_str(), "file" | "folder") {
            return Err(Refusal::Bad(format!(
                "the {name} part is not a file: it needs a file name \
                 (Content-Disposition: form-data; name=\"file\"; filename=\"...\")"
            )));
        }
        if let Some(file_name) = file_name {
            if file_name.is_empty() {
                continue; // an empty file input
            }
            // The form's token comes first: a forged upload is refused
            // before its files are read.
            if form {
                member.may_write(&csrf)?;
            }
            ops::upload_name(&file_name)?;
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(bad)? {
                if bytes.len() + chunk.len() > max {
                    return Err(Refusal::TooLarge(format!(
                        "{file_name} is larger than the {max} bytes one upload takes; add it \
                         with `casefile add` on the case's machine"
                    )));
                }
                bytes.extend_from_slice(&chunk);
            }
            files.push((file_name, bytes));
            continue;
        }
        if !form && !seen.insert(name.clone()) {
            return Err(Refusal::Bad(format!("{name:?} is given twice")));
        }
        let text = field.text().await.map_err(bad)?;
        // A script that sends a field gives it a value (a form leaves the
        // ones not filled in empty).
        if !form && text.is_empty() && matches!(name.as_str(), "kind" | "url" | "acquired_at") {
            return Err(Refusal::Bad(format!(
                "{name} is empty: leave it out, or give it"
            )));
        }
        match name.as_str() {
            "csrf" => csrf = text,
            "kind" => fields.kind = Some(text),
            "url" => fields.url = Some(text),
            "acquired_at" => fields.acquired_at = Some(text),
            "note" => fields.note = Some(text),
            // A form may carry more; a script's upload says only what
            // the API describes.
            _ if form => {}
            other => {
                return Err(Refusal::Bad(format!(
                    "{other:?} is not a field of an upload: kind, url, acquired_at, note, file"
                )));
            }
        }
    }
    if form {
        member.may_write(&csrf)?;
    }
    if files.is_empty() {
        return Err(Refusal::Bad("the upload holds no file".into()));
    }
    ops::kind_of(&fields)?;
    let mut added = Vec::new();
    for (name, bytes) in files {
        added.push(ops::upload(workspace, member, &name, bytes, fields.clone()).await?);
    }
    // A person at the form is answered once the files are read and the
    // case resolved with them, so the page the answer links to is whole;
    // a script (the API) is answered as soon as they are logged.
    if form && let Some(last) = added.last() {
        workspace.deriver.through(last.tree_size, FORM_WAIT).await;
    }
    Ok(added)
}

/// How long the upload form waits for its files to be read before it
/// answers anyway (their pages then say they are still being read).
const FORM_WAIT: std::time::Duration = std::time::Duration::from_secs(120);

#[derive(Deserialize)]
pub(crate) struct Find {
    q: Option<String>,
    cross: Option<String>,
    kind: Option<String>,
    language: Option<String>,
    claim: Option<String>,
    status: Option<String>,
}

async fn search(
    State(workspace): State<Arc<Workspace>>,
    member: Member,
    Query(find): Query<Find>,
) -> Result<Markup, Refusal> {
    let text = find.q.clone().unwrap_or_default();
    // The switch is on unless the form says off (a bare /search is on).
    let cross = find.cross.as_deref() != Some("off");
    let pick = |v: &Option<String>| v.clone().filter(|v| !v.is_empty());
    let query = SearchQuery {
        text: text.clone(),
        cross_script: cross,
        source_kind: pick(&find.kind),
        language: pick(&find.language),
        claim: pick(&find.claim),
        status: pick(&find.status),
        what: What::Both,
        limit: 50,
        ..SearchQuery::default()
    };
    let results = if text.trim().is_empty() {
        None
    } else {
        Some(
            workspace
                .read(&member, move |case| Ok(case.snapshot()?.search(&query)?))
                .await?,
        )
    };
    // A facet's link: this search with one filter more.
    let base = format!(
        "/search?q={}&cross={}",
        encode(&text),
        if cross { "on" } else { "off" }
    );
    let with = |key: &str, value: &str| {
        let mut link = base.clone();
        for (k, v) in [
            ("kind", &find.kind),
            ("language", &find.language),
            ("claim", &find.claim),
            ("status", &find.status),
        ] {
            if k != key
                && let Some(v) = v.as_deref().filter(|v| !v.is_empty())
            {
                link.push_str(&format!("&{k}={}", encode(v)));
            }
        }
        if !value.is_empty() {
            link.push_str(&format!("&{key}={}", encode(value)));
        }
        link
    };
    Ok(layout(
        "Search",
        Some(&member),
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
                @if let Some(notice) = &results.notice { p.notice { (notice) } }
                p.count { (results.total) " found" }
                div.facets {
                    @for (key, title, counts) in [
                        ("kind", "Source kind", &results.facets.source_kind),
                        ("language", "Language", &results.facets.language),
                        ("claim", "Claim", &results.facets.claim),
                        ("status", "Record status", &results.facets.status),
                    ] {
                        @if !counts.is_empty() {
                            p {
                                (title) ": "
                                a href=(with(key, "")) { "any" }
                                @for (value, n) in counts {
                                    " · " a href=(with(key, value)) { (value) } " (" (n) ")"
                                }
                            }
                        }
                    }
                }
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

/// `text` encoded for a URL's query.
pub(crate) fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[derive(Deserialize)]
pub(crate) struct Filter {
    kind: Option<String>,
    status: Option<String>,
}

async fn records(
    State(workspace): State<Arc<Workspace>>,
    member: Member,
    Query(filter): Query<Filter>,
) -> Result<Markup, Refusal> {
    let (kind, status) = (filter.kind.clone(), filter.status.clone());
    let list = workspace
        .read(&member, move |case| {
            Ok(case
                .snapshot()?
                .record_list(kind.as_deref(), status.as_deref())?)
        })
        .await?;
    let review = filter.status.as_deref() == Some("proposed");
    let may_review = member.account.role >= Role::Documenter;
    Ok(layout(
        if review { "Review" } else { "Records" },
        Some(&member),
        html! {
            h1 { @if review { "Proposals to review" } @else { "Records" } }
            p.facets {
                "Status: " a href="/records" { "all" }
                @for s in ["proposed", "confirmed", "rejected", "disputed", "merged"] {
                    " · " a href={ "/records?status=" (s) } { (s) }
                }
            }
            @if review && may_review {
                p.help { "Keys: j and k move, c confirms, r rejects, d disputes, e edits the label, m merges into another record." }
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
                            td { (actions(&r.id, &r.label, &member)) }
                        }
                    }
                }
            }
        },
    ))
}

/// The review controls of one record, each a form posting its action.
fn actions(id: &str, label: &str, member: &Member) -> Markup {
    html! {
        @for (action, title, key) in [("confirm", "Confirm", "c"), ("reject", "Reject", "r"), ("dispute", "Dispute", "d")] {
            form.action method="post" action={ "/records/" (id) "/" (action) } {
                (csrf_field(member))
                button type="submit" data-key=(key) { (title) }
            }
        }
        form.action.edit method="post" action={ "/records/" (id) "/edit" } {
            (csrf_field(member))
            input name="label" value=(label) aria-label="New label" data-key="e";
            button type="submit" { "Edit" }
        }
        form.action.merge method="post" action={ "/records/" (id) "/merge" } {
            (csrf_field(member))
            input name="into" placeholder="merge into…" aria-label="The record to merge into" data-key="m";
            button type="submit" { "Merge" }
        }
    }
}

async fn record(
    State(workspace): State<Arc<Workspace>>,
    member: Member,
    Path(id): Path<String>,
) -> Result<Markup, Refusal> {
    let wanted = id.clone();
    let shown = workspace
        .read(&member, move |case| Ok(case.snapshot()?.record(&wanted)?))
        .await?;
    let r = &shown.record;
    Ok(layout(
        &r.id,
        Some(&member),
        html! {
            h1 { (r.label) " " small { (r.id) ", " (r.kind.as_str()) } }
            p { "Status: " strong { (r.status.as_str()) } " (" (r.status_by.method) ")" }
            @if member.account.role >= Role::Documenter { div.review { (actions(&r.id, &r.label, &member)) } }
            @if !r.values.is_empty() {
                h2 { "Values" }
                dl { @for (k, v) in &r.values { dt { (k) } dd { (v.value) " " small { "(" (v.by.method) ")" } } } }
            }
            @if !r.links.is_empty() {
                h2 { "Links" }
                ul { @for l in &r.links { li { (l.role) ": " a href=(target_href(&l.target)) { (l.target) } } } }
            }
            h2 { "Evidence" }
            @for e in &r.evidence {
                blockquote {
                    (e.quote)
                    footer {
                        a href={ "/sources/" (e.source) "?doc=" (e.document) "&field=" (e.field) "&start=" (e.start) "&end=" (e.end) "#cited" } {
                            "source #" (e.source) ", document " (e.document)
                        }
                    }
                }
            }
            h2 { "History" }
            @if r.history.is_empty() { p { "Proposed by the machine; no one has acted on it." } }
            ol {
                @for step in &r.history {
                    li {
                        (step.action) " by " (step.by.method.trim_start_matches("person:"))
                        @if let Some(at) = &step.by.at { " at " (at) }
                        " (log entry " (step.by.entry) ")"
                        @if let Some(with) = &step.with { ", with " a href={ "/records/" (with) } { (with) } }
                        @if let Some(note) = &step.note { ": " q { (note) } }
                    }
                }
            }
        },
    ))
}

/// Where a link's target is shown: an entity's page or a record's.
pub(crate) fn target_href(target: &str) -> String {
    if casefile_app::is_entity_ref(target) {
        format!("/entities/{target}")
    } else {
        format!("/records/{target}")
    }
}

#[derive(Deserialize)]
pub(crate) struct ActForm {
    csrf: String,
    #[serde(flatten)]
    request: ActRequest,
}

async fn act(
    State(workspace): State<Arc<Workspace>>,
    member: Member,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<ActForm>,
) -> Result<Response, Refusal> {
    member.may_write(&form.csrf)?;
    let outcome = ops::act(&workspace, &member, &id, &action, form.request).await?;
    let shown = outcome.record.as_ref().map_or(id, |r| r.id.clone());
    Ok(Redirect::to(&format!("/records/{shown}")).into_response())
}

#[derive(Deserialize)]
pub(crate) struct AsOf {
    /// The report's date (`YYYY-MM-DD`); today when not given.
    as_of: Option<String>,
}

/// The report as of a date, built for this member: protected sources
/// only for a cleared one (for internal analysis, as consent allows).
pub(crate) async fn build_report(
    workspace: &Workspace,
    member: &Member,
    as_of: Option<&str>,
) -> Result<Arc<casefile_app::types::Report>, Refusal> {
    let date = match as_of.filter(|d| !d.is_empty()) {
        Some(text) => text
            .parse::<jiff::civil::Date>()
            .map_err(|e| Refusal::Bad(format!("{text:?} is not a date (YYYY-MM-DD): {e}")))?,
        None => jiff::ZonedDateTime::now().date(),
    };
    let cleared = member.cleared();
    let reports = workspace.reports.clone();
    workspace
        .read(member, move |case| {
            reports.report(&case.snapshot()?, date, cleared)
        })
        .await
}

fn cite_link(c: &casefile_app::render::Citation) -> Markup {
    html! {
        li.cite {
            q { (c.quote) }
            " "
            a href={ "/sources/" (c.source) "?doc=" (c.document) "&field=" (c.field) "&start=" (c.start) "&end=" (c.end) "#cited" } {
                "source #" (c.source) ", document " (c.document)
            }
            " · " a href={ "/records/" (c.record) } { (c.record) } " (" (c.status) ")"
        }
    }
}

async fn report(
    State(workspace): State<Arc<Workspace>>,
    member: Member,
    Query(as_of): Query<AsOf>,
) -> Result<Markup, Refusal> {
    let report = build_report(&workspace, &member, as_of.as_of.as_deref()).await?;
    let lines = casefile_app::render::outline(&report, "Case report", &|_| None);
    Ok(layout(
        "Report",
        Some(&member),
        html! {
            form method="get" action="/report" {
                label { "As of " input type="date" name="as_of" value=(report.as_of); }
                button type="submit" { "Show" }
                " " a href="/timeline" { "The timeline alone" }
            }
            @for line in &lines {
                @match line {
                    casefile_app::render::Line::Title(t) => { h1 { (t) } }
                    casefile_app::render::Line::Meta(m) => { p.meta { (m) } }
                    casefile_app::render::Line::Heading(h) => { h2 { (h) } }
                    casefile_app::render::Line::Empty => { p { "None." } }
                    casefile_app::render::Line::Item(i) => { p.item { (i) } }
                    casefile_app::render::Line::Cite { at, quote } => { p.cite { q { (quote) } " " small { (at) } } }
                    casefile_app::render::Line::Row(cells) => {
                        p.row { a href={ "/entities/" (cells[0]) } { (cells[0]) } " " (cells[2]) " (" (cells[1]) "), " (cells[3]) " mentions in " (cells[4]) " sources" }
                    }
                }
            }
        },
    ))
}

async fn timeline(
    State(workspace): State<Arc<Workspace>>,
    member: Member,
    Query(as_of): Query<AsOf>,
) -> Result<Markup, Refusal> {
    let report = build_report(&workspace, &member, as_of.as_of.as_deref()).await?;
    Ok(layout(
        "Timeline",
        Some(&member),
        html! {
            h1 { "Timeline" }
            p.meta { "As of " (report.as_of) ". "
                @if report.protected_included { "Protected sources included, as consent allows." }
                @else { "Protected sources not included." } }
            @if report.timeline.is_empty() { p { "No dated events yet." } }
            ol.timeline {
                @for e in &report.timeline {
                    li {
                        time datetime=(e.earliest) { (e.when) }
                        @if e.uncertain { " " small { "(" (e.earliest) " to " (e.latest) ")" } }
                        " " strong { (e.kind.replace('_', " ")) } " "
                        q { (e.written) }
                        ul { (cite_link(&e.citation)) @for c in &e.also { (cite_link(c)) } }
                    }
                }
            }
        },
    ))
}

#[derive(Deserialize)]
pub(crate) struct Paging {
    from: Option<u64>,
}

/// Log entries listed a page at a time.
const LOG_PAGE: usize = 200;

async fn audit(
    State(workspace): State<Arc<Workspace>>,
    member: Member,
    Query(paging): Query<Paging>,
) -> Result<Markup, Refusal> {
    let (lines, size) = workspace
        .read(&member, move |case| {
            let (size, _) = case.latest_checkpoint()?;
            // The newest first: from the end unless a page is asked for.
            let from = paging
                .from
                .unwrap_or_else(|| size.saturating_sub(LOG_PAGE as u64));
            Ok((case.log_lines(from, LOG_PAGE)?, size))
        })
        .await?;
    let first = lines.first().map_or(0, |l| l.index);
    Ok(layout(
        "Audit trail",
        Some(&member),
        html! {
            h1 { "Audit trail" }
            p { "Every entry of the case's log: what came in, every judgement and review, who signed it and when, and the first signed checkpoint that covers it. The log holds " (size) " entries." }
            (log_table(lines.iter().rev()))
            @if first > 0 {
                p { a href={ "/audit?from=" (first.saturating_sub(LOG_PAGE as u64)) } { "Earlier entries" } }
            }
        },
    ))
}

async fn members(
    State(workspace): State<Arc<Workspace>>,
    member: Member,
) -> Result<Markup, Refusal> {
    member.need(Role::Admin)?;
    let accounts = workspace.accounts()?;
    Ok(layout(
        "Members",
        Some(&member),
        html! {
            h1 { "Members and roles" }
            p.help { "viewer reads; documenter also adds sources, reviews records and judges entities; lawyer also makes exports and bundles; admin also manages accounts. Clearance for protected material is apart from the role." }
            table.members {
                tr { th { "Account" } th { "Role" } th { "Cleared" } th { "Second factor" } th { "API tokens" } th { "Since" } th { "" } }
                @for a in accounts.list() {
                    tr {
                        td { (a.name) }
                        td { (a.role.as_str()) }
                        td { @if a.cleared { "yes" } @else { "no" } }
                        td { @if a.totp.is_some() { "yes" } @else { "no" } }
                        td { (a.tokens.len()) }
                        td { (a.created_at) }
                        td {
                            @if a.name != member.account.name {
                                form.action method="post" action="/members" {
                                    (csrf_field(&member))
                                    input type="hidden" name="remove" value=(a.name);
                                    button type="submit" { "Remove" }
                                }
                            }
                        }
                    }
                }
            }
            h2 { "Add a member" }
            form method="post" action="/members" {
                (csrf_field(&member))
                label { "Account " input name="name" required; }
                label { "Role "
                    select name="role" { @for r in Role::ALL { option value=(r.as_str()) { (r.as_str()) } } }
                }
                label { "Cleared for protected material " input type="checkbox" name="cleared" value="yes"; }
                label { "First password (at least 12 characters) " input type="password" name="password" autocomplete="new-password"; }
                button type="submit" { "Add" }
            }
            p.help { "Second factors and API tokens are given on the case's machine: casefile web-account totp NAME, casefile web-account token NAME." }
        },
    ))
}

#[derive(Deserialize)]
pub(crate) struct MembersChange {
    csrf: String,
    remove: Option<String>,
    name: Option<String>,
    role: Option<String>,
    cleared: Option<String>,
    password: Option<String>,
}

async fn members_change(
    State(workspace): State<Arc<Workspace>>,
    member: Member,
    Form(form): Form<MembersChange>,
) -> Result<Response, Refusal> {
    member.need(Role::Admin)?;
    member.may_write(&form.csrf)?;
    let mut accounts = workspace.accounts()?;
    if let Some(name) = form.remove.as_deref() {
        if name == member.account.name {
            return Err(Refusal::Bad(
                "an admin does not remove their own account here".into(),
            ));
        }
        accounts.remove(name)?;
    } else {
        let role = Role::parse(form.role.as_deref().unwrap_or("viewer"))?;
        accounts.add(
            form.name.as_deref().unwrap_or_default(),
            role,
            form.cleared.is_some(),
            form.password.as_deref().unwrap_or_default(),
        )?;
    }
    Ok(Redirect::to("/members").into_response())
}
