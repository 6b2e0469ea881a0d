//! Witnesses: the protected people of a case, each known everywhere by a
//! stable pseudonym (W-001, W-002... in the order they were registered),
//! with what they consented to, and the spans of their testimonies a
//! person confirmed to mask.
//!
//! Everything here is logged as sealed curation (`casefile-witness 1`
//! documents) and kept, once read, in the sealed protected layer as the
//! [`Register`]. Outputs show pseudonyms and masked spans ([`Redactor`])
//! unless a cleared member asks for names.

use std::collections::{BTreeMap, HashMap};

use casefile_document::Document;
use serde::{Deserialize, Serialize};

use crate::case::Case;
use crate::curation::Item;
use crate::error::Error;

/// The format of witness documents.
pub const WITNESS_FORMAT: &str = "casefile-witness 1";
/// The most bytes a witness document may have.
pub const MAX_WITNESS_LEN: usize = 64 * 1024;

/// What a witness may agree to their account being used for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "use", content = "partner")]
pub enum Use {
    /// Analysis inside the organisation.
    Internal,
    /// Sharing with one named partner organisation.
    Partner(String),
    /// Submission to a court or tribunal.
    Court,
    /// Publication.
    Publication,
}

impl Use {
    /// Parses `internal`, `court`, `publication` or `partner:NAME`.
    pub fn parse(text: &str) -> Result<Use, Error> {
        Ok(match text.trim() {
            "internal" => Use::Internal,
            "court" => Use::Court,
            "publication" => Use::Publication,
            other => match other.strip_prefix("partner:") {
                Some(name) if !name.trim().is_empty() => Use::Partner(name.trim().to_owned()),
                _ => {
                    return Err(Error::invalid(format!(
                        "{other:?} is not a use: internal, court, publication or partner:NAME"
                    )));
                }
            },
        })
    }
}

impl Use {
    /// As [`Use::parse`] reads it: `internal`, `court`, `publication`,
    /// `partner:NAME`.
    pub fn name(&self) -> String {
        match self {
            Use::Internal => "internal".into(),
            Use::Court => "court".into(),
            Use::Publication => "publication".into(),
            Use::Partner(name) => format!("partner:{name}"),
        }
    }
}

impl std::fmt::Display for Use {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Use::Internal => f.write_str("internal analysis"),
            Use::Partner(name) => write!(f, "sharing with {name}"),
            Use::Court => f.write_str("submission to a court"),
            Use::Publication => f.write_str("publication"),
        }
    }
}

/// One witness document, as logged (sealed); `docs/formats/witness.md`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
pub enum WitnessDoc {
    /// A witness registered.
    Add {
        /// Their name as they gave it.
        name: String,
        /// Other names and spellings they are known by.
        #[serde(default)]
        aliases: Vec<String>,
        /// How to reach them.
        #[serde(default)]
        contacts: Vec<String>,
        /// Anything else that identifies them.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        details: Option<String>,
        /// The sources that are their accounts (log indexes).
        #[serde(default)]
        sources: Vec<u64>,
    },
    /// Consent given, or withdrawn.
    Consent {
        /// The witness's pseudonym.
        witness: String,
        /// For what.
        #[serde(flatten)]
        to: Use,
        /// Given (true) or withdrawn (false).
        given: bool,
        /// With their name (true) or anonymously.
        #[serde(default)]
        named: bool,
        /// When they said so (EDTF day or time).
        at: String,
        /// The source that records it (a signed form, a recording).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        recorded_in: Option<u64>,
    },
    /// A span of a protected document a person confirmed to mask.
    Mask {
        /// The source.
        source: u64,
        /// The document's ordinal.
        document: u64,
        /// Its start, in characters of the document's text.
        start: usize,
        /// Its end.
        end: usize,
        /// What it is (`name`, `phone`, `email`, `address`, `birth-date`,
        /// `other`).
        kind: String,
    },
}

#[derive(Serialize, Deserialize)]
struct Envelope {
    format: String,
    #[serde(flatten)]
    doc: WitnessDoc,
}

impl WitnessDoc {
    /// The document's bytes (JSON).
    pub fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(&Envelope {
            format: WITNESS_FORMAT.to_owned(),
            doc: self.clone(),
        })
        .unwrap_or_default()
    }

    /// Reads a witness document.
    pub fn decode(bytes: &[u8]) -> Result<WitnessDoc, Error> {
        if bytes.len() > MAX_WITNESS_LEN {
            return Err(Error::integrity(format!(
                "a witness document of {} bytes (at most {MAX_WITNESS_LEN})",
                bytes.len()
            )));
        }
        let envelope: Envelope = serde_json::from_slice(bytes)
            .map_err(|e| Error::integrity(format!("not a witness document: {e}")))?;
        if envelope.format != WITNESS_FORMAT {
            return Err(Error::integrity(format!(
                "its format {:?} is not {WITNESS_FORMAT:?}",
                envelope.format
            )));
        }
        Ok(envelope.doc)
    }
}

