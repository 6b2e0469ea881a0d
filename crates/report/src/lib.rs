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
use casefile_extract::Extraction;
use casefile_extract::{Claim, ClaimKind};
use casefile_records::propose::{
    self, asserted, chars, counts_people, field_name, field_text, name, sentence_around,
};
use casefile_records::vocabulary::{act, fact_kind};
use casefile_records::{ClaimIds, Record, RecordKind, Records, Status};
use jiff::civil::Date;
use serde::Serialize;

/// The report format's name and version, in its JSON.
pub const REPORT_FORMAT: &str = "casefile-report 2";

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
    /// The record of what is cited (`T3.0.5`, `V3.0.5`, `G3.0.2`, `H41`).
    pub record: String,
    /// Its status: proposed, confirmed or disputed (rejected records are
    /// left out of the report).
    pub status: String,
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
    /// Where else: the records a person merged into this one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<Citation>,
}

/// A promise and where it stands on the report's date.
#[derive(Debug, Clone, Serialize)]
pub struct PromiseStatus {
    /// What was promised (amnesty, record expunged, term of service…).
    pub promised: Vec<String>,
    /// After how long (ISO 8601), when the sentence says.
    pub after: Option<String>,
    /// Each term the sentence states, with the promise it belongs to:
    /// (`amnesty`, `P6M`), (`pay`, `P1Y`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub terms: Vec<(String, String)>,
    /// What it is counted from: the date in EDTF and the words.
    pub from: Option<(String, String)>,
    /// The sentence that gave the start, when it is a recruitment the same
    /// source dates rather than the promise's own date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Citation>,
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
    /// The pay promised in the same sentence, in words ("200,000 RUB a
    /// month").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pay: Vec<String>,
    /// When the same document says payment stopped (EDTF), for a promise
    /// of pay: "promised 200,000 RUB a month; unpaid since 2024-01".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unpaid_since: Option<String>,
    /// Where it is said.
    pub citation: Citation,
    /// Where else: the records a person merged into this one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<Citation>,
}

/// Claims of one violation kind.
#[derive(Debug, Clone, Serialize)]
pub struct Violations {
    /// The kind (ill_treatment, threat, pressure_to_sign…).
    pub kind: String,
    /// How many claims.
    pub claims: usize,
    /// The act it is filed under in HURIDOCS' terms.
    pub act: Option<String>,
    /// How many sources assert them.
    pub sources: usize,
    /// How many of those are independent: sources carrying the same
    /// sentence, word for word or copied with small changes, count once.
    pub independent: usize,
    /// The victims people linked (records' labels).
    pub victims: Vec<String>,
    /// The perpetrators people linked.
    pub perpetrators: Vec<String>,
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
    /// Where else: the records a person merged into this one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<Citation>,
}

/// A relation over time between two records.
#[derive(Debug, Clone, Serialize)]
pub struct Relation {
    /// membership, command, affiliation, succession, founder.
    pub kind: String,
    /// Who or what (the person, the old unit).
    pub subject: String,
    /// To whom or what (the unit, the ministry, the new unit).
    pub object: String,
    /// Since when (EDTF), when known.
    pub since: Option<String>,
    /// Until when (EDTF), when known.
    pub until: Option<String>,
    /// Where it is said.
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
    /// How many protected sources were left out (when they are not
    /// included): what an empty section may be missing.
    #[serde(default)]
    pub protected_left_out: usize,
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
    /// Relations over time between them.
    pub relations: Vec<Relation>,
    /// Claims that cannot both be true.
    pub contradictions: Vec<Contradiction>,
}

/// The claim's date: of its sentence's time expressions, the one nearest
/// its cue that can be placed in time.
fn claim_time(input: &Input<'_>, claim: &Claim) -> Option<(String, String, edtf::Bounds)> {
    let time = propose::claim_time(input.doc, input.extraction, claim, |e| {
        edtf::bounds(e).is_some()
    })?;
    let bounds = edtf::bounds(&time.edtf)?;
    Some((time.edtf.clone(), time.text.clone(), bounds))
}

/// Where a claim is said, with the status of what it asserts.
fn cite(input: &Input<'_>, claim: &Claim, record: &str, status: Status) -> Citation {
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
        record: record.to_owned(),
        status: status.as_str().to_owned(),
    }
}

