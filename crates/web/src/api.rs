//! The JSON API: the same operations as the pages, for scripts. A script
//! signs in with an API token (`Authorization: Bearer cft_...`, made by
//! `casefile web-account token`); a page's script uses the session cookie
//! and, for every write, the session's CSRF token in the `X-CSRF-Token`
//! header. Errors are RFC 9457 problem details
//! (`application/problem+json`). `/api/openapi.json` describes it (OpenAPI
//! 3.1).

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Multipart, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use casefile_app::types::{SearchQuery, What};
use serde::Deserialize;

use crate::accounts::Role;
use crate::member::{Member, Refusal};
use crate::ops::{self, ActRequest, JudgeRequest, bare_entity};
use crate::{WebError, Workspace};

pub(crate) fn routes(max_upload: usize) -> Router<Arc<Workspace>> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/session", get(session))
        .route(
            "/sources",
            get(sources)
                .post(upload)
                .layer(DefaultBodyLimit::max(max_upload.saturating_add(64 * 1024))),
        )
        .route("/sources/{index}", get(source))
        .route("/sources/{index}/proof", get(proof))
        .route("/sources/{index}/original", get(original))
        .route("/search", get(search))
        .route("/entities", get(entities))
        .route("/entities/{id}", get(entity))
        .route("/entities/{id}/{judgement}", post(judge))
        .route("/records", get(records))
        .route("/records/{id}", get(record))
        .route("/records/{id}/{action}", post(act))
        .route("/report", get(report))
        .route("/timeline", get(timeline))
        .route("/audit", get(audit))
        .route("/members", get(members))
}

/// An RFC 9457 problem.
pub(crate) struct Problem(Refusal);

impl From<Refusal> for Problem {
    fn from(refusal: Refusal) -> Problem {
        Problem(refusal)
    }
}

impl From<WebError> for Problem {
    fn from(error: WebError) -> Problem {
        Problem(error.into())
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let (status, detail) = match &self.0 {
            Refusal::SignIn => (
                self.0.status().0,
                "sign in first: an API token (Authorization: Bearer), or the session of POST /sign-in",
            ),
            other => other.status(),
        };
        let title = status.canonical_reason().unwrap_or("Error");
        let body = serde_json::json!({
            "type": "about:blank",
            "title": title,
            "status": status.as_u16(),
            "detail": detail,
        });
        (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body.to_string(),
        )
            .into_response()
    }
}

/// A query string, refused as a problem when it does not decode.
pub(crate) struct Q<T>(T);

impl<T: serde::de::DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Q<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Q<T>, Problem> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(value)| Q(value))
            .map_err(|e| Problem(Refusal::Bad(e.body_text())))
    }
}

/// A path's parameters, refused as a problem when they do not decode.
pub(crate) struct P<T>(T);

impl<T: serde::de::DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for P<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<P<T>, Problem> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| P(value))
            .map_err(|e| Problem(Refusal::Bad(e.body_text())))
    }
}

type Answer = Result<Json<serde_json::Value>, Problem>;

/// The member, or the problem of why there is none.
type Who = Result<Member, Refusal>;

fn json(value: impl serde::Serialize) -> Answer {
    serde_json::to_value(value)
        .map(Json)
        .map_err(|e| Problem(Refusal::Failed(e.to_string())))
}

async fn openapi() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        include_str!("openapi.json"),
    )
}

/// The CSRF token a write of a session carries, from its header.
fn csrf_header(headers: &HeaderMap) -> &str {
    headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// A page's size: `default` when not given; more than `most` is refused.
fn limit(given: Option<usize>, default: usize, most: usize) -> Result<usize, Problem> {
    match given {
        Some(n) if n > most => Err(Problem(Refusal::Bad(format!(
            "limit is at most {most}; page on with from"
        )))),
        Some(n) => Ok(n),
        None => Ok(default),
    }
}

/// A date a query gives: absent is today; given, it must be one.
fn date(given: &Option<String>) -> Result<Option<&str>, Problem> {
    match given.as_deref() {
        Some("") => Err(Problem(Refusal::Bad(
            "as_of is a date (YYYY-MM-DD); leave it out for today".into(),
        ))),
        other => Ok(other),
    }
}

/// A JSON body, or the default when there is none.
fn body_or_default<T: serde::de::DeserializeOwned + Default>(body: &Bytes) -> Result<T, Problem> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(body).map_err(|e| {
        Problem(Refusal::Bad(format!(
            "the body is not the JSON asked for: {e}"
        )))
    })
}