/// One change of consent, as the register keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentChange {
    /// For what.
    pub to: Use,
    /// Given, or withdrawn.
    pub given: bool,
    /// With their name.
    pub named: bool,
    /// When they said so.
    pub at: String,
    /// The source that records it.
    pub recorded_in: Option<u64>,
    /// The log entry that records the change.
    pub entry: u64,
    /// Who recorded it.
    pub by: String,
}

/// A witness: a protected person of the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Witness {
    /// Their pseudonym, `W-001`...: what every output shows.
    pub pseudonym: String,
    /// Their name.
    pub name: String,
    /// Other names they are known by.
    pub aliases: Vec<String>,
    /// How to reach them.
    pub contacts: Vec<String>,
    /// Anything else that identifies them.
    pub details: Option<String>,
    /// Their accounts (log indexes).
    pub sources: Vec<u64>,
    /// The entities that are them (ids, without `E`), found by name.
    pub entities: Vec<String>,
    /// Every change of their consent, in log order.
    pub consent: Vec<ConsentChange>,
    /// The log entry that registered them.
    pub entry: u64,
}

/// What a witness's consent says of one use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "answer", rename_all = "kebab-case")]
pub enum Allowed {
    /// Allowed, with their name.
    Named,
    /// Allowed without their name: only a redacted rendering.
    Anonymous,
    /// Not allowed, and why.
    Refused {
        /// Why, in words.
        why: String,
    },
}

impl Witness {
    /// What their consent says of `what`, as it stands now: the latest
    /// change about it decides; with none, it is refused.
    pub fn allows(&self, what: &Use) -> Allowed {
        match self.consent.iter().rev().find(|c| &c.to == what) {
            Some(c) if c.given && c.named => Allowed::Named,
            Some(c) if c.given => Allowed::Anonymous,
            Some(c) => Allowed::Refused {
                why: format!(
                    "{} withdrew consent to {what} on {} (log entry #{})",
                    self.pseudonym, c.at, c.entry
                ),
            },
            None => Allowed::Refused {
                why: format!("{} has not consented to {what}", self.pseudonym),
            },
        }
    }

    /// Every name they go by: name and aliases.
    fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

/// A span confirmed for masking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mask {
    /// The source.
    pub source: u64,
    /// The document's ordinal.
    pub document: u64,
    /// Its start, in characters of the text.
    pub start: usize,
    /// Its end.
    pub end: usize,
    /// What it is.
    pub kind: String,
    /// The log entry that confirmed it.
    pub entry: u64,
}

/// The witnesses and masks of a case, as read from its sealed curation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Register {
    /// The witnesses, by pseudonym order.
    pub witnesses: Vec<Witness>,
    /// The confirmed masks.
    pub masks: Vec<Mask>,
}

/// The pseudonym of the `n`th witness registered (from 1).
pub fn pseudonym(n: usize) -> String {
    format!("W-{n:03}")
}

impl Register {
    /// Applies one witness document logged as `entry` by `by`, in log
    /// order. A consent about an unknown pseudonym is an error in the log.
    pub(crate) fn apply(&mut self, doc: &WitnessDoc, entry: u64, by: &str) -> Result<(), Error> {
        match doc {
            WitnessDoc::Add {
                name,
                aliases,
                contacts,
                details,
                sources,
            } => {
                let pseudonym = pseudonym(self.witnesses.len() + 1);
                self.witnesses.push(Witness {
                    pseudonym,
                    name: name.clone(),
                    aliases: aliases.clone(),
                    contacts: contacts.clone(),
                    details: details.clone(),
                    sources: sources.clone(),
                    entities: Vec::new(),
                    consent: Vec::new(),
                    entry,
                });
            }
            WitnessDoc::Consent {
                witness,
                to,
                given,
                named,
                at,
                recorded_in,
            } => {
                let found = self
                    .witnesses
                    .iter_mut()
                    .find(|w| &w.pseudonym == witness)
                    .ok_or_else(|| {
                        Error::integrity(format!(
                            "log entry #{entry} records consent of {witness}, who is not registered"
                        ))
                    })?;
                found.consent.push(ConsentChange {
                    to: to.clone(),
                    given: *given,
                    named: *named,
                    at: at.clone(),
                    recorded_in: *recorded_in,
                    entry,
                    by: by.to_owned(),
                });
            }
            WitnessDoc::Mask {
                source,
                document,
                start,
                end,
                kind,
            } => self.masks.push(Mask {
                source: *source,
                document: *document,
                start: *start,
                end: *end,
                kind: kind.clone(),
                entry,
            }),
        }
        Ok(())
    }

    /// The register the witness documents of `view` make, in log order.
    pub(crate) fn read(view: &crate::curation::LogView) -> Result<Register, Error> {
        let mut register = Register::default();
        for logged in &view.curated {
            if let crate::curation::Curated::Witness(doc) = &logged.curated {
                let method = &logged.by.method;
                let by = method.strip_prefix("person:").unwrap_or(method);
                register.apply(doc, logged.by.entry, by)?;
            }
        }
        Ok(register)
    }

