//! casefile's extraction stage: from a [`Document`] to who and what it
//! names, when, for how long, how many, who said what, and which claims it
//! makes, each tied to the exact span it came from.
//!
//! Pure: no I/O, no clock. Relative expressions ("earlier this year",
//! "торік") are resolved against a reference date the caller gives (the
//! document's publication date, else its capture date), and say so.
//!
//! Mentions of persons, organizations and places: Russian (and, as a
//! stopgap, Ukrainian) text with slovnet's NER model when it is installed
//! ([`ner`]), with dictionary forms from its morphology model; English text
//! by rule; the document's metadata. Times normalized to EDTF (ISO 8601-2)
//! in English, Russian and Ukrainian ([`time`]), durations as ISO 8601
//! durations ([`duration`]), quantities with the counted noun
//! ([`quantity`]), quotes with their speakers and attributions
//! ([`quote`]), and claims from a documented vocabulary ([`claim`]). Spans
//! count characters (Unicode scalar values) of the field they name, as the
//! document's own spans do.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod abbreviation;
mod bounded;
pub mod claim;
pub mod duration;
pub mod identifying;
pub mod institutions;
pub mod money;
mod names;
pub mod ner;
mod normal;
mod numbers;
pub mod quantity;
pub mod quote;
mod spans;
pub mod time;
pub mod translit;

use casefile_document::{Document, Span};
use serde::{Deserialize, Serialize};

pub use claim::{Assertion, Claim, ClaimKind, PromiseKind};
pub use duration::DurationMention;
pub use quantity::Quantity;
pub use quote::{Attribution, Quote, Speaker};
pub use time::{Anchor, AnchorSource, Resolution, TimeMention};

/// The extractor's name and version, stored with what it extracted.
pub const EXTRACTOR: &str = concat!("casefile-extract ", env!("CARGO_PKG_VERSION"));

/// What the extractor needs besides the document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    /// When the material was captured (the source's acquisition time:
    /// `YYYY`, `YYYY-MM`, `YYYY-MM-DD` or a full RFC 3339 time), used for
    /// relative expressions when the document has no publication date.
    pub captured: Option<String>,
}

/// Optional statistical models. Without them the rule-based parts still
/// run; mentions need the NER model.
#[derive(Debug, Default)]
pub struct Models {
    /// slovnet's Russian NER model (see [`ner`]).
    pub ner: Option<ner::NerModel>,
    /// slovnet's Russian morphology model, for the names' dictionary forms.
    pub morph: Option<ner::MorphModel>,
}

/// The name the NER model's mentions carry as their method.
pub const NER_METHOD: &str = "slovnet_ner_news_v1";

/// A person, organization or place named in the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    /// Where it is, in characters of `field`.
    pub span: Span,
    /// The part of the document the span counts in.
    #[serde(default, skip_serializing_if = "Field::is_text")]
    pub field: Field,
    /// The text as written ("Дикого", "МВД ДНР").
    pub text: String,
    /// What it names.
    pub kind: ner::EntityKind,
    /// The name in its dictionary (nominative) form ("Алексея Дикого" →
    /// "Алексей Дикий"), for Russian mentions when the morphology model is
    /// installed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normal: Option<String>,
    /// The text in Latin letters, for matching across scripts (see
    /// [`translit`]); absent when the text has no Cyrillic letters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latin: Option<String>,
    /// What found it ([`NER_METHOD`], [`ENGLISH_RULES_METHOD`],
    /// [`METADATA_METHOD`], [`INSTITUTIONS_METHOD`]).
    pub method: String,
    /// For an institution, what kind of body it is (ministry, court…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub institution: Option<institutions::InstitutionKind>,
}

/// The method of institutions written in lower case, found by rule in
/// Russian and Ukrainian (see [`institutions`]).
pub const INSTITUTIONS_METHOD: &str = "casefile-institutions";

/// Everything extracted from one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extraction {
    /// Which extractor made it ([`EXTRACTOR`]).
    pub extractor: String,
    /// The statistical models that took part (empty: rules only).
    #[serde(default)]
    pub models: Vec<String>,
    /// Persons, organizations and places, field by field in text order.
    #[serde(default)]
    pub mentions: Vec<Mention>,
    /// The reference date relative expressions were resolved against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchor: Option<Anchor>,
    /// Date and time expressions, in text order.
    pub times: Vec<TimeMention>,
    /// Durations, in text order.
    pub durations: Vec<DurationMention>,
    /// Quantities, in text order.
    pub quantities: Vec<Quantity>,
    /// Amounts of money, in text order (kept apart from quantities).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub money: Vec<money::Money>,
    /// Direct quotes with their speakers, in text order.
    #[serde(default)]
    pub quotes: Vec<Quote>,
    /// Reported speech attributed to a source ("according to…").
    #[serde(default)]
    pub attributions: Vec<Attribution>,
    /// Typed assertions proposed from the sentences, in text order.
    #[serde(default)]
    pub claims: Vec<Claim>,
}

