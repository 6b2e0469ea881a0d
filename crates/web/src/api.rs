//! The JSON API: the same operations as the pages, for scripts. It uses the
//! page session (the cookie) and, for every write, the session's CSRF token
//! in the `X-CSRF-Token` header; errors are RFC 9457 problem details
//! (`application/problem+json`). `/api/openapi.json` describes it (OpenAPI
//! 3.1).

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use casefile_app::types::{SearchQuery, What};
use serde::Deserialize;

use crate::pages::{Refusal, act_as, signed_in};
use crate::session::same_secret;
use crate::{WebError, Workspace, blocking};

pub(crate) fn routes() -> Router<Arc<Workspace>> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/session", get(session))
        .route("/sources", get(sources))
        .route("/sources/{index}/proof", get(proof))
        .route("/search", get(search))
        .route("/entities/{id}", get(entity))
        .route("/records", get(records))
        .route("/records/{id}", get(record))
        .route("/records/{id}/{action}", post(act))
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
        let (status, title, detail) = match self.0 {
            Refusal::SignIn => (
                StatusCode::UNAUTHORIZED,
                "Not signed in",
                "sign in first (POST /sign-in)".to_owned(),
            ),
            Refusal::Forbidden(m) => (StatusCode::FORBIDDEN, "Not allowed", m),
            Refusal::NotFound(m) => (StatusCode::NOT_FOUND, "Not found", m),
            Refusal::Bad(m) => (StatusCode::BAD_REQUEST, "Bad request", m),
            Refusal::Failed(m) => (StatusCode::INTERNAL_SERVER_ERROR, "Failed", m),
        };
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

type Answer = Result<Json<serde_json::Value>, Problem>;

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

/// Who is signed in, and the token their writes must carry.
async fn session(State(workspace): State<Arc<Workspace>>, headers: HeaderMap) -> Answer {
    let (account, session, _) = signed_in(&workspace, &headers)?;
    json(serde_json::json!({
        "account": account.name,
        "role": account.role,
        "cleared": account.cleared,
        "csrf": session.csrf,
    }))
}

#[derive(Deserialize)]
pub(crate) struct Paging {
    from: Option<u64>,
    limit: Option<usize>,
}

async fn sources(
    State(workspace): State<Arc<Workspace>>,
    headers: HeaderMap,
    Query(paging): Query<Paging>,
) -> Answer {
    let (account, _, _) = signed_in(&workspace, &headers)?;
    let case = workspace.case_for(&account);
    let cleared = account.cleared;
    let (from, limit) = (
        paging.from.unwrap_or(0),
        paging.limit.unwrap_or(100).min(1000),
    );
    let list = blocking(move || Ok(case.sources(from, limit)?)).await?;
    // An uncleared account sees that a protected source exists (its kind,
    // size and time, as the log shows anyone), nothing else of it.
    let list: Vec<serde_json::Value> = list
        .into_iter()
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

async fn proof(
    State(workspace): State<Arc<Workspace>>,
    headers: HeaderMap,
    Path(index): Path<u64>,
) -> Answer {
    let (account, _, _) = signed_in(&workspace, &headers)?;
    let case = workspace.case_for(&account);
    let proof = blocking(move || Ok(case.inclusion_proof(&index.to_string(), None)?)).await?;
    json(proof)
}

#[derive(Deserialize)]
pub(crate) struct Find {
    q: String,
    cross: Option<bool>,
    limit: Option<usize>,
}

async fn search(
    State(workspace): State<Arc<Workspace>>,
    headers: HeaderMap,
    Query(find): Query<Find>,
) -> Answer {
    let (account, _, _) = signed_in(&workspace, &headers)?;
    let case = workspace.case_for(&account);
    let results = blocking(move || {
        let query = SearchQuery {
            text: find.q,
            cross_script: find.cross.unwrap_or(true),
            what: What::Both,
            limit: find.limit.unwrap_or(50).min(500),
            ..SearchQuery::default()
        };
        Ok(case.snapshot()?.search(&query)?)
    })
    .await?;
    json(results)
}

async fn entity(
    State(workspace): State<Arc<Workspace>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Answer {
    let (account, _, _) = signed_in(&workspace, &headers)?;
    let case = workspace.case_for(&account);
    let id = id.trim_start_matches(['E', 'e']).to_owned();
    let shown = blocking(move || Ok(case.snapshot()?.entity(&id)?)).await?;
    json(shown)
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
) -> Answer {
    let (account, _, _) = signed_in(&workspace, &headers)?;
    let case = workspace.case_for(&account);
    let list = blocking(move || {
        Ok(case
            .snapshot()?
            .record_list(filter.kind.as_deref(), filter.status.as_deref())?)
    })
    .await?;
    json(list)
}

async fn record(
    State(workspace): State<Arc<Workspace>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Answer {
    let (account, _, _) = signed_in(&workspace, &headers)?;
    let case = workspace.case_for(&account);
    let shown = blocking(move || Ok(case.snapshot()?.record(&id)?)).await?;
    json(shown)
}

async fn act(
    State(workspace): State<Arc<Workspace>>,
    headers: HeaderMap,
    Path((id, action)): Path<(String, String)>,
) -> Answer {
    let (account, session, _) = signed_in(&workspace, &headers)?;
    let given = headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !same_secret(&session.csrf, given) {
        return Err(Problem(Refusal::Forbidden(
            "a write needs the session's CSRF token in the X-CSRF-Token header".into(),
        )));
    }
    let outcome = act_as(&workspace, &account, &id, &action).await?;
    json(outcome)
}
