//! Records proposed from what was extracted and resolved: one record per
//! entity, claim, asserted fact, group and relation cue, each `proposed`,
//! each citing its sentence (`docs/formats/records.md` lists the ids).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use casefile_document::Document;
use casefile_extract::claim::{Assertion, Claim, ClaimKind};
use casefile_extract::ner::EntityKind;
use casefile_extract::time::TimeMention;
use casefile_extract::{Extraction, Field};
use serde::Serialize;

use crate::vocabulary::{act, fact_kind};
use crate::{ClaimIds, Evidence, Link, Provenance, Record, RecordKind, Status, Value};

/// One document's extraction, with where it is and what its mentions were
/// resolved to.
#[derive(Debug, Clone, Copy)]
pub struct DocumentInput<'a> {
    /// The source's log index.
    pub source: u64,
    /// The document's ordinal in the source.
    pub document: u64,
    /// When the source was logged (RFC 3339).
    pub logged_at: Option<&'a str>,
    /// The document.
    pub doc: &'a Document,
    /// What was extracted from it.
    pub extraction: &'a Extraction,
    /// For each of the extraction's mentions, the id of the entity record
    /// it was resolved to (`E3.0.1`), if any.
    pub entities: &'a [Option<String>],
}

/// A resolved entity, for its record.
#[derive(Debug, Clone)]
pub struct EntityInput {
    /// Its record id (`E3.0.1`).
    pub id: String,
    /// person, organization or place.
    pub kind: RecordKind,
    /// Its fullest name.
    pub name: String,
    /// How many mentions it has.
    pub mentions: u64,
    /// In how many sources.
    pub sources: u64,
    /// The source it was first mentioned in.
    pub first_source: u64,
    /// What resolved it (`casefile-resolve@0.1.0`).
    pub resolver: String,
}

/// A serialized enum's name (`payment_stop`).
pub fn name<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// A field's name in citations: `text`, `title`, `subtitle`, `caption 2`.
pub fn field_name(field: Field) -> String {
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

/// The text of a field of a document (empty when it has none).
pub fn field_text(doc: &Document, field: Field) -> &str {
    field.text(doc).unwrap_or("")
}

/// Characters `start..end` of a text.
pub fn chars(text: &str, start: usize, end: usize) -> String {
    text.chars()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect()
}

/// The sentence around a span of a text (given as its characters): from
/// the last sentence end before it to the next one after it.
pub fn sentence_around(chars: &[char], start: usize, end: usize) -> (usize, usize) {
    // A period after an initial or an abbreviation ("No. 7", "г. Донецк")
    // ends nothing, as in the claims' sentences.
    let is_end_at = |i: usize| match chars[i] {
        '!' | '?' | '\n' => true,
        '.' => {
            // The letters before it and what stands before them: a few
            // dozen characters are enough.
            let before: String = chars[i.saturating_sub(48)..i].iter().collect();
            let (word, after_number) =
                casefile_extract::abbreviation::word_before(&before, before.len());
            !casefile_extract::abbreviation::keeps_sentence(&word, after_number)
        }
        _ => false,
    };
    let mut from = start.min(chars.len());
    while from > 0 && !is_end_at(from - 1) {
        from -= 1;
    }
    while from < chars.len() && chars[from].is_whitespace() {
        from += 1;
    }
    let mut to = end.min(chars.len());
    while to < chars.len() && !is_end_at(to) {
        to += 1;
    }
    if to < chars.len() && chars[to] != '\n' {
        to += 1;
    }
    (from, to)
}

/// Who asserts a claim, in words.
pub fn asserted(assertion: &Assertion) -> String {
    match assertion {
        Assertion::Document => "the document".to_owned(),
        Assertion::Quoted { speaker } => format!("quoted: {speaker}"),
        Assertion::Reported { source } => format!("reported: {source}"),
    }
}

/// The claim's time: of its sentence's time expressions, the one nearest
/// its cue.
pub fn claim_time<'e>(
    doc: &Document,
    extraction: &'e Extraction,
    claim: &Claim,
    valid: impl Fn(&str) -> bool,
) -> Option<&'e TimeMention> {
    let text = field_text(doc, claim.field);
    let sentence = chars(text, claim.span.start, claim.span.end);
    let cue_at = sentence
        .find(&claim.cue)
        .map(|byte| claim.span.start + sentence[..byte].chars().count())
        .unwrap_or(claim.span.start);
    claim
        .times
        .iter()
        .filter_map(|&n| extraction.times.get(n))
        .filter(|t| t.field == claim.field && valid(&t.edtf))
        .min_by_key(|t| {
            let (start, end) = (t.span.start, t.span.end);
            if cue_at < start {
                start - cue_at
            } else {
                cue_at.saturating_sub(end)
            }
        })
}

