//! Direct quotes in the quotation styles of English, Russian and
//! Ukrainian (“…”, «…», „…“, ‘…’, "…"), joined across paragraphs, with
//! their speaker when the sentence names one ("said a former inmate",
//! "wrote Kashevarova", "— сказал он", "за словами"), and attributions of
//! reported speech ("according to the State Department", "по словам
//! адвоката", "citing one of the recruits").

use std::sync::OnceLock;

use casefile_document::Span;
use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::Field;
use crate::spans::CharIndex;

/// A direct quote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// The quoted words, without the quotation marks, in characters of
    /// `field`. A quote over several paragraphs spans them all.
    pub span: Span,
    /// The part of the document the spans count in.
    #[serde(default, skip_serializing_if = "Field::is_text")]
    pub field: Field,
    /// The quoted words as written.
    pub text: String,
    /// Who says it, when the text says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<Speaker>,
}

/// Who a quote or a report is attributed to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Speaker {
    /// The words naming the speaker ("a former inmate from Donetsk",
    /// "Kashevarova", "he").
    pub span: Span,
    /// Those words.
    pub text: String,
    /// The attributing verb or phrase ("said", "wrote", "по словам").
    pub cue: String,
    /// The person or organization mention inside these words, when there
    /// is one (an index into the extraction's `mentions`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mention: Option<usize>,
}

/// Reported speech attributed to a source without quotation marks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribution {
    /// The whole attribution ("according to the U.S. State Department").
    pub span: Span,
    /// The part of the document the spans count in.
    #[serde(default, skip_serializing_if = "Field::is_text")]
    pub field: Field,
    /// Its text.
    pub text: String,
    /// The source it names.
    pub source: Speaker,
}

/// Quotation mark pairs: opening and closing.
const PAIRS: &[(char, char)] = &[('“', '”'), ('«', '»'), ('„', '“'), ('‘', '’'), ('"', '"')];

/// Closing marks accepted for an opening one besides its own: typed text
/// mixes single and double curly quotes ("‘…”").
fn also_closes(open: char, c: char) -> bool {
    matches!((open, c), ('‘', '”') | ('“', '’'))
}

/// Fewer words than this in quotation marks are a term or a scare quote
/// ("police chief"), not a quote.
const MIN_WORDS: usize = 4;

const SPEECH_VERBS_EN: &str = "said|says|told|wrote|writes|added|adds|explained|recalled|claimed|stated|noted|asked|complained|alleged|insisted|warned|according to";
const SPEECH_VERBS_RU: &str = "сказал|сказала|сказали|говорит|говорил|говорила|заявил|заявила|заявили|пишет|писал|написал|написала|рассказал|рассказала|рассказывает|отметил|отметила|добавил|добавила|пояснил|пояснила|утверждает|вспоминает";
const SPEECH_VERBS_UK: &str = "сказав|сказала|сказали|каже|казав|казала|заявив|заявила|заявили|пише|писав|написав|написала|розповів|розповіла|розповідає|зазначив|зазначила|додав|додала|пояснив|пояснила|стверджує|згадує";

/// Who tells an account outside quotation marks: "…, said her mother
/// Olga." after it, "Her sister told us that …" before it.
fn told() -> &'static (Regex, Regex) {
    static TOLD: OnceLock<(Regex, Regex)> = OnceLock::new();
    TOLD.get_or_init(|| {
        let verbs = "said|says|told us|told me|recalled|recalls|сказал|сказала|рассказал|рассказала|рассказали|сообщил|сообщила|сказав|розповів|розповіла|розповіли|повідомив|повідомила";
        (
            crate::bounded::compile(&format!(
                r"(?i),\s*(?:[—–-]\s*)?\b(?P<verb>{verbs})\s+(?P<who>(?:(?-i:\p{{Lu}}\.)|[^,.;:!?«»“”\n])+)"
            )),
            crate::bounded::compile(&format!(
                r"(?P<who>\b\p{{Lu}}[^,.;:!?«»“”\n]{{0,60}}?)\s+(?P<verb>(?i:{verbs}|told))\s+(?:(?i:us|me|him|her|them)\s+)?(?i:that|что|що)\b"
            )),
        )
    })
}

