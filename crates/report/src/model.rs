//! The report's model: what it says, as plain serializable types, for any
//! front end to show (the text renderer, a web page, an export).

use super::*;

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

/// A source a report leaves out for want of consent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Withheld {
    /// The source's log index.
    pub source: u64,
    /// Why, naming the witness by pseudonym.
    pub why: String,
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
    /// Protected sources left out of a report that includes protected
    /// material, because a witness of theirs has not consented to internal
    /// analysis (or withdrew), with why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub withheld: Vec<Withheld>,
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