/// Who is signed in, and the token their writes must carry.
async fn session(member: Who) -> Answer {
    let member = member?;
    json(serde_json::json!({
        "account": member.account.name,
        "role": member.account.role,
        "cleared": member.cleared(),
        "csrf": member.csrf,
        "token": member.session.is_none(),
    }))
}

#[derive(Deserialize)]
pub(crate) struct Paging {
    from: Option<u64>,
    limit: Option<usize>,
    kind: Option<String>,
}

async fn sources(
    State(workspace): State<Arc<Workspace>>,
    member: Who,
    Q(paging): Q<Paging>,
) -> Answer {
    let member = member?;
    let cleared = member.cleared();
    let (from, limit) = (paging.from.unwrap_or(0), limit(paging.limit, 100, 1000)?);
    let kind = paging.kind.filter(|k| !k.is_empty());
    let list = workspace
        .read(&member, move |case| Ok(case.sources(from, limit)?))
        .await?;
    // An uncleared account sees that a protected source exists (its kind,
    // size and time, as the log shows anyone), nothing else of it.
    let list: Vec<serde_json::Value> = list
        .into_iter()
        .filter(|s| kind.as_deref().is_none_or(|k| k == s.kind))
        .map(|s| {
            if s.sealed && !cleared {
                serde_json::json!({"index": s.index, "kind": s.kind, "added_at": s.added_at, "size": s.size, "sealed": true})
            } else {
                serde_json::to_value(&s).unwrap_or_default()
            }
        })
        .collect();
    json(list)
}