fn patterns() -> &'static (Regex, Regex, Regex, Regex) {
    static PATTERNS: OnceLock<(Regex, Regex, Regex, Regex)> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        let compile = |p: String| Regex::new(&p).unwrap_or_else(|e| unreachable!("a fixed pattern: {e}"));
        (
            // After the quote: `,” said X` / `,” X said` / `, — сказал X`.
            compile(format!(
                r"^[\s,.!?]*(?:[—–-]\s*)?(?:(?P<verb>{SPEECH_VERBS_EN}|{SPEECH_VERBS_RU}|{SPEECH_VERBS_UK})\s+(?P<who>(?:\p{{Lu}}\.|[^.,;:!?—–\n])+)|(?P<who2>[^.,;:!?—–«»“”\n]{{1,60}}?)\s+(?P<verb2>{SPEECH_VERBS_EN}|{SPEECH_VERBS_RU}|{SPEECH_VERBS_UK})\b)"
            )),
            // Before the quote: `X said: “` / `X said that “`.
            compile(format!(
                r"(?P<who>[\p{{Lu}}][^.,;:!?—–«»“”\n]{{0,60}}?)\s+(?P<verb>{SPEECH_VERBS_EN}|{SPEECH_VERBS_RU}|{SPEECH_VERBS_UK})(?:\s+[^\s:,«»“”]+){{0,2}}?(?:\s+(?:that|что|що))?\s*[:,]?\s*$"
            )),
            // `По словам X, «` / `За словами X, «` / `According to X, “`.
            compile(r"(?i)(?P<verb>по словам|со слов|за словами|according to|as told by)\s+(?P<who>(?:(?-i:\p{Lu}\.)|[^,.;:!?«»“”\n])+)\s*,\s*$".to_owned()),
            // Reported speech anywhere.
            crate::bounded::compile(r"(?i)\b(?P<verb>according to|citing|as reported by|as told by|по словам|со слов|зі слів|по данным|со ссылкой на|как сообщает|как сообщил|за словами|за даними|з посиланням на|як повідомляє|як повідомив)\s+(?P<who>(?:(?-i:\p{Lu}\.)|[^,.;:!?«»“”\n])+)"),
        )
    })
}

/// Cuts a speaker phrase at a relative clause or a second clause: "a
/// former inmate from Donetsk who’s been fighting…" → "a former inmate from
/// Donetsk".
fn trim_speaker(words: &str) -> &str {
    const CUTS: &[&str] = &[
        " who",
        " which",
        " that",
        " and ",
        " but ",
        " in an ",
        " in a ",
        " on ",
        " after ",
        " when ",
        " because ",
        " который",
        " которая",
        " которые",
        " и ",
        " но ",
        " який",
        " яка",
        " які",
        " і ",
        " та ",
        " але ",
    ];
    let mut end = words.len();
    for cut in CUTS {
        if let Some(at) = words.find(cut)
            && at > 0
        {
            end = end.min(at);
        }
    }
    words[..end].trim()
}

/// The speaker named by `who` (a match in `text[base..]`) and the byte
/// offset where its words end.
fn speaker(
    text: &str,
    index: &CharIndex,
    who: regex::Match<'_>,
    cue: &str,
    base: usize,
) -> Option<(Speaker, usize)> {
    let trimmed = trim_speaker(who.as_str());
    if trimmed.is_empty() || trimmed.split_whitespace().count() > 10 {
        return None;
    }
    let start = base + who.start() + (who.as_str().len() - who.as_str().trim_start().len());
    let end = start + trimmed.len();
    Some((
        Speaker {
            span: index.span(start..end),
            text: text[start..end].to_owned(),
            cue: cue.to_lowercase(),
            mention: None,
        },
        end,
    ))
}

/// A quoted stretch found by [`quoted`]: byte ranges of the words inside
/// and of the whole including the marks.
struct Quoted {
    inner: std::ops::Range<usize>,
    outer: std::ops::Range<usize>,
}

/// A quote longer than this (in bytes) is not looked for further: an
/// unclosed mark in a huge text must not make the search quadratic.
const MAX_QUOTE_BYTES: usize = 20_000;

/// Finds the outermost quoted stretches, joining an English-style quote
/// that runs over paragraphs (each paragraph opens with the mark, only
/// the last one closes).
fn quoted(text: &str) -> Vec<Quoted> {
    let mut out = Vec::new();
    let mut from = 0usize;
    while let Some((offset, open)) = text[from..]
        .char_indices()
        .find(|(_, c)| PAIRS.iter().any(|(open, _)| open == c))
    {
        let at = from + offset;
        from = at + open.len_utf8();
        let close = PAIRS
            .iter()
            .find(|(o, _)| *o == open)
            .map_or(open, |(_, close)| *close);
        // An apostrophe or a straight quote inside a word is not a mark.
        let before = text[..at].chars().next_back();
        if matches!(open, '‘' | '"') && before.is_some_and(char::is_alphanumeric) {
            continue;
        }
        let limit = (from + MAX_QUOTE_BYTES).min(text.len());
        let limit = (limit..=text.len())
            .find(|&l| text.is_char_boundary(l))
            .unwrap_or(text.len());
        let mut depth = 0usize;
        let mut end = None;
        let mut scan = text[from..limit].char_indices().peekable();
        while let Some((offset, d)) = scan.next() {
            let position = from + offset;
            let closing = d == close || (depth == 0 && also_closes(open, d));
            if closing && (open != close || depth == 0) {
                let after = text[position + d.len_utf8()..].chars().next();
                // ’ inside a word is an apostrophe.
                if d == '’' && after.is_some_and(char::is_alphanumeric) {
                    continue;
                }
                if depth == 0 {
                    end = Some((position, d));
                    break;
                }
                depth -= 1;
            } else if d == open && open != close {
                depth += 1;
            } else if d == '\n' && scan.peek().is_some_and(|(_, c)| *c == '\n') {
                // A paragraph ends inside the quote: it goes on only if the
                // next paragraph opens with the same mark.
                scan.next();
                if scan.peek().is_some_and(|(_, c)| *c == open) {
                    scan.next();
                    continue;
                }
                break;
            }
        }
        if let Some((position, mark)) = end {
            out.push(Quoted {
                inner: from..position,
                outer: at..position + mark.len_utf8(),
            });
            from = position + mark.len_utf8();
        }
    }
    out
}