/// A person's record cited from its first evidence, or as entered.
fn cite_record(record: &Record) -> Citation {
    let by = format!(
        "entered by {}",
        record.status_by.method.trim_start_matches("person:")
    );
    match record.evidence.first() {
        Some(e) => Citation {
            source: e.source,
            source_id: String::new(),
            source_kind: String::new(),
            document: e.document,
            field: e.field.clone(),
            start: e.start,
            end: e.end,
            quote: e.quote.clone(),
            asserted: e.asserted.clone(),
            record: record.id.clone(),
            status: record.status.as_str().to_owned(),
        },
        None => Citation {
            source: record.status_by.entry,
            source_id: String::new(),
            source_kind: "curation".to_owned(),
            document: 0,
            field: String::new(),
            start: 0,
            end: 0,
            quote: record.label.clone(),
            asserted: by,
            record: record.id.clone(),
            status: record.status.as_str().to_owned(),
        },
    }
}

/// The status a claim's items get: rejected when the claim or what it
/// asserts is; else the fact's own status if a person gave it one, else
/// the claim's.
fn claim_status(records: &Records, ids: &ClaimIds) -> Status {
    let claim = records.status(&ids.claim).unwrap_or_default();
    let fact = records.status(kept(records, &ids.fact)).unwrap_or_default();
    if claim == Status::Rejected || fact == Status::Rejected {
        Status::Rejected
    } else if fact != Status::Proposed {
        fact
    } else {
        claim
    }
}

/// The record a record was merged into, else the record itself.
fn kept<'a>(records: &'a Records, id: &'a str) -> &'a str {
    records
        .get(id)
        .and_then(|r| r.merged_into.as_deref())
        .unwrap_or(id)
}

/// Items whose records a person merged, shown once: each group of items
/// whose records were merged into one record becomes the item of the
/// record kept (else the first of the group), citing the others as `also`.
fn fold<T>(
    items: Vec<T>,
    records: &Records,
    parts: impl Fn(&mut T) -> (&Citation, &mut Vec<Citation>),
) -> Vec<T> {
    if records.iter().all(|r| r.merged_into.is_none()) {
        return items;
    }
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    let keys: Vec<(String, bool)> = slots
        .iter_mut()
        .flatten()
        .map(|item| {
            let record = &parts(item).0.record;
            let key = kept(records, record);
            (key.to_owned(), key == record)
        })
        .collect();
    let mut head: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, (key, own)) in keys.iter().enumerate() {
        if *own {
            head.entry(key).or_insert(i);
        }
    }
    for (i, (key, _)) in keys.iter().enumerate() {
        head.entry(key).or_insert(i);
    }
    for (i, (key, _)) in keys.iter().enumerate() {
        let h = head[key.as_str()];
        if h == i {
            continue;
        }
        let Some(mut item) = slots[i].take() else {
            continue;
        };
        let (citation, also) = parts(&mut item);
        let mut moved = vec![citation.clone()];
        moved.append(also);
        if let Some(target) = slots[h].as_mut() {
            parts(target).1.extend(moved);
        }
    }
    slots.into_iter().flatten().collect()
}