/// Which part of a document a span counts in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// The document's `text` (the default, left out of JSON).
    #[default]
    Text,
    /// The title.
    Title,
    /// The subtitle.
    Subtitle,
    /// Caption number `n` (its text, not its credit).
    Caption(usize),
    /// The credit of caption number `n` ("Name / Agency").
    CaptionCredit(usize),
    /// Author number `n` (metadata: a byline).
    Author(usize),
    /// Translator number `n` (metadata).
    Translator(usize),
    /// The publisher or originating outlet (metadata).
    Publisher,
}

impl Field {
    /// Whether this is [`Field::Text`] (for leaving it out of JSON).
    pub fn is_text(&self) -> bool {
        *self == Field::Text
    }

    /// The field's text in `document`.
    pub fn text<'d>(&self, document: &'d Document) -> Option<&'d str> {
        match self {
            Field::Text => Some(&document.text),
            Field::Title => document.title.as_deref(),
            Field::Subtitle => document.subtitle.as_deref(),
            Field::Caption(n) => document.captions.get(*n).map(|c| c.text.as_str()),
            Field::CaptionCredit(n) => document.captions.get(*n).and_then(|c| c.credit.as_deref()),
            Field::Author(n) => document.authors.get(*n).map(String::as_str),
            Field::Translator(n) => document.translators.get(*n).map(String::as_str),
            Field::Publisher => document.publisher.as_deref(),
        }
    }
}

/// Extracts everything the rules find in `document` (no models).
pub fn extract(document: &Document, context: &Context) -> Extraction {
    extract_with(document, context, &Models::default())
}

/// Extracts everything this stage knows from `document`: its text, title,
/// subtitle and captions (a photo's date is often only in its caption),
/// with the models given.
pub fn extract_with(document: &Document, context: &Context, models: &Models) -> Extraction {
    let mut anchor = time::anchor(document.published.as_deref(), context.captured.as_deref());
    // A note's header line dates when it was written: without a
    // publication date, that is the day its "in October" counts from.
    let header = claim::header_line(&document.text);
    if let Some(range) = &header
        && anchor
            .as_ref()
            .is_none_or(|a| a.source != AnchorSource::Published)
    {
        let line = &document.text[range.clone()];
        let dated = time::find(line, &spans::CharIndex::new(line), anchor.as_ref())
            .into_iter()
            .find(|t| t.edtf.len() == 10 && t.resolution == Resolution::Absolute);
        if let Some(t) = dated {
            anchor = Some(Anchor {
                date: t.edtf,
                source: AnchorSource::Header,
            });
        }
    }
    let mut extraction = Extraction {
        extractor: EXTRACTOR.to_owned(),
        models: models
            .ner
            .as_ref()
            .map(|_| NER_METHOD.to_owned())
            .into_iter()
            .collect(),
        mentions: Vec::new(),
        anchor,
        times: Vec::new(),
        durations: Vec::new(),
        quantities: Vec::new(),
        money: Vec::new(),
        quotes: Vec::new(),
        attributions: Vec::new(),
        claims: Vec::new(),
    };
    let fields = [Field::Text, Field::Title, Field::Subtitle]
        .into_iter()
        .chain((0..document.captions.len()).map(Field::Caption));
    for field in fields {
        let Some(text) = field.text(document) else {
            continue;
        };
        let index = spans::CharIndex::new(text);
        // Where the text's header line ends (the other fields have none).
        let header_chars = header
            .as_ref()
            .filter(|_| field == Field::Text)
            .map(|r| index.char_at(r.end));
        let mut times = time::find(text, &index, extraction.anchor.as_ref());
        let mut money = money::find(text, &index, &times);
        // "200,000 roubles a month": the month is the pay's period, not a
        // term, and the sum is no count.
        let mut durations = duration::find(text, &index, &times);
        durations.retain(|d| !money.iter().any(|m| overlaps(m.span, d.span)));
        let mut quantities = quantity::find(text, &index, &times, &durations);
        quantities.retain(|q| !money.iter().any(|m| overlaps(m.span, q.span)));
        // A count that read like a year ("about 1800 people") is a count.
        times.retain(|t| !quantities.iter().any(|q| overlaps(q.span, t.span)));
        let (mut quotes, mut attributions) = quote::find(text, &index);
        let mut mentions = mentions(document, field, text, &index, models);
        // A speaker or source names a person or organization when one of
        // the field's mentions lies inside its words (the last one: "pro-
        // Kremlin “war correspondent” Vlad Filin").
        let base = extraction.mentions.len();
        let named = |speaker: &mut Speaker| {
            speaker.mention = mentions
                .iter()
                .enumerate()
                .filter(|(_, m)| {
                    m.kind != ner::EntityKind::Place
                        && m.span.start >= speaker.span.start
                        && m.span.end <= speaker.span.end
                })
                .map(|(i, _)| base + i)
                .next_back();
        };
        quotes
            .iter_mut()
            .filter_map(|q| q.speaker.as_mut())
            .for_each(named);
        attributions.iter_mut().for_each(|a| named(&mut a.source));
        // Claims point at what the same field holds, by its index in the
        // whole extraction.
        let numbered = |base: usize, spans: Vec<Span>| -> Vec<(usize, Span)> {
            spans
                .into_iter()
                .enumerate()
                .map(|(i, s)| (base + i, s))
                .collect()
        };
        let found = claim::Found {
            // The header line's date is no event's.
            times: numbered(
                extraction.times.len(),
                times.iter().map(|t| t.span).collect(),
            )
            .into_iter()
            .filter(|(_, s)| header_chars.is_none_or(|h| s.start >= h))
            .collect(),
            durations: numbered(
                extraction.durations.len(),
                durations.iter().map(|d| d.span).collect(),
            ),
            quantities: numbered(
                extraction.quantities.len(),
                quantities.iter().map(|q| q.span).collect(),
            ),
            money: numbered(
                extraction.money.len(),
                money.iter().map(|m| m.span).collect(),
            ),
            mentions: numbered(
                extraction.mentions.len(),
                mentions.iter().map(|m| m.span).collect(),
            ),
            quotes: &quotes,
            attributions: &attributions,
        };
        let mut claims = claim::find(text, &index, &found);
        times.iter_mut().for_each(|t| t.field = field);
        durations.iter_mut().for_each(|d| d.field = field);
        quantities.iter_mut().for_each(|q| q.field = field);
        money.iter_mut().for_each(|m| m.field = field);
        quotes.iter_mut().for_each(|q| q.field = field);
        attributions.iter_mut().for_each(|a| a.field = field);
        mentions.iter_mut().for_each(|m| m.field = field);
        claims.iter_mut().for_each(|c| c.field = field);
        extraction.times.extend(times);
        extraction.durations.extend(durations);
        extraction.quantities.extend(quantities);
        extraction.money.extend(money);
        extraction.quotes.extend(quotes);
        extraction.attributions.extend(attributions);
        extraction.mentions.extend(mentions);
        extraction.claims.extend(claims);
    }
    extraction.mentions.extend(metadata_mentions(document));
    extraction
}

