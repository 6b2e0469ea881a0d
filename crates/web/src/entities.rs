//! The entities: the list, and one entity's page (its names, its mentions
//! in context, its relations over time, the records that link it, the
//! judgements that placed its mentions), with merge, split and not-same.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{Markup, html};
use serde::Deserialize;

use crate::Workspace;
use crate::accounts::Role;
use crate::member::{Member, Refusal};
use crate::ops::{self, JudgeRequest, bare_entity};
use crate::pages::{csrf_field, layout, target_href};

pub(crate) fn routes() -> Router<Arc<Workspace>> {
    Router::new()
        .route("/entities", get(list))
        .route("/entities/{id}", get(entity))
        .route("/entities/{id}/{judgement}", post(judge))
}

/// Entities listed a page at a time.
const ENTITY_PAGE: usize = 300;
/// Mentions shown in context a page at a time.
const MENTION_PAGE: usize = 100;
/// Relations read in full (their dates) for one page: an entity with
/// thousands of relations is shown a page at a time, each page made in
/// the same time.
const RELATION_PAGE: usize = 100;

#[derive(Deserialize)]
pub(crate) struct ListQuery {
    kind: Option<String>,
    from: Option<usize>,
}

async fn list(
    State(workspace): State<Arc<Workspace>>,
    member: Member,
    Query(query): Query<ListQuery>,
) -> Result<Markup, Refusal> {
    let kind = query.kind.clone().filter(|k| !k.is_empty());
    let from = query.from.unwrap_or(0);
    let wanted = kind.clone();
    let (page, total) = workspace
        .read(&member, move |case| {
            let all = case.snapshot()?.entity_list(wanted.as_deref())?;
            let total = all.len();
            Ok((
                all.into_iter()
                    .skip(from)
                    .take(ENTITY_PAGE)
                    .collect::<Vec<_>>(),
                total,
            ))
        })
        .await?;
    let kind_query = kind
        .as_deref()
        .map(|k| format!("&kind={k}"))
        .unwrap_or_default();
    Ok(layout(
        "Entities",
        Some(&member),
        html! {
            h1 { "People, organizations and places" }
            p.facets {
                "Kind: " a href="/entities" { "all" }
                @for k in ["person", "organization", "place"] { " · " a href={ "/entities?kind=" (k) } { (k) } }
            }
            p { (total) " entities, those with the most mentions first." }
            table.entities {
                tr { th { "Entity" } th { "Kind" } th { "Name" } th { "Mentions" } th { "Sources" } }
                @for e in &page {
                    tr {
                        td { a href={ "/entities/" (e.id) } { "E" (e.id) } }
                        td { (e.kind) }
                        td { (e.name) }
                        td { (e.mentions) }
                        td { (e.sources) }
                    }
                }
            }
            @if from + ENTITY_PAGE < total {
                p { a href={ "/entities?from=" (from + ENTITY_PAGE) (kind_query) } { "More" } }
            }
        },
    ))
}

#[derive(Deserialize)]
pub(crate) struct EntityQuery {
    /// The first mention shown (from 0).
    from: Option<usize>,
    /// The first relation shown (from 0, in record id order).
    relations: Option<usize>,
}

/// One relation of the entity, dated.
struct Relation {
    id: String,
    kind: String,
    status: String,
    other: Option<String>,
    since: Option<String>,
    until: Option<String>,
    label: String,
}

/// A mention in its sentence: before, the words, after.
struct InContext {
    number: usize,
    source: u64,
    document: u64,
    field: String,
    start: usize,
    end: usize,
    before: String,
    text: String,
    after: String,
    judged: bool,
}

/// Characters of context shown each side of a mention.
const CONTEXT: usize = 80;