/// Words of a sentence, lowercased, for telling repeated text apart.
fn words(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The fewest words a sentence needs to be told apart as a copy: shorter
/// ones ("the unit was disbanded") two people may well say alike.
const COPY_MIN_WORDS: usize = 6;

/// The share of three-word runs two sentences must have in common (of all
/// the runs either has) to be one text copied with small changes: a word
/// changed or added, a name respelled, a date reworded.
const COPY_SIMILARITY: f64 = 0.5;

/// A run of three words shared by more sentences than this says nothing of
/// copying ("in the region"), and is not used to find copies.
const COMMON_RUN: usize = 64;

/// How many independent sources the citations come from: sources that
/// carry the same sentence, word for word or copied with small changes
/// (a syndicated, reposted or rewritten report), count as one.
fn independent(citations: &[Citation]) -> usize {
    let sources: Vec<u64> = citations
        .iter()
        .map(|c| c.source)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut parent: Vec<usize> = (0..sources.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    // Each long enough sentence as its set of three-word runs, with its
    // source's slot.
    let mut sentences: Vec<(usize, BTreeSet<String>)> = Vec::new();
    for c in citations {
        let Ok(slot) = sources.binary_search(&c.source) else {
            continue;
        };
        let text = words(&c.quote);
        let list: Vec<&str> = text.split(' ').filter(|w| !w.is_empty()).collect();
        if list.len() < COPY_MIN_WORDS {
            continue;
        }
        let runs = list.windows(3).map(|w| w.join(" ")).collect();
        sentences.push((slot, runs));
    }
    // Sentences found through the runs they share, rarer runs only.
    let mut with_run: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, (_, runs)) in sentences.iter().enumerate() {
        for run in runs {
            with_run.entry(run).or_default().push(i);
        }
    }
    for (i, (slot, runs)) in sentences.iter().enumerate() {
        let mut shared: BTreeMap<usize, usize> = BTreeMap::new();
        for run in runs {
            let Some(others) = with_run.get(run.as_str()) else {
                continue;
            };
            if others.len() > COMMON_RUN {
                continue;
            }
            for &j in others.iter().filter(|&&j| j > i) {
                *shared.entry(j).or_default() += 1;
            }
        }
        for (j, n) in shared {
            let (other, other_runs) = &sentences[j];
            let union = runs.len() + other_runs.len() - n;
            if other != slot && n as f64 >= COPY_SIMILARITY * union as f64 {
                let (a, b) = (root(&mut parent, *slot), root(&mut parent, *other));
                parent[a] = b;
            }
        }
    }
    (0..sources.len())
        .filter(|&i| root(&mut parent, i) == i)
        .count()
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

fn happens_once(kind: ClaimKind) -> bool {
    matches!(kind, ClaimKind::Founding | ClaimKind::Dissolution)
}

/// The claims of one violation kind so far: their citations, their
/// sources, their voices (source and who asserts), and the records of the
/// violations.
type Tally = (
    Vec<Citation>,
    BTreeSet<u64>,
    BTreeSet<(u64, String)>,
    Vec<String>,
);

/// An event on the timeline from a date and what it cites.
fn event(
    when: &str,
    written: &str,
    bounds: edtf::Bounds,
    kind: String,
    cue: String,
    citation: Citation,
) -> Event {
    Event {
        when: when.to_owned(),
        written: written.to_owned(),
        earliest: bounds.earliest,
        latest: bounds.latest,
        open: bounds.open,
        uncertain: !bounds.exact(),
        kind,
        cue,
        citation,
        also: Vec::new(),
    }
}

/// The labels of the records a record links in a role.
fn labels(records: &Records, ids: &[String], role: &str) -> Vec<String> {
    let mut out = BTreeSet::new();
    for id in ids {
        let Some(record) = records.get(id) else {
            continue;
        };
        for target in record.linked(role) {
            if let Some(t) = records.get(target).filter(|t| t.status != Status::Rejected) {
                out.insert(t.label.clone());
            }
        }
    }
    out.into_iter().collect()
}

/// Builds the report as of `as_of` from the extractions, with the records'
/// statuses (rejected items are left out), the relations and the records a
/// person made.
pub fn build(
    inputs: &[Input<'_>],
    records: &Records,
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
        let (s, d) = (input.source.index, input.document);
        // A recruitment a promise's term can run from: dated, and not
        // rejected.
        let usable_start = |n: usize, c: &Claim| {
            claim_status(records, &ClaimIds::new(s, d, n, RecordKind::Event)) != Status::Rejected
                && claim_time(input, c).is_some()
        };
        // When this document says payment stopped: the earliest it dates.
        let unpaid_since = extraction
            .claims
            .iter()
            .filter(|c| c.kind == ClaimKind::PaymentStop)
            .filter_map(|c| claim_time(input, c))
            .min_by_key(|(_, _, b)| (b.earliest, b.latest))
            .map(|(when, _, _)| when.trim_end_matches("/..").to_owned());
        for (n, claim) in extraction.claims.iter().enumerate() {
            let fact = fact_kind(claim.kind);
            let ids = ClaimIds::new(s, d, n, fact);
            let status = claim_status(records, &ids);
            if status == Status::Rejected {
                continue;
            }
            let citation = cite(input, claim, &ids.fact, status);
            let kind = name(&claim.kind);
            let time = claim_time(input, claim);
            if let Some((when, written, bounds)) = &time {
                let e = event(
                    when,
                    written,
                    *bounds,
                    kind.clone(),
                    claim.cue.clone(),
                    citation.clone(),
                );
                if happens_once(claim.kind) {
                    once.push((claim.kind, e.clone()));
                }
                timeline.push(e);
            }
            if fact == RecordKind::Violation {
                let entry = violations.entry(kind.clone()).or_default();
                entry.0.push(citation.clone());
                entry.1.insert(input.source.index);
                entry
                    .2
                    .insert((input.source.index, citation.asserted.clone()));
                entry.3.push(ids.fact.clone());
            }
            if claim.kind == ClaimKind::Promise {
                let outcome = records
                    .get(&ids.fact)
                    .and_then(|r| r.value("outcome"))
                    .map(str::to_owned);
                let after = records
                    .get(&ids.fact)
                    .and_then(|r| r.value("after"))
                    .map(str::to_owned)
                    .or_else(|| propose::release_term(extraction, claim).map(|d| d.iso.clone()))
                    .filter(|iso| duration(iso).is_some());
                let terms: Vec<(String, String)> = claim
                    .terms
                    .iter()
                    .filter_map(|t| {
                        let d = extraction.durations.get(t.duration)?;
                        Some((name(&t.promise), d.iso.clone()))
                    })
                    .collect();
                // Counted from its own date, else the recruitment the same
                // document dates nearest to it, else the day the document
                // was published (a promise made in a post is made by then).
                let start = if time.is_some() {
                    None
                } else {
                    propose::promise_start(extraction, n, usable_start)
                };
                let start_claim = start.and_then(|k| extraction.claims.get(k).map(|c| (k, c)));
                let recruitment = start_claim.and_then(|(_, c)| claim_time(input, c));
                let start = start_claim.map(|(k, c)| {
                    let ids = ClaimIds::new(s, d, k, RecordKind::Event);
                    cite(input, c, &ids.fact, claim_status(records, &ids))
                });
                let from = time.clone().or(recruitment).or_else(|| {
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
                let (state, overdue) = match (outcome.as_deref(), due) {
                    (Some("kept"), _) => ("kept", None),
                    (_, None) => ("undated", None),
                    (_, Some((early, _))) if as_of < early => ("not_yet_due", None),
                    (_, Some((_, late))) if as_of <= late => ("due", None),
                    (_, Some((early, late))) => (
                        "overdue",
                        Some((months_between(late, as_of), months_between(early, as_of))),
                    ),
                };
                // The sums in the promise's sentence are the pay promised.
                let pay: Vec<String> = claim
                    .money
                    .iter()
                    .filter_map(|&m| extraction.money.get(m))
                    .map(money_words)
                    .collect();
                let unpaid_since = if pay.is_empty() {
                    None
                } else {
                    unpaid_since.clone()
                };
                promises.push(PromiseStatus {
                    terms,
                    start,
                    pay,
                    unpaid_since,
                    promised: claim.promises.iter().map(name).collect(),
                    after,
                    from: from.map(|(when, written, _)| (when, written)),
                    due_earliest: due.map(|d| d.0),
                    due_latest: due.map(|d| d.1),
                    status: state.to_owned(),
                    overdue_months: overdue,
                    citation,
                    also: Vec::new(),
                });
            }
        }
        for (q, quantity) in extraction.quantities.iter().enumerate() {
            if !counts_people(quantity) {
                continue;
            }
            let id = format!("G{s}.{d}.{q}");
            let status = records.status(kept(records, &id)).unwrap_or_default();
            if status == Status::Rejected {
                continue;
            }
            let text: Vec<char> = field_text(input.doc, quantity.field).chars().collect();
            let (start, end) = sentence_around(&text, quantity.span.start, quantity.span.end);
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
                    quote: text[start..end].iter().collect(),
                    asserted: "the document".to_owned(),
                    record: id,
                    status: status.as_str().to_owned(),
                },
                also: Vec::new(),
            });
        }
    }
    // What people entered by hand: events and violations with their
    // dates, and groups with their counts.
    let mut relations = Vec::new();
    for record in records.iter().filter(|r| r.status != Status::Rejected) {
        let hand = record.id.starts_with('H');
        match record.kind {
            RecordKind::Event | RecordKind::Violation if hand => {
                let kind = record
                    .subtype
                    .clone()
                    .unwrap_or_else(|| record.kind.as_str().to_owned());
                let citation = cite_record(record);
                if let Some(when) = record.value("when")
                    && let Some(bounds) = edtf::bounds(when)
                {
                    timeline.push(event(
                        when,
                        when,
                        bounds,
                        kind.clone(),
                        record.label.clone(),
                        citation.clone(),
                    ));
                }
                if record.kind == RecordKind::Violation {
                    let entry = violations.entry(kind).or_default();
                    entry.1.insert(citation.source);
                    entry.2.insert((citation.source, citation.asserted.clone()));
                    entry.0.push(citation);
                    entry.3.push(record.id.clone());
                }
            }
            RecordKind::Group if hand => {
                let count = record.value("count").and_then(|c| c.parse::<f64>().ok());
                groups.push(Group {
                    written: record.label.clone(),
                    value: count,
                    magnitude: None,
                    approximate: record.value("approximate") == Some("true"),
                    noun: record.value("noun").map(str::to_owned),
                    citation: cite_record(record),
                    also: Vec::new(),
                });
            }
            // A merged relation is told by the relation it was merged into.
            RecordKind::Relation if record.merged_into.is_none() => {
                let end = |role: &str| {
                    record
                        .linked(role)
                        .filter_map(|t| records.get(t))
                        .map(|t| t.label.clone())
                        .next()
                        .unwrap_or_else(|| "(not linked)".to_owned())
                };
                relations.push(Relation {
                    kind: record.subtype.clone().unwrap_or_default(),
                    subject: end("subject"),
                    object: end("object"),
                    since: record
                        .value("since")
                        .or(record.value("when"))
                        .map(str::to_owned),
                    until: record.value("until").map(str::to_owned),
                    citation: cite_record(record),
                });
            }
            _ => {}
        }
    }
    let mut timeline = fold(timeline, records, |e: &mut Event| {
        (&e.citation, &mut e.also)
    });
    let promises = fold(promises, records, |p: &mut PromiseStatus| {
        (&p.citation, &mut p.also)
    });
    let groups = fold(groups, records, |g: &mut Group| (&g.citation, &mut g.also));
    relations.sort_by(|a, b| {
        let since = |r: &Relation| {
            r.since
                .as_deref()
                .and_then(edtf::bounds)
                .map(|b| b.earliest)
        };
        (since(a), &a.subject, &a.kind, &a.object).cmp(&(since(b), &b.subject, &b.kind, &b.object))
    });
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
        .map(|(kind, (citations, sources, voices, ids))| Violations {
            act: act(&kind).map(|a| a.huridocs.to_owned()),
            claims: citations.len(),
            sources: sources.len(),
            independent: independent(&citations),
            voices: voices.len(),
            victims: labels(records, &ids, "victim"),
            perpetrators: labels(records, &ids, "perpetrator"),
            kind,
            citations,
        })
        .collect();
    let entities = entities
        .into_iter()
        .filter(|e| records.status(&format!("E{}", e.id)) != Some(Status::Rejected))
        .collect();
    Report {
        format: REPORT_FORMAT.to_owned(),
        as_of,
        documents: inputs.len(),
        protected_included,
        protected_left_out: 0,
        timeline,
        promises,
        violations,
        groups,
        entities,
        relations,
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
    let status = if c.status == "proposed" {
        String::new()
    } else {
        format!(" [{}]", c.status)
    };
    if c.source_kind == "curation" {
        return format!("{}{status}", c.record);
    }
    let id = if c.source_id.is_empty() {
        String::new()
    } else {
        format!(" ({})", c.source_id)
    };
    format!(
        "{} source {}{id} document {}{status}",
        c.record, c.source, c.document
    )
}

/// The report's timeline as text a person reads, one event and its
/// citation per two lines.
pub fn render_timeline(report: &Report) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for e in &report.timeline {
        let when = if e.uncertain {
            format!("{} [{}]", e.when, range(e.earliest, e.latest, e.open))
        } else {
            e.when.clone()
        };
        let _ = writeln!(out, "  {when:<32} {:<18} \"{}\"", e.kind, e.written);
        let _ = writeln!(out, "      {}: {}", at(&e.citation), e.citation.quote);
        also(&mut out, &e.also);
    }
    out
}

/// An amount of money in words: "200,000 RUB a month", "about 1,500,000
/// UAH".
pub fn money_words(money: &casefile_extract::money::Money) -> String {
    let whole = money.amount.trunc();
    let amount = if (money.amount - whole).abs() < f64::EPSILON && whole.abs() < 1e15 {
        // Thousands apart with commas, as the report's other figures.
        let digits = format!("{}", whole as i64);
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 && c.is_ascii_digit() {
                grouped.push(',');
            }
            grouped.push(c);
        }
        grouped
    } else {
        money.amount.to_string()
    };
    let per = match money.period.as_deref() {
        Some("P1M") => " a month",
        Some("P1Y") => " a year",
        Some("P1W") => " a week",
        Some("P1D") => " a day",
        _ => "",
    };
    format!(
        "{}{amount} {}{per}",
        if money.approximate { "about " } else { "" },
        money.currency
    )
}

