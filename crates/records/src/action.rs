//! A person's action on the records, and the document that records it in
//! the case's log (`docs/formats/record-action.md`): create a record, edit
//! one (values, links, label, evidence), or confirm, reject or dispute one.
//!
//! Actions are committed to the vault as sources of the kind `curation`,
//! so each is hashed, logged, signed and verified like evidence; the
//! records are the proposals with every action applied in log order.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::vocabulary::{RELATIONS, ROLES};
use crate::{Evidence, Link, Provenance, Record, RecordKind, Records, Status, Step, Value};

/// The first field of every action document, naming the format.
pub const ACTION_FORMAT: &str = "casefile-record 1";

/// Action documents larger than this are refused.
pub const MAX_ACTION_LEN: usize = 64 * 1024;

/// What an action does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// Makes a new record (its id is `H` and the action's log index).
    Create,
    /// Changes a record's label, values, links or evidence.
    Edit,
    /// Confirms a record.
    Confirm,
    /// Rejects a record: reports leave it out.
    Reject,
    /// Marks a record disputed.
    Dispute,
}

impl ActionKind {
    /// Its name.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Create => "create",
            ActionKind::Edit => "edit",
            ActionKind::Confirm => "confirm",
            ActionKind::Reject => "reject",
            ActionKind::Dispute => "dispute",
        }
    }
}

/// Where a person cites a record from: a span of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Citation {
    /// The source's log index.
    pub source: u64,
    /// The document's ordinal in the source.
    pub document: u64,
    /// The part of the document (`text` unless said).
    #[serde(default = "text_field")]
    pub field: String,
    /// Where the span starts, in characters of the field.
    pub start: usize,
    /// Where it ends.
    pub end: usize,
    /// The words of the span, so a person reading the log sees them.
    pub quote: String,
}

fn text_field() -> String {
    "text".to_owned()
}

/// One action, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// Always [`ACTION_FORMAT`].
    pub format: String,
    /// What it does.
    pub action: ActionKind,
    /// The record acted on (absent for `create`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
    /// The new record's kind (`create` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<RecordKind>,
    /// Its kind within its kind (a relation's kind, an event's kind...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtype: Option<String>,
    /// Its new label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Values to set, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub set: BTreeMap<String, String>,
    /// Values to remove, by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unset: Vec<String>,
    /// Links to add.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub link: Vec<Link>,
    /// Links to remove.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unlink: Vec<Link>,
    /// Evidence to add.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cite: Vec<Citation>,
    /// Why, in the person's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Why bytes are not an action document, or an action cannot apply.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ActionError {
    /// Larger than [`MAX_ACTION_LEN`].
    #[error("a record action document is at most {MAX_ACTION_LEN} bytes")]
    TooLarge,
    /// Not the JSON of an action.
    #[error("not a record action document: {0}")]
    Json(#[from] serde_json::Error),
    /// Another format or version.
    #[error("not a record action document: its format is {0:?}, not {ACTION_FORMAT:?}")]
    Format(String),
    /// Something the action needs is missing, or something it may not
    /// carry is there.
    #[error("a {action} action {problem}")]
    Shape {
        /// The action.
        action: &'static str,
        /// What is wrong.
        problem: String,
    },
    /// A link's role is not in the vocabulary.
    #[error("{0:?} is not a link role (one of: {roles})", roles = ROLES.join(", "))]
    Role(String),
    /// A relation's kind is not in the vocabulary.
    #[error("{0:?} is not a relation kind (one of: {kinds})", kinds = RELATIONS.join(", "))]
    RelationKind(String),
    /// A cited span ends before it starts.
    #[error("a cited span ends before it starts")]
    Span,
    /// The record acted on does not exist.
    #[error("the case has no record {0}")]
    NoRecord(String),
    /// A link points at a record that does not exist.
    #[error("a link points at {0}, which the case has no record of")]
    NoTarget(String),
    /// The record to create exists already.
    #[error("the case already has a record {0}")]
    Exists(String),
}

impl Action {
    /// An action of a kind on a record, with nothing else set.
    pub fn on(action: ActionKind, record: Option<String>) -> Action {
        Action {
            format: ACTION_FORMAT.to_owned(),
            action,
            record,
            kind: None,
            subtype: None,
            label: None,
            set: BTreeMap::new(),
            unset: Vec::new(),
            link: Vec::new(),
            unlink: Vec::new(),
            cite: Vec::new(),
            note: None,
        }
    }

    /// The document's bytes: pretty JSON, so the blob in the vault reads
    /// well.
    pub fn encode(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }

    /// Reads and checks an action document.
    pub fn decode(bytes: &[u8]) -> Result<Action, ActionError> {
        if bytes.len() > MAX_ACTION_LEN {
            return Err(ActionError::TooLarge);
        }
        let action: Action = serde_json::from_slice(bytes)?;
        action.check()?;
        Ok(action)
    }