/// The method of mentions taken from the document's metadata.
pub const METADATA_METHOD: &str = "metadata";

/// People and outlets the document's metadata names: its authors and
/// translators (persons), its publisher (an organization), and its caption
/// credits ("Name / Agency / Agency": the first part a person when it reads
/// as a name of two or more words, the others organizations).
fn metadata_mentions(document: &Document) -> Vec<Mention> {
    let whole = |field: Field, kind: ner::EntityKind| -> Option<Mention> {
        let text = field.text(document)?.trim();
        if text.is_empty() {
            return None;
        }
        let all = field.text(document)?;
        let start = all.find(text).unwrap_or(0);
        let index = spans::CharIndex::new(all);
        Some(mention(
            field,
            all,
            start..start + text.len(),
            kind,
            &index,
            METADATA_METHOD,
        ))
    };
    let mut out = Vec::new();
    for n in 0..document.authors.len() {
        out.extend(whole(Field::Author(n), ner::EntityKind::Person));
    }
    for n in 0..document.translators.len() {
        out.extend(whole(Field::Translator(n), ner::EntityKind::Person));
    }
    out.extend(whole(Field::Publisher, ner::EntityKind::Organization));
    for (n, caption) in document.captions.iter().enumerate() {
        let Some(credit) = caption.credit.as_deref() else {
            continue;
        };
        let index = spans::CharIndex::new(credit);
        let mut offset = 0usize;
        for (position, part) in credit.split('/').enumerate() {
            let trimmed = part.trim();
            let start = offset + (part.len() - part.trim_start().len());
            offset += part.len() + 1;
            if trimmed.is_empty() {
                continue;
            }
            let words = trimmed.split_whitespace().count();
            let named = trimmed
                .split_whitespace()
                .all(|w| w.starts_with(char::is_uppercase) && !w.chars().all(char::is_uppercase));
            let kind = if position == 0 && words >= 2 && named {
                ner::EntityKind::Person
            } else {
                ner::EntityKind::Organization
            };
            out.push(mention(
                Field::CaptionCredit(n),
                credit,
                start..start + trimmed.len(),
                kind,
                &index,
                METADATA_METHOD,
            ));
        }
    }
    out
}