/// The line of an empty section: "no violations", and when protected
/// sources were left out, that they may hold some and how to include them.
pub fn nothing(report: &Report, what: &str) -> String {
    if report.protected_included || report.protected_left_out == 0 {
        return format!("  no {what}\n");
    }
    let n = report.protected_left_out;
    format!(
        "  no {what} in the sources read; {n} protected source{} (testimonies, complaints) {} left out: `--include-protected` includes {}\n",
        if n == 1 { "" } else { "s" },
        if n == 1 { "is" } else { "are" },
        if n == 1 { "it" } else { "them" },
    )
}

/// The lines of the citations of records merged into an item.
fn also(out: &mut String, citations: &[Citation]) {
    use std::fmt::Write as _;
    for c in citations {
        let _ = writeln!(out, "      also {}: {}", at(c), c.quote);
    }
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
    if report.timeline.is_empty() {
        out.push_str(&nothing(report, "dated events"));
    }
    out.push_str(&render_timeline(report));
    let _ = writeln!(out, "\nPromises");
    if report.promises.is_empty() {
        out.push_str(&nothing(report, "promises"));
    }
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
            ("kept", ..) => "kept, a person recorded".to_owned(),
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
        if p.terms.len() > 1 {
            let terms: Vec<String> = p
                .terms
                .iter()
                .map(|(kind, iso)| {
                    // Pay and benefits last a term; a release comes after one.
                    let word = if matches!(kind.as_str(), "pay" | "benefits") {
                        "for"
                    } else {
                        "after"
                    };
                    format!("{} {word} {iso}", kind.replace('_', " "))
                })
                .collect();
            let _ = writeln!(out, "      terms: {}", terms.join("; "));
        }
        if !p.pay.is_empty() {
            let unpaid = p
                .unpaid_since
                .as_deref()
                .map(|since| format!("; unpaid since {since}"))
                .unwrap_or_default();
            let _ = writeln!(out, "      promised {}{unpaid}", p.pay.join(", "));
        }
        let _ = writeln!(out, "      {}: {}", at(&p.citation), p.citation.quote);
        if let Some(start) = &p.start
            && start.quote != p.citation.quote
        {
            let _ = writeln!(out, "      start: {}: {}", at(start), start.quote);
        }
        also(&mut out, &p.also);
    }
    let _ = writeln!(out, "\nViolations");
    if report.violations.is_empty() {
        out.push_str(&nothing(report, "violations"));
    }
    for v in &report.violations {
        let _ = writeln!(
            out,
            "  {}{}: {} claim{} in {} source{} ({} independent), {} voice{}",
            v.kind,
            v.act
                .as_deref()
                .map(|a| format!(" [{a}]"))
                .unwrap_or_default(),
            v.claims,
            if v.claims == 1 { "" } else { "s" },
            v.sources,
            if v.sources == 1 { "" } else { "s" },
            v.independent,
            v.voices,
            if v.voices == 1 { "" } else { "s" }
        );
        if !v.victims.is_empty() {
            let _ = writeln!(out, "      victims: {}", v.victims.join("; "));
        }
        if !v.perpetrators.is_empty() {
            let _ = writeln!(out, "      perpetrators: {}", v.perpetrators.join("; "));
        }
        for c in &v.citations {
            let _ = writeln!(out, "      {} ({}): {}", at(c), c.asserted, c.quote);
        }
    }
    let _ = writeln!(out, "\nGroups");
    if report.groups.is_empty() {
        out.push_str(&nothing(report, "counted groups"));
    }
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
        also(&mut out, &g.also);
    }
    let _ = writeln!(out, "\nPeople, units and places");
    if report.entities.is_empty() {
        // Names in protected sources are never resolved into entities, so
        // including them would not fill this section.
        let sealed = report.protected_included || report.protected_left_out > 0;
        let _ = writeln!(
            out,
            "  no people, units or places{}",
            if sealed {
                " (the names in protected sources stay sealed: they are not resolved into entities)"
            } else {
                ""
            }
        );
    }
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
    let _ = writeln!(out, "\nRelations over time");
    if report.relations.is_empty() {
        let _ = writeln!(out, "  none recorded");
    }
    for r in &report.relations {
        let when = match (&r.since, &r.until) {
            (Some(a), Some(b)) => format!(" ({a} to {b})"),
            (Some(a), None) => format!(" (since {a})"),
            (None, Some(b)) => format!(" (until {b})"),
            (None, None) => String::new(),
        };
        let _ = writeln!(out, "  {} {} {}{when}", r.subject, r.kind, r.object);
        let _ = writeln!(out, "      {}: {}", at(&r.citation), r.citation.quote);
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

    fn cited(source: u64, quote: &str) -> Citation {
        Citation {
            source,
            source_id: String::new(),
            source_kind: "news".to_owned(),
            document: 0,
            field: "text".to_owned(),
            start: 0,
            end: quote.chars().count(),
            quote: quote.to_owned(),
            asserted: "the document".to_owned(),
            record: format!("V{source}.0.0"),
            status: "proposed".to_owned(),
        }
    }

    #[test]
    fn copies_count_once() {
        let told = "Recruits of the Storm battalion were beaten by their commanders in March 2023.";
        let cases: &[(&[&str], usize)] = &[
            // The same sentence in two sources.
            (&[told, told], 1),
            // Copied with a word changed and a name respelled.
            (
                &[
                    told,
                    "Recruits of the Shtorm battalion were beaten by their commanders in March.",
                ],
                1,
            ),
            // The same event in other words.
            (
                &[
                    told,
                    "Commanders beat several new recruits in the battalion's camp, a witness said.",
                ],
                2,
            ),
            // Too short to tell a copy from two people saying the same.
            (&["They were beaten.", "They were beaten."], 2),
            // Copies chain: a copy of a copy is one source too.
            (
                &[
                    told,
                    "Recruits of the Storm battalion were beaten by their commanders in March 2023, a source said.",
                    "Recruits of the Storm battalion were beaten by their commanders in 2023, a source said.",
                    "Commanders beat several new recruits in the battalion's camp, a witness said.",
                ],
                2,
            ),
        ];
        for (quotes, expected) in cases {
            let citations: Vec<Citation> = quotes
                .iter()
                .enumerate()
                .map(|(i, q)| cited(i as u64, q))
                .collect();
            assert_eq!(independent(&citations), *expected, "{quotes:?}");
        }
        // Two sentences in one source are one source however they read.
        assert_eq!(independent(&[cited(4, told), cited(4, "Other words.")]), 1);
    }

    #[test]
    fn sentences_are_cut_at_their_ends() {
        let text = "First one. According to him, about 500 people are here. Last.";
        let start = text.find("about").unwrap();
        let all: Vec<char> = text.chars().collect();
        let (a, b) = sentence_around(&all, start, start + 16);
        assert_eq!(
            chars(text, a, b),
            "According to him, about 500 people are here."
        );
        // Abbreviations and initials end no sentence (issue: promises read
        // right from a documenter's notes).
        for (text, inside, sentence) in [
            (
                "Notes. In October 2023 recruiters came to penal colony No. 7 in Donetsk. Then more.",
                "October",
                "In October 2023 recruiters came to penal colony No. 7 in Donetsk.",
            ),
            (
                "Запись. В колонию № 2 им. Ленина приехал ген. Соколов. Потом уехал.",
                "приехал",
                "В колонию № 2 им. Ленина приехал ген. Соколов.",
            ),
            (
                "Їх тримали у м. Донецьк на вул. Шевченка. Розформували у 2024 р. Бійців перевели.",
                "тримали",
                "Їх тримали у м. Донецьк на вул. Шевченка.",
            ),
        ] {
            let start = text[..text.find(inside).unwrap()].chars().count();
            let all: Vec<char> = text.chars().collect();
            let (a, b) = sentence_around(&all, start, start + 3);
            assert_eq!(chars(text, a, b), sentence, "{text}");
        }
        let text = "Розформували у 2024 р. Бійців перевели.";
        let all: Vec<char> = text.chars().collect();
        assert_eq!(
            chars(text, 0, sentence_around(&all, 0, 3).1),
            "Розформували у 2024 р."
        );
    }
}
