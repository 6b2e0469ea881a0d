//! The document viewer: a source's clean text with what was found in it
//! marked (mentions linked to their entities, dates, counts, quotes and
//! claims, a claim or a count linked to its record), the span a record or
//! the report cites marked and scrolled to (`#cited`, no script needed),
//! the provenance panel, the removed boilerplate and the original bytes.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use casefile_app::sources::SourceLine;
use casefile_app::types::Document;
use maud::{Markup, html};
use serde::Deserialize;

use crate::member::{Member, Refusal};
use crate::pages::layout;
use crate::{WebError, Workspace};

pub(crate) fn routes() -> Router<Arc<Workspace>> {
    Router::new()
        .route("/sources/{index}", get(source))
        .route("/sources/{index}/original", get(original))
}

/// What one marked span is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Mark {
    /// The span a citation points at.
    Cited,
    /// A claim, with its record when it has one.
    Claim {
        kind: String,
        record: Option<String>,
    },
    /// A quote, and who says it.
    Quote { speaker: Option<String> },
    /// A mention of an entity.
    Mention { entity: String },
    /// A date or a time, in EDTF.
    Date { edtf: String },
    /// A count or an amount, with its group record when it has one.
    Count { record: Option<String> },
}

impl Mark {
    /// Outer marks hold inner ones: a claim holds its dates and names.
    fn outer(&self) -> bool {
        matches!(self, Mark::Cited | Mark::Claim { .. } | Mark::Quote { .. })
    }
}

/// A marked span: characters `[start, end)` of a document's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Marked {
    pub start: usize,
    pub end: usize,
    pub mark: Mark,
}

/// A mark with the marks inside it.
struct Node {
    marked: Marked,
    inside: Vec<Node>,
}

/// The marks arranged so that each lies wholly inside another or apart
/// from it: one that crosses a mark already placed is left out (the one
/// placed first wins: outer before inner, longer before shorter). Links
/// are never nested: only inner marks link.
fn arrange(len: usize, mut marks: Vec<Marked>) -> Vec<Node> {
    marks.retain(|m| m.start < m.end && m.end <= len);
    marks.sort_by_key(|m| (m.start, !m.mark.outer(), std::cmp::Reverse(m.end)));
    let mut roots: Vec<Node> = Vec::new();
    for marked in marks {
        place(&mut roots, marked);
    }
    roots
}

fn place(nodes: &mut Vec<Node>, marked: Marked) {
    if let Some(last) = nodes.last_mut() {
        let (s, e) = (last.marked.start, last.marked.end);
        if marked.start >= s && marked.end <= e {
            // Inside: only an outer mark holds others.
            if last.marked.mark.outer() {
                place(&mut last.inside, marked);
            }
            return;
        }
        if marked.start < e {
            return; // crosses it
        }
    }
    nodes.push(Node {
        marked,
        inside: Vec::new(),
    });
}

/// `chars[start..end]` with `nodes` (all within it, in order) marked.
fn render(chars: &[char], start: usize, end: usize, nodes: &[Node]) -> Markup {
    let text = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
    let mut pieces = Vec::new();
    let mut at = start;
    for node in nodes {
        pieces.push((text(at, node.marked.start), Some(node)));
        at = node.marked.end;
    }
    html! {
        @for (before, node) in &pieces {
            (before)
            @if let Some(node) = node { (render_node(chars, node)) }
        }
        (text(at, end))
    }
}

