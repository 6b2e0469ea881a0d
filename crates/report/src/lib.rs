//! casefile's answers: the case report, built from what the extraction
//! stage proposed (claims with their times, durations and quantities) and
//! the resolved entities. Pure: no I/O, no clock (the report's date comes
//! in).
//!
//! - **Timeline**: every dated claim, ordered by the first day its date can
//!   mean and then the last, so "fall 2022" comes before "November 2022"
//!   only when it can start earlier; uncertain dates show their range. A
//!   claim's date is the time expression of its sentence nearest its cue
//!   ("recruited in fall 2022 ... until its dissolution earlier this
//!   year": the recruitment is fall 2022, the dissolution this year).
//! - **Promises**: each promise with a duration ("amnestied after six
//!   months"), counted from its own date, else from the recruitment its
//!   document dates, else from the day the document was published, is due
//!   on a range of days; on the report's date it is
//!   overdue by a range of months unless a source says otherwise.
//! - **Violations** by kind, with how many sources and voices assert them.
//! - **Groups**: counted people ("about 500 people"), each citing its
//!   sentence.
//! - **Contradictions**: claims of a kind that happens once (founding,
//!   dissolution) dated on days that cannot overlap.
//!
//! Every item cites its source, document, field, span and sentence.

pub mod edtf;

use std::collections::{BTreeMap, BTreeSet};

use casefile_document::Document;
use casefile_extract::{Assertion, Claim, ClaimKind};
use casefile_extract::{Extraction, Field};
use jiff::civil::Date;
use serde::Serialize;

/// The report format's name and version, in its JSON.
pub const REPORT_FORMAT: &str = "casefile-report 1";

/// A source as the report cites it.
#[derive(Debug, Clone)]
pub struct SourceRef {
    /// Its log index.
    pub index: u64,
    /// Its id (`src_…`).
    pub id: String,
    /// Its kind (`news`, `post`…).
    pub kind: String,
}

/// One document with its extraction.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// Its source.
    pub source: &'a SourceRef,
    /// Its ordinal in the source.
    pub document: u64,
    /// The document.
    pub doc: &'a Document,
    /// What was extracted from it.
    pub extraction: &'a Extraction,
}

/// An entity as the report lists it.
#[derive(Debug, Clone, Serialize)]
pub struct EntityLine {
    /// Its id (`3.0.1`).
    pub id: String,
    /// person, organization or place.
    pub kind: String,
    /// Its fullest name.
    pub name: String,
    /// How many mentions it has.
    pub mentions: u64,
    /// In how many sources.
    pub sources: u64,
}

/// Where something was said, word for word.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Citation {
    /// The source's log index.
    pub source: u64,
    /// The source's id.
    pub source_id: String,
    /// The source's kind (`news`, `testimony`…).
    pub source_kind: String,
    /// The document's ordinal in the source.
    pub document: u64,
    /// The field the span counts in.
    pub field: String,
    /// The span's start, in characters of the field.
    pub start: usize,
    /// Its end.
    pub end: usize,
    /// The words.
    pub quote: String,
    /// Who asserts it: the document, a quoted speaker or a reported source.
    pub asserted: String,
}

/// A dated claim on the timeline.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    /// Its date in EDTF.
    pub when: String,
    /// The date as written.
    pub written: String,
    /// The first day the date can mean.
    pub earliest: Date,
    /// The last day (for an open end, the first).
    pub latest: Date,
    /// Whether it runs on with no end.
    pub open: bool,
    /// Whether the date is a range of days or qualified, not one day.
    pub uncertain: bool,
    /// The claim's kind.
    pub kind: String,
    /// The words that made it a claim.
    pub cue: String,
    /// Where it is said.
    pub citation: Citation,
}

/// A promise and where it stands on the report's date.
#[derive(Debug, Clone, Serialize)]
pub struct PromiseStatus {
    /// What was promised (amnesty, record expunged, term of service…).
    pub promised: Vec<String>,
    /// After how long (ISO 8601), when the sentence says.
    pub after: Option<String>,
    /// What it is counted from: the date in EDTF and the words.
    pub from: Option<(String, String)>,
    /// The first day it can have fallen due.
    pub due_earliest: Option<Date>,
    /// The last day it can have fallen due.
    pub due_latest: Option<Date>,
    /// `overdue`, `due` (the report's date is within the due range),
    /// `not_yet_due`, or `undated` (no duration or no start).
    pub status: String,
    /// How long overdue on the report's date: fewest and most whole
    /// months.
    pub overdue_months: Option<(i64, i64)>,
    /// Where it is said.
    pub citation: Citation,
}