    /// The witness `pseudonym` names (`W-001`, `w-1`, `1`).
    pub fn witness(&self, pseudonym: &str) -> Option<&Witness> {
        let wanted = normal_pseudonym(pseudonym)?;
        self.witnesses.iter().find(|w| w.pseudonym == wanted)
    }

    /// The witnesses whose accounts include `source`.
    pub fn of_source(&self, source: u64) -> Vec<&Witness> {
        self.witnesses
            .iter()
            .filter(|w| w.sources.contains(&source))
            .collect()
    }

    /// Links each witness to the entities that are them: person entities
    /// named in one of their accounts (or anywhere protected, `protected`)
    /// whose name or any name compares the same as theirs.
    pub(crate) fn link(&mut self, entities: &[(String, Vec<String>, Vec<u64>)], protected: &[u64]) {
        for witness in &mut self.witnesses {
            witness.entities = entities
                .iter()
                .filter(|(_, _, sources)| sources.iter().any(|s| protected.contains(s)))
                .filter(|(_, names, _)| {
                    names.iter().any(|n| {
                        witness.names().any(|w| {
                            casefile_resolve::names::compare_names(
                                n,
                                w,
                                casefile_resolve::names::NameKind::Person,
                            )
                            .same
                        })
                    })
                })
                .map(|(id, _, _)| id.clone())
                .collect();
        }
    }
}

/// `W-001` for `W-001`, `w-1`, `W1` or `1`.
pub fn normal_pseudonym(text: &str) -> Option<String> {
    let digits = text
        .trim()
        .trim_start_matches(['W', 'w'])
        .trim_start_matches('-');
    let n: usize = digits.parse().ok()?;
    (n > 0).then(|| pseudonym(n))
}

/// A span to bar: start and end in characters, and what stands in it.
type Bar = (usize, usize, String);

/// A mention of a witness's entity: source, document, start and end in
/// characters of the text, and as written.
type WitnessMention = (u64, u64, usize, usize, String);

/// Where `needle` starts in `chars`, left to right, not overlapping.
pub(crate) fn occurrences(chars: &[char], needle: &[char]) -> Vec<usize> {
    let mut found = Vec::new();
    if needle.is_empty() {
        return found;
    }
    let mut at = 0;
    while at + needle.len() <= chars.len() {
        if chars[at..at + needle.len()] == *needle {
            found.push(at);
            at += needle.len();
        } else {
            at += 1;
        }
    }
    found
}

/// What outputs show instead of protected names and identifying details:
/// each witness's pseudonym for their names and the entities that are
/// them, and a bar the length of the span for a confirmed mask.
#[derive(Debug, Default)]
pub struct Redactor {
    /// Entity id → pseudonym.
    entities: HashMap<String, String>,
    /// Name variants (longest first) → what replaces them.
    needles: Vec<(String, String)>,
    /// (source, document) → spans in characters of the text, with labels.
    spans: BTreeMap<(u64, u64), Vec<Bar>>,
}

impl Redactor {
    /// The redactor of `register`, with the mentions of the entities that
    /// are witnesses (`mentions`: entity id → (source, document, start,
    /// end, text) in the text field).
    /// With `names`, a reader asked for names: the witnesses who consented
    /// to internal analysis by name are shown by name, and the confirmed
    /// masks of their accounts are not applied; everyone else stays
    /// redacted.
    pub(crate) fn new(
        register: &Register,
        mentions: &HashMap<String, Vec<WitnessMention>>,
        names: bool,
    ) -> Redactor {
        let mut out = Redactor::default();
        let named = |w: &Witness| names && w.allows(&Use::Internal) == Allowed::Named;
        for witness in register.witnesses.iter().filter(|w| !named(w)) {
            let label = witness.pseudonym.clone();
            for name in witness.names() {
                out.needles.push((name.to_owned(), label.clone()));
                // Each word of it too, so a surname alone, or declined, is
                // caught (a name in a file name, "Канарейкина").
                for word in name.split(|c: char| !c.is_alphanumeric()) {
                    if word.chars().count() >= 4 {
                        out.needles.push((word.to_owned(), label.clone()));
                        if let Some(stem) = stem(word) {
                            out.needles.push((stem, label.clone()));
                        }
                    }
                }
            }
            for contact in &witness.contacts {
                out.needles.push((contact.clone(), "contact".to_owned()));
            }
            for entity in &witness.entities {
                out.entities.insert(entity.clone(), label.clone());
                for (source, document, start, end, text) in
                    mentions.get(entity).into_iter().flatten()
                {
                    out.spans.entry((*source, *document)).or_default().push((
                        *start,
                        *end,
                        label.clone(),
                    ));
                    out.needles.push((text.clone(), label.clone()));
                }
            }
        }
        // A source's masks stay unless every witness of it is shown named
        // (names asked for, of a source no witness is known of: shown).
        let masked = |source: u64| {
            let of: Vec<&Witness> = register.of_source(source);
            !names || of.iter().any(|w| !named(w))
        };
        for mask in register.masks.iter().filter(|m| masked(m.source)) {
            out.spans
                .entry((mask.source, mask.document))
                .or_default()
                .push((mask.start, mask.end, mask.kind.clone()));
        }
        out.needles.retain(|(n, _)| n.chars().count() >= 3);
        out.needles
            .sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        out.needles.dedup_by(|a, b| a.0 == b.0);
        out
    }