    /// Checks the action's shape: what each kind of action needs and may
    /// carry, and that roles, relation kinds and spans are valid.
    pub fn check(&self) -> Result<(), ActionError> {
        if self.format != ACTION_FORMAT {
            return Err(ActionError::Format(self.format.clone()));
        }
        let name = self.action.as_str();
        let shape = |problem: &str| ActionError::Shape {
            action: name,
            problem: problem.to_owned(),
        };
        match self.action {
            ActionKind::Create => {
                if self.record.is_some() {
                    return Err(shape(
                        "names no record: the new one's id is given by the log",
                    ));
                }
                let kind = self
                    .kind
                    .ok_or_else(|| shape("needs the new record's kind"))?;
                if self.label.as_deref().is_none_or(|l| l.trim().is_empty()) {
                    return Err(shape("needs a label"));
                }
                if kind == RecordKind::Relation {
                    let subtype = self
                        .subtype
                        .as_deref()
                        .ok_or_else(|| shape("of a relation needs its kind"))?;
                    if !RELATIONS.contains(&subtype) {
                        return Err(ActionError::RelationKind(subtype.to_owned()));
                    }
                }
            }
            ActionKind::Edit | ActionKind::Confirm | ActionKind::Reject | ActionKind::Dispute => {
                if self.record.as_deref().is_none_or(|r| r.trim().is_empty()) {
                    return Err(shape("needs the record it acts on"));
                }
                if self.kind.is_some() {
                    return Err(shape("cannot change a record's kind"));
                }
            }
        }
        let changes = self.label.is_some()
            || self.subtype.is_some()
            || !self.set.is_empty()
            || !self.unset.is_empty()
            || !self.link.is_empty()
            || !self.unlink.is_empty()
            || !self.cite.is_empty();
        match self.action {
            ActionKind::Edit if !changes => return Err(shape("changes nothing")),
            ActionKind::Confirm | ActionKind::Reject | ActionKind::Dispute if changes => {
                return Err(shape("only changes a status; edit changes values"));
            }
            _ => {}
        }
        if self
            .set
            .keys()
            .chain(&self.unset)
            .any(|k| k.trim().is_empty())
        {
            return Err(shape("names a value with no name"));
        }
        for link in self.link.iter().chain(&self.unlink) {
            if !ROLES.contains(&link.role.as_str()) {
                return Err(ActionError::Role(link.role.clone()));
            }
            if link.target.trim().is_empty() {
                return Err(shape("has a link to nothing"));
            }
        }
        if self.cite.iter().any(|c| c.end < c.start) {
            return Err(ActionError::Span);
        }
        Ok(())
    }
}