/// The recruitment, signing or enlistment a promise's term runs from: of
/// the document's recruitment claims that `usable` accepts (one that gives
/// a time, and that nobody rejected), the one in the promise's own
/// sentence, else the one in the nearest sentence of the same field (the
/// one before, on a tie). Its index in the extraction's claims.
pub fn promise_start(
    extraction: &Extraction,
    promise: usize,
    usable: impl Fn(usize, &Claim) -> bool,
) -> Option<usize> {
    let claim = extraction.claims.get(promise)?;
    extraction
        .claims
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind == ClaimKind::Recruitment && c.field == claim.field)
        .filter(|(n, c)| usable(*n, c))
        .min_by_key(|(_, c)| {
            if c.span == claim.span {
                (0, false)
            } else if c.span.end <= claim.span.start {
                (claim.span.start - c.span.end + 1, false)
            } else {
                (c.span.start.saturating_sub(claim.span.end) + 1, true)
            }
        })
        .map(|(n, _)| n)
}

/// The term a promise's release is due after: the duration bound to a
/// promise of release (amnesty or records expunged first, then the end of
/// service, then leave); when the sentence names no kind of promise its words could
/// govern, its first duration.
pub fn release_term<'e>(
    extraction: &'e Extraction,
    claim: &Claim,
) -> Option<&'e casefile_extract::duration::DurationMention> {
    if claim.terms.is_empty() {
        return claim
            .durations
            .first()
            .and_then(|&k| extraction.durations.get(k));
    }
    claim
        .terms
        .iter()
        .filter_map(|t| t.promise.release_order().map(|order| (order, t)))
        .min_by_key(|(order, _)| *order)
        .and_then(|(_, t)| extraction.durations.get(t.duration))
}

/// Whether a quantity counts people (it has a counted noun and a number,
/// range or magnitude).
pub fn counts_people(q: &casefile_extract::quantity::Quantity) -> bool {
    q.noun.is_some() && (q.value.is_some() || q.magnitude.is_some() || q.low.is_some())
}

/// Cues of relations between a person and an organization named in one
/// sentence, in the three languages.
fn relation_cue(sentence: &str) -> Option<&'static str> {
    static CUES: OnceLock<Vec<(&'static str, Vec<&'static str>)>> = OnceLock::new();
    let cues = CUES.get_or_init(|| {
        vec![
            (
                "command",
                vec![
                    "commander",
                    "commanded by",
                    "commands",
                    "командир",
                    "командующ",
                    "под командованием",
                    "командувач",
                    "під командуванням",
                ],
            ),
            (
                "membership",
                vec![
                    "member of",
                    "fighter of",
                    "fighters of",
                    "served in",
                    "serving in",
                    "боец",
                    "бойцы",
                    "служил в",
                    "служит в",
                    "боєць",
                    "бійці",
                    "служив у",
                    "служить у",
                ],
            ),
        ]
    });
    let lower = sentence.to_lowercase();
    cues.iter()
        .find(|(_, words)| words.iter().any(|w| lower.contains(w)))
        .map(|(kind, _)| *kind)
}

struct Maker<'a> {
    input: &'a DocumentInput<'a>,
    by: Provenance,
}