    /// Whether it changes nothing.
    pub fn is_empty(&self) -> bool {
        self.needles.is_empty() && self.spans.is_empty()
    }

    /// The pseudonym shown for entity `id`, when it is a witness.
    pub fn entity(&self, id: &str) -> Option<&str> {
        self.entities.get(id).map(String::as_str)
    }

    /// `text` with every name variant replaced by what stands for it.
    pub fn text(&self, text: &str) -> String {
        replace_all(text, &self.needles)
    }

    /// The document as shown: its confirmed masks and the mentions of
    /// witnesses replaced by bars of the same length in characters (so
    /// every span into it still holds), then names, and what the masks
    /// covered, barred the same way wherever else they appear: title,
    /// captions, removed boilerplate, authors, annotations, origin.
    pub fn document(&self, source: u64, ordinal: u64, document: &mut Document) {
        let mut spans: Vec<Bar> = self
            .spans
            .get(&(source, ordinal))
            .cloned()
            .unwrap_or_default();
        let chars: Vec<char> = document.text.chars().collect();
        // What a mask or a mention covered, to find it elsewhere too.
        let mut needles = self.needles.clone();
        for (start, end, label) in &spans {
            if let Some(covered) = chars.get(*start..(*end).min(chars.len())) {
                let covered: String = covered.iter().collect();
                if covered.trim().chars().count() >= 3 {
                    needles.push((covered.trim().to_owned(), label.clone()));
                }
                // Declined elsewhere: "Снегирёвка", "в Снегирёвке".
                for word in covered.split(|c: char| !c.is_alphanumeric()) {
                    needles.extend(stem(word).map(|stem| (stem, label.clone())));
                }
            }
        }
        needles.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        needles.dedup_by(|a, b| a.0 == b.0);
        needle_spans(&needles, &chars, &mut spans);
        if !spans.is_empty() {
            document.text = bars(&chars, spans);
        }
        let text = std::mem::take(&mut document.text);
        // Every other string of the document, whatever field holds it.
        if let Ok(mut value) = serde_json::to_value(&*document) {
            let mut changed = false;
            bar_strings(&mut value, &needles, &mut changed);
            if changed && let Ok(barred) = serde_json::from_value::<Document>(value) {
                *document = barred;
            }
        }
        document.text = text;
    }
}

/// A word without its case ending, to find it declined ("Снегирёвк" of
/// "Снегирёвка"): its trailing vowels, soft and short signs dropped, when
/// what stays is at least five letters long and the word had an ending.
fn stem(word: &str) -> Option<String> {
    let trimmed = word.trim_end_matches(|c: char| {
        "аеёиоуыэюяйьіїєaeiouy".contains(c.to_lowercase().next().unwrap_or(c))
    });
    (trimmed.len() < word.len() && trimmed.chars().count() >= 5).then(|| trimmed.to_owned())
}

/// The fields whose strings name a variant of an enum, never free text.
const TAGS: &[&str] = &["reader", "kind", "reason", "severity", "language"];

/// Every free-text string in `value` with `needles` barred in place.
fn bar_strings(value: &mut serde_json::Value, needles: &[(String, String)], changed: &mut bool) {
    match value {
        serde_json::Value::String(text) => {
            let chars: Vec<char> = text.chars().collect();
            let mut spans = Vec::new();
            needle_spans(needles, &chars, &mut spans);
            if !spans.is_empty() {
                *text = bars(&chars, spans);
                *changed = true;
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                bar_strings(item, needles, changed);
            }
        }
        serde_json::Value::Object(fields) => {
            for (key, field) in fields.iter_mut() {
                if !TAGS.contains(&key.as_str()) {
                    bar_strings(field, needles, changed);
                }
            }
        }
        _ => {}
    }
}

/// Where each of `needles` is in `chars`, added to `spans`.
fn needle_spans(needles: &[(String, String)], chars: &[char], spans: &mut Vec<Bar>) {
    for (needle, label) in needles {
        let needle: Vec<char> = needle.chars().collect();
        for at in occurrences(chars, &needle) {
            spans.push((at, at + needle.len(), label.clone()));
        }
    }
}