async fn upload(
    State(workspace): State<Arc<Workspace>>,
    member: Who,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Answer {
    let member = member?;
    member.may_write(csrf_header(&headers))?;
    let multipart = multipart.map_err(|e| Problem(Refusal::Bad(e.body_text())))?;
    let added = crate::pages::receive(&workspace, &member, multipart, false).await?;
    json(added)
}

async fn source(State(workspace): State<Arc<Workspace>>, member: Who, P(index): P<u64>) -> Answer {
    let member = member?;
    let cleared = member.cleared();
    let (line, pending, documents) = workspace
        .read(&member, move |case| {
            let line = crate::viewer::source_line(case, index, cleared)?;
            let snapshot = case.snapshot()?;
            let pending = crate::viewer::Pending::of(&snapshot, index)?;
            let mut documents = Vec::new();
            snapshot.documents(index, &mut |d, e| {
                documents.push(serde_json::json!({ "document": d, "extraction": e }));
            })?;
            Ok((line, pending, documents))
        })
        .await?;
    json(serde_json::json!({
        "source": line,
        "read": pending.read,
        "resolved": pending.resolved,
        "documents": documents,
    }))
}

async fn proof(State(workspace): State<Arc<Workspace>>, member: Who, P(index): P<u64>) -> Answer {
    let member = member?;
    let proof = workspace
        .read(&member, move |case| {
            Ok(case.inclusion_proof(&index.to_string(), None)?)
        })
        .await?;
    json(proof)
}

async fn original(
    State(workspace): State<Arc<Workspace>>,
    member: Who,
    P(index): P<u64>,
) -> Result<Response, Problem> {
    let member = member?;
    Ok(crate::viewer::original_download(&workspace, &member, index).await?)
}

#[derive(Deserialize)]
pub(crate) struct Find {
    q: String,
    cross: Option<bool>,
    limit: Option<usize>,
    kind: Option<String>,
    language: Option<String>,
    claim: Option<String>,
    status: Option<String>,
}

async fn search(State(workspace): State<Arc<Workspace>>, member: Who, Q(find): Q<Find>) -> Answer {
    let member = member?;
    let query = SearchQuery {
        text: find.q,
        cross_script: find.cross.unwrap_or(true),
        source_kind: find.kind,
        language: find.language,
        claim: find.claim,
        status: find.status,
        what: What::Both,
        limit: limit(find.limit, 50, 500)?,
        ..SearchQuery::default()
    };
    let results = workspace
        .read(&member, move |case| Ok(case.snapshot()?.search(&query)?))
        .await?;
    json(results)
}

#[derive(Deserialize)]
pub(crate) struct EntityFilter {
    kind: Option<String>,
    from: Option<usize>,
    limit: Option<usize>,
}

async fn entities(
    State(workspace): State<Arc<Workspace>>,
    member: Who,
    Q(filter): Q<EntityFilter>,
) -> Answer {
    let member = member?;
    let (from, limit) = (filter.from.unwrap_or(0), limit(filter.limit, 100, 1000)?);
    let list = workspace
        .read(&member, move |case| {
            Ok(case
                .snapshot()?
                .entity_list(filter.kind.as_deref().filter(|k| !k.is_empty()))?
                .into_iter()
                .skip(from)
                .take(limit)
                .collect::<Vec<_>>())
        })
        .await?;
    json(list)
}

async fn entity(State(workspace): State<Arc<Workspace>>, member: Who, P(id): P<String>) -> Answer {
    let member = member?;
    let id = bare_entity(&id);
    let shown = workspace
        .read(&member, move |case| Ok(case.snapshot()?.entity(&id)?))
        .await?;
    json(shown)
}

async fn judge(
    State(workspace): State<Arc<Workspace>>,
    member: Who,
    headers: HeaderMap,
    P((id, judgement)): P<(String, String)>,
    body: Bytes,
) -> Answer {
    let member = member?;
    member.may_write(csrf_header(&headers))?;
    let request: JudgeRequest = body_or_default(&body)?;
    json(ops::judge(&workspace, &member, &id, &judgement, request).await?)
}

#[derive(Deserialize)]
pub(crate) struct Filter {
    kind: Option<String>,
    status: Option<String>,
}

async fn records(
    State(workspace): State<Arc<Workspace>>,
    member: Who,
    Q(filter): Q<Filter>,
) -> Answer {
    let member = member?;
    let list = workspace
        .read(&member, move |case| {
            Ok(case
                .snapshot()?
                .record_list(filter.kind.as_deref(), filter.status.as_deref())?)
        })
        .await?;
    json(list)
}

async fn record(State(workspace): State<Arc<Workspace>>, member: Who, P(id): P<String>) -> Answer {
    let member = member?;
    let shown = workspace
        .read(&member, move |case| Ok(case.snapshot()?.record(&id)?))
        .await?;
    json(shown)
}

async fn act(
    State(workspace): State<Arc<Workspace>>,
    member: Who,
    headers: HeaderMap,
    P((id, action)): P<(String, String)>,
    body: Bytes,
) -> Answer {
    let member = member?;
    member.may_write(csrf_header(&headers))?;
    let request: ActRequest = body_or_default(&body)?;
    json(ops::act(&workspace, &member, &id, &action, request).await?)
}

#[derive(Deserialize)]
pub(crate) struct AsOf {
    as_of: Option<String>,
}

async fn report(State(workspace): State<Arc<Workspace>>, member: Who, Q(as_of): Q<AsOf>) -> Answer {
    let member = member?;
    json(&*crate::pages::build_report(&workspace, &member, date(&as_of.as_of)?).await?)
}

async fn timeline(
    State(workspace): State<Arc<Workspace>>,
    member: Who,
    Q(as_of): Q<AsOf>,
) -> Answer {
    let member = member?;
    let report = crate::pages::build_report(&workspace, &member, date(&as_of.as_of)?).await?;
    json(&report.timeline)
}

async fn audit(
    State(workspace): State<Arc<Workspace>>,
    member: Who,
    Q(paging): Q<Paging>,
) -> Answer {
    let member = member?;
    let (from, limit) = (paging.from.unwrap_or(0), limit(paging.limit, 200, 4096)?);
    let lines = workspace
        .read(&member, move |case| Ok(case.log_lines(from, limit)?))
        .await?;
    json(lines)
}

async fn members(State(workspace): State<Arc<Workspace>>, member: Who) -> Answer {
    let member = member?;
    member.need(Role::Admin)?;
    let accounts = workspace.accounts()?;
    json(
        accounts
            .list()
            .iter()
            .map(|a| {
                serde_json::json!({
                    "name": a.name, "role": a.role, "cleared": a.cleared,
                    "second_factor": a.totp.is_some(), "tokens": a.tokens.len(),
                    "created_at": a.created_at,
                })
            })
            .collect::<Vec<_>>(),
    )
}
