//! Entities as the service shows them: one entity with the records that
//! link it, two names compared, and the ids people type.

use casefile_derived::{RecordLink, Store};
use casefile_resolve::judgements::MentionRef;
use casefile_resolve::names::{Comparison, NameKind, THRESHOLD};
use serde::Serialize;

use crate::error::Error;
use crate::resolve::{StoredEntity, StoredMention};

/// An entity with the records that link it (its relations, the claims,
/// events and violations it takes part in).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShownEntity {
    /// The entity as stored.
    #[serde(flatten)]
    pub entity: StoredEntity,
    /// The records linking it.
    pub linked_from: Vec<RecordLink>,
}

/// Two names compared: whether they name the same, the score and every
/// reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explained {
    /// The first name.
    pub left: String,
    /// The second name.
    pub right: String,
    /// Whether they name the same.
    pub same: bool,
    /// The score.
    pub score: f64,
    /// The score from which names are the same.
    pub threshold: f64,
    /// Every reason, as data.
    pub reasons: Vec<casefile_resolve::names::Reason>,
    /// Every reason, in words.
    pub explained: Vec<String>,
}

impl Explained {
    pub(crate) fn new(left: String, right: String, comparison: Comparison) -> Self {
        Explained {
            left,
            right,
            same: comparison.same,
            score: comparison.score,
            threshold: THRESHOLD,
            explained: comparison.reasons.iter().map(ToString::to_string).collect(),
            reasons: comparison.reasons,
        }
    }
}

/// Compares two names of `kind`; needs no case.
pub fn explain_names(left: &str, right: &str, kind: NameKind) -> Explained {
    let comparison = casefile_resolve::names::compare_names(left, right, kind);
    Explained::new(left.to_owned(), right.to_owned(), comparison)
}

/// Whether a word names an entity (E3.0.1) rather than being a name.
pub fn is_entity_ref(text: &str) -> bool {
    entity_id(text).is_some()
}

/// The stored id an entity reference names: `E3.0.1`, `e3.0.1` or
/// `3.0.1`.
pub(crate) fn entity_id(text: &str) -> Option<String> {
    let id = text.strip_prefix(['E', 'e']).unwrap_or(text);
    let parts: Vec<&str> = id.split('.').collect();
    (parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())))
    .then(|| id.to_owned())
}

/// The entity `text` names, from `store`.
pub(crate) fn load(store: &Store, text: &str) -> Result<StoredEntity, Error> {
    let id = entity_id(text).ok_or_else(|| {
        Error::invalid(format!(
            "{text:?} is not an entity id (like E3.0.1, as `entity list` shows)"
        ))
    })?;
    store.entity(&id)?.ok_or_else(|| {
        Error::not_found(format!(
            "the case has no entity E{id} (see `casefile entity list`)"
        ))
    })
}

/// What a judgement names a mention by.
pub(crate) fn mention_ref(m: &StoredMention) -> MentionRef {
    MentionRef {
        source: m.source,
        document: m.document,
        field: m.field.clone(),
        start: m.start,
        end: m.end,
        text: m.text.clone(),
    }
}

/// The id of the entity holding the mention at `m` now.
pub(crate) fn entity_of(store: &Store, m: &StoredMention) -> Result<Option<String>, Error> {
    for summary in store.entity_list(None)? {
        let entity: Option<StoredEntity> = store.entity(&summary.id)?;
        if entity.is_some_and(|e| {
            e.mentions
                .iter()
                .any(|x| (x.source, x.document, x.mention) == (m.source, m.document, m.mention))
        }) {
            return Ok(Some(summary.id));
        }
    }
    Ok(None)
}

/// The kind of name an entity kind names.
pub(crate) fn kind_of(kind: &str) -> NameKind {
    crate::resolve::name_kind(kind)
}