impl Redactor {
    /// The redactor of the register kept in `layer`, with the mentions of
    /// the witnesses' entities read from it; `None` when it has none.
    pub(crate) fn of_layer(
        layer: &casefile_derived::ProtectedLayer,
        names: bool,
    ) -> Result<Option<(Register, Redactor)>, Error> {
        let Some(text) = &layer.register else {
            return Ok(None);
        };
        let register: Register = serde_json::from_str(text)
            .map_err(|e| Error::integrity(format!("the protected layer's register: {e}")))?;
        let wanted: std::collections::HashSet<&str> = register
            .witnesses
            .iter()
            .flat_map(|w| w.entities.iter().map(String::as_str))
            .collect();
        let mut mentions: HashMap<String, Vec<WitnessMention>> = HashMap::new();
        for entity in &layer.entities {
            if !wanted.contains(entity.summary.id.as_str()) {
                continue;
            }
            let stored: crate::resolve::StoredEntity = serde_json::from_str(&entity.body)
                .map_err(|e| Error::integrity(format!("entity {}: {e}", entity.summary.id)))?;
            mentions.insert(
                stored.id.clone(),
                stored
                    .mentions
                    .iter()
                    .filter(|m| m.field == "text")
                    .map(|m| (m.source, m.document, m.start, m.end, m.text.clone()))
                    .collect(),
            );
        }
        let redactor = Redactor::new(&register, &mentions, names);
        Ok(Some((register, redactor)))
    }

    /// `layer` as shown: the witnesses' entities named by their
    /// pseudonyms, and every name and contact replaced wherever it appears
    /// in a name, label or body.
    pub(crate) fn layer(&self, layer: &mut casefile_derived::ProtectedLayer) -> Result<(), Error> {
        let escaped: Vec<(String, String)> = self
            .needles
            .iter()
            .map(|(n, l)| (json_inner(n), json_inner(l)))
            .collect();
        let in_json = |body: &str| replace_all(body, &escaped);
        for entity in &mut layer.entities {
            if let Some(pseudonym) = self.entity(&entity.summary.id) {
                let mut stored: crate::resolve::StoredEntity = serde_json::from_str(&entity.body)
                    .map_err(|e| {
                    Error::integrity(format!("entity {}: {e}", entity.summary.id))
                })?;
                stored.name = pseudonym.to_owned();
                let total = stored.names.iter().map(|(_, n)| n).sum();
                stored.names = vec![(pseudonym.to_owned(), total)];
                for mention in &mut stored.mentions {
                    mention.text = pseudonym.to_owned();
                }
                entity.summary.name = pseudonym.to_owned();
                entity.body =
                    serde_json::to_string(&stored).map_err(|e| Error::integrity(e.to_string()))?;
            } else {
                entity.summary.name = self.text(&entity.summary.name);
                entity.body = in_json(&entity.body);
            }
        }
        for record in &mut layer.records {
            record.summary.label = self.text(&record.summary.label);
            record.body = in_json(&record.body);
        }
        Ok(())
    }
}

/// `text` with each needle (longest first) replaced by its label.
fn replace_all(text: &str, needles: &[(String, String)]) -> String {
    let mut out = text.to_owned();
    for (needle, label) in needles {
        if out.contains(needle.as_str()) {
            out = out.replace(needle.as_str(), label);
        }
    }
    out
}

/// `text` as it is written inside a JSON string.
fn json_inner(text: &str) -> String {
    let quoted = serde_json::to_string(text).unwrap_or_default();
    quoted
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(&quoted)
        .to_owned()
}

