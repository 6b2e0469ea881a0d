//! Claims: typed assertions a sentence makes, proposed for a person to
//! confirm or reject, from a documented vocabulary (see [`ClaimKind`]),
//! with what the sentence ties to them: its times, durations, quantities,
//! mentions, and who asserts it.
//!
//! Rules only: a sentence that holds a kind's cue (in English, Russian or
//! Ukrainian) proposes a claim of that kind. Every claim is `proposed`:
//! the machine never confirms.

use std::sync::OnceLock;

use casefile_document::Span;
use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::Field;
use crate::spans::CharIndex;

/// The claim vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimKind {
    /// People were recruited or enlisted.
    Recruitment,
    /// Something was promised (see [`PromiseKind`]).
    Promise,
    /// People were assigned or sent somewhere (the front, an assault unit).
    Assignment,
    /// Payments stopped or were not made.
    PaymentStop,
    /// Beatings, torture, electric shocks, abuse.
    IllTreatment,
    /// Threats.
    Threat,
    /// A unit or body was disbanded or dissolved.
    Dissolution,
    /// People were pressed to sign a contract.
    PressureToSign,
    /// An award, rank or honour was given.
    Award,
    /// A unit or body was founded.
    Founding,
    /// A complaint was written or filed.
    ComplaintFiled,
    /// A lawsuit is planned or announced.
    LawsuitAnnounced,
    /// Citizenship or a status was refused.
    RefusalOfStatus,
    /// Someone was killed, died or was wounded.
    DeathOrInjury,
}

/// What a promise was about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PromiseKind {
    /// Release after a term of service.
    TermOfService,
    /// An amnesty or pardon.
    Amnesty,
    /// A criminal record expunged.
    RecordExpunged,
    /// Pay.
    Pay,
    /// Leave.
    Leave,
    /// Benefits or social protection.
    Benefits,
}

/// A term a promise states, bound to the promise its words govern: in
/// "200,000 roubles a month and a pardon after six months of service" the
/// six months belong to the pardon, the month to the pay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term {
    /// The promise it belongs to.
    pub promise: PromiseKind,
    /// The duration (an index into the extraction's `durations`).
    pub duration: usize,
}

impl PromiseKind {
    /// For a promise of release (amnesty, a record expunged, the end of
    /// service, leave), whose term a due date is counted from, its place
    /// in the order a lawyer counts from: a pardon or a record expunged
    /// first, then the end of service, then leave. `None` for pay and
    /// benefits, whose terms say how long, not when.
    pub fn release_order(self) -> Option<u8> {
        match self {
            PromiseKind::Amnesty | PromiseKind::RecordExpunged => Some(0),
            PromiseKind::TermOfService => Some(1),
            PromiseKind::Leave => Some(2),
            PromiseKind::Pay | PromiseKind::Benefits => None,
        }
    }
}

/// Who asserts a claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Assertion {
    /// The document itself (its author or outlet).
    Document,
    /// A speaker quoted in it.
    Quoted {
        /// The speaker's words.
        speaker: String,
    },
    /// A source it reports ("according to …").
    Reported {
        /// The source's words.
        source: String,
    },
}

/// A proposed claim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    /// Its kind.
    pub kind: ClaimKind,
    /// For a promise, what it was about (several when the sentence names
    /// several: "amnesty and records expunged").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub promises: Vec<PromiseKind>,
    /// The sentence, in characters of `field`.
    pub span: Span,
    /// The part of the document the spans count in.
    #[serde(default, skip_serializing_if = "Field::is_text")]
    pub field: Field,
    /// The words that cue the claim ("were promised", "расформировали").
    pub cue: String,
    /// The times in the sentence (indexes into the extraction's `times`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub times: Vec<usize>,
    /// Its durations (indexes into `durations`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub durations: Vec<usize>,
    /// Its quantities (indexes into `quantities`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quantities: Vec<usize>,
    /// Its amounts of money (indexes into `money`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub money: Vec<usize>,
    /// For a promise, each duration bound to the promise it belongs to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub terms: Vec<Term>,
    /// Its mentions (indexes into `mentions`), leaving out those who tell
    /// of it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mentions: Vec<usize>,
    /// Mentions of who tells or reports it ("said her mother Olga", "со
    /// слов сестры"): sources of the account, not participants in it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tellers: Vec<usize>,
    /// Who asserts it.
    pub asserted: Assertion,
    /// Always `proposed`: a person confirms or rejects.
    pub status: String,
}

