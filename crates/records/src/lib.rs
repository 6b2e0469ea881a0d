//! The case model: what a case holds once its sources are read, extracted
//! and resolved, as records a person can confirm, reject, dispute, edit and
//! add to (`docs/formats/records.md`).
//!
//! A record is one of the [`RecordKind`]s: a person, organization or place
//! (the resolved entities), a group of people in the same situation with
//! its estimated count, a relation over time between two of them, an
//! engagement (a recruitment or contract) with its promises, an event, a
//! violation (with its act in HURIDOCS' terms, see [`vocabulary`]), and the
//! claims that assert them. Every value carries its provenance: the method
//! that set it (the extractor and its version, or the person) and the log
//! entry it came from; every record carries its evidence (source, document,
//! span, quote) and a status: `proposed` by the machine, then `confirmed`,
//! `rejected` or `disputed` by a person.
//!
//! The records are a function of the case's log: [`propose`] makes them
//! from the extractions, then each person's [`Action`] recorded in the log
//! is [applied](Records::apply) in log order. Rebuilding from nothing
//! therefore gives the same records. This crate does no I/O.

pub mod action;
pub mod duplicates;
pub mod propose;
pub mod vocabulary;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use action::{ACTION_FORMAT, Action, ActionError, ActionKind, MAX_ACTION_LEN};
pub use propose::{DocumentInput, EntityInput, propose};

/// What a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// A person (a resolved entity).
    Person,
    /// An organization: a military unit, ministry, outlet, court, body or
    /// company (a resolved entity).
    Organization,
    /// A place (a resolved entity).
    Place,
    /// People in the same situation, with an estimated count.
    Group,
    /// A relation over time between two records: membership, command,
    /// affiliation, succession, founder.
    Relation,
    /// A recruitment or contract, with its party and its promises.
    Engagement,
    /// What an engagement promised (term of service, amnesty, pay...), and
    /// what happened instead.
    Promise,
    /// Something that happened (recruitment, assignment, payment stop,
    /// dissolution, award, founding, complaint filed, lawsuit announced).
    Event,
    /// A violation, with its act, victims and perpetrators.
    Violation,
    /// Who asserts what, quoting which span.
    Claim,
}

impl RecordKind {
    /// Every kind, in the order reports list them.
    pub const ALL: [RecordKind; 10] = [
        RecordKind::Person,
        RecordKind::Organization,
        RecordKind::Place,
        RecordKind::Group,
        RecordKind::Relation,
        RecordKind::Engagement,
        RecordKind::Promise,
        RecordKind::Event,
        RecordKind::Violation,
        RecordKind::Claim,
    ];

    /// Its name as written in records and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Person => "person",
            RecordKind::Organization => "organization",
            RecordKind::Place => "place",
            RecordKind::Group => "group",
            RecordKind::Relation => "relation",
            RecordKind::Engagement => "engagement",
            RecordKind::Promise => "promise",
            RecordKind::Event => "event",
            RecordKind::Violation => "violation",
            RecordKind::Claim => "claim",
        }
    }

    /// The kind a name names.
    pub fn parse(text: &str) -> Option<RecordKind> {
        RecordKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// Where a record stands with the people who curate the case.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Made by the machine, or by a person, and not yet judged.
    #[default]
    Proposed,
    /// A person confirmed it.
    Confirmed,
    /// A person rejected it: reports leave it out.
    Rejected,
    /// A person marked it disputed: reports show it, marked so.
    Disputed,
}

impl Status {
    /// Its name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Proposed => "proposed",
            Status::Confirmed => "confirmed",
            Status::Rejected => "rejected",
            Status::Disputed => "disputed",
        }
    }
}

/// Who or what set something, and from which log entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// `casefile-extract@0.1.0` (the extractor and its version, or
    /// `casefile-resolve@…` for entities) or `person:NAME`.
    pub method: String,
    /// The log index of the entry it came from: the source it was
    /// extracted from, or the person's recorded action.
    pub entry: u64,
    /// When that entry was logged (RFC 3339), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

/// A value of a record, with its provenance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Value {
    /// The value, as text (EDTF for times, ISO 8601 for durations, a
    /// number for counts).
    pub value: String,
    /// Who or what set it.
    pub by: Provenance,
}

/// A link from a record to another, in a role.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Link {
    /// The role the other record plays (see [`vocabulary::ROLES`]).
    pub role: String,
    /// The other record's id.
    pub target: String,
}

/// Where a record is said: a span of a document of a source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// The source's log index.
    pub source: u64,
    /// The document's ordinal in the source.
    pub document: u64,
    /// The part of the document the span counts in (`text`, `title`...).
    pub field: String,
    /// Where the span starts, in characters of the field.
    pub start: usize,
    /// Where it ends.
    pub end: usize,
    /// The words of the span, as written.
    pub quote: String,
    /// Who asserts it: `the document`, `quoted: SPEAKER`, `reported: WHO`.
    pub asserted: String,
}

/// One thing a person did to a record, as its history keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// What was done (`create`, `edit`, `confirm`, `reject`, `dispute`).
    pub action: String,
    /// Who did it, and the log entry that records it.
    pub by: Provenance,
    /// Why, in the person's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The other record of a merge or split: the one folded in, on the
    /// record kept; the one kept, on the record folded in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with: Option<String>,
}