fn render_node(chars: &[char], node: &Node) -> Markup {
    let m = &node.marked;
    let inner = render(chars, m.start, m.end, &node.inside);
    match &m.mark {
        Mark::Cited => html! { mark #cited { (inner) } },
        Mark::Claim { kind, record } => html! {
            span.claim title={ "claim: " (kind.replace('_', " ")) } {
                (inner)
                @if let Some(r) = record { sup { a.to-record href={ "/records/" (r) } { (r) } } }
            }
        },
        Mark::Quote { speaker } => html! {
            q.quote title=[speaker.as_ref().map(|s| format!("said by {s}"))] { (inner) }
        },
        Mark::Mention { entity } => html! { a.mention href={ "/entities/" (entity) } { (inner) } },
        Mark::Date { edtf } => html! { time.date datetime=(edtf) title=(edtf) { (inner) } },
        Mark::Count { record } => match record {
            Some(r) => html! { a.count href={ "/records/" (r) } { (inner) } },
            None => html! { span.count { (inner) } },
        },
    }
}

/// `text` with `marks`, as the viewer shows it.
pub(crate) fn marked_text(text: &str, marks: Vec<Marked>) -> Markup {
    let chars: Vec<char> = text.chars().collect();
    let nodes = arrange(chars.len(), marks);
    html! { div.text { (render(&chars, 0, chars.len(), &nodes)) } }
}

/// The span a link asks the viewer to mark: `?doc=D&field=F&start=S&end=E`.
#[derive(Debug, Deserialize)]
pub(crate) struct Cited {
    doc: Option<u64>,
    field: Option<String>,
    start: Option<usize>,
    end: Option<usize>,
}

/// Whether an item of an extraction counts in the document's text (the
/// field is left out of JSON then).
fn in_text(item: &serde_json::Value) -> bool {
    item.get("field")
        .is_none_or(|f| f.is_null() || f.as_str() == Some("text"))
}

fn span_of(item: &serde_json::Value) -> Option<(usize, usize)> {
    let span = item.get("span")?;
    Some((
        span.get("start")?.as_u64()? as usize,
        span.get("end")?.as_u64()? as usize,
    ))
}

/// The marks of one document: its extraction's dates, counts, quotes and
/// claims, the entities' mentions, and records by id where they exist.
fn marks_of(
    extraction: Option<&serde_json::Value>,
    chars: &[char],
    mentions: &[(usize, usize, String, String)],
    exists: &dyn Fn(&str) -> bool,
    ids: (u64, u64),
) -> Vec<Marked> {
    let (source, document) = ids;
    let mut marks = Vec::new();
    let holds = |start: usize, end: usize, written: &str| {
        end <= chars.len() && start < end && chars[start..end].iter().copied().eq(written.chars())
    };
    // Only a span that holds the mention as written: a mention counted in
    // another part of the document (a caption, the byline) is not marked
    // in the text.
    for (start, end, entity, written) in mentions {
        if holds(*start, *end, written) {
            marks.push(Marked {
                start: *start,
                end: *end,
                mark: Mark::Mention {
                    entity: entity.clone(),
                },
            });
        }
    }
    let Some(extraction) = extraction else {
        return marks;
    };
    let items = |name: &str| {
        extraction
            .get(name)
            .and_then(|v| v.as_array())
            .cloned()
            .unwrap_or_default()
    };
    for time in items("times").iter().filter(|t| in_text(t)) {
        if let Some((start, end)) = span_of(time) {
            let edtf = time
                .get("edtf")
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            marks.push(Marked {
                start,
                end,
                mark: Mark::Date {
                    edtf: edtf.to_owned(),
                },
            });
        }
    }
    for (n, quantity) in items("quantities").iter().enumerate() {
        if !in_text(quantity) {
            continue;
        }
        if let Some((start, end)) = span_of(quantity) {
            let id = format!("G{source}.{document}.{n}");
            marks.push(Marked {
                start,
                end,
                mark: Mark::Count {
                    record: exists(&id).then_some(id),
                },
            });
        }
    }
    for money in items("money").iter().filter(|m| in_text(m)) {
        if let Some((start, end)) = span_of(money) {
            marks.push(Marked {
                start,
                end,
                mark: Mark::Count { record: None },
            });
        }
    }
    for quote in items("quotes").iter().filter(|q| in_text(q)) {
        if let Some((start, end)) = span_of(quote) {
            let speaker = quote
                .get("speaker")
                .and_then(|s| s.get("text"))
                .and_then(|t| t.as_str())
                .map(str::to_owned);
            marks.push(Marked {
                start,
                end,
                mark: Mark::Quote { speaker },
            });
        }
    }
    for (n, claim) in items("claims").iter().enumerate() {
        if !in_text(claim) {
            continue;
        }
        if let Some((start, end)) = span_of(claim) {
            let id = format!("C{source}.{document}.{n}");
            let kind = claim
                .get("kind")
                .and_then(|k| k.as_str())
                .unwrap_or("claim");
            marks.push(Marked {
                start,
                end,
                mark: Mark::Claim {
                    kind: kind.to_owned(),
                    record: exists(&id).then_some(id),
                },
            });
        }
    }
    marks
}

/// One document as the viewer shows it.
struct Shown {
    document: Document,
    marks: Vec<Marked>,
}

async fn source(
    State(workspace): State<Arc<Workspace>>,
    member: Member,
    Path(index): Path<u64>,
    Query(cited): Query<Cited>,
) -> Result<Markup, Refusal> {
    let cleared = member.cleared();
    let cited_elsewhere = cited
        .field
        .clone()
        .filter(|f| f != "text" && cited.doc.is_some());
    let (line, shown, pending) = workspace
        .read(&member, move |case| {
            let line = source_line(case, index, cleared)?;
            let snapshot = case.snapshot()?;
            let pending = Pending::of(&snapshot, index)?.words();
            let mut documents = Vec::new();
            snapshot.documents(index, &mut |d, e| documents.push((d, e)))?;
            // Each mention of a resolved entity, to link from the text:
            // only the entities this source names, not every entity.
            let mut spans: HashMap<u64, Vec<(usize, usize, String, String)>> = HashMap::new();
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
            let mut exists: BTreeMap<String, bool> = BTreeMap::new();
            let mut shown = Vec::new();
            for (n, (document, extraction)) in documents.into_iter().enumerate() {
                let chars: Vec<char> = document.text.chars().collect();
                let mut marks = {
                    let known = |id: &str| {
                        *exists
                            .entry(id.to_owned())
                            .or_insert_with(|| snapshot.record(id).is_ok())
                    };
                    // The closure needs the map mutably: a cell keeps the
                    // signature of a plain lookup.
                    let known = std::cell::RefCell::new(known);
                    marks_of(
                        extraction.as_ref(),
                        &chars,
                        spans.get(&(n as u64)).map(Vec::as_slice).unwrap_or(&[]),
                        &|id| (known.borrow_mut())(id),
                        (index, n as u64),
                    )
                };
                let field = cited.field.as_deref().unwrap_or("text");
                if cited.doc == Some(n as u64)
                    && field == "text"
                    && let (Some(start), Some(end)) = (cited.start, cited.end)
                {
                    marks.push(Marked {
                        start,
                        end,
                        mark: Mark::Cited,
                    });
                }
                shown.push(Shown { document, marks });
            }
            Ok((line, shown, pending))
        })
        .await?;
    Ok(layout(
        &format!("Source #{index}"),
        Some(&member),
        html! {
            h1 { (line.name.clone().unwrap_or_else(|| format!("{} #{}", line.kind, line.index))) }
            aside.provenance {
                dl {
                    dt { "Log index" } dd { (line.index) }
                    dt { "SHA-256" } dd.hash { (line.sha256) }
                    dt { "Size" } dd { (line.size) " bytes" }
                    dt { "Kind" } dd { (line.kind) }
                    dt { "Logged" } dd { (line.added_at) " by " (line.by) }
                    @if let Some(url) = &line.url { dt { "Found at" } dd { (url) } }
                    @if let Some(at) = &line.acquired_at { dt { "Collected" } dd { (at) } }
                }
                p {
                    a href={ "/api/sources/" (line.index) "/proof" } download={ "source-" (line.index) "-proof.json" } { "Inclusion proof (JSON)" }
                    " · "
                    a href={ "/sources/" (line.index) "/original" } { "Original bytes" }
                }
                p.legend {
                    span.legend-mention { "name" } " "
                    span.legend-date { "date" } " "
                    span.legend-count { "count" } " "
                    span.legend-quote { "quote" } " "
                    span.legend-claim { "claim" }
                }
            }
            @if let Some(pending) = pending {
                p.notice { (pending) }
            }
            @if let Some(field) = cited_elsewhere {
                p.notice { "The cited words are in the document's " (field) ", shown above its text." }
            }
            @for s in &shown {
                section.document {
                    @if let Some(title) = &s.document.title { h2 { (title) } }
                    (marked_text(&s.document.text, s.marks.clone()))
                    @if !s.document.removed.is_empty() {
                        details {
                            summary { "Removed boilerplate (" (s.document.removed.len()) ")" }
                            @for r in &s.document.removed { p.removed { (r.text) } }
                        }
                    }
                }
            }
        },
    ))
}

/// How far the workspace has got with source `index`: whether it is read
/// yet, and whether its names are resolved into entities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pending {
    pub read: bool,
    pub resolved: bool,
}

