//! casefile's extraction stage: from a [`Document`] to what it says about
//! time, duration and number, each tied to the exact span it came from.
//!
//! Pure: no I/O, no clock. Relative expressions ("earlier this year",
//! "торік") are resolved against a reference date the caller gives (the
//! document's publication date, else its capture date), and say so.
//!
//! So far: times normalized to EDTF (ISO 8601-2) in English, Russian and
//! Ukrainian ([`time`]), durations as ISO 8601 durations ([`duration`]),
//! and quantities with the counted noun ([`quantity`]). Spans count
//! characters (Unicode scalar values) of the document's `text`, as the
//! document's own spans do.

#![deny(missing_docs)]

mod bounded;
pub mod duration;
mod numbers;
pub mod quantity;
pub mod quote;
mod spans;
pub mod time;

use casefile_document::{Document, Span};
use serde::{Deserialize, Serialize};

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

/// Everything extracted from one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extraction {
    /// Which extractor made it ([`EXTRACTOR`]).
    pub extractor: String,
    /// The reference date relative expressions were resolved against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchor: Option<Anchor>,
    /// Date and time expressions, in text order.
    pub times: Vec<TimeMention>,
    /// Durations, in text order.
    pub durations: Vec<DurationMention>,
    /// Quantities, in text order.
    pub quantities: Vec<Quantity>,
    /// Direct quotes with their speakers, in text order.
    #[serde(default)]
    pub quotes: Vec<Quote>,
    /// Reported speech attributed to a source ("according to…").
    #[serde(default)]
    pub attributions: Vec<Attribution>,
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
        }
    }
}

/// Extracts everything this stage knows from `document`: its text, title,
/// subtitle and captions (a photo's date is often only in its caption).
pub fn extract(document: &Document, context: &Context) -> Extraction {
    let anchor = time::anchor(document.published.as_deref(), context.captured.as_deref());
    let mut extraction = Extraction {
        extractor: EXTRACTOR.to_owned(),
        anchor,
        times: Vec::new(),
        durations: Vec::new(),
        quantities: Vec::new(),
        quotes: Vec::new(),
        attributions: Vec::new(),
    };
    let fields = [Field::Text, Field::Title, Field::Subtitle]
        .into_iter()
        .chain((0..document.captions.len()).map(Field::Caption));
    for field in fields {
        let Some(text) = field.text(document) else {
            continue;
        };
        let index = spans::CharIndex::new(text);
        let mut times = time::find(text, &index, extraction.anchor.as_ref());
        let mut durations = duration::find(text, &index, &times);
        let mut quantities = quantity::find(text, &index, &times, &durations);
        times.iter_mut().for_each(|t| t.field = field);
        durations.iter_mut().for_each(|d| d.field = field);
        quantities.iter_mut().for_each(|q| q.field = field);
        extraction.times.extend(times);
        extraction.durations.extend(durations);
        extraction.quantities.extend(quantities);
        let (mut quotes, mut attributions) = quote::find(text, &index);
        quotes.iter_mut().for_each(|q| q.field = field);
        attributions.iter_mut().for_each(|a| a.field = field);
        extraction.quotes.extend(quotes);
        extraction.attributions.extend(attributions);
    }
    extraction
}

/// Whether two spans share a character.
pub(crate) fn overlaps(a: Span, b: Span) -> bool {
    a.start < b.end && b.start < a.end
}