/// One record of the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// Its id (see `docs/formats/records.md`): `E3.0.1` for an entity,
    /// `C3.0.5` for the claim of source 3, document 0, claim 5, `H41` for
    /// a record a person made in log entry 41.
    pub id: String,
    /// What it is.
    pub kind: RecordKind,
    /// Its kind within its kind: the claim or event kind, the relation
    /// kind, the violation's act, what a promise is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtype: Option<String>,
    /// A line a person reads.
    pub label: String,
    /// Where it stands.
    pub status: Status,
    /// Who or what gave it its status.
    pub status_by: Provenance,
    /// Its values by name (`when`, `until`, `count`, `after`...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub values: BTreeMap<String, Value>,
    /// Its links to other records.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    /// Where it is said.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    /// What people did to it, in log order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<Step>,
    /// The record it was merged into: a person found both tell the same
    /// thing. Reports show it as part of that record, with its evidence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<String>,
}

impl Record {
    /// A value by name.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(|v| v.value.as_str())
    }

    /// The targets of its links in a role.
    pub fn linked<'a>(&'a self, role: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.links
            .iter()
            .filter(move |l| l.role == role)
            .map(|l| l.target.as_str())
    }
}

/// The records of a case, by id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Records {
    /// Every record, in id order.
    pub by_id: BTreeMap<String, Record>,
}

impl Records {
    /// The records proposed, keyed by id (a later record of the same id
    /// replaces an earlier one).
    pub fn new(records: impl IntoIterator<Item = Record>) -> Records {
        Records {
            by_id: records.into_iter().map(|r| (r.id.clone(), r)).collect(),
        }
    }

    /// A record by id.
    pub fn get(&self, id: &str) -> Option<&Record> {
        self.by_id.get(id)
    }

    /// How many records there are.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// Every record, in id order.
    pub fn iter(&self) -> impl Iterator<Item = &Record> {
        self.by_id.values()
    }

    /// The status of a record, if it exists.
    pub fn status(&self, id: &str) -> Option<Status> {
        self.by_id.get(id).map(|r| r.status)
    }

    /// The records merged into a record, in id order.
    pub fn merged_into<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Record> + 'a {
        self.by_id
            .values()
            .filter(move |r| r.merged_into.as_deref() == Some(id))
    }

    /// The records with the ones merged into others folded in: each kept
    /// record gains the evidence, links and values (those it lacks) of the
    /// records merged into it, and links to a merged record lead to the
    /// record it was merged into. Merged records stay, marked, so that
    /// their ids still answer; readers of the case leave them out.
    pub fn folded(self) -> Records {
        let mut out = self;
        let merged: Vec<(String, String)> = out
            .by_id
            .values()
            .filter_map(|r| Some((r.id.clone(), r.merged_into.clone()?)))
            .collect();
        if merged.is_empty() {
            return out;
        }
        let kept_of: BTreeMap<&str, &str> = merged
            .iter()
            .map(|(from, into)| (from.as_str(), into.as_str()))
            .collect();
        for (from, into) in &merged {
            // Only the merged records are copied, to fold them in.
            let Some(source) = out.by_id.get(from).cloned() else {
                continue;
            };
            let Some(kept) = out.by_id.get_mut(into) else {
                continue;
            };
            for e in &source.evidence {
                if !kept.evidence.contains(e) {
                    kept.evidence.push(e.clone());
                }
            }
            for l in &source.links {
                if !kept.links.contains(l) {
                    kept.links.push(l.clone());
                }
            }
            for (name, value) in &source.values {
                kept.values
                    .entry(name.clone())
                    .or_insert_with(|| value.clone());
            }
        }
        for record in out.by_id.values_mut() {
            if record.merged_into.is_some() {
                continue;
            }
            let mut links: Vec<Link> = Vec::with_capacity(record.links.len());
            for l in &record.links {
                let target = kept_of.get(l.target.as_str()).copied().unwrap_or(&l.target);
                let l = Link {
                    role: l.role.clone(),
                    target: target.to_owned(),
                };
                // A record merged into this one is not linked to it.
                if l.target != record.id && !links.contains(&l) {
                    links.push(l);
                }
            }
            record.links = links;
        }
        out
    }
}

/// The ids the parts of one claim's records get, from where the claim is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimIds {
    /// The claim (`C3.0.5`).
    pub claim: String,
    /// The event, violation or promise it asserts (`V3.0.5`, `P3.0.5`,
    /// `T3.0.5` for events).
    pub fact: String,
}

impl ClaimIds {
    /// The ids for claim `claim` of document `document` of source `source`.
    pub fn new(source: u64, document: u64, claim: usize, kind: RecordKind) -> ClaimIds {
        let letter = match kind {
            RecordKind::Violation => 'V',
            RecordKind::Promise => 'P',
            _ => 'T',
        };
        ClaimIds {
            claim: format!("C{source}.{document}.{claim}"),
            fact: format!("{letter}{source}.{document}.{claim}"),
        }
    }
}