fn mention(
    field: Field,
    text: &str,
    bytes: std::ops::Range<usize>,
    kind: ner::EntityKind,
    index: &spans::CharIndex<'_>,
    method: &str,
) -> Mention {
    let words = &text[bytes.clone()];
    let cyrillic = words.chars().any(|c| ('\u{400}'..='\u{52f}').contains(&c));
    Mention {
        span: index.span(bytes),
        field,
        text: words.to_owned(),
        normal: None,
        latin: cyrillic.then(|| translit::transliterate(words, translit::Script::Russian)),
        kind,
        method: method.to_owned(),
        institution: None,
    }
}

/// The method of English mentions found by rule.
pub const ENGLISH_RULES_METHOD: &str = "casefile-names-en";

/// The method of Ukrainian mentions: the Russian NER model over the text
/// with Ukrainian letters spelled the Russian way (і, ї → и; є → е;
/// ґ → г; и → ы), until a Ukrainian model exists.
pub const UKRAINIAN_NER_METHOD: &str = "slovnet_ner_news_v1+uk-letters";

/// The languages mentions are found in, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tongue {
    English,
    Russian,
    Ukrainian,
}

/// Ukrainian letters spelled the Russian way, letter for letter (every
/// letter keeps its byte length, so spans carry over).
fn russian_spelling(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'і' | 'ї' => 'и',
            'І' | 'Ї' => 'И',
            'є' => 'е',
            'Є' => 'Е',
            'ґ' => 'г',
            'Ґ' => 'Г',
            'и' => 'ы',
            'И' => 'Ы',
            other => other,
        })
        .collect()
}

/// Legal forms written before a company's name in quotes, in Russian and
/// Ukrainian: "ООО «Каскад»", "ТОВ «Шторм»", "ДП «Донецька залізниця»".
const LEGAL_FORMS: &[&str] = &[
    "ТОВ", "ТзОВ", "ПрАТ", "ПАТ", "АТ", "ДП", "КП", "ПП", "АБ", "НАК", "ООО", "ЗАО", "ОАО", "ПАО",
    "АО", "ФГУП", "ГУП", "МУП", "АНО", "НКО",
];

/// Where the quoted name that opens at byte `open` (a «) ends: after its
/// closing », quotes inside it counted ("«Страхова компанія «Гарантія
/// Життя»»"). The text often drops the last closing mark; then the name
/// ends at the last » before what follows it closes the sentence or the
/// clause, or opens another quote.
fn quoted_end(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut last_close = None;
    for (at, c) in text[open..].char_indices().take(200) {
        match c {
            '«' if last_close.is_some() && depth < 2 => break,
            '«' => depth += 1,
            '»' => {
                depth = depth.saturating_sub(1);
                last_close = Some(open + at + c.len_utf8());
                if depth == 0 {
                    return last_close;
                }
            }
            '\n' | ';' | '.' | '!' | '?' | ',' if last_close.is_some() => break,
            '\n' => break,
            _ => {}
        }
    }
    last_close
}

/// Companies written as a legal form and a quoted name ("ООО «Каскад»"):
/// one organization from the form to the closing quote, in place of what
/// the model found inside it (often the form alone, or the name cut at an
/// inner quote).
fn companies(
    text: &str,
    mut found: Vec<(std::ops::Range<usize>, ner::EntityKind)>,
) -> Vec<(std::ops::Range<usize>, ner::EntityKind)> {
    let mut added = Vec::new();
    for form in LEGAL_FORMS {
        for (at, _) in text.match_indices(form) {
            let starts_word = !text[..at].ends_with(char::is_alphanumeric);
            let rest = &text[at + form.len()..];
            let gap = rest.len() - rest.trim_start().len();
            if !starts_word || !rest.trim_start().starts_with('«') || gap > 1 {
                continue;
            }
            let open = at + form.len() + gap;
            if let Some(end) = quoted_end(text, open) {
                added.push(at..end);
            }
        }
    }
    if added.is_empty() {
        return found;
    }
    found.retain(|(range, _)| {
        !added
            .iter()
            .any(|a| range.start < a.end && a.start < range.end)
    });
    found.extend(
        added
            .into_iter()
            .map(|range| (range, ner::EntityKind::Organization)),
    );
    found.sort_by_key(|(range, _)| (range.start, range.end));
    found.dedup_by(|a, b| a.0.start < b.0.end && b.0.start < a.0.end);
    found
}