async fn entity(
    State(workspace): State<Arc<Workspace>>,
    member: Member,
    Path(id): Path<String>,
    Query(query): Query<EntityQuery>,
) -> Result<Markup, Refusal> {
    let id = bare_entity(&id);
    let from = query.from.unwrap_or(0);
    let relations_from = query.relations.unwrap_or(0);
    let (shown, contexts, relations) = workspace
        .read(&member, move |case| {
            let snapshot = case.snapshot()?;
            let shown = snapshot.entity(&id)?;
            let e = &shown.entity;
            // The page's mentions in context: each source's documents read
            // once.
            let page: Vec<(usize, &casefile_app::StoredMention)> = e
                .mentions
                .iter()
                .enumerate()
                .skip(from)
                .take(MENTION_PAGE)
                .collect();
            let mut texts: BTreeMap<(u64, u64), Vec<char>> = BTreeMap::new();
            let mut sources: Vec<u64> = page.iter().map(|(_, m)| m.source).collect();
            sources.sort_unstable();
            sources.dedup();
            for source in sources {
                snapshot.documents(source, &mut |d, _| {
                    let n = texts.range((source, 0)..(source + 1, 0)).count() as u64;
                    texts.insert((source, n), d.text.chars().collect());
                })?;
            }
            let contexts = page
                .iter()
                .map(|(n, m)| {
                    let chars = texts
                        .get(&(m.source, m.document))
                        .filter(|_| m.field == "text");
                    let (before, after) = match chars {
                        Some(c) if m.end <= c.len() && m.start <= m.end => (
                            c[m.start.saturating_sub(CONTEXT)..m.start].iter().collect(),
                            c[m.end..(m.end + CONTEXT).min(c.len())].iter().collect(),
                        ),
                        _ => (String::new(), String::new()),
                    };
                    InContext {
                        number: n + 1,
                        source: m.source,
                        document: m.document,
                        field: m.field.clone(),
                        start: m.start,
                        end: m.end,
                        before,
                        text: m.text.clone(),
                        after,
                        judged: m.judged,
                    }
                })
                .collect::<Vec<_>>();
            let me = format!("E{}", e.id);
            let mut relations = Vec::new();
            for link in shown
                .linked_from
                .iter()
                .filter(|l| l.from.kind == "relation")
                .skip(relations_from)
                .take(RELATION_PAGE)
            {
                let Some(r) = snapshot.record_only(&link.from.id)? else {
                    continue;
                };
                let value = |name: &str| r.value(name).map(str::to_owned);
                relations.push(Relation {
                    other: r
                        .links
                        .iter()
                        .find(|l| matches!(l.role.as_str(), "subject" | "object") && l.target != me)
                        .map(|l| l.target.clone()),
                    since: value("since").or_else(|| value("when")),
                    until: value("until"),
                    kind: r.subtype.clone().unwrap_or_else(|| "relation".into()),
                    status: r.status.as_str().to_owned(),
                    label: r.label.clone(),
                    id: r.id.clone(),
                });
            }
            // Over time: the dated ones in order, the undated after.
            relations.sort_by(|a, b| {
                (a.since.is_none(), &a.since, &a.until).cmp(&(
                    b.since.is_none(),
                    &b.since,
                    &b.until,
                ))
            });
            Ok((shown, contexts, relations))
        })
        .await?;
    let e = &shown.entity;
    let may_judge = member.account.role >= Role::Documenter;
    let others: Vec<_> = shown
        .linked_from
        .iter()
        .filter(|l| l.from.kind != "relation")
        .collect();
    let relation_total = shown.linked_from.len() - others.len();
    Ok(layout(
        &e.name,
        Some(&member),
        html! {
            h1 { (e.name) " " small { "E" (e.id) ", " (e.kind) } }
            p { (e.mentions.len()) " mentions; found by " (e.resolver) "." }
            h2 { "Names" }
            ul.names { @for (name, n) in &e.names { li { (name) " (" (n) ")" } } }
            @if may_judge {
                section.judge {
                    h2 { "Judge" }
                    form.action method="post" action={ "/entities/" (e.id) "/merge" } {
                        (csrf_field(&member))
                        label { "The same as " input name="with" placeholder="E3.0.1" required; }
                        input name="reason" placeholder="why";
                        button type="submit" { "Merge" }
                    }
                    form.action method="post" action={ "/entities/" (e.id) "/not-same" } {
                        (csrf_field(&member))
                        label { "Not the same as " input name="with" placeholder="E3.0.1" required; }
                        input name="reason" placeholder="why";
                        button type="submit" { "Not the same" }
                    }
                }
            }
            h2 { "Relations over time" }
            @if relations.is_empty() { p { "None found." } }
            @else {
                table.relations {
                    tr { th { "From" } th { "Until" } th { "Relation" } th { "With" } th { "Status" } th { "Record" } }
                    @for r in &relations {
                        tr {
                            td { (r.since.clone().unwrap_or_else(|| "?".into())) }
                            td { (r.until.clone().unwrap_or_default()) }
                            td { (r.kind) }
                            td { @if let Some(o) = &r.other { a href=(target_href(o)) { (o) } } }
                            td { (r.status) }
                            td { a href={ "/records/" (r.id) } title=(r.label) { (r.id) } }
                        }
                    }
                }
                @if relation_total > relations.len() {
                    p {
                        "Relations " (relations_from + 1) " to " (relations_from + relations.len()) " of " (relation_total) ", in the order they were found; each page over time."
                        @if relations_from + RELATION_PAGE < relation_total {
                            " " a href={ "/entities/" (e.id) "?relations=" (relations_from + RELATION_PAGE) "&from=" (from) } { "More relations" }
                        }
                    }
                }
            }
            @if !others.is_empty() {
                h2 { "Records" }
                ul { @for l in &others { li { a href={ "/records/" (l.from.id) } { (l.from.id) } " " (l.from.label) " (" (l.role) ", " (l.from.status) ")" } } }
            }
            h2 { "Mentions" }
            form method="post" action={ "/entities/" (e.id) "/split" } {
                @if may_judge { (csrf_field(&member)) }
                ol.mentions start=(from + 1) {
                    @for c in &contexts {
                        li {
                            @if may_judge { input type="checkbox" name="mentions" value=(c.number) aria-label="split off"; " " }
                            (c.before) strong { (c.text) } (c.after)
                            " " a href={ "/sources/" (c.source) "?doc=" (c.document) "&field=" (c.field) "&start=" (c.start) "&end=" (c.end) "#cited" } { "#" (c.source) "." (c.document) }
                            @if c.judged { " " em { "(placed by a judgement)" } }
                        }
                    }
                }
                @if may_judge && e.mentions.len() > 1 {
                    input name="reason" placeholder="why they name someone else";
                    button type="submit" { "Split the chosen mentions off" }
                }
            }
            @if from + MENTION_PAGE < e.mentions.len() {
                p { a href={ "/entities/" (e.id) "?from=" (from + MENTION_PAGE) } { "More mentions" } }
            }
        },
    ))
}