fn cues() -> &'static [(ClaimKind, Regex)] {
    static CUES: OnceLock<Vec<(ClaimKind, Regex)>> = OnceLock::new();
    CUES.get_or_init(|| {
        let rule = |kind, pattern: &str| (kind, crate::bounded::compile(&format!("(?i){pattern}")));
        vec![
            (rule(ClaimKind::Recruitment, r"\b(?:recruited|recruiting|recruiters?|recruitment|enlisted|signed up|mobili[sz]ed|conscripted|signed (?:a |the |an? [\w-]+ )?(?:military )?contract|подписа\w* (?:\w+ )?контракт|підписа\w* (?:\w+ )?контракт|завербова\w*|вербова\w*|вербуют|вербовщик\w*|мобилизова\w*|завербува\w*|вербува\w*|вербувальник\w*|мобілізува\w*)")),
            (rule(ClaimKind::Promise, r"\b(?:promised|promises|promise|guaranteed|pledged|were told they would|обеща\w*|пообеща\w*|гарантирова\w*|обіця\w*|пообіця\w*|гарантува\w*)")),
            (rule(ClaimKind::Assignment, r"\b(?:assigned to|sent to the front|sent back to the front|transferred to|thrown into|throw (?:me|them|him) into|join an assault unit|отправ\w* на фронт|переведены? в|направлены? в штурмов\w*|відправ\w* на фронт|переведені в)")),
            (rule(ClaimKind::PaymentStop, r"\b(?:stopped getting paid|stopped being paid|stopped paying|not been paid|haven't been paid|unpaid|payments? (?:stopped|ceased)|перестали (?:платить|получать)|прекрати\w* выплат\w*|не платят|перестали платити|припини\w* виплат\w*|не платять)")),
            (rule(ClaimKind::IllTreatment, r"\b(?:beat(?:en|ing|ings)?|electric shocks?|tortur\w*|abused|избива\w*|избили|пытк\w*|током|побои|били|катува\w*|струмом|побиття|били)")),
            (rule(ClaimKind::Threat, r"\b(?:threaten\w*|угрожа\w*|угроз\w*|погрожу\w*|погроз\w*)")),
            (rule(ClaimKind::Dissolution, r"\b(?:disbanded|disbandment|dissolved|dissolution|liquidated|abolished|расформир\w*|ликвидир\w*|распущен\w*|розформ\w*|ліквідова\w*|розпущен\w*)")),
            (rule(ClaimKind::PressureToSign, r"\b(?:(?:pressur\w*|forc\w*|coerc\w*|push\w*) (?:\w+ ){0,4}(?:to )?sign\w*|sign\w* (?:\w+ ){0,2}(?:indefinite|open-ended) (?:military )?contracts?|(?:заставля\w*|принужда\w*|вынужда\w*) (?:\w+ ){0,3}подпис\w*|(?:змушу\w*|примушу\w*) (?:\w+ ){0,3}підпис\w*)")),
            (rule(ClaimKind::Award, r"\b(?:awarded|named \w+ (?:a )?Hero|Hero of|conferred|decorated|награди\w*|награжд\w*|присвои\w*|звание Героя|нагороди\w*|присвої\w*|звання Героя)")),
            (rule(ClaimKind::Founding, r"\b(?:founded|established|founder|основал\w*|основан\w*|создал\w*|засну\w*|створи\w*)")),
            (rule(ClaimKind::ComplaintFiled, r"\b(?:(?:filed|wrote|sent|submitted|lodged) (?:a |the |their )?(?:collective )?complaint|(?:написали|подали|направили) (?:коллективную )?жалоб\w*|(?:написали|подали|направили) (?:колективну )?скарг\w*)")),
            (rule(ClaimKind::LawsuitAnnounced, r"\b(?:lawsuit|to sue|подать в суд|подадут в суд|иск\w* в суд|подати до суду|позов\w*)")),
            (rule(ClaimKind::RefusalOfStatus, r"\b(?:(?:denied|refused|rejected) (?:\w+ ){0,4}(?:citizenship|status|passports?)|(?:citizenship|status) (?:\w+ ){0,3}(?:denied|refused|rejected)|отказ\w* (?:\w+ ){0,3}(?:в )?гражданств\w*|відмов\w* (?:\w+ ){0,3}(?:у )?громадянств\w*)")),
            (rule(ClaimKind::DeathOrInjury, r"\b(?:killed|died|wounded|injured|погиб\w*|убит\w*|ранен\w*|умер\w*|загину\w*|поранен\w*|помер\w*)")),
        ]
    })
}