/// Claims of one violation kind.
#[derive(Debug, Clone, Serialize)]
pub struct Violations {
    /// The kind (ill_treatment, threat, pressure_to_sign…).
    pub kind: String,
    /// How many claims.
    pub claims: usize,
    /// How many sources assert them.
    pub sources: usize,
    /// How many voices: the documents themselves and each quoted or
    /// reported speaker, counted once per source.
    pub voices: usize,
    /// Where each is said.
    pub citations: Vec<Citation>,
}

/// A counted group of people.
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    /// The count as written ("about 500 people").
    pub written: String,
    /// The number, when one is given.
    pub value: Option<f64>,
    /// The order of magnitude, for "hundreds of".
    pub magnitude: Option<u32>,
    /// Whether the count is approximate.
    pub approximate: bool,
    /// Who is counted.
    pub noun: Option<String>,
    /// The sentence it is in.
    pub citation: Citation,
}

/// Two claims of a kind that happens once, on days that cannot overlap.
#[derive(Debug, Clone, Serialize)]
pub struct Contradiction {
    /// The kind.
    pub kind: String,
    /// One claim.
    pub first: Event,
    /// The other.
    pub second: Event,
}

/// The case report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// [`REPORT_FORMAT`].
    pub format: String,
    /// The date the report is as of.
    pub as_of: Date,
    /// How many documents it draws on.
    pub documents: usize,
    /// Whether protected sources (testimonies, complaints) are included.
    pub protected_included: bool,
    /// Dated claims in order.
    pub timeline: Vec<Event>,
    /// Promises and their state.
    pub promises: Vec<PromiseStatus>,
    /// Violations by kind.
    pub violations: Vec<Violations>,
    /// Counted groups.
    pub groups: Vec<Group>,
    /// People, units and places, the most mentioned first.
    pub entities: Vec<EntityLine>,
    /// Claims that cannot both be true.
    pub contradictions: Vec<Contradiction>,
}

fn name<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// A field's name in citations: `text`, `title`, `subtitle`, `caption 2`.
fn field_name(field: Field) -> String {
    match field {
        Field::Text => "text".to_owned(),
        Field::Title => "title".to_owned(),
        Field::Subtitle => "subtitle".to_owned(),
        Field::Caption(n) => format!("caption {n}"),
        Field::CaptionCredit(n) => format!("caption credit {n}"),
        Field::Author(n) => format!("author {n}"),
        Field::Translator(n) => format!("translator {n}"),
        Field::Publisher => "publisher".to_owned(),
    }
}

/// The text of a field of a document.
fn field_text(doc: &Document, field: Field) -> &str {
    match field {
        Field::Text => &doc.text,
        Field::Title => doc.title.as_deref().unwrap_or(""),
        Field::Subtitle => doc.subtitle.as_deref().unwrap_or(""),
        Field::Caption(n) => doc.captions.get(n).map_or("", |c| c.text.as_str()),
        Field::CaptionCredit(n) => doc
            .captions
            .get(n)
            .and_then(|c| c.credit.as_deref())
            .unwrap_or(""),
        _ => "",
    }
}

fn chars(text: &str, start: usize, end: usize) -> String {
    text.chars()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect()
}

fn asserted(assertion: &Assertion) -> String {
    match assertion {
        Assertion::Document => "the document".to_owned(),
        Assertion::Quoted { speaker } => format!("quoted: {speaker}"),
        Assertion::Reported { source } => format!("reported: {source}"),
    }
}

fn cite(input: &Input<'_>, claim: &Claim) -> Citation {
    let text = field_text(input.doc, claim.field);
    Citation {
        source: input.source.index,
        source_id: input.source.id.clone(),
        source_kind: input.source.kind.clone(),
        document: input.document,
        field: field_name(claim.field),
        start: claim.span.start,
        end: claim.span.end,
        quote: chars(text, claim.span.start, claim.span.end),
        asserted: asserted(&claim.asserted),
    }
}

/// The claim's date: of its sentence's time expressions, the one nearest
/// its cue that names days.
fn claim_time(input: &Input<'_>, claim: &Claim) -> Option<(String, String, edtf::Bounds)> {
    let text = field_text(input.doc, claim.field);
    let sentence = chars(text, claim.span.start, claim.span.end);
    let cue_at = sentence
        .find(&claim.cue)
        .map(|byte| claim.span.start + sentence[..byte].chars().count())
        .unwrap_or(claim.span.start);
    claim
        .times
        .iter()
        .filter_map(|&n| input.extraction.times.get(n))
        .filter(|t| t.field == claim.field)
        .filter_map(|t| edtf::bounds(&t.edtf).map(|b| (t, b)))
        .min_by_key(|(t, _)| {
            let (start, end) = (t.span.start, t.span.end);
            if cue_at < start {
                start - cue_at
            } else {
                cue_at.saturating_sub(end)
            }
        })
        .map(|(t, b)| (t.edtf.clone(), t.text.clone(), b))
}

