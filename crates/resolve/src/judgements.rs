//! A person's judgements about entities, and the document that records
//! each in the case's log (`docs/formats/judgement.md`).
//!
//! A judgement is about two mentions, named by where they are (source,
//! document, field and span) rather than by entity numbers, which change
//! when resolution runs again: "these two name the same" (a merge) or "these
//! two do not" (a split, or "not the same"). Later runs of the resolver
//! respect them.

use serde::{Deserialize, Serialize};

/// The first field of every judgement document, naming the format.
pub const JUDGEMENT_FORMAT: &str = "casefile-judgement 1";

/// Judgement documents larger than this are refused.
pub const MAX_JUDGEMENT_LEN: usize = 64 * 1024;

/// Where a mention is, as a judgement names it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MentionRef {
    /// The source's log index.
    pub source: u64,
    /// The document's ordinal in the source.
    pub document: u64,
    /// The part of the document the span counts in (`text`, `title`...).
    pub field: String,
    /// Where the mention starts, in characters of the field.
    pub start: usize,
    /// Where it ends.
    pub end: usize,
    /// The mention as written, so a person reading the log sees what was
    /// judged.
    pub text: String,
}

/// What a person judged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The two mentions name one entity (`entity merge`).
    Same,
    /// The two mentions name different entities (`entity split`,
    /// `entity not-same`).
    NotSame,
}

/// One judgement, as recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Judgement {
    /// Always [`JUDGEMENT_FORMAT`].
    pub format: String,
    /// Same or not the same.
    pub verdict: Verdict,
    /// One mention.
    pub left: MentionRef,
    /// The other.
    pub right: MentionRef,
    /// Why, in the person's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Why bytes are not a judgement document.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JudgementError {
    /// Larger than [`MAX_JUDGEMENT_LEN`].
    #[error("a judgement document is at most {MAX_JUDGEMENT_LEN} bytes")]
    TooLarge,
    /// Not the JSON of a judgement.
    #[error("not a judgement document: {0}")]
    Json(#[from] serde_json::Error),
    /// Another format or version.
    #[error("not a judgement document: its format is {0:?}, not {JUDGEMENT_FORMAT:?}")]
    Format(String),
    /// A mention's span ends before it starts.
    #[error("a judged mention's span ends before it starts")]
    Span,
}

impl Judgement {
    /// A judgement of `verdict` about two mentions.
    pub fn new(
        verdict: Verdict,
        left: MentionRef,
        right: MentionRef,
        reason: Option<String>,
    ) -> Self {
        Judgement {
            format: JUDGEMENT_FORMAT.to_owned(),
            verdict,
            left,
            right,
            reason,
        }
    }

    /// The document's bytes: JSON, one line, fields in a fixed order.
    pub fn encode(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec(self).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }

    /// Reads a judgement document.
    pub fn decode(bytes: &[u8]) -> Result<Self, JudgementError> {
        if bytes.len() > MAX_JUDGEMENT_LEN {
            return Err(JudgementError::TooLarge);
        }
        let judgement: Judgement = serde_json::from_slice(bytes)?;
        if judgement.format != JUDGEMENT_FORMAT {
            return Err(JudgementError::Format(judgement.format));
        }
        if judgement.left.end < judgement.left.start || judgement.right.end < judgement.right.start
        {
            return Err(JudgementError::Span);
        }
        Ok(judgement)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mention(source: u64, text: &str) -> MentionRef {
        MentionRef {
            source,
            document: 0,
            field: "text".to_owned(),
            start: 3,
            end: 3 + text.chars().count(),
            text: text.to_owned(),
        }
    }

    #[test]
    fn round_trip_and_refusals() {
        let judgement = Judgement::new(
            Verdict::NotSame,
            mention(1, "Дикий"),
            mention(4, "Dikiy"),
            Some("another man of that name".to_owned()),
        );
        let bytes = judgement.encode();
        assert_eq!(Judgement::decode(&bytes).unwrap(), judgement);
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with(r#"{"format":"casefile-judgement 1","verdict":"not-same""#));
        let other = text.replace("judgement 1", "judgement 2");
        assert!(matches!(
            Judgement::decode(other.as_bytes()),
            Err(JudgementError::Format(_))
        ));
        let extra = text.replacen('{', r#"{"x":1,"#, 1);
        assert!(Judgement::decode(extra.as_bytes()).is_err());
        assert!(Judgement::decode(b"").is_err());
    }
}