/// Whether quoted words are a name ("Supreme Court of the Donetsk
/// People’s Republic") rather than speech: most words capitalized, no
/// sentence punctuation.
fn is_a_name(words: &[&str]) -> bool {
    let capitalized = words
        .iter()
        .filter(|w| w.starts_with(char::is_uppercase))
        .count();
    let punctuated = words.iter().any(|w| w.ends_with(['.', '!', '?', ',']));
    !punctuated && capitalized * 3 >= words.len() * 2
}

/// Finds the quotes and attributions in `text`.
pub(crate) fn find(text: &str, index: &CharIndex) -> (Vec<Quote>, Vec<Attribution>) {
    let (after, before, according, reported) = patterns();
    let mut quotes = Vec::new();
    for stretch in quoted(text) {
        let inner = &text[stretch.inner.clone()];
        let words: Vec<&str> = inner.split_whitespace().collect();
        if words.len() < MIN_WORDS || is_a_name(&words) {
            continue;
        }
        // The speaker: named after the quote, else before it.
        let rest = &text[stretch.outer.end..];
        let rest = &rest[..rest.find(['\n']).unwrap_or(rest.len())];
        let mut who = after.captures(rest).and_then(|c| {
            let (who, verb) = match (
                c.name("who"),
                c.name("verb"),
                c.name("who2"),
                c.name("verb2"),
            ) {
                (Some(who), Some(verb), _, _) => (who, verb),
                (_, _, Some(who), Some(verb)) => (who, verb),
                _ => return None,
            };
            speaker(text, index, who, verb.as_str(), stretch.outer.end).map(|(s, _)| s)
        });
        if who.is_none() {
            let line_start = text[..stretch.outer.start].rfind('\n').map_or(0, |p| p + 1);
            let lead = &text[line_start..stretch.outer.start];
            let found = according.captures(lead).or_else(|| before.captures(lead));
            who = found.and_then(|c| {
                let (who, verb) = (c.name("who")?, c.name("verb")?);
                speaker(text, index, who, verb.as_str(), line_start).map(|(s, _)| s)
            });
        }
        quotes.push(Quote {
            span: index.span(stretch.inner.clone()),
            field: Field::Text,
            text: inner.to_owned(),
            speaker: who,
        });
    }
    let mut attributions = Vec::new();
    for captures in crate::bounded::captures(reported, text) {
        let (Some(whole), Some(who), Some(verb)) =
            (captures.get(0), captures.name("who"), captures.name("verb"))
        else {
            continue;
        };
        let Some((source, end)) = speaker(text, index, who, verb.as_str(), 0) else {
            continue;
        };
        attributions.push(Attribution {
            span: index.span(whole.start()..end),
            field: Field::Text,
            text: text[whole.start()..end].to_owned(),
            source,
        });
    }
    // Accounts told outside quotation marks: after a comma to the end of
    // the sentence ("…, said her mother"), or at a sentence's start ("Her
    // sister told us that …"); not where a quote already names its speaker.
    let (after_comma, leading) = told();
    let quoted_speaker = |at: usize| {
        let char_at = index.char_at(at);
        quotes.iter().any(|q| {
            q.speaker
                .as_ref()
                .is_some_and(|s| s.span.start <= char_at && char_at <= s.span.end)
        })
    };
    for (pattern, at_start) in [(after_comma, false), (leading, true)] {
        for captures in crate::bounded::captures(pattern, text) {
            let (Some(whole), Some(who), Some(verb)) =
                (captures.get(0), captures.name("who"), captures.name("verb"))
            else {
                continue;
            };
            let lead = text[..whole.start()].trim_end_matches([' ', '\u{a0}']);
            let starts_sentence = lead.is_empty() || lead.ends_with(['.', '!', '?', '…', '\n']);
            if (at_start && !starts_sentence)
                || (!at_start && lead.ends_with(['”', '»', '"', '’']))
                || quoted_speaker(who.start())
            {
                continue;
            }
            let Some((source, end)) = speaker(text, index, who, verb.as_str(), 0) else {
                continue;
            };
            // At a sentence's start the attribution runs to its "that".
            let end = if at_start { end.max(whole.end()) } else { end };
            attributions.push(Attribution {
                span: index.span(whole.start()..end),
                field: Field::Text,
                text: text[whole.start()..end].to_owned(),
                source,
            });
        }
    }
    attributions.sort_by_key(|a| a.span.start);
    (quotes, attributions)
}