/// Ukrainian nouns that head the name of a place ("Полтавської області")
/// or of an organization ("Волинської обласної ради"), in their case forms
/// by stem, with the kind of name they head.
const HEADS: &[(&str, ner::EntityKind)] = &[
    ("област", ner::EntityKind::Place),
    ("район", ner::EntityKind::Place),
    ("краю", ner::EntityKind::Place),
    ("громад", ner::EntityKind::Place),
    ("регіон", ner::EntityKind::Place),
    ("рад", ner::EntityKind::Organization),
    ("облрад", ner::EntityKind::Organization),
    ("міськрад", ner::EntityKind::Organization),
    ("адміністраці", ner::EntityKind::Organization),
    ("райдержадміністраці", ner::EntityKind::Organization),
    ("університет", ner::EntityKind::Organization),
    ("академі", ner::EntityKind::Organization),
    ("гварді", ner::EntityKind::Organization),
    ("служб", ner::EntityKind::Organization),
    ("суд", ner::EntityKind::Organization),
    ("прокуратур", ner::EntityKind::Organization),
    ("поліці", ner::EntityKind::Organization),
    ("міністерств", ner::EntityKind::Organization),
    ("управлінн", ner::EntityKind::Organization),
    ("інститут", ner::EntityKind::Organization),
    ("лікарн", ner::EntityKind::Organization),
    ("банк", ner::EntityKind::Organization),
    ("бригад", ner::EntityKind::Organization),
    ("батальйон", ner::EntityKind::Organization),
];

/// Whether a Ukrainian word reads as an adjective: the endings of its
/// case forms.
fn ukrainian_adjective(word: &str) -> bool {
    [
        "ої", "ого", "ий", "ій", "ому", "ою", "а", "е", "і", "их", "ими", "ім",
    ]
    .iter()
    .any(|ending| word.ends_with(ending))
        && word.chars().count() > 4
}

/// Names the model cut before their head noun ("Полтавської" of
/// "Полтавської області", "Волинської обласної" of "... ради"): the span
/// grows over the adjectives and the head noun that follow, and takes the
/// kind the head gives.
fn with_heads(
    text: &str,
    found: Vec<(std::ops::Range<usize>, ner::EntityKind)>,
) -> Vec<(std::ops::Range<usize>, ner::EntityKind)> {
    let mut out: Vec<(std::ops::Range<usize>, ner::EntityKind)> = Vec::with_capacity(found.len());
    for (range, kind) in found {
        let last = text[range.clone()]
            .split_whitespace()
            .last()
            .unwrap_or_default();
        let mut grown = None;
        if ukrainian_adjective(last) {
            // Up to two more lowercase words: adjectives, then the head.
            let mut end = range.end;
            for _ in 0..3 {
                let rest = &text[end..];
                let gap = rest.len() - rest.trim_start_matches([' ', '\u{a0}']).len();
                let word: &str = rest[gap..]
                    .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
                    .next()
                    .unwrap_or_default();
                if word.is_empty() || gap == 0 || !word.starts_with(char::is_lowercase) {
                    break;
                }
                if let Some((_, head)) = HEADS.iter().find(|(stem, _)| {
                    word.starts_with(stem) && word.chars().count() <= stem.chars().count() + 3
                }) {
                    grown = Some((range.start..end + gap + word.len(), *head));
                    break;
                }
                if !ukrainian_adjective(word) {
                    break;
                }
                end += gap + word.len();
            }
        }
        let item = grown.unwrap_or((range, kind));
        if out
            .last()
            .is_none_or(|(previous, _)| previous.end <= item.0.start)
        {
            out.push(item);
        }
    }
    out
}

/// Stems of Ukraine's regions, its cities of a hundred thousand people or
/// more, and the towns of the war the case model's sources name, as
/// Ukrainian writes them: a word that is one of them with a case ending
/// (at most three letters) is a place, whatever the model took it for.
const UKRAINIAN_PLACES: &[&str] = &[
    "Україн",
    "Київ",
    "Києв",
    "Харків",
    "Харков",
    "Одес",
    "Дніпр",
    "Львів",
    "Львов",
    "Запоріжж",
    "Миколаїв",
    "Миколаєв",
    "Маріупол",
    "Луганськ",
    "Вінниц",
    "Макіївк",
    "Макіївц",
    "Херсон",
    "Полтав",
    "Чернігів",
    "Чернігов",
    "Черкас",
    "Хмельницьк",
    "Чернівц",
    "Житомир",
    "Сум",
    "Рівн",
    "Горлівк",
    "Горлівц",
    "Івано-Франківськ",
    "Кам'янськ",
    "Кропивницьк",
    "Тернопол",
    "Тернопіл",
    "Кременчук",
    "Луцьк",
    "Ужгород",
    "Бахмут",
    "Вугледар",
    "Сіверськ",
    "Авдіївк",
    "Авдіївц",
    "Краматорськ",
    "Слов'янськ",
    "Мелітопол",
    "Бердянськ",
    "Ізюм",
    "Лиман",
    "Сєвєродонецьк",
    "Лисичанськ",
    "Ірпін",
    "Буч",
    "Гостомел",
    "Покровськ",
    "Донеччин",
    "Луганщин",
    "Харківщин",
    "Херсонщин",
    "Київщин",
    "Львівщин",
    "Полтавщин",
    "Вінниччин",
    "Черкащин",
    "Чернігівщин",
    "Сумщин",
    "Житомирщин",
    "Волин",
    "Тернопільщин",
    "Хмельниччин",
    "Буковин",
    "Закарпатт",
    "Кіровоградщин",
    "Миколаївщин",
    "Одещин",
    "Рівненщин",
    "Дніпропетровщин",
    "Крим",
    "Росі",
    "Білорус",
    "Польщ",
    "Молдов",
];