/// An ISO 8601 duration of one unit (P6M, P1Y, P2W, P30D) as a span.
fn duration(iso: &str) -> Option<jiff::Span> {
    let body = iso.strip_prefix('P')?;
    let (number, unit) = body.split_at(body.len().checked_sub(1)?);
    let n: i64 = number.parse().ok()?;
    let span = jiff::Span::new();
    match unit {
        "Y" => span.try_years(n).ok(),
        "M" => span.try_months(n).ok(),
        "W" => span.try_weeks(n).ok(),
        "D" => span.try_days(n).ok(),
        _ => None,
    }
}

/// Whole months from `from` to `to` (negative when `to` is earlier).
fn months_between(from: Date, to: Date) -> i64 {
    let months = (i64::from(to.year()) - i64::from(from.year())) * 12 + i64::from(to.month())
        - i64::from(from.month());
    if to.day() < from.day() {
        months - 1
    } else {
        months
    }
}

/// The sentence around a span of a text: from the last sentence end
/// before it to the next one after it.
fn sentence_around(text: &str, start: usize, end: usize) -> (usize, usize) {
    let chars: Vec<char> = text.chars().collect();
    let is_end = |c: char| matches!(c, '.' | '!' | '?' | '\n');
    let mut from = start.min(chars.len());
    while from > 0 && !is_end(chars[from - 1]) {
        from -= 1;
    }
    while from < chars.len() && chars[from].is_whitespace() {
        from += 1;
    }
    let mut to = end.min(chars.len());
    while to < chars.len() && !is_end(chars[to]) {
        to += 1;
    }
    if to < chars.len() && chars[to] != '\n' {
        to += 1;
    }
    (from, to)
}

fn is_violation(kind: ClaimKind) -> bool {
    matches!(
        kind,
        ClaimKind::IllTreatment
            | ClaimKind::Threat
            | ClaimKind::PressureToSign
            | ClaimKind::PaymentStop
            | ClaimKind::DeathOrInjury
            | ClaimKind::RefusalOfStatus
            | ClaimKind::Assignment
    )
}

fn happens_once(kind: ClaimKind) -> bool {
    matches!(kind, ClaimKind::Founding | ClaimKind::Dissolution)
}

/// The claims of one violation kind so far: their citations, their
/// sources, and their voices (source and who asserts).
type Tally = (Vec<Citation>, BTreeSet<u64>, BTreeSet<(u64, String)>);