/// The promise kinds a clause names, each with the byte ranges of its
/// cues, in the vocabulary's order.
fn promise_cues(clause: &str) -> Vec<(PromiseKind, Vec<std::ops::Range<usize>>)> {
    static KINDS: OnceLock<Vec<(PromiseKind, Regex)>> = OnceLock::new();
    let kinds = KINDS.get_or_init(|| {
        let rule = |kind, pattern: &str| (kind, crate::bounded::compile(&format!("(?i){pattern}")));
        vec![
            rule(PromiseKind::Amnesty, r"\b(?:amnest\w*|pardon\w*|помилова\w*|амнист\w*|амніст\w*|помилува\w*)"),
            rule(PromiseKind::RecordExpunged, r"\b(?:records? (?:\w+ ){0,2}expunged|expunge\w*|снят\w* судимост\w*|погаш\w* судимост\w*|зняття судимост\w*|знят\w* судимост\w*)"),
            rule(PromiseKind::TermOfService, r"\b(?:after (?:\w+ ){0,2}(?:months?|years?) of service|term of service|releas\w* (?:\w+ ){0,2}(?:from (?:service|the army|the front)|after)|demobili[sz]\w*|через (?:\w+ ){0,2}(?:месяц\w*|полгода|год\w*|місяц\w*|пів року|рок\w*|рік)|release|released|освобождени\w*|звільнення|звільнити|контракт\w* на|контракт\w* сроком|строком на|\w+-(?:years?|months?)(?:-long)? (?:military )?contract|contracts? (?:for|of) |освобо\w* (?:\w+ ){0,2}(?:от|из) (?:служб\w*|арми\w*)|уволи\w* (?:\w+ ){0,2}(?:со|из) (?:служб\w*|арми\w*)|демобилиз\w*|звільн\w* (?:\w+ ){0,2}(?:з|зі|із|від) (?:служб\w*|армі\w*)|демобіліз\w*)"),
            rule(PromiseKind::Pay, r"\b(?:pay|paid|salary|wages?|payments?|выплат\w*|зарплат\w*|денежн\w*|виплат\w*|грош\w*)"),
            rule(PromiseKind::Leave, r"\b(?:leave|отпуск\w*|відпуст\w*)"),
            rule(PromiseKind::Benefits, r"\b(?:benefits|social protections?|льгот\w*|пільг\w*|соцзащит\w*)"),
        ]
    });
    kinds
        .iter()
        .filter_map(|(kind, pattern)| {
            let ranges: Vec<_> = crate::bounded::captures(pattern, clause)
                .filter_map(|c| c.get(0).map(|m| m.range()))
                .collect();
            (!ranges.is_empty()).then_some((*kind, ranges))
        })
        .collect()
}

/// Where a clause's phrases part: a duration belongs to a promise named in
/// its own phrase ("a salary for a year, and release after six months").
const PHRASE_BREAKS: &[&str] = &[
    ", ", "; ", " and ", " or ", " и ", " или ", " і ", " та ", " або ", " а ",
];