/// Case endings of Ukrainian nouns, for [`ukrainian_place`].
const NOUN_ENDINGS: &[&str] = &[
    "", "а", "я", "у", "ю", "і", "ї", "и", "е", "є", "ом", "ем", "єм", "ою", "ею", "єю", "ах",
    "ях", "ам", "ям", "ами", "ями", "ів", "ей", "ові", "еві",
];

/// Whether a single word is one of [`UKRAINIAN_PLACES`] with a case
/// ending ("Києві", "Бахмута"; not "Бучко", a surname).
fn ukrainian_place(word: &str) -> bool {
    UKRAINIAN_PLACES.iter().any(|stem| {
        word.strip_prefix(stem)
            .is_some_and(|ending| NOUN_ENDINGS.contains(&ending))
    })
}

/// Whether the word at byte `at` of `text` starts a sentence: only spaces,
/// opening quotes or dashes stand between it and the text's start or a
/// sentence's end.
fn starts_sentence(text: &str, at: usize) -> bool {
    for c in text[..at].chars().rev() {
        match c {
            c if c.is_whitespace() && c != '\n' => {}
            '«' | '“' | '„' | '"' | '\'' | '—' | '–' | '-' | '(' => {}
            '.' | '!' | '?' | '…' | '\n' => return true,
            _ => return false,
        }
    }
    true
}

/// Mentions the Russian model took for people in Ukrainian text that are
/// places: a known region or city in any of its cases ("Бахмута"), or a
/// capitalized word in the locative after "у", "в" or "на" ("у Києві",
/// "на Донеччині"), whose ending the model does not know.
fn places(
    text: &str,
    found: Vec<(std::ops::Range<usize>, ner::EntityKind)>,
) -> Vec<(std::ops::Range<usize>, ner::EntityKind)> {
    found
        .into_iter()
        .map(|(range, kind)| {
            let word = &text[range.clone()];
            if kind != ner::EntityKind::Person || word.contains(char::is_whitespace) {
                return (range, kind);
            }
            let before = text[..range.start].trim_end();
            let after_preposition = [" у", " в", " на", "\nу", "\nв", "\nна"]
                .iter()
                .any(|p| before.ends_with(p))
                || matches!(before, "у" | "в" | "на" | "У" | "В" | "На");
            if ukrainian_place(word) || (after_preposition && word.ends_with('і')) {
                (range, ner::EntityKind::Place)
            } else {
                (range, kind)
            }
        })
        .collect()
}

/// How many letters of a word [`supported`] compares.
const SUPPORT_LETTERS: usize = 5;

/// Mentions found by the Russian model in Ukrainian text, less the
/// unsupported ones: a single capitalized word opening a sentence is most
/// often a common word the model does not know ("Колишні", "Втім"), so it
/// is kept only when the text also writes a word beginning with its first
/// five letters with a capital inside a sentence.
fn supported(
    text: &str,
    found: Vec<(std::ops::Range<usize>, ner::EntityKind)>,
) -> Vec<(std::ops::Range<usize>, ner::EntityKind)> {
    // The beginnings (up to five letters) of the capitalized words inside
    // sentences, read once.
    let mut inside: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut previous = ' ';
    for (at, c) in text.char_indices() {
        let word_start = c.is_alphanumeric() && !previous.is_alphanumeric();
        previous = c;
        if !word_start || !c.is_uppercase() || starts_sentence(text, at) {
            continue;
        }
        for (n, (i, c)) in text[at..].char_indices().enumerate() {
            let in_word = c.is_alphanumeric() || matches!(c, '\'' | '’' | 'ʼ' | '-');
            if n == SUPPORT_LETTERS || !in_word {
                break;
            }
            inside.insert(&text[at..at + i + c.len_utf8()]);
        }
    }
    found
        .into_iter()
        .filter(|(range, _)| {
            let word = &text[range.clone()];
            if word.contains(char::is_whitespace) || !starts_sentence(text, range.start) {
                return true;
            }
            let stem_end = word
                .char_indices()
                .nth(SUPPORT_LETTERS)
                .map_or(word.len(), |(i, _)| i);
            inside.contains(&word[..stem_end])
        })
        .collect()
}