impl Maker<'_> {
    fn value(&self, value: impl Into<String>) -> Value {
        Value {
            value: value.into(),
            by: self.by.clone(),
        }
    }

    fn record(
        &self,
        id: String,
        kind: RecordKind,
        subtype: Option<String>,
        label: String,
    ) -> Record {
        Record {
            id,
            kind,
            subtype,
            label,
            status: Status::Proposed,
            status_by: self.by.clone(),
            values: BTreeMap::new(),
            links: Vec::new(),
            evidence: Vec::new(),
            history: Vec::new(),
            merged_into: None,
        }
    }

    fn evidence(&self, field: Field, start: usize, end: usize, asserted: String) -> Evidence {
        Evidence {
            source: self.input.source,
            document: self.input.document,
            field: field_name(field),
            start,
            end,
            quote: chars(field_text(self.input.doc, field), start, end),
            asserted,
        }
    }

    fn entity(&self, mention: usize) -> Option<&str> {
        self.input.entities.get(mention)?.as_deref()
    }

    fn links(&self, role: &str, mentions: &[usize]) -> Vec<Link> {
        let mut seen = BTreeSet::new();
        mentions
            .iter()
            .filter_map(|&m| self.entity(m))
            .filter(|id| seen.insert(*id))
            .map(|id| Link {
                role: role.to_owned(),
                target: id.to_owned(),
            })
            .collect()
    }
}