/// Builds the report as of `as_of`.
pub fn build(
    inputs: &[Input<'_>],
    entities: Vec<EntityLine>,
    as_of: Date,
    protected_included: bool,
) -> Report {
    let mut timeline = Vec::new();
    let mut promises = Vec::new();
    let mut violations: BTreeMap<String, Tally> = BTreeMap::new();
    let mut groups = Vec::new();
    let mut once: Vec<(ClaimKind, Event)> = Vec::new();
    for input in inputs {
        let extraction = input.extraction;
        // The recruitment this document dates, for promises without a date
        // of their own: the earliest.
        let recruitment = extraction
            .claims
            .iter()
            .filter(|c| c.kind == ClaimKind::Recruitment)
            .filter_map(|c| claim_time(input, c))
            .min_by_key(|(_, _, b)| (b.earliest, b.latest));
        for claim in &extraction.claims {
            let citation = cite(input, claim);
            let kind = name(&claim.kind);
            let time = claim_time(input, claim);
            if let Some((when, written, bounds)) = &time {
                let event = Event {
                    when: when.clone(),
                    written: written.clone(),
                    earliest: bounds.earliest,
                    latest: bounds.latest,
                    open: bounds.open,
                    uncertain: !bounds.exact(),
                    kind: kind.clone(),
                    cue: claim.cue.clone(),
                    citation: citation.clone(),
                };
                if happens_once(claim.kind) {
                    once.push((claim.kind, event.clone()));
                }
                timeline.push(event);
            }
            if is_violation(claim.kind) {
                let entry = violations.entry(kind.clone()).or_default();
                entry.0.push(citation.clone());
                entry.1.insert(input.source.index);
                entry
                    .2
                    .insert((input.source.index, citation.asserted.clone()));
            }
            if claim.kind == ClaimKind::Promise {
                let after = claim
                    .durations
                    .iter()
                    .filter_map(|&n| extraction.durations.get(n))
                    .map(|d| d.iso.clone())
                    .find(|iso| duration(iso).is_some());
                // Counted from its own date, else the recruitment its
                // document dates, else the day the document was published
                // (a promise made in a post is made by then).
                let from = time.clone().or_else(|| recruitment.clone()).or_else(|| {
                    let published = input.doc.published.as_deref()?;
                    let day = published.get(..10).unwrap_or(published);
                    edtf::bounds(day).map(|b| (day.to_owned(), format!("published {day}"), b))
                });
                let due = match (&after, &from) {
                    (Some(iso), Some((_, _, bounds))) => duration(iso).and_then(|span| {
                        let early = bounds.earliest.checked_add(span).ok()?;
                        let late = bounds.latest.checked_add(span).ok()?;
                        Some((early, late))
                    }),
                    _ => None,
                };
                let (status, overdue) = match due {
                    None => ("undated", None),
                    Some((early, _)) if as_of < early => ("not_yet_due", None),
                    Some((_, late)) if as_of <= late => ("due", None),
                    Some((early, late)) => (
                        "overdue",
                        Some((months_between(late, as_of), months_between(early, as_of))),
                    ),
                };
                promises.push(PromiseStatus {
                    promised: claim.promises.iter().map(name).collect(),
                    after,
                    from: from.map(|(when, written, _)| (when, written)),
                    due_earliest: due.map(|d| d.0),
                    due_latest: due.map(|d| d.1),
                    status: status.to_owned(),
                    overdue_months: overdue,
                    citation,
                });
            }
        }
        for quantity in &extraction.quantities {
            let counts_people = quantity.noun.is_some()
                && (quantity.value.is_some()
                    || quantity.magnitude.is_some()
                    || quantity.low.is_some());
            if !counts_people {
                continue;
            }
            let text = field_text(input.doc, quantity.field);
            let (start, end) = sentence_around(text, quantity.span.start, quantity.span.end);
            groups.push(Group {
                written: quantity.text.clone(),
                value: quantity.value,
                magnitude: quantity.magnitude,
                approximate: quantity.approximate,
                noun: quantity.noun.clone(),
                citation: Citation {
                    source: input.source.index,
                    source_id: input.source.id.clone(),
                    source_kind: input.source.kind.clone(),
                    document: input.document,
                    field: field_name(quantity.field),
                    start,
                    end,
                    quote: chars(text, start, end),
                    asserted: "the document".to_owned(),
                },
            });
        }
    }
    timeline.sort_by(|a, b| {
        (a.earliest, a.latest, a.citation.source, a.citation.start).cmp(&(
            b.earliest,
            b.latest,
            b.citation.source,
            b.citation.start,
        ))
    });
    let mut contradictions = Vec::new();
    for (i, (kind, a)) in once.iter().enumerate() {
        for (other, b) in &once[i + 1..] {
            let apart = !a.open && !b.open && (a.latest < b.earliest || b.latest < a.earliest);
            if kind == other && apart {
                contradictions.push(Contradiction {
                    kind: name(kind),
                    first: a.clone(),
                    second: b.clone(),
                });
            }
        }
    }
    let violations = violations
        .into_iter()
        .map(|(kind, (citations, sources, voices))| Violations {
            kind,
            claims: citations.len(),
            sources: sources.len(),
            voices: voices.len(),
            citations,
        })
        .collect();
    Report {
        format: REPORT_FORMAT.to_owned(),
        as_of,
        documents: inputs.len(),
        protected_included,
        timeline,
        promises,
        violations,
        groups,
        entities,
        contradictions,
    }
}

fn range(earliest: Date, latest: Date, open: bool) -> String {
    if open {
        format!("from {earliest}")
    } else if earliest == latest {
        earliest.to_string()
    } else {
        format!("{earliest} to {latest}")
    }
}

fn at(c: &Citation) -> String {
    format!(
        "source {} ({}) document {}",
        c.source, c.source_id, c.document
    )
}

/// The report as text a person reads.
pub fn render(report: &Report) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Case report as of {} ({} document{}; protected sources {})",
        report.as_of,
        report.documents,
        if report.documents == 1 { "" } else { "s" },
        if report.protected_included {
            "included: this report quotes testimonies and complaints, keep it as safe as they are"
        } else {
            "not included"
        }
    );
    let _ = writeln!(out, "\nTimeline");
    for e in &report.timeline {
        let when = if e.uncertain {
            format!("{} [{}]", e.when, range(e.earliest, e.latest, e.open))
        } else {
            e.when.clone()
        };
        let _ = writeln!(out, "  {when:<32} {:<18} \"{}\"", e.kind, e.written);
        let _ = writeln!(out, "      {}: {}", at(&e.citation), e.citation.quote);
    }
    let _ = writeln!(out, "\nPromises");
    for p in &report.promises {
        let what = if p.promised.is_empty() {
            "(what is not said)".to_owned()
        } else {
            p.promised.join(", ")
        };
        let state = match (
            p.status.as_str(),
            p.overdue_months,
            p.due_earliest,
            p.due_latest,
        ) {
            ("overdue", Some((few, many)), Some(a), Some(b)) => format!(
                "due {}; overdue by {} on {} (no source says it was kept)",
                range(a, b, false),
                if few == many {
                    format!("{few} months")
                } else {
                    format!("{few} to {many} months")
                },
                report.as_of
            ),
            ("due", _, Some(a), Some(b)) => format!("falls due {}", range(a, b, false)),
            ("not_yet_due", _, Some(a), Some(b)) => format!("not yet due ({})", range(a, b, false)),
            _ => "no due date: the source gives no duration or no start".to_owned(),
        };
        let from = p
            .from
            .as_ref()
            .map(|(when, written)| format!(" from {written} ({when})"))
            .unwrap_or_default();
        let after = p
            .after
            .as_ref()
            .map(|a| format!(" after {a}"))
            .unwrap_or_default();
        let _ = writeln!(out, "  {what}{after}{from}: {state}");
        let _ = writeln!(out, "      {}: {}", at(&p.citation), p.citation.quote);
    }
    let _ = writeln!(out, "\nViolations");
    for v in &report.violations {
        let _ = writeln!(
            out,
            "  {}: {} claim{} in {} source{}, {} voice{}",
            v.kind,
            v.claims,
            if v.claims == 1 { "" } else { "s" },
            v.sources,
            if v.sources == 1 { "" } else { "s" },
            v.voices,
            if v.voices == 1 { "" } else { "s" }
        );
        for c in &v.citations {
            let _ = writeln!(out, "      {} ({}): {}", at(c), c.asserted, c.quote);
        }
    }
    let _ = writeln!(out, "\nGroups");
    for g in &report.groups {
        let _ = writeln!(
            out,
            "  {} ({}{})",
            g.written,
            g.value
                .map(|v| v.to_string())
                .or_else(|| g.magnitude.map(|m| format!("order of {m}")))
                .unwrap_or_default(),
            if g.approximate { ", approximate" } else { "" }
        );
        let _ = writeln!(out, "      {}: {}", at(&g.citation), g.citation.quote);
    }
    let _ = writeln!(out, "\nPeople, units and places");
    for e in report.entities.iter().take(40) {
        let _ = writeln!(
            out,
            "  E{:<10} {:<12} {:>4} mention{} in {} source{}  {}",
            e.id,
            e.kind,
            e.mentions,
            if e.mentions == 1 { " " } else { "s" },
            e.sources,
            if e.sources == 1 { " " } else { "s" },
            e.name
        );
    }
    let _ = writeln!(out, "\nContradictions");
    if report.contradictions.is_empty() {
        let _ = writeln!(out, "  none found");
    }
    for c in &report.contradictions {
        let _ = writeln!(
            out,
            "  {}: {} ({}) and {} ({})",
            c.kind,
            c.first.when,
            at(&c.first.citation),
            c.second.when,
            at(&c.second.citation)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn durations_and_months() {
        let six = duration("P6M").unwrap();
        assert_eq!(date(2022, 9, 1).checked_add(six).unwrap(), date(2023, 3, 1));
        assert_eq!(
            date(2022, 11, 30).checked_add(six).unwrap(),
            date(2023, 5, 30)
        );
        assert!(duration("P1Y").is_some() && duration("P2W").is_some());
        assert!(duration("PT5H").is_none() && duration("6 months").is_none());
        assert_eq!(months_between(date(2023, 5, 30), date(2024, 11, 24)), 17);
        assert_eq!(months_between(date(2023, 3, 1), date(2024, 11, 24)), 20);
        assert_eq!(months_between(date(2024, 11, 24), date(2024, 11, 24)), 0);
    }

    #[test]
    fn sentences_are_cut_at_their_ends() {
        let text = "First one. According to him, about 500 people are here. Last.";
        let start = text.find("about").unwrap();
        let (a, b) = sentence_around(text, start, start + 16);
        assert_eq!(
            chars(text, a, b),
            "According to him, about 500 people are here."
        );
    }
}