/// The mentions of one field, part by part: in the text, block by block
/// (a block in English goes to the English rules; one in Russian or
/// Ukrainian to the NER model when it is installed); in the title,
/// subtitle and captions by the document's language.
fn mentions(
    document: &Document,
    field: Field,
    text: &str,
    index: &spans::CharIndex<'_>,
    models: &Models,
) -> Vec<Mention> {
    let model = models.ner.as_ref();
    let tongue =
        |language: Option<&casefile_document::Language>| match language.map(|l| l.code.as_str()) {
            Some("en") => Some(Tongue::English),
            Some("ru") if model.is_some() => Some(Tongue::Russian),
            Some("uk") if model.is_some() => Some(Tongue::Ukrainian),
            _ => None,
        };
    // Byte ranges of the parts to tag, with their language.
    let mut parts: Vec<(std::ops::Range<usize>, Tongue)> = Vec::new();
    if field == Field::Text && !document.blocks.is_empty() {
        for (block, range) in document.blocks.iter().zip(document.block_bytes()) {
            if let (Some(range), Some(tongue)) = (range, tongue(block.language.as_ref())) {
                parts.push((range, tongue));
            }
        }
    } else if let Some(tongue) = tongue(document.language.as_ref()) {
        parts.push((0..text.len(), tongue));
    }
    // Neighbouring English blocks go to the rules together, so that a
    // surname alone in one paragraph is known from the full name in an
    // earlier one ("Alexei Dikiy ..." then "Dikiy was not available").
    let mut joined: Vec<(std::ops::Range<usize>, Tongue)> = Vec::with_capacity(parts.len());
    for (range, tongue) in parts {
        match joined.last_mut() {
            Some((last, Tongue::English)) if tongue == Tongue::English => last.end = range.end,
            _ => joined.push((range, tongue)),
        }
    }
    let parts = joined;
    let mut out = Vec::new();
    for (part, tongue) in parts {
        let words = &text[part.clone()];
        let (found, method) = match (tongue, model) {
            (Tongue::English, _) => (names::find(words), ENGLISH_RULES_METHOD),
            (Tongue::Russian, Some(model)) => (companies(words, model.mentions(words)), NER_METHOD),
            (Tongue::Ukrainian, Some(model)) => (
                companies(
                    words,
                    with_heads(
                        words,
                        places(
                            words,
                            supported(words, model.mentions(&russian_spelling(words))),
                        ),
                    ),
                ),
                UKRAINIAN_NER_METHOD,
            ),
            (_, None) => continue,
        };
        // Russian names' dictionary forms, from the morphology of the
        // names' words in their context (a word's case depends on its
        // neighbours); only the names' words are tagged.
        let morphology = match (&models.morph, tongue, found.is_empty()) {
            (Some(morph), Tongue::Russian, false) => {
                let tokens = ner::tokens::tokenize(words);
                let token_words: Vec<&str> = tokens.iter().map(|r| &words[r.clone()]).collect();
                // Tokens and names both in text order: one pass.
                let mut names: Vec<std::ops::Range<usize>> =
                    found.iter().map(|(range, _)| range.clone()).collect();
                names.sort_by_key(|r| (r.start, r.end));
                let mut next = 0;
                let wanted: Vec<bool> = tokens
                    .iter()
                    .map(|t| {
                        while next < names.len() && names[next].end <= t.start {
                            next += 1;
                        }
                        names[next..]
                            .iter()
                            .take_while(|r| r.start <= t.start)
                            .any(|r| t.end <= r.end)
                    })
                    .collect();
                let tags: Vec<String> = morph
                    .tag_near(&token_words, &wanted)
                    .into_iter()
                    .map(|tag| tag.unwrap_or_default().to_owned())
                    .collect();
                Some((tokens, tags))
            }
            _ => None,
        };
        let found_here = found.len();
        for (range, kind) in found {
            let bytes = part.start + range.start..part.start + range.end;
            let mut found = mention(field, text, bytes, kind, index, method);
            if tongue == Tongue::Ukrainian {
                found.latin = Some(translit::transliterate(
                    &found.text,
                    translit::Script::Ukrainian,
                ));
            }
            if let Some((tokens, tags)) = &morphology {
                let inside: Vec<usize> = (0..tokens.len())
                    .filter(|&i| tokens[i].start >= range.start && tokens[i].end <= range.end)
                    .collect();
                let ranges: Vec<std::ops::Range<usize>> =
                    inside.iter().map(|&i| tokens[i].clone()).collect();
                let token_tags: Vec<&str> = inside.iter().map(|&i| tags[i].as_str()).collect();
                let normal = normal::normal_form(words, &ranges, &token_tags, kind);
                found.latin = Some(translit::transliterate(&normal, translit::Script::Russian));
                found.normal = Some(normal);
            }
            out.push(found);
        }
        // Institutions in lower case, which the model does not read as
        // names; where it found a name over the same words, its mention
        // stands.
        if matches!(tongue, Tongue::Russian | Tongue::Ukrainian) {
            let first = out.len() - found_here;
            let bodies: Vec<Mention> = institutions::find(words)
                .into_iter()
                .filter_map(|(range, kind)| {
                    let bytes = part.start + range.start..part.start + range.end;
                    let span = index.span(bytes.clone());
                    if out[first..].iter().any(|m| overlaps(m.span, span)) {
                        return None;
                    }
                    let mut body = mention(
                        field,
                        text,
                        bytes,
                        ner::EntityKind::Organization,
                        index,
                        INSTITUTIONS_METHOD,
                    );
                    if tongue == Tongue::Ukrainian {
                        body.latin = Some(translit::transliterate(
                            &body.text,
                            translit::Script::Ukrainian,
                        ));
                    }
                    body.institution = Some(kind);
                    Some(body)
                })
                .collect();
            out.extend(bodies);
            out[first..].sort_by_key(|m| (m.span.start, m.span.end));
        }
    }
    out
}