/// Binds each duration of a promise's clause to the promise whose words
/// govern it: the nearest cue before it in its phrase ("отпуск через три
/// месяца"), else a cue that holds it ("after six months of service",
/// "через полгода"), else the nearest after it in its phrase, else the only promise the clause names, else
/// the nearest cue in the clause. Spans are character offsets; `cues`
/// holds every cue (sums of money count as cues of pay).
fn bind_terms(
    cues: &[(PromiseKind, Span)],
    breaks: &[usize],
    durations: &[(usize, Span)],
) -> Vec<Term> {
    let phrase = |at: usize| breaks.partition_point(|&b| b <= at);
    // The one kind the clause names, if it names only one.
    let only = cues
        .first()
        .map(|(k, _)| *k)
        .filter(|k| cues.iter().all(|(other, _)| other == k));
    let mut out = Vec::new();
    for &(duration, span) in durations {
        let holding = cues
            .iter()
            .find(|(_, c)| c.start <= span.start && span.end <= c.end)
            .map(|(k, _)| *k);
        let own = phrase(span.start);
        let before = cues
            .iter()
            .filter(|(_, c)| c.end <= span.start && phrase(c.start) == own)
            .max_by_key(|(_, c)| c.end)
            .map(|(k, _)| *k);
        let after = cues
            .iter()
            .filter(|(_, c)| c.start >= span.end && phrase(c.start) == own)
            .min_by_key(|(_, c)| c.start)
            .map(|(k, _)| *k);
        let nearest = cues
            .iter()
            .min_by_key(|(_, c)| {
                if c.end <= span.start {
                    span.start - c.end
                } else {
                    c.start.saturating_sub(span.end)
                }
            })
            .map(|(k, _)| *k);
        if let Some(promise) = before.or(holding).or(after).or(only).or(nearest) {
            out.push(Term { promise, duration });
        }
    }
    out
}

/// Byte ranges of the sentences of `text`: ends at `.`, `!`, `?` or `…`
/// (with closing quotes and brackets) before a space and a capital, a
/// quote or a dash, and at blank lines; a period after an initial or an
/// abbreviation that stands before what it names ("U.S.", "A. Dikiy",
/// "No. 7", "ст. 438", "г. Донецк", "вул. Шевченка") does not end one
/// (see [`crate::abbreviation`]).
pub fn sentences(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0usize;
    let header_end = header_line(text).map(|r| r.end);
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let paragraph =
            (c == '\n' && chars.peek().is_some_and(|(_, n)| *n == '\n')) || Some(at) == header_end;
        let mut end = None;
        if paragraph {
            end = Some(at);
        } else if matches!(c, '.' | '!' | '?' | '…') {
            // Closing marks stay with the sentence.
            let mut stop = at + c.len_utf8();
            while let Some(&(next_at, next)) = chars.peek() {
                if matches!(next, '"' | '”' | '»' | '’' | ')' | ']' | '.' | '!' | '?') {
                    stop = next_at + next.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            let rest = &text[stop..];
            let after = rest.trim_start_matches([' ', '\u{a0}', '\n', '\r', '\t']);
            let next = after.chars().next();
            let spaced = after.len() < rest.len();
            // "U.S.", "A. Dikiy", "No. 7", "г. Донецк".
            let kept = c == '.' && {
                let (word, after_number) = crate::abbreviation::word_before(text, at);
                crate::abbreviation::keeps_sentence(&word, after_number)
            };
            if spaced
                && !kept
                && next.is_some_and(|n| {
                    n.is_uppercase()
                        || n.is_numeric()
                        || matches!(n, '“' | '«' | '"' | '‘' | '—' | '–' | '[')
                })
            {
                end = Some(stop);
            }
        }
        if let Some(end) = end {
            if !text[start..end].trim().is_empty() {
                let lead = text[start..end].len() - text[start..end].trim_start().len();
                out.push(start + lead..end);
            }
            start = end;
        }
    }
    if !text[start..].trim().is_empty() {
        let lead = text[start..].len() - text[start..].trim_start().len();
        out.push(start + lead..text.len());
    }
    out
}

/// The byte range of a text's header line, the kind a documenter types
/// above a note ("12 March 2024, call with O."): the first line that holds
/// anything, short (twelve words at most), not ended as a sentence is, with
/// more text on the next line. A date on it is when the note was written,
/// not an event, and the note's first sentence starts after it.
pub fn header_line(text: &str) -> Option<std::ops::Range<usize>> {
    let lead = text.len() - text.trim_start().len();
    let line_end = lead + text[lead..].find('\n')?;
    let line = text[lead..line_end].trim_end();
    let more = !text[line_end + 1..].trim().is_empty();
    let short = (1..=12).contains(&line.split_whitespace().count());
    let open = !line.ends_with(['.', '!', '?', '…', ':', ';', ',']);
    (short && open && more && line.chars().any(|c| c.is_ascii_digit()))
        .then_some(lead..lead + line.len())
}

/// What a field's claims can point to: spans of what was already found in
/// the same field, with their indexes in the whole extraction.
pub(crate) struct Found<'a> {
    pub times: Vec<(usize, Span)>,
    pub durations: Vec<(usize, Span)>,
    pub quantities: Vec<(usize, Span)>,
    pub money: Vec<(usize, Span)>,
    pub mentions: Vec<(usize, Span)>,
    pub quotes: &'a [crate::quote::Quote],
    pub attributions: &'a [crate::quote::Attribution],
}