impl Records {
    /// Applies a person's action, recorded as log entry `by.entry`. Links
    /// must point at records that exist. Nothing changes when it fails.
    pub fn apply(&mut self, action: &Action, by: &Provenance) -> Result<(), ActionError> {
        action.check()?;
        for link in &action.link {
            if !self.by_id.contains_key(&link.target) {
                return Err(ActionError::NoTarget(link.target.clone()));
            }
        }
        let step = Step {
            action: action.action.as_str().to_owned(),
            by: by.clone(),
            note: action.note.clone(),
        };
        let record = match action.action {
            ActionKind::Create => {
                let id = format!("H{}", by.entry);
                if self.by_id.contains_key(&id) {
                    return Err(ActionError::Exists(id));
                }
                let Some(kind) = action.kind else {
                    return Err(ActionError::Shape {
                        action: "create",
                        problem: "needs the new record's kind".to_owned(),
                    });
                };
                self.by_id.entry(id.clone()).or_insert(Record {
                    id,
                    kind,
                    subtype: None,
                    label: String::new(),
                    status: Status::Proposed,
                    status_by: by.clone(),
                    values: BTreeMap::new(),
                    links: Vec::new(),
                    evidence: Vec::new(),
                    history: Vec::new(),
                })
            }
            _ => {
                let id = action.record.as_deref().unwrap_or_default();
                self.by_id
                    .get_mut(id)
                    .ok_or_else(|| ActionError::NoRecord(id.to_owned()))?
            }
        };
        match action.action {
            ActionKind::Confirm => record.status = Status::Confirmed,
            ActionKind::Reject => record.status = Status::Rejected,
            ActionKind::Dispute => record.status = Status::Disputed,
            ActionKind::Create | ActionKind::Edit => {}
        }
        if matches!(
            action.action,
            ActionKind::Confirm | ActionKind::Reject | ActionKind::Dispute
        ) {
            record.status_by = by.clone();
        }
        if let Some(label) = &action.label {
            record.label.clone_from(label);
        }
        if let Some(subtype) = &action.subtype {
            record.subtype = Some(subtype.clone());
        }
        for name in &action.unset {
            record.values.remove(name);
        }
        for (name, value) in &action.set {
            record.values.insert(
                name.clone(),
                Value {
                    value: value.clone(),
                    by: by.clone(),
                },
            );
        }
        record.links.retain(|l| !action.unlink.contains(l));
        for link in &action.link {
            if !record.links.contains(link) {
                record.links.push(link.clone());
            }
        }
        for c in &action.cite {
            record.evidence.push(Evidence {
                source: c.source,
                document: c.document,
                field: c.field.clone(),
                start: c.start,
                end: c.end,
                quote: c.quote.clone(),
                asserted: format!("cited by {}", by.method),
            });
        }
        record.history.push(step);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn by(entry: u64) -> Provenance {
        Provenance {
            method: "person:ana".to_owned(),
            entry,
            at: None,
        }
    }

    fn created(records: &mut Records, entry: u64, kind: RecordKind, label: &str) -> String {
        let mut action = Action::on(ActionKind::Create, None);
        action.kind = Some(kind);
        action.label = Some(label.to_owned());
        if kind == RecordKind::Relation {
            action.subtype = Some("command".to_owned());
        }
        records.apply(&action, &by(entry)).expect("create applies");
        format!("H{entry}")
    }

    #[test]
    fn create_edit_and_judge() {
        let mut records = Records::default();
        let person = created(&mut records, 7, RecordKind::Person, "Commander");
        let unit = created(&mut records, 8, RecordKind::Organization, "Unit");
        let relation = created(&mut records, 9, RecordKind::Relation, "commands");
        let mut edit = Action::on(ActionKind::Edit, Some(relation.clone()));
        edit.set.insert("when".to_owned(), "2022-11".to_owned());
        edit.link = vec![
            Link {
                role: "subject".to_owned(),
                target: person.clone(),
            },
            Link {
                role: "object".to_owned(),
                target: unit,
            },
        ];
        records.apply(&edit, &by(10)).expect("edit applies");
        let mut reject = Action::on(ActionKind::Reject, Some(relation.clone()));
        reject.note = Some("wrong unit".to_owned());
        records.apply(&reject, &by(11)).expect("reject applies");
        let r = records.get(&relation).expect("the relation exists");
        assert_eq!(r.status, Status::Rejected);
        assert_eq!(r.status_by.entry, 11);
        assert_eq!(r.value("when"), Some("2022-11"));
        assert_eq!(r.values["when"].by.entry, 10);
        assert_eq!(
            r.linked("subject").collect::<Vec<_>>(),
            vec![person.as_str()]
        );
        let steps: Vec<&str> = r.history.iter().map(|s| s.action.as_str()).collect();
        assert_eq!(steps, ["create", "edit", "reject"]);
    }

    #[test]
    fn bad_actions_change_nothing() {
        let mut records = Records::default();
        let person = created(&mut records, 1, RecordKind::Person, "A");
        let before = records.clone();
        let mut edit = Action::on(ActionKind::Edit, Some(person.clone()));
        edit.set.insert("when".to_owned(), "2024".to_owned());
        edit.link = vec![Link {
            role: "victim".to_owned(),
            target: "E9.9.9".to_owned(),
        }];
        assert!(matches!(
            records.apply(&edit, &by(2)),
            Err(ActionError::NoTarget(_))
        ));
        let confirm = Action::on(ActionKind::Confirm, Some("C1.0.0".to_owned()));
        assert!(matches!(
            records.apply(&confirm, &by(3)),
            Err(ActionError::NoRecord(_))
        ));
        assert_eq!(records, before);
    }

    #[test]
    fn documents_are_checked() {
        let good = Action::on(ActionKind::Confirm, Some("C1.0.0".to_owned()));
        assert_eq!(Action::decode(&good.encode()).expect("decodes"), good);
        let cases: &[(&str, &str)] = &[
            (
                r#"{"format":"casefile-record 2","action":"confirm","record":"C1"}"#,
                "format",
            ),
            (
                r#"{"format":"casefile-record 1","action":"confirm"}"#,
                "needs the record",
            ),
            (
                r#"{"format":"casefile-record 1","action":"create","label":"x"}"#,
                "kind",
            ),
            (
                r#"{"format":"casefile-record 1","action":"create","kind":"relation","label":"x","subtype":"love"}"#,
                "relation kind",
            ),
            (
                r#"{"format":"casefile-record 1","action":"edit","record":"C1"}"#,
                "changes nothing",
            ),
            (
                r#"{"format":"casefile-record 1","action":"edit","record":"C1","link":[{"role":"boss","target":"E1"}]}"#,
                "link role",
            ),
            (
                r#"{"format":"casefile-record 1","action":"reject","record":"C1","label":"y"}"#,
                "only changes a status",
            ),
            (
                r#"{"format":"casefile-record 1","action":"confirm","record":"C1","extra":1}"#,
                "unknown field",
            ),
        ];
        for (text, problem) in cases {
            let error = Action::decode(text.as_bytes()).expect_err(text).to_string();
            assert!(error.contains(problem), "{text}: {error}");
        }
        assert!(matches!(
            Action::decode(&vec![b' '; MAX_ACTION_LEN + 1]),
            Err(ActionError::TooLarge)
        ));
    }
}