/// Whether two spans share a character.
pub(crate) fn overlaps(a: Span, b: Span) -> bool {
    a.start < b.end && b.start < a.end
}

#[cfg(test)]
mod tests {
    use super::{ner::EntityKind, russian_spelling, supported};

    /// The byte range of the first `word` in `text`.
    fn span_of(text: &str, word: &str) -> std::ops::Range<usize> {
        let start = text.find(word).unwrap_or_default();
        start..start + word.len()
    }

    #[test]
    fn a_legal_form_and_its_quoted_name_are_one_company() {
        let text = "Сотрудники ООО «Каскад» и ТОВ «Страхова компанія «Гарантія Життя» \
                    прийшли; ДП \u{ab}Лінія\u{bb} теж, а ООО без назви ні.";
        let at = |word: &str| span_of(text, word);
        // What the model found: the form alone, and a name cut at the
        // inner quote.
        let found = vec![
            (at("ООО"), EntityKind::Organization),
            (at("Страхова компанія"), EntityKind::Organization),
        ];
        let kept: Vec<&str> = super::companies(text, found)
            .into_iter()
            .map(|(range, _)| &text[range])
            .collect();
        assert_eq!(
            kept,
            [
                "ООО «Каскад»",
                "ТОВ «Страхова компанія «Гарантія Життя»",
                "ДП «Лінія»"
            ]
        );
    }

    #[test]
    fn ukrainian_names_grow_over_their_head_and_places_are_known() {
        let text = "Мешканці Полтавської області та депутати Волинської обласної ради, Бучко.";
        let at = |word: &str| span_of(text, word);
        let found = vec![
            (at("Полтавської"), EntityKind::Person),
            (at("Волинської"), EntityKind::Person),
        ];
        let grown: Vec<(&str, EntityKind)> = super::with_heads(text, found)
            .into_iter()
            .map(|(range, kind)| (&text[range], kind))
            .collect();
        assert_eq!(
            grown,
            [
                ("Полтавської області", EntityKind::Place),
                ("Волинської обласної ради", EntityKind::Organization)
            ]
        );
        for place in ["Києві", "Бахмута", "Донеччині", "Суми", "Запоріжжя"]
        {
            assert!(super::ukrainian_place(place), "{place}");
        }
        for other in ["Бучко", "Сумний", "Київський", "Білик"] {
            assert!(!super::ukrainian_place(other), "{other}");
        }
    }

    #[test]
    fn a_lone_word_opening_a_sentence_needs_support() {
        let text = "Колишні бійці мовчать. Шевченко відповів. «Втім», каже він, Шевченко знає.";
        let at = |word: &str| span_of(text, word);
        let found = vec![
            (at("Колишні"), EntityKind::Person),
            (at("Шевченко"), EntityKind::Person),
            (at("Втім"), EntityKind::Person),
        ];
        let kept: Vec<&str> = supported(text, found)
            .into_iter()
            .map(|(range, _)| &text[range])
            .collect();
        // "Шевченко" is written with a capital inside a sentence too.
        assert_eq!(kept, ["Шевченко"]);
    }

    #[test]
    fn ukrainian_letters_respelled_keep_every_byte_offset() {
        let text = "Їжакевич і Ґалаґан з Києва, Євген — «Щит» 2024 р.";
        let respelled = russian_spelling(text);
        assert_eq!(
            respelled,
            "Ижакевыч и Галаган з Кыева, Евген — «Щыт» 2024 р."
        );
        assert_eq!(respelled.len(), text.len());
        for ((a, _), (b, _)) in text.char_indices().zip(respelled.char_indices()) {
            assert_eq!(a, b);
        }
    }
}
