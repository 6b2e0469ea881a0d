//! The report built from the records: the timeline, promises and their
//! deadlines, violations, groups, relations and contradictions, each item
//! citing its sentence.

use super::*;

/// The claim's date: of its sentence's time expressions, the one nearest
/// its cue that can be placed in time.
pub(crate) fn claim_time(
    input: &Input<'_>,
    claim: &Claim,
) -> Option<(String, String, edtf::Bounds)> {
    let time = propose::claim_time(input.doc, input.extraction, claim, |e| {
        edtf::bounds(e).is_some()
    })?;
    let bounds = edtf::bounds(&time.edtf)?;
    Some((time.edtf.clone(), time.text.clone(), bounds))
}

/// Where a claim is said, with the status of what it asserts.
pub(crate) fn cite(input: &Input<'_>, claim: &Claim, record: &str, status: Status) -> Citation {
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
pub(crate) fn cite_record(record: &Record) -> Citation {
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
pub(crate) fn claim_status(records: &Records, ids: &ClaimIds) -> Status {
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
pub(crate) fn kept<'a>(records: &'a Records, id: &'a str) -> &'a str {
    records
        .get(id)
        .and_then(|r| r.merged_into.as_deref())
        .unwrap_or(id)
}

/// Items whose records a person merged, shown once: each group of items
/// whose records were merged into one record becomes the item of the
/// record kept (else the first of the group), citing the others as `also`.
pub(crate) fn fold<T>(
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
pub(crate) fn words(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The fewest words a sentence needs to be told apart as a copy: shorter
/// ones ("the unit was disbanded") two people may well say alike.
pub(crate) const COPY_MIN_WORDS: usize = 6;

/// The share of three-word runs two sentences must have in common (of all
/// the runs either has) to be one text copied with small changes: a word
/// changed or added, a name respelled, a date reworded.
pub(crate) const COPY_SIMILARITY: f64 = 0.5;

/// A run of three words shared by more sentences than this says nothing of
/// copying ("in the region"), and is not used to find copies.
pub(crate) const COMMON_RUN: usize = 64;

/// How many independent sources the citations come from: sources that
/// carry the same sentence, word for word or copied with small changes
/// (a syndicated, reposted or rewritten report), count as one.
pub(crate) fn independent(citations: &[Citation]) -> usize {
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
pub(crate) fn duration(iso: &str) -> Option<jiff::Span> {
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
pub(crate) fn months_between(from: Date, to: Date) -> i64 {
    let months = (i64::from(to.year()) - i64::from(from.year())) * 12 + i64::from(to.month())
        - i64::from(from.month());
    if to.day() < from.day() {
        months - 1
    } else {
        months
    }
}

pub(crate) fn happens_once(kind: ClaimKind) -> bool {
    matches!(kind, ClaimKind::Founding | ClaimKind::Dissolution)
}

/// The claims of one violation kind so far: their citations, their
/// sources, their voices (source and who asserts), and the records of the
/// violations.
pub(crate) type Tally = (
    Vec<Citation>,
    BTreeSet<u64>,
    BTreeSet<(u64, String)>,
    Vec<String>,
);

/// An event on the timeline from a date and what it cites.
pub(crate) fn event(
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
pub(crate) fn labels(records: &Records, ids: &[String], role: &str) -> Vec<String> {
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
        withheld: Vec::new(),
        timeline,
        promises,
        violations,
        groups,
        entities,
        relations,
        contradictions,
    }
}