#[derive(Deserialize)]
pub(crate) struct JudgeForm {
    csrf: String,
    with: Option<String>,
    reason: Option<String>,
}

/// A judgement from the entity page. The split form sends each chosen
/// mention as its own `mentions` field: the form is read as its pairs.
async fn judge(
    State(workspace): State<Arc<Workspace>>,
    member: Member,
    Path((id, judgement)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, Refusal> {
    let form: JudgeForm = {
        let one = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        JudgeForm {
            csrf: one("csrf").unwrap_or_default(),
            with: one("with"),
            reason: one("reason"),
        }
    };
    member.may_write(&form.csrf)?;
    let mentions = pairs
        .iter()
        .filter(|(k, _)| k == "mentions")
        .map(|(_, v)| {
            v.parse()
                .map_err(|_| Refusal::Bad(format!("{v:?} is not a mention number")))
        })
        .collect::<Result<Vec<usize>, _>>()?;
    let outcome = ops::judge(
        &workspace,
        &member,
        &id,
        &judgement,
        JudgeRequest {
            with: form.with,
            mentions,
            reason: form.reason,
        },
    )
    .await?;
    // Where the entity is now: a merge may have kept the other's id.
    let now = outcome
        .now
        .first()
        .and_then(|p| p.entity.clone())
        .unwrap_or_else(|| bare_entity(&id));
    Ok(Redirect::to(&format!("/entities/{now}")).into_response())
}