/// Finds the claims in `text`.
pub(crate) fn find(text: &str, index: &CharIndex<'_>, found: &Found<'_>) -> Vec<Claim> {
    let mut out = Vec::new();
    // The words naming who tells or reports something.
    let teller_words: Vec<Span> = found
        .quotes
        .iter()
        .filter_map(|q| q.speaker.as_ref().map(|s| s.span))
        .chain(found.attributions.iter().map(|a| a.source.span))
        .collect();
    for sentence in sentences(text) {
        let words = &text[sentence.clone()];
        let span = index.span(sentence.clone());
        // Who asserts it: the speaker of a quote it lies in (or that lies
        // in it), else a source it reports, else the document.
        let asserted = found
            .quotes
            .iter()
            .find(|q| crate::overlaps(q.span, span))
            .and_then(|q| q.speaker.as_ref())
            .map(|s| Assertion::Quoted {
                speaker: s.text.clone(),
            })
            .or_else(|| {
                found
                    .attributions
                    .iter()
                    .find(|a| crate::overlaps(a.span, span))
                    .map(|a| Assertion::Reported {
                        source: a.source.text.clone(),
                    })
            })
            .unwrap_or(Assertion::Document);
        // Every cue in the sentence, in order; with several, each claim
        // keeps the clause around its cue: from the first clause break
        // after the previous cue ("…, and in May 2024, he named…") to the
        // first one after its own.
        let mut found_cues: Vec<(ClaimKind, std::ops::Range<usize>)> = Vec::new();
        for (kind, pattern) in cues() {
            for cue in crate::bounded::captures(pattern, words) {
                if let Some(m) = cue.get(0) {
                    found_cues.push((*kind, m.range()));
                }
            }
        }
        found_cues.sort_by_key(|(_, range)| range.start);
        let clause_break = |from: usize, to: usize| -> Option<usize> {
            let between = words.get(from..to)?;
            [
                ", and ",
                "; ",
                ", but ",
                ", while ",
                " and then ",
                ", а ",
                ", и ",
                ", але ",
                ", і ",
                ", та ",
            ]
            .iter()
            .filter_map(|separator| {
                between
                    .find(separator)
                    .map(|at| from + at + separator.len())
            })
            .min()
        };
        for (n, (kind, range)) in found_cues.iter().enumerate() {
            // Two cues of one kind in one clause ("били током") are one
            // claim.
            let same_clause = found_cues[..n]
                .iter()
                .rev()
                .find(|(k, _)| k == kind)
                .is_some_and(|(_, earlier)| clause_break(earlier.end, range.start).is_none());
            if same_clause {
                continue;
            }
            let clause_start = n
                .checked_sub(1)
                .and_then(|p| clause_break(found_cues[p].1.end, range.start))
                .unwrap_or(0);
            let clause_end = found_cues
                .get(n + 1)
                .and_then(|next| clause_break(range.end, next.1.start))
                .unwrap_or(words.len());
            let clause = index.span(sentence.start + clause_start..sentence.start + clause_end);
            let within = |items: &[(usize, Span)]| -> Vec<(usize, Span)> {
                items
                    .iter()
                    .filter(|(_, s)| s.start >= clause.start && s.end <= clause.end)
                    .copied()
                    .collect()
            };
            let indexes =
                |items: &[(usize, Span)]| -> Vec<usize> { items.iter().map(|(i, _)| *i).collect() };
            let inside = |items: &[(usize, Span)]| indexes(&within(items));
            let money = within(&found.money);
            let durations = within(&found.durations);
            let (promises, terms) = if *kind == ClaimKind::Promise {
                let clause_words = &words[clause_start..clause_end];
                let base = sentence.start + clause_start;
                let named = promise_cues(clause_words);
                let mut cues: Vec<(PromiseKind, Span)> = named
                    .iter()
                    .flat_map(|(k, ranges)| {
                        ranges
                            .iter()
                            .map(move |r| (*k, index.span(base + r.start..base + r.end)))
                    })
                    .collect();
                // A sum is pay promised, whatever words name it.
                cues.extend(money.iter().map(|(_, s)| (PromiseKind::Pay, *s)));
                let mut breaks: Vec<usize> = PHRASE_BREAKS
                    .iter()
                    .flat_map(|b| clause_words.match_indices(b).map(|(at, _)| at))
                    .map(|at| index.char_at(base + at))
                    .collect();
                breaks.sort_unstable();
                let terms = bind_terms(&cues, &breaks, &durations);
                let mut promises: Vec<PromiseKind> = named.iter().map(|(k, _)| *k).collect();
                if !money.is_empty() && !promises.contains(&PromiseKind::Pay) {
                    promises.push(PromiseKind::Pay);
                }
                (promises, terms)
            } else {
                (Vec::new(), Vec::new())
            };
            // Who tells of it: a mention inside a speaker's or a source's
            // words.
            let (tellers, mentions): (Vec<_>, Vec<_>) =
                within(&found.mentions).into_iter().partition(|(_, s)| {
                    teller_words
                        .iter()
                        .any(|t| t.start <= s.start && s.end <= t.end)
                });
            out.push(Claim {
                kind: *kind,
                promises,
                span,
                field: Field::Text,
                cue: words[range.clone()].to_owned(),
                times: inside(&found.times),
                durations: indexes(&durations),
                quantities: inside(&found.quantities),
                money: indexes(&money),
                terms,
                mentions: indexes(&mentions),
                tellers: indexes(&tellers),
                asserted: asserted.clone(),
                status: "proposed".to_owned(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Found, find, sentences};
    use crate::spans::CharIndex;

    /// The mention of who tells the account is its teller, not one of
    /// its people; the others stay its mentions.
    #[test]
    fn who_tells_is_no_participant() {
        let text = "Olga Petrova told us that her son was recruited by Wagner in May 2024.";
        let index = CharIndex::new(text);
        let (quotes, attributions) = crate::quote::find(text, &index);
        let at = |words: &str| {
            let start = text.find(words).unwrap_or_default();
            index.span(start..start + words.len())
        };
        let found = Found {
            times: Vec::new(),
            durations: Vec::new(),
            quantities: Vec::new(),
            money: Vec::new(),
            mentions: vec![(0, at("Olga Petrova")), (1, at("Wagner"))],
            quotes: &quotes,
            attributions: &attributions,
        };
        let claims = find(text, &index, &found);
        assert_eq!(claims.len(), 1, "{claims:?}");
        assert_eq!(claims[0].tellers, vec![0]);
        assert_eq!(claims[0].mentions, vec![1]);
        assert_eq!(
            claims[0].asserted,
            super::Assertion::Reported {
                source: "Olga Petrova".to_owned()
            }
        );
    }

    #[test]
    fn sentences_end_where_a_reader_expects() {
        let text = "The U.S. State Department said so. A. Dikiy founded it in 2017! “Is it over?” he asked.\n\nНовый абзац. Второе предложение…";
        let found: Vec<&str> = sentences(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(
            found,
            vec![
                "The U.S. State Department said so.",
                "A. Dikiy founded it in 2017!",
                "“Is it over?” he asked.",
                "Новый абзац.",
                "Второе предложение…",
            ]
        );
    }
}