impl Pending {
    /// Where `snapshot` has got with source `index`.
    pub(crate) fn of(snapshot: &casefile_app::Snapshot, index: u64) -> Result<Pending, WebError> {
        Ok(Pending {
            read: snapshot.reading(index)?.is_some(),
            resolved: snapshot
                .resolved_through()?
                .is_some_and(|through| through > index),
        })
    }

    /// What is not done yet, in words (nothing when it is all done).
    fn words(self) -> Option<&'static str> {
        if !self.read {
            Some(
                "casefile is still reading this source: its text and what was found in it \
                 appear here in a moment (reload the page).",
            )
        } else if !self.resolved {
            Some(
                "The names in this source are still being resolved: they link to their \
                 entities in a moment (reload the page).",
            )
        } else {
            None
        }
    }
}

/// Source `index` as listed, refused to a member without clearance when it
/// is protected material.
pub(crate) fn source_line(
    case: &casefile_app::Case,
    index: u64,
    cleared: bool,
) -> Result<SourceLine, WebError> {
    let line = case
        .sources(index, 1)?
        .into_iter()
        .find(|s| s.index == index)
        .ok_or_else(|| WebError::NotFound(format!("no source #{index}")))?;
    if !cleared && case.is_protected_source(index)? {
        return Err(crate::ops::locked("this source is protected material"));
    }
    Ok(line)
}