/// `chars` with each span replaced by `[label]` and bars to its length
/// (bars alone when the label does not fit).
fn bars(chars: &[char], mut spans: Vec<Bar>) -> String {
    spans.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut out = String::with_capacity(chars.len() * 2);
    let mut at = 0usize;
    for (start, end, label) in spans {
        let end = end.min(chars.len());
        if start < at || start >= end {
            // Inside a span already barred: extend it.
            if end > at && start < at {
                out.extend(std::iter::repeat_n('█', end - at));
                at = end;
            }
            continue;
        }
        out.extend(&chars[at..start]);
        let len = end - start;
        let tag: Vec<char> = format!("[{label}]").chars().collect();
        if tag.len() <= len {
            out.extend(&tag);
            out.extend(std::iter::repeat_n('█', len - tag.len()));
        } else {
            out.extend(std::iter::repeat_n('█', len));
        }
        at = end;
    }
    out.extend(&chars[at.min(chars.len())..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consent_documents_name_their_use_and_partner() {
        let bytes = br#"{"format":"casefile-witness 1","action":"consent","witness":"W-002","use":"partner","partner":"Example Partner","given":false,"at":"2024-06-01"}"#;
        match WitnessDoc::decode(bytes).unwrap() {
            WitnessDoc::Consent { to, given, .. } => {
                assert_eq!(to, Use::Partner("Example Partner".into()));
                assert!(!given);
            }
            other => panic!("{other:?}"),
        }
        let court = WitnessDoc::Consent {
            witness: "W-001".into(),
            to: Use::Court,
            given: true,
            named: true,
            at: "2024".into(),
            recorded_in: Some(7),
        };
        let text = String::from_utf8(court.encode()).unwrap();
        assert!(text.contains(r#""use":"court""#), "{text}");
        assert_eq!(WitnessDoc::decode(text.as_bytes()).unwrap(), court);
        assert!(WitnessDoc::decode(br#"{"format":"casefile-witness 1","action":"consent","witness":"W-001","use":"everything","given":true,"at":"2024"}"#).is_err());
    }

    #[test]
    fn bars_keep_every_span_in_place() {
        let text: Vec<char> = "Я, Зиновий Канарейкин, тел. +7 912 555-83-41."
            .chars()
            .collect();
        let out = bars(
            &text,
            vec![(3, 21, "W-001".into()), (28, 44, "phone".into())],
        );
        assert_eq!(out.chars().count(), text.len());
        assert_eq!(out, "Я, [W-001]███████████, тел. [phone]█████████.");
    }

    #[test]
    fn every_field_of_a_document_is_barred_not_only_its_text() {
        let mut register = Register::default();
        let add = WitnessDoc::Add {
            name: "Зиновий Канарейкин".into(),
            aliases: vec![],
            contacts: vec!["+7 912 555-83-41".into()],
            details: None,
            sources: vec![4],
        };
        register.apply(&add, 5, "a").unwrap();
        let text = "Живу в деревне Снегирёвка, пишу как есть.";
        let village = text.find("Снегирёвка").unwrap();
        let start = text[..village].chars().count();
        register.masks.push(Mask {
            source: 4,
            document: 0,
            start,
            end: start + "Снегирёвка".chars().count(),
            kind: "village".into(),
            entry: 6,
        });
        let redactor = Redactor::new(&register, &HashMap::new(), false);
        let mut doc = Document::new(casefile_document::Origin::File {
            name: Some("показания Канарейкин.txt".into()),
        });
        doc.text = text.into();
        doc.title = Some("Показания З. Канарейкина".into());
        doc.authors = vec!["Зиновий Канарейкин".into()];
        doc.captions = vec![casefile_document::Caption {
            text: "Канарейкин у дома в Снегирёвке".into(),
            credit: Some("звонить +7 912 555-83-41".into()),
        }];
        doc.removed = vec![casefile_document::Removed {
            text: "Контакт: +7 912 555-83-41".into(),
            reason: casefile_document::RemovalReason::Other,
        }];
        let before = doc.clone();
        redactor.document(4, 0, &mut doc);
        let shown = serde_json::to_string(&doc).unwrap();
        for canary in ["Канарейкин", "555-83-41", "Снегирёвк"] {
            assert!(!shown.contains(canary), "{canary} in {shown}");
        }
        // Every string keeps its length, so spans into it hold.
        assert_eq!(doc.text.chars().count(), before.text.chars().count());
        assert_eq!(
            doc.captions[0].text.chars().count(),
            before.captions[0].text.chars().count()
        );
        assert!(doc.text.contains("[village]"), "{}", doc.text);
        assert!(doc.captions[0].text.contains("[W-001]"), "{shown}");
        assert_eq!(
            doc.removed[0].reason,
            casefile_document::RemovalReason::Other
        );
        // A document of another source is left as it is but for names.
        let mut other = before.clone();
        redactor.document(9, 0, &mut other);
        assert!(other.text.contains("Снегирёвка"));
        assert!(!other.captions[0].text.contains("Канарейкин"));
    }

    #[test]
    fn consent_is_what_the_latest_change_says() {
        let mut register = Register::default();
        let add = WitnessDoc::Add {
            name: "Test Witness".into(),
            aliases: vec![],
            contacts: vec![],
            details: None,
            sources: vec![4],
        };
        register.apply(&add, 5, "a").unwrap();
        let consent = |given, named| WitnessDoc::Consent {
            witness: "W-001".into(),
            to: Use::Court,
            given,
            named,
            at: "2024-05-02".into(),
            recorded_in: None,
        };
        let w = |r: &Register| r.witness("w1").unwrap().clone();
        assert!(matches!(
            w(&register).allows(&Use::Court),
            Allowed::Refused { .. }
        ));
        register.apply(&consent(true, false), 6, "a").unwrap();
        assert_eq!(w(&register).allows(&Use::Court), Allowed::Anonymous);
        assert!(matches!(
            w(&register).allows(&Use::Publication),
            Allowed::Refused { .. }
        ));
        register.apply(&consent(true, true), 7, "a").unwrap();
        assert_eq!(w(&register).allows(&Use::Court), Allowed::Named);
        register.apply(&consent(false, false), 8, "a").unwrap();
        match w(&register).allows(&Use::Court) {
            Allowed::Refused { why } => assert!(why.contains("withdrew"), "{why}"),
            other => panic!("{other:?}"),
        }
        let bytes = consent(true, true).encode();
        assert_eq!(WitnessDoc::decode(&bytes).unwrap(), consent(true, true));
        assert!(
            register
                .apply(
                    &WitnessDoc::Consent {
                        witness: "W-002".into(),
                        to: Use::Internal,
                        given: true,
                        named: false,
                        at: "2024".into(),
                        recorded_in: None,
                    },
                    10,
                    "a"
                )
                .is_err()
        );
    }
}

/// A witness to register, as a person states them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewWitness {
    /// Their name.
    pub name: String,
    /// Other names and spellings.
    pub aliases: Vec<String>,
    /// How to reach them.
    pub contacts: Vec<String>,
    /// Anything else that identifies them.
    pub details: Option<String>,
    /// Their accounts (as `casefile log` names sources: index or id).
    pub sources: Vec<String>,
}

/// A change of consent, as a person records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRequest {
    /// The witness (`W-001`).
    pub witness: String,
    /// For what.
    pub to: Use,
    /// Given, or withdrawn.
    pub given: bool,
    /// With their name.
    pub named: bool,
    /// When they said so (EDTF day or time; default: today).
    pub at: Option<String>,
    /// The source that records it.
    pub recorded_in: Option<String>,
}

/// A span proposed for masking, or confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaskProposal {
    /// The document's ordinal in the source.
    pub document: u64,
    /// Its start, in characters of the text.
    pub start: usize,
    /// Its end.
    pub end: usize,
    /// What it is: `name`, `phone`, `email`, `address`, `birth-date`.
    pub kind: String,
    /// As written (only for the cleared member who asked).
    pub text: String,
    /// Already confirmed.
    pub confirmed: bool,
}

impl Case {
    /// The register as read from the log itself (every witness document,
    /// opened with the case keys): for when no protected layer holds it.
    fn register_from_log(&self) -> Result<Register, Error> {
        let keys = self.keys();
        let keyring = keys.as_ref().ok_or_else(|| locked("witnesses"))?;
        Register::read(&crate::curation::read_log(self.vault(), Some(keyring))?)
    }

    /// The witnesses of the case, their consent and the confirmed masks.
    /// Needs the case unlocked.
    pub fn witnesses(&self) -> Result<Register, Error> {
        self.witnesses_in(&self.snapshot()?)
    }

    /// [`Case::witnesses`], from the protected layer `snapshot` installed
    /// when it did, else from the log.
    pub(crate) fn witnesses_in(&self, snapshot: &crate::Snapshot) -> Result<Register, Error> {
        if self.keys().is_none() {
            return Err(locked("witnesses"));
        }
        match snapshot.register() {
            Some(register) => Ok(register.clone()),
            None => self.register_from_log(),
        }
    }

    /// Registers a witness (sealed, like their testimony) and syncs;
    /// returns their pseudonym. Needs the case unlocked.
    pub fn add_witness(&self, witness: &NewWitness, by: &str) -> Result<String, Error> {
        self.writable()?;
        if self.keys().is_none() {
            return Err(locked("witnesses"));
        }
        if witness.name.trim().is_empty() {
            return Err(Error::invalid("a witness needs a name (it is kept sealed)"));
        }
        let mut sources = Vec::new();
        for spec in &witness.sources {
            let index = self.resolve_source(spec)?;
            let record = self.vault().source(index)?;
            if !record.entry.kind.is_protected() {
                return Err(Error::invalid(format!(
                    "source #{index} is {}, not a testimony or complaint: a witness's accounts \
                     are protected sources",
                    record.entry.kind.as_str()
                )));
            }
            sources.push(index);
        }
        let doc = WitnessDoc::Add {
            name: witness.name.trim().to_owned(),
            aliases: witness.aliases.clone(),
            contacts: witness.contacts.clone(),
            details: witness.details.clone(),
            sources,
        };
        let entry = self.log_sealed(&doc, "witness", by)?;
        // The log's order gives the pseudonym: read it back.
        self.witnesses()?
            .witnesses
            .iter()
            .find(|w| w.entry == entry)
            .map(|w| w.pseudonym.clone())
            .ok_or_else(|| Error::integrity(format!("the witness of log entry #{entry} is gone")))
    }

    /// Records that a witness gave or withdrew consent; then syncs.
    pub fn record_consent(&self, request: &ConsentRequest, by: &str) -> Result<Witness, Error> {
        self.writable()?;
        let register = self.witnesses()?;
        let witness = register.witness(&request.witness).ok_or_else(|| {
            Error::not_found(format!(
                "the case has no witness {} (see `casefile witnesses list`)",
                request.witness
            ))
        })?;
        let recorded_in = request
            .recorded_in
            .as_deref()
            .map(|spec| self.resolve_source(spec))
            .transpose()?;
        let at = match &request.at {
            Some(at) => casefile_dates::normalize_time(at)?,
            None => jiff::Timestamp::now().to_string()[..10].to_owned(),
        };
        let doc = WitnessDoc::Consent {
            witness: witness.pseudonym.clone(),
            to: request.to.clone(),
            given: request.given,
            named: request.named,
            at,
            recorded_in,
        };
        let pseudonym = witness.pseudonym.clone();
        self.log_sealed(&doc, "consent", by)?;
        self.witnesses()?
            .witness(&pseudonym)
            .cloned()
            .ok_or_else(|| Error::integrity(format!("{pseudonym} is gone after recording consent")))
    }

    /// The spans of source `spec`'s documents the machine proposes to
    /// mask: the names of people mentioned in it, and phone numbers,
    /// e-mail addresses, street addresses and dates of birth; each marked
    /// when already confirmed. Needs the case unlocked.
    pub fn propose_masks(&self, spec: &str) -> Result<Vec<MaskProposal>, Error> {
        let index = self.resolve_source(spec)?;
        if self.keys().is_none() {
            return Err(locked("masks"));
        }
        // Read with names: the proposals are for the member who asked.
        let snapshot = self.snapshot_as(true)?;
        let register = self.witnesses_in(&snapshot)?;
        let mut out: Vec<MaskProposal> = Vec::new();
        let mut documents = Vec::new();
        snapshot.documents(index, &mut |document, extraction| {
            documents.push((document, extraction));
        })?;
        let witness_names: Vec<String> = register
            .witnesses
            .iter()
            .flat_map(|w| std::iter::once(w.name.clone()).chain(w.aliases.clone()))
            .collect();
        for (ordinal, (document, extraction)) in documents.iter().enumerate() {
            let ordinal = ordinal as u64;
            let extraction: Option<casefile_extract::Extraction> = extraction
                .clone()
                .and_then(|e| serde_json::from_value(e).ok());
            for mention in extraction.iter().flat_map(|e| &e.mentions) {
                if mention.kind == casefile_extract::ner::EntityKind::Person
                    && mention.field == casefile_extract::Field::Text
                {
                    out.push(MaskProposal {
                        document: ordinal,
                        start: mention.span.start,
                        end: mention.span.end,
                        kind: "name".into(),
                        text: mention.text.clone(),
                        confirmed: false,
                    });
                }
            }
            let chars: Vec<char> = document.text.chars().collect();
            for name in &witness_names {
                let needle: Vec<char> = name.chars().collect();
                for at in occurrences(&chars, &needle) {
                    out.push(MaskProposal {
                        document: ordinal,
                        start: at,
                        end: at + needle.len(),
                        kind: "name".into(),
                        text: name.clone(),
                        confirmed: false,
                    });
                }
            }
            for detail in casefile_extract::identifying::identifying(&document.text) {
                out.push(MaskProposal {
                    document: ordinal,
                    start: detail.span.start,
                    end: detail.span.end,
                    kind: detail.kind.as_str().to_owned(),
                    text: detail.text,
                    confirmed: false,
                });
            }
        }
        out.sort_by(|a, b| {
            (a.document, a.start, std::cmp::Reverse(a.end)).cmp(&(
                b.document,
                b.start,
                std::cmp::Reverse(b.end),
            ))
        });
        out.dedup_by(|later, earlier| {
            later.document == earlier.document && later.start < earlier.end
        });
        for proposal in &mut out {
            proposal.confirmed = register.masks.iter().any(|m| {
                m.source == index
                    && m.document == proposal.document
                    && m.start == proposal.start
                    && m.end == proposal.end
            });
        }
        Ok(out)
    }

    /// Confirms spans of source `spec` to mask (each a sealed log entry);
    /// then syncs. Returns how many were new.
    pub fn confirm_masks(
        &self,
        spec: &str,
        masks: &[MaskProposal],
        by: &str,
    ) -> Result<usize, Error> {
        self.writable()?;
        let index = self.resolve_source(spec)?;
        let register = self.witnesses()?;
        let target = self.sealing_target_for_curation()?;
        let mut items = Vec::new();
        for mask in masks {
            if mask.end <= mask.start {
                return Err(Error::invalid(format!(
                    "the span {}-{} ends before it starts",
                    mask.start, mask.end
                )));
            }
            let known = register.masks.iter().any(|m| {
                (m.source, m.document, m.start, m.end)
                    == (index, mask.document, mask.start, mask.end)
            });
            if known {
                continue;
            }
            let doc = WitnessDoc::Mask {
                source: index,
                document: mask.document,
                start: mask.start,
                end: mask.end,
                kind: mask.kind.clone(),
            };
            items.push(Item {
                bytes: doc.encode(),
                name: "mask.json".into(),
                note: "mask".into(),
            });
        }
        let new = items.len();
        if new > 0 {
            crate::curation::commit(self.vault(), items, by, Some(&target))?;
            self.sync(&crate::progress::Quiet)?;
        }
        Ok(new)
    }

    /// Logs one witness document sealed, then syncs; returns its entry.
    fn log_sealed(&self, doc: &WitnessDoc, name: &str, by: &str) -> Result<u64, Error> {
        let target = self.sealing_target_for_curation()?;
        let item = Item {
            bytes: doc.encode(),
            name: format!("{name}.json"),
            note: name.to_owned(),
        };
        let entries = crate::curation::commit(self.vault(), vec![item], by, Some(&target))?;
        self.sync(&crate::progress::Quiet)?;
        entries
            .first()
            .copied()
            .ok_or_else(|| Error::integrity("the witness document was not logged"))
    }
}

fn locked(what: &str) -> Error {
    Error::locked(format!(
        "the {what} of a case are protected material: open the case with the identity of a \
         member cleared for it"
    ))
}