/// The records of a case before any person acted on them, in id order.
/// `valid_time` says whether an EDTF value can be placed in time (the
/// claim's time is the nearest valid one).
pub fn propose(
    documents: &[DocumentInput<'_>],
    entities: &[EntityInput],
    valid_time: &dyn Fn(&str) -> bool,
) -> Vec<Record> {
    let mut out: BTreeMap<String, Record> = BTreeMap::new();
    for e in entities {
        let by = Provenance {
            method: e.resolver.clone(),
            entry: e.first_source,
            at: None,
        };
        let mut values = BTreeMap::new();
        for (name, value) in [("mentions", e.mentions), ("sources", e.sources)] {
            values.insert(
                name.to_owned(),
                Value {
                    value: value.to_string(),
                    by: by.clone(),
                },
            );
        }
        out.insert(
            e.id.clone(),
            Record {
                id: e.id.clone(),
                kind: e.kind,
                subtype: None,
                label: e.name.clone(),
                status: Status::Proposed,
                status_by: by,
                values,
                links: Vec::new(),
                evidence: Vec::new(),
                history: Vec::new(),
                merged_into: None,
            },
        );
    }
    for input in documents {
        propose_document(input, valid_time, &mut out);
    }
    out.into_values().collect()
}

fn propose_document(
    input: &DocumentInput<'_>,
    valid_time: &dyn Fn(&str) -> bool,
    out: &mut BTreeMap<String, Record>,
) {
    let extraction = input.extraction;
    let maker = Maker {
        input,
        by: Provenance {
            method: extraction.extractor.replace(' ', "@"),
            entry: input.source,
            at: input.logged_at.map(str::to_owned),
        },
    };
    let (s, d) = (input.source, input.document);
    // Groups: every count of people, citing its sentence.
    let mut groups: Vec<(Field, usize, usize, String)> = Vec::new();
    let mut field_chars: BTreeMap<String, Vec<char>> = BTreeMap::new();
    let mut chars_of = |field: Field| -> Vec<char> {
        field_chars
            .entry(field_name(field))
            .or_insert_with(|| field_text(input.doc, field).chars().collect())
            .clone()
    };
    for (n, q) in extraction.quantities.iter().enumerate() {
        if !counts_people(q) {
            continue;
        }
        let text = chars_of(q.field);
        let (start, end) = sentence_around(&text, q.span.start, q.span.end);
        let id = format!("G{s}.{d}.{n}");
        let mut record = maker.record(
            id.clone(),
            RecordKind::Group,
            None,
            format!("{} ({})", q.noun.as_deref().unwrap_or_default(), q.text),
        );
        let count = q
            .value
            .map(|v| v.to_string())
            .or_else(|| q.magnitude.map(|m| format!("order of {m}")));
        for (key, value) in [
            ("count", count),
            ("low", q.low.map(|v| v.to_string())),
            ("high", q.high.map(|v| v.to_string())),
            ("approximate", Some(q.approximate.to_string())),
            ("noun", q.noun.clone()),
            ("written", Some(q.text.clone())),
        ] {
            if let Some(value) = value {
                record.values.insert(key.to_owned(), maker.value(value));
            }
        }
        record
            .evidence
            .push(maker.evidence(q.field, start, end, "the document".to_owned()));
        groups.push((q.field, start, end, id.clone()));
        out.insert(id, record);
    }
    // Claims, and the facts they assert.
    let mut engagement_promises = Vec::new();
    let mut engagement_parties = Vec::new();
    let mut engagement_when: Option<String> = None;
    for (n, claim) in extraction.claims.iter().enumerate() {
        let kind = name(&claim.kind);
        let fact = fact_kind(claim.kind);
        let ids = ClaimIds::new(s, d, n, fact);
        let who = asserted(&claim.asserted);
        let evidence = maker.evidence(claim.field, claim.span.start, claim.span.end, who.clone());
        let time = claim_time(input.doc, extraction, claim, valid_time);
        let participants = maker.links("participant", &claim.mentions);
        let mut record = maker.record(
            ids.claim.clone(),
            RecordKind::Claim,
            Some(kind.clone()),
            format!("{kind}: {}", claim.cue),
        );
        record
            .values
            .insert("cue".to_owned(), maker.value(&claim.cue));
        record
            .values
            .insert("asserted".to_owned(), maker.value(&who));
        if let Some(t) = time {
            record
                .values
                .insert("when".to_owned(), maker.value(&t.edtf));
            record
                .values
                .insert("when_written".to_owned(), maker.value(&t.text));
        }
        record.links.clone_from(&participants);
        // Who tells of it is a source of the account.
        record.links.extend(maker.links("told_by", &claim.tellers));
        record.links.push(Link {
            role: "fact".to_owned(),
            target: ids.fact.clone(),
        });
        record.evidence.push(evidence.clone());
        out.insert(ids.claim.clone(), record);

        let mut fact_record =
            maker.record(ids.fact.clone(), fact, Some(kind.clone()), String::new());
        fact_record.label = match fact {
            RecordKind::Promise => {
                let what: Vec<String> = claim.promises.iter().map(name).collect();
                if what.is_empty() {
                    "promise".to_owned()
                } else {
                    format!("promise: {}", what.join(", "))
                }
            }
            _ => kind.replace('_', " "),
        };
        if let Some(t) = time {
            fact_record
                .values
                .insert("when".to_owned(), maker.value(&t.edtf));
        }
        fact_record.links.clone_from(&participants);
        fact_record.links.push(Link {
            role: "claim".to_owned(),
            target: ids.claim.clone(),
        });
        fact_record.evidence.push(evidence);
        match fact {
            RecordKind::Violation => {
                if let Some(a) = act(&kind) {
                    fact_record
                        .values
                        .insert("huridocs_act".to_owned(), maker.value(a.huridocs));
                }
                // The people it happened to: a counted group in its sentence.
                for (field, start, end, group) in &groups {
                    if *field == claim.field && *start <= claim.span.end && claim.span.start <= *end
                    {
                        fact_record.links.push(Link {
                            role: "victim".to_owned(),
                            target: group.clone(),
                        });
                    }
                }
            }
            RecordKind::Promise => {
                let promised: Vec<String> = claim.promises.iter().map(name).collect();
                if !promised.is_empty() {
                    fact_record
                        .values
                        .insert("promised".to_owned(), maker.value(promised.join(",")));
                }
                if let Some(after) = release_term(extraction, claim) {
                    fact_record
                        .values
                        .insert("after".to_owned(), maker.value(&after.iso));
                }
                // What the term runs from, when the promise gives no date
                // of its own: the recruitment the same source dates, and
                // which sentence says so.
                let start = time.is_none().then(|| {
                    promise_start(extraction, n, |_, c| {
                        claim_time(input.doc, extraction, c, valid_time).is_some()
                    })
                });
                if let Some(k) = start.flatten()
                    && let Some(t) = extraction
                        .claims
                        .get(k)
                        .and_then(|c| claim_time(input.doc, extraction, c, valid_time))
                {
                    fact_record
                        .values
                        .insert("start".to_owned(), maker.value(&t.edtf));
                    fact_record.links.push(Link {
                        role: "start".to_owned(),
                        target: ClaimIds::new(s, d, k, RecordKind::Event).claim,
                    });
                }
                fact_record.links.push(Link {
                    role: "engagement".to_owned(),
                    target: format!("N{s}.{d}"),
                });
                engagement_promises.push(ids.fact.clone());
            }
            _ => {}
        }
        if claim.kind == ClaimKind::Recruitment {
            engagement_parties.extend(claim.mentions.iter().copied());
            if let Some(t) = time {
                engagement_when.get_or_insert_with(|| t.edtf.clone());
            }
        }
        out.insert(ids.fact.clone(), fact_record);
        // A founding with a person and an organization in its sentence: the
        // person founded it.
        if claim.kind == ClaimKind::Founding {
            let first_of = |kind: EntityKind| {
                claim
                    .mentions
                    .iter()
                    .copied()
                    .find(|&m| extraction.mentions.get(m).is_some_and(|x| x.kind == kind))
            };
            if let (Some(p), Some(o)) = (
                first_of(EntityKind::Person),
                first_of(EntityKind::Organization),
            ) {
                relation(
                    &maker,
                    out,
                    format!("R{s}.{d}.{n}"),
                    "founder",
                    p,
                    o,
                    time,
                    claim.field,
                    claim.span.start,
                    claim.span.end,
                );
            }
        }
    }
    let has_engagement = !engagement_promises.is_empty()
        || extraction
            .claims
            .iter()
            .any(|c| c.kind == ClaimKind::Recruitment);
    if has_engagement {
        let id = format!("N{s}.{d}");
        let mut record = maker.record(
            id.clone(),
            RecordKind::Engagement,
            Some("recruitment".to_owned()),
            "recruitment and its promises".to_owned(),
        );
        if let Some(when) = engagement_when {
            record.values.insert("when".to_owned(), maker.value(when));
        }
        let party: Vec<usize> = engagement_parties
            .into_iter()
            .filter(|&m| {
                extraction
                    .mentions
                    .get(m)
                    .is_some_and(|x| x.kind == EntityKind::Organization)
            })
            .collect();
        record.links.extend(maker.links("party", &party));
        record
            .links
            .extend(engagement_promises.into_iter().map(|p| Link {
                role: "promise".to_owned(),
                target: p,
            }));
        out.insert(id, record);
    }
    // Relations a sentence names: a person and an organization with a cue
    // of command or membership between them.
    let mut seen: BTreeSet<(String, String, &str)> = BTreeSet::new();
    for (m, mention) in extraction.mentions.iter().enumerate() {
        if mention.kind != EntityKind::Person {
            continue;
        }
        let text = chars_of(mention.field);
        let (start, end) = sentence_around(&text, mention.span.start, mention.span.end);
        let sentence: String = text[start..end].iter().collect();
        let Some(kind) = relation_cue(&sentence) else {
            continue;
        };
        let Some(org) = extraction.mentions.iter().position(|o| {
            o.kind == EntityKind::Organization
                && o.field == mention.field
                && o.span.start >= start
                && o.span.end <= end
        }) else {
            continue;
        };
        let (Some(p), Some(o)) = (maker.entity(m), maker.entity(org)) else {
            continue;
        };
        if seen.insert((p.to_owned(), o.to_owned(), kind)) {
            relation(
                &maker,
                out,
                format!("R{s}.{d}.m{m}"),
                kind,
                m,
                org,
                None,
                mention.field,
                start,
                end,
            );
        }
    }
}

#[allow(
    clippy::too_many_arguments,
    reason = "one call per relation cue, all of it needed"
)]
fn relation(
    maker: &Maker<'_>,
    out: &mut BTreeMap<String, Record>,
    id: String,
    kind: &str,
    subject: usize,
    object: usize,
    time: Option<&TimeMention>,
    field: Field,
    start: usize,
    end: usize,
) {
    let (Some(p), Some(o)) = (maker.entity(subject), maker.entity(object)) else {
        return;
    };
    let mentions = &maker.input.extraction.mentions;
    let label = format!(
        "{} {kind} {}",
        mentions.get(subject).map_or("", |m| m.text.as_str()),
        mentions.get(object).map_or("", |m| m.text.as_str())
    );
    let mut record = maker.record(
        id.clone(),
        RecordKind::Relation,
        Some(kind.to_owned()),
        label,
    );
    if let Some(t) = time {
        record
            .values
            .insert("since".to_owned(), maker.value(&t.edtf));
    }
    record.links.push(Link {
        role: "subject".to_owned(),
        target: p.to_owned(),
    });
    record.links.push(Link {
        role: "object".to_owned(),
        target: o.to_owned(),
    });
    record
        .evidence
        .push(maker.evidence(field, start, end, "the document".to_owned()));
    out.insert(id, record);
}