/// The original bytes, as a download: never shown as a page, whatever
/// they hold.
async fn original(
    State(workspace): State<Arc<Workspace>>,
    member: Member,
    Path(index): Path<u64>,
) -> Result<Response, Refusal> {
    original_download(&workspace, &member, index).await
}

/// Source `index`'s original bytes as a download, for the page and the API
/// alike: refused when the member may not see the source.
pub(crate) async fn original_download(
    workspace: &Workspace,
    member: &Member,
    index: u64,
) -> Result<Response, Refusal> {
    let cleared = member.cleared();
    let original = workspace
        .read(member, move |case| {
            source_line(case, index, cleared)?;
            Ok(case.original(index)?)
        })
        .await?;
    Ok(download(&original.name, original.bytes))
}

/// A response that makes the browser save `bytes` as `name`.
pub(crate) fn download(name: &str, bytes: Vec<u8>) -> Response {
    let plain: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!(
        "attachment; filename=\"{plain}\"; filename*=UTF-8''{}",
        crate::pages::encode(name)
    );
    (
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(start: usize, end: usize, mark: Mark) -> Marked {
        Marked { start, end, mark }
    }

    #[test]
    fn marks_nest_inside_claims_and_crossing_ones_are_left_out() {
        let text = "On 3 May 2024 Ivan Petrov said: 120 men were sent.";
        let marks = vec![
            at(
                0,
                50,
                Mark::Claim {
                    kind: "recruitment".into(),
                    record: Some("C1.0.0".into()),
                },
            ),
            at(
                3,
                13,
                Mark::Date {
                    edtf: "2024-05-03".into(),
                },
            ),
            at(
                14,
                25,
                Mark::Mention {
                    entity: "1.0.0".into(),
                },
            ),
            // Crosses the mention: left out.
            at(20, 30, Mark::Count { record: None }),
            at(
                32,
                35,
                Mark::Count {
                    record: Some("G1.0.0".into()),
                },
            ),
            at(32, 50, Mark::Cited),
        ];
        let html = marked_text(text, marks).into_string();
        assert_eq!(
            html,
            "<div class=\"text\"><span class=\"claim\" title=\"claim: recruitment\">On \
             <time class=\"date\" datetime=\"2024-05-03\" title=\"2024-05-03\">3 May 2024</time> \
             <a class=\"mention\" href=\"/entities/1.0.0\">Ivan Petrov</a> said: \
             <mark id=\"cited\"><a class=\"count\" href=\"/records/G1.0.0\">120</a> men were sent.</mark>\
             <sup><a class=\"to-record\" href=\"/records/C1.0.0\">C1.0.0</a></sup></span></div>"
        );
    }

    #[test]
    fn markup_in_the_text_is_escaped_and_spans_past_the_end_are_dropped() {
        let text = "<script>x</script> Ана";
        let marks = vec![
            at(
                19,
                22,
                Mark::Mention {
                    entity: "2.0.1".into(),
                },
            ),
            at(0, 99, Mark::Cited),
        ];
        let html = marked_text(text, marks).into_string();
        assert!(html.contains("&lt;script&gt;x&lt;/script&gt; "), "{html}");
        assert!(html.contains(">Ана</a>"), "{html}");
        assert!(!html.contains("cited"), "{html}");
    }
}
